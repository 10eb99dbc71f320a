/*
 * decisions_apply.h - editors' decisions (decisions.h) fed back into the
 * records a stage writes: kz-check drops the flags rejected for the same
 * text and span and marks the accepted ones `"reviewed": true`; kz-quotes
 * gives a quote the speaker an editor chose (`"via": "editor"`) and the
 * span an editor fixed (the quote's start, end and text become the
 * editor's, `"via": "editor"` on the quote, and `"found"` keeps the span
 * kz-quotes found, which stays the quote's key).
 *
 * The keys are built here once, for every program that reads or writes
 * decisions (kz-check, kz-quotes, kz-review): a flag's key is its rule and
 * span, a quote's is KZ_DECISION_SPEAKER and the quote's span, both with
 * the record's id and text hash. A record whose text changed hashes to
 * another key, and gets its flags back.
 *
 * Records are borrowed and changed in place.
 */
#ifndef KZ_DECISIONS_APPLY_H
#define KZ_DECISIONS_APPLY_H

#include "decisions.h"

#include <jansson.h>

/* Open the store named on a stage's command line, read-only. A path that
 * does not exist yet means nobody has decided anything: 0 with *out NULL
 * (the stage then changes nothing). -1 with err for a file that is there
 * but cannot be read as a decision store. */
int kz_decisions_open_for_stage(const char *path, kz_decisions **out,
    kz_error *err);

/* The key of item (a flag or a quote) in rec; rule is the flag's `rule`
 * or KZ_DECISION_SPEAKER. The span is the item's, or for a quote whose
 * span an editor fixed the one in its `found`. 0, or -1 when the record
 * has no id or text or the item no span. key->article and key->rule are
 * borrowed from rec. */
int kz_decision_key_of(const json_t *rec, const json_t *item,
    const char *rule, kz_decision_key *key);

/* 1 when [start, end) is a span an editor may give a quote in rec: not
 * empty, inside its text (code points). */
int kz_decision_span_ok(const json_t *rec, long start, long end);

/* Flags: rejected ones removed, accepted and corrected ones kept with
 * "reviewed": true. d NULL: nothing. 0, or -1 on a store error. */
int kz_decisions_apply_flags(kz_decisions *d, json_t *rec, kz_error *err);

/* Quotes: a corrected speaker replaces the one found (its span and ref
 * those of the first entity of that name, when the article has one); a
 * corrected span replaces the quote's (a span outside the text is
 * ignored); a rejected attribution leaves the quote without a speaker;
 * every decided quote is marked "reviewed": true. d NULL: nothing. */
int kz_decisions_apply_quotes(kz_decisions *d, json_t *rec, kz_error *err);

#endif
