#include "tagger.h"

#include "buf.h"
#include "chains.h"
#include "datapath.h"
#include "jsonline.h"
#include "names.h"
#include "record.h"
#include "text.h"
#include "tokens.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kz_tagger {
	kz_folder *folder;
	kz_gazetteer *g;
	kz_roles *roles;
	kz_names names;
};

static kz_tagger *
load(const char *datadir, const char *gazetteer_dir, const kz_tagger *first,
    kz_error *err)
{
	kz_tagger *t = kz_calloc(1, sizeof *t);
	char path[PATH_MAX], path2[PATH_MAX];

	t->folder = kz_folder_new();
	/* a folder given instead of the data's is the only one read; the
	 * data's comes with the local layers (datapath.h) */
	if (first)
		t->g = kz_gazetteer_share(first->g, t->folder);
	else if (gazetteer_dir)
		t->g = kz_gazetteer_load_dir(gazetteer_dir, t->folder, err);
	else {
		snprintf(path, sizeof path, "%s/gazetteers", datadir);
		t->g = kz_gazetteer_load_layered(path, t->folder, err);
	}
	if (t->g == NULL)
		goto fail;
	t->roles = kz_roles_load(kz_data_path(datadir, "rules/roles.yaml", path,
	    sizeof path), t->g, t->folder, err);
	if (t->roles == NULL)
		goto fail;
	kz_data_path(datadir, "rules/names.yaml", path, sizeof path);
	kz_data_path(datadir, "rules/firstnames.yaml", path2, sizeof path2);
	if (kz_names_load(&t->names, path, path2, t->folder, err) != 0)
		goto fail;
	return t;
fail:
	kz_tagger_free(t);
	return NULL;
}

kz_tagger *
kz_tagger_load(const char *datadir, const char *gazetteer_dir, kz_error *err)
{
	return load(datadir, gazetteer_dir, NULL, err);
}

kz_tagger *
kz_tagger_load_shared(const char *datadir, const kz_tagger *first,
    kz_error *err)
{
	return load(datadir, NULL, first, err);
}

void
kz_tagger_free(kz_tagger *t)
{
	if (t == NULL)
		return;
	kz_roles_free(t->roles);
	kz_gazetteer_free(t->g);
	if (t->names.firstnames)
		kz_names_release(&t->names);
	kz_folder_free(t->folder);
	free(t);
}

int
kz_tagger_first_name_gender(const kz_tagger *t, const kz_tokens *tok,
    size_t i)
{
	const kz_token *k;
	intptr_t g;

	if (i >= tok->n)
		return 0;
	k = &tok->tok[i];
	if (!kz_strmap_get_hashed(t->names.firstnames, tok->folded.text +
	    k->fstart, k->fend - k->fstart, k->hash, &g))
		return 0;
	return g == 'm' || g == 'f' ? (int)g : 0;
}

const kz_gazetteer *
kz_tagger_gazetteer(const kz_tagger *t)
{
	return t->g;
}

const kz_roles *
kz_tagger_roles(const kz_tagger *t)
{
	return t->roles;
}

const kz_folder *
kz_tagger_folder(const kz_tagger *t)
{
	return t->folder;
}

static int32_t
date_field(const json_t *rec, const char *key)
{
	const json_t *d = json_object_get(rec, key);
	char buf[11];

	if (!json_is_string(d))
		return -1;
	snprintf(buf, sizeof buf, "%s", json_string_value(d));
	return kz_date_parse(buf);
}

int32_t
kz_record_date(const json_t *rec, const char *fallback, int estimate)
{
	int32_t v = date_field(rec, "date");

	if (v <= 0 && estimate)
		v = date_field(rec, "date_estimated");
	if (v <= 0 && fallback)
		v = kz_date_parse(fallback);
	return v > 0 ? v : 0;
}

/* ------------------------------------------------------------ one record */

enum via { VIA_GAZETTEER, VIA_RULE, VIA_BYLINE, VIA_CREDIT };
static const char *const via_names[] = { "gazetteer", "rule", "byline", "credit" };

typedef struct found {
	size_t ts, te;          /* tokens */
	const char *type;
	long entry;             /* gazetteer entry, -1 for a rule name */
	long surface;
	enum via via;
	int ambiguous;
	int dropped;            /* replaced by a better reading */
	const kz_candidate *cands;
	size_t ncands;
	long chain;             /* a person's chain (see link_chains), or -1 */
} found;

typedef struct work {
	const kz_tagger *tg;
	const char *text;
	size_t len;
	kz_tokens tok;
	unsigned char *covered;     /* per token */
	unsigned char *skip;        /* per token: boilerplate, related */
	unsigned char *credit;      /* per token: inside a credit block */
	found *f;
	size_t nf, capf;
	/* the founds by their first token, each chain in index order, so that
	 * "the person found at token e" is not a walk of every found (it was
	 * asked for every role mention: a pass inside a pass) */
	size_t *ts_head, *ts_tail;  /* per token: first and last found, or NO_F */
	size_t *ts_next;            /* per found: the next with the same ts */
	kz_chains chains;
	char *chain_gender;         /* per chain: 'm', 'f' or 0 */
	size_t chain_gender_n;      /* bytes of chain_gender set */
} work;

#define NO_F SIZE_MAX

static void
index_found(work *w, size_t a)
{
	size_t e = w->f[a].ts;

	w->ts_next[a] = NO_F;
	if (w->ts_head[e] == NO_F)
		w->ts_head[e] = a;
	else
		w->ts_next[w->ts_tail[e]] = a;
	w->ts_tail[e] = a;
}

/* After the founds' first tokens or their order changed. */
static void
reindex_founds(work *w)
{
	for (size_t k = 0; k <= w->tok.n; k++)
		w->ts_head[k] = w->ts_tail[k] = NO_F;
	for (size_t a = 0; a < w->nf; a++)
		index_found(w, a);
}

static void
add_found(work *w, const found *x)
{
	if (w->nf == w->capf) {
		w->capf = w->capf ? w->capf * 2 : 64;
		w->f = kz_realloc(w->f, w->capf * sizeof *w->f);
		w->ts_next = kz_realloc(w->ts_next, w->capf * sizeof *w->ts_next);
	}
	w->f[w->nf++] = *x;
	index_found(w, w->nf - 1);
	for (size_t k = x->ts; k < x->te; k++)
		w->covered[k] = 1;
}

static int
free_span(const work *w, size_t ts, size_t te)
{
	if (te > w->tok.n)
		return 0;
	for (size_t k = ts; k < te; k++)
		if (w->covered[k] || w->skip[k])
			return 0;
	return 1;
}

static int
tok_key_in(const work *w, const kz_strmap *m, size_t i)
{
	const kz_token *k = &w->tok.tok[i];

	return kz_strmap_get_hashed(m, w->tok.folded.text + k->fstart,
	    k->fend - k->fstart, k->hash, NULL);
}

static int
is_upper(const work *w, size_t i)
{
	return i < w->tok.n && (w->tok.tok[i].flags & KZ_TOK_UPPER);
}

static int
joins(const work *w, size_t i)
{
	return i < w->tok.n && (w->tok.tok[i].flags & KZ_TOK_JOINS);
}

/* A capitalised word that may be part of a person's name. */
static int
name_word(const work *w, size_t i)
{
	return i < w->tok.n && is_upper(w, i) &&
	    !tok_key_in(w, w->tg->names.not_names, i) &&
	    !(w->tok.tok[i].flags & KZ_TOK_DIGIT);
}

/* Mark the tokens inside blocks of the given kinds. */
static void
mark_blocks(work *w, const json_t *rec, const kz_offsets *o)
{
	const json_t *blocks = json_object_get(rec, "blocks");
	size_t i;
	const json_t *b;

	json_array_foreach(blocks, i, b) {
		const char *kind = json_string_value(json_object_get(b, "kind"));
		size_t bs, be, k;
		unsigned char *into;

		if (kind == NULL || kz_span_bytes(b, o, &bs, &be) != 0)
			continue;
		if (strcmp(kind, "boilerplate") == 0 || strcmp(kind, "related") == 0)
			into = w->skip;
		else if (strcmp(kind, "credit") == 0)
			into = w->credit;
		else
			continue;
		for (k = kz_tokens_at(&w->tok, bs); k < w->tok.n &&
		    w->tok.tok[k].sstart < be; k++)
			into[k] = 1;
	}
}

static int hyphen_after(const work *w, size_t a);

/* Are tokens [ts, te) part of a longer hyphenated name, "Ferrand" in
 * "Ferrand-Prévot"? A person's name never begins or ends inside one: the
 * whole compound is someone else. (A place may: "le stade
 * Santiago-Bernabéu" is no person for being no Santiago.) */
static int
inside_compound(const work *w, size_t ts, size_t te)
{
	return (te < w->tok.n && hyphen_after(w, te - 1) && is_upper(w, te)) ||
	    (ts > 0 && hyphen_after(w, ts - 1) && is_upper(w, ts - 1));
}

static void
gazetteer_pass(work *w)
{
	for (size_t i = 0; i < w->tok.n;) {
		kz_match m;
		size_t n;

		if (w->skip[i]) {
			i++;
			continue;
		}
		n = kz_gazetteer_match_at(w->tg->g, &w->tok, i, &m);
		if (n == 0 || (inside_compound(w, i, i + n) && strcmp(kz_gazetteer_entry(
		    w->tg->g, m.cands[0].entry)->type, "PER") == 0)) {
			i++;
			continue;
		}
		{
			found x = { .ts = i, .te = i + n, .entry = m.cands[0].entry,
			    .surface = m.cands[0].surface, .via = VIA_GAZETTEER,
			    .cands = m.cands, .ncands = m.ncands };

			x.type = kz_gazetteer_entry(w->tg->g, x.entry)->type;
			x.ambiguous = m.ncands > 1;
			add_found(w, &x);
		}
		i += n;
	}
}

/* Several entries share one surface (Washington, Jordan, Paris): take the
 * one the article names unambiguously elsewhere, else one whose type fits
 * the word before, else the first listed. */
/* Was this reading's name in use on date? */
static int
in_use(const work *w, const kz_candidate *c, int32_t date)
{
	const kz_surface *s = &kz_gazetteer_entry(w->tg->g, c->entry)
	    ->surfaces[c->surface];

	return date == 0 || ((s->from == 0 || s->from <= date) &&
	    (s->to == 0 || date < s->to));
}

static void
resolve_ambiguous(work *w, int32_t date)
{
	for (size_t a = 0; a < w->nf; a++) {
		found *x = &w->f[a];
		long pick = -1;
		size_t current = 0, which = 0;

		if (!x->ambiguous)
			continue;
		/* "la ville de X": the word before says which kind of place */
		if (x->ts >= 1) {
			intptr_t cue = -1;

			for (size_t back = 1; back <= 2 && back <= x->ts && cue < 0; back++)
				if (!kz_strmap_get(w->tg->names.place_cues,
				    w->tok.folded.text + w->tok.tok[x->ts - back].fstart,
				    w->tok.tok[x->ts - back].fend -
				    w->tok.tok[x->ts - back].fstart, &cue))
					cue = -1;
			for (size_t c = 0; cue >= 0 && c < x->ncands && pick < 0; c++) {
				const kz_entry *ce = kz_gazetteer_entry(w->tg->g,
				    x->cands[c].entry);

				if (ce->kind && strcmp(ce->kind,
				    w->tg->names.cue_kinds[cue]) == 0)
					pick = (long)c;
			}
			if (pick >= 0) {
				x->entry = x->cands[pick].entry;
				x->surface = x->cands[pick].surface;
				x->type = kz_gazetteer_entry(w->tg->g, x->entry)->type;
				continue;
			}
		}
		/* Dnipropetrovsk in 2023 is the oblast, not the renamed city */
		for (size_t c = 0; c < x->ncands; c++)
			if (in_use(w, &x->cands[c], date)) {
				current++;
				which = c;
			}
		if (current == 1 && date) {
			x->entry = x->cands[which].entry;
			x->surface = x->cands[which].surface;
			x->type = kz_gazetteer_entry(w->tg->g, x->entry)->type;
			continue;
		}
		for (size_t c = 0; c < x->ncands && pick < 0; c++)
			for (size_t b = 0; b < w->nf; b++)
				if (!w->f[b].ambiguous && w->f[b].entry ==
				    (long)x->cands[c].entry) {
					pick = (long)c;
					break;
				}
		if (pick < 0 && x->ts > 0) {
			/* "M. Jordan" is a person; "à Paris" a place */
			size_t p = x->ts - 1;
			int person = kz_roles_title_at(w->tg->roles, &w->tok, p);
			int place = kz_token_is(&w->tok, p, "a") ||
			    kz_token_is(&w->tok, p, "en") || kz_token_is(&w->tok, p, "au");

			for (size_t c = 0; c < x->ncands && pick < 0; c++) {
				const char *ty = kz_gazetteer_entry(w->tg->g,
				    x->cands[c].entry)->type;

				if ((person && strcmp(ty, "PER") == 0) ||
				    (place && strcmp(ty, "LOC") == 0))
					pick = (long)c;
			}
		}
		if (pick < 0)
			pick = 0;
		x->entry = x->cands[pick].entry;
		x->surface = x->cands[pick].surface;
		x->type = kz_gazetteer_entry(w->tg->g, x->entry)->type;
	}
}

