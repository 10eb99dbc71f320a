/* Unit tests of the core modules: text offsets, folding, YAML tree,
 * records. */
#include "kz_test.h"

#include "buf.h"
#include "fold.h"
#include "gazcache.h"
#include "gazimage.h"
#include "jsonline.h"
#include "record.h"
#include "strmap.h"
#include "text.h"
#include "wordlist.h"
#include "yamltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(offsets_round_trip)
{
	const char *s = "Tokaïev « dit »";
	kz_offsets o;

	kz_offsets_init(&o, s, strlen(s));
	ck_assert_uint_eq(o.ncp, 15);
	/* "ï" is code point 4 and bytes 4-5: byte 5 is inside it */
	ck_assert_uint_eq(kz_offsets_cp(&o, 4), 4);
	ck_assert_uint_eq(kz_offsets_cp(&o, 5), 4);
	ck_assert_uint_eq(kz_offsets_cp(&o, 6), 5);
	ck_assert_uint_eq(kz_offsets_byte(&o, 5), 6);
	ck_assert_uint_eq(kz_offsets_byte(&o, 15), strlen(s));
	ck_assert_uint_eq(kz_offsets_cp(&o, strlen(s)), 15);
	kz_offsets_release(&o);
}
END_TEST

START_TEST(utf8_repair_marks_bad_bytes)
{
	const char bad[] = "ab\xC3\x28" "cd\xFF";
	kz_buf b;
	size_t first = 99;

	kz_buf_init(&b);
	ck_assert_uint_eq(kz_utf8_repair(bad, sizeof bad - 1, &b, &first), 2);
	ck_assert_uint_eq(first, 2);
	ck_assert_str_eq(b.data, "ab\xEF\xBF\xBD(cd\xEF\xBF\xBD");
	kz_buf_release(&b);
}
END_TEST

START_TEST(fold_case_marks_and_punctuation)
{
	kz_folder *f = kz_folder_new();
	char *a = kz_fold_string(f, "KASSYM–JOMART TOKAÏEV l’OTSC «\u202fŒuvre\u202f»");

	ck_assert_str_eq(a, "kassym-jomart tokaiev l'otsc \" oeuvre \"");
	free(a);
	kz_folder_free(f);
}
END_TEST

START_TEST(fold_map_points_back_to_source)
{
	kz_folder *f = kz_folder_new();
	const char *s = "Straße Tokaïev";
	kz_folded out;
	const char *hit;

	kz_fold(f, s, strlen(s), &out);
	ck_assert_str_eq(out.text, "strasse tokaiev");
	hit = strstr(out.text, "tokaiev");
	ck_assert_ptr_nonnull(hit);
	ck_assert_uint_eq(out.map[hit - out.text], 8);
	ck_assert_uint_eq(kz_folded_src_end(&out, s, strlen(s),
	    (size_t)(hit - out.text) + 7), strlen(s));
	/* a match ending inside the "ss" of ß ends after the whole ß */
	ck_assert_uint_eq(kz_folded_src_end(&out, s, strlen(s), 5), 6);
	kz_folded_release(&out);
	kz_folder_free(f);
}
END_TEST

START_TEST(yaml_tree_keeps_marks)
{
	const char *y = "roles:\n  - key: président\n    forms: [a, b]\n";
	kz_yaml_doc doc;
	kz_error err;
	const kz_yaml_node *roles, *forms;

	ck_assert_int_eq(kz_yaml_load_string("t.yaml", y, strlen(y), &doc, &err), 0);
	roles = kz_yaml_get(doc.root, "roles");
	ck_assert_ptr_nonnull(roles);
	ck_assert_int_eq(roles->kind, KZ_YAML_SEQ);
	ck_assert_str_eq(kz_yaml_str(kz_yaml_get(roles->items[0], "key")), "président");
	forms = kz_yaml_get(roles->items[0], "forms");
	ck_assert_uint_eq(forms->n, 2);
	ck_assert_int_eq(forms->line, 3);
	ck_assert_int_eq(forms->column, 12);
	kz_yaml_doc_release(&doc);
}
END_TEST

START_TEST(yaml_errors_name_line_and_column)
{
	const char *broken = "a: [1, 2\nb: 3\n";
	const char *alias = "a: &x [1]\nb: *x\n";
	const char *dup = "a: 1\na: 2\n";
	kz_yaml_doc doc;
	kz_error err;

	ck_assert_int_eq(kz_yaml_load_string("g.yaml", broken, strlen(broken), &doc, &err), -1);
	ck_assert_str_eq(err.file, "g.yaml");
	ck_assert_int_gt(err.line, 0);
	ck_assert_ptr_nonnull(strstr(err.message, "YAML syntax error"));
	kz_yaml_doc_release(&doc);
	ck_assert_int_eq(kz_yaml_load_string("g.yaml", alias, strlen(alias), &doc, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.message, "anchors"));
	ck_assert_int_eq(err.line, 1);
	kz_yaml_doc_release(&doc);
	ck_assert_int_eq(kz_yaml_load_string("g.yaml", dup, strlen(dup), &doc, &err), -1);
	ck_assert_int_eq(err.line, 2);
	ck_assert_ptr_nonnull(strstr(err.message, "duplicate key"));
	kz_yaml_doc_release(&doc);
}
END_TEST

