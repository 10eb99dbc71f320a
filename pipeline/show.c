#include "show.h"

#include "csv.h"
#include "esc.h"
#include "record.h"
#include "text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

struct kz_show {
	FILE *out;
	kz_show_opts o;
	int started;            /* html head / tsv header written */
	size_t nrec;
	size_t totals[3];       /* flags by severity over the batch */
	size_t nbad;            /* records with errors */
	size_t tpl;             /* html: where the page template is written to */
	kz_buf nav;             /* html: the index, written at the end */
};

static const char *const severities[] = { "error", "warning", "info" };

/* ================================================================ record */

/* One record, read once for every format. Spans are turned into byte
 * offsets of `text`; lines are the byte offsets where each line starts. */
typedef struct art {
	const json_t *rec;
	const char *id;
	const char *text;
	size_t len;
	int has_offsets;
	kz_offsets offs;
	size_t *lines;
	size_t nlines;
} art;

static const char *
get_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const json_t *
get_array(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_array(v) ? v : NULL;
}

static void
art_init(art *a, const json_t *rec)
{
	memset(a, 0, sizeof *a);
	a->rec = rec;
	a->id = get_str(rec, "id");
	if (a->id == NULL)
		a->id = "(no id)";
	a->text = kz_record_text(rec, &a->len);
	if (a->text == NULL) {
		a->text = "";
		a->len = 0;
	}
	a->has_offsets = kz_offsets_init(&a->offs, a->text, a->len) == 0;
	a->nlines = 1;
	for (size_t i = 0; i < a->len; i++)
		if (a->text[i] == '\n')
			a->nlines++;
	a->lines = kz_malloc(a->nlines * sizeof *a->lines);
	a->lines[0] = 0;
	for (size_t i = 0, k = 1; i < a->len; i++)
		if (a->text[i] == '\n')
			a->lines[k++] = i + 1;
}

static void
art_release(art *a)
{
	if (a->has_offsets)
		kz_offsets_release(&a->offs);
	free(a->lines);
}

/* The byte range of a span of this record's text; -1 when the span has no
 * valid offsets here. */
static int
span_bytes(const art *a, const json_t *span, size_t *bs, size_t *be)
{
	if (!a->has_offsets || !json_is_object(span) || a->len == 0)
		return -1;
	if (kz_span_bytes(span, &a->offs, bs, be) != 0)
		return -1;
	if (*bs > *be || *be > a->len)
		return -1;
	return 0;
}

/* The line (0-based) holding byte b. */
static size_t
line_of(const art *a, size_t b)
{
	size_t lo = 0, hi = a->nlines;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->lines[mid] <= b)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static size_t
line_end(const art *a, size_t line)
{
	return line + 1 < a->nlines ? a->lines[line + 1] - 1 : a->len;
}

static int
severity_index(const char *sev)
{
	for (int i = 0; i < 3; i++)
		if (sev && strcmp(sev, severities[i]) == 0)
			return i;
	return 3;
}

void
kz_show_count_flags(const json_t *rec, size_t counts[3])
{
	const json_t *flags = get_array(rec, "flags"), *f;
	size_t i;

	counts[0] = counts[1] = counts[2] = 0;
	json_array_foreach(flags, i, f) {
		int k = severity_index(get_str(f, "severity"));

		if (k < 3)
			counts[k]++;
	}
}

int
kz_show_has_errors(const json_t *rec)
{
	const json_t *e = get_array(rec, "errors");

	return e != NULL && json_array_size(e) > 0;
}

/* Code point offsets of a span, for overlap tests; -1 when absent. */
static int
span_cps(const json_t *span, long long *s, long long *e)
{
	const json_t *a, *b;

	if (!json_is_object(span))
		return -1;
	a = json_object_get(span, "start");
	b = json_object_get(span, "end");
	if (!json_is_integer(a) || !json_is_integer(b))
		return -1;
	*s = json_integer_value(a);
	*e = json_integer_value(b);
	return *s <= *e ? 0 : -1;
}

static int
span_touches(const json_t *span, long long fs, long long fe)
{
	long long s, e;

	if (span_cps(span, &s, &e) != 0)
		return 0;
	if (fs == fe)
		return s <= fs && fs < e;
	return fs < e && s < fe;
}

/* Does flag f point into quote q: its words, speaker, cue or signature? */
static int
flag_on_quote(const json_t *f, const json_t *q)
{
	const json_t *sig = json_object_get(q, "signature");
	long long fs, fe;

	if (span_cps(f, &fs, &fe) != 0)
		return 0;
	if (fs == fe && fs == 0 && json_string_length(json_object_get(f, "text")) == 0)
		return 0;       /* a flag about the whole article */
	return span_touches(q, fs, fe) ||
	    span_touches(json_object_get(q, "speaker"), fs, fe) ||
	    span_touches(json_object_get(q, "cue"), fs, fe) ||
	    span_touches(json_object_get(sig, "name"), fs, fe) ||
	    span_touches(json_object_get(sig, "title"), fs, fe);
}

/* A flag about the whole article rather than a place in it. */
static int
flag_is_global(const art *a, const json_t *f, size_t *bs, size_t *be)
{
	if (span_bytes(a, f, bs, be) != 0)
		return 1;
	return *bs == *be && json_string_length(json_object_get(f, "text")) == 0;
}

/* The record's flags sorted by severity, then by position. */
typedef struct flag_ref {
	const json_t *f;
	size_t index;       /* in the record's array */
	int sev;
	long long start;
} flag_ref;

