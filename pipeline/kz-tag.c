/*
 * kz-tag - add entities and role mentions to kz/1 records.
 * See `kz-tag --help` and docs/kz-tag.md.
 */
#include "record.h"
#include "stage.h"
#include "tagger.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
"Usage: kz-tag [OPTIONS] < records.jsonl > tagged.jsonl\n"
"\n"
"Read kz/1 records (from kz-normalize) and add:\n"
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
"  --data DIR         kz data directory (default: $KZ_DATA, or found beside\n"
"                     the program)\n"
"  --max-line SIZE    longest input line accepted (default 64M)\n"
"  -q, --quiet        no per-record messages on standard error\n"
"  -h, --help         this text\n"
"\n"
"A broken input line or a record without text is reported on standard\n"
"error with its line number, passed on with an \"errors\" entry, and the\n"
"next record goes on.\n"
"\n"
"Exit status: 0 all good; 64 bad usage; 65 some record was bad; 74 output\n"
"error; 78 a gazetteer or rules file is broken (nothing is tagged).\n"
"\n"
"Example:\n"
"  kz-normalize article.txt | kz-tag | jq '.entities[] | [.text, .type]'\n";

typedef struct ctx {
	kz_tagger *tagger;
	char date[11];
} ctx;

static int
tag_one(json_t *rec, void *arg, kz_error *err)
{
	ctx *c = arg;

	return kz_tagger_tag(c->tagger, rec, c->date, err);
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	kz_stage_opts so = { .stage = "kz-tag" };
	const char *data = NULL, *gaz = NULL;
	char datadir[PATH_MAX], msg[1024];
	kz_error err;
	ctx c;
	int ch, rc;

	kz_today(c.date);
	while ((ch = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			if (kz_date_parse(optarg) <= 0 || strlen(optarg) != 10) {
				fprintf(stderr, "kz-tag: --date: not a YYYY-MM-DD date: %s\n",
				    optarg);
				return KZ_EXIT_USAGE;
			}
			snprintf(c.date, sizeof c.date, "%s", optarg);
			break;
		case 'g': gaz = optarg; break;
		case 'd': data = optarg; break;
		case 'q': so.quiet = 1; break;
		case 'm':
			if (kz_parse_size(optarg, &so.max_line) != 0) {
				fprintf(stderr, "kz-tag: --max-line: not a size: %s\n", optarg);
				return KZ_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return KZ_EXIT_OK;
		default:
			fputs("Try 'kz-tag --help'.\n", stderr);
			return KZ_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kz-tag: reads standard input; unexpected argument"
		    " '%s'\nTry 'kz-tag --help'.\n", argv[optind]);
		return KZ_EXIT_USAGE;
	}
	if (kz_datadir_find(data, datadir, sizeof datadir, &err) != 0 ||
	    (c.tagger = kz_tagger_load(datadir, gaz, &err)) == NULL) {
		kz_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "kz-tag: %s\n", msg);
		return KZ_EXIT_CONFIG;
	}
	rc = kz_stage_run(stdin, "stdin", stdout, &so, tag_one, &c);
	kz_tagger_free(c.tagger);
	return rc;
}
