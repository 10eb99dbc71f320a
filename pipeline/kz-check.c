/*
 * kz-check - flag what an editor must see before publishing.
 * See `kz-check --help` and docs/kz-check.md.
 */
#include "buf.h"
#include "checks.h"
#include "decisions_apply.h"
#include "esc.h"
#include "record.h"
#include "stage.h"
#include "tagger.h"

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
"  --decisions DB   editors' decisions (kz-review): a flag rejected for the\n"
"                   same text and span is dropped, an accepted one kept\n"
"                   with \"reviewed\": true; a DB not there yet is no\n"
"                   decision\n";

/* after the options every stage takes (kz_stage_cli) */
static const char usage_tail[] =
"\n"
"Exit status: 0 all good (flags are findings, not failures); 64 bad usage;\n"
"65 some record was bad; 66 a FILE could not be opened (the others are\n"
"read); 74 output error; 78 a rules or gazetteer file is\n"
"broken.\n"
"\n"
"Example:\n"
"  kz-normalize a.txt | kz-tag | kz-quotes | kz-check --lang en |\n"
"      jq -r '.flags[] | \"\\(.severity) \\(.rule): \\(.message)\"'\n";

/* What kz-check loads: the data snapshot hashes it (--version,
 * producer). */
static const char *const loads[] = { "gazetteers", "rules/roles.yaml",
	"rules/names.yaml", "rules/firstnames.yaml", "rules/checks.yaml", NULL };

typedef struct ctx {
	kz_stage_base base;     /* first: the skeleton's part (stage.h) */
	kz_checker *checker;    /* each thread its own rules */
	kz_check_opts opts;
	const char *rules;
	char rules_path[PATH_MAX + 32];
	const char *explain;    /* --explain RULE */
	int list;               /* --list */
} ctx;

/* The first thread's checker is loaded before anything else (--list and
 * --explain need nothing more); the others load theirs here. */
static int
own_init(void *arg, const void *first, kz_buf **extra, kz_error *err)
{
	ctx *c = arg;
	const ctx *f = first;

	if (f == NULL)
		return 0;
	c->opts = f->opts;
	c->rules = f->rules;
	c->checker = kz_checker_load(c->rules, err);
	return c->checker ? 0 : -1;
}

static void
own_release(void *arg)
{
	kz_checker_free(((ctx *)arg)->checker);
}

static int
check_one(json_t *rec, void *arg, kz_error *err)
{
	ctx *c = arg;

	if (kz_checker_run(c->checker, c->base.tagger, rec, &c->opts, err) != 0)
		return -1;
	return kz_decisions_apply_flags(c->base.decisions, rec, err);
}

static int
own_opt(kz_stage_cli *cli, int ch, const char *arg)
{
	ctx *c = cli->own_ctx;

	switch (ch) {
	case 'x': c->explain = arg; break;
	case 'l': c->list = 1; break;
	case 'L':
		if (strcmp(arg, "fr") && strcmp(arg, "en")) {
			kz_msg(stderr, "kz-check: --lang: fr or en, not '%s'\n", arg);
			return KZ_EXIT_USAGE;
		}
		c->opts.lang = arg;
		break;
	case 'R': kz_stage_cli_replace(cli, "rules/checks.yaml", arg); break;
	case 'K': c->base.decisions_path = arg; break;
	}
	return -1;
}

/* --list, --explain RULE: from the rules alone. */
static int
describe(const ctx *c)
{
	int rc;

	if (c->list) {
		kz_checker_list(c->checker, stdout);
		return KZ_EXIT_OK;
	}
	rc = kz_checker_explain(c->checker, c->explain, stdout);
	if (rc != 0) {
		kz_msg(stderr, "kz-check: no rule '%s'; known rules:\n", c->explain);
		kz_checker_list(c->checker, stderr);
	}
	return rc == 0 ? KZ_EXIT_OK : KZ_EXIT_USAGE;
}

/* The rules first: --list and --explain need nothing more. */
static int
prepare(kz_stage_cli *cli)
{
	ctx *c = cli->own_ctx;
	kz_error err;
	int rc;

	/* without any date, titles are checked as 'never held' */
	c->opts.date = cli->date_given ? cli->date : NULL;
	c->rules = kz_stage_cli_path(cli, "rules/checks.yaml", c->rules_path,
	    sizeof c->rules_path);
	if ((c->checker = kz_checker_load(c->rules, &err)) == NULL)
		return kz_stage_cli_fail(cli, &err);
	if (!c->list && !c->explain)
		return -1;
	rc = describe(c);
	kz_checker_free(c->checker);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option own[] = {
		{ "explain", required_argument, NULL, 'x' },
		{ "list", no_argument, NULL, 'l' },
		{ "lang", required_argument, NULL, 'L' },
		{ "rules", required_argument, NULL, 'R' },
		{ "decisions", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};
	kz_stage_opts so = { .reads = kz_checker_reads,
	    .writes = kz_checker_writes, .skips = kz_checker_skips };
	ctx c = { .opts = { .lang = "fr" } };
	kz_stage_cli cli = { .prog = "kz-check", .usage = usage,
	    .usage_tail = usage_tail, .help_col = 19, .own = own,
	    .own_opt = own_opt, .own_ctx = &c, .loads = loads, .so = &so,
	    .ctx_size = sizeof c, .own_init = own_init,
	    .own_release = own_release, .prepare = prepare };

	return kz_stage_main(&cli, argc, argv, check_one, &c);
}
