#include "normalize.h"

#include "jsonline.h"

#include "buf.h"
#include "datapath.h"
#include "date.h"
#include "fold.h"
#include "record.h"
#include "text.h"
#include "wordlist.h"
#include "yamltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

struct kz_normalizer {
	kz_folder *folder;
	kz_wordlist boilerplate_prefixes;
	kz_wordlist boilerplate_lines;
	kz_wordlist related_headers;
	kz_wordlist credit_markers;
	kz_wordlist byline_prefixes;
	kz_wordlist byline_joiners;
	kz_wordlist agencies;
	kz_wordlist date_prefixes;
	kz_wordlist update_prefixes;
	kz_wordlist weekdays;
	kz_wordlist outlet_prefixes;
	kz_wordlist counter_words;
	kz_wordlist embed_lines;
	kz_wordlist months;
	int month_number[64];
	kz_wordlist abbreviations;
	kz_wordlist boilerplate_phrases;    /* optional key */
};

static kz_wordlist *
list_of(kz_normalizer *n, size_t i)
{
	kz_wordlist *lists[] = {
		&n->boilerplate_prefixes, &n->boilerplate_lines,
		&n->related_headers, &n->credit_markers, &n->byline_prefixes,
		&n->byline_joiners, &n->agencies, &n->date_prefixes,
		&n->abbreviations, &n->update_prefixes, &n->weekdays,
		&n->outlet_prefixes, &n->counter_words, &n->embed_lines,
	};

	return i < sizeof lists / sizeof lists[0] ? lists[i] : NULL;
}

static const char *const list_keys[] = {
	"boilerplate_prefixes", "boilerplate_lines", "related_headers",
	"credit_markers", "byline_prefixes", "byline_joiners", "agencies",
	"date_prefixes", "abbreviations", "update_prefixes", "weekdays",
	"outlet_prefixes", "counter_words", "embed_lines", NULL
};

kz_normalizer *
kz_normalizer_load(const char *path, kz_error *err)
{
	static const char *const known[] = {
		"boilerplate_prefixes", "boilerplate_lines", "related_headers",
		"credit_markers", "byline_prefixes", "byline_joiners", "agencies",
		"date_prefixes", "abbreviations", "months", "update_prefixes",
		"weekdays", "outlet_prefixes", "counter_words", "embed_lines",
		"boilerplate_phrases", NULL
	};
	kz_normalizer *n = kz_calloc(1, sizeof *n);
	const kz_yaml_node *months;
	kz_yaml_doc doc;

	n->folder = kz_folder_new();
	for (size_t i = 0; list_of(n, i); i++)
		kz_wordlist_init(list_of(n, i));
	kz_wordlist_init(&n->months);
	kz_wordlist_init(&n->boilerplate_phrases);
	if (kz_data_load_rules(path, "rules/normalize.yaml", known, &doc, err) != 0)
		goto fail;
	for (size_t i = 0; list_keys[i]; i++) {
		const kz_yaml_node *node = kz_yaml_require(&doc, doc.root,
		    list_keys[i], KZ_YAML_SEQ, err);

		if (node == NULL || kz_wordlist_load(list_of(n, i), n->folder,
		    &doc, node, list_keys[i], err) != 0)
			goto fail_doc;
	}
	{
		/* optional, so that a local rules file written before it
		 * still loads */
		const kz_yaml_node *node = kz_yaml_get(doc.root,
		    "boilerplate_phrases");

		if (node != NULL && (node->kind != KZ_YAML_SEQ ||
		    kz_wordlist_load(&n->boilerplate_phrases, n->folder, &doc,
		    node, "boilerplate_phrases", err) != 0)) {
			if (node->kind != KZ_YAML_SEQ)
				kz_yaml_error(err, &doc, node,
				    "'boilerplate_phrases' must be a list");
			goto fail_doc;
		}
	}
	months = kz_yaml_require(&doc, doc.root, "months", KZ_YAML_MAP, err);
	if (months == NULL)
		goto fail_doc;
	for (size_t i = 0; i < months->n && i < 64; i++) {
		const char *num = kz_yaml_str(kz_yaml_value(months, i));
		int m = num ? atoi(num) : 0;

		if (m < 1 || m > 12) {
			kz_yaml_error(err, &doc, kz_yaml_value(months, i),
			    "a month number must be 1 to 12");
			goto fail_doc;
		}
		kz_wordlist_add(&n->months, n->folder, kz_yaml_key(months, i)->scalar);
		n->month_number[n->months.n - 1] = m;
	}
	kz_yaml_doc_release(&doc);
	return n;
fail_doc:
	kz_yaml_doc_release(&doc);
fail:
	kz_normalizer_free(n);
	return NULL;
}

void
kz_normalizer_free(kz_normalizer *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; list_of(n, i); i++)
		kz_wordlist_release(list_of(n, i));
	kz_wordlist_release(&n->months);
	kz_wordlist_release(&n->boilerplate_phrases);
	kz_folder_free(n->folder);
	free(n);
}

/* ------------------------------------------------------------ cleaning */

/* Code points that NFC leaves alone whatever surrounds them; a text made
 * only of these needs no utf8proc pass (most French news text). */
static int
nfc_inert(int32_t cp)
{
	return cp < 0x300 || (cp >= 0x400 && cp <= 0x482) ||
	    (cp >= 0x48A && cp <= 0x52F) || (cp >= 0x2002 && cp <= 0x206F) ||
	    (cp >= 0x20A0 && cp <= 0x20C0) || cp == 0xFEFF || cp == 0xFFFD;
}

