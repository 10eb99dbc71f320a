/*
 * esc.h - text from the input made safe to print.
 *
 * Record ids, file names, gazetteer names and failure reasons come from
 * what users and scrapers wrote; written raw to a terminal, an ESC or a
 * C1 control in them is a command (ESC[2J clears the screen, OSC 52 sets
 * the clipboard), and a bidi override shows a line reversed. Every
 * message kz writes on standard error, and every TSV field, goes through
 * kz_esc_add, which writes those characters as visible escapes: \e, \a,
 * \t, \n, \r, \x7f, \u009b (C1 controls), \u202e (bidi controls), and
 * \xff or \x9b for a byte that is no UTF-8 (a raw 0x9b is CSI to an
 * 8-bit terminal). \xHH is always one byte, \uXXXX one code point.
 *
 * Nothing here allocates but through the kz_buf given.
 */
#ifndef KZ_ESC_H
#define KZ_ESC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct kz_buf;

enum {
	KZ_ESC_BACKSLASH = 1    /* a backslash is written \\ (TSV: unambiguous) */
};

/* Append s[0..len) to out with every control, bidi control and invalid
 * byte escaped as above. */
void kz_esc_add(struct kz_buf *out, const char *s, size_t len, int flags);

/* Append to out what kz_esc_add(..., KZ_ESC_BACKSLASH) escaped as
 * s[0..len): the exact bytes again (journals read back their names). */
void kz_esc_unescape(struct kz_buf *out, const char *s, size_t len);

/* 1 when s[0..len) holds something kz_esc_add would escape (flags 0). */
int kz_esc_needed(const char *s, size_t len);

/* Append a message to out: formatted, then escaped as a whole but for
 * one final newline (messages gathered before they are written). */
void kz_esc_addf(struct kz_buf *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void kz_esc_vaddf(struct kz_buf *out, const char *fmt, va_list ap);

/* Print a message on f: formatted, then escaped as a whole but for one
 * final newline, and written in one go. Returns what fputs returns. */
int kz_msg(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kz_vmsg(FILE *f, const char *fmt, va_list ap);

/* 1 when cp is a bidi control (U+061C, U+200E-U+200F, U+202A-U+202E,
 * U+2066-U+2069): shown, never obeyed. */
int kz_is_bidi_control(int cp);

/* The length in bytes of the bidi control s starts with, 0 when none;
 * *cp gets its code point. For writers that show it their own way. */
size_t kz_bidi_control_at(const char *s, size_t len, int *cp);

#endif
