/* Unit tests of the stage libraries: normalize, gazetteer, roles, tagger,
 * quotes and checks, on small texts written for each case. */
#include "kz_test.h"

#include "buf.h"
#include "checks.h"
#include "gazetteer.h"
#include "normalize.h"
#include "quotes.h"
#include "record.h"
#include "tagger.h"
#include "tokens.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char *
data_path(const char *rel)
{
	kz_buf b;

	kz_buf_init(&b);
	kz_buf_addf(&b, "%s/%s", kz_test_datadir(), rel);
	return kz_buf_detach(&b, NULL);
}

/* Write text to a fresh temporary file; the caller unlinks and frees. */
static char *
temp_file(const char *text)
{
	char *path = kz_strdup("/tmp/kz-unit-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

/* ---------------------------------------------------------------- normalize */

static json_t *
normalize(const char *text)
{
	char *rules = data_path("rules/normalize.yaml");
	kz_error err;
	kz_normalizer *n = kz_normalizer_load(rules, &err);
	json_t *rec = json_object();
	kz_normalize_report rep;

	ck_assert_msg(n != NULL, "%s", err.message);
	kz_normalize_article(n, text, strlen(text), rec, &rep);
	kz_normalizer_free(n);
	free(rules);
	return rec;
}

static const char *
block_kind(const json_t *rec, size_t i)
{
	return json_string_value(json_object_get(json_array_get(
	    json_object_get(rec, "blocks"), i), "kind"));
}

START_TEST(normalize_pull_quote_and_heading)
{
	json_t *rec = normalize("Le titre de l'article\n\nUn premier paragraphe"
	    " assez long pour compter comme du texte.\n\nLa suite des événements\n\n"
	    "Nous ne partirons pas avant la fin du mois.\nNikol Pachinian\n"
	    "Premier ministre arménien\n\nUn dernier paragraphe qui conclut.\n");

	ck_assert_str_eq(block_kind(rec, 0), "title");
	ck_assert_str_eq(block_kind(rec, 1), "paragraph");
	ck_assert_str_eq(block_kind(rec, 2), "heading");
	ck_assert_str_eq(block_kind(rec, 3), "pullquote");
	ck_assert_str_eq(block_kind(rec, 4), "speaker-name");
	ck_assert_str_eq(block_kind(rec, 5), "speaker-title");
	ck_assert_str_eq(block_kind(rec, 6), "paragraph");
	json_decref(rec);
}
END_TEST

START_TEST(normalize_prose_is_not_a_pull_quote)
{
	/* a sentence followed by a capitalised line that is not a name */
	json_t *rec = normalize("Titre\n\nLe gouvernement a démissionné hier soir.\n"
	    "Les élections auront lieu en mars prochain, selon la loi.\n");

	ck_assert_str_eq(block_kind(rec, 1), "paragraph");
	ck_assert_str_eq(block_kind(rec, 2), "paragraph");
	json_decref(rec);
}
END_TEST

START_TEST(normalize_parses_dates)
{
	char *rules = data_path("rules/normalize.yaml");
	kz_error err;
	kz_normalizer *n = kz_normalizer_load(rules, &err);
	char out[11];

	ck_assert_uint_eq(kz_normalize_parse_date(n, "1er mars 2023 -", 15, out), 13);
	ck_assert_str_eq(out, "2023-03-01");
	ck_assert_uint_eq(kz_normalize_parse_date(n, "10/01/2022", 10, out), 10);
	ck_assert_str_eq(out, "2022-01-10");
	ck_assert_uint_eq(kz_normalize_parse_date(n, "8 FÉVRIER 2021", 15, out), 15);
	ck_assert_str_eq(out, "2021-02-08");
	ck_assert_uint_eq(kz_normalize_parse_date(n, "32 mars 2023", 12, out), 0);
	ck_assert_uint_eq(kz_normalize_parse_date(n, "8 brumaire 2023", 15, out), 0);
	/* the real calendar: no 30 February, 29 February in leap years only */
	ck_assert_uint_eq(kz_normalize_parse_date(n, "30 février 2022", 16, out), 0);
	ck_assert_uint_eq(kz_normalize_parse_date(n, "29/02/2023", 10, out), 0);
	ck_assert_uint_eq(kz_normalize_parse_date(n, "2022-04-31", 10, out), 0);
	ck_assert_uint_eq(kz_normalize_parse_date(n, "29 février 2024", 16, out), 16);
	ck_assert_str_eq(out, "2024-02-29");
	kz_normalizer_free(n);
	free(rules);
}
END_TEST

START_TEST(normalize_rules_error_names_line)
{
	char *path = temp_file("boilerplate_prefixes: [a]\ncolour: red\n");
	kz_error err;

	ck_assert_ptr_null(kz_normalizer_load(path, &err));
	ck_assert_int_eq(err.line, 2);
	ck_assert_ptr_nonnull(strstr(err.message, "unknown key 'colour'"));
	unlink(path);
	free(path);
}
END_TEST

/* ---------------------------------------------------------------- gazetteer */

static const char gaz_yaml[] =
    "- id: paix\n  type: LOC\n  name: Paix\n"
    "- id: kassym-jomart-tokaiev\n  type: PER\n  name: Kassym-Jomart Tokaïev\n"
    "  gender: m\n  variants: [Tokaïev, Tokayev]\n"
    "  roles:\n    - {title: président, of: KZ, from: 2019-03-20}\n"
    "- id: kazakhstan\n  type: LOC\n  name: Kazakhstan\n  kind: country\n"
    "  code: KZ\n  demonyms: [kazakh, kazakhe, kazakhs, kazakhes]\n"
    "- id: otsc\n  type: ORG\n  name: Organisation du traité de sécurité collective\n"
    "  acronyms: [OTSC, CSTO]\n"
    "- id: astana\n  type: LOC\n  name: Astana\n"
    "  variants: [{name: Nur-Sultan, from: 2019-03-23, to: 2022-09-17}]\n"
    "- id: washington\n  type: LOC\n  name: Washington\n"
    "- id: george-washington\n  type: PER\n  name: George Washington\n"
    "  variants: [Washington]\n";

static kz_gazetteer *
small_gazetteer(kz_folder *f)
{
	char *path = temp_file(gaz_yaml);
	const char *paths[] = { path };
	kz_error err;
	kz_gazetteer *g = kz_gazetteer_load_files(paths, 1, f, &err);

	ck_assert_msg(g != NULL, "%s", err.message);
	unlink(path);
	free(path);
	return g;
}

static size_t
match_at(kz_gazetteer *g, kz_folder *f, const char *text, size_t tok,
    const char **id)
{
	kz_tokens t;
	kz_match m;
	size_t n;

	kz_tokens_init(&t, f, text, strlen(text));
	n = kz_gazetteer_match_at(g, &t, tok, &m);
	if (n && id)
		*id = kz_gazetteer_entry(g, m.cands[0].entry)->id;
	kz_tokens_release(&t);
	return n;
}

START_TEST(gazetteer_case_and_elision)
{
	kz_folder *f = kz_folder_new();
	kz_gazetteer *g = small_gazetteer(f);
	const char *id = NULL;

	/* "Paix" never fires on the common word */
	ck_assert_uint_eq(match_at(g, f, "la paix", 1, NULL), 0);
	ck_assert_uint_eq(match_at(g, f, "la Paix", 1, &id), 1);
	/* elision and typographic apostrophes: l’OTSC */
	ck_assert_uint_eq(match_at(g, f, "l’OTSC", 1, &id), 1);
	ck_assert_str_eq(id, "otsc");
	ck_assert_uint_eq(match_at(g, f, "l'otsc", 1, NULL), 0);
	/* diacritics, dashes and case folded; longest match */
	ck_assert_uint_eq(match_at(g, f, "KASSYM–JOMART TOKAIEV", 0, &id), 3);
	ck_assert_str_eq(id, "kassym-jomart-tokaiev");
	ck_assert_uint_eq(match_at(g, f, "l'Organisation du traité de sécurité"
	    " collective", 1, &id), 6);
	/* no match across a full stop */
	ck_assert_uint_eq(match_at(g, f, "Kassym. Jomart", 0, NULL), 0);
	kz_gazetteer_free(g);
	kz_folder_free(f);
}
END_TEST

START_TEST(gazetteer_roles_by_date)
{
	kz_folder *f = kz_folder_new();
	kz_gazetteer *g = small_gazetteer(f);
	size_t out[4];

	ck_assert_uint_eq(kz_gazetteer_holders(g, "président", "KZ", 20220110, 0,
	    out, 4), 1);
	ck_assert_str_eq(kz_gazetteer_entry(g, out[0])->id, "kassym-jomart-tokaiev");
	ck_assert_uint_eq(kz_gazetteer_holders(g, "président", "KZ", 20180101, 0,
	    out, 4), 0);
	ck_assert_ptr_nonnull(kz_gazetteer_demonym(g, "kazakhe", 7));
	ck_assert_str_eq(kz_gazetteer_country(g, "KZ")->name, "Kazakhstan");
	kz_gazetteer_free(g);
	kz_folder_free(f);
}
END_TEST

START_TEST(gazetteer_errors)
{
	kz_folder *f = kz_folder_new();
	const char *cases[][2] = {
		{ "- id: a\n  type: PER\n", "missing key 'name'" },
		{ "- id: a\n  type: XYZ\n  name: A\n", "type must be PER" },
		{ "- id: a\n  type: PER\n  name: A\n  roles:\n    - {title: t, from: 2020-13-01}\n",
		  "must be a date" },
		{ "- id: a\n  type: PER\n  name: A\n  gender: x\n", "gender must be" },
		{ "- id: a\n  type: PER\n  name: A\n  nickname: B\n", "unknown key" },
		{ "id: a\n", "a gazetteer file is a list" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *path = temp_file(cases[i][0]);
		const char *paths[] = { path };
		kz_error err;

		ck_assert_ptr_null(kz_gazetteer_load_files(paths, 1, f, &err));
		ck_assert_msg(strstr(err.message, cases[i][1]) != NULL,
		    "case %zu: %s", i, err.message);
		ck_assert_int_gt(err.line, 0);
		ck_assert_str_eq(err.file, path);
		unlink(path);
		free(path);
	}
	kz_folder_free(f);
}
END_TEST

/* A day that is not in the calendar is an error at the date itself, in a
 * role and in a variant; a real 29 February is fine. */
START_TEST(gazetteer_impossible_dates)
{
	kz_folder *f = kz_folder_new();
	const char *cases[][4] = {
		{ "- id: a\n  type: PER\n  name: A\n  roles:\n"
		  "    - {title: t, of: KZ, from: 2022-02-30}\n",
		  "'from' must be a real date: 2022-02-30 does not exist", "5", "32" },
		{ "- id: a\n  type: PER\n  name: A\n  roles:\n"
		  "    - title: t\n      to: 2023-02-29\n",
		  "'to' must be a real date: 2023-02-29 does not exist", "6", "11" },
		{ "- id: a\n  type: LOC\n  name: A\n"
		  "  variants: [{name: B, from: 2022-04-31}]\n",
		  "'from' must be a real date: 2022-04-31 does not exist", "4", "30" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *path = temp_file(cases[i][0]);
		const char *paths[] = { path };
		kz_error err;

		ck_assert_ptr_null(kz_gazetteer_load_files(paths, 1, f, &err));
		ck_assert_str_eq(err.message, cases[i][1]);
		ck_assert_str_eq(err.file, path);
		ck_assert_int_eq(err.line, atol(cases[i][2]));
		ck_assert_int_eq(err.column, atol(cases[i][3]));
		unlink(path);
		free(path);
	}
	{
		char *path = temp_file("- id: a\n  type: PER\n  name: A\n  roles:\n"
		    "    - {title: t, of: KZ, from: 2024-02-29}\n");
		const char *paths[] = { path };
		kz_error err;
		kz_gazetteer *g = kz_gazetteer_load_files(paths, 1, f, &err);

		ck_assert_msg(g != NULL, "%s", err.message);
		ck_assert_int_eq(kz_gazetteer_entry(g, 0)->roles[0].from, 20240229);
		kz_gazetteer_free(g);
		unlink(path);
		free(path);
	}
	kz_folder_free(f);
}
END_TEST

/* The loader streams each file entry by entry: errors far into a file,
 * duplicates across files, a second document, a source that cannot be
 * read, all named as before. */
START_TEST(gazetteer_streamed_errors)
{
	kz_folder *f = kz_folder_new();
	kz_buf big;
	char *a, *b;
	const char *paths[2];
	kz_error err;
	kz_gazetteer *g;

	/* 3,000 good entries, then an unknown key on line 9003 */
	kz_buf_init(&big);
	for (int i = 0; i < 3000; i++)
		kz_buf_addf(&big, "- id: e%d\n  type: LOC\n  name: Ville %d\n", i, i);
	kz_buf_adds(&big, "- id: z\n  type: LOC\n  name: Z\n  colour: red\n");
	a = temp_file(big.data);
	paths[0] = a;
	ck_assert_ptr_null(kz_gazetteer_load_files(paths, 1, f, &err));
	ck_assert_str_eq(err.file, a);
	ck_assert_int_eq(err.line, 9004);
	ck_assert_int_eq(err.column, 3);
	ck_assert_str_eq(err.message, "unknown key 'colour'");
	unlink(a);
	free(a);
	/* without it, all 3,000 load */
	big.data[big.len - strlen("  colour: red\n")] = '\0';
	a = temp_file(big.data);
	paths[0] = a;
	g = kz_gazetteer_load_files(paths, 1, f, &err);
	ck_assert_msg(g != NULL, "%s", err.message);
	ck_assert_uint_eq(kz_gazetteer_size(g), 3001);
	ck_assert_str_eq(kz_gazetteer_by_id(g, "e2999")->name, "Ville 2999");
	ck_assert_int_eq(kz_gazetteer_by_id(g, "e2999")->line, 8998);
	kz_gazetteer_free(g);
	/* an id of the first file again in the second */
	b = temp_file("- id: other\n  type: LOC\n  name: O\n- id: e17\n  type: PER\n  name: P Q\n");
	paths[1] = b;
	ck_assert_ptr_null(kz_gazetteer_load_files(paths, 2, f, &err));
	ck_assert_str_eq(err.file, b);
	ck_assert_int_eq(err.line, 4);
	ck_assert_int_eq(err.column, 7);
	{
		char want[512];

		snprintf(want, sizeof want, "duplicate id 'e17' (first defined at"
		    " %s:52)", a);
		ck_assert_str_eq(err.message, want);
	}
	unlink(b);
	free(b);
	/* a second document, even after good entries */
	b = temp_file("- id: other\n  type: LOC\n  name: O\n---\n- id: more\n  type: LOC\n  name: M\n");
	paths[1] = b;
	ck_assert_ptr_null(kz_gazetteer_load_files(paths, 2, f, &err));
	ck_assert_str_eq(err.file, b);
	ck_assert_int_eq(err.line, 4);
	ck_assert_int_eq(err.column, 1);
	ck_assert_ptr_nonnull(strstr(err.message, "second YAML document"));
	unlink(b);
	free(b);
	/* a source that cannot be read: a folder */
	b = kz_strdup("/tmp/kz-unit-dir-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(b));
	paths[1] = b;
	ck_assert_ptr_null(kz_gazetteer_load_files(paths, 2, f, &err));
	ck_assert_str_eq(err.file, b);
	ck_assert_int_eq(err.line, 0);
	ck_assert_str_eq(err.message, "read error");
	rmdir(b);
	free(b);
	unlink(a);
	free(a);
	kz_buf_release(&big);
	kz_folder_free(f);
}
END_TEST

/* ---------------------------------------------------------------- tagger */

static kz_tagger *
real_tagger(void)
{
	kz_error err;
	kz_tagger *t = kz_tagger_load(kz_test_datadir(), NULL, &err);

	ck_assert_msg(t != NULL, "%s", err.message);
	return t;
}

static json_t *
record_of(const char *text, const char *date)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "id", json_string("t"));
	json_object_set_new(rec, "text", json_string(text));
	if (date)
		json_object_set_new(rec, "date", json_string(date));
	return rec;
}

static const char *
field_of(const json_t *rec, const char *array, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(
	    json_object_get(rec, array), i), key));
}

START_TEST(tagger_roles_resolve_by_date)
{
	kz_tagger *t = real_tagger();
	json_t *rec = record_of("Le président kazakh a parlé. Le chef de la"
	    " diplomatie russe aussi.", "2022-01-10");
	kz_error err;

	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), 0);
	ck_assert_str_eq(field_of(rec, "mentions", 0, "canonical"),
	    "Kassym-Jomart Tokaïev");
	ck_assert_str_eq(field_of(rec, "mentions", 1, "canonical"),
	    "Sergueï Lavrov");
	json_decref(rec);
	/* before 2019 the Kazakh president was someone else */
	rec = record_of("Le président kazakh a parlé.", "2015-06-01");
	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), 0);
	ck_assert_str_eq(field_of(rec, "mentions", 0, "canonical"),
	    "Noursoultan Nazarbaïev");
	json_decref(rec);
	kz_tagger_free(t);
}
END_TEST

