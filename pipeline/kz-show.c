/*
 * kz-show - kz/1 records for people: an editor's report, an HTML page for
 * a batch, or TSV rows of quotes. See `kz-show --help` and docs/kz-show.md.
 */
#include "esc.h"
#include "pager.h"
#include "record.h"
#include "show.h"
#include "stage.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char usage[] =
"Usage: kz-show [OPTIONS] [FILE...] < checked.jsonl\n"
"\n"
"Show kz/1 records (from kz-check, or any stage) for people to read. With no\n"
"FILE, standard input is read; each FILE is a kz/1 JSON Lines file.\n"
"\n"
"Formats:\n"
"  (default)   each article as an editor reads it: the id and title; FLAGS\n"
"              first (severity, rule, the offending line with the span\n"
"              marked ^^^, the message, the evidence lines marked ~~~); then\n"
"              QUOTES (kind, speaker and how it was found, cue, the words,\n"
"              shortened, and the flags on that quote); then ENTITIES by\n"
"              type with counts. Sections a record lacks are left out; a\n"
"              record with `errors` shows them first.\n"
"  --html      one self-contained HTML page for the whole input: an index\n"
"              of the articles with their flag counts, and each article's\n"
"              lines with names, quotes, speakers and cues highlighted and\n"
"              every flag beside the line it points at, with its message and\n"
"              evidence (click a flag to light its evidence up). Inline CSS\n"
"              and JavaScript only; the page fetches nothing.\n"
"  --tsv       one row per quote: id, speaker, quote, cue, kind, flags\n"
"              (rule:severity, ...), after a header row. Tabs, newlines,\n"
"              carriage returns and backslashes in fields are written\n"
"              \\t, \\n, \\r and \\\\; other control characters as \\e,\n"
"              \\a, \\x7f, \\u009b, bidi controls as \\u202e.\n"
"  --csv       RFC 4180 CSV for a spreadsheet, one row per flag (on a\n"
"              quote or not) and per quote: id, line, start, end, item\n"
"              (flag or quote), rule (a quote's kind), severity, message,\n"
"              text, speaker, via; newlines kept inside quoted fields,\n"
"              other controls written visibly, text starting = + - @\n"
"              prefixed with ' (never run as a formula)\n"
"\n"
"Options:\n"
"  --format FMT       text, html, tsv or csv (the same as the options above)\n"
"  --color[=WHEN]     colour the text report: auto (default: when standard\n"
"                     output is a terminal and NO_COLOR is not set), always,\n"
"                     never\n"
"  --width N          columns of the text report (default: the terminal's,\n"
"                     else $COLUMNS, else 80); a wide CJK character or an\n"
"                     emoji takes two, a combining mark none\n"
"  --max-line SIZE    longest input line accepted (default 64M)\n"
"  --no-pager         never page (on a terminal, the report goes through\n"
"                     $KZ_PAGER, else $PAGER, else less -R with LESS=FRX;\n"
"                     never when standard output is not a terminal)\n"
"  -q, --quiet        no messages about broken input lines\n"
"  -h, --help         this text\n"
"  --version          the kz version\n"
"\n"
"Exit status: 0 all shown; 64 bad usage; 65 some input line was not a\n"
"kz/1 record, or some record carries `errors` (it is still shown); 66 a\n"
"FILE could not be opened (the others are shown); 74 output could not be\n"
"written. Quitting the pager early is no error: kz-show stops there,\n"
"quietly, with the status of what it had shown.\n"
"\n"
"Examples:\n"
"  kz-normalize a.txt | kz-tag | kz-quotes | kz-check | kz-show\n"
"  kz-run --in articles/ --out checked/ && kz-show --html checked/*.jsonl > report.html\n"
"  kz-show --tsv checked.jsonl > quotes.tsv\n"
"  kz-show --color=always < checked.jsonl | less -R\n"
"  PAGER='less -S' kz-show checked.jsonl   (long lines not folded)\n";

/* pager_quit is set when a write failed because the pager had quit: the
 * reader has seen enough, which is no error. write_errno: why the first
 * write failed. */
