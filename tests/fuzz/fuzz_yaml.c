/*
 * fuzz_yaml - the YAML tree loader (kz_yaml_load_string) every gazetteer
 * and rules loader stands on: any bytes, aliases and anchors (refused),
 * deep nesting (refused past KZ_YAML_MAX_DEPTH), duplicate keys, several
 * documents (refused). A loaded tree is walked with the accessors the
 * loaders use. The same bytes then go through the streaming reader
 * (kz_yaml_stream, the gazetteer loader's): it must accept exactly what
 * the whole load accepts, and hand out the same items.
 */
#include "fuzz_common.h"

#include "yamltree.h"

static size_t
walk(const kz_yaml_doc *doc, const kz_yaml_node *n, int depth)
{
	static const char *const known[] = { "id", "name", "type", NULL };
	size_t count = 1;
	kz_error err;

	if (depth > KZ_YAML_MAX_DEPTH + 1)
		fuzz_fail("tree deeper than the limit", NULL);
	if (n->line < 1 || n->column < 1)
		fuzz_fail("node without a position", NULL);
	switch (n->kind) {
	case KZ_YAML_SCALAR:
		if (n->scalar == NULL || kz_yaml_str(n) != n->scalar)
			fuzz_fail("scalar without text", NULL);
		kz_yaml_is_null(n);
		break;
	case KZ_YAML_SEQ:
		for (size_t i = 0; i < n->n; i++)
			count += walk(doc, n->items[i], depth + 1);
		break;
	case KZ_YAML_MAP:
		for (size_t i = 0; i < n->n; i++) {
			const kz_yaml_node *k = kz_yaml_key(n, i);

			if (k->kind != KZ_YAML_SCALAR)
				fuzz_fail("mapping key is not a scalar", NULL);
			if (kz_yaml_get(n, k->scalar) != kz_yaml_value(n, i))
				fuzz_fail("kz_yaml_get misses a key", NULL);
			count += walk(doc, kz_yaml_value(n, i), depth + 1);
		}
		kz_yaml_only_keys(doc, n, known, &err);
		kz_yaml_require(doc, n, "id", KZ_YAML_SCALAR, &err);
		kz_yaml_require(doc, n, "names", KZ_YAML_SEQ, &err);
		break;
	}
	return count;
}

static int
same_tree(const kz_yaml_node *a, const kz_yaml_node *b)
{
	size_t count;

	if (a->kind != b->kind || a->line != b->line || a->column != b->column ||
	    a->n != b->n || a->plain != b->plain)
		return 0;
	if (a->kind == KZ_YAML_SCALAR)
		return strcmp(a->scalar, b->scalar) == 0;
	count = a->kind == KZ_YAML_MAP ? 2 * a->n : a->n;
	for (size_t i = 0; i < count; i++)
		if (!same_tree(a->items[i], b->items[i]))
			return 0;
	return 1;
}

/* The streaming reader against the whole load (whole: the loaded
 * document, or NULL when the load failed with whole_err: the stream must
 * fail with the same error, at the same place). */
static void
check_stream(const uint8_t *data, size_t size, const kz_yaml_doc *whole,
    const kz_error *whole_err)
{
	kz_yaml_stream *st;
	kz_yaml_doc item;
	kz_error err;
	size_t n = 0;
	int r;

	kz_error_clear(&err);
	st = kz_yaml_stream_new_string("fuzz.yaml", (const char *)data, size,
	    &err);
	if (st == NULL)
		fuzz_fail("the stream did not start", NULL);
	while ((r = kz_yaml_stream_next(st, &item, &err)) == 1) {
		const kz_yaml_node *want = NULL;

		if (whole != NULL && whole->root != NULL) {
			if (!kz_yaml_stream_is_list(st))
				want = n == 0 ? whole->root : NULL;
			else if (whole->root->kind == KZ_YAML_SEQ &&
			    n < whole->root->n)
				want = whole->root->items[n];
			if (want == NULL || !same_tree(want, item.root))
				fuzz_fail("the stream hands out another item", NULL);
		}
		n++;
		kz_yaml_doc_release(&item);
	}
	if (r < 0 && err.message[0] == '\0')
		fuzz_fail("the stream failed without a message", NULL);
	if (r < 0 && item.root != NULL)
		fuzz_fail("a failed item left a tree", NULL);
	if ((r == 0) != (whole != NULL))
		fuzz_fail(r == 0 ? "the stream accepts what the load refuses"
		    : "the stream refuses what the load accepts", NULL);
	if (r < 0 && (strcmp(err.message, whole_err->message) != 0 ||
	    err.line != whole_err->line || err.column != whole_err->column ||
	    strcmp(err.file, whole_err->file) != 0))
	{
		fprintf(stderr, "stream: %ld:%ld: %s\nload: %ld:%ld: %s\n",
		    err.line, err.column, err.message, whole_err->line,
		    whole_err->column, whole_err->message);
		fuzz_fail("the stream fails with another error", NULL);
	}
	if (whole != NULL && whole->root != NULL &&
	    whole->root->kind == KZ_YAML_SEQ && kz_yaml_stream_is_list(st) &&
	    n != whole->root->n)
		fuzz_fail("the stream hands out too few items", NULL);
	kz_yaml_stream_free(st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kz_yaml_doc doc;
	kz_error err;

	kz_error_clear(&err);
	if (kz_yaml_load_string("fuzz.yaml", (const char *)data, size, &doc,
	    &err) != 0) {
		if (err.message[0] == '\0')
			fuzz_fail("load failed without a message", NULL);
		if (doc.root != NULL)
			fuzz_fail("failed load left a tree", NULL);
		check_stream(data, size, NULL, &err);
	} else {
		if (doc.root)
			walk(&doc, doc.root, 0);
		check_stream(data, size, &doc, NULL);
	}
	kz_yaml_doc_release(&doc);
	return 0;
}
