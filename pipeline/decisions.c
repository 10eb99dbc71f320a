/*
 * decisions.c - the editors' decision store over SQLite (decisions.h).
 *
 * Two tables: `decisions` holds the current decision per key, `history`
 * one row per change with the state it replaced, so undo restores that
 * state and marks the row undone. Both are written in one IMMEDIATE
 * transaction: a second writer waits (busy timeout) instead of failing,
 * and nothing half-written survives a crash.
 */
#include "decisions.h"

#include "gazimage.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUSY_TIMEOUT_MS 10000

struct kz_decisions {
	sqlite3 *db;
	char path[256];
};

static const char schema[] =
"CREATE TABLE IF NOT EXISTS decisions ("
" article TEXT NOT NULL, text_hash TEXT NOT NULL, rule TEXT NOT NULL,"
" start INTEGER NOT NULL, end INTEGER NOT NULL,"
" verdict TEXT NOT NULL, correction TEXT, note TEXT, editor TEXT,"
" time TEXT NOT NULL, seq INTEGER NOT NULL,"
" PRIMARY KEY (article, text_hash, rule, start, end));"
"CREATE TABLE IF NOT EXISTS history ("
" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
" article TEXT NOT NULL, text_hash TEXT NOT NULL, rule TEXT NOT NULL,"
" start INTEGER NOT NULL, end INTEGER NOT NULL,"
" verdict TEXT NOT NULL, correction TEXT, note TEXT, editor TEXT,"
" time TEXT NOT NULL,"
" prev_verdict TEXT, prev_correction TEXT, prev_note TEXT,"
" prev_editor TEXT, prev_time TEXT, undone INTEGER NOT NULL DEFAULT 0);"
"CREATE INDEX IF NOT EXISTS history_key ON history"
" (article, text_hash, rule, start, end, seq);";

static const char *const verdict_names[] = {
	[KZ_VERDICT_NONE] = "none", [KZ_VERDICT_ACCEPT] = "accept",
	[KZ_VERDICT_REJECT] = "reject", [KZ_VERDICT_CORRECT] = "correct"
};

const char *
kz_verdict_name(kz_verdict v)
{
	return (unsigned)v < sizeof verdict_names / sizeof *verdict_names ?
	    verdict_names[v] : "none";
}

kz_verdict
kz_verdict_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof verdict_names /
	    sizeof *verdict_names; i++)
		if (strcmp(name, verdict_names[i]) == 0)
			return (kz_verdict)i;
	return KZ_VERDICT_NONE;
}

uint64_t
kz_decisions_text_hash(const char *text, size_t len)
{
	return kz_xxh64(text, len, 0);
}

static int
db_error(kz_decisions *d, kz_error *err, const char *what)
{
	return kz_error_set(err, d->path, 0, 0, "%s: %s", what,
	    sqlite3_errmsg(d->db));
}

