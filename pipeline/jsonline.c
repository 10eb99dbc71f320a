#include "jsonline.h"

#include "text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

typedef struct builder {
	json_t **stack;		/* open containers, innermost last (borrowed) */
	size_t depth, cap;
	/* top-level members: which to build, and where each stands */
	yajl_handle handle;
	const char *data;
	size_t len;
	kz_json_want_fn want;
	void *want_ctx;
	kz_json_members *members;
	kz_json_member *member; /* the member being read, or NULL */
	int ask_inside;         /* want said 2 for it */
	size_t skip_depth;      /* > 0: inside a member not built */
	size_t root_end;        /* where the top-level value ends */
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
	return kz_utf8_valid((const char *)s, len);
}

/* Attach v (stolen) to the innermost container, or make it the root. */
/* At the end of a top-level member's value: note where it ends. */
static void
member_done(builder *b)
{
	if (b->member != NULL && b->depth == 1) {
		b->member->end = yajl_get_bytes_consumed(b->handle);
		b->member = NULL;
	}
}

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
	if (!json_is_object(v) && !json_is_array(v))
		member_done(b);
	return rc == 0;
}

/* A value inside a member that is not built: only its depth matters.
 * Returns 0 when not skipping, 1 when the value was skipped, -1 when it
 * nests deeper than jansson allows (a copied value must be one the next
 * stage can read). */
static int
skipped(builder *b, int opens, int closes)
{
	if (b->skip_depth == 0)
		return 0;
	if (closes) {
		if (--b->skip_depth == 1) {
			b->skip_depth = 0;
			member_done(b);
		}
	} else if (opens) {
		b->skip_depth++;
		/* the containers open: the built ones, then the skipped ones */
		if (b->depth + b->skip_depth - 1 > KZ_JSON_MAX_DEPTH)
			return -1;
	} else if (b->skip_depth == 1) {
		b->skip_depth = 0;
		member_done(b);
	}
	return 1;
}

/* yajl's answer for a value skipped() handled (k != 0). */
#define SKIPPED(k) ((k) > 0)

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
	int k = skipped(ctx, 0, 0);

	if (k)
		return SKIPPED(k);
	return attach(ctx, json_null());
}

static int
on_boolean(void *ctx, int value)
{
	int k = skipped(ctx, 0, 0);

	if (k)
		return SKIPPED(k);
	return attach(ctx, json_boolean(value));
}

/* A plain integer of up to 18 digits (every offset in a record): read
 * here, where strtoll would need a copy; 1 with *v, else 0. */
static int
small_integer(const char *s, size_t len, long long *v)
{
	size_t i = s[0] == '-';
	long long n = 0;

	if (len - i == 0 || len - i > 18)
		return 0;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		n = n * 10 + (s[i] - '0');
	}
	*v = s[0] == '-' ? -n : n;
	return 1;
}

static int
on_number(void *ctx, const char *s, size_t len)
{
	char tmp[128];
	char *end;
	long long small;
	int k = skipped(ctx, 0, 0);

	/* yajl hands only well-formed numbers. One in a member that is not
	 * built is copied as its bytes, whatever its size (1e400, a 30-digit
	 * integer): the stages that do not read it never need its value */
	if (k)
		return SKIPPED(k);
	if (small_integer(s, len, &small))
		return attach(ctx, json_integer(small));
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
	int k;

	if (!acceptable(s, len))
		return 0;
	k = skipped(ctx, 0, 0);
	if (k)
		return SKIPPED(k);
	return attach(ctx, json_stringn_nocheck((const char *)s, len));
}

static int
on_start_map(void *ctx)
{
	int k = skipped(ctx, 1, 0);

	if (k)
		return SKIPPED(k);
	return open_container(ctx, json_object());
}

/* Find or add the top-level member key; a key given twice keeps its
 * first place. */
static kz_json_member *
member_for(kz_json_members *m, const char *key, size_t len)
{
	kz_json_member *it;

	for (size_t i = 0; i < m->n; i++)
		if (m->items[i].key_len == len &&
		    memcmp(m->items[i].key, key, len) == 0)
			return &m->items[i];
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		kz_json_member *grown = realloc(m->items, cap * sizeof *grown);

		if (grown == NULL)
			return NULL;
		m->items = grown;
		m->cap = cap;
	}
	it = &m->items[m->n];
	it->key = malloc(len + 1);
	if (it->key == NULL)
		return NULL;
	memcpy(it->key, key, len);
	it->key[len] = '\0';
	it->key_len = len;
	m->n++;
	return it;
}

