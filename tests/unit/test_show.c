/* Unit tests of the show library: escaping, shortening, and each format
 * rendered into memory. */
#include "kz_test.h"

#include "buf.h"
#include "esc.h"
#include "show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* A record shaped like kz-check's output for a pull quote signed with the
 * wrong title. */
static const char record_json[] =
"{\"kz\":1,\"id\":\"t1\",\"text\":\"Titre court\\n\\n« Nous partirons », a dit Ana Pop.\\n\\nNous partirons.\\nAna Pop\\nPrésident kazakh\\n\","
"\"blocks\":[{\"kind\":\"title\",\"start\":0,\"end\":11,\"text\":\"Titre court\"}],"
"\"entities\":[{\"start\":39,\"end\":46,\"text\":\"Ana Pop\",\"type\":\"PER\",\"canonical\":\"Ana Pop\"},"
"{\"start\":65,\"end\":72,\"text\":\"Ana Pop\",\"type\":\"PER\",\"canonical\":\"Ana Pop\"}],"
"\"quotes\":[{\"start\":15,\"end\":29,\"text\":\"Nous partirons\",\"kind\":\"direct\","
"\"speaker\":{\"start\":39,\"end\":46,\"text\":\"Ana Pop\",\"name\":\"Ana Pop\",\"via\":\"name\"},"
"\"cue\":{\"start\":33,\"end\":38,\"text\":\"a dit\"}},"
"{\"start\":49,\"end\":64,\"text\":\"Nous partirons.\",\"kind\":\"pull\","
"\"speaker\":{\"start\":65,\"end\":72,\"text\":\"Ana Pop\",\"name\":\"Ana Pop\",\"via\":\"signature\"},"
"\"signature\":{\"name\":{\"start\":65,\"end\":72,\"text\":\"Ana Pop\"},\"title\":{\"start\":73,\"end\":89,\"text\":\"Président kazakh\"}},\"same_as\":0}],"
"\"flags\":[{\"rule\":\"role-mismatch\",\"severity\":\"error\",\"start\":73,\"end\":89,\"text\":\"Président kazakh\","
"\"message\":\"Ana Pop n'est pas présidente\",\"evidence\":[{\"start\":39,\"end\":46,\"text\":\"Ana Pop\"}]},"
"{\"rule\":\"missing-input\",\"severity\":\"info\",\"start\":0,\"end\":0,\"text\":\"\",\"message\":\"pas de date\"}]}";

static json_t *
record(void)
{
	json_error_t e;
	json_t *rec = json_loads(record_json, 0, &e);

	ck_assert_msg(rec != NULL, "test record: %s", e.text);
	return rec;
}

/* Render records with opts into a new string (free it). */
static char *
render(const kz_show_opts *o, json_t *const *recs, size_t n)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	kz_show *s = kz_show_new(f, o);

	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(kz_show_record(s, recs[i]), 0);
	ck_assert_int_eq(kz_show_finish(s), 0);
	kz_show_free(s);
	fclose(f);
	return data;
}

START_TEST(tsv_escape_fields)
{
	kz_buf b;

	kz_buf_init(&b);
	kz_show_tsv_escape(&b, "a\tb\nc\rd\\e", 9);
	ck_assert_str_eq(b.data, "a\\tb\\nc\\rd\\\\e");
	kz_buf_release(&b);
}
END_TEST

/* Every escape reads back as the bytes it stood for: a journal of file
 * names (kz-run's .kz-state) must find each name again. A raw 0x9b byte
 * and the C1 control U+009B are told apart. */
START_TEST(escapes_read_back)
{
	static const char *const cases[] = {
		"plain", "tab\there", "a\\b", "esc\x1b[2J", "bel\a",
		"c1 \xc2\x9b csi", "raw \x9b byte", "latin1 \xe9t\xe9",
		"bidi \xe2\x80\xae rlo", "del\x7f", "nl\nand cr\r",
		"\\x41 is no escape", "ends with \\",
	};
	kz_buf esc, back;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		kz_buf_init(&esc);
		kz_buf_init(&back);
		kz_esc_add(&esc, cases[i], strlen(cases[i]), KZ_ESC_BACKSLASH);
		ck_assert(!kz_esc_needed(esc.data, esc.len));
		kz_esc_unescape(&back, esc.data, esc.len);
		ck_assert_uint_eq(back.len, strlen(cases[i]));
		ck_assert(memcmp(back.data, cases[i], back.len) == 0);
		kz_buf_release(&esc);
		kz_buf_release(&back);
	}
	kz_buf_init(&esc);
	kz_esc_add(&esc, "\xc2\x9b|\x9b", 4, 0);
	ck_assert_str_eq(esc.data, "\\u009b|\\x9b");
	kz_buf_release(&esc);
}
END_TEST

