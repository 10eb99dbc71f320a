/*
 * kz-normalize - scraped article text in, one clean kz/1 record out.
 * See `kz-normalize --help` and docs/kz-normalize.md.
 */
#include "buf.h"
#include "date.h"
#include "esc.h"
#include "input.h"
#include "normalize.h"
#include "record.h"
#include "stage.h"
#include "text.h"
#include "version.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
"Usage: kz-normalize [OPTIONS] [FILE...]\n"
"\n"
"Read scraped news articles and write one kz/1 record (JSON Lines) per\n"
"article: the text in NFC, its structure (title, caption, credit, byline,\n"
"headings, paragraphs, pull quotes, web residue, related links), sentences,\n"
"byline and date.\n"
"\n"
"With no FILE, and for a FILE -, standard input is one article (id\n"
"\"stdin\", or --id), unless\n"
"it is JSON Lines (first line a JSON object): then each line is a record\n"
"with at least \"id\" and \"text\", and every other field is kept. Each FILE\n"
"is one article whose id is its name without directory and extension; a\n"
"FILE ending in .jsonl is read as JSON Lines.\n"
"\n"
"Options:\n"
"  --id ID          id of the article read from standard input\n"
"  --jsonl          input is JSON Lines, whatever it looks like\n"
"  --raw            input is raw text, even if it starts with '{'\n"
"  --date DATE      date (YYYY-MM-DD) for articles that state none\n"
"  --rules FILE     boilerplate and byline rules (default:\n"
"                   DATA/rules/normalize.yaml)\n";

/* after the options every stage takes (kz_stage_cli) */
static const char usage_tail[] =
"\n"
"Bad input never stops the run: invalid UTF-8 and control bytes become\n"
"U+FFFD with a warning flag; an empty article, an article of only web\n"
"residue, a broken JSON line, a missing file or an article over\n"
"--max-line (a JSON line, or a whole raw article) are reported on standard\n"
"error (-q: not), still produce a record (with an \"errors\" entry), and\n"
"the next article goes on.\n"
"\n"
"Exit status: 0 all good; 64 bad usage; 65 some article or record was bad;\n"
"66 a FILE could not be read; 74 output error; 78 broken rules file.\n"
"\n"
"Examples:\n"
"  kz-normalize article.txt | kz-tag | kz-quotes | kz-check | kz-show\n"
"  kz-normalize --id a42 < article.txt\n"
"  jq -c '{id, text, date}' scraped.jsonl | kz-normalize --jsonl\n";

/* What kz-normalize loads: the data snapshot hashes it (--version,
 * producer). */
static const char *const loads[] = { "rules/normalize.yaml", NULL };

typedef struct opts {
	const char *id;
	const char *date;       /* --date, or NULL */
	int jsonl;
	int raw;
	kz_stage_opts stage;    /* quiet, max_line and the producer too */
} opts;

typedef struct ctx {
	kz_normalizer *norm;
	const opts *o;
	int status;
	kz_buf members;         /* blocks and sentences of the record at hand */
	const char *in_name;    /* the JSON Lines input at hand */
	long records;           /* records read from it so far */
} ctx;

static size_t
max_line(const ctx *c)
{
	return c->o->stage.max_line ? c->o->stage.max_line : KZ_MAX_LINE_DEFAULT;
}

static void
set_status(ctx *c, int status)
{
	if (c->status == KZ_EXIT_OK || status == KZ_EXIT_IOERR)
		c->status = status;
}

