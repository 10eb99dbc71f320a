/*
 * fuzz_show - kz-show's rendering (show.h) of hostile kz/1 records:
 * wrong types, absurd spans, overlapping and nested annotations, control
 * characters and markup in every string.
 *
 * Input: one byte choosing the format (text, html, tsv), colours and the
 * width, then JSON lines (each one that parses as an object is rendered).
 * Invariants, from show.h: in text without colours, no control character
 * but newline reaches the output; in tsv, every row has six fields and no
 * carriage return, control character or bidi control; in html, record text never comes out as markup (a
 * canary tag, <kzx, never appears unescaped).
 */
#include "fuzz_common.h"

#include "esc.h"

#include "show.h"

#include <strings.h>

static void
check_text(const char *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			fuzz_fail("a control character reached the terminal", NULL);
		/* C1 controls, U+0080..U+009F, are C2 80..C2 9F in UTF-8 */
		if (c == 0xc2 && i + 1 < len && (unsigned char)out[i + 1] >= 0x80 &&
		    (unsigned char)out[i + 1] <= 0x9f)
			fuzz_fail("a C1 control character reached the terminal",
			    NULL);
	}
}

static void
check_tsv(const char *out, size_t len)
{
	size_t tabs = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		if (out[i] == '\r')
			fuzz_fail("a raw CR in TSV", NULL);
		/* no terminal command: C0 but tab and newline, DEL, C1 (as
		 * UTF-8, 0xC2 0x80-0x9F) and bidi controls come out escaped */
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
			fuzz_fail("a raw control character in TSV", NULL);
		if (c == 0xC2 && i + 1 < len &&
		    (unsigned char)out[i + 1] >= 0x80 && (unsigned char)out[i + 1] < 0xA0)
			fuzz_fail("a raw C1 control in TSV", NULL);
		{
			int cp;

			if (kz_bidi_control_at(out + i, len - i, &cp))
				fuzz_fail("a raw bidi control in TSV", NULL);
		}
		if (out[i] == '\t')
			tabs++;
		if (out[i] == '\n') {
			if (tabs != 5) {
				fprintf(stderr, "row with %zu tabs\n", tabs);
				fuzz_fail("a TSV row without six fields", NULL);
			}
			tabs = 0;
		}
	}
	if (len && out[len - 1] != '\n')
		fuzz_fail("TSV output does not end with a newline", NULL);
}

/* Record text is escaped: the canary tag "<kzx" (in the dictionary, so
 * the fuzzer puts it in every kind of string) never comes out as markup. */
static void
check_html(const char *out, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (out[i] == '<' && strncasecmp(out + i + 1, "kzx", 3) == 0)
			fuzz_fail("html: record text written as markup", NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const kz_show_format formats[] = { KZ_SHOW_TEXT, KZ_SHOW_HTML,
	    KZ_SHOW_TSV, KZ_SHOW_TEXT };
	kz_show_opts opts;
	kz_show *s;
	char *out = NULL;
	size_t outlen = 0, i = 1;
	FILE *mem;

	if (size < 1)
		return 0;
	memset(&opts, 0, sizeof opts);
	opts.format = formats[data[0] & 3];
	opts.color = (data[0] >> 2) & 1;
	opts.width = (data[0] >> 3) & 1 ? 0 : 1 + (data[0] >> 4) * 9;
	mem = open_memstream(&out, &outlen);
	s = kz_show_new(mem, &opts);
	while (i < size) {
		size_t e = i;
		json_error_t jerr;
		json_t *rec;

		while (e < size && data[e] != '\n')
			e++;
		rec = json_loadb((const char *)data + i, e - i, 0, &jerr);
		if (json_is_object(rec))
			kz_show_record(s, rec);
		json_decref(rec);
		i = e + 1;
	}
	kz_show_finish(s);
	kz_show_free(s);
	fclose(mem);
	if (opts.format == KZ_SHOW_TEXT && !opts.color)
		check_text(out, outlen);
	else if (opts.format == KZ_SHOW_TSV)
		check_tsv(out, outlen);
	else if (opts.format == KZ_SHOW_HTML)
		check_html(out, outlen);
	free(out);
	return 0;
}
