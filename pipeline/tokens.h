/*
 * tokens.h - the words of a text, found once on its folded form and shared
 * by every matcher (gazetteer, roles, names, quotes).
 *
 * A token is a run of letters and digits; apostrophes and hyphens split
 * tokens ("l'OTSC" is "l" + "otsc", "Kassym-Jomart" is "kassym" +
 * "jomart") so elision and hyphenation need no special entries. Each token
 * knows its folded bytes, its source bytes, whether it is capitalised in
 * the source, and whether it may be joined to the next one inside a name
 * (only spaces, one hyphen or one apostrophe between them, on one line).
 *
 * kz_tokens owns its folded text and arrays; kz_tokens_release frees them.
 * The source text is borrowed and must outlive the tokens.
 */
#ifndef KZ_TOKENS_H
#define KZ_TOKENS_H

#include "fold.h"

#include <stddef.h>
#include <stdint.h>

enum {
	KZ_TOK_UPPER = 1,       /* first letter is a capital in the source */
	KZ_TOK_ALLCAPS = 2,     /* every letter is a capital (and >1 letter) */
	KZ_TOK_JOINS = 4,       /* may be joined to the next token in a name */
	KZ_TOK_DIGIT = 8,       /* starts with a digit */
	KZ_TOK_ELIDED = 16      /* followed directly by an apostrophe: l' d' */
};

typedef struct kz_token {
	uint32_t fstart, fend;  /* in the folded text */
	uint32_t sstart, send;  /* in the source text */
	uint32_t flags;
	uint64_t hash;          /* kz_hash_bytes of the folded bytes: every
	                         * matcher looks tokens up in hash maps */
} kz_token;

typedef struct kz_tokens {
	const char *src;
	size_t srclen;
	kz_folded folded;
	kz_token *tok;
	size_t n;
} kz_tokens;

void kz_tokens_init(kz_tokens *t, const kz_folder *f, const char *src,
    size_t len);
void kz_tokens_release(kz_tokens *t);

/* Index of the first token starting at or after source byte `at`. */
size_t kz_tokens_at(const kz_tokens *t, size_t at);

/* Does token i's folded text equal word (folded, NUL-terminated)? */
int kz_token_is(const kz_tokens *t, size_t i, const char *word);

/* Key for tokens [i, j): folded tokens joined by single spaces. */
void kz_tokens_key(const kz_tokens *t, size_t i, size_t j, char **key,
    size_t *len);

/* Turn a folded string into its token key (tokens joined by one space);
 * the caller frees the result. */
char *kz_key_of(const kz_folder *f, const char *s, size_t *ntokens);

#endif
