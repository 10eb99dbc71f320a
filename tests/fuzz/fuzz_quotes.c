/*
 * fuzz_quotes - the quote finder (kz_quoter_run) with the real tagger and
 * quoter of the data directory, loaded once.
 *
 * Input: one flag byte, then the article (UTF-8 repaired). Flag bit 0:
 * do not normalize first (a record with only `text`, as a hand-made record
 * would be); bit 1: do not tag first (kz-quotes then tags on the side);
 * bit 2: run kz-check after. Every span written (quotes, speakers, flags)
 * must be in range and carry its exact slice.
 */
#include "fuzz_common.h"

#include "checks.h"
#include "normalize.h"
#include "quotes.h"
#include "tagger.h"

static kz_tagger *tagger;
static kz_quoter *quoter;
static kz_normalizer *norm;
static kz_checker *checker;
static FILE *devnull;

static void
die(const kz_error *err)
{
	char msg[1024];

	kz_error_format(err, msg, sizeof msg);
	fprintf(stderr, "fuzz_quotes: %s\n", msg);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[PATH_MAX];
	kz_error err;

	(void)argc; (void)argv;
	if ((tagger = kz_tagger_load(fuzz_datadir(), NULL, &err)) == NULL ||
	    (quoter = kz_quoter_load(fuzz_datadir(), kz_tagger_folder(tagger),
	    &err)) == NULL ||
	    (norm = kz_normalizer_load(fuzz_datapath(path,
	    "rules/normalize.yaml"), &err)) == NULL ||
	    (checker = kz_checker_load(fuzz_datapath(path, "rules/checks.yaml"),
	    &err)) == NULL)
		die(&err);
	devnull = fopen("/dev/null", "w");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kz_check_opts opts = { .lang = "fr", .date = "2022-06-01" };
	json_t *rec;
	kz_error err;
	kz_buf text;
	unsigned flags;

	if (size < 1)
		return 0;
	flags = data[0];
	data++, size--;
	rec = json_object();
	json_object_set_new(rec, "id", json_string("fuzz"));
	if (flags & 1) {
		kz_buf_init(&text);
		fuzz_text(data, size, &text);
		json_object_set_new(rec, "text", json_stringn(text.data, text.len));
		kz_buf_release(&text);
	} else {
		kz_normalize_report rep;

		kz_normalize_article(norm, (const char *)data, size, rec, &rep);
	}
	if (!(flags & 2) && kz_tagger_tag(tagger, rec, "2022-06-01", &err) != 0)
		fuzz_fail("kz_tagger_tag failed on a record with text", rec);
	if (kz_quoter_run(quoter, tagger, rec, "2022-06-01", &err) != 0)
		fuzz_fail("kz_quoter_run failed on a record with text", rec);
	fuzz_check_spans(rec, "entities", NULL);
	fuzz_check_spans(rec, "mentions", NULL);
	fuzz_check_spans(rec, "quotes", "speaker");
	fuzz_check_spans(rec, "quotes", "cue");
	if (flags & 4) {
		if (kz_checker_run(checker, tagger, rec, &opts, &err) != 0)
			fuzz_fail("kz_checker_run failed on a record with text", rec);
	}
	fuzz_check_spans(rec, "flags", NULL);
	if (kz_record_write(devnull, rec) != 0)
		fuzz_fail("record not writable", NULL);
	json_decref(rec);
	return 0;
}
