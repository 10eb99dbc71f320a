/* Unit tests of the mention chains: the linking rules of chains.c on
 * their own, then kz-tag's `chain` ids and `chains` member on sentences
 * written for each case. */
#include "kz_test.h"

#include "buf.h"
#include "chains.h"
#include "tagger.h"

#include <jansson.h>
#include <string.h>

static kz_chain_person
person(const char *given, const char *surname)
{
	kz_chain_person p = { .given = given, .surname = surname, .entry = -1 };

	p.given_len = given ? strlen(given) : 0;
	p.surname_len = surname ? strlen(surname) : 0;
	return p;
}

static size_t
link(kz_chains *c, const char *given, const char *surname, size_t index)
{
	kz_chain_person p = person(given, surname);

	return kz_chains_link(c, &p, index);
}

START_TEST(chains_different_first_name_is_another_person)
{
	kz_chains c;
	size_t emmanuel, pierre;

	kz_chains_init(&c);
	emmanuel = link(&c, "emmanuel", "macron", 0);
	pierre = link(&c, "pierre", "macron", 1);
	ck_assert_uint_ne(emmanuel, pierre);
	/* the same full name again is the first person */
	ck_assert_uint_eq(link(&c, "emmanuel", "macron", 2), emmanuel);
	ck_assert_uint_eq(c.n, 2);
	kz_chains_release(&c);
}
END_TEST

START_TEST(chains_surname_and_first_name_alone)
{
	kz_chains c;
	size_t sophie;

	kz_chains_init(&c);
	sophie = link(&c, "sophie", "laurent", 0);
	ck_assert_uint_eq(link(&c, NULL, "laurent", 1), sophie);
	ck_assert_uint_eq(link(&c, "sophie", NULL, 2), sophie);
	/* a one-word name that is someone's surname goes to that person */
	ck_assert_uint_eq(link(&c, "laurent", NULL, 3), sophie);
	/* a first name nobody had starts a chain of its own */
	ck_assert_uint_ne(link(&c, "marc", NULL, 4), sophie);
	/* the chain is named by its full name */
	ck_assert_uint_eq(c.head[sophie], 0);
	kz_chains_release(&c);
}
END_TEST

START_TEST(chains_surname_first_then_full_name)
{
	kz_chains c;
	size_t dupont;

	kz_chains_init(&c);
	dupont = link(&c, NULL, "dupont", 0);
	ck_assert_uint_eq(link(&c, "jean", "dupont", 1), dupont);
	ck_assert_uint_eq(c.head[dupont], 1);
	/* from now on the chain has a first name: another one is not it */
	ck_assert_uint_ne(link(&c, "paul", "dupont", 2), dupont);
	kz_chains_release(&c);
}
END_TEST

START_TEST(chains_entries_and_role_keys)
{
	kz_chains c;
	kz_chain_person p = person("emmanuel", "macron");
	size_t ch;

	kz_chains_init(&c);
	p.entry = 7;
	p.entry_key = "emmanuel-macron";
	ch = kz_chains_link(&c, &p, 0);
	ck_assert_uint_eq(kz_chains_of_entry(&c, 7, "emmanuel-macron", 5), ch);
	/* an entry the article never names gets a chain of its own */
	ck_assert_uint_ne(kz_chains_of_entry(&c, 9, "someone-else", 6), ch);
	ck_assert_int_eq(kz_chains_recall(&c, "president|FR|0", 14), -1);
	kz_chains_remember(&c, "president|FR|0", 14, ch);
	ck_assert_int_eq(kz_chains_recall(&c, "president|FR|0", 14), (long)ch);
	kz_chains_release(&c);
}
END_TEST

/* ------------------------------------------------------- through kz-tag */

static json_t *
tagged(const char *text)
{
	kz_error err;
	kz_tagger *t = kz_tagger_load(kz_test_datadir(), NULL, &err);
	json_t *rec = json_object();

	ck_assert_msg(t != NULL, "%s", err.message);
	json_object_set_new(rec, "id", json_string("t"));
	json_object_set_new(rec, "text", json_string(text));
	json_object_set_new(rec, "date", json_string("2024-01-10"));
	ck_assert_int_eq(kz_tagger_tag(t, rec, NULL, &err), 0);
	kz_tagger_free(t);
	return rec;
}

/* "text=chain|…" for the persons, "@text=chain" for role mentions. */
static char *
chain_list(const json_t *rec)
{
	kz_buf b;
	size_t i;
	const json_t *e;

	kz_buf_init(&b);
	json_array_foreach(json_object_get(rec, "entities"), i, e) {
		const json_t *ch = json_object_get(e, "chain");

		if (ch == NULL)
			continue;
		kz_buf_addf(&b, "%s%s=%lld", b.len ? "|" : "",
		    json_string_value(json_object_get(e, "text")),
		    (long long)json_integer_value(ch));
	}
	json_array_foreach(json_object_get(rec, "mentions"), i, e) {
		const json_t *ch = json_object_get(e, "chain");

		kz_buf_addf(&b, "%s@%s=%s", b.len ? "|" : "",
		    json_string_value(json_object_get(e, "text")),
		    ch ? (json_integer_value(ch) ? "1+" : "0") : "none");
	}
	return kz_buf_detach(&b, NULL);
}

