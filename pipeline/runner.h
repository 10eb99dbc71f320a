/*
 * runner.h - what kz-run does: read pipeline.yaml, start the stages as
 * processes joined by pipes (fork, pipe, dup2, exec, as a shell does), and
 * run a folder of articles as a batch for cron.
 *
 * pipeline.yaml (docs/kz-run.md):
 *     stages:                     # in order; each reads the one before
 *       - run: kz-normalize       # a program: beside kz-run, else in PATH,
 *         args: [--id, $id]       #   or a path (relative to this file)
 *       - run: kz-check
 *         args: [--lang, $lang]   # $id, $lang, $data are filled in
 *     data: .                     # optional: KZ_DATA for every stage
 *     lang: fr                    # fr or en
 *     output: jsonl               # jsonl, text, html or tsv (kz-show)
 *     decisions: results/.kz-review.db  # optional: editors' decisions,
 *                                 #   --decisions for kz-quotes, kz-check
 * Unknown keys, a stage that cannot be found, a bad value: an error
 * naming the file, line and column (exit 78 in kz-run).
 *
 * Batch (kz_batch_run): the stages start once per --jobs worker and the
 * articles stream through them as kz/1 records, split back one record
 * per article (what cannot stream, or the article a pipeline died on,
 * gets a pipeline of its own). Every regular, non-hidden file of the
 * input folder whose name matches an include pattern (default *.txt,
 * *.jsonl) is an article. Its output OUT/STEM.EXT is redone when the article's
 * bytes changed (FNV-1a 64 hash, journal in OUT/.kz-state) or the output
 * is missing; written to a temporary file, fsync'd and renamed, so a
 * killed run never leaves half an output; an article whose record
 * carries `errors`, whose stage fails (a status but 0 and 65), is killed
 * by a signal or times out is listed in OUT/failures.tsv with the reason,
 * gets no new output, and is retried next run, until the same bytes have
 * failed max_attempts runs (OUT/.kz-failed counts them): then it is
 * quarantined, listed but not run. One run at a time per output folder:
 * flock on OUT/.kz-lock. Each output's journal line in OUT/.kz-made
 * records what made it (hashes of the pipeline and of the data files, kz's
 * version and its programs) and its flags: an output whose maker differs
 * from this run's is redone.
 *
 * Ownership: a kz_pipeline owns every string in it; kz_pipeline_release
 * frees them. Nothing here prints or exits: errors come back in a
 * kz_error, failures and progress through the callbacks of
 * kz_batch_opts.
 */
#ifndef KZ_RUNNER_H
#define KZ_RUNNER_H

#include "error.h"
#include "show.h"

#include <stddef.h>
#include <stdint.h>

/* kz's version, recorded with every output a batch writes: an output
 * made by another version is redone. */
#define KZ_VERSION "0.15"
/* --fail-on: a flag of that severity or worse in an output of the run */
#define KZ_EXIT_FLAGGED 1

/* sysexits(3) EX_TEMPFAIL: another run holds the output folder's lock, or
 * the run was interrupted; try again later. */
#define KZ_EXIT_TEMPFAIL 75
/* the output folder can be written by another user, or a file kz-run owns
 * there is a link: nothing done */
#define KZ_EXIT_NOPERM 77

typedef enum { KZ_OUT_JSONL, KZ_OUT_TEXT, KZ_OUT_HTML, KZ_OUT_TSV } kz_output;

typedef struct kz_stage_spec {
	char *name;             /* as written after `run:` */
	char *path;             /* the executable found for it */
	char **args;            /* nargs strings, before $-substitution */
	size_t nargs;
	long line, column;      /* of the `run:` value in the file */
} kz_stage_spec;

typedef struct kz_pipeline {
	char *file;             /* the configuration's name */
	kz_stage_spec *stages;
	size_t n;
	char *data;             /* absolute data folder, or NULL */
	char *lang;             /* "fr" or "en" */
	kz_output output;
	char *show_path;        /* kz-show, when output is not jsonl */
	char *decisions;        /* absolute path of `decisions:`, or NULL */
} kz_pipeline;

/* ---------------------------------------------------------------- config */
/* Load a pipeline file. Programs named without a slash are looked for in
 * exe_dir (kz-run's own folder; may be NULL), then in PATH. Returns 0, or
 * -1 with err naming file, line and column. */
int kz_pipeline_load(const char *path, const char *exe_dir, kz_pipeline *pl,
    kz_error *err);
/* The same from memory; name is used in errors, and relative paths are
 * taken from base_dir (NULL: the current folder). */
int kz_pipeline_load_string(const char *name, const char *s, size_t len,
    const char *base_dir, const char *exe_dir, kz_pipeline *pl, kz_error *err);
void kz_pipeline_release(kz_pipeline *pl);

/* The folder of the running executable (/proc/self/exe) into out[n];
 * -1 when unknown. */
int kz_exe_dir(char *out, size_t n);

/* The executable for a program name: a name with a slash is a path
 * (relative to base_dir when not absolute); otherwise exe_dir/name, then
 * each PATH entry. Returns a new string (free it), or NULL. */
char *kz_find_program(const char *name, const char *exe_dir,
    const char *base_dir);

/* Stage i's argv, NULL-terminated, with $id, $lang and $data filled in
 * (the kz-show stage when i == pl->n and output is not jsonl), and
 * `--decisions FILE` added for kz-quotes and kz-check when the file has a
 * `decisions:` key. Free with kz_argv_free. */
char **kz_pipeline_argv(const kz_pipeline *pl, size_t i, const char *id);
void kz_argv_free(char **argv);
/* Number of processes the pipeline starts (the stages, plus kz-show when
 * the output is not jsonl and with_show is set). */
