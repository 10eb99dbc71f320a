/*
 * gazimage.h - the compiled gazetteer: one flat, position-independent
 * image that kz-tag maps read-only from its cache file (gazcache.h) or
 * builds in memory, and queries in place: no per-entry parsing at start-up,
 * no pointers in the file, only offsets.
 *
 * Layout (native byte order, every multi-byte field aligned to its size;
 * "off" is a byte offset from the start of the image, 0 meaning "none"):
 *
 *   header     KZ_GAZIMAGE_HEADER bytes: magic, version, byte-order mark,
 *              total size, key (what it was compiled from), header checksum,
 *              block geometry, counts, and the section table (off, size)
 *   body       the sections below, in this order
 *   blocks     one XXH64 per KZ_GAZIMAGE_BLOCK bytes of body (seeded with
 *              the block number)
 *
 *   STR      strings, NUL-terminated, deduplicated (anywhere in the body:
 *            a surface's key may be the key bytes of a key record)
 *   KEYREC   one record per token key (name, variant or proper token
 *            prefix of one): u32 len, u32 n | PREFIX bit, then n
 *            candidates {u32 entry, u32 surface} (kz_candidate), n u32
 *            capital masks, n u32 acronym texts (off of the surface text
 *            for an acronym, else 0), then the key bytes and a NUL
 *   ENT      one record per entry: u32 head (bits 0-9: which string fields
 *            are present; 10-11: gender 0, 1 = m, 2 = f; 16-31: file),
 *            u32 line, nsurfaces, nroles, ndemonyms, the present string
 *            fields (id, type, name, preferred, wikidata, kind, code,
 *            country, capital, nationality), surfaces {text, key, caps,
 *            ntokens | acronym << 31, from, to}, roles {title, of, from,
 *            to}, demonyms
 *   ENTIDX   u32 off of each entry record
 *   ROLEREC  one record per (title, of) and per title: u32 title, u32 of
 *            (0 for "any"), u32 n, n items {u32 entry, from, to}, in
 *            entry order
 *   KEYTAB   open addressing, linear probing: {u32 fingerprint, u32 off of
 *            the KEYREC record}; slot = hash & (nslots - 1)
 *   IDTAB    {u32 fingerprint, u32 entry + 1}
 *   DEMTAB   demonym token key -> country: {u32 fp, u32 entry + 1, u32 key}
 *   CODETAB  ISO code -> country: {u32 fp, u32 entry + 1, u32 code}
 *   ROLETAB  {u32 fingerprint, u32 off of the ROLEREC record}
 *   FLTANY   bitmap of the first tokens of every key
 *   FLTLOW   bitmap of the first tokens of keys whose first token may be
 *            written in lower case: a lower-case word not in it starts no
 *            match, and costs one look-up in a small table, not a probe of
 *            the big one
 *
 * Hashes are 64-bit FNV-1a over the bytes, finished with a mixer; a key's
 * hash can be grown token by token while matching.
 *
 * Trust: an image built here is trusted. A mapped one is trusted only as
 * far as it has been checked: kz_gazimage_open checks the header, the
 * section table and the block table (one checksum over them), and every
 * body block is checked against its XXH64 the first time any byte of it is
 * read; every offset is bounds-checked before it is followed. A query that
 * meets a bad block or a bad offset returns -1 and reads nothing from it:
 * the caller then rebuilds the image from the YAML (gazetteer.c).
 *
 * Images are limited to 4 GiB (32-bit offsets) and 65 535 source files.
 */
#ifndef KZ_GAZIMAGE_H
#define KZ_GAZIMAGE_H

#include "error.h"
#include "fold.h"
#include "gazetteer.h"
#include "tokens.h"

#include <stddef.h>
#include <stdint.h>

/* Bump whenever the layout, the compiler or the matcher's reading of the
 * image changes: the cache is keyed on it. */
#define KZ_GAZIMAGE_VERSION 1
#define KZ_GAZIMAGE_HEADER 256
#define KZ_GAZIMAGE_BLOCK_SHIFT 12
#define KZ_GAZIMAGE_BLOCK (1u << KZ_GAZIMAGE_BLOCK_SHIFT)

enum {
	KZ_SEC_STR, KZ_SEC_KEYREC, KZ_SEC_ENT, KZ_SEC_ENTIDX, KZ_SEC_ROLEREC,
	KZ_SEC_KEYTAB, KZ_SEC_IDTAB, KZ_SEC_DEMTAB, KZ_SEC_CODETAB,
	KZ_SEC_ROLETAB, KZ_SEC_FLTANY, KZ_SEC_FLTLOW, KZ_NSEC
};

