/*
 * decisions.c - the editors' decision store over SQLite (decisions.h).
 *
 * Two tables: `decisions` holds the current decision per key, `history`
 * one row per change with the state it replaced, so undo restores that
 * state and marks the row undone. Both are written in one IMMEDIATE
 * transaction: a second writer waits (busy timeout) instead of failing,
 * and nothing half-written survives a crash.
 *
 * The schema grows by numbered steps (migrations[]); PRAGMA user_version
 * says how many a store has had. The first stores never set it: 0 means
 * step 1 (or a new file, which step 1 creates).
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
	int schema;             /* steps the store has had (KZ_DECISIONS_SCHEMA
	                         * once opened for writing) */
	char path[256];
};

/* Step 1, the first store (issue 17): CREATE ... IF NOT EXISTS, so it is
 * also what makes a new file. */
static const char schema_1[] =
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

/* Step 2: a corrected quote span beside the corrected speaker (NULL in
 * the rows already there: they corrected no span). */
static const char schema_2[] =
"ALTER TABLE decisions ADD COLUMN span_start INTEGER;"
"ALTER TABLE decisions ADD COLUMN span_end INTEGER;"
"ALTER TABLE history ADD COLUMN span_start INTEGER;"
"ALTER TABLE history ADD COLUMN span_end INTEGER;"
"ALTER TABLE history ADD COLUMN prev_span_start INTEGER;"
"ALTER TABLE history ADD COLUMN prev_span_end INTEGER;";

static const char *const migrations[] = { schema_1, schema_2 };

_Static_assert(sizeof migrations / sizeof *migrations == KZ_DECISIONS_SCHEMA,
    "one migration per schema version");

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

/* The store's user_version, -1 on error. */
static int
user_version(kz_decisions *d, kz_error *err)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(d->db, "PRAGMA user_version", -1, &st, NULL)
	    == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		db_error(d, err, "read");
	sqlite3_finalize(st);
	return v;
}

/* Inside BEGIN IMMEDIATE (so two programs opening an old store at once
 * upgrade it once): the steps the store has not had yet. */
static int
migrate(kz_decisions *d, kz_error *err)
{
	int have = user_version(d, err);
	char sql[64];

	if (have < 0)
		return -1;
	if (have > KZ_DECISIONS_SCHEMA)
		return kz_error_set(err, d->path, 0, 0, "the decisions were"
		    " written by a newer kz (schema %d; this one knows %d)", have,
		    KZ_DECISIONS_SCHEMA);
	/* 0: a first store, or a new file; step 1 makes either step 1 */
	for (int step = have; step < KZ_DECISIONS_SCHEMA; step++)
		if (exec(d, migrations[step], err) != 0)
			return -1;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d;",
	    KZ_DECISIONS_SCHEMA);
	d->schema = KZ_DECISIONS_SCHEMA;
	return have == KZ_DECISIONS_SCHEMA ? 0 : exec(d, sql, err);
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
	if (!readonly) {
		if (exec(d, "PRAGMA journal_mode=WAL;"
		    "PRAGMA synchronous=NORMAL;", err) != 0 ||
		    exec(d, "BEGIN IMMEDIATE;", err) != 0) {
			kz_decisions_close(d);
			return NULL;
		}
		if (migrate(d, err) != 0 || exec(d, "COMMIT;", err) != 0) {
			sqlite3_exec(d->db, "ROLLBACK;", NULL, NULL, NULL);
			kz_decisions_close(d);
			return NULL;
		}
		return d;
	}
	/* read-only: the store as it is, an older one read without what it
	 * lacks; a file that is no decision store fails here, not on the
	 * first record */
	d->schema = user_version(d, err);
	if (d->schema == 0)
		d->schema = 1;
	if (d->schema > KZ_DECISIONS_SCHEMA)
		kz_error_set(err, path, 0, 0, "the decisions were written by a"
		    " newer kz (schema %d; this one knows %d)", d->schema,
		    KZ_DECISIONS_SCHEMA);
	if (d->schema < 0 || d->schema > KZ_DECISIONS_SCHEMA ||
	    exec(d, "SELECT 1 FROM decisions LIMIT 1;", err) != 0) {
		kz_decisions_close(d);
		return NULL;
	}
	return d;
}

