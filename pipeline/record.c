#include "record.h"

#include "buf.h"
#include "jsonline.h"

#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct kz_reader {
	FILE *in;
	char *name;
	size_t max_line;
	long line;
	kz_buf buf;
	int too_long;
	char *in_buf;           /* bytes read ahead from `in` */
	size_t in_pos, in_len;
	int read_failed;
	/* what the stage reads and writes (NULL: everything is built), and
	 * what it never looks at inside the members it only reads */
	const char *const *reads, *const *writes, *const *skips;
	/* the last record's members as they stood in its line; valid while
	 * members_valid, i.e. until the next line is read */
	kz_json_members members;
	const json_t **as_read;  /* per member: the value built, if read-only */
	size_t as_read_cap;
	int members_valid;
};

enum { READ_AHEAD = 1 << 16 };

kz_reader *
kz_reader_new(FILE *in, const char *name, size_t max_line)
{
	kz_reader *r = kz_calloc(1, sizeof *r);

	r->in = in;
	r->name = kz_strdup(name);
	r->max_line = max_line ? max_line : KZ_MAX_LINE_DEFAULT;
	kz_buf_init(&r->buf);
	r->in_buf = kz_malloc(READ_AHEAD);
	return r;
}

void
kz_reader_free(kz_reader *r)
{
	if (r == NULL)
		return;
	kz_buf_release(&r->buf);
	kz_json_members_release(&r->members);
	free(r->as_read);
	free(r->in_buf);
	free(r->name);
	free(r);
}

/* Refill the read-ahead buffer; 0 at end of input or on error. With a
 * file descriptor, read(2) returns what is there, so a record that
 * arrives alone through a pipe is processed at once (fread would wait
 * for 64 KiB more). Streams without one (fmemopen) go through fread. */
static size_t
refill(kz_reader *r)
{
	int fd = fileno(r->in);
	ssize_t n;

	if (fd < 0)
		return fread(r->in_buf, 1, READ_AHEAD, r->in);
	do
		n = read(fd, r->in_buf, READ_AHEAD);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->read_failed = 1;
		return 0;
	}
	return (size_t)n;
}

void
kz_reader_preload(kz_reader *r, const char *data, size_t len)
{
	if (len > READ_AHEAD) {
		free(r->in_buf);
		r->in_buf = kz_malloc(len);
	}
	memcpy(r->in_buf, data, len);
	r->in_pos = 0;
	r->in_len = len;
}

int
kz_reader_has_buffered(const kz_reader *r)
{
	return r->in_pos < r->in_len;
}

int
kz_reader_failed(const kz_reader *r)
{
	return r->read_failed || (r->in != NULL && ferror(r->in));
}

/* Read one line into r->buf without its newline; stop storing past
 * max_line but consume the rest. Returns 0 at EOF with nothing read.
 * Lines are cut with memchr on a read-ahead buffer, not fgets: fgets
 * cannot tell a NUL byte from the end of its data, and a line with a NUL
 * in it would swallow the next line. */
static int
read_line(kz_reader *r)
{
	int got = 0;

	kz_buf_reset(&r->buf);
	r->too_long = 0;
	for (;;) {
		const char *nl;
		size_t n;

		if (r->in_pos == r->in_len) {
			r->in_len = refill(r);
			r->in_pos = 0;
			if (r->in_len == 0)
				break;
		}
		got = 1;
		nl = memchr(r->in_buf + r->in_pos, '\n', r->in_len - r->in_pos);
		n = nl ? (size_t)(nl - (r->in_buf + r->in_pos)) :
		    r->in_len - r->in_pos;
		if (!r->too_long && r->buf.len + n > r->max_line)
			r->too_long = 1;
		if (!r->too_long)
			kz_buf_add(&r->buf, r->in_buf + r->in_pos, n);
		r->in_pos += n;
		if (nl) {
			r->in_pos++;
			break;
		}
	}
	if (got)
		r->line++;
	return got;
}

