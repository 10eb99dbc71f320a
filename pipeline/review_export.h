/*
 * review_export.h - decisions written out for people and scripts
 * (kz-review --export): RFC 4180 CSV (csv.h) or JSON Lines, one decision a
 * row, in the order they were made; and where the decisions of a batch
 * are kept by default.
 */
#ifndef KZ_REVIEW_EXPORT_H
#define KZ_REVIEW_EXPORT_H

#include "decisions.h"

struct kz_buf;

/* RESULTS/.kz-review.db for a folder, FILE.kz-review.db beside a file. */
void kz_review_default_db(struct kz_buf *out, const char *results);

/* Every current decision of d to path ("-": standard output). 0, or -1
 * with err naming the file. */
int kz_review_export(kz_decisions *d, const char *path, int jsonl,
    kz_error *err);

#endif