static int
flag_cmp(const void *x, const void *y)
{
	const flag_ref *a = x, *b = y;

	if (a->sev != b->sev)
		return a->sev - b->sev;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static flag_ref *
sorted_flags(const json_t *rec, size_t *n)
{
	const json_t *flags = get_array(rec, "flags"), *f;
	flag_ref *v;
	size_t i, k = 0;

	*n = 0;
	if (flags == NULL || json_array_size(flags) == 0)
		return NULL;
	v = kz_calloc(json_array_size(flags), sizeof *v);
	json_array_foreach(flags, i, f) {
		long long s, e;

		if (!json_is_object(f))
			continue;
		v[k].f = f;
		v[k].index = i;
		v[k].sev = severity_index(get_str(f, "severity"));
		v[k].start = span_cps(f, &s, &e) == 0 ? s : -1;
		k++;
	}
	qsort(v, k, sizeof *v, flag_cmp);
	*n = k;
	return v;
}

/* The title: the `title` block, else the first line of the text. */
static void
title_of(const art *a, const char **s, size_t *len)
{
	const json_t *blocks = get_array(a->rec, "blocks"), *b;
	size_t i, bs, be;

	json_array_foreach(blocks, i, b) {
		const char *kind = get_str(b, "kind");

		if (kind && strcmp(kind, "title") == 0 &&
		    span_bytes(a, b, &bs, &be) == 0) {
			*s = a->text + bs;
			*len = be - bs;
			return;
		}
	}
	*s = a->text;
	*len = a->nlines > 1 ? a->lines[1] - 1 : a->len;
}

/* ================================================================ entities */

typedef struct ent_count {
	const char *type;
	const char *name;
	size_t count;
	size_t first;
} ent_count;

static int
type_rank(const char *t)
{
	static const char *const order[] = { "PER", "ORG", "LOC", "MISC" };

	for (int i = 0; i < 4; i++)
		if (strcmp(t, order[i]) == 0)
			return i;
	return 4;
}

static int
ent_cmp(const void *x, const void *y)
{
	const ent_count *a = x, *b = y;
	int ra = type_rank(a->type), rb = type_rank(b->type), c;

	if (ra != rb)
		return ra - rb;
	if ((c = strcmp(a->type, b->type)) != 0)
		return c;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

/* Entities counted by type and canonical name, most frequent first. The
 * strings are borrowed from the record. */
static ent_count *
count_entities(const json_t *rec, size_t *n)
{
	const json_t *ents = get_array(rec, "entities"), *e;
	ent_count *v = NULL;
	size_t i, k = 0, cap = 0;

	json_array_foreach(ents, i, e) {
		const char *type = get_str(e, "type"), *name = get_str(e, "canonical");
		size_t j;

		if (name == NULL)
			name = get_str(e, "text");
		if (name == NULL)
			continue;
		if (type == NULL)
			type = "?";
		for (j = 0; j < k; j++)
			if (strcmp(v[j].name, name) == 0 && strcmp(v[j].type, type) == 0)
				break;
		if (j < k) {
			v[j].count++;
			continue;
		}
		if (k == cap) {
			cap = cap ? cap * 2 : 16;
			v = kz_realloc(v, cap * sizeof *v);
		}
		v[k++] = (ent_count){ type, name, 1, i };
	}
	if (k)
		qsort(v, k, sizeof *v, ent_cmp);
	*n = k;
	return v;
}

/* ================================================================ strings */

static size_t
cp_count(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* Byte offset of code point n of s[0..len) (len when past the end). */
static size_t
cp_offset(const char *s, size_t len, size_t n)
{
	size_t i = 0;

	while (i < len && n > 0) {
		i += kz_utf8_next(s, len, i);
		n--;
	}
	return i < len ? i : len;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

void
kz_show_shorten(kz_buf *out, const char *s, size_t len, size_t max)
{
	size_t n = cp_count(s, len), head, tail, hb, tb;

	if (n <= max || max < 12) {
		kz_buf_add(out, s, len);
		return;
	}
	/* two thirds for the head, the rest for the tail, minus " … " */
	head = (max - 3) * 2 / 3;
	tail = max - 3 - head;
	hb = cp_offset(s, len, head);
	tb = cp_offset(s, len, n - tail);
	/* cut at word boundaries when one is near */
	for (size_t i = hb; i > 0 && hb - i < 20; i--)
		if (is_space(s[i - 1])) {
			hb = i - 1;
			break;
		}
	while (hb > 0 && is_space(s[hb - 1]))
		hb--;
	for (size_t i = tb; i < len && i - tb < 20; i++)
		if (is_space(s[i])) {
			tb = i + 1;
			break;
		}
	while (tb < len && is_space(s[tb]))
		tb++;
	kz_buf_add(out, s, hb);
	kz_buf_adds(out, " … ");
	kz_buf_add(out, s + tb, len - tb);
}

/* TSV fields escape what esc.c escapes (ESC, BEL, C1 controls, bidi
 * controls) and the backslash, so a field is one line, never a command. */
void
kz_show_tsv_escape(kz_buf *out, const char *s, size_t len)
{
	kz_esc_add(out, s, len, KZ_ESC_BACKSLASH);
}

/* A bidi control in an article is shown as its name, never obeyed: an
 * override could display a quote reversed. */
static void
add_bidi_name(kz_buf *out, int cp)
{
	char name[16];

	snprintf(name, sizeof name, "[U+%04X]", (unsigned)cp);
	kz_buf_adds(out, name);
}

void
kz_show_html_escape(kz_buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': kz_buf_adds(out, "&amp;"); break;
		case '<': kz_buf_adds(out, "&lt;"); break;
		case '>': kz_buf_adds(out, "&gt;"); break;
		case '"': kz_buf_adds(out, "&quot;"); break;
		case '\'': kz_buf_adds(out, "&#39;"); break;
		default:
			if (c == 0xD8 || c == 0xE2) {
				int cp;
				size_t n = kz_bidi_control_at(s + i, len - i, &cp);

				if (n) {
					add_bidi_name(out, cp);
					i += n - 1;
					break;
				}
			}
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
				kz_buf_adds(out, "\xEF\xBF\xBD");
			else
				kz_buf_addc(out, (char)c);
		}
	}
}

static void
html_s(kz_buf *out, const char *s)
{
	if (s)
		kz_show_html_escape(out, s, strlen(s));
}

const char *const kz_show_reads[] = { "id", "text", "date", "byline",
	"blocks", "entities", "quotes", "flags", "errors", "raw", NULL };
const char *const kz_show_skips[] = { "blocks.text", NULL };

int
kz_show_format_parse(const char *name, kz_show_format *out)
{
	if (strcmp(name, "text") == 0)
		*out = KZ_SHOW_TEXT;
	else if (strcmp(name, "html") == 0)
		*out = KZ_SHOW_HTML;
	else if (strcmp(name, "tsv") == 0)
		*out = KZ_SHOW_TSV;
	else if (strcmp(name, "csv") == 0)
		*out = KZ_SHOW_CSV;
	else
		return -1;
	return 0;
}

/* ================================================================ text */

/* Text output is built in a buffer per record, then written at once. */
typedef struct tout {
	kz_buf b;
	int color;
	size_t width;
	size_t col;         /* current column */
} tout;

enum { C_RESET, C_BOLD, C_DIM, C_RED, C_YELLOW, C_CYAN, C_GREEN, C_MAGENTA,
	C_BLUE, C_REDBOLD };

static void
color(tout *t, int c)
{
	static const char *const codes[] = { "\033[0m", "\033[1m", "\033[2m",
		"\033[31m", "\033[33m", "\033[36m", "\033[32m", "\033[35m",
		"\033[34m", "\033[1;31m" };

	if (t->color)
		kz_buf_adds(&t->b, codes[c]);
}

static int
sev_color(int sev)
{
	return sev == 0 ? C_REDBOLD : sev == 1 ? C_YELLOW : C_CYAN;
}

/* The unit of record text at s[i] as the report shows it: its length in
 * bytes, and in *cols the columns it takes. Control characters (C0, DEL,
 * C1) are shown as a space, so no escape sequence from an article reaches
 * the terminal; a bidi control by its name (*bidi set to it, else -1);
 * any other code point as itself, as wide as utf8proc_charwidth says (2
 * for wide CJK and emoji, 0 for combining marks); a byte that is no
 * UTF-8 as one column. */
static size_t
tunit(const char *s, size_t len, size_t i, size_t *cols, int *bidi)
{
	unsigned char c = (unsigned char)s[i];
	int32_t cp;
	size_t n;
	int w;

	*bidi = -1;
	*cols = 1;
	if (c < 0x20 || c == 0x7F)
		return 1;
	if ((n = kz_bidi_control_at(s + i, len - i, bidi)) > 0) {
		*cols = 8;      /* [U+202E] */
		return n;
	}
	*bidi = -1;
	if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
	    (unsigned char)s[i + 1] < 0xA0)
		return 2;
	if (c < 0x80)
		return 1;
	n = kz_utf8_decode((const unsigned char *)s + i, len - i, &cp);
	if (n == 0)
		return 1;
	w = utf8proc_charwidth(cp);
	*cols = w > 0 ? (size_t)w : 0;
	return n;
}

static int
tunit_is_control(const char *s, size_t len, size_t i)
{
	unsigned char c = (unsigned char)s[i];

	return c < 0x20 || c == 0x7F || (c == 0xC2 && i + 1 < len &&
	    (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] < 0xA0);
}

size_t
kz_show_width(const char *s, size_t len)
{
	size_t cols = 0, w;
	int bidi;

	for (size_t i = 0; i < len; cols += w)
		i += tunit(s, len, i, &w, &bidi);
	return cols;
}

/* The byte offset in s[0..len) where column `col` starts (to_end 0: the
 * first unit boundary at or past it, zero-width marks there left to what
 * they mark), or where the units that fit in `col` columns end (to_end 1:
 * zero-width marks after the last one kept with it). */
static size_t
col_offset(const char *s, size_t len, size_t col, int to_end)
{
	size_t i = 0, c = 0, w, n;
	int bidi;

	while (i < len) {
		n = tunit(s, len, i, &w, &bidi);
		if (to_end ? c + w > col : c >= col && (w > 0 || i == 0))
			break;
		c += w;
		i += n;
	}
	return i;
}

/* Append record text, made safe for a terminal (see tunit); tracks the
 * column. */
static void
tclean(tout *t, const char *s, size_t len)
{
	size_t i = 0, n, w;
	int bidi;

	while (i < len) {
		n = tunit(s, len, i, &w, &bidi);
		if (bidi >= 0)
			add_bidi_name(&t->b, bidi);
		else if (tunit_is_control(s, len, i))
			kz_buf_addc(&t->b, ' ');
		else
			kz_buf_add(&t->b, s + i, n);
		t->col += w;
		i += n;
	}
}

static void
tputs(tout *t, const char *s)
{
	tclean(t, s, strlen(s));
}

static void
tprintf(tout *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
tprintf(tout *t, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	tputs(t, tmp);
}

static void
tnl(tout *t)
{
	kz_buf_addc(&t->b, '\n');
	t->col = 0;
}

static void
tindent(tout *t, size_t n)
{
	while (t->col < n) {
		kz_buf_addc(&t->b, ' ');
		t->col++;
	}
}

/* Is the word w at s[i], followed by a space, the end, or punctuation? */
static int
is_word(const char *s, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);

	return i + n <= len && memcmp(s + i, w, n) == 0 &&
	    (i + n == len || is_space(s[i + n]) || strchr(",.;:)!?", s[i + n]));
}

/* The end of the unit of text starting at s[i] that a line must not be
 * broken in: a word, with French punctuation that stands apart from it
 * kept on its side ("« mot", "mot »", "mot :"). */
static size_t
word_end(const char *s, size_t len, size_t i)
{
	static const char *const closers[] = { "»", "›", ":", ";", "!", "?",
		"·", NULL };

	for (;;) {
		int opener = is_word(s, len, i, "«") || is_word(s, len, i, "‹");
		int joined = 0;
		size_t j;

		while (i < len && !is_space(s[i]))
			i++;
		j = i;
		while (j < len && s[j] == ' ')
			j++;
		if (j == len || j == i)
			return i;
		if (opener) {
			i = j;
			continue;
		}
		for (int k = 0; closers[k] && !joined; k++)
			if (is_word(s, len, j, closers[k])) {
				i = j + strlen(closers[k]);
				while (i < len && !is_space(s[i]))
					i++;
				joined = 1;
			}
		if (!joined)
			return i;
	}
}

/* Word-wrap s[0..len) from the current column; continuation lines start
 * at column indent. */
static void
twrap(tout *t, const char *s, size_t len, size_t indent)
{
	size_t i = 0;
	int first = 1;

	while (i < len) {
		size_t ws, we, wcp;

		while (i < len && is_space(s[i]))
			i++;
		if (i >= len)
			break;
		ws = i;
		i = word_end(s, len, i);
		we = i;
		wcp = kz_show_width(s + ws, we - ws);
		if (t->col + !first + wcp > t->width && t->col > indent) {
			while (t->b.len > 0 && t->b.data[t->b.len - 1] == ' ')
				t->b.len--;
			t->b.data[t->b.len] = '\0';
			tnl(t);
			tindent(t, indent);
		} else if (!first) {
			kz_buf_addc(&t->b, ' ');
			t->col++;
		}
		tclean(t, s + ws, we - ws);
		first = 0;
	}
}

static void
twraps(tout *t, const char *s, size_t indent)
{
	twrap(t, s, strlen(s), indent);
}

static size_t
digits(size_t n)
{
	size_t d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* Show the line holding bytes [bs, be) with that span marked underneath
 * by `mark` characters, shortened around the span to fit the width:
 *       23 │ Président lituanien
 *          │ ^^^^^^^^^^^^^^^^^^^
 */
static void
tcontext(tout *t, const art *a, size_t bs, size_t be, size_t indent,
    int c, char mark)
{
	size_t line = line_of(a, bs), ls = a->lines[line], le = line_end(a, line);
	size_t gw = digits(a->nlines), room, ncol, s0, s1, w0, w1, b0, b1;
	const char *l = a->text + ls;
	int lead, trail;

	if (be > le)
		be = le;
	if (t->width > indent + gw + 3 + 10)
		room = t->width - indent - gw - 3;
	else
		room = 10;
	/* in columns, as the terminal shows them */
	ncol = kz_show_width(l, le - ls);
	s0 = kz_show_width(l, bs - ls);
	s1 = s0 + kz_show_width(a->text + bs, be - bs);
	/* the window [w0, w1) of the line's columns to show */
	w0 = 0;
	w1 = ncol;
	if (ncol > room) {
		size_t span = s1 - s0, left;

		if (span + 2 >= room)
			left = 0;
		else
			left = (room - 2 - span) / 3;
		w0 = s0 > left ? s0 - left : 0;
		w1 = w0 + room - (w0 > 0) - 1;
		if (w1 >= ncol) {
			w1 = ncol;
			w0 = ncol > room - 1 ? ncol - (room - 1) : 0;
		}
	}
	/* the bytes of the units inside it (a wide character astride an edge
	 * is left out) */
	b0 = col_offset(l, le - ls, w0, 0);
	b1 = col_offset(l, le - ls, w1, 1);
	if (b1 < b0)
		b1 = b0;
	lead = b0 > 0;
	trail = b1 < le - ls;
	tindent(t, indent);
	color(t, C_DIM);
	tprintf(t, "%*zu │ ", (int)gw, line + 1);
	color(t, C_RESET);
	{
		size_t m0 = bs - ls, m1 = be - ls, from, n;

		if (m0 < b0)
			m0 = b0;
		if (m0 > b1)
			m0 = b1;
		if (m1 > b1)
			m1 = b1;
		if (m1 < m0)
			m1 = m0;
		if (lead)
			tputs(t, "…");
		tclean(t, l + b0, m0 - b0);
		color(t, c);
		tclean(t, l + m0, m1 - m0);
		color(t, C_RESET);
		tclean(t, l + m1, b1 - m1);
		if (trail)
			tputs(t, "…");
		tnl(t);
		tindent(t, indent);
		color(t, C_DIM);
		tprintf(t, "%*s │ ", (int)gw, "");
		color(t, C_RESET);
		/* the mark under the span's columns */
		from = kz_show_width(l + b0, m0 - b0) + lead;
		n = kz_show_width(l + m0, m1 - m0);
		tindent(t, t->col + from);
		color(t, c);
		if (n == 0)
			n = 1;
		for (size_t i = 0; i < n; i++)
			kz_buf_addc(&t->b, mark);
		t->col += n;
		color(t, C_RESET);
	}
	tnl(t);
}

static void
text_heading(tout *t, const char *name)
{
	tnl(t);
	color(t, C_BOLD);
	tputs(t, name);
	color(t, C_RESET);
	tnl(t);
}

static void
text_errors(tout *t, const art *a)
{
	const json_t *errs = get_array(a->rec, "errors"), *e;
	const char *raw = get_str(a->rec, "raw");
	size_t i;

	if (errs == NULL || json_array_size(errs) == 0)
		return;
	text_heading(t, "ERRORS");
	json_array_foreach(errs, i, e) {
		const char *stage = get_str(e, "stage"), *msg = get_str(e, "message");

		tputs(t, "  ");
		color(t, C_REDBOLD);
		tputs(t, stage ? stage : "?");
		color(t, C_RESET);
		tputs(t, "  ");
		twraps(t, msg ? msg : "(no message)", 4);
		tnl(t);
	}
	if (raw) {
		kz_buf sh;

		kz_buf_init(&sh);
		kz_show_shorten(&sh, raw, strlen(raw), t->width > 20 ? t->width - 14 : 60);
		tputs(t, "  raw line: ");
		color(t, C_DIM);
		tclean(t, sh.data, sh.len);
		color(t, C_RESET);
		tnl(t);
		kz_buf_release(&sh);
	}
}

static void
text_flags(tout *t, const art *a)
{
	size_t n, bs, be;
	flag_ref *v = sorted_flags(a->rec, &n);

	if (n == 0)
		return;
	text_heading(t, "FLAGS");
	for (size_t k = 0; k < n; k++) {
		const json_t *f = v[k].f, *ev = get_array(f, "evidence"), *e;
		const char *rule = get_str(f, "rule"), *msg = get_str(f, "message");
		const char *sev = v[k].sev < 3 ? severities[v[k].sev] : get_str(f, "severity");
		int global = flag_is_global(a, f, &bs, &be);
		size_t i, shown = 0;

		if (k > 0)
			tnl(t);
		tputs(t, "  ");
		color(t, sev_color(v[k].sev));
		tprintf(t, "%-7s", sev ? sev : "?");
		color(t, C_RESET);
		tputs(t, "  ");
		color(t, C_BOLD);
		tputs(t, rule ? rule : "(no rule)");
		color(t, C_RESET);
		if (!global) {
			color(t, C_DIM);
			tprintf(t, "  line %zu", line_of(a, bs) + 1);
			color(t, C_RESET);
		}
		tnl(t);
		if (!global) {
			tcontext(t, a, bs, be, 4, sev_color(v[k].sev), '^');
		} else if (json_string_length(json_object_get(f, "text")) > 0) {
			tindent(t, 4);
			tputs(t, "« ");
			tputs(t, get_str(f, "text"));
			tputs(t, " »");
			tnl(t);
		}
		if (msg) {
			tindent(t, 4);
			twraps(t, msg, 4);
			tnl(t);
		}
		json_array_foreach(ev, i, e) {
			int where = span_bytes(a, e, &bs, &be) == 0;

			if (!where && get_str(e, "text") == NULL)
				continue;
			if (shown == 0) {
				tindent(t, 4);
				color(t, C_DIM);
				tputs(t, "evidence:");
				color(t, C_RESET);
				tnl(t);
			}
			if (shown == 5) {
				tindent(t, 6);
				tprintf(t, "… and %zu more", json_array_size(ev) - shown);
				tnl(t);
				break;
			}
			if (where)
				tcontext(t, a, bs, be, 6, C_GREEN, '~');
			else {
				tindent(t, 6);
				tputs(t, "« ");
				tputs(t, get_str(e, "text"));
				tputs(t, " »");
				tnl(t);
			}
			shown++;
		}
	}
	free(v);
}

/* "Alexandre Loukachenko, via pronoun « Il » (Le président bélarusse)" */
static void
speaker_desc(kz_buf *b, const json_t *q)
{
	const json_t *sp = json_object_get(q, "speaker");
	const json_t *src = json_object_get(q, "source");
	const char *name = get_str(sp, "name"), *via = get_str(sp, "via");
	const char *said = get_str(sp, "text");

	if (!json_is_object(sp) || name == NULL) {
		if (json_is_object(src) && get_str(src, "text")) {
			kz_buf_addf(b, "%s source « %s »",
			    get_str(src, "kind") ? get_str(src, "kind") : "unnamed",
			    get_str(src, "text"));
		} else {
			kz_buf_adds(b, "no speaker");
		}
		return;
	}
	kz_buf_adds(b, name);
	if (via == NULL || strcmp(via, "name") == 0)
		return;
	kz_buf_addf(b, ", via %s", via);
	if (strcmp(via, "signature") == 0) {
		const char *title = get_str(json_object_get(json_object_get(q,
		    "signature"), "title"), "text");

		if (title)
			kz_buf_addf(b, " « %s »", title);
		return;
	}
	if (said && strcmp(said, name) != 0)
		kz_buf_addf(b, " « %s »", said);
	if (get_str(json_object_get(sp, "antecedent"), "text"))
		kz_buf_addf(b, " (%s)", get_str(json_object_get(sp, "antecedent"),
		    "text"));
}

static void
text_quotes(tout *t, const art *a)
{
	const json_t *quotes = get_array(a->rec, "quotes"), *q;
	const json_t *flags = get_array(a->rec, "flags");
	size_t i, nd = digits(json_array_size(quotes)), indent = nd + 12;
	kz_buf b;

	if (quotes == NULL || json_array_size(quotes) == 0)
		return;
	kz_buf_init(&b);
	text_heading(t, "QUOTES");
	json_array_foreach(quotes, i, q) {
		const char *kind = get_str(q, "kind"), *words = get_str(q, "text");
		const char *cue = get_str(json_object_get(q, "cue"), "text");
		const json_t *same = json_object_get(q, "same_as"), *f;
		size_t j;

		if (!json_is_object(q))
			continue;
		tputs(t, "  ");
		color(t, C_DIM);
		tprintf(t, "%*zu ", (int)nd, i + 1);
		color(t, C_RESET);
		tprintf(t, "%-8s", kind ? kind : "?");
		tindent(t, indent);
		kz_buf_reset(&b);
		speaker_desc(&b, q);
		color(t, json_is_object(json_object_get(q, "speaker")) ? C_GREEN : C_DIM);
		twrap(t, b.data, b.len, indent);
		color(t, C_RESET);
		if (cue) {
			tputs(t, ", ");
			kz_buf_reset(&b);
			kz_buf_addf(&b, "cue « %s »", cue);
			twrap(t, b.data, b.len, indent);
		}
		if (json_is_integer(same)) {
			kz_buf_reset(&b);
			kz_buf_addf(&b, "(repeats %lld)", (long long)json_integer_value(same) + 1);
			tputs(t, " ");
			twrap(t, b.data, b.len, indent);
		}
		tnl(t);
		json_array_foreach(flags, j, f) {
			if (!flag_on_quote(f, q))
				continue;
			tindent(t, indent);
			color(t, sev_color(severity_index(get_str(f, "severity"))));
			tprintf(t, "⚑ %s %s", get_str(f, "severity") ? get_str(f, "severity") : "?",
			    get_str(f, "rule") ? get_str(f, "rule") : "?");
			color(t, C_RESET);
			tnl(t);
		}
		if (words) {
			size_t max = (t->width > indent + 10 ? t->width - indent : 40) * 3 - 6;

			kz_buf_reset(&b);
			kz_buf_adds(&b, "« ");
			kz_show_shorten(&b, words, strlen(words), max);
			kz_buf_adds(&b, " »");
			tindent(t, indent);
			twrap(t, b.data, b.len, indent);
			tnl(t);
		}
	}
	kz_buf_release(&b);
}

static void
text_entities(tout *t, const art *a)
{
	size_t n, i = 0;
	ent_count *v = count_entities(a->rec, &n);
	kz_buf b;

	if (n == 0) {
		free(v);
		return;
	}
	kz_buf_init(&b);
	text_heading(t, "ENTITIES");
	while (i < n) {
		const char *type = v[i].type;
		size_t j = i;

		tputs(t, "  ");
		color(t, C_MAGENTA);
		tprintf(t, "%-5s", type);
		color(t, C_RESET);
		tindent(t, 8);
		for (; j < n && strcmp(v[j].type, type) == 0; j++) {
			kz_buf_reset(&b);
			kz_buf_adds(&b, v[j].name);
			if (v[j].count > 1)
				kz_buf_addf(&b, " ×%zu", v[j].count);
			if (j + 1 < n && strcmp(v[j + 1].type, type) == 0)
				kz_buf_addc(&b, ',');
			/* keep "name ×N," together: wrap on the whole item */
			if (j > i && t->col + 1 + kz_show_width(b.data, b.len) > t->width &&
			    t->col > 8) {
				tnl(t);
				tindent(t, 8);
			} else if (j > i) {
				tputs(t, " ");
			}
			tclean(t, b.data, b.len);
		}
		tnl(t);
		i = j;
	}
	kz_buf_release(&b);
	free(v);
}

static void
text_record(tout *t, const art *a, size_t nrec)
{
	size_t counts[3], tl, nq, ne;
	const char *title, *date = get_str(a->rec, "date");
	const json_t *authors = get_array(json_object_get(a->rec, "byline"), "authors");
	kz_buf b;

	kz_buf_init(&b);
	if (nrec > 0) {
		tnl(t);
		color(t, C_DIM);
		for (size_t i = 0; i < t->width; i++)
			kz_buf_adds(&t->b, "─");
		color(t, C_RESET);
		tnl(t);
	}
	title_of(a, &title, &tl);
	color(t, C_BOLD);
	tputs(t, a->id);
	color(t, C_RESET);
	if (tl > 0) {
		size_t indent = t->col + 2 < 24 ? t->col + 2 : 4;

		tputs(t, "  ");
		color(t, C_BOLD);
		twrap(t, title, tl, indent);
		color(t, C_RESET);
	}
	tnl(t);
	/* one line of facts: date, authors, counts */
	kz_show_count_flags(a->rec, counts);
	nq = json_array_size(get_array(a->rec, "quotes"));
	ne = json_array_size(get_array(a->rec, "entities"));
	if (date)
		kz_buf_addf(&b, "%s", date);
	if (json_array_size(authors) > 0) {
		const json_t *au;
		size_t i;

		kz_buf_adds(&b, b.len ? " · by " : "by ");
		json_array_foreach(authors, i, au)
			kz_buf_addf(&b, "%s%s", i ? ", " : "",
			    get_str(au, "text") ? get_str(au, "text") : "?");
	}
	if (get_array(a->rec, "flags")) {
		if (counts[0] + counts[1] + counts[2] == 0)
			kz_buf_addf(&b, "%sno flags", b.len ? " · " : "");
		else {
			const char *sep = b.len ? " · " : "";

			for (int k = 0; k < 3; k++) {
				if (counts[k] == 0)
					continue;
				kz_buf_addf(&b, "%s%zu %s%s", sep, counts[k], severities[k],
				    counts[k] > 1 && k < 2 ? "s" : "");
				sep = ", ";
			}
		}
	}
	if (get_array(a->rec, "quotes"))
		kz_buf_addf(&b, "%s%zu quote%s", b.len ? " · " : "", nq, nq == 1 ? "" : "s");
	if (get_array(a->rec, "entities"))
		kz_buf_addf(&b, "%s%zu name%s", b.len ? " · " : "", ne, ne == 1 ? "" : "s");
	if (b.len) {
		size_t indent = strlen(a->id) + 2 < 24 ? strlen(a->id) + 2 : 4;

		tindent(t, tl > 0 ? indent : 0);
		color(t, C_DIM);
		twrap(t, b.data, b.len, t->col);
		color(t, C_RESET);
		tnl(t);
	}
	kz_buf_release(&b);
	text_errors(t, a);
	text_flags(t, a);
	text_quotes(t, a);
	text_entities(t, a);
}

/* ================================================================ tsv */

static void
tsv_record(kz_buf *b, const art *a)
{
	const json_t *quotes = get_array(a->rec, "quotes"), *q;
	const json_t *flags = get_array(a->rec, "flags"), *f;
	size_t i, j;

	json_array_foreach(quotes, i, q) {
		const char *name = get_str(json_object_get(q, "speaker"), "name");
		const char *words = get_str(q, "text"), *kind = get_str(q, "kind");
		const char *cue = get_str(json_object_get(q, "cue"), "text");
		int any = 0;

		if (!json_is_object(q))
			continue;
		kz_show_tsv_escape(b, a->id, strlen(a->id));
		kz_buf_addc(b, '\t');
		if (name)
			kz_show_tsv_escape(b, name, strlen(name));
		kz_buf_addc(b, '\t');
		if (words)
			kz_show_tsv_escape(b, words, strlen(words));
		kz_buf_addc(b, '\t');
		if (cue)
			kz_show_tsv_escape(b, cue, strlen(cue));
		kz_buf_addc(b, '\t');
		if (kind)
			kz_show_tsv_escape(b, kind, strlen(kind));
		kz_buf_addc(b, '\t');
		json_array_foreach(flags, j, f) {
			const char *rule = get_str(f, "rule"), *sev = get_str(f, "severity");

			if (!flag_on_quote(f, q))
				continue;
			if (any++)
				kz_buf_adds(b, ", ");
			kz_show_tsv_escape(b, rule ? rule : "?", strlen(rule ? rule : "?"));
			kz_buf_addc(b, ':');
			kz_show_tsv_escape(b, sev ? sev : "?", strlen(sev ? sev : "?"));
		}
		kz_buf_addc(b, '\n');
	}
}

/* ================================================================ csv */

static const char csv_header[] =
    "id,line,start,end,item,rule,severity,message,text,speaker,via\r\n";

/* One row: where the span is (line of the article, code points), what it
 * is, and who speaks when it is a quote or a flag on one. */
static void
csv_row(kz_buf *b, const art *a, const json_t *span, const char *item,
    const char *rule, const char *sev, const char *message, const json_t *q)
{
	const json_t *sp = q ? json_object_get(q, "speaker") : NULL;
	const json_t *s = json_object_get(span, "start");
	const json_t *e = json_object_get(span, "end");
	size_t bs, be;

	kz_csv_adds(b, a->id, 1);
	if (span_bytes(a, span, &bs, &be) == 0)
		kz_csv_add_long(b, (long long)line_of(a, bs) + 1, 0);
	else
		kz_csv_adds(b, NULL, 0);
	if (json_is_integer(s) && json_is_integer(e)) {
		kz_csv_add_long(b, json_integer_value(s), 0);
		kz_csv_add_long(b, json_integer_value(e), 0);
	} else {
		kz_csv_adds(b, NULL, 0);
		kz_csv_adds(b, NULL, 0);
	}
	kz_csv_adds(b, item, 0);
	kz_csv_adds(b, rule, 0);
	kz_csv_adds(b, sev, 0);
	kz_csv_adds(b, message, 0);
	kz_csv_adds(b, get_str(span, "text"), 0);
	kz_csv_adds(b, get_str(sp, "name"), 0);
	kz_csv_adds(b, get_str(sp, "via"), 0);
	kz_csv_end(b);
}

/* Every flag (on a quote or not), then every quote. */
static void
csv_record(kz_buf *b, const art *a)
{
	const json_t *quotes = get_array(a->rec, "quotes"), *q;
	const json_t *flags = get_array(a->rec, "flags"), *f;
	size_t i, j;

	json_array_foreach(flags, i, f) {
		const json_t *on = NULL;

		if (!json_is_object(f))
			continue;
		json_array_foreach(quotes, j, q)
			if (json_is_object(q) && flag_on_quote(f, q)) {
				on = q;
				break;
			}
		csv_row(b, a, f, "flag", get_str(f, "rule"), get_str(f, "severity"),
		    get_str(f, "message"), on);
	}
	json_array_foreach(quotes, i, q)
		if (json_is_object(q))
			csv_row(b, a, q, "quote", get_str(q, "kind"), NULL, NULL, q);
}

/* ================================================================ html */

/* The page is share/show/report.html with report.css and report.js,
 * embedded at build time (tools/embed-files.sh). The template is written
 * in pieces, each up to a {{slot}}: css and js are filled from their
 * files, articles, totals and index by the caller, which streams the
 * articles between the head and the index. A slot alone on its line
 * stands for whole lines (what fills it ends with its own newline). */
#include "show_assets.h"

#define TPL ((const char *)kz_asset_report_html)

/* Append the template from s->tpl up to the slot `slot` (NULL: to the
 * end), filling css and js on the way; s->tpl then points past it. */
static void
html_part(kz_show *s, kz_buf *b, const char *slot)
{
	const char *p = TPL + s->tpl;

	for (;;) {
		const char *m = strstr(p, "{{"), *e = m ? strstr(m + 2, "}}") : NULL;
		size_t n;
		int line;

		if (m == NULL || e == NULL) {
			kz_buf_adds(b, p);
			p += strlen(p);
			break;
		}
		n = (size_t)(e - m - 2);
		line = (m == TPL || m[-1] == '\n') && e[2] == '\n';
		kz_buf_add(b, p, (size_t)(m - p));
		p = e + 2 + line;
		if (slot && strlen(slot) == n && memcmp(m + 2, slot, n) == 0)
			break;
		if (n == 3 && memcmp(m + 2, "css", 3) == 0)
			kz_buf_adds(b, (const char *)kz_asset_report_css);
		else if (n == 2 && memcmp(m + 2, "js", 2) == 0)
			kz_buf_adds(b, (const char *)kz_asset_report_js);
		else
			kz_buf_add(b, m, (size_t)(p - m));   /* not a slot: as written */
	}
	s->tpl = (size_t)(p - TPL);
}

/* The CSS class of report.css for a value of a record (an entity's type,
 * a quote's kind): its row of names, else dflt. */
typedef struct { const char *value, *cls; } css_class;

static const char *
class_of(const css_class *t, const char *value, const char *dflt)
{
	for (; value != NULL && t->value != NULL; t++)
		if (strcmp(t->value, value) == 0)
			return t->cls;
	return dflt;
}

static const css_class ent_classes[] = {
	{ "PER", "eP" }, { "ORG", "eO" }, { "LOC", "eL" }, { "MISC", "eM" },
	{ NULL, NULL }
};
static const css_class quote_classes[] = {
	{ "scare", "qs" }, { "pull", "qu" }, { "partial", "qp" }, { NULL, NULL }
};

static const char *
ent_class(const char *type)
{
	return class_of(ent_classes, type, "eX");
}

static const char *
quote_class(const char *kind)
{
	return class_of(quote_classes, kind, "qd");
}

static const char *const sev_class[] = { "fe", "fw", "fi", "fi" };

/* An annotation of the text: a highlighted byte range. */
enum { A_ENT, A_QUOTE, A_SPEAKER, A_CUE, A_FLAG, A_EVID };

typedef struct ann {
	size_t bs, be;
	int kind;
	size_t idx;         /* entity, quote or flag index in the record */
	const json_t *obj;
} ann;

typedef struct anns {
	ann *v;
	size_t n, cap;
} anns;

static void
ann_add(anns *as, const art *a, const json_t *span, int kind, size_t idx,
    const json_t *obj)
{
	size_t bs, be;

	if (span_bytes(a, span, &bs, &be) != 0 || bs == be)
		return;
	if (as->n == as->cap) {
		as->cap = as->cap ? as->cap * 2 : 64;
		as->v = kz_realloc(as->v, as->cap * sizeof *as->v);
	}
	as->v[as->n++] = (ann){ bs, be, kind, idx, obj };
}

typedef struct event {
	size_t pos;
	int start;          /* 0 end, 1 start: ends sort first */
	size_t ann;
} event;

static int
event_cmp(const void *x, const void *y)
{
	const event *a = x, *b = y;

	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	if (a->start != b->start)
		return a->start - b->start;
	return a->ann < b->ann ? -1 : a->ann > b->ann;
}

/* The class and title of a segment covered by the active annotations. */
static void
segment_open(kz_buf *b, const anns *as, const size_t *active, size_t nact)
{
	kz_buf fl, ev, title;
	int seen[6] = { 0 };

	kz_buf_init(&fl);
	kz_buf_init(&ev);
	kz_buf_init(&title);
	kz_buf_adds(b, "<span class=\"");
	for (size_t i = 0; i < nact; i++) {
		const ann *x = &as->v[active[i]];
		const char *s;

		if (title.len)
			kz_buf_adds(&title, " · ");
		switch (x->kind) {
		case A_ENT:
			s = get_str(x->obj, "type");
			kz_buf_addf(b, "%se %s", i ? " " : "", ent_class(s));
			kz_buf_addf(&title, "%s %s", s ? s : "?",
			    get_str(x->obj, "canonical") ? get_str(x->obj, "canonical") : "");
			break;
		case A_QUOTE:
			s = get_str(x->obj, "kind");
			kz_buf_addf(b, "%sq %s", i ? " " : "", quote_class(s));
			kz_buf_addf(&title, "quote %zu (%s)", x->idx + 1, s ? s : "?");
			if (get_str(json_object_get(x->obj, "speaker"), "name"))
				kz_buf_addf(&title, ": %s", get_str(json_object_get(x->obj,
				    "speaker"), "name"));
			break;
		case A_SPEAKER:
			kz_buf_addf(b, "%ssp", i ? " " : "");
			kz_buf_addf(&title, "speaker of quote %zu", x->idx + 1);
			break;
		case A_CUE:
			kz_buf_addf(b, "%scu", i ? " " : "");
			kz_buf_addf(&title, "cue of quote %zu", x->idx + 1);
			break;
		case A_FLAG:
			kz_buf_addf(b, "%sf %s", i ? " " : "",
			    sev_class[severity_index(get_str(x->obj, "severity"))]);
			kz_buf_addf(&fl, "%s%zu", fl.len ? " " : "", x->idx);
			kz_buf_addf(&title, "%s %s", get_str(x->obj, "severity") ?
			    get_str(x->obj, "severity") : "?",
			    get_str(x->obj, "rule") ? get_str(x->obj, "rule") : "?");
			break;
		case A_EVID:
			if (!seen[A_EVID])
				kz_buf_addf(b, "%sev", i ? " " : "");
			kz_buf_addf(&ev, "%s%zu", ev.len ? " " : "", x->idx);
			kz_buf_addf(&title, "evidence for %s",
			    get_str(x->obj, "rule") ? get_str(x->obj, "rule") : "?");
			break;
		}
		seen[x->kind] = 1;
	}
	kz_buf_addc(b, '"');
	if (fl.len)
		kz_buf_addf(b, " data-f=\"%s\"", fl.data);
	if (ev.len)
		kz_buf_addf(b, " data-ev=\"%s\"", ev.data);
	if (title.len) {
		kz_buf_adds(b, " title=\"");
		kz_show_html_escape(b, title.data, title.len);
		kz_buf_addc(b, '"');
	}
	kz_buf_addc(b, '>');
	kz_buf_release(&fl);
	kz_buf_release(&ev);
	kz_buf_release(&title);
}

/* One flag as a card, with its message and links to its evidence. */
static void
html_card(kz_buf *b, const art *a, size_t art_no, const json_t *f, size_t k)
{
	const json_t *ev = get_array(f, "evidence"), *e;
	const char *sev = get_str(f, "severity"), *msg = get_str(f, "message");
	size_t i, bs, be;

	kz_buf_addf(b, "<div class=\"card %s\" data-k=\"%zu\"><span class=\"sev\">",
	    sev_class[severity_index(sev)], k);
	html_s(b, sev ? sev : "?");
	kz_buf_adds(b, "</span><span class=\"rule\">");
	html_s(b, get_str(f, "rule") ? get_str(f, "rule") : "?");
	kz_buf_adds(b, "</span>");
	if (json_string_length(json_object_get(f, "text")) > 0) {
		kz_buf_adds(b, " « ");
		html_s(b, get_str(f, "text"));
		kz_buf_adds(b, " »");
	}
	if (msg) {
		kz_buf_adds(b, "<p>");
		html_s(b, msg);
		kz_buf_adds(b, "</p>");
	}
	if (json_array_size(ev) > 0) {
		kz_buf_adds(b, "<ul>");
		json_array_foreach(ev, i, e) {
			kz_buf_adds(b, "<li>");
			if (span_bytes(a, e, &bs, &be) == 0) {
				size_t l = line_of(a, bs) + 1;

				kz_buf_addf(b, "<a href=\"#a%zu-l%zu\">line %zu</a> ", art_no, l, l);
			}
			kz_buf_adds(b, "« ");
			html_s(b, get_str(e, "text"));
			kz_buf_adds(b, " »</li>");
		}
		kz_buf_adds(b, "</ul>");
	}
	kz_buf_adds(b, "</div>");
}

/* The block kind of each line (the first block starting on it wins). */
static const char **
line_kinds(const art *a)
{
	const char **k = kz_calloc(a->nlines, sizeof *k);
	const json_t *blocks = get_array(a->rec, "blocks"), *blk;
	size_t i, bs, be;

	json_array_foreach(blocks, i, blk) {
		const char *kind = get_str(blk, "kind");

		if (kind == NULL || span_bytes(a, blk, &bs, &be) != 0)
			continue;
		for (size_t l = line_of(a, bs); l < a->nlines && a->lines[l] <= be; l++) {
			if (k[l] == NULL)
				k[l] = kind;
			if (a->lines[l] == be)
				break;
		}
	}
	return k;
}

static int
kind_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '-'))
			return 0;
	return 1;
}

