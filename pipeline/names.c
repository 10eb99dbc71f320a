#include "names.h"

#include "buf.h"
#include "buildcache.h"
#include "datapath.h"
#include "gazcache.h"     /* kz_gazcache_env_key */
#include "tokens.h"
#include "yamltree.h"

#include <stdlib.h>
#include <string.h>

/* Put the folded key of every string of list `name` into `into`, with
 * `value`. */
static int
load_valued(const kz_yaml_doc *doc, const char *name, kz_strmap *into,
    intptr_t value, const kz_folder *f, size_t *max_tokens, kz_error *err)
{
	const kz_yaml_node *list = kz_yaml_require(doc, doc->root, name,
	    KZ_YAML_SEQ, err);

	if (list == NULL)
		return -1;
	for (size_t i = 0; i < list->n; i++) {
		const char *s = kz_yaml_str(list->items[i]);
		size_t nt;
		char *key;

		if (s == NULL || *s == '\0')
			return kz_yaml_error(err, doc, list->items[i],
			    "'%s' entries must be non-empty strings", name);
		key = kz_key_of(f, s, &nt);
		if (*key)
			kz_strmap_put(into, key, strlen(key), value);
		if (max_tokens && nt > *max_tokens)
			*max_tokens = nt;
		free(key);
	}
	return 0;
}

static int
load_keys(const kz_yaml_doc *doc, const char *name, kz_strmap *into,
    const kz_folder *f, size_t *max_tokens, kz_error *err)
{
	return load_valued(doc, name, into, 1, f, max_tokens, err);
}

/* The optional list `name` of first names of one gender: first names
 * like the others, their value the gender. */
static int
load_gendered(const kz_yaml_doc *doc, const char *name, char gender,
    kz_names *n, const kz_folder *f, kz_error *err)
{
	if (kz_yaml_get(doc->root, name) == NULL)
		return 0;
	return load_valued(doc, name, n->firstnames, gender, f, NULL, err);
}

