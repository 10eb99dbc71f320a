/*
 * kz-tag - add entities and role mentions to kz/1 records.
 * See `kz-tag --help` and docs/kz-tag.md.
 */
#include "buf.h"
#include "esc.h"
#include "record.h"
#include "stage.h"
#include "tagger.h"

#include <getopt.h>
#include <stdlib.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
"Usage: kz-tag [OPTIONS] [FILE...] > tagged.jsonl\n"
"\n"
"Read kz/1 records (from kz-normalize: each FILE in order, standard input\n"
"when there is none or for -) and add:\n"
"  entities   names of persons (PER), places (LOC) and organisations (ORG)\n"
"             found in the gazetteers (via \"gazetteer\", with the matched\n"
"             variant) or by rule: after a title (le général X, M. X), after\n"
"             a known first name, in the byline and the photo credit, and\n"
"             organisation patterns (ministère de l'Information);\n"
"  mentions   role descriptions (le président russe, le porte-parole du\n"
"             Kremlin, l'ex-chef de l'État) resolved to the person who held\n"
"             the role at the article's date (the record's \"date\", else\n"
"             --date, else today).\n"
"Every other field is kept as it came.\n"
"\n"
"Options:\n"
"  --date DATE        date (YYYY-MM-DD) for records without one (default:\n"
"                     today)\n"
"  --gazetteers DIR   gazetteer folder (default: DATA/gazetteers)\n"
"  --cache DIR        where compiled gazetteers are cached (default:\n"
"                     $KZ_CACHE, else $XDG_CACHE_HOME/kz, else ~/.cache/kz)\n"
"  --no-cache         compile the gazetteers in memory, read and write no\n"
"                     cache (also KZ_CACHE=off)\n"
"  --compile          compile the gazetteers into the cache (or check the\n"
"                     cached file, rebuilding it if damaged), say where,\n"
"                     and exit; tags nothing\n";

/* after the options every stage takes (kz_stage_cli) */
static const char usage_tail[] =
"\n"
"The gazetteers are compiled on first use into a cache file keyed on\n"
"their content, which later runs map in a few milliseconds; editing any\n"
"gazetteer rebuilds it. An unusable cache folder only costs the compile.\n"
"\n"
"A broken input line or a record without text is reported on standard\n"
"error with its line number, passed on with an \"errors\" entry, and the\n"
"next record goes on.\n"
"\n"
"Exit status: 0 all good; 64 bad usage; 65 some record was bad; 66 a FILE\n"
"could not be opened (the others are read); 74 output\n"
"error (with --compile: the cache could not be written); 78 a gazetteer or\n"
"rules file is broken (nothing is tagged).\n"
"\n"
"Example:\n"
"  kz-normalize article.txt | kz-tag | jq '.entities[] | [.text, .type]'\n";

/* What kz-tag loads: the data snapshot hashes it (--version, producer). */
static const char *const loads[] = { "gazetteers", "rules/roles.yaml",
	"rules/names.yaml", "rules/firstnames.yaml", NULL };

typedef struct ctx {
	kz_stage_base base;     /* first: the skeleton's part (stage.h) */
	kz_buf members;         /* the record's new members, as JSON text */
	int compile;
} ctx;

/* Each thread its own tagger (a gazetteer fills views of its image as it
 * goes, so threads do not share one; kz_stage_base), and its own buffer. */
static int
own_init(void *arg, const void *first, kz_buf **extra, kz_error *err)
{
	ctx *c = arg;

	kz_buf_init(&c->members);
	*extra = &c->members;
	return 0;
}

static void
own_release(void *arg)
{
	kz_buf_release(&((ctx *)arg)->members);
}

static int
tag_one(json_t *rec, void *arg, kz_error *err)
{
	ctx *c = arg;

	return kz_tagger_tag_members(c->base.tagger, rec, c->base.date,
	    &c->members, err);
}

/* --compile: the gazetteers into the cache, and nothing else (-1
 * without it: the records are tagged). */
static int
compile_only(kz_stage_cli *cli)
{
	char dir[PATH_MAX + 16], msg[1024];
	const char *gaz;
	kz_folder *f;
	kz_gazetteer *g;
	kz_error err;
	int rc = KZ_EXIT_OK;

	if (!((ctx *)cli->own_ctx)->compile)
		return -1;
	gaz = kz_stage_cli_path(cli, "gazetteers", dir, sizeof dir);
	f = kz_folder_new();
	g = kz_gazetteer_load_dir(gaz, f, &err);
	if (g == NULL) {
		kz_error_format(&err, msg, sizeof msg);
		kz_msg(stderr, "kz-tag: %s\n", msg);
		kz_folder_free(f);
		return KZ_EXIT_CONFIG;
	}
	kz_gazetteer_verify(g);
	if (kz_gazetteer_cache_file(g) == NULL) {
		kz_msg(stderr, "kz-tag: %s: %s\n", gaz, kz_gazetteer_origin(g));
		rc = KZ_EXIT_IOERR;
	} else if (!cli->so->quiet) {
		kz_msg(stderr, "kz-tag: %s: %zu entries %s\n", gaz,
		    kz_gazetteer_size(g), kz_gazetteer_origin(g));
	}
	kz_gazetteer_free(g);
	kz_folder_free(f);
	return rc;
}

static int
own_opt(kz_stage_cli *cli, int ch, const char *arg)
{
	ctx *c = cli->own_ctx;

	switch (ch) {
	case 'g':
		c->base.gazetteers = arg;
		kz_stage_cli_replace(cli, "gazetteers", arg);
		break;
	case 'C': kz_gazetteer_cache(1, arg); break;
	case 'N': kz_gazetteer_cache(0, NULL); break;
	case 'K': c->compile = 1; break;
	}
	return -1;
}

int
main(int argc, char **argv)
{
	static const struct option own[] = {
		{ "gazetteers", required_argument, NULL, 'g' },
		{ "cache", required_argument, NULL, 'C' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "compile", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};
	kz_stage_opts so = { .reads = kz_tagger_reads,
	    .writes = kz_tagger_writes, .skips = kz_tagger_skips };
	ctx c = { .compile = 0 };
	kz_stage_cli cli = { .prog = "kz-tag", .usage = usage,
	    .usage_tail = usage_tail, .help_col = 21, .own = own,
	    .own_opt = own_opt, .own_ctx = &c, .loads = loads, .so = &so,
	    .ctx_size = sizeof c, .own_init = own_init,
	    .own_release = own_release, .prepare = compile_only };

	return kz_stage_main(&cli, argc, argv, tag_one, &c);
}