/* Repair bytes, unify line ends, replace control characters. */
static void
clean_bytes(const char *raw, size_t len, kz_buf *out, kz_normalize_report *rep,
    int *needs_nfc)
{
	const unsigned char *u = (const unsigned char *)raw;
	size_t i = 0;

	if (len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	kz_buf_grow(out, len);
	while (i < len) {
		size_t run = i;
		int32_t cp;
		size_t n;

		/* copy plain printable ASCII in one go */
		while (i < len && u[i] >= 0x20 && u[i] < 0x7F)
			i++;
		kz_buf_add(out, raw + run, i - run);
		if (i >= len)
			break;
		if (u[i] == '\n' || u[i] == '\t') {
			kz_buf_addc(out, (char)u[i]);
			i++;
			continue;
		}
		if (u[i] == '\r') {
			kz_buf_addc(out, '\n');
			i += (i + 1 < len && u[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		if (u[i] == '\f' || u[i] == '\v') {
			kz_buf_addc(out, '\n');
			i++;
			continue;
		}
		if (u[i] < 0x20 || u[i] == 0x7F) {
			if (rep->controls++ == 0)
				rep->first_control = i;
			kz_buf_add(out, "\xEF\xBF\xBD", 3);
			i++;
			continue;
		}
		n = kz_utf8_decode(u + i, len - i, &cp);
		if (n == 0) {
			if (rep->bad_bytes++ == 0)
				rep->first_bad = i;
			kz_buf_add(out, "\xEF\xBF\xBD", 3);
			i++;
			continue;
		}
		if (cp >= 0x80 && cp < 0xA0) {      /* C1 controls */
			if (rep->controls++ == 0)
				rep->first_control = i;
			kz_buf_add(out, "\xEF\xBF\xBD", 3);
		} else if (cp == 0x2028 || cp == 0x2029) {
			kz_buf_addc(out, '\n');
		} else {
			if (!nfc_inert(cp))
				*needs_nfc = 1;
			kz_buf_add(out, raw + i, n);
		}
		i += n;
	}
}

static void
to_nfc(kz_buf *text)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n;

	n = utf8proc_map((const utf8proc_uint8_t *)text->data,
	    (utf8proc_ssize_t)text->len, &dst, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0)
		return;     /* cannot happen on repaired text; keep it as is */
	kz_buf_reset(text);
	kz_buf_add(text, dst, (size_t)n);
	free(dst);
}

/* ------------------------------------------------------------ lines */

enum kind {
	K_NONE, K_TITLE, K_CAPTION, K_CREDIT, K_BYLINE, K_DATELINE, K_HEADING,
	K_PARAGRAPH, K_PULLQUOTE, K_SPEAKER_NAME, K_SPEAKER_TITLE,
	K_BOILERPLATE, K_RELATED_HEADER, K_RELATED, K_RUBRIC
};

static const char *const kind_names[] = {
	"none", "title", "caption", "credit", "byline", "dateline", "heading",
	"paragraph", "pullquote", "speaker-name", "speaker-title",
	"boilerplate", "related", "related", "rubric"
};

typedef struct line {
	size_t start, end;      /* trimmed content, bytes */
	enum kind kind;
	int blank;
	char *folded;           /* folded content, or its first FOLD_PREFIX
	                         * bytes when `cut` */
	size_t flen;
	int cut;
	/* a caption repeated with its credit on this line */
	size_t copy_end;        /* end of the repeated caption part */
	size_t credit_start;    /* start of an inline credit, or 0 */
	long same_as;           /* line index of the caption it repeats */
	/* a line that opens with a block of another kind: a dateline before
	 * the first paragraph ("Dakar (AFP) - ...") or a byline ("Le 3 mars
	 * 2024 à 9 h par X"), a speaker's name before the title */
	enum kind head_kind;    /* K_NONE when the line is one block */
	size_t head_end;        /* the head is [start, head_end) */
	size_t rest_start;      /* the line's own kind is [rest_start, end) */
	/* the date a dateline prints, and how it counts: 2 publication,
	 * 1 update ("Mis à jour le"), 0 none */
	char date[11];
	int date_rank;
} line;

typedef struct doc {
	const kz_normalizer *n;
	const char *text;
	size_t len;
	line *lines;
	size_t nlines;
} doc;

/* How much of a line is folded for matching (see struct line). Word
 * counts compare with at most 15, and 400 bytes hold far more words. */
enum { FOLD_PREFIX = 400 };

static int
is_space_byte(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim ASCII and Unicode spaces from both ends of [*s, *e). */
static void
trim(const char *t, size_t *s, size_t *e)
{
	for (;;) {
		int32_t cp;
		size_t n;

		if (*s >= *e)
			return;
		if (is_space_byte(t[*s])) {
			(*s)++;
			continue;
		}
		n = kz_utf8_decode((const unsigned char *)t + *s, *e - *s, &cp);
		if (n > 1 && kz_cp_is_space(cp)) {
			*s += n;
			continue;
		}
		break;
	}
	while (*e > *s) {
		size_t p = kz_utf8_prev(t, *e);
		int32_t cp;

		if (is_space_byte(t[*e - 1])) {
			(*e)--;
			continue;
		}
		kz_utf8_decode((const unsigned char *)t + p, *e - p, &cp);
		if (cp > 0x7F && kz_cp_is_space(cp)) {
			*e = p;
			continue;
		}
		break;
	}
}

static void
split_lines(doc *d)
{
	size_t cap = 64, i = 0;

	d->lines = kz_malloc(cap * sizeof *d->lines);
	d->nlines = 0;
	while (i <= d->len) {
		const char *nl = memchr(d->text + i, '\n', d->len - i);
		size_t end = nl ? (size_t)(nl - d->text) : d->len;
		line *l;

		if (d->nlines == cap) {
			cap *= 2;
			d->lines = kz_realloc(d->lines, cap * sizeof *d->lines);
		}
		l = &d->lines[d->nlines++];
		memset(l, 0, sizeof *l);
		l->start = i;
		l->end = end;
		l->same_as = -1;
		trim(d->text, &l->start, &l->end);
		l->blank = l->start >= l->end;
		if (!l->blank) {
			kz_folded f;
			size_t e = l->end;

			/* every pattern is matched at the start of a line or
			 * against a short line: a paragraph's head is enough */
			if (e - l->start > FOLD_PREFIX) {
				e = l->start + FOLD_PREFIX;
				while (e > l->start &&
				    ((unsigned char)d->text[e] & 0xC0) == 0x80)
					e--;
				l->cut = 1;
			}
			kz_fold(d->n->folder, d->text + l->start, e - l->start, &f);
			l->folded = f.text;
			l->flen = f.len;
			free(f.map);
		}
		if (nl == NULL)
			break;
		i = end + 1;
	}
}

static size_t
cp_length(const doc *d, const line *l)
{
	return kz_utf8_count(d->text + l->start, l->end - l->start);
}

static size_t
word_count(const line *l)
{
	size_t n = 0;
	int in = 0;

	for (size_t i = 0; i < l->flen; i++) {
		int w = l->folded[i] != ' ';

		if (w && !in)
			n++;
		in = w;
	}
	return n;
}

/* The last code point of a line. */
static int32_t
last_cp(const doc *d, const line *l)
{
	size_t p = kz_utf8_prev(d->text, l->end);
	int32_t cp;

	if (l->blank)
		return 0;
	kz_utf8_decode((const unsigned char *)d->text + p, l->end - p, &cp);
	return cp;
}

static int32_t
first_cp(const doc *d, const line *l)
{
	int32_t cp;

	if (l->blank)
		return 0;
	kz_utf8_decode((const unsigned char *)d->text + l->start,
	    l->end - l->start, &cp);
	return cp;
}

static int
is_closing_quote(int32_t cp)
{
	return cp == 0xBB || cp == 0x201D || cp == '"' || cp == 0x203A ||
	    cp == 0x2019;
}

static int
is_opening_quote(int32_t cp)
{
	return cp == 0xAB || cp == 0x201C || cp == '"' || cp == 0x2039 ||
	    cp == 0x201E;
}

static int
ends_sentence(int32_t cp)
{
	return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026;
}

/* A line that ends like running prose. */
static int
ends_like_prose(const doc *d, const line *l)
{
	int32_t c = last_cp(d, l);

	if (is_closing_quote(c) || c == ')') {
		size_t p = kz_utf8_prev(d->text, l->end);
		size_t q = kz_utf8_prev(d->text, p);
		int32_t b;

		if (q < l->start)
			return 0;
		kz_utf8_decode((const unsigned char *)d->text + q, p - q, &b);
		return ends_sentence(b) || c == 0xBB || c == 0x201D;
	}
	return ends_sentence(c) || c == ':' || c == ';' || c == ',';
}

static int
starts_with_list(const kz_wordlist *w, const line *l, size_t *matched)
{
	return kz_wordlist_prefix(w, l->folded, l->flen, 1, matched) >= 0;
}

/* Skip spaces of any kind (no-break spaces are common in scraped text). */
static size_t
skip_spaces(const char *t, size_t i, size_t end)
{
	while (i < end) {
		int32_t cp;
		size_t n = kz_utf8_decode((const unsigned char *)t + i, end - i, &cp);

		if (n == 0 || !kz_cp_is_space(cp))
			break;
		i += n;
	}
	return i;
}

static int
space_at(const char *t, size_t i, size_t end)
{
	return skip_spaces(t, i, end) > i;
}

/* Particles allowed in a person's name line: "Ursula von der Leyen". */
static int
is_name_particle(const char *w, size_t n)
{
	static const char *const particles[] = {
		"de", "du", "des", "von", "van", "der", "den", "al", "el", "ben",
		"bin", "ibn", "la", "le", "di", "da", "dos", "das", "y", "d'",
		"ould", NULL
	};

	for (size_t i = 0; particles[i]; i++)
		if (strlen(particles[i]) == n && memcmp(particles[i], w, n) == 0)
			return 1;
	return 0;
}

/* 2 to 5 capitalised words, no final punctuation: "Kassym-Jomart Tokayev". */
static int
looks_like_name(const doc *d, const line *l)
{
	size_t words = 0, i = l->start;
	const char *t = d->text;

	if (l->blank || cp_length(d, l) > 60)
		return 0;
	while (i < l->end) {
		size_t ws = i, fs;
		int32_t cp;

		while (i < l->end && !is_space_byte(t[i]))
			i++;
		kz_utf8_decode((const unsigned char *)t + ws, i - ws, &cp);
		if (!kz_cp_is_upper(cp)) {
			/* fold the word to compare with the particles */
			char *w = kz_strndup(t + ws, i - ws);
			int ok = is_name_particle(w, i - ws);

			free(w);
			if (!ok)
				return 0;
		}
		for (fs = ws; fs < i; fs += kz_utf8_next(t, i, fs)) {
			int32_t c;

			kz_utf8_decode((const unsigned char *)t + fs, i - fs, &c);
			if (c < 0x80 ? strchr(".,;:!?\"()", (int)c) != NULL :
			    is_opening_quote(c) || is_closing_quote(c))
				return 0;
		}
		words++;
		while (i < l->end && is_space_byte(t[i]))
			i++;
	}
	return words >= 2 && words <= 5;
}

static int
is_credit_line(const doc *d, const line *l)
{
	return starts_with_list(&d->n->credit_markers, l, NULL);
}

/* Find a credit marker inside a line (not at its start); returns its byte
 * offset in the text, or 0. */
static size_t
inline_credit(const doc *d, const line *l)
{
	kz_folded f;
	size_t found = 0;

	kz_fold(d->n->folder, d->text + l->start, l->end - l->start, &f);
	for (size_t i = 1; i < f.len && !found; i++) {
		size_t m;

		if (f.text[i - 1] != ' ')
			continue;
		if (kz_wordlist_prefix(&d->n->credit_markers, f.text + i,
		    f.len - i, 1, &m) >= 0) {
			/* a credit is a tail: the marker must be past half */
			if (i * 3 >= f.len)
				found = l->start + f.map[i];
		}
	}
	kz_folded_release(&f);
	return found;
}

/* "… lors de la manifestation. ( AFP / Thomas SAMSON )": a line ending in
 * a bracketed photo credit, an agency and a photographer (or "Archives")
 * on either side of a slash, is a caption wherever it stands. Returns the
 * byte offset of the opening bracket, or 0. Prose does not end so: a
 * bracket of a few capitalised words around a slash. */
static size_t
bracketed_credit(const doc *d, const line *l)
{
	const char *t = d->text;
	size_t e = l->end, open, words = 0;
	int slash = 0, in_word = 0;

	while (e > l->start && is_space_byte(t[e - 1]))
		e--;
	if (e <= l->start || t[e - 1] != ')')
		return 0;
	for (open = e - 1; open > l->start && e - open < 80; open--)
		if (t[open - 1] == '(')
			break;
	if (open <= l->start || t[open - 1] != '(' || open - 1 <= l->start)
		return 0;
	for (size_t p = open; p < e - 1; p++) {
		if (t[p] == '/')
			slash = 1;
		if (is_space_byte(t[p]) || t[p] == '/') {
			in_word = 0;
			continue;
		}
		if (!in_word) {
			int32_t cp;

			kz_utf8_decode((const unsigned char *)t + p, e - 1 - p, &cp);
			if (!kz_cp_is_upper(cp))
				return 0;
			words++;
		}
		in_word = 1;
	}
	return slash && words >= 2 && words <= 6 ? open - 1 : 0;
}

/* "3 Commentaires": a number and a counter word, alone on the line. */
static int
is_counter(const doc *d, const line *l)
{
	size_t i = 0;

	while (i < l->flen && l->folded[i] >= '0' && l->folded[i] <= '9')
		i++;
	if (i == 0 || i + 1 >= l->flen || l->folded[i] != ' ' || l->cut)
		return 0;
	return kz_wordlist_find(&d->n->counter_words, l->folded + i + 1,
	    l->flen - i - 1) >= 0;
}

/* "Lire aussi : Le port rouvre lundi": a related header, a colon, and
 * the other article's headline on the same line. */
static int
is_related_link(const doc *d, const line *l)
{
	size_t m;

	if (kz_wordlist_prefix(&d->n->related_headers, l->folded, l->flen, 1,
	    &m) < 0)
		return 0;
	while (m < l->flen && l->folded[m] == ' ')
		m++;
	return m < l->flen && (l->folded[m] == ':' || l->folded[m] == '>');
}

/* The line that closes an embedded post: "Voir sur X", or the post's
 * account and date at the end of its text, "— Name (@handle) 3 mars
 * 2024". */
static int
is_embed_credit(const doc *d, const line *l)
{
	const char *t = d->text;

	if (!l->cut && kz_wordlist_find(&d->n->embed_lines, l->folded,
	    l->flen) >= 0)
		return 1;
	for (size_t p = l->start; p + 2 < l->end; p++) {
		const char *close;
		char date[11];
		size_t q;

		if (t[p] != '(' || t[p + 1] != '@')
			continue;
		close = memchr(t + p, ')', l->end - p);
		if (close == NULL)
			return 0;
		q = skip_spaces(t, (size_t)(close - t) + 1, l->end);
		if (q < l->end && kz_normalize_parse_date(d->n, t + q, l->end - q,
		    date) == l->end - q)
			return 1;
	}
	return 0;
}

static int
is_boilerplate(const doc *d, const line *l)
{
	if (!l->cut && kz_wordlist_find(&d->n->boilerplate_lines, l->folded,
	    l->flen) >= 0)
		return 1;
	/* residue is often glued to the next widget: "articleDiscussion" */
	if (kz_wordlist_prefix(&d->n->boilerplate_prefixes, l->folded,
	    l->flen, 0, NULL) >= 0)
		return 1;
	/* words the site says to its reader, anywhere in the line: "X
	 * utilise votre adresse e-mail afin de vous envoyer la newsletter" */
	if (d->n->boilerplate_phrases.n == 0)
		return 0;
	for (size_t i = 0; i < l->flen; i++)
		if ((i == 0 || l->folded[i - 1] == ' ') &&
		    kz_wordlist_prefix(&d->n->boilerplate_phrases, l->folded + i,
		    l->flen - i, 1, NULL) >= 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------ furniture */

static size_t parse_number(const char *s, size_t len, size_t maxdigits,
    int *out);

/* The entry of w that t[s, e) starts with (folded, whole words): the byte
 * just past it in the text, or 0. */
static size_t
list_at(const doc *d, const kz_wordlist *w, size_t s, size_t e)
{
	kz_folded f;
	size_t m, past = 0;

	if (s >= e)
		return 0;
	if (e - s > FOLD_PREFIX) {
		e = s + FOLD_PREFIX;
		while (e > s && ((unsigned char)d->text[e] & 0xC0) == 0x80)
			e--;
	}
	kz_fold(d->n->folder, d->text + s, e - s, &f);
	if (kz_wordlist_prefix(w, f.text, f.len, 1, &m) >= 0 && m > 0)
		past = s + f.map[m];
	kz_folded_release(&f);
	return past;
}

/* Is t[s, e) exactly an entry of w (folded)? */
static int
list_is(const doc *d, const kz_wordlist *w, size_t s, size_t e)
{
	kz_folded f;
	int hit;

	trim(d->text, &s, &e);
	if (s >= e)
		return 0;
	kz_fold(d->n->folder, d->text + s, e - s, &f);
	hit = kz_wordlist_find(w, f.text, f.len) >= 0;
	kz_folded_release(&f);
	return hit;
}

/* How many words of t[s, e) there are when every one is capitalised (a
 * particle aside) and none holds a digit or sentence punctuation: a name
 * or a place, "Kassym-Jomart Tokayev", "CÉCILE AMAR", "Le Téléphone
 * Rouge". 0 otherwise. */
static size_t
capitalised_words(const doc *d, size_t s, size_t e)
{
	const char *t = d->text;
	size_t words = 0, caps = 0, i;

	trim(t, &s, &e);
	i = s;
	while (i < e) {
		size_t ws = i;
		int32_t cp;

		while (i < e && !space_at(t, i, e))
			i += kz_utf8_next(t, e, i);
		kz_utf8_decode((const unsigned char *)t + ws, i - ws, &cp);
		if (kz_cp_is_upper(cp))
			caps++;
		else if (!is_name_particle(t + ws, i - ws))
			return 0;
		for (size_t p = ws; p < i; p += kz_utf8_next(t, i, p)) {
			int32_t c;

			kz_utf8_decode((const unsigned char *)t + p, i - p, &c);
			if (kz_cp_is_digit(c) || (c < 0x80 ?
			    strchr(",;:!?\"()[]/|@#", (int)c) != NULL :
			    is_opening_quote(c) || is_closing_quote(c)))
				return 0;
		}
		words++;
		i = skip_spaces(t, i, e);
	}
	return caps ? words : 0;
}

/* A dash standing alone between words (" - ", " – ", " — ") at t[i]: its
 * length in bytes, or 0. */
static size_t
lone_dash(const char *t, size_t i, size_t start, size_t end)
{
	size_t n = 0;

	if (t[i] == '-')
		n = 1;
	else if (i + 3 <= end && (unsigned char)t[i] == 0xE2 &&
	    (unsigned char)t[i + 1] == 0x80 &&
	    ((unsigned char)t[i + 2] == 0x93 || (unsigned char)t[i + 2] == 0x94))
		n = 3;
	if (n == 0 || (i > start && !is_space_byte(t[i - 1])))
		return 0;
	return i + n >= end || space_at(t, i + n, end) ? n : 0;
}

/* A bullet or middle dot between two items of furniture. */
static int
bullet_at(const char *t, size_t i, size_t end)
{
	const unsigned char *u = (const unsigned char *)t + i;

	return (i + 3 <= end && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xA2) ||
	    (i + 2 <= end && u[0] == 0xC2 && u[1] == 0xB7);
}

/* A time of day after a date: " à 18h42", " à 9 h", ", 08:15", " - 0:13".
 * The bytes it takes, or 0. */
static size_t
skip_time(const char *s, size_t len)
{
	size_t i = skip_spaces(s, 0, len), k;
	int h, m;

	if (i < len && (s[i] == ',' || s[i] == '-'))
		i = skip_spaces(s, i + 1, len);
	if (i + 2 < len && memcmp(s + i, "\xc3\xa0 ", 3) == 0)
		i = skip_spaces(s, i + 2, len);
	k = parse_number(s + i, len - i, 2, &h);
	if (k == 0 || h > 23)
		return 0;
	i += k;
	if (i + 1 < len && s[i] == ' ' && (s[i + 1] == 'h' || s[i + 1] == 'H'))
		i++;
	if (i < len && (s[i] == 'h' || s[i] == 'H')) {
		i++;
		/* "0 h 48" */
		if (i + 1 < len && s[i] == ' ' && kz_cp_is_digit((unsigned char)s[i + 1]))
			i++;
		k = parse_number(s + i, len - i, 2, &m);
		if (k == 2 && m <= 59)
			i += k;
		else if (k)
			return 0;
		/* "18h42min" */
		if (i + 3 <= len && memcmp(s + i, "min", 3) == 0)
			i += 3;
	} else if (i < len && s[i] == ':') {
		k = parse_number(s + i + 1, len - i - 1, 2, &m);
		if (k != 2 || m > 59)
			return 0;
		i += 1 + k;
	} else
		return 0;
	/* the word must end there: "9 h 30" aside, no "18h42abc" */
	if (i < len && kz_cp_is_letter((unsigned char)s[i]))
		return 0;
	return i;
}

/* A date as a page prints it: "mardi 13/05/2025", "le 3 mars 2024 à 9 h",
 * "05.03.2024, 08:15". The bytes it takes, or 0; out gets YYYY-MM-DD. */
static size_t
printed_date(const doc *d, size_t s, size_t e, char out[11])
{
	const char *t = d->text;
	size_t p = s, q, used;

	if (p + 3 <= e && (t[p] == 'l' || t[p] == 'L') && t[p + 1] == 'e' &&
	    t[p + 2] == ' ')
		p = skip_spaces(t, p + 3, e);
	q = list_at(d, &d->n->weekdays, p, e);
	if (q) {
		p = q;
		if (p < e && t[p] == ',')
			p++;
		p = skip_spaces(t, p, e);
	}
	used = kz_normalize_parse_date(d->n, t + p, e - p, out);
	if (used == 0)
		return 0;
	p += used;
	p += skip_time(t + p, e - p);
	return p - s;
}

/* A byline at t[s, e): a byline prefix, then a name, an agency or an
 * outlet ("Par Julien Pavy", "Par la rédaction", "À la rédaction web de
 * France 3"). */
static int
byline_at(const doc *d, size_t s, size_t e)
{
	size_t at = list_at(d, &d->n->byline_prefixes, s, e);
	int32_t cp;

	if (at == 0)
		return 0;
	at = skip_spaces(d->text, at, e);
	if (at >= e)
		return 0;
	if (list_at(d, &d->n->agencies, at, e))
		return 1;
	kz_utf8_decode((const unsigned char *)d->text + at, e - at, &cp);
	return kz_cp_is_upper(cp);
}

static int
is_byline(const doc *d, const line *l)
{
	if (word_count(l) > 14 || ends_like_prose(d, l))
		return 0;
	/* "Avec la victoire dans la poche, ...": a prose line */
	return byline_at(d, l->start, l->end);
}

/* The parts of a signature line, split at commas, slashes, pipes, lone
 * dashes and joiner words ("Jean Dupont avec AFP", "AFP / Paris / Jean
 * Dupont", "L'Obs - - Le Téléphone Rouge - CÉCILE AMAR"). next_part finds
 * the part that starts at or after *i: [*ps, *pe), and whether a slash,
 * pipe or dash (not a comma or joiner) ends it. 0 at the end. */
static int
next_part(const doc *d, size_t *i, size_t end, size_t *ps, size_t *pe,
    int *by_separator)
{
	const char *t = d->text;
	size_t p = skip_spaces(t, *i, end);

	*by_separator = 0;
	if (p >= end)
		return 0;
	*ps = p;
	while (p < end) {
		size_t n;

		if (t[p] == ',' || t[p] == '/' || t[p] == '|') {
			*by_separator = t[p] != ',';
			*pe = p;
			*i = p + 1;
			return 1;
		}
		if ((n = lone_dash(t, p, *ps, end)) != 0) {
			*by_separator = 1;
			*pe = p;
			*i = p + n;
			return 1;
		}
		if (space_at(t, p, end)) {
			size_t w = skip_spaces(t, p, end), we = w;

			while (we < end && !space_at(t, we, end))
				we += kz_utf8_next(t, end, we);
			if (list_is(d, &d->n->byline_joiners, w, we)) {
				*pe = p;
				*i = we;
				return 1;
			}
			p = w;
			continue;
		}
		p += kz_utf8_next(t, end, p);
	}
	*pe = end;
	*i = end;
	return 1;
}

/* A line made only of agencies and names, with at least one agency:
 * "Le Monde avec AFP", "La rédaction avec AFP", "Jean Dupont avec AFP",
 * "AFP / Paris / Jean Dupont". */
static int
signature_line(const doc *d, const line *l)
{
	size_t i = l->start, ps, pe, parts = 0, agencies = 0;
	int sep, last_named = 0;

	if (l->end - l->start > 100 || ends_like_prose(d, l))
		return 0;
	while (next_part(d, &i, l->end, &ps, &pe, &sep)) {
		size_t a = ps, b = pe, w;
		kz_folded f;

		trim(d->text, &a, &b);
		if (a >= b)
			continue;       /* "L'Obs - - Rubrique": an empty part */
		parts++;
		w = capitalised_words(d, a, b);
		last_named = 1;
		if (list_is(d, &d->n->agencies, a, b))
			agencies++;
		else if (w == 0 || w > 5) {
			/* a rubric between the outlet and the name: a few
			 * words, no digits */
			kz_fold(d->n->folder, d->text + a, b - a, &f);
			w = 1;
			for (size_t k = 0; k < f.len; k++)
				w += f.text[k] == ' ';
			for (size_t k = 0; k < f.len && w <= 4; k++)
				if (f.text[k] >= '0' && f.text[k] <= '9')
					w = 99;
			kz_folded_release(&f);
			if (w > 4 || agencies == 0)
				return 0;
			last_named = 0;
		}
	}
	return parts >= 2 && agencies >= 1 && last_named;
}

/* "Publié le 12/10/2023 à 18h42", "Mis à jour le 3 mars 2024",
 * "05.03.2024, 08:15", "mardi 13/05/2025", "Le mardi 3 février 2026 à
 * 0:13 par David Demri": a line that prints the date, perhaps with an
 * update and a byline after it. Sets l->date and l->date_rank; *rest gets
 * the start of the byline, or 0. */
static int
date_line(const doc *d, line *l, size_t *rest)
{
	const char *t = d->text;
	size_t p = l->start, q, used;
	char date[11];
	int rank = 2;

	*rest = 0;
	if (cp_length(d, l) > 120)
		return 0;
	q = list_at(d, &d->n->date_prefixes, p, l->end);
	if (q) {
		if (list_at(d, &d->n->update_prefixes, p, l->end))
			rank = 1;
		p = skip_spaces(t, q, l->end);
		if (p < l->end && t[p] == ':')
			p = skip_spaces(t, p + 1, l->end);
	}
	used = printed_date(d, p, l->end, date);
	if (used == 0)
		return 0;
	p += used;
	for (;;) {
		while (p < l->end && (strchr(",.|-", t[p]) || space_at(t, p, l->end) ||
		    lone_dash(t, p, l->start, l->end) || bullet_at(t, p, l->end)))
			p += kz_utf8_next(t, l->end, p);
		if (p >= l->end)
			break;
		/* "Publié le ..., mis à jour le ...": the update comes second */
		q = list_at(d, &d->n->update_prefixes, p, l->end);
		if (q) {
			char later[11];

			p = skip_spaces(t, q, l->end);
			if (p < l->end && t[p] == ':')
				p = skip_spaces(t, p + 1, l->end);
			used = printed_date(d, p, l->end, later);
			if (used == 0)
				return 0;
			p += used;
			continue;
		}
		if (byline_at(d, p, l->end)) {
			*rest = p;
			break;
		}
		/* after "Publié le", a short tail that is no prose */
		if (q == 0 && p > l->start && list_at(d, &d->n->date_prefixes,
		    l->start, l->end) && !ends_like_prose(d, l))
			break;
		return 0;
	}
	memcpy(l->date, date, 11);
	l->date_rank = rank;
	return 1;
}

/* "Paris, France | AFP | mardi 13/05/2025 -", "MOSCOU, 8 janvier 2022
 * (AFP) -", "Dakar (AFP) -", "Paris, le 3 mars 2023 -": a place, an
 * agency and a date before a dash open the first paragraph, or stand
 * alone on their line. Returns the byte past the dash (l->end when the
 * whole line is the dateline), or 0; sets l->date when it has one. */
static size_t
dateline_head(const doc *d, line *l)
{
	const char *t = d->text;
	size_t limit = l->start + 120 < l->end ? l->start + 120 : l->end;
	size_t head = 0, past = 0, s;
	int dates = 0, agencies = 0, places = 0, found = 0;
	char date[11];

	for (size_t p = l->start; p < limit; p++) {
		size_t n = lone_dash(t, p, l->start, l->end);

		if (n && p > l->start) {
			head = p;
			past = p + n;
			found = 1;
			break;
		}
	}
	if (!found) {
		if (l->end - l->start > 100)
			return 0;
		head = past = l->end;
	}
	for (s = l->start; s < head;) {
		size_t e = s, a, b;

		while (e < head && !strchr("|,()", t[e]))
			e++;
		a = s;
		b = e;
		trim(t, &a, &b);
		if (a < b) {
			char dt[11];

			if (printed_date(d, a, b, dt) == b - a) {
				dates++;
				memcpy(date, dt, 11);
			} else if (list_is(d, &d->n->agencies, a, b))
				agencies++;
			else if (capitalised_words(d, a, b) >= 1 &&
			    capitalised_words(d, a, b) <= 4 && b - a <= 40)
				places++;
			else
				return 0;
		}
		s = e < head ? e + 1 : e;
	}
	if (dates > 1 || places > 2 || dates + agencies == 0)
		return 0;
	/* alone on its line, a dateline prints a date */
	if (past == l->end && head == l->end && dates == 0)
		return 0;
	if (dates) {
		memcpy(l->date, date, 11);
		l->date_rank = 2;
	}
	return past;
}

/* A line wholly between quotation marks: «Tellement dur» (a pull quote
 * may lack its final full stop). */
static int
quoted_line(const doc *d, const line *l)
{
	return is_opening_quote(first_cp(d, l)) &&
	    is_closing_quote(last_cp(d, l)) && l->end - l->start > 2;
}

/* "Jean Dupont, maire de Trifouilly": a name, a comma and a role, the
 * signature of a pull quote. Returns the comma's offset, or 0. */
static size_t
name_and_role(const doc *d, const line *l)
{
	const char *t = d->text;
	const char *comma = memchr(t + l->start, ',', l->end - l->start);
	size_t c, r, w;
	int32_t cp;

	if (comma == NULL || cp_length(d, l) > 100 || ends_like_prose(d, l))
		return 0;
	c = (size_t)(comma - t);
	w = capitalised_words(d, l->start, c);
	if (w < 2 || w > 4)
		return 0;
	r = skip_spaces(t, c + 1, l->end);
	if (r >= l->end)
		return 0;
	kz_utf8_decode((const unsigned char *)t + r, l->end - r, &cp);
	return kz_cp_is_lower(cp) ? c : 0;
}

/* With no dateline, the latest full date the article mentions ("le 14
 * janvier 2022") is a lower bound of its date: good enough to know who
 * held an office, never presented as the date itself. */
static int
estimate_date(const doc *d, char out[11])
{
	int found = 0;

	for (size_t i = 0; i < d->nlines; i++) {
		const line *l = &d->lines[i];

		/* an embedded post's date and a credit's are not the
		 * article's */
		if (l->blank || l->kind == K_BOILERPLATE || l->kind == K_RELATED ||
		    l->kind == K_CREDIT || l->kind == K_RUBRIC)
			continue;
		for (size_t p = l->start; p < l->end; p++) {
			char date[11];
			const char *t = d->text;

			if (!(t[p] >= '1' && t[p] <= '9') || (p > l->start &&
			    ((t[p - 1] >= '0' && t[p - 1] <= '9') || t[p - 1] == '/' ||
			    t[p - 1] == '.')))
				continue;
			if (kz_normalize_parse_date(d->n, t + p, l->end - p, date) &&
			    (!found || strcmp(date, out) > 0)) {
				memcpy(out, date, 11);
				found = 1;
			}
		}
	}
	return found;
}

static long
prev_nonblank(const doc *d, long i)
{
	for (long j = i - 1; j >= 0; j--)
		if (!d->lines[j].blank)
			return j;
	return -1;
}

/* Is the line before i the title or other header furniture? */
static int
prev_is_header(const doc *d, long i)
{
	long p = prev_nonblank(d, i);
	enum kind k = p < 0 ? K_NONE : d->lines[p].kind;

	return k == K_TITLE || k == K_DATELINE || k == K_BYLINE ||
	    k == K_CREDIT || k == K_CAPTION || k == K_BOILERPLATE ||
	    k == K_RUBRIC;
}

static long
next_nonblank(const doc *d, size_t i)
{
	for (size_t j = i + 1; j < d->nlines; j++)
		if (!d->lines[j].blank)
			return (long)j;
	return -1;
}

/* "Tennis | Rolex Paris Masters", "Sport > Football": a page's rubric,
 * short topics split by a pipe or an arrow, above a longer line. Not a
 * title with its outlet ("Grève à la SNCF | Le Monde": a part of it is
 * one of `agencies`), nor a line ending as a sentence does. */
static int
breadcrumb(const doc *d, size_t i)
{
	const line *l = &d->lines[i];
	const char *t = d->text;
	size_t seg = l->start, parts = 0, words = word_count(l);
	long next = next_nonblank(d, i);
	int32_t last;

	if (next < 0 || words > 12 || word_count(&d->lines[next]) <= words)
		return 0;
	last = last_cp(d, l);
	if (last == '.' || last == '?' || last == '!' || last == ':')
		return 0;
	for (size_t p = l->start; p <= l->end; p++) {
		size_t q = p;

		/* a pipe or an arrow with spaces on both sides, however many */
		if (p < l->end) {
			while (q < l->end && t[q] == ' ')
				q++;
			if (q == p || q >= l->end || (t[q] != '|' && t[q] != '>') ||
			    q + 1 >= l->end || t[q + 1] != ' ')
				continue;
		}
		if (list_is(d, &d->n->agencies, seg, p))
			return 0;
		parts++;
		if (p == l->end)
			break;
		for (q++; q < l->end && t[q] == ' '; q++)
			;
		seg = q;
		p = q - 1;
	}
	return parts >= 2;
}

static int
blank_or_edge(const doc *d, long i)
{
	return i < 0 || (size_t)i >= d->nlines || d->lines[i].blank;
}

/* Does line b repeat line a, followed by a credit? */
static int
repeats_with_credit(const doc *d, const line *a, line *b)
{
	size_t alen = a->end - a->start;

	if (b->end - b->start <= alen)
		return 0;
	if (memcmp(d->text + a->start, d->text + b->start, alen) != 0)
		return 0;
	b->credit_start = inline_credit(d, b);
	if (b->credit_start == 0 || b->credit_start < b->start + alen)
		return 0;
	b->copy_end = b->start + alen;
	return 1;
}

static void
classify(doc *d)
{
	line *L = d->lines;
	size_t n = d->nlines;
	long title = -1, first_par = -1;
	int in_related = 0;

	/* pass 1: what a line says by itself */
	for (size_t i = 0; i < n; i++) {
		if (L[i].blank)
			continue;
		if (!L[i].cut && kz_wordlist_find(&d->n->related_headers,
		    L[i].folded, L[i].flen) >= 0)
			L[i].kind = K_RELATED_HEADER;
		else if (is_boilerplate(d, &L[i]) || is_counter(d, &L[i]))
			L[i].kind = K_BOILERPLATE;
		else if (is_credit_line(d, &L[i]) || is_embed_credit(d, &L[i]))
			L[i].kind = K_CREDIT;
		else if (is_related_link(d, &L[i]))
			L[i].kind = K_RELATED;
	}
	/* the title: the first line that is not residue, nor a dateline
	 * ("Publié le ...", or "Dakar (AFP) - " opening the first
	 * paragraph, when the page has no title) */
	for (size_t i = 0; i < n; i++) {
		size_t rest, past;

		if (L[i].blank || L[i].kind != K_NONE)
			continue;
		if (date_line(d, &L[i], &rest) && rest == 0) {
			L[i].kind = K_DATELINE;
			continue;
		}
		/* the outlet's name above the title: "RMC Sport" */
		if (list_is(d, &d->n->agencies, L[i].start, L[i].end)) {
			L[i].kind = K_BYLINE;
			continue;
		}
		/* the rubric above it: "Tennis | Rolex Paris Masters" */
		if (breadcrumb(d, i)) {
			L[i].kind = K_RUBRIC;
			continue;
		}
		L[i].date_rank = 0;
		past = dateline_head(d, &L[i]);
		if (past >= L[i].end) {
			L[i].kind = K_DATELINE;
			continue;
		}
		if (past) {
			L[i].head_kind = K_DATELINE;
			L[i].head_end = past;
			L[i].rest_start = skip_spaces(d->text, past, L[i].end);
			break;
		}
		title = (long)i;
		L[i].kind = K_TITLE;
		break;
	}
	/* captions repeated with their credit, bylines, the header zone */
	for (size_t i = title < 0 ? 0 : (size_t)title + 1; i < n; i++) {
		long j;

		if (L[i].blank || L[i].kind != K_NONE)
			continue;
		if (L[i].head_kind != K_NONE) {
			/* the first paragraph, opened by its dateline */
			if (first_par < 0)
				first_par = (long)i;
			continue;
		}
		j = next_nonblank(d, i);
		if (j >= 0 && L[j].kind == K_NONE &&
		    repeats_with_credit(d, &L[i], &L[j])) {
			L[i].kind = K_CAPTION;
			L[j].kind = K_CAPTION;
			L[j].same_as = (long)i;
			continue;
		}
		if (is_byline(d, &L[i]) || signature_line(d, &L[i])) {
			L[i].kind = K_BYLINE;
			continue;
		}
		{
			size_t rest;

			/* "Publié le 14 mai 2023 à 22h17", "Le mardi 3 février
			 * 2026 à 0:13 par X": near the top or at the foot */
			if ((i < 25 || i + 8 > n) && date_line(d, &L[i], &rest)) {
				if (rest) {
					L[i].kind = K_BYLINE;
					L[i].head_kind = K_DATELINE;
					L[i].head_end = rest;
					L[i].rest_start = rest;
				} else
					L[i].kind = K_DATELINE;
				continue;
			}
		}
		if (first_par < 0) {
			size_t past = dateline_head(d, &L[i]);

			if (past >= L[i].end) {
				L[i].kind = K_DATELINE;
				continue;
			}
			if (past) {
				L[i].head_kind = K_DATELINE;
				L[i].head_end = past;
				L[i].rest_start = skip_spaces(d->text, past, L[i].end);
			}
		}
		/* an author's name alone under the title, or alone at the
		 * foot after a blank line */
		if (looks_like_name(d, &L[i]) && word_count(&L[i]) <= 4 &&
		    ((first_par < 0 && prev_is_header(d, (long)i)) ||
		    (next_nonblank(d, i) < 0 && blank_or_edge(d, (long)i - 1) &&
		    i > 0))) {
			L[i].kind = K_BYLINE;
			continue;
		}
		/* a caption ending in its bracketed credit, anywhere */
		if ((L[i].credit_start = bracketed_credit(d, &L[i])) != 0) {
			L[i].kind = K_CAPTION;
			L[i].copy_end = L[i].credit_start;
			continue;
		}
		if (first_par < 0) {
			/* a caption with its credit on one line */
			L[i].credit_start = inline_credit(d, &L[i]);
			if (L[i].credit_start) {
				L[i].kind = K_CAPTION;
				L[i].copy_end = L[i].credit_start;
				continue;
			}
			/* a line just before a credit line is its caption */
			if (j >= 0 && L[j].kind == K_CREDIT) {
				L[i].kind = K_CAPTION;
				continue;
			}
			if (ends_like_prose(d, &L[i]) && word_count(&L[i]) >= 6)
				first_par = (long)i;
		}
	}
	/* pull quotes, headings, related lists, paragraphs */
	for (size_t i = 0; i < n; i++) {
		long j, k, j2;
		size_t comma;

		if (L[i].blank)
			continue;
		if (L[i].kind == K_RELATED_HEADER) {
			in_related = 1;
			continue;
		}
		if (in_related) {
			if (L[i].kind == K_NONE && cp_length(d, &L[i]) <= 200) {
				L[i].kind = K_RELATED;
				continue;
			}
			if (L[i].kind == K_NONE)
				in_related = 0;
		}
		if (L[i].kind != K_NONE)
			continue;
		j = (i + 1 < n && !L[i + 1].blank) ? (long)i + 1 : -1;
		k = (j >= 0 && (size_t)j + 1 < n && !L[j + 1].blank) ? j + 1 : -1;
		/* "Jean Dupont, maire de X" signs the prose line above it,
		 * even past a blank line */
		j2 = next_nonblank(d, i);
		if (j2 >= 0 && L[j2].kind == K_NONE && L[i].head_kind == K_NONE &&
		    (ends_like_prose(d, &L[i]) || quoted_line(d, &L[i])) &&
		    word_count(&L[i]) >= 4 && (comma = name_and_role(d, &L[j2]))) {
			L[i].kind = K_PULLQUOTE;
			L[j2].kind = K_SPEAKER_TITLE;
			L[j2].head_kind = K_SPEAKER_NAME;
			L[j2].head_end = comma;
			L[j2].rest_start = skip_spaces(d->text, comma + 1, L[j2].end);
			i = (size_t)j2;
			continue;
		}
		if (j >= 0 && blank_or_edge(d, (long)i - 1) &&
		    (ends_like_prose(d, &L[i]) || quoted_line(d, &L[i])) &&
		    word_count(&L[i]) >= 4 &&
		    L[j].kind == K_NONE && looks_like_name(d, &L[j])) {
			int titled = k >= 0 && L[k].kind == K_NONE &&
			    !ends_like_prose(d, &L[k]) && cp_length(d, &L[k]) <= 100 &&
			    blank_or_edge(d, k + 1);

			if (titled || blank_or_edge(d, j + 1)) {
				L[i].kind = K_PULLQUOTE;
				L[j].kind = K_SPEAKER_NAME;
				if (titled)
					L[k].kind = K_SPEAKER_TITLE;
				i = (size_t)(titled ? k : j);
				continue;
			}
		}
		if ((long)i > title && blank_or_edge(d, (long)i - 1) &&
		    blank_or_edge(d, (long)i + 1) && !ends_like_prose(d, &L[i]) &&
		    cp_length(d, &L[i]) <= 120 && word_count(&L[i]) <= 15 &&
		    next_nonblank(d, i) >= 0 &&
		    (kz_cp_is_upper(first_cp(d, &L[i])) ||
		    is_opening_quote(first_cp(d, &L[i])) ||
		    kz_cp_is_digit(first_cp(d, &L[i])))) {
			L[i].kind = K_HEADING;
			continue;
		}
		L[i].kind = K_PARAGRAPH;
	}
	for (size_t i = 0; i < n; i++)
		if (L[i].kind == K_RELATED_HEADER)
			L[i].kind = K_RELATED;
}

/* ------------------------------------------------------------ dates */

static size_t
parse_number(const char *s, size_t len, size_t maxdigits, int *out)
{
	size_t i = 0;
	int v = 0;

	while (i < len && i < maxdigits && s[i] >= '0' && s[i] <= '9')
		v = v * 10 + (s[i++] - '0');
	*out = v;
	return i;
}

static int
valid_date(int y, int m, int dd)
{
	return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && dd >= 1 && dd <= 31 &&
	    kz_date_valid(y, m, dd);
}

size_t
kz_normalize_parse_date(const kz_normalizer *n, const char *s, size_t len,
    char out[11])
{
	int a, b, c;
	size_t i, k;

	i = parse_number(s, len, 4, &a);
	if (i == 0)
		return 0;
	/* 2022-01-10 */
	if (i == 4 && i < len && s[i] == '-') {
		k = parse_number(s + i + 1, len - i - 1, 2, &b);
		if (k && i + 1 + k < len && s[i + 1 + k] == '-') {
			size_t k2 = parse_number(s + i + 2 + k, len - i - 2 - k, 2, &c);

			if (k2 && valid_date(a, b, c)) {
				snprintf(out, 11, "%04d-%02d-%02d", a, b, c);
				return i + 2 + k + k2;
			}
		}
		return 0;
	}
	if (i > 2)
		return 0;
	/* 10/01/2022 or 10.01.2022 */
	if (i < len && (s[i] == '/' || s[i] == '.')) {
		char sep = s[i];

		k = parse_number(s + i + 1, len - i - 1, 2, &b);
		if (k && i + 1 + k < len && s[i + 1 + k] == sep) {
			size_t k2 = parse_number(s + i + 2 + k, len - i - 2 - k, 4, &c);

			if (k2 == 4 && valid_date(c, b, a)) {
				snprintf(out, 11, "%04d-%02d-%02d", c, b, a);
				return i + 2 + k + k2;
			}
		}
		return 0;
	}
	/* 8 janvier 2022, 1er mars 2023 */
	if (i + 2 <= len && strncmp(s + i, "er", 2) == 0)
		i += 2;
	if (i >= len || s[i] != ' ')
		return 0;
	i++;
	{
		kz_folded f;
		size_t wend = i, m = 0;
		long month;

		while (wend < len && s[wend] != ' ' && s[wend] != '.')
			wend++;
		kz_fold(n->folder, s + i, wend - i, &f);
		month = kz_wordlist_find(&n->months, f.text, f.len);
		kz_folded_release(&f);
		if (month < 0)
			return 0;
		b = n->month_number[month];
		if (wend < len && s[wend] == '.')
			wend++;
		if (wend >= len || s[wend] != ' ')
			return 0;
		m = parse_number(s + wend + 1, len - wend - 1, 4, &c);
		if (m != 4 || !valid_date(c, b, a))
			return 0;
		snprintf(out, 11, "%04d-%02d-%02d", c, b, a);
		return wend + 1 + m;
	}
}

/* The article's date: the first publication date a dateline prints
 * ("Publié le", a dateline opening the first paragraph), else the first
 * update date ("Mis à jour le"). */
static int
find_dateline(const doc *d, char date[11])
{
	for (int rank = 2; rank >= 1; rank--)
		for (size_t i = 0; i < d->nlines; i++)
			if (d->lines[i].date_rank == rank) {
				memcpy(date, d->lines[i].date, 11);
				return 1;
			}
	return 0;
}

/* ------------------------------------------------------------ spans */

/* Spans are kept as byte ranges until the record is written: one JSON
 * object per sentence would cost more than finding the sentence. */
typedef struct span {
	enum kind kind;
	size_t start, end;      /* bytes */
	long same_as;           /* index of the block this one repeats, or -1 */
} span;

typedef struct span_list {
	span *items;
	size_t n, cap;
} span_list;

static void
span_push(span_list *l, enum kind k, size_t start, size_t end, long same_as)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->items = kz_realloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->n++] = (span){ k, start, end, same_as };
}

static json_t *
span_json(kz_cp_cursor *c, size_t s, size_t e)
{
	json_t *o = json_object();

	json_object_set_new(o, "start",
	    json_integer((json_int_t)kz_cp_cursor_at(c, s)));
	json_object_set_new(o, "end",
	    json_integer((json_int_t)kz_cp_cursor_at(c, e)));
	json_object_set_new(o, "text", json_stringn_nocheck(c->text + s, e - s));
	return o;
}

/* Write `"key":[{"kind":..,"start":..,"end":..},...]`: structure spans
 * carry offsets only (kz/1), their text is text[start:end]. */
static void
write_spans(kz_buf *out, const char *key, const char *text,
    const span_list *l, int with_kind)
{
	kz_cp_cursor c = { text, 0, 0 };

	kz_json_add_string(out, key, strlen(key));
	kz_buf_add(out, ":[", 2);
	for (size_t i = 0; i < l->n; i++) {
		const span *sp = &l->items[i];

		kz_buf_add(out, i ? ",{" : "{", i ? 2 : 1);
		if (with_kind) {
			kz_buf_adds(out, "\"kind\":\"");
			kz_buf_adds(out, kind_names[sp->kind]);
			kz_buf_add(out, "\",", 2);
		}
		kz_buf_adds(out, "\"start\":");
		kz_json_add_integer(out, (long long)kz_cp_cursor_at(&c, sp->start));
		kz_buf_adds(out, ",\"end\":");
		kz_json_add_integer(out, (long long)kz_cp_cursor_at(&c, sp->end));
		if (sp->same_as >= 0) {
			kz_buf_adds(out, ",\"same_as\":");
			kz_json_add_integer(out, sp->same_as);
		}
		kz_buf_addc(out, '}');
	}
	kz_buf_addc(out, ']');
}

/* ------------------------------------------------------------ byline */

static void
byline_part(const doc *d, size_t s, size_t e, json_t *authors,
    json_t *agencies, kz_cp_cursor *o)
{
	kz_folded f;

	trim(d->text, &s, &e);
	while (e > s && d->text[e - 1] == ',')
		e--;
	if (e <= s)
		return;
	kz_fold(d->n->folder, d->text + s, e - s, &f);
	json_array_append_new(kz_wordlist_find(&d->n->agencies, f.text, f.len) >= 0
	    ? agencies : authors, span_json(o, s, e));
	kz_folded_release(&f);
}

/* "Par Julien Pavy avec AFP", "AFP / Paris / Jean Dupont", "L'Obs - -
 * Rubrique - NOM": authors and agencies, split at commas, joiner words,
 * slashes, pipes and dashes. Where slashes, pipes or dashes split it, the
 * line also names places and rubrics: only its last part of two words or
 * more that is no agency is an author. After an outlet prefix ("À la
 * rédaction web de") the rest is an outlet. */
static void
parse_byline(const doc *d, size_t s, size_t e, json_t *authors,
    json_t *agencies, kz_cp_cursor *o)
{
	size_t i, ps, pe, last_s = 0, last_e = 0, at;
	int sep, any_sep = 0;

	at = list_at(d, &d->n->outlet_prefixes, s, e);
	if (at) {
		byline_part(d, at, e, agencies, agencies, o);
		return;
	}
	at = list_at(d, &d->n->byline_prefixes, s, e);
	i = at ? at : s;
	for (size_t k = i; next_part(d, &k, e, &ps, &pe, &sep);)
		any_sep |= sep;
	while (next_part(d, &i, e, &ps, &pe, &sep)) {
		if (!any_sep || list_is(d, &d->n->agencies, ps, pe))
			byline_part(d, ps, pe, authors, agencies, o);
		else if (capitalised_words(d, ps, pe) >= 2) {
			last_s = ps;
			last_e = pe;
		}
	}
	if (last_e)
		byline_part(d, last_s, last_e, authors, agencies, o);
}

/* The agencies a dateline names: "Dakar (AFP) -". */
static void
dateline_agencies(const doc *d, size_t s, size_t e, json_t *agencies,
    kz_cp_cursor *o)
{
	const char *t = d->text;

	while (s < e) {
		size_t p = s;

		size_t q;

		while (p < e && !strchr("|,()", t[p]))
			p++;
		/* the dash that ends the dateline */
		q = p;
		trim(t, &s, &q);
		while (q > s && (t[q - 1] == '-' || ((unsigned char)t[q - 1] >= 0x80 &&
		    q >= s + 3 && lone_dash(t, q - 3, s, q))))
			q -= t[q - 1] == '-' ? 1 : 3;
		if (list_is(d, &d->n->agencies, s, q))
			byline_part(d, s, q, agencies, agencies, o);
		s = p + 1;
	}
}

/* ------------------------------------------------------------ sentences */

static int
is_abbreviation(const doc *d, size_t dot)
{
	size_t s = dot;
	kz_folded f;
	long hit;

	while (s > 0) {
		size_t p = kz_utf8_prev(d->text, s);
		int32_t cp;

		kz_utf8_decode((const unsigned char *)d->text + p, s - p, &cp);
		if (!kz_cp_is_letter(cp) && cp != 0xB0)
			break;
		s = p;
	}
	if (s == dot)
		return 0;
	/* a single capital: an initial (V. Poutine) */
	if (kz_utf8_next(d->text, d->len, s) == dot - s) {
		int32_t cp;

		kz_utf8_decode((const unsigned char *)d->text + s, dot - s, &cp);
		if (kz_cp_is_upper(cp))
			return 1;
	}
	kz_fold(d->n->folder, d->text + s, dot - s, &f);
	hit = kz_wordlist_find(&d->n->abbreviations, f.text, f.len);
	kz_folded_release(&f);
	/* "M." must be a capital M: "à 5 m." ends a sentence */
	return hit >= 0;
}

static void
add_sentence(span_list *out, const char *t, size_t s, size_t e)
{
	trim(t, &s, &e);
	if (e > s)
		span_push(out, K_NONE, s, e, -1);
}

/* Bytes split_sentences must look at: . ! ? " and the lead bytes of
 * « » (C2) and of “ ” ‹ › … (E2). Everything else is skipped unread. */
static const unsigned char sentence_byte[256] = {
	['.'] = 1, ['!'] = 1, ['?'] = 1, ['"'] = 1, [0xC2] = 1, [0xE2] = 1
};

/* Are the quotation marks of [s, e) balanced? Unbalanced marks are then
 * ignored when splitting, so one stray mark cannot glue a block together. */
static int
quotes_balance(const char *t, size_t s, size_t e)
{
	int depth = 0, straight = 0;

	for (size_t i = s; i < e; i++) {
		int32_t cp;

		if (!sentence_byte[(unsigned char)t[i]] || t[i] == '.' ||
		    t[i] == '!' || t[i] == '?')
			continue;
		if (kz_utf8_decode((const unsigned char *)t + i, e - i, &cp) == 0)
			continue;
		if (cp == 0xAB || cp == 0x201C || cp == 0x2039)
			depth++;
		else if ((cp == 0xBB || cp == 0x201D || cp == 0x203A) && depth > 0)
			depth--;
		else if (cp == '"')
			straight = !straight;
	}
	return depth == 0 && !straight;
}

static void
split_sentences(const doc *d, size_t s, size_t e, span_list *out)
{
	const char *t = d->text;
	int use_quotes = quotes_balance(t, s, e);
	int depth = 0, straight = 0;
	size_t start = s, i = s;

	while (i < e) {
		int32_t cp, next;
		size_t n, after;
		unsigned char c = (unsigned char)t[i];

		if (!sentence_byte[c]) {
			i++;
			continue;
		}
		n = kz_utf8_decode((const unsigned char *)t + i, e - i, &cp);
		if (n == 0)
			n = 1;
		if (use_quotes) {
			if (cp == 0xAB || cp == 0x201C || cp == 0x2039)
				depth++;
			else if ((cp == 0xBB || cp == 0x201D || cp == 0x203A) && depth > 0)
				depth--;
			else if (cp == '"')
				straight = !straight;
		}
		if (!ends_sentence(cp) || depth > 0 || straight) {
			i += n;
			continue;
		}
		after = i + n;
		/* runs of ... and ?! belong together */
		while (after < e && (t[after] == '.' || t[after] == '!' ||
		    t[after] == '?'))
			after++;
		/* "(...)" marks a cut, not an end */
		if (cp == '.' && after - i >= 3 && i > s && t[i - 1] == '(' &&
		    after < e && t[after] == ')') {
			i = after;
			continue;
		}
		if (cp == '.' && after == i + 1 && is_abbreviation(d, i)) {
			i = after;
			continue;
		}
		while (after < e && (t[after] == ')' || t[after] == ']'))
			after++;
		if (after >= e) {
			i = after;
			break;
		}
		if (!is_space_byte(t[after])) {
			int32_t sp;
			size_t m = kz_utf8_decode((const unsigned char *)t + after,
			    e - after, &sp);

			if (!(m > 1 && kz_cp_is_space(sp))) {
				i = after;
				continue;
			}
		}
		/* the next word must start like a sentence */
		{
			size_t k = after;

			while (k < e) {
				int32_t sp;
				size_t m = kz_utf8_decode((const unsigned char *)t + k,
				    e - k, &sp);

				if (m == 0 || !kz_cp_is_space(sp))
					break;
				k += m;
			}
			kz_utf8_decode((const unsigned char *)t + k, e - k, &next);
			if (kz_cp_is_upper(next) || kz_cp_is_digit(next) ||
			    is_opening_quote(next) || next == '-' || next == 0x2013 ||
			    next == 0x2014 || next == '(') {
				add_sentence(out, t, start, after);
				start = k;
			}
			i = k;
		}
	}
	add_sentence(out, t, start, e);
}

/* ------------------------------------------------------------ output */

const char *const kz_normalize_reads[] = { "text", "date", NULL };
const char *const kz_normalize_writes[] = {
	"kz", "text", "blocks", "sentences", "byline", "date", "date_estimated",
	NULL
};

void
kz_normalize_article_members(const kz_normalizer *n, const char *raw,
    size_t len, json_t *rec, kz_buf *members, kz_normalize_report *rep)
{
	kz_buf text;
	int needs_nfc = 0;
	doc d;
	kz_cp_cursor byline_cursor;
	span_list blocks = { 0 }, sentences = { 0 };
	json_t *authors, *agencies, *byline;
	long *block_of_line;
	size_t content = 0, s;
	char date[11];

	memset(rep, 0, sizeof *rep);
	kz_buf_init(&text);
	clean_bytes(raw, len, &text, rep, &needs_nfc);
	if (needs_nfc)
		to_nfc(&text);

	memset(&d, 0, sizeof d);
	d.n = n;
	d.text = text.data;
	d.len = text.len;
	split_lines(&d);
	classify(&d);
	byline_cursor = (kz_cp_cursor){ d.text, 0, 0 };

	authors = json_array();
	agencies = json_array();
	block_of_line = kz_malloc(d.nlines * sizeof *block_of_line);
	for (size_t i = 0; i < d.nlines; i++) {
		line *l = &d.lines[i];

		block_of_line[i] = -1;
		if (l->blank)
			continue;
		if (l->kind != K_BOILERPLATE && l->kind != K_RELATED &&
		    l->kind != K_CREDIT && l->kind != K_BYLINE &&
		    l->kind != K_DATELINE && l->kind != K_RUBRIC)
			content++;
		if (l->kind == K_CAPTION && l->copy_end) {
			size_t ce = l->copy_end, cs = l->start;

			trim(d.text, &cs, &ce);
			/* drop a separator dash between caption and credit */
			while (ce > cs && (d.text[ce - 1] == '-' ||
			    is_space_byte(d.text[ce - 1])))
				ce--;
			block_of_line[i] = (long)blocks.n;
			span_push(&blocks, K_CAPTION, cs, ce, l->same_as >= 0 ?
			    block_of_line[l->same_as] : -1);
			if (l->same_as < 0)
				split_sentences(&d, cs, ce, &sentences);
			span_push(&blocks, K_CREDIT, l->credit_start, l->end, -1);
			continue;
		}
		block_of_line[i] = (long)blocks.n;
		s = l->start;
		if (l->head_kind != K_NONE) {
			size_t he = l->head_end;

			trim(d.text, &s, &he);
			span_push(&blocks, l->head_kind, s, he, -1);
			if (l->head_kind == K_DATELINE)
				dateline_agencies(&d, s, he, agencies,
				    &byline_cursor);
			if (l->head_kind == K_SPEAKER_NAME)
				split_sentences(&d, s, he, &sentences);
			s = l->rest_start;
			if (s >= l->end)
				continue;
		}
		span_push(&blocks, l->kind, s, l->end, -1);
		if (l->kind == K_BYLINE)
			parse_byline(&d, s, l->end, authors, agencies,
			    &byline_cursor);
		if (l->kind != K_BOILERPLATE && l->kind != K_CREDIT &&
		    l->kind != K_BYLINE && l->kind != K_DATELINE &&
		    l->kind != K_RUBRIC)
			split_sentences(&d, s, l->end, &sentences);
	}
	free(block_of_line);

	json_object_set_new(rec, "kz", json_integer(1));
	/* repaired above: valid UTF-8 */
	json_object_set_new(rec, "text", json_stringn_nocheck(d.text, d.len));
	/* blocks and sentences go to members, written as they are */
	json_object_del(rec, "blocks");
	json_object_del(rec, "sentences");
	write_spans(members, "blocks", d.text, &blocks, 1);
	kz_buf_addc(members, ',');
	write_spans(members, "sentences", d.text, &sentences, 0);
	byline = json_object();
	json_object_set_new(byline, "authors", authors);
	json_object_set_new(byline, "agencies", agencies);
	json_object_set_new(rec, "byline", byline);
	if (!json_is_string(json_object_get(rec, "date")))
		json_object_set_new(rec, "date",
		    find_dateline(&d, date) ? json_string(date) : json_null());
	if (!json_is_string(json_object_get(rec, "date")) &&
	    estimate_date(&d, date))
		json_object_set_new(rec, "date_estimated", json_string(date));

	if (rep->bad_bytes || rep->controls) {
		kz_offsets o;

		kz_offsets_init(&o, d.text, d.len);
		if (rep->bad_bytes) {
			char msg[200];

			snprintf(msg, sizeof msg, "%zu invalid UTF-8 sequence%s"
			    " replaced by U+FFFD, the first at input byte %zu",
			    rep->bad_bytes, rep->bad_bytes > 1 ? "s" : "",
			    rep->first_bad);
			kz_record_add_flag(rec, &o, d.text, "invalid-utf8", "warning",
			    0, 0, msg, NULL);
		}
		if (rep->controls) {
			char msg[200];

			snprintf(msg, sizeof msg, "%zu control character%s (NUL or"
			    " other) replaced by U+FFFD, the first at input byte %zu",
			    rep->controls, rep->controls > 1 ? "s" : "",
			    rep->first_control);
			kz_record_add_flag(rec, &o, d.text, "control-character",
			    "warning", 0, 0, msg, NULL);
		}
		kz_offsets_release(&o);
	}
	rep->empty = d.len == 0 || blocks.n == 0;
	rep->only_residue = !rep->empty && content == 0;

	for (size_t i = 0; i < d.nlines; i++)
		free(d.lines[i].folded);
	free(d.lines);
	free(blocks.items);
	free(sentences.items);
	kz_buf_release(&text);
}

void
kz_normalize_article(const kz_normalizer *n, const char *raw, size_t len,
    json_t *rec, kz_normalize_report *rep)
{
	kz_buf members;
	json_t *parsed;

	kz_buf_init(&members);
	kz_buf_addc(&members, '{');
	kz_normalize_article_members(n, raw, len, rec, &members, rep);
	kz_buf_addc(&members, '}');
	/* the members are read back, so callers of this function (and the
	 * unit tests) see exactly what kz-normalize writes */
	parsed = kz_json_parse_line(members.data, members.len);
	if (parsed == NULL)
		parsed = json_loadb(members.data, members.len, 0, NULL);
	if (parsed != NULL)
		json_object_update(rec, parsed);
	json_decref(parsed);
	kz_buf_release(&members);
}