static json_t *
stand_in(kz_reader *r, const char *stage, const char *message)
{
	json_t *rec = json_object();
	char id[300];
	json_t *raw;

	snprintf(id, sizeof id, "%s:%ld", r->name, r->line);
	json_object_set_new(rec, "kz", json_integer(1));
	json_object_set_new(rec, "id", json_string(id));
	json_object_set_new(rec, "text", json_string(""));
	kz_record_add_error(rec, stage, message);
	if (!r->too_long) {
		/* keep the line so nothing is lost; bad bytes become U+FFFD,
		 * and so do NUL bytes: written as \u0000 they would make the
		 * next stage's reader refuse the stand-in in turn */
		raw = memchr(r->buf.data, '\0', r->buf.len) ? NULL :
		    json_stringn(r->buf.data, r->buf.len);
		if (raw == NULL) {
			kz_buf fixed, clean;
			size_t from = 0;

			kz_buf_init(&fixed);
			kz_buf_init(&clean);
			kz_utf8_repair(r->buf.data, r->buf.len, &fixed, NULL);
			for (size_t i = 0; i <= fixed.len; i++)
				if (i == fixed.len || fixed.data[i] == '\0') {
					kz_buf_add(&clean, fixed.data + from, i - from);
					if (i < fixed.len)
						kz_buf_add(&clean, "\xEF\xBF\xBD", 3);
					from = i + 1;
				}
			raw = json_stringn(clean.data, clean.len);
			kz_buf_release(&clean);
			kz_buf_release(&fixed);
		}
		if (raw)
			json_object_set_new(rec, "raw", raw);
	}
	return rec;
}

/* Members every stage builds: `kz` to check the version, `id` for its
 * messages, `errors` and `flags` because any stage may add to them, and
 * `producer` because every stage adds its entry. */
static const char *const always_built[] = { "kz", "id", "errors", "flags",
	"producer", NULL };

static int
listed(const char *const *list, const char *key, size_t len)
{
	for (; list != NULL && *list != NULL; list++)
		if (strlen(*list) == len && memcmp(*list, key, len) == 0)
			return 1;
	return 0;
}

static int
read_only(const kz_reader *r, const char *key, size_t len)
{
	return listed(r->reads, key, len) && !listed(r->writes, key, len) &&
	    !listed(always_built, key, len);
}

/* some "top.KEY" is in the list */
static int
has_skips(const char *const *list, const char *top, size_t top_len)
{
	for (; list != NULL && *list != NULL; list++)
		if (strncmp(*list, top, top_len) == 0 && (*list)[top_len] == '.')
			return 1;
	return 0;
}

/* "top.key" is in the list */
static int
listed_inside(const char *const *list, const char *top, size_t top_len,
    const char *key, size_t len)
{
	for (; list != NULL && *list != NULL; list++)
		if (strlen(*list) == top_len + 1 + len &&
		    memcmp(*list, top, top_len) == 0 && (*list)[top_len] == '.' &&
		    memcmp(*list + top_len + 1, key, len) == 0)
			return 1;
	return 0;
}

static int
wanted(const char *top, size_t top_len, const char *key, size_t len,
    void *ctx)
{
	const kz_reader *r = ctx;

	if (top != NULL)
		return !listed_inside(r->skips, top, top_len, key, len);
	if (!listed(r->reads, key, len) && !listed(r->writes, key, len) &&
	    !listed(always_built, key, len))
		return 0;
	/* a read-only member is written back from the line, so what the
	 * stage does not look at inside it need not be built */
	return read_only(r, key, len) && has_skips(r->skips, key, len) ? 2 : 1;
}

/* Remember the value built for each read-only member: the writer copies
 * the line's text for it while the record still holds that same value. */
