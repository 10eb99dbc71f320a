/*
 * kz-run - run the stages of pipeline.yaml on one article, or on a folder
 * of articles for cron. See `kz-run --help` and docs/kz-run.md.
 */
#include "esc.h"
#include "runner.h"
#include "stage.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
"Usage: kz-run [--config FILE] [--id ID] < article.txt > checked.jsonl\n"
"       kz-run [--config FILE] --in DIR --out DIR [--jobs N] [--timeout S]\n"
"              [--include GLOB]...\n"
"       kz-run [--config FILE] --status OUT [--in DIR]\n"
"       kz-run [--config FILE] --print\n"
"\n"
"Run the stages named in pipeline.yaml, joined by pipes as a shell joins\n"
"them: `kz-run < a.txt` writes byte for byte what\n"
"`kz-normalize < a.txt | kz-tag | kz-quotes | kz-check` writes.\n"
"Stages are found beside kz-run, then in PATH.\n"
"\n"
"With --in and --out, every article file in the input folder (regular,\n"
"not hidden, matching --include) that is new or changed since the last\n"
"run goes through the pipeline into OUT/NAME.jsonl (or .txt, .html, .tsv\n"
"for the other output formats). Changed: its bytes, or the pipeline, the\n"
"data (gazetteers, rules) or kz's version that made its output\n"
"(OUT/.kz-made records them). Each stage starts once per --jobs worker\n"
"and the articles stream through it as kz/1 records, split back into one\n"
"file per article. Each output is written whole or not at all (temporary\n"
"file, fsync, rename): a run killed with kill -9 leaves no half-written\n"
"file, and the next run does what is left. An article that fails (a\n"
"record with `errors`, as kz-normalize writes for an empty article; a\n"
"stage's status other than 0 and 65; a stage killed by a signal, or\n"
"--timeout) gets no new output, is listed with its reason in\n"
"OUT/failures.tsv and is tried again next run, up to --max-attempts; the\n"
"others go on. An article read with a warning (a stray byte replaced by\n"
"U+FFFD) is done, with its warning flag. One run at a time per output\n"
"folder (a lock on OUT/.kz-lock): a second run exits at once with status\n"
"75, or waits with --wait. On a terminal, a progress bar and a summary;\n"
"otherwise (cron, --no-progress) only failures and one line of key=value\n"
"counts, a stable format (kz-run: articles=N done=N ... status=N).\n"
"\n"
"Options:\n"
"  -c, --config FILE   pipeline file (default: ./pipeline.yaml, else\n"
"                      DATA/pipeline.yaml)\n"
"  --id ID             id of the article on standard input ($id in the\n"
"                      stages' args; default: stdin)\n"
"  --format FMT        output: jsonl, text, html or tsv (default: the\n"
"                      file's `output:`, else jsonl); not jsonl adds kz-show\n"
"  --print             print the pipeline as a shell command and exit\n"
"  --in DIR            batch: the folder of articles\n"
"  --out DIR           batch: the folder of results (created if missing)\n"
"  -j, --jobs N        batch: pipelines run at once (default 1)\n"
"  --timeout SECONDS   batch: longest time for one article (default 600;\n"
"                      0: no limit)\n"
"  --force             batch: redo every article\n"
"  --wait              batch: wait for another run on the same --out\n"
"  --include GLOB      batch: the files of --in that are articles, by a\n"
"                      shell pattern on the name; repeatable (default:\n"
"                      '*.txt' and '*.jsonl': a README.md is no article)\n"
"  --max-attempts N    batch: an article whose same bytes failed N runs in\n"
"                      a row is quarantined: listed in failures.tsv, not\n"
"                      run again until it changes (default 3; 0: never)\n"
"  --retry-quarantined batch: run quarantined articles once more\n"
"  --fail-on SEVERITY  batch: exit 1 when an output written has a flag of\n"
"                      SEVERITY (error, or warning: warnings and errors)\n"
"  --follow-symlinks   batch: read links in --in that lead out of it (by\n"
"                      default they are listed as failures, not read)\n"
"  --status OUT        print what the output folder OUT holds for the\n"
"                      articles of its input folder (the last run's, or\n"
"                      --in): how many are done, failed, quarantined and\n"
"                      pending (new, changed or stale), then each failed\n"
"                      and quarantined one with its reason; runs nothing\n"
"                      and writes nothing. Give the --config,\n"
"                      --include and --max-attempts the runs get\n"
"  --progress, --no-progress\n"
"                      batch: draw a progress bar (default: when standard\n"
"                      error is a terminal)\n"
"  -h, --help          this text\n"
"  --version           the kz version and the data snapshot (a\n"
"                      hash of every gazetteer and rules file)\n"
"\n"
"Exit status: one article: the worst status of the stages (another\n"
"program's non-zero status, or a stage killed by a signal, is 70; when\n"
"the reader of kz-run's output stops, kz-run ends quietly of SIGPIPE).\n"
"Batch: 0 every article done, unchanged or quarantined; 1 --fail-on and\n"
"such a flag in an output written; 65 some failed (see OUT/failures.tsv);\n"
"66 the input folder cannot be read; 74 the output folder cannot be\n"
"written; 75 another run holds the lock, or the run was interrupted; 77\n"
"the output folder can be written by another user, or a file of kz-run's\n"
"there (.kz-lock, .kz-state, .kz-failed, .kz-made) is a link. Both: 64\n"
"bad usage; 78 pipeline.yaml is broken (the message names file, line and\n"
"column).\n"
"\n"
"Examples:\n"
"  kz-run < article.txt | kz-show\n"
"  kz-run --format html < article.txt > article.html\n"
"  */10 * * * *  kz-run --in /srv/articles --out /srv/checked --jobs 4\n"
"  kz-normalize a.jsonl | parallel --pipe --keep-order -N 100 'kz-tag | kz-quotes | kz-check'\n";

