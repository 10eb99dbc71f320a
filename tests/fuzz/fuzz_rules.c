/*
 * fuzz_rules - the rules loaders, each on a file that is the input, and,
 * when a load succeeds, the code those rules drive, on the bundled example
 * article (examples/article.txt).
 *
 * Input: one selector byte (modulo 7), then the file:
 *   0 rules/normalize.yaml   kz_normalizer_load, then normalize the article
 *   1 rules/roles.yaml       kz_roles_load (real gazetteer), role finding
 *   2 rules/checks.yaml      kz_checker_load, --list, --explain, a check run
 *   3 rules/quotes.yaml      kz_quoter_load (speech verbs real), a quote run
 *   4 rules/speech-verbs.yaml  kz_quoter_load (quotes.yaml real), a quote run
 *   5 rules/names.yaml       kz_names_load (firstnames real)
 *   6 rules/firstnames.yaml  kz_names_load (names real)
 * A failed load must say why (file, message); a loaded rules object must
 * never make a stage write a span out of range.
 */
#include "fuzz_common.h"

#include "checks.h"
#include "names.h"
#include "normalize.h"
#include "quotes.h"
#include "roles.h"
#include "tagger.h"

static kz_tagger *tagger;
static kz_normalizer *norm;
static kz_quoter *quoter;
static json_t *tagged;          /* the example, normalized and tagged */
static json_t *quoted;          /* ... and quoted */
static kz_buf article;
static kz_tokens tokens;        /* the example's text */
static FILE *devnull;

static void
die(const kz_error *err)
{
	char msg[1024];

	kz_error_format(err, msg, sizeof msg);
	fprintf(stderr, "fuzz_rules: %s\n", msg);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[PATH_MAX], dir[PATH_MAX];
	kz_normalize_report rep;
	kz_error err;
	size_t len;
	const char *text;

	(void)argc; (void)argv;
	/* the loaders themselves, every time: no parsed or built rules from
	 * the cache (yamlcache.h, buildcache.h), and no cache file written
	 * for each input */
	setenv("KZ_CACHE", "off", 1);
	if ((tagger = kz_tagger_load(fuzz_datadir(), NULL, &err)) == NULL ||
	    (quoter = kz_quoter_load(fuzz_datadir(), kz_tagger_folder(tagger),
	    &err)) == NULL ||
	    (norm = kz_normalizer_load(fuzz_datapath(path,
	    "rules/normalize.yaml"), &err)) == NULL)
		die(&err);
	kz_buf_init(&article);
	fuzz_slurp(fuzz_datapath(path, "examples/article.txt"), &article);
	tagged = json_object();
	json_object_set_new(tagged, "id", json_string("article"));
	kz_normalize_article(norm, article.data, article.len, tagged, &rep);
	if (kz_tagger_tag(tagger, tagged, "2022-06-01", &err) != 0)
		die(&err);
	quoted = json_deep_copy(tagged);
	if (kz_quoter_run(quoter, tagger, quoted, "2022-06-01", &err) != 0)
		die(&err);
	text = kz_record_text(tagged, &len);
	kz_tokens_init(&tokens, kz_tagger_folder(tagger), text, len);
	/* two data folders for kz_quoter_load: q/ (quotes.yaml fuzzed) and
	 * v/ (speech-verbs.yaml fuzzed), the other file real in each */
	for (const char *const *d = (const char *const[]){ "q", "v", NULL }; *d;
	    d++) {
		snprintf(dir, sizeof dir, "%s/%s", fuzz_tmpdir(), *d);
		mkdir(dir, 0700);
		snprintf(dir, sizeof dir, "%s/%s/rules", fuzz_tmpdir(), *d);
		mkdir(dir, 0700);
	}
	mkdir(strcat(strcpy(dir, fuzz_tmpdir()), "/rules"), 0700);
	fuzz_copy_data("rules/quotes.yaml");
	fuzz_copy_data("rules/speech-verbs.yaml");
	snprintf(path, sizeof path, "%s/rules/speech-verbs.yaml", fuzz_tmpdir());
	snprintf(dir, sizeof dir, "%s/q/rules/speech-verbs.yaml", fuzz_tmpdir());
	if (rename(path, dir) != 0)
		abort();
	snprintf(path, sizeof path, "%s/rules/quotes.yaml", fuzz_tmpdir());
	snprintf(dir, sizeof dir, "%s/v/rules/quotes.yaml", fuzz_tmpdir());
	if (rename(path, dir) != 0)
		abort();
	devnull = fopen("/dev/null", "w");
	return 0;
}

static void
failed(const kz_error *err)
{
	if (err->message[0] == '\0')
		fuzz_fail("a load failed without saying why", NULL);
}

static void
run_normalize(const char *path)
{
	kz_normalize_report rep;
	kz_normalizer *n;
	kz_error err;
	json_t *rec;

	kz_error_clear(&err);
	if ((n = kz_normalizer_load(path, &err)) == NULL) {
		failed(&err);
		return;
	}
	rec = json_object();
	kz_normalize_article(n, article.data, article.len, rec, &rep);
	fuzz_check_spans(rec, "blocks", NULL);
	fuzz_check_spans(rec, "sentences", NULL);
	kz_record_write(devnull, rec);
	json_decref(rec);
	kz_normalizer_free(n);
}