/* Does the entry of x give its person another first name than token p?
 * (The gazetteer would have matched the full name had it been its own.) */
static int
other_first_name(const work *w, const found *x, size_t p)
{
	const kz_entry *en = kz_gazetteer_entry(w->tg->g, (size_t)x->entry);
	const kz_token *k = &w->tok.tok[p];
	char *canon;
	const char *sp;
	int other;

	if (en->name == NULL || (sp = strchr(en->name, ' ')) == NULL)
		return 0;
	canon = kz_fold_string(w->tg->folder, en->name);
	sp = strchr(canon, ' ');
	other = sp == NULL || (size_t)(sp - canon) != k->fend - k->fstart ||
	    memcmp(canon, w->tok.folded.text + k->fstart, k->fend - k->fstart) != 0;
	free(canon);
	return other;
}

/* "Benjamin Nétanyahou" where the gazetteer knows only "Nétanyahou": a
 * known first name right before a person's name belongs to it. */
static void
first_name_before_person(work *w)
{
	int reindexed = 0;

	for (size_t a = 0; a < w->nf; a++) {
		found *x = &w->f[a];
		size_t p;

		if (x->entry < 0 || strcmp(x->type, "PER") != 0 || x->ts == 0)
			continue;
		p = x->ts - 1;
		if (!joins(w, p) || w->covered[p] || w->skip[p] || !name_word(w, p) ||
		    !tok_key_in(w, w->tg->names.firstnames, p))
			continue;
		/* a compound first name: "Jean-Marc Ferrand" */
		while (p > 0 && hyphen_after(w, p - 1) && name_word(w, p - 1) &&
		    !w->covered[p - 1] && !w->skip[p - 1] &&
		    tok_key_in(w, w->tg->names.firstnames, p - 1))
			w->covered[--p] = 1;
		x->ts = p;
		reindexed = 1;
		w->covered[p] = 1;
		if (other_first_name(w, x, p)) {
			/* "Pierre Macron" is not Emmanuel Macron */
			x->entry = -1;
			x->surface = -1;
			x->via = VIA_RULE;
			x->ambiguous = 0;
			x->ncands = 0;
		}
	}
	if (reindexed)
		reindex_founds(w);
}

/* "Riyad Mansour, l'ambassadeur…": a one-word place where a person's name
 * begins (the context has proved it is a person) gives way. */
static int
free_or_place(work *w, size_t i)
{
	if (free_span(w, i, i + 1))
		return 1;
	for (size_t a = 0; a < w->nf; a++) {
		found *x = &w->f[a];

		if (!x->dropped && x->ts == i && x->te == i + 1 && x->type &&
		    strcmp(x->type, "LOC") == 0 && !w->skip[i]) {
			x->dropped = 1;
			w->covered[i] = 0;
			return 1;
		}
	}
	return 0;
}

static void
add_rule(work *w, size_t ts, size_t te, const char *type, enum via via)
{
	found x = { .ts = ts, .te = te, .type = type, .entry = -1,
	    .surface = -1, .via = via, .chain = -1 };

	add_found(w, &x);
}

/* Is token i a capitalised word no name has taken yet (and, with
 * no_allcaps, not in capitals: an acronym)? */
static int
free_name_word(const work *w, size_t i, int no_allcaps)
{
	return name_word(w, i) && free_span(w, i, i + 1) &&
	    !(no_allcaps && (w->tok.tok[i].flags & KZ_TOK_ALLCAPS));
}

/* Capitalised words from token j, up to three, none taken yet: the end
 * token, or 0 when token j is none. */
static size_t
name_words_end(const work *w, size_t j, int no_allcaps)
{
	size_t e;

	if (j >= w->tok.n || !free_name_word(w, j, no_allcaps))
		return 0;
	e = j + 1;
	while (e < w->tok.n && e - j < 3 && joins(w, e - 1) &&
	    free_name_word(w, e, no_allcaps))
		e++;
	return e;
}

/* Capitalised words after a title: "le général Andreï Serdioukov",
 * "M. Dupont", "Mme Zakharova". */
static void
titles_pass(work *w)
{
	for (size_t i = 0; i + 1 < w->tok.n; i++) {
		const kz_token *k = &w->tok.tok[i];
		size_t j, e;

		if (w->skip[i] || !kz_roles_title_at(w->tg->roles, &w->tok, i))
			continue;
		/* "M." needs its full stop; "général" its space; the name
		 * follows at once ("M. « C'est" is a sentence end) and is no
		 * elided word */
		j = i + 1;
		if (k->send < w->len && w->text[k->send] == '.') {
			if (k->send + 1 >= w->len || w->text[k->send + 1] != ' ' ||
			    w->tok.tok[j].sstart != k->send + 2)
				continue;
		} else if (!joins(w, i)) {
			continue;
		}
		if ((w->tok.tok[j].flags & KZ_TOK_ELIDED) && (j + 1 >= w->tok.n ||
		    !(w->tok.tok[j + 1].flags & KZ_TOK_UPPER)))
			continue;
		if ((e = name_words_end(w, j, 0)) == 0)
			continue;
		add_rule(w, j, e, "PER", VIA_RULE);
		i = e - 1;
	}
}

static int comma_between(const work *w, size_t a);

static int sentence_initial(const work *w, size_t i);

/* Token i is the lower-case end of a hyphenated name: "Jae-won",
 * "Dong-hoon" (as Korean names are written in French). */
static int
hyphen_tail(const work *w, size_t i)
{
	const kz_token *k = &w->tok.tok[i];

	return i > 0 && i < w->tok.n && !(k->flags & (KZ_TOK_UPPER | KZ_TOK_DIGIT)) &&
	    k->sstart > 0 && w->text[k->sstart - 1] == '-' &&
	    w->tok.tok[i - 1].send == k->sstart - 1 && k->send - k->sstart <= 6 &&
	    free_span(w, i, i + 1);
}

/* After the comma, who the person is: a noun of `person_nouns` (after
 * "un"/"une" for a single name), or an age ("de 38 ans", "29 ans"). */
static int
apposition_names_a_person(const work *w, size_t e, int single_word)
{
	size_t k = e;
	int article = 0;

	if (kz_token_is(&w->tok, k, "un") || kz_token_is(&w->tok, k, "une")) {
		article = 1;
		k++;
	}
	if (k < w->tok.n && tok_key_in(w, w->tg->names.person_nouns, k) &&
	    (article || !single_word))
		return 1;
	/* an age: "29 ans", or "un employé de bureau de 29 ans" */
	if (!article && !(w->tok.tok[e].flags & KZ_TOK_DIGIT))
		return 0;
	for (k = e; k + 1 < w->tok.n && k < e + 10; k++) {
		if ((w->tok.tok[k].flags & KZ_TOK_DIGIT) &&
		    kz_token_is(&w->tok, k + 1, "ans"))
			return 1;
		if (!joins(w, k) && !comma_between(w, k))
			break;      /* the clause ends */
	}
	return 0;
}

/* The found town (LOC of kind city) that is token i alone, or -1. */
static long
town_alone_at(const work *w, size_t i)
{
	/* the founds starting at i only (w->ts_head): asked for every token
	 * a name covers, a walk of every found was a pass inside a pass */
	for (size_t a = w->ts_head[i]; a != NO_F; a = w->ts_next[a]) {
		const found *x = &w->f[a];
		const kz_entry *en;

		if (x->dropped || x->ts != i || x->te != i + 1 || x->entry < 0 ||
		    strcmp(x->type, "LOC") != 0)
			continue;
		en = kz_gazetteer_entry(w->tg->g, (size_t)x->entry);
		return en->kind && strcmp(en->kind, "city") == 0 ? (long)a : -1;
	}
	return -1;
}

/* Capitalised words followed by a comma and who the person is: a role
 * description ("Tina Bokoutchava, présidente du Mouvement national uni",
 * "Alexandr Stoianoglo, ancien procureur général"), a noun of
 * `person_nouns` ("Radu Mihăilescu, professeur de droit") or an age
 * ("Ndèye, une vendeuse de 38 ans"). A single word needs the article or
 * the age, and not to open its sentence ("Hier, un homme de 40 ans"). */
static void
described_names_pass(work *w)
{
	for (size_t i = 0; i + 2 < w->tok.n; i++) {
		size_t e = i + 1;
		kz_mention m;
		int single;

		long town = -1;

		if (!name_word(w, i) || (w->tok.tok[i].flags & KZ_TOK_ALLCAPS))
			continue;
		if (!free_span(w, i, i + 1)) {
			/* "Samer, un ingénieur de 36 ans": no town is
			 * described so */
			if ((town = town_alone_at(w, i)) < 0 ||
			    !comma_between(w, i) || !apposition_names_a_person(w,
			    i + 1, 1) || sentence_initial(w, i))
				continue;
			w->f[town].dropped = 1;
			w->covered[i] = 0;
			add_rule(w, i, i + 1, "PER", VIA_RULE);
			continue;
		}
		while (e < w->tok.n && e - i < 4 && ((name_word(w, e) &&
		    free_span(w, e, e + 1) && !(w->tok.tok[e].flags & KZ_TOK_ALLCAPS) &&
		    joins(w, e - 1)) || hyphen_tail(w, e)))
			e++;
		if (e >= w->tok.n || !comma_between(w, e - 1) || joins(w, e - 1))
			continue;
		single = e - i == 1 || (e - i == 2 && hyphen_tail(w, i + 1));
		if (!single && kz_roles_describe(w->tg->roles, &w->tok, e, w->tok.n,
		    &m))
			;
		else if (!apposition_names_a_person(w, e, single) ||
		    (single && sentence_initial(w, i)))
			continue;
		add_rule(w, i, e, "PER", VIA_RULE);
		i = e - 1;
	}
}

/* "Marc, un éleveur", "Sophie, 34 ans": a known first name alone, then
 * a comma and who the person is, as news gives the people it meets. */
static int
first_name_alone(const work *w, size_t i)
{
	const kz_token *k = &w->tok.tok[i];

	return i + 1 < w->tok.n && k->send < w->len && w->text[k->send] == ',' &&
	    name_word(w, i) && free_span(w, i, i + 1) &&
	    tok_key_in(w, w->tg->names.firstnames, i) &&
	    (kz_token_is(&w->tok, i + 1, "un") || kz_token_is(&w->tok, i + 1, "une") ||
	    (w->tok.tok[i + 1].flags & KZ_TOK_DIGIT));
}

/* "Han Dong-hoon", "Kim Min-ji": a capitalised word, then a given name
 * whose hyphenated second half is in lower case, as Korean names are
 * written; and a person found by another rule takes such a tail along
 * ("le général Park An-su"). */
static void
hyphenated_names_pass(work *w)
{
	for (size_t i = 0; i + 2 < w->tok.n; i++) {
		if (!name_word(w, i) || !joins(w, i) || !free_span(w, i, i + 2) ||
		    !name_word(w, i + 1) || !hyphen_tail(w, i + 2) ||
		    (w->tok.tok[i].flags & KZ_TOK_ALLCAPS) ||
		    (w->tok.tok[i + 1].flags & KZ_TOK_ALLCAPS))
			continue;
		add_rule(w, i, i + 3, "PER", VIA_RULE);
		i += 2;
	}
	for (size_t a = 0; a < w->nf; a++) {
		found *x = &w->f[a];

		if (!x->dropped && strcmp(x->type, "PER") == 0 &&
		    x->te < w->tok.n && hyphen_tail(w, x->te)) {
			w->covered[x->te] = 1;
			x->te++;
		}
	}
}

