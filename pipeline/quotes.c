#include "quotes.h"

#include "buf.h"
#include "buildcache.h"
#include "datapath.h"
#include "gazcache.h"     /* kz_gazcache_env_key */
#include "phrases.h"
#include "record.h"
#include "text.h"
#include "tokens.h"
#include "yamltree.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Speech verb flags. One form may belong to several verbs (dit: dire and
 * se dire), and the flags of its entries are OR-ed: so the set records
 * VERB_ANYWHERE (some entry is a verb outside incises too) rather than
 * "incise only". */
enum { VERB = 1, VERB_AMBIGUOUS = 2, VERB_ANYWHERE = 4 };

/* Gender-number of pronouns: bit 0 masculine, bit 1 feminine, bit 2 plural */
/* G_LAST: the person named last ("ce dernier"), not the likeliest subject */
enum { G_M = 1, G_F = 2, G_PLURAL = 4, G_LAST = 8 };

struct kz_quoter {
	const kz_folder *folder;
	kz_phrases verbs;
	kz_phrases prepositions;
	kz_phrases pronouns;        /* value: gender bits */
	kz_phrases inversions;      /* "t il", "il": gender bits */
	kz_phrases auxiliaries;
	kz_phrases anonymous;
	kz_phrases collective;
	kz_phrases scare_context;
	kz_phrases incise_starts;
	kz_phrases person_heads;    /* "syndicaliste", "coach": gender bits */
	kz_phrases fronted;         /* "comme", "alors que": a clause before
	                             * the subject */
	kz_phrases etre_verbs;      /* "convenus": active after "être" */
	kz_phrases documents;       /* "un communiqué": texts that say */
};

static int
gender_bits(const char *code)
{
	int g = 0;

	if (code == NULL)
		return G_M | G_F;
	if (code[0] == 'm')
		g |= G_M;
	else if (code[0] == 'f')
		g |= G_F;
	else
		g |= G_M | G_F;
	if (code[2] == 'p')
		g |= G_PLURAL;
	if (strcmp(code + 3, "-last") == 0)
		g |= G_LAST;
	return g;
}

static int
load_phrase_list(const kz_yaml_doc *doc, const char *key, kz_phrases *into,
    const kz_folder *f, intptr_t value, kz_error *err)
{
	const kz_yaml_node *list = kz_yaml_require(doc, doc->root, key,
	    KZ_YAML_SEQ, err);

	if (list == NULL)
		return -1;
	for (size_t i = 0; i < list->n; i++) {
		const char *s = kz_yaml_str(list->items[i]);

		if (s == NULL || *s == '\0')
			return kz_yaml_error(err, doc, list->items[i],
			    "'%s' entries must be non-empty strings", key);
		kz_phrases_add(into, f, s, value);
	}
	return 0;
}

static int
load_gendered(const kz_yaml_doc *doc, const char *key, kz_phrases *into,
    const kz_folder *f, kz_error *err)
{
	const kz_yaml_node *map = kz_yaml_require(doc, doc->root, key,
	    KZ_YAML_MAP, err);

	if (map == NULL)
		return -1;
	for (size_t i = 0; i < map->n; i++) {
		const char *code = kz_yaml_str(kz_yaml_value(map, i));

		if (code == NULL || strlen(code) < 3 || code[1] != '-' ||
		    !strchr("mfx", code[0]) || !strchr("sp", code[2]) ||
		    (code[3] != '\0' && strcmp(code + 3, "-last") != 0))
			return kz_yaml_error(err, doc, kz_yaml_value(map, i),
			    "a gender-number code is m-s, f-s, m-p, f-p, x-s or x-p,"
			    " with -last for the person named last (m-s-last)");
		kz_phrases_add(into, f, kz_yaml_key(map, i)->scalar,
		    gender_bits(code));
	}
	return 0;
}

static int
load_quotes_yaml(kz_quoter *q, const char *path, kz_error *err)
{
	static const char *const known[] = {
		"speaker_prepositions", "pronouns", "inversion_pronouns",
		"person_heads", "auxiliaries", "semi_auxiliaries",
		"anonymous_sources", "collective_speakers", "document_speakers",
		"attribution_incises", "attribution_incise_starts",
		"scare_context", "quote_marks", "fronted_clause_openers",
		"active_after_etre", NULL
	};
	const kz_yaml_node *aux;
	kz_yaml_doc doc;
	int rc = -1;

	if (kz_data_load_rules(path, "rules/quotes.yaml", known, &doc, err) != 0)
		return -1;
	if (load_phrase_list(&doc, "speaker_prepositions", &q->prepositions,
	    q->folder, 1, err) != 0 ||
	    load_gendered(&doc, "pronouns", &q->pronouns, q->folder, err) != 0 ||
	    load_gendered(&doc, "inversion_pronouns", &q->inversions, q->folder,
	    err) != 0 ||
	    load_phrase_list(&doc, "anonymous_sources", &q->anonymous, q->folder,
	    1, err) != 0 ||
	    load_phrase_list(&doc, "collective_speakers", &q->collective,
	    q->folder, 1, err) != 0 ||
	    load_phrase_list(&doc, "document_speakers", &q->collective,
	    q->folder, 1, err) != 0 ||
	    load_phrase_list(&doc, "document_speakers", &q->documents,
	    q->folder, 1, err) != 0 ||
	    load_phrase_list(&doc, "scare_context", &q->scare_context, q->folder,
	    1, err) != 0 ||
	    load_phrase_list(&doc, "attribution_incise_starts", &q->incise_starts,
	    q->folder, 1, err) != 0 ||
	    load_gendered(&doc, "person_heads", &q->person_heads, q->folder,
	    err) != 0)
		goto out;
	/* optional: a local quotes.yaml written before them still loads */
	if ((kz_yaml_get(doc.root, "fronted_clause_openers") != NULL &&
	    load_phrase_list(&doc, "fronted_clause_openers", &q->fronted,
	    q->folder, 1, err) != 0) ||
	    (kz_yaml_get(doc.root, "active_after_etre") != NULL &&
	    load_phrase_list(&doc, "active_after_etre", &q->etre_verbs,
	    q->folder, 1, err) != 0))
		goto out;
	aux = kz_yaml_require(&doc, doc.root, "auxiliaries", KZ_YAML_MAP, err);
	if (aux == NULL)
		goto out;
	for (size_t i = 0; i < aux->n; i++) {
		const kz_yaml_node *list = kz_yaml_value(aux, i);

		if (list->kind != KZ_YAML_SEQ) {
			kz_yaml_error(err, &doc, list, "auxiliaries are lists");
			goto out;
		}
		for (size_t k = 0; k < list->n; k++) {
			const char *s = kz_yaml_str(list->items[k]);

			if (s == NULL) {
				kz_yaml_error(err, &doc, list->items[k],
				    "auxiliaries are strings");
				goto out;
			}
			kz_phrases_add(&q->auxiliaries, q->folder, s, 1);
		}
	}
	rc = 0;
out:
	kz_yaml_doc_release(&doc);
	return rc;
}

static int
load_verbs(kz_quoter *q, const char *path, kz_error *err)
{
	static const char *const known[] = { "lemma", "kind", "pronominal",
	    "forms", "other_forms", "ambiguous", "incise_only", "multiword",
	    NULL };
	static const char *const top[] = { "verbs", NULL };
	const kz_yaml_node *verbs;
	kz_yaml_doc doc;
	int rc = -1;

	if (kz_data_load_rules(path, "rules/speech-verbs.yaml", top, &doc, err) != 0)
		return -1;
	verbs = kz_yaml_require(&doc, doc.root, "verbs", KZ_YAML_SEQ, err);
	if (verbs == NULL)
		goto out;
	for (size_t i = 0; i < verbs->n; i++) {
		const kz_yaml_node *v = verbs->items[i], *forms, *amb;
		const char *incise;
		intptr_t flag = VERB;

		if (kz_yaml_only_keys(&doc, v, known, err) != 0)
			goto out;
		forms = kz_yaml_require(&doc, v, "forms", KZ_YAML_SEQ, err);
		if (forms == NULL)
			goto out;
		incise = kz_yaml_str(kz_yaml_get(v, "incise_only"));
		if (incise == NULL || strcmp(incise, "true") != 0)
			flag |= VERB_ANYWHERE;
		amb = kz_yaml_get(v, "ambiguous");
		for (size_t k = 0; k < forms->n; k++) {
			const char *s = kz_yaml_str(forms->items[k]);
			intptr_t fl = flag;

			if (s == NULL) {
				kz_yaml_error(err, &doc, forms->items[k],
				    "verb forms are strings");
				goto out;
			}
			for (size_t a = 0; amb && a < amb->n; a++)
				if (kz_yaml_str(amb->items[a]) &&
				    strcmp(kz_yaml_str(amb->items[a]), s) == 0)
					fl |= VERB_AMBIGUOUS;
			kz_phrases_add(&q->verbs, q->folder, s, fl);
		}
	}
	rc = 0;
out:
	kz_yaml_doc_release(&doc);
	return rc;
}

/* The quoter's phrase sets in the order they are cached. */
static kz_phrases *
phrases_at(kz_quoter *q, size_t i)
{
	kz_phrases *all[] = { &q->verbs, &q->prepositions, &q->pronouns,
	    &q->inversions, &q->auxiliaries, &q->anonymous, &q->collective,
	    &q->scare_context, &q->incise_starts, &q->person_heads,
	    &q->fronted, &q->etre_verbs, &q->documents };

	/* and every phrase set of kz_quoter is in this list */
	_Static_assert(sizeof all / sizeof *all * sizeof(kz_phrases) +
	    sizeof(const kz_folder *) == sizeof(struct kz_quoter),
	    "a phrase set of kz_quoter is missing from phrases_at");
	return i < sizeof all / sizeof *all ? all[i] : NULL;
}

/* Every member a loader fills must be in the cached bytes: a member
 * added to kz_quoter and not to phrases_at would come back empty from
 * the cache. This stops the build until both agree. */
_Static_assert(sizeof(struct kz_quoter) ==
    sizeof(const kz_folder *) + 13 * sizeof(kz_phrases),
    "kz_quoter changed: update phrases_at and QUOTER_FORMAT");

#define QUOTER_FORMAT 2

/* Everything the phrase sets depend on: both files' bytes and those of
 * the local files merged over them, the folding (buildcache.h). */
static int
quoter_key(const char *const *src, const kz_folder *f, uint64_t *key)
{
	static const char *const rel[2] = { "rules/quotes.yaml",
	    "rules/speech-verbs.yaml" };
	uint64_t v[2 + 2] = { QUOTER_FORMAT, kz_gazcache_env_key(f) };

	for (size_t i = 0; i < 2; i++)
		if (kz_buildcache_hash_rules(src[i], rel[i], &v[2 + i]) != 0)
			return -1;
	*key = kz_xxh64(v, sizeof v, 0x71756f746573);
	return 0;
}

/* q's phrase sets from the cache: 0, or -1 with q holding none. */
static int
quoter_cached(kz_quoter *q, const char *const *src, uint64_t key)
{
	kz_buildcache_hit hit;
	const unsigned char *at, *end;
	size_t i;

	if (kz_buildcache_get("quotes", src, 2, key, &hit) != 0)
		return -1;
	at = hit.data;
	end = hit.data + hit.len;
	for (i = 0; phrases_at(q, i); i++)
		if (kz_phrases_load(phrases_at(q, i), &at, end) != 0)
			break;
	kz_buildcache_release(&hit);
	if (phrases_at(q, i) == NULL && at == end)
		return 0;
	while (i-- > 0)
		kz_phrases_release(phrases_at(q, i));
	return -1;
}

kz_quoter *
kz_quoter_load(const char *datadir, const kz_folder *f, kz_error *err)
{
	kz_quoter *q = kz_calloc(1, sizeof *q);
	char path[PATH_MAX], path2[PATH_MAX];
	const char *src[2] = { path, path2 };
	uint64_t key = 0;
	int keyed;

	q->folder = f;
	kz_data_path(datadir, "rules/quotes.yaml", path, sizeof path);
	kz_data_path(datadir, "rules/speech-verbs.yaml", path2, sizeof path2);
	keyed = quoter_key(src, f, &key) == 0;
	if (keyed && quoter_cached(q, src, key) == 0)
		return q;
	for (size_t i = 0; phrases_at(q, i); i++)
		kz_phrases_init(phrases_at(q, i));
	if (load_quotes_yaml(q, path, err) != 0 || load_verbs(q, path2, err) != 0)
		goto fail;
	if (keyed) {
		kz_buf b;

		kz_buf_init(&b);
		for (size_t i = 0; phrases_at(q, i); i++)
			kz_phrases_save(phrases_at(q, i), &b);
		kz_buildcache_put("quotes", src, 2, key, b.data, b.len);
		kz_buf_release(&b);
	}
	return q;
fail:
	kz_quoter_free(q);
	return NULL;
}

void
kz_quoter_free(kz_quoter *q)
{
	if (q == NULL)
		return;
	kz_phrases_release(&q->verbs);
	kz_phrases_release(&q->prepositions);
	kz_phrases_release(&q->pronouns);
	kz_phrases_release(&q->fronted);
	kz_phrases_release(&q->etre_verbs);
	kz_phrases_release(&q->documents);
	kz_phrases_release(&q->inversions);
	kz_phrases_release(&q->auxiliaries);
	kz_phrases_release(&q->anonymous);
	kz_phrases_release(&q->collective);
	kz_phrases_release(&q->scare_context);
	kz_phrases_release(&q->incise_starts);
	kz_phrases_release(&q->person_heads);
	free(q);
}

/* ------------------------------------------------------------ one record */

typedef struct span {
	size_t s, e;            /* bytes */
} span;

typedef struct block {
	size_t s, e;
	const char *kind;
	long json_index;
} block;

/* Something a speaker can be: a name, a role description. */
typedef struct referent {
	size_t ts, te;          /* tokens */
	const char *name;       /* canonical (borrowed from the record) */
	const char *ref;
	const char *type;       /* PER, ORG, LOC, or "role" */
	int gender;             /* G_M / G_F bits, 0 unknown */
	int is_mention;
	int unresolved;         /* a mention kz-tag tied to nobody */
} referent;

