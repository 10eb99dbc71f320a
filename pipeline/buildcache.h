/*
 * buildcache.h - what a stage builds from its rules files, kept on disk
 * beside the compiled gazetteers (issue 16: after the YAML parse was
 * cached, building the word lists from the trees was most of a start).
 *
 * A loader that can write what it built as bytes (the word maps of
 * names.c, say) asks here first. The file is found by the sources' real
 * paths and kind:
 *
 *   <kind>-<slot>.kzb    slot: an XXH64 of the kind and the real paths
 *
 * and used only when it holds the caller's key, which the caller makes
 * from everything the result depends on: the sources' bytes (read and
 * hashed, never trusted to stat data), the folding's behaviour
 * (kz_gazcache_env_key), a format version. The whole file carries a
 * checksum; a damaged, truncated or foreign one is a miss, and the caller
 * builds as before and writes it again. Written to a temporary file and
 * renamed (no fsync: a torn file fails its checksum). When one is
 * written, the .kzb files older than ten minutes whose sources are gone
 * are removed.
 *
 * The folder is the gazetteer cache's (gazcache.h: --cache, --no-cache,
 * $KZ_CACHE, $XDG_CACHE_HOME/kz, ~/.cache/kz). Nothing here prints or
 * fails a load.
 */
#ifndef KZ_BUILDCACHE_H
#define KZ_BUILDCACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct kz_buildcache_hit {
	const unsigned char *data;      /* the payload, read-only */
	size_t len;
	void *map;                      /* the mapped file */
	size_t map_len;
} kz_buildcache_hit;

/* 0 and *hit when the cache holds key for kind and sources[0..n) (the
 * payload stays mapped until kz_buildcache_release); -1 otherwise, *hit
 * holding nothing. */
int kz_buildcache_get(const char *kind, const char *const *sources, size_t n,
    uint64_t key, kz_buildcache_hit *hit);
void kz_buildcache_release(kz_buildcache_hit *hit);

/* Store payload under key (best effort). */
void kz_buildcache_put(const char *kind, const char *const *sources,
    size_t n, uint64_t key, const void *payload, size_t len);

/* XXH64 and length of a file's bytes into *hash and *len: 0, or -1 when
 * it cannot be read. For the keys. */
int kz_buildcache_hash_file(const char *path, uint64_t *hash, uint64_t *len);

/* A rules file as kz_data_load_rules makes it (datapath.h): one XXH64
 * into *hash of path's bytes and, layer by layer, of the path and bytes of
 * each local file merged over it for rel, so that a local file added,
 * edited or removed changes the key. 0, or -1 when one cannot be read.
 * For the keys. */
int kz_buildcache_hash_rules(const char *path, const char *rel,
    uint64_t *hash);

#endif
