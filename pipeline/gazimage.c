#include "gazimage.h"

#include "buf.h"
#include "gazimage_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static int
is_pow2(size_t x)
{
	return x && (x & (x - 1)) == 0;
}

/* ------------------------------------------------------------ trust */

static int
check_block(kz_gazimage *im, size_t b)
{
	size_t start = HDR + (b << SHIFT);
	size_t end = start + BLOCK < im->body_end ? start + BLOCK : im->body_end;

	if (kz_xxh64(im->base + start, end - start, b) ==
	    rd64(im->base + im->body_end + 8 * b)) {
		im->bstate[b] = 1;
		return 0;
	}
	im->bstate[b] = 2;
	return -1;
}

/* May bytes [off, off + len) of the body be read? Checks the bounds, and
 * the checksum of every block they touch that is not checked yet. */
static inline int
need(kz_gazimage *im, size_t off, size_t len)
{
	if (off < HDR || off > im->body_end || len > im->body_end - off)
		return -1;
	if (im->bstate == NULL || len == 0)
		return 0;
	for (size_t b = (off - HDR) >> SHIFT; b <= (off + len - 1 - HDR) >> SHIFT;
	    b++) {
		if (im->bstate[b] == 1)
			continue;
		if (im->bstate[b] == 2 || check_block(im, b) != 0)
			return -1;
	}
	return 0;
}

static inline int
in_sec(const kz_gazimage *im, int sec, size_t off, size_t len)
{
	size_t s = im->sec_off[sec], e = s + im->sec_size[sec];

	return off >= s && off <= e && len <= e - off;
}

/* The NUL-terminated string at off (anywhere in the body), or NULL. */
static const char *
str_at(kz_gazimage *im, uint32_t off)
{
	size_t o = off;

	if (o < HDR || o >= im->body_end)
		return NULL;
	for (;;) {
		size_t end = HDR + ((((o - HDR) >> SHIFT) + 1) << SHIFT);

		if (end > im->body_end)
			end = im->body_end;
		if (need(im, o, end - o) != 0)
			return NULL;
		if (memchr(im->base + o, 0, end - o) != NULL)
			return (const char *)im->base + off;
		if (end == im->body_end)
			return NULL;
		o = end;
	}
}

static int
str_eq(kz_gazimage *im, uint32_t off, const char *s, size_t len)
{
	const char *t = str_at(im, off);

	if (t == NULL)
		return -1;
	return strncmp(t, s, len) == 0 && t[len] == '\0';
}

int
kz_gazimage_verify(kz_gazimage *im)
{
	int rc = 0;

	if (im->bstate == NULL)
		return 0;
	for (size_t b = 0; b < im->nblocks; b++)
		if (im->bstate[b] != 1 && (im->bstate[b] == 2 ||
		    check_block(im, b) != 0))
			rc = -1;
	return rc;
}

void
kz_gazimage_trust(kz_gazimage *im)
{
	free(im->bstate);
	im->bstate = NULL;
}

/* ------------------------------------------------------------ open */

static int
why_set(char *why, size_t n, const char *msg)
{
	if (why && n)
		snprintf(why, n, "%s", msg);
	return -1;
}

