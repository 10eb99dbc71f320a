/*
 * review_app.h - what the kz-review web application does, without HTTP:
 * the review queue of a results folder as JSON (filtered, with progress),
 * one item with the article around it, and the decisions an editor posts,
 * written to the decision store (decisions.h). review_http.c puts this on
 * the network; tests can call it directly.
 *
 * The queue is loaded again when a results file changed (kz-run from cron
 * writes new ones while editors work): every call checks the folder's
 * *.jsonl names, sizes and times first, which costs a stat per file.
 *
 * A decision names its item by article id, rule, span and the hash of the
 * text the editor saw, and the item's version (kz_decisions_version) when
 * it was shown: a decision made meanwhile by another editor, or a text
 * that changed, is refused (KZ_REVIEW_CONFLICT) rather than overwritten,
 * and the page shows what is there now.
 *
 * Ownership: the app borrows the decision store (the caller closes it
 * after kz_review_app_free) and owns its queue. JSON results are new
 * references the caller decrefs. One thread at a time.
 */
#ifndef KZ_REVIEW_APP_H
#define KZ_REVIEW_APP_H

#include "decisions.h"
#include "error.h"

#include <jansson.h>

typedef struct kz_review_app kz_review_app;

/* What a request asks for; NULL or "" fields filter nothing. */
typedef struct kz_review_filter {
	const char *rule, *severity, *article, *speaker;
	const char *search;     /* words in the text, message, id, speaker, note */
} kz_review_filter;

/* Outcomes of the calls below, as the HTTP layer maps them. */
enum {
	KZ_REVIEW_OK = 0,
	KZ_REVIEW_BAD = 1,      /* the request is malformed (400) */
	KZ_REVIEW_NOT_FOUND,    /* no such item (404) */
	KZ_REVIEW_CONFLICT,     /* changed since it was shown (409) */
	KZ_REVIEW_ERROR         /* the results or the store failed (500) */
};

/* Load results (a folder or one kz/1 file). editor is the default name
 * for decisions that carry none (may be NULL). NULL with err on failure. */
kz_review_app *kz_review_app_new(const char *results, kz_decisions *d,
    const char *editor, kz_error *err);
void kz_review_app_free(kz_review_app *app);

/* The results' name as given on the command line (borrowed). */
const char *kz_review_app_results(const kz_review_app *app);
const char *kz_review_app_editor(const kz_review_app *app);

/* The queue, worst first: {"total", "reviewed", "left", "shown", "items":
 * [...], "facets": {"rule": [...], "severity", "article", "speaker"}}.
 * Progress counts the whole queue; items are those the filter lets
 * through. *out is NULL unless KZ_REVIEW_OK. */
int kz_review_app_queue(kz_review_app *app, const kz_review_filter *f,
    json_t **out, kz_error *err);

/* One item ({"article", "rule", "start", "end"} in req) with its article:
 * the item's fields plus "article_text", "spans" (item, evidence, speaker,
 * cue, antecedent; code points) and "people" (names the editor may pick). */
int kz_review_app_item(kz_review_app *app, const json_t *req, json_t **out,
    kz_error *err);

/* A decision: req holds the item's "article", "rule", "start", "end",
 * "hash", "version", and "verdict" (accept, reject, correct with
 * "speaker"; or "undo"), optional "note" and "editor". *out is the item as
 * it is now (on KZ_REVIEW_OK and KZ_REVIEW_CONFLICT) and the progress. */
int kz_review_app_decide(kz_review_app *app, const json_t *req, json_t **out,
    kz_error *err);

#endif
