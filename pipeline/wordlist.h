/*
 * wordlist.h - lists of words and phrases from rules YAML, compared on
 * folded text (case, accents, apostrophes, spaces).
 *
 * A kz_wordlist owns its folded copies. kz_wordlist_load reads a YAML
 * sequence of strings and fails, naming file, line and column, on anything
 * else.
 */
#ifndef KZ_WORDLIST_H
#define KZ_WORDLIST_H

#include "error.h"
#include "fold.h"
#include "strmap.h"
#include "yamltree.h"

typedef struct kz_wordlist {
	char **folded;      /* n folded entries */
	char **original;    /* n entries as written */
	size_t n;
	size_t max_len;     /* longest folded entry, bytes */
	size_t *lengths;    /* the distinct entry lengths, longest first */
	size_t nlengths;
	kz_strmap *index;   /* folded entry -> position */
	unsigned char first[32];  /* bit set of the entries' first bytes */
	unsigned char pair[512];  /* bit set of (hashed) first two bytes */
	int has_short;            /* an entry of one byte: no pair filter */
} kz_wordlist;

void kz_wordlist_init(kz_wordlist *w);
void kz_wordlist_release(kz_wordlist *w);
void kz_wordlist_add(kz_wordlist *w, const kz_folder *f, const char *s);
/* node must be a sequence of scalars. */
int kz_wordlist_load(kz_wordlist *w, const kz_folder *f,
    const kz_yaml_doc *doc, const kz_yaml_node *node, const char *what,
    kz_error *err);
/* Index of the entry equal to the folded bytes, or -1. */
long kz_wordlist_find(const kz_wordlist *w, const char *folded, size_t len);
/* Index of the longest entry that folded[0..len) starts with, or -1;
 * *matched gets its length. With whole_words, the entry must end where a
 * word ends ("par" is not a prefix of "partager"). */
long kz_wordlist_prefix(const kz_wordlist *w, const char *folded, size_t len,
    int whole_words, size_t *matched);

#endif
