#include "gazetteer.h"

#include "buf.h"
#include "strmap.h"
#include "yamltree.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cand_list {
	kz_candidate *c;
	size_t n;
} cand_list;

struct kz_gazetteer {
	const kz_folder *folder;
	kz_entry *entries;
	size_t n, cap;
	kz_strmap *ids;         /* id -> entry */
	kz_strmap *keys;        /* token key -> cand_list index */
	cand_list *lists;
	size_t nlists, caplists;
	kz_strmap *prefixes;    /* proper token prefixes of keys */
	kz_strmap *demonyms;    /* demonym key -> entry */
	kz_strmap *codes;       /* country code -> entry */
	size_t max_tokens;
};

int32_t
kz_date_parse(const char *s)
{
	int y = 0, m = 1, d = 1, n = 0;
	size_t len;

	if (s == NULL)
		return -1;
	len = strlen(s);
	if (len == 4 && sscanf(s, "%4d%n", &y, &n) == 1 && n == 4)
		;
	else if (len == 7 && sscanf(s, "%4d-%2d%n", &y, &m, &n) == 2 && n == 7)
		;
	else if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 &&
	    n == 10)
		;
	else
		return -1;
	if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	return y * 10000 + m * 100 + d;
}

static void
surface_free(kz_surface *s)
{
	free(s->text);
	free(s->key);
}

static void
entry_free(kz_entry *e)
{
	free(e->id); free(e->type); free(e->name); free(e->preferred);
	free(e->wikidata); free(e->kind); free(e->code); free(e->country);
	free(e->capital); free(e->nationality); free(e->file);
	for (size_t i = 0; i < e->nroles; i++) {
		free(e->roles[i].title);
		free(e->roles[i].of);
	}
	free(e->roles);
	for (size_t i = 0; i < e->ndemonyms; i++)
		free(e->demonyms[i]);
	free(e->demonyms);
	for (size_t i = 0; i < e->nsurfaces; i++)
		surface_free(&e->surfaces[i]);
	free(e->surfaces);
}

void
kz_gazetteer_free(kz_gazetteer *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->n; i++)
		entry_free(&g->entries[i]);
	free(g->entries);
	for (size_t i = 0; i < g->nlists; i++)
		free(g->lists[i].c);
	free(g->lists);
	kz_strmap_free(g->ids);
	kz_strmap_free(g->keys);
	kz_strmap_free(g->prefixes);
	kz_strmap_free(g->demonyms);
	kz_strmap_free(g->codes);
	free(g);
}

static kz_gazetteer *
gazetteer_new(const kz_folder *f)
{
	kz_gazetteer *g = kz_calloc(1, sizeof *g);

	g->folder = f;
	g->ids = kz_strmap_new();
	g->keys = kz_strmap_new();
	g->prefixes = kz_strmap_new();
	g->demonyms = kz_strmap_new();
	g->codes = kz_strmap_new();
	return g;
}

/* ------------------------------------------------------------ loading */

static int
get_string(const kz_yaml_doc *doc, const kz_yaml_node *map, const char *key,
    int required, char **out, kz_error *err)
{
	const kz_yaml_node *v = kz_yaml_get(map, key);

	*out = NULL;
	if (v == NULL || (kz_yaml_is_null(v) && !required)) {
		if (required)
			return kz_yaml_error(err, doc, map, "missing key '%s'", key);
		return 0;
	}
	if (v->kind != KZ_YAML_SCALAR || v->scalar[0] == '\0')
		return kz_yaml_error(err, doc, v, "'%s' must be a non-empty string",
		    key);
	*out = kz_strdup(v->scalar);
	return 0;
}

static int
get_date(const kz_yaml_doc *doc, const kz_yaml_node *map, const char *key,
    int32_t *out, kz_error *err)
{
	const kz_yaml_node *v = kz_yaml_get(map, key);

	*out = 0;
	if (v == NULL || kz_yaml_is_null(v))
		return 0;
	*out = kz_date_parse(kz_yaml_str(v));
	if (*out < 0)
		return kz_yaml_error(err, doc, v, "'%s' must be a date YYYY-MM-DD",
		    key);
	return 0;
}

