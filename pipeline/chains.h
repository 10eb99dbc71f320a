/*
 * chains.h - one chain of mentions per person in an article.
 *
 * The caller gives the person mentions in text order, each as the folded
 * keys of its given name and its surname (either may be missing), and the
 * gazetteer entry it was resolved to, if any; kz_chains_link numbers the
 * chains. The rules, as a reader links names:
 *  - one gazetteer entry is one chain;
 *  - a full name joins the chain of the same full name, else the latest
 *    chain with its surname unless that
 *    chain has a DIFFERENT given name ("Pierre Macron" is not Emmanuel
 *    Macron: a chain of its own);
 *  - a surname alone ("M. Lecornu", "Lecornu", the editor's "(Hervé)")
 *    joins the latest chain with that surname;
 *  - a given name alone (given set, surname NULL: "Kylian" after "Kylian
 *    Mbappé") joins the latest chain with it as a surname, else the
 *    latest chain with that given name;
 *  - anything else starts a chain.
 * Cost: one hash look-up per mention. The object owns its maps and its
 * output arrays; the keys it is given are copied.
 */
#ifndef KZ_CHAINS_H
#define KZ_CHAINS_H

#include "strmap.h"

#include <stddef.h>

typedef struct kz_chain_person {
	const char *given;      /* folded given name, or NULL */
	size_t given_len;
	const char *surname;    /* folded surname, or NULL */
	size_t surname_len;
	long entry;             /* gazetteer entry, or -1 */
	const char *entry_key;  /* the entry's id when entry >= 0 */
} kz_chain_person;

typedef struct kz_chains {
	kz_strmap *by_surname;  /* surname -> latest chain */
	kz_strmap *by_given;    /* given name -> latest chain */
	kz_strmap *by_entry;    /* entry id -> chain */
	kz_strmap *by_key;      /* caller's keys (role descriptions) -> chain */
	kz_strmap *by_full;     /* "given\tsurname" -> chain */
	char **given;           /* per chain: its given name (owned), or NULL */
	size_t *head;           /* per chain: the mention that names it best */
	size_t *head_words;     /* per chain: 2 full name, 1 one word */
	long *entry;            /* per chain: its gazetteer entry, or -1 */
	size_t n, cap;
} kz_chains;

void kz_chains_init(kz_chains *c);
void kz_chains_release(kz_chains *c);

/* The chain of person mention number `index` (caller's numbering), which
 * comes after every mention given before it in the text. */
size_t kz_chains_link(kz_chains *c, const kz_chain_person *p, size_t index);

/* The chain of a gazetteer entry, starting one (headed by `index`) when
 * the article has none: a role description resolved by dated roles. */
size_t kz_chains_of_entry(kz_chains *c, long entry, const char *entry_key,
    size_t index);

/* Caller's keys for other mentions: a role description ("president|FR")
 * first seen apposed to a name leads back to that name's chain. */
void kz_chains_remember(kz_chains *c, const char *key, size_t len,
    size_t chain);
/* The chain remembered for key, or -1. */
long kz_chains_recall(const kz_chains *c, const char *key, size_t len);

#endif
