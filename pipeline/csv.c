/*
 * csv.c - RFC 4180 fields (csv.h).
 */
#include "csv.h"

#include "buf.h"
#include "esc.h"

#include <string.h>

void
kz_csv_add(kz_buf *b, const char *s, size_t len, int first)
{
	kz_buf esc;
	size_t i = 0;

	if (!first)
		kz_buf_addc(b, ',');
	kz_buf_addc(b, '"');
	if (len > 0 && strchr("=+-@", s[0]) != NULL)
		kz_buf_addc(b, '\'');
	kz_buf_init(&esc);
	/* escape line by line, so newlines stay newlines */
	while (i <= len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;

		kz_buf_reset(&esc);
		kz_esc_add(&esc, s + i, end - i, 0);
		for (size_t j = 0; j < esc.len; j++) {
			if (esc.data[j] == '"')
				kz_buf_addc(b, '"');
			kz_buf_addc(b, esc.data[j]);
		}
		if (nl == NULL)
			break;
		kz_buf_addc(b, '\n');
		i = end + 1;
	}
	kz_buf_release(&esc);
	kz_buf_addc(b, '"');
}

void
kz_csv_adds(kz_buf *b, const char *s, int first)
{
	kz_csv_add(b, s ? s : "", s ? strlen(s) : 0, first);
}

void
kz_csv_add_long(kz_buf *b, long long v, int first)
{
	kz_buf_addf(b, first ? "%lld" : ",%lld", v);
}

void
kz_csv_end(kz_buf *b)
{
	kz_buf_adds(b, "\r\n");
}