static void
add_surface(kz_gazetteer *g, kz_entry *e, const char *text, int32_t from,
    int32_t to, int acronym)
{
	kz_surface *s;
	kz_tokens t;

	e->surfaces = kz_realloc(e->surfaces, (e->nsurfaces + 1) * sizeof *s);
	s = &e->surfaces[e->nsurfaces++];
	memset(s, 0, sizeof *s);
	s->text = kz_strdup(text);
	s->from = from;
	s->to = to;
	s->acronym = acronym;
	kz_tokens_init(&t, g->folder, text, strlen(text));
	for (size_t i = 0; i < t.n && i < 32; i++)
		if (t.tok[i].flags & KZ_TOK_UPPER)
			s->caps |= 1u << i;
	{
		size_t len;

		kz_tokens_key(&t, 0, t.n, &s->key, &len);
	}
	s->ntokens = t.n;
	kz_tokens_release(&t);
}

static int
load_surfaces(kz_gazetteer *g, const kz_yaml_doc *doc, const kz_yaml_node *map,
    kz_entry *e, const char *key, int acronym, kz_error *err)
{
	const kz_yaml_node *v = kz_yaml_get(map, key);

	if (v == NULL || kz_yaml_is_null(v))
		return 0;
	if (v->kind != KZ_YAML_SEQ)
		return kz_yaml_error(err, doc, v, "'%s' must be a list", key);
	for (size_t i = 0; i < v->n; i++) {
		const kz_yaml_node *it = v->items[i];
		static const char *const known[] = { "name", "from", "to", "note", NULL };
		int32_t from = 0, to = 0;
		char *name = NULL;

		if (it->kind == KZ_YAML_SCALAR) {
			if (it->scalar[0] == '\0')
				return kz_yaml_error(err, doc, it, "empty %s entry", key);
			add_surface(g, e, it->scalar, 0, 0, acronym);
			continue;
		}
		if (it->kind != KZ_YAML_MAP)
			return kz_yaml_error(err, doc, it, "a %s entry is a string or"
			    " {name, from, to}", key);
		if (kz_yaml_only_keys(doc, it, known, err) != 0 ||
		    get_string(doc, it, "name", 1, &name, err) != 0 ||
		    get_date(doc, it, "from", &from, err) != 0 ||
		    get_date(doc, it, "to", &to, err) != 0) {
			free(name);
			return -1;
		}
		add_surface(g, e, name, from, to, acronym);
		free(name);
	}
	return 0;
}

static int
load_roles(const kz_yaml_doc *doc, const kz_yaml_node *map, kz_entry *e,
    kz_error *err)
{
	static const char *const known[] = { "title", "of", "from", "to", "note", NULL };
	const kz_yaml_node *v = kz_yaml_get(map, "roles");

	if (v == NULL || kz_yaml_is_null(v))
		return 0;
	if (v->kind != KZ_YAML_SEQ)
		return kz_yaml_error(err, doc, v, "'roles' must be a list");
	e->roles = kz_calloc(v->n, sizeof *e->roles);
	for (size_t i = 0; i < v->n; i++) {
		kz_role *r = &e->roles[e->nroles];

		if (kz_yaml_only_keys(doc, v->items[i], known, err) != 0)
			return -1;
		e->nroles++;
		if (get_string(doc, v->items[i], "title", 1, &r->title, err) != 0 ||
		    get_string(doc, v->items[i], "of", 0, &r->of, err) != 0 ||
		    get_date(doc, v->items[i], "from", &r->from, err) != 0 ||
		    get_date(doc, v->items[i], "to", &r->to, err) != 0)
			return -1;
	}
	return 0;
}