static void
note_read_only(kz_reader *r, const json_t *rec)
{
	if (r->members.n > r->as_read_cap) {
		r->as_read_cap = r->members.n;
		free(r->as_read);
		r->as_read = kz_malloc(r->as_read_cap * sizeof *r->as_read);
	}
	for (size_t i = 0; i < r->members.n; i++) {
		const kz_json_member *m = &r->members.items[i];

		r->as_read[i] = NULL;
		if (m->parsed && read_only(r, m->key, m->key_len))
			r->as_read[i] = json_object_getn(rec, m->key, m->key_len);
	}
	r->members_valid = 1;
}

void
kz_reader_set_fields(kz_reader *r, const char *const *reads,
    const char *const *writes, const char *const *skips)
{
	r->reads = reads;
	r->writes = writes;
	r->skips = skips;
}

/* The next line that is not blank into r->buf; 0 at the end. */
static int
next_record_line(kz_reader *r)
{
	for (;;) {
		size_t i;

		if (!read_line(r))
			return 0;
		/* a byte order mark before the first line is no part of it
		 * (editors and Windows tools write one) */
		if (r->line == 1 && r->buf.len >= 3 &&
		    memcmp(r->buf.data, "\xEF\xBB\xBF", 3) == 0) {
			memmove(r->buf.data, r->buf.data + 3, r->buf.len - 3);
			r->buf.len -= 3;
		}
		for (i = 0; i < r->buf.len; i++)
			if (r->buf.data[i] != ' ' && r->buf.data[i] != '\t' &&
			    r->buf.data[i] != '\r')
				break;
		if (i < r->buf.len || r->too_long)
			return 1;
	}
}

int
kz_reader_next(kz_reader *r, const char *stage, json_t **rec, kz_error *err)
{
	/* no copying for a stand-in: its members are not the line's */
	r->members_valid = 0;
	*rec = NULL;
	if (!next_record_line(r))
		return 0;
	return kz_reader_parse(r, stage, rec, err);
}

int
kz_reader_next_line(kz_reader *r, const char **data, size_t *len,
    long *line, int *too_long)
{
	r->members_valid = 0;
	if (!next_record_line(r))
		return 0;
	*data = r->buf.data;
	*len = r->buf.len;
	*line = r->line;
	*too_long = r->too_long;
	return 1;
}

void
kz_reader_set_line(kz_reader *r, const char *data, size_t len, long line,
    int too_long)
{
	kz_buf_reset(&r->buf);
	kz_buf_add(&r->buf, data, len);
	r->line = line;
	r->too_long = too_long;
	r->members_valid = 0;
}

/* 1 with msg when the record is in another version of the format than
 * kz/1: read as kz/1 it would be misread without a word. A record
 * without `kz` (the input of kz-normalize) is fine. */
static int
version_error(const json_t *rec, char *msg, size_t n)
{
	const json_t *kz = json_object_get(rec, "kz");
	char *text;

	if (kz == NULL || (json_is_integer(kz) && json_integer_value(kz) == 1))
		return 0;
	text = json_dumps(kz, JSON_ENCODE_ANY | JSON_COMPACT);
	if (json_is_integer(kz) && json_integer_value(kz) > 1)
		snprintf(msg, n, "record is kz/%s, newer than the kz/1 this"
		    " kz reads: passed on unread (a newer kz wrote it?)",
		    text ? text : "?");
	else
		snprintf(msg, n, "\"kz\": %.40s is no format version this kz"
		    " reads (kz/1): passed on unread", text ? text : "?");
	free(text);
	return 1;
}

