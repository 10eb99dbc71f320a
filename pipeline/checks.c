#include "checks.h"

#include "buf.h"
#include "datapath.h"
#include "fold.h"
#include "record.h"
#include "stage.h"
#include "strmap.h"
#include "text.h"
#include "tokens.h"
#include "yamltree.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

enum rule {
	R_ROLE, R_SPEAKER, R_MISQUOTE, R_VARIANT, R_ANACHRONISM, R_NUMBER,
	R_UNATTRIBUTED, R_UNBALANCED, R_MISSING, R_COUNT
};

static const char *const rule_names[R_COUNT] = {
	"role-mismatch", "speaker-mismatch", "misquote", "name-variant",
	"anachronism", "number-inconsistency", "unattributed-quote",
	"unbalanced-quote", "missing-input"
};

typedef struct rule_conf {
	int enabled;
	char severity[8];
	char *description, *example, *message_fr, *message_en;
	char *house_fr, *house_en;      /* name-variant: house style */
	char house_style[8];
} rule_conf;

struct kz_checker {
	rule_conf rules[R_COUNT];
	char **nouns;
	size_t nnouns;
	char **counsel;         /* role-mismatch: counsel's titles */
	size_t ncounsel;
	char **historical;      /* folded token keys */
	size_t nhistorical;
	char **other_event;     /* folded, padded with spaces */
	size_t nother_event;
};

static int
load_strings(const kz_yaml_doc *doc, const kz_yaml_node *conf, const char *key,
    char ***out, size_t *n, kz_error *err)
{
	const kz_yaml_node *list = kz_yaml_require(doc, conf, key, KZ_YAML_SEQ, err);

	if (list == NULL)
		return -1;
	*out = kz_calloc(list->n + 1, sizeof **out);
	for (size_t k = 0; k < list->n; k++) {
		const char *s = kz_yaml_str(list->items[k]);

		if (s == NULL)
			return kz_yaml_error(err, doc, list->items[k],
			    "'%s' entries are strings", key);
		(*out)[(*n)++] = kz_strdup(s);
	}
	return 0;
}

static int
valid_severity(const char *s)
{
	return s && (strcmp(s, "error") == 0 || strcmp(s, "warning") == 0 ||
	    strcmp(s, "info") == 0);
}

/* The error for a severity that is none of the three, saying what was
 * there: a list or a mapping is no "(missing)" value. */
static int
severity_error(const kz_yaml_doc *doc, const kz_yaml_node *conf,
    const char *key, kz_error *err)
{
	const kz_yaml_node *v = kz_yaml_get(conf, key);

	if (v == NULL)
		return kz_yaml_error(err, doc, conf, "'%s' is missing: it must be"
		    " error, warning or info", key);
	if (v->kind != KZ_YAML_SCALAR)
		return kz_yaml_error(err, doc, v, "'%s' must be error, warning or"
		    " info, not a %s", key, v->kind == KZ_YAML_SEQ ? "list" :
		    "mapping");
	return kz_yaml_error(err, doc, v, "'%s' must be error, warning or info,"
	    " not '%s'", key, v->scalar);
}

static int
load_rule(kz_checker *c, const kz_yaml_doc *doc, const kz_yaml_node *name,
    const kz_yaml_node *conf, kz_error *err)
{
	static const char *const known[] = { "enabled", "severity",
	    "description", "example", "message_fr", "message_en",
	    "house_style_severity", "house_message_fr", "house_message_en",
	    "nouns", "historical_markers", "counsel_titles",
	    "other_event_markers", NULL };
	size_t r;
	rule_conf *rc;
	const char *en, *sev, *hs;

	for (r = 0; r < R_COUNT; r++)
		if (strcmp(rule_names[r], name->scalar) == 0)
			break;
	if (r == R_COUNT)
		return kz_yaml_error(err, doc, name, "unknown check '%s'",
		    name->scalar);
	if (kz_yaml_only_keys(doc, conf, known, err) != 0)
		return -1;
	rc = &c->rules[r];
	en = kz_yaml_str(kz_yaml_get(conf, "enabled"));
	if (en == NULL || (strcmp(en, "true") && strcmp(en, "false")))
		return kz_yaml_error(err, doc, kz_yaml_get(conf, "enabled") ?
		    kz_yaml_get(conf, "enabled") : conf,
		    "'enabled' must be true or false");
	rc->enabled = strcmp(en, "true") == 0;
	sev = kz_yaml_str(kz_yaml_get(conf, "severity"));
	if (!valid_severity(sev))
		return severity_error(doc, conf, "severity", err);
	snprintf(rc->severity, sizeof rc->severity, "%s", sev);
	hs = kz_yaml_str(kz_yaml_get(conf, "house_style_severity"));
	if (kz_yaml_get(conf, "house_style_severity") &&
	    !kz_yaml_is_null(kz_yaml_get(conf, "house_style_severity")) &&
	    !valid_severity(hs))
		return severity_error(doc, conf, "house_style_severity", err);
	snprintf(rc->house_style, sizeof rc->house_style, "%s", hs ? hs : "info");
	{
		const char *keys[] = { "description", "example", "message_fr",
		    "message_en" };
		char **into[] = { &rc->description, &rc->example, &rc->message_fr,
		    &rc->message_en };

		for (size_t k = 0; k < 4; k++) {
			const char *v = kz_yaml_str(kz_yaml_get(conf, keys[k]));

			if (v == NULL)
				return kz_yaml_error(err, doc, conf, "missing '%s'",
				    keys[k]);
			*into[k] = kz_strdup(v);
		}
	}
	if (r == R_VARIANT) {
		const char *hfr = kz_yaml_str(kz_yaml_get(conf, "house_message_fr"));
		const char *hen = kz_yaml_str(kz_yaml_get(conf, "house_message_en"));

		if (hfr == NULL || hen == NULL)
			return kz_yaml_error(err, doc, conf, "name-variant needs"
			    " house_message_fr and house_message_en");
		rc->house_fr = kz_strdup(hfr);
		rc->house_en = kz_strdup(hen);
	}
	if (r == R_NUMBER && (load_strings(doc, conf, "nouns", &c->nouns,
	    &c->nnouns, err) != 0 || load_strings(doc, conf, "other_event_markers",
	    &c->other_event, &c->nother_event, err) != 0))
		return -1;
	if (r == R_ROLE && load_strings(doc, conf, "counsel_titles",
	    &c->counsel, &c->ncounsel, err) != 0)
		return -1;
	if (r == R_ANACHRONISM && load_strings(doc, conf, "historical_markers",
	    &c->historical, &c->nhistorical, err) != 0)
		return -1;
	return 0;
}

kz_checker *
kz_checker_load(const char *path, kz_error *err)
{
	static const char *const known[] = { "checks", NULL };
	kz_checker *c = kz_calloc(1, sizeof *c);
	const kz_yaml_node *checks;
	kz_yaml_doc doc;

	if (kz_data_load_rules(path, "rules/checks.yaml", known, &doc, err) != 0) {
		kz_checker_free(c);
		return NULL;
	}
	checks = kz_yaml_require(&doc, doc.root, "checks", KZ_YAML_MAP, err);
	if (checks == NULL)
		goto fail;
	for (size_t i = 0; i < checks->n; i++)
		if (load_rule(c, &doc, kz_yaml_key(checks, i),
		    kz_yaml_value(checks, i), err) != 0)
			goto fail;
	for (size_t r = 0; r < R_COUNT; r++)
		if (c->rules[r].message_en == NULL) {
			kz_yaml_error(err, &doc, checks, "check '%s' is not configured",
			    rule_names[r]);
			goto fail;
		}
	kz_yaml_doc_release(&doc);
	return c;
fail:
	kz_yaml_doc_release(&doc);
	kz_checker_free(c);
	return NULL;
}