START_TEST(tagger_rule_names_recur)
{
	kz_tagger *t = real_tagger();
	json_t *rec = record_of("Le général Piotr Ivanenko a parlé. Selon"
	    " Ivanenko, tout va bien.", NULL);
	kz_error err;

	ck_assert_int_eq(kz_tagger_tag(t, rec, "2022-01-01", &err), 0);
	ck_assert_str_eq(field_of(rec, "entities", 0, "text"), "Piotr Ivanenko");
	ck_assert_str_eq(field_of(rec, "entities", 0, "via"), "rule");
	ck_assert_str_eq(field_of(rec, "entities", 1, "text"), "Ivanenko");
	ck_assert_uint_eq(json_array_size(json_object_get(rec, "entities")), 2);
	json_decref(rec);
	kz_tagger_free(t);
}
END_TEST

/* Names of the tagged entities, "|"-separated, in order. */
static char *
entity_texts(const char *text)
{
	kz_tagger *t = real_tagger();
	json_t *rec = record_of(text, "2024-01-10");
	kz_error err;
	kz_buf b;
	size_t i;
	const json_t *e;

	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), 0);
	kz_buf_init(&b);
	json_array_foreach(json_object_get(rec, "entities"), i, e) {
		if (i)
			kz_buf_addc(&b, '|');
		kz_buf_adds(&b, json_string_value(json_object_get(e, "type")));
		kz_buf_addc(&b, ':');
		kz_buf_adds(&b, json_string_value(json_object_get(e, "text")));
	}
	json_decref(rec);
	kz_tagger_free(t);
	return kz_buf_detach(&b, NULL);
}