int
kz_reader_parse(kz_reader *r, const char *stage, json_t **rec,
    kz_error *err)
{
	json_error_t jerr;
	json_t *v;
	char msg[400];

	r->members_valid = 0;
	*rec = NULL;
	if (r->too_long) {
		snprintf(msg, sizeof msg, "line longer than the maximum of %zu bytes"
		    " (--max-line)", r->max_line);
		kz_error_set(err, r->name, r->line, 0, "%s", msg);
		*rec = stand_in(r, stage, msg);
		return -1;
	}
	/* yajl builds the record; jansson only speaks when yajl refused it,
	 * so the message is jansson's whichever parser saw the line */
	if (r->reads != NULL || r->writes != NULL) {
		v = kz_json_parse_members(r->buf.data, r->buf.len, wanted, r,
		    &r->members);
		if (v != NULL)
			note_read_only(r, v);
	} else
		v = kz_json_parse_line(r->buf.data, r->buf.len);
	if (v == NULL)
		v = json_loadb(r->buf.data, r->buf.len, 0, &jerr);
	if (v == NULL) {
		snprintf(msg, sizeof msg, "not valid JSON at column %d: %s",
		    jerr.column, jerr.text);
		kz_error_set(err, r->name, r->line, jerr.column > 0 ? jerr.column : 0,
		    "not valid JSON: %s", jerr.text);
		*rec = stand_in(r, stage, msg);
		return -1;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		snprintf(msg, sizeof msg, "a kz/1 record must be a JSON object");
		kz_error_set(err, r->name, r->line, 0, "%s", msg);
		*rec = stand_in(r, stage, msg);
		return -1;
	}
	if (version_error(v, msg, sizeof msg)) {
		json_decref(v);
		r->members_valid = 0;
		kz_error_set(err, r->name, r->line, 0, "%s", msg);
		*rec = stand_in(r, stage, msg);
		return -1;
	}
	*rec = v;
	return 1;
}

const char *
kz_reader_line_data(const kz_reader *r, size_t *len)
{
	*len = r->buf.len;
	return r->buf.data;
}

long
kz_reader_line_number(const kz_reader *r)
{
	return r->line;
}

/* Does any of the 8 bytes in word need an escape ('"', '\\', < 0x20)? */
static int
word_needs_escape(uint64_t word)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t high = UINT64_C(0x8080808080808080);
	uint64_t quote = word ^ (ones * '"');
	uint64_t slash = word ^ (ones * '\\');
	/* a byte is zero in x when (x - 1) & ~x has its high bit */
	uint64_t hits = ((quote - ones) & ~quote) | ((slash - ones) & ~slash) |
	    ((word - ones * 0x20) & ~word);

	return (hits & high) != 0;
}

/* Append s as a JSON string. Runs of bytes that need no escape are
 * copied whole, found 8 bytes at a time: most of a record is text. */