void
kz_checker_free(kz_checker *c)
{
	if (c == NULL)
		return;
	for (size_t r = 0; r < R_COUNT; r++) {
		free(c->rules[r].description);
		free(c->rules[r].example);
		free(c->rules[r].message_fr);
		free(c->rules[r].message_en);
		free(c->rules[r].house_fr);
		free(c->rules[r].house_en);
	}
	for (size_t i = 0; i < c->nnouns; i++)
		free(c->nouns[i]);
	free(c->nouns);
	for (size_t i = 0; i < c->ncounsel; i++)
		free(c->counsel[i]);
	free(c->counsel);
	for (size_t i = 0; i < c->nhistorical; i++)
		free(c->historical[i]);
	free(c->historical);
	for (size_t i = 0; i < c->nother_event; i++)
		free(c->other_event[i]);
	free(c->other_event);
	free(c);
}

int
kz_checker_explain(const kz_checker *c, const char *rule, FILE *out)
{
	for (size_t r = 0; r < R_COUNT; r++) {
		const rule_conf *rc = &c->rules[r];

		if (strcmp(rule_names[r], rule) != 0)
			continue;
		fprintf(out, "%s (%s, %s)\n\n%s\n\nExample: %s\n", rule_names[r],
		    rc->severity, rc->enabled ? "enabled" : "disabled",
		    rc->description, rc->example);
		return 0;
	}
	return -1;
}

void
kz_checker_list(const kz_checker *c, FILE *out)
{
	for (size_t r = 0; r < R_COUNT; r++)
		fprintf(out, "%-22s %-8s %s\n", rule_names[r], c->rules[r].severity,
		    c->rules[r].enabled ? "" : "(disabled)");
}

/* ------------------------------------------------------------ running */

typedef struct var {
	const char *name;
	const char *value;
} var;

static void
expand(kz_buf *out, const char *tmpl, const var *vars)
{
	for (const char *p = tmpl; *p; p++) {
		const char *close;

		if (*p == '{' && (close = strchr(p, '}')) != NULL) {
			size_t n = (size_t)(close - p - 1);
			const var *v;

			for (v = vars; v->name; v++)
				if (strlen(v->name) == n && strncmp(v->name, p + 1, n) == 0)
					break;
			if (v->name) {
				kz_buf_adds(out, v->value ? v->value : "");
				p = close;
				continue;
			}
		}
		kz_buf_addc(out, *p);
	}
}

typedef struct work {
	const kz_checker *c;
	const kz_tagger *tg;
	const kz_check_opts *opts;
	json_t *rec;
	const char *text;
	size_t len;
	kz_offsets o;
	int32_t date;           /* 0 when unknown */
	char date_str[16];
} work;

static int
english(const work *w)
{
	return w->opts->lang && strcmp(w->opts->lang, "en") == 0;
}

static void
flag_with(work *w, enum rule r, const char *severity, const char *tmpl,
    size_t bs, size_t be, const var *vars, json_t *evidence)
{
	const rule_conf *rc = &w->c->rules[r];
	kz_buf msg;

	if (!rc->enabled) {
		json_decref(evidence);
		return;
	}
	kz_buf_init(&msg);
	expand(&msg, tmpl, vars);
	kz_record_add_flag(w->rec, &w->o, w->text, rule_names[r],
	    severity ? severity : rc->severity, bs, be, msg.data, evidence);
	kz_buf_release(&msg);
}

static void
flag(work *w, enum rule r, const char *severity, size_t bs, size_t be,
    const var *vars, json_t *evidence)
{
	const rule_conf *rc = &w->c->rules[r];

	flag_with(w, r, severity, english(w) ? rc->message_en : rc->message_fr,
	    bs, be, vars, evidence);
}

static int
span_of(const work *w, const json_t *item, size_t *bs, size_t *be)
{
	return item ? kz_span_bytes(item, &w->o, bs, be) : -1;
}

static const char *
str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Did person e hold role/of at date (0: at any time)? */
static int
held(const kz_entry *e, const char *role, const char *of, int32_t date)
{
	for (size_t r = 0; r < e->nroles; r++) {
		const kz_role *ro = &e->roles[r];

		if (strcmp(ro->title, role) != 0)
			continue;
		if (of && (ro->of == NULL || strcmp(ro->of, of) != 0))
			continue;
		if (date == 0 || ((ro->from == 0 || ro->from <= date) &&
		    (ro->to == 0 || date < ro->to)))
			return 1;
	}
	return 0;
}

/* "the president of Kazakhstan on 2022-01-10 was X" in the chosen
 * language. */
static void
holder_phrase(work *w, const char *role, const char *of, const char *title,
    kz_buf *out)
{
	const kz_gazetteer *g = kz_tagger_gazetteer(w->tg);
	int32_t date = w->date;
	size_t who[4], n;
	char today[11];

	if (date == 0) {
		kz_today(today);
		date = kz_date_parse(today);
	}
	n = kz_gazetteer_holders(g, role, of, date, 0, who, 4);
	if (n == 0) {
		kz_buf_addf(out, english(w) ? "the gazetteer has no %s of %s%s%s"
		    : "le répertoire ne connaît pas de titulaire (%s, %s)%s%s",
		    role, of, w->date ? (english(w) ? " on " : " au ") : "",
		    w->date ? w->date_str : "");
		return;
	}
	if (english(w))
		kz_buf_addf(out, "'%s' %s %s", title,
		    w->date ? "was then" : "is", kz_gazetteer_entry(g, who[0])->name);
	else
		kz_buf_addf(out, "« %s » %s %s", title,
		    w->date ? "désignait alors" : "désigne",
		    kz_gazetteer_entry(g, who[0])->name);
}

/* What the article calls this person elsewhere: its role mentions. */
static json_t *
role_evidence(work *w, const char *ref, size_t skip_s, kz_buf *phrase)
{
	json_t *ev = json_array();
	const json_t *ments = json_object_get(w->rec, "mentions");
	size_t i, n = 0;
	const json_t *m;

	json_array_foreach(ments, i, m) {
		size_t bs, be;

		if (!str(m, "ref") || strcmp(str(m, "ref"), ref) != 0 ||
		    span_of(w, m, &bs, &be) != 0 || bs == skip_s)
			continue;
		/* "le président Poutine" says nothing about which country */
		if (json_object_get(m, "apposition") && json_is_null(json_object_get(m,
		    "of")))
			continue;
		json_array_append_new(ev, kz_span_new(&w->o, w->text, bs, be));
		if (n++ == 0)
			kz_buf_addf(phrase, english(w) ? ", and the article calls"
			    " them '%s'" : ", et l'article le désigne comme « %s »",
			    str(m, "text"));
	}
	return ev;
}

/* Is the name at [bs, be) used on purpose as a former name: a marker
 * word or a year of its use within six words? */
