/* Unit tests of the runner: pipeline.yaml, stage processes joined by
 * pipes, and the batch over a folder, with small shell scripts as stages. */
#include "kz_test.h"

#include "buf.h"
#include "journal.h"
#include "runner.h"
#include "stage.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh folder with an executable script `name` in it. */
static char *
temp_dir(void)
{
	char *dir = kz_strdup("/tmp/kz-unit-run-XXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static void
write_file(const char *dir, const char *name, const char *text, int exec)
{
	kz_buf p;
	FILE *f;

	kz_buf_init(&p);
	kz_buf_addf(&p, "%s/%s", dir, name);
	f = fopen(p.data, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	if (exec)
		chmod(p.data, 0755);
	kz_buf_release(&p);
}

static char *
read_path(const char *dir, const char *name)
{
	kz_buf p, b;
	FILE *f;
	char chunk[4096];
	size_t n;

	kz_buf_init(&p);
	kz_buf_init(&b);
	kz_buf_addf(&p, "%s/%s", dir, name);
	f = fopen(p.data, "r");
	kz_buf_release(&p);
	if (f == NULL) {
		kz_buf_release(&b);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		kz_buf_add(&b, chunk, n);
	fclose(f);
	return kz_buf_detach(&b, NULL);
}

static void
remove_tree(const char *dir)
{
	kz_buf cmd;

	kz_buf_init(&cmd);
	kz_buf_addf(&cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd.data), 0);
	kz_buf_release(&cmd);
}

static int
load(const char *yaml, const char *dir, kz_pipeline *pl, kz_error *err)
{
	kz_error_clear(err);
	return kz_pipeline_load_string("p.yaml", yaml, strlen(yaml), dir, dir, pl,
	    err);
}

START_TEST(config_stages_args_and_defaults)
{
	char *dir = temp_dir();
	kz_pipeline pl;
	kz_error err;
	char **argv;

	write_file(dir, "kz-one", "#!/bin/sh\ncat\n", 1);
	write_file(dir, "two.sh", "#!/bin/sh\ncat\n", 1);
	ck_assert_int_eq(load("stages:\n  - run: kz-one\n    args: [--id, $id, x$lang]\n"
	    "  - run: ./two.sh\n  - kz-one\nlang: en\n", dir, &pl, &err), 0);
	ck_assert_uint_eq(pl.n, 3);
	ck_assert_str_eq(pl.lang, "en");
	ck_assert_int_eq(pl.output, KZ_OUT_JSONL);
	ck_assert_ptr_null(pl.data);
	ck_assert_int_eq(pl.stages[1].line, 4);
	ck_assert_int_eq(pl.stages[1].column, 10);
	argv = kz_pipeline_argv(&pl, 0, "a42");
	ck_assert_ptr_nonnull(strstr(argv[0], "/kz-one"));
	ck_assert_str_eq(argv[1], "--id");
	ck_assert_str_eq(argv[2], "a42");
	ck_assert_str_eq(argv[3], "xen");
	ck_assert_ptr_null(argv[4]);
	kz_argv_free(argv);
	ck_assert_uint_eq(kz_pipeline_nprocs(&pl, 1), 3);
	kz_pipeline_release(&pl);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(config_errors_name_line_and_column)
{
	char *dir = temp_dir();
	kz_pipeline pl;
	kz_error err;

	write_file(dir, "kz-one", "#!/bin/sh\ncat\n", 1);
	ck_assert_int_eq(load("stages:\n  - run: kz-one\n  - run: kz-nothere\n",
	    dir, &pl, &err), -1);
	ck_assert_str_eq(err.file, "p.yaml");
	ck_assert_int_eq(err.line, 3);
	ck_assert_int_eq(err.column, 10);
	ck_assert_ptr_nonnull(strstr(err.message, "unknown stage 'kz-nothere'"));

	ck_assert_int_eq(load("stages: [kz-one]\nformat: html\n", dir, &pl, &err), -1);
	ck_assert_int_eq(err.line, 2);
	ck_assert_int_eq(err.column, 1);
	ck_assert_ptr_nonnull(strstr(err.message, "unknown key 'format'"));

	ck_assert_int_eq(load("stages: [kz-one]\nlang: de\n", dir, &pl, &err), -1);
	ck_assert_int_eq(err.line, 2);
	ck_assert_int_eq(err.column, 7);

	ck_assert_int_eq(load("stages: [kz-one]\noutput: pdf\n", dir, &pl, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.message, "output: jsonl, text, html or tsv"));

	ck_assert_int_eq(load("stages: []\n", dir, &pl, &err), -1);
	ck_assert_int_eq(load("stages:\n  - run: kz-one\n    args: --quiet\n", dir,
	    &pl, &err), -1);
	ck_assert_int_eq(err.line, 3);
	ck_assert_int_eq(load("stages: [kz-one, [x]]\n", dir, &pl, &err), -1);
	ck_assert_int_eq(load("stages:\n  - run: kz-one\n    args: [$data]\n", dir,
	    &pl, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.message, "no 'data:' key"));
	ck_assert_int_eq(load("stages: [kz-one\n", dir, &pl, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.message, "YAML syntax error"));
	ck_assert_int_eq(load("", dir, &pl, &err), -1);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(config_data_folder)
{
	char *dir = temp_dir();
	kz_pipeline pl;
	kz_error err;
	kz_buf b;

	write_file(dir, "kz-one", "#!/bin/sh\ncat\n", 1);
	ck_assert_int_eq(load("stages: [{run: kz-one, args: [--data, $data]}]\n"
	    "data: .\n", dir, &pl, &err), 0);
	ck_assert_ptr_nonnull(pl.data);
	ck_assert_int_eq(pl.data[0], '/');
	kz_buf_init(&b);
	kz_pipeline_format(&pl, "x", &b);
	ck_assert_msg(strncmp(b.data, "KZ_DATA=", 8) == 0, "%s", b.data);
	ck_assert_ptr_nonnull(strstr(b.data, "/kz-one --data /"));
	kz_buf_release(&b);
	kz_pipeline_release(&pl);
	ck_assert_int_eq(load("stages: [kz-one]\ndata: nowhere\n", dir, &pl, &err), -1);
	ck_assert_int_eq(err.line, 2);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(find_program_beside_then_path)
{
	char *dir = temp_dir(), *p;

	write_file(dir, "sh", "#!/bin/sh\n", 1);
	write_file(dir, "plain", "not executable\n", 0);
	p = kz_find_program("sh", dir, NULL);
	ck_assert_ptr_nonnull(strstr(p, dir));
	free(p);
	p = kz_find_program("sh", "/nonexistent", NULL);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(strstr(p, dir));
	free(p);
	ck_assert_ptr_null(kz_find_program("plain", dir, NULL));
	ck_assert_ptr_null(kz_find_program("./plain", NULL, dir));
	p = kz_find_program("./sh", NULL, dir);
	ck_assert_ptr_nonnull(p);
	free(p);
	ck_assert_ptr_null(kz_find_program("kz-surely-not-a-program", dir, NULL));
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(exit_worst_order)
{
	ck_assert_int_eq(kz_exit_worst(0, 65), 65);
	ck_assert_int_eq(kz_exit_worst(65, 0), 65);
	ck_assert_int_eq(kz_exit_worst(65, 66), 66);
	ck_assert_int_eq(kz_exit_worst(78, 65), 78);
	ck_assert_int_eq(kz_exit_worst(70, 78), 70);
	ck_assert_int_eq(kz_exit_worst(74, 70), 74);
	ck_assert_int_eq(kz_exit_worst(1, 65), 1);
	ck_assert_int_eq(kz_exit_worst(74, 1), 74);
}
END_TEST

START_TEST(run_joins_stages_with_pipes)
{
	char *dir = temp_dir(), *out;
	kz_pipeline pl;
	kz_error err;
	kz_buf p;
	int in, fd;

	write_file(dir, "up.sh", "#!/bin/sh\ntr a-z A-Z\n", 1);
	write_file(dir, "tag.sh", "#!/bin/sh\nsed \"s/^/$1:/\"\nexit 65\n", 1);
	write_file(dir, "in.txt", "hello\nworld\n", 0);
	ck_assert_int_eq(load("stages:\n  - ./up.sh\n  - {run: ./tag.sh, args: [$id]}\n",
	    dir, &pl, &err), 0);
	kz_buf_init(&p);
	kz_buf_addf(&p, "%s/in.txt", dir);
	in = open(p.data, O_RDONLY);
	kz_buf_reset(&p);
	kz_buf_addf(&p, "%s/out.txt", dir);
	fd = open(p.data, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_eq(kz_pipeline_run(&pl, "a1", in, fd, &err), 65);
	ck_assert_ptr_nonnull(strstr(err.message, "tag.sh exited with status 65"));
	close(in);
	close(fd);
	out = read_path(dir, "out.txt");
	ck_assert_str_eq(out, "a1:HELLO\na1:WORLD\n");
	free(out);
	kz_buf_release(&p);
	kz_pipeline_release(&pl);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(batch_skips_unchanged_and_records_failures)
{
	char *dir = temp_dir(), *s;
	kz_buf in, out;
	kz_pipeline pl;
	kz_batch_opts o = { .jobs = 2, .timeout = 30 };
	kz_batch_stats st;
	kz_error err;

	/* the stage turns an article into one record; "bad" makes it fail */
	write_file(dir, "rec.sh", "#!/bin/sh\n"
	    "grep -q bad && { echo 'rec.sh: a bad article' >&2; exit 65; }\n"
	    "echo '{\"id\":\"'$1'\",\"flags\":[{\"severity\":\"warning\"}]}'\n", 1);
	ck_assert_int_eq(load("stages: [{run: ./rec.sh, args: [$id]}]\n", dir, &pl,
	    &err), 0);
	kz_buf_init(&in);
	kz_buf_init(&out);
	kz_buf_addf(&in, "%s/in", dir);
	kz_buf_addf(&out, "%s/out", dir);
	mkdir(in.data, 0755);
	write_file(in.data, "a.txt", "one\n", 0);
	write_file(in.data, "b.txt", "two\n", 0);
	write_file(in.data, "c.txt", "bad\n", 0);
	write_file(in.data, ".hidden", "bad\n", 0);
	o.in_dir = in.data;
	o.out_dir = out.data;

	ck_assert_int_eq(kz_batch_run(&pl, &o, &st, &err), KZ_EXIT_DATAERR);
	ck_assert_uint_eq(st.seen, 3);
	ck_assert_uint_eq(st.done, 2);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_uint_eq(st.flags[1], 2);
	s = read_path(out.data, "a.jsonl");
	ck_assert_str_eq(s, "{\"id\":\"a\",\"flags\":[{\"severity\":\"warning\"}]}\n");
	free(s);
	s = read_path(out.data, "failures.tsv");
	ck_assert_msg(strstr(s, "c.txt\trec.sh exited with status 65: a bad article\t")
	    != NULL, "%s", s);
	free(s);
	ck_assert_ptr_null(read_path(out.data, "c.jsonl"));

	/* unchanged: skipped; the failure is tried again */
	ck_assert_int_eq(kz_batch_run(&pl, &o, &st, &err), KZ_EXIT_DATAERR);
	ck_assert_uint_eq(st.skipped, 2);
	ck_assert_uint_eq(st.done, 0);
	ck_assert_uint_eq(st.failed, 1);

	/* mended and edited: both redone, no failures file left */
	write_file(in.data, "c.txt", "good\n", 0);
	write_file(in.data, "a.txt", "one, edited\n", 0);
	ck_assert_int_eq(kz_batch_run(&pl, &o, &st, &err), 0);
	ck_assert_uint_eq(st.done, 2);
	ck_assert_uint_eq(st.skipped, 1);
	ck_assert_ptr_null(read_path(out.data, "failures.tsv"));

	/* --force: everything again */
	o.force = 1;
	ck_assert_int_eq(kz_batch_run(&pl, &o, &st, &err), 0);
	ck_assert_uint_eq(st.done, 3);
	ck_assert_uint_eq(st.skipped, 0);

	kz_buf_release(&in);
	kz_buf_release(&out);
	kz_pipeline_release(&pl);
	remove_tree(dir);
	free(dir);
}
END_TEST

/* kz_batch_status_read: what the next run would do, counted without
 * running anything, from the input folder the last run recorded. */
START_TEST(status_counts_without_running)
{
	char *dir = temp_dir(), *before, *after;
	kz_buf in, out, link;
	kz_pipeline pl, other;
	kz_batch_opts o = { .jobs = 1, .timeout = 30, .max_attempts = 2 };
	kz_batch_stats st;
	kz_batch_status s;
	kz_error err;

	write_file(dir, "rec.sh", "#!/bin/sh\n"
	    "grep -q bad && exit 70\n"
	    "echo '{\"id\":\"'$1'\"}'\n", 1);
	ck_assert_int_eq(load("stages: [{run: ./rec.sh, args: [$id]}]\n", dir, &pl,
	    &err), 0);
	ck_assert_int_eq(load("stages: [{run: ./rec.sh, args: [$id, x]}]\n", dir,
	    &other, &err), 0);
	kz_buf_init(&in);
	kz_buf_init(&out);
	kz_buf_init(&link);
	kz_buf_addf(&in, "%s/in", dir);
	kz_buf_addf(&out, "%s/out", dir);
	mkdir(in.data, 0755);
	write_file(in.data, "a.txt", "one\n", 0);
	write_file(in.data, "b.txt", "two\n", 0);
	write_file(in.data, "c.txt", "bad\n", 0);
	o.in_dir = in.data;
	o.out_dir = out.data;

	/* no run yet: nothing recorded, and no folder */
	o.in_dir = NULL;
	ck_assert_int_eq(kz_batch_status_read(&pl, &o, &s, &err), KZ_EXIT_NOINPUT);
	kz_batch_status_release(&s);
	o.in_dir = in.data;
	ck_assert_int_eq(kz_batch_run(&pl, &o, &st, &err), KZ_EXIT_DATAERR);

	o.in_dir = NULL;        /* the one .kz-source recorded */
	ck_assert_int_eq(kz_batch_status_read(&pl, &o, &s, &err), 0);
	ck_assert_uint_eq(s.articles, 3);
	ck_assert_uint_eq(s.done, 2);
	ck_assert_uint_eq(s.failed, 1);
	ck_assert_uint_eq(s.quarantined, 0);
	ck_assert_uint_eq(s.pending, 0);
	ck_assert_uint_eq(s.nentries, 1);
	ck_assert_str_eq(s.entries[0].name, "c.txt");
	ck_assert_int_eq(s.entries[0].quarantined, 0);
	ck_assert_msg(strstr(s.entries[0].reason, "rec.sh") != NULL, "%s",
	    s.entries[0].reason);
	kz_batch_status_release(&s);

	/* a second failure quarantines c (--max-attempts 2); a edited */
	o.in_dir = in.data;
	ck_assert_int_eq(kz_batch_run(&pl, &o, &st, &err), KZ_EXIT_DATAERR);
	write_file(in.data, "a.txt", "one, edited\n", 0);
	before = read_path(out.data, ".kz-state");
	ck_assert_int_eq(kz_batch_status_read(&pl, &o, &s, &err), 0);
	ck_assert_uint_eq(s.done, 1);
	ck_assert_uint_eq(s.failed, 0);
	ck_assert_uint_eq(s.quarantined, 1);
	ck_assert_uint_eq(s.pending, 1);
	ck_assert_int_eq(s.entries[0].quarantined, 1);
	kz_batch_status_release(&s);
	after = read_path(out.data, ".kz-state");
	ck_assert_str_eq(before, after);        /* nothing written */
	free(before);
	free(after);

	/* another pipeline: every output stale */
	ck_assert_int_eq(kz_batch_status_read(&other, &o, &s, &err), 0);
	ck_assert_uint_eq(s.done, 0);
	ck_assert_uint_eq(s.pending, 2);
	kz_batch_status_release(&s);

	/* a journal planted as a link is refused, as a run refuses it */
	kz_buf_addf(&link, "%s/.kz-made", out.data);
	unlink(link.data);
	ck_assert_int_eq(symlink("/etc/passwd", link.data), 0);
	ck_assert_int_eq(kz_batch_status_read(&pl, &o, &s, &err), KZ_EXIT_NOPERM);
	kz_batch_status_release(&s);

	kz_buf_release(&in);
	kz_buf_release(&out);
	kz_buf_release(&link);
	kz_pipeline_release(&pl);
	kz_pipeline_release(&other);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(batch_rejects_output_not_json)
{
	char *dir = temp_dir(), *s;
	kz_buf in, out;
	kz_pipeline pl;
	kz_batch_opts o = { .jobs = 1 };
	kz_batch_stats st;
	kz_error err;

	write_file(dir, "half.sh", "#!/bin/sh\nprintf '{\"id\":'\n", 1);
	ck_assert_int_eq(load("stages: [./half.sh]\n", dir, &pl, &err), 0);
	kz_buf_init(&in);
	kz_buf_init(&out);
	kz_buf_addf(&in, "%s/in", dir);
	kz_buf_addf(&out, "%s/out", dir);
	mkdir(in.data, 0755);
	write_file(in.data, "a.txt", "x\n", 0);
	o.in_dir = in.data;
	o.out_dir = out.data;
	ck_assert_int_eq(kz_batch_run(&pl, &o, &st, &err), KZ_EXIT_DATAERR);
	s = read_path(out.data, "failures.tsv");
	ck_assert_ptr_nonnull(strstr(s, "the output is not kz/1 JSON Lines"));
	free(s);
	/* the same folder twice is refused */
	o.out_dir = in.data;
	ck_assert_int_eq(kz_batch_run(&pl, &o, &st, &err), KZ_EXIT_USAGE);
	kz_buf_release(&in);
	kz_buf_release(&out);
	kz_pipeline_release(&pl);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(content_hash_changes_with_a_byte)
{
	ck_assert(kz_content_hash("abc", 3) != kz_content_hash("abd", 3));
	ck_assert(kz_content_hash("abc", 3) == kz_content_hash("abc", 3));
	ck_assert(kz_content_hash("", 0) != kz_content_hash("\0", 1));
}
END_TEST

/* kz-run's journals: the last line for a name wins, "" forgets it, names
 * with tabs and newlines read back, a torn last line is not read. */
START_TEST(journal_last_line_wins)
{
	kz_journal j;
	kz_buf out;
	size_t whole;
	const char *odd = "a\tb\nc\\d.txt";

	kz_buf_init(&out);
	kz_journal_line(&out, "a.txt", "1\t2");
	kz_journal_line(&out, odd, "x");
	kz_journal_line(&out, "a.txt", "3\t4");
	kz_journal_line(&out, "b.txt", "5");
	kz_journal_line(&out, "b.txt", "");
	kz_buf_adds(&out, "c.txt\ttorn");
	kz_journal_init(&j);
	whole = kz_journal_parse(&j, out.data, out.len);
	ck_assert_uint_eq(whole, out.len - strlen("c.txt\ttorn"));
	ck_assert_uint_eq(j.lines, 5);
	ck_assert_str_eq(kz_journal_get(&j, "a.txt"), "3\t4");
	ck_assert_str_eq(kz_journal_get(&j, odd), "x");
	ck_assert_ptr_null(kz_journal_get(&j, "b.txt"));
	ck_assert_ptr_null(kz_journal_get(&j, "c.txt"));
	/* compacted: one line per name still set */
	kz_buf_reset(&out);
	kz_journal_dump(&j, &out);
	kz_journal_release(&j);
	kz_journal_init(&j);
	ck_assert_uint_eq(kz_journal_parse(&j, out.data, out.len), out.len);
	ck_assert_uint_eq(j.lines, 2);
	ck_assert_str_eq(kz_journal_get(&j, odd), "x");
	ck_assert(!kz_journal_stale(&j));
	kz_journal_release(&j);
	kz_buf_release(&out);
}
END_TEST

Suite *
suite_runner(void)
{
	Suite *s = suite_create("runner");
	TCase *tc = tcase_create("runner");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, config_stages_args_and_defaults);
	tcase_add_test(tc, config_errors_name_line_and_column);
	tcase_add_test(tc, config_data_folder);
	tcase_add_test(tc, find_program_beside_then_path);
	tcase_add_test(tc, exit_worst_order);
	tcase_add_test(tc, journal_last_line_wins);
	tcase_add_test(tc, run_joins_stages_with_pipes);
	tcase_add_test(tc, batch_skips_unchanged_and_records_failures);
	tcase_add_test(tc, batch_rejects_output_not_json);
	tcase_add_test(tc, status_counts_without_running);
	tcase_add_test(tc, content_hash_changes_with_a_byte);
	suite_add_tcase(s, tc);
	return s;
}
