/*
 * record.h - reading and writing kz/1 records (../shared/kz-stream.md):
 * JSON Lines, one document per line, through jansson.
 *
 * Ownership follows jansson's: kz_reader_next hands the caller a new
 * reference (json_decref it); functions that add to a record borrow it.
 *
 * A line that is not a JSON object is never dropped: kz_reader_next returns
 * -1, fills err (naming the input and the line), and hands back a stand-in
 * record that carries the raw line and an `errors` entry, so the stage can
 * pass it on and the batch can report it.
 */
#ifndef KZ_RECORD_H
#define KZ_RECORD_H

#include "error.h"
#include "text.h"

#include <jansson.h>
#include <stdio.h>

#define KZ_MAX_LINE_DEFAULT ((size_t)64 << 20)

typedef struct kz_reader kz_reader;
struct kz_buf;

/* in is borrowed (NULL: a reader that only parses lines given by
 * kz_reader_set_line); name names the input in messages ("stdin", a
 * path). */
kz_reader *kz_reader_new(FILE *in, const char *name, size_t max_line);
void kz_reader_free(kz_reader *r);

/* 1: *rec is the next record. 0: end of input. -1: the line was broken;
 * *rec is its stand-in record and err says what was wrong. Blank lines
 * are skipped. */
int kz_reader_next(kz_reader *r, const char *stage, json_t **rec,
    kz_error *err);

/* The raw bytes of the last line read (valid until the next call). */
const char *kz_reader_line_data(const kz_reader *r, size_t *len);
long kz_reader_line_number(const kz_reader *r);

/* Hand out data[0..len) (copied) before what `in` holds: bytes a caller
 * read from `in` to look at them first. Call before kz_reader_next. */
void kz_reader_preload(kz_reader *r, const char *data, size_t len);

/* 1 when reading the input failed (not at its end): the records read so
 * far were handed out, the rest are lost, and the caller must say so. The
 * reader reads ahead of the line it hands out, straight from the file
 * descriptor when `in` has one: do not read `in` yourself meanwhile. */
int kz_reader_failed(const kz_reader *r);

/* 1 when input already read ahead awaits: the next line can at least
 * start without waiting on `in`. */
int kz_reader_has_buffered(const kz_reader *r);

/* Say which top-level members the stage reads and which it writes
 * (NULL-terminated lists, borrowed; `id`, `errors` and `flags` are always
 * built). Other members are not built at all, and the writer copies them
 * from the input line as they came; so are the members the stage only
 * reads, as long as the record still holds the value read (a stage must
 * not change a member it only reads in place). `skips` (may be NULL)
 * names what the stage never looks at inside the members it only reads,
 * as "top.key": "blocks.text" leaves `text` out of every object in
 * `blocks` as built (the line's text is still what is written). Without
 * this call every member is built and written from the record. */
void kz_reader_set_fields(kz_reader *r, const char *const *reads,
    const char *const *writes, const char *const *skips);

/* The same in two steps, for records processed apart from where they
 * are read (threads). kz_reader_next_line hands out the next line that is
 * not blank (data valid until the next call), with its line number and
 * whether it was cut at max_line; 0 at the end. kz_reader_set_line gives
 * such a line to another reader (one made with a NULL `in`), and
 * kz_reader_parse makes its record as kz_reader_next would. */
int kz_reader_next_line(kz_reader *r, const char **data, size_t *len,
    long *line, int *too_long);
void kz_reader_set_line(kz_reader *r, const char *data, size_t len,
    long line, int too_long);
int kz_reader_parse(kz_reader *r, const char *stage, json_t **rec,
    kz_error *err);

/* Write rec, the record kz_reader_next handed out last, as one line:
 * members it did not build are copied from the input line (see
 * kz_reader_set_fields), the others written from rec, in the input's
 * order, then rec's new members, then extra (as kz_record_write_extra).
 * Must be called before the next kz_reader_next. */
int kz_reader_write(const kz_reader *r, FILE *out, const json_t *rec,
    const char *extra, size_t extra_len);

/* The same, appended to b. On -1 (a value JSON cannot hold) b may hold
 * part of the line. */
int kz_reader_format(const kz_reader *r, struct kz_buf *b, const json_t *rec,
    const char *extra, size_t extra_len);

/* Write rec as one compact line. Returns 0, or -1 on a write error. */
int kz_record_write(FILE *out, const json_t *rec);

/* The same, with members[0..len) — JSON text of further members such as
 * `"blocks":[...],"sentences":[...]`, made by a stage that writes them
 * straight from its own arrays — added at the end of the object. rec must
 * not hold those keys itself. */
int kz_record_write_extra(FILE *out, const json_t *rec, const char *members,
    size_t len);

/* Append s[0..len) (valid UTF-8) as a JSON string, or v as a number, to b:
 * the writer's own escaping, for stages that write members themselves. */
struct kz_buf;
void kz_json_add_string(struct kz_buf *b, const char *s, size_t len);
void kz_json_add_integer(struct kz_buf *b, long long v);

/* The record's text (NULL when absent or not a string). */
const char *kz_record_text(const json_t *rec, size_t *len);

/* Append {"stage", "message"} to the record's `errors` array. */
void kz_record_add_error(json_t *rec, const char *stage, const char *message);

/* A span object {"start", "end", "text"} in code points, from byte offsets
 * into text. Returns a new reference. */
json_t *kz_span_new(const kz_offsets *o, const char *text, size_t bstart,
    size_t bend);

/* Read a span's code point offsets back into byte offsets; returns -1 when
 * the object has no valid start/end for this text. */
int kz_span_bytes(const json_t *span, const kz_offsets *o, size_t *bstart,
    size_t *bend);

/* Append a flag to the record's `flags` array (created when absent).
 * message is borrowed; evidence (may be NULL) is stolen. */
void kz_record_add_flag(json_t *rec, const kz_offsets *o, const char *text,
    const char *rule, const char *severity, size_t bstart, size_t bend,
    const char *message, json_t *evidence);

/* Ensure rec[key] is an array and return it (borrowed). */
json_t *kz_record_array(json_t *rec, const char *key);

#endif
