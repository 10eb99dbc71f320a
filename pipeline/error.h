/*
 * error.h - the error record every kz module fills in and every main prints.
 *
 * Library code never prints and never exits: a function that fails returns
 * -1 (or NULL) and, when the caller passed a kz_error, says where and why.
 * The program's main decides what to tell the user (see docs/exit-codes.md).
 *
 * A kz_error is a plain value owned by the caller; it holds no pointers.
 */
#ifndef KZ_ERROR_H
#define KZ_ERROR_H

#include <stddef.h>

typedef struct kz_error {
	char file[256];     /* file or input name, "" when none */
	long line;          /* 1-based line, 0 when unknown */
	long column;        /* 1-based column, 0 when unknown */
	char message[512];  /* what is wrong, in plain words */
} kz_error;

/* Clear an error record. */
void kz_error_clear(kz_error *err);

/* Fill an error record; err may be NULL. Always returns -1 so callers can
 * write `return kz_error_set(err, ...)`. */
int kz_error_set(kz_error *err, const char *file, long line, long column,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Format "file:line:column: message" (parts that are unknown left out)
 * into buf of size n. */
void kz_error_format(const kz_error *err, char *buf, size_t n);

#endif