/* Normalize one article into rec and say what was wrong with it. */
static void
normalize_one(ctx *c, const char *name, const char *raw, size_t len, json_t *rec)
{
	kz_normalize_report rep;
	char msg[128];

	/* an input date that is no real day counts as none (date.h) */
	if (kz_date_drop_impossible(rec, "date", msg, sizeof msg)) {
		kz_record_add_error(rec, "kz-normalize", msg);
		if (!c->o->stage.quiet)
			kz_msg(stderr, "kz-normalize: %s: %s\n", name, msg);
		set_status(c, KZ_EXIT_DATAERR);
	}
	kz_buf_reset(&c->members);
	kz_normalize_article_members(c->norm, raw, len, rec, &c->members, &rep);
	/* the record's date, else the dateline's, else --date */
	if (c->o->date && !json_is_string(json_object_get(rec, "date")))
		json_object_set_new(rec, "date", json_string(c->o->date));
	if (rep.empty) {
		kz_record_add_error(rec, "kz-normalize", "empty article: no text");
		if (!c->o->stage.quiet)
			kz_msg(stderr, "kz-normalize: %s: empty article: no text\n",
			    name);
		set_status(c, KZ_EXIT_DATAERR);
	} else if (rep.only_residue) {
		kz_record_add_error(rec, "kz-normalize",
		    "no article text: every line is web residue");
		if (!c->o->stage.quiet)
			kz_msg(stderr, "kz-normalize: %s: no article text: every"
			    " line is web residue\n", name);
		set_status(c, KZ_EXIT_DATAERR);
	}
	if (rep.bad_bytes) {
		if (!c->o->stage.quiet)
			kz_msg(stderr, "kz-normalize: %s: %zu invalid UTF-8 sequence%s"
			    " replaced by U+FFFD, the first at byte %zu\n", name,
			    rep.bad_bytes, rep.bad_bytes > 1 ? "s" : "", rep.first_bad);
		set_status(c, KZ_EXIT_DATAERR);
	}
	if (rep.controls) {
		if (!c->o->stage.quiet)
			kz_msg(stderr, "kz-normalize: %s: %zu control character%s"
			    " replaced by U+FFFD, the first at byte %zu\n", name,
			    rep.controls, rep.controls > 1 ? "s" : "",
			    rep.first_control);
		set_status(c, KZ_EXIT_DATAERR);
	}
}

static int
write_record(ctx *c, json_t *rec)
{
	int rc = kz_record_write_extra(stdout, rec, c->members.data,
	    c->members.len);

	kz_buf_reset(&c->members);
	if (rc != 0) {
		kz_msg(stderr, "kz-normalize: cannot write output: %s\n",
		    strerror(errno));
		set_status(c, KZ_EXIT_IOERR);
		return -1;
	}
	return 0;
}

/* The record's id as the caller gave it: a string stays, a number
 * becomes its text (the contract's `id` is a string, and "42" still joins
 * with the caller's 42). Anything else, or none, gets a name of its own,
 * unique in the batch, and the user is told. */
static void
settle_id(ctx *c, json_t *rec)
{
	const json_t *id = json_object_get(rec, "id");
	char made[300];

	if (json_is_string(id))
		return;
	if (json_is_number(id)) {
		char *text = json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT);

		json_object_set_new(rec, "id", json_string(text));
		free(text);
		return;
	}
	snprintf(made, sizeof made, "%s#%ld", c->in_name, c->records);
	if (!c->o->stage.quiet)
		kz_msg(stderr, "kz-normalize: %s: record %ld has %s \"id\":"
		    " named \"%s\"\n", c->in_name, c->records, id == NULL ? "no" :
		    json_is_null(id) ? "a null" : "neither a string nor a number"
		    " as its", made);
	json_object_set_new(rec, "id", json_string(made));
}

/* The JSON Lines path: each record's text is normalized, the rest kept. */
static int
process_record(json_t *rec, void *arg, kz_error *err)
{
	ctx *c = arg;
	const json_t *text = json_object_get(rec, "text");
	char *copy;
	size_t len;

	c->records++;
	settle_id(c, rec);
	if (!json_is_string(text))
		return kz_error_set(err, NULL, 0, 0, "record has no \"text\" string");
	len = json_string_length(text);
	copy = kz_strndup(json_string_value(text), len);
	normalize_one(c, json_string_value(json_object_get(rec, "id")), copy, len,
	    rec);
	free(copy);
	return 0;
}