static int
historical_use(const work *w, size_t bs, size_t be, const kz_surface *su)
{
	kz_tokens t;
	size_t i, from, to;
	int hit = 0;

	kz_tokens_init(&t, kz_tagger_folder(w->tg), w->text, w->len);
	i = kz_tokens_at(&t, bs);
	from = i > 6 ? i - 6 : 0;
	to = kz_tokens_at(&t, be) + 6;
	for (size_t k = from; k < to && k < t.n && !hit; k++) {
		const char *s = t.folded.text + t.tok[k].fstart;
		size_t len = t.tok[k].fend - t.tok[k].fstart;

		for (size_t m = 0; m < w->c->nhistorical && !hit; m++) {
			char *key = kz_key_of(kz_tagger_folder(w->tg), w->c->historical[m],
			    NULL);

			if (strlen(key) == len && memcmp(key, s, len) == 0)
				hit = 1;
			free(key);
		}
		if (len == 4 && s[0] >= '1' && s[0] <= '2') {
			int year = atoi(s);

			if ((su->from == 0 || year * 10000 + 1231 >= su->from) &&
			    (su->to == 0 || year * 10000 + 101 < su->to))
				hit = 1;
		}
	}
	kz_tokens_release(&t);
	return hit;
}

static void
role_mismatch_at(work *w, const kz_entry *person, const char *role,
    const char *of, size_t ts, size_t te, const char *title);

/* An apposition ("la présidente de la Chambre des représentants, Nancy
 * Pelosi") may narrate the past: a title never held is an error; one held
 * at another time is an anachronism to look at, unless a year or a marker
 * of the past stands nearby. */
static void
apposition_title(work *w, const kz_entry *person, const char *role,
    const char *of, size_t ts, size_t te, const char *title)
{
	if (!held(person, role, of, 0)) {
		role_mismatch_at(w, person, role, of, ts, te, title);
		return;
	}
	if (w->date == 0 || held(person, role, of, w->date))
		return;
	{
		kz_surface none = { 0 };
		kz_buf why;
		var vars[] = { { "title", title }, { "date", w->date_str },
		    { "holder", NULL }, { NULL, NULL } };

		if (historical_use(w, ts, te, &none))
			return;
		kz_buf_init(&why);
		kz_buf_addf(&why, english(w) ? "%s did not hold that title then" :
		    "%s n'avait pas ce titre à cette date", person->name);
		vars[2].value = why.data;
		flag(w, R_ANACHRONISM, NULL, ts, te, vars, NULL);
		kz_buf_release(&why);
	}
}

static void
role_mismatch_at(work *w, const kz_entry *person, const char *role,
    const char *of, size_t ts, size_t te, const char *title)
{
	kz_buf holder, evidence;
	json_t *ev;
	size_t who[4];
	char today[11];
	int32_t date = w->date;

	if (w->date ? held(person, role, of, w->date) : held(person, role, of, 0))
		return;
	/* say it is wrong only when we know who was right: a gap in the
	 * gazetteer is not an editor's error */
	if (date == 0) {
		kz_today(today);
		date = kz_date_parse(today);
	}
	if (kz_gazetteer_holders(kz_tagger_gazetteer(w->tg), role, of, date, 0,
	    who, 4) == 0)
		return;
	kz_buf_init(&holder);
	kz_buf_init(&evidence);
	holder_phrase(w, role, of, title, &holder);
	ev = role_evidence(w, person->id, ts, &evidence);
	{
		var vars[] = { { "name", person->name }, { "title", title },
		    { "holder", holder.data }, { "evidence", evidence.data },
		    { NULL, NULL } };

		flag(w, R_ROLE, NULL, ts, te, vars, ev);
	}
	kz_buf_release(&holder);
	kz_buf_release(&evidence);
}

/* One article, one person, two titles of the same country: "le chancelier
 * allemand Olaf Scholz", later "le président allemand Olaf Scholz". Works
 * for names no gazetteer knows too. */
static void
check_apposition_conflicts(work *w)
{
	const json_t *ments = json_object_get(w->rec, "mentions");
	const json_t *flags = json_object_get(w->rec, "flags");
	size_t i, j, f;
	const json_t *a, *b, *fl;

	json_array_foreach(ments, j, b) {
		const json_t *pb = json_object_get(b, "apposition");
		size_t bs, be;
		int flagged = 0;

		if (pb == NULL || !str(b, "of") || span_of(w, b, &bs, &be) != 0)
			continue;
		json_array_foreach(flags, f, fl) {
			size_t fs, fe;

			if (span_of(w, fl, &fs, &fe) == 0 && fs == bs &&
			    str(fl, "rule") && strcmp(str(fl, "rule"), "role-mismatch") == 0)
				flagged = 1;
		}
		if (flagged)
			continue;
		json_array_foreach(ments, i, a) {
			const json_t *pa = json_object_get(a, "apposition");
			size_t as, ae;

			if (i >= j)
				break;
			if (pa == NULL || !str(a, "of") || strcmp(str(a, "of"), str(b, "of")) ||
			    !str(a, "role") || !str(b, "role") ||
			    strcmp(str(a, "role"), str(b, "role")) == 0 ||
			    !str(pa, "canonical") || !str(pb, "canonical") ||
			    !str(a, "text") ||
			    strcmp(str(pa, "canonical"), str(pb, "canonical")) != 0 ||
			    span_of(w, a, &as, &ae) != 0)
				continue;
			{
				kz_buf holder;
				json_t *ev = json_array();

				kz_buf_init(&holder);
				kz_buf_addf(&holder, english(w) ? "the article calls them '%s'"
				    " elsewhere" : "l'article le présente ailleurs comme « %s »",
				    str(a, "text"));
				json_array_append_new(ev, kz_span_new(&w->o, w->text, as, ae));
				{
					var vars[] = { { "name", str(pb, "canonical") },
					    { "title", str(b, "text") }, { "holder", holder.data },
					    { "evidence", "" }, { NULL, NULL } };

					flag(w, R_ROLE, NULL, bs, be, vars, ev);
				}
				kz_buf_release(&holder);
			}
			break;
		}
	}
}

static void
check_roles(work *w, const json_t *quotes)
{
	const kz_gazetteer *g = kz_tagger_gazetteer(w->tg);
	const kz_roles *roles = kz_tagger_roles(w->tg);
	size_t i;
	const json_t *q, *m;

	/* signature lines under pull quotes */
	json_array_foreach(quotes, i, q) {
		const json_t *title = json_object_get(json_object_get(q, "signature"),
		    "title");
		const kz_entry *person;
		size_t bs, be;
		kz_tokens t;
		kz_mention men;

		if (title == NULL || span_of(w, title, &bs, &be) != 0)
			continue;
		person = kz_gazetteer_by_id(g, str(json_object_get(q, "speaker"), "ref"));
		if (person == NULL || strcmp(person->type, "PER") != 0)
			continue;
		kz_tokens_init(&t, kz_tagger_folder(w->tg), w->text + bs, be - bs);
		if (t.n && kz_roles_describe(roles, &t, 0, t.n, &men) && men.of[0]) {
			char *tt = kz_strndup(w->text + bs, be - bs);

			role_mismatch_at(w, person, men.role, men.of, bs, be, tt);
			free(tt);
		}
		kz_tokens_release(&t);
	}
	/* appositions: "le président kazakh Vladimir Poutine" */
	json_array_foreach(json_object_get(w->rec, "mentions"), i, m) {
		const json_t *ap = json_object_get(m, "apposition");
		const kz_entry *person;
		size_t bs, be;

		if (ap == NULL || !str(m, "of") || span_of(w, m, &bs, &be) != 0)
			continue;
		person = kz_gazetteer_by_id(g, str(ap, "ref"));
		if (person == NULL || strcmp(person->type, "PER") != 0 ||
		    !str(m, "role"))
			continue;
		apposition_title(w, person, str(m, "role"), str(m, "of"), bs, be,
		    str(m, "text"));
	}
	check_apposition_conflicts(w);
}

