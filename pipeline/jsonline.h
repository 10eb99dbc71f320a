/*
 * jsonline.h - one line of JSON into jansson values, parsed by yajl.
 *
 * jansson stays the model every stage works on, but its parser is the
 * slowest part of reading a record (about 80 MB/s here, where yajl's
 * callback parser builds the same values at 250–400 MB/s). This module
 * parses with yajl and builds jansson values, refusing exactly what
 * jansson's json_loadb refuses by default: invalid UTF-8 (overlong forms,
 * surrogates and code points past U+10FFFF included), NUL in a string or a
 * key, integers out of range, nesting deeper than jansson allows, and any
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

#endif