static int
names_build(kz_names *n, const char *names_path, const char *firstnames_path,
    const kz_folder *f, kz_error *err)
{
	static const char *const known[] = { "org_heads", "org_linkers",
	    "not_names", "place_kind_cues", "org_adjective_endings",
	    "place_feature_heads", "person_nouns", "name_particles",
	    "org_followers", "seat_heads", "name_introducers", "venue_heads",
	    NULL };
	static const char *const known_first[] = { "firstnames", "masculine",
	    "feminine", NULL };
	kz_yaml_doc doc;
	int rc = -1;

	memset(n, 0, sizeof *n);
	n->firstnames = kz_strmap_new();
	n->org_heads = kz_strmap_new();
	n->org_linkers = kz_strmap_new();
	n->not_names = kz_strmap_new();
	n->place_heads = kz_strmap_new();
	n->person_nouns = kz_strmap_new();
	n->particles = kz_strmap_new();
	n->org_followers = kz_strmap_new();
	n->place_cues = kz_strmap_new();
	n->seat_heads = kz_strmap_new();
	n->introducers = kz_strmap_new();
	if (kz_data_load_rules(names_path, "rules/names.yaml", known, &doc,
	    err) != 0)
		return -1;
	if (load_keys(&doc, "org_heads", n->org_heads, f, &n->max_head_tokens,
	    err) == 0 &&
	    load_keys(&doc, "org_linkers", n->org_linkers, f,
	    &n->max_linker_tokens, err) == 0 &&
	    load_keys(&doc, "not_names", n->not_names, f, NULL, err) == 0 &&
	    load_keys(&doc, "place_feature_heads", n->place_heads, f, NULL,
	    err) == 0 &&
	    (kz_yaml_get(doc.root, "venue_heads") == NULL ||
	    load_valued(&doc, "venue_heads", n->place_heads, 'V', f, NULL,
	    err) == 0) &&
	    load_keys(&doc, "person_nouns", n->person_nouns, f, NULL, err) == 0 &&
	    load_keys(&doc, "name_particles", n->particles, f, NULL, err) == 0 &&
	    load_keys(&doc, "org_followers", n->org_followers, f, NULL,
	    err) == 0 &&
	    load_keys(&doc, "seat_heads", n->seat_heads, f, NULL, err) == 0)
		rc = 0;
	if (rc == 0) {
		const kz_yaml_node *ends = kz_yaml_require(&doc, doc.root,
		    "org_adjective_endings", KZ_YAML_SEQ, err);

		if (ends == NULL)
			rc = -1;
		for (size_t i = 0; ends && i < ends->n; i++) {
			const char *s = kz_yaml_str(ends->items[i]);

			if (s == NULL) {
				rc = kz_yaml_error(err, &doc, ends->items[i],
				    "endings are strings");
				break;
			}
			n->adj_endings = kz_realloc(n->adj_endings,
			    (n->nadj_endings + 1) * sizeof *n->adj_endings);
			n->adj_endings[n->nadj_endings++] = kz_fold_string(f, s);
		}
	}
	if (rc == 0) {
		/* name_introducers: person, organisation and thing lists,
		 * each optional */
		const kz_yaml_node *intro = kz_yaml_get(doc.root,
		    "name_introducers");
		static const char *const kinds[] = { "person", "organisation",
		    "thing" };
		static const intptr_t kind_value[] = { 'P', 'O', 'T' };

		for (size_t k = 0; intro && k < 3 && rc == 0; k++) {
			const kz_yaml_node *list = intro->kind == KZ_YAML_MAP ?
			    kz_yaml_get(intro, kinds[k]) : NULL;

			if (intro->kind != KZ_YAML_MAP || (list &&
			    list->kind != KZ_YAML_SEQ)) {
				rc = kz_yaml_error(err, &doc, list ? list : intro,
				    "name_introducers holds the lists person,"
				    " organisation and thing");
				break;
			}
			for (size_t i = 0; list && i < list->n; i++) {
				const char *s = kz_yaml_str(list->items[i]);
				char *key;

				if (s == NULL || *s == '\0') {
					rc = kz_yaml_error(err, &doc, list->items[i],
					    "name introducers are non-empty strings");
					break;
				}
				key = kz_key_of(f, s, NULL);
				if (*key)
					kz_strmap_put(n->introducers, key, strlen(key),
					    kind_value[k]);
				free(key);
			}
		}
	}
	if (rc == 0) {
		const kz_yaml_node *cues = kz_yaml_require(&doc, doc.root,
		    "place_kind_cues", KZ_YAML_MAP, err);

		if (cues == NULL)
			rc = -1;
		for (size_t i = 0; cues && i < cues->n; i++) {
			const char *kind = kz_yaml_str(kz_yaml_value(cues, i));
			char *key;

			if (kind == NULL) {
				rc = kz_yaml_error(err, &doc, kz_yaml_value(cues, i),
				    "a cue maps to a place kind (city, region...)");
				break;
			}
			n->cue_kinds = kz_realloc(n->cue_kinds, (n->ncues + 1) *
			    sizeof *n->cue_kinds);
			n->cue_kinds[n->ncues] = kz_strdup(kind);
			key = kz_key_of(f, kz_yaml_key(cues, i)->scalar, NULL);
			kz_strmap_put(n->place_cues, key, strlen(key), (intptr_t)n->ncues++);
			free(key);
		}
	}
	kz_yaml_doc_release(&doc);
	if (rc != 0)
		return -1;
	if (kz_data_load_rules(firstnames_path, "rules/firstnames.yaml",
	    known_first, &doc, err) != 0)
		return -1;
	rc = -1;
	if (load_keys(&doc, "firstnames", n->firstnames, f, NULL, err) == 0 &&
	    load_gendered(&doc, "masculine", 'm', n, f, err) == 0 &&
	    load_gendered(&doc, "feminine", 'f', n, f, err) == 0)
		rc = 0;
	kz_yaml_doc_release(&doc);
	return rc;
}

void
kz_names_release(kz_names *n)
{
	kz_strmap_free(n->firstnames);
	kz_strmap_free(n->org_heads);
	kz_strmap_free(n->org_linkers);
	kz_strmap_free(n->not_names);
	kz_strmap_free(n->place_heads);
	kz_strmap_free(n->person_nouns);
	kz_strmap_free(n->seat_heads);
	kz_strmap_free(n->introducers);
	kz_strmap_free(n->particles);
	kz_strmap_free(n->org_followers);
	kz_strmap_free(n->place_cues);
	for (size_t i = 0; i < n->ncues; i++)
		free(n->cue_kinds[i]);
	free(n->cue_kinds);
	for (size_t i = 0; i < n->nadj_endings; i++)
		free(n->adj_endings[i]);
	free(n->adj_endings);
	memset(n, 0, sizeof *n);
}

/* ------------------------------------------------------------ the cache
 *
 * What was built, as bytes (buildcache.h): u64 max_head_tokens,
 * max_linker_tokens; the adjective endings and the cue kinds, each a
 * u64 count then per string u64 length and its bytes padded to 8; then
 * the maps in the order of `maps` below. */

/* Every member must be in the cached bytes (see map_at): a member added
 * to kz_names stops the build here until it is. */
