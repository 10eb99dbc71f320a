/*
 * kz-check - flag what an editor must see before publishing.
 * See `kz-check --help` and docs/kz-check.md.
 */
#include "buf.h"
#include "checks.h"
#include "esc.h"
#include "record.h"
#include "stage.h"
#include "tagger.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"Usage: kz-check [OPTIONS] [FILE...] > checked.jsonl\n"
"       kz-check --explain RULE\n"
"       kz-check --list\n"
"\n"
"Read kz/1 records (from kz-quotes: each FILE in order, standard input\n"
"when there is none or for -) and add `flags`: each with a rule, a\n"
"severity (error, warning, info), the span an editor must look at, a\n"
"message saying what is wrong and what is right, and evidence spans.\n"
"\n"
"Rules (configured in DATA/rules/checks.yaml: on/off, severity, messages):\n"
"  role-mismatch         a title the person did not hold (signature lines,\n"
"                        appositions)\n"
"  speaker-mismatch      a pull quote signed by someone else than the body\n"
"                        quote's speaker\n"
"  misquote              a pull quote whose words differ from the body quote\n"
"  name-variant          one person spelled two ways; house style (info)\n"
"  anachronism           a name not in use at the article's date\n"
"  number-inconsistency  one quantity given two values\n"
"  unattributed-quote    a direct quote with no speaker (info)\n"
"  unbalanced-quote      a quotation mark never closed (from kz-quotes)\n"
"  missing-input         a check that could not run, and why (info)\n"
"\n"
"Options:\n"
"  --explain RULE   print what RULE looks for, with an example, and exit\n"
"  --list           list the rules with their severities, and exit\n"
"  --lang LANG      messages in fr (default) or en\n"
"  --date DATE      article date (YYYY-MM-DD) for records without one;\n"
"                   without any date, titles are checked as 'never held'\n"
"  --rules FILE     check configuration (default DATA/rules/checks.yaml)\n"
"  --data DIR       kz data directory (default: $KZ_DATA, or found beside\n"
"                   the program)\n"
"  -j, --jobs N     threads (default: one per processor; input of one\n"
"                   batch, 16 records, uses one); the output keeps the\n"
"                   input's order\n"
"  --max-line SIZE  longest input line accepted (default 64M)\n"
"  -q, --quiet      no per-record messages on standard error\n"
"  -h, --help       this text\n"
"\n"
"Exit status: 0 all good (flags are findings, not failures); 64 bad usage;\n"
"65 some record was bad; 66 a FILE could not be opened (the others are\n"
"read); 74 output error; 78 a rules or gazetteer file is\n"
"broken.\n"
"\n"
"Example:\n"
"  kz-normalize a.txt | kz-tag | kz-quotes | kz-check --lang en |\n"
"      jq -r '.flags[] | \"\\(.severity) \\(.rule): \\(.message)\"'\n";

typedef struct ctx {
	kz_tagger *tagger;
	kz_checker *checker;
	kz_check_opts opts;
	const char *datadir, *rules;    /* for other threads' */
} ctx;

/* Another thread's context: its own rules, and a tagger that reads the
 * first one's gazetteer image (kz_tagger_load_shared). */
static void *
worker_new(void *arg, kz_buf **extra, kz_error *err)
{
	const ctx *main_ctx = arg;
	ctx *c = kz_calloc(1, sizeof *c);

	c->opts = main_ctx->opts;
	c->datadir = main_ctx->datadir;
	c->rules = main_ctx->rules;
	*extra = NULL;
	if ((c->checker = kz_checker_load(c->rules, err)) == NULL ||
	    (c->tagger = kz_tagger_load_shared(c->datadir, main_ctx->tagger,
	    err)) == NULL) {
		kz_checker_free(c->checker);
		free(c);
		return NULL;
	}
	return c;
}

