/*
 * gazetteer.h - the people, places and organisations kz knows by name,
 * loaded from the YAML files of gazetteers/ (schema: docs/gazetteers.md),
 * and the matcher that finds them in a text.
 *
 * Loading is all or nothing: any error (syntax, unknown key, missing key,
 * bad date, duplicate id) fails the load, naming file, line and column, so
 * nothing is ever tagged with half a gazetteer.
 *
 * Matching is on token keys (tokens.h): whole tokens, longest match first,
 * no overlaps, case and accents folded; a name written with a capital
 * never matches a word written in lower case ("Paix" is not "paix").
 *
 * The kz_gazetteer owns every entry and string; it is read-only after
 * loading and may serve any number of documents.
 */
#ifndef KZ_GAZETTEER_H
#define KZ_GAZETTEER_H

#include "error.h"
#include "fold.h"
#include "tokens.h"

#include <stddef.h>
#include <stdint.h>

/* Dates are kept as YYYYMMDD integers; 0 means "open" (no bound). */
typedef struct kz_role {
	char *title;        /* role key of rules/roles.yaml: "président" */
	char *of;           /* "KZ" (country code) or an organisation id */
	int32_t from, to;
} kz_role;

typedef struct kz_surface {
	char *text;         /* as written in the gazetteer */
	char *key;          /* token key */
	uint32_t caps;      /* bit i: token i is capitalised in `text` */
	size_t ntokens;
	int32_t from, to;   /* when this name was in use */
	int acronym;
} kz_surface;

typedef struct kz_entry {
	char *id, *type, *name, *preferred, *wikidata;
	char *kind, *code, *country, *capital, *nationality;
	char gender;        /* 'm', 'f' or 0 */
	kz_role *roles;
	size_t nroles;
	char **demonyms;
	size_t ndemonyms;
	kz_surface *surfaces;
	size_t nsurfaces;
	char *file;         /* where it was defined, for messages */
	long line;
} kz_entry;

typedef struct kz_gazetteer kz_gazetteer;

/* Load every *.yaml file of dir, in name order. */
kz_gazetteer *kz_gazetteer_load_dir(const char *dir, const kz_folder *f,
    kz_error *err);
/* Load the given files (paths); used by tests and --gazetteer. */
kz_gazetteer *kz_gazetteer_load_files(const char *const *paths, size_t n,
    const kz_folder *f, kz_error *err);
void kz_gazetteer_free(kz_gazetteer *g);

size_t kz_gazetteer_size(const kz_gazetteer *g);
const kz_entry *kz_gazetteer_entry(const kz_gazetteer *g, size_t i);
/* Entry by id, or NULL. */
const kz_entry *kz_gazetteer_by_id(const kz_gazetteer *g, const char *id);
/* The country entry whose demonym (folded token key) this is, or NULL. */
const kz_entry *kz_gazetteer_demonym(const kz_gazetteer *g, const char *key,
    size_t len);
/* The country entry with this ISO code, or NULL. */
const kz_entry *kz_gazetteer_country(const kz_gazetteer *g, const char *code);

/* One candidate reading of a matched span. */
typedef struct kz_candidate {
	uint32_t entry;
	uint32_t surface;
} kz_candidate;

typedef struct kz_match {
	size_t tok_start, tok_end;      /* tokens [start, end) */
	kz_candidate *cands;            /* borrowed from the gazetteer */
	size_t ncands;
} kz_match;

/* The longest gazetteer match starting at token i, honouring case; 0 when
 * none, else the number of tokens. */
size_t kz_gazetteer_match_at(const kz_gazetteer *g, const kz_tokens *t,
    size_t i, kz_match *m);

/* Persons who held role `title` of `of` on `date` (YYYYMMDD). With
 * former, those whose term ended before date, most recent first. Fills
 * out with up to max entry indexes; returns how many. */
size_t kz_gazetteer_holders(const kz_gazetteer *g, const char *title,
    const char *of, int32_t date, int former, size_t *out, size_t max);

/* Parse "YYYY-MM-DD" or "YYYY" into YYYYMMDD; -1 on error. */
int32_t kz_date_parse(const char *s);

#endif
