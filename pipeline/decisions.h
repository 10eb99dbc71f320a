/*
 * decisions.h - what editors decided about flags and quotes, kept in
 * SQLite so that it sticks from one run to the next (issue 17).
 *
 * A decision is about one item of one article as it was read: the key is
 * the article id, a hash of the article's text (XXH64 of the kz/1 `text`,
 * which kz-normalize made NFC), the rule (a flag's rule, or "speaker" for a
 * quote's attribution) and the span (code points). When the text changes,
 * the hash does too and no earlier decision applies: the article gets its
 * flags back.
 *
 * The database is in WAL mode with a busy timeout, so several editors (and
 * kz-check reading it meanwhile) can use it at once; each decision is one
 * transaction, written with its history row, so a kill -9 loses nothing
 * committed and undo can step back through what was decided.
 *
 * A correction names the right speaker, the quote's right span (its words,
 * in code points of the same text), or both. The span sits beside the
 * key's: the key stays the span kz-quotes found, so the decision is found
 * again at the next run.
 *
 * The schema has a version (PRAGMA user_version, 0 in the first stores,
 * which had no span): an open for writing upgrades an older store in
 * place, in the transaction that checks it, keeping every decision; a
 * read-only open reads an older store as it is (no corrected spans).
 *
 * Ownership: a kz_decisions handle is one connection, used by one thread
 * at a time. Strings handed in are borrowed; a kz_decision filled in by
 * kz_decisions_get owns its strings until kz_decision_release.
 */
#ifndef KZ_DECISIONS_H
#define KZ_DECISIONS_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct kz_decisions kz_decisions;

/* The rule under which quote attributions are decided. */
#define KZ_DECISION_SPEAKER "speaker"

typedef enum kz_verdict {
	KZ_VERDICT_NONE = 0,    /* nothing decided (or undone) */
	KZ_VERDICT_ACCEPT,      /* the flag is right / the speaker is right */
	KZ_VERDICT_REJECT,      /* a false alarm / the attribution is wrong */
	KZ_VERDICT_CORRECT      /* corrected: the speaker and/or the span */
} kz_verdict;

typedef struct kz_decision_key {
	const char *article;    /* the record's id */
	uint64_t text_hash;     /* kz_decisions_text_hash of its text */
	const char *rule;       /* flag rule, or KZ_DECISION_SPEAKER */
	long start, end;        /* code points */
} kz_decision_key;

/* What a correction says; a NULL kz_correction says nothing. */
typedef struct kz_correction {
	const char *speaker;    /* the right speaker, NULL when it stands */
	long span_start, span_end;      /* the quote's right words; -1 -1 when
	                                 * its span stands */
} kz_correction;

typedef struct kz_decision {
	kz_verdict verdict;
	char *correction;       /* the speaker; NULL when none */
	long span_start, span_end;      /* the corrected span; -1 when none */
	char *note;             /* NULL when none */
	char *editor;           /* NULL when unknown */
	char *time;             /* ISO 8601 UTC, as stored */
} kz_decision;

/* ---------------------------------------------------------- life cycle */

/* Open (creating when absent, unless readonly) the database at path.
 * NULL with err naming the file on failure. */
kz_decisions *kz_decisions_open(const char *path, int readonly,
    kz_error *err);
void kz_decisions_close(kz_decisions *d);

/* ---------------------------------------------------------- keys */

/* The hash kept with every decision: XXH64 of text[0..len). */
uint64_t kz_decisions_text_hash(const char *text, size_t len);

const char *kz_verdict_name(kz_verdict v);     /* "accept", ... "none" */
kz_verdict kz_verdict_parse(const char *name); /* NONE when unknown */

/* ---------------------------------------------------------- use */

/* The schema version this code writes (and upgrades older stores to). */
#define KZ_DECISIONS_SCHEMA 2

/* The schema version of the open store (an older one opened read-only
 * stays older). */
int kz_decisions_schema(const kz_decisions *d);

/* Record a decision for key (replacing the current one), with its history
 * row, in one transaction. corr, note, editor may be NULL; a span in corr
 * must have 0 <= span_start < span_end (the caller checks it lies in the
 * text). */
int kz_decisions_decide(kz_decisions *d, const kz_decision_key *key,
    kz_verdict verdict, const kz_correction *corr, const char *note,
    const char *editor, kz_error *err);

/* Step back: the key's decision becomes what it was before its latest
 * change (none at the first). 1 when something was undone, 0 when there
 * was nothing to undo, -1 on error. */
int kz_decisions_undo(kz_decisions *d, const kz_decision_key *key,
    kz_error *err);

/* 1 with *out filled when key has a decision (not none), 0 when not, -1
 * on error. */
int kz_decisions_get(kz_decisions *d, const kz_decision_key *key,
    kz_decision *out, kz_error *err);
void kz_decision_release(kz_decision *dec);

/* ---------------------------------------------------------- two editors */

/* Returned by the _if functions when the key changed since version. */
#define KZ_DECISIONS_CONFLICT 2

/* The key's version: how many times it was decided or undone so far (0
 * for a key nobody touched); it grows at each change. -1 on error. */
long kz_decisions_version(kz_decisions *d, const kz_decision_key *key,
    kz_error *err);

/* The versions of every key of an article added up: it grows at each
 * decision or undo on the article (kz-run redoes the article then). */
long kz_decisions_article_version(kz_decisions *d, const char *article,
    kz_error *err);

/* kz_decisions_decide and kz_decisions_undo, done only when the key is
 * still at version (what the editor saw), checked in the same transaction
 * as the write: a decision made meanwhile by someone else is never
 * overwritten unseen. KZ_DECISIONS_CONFLICT, with nothing written, when
 * the version moved on; otherwise what the plain function returns. */
int kz_decisions_decide_if(kz_decisions *d, const kz_decision_key *key,
    long version, kz_verdict verdict, const kz_correction *corr,
    const char *note, const char *editor, kz_error *err);
int kz_decisions_undo_if(kz_decisions *d, const kz_decision_key *key,
    long version, kz_error *err);

/* How many history rows the key has (undone ones included), -1 on error. */
long kz_decisions_history_count(kz_decisions *d, const kz_decision_key *key,
    kz_error *err);

/* Every current decision, in the order they were made: row() gets the key
 * and decision (borrowed for the call); a non-zero return stops. */
typedef int (*kz_decisions_row_fn)(const kz_decision_key *key,
    const kz_decision *dec, void *arg);
int kz_decisions_each(kz_decisions *d, kz_decisions_row_fn row, void *arg,
    kz_error *err);

#endif