/* Where the value after the key just read starts: past the colon. */
static size_t
value_start(const builder *b)
{
	size_t i = yajl_get_bytes_consumed(b->handle);
	int colon = 0;

	while (i < b->len && (b->data[i] == ' ' || b->data[i] == '\t' ||
	    b->data[i] == '\r' || b->data[i] == '\n' ||
	    (b->data[i] == ':' && !colon++)))
		i++;
	return i;
}

static int
on_map_key(void *ctx, const unsigned char *s, size_t len)
{
	builder *b = ctx;

	if (!acceptable(s, len))
		return 0;
	if (b->skip_depth > 0)
		return 1;
	if (b->members != NULL && b->depth == 1) {
		kz_json_member *m = member_for(b->members, (const char *)s, len);

		if (m == NULL)
			return 0;
		m->start = value_start(b);
		int w = b->want == NULL ? 1 : b->want(NULL, 0, (const char *)s,
		    len, b->want_ctx);

		m->parsed = w != 0;
		b->ask_inside = w == 2;
		b->member = m;
		if (!m->parsed) {
			/* an earlier value of this key must not survive */
			json_object_deln(b->stack[0], (const char *)s, len);
			b->skip_depth = 1;
			return 1;
		}
	} else if (b->member != NULL && b->ask_inside &&
	    !b->want(b->member->key, b->member->key_len, (const char *)s, len,
	    b->want_ctx)) {
		/* only the value's depth matters, and the top-level member's
		 * end is noted at depth 1, never here */
		json_object_deln(b->stack[b->depth - 1], (const char *)s, len);
		b->skip_depth = 1;
		return 1;
	}
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

	int k = skipped(b, 0, 1);

	if (k)
		return SKIPPED(k);
	b->depth--;
	member_done(b);
	if (b->depth == 0)
		b->root_end = yajl_get_bytes_consumed(b->handle);
	return 1;
}


static int
on_start_array(void *ctx)
{
	int k = skipped(ctx, 1, 0);

	if (k)
		return SKIPPED(k);
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

/* yajl leaves an unfinished token after the value unread ("{…}\"") where
 * jansson refuses it: only white space may follow. */
static int
only_space_after(const char *data, size_t len, size_t end)
{
	for (size_t i = end; i < len; i++)
		if (data[i] != ' ' && data[i] != '\t' && data[i] != '\n' &&
		    data[i] != '\r')
			return 0;
	return 1;
}

static json_t *
parse(const char *data, size_t len, kz_json_want_fn want, void *want_ctx,
    kz_json_members *members)
{
	builder b;
	int ok;

	if (has_surrogate_escape(data, len))
		return NULL;
	memset(&b, 0, sizeof b);
	b.data = data;
	b.len = len;
	b.want = want;
	b.want_ctx = want_ctx;
	b.members = members;
	b.handle = yajl_alloc(&callbacks, NULL, &b);
	if (b.handle == NULL)
		return NULL;
	/* every string and key is checked by acceptable(), more strictly
	 * than yajl would (overlong forms, surrogates): once is enough */
	yajl_config(b.handle, yajl_dont_validate_strings, 1);
	ok = yajl_parse(b.handle, (const unsigned char *)data, len) ==
	    yajl_status_ok && yajl_complete_parse(b.handle) == yajl_status_ok &&
	    b.root != NULL && b.depth == 0 && only_space_after(data, len,
	    b.root_end);
	yajl_free(b.handle);
	free(b.stack);
	free(b.long_key);
	if (!ok) {
		json_decref(b.root);
		return NULL;
	}
	return b.root;
}

json_t *
kz_json_parse_line(const char *data, size_t len)
{
	return parse(data, len, NULL, NULL, NULL);
}

json_t *
kz_json_parse_members(const char *data, size_t len, kz_json_want_fn want,
    void *ctx, kz_json_members *members)
{
	json_t *v;

	for (size_t i = 0; i < members->n; i++)
		free(members->items[i].key);
	members->n = 0;
	v = parse(data, len, want, ctx, members);
	if (v != NULL && !json_is_object(v)) {
		json_decref(v);
		v = NULL;
	}
	if (v == NULL) {
		for (size_t i = 0; i < members->n; i++)
			free(members->items[i].key);
		members->n = 0;
	}
	return v;
}

void
kz_json_members_release(kz_json_members *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->items[i].key);
	free(m->items);
	memset(m, 0, sizeof *m);
}