int
kz_decisions_schema(const kz_decisions *d)
{
	return d->schema;
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

/* A key's state: what its current row holds, and what a history row
 * keeps of the state it replaced. */
typedef struct state {
	const char *verdict, *correction, *note, *editor, *time;
	long span_start, span_end;      /* -1 when no span was corrected */
} state;

static void
bind_long_or_null(sqlite3_stmt *st, int i, long v)
{
	if (v >= 0)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static long
column_long_or_none(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 :
	    (long)sqlite3_column_int64(st, i);
}

/* The key's current row replaced by s (removed for none); s->time NULL
 * is now. */
static int
set_current(kz_decisions *d, const kz_decision_key *key, const state *s,
    kz_error *err)
{
	sqlite3_stmt *st;

	if (s->verdict == NULL || strcmp(s->verdict, "none") == 0) {
		if ((st = prepare(d, "DELETE FROM decisions WHERE article = ?1"
		    " AND text_hash = ?2 AND rule = ?3 AND start = ?4 AND end = ?5",
		    err)) == NULL)
			return -1;
		bind_key(st, 1, key);
		return step_done(d, st, err);
	}
	if ((st = prepare(d, "INSERT OR REPLACE INTO decisions (article,"
	    " text_hash, rule, start, end, verdict, correction, note, editor,"
	    " time, seq, span_start, span_end) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, COALESCE(?10, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
	    " (SELECT COALESCE(MAX(seq), 0) FROM history), ?11, ?12)",
	    err)) == NULL)
		return -1;
	bind_key(st, 1, key);
	sqlite3_bind_text(st, 6, s->verdict, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 7, s->correction);
	bind_text_or_null(st, 8, s->note);
	bind_text_or_null(st, 9, s->editor);
	bind_text_or_null(st, 10, s->time);
	bind_long_or_null(st, 11, s->span_start);
	bind_long_or_null(st, 12, s->span_end);
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
    kz_verdict verdict, const kz_correction *corr, const char *note,
    const char *editor, kz_error *err)
{
	state now = { .verdict = kz_verdict_name(verdict), .note = note,
	    .editor = editor, .span_start = -1, .span_end = -1 };
	sqlite3_stmt *st;
	int rc;

	if (corr) {
		now.correction = corr->speaker;
		if (corr->span_start >= 0 || corr->span_end >= 0) {
			if (corr->span_start < 0 || corr->span_end <= corr->span_start)
				return kz_error_set(err, d->path, 0, 0, "a corrected"
				    " span %ld-%ld is empty or reversed",
				    corr->span_start, corr->span_end);
			now.span_start = corr->span_start;
			now.span_end = corr->span_end;
		}
	}
	if (exec(d, "BEGIN IMMEDIATE;", err) != 0)
		return -1;
	if ((rc = check_version(d, key, version, err)) != 0)
		return rc;
	/* the history row keeps what the decision replaces */
	if ((st = prepare(d, "INSERT INTO history (article, text_hash, rule,"
	    " start, end, verdict, correction, note, editor, time,"
	    " span_start, span_end,"
	    " prev_verdict, prev_correction, prev_note, prev_editor, prev_time,"
	    " prev_span_start, prev_span_end)"
	    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	    " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?10, ?11,"
	    " c.verdict, c.correction, c.note, c.editor, c.time,"
	    " c.span_start, c.span_end"
	    " FROM (SELECT 1) LEFT JOIN decisions c ON c.article = ?1"
	    " AND c.text_hash = ?2 AND c.rule = ?3 AND c.start = ?4"
	    " AND c.end = ?5", err)) == NULL)
		return rollback(d);
	bind_key(st, 1, key);
	sqlite3_bind_text(st, 6, now.verdict, -1, SQLITE_STATIC);
	bind_text_or_null(st, 7, now.correction);
	bind_text_or_null(st, 8, note);
	bind_text_or_null(st, 9, editor);
	bind_long_or_null(st, 10, now.span_start);
	bind_long_or_null(st, 11, now.span_end);
	if (step_done(d, st, err) != 0)
		return rollback(d);
	if (set_current(d, key, &now, err) != 0)
		return rollback(d);
	if (exec(d, "COMMIT;", err) != 0)
		return rollback(d);
	return 0;
}

int
kz_decisions_decide(kz_decisions *d, const kz_decision_key *key,
    kz_verdict verdict, const kz_correction *corr, const char *note,
    const char *editor, kz_error *err)
{
	return decide(d, key, -1, verdict, corr, note, editor, err);
}

int
kz_decisions_decide_if(kz_decisions *d, const kz_decision_key *key,
    long version, kz_verdict verdict, const kz_correction *corr,
    const char *note, const char *editor, kz_error *err)
{
	return decide(d, key, version < 0 ? 0 : version, verdict, corr,
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
	state was;
	int rc;

	if (exec(d, "BEGIN IMMEDIATE;", err) != 0)
		return -1;
	if ((rc = check_version(d, key, version, err)) != 0)
		return rc;
	if ((st = prepare(d, "SELECT seq, prev_verdict, prev_correction,"
	    " prev_note, prev_editor, prev_time, prev_span_start, prev_span_end"
	    " FROM history WHERE article = ?1"
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
	was = (state){ .verdict = prev[0], .correction = prev[1],
	    .note = prev[2], .editor = prev[3], .time = prev[4],
	    .span_start = column_long_or_none(st, 6),
	    .span_end = column_long_or_none(st, 7) };
	sqlite3_finalize(st);
	rc = set_current(d, key, &was, err);
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
	out->span_start = column_long_or_none(st, first + 5);
	out->span_end = column_long_or_none(st, first + 6);
	if (out->span_start < 0 || out->span_end < 0)
		out->span_start = out->span_end = -1;
}

/* The columns fill_decision reads: a store read-only at step 1 has no
 * span. */
static const char *
decision_columns(const kz_decisions *d)
{
	return d->schema >= 2 ?
	    "verdict, correction, note, editor, time, span_start, span_end" :
	    "verdict, correction, note, editor, time, NULL, NULL";
}

int
kz_decisions_get(kz_decisions *d, const kz_decision_key *key,
    kz_decision *out, kz_error *err)
{
	sqlite3_stmt *st;
	char sql[256];
	int rc;

	memset(out, 0, sizeof *out);
	out->span_start = out->span_end = -1;
	snprintf(sql, sizeof sql, "SELECT %s FROM decisions WHERE article = ?1"
	    " AND text_hash = ?2 AND rule = ?3 AND start = ?4 AND end = ?5",
	    decision_columns(d));
	if ((st = prepare(d, sql, err)) == NULL)
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
	dec->span_start = dec->span_end = -1;
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
	char sql[256];
	int rc;

	snprintf(sql, sizeof sql, "SELECT article, text_hash, rule, start, end,"
	    " %s FROM decisions ORDER BY seq, article, start",
	    decision_columns(d));
	if ((st = prepare(d, sql, err)) == NULL)
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
