#include "gazbuild.h"

#include "buf.h"
#include "gazimage_int.h"
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

/*
 * How an image is laid out is gazimage.h's business; this file fills it
 * in. The sections must come in their order (STR, KEYREC, the strings
 * left, ENT, ENTIDX, ROLEREC, ROLETAB, KEYTAB, IDTAB, DEMTAB, CODETAB, the
 * two filters), but the KEYREC records can only be written once every key
 * is known. So kz_gazbuild_add writes what it can at once and keeps the
 * rest compact:
 *
 *   - the entry's strings go straight into the image (the STR section
 *     grows as entries come);
 *   - its record, exactly as it will lie in the ENT section, goes to a
 *     waiting list of words (`ent`), a surface's key being an offset into
 *     `keys` until keys are interned after the KEYREC section;
 *   - the index (token keys and their candidates, role lists, demonyms,
 *     codes, ids) takes a few integers per surface.
 *
 * kz_gazbuild_finish writes the rest, freeing each piece as soon as what
 * is left no longer needs it: the waiting records are copied into the
 * image chunk by chunk, each freed once copied.
 */

/* the image may pass 4 GiB: every offset in it is 32-bit */
#define TOO_LARGE "gazetteer too large to compile (the compiled form would" \
	" pass 4 GiB)"

/* The hash tables of the build (strings, keys, ids; open addressing,
 * linear probing, 8-byte slots) grow when three quarters full: for ten
 * million entries, growing them at half full would double the string
 * table to 1 GiB (and hold both copies while it is rehashed) in the
 * middle of the build. */
#define FULL(count, cap) ((count) * 4 > (cap) * 3)

/* ------------------------------------------------------------ the image */

/* An interned string: where it is, and the top half of its hash (to
 * place it and to skip most compares without reading the string). */
typedef struct islot {
	uint32_t off;           /* 0: empty */
	uint32_t h;
} islot;

typedef struct bld {
	unsigned char *buf;
	size_t len, cap;
	islot *itab;
	size_t icap, icount;
} bld;

/* n zeroed bytes at the given alignment (tables and bitmaps rely on the
 * zeros, and padding bytes must be zeros too: the image is a function of
 * its entries). Only the bytes handed out are touched: the capacity
 * beyond them costs address space, not memory. */
static size_t
b_alloc(bld *b, size_t n, size_t align)
{
	size_t off = (b->len + align - 1) & ~(align - 1);

	if (off + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1 << 16;

		while (off + n > cap)
			cap *= 2;
		b->buf = kz_realloc(b->buf, cap);
		b->cap = cap;
	}
	memset(b->buf + b->len, 0, off + n - b->len);
	b->len = off + n;
	return off;
}

static void
b_intern_grow(bld *b)
{
	islot *old = b->itab;
	size_t oldcap = b->icap;

	b->icap = b->icap ? b->icap * 2 : 1024;
	b->itab = kz_calloc(b->icap, sizeof *b->itab);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].off) {
			size_t k = old[i].h & (b->icap - 1);

			while (b->itab[k].off)
				k = (k + 1) & (b->icap - 1);
			b->itab[k] = old[i];
		}
	free(old);
}

/* Offset of string s in the image (added once, shared after), 0 for NULL.
 * With at != 0, s already lies at offset at: remember it there. */
static uint32_t
b_str_at(bld *b, const char *s, size_t at)
{
	size_t len, i;
	uint32_t h;

	if (s == NULL)
		return 0;
	if (FULL(b->icount + 1, b->icap))
		b_intern_grow(b);
	len = strlen(s);
	h = (uint32_t)(str_hash(s, len) >> 32);
	for (i = h & (b->icap - 1); b->itab[i].off; i = (i + 1) & (b->icap - 1))
		if (b->itab[i].h == h &&
		    strcmp((const char *)b->buf + b->itab[i].off, s) == 0)
			return b->itab[i].off;
	if (at == 0) {
		at = b_alloc(b, len + 1, 1);
		memcpy(b->buf + at, s, len + 1);
	}
	b->itab[i].off = (uint32_t)at;
	b->itab[i].h = h;
	b->icount++;
	return (uint32_t)at;
}

static uint32_t
b_str(bld *b, const char *s)
{
	return b_str_at(b, s, 0);
}

/* Write v at *pos and step past it; v is computed (and the buffer maybe
 * moved) before b->buf is read. */
static void
b_put(bld *b, size_t *pos, uint32_t v)
{
	wr32(b->buf + *pos, v);
	*pos += 4;
}

