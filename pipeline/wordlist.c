#include "wordlist.h"

#include "buf.h"

#include <stdlib.h>
#include <string.h>

void
kz_wordlist_init(kz_wordlist *w)
{
	memset(w, 0, sizeof *w);
	w->index = kz_strmap_new();
}

void
kz_wordlist_release(kz_wordlist *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->folded[i]);
		free(w->original[i]);
	}
	free(w->folded);
	free(w->original);
	free(w->lengths);
	kz_strmap_free(w->index);
	memset(w, 0, sizeof *w);
}

/* Trim spaces the fold may leave at either end. */
static char *
trimmed(char *s)
{
	size_t len = strlen(s), a = 0;

	while (a < len && s[a] == ' ')
		a++;
	while (len > a && s[len - 1] == ' ')
		len--;
	memmove(s, s + a, len - a);
	s[len - a] = '\0';
	return s;
}

/* Which bit of the pair filter the first two bytes of s set. */
static unsigned
pair_bit(const char *s)
{
	return ((unsigned char)s[0] * 61u + (unsigned char)s[1]) & 4095u;
}

/* Can an entry start at s[0..len)? Only when its first byte, and (if
 * every entry is longer than a byte) its first two bytes, are some
 * entry's. */
static int
may_start(const kz_wordlist *w, const char *s, size_t len)
{
	unsigned char c0;
	unsigned p;

	if (len == 0)
		return 0;
	c0 = (unsigned char)s[0];
	if (!(w->first[c0 >> 3] & (1u << (c0 & 7))))
		return 0;
	if (w->has_short || len < 2)
		return 1;
	p = pair_bit(s);
	return (w->pair[p >> 3] & (1u << (p & 7))) != 0;
}

void
kz_wordlist_add(kz_wordlist *w, const kz_folder *f, const char *s)
{
	char *folded = trimmed(kz_fold_string(f, s));
	size_t len = strlen(folded);

	if (kz_strmap_get(w->index, folded, len, NULL)) {
		free(folded);
		return;
	}
	w->folded = kz_realloc(w->folded, (w->n + 1) * sizeof *w->folded);
	w->original = kz_realloc(w->original, (w->n + 1) * sizeof *w->original);
	w->folded[w->n] = folded;
	w->original[w->n] = kz_strdup(s);
	kz_strmap_put(w->index, folded, len, (intptr_t)w->n);
	if (len > w->max_len)
		w->max_len = len;
	if (len > 0)
		w->first[(unsigned char)folded[0] >> 3] |=
		    (unsigned char)(1u << ((unsigned char)folded[0] & 7));
	if (len == 1)
		w->has_short = 1;
	else if (len > 1) {
		unsigned p = pair_bit(folded);

		w->pair[p >> 3] |= (unsigned char)(1u << (p & 7));
	}
	w->n++;
	/* keep the distinct lengths sorted, longest first: a prefix look-up
	 * then hashes only lengths some entry has */
	{
		size_t k = 0;

		while (k < w->nlengths && w->lengths[k] > len)
			k++;
		if (k == w->nlengths || w->lengths[k] != len) {
			w->lengths = kz_realloc(w->lengths, (w->nlengths + 1) *
			    sizeof *w->lengths);
			memmove(w->lengths + k + 1, w->lengths + k,
			    (w->nlengths - k) * sizeof *w->lengths);
			w->lengths[k] = len;
			w->nlengths++;
		}
	}
}

int
kz_wordlist_load(kz_wordlist *w, const kz_folder *f, const kz_yaml_doc *doc,
    const kz_yaml_node *node, const char *what, kz_error *err)
{
	if (node == NULL || node->kind != KZ_YAML_SEQ)
		return kz_yaml_error(err, doc, node, "'%s' must be a list of strings",
		    what);
	for (size_t i = 0; i < node->n; i++) {
		const char *s = kz_yaml_str(node->items[i]);

		if (s == NULL || *s == '\0')
			return kz_yaml_error(err, doc, node->items[i],
			    "'%s' entries must be non-empty strings", what);
		kz_wordlist_add(w, f, s);
	}
	return 0;
}

long
kz_wordlist_find(const kz_wordlist *w, const char *folded, size_t len)
{
	intptr_t v;

	/* a paragraph is longer than any entry: no need to hash it */
	if (len > w->max_len || (len > 0 && !may_start(w, folded, len)))
		return -1;
	if (kz_strmap_get(w->index, folded, len, &v))
		return (long)v;
	return -1;
}

static int
is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

long
kz_wordlist_prefix(const kz_wordlist *w, const char *folded, size_t len,
    int whole_words, size_t *matched)
{
	/* hashes of the first 1..PREFIX_HASHED bytes, from one FNV pass */
	enum { PREFIX_HASHED = 128 };
	uint64_t hash[PREFIX_HASHED + 1];
	size_t hashed = 0;

	/* most lines start with no entry's first bytes: say so at once */
	if (w->nlengths == 0 || !may_start(w, folded, len))
		return -1;
	hash[0] = KZ_HASH_START;
	for (size_t li = 0; li < w->nlengths; li++) {
		size_t n = w->lengths[li];
		intptr_t v;
		uint64_t h;

		if (n > len)
			continue;

		/* the entry must end where a word ends */
		if (whole_words && n < len && is_word_byte((unsigned char)folded[n]) &&
		    is_word_byte((unsigned char)folded[n - 1]))
			continue;
		if (n <= PREFIX_HASHED) {
			while (hashed < n) {
				hash[hashed + 1] = kz_hash_step(hash[hashed],
				    folded[hashed]);
				hashed++;
			}
			h = hash[n];
		} else
			h = kz_hash_bytes(folded, n);
		if (kz_strmap_get_hashed(w->index, folded, n, h, &v)) {
			if (matched)
				*matched = n;
			return (long)v;
		}
	}
	return -1;
}