START_TEST(tagger_place_features)
{
	char *got = entity_texts("Des navires croisent dans le détroit de Taïwan"
	    " et dans la vallée de Ferghana, pas dans la région de Moscou.");

	ck_assert_str_eq(got, "LOC:détroit de Taïwan|LOC:vallée de Ferghana|"
	    "LOC:Moscou");
	free(got);
	/* a feature noun before a person or an organisation is no place */
	got = entity_texts("Le lac de l'OTAN, disait Olaf Scholz.");
	ck_assert_str_eq(got, "ORG:OTAN|PER:Olaf Scholz");
	free(got);
}
END_TEST

START_TEST(tagger_first_name_alone)
{
	char *got = entity_texts("« Nous sommes à bout », expliquait Marc, un"
	    " éleveur venu de Liège.");

	ck_assert_str_eq(got, "PER:Marc|LOC:Liège");
	free(got);
	/* without who the person is, a first name alone is not enough */
	got = entity_texts("Marc, Luc et Jean sont des évangiles.");
	ck_assert_ptr_null(strstr(got, "PER:Marc"));
	free(got);
}
END_TEST

START_TEST(tagger_organisation_complement)
{
	char *got = entity_texts("Pour la Fédération régionale de l'agriculture,"
	    " ce sont des miettes.");

	ck_assert_str_eq(got, "ORG:Fédération régionale de l'agriculture");
	free(got);
	/* a ministry by its portfolio in lower case, when the portfolio is a
	 * minister's role; not any lower-case complement */
	got = entity_texts("Le ministère chinois des affaires étrangères a"
	    " répondu, pas le ministère de la parole donnée.");
	ck_assert_str_eq(got, "ORG:ministère chinois des affaires étrangères");
	free(got);
	/* a capitalised head with one complement, but not a head alone */
	got = entity_texts("Il est soutenu par le Parti des socialistes, et le"
	    " Conseil a décidé.");
	ck_assert_str_eq(got, "ORG:Parti des socialistes");
	free(got);
}
END_TEST

