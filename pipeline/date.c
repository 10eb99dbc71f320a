#include "date.h"

#include <stdio.h>
#include <string.h>

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
kz_date_valid(int y, int m, int d)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days[m - 1] + (m == 2 && leap(y));
}

/* n digits at s, as a number; -1 when any is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* s starts with YYYY-MM-DD (digits and dashes, nothing checked more). */
static int
ymd_form(const char *s, int *y, int *m, int *d)
{
	if (strnlen(s, 10) < 10 || s[4] != '-' || s[7] != '-')
		return 0;
	*y = digits(s, 4);
	*m = digits(s + 5, 2);
	*d = digits(s + 8, 2);
	return *y >= 0 && *m >= 0 && *d >= 0;
}

int32_t
kz_date_parse(const char *s)
{
	int y, m = 1, d = 1;
	size_t len;

	if (s == NULL)
		return KZ_DATE_BAD;
	len = strlen(s);
	if (len == 4 || (len == 7 && s[4] == '-')) {
		y = digits(s, 4);
		if (len == 7)
			m = digits(s + 5, 2);
	} else if (len != 10 || !ymd_form(s, &y, &m, &d)) {
		return KZ_DATE_BAD;
	}
	if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
		return KZ_DATE_BAD;
	if (!kz_date_valid(y, m, d))
		return KZ_DATE_NO_DAY;
	return y * 10000 + m * 100 + d;
}

int
kz_date_drop_impossible(json_t *rec, const char *key, char *msg, size_t n)
{
	const char *s = json_string_value(json_object_get(rec, key));
	int y, m, d;

	if (s == NULL || !ymd_form(s, &y, &m, &d) || kz_date_valid(y, m, d))
		return 0;
	snprintf(msg, n, "%s '%.*s' is not a real day: ignored", key,
	    strlen(s) > 40 ? 40 : (int)strlen(s), s);
	json_object_set_new(rec, key, json_null());
	return 1;
}