static int
exec(kz_decisions *d, const char *sql, kz_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(d->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		kz_error_set(err, d->path, 0, 0, "%s", msg ? msg : "SQLite error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

kz_decisions *
kz_decisions_open(const char *path, int readonly, kz_error *err)
{
	kz_decisions *d = calloc(1, sizeof *d);
	int flags = readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	if (d == NULL) {
		kz_error_set(err, path, 0, 0, "out of memory");
		return NULL;
	}
	snprintf(d->path, sizeof d->path, "%s", path);
	if (sqlite3_open_v2(path, &d->db, flags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		kz_error_set(err, path, 0, 0, "cannot open the decisions: %s",
		    d->db ? sqlite3_errmsg(d->db) : "out of memory");
		kz_decisions_close(d);
		return NULL;
	}
	sqlite3_busy_timeout(d->db, BUSY_TIMEOUT_MS);
	if (!readonly && (exec(d, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=NORMAL;", err) != 0 ||
	    exec(d, "BEGIN IMMEDIATE;", err) != 0)) {
		kz_decisions_close(d);
		return NULL;
	}
	if (!readonly && (exec(d, schema, err) != 0 ||
	    exec(d, "COMMIT;", err) != 0)) {
		kz_decisions_close(d);
		return NULL;
	}
	/* a read-only open of a file that is no decision store fails here,
	 * not on the first record */
	if (readonly && exec(d, "SELECT 1 FROM decisions LIMIT 1;", err) != 0) {
		kz_decisions_close(d);
		return NULL;
	}
	return d;
}

void
kz_decisions_close(kz_decisions *d)
{
	if (d == NULL)
		return;
	sqlite3_close_v2(d->db);
	free(d);
}

static sqlite3_stmt *
prepare(kz_decisions *d, const char *sql, kz_error *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_error(d, err, "SQL");
		return NULL;
	}
	return st;
}

/* Bind the key to parameters first..first+4. */
static void
bind_key(sqlite3_stmt *st, int first, const kz_decision_key *key)
{
	char hash[17];

	snprintf(hash, sizeof hash, "%016" PRIx64, key->text_hash);
	sqlite3_bind_text(st, first, key->article, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, first + 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, first + 2, key->rule, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, first + 3, key->start);
	sqlite3_bind_int64(st, first + 4, key->end);
}

static void
bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Run a statement that returns no rows. */
static int
step_done(kz_decisions *d, sqlite3_stmt *st, kz_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(d, err, "write");
}

static int
rollback(kz_decisions *d)
{
	sqlite3_exec(d->db, "ROLLBACK;", NULL, NULL, NULL);
	return -1;
}

/* The key's current row replaced by verdict...time (removed for none). */
static int
set_current(kz_decisions *d, const kz_decision_key *key, const char *verdict,
    const char *correction, const char *note, const char *editor,
    const char *time, kz_error *err)
{
	sqlite3_stmt *st;

	if (verdict == NULL || strcmp(verdict, "none") == 0) {
		if ((st = prepare(d, "DELETE FROM decisions WHERE article = ?1"
		    " AND text_hash = ?2 AND rule = ?3 AND start = ?4 AND end = ?5",
		    err)) == NULL)
			return -1;
		bind_key(st, 1, key);
		return step_done(d, st, err);
	}
	if ((st = prepare(d, "INSERT OR REPLACE INTO decisions (article,"
	    " text_hash, rule, start, end, verdict, correction, note, editor,"
	    " time, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	    " COALESCE(?10, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
	    " (SELECT COALESCE(MAX(seq), 0) FROM history))", err)) == NULL)
		return -1;
	bind_key(st, 1, key);
	sqlite3_bind_text(st, 6, verdict, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 7, correction);
	bind_text_or_null(st, 8, note);
	bind_text_or_null(st, 9, editor);
	bind_text_or_null(st, 10, time);
	return step_done(d, st, err);
}

/* Inside a transaction: the key's version (decisions.h). */
static long
version_of(kz_decisions *d, const kz_decision_key *key, kz_error *err)
{
	sqlite3_stmt *st;
	long n = -1;

	if ((st = prepare(d, "SELECT COUNT(*) + COALESCE(SUM(undone), 0)"
	    " FROM history WHERE article = ?1 AND text_hash = ?2 AND rule = ?3"
	    " AND start = ?4 AND end = ?5", err)) == NULL)
		return -1;
	bind_key(st, 1, key);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	else
		db_error(d, err, "read");
	sqlite3_finalize(st);
	return n;
}

long
kz_decisions_version(kz_decisions *d, const kz_decision_key *key,
    kz_error *err)
{
	return version_of(d, key, err);
}

long
kz_decisions_article_version(kz_decisions *d, const char *article,
    kz_error *err)
{
	sqlite3_stmt *st;
	long n = -1;

	if ((st = prepare(d, "SELECT COUNT(*) + COALESCE(SUM(undone), 0)"
	    " FROM history WHERE article = ?1", err)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, article, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	else
		db_error(d, err, "read");
	sqlite3_finalize(st);
	return n;
}

/* After BEGIN IMMEDIATE: 0 when the key is at version (or version < 0:
 * no check), KZ_DECISIONS_CONFLICT (transaction ended) when it moved on,
 * -1 (rolled back) on error. */
static int
check_version(kz_decisions *d, const kz_decision_key *key, long version,
    kz_error *err)
{
	long now;

	if (version < 0)
		return 0;
	if ((now = version_of(d, key, err)) < 0)
		return rollback(d);
	if (now != version) {
		exec(d, "ROLLBACK;", NULL);
		return KZ_DECISIONS_CONFLICT;
	}
	return 0;
}

static int
decide(kz_decisions *d, const kz_decision_key *key, long version,
    kz_verdict verdict, const char *correction, const char *note,
    const char *editor, kz_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (exec(d, "BEGIN IMMEDIATE;", err) != 0)
		return -1;
	if ((rc = check_version(d, key, version, err)) != 0)
		return rc;
	/* the history row keeps what the decision replaces */
	if ((st = prepare(d, "INSERT INTO history (article, text_hash, rule,"
	    " start, end, verdict, correction, note, editor, time,"
	    " prev_verdict, prev_correction, prev_note, prev_editor, prev_time)"
	    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	    " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),"
	    " c.verdict, c.correction, c.note, c.editor, c.time"
	    " FROM (SELECT 1) LEFT JOIN decisions c ON c.article = ?1"
	    " AND c.text_hash = ?2 AND c.rule = ?3 AND c.start = ?4"
	    " AND c.end = ?5", err)) == NULL)
		return rollback(d);
	bind_key(st, 1, key);
	sqlite3_bind_text(st, 6, kz_verdict_name(verdict), -1, SQLITE_STATIC);
	bind_text_or_null(st, 7, correction);
	bind_text_or_null(st, 8, note);
	bind_text_or_null(st, 9, editor);
	if (step_done(d, st, err) != 0)
		return rollback(d);
	if (set_current(d, key, kz_verdict_name(verdict), correction, note,
	    editor, NULL, err) != 0)
		return rollback(d);
	if (exec(d, "COMMIT;", err) != 0)
		return rollback(d);
	return 0;
}

int
kz_decisions_decide(kz_decisions *d, const kz_decision_key *key,
    kz_verdict verdict, const char *correction, const char *note,
    const char *editor, kz_error *err)
{
	return decide(d, key, -1, verdict, correction, note, editor, err);
}

int
kz_decisions_decide_if(kz_decisions *d, const kz_decision_key *key,
    long version, kz_verdict verdict, const char *correction,
    const char *note, const char *editor, kz_error *err)
{
	return decide(d, key, version < 0 ? 0 : version, verdict, correction,
	    note, editor, err);
}

static char *
column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? strdup((const char *)s) : NULL;
}

static int
undo(kz_decisions *d, const kz_decision_key *key, long version,
    kz_error *err)
{
	sqlite3_stmt *st;
	long long seq;
	char *prev[5];
	int rc;

	if (exec(d, "BEGIN IMMEDIATE;", err) != 0)
		return -1;
	if ((rc = check_version(d, key, version, err)) != 0)
		return rc;
	if ((st = prepare(d, "SELECT seq, prev_verdict, prev_correction,"
	    " prev_note, prev_editor, prev_time FROM history WHERE article = ?1"
	    " AND text_hash = ?2 AND rule = ?3 AND start = ?4 AND end = ?5"
	    " AND undone = 0 ORDER BY seq DESC LIMIT 1", err)) == NULL)
		return rollback(d);
	bind_key(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		exec(d, "COMMIT;", NULL);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		db_error(d, err, "read");
		sqlite3_finalize(st);
		return rollback(d);
	}
	seq = sqlite3_column_int64(st, 0);
	for (int i = 0; i < 5; i++)
		prev[i] = column_dup(st, i + 1);
	sqlite3_finalize(st);
	rc = set_current(d, key, prev[0], prev[1], prev[2], prev[3], prev[4],
	    err);
	for (int i = 0; i < 5; i++)
		free(prev[i]);
	if (rc != 0)
		return rollback(d);
	if ((st = prepare(d, "UPDATE history SET undone = 1 WHERE seq = ?1",
	    err)) == NULL)
		return rollback(d);
	sqlite3_bind_int64(st, 1, seq);
	if (step_done(d, st, err) != 0 || exec(d, "COMMIT;", err) != 0)
		return rollback(d);
	return 1;
}

int
kz_decisions_undo(kz_decisions *d, const kz_decision_key *key, kz_error *err)
{
	return undo(d, key, -1, err);
}

int
kz_decisions_undo_if(kz_decisions *d, const kz_decision_key *key,
    long version, kz_error *err)
{
	return undo(d, key, version < 0 ? 0 : version, err);
}

static void
fill_decision(sqlite3_stmt *st, int first, kz_decision *out)
{
	out->verdict = kz_verdict_parse((const char *)sqlite3_column_text(st,
	    first));
	out->correction = column_dup(st, first + 1);
	out->note = column_dup(st, first + 2);
	out->editor = column_dup(st, first + 3);
	out->time = column_dup(st, first + 4);
}

int
kz_decisions_get(kz_decisions *d, const kz_decision_key *key,
    kz_decision *out, kz_error *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if ((st = prepare(d, "SELECT verdict, correction, note, editor, time"
	    " FROM decisions WHERE article = ?1 AND text_hash = ?2 AND rule = ?3"
	    " AND start = ?4 AND end = ?5", err)) == NULL)
		return -1;
	bind_key(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		fill_decision(st, 0, out);
	else if (rc != SQLITE_DONE)
		db_error(d, err, "read");
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return out->verdict != KZ_VERDICT_NONE;
	return rc == SQLITE_DONE ? 0 : -1;
}

void
kz_decision_release(kz_decision *dec)
{
	free(dec->correction);
	free(dec->note);
	free(dec->editor);
	free(dec->time);
	memset(dec, 0, sizeof *dec);
}

long
kz_decisions_history_count(kz_decisions *d, const kz_decision_key *key,
    kz_error *err)
{
	sqlite3_stmt *st;
	long n = -1;

	if ((st = prepare(d, "SELECT COUNT(*) FROM history WHERE article = ?1"
	    " AND text_hash = ?2 AND rule = ?3 AND start = ?4 AND end = ?5",
	    err)) == NULL)
		return -1;
	bind_key(st, 1, key);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	else
		db_error(d, err, "read");
	sqlite3_finalize(st);
	return n;
}

int
kz_decisions_each(kz_decisions *d, kz_decisions_row_fn row, void *arg,
    kz_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = prepare(d, "SELECT article, text_hash, rule, start, end,"
	    " verdict, correction, note, editor, time FROM decisions"
	    " ORDER BY seq, article, start", err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		kz_decision_key key = {
			.article = (const char *)sqlite3_column_text(st, 0),
			.text_hash = strtoull((const char *)sqlite3_column_text(st,
			    1), NULL, 16),
			.rule = (const char *)sqlite3_column_text(st, 2),
			.start = (long)sqlite3_column_int64(st, 3),
			.end = (long)sqlite3_column_int64(st, 4),
		};
		kz_decision dec;
		int stop;

		fill_decision(st, 5, &dec);
		stop = row(&key, &dec, arg);
		kz_decision_release(&dec);
		if (stop)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_error(d, err, "read");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}
