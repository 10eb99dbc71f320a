/* Unit tests of the decision store (pipeline/decisions.h): decide, undo,
 * history, two writer processes at once, reopen after kill -9. */
#include "kz_test.h"

#include "decisions.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char db_dir[64];
static char db_path[96];

static void
fresh_db(void)
{
	snprintf(db_dir, sizeof db_dir, "/tmp/kz-unit-dec-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(db_dir));
	snprintf(db_path, sizeof db_path, "%s/d.db", db_dir);
}

static void
remove_db(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", db_dir);
	ck_assert_int_eq(system(cmd), 0);
}

static kz_decisions *
open_db(int readonly)
{
	kz_error err;
	kz_decisions *d = kz_decisions_open(db_path, readonly, &err);

	ck_assert_msg(d != NULL, "%s", err.message);
	return d;
}

static kz_decision_key
key_for(const char *article, const char *text, const char *rule, long s,
    long e)
{
	kz_decision_key k = { .article = article,
	    .text_hash = kz_decisions_text_hash(text, strlen(text)),
	    .rule = rule, .start = s, .end = e };

	return k;
}

static kz_verdict
verdict_of(kz_decisions *d, const kz_decision_key *k, char *correction,
    size_t n)
{
	kz_decision dec;
	kz_error err;
	int rc = kz_decisions_get(d, k, &dec, &err);
	kz_verdict v;

	ck_assert_int_ge(rc, 0);
	v = dec.verdict;
	if (correction)
		snprintf(correction, n, "%s", dec.correction ? dec.correction : "");
	kz_decision_release(&dec);
	return rc == 1 ? v : KZ_VERDICT_NONE;
}

START_TEST(decide_get_and_key_parts)
{
	kz_decisions *d;
	kz_error err;
	kz_decision_key k = key_for("a1", "Le texte.", "misquote", 3, 8);
	kz_decision_key other_text = key_for("a1", "Le texte!", "misquote", 3, 8);
	kz_decision_key other_span = key_for("a1", "Le texte.", "misquote", 3, 9);
	kz_decision_key other_rule = key_for("a1", "Le texte.", "role-mismatch",
	    3, 8);
	kz_decision dec;

	fresh_db();
	d = open_db(0);
	ck_assert_int_eq(verdict_of(d, &k, NULL, 0), KZ_VERDICT_NONE);
	ck_assert_int_eq(kz_decisions_decide(d, &k, KZ_VERDICT_REJECT, NULL,
	    "déjà vu", "ed", &err), 0);
	ck_assert_int_eq(kz_decisions_get(d, &k, &dec, &err), 1);
	ck_assert_int_eq(dec.verdict, KZ_VERDICT_REJECT);
	ck_assert_str_eq(dec.note, "déjà vu");
	ck_assert_str_eq(dec.editor, "ed");
	ck_assert_ptr_null(dec.correction);
	ck_assert_ptr_nonnull(dec.time);
	kz_decision_release(&dec);
	/* another text, span or rule is another item */
	ck_assert_int_eq(verdict_of(d, &other_text, NULL, 0), KZ_VERDICT_NONE);
	ck_assert_int_eq(verdict_of(d, &other_span, NULL, 0), KZ_VERDICT_NONE);
	ck_assert_int_eq(verdict_of(d, &other_rule, NULL, 0), KZ_VERDICT_NONE);
	kz_decisions_close(d);
	/* and it is there after closing */
	d = open_db(1);
	ck_assert_int_eq(verdict_of(d, &k, NULL, 0), KZ_VERDICT_REJECT);
	kz_decisions_close(d);
	remove_db();
}
END_TEST

START_TEST(undo_steps_back_through_history)
{
	kz_decisions *d;
	kz_error err;
	kz_decision_key k = key_for("a2", "Texte.", KZ_DECISION_SPEAKER, 0, 5);
	char corr[64];

	fresh_db();
	d = open_db(0);
	ck_assert_int_eq(kz_decisions_undo(d, &k, &err), 0);
	ck_assert_int_eq(kz_decisions_decide(d, &k, KZ_VERDICT_ACCEPT, NULL,
	    NULL, NULL, &err), 0);
	ck_assert_int_eq(kz_decisions_decide(d, &k, KZ_VERDICT_CORRECT,
	    &(kz_correction){ "Anne Dupont", -1, -1 }, NULL, "ed", &err), 0);
	ck_assert_int_eq(verdict_of(d, &k, corr, sizeof corr),
	    KZ_VERDICT_CORRECT);
	ck_assert_str_eq(corr, "Anne Dupont");
	ck_assert_int_eq(kz_decisions_history_count(d, &k, &err), 2);
	ck_assert_int_eq(kz_decisions_undo(d, &k, &err), 1);
	ck_assert_int_eq(verdict_of(d, &k, NULL, 0), KZ_VERDICT_ACCEPT);
	ck_assert_int_eq(kz_decisions_undo(d, &k, &err), 1);
	ck_assert_int_eq(verdict_of(d, &k, NULL, 0), KZ_VERDICT_NONE);
	ck_assert_int_eq(kz_decisions_undo(d, &k, &err), 0);
	/* history keeps every change, undone ones too */
	ck_assert_int_eq(kz_decisions_history_count(d, &k, &err), 2);
	kz_decisions_close(d);
	remove_db();
}
END_TEST

/* Two editors saw the item at the same version: the second one's write is
 * refused, not laid over the first, and undo is checked the same way. */
START_TEST(second_editor_at_an_old_version_is_refused)
{
	kz_decisions *a, *b;
	kz_error err;
	kz_decision_key k = key_for("a3", "Texte.", "misquote", 1, 4);
	char corr[64];
	long v0;

	fresh_db();
	a = open_db(0);
	b = open_db(0);
	v0 = kz_decisions_version(a, &k, &err);
	ck_assert_int_eq(v0, 0);
	ck_assert_int_eq(kz_decisions_decide_if(a, &k, v0, KZ_VERDICT_REJECT,
	    NULL, NULL, "anne", &err), 0);
	ck_assert_int_eq(kz_decisions_decide_if(b, &k, v0, KZ_VERDICT_CORRECT,
	    &(kz_correction){ "X", -1, -1 }, NULL, "bob", &err),
	    KZ_DECISIONS_CONFLICT);
	ck_assert_int_eq(verdict_of(b, &k, corr, sizeof corr),
	    KZ_VERDICT_REJECT);
	ck_assert_int_eq(kz_decisions_history_count(b, &k, &err), 1);
	/* at the version now, it goes through; undo moves the version too */
	ck_assert_int_eq(kz_decisions_version(b, &k, &err), 1);
	ck_assert_int_eq(kz_decisions_decide_if(b, &k, 1, KZ_VERDICT_ACCEPT,
	    NULL, NULL, "bob", &err), 0);
	ck_assert_int_eq(kz_decisions_undo_if(a, &k, 1, &err),
	    KZ_DECISIONS_CONFLICT);
	ck_assert_int_eq(verdict_of(a, &k, NULL, 0), KZ_VERDICT_ACCEPT);
	ck_assert_int_eq(kz_decisions_undo_if(a, &k, 2, &err), 1);
	ck_assert_int_eq(kz_decisions_version(a, &k, &err), 3);
	ck_assert_int_eq(verdict_of(a, &k, NULL, 0), KZ_VERDICT_REJECT);
	ck_assert_int_eq(kz_decisions_decide_if(b, &k, 2, KZ_VERDICT_ACCEPT,
	    NULL, NULL, "bob", &err), KZ_DECISIONS_CONFLICT);
	kz_decisions_close(a);
	kz_decisions_close(b);
	remove_db();
}
END_TEST

static int
count_row(const kz_decision_key *key, const kz_decision *dec, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void
writer(const char *who, int n, int report_fd)
{
	kz_error err;
	kz_decisions *d = kz_decisions_open(db_path, 0, &err);
	char article[32];

	if (d == NULL)
		_exit(2);
	for (int i = 0; i < n; i++) {
		snprintf(article, sizeof article, "%s-%d", who, i);
		kz_decision_key k = key_for(article, "Un texte.", "misquote", i,
		    i + 1);
		if (kz_decisions_decide(d, &k, KZ_VERDICT_REJECT, NULL, NULL, who,
		    &err) != 0)
			_exit(3);
		if (report_fd >= 0 && write(report_fd, &i, sizeof i) != sizeof i)
			_exit(4);
	}
	kz_decisions_close(d);
	_exit(0);
}

START_TEST(two_writer_processes_lose_nothing)
{
	enum { N = 150 };
	pid_t p[2];
	int status, rows = 0;
	kz_decisions *d;
	kz_error err;

	fresh_db();
	kz_decisions_close(open_db(0));
	for (int i = 0; i < 2; i++) {
		p[i] = fork();
		ck_assert_int_ge(p[i], 0);
		if (p[i] == 0)
			writer(i ? "b" : "a", N, -1);
	}
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(waitpid(p[i], &status, 0), p[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "writer %d failed (%d)", i, status);
	}
	d = open_db(1);
	ck_assert_int_eq(kz_decisions_each(d, count_row, &rows, &err), 0);
	ck_assert_int_eq(rows, 2 * N);
	kz_decisions_close(d);
	remove_db();
}
END_TEST

START_TEST(kill_during_writes_keeps_what_was_committed)
{
	int fds[2], last = -1, i, rows = 0;
	pid_t p;
	kz_decisions *d;
	kz_error err;

	fresh_db();
	ck_assert_int_eq(pipe(fds), 0);
	p = fork();
	ck_assert_int_ge(p, 0);
	if (p == 0) {
		close(fds[0]);
		writer("k", 1 << 30, fds[1]);
	}
	close(fds[1]);
	/* let it commit a few, then kill it wherever it is */
	while (last < 40 && read(fds[0], &i, sizeof i) == sizeof i)
		last = i;
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
	close(fds[0]);
	ck_assert_int_ge(last, 40);
	d = open_db(0);
	for (i = 0; i <= last; i++) {
		char article[32];

		snprintf(article, sizeof article, "k-%d", i);
		kz_decision_key k = key_for(article, "Un texte.", "misquote", i,
		    i + 1);
		ck_assert_int_eq(verdict_of(d, &k, NULL, 0), KZ_VERDICT_REJECT);
	}
	ck_assert_int_eq(kz_decisions_each(d, count_row, &rows, &err), 0);
	ck_assert_int_ge(rows, last + 1);
	/* and the store takes new decisions */
	kz_decision_key k = key_for("after", "x", "misquote", 0, 1);
	ck_assert_int_eq(kz_decisions_decide(d, &k, KZ_VERDICT_ACCEPT, NULL,
	    NULL, NULL, &err), 0);
	kz_decisions_close(d);
	remove_db();
}
END_TEST

/* The span of the key's decision, "S-E", or "none". */
static const char *
span_of(kz_decisions *d, const kz_decision_key *k, char *out, size_t n)
{
	kz_decision dec;
	kz_error err;

	ck_assert_int_ge(kz_decisions_get(d, k, &dec, &err), 0);
	if (dec.span_start >= 0)
		snprintf(out, n, "%ld-%ld", dec.span_start, dec.span_end);
	else
		snprintf(out, n, "none");
	kz_decision_release(&dec);
	return out;
}

START_TEST(corrected_span_kept_and_undone)
{
	kz_decisions *d;
	kz_error err;
	kz_decision_key k = key_for("a3", "« Nous verrons bien », dit-elle.",
	    KZ_DECISION_SPEAKER, 2, 19);
	char sp[32], corr[64];

	fresh_db();
	d = open_db(0);
	ck_assert_int_eq(kz_decisions_schema(d), KZ_DECISIONS_SCHEMA);
	/* the span alone, then the span and the speaker */
	ck_assert_int_eq(kz_decisions_decide(d, &k, KZ_VERDICT_CORRECT,
	    &(kz_correction){ NULL, 7, 19 }, NULL, "ed", &err), 0);
	ck_assert_str_eq(span_of(d, &k, sp, sizeof sp), "7-19");
	ck_assert_int_eq(verdict_of(d, &k, corr, sizeof corr),
	    KZ_VERDICT_CORRECT);
	ck_assert_str_eq(corr, "");
	ck_assert_int_eq(kz_decisions_decide(d, &k, KZ_VERDICT_CORRECT,
	    &(kz_correction){ "Anne Dupont", 2, 14 }, NULL, "ed", &err), 0);
	ck_assert_str_eq(span_of(d, &k, sp, sizeof sp), "2-14");
	ck_assert_int_eq(verdict_of(d, &k, corr, sizeof corr),
	    KZ_VERDICT_CORRECT);
	ck_assert_str_eq(corr, "Anne Dupont");
	/* a plain reject keeps no span */
	ck_assert_int_eq(kz_decisions_decide(d, &k, KZ_VERDICT_REJECT, NULL,
	    NULL, "ed", &err), 0);
	ck_assert_str_eq(span_of(d, &k, sp, sizeof sp), "none");
	/* undo steps back through the spans too */
	ck_assert_int_eq(kz_decisions_undo(d, &k, &err), 1);
	ck_assert_str_eq(span_of(d, &k, sp, sizeof sp), "2-14");
	ck_assert_int_eq(kz_decisions_undo(d, &k, &err), 1);
	ck_assert_str_eq(span_of(d, &k, sp, sizeof sp), "7-19");
	ck_assert_int_eq(verdict_of(d, &k, corr, sizeof corr),
	    KZ_VERDICT_CORRECT);
	ck_assert_str_eq(corr, "");
	ck_assert_int_eq(kz_decisions_undo(d, &k, &err), 1);
	ck_assert_int_eq(verdict_of(d, &k, NULL, 0), KZ_VERDICT_NONE);
	/* an empty or reversed span is refused, nothing written */
	ck_assert_int_eq(kz_decisions_decide(d, &k, KZ_VERDICT_CORRECT,
	    &(kz_correction){ NULL, 9, 9 }, NULL, "ed", &err), -1);
	ck_assert_int_eq(kz_decisions_decide(d, &k, KZ_VERDICT_CORRECT,
	    &(kz_correction){ NULL, 9, 3 }, NULL, "ed", &err), -1);
	ck_assert_int_eq(kz_decisions_history_count(d, &k, &err), 3);
	kz_decisions_close(d);
	remove_db();
}
END_TEST

/* A store as the first kz-review wrote it (schema 1, user_version 0):
 * its tables, a decision with its history, and an older change undone. */
static void
make_schema_1_store(void)
{
	static const char sql[] =
	"CREATE TABLE decisions ("
	" article TEXT NOT NULL, text_hash TEXT NOT NULL, rule TEXT NOT NULL,"
	" start INTEGER NOT NULL, end INTEGER NOT NULL,"
	" verdict TEXT NOT NULL, correction TEXT, note TEXT, editor TEXT,"
	" time TEXT NOT NULL, seq INTEGER NOT NULL,"
	" PRIMARY KEY (article, text_hash, rule, start, end));"
	"CREATE TABLE history ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" article TEXT NOT NULL, text_hash TEXT NOT NULL, rule TEXT NOT NULL,"
	" start INTEGER NOT NULL, end INTEGER NOT NULL,"
	" verdict TEXT NOT NULL, correction TEXT, note TEXT, editor TEXT,"
	" time TEXT NOT NULL,"
	" prev_verdict TEXT, prev_correction TEXT, prev_note TEXT,"
	" prev_editor TEXT, prev_time TEXT, undone INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX history_key ON history"
	" (article, text_hash, rule, start, end, seq);"
	"INSERT INTO history (article, text_hash, rule, start, end, verdict,"
	" correction, note, editor, time) VALUES ('old', '%s', 'speaker', 0, 5,"
	" 'accept', NULL, NULL, 'ed', '2026-01-01T00:00:00.000Z');"
	"INSERT INTO history (article, text_hash, rule, start, end, verdict,"
	" correction, note, editor, time, prev_verdict, prev_editor, prev_time)"
	" VALUES ('old', '%s', 'speaker', 0, 5, 'correct', 'Anne Dupont',"
	" 'vue à la télé', 'ed', '2026-01-01T00:01:00.000Z', 'accept', 'ed',"
	" '2026-01-01T00:00:00.000Z');"
	"INSERT INTO decisions VALUES ('old', '%s', 'speaker', 0, 5, 'correct',"
	" 'Anne Dupont', 'vue à la télé', 'ed', '2026-01-01T00:01:00.000Z', 2);"
	"INSERT INTO history (article, text_hash, rule, start, end, verdict,"
	" note, editor, time) VALUES ('old', '%s', 'misquote', 6, 9, 'reject',"
	" 'même chiffre', 'bo', '2026-01-01T00:02:00.000Z');"
	"INSERT INTO decisions VALUES ('old', '%s', 'misquote', 6, 9, 'reject',"
	" NULL, 'même chiffre', 'bo', '2026-01-01T00:02:00.000Z', 3);";
	kz_decision_key k = key_for("old", "Texte.", "x", 0, 0);
	char hash[17], *q;
	sqlite3 *db;

	snprintf(hash, sizeof hash, "%016llx", (unsigned long long)k.text_hash);
	q = sqlite3_mprintf(sql, hash, hash, hash, hash, hash);
	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(q);
	sqlite3_close(db);
}

static int
stored_user_version(void)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int v;

	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

START_TEST(schema_1_store_upgraded_in_place)
{
	kz_decision_key sk = key_for("old", "Texte.", KZ_DECISION_SPEAKER, 0, 5);
	kz_decision_key mk = key_for("old", "Texte.", "misquote", 6, 9);
	kz_decisions *d;
	kz_decision dec;
	kz_error err;
	char sp[32], corr[64];
	int rows = 0;

	fresh_db();
	make_schema_1_store();
	ck_assert_int_eq(stored_user_version(), 0);
	/* read-only (kz-quotes, kz-check): read as it is, not changed */
	d = open_db(1);
	ck_assert_int_eq(kz_decisions_schema(d), 1);
	ck_assert_int_eq(verdict_of(d, &sk, corr, sizeof corr),
	    KZ_VERDICT_CORRECT);
	ck_assert_str_eq(corr, "Anne Dupont");
	ck_assert_str_eq(span_of(d, &sk, sp, sizeof sp), "none");
	ck_assert_int_eq(kz_decisions_each(d, count_row, &rows, &err), 0);
	ck_assert_int_eq(rows, 2);
	kz_decisions_close(d);
	ck_assert_int_eq(stored_user_version(), 0);
	/* for writing: upgraded, every decision kept as it was */
	d = open_db(0);
	ck_assert_int_eq(kz_decisions_schema(d), KZ_DECISIONS_SCHEMA);
	ck_assert_int_eq(kz_decisions_get(d, &sk, &dec, &err), 1);
	ck_assert_int_eq(dec.verdict, KZ_VERDICT_CORRECT);
	ck_assert_str_eq(dec.correction, "Anne Dupont");
	ck_assert_str_eq(dec.note, "vue à la télé");
	ck_assert_str_eq(dec.editor, "ed");
	ck_assert_str_eq(dec.time, "2026-01-01T00:01:00.000Z");
	ck_assert_int_eq(dec.span_start, -1);
	kz_decision_release(&dec);
	ck_assert_int_eq(verdict_of(d, &mk, NULL, 0), KZ_VERDICT_REJECT);
	rows = 0;
	ck_assert_int_eq(kz_decisions_each(d, count_row, &rows, &err), 0);
	ck_assert_int_eq(rows, 2);
	ck_assert_int_eq(kz_decisions_version(d, &sk, &err), 2);
	/* a span corrected on top, and undo back through the old history */
	ck_assert_int_eq(kz_decisions_decide(d, &sk, KZ_VERDICT_CORRECT,
	    &(kz_correction){ "Anne Dupont", 1, 4 }, NULL, "ed", &err), 0);
	ck_assert_str_eq(span_of(d, &sk, sp, sizeof sp), "1-4");
	ck_assert_int_eq(kz_decisions_undo(d, &sk, &err), 1);
	ck_assert_str_eq(span_of(d, &sk, sp, sizeof sp), "none");
	ck_assert_int_eq(verdict_of(d, &sk, corr, sizeof corr),
	    KZ_VERDICT_CORRECT);
	ck_assert_str_eq(corr, "Anne Dupont");
	ck_assert_int_eq(kz_decisions_undo(d, &sk, &err), 1);
	ck_assert_int_eq(verdict_of(d, &sk, NULL, 0), KZ_VERDICT_ACCEPT);
	kz_decisions_close(d);
	ck_assert_int_eq(stored_user_version(), KZ_DECISIONS_SCHEMA);
	/* opened again: nothing to upgrade, nothing lost */
	d = open_db(0);
	ck_assert_int_eq(verdict_of(d, &mk, NULL, 0), KZ_VERDICT_REJECT);
	ck_assert_int_eq(verdict_of(d, &sk, NULL, 0), KZ_VERDICT_ACCEPT);
	kz_decisions_close(d);
	remove_db();
}
END_TEST

START_TEST(store_from_a_newer_kz_refused)
{
	kz_error err;
	sqlite3 *db;

	fresh_db();
	kz_decisions_close(open_db(0));
	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 99;", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	for (int ro = 0; ro < 2; ro++) {
		ck_assert_ptr_null(kz_decisions_open(db_path, ro, &err));
		ck_assert_ptr_nonnull(strstr(err.message, "newer kz"));
		ck_assert_str_eq(err.file, db_path);
	}
	ck_assert_int_eq(stored_user_version(), 99);
	remove_db();
}
END_TEST

START_TEST(open_errors_name_the_file)
{
	kz_error err;
	FILE *f;

	fresh_db();
	ck_assert_ptr_null(kz_decisions_open("/nonexistent/dir/d.db", 0, &err));
	ck_assert_ptr_nonnull(strstr(err.file, "/nonexistent/dir/d.db"));
	f = fopen(db_path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not a database, just text that is long enough to be read\n", f);
	fclose(f);
	ck_assert_ptr_null(kz_decisions_open(db_path, 1, &err));
	ck_assert_str_eq(err.file, db_path);
	remove_db();
}
END_TEST

Suite *
suite_decisions(void)
{
	Suite *s = suite_create("decisions");
	TCase *tc = tcase_create("store");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, decide_get_and_key_parts);
	tcase_add_test(tc, undo_steps_back_through_history);
	tcase_add_test(tc, two_writer_processes_lose_nothing);
	tcase_add_test(tc, kill_during_writes_keeps_what_was_committed);
	tcase_add_test(tc, open_errors_name_the_file);
	tcase_add_test(tc, second_editor_at_an_old_version_is_refused);
	tcase_add_test(tc, corrected_span_kept_and_undone);
	tcase_add_test(tc, schema_1_store_upgraded_in_place);
	tcase_add_test(tc, store_from_a_newer_kz_refused);
	suite_add_tcase(s, tc);
	return s;
}