START_TEST(tagger_people_met_in_the_street)
{
	char *got = entity_texts("« Rien ne change », soupire Aminata, une"
	    " vendeuse de 38 ans. Pour Omar Diallo, politologue à Dakar, c'est"
	    " tôt. Devant la Cour, dans le centre de Dakar, Jae-won, un employé"
	    " de 29 ans, attendait.");

	/* not "la Cour, dans le centre de Dakar, …, de 29 ans" */
	ck_assert_str_eq(got, "PER:Aminata|PER:Omar Diallo|LOC:Dakar|"
	    "LOC:Dakar|PER:Jae-won");
	free(got);
	/* a sentence's first word with a comma is no name, age or not */
	got = entity_texts("Hier, un homme de 40 ans a été arrêté.");
	ck_assert_str_eq(got, "");
	free(got);
}
END_TEST

START_TEST(tagger_hyphenated_given_names)
{
	/* a gazetteer name written with a hyphen and a lower-case tail, and
	 * a name no gazetteer knows */
	char *got = entity_texts("Yoon Suk-yeol a limogé Han Dong-hoon.");

	ck_assert_str_eq(got, "PER:Yoon Suk-yeol|PER:Han Dong-hoon");
	free(got);
}
END_TEST

/* A surname goes on after a hyphen or a particle, even over a first
 * name, up to four words; a capitalised particle before the first name
 * belongs to it; a surname word of a long name recurs alone. Counter-
 * cases: a first name after the surname starts another name, a weekday
 * is no surname. */
START_TEST(tagger_surnames_with_particles_and_hyphens)
{
	char *got = entity_texts("Sami Ben Youssef et Karim ben Salah ont"
	    " parlé. Selon Isabelle Marchand-Roy, rien. José Adolfo Macías"
	    " Villamar est en fuite ; Macías a été vu. Sous son nom de guerre,"
	    " Abou Mohammed al-Jolani, il a régné.");

	ck_assert_str_eq(got, "PER:Sami Ben Youssef|PER:Karim ben Salah|"
	    "PER:Isabelle Marchand-Roy|PER:José Adolfo Macías Villamar|"
	    "PER:Macías|PER:Abou Mohammed al-Jolani");
	free(got);
	got = entity_texts("Selon Marie Dupont Lundi, et Paul Durand Jean"
	    " Martin ensuite.");
	ck_assert_str_eq(got, "PER:Marie Dupont|PER:Paul Durand|"
	    "PER:Jean Martin");
	free(got);
}
END_TEST

/* An organisation's name takes complements and their adjectives up to
 * where it has surely ended, and a place at its end; a run that does not
 * end cleanly is cut back. */
START_TEST(tagger_organisation_complements)
{
	char *got = entity_texts("Lundi, la Commission nationale des droits"
	    " de l'homme du Kenya a exigé une enquête. L'Agence japonaise"
	    " d'exploration aérospatiale et la Banque du Canada ont parlé, comme"
	    " l'Institut des sciences spatiales et astronautiques.");

	ck_assert_str_eq(got, "ORG:Commission nationale des droits de l'homme"
	    " du Kenya|ORG:Agence japonaise d'exploration aérospatiale|"
	    "ORG:Banque du Canada|ORG:Institut des sciences spatiales et"
	    " astronautiques");
	free(got);
	/* "des lois" is not known to end the name: the head alone is no
	 * name; the place stays a place when the head takes none */
	got = entity_texts("Lundi, la Commission des lois examine le texte à"
	    " Nairobi.");
	ck_assert_str_eq(got, "LOC:Nairobi");
	free(got);
}
END_TEST

/* A place that is also a first name is a person before a surname or
 * as a witness with an age; not in a place's own name, nor alone. */
START_TEST(tagger_places_that_are_first_names)
{
	char *got = entity_texts("Son avocat, Salvador Panelo, a parlé."
	    " « J'ai attendu », confie Rosario, 58 ans.");

	ck_assert_str_eq(got, "PER:Salvador Panelo|PER:Rosario");
	free(got);
	got = entity_texts("La finale aura lieu au stade Santiago-Bernabéu,"
	    " puis à Rosario, près de Santiago.");
	ck_assert_ptr_null(strstr(got, "PER:"));
	free(got);
}
END_TEST

/* The name apposed to a role description may come after a title ("…,
 * l'amiral Jaime Vela"); a name that starts with a title word is still
 * taken whole ("…, Sultan Al Jaber"). */
START_TEST(tagger_apposition_after_a_title)
{
	kz_tagger *t = real_tagger();
	json_t *rec = record_of("Le chef du commandement conjoint des forces"
	    " armées, l'amiral Jaime Vela, a prévenu. Le président émirati de la"
	    " conférence, Sultan Al Jaber, a parlé.", "2023-12-10");
	kz_error err;

	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), 0);
	ck_assert_str_eq(field_of(rec, "mentions", 0, "canonical"), "Jaime Vela");
	ck_assert_str_eq(field_of(rec, "mentions", 0, "via"), "apposition");
	ck_assert_str_eq(field_of(rec, "mentions", 1, "via"), "apposition");
	ck_assert_ptr_nonnull(strstr(field_of(rec, "mentions", 1, "canonical"),
	    "Jaber"));
	json_decref(rec);
	kz_tagger_free(t);
}
END_TEST

START_TEST(tagger_elect_is_the_next_holder)
{
	kz_tagger *t = real_tagger();
	json_t *rec = record_of("Donald Trump a gagné. Le président américain"
	    " élu a parlé, et le président américain aussi.", "2024-11-10");
	kz_error err;

	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), 0);
	ck_assert_str_eq(field_of(rec, "mentions", 0, "canonical"),
	    "Donald Trump");
	ck_assert_str_eq(field_of(rec, "mentions", 1, "canonical"), "Joe Biden");
	json_decref(rec);
	kz_tagger_free(t);
}
END_TEST

START_TEST(tagger_generic_minister_is_the_one_named)
{
	kz_tagger *t = real_tagger();
	json_t *rec = record_of("Jean-Noël Barrot est arrivé à Damas. Le"
	    " ministre français a parlé.", "2025-01-03");
	kz_error err;

	/* Élisabeth Borne was a French minister that day too, unnamed here */
	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), 0);
	ck_assert_str_eq(field_of(rec, "mentions", 0, "canonical"),
	    "Jean-Noël Barrot");
	json_decref(rec);
	kz_tagger_free(t);
}
END_TEST

