#include "gazetteer.h"

#include "buf.h"
#include "datapath.h"
#include "esc.h"
#include "gazbuild.h"
#include "gazcache.h"
#include "gazimage.h"
#include "yamltree.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A gazetteer is a compiled image (gazimage.h), mapped from the cache or
 * built here from the YAML, and views: the kz_entry structs callers see,
 * made the first time each entry is asked for (a start-up never walks the
 * entries). Views point into the image; an image replaced after damage is
 * kept until the end, for the views and candidate lists handed out.
 */
#define VIEW_SHIFT 10
#define VIEW_CHUNK (1u << VIEW_SHIFT)

struct kz_gazetteer {
	const kz_folder *folder;
	char **paths;           /* source files, in load order */
	uint32_t *layers;       /* each one's layer (datapath.h), or NULL */
	size_t npaths;
	kz_gazimage im;
	kz_gazimage *retired;
	size_t nretired;
	kz_entry ***views;      /* chunks of VIEW_CHUNK, made when needed */
	size_t nchunks;
	kz_gazcache cache;
	uint64_t env_key;
	int cached;             /* im is (now) the cache file's */
	char origin[PATH_MAX + 256];
};

/* Queries fill the views and may replace a damaged image. A kz_gazetteer
 * is only ever made by the loaders below, never defined const, so writing
 * through a pointer to it is well defined. */
static kz_gazetteer *
mut(const kz_gazetteer *g)
{
	return (kz_gazetteer *)(uintptr_t)g;
}

/* Compiling: each entry is read from the YAML into a kz_entry, handed to
 * the image builder, and freed. */
typedef struct parse {
	const kz_folder *folder;
	kz_gazbuild *build;
	char *const *paths;     /* the source files, for messages */
	const uint32_t *layers; /* each one's layer, or NULL: all one */
	uint32_t file;          /* the file being read */
} parse;

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

/* ------------------------------------------------------------ YAML */

/* 1 when s is empty or only white space (ASCII or no-break): a name that
 * matches nothing and shows as nothing. */
static int
is_blank(const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			continue;
		if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
			s++;
			continue;
		}
		return 0;
	}
	return 1;
}

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
	if (v->kind != KZ_YAML_SCALAR || is_blank(v->scalar))
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
	if (*out == KZ_DATE_NO_DAY)
		return kz_yaml_error(err, doc, v, "'%s' must be a real date:"
		    " %s does not exist", key, kz_yaml_str(v));
	if (*out < 0)
		return kz_yaml_error(err, doc, v, "'%s' must be a date YYYY-MM-DD",
		    key);
	return 0;
}