/* Only a hyphen between tokens a and a + 1: "Marchand-Roy". */
static int
hyphen_after(const work *w, size_t a)
{
	const kz_token *x = &w->tok.tok[a];

	return a + 1 < w->tok.n && w->tok.tok[a + 1].fstart == x->fend + 1 &&
	    w->tok.folded.text[x->fend] == '-';
}

/* How many tokens from e go on the surname before them (0: it ends at
 * e): a particle and the word after it, even a first name ("Ben
 * Youssef", "al-Fayçal", "von der Leyen"), a word after a hyphen, even a
 * first name ("Marchand-Roy"), or another capitalised word that is no
 * first name ("Macías Villamar"). */
static size_t
surname_continues(const work *w, size_t e)
{
	size_t p = e;

	if (e == 0 || !joins(w, e - 1))
		return 0;
	while (p < w->tok.n && p - e < 2 && joins(w, p) &&
	    tok_key_in(w, w->tg->names.particles, p))
		p++;
	if (p > e)
		return name_word(w, p) && free_span(w, e, p + 1) ? p + 1 - e : 0;
	if (!name_word(w, e) || !free_span(w, e, e + 1) ||
	    (w->tok.tok[e].flags & KZ_TOK_ALLCAPS))
		return 0;
	return hyphen_after(w, e - 1) ||
	    tok_key_in(w, w->tg->names.particles, e - 1) ||
	    !tok_key_in(w, w->tg->names.firstnames, e) ? 1 : 0;
}

/* Is gazetteer entry e a country's capital ("Paris", which folds like
 * the first name "Pâris")? A capital is never taken for a first name. */
static int
is_capital(const work *w, long e)
{
	const kz_entry *en = kz_gazetteer_entry(w->tg->g, (size_t)e);
	const kz_entry *c = en->country ? kz_gazetteer_country(w->tg->g,
	    en->country) : NULL;

	return c != NULL && c->capital != NULL && en->id != NULL &&
	    strcmp(c->capital, en->id) == 0;
}

/* A place the gazetteer found that is also a first name is a person
 * when a surname follows it ("Son avocat, Salvador Panelo") or when it is
 * given as news gives the people it meets ("Rosario, 58 ans"); not after
 * a place noun ("le stade Santiago-Bernabéu") or across a hyphen. */
static void
places_as_first_names(work *w)
{
	size_t n0 = w->nf;

	for (size_t a = 0; a < n0; a++) {
		found *x = &w->f[a];
		size_t i = x->ts, e;

		if (x->dropped || x->entry < 0 || x->te != i + 1 ||
		    strcmp(x->type, "LOC") != 0 ||
		    !tok_key_in(w, w->tg->names.firstnames, i) ||
		    (i > 0 && (tok_key_in(w, w->tg->names.place_cues, i - 1) ||
		    tok_key_in(w, w->tg->names.place_heads, i - 1))) ||
		    is_capital(w, x->entry))
			continue;
		w->covered[i] = 0;      /* as first_name_alone needs it */
		if (first_name_alone(w, i)) {
			e = i + 1;
		} else if (joins(w, i) && !hyphen_after(w, i) &&
		    name_word(w, i + 1) && free_span(w, i + 1, i + 2) &&
		    !(w->tok.tok[i + 1].flags & KZ_TOK_ALLCAPS) &&
		    !tok_key_in(w, w->tg->names.firstnames, i + 1)) {
			e = i + 2;
			while (e - i < 4) {
				size_t more = surname_continues(w, e);

				if (more == 0)
					break;
				e += more;
			}
		} else {
			w->covered[i] = 1;
			continue;
		}
		x->dropped = 1;
		add_rule(w, i, e, "PER", VIA_RULE);
	}
}

/* "Pierre Lescure": a town's one-word name right after a known first
 * name is the person's surname (France has a commune for many a family
 * name), unless a place noun or preposition stands before ("la rue
 * Victor Hugo"). Cities and regions ("Marisol Touraine"), not countries.
 * The place gives way and the first-name rule takes both words. */
static void
towns_after_first_names(work *w)
{
	for (size_t a = 0; a < w->nf; a++) {
		found *x = &w->f[a];
		const kz_entry *en;
		size_t i = x->ts;

		if (x->dropped || x->entry < 0 || x->te != i + 1 || i == 0 ||
		    strcmp(x->type, "LOC") != 0 || w->skip[i])
			continue;
		en = kz_gazetteer_entry(w->tg->g, (size_t)x->entry);
		if (en->kind == NULL || (strcmp(en->kind, "city") != 0 &&
		    strcmp(en->kind, "region") != 0) || !joins(w, i - 1) ||
		    !name_word(w, i - 1) || !free_span(w, i - 1, i) ||
		    !tok_key_in(w, w->tg->names.firstnames, i - 1) ||
		    (i > 1 && (tok_key_in(w, w->tg->names.place_cues, i - 2) ||
		    tok_key_in(w, w->tg->names.place_heads, i - 2))))
			continue;
		x->dropped = 1;
		w->covered[i] = 0;
	}
}

/* A known first name and capitalised words: "Julien Pavy". */
static void
firstnames_pass(work *w)
{
	for (size_t i = 0; i + 1 < w->tok.n; i++) {
		size_t e;

		if (first_name_alone(w, i)) {
			add_rule(w, i, i + 1, "PER", VIA_RULE);
			continue;
		}
		if (!name_word(w, i) || !joins(w, i) || !free_span(w, i, i + 2) ||
		    !tok_key_in(w, w->tg->names.firstnames, i))
			continue;
		/* the word after the first name may be one too ("José
		 * Adolfo"), or a particle with its word ("Karim ben Salah") */
		if (name_word(w, i + 1) &&
		    !(w->tok.tok[i + 1].flags & KZ_TOK_ALLCAPS))
			e = i + 2;
		else if ((e = i + 1 + surname_continues(w, i + 1)) == i + 1)
			continue;
		while (e - i < 4) {
			size_t more = surname_continues(w, e);

			if (more == 0 || e + more - i > 5)
				break;
			e += more;
		}
		/* a capitalised particle before the first name belongs to the
		 * name: "Abou Mohammed al-Jolani" */
		if (i > 0 && is_upper(w, i - 1) && joins(w, i - 1) &&
		    tok_key_in(w, w->tg->names.particles, i - 1) &&
		    free_span(w, i - 1, i))
			i--;
		/* and a compound first name is one: "Jean-Marc Ferrand" */
		while (i > 0 && hyphen_after(w, i - 1) && name_word(w, i - 1) &&
		    free_span(w, i - 1, i) &&
		    tok_key_in(w, w->tg->names.firstnames, i - 1))
			i--;
		add_rule(w, i, e, "PER", VIA_RULE);
		i = e - 1;
	}
}

/* The end of a person's name that starts at token j, a capitalised word
 * no rule has taken: one word, a second capitalised word, then what
 * surname_continues allows ("Demi Vollering", "Randal Kolo Muani",
 * "Warren Zaïre-Emery"); j itself when token j is no such word. */
static size_t
person_name_end(const work *w, size_t j)
{
	size_t e;

	if (!free_name_word(w, j, 1))
		return j;
	e = j + 1;
	if (joins(w, j) && free_name_word(w, j + 1, 1))
		e = j + 2;
	while (e - j < 4) {
		size_t more = surname_continues(w, e);

		if (more == 0 || e + more - j > 5)
			break;
		e += more;
	}
	while (e < w->tok.n && hyphen_tail(w, e))
		e++;
	return e;
}

/* Is token i "la" or "une": the noun after it is feminine ("l'" says
 * nothing of gender). */
static int
feminine_determiner(const work *w, size_t i)
{
	return kz_token_is(&w->tok, i, "la") || kz_token_is(&w->tok, i, "une");
}

/* "la Néerlandaise Demi Vollering", "l'Espagnol Alcaraz": a determiner
 * and a capitalised demonym used as a noun, then the name of the person
 * it describes. After a masculine demonym a single word may be a firm
 * ("le Japonais Toyota"): it must then be a known first name's pair or
 * the demonym feminine. */
static void
demonym_names_pass(work *w)
{
	for (size_t i = 1; i + 1 < w->tok.n; i++) {
		const kz_token *k = &w->tok.tok[i], *d = &w->tok.tok[i - 1];
		size_t e;

		if (!(k->flags & KZ_TOK_UPPER) || (k->flags & KZ_TOK_ALLCAPS) ||
		    !joins(w, i) || !joins(w, i - 1) || !free_span(w, i - 1, i + 1) ||
		    !kz_gazetteer_demonym(w->tg->g, w->tok.folded.text + k->fstart,
		    k->fend - k->fstart) ||
		    !kz_roles_is_determiner(w->tg->roles, w->tok.folded.text +
		    d->fstart, d->fend - d->fstart))
			continue;
		if ((e = person_name_end(w, i + 1)) == i + 1 ||
		    (e < w->tok.n && joins(w, e - 1) && is_upper(w, e)))
			continue;
		if (e - (i + 1) == 1 && !feminine_determiner(w, i - 1))
			continue;
		add_rule(w, i + 1, e, "PER", VIA_RULE);
		i = e - 1;
	}
}

/* Is token i "et" or "ou", joining the items of a list? */
static int
list_conjunction(const work *w, size_t i)
{
	return i < w->tok.n && (kz_token_is(&w->tok, i, "et") ||
	    kz_token_is(&w->tok, i, "ou") || kz_token_is(&w->tok, i, "puis"));
}

/* Does an item of a list end after token e - 1: a comma, "et"/"ou", the
 * end of the sentence or a closing bracket follows? */
static int
list_item_ends(const work *w, size_t e)
{
	size_t b = w->tok.tok[e - 1].send;

	if (e >= w->tok.n)
		return 1;
	if (comma_between(w, e - 1) || list_conjunction(w, e))
		return 1;
	while (b < w->len && w->text[b] == ' ')
		b++;
	return b >= w->len || strchr(".;)\n", w->text[b]) != NULL;
}

/* A known first name standing alone inside its sentence: a list item
 * of one word. */
static int
lone_first_name(const work *w, size_t i)
{
	return tok_key_in(w, w->tg->names.firstnames, i) && !sentence_initial(w, i);
}

/* "N'Golo Kanté, Manu Koné, Warren Zaïre-Emery", "Kasia Niewiadoma et
 * Demi Vollering": the items of a list next to a person are persons
 * too, when each is two to five capitalised words no rule has taken, or
 * a known first name alone inside its sentence.
 * Forward, an item after a person and a comma or "et" that itself ends
 * as a list item does; backward, an item before "et" and a person, or
 * before a comma and a person when a comma or "et" opens it. One sweep
 * each way, each item once. */
static void
listed_names_pass(work *w)
{
	unsigned char *first = kz_calloc(w->tok.n + 1, 1);
	unsigned char *last = kz_calloc(w->tok.n + 1, 1);

	for (size_t a = 0; a < w->nf; a++)
		if (!w->f[a].dropped && strcmp(w->f[a].type, "PER") == 0) {
			first[w->f[a].ts] = 1;
			last[w->f[a].te - 1] = 1;
		}
	for (size_t i = 2; i < w->tok.n; i++) {
		size_t p, e;

		if (list_conjunction(w, i - 1))
			p = i - 2;
		else if (comma_between(w, i - 1))
			p = i - 1;
		else
			continue;
		if (!last[p] || (e = person_name_end(w, i)) == i ||
		    (e == i + 1 && !lone_first_name(w, i)) || !list_item_ends(w, e))
			continue;
		add_rule(w, i, e, "PER", VIA_RULE);
		first[i] = last[e - 1] = 1;
		i = e - 1;
	}
	for (size_t q = w->tok.n; q-- > 2;) {
		size_t p, s;
		int by_comma = 0;

		if (!first[q])
			continue;
		if (list_conjunction(w, q - 1) && !comma_between(w, q - 2))
			p = q - 2;
		else if (comma_between(w, q - 1) && !list_conjunction(w, q - 1))
			p = q - 1, by_comma = 1;
		else
			continue;
		if (!free_name_word(w, p, 1))
			continue;
		for (s = p; s > 0 && p - s < 4 && joins(w, s - 1) &&
		    free_name_word(w, s - 1, 1); s--)
			;
		if ((s > 0 && joins(w, s - 1) && is_upper(w, s - 1)) ||
		    person_name_end(w, s) != p + 1)
			continue;
		/* one word: a known first name, within its sentence
		 * ("écouter Louane, Jeanne Cherhal puis …") */
		if (p == s ? !lone_first_name(w, s) : by_comma &&
		    !(s >= 1 && (comma_between(w, s - 1) ||
		    list_conjunction(w, s - 1))))
			continue;
		add_rule(w, s, p + 1, "PER", VIA_RULE);
		first[s] = last[p] = 1;
		q = s + 1;
	}
	free(first);
	free(last);
}

