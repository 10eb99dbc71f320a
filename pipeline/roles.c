#include "roles.h"

#include "buf.h"
#include "buildcache.h"
#include "datapath.h"
#include "gazcache.h"     /* kz_gazcache_env_key */
#include "strmap.h"
#include "wordlist.h"
#include "yamltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A role form or periphrasis, by token key. */
typedef struct form {
	size_t role;        /* index into keys */
	char *of;           /* periphrases name what they are of; else NULL */
} form;

typedef struct modifier {
	int former, future;
} modifier;

struct kz_roles {
	const kz_gazetteer *g;
	const kz_folder *folder;
	char **keys;                /* role keys */
	size_t nkeys;
	long (*resolve_as)[8];      /* per key: keys it stands for, -1 ended */
	form *forms;
	size_t nforms;
	kz_strmap *form_index;      /* token key -> form */
	kz_strmap *form_prefixes;   /* proper token prefixes of forms */
	size_t max_form_tokens;
	kz_strmap *complement_first;/* first token of complement starts */
	kz_wordlist of_linkers;     /* token keys */
	kz_strmap *prefixes;        /* token key -> modifier index */
	kz_strmap *postmodifiers;
	modifier *mods;
	size_t nmods;
	kz_strmap *titles;          /* ranks, civil titles, honorifics */
	kz_strmap *honorifics;      /* key -> index into honorific_codes */
	char **honorific_codes;
	size_t nhonorifics;
	kz_strmap *determiners;
	size_t max_linker_tokens;
	/* the words a description can start with: a determiner, a prefix
	 * or a form's first word; and the first words of forms alone */
	kz_hashfilter starts, form_starts;
};

static size_t
add_key(kz_roles *r, const char *key)
{
	for (size_t i = 0; i < r->nkeys; i++)
		if (strcmp(r->keys[i], key) == 0)
			return i;
	r->keys = kz_realloc(r->keys, (r->nkeys + 1) * sizeof *r->keys);
	r->resolve_as = kz_realloc(r->resolve_as, (r->nkeys + 1) *
	    sizeof *r->resolve_as);
	for (size_t k = 0; k < 8; k++)
		r->resolve_as[r->nkeys][k] = -1;
	r->keys[r->nkeys] = kz_strdup(key);
	return r->nkeys++;
}

static void
add_form(kz_roles *r, const char *text, size_t role, const char *of)
{
	size_t ntok, len;
	char *key = kz_key_of(r->folder, text, &ntok);
	intptr_t existing;

	len = strlen(key);
	if (len == 0 || kz_strmap_get(r->form_index, key, len, &existing)) {
		free(key);
		return;
	}
	r->forms = kz_realloc(r->forms, (r->nforms + 1) * sizeof *r->forms);
	r->forms[r->nforms].role = role;
	r->forms[r->nforms].of = of ? kz_strdup(of) : NULL;
	kz_strmap_put(r->form_index, key, len, (intptr_t)r->nforms++);
	for (size_t i = 0; i < len; i++)
		if (key[i] == ' ')
			kz_strmap_put(r->form_prefixes, key, i, 1);
	if (ntok > r->max_form_tokens)
		r->max_form_tokens = ntok;
	free(key);
}

static void
put_key(kz_roles *r, kz_strmap *m, const char *text, intptr_t v)
{
	char *key = kz_key_of(r->folder, text, NULL);

	if (*key)
		kz_strmap_put(m, key, strlen(key), v);
	free(key);
}

static int
load_modifiers(kz_roles *r, const kz_yaml_doc *doc, const char *name,
    kz_strmap *into, kz_error *err)
{
	static const char *const known[] = { "form", "former", "future",
	    "deputy", NULL };
	const kz_yaml_node *list = kz_yaml_require(doc, doc->root, name,
	    KZ_YAML_SEQ, err);

	if (list == NULL)
		return -1;
	for (size_t i = 0; i < list->n; i++) {
		const kz_yaml_node *it = list->items[i];
		const char *f, *former, *future;

		if (kz_yaml_only_keys(doc, it, known, err) != 0)
			return -1;
		f = kz_yaml_str(kz_yaml_get(it, "form"));
		if (f == NULL)
			return kz_yaml_error(err, doc, it, "missing 'form'");
		former = kz_yaml_str(kz_yaml_get(it, "former"));
		future = kz_yaml_str(kz_yaml_get(it, "future"));
		r->mods = kz_realloc(r->mods, (r->nmods + 1) * sizeof *r->mods);
		r->mods[r->nmods].former = former && strcmp(former, "true") == 0;
		r->mods[r->nmods].future = future && strcmp(future, "true") == 0;
		put_key(r, into, f, (intptr_t)r->nmods++);
	}
	return 0;
}

static int
load_list_into(kz_roles *r, const kz_yaml_doc *doc, const char *name,
    kz_strmap *into, kz_error *err)
{
	const kz_yaml_node *list = kz_yaml_require(doc, doc->root, name,
	    KZ_YAML_SEQ, err);

	if (list == NULL)
		return -1;
	for (size_t i = 0; i < list->n; i++) {
		const char *s = kz_yaml_str(list->items[i]);

		if (s == NULL || *s == '\0')
			return kz_yaml_error(err, doc, list->items[i],
			    "'%s' entries must be non-empty strings", name);
		put_key(r, into, s, 1);
	}
	return 0;
}