/* One document per file: a second one is an error at its '---', even
 * when it is empty or broken; an explicit first '---' and a closing '...'
 * are fine. */
START_TEST(yaml_second_document_refused)
{
	const char *two = "a: 1\nb: [x]\n---\nc: 2\n";
	const char *empty = "- x\n- y\n---\n";
	const char *broken = "a: 1\n---\nb: [\n";
	const char *one = "---\na: 1\n...\n";
	kz_yaml_doc doc;
	kz_error err;

	ck_assert_int_eq(kz_yaml_load_string("r.yaml", two, strlen(two), &doc, &err), -1);
	ck_assert_str_eq(err.file, "r.yaml");
	ck_assert_int_eq(err.line, 3);
	ck_assert_int_eq(err.column, 1);
	ck_assert_str_eq(err.message, "a second YAML document ('---') is not"
	    " allowed in kz files: one document per file");
	ck_assert_ptr_null(doc.root);
	ck_assert_int_eq(kz_yaml_load_string("r.yaml", empty, strlen(empty), &doc, &err), -1);
	ck_assert_int_eq(err.line, 3);
	ck_assert_ptr_nonnull(strstr(err.message, "second YAML document"));
	ck_assert_int_eq(kz_yaml_load_string("r.yaml", broken, strlen(broken), &doc, &err), -1);
	ck_assert_int_eq(err.line, 2);
	ck_assert_ptr_nonnull(strstr(err.message, "second YAML document"));
	ck_assert_int_eq(kz_yaml_load_string("r.yaml", one, strlen(one), &doc, &err), 0);
	ck_assert_str_eq(kz_yaml_str(kz_yaml_get(doc.root, "a")), "1");
	kz_yaml_doc_release(&doc);
}
END_TEST

/* The streaming reader hands out the items of a top-level list one at a
 * time, with their marks; checks the rest of the file at the end; and
 * gives a document that is not a list whole. */
START_TEST(yaml_stream_items_one_at_a_time)
{
	const char *list = "# a gazetteer\n- id: a\n  name: A\n- [x, y]\n- z\n";
	const char *map = "a: 1\nb: [2]\n";
	kz_yaml_stream *st;
	kz_yaml_doc item;
	kz_error err;

	st = kz_yaml_stream_new_string("s.yaml", list, strlen(list), &err);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(kz_yaml_stream_next(st, &item, &err), 1);
	ck_assert_int_eq(kz_yaml_stream_is_list(st), 1);
	ck_assert_str_eq(item.name, "s.yaml");
	ck_assert_int_eq(item.root->kind, KZ_YAML_MAP);
	ck_assert_int_eq(item.root->line, 2);
	ck_assert_int_eq(item.root->column, 3);
	ck_assert_str_eq(kz_yaml_str(kz_yaml_get(item.root, "name")), "A");
	kz_yaml_doc_release(&item);
	ck_assert_int_eq(kz_yaml_stream_next(st, &item, &err), 1);
	ck_assert_int_eq(item.root->kind, KZ_YAML_SEQ);
	ck_assert_uint_eq(item.root->n, 2);
	ck_assert_int_eq(item.root->line, 4);
	kz_yaml_doc_release(&item);
	ck_assert_int_eq(kz_yaml_stream_next(st, &item, &err), 1);
	ck_assert_str_eq(kz_yaml_str(item.root), "z");
	kz_yaml_doc_release(&item);
	ck_assert_int_eq(kz_yaml_stream_next(st, &item, &err), 0);
	ck_assert_ptr_null(item.root);
	ck_assert_int_eq(kz_yaml_stream_next(st, &item, &err), 0);
	kz_yaml_stream_free(st);

	st = kz_yaml_stream_new_string("m.yaml", map, strlen(map), &err);
	ck_assert_int_eq(kz_yaml_stream_next(st, &item, &err), 1);
	ck_assert_int_eq(kz_yaml_stream_is_list(st), 0);
	ck_assert_int_eq(item.root->kind, KZ_YAML_MAP);
	ck_assert_uint_eq(item.root->n, 2);
	kz_yaml_doc_release(&item);
	ck_assert_int_eq(kz_yaml_stream_next(st, &item, &err), 0);
	kz_yaml_stream_free(st);

	st = kz_yaml_stream_new_string("e.yaml", "# nothing\n", 10, &err);
	ck_assert_int_eq(kz_yaml_stream_next(st, &item, &err), 0);
	kz_yaml_stream_free(st);
}
END_TEST

/* Errors in a streamed file: the loader's messages and marks, in file
 * order (an item is handed out before a broken one after it is read), and
 * nothing after an error. */
