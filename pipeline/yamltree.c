#include "yamltree.h"

#include "buf.h"
#include "strmap.h"
#include "yamlcache.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct builder {
	yaml_parser_t parser;
	const char *name;
	kz_error *err;
} builder;

static kz_yaml_node *
node_new(kz_yaml_kind kind, const yaml_event_t *ev)
{
	kz_yaml_node *n = kz_calloc(1, sizeof *n);

	n->kind = kind;
	n->line = (long)ev->start_mark.line + 1;
	n->column = (long)ev->start_mark.column + 1;
	return n;
}

static void
node_free(kz_yaml_node *n)
{
	size_t count;

	if (n == NULL)
		return;
	count = n->kind == KZ_YAML_MAP ? n->n * 2 : n->n;
	for (size_t i = 0; i < count; i++)
		node_free(n->items[i]);
	free(n->items);
	free(n->scalar);
	free(n);
}

static int
parser_error(builder *b)
{
	const yaml_parser_t *p = &b->parser;
	const yaml_mark_t *m = p->context ? &p->context_mark : &p->problem_mark;

	if (p->problem_mark.line || p->problem_mark.column)
		m = &p->problem_mark;
	return kz_error_set(b->err, b->name, (long)m->line + 1,
	    (long)m->column + 1, "YAML syntax error: %s%s%s",
	    p->problem ? p->problem : "unknown problem",
	    p->context ? " " : "", p->context ? p->context : "");
}

/* The pair of map (its last pair excluded) whose key equals the last
 * pair's key, or -1. Small maps are scanned; from 16 pairs on, the keys
 * go into *keys (created here, freed by the caller), so a hostile file of
 * a million keys costs a million look-ups, not half a trillion compares. */
static long
earlier_key(const kz_yaml_node *map, kz_strmap **keys)
{
	size_t last = map->n - 1;
	const char *key = map->items[2 * last]->scalar;
	intptr_t at;

	if (*keys == NULL && last < 16) {
		for (size_t k = 0; k < last; k++)
			if (strcmp(map->items[2 * k]->scalar, key) == 0)
				return (long)k;
		return -1;
	}
	if (*keys == NULL) {
		*keys = kz_strmap_new();
		for (size_t k = 0; k < last; k++)
			kz_strmap_put(*keys, map->items[2 * k]->scalar,
			    strlen(map->items[2 * k]->scalar), (intptr_t)k);
	}
	if (kz_strmap_get(*keys, key, strlen(key), &at))
		return (long)at;
	kz_strmap_put(*keys, key, strlen(key), (intptr_t)last);
	return -1;
}