static char *
quote_words(const work *w, const json_t *q)
{
	size_t bs, be, len;
	kz_tokens t;
	char *key;

	if (span_of(w, q, &bs, &be) != 0)
		return kz_strdup("");
	kz_tokens_init(&t, kz_tagger_folder(w->tg), w->text + bs, be - bs);
	kz_tokens_key(&t, 0, t.n, &key, &len);
	kz_tokens_release(&t);
	return key;
}

/* A speaker who is a person named, or a role resolved to one (not a
 * group, nor a noun standing for one). */
static int
named_speaker(const json_t *s)
{
	const char *via = str(s, "via");

	return str(s, "name") && via && (strcmp(via, "name") == 0 ||
	    strcmp(via, "pronoun") == 0 || strcmp(via, "signature") == 0 ||
	    strcmp(via, "apposition") == 0 ||
	    (strcmp(via, "role") == 0 && str(s, "ref")));
}

/* Two speakers who are surely two people: two refs that differ, or, when
 * either has none, two names without a word in common ("Anthony
 * Albanese", "Linda Burney"; but "Albanese" and "Anthony Albanese" may
 * be one). */
static int
other_speaker(const work *w, const json_t *a, const json_t *b)
{
	kz_tokens ta, tb;
	int common = 0;

	if (str(a, "ref") && str(b, "ref"))
		return strcmp(str(a, "ref"), str(b, "ref")) != 0;
	if (!named_speaker(a) || !named_speaker(b))
		return 0;
	kz_tokens_init(&ta, kz_tagger_folder(w->tg), str(a, "name"),
	    strlen(str(a, "name")));
	kz_tokens_init(&tb, kz_tagger_folder(w->tg), str(b, "name"),
	    strlen(str(b, "name")));
	for (size_t i = 0; i < ta.n && !common; i++)
		for (size_t j = 0; j < tb.n && !common; j++)
			common = ta.tok[i].fend - ta.tok[i].fstart >= 3 &&
			    ta.tok[i].hash == tb.tok[j].hash;
	common |= ta.n == 0 || tb.n == 0;
	kz_tokens_release(&ta);
	kz_tokens_release(&tb);
	return !common;
}

static void
check_pull_quotes(work *w, const json_t *quotes)
{
	size_t i;
	const json_t *q;

	json_array_foreach(quotes, i, q) {
		const json_t *same = json_object_get(q, "same_as");
		const json_t *body, *ps, *bsp;
		size_t bs, be;

		if (!json_is_integer(same))
			continue;
		body = json_array_get(quotes, (size_t)json_integer_value(same));
		if (body == NULL)
			continue;
		ps = json_object_get(q, "speaker");
		bsp = json_object_get(body, "speaker");
		if (ps != NULL && bsp != NULL && !json_is_null(ps) &&
		    !json_is_null(bsp) && other_speaker(w, ps, bsp)) {
			const json_t *name = json_object_get(json_object_get(q,
			    "signature"), "name");
			var vars[] = { { "speaker", str(ps, "name") },
			    { "other", str(bsp, "name") }, { NULL, NULL } };
			json_t *ev = json_array();

			if (span_of(w, name ? name : q, &bs, &be) == 0) {
				size_t es, ee;

				if (span_of(w, bsp, &es, &ee) == 0)
					json_array_append_new(ev, kz_span_new(&w->o, w->text,
					    es, ee));
				flag(w, R_SPEAKER, NULL, bs, be, vars, ev);
			} else {
				json_decref(ev);
			}
		}
		{
			char *pw = quote_words(w, q), *bw = quote_words(w, body);

			if (*pw && !strstr(bw, pw) && span_of(w, q, &bs, &be) == 0) {
				size_t es, ee;
				json_t *ev = json_array();
				var vars[] = { { "quote", str(q, "text") },
				    { "body", str(body, "text") }, { NULL, NULL } };

				if (span_of(w, body, &es, &ee) == 0)
					json_array_append_new(ev, kz_span_new(&w->o, w->text,
					    es, ee));
				flag(w, R_MISQUOTE, NULL, bs, be, vars, ev);
			}
			free(pw);
			free(bw);
		}
	}
}

static void
check_quotes_simple(work *w, const json_t *quotes)
{
	size_t i;
	const json_t *q;

	json_array_foreach(quotes, i, q) {
		size_t bs, be;
		var none[] = { { NULL, NULL } };

		if (str(q, "kind") && strcmp(str(q, "kind"), "direct") == 0 &&
		    json_is_null(json_object_get(q, "speaker")) &&
		    !json_object_get(q, "source") && span_of(w, q, &bs, &be) == 0)
			flag(w, R_UNATTRIBUTED, NULL, bs, be, none, NULL);
	}
}

/* Edit distance of two short strings (bytes), capped at 9. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[33], cur[33];

	if (la > 32 || lb > 32)
		return 9;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof cur);
	}
	return prev[lb] > 9 ? 9 : prev[lb];
}

/* Two spellings of one name, not two parts of it: "tokaiev" and "tokayev"
 * are, "xi" and "jinping" are not. */
static int
spelling_variants(const char *a, const char *b)
{
	size_t d = distance(a, b), la = strlen(a), lb = strlen(b);
	size_t longest = la > lb ? la : lb;

	return d > 0 && d * 3 <= longest && d <= 3;
}

/* The first (last = 0) or last word of a spelling, folded: "Tokaïev" and
 * "Tokaiev" are one spelling, "Tokayev" another; *nwords its words. */
static char *
word_of(const work *w, const char *s, int last, size_t *nwords)
{
	kz_tokens t;
	char *key = NULL;
	size_t len;

	kz_tokens_init(&t, kz_tagger_folder(w->tg), s, strlen(s));
	if (t.n)
		kz_tokens_key(&t, last ? t.n - 1 : 0, last ? t.n : 1, &key, &len);
	if (nwords)
		*nwords = t.n;
	kz_tokens_release(&t);
	return key ? key : kz_strdup("");
}

static char *
last_word(const work *w, const char *s)
{
	return word_of(w, s, 1, NULL);
}

/* A person no gazetteer knows with the first name of a known one and a
 * surname spelled close to theirs: the same person misspelled ("Kaïs
 * Saïd" beside "Kaïs Saïed"). Two words at least on each side. */
static int
misspelled_twin(const work *w, const json_t *known, const json_t *other)
{
	size_t nk, no;
	char *fk, *fo;
	int same;

	if (str(other, "ref") || !str(other, "type") ||
	    strcmp(str(other, "type"), "PER") != 0)
		return 0;
	fk = word_of(w, str(known, "text"), 0, &nk);
	fo = word_of(w, str(other, "text"), 0, &no);
	same = nk >= 2 && no >= 2 && strcmp(fk, fo) == 0;
	free(fk);
	free(fo);
	return same;
}

