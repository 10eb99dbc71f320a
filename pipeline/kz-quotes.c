/*
 * kz-quotes - add quotations and their speakers to kz/1 records.
 * See `kz-quotes --help` and docs/kz-quotes.md.
 */
#include "buf.h"
#include "decisions_apply.h"
#include "esc.h"
#include "quotes.h"
#include "record.h"
#include "stage.h"
#include "tagger.h"

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
"  --decisions DB     editors' decisions (kz-review): a speaker an editor\n"
"                     corrected replaces the one found (\"via\": \"editor\"),\n"
"                     and a span an editor fixed becomes the quote's (\"via\":\n"
"                     \"editor\", the span found kept in \"found\"), for the\n"
"                     same text and quote span; a DB not there yet is no\n"
"                     decision\n";

/* after the options every stage takes (kz_stage_cli) */
static const char usage_tail[] =
"\n"
"Word lists: DATA/rules/quotes.yaml and DATA/rules/speech-verbs.yaml.\n"
"\n"
"Exit status: 0 all good; 64 bad usage; 65 some record was bad; 66 a FILE\n"
"could not be opened (the others are read); 74 output\n"
"error; 78 a rules or gazetteer file is broken.\n"
"\n"
"Example:\n"
"  kz-normalize a.txt | kz-tag | kz-quotes | jq '.quotes[] | [.speaker.name, .text]'\n";

/* What kz-quotes loads: the data snapshot hashes it (--version,
 * producer). */
static const char *const loads[] = { "gazetteers", "rules/roles.yaml",
	"rules/names.yaml", "rules/firstnames.yaml", "rules/quotes.yaml",
	"rules/speech-verbs.yaml", NULL };

typedef struct ctx {
	kz_stage_base base;     /* first: the skeleton's part (stage.h) */
	kz_quoter *quoter;      /* each thread its own rules */
} ctx;

static int
own_init(void *arg, const void *first, kz_buf **extra, kz_error *err)
{
	ctx *c = arg;

	c->quoter = kz_quoter_load(c->base.datadir,
	    kz_tagger_folder(c->base.tagger), err);
	return c->quoter ? 0 : -1;
}

static void
own_release(void *arg)
{
	kz_quoter_free(((ctx *)arg)->quoter);
}

static int
quote_one(json_t *rec, void *arg, kz_error *err)
{
	ctx *c = arg;

	if (kz_quoter_run(c->quoter, c->base.tagger, rec, c->base.date, err) != 0)
		return -1;
	return kz_decisions_apply_quotes(c->base.decisions, rec, err);
}

static int
own_opt(kz_stage_cli *cli, int ch, const char *arg)
{
	((ctx *)cli->own_ctx)->base.decisions_path = arg;   /* --decisions */
	return -1;
}

int
main(int argc, char **argv)
{
	static const struct option own[] = {
		{ "decisions", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};
	kz_stage_opts so = { .reads = kz_quoter_reads,
	    .writes = kz_quoter_writes, .skips = kz_quoter_skips };
	ctx c = { .quoter = NULL };
	kz_stage_cli cli = { .prog = "kz-quotes", .usage = usage,
	    .usage_tail = usage_tail, .help_col = 21, .own = own,
	    .own_opt = own_opt, .own_ctx = &c, .loads = loads, .so = &so,
	    .ctx_size = sizeof c, .own_init = own_init,
	    .own_release = own_release };

	return kz_stage_main(&cli, argc, argv, quote_one, &c);
}