START_TEST(yaml_stream_errors)
{
	const struct {
		const char *yaml;
		int items;              /* handed out before the error */
		long line, column;
		const char *message;
	} cases[] = {
		{ "- a\n- [b\n- c\n", 1, 4, 1, "YAML syntax error" },
		{ "- a\n- {k: 1, k: 2}\n", 1, 2, 10, "duplicate key 'k' (first at line 2)" },
		{ "&l\n- a\n", 0, 1, 1, "YAML anchors (&l) are not allowed in kz files" },
		{ "- a\n- &x b\n- *x\n", 1, 2, 3, "YAML anchors (&x) are not allowed in kz files" },
		{ "- a\n- b\n---\n- c\n", 2, 3, 1, "a second YAML document ('---') is not allowed in kz files: one document per file" },
		{ "a: 1\n---\n", 0, 2, 1, "a second YAML document" },
	};
	char deep[512];
	kz_yaml_doc item;
	kz_error err;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		kz_yaml_stream *st = kz_yaml_stream_new_string("x.yaml",
		    cases[i].yaml, strlen(cases[i].yaml), &err);
		int got = 0, r;

		while ((r = kz_yaml_stream_next(st, &item, &err)) == 1) {
			got++;
			kz_yaml_doc_release(&item);
		}
		ck_assert_msg(r == -1, "case %zu: no error", i);
		ck_assert_ptr_null(item.root);
		ck_assert_int_eq(got, cases[i].items);
		ck_assert_str_eq(err.file, "x.yaml");
		ck_assert_int_eq(err.line, cases[i].line);
		ck_assert_int_eq(err.column, cases[i].column);
		ck_assert_msg(strstr(err.message, cases[i].message) != NULL,
		    "case %zu: %s", i, err.message);
		ck_assert_int_eq(kz_yaml_stream_next(st, &item, &err), -1);
		kz_yaml_stream_free(st);
	}
	/* nesting counts from the top of the file: the list is level 0 */
	{
		size_t k = 0;
		kz_yaml_stream *st;
		kz_yaml_doc whole;

		deep[k++] = '-';
		deep[k++] = ' ';
		/* the list, then 65 flow lists: the last at level 65 */
		for (int d = 0; d <= KZ_YAML_MAX_DEPTH; d++)
			deep[k++] = '[';
		for (int d = 0; d <= KZ_YAML_MAX_DEPTH; d++)
			deep[k++] = ']';
		deep[k] = '\0';
		st = kz_yaml_stream_new_string("d.yaml", deep, k, &err);
		ck_assert_int_eq(kz_yaml_stream_next(st, &item, &err), -1);
		ck_assert_str_eq(err.message, "nesting deeper than 64 levels");
		kz_yaml_stream_free(st);
		ck_assert_int_eq(kz_yaml_load_string("d.yaml", deep, k, &whole,
		    &err), -1);
		ck_assert_str_eq(err.message, "nesting deeper than 64 levels");
		/* one level less loads both ways */
		memmove(deep + 2, deep + 3, k - 3);
		deep[k - 2] = '\0';
		k -= 2;
		st = kz_yaml_stream_new_string("d.yaml", deep, k, &err);
		ck_assert_int_eq(kz_yaml_stream_next(st, &item, &err), 1);
		kz_yaml_doc_release(&item);
		ck_assert_int_eq(kz_yaml_stream_next(st, &item, &err), 0);
		kz_yaml_stream_free(st);
		ck_assert_int_eq(kz_yaml_load_string("d.yaml", deep, k, &whole,
		    &err), 0);
		kz_yaml_doc_release(&whole);
	}
}
END_TEST

START_TEST(reader_passes_broken_lines_on)
{
	const char input[] = "{\"id\":\"a\",\"text\":\"x\"}\n{broken\n\n[1]\n{\"id\":\"b\"}\n";
	FILE *f = fmemopen((void *)input, sizeof input - 1, "r");
	kz_reader *r = kz_reader_new(f, "in.jsonl", 0);
	json_t *rec;
	kz_error err;

	ck_assert_int_eq(kz_reader_next(r, "t", &rec, &err), 1);
	ck_assert_str_eq(json_string_value(json_object_get(rec, "id")), "a");
	json_decref(rec);
	ck_assert_int_eq(kz_reader_next(r, "t", &rec, &err), -1);
	ck_assert_int_eq(err.line, 2);
	ck_assert_str_eq(json_string_value(json_object_get(rec, "id")), "in.jsonl:2");
	ck_assert_str_eq(json_string_value(json_object_get(rec, "raw")), "{broken");
	ck_assert_ptr_nonnull(json_object_get(rec, "errors"));
	json_decref(rec);
	ck_assert_int_eq(kz_reader_next(r, "t", &rec, &err), -1);
	ck_assert_int_eq(err.line, 4);
	json_decref(rec);
	ck_assert_int_eq(kz_reader_next(r, "t", &rec, &err), 1);
	json_decref(rec);
	ck_assert_int_eq(kz_reader_next(r, "t", &rec, &err), 0);
	kz_reader_free(r);
	fclose(f);
}
END_TEST

