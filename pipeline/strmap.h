/*
 * strmap.h - a hash map from byte strings to integers, for word lists and
 * gazetteer keys. Open addressing, FNV-1a; keys are copied and owned by
 * the map. Values are caller-defined (an index into the caller's table).
 */
#ifndef KZ_STRMAP_H
#define KZ_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct kz_strmap kz_strmap;

kz_strmap *kz_strmap_new(void);
void kz_strmap_free(kz_strmap *m);

/* Insert or replace. */
void kz_strmap_put(kz_strmap *m, const char *key, size_t len, intptr_t value);
/* 1 and *value when present, 0 when absent. value may be NULL. */
int kz_strmap_get(const kz_strmap *m, const char *key, size_t len,
    intptr_t *value);
/* The same, with hash = kz_hash_bytes(key, len) already known. */
int kz_strmap_get_hashed(const kz_strmap *m, const char *key, size_t len,
    uint64_t hash, intptr_t *value);
size_t kz_strmap_size(const kz_strmap *m);

/* ------------------------------------------------------------ as bytes
 *
 * For caches of what is built from rules files (namescache.h): a map
 * written as bytes, and made again from them with its slots where they
 * were (no key hashed or folded again). */

struct kz_buf;
/* Append m to out. */
void kz_strmap_save(const kz_strmap *m, struct kz_buf *out);
/* A map from the bytes at *p (up to end), *p moved past them; NULL when
 * they are not a map kz_strmap_save wrote (a slot out of range, or twice,
 * a length past the end, a full table). The bytes are trusted to be
 * what was written: a checksum around them is the caller's. */
kz_strmap *kz_strmap_load(const unsigned char **p, const unsigned char *end);

/* 1 when every value of m is in [0, limit): a map loaded from bytes
 * whose values index an array is checked against its length. */
int kz_strmap_values_below(const kz_strmap *m, intptr_t limit);

/* A 4096-bit summary of the hashes of some keys: "no" is certain, "maybe"
 * must be asked of the map. Lets a scan that looks up every word of a
 * text in several maps skip most words with one bit test. */
typedef struct kz_hashfilter {
	uint64_t bits[64];
} kz_hashfilter;

/* Add every key of m to f (which starts zeroed). */
void kz_strmap_fill_filter(const kz_strmap *m, kz_hashfilter *f);

static inline void
kz_hashfilter_add(kz_hashfilter *f, uint64_t hash)
{
	/* FNV-1a mixes upwards: the high bits are the best spread */
	f->bits[hash >> 58] |= 1ULL << ((hash >> 52) & 63);
}

static inline int
kz_hashfilter_maybe(const kz_hashfilter *f, uint64_t hash)
{
	return (f->bits[hash >> 58] >> ((hash >> 52) & 63)) & 1;
}

/* FNV-1a: byte by byte, so the hash of every prefix of a string comes out
 * of one pass (KZ_HASH_START, then kz_hash_step per byte). */
#define KZ_HASH_START 1469598103934665603ULL
#define kz_hash_step(h, c) (((h) ^ (unsigned char)(c)) * 1099511628211ULL)
uint64_t kz_hash_bytes(const char *s, size_t len);

#endif