typedef struct quote {
	size_t open, close;     /* byte offsets of the marks (close: end) */
	size_t cs, ce;          /* content */
	int depth;
	int unbalanced;
	int pull;
	int multi;
	long block;             /* index into blocks */
	const char *kind;
	json_t *speaker;        /* owned until emitted */
	json_t *cue;
	json_t *source;         /* anonymous source description */
	long same_as;
	long signature_name, signature_title;   /* block indexes or -1 */
	int unsaid;             /* scare only because nobody was found saying it */
	int answer;             /* an interview's answer: no marks */
} quote;

typedef struct work {
	const kz_quoter *q;
	const kz_tagger *tg;
	const char *text;
	size_t len;
	kz_offsets o;
	kz_tokens tok;
	block *blocks;
	size_t nblocks;
	span *sentences;
	size_t nsentences;
	referent *refs;
	size_t nrefs;
	long *ref_at;           /* per token: referent starting here, or -1 */
	long *cover;            /* per token: the widest referent over it, -1 */
	unsigned char *in_quote;/* per token */
	quote *quotes;
	size_t nquotes, capquotes;
	size_t *stray;          /* closing guillemets never opened (bytes) */
	size_t nstray;
	kz_strmap *times_named; /* canonical person name -> mentions in all */
} work;

static int
cp_at(const work *w, size_t i, int32_t *cp)
{
	size_t n = kz_utf8_decode((const unsigned char *)w->text + i, w->len - i, cp);

	return n ? (int)n : 1;
}

static int
is_space_cp(int32_t cp)
{
	return kz_cp_is_space(cp);
}

static size_t
skip_space(const work *w, size_t i, size_t end)
{
	while (i < end) {
		int32_t cp;
		int n = cp_at(w, i, &cp);

		if (!is_space_cp(cp))
			break;
		i += n;
	}
	return i;
}

static size_t
skip_space_back(const work *w, size_t i, size_t start)
{
	while (i > start) {
		size_t p = kz_utf8_prev(w->text, i);
		int32_t cp;

		cp_at(w, p, &cp);
		if (!is_space_cp(cp))
			break;
		i = p;
	}
	return i;
}

/* ---- reading what earlier stages wrote */

static int
by_block_start(const void *a, const void *b)
{
	const block *x = a, *y = b;

	return (x->s > y->s) - (x->s < y->s);
}

static void
read_blocks(work *w, const json_t *rec)
{
	const json_t *blocks = json_object_get(rec, "blocks");
	size_t i;
	const json_t *b;

	w->blocks = kz_calloc(json_array_size(blocks) + 1, sizeof *w->blocks);
	json_array_foreach(blocks, i, b) {
		block *x = &w->blocks[w->nblocks];
		const char *kind = json_string_value(json_object_get(b, "kind"));

		if (kind == NULL || kz_span_bytes(b, &w->o, &x->s, &x->e) != 0)
			continue;
		if (json_object_get(b, "same_as"))
			kind = "caption-copy";
		x->kind = kind;
		x->json_index = (long)i;
		w->nblocks++;
	}
	if (w->nblocks == 0) {
		/* no structure: one paragraph per line */
		size_t s = 0;

		free(w->blocks);
		w->blocks = NULL;
		while (s <= w->len) {
			const char *nl = memchr(w->text + s, '\n', w->len - s);
			size_t e = nl ? (size_t)(nl - w->text) : w->len;

			if (e > s) {
				w->blocks = kz_realloc(w->blocks, (w->nblocks + 1) *
				    sizeof *w->blocks);
				w->blocks[w->nblocks].s = s;
				w->blocks[w->nblocks].e = e;
				w->blocks[w->nblocks].kind = "paragraph";
				w->blocks[w->nblocks].json_index = -1;
				w->nblocks++;
			}
			if (nl == NULL)
				break;
			s = e + 1;
		}
	}
	if (w->nblocks > 1)
		qsort(w->blocks, w->nblocks, sizeof *w->blocks, by_block_start);
}

static void
read_sentences(work *w, const json_t *rec)
{
	const json_t *sents = json_object_get(rec, "sentences");
	size_t i;
	const json_t *s;

	w->sentences = kz_calloc(json_array_size(sents) + 1, sizeof *w->sentences);
	json_array_foreach(sents, i, s) {
		span *x = &w->sentences[w->nsentences];

		if (kz_span_bytes(s, &w->o, &x->s, &x->e) == 0)
			w->nsentences++;
	}
}

/* The sentence around byte p, else the block, else the line. */
static span
sentence_of(const work *w, size_t p)
{
	span r = { 0, w->len };
	size_t lo = 0, hi = w->nsentences;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (w->sentences[mid].e <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < w->nsentences && w->sentences[lo].s <= p)
		return w->sentences[lo];
	for (size_t b = 0; b < w->nblocks; b++)
		if (w->blocks[b].s <= p && p <= w->blocks[b].e) {
			r.s = w->blocks[b].s;
			r.e = w->blocks[b].e;
			return r;
		}
	return r;
}

static void
add_referent(work *w, const json_t *item, int is_mention)
{
	size_t bs, be, ts, te;
	referent *r;
	const char *ref = json_string_value(json_object_get(item, "ref"));
	const kz_entry *e;

	if (kz_span_bytes(item, &w->o, &bs, &be) != 0)
		return;
	ts = kz_tokens_at(&w->tok, bs);
	te = ts;
	while (te < w->tok.n && w->tok.tok[te].send <= be)
		te++;
	if (te <= ts)
		return;
	r = &w->refs[w->nrefs];
	memset(r, 0, sizeof *r);
	r->ts = ts;
	r->te = te;
	r->name = json_string_value(json_object_get(item, "canonical"));
	r->ref = ref;
	r->is_mention = is_mention;
	e = kz_gazetteer_by_id(kz_tagger_gazetteer(w->tg), ref);
	if (is_mention) {
		r->type = e ? e->type : "role";
		if (r->name == NULL) {
			r->name = json_string_value(json_object_get(item, "text"));
			r->unresolved = 1;
		}
	} else {
		r->type = json_string_value(json_object_get(item, "type"));
	}
	if (r->type == NULL)
		r->type = "MISC";
	if (e && e->gender)
		r->gender = e->gender == 'm' ? G_M : G_F;
	else if (!is_mention && strcmp(r->type, "PER") == 0) {
		/* a person no gazetteer knows: the first name may say */
		int g = kz_tagger_first_name_gender(w->tg, &w->tok, ts);

		r->gender = g == 'm' ? G_M : g == 'f' ? G_F : 0;
	}
	if (w->ref_at[ts] < 0 || (long)te > (long)w->refs[w->ref_at[ts]].te)
		w->ref_at[ts] = (long)w->nrefs;
	for (size_t k = ts; k < te; k++) {
		long c = w->cover[k];

		if (c < 0 || te - ts > w->refs[c].te - w->refs[c].ts)
			w->cover[k] = (long)w->nrefs;
	}
	w->nrefs++;
}

static void
read_referents(work *w, const json_t *rec)
{
	const json_t *ents = json_object_get(rec, "entities");
	const json_t *ments = json_object_get(rec, "mentions");
	size_t i;
	const json_t *x;

	w->refs = kz_calloc(json_array_size(ents) + json_array_size(ments) + 1,
	    sizeof *w->refs);
	json_array_foreach(ents, i, x)
		add_referent(w, x, 0);
	json_array_foreach(ments, i, x)
		add_referent(w, x, 1);
	/* how often each person is named: who the article is about */
	w->times_named = kz_strmap_new();
	for (size_t k = 0; k < w->nrefs; k++) {
		const referent *r = &w->refs[k];
		intptr_t n = 0;

		if (r->name == NULL || strcmp(r->type, "PER") != 0)
			continue;
		kz_strmap_get(w->times_named, r->name, strlen(r->name), &n);
		kz_strmap_put(w->times_named, r->name, strlen(r->name), n + 1);
	}
}

/* ---- finding the quotes */

enum mark { M_NONE, M_GUILLEMET, M_CURLY, M_ANGLE, M_STRAIGHT };

static enum mark
opening(int32_t cp)
{
	switch (cp) {
	case 0xAB: return M_GUILLEMET;
	case 0x201C: return M_CURLY;
	case 0x2039: return M_ANGLE;
	case '"': return M_STRAIGHT;
	}
	return M_NONE;
}

static enum mark
closing(int32_t cp)
{
	switch (cp) {
	case 0xBB: return M_GUILLEMET;
	case 0x201D: return M_CURLY;
	case 0x203A: return M_ANGLE;
	case '"': return M_STRAIGHT;
	}
	return M_NONE;
}

static quote *
new_quote(work *w)
{
	quote *q;

	if (w->nquotes == w->capquotes) {
		w->capquotes = w->capquotes ? w->capquotes * 2 : 32;
		w->quotes = kz_realloc(w->quotes, w->capquotes * sizeof *w->quotes);
	}
	q = &w->quotes[w->nquotes++];
	memset(q, 0, sizeof *q);
	q->same_as = -1;
	q->signature_name = q->signature_title = -1;
	return q;
}

/* Content between marks, without the spaces French puts inside « ». */
static void
set_content(work *w, quote *q, size_t cs, size_t ce)
{
	cs = skip_space(w, cs, ce);
	ce = skip_space_back(w, ce, cs);
	q->cs = cs;
	q->ce = ce;
}

static int
content_block(const char *kind)
{
	return strcmp(kind, "paragraph") == 0 || strcmp(kind, "title") == 0 ||
	    strcmp(kind, "heading") == 0 || strcmp(kind, "caption") == 0;
}

/* Does block b start (after spaces) with this opening mark? */
static int
starts_with_mark(const work *w, const block *b, enum mark m)
{
	size_t i = skip_space(w, b->s, b->e);
	int32_t cp;

	if (i >= b->e)
		return 0;
	cp_at(w, i, &cp);
	return opening(cp) == m;
}

typedef struct open_mark {
	enum mark m;
	size_t at;      /* byte offset of the mark */
	size_t after;   /* first byte after it */
	long block;
} open_mark;

/* Is the text before byte i, in its block from s, a colon (spaces
 * aside)? */
static int
after_colon(const work *w, size_t i, size_t s)
{
	size_t p = skip_space_back(w, i, s);

	return p > s && w->text[p - 1] == ':';
}

/* Marks nested deeper than this are text, not quotes: French news nests
 * three levels at most, and every open mark makes a quote that runs to
 * its close (or the paragraph's end), so 30,000 marks in a row would
 * write 30,000 quotes of the whole paragraph (1.3 GB from 60 kB). */
#define QUOTE_MAX_DEPTH 8

static void
find_quotes(work *w)
{
	open_mark *stack = NULL;
	size_t depth = 0, cap = 0;
	/* a French multi-paragraph quote carried into the next block */
	int carry = 0;
	open_mark carried = { M_NONE, 0, 0, -1 };

	for (size_t b = 0; b < w->nblocks; b++) {
		const block *bl = &w->blocks[b];
		size_t i = bl->s;

		if (strcmp(bl->kind, "pullquote") == 0) {
			quote *q = new_quote(w);

			q->pull = 1;
			q->block = (long)b;
			q->open = bl->s;
			q->close = bl->e;
			set_content(w, q, bl->s, bl->e);
			/* a pull quote may carry its own marks */
			{
				int32_t a, z;
				size_t last = kz_utf8_prev(w->text, q->ce);

				cp_at(w, q->cs, &a);
				cp_at(w, last, &z);
				if (opening(a) != M_NONE && closing(z) == opening(a))
					set_content(w, q, q->cs + cp_at(w, q->cs, &a), last);
			}
			q->kind = "pull";
			for (size_t k = b + 1; k < w->nblocks && k <= b + 2; k++) {
				if (strcmp(w->blocks[k].kind, "speaker-name") == 0)
					q->signature_name = (long)k;
				else if (strcmp(w->blocks[k].kind, "speaker-title") == 0)
					q->signature_title = (long)k;
			}
			continue;
		}
		if (!content_block(bl->kind)) {
			carry = 0;
			continue;
		}
		depth = 0;
		if (carry && starts_with_mark(w, bl, carried.m)) {
			/* the mark that reopens a continued paragraph is not a new
			 * quote */
			int32_t cp;

			i = skip_space(w, bl->s, bl->e);
			i += cp_at(w, i, &cp);
			if (cap == 0) {
				cap = 16;
				stack = kz_malloc(cap * sizeof *stack);
			}
			stack[depth++] = carried;
		}
		carry = 0;
		while (i < bl->e) {
			int32_t cp;
			int n = cp_at(w, i, &cp);
			enum mark c = closing(cp), o = opening(cp);

			if (c != M_NONE && depth > 0) {
				/* close the innermost matching mark */
				size_t k = depth;

				while (k > 0 && stack[k - 1].m != c)
					k--;
				if (k > 0) {
					open_mark om = stack[k - 1];
					quote *q = new_quote(w);

					q->open = om.at;
					q->close = i;
					q->depth = (int)(k - 1);
					q->block = om.block;
					q->multi = om.block != (long)b;
					set_content(w, q, om.after, i);
					depth = k - 1;
					i += n;
					continue;
				}
			}
			/* "a déclaré : » … « …": guillemets typed the wrong way
			 * round after a colon; the quote runs to the next « (or
			 * the paragraph's end), which opens the next one */
			if (c == M_GUILLEMET && depth == 0 && after_colon(w, i, bl->s)) {
				size_t e = i + n;
				int32_t x;
				quote *q;

				while (e < bl->e && (cp_at(w, e, &x), x != 0xAB))
					e += (size_t)cp_at(w, e, &x);
				/* still a mark an editor must see */
				w->stray = kz_realloc(w->stray, (w->nstray + 1) *
				    sizeof *w->stray);
				w->stray[w->nstray++] = i;
				q = new_quote(w);
				q->open = i;
				q->close = e;
				q->block = (long)b;
				q->unbalanced = e >= bl->e;
				set_content(w, q, i + n, e);
				i = e;
				continue;
			}
			/* a closing guillemet with none open: a quote whose
			 * opening mark was lost (» is never anything else) */
			if (c == M_GUILLEMET && (depth == 0 ||
			    stack[depth - 1].m != M_GUILLEMET)) {
				w->stray = kz_realloc(w->stray, (w->nstray + 1) *
				    sizeof *w->stray);
				w->stray[w->nstray++] = i;
			}
			if (o != M_NONE && !(o == M_STRAIGHT && c == M_STRAIGHT &&
			    depth > 0 && stack[depth - 1].m == M_STRAIGHT) &&
			    depth < QUOTE_MAX_DEPTH) {
				if (depth == cap) {
					cap = cap ? cap * 2 : 16;
					stack = kz_realloc(stack, cap * sizeof *stack);
				}
				stack[depth].m = o;
				stack[depth].at = i;
				stack[depth].after = i + n;
				stack[depth].block = (long)b;
				depth++;
			}
			i += n;
		}
		if (depth == 0)
			continue;
		/* a quote left open: continued in the next paragraph the French
		 * way, the next one opening with the same mark? */
		if (depth == 1) {
			size_t nb = b + 1;

			while (nb < w->nblocks && !content_block(w->blocks[nb].kind) &&
			    strcmp(w->blocks[nb].kind, "pullquote") != 0)
				nb++;
			if (nb < w->nblocks && content_block(w->blocks[nb].kind) &&
			    starts_with_mark(w, &w->blocks[nb], stack[0].m)) {
				carry = 1;
				carried = stack[0];
				depth = 0;
				continue;
			}
		}
		/* unbalanced: each open quote ends at the paragraph's end */
		while (depth > 0) {
			open_mark om = stack[--depth];
			quote *q = new_quote(w);

			q->open = om.at;
			q->close = bl->e;
			q->depth = (int)depth;
			q->block = om.block;
			q->unbalanced = 1;
			q->multi = om.block != (long)b;
			set_content(w, q, om.after, bl->e);
		}
	}
	free(stack);
}

