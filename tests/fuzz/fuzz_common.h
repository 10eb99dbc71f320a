/*
 * fuzz_common.h - what every kz fuzz target shares: finding the data
 * directory, a private scratch directory for loaders that want a path, and
 * checks on the spans a stage writes (offsets in range, `text` equal to the
 * slice it claims), so a wrong offset is a finding, not just a crash.
 *
 * Each target is one LLVMFuzzerTestOneInput over library code; nothing here
 * prints unless an invariant breaks, and then it aborts so libFuzzer keeps
 * the input.
 */
#ifndef KZ_FUZZ_COMMON_H
#define KZ_FUZZ_COMMON_H

#include "buf.h"
#include "record.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KZ_FUZZ_ROOT
#define KZ_FUZZ_ROOT "."
#endif

/* The kz data directory: $KZ_DATA, else the repository the harness was
 * built from. */
static const char *
fuzz_datadir(void)
{
	const char *d = getenv("KZ_DATA");

	return d && *d ? d : KZ_FUZZ_ROOT;
}

/* DATA/rel into out[PATH_MAX]. */
static const char *
fuzz_datapath(char *out, const char *rel)
{
	snprintf(out, PATH_MAX, "%s/%s", fuzz_datadir(), rel);
	return out;
}

static char fuzz_tmp[PATH_MAX];

static int
fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static void
fuzz_tmp_cleanup(void)
{
	if (fuzz_tmp[0])
		nftw(fuzz_tmp, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A scratch directory for this process, removed at exit. */
static const char *
fuzz_tmpdir(void)
{
	if (fuzz_tmp[0] == '\0') {
		const char *base = getenv("TMPDIR");

		snprintf(fuzz_tmp, sizeof fuzz_tmp, "%s/kz-fuzz.XXXXXX",
		    base && *base ? base : "/tmp");
		if (mkdtemp(fuzz_tmp) == NULL) {
			perror("kz fuzz: mkdtemp");
			abort();
		}
		atexit(fuzz_tmp_cleanup);
	}
	return fuzz_tmp;
}

/* Write data to the file path (abort when it cannot be written). */
static void
fuzz_write_path(const char *out, const uint8_t *data, size_t size)
{
	FILE *f = fopen(out, "wb");

	if (f == NULL) {
		perror(out);
		abort();
	}
	if (size && fwrite(data, 1, size, f) != size) {
		perror(out);
		abort();
	}
	if (fclose(f) != 0) {
		perror(out);
		abort();
	}
}

/* Write data to TMP/rel; returns the path, in out[PATH_MAX]. */
static const char *
fuzz_write(char *out, const char *rel, const uint8_t *data, size_t size)
{
	snprintf(out, PATH_MAX, "%s/%s", fuzz_tmpdir(), rel);
	fuzz_write_path(out, data, size);
	return out;
}

/* Copy DATA/rel to TMP/rel. */
static void
fuzz_copy_data(const char *rel)
{
	char src[PATH_MAX], dst[PATH_MAX], chunk[65536];
	FILE *in, *out;
	size_t n;

	fuzz_datapath(src, rel);
	snprintf(dst, sizeof dst, "%s/%s", fuzz_tmpdir(), rel);
	in = fopen(src, "rb");
	out = fopen(dst, "wb");
	if (in == NULL || out == NULL) {
		perror(in ? dst : src);
		abort();
	}
	while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
		fwrite(chunk, 1, n, out);
	fclose(in);
	if (fclose(out) != 0)
		abort();
}

/* Read a whole file into b (abort when it cannot be read). */
static void
fuzz_slurp(const char *path, kz_buf *b)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		perror(path);
		abort();
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		kz_buf_add(b, chunk, n);
	fclose(f);
}

static void
fuzz_fail(const char *what, const json_t *span)
{
	char *s = span ? json_dumps(span, JSON_COMPACT) : NULL;

	fprintf(stderr, "kz fuzz: invariant broken: %s: %s\n", what,
	    s ? s : "");
	free(s);
	abort();
}

/* A span of rec: start <= end <= length of text (code points), and its
 * `text`, when present, is exactly that slice. */
static void
fuzz_check_span(const json_t *span, const kz_offsets *o, const char *text,
    const char *what)
{
	const json_t *s = json_object_get(span, "start");
	const json_t *e = json_object_get(span, "end");
	const json_t *t = json_object_get(span, "text");
	json_int_t si, ei;
	size_t bs, be;

	if (!json_is_integer(s) || !json_is_integer(e))
		fuzz_fail(what, span);
	si = json_integer_value(s);
	ei = json_integer_value(e);
	if (si < 0 || ei < si || (size_t)ei > o->ncp)
		fuzz_fail(what, span);
	if (t == NULL)
		return;
	if (!json_is_string(t))
		fuzz_fail(what, span);
	bs = kz_offsets_byte(o, (size_t)si);
	be = kz_offsets_byte(o, (size_t)ei);
	if (json_string_length(t) != be - bs ||
	    memcmp(json_string_value(t), text + bs, be - bs) != 0)
		fuzz_fail(what, span);
}

/* Every span in the array rec[key] (and, with sub, in each item's
 * sub-object, e.g. a quote's speaker). */
static void
fuzz_check_spans(const json_t *rec, const char *key, const char *sub)
{
	const json_t *a = json_object_get(rec, key);
	size_t len, i;
	const char *text = kz_record_text(rec, &len);
	kz_offsets o;
	const json_t *item;

	if (!json_is_array(a) || text == NULL)
		return;
	if (kz_offsets_init(&o, text, len) != 0)
		return;
	json_array_foreach(a, i, item) {
		fuzz_check_span(item, &o, text, key);
		if (sub) {
			const json_t *x = json_object_get(item, sub);

			if (json_is_object(x) && json_object_get(x, "start"))
				fuzz_check_span(x, &o, text, sub);
		}
	}
	kz_offsets_release(&o);
}

/* Make fuzz bytes into valid UTF-8 text, NUL-terminated (bad bytes become
 * U+FFFD, NUL bytes a space). */
static void
fuzz_text(const uint8_t *data, size_t size, kz_buf *out)
{
	kz_buf_reset(out);
	kz_utf8_repair((const char *)data, size, out, NULL);
	for (size_t i = 0; i < out->len; i++)
		if (out->data[i] == '\0')
			out->data[i] = ' ';
}

#endif
