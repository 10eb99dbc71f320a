/* Unit tests of the core modules: text offsets, folding, YAML tree,
 * records. */
#include "kz_test.h"

#include "buf.h"
#include "fold.h"
#include "record.h"
#include "text.h"
#include "yamltree.h"

#include <string.h>

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
	tcase_add_test(tc, yaml_errors_name_line_and_column);
	tcase_add_test(tc, reader_passes_broken_lines_on);
	tcase_add_test(tc, reader_refuses_overlong_line);
	tcase_add_test(tc, span_offsets_are_code_points);
	suite_add_tcase(s, tc);
	return s;
}
