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
} kz_yaml_node;

typedef struct kz_yaml_doc {
	kz_yaml_node *root;         /* NULL for an empty file */
	char *name;
} kz_yaml_doc;

/* Load path. On error returns -1 with err naming file, line, column. */
int kz_yaml_load_file(const char *path, kz_yaml_doc *doc, kz_error *err);
/* Load from memory; name is used in errors. */
int kz_yaml_load_string(const char *name, const char *s, size_t len,
    kz_yaml_doc *doc, kz_error *err);
void kz_yaml_doc_release(kz_yaml_doc *doc);

/* MAP look-up; NULL when absent or when map is not a map. */
const kz_yaml_node *kz_yaml_get(const kz_yaml_node *map, const char *key);
/* MAP pair i. */
const kz_yaml_node *kz_yaml_key(const kz_yaml_node *map, size_t i);
const kz_yaml_node *kz_yaml_value(const kz_yaml_node *map, size_t i);
/* The scalar's text, or NULL when node is NULL or not a scalar. */
const char *kz_yaml_str(const kz_yaml_node *node);
/* True for a plain scalar "~", "null", "Null", "NULL" or empty. */
int kz_yaml_is_null(const kz_yaml_node *node);

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
