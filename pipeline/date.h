/*
 * date.h - calendar dates as kz reads them: ISO YYYY-MM-DD in gazetteers,
 * in records and in --date options, checked against the real calendar
 * (Gregorian, with its leap years), so that 2022-02-30 or 2023-02-29 is
 * refused wherever a date is read instead of being taken for a day.
 *
 * Dates are passed as YYYYMMDD integers (int32_t) where they are compared.
 * Nothing here allocates, except kz_date_drop_impossible, which changes
 * the record it is given (the record keeps owning its fields).
 */
#ifndef KZ_DATE_H
#define KZ_DATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* What kz_date_parse returns for a string that is not a date. */
#define KZ_DATE_BAD (-1)        /* not YYYY[-MM[-DD]], or out of range */
#define KZ_DATE_NO_DAY (-2)     /* the right form, but no such day:
                                   2023-02-29, 2022-04-31 */

/* 1 when month m (1-12) of year y has a day d, else 0. Any year; February
 * 29 only in leap years (divisible by 4, not by 100 unless by 400). */
int kz_date_valid(int y, int m, int d);

/* Parse "YYYY-MM-DD", "YYYY-MM" or "YYYY" (the first of the month or of
 * January), years 1000 to 2999, into YYYYMMDD. KZ_DATE_BAD when s (which
 * may be NULL) has another form or a month outside 1-12 or a day outside
 * 1-31, KZ_DATE_NO_DAY when the day does not exist in that month. */
int32_t kz_date_parse(const char *s);

/* A record's date field that names no real day ("2022-02-30", or
 * "2022-02-30T10:00:00Z": any string starting with a YYYY-MM-DD form whose
 * day is not in the calendar) is set to null, and 1 is returned with what
 * happened in msg[n] ("date '2022-02-30' is not a real day: ignored"). Any
 * other value is left as it is, and 0 returned. */
int kz_date_drop_impossible(json_t *rec, const char *key, char *msg,
    size_t n);

#endif
