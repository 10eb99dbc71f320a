#include "version.h"

#include "buf.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
