/* Unit tests of the review application without HTTP (pipeline/
 * review_app.h): the queue and its filters, one item with its spans, and
 * decisions checked against the version and text the editor saw. */
#include "kz_test.h"

#include "decisions.h"
#include "review_app.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static char db[96];

/* One article, written here: a misquote flag with its evidence, and a
 * quote whose speaker rests on a pronoun. */
static const char record[] =
"{\"kz\":1,\"id\":\"r1\",\"text\":\"Anne Dupont parle. \\u00ab Oui \\u00bb, dit-elle. \\u00ab Non \\u00bb.\","
"\"entities\":[{\"start\":0,\"end\":11,\"text\":\"Anne Dupont\",\"type\":\"PER\",\"canonical\":\"Anne Dupont\"}],"
"\"quotes\":[{\"start\":21,\"end\":24,\"text\":\"Oui\",\"kind\":\"direct\","
"\"speaker\":{\"start\":32,\"end\":36,\"text\":\"elle\",\"name\":\"Anne Dupont\",\"via\":\"pronoun\"},"
"\"cue\":{\"start\":28,\"end\":36,\"text\":\"dit-elle\"}}],"
"\"flags\":[{\"rule\":\"misquote\",\"severity\":\"warning\",\"start\":40,\"end\":43,\"text\":\"Non\","
"\"message\":\"diff\\u00e8re\",\"evidence\":[{\"start\":21,\"end\":24,\"text\":\"Oui\"}]}]}\n";

static kz_review_app *
fresh_app(kz_decisions **d)
{
	char path[128];
	FILE *f;
	kz_error err;
	kz_review_app *app;

	snprintf(dir, sizeof dir, "/tmp/kz-unit-app-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/r1.jsonl", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(record, f);
	fclose(f);
	snprintf(db, sizeof db, "%s/.kz-review.db", dir);
	*d = kz_decisions_open(db, 0, &err);
	ck_assert_msg(*d != NULL, "%s", err.message);
	app = kz_review_app_new(dir, *d, "ed", &err);
	ck_assert_msg(app != NULL, "%s", err.message);
	return app;
}

static void
done(kz_review_app *app, kz_decisions *d)
{
	char cmd[128];

	kz_review_app_free(app);
	kz_decisions_close(d);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static long
num(const json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

START_TEST(queue_worst_first_filters_and_search)
{
	kz_decisions *d;
	kz_review_app *app = fresh_app(&d);
	kz_review_filter f = { 0 };
	kz_error err;
	json_t *q;

	ck_assert_int_eq(kz_review_app_queue(app, &f, &q, &err), KZ_REVIEW_OK);
	ck_assert_int_eq(num(q, "total"), 2);
	ck_assert_int_eq(num(q, "left"), 2);
	ck_assert_str_eq(str(json_array_get(json_object_get(q, "items"), 0),
	    "rule"), "misquote");
	ck_assert_str_eq(str(json_array_get(json_object_get(q, "items"), 1),
	    "speaker"), "Anne Dupont");
	json_decref(q);
	/* the search folds case and accents: "DIFFERE" finds "diffère" */
	f.search = "DIFFERE";
	ck_assert_int_eq(kz_review_app_queue(app, &f, &q, &err), KZ_REVIEW_OK);
	ck_assert_int_eq(num(q, "shown"), 1);
	ck_assert_int_eq(num(q, "total"), 2);
	json_decref(q);
	f.search = NULL;
	f.severity = "weak";
	ck_assert_int_eq(kz_review_app_queue(app, &f, &q, &err), KZ_REVIEW_OK);
	ck_assert_int_eq(num(q, "shown"), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(q, "items"), 0),
	    "rule"), "speaker");
	json_decref(q);
	done(app, d);
}
END_TEST

START_TEST(item_has_its_spans_and_people)
{
	kz_decisions *d;
	kz_review_app *app = fresh_app(&d);
	kz_error err;
	json_t *req = json_pack("{s:s, s:s, s:i, s:i}", "article", "r1", "rule",
	    "speaker", "start", 21, "end", 24), *o, *v;
	size_t i;
	int speaker = 0, cue = 0;

	ck_assert_int_eq(kz_review_app_item(app, req, &o, &err), KZ_REVIEW_OK);
	json_array_foreach(json_object_get(o, "spans"), i, v) {
		speaker += strcmp(str(v, "kind"), "speaker") == 0 && num(v,
		    "start") == 32;
		cue += strcmp(str(v, "kind"), "cue") == 0;
	}
	ck_assert_int_eq(speaker, 1);
	ck_assert_int_eq(cue, 1);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(o,
	    "people"), 0)), "Anne Dupont");
	json_decref(o);
	json_object_set_new(req, "start", json_integer(22));
	ck_assert_int_eq(kz_review_app_item(app, req, &o, &err),
	    KZ_REVIEW_NOT_FOUND);
	ck_assert_ptr_null(o);
	json_decref(req);
	done(app, d);
}
END_TEST

