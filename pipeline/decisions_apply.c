/*
 * decisions_apply.c - decisions fed back into records (decisions_apply.h).
 */
#include "decisions_apply.h"

#include "text.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int
kz_decisions_open_for_stage(const char *path, kz_decisions **out,
    kz_error *err)
{
	*out = NULL;
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	*out = kz_decisions_open(path, 1, err);
	return *out ? 0 : -1;
}

int
kz_decision_key_of(const json_t *rec, const json_t *item, const char *rule,
    kz_decision_key *key)
{
	const char *id = json_string_value(json_object_get(rec, "id"));
	const json_t *text = json_object_get(rec, "text");
	const json_t *found = json_object_get(item, "found");
	const json_t *at = json_is_object(found) ? found : item;
	const json_t *s = json_object_get(at, "start");
	const json_t *e = json_object_get(at, "end");

	if (id == NULL || !json_is_string(text) || rule == NULL ||
	    !json_is_integer(s) || !json_is_integer(e))
		return -1;
	key->article = id;
	key->text_hash = kz_decisions_text_hash(json_string_value(text),
	    json_string_length(text));
	key->rule = rule;
	key->start = (long)json_integer_value(s);
	key->end = (long)json_integer_value(e);
	return 0;
}

int
kz_decision_span_ok(const json_t *rec, long start, long end)
{
	const json_t *text = json_object_get(rec, "text");

	return json_is_string(text) && start >= 0 && start < end &&
	    (size_t)end <= kz_utf8_count(json_string_value(text),
	    json_string_length(text));
}

/* The decision about item, 1 when there is one. */
static int
decision_of(kz_decisions *d, const json_t *rec, const json_t *item,
    const char *rule, kz_decision *dec, kz_error *err)
{
	kz_decision_key key;

	memset(dec, 0, sizeof *dec);
	if (kz_decision_key_of(rec, item, rule, &key) != 0)
		return 0;
	return kz_decisions_get(d, &key, dec, err);
}

int
kz_decisions_apply_flags(kz_decisions *d, json_t *rec, kz_error *err)
{
	json_t *flags = json_object_get(rec, "flags");
	size_t i = 0;

	if (d == NULL || !json_is_array(flags))
		return 0;
	while (i < json_array_size(flags)) {
		json_t *flag = json_array_get(flags, i);
		kz_decision dec;
		int rc = decision_of(d, rec, flag, json_string_value(
		    json_object_get(flag, "rule")), &dec, err);

		if (rc < 0)
			return -1;
		if (rc == 1 && dec.verdict == KZ_VERDICT_REJECT) {
			json_array_remove(flags, i);
		} else {
			if (rc == 1)
				json_object_set_new(flag, "reviewed", json_true());
			i++;
		}
		kz_decision_release(&dec);
	}
	return 0;
}

/* The speaker an editor named: the first entity of that canonical name
 * lends its span and ref, so the speaker still points into the text. */
static json_t *
editor_speaker(const json_t *rec, const char *name)
{
	const json_t *ents = json_object_get(rec, "entities"), *ent;
	json_t *sp = json_object();
	size_t i;

	json_object_set_new(sp, "name", json_string(name));
	json_object_set_new(sp, "ref", json_null());
	json_array_foreach(ents, i, ent) {
		const char *canon = json_string_value(json_object_get(ent,
		    "canonical"));

		if (canon && strcmp(canon, name) == 0) {
			json_t *ref = json_object_get(ent, "ref");

			json_object_set(sp, "ref", ref ? ref : json_null());
			json_object_set(sp, "start", json_object_get(ent, "start"));
			json_object_set(sp, "end", json_object_get(ent, "end"));
			json_object_set(sp, "text", json_object_get(ent, "text"));
			break;
		}
	}
	json_object_set_new(sp, "via", json_string("editor"));
	return sp;
}

/* The byte offset of code point cp in s[0..len) (len past the end). */
static size_t
byte_at(const char *s, size_t len, long cp)
{
	size_t i = 0;

	while (cp-- > 0 && i < len)
		i += kz_utf8_next(s, len, i);
	return i;
}

/* The quote's words become the editor's span; `found` keeps the span
 * kz-quotes found (once: a record run through twice keeps the first). */
static void
editor_span(const json_t *rec, json_t *q, long start, long end)
{
	const json_t *text = json_object_get(rec, "text");
	const char *t = json_string_value(text);
	size_t len = json_string_length(text);
	size_t b0 = byte_at(t, len, start), b1 = byte_at(t, len, end);

	if (!json_is_object(json_object_get(q, "found"))) {
		json_t *found = json_object();

		json_object_set(found, "start", json_object_get(q, "start"));
		json_object_set(found, "end", json_object_get(q, "end"));
		json_object_set(found, "text", json_object_get(q, "text"));
		json_object_set_new(q, "found", found);
	}
	json_object_set_new(q, "start", json_integer(start));
	json_object_set_new(q, "end", json_integer(end));
	json_object_set_new(q, "text", json_stringn(t + b0, b1 - b0));
	json_object_set_new(q, "via", json_string("editor"));
}

int
kz_decisions_apply_quotes(kz_decisions *d, json_t *rec, kz_error *err)
{
	json_t *quotes = json_object_get(rec, "quotes"), *q;
	size_t i;

	if (d == NULL || !json_is_array(quotes))
		return 0;
	json_array_foreach(quotes, i, q) {
		kz_decision dec;
		int rc = decision_of(d, rec, q, KZ_DECISION_SPEAKER, &dec, err);

		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		if (dec.verdict == KZ_VERDICT_CORRECT && dec.correction &&
		    *dec.correction)
			json_object_set_new(q, "speaker", editor_speaker(rec,
			    dec.correction));
		if (dec.verdict == KZ_VERDICT_CORRECT && dec.span_start >= 0 &&
		    kz_decision_span_ok(rec, dec.span_start, dec.span_end))
			editor_span(rec, q, dec.span_start, dec.span_end);
		else if (dec.verdict == KZ_VERDICT_REJECT)
			json_object_set_new(q, "speaker", json_null());
		json_object_set_new(q, "reviewed", json_true());
		kz_decision_release(&dec);
	}
	return 0;
}