static void
b_sec(bld *b, int sec, size_t start)
{
	wr32(b->buf + KZ_H_SECTIONS + 8 * sec, (uint32_t)start);
	wr32(b->buf + KZ_H_SECTIONS + 8 * sec + 4, (uint32_t)(b->len - start));
}

/* ------------------------------------------------------------ waiting records */

/* Words in chunks of 4 MiB: no chunk is ever copied to grow, and each is
 * freed once copied into the image. */
#define WSHIFT 20
#define WMASK ((1u << WSHIFT) - 1)

typedef struct words {
	uint32_t **chunk;
	size_t nchunks;
	size_t len;
} words;

static void
w_put(words *w, uint32_t v)
{
	size_t c = w->len >> WSHIFT;

	if (c == w->nchunks) {
		w->chunk = kz_realloc(w->chunk, (c + 1) * sizeof *w->chunk);
		w->chunk[c] = kz_malloc(sizeof **w->chunk << WSHIFT);
		w->nchunks++;
	}
	w->chunk[c][w->len & WMASK] = v;
	w->len++;
}

static uint32_t *
w_at(const words *w, size_t i)
{
	return &w->chunk[i >> WSHIFT][i & WMASK];
}

static void
w_release(words *w)
{
	for (size_t c = 0; c < w->nchunks; c++)
		free(w->chunk[c]);
	free(w->chunk);
	memset(w, 0, sizeof *w);
}

/* ------------------------------------------------------------ the index */

/* A token key (a name, a variant, or a proper token prefix of one). */
#define KPREFIX 0x80000000u     /* in len: a proper prefix of some key */

typedef struct kinfo {
	uint32_t key;           /* its bytes: an offset into `keys` */
	uint32_t len;           /* | KPREFIX */
	uint32_t n, first;      /* candidates */
	uint32_t last_entry;    /* to list an entry once per key */
	uint32_t off;           /* its record in the image */
} kinfo;

typedef struct keyset {
	kinfo *k;
	size_t n, cap;
	islot *tab;             /* off: index + 1; h: top of the key's hash */
	size_t tcap;
} keyset;

static uint32_t
ks_get(keyset *ks, const char *arena, uint32_t key, size_t len)
{
	uint32_t h = (uint32_t)(str_hash(arena + key, len) >> 32);
	size_t i;

	if (FULL(ks->n + 1, ks->tcap)) {
		islot *old = ks->tab;
		size_t oldcap = ks->tcap;

		ks->tcap = ks->tcap ? ks->tcap * 2 : 1024;
		ks->tab = kz_calloc(ks->tcap, sizeof *ks->tab);
		for (size_t q = 0; q < oldcap; q++)
			if (old[q].off) {
				size_t k = old[q].h & (ks->tcap - 1);

				while (ks->tab[k].off)
					k = (k + 1) & (ks->tcap - 1);
				ks->tab[k] = old[q];
			}
		free(old);
	}
	for (i = h & (ks->tcap - 1); ks->tab[i].off; i = (i + 1) & (ks->tcap - 1)) {
		kinfo *k = &ks->k[ks->tab[i].off - 1];

		if (ks->tab[i].h == h && (k->len & ~KPREFIX) == len &&
		    memcmp(arena + k->key, arena + key, len) == 0)
			return ks->tab[i].off - 1;
	}
	if (ks->n == ks->cap) {
		ks->cap = ks->cap ? ks->cap * 2 : 1024;
		ks->k = kz_realloc(ks->k, ks->cap * sizeof *ks->k);
	}
	memset(&ks->k[ks->n], 0, sizeof ks->k[ks->n]);
	ks->k[ks->n].key = key;
	ks->k[ks->n].len = (uint32_t)len;
	ks->k[ks->n].last_entry = UINT32_MAX;
	ks->tab[i].off = (uint32_t)ks->n + 1;
	ks->tab[i].h = h;
	return (uint32_t)ks->n++;
}

typedef struct cand {
	uint32_t key, entry, surface;
} cand;

/* A role list: the holders of (title, of), or of title for any `of`. */
typedef struct rlist {
	uint32_t title, of;     /* string offsets in the image; of 0: any */
	uint32_t *items;        /* entry, from, to */
	size_t n, cap;
} rlist;

/* key -> entry tables (demonyms: the first wins; codes: the last). */
typedef struct smap {
	kz_strmap *idx;
	char **keys;
	uint32_t *entry;
	uint32_t *so;           /* the keys' offsets in the image, at the end */
	size_t n;
} smap;