START_TEST(tagger_untold_country_goes_to_the_main_person)
{
	kz_tagger *t = real_tagger();
	json_t *rec = record_of("Nicolás Maduro a gagné. Gabriel Boric doute."
	    " Maduro a fêté. Le chef de l'État a parlé.", "2024-07-29");
	kz_error err;

	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), 0);
	ck_assert_str_eq(field_of(rec, "mentions", 0, "canonical"),
	    "Nicolás Maduro");
	json_decref(rec);
	/* named as often as another president: nobody */
	rec = record_of("Nicolás Maduro a gagné. Gabriel Boric doute. Le chef"
	    " de l'État a parlé.", "2024-07-29");
	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), 0);
	ck_assert_str_eq(field_of(rec, "mentions", 0, "text"), "Le chef de l'État");
	ck_assert_ptr_null(field_of(rec, "mentions", 0, "canonical"));
	json_decref(rec);
	kz_tagger_free(t);
}
END_TEST

START_TEST(tagger_unknown_places_by_position)
{
	char *got = entity_texts("Le virus circule à Kamituga, dans la province"
	    " du Sud-Kivu, et l'Europe à Vingt-Sept s'inquiète, a dit Amina à"
	    " Marc.");

	ck_assert_str_eq(got, "LOC:Kamituga|LOC:Sud-Kivu|LOC:Europe");
	free(got);
}
END_TEST

START_TEST(tagger_needs_text)
{
	kz_tagger *t = real_tagger();
	json_t *rec = json_object();
	kz_error err;

	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.message, "no \"text\""));
	json_decref(rec);
	kz_tagger_free(t);
}
END_TEST

/* ---------------------------------------------------------------- quotes */

static json_t *
quoted(const char *text)
{
	kz_tagger *t = real_tagger();
	kz_error err;
	kz_quoter *q = kz_quoter_load(kz_test_datadir(), kz_tagger_folder(t), &err);
	json_t *rec = record_of(text, "2022-01-10");

	ck_assert_msg(q != NULL, "%s", err.message);
	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), 0);
	ck_assert_int_eq(kz_quoter_run(q, t, rec, NULL, &err), 0);
	kz_quoter_free(q);
	kz_tagger_free(t);
	return rec;
}

static const char *
speaker_name(const json_t *rec, size_t i)
{
	const json_t *s = json_object_get(json_array_get(json_object_get(rec,
	    "quotes"), i), "speaker");

	return s ? json_string_value(json_object_get(s, "name")) : NULL;
}

START_TEST(quotes_inversion_and_incise)
{
	json_t *rec = quoted("« Nous partirons », a déclaré, selon l'agence TASS,"
	    " Sergueï Lavrov.");

	ck_assert_str_eq(field_of(rec, "quotes", 0, "text"), "Nous partirons");
	ck_assert_str_eq(speaker_name(rec, 0), "Sergueï Lavrov");
	ck_assert_str_eq(field_of(rec, "quotes", 0, "kind"), "direct");
	json_decref(rec);
}
END_TEST

START_TEST(quotes_pronoun_by_gender)
{
	json_t *rec = quoted("Olaf Scholz a reçu Ursula von der Leyen. Elle a"
	    " affirmé : « L'Europe tiendra. »");

	ck_assert_str_eq(speaker_name(rec, 0), "Ursula von der Leyen");
	json_decref(rec);
	rec = quoted("Ursula von der Leyen a reçu Olaf Scholz. Il a"
	    " affirmé : « L'Allemagne tiendra. »");
	ck_assert_str_eq(speaker_name(rec, 0), "Olaf Scholz");
	json_decref(rec);
}
END_TEST

START_TEST(quotes_scare_and_title)
{
	json_t *rec = quoted("Il a lu le roman « Guerre et Paix » pendant la"
	    " crise dite des « ballons ».");

	ck_assert_str_eq(field_of(rec, "quotes", 0, "kind"), "scare");
	ck_assert_str_eq(field_of(rec, "quotes", 1, "kind"), "scare");
	ck_assert_ptr_null(speaker_name(rec, 1));
	json_decref(rec);
}
END_TEST

START_TEST(quotes_nested)
{
	json_t *rec = quoted("« Ces \"quasi-États\" n'existent pas », a lancé"
	    " Sergueï Lavrov.");
	const json_t *qs = json_object_get(rec, "quotes");

	ck_assert_uint_eq(json_array_size(qs), 2);
	ck_assert_str_eq(field_of(rec, "quotes", 1, "text"), "quasi-États");
	ck_assert_ptr_nonnull(json_object_get(json_array_get(qs, 1), "nested"));
	ck_assert_str_eq(speaker_name(rec, 0), "Sergueï Lavrov");
	json_decref(rec);
}
END_TEST

START_TEST(quotes_complement_is_not_the_speaker)
{
	/* "à l'AFP" is whom it was said to */
	json_t *rec = quoted("« Le canal ne nuira à personne », a déclaré à"
	    " l'AFP leur porte-parole, Zabihullah Mujahid.");

	ck_assert_str_eq(speaker_name(rec, 0), "Zabihullah Mujahid");
	json_decref(rec);
	/* with no one after it, the complement is still not the speaker */
	rec = quoted("« Le canal ne nuira à personne », a déclaré à l'AFP un"
	    " diplomate.");
	ck_assert_ptr_null(speaker_name(rec, 0));
	json_decref(rec);
}
END_TEST

START_TEST(quotes_selon_after_the_quote)
{
	json_t *rec = quoted("Un accord « historique » selon Olaf Scholz");

	ck_assert_str_eq(speaker_name(rec, 0), "Olaf Scholz");
	json_decref(rec);
	rec = quoted("Un accord « historique » pour Olaf Scholz");
	ck_assert_ptr_null(speaker_name(rec, 0));
	json_decref(rec);
}
END_TEST

START_TEST(quotes_coordinated_verb_keeps_its_subject)
{
	json_t *rec = quoted("Sergueï Lavrov a dénoncé une ministre qui « ment »"
	    " et a promis une réponse « ferme » aux sanctions.");

	ck_assert_str_eq(speaker_name(rec, 0), "Sergueï Lavrov");
	ck_assert_str_eq(speaker_name(rec, 1), "Sergueï Lavrov");
	json_decref(rec);
}
END_TEST