void
kz_json_add_string(kz_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0, i = 0;

	kz_buf_grow(b, len + 2);
	kz_buf_addc(b, '"');
	while (i < len) {
		unsigned char c;

		while (i + 8 <= len) {
			uint64_t word;

			memcpy(&word, s + i, 8);
			if (word_needs_escape(word))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		kz_buf_add(b, s + run, i - run);
		run = ++i;
		switch (c) {
		case '"': kz_buf_add(b, "\\\"", 2); break;
		case '\\': kz_buf_add(b, "\\\\", 2); break;
		case '\n': kz_buf_add(b, "\\n", 2); break;
		case '\t': kz_buf_add(b, "\\t", 2); break;
		case '\r': kz_buf_add(b, "\\r", 2); break;
		case '\b': kz_buf_add(b, "\\b", 2); break;
		case '\f': kz_buf_add(b, "\\f", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			kz_buf_add(b, u, 6);
		}
		}
	}
	kz_buf_add(b, s + run, len - run);
	kz_buf_addc(b, '"');
}

/* Append an integer in decimal, without printf's machinery. */
void
kz_json_add_integer(kz_buf *b, long long v)
{
	char digits[24];
	size_t n = sizeof digits;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		digits[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		digits[--n] = '-';
	kz_buf_add(b, digits + n, sizeof digits - n);
}

/* Serialise a JSON value compactly, in the objects' insertion order (as
 * jansson does), far faster than json_dumpf's per-piece callbacks. */
static int
add_json(kz_buf *b, const json_t *v, int depth)
{
	size_t i;
	const char *key;
	json_t *item;

	if (depth > 2048)
		return -1;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		int first = 1;

		kz_buf_addc(b, '{');
		json_object_foreach((json_t *)v, key, item) {
			if (!first)
				kz_buf_addc(b, ',');
			first = 0;
			kz_json_add_string(b, key, strlen(key));
			kz_buf_addc(b, ':');
			if (add_json(b, item, depth + 1) != 0)
				return -1;
		}
		kz_buf_addc(b, '}');
		return 0;
	}
	case JSON_ARRAY:
		kz_buf_addc(b, '[');
		json_array_foreach(v, i, item) {
			if (i)
				kz_buf_addc(b, ',');
			if (add_json(b, item, depth + 1) != 0)
				return -1;
		}
		kz_buf_addc(b, ']');
		return 0;
	case JSON_STRING:
		kz_json_add_string(b, json_string_value(v), json_string_length(v));
		return 0;
	case JSON_INTEGER:
		kz_json_add_integer(b, json_integer_value(v));
		return 0;
	case JSON_REAL: {
		char num[64];

		snprintf(num, sizeof num, "%.17g", json_real_value(v));
		if (!strpbrk(num, ".eEni"))
			strcat(num, ".0");
		kz_buf_adds(b, num);
		return 0;
	}
	case JSON_TRUE:
		kz_buf_adds(b, "true");
		return 0;
	case JSON_FALSE:
		kz_buf_adds(b, "false");
		return 0;
	case JSON_NULL:
		kz_buf_adds(b, "null");
		return 0;
	}
	return -1;
}

int
kz_record_write(FILE *out, const json_t *rec)
{
	return kz_record_write_extra(out, rec, NULL, 0);
}

/* Append rec (and members) as one line to b. */
static int
format_extra(kz_buf *b, const json_t *rec, const char *members, size_t len)
{
	if (add_json(b, rec, 0) != 0)
		return -1;
	if (len > 0 && json_is_object(rec)) {
		b->len--;        /* the closing brace */
		if (json_object_size(rec) > 0)
			kz_buf_addc(b, ',');
		kz_buf_add(b, members, len);
		kz_buf_addc(b, '}');
	}
	kz_buf_addc(b, '\n');
	return 0;
}

static int
write_buf(FILE *out, kz_buf *b, int rc)
{
	if (rc == 0 && fwrite(b->data, 1, b->len, out) != b->len)
		rc = -1;
	kz_buf_release(b);
	return rc;
}

int
kz_record_write_extra(FILE *out, const json_t *rec, const char *members,
    size_t len)
{
	kz_buf b;

	kz_buf_init(&b);
	return write_buf(out, &b, format_extra(&b, rec, members, len));
}

int
kz_reader_format(const kz_reader *r, kz_buf *b, const json_t *rec,
    const char *extra, size_t extra_len)
{
	const char *key;
	json_t *v;
	int first = 1, rc = 0;

	if (!r->members_valid || !json_is_object(rec))
		return format_extra(b, rec, extra, extra_len);
	kz_buf_addc(b, '{');
	for (size_t i = 0; i < r->members.n; i++) {
		const kz_json_member *m = &r->members.items[i];
		int copy;

		v = json_object_getn(rec, m->key, m->key_len);
		/* the line's own text, unless the stage set a value */
		copy = m->parsed ? v != NULL && v == r->as_read[i] : v == NULL;
		if (!copy && v == NULL)
			continue;       /* built, then removed by the stage */
		if (!first)
			kz_buf_addc(b, ',');
		first = 0;
		kz_json_add_string(b, m->key, m->key_len);
		kz_buf_addc(b, ':');
		if (copy)
			kz_buf_add(b, r->buf.data + m->start, m->end - m->start);
		else if (add_json(b, v, 1) != 0)
			rc = -1;
	}
	json_object_foreach((json_t *)rec, key, v) {
		size_t len = strlen(key), i;

		for (i = 0; i < r->members.n; i++)
			if (r->members.items[i].key_len == len &&
			    memcmp(r->members.items[i].key, key, len) == 0)
				break;
		if (i < r->members.n)
			continue;
		if (!first)
			kz_buf_addc(b, ',');
		first = 0;
		kz_json_add_string(b, key, len);
		kz_buf_addc(b, ':');
		if (add_json(b, v, 1) != 0)
			rc = -1;
	}
	if (extra_len > 0) {
		if (!first)
			kz_buf_addc(b, ',');
		kz_buf_add(b, extra, extra_len);
	}
	kz_buf_add(b, "}\n", 2);
	return rc;
}

