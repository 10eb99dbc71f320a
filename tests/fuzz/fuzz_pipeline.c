/*
 * fuzz_pipeline - the pipeline.yaml loader of kz-run
 * (kz_pipeline_load_string), then what kz-run does with a loaded pipeline
 * short of starting processes: each stage's argv with $id, $lang and $data
 * filled in, the pipeline as a shell command line.
 *
 * Input: a pipeline.yaml. Programs are looked up in a scratch folder that
 * holds an executable kz-normalize, kz-tag, kz-quotes, kz-check and
 * kz-show (empty scripts), and in PATH; nothing is ever run.
 */
#include "fuzz_common.h"

#include "runner.h"

static char exe_dir[PATH_MAX];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const progs[] = { "kz-normalize", "kz-tag",
	    "kz-quotes", "kz-check", "kz-show", NULL };
	char rel[PATH_MAX], path[PATH_MAX];

	(void)argc; (void)argv;
	snprintf(exe_dir, sizeof exe_dir, "%s/bin", fuzz_tmpdir());
	mkdir(exe_dir, 0700);
	for (size_t i = 0; progs[i]; i++) {
		snprintf(rel, sizeof rel, "bin/%s", progs[i]);
		fuzz_write(path, rel, (const uint8_t *)"#!/bin/sh\n", 10);
		chmod(path, 0700);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kz_pipeline pl;
	kz_error err;
	kz_buf line;

	memset(&pl, 0, sizeof pl);
	kz_error_clear(&err);
	if (kz_pipeline_load_string("pipeline.yaml", (const char *)data, size,
	    fuzz_tmpdir(), exe_dir, &pl, &err) != 0) {
		if (err.message[0] == '\0')
			fuzz_fail("load failed without a message", NULL);
		kz_pipeline_release(&pl);
		return 0;
	}
	for (size_t i = 0; i <= pl.n; i++) {
		char **argv;

		if (i == pl.n && pl.output == KZ_OUT_JSONL)
			break;
		argv = kz_pipeline_argv(&pl, i, "fuzz-id");
		if (argv == NULL || argv[0] == NULL)
			fuzz_fail("stage without an argv", NULL);
		kz_argv_free(argv);
	}
	kz_pipeline_nprocs(&pl, 0);
	kz_pipeline_nprocs(&pl, 1);
	kz_buf_init(&line);
	kz_pipeline_format(&pl, "fuzz id with 'quotes' and $x", &line);
	kz_buf_release(&line);
	kz_output_ext(pl.output);
	kz_pipeline_release(&pl);
	return 0;
}
