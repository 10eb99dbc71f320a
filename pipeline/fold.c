#include "fold.h"

#include "buf.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define TABLE_SIZE 0x800

struct kz_folder {
	unsigned char len[TABLE_SIZE];
	char bytes[TABLE_SIZE][8];
};

int
kz_cp_is_apostrophe(int32_t cp)
{
	return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC ||
	    cp == 0x00B4 || cp == 0x2032 || cp == '`';
}

int
kz_cp_is_dash(int32_t cp)
{
	return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212;
}

int
kz_cp_is_space(int32_t cp)
{
	if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r')
		return 1;
	if (cp < 0x80)
		return 0;
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

int
kz_cp_is_letter(int32_t cp)
{
	utf8proc_category_t c;

	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	c = utf8proc_category(cp);
	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME;
}

int
kz_cp_is_upper(int32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z';
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_LU ||
	    utf8proc_category(cp) == UTF8PROC_CATEGORY_LT;
}

int
kz_cp_is_lower(int32_t cp)
{
	if (cp < 0x80)
		return cp >= 'a' && cp <= 'z';
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

int
kz_cp_is_digit(int32_t cp)
{
	if (cp < 0x80)
		return cp >= '0' && cp <= '9';
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

static size_t
encode(int32_t cp, char *out)
{
	kz_buf b;
	size_t n;

	kz_buf_init(&b);
	kz_buf_add_utf8(&b, cp);
	n = b.len;
	memcpy(out, b.data, n);
	kz_buf_release(&b);
	return n;
}

/* The slow path: utf8proc does case folding and strips marks. */
static size_t
fold_slow(int32_t cp, char *out)
{
	utf8proc_int32_t dst[8];
	utf8proc_ssize_t n;
	int last = 0;
	size_t len = 0;

	if (kz_cp_is_apostrophe(cp)) {
		out[0] = '\'';
		return 1;
	}
	if (kz_cp_is_dash(cp)) {
		out[0] = '-';
		return 1;
	}
	switch (cp) {
	case 0x00AB: case 0x00BB: case 0x201C: case 0x201D: case 0x201E:
	case 0x201F: case 0x2039: case 0x203A:
		out[0] = '"';
		return 1;
	case 0x0153: case 0x0152:
		memcpy(out, "oe", 2);
		return 2;
	case 0x00E6: case 0x00C6:
		memcpy(out, "ae", 2);
		return 2;
	case 0x2026:
		memcpy(out, "...", 3);
		return 3;
	}
	if (kz_cp_is_space(cp) || utf8proc_category(cp) == UTF8PROC_CATEGORY_CC) {
		out[0] = ' ';
		return 1;
	}
	n = utf8proc_decompose_char(cp, dst, 8, UTF8PROC_CASEFOLD |
	    UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_COMPAT, &last);
	if (n < 0 || n > 4) {
		return encode(cp, out);
	}
	for (utf8proc_ssize_t i = 0; i < n; i++)
		len += encode(dst[i], out + len);
	return len;
}

kz_folder *
kz_folder_new(void)
{
	kz_folder *f = kz_calloc(1, sizeof *f);

	for (int32_t cp = 0; cp < TABLE_SIZE; cp++) {
		char tmp[16];
		size_t n;

		if (cp < 0x80) {
			tmp[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
			if (cp == '`')
				tmp[0] = '\'';
			if (cp == '\t' || cp == '\r')
				tmp[0] = ' ';
			n = 1;
		} else {
			n = fold_slow(cp, tmp);
		}
		if (n > sizeof f->bytes[0])
			n = sizeof f->bytes[0];
		memcpy(f->bytes[cp], tmp, n);
		f->len[cp] = (unsigned char)n;
	}
	return f;
}

void
kz_folder_free(kz_folder *f)
{
	free(f);
}

size_t
kz_fold_cp(const kz_folder *f, int32_t cp, char *out)
{
	if (cp >= 0 && cp < TABLE_SIZE) {
		memcpy(out, f->bytes[cp], f->len[cp]);
		return f->len[cp];
	}
	return fold_slow(cp, out);
}

void
kz_fold(const kz_folder *f, const char *s, size_t len, kz_folded *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t cap = len + 16, o = 0, i = 0;

	out->text = kz_malloc(cap + 1);
	out->map = kz_malloc((cap + 1) * sizeof(uint32_t));
	while (i < len) {
		char tmp[16];
		size_t n, used;
		int32_t cp;

		if (u[i] < 0x80) {
			/* ASCII fast path: one table byte */
			if (o + 1 > cap)
				goto grow;
			out->text[o] = f->bytes[u[i]][0];
			out->map[o++] = (uint32_t)i;
			i++;
			continue;
		}
		used = kz_utf8_decode(u + i, len - i, &cp);
		if (used == 0) {
			used = 1;
			cp = 0xFFFD;
		}
		n = kz_fold_cp(f, cp, tmp);
		if (o + n > cap)
			goto grow;
		for (size_t k = 0; k < n; k++) {
			out->text[o] = tmp[k];
			out->map[o++] = (uint32_t)i;
		}
		i += used;
		continue;
grow:
		cap = cap * 2 + 16;
		out->text = kz_realloc(out->text, cap + 1);
		out->map = kz_realloc(out->map, (cap + 1) * sizeof(uint32_t));
	}
	out->text[o] = '\0';
	out->map[o] = (uint32_t)len;
	out->len = o;
}

void
kz_fold_append(const kz_folder *f, const char *s, size_t len, kz_buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	kz_buf_grow(out, len + 1);
	while (i < len) {
		char tmp[16];
		size_t used;
		int32_t cp;

		if (u[i] < 0x80) {
			kz_buf_addc(out, f->bytes[u[i]][0]);
			i++;
			continue;
		}
		used = kz_utf8_decode(u + i, len - i, &cp);
		if (used == 0) {
			used = 1;
			cp = 0xFFFD;
		}
		kz_buf_add(out, tmp, kz_fold_cp(f, cp, tmp));
		i += used;
	}
}

void
kz_folded_release(kz_folded *out)
{
	free(out->text);
	free(out->map);
	out->text = NULL;
	out->map = NULL;
	out->len = 0;
}

size_t
kz_folded_src_end(const kz_folded *out, const char *src, size_t srclen,
    size_t fend)
{
	size_t start;

	if (fend == 0)
		return out->map[0];
	if (fend >= out->len)
		return srclen;
	if (out->map[fend] != out->map[fend - 1])
		return out->map[fend];
	/* fend falls inside the expansion of one source character */
	start = out->map[fend - 1];
	return start + kz_utf8_next(src, srclen, start);
}

char *
kz_fold_string(const kz_folder *f, const char *s)
{
	kz_folded out;
	char *r;

	kz_fold(f, s, strlen(s), &out);
	r = out.text;
	free(out.map);
	return r;
}