/* The byline's authors are persons. */
static void
byline_pass(work *w, const json_t *rec, const kz_offsets *o)
{
	const json_t *authors = json_object_get(json_object_get(rec, "byline"),
	    "authors");
	size_t i;
	const json_t *a;

	json_array_foreach(authors, i, a) {
		size_t bs, be, ts, te;

		if (kz_span_bytes(a, o, &bs, &be) != 0)
			continue;
		ts = kz_tokens_at(&w->tok, bs);
		te = ts;
		while (te < w->tok.n && w->tok.tok[te].send <= be)
			te++;
		if (te > ts && te - ts <= 4 && free_span(w, ts, te) &&
		    name_word(w, ts))
			add_rule(w, ts, te, "PER", VIA_BYLINE);
	}
}

/* In a credit, runs of capitalised words between slashes are
 * photographers: "Tous droits réservés Alexei Nikolsky/Sputnik". */
static void
credit_pass(work *w)
{
	for (size_t i = 0; i < w->tok.n; i++) {
		size_t e = i;

		if (!w->credit[i] || !name_word(w, i) || !free_span(w, i, i + 1) ||
		    (w->tok.tok[i].flags & KZ_TOK_ALLCAPS))
			continue;
		while (e + 1 < w->tok.n && w->credit[e + 1] && joins(w, e) &&
		    name_word(w, e + 1) && free_span(w, e + 1, e + 2) &&
		    !(w->tok.tok[e + 1].flags & KZ_TOK_ALLCAPS) && e + 1 - i < 3)
			e++;
		if (e > i)
			add_rule(w, i, e + 1, "PER", VIA_CREDIT);
		i = e;
	}
}

/* "ministère de l'Information", "ministère kazakh de l'Intérieur". */
/* A ministry named by its portfolio in lower case, as many papers write
 * it: "ministère des affaires étrangères" is an organisation when
 * "ministre des affaires étrangères" is a role of rules/roles.yaml.
 * Tokens from lk (the linker) on; returns the end token, or 0. */
static size_t
portfolio_end(const work *w, size_t head, size_t lk, size_t j)
{
	size_t best = 0;

	if (!kz_token_is(&w->tok, head, "ministere"))
		return 0;
	for (size_t e = j + 1; e <= w->tok.n && e - lk <= 6; e++) {
		char *key, *role;
		size_t len;

		if (e - 1 > lk && !joins(w, e - 2))
			break;
		kz_tokens_key(&w->tok, lk, e, &key, &len);
		role = kz_malloc(len + 10);
		memcpy(role, "ministre ", 9);
		memcpy(role + 9, key, len + 1);
		if (kz_roles_is_form(w->tg->roles, role, len + 9))
			best = e;
		free(role);
		free(key);
	}
	return best;
}

static long place_found_at(const work *w, size_t c);
static int org_adjective(const work *w, size_t i);

/* "le tribunal correctionnel de Paris", "le parquet de Nanterre", "la cour
 * d'appel de Douai", "le musée du Louvre": an institution named by its
 * seat (names.yaml `seat_heads`) is one organisation with its place, which
 * is then no place of its own. */
static void
seat_organisations_pass(work *w)
{
	for (size_t i = 0; i + 2 < w->tok.n; i++) {
		size_t j = i + 1, e, n = 0;
		long place;

		if (!tok_key_in(w, w->tg->names.seat_heads, i) ||
		    !free_span(w, i, i + 1) || !joins(w, i))
			continue;
		/* "correctionnel", "d'appel" */
		while (j + 1 < w->tok.n && n < 2 && joins(w, j) && free_span(w, j, j + 1)) {
			if (org_adjective(w, j)) {
				j++;
			} else if (kz_token_is(&w->tok, j, "d") &&
			    (w->tok.tok[j].flags & KZ_TOK_ELIDED) &&
			    !(w->tok.tok[j + 1].flags & KZ_TOK_UPPER) && joins(w, j + 1)) {
				j += 2;
			} else {
				break;
			}
			n++;
		}
		if (j + 1 >= w->tok.n || !joins(w, j) || !(kz_token_is(&w->tok, j, "de") ||
		    kz_token_is(&w->tok, j, "du") || kz_token_is(&w->tok, j, "d")))
			continue;
		j++;
		if ((place = place_found_at(w, j)) >= 0 &&
		    w->f[place].te - w->f[place].ts <= 4) {
			e = w->f[place].te;
			w->f[place].dropped = 1;
			for (size_t k = j; k < e; k++)
				w->covered[k] = 0;
		} else if (kz_token_is(&w->tok, j - 1, "d") ||
		    !free_name_word(w, j, 1) ||
		    tok_key_in(w, w->tg->names.firstnames, j)) {
			/* "musée d'Art moderne": a name after "d'" may go on
			 * in lower case; only a place is sure to end it */
			continue;
		} else {
			e = j + 1;
			while (e < w->tok.n && e - j < 3 && joins(w, e - 1) &&
			    free_name_word(w, e, 1))
				e++;
		}
		if (!free_span(w, i, e))
			continue;
		add_rule(w, i, e, "ORG", VIA_RULE);
		i = e - 1;
	}
}

static void
organisations_pass(work *w)
{
	const kz_names *nm = &w->tg->names;

	for (size_t i = 0; i + 2 < w->tok.n; i++) {
		size_t j, e, k, lk;
		int linked = 0;

		if (!tok_key_in(w, nm->org_heads, i) || !free_span(w, i, i + 1) ||
		    !joins(w, i))
			continue;
		j = i + 1;
		if (kz_gazetteer_demonym(w->tg->g, w->tok.folded.text +
		    w->tok.tok[j].fstart, w->tok.tok[j].fend - w->tok.tok[j].fstart) &&
		    joins(w, j))
			j++;
		lk = j;
		for (k = nm->max_linker_tokens; k >= 1 && !linked; k--) {
			char *key;
			size_t len, q;
			int ok = j + k < w->tok.n;

			for (q = j; ok && q < j + k; q++)
				ok = joins(w, q);
			if (!ok)
				continue;
			kz_tokens_key(&w->tok, j, j + k, &key, &len);
			if (kz_strmap_get(nm->org_linkers, key, len, NULL)) {
				linked = 1;
				j += k;
			}
			free(key);
		}
		if (linked && !name_word(w, j) &&
		    (e = portfolio_end(w, i, lk, j)) > 0 && free_span(w, i, e)) {
			/* "ministère chinois des affaires étrangères" */
			add_rule(w, i, e, "ORG", VIA_RULE);
			i = e - 1;
			continue;
		}
		if (!linked || !name_word(w, j) || !free_span(w, i, j + 1))
			continue;
		e = j + 1;
		while (e < w->tok.n && joins(w, e - 1) && is_upper(w, e) &&
		    free_span(w, e, e + 1) && e - j < 4)
			e++;
		/* "ministère des Affaires étrangères": the whole portfolio */
		{
			size_t pe = portfolio_end(w, i, lk, j);

			if (pe > e && free_span(w, e, pe))
				e = pe;
		}
		add_rule(w, i, e, "ORG", VIA_RULE);
		i = e - 1;
	}
}

/* Places no gazetteer knows, by where they stand: after a place noun of
 * `place_kind_cues` and "de" ("la province du Sud-Kivu", "la ville de
 * Kamituga"), or after "à" ("à Petare"), when the words are no known
 * first name. The place is the name alone. */
static void
unknown_places_pass(work *w)
{
	for (size_t i = 0; i + 1 < w->tok.n; i++) {
		const kz_token *k = &w->tok.tok[i];
		size_t j = i + 1, e;

		if (w->skip[i] || !joins(w, i))
			continue;
		if (tok_key_in(w, w->tg->names.place_cues, i)) {
			if (!(kz_token_is(&w->tok, j, "de") ||
			    kz_token_is(&w->tok, j, "du") ||
			    kz_token_is(&w->tok, j, "d")) || !joins(w, j))
				continue;
			j++;
		} else if (!(k->send - k->sstart == 2 &&
		    (unsigned char)w->text[k->sstart] == 0xC3 &&
		    (unsigned char)w->text[k->sstart + 1] == 0xA0))
			continue;   /* not "à" */
		e = name_words_end(w, j, 1);
		/* one letter alone is an initial or a stage name ("à M") */
		if (e == j + 1 && w->tok.tok[j].send - w->tok.tok[j].sstart == 1)
			continue;
		if (e == 0 || tok_key_in(w, w->tg->names.firstnames, j) ||
		    (e < w->tok.n && joins(w, e - 1) && is_upper(w, e)))
			continue;
		add_rule(w, j, e, "LOC", VIA_RULE);
		i = e - 1;
	}
}

/* "l'arrière Melvyn Jaminet", "le groupe Sanofi", "le réseau social
 * Instagram": a noun of `name_introducers` after a determiner, perhaps
 * one lower-case modifier, then capitalised words no rule has taken. A
 * person's single word must be a known first name. */
static void
introduced_names_pass(work *w)
{
	const kz_names *nm = &w->tg->names;

	for (size_t i = 1; i + 1 < w->tok.n; i++) {
		intptr_t kind;
		const kz_token *k = &w->tok.tok[i];
		size_t j, e;
		int person;

		if (is_upper(w, i) || w->skip[i] || !joins(w, i) ||
		    !kz_strmap_get_hashed(nm->introducers, w->tok.folded.text +
		    k->fstart, k->fend - k->fstart, k->hash, &kind) ||
		    !kz_roles_is_determiner(w->tg->roles, w->tok.folded.text +
		    w->tok.tok[i - 1].fstart, w->tok.tok[i - 1].fend -
		    w->tok.tok[i - 1].fstart))
			continue;
		if (kind == 'T')
			continue;
		person = kind == 'P';
		j = i + 1;
		/* one modifier: "le réseau social Instagram" */
		if (!is_upper(w, j) && joins(w, j) && j + 1 < w->tok.n &&
		    !(w->tok.tok[j].flags & KZ_TOK_DIGIT) &&
		    !kz_token_is(&w->tok, j, "de") && !kz_token_is(&w->tok, j, "du") &&
		    !kz_token_is(&w->tok, j, "des") && !kz_token_is(&w->tok, j, "d"))
			j++;
		e = name_words_end(w, j, person);
		if (e == 0 || (e < w->tok.n && joins(w, e - 1) && is_upper(w, e)))
			continue;
		while (e < w->tok.n && hyphen_tail(w, e))
			e++;
		if (person && e - j == 1 && !tok_key_in(w, nm->firstnames, j))
			continue;
		add_rule(w, j, e, person ? "PER" : "ORG", VIA_RULE);
		i = e - 1;
	}
}

/* "la talentueuse Camille", "le jeune Thomas": a singular determiner, one
 * lower-case word and a known first name alone (no capitalised word
 * after it) is a person, unless the word is a noun that names things
 * ("l'ouragan Irma", "la rue Camille": `thing` introducers) or places. */