static kz_roles *
roles_build(const char *path, const kz_gazetteer *g, const kz_folder *f,
    kz_error *err)
{
	static const char *const known[] = {
		"roles", "periphrases", "complement_starts", "of_linkers",
		"prefixes", "postmodifiers", "honorifics", "military_ranks",
		"civil_titles", "determiners", NULL
	};
	kz_roles *r = kz_calloc(1, sizeof *r);
	const kz_yaml_node *roles, *peri, *hon, *cs;
	kz_yaml_doc doc;

	r->g = g;
	r->folder = f;
	r->form_index = kz_strmap_new();
	r->form_prefixes = kz_strmap_new();
	r->complement_first = kz_strmap_new();
	r->prefixes = kz_strmap_new();
	r->postmodifiers = kz_strmap_new();
	r->titles = kz_strmap_new();
	r->honorifics = kz_strmap_new();
	r->determiners = kz_strmap_new();
	kz_wordlist_init(&r->of_linkers);
	if (kz_data_load_rules(path, "rules/roles.yaml", known, &doc, err) != 0) {
		kz_roles_free(r);
		return NULL;
	}
	roles = kz_yaml_require(&doc, doc.root, "roles", KZ_YAML_SEQ, err);
	if (roles == NULL)
		goto fail;
	for (size_t i = 0; i < roles->n; i++) {
		static const char *const rk[] = { "key", "forms", "resolve_as",
		    NULL };
		const kz_yaml_node *it = roles->items[i], *forms, *as;
		const char *key;
		size_t role;

		if (kz_yaml_only_keys(&doc, it, rk, err) != 0)
			goto fail;
		key = kz_yaml_str(kz_yaml_get(it, "key"));
		forms = kz_yaml_require(&doc, it, "forms", KZ_YAML_SEQ, err);
		if (key == NULL) {
			kz_yaml_error(err, &doc, it, "missing 'key'");
			goto fail;
		}
		if (forms == NULL)
			goto fail;
		role = add_key(r, key);
		add_form(r, key, role, NULL);
		for (size_t k = 0; k < forms->n; k++) {
			const char *s = kz_yaml_str(forms->items[k]);

			if (s == NULL) {
				kz_yaml_error(err, &doc, forms->items[k],
				    "forms are strings");
				goto fail;
			}
			add_form(r, s, role, NULL);
		}
		as = kz_yaml_get(it, "resolve_as");
		for (size_t k = 0; as && k < as->n && k < 8; k++) {
			const char *other = kz_yaml_str(as->items[k]);

			if (other == NULL) {
				kz_yaml_error(err, &doc, as->items[k],
				    "resolve_as lists role keys");
				goto fail;
			}
			r->resolve_as[role][k] = (long)add_key(r, other);
		}
	}
	peri = kz_yaml_get(doc.root, "periphrases");
	for (size_t i = 0; peri && i < peri->n; i++) {
		static const char *const pk[] = { "form", "key", "of", NULL };
		const kz_yaml_node *it = peri->items[i];
		const char *fs, *key, *of;

		if (kz_yaml_only_keys(&doc, it, pk, err) != 0)
			goto fail;
		fs = kz_yaml_str(kz_yaml_get(it, "form"));
		key = kz_yaml_str(kz_yaml_get(it, "key"));
		of = kz_yaml_str(kz_yaml_get(it, "of"));
		if (!fs || !key || !of) {
			kz_yaml_error(err, &doc, it, "a periphrasis has form, key and of");
			goto fail;
		}
		add_form(r, fs, add_key(r, key), of);
	}
	cs = kz_yaml_require(&doc, doc.root, "complement_starts", KZ_YAML_SEQ, err);
	if (cs == NULL)
		goto fail;
	for (size_t i = 0; i < cs->n; i++) {
		const char *s = kz_yaml_str(cs->items[i]);
		char *key;
		size_t sp;

		if (s == NULL)
			continue;
		key = kz_key_of(f, s, NULL);
		sp = strcspn(key, " ");
		if (sp)
			kz_strmap_put(r->complement_first, key, sp, 1);
		free(key);
	}
	{
		const kz_yaml_node *ol = kz_yaml_require(&doc, doc.root,
		    "of_linkers", KZ_YAML_SEQ, err);

		if (ol == NULL)
			goto fail;
		for (size_t i = 0; i < ol->n; i++) {
			const char *s = kz_yaml_str(ol->items[i]);
			size_t nt;
			char *key;

			if (s == NULL)
				continue;
			key = kz_key_of(f, s, &nt);
			if (*key) {
				kz_strmap_put(r->of_linkers.index, key, strlen(key), 1);
				if (nt > r->max_linker_tokens)
					r->max_linker_tokens = nt;
			}
			free(key);
		}
	}
	if (load_modifiers(r, &doc, "prefixes", r->prefixes, err) != 0 ||
	    load_modifiers(r, &doc, "postmodifiers", r->postmodifiers, err) != 0 ||
	    load_list_into(r, &doc, "military_ranks", r->titles, err) != 0 ||
	    load_list_into(r, &doc, "civil_titles", r->titles, err) != 0 ||
	    load_list_into(r, &doc, "determiners", r->determiners, err) != 0)
		goto fail;
	hon = kz_yaml_require(&doc, doc.root, "honorifics", KZ_YAML_MAP, err);
	if (hon == NULL)
		goto fail;
	for (size_t i = 0; i < hon->n; i++) {
		const char *code = kz_yaml_str(kz_yaml_value(hon, i));

		if (code == NULL) {
			kz_yaml_error(err, &doc, kz_yaml_value(hon, i),
			    "an honorific maps to a code such as m-s");
			goto fail;
		}
		r->honorific_codes = kz_realloc(r->honorific_codes,
		    (r->nhonorifics + 1) * sizeof *r->honorific_codes);
		r->honorific_codes[r->nhonorifics] = kz_strdup(code);
		put_key(r, r->honorifics, kz_yaml_key(hon, i)->scalar,
		    (intptr_t)r->nhonorifics++);
		put_key(r, r->titles, kz_yaml_key(hon, i)->scalar, 1);
	}
	kz_strmap_fill_filter(r->determiners, &r->starts);
	kz_strmap_fill_filter(r->prefixes, &r->starts);
	kz_strmap_fill_filter(r->form_index, &r->starts);
	kz_strmap_fill_filter(r->form_prefixes, &r->starts);
	kz_strmap_fill_filter(r->form_index, &r->form_starts);
	kz_strmap_fill_filter(r->form_prefixes, &r->form_starts);
	kz_yaml_doc_release(&doc);
	return r;
fail:
	kz_yaml_doc_release(&doc);
	kz_roles_free(r);
	return NULL;
}

