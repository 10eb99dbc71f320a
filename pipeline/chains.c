/*
 * chains.c - one chain of mentions per person (see chains.h).
 */
#include "chains.h"

#include "buf.h"

#include <stdlib.h>
#include <string.h>

void
kz_chains_init(kz_chains *c)
{
	memset(c, 0, sizeof *c);
	c->by_surname = kz_strmap_new();
	c->by_given = kz_strmap_new();
	c->by_entry = kz_strmap_new();
	c->by_key = kz_strmap_new();
	c->by_full = kz_strmap_new();
}

void
kz_chains_release(kz_chains *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->given[i]);
	free(c->given);
	free(c->head);
	free(c->head_words);
	free(c->entry);
	kz_strmap_free(c->by_surname);
	kz_strmap_free(c->by_given);
	kz_strmap_free(c->by_entry);
	kz_strmap_free(c->by_key);
	kz_strmap_free(c->by_full);
	memset(c, 0, sizeof *c);
}

static size_t
new_chain(kz_chains *c, size_t index, size_t words, long entry)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->given = kz_realloc(c->given, c->cap * sizeof *c->given);
		c->head = kz_realloc(c->head, c->cap * sizeof *c->head);
		c->head_words = kz_realloc(c->head_words,
		    c->cap * sizeof *c->head_words);
		c->entry = kz_realloc(c->entry, c->cap * sizeof *c->entry);
	}
	c->given[c->n] = NULL;
	c->head[c->n] = index;
	c->head_words[c->n] = words;
	c->entry[c->n] = entry;
	return c->n++;
}

static long
get(const kz_strmap *m, const char *key, size_t len)
{
	intptr_t v;

	if (key == NULL || len == 0 || !kz_strmap_get(m, key, len, &v))
		return -1;
	return (long)v;
}

static int
same_given(const kz_chains *c, size_t chain, const kz_chain_person *p)
{
	const char *g = c->given[chain];

	return g == NULL || (strlen(g) == p->given_len &&
	    memcmp(g, p->given, p->given_len) == 0);
}

/* The full name "given surname" as one key (a tab is never in a token),
 * in buf when it fits (no allocation for the usual name), else malloc'd. */
static char *
full_key(const kz_chain_person *p, char *buf, size_t cap, size_t *len)
{
	char *k;

	*len = p->given_len + p->surname_len + 1;
	k = *len <= cap ? buf : kz_malloc(*len);
	memcpy(k, p->given, p->given_len);
	k[p->given_len] = '\t';
	memcpy(k + p->given_len + 1, p->surname, p->surname_len);
	return k;
}

static long
full_get(const kz_chains *c, const kz_chain_person *p)
{
	char buf[128], *k;
	size_t len;
	long ch;

	k = full_key(p, buf, sizeof buf, &len);
	ch = get(c->by_full, k, len);
	if (k != buf)
		free(k);
	return ch;
}

static void
full_put(kz_chains *c, const kz_chain_person *p, size_t chain)
{
	char buf[128], *k;
	size_t len;

	k = full_key(p, buf, sizeof buf, &len);
	kz_strmap_put(c->by_full, k, len, (intptr_t)chain);
	if (k != buf)
		free(k);
}

/* What the chain learns from a mention: its names lead to it from now on,
 * and a full name heads it rather than a surname alone. */
static void
learn(kz_chains *c, size_t chain, const kz_chain_person *p, size_t index)
{
	size_t words = (p->given != NULL) + (p->surname != NULL);

	if (p->surname)
		kz_strmap_put(c->by_surname, p->surname, p->surname_len,
		    (intptr_t)chain);
	if (p->given && p->surname)
		full_put(c, p, chain);
	if (p->given) {
		kz_strmap_put(c->by_given, p->given, p->given_len,
		    (intptr_t)chain);
		if (c->given[chain] == NULL && p->surname)
			c->given[chain] = kz_strndup(p->given, p->given_len);
	}
	if (words > c->head_words[chain]) {
		c->head[chain] = index;
		c->head_words[chain] = words;
	}
}

size_t
kz_chains_link(kz_chains *c, const kz_chain_person *p, size_t index)
{
	long ch = -1;

	if (p->entry >= 0 && p->entry_key)
		ch = get(c->by_entry, p->entry_key, strlen(p->entry_key));
	if (ch < 0 && p->given && p->surname)
		ch = full_get(c, p);
	if (ch < 0 && p->surname) {
		ch = get(c->by_surname, p->surname, p->surname_len);
		/* a different given name is another person; and a chain of
		 * the gazetteer takes no other entry */
		if (ch >= 0 && ((p->given && !same_given(c, (size_t)ch, p)) ||
		    (p->entry >= 0 && c->entry[ch] >= 0 && c->entry[ch] != p->entry)))
			ch = -1;
	}
	/* one word that may be a given name: a surname first ("Laurent"
	 * after "Sophie Laurent"), else the given name of a chain */
	if (ch < 0 && p->given && p->surname == NULL) {
		ch = get(c->by_surname, p->given, p->given_len);
		if (ch < 0)
			ch = get(c->by_given, p->given, p->given_len);
	}
	if (ch < 0)
		ch = (long)new_chain(c, index, 0, p->entry);
	if (p->entry >= 0 && p->entry_key) {
		if (c->entry[ch] < 0)
			c->entry[ch] = p->entry;
		kz_strmap_put(c->by_entry, p->entry_key, strlen(p->entry_key),
		    (intptr_t)ch);
	}
	learn(c, (size_t)ch, p, index);
	return (size_t)ch;
}

size_t
kz_chains_of_entry(kz_chains *c, long entry, const char *entry_key,
    size_t index)
{
	long ch = get(c->by_entry, entry_key, strlen(entry_key));

	if (ch < 0) {
		ch = (long)new_chain(c, index, 0, entry);
		kz_strmap_put(c->by_entry, entry_key, strlen(entry_key),
		    (intptr_t)ch);
	}
	return (size_t)ch;
}

void
kz_chains_remember(kz_chains *c, const char *key, size_t len, size_t chain)
{
	kz_strmap_put(c->by_key, key, len, (intptr_t)chain);
}

long
kz_chains_recall(const kz_chains *c, const char *key, size_t len)
{
	return get(c->by_key, key, len);
}
