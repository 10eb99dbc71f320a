/*
 * review_queue.h - what an editor has to look at in a batch of kz-run
 * results (or one kz/1 file): every flag and every quote whose speaker
 * was found weakly (pronoun, role description, anaphora, no cue), worst
 * first: errors, warnings, weak attributions, then info flags; within a
 * rank, in the order of the files and of the text.
 *
 * Only regular *.jsonl files directly inside the results folder are read
 * (no path leaves it). The queue owns its records (jansson references)
 * and items; kz_review_queue_release frees them.
 */
#ifndef KZ_REVIEW_QUEUE_H
#define KZ_REVIEW_QUEUE_H

#include "decisions.h"

#include <jansson.h>
#include <stddef.h>

enum { KZ_ITEM_FLAG, KZ_ITEM_QUOTE };
enum { KZ_RANK_ERROR, KZ_RANK_WARNING, KZ_RANK_WEAK, KZ_RANK_INFO };

typedef struct kz_review_item {
	int kind;               /* KZ_ITEM_FLAG or KZ_ITEM_QUOTE */
	int rank;               /* KZ_RANK_* */
	json_t *rec;            /* borrowed from the queue */
	json_t *item;           /* the flag or the quote, borrowed */
	const char *rule;       /* the flag's rule, or KZ_DECISION_SPEAKER */
	const char *severity;   /* error, warning, info; "weak" for quotes */
	const char *file;       /* the results file's name (no folder) */
	long line;              /* its line in that file */
	kz_decision_key key;
	size_t order;           /* where it came in the batch */
} kz_review_item;

typedef struct kz_review_queue {
	kz_review_item *items;
	size_t n;
	json_t **recs;
	size_t nrecs;
	char **files;
	size_t nfiles;
} kz_review_queue;

/* Load path (a folder of results, or one kz/1 file) into q. -1 with err
 * naming the file and line of a record that cannot be read. */
int kz_review_queue_load(kz_review_queue *q, const char *path, kz_error *err);
void kz_review_queue_release(kz_review_queue *q);

/* The item whose key matches article/rule/start/end, or NULL. */
kz_review_item *kz_review_queue_find(kz_review_queue *q, const char *article,
    const char *rule, long start, long end);

#endif