START_TEST(quotes_participle_takes_the_sentence_subject)
{
	json_t *rec = quoted("MOSCOU, 10 janvier 2022 (AFP) - Le ministre russe"
	    " Sergueï Lavrov a rejeté lundi la proposition de l'OTAN, le bloc"
	    " occidental, dénonçant une « provocation » inutile.");

	ck_assert_str_eq(speaker_name(rec, 0), "Sergueï Lavrov");
	json_decref(rec);
	/* the subject is the organisation the sentence opens with, not the
	 * person named after it */
	rec = quoted("L'OTAN a rejeté la proposition de Sergueï Lavrov,"
	    " dénonçant une « provocation » inutile.");
	ck_assert(speaker_name(rec, 0) == NULL ||
	    strcmp(speaker_name(rec, 0), "Sergueï Lavrov") != 0);
	json_decref(rec);
}
END_TEST

START_TEST(quotes_ce_dernier_is_the_last_named)
{
	json_t *rec = quoted("Olaf Scholz a reçu Emmanuel Macron. Ce dernier a"
	    " jugé « absurde » le calendrier.");

	ck_assert_str_eq(speaker_name(rec, 0), "Emmanuel Macron");
	json_decref(rec);
	/* "il" still prefers the subject */
	rec = quoted("Olaf Scholz a reçu Emmanuel Macron. Il a jugé"
	    " « absurde » le calendrier.");
	ck_assert_str_eq(speaker_name(rec, 0), "Olaf Scholz");
	json_decref(rec);
}
END_TEST

START_TEST(quotes_pronoun_after_a_quote_is_its_speaker)
{
	json_t *rec = quoted("Olaf Scholz a reçu Emmanuel Macron. Ce dernier a"
	    " jugé « absurde » le calendrier. « Nous en parlerons », a-t-il"
	    " ajouté.");

	ck_assert_str_eq(speaker_name(rec, 1), "Emmanuel Macron");
	json_decref(rec);
	/* unless someone else is named in between */
	rec = quoted("Emmanuel Macron a jugé « absurde » le calendrier. Olaf"
	    " Scholz s'est montré plus prudent. Selon lui, « rien ne presse ».");
	ck_assert_str_eq(speaker_name(rec, 1), "Olaf Scholz");
	json_decref(rec);
}
END_TEST

START_TEST(quotes_communique_is_no_verb)
{
	json_t *rec = quoted("Le ministère russe des Affaires étrangères a salué"
	    " dans un communiqué « une décision sage ».");

	ck_assert_str_eq(speaker_name(rec, 0),
	    "ministère russe des Affaires étrangères");
	json_decref(rec);
}
END_TEST

START_TEST(quotes_colon_gives_the_sentence_subject)
{
	json_t *rec = quoted("Devant le siège de la Cour, à Bucarest, Ioana, une"
	    " comptable de 33 ans, ne cachait pas son soulagement : « On a eu"
	    " peur. » Pour elle, « tout reste à faire ».");

	ck_assert_str_eq(speaker_name(rec, 0), "Ioana");
	ck_assert_str_eq(speaker_name(rec, 1), "Ioana");
	json_decref(rec);
	rec = quoted("A côté d'elle, Omar Diallo, chauffeur de taxi, se montre"
	    " prudent : « On jugera dans un an. »");
	ck_assert_str_eq(speaker_name(rec, 0), "Omar Diallo");
	json_decref(rec);
	/* a person after the verb is its object, not the speaker */
	rec = quoted("La police a arrêté Sergueï Lavrov : « Il faut partir. »");
	ck_assert(speaker_name(rec, 0) == NULL ||
	    strcmp(speaker_name(rec, 0), "Sergueï Lavrov") != 0);
	json_decref(rec);
}
END_TEST

START_TEST(quotes_apposed_organisation_speaks)
{
	json_t *rec = quoted("Le parti au pouvoir, Tierra Nueva, a salué dans"
	    " un communiqué « la fermeté » du gouvernement.");

	ck_assert_str_eq(speaker_name(rec, 0), "Tierra Nueva");
	json_decref(rec);
	{
		/* a person's first name between the commas is no party */
		char *got = entity_texts("Le parti, Marc Dupont en tête, a salué"
		    " la décision.");

		ck_assert_ptr_null(strstr(got, "ORG:"));
		free(got);
	}
}
END_TEST

/* "la commission" stands for the organisation named before whose name
 * starts with "Commission"; with none named, it stays a collective. */
START_TEST(quotes_definite_noun_is_the_organisation_named)
{
	json_t *rec = quoted("Lundi, la Commission nationale des droits de"
	    " l'homme du Kenya a publié un bilan. « Nous exigeons une enquête »,"
	    " a réclamé la commission.");

	ck_assert_str_eq(speaker_name(rec, 0),
	    "Commission nationale des droits de l'homme du Kenya");
	json_decref(rec);
	rec = quoted("Lundi, l'Agence européenne pour l'environnement a parlé."
	    " « Nous exigeons une enquête », a réclamé la commission.");
	ck_assert_str_eq(speaker_name(rec, 0), "la commission");
	json_decref(rec);
}
END_TEST

/* A closing guillemet never opened is flagged where it stands; one that
 * closes a quote continued from the paragraph before is not. */
START_TEST(quotes_closing_mark_never_opened)
{
	json_t *rec = quoted("Le président a pris acte. Nous déciderons"
	    " demain », a-t-il déclaré.");
	const json_t *f = json_array_get(json_object_get(rec, "flags"), 0);

	ck_assert_uint_eq(json_array_size(json_object_get(rec, "flags")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(f, "rule")),
	    "unbalanced-quote");
	ck_assert_str_eq(json_string_value(json_object_get(f, "text")), "»");
	json_decref(rec);
	rec = quoted("« Nous partirons,\n\n« et nous reviendrons », a-t-il dit."
	    " Il a parlé d'« honneur ».");
	ck_assert_uint_eq(json_array_size(json_object_get(rec, "flags")), 0);
	json_decref(rec);
}
END_TEST

/* "a parlé d'une « … »" gives the words to the sentence's subject; a
 * term in quotes with no speech verb is a scare quote. */
START_TEST(quotes_parler_de)
{
	json_t *rec = quoted("Le Premier ministre, Kristen Michal, a parlé d'une"
	    " « indépendance enfin complète ». Le mot « histoire » revient.");

	ck_assert_str_eq(speaker_name(rec, 0), "Kristen Michal");
	ck_assert_ptr_null(speaker_name(rec, 1));
	json_decref(rec);
}
END_TEST

/* After the verb of an incise, two or three capitalised words nobody
 * knew that end the clause are the speaker; one word, or words that go
 * on into the sentence, are not. */
START_TEST(quotes_unknown_name_after_the_verb)
{
	json_t *rec = quoted("« Personne n'est au-dessus de la loi », estime"
	    " Maricel Dizon, coordinatrice de l'association.");

	ck_assert_str_eq(speaker_name(rec, 0), "Maricel Dizon");
	json_decref(rec);
	rec = quoted("« Personne n'est au-dessus de la loi », estime Dizon.");
	ck_assert_ptr_null(speaker_name(rec, 0));
	json_decref(rec);
}
END_TEST