static int
load_entry(kz_gazetteer *g, const kz_yaml_doc *doc, const kz_yaml_node *map,
    kz_error *err)
{
	static const char *const known[] = {
		"id", "type", "name", "wikidata", "variants", "acronyms",
		"preferred", "note", "gender", "nationality", "roles", "kind",
		"code", "country", "capital", "demonyms", NULL
	};
	kz_entry *e;
	char *gender = NULL;
	const kz_yaml_node *dem;

	if (map->kind != KZ_YAML_MAP)
		return kz_yaml_error(err, doc, map, "a gazetteer entry must be a"
		    " mapping (id, type, name, ...)");
	if (kz_yaml_only_keys(doc, map, known, err) != 0)
		return -1;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 256;
		g->entries = kz_realloc(g->entries, g->cap * sizeof *g->entries);
	}
	e = &g->entries[g->n++];
	memset(e, 0, sizeof *e);
	e->file = kz_strdup(doc->name);
	e->line = map->line;
	if (get_string(doc, map, "id", 1, &e->id, err) != 0 ||
	    get_string(doc, map, "type", 1, &e->type, err) != 0 ||
	    get_string(doc, map, "name", 1, &e->name, err) != 0 ||
	    get_string(doc, map, "preferred", 0, &e->preferred, err) != 0 ||
	    get_string(doc, map, "wikidata", 0, &e->wikidata, err) != 0 ||
	    get_string(doc, map, "kind", 0, &e->kind, err) != 0 ||
	    get_string(doc, map, "code", 0, &e->code, err) != 0 ||
	    get_string(doc, map, "country", 0, &e->country, err) != 0 ||
	    get_string(doc, map, "capital", 0, &e->capital, err) != 0 ||
	    get_string(doc, map, "nationality", 0, &e->nationality, err) != 0 ||
	    get_string(doc, map, "gender", 0, &gender, err) != 0)
		return -1;
	if (strcmp(e->type, "PER") && strcmp(e->type, "LOC") &&
	    strcmp(e->type, "ORG") && strcmp(e->type, "MISC"))
		return kz_yaml_error(err, doc, kz_yaml_get(map, "type"),
		    "type must be PER, LOC, ORG or MISC, not '%s'", e->type);
	if (gender) {
		if (strcmp(gender, "m") && strcmp(gender, "f")) {
			kz_yaml_error(err, doc, kz_yaml_get(map, "gender"),
			    "gender must be m or f");
			free(gender);
			return -1;
		}
		e->gender = gender[0];
		free(gender);
	}
	{
		intptr_t prev;

		if (kz_strmap_get(g->ids, e->id, strlen(e->id), &prev))
			return kz_yaml_error(err, doc, kz_yaml_get(map, "id"),
			    "duplicate id '%s' (first defined at %s:%ld)", e->id,
			    g->entries[prev].file, g->entries[prev].line);
		kz_strmap_put(g->ids, e->id, strlen(e->id), (intptr_t)(g->n - 1));
	}
	add_surface(g, e, e->name, 0, 0, 0);
	if (e->preferred)
		add_surface(g, e, e->preferred, 0, 0, 0);
	if (load_surfaces(g, doc, map, e, "variants", 0, err) != 0 ||
	    load_surfaces(g, doc, map, e, "acronyms", 1, err) != 0 ||
	    load_roles(doc, map, e, err) != 0)
		return -1;
	dem = kz_yaml_get(map, "demonyms");
	if (dem && !kz_yaml_is_null(dem)) {
		if (dem->kind != KZ_YAML_SEQ)
			return kz_yaml_error(err, doc, dem, "'demonyms' must be a list");
		e->demonyms = kz_calloc(dem->n, sizeof *e->demonyms);
		for (size_t i = 0; i < dem->n; i++) {
			const char *s = kz_yaml_str(dem->items[i]);

			if (s == NULL || *s == '\0')
				return kz_yaml_error(err, doc, dem->items[i],
				    "demonyms are non-empty strings");
			e->demonyms[e->ndemonyms++] = kz_strdup(s);
		}
	}
	return 0;
}

static int
load_file(kz_gazetteer *g, const char *path, kz_error *err)
{
	kz_yaml_doc doc;
	int rc = 0;

	if (kz_yaml_load_file(path, &doc, err) != 0)
		return -1;
	if (doc.root == NULL) {
		kz_yaml_doc_release(&doc);
		return 0;
	}
	if (doc.root->kind != KZ_YAML_SEQ) {
		rc = kz_yaml_error(err, &doc, doc.root,
		    "a gazetteer file is a list of entries");
	} else {
		for (size_t i = 0; i < doc.root->n && rc == 0; i++)
			rc = load_entry(g, &doc, doc.root->items[i], err);
	}
	kz_yaml_doc_release(&doc);
	return rc;
}