static void
check_variants(work *w, const json_t *ents)
{
	const kz_gazetteer *g = kz_tagger_gazetteer(w->tg);
	size_t i, j;
	const json_t *e, *f;
	char *done = kz_calloc(json_array_size(ents) + 1, 1);

	json_array_foreach(ents, i, e) {
		const kz_entry *en;
		char *first, *house;
		size_t bs, be;

		if (done[i] || !str(e, "ref") || !str(e, "text") ||
		    span_of(w, e, &bs, &be) != 0)
			continue;
		en = kz_gazetteer_by_id(g, str(e, "ref"));
		if (en == NULL || strcmp(en->type, "PER") != 0)
			continue;
		first = last_word(w, str(e, "text"));
		json_array_foreach(ents, j, f) {
			char *other;
			size_t fs, fe;

			if (j <= i || !str(f, "text") || done[j] ||
			    (str(f, "ref") ? strcmp(str(f, "ref"), en->id) != 0 :
			    !misspelled_twin(w, e, f)))
				continue;
			done[j] = 1;
			other = last_word(w, str(f, "text"));
			if (spelling_variants(other, first) && span_of(w, f, &fs, &fe) == 0) {
				kz_buf v;
				var vars[] = { { "name", en->name }, { "variants", NULL },
				    { NULL, NULL } };
				json_t *ev = json_array();

				kz_buf_init(&v);
				kz_buf_addf(&v, "« %s », « %s »", str(e, "text"), str(f, "text"));
				vars[1].value = v.data;
				json_array_append_new(ev, kz_span_new(&w->o, w->text, bs, be));
				flag(w, R_VARIANT, NULL, fs, fe, vars, ev);
				kz_buf_release(&v);
				free(other);
				break;
			}
			free(other);
		}
		house = last_word(w, en->preferred ? en->preferred : en->name);
		if (spelling_variants(house, first)) {
			const rule_conf *rc = &w->c->rules[R_VARIANT];
			var vars[] = { { "name", en->name }, { "variants", str(e, "text") },
			    { "title", en->preferred ? en->preferred : en->name },
			    { NULL, NULL } };

			flag_with(w, R_VARIANT, rc->house_style, english(w) ?
			    rc->house_en : rc->house_fr, bs, be, vars, NULL);
		}
		done[i] = 1;
		free(house);
		free(first);
	}
	free(done);
}

/* A person's name as the article writes it: the entity's span, and a
 * hyphenated part glued to it ("Ferrand" + "-Prévôt"), so that two
 * spellings of a compound surname are compared whole. */
static void
written_name(const work *w, size_t bs, size_t *be)
{
	const char *t = w->text;
	size_t e = *be;

	while (e + 1 < w->len && t[e] == '-' && ((unsigned char)t[e + 1] >= 0x80 ||
	    (t[e + 1] >= 'A' && t[e + 1] <= 'Z'))) {
		size_t p = e + 1;

		while (p < w->len) {
			int32_t cp;
			size_t n = kz_utf8_decode((const unsigned char *)t + p,
			    w->len - p, &cp);

			if (n == 0 || !kz_cp_is_letter(cp))
				break;
			p += n;
		}
		if (p == e + 1)
			break;
		e = p;
	}
	(void)bs;
	*be = e;
}

/* Lower case, accents kept: "Prévôt" and "PRÉVÔT" are one spelling,
 * "Prévot" another. */
static char *
cased_key(const char *s, size_t len)
{
	kz_buf b;

	kz_buf_init(&b);
	for (size_t i = 0; i < len;) {
		int32_t cp;
		size_t n = kz_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		char enc[4];
		utf8proc_ssize_t k;

		if (n == 0)
			break;
		k = utf8proc_encode_char(utf8proc_tolower(cp), (utf8proc_uint8_t *)enc);
		kz_buf_add(&b, enc, (size_t)k);
		i += n;
	}
	kz_buf_addc(&b, '\0');
	return b.data;
}

/* One spelling of a name in an article: how often, and where first. */
typedef struct spelling {
	char *cased;
	size_t count, bs, be;
	long next;              /* the next spelling with the same folded key */
} spelling;

/* One person's name written with and without an accent ("Ferrand-Prévot"
 * ×3, "Ferrand-Prévôt" ×1): matching folds accents, so the tagger takes
 * both for one name, but a reader sees a misspelling. The rarer spelling
 * is flagged, the commoner given. Names are grouped by their folded form
 * in one map: linear in the number of mentions. */
static void
check_accent_variants(work *w, const json_t *ents)
{
	kz_strmap *groups = kz_strmap_new(), *seen = kz_strmap_new();
	spelling *sp = NULL;
	size_t nsp = 0, cap = 0, i;
	const json_t *e;
	long *heads = NULL;
	size_t nheads = 0;

	json_array_foreach(ents, i, e) {
		size_t bs, be;
		char *folded, *cased, *both;
		intptr_t g, k;

		if (!str(e, "type") || strcmp(str(e, "type"), "PER") != 0 ||
		    span_of(w, e, &bs, &be) != 0 || be <= bs)
			continue;
		written_name(w, bs, &be);
		folded = kz_fold_string(kz_tagger_folder(w->tg), cased =
		    cased_key(w->text + bs, be - bs));
		kz_buf bk;

		kz_buf_init(&bk);
		kz_buf_adds(&bk, folded);
		kz_buf_addc(&bk, '\001');
		kz_buf_adds(&bk, cased);
		both = bk.data;
		if (kz_strmap_get(seen, both, bk.len, &k)) {
			sp[k].count++;
			free(cased);
		} else {
			if (nsp == cap) {
				cap = cap ? 2 * cap : 16;
				sp = kz_realloc(sp, cap * sizeof *sp);
			}
			sp[nsp] = (spelling){ cased, 1, bs, be, -1 };
			if (kz_strmap_get(groups, folded, strlen(folded), &g)) {
				sp[nsp].next = sp[g].next;
				sp[g].next = (long)nsp;
			} else {
				kz_strmap_put(groups, folded, strlen(folded),
				    (intptr_t)nsp);
				heads = kz_realloc(heads, (nheads + 1) * sizeof *heads);
				heads[nheads++] = (long)nsp;
			}
			kz_strmap_put(seen, both, bk.len, (intptr_t)nsp);
			nsp++;
		}
		kz_buf_release(&bk);
		free(folded);
	}
	for (size_t h = 0; h < nheads; h++) {
		long most = heads[h], least = heads[h];

		if (sp[heads[h]].next < 0)
			continue;
		for (long k = heads[h]; k >= 0; k = sp[k].next) {
			if (sp[k].count > sp[most].count)
				most = k;
			if (sp[k].count < sp[least].count ||
			    (sp[k].count == sp[least].count && sp[k].bs > sp[least].bs))
				least = k;
		}
		if (most == least)
			continue;
		{
			kz_buf v, name;
			json_t *ev = json_array();

			kz_buf_init(&v);
			kz_buf_init(&name);
			kz_buf_add(&name, w->text + sp[most].bs, sp[most].be - sp[most].bs);
			kz_buf_addc(&name, '\0');
			kz_buf_addf(&v, "« %.*s », « %.*s »",
			    (int)(sp[most].be - sp[most].bs), w->text + sp[most].bs,
			    (int)(sp[least].be - sp[least].bs), w->text + sp[least].bs);
			{
				var vars[] = { { "name", name.data }, { "variants", v.data },
				    { NULL, NULL } };

				json_array_append_new(ev, kz_span_new(&w->o, w->text,
				    sp[most].bs, sp[most].be));
				flag(w, R_VARIANT, NULL, sp[least].bs, sp[least].be,
				    vars, ev);
			}
			kz_buf_release(&v);
			kz_buf_release(&name);
		}
	}
	for (size_t k = 0; k < nsp; k++)
		free(sp[k].cased);
	free(sp);
	free(heads);
	kz_strmap_free(groups);
	kz_strmap_free(seen);
}

