#include "stage.h"

#include "buf.h"
#include "date.h"
#include "record.h"

#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef KZ_DATADIR
#define KZ_DATADIR "/usr/local/share/kz"
#endif

int
kz_stage_run(FILE *in, const char *in_name, FILE *out,
    const kz_stage_opts *opts, kz_stage_fn process, void *ctx)
{
	kz_reader *r = kz_reader_new(in, in_name, opts->max_line);
	int status = KZ_EXIT_OK;

	if (opts->reads != NULL || opts->writes != NULL)
		kz_reader_set_fields(r, opts->reads, opts->writes, opts->skips);
	if (opts->prefix_len > 0)
		kz_reader_preload(r, opts->prefix, opts->prefix_len);
	json_t *rec;
	kz_error err;
	char msg[1024];
	int rc;

	for (;;) {
		kz_error_clear(&err);
		rc = kz_reader_next(r, opts->stage, &rec, &err);
		if (rc == 0)
			break;
		if (rc < 0) {
			kz_error_format(&err, msg, sizeof msg);
			fprintf(stderr, "%s: %s\n", opts->stage, msg);
			status = KZ_EXIT_DATAERR;
		} else if (process(rec, ctx, &err) != 0) {
			const json_t *id = json_object_get(rec, "id");

			kz_record_add_error(rec, opts->stage, err.message);
			if (!opts->quiet)
				fprintf(stderr, "%s: %s:%ld: record %s: %s\n",
				    opts->stage, in_name, kz_reader_line_number(r),
				    json_is_string(id) ? json_string_value(id) : "(no id)",
				    err.message);
			status = KZ_EXIT_DATAERR;
		}
		rc = kz_reader_write(r, out, rec, opts->extra ? opts->extra->data :
		    NULL, opts->extra ? opts->extra->len : 0);
		if (opts->extra)
			kz_buf_reset(opts->extra);
		if (rc != 0) {
			json_decref(rec);
			fprintf(stderr, "%s: cannot write output: %s\n",
			    opts->stage, strerror(errno));
			kz_reader_free(r);
			return KZ_EXIT_IOERR;
		}
		json_decref(rec);
	}
	if (kz_reader_failed(r)) {
		fprintf(stderr, "%s: %s: read error\n", opts->stage, in_name);
		status = KZ_EXIT_IOERR;
	}
	kz_reader_free(r);
	if (fflush(out) != 0) {
		fprintf(stderr, "%s: cannot write output: %s\n", opts->stage,
		    strerror(errno));
		return KZ_EXIT_IOERR;
	}
	return status;
}

static int
has_rules(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof path, "%s/rules", dir) >= (int)sizeof path)
		return 0;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
kz_datadir_find(const char *override, char *out, size_t n, kz_error *err)
{
	char exe[PATH_MAX], cand[PATH_MAX + 16];
	const char *env = getenv("KZ_DATA");
	ssize_t len;

	if (override) {
		if (!has_rules(override))
			return kz_error_set(err, override, 0, 0,
			    "not a kz data directory (no rules/ folder in it)");
		snprintf(out, n, "%s", override);
		return 0;
	}
	if (env && *env) {
		if (!has_rules(env))
			return kz_error_set(err, env, 0, 0,
			    "KZ_DATA is not a kz data directory (no rules/ folder)");
		snprintf(out, n, "%s", env);
		return 0;
	}
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		char *slash;

		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(cand, sizeof cand, "%s/../share/kz", exe);
		if (has_rules(cand)) {
			snprintf(out, n, "%s", cand);
			return 0;
		}
		snprintf(cand, sizeof cand, "%s/..", exe);
		if (has_rules(cand)) {
			snprintf(out, n, "%s", cand);
			return 0;
		}
	}
	if (has_rules(KZ_DATADIR)) {
		snprintf(out, n, "%s", KZ_DATADIR);
		return 0;
	}
	return kz_error_set(err, NULL, 0, 0, "cannot find the kz data directory"
	    " (gazetteers/ and rules/); give --data DIR or set KZ_DATA");
}

int
kz_parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	if (*s < '0' || *s > '9')   /* strtoull takes "-5" as 2^64 - 5 */
		return -1;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end != '\0' || v == 0 || v > (SIZE_MAX >> shift))
		return -1;
	v <<= shift;
	*out = (size_t)v;
	return 0;
}

int
kz_opt_size(const char *prog, const char *opt, const char *arg, size_t *out)
{
	if (kz_parse_size(arg, out) == 0)
		return 0;
	fprintf(stderr, "%s: --%s: not a size: %s\n", prog, opt, arg);
	return -1;
}

int
kz_opt_date(const char *prog, const char *arg)
{
	int32_t v = strlen(arg) == 10 ? kz_date_parse(arg) : KZ_DATE_BAD;

	if (v > 0)
		return 0;
	if (v == KZ_DATE_NO_DAY)
		fprintf(stderr, "%s: --date: not a real day: %s\n", prog, arg);
	else
		fprintf(stderr, "%s: --date: not a YYYY-MM-DD date: %s\n", prog,
		    arg);
	return -1;
}

void
kz_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