static int pager_quit, write_errno;

/* Called right after a write failed; returns 1. */
static int
write_failed(void)
{
	if (write_errno == 0)
		write_errno = errno;
	if (errno == EPIPE && kz_pager_active())
		pager_quit = 1;
	return 1;
}

static int
terminal_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return ws.ws_col;
	if (cols && atoi(cols) > 0)
		return atoi(cols);
	return 80;
}

static int
want_color(const char *when)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (strcmp(when, "always") == 0)
		return 1;
	if (strcmp(when, "never") == 0)
		return 0;
	return isatty(STDOUT_FILENO) && !(nc && *nc) &&
	    !(term && strcmp(term, "dumb") == 0);
}

/* A stand-in for a line that is text, not JSON: what a user gets who
 * gives kz-show an article instead of kz-normalize's records. */
static int
stand_in_for_text(const json_t *rec)
{
	const char *raw = json_string_value(json_object_get(rec, "raw"));

	if (raw == NULL)
		return 0;
	if ((unsigned char)raw[0] == 0xEF && (unsigned char)raw[1] == 0xBB &&
	    (unsigned char)raw[2] == 0xBF)
		raw += 3;
	while (*raw == ' ' || *raw == '\t' || *raw == '\r')
		raw++;
	return *raw != '{' && *raw != '[' && *raw != '\0';
}

static const char *
text_name(const char *name)
{
	return strcmp(name, "stdin") == 0 ? "FILE" : name;
}

/* Show every record of one input; returns the exit status for it (what
 * was shown until then when a write failed: *ioerr is then set). */
