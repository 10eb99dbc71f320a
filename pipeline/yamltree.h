/*
 * yamltree.h - load a YAML file (libyaml) into a small tree that keeps
 * every node's line and column, so rule and gazetteer loaders can say
 * exactly where a file is wrong.
 *
 * Aliases and anchors are refused (a few lines of aliases can expand to
 * billions of nodes), and so is nesting deeper than KZ_YAML_MAX_DEPTH.
 * A file holds one YAML document: a second one (a `---` after the first
 * document's content) is an error naming its line and column, never
 * silently dropped.
 *
 * The kz_yaml_doc owns every node and string; kz_yaml_doc_release frees
 * them all. Nodes are read-only for callers.
 */
#ifndef KZ_YAMLTREE_H
#define KZ_YAMLTREE_H

#include "error.h"

#include <stddef.h>

#define KZ_YAML_MAX_DEPTH 64

typedef enum { KZ_YAML_SCALAR, KZ_YAML_SEQ, KZ_YAML_MAP } kz_yaml_kind;

typedef struct kz_yaml_node {
	kz_yaml_kind kind;
	long line, column;          /* 1-based */
	char *scalar;               /* KZ_YAML_SCALAR: the value */
	int plain;                  /* scalar was unquoted */
	struct kz_yaml_node **items;/* SEQ: n items; MAP: key, value, key, ... */
	size_t n;                   /* SEQ: items; MAP: pairs */
	const char *file;           /* merged in from this file (one of the
	                             * doc's more[]); NULL: the doc's name */
} kz_yaml_node;

typedef struct kz_yaml_doc {
	kz_yaml_node *root;         /* NULL for an empty file */
	char *name;
	char **more;                /* files merged in (kz_yaml_merge) */
	size_t nmore;
	void *block;                /* set: the tree came from the rules
	                               cache and lives there (yamlcache.h) */
} kz_yaml_doc;

/* Load path. On error returns -1 with err naming file, line, column.
 * The tree of a file parsed before comes from the rules cache
 * (yamlcache.h) when it is there, and is stored there when not. */
int kz_yaml_load_file(const char *path, kz_yaml_doc *doc, kz_error *err);
/* Load from memory; name is used in errors. */
int kz_yaml_load_string(const char *name, const char *s, size_t len,
    kz_yaml_doc *doc, kz_error *err);
void kz_yaml_doc_release(kz_yaml_doc *doc);

/* ------------------------------------------------------------ streaming
 *
 * A file whose top level is a list (a gazetteer: millions of entries) read
 * one item at a time, so that only one item's tree is in memory at once.
 * Every check of kz_yaml_load_string holds, with the same messages:
 * syntax, anchors and aliases, nesting counted from the top, duplicate
 * keys, one document. Errors come in file order: an item is handed out
 * before anything after it is read.
 */

/* Where a stream's bytes come from: fill buf with up to size bytes, set
 * *got (0 at the end of the input); return 1, or 0 on a read error. The
 * same contract as libyaml's yaml_read_handler_t. */
typedef int (*kz_yaml_read_fn)(void *arg, unsigned char *buf, size_t size,
    size_t *got);

typedef struct kz_yaml_stream kz_yaml_stream;

/* A stream over read(arg, ...), or over len bytes at s (borrowed: they
 * must outlive the stream); name is used in errors (copied). NULL with
 * err when the parser cannot start. */
kz_yaml_stream *kz_yaml_stream_new(const char *name, kz_yaml_read_fn read,
    void *arg, kz_error *err);
kz_yaml_stream *kz_yaml_stream_new_string(const char *name, const char *s,
    size_t len, kz_error *err);
void kz_yaml_stream_free(kz_yaml_stream *st);

/* The next item of the top-level list into *item, a document of its own
 * (the caller releases it with kz_yaml_doc_release): 1. After the last
 * item, once the rest of the file has been checked: 0 (an empty file has
 * no items). On an error: -1 with err, *item owning nothing, and every
 * later call fails too. When the top level is not a list, the whole
 * document is the one item, and kz_yaml_stream_is_list says so. */
int kz_yaml_stream_next(kz_yaml_stream *st, kz_yaml_doc *item,
    kz_error *err);
/* After a first kz_yaml_stream_next that returned 1: was the top level a
 * list (1), or is that item the whole document (0)? */
int kz_yaml_stream_is_list(const kz_yaml_stream *st);

/* ------------------------------------------------------------ reading trees */

/* MAP look-up; NULL when absent or when map is not a map. */
const kz_yaml_node *kz_yaml_get(const kz_yaml_node *map, const char *key);
/* MAP pair i. */
const kz_yaml_node *kz_yaml_key(const kz_yaml_node *map, size_t i);
const kz_yaml_node *kz_yaml_value(const kz_yaml_node *map, size_t i);
/* The scalar's text, or NULL when node is NULL or not a scalar. */
const char *kz_yaml_str(const kz_yaml_node *node);
/* True for a plain scalar "~", "null", "Null", "NULL" or empty. */
int kz_yaml_is_null(const kz_yaml_node *node);

/* Merge the document over into base, as local rules files are merged over
 * the shipped ones (docs/gazetteers.md, "Local data"): in a mapping, each
 * key of over merges into base's (a value `~`, or a mapping with
 * `disabled: true`, removes it; a new key is added); in a list whose items
 * all have an id (a string is its own id; a mapping's id is its `id`,
 * `lemma`, `form`, `key` or `open`, the first it has), each item of over
 * merges into base's items of that id (`disabled: true` removes them; a
 * new id is appended); anything else in over replaces what base has.
 * over is consumed (released), its nodes moved into base, which then
 * names over's file for them in errors. A tree from the rules cache
 * (doc->block) is copied to ordinary memory first, its image left as it
 * is. 0, or -1 with err (disabling an id base does not have); base is
 * whole either way. */
int kz_yaml_merge(kz_yaml_doc *base, kz_yaml_doc *over, kz_error *err);

/* Set err to point at node: "file:line:col: message". Returns -1. */
int kz_yaml_error(kz_error *err, const kz_yaml_doc *doc,
    const kz_yaml_node *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Load a rules file: a mapping whose keys are all in the NULL-terminated
 * list `known`. An empty file or an unknown key is an error naming file,
 * line and column; after any error doc owns nothing. */
int kz_yaml_load_rules(const char *path, const char *const *known,
    kz_yaml_doc *doc, kz_error *err);

/* Fetch a required key of a map, with an error naming it when absent. */
const kz_yaml_node *kz_yaml_require(const kz_yaml_doc *doc,
    const kz_yaml_node *map, const char *key, kz_yaml_kind kind,
    kz_error *err);
/* Fail on any key of map not in the NULL-terminated list `known`. */
int kz_yaml_only_keys(const kz_yaml_doc *doc, const kz_yaml_node *map,
    const char *const *known, kz_error *err);

#endif