START_TEST(reader_refuses_overlong_line)
{
	char input[300];
	FILE *f;
	kz_reader *r;
	json_t *rec;
	kz_error err;

	memset(input, 'x', sizeof input);
	input[sizeof input - 1] = '\n';
	f = fmemopen(input, sizeof input, "r");
	r = kz_reader_new(f, "big", 100);
	ck_assert_int_eq(kz_reader_next(r, "t", &rec, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.message, "maximum of 100 bytes"));
	ck_assert_ptr_null(json_object_get(rec, "raw"));
	json_decref(rec);
	ck_assert_int_eq(kz_reader_next(r, "t", &rec, &err), 0);
	kz_reader_free(r);
	fclose(f);
}
END_TEST

START_TEST(span_offsets_are_code_points)
{
	const char *s = "« Élysée »";
	kz_offsets o;
	json_t *span;
	size_t b0, b1;

	kz_offsets_init(&o, s, strlen(s));
	span = kz_span_new(&o, s, 3, 11);   /* "Élysée" in bytes */
	ck_assert_int_eq(json_integer_value(json_object_get(span, "start")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(span, "end")), 8);
	ck_assert_str_eq(json_string_value(json_object_get(span, "text")), "Élysée");
	ck_assert_int_eq(kz_span_bytes(span, &o, &b0, &b1), 0);
	ck_assert_uint_eq(b0, 3);
	ck_assert_uint_eq(b1, 11);
	json_decref(span);
	kz_offsets_release(&o);
}
END_TEST

/* The yajl path must build what jansson builds, and refuse what jansson
 * refuses, so that a record means the same whichever parser read it. */
static int
want_id(const char *top, size_t top_len, const char *key, size_t len,
    void *ctx)
{
	(void)ctx;
	(void)top_len;
	return top != NULL || (len == 2 && memcmp(key, "id", 2) == 0);
}

START_TEST(json_line_agrees_with_jansson)
{
	static const char *good[] = {
		"{\"id\":\"a\",\"text\":\"Tokaïev a dit : \\u00ab non \\u00bb\\n\","
		    "\"n\":-12,\"x\":1.5e3,\"ok\":true,\"no\":null,"
		    "\"list\":[1,[2,{\"k\":\"v\"}],\"\\u00e9\"]}",
		"[1,2,3]",
		"{\"dup\":1,\"dup\":2}",
		"  {\"a\" : { } }  ",
	};
	static const char *bad[] = {
		"{\"t\":\"x\\ud800y\"}",          /* lone high surrogate */
		"{\"t\":\"x\\ud800\\u0041y\"}",   /* not a pair */
		"{\"t\":\"x\\udc00y\"}",          /* lone low surrogate */
		"{\"t\":\"x\\u0000y\"}",          /* NUL */
		"{\"a\\u0000b\":1}",              /* NUL in a key */
		"{\"n\":99999999999999999999}",   /* too big */
		"{\"t\":\"\xC0\xAF\"}",           /* overlong */
		"{\"t\":\"\xED\xA0\x80\"}",       /* raw surrogate */
		"{\"t\":\"\xF5\x80\x80\x80\"}",   /* past U+10FFFF */
		"\"just a string\"",
		"3",
		"{\"a\":1} {\"b\":2}",
		"{\"a\":1,}",
		"{\"id\":",
		"{\"id\":\"b\"}\"",          /* an unfinished token after */
		"{\"id\":\"b\"} x",
		"[1] 2",
	};

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		json_t *fast = kz_json_parse_line(good[i], strlen(good[i]));
		json_t *slow = json_loads(good[i], 0, NULL);

		ck_assert_msg(fast != NULL, "refused: %s", good[i]);
		ck_assert_ptr_nonnull(slow);
		ck_assert_msg(json_equal(fast, slow), "differs: %s", good[i]);
		json_decref(fast);
		json_decref(slow);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *fast = kz_json_parse_line(bad[i], strlen(bad[i]));

		ck_assert_msg(fast == NULL, "accepted: %s", bad[i]);
		ck_assert_ptr_null(json_loads(bad[i], 0, NULL));
	}
	/* a surrogate pair is left to jansson, which the reader falls back to */
	ck_assert_ptr_null(kz_json_parse_line("[\"\\ud83d\\ude00\"]", 16));
}
END_TEST

START_TEST(json_line_depth_limit)
{
	kz_buf b;
	json_t *v;

	kz_buf_init(&b);
	for (int i = 0; i < KZ_JSON_MAX_DEPTH; i++)
		kz_buf_addc(&b, '[');
	for (int i = 0; i < KZ_JSON_MAX_DEPTH; i++)
		kz_buf_addc(&b, ']');
	v = kz_json_parse_line(b.data, b.len);
	ck_assert_ptr_nonnull(v);
	json_decref(v);
	kz_buf_reset(&b);
	for (int i = 0; i <= KZ_JSON_MAX_DEPTH; i++)
		kz_buf_addc(&b, '[');
	for (int i = 0; i <= KZ_JSON_MAX_DEPTH; i++)
		kz_buf_addc(&b, ']');
	ck_assert_ptr_null(kz_json_parse_line(b.data, b.len));
	kz_buf_release(&b);
}
END_TEST