int
kz_gazimage_open(kz_gazimage *im, const unsigned char *base, size_t size,
    int mapped, uint64_t key, uint32_t nfiles, char *why, size_t whylen)
{
	unsigned char head[HDR];
	uint32_t blocks, nblocks;
	kz_xxh64_state st;
	uint32_t bom = 0x01020304;

	memset(im, 0, sizeof *im);
	im->base = base;
	im->size = size;
	im->mapped = mapped;
	if (size < HDR)
		return why_set(why, whylen, "shorter than a header");
	if (memcmp(base + KZ_H_MAGIC, KZ_GAZIMAGE_MAGIC, 8) != 0)
		return why_set(why, whylen, "not a compiled gazetteer (bad magic)");
	if (rd32(base + KZ_H_VERSION) != KZ_GAZIMAGE_VERSION ||
	    memcmp(base + KZ_H_BOM, &bom, 4) != 0)
		return why_set(why, whylen, "another format version or byte order");
	if (rd64(base + KZ_H_SIZE) != size)
		return why_set(why, whylen, "wrong size (truncated?)");
	if (rd64(base + KZ_H_KEY) != key)
		return why_set(why, whylen, "compiled from other sources");
	blocks = rd32(base + KZ_H_BLOCKS);
	nblocks = rd32(base + KZ_H_NBLOCKS);
	if (rd32(base + KZ_H_BLOCKSHIFT) != SHIFT || blocks < HDR ||
	    blocks % 8 != 0 || blocks > size ||
	    (size - blocks) / 8 != nblocks || (size - blocks) % 8 != 0 ||
	    nblocks != ((size_t)blocks - HDR + BLOCK - 1) / BLOCK)
		return why_set(why, whylen, "bad block table");
	memcpy(head, base, HDR);
	wr64(head + KZ_H_SUM, 0);
	kz_xxh64_init(&st, 0);
	kz_xxh64_update(&st, head, HDR);
	kz_xxh64_update(&st, base + blocks, (size_t)nblocks * 8);
	if (kz_xxh64_digest(&st) != rd64(base + KZ_H_SUM))
		return why_set(why, whylen, "header checksum mismatch");
	im->key = key;
	im->body_end = blocks;
	im->nblocks = nblocks;
	im->nentries = rd32(base + KZ_H_NENTRIES);
	im->max_tokens = rd32(base + KZ_H_MAXTOKENS);
	im->nfiles = rd32(base + KZ_H_NFILES);
	if (im->nfiles != nfiles)
		return why_set(why, whylen, "wrong number of source files");
	for (int s = 0; s < KZ_NSEC; s++) {
		uint32_t off = rd32(base + KZ_H_SECTIONS + 8 * s);
		uint32_t sz = rd32(base + KZ_H_SECTIONS + 8 * s + 4);

		if (off < HDR || off % 4 != 0 || off > blocks || sz > blocks - off)
			return why_set(why, whylen, "section out of range");
		im->sec_off[s] = off;
		im->sec_size[s] = sz;
	}
	if (im->sec_size[KZ_SEC_ENTIDX] != (uint64_t)im->nentries * 4 ||
	    (im->sec_size[KZ_SEC_KEYTAB] && (im->sec_size[KZ_SEC_KEYTAB] % 8 ||
	    !is_pow2(im->sec_size[KZ_SEC_KEYTAB] / 8))) ||
	    (im->sec_size[KZ_SEC_IDTAB] && (im->sec_size[KZ_SEC_IDTAB] % 8 ||
	    !is_pow2(im->sec_size[KZ_SEC_IDTAB] / 8))) ||
	    (im->sec_size[KZ_SEC_ROLETAB] && (im->sec_size[KZ_SEC_ROLETAB] % 8 ||
	    !is_pow2(im->sec_size[KZ_SEC_ROLETAB] / 8))) ||
	    (im->sec_size[KZ_SEC_DEMTAB] && (im->sec_size[KZ_SEC_DEMTAB] % 12 ||
	    !is_pow2(im->sec_size[KZ_SEC_DEMTAB] / 12))) ||
	    (im->sec_size[KZ_SEC_CODETAB] && (im->sec_size[KZ_SEC_CODETAB] % 12 ||
	    !is_pow2(im->sec_size[KZ_SEC_CODETAB] / 12))) ||
	    (im->sec_size[KZ_SEC_FLTANY] && !is_pow2(im->sec_size[KZ_SEC_FLTANY])) ||
	    (im->sec_size[KZ_SEC_FLTLOW] && !is_pow2(im->sec_size[KZ_SEC_FLTLOW])) ||
	    im->sec_size[KZ_SEC_FLTANY] % 8 || im->sec_size[KZ_SEC_FLTLOW] % 8)
		return why_set(why, whylen, "bad table geometry");
	im->bstate = kz_calloc(nblocks ? nblocks : 1, 1);
	return 0;
}

void
kz_gazimage_release(kz_gazimage *im)
{
	if (im == NULL)
		return;
	if (im->mapped && im->base)
		munmap((void *)(uintptr_t)im->base, im->size);
	free(im->owned);
	free(im->bstate);
	memset(im, 0, sizeof *im);
}

/* ------------------------------------------------------------ records */

typedef struct keyrec {
	uint32_t off, len, n, prefix;
} keyrec;

