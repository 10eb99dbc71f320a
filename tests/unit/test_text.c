/* Unit tests of the text helpers: tokens, string maps, phrase sets and
 * word lists. */
#include "kz_test.h"

#include "buf.h"
#include "phrases.h"
#include "strmap.h"
#include "tokens.h"
#include "wordlist.h"

#include <stdio.h>
#include <string.h>

START_TEST(tokens_split_elision_and_hyphens)
{
	kz_folder *f = kz_folder_new();
	const char *s = "l’OTSC, Kassym-Jomart. MOSCOU";
	kz_tokens t;

	kz_tokens_init(&t, f, s, strlen(s));
	ck_assert_uint_eq(t.n, 5);
	ck_assert(kz_token_is(&t, 0, "l"));
	ck_assert(t.tok[0].flags & KZ_TOK_ELIDED);
	ck_assert(t.tok[0].flags & KZ_TOK_JOINS);
	ck_assert(kz_token_is(&t, 1, "otsc"));
	ck_assert(t.tok[1].flags & KZ_TOK_ALLCAPS);
	/* a comma does not join */
	ck_assert(!(t.tok[1].flags & KZ_TOK_JOINS));
	ck_assert(t.tok[2].flags & KZ_TOK_JOINS);
	/* a full stop does not join */
	ck_assert(!(t.tok[3].flags & KZ_TOK_JOINS));
	ck_assert_uint_eq(t.tok[1].sstart, 4);   /* after "l’" (1 + 3 bytes) */
	ck_assert_uint_eq(kz_tokens_at(&t, 9), 2);
	kz_tokens_release(&t);
	kz_folder_free(f);
}
END_TEST

START_TEST(tokens_keys)
{
	kz_folder *f = kz_folder_new();
	char *k = kz_key_of(f, "Côte d’Ivoire", NULL);

	ck_assert_str_eq(k, "cote d ivoire");
	free(k);
	kz_folder_free(f);
}
END_TEST

START_TEST(strmap_grows_and_finds)
{
	kz_strmap *m = kz_strmap_new();
	char key[32];
	intptr_t v;

	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		kz_strmap_put(m, key, strlen(key), i);
	}
	ck_assert_uint_eq(kz_strmap_size(m), 10000);
	ck_assert(kz_strmap_get(m, "k4242", 5, &v));
	ck_assert_int_eq(v, 4242);
	ck_assert(!kz_strmap_get(m, "k10000", 6, &v));
	kz_strmap_put(m, "k1", 2, 7);
	ck_assert(kz_strmap_get(m, "k1", 2, &v));
	ck_assert_int_eq(v, 7);
	kz_strmap_free(m);
}
END_TEST

START_TEST(phrases_longest_match)
{
	kz_folder *f = kz_folder_new();
	kz_phrases p;
	const char *s = "une source proche du dossier a dit";
	kz_tokens t;
	intptr_t v = 0;

	kz_phrases_init(&p);
	kz_phrases_add(&p, f, "une source", 1);
	kz_phrases_add(&p, f, "une source proche du dossier", 2);
	kz_tokens_init(&t, f, s, strlen(s));
	ck_assert_uint_eq(kz_phrases_match(&p, &t, 0, &v), 5);
	ck_assert_int_eq(v, 2);
	ck_assert_uint_eq(kz_phrases_match(&p, &t, 1, &v), 0);
	kz_tokens_release(&t);
	kz_phrases_release(&p);
	kz_folder_free(f);
}
END_TEST

START_TEST(wordlist_prefix_word_boundary)
{
	kz_folder *f = kz_folder_new();
	kz_wordlist w;
	size_t m;

	kz_wordlist_init(&w);
	kz_wordlist_add(&w, f, "Par");
	kz_wordlist_add(&w, f, "Partager cet article");
	ck_assert_int_eq(kz_wordlist_prefix(&w, "partager cet articlediscussion",
	    30, 0, &m), 1);
	ck_assert_uint_eq(m, 20);
	/* whole words only: "par" is not the start of "partout" */
	ck_assert_int_eq(kz_wordlist_prefix(&w, "partout", 7, 1, &m), -1);
	ck_assert_int_eq(kz_wordlist_prefix(&w, "par julien", 10, 1, &m), 0);
	ck_assert_int_eq(kz_wordlist_find(&w, "par", 3), 0);
	kz_wordlist_release(&w);
	kz_folder_free(f);
}
END_TEST

Suite *
suite_text(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, tokens_split_elision_and_hyphens);
	tcase_add_test(tc, tokens_keys);
	tcase_add_test(tc, strmap_grows_and_finds);
	tcase_add_test(tc, phrases_longest_match);
	tcase_add_test(tc, wordlist_prefix_word_boundary);
	suite_add_tcase(s, tc);
	return s;
}