START_TEST(utf8_valid_checks_every_form)
{
	ck_assert_int_eq(kz_utf8_valid("", 0), 1);
	ck_assert_int_eq(kz_utf8_valid("plain ascii text, longer than 8", 31), 1);
	{
		const char *mixed = "Tokaïev « Астана » 😀 and more ascii";

		ck_assert_int_eq(kz_utf8_valid(mixed, strlen(mixed)), 1);
	}
	ck_assert_int_eq(kz_utf8_valid("abcdefgh\xC3", 9), 0);       /* cut */
	ck_assert_int_eq(kz_utf8_valid("abcdefghij\xC0\xAF", 12), 0); /* overlong */
	ck_assert_int_eq(kz_utf8_valid("\xED\xA0\x80", 3), 0);       /* surrogate */
	ck_assert_int_eq(kz_utf8_valid("\xF4\x90\x80\x80", 4), 0);   /* > 10FFFF */
	ck_assert_int_eq(kz_utf8_valid("12345678\x80", 9), 0);       /* stray */
	ck_assert_int_eq(kz_utf8_valid("abc\0defghijkl", 13), 0);    /* NUL, */
	ck_assert_int_eq(kz_utf8_valid("abcdefghijk\0", 12), 0);     /* anywhere */
}
END_TEST

/* The first-byte filter and the one-pass prefix hashes must find what a
 * plain look-up of every length finds. */
START_TEST(wordlist_prefix_and_find)
{
	kz_folder *f = kz_folder_new();
	kz_wordlist w;
	size_t m = 0;

	kz_wordlist_init(&w);
	kz_wordlist_add(&w, f, "Partager cet article");
	kz_wordlist_add(&w, f, "Partager");
	kz_wordlist_add(&w, f, "Lire aussi");
	ck_assert_int_eq(kz_wordlist_prefix(&w, "partager cet article sur x", 26,
	    1, &m), 0);
	ck_assert_uint_eq(m, 20);
	ck_assert_int_eq(kz_wordlist_prefix(&w, "partager", 8, 1, &m), 1);
	/* whole words only: "partagera" is another word */
	ck_assert_int_eq(kz_wordlist_prefix(&w, "partagera", 9, 1, NULL), -1);
	ck_assert_int_eq(kz_wordlist_prefix(&w, "partagera", 9, 0, NULL), 1);
	ck_assert_int_eq(kz_wordlist_prefix(&w, "quoi", 4, 1, NULL), -1);
	ck_assert_int_eq(kz_wordlist_find(&w, "lire aussi", 10), 2);
	ck_assert_int_eq(kz_wordlist_find(&w, "lire aussi et plus encore", 25), -1);
	ck_assert_int_eq(kz_wordlist_find(&w, "lire", 4), -1);
	kz_wordlist_release(&w);
	kz_folder_free(f);
}
END_TEST

/* The map's miss filter must never hide a key, before and after the map
 * grows; a hash filter says "maybe" for every key added. */
START_TEST(strmap_finds_every_key_through_growth)
{
	kz_strmap *m = kz_strmap_new();
	kz_hashfilter f;
	char key[32];
	intptr_t v;
	size_t misses = 0;

	memset(&f, 0, sizeof f);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "mot%d", i);
		kz_strmap_put(m, key, strlen(key), i);
		/* every key so far is still found after each growth */
		if ((i & (i - 1)) == 0)
			for (int k = 0; k <= i; k++) {
				snprintf(key, sizeof key, "mot%d", k);
				ck_assert(kz_strmap_get(m, key, strlen(key), &v));
				ck_assert_int_eq(v, k);
			}
	}
	ck_assert_uint_eq(kz_strmap_size(m), 5000);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "autre%d", i);
		misses += !kz_strmap_get(m, key, strlen(key), NULL);
	}
	ck_assert_uint_eq(misses, 5000);
	kz_strmap_put(m, "mot7", 4, 70);            /* replaced, not added */
	ck_assert(kz_strmap_get_hashed(m, "mot7", 4, kz_hash_bytes("mot7", 4),
	    &v));
	ck_assert_int_eq(v, 70);
	ck_assert_uint_eq(kz_strmap_size(m), 5000);
	kz_strmap_fill_filter(m, &f);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "mot%d", i);
		ck_assert(kz_hashfilter_maybe(&f, kz_hash_bytes(key, strlen(key))));
	}
	kz_strmap_free(m);
}
END_TEST

/* Members a stage neither reads nor writes are located, not built, and
 * their text is exactly the line's. */