static int
keyrec_at(kz_gazimage *im, uint32_t off, keyrec *r)
{
	size_t total;
	uint32_t nf;

	if (off % 4 || !in_sec(im, KZ_SEC_KEYREC, off, 8) || need(im, off, 8))
		return -1;
	r->off = off;
	r->len = rd32(im->base + off);
	nf = rd32(im->base + off + 4);
	r->n = nf & ~PREFIX_BIT;
	r->prefix = (nf & PREFIX_BIT) != 0;
	total = 8 + (size_t)r->n * 16 + r->len + 1;
	if (!in_sec(im, KZ_SEC_KEYREC, off, total) || need(im, off, total))
		return -1;
	return 0;
}

static int
find_key(kz_gazimage *im, const char *key, size_t len, uint64_t h, keyrec *r)
{
	size_t nslots = im->sec_size[KZ_SEC_KEYTAB] / 8, mask = nslots - 1;
	size_t i = (size_t)h & mask;
	uint32_t fp = (uint32_t)(h >> 32);

	for (size_t probe = 0; probe < nslots; probe++, i = (i + 1) & mask) {
		size_t so = im->sec_off[KZ_SEC_KEYTAB] + 8 * i;
		uint32_t off;

		if (need(im, so, 8) != 0)
			return -1;
		off = rd32(im->base + so + 4);
		if (off == 0)
			return 0;
		if (rd32(im->base + so) != fp)
			continue;
		if (keyrec_at(im, off, r) != 0)
			return -1;
		if (r->len == len && memcmp(im->base + off + 8 + 16 * (size_t)r->n,
		    key, len) == 0)
			return 1;
	}
	return 0;
}

static int
filter_has(kz_gazimage *im, int sec, uint64_t h)
{
	size_t nbits = (size_t)im->sec_size[sec] * 8, bit, off;

	if (nbits == 0)
		return 0;
	bit = filter_bit(h, nbits);
	off = im->sec_off[sec] + (bit >> 6) * 8;
	if (need(im, off, 8) != 0)
		return -1;
	return (int)((rd64(im->base + off) >> (bit & 63)) & 1);
}

typedef struct entrec {
	uint32_t off, head, line, ns, nr, nd;
	size_t strs, surf, roles, dems;     /* offsets of the parts */
} entrec;