static void
qualified_first_names_pass(work *w)
{
	const kz_names *nm = &w->tg->names;

	for (size_t i = 2; i < w->tok.n; i++) {
		const kz_token *m = &w->tok.tok[i - 1];

		if (!free_name_word(w, i, 1) || !tok_key_in(w, nm->firstnames, i) ||
		    (joins(w, i) && is_upper(w, i + 1)) || hyphen_after(w, i) ||
		    !joins(w, i - 2) || !joins(w, i - 1) ||
		    (m->flags & (KZ_TOK_UPPER | KZ_TOK_DIGIT)) || w->skip[i - 1] ||
		    !(kz_token_is(&w->tok, i - 2, "le") ||
		    kz_token_is(&w->tok, i - 2, "la") ||
		    kz_token_is(&w->tok, i - 2, "l")) ||
		    kz_strmap_get_hashed(nm->introducers, w->tok.folded.text +
		    m->fstart, m->fend - m->fstart, m->hash, NULL) ||
		    tok_key_in(w, nm->place_heads, i - 1) ||
		    tok_key_in(w, nm->place_cues, i - 1) ||
		    tok_key_in(w, nm->seat_heads, i - 1))
			continue;

		add_rule(w, i, i + 1, "PER", VIA_RULE);
	}
}

/* Is the token an acronym: capitals only, 2 to 8 letters (a hyphen
 * allowed: AP-HP)? */
static int
acronym_token(const work *w, size_t i)
{
	const kz_token *t = &w->tok.tok[i];
	size_t letters = 0;

	if (!(t->flags & KZ_TOK_ALLCAPS) || (t->flags & KZ_TOK_DIGIT))
		return 0;
	for (size_t b = t->fstart; b < t->fend; b++)
		if (w->tok.folded.text[b] != '-')
			letters++;
	return letters >= 2 && letters <= 8;
}

/* Between bytes s and e: spaces and the character c, which ends it
 * (backwards: starts it) — "France (SPF), la": "(" before, ")" after. */
static int
bracket_between(const work *w, size_t s, size_t e, char c, int forward)
{
	for (size_t k = 0; k < e - s; k++) {
		char x = w->text[forward ? s + k : e - 1 - k];

		if (x == c)
			return 1;
		if (x != ' ')
			return 0;
	}
	return 0;
}

/* The start token of the long form an acronym at token a defines,
 * "Santé publique France (SPF)": going back from the parenthesis, each
 * letter of the acronym, last first, is the initial of a word; little
 * words (de, la, et) may stand between. 0 when the words do not fit. */
static size_t
long_form_start(const work *w, size_t a)
{
	static const char *const little[] = { "de", "du", "des", "la", "le",
	    "l", "les", "d", "et", "en", "pour", "a", "au", "aux", "sur", NULL };
	const kz_token *t = &w->tok.tok[a];
	const char *acr = w->tok.folded.text + t->fstart;
	size_t n = t->fend - t->fstart, k = a, looked = 0;

	while (n > 0 && k > 0 && looked < 24) {
		const kz_token *x;
		size_t q;

		if (acr[n - 1] == '-') {
			n--;
			continue;
		}
		x = &w->tok.tok[--k];
		looked++;
		if (x->fend > x->fstart &&
		    w->tok.folded.text[x->fstart] == acr[n - 1]) {
			n--;
			continue;
		}
		for (q = 0; little[q]; q++)
			if (kz_token_is(&w->tok, k, little[q]))
				break;
		if (little[q] == NULL)
			return 0;
	}
	if (n > 0 || !is_upper(w, k) || a - k < 2)
		return 0;
	return k;
}

/* An acronym defined in brackets after its long form names an
 * organisation, and so does each later use of it: "Santé publique France
 * (SPF) … SPF relève". Names found inside the long form ("France") give
 * way to it. Two passes over the tokens and a map of the acronyms. */
static void
acronyms_pass(work *w)
{
	kz_strmap *defined = kz_strmap_new();

	for (size_t a = 2; a + 1 < w->tok.n; a++) {
		const kz_token *t = &w->tok.tok[a];
		size_t ls;

		if (!acronym_token(w, a) || w->skip[a] || w->covered[a] ||
		    !bracket_between(w, w->tok.tok[a - 1].send, t->sstart, '(', 0) ||
		    !bracket_between(w, t->send, w->tok.tok[a + 1].sstart, ')', 1))
			continue;
		if ((ls = long_form_start(w, a)) == 0)
			continue;
		/* the long form as one organisation, unless a longer name or
		 * a person already holds part of it */
		for (size_t f = 0; f < w->nf; f++) {
			found *x = &w->f[f];

			if (x->dropped || x->te <= ls || x->ts >= a)
				continue;   /* outside the long form */
			if (x->ts < ls || x->te > a || strcmp(x->type, "PER") == 0) {
				ls = 0;
				break;
			}
		}
		if (ls == 0)
			continue;
		for (size_t f = 0; f < w->nf; f++) {
			found *x = &w->f[f];

			if (!x->dropped && x->ts >= ls && x->te <= a) {
				x->dropped = 1;
				for (size_t q = x->ts; q < x->te; q++)
					w->covered[q] = 0;
			}
		}
		if (!free_span(w, ls, a))
			continue;
		add_rule(w, ls, a, "ORG", VIA_RULE);
		add_rule(w, a, a + 1, "ORG", VIA_RULE);
		kz_strmap_put(defined, w->tok.folded.text + t->fstart,
		    t->fend - t->fstart, 1);
	}
	if (kz_strmap_size(defined) > 0)
		for (size_t i = 0; i < w->tok.n; i++)
			if (acronym_token(w, i) && free_span(w, i, i + 1) &&
			    tok_key_in(w, defined, i))
				add_rule(w, i, i + 1, "ORG", VIA_RULE);
	kz_strmap_free(defined);
}

/* "Le parti au pouvoir, Morena, a salué": capitalised words between
 * commas after a lower-case organisation head (`org_heads`) and its
 * complement name that organisation. */
static void
apposed_organisations_pass(work *w)
{
	for (size_t i = 1; i + 3 < w->tok.n; i++) {
		size_t c, e;

		if (is_upper(w, i) || !tok_key_in(w, w->tg->names.org_heads, i) ||
		    !kz_roles_is_determiner(w->tg->roles, w->tok.folded.text +
		    w->tok.tok[i - 1].fstart, w->tok.tok[i - 1].fend -
		    w->tok.tok[i - 1].fstart))
			continue;
		/* the comma closing the head's phrase, a few words on */
		for (c = i; c < i + 5 && c + 1 < w->tok.n && !comma_between(w, c);
		    c++)
			if (!joins(w, c))
				break;
		if (c >= i + 5 || c + 1 >= w->tok.n || !comma_between(w, c))
			continue;
		e = name_words_end(w, c + 1, 1);
		if (e == 0 || e >= w->tok.n || !comma_between(w, e - 1) ||
		    tok_key_in(w, w->tg->names.firstnames, c + 1))
			continue;
		add_rule(w, c + 1, e, "ORG", VIA_RULE);
		i = e - 1;
	}
}

/* The found name that starts at token i, or NULL. */
static found *
found_at(work *w, size_t i)
{
	for (size_t a = 0; a < w->nf; a++)
		if (w->f[a].ts == i && !w->f[a].dropped)
			return &w->f[a];
	return NULL;
}

/* The end of capitalised words ending at e, taking on the capitalised
 * words glued to them by a hyphen ("Croix-Fry", "Marcel-Picot"). */
static size_t
hyphenated_end(const work *w, size_t e)
{
	while (e < w->tok.n && hyphen_after(w, e - 1) && name_word(w, e) &&
	    free_span(w, e, e + 1))
		e++;
	return e;
}

/* Does token i, whatever its case, end like an adjective of
 * `org_adjective_endings` ("Toulousain", "Rennais")? */
static int
org_adjective_ending(const work *w, size_t i)
{
	const kz_token *k = &w->tok.tok[i];
	size_t len = k->fend - k->fstart;
	const char *s = w->tok.folded.text + k->fstart;

	for (size_t e = 0; e < w->tg->names.nadj_endings; e++) {
		const char *end = w->tg->names.adj_endings[e];
		size_t el = strlen(end);

		if (el < len && memcmp(s + len - el, end, el) == 0)
			return 1;
	}
	return 0;
}

/* "le détroit de Taïwan", "la vallée de Ferghana": a feature noun, "de",
 * and a place or capitalised words make one place, the noun included. */
static void
place_features_pass(work *w)
{
	for (size_t i = 0; i + 2 < w->tok.n; i++) {
		size_t j = i + 1, e;
		found *x;

		const kz_token *k = &w->tok.tok[i];
		intptr_t head;

		if (!kz_strmap_get_hashed(w->tg->names.place_heads,
		    w->tok.folded.text + k->fstart, k->fend - k->fstart, k->hash,
		    &head) || !free_span(w, i, i + 1) || !joins(w, i))
			continue;
		/* "le stade Mayol", "la salle Pleyel": a venue's name may
		 * follow at once; not an adjective ("Stade Toulousain", a
		 * club) */
		if (head == 'V' && j < w->tok.n && name_word(w, j) &&
		    (!org_adjective_ending(w, j) ||
		    tok_key_in(w, w->tg->names.firstnames, j))) {
			/* "le stade Marcel-Picot": a person's name the rules
			 * found there names the venue */
			if ((x = found_at(w, j)) != NULL && x->entry < 0 &&
			    strcmp(x->type, "PER") == 0 && !w->skip[j]) {
				x->dropped = 1;
				for (size_t c = x->ts; c < x->te; c++)
					w->covered[c] = 0;
			}
			if ((e = name_words_end(w, j, 1)) > j) {
				e = hyphenated_end(w, e);
				add_rule(w, i, e, "LOC", VIA_RULE);
				i = e - 1;
				continue;
			}
		}
		if (!(kz_token_is(&w->tok, j, "de") || kz_token_is(&w->tok, j, "d") ||
		    kz_token_is(&w->tok, j, "du") || kz_token_is(&w->tok, j, "des")) ||
		    !joins(w, j))
			continue;
		j++;
		if (kz_token_is(&w->tok, j - 1, "de") && j + 1 < w->tok.n &&
		    (kz_token_is(&w->tok, j, "l") || kz_token_is(&w->tok, j, "la")) &&
		    joins(w, j))
			j++;
		if (j >= w->tok.n)
			break;
		x = found_at(w, j);
		if (x != NULL) {
			if (strcmp(x->type, "LOC") != 0)
				continue;
			e = hyphenated_end(w, x->te);
			x->dropped = 1;     /* the feature's name, now inside it */
		} else if ((e = name_words_end(w, j, 0)) == 0)
			continue;
		else
			e = hyphenated_end(w, e);
		add_rule(w, i, e, "LOC", VIA_RULE);
		i = e - 1;
	}
}

/* A lower-case word with an adjective's ending: "électorale", "uni". */
static int
org_adjective(const work *w, size_t i)
{
	const kz_token *k = &w->tok.tok[i];
	size_t len = k->fend - k->fstart;
	const char *s = w->tok.folded.text + k->fstart;

	if ((k->flags & (KZ_TOK_UPPER | KZ_TOK_DIGIT)) || len < 3)
		return 0;
	for (size_t e = 0; e < w->tg->names.nadj_endings; e++) {
		const char *end = w->tg->names.adj_endings[e];
		size_t el = strlen(end);

		if (el <= len && memcmp(s + len - el, end, el) == 0)
			return 1;
	}
	return 0;
}

/* A demonym in lower case: "wallonne", "flamand". */
static int
lower_demonym(const work *w, size_t i)
{
	const kz_token *k = &w->tok.tok[i];

	return !(k->flags & KZ_TOK_UPPER) && kz_gazetteer_demonym(w->tg->g,
	    w->tok.folded.text + k->fstart, k->fend - k->fstart) != NULL;
}

/* Does token i open a sentence (nothing but spaces or an opening mark
 * since the last full stop or line)? */
static int
sentence_initial(const work *w, size_t i)
{
	size_t p = w->tok.tok[i].sstart;

	while (p > 0) {
		unsigned char c = (unsigned char)w->text[p - 1];

		if (c == ' ' || c == '\t' || c == '"' || c >= 0x80) {
			p--;
			continue;
		}
		return c == '.' || c == '!' || c == '?' || c == '\n' || c == ':';
	}
	return 1;
}

/* The place found at tokens [c, ...) by the gazetteer, or -1. */
static long
place_found_at(const work *w, size_t c)
{
	for (size_t a = 0; a < w->nf; a++)
		if (w->f[a].ts == c && !w->f[a].dropped &&
		    strcmp(w->f[a].type, "LOC") == 0)
			return (long)a;
	return -1;
}

