/*
 * fuzz_normalize - kz-normalize on raw bytes: kz_normalize_article with the
 * real rules/normalize.yaml.
 *
 * Input: the article's bytes, anything at all. The record must come out
 * with valid spans (start <= end <= length, `text` the exact slice) for
 * blocks, sentences, byline and flags, and be writable.
 */
#include "fuzz_common.h"

#include "normalize.h"

static kz_normalizer *norm;
static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[PATH_MAX], msg[1024];
	kz_error err;

	(void)argc; (void)argv;
	norm = kz_normalizer_load(fuzz_datapath(path, "rules/normalize.yaml"),
	    &err);
	if (norm == NULL) {
		kz_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "fuzz_normalize: %s\n", msg);
		abort();
	}
	devnull = fopen("/dev/null", "w");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *rec = json_object();
	const json_t *byline;
	kz_normalize_report rep;
	char date[11];

	json_object_set_new(rec, "kz", json_integer(1));
	json_object_set_new(rec, "id", json_string("fuzz"));
	kz_normalize_article(norm, (const char *)data, size, rec, &rep);
	if (kz_record_text(rec, NULL) == NULL)
		fuzz_fail("no text", rec);
	fuzz_check_spans(rec, "blocks", NULL);
	fuzz_check_spans(rec, "sentences", NULL);
	fuzz_check_spans(rec, "flags", NULL);
	byline = json_object_get(rec, "byline");
	if (json_is_object(byline)) {
		json_t *tmp = json_object();

		json_object_set(tmp, "text", json_object_get(rec, "text"));
		json_object_set(tmp, "authors", json_object_get(byline, "authors"));
		json_object_set(tmp, "agencies",
		    json_object_get(byline, "agencies"));
		fuzz_check_spans(tmp, "authors", NULL);
		fuzz_check_spans(tmp, "agencies", NULL);
		json_decref(tmp);
	}
	if (kz_record_write(devnull, rec) != 0)
		fuzz_fail("record not writable", NULL);
	json_decref(rec);
	kz_normalize_parse_date(norm, (const char *)data, size, date);
	return 0;
}