START_TEST(json_members_locate_and_build)
{
	const char *line = "{ \"id\" : \"a\", \"n\": 12 , \"deep\":[1,{\"x\":[2]},"
	    "\"s\\\"\"], \"z\":null, \"id\":\"b\", \"r\":1.50 }";
	kz_json_members m = { 0 };
	json_t *v = kz_json_parse_members(line, strlen(line), want_id, NULL, &m);
	static const char *const keys[] = { "id", "n", "deep", "z", "r" };
	static const char *const texts[] = {
		"\"b\"", "12", "[1,{\"x\":[2]},\"s\\\"\"]", "null", "1.50"
	};

	ck_assert_ptr_nonnull(v);
	/* the key given twice keeps its first place and its last value */
	ck_assert_uint_eq(m.n, 5);
	ck_assert_uint_eq(json_object_size(v), 1);
	ck_assert_str_eq(json_string_value(json_object_get(v, "id")), "b");
	for (size_t i = 0; i < m.n; i++) {
		ck_assert_str_eq(m.items[i].key, keys[i]);
		ck_assert_int_eq(m.items[i].parsed, i == 0);
		ck_assert_uint_eq(m.items[i].end - m.items[i].start,
		    strlen(texts[i]));
		ck_assert(memcmp(line + m.items[i].start, texts[i],
		    strlen(texts[i])) == 0);
	}
	json_decref(v);
	/* a number too large to build, in a member that is not built, is
	 * located as its bytes (issue 13: such records were refused whole);
	 * in a built member it is refused as jansson would */
	v = kz_json_parse_members("{\"id\":\"a\",\"n\":1e999,\"m\":"
	    "123456789012345678901234567890}", 55, want_id, NULL, &m);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(m.n, 3);
	ck_assert_uint_eq(m.items[1].end - m.items[1].start, 5);
	ck_assert_uint_eq(m.items[2].end - m.items[2].start, 30);
	json_decref(v);
	ck_assert_ptr_null(kz_json_parse_members("{\"n\":1e999,\"id\":\"a\"}", 20,
	    NULL, NULL, &m));
	ck_assert_ptr_null(kz_json_parse_members("{\"id\":\"a\",\"t\":\"\xC0\xAF\"}",
	    20, want_id, NULL, &m));
	ck_assert_uint_eq(m.n, 0);
	kz_json_members_release(&m);
}
END_TEST

/* The writer copies what the stage did not build or only read, writes
 * what it set, and drops what it removed. */
START_TEST(reader_writes_members_through)
{
	const char input[] = "{\"id\":\"a\", \"text\":\"x\",\"blocks\": [ 1,"
	    "{\"kind\":\"p\", \"text\":\"x\"} ],\"keep\":{\"k\": 1.50},"
	    "\"entities\":[{\"text\":\"old\"}],\"errors\":[]}\n"
	    "{\"id\":\"long\",\"text\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "\"}\n";
	static const char *const reads[] = { "text", "blocks", NULL };
	static const char *const writes[] = { "entities", "gone", NULL };
	static const char *const skips[] = { "blocks.text", "entities.text",
		NULL };
	FILE *f = fmemopen((void *)input, sizeof input - 1, "r");
	kz_reader *r = kz_reader_new(f, "in.jsonl", 150);
	char *out = NULL;
	size_t outlen = 0;
	FILE *o = open_memstream(&out, &outlen);
	json_t *rec, *block;
	kz_error err;

	kz_reader_set_fields(r, reads, writes, skips);
	ck_assert_int_eq(kz_reader_next(r, "t", &rec, &err), 1);
	ck_assert_ptr_null(json_object_get(rec, "keep"));       /* not built */
	ck_assert_ptr_nonnull(json_object_get(rec, "blocks"));  /* read */
	/* skipped inside a member only read, not inside one written */
	block = json_array_get(json_object_get(rec, "blocks"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(block, "kind")), "p");
	ck_assert_ptr_null(json_object_get(block, "text"));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(rec, "entities"), 0), "text")), "old");
	json_object_set_new(rec, "entities", json_string("new"));
	json_object_del(rec, "errors");
	json_object_set_new(rec, "mentions", json_integer(7));
	ck_assert_int_eq(kz_reader_write(r, o, rec, "\"x\":true", 8), 0);
	fclose(o);
	ck_assert_str_eq(out, "{\"id\":\"a\",\"text\":\"x\",\"blocks\":[ 1,"
	    "{\"kind\":\"p\", \"text\":\"x\"} ],\"keep\":{\"k\": 1.50},"
	    "\"entities\":\"new\",\"mentions\":7,\"x\":true}\n");
	free(out);
	json_decref(rec);
	/* a stand-in after it (a line past --max-line) owes nothing to the
	 * line before */
	ck_assert_int_eq(kz_reader_next(r, "t", &rec, &err), -1);
	o = open_memstream(&out, &outlen);
	ck_assert_int_eq(kz_reader_write(r, o, rec, NULL, 0), 0);
	fclose(o);
	ck_assert_ptr_null(strstr(out, "keep"));
	ck_assert_ptr_nonnull(strstr(out, "\"errors\""));
	free(out);
	json_decref(rec);
	kz_reader_free(r);
	fclose(f);
}
END_TEST

/* ---------------------------------------------------------- rules cache */

static int
same_tree(const kz_yaml_node *a, const kz_yaml_node *b)
{
	size_t count;

	if (a->kind != b->kind || a->line != b->line || a->column != b->column ||
	    a->plain != b->plain || a->n != b->n)
		return 0;
	if (a->kind == KZ_YAML_SCALAR)
		return strcmp(a->scalar, b->scalar) == 0;
	count = a->kind == KZ_YAML_MAP ? 2 * a->n : a->n;
	for (size_t i = 0; i < count; i++)
		if (!same_tree(a->items[i], b->items[i]))
			return 0;
	return 1;
}