/* ---- speakers */

static size_t
tok_after(const work *w, size_t pos)
{
	return kz_tokens_at(&w->tok, pos);
}

static int
match_phrase(const work *w, const kz_phrases *p, size_t i, size_t *len,
    intptr_t *v)
{
	size_t n = kz_phrases_match(p, &w->tok, i, v);

	if (len)
		*len = n;
	return n > 0;
}

static json_t *
span_json(const work *w, size_t bs, size_t be)
{
	return kz_span_new(&w->o, w->text, bs, be);
}

static json_t *
tokens_span(const work *w, size_t ts, size_t te)
{
	return span_json(w, w->tok.tok[ts].sstart, w->tok.tok[te - 1].send);
}

static int
is_preposition_token(const work *w, size_t i)
{
	static const char *const preps[] = { "de", "d", "du", "des", "a", "au",
	    "aux", "par", "avec", "pour", "contre", "sur", "chez", "vers",
	    "envers", "entre", NULL };

	for (size_t k = 0; preps[k]; k++)
		if (kz_token_is(&w->tok, i, preps[k]))
			return 1;
	return 0;
}

/* Does an article stand just before token i ("un communiqué")? */
static int
after_article(const work *w, size_t i)
{
	static const char *const articles[] = { "un", "une", "le", "la", "l",
	    "les", "du", "des", "ce", "cet", "cette", "son", "sa", "leur", NULL };

	if (i == 0)
		return 0;
	for (size_t k = 0; articles[k]; k++)
		if (kz_token_is(&w->tok, i - 1, articles[k]))
			return 1;
	return 0;
}

/* "les chantiers contestés", "la réforme annoncée": a past participle
 * right after a noun its article opens is an adjective of that noun,
 * not a verb of saying. */
static int
participle_of_a_noun(const work *w, size_t i)
{
	const kz_token *t = &w->tok.tok[i];
	const char *s = w->text + t->sstart;
	size_t len = t->send - t->sstart, n;
	static const char *const endings[] = { "é", "ée", "és", "ées", NULL };
	int ends = 0;

	for (size_t k = 0; endings[k] && !ends; k++) {
		size_t el = strlen(endings[k]);

		ends = len > el && memcmp(s + len - el, endings[k], el) == 0;
	}
	if (!ends || i < 2 || !(w->tok.tok[i - 1].flags & KZ_TOK_JOINS) ||
	    (w->tok.tok[i - 1].flags & (KZ_TOK_UPPER | KZ_TOK_DIGIT)) ||
	    !after_article(w, i - 1) ||
	    match_phrase(w, &w->q->auxiliaries, i - 1, &n, NULL) ||
	    match_phrase(w, &w->q->verbs, i - 1, &n, NULL) ||
	    match_phrase(w, &w->q->pronouns, i - 1, &n, NULL))
		return 0;
	return 1;
}

/* Is the verb of saying at tokens [i, i + n) in the passive ("ses albums
 * sont certifiés", "a été annoncé"): a form of "être" before its last
 * word, not after a reflexive pronoun ("elle s'est dite inquiète"), the
 * last word not one of `active_after_etre` ("ils sont convenus")? The
 * subject of a passive verb is no speaker. */
static int
passive_at(const work *w, size_t i, size_t n)
{
	static const char *const etre[] = { "est", "sont", "était", "étaient",
	    "sera", "seront", "serait", "seraient", "fut", "furent", "soit",
	    "soient", "être", NULL };
	static const char *const reflexive[] = { "s", "se", "me", "m", "te", "t",
	    "nous", "vous", NULL };
	size_t last = i + n - 1, m;

	/* "ils sont convenus de", "il est revenu sur": active verbs */
	if (match_phrase(w, &w->q->etre_verbs, last, &m, NULL))
		return 0;
	for (size_t k = i > 0 ? i - 1 : 0; k < last; k++) {
		if (kz_token_is(&w->tok, k, "été"))
			return 1;
		for (size_t e = 0; etre[e]; e++)
			if (kz_token_is(&w->tok, k, etre[e])) {
				size_t r;

				for (r = 0; k > 0 && reflexive[r]; r++)
					if (kz_token_is(&w->tok, k - 1, reflexive[r]))
						break;
				if (k == 0 || reflexive[r] == NULL)
					return 1;
			}
	}
	return 0;
}

/* Is token i the head of a complement: a preposition before it, perhaps
 * with an article between ("à l'AFP", "à la télévision", "au Monde")? */
static int
after_preposition(const work *w, size_t i)
{
	if (i == 0)
		return 0;
	if (is_preposition_token(w, i - 1))
		return 1;
	return i >= 2 && (kz_token_is(&w->tok, i - 1, "l") ||
	    kz_token_is(&w->tok, i - 1, "la") || kz_token_is(&w->tok, i - 1, "le") ||
	    kz_token_is(&w->tok, i - 1, "les")) && is_preposition_token(w, i - 2);
}

/* "la commission", "l'agence": a definite article (token det) and a noun
 * (token head) standing for the organisation named last before them
 * whose name starts with that noun; else NULL. */
static const referent *
named_by_head(const work *w, size_t det, size_t head)
{
	const kz_token *h = &w->tok.tok[head];
	const referent *best = NULL;

	if (!kz_token_is(&w->tok, det, "le") && !kz_token_is(&w->tok, det, "la") &&
	    !kz_token_is(&w->tok, det, "l"))
		return NULL;
	for (size_t k = 0; k < w->nrefs; k++) {
		const referent *r = &w->refs[k];
		const kz_token *t = &w->tok.tok[r->ts];

		if (r->is_mention || r->te > det || r->name == NULL ||
		    strcmp(r->type, "ORG") != 0 || r->te - r->ts < 2 ||
		    t->hash != h->hash || t->fend - t->fstart != h->fend - h->fstart ||
		    memcmp(w->tok.folded.text + t->fstart, w->tok.folded.text +
		    h->fstart, h->fend - h->fstart) != 0)
			continue;
		if (best == NULL || r->ts > best->ts)
			best = r;
	}
	return best;
}

static json_t *
speaker_from_referent(const work *w, const referent *r, const char *via)
{
	json_t *s = tokens_span(w, r->ts, r->te);

	json_object_set_new(s, "name", json_string(r->name ? r->name : ""));
	json_object_set_new(s, "ref", r->ref ? json_string(r->ref) : json_null());
	json_object_set_new(s, "via", json_string(via));
	return s;
}

/* Is token i a sentence break (punctuation after it that ends a clause)? */
static int
clause_ends_after(const work *w, size_t i)
{
	size_t e = w->tok.tok[i].send;
	size_t next = i + 1 < w->tok.n ? w->tok.tok[i + 1].sstart : w->len;

	for (size_t k = e; k < next; k++)
		if (strchr(".;:!?()", w->text[k]) || w->text[k] == '\n')
			return 1;
	return 0;
}

static int
comma_after(const work *w, size_t i)
{
	size_t e = w->tok.tok[i].send;
	size_t next = i + 1 < w->tok.n ? w->tok.tok[i + 1].sstart : w->len;

	for (size_t k = e; k < next; k++)
		if (w->text[k] == ',')
			return 1;
	return 0;
}

/* Does the referent stand where a subject stands: not after a
 * preposition, and followed by a verb, a comma or "et"? */
static int
subject_like(const work *w, const referent *x)
{
	size_t n;

	/* "(Gallimard)": a name in brackets is an aside, not a subject */
	if (w->tok.tok[x->ts].sstart > 0 &&
	    w->text[w->tok.tok[x->ts].sstart - 1] == '(')
		return 0;
	/* "par son ex-avocat Michael Cohen": a complement, whatever stands
	 * between the preposition and the name */
	for (size_t k = x->ts, back = 0; k > 0 && back < 4; back++) {
		k--;
		if (is_preposition_token(w, k))
			return 0;
		if ((w->tok.tok[k].flags & KZ_TOK_UPPER) ||
		    !(w->tok.tok[k].flags & KZ_TOK_JOINS))
			break;
	}
	if (x->te >= w->tok.n)
		return 0;
	if (comma_after(w, x->te - 1) || kz_token_is(&w->tok, x->te, "et") ||
	    kz_token_is(&w->tok, x->te, "qui"))
		return 1;
	return match_phrase(w, &w->q->auxiliaries, x->te, &n, NULL) ||
	    match_phrase(w, &w->q->verbs, x->te, &n, NULL);
}

/* How often the article names this person. */
static intptr_t
times_named(const work *w, const referent *x)
{
	intptr_t n = 0;

	kz_strmap_get(w->times_named, x->name, strlen(x->name), &n);
	return n;
}

/* The earlier person a pronoun at token p stands for: gender fits,
 * outside quotations; a subject in the last few sentences first, else the
 * one the article names most (the person it is about), nearest first. */
static const referent *
antecedent(const work *w, size_t p, int gender)
{
	const referent *best = NULL;
	size_t looked = 0;

	for (size_t i = p; i > 0 && looked < 400; looked++) {
		const referent *x;
		long r;

		i--;
		r = w->ref_at[i];
		if (r < 0 || w->in_quote[i])
			continue;
		x = &w->refs[r];
		if (strcmp(x->type, "PER") != 0 || x->name == NULL)
			continue;
		if (x->gender && !(x->gender & gender & (G_M | G_F)))
			continue;
		if (gender & G_LAST)
			return x;
		if (p - i <= 80 && subject_like(w, x))
			return x;
		if (best == NULL || times_named(w, x) > times_named(w, best))
			best = x;
	}
	return best;
}

/* The person who spoke the last quote before byte pos in the same block,
 * if the gender fits and nobody else is named since: "« … », a déclaré
 * X. « … », a-t-il ajouté" — the speaker just quoted is who the pronoun
 * most likely stands for. */
/* The gender bits of the pronoun a speaker was found through ("elle",
 * "a-t-il"), or 0. */
static int
pronoun_gender(const work *w, const json_t *speaker)
{
	const char *via = json_string_value(json_object_get(speaker, "via"));
	size_t bs, be, t, n;
	intptr_t v;

	if (via == NULL || strcmp(via, "pronoun") != 0 ||
	    kz_span_bytes(speaker, &w->o, &bs, &be) != 0)
		return 0;
	t = kz_tokens_at(&w->tok, bs);
	if (match_phrase(w, &w->q->pronouns, t, &n, &v) ||
	    match_phrase(w, &w->q->inversions, t, &n, &v))
		return (int)v;
	return 0;
}

/* The person named at token t outside the quotes, or NULL. */
static const referent *
named_person_at(const work *w, size_t t)
{
	long r = w->ref_at[t];

	if (r < 0 || w->in_quote[t] || w->refs[r].name == NULL ||
	    strcmp(w->refs[r].type, "PER") != 0)
		return NULL;
	return &w->refs[r];
}

static const referent *
previous_quote_speaker(const work *w, size_t pos, int gender)
{
	const quote *prev = NULL;
	const char *name;
	size_t looked = 0;

	for (size_t k = w->nquotes; k > 0 && looked < 64; looked++) {
		const quote *o = &w->quotes[--k];

		if (o->close > pos || o->pull || o->depth > 0)
			continue;
		if (w->blocks[o->block].e < pos || w->blocks[o->block].s > pos)
			break;      /* an earlier block: too far */
		if (o->speaker == NULL)
			continue;   /* the quote being attributed, or one nobody said */
		prev = o;
		break;
	}
	if (prev == NULL || prev->speaker == NULL)
		return NULL;
	/* "Elle a salué « … », tandis qu'il a accusé": a person the text
	 * itself called "elle" is not "il", whatever the gazetteers know */
	if (pronoun_gender(w, prev->speaker) & (G_M | G_F) &&
	    !(pronoun_gender(w, prev->speaker) & gender & (G_M | G_F)))
		return NULL;
	name = json_string_value(json_object_get(prev->speaker, "name"));
	/* another person named between that quote and the pronoun */
	for (size_t t = kz_tokens_at(&w->tok, prev->close);
	    t < w->tok.n && w->tok.tok[t].sstart < pos; t++) {
		const referent *x = named_person_at(w, t);

		if (x && (name == NULL || strcmp(x->name, name) != 0))
			return NULL;
	}
	for (size_t r = 0; name && r < w->nrefs; r++) {
		const referent *x = &w->refs[r];

		if (x->name && strcmp(x->name, name) == 0 &&
		    strcmp(x->type, "PER") == 0)
			return x->gender && !(x->gender & gender & (G_M | G_F)) ?
			    NULL : x;
	}
	return NULL;
}

/* "X et Y, avocates des plaignantes, ont salué … « … », ont-elles dit":
 * a plural pronoun whose nearest persons are coordinated speaks for the
 * first of them, as the news names a joint statement. NULL otherwise. */