/* The article's lines, highlighted, each with the cards of the flags
 * that start on it. */
static void
html_text(kz_buf *b, const art *a, size_t art_no, const flag_ref *fl,
    size_t nfl)
{
	const json_t *arr, *x, *ev, *e;
	const char **kinds = line_kinds(a);
	anns as = { 0 };
	event *evs;
	size_t *active, nact = 0, nev = 0, i, j, pos = 0, line = 0, ei = 0;
	size_t *flag_line = kz_calloc(nfl ? nfl : 1, sizeof *flag_line);

	arr = get_array(a->rec, "entities");
	json_array_foreach(arr, i, x)
		ann_add(&as, a, x, A_ENT, i, x);
	arr = get_array(a->rec, "quotes");
	json_array_foreach(arr, i, x) {
		ann_add(&as, a, x, A_QUOTE, i, x);
		ann_add(&as, a, json_object_get(x, "speaker"), A_SPEAKER, i, x);
		ann_add(&as, a, json_object_get(x, "cue"), A_CUE, i, x);
	}
	arr = get_array(a->rec, "flags");
	json_array_foreach(arr, i, x) {
		ann_add(&as, a, x, A_FLAG, i, x);
		ev = get_array(x, "evidence");
		json_array_foreach(ev, j, e)
			ann_add(&as, a, e, A_EVID, i, x);
	}
	/* flags in line order, for the notes column */
	for (i = 0; i < nfl; i++) {
		size_t bs, be;

		flag_line[i] = flag_is_global(a, fl[i].f, &bs, &be) ? (size_t)-1 :
		    line_of(a, bs);
	}
	evs = kz_malloc((2 * as.n + 1) * sizeof *evs);
	for (i = 0; i < as.n; i++) {
		evs[nev++] = (event){ as.v[i].bs, 1, i };
		evs[nev++] = (event){ as.v[i].be, 0, i };
	}
	qsort(evs, nev, sizeof *evs, event_cmp);
	active = kz_malloc((as.n + 1) * sizeof *active);

	kz_buf_adds(b, "<div class=\"doc\">\n");
	for (;;) {
		size_t next, end;

		/* open the row for `line` */
		kz_buf_addf(b, "<div class=\"ln%s%s%s\" id=\"a%zu-l%zu\"><a class=\"no\""
		    " href=\"#a%zu-l%zu\">%zu</a><div class=\"tx\">",
		    kinds[line] && kind_ok(kinds[line]) ? " k-" : "",
		    kinds[line] && kind_ok(kinds[line]) ? kinds[line] : "",
		    line_end(a, line) == a->lines[line] ? " bl" : "",
		    art_no, line + 1, art_no, line + 1, line + 1);
		end = line_end(a, line);
		while (pos < end || (pos == end && ei < nev && evs[ei].pos == pos)) {
			while (ei < nev && evs[ei].pos <= pos) {
				if (evs[ei].start) {
					active[nact++] = evs[ei].ann;
				} else {
					for (j = 0; j < nact; j++)
						if (active[j] == evs[ei].ann) {
							memmove(active + j, active + j + 1,
							    (nact - j - 1) * sizeof *active);
							nact--;
							break;
						}
				}
				ei++;
			}
			if (pos >= end)
				break;
			next = ei < nev && evs[ei].pos < end ? evs[ei].pos : end;
			if (nact) {
				segment_open(b, &as, active, nact);
				kz_show_html_escape(b, a->text + pos, next - pos);
				kz_buf_adds(b, "</span>");
			} else {
				kz_show_html_escape(b, a->text + pos, next - pos);
			}
			pos = next;
		}
		kz_buf_adds(b, "</div><div class=\"nt\">");
		for (i = 0; i < nfl; i++)
			if (flag_line[i] == line)
				html_card(b, a, art_no, fl[i].f, fl[i].index);
		kz_buf_adds(b, "</div></div>\n");
		if (line + 1 >= a->nlines)
			break;
		line++;
		pos = a->lines[line];
	}
	kz_buf_adds(b, "</div>\n");
	free(active);
	free(evs);
	free(as.v);
	free(kinds);
	free(flag_line);
}

