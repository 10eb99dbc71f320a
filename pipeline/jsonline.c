#include "jsonline.h"

#include "text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

typedef struct builder {
	json_t **stack;		/* open containers, innermost last (borrowed) */
	size_t depth, cap;
	json_t *root;		/* owned until handed to the caller */
	char key[256];		/* short keys are copied here... */
	char *long_key;		/* ...longer ones are malloc'd */
	const char *pending;	/* the key the next object member takes */
	size_t pending_len;
} builder;

/* A string jansson would take: valid UTF-8 with no NUL. */
static int
acceptable(const unsigned char *s, size_t len)
{
	return memchr(s, '\0', len) == NULL && kz_utf8_valid((const char *)s,
	    len);
}

/* Attach v (stolen) to the innermost container, or make it the root. */
static int
attach(builder *b, json_t *v)
{
	json_t *top;
	int rc;

	if (v == NULL)
		return 0;
	if (b->depth == 0) {
		/* jansson only takes an array or an object at the top */
		if (b->root != NULL || (!json_is_object(v) && !json_is_array(v))) {
			json_decref(v);
			return 0;
		}
		b->root = v;
		return 1;
	}
	top = b->stack[b->depth - 1];
	if (json_is_object(top))
		rc = json_object_setn_new_nocheck(top, b->pending,
		    b->pending_len, v);
	else
		rc = json_array_append_new(top, v);
	return rc == 0;
}

static int
open_container(builder *b, json_t *v)
{
	if (v == NULL || b->depth >= KZ_JSON_MAX_DEPTH) {
		json_decref(v);
		return 0;
	}
	if (!attach(b, v))
		return 0;
	/* v stays alive: its parent (or the root) holds it */
	if (b->depth == b->cap) {
		json_t **grown;

		b->cap = b->cap ? 2 * b->cap : 16;
		grown = realloc(b->stack, b->cap * sizeof *b->stack);
		if (grown == NULL)
			return 0;
		b->stack = grown;
	}
	b->stack[b->depth++] = v;
	return 1;
}

static int
on_null(void *ctx)
{
	return attach(ctx, json_null());
}

static int
on_boolean(void *ctx, int value)
{
	return attach(ctx, json_boolean(value));
}

static int
on_number(void *ctx, const char *s, size_t len)
{
	char tmp[128];
	char *end;

	if (len >= sizeof tmp)
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	if (strpbrk(tmp, ".eE") == NULL) {
		long long v = strtoll(tmp, &end, 10);

		if (errno == ERANGE || *end != '\0')
			return 0;
		return attach(ctx, json_integer(v));
	} else {
		double v = strtod(tmp, &end);

		if (errno == ERANGE || *end != '\0')
			return 0;
		return attach(ctx, json_real(v));
	}
}

static int
on_string(void *ctx, const unsigned char *s, size_t len)
{
	if (!acceptable(s, len))
		return 0;
	return attach(ctx, json_stringn_nocheck((const char *)s, len));
}

static int
on_start_map(void *ctx)
{
	return open_container(ctx, json_object());
}

static int
on_map_key(void *ctx, const unsigned char *s, size_t len)
{
	builder *b = ctx;

	if (!acceptable(s, len))
		return 0;
	/* yajl's buffer may not outlive this call when the key had escapes */
	if (len < sizeof b->key) {
		memcpy(b->key, s, len);
		b->pending = b->key;
	} else {
		free(b->long_key);
		b->long_key = malloc(len + 1);
		if (b->long_key == NULL)
			return 0;
		memcpy(b->long_key, s, len);
		b->pending = b->long_key;
	}
	b->pending_len = len;
	return 1;
}

static int
on_end(void *ctx)
{
	builder *b = ctx;

	b->depth--;
	return 1;
}

static int
on_start_array(void *ctx)
{
	return open_container(ctx, json_array());
}

static const yajl_callbacks callbacks = {
	on_null, on_boolean, NULL, NULL, on_number, on_string,
	on_start_map, on_map_key, on_end, on_start_array, on_end
};

/* yajl turns a lone "\uD800" into "?" and pairs a high surrogate with
 * any escape that follows; jansson refuses both. Lines with a surrogate
 * escape go to jansson (a literal backslash before "uD8" only costs the
 * slower parser). */
static int
has_surrogate_escape(const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		if (end - p >= 4 && p[1] == 'u' && (p[2] == 'd' || p[2] == 'D') &&
		    strchr("89abcdefABCDEF", p[3]) != NULL)
			return 1;
		p += 2;
		if (p >= end)
			break;
	}
	return 0;
}

json_t *
kz_json_parse_line(const char *data, size_t len)
{
	builder b;
	yajl_handle h;
	int ok;

	if (has_surrogate_escape(data, len))
		return NULL;
	memset(&b, 0, sizeof b);
	h = yajl_alloc(&callbacks, NULL, &b);
	if (h == NULL)
		return NULL;
	ok = yajl_parse(h, (const unsigned char *)data, len) == yajl_status_ok &&
	    yajl_complete_parse(h) == yajl_status_ok && b.root != NULL &&
	    b.depth == 0;
	yajl_free(h);
	free(b.stack);
	free(b.long_key);
	if (!ok) {
		json_decref(b.root);
		return NULL;
	}
	return b.root;
}
