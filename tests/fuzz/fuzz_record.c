/*
 * fuzz_record - the kz/1 record reader (kz_reader over the input bytes).
 *
 * Input: one byte choosing --max-line (16, 100, 4096 bytes or the 64 MiB
 * default) and, with bit 2, the way a stage reads (only some members
 * built, the rest copied), then the stream. Every line that is not blank
 * (or is too long) must come back as exactly one record, good or a
 * stand-in, and every record must be writable again; NUL bytes, CR, broken
 * UTF-8 and deep nesting included. When members are copied, the line
 * written must mean what jansson reads in the input line, with the
 * member the stage set replaced (numbers too large for jansson, which
 * copied members may hold since issue 13, compared as 0).
 */
#include "fuzz_common.h"

#include "record.h"

static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	devnull = fopen("/dev/null", "w");
	return devnull == NULL;
}

/* How many records the reader must hand back for this input. */
static size_t
expected_records(const uint8_t *d, size_t n, size_t max_line)
{
	size_t count = 0, i = 0;

	while (i < n) {
		size_t start = i, blank = 1;

		while (i < n && d[i] != '\n') {
			if (d[i] != ' ' && d[i] != '\t' && d[i] != '\r')
				blank = 0;
			i++;
		}
		if (!blank || i - start > max_line)
			count++;
		if (i < n)
			i++;        /* the newline */
	}
	return count;
}

/* s[0..len) with every number outside strings written 0: jansson cannot
 * build 1e400 or a 30-digit integer, which the reader copies as bytes in
 * members it does not build, so the comparison is made on the rest. */
static json_t *
load_numbers_zeroed(const char *s, size_t len)
{
	kz_buf b;
	json_t *v;
	int in_string = 0;

	kz_buf_init(&b);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (in_string) {
			kz_buf_addc(&b, c);
			if (c == '\\' && i + 1 < len)
				kz_buf_addc(&b, s[++i]);
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
			kz_buf_addc(&b, c);
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			while (i + 1 < len && strchr("0123456789.eE+-", s[i + 1]))
				i++;
			kz_buf_addc(&b, '0');
		} else {
			kz_buf_addc(&b, c);
		}
	}
	v = json_loadb(b.data, b.len, 0, NULL);
	kz_buf_release(&b);
	return v;
}

/* The stage sets `entities`; the line the reader's writer makes must read
 * back as the input line with that member replaced. */
static void
check_written_through(kz_reader *r, json_t *rec)
{
	size_t len, outlen = 0;
	const char *line = kz_reader_line_data(r, &len);
	json_t *expected = json_loadb(line, len, 0, NULL), *back;
	char *out = NULL;
	FILE *mem = open_memstream(&out, &outlen);
	int zeroed = 0;

	if (expected == NULL) {
		expected = load_numbers_zeroed(line, len);
		zeroed = 1;
	}

	if (mem == NULL || !json_is_object(expected))
		fuzz_fail("a record read is not what jansson reads", rec);
	json_object_set_new(rec, "entities", json_string("set"));
	json_object_set_new(expected, "entities", json_string("set"));
	if (kz_reader_write(r, mem, rec, NULL, 0) != 0)
		fuzz_fail("record not writable through", rec);
	fclose(mem);
	back = zeroed ? load_numbers_zeroed(out, outlen) :
	    json_loadb(out, outlen, 0, NULL);
	if (!json_equal(back, expected)) {
		fprintf(stderr, "kz fuzz: wrote %.*s\n", (int)outlen, out);
		fuzz_fail("members copied through changed meaning", expected);
	}
	json_decref(back);
	json_decref(expected);
	free(out);
}

/* Whatever the reader handed out, stand-ins included, its writer makes a
 * line JSON can read. */
static void
check_readable_through(kz_reader *r, json_t *rec)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *mem = open_memstream(&out, &outlen);
	json_t *back;

	if (mem == NULL)
		return;
	if (kz_reader_write(r, mem, rec, NULL, 0) != 0)
		fuzz_fail("record not writable through", rec);
	fclose(mem);
	back = json_loadb(out, outlen, 0, NULL);
	if (back == NULL)       /* a number only the copying reader takes */
		back = load_numbers_zeroed(out, outlen);
	if (!json_is_object(back))
		fuzz_fail("a record written through cannot be read back", rec);
	json_decref(back);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t limits[] = { 16, 100, 4096, 0 };
	static const char *const reads[] = { "text", "blocks", NULL };
	static const char *const writes[] = { "entities", NULL };
	static const char *const skips[] = { "blocks.text", NULL };
	size_t max_line, nrec = 0, want;
	int partial;
	kz_reader *r;
	FILE *in;
	json_t *rec;
	kz_error err;
	int rc;

	if (size < 2)
		return 0;
	max_line = limits[data[0] & 3];
	partial = (data[0] & 4) != 0;
	data++, size--;
	in = fmemopen((void *)data, size, "rb");
	if (in == NULL)
		return 0;
	r = kz_reader_new(in, "fuzz", max_line);
	if (partial)
		kz_reader_set_fields(r, reads, writes, skips);
	for (;;) {
		kz_error_clear(&err);
		rc = kz_reader_next(r, "kz-fuzz", &rec, &err);
		if (rc == 0)
			break;
		if (rec == NULL || !json_is_object(rec))
			fuzz_fail("reader returned no record", NULL);
		if (rc < 0 && (!json_is_array(json_object_get(rec, "errors")) ||
		    err.message[0] == '\0'))
			fuzz_fail("stand-in without an error", rec);
		nrec++;
		if (rc > 0) {
			/* spans as a later stage would read them */
			size_t len, bs, be, i;
			const char *text = kz_record_text(rec, &len);
			const char *key;
			json_t *v, *item;
			kz_offsets o;

			if (text && kz_offsets_init(&o, text, len) == 0) {
				json_object_foreach(rec, key, v) {
					if (!json_is_array(v))
						continue;
					json_array_foreach(v, i, item)
						if (kz_span_bytes(item, &o, &bs, &be) == 0 &&
						    (bs > be || be > len))
							fuzz_fail("kz_span_bytes out of range",
							    item);
				}
				kz_offsets_release(&o);
			}
		}
		if (partial && rc > 0)
			check_written_through(r, rec);
		if (partial)
			check_readable_through(r, rec);
		if (kz_record_write(devnull, rec) != 0)
			fuzz_fail("record not writable", NULL);
		{
			/* what a stage writes, the next stage must read back */
			char *line = json_dumps(rec, JSON_COMPACT);
			json_error_t jerr;
			json_t *back = line ? json_loads(line, 0, &jerr) : NULL;

			if (!json_is_object(back)) {
				fprintf(stderr, "kz fuzz: %s\n", line ? jerr.text : "");
				fuzz_fail("a record written cannot be read back", rec);
			}
			json_decref(back);
			free(line);
		}
		json_decref(rec);
	}
	kz_reader_free(r);
	fclose(in);
	want = expected_records(data, size,
	    max_line ? max_line : KZ_MAX_LINE_DEFAULT);
	if (nrec != want) {
		fprintf(stderr, "kz fuzz: %zu records read, %zu lines\n", nrec,
		    want);
		abort();
	}
	return 0;
}