/* "Amélie K., avocates des plaignantes": the press writes a party to a
 * case (plaintiff, victim, witness) as a first name and an initial, and
 * counsel by their full name ("Me Carine Dupré"). A first name and an
 * initial given a counsel's title (rules/checks.yaml counsel_titles) is
 * a party presented as counsel. One pass over the text. */
static void
check_counsel_of_initial(work *w)
{
	const char *t = w->text;
	const kz_folder *fo = kz_tagger_folder(w->tg);

	if (w->c->ncounsel == 0)
		return;
	for (size_t p = 3; p + 3 < w->len; p++) {
		size_t ns, ws, we;
		int32_t cp;
		char *word, *folded;
		int hit = 0;

		/* " K., " */
		if (t[p] != '.' || t[p + 1] != ',' || t[p - 2] != ' ' ||
		    !(t[p - 1] >= 'A' && t[p - 1] <= 'Z'))
			continue;
		/* the first name before it, capitalised */
		ns = p - 2;
		while (ns > 0 && t[ns - 1] != ' ' && t[ns - 1] != '\n' &&
		    t[ns - 1] != '(')
			ns--;
		if (ns + 1 >= p - 2)
			continue;
		kz_utf8_decode((const unsigned char *)t + ns, p - 2 - ns, &cp);
		if (!kz_cp_is_upper(cp))
			continue;
		/* the title after the comma */
		ws = p + 2;
		while (ws < w->len && t[ws] == ' ')
			ws++;
		we = ws;
		while (we < w->len && t[we] != ' ' && t[we] != ',' && t[we] != '\n')
			we++;
		if (we == ws)
			continue;
		word = kz_strndup(t + ws, we - ws);
		folded = kz_fold_string(fo, word);
		for (size_t k = 0; k < w->c->ncounsel && !hit; k++) {
			char *c = kz_fold_string(fo, w->c->counsel[k]);

			hit = strcmp(c, folded) == 0;
			free(c);
		}
		if (hit) {
			char *name = kz_strndup(t + ns, p + 1 - ns);
			var vars[] = { { "name", name }, { "title", word },
			    { "holder", english(w) ?
			    "a first name and an initial name a party to the case,"
			    " not counsel, who is named in full" :
			    "un prénom suivi d'une initiale désigne une partie au"
			    " procès, non un avocat, que la presse nomme en entier" },
			    { "evidence", "" }, { NULL, NULL } };

			flag(w, R_ROLE, NULL, ns, we, vars, NULL);
			free(name);
		}
		free(word);
		free(folded);
	}
}

static void
check_anachronisms(work *w, const json_t *ents)
{
	const kz_gazetteer *g = kz_tagger_gazetteer(w->tg);
	size_t i;
	const json_t *e;

	if (w->date == 0)
		return;
	json_array_foreach(ents, i, e) {
		const kz_entry *en = kz_gazetteer_by_id(g, str(e, "ref"));
		const char *variant = str(e, "variant");
		size_t bs, be;

		if (en == NULL || variant == NULL || span_of(w, e, &bs, &be) != 0)
			continue;
		for (size_t s = 0; s < en->nsurfaces; s++) {
			const kz_surface *su = &en->surfaces[s];
			kz_buf why;

			if (strcmp(su->text, variant) != 0 || (su->from == 0 &&
			    su->to == 0))
				continue;
			if ((su->from == 0 || su->from <= w->date) &&
			    (su->to == 0 || w->date < su->to))
				break;
			if (historical_use(w, bs, be, su))
				break;
			kz_buf_init(&why);
			kz_buf_addf(&why, english(w) ? "the name then was %s" :
			    "le nom était alors %s", en->name);
			{
				var vars[] = { { "title", str(e, "text") },
				    { "date", w->date_str }, { "holder", why.data },
				    { NULL, NULL } };

				flag(w, R_ANACHRONISM, NULL, bs, be, vars, NULL);
			}
			kz_buf_release(&why);
			break;
		}
	}
}

/* ---- numbers */

/* Parse a French number at s: 164, 12.000, 12 000, 2,5 millions. Returns
 * bytes used (0: none) and the value. */
static size_t
parse_number(const char *s, size_t len, double *value)
{
	size_t i = 0;
	double v = 0;
	int digits = 0;

	while (i < len) {
		if (s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (s[i] - '0');
			digits++;
			i++;
			continue;
		}
		/* thousands: 12.000, 12 000, 12 000 (no-break spaces) */
		{
			size_t sep = 0;

			if (s[i] == '.' || s[i] == ' ')
				sep = 1;
			else if (i + 1 < len && (unsigned char)s[i] == 0xC2 &&
			    (unsigned char)s[i + 1] == 0xA0)
				sep = 2;
			else if (i + 2 < len && (unsigned char)s[i] == 0xE2 &&
			    (unsigned char)s[i + 1] == 0x80 &&
			    (unsigned char)s[i + 2] == 0xAF)
				sep = 3;
			if (sep && digits > 0 && digits <= 3 && i + sep + 3 <= len &&
			    s[i + sep] >= '0' && s[i + sep] <= '9' &&
			    s[i + sep + 1] >= '0' && s[i + sep + 1] <= '9' &&
			    s[i + sep + 2] >= '0' && s[i + sep + 2] <= '9' &&
			    (i + sep + 3 == len || !(s[i + sep + 3] >= '0' &&
			    s[i + sep + 3] <= '9'))) {
				i += sep;
				digits = 0;
				continue;
			}
		}
		break;
	}
	if (i == 0)
		return 0;
	if (i + 1 < len && s[i] == ',' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		double frac = 0.1;

		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			v += (s[i] - '0') * frac;
			frac /= 10;
			i++;
		}
	}
	*value = v;
	return i;
}

/* The record's sentences as byte spans, read once: finding the sentence
 * around a byte walked them all, for each count. */
typedef struct sent_table {
	size_t *s, *e;          /* n spans; a sentence not readable: s > e */
	size_t n;
	int sorted;             /* in order and apart: binary search */
} sent_table;

static void
sent_table_init(sent_table *t, const work *w)
{
	const json_t *sents = json_object_get(w->rec, "sentences");
	size_t i, n = json_array_size(sents);
	const json_t *s;

	t->s = kz_malloc((n + 1) * sizeof *t->s);
	t->e = kz_malloc((n + 1) * sizeof *t->e);
	t->n = 0;
	t->sorted = 1;
	json_array_foreach(sents, i, s) {
		size_t a, b;

		if (span_of(w, s, &a, &b) != 0) {
			a = 1;
			b = 0;
			t->sorted = 0;
		} else if (t->n > 0 && a < t->e[t->n - 1]) {
			t->sorted = 0;
		}
		t->s[t->n] = a;
		t->e[t->n++] = b;
	}
}

static void
sent_table_release(sent_table *t)
{
	free(t->s);
	free(t->e);
}

/* The first sentence holding byte p, as the array lists them: 1 and its
 * span, or 0. */
static int
sent_around(const sent_table *t, size_t p, size_t *bs, size_t *be)
{
	size_t lo = 0, hi = t->n;

	if (!t->sorted) {
		for (size_t i = 0; i < t->n; i++)
			if (t->s[i] <= p && p < t->e[i]) {
				*bs = t->s[i];
				*be = t->e[i];
				return 1;
			}
		return 0;
	}
	/* the last sentence starting at or before p */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->s[mid] <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* spans apart: no other one can hold p */
	if (lo == 0 || p >= t->e[lo - 1])
		return 0;
	*bs = t->s[lo - 1];
	*be = t->e[lo - 1];
	return 1;
}