/* ------------------------------------------------------------ the cache
 *
 * What roles_build made, as bytes (buildcache.h): the keys with what each
 * resolves as, the forms, the modifiers, the honorific codes, two sizes,
 * the two start filters, then the maps in the order of `maps` below. */

/* Every member must be in the cached bytes: a member added to kz_roles
 * stops the build here until roles_to_bytes and roles_from_bytes have
 * it. */
_Static_assert(sizeof(struct kz_roles) ==
    2 * sizeof(void *) +                        /* g, folder */
    sizeof(char **) + sizeof(size_t) +          /* keys */
    sizeof(long (*)[8]) +                       /* resolve_as */
    sizeof(form *) + sizeof(size_t) +           /* forms */
    2 * sizeof(kz_strmap *) + sizeof(size_t) +  /* form maps, max */
    sizeof(kz_strmap *) + sizeof(kz_wordlist) + /* complements, linkers */
    2 * sizeof(kz_strmap *) + sizeof(modifier *) + sizeof(size_t) +
    2 * sizeof(kz_strmap *) + sizeof(char **) + sizeof(size_t) +
    sizeof(kz_strmap *) + sizeof(size_t) +      /* determiners, max */
    2 * sizeof(kz_hashfilter),
    "kz_roles changed: update roles_to_bytes, roles_from_bytes and ROLES_FORMAT");

#define ROLES_FORMAT 1

static kz_strmap **
roles_map_at(kz_roles *r, size_t i)
{
	kz_strmap **maps[] = { &r->form_index, &r->form_prefixes,
	    &r->complement_first, &r->prefixes, &r->postmodifiers, &r->titles,
	    &r->honorifics, &r->determiners, &r->of_linkers.index };

	return i < sizeof maps / sizeof *maps ? maps[i] : NULL;
}

static void
roles_to_bytes(const kz_roles *r, kz_buf *b)
{
	kz_bytes_put64(b, r->nkeys);
	for (size_t i = 0; i < r->nkeys; i++) {
		kz_bytes_put_str(b, r->keys[i]);
		for (size_t k = 0; k < 8; k++)
			kz_bytes_put64(b, (uint64_t)r->resolve_as[i][k]);
	}
	kz_bytes_put64(b, r->nforms);
	for (size_t i = 0; i < r->nforms; i++) {
		kz_bytes_put64(b, r->forms[i].role);
		kz_bytes_put64(b, r->forms[i].of != NULL);
		if (r->forms[i].of)
			kz_bytes_put_str(b, r->forms[i].of);
	}
	kz_bytes_put64(b, r->nmods);
	for (size_t i = 0; i < r->nmods; i++) {
		kz_bytes_put64(b, (uint64_t)r->mods[i].former);
		kz_bytes_put64(b, (uint64_t)r->mods[i].future);
	}
	kz_bytes_put64(b, r->nhonorifics);
	for (size_t i = 0; i < r->nhonorifics; i++)
		kz_bytes_put_str(b, r->honorific_codes[i]);
	kz_bytes_put64(b, r->max_form_tokens);
	kz_bytes_put64(b, r->max_linker_tokens);
	kz_buf_add(b, &r->starts, sizeof r->starts);
	kz_buf_add(b, &r->form_starts, sizeof r->form_starts);
	for (size_t i = 0; roles_map_at((kz_roles *)r, i); i++)
		kz_strmap_save(*roles_map_at((kz_roles *)r, i), b);
}

/* r (zeroed, g and folder set) from the bytes: 0, or -1 with r to be
 * freed by kz_roles_free. Every index is checked against what it
 * indexes. */
