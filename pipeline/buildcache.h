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

/* ------------------------------------------------------------ payloads
 *
 * Helpers to write what was built, and to read it back with every length
 * checked: a reader that runs past its end, or meets a length that does
 * not fit, is `bad` from then on and gives zeros and NULLs. */

struct kz_buf;
void kz_bytes_put64(struct kz_buf *b, uint64_t v);
/* u64 length, the bytes, padded to 8. */
void kz_bytes_put_str(struct kz_buf *b, const char *s);

typedef struct kz_bytes {
	const unsigned char *p, *end;
	int bad;
} kz_bytes;

uint64_t kz_bytes_get64(kz_bytes *r);
/* A copy of the string (the caller frees it), or NULL when bad. */
char *kz_bytes_get_str(kz_bytes *r);
/* A count of items of at least `least` bytes each still to come: the
 * count, or 0 and bad when so many cannot fit. */
uint64_t kz_bytes_get_count(kz_bytes *r, size_t least);

#endif