static int
show_input(kz_show *s, FILE *in, const char *name, size_t max_line, int quiet,
    int *ioerr)
{
	kz_reader *r = kz_reader_new(in, name, max_line);
	int status = KZ_EXIT_OK, rc;
	json_t *rec;
	kz_error err;
	char msg[1024];
	size_t text_lines = 0, n = 0;
	int text = 0;           /* the input began as text, not kz/1 */

	/* members it never shows are not built (nor refused for a number
	 * too large to build) */
	kz_reader_set_fields(r, kz_show_reads, NULL, kz_show_skips);
	for (;; n++) {
		kz_error_clear(&err);
		rc = kz_reader_next(r, "kz-show", &rec, &err);
		if (rc == 0)
			break;
		if (rc < 0 && (n == 0 || text) && stand_in_for_text(rec)) {
			/* one hint, not one "not valid JSON" per line */
			if (n == 0 && !quiet)
				kz_msg(stderr, "kz-show: %s: this is text, not kz/1 records:"
				    " run it through the pipeline first (kz-normalize %s |"
				    " kz-tag | kz-quotes | kz-check | kz-show, or kz-run < %s"
				    " | kz-show)\n", name, text_name(name), text_name(name));
			text = 1;
			text_lines++;
			status = KZ_EXIT_DATAERR;
			json_decref(rec);
			continue;
		}
		if (rc < 0) {
			if (!quiet) {
				kz_error_format(&err, msg, sizeof msg);
				kz_msg(stderr, "kz-show: %s\n", msg);
			}
			status = KZ_EXIT_DATAERR;
		} else if (kz_show_has_errors(rec)) {
			status = KZ_EXIT_DATAERR;
		}
		if (kz_show_record(s, rec) != 0) {
			*ioerr = write_failed();
			json_decref(rec);
			kz_reader_free(r);
			return status;
		}
		json_decref(rec);
	}
	if (text && !quiet && text_lines > 1)
		kz_msg(stderr, "kz-show: %s: %zu lines of text not shown\n", name,
		    text_lines);
	if (kz_reader_failed(r)) {
		kz_msg(stderr, "kz-show: %s: read error\n", name);
		status = KZ_EXIT_NOINPUT;
	}
	kz_reader_free(r);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "html", no_argument, NULL, 'H' },
		{ "tsv", no_argument, NULL, 'T' },
		{ "csv", no_argument, NULL, 'C' },
		{ "text", no_argument, NULL, 'X' },
		{ "format", required_argument, NULL, 'f' },
		{ "color", optional_argument, NULL, 'c' },
		{ "colour", optional_argument, NULL, 'c' },
		{ "width", required_argument, NULL, 'w' },
		{ "max-line", required_argument, NULL, 'm' },
		{ "no-pager", no_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	kz_show_opts o = { .format = KZ_SHOW_TEXT };
	const char *when = "auto";
	size_t max_line = 0;
	int ch, quiet = 0, page = 1, status = KZ_EXIT_OK, ioerr = 0, rc;
	const char *pager;
	kz_show *s;

	while ((ch = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H': o.format = KZ_SHOW_HTML; break;
		case 'T': o.format = KZ_SHOW_TSV; break;
		case 'C': o.format = KZ_SHOW_CSV; break;
		case 'X': o.format = KZ_SHOW_TEXT; break;
		case 'f':
			if (kz_show_format_parse(optarg, &o.format) != 0) {
				kz_msg(stderr, "kz-show: --format: text, html, tsv or csv, not"
				    " '%s'\n", optarg);
				return KZ_EXIT_USAGE;
			}
			break;
		case 'c':
			when = optarg ? optarg : "always";
			if (strcmp(when, "auto") && strcmp(when, "always") &&
			    strcmp(when, "never")) {
				kz_msg(stderr, "kz-show: --color: auto, always or never,"
				    " not '%s'\n", when);
				return KZ_EXIT_USAGE;
			}
			break;
		case 'w':
			o.width = atoi(optarg);
			if (o.width < 40 || o.width > 1000) {
				kz_msg(stderr, "kz-show: --width: a number of columns from"
				    " 40 to 1000, not '%s'\n", optarg);
				return KZ_EXIT_USAGE;
			}
			break;
		case 'm':
			if (kz_opt_size("kz-show", "max-line", optarg, &max_line) != 0)
				return KZ_EXIT_USAGE;
			break;
		case 'P': page = 0; break;
		case 'q': quiet = 1; break;
		case 'V':
			kz_version_print(stdout, "kz-show", NULL, NULL);
			return KZ_EXIT_OK;
		case 'h':
			fputs(usage, stdout);
			return KZ_EXIT_OK;
		default:
			fputs("Try 'kz-show --help'.\n", stderr);
			return KZ_EXIT_USAGE;
		}
	}
	o.color = o.format == KZ_SHOW_TEXT && want_color(when);
	if (o.width == 0)
		o.width = terminal_width();
	if (o.width > 160)
		o.width = 160;
	/* after the colour and the width, which look at the terminal; a
	 * pager that cannot start leaves the output on the terminal */
	if (page && isatty(STDOUT_FILENO) && (pager = kz_pager_command()) != NULL)
		(void)kz_pager_start(pager);
	s = kz_show_new(stdout, &o);
	if (optind == argc) {
		status = show_input(s, stdin, "stdin", max_line, quiet, &ioerr);
	} else {
		for (int i = optind; i < argc && !ioerr; i++) {
			FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");

			if (f == NULL) {
				kz_msg(stderr, "kz-show: cannot open %s: %s\n", argv[i],
				    strerror(errno));
				if (status == KZ_EXIT_OK)
					status = KZ_EXIT_NOINPUT;
				continue;
			}
			rc = show_input(s, f, argv[i], max_line, quiet, &ioerr);
			if (f != stdin)
				fclose(f);
			if (status == KZ_EXIT_OK)
				status = rc;
		}
	}
	if (!ioerr && kz_show_finish(s) != 0)
		ioerr = write_failed();
	kz_show_free(s);
	if (!ioerr && kz_pager_finish() != 0)
		ioerr = write_failed();
	if (ioerr && !pager_quit) {
		kz_msg(stderr, "kz-show: cannot write output: %s\n",
		    strerror(write_errno));
		status = KZ_EXIT_IOERR;
	}
	kz_pager_finish();
	return status;
}