static const referent *
coordinated_antecedent(const work *w, size_t p)
{
	const referent *y = antecedent(w, p, G_M | G_F | G_LAST);
	span here, before;
	size_t prev_end;

	if (y == NULL || y->ts < 2)
		return NULL;
	/* the pair is in the pronoun's sentence or the one before it */
	here = sentence_of(w, w->tok.tok[p].sstart);
	prev_end = skip_space_back(w, here.s, 0);
	before = prev_end > 0 ? sentence_of(w, prev_end - 1) : here;
	if (w->tok.tok[y->ts].sstart < before.s)
		return NULL;
	/* "X et Y", "X et Me Y": the person whose name ends before "et" */
	for (size_t k = y->ts; k-- > 0 && y->ts - k <= 3;) {
		if (!kz_token_is(&w->tok, k, "et"))
			continue;
		for (size_t j = k; j-- > 0 && k - j <= 4;) {
			const referent *x = named_person_at(w, j);

			if (x && x->te == k && x != y)
				return x;
		}
		return NULL;
	}
	return NULL;
}

static json_t *
referring_speaker(const work *w, size_t ts, size_t te, int gender,
    const char *via)
{
	const referent *a = NULL;
	json_t *s;

	if (gender & G_PLURAL)
		a = coordinated_antecedent(w, ts);
	else {
		if (!(gender & G_LAST))
			a = previous_quote_speaker(w, w->tok.tok[ts].sstart, gender);
		if (a == NULL)
			a = antecedent(w, ts, gender);
	}
	if (a == NULL)
		return NULL;
	s = tokens_span(w, ts, te);
	json_object_set_new(s, "name", json_string(a->name));
	json_object_set_new(s, "ref", a->ref ? json_string(a->ref) : json_null());
	json_object_set_new(s, "via", json_string(via));
	json_object_set_new(s, "antecedent", tokens_span(w, a->ts, a->te));
	return s;
}

static json_t *
pronoun_speaker(const work *w, size_t ts, size_t te, int gender)
{
	return referring_speaker(w, ts, te, gender, "pronoun");
}

/* The gender a determiner gives the noun after it: "la" feminine, "le"
 * masculine, "l'" either; 0 when token i is no singular definite or
 * demonstrative determiner. */
static int
determiner_gender(const work *w, size_t i)
{
	if (kz_token_is(&w->tok, i, "le") || kz_token_is(&w->tok, i, "ce") ||
	    kz_token_is(&w->tok, i, "cet"))
		return G_M;
	if (kz_token_is(&w->tok, i, "la") || kz_token_is(&w->tok, i, "cette"))
		return G_F;
	if (kz_token_is(&w->tok, i, "l"))
		return G_M | G_F;
	return 0;
}

/* A definite description of a person at token i: a determiner, up to two
 * modifiers, and a head noun of `person_heads` or a demonym ("la
 * syndicaliste", "la dernière championne olympique", "L'Espagnol").
 * Returns the tokens up to the head (0 if none), *gender its gender. */
static size_t
description_at(const work *w, size_t i, int *gender)
{
	int dg = determiner_gender(w, i);

	if (dg == 0)
		return 0;
	for (size_t k = i + 1; k < w->tok.n && k <= i + 3; k++) {
		const kz_token *t = &w->tok.tok[k];
		size_t n;
		intptr_t v;

		if (!(w->tok.tok[k - 1].flags & KZ_TOK_JOINS) || w->in_quote[k])
			return 0;
		if (match_phrase(w, &w->q->person_heads, k, &n, &v)) {
			int g = (int)v & dg;

			if (g == 0 || ((int)v & G_PLURAL))
				return 0;
			*gender = g;
			return k + n - i;
		}
		if ((t->flags & KZ_TOK_UPPER) && kz_gazetteer_demonym(
		    kz_tagger_gazetteer(w->tg), w->tok.folded.text + t->fstart,
		    t->fend - t->fstart)) {
			*gender = dg;
			return k + 1 - i;
		}
		/* a modifier: a lower-case word that is no verb, auxiliary or
		 * preposition ("la jeune femme", not "la France a dit") */
		if ((t->flags & (KZ_TOK_UPPER | KZ_TOK_DIGIT)) ||
		    is_preposition_token(w, k) ||
		    match_phrase(w, &w->q->auxiliaries, k, &n, NULL) ||
		    match_phrase(w, &w->q->verbs, k, &n, NULL))
			return 0;
	}
	return 0;
}

/* A description's speaker: the person it refers back to, else the
 * description itself (nobody named fits: "le joueur de 22 ans" is still
 * who speaks, and no earlier speaker should be carried over it). */
static json_t *
described_speaker(const work *w, size_t ts, size_t te, int gender)
{
	json_t *s;

	/* "le pilier Maxence Dorval": the name the noun presents */
	if (te < w->tok.n && w->ref_at[te] >= 0 &&
	    strcmp(w->refs[w->ref_at[te]].type, "PER") == 0 &&
	    (w->tok.tok[te - 1].flags & KZ_TOK_JOINS))
		return speaker_from_referent(w, &w->refs[w->ref_at[te]],
		    w->refs[w->ref_at[te]].is_mention ? "role" : "name");
	s = referring_speaker(w, ts, te, gender, "anaphora");

	if (s == NULL) {
		s = tokens_span(w, ts, te);
		json_object_set(s, "name", json_object_get(s, "text"));
		json_object_set_new(s, "ref", json_null());
		json_object_set_new(s, "via", json_string("description"));
	}
	return s;
}

/* Are tokens a and b the same word (folded)? */
static int
same_token(const work *w, size_t a, size_t b)
{
	const kz_token *x = &w->tok.tok[a], *y = &w->tok.tok[b];

	return a < w->tok.n && b < w->tok.n && x->hash == y->hash &&
	    x->fend - x->fstart == y->fend - y->fstart &&
	    memcmp(w->tok.folded.text + x->fstart, w->tok.folded.text +
	    y->fstart, x->fend - x->fstart) == 0;
}

/* Is the organisation referent r headed by a collective noun other than
 * the one at token head ("le ministère de la Mer" for "la préfecture")? */
static int
other_head(const work *w, const referent *r, size_t head)
{
	size_t n;

	return r->ts > 0 && match_phrase(w, &w->q->collective, r->ts - 1, &n,
	    NULL) && !same_token(w, r->ts, head);
}

/* "Santé publique France se montre prudente. L'agence sanitaire évoque
 * « … »": the organisation named last within the 120 words before the
 * determiner at token det, outside quotations, unless another collective
 * noun heads its name (any_head: whatever heads it, for a document). A
 * speaker "via anaphora", or NULL. */
static json_t *
organisation_named_before(const work *w, size_t det, int any_head)
{
	size_t looked = 0;

	if (!kz_token_is(&w->tok, det, "le") && !kz_token_is(&w->tok, det, "la") &&
	    !kz_token_is(&w->tok, det, "l") && !kz_token_is(&w->tok, det, "un") &&
	    !kz_token_is(&w->tok, det, "une"))
		return NULL;
	for (size_t t = det; t > 0 && looked < 120; looked++) {
		long r = w->ref_at[--t];
		const referent *x;

		if (r < 0 || w->in_quote[t])
			continue;
		x = &w->refs[r];
		if (x->is_mention || x->name == NULL || strcmp(x->type, "ORG") != 0 ||
		    x->te > det)
			continue;
		if (!any_head && other_head(w, x, det + 1))
			return NULL;
		return speaker_from_referent(w, x, "anaphora");
	}
	return NULL;
}

static json_t *sentence_subject(const work *w, size_t st, size_t end);

/* Who issued "un communiqué" at tokens [ts, te): the organisation or
 * person named right after it ("un communiqué du Kremlin"), else the
 * person its sentence opens with, else the organisation named last
 * before it. NULL when nobody fits. */
static json_t *
document_owner(const work *w, size_t ts, size_t te)
{
	span sent = sentence_of(w, w->tok.tok[ts].sstart);
	json_t *s;

	if (te + 1 < w->tok.n && (kz_token_is(&w->tok, te, "de") ||
	    kz_token_is(&w->tok, te, "du") || kz_token_is(&w->tok, te, "d"))) {
		size_t k = te + 1;
		long r;

		if (kz_token_is(&w->tok, k, "la") || kz_token_is(&w->tok, k, "l"))
			k++;
		if (k < w->tok.n && (r = w->ref_at[k]) >= 0 && !w->refs[r].is_mention &&
		    w->refs[r].name != NULL)
			return speaker_from_referent(w, &w->refs[r],
			    strcmp(w->refs[r].type, "PER") == 0 ? "name" :
			    "organisation");
	}
	if ((s = sentence_subject(w, kz_tokens_at(&w->tok, sent.s), ts)) != NULL)
		return s;
	return organisation_named_before(w, ts, 1);
}

/* The organisation the last quote before byte pos was given to (within
 * the 64 quotes before), as a speaker "via anaphora"; NULL if that quote's
 * speaker is no organisation. Only after a singular definite
 * determiner. */
static json_t *
organisation_quoted_before(const work *w, size_t pos)
{
	size_t looked = 0, det = kz_tokens_at(&w->tok, pos);

	if (!kz_token_is(&w->tok, det, "le") && !kz_token_is(&w->tok, det, "la") &&
	    !kz_token_is(&w->tok, det, "l"))
		return NULL;
	for (size_t k = w->nquotes; k > 0 && looked < 64; looked++) {
		const quote *o = &w->quotes[--k];
		const char *via;
		json_t *s;

		if (o->close > pos || o->pull || o->depth > 0 || o->speaker == NULL)
			continue;
		via = json_string_value(json_object_get(o->speaker, "via"));
		if (via == NULL || strcmp(via, "organisation") != 0)
			return NULL;
		/* "le ministère taïwanais …" quoted, then "la présidence
		 * taïwanaise": a name headed by another such noun is another
		 * body */
		{
			size_t bs, be, t0, n;

			if (kz_span_bytes(o->speaker, &w->o, &bs, &be) == 0 &&
			    (t0 = kz_tokens_at(&w->tok, bs)) > 0 && t0 < w->tok.n &&
			    match_phrase(w, &w->q->collective, t0 - 1, &n, NULL) &&
			    !same_token(w, t0, det + 1))
				return NULL;
		}
		s = json_deep_copy(o->speaker);
		json_object_set_new(s, "via", json_string("anaphora"));
		return s;
	}
	return NULL;
}

/* The person named in apposition after a role ending at token e: the
 * role's complement may end on up to three lower-case words ("libérale"),
 * then a comma and the name. NULL when no name stands so. */
static const referent *
apposed_name(const work *w, size_t e)
{
	for (size_t k = e; k < w->tok.n && k < e + 4 && k > 0; k++) {
		long r;

		if (!comma_after(w, k - 1)) {
			if (w->in_quote[k] || (w->tok.tok[k].flags &
			    (KZ_TOK_UPPER | KZ_TOK_DIGIT)) ||
			    !(w->tok.tok[k - 1].flags & KZ_TOK_JOINS))
				return NULL;
			continue;
		}
		r = w->ref_at[k];
		if (r >= 0 && strcmp(w->refs[r].type, "PER") == 0 &&
		    !w->refs[r].is_mention && w->refs[r].name != NULL)
			return &w->refs[r];
		return NULL;
	}
	return NULL;
}

/* A speaker noun phrase at token i: a name, a role description, a
 * pronoun, a collective or anonymous source. *source gets an anonymous
 * description (speaker NULL). Returns the speaker or NULL. */
static json_t *
speaker_at(const work *w, size_t i, json_t **source)
{
	size_t n;
	intptr_t v;

	if (i >= w->tok.n)
		return NULL;
	if (w->ref_at[i] >= 0) {
		const referent *r = &w->refs[w->ref_at[i]];
		const char *via = r->is_mention ? "role" :
		    strcmp(r->type, "PER") == 0 ? "name" : "organisation";

		/* "un conseiller de l'Élysée": someone the text does not name */
		if (r->is_mention && (kz_token_is(&w->tok, r->ts, "un") ||
		    kz_token_is(&w->tok, r->ts, "une") ||
		    kz_token_is(&w->tok, r->ts, "des"))) {
			*source = tokens_span(w, r->ts, r->te);
			json_object_set_new(*source, "kind", json_string("anonymous"));
			return NULL;
		}
		/* "la présidente d'IF Metall, Marie Nilsson", "le chef de
		 * l'opposition libérale, Peter Dutton": the name in apposition
		 * is who, whoever the role was taken for */
		if (r->is_mention && determiner_gender(w, r->ts)) {
			const referent *named = apposed_name(w, r->te);

			if (named != NULL)
				return speaker_from_referent(w, named, "name");
		}
		/* "l'élu", "le magistrat": a role kz-tag tied to nobody refers
		 * back to a person named before, as any description does */
		if (r->is_mention && r->unresolved && determiner_gender(w, r->ts)) {
			int g = 0;
			json_t *s;

			if (description_at(w, r->ts, &g) == 0)
				g = determiner_gender(w, r->ts);
			if ((s = referring_speaker(w, r->ts, r->te, g, "anaphora")))
				return s;
		}
		return speaker_from_referent(w, r, via);
	}
	{
		int g = 0;
		size_t dn = description_at(w, i, &g);

		if (dn > 0)
			return described_speaker(w, i, i + dn, g);
	}
	if (match_phrase(w, &w->q->anonymous, i, &n, NULL)) {
		*source = tokens_span(w, i, i + n);
		json_object_set_new(*source, "kind", json_string("anonymous"));
		return NULL;
	}
	/* "le ministère russe des Affaires étrangères": the name after the
	 * determiner, before any collective "le ministère" */
	if (i + 1 < w->tok.n && w->ref_at[i + 1] >= 0 &&
	    !is_preposition_token(w, i) &&  /* "du PS": a complement */
	    kz_roles_is_determiner(kz_tagger_roles(w->tg), w->tok.folded.text +
	    w->tok.tok[i].fstart, w->tok.tok[i].fend - w->tok.tok[i].fstart) &&
	    (w->tok.tok[i].flags & KZ_TOK_JOINS)) {
		const referent *r = &w->refs[w->ref_at[i + 1]];

		return speaker_from_referent(w, r, r->is_mention ? "role" :
		    strcmp(r->type, "PER") == 0 ? "name" : "organisation");
	}
	if (match_phrase(w, &w->q->collective, i, &n, NULL)) {
		json_t *s;
		size_t e = i + n, dn;
		const referent *named = n == 2 ? named_by_head(w, i, i + 1) : NULL;

		/* "l'agence sanitaire", after « … », indique Santé publique
		 * France: no name starts with the noun, but an organisation
		 * was quoted before; the news calls it back so */
		/* "selon un communiqué": the text of someone the sentence or
		 * the one before names */
		if (named == NULL && (kz_token_is(&w->tok, i, "un") ||
		    kz_token_is(&w->tok, i, "une")) &&
		    match_phrase(w, &w->q->documents, i, &dn, NULL)) {
			if ((s = document_owner(w, i, i + dn)) != NULL)
				return s;
		} else if (named == NULL && n == 2 &&
		    ((s = organisation_named_before(w, i, 0)) ||
		    (s = organisation_quoted_before(w, w->tok.tok[i].sstart))))
			return s;
		/* "la commission", after "la Commission nationale des droits
		 * de l'homme" was named: that organisation */
		if (named != NULL) {
			s = tokens_span(w, i, i + n);
			json_object_set_new(s, "name", json_string(named->name));
			json_object_set_new(s, "ref", named->ref ?
			    json_string(named->ref) : json_null());
			json_object_set_new(s, "via", json_string("anaphora"));
			return s;
		}
		s = tokens_span(w, i, i + n);

		/* "les agences russes": take a demonym that follows */
		if (e < w->tok.n && (w->tok.tok[e - 1].flags & KZ_TOK_JOINS) &&
		    kz_gazetteer_demonym(kz_tagger_gazetteer(w->tg),
		    w->tok.folded.text + w->tok.tok[e].fstart,
		    w->tok.tok[e].fend - w->tok.tok[e].fstart)) {
			json_decref(s);
			s = tokens_span(w, i, e + 1);
		}
		json_object_set(s, "name", json_object_get(s, "text"));
		json_object_set_new(s, "ref", json_null());
		json_object_set_new(s, "via", json_string("collective"));
		return s;
	}
	if (match_phrase(w, &w->q->pronouns, i, &n, &v))
		return pronoun_speaker(w, i, i + n, (int)v);
	return NULL;
}