static int
roles_from_bytes(kz_roles *r, const unsigned char *p, size_t len)
{
	kz_bytes in = { p, p + len, 0 };
	uint64_t n;

	n = kz_bytes_get_count(&in, 8 + 64);
	r->keys = kz_calloc(n ? n : 1, sizeof *r->keys);
	r->resolve_as = kz_calloc(n ? n : 1, sizeof *r->resolve_as);
	for (; r->nkeys < n && !in.bad; r->nkeys++) {
		if ((r->keys[r->nkeys] = kz_bytes_get_str(&in)) == NULL)
			break;
		for (size_t k = 0; k < 8; k++)
			r->resolve_as[r->nkeys][k] = (long)kz_bytes_get64(&in);
	}
	for (size_t i = 0; i < r->nkeys; i++)
		for (size_t k = 0; k < 8; k++)
			if (r->resolve_as[i][k] < -1 ||
			    r->resolve_as[i][k] >= (long)r->nkeys)
				in.bad = 1;
	n = kz_bytes_get_count(&in, 16);
	r->forms = kz_calloc(n ? n : 1, sizeof *r->forms);
	for (; r->nforms < n && !in.bad; r->nforms++) {
		form *fm = &r->forms[r->nforms];

		fm->role = (size_t)kz_bytes_get64(&in);
		if (fm->role >= r->nkeys)
			in.bad = 1;
		if (kz_bytes_get64(&in) && (fm->of = kz_bytes_get_str(&in)) == NULL)
			break;
	}
	n = kz_bytes_get_count(&in, 16);
	r->mods = kz_calloc(n ? n : 1, sizeof *r->mods);
	for (; r->nmods < n && !in.bad; r->nmods++) {
		r->mods[r->nmods].former = kz_bytes_get64(&in) != 0;
		r->mods[r->nmods].future = kz_bytes_get64(&in) != 0;
	}
	n = kz_bytes_get_count(&in, 8);
	r->honorific_codes = kz_calloc(n ? n : 1, sizeof *r->honorific_codes);
	for (; r->nhonorifics < n && !in.bad; r->nhonorifics++)
		if ((r->honorific_codes[r->nhonorifics] =
		    kz_bytes_get_str(&in)) == NULL)
			break;
	r->max_form_tokens = (size_t)kz_bytes_get64(&in);
	r->max_linker_tokens = (size_t)kz_bytes_get64(&in);
	if (in.bad || (size_t)(in.end - in.p) < 2 * sizeof r->starts)
		return -1;
	memcpy(&r->starts, in.p, sizeof r->starts);
	memcpy(&r->form_starts, in.p + sizeof r->starts, sizeof r->form_starts);
	in.p += 2 * sizeof r->starts;
	for (size_t i = 0; roles_map_at(r, i); i++)
		if ((*roles_map_at(r, i) = kz_strmap_load(&in.p, in.end)) == NULL)
			return -1;
	if (in.p != in.end ||
	    !kz_strmap_values_below(r->form_index, (intptr_t)r->nforms) ||
	    !kz_strmap_values_below(r->prefixes, (intptr_t)r->nmods) ||
	    !kz_strmap_values_below(r->postmodifiers, (intptr_t)r->nmods) ||
	    !kz_strmap_values_below(r->honorifics, (intptr_t)r->nhonorifics))
		return -1;
	return 0;
}

kz_roles *
kz_roles_load(const char *path, const kz_gazetteer *g, const kz_folder *f,
    kz_error *err)
{
	const char *src[1] = { path };
	/* the file's bytes and those of the local files merged over it, the
	 * folding, the format */
	uint64_t v[3] = { ROLES_FORMAT, kz_gazcache_env_key(f) }, key = 0;
	int keyed = kz_buildcache_hash_rules(path, "rules/roles.yaml",
	    &v[2]) == 0;
	kz_buildcache_hit hit;
	kz_roles *r;

	if (keyed) {
		key = kz_xxh64(v, sizeof v, 0x726f6c6573);
		if (kz_buildcache_get("roles", src, 1, key, &hit) == 0) {
			r = kz_calloc(1, sizeof *r);
			r->g = g;
			r->folder = f;
			if (roles_from_bytes(r, hit.data, hit.len) == 0) {
				kz_buildcache_release(&hit);
				return r;
			}
			kz_buildcache_release(&hit);
			kz_roles_free(r);
		}
	}
	r = roles_build(path, g, f, err);
	/* of_linkers is used through its index only; a list with entries
	 * would need more than the index written */
	if (r && keyed && r->of_linkers.n == 0) {
		kz_buf b;

		kz_buf_init(&b);
		roles_to_bytes(r, &b);
		kz_buildcache_put("roles", src, 1, key, b.data, b.len);
		kz_buf_release(&b);
	}
	return r;
}

void
kz_roles_free(kz_roles *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nkeys; i++)
		free(r->keys[i]);
	free(r->keys);
	free(r->resolve_as);
	for (size_t i = 0; i < r->nforms; i++)
		free(r->forms[i].of);
	free(r->forms);
	for (size_t i = 0; i < r->nhonorifics; i++)
		free(r->honorific_codes[i]);
	free(r->honorific_codes);
	free(r->mods);
	kz_strmap_free(r->form_index);
	kz_strmap_free(r->form_prefixes);
	kz_strmap_free(r->complement_first);
	kz_strmap_free(r->prefixes);
	kz_strmap_free(r->postmodifiers);
	kz_strmap_free(r->titles);
	kz_strmap_free(r->honorifics);
	kz_strmap_free(r->determiners);
	kz_wordlist_release(&r->of_linkers);
	free(r);
}