/* JSON Lines from in; prefix holds bytes already read from it. */
static int
run_jsonl(ctx *c, FILE *in, const char *name, const char *prefix,
    size_t prefix_len)
{
	kz_stage_opts so = c->o->stage;
	int rc;

	so.prefix = prefix;
	so.prefix_len = prefix_len;
	c->in_name = name;
	c->records = 0;
	rc = kz_stage_run(in, name, stdout, &so, process_record, c);

	if (rc != KZ_EXIT_OK)
		set_status(c, rc);
	return rc;
}

/* An article that could not be read: a record with no text that says
 * why, so the batch still sees it. */
static void
error_record(ctx *c, const char *id, const char *msg, int status)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "kz", json_integer(1));
	json_object_set_new(rec, "id", json_string(id));
	json_object_set_new(rec, "text", json_string(""));
	kz_record_add_error(rec, "kz-normalize", msg);
	kz_stage_add_producer(rec, &c->o->stage);
	write_record(c, rec);
	json_decref(rec);
	set_status(c, status);
}

/* An article over --max-line: a record that says so, nothing read more. */
static void
too_large(ctx *c, const char *id, const char *name)
{
	char msg[200];

	snprintf(msg, sizeof msg, "article larger than the maximum of %zu bytes"
	    " (--max-line)", max_line(c));
	if (!c->o->stage.quiet)
		kz_msg(stderr, "kz-normalize: %s: %s\n", name, msg);
	error_record(c, id, msg, KZ_EXIT_DATAERR);
}

static void
run_raw(ctx *c, const char *id, const char *name, const char *raw, size_t len)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "kz", json_integer(1));
	json_object_set_new(rec, "id", json_string(id));
	/* members in the order a kz/1 record of the same article gets them
	 * (kz, id, text, producer, …), so raw text and a record give the
	 * same bytes: kz-run streams records */
	json_object_set_new(rec, "text", json_string(""));
	kz_stage_add_producer(rec, &c->o->stage);
	normalize_one(c, name, raw, len, rec);
	write_record(c, rec);
	json_decref(rec);
}

/* The id of a file's article: its name without directory and extension.
 * A name that is no UTF-8 gets U+FFFD for its bad bytes, with a warning:
 * a kz/1 id is a JSON string, and a record without one would be lost to
 * every join. */
