#include "phrases.h"

#include "buf.h"

#include <stdlib.h>
#include <string.h>

void
kz_phrases_init(kz_phrases *p)
{
	p->keys = kz_strmap_new();
	p->prefixes = kz_strmap_new();
	p->max_tokens = 0;
}

void
kz_phrases_release(kz_phrases *p)
{
	kz_strmap_free(p->keys);
	kz_strmap_free(p->prefixes);
	memset(p, 0, sizeof *p);
}

void
kz_phrases_add(kz_phrases *p, const kz_folder *f, const char *phrase,
    intptr_t value)
{
	size_t n, len;
	char *key = kz_key_of(f, phrase, &n);
	intptr_t old;

	len = strlen(key);
	if (len) {
		if (kz_strmap_get(p->keys, key, len, &old))
			value |= old;
		kz_strmap_put(p->keys, key, len, value);
		for (size_t i = 0; i < len; i++)
			if (key[i] == ' ')
				kz_strmap_put(p->prefixes, key, i, 1);
		if (n > p->max_tokens)
			p->max_tokens = n;
	}
	free(key);
}

size_t
kz_phrases_match(const kz_phrases *p, const kz_tokens *t, size_t i,
    intptr_t *value)
{
	kz_buf key;
	size_t best = 0;

	if (i >= t->n)
		return 0;
	kz_buf_init(&key);
	for (size_t j = i; j < t->n && j - i < p->max_tokens; j++) {
		intptr_t v;

		if (j > i) {
			if (!(t->tok[j - 1].flags & KZ_TOK_JOINS))
				break;
			kz_buf_addc(&key, ' ');
		}
		kz_buf_add(&key, t->folded.text + t->tok[j].fstart,
		    t->tok[j].fend - t->tok[j].fstart);
		if (kz_strmap_get(p->keys, key.data, key.len, &v)) {
			best = j + 1 - i;
			if (value)
				*value = v;
		}
		if (!kz_strmap_get(p->prefixes, key.data, key.len, NULL))
			break;
	}
	kz_buf_release(&key);
	return best;
}

void
kz_phrases_save(const kz_phrases *p, kz_buf *out)
{
	uint64_t n = p->max_tokens;

	kz_buf_add(out, &n, 8);
	kz_strmap_save(p->keys, out);
	kz_strmap_save(p->prefixes, out);
}

int
kz_phrases_load(kz_phrases *p, const unsigned char **at,
    const unsigned char *end)
{
	uint64_t n;

	memset(p, 0, sizeof *p);
	if (end - *at < 8)
		return -1;
	memcpy(&n, *at, 8);
	*at += 8;
	p->max_tokens = (size_t)n;
	if ((p->keys = kz_strmap_load(at, end)) == NULL ||
	    (p->prefixes = kz_strmap_load(at, end)) == NULL) {
		kz_phrases_release(p);
		return -1;
	}
	return 0;
}
