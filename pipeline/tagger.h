/*
 * tagger.h - what kz-tag adds to a kz/1 record: `entities` (names, from the
 * gazetteers and from the rules of rules/names.yaml) and `mentions` (role
 * descriptions resolved to the person who held the role at the article's
 * date).
 *
 * A kz_tagger holds the gazetteer, the role rules and the name rules of one
 * data directory; it owns them, is read-only once loaded, and serves any
 * number of records. kz-quotes and kz-check load one too, to resolve
 * speakers and check titles against the same knowledge.
 */
#ifndef KZ_TAGGER_H
#define KZ_TAGGER_H

#include "error.h"
#include "gazetteer.h"
#include "roles.h"

#include <jansson.h>

typedef struct kz_tagger kz_tagger;

/* Load DATA/gazetteers/ (or gazetteer_dir when not NULL), DATA/rules/
 * roles.yaml, names.yaml and firstnames.yaml. NULL with err on error. */
kz_tagger *kz_tagger_load(const char *datadir, const char *gazetteer_dir,
    kz_error *err);
void kz_tagger_free(kz_tagger *t);
/* Another tagger of the same data for another thread: its own rules, and
 * a gazetteer that reads first's image (kz_gazetteer_share). first must
 * outlive it. */
kz_tagger *kz_tagger_load_shared(const char *datadir, const kz_tagger *first,
    kz_error *err);

const kz_gazetteer *kz_tagger_gazetteer(const kz_tagger *t);
const kz_roles *kz_tagger_roles(const kz_tagger *t);
const kz_folder *kz_tagger_folder(const kz_tagger *t);
/* 'm' or 'f' when token i of tok is a first name of known gender
 * (rules/firstnames.yaml `masculine`, `feminine`), else 0. */
int kz_tagger_first_name_gender(const kz_tagger *t, const kz_tokens *tok,
    size_t i);

/* The article's date as YYYYMMDD: the record's `date`, else (with
 * estimate) its `date_estimated` (the latest date the text mentions), else
 * fallback ("YYYY-MM-DD"), else 0. */
int32_t kz_record_date(const json_t *rec, const char *fallback, int estimate);

/* The record members kz_tagger_tag reads, and those it writes
 * (NULL-terminated, for kz_reader_set_fields). */
extern const char *const kz_tagger_reads[];
extern const char *const kz_tagger_writes[];
/* What it never looks at inside the members it only reads: the text of
 * each block (only its kind and offsets matter). */
extern const char *const kz_tagger_skips[];

/* Tag rec in place: replaces `entities` and `mentions`. Returns 0, or -1
 * with err when the record has no text. */
int kz_tagger_tag(const kz_tagger *t, json_t *rec, const char *fallback_date,
    kz_error *err);

/* The same, but the two members are appended to `members` as JSON text,
 * `"entities":[...],"mentions":[...]` (after a comma unless members is
 * empty or ends with '{'), and removed from rec: what kz-tag writes
 * without building them (see kz_stage_opts.extra). */
struct kz_buf;
int kz_tagger_tag_members(const kz_tagger *t, json_t *rec,
    const char *fallback_date, struct kz_buf *members, kz_error *err);

#endif
