/*
 * phrases.h - a set of phrases (one or more words) matched on tokens,
 * longest first, each with an integer value: speech verbs ("a fait
 * savoir"), anonymous sources ("une source proche du dossier"), collective
 * speakers ("les autorités"). The set owns its keys.
 */
#ifndef KZ_PHRASES_H
#define KZ_PHRASES_H

#include "fold.h"
#include "strmap.h"
#include "tokens.h"

typedef struct kz_phrases {
	kz_strmap *keys;        /* token key -> value */
	kz_strmap *prefixes;    /* proper token prefixes */
	size_t max_tokens;
} kz_phrases;

void kz_phrases_init(kz_phrases *p);
void kz_phrases_release(kz_phrases *p);
/* Add a phrase (as written; folded and tokenized here). An existing
 * phrase keeps its value OR-ed with the new one. */
void kz_phrases_add(kz_phrases *p, const kz_folder *f, const char *phrase,
    intptr_t value);
/* Longest phrase at token i: its length in tokens (0 if none) and value.
 * Tokens must join (no sentence punctuation between them). */
size_t kz_phrases_match(const kz_phrases *p, const kz_tokens *t, size_t i,
    intptr_t *value);

/* As bytes, and back, for the build cache (buildcache.h): save appends
 * p to out; load makes p from the bytes at *p_at (moved past them), or
 * returns -1 (p holding nothing) when they are not what save wrote. */
struct kz_buf;
void kz_phrases_save(const kz_phrases *p, struct kz_buf *out);
int kz_phrases_load(kz_phrases *p, const unsigned char **at,
    const unsigned char *end);

#endif
