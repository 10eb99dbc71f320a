/*
 * buf.h - a growable byte buffer, always NUL-terminated.
 *
 * Invariant: after kz_buf_init, `data` is never NULL and data[len] == '\0'.
 * The buffer owns `data`; kz_buf_release frees it, kz_buf_detach hands it
 * to the caller (who must free it). Allocation failure aborts: a text
 * filter that cannot allocate a few bytes has no sensible way to go on.
 */
#ifndef KZ_BUF_H
#define KZ_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct kz_buf {
	char *data;
	size_t len;
	size_t cap;
} kz_buf;

void kz_buf_init(kz_buf *b);
void kz_buf_release(kz_buf *b);
char *kz_buf_detach(kz_buf *b, size_t *len);
void kz_buf_reset(kz_buf *b);
void kz_buf_grow(kz_buf *b, size_t extra);
void kz_buf_adds(kz_buf *b, const char *s);
void kz_buf_addf(kz_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append the UTF-8 encoding of code point cp. */
void kz_buf_add_utf8(kz_buf *b, int cp);

/* The two appends every writer calls per byte or per piece: inline, with
 * kz_buf_grow called only when the room runs out. */
static inline void
kz_buf_add(kz_buf *b, const void *data, size_t len)
{
	if (b->len + len >= b->cap)
		kz_buf_grow(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

static inline void
kz_buf_addc(kz_buf *b, char c)
{
	if (b->len + 1 >= b->cap)
		kz_buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

/* Checked allocation helpers: abort with a message on failure. */
void *kz_malloc(size_t n);
void *kz_calloc(size_t n, size_t size);
void *kz_realloc(void *p, size_t n);
char *kz_strdup(const char *s);
char *kz_strndup(const char *s, size_t n);

#endif
