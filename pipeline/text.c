#include "text.h"

#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t
kz_utf8_decode(const unsigned char *s, size_t len, int32_t *cp)
{
	unsigned c = s[0];
	size_t n;
	int32_t v, min;

	if (c < 0x80) {
		*cp = (int32_t)c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		*cp = -1;
		return 0;
	}
	if (len < n) {
		*cp = -1;
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = -1;
			return 0;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = -1;
		return 0;
	}
	*cp = v;
	return n;
}

size_t
kz_utf8_next(const char *s, size_t len, size_t i)
{
	int32_t cp;
	size_t n = kz_utf8_decode((const unsigned char *)s + i, len - i, &cp);

	return n ? n : 1;
}

size_t
kz_utf8_prev(const char *s, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

int
kz_utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		int32_t cp;
		size_t n;

		if (u[i] < 0x80) {
			const uint64_t ones = UINT64_C(0x0101010101010101);
			const uint64_t high = UINT64_C(0x8080808080808080);
			uint64_t word;

			/* stop at a byte with its high bit set, or a zero byte
			 * (the classic test: w - 1 borrows into bit 7 only from a
			 * zero byte, once bytes >= 0x80 are ruled out) */
			while (i + 8 <= len) {
				memcpy(&word, u + i, 8);
				if ((word & high) || ((word - ones) & ~word & high))
					break;
				i += 8;
			}
			while (i < len && u[i] < 0x80) {
				if (u[i] == 0)
					return 0;
				i++;
			}
			continue;
		}
		/* two-byte forms (é, à, ç: most of French) inline */
		if (u[i] >= 0xC2 && u[i] <= 0xDF) {
			if (i + 1 >= len || (u[i + 1] & 0xC0) != 0x80)
				return 0;
			i += 2;
			continue;
		}
		n = kz_utf8_decode(u + i, len - i, &cp);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

size_t
kz_utf8_count(const char *s, size_t len)
{
	const uint64_t high = UINT64_C(0x8080808080808080);
	size_t n = 0, i = 0;

	/* 8 bytes at a time: count the bytes that are not continuation
	 * bytes (10xxxxxx: bit 7 set, bit 6 clear) */
	for (; i + 8 <= len; i += 8) {
		uint64_t w, cont;

		memcpy(&w, s + i, 8);
		cont = (w & ~(w << 1) & high) >> 7;   /* 0 or 1 per byte */
		/* the multiply sums the eight bytes into the top one */
		n += 8 - (size_t)((cont * UINT64_C(0x0101010101010101)) >> 56);
	}
	for (; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

int
kz_offsets_init(kz_offsets *o, const char *s, size_t len)
{
	size_t n = 0;

	o->byte_of_cp = NULL;
	o->ncp = o->nbytes = 0;
	if (len >= UINT32_MAX)
		return -1;
	o->byte_of_cp = kz_malloc((kz_utf8_count(s, len) + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			o->byte_of_cp[n++] = (uint32_t)i;
	o->byte_of_cp[n] = (uint32_t)len;
	o->ncp = n;
	o->nbytes = len;
	return 0;
}

void
kz_offsets_release(kz_offsets *o)
{
	free(o->byte_of_cp);
	o->byte_of_cp = NULL;
	o->ncp = o->nbytes = 0;
}

size_t
kz_offsets_cp(const kz_offsets *o, size_t byte)
{
	size_t lo = 0, hi = o->ncp;

	if (byte >= o->nbytes)
		return o->ncp;
	/* the last code point whose start is <= byte */
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (o->byte_of_cp[mid] <= byte)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

size_t
kz_cp_cursor_at(kz_cp_cursor *c, size_t byte)
{
	if (byte >= c->byte)
		c->cp += kz_utf8_count(c->text + c->byte, byte - c->byte);
	else
		c->cp -= kz_utf8_count(c->text + byte, c->byte - byte);
	c->byte = byte;
	return c->cp;
}

size_t
kz_offsets_byte(const kz_offsets *o, size_t cp)
{
	if (cp >= o->ncp)
		return o->nbytes;
	return o->byte_of_cp[cp];
}

size_t
kz_utf8_repair(const char *s, size_t len, kz_buf *out, size_t *first_bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t bad = 0, i = 0, run = 0;

	while (i < len) {
		int32_t cp;
		size_t n = u[i] < 0x80 ? 1 : kz_utf8_decode(u + i, len - i, &cp);

		if (n) {
			i += n;
			continue;
		}
		kz_buf_add(out, s + run, i - run);
		kz_buf_add(out, "\xEF\xBF\xBD", 3);
		if (bad == 0 && first_bad)
			*first_bad = i;
		bad++;
		i++;
		run = i;
	}
	kz_buf_add(out, s + run, len - run);
	return bad;
}