static void
smap_put(smap *m, const char *key, uint32_t entry, int replace)
{
	intptr_t i;

	if (kz_strmap_get(m->idx, key, strlen(key), &i)) {
		if (replace)
			m->entry[i] = entry;
		return;
	}
	m->keys = kz_realloc(m->keys, (m->n + 1) * sizeof *m->keys);
	m->entry = kz_realloc(m->entry, (m->n + 1) * sizeof *m->entry);
	m->keys[m->n] = kz_strdup(key);
	m->entry[m->n] = entry;
	kz_strmap_put(m->idx, key, strlen(key), (intptr_t)m->n++);
}

static void
smap_release(smap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->entry);
	free(m->so);
	kz_strmap_free(m->idx);
	memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------ the builder */

struct kz_gazbuild {
	const kz_folder *folder;
	uint32_t nfiles;
	bld b;                  /* the image: header, then STR as entries come */
	words ent;              /* the entry records, waiting (see above) */
	uint32_t *ent_off;      /* each entry's first word in ent */
	size_t n, cap;
	kz_buf keys;            /* every surface's key, NUL-terminated */
	keyset ks;
	cand *cands;
	size_t ncands, capcands;
	uint32_t max_tokens;
	kz_strmap *rmap;        /* (title, of) offsets -> index in lists */
	rlist *lists;
	size_t nlists, caplists;
	smap dem, codes;
	islot *ids;             /* id -> entry: off is entry + 1 */
	size_t idcap;
};

kz_gazbuild *
kz_gazbuild_new(const kz_folder *f, uint32_t nfiles)
{
	kz_gazbuild *g = kz_calloc(1, sizeof *g);

	g->folder = f;
	g->nfiles = nfiles;
	b_alloc(&g->b, HDR, 8);
	kz_buf_init(&g->keys);
	g->rmap = kz_strmap_new();
	g->dem.idx = kz_strmap_new();
	g->codes.idx = kz_strmap_new();
	return g;
}

void
kz_gazbuild_free(kz_gazbuild *g)
{
	if (g == NULL)
		return;
	free(g->b.buf);
	free(g->b.itab);
	w_release(&g->ent);
	free(g->ent_off);
	kz_buf_release(&g->keys);
	free(g->ks.k);
	free(g->ks.tab);
	free(g->cands);
	kz_strmap_free(g->rmap);
	for (size_t l = 0; l < g->nlists; l++)
		free(g->lists[l].items);
	free(g->lists);
	smap_release(&g->dem);
	smap_release(&g->codes);
	free(g->ids);
	free(g);
}

size_t
kz_gazbuild_count(const kz_gazbuild *g)
{
	return g->n;
}

void
kz_gazbuild_where(const kz_gazbuild *g, uint32_t i, uint32_t *file,
    long *line)
{
	*file = *w_at(&g->ent, g->ent_off[i]) >> 16;
	*line = (long)*w_at(&g->ent, g->ent_off[i] + 1);
}

/* The id of entry i: the first string of its record. */
static const char *
id_of(const kz_gazbuild *g, uint32_t i)
{
	return (const char *)g->b.buf + *w_at(&g->ent, g->ent_off[i] + 5);
}

/* The slot of id in g->ids: its entry's, or the empty one it would take. */
static size_t
id_slot(const kz_gazbuild *g, const char *id, uint32_t h)
{
	size_t i;

	for (i = h & (g->idcap - 1); g->ids[i].off; i = (i + 1) & (g->idcap - 1))
		if (g->ids[i].h == h && strcmp(id_of(g, g->ids[i].off - 1), id) == 0)
			break;
	return i;
}

int
kz_gazbuild_find_id(const kz_gazbuild *g, const char *id, uint32_t *entry)
{
	size_t i;

	if (g->idcap == 0)
		return 0;
	i = id_slot(g, id, (uint32_t)(str_hash(id, strlen(id)) >> 32));
	if (g->ids[i].off == 0)
		return 0;
	*entry = g->ids[i].off - 1;
	return 1;
}

