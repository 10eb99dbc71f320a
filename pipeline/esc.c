#include "esc.h"

#include "buf.h"
#include "text.h"

#include <stdint.h>
#include <stdlib.h>

int
kz_is_bidi_control(int cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t
kz_bidi_control_at(const char *s, size_t len, int *cp)
{
	int32_t c;
	size_t used;

	/* every bidi control starts with 0xD8 (U+061C) or 0xE2 */
	if (len < 2 || ((unsigned char)s[0] != 0xD8 && (unsigned char)s[0] != 0xE2))
		return 0;
	used = kz_utf8_decode((const unsigned char *)s, len, &c);
	if (used == 0 || !kz_is_bidi_control(c))
		return 0;
	*cp = c;
	return used;
}

static void
add_hex(kz_buf *out, const char *prefix, unsigned v, int digits)
{
	static const char hex[] = "0123456789abcdef";

	kz_buf_adds(out, prefix);
	for (int i = digits - 1; i >= 0; i--)
		kz_buf_addc(out, hex[(v >> (4 * i)) & 0xF]);
}

/* The escape for s[i..], or 0 when the code point there prints as is;
 * *used is its length in bytes. */
static int
escape_at(const unsigned char *s, size_t len, size_t i, size_t *used,
    int32_t *cp)
{
	unsigned char c = s[i];

	*used = 1;
	*cp = c;
	if (c < 0x80)
		return c < 0x20 || c == 0x7F;
	*used = kz_utf8_decode(s + i, len - i, cp);
	if (*used == 0) {
		*used = 1;
		*cp = -1;
		return 1;
	}
	return (*cp >= 0x80 && *cp < 0xA0) || kz_is_bidi_control(*cp);
}

void
kz_esc_add(kz_buf *out, const char *str, size_t len, int flags)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, from = 0, used = 1;
	int32_t cp;

	while (i < len) {
		if (s[i] >= 0x20 && s[i] < 0x7F && (s[i] != '\\' ||
		    !(flags & KZ_ESC_BACKSLASH))) {
			i++;
			continue;
		}
		if (s[i] != '\\' && !escape_at(s, len, i, &used, &cp)) {
			i += used;
			continue;
		}
		kz_buf_add(out, str + from, i - from);
		if (s[i] == '\\') {
			kz_buf_adds(out, "\\\\");
			used = 1;
		} else if (cp < 0) {
			add_hex(out, "\\x", s[i], 2);
		} else {
			switch (cp) {
			case 0x1B: kz_buf_adds(out, "\\e"); break;
			case '\a': kz_buf_adds(out, "\\a"); break;
			case '\t': kz_buf_adds(out, "\\t"); break;
			case '\n': kz_buf_adds(out, "\\n"); break;
			case '\r': kz_buf_adds(out, "\\r"); break;
			default:
				/* \xHH is one byte (C0, DEL, or no UTF-8: a raw
				 * 0x9b is CSI to an 8-bit terminal); a code point,
				 * C1 or bidi, is \uXXXX: each reads back one way */
				if (cp < 0x80)
					add_hex(out, "\\x", (unsigned)cp, 2);
				else
					add_hex(out, "\\u", (unsigned)cp, 4);
			}
		}
		i += used;
		from = i;
	}
	kz_buf_add(out, str + from, len - from);
}

static int
hex_value(const char *s, size_t n, unsigned *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

void
kz_esc_unescape(kz_buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned v;

		if (s[i] != '\\' || i + 1 >= len) {
			kz_buf_addc(out, s[i]);
			continue;
		}
		switch (s[++i]) {
		case 't': kz_buf_addc(out, '\t'); break;
		case 'n': kz_buf_addc(out, '\n'); break;
		case 'r': kz_buf_addc(out, '\r'); break;
		case 'e': kz_buf_addc(out, 0x1B); break;
		case 'a': kz_buf_addc(out, '\a'); break;
		case 'x':
			if (i + 2 < len && hex_value(s + i + 1, 2, &v) == 0) {
				kz_buf_addc(out, (char)v);      /* one byte */
				i += 2;
			} else {
				kz_buf_addc(out, 'x');
			}
			break;
		case 'u':
			if (i + 4 < len && hex_value(s + i + 1, 4, &v) == 0) {
				kz_buf_add_utf8(out, (int)v);
				i += 4;
			} else {
				kz_buf_addc(out, 'u');
			}
			break;
		default: kz_buf_addc(out, s[i]);
		}
	}
}

int
kz_esc_needed(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t used;
	int32_t cp;

	for (size_t i = 0; i < len; i += used)
		if (escape_at(s, len, i, &used, &cp))
			return 1;
	return 0;
}

void
kz_esc_vaddf(kz_buf *out, const char *fmt, va_list ap)
{
	char small[512];
	char *text = small;
	va_list again;
	int n, nl;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= 0 && (size_t)n >= sizeof small) {
		text = kz_malloc((size_t)n + 1);
		vsnprintf(text, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	if (n < 0)
		return;
	nl = n > 0 && text[n - 1] == '\n';
	kz_esc_add(out, text, (size_t)n - (size_t)nl, 0);
	if (nl)
		kz_buf_addc(out, '\n');
	if (text != small)
		free(text);
}

void
kz_esc_addf(kz_buf *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kz_esc_vaddf(out, fmt, ap);
	va_end(ap);
}

int
kz_vmsg(FILE *f, const char *fmt, va_list ap)
{
	kz_buf out;
	int rc;

	kz_buf_init(&out);
	kz_esc_vaddf(&out, fmt, ap);
	rc = fputs(out.data, f);
	kz_buf_release(&out);
	return rc;
}

int
kz_msg(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = kz_vmsg(f, fmt, ap);
	va_end(ap);
	return rc;
}