/* Header fields: byte offsets in the header. */
enum {
	KZ_H_MAGIC = 0,         /* 8 bytes, KZ_GAZIMAGE_MAGIC */
	KZ_H_VERSION = 8,       /* u32 */
	KZ_H_BOM = 12,          /* u32 0x01020304 in the writer's order */
	KZ_H_SIZE = 16,         /* u64 total size */
	KZ_H_KEY = 24,          /* u64 key of the sources */
	KZ_H_SUM = 32,          /* u64 XXH64 of header (this field 0) + blocks */
	KZ_H_BLOCKSHIFT = 40,   /* u32 */
	KZ_H_NBLOCKS = 44,      /* u32 */
	KZ_H_BLOCKS = 48,       /* u32 off of the block table = end of body */
	KZ_H_NENTRIES = 52,     /* u32 */
	KZ_H_MAXTOKENS = 56,    /* u32 longest key, in tokens */
	KZ_H_NFILES = 60,       /* u32 source files */
	KZ_H_SECTIONS = 64      /* KZ_NSEC x {u32 off, u32 size} */
};

#define KZ_GAZIMAGE_MAGIC "kzgaz\r\n\032"

typedef struct kz_gazimage {
	const unsigned char *base;
	size_t size;
	void *owned;            /* heap image to free, or NULL */
	int mapped;             /* base/size is a mapping to munmap */
	uint64_t key;
	uint32_t nentries, max_tokens, nfiles;
	uint32_t body_end;      /* = the block table's offset */
	uint32_t nblocks;
	uint32_t sec_off[KZ_NSEC], sec_size[KZ_NSEC];
	unsigned char *bstate;  /* per block: 0 unchecked, 1 good, 2 bad;
	                           NULL when the whole image is trusted */
} kz_gazimage;

/* ---------------------------------------------------------- hashing */

/* XXH64 (Yann Collet's xxHash, 64-bit) from Debian's libxxhash, under
 * kz's names. Images, block sums and cache stamps are XXH64 values, so
 * the ones written before (by kz's own copy of the algorithm) stay valid.
 * XXH_STATIC_LINKING_ONLY gives the state's layout: a state can live on
 * the stack or inside another struct, and needs no freeing. */
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

typedef XXH64_state_t kz_xxh64_state;

static inline void
kz_xxh64_init(kz_xxh64_state *s, uint64_t seed)
{
	(void)XXH64_reset(s, seed);
}

static inline void
kz_xxh64_update(kz_xxh64_state *s, const void *data, size_t len)
{
	(void)XXH64_update(s, data, len);
}

static inline uint64_t
kz_xxh64_digest(const kz_xxh64_state *s)
{
	return XXH64_digest(s);
}

static inline uint64_t
kz_xxh64(const void *data, size_t len, uint64_t seed)
{
	return XXH64(data, len, seed);
}

/* ---------------------------------------------------------- life cycle */

/* Images are built by gazbuild.h, one entry at a time. */

/* Take an image found in a file (mapped: munmap base at release; else
 * borrowed). Checks the header, section table and block table; body
 * blocks are checked as they are read. Returns -1 with a reason in why
 * when it is not a sound image of this version with this key and nfiles. */
int kz_gazimage_open(kz_gazimage *im, const unsigned char *base, size_t size,
    int mapped, uint64_t key, uint32_t nfiles, char *why, size_t whylen);

/* Check every body block now: 0 when all are good, else -1. */
int kz_gazimage_verify(kz_gazimage *im);

/* Mark every block good without checking: for an image whose bytes this
 * process has just written. */
void kz_gazimage_trust(kz_gazimage *im);

void kz_gazimage_release(kz_gazimage *im);

/* ---------------------------------------------------------- queries
 * Each returns 1 (found), 0 (not found) or -1 (the image is damaged). */

/* kz_gazetteer_match_at on the image: *ntok the tokens matched. */
int kz_gazimage_match_at(kz_gazimage *im, const kz_tokens *t, size_t i,
    kz_match *m, size_t *ntok);
int kz_gazimage_find_id(kz_gazimage *im, const char *id, size_t len,
    uint32_t *entry);
int kz_gazimage_find_demonym(kz_gazimage *im, const char *key, size_t len,
    uint32_t *entry);
int kz_gazimage_find_code(kz_gazimage *im, const char *code, size_t len,
    uint32_t *entry);
/* kz_gazetteer_holders on the image: *n holders written to out. */
int kz_gazimage_holders(kz_gazimage *im, const char *title, const char *of,
    int32_t date, int former, size_t *out, size_t max, size_t *n);
/* A kz_entry view of entry i, in one heap block the caller frees; its
 * strings point into the image (files[] gives the file names). */
int kz_gazimage_entry(kz_gazimage *im, uint32_t i, char *const *files,
    kz_entry **out);

#endif