/* A person the text itself called "elle" is not the "il" of the next
 * quote, even when no gazetteer knows her gender. */
START_TEST(quotes_pronoun_gender_from_the_text)
{
	json_t *rec = quoted("Nadia Kerrouche, tête de liste, et Jordan Bardella"
	    " se sont opposés. Elle a salué « une position de courage », tandis"
	    " qu'il a accusé le gouvernement de « jouer les va-t-en-guerre ».");

	ck_assert_str_eq(speaker_name(rec, 0), "Nadia Kerrouche");
	ck_assert_str_eq(speaker_name(rec, 1), "Jordan Bardella");
	json_decref(rec);
	/* two people no gazetteer knows: their first names say who is who,
	 * whichever was named last */
	rec = quoted("Claire Martin, tête de liste, et Paul Lemaire, qui conduit"
	    " l'autre, se sont opposés. Elle a salué « une position de courage"
	    " », tandis qu'il a accusé le gouvernement de « jouer les"
	    " va-t-en-guerre ».");
	ck_assert_str_eq(speaker_name(rec, 0), "Claire Martin");
	ck_assert_str_eq(speaker_name(rec, 1), "Paul Lemaire");
	json_decref(rec);
}
END_TEST

START_TEST(quotes_anonymous_source)
{
	json_t *rec = quoted("« Rien n'est réglé », a confié un diplomate sous"
	    " couvert d'anonymat.");
	const json_t *q = json_array_get(json_object_get(rec, "quotes"), 0);

	ck_assert(json_is_null(json_object_get(q, "speaker")));
	ck_assert_ptr_nonnull(json_object_get(q, "source"));
	json_decref(rec);
}
END_TEST

/* ---------------------------------------------------------------- checks */

START_TEST(checks_numbers_in_french_formats)
{
	kz_tagger *t = real_tagger();
	char *path = data_path("rules/checks.yaml");
	kz_error err;
	kz_checker *c = kz_checker_load(path, &err);
	kz_check_opts opts = { .lang = "en", .date = NULL };
	json_t *rec = record_of("Le bilan est de 12.000 blessés. Plus tard, on"
	    " parle de 12 000 blessés, puis de 12 500 blessés.", "2022-01-10");
	const json_t *f;
	size_t i, n = 0;

	ck_assert_msg(c != NULL, "%s", err.message);
	ck_assert_int_eq(kz_checker_run(c, t, rec, &opts, &err), 0);
	json_array_foreach(json_object_get(rec, "flags"), i, f)
		if (strcmp(json_string_value(json_object_get(f, "rule")),
		    "number-inconsistency") == 0) {
			n++;
			ck_assert_str_eq(json_string_value(json_object_get(f, "text")),
			    "12 500 blessés");
		}
	ck_assert_uint_eq(n, 1);
	json_decref(rec);
	kz_checker_free(c);
	kz_tagger_free(t);
	free(path);
}
END_TEST

/* The flags of `rule` on text (date 2022-01-10), as the flagged texts
 * joined by "|". */
static char *
flags_of(const char *text, const char *rule)
{
	kz_tagger *t = real_tagger();
	char *path = data_path("rules/checks.yaml");
	kz_error err;
	kz_checker *c = kz_checker_load(path, &err);
	kz_check_opts opts = { .lang = "en", .date = NULL };
	json_t *rec = record_of(text, "2022-01-10");
	const json_t *f;
	size_t i;
	kz_buf b;

	ck_assert_msg(c != NULL, "%s", err.message);
	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), 0);
	ck_assert_int_eq(kz_checker_run(c, t, rec, &opts, &err), 0);
	kz_buf_init(&b);
	json_array_foreach(json_object_get(rec, "flags"), i, f)
		if (strcmp(json_string_value(json_object_get(f, "rule")),
		    rule) == 0) {
			if (b.len)
				kz_buf_addc(&b, '|');
			kz_buf_adds(&b, json_string_value(json_object_get(f, "text")));
		}
	json_decref(rec);
	kz_checker_free(c);
	kz_tagger_free(t);
	free(path);
	return kz_buf_detach(&b, NULL);
}

/* "les 230 mécaniciens" (or "ces") speaks of the count given before, of
 * any noun; a part of a total ("190 des 300 députés", "sur les 20
 * stades") or a far count is no inconsistency. */
START_TEST(checks_definite_count_differs)
{
	char *got = flags_of("Lundi, quelque 130 mécaniciens ont cessé le"
	    " travail. Mardi, les 230 mécaniciens en grève ont défilé.",
	    "number-inconsistency");

	ck_assert_str_eq(got, "230 mécaniciens");
	free(got);
	got = flags_of("Au total, 190 députés ont voté pour. Sur les 300"
	    " députés, 190 ont voté pour ; des 300 députés, 110 ont voté"
	    " contre. Il y a 12 stades, et les 40 stades du pays sont pleins."
	    " Les 130 mécaniciens de lundi étaient bien 130 mécaniciens.",
	    "number-inconsistency");
	ck_assert_str_eq(got, "");
	free(got);
}
END_TEST

/* A person no gazetteer knows, with a known person's first name and a
 * surname spelled close to theirs, is that person misspelled; another
 * first name makes another person (Vucic and Vucevic). */
START_TEST(checks_misspelled_twin_of_a_known_person)
{
	char *got = flags_of("Le président Kaïs Saïed a signé. Plus tard, Kaïs"
	    " Saïd a parlé.", "name-variant");

	ck_assert_str_eq(got, "Kaïs Saïd");
	free(got);
	got = flags_of("Le président Aleksandar Vucic a parlé. Le Premier"
	    " ministre Milos Vucevic a démissionné.", "name-variant");
	ck_assert_str_eq(got, "");
	free(got);
}
END_TEST

/* text through the four stages, as the programs run them. */
static json_t *
quoted_and_checked(const char *text)
{
	kz_tagger *t = real_tagger();
	kz_error err;
	kz_quoter *q = kz_quoter_load(kz_test_datadir(), kz_tagger_folder(t), &err);
	char *path = data_path("rules/checks.yaml");
	kz_checker *c = kz_checker_load(path, &err);
	kz_check_opts opts = { .lang = "en", .date = NULL };
	json_t *rec = normalize(text);

	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_nonnull(c);
	json_object_set_new(rec, "date", json_string("2022-01-10"));
	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), 0);
	ck_assert_int_eq(kz_quoter_run(q, t, rec, NULL, &err), 0);
	ck_assert_int_eq(kz_checker_run(c, t, rec, &opts, &err), 0);
	kz_checker_free(c);
	kz_quoter_free(q);
	kz_tagger_free(t);
	free(path);
	return rec;
}

/* A pull quote signed by a known person, whose words the body gives to
 * someone no gazetteer knows, is a speaker mismatch; a name that shares
 * a word with the signature may be the same person. */