static void
index_surface(kz_gazetteer *g, uint32_t ei, uint32_t si)
{
	const kz_surface *s = &g->entries[ei].surfaces[si];
	size_t len = strlen(s->key);
	intptr_t li;
	cand_list *l;

	/* a name has a capital somewhere: "forces armées russes" is a phrase,
	 * not a name, and would fire on every lower-case mention (a lower-case
	 * acronym such as "dpa" matches only as written, see case_fits) */
	if (len == 0 || (s->caps == 0 && !s->acronym))
		return;
	if (!kz_strmap_get(g->keys, s->key, len, &li)) {
		if (g->nlists == g->caplists) {
			g->caplists = g->caplists ? g->caplists * 2 : 1024;
			g->lists = kz_realloc(g->lists, g->caplists * sizeof *g->lists);
		}
		li = (intptr_t)g->nlists++;
		g->lists[li].c = NULL;
		g->lists[li].n = 0;
		kz_strmap_put(g->keys, s->key, len, li);
	}
	l = &g->lists[li];
	/* one entry listed twice under one key (name == preferred) counts once */
	for (size_t i = 0; i < l->n; i++)
		if (l->c[i].entry == ei)
			return;
	l->c = kz_realloc(l->c, (l->n + 1) * sizeof *l->c);
	l->c[l->n].entry = ei;
	l->c[l->n].surface = si;
	l->n++;
	for (size_t i = 0; i < len; i++)
		if (s->key[i] == ' ')
			kz_strmap_put(g->prefixes, s->key, i, 1);
	if (s->ntokens > g->max_tokens)
		g->max_tokens = s->ntokens;
}

/* "République du Kazakhstan" ends with the place's own name: the name is
 * what gets tagged (a title such as "Président de la République" may own
 * the words before it). */
static int
long_form_of_place(const kz_entry *e, const kz_surface *s)
{
	const char *name = e->surfaces[0].key;
	size_t a = strlen(s->key), b = strlen(name);

	return strcmp(e->type, "LOC") == 0 && a > b + 1 &&
	    strcmp(s->key + a - b, name) == 0 && s->key[a - b - 1] == ' ';
}

static void
build_index(kz_gazetteer *g)
{
	for (uint32_t i = 0; i < g->n; i++) {
		kz_entry *e = &g->entries[i];

		for (uint32_t s = 0; s < e->nsurfaces; s++)
			if (!long_form_of_place(e, &e->surfaces[s]))
				index_surface(g, i, s);
		for (size_t d = 0; d < e->ndemonyms; d++) {
			char *key = kz_key_of(g->folder, e->demonyms[d], NULL);

			if (!kz_strmap_get(g->demonyms, key, strlen(key), NULL))
				kz_strmap_put(g->demonyms, key, strlen(key), (intptr_t)i);
			free(key);
		}
		if (e->code && e->kind && strcmp(e->kind, "country") == 0)
			kz_strmap_put(g->codes, e->code, strlen(e->code), (intptr_t)i);
	}
}

kz_gazetteer *
kz_gazetteer_load_files(const char *const *paths, size_t n, const kz_folder *f,
    kz_error *err)
{
	kz_gazetteer *g = gazetteer_new(f);

	for (size_t i = 0; i < n; i++)
		if (load_file(g, paths[i], err) != 0) {
			kz_gazetteer_free(g);
			return NULL;
		}
	build_index(g);
	return g;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

kz_gazetteer *
kz_gazetteer_load_dir(const char *dir, const kz_folder *f, kz_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **paths = NULL;
	size_t n = 0;
	kz_gazetteer *g;

	if (d == NULL) {
		kz_error_set(err, dir, 0, 0, "cannot open the gazetteer folder");
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		kz_buf p;

		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0 ||
		    de->d_name[0] == '.')
			continue;
		kz_buf_init(&p);
		kz_buf_addf(&p, "%s/%s", dir, de->d_name);
		paths = kz_realloc(paths, (n + 1) * sizeof *paths);
		paths[n++] = kz_buf_detach(&p, NULL);
	}
	closedir(d);
	if (n > 1)
		qsort(paths, n, sizeof *paths, compare_names);
	g = kz_gazetteer_load_files((const char *const *)paths, n, f, err);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return g;
}

/* ------------------------------------------------------------ queries */

size_t
kz_gazetteer_size(const kz_gazetteer *g)
{
	return g->n;
}

const kz_entry *
kz_gazetteer_entry(const kz_gazetteer *g, size_t i)
{
	return i < g->n ? &g->entries[i] : NULL;
}