static void
write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* The first rules-*.kzy of dir, read whole. */
static unsigned char *
read_image(const char *dir, char *path, size_t n, size_t *len)
{
	char cmd[512];
	FILE *p;
	unsigned char *data;

	snprintf(cmd, sizeof cmd, "ls %s/rules-*.kzy", dir);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(fgets(path, (int)n, p));
	pclose(p);
	path[strcspn(path, "\n")] = '\0';
	p = fopen(path, "rb");
	ck_assert_ptr_nonnull(p);
	data = kz_malloc(1 << 16);
	*len = fread(data, 1, 1 << 16, p);
	fclose(p);
	return data;
}

/* A tree read back from the cache is the tree parsed; an image whose
 * checksum is right but whose links are not (here a list holding its own
 * parent: a cycle) is parsed again, never followed. */
START_TEST(yaml_cache_round_trip_and_forged_links)
{
	const char *y = "# rules\nlist:\n  - \"a\"\n  - b: [1, 2]\n    c: ~\nnested:\n"
	    "  deep: {x: [y, [z]]}\n";
	char dir[] = "/tmp/kz-yamlcache-XXXXXX", cache[64], file[64], img[600];
	kz_yaml_doc parsed, cached, again;
	kz_error err;
	unsigned char *data;
	size_t len;
	uint32_t nn, first;
	uint64_t sum;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cache, sizeof cache, "%s/cache", dir);
	snprintf(file, sizeof file, "%s/r.yaml", dir);
	write_bytes(file, y, strlen(y));
	kz_gazcache_config(1, cache);
	ck_assert_int_eq(kz_yaml_load_file(file, &parsed, &err), 0);
	ck_assert_ptr_null(parsed.block);
	ck_assert_int_eq(kz_yaml_load_file(file, &cached, &err), 0);
	ck_assert_ptr_nonnull(cached.block);
	ck_assert(same_tree(parsed.root, cached.root));
	ck_assert_str_eq(cached.name, file);
	kz_yaml_doc_release(&cached);

	/* node 0 is the root map; its first value (the list) made node 0 */
	data = read_image(cache, img, sizeof img, &len);
	memcpy(&nn, data + 32, 4);
	memcpy(&first, data + 56 + 16, 4);
	memset(data + 56 + (size_t)nn * 24 + 4 * ((size_t)first + 1), 0, 4);
	sum = kz_xxh64(data, len - 8, 0);
	memcpy(data + len - 8, &sum, 8);
	write_bytes(img, data, len);
	ck_assert_int_eq(kz_yaml_load_file(file, &again, &err), 0);
	ck_assert_ptr_null(again.block);
	ck_assert(same_tree(parsed.root, again.root));
	kz_yaml_doc_release(&again);
	/* and the image was written again, good this time */
	ck_assert_int_eq(kz_yaml_load_file(file, &again, &err), 0);
	ck_assert_ptr_nonnull(again.block);
	kz_yaml_doc_release(&again);

	kz_yaml_doc_release(&parsed);
	kz_gazcache_config(1, NULL);
	free(data);
	unlink(img);
	unlink(file);
	rmdir(cache);
	rmdir(dir);
}
END_TEST

/* A local rules file merged over a shipped one (kz_yaml_merge) when both
 * trees come from the cache, which maps them read-only: the merge works on
 * copies, and gives the tree the parsed files give. */
START_TEST(yaml_merge_over_cached_trees)
{
	const char *base = "verbs:\n  - {lemma: dire, forms: [dit]}\n"
	    "  - {lemma: affirmer, forms: [affirmé]}\nsev: error\nkeep: [a, b]\n";
	const char *over = "verbs:\n  - {lemma: affirmer, disabled: true}\n"
	    "  - {lemma: marteler, forms: [martelé]}\nsev: warning\nnew: 1\n";
	char dir[] = "/tmp/kz-yamlmerge-XXXXXX", cache[64], fb[64], fo[64];
	kz_yaml_doc pb, po, cb, co;
	kz_error err;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cache, sizeof cache, "%s/cache", dir);
	snprintf(fb, sizeof fb, "%s/base.yaml", dir);
	snprintf(fo, sizeof fo, "%s/over.yaml", dir);
	write_bytes(fb, base, strlen(base));
	write_bytes(fo, over, strlen(over));
	kz_gazcache_config(1, cache);
	/* the first loads parse (and write the images), the second map them */
	ck_assert_int_eq(kz_yaml_load_file(fb, &pb, &err), 0);
	ck_assert_int_eq(kz_yaml_load_file(fo, &po, &err), 0);
	ck_assert_ptr_null(pb.block);
	ck_assert_int_eq(kz_yaml_load_file(fb, &cb, &err), 0);
	ck_assert_int_eq(kz_yaml_load_file(fo, &co, &err), 0);
	ck_assert_ptr_nonnull(cb.block);
	ck_assert_ptr_nonnull(co.block);
	ck_assert_int_eq(kz_yaml_merge(&pb, &po, &err), 0);
	ck_assert_int_eq(kz_yaml_merge(&cb, &co, &err), 0);
	ck_assert_ptr_null(cb.block);
	ck_assert(same_tree(pb.root, cb.root));
	ck_assert_str_eq(kz_yaml_str(kz_yaml_get(cb.root, "sev")), "warning");
	ck_assert_uint_eq(kz_yaml_get(cb.root, "verbs")->n, 2);
	ck_assert_str_eq(kz_yaml_str(kz_yaml_get(
	    kz_yaml_get(cb.root, "verbs")->items[1], "lemma")), "marteler");
	kz_yaml_doc_release(&pb);
	kz_yaml_doc_release(&cb);
	/* the images are whole after it: read again, the same trees */
	ck_assert_int_eq(kz_yaml_load_file(fb, &cb, &err), 0);
	ck_assert_ptr_nonnull(cb.block);
	ck_assert_uint_eq(kz_yaml_get(cb.root, "verbs")->n, 2);
	ck_assert_str_eq(kz_yaml_str(kz_yaml_get(cb.root, "sev")), "error");
	kz_yaml_doc_release(&cb);
	kz_gazcache_config(1, NULL);
	{
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		ck_assert_int_eq(system(cmd), 0);
	}
}
END_TEST