size_t kz_pipeline_nprocs(const kz_pipeline *pl, int with_show);

/* The pipeline as one shell command line, quoted, into out. */
void kz_pipeline_format(const kz_pipeline *pl, const char *id, kz_buf *out);

/* "jsonl", "text", "html", "tsv" <-> kz_output; -1 for anything else. */
int kz_output_parse(const char *name, kz_output *out);
const char *kz_output_ext(kz_output o);

/* ---------------------------------------------------------------- one run */
/* Run the pipeline once from in_fd to out_fd (stderr is shared), as the
 * shell pipe would, kz-show included when the output is not jsonl.
 * Returns the status of the stage to blame (the worst; err then says
 * which stage failed and how): a status kz documents as it is, any other
 * program's non-zero status or a death by a signal as 70. A stage killed
 * by SIGPIPE is no failure (its reader stopped); when it is the last
 * stage (out_fd's reader stopped), KZ_RUN_SIGPIPE. */
#define KZ_RUN_SIGPIPE (128 + 13)
int kz_pipeline_run(const kz_pipeline *pl, const char *id, int in_fd,
    int out_fd, kz_error *err);

/* The worse of two exit statuses: 74 > 70 > 78 > 75 > 64 > 66 > 65 > 0,
 * any other non-zero status ranking with 70. */
int kz_exit_worst(int a, int b);

/* ---------------------------------------------------------------- batch */
typedef struct kz_batch_stats {
	size_t seen;            /* article files in the input folder */
	size_t todo;            /* of which new or changed */
	size_t done, skipped, failed;
	size_t quarantined;     /* set aside, not run (--max-attempts) */
	size_t flags[3];        /* in the outputs written: error, warning, info */
	size_t folder_flags[3]; /* in every output of the folder after the run */
	/* outputs redone (made before, made again), and why; one output may
	 * count under several reasons */
	size_t redone, redone_article, redone_missing, redone_pipeline,
	    redone_data, redone_version, redone_forced;
	double elapsed;         /* seconds */
} kz_batch_stats;

/* The articles of a folder when no --include is given. */
#define KZ_BATCH_INCLUDE_DEFAULT { "*.txt", "*.jsonl" }

typedef struct kz_batch_opts {
	const char *in_dir, *out_dir;
	int jobs;               /* articles at once (>= 1) */
	double timeout;         /* seconds per article; 0: none */
	int wait_lock;          /* wait for another run instead of failing */
	int force;              /* redo every article */
	int follow_symlinks;    /* read links that lead out of in_dir */
	int max_attempts;       /* failed runs of the same bytes before the
	                         * article is quarantined; 0: never */
	int retry_quarantined;  /* run quarantined articles again */
	int fail_on;            /* 0: off; 1: error flags; 2: warnings too:
	                         * exit KZ_EXIT_FLAGGED when an output written
	                         * has one */
	/* fnmatch(3) patterns a file name must match to be an article; NULL
	 * or none: KZ_BATCH_INCLUDE_DEFAULT */
	const char *const *include;
	size_t ninclude;
	/* An article failed (reason in plain words). May be NULL. */
	void (*on_failure)(void *ctx, const char *file, const char *reason);
	/* Called about five times a second while articles run, and once at
	 * the end. May be NULL. */
	void (*on_progress)(void *ctx, const kz_batch_stats *st);
	void *ctx;
} kz_batch_opts;

/* Run every new or changed article of in_dir through the pipeline into
 * out_dir (created when missing). Returns 0 when every article is done or
 * unchanged; 65 when some failed (listed in out_dir/failures.tsv, which is
 * removed when none did); 66 when in_dir cannot be read; 74 when out_dir
 * cannot be written; 75 when another run holds the lock (err says so) or
 * when SIGINT or SIGTERM stopped the run (the articles left are done next
 * time). st is filled in every case. */
int kz_batch_run(const kz_pipeline *pl, const kz_batch_opts *o,
    kz_batch_stats *st, kz_error *err);

/* ---------------------------------------------------------------- status */
/* An article that failed on the last run, or is quarantined. */
typedef struct kz_status_entry {
	char *name;             /* its file name in the input folder */
	char *reason;           /* the last reason (quarantined: why, too) */
	int quarantined;
} kz_status_entry;

typedef struct kz_batch_status {
	char *in_dir;           /* the input folder looked at */
	size_t articles;        /* = done + failed + quarantined + pending */
	size_t done;            /* output there, and nothing that made it changed */
	size_t failed;          /* failed last time, same bytes: retried next run */
	size_t quarantined;     /* set aside: not run until edited */
	size_t pending;         /* new, changed or stale: done by the next run */
	kz_status_entry *entries;  /* the failed and quarantined, by name */
	size_t nentries;
} kz_batch_status;

/* The record of the input folder kz_batch_run keeps in the output folder,
 * for kz_batch_status_read when no in_dir is given. */
#define KZ_BATCH_SOURCE_FILE ".kz-source"

/* What the next kz_batch_run with the same pipeline and options would
 * find in o->out_dir, from the journals a run keeps and the articles of
 * o->in_dir (NULL: the input folder the last run recorded). Reads only:
 * takes no lock and writes nothing, so it may run while a batch does.
 * Returns 0; 66 when a folder cannot be read (or no run recorded its
 * input folder and none is given), 77 when a journal is a link; err says
 * why. Release s with kz_batch_status_release in every case. */
int kz_batch_status_read(const kz_pipeline *pl, const kz_batch_opts *o,
    kz_batch_status *s, kz_error *err);
void kz_batch_status_release(kz_batch_status *s);

/* The content hash the batch keys articles by (FNV-1a, 64 bits). */
uint64_t kz_content_hash(const void *data, size_t len);

#endif
