/*
 * fuzz_yaml - the YAML tree loader (kz_yaml_load_string) every gazetteer
 * and rules loader stands on: any bytes, aliases and anchors (refused),
 * deep nesting (refused past KZ_YAML_MAX_DEPTH), duplicate keys, several
 * documents. A loaded tree is walked with the accessors the loaders use.
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
	} else if (doc.root) {
		walk(&doc, doc.root, 0);
	}
	kz_yaml_doc_release(&doc);
	return 0;
}