static void
ids_add(kz_gazbuild *g, uint32_t entry)
{
	const char *id;
	uint32_t h;
	size_t i;

	if (FULL(g->n + 1, g->idcap)) {
		islot *old = g->ids;
		size_t oldcap = g->idcap;

		g->idcap = g->idcap ? g->idcap * 2 : 1024;
		g->ids = kz_calloc(g->idcap, sizeof *g->ids);
		for (size_t q = 0; q < oldcap; q++)
			if (old[q].off) {
				size_t k = old[q].h & (g->idcap - 1);

				while (g->ids[k].off)
					k = (k + 1) & (g->idcap - 1);
				g->ids[k] = old[q];
			}
		free(old);
	}
	id = id_of(g, entry);
	h = (uint32_t)(str_hash(id, strlen(id)) >> 32);
	i = id_slot(g, id, h);
	g->ids[i].off = entry + 1;
	g->ids[i].h = h;
}

static void
rlist_add(kz_gazbuild *g, uint32_t title, uint32_t of, uint32_t entry,
    int32_t from, int32_t to)
{
	uint32_t k[2] = { title, of };
	intptr_t li;
	rlist *l;

	if (!kz_strmap_get(g->rmap, (const char *)k, sizeof k, &li)) {
		if (g->nlists == g->caplists) {
			g->caplists = g->caplists ? g->caplists * 2 : 16;
			g->lists = kz_realloc(g->lists, g->caplists * sizeof *g->lists);
		}
		li = (intptr_t)g->nlists++;
		memset(&g->lists[li], 0, sizeof g->lists[li]);
		g->lists[li].title = title;
		g->lists[li].of = of;
		kz_strmap_put(g->rmap, (const char *)k, sizeof k, li);
	}
	l = &g->lists[li];
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->items = kz_realloc(l->items, l->cap * 3 * sizeof *l->items);
	}
	l->items[3 * l->n] = entry;
	memcpy(&l->items[3 * l->n + 1], &from, 4);
	memcpy(&l->items[3 * l->n + 2], &to, 4);
	l->n++;
}

/* A name "République du Kazakhstan" that ends with the place's own name
 * is not indexed: the name is what gets tagged (a title such as
 * "Président de la République" may own the words before it). */
static int
long_form_of_place(const kz_entry *e, const kz_surface *s)
{
	const char *name = e->surfaces[0].key;
	size_t a = strlen(s->key), b = strlen(name);

	return strcmp(e->type, "LOC") == 0 && a > b + 1 &&
	    strcmp(s->key + a - b, name) == 0 && s->key[a - b - 1] == ' ';
}

static int
indexed(const kz_entry *e, const kz_surface *s)
{
	/* a name has a capital somewhere: "forces armées russes" is a phrase,
	 * not a name, and would fire on every lower-case mention (a lower-case
	 * acronym such as "dpa" matches only as written) */
	return !long_form_of_place(e, s) && s->key[0] != '\0' &&
	    (s->caps != 0 || s->acronym);
}

/* Index surface s of entry i, whose key lies at `key` in g->keys. */
static void
index_surface(kz_gazbuild *g, const kz_entry *e, uint32_t i, uint32_t s,
    uint32_t key)
{
	const kz_surface *su = &e->surfaces[s];
	size_t len = strlen(su->key);
	uint32_t ki;

	if (!indexed(e, su))
		return;
	ki = ks_get(&g->ks, g->keys.data, key, len);
	/* one entry listed twice under one key counts once */
	if (g->ks.k[ki].last_entry == i)
		return;
	g->ks.k[ki].last_entry = i;
	g->ks.k[ki].n++;
	if (g->ncands == g->capcands) {
		g->capcands = g->capcands ? g->capcands * 2 : 1024;
		g->cands = kz_realloc(g->cands, g->capcands * sizeof *g->cands);
	}
	g->cands[g->ncands].key = ki;
	g->cands[g->ncands].entry = i;
	g->cands[g->ncands].surface = s;
	g->ncands++;
	for (size_t p = 0; p < len; p++)
		if (su->key[p] == ' ') {
			uint32_t pk = ks_get(&g->ks, g->keys.data, key, p);

			g->ks.k[pk].len |= KPREFIX;     /* after ks_get moved ks.k */
		}
	if (su->ntokens > g->max_tokens)
		g->max_tokens = (uint32_t)su->ntokens;
}

