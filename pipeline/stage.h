/*
 * stage.h - what every kz filter program shares: the record loop, the data
 * directory, and the exit codes (sysexits(3) style, documented in
 * docs/exit-codes.md).
 *
 * kz_stage_run reads kz/1 records from `in`, calls `process` on each good
 * one and writes every record (good, or the stand-in of a broken line) to
 * `out`, so no article is ever lost. It returns the exit code.
 */
#ifndef KZ_STAGE_H
#define KZ_STAGE_H

#include "error.h"

#include <jansson.h>
#include <stdio.h>

enum {
	KZ_EXIT_OK = 0,
	KZ_EXIT_USAGE = 64,     /* bad command line */
	KZ_EXIT_DATAERR = 65,   /* some input record or article was bad */
	KZ_EXIT_NOINPUT = 66,   /* an input file could not be opened */
	KZ_EXIT_SOFTWARE = 70,  /* internal error */
	KZ_EXIT_IOERR = 74,     /* output could not be written */
	KZ_EXIT_CONFIG = 78     /* gazetteers, rules or pipeline.yaml broken */
};

/* Called on each record; returns 0, or -1 with err set when this record
 * could not be processed (the record is still written, with an `errors`
 * entry). */
typedef int (*kz_stage_fn)(json_t *rec, void *ctx, kz_error *err);

typedef struct kz_stage_opts {
	const char *stage;        /* "kz-tag" */
	size_t max_line;          /* 0: the default */
	int quiet;                /* no per-record messages on stderr */
	/* When set, members the process function wrote itself as JSON text
	 * (kz_record_write_extra): written after the record's own, then
	 * emptied for the next record. Borrowed. */
	struct kz_buf *extra;
	/* The top-level members the stage reads and writes (NULL-terminated;
	 * see kz_reader_set_fields): the others are passed on as they came,
	 * without being built. Both NULL: every member is built. */
	const char *const *reads;
	const char *const *writes;
	/* What the stage never looks at inside members it only reads, as
	 * "top.key" (see kz_reader_set_fields); may be NULL. */
	const char *const *skips;
	/* Bytes already read from `in` (to look at them), read first. */
	const char *prefix;
	size_t prefix_len;
	/* Above 1: that many threads process the records, a batch at a time,
	 * while this one reads and writes them in the input's order (only
	 * when the input holds more than one batch). The first thread uses
	 * ctx and extra; each other one makes its own context with
	 * worker_new, in that thread, and frees it with worker_free. process
	 * must share nothing mutable between contexts. */
	size_t jobs;
	void *(*worker_new)(void *ctx, struct kz_buf **extra, kz_error *err);
	void (*worker_free)(void *worker_ctx);
} kz_stage_opts;

int kz_stage_run(FILE *in, const char *in_name, FILE *out,
    const kz_stage_opts *opts, kz_stage_fn process, void *ctx);

/* kz_stage_run over each of files[0..n) in order, as cat reads them: "-"
 * (or no file at all) is standard input. A file that cannot be opened is
 * said on stderr and skipped; the status is the worst: output error, then
 * a file not opened (66), then a bad record (65). */
int kz_stage_run_files(char *const *files, size_t n, FILE *out,
    const kz_stage_opts *opts, kz_stage_fn process, void *ctx);

/* The number of processors online (at least 1): the default of the
 * stages' --jobs. */
size_t kz_stage_default_jobs(void);

/* --jobs N: a whole number from 1 to 64. On a bad value prints
 * "PROG: --jobs: ..." to standard error and returns -1. */
int kz_opt_jobs(const char *prog, const char *arg, size_t *out);

/* Find the directory holding gazetteers/ and rules/: `override` if given,
 * else $KZ_DATA, else <exe>/../share/kz, else <exe>/.. (a build tree),
 * else the compiled-in KZ_DATADIR. Writes it to out; returns -1 with err
 * when none holds a rules/ folder. */
int kz_datadir_find(const char *override, char *out, size_t n, kz_error *err);

/* Parse a size such as 64M, 1G, 4096 (bytes). Returns -1 on nonsense. */
int kz_parse_size(const char *s, size_t *out);

/* Option values every program checks the same way. On a bad value they
 * print "PROG: --OPT: not a …: VALUE" to standard error and return -1. */
int kz_opt_size(const char *prog, const char *opt, const char *arg,
    size_t *out);
int kz_opt_date(const char *prog, const char *arg);   /* YYYY-MM-DD, a real
                                                         day (date.h) */

/* Today's date as YYYY-MM-DD (UTC) into out[11]. */
void kz_today(char out[11]);

#endif