static const char *
chain_member(const json_t *rec, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(
	    json_object_get(rec, "chains"), i), key));
}

START_TEST(tag_pierre_is_not_emmanuel)
{
	json_t *rec = tagged("Emmanuel Macron a parlé. Son homonyme Pierre"
	    " Macron, boulanger à Caen, a répondu.");
	char *got = chain_list(rec);

	ck_assert_str_eq(got, "Emmanuel Macron=0|Pierre Macron=1");
	/* and the gazetteer's Macron is not given to Pierre */
	ck_assert_ptr_null(json_string_value(json_object_get(json_array_get(
	    json_object_get(rec, "entities"), 1), "ref")));
	ck_assert_str_eq(chain_member(rec, 0, "ref"), "emmanuel-macron");
	free(got);
	json_decref(rec);
}
END_TEST

START_TEST(tag_title_surname_and_first_name_alone)
{
	json_t *rec = tagged("Sophie Castagnet dirige la coopérative. Mme"
	    " Castagnet a reçu les élus. Plus tard, Sophie a résumé la journée.");
	char *got = chain_list(rec);

	ck_assert_str_eq(got, "Sophie Castagnet=0|Castagnet=0|Sophie=0");
	ck_assert_str_eq(chain_member(rec, 0, "canonical"), "Sophie Castagnet");
	ck_assert_str_eq(chain_member(rec, 0, "gender"), "f");
	free(got);
	json_decref(rec);
	/* glued to a word by a hyphen, a first name is not the person */
	rec = tagged("Sophie Castagnet arrive. Un esprit Sophie-compatible.");
	got = chain_list(rec);
	ck_assert_str_eq(got, "Sophie Castagnet=0");
	free(got);
	json_decref(rec);
}
END_TEST

START_TEST(tag_bracketed_surname)
{
	json_t *rec = tagged("Sur la dernière action, Lucas (Brunel) a tapé"
	    " le poteau.");
	char *got = chain_list(rec);

	ck_assert_str_eq(got, "Lucas=0|Brunel=0");
	free(got);
	json_decref(rec);
}
END_TEST

START_TEST(tag_role_description_joins_the_named_person)
{
	json_t *rec = tagged("Le directeur général, Octave Verlaine, a signé."
	    " Le directeur général a ensuite quitté la salle.");
	char *got = chain_list(rec);
	const json_t *ms = json_object_get(rec, "mentions");

	ck_assert_uint_eq(json_array_size(ms), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(
	    json_array_get(ms, 1), "chain")), 0);
	ck_assert_ptr_nonnull(strstr(got, "Octave Verlaine=0"));
	free(got);
	json_decref(rec);
}
END_TEST

/* Entities "TYPE:text|…" of a text. */
static char *
entity_list(const char *text)
{
	json_t *rec = tagged(text);
	kz_buf b;
	size_t i;
	const json_t *e;

	kz_buf_init(&b);
	json_array_foreach(json_object_get(rec, "entities"), i, e)
		kz_buf_addf(&b, "%s%s:%s", i ? "|" : "",
		    json_string_value(json_object_get(e, "type")),
		    json_string_value(json_object_get(e, "text")));
	json_decref(rec);
	return kz_buf_detach(&b, NULL);
}

START_TEST(tag_institutions_named_by_their_seat)
{
	char *got = entity_list("Le tribunal correctionnel de Lyon a jugé"
	    " l'affaire que le parquet de Nanterre avait instruite ; la cour"
	    " d'appel de Douai tranchera.");

	ck_assert_str_eq(got, "ORG:tribunal correctionnel de Lyon|"
	    "ORG:parquet de Nanterre|ORG:cour d'appel de Douai");
	free(got);
	got = entity_list("La statue quitte le musée du Louvre pour Lyon.");
	ck_assert_str_eq(got, "ORG:musée du Louvre|LOC:Lyon");
	free(got);
	/* the centre of a town is still the town */
	got = entity_list("Il habite dans le centre de Lyon.");
	ck_assert_str_eq(got, "LOC:Lyon");
	free(got);
}
END_TEST

START_TEST(tag_hyphenated_surname_stays_whole)
{
	/* "Ferrand" alone is a gazetteer person: not inside another name */
	char *got = entity_list("La navigatrice Claire Ferrand-Lebrun est"
	    " arrivée. Ferrand-Lebrun a dormi deux heures.");

	ck_assert_str_eq(got, "PER:Claire Ferrand-Lebrun|PER:Ferrand-Lebrun");
	free(got);
}
END_TEST

Suite *
suite_chains(void)
{
	Suite *s = suite_create("chains");
	TCase *tc = tcase_create("chains");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, chains_different_first_name_is_another_person);
	tcase_add_test(tc, chains_surname_and_first_name_alone);
	tcase_add_test(tc, chains_surname_first_then_full_name);
	tcase_add_test(tc, chains_entries_and_role_keys);
	tcase_add_test(tc, tag_pierre_is_not_emmanuel);
	tcase_add_test(tc, tag_title_surname_and_first_name_alone);
	tcase_add_test(tc, tag_bracketed_surname);
	tcase_add_test(tc, tag_role_description_joins_the_named_person);
	tcase_add_test(tc, tag_institutions_named_by_their_seat);
	tcase_add_test(tc, tag_hyphenated_surname_stays_whole);
	suite_add_tcase(s, tc);
	return s;
}