/* The speaker after a verb or a preposition: the first speaker phrase
 * within a few tokens, skipping an incise between commas ("a déclaré,
 * selon les agences russes, le général X"). */
static json_t *
speaker_after(const work *w, size_t i, size_t limit, json_t **source)
{
	size_t looked = 0;

	while (i < w->tok.n && i < limit && looked < 8) {
		json_t *s;
		/* "M. Lyssak", "le général X": a title is not the end of a clause */
		if (w->ref_at[i] < 0 &&
		    kz_roles_title_at(kz_tagger_roles(w->tg), &w->tok, i)) {
			i++;
			looked++;
			continue;
		}
		if (i > 0 && comma_after(w, i - 1) &&
		    match_phrase(w, &w->q->incise_starts, i, NULL, NULL)) {
			/* skip the incise up to its closing comma */
			size_t k = i;

			while (k < w->tok.n && k < i + 15 && !comma_after(w, k) &&
			    !clause_ends_after(w, k))
				k++;
			if (k < w->tok.n && comma_after(w, k)) {
				i = k + 1;
				continue;
			}
		}
		/* "a déclaré à l'AFP le porte-parole": a complement, not the
		 * speaker (seen from the preposition or from the name) */
		if (is_preposition_token(w, i) && i + 2 < w->tok.n) {
			size_t h = i + 1;

			if (kz_token_is(&w->tok, h, "l") || kz_token_is(&w->tok, h, "la") ||
			    kz_token_is(&w->tok, h, "le") || kz_token_is(&w->tok, h, "les"))
				h++;
			if (h < w->tok.n && w->ref_at[h] >= 0) {
				i = h;
				looked++;
			}
		}
		if (w->ref_at[i] >= 0 && after_preposition(w, i)) {
			size_t e = (size_t)w->refs[w->ref_at[i]].te;

			if (e > 0 && (clause_ends_after(w, e - 1) || comma_after(w, e - 1)))
				return NULL;
			i = e;
			looked++;
			continue;
		}
		s = speaker_at(w, i, source);
		if (s || *source)
			return s;
		if (clause_ends_after(w, i) || comma_after(w, i))
			return NULL;
		i++;
		looked++;
	}
	return NULL;
}

/* "« … », estime Maricel Dizon, coordinatrice": right after the verb of
 * an incise, two or three capitalised words no name rule knew, ending the
 * clause, are the speaker's name (ref null). */
static json_t *
unknown_name_after(const work *w, size_t i)
{
	size_t e = i;

	while (e < w->tok.n && e - i < 3) {
		const kz_token *t = &w->tok.tok[e];

		if (!(t->flags & KZ_TOK_UPPER) || (t->flags & (KZ_TOK_ALLCAPS |
		    KZ_TOK_DIGIT)) || w->cover[e] >= 0 || t->fend - t->fstart < 2)
			break;
		e++;
		if (!(t->flags & KZ_TOK_JOINS) || comma_after(w, e - 1))
			break;
	}
	if (e - i < 2 || !(e >= w->tok.n || comma_after(w, e - 1) ||
	    clause_ends_after(w, e - 1)))
		return NULL;
	{
		json_t *s = tokens_span(w, i, e);

		json_object_set(s, "name", json_object_get(s, "text"));
		json_object_set_new(s, "ref", json_null());
		json_object_set_new(s, "via", json_string("name"));
		return s;
	}
}

/* "à" folds to "a", which is also the auxiliary: look at the source. */
static int
accented_a(const work *w, size_t i)
{
	const kz_token *t = &w->tok.tok[i];

	return t->send - t->sstart == 2 && (unsigned char)w->text[t->sstart] ==
	    0xC3 && ((unsigned char)w->text[t->sstart + 1] == 0xA0 ||
	    (unsigned char)w->text[t->sstart + 1] == 0x80);
}

/* A speech verb at token i (after an optional auxiliary): returns the
 * tokens it spans (0 if none); *flags the verb's flags; *inv_* a pronoun
 * in inversion ("a-t-il ajouté", "estime-t-elle"). */
static size_t
verb_at(const work *w, size_t i, intptr_t *flags, size_t *inv_s,
    size_t *inv_e, int *inv_gender)
{
	size_t k = i, n;
	intptr_t v;

	*inv_s = *inv_e = 0;
	if (match_phrase(w, &w->q->auxiliaries, k, &n, NULL) &&
	    !(n == 1 && accented_a(w, k)) &&
	    (w->tok.tok[k + n - 1].flags & KZ_TOK_JOINS)) {
		k += n;
		if (match_phrase(w, &w->q->inversions, k, &n, &v)) {
			*inv_s = k;
			*inv_e = k + n;
			*inv_gender = (int)v;
			k += n;
		}
		/* "a de son côté prévenu", "a pour sa part assuré", "a aussi dit" */
		for (size_t skip = 0; skip < 4 && k < w->tok.n; skip++) {
			if (match_phrase(w, &w->q->verbs, k, &n, flags))
				break;
			if ((w->tok.tok[k].flags & (KZ_TOK_UPPER | KZ_TOK_DIGIT)) ||
			    !(w->tok.tok[k].flags & KZ_TOK_JOINS))
				return 0;
			k++;
		}
	}
	if (!match_phrase(w, &w->q->verbs, k, &n, flags))
		return 0;
	k += n;
	if (*inv_e == 0 && match_phrase(w, &w->q->inversions, k, &n, &v) &&
	    w->tok.tok[k].sstart > 0 && (w->text[w->tok.tok[k].sstart - 1] == '-' ||
	    w->text[w->tok.tok[k].sstart - 1] == 't')) {
		*inv_s = k;
		*inv_e = k + n;
		*inv_gender = (int)v;
		k += n;
	}
	return k - i;
}

/* Any verb with its subject clitic inverted ("écarte-t-elle", "a-t-il
 * tranché") right after a quote is an incise, whether or not the verb is
 * one of saying: the inversion is the grammar's own mark. Returns the
 * tokens spanned, the pronoun in *inv_*; 0 if token i is not such a verb. */
static size_t
inverted_verb_at(const work *w, size_t i, size_t *inv_s, size_t *inv_e,
    int *inv_gender)
{
	const kz_token *t;
	size_t n, k;
	intptr_t v;

	if (i >= w->tok.n)
		return 0;
	t = &w->tok.tok[i];
	if ((t->flags & (KZ_TOK_UPPER | KZ_TOK_DIGIT)) || !(t->flags & KZ_TOK_JOINS))
		return 0;
	k = i + 1;
	if (k >= w->tok.n || !match_phrase(w, &w->q->inversions, k, &n, &v) ||
	    w->tok.tok[k].sstart != t->send + 1 || w->text[t->send] != '-')
		return 0;
	*inv_s = k;
	*inv_e = k + n;
	*inv_gender = (int)v;
	k += n;
	/* "a-t-elle tranché": the participle belongs to the incise */
	if (match_phrase(w, &w->q->auxiliaries, i, &n, NULL) && n == 1 &&
	    k < w->tok.n && !(w->tok.tok[k].flags & (KZ_TOK_UPPER | KZ_TOK_DIGIT)))
		k++;
	return k - i;
}

static void
set_speaker(quote *q, json_t *speaker, json_t *cue, json_t *source)
{
	q->speaker = speaker;
	q->cue = cue;
	q->source = source;
}

/* After the closing mark: « … », a déclaré X / », selon X. */
static int
speaker_after_quote(const work *w, quote *q)
{
	size_t p, i, n, is, ie;
	int saw_comma = 0, g = 0;
	intptr_t flags;
	json_t *source = NULL, *s;
	span sent = sentence_of(w, q->close);
	int32_t mark;

	if (q->unbalanced || q->close >= w->len)
		return 0;
	p = q->close + (size_t)cp_at(w, q->close, &mark);
	while (p < w->len) {
		int32_t cp;
		int m = cp_at(w, p, &cp);

		if (cp == ',')
			saw_comma = 1;
		else if (!is_space_cp(cp) || cp == '\n')
			break;
		p += m;
	}
	if (p >= w->len || w->text[p] == '\n')
		return 0;
	i = tok_after(w, p);
	if (i >= w->tok.n || w->tok.tok[i].sstart != p)
		return 0;
	/* the quote's own last character may carry the comma: « …, » dit-il */
	if (!saw_comma) {
		size_t last = kz_utf8_prev(w->text, q->ce > q->cs ? q->ce : q->cs + 1);

		saw_comma = w->text[last] == ',' || w->text[last] == '!' ||
		    w->text[last] == '?';
	}
	/* « … » selon X: "selon" needs no comma before it; nor does a verb
	 * with its subject right after it (« … » déplore le ministre) */
	if (!saw_comma && !kz_token_is(&w->tok, i, "selon")) {
		size_t vn = verb_at(w, i, &flags, &is, &ie, &g);
		json_t *subj;

		if (vn == 0)
			vn = inverted_verb_at(w, i, &is, &ie, &g);

		if (vn == 0)
			return 0;
		if (ie > is)
			subj = pronoun_speaker(w, is, ie, g);
		else if ((subj = speaker_at(w, i + vn, &source)) == NULL &&
		    source == NULL)
			subj = unknown_name_after(w, i + vn);
		if (subj == NULL && source == NULL)
			return 0;
		set_speaker(q, subj, tokens_span(w, i, i + vn), source);
		return 1;
	}
	if (match_phrase(w, &w->q->prepositions, i, &n, NULL) &&
	    !kz_token_is(&w->tok, i, "pour")) {
		s = speaker_after(w, i + n, i + n + 6, &source);
		if (s || source) {
			set_speaker(q, s, tokens_span(w, i, i + n), source);
			return 1;
		}
		return 0;
	}
	n = verb_at(w, i, &flags, &is, &ie, &g);
	if (n == 0)
		n = inverted_verb_at(w, i, &is, &ie, &g);
	if (n == 0)
		return 0;
	if (ie > is) {
		s = pronoun_speaker(w, is, ie, g);
		set_speaker(q, s, tokens_span(w, i, i + n), NULL);
		return 1;
	}
	s = speaker_after(w, i + n, kz_tokens_at(&w->tok, sent.e) + 1, &source);
	if (s == NULL && source == NULL)
		s = unknown_name_after(w, i + n);
	if (s || source) {
		set_speaker(q, s, tokens_span(w, i, i + n), source);
		return 1;
	}
	return 0;
}

/* "Pour X, « … »" / "Pour le coordinateur de LFI, Manuel Bompard, « … »":
 * "pour" opening its sentence or clause, then a person within a few words. */
static json_t *
fronted_pour(const work *w, size_t i, size_t st, size_t et)
{
	size_t n;
	intptr_t v;

	if (i > st && !comma_after(w, i - 1))
		return NULL;
	/* "Pour elle, « … »" */
	if (i + 1 < et && comma_after(w, i + 1) &&
	    match_phrase(w, &w->q->pronouns, i + 1, &n, &v) && n == 1)
		return pronoun_speaker(w, i + 1, i + 2, (int)v);
	for (size_t k = i + 1; k < et && k < i + 14; k++) {
		long r = w->ref_at[k];

		if (r >= 0 && strcmp(w->refs[r].type, "PER") == 0 && w->refs[r].name)
			return speaker_from_referent(w, &w->refs[r],
			    w->refs[r].is_mention ? "role" : "name");
		if (clause_ends_after(w, k))
			break;
	}
	return NULL;
}

static int
is_auxiliary_token(const work *w, size_t i)
{
	size_t n;

	return match_phrase(w, &w->q->auxiliaries, i, &n, NULL) && n == 1 &&
	    !accented_a(w, i);
}

/* "La présidente du groupe RN a jugé": the complement at token c (after
 * its preposition, perhaps with a noun before the name: "du groupe")
 * completes a role or a description of a person opening the clause; that
 * person speaks. NULL when no such role or description stands within four
 * words before. */
static json_t *
completed_description(const work *w, size_t c, size_t sent_start_tok)
{
	for (size_t k = c, back = 0; k > sent_start_tok && back < 5; back++) {
		size_t dn;
		long r;
		int g = 0;

		k--;
		if (w->in_quote[k] || comma_after(w, k))
			return NULL;
		r = w->ref_at[k];
		if (r >= 0 && w->refs[r].is_mention && w->refs[r].te < c &&
		    is_preposition_token(w, w->refs[r].te)) {
			json_t *source = NULL, *s = speaker_at(w, k, &source);

			json_decref(source);
			return s;
		}
		if (is_preposition_token(w, c - 1) &&
		    (dn = description_at(w, k, &g)) > 0 && k + dn < c &&
		    is_preposition_token(w, k + dn))
			return described_speaker(w, k, k + dn, g);
	}
	return NULL;
}