/* Does the sentence around byte p speak of another event? */
static int
other_event(const work *w, const sent_table *st, size_t p)
{
	size_t bs = 0, be = w->len;
	kz_buf padded;
	char *folded;
	int hit = 0;

	sent_around(st, p, &bs, &be);
	kz_buf_init(&padded);
	kz_buf_addc(&padded, ' ');
	kz_buf_add(&padded, w->text + bs, be - bs);
	kz_buf_addc(&padded, ' ');
	folded = kz_fold_string(kz_tagger_folder(w->tg), padded.data);
	for (size_t m = 0; m < w->c->nother_event && !hit; m++) {
		char *marker = kz_fold_string(kz_tagger_folder(w->tg),
		    w->c->other_event[m]);
		kz_buf pat;

		kz_buf_init(&pat);
		kz_buf_addf(&pat, " %s ", marker);
		hit = strstr(folded, pat.data) != NULL;
		kz_buf_release(&pat);
		free(marker);
	}
	free(folded);
	kz_buf_release(&padded);
	return hit;
}

/* Two values that may be one count written twice: different, and either
 * the same digits in another order (164 / 146) or close (23 / 32). Far
 * apart values are usually different counts (3 morts here, 40 there). */
static int
same_toll(double a, double b)
{
	char da[32], db[32];
	int ca[10] = { 0 }, cb[10] = { 0 };
	double hi = a > b ? a : b, lo = a > b ? b : a;

	if (a == b || lo <= 0)
		return 0;
	snprintf(da, sizeof da, "%.0f", a);
	snprintf(db, sizeof db, "%.0f", b);
	for (char *p = da; *p; p++)
		ca[*p - '0']++;
	for (char *p = db; *p; p++)
		cb[*p - '0']++;
	if (memcmp(ca, cb, sizeof ca) == 0)
		return 1;
	return hi <= lo * 1.5;
}

typedef struct count {
	size_t noun;            /* index into the nouns, or SIZE_MAX */
	char *word;             /* the folded noun after the number */
	double value;
	size_t s, e;
	int definite;           /* "les 230 mécaniciens", "ces 23 militaires" */
} count;

/* Is the number at byte i introduced by "les " or "ces " (a count of
 * something already spoken of), and not "sur les" / "des" (a total a part
 * is taken from: "190 des 300 députés", "sur les 20 stades")? */
static int
definite_count(const work *w, size_t i)
{
	const char *t = w->text;

	if (i < 4 || (strncmp(t + i - 4, "les ", 4) != 0 &&
	    strncmp(t + i - 4, "Les ", 4) != 0 && strncmp(t + i - 4, "ces ", 4) != 0 &&
	    strncmp(t + i - 4, "Ces ", 4) != 0))
		return 0;
	if (i >= 5 && t[i - 5] != ' ' && t[i - 5] != '\n' && t[i - 5] != '(')
		return 0;       /* "des 300": "les" is the end of another word */
	return !(i >= 8 && (strncmp(t + i - 8, "sur ", 4) == 0 ||
	    strncmp(t + i - 8, "Sur ", 4) == 0)) &&
	    !(i >= 10 && strncmp(t + i - 10, "parmi ", 6) == 0);
}

/* A count "les N X" taken for the one given before as "M X": flag when
 * M != N and they are within a factor of two (farther apart, they are
 * rather a part and its whole). */
static int
same_group(const count *later, const count *earlier)
{
	double hi = later->value > earlier->value ? later->value : earlier->value;
	double lo = later->value > earlier->value ? earlier->value : later->value;

	return later->definite && strcmp(later->word, earlier->word) == 0 &&
	    strlen(later->word) >= 5 && lo > 0 && hi != lo && hi <= 2 * lo;
}

/* The counts of one noun with one value, in text order: only the first
 * that is not in another event's sentence can be the earlier of a pair,
 * so the search for a pair asks each value once (it asked every earlier
 * count: a pass inside a pass, as long as the text has counts). */
typedef struct value_group {
	double value;
	size_t first;           /* the first not yet known to be elsewhere */
	size_t last;
} value_group;

typedef struct noun_groups {
	value_group *g;
	size_t n, cap;
} noun_groups;

enum { UNKNOWN = -1 };

typedef struct events {
	sent_table sents;
	signed char *memo;      /* per count: UNKNOWN, 0 or 1 */
} events;

static int
other_event_of(work *w, const count *cs, events *ev, size_t a)
{
	if (ev->memo[a] == UNKNOWN)
		ev->memo[a] = (signed char)(other_event(w, &ev->sents, cs[a].s)
		    != 0);
	return ev->memo[a];
}

/* Flag each count taken for an earlier one of the same noun: the first
 * earlier count that is the same toll written otherwise (a listed noun),
 * or the same group counted again, neither in another event's sentence.
 * Pairs are only ever of one folded noun (a listed noun is one word). */
static void
pair_counts(work *w, count *cs, size_t n)
{
	kz_strmap *by_word = kz_strmap_new();
	noun_groups *words = NULL;
	size_t nwords = 0;
	size_t *next = kz_malloc((n + 1) * sizeof *next);
	events evs;

	evs.memo = kz_malloc(n + 1);
	memset(evs.memo, UNKNOWN, n + 1);
	sent_table_init(&evs.sents, w);
	for (size_t a = 0; a < n; a++) {
		size_t wl = strlen(cs[a].word), best = SIZE_MAX, gi;
		intptr_t wi;
		noun_groups *ng;

		if (!kz_strmap_get(by_word, cs[a].word, wl, &wi)) {
			words = kz_realloc(words, (nwords + 1) * sizeof *words);
			memset(&words[nwords], 0, sizeof words[nwords]);
			wi = (intptr_t)nwords++;
			kz_strmap_put(by_word, cs[a].word, wl, wi);
		}
		ng = &words[wi];
		for (gi = 0; gi < ng->n; gi++) {
			value_group *g = &ng->g[gi];
			count earlier = cs[a];

			earlier.value = g->value;
			if (!(cs[a].noun != SIZE_MAX && same_toll(cs[a].value,
			    g->value)) && !same_group(&cs[a], &earlier))
				continue;
			while (g->first != SIZE_MAX && other_event_of(w, cs, &evs,
			    g->first))
				g->first = next[g->first];
			if (g->first < best)
				best = g->first;
		}
		if (best != SIZE_MAX && !other_event_of(w, cs, &evs, a)) {
			size_t b = best;
			int listed = cs[a].noun != SIZE_MAX &&
			    cs[a].noun == cs[b].noun && same_toll(cs[a].value,
			    cs[b].value);
			kz_buf vals;
			json_t *ev = json_array();
			var vars[] = { { "noun", listed ?
			    w->c->nouns[cs[a].noun] : cs[a].word },
			    { "values", NULL }, { NULL, NULL } };

			kz_buf_init(&vals);
			kz_buf_addf(&vals, "%.*s / %.*s", (int)(cs[b].e - cs[b].s),
			    w->text + cs[b].s, (int)(cs[a].e - cs[a].s),
			    w->text + cs[a].s);
			vars[1].value = vals.data;
			json_array_append_new(ev, kz_span_new(&w->o, w->text,
			    cs[b].s, cs[b].e));
			flag(w, R_NUMBER, NULL, cs[a].s, cs[a].e, vars, ev);
			kz_buf_release(&vals);
		}
		/* then a is an earlier count for those after it */
		next[a] = SIZE_MAX;
		for (gi = 0; gi < ng->n && ng->g[gi].value != cs[a].value; gi++)
			;
		if (gi == ng->n) {
			if (ng->n == ng->cap) {
				ng->cap = ng->cap ? 2 * ng->cap : 4;
				ng->g = kz_realloc(ng->g, ng->cap * sizeof *ng->g);
			}
			ng->g[ng->n++] = (value_group){ cs[a].value, a, a };
		} else {
			value_group *g = &ng->g[gi];

			next[g->last] = a;
			g->last = a;
			if (g->first == SIZE_MAX)
				g->first = a;
		}
	}
	for (size_t k = 0; k < nwords; k++)
		free(words[k].g);
	free(words);
	free(next);
	free(evs.memo);
	sent_table_release(&evs.sents);
	kz_strmap_free(by_word);
}

