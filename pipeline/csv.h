/*
 * csv.h - RFC 4180 fields, for what people open in a spreadsheet
 * (kz-show --csv, kz-review --export).
 *
 * A field is always quoted, a '"' in it doubled; newlines inside stay (a
 * quote can span paragraphs, and RFC 4180 allows them in quoted fields),
 * every other control, bidi control and invalid byte is written visibly by
 * kz_esc_add (esc.h). Text from the input that starts with = + - @ is
 * prefixed with ' so that no spreadsheet runs it as a formula.
 * Records end with CRLF, as RFC 4180 says.
 */
#ifndef KZ_CSV_H
#define KZ_CSV_H

#include <stddef.h>

struct kz_buf;

/* Append s[0..len) as one field, preceded by a comma unless first. */
void kz_csv_add(struct kz_buf *b, const char *s, size_t len, int first);
/* The same for a NUL-terminated string (NULL: an empty field). */
void kz_csv_adds(struct kz_buf *b, const char *s, int first);
/* A number as a field. */
void kz_csv_add_long(struct kz_buf *b, long long v, int first);
/* End the record. */
void kz_csv_end(struct kz_buf *b);

#endif