static char *
id_of_path(const ctx *c, const char *path)
{
	const char *base = strrchr(path, '/');
	char *dot;
	kz_buf id;
	size_t bad;

	base = base ? base + 1 : path;
	kz_buf_init(&id);
	bad = kz_utf8_repair(base, strlen(base), &id, NULL);
	dot = strrchr(id.data, '.');
	if (dot && dot != id.data)
		*dot = '\0';
	if (bad > 0 && !c->o->stage.quiet)
		kz_msg(stderr, "kz-normalize: %s: the file name is no UTF-8:"
		    " its id is \"%s\" (U+FFFD for the bad bytes)\n", path,
		    id.data);
	return kz_buf_detach(&id, NULL);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void
run_file(ctx *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *id = id_of_path(c, path);
	kz_buf b;
	int rc;

	if (f == NULL) {
		char msg[PATH_MAX + 100];

		snprintf(msg, sizeof msg, "cannot open %s: %s", path, strerror(errno));
		kz_msg(stderr, "kz-normalize: %s\n", msg);
		error_record(c, id, msg, KZ_EXIT_NOINPUT);
		free(id);
		return;
	}
	if (!c->o->raw && (c->o->jsonl || ends_with(path, ".jsonl"))) {
		run_jsonl(c, f, path, NULL, 0);
		fclose(f);
		free(id);
		return;
	}
	kz_buf_init(&b);
	rc = kz_read_all(fileno(f), &b, max_line(c));
	if (rc < 0) {
		kz_msg(stderr, "kz-normalize: %s: read error: %s\n", path,
		    strerror(errno));
		set_status(c, KZ_EXIT_NOINPUT);
	}
	fclose(f);
	if (rc > 0)
		too_large(c, id, path);
	else
		run_raw(c, id, path, b.data, b.len);
	kz_buf_release(&b);
	free(id);
}

/* Standard input: JSON Lines or one raw article, as its first line says
 * (--jsonl, --raw decide instead). */
static void
run_stdin(ctx *c)
{
	const opts *o = c->o;
	kz_buf b;
	int rc, unsure = 0;

	if (o->jsonl) {
		run_jsonl(c, stdin, "stdin", NULL, 0);
		return;
	}
	/* look at the first line only: JSON Lines stream on from there, a
	 * raw article is read whole (up to --max-line) */
	kz_buf_init(&b);
	rc = kz_read_first_line(STDIN_FILENO, &b, max_line(c));
	if (!o->raw && rc >= 0 && kz_looks_like_jsonl(b.data, b.len, rc > 0,
	    &unsure)) {
		run_jsonl(c, stdin, "stdin", b.data, b.len);
	} else {
		if (unsure && !o->stage.quiet)
			kz_msg(stderr, "kz-normalize: stdin: starts with '{' but its"
			    " first line is no JSON object: read as one raw article"
			    " (--jsonl reads it as JSON Lines)\n");
		if (rc == 0)
			rc = kz_read_all(STDIN_FILENO, &b, max_line(c));
		if (rc < 0) {
			kz_msg(stderr, "kz-normalize: stdin: read error\n");
			set_status(c, KZ_EXIT_IOERR);
		}
		if (rc > 0)
			too_large(c, o->id, "stdin");
		else
			run_raw(c, o->id, "stdin", b.data, b.len);
	}
	kz_buf_release(&b);
}

static int
own_opt(kz_stage_cli *cli, int ch, const char *arg)
{
	opts *o = cli->own_ctx;

	switch (ch) {
	case 'i': o->id = arg; break;
	case 'j': o->jsonl = 1; break;
	case 'r': o->raw = 1; break;
	case 'R': kz_stage_cli_replace(cli, "rules/normalize.yaml", arg); break;
	}
	return -1;
}

int
main(int argc, char **argv)
{
	static const struct option own[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "jsonl", no_argument, NULL, 'j' },
		{ "raw", no_argument, NULL, 'r' },
		{ "rules", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	opts o = { .id = "stdin", .stage = { .stage = "kz-normalize",
	    .reads = kz_normalize_reads, .writes = kz_normalize_writes } };
	kz_stage_cli cli = { .prog = "kz-normalize", .usage = usage,
	    .usage_tail = usage_tail, .help_col = 19, .own = own,
	    .own_opt = own_opt, .own_ctx = &o, .no_jobs = 1, .loads = loads,
	    .so = &o.stage };
	char path[PATH_MAX + 64];
	kz_error err;
	ctx c = { .o = &o };
	int rc;

	if ((rc = kz_stage_cli_parse(&cli, argc, argv)) >= 0 ||
	    (rc = kz_stage_cli_setup(&cli)) != 0)
		return rc;
	o.date = cli.date_given ? cli.date : NULL;
	c.norm = kz_normalizer_load(kz_stage_cli_path(&cli,
	    "rules/normalize.yaml", path, sizeof path), &err);
	if (c.norm == NULL || kz_stage_cli_snapshot(&cli, &err) != 0) {
		kz_normalizer_free(c.norm);
		return kz_stage_cli_fail(&cli, &err);
	}
	o.stage.version = kz_version();
	o.stage.data_snapshot = cli.snapshot;
	kz_buf_init(&c.members);
	o.stage.extra = &c.members;
	if (cli.nfiles == 0)
		run_stdin(&c);
	for (size_t i = 0; i < cli.nfiles; i++) {
		if (strcmp(cli.files[i], "-") == 0)
			run_stdin(&c);
		else
			run_file(&c, cli.files[i]);
	}
	kz_normalizer_free(c.norm);
	kz_buf_release(&c.members);
	if (fflush(stdout) != 0) {
		kz_msg(stderr, "kz-normalize: cannot write output: %s\n",
		    strerror(errno));
		return KZ_EXIT_IOERR;
	}
	return c.status;
}
