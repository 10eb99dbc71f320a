/*
 * fuzz_stages - hostile kz/1 records through kz-tag, kz-quotes and
 * kz-check, as a later stage reads them: `blocks`, `entities`, `mentions`,
 * `quotes` and `date` come from the input and may be of any type, out of
 * range, overlapping or absurd. Nothing may crash, and what a stage writes
 * must still be in range.
 *
 * Input: one JSON document (a kz/1 line). Flag handling: when the record
 * has a string "x-fuzz" field, its first character picks which stages run
 * ('t' tag, 'q' quotes, 'c' check, in any combination); otherwise quotes
 * and check run on the record as it is (no retagging, so the hostile
 * entities stay).
 */
#include "fuzz_common.h"

#include "checks.h"
#include "quotes.h"
#include "tagger.h"

static kz_tagger *tagger;
static kz_quoter *quoter;
static kz_checker *checker;
static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[PATH_MAX], msg[1024];
	kz_error err;

	(void)argc; (void)argv;
	if ((tagger = kz_tagger_load(fuzz_datadir(), NULL, &err)) == NULL ||
	    (quoter = kz_quoter_load(fuzz_datadir(), kz_tagger_folder(tagger),
	    &err)) == NULL ||
	    (checker = kz_checker_load(fuzz_datapath(path, "rules/checks.yaml"),
	    &err)) == NULL) {
		kz_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "fuzz_stages: %s\n", msg);
		abort();
	}
	devnull = fopen("/dev/null", "w");
	return 0;
}

/* The flags of rec that were not among those it came in with. */
static void
check_new_flags(json_t *rec, const json_t *in_flags)
{
	const json_t *flags = json_object_get(rec, "flags"), *f, *g;
	json_t *fresh = json_array(), *tmp = json_object();
	size_t i, k;

	json_array_foreach(flags, i, f) {
		int old = 0;

		json_array_foreach(in_flags, k, g)
			if (f == g)
				old = 1;
		if (!old)
			json_array_append(fresh, (json_t *)f);
	}
	json_object_set(tmp, "text", json_object_get(rec, "text"));
	json_object_set_new(tmp, "flags", fresh);
	fuzz_check_spans(tmp, "flags", NULL);
	json_decref(tmp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kz_check_opts opts = { .lang = "en", .date = NULL };
	char which[8] = "qc";
	json_error_t jerr;
	json_t *rec, *x, *in_flags;
	kz_error err;

	rec = json_loadb((const char *)data, size, 0, &jerr);
	if (rec == NULL)
		return 0;
	if (!json_is_object(rec)) {
		json_decref(rec);
		return 0;
	}
	x = json_object_get(rec, "x-fuzz");
	if (json_is_string(x))  /* copied: the stages may rewrite the record */
		snprintf(which, sizeof which, "%s", json_string_value(x));
	/* the flags that came in may be anything; those a stage adds may not */
	in_flags = json_is_array(json_object_get(rec, "flags")) ?
	    json_copy(json_object_get(rec, "flags")) : json_array();
	if (strchr(which, 't'))
		kz_tagger_tag(tagger, rec, "2022-06-01", &err);
	if (strchr(which, 'q'))
		kz_quoter_run(quoter, tagger, rec, NULL, &err);
	if (strchr(which, 'c'))
		kz_checker_run(checker, tagger, rec, &opts, &err);
	if (strchr(which, 'q'))
		fuzz_check_spans(rec, "quotes", NULL);
	if (strchr(which, 'c') || strchr(which, 'q'))
		check_new_flags(rec, in_flags);
	json_decref(in_flags);
	if (kz_record_write(devnull, rec) != 0)
		fuzz_fail("record not writable", NULL);
	json_decref(rec);
	return 0;
}