static void
html_quotes_table(kz_buf *b, const art *a, size_t art_no)
{
	const json_t *quotes = get_array(a->rec, "quotes"), *q, *f;
	const json_t *flags = get_array(a->rec, "flags");
	size_t i, j, bs, be;
	kz_buf tmp;

	if (quotes == NULL)
		return;
	kz_buf_init(&tmp);
	kz_buf_addf(b, "<details class=\"quotes\"%s><summary>Quotes (%zu)</summary>\n",
	    json_array_size(quotes) ? " open" : "", json_array_size(quotes));
	if (json_array_size(quotes) == 0) {
		kz_buf_adds(b, "<p class=\"empty\">No quotes.</p></details>\n");
		kz_buf_release(&tmp);
		return;
	}
	kz_buf_adds(b, "<table><thead><tr><th>#</th><th>kind</th><th>speaker</th>"
	    "<th>cue</th><th>quote</th><th>flags</th></tr></thead><tbody>\n");
	json_array_foreach(quotes, i, q) {
		const char *words = get_str(q, "text");

		kz_buf_reset(&tmp);
		speaker_desc(&tmp, q);
		kz_buf_addf(b, "<tr><td>");
		if (span_bytes(a, q, &bs, &be) == 0)
			kz_buf_addf(b, "<a href=\"#a%zu-l%zu\">%zu</a>", art_no,
			    line_of(a, bs) + 1, i + 1);
		else
			kz_buf_addf(b, "%zu", i + 1);
		kz_buf_adds(b, "</td><td>");
		html_s(b, get_str(q, "kind"));
		if (json_is_integer(json_object_get(q, "same_as")))
			kz_buf_addf(b, " (repeats %lld)",
			    (long long)json_integer_value(json_object_get(q, "same_as")) + 1);
		kz_buf_adds(b, "</td><td>");
		kz_show_html_escape(b, tmp.data, tmp.len);
		kz_buf_adds(b, "</td><td>");
		html_s(b, get_str(json_object_get(q, "cue"), "text"));
		kz_buf_adds(b, "</td><td>");
		if (words) {
			kz_buf_reset(&tmp);
			kz_show_shorten(&tmp, words, strlen(words), 240);
			kz_show_html_escape(b, tmp.data, tmp.len);
		}
		kz_buf_adds(b, "</td><td>");
		json_array_foreach(flags, j, f) {
			if (!flag_on_quote(f, q))
				continue;
			kz_buf_addf(b, "<span class=\"b %c\">",
			    "ewix"[severity_index(get_str(f, "severity"))]);
			html_s(b, get_str(f, "rule"));
			kz_buf_adds(b, "</span> ");
		}
		kz_buf_adds(b, "</td></tr>\n");
	}
	kz_buf_adds(b, "</tbody></table></details>\n");
	kz_buf_release(&tmp);
}