/* Parse one node whose first event is ev (already read). */
static kz_yaml_node *
parse_node(builder *b, yaml_event_t *ev, int depth)
{
	kz_yaml_node *node = NULL;
	size_t cap = 0;

	if (depth > KZ_YAML_MAX_DEPTH) {
		kz_error_set(b->err, b->name, (long)ev->start_mark.line + 1,
		    (long)ev->start_mark.column + 1,
		    "nesting deeper than %d levels", KZ_YAML_MAX_DEPTH);
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		kz_error_set(b->err, b->name, (long)ev->start_mark.line + 1,
		    (long)ev->start_mark.column + 1,
		    "YAML aliases (*%s) are not allowed in kz files",
		    (const char *)ev->data.alias.anchor);
		return NULL;
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor) {
			kz_error_set(b->err, b->name, (long)ev->start_mark.line + 1,
			    (long)ev->start_mark.column + 1,
			    "YAML anchors (&%s) are not allowed in kz files",
			    (const char *)ev->data.scalar.anchor);
			return NULL;
		}
		node = node_new(KZ_YAML_SCALAR, ev);
		node->scalar = kz_strndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		return node;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		int is_map = ev->type == YAML_MAPPING_START_EVENT;
		const yaml_char_t *anchor = is_map ? ev->data.mapping_start.anchor
		    : ev->data.sequence_start.anchor;
		kz_strmap *keys = NULL;     /* see earlier_key */

		if (anchor) {
			kz_error_set(b->err, b->name, (long)ev->start_mark.line + 1,
			    (long)ev->start_mark.column + 1,
			    "YAML anchors (&%s) are not allowed in kz files",
			    (const char *)anchor);
			return NULL;
		}
		node = node_new(is_map ? KZ_YAML_MAP : KZ_YAML_SEQ, ev);
		for (;;) {
			yaml_event_t child_ev;
			kz_yaml_node *child;
			long k;

			if (!yaml_parser_parse(&b->parser, &child_ev)) {
				parser_error(b);
				goto fail;
			}
			if (child_ev.type == YAML_SEQUENCE_END_EVENT ||
			    child_ev.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&child_ev);
				break;
			}
			child = parse_node(b, &child_ev, depth + 1);
			yaml_event_delete(&child_ev);
			if (child == NULL)
				goto fail;
			if (!is_map) {
				if (node->n + 1 > cap) {
					cap = cap ? cap * 2 : 8;
					node->items = kz_realloc(node->items,
					    cap * sizeof *node->items);
				}
				node->items[node->n++] = child;
			} else {
				size_t count = node->n * 2;

				if (count + 2 > cap) {
					cap = cap ? cap * 2 : 8;
					node->items = kz_realloc(node->items,
					    cap * sizeof *node->items);
				}
				node->items[count] = child;
				/* the value comes next; store it, then count the pair */
				if (!yaml_parser_parse(&b->parser, &child_ev)) {
					parser_error(b);
					node->items[count + 1] = NULL;
					node->n++;
					goto fail;
				}
				child = parse_node(b, &child_ev, depth + 1);
				yaml_event_delete(&child_ev);
				node->items[count + 1] = child;
				node->n++;
				if (child == NULL)
					goto fail;
				if (node->items[count]->kind != KZ_YAML_SCALAR) {
					kz_error_set(b->err, b->name,
					    node->items[count]->line,
					    node->items[count]->column,
					    "mapping keys must be plain text");
					goto fail;
				}
				if ((k = earlier_key(node, &keys)) >= 0) {
					kz_error_set(b->err, b->name,
					    node->items[count]->line,
					    node->items[count]->column,
					    "duplicate key '%s' (first at line %ld)",
					    node->items[count]->scalar,
					    node->items[2 * k]->line);
					goto fail;
				}
			}
		}
		kz_strmap_free(keys);
		return node;
fail:
		kz_strmap_free(keys);
		node_free(node);
		return NULL;
	}
	default:
		kz_error_set(b->err, b->name, (long)ev->start_mark.line + 1,
		    (long)ev->start_mark.column + 1, "unexpected YAML event");
		return NULL;
	}
}

/* Read events up to the root node's first one, into *ev: 1, or 0 for an
 * empty file (the stream ended first), or -1 with b->err set. */
static int
read_root_event(builder *b, yaml_event_t *ev)
{
	for (;;) {
		if (!yaml_parser_parse(&b->parser, ev))
			return parser_error(b);
		if (ev->type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(ev);
			return 0;
		}
		if (ev->type != YAML_STREAM_START_EVENT &&
		    ev->type != YAML_DOCUMENT_START_EVENT)
			return 1;
		yaml_event_delete(ev);
	}
}

/* After the root node: the document's end, then the end of the stream. A
 * second document is refused, even an empty one: a `---` left in the
 * middle of a file would otherwise drop everything after it unseen. */
static int
read_stream_end(builder *b)
{
	yaml_event_t ev;

	for (;;) {
		if (!yaml_parser_parse(&b->parser, &ev))
			return parser_error(b);
		switch (ev.type) {
		case YAML_DOCUMENT_END_EVENT:
			yaml_event_delete(&ev);
			continue;
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			return 0;
		case YAML_DOCUMENT_START_EVENT:
			kz_error_set(b->err, b->name, (long)ev.start_mark.line + 1,
			    (long)ev.start_mark.column + 1, "a second YAML document"
			    " ('---') is not allowed in kz files: one document per"
			    " file");
			yaml_event_delete(&ev);
			return -1;
		default:
			kz_error_set(b->err, b->name, (long)ev.start_mark.line + 1,
			    (long)ev.start_mark.column + 1, "unexpected YAML event");
			yaml_event_delete(&ev);
			return -1;
		}
	}
}