int
kz_roles_is_form(const kz_roles *r, const char *key, size_t len)
{
	return kz_strmap_get(r->form_index, key, len, NULL);
}

int
kz_roles_is_determiner(const kz_roles *r, const char *key, size_t len)
{
	return kz_strmap_get(r->determiners, key, len, NULL);
}

int
kz_roles_is_linker(const kz_roles *r, const char *key, size_t len)
{
	return kz_strmap_get(r->complement_first, key, len, NULL);
}

const char *
kz_roles_honorific(const kz_roles *r, const char *key, size_t len)
{
	intptr_t i;

	if (kz_strmap_get(r->honorifics, key, len, &i))
		return r->honorific_codes[i];
	return NULL;
}

/* ------------------------------------------------------------ matching */

static const char *
tok_text(const kz_tokens *t, size_t i, size_t *len)
{
	*len = t->tok[i].fend - t->tok[i].fstart;
	return t->folded.text + t->tok[i].fstart;
}

static int
tok_in(const kz_strmap *m, const kz_tokens *t, size_t i, intptr_t *v)
{
	size_t len;
	const char *s;

	if (i >= t->n)
		return 0;
	s = tok_text(t, i, &len);
	return kz_strmap_get_hashed(m, s, len, t->tok[i].hash, v);
}

int
kz_roles_title_at(const kz_roles *r, const kz_tokens *t, size_t i)
{
	return tok_in(r->titles, t, i, NULL);
}

static const kz_entry *
demonym_at(const kz_roles *r, const kz_tokens *t, size_t i)
{
	size_t len;
	const char *s;

	if (i >= t->n)
		return NULL;
	s = tok_text(t, i, &len);
	return kz_gazetteer_demonym(r->g, s, len);
}

/* Longest role form from token i; a demonym may sit inside it, before a
 * complement ("ministre [allemande] des Affaires étrangères"). Returns the
 * number of tokens used (0: none); *fi the form, *dem the inserted
 * demonym's country or NULL. */
static size_t
match_form(const kz_roles *r, const kz_tokens *t, size_t i, size_t *fi,
    const kz_entry **dem)
{
	kz_buf key;
	size_t best = 0, j = i, used_tokens = 0;
	const kz_entry *skipped = NULL, *best_dem = NULL;

	/* most words start no role: say so before building any key */
	if (i >= t->n || !kz_hashfilter_maybe(&r->form_starts, t->tok[i].hash) ||
	    (!tok_in(r->form_index, t, i, NULL) &&
	    !tok_in(r->form_prefixes, t, i, NULL)))
		return 0;
	kz_buf_init(&key);
	while (j < t->n && used_tokens < r->max_form_tokens) {
		size_t len;
		const char *s;
		intptr_t v;

		if (j > i && !(t->tok[j - 1].flags & KZ_TOK_JOINS))
			break;
		/* skip one demonym when a complement follows */
		if (j > i && skipped == NULL && demonym_at(r, t, j) &&
		    tok_in(r->complement_first, t, j + 1, NULL) &&
		    (t->tok[j].flags & KZ_TOK_JOINS)) {
			size_t klen = key.len;
			size_t nlen;
			const char *next = tok_text(t, j + 1, &nlen);

			kz_buf_addc(&key, ' ');
			kz_buf_add(&key, next, nlen);
			if (kz_strmap_get(r->form_prefixes, key.data, key.len, NULL) ||
			    kz_strmap_get(r->form_index, key.data, key.len, NULL)) {
				key.len = klen;
				key.data[klen] = '\0';
				skipped = demonym_at(r, t, j);
				j++;
				continue;
			}
			key.len = klen;
			key.data[klen] = '\0';
		}
		s = tok_text(t, j, &len);
		if (j > i)
			kz_buf_addc(&key, ' ');
		kz_buf_add(&key, s, len);
		used_tokens++;
		j++;
		if (kz_strmap_get(r->form_index, key.data, key.len, &v)) {
			best = j - i;
			*fi = (size_t)v;
			best_dem = skipped;
		}
		if (!kz_strmap_get(r->form_prefixes, key.data, key.len, NULL))
			break;
	}
	kz_buf_release(&key);
	*dem = best_dem;
	return best;
}

/* After a form: "du Kremlin", "de l'ONU", "du Kazakhstan". Returns tokens
 * used and fills of. */
static size_t
match_of(const kz_roles *r, const kz_tokens *t, size_t i, char *of, size_t n)
{
	for (size_t k = r->max_linker_tokens; k >= 1; k--) {
		char *key;
		size_t len;
		kz_match m;
		int ok = 1;

		if (i + k >= t->n)
			continue;
		for (size_t q = i; q < i + k; q++)
			if (!(t->tok[q].flags & KZ_TOK_JOINS))
				ok = 0;
		if (!ok)
			continue;
		kz_tokens_key(t, i, i + k, &key, &len);
		ok = kz_strmap_get(r->of_linkers.index, key, len, NULL);
		free(key);
		if (!ok)
			continue;
		if (kz_gazetteer_match_at(r->g, t, i + k, &m)) {
			const kz_entry *e = kz_gazetteer_entry(r->g, m.cands[0].entry);

			if (e->code && e->kind && strcmp(e->kind, "country") == 0) {
				snprintf(of, n, "%s", e->code);
				return m.tok_end - i;
			}
			if (strcmp(e->type, "ORG") == 0) {
				snprintf(of, n, "%s", e->id);
				return m.tok_end - i;
			}
		}
	}
	return 0;
}

