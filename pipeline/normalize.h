/*
 * normalize.h - turn a scraped article into a clean kz/1 record: NFC text,
 * the article's structure (blocks), sentences, byline and date.
 *
 * What changes in the text, and why, is listed in docs/kz-normalize.md:
 * invalid UTF-8 and control characters become U+FFFD (each flagged), line
 * ends become \n, a leading byte order mark goes, and the text is put in
 * NFC. Nothing else: quotation marks, apostrophes and spaces are kept as
 * the editor wrote them.
 *
 * The normalizer holds the rules of rules/normalize.yaml, read-only after
 * loading; one normalizer serves any number of articles.
 */
#ifndef KZ_NORMALIZE_H
#define KZ_NORMALIZE_H

#include "error.h"

#include <jansson.h>
#include <stddef.h>

typedef struct kz_normalizer kz_normalizer;

/* Load rules/normalize.yaml. NULL with err (file, line, column) on error. */
kz_normalizer *kz_normalizer_load(const char *path, kz_error *err);
void kz_normalizer_free(kz_normalizer *n);

/* What kz_normalize_article found wrong with its input (all counts may be
 * zero). */
typedef struct kz_normalize_report {
	size_t bad_bytes;       /* invalid UTF-8 sequences replaced */
	size_t first_bad;       /* byte offset of the first, in the input */
	size_t controls;        /* NUL and other control characters replaced */
	size_t first_control;
	int empty;              /* no text at all */
	int only_residue;       /* every line is boilerplate */
} kz_normalize_report;

/* Normalize raw[0..len) into rec (which may already hold `id` and other
 * fields, kept as they are): sets `kz`, `text`, `blocks`, `sentences`,
 * `byline`, `date` (unless rec has one) and adds warning flags for bad
 * bytes. Always succeeds; report says what was wrong. */
void kz_normalize_article(const kz_normalizer *n, const char *raw, size_t len,
    json_t *rec, kz_normalize_report *report);

/* The record members kz_normalize_article reads, and those it writes
 * (NULL-terminated, for kz_reader_set_fields). */
extern const char *const kz_normalize_reads[];
extern const char *const kz_normalize_writes[];

/* The same, for a program that writes the record at once: `blocks` and
 * `sentences` (thousands of small objects) are not built as jansson values
 * but appended to members as JSON text, `"blocks":[...],"sentences":[...]`,
 * for kz_record_write_extra; rec gets the rest, and loses any `blocks` or
 * `sentences` it had. */
struct kz_buf;
void kz_normalize_article_members(const kz_normalizer *n, const char *raw,
    size_t len, json_t *rec, struct kz_buf *members,
    kz_normalize_report *report);

/* Parse a French or numeric date ("8 janvier 2022", "1er mars 2023",
 * "10/01/2022", "2022-01-10") at the start of s; writes YYYY-MM-DD into
 * out[11] and returns the bytes used, or 0. */
size_t kz_normalize_parse_date(const kz_normalizer *n, const char *s,
    size_t len, char out[11]);

#endif