typedef struct view {
	int bar;                /* draw the progress bar */
	int width;
	int drawn;
} view;

static void
clear_bar(view *v)
{
	if (v->drawn) {
		fputs("\r\033[K", stderr);
		v->drawn = 0;
	}
}

static void
on_failure(void *ctx, const char *file, const char *reason)
{
	view *v = ctx;

	clear_bar(v);
	kz_msg(stderr, "kz-run: %s: %s\n", file, reason);
}

static void
on_progress(void *ctx, const kz_batch_stats *st)
{
	view *v = ctx;
	size_t finished = st->done + st->failed, cells = 24, fill;
	double rate = st->elapsed > 0 ? (double)finished / st->elapsed : 0;
	char eta[32] = "--:--";

	if (!v->bar || st->todo == 0)
		return;
	fill = st->todo ? cells * finished / st->todo : cells;
	if (rate > 0 && finished < st->todo) {
		long s = (long)((double)(st->todo - finished) / rate + 0.5);

		snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
	} else if (finished >= st->todo) {
		snprintf(eta, sizeof eta, "0:00");
	}
	fputs("\rkz-run [", stderr);
	for (size_t i = 0; i < cells; i++)
		fputs(i < fill ? "█" : "░", stderr);
	kz_msg(stderr, "] %zu/%zu  %.1f/s  left %s", finished, st->todo, rate, eta);
	if (st->failed)
		kz_msg(stderr, "  %zu failed", st->failed);
	fputs("\033[K", stderr);
	fflush(stderr);
	v->drawn = 1;
}

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void
flag_counts(const size_t f[3])
{
	kz_msg(stderr, "%zu %s, %zu %s, %zu info", f[0],
	    plural(f[0], "error", "errors"), f[1],
	    plural(f[1], "warning", "warnings"), f[2]);
}

/* The one line a batch ends with: what it did, the flags of its outputs
 * and of the whole folder, what was redone and why. */
static void
summary(const kz_batch_stats *st, const char *out_dir)
{
	struct { size_t n; const char *why; } redone[] = {
		{ st->redone_article, "article" },
		{ st->redone_missing, "output missing" },
		{ st->redone_pipeline, "pipeline" },
		{ st->redone_data, "data" },
		{ st->redone_version, "kz version" },
		{ st->redone_forced, "--force" },
	};
	const char *sep = " (";

	kz_msg(stderr, "kz-run: %zu %s: %zu done, %zu skipped, %zu failed",
	    st->seen, plural(st->seen, "article", "articles"), st->done,
	    st->skipped, st->failed);
	if (st->failed) {
		/* "--out checked/" names checked/failures.tsv, not checked//... */
		size_t n = strlen(out_dir);
		while (n > 1 && out_dir[n - 1] == '/')
			n--;
		kz_msg(stderr, " (%.*s/failures.tsv)", (int)n, out_dir);
	}
	if (st->quarantined)
		kz_msg(stderr, ", %zu quarantined%s", st->quarantined,
		    st->failed ? "" : " (see failures.tsv)");
	kz_msg(stderr, "; flags: ");
	flag_counts(st->flags);
	kz_msg(stderr, "; in the folder: ");
	flag_counts(st->folder_flags);
	if (st->redone) {
		kz_msg(stderr, "; %zu redone", st->redone);
		for (size_t i = 0; i < sizeof redone / sizeof *redone; i++)
			if (redone[i].n) {
				kz_msg(stderr, "%s%s %zu", sep, redone[i].why, redone[i].n);
				sep = ", ";
			}
		kz_msg(stderr, ")");
	}
	kz_msg(stderr, "; %.1f s\n", st->elapsed);
}

