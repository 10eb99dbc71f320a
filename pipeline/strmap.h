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

/* FNV-1a: byte by byte, so the hash of every prefix of a string comes out
 * of one pass (KZ_HASH_START, then kz_hash_step per byte). */
#define KZ_HASH_START 1469598103934665603ULL
#define kz_hash_step(h, c) (((h) ^ (unsigned char)(c)) * 1099511628211ULL)
uint64_t kz_hash_bytes(const char *s, size_t len);

#endif