static void
add_surface(parse *g, kz_entry *e, const char *text, int32_t from,
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
load_surfaces(parse *g, const kz_yaml_doc *doc, const kz_yaml_node *map,
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

/* Read one entry (map) into *e, zeroed by the caller, who frees it with
 * entry_free whatever the outcome. */
static int
read_entry(parse *g, const kz_yaml_doc *doc, const kz_yaml_node *map,
    kz_entry *e, kz_error *err)
{
	static const char *const known[] = {
		"id", "type", "name", "wikidata", "variants", "acronyms",
		"preferred", "note", "gender", "nationality", "roles", "kind",
		"code", "country", "capital", "demonyms", NULL
	};
	char *gender = NULL;
	const kz_yaml_node *dem;

	if (map->kind != KZ_YAML_MAP)
		return kz_yaml_error(err, doc, map, "a gazetteer entry must be a"
		    " mapping (id, type, name, ...)");
	if (kz_yaml_only_keys(doc, map, known, err) != 0)
		return -1;
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
	    strcmp(e->type, "ORG") && strcmp(e->type, "MISC")) {
		free(gender);
		return kz_yaml_error(err, doc, kz_yaml_get(map, "type"),
		    "type must be PER, LOC, ORG or MISC, not '%s'", e->type);
	}
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
		uint32_t prev, file;
		long line;

		if (kz_gazbuild_find_id(g->build, e->id, &prev)) {
			kz_gazbuild_where(g->build, prev, &file, &line);
			/* a higher layer, read first, overrides this entry */
			if (g->layers && g->layers[file] > g->layers[g->file])
				return 1;
			return kz_yaml_error(err, doc, kz_yaml_get(map, "id"),
			    "duplicate id '%s' (first defined at %s:%ld)", e->id,
			    g->paths[file], line);
		}
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

/* Read one entry and add it to the image being built. */
static int
load_entry(parse *p, const kz_yaml_doc *doc, const kz_yaml_node *map,
    kz_error *err)
{
	kz_entry e;
	int rc;

	memset(&e, 0, sizeof e);
	rc = read_entry(p, doc, map, &e, err);
	if (rc == 0)
		rc = kz_gazbuild_add(p->build, &e, p->file, err);
	entry_free(&e);
	return rc > 0 ? 0 : rc;     /* 1: overridden, left out */
}

/* Read source file p->file entry by entry (a gazetteer of ten million
 * entries is never a tree in memory), hashing its bytes into st. */
static int
parse_file(parse *p, kz_gazsrc *src, kz_xxh64_state *st, kz_error *err)
{
	const char *path = p->paths[p->file];
	kz_gazread in;
	kz_yaml_stream *ys;
	kz_yaml_doc item;
	int rc = 0, r;

	if (kz_gazcache_open(&in, src, st, err) != 0)
		return -1;
	ys = kz_yaml_stream_new(path, kz_gazcache_read_some, &in, err);
	if (ys == NULL) {
		kz_gazcache_close(&in, 0, NULL);
		return -1;
	}
	while (rc == 0 && (r = kz_yaml_stream_next(ys, &item, err)) != 0) {
		if (r < 0)
			rc = -1;
		else if (!kz_yaml_stream_is_list(ys))
			rc = kz_yaml_error(err, &item, item.root,
			    "a gazetteer file is a list of entries");
		else
			rc = load_entry(p, &item, item.root, err);
		kz_yaml_doc_release(&item);
	}
	kz_yaml_stream_free(ys);
	/* a failed read is what went wrong, whatever the parser made of it */
	if (kz_gazcache_close(&in, rc == 0, err) != 0)
		rc = -1;
	return rc;
}

/* ------------------------------------------------------------ loading */

/* Read, hash and parse every source, and compile them into *im: each
 * source is read once, a piece at a time, and each entry goes into the
 * image as soon as it is read. */
static int
compile(kz_gazetteer *g, kz_gazsrc *src, kz_gazimage *im, uint64_t *hash,
    kz_error *err)
{
	parse p;
	kz_xxh64_state st;
	int rc = 0;

	memset(&p, 0, sizeof p);
	p.folder = g->folder;
	p.paths = g->paths;
	p.layers = g->layers;
	p.build = kz_gazbuild_new(g->folder, (uint32_t)g->npaths);
	kz_gazcache_hash_begin(&st, g->npaths);
	for (size_t i = 0; i < g->npaths && rc == 0; i++) {
		p.file = (uint32_t)i;
		rc = parse_file(&p, &src[i], &st, err);
	}
	*hash = kz_xxh64_digest(&st);
	if (rc != 0) {
		kz_gazbuild_free(p.build);
		return rc;
	}
	return kz_gazbuild_finish(p.build, kz_gazcache_key(g->env_key, *hash),
	    im, err);
}

static void
stat_sources(const kz_gazetteer *g, kz_gazsrc *src, int *all)
{
	*all = 1;
	for (size_t i = 0; i < g->npaths; i++)
		if (kz_gazcache_stat(&src[i], g->paths[i]) != 0)
			*all = 0;
}

static kz_gazetteer *
load(const char *const *paths, size_t n, const char *identity,
    const uint32_t *layers, const kz_folder *f, kz_error *err)
{
	kz_gazetteer *g = kz_calloc(1, sizeof *g);
	kz_gazsrc *src = kz_calloc(n, sizeof *src);
	char why[PATH_MAX + 128] = "";
	uint64_t hash;
	int all;

	g->folder = f;
	g->npaths = n;
	g->paths = kz_calloc(n, sizeof *g->paths);
	for (size_t i = 0; i < n; i++)
		g->paths[i] = kz_strdup(paths[i]);
	g->env_key = kz_gazcache_env_key(f);
	if (layers) {
		/* which files override which is part of what is compiled */
		g->layers = kz_calloc(n, sizeof *g->layers);
		memcpy(g->layers, layers, n * sizeof *layers);
		g->env_key = kz_xxh64(layers, n * sizeof *layers, g->env_key);
	}
	kz_gazcache_init(&g->cache, identity, why, sizeof why);
	stat_sources(g, src, &all);
	if (g->cache.dir && all) {
		int vouched = kz_gazcache_stamp_read(&g->cache, src, n, &hash);

		if ((vouched || kz_gazcache_hash_files(src, n, &hash) == 0) &&
		    kz_gazcache_map(&g->cache, kz_gazcache_key(g->env_key, hash),
		    (uint32_t)n, &g->im, why, sizeof why) == 0) {
			if (!vouched)
				kz_gazcache_stamp_write(&g->cache, src, n, hash);
			g->cached = 1;
			snprintf(g->origin, sizeof g->origin,
			    "loaded from the cache %s", g->cache.image_path);
			goto views;
		}
	}
	if (compile(g, src, &g->im, &hash, err) != 0) {
		free(src);
		kz_gazetteer_free(g);
		return NULL;
	}
	if (g->cache.dir == NULL) {
		snprintf(g->origin, sizeof g->origin, "compiled in memory (%s)", why);
	} else if (kz_gazcache_write(&g->cache, &g->im, why, sizeof why) != 0) {
		snprintf(g->origin, sizeof g->origin,
		    "compiled in memory (cache not written: %s)", why);
	} else {
		kz_gazcache_stamp_write(&g->cache, src, n, hash);
		g->cached = 1;
		snprintf(g->origin, sizeof g->origin, "compiled into the cache %s",
		    g->cache.image_path);
	}
views:
	free(src);
	g->nchunks = (g->im.nentries + VIEW_CHUNK - 1) / VIEW_CHUNK;
	g->views = kz_calloc(g->nchunks, sizeof *g->views);
	return g;
}

static void
die(const kz_gazetteer *g, const char *what, const char *detail)
{
	/* (KZ_EXIT_CONFIG) the program cannot go on without its gazetteer and
	 * cannot return an error from the middle of a match */
	kz_msg(stderr, "kz: the compiled gazetteer %s %s%s%s\n",
	    g->cache.image_path ? g->cache.image_path : "(in memory)", what,
	    detail ? ": " : "", detail ? detail : "");
	exit(78);
}

/* The image failed a check while in use: rebuild it from the YAML, the
 * same bytes the cache should have held, and rewrite the cache. */
static void
recover(kz_gazetteer *g)
{
	kz_gazsrc *src;
	kz_gazimage fresh;
	kz_error err;
	uint64_t hash;
	char why[PATH_MAX + 128];
	int all;

	if (g->im.bstate == NULL)
		die(g, "built by this process fails its own checks", NULL);
	src = kz_calloc(g->npaths, sizeof *src);
	stat_sources(g, src, &all);
	kz_error_clear(&err);
	if (compile(g, src, &fresh, &hash, &err) != 0) {
		char msg[1024];

		kz_error_format(&err, msg, sizeof msg);
		die(g, "is damaged, and the gazetteers no longer load", msg);
	}
	if (fresh.key != g->im.key)
		die(g, "is damaged, and the gazetteers changed since the program"
		    " started; run it again", NULL);
	g->retired = kz_realloc(g->retired, (g->nretired + 1) * sizeof *g->retired);
	g->retired[g->nretired++] = g->im;
	g->im = fresh;
	g->cached = 0;
	if (g->cache.dir && kz_gazcache_write(&g->cache, &g->im, why,
	    sizeof why) == 0) {
		kz_gazcache_stamp_write(&g->cache, src, g->npaths, hash);
		g->cached = 1;
		snprintf(g->origin, sizeof g->origin, "compiled into the cache %s"
		    " (the file there was damaged)", g->cache.image_path);
	} else {
		snprintf(g->origin, sizeof g->origin, "compiled in memory (the"
		    " cache file was damaged)");
	}
	free(src);
}

static char *
real_or_given(const char *path)
{
	char buf[PATH_MAX];

	return kz_strdup(realpath(path, buf) ? buf : path);
}

kz_gazetteer *
kz_gazetteer_load_files(const char *const *paths, size_t n, const kz_folder *f,
    kz_error *err)
{
	kz_buf id;
	kz_gazetteer *g;

	kz_buf_init(&id);
	kz_buf_adds(&id, "files");
	for (size_t i = 0; i < n; i++) {
		char *r = real_or_given(paths[i]);

		kz_buf_addf(&id, "\n%s", r);
		free(r);
	}
	g = load(paths, n, id.data, NULL, f, err);
	kz_buf_release(&id);
	return g;
}

/* The files of dir, and with `layered` those of the local layers too
 * (datapath.h), under one cache slot named after dir. */
static kz_gazetteer *
load_data(const char *dir, int layered, const kz_folder *f, kz_error *err)
{
	kz_data_files files;
	kz_gazetteer *g;
	uint32_t *layers = NULL;
	kz_buf id;
	char *r;

	if (kz_data_gazetteers(dir, layered, &files, err) != 0)
		return NULL;
	r = real_or_given(dir);
	kz_buf_init(&id);
	kz_buf_addf(&id, "dir\n%s", r);
	free(r);
	for (size_t i = 0; i < files.n; i++)
		if (files.layers[i] != KZ_DATA_SHIPPED) {
			/* local files: the slot is not the shipped one's */
			kz_buf_addf(&id, "\n%s", files.paths[i]);
			layers = files.layers;
		}
	g = load((const char *const *)files.paths, files.n, id.data, layers, f,
	    err);
	kz_buf_release(&id);
	kz_data_files_free(&files);
	return g;
}

kz_gazetteer *
kz_gazetteer_load_dir(const char *dir, const kz_folder *f, kz_error *err)
{
	return load_data(dir, 0, f, err);
}

kz_gazetteer *
kz_gazetteer_load_layered(const char *dir, const kz_folder *f, kz_error *err)
{
	return load_data(dir, 1, f, err);
}

void
kz_gazetteer_free(kz_gazetteer *g)
{
	if (g == NULL)
		return;
	for (size_t c = 0; c < g->nchunks; c++) {
		if (g->views[c] == NULL)
			continue;
		for (size_t i = 0; i < VIEW_CHUNK; i++)
			free(g->views[c][i]);
		free(g->views[c]);
	}
	free(g->views);
	kz_gazimage_release(&g->im);
	for (size_t i = 0; i < g->nretired; i++)
		kz_gazimage_release(&g->retired[i]);
	free(g->retired);
	for (size_t i = 0; i < g->npaths; i++)
		free(g->paths[i]);
	free(g->paths);
	free(g->layers);
	kz_gazcache_release(&g->cache);
	free(g);
}

kz_gazetteer *
kz_gazetteer_share(const kz_gazetteer *g, const kz_folder *f)
{
	kz_gazetteer *s = kz_calloc(1, sizeof *s);

	s->folder = f;
	s->paths = kz_calloc(g->npaths ? g->npaths : 1, sizeof *s->paths);
	for (size_t i = 0; i < g->npaths; i++)
		s->paths[i] = kz_strdup(g->paths[i]);
	s->npaths = g->npaths;
	if (g->layers) {
		s->layers = kz_calloc(g->npaths, sizeof *s->layers);
		memcpy(s->layers, g->layers, g->npaths * sizeof *s->layers);
	}
	/* the same bytes, not owned: releasing s neither unmaps nor frees
	 * them */
	s->im = g->im;
	s->im.owned = NULL;
	s->im.mapped = 0;
	if (g->im.bstate != NULL)
		s->im.bstate = kz_calloc(g->im.nblocks ? g->im.nblocks : 1, 1);
	if (g->cache.image_path != NULL)
		s->cache.image_path = kz_strdup(g->cache.image_path);
	s->env_key = g->env_key;
	snprintf(s->origin, sizeof s->origin, "%s", g->origin);
	s->nchunks = g->nchunks;
	s->views = kz_calloc(s->nchunks ? s->nchunks : 1, sizeof *s->views);
	return s;
}

void
kz_gazetteer_cache(int on, const char *dir)
{
	kz_gazcache_config(on, dir);
}

const char *
kz_gazetteer_origin(const kz_gazetteer *g)
{
	return g->origin;
}

const char *
kz_gazetteer_cache_file(const kz_gazetteer *g)
{
	return g->cached ? g->cache.image_path : NULL;
}

int
kz_gazetteer_verify(const kz_gazetteer *cg)
{
	kz_gazetteer *g = mut(cg);

	if (kz_gazimage_verify(&g->im) == 0)
		return 0;
	recover(g);
	return 1;
}

/* ------------------------------------------------------------ queries */

size_t
kz_gazetteer_size(const kz_gazetteer *g)
{
	return g->im.nentries;
}

const kz_entry *
kz_gazetteer_entry(const kz_gazetteer *cg, size_t i)
{
	kz_gazetteer *g = mut(cg);
	kz_entry **chunk, *e;

	if (i >= g->im.nentries)
		return NULL;
	chunk = g->views[i >> VIEW_SHIFT];
	if (chunk == NULL)
		chunk = g->views[i >> VIEW_SHIFT] = kz_calloc(VIEW_CHUNK,
		    sizeof *chunk);
	e = chunk[i & (VIEW_CHUNK - 1)];
	if (e == NULL) {
		while (kz_gazimage_entry(&g->im, (uint32_t)i, g->paths, &e) < 0)
			recover(g);
		chunk[i & (VIEW_CHUNK - 1)] = e;
	}
	return e;
}

const kz_entry *
kz_gazetteer_by_id(const kz_gazetteer *cg, const char *id)
{
	kz_gazetteer *g = mut(cg);
	uint32_t e;
	int r;

	if (id == NULL)
		return NULL;
	while ((r = kz_gazimage_find_id(&g->im, id, strlen(id), &e)) < 0)
		recover(g);
	return r ? kz_gazetteer_entry(g, e) : NULL;
}

const kz_entry *
kz_gazetteer_demonym(const kz_gazetteer *cg, const char *key, size_t len)
{
	kz_gazetteer *g = mut(cg);
	uint32_t e;
	int r;

	while ((r = kz_gazimage_find_demonym(&g->im, key, len, &e)) < 0)
		recover(g);
	return r ? kz_gazetteer_entry(g, e) : NULL;
}

const kz_entry *
kz_gazetteer_country(const kz_gazetteer *cg, const char *code)
{
	kz_gazetteer *g = mut(cg);
	uint32_t e;
	int r;

	if (code == NULL)
		return NULL;
	while ((r = kz_gazimage_find_code(&g->im, code, strlen(code), &e)) < 0)
		recover(g);
	return r ? kz_gazetteer_entry(g, e) : NULL;
}

size_t
kz_gazetteer_match_at(const kz_gazetteer *cg, const kz_tokens *t, size_t i,
    kz_match *m)
{
	kz_gazetteer *g = mut(cg);
	size_t n;

	if (i >= t->n)
		return 0;
	while (kz_gazimage_match_at(&g->im, t, i, m, &n) < 0)
		recover(g);
	return n;
}

size_t
kz_gazetteer_holders(const kz_gazetteer *cg, const char *title, const char *of,
    int32_t date, int former, size_t *out, size_t max)
{
	kz_gazetteer *g = mut(cg);
	size_t n;

	while (kz_gazimage_holders(&g->im, title, of, date, former, out, max,
	    &n) < 0)
		recover(g);
	return n;
}