const kz_entry *
kz_gazetteer_by_id(const kz_gazetteer *g, const char *id)
{
	intptr_t i;

	if (id && kz_strmap_get(g->ids, id, strlen(id), &i))
		return &g->entries[i];
	return NULL;
}

const kz_entry *
kz_gazetteer_demonym(const kz_gazetteer *g, const char *key, size_t len)
{
	intptr_t i;

	if (kz_strmap_get(g->demonyms, key, len, &i))
		return &g->entries[i];
	return NULL;
}

const kz_entry *
kz_gazetteer_country(const kz_gazetteer *g, const char *code)
{
	intptr_t i;

	if (code && kz_strmap_get(g->codes, code, strlen(code), &i))
		return &g->entries[i];
	return NULL;
}

/* A name written with capitals needs them in the text too. */
static int
case_fits(const kz_tokens *t, size_t i, const kz_surface *s)
{
	for (size_t k = 0; k < s->ntokens && k < 32; k++) {
		uint32_t fl = t->tok[i + k].flags;

		if ((s->caps & (1u << k)) && !(fl & KZ_TOK_UPPER))
			return 0;
		/* an acronym must be written as one: OTSC or Otsc, not otsc */
		if (s->acronym && s->caps && !(fl & KZ_TOK_UPPER))
			return 0;
	}
	/* a lower-case acronym ("dpa") only as written, never "Dpa" or a word */
	if (s->acronym && s->caps == 0) {
		const kz_token *a = &t->tok[i], *z = &t->tok[i + s->ntokens - 1];

		return z->send - a->sstart == strlen(s->text) &&
		    memcmp(t->src + a->sstart, s->text, strlen(s->text)) == 0;
	}
	return 1;
}

size_t
kz_gazetteer_match_at(const kz_gazetteer *g, const kz_tokens *t, size_t i,
    kz_match *m)
{
	kz_buf key;
	size_t best = 0;

	if (i >= t->n)
		return 0;
	kz_buf_init(&key);
	for (size_t j = i; j < t->n && j - i < g->max_tokens; j++) {
		intptr_t li;

		if (j > i) {
			if (!(t->tok[j - 1].flags & KZ_TOK_JOINS))
				break;
			kz_buf_addc(&key, ' ');
		}
		kz_buf_add(&key, t->folded.text + t->tok[j].fstart,
		    t->tok[j].fend - t->tok[j].fstart);
		if (kz_strmap_get(g->keys, key.data, key.len, &li)) {
			cand_list *l = &g->lists[li];
			size_t ok = 0;

			for (size_t c = 0; c < l->n; c++)
				if (case_fits(t, i, &g->entries[l->c[c].entry]
				    .surfaces[l->c[c].surface]))
					ok++;
			if (ok) {
				best = j + 1 - i;
				m->tok_start = i;
				m->tok_end = j + 1;
				m->cands = l->c;
				m->ncands = l->n;
			}
		}
		if (!kz_strmap_get(g->prefixes, key.data, key.len, NULL))
			break;
	}
	kz_buf_release(&key);
	return best;
}

size_t
kz_gazetteer_holders(const kz_gazetteer *g, const char *title, const char *of,
    int32_t date, int former, size_t *out, size_t max)
{
	size_t n = 0;
	int32_t best_end[16];

	for (size_t i = 0; i < g->n && n < max && n < 16; i++) {
		const kz_entry *e = &g->entries[i];

		for (size_t r = 0; r < e->nroles; r++) {
			const kz_role *ro = &e->roles[r];
			int held;

			if (strcmp(ro->title, title) != 0)
				continue;
			if (of && (ro->of == NULL || strcmp(ro->of, of) != 0))
				continue;
			if (former)
				held = ro->to != 0 && ro->to <= date;
			else
				held = (ro->from == 0 || ro->from <= date) &&
				    (ro->to == 0 || date < ro->to);
			if (!held)
				continue;
			/* most recent first for former holders */
			{
				size_t k = n;

				while (former && k > 0 && best_end[k - 1] < ro->to) {
					out[k] = out[k - 1];
					best_end[k] = best_end[k - 1];
					k--;
				}
				out[k] = i;
				best_end[k] = ro->to;
				n++;
			}
			break;
		}
	}
	return n;
}
