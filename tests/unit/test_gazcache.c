/* Unit tests of the compiled gazetteer and its cache (gazimage.h,
 * gazcache.h): the image says what the YAML says, matches as the old
 * in-memory index did, and a cache file that is truncated, corrupted or
 * forged is never trusted but rebuilt, byte for byte. */
#include "kz_test.h"

#include "buf.h"
#include "gazbuild.h"
#include "gazcache.h"
#include "gazetteer.h"
#include "gazimage.h"
#include "strmap.h"
#include "tokens.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

/* ---------------------------------------------------------------- helpers */

static char *
temp_dir(void)
{
	char *d = kz_strdup("/tmp/kz-gazcache-XXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static char *
path_in(const char *dir, const char *name)
{
	kz_buf b;

	kz_buf_init(&b);
	kz_buf_addf(&b, "%s/%s", dir, name);
	return kz_buf_detach(&b, NULL);
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	kz_buf b;
	char chunk[65536];
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	kz_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		kz_buf_add(&b, chunk, n);
	fclose(f);
	return (unsigned char *)kz_buf_detach(&b, len);
}

/* Remove a flat folder and what is in it. */
static void
rm_rf(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char *p;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = path_in(dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

/* The one file of dir whose name ends with suffix (NULL when none). */
static char *
file_ending(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *found = NULL;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		size_t a = strlen(de->d_name), b = strlen(suffix);

		if (a > b && strcmp(de->d_name + a - b, suffix) == 0 &&
		    de->d_name[0] != '.') {
			free(found);
			found = path_in(dir, de->d_name);
			n++;
		}
	}
	closedir(d);
	ck_assert_int_le(n, 1);
	return found;
}

static int
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static kz_gazetteer *
load_dir(const char *dir, const kz_folder *f)
{
	kz_error err;
	kz_gazetteer *g = kz_gazetteer_load_dir(dir, f, &err);

	ck_assert_msg(g != NULL, "%s:%ld:%ld: %s", err.file, err.line,
	    err.column, err.message);
	return g;
}

static char *
shipped_dir(void)
{
	return path_in(kz_test_datadir(), "gazetteers");
}

static void
same_str(const char *a, const char *b, const char *what)
{
	if (a == NULL || b == NULL)
		ck_assert_msg(a == b, "%s: one is NULL", what);
	else
		ck_assert_msg(strcmp(a, b) == 0, "%s: '%s' vs '%s'", what, a, b);
}

static void
same_entry(const kz_entry *a, const kz_entry *b)
{
	same_str(a->id, b->id, "id");
	same_str(a->type, b->type, "type");
	same_str(a->name, b->name, "name");
	same_str(a->preferred, b->preferred, "preferred");
	same_str(a->wikidata, b->wikidata, "wikidata");
	same_str(a->kind, b->kind, "kind");
	same_str(a->code, b->code, "code");
	same_str(a->country, b->country, "country");
	same_str(a->capital, b->capital, "capital");
	same_str(a->nationality, b->nationality, "nationality");
	same_str(a->file, b->file, "file");
	ck_assert_int_eq(a->line, b->line);
	ck_assert_int_eq(a->gender, b->gender);
	ck_assert_uint_eq(a->nsurfaces, b->nsurfaces);
	ck_assert_uint_eq(a->nroles, b->nroles);
	ck_assert_uint_eq(a->ndemonyms, b->ndemonyms);
	for (size_t s = 0; s < a->nsurfaces; s++) {
		const kz_surface *x = &a->surfaces[s], *y = &b->surfaces[s];

		same_str(x->text, y->text, "surface text");
		same_str(x->key, y->key, "surface key");
		ck_assert_uint_eq(x->caps, y->caps);
		ck_assert_uint_eq(x->ntokens, y->ntokens);
		ck_assert_int_eq(x->from, y->from);
		ck_assert_int_eq(x->to, y->to);
		ck_assert_int_eq(x->acronym, y->acronym);
	}
	for (size_t r = 0; r < a->nroles; r++) {
		same_str(a->roles[r].title, b->roles[r].title, "role title");
		same_str(a->roles[r].of, b->roles[r].of, "role of");
		ck_assert_int_eq(a->roles[r].from, b->roles[r].from);
		ck_assert_int_eq(a->roles[r].to, b->roles[r].to);
	}
	for (size_t d = 0; d < a->ndemonyms; d++)
		same_str(a->demonyms[d], b->demonyms[d], "demonym");
}

/* ------------------------------------------------ the reference matcher
 * kz_gazetteer_match_at and kz_gazetteer_holders as they were before the
 * compiled form: string maps built from the entries, a scan of every
 * entry for role holders. */

typedef struct ref {
	kz_strmap *keys, *prefixes;
	kz_candidate **lists;
	size_t *nlist, nlists, max_tokens;
} ref;

static int
ref_long_form(const kz_entry *e, const kz_surface *s)
{
	const char *name = e->surfaces[0].key;
	size_t a = strlen(s->key), b = strlen(name);

	return strcmp(e->type, "LOC") == 0 && a > b + 1 &&
	    strcmp(s->key + a - b, name) == 0 && s->key[a - b - 1] == ' ';
}

static void
ref_build(ref *r, const kz_gazetteer *g)
{
	memset(r, 0, sizeof *r);
	r->keys = kz_strmap_new();
	r->prefixes = kz_strmap_new();
	for (size_t i = 0; i < kz_gazetteer_size(g); i++) {
		const kz_entry *e = kz_gazetteer_entry(g, i);

		for (size_t s = 0; s < e->nsurfaces; s++) {
			const kz_surface *su = &e->surfaces[s];
			size_t len = strlen(su->key), k;
			intptr_t li;
			int dup = 0;

			if (ref_long_form(e, su) || len == 0 ||
			    (su->caps == 0 && !su->acronym))
				continue;
			if (!kz_strmap_get(r->keys, su->key, len, &li)) {
				li = (intptr_t)r->nlists++;
				r->lists = kz_realloc(r->lists, r->nlists * sizeof *r->lists);
				r->nlist = kz_realloc(r->nlist, r->nlists * sizeof *r->nlist);
				r->lists[li] = NULL;
				r->nlist[li] = 0;
				kz_strmap_put(r->keys, su->key, len, li);
			}
			for (k = 0; k < r->nlist[li]; k++)
				if (r->lists[li][k].entry == i)
					dup = 1;
			if (dup)
				continue;
			r->lists[li] = kz_realloc(r->lists[li], (r->nlist[li] + 1) *
			    sizeof **r->lists);
			r->lists[li][r->nlist[li]].entry = (uint32_t)i;
			r->lists[li][r->nlist[li]].surface = (uint32_t)s;
			r->nlist[li]++;
			for (k = 0; k < len; k++)
				if (su->key[k] == ' ')
					kz_strmap_put(r->prefixes, su->key, k, 1);
			if (su->ntokens > r->max_tokens)
				r->max_tokens = su->ntokens;
		}
	}
}

static void
ref_release(ref *r)
{
	for (size_t i = 0; i < r->nlists; i++)
		free(r->lists[i]);
	free(r->lists);
	free(r->nlist);
	kz_strmap_free(r->keys);
	kz_strmap_free(r->prefixes);
}

static int
ref_case_fits(const kz_tokens *t, size_t i, const kz_surface *s)
{
	for (size_t k = 0; k < s->ntokens && k < 32; k++) {
		const kz_token *tk = &t->tok[i + k];
		uint32_t fl = tk->flags;
		/* a lower-case tail after a hyphen inside the name */
		int tail = k > 0 && !s->acronym && tk->sstart > 0 &&
		    t->src[tk->sstart - 1] == '-' &&
		    t->tok[i + k - 1].send == tk->sstart - 1;

		if ((s->caps & (1u << k)) && !(fl & KZ_TOK_UPPER) && !tail)
			return 0;
		if (s->acronym && s->caps && !(fl & KZ_TOK_UPPER))
			return 0;
	}
	if (s->acronym && s->caps == 0) {
		const kz_token *a = &t->tok[i], *z = &t->tok[i + s->ntokens - 1];

		return z->send - a->sstart == strlen(s->text) &&
		    memcmp(t->src + a->sstart, s->text, strlen(s->text)) == 0;
	}
	return 1;
}

static size_t
ref_match_at(const ref *r, const kz_gazetteer *g, const kz_tokens *t,
    size_t i, size_t *ncands, const kz_candidate **cands)
{
	kz_buf key;
	size_t best = 0;

	kz_buf_init(&key);
	for (size_t j = i; j < t->n && j - i < r->max_tokens; j++) {
		intptr_t li;

		if (j > i) {
			if (!(t->tok[j - 1].flags & KZ_TOK_JOINS))
				break;
			kz_buf_addc(&key, ' ');
		}
		kz_buf_add(&key, t->folded.text + t->tok[j].fstart,
		    t->tok[j].fend - t->tok[j].fstart);
		if (kz_strmap_get(r->keys, key.data, key.len, &li)) {
			size_t ok = 0;

			for (size_t c = 0; c < r->nlist[li]; c++)
				if (ref_case_fits(t, i, &kz_gazetteer_entry(g,
				    r->lists[li][c].entry)->surfaces[r->lists[li][c].surface]))
					ok++;
			if (ok) {
				best = j + 1 - i;
				*ncands = r->nlist[li];
				*cands = r->lists[li];
			}
		}
		if (!kz_strmap_get(r->prefixes, key.data, key.len, NULL))
			break;
	}
	kz_buf_release(&key);
	return best;
}

static size_t
ref_holders(const kz_gazetteer *g, const char *title, const char *of,
    int32_t date, int former, size_t *out, size_t max)
{
	size_t n = 0;
	int32_t best_end[16];

	for (size_t i = 0; i < kz_gazetteer_size(g) && n < max && n < 16; i++) {
		const kz_entry *e = kz_gazetteer_entry(g, i);

		for (size_t r = 0; r < e->nroles; r++) {
			const kz_role *ro = &e->roles[r];
			int held;
			size_t k;

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
			k = n;
			while (former && k > 0 && best_end[k - 1] < ro->to) {
				out[k] = out[k - 1];
				best_end[k] = best_end[k - 1];
				k--;
			}
			out[k] = i;
			best_end[k] = ro->to;
			n++;
			break;
		}
	}
	return n;
}

/* Every token position of text, in its case, lower case and upper case
 * (ASCII letters): the compiled matcher agrees with the reference. */
static size_t
compare_matches(const kz_gazetteer *g, const ref *r, const kz_folder *f,
    const char *text, size_t len)
{
	char *variants[3];
	size_t found = 0;

	variants[0] = kz_strndup(text, len);
	variants[1] = kz_strndup(text, len);
	variants[2] = kz_strndup(text, len);
	for (size_t i = 0; i < len; i++) {
		if (variants[1][i] >= 'A' && variants[1][i] <= 'Z')
			variants[1][i] += 'a' - 'A';
		if (variants[2][i] >= 'a' && variants[2][i] <= 'z')
			variants[2][i] -= 'a' - 'A';
	}
	for (int v = 0; v < 3; v++) {
		kz_tokens t;

		kz_tokens_init(&t, f, variants[v], len);
		for (size_t i = 0; i < t.n; i++) {
			kz_match m;
			size_t rn = 0, n;
			const kz_candidate *rc = NULL;
			size_t want = ref_match_at(r, g, &t, i, &rn, &rc);

			n = kz_gazetteer_match_at(g, &t, i, &m);
			ck_assert_msg(n == want, "token %zu of variant %d: %zu vs %zu",
			    i, v, n, want);
			if (n == 0)
				continue;
			found++;
			ck_assert_uint_eq(m.tok_start, i);
			ck_assert_uint_eq(m.tok_end, i + n);
			ck_assert_uint_eq(m.ncands, rn);
			for (size_t c = 0; c < rn; c++) {
				ck_assert_uint_eq(m.cands[c].entry, rc[c].entry);
				ck_assert_uint_eq(m.cands[c].surface, rc[c].surface);
			}
		}
		kz_tokens_release(&t);
		free(variants[v]);
	}
	return found;
}

/* ---------------------------------------------------------------- tests */

START_TEST(xxh64_known_values)
{
	static const char text[] = "Nursultan Nazarbaïev, Kassym-Jomart Tokaïev "
	    "et l'Organisation du traité de sécurité collective";
	kz_xxh64_state st;

	ck_assert_uint_eq(kz_xxh64("", 0, 0), 0xEF46DB3751D8E999ULL);
	ck_assert_uint_eq(kz_xxh64("abc", 3, 0), 0x44BC2CF5AD770999ULL);
	/* streaming in odd pieces gives the one-shot value */
	kz_xxh64_init(&st, 7);
	for (size_t i = 0; i < sizeof text - 1; i += 5)
		kz_xxh64_update(&st, text + i, sizeof text - 1 - i < 5 ?
		    sizeof text - 1 - i : 5);
	ck_assert_uint_eq(kz_xxh64_digest(&st), kz_xxh64(text, sizeof text - 1, 7));
}
END_TEST

/* The shipped gazetteers: compiled into the cache, mapped back, and
 * compiled in memory without a cache say the same thing. */
/* The builder: entries one at a time, ids found as they come, where each
 * came from, refusals, and the same image for the same entries. */
START_TEST(gazbuild_one_entry_at_a_time)
{
	kz_folder *f = kz_folder_new();
	kz_surface su[2] = {
		{ .text = "Aktobe", .key = "aktobe", .caps = 1, .ntokens = 1 },
		{ .text = "Aktioubinsk", .key = "aktioubinsk", .caps = 1,
		  .ntokens = 1, .to = 19991231 },
	};
	kz_role ro = { .title = "maire", .of = "aktobe", .from = 20200101 };
	kz_entry a = { .id = "aktobe", .type = "LOC", .name = "Aktobe",
	    .kind = "city", .country = "KZ", .surfaces = su, .nsurfaces = 2,
	    .line = 7 };
	kz_entry p = { .id = "p", .type = "PER", .name = "Aktobe", .gender = 'm',
	    .surfaces = su, .nsurfaces = 1, .roles = &ro, .nroles = 1,
	    .line = 12 };
	kz_entry noname = { .id = "x", .type = "PER" };
	kz_gazimage im[2];
	kz_error err;
	uint32_t e, file;
	long line;

	for (int k = 0; k < 2; k++) {
		kz_gazbuild *b = kz_gazbuild_new(f, 2);

		ck_assert_int_eq(kz_gazbuild_find_id(b, "aktobe", &e), 0);
		ck_assert_int_eq(kz_gazbuild_add(b, &a, 0, &err), 0);
		ck_assert_int_eq(kz_gazbuild_add(b, &p, 1, &err), 0);
		ck_assert_uint_eq(kz_gazbuild_count(b), 2);
		ck_assert_int_eq(kz_gazbuild_find_id(b, "p", &e), 1);
		ck_assert_uint_eq(e, 1);
		kz_gazbuild_where(b, e, &file, &line);
		ck_assert_uint_eq(file, 1);
		ck_assert_int_eq(line, 12);
		/* an id twice, an entry without a name, a file out of range */
		ck_assert_int_eq(kz_gazbuild_add(b, &a, 1, &err), -1);
		ck_assert_ptr_nonnull(strstr(err.message, "'aktobe' added twice"));
		ck_assert_int_eq(kz_gazbuild_add(b, &noname, 0, &err), -1);
		ck_assert_int_eq(kz_gazbuild_add(b, &p, 2, &err), -1);
		ck_assert_int_eq(kz_gazbuild_finish(b, 42, &im[k], &err), 0);
	}
	/* a function of the entries */
	ck_assert_uint_eq(im[0].size, im[1].size);
	ck_assert_int_eq(memcmp(im[0].base, im[1].base, im[0].size), 0);
	ck_assert_uint_eq(im[0].nentries, 2);
	ck_assert_int_eq(kz_gazimage_find_id(&im[0], "p", 1, &e), 1);
	ck_assert_uint_eq(e, 1);
	{
		char *files[] = { "a.yaml", "b.yaml" };
		kz_entry *v;

		ck_assert_int_eq(kz_gazimage_entry(&im[0], 0, files, &v), 1);
		ck_assert_str_eq(v->name, "Aktobe");
		ck_assert_str_eq(v->file, "a.yaml");
		ck_assert_int_eq(v->line, 7);
		ck_assert_uint_eq(v->nsurfaces, 2);
		ck_assert_str_eq(v->surfaces[1].key, "aktioubinsk");
		ck_assert_int_eq(v->surfaces[1].to, 19991231);
		free(v);
		ck_assert_int_eq(kz_gazimage_entry(&im[0], 1, files, &v), 1);
		ck_assert_str_eq(v->file, "b.yaml");
		ck_assert_str_eq(v->roles[0].of, "aktobe");
		free(v);
	}
	kz_gazimage_release(&im[0]);
	kz_gazimage_release(&im[1]);
	/* nothing at all */
	ck_assert_int_eq(kz_gazbuild_finish(kz_gazbuild_new(f, 0), 1, &im[0],
	    &err), 0);
	ck_assert_uint_eq(im[0].nentries, 0);
	ck_assert_int_eq(kz_gazimage_find_id(&im[0], "p", 1, &e), 0);
	kz_gazimage_release(&im[0]);
	/* abandoned half way */
	{
		kz_gazbuild *b = kz_gazbuild_new(f, 1);

		ck_assert_int_eq(kz_gazbuild_add(b, &a, 0, &err), 0);
		kz_gazbuild_free(b);
	}
	kz_folder_free(f);
}
END_TEST

START_TEST(gazcache_same_as_yaml)
{
	kz_folder *f = kz_folder_new();
	char *cache = temp_dir(), *dir = shipped_dir();
	kz_gazetteer *a, *b, *c;

	kz_gazetteer_cache(1, cache);
	a = load_dir(dir, f);
	ck_assert_msg(starts_with(kz_gazetteer_origin(a), "compiled into the cache"),
	    "%s", kz_gazetteer_origin(a));
	b = load_dir(dir, f);
	ck_assert_msg(starts_with(kz_gazetteer_origin(b), "loaded from the cache"),
	    "%s", kz_gazetteer_origin(b));
	ck_assert_ptr_nonnull(kz_gazetteer_cache_file(b));
	kz_gazetteer_cache(0, NULL);
	c = load_dir(dir, f);
	ck_assert_ptr_null(kz_gazetteer_cache_file(c));
	ck_assert_uint_gt(kz_gazetteer_size(a), 1000);
	ck_assert_uint_eq(kz_gazetteer_size(a), kz_gazetteer_size(b));
	ck_assert_uint_eq(kz_gazetteer_size(a), kz_gazetteer_size(c));
	for (size_t i = 0; i < kz_gazetteer_size(b); i++) {
		const kz_entry *e = kz_gazetteer_entry(b, i);

		same_entry(e, kz_gazetteer_entry(c, i));
		/* a view is made once and stays where it is */
		ck_assert_ptr_eq(e, kz_gazetteer_entry(b, i));
		ck_assert_ptr_eq(kz_gazetteer_by_id(b, e->id), e);
		if (e->code && e->kind && strcmp(e->kind, "country") == 0)
			same_entry(kz_gazetteer_country(b, e->code),
			    kz_gazetteer_country(c, e->code));
		for (size_t d = 0; d < e->ndemonyms; d++) {
			char *k = kz_key_of(f, e->demonyms[d], NULL);

			ck_assert_ptr_nonnull(kz_gazetteer_demonym(b, k, strlen(k)));
			same_entry(kz_gazetteer_demonym(b, k, strlen(k)),
			    kz_gazetteer_demonym(c, k, strlen(k)));
			free(k);
		}
	}
	ck_assert_ptr_null(kz_gazetteer_entry(b, kz_gazetteer_size(b)));
	ck_assert_ptr_null(kz_gazetteer_by_id(b, "no-such-id"));
	ck_assert_ptr_null(kz_gazetteer_country(b, "XX"));
	ck_assert_ptr_null(kz_gazetteer_demonym(b, "martien", 7));
	ck_assert_str_eq(kz_gazetteer_country(b, "KZ")->id, "kazakhstan");
	kz_gazetteer_free(a);
	kz_gazetteer_free(b);
	kz_gazetteer_free(c);
	kz_gazetteer_cache(1, NULL);
	rm_rf(cache);
	free(cache);
	free(dir);
	kz_folder_free(f);
}
END_TEST

/* Matching and role holders on the compiled form are what they were on
 * the old in-memory index, on every article we have. */
START_TEST(gazcache_matches_reference)
{
	kz_folder *f = kz_folder_new();
	char *dir = shipped_dir(), *articles = path_in(kz_test_datadir(),
	    "tests/articles");
	static const int32_t dates[] = { 0, 19990101, 20150101, 20190320,
	    20220110, 20230601, 20250101 };
	kz_gazetteer *g;
	kz_strmap *pairs = kz_strmap_new();
	ref r;
	DIR *d;
	struct dirent *de;
	size_t found = 0, files = 0, checked = 0;

	kz_gazetteer_cache(0, NULL);
	g = load_dir(dir, f);
	ref_build(&r, g);
	d = opendir(articles);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name), n;
		char *p;
		unsigned char *text;

		if (len < 5 || strcmp(de->d_name + len - 4, ".txt") != 0)
			continue;
		p = path_in(articles, de->d_name);
		text = slurp(p, &n);
		found += compare_matches(g, &r, f, (const char *)text, n);
		files++;
		free(text);
		free(p);
	}
	closedir(d);
	ck_assert_uint_gt(files, 5);
	ck_assert_uint_gt(found, 200);
	/* every (title, of) of the data, and every title alone */
	for (size_t i = 0; i < kz_gazetteer_size(g); i++) {
		const kz_entry *e = kz_gazetteer_entry(g, i);

		for (size_t k = 0; k < e->nroles; k++) {
			const char *ofs[2] = { e->roles[k].of, NULL };

			for (int o = 0; o < 2; o++) {
				kz_buf key;

				kz_buf_init(&key);
				kz_buf_addf(&key, "%s|%s", e->roles[k].title,
				    ofs[o] ? ofs[o] : "");
				if (kz_strmap_get(pairs, key.data, key.len, NULL)) {
					kz_buf_release(&key);
					continue;
				}
				kz_strmap_put(pairs, key.data, key.len, 1);
				kz_buf_release(&key);
				for (size_t dt = 0; dt < sizeof dates / sizeof dates[0]; dt++)
					for (int former = 0; former < 2; former++)
						for (size_t max = 1; max <= 16; max += 3) {
							size_t a[16], b[16], na, nb;

							na = kz_gazetteer_holders(g, e->roles[k].title,
							    ofs[o], dates[dt], former, a, max);
							nb = ref_holders(g, e->roles[k].title, ofs[o],
							    dates[dt], former, b, max);
							ck_assert_uint_eq(na, nb);
							for (size_t q = 0; q < na; q++)
								ck_assert_uint_eq(a[q], b[q]);
							checked++;
						}
			}
		}
	}
	ck_assert_uint_gt(checked, 1000);
	ck_assert_uint_eq(kz_gazetteer_holders(g, "no such role", NULL, 20200101,
	    0, (size_t[4]){ 0 }, 4), 0);
	kz_strmap_free(pairs);
	ref_release(&r);
	kz_gazetteer_free(g);
	kz_gazetteer_cache(1, NULL);
	free(dir);
	free(articles);
	kz_folder_free(f);
}
END_TEST

/* A small source set in a temporary folder, with its cache beside it. */
typedef struct fixture {
	char *top, *gaz, *cache, *yaml;
	kz_folder *f;
} fixture;

static const char small_yaml[] =
    "- id: kazakhstan\n  type: LOC\n  name: Kazakhstan\n  kind: country\n"
    "  code: KZ\n  demonyms: [kazakh, kazakhe, kazakhs, kazakhes]\n"
    "- id: kassym-jomart-tokaiev\n  type: PER\n  name: Kassym-Jomart Tokaïev\n"
    "  gender: m\n  nationality: KZ\n  variants: [Tokaïev, Tokayev]\n"
    "  roles:\n    - {title: président, of: KZ, from: 2019-03-20}\n"
    "- id: otsc\n  type: ORG\n  name: Organisation du traité de sécurité"
    " collective\n  acronyms: [OTSC, CSTO]\n"
    "- id: dpa\n  type: ORG\n  name: Deutsche Presse-Agentur\n"
    "  acronyms: [dpa]\n";

static void
fixture_init(fixture *x)
{
	x->top = temp_dir();
	x->gaz = path_in(x->top, "gaz");
	x->cache = path_in(x->top, "cache");
	x->yaml = path_in(x->gaz, "small.yaml");
	ck_assert_int_eq(mkdir(x->gaz, 0700), 0);
	write_file(x->yaml, small_yaml, sizeof small_yaml - 1);
	x->f = kz_folder_new();
	kz_gazetteer_cache(1, x->cache);
}

static void
fixture_release(fixture *x)
{
	kz_gazetteer_cache(1, NULL);
	rm_rf(x->cache);
	rm_rf(x->gaz);
	rm_rf(x->top);
	free(x->top);
	free(x->gaz);
	free(x->cache);
	free(x->yaml);
	kz_folder_free(x->f);
}

static const char *
match_id(const kz_gazetteer *g, const kz_folder *f, const char *text,
    size_t tok, size_t *n)
{
	kz_tokens t;
	kz_match m;
	const char *id = NULL;

	kz_tokens_init(&t, f, text, strlen(text));
	*n = kz_gazetteer_match_at(g, &t, tok, &m);
	if (*n)
		id = kz_gazetteer_entry(g, m.cands[0].entry)->id;
	kz_tokens_release(&t);
	return id;
}

/* What the small gazetteer must answer, whatever its image went through. */
static void
small_answers(const kz_gazetteer *g, const kz_folder *f)
{
	size_t n, out[4];
	const char *id;

	ck_assert_uint_eq(kz_gazetteer_size(g), 4);
	id = match_id(g, f, "le président KASSYM–JOMART TOKAIEV a dit", 2, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(id, "kassym-jomart-tokaiev");
	id = match_id(g, f, "l’OTSC", 1, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(id, "otsc");
	match_id(g, f, "l'otsc", 1, &n);
	ck_assert_uint_eq(n, 0);
	id = match_id(g, f, "selon dpa hier", 1, &n);
	ck_assert_str_eq(id, "dpa");
	match_id(g, f, "selon Dpa hier", 1, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(kz_gazetteer_holders(g, "président", "KZ", 20220110, 0,
	    out, 4), 1);
	ck_assert_str_eq(kz_gazetteer_entry(g, out[0])->id,
	    "kassym-jomart-tokaiev");
	ck_assert_str_eq(kz_gazetteer_demonym(g, "kazakhe", 7)->id, "kazakhstan");
	ck_assert_str_eq(kz_gazetteer_country(g, "KZ")->name, "Kazakhstan");
	ck_assert_str_eq(kz_gazetteer_by_id(g, "otsc")->surfaces[1].text, "OTSC");
}

/* Load, check the answers, and say how the load went. */
static void
load_check(fixture *x, const char *origin, int verify)
{
	kz_gazetteer *g = load_dir(x->gaz, x->f);

	ck_assert_msg(starts_with(kz_gazetteer_origin(g), origin), "%s, not %s",
	    kz_gazetteer_origin(g), origin);
	if (verify)
		kz_gazetteer_verify(g);
	small_answers(g, x->f);
	kz_gazetteer_free(g);
}

static void
rehash_image(unsigned char *img, size_t len)
{
	uint32_t blocks, nblocks;
	kz_xxh64_state st;
	uint64_t zero = 0, sum;
	unsigned char head[KZ_GAZIMAGE_HEADER];

	memcpy(&blocks, img + KZ_H_BLOCKS, 4);
	memcpy(&nblocks, img + KZ_H_NBLOCKS, 4);
	ck_assert_uint_eq(blocks + 8 * (size_t)nblocks, len);
	for (uint32_t b = 0; b < nblocks; b++) {
		size_t s = KZ_GAZIMAGE_HEADER + (size_t)b * KZ_GAZIMAGE_BLOCK;
		size_t e = s + KZ_GAZIMAGE_BLOCK < blocks ? s + KZ_GAZIMAGE_BLOCK : blocks;
		uint64_t h = kz_xxh64(img + s, e - s, b);

		memcpy(img + blocks + 8 * (size_t)b, &h, 8);
	}
	memcpy(head, img, sizeof head);
	memcpy(head + KZ_H_SUM, &zero, 8);
	kz_xxh64_init(&st, 0);
	kz_xxh64_update(&st, head, sizeof head);
	kz_xxh64_update(&st, img + blocks, 8 * (size_t)nblocks);
	sum = kz_xxh64_digest(&st);
	memcpy(img + KZ_H_SUM, &sum, 8);
}

enum damage {
	TRUNCATE, BAD_MAGIC, HEADER_BYTE, BODY_BYTES, FORGED_SECTION,
	FORGED_SLOTS, EMPTY, NDAMAGE
};

/* Each kind of damage is caught: the answers stay right and the cache file
 * is rewritten to exactly what the compiler makes. */
START_TEST(gazcache_damage_is_rebuilt)
{
	fixture x;
	unsigned char *good;
	size_t len;
	char *image;

	fixture_init(&x);
	load_check(&x, "compiled into the cache", 0);
	image = file_ending(x.cache, ".kzg");
	ck_assert_ptr_nonnull(image);
	good = slurp(image, &len);
	load_check(&x, "loaded from the cache", 0);
	for (int d = 0; d < NDAMAGE; d++) {
		unsigned char *bad = kz_malloc(len);
		size_t blen = len, now;
		unsigned char *after;
		uint32_t off, size;

		memcpy(bad, good, len);
		switch (d) {
		case TRUNCATE:
			blen = len / 2;
			break;
		case BAD_MAGIC:
			bad[0] ^= 0xff;
			break;
		case HEADER_BYTE:       /* a section's size: the header sum fails */
			bad[KZ_H_SECTIONS + 8 * KZ_SEC_KEYTAB + 4] ^= 0x10;
			break;
		case BODY_BYTES:        /* one byte in every block */
			for (size_t o = KZ_GAZIMAGE_HEADER + 100; o < len - 64;
			    o += 4000)
				bad[o] ^= 0x5a;
			break;
		case FORGED_SECTION:    /* checksums made right, offset wrong */
			off = 0xfffff000;
			memcpy(bad + KZ_H_SECTIONS + 8 * KZ_SEC_KEYTAB, &off, 4);
			rehash_image(bad, blen);
			break;
		case FORGED_SLOTS:      /* every key slot points out of range */
			memcpy(&off, bad + KZ_H_SECTIONS + 8 * KZ_SEC_KEYTAB, 4);
			memcpy(&size, bad + KZ_H_SECTIONS + 8 * KZ_SEC_KEYTAB + 4, 4);
			for (uint32_t s = 0; s < size; s += 8) {
				uint32_t v;

				memcpy(&v, bad + off + s + 4, 4);
				if (v) {
					v = 0x7ffffff0;
					memcpy(bad + off + s + 4, &v, 4);
				}
			}
			rehash_image(bad, blen);
			break;
		case EMPTY:
			blen = 0;
			break;
		}
		write_file(image, bad, blen);
		/* header damage is seen at load; body damage when it is read */
		load_check(&x, d == BODY_BYTES || d == FORGED_SLOTS ?
		    "loaded from the cache" : "compiled into the cache", 0);
		after = slurp(image, &now);
		ck_assert_msg(now == len && memcmp(after, good, len) == 0,
		    "damage %d: the cache file was not rebuilt", d);
		free(after);
		/* and kz_gazetteer_verify (kz-tag --compile) finds it too */
		if (d == BODY_BYTES) {
			kz_gazetteer *g;

			write_file(image, bad, blen);
			g = load_dir(x.gaz, x.f);
			ck_assert_int_eq(kz_gazetteer_verify(g), 1);
			ck_assert_int_eq(kz_gazetteer_verify(g), 0);
			ck_assert_msg(strstr(kz_gazetteer_origin(g), "damaged") != NULL,
			    "%s", kz_gazetteer_origin(g));
			small_answers(g, x.f);
			kz_gazetteer_free(g);
			after = slurp(image, &now);
			ck_assert(now == len && memcmp(after, good, len) == 0);
			free(after);
		}
		free(bad);
	}
	free(image);
	free(good);
	fixture_release(&x);
}
END_TEST

/* A gazetteer shared with another thread answers the same, checks its
 * blocks itself, and leaves the cache file to its owner: damage it finds
 * is mended in memory for it alone. */
START_TEST(gazcache_shared_reads_the_same_image)
{
	fixture x;
	unsigned char *good, *bad, *after;
	size_t len, now;
	char *image;
	kz_gazetteer *g, *s;

	fixture_init(&x);
	load_check(&x, "compiled into the cache", 0);
	image = file_ending(x.cache, ".kzg");
	ck_assert_ptr_nonnull(image);
	good = slurp(image, &len);
	g = load_dir(x.gaz, x.f);
	s = kz_gazetteer_share(g, x.f);
	small_answers(s, x.f);
	/* the same entries, decoded apart (views are never shared) */
	ck_assert_str_eq(kz_gazetteer_entry(s, 0)->id,
	    kz_gazetteer_entry(g, 0)->id);
	ck_assert_ptr_ne(kz_gazetteer_entry(s, 0), kz_gazetteer_entry(g, 0));
	kz_gazetteer_free(s);
	small_answers(g, x.f);          /* the owner's image is untouched */
	kz_gazetteer_free(g);

	bad = kz_malloc(len);
	memcpy(bad, good, len);
	for (size_t o = KZ_GAZIMAGE_HEADER + 100; o < len - 64; o += 4000)
		bad[o] ^= 0x5a;
	write_file(image, bad, len);
	g = load_dir(x.gaz, x.f);       /* the header is sound: mapped */
	s = kz_gazetteer_share(g, x.f);
	small_answers(s, x.f);
	after = slurp(image, &now);
	ck_assert_msg(now == len && memcmp(after, bad, len) == 0,
	    "the shared gazetteer rewrote its owner's cache file");
	free(after);
	kz_gazetteer_free(s);
	small_answers(g, x.f);          /* the owner mends the file */
	kz_gazetteer_free(g);
	after = slurp(image, &now);
	ck_assert(now == len && memcmp(after, good, len) == 0);
	free(after);
	free(bad);
	free(image);
	free(good);
	fixture_release(&x);
}
END_TEST

/* Editing a source rebuilds; touching one does not; broken YAML is
 * reported as ever, file, line and column. */
START_TEST(gazcache_follows_the_sources)
{
	static const char more[] = "- id: astana\n  type: LOC\n  name: Astana\n";
	fixture x;
	kz_gazetteer *g;
	kz_error err;
	size_t n;
	struct utimbuf old = { 1000000000, 1000000000 };
	char *text;

	fixture_init(&x);
	load_check(&x, "compiled into the cache", 0);
	load_check(&x, "loaded from the cache", 0);
	/* same bytes, other times: the content decides */
	ck_assert_int_eq(utime(x.yaml, &old), 0);
	load_check(&x, "loaded from the cache", 0);
	/* one more entry, written right away: seen */
	text = kz_strdup(small_yaml);
	text = kz_realloc(text, sizeof small_yaml + sizeof more);
	strcat(text, more);
	write_file(x.yaml, text, strlen(text));
	g = load_dir(x.gaz, x.f);
	ck_assert(starts_with(kz_gazetteer_origin(g), "compiled into the cache"));
	ck_assert_uint_eq(kz_gazetteer_size(g), 5);
	ck_assert_str_eq(match_id(g, x.f, "à Astana", 1, &n), "astana");
	kz_gazetteer_free(g);
	/* the same size, changed at once: seen (no stamp vouches for a file
	 * this young) */
	text[strlen(text) - 4] = 'u';       /* Astana -> Astuna */
	write_file(x.yaml, text, strlen(text));
	g = load_dir(x.gaz, x.f);
	ck_assert_ptr_null(match_id(g, x.f, "à Astana", 1, &n));
	ck_assert_str_eq(match_id(g, x.f, "à Astuna", 1, &n), "astana");
	kz_gazetteer_free(g);
	/* a second file */
	{
		char *p = path_in(x.gaz, "zz-more.yaml");

		write_file(p, "- id: almaty\n  type: LOC\n  name: Almaty\n", 40);
		g = load_dir(x.gaz, x.f);
		ck_assert_uint_eq(kz_gazetteer_size(g), 6);
		ck_assert_str_eq(kz_gazetteer_by_id(g, "almaty")->file, p);
		ck_assert_int_eq(kz_gazetteer_by_id(g, "almaty")->line, 1);
		kz_gazetteer_free(g);
		unlink(p);
		free(p);
	}
	/* broken YAML: the error, not a stale cache */
	write_file(x.yaml, small_yaml, sizeof small_yaml - 1);
	load_check(&x, "compiled into the cache", 0);
	write_file(x.yaml, "- id: x\n  type: PER\n  name: \"Jean\n", 34);
	ck_assert_ptr_null(kz_gazetteer_load_dir(x.gaz, x.f, &err));
	ck_assert_str_eq(err.file, x.yaml);
	ck_assert_int_gt(err.line, 0);
	ck_assert_int_gt(err.column, 0);
	ck_assert_msg(strstr(err.message, "YAML") != NULL, "%s", err.message);
	write_file(x.yaml, "- id: a\n  type: PER\n  name: A\n  colour: b\n", 42);
	ck_assert_ptr_null(kz_gazetteer_load_dir(x.gaz, x.f, &err));
	ck_assert_int_eq(err.line, 4);
	ck_assert_int_eq(err.column, 3);
	free(text);
	fixture_release(&x);
}
END_TEST

/* A stamp vouches for sources that have not changed since they were
 * hashed, and only for those: no rereading of big sources at start-up. */
START_TEST(gazcache_stamp_vouches)
{
	fixture x;
	kz_gazcache c;
	kz_gazsrc src;
	uint64_t hash = 0, h2;
	char why[256], *identity;
	kz_buf id;

	fixture_init(&x);
	/* a stamp only vouches for files older than the read by 2 s (sleep
	 * may end early on a signal: wait for the clock) */
	for (time_t t0 = time(NULL); time(NULL) < t0 + 4;)
		sleep(1);
	load_check(&x, "compiled into the cache", 0);
	kz_buf_init(&id);
	{
		char *real = realpath(x.gaz, NULL);

		kz_buf_addf(&id, "dir\n%s", real);
		free(real);
	}
	identity = kz_buf_detach(&id, NULL);
	kz_gazcache_init(&c, identity, why, sizeof why);
	ck_assert_ptr_nonnull(c.dir);
	ck_assert_int_eq(kz_gazcache_stat(&src, x.yaml), 0);
	ck_assert_int_eq(kz_gazcache_stamp_read(&c, &src, 1, &hash), 1);
	ck_assert_int_eq(kz_gazcache_hash_files(&src, 1, &h2), 0);
	ck_assert_uint_eq(hash, h2);
	/* a rewrite, even of the same bytes, is a new ctime */
	write_file(x.yaml, small_yaml, sizeof small_yaml - 1);
	ck_assert_int_eq(kz_gazcache_stat(&src, x.yaml), 0);
	ck_assert_int_eq(kz_gazcache_stamp_read(&c, &src, 1, &hash), 0);
	load_check(&x, "loaded from the cache", 0);
	/* the stamp written now is for a young file: it does not vouch */
	ck_assert_int_eq(kz_gazcache_stamp_read(&c, &src, 1, &hash), 0);
	kz_gazcache_release(&c);
	free(identity);
	fixture_release(&x);
}
END_TEST

/* No usable cache folder: the gazetteer is compiled in memory and works. */
START_TEST(gazcache_unusable_folder)
{
	fixture x;
	kz_gazetteer *g;
	char *file;

	fixture_init(&x);
	file = path_in(x.top, "a-file");
	write_file(file, "x", 1);
	kz_gazetteer_cache(1, file);
	g = load_dir(x.gaz, x.f);
	ck_assert_msg(starts_with(kz_gazetteer_origin(g), "compiled in memory"),
	    "%s", kz_gazetteer_origin(g));
	ck_assert_ptr_null(kz_gazetteer_cache_file(g));
	small_answers(g, x.f);
	ck_assert_int_eq(kz_gazetteer_verify(g), 0);
	kz_gazetteer_free(g);
	kz_gazetteer_cache(0, NULL);
	load_check(&x, "compiled in memory (the cache is off)", 0);
	setenv("KZ_CACHE", "off", 1);
	kz_gazetteer_cache(1, NULL);
	load_check(&x, "compiled in memory (the cache is off (KZ_CACHE=off))", 0);
	setenv("KZ_CACHE", x.cache, 1);
	load_check(&x, "compiled into the cache", 0);
	unsetenv("KZ_CACHE");
	unlink(file);
	free(file);
	fixture_release(&x);
}
END_TEST

/* Slots whose sources are gone are removed when another image is
 * written; files that are not ours are left alone. */
START_TEST(gazcache_old_slots_removed)
{
	fixture x;
	char *stamp, *image, *keep, *moved;
	struct utimbuf old;
	kz_gazetteer *g;
	DIR *d;
	struct dirent *de;
	int n = 0;

	fixture_init(&x);
	load_check(&x, "compiled into the cache", 0);
	stamp = file_ending(x.cache, ".stamp");
	image = file_ending(x.cache, ".kzg");
	ck_assert_ptr_nonnull(stamp);
	ck_assert_ptr_nonnull(image);
	keep = path_in(x.cache, "notes.txt");
	write_file(keep, "mine", 4);
	old.actime = old.modtime = time(NULL) - 7200;
	ck_assert_int_eq(utime(stamp, &old), 0);
	ck_assert_int_eq(utime(keep, &old), 0);
	/* the folder moves: its old slot has no sources any more */
	moved = path_in(x.top, "gaz2");
	ck_assert_int_eq(rename(x.gaz, moved), 0);
	g = load_dir(moved, x.f);
	ck_assert(starts_with(kz_gazetteer_origin(g), "compiled into the cache"));
	kz_gazetteer_free(g);
	ck_assert_int_ne(access(stamp, F_OK), 0);
	ck_assert_int_ne(access(image, F_OK), 0);
	ck_assert_int_eq(access(keep, F_OK), 0);
	d = opendir(x.cache);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	ck_assert_int_eq(n, 3);     /* the new slot's two files, notes.txt */
	ck_assert_int_eq(rename(moved, x.gaz), 0);
	free(moved);
	free(keep);
	free(stamp);
	free(image);
	fixture_release(&x);
}
END_TEST

Suite *
suite_gazcache(void)
{
	Suite *s = suite_create("gazcache");
	TCase *tc = tcase_create("gazcache");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, xxh64_known_values);
	tcase_add_test(tc, gazbuild_one_entry_at_a_time);
	tcase_add_test(tc, gazcache_same_as_yaml);
	tcase_add_test(tc, gazcache_matches_reference);
	tcase_add_test(tc, gazcache_damage_is_rebuilt);
	tcase_add_test(tc, gazcache_shared_reads_the_same_image);
	tcase_add_test(tc, gazcache_follows_the_sources);
	tcase_add_test(tc, gazcache_stamp_vouches);
	tcase_add_test(tc, gazcache_unusable_folder);
	tcase_add_test(tc, gazcache_old_slots_removed);
	suite_add_tcase(s, tc);
	return s;
}