/* The subject of a verb at token v: the nearest speaker phrase before it
 * in the sentence, past an apposition between commas ("X, conseiller du
 * président Y, a assuré"). */
static json_t *
subject_before(const work *w, size_t v, size_t sent_start_tok, json_t **source)
{
	size_t j = v;

	/* back over "a de son côté" to the auxiliary, if there is one */
	for (size_t k = j, back = 0; k > sent_start_tok + 1 && back < 5; back++) {
		k--;
		if (is_auxiliary_token(w, k)) {
			j = k;
			while (j > sent_start_tok + 1 && is_auxiliary_token(w, j - 1))
				j--;
			break;
		}
		if (comma_after(w, k) || w->in_quote[k])
			break;
	}
	/* "X, Anatoli Antonov, a dit": the name between commas is the
	 * subject's; "X, conseiller du président Y, a dit": X is */
	if (j > sent_start_tok + 1 && comma_after(w, j - 1)) {
		for (size_t c = j - 1; c > sent_start_tok && j - c < 25; c--)
			if (comma_after(w, c - 1)) {
				long r = w->ref_at[c];

				if (r >= 0 && (strcmp(w->refs[r].type, "PER") == 0 ||
				    strcmp(w->refs[r].type, "ORG") == 0) &&
				    w->refs[r].te == j)
					return speaker_from_referent(w, &w->refs[r],
					    w->refs[r].is_mention ? "role" :
					    strcmp(w->refs[r].type, "PER") == 0 ? "name" :
					    "organisation");
				v = c;
				break;
			}
	}
	for (size_t i = v; i > sent_start_tok && v - i < 30;) {
		json_t *s;
		long r;

		i--;
		if (w->in_quote[i])
			continue;
		/* inside "le porte-parole du Kremlin": the whole description */
		if (w->cover[i] >= 0 && w->refs[w->cover[i]].ts < i &&
		    w->refs[w->cover[i]].ts >= sent_start_tok)
			i = w->refs[w->cover[i]].ts;
		/* "à Washington", "de l'ONU": a complement, not the subject;
		 * "la présidente du groupe RN": the person it completes */
		r = w->ref_at[i];
		if (r >= 0 && strcmp(w->refs[r].type, "PER") != 0 &&
		    (s = completed_description(w, i, sent_start_tok)))
			return s;
		if (r >= 0 && i > 0 && is_preposition_token(w, i - 1))
			continue;
		/* "X et Y ont déclaré": a joint statement is given to the
		 * first named, as the news does */
		if (r >= 0 && strcmp(w->refs[r].type, "PER") == 0 && i >= 2 &&
		    kz_token_is(&w->tok, i - 1, "et") &&
		    named_person_at(w, i - 2) == NULL) {
			const referent *x = NULL;

			for (size_t k = i - 1; k-- > sent_start_tok && i - k < 6;)
				if ((x = named_person_at(w, k)) != NULL)
					break;
			if (x != NULL && x->te == i - 1 && !x->is_mention)
				return speaker_from_referent(w, x, "name");
		}
		s = speaker_at(w, i, source);
		if (s || *source)
			return s;
	}
	return NULL;
}

/* A present participle ("ajoutant", "précisant") has no subject of its
 * own. */
static int
participle(const work *w, size_t i)
{
	const kz_token *t = &w->tok.tok[i];

	return t->fend - t->fstart > 4 &&
	    memcmp(w->tok.folded.text + t->fend - 3, "ant", 3) == 0;
}

/* A hyphen, en dash or em dash in s[0..n). */
static int
has_dash(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '-' || (i + 2 < n && (unsigned char)s[i] == 0xE2 &&
		    (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0x93 ||
		    (unsigned char)s[i + 2] == 0x94)))
			return 1;
	return 0;
}

/* The person a sentence opens with, before token end: "La présidente
 * géorgienne Salomé Zourabichvili a refusé …", a dateline's place and
 * agency ("TBILISSI, 27 octobre 2024 (AFP) - ") aside. Only within its
 * first words, where a subject stands. */
static json_t *
sentence_subject(const work *w, size_t st, size_t end)
{
	size_t from = st;

	/* a dateline: a place in capitals and a comma, up to the dash */
	if (st < w->tok.n && (w->tok.tok[st].flags & KZ_TOK_ALLCAPS) &&
	    comma_after(w, st))
		for (size_t k = st; k + 1 < end && k < st + 15; k++) {
			const char *gap = w->text + w->tok.tok[k].send;
			size_t n = w->tok.tok[k + 1].sstart - w->tok.tok[k].send;

			if (has_dash(gap, n)) {
				from = k + 1;
				break;
			}
		}
	/* up to the first verb: names after a preposition are complements
	 * ("Devant le siège de la Cour, dans le centre de Bucarest, Ioana,
	 * une comptable, …"), anything else named first is the subject */
	for (size_t i = from; i < end && i < from + 24; i++) {
		long r = w->ref_at[i];
		size_t n;

		if (w->in_quote[i])
			return NULL;
		/* a verb ends the subject's place; a sentence's first word is
		 * none ("A côté d'elle, X …": "A" for "À") */
		if (i > from && (is_auxiliary_token(w, i) ||
		    match_phrase(w, &w->q->verbs, i, &n, NULL)))
			return NULL;
		if (r < 0) {
			int g = 0;
			size_t dn = i == from || !after_preposition(w, i) ?
			    description_at(w, i, &g) : 0;

			/* "La pénaliste du barreau de Lyon a plaidé …" */
			if (dn > 0)
				return described_speaker(w, i, i + dn, g);
			continue;
		}
		if (after_preposition(w, w->refs[r].ts)) {
			i = (size_t)w->refs[r].te - 1;
			continue;
		}
		if (strcmp(w->refs[r].type, "PER") == 0 && w->refs[r].name)
			return speaker_from_referent(w, &w->refs[r],
			    w->refs[r].is_mention ? "role" : "name");
		return NULL;    /* the sentence opens with something else */
	}
	return NULL;
}

/* A verb (from token v) coordinated with an earlier one, with no subject
 * of its own: "X a dénoncé « … » et a promis « … »". */
static int
coordinated(const work *w, size_t v, size_t sent_start_tok)
{
	while (v > sent_start_tok + 1 && is_auxiliary_token(w, v - 1))
		v--;
	return v > sent_start_tok && (kz_token_is(&w->tok, v - 1, "et") ||
	    kz_token_is(&w->tok, v - 1, "puis") ||
	    kz_token_is(&w->tok, v - 1, "mais"));
}

/* The speaker of the nearest earlier quote of the same sentence: "Selon
 * lui, « … », mais « … »". */
static json_t *
inherited(const work *w, const quote *q, size_t st)
{
	const quote *best = NULL;
	size_t self = (size_t)(q - w->quotes), looked = 0;

	/* quotes are kept in the order they close: walk back from this one
	 * and stop at the sentence's start, or after a bounded number, so a
	 * sentence of ten thousand quotes stays linear */
	for (size_t k = self; k > 0 && looked < 64; looked++) {
		const quote *o = &w->quotes[--k];

		if (o->close < st)
			break;
		if (o->pull || o->depth > 0 || o->speaker == NULL ||
		    o->close >= q->open || o->open < st)
			continue;
		if (best == NULL || o->open > best->open)
			best = o;
	}
	if (best == NULL)
		return NULL;
	return json_deep_copy(best->speaker);
}

/* Another person named outside quotations between bytes s and e? */
static int
person_named_between(const work *w, size_t s, size_t e, const char *name)
{
	for (size_t t = kz_tokens_at(&w->tok, s); t < w->tok.n &&
	    w->tok.tok[t].sstart < e; t++) {
		const referent *x = named_person_at(w, t);

		if (x && (name == NULL || strcmp(x->name, name) != 0))
			return 1;
	}
	return 0;
}

/* Before the quote in its sentence: X a déclaré : « … » / selon X, « … » /
 * X a affirmé que « … ». `end` is where the search stops (the opening
 * mark, or the end of the paragraph before a quote). */
static int
speaker_before(const work *w, quote *q, size_t end, int partial)
{
	span sent = sentence_of(w, end > 0 ? end - 1 : 0);
	size_t st, et = kz_tokens_at(&w->tok, end);
	size_t limit = partial ? 25 : 40;
	const block *b = &w->blocks[q->block];

	/* the paragraph before a quote that opens its own may introduce the
	 * speaker, but a caption or a credit before it never does */
	if (end == q->open && sent.s < b->s && q->block > 0) {
		const char *kind = w->blocks[q->block - 1].kind;

		if (!content_block(kind) || strcmp(kind, "caption") == 0)
			return 0;
	}
	/* a quote opening its sentence after another quote's sentence
	 * whose speaker is known: that speaker goes on (carry_speakers),
	 * rather than whatever else the sentence before names */
	if (end == q->open && q > w->quotes &&
	    skip_space(w, sentence_of(w, q->open).s, q->open) == q->open) {
		const quote *prev = q - 1;

		if (prev->speaker && !prev->pull && prev->depth == 0 &&
		    prev->block == q->block && !person_named_between(w,
		    prev->close, q->open, json_string_value(json_object_get(
		    prev->speaker, "name"))))
			return 0;
	}
	st = kz_tokens_at(&w->tok, sent.s);

	size_t counted = 0, scanned = 0;

	/* count only words outside quotations, but scan a bounded number in
	 * all: a sentence of thousands of quotes stays linear */
	for (size_t i = et; i > st && counted < limit && scanned < 400;
	    scanned++) {
		size_t n, is, ie;
		intptr_t flags;
		int g = 0;
		json_t *source = NULL, *s;

		i--;
		if (w->in_quote[i])
			continue;
		counted++;
		if (match_phrase(w, &w->q->prepositions, i, &n, NULL)) {
			if (kz_token_is(&w->tok, i, "pour"))
				s = fronted_pour(w, i, st, et);
			else
				s = speaker_after(w, i + n, et, &source);
			if (s || source) {
				set_speaker(q, s, tokens_span(w, i, i + n), source);
				return 1;
			}
			continue;
		}
		n = verb_at(w, i, &flags, &is, &ie, &g);
		if (n == 0 || !(flags & VERB_ANYWHERE))
			continue;
		/* "dans un communiqué", "le rapport": a noun after its article,
		 * not a verb; "les chantiers contestés": an adjective */
		if (after_article(w, i) || participle_of_a_noun(w, i) ||
		    passive_at(w, i, n))
			continue;
		/* "accusé", "assuré" are adjectives too: only a verb when "que" or
		 * the quote follows closely */
		if ((flags & VERB_AMBIGUOUS) && i + n < et &&
		    !kz_token_is(&w->tok, i + n, "que") &&
		    !kz_token_is(&w->tok, i + n, "qu") && et - (i + n) > 12)
			continue;
		if (ie > is)
			s = pronoun_speaker(w, is, ie, g);
		else if ((participle(w, i + n - 1) || coordinated(w, i, st)) &&
		    (s = inherited(w, q, sent.s)) != NULL)
			;   /* "…, ajoutant que « … »", "… » et a promis « … »":
			     * the sentence's speaker */
		else if (participle(w, i + n - 1) &&
		    (s = sentence_subject(w, st, i)) != NULL)
			;   /* "X a refusé …, dénonçant une « … »" */
		else
			s = subject_before(w, i, st, &source);
		if (s || source) {
			set_speaker(q, s, tokens_span(w, i, i + n), source);
			return 1;
		}
	}
	/* "Selon le dernier bulletin de l'agence …, la hausse … est moindre
	 * « … »": a sentence opened by "selon X," is X's however far its
	 * quote stands */
	{
		size_t n;
		json_t *source = NULL, *s;

		if (st < et && !w->in_quote[st] && !kz_token_is(&w->tok, st, "pour") &&
		    match_phrase(w, &w->q->prepositions, st, &n, NULL) &&
		    ((s = speaker_after(w, st + n, et, &source)) || source)) {
			set_speaker(q, s, tokens_span(w, st, st + n), source);
			return 1;
		}
	}
	return 0;
}

/* The cue later in the quote's sentence, after a comma: "« … » en raison
 * de l'épidémie, a assuré mercredi X devant …", "« … » puisque « … »,
 * juge la syndicaliste". The first comma followed by a verb of saying
 * decides; another quote before it takes the cue itself. */
static int
speaker_sentence_end(const work *w, quote *q)
{
	span sent = sentence_of(w, q->open);
	size_t st = kz_tokens_at(&w->tok, q->close), et = kz_tokens_at(&w->tok,
	    sent.e);

	if (sent.e <= q->close)
		return 0;
	for (size_t c = st + 1; c < et && c < st + 40; c++) {
		size_t n, is, ie;
		intptr_t flags;
		int g = 0;
		json_t *source = NULL, *s;

		if (w->in_quote[c])
			return 0;
		if (!comma_after(w, c - 1))
			continue;
		n = verb_at(w, c, &flags, &is, &ie, &g);
		if (n == 0)
			continue;
		if (ie > is)
			s = pronoun_speaker(w, is, ie, g);
		else
			s = speaker_after(w, c + n, et, &source);
		if (s == NULL && source == NULL)
			return 0;
		set_speaker(q, s, tokens_span(w, c, c + n), source);
		return 1;
	}
	return 0;
}

/* Does a colon stand just before the quote's opening mark, in its
 * paragraph? */
static int
colon_before(const work *w, const quote *q)
{
	const block *b = &w->blocks[q->block];
	size_t p = skip_space_back(w, q->open, b->s);

	return p > b->s && w->text[kz_utf8_prev(w->text, p)] == ':';
}

/* Does the quote stand as its own sentence (block start or after a
 * colon)? */
static int
stands_alone(const work *w, const quote *q)
{
	const block *b = &w->blocks[q->block];
	size_t p = skip_space_back(w, q->open, b->s);
	span sent;

	if (p <= b->s)
		return 1;
	{
		size_t prev = kz_utf8_prev(w->text, p);

		if (w->text[prev] == ':')
			return 1;
	}
	sent = sentence_of(w, q->open);
	return skip_space(w, sent.s, q->open) == q->open;
}