static void
html_entities(kz_buf *b, const art *a)
{
	size_t n, i = 0;
	ent_count *v = count_entities(a->rec, &n);

	if (n == 0) {
		free(v);
		return;
	}
	kz_buf_addf(b, "<details class=\"ents\"><summary>Names (%zu)</summary><dl>\n",
	    json_array_size(get_array(a->rec, "entities")));
	while (i < n) {
		const char *type = v[i].type;
		size_t j;

		kz_buf_addf(b, "<dt><span class=\"e %s\">", ent_class(type));
		html_s(b, type);
		kz_buf_adds(b, "</span></dt><dd>");
		for (j = i; j < n && strcmp(v[j].type, type) == 0; j++) {
			html_s(b, v[j].name);
			if (v[j].count > 1)
				kz_buf_addf(b, "&nbsp;×%zu", v[j].count);
			if (j + 1 < n && strcmp(v[j + 1].type, type) == 0)
				kz_buf_adds(b, ", ");
		}
		kz_buf_adds(b, "</dd>\n");
		i = j;
	}
	kz_buf_adds(b, "</dl></details>\n");
	free(v);
}

static void
html_badges(kz_buf *b, const size_t counts[3], int errors)
{
	if (errors)
		kz_buf_adds(b, "<span class=\"b x\" title=\"record errors\">!</span>");
	for (int k = 0; k < 3; k++)
		if (counts[k])
			kz_buf_addf(b, "<span class=\"b %c\" title=\"%s\">%zu</span>",
			    "ewi"[k], severities[k], counts[k]);
}