START_TEST(checks_pull_quote_signed_by_another)
{
	json_t *rec = quoted_and_checked("Le titre\n\nLa ministre, Nadia"
	    " Kerrouche, a parlé. « Nous ne partirons pas avant la fin du mois »,"
	    " a-t-elle dit.\n\nNous ne partirons pas avant la fin du mois.\n"
	    "Anthony Albanese\nPremier ministre australien\n\nUn dernier"
	    " paragraphe qui conclut.\n");
	const json_t *f;
	size_t i, n = 0;

	json_array_foreach(json_object_get(rec, "flags"), i, f)
		n += strcmp(json_string_value(json_object_get(f, "rule")),
		    "speaker-mismatch") == 0;
	ck_assert_uint_eq(n, 1);
	json_decref(rec);
	/* a body speaker found through a role, resolved to a person */
	rec = quoted_and_checked("Le titre\n\nLe Premier ministre australien a"
	    " parlé. « Nous ne partirons pas avant la fin du mois », a-t-il"
	    " dit.\n\nNous ne partirons pas avant la fin du mois.\nNadia"
	    " Kerrouche\nMinistre\n\nUn dernier paragraphe qui conclut.\n");
	n = 0;
	json_array_foreach(json_object_get(rec, "flags"), i, f)
		n += strcmp(json_string_value(json_object_get(f, "rule")),
		    "speaker-mismatch") == 0;
	ck_assert_uint_eq(n, 1);
	json_decref(rec);
	rec = quoted_and_checked("Le titre\n\nLe ministre Albanese a parlé."
	    " « Nous ne partirons pas avant la fin du mois », a-t-il dit.\n\n"
	    "Nous ne partirons pas avant la fin du mois.\nAnthony Albanese\n"
	    "Premier ministre australien\n\nUn dernier paragraphe qui"
	    " conclut.\n");
	json_array_foreach(json_object_get(rec, "flags"), i, f)
		ck_assert_str_ne(json_string_value(json_object_get(f, "rule")),
		    "speaker-mismatch");
	json_decref(rec);
}
END_TEST

/* "le président émirati de la conférence": a title of the conference,
 * not of the country; the name apposed still says who. Without the
 * complement, the title is the country's, and wrong. */
START_TEST(checks_title_of_what_the_complement_names)
{
	json_t *rec = quoted_and_checked("Le titre\n\nLundi, le président"
	    " émirati de la conférence, Sultan Al Jaber, a parlé.\n");

	ck_assert_uint_eq(json_array_size(json_object_get(rec, "flags")), 0);
	json_decref(rec);
	rec = quoted_and_checked("Le titre\n\nLundi, le président émirati,"
	    " Sultan Al Jaber, a parlé.\n");
	ck_assert_uint_eq(json_array_size(json_object_get(rec, "flags")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(rec, "flags"), 0), "rule")), "role-mismatch");
	json_decref(rec);
}
END_TEST

START_TEST(checks_config_errors)
{
	char *path = temp_file("checks:\n  no-such-check:\n    enabled: true\n");
	kz_error err;

	ck_assert_ptr_null(kz_checker_load(path, &err));
	ck_assert_ptr_nonnull(strstr(err.message, "unknown check 'no-such-check'"));
	ck_assert_int_eq(err.line, 2);
	unlink(path);
	free(path);
}
END_TEST

Suite *
suite_stages(void)
{
	Suite *s = suite_create("stages");
	TCase *tc = tcase_create("stages");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, normalize_pull_quote_and_heading);
	tcase_add_test(tc, normalize_prose_is_not_a_pull_quote);
	tcase_add_test(tc, normalize_parses_dates);
	tcase_add_test(tc, normalize_rules_error_names_line);
	tcase_add_test(tc, gazetteer_case_and_elision);
	tcase_add_test(tc, gazetteer_roles_by_date);
	tcase_add_test(tc, gazetteer_errors);
	tcase_add_test(tc, gazetteer_impossible_dates);
	tcase_add_test(tc, gazetteer_streamed_errors);
	tcase_add_test(tc, tagger_roles_resolve_by_date);
	tcase_add_test(tc, tagger_rule_names_recur);
	tcase_add_test(tc, tagger_needs_text);
	tcase_add_test(tc, quotes_inversion_and_incise);
	tcase_add_test(tc, quotes_pronoun_by_gender);
	tcase_add_test(tc, quotes_scare_and_title);
	tcase_add_test(tc, quotes_nested);
	tcase_add_test(tc, quotes_anonymous_source);
	tcase_add_test(tc, tagger_people_met_in_the_street);
	tcase_add_test(tc, tagger_hyphenated_given_names);
	tcase_add_test(tc, tagger_surnames_with_particles_and_hyphens);
	tcase_add_test(tc, tagger_organisation_complements);
	tcase_add_test(tc, tagger_places_that_are_first_names);
	tcase_add_test(tc, tagger_apposition_after_a_title);
	tcase_add_test(tc, tagger_elect_is_the_next_holder);
	tcase_add_test(tc, tagger_generic_minister_is_the_one_named);
	tcase_add_test(tc, tagger_untold_country_goes_to_the_main_person);
	tcase_add_test(tc, tagger_unknown_places_by_position);
	tcase_add_test(tc, quotes_communique_is_no_verb);
	tcase_add_test(tc, quotes_colon_gives_the_sentence_subject);
	tcase_add_test(tc, quotes_apposed_organisation_speaks);
	tcase_add_test(tc, quotes_definite_noun_is_the_organisation_named);
	tcase_add_test(tc, quotes_closing_mark_never_opened);
	tcase_add_test(tc, quotes_parler_de);
	tcase_add_test(tc, quotes_unknown_name_after_the_verb);
	tcase_add_test(tc, quotes_pronoun_gender_from_the_text);
	tcase_add_test(tc, quotes_ce_dernier_is_the_last_named);
	tcase_add_test(tc, quotes_pronoun_after_a_quote_is_its_speaker);
	tcase_add_test(tc, tagger_place_features);
	tcase_add_test(tc, tagger_first_name_alone);
	tcase_add_test(tc, tagger_organisation_complement);
	tcase_add_test(tc, quotes_complement_is_not_the_speaker);
	tcase_add_test(tc, quotes_selon_after_the_quote);
	tcase_add_test(tc, quotes_coordinated_verb_keeps_its_subject);
	tcase_add_test(tc, quotes_participle_takes_the_sentence_subject);
	tcase_add_test(tc, checks_numbers_in_french_formats);
	tcase_add_test(tc, checks_definite_count_differs);
	tcase_add_test(tc, checks_misspelled_twin_of_a_known_person);
	tcase_add_test(tc, checks_pull_quote_signed_by_another);
	tcase_add_test(tc, checks_title_of_what_the_complement_names);
	tcase_add_test(tc, checks_config_errors);
	suite_add_tcase(s, tc);
	return s;
}