/* Did e hold role (of anything) on date, or before it with former? */
static int
entry_held(const kz_entry *e, const char *role, int32_t date, int former)
{
	for (size_t i = 0; i < e->nroles; i++) {
		const kz_role *ro = &e->roles[i];

		if (strcmp(ro->title, role) != 0)
			continue;
		if (former ? (ro->to != 0 && ro->to <= date) :
		    ((ro->from == 0 || ro->from <= date) &&
		    (ro->to == 0 || date < ro->to)))
			return 1;
	}
	return 0;
}

/* The persons an article names, each once, in the order of their first
 * mention, with how often it names them. Built once per article, so that
 * resolving a role costs the number of persons, not of mentions (it was
 * mentions squared per role: cubic in a long text). */
typedef struct people_set {
	size_t *entry;
	size_t *mentions;
	size_t n;
} people_set;

typedef struct first_seen {
	size_t entry, at, mentions;
} first_seen;

static int
by_entry_then_at(const void *a, const void *b)
{
	const first_seen *x = a, *y = b;

	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

static int
by_at(const void *a, const void *b)
{
	const first_seen *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

/* Sorting by person, then back into text order: n log n, once. */
static void
people_set_build(people_set *ps, const size_t *people, size_t npeople)
{
	first_seen *fs = kz_malloc((npeople + 1) * sizeof *fs);
	size_t n = 0;

	for (size_t i = 0; i < npeople; i++) {
		fs[i].entry = people[i];
		fs[i].at = i;
		fs[i].mentions = 1;
	}
	qsort(fs, npeople, sizeof *fs, by_entry_then_at);
	for (size_t i = 0; i < npeople; i++) {
		if (n > 0 && fs[n - 1].entry == fs[i].entry)
			fs[n - 1].mentions++;   /* the row keeps its first mention */
		else
			fs[n++] = fs[i];
	}
	qsort(fs, n, sizeof *fs, by_at);
	ps->entry = kz_malloc((n + 1) * sizeof *ps->entry);
	ps->mentions = kz_malloc((n + 1) * sizeof *ps->mentions);
	ps->n = n;
	for (size_t i = 0; i < n; i++) {
		ps->entry[i] = fs[i].entry;
		ps->mentions[i] = fs[i].mentions;
	}
	free(fs);
}

static void
people_set_release(people_set *ps)
{
	free(ps->entry);
	free(ps->mentions);
}

static int
people_set_has(const people_set *ps, long e)
{
	for (size_t p = 0; p < ps->n; p++)
		if ((long)ps->entry[p] == e)
			return 1;
	return 0;
}

static long resolve_key(const kz_roles *r, const char *role, const char *of,
    int former, int32_t date, const people_set *ps);

/* "le ministre français", "la ministre": a generic role stands for any
 * of its portfolios (the keys it starts: "ministre des affaires
 * étrangères"). Only a person the article names, and only one. */
static long
named_with_portfolio(const kz_roles *r, const char *role, const char *of,
    int former, int32_t date, const people_set *ps)
{
	size_t rl = strlen(role);
	long found = -1;

	for (size_t p = 0; p < ps->n; p++) {
		const kz_entry *e = kz_gazetteer_entry(r->g, ps->entry[p]);

		for (size_t i = 0; i < e->nroles; i++) {
			const kz_role *ro = &e->roles[i];

			if (strncmp(ro->title, role, rl) != 0 || ro->title[rl] != ' ' ||
			    (of && (ro->of == NULL || strcmp(ro->of, of) != 0)))
				continue;
			if (!(former ? (ro->to != 0 && ro->to <= date) :
			    ((ro->from == 0 || ro->from <= date) &&
			    (ro->to == 0 || date < ro->to))))
				continue;
			if (found >= 0 && found != (long)ps->entry[p])
				return -1;      /* two of them: say nothing */
			found = (long)ps->entry[p];
		}
	}
	return found;
}

static long
resolve_set(const kz_roles *r, const char *role, const char *of,
    int former, int32_t date, const people_set *ps)
{
	long e = resolve_key(r, role, of, former, date, ps);
	long named = named_with_portfolio(r, role, of, former, date, ps);
	int e_named = e >= 0 && people_set_has(ps, e);

	/* a minister the article names before one it does not */
	if (named >= 0 && (e < 0 || !e_named))
		return named;
	if (e >= 0)
		return e;
	/* "le dirigeant bélarusse": try the offices the title stands for */
	for (size_t k = 0; k < r->nkeys; k++) {
		if (strcmp(r->keys[k], role) != 0)
			continue;
		for (size_t a = 0; a < 8 && r->resolve_as[k][a] >= 0; a++) {
			e = resolve_key(r, r->keys[r->resolve_as[k][a]], of, former,
			    date, ps);
			if (e >= 0)
				return e;
		}
	}
	return -1;
}

long
kz_roles_resolve(const kz_roles *r, const char *role, const char *of,
    int former, int32_t date, const size_t *people, size_t npeople)
{
	people_set ps;
	long e;

	people_set_build(&ps, people, npeople);
	e = resolve_set(r, role, of, former, date, &ps);
	people_set_release(&ps);
	return e;
}

static long
resolve_key(const kz_roles *r, const char *role, const char *of,
    int former, int32_t date, const people_set *ps)
{
	size_t out[16], n;

	if (of && *of) {
		n = kz_gazetteer_holders(r->g, role, of, date, former, out, 16);
		if (n >= 1 && (n == 1 || former))
			return (long)out[0];
		/* several holders: one the text names, else the latest
		 * appointed (two sources disagree; the newer is likelier right) */
		for (size_t i = 0; i < n; i++)
			if (people_set_has(ps, (long)out[i]))
				return (long)out[i];
		{
			long best = -1;
			int32_t best_from = -1;

			for (size_t i = 0; i < n; i++) {
				const kz_entry *e = kz_gazetteer_entry(r->g, out[i]);

				for (size_t k = 0; k < e->nroles; k++)
					if (strcmp(e->roles[k].title, role) == 0 &&
					    e->roles[k].of && strcmp(e->roles[k].of, of) == 0 &&
					    e->roles[k].from > best_from) {
						best_from = e->roles[k].from;
						best = (long)out[i];
					}
			}
			return best;
		}
	}
	/* no "of": only a person the article names who held the role; of
	 * several, the one it names at least twice as often as any other
	 * ("le président" in an article about Maduro that names Lula once). */
	{
		long best = -1;
		size_t best_n = 0, second_n = 0;

		for (size_t p = 0; p < ps->n; p++) {
			const kz_entry *e = kz_gazetteer_entry(r->g, ps->entry[p]);
			size_t mentions = ps->mentions[p];

			if (!entry_held(e, role, date, former))
				continue;
			if (mentions > best_n) {
				second_n = best_n;
				best_n = mentions;
				best = (long)ps->entry[p];
			} else if (mentions > second_n)
				second_n = mentions;
		}
		return best_n >= 2 * second_n || second_n == 0 ? best : -1;
	}
}

/* Match a description at token i (after any determiner and prefix). */
static size_t
describe_at(const kz_roles *r, const kz_tokens *t, size_t i, kz_mention *m)
{
	size_t fi, used, j;
	const kz_entry *dem = NULL;
	intptr_t mod;

	used = match_form(r, t, i, &fi, &dem);
	if (used == 0)
		return 0;
	j = i + used;
	m->role = r->keys[r->forms[fi].role];
	m->of[0] = '\0';
	if (dem && dem->code)
		snprintf(m->of, sizeof m->of, "%s", dem->code);
	if (!m->of[0] && (t->tok[j - 1].flags & KZ_TOK_JOINS)) {
		const kz_entry *d = demonym_at(r, t, j);

		if (d && d->code) {
			snprintf(m->of, sizeof m->of, "%s", d->code);
			j++;
		} else {
			j += match_of(r, t, j, m->of, sizeof m->of);
		}
	}
	/* a periphrasis names what it is of, unless the text says otherwise */
	if (!m->of[0] && r->forms[fi].of)
		snprintf(m->of, sizeof m->of, "%s", r->forms[fi].of);
	/* "le président élu", "d'alors" */
	if (j < t->n && (t->tok[j - 1].flags & KZ_TOK_JOINS) &&
	    tok_in(r->postmodifiers, t, j, &mod)) {
		if (r->mods[mod].former)
			m->former = 1;
		if (r->mods[mod].future)
			m->future = 1;
		j++;
	}
	return j - i;
}

int
kz_roles_describe(const kz_roles *r, const kz_tokens *t, size_t from,
    size_t to, kz_mention *m)
{
	size_t i = from, used;
	intptr_t mod;

	memset(m, 0, sizeof *m);
	m->entry = -1;
	if (tok_in(r->determiners, t, i, NULL))
		i++;
	while (i < to && tok_in(r->prefixes, t, i, &mod)) {
		m->former |= r->mods[mod].former;
		i++;
	}
	used = describe_at(r, t, i, m);
	if (used == 0)
		return 0;
	m->tok_start = from;
	m->tok_end = i + used;
	return 1;
}

static int
line_start(const kz_tokens *t, size_t i)
{
	size_t s = t->tok[i].sstart;

	while (s > 0 && (t->src[s - 1] == ' ' || t->src[s - 1] == '\t'))
		s--;
	return s == 0 || t->src[s - 1] == '\n';
}

/* "le président élu": never the holder of the day, but a person the
 * article names who takes the role within the year after the date. */
static long
next_holder(const kz_roles *r, const char *role, const char *of,
    int32_t date, const people_set *ps)
{
	long best = -1;
	int32_t best_from = 0;

	for (size_t p = 0; p < ps->n; p++) {
		const kz_entry *e = kz_gazetteer_entry(r->g, ps->entry[p]);

		for (size_t k = 0; k < e->nroles; k++) {
			const kz_role *ro = &e->roles[k];

			if (strcmp(ro->title, role) != 0 || ro->from <= date ||
			    ro->from > date + 10000 ||
			    (of && (ro->of == NULL || strcmp(ro->of, of) != 0)))
				continue;
			if (best < 0 || ro->from < best_from) {
				best = (long)ps->entry[p];
				best_from = ro->from;
			}
		}
	}
	return best;
}

/* After a whole description, "de la conférence", "du comité", "des
 * négociations": a complement in lower case says what the title is of. */
static int
complement_follows(const kz_tokens *t, size_t e)
{
	size_t c = e + 1;

	if (e == 0 || c >= t->n || !(t->tok[e - 1].flags & KZ_TOK_JOINS) ||
	    !(t->tok[e].flags & KZ_TOK_JOINS))
		return 0;
	if (kz_token_is(t, e, "de") && (kz_token_is(t, c, "la") ||
	    kz_token_is(t, c, "l")) && c + 1 < t->n &&
	    (t->tok[c].flags & KZ_TOK_JOINS))
		c++;
	else if (!kz_token_is(t, e, "du") && !kz_token_is(t, e, "des"))
		return 0;
	return !(t->tok[c].flags & (KZ_TOK_UPPER | KZ_TOK_DIGIT)) &&
	    t->tok[c].fend - t->tok[c].fstart >= 4;
}

/* What each (role, of, former, future) resolved to in this article: the
 * answer depends on nothing else, and a live blog repeats "le président"
 * thousands of times. */
typedef struct resolved {
	kz_strmap *answers;     /* key -> entry + 1 (0: nobody) */
	kz_buf key;
} resolved;

static void
memo_init(resolved *m)
{
	m->answers = kz_strmap_new();
	kz_buf_init(&m->key);
}

static void
memo_release(resolved *m)
{
	kz_strmap_free(m->answers);
	kz_buf_release(&m->key);
}

static long
memo_resolve(resolved *m, const kz_roles *r, const char *role,
    const char *of, int former, int future, int32_t date,
    const people_set *ps)
{
	intptr_t v;
	long e;

	kz_buf_reset(&m->key);
	kz_buf_addf(&m->key, "%s\x1f%s\x1f%d%d", role, of ? of : "",
	    former, future);
	if (kz_strmap_get(m->answers, m->key.data, m->key.len, &v))
		return (long)v - 1;
	e = future ? next_holder(r, role, of, date, ps) :
	    resolve_set(r, role, of, former, date, ps);
	kz_strmap_put(m->answers, m->key.data, m->key.len, (intptr_t)(e + 1));
	return e;
}

kz_mention *
kz_roles_find(const kz_roles *r, const kz_tokens *t, const size_t *people,
    size_t npeople, const char *context_country, int32_t date, size_t *n)
{
	kz_mention *out = NULL;
	size_t cap = 0;
	people_set ps;
	resolved memo;

	people_set_build(&ps, people, npeople);
	memo_init(&memo);
	*n = 0;
	for (size_t i = 0; i < t->n; i++) {
		kz_mention m;
		size_t j = i, used;
		int det = 0, of_complement;
		intptr_t mod;

		if (!kz_hashfilter_maybe(&r->starts, t->tok[i].hash))
			continue;
		memset(&m, 0, sizeof m);
		m.entry = -1;
		if (tok_in(r->determiners, t, j, NULL) &&
		    (t->tok[j].flags & KZ_TOK_JOINS)) {
			det = 1;
			j++;
		}
		while (j < t->n && tok_in(r->prefixes, t, j, &mod) &&
		    (t->tok[j].flags & KZ_TOK_JOINS)) {
			m.former |= r->mods[mod].former;
			j++;
		}
		used = describe_at(r, t, j, &m);
		if (used == 0)
			continue;
		/* without a determiner only a title line ("Président kazakh",
		 * under a pull quote) is a description: capitalised, alone at
		 * the start of its line */
		if (!det && !((t->tok[i].flags & KZ_TOK_UPPER) &&
		    line_start(t, i) && m.of[0]))
			continue;
		m.determiner = det;
		m.tok_start = i;
		m.tok_end = j + used;
		/* "le président émirati de la conférence": a title of what the
		 * complement names, not of the country; nobody the gazetteers
		 * know, though a name apposed to it still says who */
		of_complement = complement_follows(t, m.tok_end);
		if (of_complement) {
			m.of[0] = '\0';
		} else if (!m.of[0] && context_country &&
		    !(t->tok[m.tok_end - 1].flags & KZ_TOK_UPPER)) {
			/* "le chef de l'État" in an article about one country */
			long e = memo_resolve(&memo, r, m.role, NULL, m.former, 0,
			    date, &ps);

			if (e < 0) {
				snprintf(m.of, sizeof m.of, "%s", context_country);
				m.by_context = 1;
			}
		}
		/* "un conseiller", "une source diplomatique": nobody in
		 * particular */
		if (of_complement || kz_token_is(t, i, "un") ||
		    kz_token_is(t, i, "une") || kz_token_is(t, i, "des"))
			m.entry = -1;
		else if (m.future)
			m.entry = memo_resolve(&memo, r, m.role, m.of[0] ? m.of :
			    NULL, 0, 1, date, &ps);
		else
			m.entry = memo_resolve(&memo, r, m.role, m.of[0] ? m.of :
			    NULL, m.former, 0, date, &ps);
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			out = kz_realloc(out, cap * sizeof *out);
		}
		out[(*n)++] = m;
		i = m.tok_end - 1;
	}
	memo_release(&memo);
	people_set_release(&ps);
	return out;
}