static size_t
word_count(const work *w, size_t s, size_t e)
{
	return kz_tokens_at(&w->tok, e) - kz_tokens_at(&w->tok, s);
}

/* The previous content block ends with a colon: "Il a assuré : " then the
 * quote as the next paragraph. */
static long
colon_block_before(const work *w, const quote *q)
{
	const block *b = &w->blocks[q->block];
	size_t p = skip_space(w, b->s, b->e);

	if (p != q->open)
		return -1;
	for (long k = q->block - 1; k >= 0; k--) {
		const block *pb = &w->blocks[k];
		size_t e;

		if (!content_block(pb->kind))
			return -1;
		e = skip_space_back(w, pb->e, pb->s);
		if (e > pb->s && w->text[e - 1] == ':')
			return k;
		return -1;
	}
	return -1;
}

/* "« … » : X hausse le ton": a colon right after the closing mark,
 * then a sentence whose subject is a person. */
static json_t *
subject_after_colon(const work *w, const quote *q)
{
	size_t p = q->close, st;
	int32_t cp;
	span sent;

	if (q->unbalanced || p >= w->len)
		return NULL;
	p += (size_t)cp_at(w, p, &cp);
	while (p < w->len && cp_at(w, p, &cp) > 0 && is_space_cp(cp) &&
	    cp != '\n')
		p += (size_t)cp_at(w, p, &cp);
	if (p >= w->len || w->text[p] != ':')
		return NULL;
	st = tok_after(w, p + 1);
	if (st >= w->tok.n)
		return NULL;
	sent = sentence_of(w, w->tok.tok[st].sstart);
	return sentence_subject(w, st, kz_tokens_at(&w->tok, sent.e));
}

static void
attribute(work *w, quote *q)
{
	size_t words = word_count(w, q->cs, q->ce);
	int alone = stands_alone(w, q);
	long colon;
	size_t n;

	if (q->pull) {
		if (q->signature_name >= 0) {
			const block *nb = &w->blocks[q->signature_name];
			size_t ts = kz_tokens_at(&w->tok, nb->s);

			if (ts < w->tok.n && w->ref_at[ts] >= 0) {
				q->speaker = speaker_from_referent(w,
				    &w->refs[w->ref_at[ts]], "signature");
			} else {
				q->speaker = span_json(w, nb->s, nb->e);
				json_object_set(q->speaker, "name",
				    json_object_get(q->speaker, "text"));
				json_object_set_new(q->speaker, "ref", json_null());
				json_object_set_new(q->speaker, "via",
				    json_string("signature"));
			}
		}
		return;
	}
	q->kind = alone ? "direct" : "partial";
	/* a book, film or ship: le roman « … », baptisé « … » */
	{
		size_t ti = kz_tokens_at(&w->tok, q->open);

		for (size_t back = 1; back <= 3 && ti >= back; back++)
			if (match_phrase(w, &w->q->scare_context, ti - back, &n, NULL) &&
			    ti - back + n == ti && !(ti - back > 0 &&
			    is_auxiliary_token(w, ti - back - 1))) {
				q->kind = "scare";
				return;
			}
	}
	if (speaker_after_quote(w, q))
		return;
	/* a headline's "« … » : Pierre Mignoni hausse le ton": the subject
	 * after the colon */
	if ((q->speaker = subject_after_colon(w, q)) != NULL)
		return;
	colon = colon_block_before(w, q);
	if (colon >= 0 && speaker_before(w, q, w->blocks[colon].e, 0))
		return;
	/* "l'arrière X n'a pas caché son agacement :" then the quote as
	 * the next paragraph: the person that sentence is about */
	if (colon >= 0) {
		const block *cb = &w->blocks[colon];
		size_t e = skip_space_back(w, cb->e, cb->s);
		span sent = sentence_of(w, e > cb->s ? e - 1 : cb->s);

		if (sent.s < cb->s)
			sent.s = cb->s;
		if ((q->speaker = sentence_subject(w, kz_tokens_at(&w->tok, sent.s),
		    kz_tokens_at(&w->tok, e))) != NULL)
			return;
	}
	if (speaker_before(w, q, q->open, !alone))
		return;
	/* the cue later in the sentence: "« … » …, assure Emmanuel Macron" */
	if (speaker_sentence_end(w, q))
		return;
	/* "X, chauffeur de taxi, se montre plus prudent : « … »": a colon
	 * gives the quote to the person the sentence is about */
	if (colon_before(w, q)) {
		span sent = sentence_of(w, q->open > 0 ? q->open - 1 : 0);
		json_t *s = sentence_subject(w, kz_tokens_at(&w->tok, sent.s),
		    kz_tokens_at(&w->tok, q->open));

		if (s) {
			q->speaker = s;
			return;
		}
	}
	/* "Selon lui, « … », mais « … »": the sentence's speaker */
	if (!alone) {
		span sent = sentence_of(w, q->open);
		json_t *s = inherited(w, q, sent.s);

		if (s) {
			q->speaker = s;
			return;
		}
	}
	/* a short term in quotes that nobody is said to say (yet: a later
	 * quote of its sentence may give it a speaker) */
	if (!alone && words <= 6) {
		q->kind = "scare";
		q->unsaid = 1;
	}
}

static void
carry_speaker(quote *q, const quote *from, const char *via)
{
	q->speaker = json_deep_copy(from->speaker);
	json_object_set_new(q->speaker, "via", json_string(via));
	if (q->unsaid)
		q->kind = "partial";
	q->unsaid = 0;
}

static int
speakable(const quote *q)
{
	return !q->pull && q->depth == 0 && q->speaker == NULL &&
	    q->source == NULL && q->cue == NULL &&
	    (strcmp(q->kind, "scare") != 0 || q->unsaid);
}

/* The subject of the sentence from token st as sentence_subject finds
 * it, or, when the sentence opens with a fronted clause ("Comme beaucoup
 * de maires …, X a appris"), the subject after the comma closing it. */
static json_t *
main_clause_subject(const work *w, size_t st, size_t end)
{
	json_t *s = sentence_subject(w, st, end);
	size_t n;

	if (s != NULL || !match_phrase(w, &w->q->fronted, st, &n, NULL))
		return s;
	for (size_t i = st + n; i + 1 < end && i < st + 40; i++) {
		if (w->in_quote[i])
			return NULL;
		if (comma_after(w, i))
			return sentence_subject(w, i + 1, end);
	}
	return NULL;
}

/* Do the quote's words end on a full stop, "!", "?" or "…" inside its
 * marks? */
static int
ends_on_full_stop(const work *w, const quote *q)
{
	size_t p = skip_space_back(w, q->ce, q->cs);
	int32_t cp;

	if (p <= q->cs)
		return 0;
	p = kz_utf8_prev(w->text, p);
	cp_at(w, p, &cp);
	return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026;
}

/* "« Je ne vois pas ce qui nous a manqué. » Comme beaucoup de maires …,
 * Liliane X a appris …": a paragraph opening on a direct quote that is a
 * sentence of its own and that nothing attributes, then a sentence of the
 * same paragraph whose subject is a person: the news gives the words
 * first and the speaker after. */
static void
lead_quote_speakers(work *w)
{
	for (size_t k = 0; k < w->nquotes; k++) {
		quote *q = &w->quotes[k];
		const block *b = &w->blocks[q->block];
		size_t st, close_tok;
		span next;
		json_t *s;

		if (!speakable(q) || strcmp(q->kind, "direct") != 0 ||
		    strcmp(b->kind, "paragraph") != 0 || q->unbalanced ||
		    skip_space(w, b->s, b->e) != q->open)
			continue;
		close_tok = kz_tokens_at(&w->tok, q->close);
		if (close_tok >= w->tok.n || w->tok.tok[close_tok].sstart >= b->e)
			continue;
		next = sentence_of(w, w->tok.tok[close_tok].sstart);
		/* the quote is a sentence of its own: the splitter ended it, or
		 * its words end on a full stop inside the marks (« … manqué. »
		 * Comme …) */
		if (next.s < q->close && !ends_on_full_stop(w, q))
			continue;
		if (next.e > b->e)
			continue;
		st = next.s < q->close ? close_tok : kz_tokens_at(&w->tok, next.s);
		s = main_clause_subject(w, st, kz_tokens_at(&w->tok, next.e));
		if (s == NULL)
			continue;
		json_object_set_new(s, "via", json_string("next_sentence"));
		q->speaker = s;
	}
}

/* An article in which one person only is quoted with a cue (an interview,
 * a press conference followed live, a portrait) gives that person the
 * direct quotes nothing else attributes: a reader does the same. Two
 * passes over the quotes. */
static void
carry_sole_speaker(work *w)
{
	const quote *sole = NULL;
	const char *name = NULL;
	char *others;
	int last_other = 0;

	for (size_t k = 0; k < w->nquotes; k++) {
		const quote *q = &w->quotes[k];
		const char *n;

		if (q->pull || q->depth > 0 || q->speaker == NULL)
			continue;
		n = json_string_value(json_object_get(q->speaker, "name"));
		if (n == NULL)
			return;
		if (name == NULL) {
			name = n;
			sole = q;
		} else if (strcmp(name, n) != 0)
			return;
	}
	if (sole == NULL)
		return;
	/* a paragraph that names someone else may be quoting them */
	others = kz_calloc(w->nblocks ? w->nblocks : 1, 1);
	for (size_t t = 0, b = 0; t < w->tok.n && b < w->nblocks; t++) {
		const referent *x = named_person_at(w, t);

		while (b < w->nblocks && w->blocks[b].e <= w->tok.tok[t].sstart)
			b++;
		/* named as who does or says something, not as what a
		 * question is about ("une question sur Pavard") */
		if (b < w->nblocks && x && strcmp(x->name, name) != 0 &&
		    w->ref_at[t] >= 0 && subject_like(w, x))
			others[b] = 1;
	}
	/* nor one after a mention of someone else, the last person named */
	for (size_t k = 0, t = 0; k < w->nquotes; k++) {
		quote *q = &w->quotes[k];

		if (q->pull || q->depth > 0)
			continue;
		for (; t < w->tok.n && w->tok.tok[t].sstart < q->open; t++) {
			const referent *x = named_person_at(w, t);

			if (x)
				last_other = strcmp(x->name, name) != 0;
		}
		if (speakable(q) && (strcmp(q->kind, "direct") == 0 ||
		    strcmp(q->kind, "partial") == 0) &&
		    !others[q->block] && !last_other)
			carry_speaker(q, sole, "sole_speaker");
	}
	free(others);
}

/* Quotes no cue of their own attributes, once every cue has been read:
 * - "« A » puisque « B », juge X": A is X's too (same sentence);
 * - "« A », a-t-elle dit. « B »" and a paragraph that is only a quote
 *   after a paragraph ending on one: the same speaker goes on, unless
 *   someone else is named between them.
 * Quotes are in the order they close; each looks at one neighbour, so
 * the pass is linear. */
static void
carry_speakers(work *w)
{
	for (size_t k = w->nquotes; k-- > 1;) {
		quote *q = &w->quotes[k - 1];
		const quote *next = &w->quotes[k];
		span sq, sn;

		if (!speakable(q) || next->speaker == NULL || next->pull ||
		    next->depth > 0 || next->block != q->block)
			continue;
		sq = sentence_of(w, q->open);
		sn = sentence_of(w, next->open);
		if (sq.s == sn.s && !person_named_between(w, q->close, next->open,
		    json_string_value(json_object_get(next->speaker, "name"))))
			carry_speaker(q, next, "sentence");
	}
	for (size_t k = 1; k < w->nquotes; k++) {
		quote *q = &w->quotes[k];
		const quote *prev = NULL;
		const block *b = &w->blocks[q->block];

		if (!speakable(q))
			continue;
		for (size_t j = k; j-- > 0;) {
			const quote *o = &w->quotes[j];

			if (o->pull || o->depth > 0)
				continue;
			prev = o;
			break;
		}
		if (prev == NULL || prev->speaker == NULL)
			continue;
		/* words quoted in passing go on with the speaker quoted before
		 * them in their paragraph only */
		if (strcmp(q->kind, "direct") != 0 && prev->block != q->block)
			continue;
		/* the same paragraph, or the one just before, whose last
		 * sentence holds it */
		if (prev->block != q->block) {
			const block *pb = &w->blocks[prev->block];
			size_t last = skip_space_back(w, pb->e, pb->s);

			if (prev->block + 1 != q->block || !content_block(pb->kind) ||
			    skip_space(w, b->s, b->e) != q->open || last <= pb->s ||
			    sentence_of(w, last - 1).s > prev->open)
				continue;
		}
		if (!person_named_between(w, prev->close, q->open,
		    json_string_value(json_object_get(prev->speaker, "name"))))
			carry_speaker(q, prev, "continued");
	}
	lead_quote_speakers(w);
}

/* ---- interviews: questions in bold, answers without marks */

/* Is block b an interviewer's question: a paragraph of at most 60 words
 * ending on "?"? *to_someone tells whether it speaks to someone
 * ("vous", "tu", "votre"). */
static int
question_block(const work *w, const block *b, int *to_someone)
{
	size_t e = skip_space_back(w, b->e, b->s), ts, te;
	static const char *const second_person[] = { "vous", "votre", "vos",
	    "tu", "toi", "ton", "ta", "tes", NULL };

	if (strcmp(b->kind, "paragraph") != 0 || e <= b->s || w->text[e - 1] != '?')
		return 0;
	ts = kz_tokens_at(&w->tok, b->s);
	te = kz_tokens_at(&w->tok, b->e);
	if (te - ts > 60)
		return 0;
	if (to_someone)
		*to_someone = 0;
	for (size_t t = ts; to_someone && t < te; t++)
		for (size_t k = 0; second_person[k]; k++)
			if (kz_token_is(&w->tok, t, second_person[k]))
				*to_someone = 1;
	return 1;
}

/* The person interviewed: the last person the paragraph before the first
 * question names ("Nous avons pu échanger avec X après sa conférence"),
 * else the first person found as a sentence's subject before it. NULL
 * when the introduction names nobody. */
