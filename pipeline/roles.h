/*
 * roles.h - role descriptions ("le président russe", "le porte-parole du
 * Kremlin", "l'ex-chef de l'État", "la ministre allemande des Affaires
 * étrangères") found in a text and resolved, through the gazetteer's
 * dated roles, to the person who held that role on the article's date.
 *
 * The word lists come from rules/roles.yaml. The kz_roles object owns them
 * and borrows the gazetteer (which must outlive it); it is read-only after
 * loading.
 */
#ifndef KZ_ROLES_H
#define KZ_ROLES_H

#include "error.h"
#include "gazetteer.h"
#include "tokens.h"

typedef struct kz_roles kz_roles;

kz_roles *kz_roles_load(const char *path, const kz_gazetteer *g,
    const kz_folder *f, kz_error *err);
void kz_roles_free(kz_roles *r);

typedef struct kz_mention {
	size_t tok_start, tok_end;  /* the description, tokens [start, end) */
	const char *role;           /* role key (borrowed from kz_roles) */
	char of[64];                /* country code, organisation id, or "" */
	int former;                 /* ex-, ancien */
	int future;                 /* élu, désigné: the next holder */
	long entry;                 /* resolved person (gazetteer index), -1 */
	int determiner;             /* opened by le/la/l'/... */
	int by_context;             /* `of` came from the document, not the text */
} kz_mention;

/* Is token i of t a military rank, civil title or honorific that may
 * stand before a name ("général", "m", "mme")? */
int kz_roles_title_at(const kz_roles *r, const kz_tokens *t, size_t i);
/* Is the token key a determiner ("le", "la", "ces") or the first word of
 * an of-linker ("du", "de")? */
int kz_roles_is_determiner(const kz_roles *r, const char *key, size_t len);
int kz_roles_is_linker(const kz_roles *r, const char *key, size_t len);

/* Is the token key (folded tokens joined by spaces, as kz_tokens_key
 * makes them) a role form: "ministre des affaires etrangeres"? */
int kz_roles_is_form(const kz_roles *r, const char *key, size_t len);

/* The gender-number code of an honorific ("m-s"), or NULL. */
const char *kz_roles_honorific(const kz_roles *r, const char *key, size_t len);

/* Find the role descriptions in t. `people` lists the gazetteer indexes of
 * the persons named in the document (used when a description does not say
 * what it is of), `context_country` the document's main country code (or
 * NULL). date is YYYYMMDD. Returns a malloc'd array (caller frees) of *n
 * mentions. */
kz_mention *kz_roles_find(const kz_roles *r, const kz_tokens *t,
    const size_t *people, size_t npeople, const char *context_country,
    int32_t date, size_t *n);

/* Resolve a role key and `of` at date to a person; -1 when nobody or
 * several. */
long kz_roles_resolve(const kz_roles *r, const char *role, const char *of,
    int former, int32_t date, const size_t *people, size_t npeople);

/* Does the folded text of a title line ("président kazakh", "Président du
 * Kazakhstan") describe a role? Fills role/of like kz_roles_find. */
int kz_roles_describe(const kz_roles *r, const kz_tokens *t, size_t from,
    size_t to, kz_mention *m);

#endif