static void
worker_free(void *arg)
{
	ctx *c = arg;

	kz_checker_free(c->checker);
	kz_tagger_free(c->tagger);
	free(c);
}

static int
check_one(json_t *rec, void *arg, kz_error *err)
{
	ctx *c = arg;

	return kz_checker_run(c->checker, c->tagger, rec, &c->opts, err);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "explain", required_argument, NULL, 'x' },
		{ "list", no_argument, NULL, 'l' },
		{ "lang", required_argument, NULL, 'L' },
		{ "date", required_argument, NULL, 'D' },
		{ "rules", required_argument, NULL, 'R' },
		{ "data", required_argument, NULL, 'd' },
		{ "max-line", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	kz_stage_opts so = { .stage = "kz-check", .reads = kz_checker_reads,
	    .writes = kz_checker_writes, .skips = kz_checker_skips,
	    .jobs = kz_stage_default_jobs(), .worker_new = worker_new,
	    .worker_free = worker_free };
	const char *data = NULL, *rules = NULL, *explain = NULL;
	char datadir[PATH_MAX], path[PATH_MAX + 32], msg[1024];
	kz_error err;
	ctx c = { .opts = { .lang = "fr" } };
	int ch, rc, list = 0;

	while ((ch = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'x': explain = optarg; break;
		case 'l': list = 1; break;
		case 'L':
			if (strcmp(optarg, "fr") && strcmp(optarg, "en")) {
				kz_msg(stderr, "kz-check: --lang: fr or en, not '%s'\n",
				    optarg);
				return KZ_EXIT_USAGE;
			}
			c.opts.lang = optarg;
			break;
		case 'D':
			if (kz_opt_date("kz-check", optarg) != 0)
				return KZ_EXIT_USAGE;
			c.opts.date = optarg;
			break;
		case 'R': rules = optarg; break;
		case 'd': data = optarg; break;
		case 'q': so.quiet = 1; break;
		case 'j':
			if (kz_opt_jobs("kz-check", optarg, &so.jobs) != 0)
				return KZ_EXIT_USAGE;
			break;
		case 'm':
			if (kz_opt_size("kz-check", "max-line", optarg, &so.max_line) != 0)
				return KZ_EXIT_USAGE;
			break;
		case 'h':
			fputs(usage, stdout);
			return KZ_EXIT_OK;
		default:
			fputs("Try 'kz-check --help'.\n", stderr);
			return KZ_EXIT_USAGE;
		}
	}
	if (kz_datadir_find(data, datadir, sizeof datadir, &err) != 0)
		goto config_error;
	if (rules == NULL) {
		snprintf(path, sizeof path, "%s/rules/checks.yaml", datadir);
		rules = path;
	}
	if ((c.checker = kz_checker_load(rules, &err)) == NULL)
		goto config_error;
	if (list) {
		kz_checker_list(c.checker, stdout);
		kz_checker_free(c.checker);
		return KZ_EXIT_OK;
	}
	if (explain) {
		rc = kz_checker_explain(c.checker, explain, stdout);
		if (rc != 0) {
			kz_msg(stderr, "kz-check: no rule '%s'; known rules:\n", explain);
			kz_checker_list(c.checker, stderr);
		}
		kz_checker_free(c.checker);
		return rc == 0 ? KZ_EXIT_OK : KZ_EXIT_USAGE;
	}
	if ((c.tagger = kz_tagger_load(datadir, NULL, &err)) == NULL)
		goto config_error;
	c.datadir = datadir;
	c.rules = rules;
	rc = kz_stage_run_files(argv + optind, (size_t)(argc - optind), stdout,
	    &so, check_one, &c);
	kz_checker_free(c.checker);
	kz_tagger_free(c.tagger);
	return rc;
config_error:
	kz_error_format(&err, msg, sizeof msg);
	kz_msg(stderr, "kz-check: %s\n", msg);
	kz_checker_free(c.checker);
	return KZ_EXIT_CONFIG;
}
