/*
 * checks.h - the inconsistencies an editor must see before publishing:
 * a title that contradicts who held it (role-mismatch), a pull quote in the
 * wrong mouth (speaker-mismatch) or with changed words (misquote), a name
 * spelled two ways (name-variant), a name not in use at the article's date
 * (anachronism), one quantity given two values (number-inconsistency),
 * quotes with no speaker (unattributed-quote) or no closing mark
 * (unbalanced-quote).
 *
 * Which checks run, their severity and their messages (French and English)
 * come from rules/checks.yaml. The kz_checker owns that configuration and
 * is read-only once loaded.
 */
#ifndef KZ_CHECKS_H
#define KZ_CHECKS_H

#include "error.h"
#include "tagger.h"

#include <jansson.h>
#include <stdio.h>

typedef struct kz_checker kz_checker;

kz_checker *kz_checker_load(const char *path, kz_error *err);
void kz_checker_free(kz_checker *c);

/* Print what a rule looks for, with an example; -1 if no such rule. */
int kz_checker_explain(const kz_checker *c, const char *rule, FILE *out);
/* Print the rule names, one a line. */
void kz_checker_list(const kz_checker *c, FILE *out);

typedef struct kz_check_opts {
	const char *lang;       /* "fr" or "en" */
	const char *date;       /* YYYY-MM-DD when the record has none, or NULL */
} kz_check_opts;

/* The record members kz_checker_run reads, and those it writes
 * (NULL-terminated). */
extern const char *const kz_checker_reads[];
extern const char *const kz_checker_writes[];
/* What it never looks at inside the members it only reads
 * (kz_reader_set_fields). */
extern const char *const kz_checker_skips[];

/* Add flags to rec (replacing those of earlier kz-check runs). Returns 0,
 * or -1 with err when rec has no text. */
int kz_checker_run(const kz_checker *c, const kz_tagger *tagger, json_t *rec,
    const kz_check_opts *opts, kz_error *err);

#endif