/* One complement of an organisation's name from token p: "de"/"du"/
 * "des"/"d'"/"de la"/"de l'", a noun (a lower-case word of four letters
 * or more, or a place: "du Kenya"), then adjectives. The end token, or 0;
 * *place is the place it ends with (to be taken into the name), or -1. */
static size_t
org_complement_end(const work *w, size_t p, long *place)
{
	size_t c = p + 1;

	*place = -1;
	if (p == 0 || c >= w->tok.n || !joins(w, p - 1) || !joins(w, p) ||
	    comma_between(w, p - 1))
		return 0;
	if (kz_token_is(&w->tok, p, "de") && (kz_token_is(&w->tok, c, "l") ||
	    kz_token_is(&w->tok, c, "la")) && joins(w, c))
		c++;
	else if (!kz_token_is(&w->tok, p, "de") &&
	    !kz_token_is(&w->tok, p, "des") && !kz_token_is(&w->tok, p, "du") &&
	    !kz_token_is(&w->tok, p, "d"))
		return 0;
	if (c >= w->tok.n)
		return 0;
	if (is_upper(w, c)) {
		long a = place_found_at(w, c);

		if (a < 0)
			return 0;
		*place = a;
		return w->f[a].te;      /* a place ends the name */
	}
	if (w->tok.tok[c].fend - w->tok.tok[c].fstart < 4 ||
	    !free_span(w, p, c + 1) || (w->tok.tok[c].flags & KZ_TOK_DIGIT))
		return 0;
	c++;
	for (;;) {
		/* adjectives, two coordinated ones included: "des sciences
		 * spatiales et astronautiques" */
		size_t a = c;

		if (a + 1 < w->tok.n && c > p + 2 && kz_token_is(&w->tok, a, "et") &&
		    joins(w, a - 1) && joins(w, a))
			a++;
		if (a >= w->tok.n || !joins(w, a - 1) || !(org_adjective(w, a) ||
		    lower_demonym(w, a)) || !free_span(w, c, a + 1))
			break;
		c = a + 1;
	}
	return c;
}

/* Has a name ended before token e: end of text or sentence, a comma, or
 * a word of org_followers ("a", "qui")? */
static int
name_ends_before(const work *w, size_t e)
{
	return e >= w->tok.n || !joins(w, e - 1) || comma_between(w, e - 1) ||
	    tok_key_in(w, w->tg->names.org_followers, e);
}

/* "la Commission électorale centrale", "le Mouvement national uni": a
 * capitalised head inside a sentence, then adjectives. */
static void
capitalised_organisations_pass(work *w)
{
	for (size_t i = 0; i + 1 < w->tok.n; i++) {
		size_t e = i + 1;

		if (!is_upper(w, i) || (w->tok.tok[i].flags & KZ_TOK_ALLCAPS) ||
		    !tok_key_in(w, w->tg->names.org_heads, i) ||
		    !free_span(w, i, i + 1) || sentence_initial(w, i))
			continue;
		while (e < w->tok.n && e - i < 4 && joins(w, e - 1) &&
		    (org_adjective(w, e) || lower_demonym(w, e)) &&
		    free_span(w, e, e + 1))
			e++;
		/* complements, three at most: "… des droits de l'homme du
		 * Kenya", "… d'exploration aérospatiale", "… du Canada". The
		 * name is the longest run of them after which it has surely
		 * ended (name_ends_before); a place at the end is taken in. */
		{
			size_t p = e, q;
			long place, best_place = -1;

			for (int n = 0; n < 3 && (q = org_complement_end(w, p,
			    &place)) > 0; n++) {
				p = q;
				if (name_ends_before(w, p)) {
					e = p;
					best_place = place;
				}
				if (place >= 0)
					break;
			}
			if (best_place >= 0) {
				found *x = &w->f[best_place];

				x->dropped = 1;
				for (size_t k = x->ts; k < x->te; k++)
					w->covered[k] = 0;
			}
		}
		/* a head alone is too often a common noun ("le Conseil a
		 * décidé"); with a complement it names something: "le Parti des
		 * socialistes", "la Cour des comptes" */
		if (e == i + 1)
			continue;
		add_rule(w, i, e, "ORG", VIA_RULE);
		i = e - 1;
	}
}

static int
same_tokens(const work *w, size_t a, size_t b, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const kz_token *x = &w->tok.tok[a + k], *y = &w->tok.tok[b + k];

		if (x->fend - x->fstart != y->fend - y->fstart ||
		    memcmp(w->tok.folded.text + x->fstart, w->tok.folded.text +
		    y->fstart, x->fend - x->fstart) != 0)
			return 0;
		if (k + 1 < n && !(y->flags & KZ_TOK_JOINS))
			return 0;
	}
	return 1;
}

/* The capitalised tokens by their hash: chains of positions in text
 * order, so that each name asks only for the places where one of its
 * words is, not for every capitalised word of the text (that was a pass
 * inside a pass: names times capitals, 16 times the work for 4 times a
 * live blog). */
typedef struct upper_index {
	size_t *pos;            /* positions of the capitalised tokens */
	size_t *next;           /* next[u]: the next u with the same hash */
	size_t *head;           /* slot -> first u, or NONE_U */
	uint64_t *hash;         /* slot -> its hash */
	size_t n, mask;
} upper_index;

#define NONE_U SIZE_MAX

static void
upper_index_init(upper_index *x, const work *w)
{
	size_t cap = 16;

	memset(x, 0, sizeof *x);
	x->pos = kz_malloc((w->tok.n + 1) * sizeof *x->pos);
	for (size_t i = 0; i < w->tok.n; i++)
		if (w->tok.tok[i].flags & KZ_TOK_UPPER)
			x->pos[x->n++] = i;
	while (cap < 2 * x->n)
		cap *= 2;
	x->mask = cap - 1;
	x->next = kz_malloc((x->n + 1) * sizeof *x->next);
	x->head = kz_malloc(cap * sizeof *x->head);
	x->hash = kz_malloc(cap * sizeof *x->hash);
	for (size_t k = 0; k < cap; k++)
		x->head[k] = NONE_U;
	/* backwards, each at its chain's head: chains run in text order */
	for (size_t u = x->n; u-- > 0;) {
		uint64_t h = w->tok.tok[x->pos[u]].hash;
		size_t k = (size_t)h & x->mask;

		while (x->head[k] != NONE_U && x->hash[k] != h)
			k = (k + 1) & x->mask;
		x->next[u] = x->head[k];
		x->head[k] = u;
		x->hash[k] = h;
	}
}

static size_t
upper_index_first(const upper_index *x, uint64_t h)
{
	size_t k = (size_t)h & x->mask;

	while (x->head[k] != NONE_U && x->hash[k] != h)
		k = (k + 1) & x->mask;
	return x->head[k];
}

static void
upper_index_release(upper_index *x)
{
	free(x->pos);
	free(x->next);
	free(x->head);
	free(x->hash);
}

/* What decides a recurrence search, as a string: whether only words alone
 * are searched, the name's folded words, where its hyphenated surname
 * starts, which words may recur alone. Two names with the same one find
 * the same places, and the second finds them taken: it is searched once. */
static void
recurrence_key(const work *w, const found *x, size_t hs, const size_t *alone,
    size_t nalone, int alone_only, kz_buf *key)
{
	kz_buf_reset(key);
	kz_buf_addf(key, "%d %zu %zu", alone_only, x->te - x->ts, hs - x->ts);
	for (size_t k = 0; k < nalone; k++)
		kz_buf_addf(key, " %zu", alone[k] - x->ts);
	for (size_t k = x->ts; k < x->te; k++) {
		kz_buf_addc(key, '\n');
		kz_buf_add(key, w->tok.folded.text + w->tok.tok[k].fstart,
		    w->tok.tok[k].fend - w->tok.tok[k].fstart);
	}
}

/* A name found once by rule is found again where it recurs, the last name
 * alone included. */
static void
recurrence_pass(work *w)
{
	size_t nrules = w->nf;
	upper_index ux;
	kz_strmap *done = kz_strmap_new();
	kz_buf key;

	upper_index_init(&ux, w);
	kz_buf_init(&key);
	for (size_t a = 0; a < nrules; a++) {
		found x = w->f[a];
		size_t n = x.te - x.ts, next = 0, alone[4], nalone = 0, hs;
		size_t at[6], nat = 0;     /* a chain cursor per word searched */
		uint64_t first, hs_hash;
		/* a person the gazetteer knows recurs whole by the gazetteer;
		 * the surname alone ("Sinner" after "Jannik Sinner") only
		 * here */
		int alone_only = x.entry >= 0;

		if (x.dropped || strcmp(x.type, "PER") != 0)
			continue;
		first = w->tok.tok[x.ts].hash;
		/* a hyphenated surname recurs whole ("Ferrand-Prévot"),
		 * never one of its halves */
		hs = x.te - 1;
		while (hs > x.ts + 1 && hyphen_after(w, hs - 1))
			hs--;
		hs_hash = w->tok.tok[hs].hash;
		/* the words that may recur alone: the last, and in a longer
		 * name the surname words before it ("José Adolfo Macías
		 * Villamar": Macías), never a first name or a particle */
		for (size_t k = x.te - 1;
		    hs == x.te - 1 && n >= 2 && k > x.ts && nalone < 4; k--)
			if ((w->tok.tok[k].flags & KZ_TOK_UPPER) && (k == x.te - 1 ||
			    (!tok_key_in(w, w->tg->names.firstnames, k) &&
			    !tok_key_in(w, w->tg->names.particles, k))))
				alone[nalone++] = k;
		recurrence_key(w, &x, hs, alone, nalone, alone_only, &key);
		if (kz_strmap_get(done, key.data, key.len, NULL))
			continue;
		kz_strmap_put(done, key.data, key.len, 1);
		/* only the capitalised tokens whose hash is one of these can
		 * start a recurrence: walk their chains together, in text
		 * order (a hash met twice is walked once) */
		{
			uint64_t want[6];
			size_t nwant = 0;

			/* alone_only: the name whole is not searched */
			if (!alone_only)
				want[nwant++] = first;
			if (!alone_only && hs < x.te - 1)
				want[nwant++] = hs_hash;
			for (size_t k = 0; k < nalone; k++)
				want[nwant++] = w->tok.tok[alone[k]].hash;
			for (size_t k = 0; k < nwant; k++) {
				size_t j;

				for (j = 0; j < k && want[j] != want[k]; j++)
					;
				if (j == k)
					at[nat++] = upper_index_first(&ux, want[k]);
			}
		}
		for (;;) {
			size_t best = NONE_U, bk = 0, i, k;
			uint64_t h;

			for (size_t c = 0; c < nat; c++)
				if (at[c] != NONE_U && (best == NONE_U || at[c] < best)) {
					best = at[c];
					bk = c;
				}
			if (best == NONE_U)
				break;
			at[bk] = ux.next[best];
			i = ux.pos[best];
			h = w->tok.tok[i].hash;
			if (i < next)
				continue;
			if (!alone_only && h == first && i + n <= w->tok.n &&
			    free_span(w, i, i + n) && same_tokens(w, x.ts, i, n)) {
				add_rule(w, i, i + n, "PER", VIA_RULE);
				next = i + n;
				continue;
			}
			if (!alone_only && hs < x.te - 1 && h == hs_hash &&
			    i + (x.te - hs) <= w->tok.n &&
			    free_span(w, i, i + (x.te - hs)) &&
			    same_tokens(w, hs, i, x.te - hs) &&
			    !inside_compound(w, i, i + (x.te - hs))) {
				add_rule(w, i, i + (x.te - hs), "PER", VIA_RULE);
				next = i + (x.te - hs);
				continue;
			}
			for (k = 0; k < nalone; k++)
				if (w->tok.tok[alone[k]].hash == h)
					break;
			if (k < nalone && free_span(w, i, i + 1) &&
			    !inside_compound(w, i, i + 1) &&
			    same_tokens(w, alone[k], i, 1) &&
			    w->tok.tok[i].send - w->tok.tok[i].sstart >= 3)
				add_rule(w, i, i + 1, "PER", VIA_RULE);
		}
	}
	kz_buf_release(&key);
	kz_strmap_free(done);
	upper_index_release(&ux);
}

