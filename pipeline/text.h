/*
 * text.h - UTF-8 decoding and the code point offsets of the kz/1 stream.
 *
 * Stages work on UTF-8 bytes; the stream speaks in Unicode code points
 * (../shared/kz-stream.md). A kz_offsets table converts between the two
 * for one text. It borrows nothing: it copies what it needs, and
 * kz_offsets_release frees it.
 */
#ifndef KZ_TEXT_H
#define KZ_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point at s[0..len). Returns the number of bytes used
 * (1..4) and stores the code point in *cp, or returns 0 and stores -1 when
 * the bytes there are not valid UTF-8 (overlong, surrogate, truncated...);
 * the caller then skips one byte. */
size_t kz_utf8_decode(const unsigned char *s, size_t len, int32_t *cp);

/* Length in bytes of the code point starting at s[i] (1 on a bad byte). */
size_t kz_utf8_next(const char *s, size_t len, size_t i);

/* Start of the code point that ends just before s[i]. */
size_t kz_utf8_prev(const char *s, size_t i);

/* 1 when s[0..len) is valid UTF-8 (no overlong forms, surrogates or code
 * points past U+10FFFF) with no NUL byte (jansson refuses one in a string,
 * and no kz text holds one), else 0. Runs of ASCII are checked 8 bytes at
 * a time. */
int kz_utf8_valid(const char *s, size_t len);

/* Number of code points in valid UTF-8 s[0..len). */
size_t kz_utf8_count(const char *s, size_t len);

typedef struct kz_offsets {
	uint32_t *byte_of_cp;   /* ncp + 1 entries */
	size_t ncp;
	size_t nbytes;
} kz_offsets;

/* Build the table for valid UTF-8 s[0..len). Returns 0, or -1 if the text
 * is larger than 4 GiB. */
int kz_offsets_init(kz_offsets *o, const char *s, size_t len);
void kz_offsets_release(kz_offsets *o);
/* Byte offset -> code point offset (a byte inside a code point gives that
 * code point). */
size_t kz_offsets_cp(const kz_offsets *o, size_t byte);
/* Code point offset -> byte offset; values past the end give nbytes. */
size_t kz_offsets_byte(const kz_offsets *o, size_t cp);

/* Byte offsets (on code point boundaries) to code point offsets, for
 * offsets that mostly grow, as a writer meets them: each step counts only
 * the bytes between the last offset and this one, where kz_offsets_cp
 * searches the whole table. Start with { text, 0, 0 }. */
typedef struct kz_cp_cursor {
	const char *text;
	size_t byte, cp;
} kz_cp_cursor;

size_t kz_cp_cursor_at(kz_cp_cursor *c, size_t byte);



struct kz_buf;
/* Append s[0..len) to out with every invalid UTF-8 sequence replaced by
 * U+FFFD. Returns how many were replaced; when first_bad is not NULL it
 * receives the byte offset of the first one (in s). */
size_t kz_utf8_repair(const char *s, size_t len, struct kz_buf *out,
    size_t *first_bad);
#endif