static void
html_record(kz_show *s, kz_buf *b, const art *a)
{
	size_t art_no = s->nrec + 1, counts[3], tl, nfl, bs, be, i;
	const char *title, *date = get_str(a->rec, "date");
	const json_t *errs = get_array(a->rec, "errors"), *e;
	flag_ref *fl = sorted_flags(a->rec, &nfl);
	int bad = kz_show_has_errors(a->rec), global = 0;

	kz_show_count_flags(a->rec, counts);
	title_of(a, &title, &tl);
	/* the index entry, written at the end */
	kz_buf_addf(&s->nav, "<li data-flags=\"%zu\"><a href=\"#a%zu\">",
	    counts[0] + counts[1], art_no);
	kz_buf_adds(&s->nav, "<span class=\"aid\">");
	html_s(&s->nav, a->id);
	kz_buf_adds(&s->nav, "</span>");
	kz_buf_reset(b);
	kz_show_shorten(b, title, tl, 90);
	kz_show_html_escape(&s->nav, b->data, b->len);
	kz_buf_reset(b);
	kz_buf_adds(&s->nav, "</a>");
	html_badges(&s->nav, counts, bad);
	kz_buf_adds(&s->nav, "</li>\n");

	kz_buf_addf(b, "<section class=\"art\" id=\"a%zu\" data-flags=\"%zu\" data-id=\"",
	    art_no, counts[0] + counts[1]);
	html_s(b, a->id);
	kz_buf_adds(b, "\">\n<h2><span class=\"aid\">");
	html_s(b, a->id);
	kz_buf_adds(b, "</span>");
	kz_show_html_escape(b, title, tl);
	html_badges(b, counts, bad);
	kz_buf_adds(b, "</h2>\n<p class=\"meta\">");
	kz_buf_addf(b, "%s", date ? "" : "date unknown");
	html_s(b, date);
	kz_buf_addf(b, " · %zu lines · %zu quotes · %zu names</p>\n", a->nlines,
	    json_array_size(get_array(a->rec, "quotes")),
	    json_array_size(get_array(a->rec, "entities")));
	if (bad) {
		kz_buf_adds(b, "<div class=\"errs\"><b>Errors</b><ul>");
		json_array_foreach(errs, i, e) {
			kz_buf_adds(b, "<li><b>");
			html_s(b, get_str(e, "stage") ? get_str(e, "stage") : "?");
			kz_buf_adds(b, "</b>: ");
			html_s(b, get_str(e, "message"));
			kz_buf_adds(b, "</li>");
		}
		kz_buf_adds(b, "</ul>");
		if (get_str(a->rec, "raw")) {
			kz_buf_adds(b, "raw line:<pre>");
			html_s(b, get_str(a->rec, "raw"));
			kz_buf_adds(b, "</pre>");
		}
		kz_buf_adds(b, "</div>\n");
	}
	for (i = 0; i < nfl; i++) {
		if (!flag_is_global(a, fl[i].f, &bs, &be))
			continue;
		if (!global++)
			kz_buf_adds(b, "<div class=\"artnotes\">");
		html_card(b, a, art_no, fl[i].f, fl[i].index);
	}
	if (global)
		kz_buf_adds(b, "</div>\n");
	if (a->len > 0)
		html_text(b, a, art_no, fl, nfl);
	html_quotes_table(b, a, art_no);
	html_entities(b, a);
	kz_buf_adds(b, "</section>\n");
	free(fl);
}