/* kz-run --status: the counts, then the failed and quarantined articles,
 * one per line; TAB between fields, each escaped as in failures.tsv. */
static int
print_status(const kz_batch_status *s, const char *out_dir)
{
	kz_buf b;
	int rc;

	kz_buf_init(&b);
	kz_buf_adds(&b, "out\t");
	kz_esc_add(&b, out_dir, strlen(out_dir), KZ_ESC_BACKSLASH);
	kz_buf_adds(&b, "\nin\t");
	kz_esc_add(&b, s->in_dir, strlen(s->in_dir), KZ_ESC_BACKSLASH);
	kz_buf_addf(&b, "\narticles\t%zu\ndone\t%zu\nfailed\t%zu\n"
	    "quarantined\t%zu\npending\t%zu\n", s->articles, s->done,
	    s->failed, s->quarantined, s->pending);
	for (size_t i = 0; i < s->nentries; i++) {
		const kz_status_entry *e = &s->entries[i];

		kz_buf_adds(&b, e->quarantined ? "quarantined\t" : "failed\t");
		kz_esc_add(&b, e->name, strlen(e->name), KZ_ESC_BACKSLASH);
		kz_buf_addc(&b, '\t');
		kz_esc_add(&b, e->reason, strlen(e->reason), KZ_ESC_BACKSLASH);
		kz_buf_addc(&b, '\n');
	}
	rc = fwrite(b.data, 1, b.len, stdout) == b.len && fflush(stdout) == 0 ?
	    KZ_EXIT_OK : KZ_EXIT_IOERR;
	kz_buf_release(&b);
	return rc;
}

/* The line a batch ends with when no one watches (cron, a log): every
 * count as key=value, the keys and their order a stable interface
 * (docs/kz-run.md) that monitoring parses, status last. */
static void
log_line(const kz_batch_stats *st, int status)
{
	kz_msg(stderr, "kz-run: articles=%zu done=%zu unchanged=%zu failed=%zu"
	    " quarantined=%zu errors=%zu warnings=%zu info=%zu open_errors=%zu"
	    " open_warnings=%zu open_info=%zu redone=%zu redone_article=%zu"
	    " redone_missing=%zu redone_pipeline=%zu redone_data=%zu"
	    " redone_version=%zu redone_forced=%zu seconds=%.2f status=%d\n",
	    st->seen, st->done, st->skipped, st->failed, st->quarantined,
	    st->flags[0], st->flags[1], st->flags[2], st->folder_flags[0],
	    st->folder_flags[1], st->folder_flags[2], st->redone,
	    st->redone_article, st->redone_missing, st->redone_pipeline,
	    st->redone_data, st->redone_version, st->redone_forced, st->elapsed,
	    status);
}

static int
find_config(const char *given, char *out, size_t n)
{
	char datadir[PATH_MAX];
	struct stat st;
	kz_error err;

	if (given) {
		snprintf(out, n, "%s", given);
		return 0;
	}
	if (stat("pipeline.yaml", &st) == 0) {
		snprintf(out, n, "pipeline.yaml");
		return 0;
	}
	if (kz_datadir_find(NULL, datadir, sizeof datadir, &err) == 0) {
		snprintf(out, n, "%s/pipeline.yaml", datadir);
		if (stat(out, &st) == 0)
			return 0;
	}
	return -1;
}

static int
parse_seconds(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || *out < 0 || *out > 1e7 ? -1 : 0;
}

/* kz-run runs every stage on the data they find: its snapshot hashes
 * what they load, all together (--version). */
