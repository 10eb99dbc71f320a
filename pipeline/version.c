#include "version.h"

#include "buf.h"
#include "gazcache.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* -DKZ_VERSION from the Makefile; a build outside it (the fuzz targets)
 * says so */
#ifndef KZ_VERSION
#define KZ_VERSION "unknown"
#endif

const char *
kz_version(void)
{
	return KZ_VERSION;
}

void
kz_snapshot_init(kz_snapshot *s)
{
	kz_xxh64_init(&s->st, 0);
	s->nfiles = 0;
}

/* name, a NUL, the content, its length: files cannot run into each other */
static int
add_file(kz_snapshot *s, const char *path, kz_error *err)
{
	const char *base = strrchr(path, '/');
	FILE *f = fopen(path, "rb");
	unsigned char chunk[1 << 16];
	uint64_t total = 0;
	size_t n;

	if (f == NULL)
		return kz_error_set(err, path, 0, 0, strerror(errno));
	base = base ? base + 1 : path;
	kz_xxh64_update(&s->st, base, strlen(base) + 1);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		kz_xxh64_update(&s->st, chunk, n);
		total += n;
	}
	if (ferror(f)) {
		fclose(f);
		return kz_error_set(err, path, 0, 0, "read error");
	}
	fclose(f);
	kz_xxh64_update(&s->st, &total, sizeof total);
	s->nfiles++;
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
add_dir(kz_snapshot *s, const char *dir, kz_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (d == NULL)
		return kz_error_set(err, dir, 0, 0, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0 ||
		    de->d_name[0] == '.')
			continue;
		names = kz_realloc(names, (n + 1) * sizeof *names);
		names[n++] = kz_strndup(de->d_name, len);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		kz_buf p;

		kz_buf_init(&p);
		kz_buf_addf(&p, "%s/%s", dir, names[i]);
		if (rc == 0)
			rc = add_file(s, p.data, err);
		kz_buf_release(&p);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
kz_snapshot_add(kz_snapshot *s, const char *path, kz_error *err)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return add_dir(s, path, err);
	return add_file(s, path, err);
}

void
kz_snapshot_hex(const kz_snapshot *s, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, kz_xxh64_digest(&s->st));
}

int
kz_snapshot_files(char *const *paths, size_t n, char out[17], kz_error *err)
{
	kz_gazsrc *src = kz_calloc(n ? n : 1, sizeof *src);
	kz_gazcache c;
	kz_snapshot s;
	kz_buf id;
	uint64_t hash;
	time_t t0 = time(NULL);
	int stamped = 1, rc = 0;

	kz_buf_init(&id);
	kz_buf_addf(&id, "snapshot");
	for (size_t i = 0; i < n; i++) {
		/* a folder (or a file gone) is hashed the long way */
		if (kz_gazcache_stat(&src[i], paths[i]) != 0 ||
		    strchr(paths[i], '\n') != NULL) {
			stamped = 0;
		} else {
			struct stat st;

			if (stat(paths[i], &st) != 0 || !S_ISREG(st.st_mode))
				stamped = 0;
		}
		kz_buf_addf(&id, "\n%s", paths[i]);
	}
	memset(&c, 0, sizeof c);
	if (stamped)
		kz_gazcache_init(&c, id.data, NULL, 0);
	if (c.dir) {
		/* a stamp of its own name: it vouches for no image */
		kz_buf p;

		kz_buf_init(&p);
		kz_buf_addf(&p, "%s/snap-%016llx.stamp", c.dir,
		    (unsigned long long)c.slot);
		free(c.stamp_path);
		c.stamp_path = kz_buf_detach(&p, NULL);
	}
	if (c.dir && kz_gazcache_stamp_read(&c, src, n, &hash)) {
		snprintf(out, 17, "%016" PRIx64, hash);
		goto done;
	}
	kz_snapshot_init(&s);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = kz_snapshot_add(&s, paths[i], err);
	if (rc == 0) {
		kz_snapshot_hex(&s, out);
		for (size_t i = 0; i < n && c.dir; i++) {
			kz_gazsrc before = src[i];

			if (kz_gazcache_restat(&src[i], &before, t0) != 0)
				src[i].stable = 0;
		}
		if (c.dir)
			kz_gazcache_stamp_write(&c, src, n,
			    kz_xxh64_digest(&s.st));
	}
done:
	kz_gazcache_release(&c);
	kz_buf_release(&id);
	free(src);
	return rc;
}