/* Only text between tokens a and a + 1 is `between` (spaces aside). */
static int
only_between(const work *w, size_t a, const char *between)
{
	size_t k = w->tok.tok[a].send, e = w->tok.tok[a + 1].sstart;

	while (k < e && w->text[k] == ' ')
		k++;
	for (; *between; between++, k++)
		if (k >= e || w->text[k] != *between)
			return 0;
	while (k < e && w->text[k] == ' ')
		k++;
	return k == e;
}

/* "Enzo (Hervé) a tapé le poteau": a first name, then the surname the
 * editor adds in brackets; both are the person. */
static void
bracketed_surname_pass(work *w)
{
	for (size_t i = 0; i + 1 < w->tok.n; i++) {
		if (!name_word(w, i) || !free_span(w, i, i + 2) ||
		    !tok_key_in(w, w->tg->names.firstnames, i) ||
		    !name_word(w, i + 1) || (w->tok.tok[i + 1].flags & KZ_TOK_ALLCAPS) ||
		    !only_between(w, i, "(") ||
		    (i + 2 < w->tok.n ? !only_between(w, i + 1, ")") :
		    w->tok.tok[i + 1].send >= w->len ||
		    w->text[w->tok.tok[i + 1].send] != ')'))
			continue;
		add_rule(w, i, i + 1, "PER", VIA_RULE);
		add_rule(w, i + 1, i + 2, "PER", VIA_RULE);
		i++;
	}
}

/* "Kylian" after "Kylian Mbappé": the first name of a person named in
 * full recurs alone, not glued to another word by a hyphen
 * ("Kylian-dépendant") nor followed by another name. One look-up per
 * capitalised token. */
static void
first_name_recurrence_pass(work *w)
{
	kz_strmap *given = kz_strmap_new();
	size_t nf = w->nf, from = SIZE_MAX;

	for (size_t a = 0; a < nf; a++) {
		const found *x = &w->f[a];
		const kz_token *k = &w->tok.tok[x->ts];

		if (x->dropped || strcmp(x->type, "PER") != 0 || x->te - x->ts < 2 ||
		    !tok_key_in(w, w->tg->names.firstnames, x->ts))
			continue;
		kz_strmap_put(given, w->tok.folded.text + k->fstart,
		    k->fend - k->fstart, 1);
		if (x->te < from)
			from = x->te;
	}
	for (size_t i = from; kz_strmap_size(given) && i < w->tok.n; i++) {
		const kz_token *k = &w->tok.tok[i];

		if (!(k->flags & KZ_TOK_UPPER) || (k->flags & KZ_TOK_ALLCAPS) ||
		    !kz_strmap_get_hashed(given, w->tok.folded.text + k->fstart,
		    k->fend - k->fstart, k->hash, NULL) ||
		    !free_span(w, i, i + 1) || hyphen_after(w, i) ||
		    (i > 0 && hyphen_after(w, i - 1)) ||
		    (joins(w, i) && name_word(w, i + 1)))
			continue;
		add_rule(w, i, i + 1, "PER", VIA_RULE);
	}
	kz_strmap_free(given);
}

static int
by_start(const void *a, const void *b)
{
	const found *x = a, *y = b;

	return (x->ts > y->ts) - (x->ts < y->ts);
}

static void
set_gender(work *w, size_t chain, char g)
{
	if (chain >= w->chains.n)
		return;
	if (w->chain_gender_n < w->chains.cap) {
		w->chain_gender = kz_realloc(w->chain_gender, w->chains.cap);
		memset(w->chain_gender + w->chain_gender_n, 0,
		    w->chains.cap - w->chain_gender_n);
		w->chain_gender_n = w->chains.cap;
	}
	if (g && !w->chain_gender[chain])
		w->chain_gender[chain] = g;
}

/* 'm' or 'f' for what the words of a person's mention say of its gender:
 * a first name's, else an honorific before it ("Mme", "M."). */
static char
mention_gender(const work *w, const found *x, int given)
{
	intptr_t v;
	const kz_token *k;
	const char *code;

	if (given) {
		k = &w->tok.tok[x->ts];
		if (kz_strmap_get_hashed(w->tg->names.firstnames,
		    w->tok.folded.text + k->fstart, k->fend - k->fstart, k->hash,
		    &v) && (v == 'm' || v == 'f'))
			return (char)v;
	}
	if (x->ts == 0)
		return 0;
	k = &w->tok.tok[x->ts - 1];
	code = kz_roles_honorific(w->tg->roles, w->tok.folded.text + k->fstart,
	    k->fend - k->fstart);
	return code && (code[0] == 'm' || code[0] == 'f') && code[2] == 's' ?
	    code[0] : 0;
}

/* One chain per person (chains.h), over the persons in text order: the
 * given name is the first word when it is a known first name, the
 * surname the last word; one word is a surname, or a given name alone. */
static void
link_chains(work *w)
{
	for (size_t a = 0; a < w->nf; a++) {
		found *x = &w->f[a];
		const kz_token *first = &w->tok.tok[x->ts];
		const kz_token *last = &w->tok.tok[x->te - 1];
		int known_first = tok_key_in(w, w->tg->names.firstnames, x->ts);
		kz_chain_person p = { .entry = x->entry };

		x->chain = -1;
		if (x->dropped || strcmp(x->type, "PER") != 0)
			continue;
		if (x->entry >= 0)
			p.entry_key = kz_gazetteer_entry(w->tg->g,
			    (size_t)x->entry)->id;
		if (x->te - x->ts == 1 && known_first && a + 1 < w->nf &&
		    w->f[a + 1].ts == x->te && !w->f[a + 1].dropped &&
		    strcmp(w->f[a + 1].type, "PER") == 0 &&
		    only_between(w, x->ts, "(")) {
			/* "Enzo (Hervé)": one person, named in two parts */
			last = &w->tok.tok[x->te];
			p.given = w->tok.folded.text + first->fstart;
			p.given_len = first->fend - first->fstart;
			p.surname = w->tok.folded.text + last->fstart;
			p.surname_len = last->fend - last->fstart;
		} else if (x->te - x->ts == 1 && known_first) {
			p.given = w->tok.folded.text + first->fstart;
			p.given_len = first->fend - first->fstart;
		} else {
			if (x->te - x->ts > 1 && known_first) {
				p.given = w->tok.folded.text + first->fstart;
				p.given_len = first->fend - first->fstart;
			}
			p.surname = w->tok.folded.text + last->fstart;
			p.surname_len = last->fend - last->fstart;
		}
		x->chain = (long)kz_chains_link(&w->chains, &p, a);
		set_gender(w, (size_t)x->chain,
		    mention_gender(w, x, known_first));
	}
}