int
kz_reader_write(const kz_reader *r, FILE *out, const json_t *rec,
    const char *extra, size_t extra_len)
{
	kz_buf b;

	kz_buf_init(&b);
	return write_buf(out, &b, kz_reader_format(r, &b, rec, extra,
	    extra_len));
}

const char *
kz_record_text(const json_t *rec, size_t *len)
{
	const json_t *t = json_object_get(rec, "text");

	if (!json_is_string(t))
		return NULL;
	if (len)
		*len = json_string_length(t);
	return json_string_value(t);
}

json_t *
kz_record_array(json_t *rec, const char *key)
{
	json_t *a = json_object_get(rec, key);

	if (!json_is_array(a)) {
		a = json_array();
		json_object_set_new(rec, key, a);
	}
	return a;
}

void
kz_record_add_error(json_t *rec, const char *stage, const char *message)
{
	json_t *e = json_object();

	json_object_set_new(e, "stage", json_string(stage));
	json_object_set_new(e, "message", json_string(message));
	json_array_append_new(kz_record_array(rec, "errors"), e);
}

json_t *
kz_span_new(const kz_offsets *o, const char *text, size_t bstart, size_t bend)
{
	json_t *s = json_object();

	json_object_set_new(s, "start", json_integer((json_int_t)kz_offsets_cp(o, bstart)));
	json_object_set_new(s, "end", json_integer((json_int_t)kz_offsets_cp(o, bend)));
	/* text is valid UTF-8 (every stage gets it from kz-normalize, which
	 * repairs it) and offsets fall on code point boundaries */
	json_object_set_new(s, "text", json_stringn_nocheck(text + bstart,
	    bend - bstart));
	return s;
}

int
kz_span_bytes(const json_t *span, const kz_offsets *o, size_t *bstart,
    size_t *bend)
{
	const json_t *s = json_object_get(span, "start");
	const json_t *e = json_object_get(span, "end");
	json_int_t si, ei;

	if (!json_is_integer(s) || !json_is_integer(e))
		return -1;
	si = json_integer_value(s);
	ei = json_integer_value(e);
	if (si < 0 || ei < si || (size_t)ei > o->ncp)
		return -1;
	*bstart = kz_offsets_byte(o, (size_t)si);
	*bend = kz_offsets_byte(o, (size_t)ei);
	return 0;
}

void
kz_record_add_flag(json_t *rec, const kz_offsets *o, const char *text,
    const char *rule, const char *severity, size_t bstart, size_t bend,
    const char *message, json_t *evidence)
{
	json_t *f = json_object();
	json_t *span = kz_span_new(o, text, bstart, bend);

	json_object_set_new(f, "rule", json_string(rule));
	json_object_set_new(f, "severity", json_string(severity));
	json_object_update(f, span);
	json_decref(span);
	json_object_set_new(f, "message", json_string(message));
	json_object_set_new(f, "evidence", evidence ? evidence : json_array());
	json_array_append_new(kz_record_array(rec, "flags"), f);
}
