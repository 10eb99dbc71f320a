/*
 * names.h - the word lists kz-tag uses to find names no gazetteer knows
 * (rules/names.yaml and rules/firstnames.yaml): first names, the nouns
 * that head organisation names, and capitalised words that are never
 * names. The kz_names object owns its lists; read-only after loading.
 */
#ifndef KZ_NAMES_H
#define KZ_NAMES_H

#include "error.h"
#include "fold.h"
#include "strmap.h"

typedef struct kz_names {
	kz_strmap *firstnames;     /* token key -> 'm', 'f', or 1 (either) */
	kz_strmap *org_heads;      /* token keys (may be several tokens) */
	kz_strmap *org_linkers;
	kz_strmap *not_names;
	kz_strmap *place_heads;    /* "détroit", "baie": heads of place names;
	                            * 'V' for a venue ("stade"), whose name
	                            * may follow it at once */
	kz_strmap *person_nouns;   /* "politologue", "vendeuse": who a person is */
	kz_strmap *particles;      /* "ben", "van", "al": inside a surname */
	kz_strmap *org_followers;  /* "a", "qui": an org's name ended before */
	kz_strmap *seat_heads;     /* "tribunal": an org named by its seat */
	kz_strmap *introducers;    /* "arrière", "groupe", "tempête": 'P', 'O'
	                            * or 'T' (a thing: no person) names follow */
	char **adj_endings;        /* folded endings of org adjectives */
	size_t nadj_endings;
	kz_strmap *place_cues;     /* cue word -> index into cue_kinds */
	char **cue_kinds;
	size_t ncues;
	size_t max_head_tokens, max_linker_tokens;
} kz_names;

int kz_names_load(kz_names *n, const char *names_path,
    const char *firstnames_path, const kz_folder *f, kz_error *err);
void kz_names_release(kz_names *n);

#endif