_Static_assert(sizeof(kz_names) == 11 * sizeof(kz_strmap *) +
    2 * (sizeof(char **) + sizeof(size_t)) + 2 * sizeof(size_t),
    "kz_names changed: update names_to_bytes, names_from_bytes and NAMES_FORMAT");

#define NAMES_FORMAT 2

static kz_strmap **
map_at(kz_names *n, size_t i)
{
	kz_strmap **maps[] = { &n->firstnames, &n->org_heads, &n->org_linkers,
	    &n->not_names, &n->place_heads, &n->person_nouns, &n->particles,
	    &n->org_followers, &n->seat_heads, &n->introducers,
	    &n->place_cues };

	/* and every map of kz_names is in this list */
	_Static_assert(sizeof maps / sizeof *maps * sizeof(kz_strmap *) +
	    2 * (sizeof(char **) + sizeof(size_t)) + 2 * sizeof(size_t) ==
	    sizeof(kz_names), "a map of kz_names is missing from map_at");
	return i < sizeof maps / sizeof *maps ? maps[i] : NULL;
}

static void
put_strings(kz_buf *b, char *const *s, size_t n)
{
	kz_bytes_put64(b, n);
	for (size_t i = 0; i < n; i++)
		kz_bytes_put_str(b, s[i]);
}

static void
names_to_bytes(const kz_names *n, kz_buf *b)
{
	kz_bytes_put64(b, n->max_head_tokens);
	kz_bytes_put64(b, n->max_linker_tokens);
	put_strings(b, n->adj_endings, n->nadj_endings);
	put_strings(b, n->cue_kinds, n->ncues);
	for (size_t i = 0; map_at((kz_names *)n, i); i++)
		kz_strmap_save(*map_at((kz_names *)n, i), b);
}

static int
get_strings(kz_bytes *r, char ***s, size_t *n)
{
	uint64_t count = kz_bytes_get_count(r, 8);

	*s = kz_calloc(count ? count : 1, sizeof **s);
	for (*n = 0; *n < count && !r->bad; (*n)++)
		if (((*s)[*n] = kz_bytes_get_str(r)) == NULL)
			break;
	return r->bad ? -1 : 0;
}

static int
names_from_bytes(kz_names *n, const unsigned char *p, size_t len)
{
	kz_bytes r = { p, p + len, 0 };

	memset(n, 0, sizeof *n);
	n->max_head_tokens = (size_t)kz_bytes_get64(&r);
	n->max_linker_tokens = (size_t)kz_bytes_get64(&r);
	if (get_strings(&r, &n->adj_endings, &n->nadj_endings) != 0 ||
	    get_strings(&r, &n->cue_kinds, &n->ncues) != 0)
		goto bad;
	for (size_t i = 0; map_at(n, i); i++)
		if ((*map_at(n, i) = kz_strmap_load(&r.p, r.end)) == NULL)
			goto bad;
	/* a cue's value is an index into the cue kinds */
	if (r.p != r.end || !kz_strmap_values_below(n->place_cues,
	    (intptr_t)n->ncues))
		goto bad;
	return 0;
bad:
	kz_names_release(n);
	return -1;
}

/* Everything the lists depend on: both files' bytes and those of the
 * local files merged over them, the folding. */
static int
names_key(const char *const *src, const kz_folder *f, uint64_t *key)
{
	static const char *const rel[2] = { "rules/names.yaml",
	    "rules/firstnames.yaml" };
	uint64_t v[2 + 2] = { NAMES_FORMAT, kz_gazcache_env_key(f) };

	for (size_t i = 0; i < 2; i++)
		if (kz_buildcache_hash_rules(src[i], rel[i], &v[2 + i]) != 0)
			return -1;
	*key = kz_xxh64(v, sizeof v, 0x6e616d6573);
	return 0;
}

int
kz_names_load(kz_names *n, const char *names_path, const char *firstnames_path,
    const kz_folder *f, kz_error *err)
{
	const char *src[2] = { names_path, firstnames_path };
	kz_buildcache_hit hit;
	uint64_t key = 0;
	int keyed = names_key(src, f, &key) == 0;
	kz_buf b;

	if (keyed && kz_buildcache_get("names", src, 2, key, &hit) == 0) {
		int rc = names_from_bytes(n, hit.data, hit.len);

		kz_buildcache_release(&hit);
		if (rc == 0)
			return 0;
	}
	if (names_build(n, names_path, firstnames_path, f, err) != 0)
		return -1;
	if (keyed) {
		kz_buf_init(&b);
		names_to_bytes(n, &b);
		kz_buildcache_put("names", src, 2, key, b.data, b.len);
		kz_buf_release(&b);
	}
	return 0;
}
