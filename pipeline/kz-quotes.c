/*
 * kz-quotes - add quotations and their speakers to kz/1 records.
 * See `kz-quotes --help` and docs/kz-quotes.md.
 */
#include "buf.h"
#include "esc.h"
#include "quotes.h"
#include "record.h"
#include "stage.h"
#include "tagger.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"Usage: kz-quotes [OPTIONS] [FILE...] > quoted.jsonl\n"
"\n"
"Read kz/1 records (from kz-tag: each FILE in order, standard input when\n"
"there is none or for -) and add `quotes`: every quotation, in every\n"
"mark French news uses (« », \"\", “”, ‹ ›, nested, French multi-paragraph\n"
"quotes) and the pull quotes kz-normalize marked, each with\n"
"  kind     direct, partial (words built into the reporter's sentence),\n"
"           pull (set apart, signed), or scare (a term nobody is quoted as\n"
"           saying, a title of a book or a ship);\n"
"  speaker  the canonical name, ref and the words the attribution rests on\n"
"           (a name, a role description, a pronoun resolved by gender and\n"
"           recency, an organisation or collective), or null; anonymous\n"
"           sources are kept in `source`;\n"
"  cue      the speech verb or preposition (a déclaré, selon);\n"
"  same_as  for a pull quote, the index of the body quote it repeats.\n"
"A quotation mark never closed ends its quote at the paragraph's end and\n"
"adds an `unbalanced-quote` warning flag. Other fields are kept.\n"
"A record without entities (never tagged) is tagged on the side to find\n"
"speakers, and says so in `quotes_note`.\n"
"\n"
"Options:\n"
"  --date DATE        date (YYYY-MM-DD) for records without one\n"
"  --data DIR         kz data directory (default: $KZ_DATA, or found beside\n"
"                     the program); word lists in DIR/rules/quotes.yaml and\n"
"                     DIR/rules/speech-verbs.yaml\n"
"  -j, --jobs N       threads (default: one per processor; input of one\n"
"                     batch, 16 records, uses one); the output keeps the\n"
"                     input's order\n"
"  --max-line SIZE    longest input line accepted (default 64M)\n"
"  -q, --quiet        no per-record messages on standard error\n"
"  -h, --help         this text\n"
"\n"
"Exit status: 0 all good; 64 bad usage; 65 some record was bad; 66 a FILE\n"
"could not be opened (the others are read); 74 output\n"
"error; 78 a rules or gazetteer file is broken.\n"
"\n"
"Example:\n"
"  kz-normalize a.txt | kz-tag | kz-quotes | jq '.quotes[] | [.speaker.name, .text]'\n";

typedef struct ctx {
	kz_tagger *tagger;
	kz_quoter *quoter;
	char date[11];
	const char *datadir;    /* for other threads' rules */
} ctx;

/* Another thread's context: its own rules, and a tagger that reads the
 * first one's gazetteer image (kz_tagger_load_shared). */
static void *
worker_new(void *arg, kz_buf **extra, kz_error *err)
{
	const ctx *main_ctx = arg;
	ctx *c = kz_calloc(1, sizeof *c);

	memcpy(c->date, main_ctx->date, sizeof c->date);
	c->datadir = main_ctx->datadir;
	*extra = NULL;
	if ((c->tagger = kz_tagger_load_shared(c->datadir, main_ctx->tagger,
	    err)) == NULL ||
	    (c->quoter = kz_quoter_load(c->datadir, kz_tagger_folder(c->tagger),
	    err)) == NULL) {
		kz_tagger_free(c->tagger);
		free(c);
		return NULL;
	}
	return c;
}

static void
worker_free(void *arg)
{
	ctx *c = arg;

	kz_quoter_free(c->quoter);
	kz_tagger_free(c->tagger);
	free(c);
}

static int
quote_one(json_t *rec, void *arg, kz_error *err)
{
	ctx *c = arg;

	return kz_quoter_run(c->quoter, c->tagger, rec, c->date, err);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "date", required_argument, NULL, 'D' },
		{ "data", required_argument, NULL, 'd' },
		{ "max-line", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	kz_stage_opts so = { .stage = "kz-quotes", .reads = kz_quoter_reads,
	    .writes = kz_quoter_writes, .skips = kz_quoter_skips,
	    .jobs = kz_stage_default_jobs(), .worker_new = worker_new,
	    .worker_free = worker_free };
	const char *data = NULL;
	char datadir[PATH_MAX], msg[1024];
	kz_error err;
	ctx c = { 0 };
	int ch, rc;

	kz_today(c.date);
	while ((ch = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			if (kz_opt_date("kz-quotes", optarg) != 0)
				return KZ_EXIT_USAGE;
			snprintf(c.date, sizeof c.date, "%s", optarg);
			break;
		case 'd': data = optarg; break;
		case 'q': so.quiet = 1; break;
		case 'j':
			if (kz_opt_jobs("kz-quotes", optarg, &so.jobs) != 0)
				return KZ_EXIT_USAGE;
			break;
		case 'm':
			if (kz_opt_size("kz-quotes", "max-line", optarg, &so.max_line) != 0)
				return KZ_EXIT_USAGE;
			break;
		case 'h':
			fputs(usage, stdout);
			return KZ_EXIT_OK;
		default:
			fputs("Try 'kz-quotes --help'.\n", stderr);
			return KZ_EXIT_USAGE;
		}
	}
	if (kz_datadir_find(data, datadir, sizeof datadir, &err) != 0 ||
	    (c.tagger = kz_tagger_load(datadir, NULL, &err)) == NULL ||
	    (c.quoter = kz_quoter_load(datadir, kz_tagger_folder(c.tagger),
	    &err)) == NULL) {
		kz_error_format(&err, msg, sizeof msg);
		kz_msg(stderr, "kz-quotes: %s\n", msg);
		kz_tagger_free(c.tagger);
		return KZ_EXIT_CONFIG;
	}
	c.datadir = datadir;
	rc = kz_stage_run_files(argv + optind, (size_t)(argc - optind), stdout,
	    &so, quote_one, &c);
	kz_quoter_free(c.quoter);
	kz_tagger_free(c.tagger);
	return rc;
}