START_TEST(decisions_checked_against_what_was_shown)
{
	kz_decisions *d;
	kz_review_app *app = fresh_app(&d);
	kz_review_filter f = { 0 };
	kz_error err;
	json_t *q, *it, *req, *o;

	ck_assert_int_eq(kz_review_app_queue(app, &f, &q, &err), KZ_REVIEW_OK);
	it = json_array_get(json_object_get(q, "items"), 0);
	req = json_pack("{s:s, s:s, s:I, s:I, s:s, s:I, s:s, s:s}",
	    "article", "r1", "rule", "misquote", "start", (json_int_t)num(it,
	    "start"), "end", (json_int_t)num(it, "end"), "hash", str(it, "hash"),
	    "version", (json_int_t)0, "verdict", "reject", "note", "vu");
	json_decref(q);
	ck_assert_int_eq(kz_review_app_decide(app, req, &o, &err), KZ_REVIEW_OK);
	ck_assert_str_eq(str(json_object_get(o, "item"), "state"), "reject");
	ck_assert_str_eq(str(json_object_get(o, "item"), "editor"), "ed");
	ck_assert_int_eq(num(o, "reviewed"), 1);
	json_decref(o);
	/* the same post again: the item moved on since version 0 */
	ck_assert_int_eq(kz_review_app_decide(app, req, &o, &err),
	    KZ_REVIEW_CONFLICT);
	ck_assert_int_eq(num(json_object_get(o, "item"), "version"), 1);
	json_decref(o);
	/* another text than the one shown */
	json_object_set_new(req, "version", json_integer(1));
	json_object_set_new(req, "hash", json_string("0000000000000000"));
	ck_assert_int_eq(kz_review_app_decide(app, req, &o, &err),
	    KZ_REVIEW_CONFLICT);
	ck_assert_ptr_nonnull(strstr(err.message, "article changed"));
	json_decref(o);
	/* correct needs a speaker */
	json_object_set_new(req, "verdict", json_string("correct"));
	ck_assert_int_eq(kz_review_app_decide(app, req, &o, &err), KZ_REVIEW_BAD);
	ck_assert_ptr_null(o);
	json_decref(req);
	done(app, d);
}
END_TEST

/* A post of verdict on the quote "Oui" (21-24) at version, with the span
 * fields given as JSON text (may be empty). */
static int
post_span(kz_review_app *app, const char *hash, long version,
    const char *verdict, const char *span, json_t **o, kz_error *err)
{
	char body[512];
	json_t *req;
	int rc;

	snprintf(body, sizeof body, "{\"article\":\"r1\",\"rule\":\"speaker\","
	    "\"start\":21,\"end\":24,\"hash\":\"%s\",\"version\":%ld,"
	    "\"verdict\":\"%s\"%s%s}", hash, version, verdict, *span ? "," : "",
	    span);
	ck_assert_ptr_nonnull(req = json_loads(body, 0, NULL));
	rc = kz_review_app_decide(app, req, o, err);
	json_decref(req);
	return rc;
}

