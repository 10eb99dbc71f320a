#include "buildcache.h"

#include "buf.h"
#include "cachefile.h"
#include "datapath.h"     /* kz_data_overlay */
#include "gazcache.h"     /* kz_cache_dir */
#include "gazimage.h"     /* kz_xxh64 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * The file: "kzbuild1", u64 key, u64 length of the sources' real paths,
 * the paths (each ended by a NUL) padded to 8, u64 payload length, the
 * payload padded to 8, and last an XXH64 of everything before it.
 */
#define MAGIC "kzbuild1"
#define MAX_FILE (256u << 20)
#define GC_GRACE_SECONDS 600

static size_t
pad8(size_t n)
{
	return (n + 7) / 8 * 8;
}

/* The real paths, NUL after each, into b; -1 when one has none. */
static int
real_paths(const char *const *sources, size_t n, kz_buf *b)
{
	for (size_t i = 0; i < n; i++) {
		char real[PATH_MAX];

		if (realpath(sources[i], real) == NULL)
			return -1;
		kz_buf_add(b, real, strlen(real) + 1);
	}
	return 0;
}

/* The file for kind and those paths, or NULL (no cache folder). */
static char *
file_for(const char *kind, const kz_buf *paths, char **dir)
{
	kz_xxh64_state st;
	kz_buf b;

	if ((*dir = kz_cache_dir(NULL, 0)) == NULL)
		return NULL;
	kz_xxh64_init(&st, 0);
	kz_xxh64_update(&st, kind, strlen(kind) + 1);
	kz_xxh64_update(&st, paths->data, paths->len);
	kz_buf_init(&b);
	kz_buf_addf(&b, "%s/%s-%016llx.kzb", *dir, kind,
	    (unsigned long long)kz_xxh64_digest(&st));
	return kz_buf_detach(&b, NULL);
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void *
map_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *p;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 40 ||
	    (uint64_t)st.st_size > MAX_FILE) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return p;
}

/* The payload of a well-formed file (checksum, sizes), or NULL; *paths
 * and *plen: its sources' real paths. */
static const unsigned char *
open_file(const unsigned char *m, size_t len, const unsigned char **paths,
    uint64_t *plen, uint64_t *dlen)
{
	uint64_t pl, dl;

	if (len < 40 || len % 8 != 0 || memcmp(m, MAGIC, 8) != 0 ||
	    get64(m + len - 8) != kz_xxh64(m, len - 8, 0))
		return NULL;
	pl = get64(m + 16);
	if (pl > len - 40 || pad8((size_t)pl) + 40 > len)
		return NULL;
	dl = get64(m + 24 + pad8((size_t)pl));
	if (dl > len || 24 + pad8((size_t)pl) + 8 + pad8((size_t)dl) + 8 != len)
		return NULL;
	*paths = m + 24;
	*plen = pl;
	*dlen = dl;
	return m + 24 + pad8((size_t)pl) + 8;
}

int
kz_buildcache_get(const char *kind, const char *const *sources, size_t n,
    uint64_t key, kz_buildcache_hit *hit)
{
	kz_buf paths;
	char *dir = NULL, *file = NULL;
	const unsigned char *data, *fp;
	uint64_t plen, dlen;
	int rc = -1;

	memset(hit, 0, sizeof *hit);
	kz_buf_init(&paths);
	if (real_paths(sources, n, &paths) != 0 ||
	    (file = file_for(kind, &paths, &dir)) == NULL ||
	    (hit->map = map_file(file, &hit->map_len)) == NULL)
		goto out;
	data = open_file(hit->map, hit->map_len, &fp, &plen, &dlen);
	if (data == NULL || get64((const unsigned char *)hit->map + 8) != key ||
	    plen != paths.len || memcmp(fp, paths.data, paths.len) != 0) {
		munmap(hit->map, hit->map_len);
		memset(hit, 0, sizeof *hit);
		goto out;
	}
	hit->data = data;
	hit->len = (size_t)dlen;
	rc = 0;
out:
	kz_buf_release(&paths);
	free(file);
	free(dir);
	return rc;
}

void
kz_buildcache_release(kz_buildcache_hit *hit)
{
	if (hit->map)
		munmap(hit->map, hit->map_len);
	memset(hit, 0, sizeof *hit);
}

/* Remove the .kzb files whose sources are gone, and temporary files
 * left by writers that died; only files named like ours, only old ones. */
static void
collect_garbage(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	time_t now = time(NULL);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t nl = strlen(de->d_name);
		int tmp = strncmp(de->d_name, ".kzb-", 5) == 0;
		char file[PATH_MAX];
		struct stat st;
		size_t len;
		void *m;
		const unsigned char *fp;
		uint64_t plen, dlen;
		int dead = 0;

		if (!tmp && (nl < 22 || strcmp(de->d_name + nl - 4, ".kzb") != 0 ||
		    de->d_name[nl - 21] != '-'))
			continue;
		snprintf(file, sizeof file, "%s/%s", dir, de->d_name);
		if (lstat(file, &st) != 0 || !S_ISREG(st.st_mode) ||
		    now - st.st_mtime <= GC_GRACE_SECONDS)
			continue;
		if (tmp || (m = map_file(file, &len)) == NULL) {
			unlink(file);
			continue;
		}
		if (open_file(m, len, &fp, &plen, &dlen) == NULL) {
			dead = 1;
		} else {
			for (size_t at = 0; at < plen && !dead;) {
				const char *p = (const char *)fp + at;
				size_t l = strnlen(p, (size_t)plen - at);

				if (at + l >= plen || (access(p, F_OK) != 0 &&
				    errno == ENOENT))
					dead = 1;
				at += l + 1;
			}
		}
		munmap(m, len);
		if (dead)
			unlink(file);
	}
	closedir(d);
}