/* A map written as bytes comes back with every key and value, and bytes
 * that are not such a map are refused, never followed. */
START_TEST(strmap_bytes_round_trip_and_refusals)
{
	kz_strmap *m = kz_strmap_new(), *back;
	kz_buf b;
	const unsigned char *p, *end;
	char key[32];
	intptr_t v;

	for (int i = 0; i < 500; i++) {
		snprintf(key, sizeof key, "clé %d", i);
		kz_strmap_put(m, key, strlen(key), i * 3);
	}
	kz_strmap_put(m, "", 0, -7);
	kz_buf_init(&b);
	kz_strmap_save(m, &b);
	p = (const unsigned char *)b.data;
	end = p + b.len;
	back = kz_strmap_load(&p, end);
	ck_assert_ptr_nonnull(back);
	ck_assert_ptr_eq(p, end);
	ck_assert_uint_eq(kz_strmap_size(back), 501);
	for (int i = 0; i < 500; i++) {
		snprintf(key, sizeof key, "clé %d", i);
		ck_assert(kz_strmap_get(back, key, strlen(key), &v));
		ck_assert_int_eq(v, i * 3);
	}
	ck_assert(kz_strmap_get(back, "", 0, &v));
	ck_assert_int_eq(v, -7);
	ck_assert(!kz_strmap_get(back, "clé 500", strlen("clé 500"), NULL));
	kz_strmap_free(back);
	/* cut short */
	p = (const unsigned char *)b.data;
	ck_assert_ptr_null(kz_strmap_load(&p, p + b.len - 9));
	/* the second key's slot made the first's: a slot twice */
	{
		unsigned char *d = (unsigned char *)b.data;
		uint64_t slot0, len0;
		size_t second;

		memcpy(&slot0, d + 16, 8);
		memcpy(&len0, d + 16 + 24, 8);
		second = 16 + 32 + (size_t)(len0 + 7) / 8 * 8;
		memcpy(d + second, &slot0, 8);
		p = d;
		ck_assert_ptr_null(kz_strmap_load(&p, d + b.len));
	}
	/* a table fuller than a map ever is */
	{
		uint64_t count = 64;

		memcpy(b.data + 8, &count, 8);
		memset(b.data, 0, 8);
		b.data[0] = 64;
		p = (const unsigned char *)b.data;
		ck_assert_ptr_null(kz_strmap_load(&p, p + b.len));
	}
	kz_buf_release(&b);
	kz_strmap_free(m);
}
END_TEST

Suite *
suite_core(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, offsets_round_trip);
	tcase_add_test(tc, utf8_repair_marks_bad_bytes);
	tcase_add_test(tc, fold_case_marks_and_punctuation);
	tcase_add_test(tc, fold_map_points_back_to_source);
	tcase_add_test(tc, yaml_tree_keeps_marks);
	tcase_add_test(tc, yaml_cache_round_trip_and_forged_links);
	tcase_add_test(tc, yaml_merge_over_cached_trees);
	tcase_add_test(tc, strmap_bytes_round_trip_and_refusals);
	tcase_add_test(tc, yaml_errors_name_line_and_column);
	tcase_add_test(tc, yaml_second_document_refused);
	tcase_add_test(tc, yaml_stream_items_one_at_a_time);
	tcase_add_test(tc, yaml_stream_errors);
	tcase_add_test(tc, reader_passes_broken_lines_on);
	tcase_add_test(tc, reader_refuses_overlong_line);
	tcase_add_test(tc, span_offsets_are_code_points);
	tcase_add_test(tc, json_line_agrees_with_jansson);
	tcase_add_test(tc, json_line_depth_limit);
	tcase_add_test(tc, utf8_valid_checks_every_form);
	tcase_add_test(tc, wordlist_prefix_and_find);
	tcase_add_test(tc, strmap_finds_every_key_through_growth);
	tcase_add_test(tc, json_members_locate_and_build);
	tcase_add_test(tc, reader_writes_members_through);
	suite_add_tcase(s, tc);
	return s;
}