int
kz_gazbuild_add(kz_gazbuild *g, const kz_entry *e, uint32_t file,
    kz_error *err)
{
	const char *fs[NFIELDS] = { e->id, e->type, e->name, e->preferred,
	    e->wikidata, e->kind, e->code, e->country, e->capital,
	    e->nationality };
	uint32_t i = (uint32_t)g->n, head = file << 16, prev;
	size_t rec = g->ent.len, sw;

	if (g->n >= UINT32_MAX - 1 || g->nfiles > 0xffff)
		return kz_error_set(err, NULL, 0, 0, "gazetteer too large to compile"
		    " (%zu entries, %u files)", g->n + 1, g->nfiles);
	if (e->id == NULL || e->type == NULL || e->name == NULL ||
	    file >= g->nfiles)
		return kz_error_set(err, NULL, 0, 0, "internal error: an entry"
		    " without an id, a type or a name, or from no file");
	if (kz_gazbuild_find_id(g, e->id, &prev))
		return kz_error_set(err, NULL, 0, 0, "internal error: id '%s'"
		    " added twice", e->id);
	/* the record as it will lie in the ENT section (gazimage.h); its
	 * strings interned now, in the order they always are: fields,
	 * surfaces, roles, demonyms */
	for (int k = 0; k < NFIELDS; k++)
		if (fs[k])
			head |= 1u << k;
	head |= (e->gender == 'm' ? 1u : e->gender == 'f' ? 2u : 0u) << 10;
	w_put(&g->ent, head);
	w_put(&g->ent, e->line > 0 && e->line < UINT32_MAX ? (uint32_t)e->line
	    : 0);
	w_put(&g->ent, (uint32_t)e->nsurfaces);
	w_put(&g->ent, (uint32_t)e->nroles);
	w_put(&g->ent, (uint32_t)e->ndemonyms);
	for (int k = 0; k < NFIELDS; k++)
		if (fs[k])
			w_put(&g->ent, b_str(&g->b, fs[k]));
	sw = g->ent.len;
	for (size_t s = 0; s < e->nsurfaces; s++) {
		const kz_surface *su = &e->surfaces[s];

		w_put(&g->ent, b_str(&g->b, su->text));
		/* the key: interned after the KEYREC section */
		w_put(&g->ent, (uint32_t)g->keys.len);
		kz_buf_add(&g->keys, su->key, strlen(su->key) + 1);
		w_put(&g->ent, su->caps);
		w_put(&g->ent, (uint32_t)(su->ntokens & 0x7fffffff) |
		    (su->acronym ? 0x80000000u : 0));
		w_put(&g->ent, (uint32_t)su->from);
		w_put(&g->ent, (uint32_t)su->to);
	}
	for (size_t r = 0; r < e->nroles; r++) {
		w_put(&g->ent, b_str(&g->b, e->roles[r].title));
		w_put(&g->ent, b_str(&g->b, e->roles[r].of));
		w_put(&g->ent, (uint32_t)e->roles[r].from);
		w_put(&g->ent, (uint32_t)e->roles[r].to);
	}
	for (size_t d = 0; d < e->ndemonyms; d++)
		w_put(&g->ent, b_str(&g->b, e->demonyms[d]));
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 1024;
		g->ent_off = kz_realloc(g->ent_off, g->cap * sizeof *g->ent_off);
	}
	g->ent_off[g->n++] = (uint32_t)rec;
	ids_add(g, i);

	/* the index */
	for (uint32_t s = 0; s < e->nsurfaces; s++)
		index_surface(g, e, i, s, *w_at(&g->ent, sw + 6 * (size_t)s + 1));
	for (size_t r = 0; r < e->nroles; r++) {
		size_t rw = sw + 6 * e->nsurfaces + 4 * r;
		uint32_t title = *w_at(&g->ent, rw), of = *w_at(&g->ent, rw + 1);

		if (of)
			rlist_add(g, title, of, i, e->roles[r].from, e->roles[r].to);
		rlist_add(g, title, 0, i, e->roles[r].from, e->roles[r].to);
	}
	for (size_t d = 0; d < e->ndemonyms; d++) {
		char *k = kz_key_of(g->folder, e->demonyms[d], NULL);

		smap_put(&g->dem, k, i, 0);
		free(k);
	}
	if (e->code && e->kind && strcmp(e->kind, "country") == 0)
		smap_put(&g->codes, e->code, i, 1);
	/* all of that will be in the image, and more: stop early */
	if (g->b.len + 4 * g->ent.len + g->keys.len >= UINT32_MAX)
		return kz_error_set(err, NULL, 0, 0, TOO_LARGE);
	return 0;
}

/* ------------------------------------------------------------ finishing */

/* Word offset in g->ent of surface s of entry i. */
static size_t
surface_word(const kz_gazbuild *g, uint32_t i, uint32_t s)
{
	size_t w = g->ent_off[i];

	return w + 5 + popcount32(*w_at(&g->ent, w) & 0x3ff) + 6 * (size_t)s;
}

