/* Unit tests of date.c: the calendar every date kz reads is checked
 * against (gazetteer roles and variants, --date, records, datelines). */
#include "kz_test.h"

#include "date.h"

#include <jansson.h>
#include <string.h>

START_TEST(date_calendar_and_leap_years)
{
	ck_assert_int_eq(kz_date_valid(2024, 2, 29), 1);
	ck_assert_int_eq(kz_date_valid(2023, 2, 29), 0);
	ck_assert_int_eq(kz_date_valid(2022, 2, 30), 0);
	ck_assert_int_eq(kz_date_valid(2000, 2, 29), 1);    /* divisible by 400 */
	ck_assert_int_eq(kz_date_valid(1900, 2, 29), 0);    /* by 100, not 400 */
	ck_assert_int_eq(kz_date_valid(2100, 2, 29), 0);
	ck_assert_int_eq(kz_date_valid(2022, 4, 30), 1);
	ck_assert_int_eq(kz_date_valid(2022, 4, 31), 0);
	ck_assert_int_eq(kz_date_valid(2022, 6, 31), 0);
	ck_assert_int_eq(kz_date_valid(2022, 9, 31), 0);
	ck_assert_int_eq(kz_date_valid(2022, 11, 31), 0);
	ck_assert_int_eq(kz_date_valid(2022, 12, 31), 1);
	ck_assert_int_eq(kz_date_valid(2022, 1, 31), 1);
	ck_assert_int_eq(kz_date_valid(2022, 1, 0), 0);
	ck_assert_int_eq(kz_date_valid(2022, 0, 1), 0);
	ck_assert_int_eq(kz_date_valid(2022, 13, 1), 0);
}
END_TEST

START_TEST(date_parse_forms_and_impossible_days)
{
	ck_assert_int_eq(kz_date_parse("2022-01-10"), 20220110);
	ck_assert_int_eq(kz_date_parse("2024-02-29"), 20240229);
	ck_assert_int_eq(kz_date_parse("2022"), 20220101);
	ck_assert_int_eq(kz_date_parse("2022-03"), 20220301);
	ck_assert_int_eq(kz_date_parse("2022-02-30"), KZ_DATE_NO_DAY);
	ck_assert_int_eq(kz_date_parse("2023-02-29"), KZ_DATE_NO_DAY);
	ck_assert_int_eq(kz_date_parse("2022-04-31"), KZ_DATE_NO_DAY);
	ck_assert_int_eq(kz_date_parse("2022-13-01"), KZ_DATE_BAD);
	ck_assert_int_eq(kz_date_parse("2022-01-32"), KZ_DATE_BAD);
	ck_assert_int_eq(kz_date_parse("2022-00-10"), KZ_DATE_BAD);
	ck_assert_int_eq(kz_date_parse("2022-1-10"), KZ_DATE_BAD);
	ck_assert_int_eq(kz_date_parse("2022-01-1x"), KZ_DATE_BAD);
	ck_assert_int_eq(kz_date_parse("2022-01-10T10:00"), KZ_DATE_BAD);
	ck_assert_int_eq(kz_date_parse("0999-01-01"), KZ_DATE_BAD);
	ck_assert_int_eq(kz_date_parse("3000-01-01"), KZ_DATE_BAD);
	ck_assert_int_eq(kz_date_parse("hier"), KZ_DATE_BAD);
	ck_assert_int_eq(kz_date_parse(""), KZ_DATE_BAD);
	ck_assert_int_eq(kz_date_parse(NULL), KZ_DATE_BAD);
}
END_TEST

START_TEST(date_record_field_impossible_day_dropped)
{
	json_t *rec = json_pack("{s:s}", "date", "2022-02-30");
	char msg[128];

	ck_assert_int_eq(kz_date_drop_impossible(rec, "date", msg, sizeof msg), 1);
	ck_assert(json_is_null(json_object_get(rec, "date")));
	ck_assert_str_eq(msg, "date '2022-02-30' is not a real day: ignored");
	json_decref(rec);
	/* a timestamp whose day does not exist */
	rec = json_pack("{s:s}", "date", "2023-02-29T08:00:00Z");
	ck_assert_int_eq(kz_date_drop_impossible(rec, "date", msg, sizeof msg), 1);
	ck_assert(json_is_null(json_object_get(rec, "date")));
	json_decref(rec);
	/* anything else is left as it came */
	rec = json_pack("{s:s}", "date", "2024-02-29");
	ck_assert_int_eq(kz_date_drop_impossible(rec, "date", msg, sizeof msg), 0);
	ck_assert_str_eq(json_string_value(json_object_get(rec, "date")), "2024-02-29");
	json_decref(rec);
	rec = json_pack("{s:s}", "date", "hier soir");
	ck_assert_int_eq(kz_date_drop_impossible(rec, "date", msg, sizeof msg), 0);
	ck_assert_str_eq(json_string_value(json_object_get(rec, "date")), "hier soir");
	json_decref(rec);
	rec = json_pack("{s:i}", "date", 20220230);
	ck_assert_int_eq(kz_date_drop_impossible(rec, "date", msg, sizeof msg), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(rec, "date")), 20220230);
	json_decref(rec);
	rec = json_object();
	ck_assert_int_eq(kz_date_drop_impossible(rec, "date", msg, sizeof msg), 0);
	ck_assert_ptr_null(json_object_get(rec, "date"));
	json_decref(rec);
}
END_TEST

Suite *
suite_date(void)
{
	Suite *s = suite_create("date");
	TCase *tc = tcase_create("date");

	tcase_add_test(tc, date_calendar_and_leap_years);
	tcase_add_test(tc, date_parse_forms_and_impossible_days);
	tcase_add_test(tc, date_record_field_impossible_day_dropped);
	suite_add_tcase(s, tc);
	return s;
}
