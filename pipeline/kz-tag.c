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
"                     and exit; tags nothing\n"
"  --data DIR         kz data directory (default: $KZ_DATA, or found beside\n"
"                     the program)\n"
"  -j, --jobs N       threads that tag records (default: one per\n"
"                     processor; input of one batch, 16 records, uses\n"
"                     one); the output keeps the input's order\n"
"  --max-line SIZE    longest input line accepted (default 64M)\n"
"  -q, --quiet        no per-record messages on standard error\n"
"  -h, --help         this text\n"
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

typedef struct ctx {
	kz_tagger *tagger;
	char date[11];
	kz_buf members;         /* the record's new members, as JSON text */
	const char *datadir;    /* for other threads' taggers */
} ctx;

/* Another thread's context: its own tagger (a gazetteer fills views of
 * its image as it goes, so threads do not share one), reading the image
 * the first load mapped. */
static void *
worker_new(void *arg, kz_buf **extra, kz_error *err)
{
	const ctx *main_ctx = arg;
	ctx *c = kz_calloc(1, sizeof *c);

	/* only what does not change: the first thread is already tagging
	 * into main_ctx->members */
	memcpy(c->date, main_ctx->date, sizeof c->date);
	c->datadir = main_ctx->datadir;
	c->tagger = kz_tagger_load_shared(c->datadir, main_ctx->tagger, err);
	if (c->tagger == NULL) {
		free(c);
		return NULL;
	}
	kz_buf_init(&c->members);
	*extra = &c->members;
	return c;
}

static void
worker_free(void *arg)
{
	ctx *c = arg;

	kz_tagger_free(c->tagger);
	kz_buf_release(&c->members);
	free(c);
}

static int
tag_one(json_t *rec, void *arg, kz_error *err)
{
	ctx *c = arg;

	return kz_tagger_tag_members(c->tagger, rec, c->date, &c->members, err);
}

/* --compile: the gazetteers into the cache, and nothing else. */
static int
compile_only(const char *data, const char *gaz, int quiet)
{
	char datadir[PATH_MAX], dir[PATH_MAX + 16], msg[1024];
	kz_folder *f;
	kz_gazetteer *g;
	kz_error err;
	int rc = KZ_EXIT_OK;

	if (gaz == NULL) {
		if (kz_datadir_find(data, datadir, sizeof datadir, &err) != 0) {
			kz_error_format(&err, msg, sizeof msg);
			kz_msg(stderr, "kz-tag: %s\n", msg);
			return KZ_EXIT_CONFIG;
		}
		snprintf(dir, sizeof dir, "%s/gazetteers", datadir);
		gaz = dir;
	}
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
	} else if (!quiet) {
		kz_msg(stderr, "kz-tag: %s: %zu entries %s\n", gaz,
		    kz_gazetteer_size(g), kz_gazetteer_origin(g));
	}
	kz_gazetteer_free(g);
	kz_folder_free(f);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "date", required_argument, NULL, 'D' },
		{ "gazetteers", required_argument, NULL, 'g' },
		{ "data", required_argument, NULL, 'd' },
		{ "max-line", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "cache", required_argument, NULL, 'C' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "compile", no_argument, NULL, 'K' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	kz_stage_opts so = { .stage = "kz-tag", .reads = kz_tagger_reads,
	    .writes = kz_tagger_writes, .skips = kz_tagger_skips,
	    .jobs = kz_stage_default_jobs(), .worker_new = worker_new,
	    .worker_free = worker_free };
	const char *data = NULL, *gaz = NULL;
	char datadir[PATH_MAX], msg[1024];
	kz_error err;
	ctx c;
	int ch, rc, compile = 0;

	memset(&c, 0, sizeof c);
	kz_today(c.date);
	while ((ch = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			if (kz_opt_date("kz-tag", optarg) != 0)
				return KZ_EXIT_USAGE;
			snprintf(c.date, sizeof c.date, "%s", optarg);
			break;
		case 'g': gaz = optarg; break;
		case 'd': data = optarg; break;
		case 'q': so.quiet = 1; break;
		case 'C': kz_gazetteer_cache(1, optarg); break;
		case 'N': kz_gazetteer_cache(0, NULL); break;
		case 'K': compile = 1; break;
		case 'j':
			if (kz_opt_jobs("kz-tag", optarg, &so.jobs) != 0)
				return KZ_EXIT_USAGE;
			break;
		case 'm':
			if (kz_opt_size("kz-tag", "max-line", optarg, &so.max_line) != 0)
				return KZ_EXIT_USAGE;
			break;
		case 'h':
			fputs(usage, stdout);
			return KZ_EXIT_OK;
		default:
			fputs("Try 'kz-tag --help'.\n", stderr);
			return KZ_EXIT_USAGE;
		}
	}
	if (compile)
		return compile_only(data, gaz, so.quiet);
	if (kz_datadir_find(data, datadir, sizeof datadir, &err) != 0 ||
	    (c.tagger = kz_tagger_load(datadir, gaz, &err)) == NULL) {
		kz_error_format(&err, msg, sizeof msg);
		kz_msg(stderr, "kz-tag: %s\n", msg);
		return KZ_EXIT_CONFIG;
	}
	c.datadir = datadir;
	kz_buf_init(&c.members);
	so.extra = &c.members;
	rc = kz_stage_run_files(argv + optind, (size_t)(argc - optind), stdout,
	    &so, tag_one, &c);
	kz_tagger_free(c.tagger);
	kz_buf_release(&c.members);
	return rc;
}