/* The key bytes of key k, from its record in the image. */
static const char *
key_bytes(const kz_gazbuild *g, const kinfo *k)
{
	return (const char *)g->b.buf + k->off + 8 + 16 * (size_t)k->n;
}

/* Capital mask of surface s of entry i, from the ENT section at `ent`
 * (through the ENTIDX section at `idx`). */
static uint32_t
caps_of(const kz_gazbuild *g, size_t idx, uint32_t i, uint32_t s)
{
	const unsigned char *r = g->b.buf + rd32(g->b.buf + idx + 4 * (size_t)i);

	return rd32(r + 20 + 4 * popcount32(rd32(r) & 0x3ff) + 24 * (size_t)s +
	    8);
}

static void
emit_strtab(bld *b, int sec, const smap *m)
{
	size_t nslots = m->n ? pow2_at_least(m->n * 4 / 3 + 1) : 0;
	size_t start = b_alloc(b, 12 * nslots, 8);

	for (size_t k = 0; k < m->n; k++) {
		uint64_t h = str_hash(m->keys[k], strlen(m->keys[k]));
		size_t i = (size_t)h & (nslots - 1);

		while (rd32(b->buf + start + 12 * i + 4))
			i = (i + 1) & (nslots - 1);
		wr32(b->buf + start + 12 * i, (uint32_t)(h >> 32));
		wr32(b->buf + start + 12 * i + 4, m->entry[k] + 1);
		wr32(b->buf + start + 12 * i + 8, m->so[k]);
	}
	b_sec(b, sec, start);
}

static void
emit_filter(kz_gazbuild *g, int sec, const cand *c, size_t nc, size_t idx,
    int lower_only)
{
	bld *b = &g->b;
	size_t want = 0, nbits, start;

	for (size_t i = 0; i < nc; i++)
		if (!lower_only || !(caps_of(g, idx, c[i].entry, c[i].surface) & 1))
			want++;
	nbits = want ? pow2_at_least(16 * want) : 0;
	if (nbits && nbits < 512)
		nbits = 512;
	start = b_alloc(b, nbits / 8, 8);
	for (size_t i = 0; i < nc; i++) {
		const kinfo *k = &g->ks.k[c[i].key];
		const char *key = key_bytes(g, k), *sp;
		size_t bit, flen, len = k->len & ~KPREFIX;

		if (lower_only && (caps_of(g, idx, c[i].entry, c[i].surface) & 1))
			continue;
		sp = memchr(key, ' ', len);
		flen = sp ? (size_t)(sp - key) : len;
		bit = filter_bit(str_hash(key, flen), nbits);
		b->buf[start + bit / 8] |= (unsigned char)(1u << (bit % 8));
	}
	b_sec(b, sec, start);
}

/* An open-addressing table of {u32 fingerprint, u32 value} slots for n
 * items, linear probing: allocated by table_start, filled by table_put
 * with nothing else allocated in between. */
static size_t
table_start(bld *b, size_t n)
{
	return b_alloc(b, 8 * (n ? pow2_at_least(n * 4 / 3 + 1) : 0), 8);
}

static void
table_put(bld *b, size_t start, uint64_t h, uint32_t value)
{
	size_t nslots = (b->len - start) / 8;
	size_t i = (size_t)h & (nslots - 1);

	while (rd32(b->buf + start + 8 * i + 4))
		i = (i + 1) & (nslots - 1);
	wr32(b->buf + start + 8 * i, (uint32_t)(h >> 32));
	wr32(b->buf + start + 8 * i + 4, value);
}

