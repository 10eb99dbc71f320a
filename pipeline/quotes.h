/*
 * quotes.h - quotations in French news and who said them.
 *
 * Finds every quotation mark pair (« » “ ” ‹ › and straight quotes, nested
 * ones, French multi-paragraph quotes), the pull quotes kz-normalize marked,
 * classifies each (direct, partial, pull, scare) and looks for its speaker
 * with the constructions French news uses: inversion after the quote
 * (« … », a déclaré X), a speech verb or "selon" before it, a colon that
 * ends the paragraph before, pronouns resolved by gender and recency, role
 * descriptions, organisations, collective and anonymous sources.
 *
 * Word lists (speech verbs, pronouns, prepositions, anonymous sources...)
 * come from rules/quotes.yaml and rules/speech-verbs.yaml. The kz_quoter
 * owns them and is read-only once loaded.
 */
#ifndef KZ_QUOTES_H
#define KZ_QUOTES_H

#include "error.h"
#include "tagger.h"

#include <jansson.h>

typedef struct kz_quoter kz_quoter;

/* Load rules/quotes.yaml and rules/speech-verbs.yaml from datadir. */
kz_quoter *kz_quoter_load(const char *datadir, const kz_folder *f,
    kz_error *err);
void kz_quoter_free(kz_quoter *q);

/* The record members kz_quoter_run reads (the tagger's too, for records
 * it tags on the side), and those it writes (NULL-terminated). */
extern const char *const kz_quoter_reads[];
extern const char *const kz_quoter_writes[];
/* What it never looks at inside the members it only reads
 * (kz_reader_set_fields). */
extern const char *const kz_quoter_skips[];

/* Add `quotes` (and `unbalanced-quote` flags) to rec. The record's
 * entities and mentions are used for speakers; a record without them is
 * tagged on the side with tagger (not written back) and says so in
 * `quotes_note`. Returns 0, or -1 with err when rec has no text. */
int kz_quoter_run(const kz_quoter *q, const kz_tagger *tagger, json_t *rec,
    const char *fallback_date, kz_error *err);

#endif
