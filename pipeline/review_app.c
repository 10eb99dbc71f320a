/*
 * review_app.c - the review queue, items and decisions as JSON for the
 * web application (review_app.h).
 */
#include "review_app.h"

#include "buf.h"
#include "decisions_apply.h"
#include "fold.h"
#include "gazimage.h"
#include "review_queue.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Longest note, speaker and editor name kept (bytes): a decision is a few
 * words, and a huge post is a mistake or an attack. */
#define MAX_NOTE 4000
#define MAX_NAME 200

struct kz_review_app {
	char *results;
	char *editor;
	kz_decisions *d;
	kz_review_queue q;
	uint64_t sig;           /* of the results files the queue was read from */
	kz_folder *folder;      /* for search: case and accents folded */
};

/* ------------------------------------------------------------ loading */

static uint64_t
stat_sig(const char *name, const struct stat *st)
{
	kz_xxh64_state h;
	int64_t parts[3] = { (int64_t)st->st_size, (int64_t)st->st_mtim.tv_sec,
		(int64_t)st->st_mtim.tv_nsec };

	kz_xxh64_init(&h, 17);
	kz_xxh64_update(&h, name, strlen(name) + 1);
	kz_xxh64_update(&h, parts, sizeof parts);
	return kz_xxh64_digest(&h);
}

/* What the queue depends on: each *.jsonl file's name, size and time
 * (summed, so the folder's order does not matter). */