static void
run_roles(const char *path)
{
	const kz_gazetteer *g = kz_tagger_gazetteer(tagger);
	size_t people[] = { 0, 1, 2 }, nm;
	kz_mention *ms, m;
	kz_roles *r;
	kz_error err;

	kz_error_clear(&err);
	r = kz_roles_load(path, g, kz_tagger_folder(tagger), &err);
	if (r == NULL) {
		failed(&err);
		return;
	}
	ms = kz_roles_find(r, &tokens, people, 3, "FR", 20220601, &nm);
	for (size_t i = 0; i < nm; i++)
		if (ms[i].tok_start > ms[i].tok_end || ms[i].tok_end > tokens.n ||
		    ms[i].entry >= (long)kz_gazetteer_size(g))
			fuzz_fail("bad mention", NULL);
	free(ms);
	for (size_t i = 0; i + 2 <= tokens.n && i < 200; i++) {
		const kz_token *tk = &tokens.tok[i];

		kz_roles_title_at(r, &tokens, i);
		kz_roles_honorific(r, tokens.folded.text + tk->fstart,
		    tk->fend - tk->fstart);
		memset(&m, 0, sizeof m);
		kz_roles_describe(r, &tokens, i, i + 2, &m);
	}
	kz_roles_free(r);
}

static void
run_checks(const char *path, int english)
{
	kz_check_opts opts = { .lang = english ? "en" : "fr",
	    .date = english ? NULL : "2022-06-01" };
	kz_checker *c;
	kz_error err;
	char *list = NULL, *line, *save;
	size_t listlen = 0;
	FILE *mem;
	json_t *rec;

	kz_error_clear(&err);
	if ((c = kz_checker_load(path, &err)) == NULL) {
		failed(&err);
		return;
	}
	mem = open_memstream(&list, &listlen);
	kz_checker_list(c, mem);
	fclose(mem);
	for (line = strtok_r(list, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, " ")] = '\0';   /* the name, then severity */
		if (kz_checker_explain(c, line, devnull) != 0)
			fuzz_fail("a listed rule cannot be explained", NULL);
	}
	free(list);
	kz_checker_explain(c, "no-such-rule", devnull);
	rec = json_deep_copy(quoted);
	if (kz_checker_run(c, tagger, rec, &opts, &err) != 0)
		fuzz_fail("kz_checker_run failed on the example", NULL);
	fuzz_check_spans(rec, "flags", NULL);
	kz_record_write(devnull, rec);
	json_decref(rec);
	kz_checker_free(c);
}

static void
run_quotes(const char *dir)
{
	kz_quoter *q;
	kz_error err;
	json_t *rec;

	kz_error_clear(&err);
	if ((q = kz_quoter_load(dir, kz_tagger_folder(tagger), &err)) == NULL) {
		failed(&err);
		return;
	}
	rec = json_deep_copy(tagged);
	if (kz_quoter_run(q, tagger, rec, "2022-06-01", &err) != 0)
		fuzz_fail("kz_quoter_run failed on the example", NULL);
	fuzz_check_spans(rec, "quotes", "speaker");
	fuzz_check_spans(rec, "flags", NULL);
	kz_record_write(devnull, rec);
	json_decref(rec);
	kz_quoter_free(q);
}

static void
run_names(const char *names, const char *first)
{
	kz_names n;
	kz_error err;

	kz_error_clear(&err);
	if (kz_names_load(&n, names, first, kz_tagger_folder(tagger), &err) != 0)
		failed(&err);
	kz_names_release(&n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[PATH_MAX], real[PATH_MAX], dir[PATH_MAX];
	unsigned sel;

	if (size < 1)
		return 0;
	sel = data[0] % 7;
	data++, size--;
	switch (sel) {
	case 0:
		run_normalize(fuzz_write(path, "normalize.yaml", data, size));
		break;
	case 1:
		run_roles(fuzz_write(path, "roles.yaml", data, size));
		break;
	case 2:
		run_checks(fuzz_write(path, "checks.yaml", data, size),
		    size & 1);
		break;
	case 3:
		fuzz_write(path, "q/rules/quotes.yaml", data, size);
		snprintf(dir, sizeof dir, "%s/q", fuzz_tmpdir());
		run_quotes(dir);
		break;
	case 4:
		fuzz_write(path, "v/rules/speech-verbs.yaml", data, size);
		snprintf(dir, sizeof dir, "%s/v", fuzz_tmpdir());
		run_quotes(dir);
		break;
	case 5:
		run_names(fuzz_write(path, "names.yaml", data, size),
		    fuzz_datapath(real, "rules/firstnames.yaml"));
		break;
	case 6:
		run_names(fuzz_datapath(real, "rules/names.yaml"),
		    fuzz_write(path, "firstnames.yaml", data, size));
		break;
	}
	return 0;
}