static const char *const run_loads[] = { "gazetteers", "rules/normalize.yaml",
	"rules/roles.yaml", "rules/names.yaml", "rules/firstnames.yaml",
	"rules/quotes.yaml", "rules/speech-verbs.yaml", "rules/checks.yaml",
	NULL };

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "id", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'f' },
		{ "print", no_argument, NULL, 'P' },
		{ "status", required_argument, NULL, 'S' },
		{ "in", required_argument, NULL, 'I' },
		{ "out", required_argument, NULL, 'O' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'F' },
		{ "wait", no_argument, NULL, 'W' },
		{ "follow-symlinks", no_argument, NULL, 'L' },
		{ "include", required_argument, NULL, 'G' },
		{ "max-attempts", required_argument, NULL, 'M' },
		{ "retry-quarantined", no_argument, NULL, 'R' },
		{ "fail-on", required_argument, NULL, 'X' },
		{ "progress", no_argument, NULL, 'p' },
		{ "no-progress", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *config = NULL, *id = "stdin", *format = NULL, *status = NULL;
	char path[PATH_MAX + 32], exe[PATH_MAX], msg[1024];
	kz_batch_opts bo = { .jobs = 1, .timeout = 600, .max_attempts = 3 };
	kz_pipeline pl;
	kz_error err;
	view v = { .bar = -1 };
	int ch, print = 0, rc;
	const char **include = NULL;
	size_t ninclude = 0;

	while ((ch = getopt_long(argc, argv, "c:j:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 'i': id = optarg; break;
		case 'f': format = optarg; break;
		case 'P': print = 1; break;
		case 'S': status = optarg; break;
		case 'I': bo.in_dir = optarg; break;
		case 'O': bo.out_dir = optarg; break;
		case 'j':
			bo.jobs = atoi(optarg);
			if (bo.jobs < 1 || bo.jobs > 1024) {
				kz_msg(stderr, "kz-run: --jobs: a number from 1 to 1024,"
				    " not '%s'\n", optarg);
				return KZ_EXIT_USAGE;
			}
			break;
		case 't':
			if (parse_seconds(optarg, &bo.timeout) != 0) {
				kz_msg(stderr, "kz-run: --timeout: a number of seconds,"
				    " not '%s'\n", optarg);
				return KZ_EXIT_USAGE;
			}
			break;
		case 'M': {
			char *end;
			long n;

			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 0 || n > 1000000) {
				kz_msg(stderr, "kz-run: --max-attempts: a number from 0"
				    " (never quarantine) up, not '%s'\n", optarg);
				free(include);
				return KZ_EXIT_USAGE;
			}
			bo.max_attempts = (int)n;
			break;
		}
		case 'R': bo.retry_quarantined = 1; break;
		case 'X':
			if (strcmp(optarg, "error") == 0) {
				bo.fail_on = 1;
			} else if (strcmp(optarg, "warning") == 0) {
				bo.fail_on = 2;
			} else {
				kz_msg(stderr, "kz-run: --fail-on: error or warning, not"
				    " '%s'\n", optarg);
				free(include);
				return KZ_EXIT_USAGE;
			}
			break;
		case 'F': bo.force = 1; break;
		case 'W': bo.wait_lock = 1; break;
		case 'L': bo.follow_symlinks = 1; break;
		case 'G':
			if (*optarg == '\0') {
				kz_msg(stderr, "kz-run: --include: a pattern such as"
				    " '*.txt', not an empty one\n");
				free(include);
				return KZ_EXIT_USAGE;
			}
			include = kz_realloc(include, (ninclude + 1) * sizeof *include);
			include[ninclude++] = optarg;
			break;
		case 'p': v.bar = 1; break;
		case 'n': v.bar = 0; break;
		case 'V':
			kz_version_print(stdout, "kz-run", NULL, run_loads);
			return KZ_EXIT_OK;
		case 'h':
			fputs(usage, stdout);
			return KZ_EXIT_OK;
		default:
			fputs("Try 'kz-run --help'.\n", stderr);
			return KZ_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		kz_msg(stderr, "kz-run: unexpected argument '%s': one article comes"
		    " on standard input, many with --in DIR --out DIR\n"
		    "Try 'kz-run --help'.\n", argv[optind]);
		return KZ_EXIT_USAGE;
	}
	if (status && bo.out_dir) {
		kz_msg(stderr, "kz-run: --status names the output folder; no --out"
		    " with it\n");
		free(include);
		return KZ_EXIT_USAGE;
	}
	if ((bo.in_dir == NULL) != (bo.out_dir == NULL) && !status) {
		kz_msg(stderr, "kz-run: --in and --out go together\n");
		return KZ_EXIT_USAGE;
	}
	if (find_config(config, path, sizeof path) != 0) {
		kz_msg(stderr, "kz-run: no pipeline.yaml here or in the kz data"
		    " folder; give --config FILE\n");
		return KZ_EXIT_CONFIG;
	}
	kz_error_clear(&err);
	if (kz_pipeline_load(path, kz_exe_dir(exe, sizeof exe) == 0 ? exe : NULL,
	    &pl, &err) != 0) {
		kz_error_format(&err, msg, sizeof msg);
		kz_msg(stderr, "kz-run: %s\n", msg);
		return KZ_EXIT_CONFIG;
	}
	if (format) {
		if (kz_output_parse(format, &pl.output) != 0) {
			kz_msg(stderr, "kz-run: --format: jsonl, text, html or tsv, not"
			    " '%s'\n", format);
			kz_pipeline_release(&pl);
			return KZ_EXIT_USAGE;
		}
		if (pl.output != KZ_OUT_JSONL && pl.show_path == NULL &&
		    (pl.show_path = kz_find_program("kz-show", exe, NULL)) == NULL) {
			kz_msg(stderr, "kz-run: --format %s needs kz-show, not found"
			    " beside kz-run or in PATH\n", format);
			kz_pipeline_release(&pl);
			return KZ_EXIT_CONFIG;
		}
	}
	if (print) {
		kz_buf b;

		kz_buf_init(&b);
		kz_pipeline_format(&pl, id, &b);
		puts(b.data);
		kz_buf_release(&b);
		kz_pipeline_release(&pl);
		return fflush(stdout) == 0 ? KZ_EXIT_OK : KZ_EXIT_IOERR;
	}
	if (status) {
		kz_batch_status s;

		bo.out_dir = status;
		bo.include = include;
		bo.ninclude = ninclude;
		rc = kz_batch_status_read(&pl, &bo, &s, &err);
		if (rc == KZ_EXIT_OK) {
			rc = print_status(&s, status);
		} else {
			kz_error_format(&err, msg, sizeof msg);
			kz_msg(stderr, "kz-run: %s\n", msg);
		}
		kz_batch_status_release(&s);
		kz_pipeline_release(&pl);
		free(include);
		return rc;
	}
	if (bo.in_dir == NULL) {
		rc = kz_pipeline_run(&pl, id, STDIN_FILENO, STDOUT_FILENO, &err);
		if (rc == KZ_RUN_SIGPIPE) {
			/* our reader stopped (`kz-run | head`): end as cat
			 * would, quietly, of SIGPIPE */
			kz_pipeline_release(&pl);
			free(include);
			signal(SIGPIPE, SIG_DFL);
			raise(SIGPIPE);
			return KZ_EXIT_IOERR;
		}
		/* the kz stages explain their own failures; say which stage died */
		if (rc != KZ_EXIT_OK && err.message[0] &&
		    strstr(err.message, "exited with status 6") == NULL &&
		    strstr(err.message, "exited with status 7") == NULL)
			kz_msg(stderr, "kz-run: %s\n", err.message);
		kz_pipeline_release(&pl);
		return rc;
	}

	if (v.bar < 0)
		v.bar = isatty(STDERR_FILENO);
	bo.include = include;
	bo.ninclude = ninclude;
	bo.on_failure = on_failure;
	bo.on_progress = on_progress;
	bo.ctx = &v;
	{
		kz_batch_stats st;

		rc = kz_batch_run(&pl, &bo, &st, &err);
		clear_bar(&v);
		if (err.message[0]) {
			kz_error_format(&err, msg, sizeof msg);
			kz_msg(stderr, "kz-run: %s\n", msg);
		}
		/* a person at a terminal reads a sentence; cron and logs get
		 * one key=value line for every run, whatever its end */
		if (!v.bar)
			log_line(&st, rc);
		else if (rc == KZ_EXIT_OK || rc == KZ_EXIT_DATAERR ||
		    rc == KZ_EXIT_FLAGGED || (rc == KZ_EXIT_TEMPFAIL && st.seen > 0))
			summary(&st, bo.out_dir);
	}
	kz_pipeline_release(&pl);
	free(include);
	return rc;
}
