/*
 * jsonline.h - one line of JSON into jansson values, parsed by yajl.
 *
 * jansson stays the model every stage works on, but its parser is the
 * slowest part of reading a record (about 80 MB/s here, where yajl's
 * callback parser builds the same values at 250–400 MB/s). This module
 * parses with yajl and builds jansson values, refusing exactly what
 * jansson's json_loadb refuses by default: invalid UTF-8 (overlong forms,
 * surrogates and code points past U+10FFFF included), NUL in a string or a
 * key, integers out of range (in a member that is built: kz_json_parse_members
 * copies any well-formed number of a member it does not build as its bytes),
 * nesting deeper than jansson allows, and any
 * top-level value that is not an array or an object.
 *
 * It gives no message: when it refuses a line, ask json_loadb for one, so
 * an error reads the same whichever parser saw it first.
 */
#ifndef KZ_JSONLINE_H
#define KZ_JSONLINE_H

#include <jansson.h>
#include <stddef.h>

/* Nesting deeper than this is refused, as jansson does. */
#define KZ_JSON_MAX_DEPTH 2048

/* A new reference to the value, or NULL when the line is refused. */
json_t *kz_json_parse_line(const char *data, size_t len);

/* One member of a top-level object as it stands in the line. */
typedef struct kz_json_member {
	char *key;              /* owned by the member list */
	size_t key_len;
	size_t start, end;      /* the value's JSON text: data[start..end) */
	int parsed;             /* built into the returned object */
} kz_json_member;

typedef struct kz_json_members {
	kz_json_member *items;
	size_t n, cap;
} kz_json_members;

void kz_json_members_release(kz_json_members *m);

/* Say whether the member `key` is to be built. For a top-level member
 * `top` is NULL, and the answer is 0 (only located), 1 (built) or 2
 * (built, asking again about each member of an object inside it). Asked
 * again, with `top` that member's key, 0 leaves the member out of the
 * built value (it is still checked like the rest). */
typedef int (*kz_json_want_fn)(const char *top, size_t top_len,
    const char *key, size_t len, void *ctx);

/* Like kz_json_parse_line for a line holding an object, but builds only
 * the top-level members `want` asks for (all when want is NULL); members
 * lists every member in order with where its value stands in the line, so
 * a writer can copy the others back unchanged. A key given twice keeps its
 * first place and its last value, as jansson does. The members list is
 * emptied first and reused. NULL when the line is refused, or is not an
 * object. */
json_t *kz_json_parse_members(const char *data, size_t len,
    kz_json_want_fn want, void *ctx, kz_json_members *members);

#endif