START_TEST(corrected_span_validated_and_shown)
{
	static const char *const bad[] = {
		"\"span_start\":19,\"span_end\":47",     /* past the text (46) */
		"\"span_start\":24,\"span_end\":24",     /* empty */
		"\"span_start\":25,\"span_end\":21",     /* reversed */
		"\"span_start\":-1,\"span_end\":3",
		"\"span_start\":19",                     /* half a span */
		"\"span_start\":\"19\",\"span_end\":26", /* not a number */
	};
	kz_decisions *d;
	kz_review_app *app = fresh_app(&d);
	kz_review_filter f = { 0 };
	kz_error err;
	json_t *q, *o, *req, *it, *sp;
	char hash[17];
	size_t i;
	int lit = 0;

	ck_assert_int_eq(kz_review_app_queue(app, &f, &q, &err), KZ_REVIEW_OK);
	snprintf(hash, sizeof hash, "%s", str(json_array_get(json_object_get(q,
	    "items"), 0), "hash"));
	json_decref(q);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_msg(post_span(app, hash, 0, "correct", bad[i], &o, &err)
		    == KZ_REVIEW_BAD, "accepted %s", bad[i]);
		ck_assert_ptr_null(o);
	}
	/* a span goes with correct only */
	ck_assert_int_eq(post_span(app, hash, 0, "reject",
	    "\"span_start\":19,\"span_end\":26", &o, &err), KZ_REVIEW_BAD);
	/* nothing was written by the refused posts */
	ck_assert_int_eq(post_span(app, hash, 0, "correct",
	    "\"span_start\":19,\"span_end\":26", &o, &err), KZ_REVIEW_OK);
	it = json_object_get(o, "item");
	ck_assert_str_eq(str(it, "state"), "correct");
	ck_assert_int_eq(num(it, "span_start"), 19);
	ck_assert_int_eq(num(it, "span_end"), 26);
	ck_assert(json_is_null(json_object_get(it, "correction")));
	json_decref(o);
	/* the item shows the corrected span among its spans */
	req = json_pack("{s:s, s:s, s:i, s:i}", "article", "r1", "rule",
	    "speaker", "start", 21, "end", 24);
	ck_assert_int_eq(kz_review_app_item(app, req, &o, &err), KZ_REVIEW_OK);
	json_array_foreach(json_object_get(o, "spans"), i, sp)
		lit += strcmp(str(sp, "kind"), "correction") == 0 &&
		    num(sp, "start") == 19 && num(sp, "end") == 26;
	ck_assert_int_eq(lit, 1);
	json_decref(o);
	json_decref(req);
	/* undo takes the span away */
	ck_assert_int_eq(post_span(app, hash, 1, "undo", "", &o, &err),
	    KZ_REVIEW_OK);
	ck_assert_str_eq(str(json_object_get(o, "item"), "state"), "open");
	ck_assert(json_is_null(json_object_get(json_object_get(o, "item"),
	    "span_start")));
	json_decref(o);
	done(app, d);
}
END_TEST

START_TEST(span_on_a_flag_refused)
{
	kz_decisions *d;
	kz_review_app *app = fresh_app(&d);
	kz_review_filter f = { 0 };
	kz_error err;
	json_t *q, *it, *req, *o;

	ck_assert_int_eq(kz_review_app_queue(app, &f, &q, &err), KZ_REVIEW_OK);
	it = json_array_get(json_object_get(q, "items"), 0);
	ck_assert_str_eq(str(it, "rule"), "misquote");
	req = json_pack("{s:s, s:s, s:I, s:I, s:s, s:I, s:s, s:i, s:i}",
	    "article", "r1", "rule", "misquote", "start", (json_int_t)num(it,
	    "start"), "end", (json_int_t)num(it, "end"), "hash", str(it, "hash"),
	    "version", (json_int_t)0, "verdict", "correct", "span_start", 40,
	    "span_end", 43);
	json_decref(q);
	ck_assert_int_eq(kz_review_app_decide(app, req, &o, &err), KZ_REVIEW_BAD);
	ck_assert_ptr_nonnull(strstr(err.message, "on a quote"));
	json_decref(req);
	done(app, d);
}
END_TEST

Suite *
suite_review_app(void)
{
	Suite *s = suite_create("review_app");
	TCase *tc = tcase_create("app");

	tcase_add_test(tc, queue_worst_first_filters_and_search);
	tcase_add_test(tc, item_has_its_spans_and_people);
	tcase_add_test(tc, decisions_checked_against_what_was_shown);
	tcase_add_test(tc, corrected_span_validated_and_shown);
	tcase_add_test(tc, span_on_a_flag_refused);
	suite_add_tcase(s, tc);
	return s;
}