static void
html_end(kz_show *s, kz_buf *b)
{
	if (s->nrec == 0)
		kz_buf_adds(b, "<p class=\"empty\">No articles in the input.</p>\n");
	html_part(s, b, "totals");
	kz_buf_addf(b, "%zu article%s · %zu error%s · %zu warning%s"
	    " · %zu info", s->nrec, s->nrec == 1 ? "" : "s",
	    s->totals[0], s->totals[0] == 1 ? "" : "s",
	    s->totals[1], s->totals[1] == 1 ? "" : "s", s->totals[2]);
	if (s->nbad)
		kz_buf_addf(b, " · %zu with record errors", s->nbad);
	html_part(s, b, "index");
	kz_buf_add(b, s->nav.data, s->nav.len);
	html_part(s, b, NULL);
}

/* ================================================================ api */

kz_show *
kz_show_new(FILE *out, const kz_show_opts *opts)
{
	kz_show *s = kz_calloc(1, sizeof *s);

	s->out = out;
	s->o = *opts;
	if (s->o.width <= 0)
		s->o.width = 80;
	if (s->o.width < 40)
		s->o.width = 40;
	kz_buf_init(&s->nav);
	return s;
}

void
kz_show_free(kz_show *s)
{
	if (s == NULL)
		return;
	kz_buf_release(&s->nav);
	free(s);
}

