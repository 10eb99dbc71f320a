/* Unit tests of datapath.c (local data layers) and version.c (the data
 * snapshot): which file of which layer is loaded, and what the snapshot
 * hashes. Each test makes its own folders under /tmp and points
 * KZ_SYSCONFDIR and XDG_CONFIG_HOME at them. */
#include "kz_test.h"

#include "buf.h"
#include "datapath.h"
#include "version.h"
#include "yamltree.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static char root[64];

static void
put(const char *rel, const char *text)
{
	char path[PATH_MAX], dir[PATH_MAX], *slash;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	/* make every folder on the way */
	snprintf(dir, sizeof dir, "%s", path);
	for (slash = strchr(dir + strlen(root) + 1, '/'); slash;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* shipped/, etc/ and xdg/kz/ under a fresh root; the layers on */
static void
layers(void)
{
	char v[PATH_MAX];

	snprintf(root, sizeof root, "/tmp/kz-datapath-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(v, sizeof v, "%s/etc", root);
	setenv("KZ_SYSCONFDIR", v, 1);
	snprintf(v, sizeof v, "%s/xdg", root);
	setenv("XDG_CONFIG_HOME", v, 1);
	put("shipped/rules/a.yaml", "shipped\n");
	put("shipped/rules/b.yaml", "shipped\n");
	put("shipped/gazetteers/p.yaml", "[]\n");
	put("shipped/gazetteers/q.yaml", "[]\n");
	kz_data_layers(1);
}

static void
cleanup(void)
{
	char cmd[128];

	kz_data_layers(0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* The value of key in the merged map, as text, or "(none)". */
static const char *
str_at(const kz_yaml_node *map, const char *key)
{
	const char *v = kz_yaml_str(kz_yaml_get(map, key));

	return v ? v : "(none)";
}

/* The ids ("lemma" or the string) of a merged list, comma-separated. */
static void
ids(const kz_yaml_node *seq, char *out, size_t n)
{
	kz_buf b;

	kz_buf_init(&b);
	for (size_t i = 0; seq && i < seq->n; i++) {
		const kz_yaml_node *it = seq->items[i];

		kz_buf_addf(&b, "%s%s", i ? "," : "", it->kind == KZ_YAML_SCALAR ?
		    it->scalar : str_at(it, "lemma"));
	}
	snprintf(out, n, "%s", b.len ? b.data : "");
	kz_buf_release(&b);
}

static const char *const known_keys[] = { "checks", "verbs", "words",
    "pronouns", NULL };

#define SHIPPED_RULES \
	"checks:\n" \
	"  misquote: {enabled: true, severity: warning, message_en: differs}\n" \
	"  misnamed: {enabled: true, severity: info, message_en: named}\n" \
	"verbs:\n" \
	"  - {lemma: dire, kind: speech}\n" \
	"  - {lemma: affirmer, kind: speech}\n" \
	"words: [alpha, beta]\n" \
	"pronouns: {il: m-s, on: x-s}\n"

START_TEST(datapath_rules_local_layers_merge_by_id)
{
	char shipped[PATH_MAX], got[256];
	const kz_yaml_node *checks, *misquote;
	kz_yaml_doc doc;
	kz_error err;

	layers();
	put("shipped/rules/r.yaml", SHIPPED_RULES);
	snprintf(shipped, sizeof shipped, "%s/shipped/rules/r.yaml", root);
	/* /etc/kz: one severity, one verb's kind, a verb and a word added */
	put("etc/rules/r.yaml",
	    "checks:\n  misquote: {severity: error}\n"
	    "verbs:\n  - {lemma: dire, kind: incise}\n"
	    "  - {lemma: lancer, kind: speech}\n"
	    "words: [gamma]\n");
	/* the user: a verb and a word disabled, a pronoun removed */
	put("xdg/kz/rules/r.yaml",
	    "verbs:\n  - {lemma: affirmer, disabled: true}\n"
	    "words:\n  - {id: alpha, disabled: true}\n"
	    "pronouns: {on: ~}\n");
	ck_assert_int_eq(kz_data_load_rules(shipped, "rules/r.yaml", known_keys,
	    &doc, &err), 0);
	checks = kz_yaml_get(doc.root, "checks");
	ck_assert_uint_eq(checks->n, 2);
	misquote = kz_yaml_get(checks, "misquote");
	/* what the local entry sets wins, what it leaves out stays */
	ck_assert_str_eq(str_at(misquote, "severity"), "error");
	ck_assert_str_eq(str_at(misquote, "enabled"), "true");
	ck_assert_str_eq(str_at(misquote, "message_en"), "differs");
	ck_assert_str_eq(str_at(kz_yaml_get(checks, "misnamed"), "severity"),
	    "info");
	ids(kz_yaml_get(doc.root, "verbs"), got, sizeof got);
	ck_assert_str_eq(got, "dire,lancer");
	ck_assert_str_eq(str_at(kz_yaml_get(doc.root, "verbs")->items[0],
	    "kind"), "incise");
	ids(kz_yaml_get(doc.root, "words"), got, sizeof got);
	ck_assert_str_eq(got, "beta,gamma");
	ck_assert_uint_eq(kz_yaml_get(doc.root, "pronouns")->n, 1);
	ck_assert_str_eq(str_at(kz_yaml_get(doc.root, "pronouns"), "il"), "m-s");
	/* an error about a merged node names the file it came from */
	kz_yaml_error(&err, &doc, kz_yaml_get(misquote, "severity"), "bad");
	kz_error_format(&err, got, sizeof got);
	ck_assert_ptr_nonnull(strstr(got, "/etc/rules/r.yaml:2:"));
	kz_yaml_doc_release(&doc);
	/* layers off (--data): the shipped file alone */
	kz_data_layers(0);
	ck_assert_int_eq(kz_data_load_rules(shipped, "rules/r.yaml", known_keys,
	    &doc, &err), 0);
	ids(kz_yaml_get(doc.root, "verbs"), got, sizeof got);
	ck_assert_str_eq(got, "dire,affirmer");
	kz_yaml_doc_release(&doc);
	cleanup();
}
END_TEST

START_TEST(datapath_rules_local_errors_name_the_local_file)
{
	char shipped[PATH_MAX], msg[512];
	kz_yaml_doc doc;
	kz_error err;

	layers();
	put("shipped/rules/r.yaml", SHIPPED_RULES);
	snprintf(shipped, sizeof shipped, "%s/shipped/rules/r.yaml", root);
	/* disabling what is not there is a typo, not a no-op */
	put("etc/rules/r.yaml", "verbs:\n  - {lemma: afirmer, disabled: true}\n");
	ck_assert_int_eq(kz_data_load_rules(shipped, "rules/r.yaml", known_keys,
	    &doc, &err), -1);
	kz_error_format(&err, msg, sizeof msg);
	ck_assert_ptr_nonnull(strstr(msg, "/etc/rules/r.yaml:2:5: nothing to"
	    " disable: no entry 'afirmer'"));
	/* an unknown top-level key in a local file */
	put("etc/rules/r.yaml", "verbes: []\n");
	ck_assert_int_eq(kz_data_load_rules(shipped, "rules/r.yaml", known_keys,
	    &doc, &err), -1);
	kz_error_format(&err, msg, sizeof msg);
	ck_assert_ptr_nonnull(strstr(msg, "/etc/rules/r.yaml:1:1: unknown key"
	    " 'verbes'"));
	/* an empty local file changes nothing */
	put("etc/rules/r.yaml", "");
	ck_assert_int_eq(kz_data_load_rules(shipped, "rules/r.yaml", known_keys,
	    &doc, &err), 0);
	ck_assert_uint_eq(kz_yaml_get(doc.root, "verbs")->n, 2);
	kz_yaml_doc_release(&doc);
	cleanup();
}
END_TEST

START_TEST(datapath_overlay_is_each_layers_own_file)
{
	char buf[PATH_MAX], want[PATH_MAX];

	layers();
	put("etc/rules/a.yaml", "etc\n");
	put("xdg/kz/rules/b.yaml", "xdg\n");
	ck_assert_ptr_nonnull(kz_data_overlay(KZ_DATA_SYSTEM, "rules/a.yaml",
	    buf, sizeof buf));
	snprintf(want, sizeof want, "%s/etc/rules/a.yaml", root);
	ck_assert_str_eq(buf, want);
	ck_assert_ptr_null(kz_data_overlay(KZ_DATA_USER, "rules/a.yaml", buf,
	    sizeof buf));
	ck_assert_ptr_nonnull(kz_data_overlay(KZ_DATA_USER, "rules/b.yaml", buf,
	    sizeof buf));
	kz_data_path("/data", "rules/b.yaml", buf, sizeof buf);
	ck_assert_str_eq(buf, "/data/rules/b.yaml");
	kz_data_layers(0);
	ck_assert_ptr_null(kz_data_overlay(KZ_DATA_SYSTEM, "rules/a.yaml", buf,
	    sizeof buf));
	cleanup();
}
END_TEST

START_TEST(datapath_gazetteers_every_layer_highest_first)
{
	char dir[128], want[PATH_MAX];
	kz_data_files f;
	kz_error err;

	layers();
	snprintf(dir, sizeof dir, "%s/shipped/gazetteers", root);
	put("etc/gazetteers/q.yaml", "[]\n");      /* hides the shipped q */
	put("etc/gazetteers/r.yaml", "[]\n");
	put("xdg/kz/gazetteers/a.yaml", "[]\n");
	put("xdg/kz/gazetteers/notes.txt", "not a gazetteer\n");
	ck_assert_int_eq(kz_data_gazetteers(dir, 1, &f, &err), 0);
	ck_assert_uint_eq(f.n, 4);
	snprintf(want, sizeof want, "%s/xdg/kz/gazetteers/a.yaml", root);
	ck_assert_str_eq(f.paths[0], want);
	ck_assert_uint_eq(f.layers[0], KZ_DATA_USER);
	snprintf(want, sizeof want, "%s/etc/gazetteers/q.yaml", root);
	ck_assert_str_eq(f.paths[1], want);
	snprintf(want, sizeof want, "%s/etc/gazetteers/r.yaml", root);
	ck_assert_str_eq(f.paths[2], want);
	ck_assert_uint_eq(f.layers[2], KZ_DATA_SYSTEM);
	snprintf(want, sizeof want, "%s/p.yaml", dir);
	ck_assert_str_eq(f.paths[3], want);
	ck_assert_uint_eq(f.layers[3], KZ_DATA_SHIPPED);
	kz_data_files_free(&f);
	/* not layered: the folder alone */
	ck_assert_int_eq(kz_data_gazetteers(dir, 0, &f, &err), 0);
	ck_assert_uint_eq(f.n, 2);
	kz_data_files_free(&f);
	cleanup();
}
END_TEST

START_TEST(datapath_user_layer_falls_back_to_home)
{
	char buf[PATH_MAX];
	const char *old = getenv("HOME");
	char *home = old ? kz_strdup(old) : NULL;

	kz_data_layers(1);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/someone", 1);
	ck_assert_str_eq(kz_data_layer_dir(KZ_DATA_USER, buf, sizeof buf),
	    "/home/someone/.config/kz");
	/* a relative XDG_CONFIG_HOME is ignored, as the XDG rule says */
	setenv("XDG_CONFIG_HOME", "relative", 1);
	ck_assert_str_eq(kz_data_layer_dir(KZ_DATA_USER, buf, sizeof buf),
	    "/home/someone/.config/kz");
	unsetenv("KZ_SYSCONFDIR");
	ck_assert_str_eq(kz_data_layer_dir(KZ_DATA_SYSTEM, buf, sizeof buf),
	    "/etc/kz");
	kz_data_layers(0);
	ck_assert_ptr_null(kz_data_layer_dir(KZ_DATA_USER, buf, sizeof buf));
	if (home)
		setenv("HOME", home, 1);
	free(home);
}
END_TEST

START_TEST(version_snapshot_is_names_and_contents)
{
	char a[17], b[17], c[17], path[PATH_MAX];
	kz_snapshot s;
	kz_error err;

	layers();
	put("one/rules/x.yaml", "same\n");
	put("two/rules/x.yaml", "same\n");
	put("three/rules/y.yaml", "same\n");
	kz_snapshot_init(&s);
	snprintf(path, sizeof path, "%s/one/rules", root);
	ck_assert_int_eq(kz_snapshot_add(&s, path, &err), 0);
	kz_snapshot_hex(&s, a);
	kz_snapshot_init(&s);
	snprintf(path, sizeof path, "%s/two/rules/x.yaml", root);
	ck_assert_int_eq(kz_snapshot_add(&s, path, &err), 0);
	kz_snapshot_hex(&s, b);
	/* the same name and bytes elsewhere: the same snapshot */
	ck_assert_str_eq(a, b);
	ck_assert_uint_eq(strlen(a), 16);
	/* another name: another snapshot */
	kz_snapshot_init(&s);
	snprintf(path, sizeof path, "%s/three/rules/y.yaml", root);
	ck_assert_int_eq(kz_snapshot_add(&s, path, &err), 0);
	kz_snapshot_hex(&s, c);
	ck_assert_str_ne(a, c);
	/* one byte more: another snapshot */
	put("two/rules/x.yaml", "same!\n");
	kz_snapshot_init(&s);
	snprintf(path, sizeof path, "%s/two/rules/x.yaml", root);
	ck_assert_int_eq(kz_snapshot_add(&s, path, &err), 0);
	kz_snapshot_hex(&s, c);
	ck_assert_str_ne(a, c);
	/* a file that is not there is an error, not a snapshot */
	snprintf(path, sizeof path, "%s/nope.yaml", root);
	ck_assert_int_eq(kz_snapshot_add(&s, path, &err), -1);
	ck_assert(strlen(kz_version()) > 0);
	cleanup();
}
END_TEST

Suite *
suite_datapath(void)
{
	Suite *s = suite_create("datapath");
	TCase *tc = tcase_create("datapath");

	tcase_add_test(tc, datapath_rules_local_layers_merge_by_id);
	tcase_add_test(tc, datapath_rules_local_errors_name_the_local_file);
	tcase_add_test(tc, datapath_overlay_is_each_layers_own_file);
	tcase_add_test(tc, datapath_gazetteers_every_layer_highest_first);
	tcase_add_test(tc, datapath_user_layer_falls_back_to_home);
	tcase_add_test(tc, version_snapshot_is_names_and_contents);
	suite_add_tcase(s, tc);
	return s;
}
