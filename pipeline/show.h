/*
 * show.h - kz/1 records for people to read: an editor's report on a
 * terminal, one self-contained HTML page for a whole batch, or TSV rows
 * (one per quote) for spreadsheets.
 *
 * What each format shows, for each record:
 *   text  the id and title; FLAGS first (severity, rule, the offending
 *         line with the span marked, the message, the evidence lines);
 *         then QUOTES (kind, speaker and how it was found, cue, the words
 *         shortened); then ENTITIES grouped by type with counts.
 *   html  the same, over the article's own lines: entities, quotes,
 *         speakers and cues highlighted, each flag beside the line it
 *         points at; an index of the batch with flag counts. Inline CSS
 *         and JS only; a Content-Security-Policy forbids any fetch.
 *   tsv   id, speaker, quote, cue, kind, flags (rule:severity, ...) for
 *         each quote, after one header row.
 * A record lacking a field has that section left out; a stand-in record
 * (a broken input line, or any record with `errors`) shows its errors.
 * All record text is escaped for the format (control characters never
 * reach a terminal; HTML metacharacters are entities; TSV fields escape
 * tab, newline, carriage return and backslash as \t \n \r \\).
 *
 * Ownership: a kz_show borrows its FILE (the caller closes it) and never
 * keeps a record past kz_show_record. kz_show_free frees the rest.
 * Functions return 0, or -1 when the output could not be written
 * (errno says why); nothing is printed on stderr.
 */
#ifndef KZ_SHOW_H
#define KZ_SHOW_H

#include "buf.h"

#include <jansson.h>
#include <stdio.h>

typedef enum { KZ_SHOW_TEXT, KZ_SHOW_HTML, KZ_SHOW_TSV, KZ_SHOW_CSV }
    kz_show_format;

typedef struct kz_show_opts {
	kz_show_format format;
	int color;          /* text: ANSI colours */
	int width;          /* text: columns to fit in (0: 80) */
} kz_show_opts;

typedef struct kz_show kz_show;

/* The record members kz_show_record looks at (NULL-terminated), and what
 * it never looks at inside them (kz_reader_set_fields): the reader need
 * build nothing else. */
extern const char *const kz_show_reads[];
extern const char *const kz_show_skips[];

/* ---------------------------------------------------------------- life */
kz_show *kz_show_new(FILE *out, const kz_show_opts *opts);
/* Render one record (text and tsv: written at once; html: the article's
 * section, the page head before the first one). */
int kz_show_record(kz_show *s, const json_t *rec);
/* End the output (html: the batch index and the page end; an empty input
 * still gives a whole page). Flushes out. */
int kz_show_finish(kz_show *s);
void kz_show_free(kz_show *s);

/* ---------------------------------------------------------------- parts */
/* "text", "html" or "tsv" to a format; -1 for anything else. */
int kz_show_format_parse(const char *name, kz_show_format *out);

/* Count a record's flags by severity: counts[0] error, [1] warning,
 * [2] info (other severities are not counted). */
void kz_show_count_flags(const json_t *rec, size_t counts[3]);

/* Does the record carry an `errors` entry (a stand-in or a failed stage)? */
int kz_show_has_errors(const json_t *rec);

/* Append s[0..len) escaped for a TSV field, or for HTML text and
 * attribute values. */
void kz_show_tsv_escape(kz_buf *out, const char *s, size_t len);
void kz_show_html_escape(kz_buf *out, const char *s, size_t len);

/* The columns s[0..len) (UTF-8) takes in the text report: each code point
 * as wide as utf8proc_charwidth says (2 for wide CJK and emoji, 0 for
 * combining marks), a control character as the one space it is shown as,
 * a bidi control as its name ("[U+202E]", 8), a byte that is no UTF-8 as
 * one. */
size_t kz_show_width(const char *s, size_t len);

/* Append a shortened copy of s[0..len) (UTF-8) of at most max code points:
 * the head and the tail cut at word boundaries around " … ". */
void kz_show_shorten(kz_buf *out, const char *s, size_t len, size_t max);

#endif