static int
put(kz_show *s, const kz_buf *b)
{
	if (b->len && fwrite(b->data, 1, b->len, s->out) != b->len)
		return -1;
	return ferror(s->out) ? -1 : 0;
}

int
kz_show_record(kz_show *s, const json_t *rec)
{
	art a;
	size_t counts[3];
	int rc;

	art_init(&a, rec);
	kz_show_count_flags(rec, counts);
	if (s->o.format == KZ_SHOW_TEXT) {
		tout t = { .color = s->o.color, .width = (size_t)s->o.width };

		kz_buf_init(&t.b);
		text_record(&t, &a, s->nrec);
		rc = put(s, &t.b);
		kz_buf_release(&t.b);
	} else {
		kz_buf b;

		kz_buf_init(&b);
		if (!s->started && s->o.format == KZ_SHOW_TSV)
			kz_buf_adds(&b, "id\tspeaker\tquote\tcue\tkind\tflags\n");
		if (!s->started && s->o.format == KZ_SHOW_CSV)
			kz_buf_adds(&b, csv_header);
		if (!s->started && s->o.format == KZ_SHOW_HTML)
			html_part(s, &b, "articles");
		s->started = 1;
		if (s->o.format == KZ_SHOW_TSV) {
			tsv_record(&b, &a);
		} else if (s->o.format == KZ_SHOW_CSV) {
			csv_record(&b, &a);
		} else {
			if (put(s, &b) != 0) {
				kz_buf_release(&b);
				art_release(&a);
				return -1;
			}
			kz_buf_reset(&b);
			html_record(s, &b, &a);
		}
		rc = put(s, &b);
		kz_buf_release(&b);
	}
	for (int k = 0; k < 3; k++)
		s->totals[k] += counts[k];
	if (kz_show_has_errors(rec))
		s->nbad++;
	s->nrec++;
	art_release(&a);
	return rc;
}

int
kz_show_finish(kz_show *s)
{
	kz_buf b;
	int rc;

	kz_buf_init(&b);
	if (s->o.format == KZ_SHOW_TSV && !s->started)
		kz_buf_adds(&b, "id\tspeaker\tquote\tcue\tkind\tflags\n");
	if (s->o.format == KZ_SHOW_CSV && !s->started)
		kz_buf_adds(&b, csv_header);
	if (s->o.format == KZ_SHOW_HTML) {
		if (!s->started)
			html_part(s, &b, "articles");
		html_end(s, &b);
	}
	s->started = 1;
	rc = put(s, &b);
	kz_buf_release(&b);
	if (fflush(s->out) != 0)
		rc = -1;
	return rc;
}