int
kz_yaml_load_string(const char *name, const char *s, size_t len,
    kz_yaml_doc *doc, kz_error *err)
{
	builder b;
	yaml_event_t ev;
	int rc = -1, r;

	doc->root = NULL;
	doc->block = NULL;
	doc->name = kz_strdup(name);
	doc->more = NULL;
	doc->nmore = 0;
	memset(&b, 0, sizeof b);
	b.name = name;
	b.err = err;
	if (!yaml_parser_initialize(&b.parser)) {
		free(doc->name);
		doc->name = NULL;
		return kz_error_set(err, name, 0, 0, "cannot start the YAML parser");
	}
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)s, len);
	r = read_root_event(&b, &ev);
	if (r <= 0) {
		rc = r;     /* an empty file: root stays NULL */
		goto out;
	}
	doc->root = parse_node(&b, &ev, 0);
	yaml_event_delete(&ev);
	if (doc->root == NULL)
		goto out;
	/* the rest of the stream must be well-formed, and hold no more */
	rc = read_stream_end(&b);
out:
	yaml_parser_delete(&b.parser);
	if (rc != 0) {
		/* a failed load owns nothing: callers need not release it */
		node_free(doc->root);
		doc->root = NULL;
		free(doc->name);
		doc->name = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------ streaming */

enum { ST_START, ST_LIST, ST_DONE, ST_FAILED };

struct kz_yaml_stream {
	builder b;
	char *name;
	int state;
	int is_list;
};

static kz_yaml_stream *
stream_new(const char *name, kz_error *err)
{
	kz_yaml_stream *st = kz_calloc(1, sizeof *st);

	st->name = kz_strdup(name);
	st->b.name = st->name;
	if (!yaml_parser_initialize(&st->b.parser)) {
		kz_error_set(err, name, 0, 0, "cannot start the YAML parser");
		free(st->name);
		free(st);
		return NULL;
	}
	return st;
}

kz_yaml_stream *
kz_yaml_stream_new(const char *name, kz_yaml_read_fn read, void *arg,
    kz_error *err)
{
	kz_yaml_stream *st = stream_new(name, err);

	if (st)
		yaml_parser_set_input(&st->b.parser, read, arg);
	return st;
}

kz_yaml_stream *
kz_yaml_stream_new_string(const char *name, const char *s, size_t len,
    kz_error *err)
{
	kz_yaml_stream *st = stream_new(name, err);

	if (st)
		yaml_parser_set_input_string(&st->b.parser,
		    (const unsigned char *)s, len);
	return st;
}

void
kz_yaml_stream_free(kz_yaml_stream *st)
{
	if (st == NULL)
		return;
	yaml_parser_delete(&st->b.parser);
	free(st->name);
	free(st);
}

int
kz_yaml_stream_is_list(const kz_yaml_stream *st)
{
	return st->is_list;
}

/* Start the stream: 1 in the top-level list; 0 with nothing (empty
 * file), or with the whole document in *root when it is not a list; -1. */
static int
stream_start(kz_yaml_stream *st, kz_yaml_node **root)
{
	yaml_event_t ev;
	int r = read_root_event(&st->b, &ev);

	*root = NULL;
	if (r <= 0)
		return r;
	if (ev.type == YAML_SEQUENCE_START_EVENT) {
		if (ev.data.sequence_start.anchor) {
			kz_error_set(st->b.err, st->name,
			    (long)ev.start_mark.line + 1,
			    (long)ev.start_mark.column + 1,
			    "YAML anchors (&%s) are not allowed in kz files",
			    (const char *)ev.data.sequence_start.anchor);
			yaml_event_delete(&ev);
			return -1;
		}
		yaml_event_delete(&ev);
		st->is_list = 1;
		return 1;
	}
	*root = parse_node(&st->b, &ev, 0);
	yaml_event_delete(&ev);
	if (*root == NULL)
		return -1;
	if (read_stream_end(&st->b) != 0) {
		node_free(*root);
		*root = NULL;
		return -1;
	}
	return 0;
}

int
kz_yaml_stream_next(kz_yaml_stream *st, kz_yaml_doc *item, kz_error *err)
{
	yaml_event_t ev;
	kz_yaml_node *node;

	item->root = NULL;
	item->name = NULL;
	item->more = NULL;
	item->nmore = 0;
	item->block = NULL;
	st->b.err = err;
	if (st->state == ST_FAILED)
		return kz_error_set(err, st->name, 0, 0, "read past an error");
	if (st->state == ST_START) {
		int r = stream_start(st, &node);

		if (r < 0)
			goto fail;
		st->state = r ? ST_LIST : ST_DONE;
		if (node) {
			item->root = node;
			item->name = kz_strdup(st->name);
			return 1;
		}
	}
	if (st->state == ST_DONE)
		return 0;
	if (!yaml_parser_parse(&st->b.parser, &ev)) {
		parser_error(&st->b);
		goto fail;
	}
	if (ev.type == YAML_SEQUENCE_END_EVENT) {
		yaml_event_delete(&ev);
		if (read_stream_end(&st->b) != 0)
			goto fail;
		st->state = ST_DONE;
		return 0;
	}
	/* an item, at the depth it has in the whole tree */
	node = parse_node(&st->b, &ev, 1);
	yaml_event_delete(&ev);
	if (node == NULL)
		goto fail;
	item->root = node;
	item->name = kz_strdup(st->name);
	return 1;
fail:
	st->state = ST_FAILED;
	return -1;
}

int
kz_yaml_load_file(const char *path, kz_yaml_doc *doc, kz_error *err)
{
	FILE *f = fopen(path, "rb");
	kz_buf b;
	char chunk[65536];
	size_t n;
	int rc;

	doc->root = NULL;
	doc->name = NULL;
	doc->more = NULL;
	doc->nmore = 0;
	doc->block = NULL;
	if (f == NULL)
		return kz_error_set(err, path, 0, 0, "cannot open: %s",
		    strerror(errno));
	kz_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		kz_buf_add(&b, chunk, n);
	if (ferror(f)) {
		fclose(f);
		kz_buf_release(&b);
		return kz_error_set(err, path, 0, 0, "read error");
	}
	fclose(f);
	if (kz_yamlcache_get(path, b.data, b.len, doc)) {
		kz_buf_release(&b);
		return 0;
	}
	rc = kz_yaml_load_string(path, b.data, b.len, doc, err);
	if (rc == 0)
		kz_yamlcache_put(path, b.data, b.len, doc);
	kz_buf_release(&b);
	return rc;
}

void
kz_yaml_doc_release(kz_yaml_doc *doc)
{
	if (doc->block)
		kz_yamlcache_free(doc->block);
	else
		node_free(doc->root);
	free(doc->name);
	for (size_t i = 0; i < doc->nmore; i++)
		free(doc->more[i]);
	free(doc->more);
	doc->root = NULL;
	doc->name = NULL;
	doc->more = NULL;
	doc->nmore = 0;
	doc->block = NULL;
}

/* ------------------------------------------------------------ merging */

/* n and all below it in ordinary memory. */
static kz_yaml_node *
node_copy(const kz_yaml_node *n)
{
	kz_yaml_node *c = kz_malloc(sizeof *c);
	size_t count = n->kind == KZ_YAML_MAP ? n->n * 2 : n->n;

	*c = *n;
	c->scalar = n->scalar ? kz_strdup(n->scalar) : NULL;
	c->items = count ? kz_malloc(count * sizeof *c->items) : NULL;
	for (size_t i = 0; i < count; i++)
		c->items[i] = node_copy(n->items[i]);
	return c;
}

/* A tree from the rules cache lives in its image, which a merge must not
 * change or free piece by piece: copy it out first. Only a file that
 * local layers merge over pays for this. */
static void
doc_own(kz_yaml_doc *doc)
{
	kz_yaml_node *root;

	if (doc->block == NULL)
		return;
	root = doc->root ? node_copy(doc->root) : NULL;
	kz_yamlcache_free(doc->block);
	doc->block = NULL;
	doc->root = root;
}

/* Nodes moved in from another file say so, unless they already name one
 * (moved there by an earlier merge). */
static void
set_file(kz_yaml_node *n, const char *file)
{
	size_t count = n->kind == KZ_YAML_MAP ? n->n * 2 : n->n;

	if (n->file == NULL)
		n->file = file;
	for (size_t i = 0; i < count; i++)
		set_file(n->items[i], file);
}

/* Free a node whose children were moved or freed one by one. */
static void
shell_free(kz_yaml_node *n)
{
	free(n->items);
	free(n->scalar);
	free(n);
}

static int
is_disabled(const kz_yaml_node *n)
{
	const char *v = kz_yaml_str(kz_yaml_get(n, "disabled"));

	return v != NULL && strcmp(v, "true") == 0;
}

/* An item's id: a string is its own; a mapping's is the first of these
 * keys it has (what each list of rules/ is keyed by). NULL: none. */
static const char *
item_id(const kz_yaml_node *n)
{
	static const char *const keys[] = { "id", "lemma", "form", "key",
	    "open", NULL };

	if (n->kind == KZ_YAML_SCALAR)
		return n->scalar;
	for (size_t i = 0; n->kind == KZ_YAML_MAP && keys[i]; i++) {
		const char *v = kz_yaml_str(kz_yaml_get(n, keys[i]));

		if (v != NULL)
			return v;
	}
	return NULL;
}

static int
all_ids(const kz_yaml_node *seq)
{
	for (size_t i = 0; i < seq->n; i++)
		if (item_id(seq->items[i]) == NULL)
			return 0;
	return 1;
}

static void
remove_items(kz_yaml_node *n, size_t at, size_t count)
{
	size_t total = n->kind == KZ_YAML_MAP ? n->n * 2 : n->n;

	for (size_t i = at; i < at + count; i++)
		node_free(n->items[i]);
	memmove(n->items + at, n->items + at + count,
	    (total - at - count) * sizeof *n->items);
}

static void
append_items(kz_yaml_node *n, kz_yaml_node *a, kz_yaml_node *b)
{
	size_t total = n->kind == KZ_YAML_MAP ? n->n * 2 : n->n;

	n->items = kz_realloc(n->items, (total + 2) * sizeof *n->items);
	n->items[total] = a;
	if (b != NULL)
		n->items[total + 1] = b;
	n->n++;
}

static int merge_node(kz_yaml_node **bp, kz_yaml_node *o, const char *file,
    const kz_yaml_doc *odoc, kz_error *err);

/* Each of o's pairs into b; o is consumed. */
static int
merge_map(kz_yaml_node *b, kz_yaml_node *o, const char *file,
    const kz_yaml_doc *odoc, kz_error *err)
{
	int rc = 0;

	for (size_t i = 0; i < o->n; i++) {
		kz_yaml_node *k = o->items[2 * i], *v = o->items[2 * i + 1];
		size_t j;

		for (j = 0; j < b->n; j++)
			if (strcmp(b->items[2 * j]->scalar, k->scalar) == 0)
				break;
		if (kz_yaml_is_null(v) || is_disabled(v)) {
			/* nothing to remove is no error: `key: ~` also means
			 * "no value" where the shipped file has none */
			if (j < b->n) {
				remove_items(b, 2 * j, 2);
				b->n--;
			}
			node_free(k);
			node_free(v);
		} else if (j < b->n) {
			node_free(k);
			if (rc == 0)
				rc = merge_node(&b->items[2 * j + 1], v, file, odoc,
				    err);
			else
				node_free(v);
		} else {
			set_file(k, file);
			set_file(v, file);
			append_items(b, k, v);
		}
	}
	shell_free(o);
	return rc;
}

/* Each of o's items into b's item of the same id; o is consumed. */
static int
merge_seq(kz_yaml_node *b, kz_yaml_node *o, const char *file,
    const kz_yaml_doc *odoc, kz_error *err)
{
	int rc = 0;

	for (size_t i = 0; i < o->n; i++) {
		kz_yaml_node *it = o->items[i];
		const char *id = item_id(it);
		size_t j, found = 0;

		if (rc != 0) {
			node_free(it);
			continue;
		}
		if (is_disabled(it)) {
			for (j = 0; j < b->n; )
				if (strcmp(item_id(b->items[j]), id) == 0) {
					remove_items(b, j, 1);
					b->n--;
					found++;
				} else
					j++;
			if (found == 0)
				rc = kz_yaml_error(err, odoc, it, "nothing to"
				    " disable: no entry '%s' in the files below"
				    " this one", id);
			node_free(it);
			continue;
		}
		for (j = 0; j < b->n; j++)
			if (strcmp(item_id(b->items[j]), id) == 0)
				break;
		if (j < b->n)
			rc = merge_node(&b->items[j], it, file, odoc, err);
		else {
			set_file(it, file);
			append_items(b, it, NULL);
		}
	}
	shell_free(o);
	return rc;
}

/* o over *bp; o is consumed. */
static int
merge_node(kz_yaml_node **bp, kz_yaml_node *o, const char *file,
    const kz_yaml_doc *odoc, kz_error *err)
{
	kz_yaml_node *b = *bp;

	if (b->kind == KZ_YAML_MAP && o->kind == KZ_YAML_MAP)
		return merge_map(b, o, file, odoc, err);
	if (b->kind == KZ_YAML_SEQ && o->kind == KZ_YAML_SEQ && all_ids(b) &&
	    all_ids(o))
		return merge_seq(b, o, file, odoc, err);
	set_file(o, file);
	node_free(b);
	*bp = o;
	return 0;
}

int
kz_yaml_merge(kz_yaml_doc *base, kz_yaml_doc *over, kz_error *err)
{
	kz_yaml_node *o;
	const char *file;
	int rc = 0;

	doc_own(base);
	doc_own(over);
	o = over->root;
	base->more = kz_realloc(base->more,
	    (base->nmore + over->nmore + 1) * sizeof *base->more);
	file = base->more[base->nmore++] = kz_strdup(over->name);
	for (size_t i = 0; i < over->nmore; i++)
		base->more[base->nmore++] = over->more[i];
	over->nmore = 0;
	over->root = NULL;
	if (o == NULL)
		;                       /* an empty file changes nothing */
	else if (base->root == NULL) {
		set_file(o, file);
		base->root = o;
	} else
		rc = merge_node(&base->root, o, file, over, err);
	kz_yaml_doc_release(over);
	return rc;
}

const kz_yaml_node *
kz_yaml_get(const kz_yaml_node *map, const char *key)
{
	if (map == NULL || map->kind != KZ_YAML_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->items[2 * i]->scalar, key) == 0)
			return map->items[2 * i + 1];
	return NULL;
}