static void
check_numbers(work *w)
{
	const kz_folder *f = kz_tagger_folder(w->tg);
	char **nouns = kz_calloc(w->c->nnouns + 1, sizeof *nouns);
	count *cs = NULL;
	size_t n = 0, cap = 0;

	for (size_t k = 0; k < w->c->nnouns; k++)
		nouns[k] = kz_fold_string(f, w->c->nouns[k]);
	for (size_t i = 0; i < w->len; i++) {
		double v = 0, mult = 1;
		size_t used, p;
		char word[64];
		size_t wl = 0;

		if (!(w->text[i] >= '0' && w->text[i] <= '9') ||
		    (i > 0 && ((w->text[i - 1] >= '0' && w->text[i - 1] <= '9') ||
		    w->text[i - 1] == '.' || w->text[i - 1] == ',')))
			continue;
		used = parse_number(w->text + i, w->len - i, &v);
		p = i + used;
		while (p < w->len && w->text[p] == ' ')
			p++;
		if (p + 8 <= w->len && strncmp(w->text + p, "millions", 8) == 0) {
			mult = 1e6;
			p += 8;
		} else if (p + 9 <= w->len && strncmp(w->text + p, "milliards", 9) == 0) {
			mult = 1e9;
			p += 9;
		}
		while (p < w->len && w->text[p] == ' ')
			p++;
		if (mult > 1 && p + 3 <= w->len && strncmp(w->text + p, "de ", 3) == 0)
			p += 3;
		{
			/* the noun after the number */
			size_t q = p;
			char *folded;

			while (q < w->len && w->text[q] != ' ' && w->text[q] != ',' &&
			    w->text[q] != '.' && w->text[q] != '\n' && q - p < 40)
				q++;
			wl = q - p < sizeof word - 1 ? q - p : sizeof word - 1;
			memcpy(word, w->text + p, wl);
			word[wl] = '\0';
			folded = kz_fold_string(f, word);
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				cs = kz_realloc(cs, cap * sizeof *cs);
			}
			cs[n].noun = SIZE_MAX;
			for (size_t k = 0; k < w->c->nnouns; k++)
				if (strcmp(folded, nouns[k]) == 0)
					cs[n].noun = k;
			cs[n].word = folded;
			cs[n].value = v * mult;
			cs[n].s = i;
			cs[n].e = q;
			cs[n].definite = definite_count(w, i);
			n++;
		}
		i = p > i ? p - 1 : i;
	}
	pair_counts(w, cs, n);
	for (size_t a = 0; a < n; a++)
		free(cs[a].word);
	free(cs);
	for (size_t k = 0; k < w->c->nnouns; k++)
		free(nouns[k]);
	free(nouns);
}

/* Flags of earlier kz-check runs are replaced; kz-quotes's
 * unbalanced-quote flags get this file's severity (or go when disabled). */
static void
reset_flags(work *w)
{
	json_t *flags = json_object_get(w->rec, "flags");
	json_t *kept = json_array();
	size_t i;
	json_t *f;

	json_array_foreach(flags, i, f) {
		const char *rule = str(f, "rule");
		size_t r;

		for (r = 0; r < R_COUNT; r++)
			if (rule && strcmp(rule, rule_names[r]) == 0)
				break;
		if (r == R_UNBALANCED) {
			if (!w->c->rules[r].enabled)
				continue;
			json_object_set_new(f, "severity",
			    json_string(w->c->rules[r].severity));
		} else if (r < R_COUNT) {
			continue;
		}
		json_array_append(kept, f);
	}
	json_object_set_new(w->rec, "flags", kept);
}

static void
missing(work *w, const char *what_fr, const char *what_en)
{
	var vars[] = { { "title", english(w) ? what_en : what_fr }, { NULL, NULL } };

	flag(w, R_MISSING, NULL, 0, 0, vars, NULL);
}

const char *const kz_checker_reads[] = {
	"text", "entities", "mentions", "quotes", "sentences", "date",
	"date_estimated", NULL
};
const char *const kz_checker_writes[] = { "flags", NULL };
/* sentences are read for their offsets */
const char *const kz_checker_skips[] = { "sentences.text", NULL };

int
kz_checker_run(const kz_checker *c, const kz_tagger *tg, json_t *rec,
    const kz_check_opts *opts, kz_error *err)
{
	work w;
	const json_t *quotes, *ents;

	memset(&w, 0, sizeof w);
	w.c = c;
	w.tg = tg;
	w.opts = opts;
	w.rec = rec;
	w.text = kz_record_text(rec, &w.len);
	if (w.text == NULL)
		return kz_error_set(err, NULL, 0, 0, "record has no \"text\" string");
	if (kz_offsets_init(&w.o, w.text, w.len) != 0)
		return kz_error_set(err, NULL, 0, 0, "text larger than 4 GiB");
	/* checks that need a date do not run on an estimate */
	w.date = kz_record_date(rec, opts->date, 0);
	if (w.date)
		snprintf(w.date_str, sizeof w.date_str, "%04d-%02d-%02d",
		    (int)(w.date / 10000), (int)(w.date / 100 % 100),
		    (int)(w.date % 100));
	reset_flags(&w);
	quotes = json_object_get(rec, "quotes");
	ents = json_object_get(rec, "entities");
	check_counsel_of_initial(&w);
	if (json_is_array(quotes)) {
		check_roles(&w, quotes);
		check_pull_quotes(&w, quotes);
		check_quotes_simple(&w, quotes);
	} else {
		missing(&w, "pas de citations (kz-quotes n'est pas passé) : les"
		    " contrôles de signature, d'auteur et de citation n'ont pas tourné",
		    "no quotes (kz-quotes did not run): signature, speaker and"
		    " misquote checks did not run");
	}
	if (json_is_array(ents)) {
		check_variants(&w, ents);
		check_accent_variants(&w, ents);
		check_anachronisms(&w, ents);
	} else {
		missing(&w, "pas d'entités (kz-tag n'est pas passé) : les contrôles"
		    " de graphie et d'anachronisme n'ont pas tourné",
		    "no entities (kz-tag did not run): name-variant and anachronism"
		    " checks did not run");
	}
	if (w.date == 0)
		missing(&w, "date de l'article inconnue : anachronismes non"
		    " contrôlés, titres contrôlés sans date (jamais détenus)",
		    "article date unknown: no anachronism check; titles checked"
		    " without a date (never held)");
	check_numbers(&w);
	kz_offsets_release(&w.o);
	return 0;
}