START_TEST(html_escape_everything)
{
	kz_buf b;

	kz_buf_init(&b);
	kz_show_html_escape(&b, "<a href=\"x\">&'</a>\x1b", 19);
	ck_assert_str_eq(b.data, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;\xEF\xBF\xBD");
	kz_buf_release(&b);
}
END_TEST

START_TEST(shorten_keeps_head_and_tail)
{
	const char *s = "Nous ne laisserons personne menacer notre pays. Les points"
	    " de passage resteront fermés aussi longtemps que nécessaire.";
	kz_buf b;

	kz_buf_init(&b);
	kz_show_shorten(&b, "court", 5, 40);
	ck_assert_str_eq(b.data, "court");
	kz_buf_reset(&b);
	kz_show_shorten(&b, s, strlen(s), 60);
	ck_assert_ptr_nonnull(strstr(b.data, " … "));
	ck_assert_msg(strncmp(b.data, "Nous ne laisserons", 18) == 0, "%s", b.data);
	ck_assert_msg(strstr(b.data, "nécessaire.") != NULL, "%s", b.data);
	/* at most 60 code points, cut between words */
	{
		size_t cps = 0;

		for (size_t i = 0; i < b.len; i++)
			cps += ((unsigned char)b.data[i] & 0xC0) != 0x80;
		ck_assert_uint_le(cps, 60);
	}
	ck_assert_ptr_null(strstr(b.data, "pers …"));
	kz_buf_release(&b);
}
END_TEST

START_TEST(format_names)
{
	kz_show_format f;

	ck_assert_int_eq(kz_show_format_parse("html", &f), 0);
	ck_assert_int_eq(f, KZ_SHOW_HTML);
	ck_assert_int_eq(kz_show_format_parse("tsv", &f), 0);
	ck_assert_int_eq(f, KZ_SHOW_TSV);
	ck_assert_int_eq(kz_show_format_parse("pdf", &f), -1);
}
END_TEST

START_TEST(count_flags_by_severity)
{
	json_t *rec = record();
	size_t c[3];

	kz_show_count_flags(rec, c);
	ck_assert_uint_eq(c[0], 1);
	ck_assert_uint_eq(c[1], 0);
	ck_assert_uint_eq(c[2], 1);
	ck_assert_int_eq(kz_show_has_errors(rec), 0);
	json_decref(rec);
}
END_TEST

START_TEST(text_flags_quotes_entities)
{
	json_t *rec = record();
	kz_show_opts o = { .format = KZ_SHOW_TEXT, .width = 80 };
	char *out = render(&o, &rec, 1);
	char *flags = strstr(out, "\nFLAGS\n"), *quotes = strstr(out, "\nQUOTES\n");
	char *ents = strstr(out, "\nENTITIES\n");

	ck_assert_msg(strncmp(out, "t1  Titre court\n", 16) == 0, "%s", out);
	ck_assert_msg(flags && quotes && ents && flags < quotes && quotes < ents,
	    "%s", out);
	/* the error before the info, the line marked under the span */
	ck_assert_ptr_nonnull(strstr(out, "  error    role-mismatch  line 7\n"
	    "    7 │ Président kazakh\n      │ ^^^^^^^^^^^^^^^^\n"));
	ck_assert(strstr(out, "role-mismatch") < strstr(out, "missing-input"));
	ck_assert_ptr_nonnull(strstr(out, "      3 │ « Nous partirons », a dit Ana Pop.\n"
	    "        │                           ~~~~~~~\n"));
	ck_assert_ptr_nonnull(strstr(out, "  2 pull     Ana Pop, via signature"
	    " « Président kazakh » (repeats 1)\n"));
	ck_assert_ptr_nonnull(strstr(out, "⚑ error role-mismatch"));
	ck_assert_ptr_nonnull(strstr(out, "  PER   Ana Pop ×2\n"));
	ck_assert_ptr_null(strchr(out, '\033'));
	free(out);
	json_decref(rec);
}
END_TEST

START_TEST(text_colour_only_when_asked)
{
	json_t *rec = record();
	kz_show_opts o = { .format = KZ_SHOW_TEXT, .width = 80, .color = 1 };
	char *out = render(&o, &rec, 1);

	ck_assert_ptr_nonnull(strstr(out, "\033[1;31mPrésident kazakh\033[0m"));
	free(out);
	json_decref(rec);
}
END_TEST

START_TEST(tsv_rows_with_flags)
{
	json_t *rec = record();
	kz_show_opts o = { .format = KZ_SHOW_TSV };
	char *out = render(&o, &rec, 1);

	ck_assert_str_eq(out, "id\tspeaker\tquote\tcue\tkind\tflags\n"
	    "t1\tAna Pop\tNous partirons\ta dit\tdirect\t\n"
	    "t1\tAna Pop\tNous partirons.\t\tpull\trole-mismatch:error\n");
	free(out);
	json_decref(rec);
}
END_TEST

START_TEST(html_one_page_for_a_batch)
{
	json_t *recs[2] = { record(), record() };
	kz_show_opts o = { .format = KZ_SHOW_HTML };
	char *out = render(&o, recs, 2);
	char *p;
	int n = 0;

	ck_assert_msg(strncmp(out, "<!DOCTYPE html>", 15) == 0, "%.40s", out);
	for (p = out; (p = strstr(p, "<section class=\"art\"")) != NULL; p++)
		n++;
	ck_assert_int_eq(n, 2);
	ck_assert_ptr_nonnull(strstr(out, "id=\"a2-l7\""));
	ck_assert_ptr_nonnull(strstr(out, "2 articles · 2 errors · 0 warnings · 2 info"));
	ck_assert_ptr_nonnull(strstr(out, "<div class=\"card fe\" data-k=\"0\">"));
	ck_assert_ptr_nonnull(strstr(out, "</html>\n"));
	free(out);
	json_decref(recs[0]);
	json_decref(recs[1]);
}
END_TEST

START_TEST(html_empty_batch_is_a_page)
{
	kz_show_opts o = { .format = KZ_SHOW_HTML };
	char *out = render(&o, NULL, 0);

	ck_assert_ptr_nonnull(strstr(out, "No articles in the input."));
	ck_assert_ptr_nonnull(strstr(out, "</html>\n"));
	free(out);
}
END_TEST

START_TEST(stand_in_record_shows_errors)
{
	json_t *rec = json_pack("{s:i, s:s, s:s, s:[{s:s, s:s}], s:s}", "kz", 1,
	    "id", "stdin:3", "text", "", "errors", "stage", "kz-tag", "message",
	    "not valid JSON at column 4", "raw", "{\"id\":");
	kz_show_opts o = { .format = KZ_SHOW_TEXT, .width = 80 };
	char *out = render(&o, &rec, 1);

	ck_assert_int_eq(kz_show_has_errors(rec), 1);
	ck_assert_str_eq(out, "stdin:3\n\nERRORS\n  kz-tag  not valid JSON at column 4\n"
	    "  raw line: {\"id\":\n");
	free(out);
	json_decref(rec);
}
END_TEST

/* Columns, not code points: wide CJK and emoji take two, combining marks
 * none, a control the one space it is shown as, a bidi control its name. */
START_TEST(width_in_columns)
{
	ck_assert_uint_eq(kz_show_width("abc", 3), 3);
	ck_assert_uint_eq(kz_show_width("é", strlen("é")), 1);
	ck_assert_uint_eq(kz_show_width("e\xcc\x81", 3), 1);     /* e + U+0301 */
	ck_assert_uint_eq(kz_show_width("日本", strlen("日本")), 4);
	ck_assert_uint_eq(kz_show_width("\xf0\x9f\x8e\x89", 4), 2); /* U+1F389 */
	ck_assert_uint_eq(kz_show_width("a\x1b" "b", 3), 3);
	ck_assert_uint_eq(kz_show_width("\xe2\x80\xae", 3), 8);  /* [U+202E] */
	ck_assert_uint_eq(kz_show_width("", 0), 0);
}
END_TEST

static json_t *
parse(const char *js)
{
	json_error_t e;
	json_t *rec = json_loads(js, 0, &e);

	ck_assert_msg(rec != NULL, "test record: %s", e.text);
	return rec;
}

/* The mark under a span stands under its columns. */
START_TEST(text_marks_columns)
{
	/* "日本語の" is 8 columns; "Cafe" + U+0301 + " " is 5 */
	json_t *rec = parse("{\"id\":\"w\",\"text\":\"日本語のテキスト\\nCafe\\u0301 noir\","
	    "\"flags\":[{\"rule\":\"a\",\"severity\":\"error\",\"start\":4,\"end\":8,"
	    "\"text\":\"テキスト\",\"message\":\"m\"},{\"rule\":\"b\",\"severity\":\"warning\","
	    "\"start\":15,\"end\":19,\"text\":\"noir\",\"message\":\"m\"}]}");
	kz_show_opts o = { .format = KZ_SHOW_TEXT, .width = 80 };
	char *out = render(&o, &rec, 1);

	ck_assert_msg(strstr(out, "    1 │ 日本語のテキスト\n      │         ^^^^^^^^\n")
	    != NULL, "%s", out);
	ck_assert_msg(strstr(out, "    2 │ Cafe\xcc\x81 noir\n      │      ^^^^\n")
	    != NULL, "%s", out);
	free(out);
	json_decref(rec);
}
END_TEST

/* Columns of a line of the report, counted here without kz_show_width. */
static size_t
columns(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	size_t cols = 0;

	while (*p && (n = utf8proc_iterate(p, -1, &cp)) > 0) {
		cols += (size_t)utf8proc_charwidth(cp);
		p += n;
	}
	return cols;
}

/* Wrapped text and cut context lines fit the width in columns. */
START_TEST(text_wide_lines_fit)
{
	static const char word[] = "東京都庁 ";
	kz_buf js, text;
	kz_show_opts o = { .format = KZ_SHOW_TEXT, .width = 40 };
	json_t *rec;
	char *out, *line;
	size_t n = 0;

	kz_buf_init(&js);
	kz_buf_init(&text);
	for (int i = 0; i < 30; i++)
		kz_buf_adds(&text, word);
	kz_buf_addf(&js, "{\"id\":\"w\",\"text\":\"%s\",\"flags\":[{\"rule\":\"r\","
	    "\"severity\":\"error\",\"start\":50,\"end\":54,\"text\":\"東京都庁\","
	    "\"message\":\"%s\"}],\"entities\":[", text.data, text.data);
	for (int i = 0; i < 12; i++)
		kz_buf_addf(&js, "%s{\"type\":\"PER\",\"canonical\":\"習近平%d\"}",
		    i ? "," : "", i);
	kz_buf_adds(&js, "]}");
	rec = parse(js.data);
	out = render(&o, &rec, 1);
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n"), n++)
		ck_assert_msg(columns(line) <= 40, "%zu columns: [%s]",
		    columns(line), line);
	ck_assert_uint_gt(n, 10);
	free(out);
	json_decref(rec);
	kz_buf_release(&js);
	kz_buf_release(&text);
}
END_TEST

Suite *
suite_show(void)
{
	Suite *s = suite_create("show");
	TCase *tc = tcase_create("show");

	tcase_add_test(tc, tsv_escape_fields);
	tcase_add_test(tc, escapes_read_back);
	tcase_add_test(tc, html_escape_everything);
	tcase_add_test(tc, shorten_keeps_head_and_tail);
	tcase_add_test(tc, format_names);
	tcase_add_test(tc, count_flags_by_severity);
	tcase_add_test(tc, text_flags_quotes_entities);
	tcase_add_test(tc, text_colour_only_when_asked);
	tcase_add_test(tc, tsv_rows_with_flags);
	tcase_add_test(tc, html_one_page_for_a_batch);
	tcase_add_test(tc, html_empty_batch_is_a_page);
	tcase_add_test(tc, stand_in_record_shows_errors);
	tcase_add_test(tc, width_in_columns);
	tcase_add_test(tc, text_marks_columns);
	tcase_add_test(tc, text_wide_lines_fit);
	suite_add_tcase(s, tc);
	return s;
}