static int
entrec_at(kz_gazimage *im, uint32_t i, entrec *r)
{
	size_t xo, total;
	const unsigned char *p;

	if (i >= im->nentries)
		return -1;
	xo = im->sec_off[KZ_SEC_ENTIDX] + 4 * (size_t)i;
	if (need(im, xo, 4) != 0)
		return -1;
	r->off = rd32(im->base + xo);
	if (r->off % 4 || !in_sec(im, KZ_SEC_ENT, r->off, 20) ||
	    need(im, r->off, 20) != 0)
		return -1;
	p = im->base + r->off;
	r->head = rd32(p);
	r->line = rd32(p + 4);
	r->ns = rd32(p + 8);
	r->nr = rd32(p + 12);
	r->nd = rd32(p + 16);
	r->strs = (size_t)r->off + 20;
	r->surf = r->strs + 4 * (size_t)popcount32(r->head & 0x3ff);
	r->roles = r->surf + 24 * (size_t)r->ns;
	r->dems = r->roles + 16 * (size_t)r->nr;
	total = r->dems + 4 * (size_t)r->nd - r->off;
	/* id, type and name are always there */
	if ((r->head & 7) != 7 || !in_sec(im, KZ_SEC_ENT, r->off, total) ||
	    need(im, r->off, total) != 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------ queries */

/* A name written with capitals needs them in the text too (ntok tokens
 * from token i). */
static int
case_fits(kz_gazimage *im, const kz_tokens *t, size_t i, size_t ntok,
    uint32_t caps, uint32_t acro)
{
	for (size_t k = 0; k < ntok && k < 32; k++) {
		const kz_token *tk = &t->tok[i + k];
		uint32_t fl = tk->flags;
		/* "Yoon Suk-yeol" for "Yoon Suk Yeol": a hyphen's lower-case
		 * tail inside a name is still the name */
		int tail = k > 0 && !acro && tk->sstart > 0 &&
		    t->src[tk->sstart - 1] == '-' &&
		    t->tok[i + k - 1].send == tk->sstart - 1;

		if ((caps & (1u << k)) && !(fl & KZ_TOK_UPPER) && !tail)
			return 0;
		/* an acronym must be written as one: OTSC or Otsc, not otsc */
		if (acro && caps && !(fl & KZ_TOK_UPPER))
			return 0;
	}
	/* a lower-case acronym ("dpa") only as written, never "Dpa" or a word */
	if (acro && caps == 0) {
		const kz_token *a = &t->tok[i], *z = &t->tok[i + ntok - 1];
		const char *s = str_at(im, acro);
		size_t len;

		if (s == NULL)
			return -1;
		len = strlen(s);
		return z->send - a->sstart == len &&
		    memcmp(t->src + a->sstart, s, len) == 0;
	}
	return 1;
}

int
kz_gazimage_match_at(kz_gazimage *im, const kz_tokens *t, size_t i,
    kz_match *m, size_t *ntok)
{
	char small[256], *kb = small;
	size_t cap = sizeof small, len = 0, best = 0;
	uint64_t h = FNV_OFF;
	int rc = 0;

	*ntok = 0;
	for (size_t j = i; j < t->n && j - i < im->max_tokens; j++) {
		const kz_token *k = &t->tok[j];
		size_t tl = k->fend - k->fstart;
		keyrec r;
		int found;

		if (j > i) {
			if (!(t->tok[j - 1].flags & KZ_TOK_JOINS))
				break;
			h = fnv(h, " ", 1);
			h = fnv(h, t->folded.text + k->fstart, tl);
		} else {
			/* the token's own hash is this FNV-1a: a first word no
			 * key starts with, in its case, ends it here, before any
			 * copying */
			h = k->hash;
			found = filter_has(im, (k->flags & KZ_TOK_UPPER) ?
			    KZ_SEC_FLTANY : KZ_SEC_FLTLOW, mix(h));
			if (found <= 0) {
				rc = found;
				break;
			}
		}
		if (len + tl + 1 > cap) {
			char *nb = kz_malloc(2 * (len + tl + 1));

			memcpy(nb, kb, len);
			if (kb != small)
				free(kb);
			kb = nb;
			cap = 2 * (len + tl + 1);
		}
		if (j > i)
			kb[len++] = ' ';
		memcpy(kb + len, t->folded.text + k->fstart, tl);
		len += tl;
		found = find_key(im, kb, len, mix(h), &r);
		if (found < 0) {
			rc = -1;
			break;
		}
		if (found == 0)
			break;          /* neither a key nor the start of one */
		for (uint32_t c = 0; c < r.n; c++) {
			const unsigned char *p = im->base + r.off + 8 + 8 * (size_t)r.n;
			int fits = case_fits(im, t, i, j + 1 - i,
			    rd32(p + 4 * (size_t)c), rd32(p + 4 * (size_t)r.n + 4 * c));

			if (fits < 0) {
				rc = -1;
				goto out;
			}
			if (fits) {
				best = j + 1 - i;
				m->tok_start = i;
				m->tok_end = j + 1;
				m->cands = (kz_candidate *)(uintptr_t)(im->base + r.off + 8);
				m->ncands = r.n;
				break;
			}
		}
		if (!r.prefix)
			break;
	}
out:
	if (kb != small)
		free(kb);
	if (rc < 0)
		return -1;
	*ntok = best;
	return best > 0;
}

int
kz_gazimage_find_id(kz_gazimage *im, const char *id, size_t len,
    uint32_t *entry)
{
	size_t nslots = im->sec_size[KZ_SEC_IDTAB] / 8, mask = nslots - 1;
	uint64_t h = str_hash(id, len);
	size_t i = (size_t)h & mask;

	for (size_t probe = 0; probe < nslots; probe++, i = (i + 1) & mask) {
		size_t so = im->sec_off[KZ_SEC_IDTAB] + 8 * i;
		uint32_t v;
		entrec r;
		int eq;

		if (need(im, so, 8) != 0)
			return -1;
		v = rd32(im->base + so + 4);
		if (v == 0)
			return 0;
		if (rd32(im->base + so) != (uint32_t)(h >> 32))
			continue;
		if (entrec_at(im, v - 1, &r) != 0)
			return -1;
		eq = str_eq(im, rd32(im->base + r.strs), id, len);
		if (eq < 0)
			return -1;
		if (eq) {
			*entry = v - 1;
			return 1;
		}
	}
	return 0;
}

static int
find_str(kz_gazimage *im, int sec, const char *key, size_t len,
    uint32_t *entry)
{
	size_t nslots = im->sec_size[sec] / 12, mask = nslots - 1;
	uint64_t h = str_hash(key, len);
	size_t i = (size_t)h & mask;

	for (size_t probe = 0; probe < nslots; probe++, i = (i + 1) & mask) {
		size_t so = im->sec_off[sec] + 12 * i;
		uint32_t v;
		int eq;

		if (need(im, so, 12) != 0)
			return -1;
		v = rd32(im->base + so + 4);
		if (v == 0)
			return 0;
		if (rd32(im->base + so) != (uint32_t)(h >> 32))
			continue;
		eq = str_eq(im, rd32(im->base + so + 8), key, len);
		if (eq < 0 || v - 1 >= im->nentries)
			return -1;
		if (eq) {
			*entry = v - 1;
			return 1;
		}
	}
	return 0;
}

int
kz_gazimage_find_demonym(kz_gazimage *im, const char *key, size_t len,
    uint32_t *entry)
{
	return find_str(im, KZ_SEC_DEMTAB, key, len, entry);
}

int
kz_gazimage_find_code(kz_gazimage *im, const char *code, size_t len,
    uint32_t *entry)
{
	return find_str(im, KZ_SEC_CODETAB, code, len, entry);
}

int
kz_gazimage_holders(kz_gazimage *im, const char *title, const char *of,
    int32_t date, int former, size_t *out, size_t max, size_t *nout)
{
	size_t nslots = im->sec_size[KZ_SEC_ROLETAB] / 8, mask = nslots - 1;
	uint64_t h = role_hash(title, of);
	size_t i = (size_t)h & mask, n = 0;
	uint32_t rec = 0, nitems, last = UINT32_MAX;
	int32_t best_end[16];

	*nout = 0;
	for (size_t probe = 0; probe < nslots; probe++, i = (i + 1) & mask) {
		size_t so = im->sec_off[KZ_SEC_ROLETAB] + 8 * i;
		uint32_t off, of_off;
		int eq;

		if (need(im, so, 8) != 0)
			return -1;
		off = rd32(im->base + so + 4);
		if (off == 0)
			return 0;
		if (rd32(im->base + so) != (uint32_t)(h >> 32))
			continue;
		if (off % 4 || !in_sec(im, KZ_SEC_ROLEREC, off, 12) ||
		    need(im, off, 12) != 0)
			return -1;
		eq = str_eq(im, rd32(im->base + off), title, strlen(title));
		if (eq < 0)
			return -1;
		of_off = rd32(im->base + off + 4);
		if (eq && of == NULL)
			eq = of_off == 0;
		else if (eq)
			eq = of_off != 0 ? str_eq(im, of_off, of, strlen(of)) : 0;
		if (eq < 0)
			return -1;
		if (eq) {
			rec = off;
			break;
		}
	}
	if (rec == 0)
		return 0;
	nitems = rd32(im->base + rec + 8);
	if (!in_sec(im, KZ_SEC_ROLEREC, rec, 12 + 12 * (size_t)nitems) ||
	    need(im, rec, 12 + 12 * (size_t)nitems) != 0)
		return -1;
	/* items are the roles (title, of) of each entry in entry order, so
	 * this is kz_gazetteer_holders' scan of every entry, done on the few
	 * that ever held the role: the first held role of an entry counts */
	for (uint32_t k = 0; k < nitems; k++) {
		const unsigned char *p = im->base + rec + 12 + 12 * (size_t)k;
		uint32_t e = rd32(p);
		int32_t from, to;
		int held;

		if (e >= im->nentries)
			return -1;
		if (e == last)
			continue;
		if (n >= max || n >= 16)
			break;
		memcpy(&from, p + 4, 4);
		memcpy(&to, p + 8, 4);
		if (former)
			held = to != 0 && to <= date;
		else
			held = (from == 0 || from <= date) && (to == 0 || date < to);
		if (!held)
			continue;
		last = e;
		{
			size_t q = n;

			while (former && q > 0 && best_end[q - 1] < to) {
				out[q] = out[q - 1];
				best_end[q] = best_end[q - 1];
				q--;
			}
			out[q] = e;
			best_end[q] = to;
			n++;
		}
	}
	*nout = n;
	return n > 0;
}

int
kz_gazimage_entry(kz_gazimage *im, uint32_t i, char *const *files,
    kz_entry **out)
{
	entrec r;
	kz_entry *e;
	unsigned char *blk;
	size_t sz;
	char **fields[NFIELDS];
	const unsigned char *p;
	uint32_t file, gender;
	size_t k = 0;

	*out = NULL;
	if (entrec_at(im, i, &r) != 0)
		return -1;
	file = r.head >> 16;
	gender = (r.head >> 10) & 3;
	if (file >= im->nfiles || gender == 3)
		return -1;
	sz = sizeof *e + r.ns * sizeof(kz_surface) + r.nr * sizeof(kz_role) +
	    r.nd * sizeof(char *);
	blk = kz_calloc(1, sz);
	e = (kz_entry *)(void *)blk;
	if (r.ns)
		e->surfaces = (kz_surface *)(void *)(blk + sizeof *e);
	if (r.nr)
		e->roles = (kz_role *)(void *)(blk + sizeof *e +
		    r.ns * sizeof(kz_surface));
	if (r.nd)
		e->demonyms = (char **)(void *)(blk + sizeof *e +
		    r.ns * sizeof(kz_surface) + r.nr * sizeof(kz_role));
	e->nsurfaces = r.ns;
	e->nroles = r.nr;
	e->ndemonyms = r.nd;
	e->gender = gender == 1 ? 'm' : gender == 2 ? 'f' : 0;
	e->file = files[file];
	e->line = (long)r.line;
	fields[0] = &e->id; fields[1] = &e->type; fields[2] = &e->name;
	fields[3] = &e->preferred; fields[4] = &e->wikidata; fields[5] = &e->kind;
	fields[6] = &e->code; fields[7] = &e->country; fields[8] = &e->capital;
	fields[9] = &e->nationality;
	for (int f = 0; f < NFIELDS; f++) {
		const char *s;

		if (!(r.head & (1u << f)))
			continue;
		s = str_at(im, rd32(im->base + r.strs + 4 * k++));
		if (s == NULL)
			goto bad;
		*fields[f] = (char *)(uintptr_t)s;
	}
	for (uint32_t s = 0; s < r.ns; s++) {
		kz_surface *su = &e->surfaces[s];
		uint32_t nt;

		p = im->base + r.surf + 24 * (size_t)s;
		su->text = (char *)(uintptr_t)str_at(im, rd32(p));
		su->key = (char *)(uintptr_t)str_at(im, rd32(p + 4));
		if (su->text == NULL || su->key == NULL)
			goto bad;
		su->caps = rd32(p + 8);
		nt = rd32(p + 12);
		su->ntokens = nt & 0x7fffffff;
		su->acronym = (int)(nt >> 31);
		memcpy(&su->from, p + 16, 4);
		memcpy(&su->to, p + 20, 4);
	}
	for (uint32_t q = 0; q < r.nr; q++) {
		kz_role *ro = &e->roles[q];
		uint32_t of;

		p = im->base + r.roles + 16 * (size_t)q;
		ro->title = (char *)(uintptr_t)str_at(im, rd32(p));
		of = rd32(p + 4);
		ro->of = of ? (char *)(uintptr_t)str_at(im, of) : NULL;
		if (ro->title == NULL || (of && ro->of == NULL))
			goto bad;
		memcpy(&ro->from, p + 8, 4);
		memcpy(&ro->to, p + 12, 4);
	}
	for (uint32_t d = 0; d < r.nd; d++) {
		e->demonyms[d] = (char *)(uintptr_t)str_at(im,
		    rd32(im->base + r.dems + 4 * (size_t)d));
		if (e->demonyms[d] == NULL)
			goto bad;
	}
	*out = e;
	return 1;
bad:
	free(blk);
	return -1;
}
