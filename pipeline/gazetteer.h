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
 * Compiled form: the YAML is compiled into one flat image (gazimage.h)
 * that is cached on disk, keyed on the sources' content, and mapped
 * read-only on later loads (gazcache.h, docs/gazetteers.md), so a start-up
 * with a million entries reads a header, not the YAML. Matching reads the
 * image's hash tables in place. The cache never makes a load fail: when it
 * cannot be used, the image is built in memory. A broken source is still
 * reported as before (its content differs from any cached one, so it is
 * parsed).
 *
 * The kz_gazetteer owns every entry and string. Entries are made when they
 * are first asked for (kz_gazetteer_entry and the look-ups) and stay valid,
 * at the same address, until kz_gazetteer_free; so do candidate lists.
 * Queries therefore write inside the object: one kz_gazetteer serves any
 * number of documents, but one thread at a time (processes may share the
 * mapped file freely).
 *
 * A cache file found damaged while in use (each block of it is checked
 * against its checksum the first time it is read) is rebuilt from the
 * YAML on the spot and rewritten; if the YAML no longer loads, or changed
 * since the start, the program stops with exit status 78 and a message.
 */
#ifndef KZ_GAZETTEER_H
#define KZ_GAZETTEER_H

#include "date.h"         /* kz_date_parse, for the users of role dates */
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

/* Load every *.yaml file of dir, in name order (through the cache). */
kz_gazetteer *kz_gazetteer_load_dir(const char *dir, const kz_folder *f,
    kz_error *err);
/* Load dir's files and those of the local layers (datapath.h): the local
 * ones first, and an entry whose id a local file defined is left out. */
kz_gazetteer *kz_gazetteer_load_layered(const char *dir, const kz_folder *f,
    kz_error *err);
/* Load the given files (paths); used by tests and --gazetteer. */
kz_gazetteer *kz_gazetteer_load_files(const char *const *paths, size_t n,
    const kz_folder *f, kz_error *err);
void kz_gazetteer_free(kz_gazetteer *g);

/* A gazetteer for another thread: it reads g's image where g holds it
 * (mapped once for all, so memory is not counted twice), with its own
 * entry views and block checks, which g fills lazily and so cannot share.
 * g must outlive it. A damaged block found through it is recompiled in
 * memory for it alone (g's cache file is rewritten only through g). */
kz_gazetteer *kz_gazetteer_share(const kz_gazetteer *g, const kz_folder *f);

/* The compiled cache, for every later load in this process: on = 0 turns
 * it off; dir, or NULL for the default ($KZ_CACHE, $XDG_CACHE_HOME/kz,
 * ~/.cache/kz). */
void kz_gazetteer_cache(int on, const char *dir);
/* Where g came from, for messages: "loaded from the cache PATH",
 * "compiled into the cache PATH", "compiled in memory (why)". */
const char *kz_gazetteer_origin(const kz_gazetteer *g);
/* The cache file g is mapped from or was written to, else NULL. */
const char *kz_gazetteer_cache_file(const kz_gazetteer *g);
/* Check every block of g's image now (kz-tag --compile); a damaged image
 * is rebuilt and rewritten as in use. 1 when it was, 0 when all was sound. */
int kz_gazetteer_verify(const kz_gazetteer *g);

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

#endif