void
kz_buildcache_put(const char *kind, const char *const *sources, size_t n,
    uint64_t key, const void *payload, size_t len)
{
	static const char zeros[8];
	kz_buf paths, img;
	char *dir = NULL, *file = NULL;
	uint64_t v;

	kz_buf_init(&paths);
	kz_buf_init(&img);
	if (real_paths(sources, n, &paths) != 0 ||
	    (file = file_for(kind, &paths, &dir)) == NULL)
		goto out;
	kz_buf_add(&img, MAGIC, 8);
	kz_buf_add(&img, &key, 8);
	v = paths.len;
	kz_buf_add(&img, &v, 8);
	kz_buf_add(&img, paths.data, paths.len);
	kz_buf_add(&img, zeros, pad8(paths.len) - paths.len);
	v = len;
	kz_buf_add(&img, &v, 8);
	kz_buf_add(&img, payload, len);
	kz_buf_add(&img, zeros, pad8(len) - len);
	v = kz_xxh64(img.data, img.len, 0);
	kz_buf_add(&img, &v, 8);
	if (img.len > MAX_FILE)
		goto out;
	(void)kz_file_replace(dir, ".kzb-", file, img.data, img.len);
	collect_garbage(dir);
out:
	kz_buf_release(&paths);
	kz_buf_release(&img);
	free(file);
	free(dir);
}

int
kz_buildcache_hash_file(const char *path, uint64_t *hash, uint64_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	kz_xxh64_state st;
	unsigned char buf[1 << 16];
	ssize_t r;

	*len = 0;
	if (fd < 0)
		return -1;
	kz_xxh64_init(&st, 0);
	for (;;) {
		r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		kz_xxh64_update(&st, buf, (size_t)r);
		*len += (uint64_t)r;
	}
	close(fd);
	*hash = kz_xxh64_digest(&st);
	return r < 0 ? -1 : 0;
}

int
kz_buildcache_hash_rules(const char *path, const char *rel, uint64_t *hash)
{
	char buf[PATH_MAX + 64];
	kz_buf v;
	uint64_t h[2];
	int rc = 0;

	kz_buf_init(&v);
	if (kz_buildcache_hash_file(path, &h[0], &h[1]) != 0)
		rc = -1;
	kz_buf_add(&v, h, sizeof h);
	for (int l = KZ_DATA_SYSTEM; l < KZ_DATA_NLAYERS && rc == 0; l++) {
		const char *p = kz_data_overlay(l, rel, buf, sizeof buf);

		/* the layer, and its file's name: a file moved from one layer
		 * to the other is merged in another order */
		kz_buf_addf(&v, "\n%d %s\n", l, p ? p : "");
		if (p == NULL)
			continue;
		if (kz_buildcache_hash_file(p, &h[0], &h[1]) != 0)
			rc = -1;
		kz_buf_add(&v, h, sizeof h);
	}
	if (rc == 0)
		*hash = kz_xxh64(v.data, v.len, 0x72756c6573);
	kz_buf_release(&v);
	return rc;
}

/* ------------------------------------------------------------ payloads */

void
kz_bytes_put64(kz_buf *b, uint64_t v)
{
	kz_buf_add(b, &v, 8);
}

void
kz_bytes_put_str(kz_buf *b, const char *s)
{
	static const char zeros[8];
	size_t l = strlen(s);

	kz_bytes_put64(b, l);
	kz_buf_add(b, s, l);
	kz_buf_add(b, zeros, pad8(l) - l);
}

uint64_t
kz_bytes_get64(kz_bytes *r)
{
	uint64_t v;

	if (r->bad || r->end - r->p < 8) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p, 8);
	r->p += 8;
	return v;
}

char *
kz_bytes_get_str(kz_bytes *r)
{
	uint64_t l = kz_bytes_get64(r);
	char *s;

	if (r->bad || l > (uint64_t)(r->end - r->p) ||
	    pad8((size_t)l) > (size_t)(r->end - r->p)) {
		r->bad = 1;
		return NULL;
	}
	s = kz_strndup((const char *)r->p, (size_t)l);
	r->p += pad8((size_t)l);
	return s;
}

uint64_t
kz_bytes_get_count(kz_bytes *r, size_t least)
{
	uint64_t n = kz_bytes_get64(r);

	if (r->bad || (least && n > (uint64_t)(r->end - r->p) / least)) {
		r->bad = 1;
		return 0;
	}
	return n;
}
