/*
 * gazcache.h - where compiled gazetteers (gazimage.h) are kept on disk,
 * and how kz knows one is still good for its sources.
 *
 * The cache folder is, in order: what kz_gazcache_config set (kz-tag
 * --cache, --no-cache), $KZ_CACHE ("off" turns the cache off),
 * $XDG_CACHE_HOME/kz, ~/.cache/kz. It is created (mode 0700) when
 * missing. When it cannot be used or written, gazetteers are compiled in
 * memory as before: the cache never makes a load fail.
 *
 * One source set (a gazetteer folder, or a list of files) has one slot,
 * named after a hash of its real path(s):
 *
 *   gaz-<slot>.kzg     the compiled image; its header carries the key
 *   gaz-<slot>.stamp   what the sources looked like when last hashed
 *
 * The key is an XXH64 of the compiler's version and behaviour (image
 * format version, utf8proc version, folding of a few thousand code
 * points, tokens of a probe text) and of the sources: their number, then
 * each file's base name and bytes, in load order. Editing any source, or
 * adding or removing one, changes the key and the image is rebuilt.
 *
 * Hashing 100 MB of YAML on every start-up would cost more than the rest
 * of it, so the stamp records each source's device, inode, size, mtime and
 * ctime next to the content hash it had. When they all match, the stamp's
 * hash is used without reading the sources. Any write to a file changes
 * its ctime, which no tool can set back; a stamp is trusted only when every
 * source's ctime was at least two seconds old when the files were read, so
 * an edit made within the file system's timestamp granularity of that read
 * cannot go unseen (git's "racily clean" problem).
 *
 * Files are written atomically: a temporary file in the cache folder,
 * fsync, rename. A slot whose sources are gone is removed when another
 * image is written, and so is a data snapshot's stamp (version.h:
 * snap-<slot>.stamp, a stamp with no image) whose files are gone.
 *
 * Library code: nothing here prints or exits; failures come back as a
 * reason in `why`. Strings returned are owned by the kz_gazcache.
 */
#ifndef KZ_GAZCACHE_H
#define KZ_GAZCACHE_H

#include "error.h"
#include "fold.h"
#include "gazimage.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* on = 0: no cache. dir: the cache folder, or NULL for the default.
 * Applies to every later load in this process. */
void kz_gazcache_config(int on, const char *dir);

/* The cache folder (created when missing; the caller frees it), or NULL
 * with the reason in why when the cache is off or the folder unusable.
 * The rules cache (yamlcache.h) uses it too. */
char *kz_cache_dir(char *why, size_t whylen);

/* One source file, as stat(2) saw it. */
typedef struct kz_gazsrc {
	const char *path;       /* borrowed */
	const char *name;       /* base name: a pointer into path */
	uint64_t dev, ino, size, mtime_s, mtime_ns, ctime_s, ctime_ns;
	int stable;             /* unchanged while it was read, and old
	                           enough for a stamp (see above) */
} kz_gazsrc;

typedef struct kz_gazcache {
	char *dir;              /* NULL: no cache for this load */
	char *image_path, *stamp_path;
	char *identity;         /* "dir\n<path>" or "files\n<path>\n..." */
	uint64_t slot;
} kz_gazcache;

/* Pick the folder and the slot for a source set. c->dir stays NULL, with
 * the reason in why, when the cache is off or its folder unusable. */
void kz_gazcache_init(kz_gazcache *c, const char *identity, char *why,
    size_t whylen);
void kz_gazcache_release(kz_gazcache *c);

/* ------------------------------------------------------------ keys */

/* The compiler's part of the key (cheap: well under a millisecond). */
uint64_t kz_gazcache_env_key(const kz_folder *f);
/* The whole key from the compiler's part and the sources' part. */
uint64_t kz_gazcache_key(uint64_t env, uint64_t sources);

/* The sources' part, streamed: begin, then for each file in load order
 * name, its bytes (any number of updates), end. */
void kz_gazcache_hash_begin(kz_xxh64_state *st, size_t nfiles);
void kz_gazcache_hash_name(kz_xxh64_state *st, const char *name);
void kz_gazcache_hash_end(kz_xxh64_state *st, uint64_t len);

/* Fill s from path. -1 when it cannot be stat'ed. */
int kz_gazcache_stat(kz_gazsrc *s, const char *path);
/* After a file was read in full by other means: s as stat(2) sees it
 * now, and its `stable` flag from before (its stat, taken just before
 * the read began at time t0). -1 when it cannot be stat'ed. */
int kz_gazcache_restat(kz_gazsrc *s, const kz_gazsrc *before, time_t t0);

/* Reading a source a piece at a time, for the YAML loader (which streams
 * it): open, any number of kz_gazcache_read_some, close. Every byte read
 * goes into the sources' hash st, between the file's name and its end,
 * so a compile reads each source once. */
typedef struct kz_gazread {
	kz_gazsrc *src;
	kz_gazsrc before;       /* its stat when opened */
	time_t t0;
	int fd;
	int failed;             /* a read failed */
	uint64_t len;           /* bytes read */
	kz_xxh64_state *st;
} kz_gazread;

/* Open s, and hash its name into st. -1 with err naming the file: "cannot
 * open: ..." (the YAML loader's message). */
int kz_gazcache_open(kz_gazread *r, kz_gazsrc *s, kz_xxh64_state *st,
    kz_error *err);
/* Up to size bytes into buf, *got of them (0 at the end): 1; 0 when the
 * read fails (yamltree.h's kz_yaml_read_fn; r is a kz_gazread). */
int kz_gazcache_read_some(void *r, unsigned char *buf, size_t size,
    size_t *got);
/* Close r, refreshing s and its `stable` flag. With `complete` (after a
 * load that went through), whatever is left unread goes into the hash
 * too, and the file's part of the hash is ended; without, the hash is
 * left unfinished, good for nothing. -1 with err ("read error") when a
 * read failed. */
int kz_gazcache_close(kz_gazread *r, int complete, kz_error *err);

/* The sources' part of the key by reading every file; -1 when one cannot
 * be read (the YAML loader will then say why). Refreshes src. */
int kz_gazcache_hash_files(kz_gazsrc *src, size_t n, uint64_t *hash);

/* ------------------------------------------------------------ stamps */

/* 1 with *hash when the stamp vouches for sources that look exactly like
 * src (same names in the same order, same stat), else 0. */
int kz_gazcache_stamp_read(const kz_gazcache *c, const kz_gazsrc *src,
    size_t n, uint64_t *hash);
/* Record hash for src (best effort: failures are ignored). A stamp with
 * an unstable source is written too, but never vouches. */
void kz_gazcache_stamp_write(const kz_gazcache *c, const kz_gazsrc *src,
    size_t n, uint64_t hash);

/* ------------------------------------------------------------ images */

/* Map the slot's image read-only and check its header: 0 and *im when it
 * is a sound image with this key, else -1 and the reason. */
int kz_gazcache_map(const kz_gazcache *c, uint64_t key, uint32_t nfiles,
    kz_gazimage *im, char *why, size_t whylen);

/* Write im (trusted, in memory) to the slot atomically; on success im is
 * replaced by a trusted mapping of the file written (the heap copy is
 * freed), and slots whose sources are gone are removed. -1 and the
 * reason on failure, im untouched. */
int kz_gazcache_write(const kz_gazcache *c, kz_gazimage *im, char *why,
    size_t whylen);

#endif