int
kz_gazbuild_finish(kz_gazbuild *g, uint64_t key, kz_gazimage *out,
    kz_error *err)
{
	bld *b = &g->b;
	keyset *ks = &g->ks;
	cand *sorted = NULL;
	size_t start, nblocks, idx, n = g->n;
	kz_xxh64_state st;
	uint32_t bom = 0x01020304;
	char why[128];
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (g->nfiles > 0xffff) {
		rc = kz_error_set(err, NULL, 0, 0, "gazetteer too large to compile"
		    " (%zu entries, %u files)", n, g->nfiles);
		goto done;
	}
	/* no more look-ups: only what the sections need is kept */
	free(g->ids);
	g->ids = NULL;
	free(ks->tab);
	ks->tab = NULL;
	/* candidates grouped by key, in the order they were found */
	{
		uint32_t at = 0;

		for (size_t k = 0; k < ks->n; k++) {
			ks->k[k].first = at;
			at += ks->k[k].n;
		}
		sorted = kz_malloc((g->ncands ? g->ncands : 1) * sizeof *sorted);
		for (size_t k = 0; k < ks->n; k++)
			ks->k[k].n = 0;
		for (size_t c = 0; c < g->ncands; c++) {
			kinfo *k = &ks->k[g->cands[c].key];

			sorted[k->first + k->n++] = g->cands[c];
		}
		free(g->cands);
		g->cands = NULL;
	}
	b_sec(b, KZ_SEC_STR, HDR);
	/* key records; a whole key's bytes may serve as a surface's key */
	start = b_alloc(b, 0, 4);
	for (size_t k = 0; k < ks->n; k++) {
		kinfo *ki = &ks->k[k];
		size_t len = ki->len & ~KPREFIX;
		size_t off = b_alloc(b, 8 + 16 * (size_t)ki->n + len + 1, 4);
		unsigned char *p = b->buf + off;

		ki->off = (uint32_t)off;
		wr32(p, (uint32_t)len);
		wr32(p + 4, ki->n | (ki->len & KPREFIX ? PREFIX_BIT : 0));
		for (uint32_t c = 0; c < ki->n; c++) {
			const cand *cd = &sorted[ki->first + c];
			size_t sw = surface_word(g, cd->entry, cd->surface);
			uint32_t text = *w_at(&g->ent, sw);
			uint32_t caps = *w_at(&g->ent, sw + 2);
			int acronym = (*w_at(&g->ent, sw + 3) >> 31) != 0;

			wr32(p + 8 + 8 * c, cd->entry);
			wr32(p + 12 + 8 * c, cd->surface);
			wr32(p + 8 + 8 * ki->n + 4 * c, caps);
			wr32(p + 8 + 12 * ki->n + 4 * c, acronym ? text : 0);
		}
		p += 8 + 16 * (size_t)ki->n;
		memcpy(p, g->keys.data + ki->key, len);
		p[len] = '\0';
		if (ki->n)
			b_str_at(b, (const char *)p, off + 8 + 16 * (size_t)ki->n);
	}
	b_sec(b, KZ_SEC_KEYREC, start);
	/* the remaining strings: keys of surfaces that are not indexed,
	 * demonym keys; then the strings are all in and the intern table and
	 * the keys can go */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t ns = *w_at(&g->ent, g->ent_off[i] + 2);

		for (uint32_t s = 0; s < ns; s++) {
			uint32_t *kw = w_at(&g->ent, surface_word(g, i, s) + 1);

			*kw = b_str(b, g->keys.data + *kw);
		}
	}
	g->dem.so = kz_malloc((g->dem.n + 1) * sizeof *g->dem.so);
	for (size_t d = 0; d < g->dem.n; d++)
		g->dem.so[d] = b_str(b, g->dem.keys[d]);
	g->codes.so = kz_malloc((g->codes.n + 1) * sizeof *g->codes.so);
	for (size_t c = 0; c < g->codes.n; c++)
		g->codes.so[c] = b_str(b, g->codes.keys[c]);    /* interned before */
	free(b->itab);
	b->itab = NULL;
	kz_buf_release(&g->keys);
	/* the entry records, each chunk freed once copied */
	start = b_alloc(b, 0, 4);
	if (b->len + 4 * g->ent.len + 4 * n >= UINT32_MAX) {
		rc = kz_error_set(err, NULL, 0, 0, TOO_LARGE);
		goto done;
	}
	b_alloc(b, 4 * g->ent.len, 4);
	for (size_t c = 0, left = g->ent.len; c < g->ent.nchunks; c++) {
		size_t nw = left < (1u << WSHIFT) ? left : (1u << WSHIFT);

		memcpy(b->buf + start + 4 * (c << WSHIFT), g->ent.chunk[c], 4 * nw);
		left -= nw;
		free(g->ent.chunk[c]);
		g->ent.chunk[c] = NULL;
	}
	w_release(&g->ent);
	b_sec(b, KZ_SEC_ENT, start);
	idx = b_alloc(b, 4 * n, 4);
	for (size_t i = 0; i < n; i++)
		wr32(b->buf + idx + 4 * i, (uint32_t)(start + 4 * (size_t)g->ent_off[i]));
	b_sec(b, KZ_SEC_ENTIDX, idx);
	free(g->ent_off);
	g->ent_off = NULL;
	/* role lists */
	{
		uint32_t *roff = kz_malloc((g->nlists ? g->nlists : 1) * sizeof *roff);

		start = b_alloc(b, 0, 4);
		for (size_t l = 0; l < g->nlists; l++) {
			const rlist *li = &g->lists[l];
			size_t off = b_alloc(b, 12 + 12 * li->n, 4);

			roff[l] = (uint32_t)off;
			b_put(b, &off, li->title);
			b_put(b, &off, li->of);
			b_put(b, &off, (uint32_t)li->n);
			memcpy(b->buf + off, li->items, 12 * li->n);
		}
		b_sec(b, KZ_SEC_ROLEREC, start);
		start = table_start(b, g->nlists);
		for (size_t l = 0; l < g->nlists; l++) {
			const rlist *li = &g->lists[l];

			table_put(b, start, role_hash((const char *)b->buf + li->title,
			    li->of ? (const char *)b->buf + li->of : NULL), roff[l]);
		}
		b_sec(b, KZ_SEC_ROLETAB, start);
		free(roff);
	}
	/* key table */
	start = table_start(b, ks->n);
	for (size_t k = 0; k < ks->n; k++)
		table_put(b, start, str_hash(key_bytes(g, &ks->k[k]),
		    ks->k[k].len & ~KPREFIX), ks->k[k].off);
	b_sec(b, KZ_SEC_KEYTAB, start);
	/* ids */
	start = table_start(b, n);
	for (size_t e = 0; e < n; e++) {
		const unsigned char *r = b->buf + rd32(b->buf + idx + 4 * e);
		const char *id = (const char *)b->buf + rd32(r + 20);

		table_put(b, start, str_hash(id, strlen(id)), (uint32_t)e + 1);
	}
	b_sec(b, KZ_SEC_IDTAB, start);
	emit_strtab(b, KZ_SEC_DEMTAB, &g->dem);
	emit_strtab(b, KZ_SEC_CODETAB, &g->codes);
	emit_filter(g, KZ_SEC_FLTANY, sorted, g->ncands, idx, 0);
	emit_filter(g, KZ_SEC_FLTLOW, sorted, g->ncands, idx, 1);

	/* block table and header */
	b_alloc(b, 0, 8);
	start = b->len;
	nblocks = (start - HDR + BLOCK - 1) / BLOCK;
	if (start + 8 * nblocks > UINT32_MAX) {
		rc = kz_error_set(err, NULL, 0, 0, TOO_LARGE);
		goto done;
	}
	b_alloc(b, 8 * nblocks, 8);
	for (size_t k = 0; k < nblocks; k++) {
		size_t s = HDR + k * BLOCK, e = s + BLOCK < start ? s + BLOCK : start;

		wr64(b->buf + start + 8 * k, kz_xxh64(b->buf + s, e - s, k));
	}
	memcpy(b->buf + KZ_H_MAGIC, KZ_GAZIMAGE_MAGIC, 8);
	wr32(b->buf + KZ_H_VERSION, KZ_GAZIMAGE_VERSION);
	memcpy(b->buf + KZ_H_BOM, &bom, 4);
	wr64(b->buf + KZ_H_SIZE, b->len);
	wr64(b->buf + KZ_H_KEY, key);
	wr32(b->buf + KZ_H_BLOCKSHIFT, SHIFT);
	wr32(b->buf + KZ_H_NBLOCKS, (uint32_t)nblocks);
	wr32(b->buf + KZ_H_BLOCKS, (uint32_t)start);
	wr32(b->buf + KZ_H_NENTRIES, (uint32_t)n);
	wr32(b->buf + KZ_H_MAXTOKENS, g->max_tokens);
	wr32(b->buf + KZ_H_NFILES, g->nfiles);
	kz_xxh64_init(&st, 0);
	kz_xxh64_update(&st, b->buf, HDR);
	kz_xxh64_update(&st, b->buf + start, 8 * nblocks);
	wr64(b->buf + KZ_H_SUM, kz_xxh64_digest(&st));
	/* give back the capacity never used */
	b->buf = kz_realloc(b->buf, b->len);
	b->cap = b->len;
	if (kz_gazimage_open(out, b->buf, b->len, 0, key, g->nfiles, why,
	    sizeof why) != 0) {
		rc = kz_error_set(err, NULL, 0, 0, "internal error: the compiled"
		    " gazetteer does not open: %s", why);
		goto done;
	}
	out->owned = b->buf;
	b->buf = NULL;
	kz_gazimage_trust(out);
done:
	free(sorted);
	kz_gazbuild_free(g);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}