/* The key a role description is remembered by: "president|FR|". */
static size_t
role_key(const kz_mention *m, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s|%s|%d", m->role, m->of, m->former);

	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* The chain a role description belongs to: the name apposed to it, the
 * person the dated roles give, or the name an earlier same description
 * was apposed to ("le président élu, Jean Dupont, …" then "le président
 * élu"); -1 when none. */
static long
mention_chain(work *w, const kz_mention *m, const found *appos, size_t index)
{
	char key[160];
	size_t klen = role_key(m, key, sizeof key);
	long ch = -1;

	if (appos && appos->chain >= 0) {
		ch = appos->chain;
		kz_chains_remember(&w->chains, key, klen, (size_t)ch);
	} else if (m->entry >= 0) {
		ch = (long)kz_chains_of_entry(&w->chains, m->entry,
		    kz_gazetteer_entry(w->tg->g, (size_t)m->entry)->id,
		    w->nf + index);
		set_gender(w, (size_t)ch, 0);
	} else {
		ch = kz_chains_recall(&w->chains, key, klen);
	}
	return ch;
}

/* `,"key":` then s as a JSON string, or null when s is NULL. The key is
 * a string literal, written as it stands (KEY adds the quotes). */
#define KEY(k) ",\"" k "\":"

static void
add_member(kz_buf *b, const char *key, const char *s, size_t len)
{
	kz_buf_adds(b, key);
	if (s == NULL)
		kz_buf_add(b, "null", 4);
	else
		kz_json_add_string(b, s, len);
}

static void
add_member_str(kz_buf *b, const char *key, const char *s)
{
	add_member(b, key, s, s ? strlen(s) : 0);
}

/* `"start":S,"end":E,"text":"…"` for text[bs..be), offsets in code
 * points, as kz_span_new makes them. */
static void
add_span(kz_buf *b, const work *w, kz_cp_cursor *o, size_t bs, size_t be)
{
	kz_buf_adds(b, "\"start\":");
	kz_json_add_integer(b, (long long)kz_cp_cursor_at(o, bs));
	kz_buf_adds(b, ",\"end\":");
	kz_json_add_integer(b, (long long)kz_cp_cursor_at(o, be));
	kz_buf_adds(b, ",\"text\":");
	kz_json_add_string(b, w->text + bs, be - bs);
}

/* The entity as a JSON object. */
static void
entity_text(kz_buf *b, const work *w, const found *x, kz_cp_cursor *o)
{
	size_t bs = w->tok.tok[x->ts].sstart, be = w->tok.tok[x->te - 1].send;

	kz_buf_addc(b, '{');
	add_span(b, w, o, bs, be);
	add_member_str(b, KEY("type"), x->type);
	if (x->chain >= 0) {
		kz_buf_adds(b, KEY("chain"));
		kz_json_add_integer(b, x->chain);
	}
	if (x->entry >= 0) {
		const kz_entry *en = kz_gazetteer_entry(w->tg->g, (size_t)x->entry);

		add_member_str(b, KEY("canonical"), en->name);
		add_member_str(b, KEY("ref"), en->id);
		add_member_str(b, KEY("via"), via_names[x->via]);
		add_member_str(b, KEY("variant"), en->surfaces[x->surface].text);
		if (x->ambiguous) {
			kz_buf_adds(b, ",\"ambiguous\":true,\"candidates\":[");
			for (size_t k = 0; k < x->ncands; k++) {
				const char *id = kz_gazetteer_entry(w->tg->g,
				    x->cands[k].entry)->id;

				if (k)
					kz_buf_addc(b, ',');
				kz_json_add_string(b, id, strlen(id));
			}
			kz_buf_addc(b, ']');
		}
	} else {
		add_member(b, KEY("canonical"), w->text + bs, be - bs);
		add_member_str(b, KEY("ref"), NULL);
		add_member_str(b, KEY("via"), via_names[x->via]);
	}
	kz_buf_addc(b, '}');
}

/* The country the article is most about, when one stands out. */
static const char *
main_country(const work *w)
{
	const char *best = NULL;
	size_t best_n = 0, second = 0;

	for (size_t a = 0; a < w->nf; a++) {
		const kz_entry *e;
		size_t n = 0;

		if (w->f[a].entry < 0 || w->f[a].dropped)
			continue;
		e = kz_gazetteer_entry(w->tg->g, (size_t)w->f[a].entry);
		if (!e->code || !e->kind || strcmp(e->kind, "country") != 0)
			continue;
		for (size_t b = 0; b < w->nf; b++)
			if (w->f[b].entry == w->f[a].entry)
				n++;
		if (best && strcmp(best, e->code) == 0)
			continue;
		if (n > best_n) {
			second = best_n;
			best_n = n;
			best = e->code;
		} else if (n > second) {
			second = n;
		}
	}
	return best_n >= 2 && best_n > second ? best : NULL;
}

static int
comma_between(const work *w, size_t a)
{
	size_t e = w->tok.tok[a].send;
	size_t next = a + 1 < w->tok.n ? w->tok.tok[a + 1].sstart : w->len;

	for (size_t k = e; k < next; k++)
		if (w->text[k] == ',')
			return 1;
	return 0;
}

/* The person a role description is apposed to: "le président Poutine",
 * "le porte-parole du Kremlin, Dmitri Peskov". */
/* The name apposed to a role description may follow a complement the
 * role matcher did not take, then a comma: "la porte-parole du Premier
 * ministre, Nazeli Baghdassarian". */
static size_t
past_complement(const work *w, size_t e)
{
	const kz_token *t;

	if (e >= w->tok.n || comma_between(w, e - 1))
		return e;
	t = &w->tok.tok[e];
	if (!kz_roles_is_linker(w->tg->roles, w->tok.folded.text + t->fstart,
	    t->fend - t->fstart))
		return e;
	for (size_t k = e; k < w->tok.n && k < e + 8; k++) {
		if (comma_between(w, k))
			return k + 1;
		if (!joins(w, k))
			break;
	}
	return e;
}

/* The person found starting at token e, or NULL. */
static const found *
person_at(const work *w, size_t e)
{
	if (e > w->tok.n)
		return NULL;
	for (size_t a = w->ts_head[e]; a != NO_F; a = w->ts_next[a])
		if (!w->f[a].dropped && strcmp(w->f[a].type, "PER") == 0)
			return &w->f[a];
	return NULL;
}

static const found *
apposed(const work *w, const kz_mention *m)
{
	size_t e = m->tok_end;
	const found *x;

	if (e >= w->tok.n)
		return NULL;
	if (!(w->tok.tok[e - 1].flags & KZ_TOK_JOINS) && !comma_between(w, e - 1))
		return NULL;
	e = past_complement(w, e);
	if ((x = person_at(w, e)) != NULL)
		return x;
	/* a title before the name: "…, l'amiral Jaime Vela", "…, le colonel
	 * X", "…, M. Dupont" */
	if (e + 1 < w->tok.n && (kz_token_is(&w->tok, e, "l") ||
	    kz_token_is(&w->tok, e, "le") || kz_token_is(&w->tok, e, "la")) &&
	    joins(w, e) && kz_roles_title_at(w->tg->roles, &w->tok, e + 1))
		return person_at(w, e + 2);
	if (e < w->tok.n && kz_roles_title_at(w->tg->roles, &w->tok, e))
		return person_at(w, e + 1);
	return NULL;
}

/* "la porte-parole du Premier ministre, Nazeli Baghdassarian,": the
 * capitalised words after a role and a comma are a person's name. */
static void
role_appositions(work *w, const kz_mention *ms, size_t nm)
{
	for (size_t i = 0; i < nm; i++) {
		size_t s = past_complement(w, ms[i].tok_end), e;

		if (s >= w->tok.n || apposed(w, &ms[i]) || !comma_between(w, s - 1) ||
		    !name_word(w, s) || (w->tok.tok[s].flags & KZ_TOK_ALLCAPS))
			continue;
		e = s + 1;
		while (e < w->tok.n && e - s < 4 && joins(w, e - 1) &&
		    name_word(w, e) && free_span(w, e, e + 1))
			e++;
		if (e - s < 2 || e - s > 3)
			continue;
		/* the name ends the apposition: a comma, a full stop, a verb */
		if (e < w->tok.n && !comma_between(w, e - 1) && joins(w, e - 1))
			continue;
		if (!free_or_place(w, s))
			continue;
		add_rule(w, s, e, "PER", VIA_RULE);
	}
}

static void
mentions_text(kz_buf *b, work *w, kz_cp_cursor *o, kz_mention *ms,
    size_t nm)
{
	int first = 1;

	kz_buf_adds(b, "\"mentions\":[");
	for (size_t i = 0; i < nm; i++) {
		kz_mention *m = &ms[i];
		size_t bs = w->tok.tok[m->tok_start].sstart;
		size_t be = w->tok.tok[m->tok_end - 1].send;
		const found *appos = apposed(w, m);
		long ch;

		if (w->skip[m->tok_start])
			continue;
		if (appos && m->by_context)
			m->of[0] = '\0';
		if (!first)
			kz_buf_addc(b, ',');
		first = 0;
		kz_buf_addc(b, '{');
		add_span(b, w, o, bs, be);
		add_member_str(b, KEY("kind"), "role");
		add_member_str(b, KEY("role"), m->role);
		add_member_str(b, KEY("of"), m->of[0] ? m->of : NULL);
		if (m->former)
			kz_buf_adds(b, ",\"former\":true");
		if (appos) {
			size_t as = w->tok.tok[appos->ts].sstart;
			size_t ae = w->tok.tok[appos->te - 1].send;

			if (appos->entry >= 0) {
				const kz_entry *en = kz_gazetteer_entry(w->tg->g,
				    (size_t)appos->entry);

				add_member_str(b, KEY("canonical"), en->name);
				add_member_str(b, KEY("ref"), en->id);
			} else {
				add_member(b, KEY("canonical"), w->text + as, ae - as);
				add_member_str(b, KEY("ref"), NULL);
			}
			add_member_str(b, KEY("via"), "apposition");
			kz_buf_adds(b, ",\"apposition\":");
			entity_text(b, w, appos, o);
		} else if (m->entry >= 0) {
			const kz_entry *en = kz_gazetteer_entry(w->tg->g, (size_t)m->entry);

			add_member_str(b, KEY("canonical"), en->name);
			add_member_str(b, KEY("ref"), en->id);
			add_member_str(b, KEY("via"), "role");
		} else {
			add_member_str(b, KEY("canonical"), NULL);
			add_member_str(b, KEY("ref"), NULL);
			add_member_str(b, KEY("via"), "role");
		}
		if (m->by_context && !appos)
			kz_buf_adds(b, ",\"of_from_context\":true");
		if ((ch = mention_chain(w, m, appos, i)) >= 0) {
			kz_buf_adds(b, KEY("chain"));
			kz_json_add_integer(b, ch);
		}
		kz_buf_addc(b, '}');
	}
	kz_buf_addc(b, ']');
}

/* `"chains":[{"id":0,"canonical":…,"ref":…,"gender":…},…]`: each
 * person's chain, named by its fullest mention. */
static void
chains_text(kz_buf *b, const work *w, kz_cp_cursor *o)
{
	(void)o;
	kz_buf_adds(b, "\"chains\":[");
	for (size_t c = 0; c < w->chains.n; c++) {
		size_t h = w->chains.head[c];
		long e = w->chains.entry[c];
		char g = c < w->chain_gender_n ? w->chain_gender[c] : 0;

		if (c)
			kz_buf_addc(b, ',');
		kz_buf_adds(b, "{\"id\":");
		kz_json_add_integer(b, (long long)c);
		if (e >= 0) {
			const kz_entry *en = kz_gazetteer_entry(w->tg->g, (size_t)e);

			add_member_str(b, KEY("canonical"), en->name);
			add_member_str(b, KEY("ref"), en->id);
		} else if (h < w->nf) {
			size_t bs = w->tok.tok[w->f[h].ts].sstart;
			size_t be = w->tok.tok[w->f[h].te - 1].send;

			add_member(b, KEY("canonical"), w->text + bs, be - bs);
			add_member_str(b, KEY("ref"), NULL);
		} else {
			add_member_str(b, KEY("canonical"), NULL);
			add_member_str(b, KEY("ref"), NULL);
		}
		add_member_str(b, KEY("gender"), g == 'm' ? "m" : g == 'f' ? "f" : NULL);
		kz_buf_addc(b, '}');
	}
	kz_buf_addc(b, ']');
}

static kz_mention *
find_mentions(work *w, int32_t date, size_t *nm)
{
	size_t *people = kz_malloc((w->nf + 1) * sizeof *people), np = 0;
	kz_mention *ms;

	for (size_t a = 0; a < w->nf; a++)
		if (w->f[a].entry >= 0 && strcmp(w->f[a].type, "PER") == 0)
			people[np++] = (size_t)w->f[a].entry;
	ms = kz_roles_find(w->tg->roles, &w->tok, people, np, main_country(w),
	    date, nm);
	free(people);
	return ms;
}

const char *const kz_tagger_reads[] = {
	"text", "blocks", "byline", "date", "date_estimated", NULL
};
const char *const kz_tagger_writes[] = { "entities", "mentions", "chains",
	NULL };
const char *const kz_tagger_skips[] = { "blocks.text", NULL };

int
kz_tagger_tag_members(const kz_tagger *tg, json_t *rec,
    const char *fallback_date, kz_buf *members, kz_error *err)
{
	work w;
	kz_offsets o;
	int32_t date;
	kz_mention *ms;
	size_t nm;
	int first = 1;
	kz_cp_cursor cur;

	memset(&w, 0, sizeof w);
	w.tg = tg;
	w.text = kz_record_text(rec, &w.len);
	if (w.text == NULL)
		return kz_error_set(err, NULL, 0, 0, "record has no \"text\" string");
	if (kz_offsets_init(&o, w.text, w.len) != 0)
		return kz_error_set(err, NULL, 0, 0, "text larger than 4 GiB");
	kz_tokens_init(&w.tok, tg->folder, w.text, w.len);
	w.covered = kz_calloc(w.tok.n + 1, 1);
	w.skip = kz_calloc(w.tok.n + 1, 1);
	w.credit = kz_calloc(w.tok.n + 1, 1);
	w.ts_head = kz_malloc((w.tok.n + 1) * sizeof *w.ts_head);
	w.ts_tail = kz_malloc((w.tok.n + 1) * sizeof *w.ts_tail);
	reindex_founds(&w);
	mark_blocks(&w, rec, &o);

	date = kz_record_date(rec, fallback_date, 1);
	gazetteer_pass(&w);
	resolve_ambiguous(&w, date);
	first_name_before_person(&w);
	byline_pass(&w, rec, &o);
	credit_pass(&w);
	towns_after_first_names(&w);
	titles_pass(&w);
	places_as_first_names(&w);
	bracketed_surname_pass(&w);
	firstnames_pass(&w);
	described_names_pass(&w);
	seat_organisations_pass(&w);
	organisations_pass(&w);
	capitalised_organisations_pass(&w);
	place_features_pass(&w);
	hyphenated_names_pass(&w);
	demonym_names_pass(&w);
	unknown_places_pass(&w);
	apposed_organisations_pass(&w);
	introduced_names_pass(&w);
	qualified_first_names_pass(&w);
	acronyms_pass(&w);
	listed_names_pass(&w);
	recurrence_pass(&w);
	first_name_recurrence_pass(&w);
	ms = find_mentions(&w, date, &nm);
	role_appositions(&w, ms, nm);
	if (w.nf > 1) {
		qsort(w.f, w.nf, sizeof *w.f, by_start);
		reindex_founds(&w);
	}
	kz_chains_init(&w.chains);
	link_chains(&w);

	/* written as text, not built: the members replace any earlier ones */
	json_object_del(rec, "entities");
	json_object_del(rec, "mentions");
	json_object_del(rec, "chains");
	if (members->len > 0 && members->data[members->len - 1] != '{')
		kz_buf_addc(members, ',');
	cur = (kz_cp_cursor){ w.text, 0, 0 };
	kz_buf_adds(members, "\"entities\":[");
	for (size_t a = 0; a < w.nf; a++)
		if (!w.f[a].dropped) {
			if (!first)
				kz_buf_addc(members, ',');
			first = 0;
			entity_text(members, &w, &w.f[a], &cur);
		}
	kz_buf_add(members, "],", 2);
	mentions_text(members, &w, &cur, ms, nm);
	kz_buf_addc(members, ',');
	chains_text(members, &w, &cur);
	free(ms);
	kz_chains_release(&w.chains);
	free(w.chain_gender);

	free(w.f);
	free(w.ts_head);
	free(w.ts_tail);
	free(w.ts_next);
	free(w.covered);
	free(w.skip);
	free(w.credit);
	kz_tokens_release(&w.tok);
	kz_offsets_release(&o);
	return 0;
}

int
kz_tagger_tag(const kz_tagger *tg, json_t *rec, const char *fallback_date,
    kz_error *err)
{
	kz_buf members;
	json_t *parsed;
	int rc;

	kz_buf_init(&members);
	kz_buf_addc(&members, '{');
	rc = kz_tagger_tag_members(tg, rec, fallback_date, &members, err);
	kz_buf_addc(&members, '}');
	/* read back, so callers (and the unit tests) see exactly what
	 * kz-tag writes */
	if (rc == 0) {
		parsed = kz_json_parse_line(members.data, members.len);
		if (parsed == NULL)
			rc = kz_error_set(err, NULL, 0, 0,
			    "internal error: entities are not valid JSON");
		else
			json_object_update(rec, parsed);
		json_decref(parsed);
	}
	kz_buf_release(&members);
	return rc;
}