const kz_yaml_node *
kz_yaml_key(const kz_yaml_node *map, size_t i)
{
	return map->items[2 * i];
}

const kz_yaml_node *
kz_yaml_value(const kz_yaml_node *map, size_t i)
{
	return map->items[2 * i + 1];
}

const char *
kz_yaml_str(const kz_yaml_node *node)
{
	if (node == NULL || node->kind != KZ_YAML_SCALAR)
		return NULL;
	return node->scalar;
}

int
kz_yaml_is_null(const kz_yaml_node *node)
{
	const char *s;

	if (node == NULL)
		return 1;
	if (node->kind != KZ_YAML_SCALAR || !node->plain)
		return 0;
	s = node->scalar;
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

int
kz_yaml_error(kz_error *err, const kz_yaml_doc *doc, const kz_yaml_node *node,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return kz_error_set(err, node && node->file ? node->file : doc->name,
	    node ? node->line : 0, node ? node->column : 0, "%s", msg);
}

const kz_yaml_node *
kz_yaml_require(const kz_yaml_doc *doc, const kz_yaml_node *map,
    const char *key, kz_yaml_kind kind, kz_error *err)
{
	static const char *const kinds[] = { "a string", "a list", "a mapping" };
	const kz_yaml_node *v = kz_yaml_get(map, key);

	if (v == NULL) {
		kz_yaml_error(err, doc, map, "missing key '%s'", key);
		return NULL;
	}
	if (v->kind != kind) {
		kz_yaml_error(err, doc, v, "'%s' must be %s", key, kinds[kind]);
		return NULL;
	}
	return v;
}

int
kz_yaml_only_keys(const kz_yaml_doc *doc, const kz_yaml_node *map,
    const char *const *known, kz_error *err)
{
	if (map == NULL || map->kind != KZ_YAML_MAP)
		return kz_yaml_error(err, doc, map, "expected a mapping");
	for (size_t i = 0; i < map->n; i++) {
		const kz_yaml_node *k = kz_yaml_key(map, i);
		size_t j;

		for (j = 0; known[j]; j++)
			if (strcmp(k->scalar, known[j]) == 0)
				break;
		if (known[j] == NULL)
			return kz_yaml_error(err, doc, k, "unknown key '%s'",
			    k->scalar);
	}
	return 0;
}

int
kz_yaml_load_rules(const char *path, const char *const *known,
    kz_yaml_doc *doc, kz_error *err)
{
	if (kz_yaml_load_file(path, doc, err) != 0)
		return -1;
	if (doc->root == NULL)
		kz_error_set(err, path, 0, 0, "empty rules file");
	else if (kz_yaml_only_keys(doc, doc->root, known, err) == 0)
		return 0;
	kz_yaml_doc_release(doc);
	return -1;
}