static json_t *
interviewee(const work *w, size_t first_question)
{
	const referent *last = NULL;

	if (first_question > 0 && content_block(w->blocks[first_question - 1].kind)) {
		const block *b = &w->blocks[first_question - 1];

		for (size_t t = kz_tokens_at(&w->tok, b->s); t < w->tok.n &&
		    w->tok.tok[t].sstart < b->e; t++) {
			const referent *x = named_person_at(w, t);

			if (x != NULL && !x->is_mention)
				last = x;
		}
		if (last != NULL)
			return speaker_from_referent(w, last, "name");
	}
	for (size_t k = 0; k < first_question; k++) {
		const block *b = &w->blocks[k];

		if (!content_block(b->kind))
			continue;
		for (size_t p = b->s; p < b->e;) {
			span sent = sentence_of(w, p);
			json_t *s;

			if (sent.e <= p)
				break;
			s = sentence_subject(w, kz_tokens_at(&w->tok, sent.s),
			    kz_tokens_at(&w->tok, sent.e));
			if (s != NULL && strcmp(json_string_value(json_object_get(
			    s, "via")), "name") == 0)
				return s;
			json_decref(s);
			p = sent.e;
		}
	}
	return NULL;
}

/* An interview printed as questions and answers, with no quotation
 * marks: every paragraph after a question up to the next one (after the
 * last question, one paragraph) is the interviewee's words. At least two
 * questions followed by an answer, one of them speaking to someone, make
 * an interview; an answer paragraph
 * holding quotation marks of its own is left to them. One pass over the
 * blocks and one over the quotes. */
static void
interview_answers(work *w)
{
	unsigned char *marked = kz_calloc(w->nblocks + 1, 1);
	size_t questions = 0, addressed = 0, first = SIZE_MAX, last = 0;

	for (size_t i = 0; i < w->nquotes; i++)
		if (w->quotes[i].block >= 0)
			marked[w->quotes[i].block] = 1;
	for (size_t k = 0; k + 1 < w->nblocks; k++) {
		int to_someone = 0;

		if (question_block(w, &w->blocks[k], &to_someone) &&
		    strcmp(w->blocks[k + 1].kind, "paragraph") == 0 &&
		    !question_block(w, &w->blocks[k + 1], NULL)) {
			questions++;
			addressed += to_someone;
			if (first == SIZE_MAX)
				first = k;
			last = k;
		}
	}
	for (size_t k = first + 1; questions >= 2 && addressed >= 1 &&
	    k < w->nblocks &&
	    k <= last + 1; k++) {
		const block *b = &w->blocks[k];
		quote *q;

		if (marked[k] || strcmp(b->kind, "paragraph") != 0 ||
		    question_block(w, b, NULL))
			continue;
		q = new_quote(w);
		q->open = b->s;
		q->close = b->e;
		set_content(w, q, b->s, b->e);
		q->block = (long)k;
		q->kind = "direct";
		q->answer = 1;
	}
	free(marked);
}

/* Give the interview's answers their speaker, once the quotes' tokens are
 * known to be inside quotes. */
static void
attribute_answers(work *w)
{
	size_t first = SIZE_MAX;
	json_t *who;

	for (size_t i = 0; i < w->nquotes; i++)
		if (w->quotes[i].answer && (size_t)w->quotes[i].block < first)
			first = (size_t)w->quotes[i].block;
	if (first == SIZE_MAX || first == 0)
		return;
	/* the question before the first answer */
	if ((who = interviewee(w, first - 1)) == NULL)
		return;
	json_object_set_new(who, "via", json_string("interview"));
	for (size_t i = 0; i < w->nquotes; i++)
		if (w->quotes[i].answer)
			w->quotes[i].speaker = json_deep_copy(who);
	json_decref(who);
}

/* ---- pull quotes and the body quotes they repeat */

static char *
folded_words(const work *w, size_t s, size_t e)
{
	size_t ts = kz_tokens_at(&w->tok, s), te = kz_tokens_at(&w->tok, e);
	char *key;
	size_t len;

	kz_tokens_key(&w->tok, ts, te, &key, &len);
	return key;
}

/* Does quote q stand in the title or a subheading? */
static int
headline_block(const work *w, const quote *q)
{
	const char *kind = w->blocks[q->block].kind;

	return strcmp(kind, "title") == 0 || strcmp(kind, "heading") == 0;
}

/* The folded words of bytes [s, e) with a space before and after, so
 * that whole words are found with strstr (" lourd "). */
static char *
padded_words(const work *w, size_t s, size_t e)
{
	char *k = folded_words(w, s, e), *p;
	size_t n = strlen(k);

	p = kz_malloc(n + 3);
	p[0] = ' ';
	memcpy(p + 1, k, n);
	p[n + 1] = ' ';
	p[n + 2] = '\0';
	free(k);
	return p;
}

/* A headline or a subheading quoting words the body gives with their
 * speaker ("« On était prêts » : la déception des maires", then « On
 * était prêts », insiste la maire X; a subheading « lourd » after « un
 * bilan probablement lourd », a averti la ministre): that speaker's. Whole
 * words found inside a body quote: one look through the body's quotes per
 * headline quote. */
static void
headline_speakers(work *w)
{
	char **body = NULL;     /* each body quote's padded words, made once */

	for (size_t i = 0; i < w->nquotes; i++) {
		quote *h = &w->quotes[i];
		char *hk;

		if (!speakable(h) || !headline_block(w, h) ||
		    word_count(w, h->cs, h->ce) < 1)
			continue;
		if (body == NULL)
			body = kz_calloc(w->nquotes, sizeof *body);
		hk = padded_words(w, h->cs, h->ce);
		for (size_t j = 0; j < w->nquotes && strlen(hk) > 2; j++) {
			const quote *b = &w->quotes[j];

			if (b == h || b->speaker == NULL || b->pull || b->depth > 0 ||
			    headline_block(w, b))
				continue;
			if (body[j] == NULL)
				body[j] = padded_words(w, b->cs, b->ce);
			if (strstr(body[j], hk) != NULL) {
				carry_speaker(h, b, "headline");
				break;
			}
		}
		free(hk);
	}
	for (size_t j = 0; body && j < w->nquotes; j++)
		free(body[j]);
	free(body);
}

static void
link_pull_quotes(work *w)
{
	for (size_t i = 0; i < w->nquotes; i++) {
		quote *p = &w->quotes[i];
		char *pk;
		long best = -1;
		size_t best_common = 0;

		if (!p->pull)
			continue;
		pk = folded_words(w, p->cs, p->ce);
		for (size_t j = 0; j < w->nquotes; j++) {
			quote *b = &w->quotes[j];
			char *bk;
			size_t common = 0;

			if (b->pull || b->depth > 0)
				continue;
			bk = folded_words(w, b->cs, b->ce);
			if (*pk && strstr(bk, pk)) {
				common = strlen(pk) + 1000000;
			} else {
				/* shared words, for a pull quote that changed a word */
				size_t shared = 0, total = 0;
				char *save = NULL, *copy = kz_strdup(pk);

				for (char *t = strtok_r(copy, " ", &save); t;
				    t = strtok_r(NULL, " ", &save)) {
					char pad[256];

					total++;
					snprintf(pad, sizeof pad, " %s ", t);
					{
						size_t bl = strlen(bk);
						char *padded = kz_malloc(bl + 3);

						padded[0] = ' ';
						memcpy(padded + 1, bk, bl);
						padded[bl + 1] = ' ';
						padded[bl + 2] = '\0';
						if (strstr(padded, pad))
							shared++;
						free(padded);
					}
				}
				free(copy);
				if (total >= 4 && shared * 10 >= total * 7)
					common = shared;
			}
			if (common > best_common) {
				best_common = common;
				best = (long)j;
			}
			free(bk);
		}
		p->same_as = best;
		free(pk);
	}
}

/* ---- output */

static int
by_open(const void *a, const void *b)
{
	const quote *x = a, *y = b;

	if (x->cs != y->cs)
		return (x->cs > y->cs) - (x->cs < y->cs);
	return (x->depth > y->depth) - (x->depth < y->depth);
}

static void
emit(work *w, json_t *rec)
{
	json_t *out = json_array();
	long *index_of = kz_malloc((w->nquotes + 1) * sizeof *index_of);
	quote *sorted;

	sorted = kz_malloc((w->nquotes + 1) * sizeof *sorted);
	{
		/* sort by position (insertion sort: stable, and quotes arrive
		 * nearly sorted), keeping same_as pointing at the right quote */
		size_t *order = kz_malloc((w->nquotes + 1) * sizeof *order);

		for (size_t i = 0; i < w->nquotes; i++)
			order[i] = i;
		for (size_t i = 1; i < w->nquotes; i++) {
			size_t k = i, v = order[i];

			while (k > 0 && by_open(&w->quotes[order[k - 1]],
			    &w->quotes[v]) > 0) {
				order[k] = order[k - 1];
				k--;
			}
			order[k] = v;
		}
		for (size_t i = 0; i < w->nquotes; i++) {
			sorted[i] = w->quotes[order[i]];
			index_of[order[i]] = (long)i;
		}
		free(order);
	}
	for (size_t i = 0; i < w->nquotes; i++) {
		quote *q = &sorted[i];
		json_t *j;

		if (q->ce < q->cs)
			q->ce = q->cs;
		j = span_json(w, q->cs, q->ce);
		json_object_set_new(j, "kind", json_string(q->kind ? q->kind :
		    "direct"));
		json_object_set_new(j, "speaker", q->speaker ? q->speaker :
		    json_null());
		json_object_set_new(j, "cue", q->cue ? q->cue : json_null());
		if (q->source)
			json_object_set_new(j, "source", q->source);
		if (q->depth > 0)
			json_object_set_new(j, "nested", json_true());
		if (q->multi)
			json_object_set_new(j, "paragraphs", json_true());
		if (q->unbalanced)
			json_object_set_new(j, "unbalanced", json_true());
		if (q->pull) {
			json_t *sig = json_object();

			if (q->signature_name >= 0) {
				const block *b = &w->blocks[q->signature_name];

				json_object_set_new(sig, "name", span_json(w, b->s, b->e));
			}
			if (q->signature_title >= 0) {
				const block *b = &w->blocks[q->signature_title];

				json_object_set_new(sig, "title", span_json(w, b->s, b->e));
			}
			json_object_set_new(j, "signature", sig);
			json_object_set_new(j, "same_as", q->same_as >= 0 ?
			    json_integer(index_of[q->same_as]) : json_null());
		}
		json_array_append_new(out, j);
		if (q->unbalanced) {
			char msg[200];

			snprintf(msg, sizeof msg, "this quotation mark is never closed;"
			    " the quote is taken to end with its paragraph");
			kz_record_add_flag(rec, &w->o, w->text, "unbalanced-quote",
			    "warning", q->open, q->open + (size_t)cp_at(w, q->open,
			    &(int32_t){0}), msg, NULL);
		}
	}
	for (size_t k = 0; k < w->nstray; k++)
		kz_record_add_flag(rec, &w->o, w->text, "unbalanced-quote",
		    "warning", w->stray[k], w->stray[k] + (size_t)cp_at(w,
		    w->stray[k], &(int32_t){0}), "this closing quotation mark was"
		    " never opened", NULL);
	json_object_set_new(rec, "quotes", out);
	free(sorted);
	free(index_of);
}

const char *const kz_quoter_reads[] = {
	"text", "blocks", "sentences", "entities", "mentions",
	"byline", "date", "date_estimated", NULL
};
const char *const kz_quoter_writes[] = { "quotes", "quotes_note", NULL };
/* blocks and sentences are read for their kinds and offsets */
const char *const kz_quoter_skips[] = { "blocks.text", "sentences.text",
	NULL };

int
kz_quoter_run(const kz_quoter *qr, const kz_tagger *tg, json_t *rec,
    const char *fallback_date, kz_error *err)
{
	work w;
	json_t *tagged = NULL;
	const json_t *src = rec;

	memset(&w, 0, sizeof w);
	w.q = qr;
	w.tg = tg;
	w.text = kz_record_text(rec, &w.len);
	if (w.text == NULL)
		return kz_error_set(err, NULL, 0, 0, "record has no \"text\" string");
	if (!json_is_array(json_object_get(rec, "entities"))) {
		/* never went through kz-tag: see the names ourselves */
		tagged = json_deep_copy(rec);
		if (kz_tagger_tag(tg, tagged, fallback_date, err) != 0) {
			json_decref(tagged);
			return -1;
		}
		src = tagged;
		json_object_set_new(rec, "quotes_note", json_string(
		    "record had no entities (not tagged by kz-tag): speakers come"
		    " from kz-quotes's own tagging"));
	}
	if (kz_offsets_init(&w.o, w.text, w.len) != 0) {
		json_decref(tagged);
		return kz_error_set(err, NULL, 0, 0, "text larger than 4 GiB");
	}
	kz_tokens_init(&w.tok, kz_tagger_folder(tg), w.text, w.len);
	w.ref_at = kz_malloc((w.tok.n + 1) * sizeof *w.ref_at);
	w.cover = kz_malloc((w.tok.n + 1) * sizeof *w.cover);
	for (size_t i = 0; i <= w.tok.n; i++)
		w.ref_at[i] = w.cover[i] = -1;
	w.in_quote = kz_calloc(w.tok.n + 1, 1);
	read_blocks(&w, src);
	read_sentences(&w, src);
	read_referents(&w, src);
	find_quotes(&w);
	interview_answers(&w);
	for (size_t i = 0; i < w.nquotes; i++) {
		quote *q = &w.quotes[i];

		if (q->pull)
			continue;
		for (size_t t = kz_tokens_at(&w.tok, q->cs); t < w.tok.n &&
		    w.tok.tok[t].sstart < q->ce; t++)
			w.in_quote[t] = 1;
	}
	for (size_t i = 0; i < w.nquotes; i++) {
		if (w.quotes[i].depth > 0) {
			w.quotes[i].kind = "scare";
			continue;
		}
		if (!w.quotes[i].answer)
			attribute(&w, &w.quotes[i]);
	}
	attribute_answers(&w);
	carry_speakers(&w);
	headline_speakers(&w);
	carry_sole_speaker(&w);
	link_pull_quotes(&w);
	emit(&w, rec);

	free(w.blocks);
	free(w.sentences);
	free(w.refs);
	free(w.ref_at);
	free(w.cover);
	free(w.in_quote);
	free(w.quotes);
	free(w.stray);
	kz_strmap_free(w.times_named);
	kz_tokens_release(&w.tok);
	kz_offsets_release(&w.o);
	json_decref(tagged);
	return 0;
}
