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

Suite *
suite_review_app(void)
{
	Suite *s = suite_create("review_app");
	TCase *tc = tcase_create("app");

	tcase_add_test(tc, queue_worst_first_filters_and_search);
	tcase_add_test(tc, item_has_its_spans_and_people);
	tcase_add_test(tc, decisions_checked_against_what_was_shown);
	suite_add_tcase(s, tc);
	return s;
}