static uint64_t
results_sig(const char *path)
{
	struct stat st;
	uint64_t sig = 0;
	DIR *dir;
	struct dirent *de;

	if (stat(path, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return stat_sig(path, &st);
	if ((dir = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		size_t l = strlen(de->d_name);
		kz_buf p;

		if (de->d_name[0] == '.' || l < 7 ||
		    strcmp(de->d_name + l - 6, ".jsonl") != 0)
			continue;
		kz_buf_init(&p);
		kz_buf_addf(&p, "%s/%s", path, de->d_name);
		if (lstat(p.data, &st) == 0)
			sig += stat_sig(de->d_name, &st);
		kz_buf_release(&p);
	}
	closedir(dir);
	return sig + 1;
}

/* Read the results again when they changed; on a failure the queue read
 * before stays (a file half-copied by hand is read at the next call). */
static int
refresh(kz_review_app *app, kz_error *err)
{
	uint64_t sig = results_sig(app->results);
	kz_review_queue q;

	if (sig == app->sig && app->sig != 0)
		return 0;
	if (kz_review_queue_load(&q, app->results, err) != 0)
		return app->sig != 0 ? 0 : -1;
	kz_review_queue_release(&app->q);
	app->q = q;
	app->sig = sig;
	return 0;
}

kz_review_app *
kz_review_app_new(const char *results, kz_decisions *d, const char *editor,
    kz_error *err)
{
	kz_review_app *app = kz_calloc(1, sizeof *app);

	app->results = kz_strdup(results);
	app->editor = editor && *editor ? kz_strdup(editor) : NULL;
	app->d = d;
	if (refresh(app, err) != 0) {
		kz_review_app_free(app);
		return NULL;
	}
	app->folder = kz_folder_new();
	return app;
}

void
kz_review_app_free(kz_review_app *app)
{
	if (app == NULL)
		return;
	kz_review_queue_release(&app->q);
	kz_folder_free(app->folder);
	free(app->results);
	free(app->editor);
	free(app);
}

const char *
kz_review_app_results(const kz_review_app *app)
{
	return app->results;
}

const char *
kz_review_app_editor(const kz_review_app *app)
{
	return app->editor ? app->editor : "";
}

/* ------------------------------------------------------------ items */

static long
span_int(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

static int
overlaps(const json_t *span, long start, long end)
{
	long s = span_int(span, "start"), e = span_int(span, "end");

	return s >= 0 && e >= 0 && s < end && start < e;
}

/* The quote an item is about: itself, or for a flag the quote (or pull
 * quote signature) its span lies in. Borrowed, or NULL. */
static const json_t *
quote_of(const kz_review_item *it)
{
	const json_t *q, *sig;
	size_t i;

	if (it->kind == KZ_ITEM_QUOTE)
		return it->item;
	json_array_foreach(json_object_get(it->rec, "quotes"), i, q) {
		sig = json_object_get(q, "signature");
		if (overlaps(q, it->key.start, it->key.end + (it->key.start ==
		    it->key.end)) ||
		    overlaps(json_object_get(sig, "name"), it->key.start,
		    it->key.end) ||
		    overlaps(json_object_get(sig, "title"), it->key.start,
		    it->key.end))
			return q;
	}
	return NULL;
}

static const char *
speaker_of(const kz_review_item *it)
{
	const json_t *q = quote_of(it);

	return json_string_value(json_object_get(json_object_get(q, "speaker"),
	    "name"));
}

static void
set_str(json_t *o, const char *k, const char *s)
{
	json_object_set_new(o, k, s ? json_string(s) : json_null());
}

static void
hash_hex(const kz_decision_key *key, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, key->text_hash);
}

/* The item's fields and its decision as it is now. -1 on a store error. */
static json_t *
item_json(kz_review_app *app, const kz_review_item *it, kz_error *err)
{
	json_t *o = json_object();
	const json_t *sp = json_object_get(it->item, "speaker");
	const json_t *q = quote_of(it);
	kz_decision dec;
	char hash[17];
	long version;
	int rc;

	set_str(o, "article", it->key.article);
	set_str(o, "rule", it->rule);
	json_object_set_new(o, "start", json_integer(it->key.start));
	json_object_set_new(o, "end", json_integer(it->key.end));
	hash_hex(&it->key, hash);
	set_str(o, "hash", hash);
	set_str(o, "kind", it->kind == KZ_ITEM_FLAG ? "flag" : "quote");
	set_str(o, "severity", it->severity);
	set_str(o, "file", it->file);
	json_object_set_new(o, "line", json_integer(it->line));
	set_str(o, "text", json_string_value(json_object_get(it->item, "text")));
	set_str(o, "message", json_string_value(json_object_get(it->item,
	    "message")));
	set_str(o, "speaker", speaker_of(it));
	if (it->kind == KZ_ITEM_FLAG)
		sp = json_object_get(q, "speaker");
	set_str(o, "via", json_string_value(json_object_get(sp, "via")));
	if ((rc = kz_decisions_get(app->d, &it->key, &dec, err)) < 0 ||
	    (version = kz_decisions_version(app->d, &it->key, err)) < 0) {
		kz_decision_release(&dec);
		json_decref(o);
		return NULL;
	}
	set_str(o, "state", rc == 1 ? kz_verdict_name(dec.verdict) : "open");
	set_str(o, "correction", dec.correction);
	json_object_set_new(o, "span_start", dec.span_start >= 0 ?
	    json_integer(dec.span_start) : json_null());
	json_object_set_new(o, "span_end", dec.span_start >= 0 ?
	    json_integer(dec.span_end) : json_null());
	set_str(o, "note", dec.note);
	set_str(o, "editor", dec.editor);
	set_str(o, "time", dec.time);
	json_object_set_new(o, "version", json_integer(version));
	kz_decision_release(&dec);
	return o;
}

static int
is_decided(const json_t *o)
{
	return strcmp(json_string_value(json_object_get(o, "state")), "open")
	    != 0;
}

/* ------------------------------------------------------------ the queue */

static int
want(const char *filter, const char *value)
{
	return filter == NULL || *filter == '\0' ||
	    (value != NULL && strcmp(filter, value) == 0);
}

/* The search words (folded) in one of the item's fields. */
static int
found(kz_review_app *app, const char *folded_query, const json_t *o)
{
	static const char *const fields[] = { "text", "message", "article",
		"speaker", "note", "correction", "rule", NULL };

	for (size_t i = 0; fields[i]; i++) {
		const char *v = json_string_value(json_object_get(o, fields[i]));
		char *f;
		int hit;

		if (v == NULL)
			continue;
		f = kz_fold_string(app->folder, v);
		hit = strstr(f, folded_query) != NULL;
		free(f);
		if (hit)
			return 1;
	}
	return 0;
}

/* facet: a sorted list of the values seen. */
static void
facet_add(json_t *set, const char *v)
{
	if (v && *v)
		json_object_set_new(set, v, json_true());
}

static int
by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *
facet_list(json_t *set)
{
	json_t *a = json_array();
	const char *k;
	json_t *v;
	const char **keys;
	size_t n = 0, i = 0;

	keys = kz_calloc(json_object_size(set) + 1, sizeof *keys);
	json_object_foreach(set, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof *keys, by_string);
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(keys[i]));
	free(keys);
	return a;
}

static void
progress(json_t *out, size_t total, size_t reviewed)
{
	json_object_set_new(out, "total", json_integer((json_int_t)total));
	json_object_set_new(out, "reviewed", json_integer((json_int_t)reviewed));
	json_object_set_new(out, "left", json_integer((json_int_t)(total -
	    reviewed)));
}

int
kz_review_app_queue(kz_review_app *app, const kz_review_filter *f,
    json_t **out, kz_error *err)
{
	static const char *const facet_names[] = { "rule", "severity",
		"article", "speaker" };
	json_t *items = json_array(), *facets[4], *fo = json_object();
	size_t reviewed = 0;
	char *query = NULL;

	*out = NULL;
	if (refresh(app, err) != 0) {
		json_decref(items);
		json_decref(fo);
		return KZ_REVIEW_ERROR;
	}
	if (f && f->search && *f->search)
		query = kz_fold_string(app->folder, f->search);
	for (int i = 0; i < 4; i++)
		facets[i] = json_object();
	for (size_t i = 0; i < app->q.n; i++) {
		const kz_review_item *it = &app->q.items[i];
		json_t *o = item_json(app, it, err);

		if (o == NULL) {
			json_decref(items);
			for (int j = 0; j < 4; j++)
				json_decref(facets[j]);
			json_decref(fo);
			free(query);
			return KZ_REVIEW_ERROR;
		}
		reviewed += is_decided(o);
		for (int j = 0; j < 4; j++)
			facet_add(facets[j], json_string_value(json_object_get(o,
			    facet_names[j])));
		if (f == NULL || (want(f->rule, it->rule) &&
		    want(f->severity, it->severity) &&
		    want(f->article, it->key.article) &&
		    want(f->speaker, json_string_value(json_object_get(o,
		    "speaker"))) &&
		    (query == NULL || found(app, query, o))))
			json_array_append_new(items, o);
		else
			json_decref(o);
	}
	free(query);
	*out = json_object();
	set_str(*out, "results", app->results);
	progress(*out, app->q.n, reviewed);
	json_object_set_new(*out, "shown", json_integer((json_int_t)
	    json_array_size(items)));
	json_object_set_new(*out, "items", items);
	for (int j = 0; j < 4; j++) {
		json_object_set_new(fo, facet_names[j], facet_list(facets[j]));
		json_decref(facets[j]);
	}
	json_object_set_new(*out, "facets", fo);
	return KZ_REVIEW_OK;
}

/* ------------------------------------------------------------ one item */

/* The item req names, or NULL (KZ_REVIEW_BAD or _NOT_FOUND in *why). */
static kz_review_item *
find_item(kz_review_app *app, const json_t *req, int *why, kz_error *err)
{
	const char *article = json_string_value(json_object_get(req, "article"));
	const char *rule = json_string_value(json_object_get(req, "rule"));
	long start = span_int(req, "start"), end = span_int(req, "end");
	kz_review_item *it;

	if (article == NULL || rule == NULL || start < 0 || end < start) {
		*why = KZ_REVIEW_BAD;
		kz_error_set(err, NULL, 0, 0, "an item is named by article, rule,"
		    " start and end");
		return NULL;
	}
	if ((it = kz_review_queue_find(&app->q, article, rule, start, end))
	    == NULL) {
		*why = KZ_REVIEW_NOT_FOUND;
		kz_error_set(err, NULL, 0, 0, "no such item in the queue");
	}
	return it;
}

static void
add_span(json_t *spans, const json_t *span, const char *kind)
{
	long s = span_int(span, "start"), e = span_int(span, "end");
	json_t *o;

	if (s < 0 || e < s)
		return;
	o = json_object();
	json_object_set_new(o, "start", json_integer(s));
	json_object_set_new(o, "end", json_integer(e));
	set_str(o, "kind", kind);
	set_str(o, "text", json_string_value(json_object_get(span, "text")));
	json_array_append_new(spans, o);
}

/* The names an editor may choose as the speaker: the article's people,
 * each once, in the order they appear. */
static json_t *
people(const json_t *rec)
{
	json_t *a = json_array(), *seen = json_object(), *e;
	size_t i;

	json_array_foreach(json_object_get(rec, "entities"), i, e) {
		const char *type = json_string_value(json_object_get(e, "type"));
		const char *name = json_string_value(json_object_get(e,
		    "canonical"));

		if (type == NULL || strcmp(type, "PER") != 0)
			continue;
		if (name == NULL)
			name = json_string_value(json_object_get(e, "text"));
		if (name == NULL || json_object_get(seen, name))
			continue;
		json_object_set_new(seen, name, json_true());
		json_array_append_new(a, json_string(name));
	}
	json_decref(seen);
	return a;
}

int
kz_review_app_item(kz_review_app *app, const json_t *req, json_t **out,
    kz_error *err)
{
	kz_review_item *it;
	json_t *o, *spans, *v;
	const json_t *q, *sp;
	int why;
	size_t i;

	*out = NULL;
	if (refresh(app, err) != 0)
		return KZ_REVIEW_ERROR;
	if ((it = find_item(app, req, &why, err)) == NULL)
		return why;
	if ((o = item_json(app, it, err)) == NULL)
		return KZ_REVIEW_ERROR;
	set_str(o, "article_text", json_string_value(json_object_get(it->rec,
	    "text")));
	spans = json_array();
	add_span(spans, it->item, "item");
	json_array_foreach(json_object_get(it->item, "evidence"), i, v)
		add_span(spans, v, "evidence");
	q = quote_of(it);
	if (q && q != it->item)
		add_span(spans, q, "quote");
	sp = json_object_get(q, "speaker");
	add_span(spans, sp, "speaker");
	add_span(spans, json_object_get(sp, "antecedent"), "antecedent");
	add_span(spans, json_object_get(q, "cue"), "cue");
	if (json_is_integer(json_object_get(o, "span_start"))) {
		json_t *fix = json_pack("{s:O,s:O}", "start", json_object_get(o,
		    "span_start"), "end", json_object_get(o, "span_end"));

		add_span(spans, fix, "correction");
		json_decref(fix);
	}
	json_object_set_new(o, "spans", spans);
	json_object_set_new(o, "people", people(it->rec));
	*out = o;
	return KZ_REVIEW_OK;
}

/* ------------------------------------------------------------ decisions */

static const char *
opt_str(const json_t *req, const char *k, size_t max, int *bad)
{
	const json_t *v = json_object_get(req, k);
	const char *s;

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || json_string_length(v) > max ||
	    strlen(s = json_string_value(v)) != json_string_length(v)) {
		*bad = 1;       /* not a string, too long, or a NUL inside */
		return NULL;
	}
	return *s ? s : NULL;
}

/* The optional span_start, span_end of a decision: both or neither,
 * integers. 0 (*start -1 when absent), or -1 when malformed. */
static int
opt_span(const json_t *req, long *start, long *end)
{
	const json_t *s = json_object_get(req, "span_start");
	const json_t *e = json_object_get(req, "span_end");
	int has_s = s && !json_is_null(s), has_e = e && !json_is_null(e);

	*start = *end = -1;
	if (!has_s && !has_e)
		return 0;
	if (!json_is_integer(s) || !json_is_integer(e) ||
	    json_integer_value(s) < 0 || json_integer_value(e) < 0 ||
	    json_integer_value(s) > LONG_MAX || json_integer_value(e) > LONG_MAX)
		return -1;
	*start = (long)json_integer_value(s);
	*end = (long)json_integer_value(e);
	return 0;
}

static size_t
count_reviewed(kz_review_app *app)
{
	size_t n = 0;

	for (size_t i = 0; i < app->q.n; i++) {
		kz_decision dec;

		if (kz_decisions_get(app->d, &app->q.items[i].key, &dec, NULL) == 1)
			n++;
		kz_decision_release(&dec);
	}
	return n;
}

int
kz_review_app_decide(kz_review_app *app, const json_t *req, json_t **out,
    kz_error *err)
{
	const char *verdict_s = json_string_value(json_object_get(req,
	    "verdict"));
	const char *hash = json_string_value(json_object_get(req, "hash"));
	const json_t *ver = json_object_get(req, "version");
	const char *note, *speaker, *editor;
	long span_start, span_end;
	kz_review_item *it;
	kz_verdict verdict = kz_verdict_parse(verdict_s);
	int undo = verdict_s && strcmp(verdict_s, "undo") == 0;
	int bad = 0, why, rc;
	char have[17];
	json_t *o;

	*out = NULL;
	if (refresh(app, err) != 0)
		return KZ_REVIEW_ERROR;
	note = opt_str(req, "note", MAX_NOTE, &bad);
	speaker = opt_str(req, "speaker", MAX_NAME, &bad);
	editor = opt_str(req, "editor", MAX_NAME, &bad);
	if (opt_span(req, &span_start, &span_end) != 0)
		bad = 1;
	if (bad || hash == NULL || !json_is_integer(ver) ||
	    json_integer_value(ver) < 0 || (!undo && verdict == KZ_VERDICT_NONE) ||
	    (verdict == KZ_VERDICT_CORRECT && speaker == NULL &&
	    span_start < 0) ||
	    (span_start >= 0 && verdict != KZ_VERDICT_CORRECT)) {
		kz_error_set(err, NULL, 0, 0, "a decision needs the item, its"
		    " hash and version, and a verdict: accept, reject, correct"
		    " (with a speaker, a span_start and span_end, or both) or"
		    " undo; notes up to %d bytes", MAX_NOTE);
		return KZ_REVIEW_BAD;
	}
	if ((it = find_item(app, req, &why, err)) == NULL)
		return why;
	if (span_start >= 0 && it->kind != KZ_ITEM_QUOTE) {
		kz_error_set(err, NULL, 0, 0, "a span is corrected on a quote"
		    " (rule %s), not on a flag", KZ_DECISION_SPEAKER);
		return KZ_REVIEW_BAD;
	}
	if (span_start >= 0 && !kz_decision_span_ok(it->rec, span_start,
	    span_end)) {
		kz_error_set(err, NULL, 0, 0, "span_start %ld, span_end %ld: a"
		    " span is inside the article's text, start before end",
		    span_start, span_end);
		return KZ_REVIEW_BAD;
	}
	if (editor == NULL)
		editor = app->editor;
	hash_hex(&it->key, have);
	if (strcmp(hash, have) != 0) {
		kz_error_set(err, NULL, 0, 0, "the article changed since it was"
		    " shown: look at it again");
		rc = KZ_DECISIONS_CONFLICT;
	} else if (undo) {
		rc = kz_decisions_undo_if(app->d, &it->key,
		    (long)json_integer_value(ver), err);
	} else {
		kz_correction corr = { speaker, span_start, span_end };

		rc = kz_decisions_decide_if(app->d, &it->key,
		    (long)json_integer_value(ver), verdict,
		    verdict == KZ_VERDICT_CORRECT ? &corr : NULL, note, editor,
		    err);
	}
	if (rc < 0)
		return KZ_REVIEW_ERROR;
	if (rc == KZ_DECISIONS_CONFLICT && strcmp(hash, have) == 0)
		kz_error_set(err, NULL, 0, 0, "someone else decided on this item"
		    " meanwhile: look at it again");
	if ((o = item_json(app, it, err)) == NULL)
		return KZ_REVIEW_ERROR;
	*out = json_object();
	json_object_set_new(*out, "item", o);
	progress(*out, app->q.n, count_reviewed(app));
	if (undo)
		json_object_set_new(*out, "undone", json_boolean(rc == 1));
	return rc == KZ_DECISIONS_CONFLICT ? KZ_REVIEW_CONFLICT : KZ_REVIEW_OK;
}
