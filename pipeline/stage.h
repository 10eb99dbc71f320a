/*
 * stage.h - what every kz filter program shares: the record loop, the data
 * directory, and the exit codes (sysexits(3) style, documented in
 * docs/exit-codes.md).
 *
 * kz_stage_run reads kz/1 records from `in`, calls `process` on each good
 * one and writes every record (good, or the stand-in of a broken line) to
 * `out`, so no article is ever lost. It returns the exit code.
 *
 * The skeleton of a stage's main (kz_stage_cli): the options every stage
 * takes (--date, --data, --max-line, -q, -j, -h, --version,
 * --print-data), the data
 * directory, and the contexts of the threads (kz_stage_base: the tagger,
 * the decisions), so that each kz-*.c keeps only what is its own. The
 * structures live on main's stack; what they hold is freed by
 * kz_stage_base_release.
 */
#ifndef KZ_STAGE_H
#define KZ_STAGE_H

#include "error.h"

#include <getopt.h>
#include <jansson.h>
#include <limits.h>
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
	/* When version is set: each record gets {"program": stage,
	 * "version", "data"} appended to its `producer` (docs/format.md).
	 * Borrowed. */
	const char *version;
	const char *data_snapshot;
} kz_stage_opts;

/* Append this stage's entry to rec's `producer` array (created when
 * absent); nothing when opts->version is NULL. */
void kz_stage_add_producer(json_t *rec, const kz_stage_opts *opts);

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

/* ------------------------------------------------------ the command line */

enum { KZ_STAGE_MAX_REPLACED = 4 };

typedef struct kz_stage_cli kz_stage_cli;
struct kz_stage_cli {
	/* Set by main. */
	const char *prog;               /* "kz-tag" */
	const char *usage;              /* --help: up to its own options */
	const char *usage_tail;         /* --help after the common options */
	int help_col;                   /* where option descriptions start */
	const struct option *own;       /* its own long options, ended by a
	                                   { NULL } row; may be NULL */
	const char *own_short;          /* its own short options; may be NULL */
	/* Each own option: 0, or the exit status to end with (the message
	 * said). */
	int (*own_opt)(kz_stage_cli *cli, int ch, const char *arg);
	void *own_ctx;                  /* for own_opt */
	int no_jobs;                    /* one thread: no -j/--jobs */
	/* The data it loads, relative to the data directory ("gazetteers",
	 * "rules/roles.yaml"), NULL-ended: what the data snapshot hashes. */
	const char *const *loads;
	kz_stage_opts *so;              /* max_line, quiet, jobs set here;
	                                   stage and jobs default to prog and
	                                   one thread a processor */
	/* The stage's context, for kz_stage_cli_start: a struct of
	 * ctx_size bytes whose first member is a kz_stage_base. own_init
	 * loads what is the stage's own (first NULL: the first thread's;
	 * else another thread's, first being the first thread's context)
	 * and may point *extra at the buffer its process function writes
	 * members to; own_release frees it. Either may be NULL. */
	size_t ctx_size;
	int (*own_init)(void *ctx, const void *first, struct kz_buf **extra,
	    kz_error *err);
	void (*own_release)(void *ctx);
	/* kz_stage_main: after the data directory is found, before the
	 * contexts are made; -1 to go on, else the exit status. May be NULL. */
	int (*prepare)(kz_stage_cli *cli);

	/* Filled by kz_stage_cli_parse and kz_stage_cli_setup. */
	const char *data;               /* --data DIR, or NULL */
	char date[11];                  /* --date, else today */
	int date_given;
	char *const *files;             /* the FILE arguments */
	size_t nfiles;
	char datadir[PATH_MAX];         /* "" when nothing needs it */
	char snapshot[17];
	struct { const char *rel, *path; } replaced[KZ_STAGE_MAX_REPLACED];
	size_t nreplaced;
	int version;                    /* --version was given */
	int print_data;                 /* --print-data was given */
};

/* Parse argv. Returns -1 to go on, else the exit status main returns:
 * 0 after --help, --version or --print-data (printed), 64 on bad usage
 * (said), 78 when --print-data finds no data. Turns the local data layers
 * (datapath.h) on, unless --data was given. */
int kz_stage_cli_parse(kz_stage_cli *cli, int argc, char **argv);

/* An option such as --rules FILE or --gazetteers DIR: path is loaded
 * instead of DATADIR/rel (and hashed instead of it). path is borrowed. */
void kz_stage_cli_replace(kz_stage_cli *cli, const char *rel,
    const char *path);

/* Where rel is loaded from: its replacement, else DATADIR/rel, in buf. */
const char *kz_stage_cli_path(const kz_stage_cli *cli, const char *rel,
    char *buf, size_t n);

/* Find the data directory when some load is not replaced. 0, or 78
 * with the message said. */
int kz_stage_cli_setup(kz_stage_cli *cli);

/* Say err as "PROG: message" on standard error; returns 78. */
int kz_stage_cli_fail(const kz_stage_cli *cli, const kz_error *err);

/* The first thread's context: its kz_stage_base (the tagger; gazetteers
 * and decisions_path set beforehand), then own_init; the other threads'
 * are made alike when the input is long enough. 0, or 78 with the message
 * said (ctx released). */
int kz_stage_cli_start(kz_stage_cli *cli, void *ctx);
/* own_release, then the base's. */
void kz_stage_cli_finish(const kz_stage_cli *cli, void *ctx);

/* Hash the data loaded (the `producer` entries), then kz_stage_run_files
 * over the FILE arguments. Returns the exit status. */
int kz_stage_cli_run(kz_stage_cli *cli, kz_stage_fn process, void *ctx);

/* The whole of a stage's main: parse, setup, prepare, start, run,
 * finish. Returns the exit status. */
int kz_stage_main(kz_stage_cli *cli, int argc, char **argv,
    kz_stage_fn process, void *ctx);

/* The data snapshot of what cli loads into cli->snapshot: 0, or -1 with
 * err. */
int kz_stage_cli_snapshot(kz_stage_cli *cli, kz_error *err);

/* --version for any program: "PROG (kz) VERSION", then, when loads is not
 * NULL, "data SNAPSHOT DATADIR" (or why there is none). */
void kz_version_print(FILE *out, const char *prog, const char *data,
    const char *const *loads);

/* ------------------------------------------------ what the threads share */

struct kz_tagger;
struct kz_decisions;

/* The part of a context every data-reading stage holds: a tagger, the
 * article date, and the editors' decisions when asked for. */
typedef struct kz_stage_base {
	const kz_stage_cli *cli;
	struct kz_tagger *tagger;
	char date[11];
	const char *datadir;
	const char *gazetteers;         /* NULL: DATADIR/gazetteers */
	const char *decisions_path;     /* NULL: no --decisions */
	struct kz_decisions *decisions; /* this thread's connection, or NULL */
} kz_stage_base;

/* first NULL: the first thread's, from cli (b->gazetteers and
 * b->decisions_path set beforehand); else another thread's, with its own
 * tagger reading first's gazetteer image and its own decisions
 * connection. 0, or -1 with err (b released). */
int kz_stage_base_init(kz_stage_base *b, const kz_stage_cli *cli,
    const kz_stage_base *first, kz_error *err);
void kz_stage_base_release(kz_stage_base *b);

#endif
