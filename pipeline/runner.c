/* syncfs(2), Linux: a group of outputs made durable with one commit */
#ifdef __linux__
#define _GNU_SOURCE
#endif
#include "runner.h"

#include "datapath.h"
#include "esc.h"
#include "journal.h"
#include "jsonline.h"
#include "sentinel.h"

#include "buf.h"
#include "datapath.h"
#include "decisions_apply.h"
#include "record.h"
#include "stage.h"
#include "strmap.h"
#include "text.h"
#include "yamltree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* ================================================================ config */

int
kz_output_parse(const char *name, kz_output *out)
{
	static const char *const names[] = { "jsonl", "text", "html", "tsv" };

	for (int i = 0; i < 4; i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (kz_output)i;
			return 0;
		}
	return -1;
}

const char *
kz_output_ext(kz_output o)
{
	static const char *const ext[] = { ".jsonl", ".txt", ".html", ".tsv" };

	return ext[o];
}

static const char *
output_name(kz_output o)
{
	static const char *const names[] = { "jsonl", "text", "html", "tsv" };

	return names[o];
}

int
kz_exe_dir(char *out, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", out, n - 1);
	char *slash;

	if (len <= 0)
		return -1;
	out[len] = '\0';
	slash = strrchr(out, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

static int
is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

char *
kz_find_program(const char *name, const char *exe_dir, const char *base_dir)
{
	kz_buf b;
	const char *path, *p;

	if (*name == '\0')
		return NULL;
	kz_buf_init(&b);
	if (strchr(name, '/')) {
		if (name[0] != '/' && base_dir && *base_dir)
			kz_buf_addf(&b, "%s/", base_dir);
		kz_buf_adds(&b, name);
		if (is_executable(b.data))
			return kz_buf_detach(&b, NULL);
		kz_buf_release(&b);
		return NULL;
	}
	if (exe_dir) {
		kz_buf_addf(&b, "%s/%s", exe_dir, name);
		if (is_executable(b.data))
			return kz_buf_detach(&b, NULL);
	}
	path = getenv("PATH");
	for (p = path; p && *p; ) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		kz_buf_reset(&b);
		if (n == 0)
			kz_buf_adds(&b, ".");
		else
			kz_buf_add(&b, p, n);
		kz_buf_addf(&b, "/%s", name);
		if (is_executable(b.data))
			return kz_buf_detach(&b, NULL);
		p = end ? end + 1 : NULL;
	}
	kz_buf_release(&b);
	return NULL;
}

void
kz_pipeline_release(kz_pipeline *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		free(pl->stages[i].name);
		free(pl->stages[i].path);
		for (size_t j = 0; j < pl->stages[i].nargs; j++)
			free(pl->stages[i].args[j]);
		free(pl->stages[i].args);
	}
	free(pl->stages);
	free(pl->file);
	free(pl->data);
	free(pl->lang);
	free(pl->show_path);
	free(pl->decisions);
	memset(pl, 0, sizeof *pl);
}

static int
only_keys(const kz_yaml_doc *doc, const kz_yaml_node *map,
    const char *const *known, const char *what, kz_error *err)
{
	for (size_t i = 0; i < map->n; i++) {
		const kz_yaml_node *k = kz_yaml_key(map, i);
		const char *ks = kz_yaml_str(k);
		size_t j;
		kz_buf list;

		for (j = 0; known[j]; j++)
			if (ks && strcmp(ks, known[j]) == 0)
				break;
		if (known[j])
			continue;
		kz_buf_init(&list);
		for (j = 0; known[j]; j++)
			kz_buf_addf(&list, "%s%s", j ? ", " : "", known[j]);
		kz_yaml_error(err, doc, k, "unknown key '%s' in %s (known: %s)",
		    ks ? ks : "?", what, list.data);
		kz_buf_release(&list);
		return -1;
	}
	return 0;
}

/* A scalar that must be a plain string value. */
static const char *
scalar_of(const kz_yaml_doc *doc, const kz_yaml_node *n, const char *key,
    kz_error *err)
{
	if (n == NULL || n->kind != KZ_YAML_SCALAR || kz_yaml_is_null(n)) {
		kz_yaml_error(err, doc, n, "'%s' must be a string", key);
		return NULL;
	}
	return n->scalar;
}

/* What exec(2) would refuse (E2BIG) is said now, with the line, rather
 * than as exit 127 of every article later: the whole argument list within
 * a quarter of ARG_MAX (the environment and $id, $data need the rest),
 * and no argument over Linux's 128 KiB for one string. */
static int
args_too_long(const kz_yaml_doc *doc, const kz_yaml_node *args,
    kz_error *err)
{
	long arg_max = sysconf(_SC_ARG_MAX);
	size_t budget = arg_max > 0 ? (size_t)arg_max / 4 : 32768, total = 0;

	for (size_t i = 0; i < args->n; i++) {
		const char *a = args->items[i]->scalar ? args->items[i]->scalar : "";
		size_t len = strlen(a);

		if (len >= 128 * 1024)
			return kz_yaml_error(err, doc, args->items[i], "an argument of"
			    " %zu bytes: a program takes at most 128 KiB in one", len);
		/* $id and $data expand: count a path's worth for each '$' */
		for (const char *d = strchr(a, '$'); d; d = strchr(d + 1, '$'))
			total += PATH_MAX;
		total += len + 1 + sizeof(char *);
		if (total > budget)
			return kz_yaml_error(err, doc, args, "'args' too long: %zu"
			    " arguments pass the %zu bytes a program can be given"
			    " here", args->n, budget);
	}
	return 0;
}

static int
load_stage(const kz_yaml_doc *doc, const kz_yaml_node *node,
    const char *base_dir, const char *exe_dir, kz_stage_spec *st,
    kz_error *err)
{
	static const char *const known[] = { "run", "args", NULL };
	const kz_yaml_node *run, *args;
	const char *name;

	if (node->kind == KZ_YAML_SCALAR) {
		run = node;     /* "- kz-tag" is short for "- run: kz-tag" */
		args = NULL;
	} else if (node->kind == KZ_YAML_MAP) {
		if (only_keys(doc, node, known, "a stage", err) != 0)
			return -1;
		if ((run = kz_yaml_require(doc, node, "run", KZ_YAML_SCALAR, err)) == NULL)
			return -1;
		args = kz_yaml_get(node, "args");
	} else {
		return kz_yaml_error(err, doc, node, "a stage must be a mapping"
		    " such as {run: kz-tag, args: [--quiet]}");
	}
	if ((name = scalar_of(doc, run, "run", err)) == NULL)
		return -1;
	st->name = kz_strdup(name);
	st->line = run->line;
	st->column = run->column;
	st->path = kz_find_program(name, exe_dir, base_dir);
	if (st->path == NULL) {
		if (strchr(name, '/'))
			return kz_yaml_error(err, doc, run, "unknown stage '%s': no"
			    " executable file there", name);
		return kz_yaml_error(err, doc, run, "unknown stage '%s': not found"
		    " beside kz-run (%s) or in PATH", name,
		    exe_dir ? exe_dir : "?");
	}
	if (args && !kz_yaml_is_null(args)) {
		if (args->kind != KZ_YAML_SEQ)
			return kz_yaml_error(err, doc, args, "'args' must be a list,"
			    " such as [--lang, fr]");
		st->args = kz_calloc(args->n + 1, sizeof *st->args);
		for (size_t i = 0; i < args->n; i++) {
			const kz_yaml_node *a = args->items[i];

			if (a->kind != KZ_YAML_SCALAR)
				return kz_yaml_error(err, doc, a, "each argument must be a"
				    " string");
			st->args[st->nargs++] = kz_strdup(a->scalar ? a->scalar : "");
		}
		if (args_too_long(doc, args, err) != 0)
			return -1;
	}
	return 0;
}

/* `decisions: FILE` (issue 17): the editors' store, relative to the
 * pipeline file, made absolute; it need not exist yet (no decision). */
static int
load_decisions(const kz_yaml_doc *doc, const kz_yaml_node *root,
    const char *base_dir, kz_pipeline *pl, kz_error *err)
{
	const kz_yaml_node *v = kz_yaml_get(root, "decisions");
	const char *s;
	char cwd[PATH_MAX];
	kz_buf p;

	if (v == NULL || kz_yaml_is_null(v))
		return 0;
	if ((s = scalar_of(doc, v, "decisions", err)) == NULL)
		return -1;
	if (*s == '\0')
		return kz_yaml_error(err, doc, v, "decisions: a file name, such as"
		    " results/.kz-review.db");
	kz_buf_init(&p);
	if (s[0] != '/') {
		if ((base_dir == NULL || base_dir[0] != '/') &&
		    getcwd(cwd, sizeof cwd) != NULL)
			kz_buf_addf(&p, "%s/", cwd);
		if (base_dir && *base_dir && strcmp(base_dir, ".") != 0)
			kz_buf_addf(&p, "%s/", base_dir);
	}
	kz_buf_adds(&p, s);
	pl->decisions = kz_buf_detach(&p, NULL);
	return 0;
}

/* The stages that read decisions (kz-quotes, kz-check), by program name. */
static int
takes_decisions(const kz_stage_spec *st)
{
	const char *base = strrchr(st->path, '/');

	base = base ? base + 1 : st->path;
	return strcmp(base, "kz-quotes") == 0 || strcmp(base, "kz-check") == 0;
}

static int
load_tree(const kz_yaml_doc *doc, const char *base_dir, const char *exe_dir,
    kz_pipeline *pl, kz_error *err)
{
	static const char *const known[] = { "stages", "data", "lang", "output",
		"decisions", NULL };
	const kz_yaml_node *root = doc->root, *stages, *v;

	if (root == NULL)
		return kz_error_set(err, doc->name, 0, 0, "empty file: a pipeline"
		    " needs 'stages'");
	if (root->kind != KZ_YAML_MAP)
		return kz_yaml_error(err, doc, root, "expected a mapping with"
		    " 'stages'");
	if (only_keys(doc, root, known, "pipeline", err) != 0)
		return -1;
	if ((stages = kz_yaml_require(doc, root, "stages", KZ_YAML_SEQ, err)) == NULL)
		return -1;
	if (stages->n == 0)
		return kz_yaml_error(err, doc, stages, "'stages' is empty");
	pl->stages = kz_calloc(stages->n, sizeof *pl->stages);
	for (size_t i = 0; i < stages->n; i++) {
		if (load_stage(doc, stages->items[i], base_dir, exe_dir,
		    &pl->stages[i], err) != 0) {
			pl->n = i + 1;
			return -1;
		}
		pl->n = i + 1;
	}
	pl->lang = kz_strdup("fr");
	if ((v = kz_yaml_get(root, "lang")) != NULL) {
		const char *s = scalar_of(doc, v, "lang", err);

		if (s == NULL)
			return -1;
		if (strcmp(s, "fr") && strcmp(s, "en"))
			return kz_yaml_error(err, doc, v, "lang: fr or en, not '%s'", s);
		free(pl->lang);
		pl->lang = kz_strdup(s);
	}
	if ((v = kz_yaml_get(root, "output")) != NULL) {
		const char *s = scalar_of(doc, v, "output", err);

		if (s == NULL)
			return -1;
		if (kz_output_parse(s, &pl->output) != 0)
			return kz_yaml_error(err, doc, v, "output: jsonl, text, html or"
			    " tsv, not '%s'", s);
	}
	if ((v = kz_yaml_get(root, "data")) != NULL && !kz_yaml_is_null(v)) {
		const char *s = scalar_of(doc, v, "data", err);
		char real[PATH_MAX];
		kz_buf p;
		struct stat st;

		if (s == NULL)
			return -1;
		kz_buf_init(&p);
		if (s[0] != '/' && base_dir && *base_dir)
			kz_buf_addf(&p, "%s/", base_dir);
		kz_buf_adds(&p, s);
		if (stat(p.data, &st) != 0 || !S_ISDIR(st.st_mode) ||
		    realpath(p.data, real) == NULL) {
			kz_yaml_error(err, doc, v, "data: no folder %s", p.data);
			kz_buf_release(&p);
			return -1;
		}
		kz_buf_release(&p);
		pl->data = kz_strdup(real);
	}
	if (load_decisions(doc, root, base_dir, pl, err) != 0)
		return -1;
	for (size_t i = 0; i < pl->n; i++)
		for (size_t j = 0; j < pl->stages[i].nargs; j++)
			if (strstr(pl->stages[i].args[j], "$data") && pl->data == NULL)
				return kz_error_set(err, doc->name, pl->stages[i].line,
				    pl->stages[i].column, "stage '%s' uses $data, but the"
				    " file has no 'data:' key", pl->stages[i].name);
	if (pl->output != KZ_OUT_JSONL) {
		pl->show_path = kz_find_program("kz-show", exe_dir, NULL);
		if (pl->show_path == NULL)
			return kz_yaml_error(err, doc, kz_yaml_get(root, "output"),
			    "output: %s needs kz-show, not found beside kz-run or in"
			    " PATH", output_name(pl->output));
	}
	return 0;
}

static int
load_common(const char *name, const char *s, size_t len, int from_file,
    const char *base_dir, const char *exe_dir, kz_pipeline *pl, kz_error *err)
{
	kz_yaml_doc doc;
	int rc;

	memset(pl, 0, sizeof *pl);
	if (from_file)
		rc = kz_yaml_load_file(name, &doc, err);
	else
		rc = kz_yaml_load_string(name, s, len, &doc, err);
	if (rc != 0)
		return -1;
	pl->file = kz_strdup(name);
	rc = load_tree(&doc, base_dir, exe_dir, pl, err);
	kz_yaml_doc_release(&doc);
	if (rc != 0)
		kz_pipeline_release(pl);
	return rc;
}

int
kz_pipeline_load_string(const char *name, const char *s, size_t len,
    const char *base_dir, const char *exe_dir, kz_pipeline *pl, kz_error *err)
{
	return load_common(name, s, len, 0, base_dir, exe_dir, pl, err);
}

int
kz_pipeline_load(const char *path, const char *exe_dir, kz_pipeline *pl,
    kz_error *err)
{
	char *dir = kz_strdup(path), *slash = strrchr(dir, '/');
	int rc;

	if (slash == NULL) {
		free(dir);
		dir = kz_strdup(".");
	} else if (slash == dir) {
		dir[1] = '\0';
	} else {
		*slash = '\0';
	}
	rc = load_common(path, NULL, 0, 1, dir, exe_dir, pl, err);
	free(dir);
	return rc;
}

size_t
kz_pipeline_nprocs(const kz_pipeline *pl, int with_show)
{
	return pl->n + (with_show && pl->output != KZ_OUT_JSONL);
}

static void
substitute(kz_buf *b, const char *arg, const kz_pipeline *pl, const char *id)
{
	while (*arg) {
		if (strncmp(arg, "$id", 3) == 0) {
			kz_buf_adds(b, id ? id : "stdin");
			arg += 3;
		} else if (strncmp(arg, "$lang", 5) == 0) {
			kz_buf_adds(b, pl->lang ? pl->lang : "fr");
			arg += 5;
		} else if (strncmp(arg, "$data", 5) == 0) {
			kz_buf_adds(b, pl->data ? pl->data : "");
			arg += 5;
		} else {
			kz_buf_addc(b, *arg++);
		}
	}
}

char **
kz_pipeline_argv(const kz_pipeline *pl, size_t i, const char *id)
{
	char **argv;

	if (i == pl->n) {   /* kz-show */
		/* never its own pager: the stages run in a process group of
		 * their own, where a less reading the terminal would stop */
		argv = kz_calloc(5, sizeof *argv);
		argv[0] = kz_strdup(pl->show_path ? pl->show_path : "kz-show");
		argv[1] = kz_strdup("--format");
		argv[2] = kz_strdup(output_name(pl->output));
		argv[3] = kz_strdup("--no-pager");
		return argv;
	}
	argv = kz_calloc(pl->stages[i].nargs + 4, sizeof *argv);
	argv[0] = kz_strdup(pl->stages[i].path);
	for (size_t j = 0; j < pl->stages[i].nargs; j++) {
		kz_buf b;

		kz_buf_init(&b);
		substitute(&b, pl->stages[i].args[j], pl, id);
		argv[j + 1] = kz_buf_detach(&b, NULL);
	}
	if (pl->decisions && takes_decisions(&pl->stages[i])) {
		argv[pl->stages[i].nargs + 1] = kz_strdup("--decisions");
		argv[pl->stages[i].nargs + 2] = kz_strdup(pl->decisions);
	}
	return argv;
}

void
kz_argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static void
shell_quote(kz_buf *b, const char *s)
{
	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_./=:,+@%") == strlen(s)) {
		kz_buf_adds(b, s);
		return;
	}
	kz_buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			kz_buf_adds(b, "'\\''");
		else
			kz_buf_addc(b, *s);
	}
	kz_buf_addc(b, '\'');
}

void
kz_pipeline_format(const kz_pipeline *pl, const char *id, kz_buf *out)
{
	size_t n = kz_pipeline_nprocs(pl, 1);

	if (pl->data) {
		kz_buf_adds(out, "KZ_DATA=");
		shell_quote(out, pl->data);
		kz_buf_addc(out, ' ');
	}
	for (size_t i = 0; i < n; i++) {
		char **argv = kz_pipeline_argv(pl, i, id);

		if (i)
			kz_buf_adds(out, " | ");
		for (size_t j = 0; argv[j]; j++) {
			if (j)
				kz_buf_addc(out, ' ');
			shell_quote(out, argv[j]);
		}
		kz_argv_free(argv);
	}
}

/* ================================================================ processes */

int
kz_exit_worst(int a, int b)
{
	static const int order[] = { 0, 65, 66, 64, 75, 78, 70, 74 };
	int ra = -1, rb = -1;

	for (int i = 0; i < 8; i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	if (ra < 0)
		ra = 6;     /* another tool's failure ranks with 70 */
	if (rb < 0)
		rb = 6;
	return rb > ra ? b : a;
}

static void
set_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl >= 0)
		fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int
cloexec_pipe(int p[2])
{
	if (pipe(p) != 0)
		return -1;
	set_cloexec(p[0]);
	set_cloexec(p[1]);
	return 0;
}

/* In the child: make fd become target (stdin, stdout or stderr). */
static void
child_fd(int fd, int target)
{
	if (fd == target) {
		int fl = fcntl(fd, F_GETFD);

		if (fl >= 0)
			fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
	} else if (dup2(fd, target) < 0) {
		_exit(127);
	}
}

static void
child_exec(const kz_pipeline *pl, char **argv, int in, int out, int errfd,
    pid_t group, pid_t parent)
{
	sigset_t none;
	static const int sigs[] = { SIGPIPE, SIGCHLD, SIGINT, SIGTERM, SIGHUP,
		SIGQUIT };

	if (group >= 0)
		setpgid(0, group);
#ifdef __linux__
	/* a stage must not outlive a kz-run killed with SIGKILL */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
#else
	(void)parent;
#endif
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* stdin first: when in == 1 or 2, dup it before it is replaced */
	if (in == STDOUT_FILENO || in == STDERR_FILENO) {
		int t = dup(in);

		if (t < 0)
			_exit(127);
		in = t;
	}
	if (out == STDERR_FILENO) {
		int t = dup(out);

		if (t < 0)
			_exit(127);
		out = t;
	}
	child_fd(in, STDIN_FILENO);
	child_fd(out, STDOUT_FILENO);
	if (errfd >= 0)
		child_fd(errfd, STDERR_FILENO);
	if (pl->data)
		setenv("KZ_DATA", pl->data, 1);
	execv(argv[0], argv);
	{
		char msg[600];
		int n = snprintf(msg, sizeof msg, "kz-run: cannot run %s: %s\n",
		    argv[0], strerror(errno));

		if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0)
			_exit(127);
	}
	_exit(127);
}

/* Stage i's argv for a stream of records (a batch streamed through one
 * pipeline): as kz_pipeline_argv, but kz-normalize is told --jsonl and
 * its `--id $id` is left out, since each record brings its own id. */
static char **
stream_argv(const kz_pipeline *pl, size_t i)
{
	char **argv = kz_pipeline_argv(pl, i, "$id"), **w = argv + 1;
	size_t n = 0;

	if (i != 0)
		return argv;
	while (argv[n])
		n++;
	/* room for --jsonl: the stream is records, whatever it looks like */
	argv = kz_realloc(argv, (n + 2) * sizeof *argv);
	memmove(argv + 2, argv + 1, n * sizeof *argv);
	argv[1] = kz_strdup("--jsonl");
	w = argv + 2;
	for (char **r = argv + 2; *r; r++) {
		if (strcmp(*r, "--id") == 0 && r[1] && strcmp(r[1], "$id") == 0) {
			free(*r++);
			free(*r);
			continue;
		}
		*w++ = *r;
	}
	*w = NULL;
	return argv;
}

/* Start the pipeline's processes: in_fd -> stage 0 -> ... -> out_fd, every
 * stderr to err_fd (-1: inherited). With own_group, they share a new
 * process group (pids[0]'s). pids receives nprocs pids. id NULL: a stream
 * of records (stream_argv). Returns 0, or -1 with err when a pipe or fork
 * failed (what was started is killed). */
static int
spawn(const kz_pipeline *pl, const char *id, int with_show, int in_fd,
    int out_fd, int err_fd, int own_group, pid_t *pids, kz_error *err)
{
	size_t n = kz_pipeline_nprocs(pl, with_show), started = 0;
	int prev = in_fd, p[2], saved;
	pid_t parent = getpid();

	for (size_t i = 0; i < n; i++) {
		int out;
		char **argv;
		pid_t pid;

		p[0] = p[1] = -1;
		if (i + 1 < n) {
			if (cloexec_pipe(p) != 0)
				break;
			out = p[1];
		} else {
			out = out_fd;
		}
		argv = id ? kz_pipeline_argv(pl, i, id) : stream_argv(pl, i);
		pid = fork();
		if (pid == 0)
			child_exec(pl, argv, prev, out, err_fd,
			    own_group ? (i == 0 ? 0 : pids[0]) : -1, parent);
		saved = errno;
		kz_argv_free(argv);
		if (pid < 0) {
			if (p[0] >= 0) {
				close(p[0]);
				close(p[1]);
			}
			errno = saved;
			break;
		}
		if (own_group)
			setpgid(pid, i == 0 ? pid : pids[0]);
		pids[i] = pid;
		started++;
		if (prev != in_fd)
			close(prev);
		if (i + 1 < n) {
			close(p[1]);
			prev = p[0];
		}
	}
	if (started == n)
		return 0;
	saved = errno;
	kz_error_set(err, NULL, 0, 0, "cannot start the pipeline: %s",
	    strerror(saved));
	if (prev != in_fd)
		close(prev);
	for (size_t i = 0; i < started; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	errno = saved;
	return -1;
}

/* Out of descriptors or processes for a moment: the machine is busy, the
 * article is not at fault. */
/* Starts put off with no article of ours running before the article
 * fails: about 8 s in all (50 ms doubling to 800 ms). */
#define MAX_IDLE_TRIES 12

static int
transient_errno(int e)
{
	return e == EMFILE || e == ENFILE || e == EAGAIN || e == ENOMEM;
}

static const char *
stage_label(const kz_pipeline *pl, size_t i)
{
	const char *s;

	if (i == pl->n)
		return "kz-show";
	s = strrchr(pl->stages[i].name, '/');
	return s ? s + 1 : pl->stages[i].name;
}

/* The exit status a stage's wait status stands for. */
static int
status_code(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return WTERMSIG(ws) == SIGPIPE ? KZ_EXIT_IOERR : KZ_EXIT_SOFTWARE;
	return KZ_EXIT_SOFTWARE;
}

static void
describe_status(kz_buf *b, const char *label, int ws)
{
	if (WIFSIGNALED(ws))
		kz_buf_addf(b, "%s killed by signal %d (%s)", label, WTERMSIG(ws),
		    strsignal(WTERMSIG(ws)));
	else if (WIFEXITED(ws))
		kz_buf_addf(b, "%s exited with status %d", label, WEXITSTATUS(ws));
	else
		kz_buf_addf(b, "%s stopped", label);
}

/* Which stage to blame: the one with the worst status, the first of
 * equals; a stage killed by SIGPIPE (its reader died first) only when no
 * other failed. n when none failed. */
static size_t
blame(const int *ws, size_t n)
{
	size_t pick = n;
	int worst = 0, pipe_only = 1;

	for (size_t i = 0; i < n; i++) {
		int sigpipe = WIFSIGNALED(ws[i]) && WTERMSIG(ws[i]) == SIGPIPE;
		int code = status_code(ws[i]);

		if (code == 0)
			continue;
		if (pick == n || (pipe_only && !sigpipe) ||
		    (!sigpipe && code != worst && kz_exit_worst(worst, code) == code)) {
			pick = i;
			worst = code;
			pipe_only = sigpipe;
		}
	}
	return pick;
}

/* A status kz documents passes on; any other program's (a script's exit
 * 3, exec's 127) means "a stage failed": 70. */
static int
known_status(int code)
{
	static const int known[] = { 0, 64, 65, 66, 70, 74, 75, 78 };

	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (known[i] == code)
			return code;
	return KZ_EXIT_SOFTWARE;
}

static int
died_of_sigpipe(int ws)
{
	return WIFSIGNALED(ws) && WTERMSIG(ws) == SIGPIPE;
}

int
kz_pipeline_run(const kz_pipeline *pl, const char *id, int in_fd, int out_fd,
    kz_error *err)
{
	size_t n = kz_pipeline_nprocs(pl, 1), k;
	pid_t *pids = kz_calloc(n, sizeof *pids);
	int *ws = kz_calloc(n, sizeof *ws), rc = 0;

	if (spawn(pl, id, 1, in_fd, out_fd, -1, 0, pids, err) != 0) {
		free(pids);
		free(ws);
		return KZ_EXIT_SOFTWARE;
	}
	for (size_t i = 0; i < n; i++) {
		while (waitpid(pids[i], &ws[i], 0) < 0) {
			if (errno != EINTR) {
				ws[i] = 0;
				break;
			}
		}
	}
	k = blame(ws, n);
	if (k < n && died_of_sigpipe(ws[k])) {
		/* only SIGPIPE: a reader stopped early, nobody failed. When it
		 * was our own reader (`kz-run | head`), say so as cat would,
		 * by dying of it; a stage's reader that stopped is its own
		 * business (`head -1` as a stage) */
		rc = died_of_sigpipe(ws[n - 1]) ? KZ_RUN_SIGPIPE : 0;
	} else if (k < n) {
		kz_buf b;

		/* the blamed stage's status, not the SIGPIPE of the stage
		 * before a crash, which would read as an output error (74) */
		rc = known_status(status_code(ws[k]));
		kz_buf_init(&b);
		describe_status(&b, stage_label(pl, k), ws[k]);
		kz_error_set(err, NULL, 0, 0, "%s", b.data);
		kz_buf_release(&b);
	}
	free(pids);
	free(ws);
	return rc;
}

uint64_t
kz_content_hash(const void *data, size_t len)
{
	return kz_hash_bytes(data, len);
}

/* ================================================================ batch */

#define MAX_STDERR ((size_t)64 << 10)

typedef struct item {
	char *name;             /* file name in the input folder */
	char *out;              /* output file name */
	char *id;               /* the article's id: the name without extension */
	uint64_t hash;          /* at the last read */
	char *reason;           /* failure, or NULL */
	char *refused;          /* why it is not read at all, or NULL */
	int read;               /* hash is the bytes' (the article was read) */
	int out_error;          /* its output could not be written (a full
	                         * disk): no attempt of the article's */
} item;

typedef struct job {
	item *it;
	pid_t *pids;            /* pids[0] is also the process group */
	int *ws;
	char *reaped;
	size_t nprocs, nreaped;
	int in, out, errp;      /* our ends; -1 when closed */
	char *input;
	size_t in_len, in_off;
	kz_buf outb, errb;
	double deadline;
	int timed_out, stopped;
} job;

typedef struct batch {
	const kz_pipeline *pl;
	const kz_batch_opts *o;
	kz_batch_stats *st;
	kz_error *err;
	int dirfd;              /* output folder */
	FILE *journal;
	kz_journal failj;       /* .kz-failed: name -> HASH TAB ATTEMPTS TAB REASON */
	FILE *failed_f;
	/* .kz-made: name -> PIPELINE TAB DATA TAB VERSION TAB E TAB W TAB I */
	kz_journal madej;
	FILE *made_f;
	uint64_t pipe_hash, data_hash;  /* this run's */
	char version[64];
	kz_strmap *state;       /* name -> index into hashes and names */
	uint64_t *hashes;
	char **names;
	size_t nhashes, caphashes;
	unsigned long tmp_counter;
	/* group commit (a stream): outputs written to temporary files, made
	 * durable together, then renamed and journaled (commit_flush) */
	struct pending *pending;
	size_t npending, cappending;
	double pending_since;
	int group;
	item **failed;
	size_t nfailed;
	int status;
	char io_error[700];     /* the first output error, said at the end */
	double t0;
	char throttle_reason[700];  /* the last start put off for want of fds */
	kz_decisions *decisions;    /* the editors' store, opened once (or NULL) */
	int decisions_tried;
} batch;

/* What an article's output depends on besides its bytes: the editors'
 * decisions on it, when the pipeline names a store (issue 17). A decision
 * made since the last run changes the hash, and the article is redone. */
static uint64_t
article_hash(batch *b, const item *it, const char *data, size_t len)
{
	uint64_t h = kz_content_hash(data, len);
	long v;

	/* the store is opened once per batch, not once per article */
	if (b->pl->decisions != NULL && !b->decisions_tried) {
		b->decisions_tried = 1;
		if (kz_decisions_open_for_stage(b->pl->decisions, &b->decisions,
		    NULL) != 0)
			b->decisions = NULL;
	}
	if (b->decisions == NULL)
		return h;
	v = kz_decisions_article_version(b->decisions, it->id, NULL);
	return v > 0 ? h ^ kz_hash_bytes((const char *)&v, sizeof v) : h;
}

/* The output folder took no more (a full disk, a quota): the run feeds no
 * more articles, exits 74, and ends saying the first such error. */
static void
output_error(batch *b, const char *file, int e)
{
	if (b->io_error[0] == '\0')
		snprintf(b->io_error, sizeof b->io_error, "cannot write %s/%s: %s",
		    b->o->out_dir, file, strerror(e));
	b->status = KZ_EXIT_IOERR;
}

static volatile sig_atomic_t got_stop;
static int wake_pipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
		got_stop = 1;
	if (wake_pipe[1] >= 0 && write(wake_pipe[1], &c, 1) < 0) {
		/* the pipe is full: poll wakes anyway */
	}
	errno = saved;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read dirfd/name into b. With follow 0 a symbolic link is refused
 * (ELOOP) and so is anything but a regular file (a FIFO would block):
 * the folder may have changed since it was listed. */
static int
read_file_at(int dirfd, const char *name, int follow, kz_buf *b)
{
	char chunk[1 << 16];
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    (follow ? 0 : O_NOFOLLOW));
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		kz_buf_add(b, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

/* Open kz-run's own file in the output folder (.kz-lock, .kz-state):
 * created new, or opened without following a link, and only when it is a
 * plain file of ours with one name. A link planted there by someone who
 * can write the folder would have kz-run write where it points. */
static int
open_own_file(batch *b, const char *name, int flags, int *refused)
{
	struct stat st;
	int fd = openat(b->dirfd, name, flags | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);

	*refused = 0;
	if (fd < 0 && errno == EEXIST)
		fd = openat(b->dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		*refused = errno == ELOOP;
		if (errno == ELOOP)
			kz_error_set(b->err, b->o->out_dir, 0, 0, "%s is a symbolic"
			    " link: refusing it (remove it; kz-run makes its own)",
			    name);
		else
			kz_error_set(b->err, b->o->out_dir, 0, 0, "cannot open %s: %s",
			    name, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid()) {
		close(fd);
		*refused = 1;
		kz_error_set(b->err, b->o->out_dir, 0, 0, "%s is not a plain file"
		    " of this user's with one name: refusing it (remove it; kz-run"
		    " makes its own)", name);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write data to dirfd/name as a whole or not at all: a temporary file,
 * fsync, rename over name, fsync of the folder. */
static int
write_atomic(batch *b, const char *name, const char *data, size_t len)
{
	char tmp[64];
	int fd, saved;

	snprintf(tmp, sizeof tmp, ".kz-tmp.%ld.%lu", (long)getpid(),
	    ++b->tmp_counter);
	fd = openat(b->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlinkat(b->dirfd, tmp, 0);
		errno = saved;
		return -1;
	}
	if (close(fd) != 0 || renameat(b->dirfd, tmp, b->dirfd, name) != 0) {
		saved = errno;
		unlinkat(b->dirfd, tmp, 0);
		errno = saved;
		return -1;
	}
	fsync(b->dirfd);
	return 0;
}

/* Journal lines: 16 hex digits, a tab, the file name (escaped as
 * kz_esc_add escapes it, so that every name reads back byte for byte). */
static char *
tsv_unescape(const char *s, size_t len)
{
	kz_buf b;

	kz_buf_init(&b);
	kz_esc_unescape(&b, s, len);
	return kz_buf_detach(&b, NULL);
}

static void
state_put(batch *b, const char *name, uint64_t h)
{
	intptr_t k;

	if (kz_strmap_get(b->state, name, strlen(name), &k)) {
		b->hashes[k] = h;
		return;
	}
	if (b->nhashes == b->caphashes) {
		b->caphashes = b->caphashes ? b->caphashes * 2 : 256;
		b->hashes = kz_realloc(b->hashes, b->caphashes * sizeof *b->hashes);
		b->names = kz_realloc(b->names, b->caphashes * sizeof *b->names);
	}
	b->hashes[b->nhashes] = h;
	b->names[b->nhashes] = kz_strdup(name);
	kz_strmap_put(b->state, name, strlen(name), (intptr_t)b->nhashes);
	b->nhashes++;
}

static int
state_get(const batch *b, const char *name, uint64_t *h)
{
	intptr_t k;

	if (!kz_strmap_get(b->state, name, strlen(name), &k))
		return 0;
	*h = b->hashes[k];
	return 1;
}

static void
journal_line(kz_buf *out, const char *name, uint64_t h)
{
	kz_buf_addf(out, "%016llx\t", (unsigned long long)h);
	kz_show_tsv_escape(out, name, strlen(name));
	kz_buf_addc(out, '\n');
}

static size_t
file_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0;
}

/* Read OUT/.kz-state into b->state (lines that do not parse, such as a
 * torn last line, are ignored: those articles are simply redone); *whole
 * is the length of its whole lines. 0, or an exit status. Writes nothing
 * (kz-run --status reads it while a run may append to it). */
static int
state_read(batch *b, size_t *lines_out, size_t *whole_out)
{
	kz_buf data;
	size_t lines = 0, i = 0;

	kz_buf_init(&data);
	b->state = kz_strmap_new();
	if (read_file_at(b->dirfd, ".kz-state", 0, &data) != 0 && errno != ENOENT) {
		int e = errno;

		kz_buf_release(&data);
		if (e == ELOOP || e == EINVAL)
			return kz_error_set(b->err, b->o->out_dir, 0, 0, ".kz-state is"
			    " %s: refusing it (remove it; kz-run makes its own)",
			    e == ELOOP ? "a symbolic link" : "not a plain file"),
			    KZ_EXIT_NOPERM;
		return kz_error_set(b->err, b->o->out_dir, 0, 0, "cannot read"
		    " .kz-state: %s", strerror(e)), KZ_EXIT_IOERR;
	}
	while (i < data.len) {
		char *nl = memchr(data.data + i, '\n', data.len - i), *end;
		size_t len;
		unsigned long long h;

		if (nl == NULL)
			break;      /* a torn last line */
		len = (size_t)(nl - (data.data + i));
		if (len > 17 && data.data[i + 16] == '\t') {
			errno = 0;
			h = strtoull(data.data + i, &end, 16);
			if (errno == 0 && end == data.data + i + 16) {
				char *name = tsv_unescape(data.data + i + 17, len - 17);

				state_put(b, name, (uint64_t)h);
				free(name);
				lines++;
			}
		}
		i += len + 1;
	}
	*whole_out = i;     /* the bytes up to the torn line, if any */
	*lines_out = lines;
	kz_buf_release(&data);
	return 0;
}

/* Read OUT/.kz-state, compact it when most lines are stale, and open it
 * for appending: 0, or an exit status. */
static int
state_open(batch *b)
{
	kz_buf names;
	size_t lines, whole;
	int fd, refused, compacted = 0, rc;

	if ((rc = state_read(b, &lines, &whole)) != 0)
		return rc;
	kz_buf_init(&names);
	if (lines > 2 * b->nhashes + 64) {
		compacted = 1;
		/* mostly stale lines: rewrite it, one line per article */
		for (size_t k = 0; k < b->nhashes; k++)
			journal_line(&names, b->names[k], b->hashes[k]);
		if (write_atomic(b, ".kz-state", names.data, names.len) != 0) {
			kz_buf_release(&names);
			return kz_error_set(b->err, b->o->out_dir, 0, 0, "cannot write"
			    " .kz-state: %s", strerror(errno)), KZ_EXIT_IOERR;
		}
	}
	kz_buf_release(&names);
	fd = open_own_file(b, ".kz-state", O_WRONLY | O_APPEND, &refused);
	if (fd < 0)
		return refused ? KZ_EXIT_NOPERM : KZ_EXIT_IOERR;
	/* a line torn by a kill goes: appended to, it would take the next
	 * line with it (and that article would be redone once more) */
	if (!compacted && whole < file_size(fd) && ftruncate(fd, (off_t)whole) != 0) {
		close(fd);
		return kz_error_set(b->err, b->o->out_dir, 0, 0, "cannot mend"
		    " .kz-state: %s", strerror(errno)), KZ_EXIT_IOERR;
	}
	if ((b->journal = fdopen(fd, "a")) == NULL) {
		close(fd);
		return kz_error_set(b->err, b->o->out_dir, 0, 0, "cannot write"
		    " .kz-state: %s", strerror(errno)), KZ_EXIT_IOERR;
	}
	return 0;
}

/* Read kz-run's journal `file` (.kz-failed, .kz-made) into j, refused
 * when a link; *whole is the length of its whole lines. Writes nothing.
 * 0, or an exit status. */
static int
journal_read(batch *b, const char *file, kz_journal *j, size_t *whole)
{
	kz_buf data;

	kz_buf_init(&data);
	kz_journal_init(j);
	if (read_file_at(b->dirfd, file, 0, &data) != 0 && errno != ENOENT) {
		int e = errno;

		kz_buf_release(&data);
		if (e == ELOOP || e == EINVAL)
			return kz_error_set(b->err, b->o->out_dir, 0, 0, "%s is %s:"
			    " refusing it (remove it; kz-run makes its own)", file,
			    e == ELOOP ? "a symbolic link" : "not a plain file"),
			    KZ_EXIT_NOPERM;
		return kz_error_set(b->err, b->o->out_dir, 0, 0, "cannot read"
		    " %s: %s", file, strerror(e)), KZ_EXIT_IOERR;
	}
	*whole = kz_journal_parse(j, data.data, data.len);
	kz_buf_release(&data);
	return 0;
}

/* Open the journal `file` into j, as state_open opens .kz-state: a torn
 * last line cut off, compacted when mostly stale, refused when a link or
 * another's; opened for appending into *f. 0, or an exit status. */
static int
journal_open(batch *b, const char *file, kz_journal *j, FILE **f)
{
	size_t whole;
	int fd, refused, compacted = 0, rc;

	if ((rc = journal_read(b, file, j, &whole)) != 0)
		return rc;
	if (kz_journal_stale(j)) {
		kz_buf out;

		compacted = 1;
		kz_buf_init(&out);
		kz_journal_dump(j, &out);
		if (write_atomic(b, file, out.data, out.len) != 0) {
			kz_buf_release(&out);
			return kz_error_set(b->err, b->o->out_dir, 0, 0, "cannot write"
			    " %s: %s", file, strerror(errno)), KZ_EXIT_IOERR;
		}
		kz_buf_release(&out);
	}
	fd = open_own_file(b, file, O_WRONLY | O_APPEND, &refused);
	if (fd < 0)
		return refused ? KZ_EXIT_NOPERM : KZ_EXIT_IOERR;
	if (!compacted && whole < file_size(fd) && ftruncate(fd, (off_t)whole) != 0) {
		close(fd);
		return kz_error_set(b->err, b->o->out_dir, 0, 0, "cannot mend"
		    " %s: %s", file, strerror(errno)), KZ_EXIT_IOERR;
	}
	if ((*f = fdopen(fd, "a")) == NULL) {
		close(fd);
		return kz_error_set(b->err, b->o->out_dir, 0, 0, "cannot write"
		    " %s: %s", file, strerror(errno)), KZ_EXIT_IOERR;
	}
	return 0;
}

/* Record name = value in j and its file f (flushed: a kill after this
 * keeps it). */
static void
journal_put(batch *b, kz_journal *j, FILE *f, const char *name,
    const char *value)
{
	kz_buf line;

	kz_journal_set(j, name, value);
	if (f == NULL)
		return;
	kz_buf_init(&line);
	kz_journal_line(&line, name, value);
	if (fputs(line.data, f) == EOF || fflush(f) != 0)
		output_error(b, f == b->failed_f ? ".kz-failed" : ".kz-made", errno);
	kz_buf_release(&line);
}

/* An article's entry in .kz-failed: the hash of the bytes that failed,
 * how many runs in a row they failed, and the last reason (malloc'd). 0
 * when there is none. */
static int
failed_get(const batch *b, const char *name, uint64_t *hash, int *attempts,
    char **reason)
{
	const char *v = kz_journal_get(&b->failj, name), *t1, *t2;
	kz_buf r;

	if (v == NULL || (t1 = strchr(v, '\t')) == NULL ||
	    (t2 = strchr(t1 + 1, '\t')) == NULL)
		return 0;
	*hash = strtoull(v, NULL, 16);
	*attempts = atoi(t1 + 1);
	kz_buf_init(&r);
	kz_esc_unescape(&r, t2 + 1, strlen(t2 + 1));
	*reason = kz_buf_detach(&r, NULL);
	return 1;
}

/* One more failure of it's bytes (it->hash): attempts count from 1 again
 * when the bytes changed. */
static void
failed_count(batch *b, item *it)
{
	uint64_t h;
	int attempts = 0;
	char *old = NULL;
	kz_buf v;

	if (failed_get(b, it->name, &h, &attempts, &old) && h != it->hash)
		attempts = 0;
	free(old);
	kz_buf_init(&v);
	kz_buf_addf(&v, "%016llx\t%d\t", (unsigned long long)it->hash,
	    attempts + 1);
	kz_esc_add(&v, it->reason, strlen(it->reason), KZ_ESC_BACKSLASH);
	journal_put(b, &b->failj, b->failed_f, it->name, v.data);
	kz_buf_release(&v);
}

/* ------------------------------------------------ what made an output */
typedef struct made {
	uint64_t pipe, data;
	char version[64];
	size_t flags[3];
} made;

static int
made_get(const batch *b, const char *name, made *m)
{
	const char *v = kz_journal_get(&b->madej, name);
	unsigned long long p, d;
	size_t e, w, i;

	if (v == NULL || sscanf(v, "%16llx\t%16llx\t%63[^\t]\t%zu\t%zu\t%zu",
	    &p, &d, m->version, &e, &w, &i) != 6)
		return 0;
	m->pipe = p;
	m->data = d;
	m->flags[0] = e;
	m->flags[1] = w;
	m->flags[2] = i;
	return 1;
}

static void
made_put(batch *b, const item *it, const size_t flags[3])
{
	char v[160];

	snprintf(v, sizeof v, "%016llx\t%016llx\t%s\t%zu\t%zu\t%zu",
	    (unsigned long long)b->pipe_hash, (unsigned long long)b->data_hash,
	    b->version, flags[0], flags[1], flags[2]);
	journal_put(b, &b->madej, b->made_f, it->name, v);
}

static int
str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Hash every regular file under dirfd/path (sorted, recursive): names,
 * sizes and bytes. A missing folder adds only its name. */
static uint64_t
hash_tree(int dirfd, const char *path, uint64_t h)
{
	int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	for (const char *c = path; *c; c++)
		h = kz_hash_step(h, *c);
	h = kz_hash_step(h, '/');
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return h;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = kz_realloc(names, cap * sizeof *names);
		}
		names[n++] = kz_strdup(de->d_name);
	}
	qsort(names, n, sizeof *names, str_cmp);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		kz_buf sub, data;

		kz_buf_init(&sub);
		kz_buf_addf(&sub, "%s/%s", path, names[i]);
		if (fstatat(dirfd, sub.data, &st, 0) == 0 && S_ISDIR(st.st_mode)) {
			h = hash_tree(dirfd, sub.data, h);
		} else if (S_ISREG(st.st_mode)) {
			kz_buf_init(&data);
			if (read_file_at(dirfd, sub.data, 1, &data) == 0) {
				for (const char *c = sub.data; *c; c++)
					h = kz_hash_step(h, *c);
				h = kz_hash_step(h, '\0');
				for (size_t k = 0; k < data.len; k++)
					h = kz_hash_step(h, data.data[k]);
				h = kz_hash_step(h, '\0');
			}
			kz_buf_release(&data);
		}
		kz_buf_release(&sub);
		free(names[i]);
	}
	free(names);
	closedir(d);
	return h;
}

static uint64_t
hash_file(const char *path, uint64_t h)
{
	kz_buf data;

	kz_buf_init(&data);
	if (read_file_at(AT_FDCWD, path, 1, &data) == 0)
		for (size_t k = 0; k < data.len; k++)
			h = kz_hash_step(h, data.data[k]);
	kz_buf_release(&data);
	return h;
}

/* The gazetteers/ and rules/ trees of data folder dir, hashed into h
 * (a folder that cannot be opened adds nothing). */
static uint64_t
hash_data_dir(const char *dir, uint64_t h)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return h;
	h = hash_tree(fd, "gazetteers", h);
	h = hash_tree(fd, "rules", h);
	close(fd);
	return h;
}

/* What makes this run's outputs: the pipeline as the command it stands
 * for, the data files the stages read (gazetteers/, rules/ of `data:`, or
 * of the folder the stages find), and kz's version with a hash of the
 * programs the pipeline runs (a rebuilt kz, an edited custom stage). */
static void
fingerprint(batch *b)
{
	const kz_pipeline *pl = b->pl;
	char found[PATH_MAX];
	const char *data = pl->data;
	kz_buf f;
	kz_error e;
	uint64_t progs = KZ_HASH_START;

	kz_buf_init(&f);
	kz_pipeline_format(pl, "$id", &f);
	kz_buf_addf(&f, "\n%s", kz_output_ext(pl->output));
	b->pipe_hash = kz_content_hash(f.data, f.len);
	kz_buf_release(&f);
	if (data == NULL && kz_datadir_find(NULL, found, sizeof found, &e) == 0)
		data = found;
	b->data_hash = KZ_HASH_START;
	if (data)
		b->data_hash = hash_data_dir(data, b->data_hash);
	/* stages that find their data read the local layers over it
	 * (datapath.h): an edit there makes yesterday's outputs stale too */
	if (pl->data == NULL) {
		for (int layer = KZ_DATA_SYSTEM; layer <= KZ_DATA_USER; layer++) {
			char dir[PATH_MAX];

			kz_data_layers(1);
			if (kz_data_layer_dir(layer, dir, sizeof dir) != NULL)
				b->data_hash = hash_data_dir(dir, b->data_hash);
			kz_data_layers(0);
		}
	}
	for (size_t i = 0; i < pl->n; i++)
		progs = hash_file(pl->stages[i].path, progs);
	if (pl->show_path && pl->output != KZ_OUT_JSONL)
		progs = hash_file(pl->show_path, progs);
	snprintf(b->version, sizeof b->version, "%s+%016llx", KZ_VERSION,
	    (unsigned long long)progs);
}

/* Is the output of it, which exists and whose article is unchanged, up
 * to date? With count, say why not (st->redone_*). */
static int
made_current(batch *b, const item *it, int count)
{
	kz_batch_stats *st = b->st;
	made m;
	int pipe, data, version;

	if (!made_get(b, it->name, &m)) {
		/* made by a kz-run that did not record it: another version */
		if (count)
			st->redone_version++;
		return 0;
	}
	pipe = m.pipe != b->pipe_hash;
	data = m.data != b->data_hash;
	version = strcmp(m.version, b->version) != 0;
	if (count) {
		st->redone_pipeline += (size_t)pipe;
		st->redone_data += (size_t)data;
		st->redone_version += (size_t)version;
	}
	return !pipe && !data && !version;
}

static void
remove_stale_temps(batch *b)
{
	int fd = dup(b->dirfd);
	DIR *d;
	struct dirent *de;

	if (fd < 0)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, ".kz-tmp.", 8) == 0)
			unlinkat(b->dirfd, de->d_name, 0);
	closedir(d);
}

static int
name_cmp(const void *x, const void *y)
{
	const item *a = x, *c = y;

	return strcmp(a->name, c->name);
}

/* Why the link dirfd/name is not read as an article (malloc'd), or NULL
 * when it is one: a link to a regular file of the input folder itself is
 * that file, which is read under its own name, so it is skipped (*skip). */
static char *
link_refusal(int dirfd, const char *in_dir, const char *name, int *skip)
{
	char *real_in = realpath(in_dir, NULL), *target;
	kz_buf p, why;
	struct stat st;

	*skip = 0;
	kz_buf_init(&p);
	kz_buf_addf(&p, "%s/%s", in_dir, name);
	target = realpath(p.data, NULL);
	kz_buf_release(&p);
	kz_buf_init(&why);
	if (target && real_in && fstatat(dirfd, name, &st, 0) == 0 &&
	    S_ISREG(st.st_mode) && strncmp(target, real_in, strlen(real_in)) == 0 &&
	    target[strlen(real_in)] == '/' &&
	    strchr(target + strlen(real_in) + 1, '/') == NULL)
		*skip = 1;
	else
		kz_buf_addf(&why, "a symbolic link out of the input folder (to %s):"
		    " not read (--follow-symlinks reads it)", target ? target :
		    "nothing");
	free(real_in);
	free(target);
	if (*skip) {
		kz_buf_release(&why);
		return NULL;
	}
	return kz_buf_detach(&why, NULL);
}

/* Whether name is an article by the include patterns: a README.md or a
 * notes.csv dropped in the input folder is not one. */
static int
included(const kz_batch_opts *o, const char *name)
{
	static const char *const dflt[] = KZ_BATCH_INCLUDE_DEFAULT;
	const char *const *pat = o->ninclude ? o->include : dflt;
	size_t n = o->ninclude ? o->ninclude : sizeof dflt / sizeof *dflt;

	for (size_t i = 0; i < n; i++)
		if (fnmatch(pat[i], name, FNM_PERIOD) == 0)
			return 1;
	return 0;
}

/* The output's name: ID.EXT, or, when that is longer than the output
 * folder takes (an article named with 251 bytes and .txt has no room
 * for .jsonl), the id cut at a character boundary with a dash and the
 * hash of the whole input name: one long name no longer stops the batch,
 * and two long names that start alike keep apart. */
static char *
output_name_for(batch *b, const char *name, const char *id)
{
	const char *ext = kz_output_ext(b->pl->output);
	long max = fpathconf(b->dirfd, _PC_NAME_MAX);
	size_t room, cut;
	kz_buf o;

	if (max <= 0)
		max = NAME_MAX;
	kz_buf_init(&o);
	if (strlen(id) + strlen(ext) <= (size_t)max) {
		kz_buf_addf(&o, "%s%s", id, ext);
		return kz_buf_detach(&o, NULL);
	}
	room = (size_t)max > strlen(ext) + 17 + 1 ? (size_t)max - strlen(ext) - 17 : 1;
	cut = room < strlen(id) ? room : strlen(id);
	while (cut > 0 && ((unsigned char)id[cut] & 0xC0) == 0x80)
		cut--;      /* not inside a UTF-8 sequence */
	kz_buf_add(&o, id, cut);
	kz_buf_addf(&o, "-%016llx%s", (unsigned long long)kz_content_hash(name,
	    strlen(name)), ext);
	return kz_buf_detach(&o, NULL);
}

/* The article files of the input folder, sorted by name. Links are
 * looked at, not followed (--follow-symlinks follows them). */
static int
list_articles(batch *b, int in_fd, item **out, size_t *n)
{
	int fd = dup(in_fd);
	DIR *d;
	struct dirent *de;
	item *v = NULL;
	size_t k = 0, cap = 0;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		size_t len = strlen(de->d_name);
		char *dot, *refused = NULL;

		if (de->d_name[0] == '.' || de->d_name[len - 1] == '~' ||
		    !included(b->o, de->d_name))
			continue;
		if (fstatat(in_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISLNK(st.st_mode) && !b->o->follow_symlinks) {
			int skip;

			refused = link_refusal(in_fd, b->o->in_dir, de->d_name, &skip);
			if (skip)
				continue;
		} else if (S_ISLNK(st.st_mode) && (fstatat(in_fd, de->d_name, &st,
		    0) != 0 || !S_ISREG(st.st_mode))) {
			continue;
		} else if (!S_ISLNK(st.st_mode) && !S_ISREG(st.st_mode)) {
			continue;
		}
		if (k == cap) {
			cap = cap ? cap * 2 : 64;
			v = kz_realloc(v, cap * sizeof *v);
		}
		memset(&v[k], 0, sizeof v[k]);
		v[k].name = kz_strdup(de->d_name);
		v[k].refused = refused;
		dot = strrchr(de->d_name, '.');
		v[k].id = dot ? kz_strndup(de->d_name, (size_t)(dot - de->d_name)) :
		    kz_strdup(de->d_name);
		k++;
	}
	closedir(d);
	if (k)
		qsort(v, k, sizeof *v, name_cmp);
	for (size_t i = 0; i < k; i++)
		v[i].out = output_name_for(b, v[i].name, v[i].id);
	*out = v;
	*n = k;
	return 0;
}

static void
fail_item(batch *b, item *it, const char *reason)
{
	free(it->reason);
	it->reason = kz_strdup(reason);
	b->failed = kz_realloc(b->failed, (b->nfailed + 1) * sizeof *b->failed);
	b->failed[b->nfailed++] = it;
	b->st->failed++;
	if (b->status == 0)
		b->status = KZ_EXIT_DATAERR;
	if (it->read && !it->out_error)
		failed_count(b, it);
	if (b->o->on_failure)
		b->o->on_failure(b->o->ctx, it->name, reason);
}

static void
job_close(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static void
job_release(job *j)
{
	if (j->pids && j->pids[0] > 0)
		kz_sentinel_forget(j->pids[0]);
	job_close(&j->in);
	job_close(&j->out);
	job_close(&j->errp);
	free(j->pids);
	free(j->ws);
	free(j->reaped);
	free(j->input);
	kz_buf_release(&j->outb);
	kz_buf_release(&j->errb);
	memset(j, 0, sizeof *j);
	j->in = j->out = j->errp = -1;
}

/* Start an article: read it (its hash is the one recorded if it
 * succeeds), start its processes in their own group. Returns 0; -1 when
 * it failed at once (recorded); 1 when descriptors or processes ran out
 * for a moment (EMFILE, EAGAIN...): not the article's fault, so it is not
 * recorded, unless last_try. */
static int
job_start(batch *b, job *j, int in_dirfd, item *it, int last_try)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	int transient = 0;
	kz_buf data;
	kz_error e;
	char msg[700];

	kz_buf_init(&data);
	if (read_file_at(in_dirfd, it->name, b->o->follow_symlinks, &data) != 0) {
		snprintf(msg, sizeof msg, "cannot read the article: %s",
		    strerror(errno));
		kz_buf_release(&data);
		fail_item(b, it, msg);
		return -1;
	}
	it->hash = article_hash(b, it, data.data, data.len);
	it->read = 1;
	j->it = it;
	j->input = kz_buf_detach(&data, &j->in_len);
	j->in_off = 0;
	kz_buf_init(&j->outb);
	kz_buf_init(&j->errb);
	j->nprocs = kz_pipeline_nprocs(b->pl, 0);
	j->pids = kz_calloc(j->nprocs, sizeof *j->pids);
	j->ws = kz_calloc(j->nprocs, sizeof *j->ws);
	j->reaped = kz_calloc(j->nprocs, 1);
	j->nreaped = 0;
	j->timed_out = j->stopped = 0;
	j->deadline = b->o->timeout > 0 ? now() + b->o->timeout : 0;
	if (cloexec_pipe(pin) != 0 || cloexec_pipe(pout) != 0 ||
	    cloexec_pipe(perr) != 0) {
		transient = transient_errno(errno);
		snprintf(msg, sizeof msg, "cannot make pipes: %s", strerror(errno));
		goto fail;
	}
	kz_error_clear(&e);
	if (spawn(b->pl, it->id, 0, pin[0], pout[1], perr[1], 1, j->pids, &e) != 0) {
		transient = transient_errno(errno);
		snprintf(msg, sizeof msg, "%s", e.message);
		goto fail;
	}
	kz_sentinel_watch(j->pids[0]);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	j->in = pin[1];
	j->out = pout[0];
	j->errp = perr[0];
	set_nonblock(j->in);
	set_nonblock(j->out);
	set_nonblock(j->errp);
	if (j->in_len == 0)
		job_close(&j->in);
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	job_release(j);
	if (transient && !last_try) {
		snprintf(b->throttle_reason, sizeof b->throttle_reason, "%s", msg);
		return 1;
	}
	fail_item(b, it, msg);
	return -1;
}

static int
job_finished(const job *j)
{
	return j->it && j->nreaped == j->nprocs && j->out < 0 && j->errp < 0;
}

static void
job_kill(job *j, int sig)
{
	if (j->it && j->nreaped < j->nprocs && j->pids[0] > 0)
		kill(-j->pids[0], sig);
}

/* The last line of a stage's messages, without the "stage: " prefix. */
static void
stage_message(const kz_buf *errb, const char *label, kz_buf *out)
{
	const char *best = NULL, *last = NULL, *p = errb->data;
	size_t best_len = 0, last_len = 0, ll = strlen(label);

	while (p < errb->data + errb->len) {
		const char *nl = memchr(p, '\n', (size_t)(errb->data + errb->len - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(errb->data + errb->len - p);

		if (len > 0) {
			last = p;
			last_len = len;
			if (len > ll + 2 && strncmp(p, label, ll) == 0 && p[ll] == ':') {
				best = p + ll + 2;
				best_len = len - ll - 2;
			}
		}
		p += len + 1;
	}
	if (best == NULL) {
		best = last;
		best_len = last_len;
	}
	if (best && best_len > 300)
		best_len = 300;
	if (best)
		kz_buf_add(out, best, best_len);
}

/* Every stage exited 0 or 65: 65 is how a kz stage says an article was
 * bad, and whether it was bad is in the records (an `errors` entry) or
 * only worth a warning flag (invalid UTF-8 replaced): the records judge. */
static int
only_dataerr(const job *j)
{
	for (size_t i = 0; i < j->nprocs; i++)
		if (!WIFEXITED(j->ws[i]) || (WEXITSTATUS(j->ws[i]) != 0 &&
		    WEXITSTATUS(j->ws[i]) != KZ_EXIT_DATAERR))
			return 0;
	return 1;
}

/* The first `errors` entry of a record, as "STAGE: MESSAGE". */
static void
record_error(const json_t *rec, kz_buf *out)
{
	const json_t *e = json_array_get(json_object_get(rec, "errors"), 0);
	const char *stage = json_string_value(json_object_get(e, "stage"));
	const char *msg = json_string_value(json_object_get(e, "message"));

	kz_buf_addf(out, "%s: %s", stage ? stage : "a stage",
	    msg ? msg : "the record carries an error");
}

/* Why stage k failed: its status, and its last message. */
static void
status_reason(const batch *b, const job *j, size_t k, kz_buf *reason)
{
	describe_status(reason, stage_label(b->pl, k), j->ws[k]);
	if (WIFEXITED(j->ws[k])) {
		size_t mark = reason->len;

		kz_buf_adds(reason, ": ");
		stage_message(&j->errb, stage_label(b->pl, k), reason);
		if (reason->len == mark + 2) {
			reason->len = mark;
			reason->data[mark] = '\0';
		}
	}
}

/* An output in place: journal it and count it. */
static void
output_done(batch *b, item *it, const size_t flags[3])
{
	kz_buf line_b;

	kz_buf_init(&line_b);
	journal_line(&line_b, it->name, it->hash);
	if (fputs(line_b.data, b->journal) == EOF || fflush(b->journal) != 0)
		output_error(b, ".kz-state", errno);
	kz_buf_release(&line_b);
	state_put(b, it->name, it->hash);
	made_put(b, it, flags);
	if (kz_journal_get(&b->failj, it->name))
		journal_put(b, &b->failj, b->failed_f, it->name, "");
	b->st->done++;
	for (int i = 0; i < 3; i++)
		b->st->flags[i] += flags[i];
}

/* ---------------------------------------------------- group commit */
/* A stream gives back records faster than two fsyncs per article allow
 * (about 6 ms each here, more than the stages take): outputs are written
 * to temporary files, and every COMMIT_MAX of them, or every COMMIT_WAIT
 * seconds, made durable at once (syncfs), renamed over their names, the
 * folder fsync'd once, and journaled. A run killed before the rename
 * leaves temporary files, which the next run removes, and articles that
 * are not journaled, which it does again: whole outputs or none still. */
#define COMMIT_MAX 64
#define COMMIT_WAIT 0.2

typedef struct pending {
	item *it;
	char tmp[64];
	size_t flags[3];
} pending;

static int
commit_add(batch *b, item *it, const char *data, size_t len,
    const size_t flags[3])
{
	pending *p;
	int fd, saved;

	if (b->npending == b->cappending) {
		b->cappending = b->cappending ? b->cappending * 2 : COMMIT_MAX;
		b->pending = kz_realloc(b->pending, b->cappending * sizeof *b->pending);
	}
	p = &b->pending[b->npending];
	snprintf(p->tmp, sizeof p->tmp, ".kz-tmp.%ld.%lu", (long)getpid(),
	    ++b->tmp_counter);
	fd = openat(b->dirfd, p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) != 0 || close(fd) != 0) {
		saved = errno;
		close(fd);
		unlinkat(b->dirfd, p->tmp, 0);
		errno = saved;
		return -1;
	}
	p->it = it;
	memcpy(p->flags, flags, sizeof p->flags);
	if (b->npending++ == 0)
		b->pending_since = now();
	return 0;
}

/* Make the pending outputs durable, put them in place, journal them. */
static void
commit_flush(batch *b)
{
	int synced = 1;

	if (b->npending == 0)
		return;
#ifdef __linux__
	synced = syncfs(b->dirfd) == 0;
#else
	synced = 0;
#endif
	for (size_t i = 0; i < b->npending; i++) {
		pending *p = &b->pending[i];
		int fd;

		if (!synced && (fd = openat(b->dirfd, p->tmp, O_RDONLY | O_CLOEXEC)) >= 0) {
			fsync(fd);
			close(fd);
		}
		if (renameat(b->dirfd, p->tmp, b->dirfd, p->it->out) != 0) {
			char msg[600];
			int e = errno;

			snprintf(msg, sizeof msg, "cannot write %s/%s: %s",
			    b->o->out_dir, p->it->out, strerror(e));
			unlinkat(b->dirfd, p->tmp, 0);
			output_error(b, p->it->out, e);
			p->it->out_error = 1;
			fail_item(b, p->it, msg);
			p->it = NULL;
		}
	}
	fsync(b->dirfd);
	for (size_t i = 0; i < b->npending; i++)
		if (b->pending[i].it)
			output_done(b, b->pending[i].it, b->pending[i].flags);
	b->npending = 0;
}

/* The members of an output record kz-run judges it by. */
static int
judged_member(const char *top, size_t top_len, const char *key, size_t len,
    void *ctx)
{
	(void)top_len;
	(void)ctx;
	if (top)
		return 1;
	return (len == 2 && memcmp(key, "id", 2) == 0) ||
	    (len == 6 && memcmp(key, "errors", 6) == 0) ||
	    (len == 5 && memcmp(key, "flags", 5) == 0);
}

/* What output_write made of an article's output. */
enum { OUT_WRITTEN, OUT_ERRORS, OUT_BAD, OUT_OTHER_ID };

/* The pipeline's output for it, data[0..len): check that it is kz/1
 * records without `errors` (with expect_id, that the first is that
 * article's: a stream out of step is not written), render it when the
 * output is not jsonl, write it whole, and journal it. OUT_WRITTEN, or
 * reason says why not (OUT_ERRORS: a record's `errors`; OUT_BAD: no
 * records, or not kz/1). */
static int
output_write(batch *b, item *it, const char *data, size_t dlen,
    const char *expect_id, kz_buf *reason)
{
	const char *p = data, *end = p + dlen;
	size_t line = 0, nrec = 0, flags[3] = { 0, 0, 0 };
	kz_show *show = NULL;
	FILE *mem = NULL;
	char *mdata = NULL;
	size_t mlen = 0;
	int from_record = 0, other_id = 0;
	kz_json_members members = { 0 };

	if (b->pl->output != KZ_OUT_JSONL) {
		kz_show_opts so = { .width = 80 };

		so.format = b->pl->output == KZ_OUT_TEXT ? KZ_SHOW_TEXT :
		    b->pl->output == KZ_OUT_HTML ? KZ_SHOW_HTML : KZ_SHOW_TSV;
		mem = open_memstream(&mdata, &mlen);
		show = mem ? kz_show_new(mem, &so) : NULL;
	}
	while (p < end && reason->len == 0 && !other_id) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_error_t je;
		json_t *rec;

		line++;
		if (len > 0) {
			/* yajl builds what is judged (all of it for kz-show) and
			 * checks the rest; jansson only explains a refusal */
			rec = show ? kz_json_parse_line(p, len) :
			    kz_json_parse_members(p, len, judged_member, NULL, &members);
			if (rec == NULL)
				rec = json_loadb(p, len, 0, &je);
			if (expect_id && (!json_is_object(rec) || !json_is_string(
			    json_object_get(rec, "id")) || strcmp(json_string_value(
			    json_object_get(rec, "id")), expect_id) != 0)) {
				other_id = 1;
			} else if (!json_is_object(rec)) {
				kz_buf_addf(reason, "the output is not kz/1 JSON"
				    " Lines (line %zu: %s)", line,
				    rec ? "not an object" : je.text);
			} else if (kz_show_has_errors(rec)) {
				/* an article the stages could not read costs
				 * only itself */
				record_error(rec, reason);
				from_record = 1;
			} else {
				size_t c[3];

				kz_show_count_flags(rec, c);
				for (int i = 0; i < 3; i++)
					flags[i] += c[i];
				nrec++;
				if (show && kz_show_record(show, rec) != 0)
					kz_buf_adds(reason, "cannot render the output");
			}
			json_decref(rec);
		}
		p += len + 1;
	}
	kz_json_members_release(&members);
	if (reason->len == 0 && nrec == 0 && !other_id)
		kz_buf_adds(reason, "the pipeline wrote no record");
	if (show) {
		kz_show_finish(show);
		kz_show_free(show);
	}
	if (mem)
		fclose(mem);
	if (other_id) {
		free(mdata);
		return OUT_OTHER_ID;
	}
	if (reason->len == 0 && b->pl->output != KZ_OUT_JSONL && mdata == NULL)
		kz_buf_adds(reason, "cannot render the output");
	if (reason->len == 0) {
		const char *out = mdata ? mdata : data;
		size_t olen = mdata ? mlen : dlen;

		/* a write that fails (ENOSPC) leaves no temporary file
		 * behind, and the article's old output, if any, stays */
		if (b->group ? commit_add(b, it, out, olen, flags) != 0 :
		    write_atomic(b, it->out, out, olen) != 0) {
			int e = errno;

			kz_buf_addf(reason, "cannot write %s/%s: %s",
			    b->o->out_dir, it->out, strerror(e));
			output_error(b, it->out, e);
			it->out_error = 1;
		} else if (!b->group) {
			output_done(b, it, flags);
		}
	}
	free(mdata);
	return reason->len == 0 ? OUT_WRITTEN : from_record ? OUT_ERRORS : OUT_BAD;
}

/* The article's processes are gone: judge, then write or record. */
static void
job_finish(batch *b, job *j)
{
	size_t k = blame(j->ws, j->nprocs);
	kz_buf reason;
	item *it = j->it;

	kz_buf_init(&reason);
	if (j->stopped) {
		/* interrupted: neither done nor failed; redone next run */
	} else if (j->timed_out) {
		kz_buf_addf(&reason, "timed out after %g s", b->o->timeout);
	} else if (k < j->nprocs && !only_dataerr(j)) {
		status_reason(b, j, k, &reason);
	} else {
		int r = output_write(b, it, j->outb.data, j->outb.len, NULL, &reason);

		if (k < j->nprocs && r == OUT_BAD) {
			/* exit 65 and no record to say why: the stage's words */
			kz_buf_reset(&reason);
			status_reason(b, j, k, &reason);
		}
	}
	if (reason.len > 0)
		fail_item(b, it, reason.data);
	kz_buf_release(&reason);
	job_release(j);
}

/* Read what is there from fd into buf (up to cap bytes kept). */
static void
drain(int *fd, kz_buf *buf, size_t cap)
{
	char chunk[1 << 16];

	for (;;) {
		ssize_t n = read(*fd, chunk, sizeof chunk);

		if (n > 0) {
			if (buf->len < cap)
				kz_buf_add(buf, chunk, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		job_close(fd);      /* EOF or error */
		return;
	}
}

static void
feed(job *j)
{
	while (j->in >= 0 && j->in_off < j->in_len) {
		ssize_t n = write(j->in, j->input + j->in_off, j->in_len - j->in_off);

		if (n > 0) {
			j->in_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		job_close(&j->in);  /* EPIPE: the first stage stopped reading */
		return;
	}
	job_close(&j->in);
}

static void
reap(job *jobs, int njobs)
{
	int ws;
	pid_t pid;

	while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
		for (int i = 0; i < njobs; i++) {
			job *j = &jobs[i];

			for (size_t k = 0; j->it && k < j->nprocs; k++)
				if (j->pids[k] == pid && !j->reaped[k]) {
					j->ws[k] = ws;
					j->reaped[k] = 1;
					j->nreaped++;
				}
		}
	}
}

static void
write_failures(batch *b)
{
	kz_buf out;
	char when[32];
	time_t t = time(NULL);
	struct tm tm;

	if (b->nfailed == 0) {
		if (unlinkat(b->dirfd, "failures.tsv", 0) != 0 && errno != ENOENT)
			output_error(b, "failures.tsv", errno);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	kz_buf_init(&out);
	kz_buf_adds(&out, "file\treason\thash\ttime\n");
	for (size_t i = 0; i < b->nfailed; i++) {
		const item *it = b->failed[i];

		/* names and reasons come from the input: no control byte,
		 * bidi override or invalid UTF-8 reaches whoever reads it */
		kz_esc_add(&out, it->name, strlen(it->name), KZ_ESC_BACKSLASH);
		kz_buf_addc(&out, '\t');
		kz_esc_add(&out, it->reason, strlen(it->reason), KZ_ESC_BACKSLASH);
		kz_buf_addf(&out, "\t%016llx\t%s\n", (unsigned long long)it->hash, when);
	}
	if (write_atomic(b, "failures.tsv", out.data, out.len) != 0)
		output_error(b, "failures.tsv", errno);
	kz_buf_release(&out);
}

static int
take_lock(batch *b, int *lock_fd)
{
	int refused, fd = open_own_file(b, ".kz-lock", O_RDWR, &refused);
	char pid[32];

	if (fd < 0)
		return refused ? KZ_EXIT_NOPERM : KZ_EXIT_IOERR;
	while (flock(fd, LOCK_EX | (b->o->wait_lock ? 0 : LOCK_NB)) != 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK) {
			char held[32] = "";
			ssize_t n = pread(fd, held, sizeof held - 1, 0);

			if (n > 0) {
				held[n] = '\0';
				held[strcspn(held, "\n")] = '\0';
			}
			close(fd);
			kz_error_set(b->err, b->o->out_dir, 0, 0, "another kz-run (pid"
			    " %s) is working on this folder; nothing done (--wait to"
			    " wait for it)", *held ? held : "?");
			return KZ_EXIT_TEMPFAIL;
		}
		close(fd);
		return kz_error_set(b->err, b->o->out_dir, 0, 0, "cannot lock"
		    " .kz-lock: %s", strerror(errno)), KZ_EXIT_IOERR;
	}
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, strlen(pid), 0) < 0) {
		/* only informative */
	}
	*lock_fd = fd;
	return 0;
}

static void
progress(batch *b, double *last, int force)
{
	double t = now();

	if (b->o->on_progress == NULL || (!force && t - *last < 0.2))
		return;
	*last = t;
	b->st->elapsed = t - b->t0;
	b->o->on_progress(b->o->ctx, b->st);
}

/* Read the article to know its hash (it->hash, it->read): 0, or -1. */
static int
item_hash(batch *b, int in_fd, item *it)
{
	kz_buf data;

	if (it->read)
		return 0;
	kz_buf_init(&data);
	if (read_file_at(in_fd, it->name, b->o->follow_symlinks, &data) != 0) {
		kz_buf_release(&data);
		return -1;
	}
	it->hash = article_hash(b, it, data.data, data.len);
	it->read = 1;
	kz_buf_release(&data);
	return 0;
}

/* An article whose same bytes failed --max-attempts runs in a row is set
 * aside: listed in failures.tsv with its last reason, not run again
 * until its bytes change or --retry-quarantined. */
static int
quarantined(batch *b, int in_fd, item *it)
{
	uint64_t h;
	int attempts;
	char *last = NULL;
	kz_buf why;

	if (b->o->max_attempts <= 0 || b->o->retry_quarantined ||
	    !failed_get(b, it->name, &h, &attempts, &last))
		return 0;
	if (attempts < b->o->max_attempts || item_hash(b, in_fd, it) != 0 ||
	    it->hash != h) {
		free(last);
		return 0;
	}
	kz_buf_init(&why);
	kz_buf_addf(&why, "quarantined after %d failed attempts (edit it, or"
	    " --retry-quarantined): %s", attempts, last);
	free(last);
	free(it->reason);
	it->reason = kz_buf_detach(&why, NULL);
	b->failed = kz_realloc(b->failed, (b->nfailed + 1) * sizeof *b->failed);
	b->failed[b->nfailed++] = it;
	b->st->quarantined++;
	return 1;
}

/* The flags of every output the folder holds for an article of the
 * input folder (written by this run or before), from .kz-made. */
static void
folder_flags(batch *b, const item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct stat os;
		made m;

		if (items[i].refused || !made_get(b, items[i].name, &m) ||
		    fstatat(b->dirfd, items[i].out, &os, 0) != 0)
			continue;
		for (int k = 0; k < 3; k++)
			b->st->folder_flags[k] += m.flags[k];
	}
}

/* The loop over the articles to do: at most jobs at once, polling their
 * pipes and a wake-up pipe written by the signal handlers. */
static void
run_items(batch *b, int in_fd, item **todo, size_t ntodo)
{
	int njobs = b->o->jobs > 0 ? b->o->jobs : 1, running = 0, stopping = 0;
	job *jobs = kz_calloc((size_t)njobs, sizeof *jobs);
	struct pollfd *pfd = kz_calloc((size_t)njobs * 3 + 1, sizeof *pfd);
	int *pjob = kz_calloc((size_t)njobs * 3 + 1, sizeof *pjob);
	size_t next = 0;
	double last = 0;
	int throttled = 0, idle_tries = 0, starved = 0;

	for (int i = 0; i < njobs; i++)
		jobs[i].in = jobs[i].out = jobs[i].errp = -1;
	for (;;) {
		int np = 0, timeout = -1;
		double t;

		throttled = 0;
		while (!got_stop && b->status != KZ_EXIT_IOERR && next < ntodo &&
		    running < njobs && !throttled) {
			for (int i = 0; i < njobs; i++)
				if (jobs[i].it == NULL) {
					int final = running == 0 && (starved ||
					    idle_tries >= MAX_IDLE_TRIES);
					int rc = job_start(b, &jobs[i], in_fd, todo[next],
					    final);

					if (rc == 0)
						running++;
					/* a machine where no pipeline starts at all:
					 * the rest fail at once, until one starts */
					starved = rc == 0 ? 0 : rc < 0 && final ? 1 : starved;
					throttled = rc > 0;
					break;
				}
			if (!throttled) {
				next++;
				idle_tries = 0;
			}
		}
		if (running == 0 && throttled && !got_stop) {
			/* nothing of ours holds the descriptors: others do; wait a
			 * little longer each time, then the article fails */
			struct timespec pause = { 0, 50000000L << (idle_tries < 4 ?
			    idle_tries : 4) };

			idle_tries++;
			nanosleep(&pause, NULL);
			continue;
		}
		if (running == 0)
			break;
		if (got_stop && !stopping) {
			stopping = 1;
			for (int i = 0; i < njobs; i++)
				if (jobs[i].it) {
					jobs[i].stopped = 1;
					job_kill(&jobs[i], SIGKILL);
				}
		}
		pfd[np].fd = wake_pipe[0];
		pfd[np].events = POLLIN;
		pjob[np++] = -1;
		t = now();
		for (int i = 0; i < njobs; i++) {
			job *j = &jobs[i];

			if (j->it == NULL)
				continue;
			if (j->deadline > 0 && !j->timed_out) {
				if (t >= j->deadline) {
					j->timed_out = 1;
					job_kill(j, SIGKILL);
					job_close(&j->in);
				} else {
					int ms = (int)((j->deadline - t) * 1000) + 1;

					if (timeout < 0 || ms < timeout)
						timeout = ms;
				}
			}
			if (j->in >= 0) {
				pfd[np].fd = j->in;
				pfd[np].events = POLLOUT;
				pjob[np++] = i;
			}
			if (j->out >= 0) {
				pfd[np].fd = j->out;
				pfd[np].events = POLLIN;
				pjob[np++] = i;
			}
			if (j->errp >= 0) {
				pfd[np].fd = j->errp;
				pfd[np].events = POLLIN;
				pjob[np++] = i;
			}
		}
		if (b->o->on_progress && (timeout < 0 || timeout > 200))
			timeout = 200;
		if (poll(pfd, (nfds_t)np, timeout) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < np; k++) {
			job *j;

			if (pfd[k].revents == 0)
				continue;
			if (pjob[k] < 0) {
				char buf[64];

				while (read(wake_pipe[0], buf, sizeof buf) > 0)
					;
				continue;
			}
			j = &jobs[pjob[k]];
			if (pfd[k].fd == j->in)
				feed(j);
			else if (pfd[k].fd == j->out)
				drain(&j->out, &j->outb, SIZE_MAX);
			else if (pfd[k].fd == j->errp)
				drain(&j->errp, &j->errb, MAX_STDERR);
		}
		reap(jobs, njobs);
		for (int i = 0; i < njobs; i++) {
			job *j = &jobs[i];

			if (j->it == NULL)
				continue;
			/* every process gone but a pipe still open (a stage left
			 * a child behind): after a kill, stop waiting for it */
			if (j->nreaped == j->nprocs && (j->timed_out || j->stopped)) {
				job_close(&j->out);
				job_close(&j->errp);
			}
			if (job_finished(j)) {
				if (j->stopped && !j->timed_out)
					job_release(j);
				else
					job_finish(b, j);
				running--;
			}
		}
		progress(b, &last, 0);
	}
	/* anything still running (poll failed): kill and wait */
	for (int i = 0; i < njobs; i++)
		if (jobs[i].it) {
			job_kill(&jobs[i], SIGKILL);
			for (size_t k = 0; k < jobs[i].nprocs; k++)
				if (!jobs[i].reaped[k])
					waitpid(jobs[i].pids[k], NULL, 0);
			job_release(&jobs[i]);
		}
	progress(b, &last, 1);
	free(jobs);
	free(pfd);
	free(pjob);
}

/* ================================================================ stream */
/* A batch through one pipeline per worker: each stage starts once and
 * the articles flow through it as kz/1 records ({"kz":1,"id":..,"text":..}
 * lines, which kz-normalize reads as it reads the raw file: the same
 * bytes come out), the output is split back one record per article, and
 * each is judged and written as a pipeline of its own would be. What does
 * not fit goes through a pipeline of its own (run_items): a pipeline whose
 * stages use $id but as kz-normalize's --id, an article kz-normalize would
 * warn about or read differently as a record (bad bytes, controls, JSON, a
 * BOM), a large one, the article a pipeline died or timed out on. */

/* Articles in flight in one pipeline at most: enough to keep every stage
 * busy, few enough that the --jobs pipelines share the batch, and what a
 * crash or a timeout sends back to the queue. */
#define STREAM_FLY 8
/* Larger articles get a pipeline of their own (a record line holds the
 * text escaped, and kz-normalize caps a line). */
#define STREAM_MAX_ARTICLE ((size_t)1 << 20)

typedef struct worker {
	pid_t *pids;            /* pids[0] is also the process group */
	int *ws;
	char *reaped;
	size_t nprocs, nreaped;
	int in, out, errp;      /* our ends; -1 when closed */
	kz_buf inb;             /* record lines not yet written to stage 0 */
	size_t in_off;
	kz_buf outb;            /* output not yet a whole line */
	kz_buf errb;            /* the stages' last messages */
	item **fly;             /* in flight, oldest first: fly[head..nfly) */
	size_t head, nfly, capfly;
	double since;           /* the last record out, or the first in */
	size_t records;         /* records out of this pipeline */
	int live, killed, dead; /* dead: could not start; not tried again */
} worker;

typedef struct stream {
	batch *b;
	int in_fd;
	item **queue;           /* the articles to stream */
	size_t nq, next;
	item **back;            /* sent back by a pipeline that died: first */
	size_t nback, capback;
	item **solo;            /* for a pipeline of their own */
	size_t nsolo, capsolo;
	int broken;             /* the pipeline is no 1:1 filter: the rest solo */
	int fruitless;          /* pipelines in a row that ended with no record */
} stream;

static void
items_push(item ***v, size_t *n, size_t *cap, item *it)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = kz_realloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = it;
}

/* Can the batch stream? The first stage is kz-normalize, which reads a
 * record as it reads a file, and $id appears nowhere but as its `--id
 * $id` (a stage given the article's id as an argument needs a pipeline
 * per article). */
static int
stream_pipeline_ok(const kz_pipeline *pl)
{
	const char *name = pl->stages[0].name, *base = strrchr(name, '/');

	if (strcmp(base ? base + 1 : name, "kz-normalize") != 0)
		return 0;
	for (size_t i = 0; i < pl->n; i++)
		for (size_t j = 0; j < pl->stages[i].nargs; j++) {
			const char *a = pl->stages[i].args[j];
			int id_arg = i == 0 && j > 0 && strcmp(a, "$id") == 0 &&
			    strcmp(pl->stages[0].args[j - 1], "--id") == 0;

			if ((i == 0 && strcmp(a, "--raw") == 0) ||
			    (strstr(a, "$id") && !id_arg))
				return 0;
		}
	return 1;
}

/* Plain text: valid UTF-8 with no control character but tab and line
 * ends (kz-normalize replaces the others with a warning that gives the
 * byte offset in the file). */
static int
plain_text(const char *s, size_t len)
{
	if (!kz_utf8_valid(s, len))
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return 0;
		if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] < 0xA0)
			return 0;       /* C1 controls, U+0080..U+009F */
	}
	return 1;
}

/* Does this article read the same as a record as from its file? */
static int
stream_article_ok(const item *it, const char *s, size_t len)
{
	size_t nl = strlen(it->name), i = 0;

	if (len == 0 || len > STREAM_MAX_ARTICLE ||
	    (nl > 6 && strcmp(it->name + nl - 6, ".jsonl") == 0))
		return 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r'))
		i++;
	if (i < len && s[i] == '{')
		return 0;       /* kz-normalize would read the file as JSON */
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		return 0;
	return plain_text(s, len) && plain_text(it->id, strlen(it->id));
}

static void
worker_release(worker *w)
{
	if (w->pids && w->pids[0] > 0)
		kz_sentinel_forget(w->pids[0]);
	job_close(&w->in);
	job_close(&w->out);
	job_close(&w->errp);
	free(w->pids);
	free(w->ws);
	free(w->reaped);
	free(w->fly);
	kz_buf_release(&w->inb);
	kz_buf_release(&w->outb);
	kz_buf_release(&w->errb);
	w->pids = NULL;
	w->ws = NULL;
	w->reaped = NULL;
	w->fly = NULL;
	w->head = w->nfly = w->capfly = 0;
	w->live = 0;
}

static int
stream_has_work(const stream *sm)
{
	return !sm->broken && (sm->nback > 0 || sm->next < sm->nq);
}

static int
worker_start(stream *sm, worker *w)
{
	batch *b = sm->b;
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	kz_error e;

	memset(w, 0, sizeof *w);
	w->in = w->out = w->errp = -1;
	kz_buf_init(&w->inb);
	kz_buf_init(&w->outb);
	kz_buf_init(&w->errb);
	w->nprocs = kz_pipeline_nprocs(b->pl, 0);
	w->pids = kz_calloc(w->nprocs, sizeof *w->pids);
	w->ws = kz_calloc(w->nprocs, sizeof *w->ws);
	w->reaped = kz_calloc(w->nprocs, 1);
	kz_error_clear(&e);
	if (cloexec_pipe(pin) != 0 || cloexec_pipe(pout) != 0 ||
	    cloexec_pipe(perr) != 0 ||
	    spawn(b->pl, NULL, 0, pin[0], pout[1], perr[1], 1, w->pids, &e) != 0) {
		for (int i = 0; i < 2; i++) {
			if (pin[i] >= 0)
				close(pin[i]);
			if (pout[i] >= 0)
				close(pout[i]);
			if (perr[i] >= 0)
				close(perr[i]);
		}
		free(w->pids);
		w->pids = NULL;
		worker_release(w);
		w->dead = 1;
		return -1;
	}
	kz_sentinel_watch(w->pids[0]);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	w->in = pin[1];
	w->out = pout[0];
	w->errp = perr[0];
	set_nonblock(w->in);
	set_nonblock(w->out);
	set_nonblock(w->errp);
	w->live = 1;
	w->since = now();
	return 0;
}

static item *
stream_next(stream *sm)
{
	if (sm->nback > 0)
		return sm->back[--sm->nback];
	if (sm->next < sm->nq)
		return sm->queue[sm->next++];
	return NULL;
}

/* Write what is pending to stage 0, taking more articles while there is
 * room in flight; close its input when none is left. */
static void
worker_feed(stream *sm, worker *w)
{
	batch *b = sm->b;

	while (w->in >= 0) {
		if (w->in_off < w->inb.len) {
			ssize_t n = write(w->in, w->inb.data + w->in_off,
			    w->inb.len - w->in_off);

			if (n > 0) {
				w->in_off += (size_t)n;
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			job_close(&w->in);      /* stage 0 stopped reading */
			return;
		}
		kz_buf_reset(&w->inb);
		w->in_off = 0;
		if (b->status == KZ_EXIT_IOERR) {
			job_close(&w->in);      /* the folder takes no more: stop */
			return;
		}
		if (got_stop || sm->broken || w->nfly - w->head >= STREAM_FLY)
			return;
		{
			item *it = stream_next(sm);
			kz_buf data;
			json_t *rec;
			char *line;

			if (it == NULL) {
				job_close(&w->in);  /* the batch is all in */
				return;
			}
			kz_buf_init(&data);
			if (read_file_at(sm->in_fd, it->name, b->o->follow_symlinks,
			    &data) != 0) {
				char msg[300];

				snprintf(msg, sizeof msg, "cannot read the article: %s",
				    strerror(errno));
				kz_buf_release(&data);
				fail_item(b, it, msg);
				continue;
			}
			it->hash = article_hash(b, it, data.data, data.len);
			it->read = 1;
			if (!stream_article_ok(it, data.data, data.len)) {
				kz_buf_release(&data);
				items_push(&sm->solo, &sm->nsolo, &sm->capsolo, it);
				continue;
			}
			rec = json_object();
			json_object_set_new(rec, "kz", json_integer(1));
			json_object_set_new(rec, "id", json_string(it->id));
			json_object_set_new(rec, "text", json_stringn(data.data, data.len));
			kz_buf_release(&data);
			line = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
			json_decref(rec);
			if (line == NULL) {
				items_push(&sm->solo, &sm->nsolo, &sm->capsolo, it);
				continue;
			}
			kz_buf_adds(&w->inb, line);
			kz_buf_addc(&w->inb, '\n');
			free(line);
			if (w->head == w->nfly) {
				w->head = w->nfly = 0;
				w->since = now();
			}
			items_push(&w->fly, &w->nfly, &w->capfly, it);
		}
	}
}

/* Split what came out into records, one per article in flight. */
static void
worker_take(stream *sm, worker *w)
{
	size_t used = 0;

	drain(&w->out, &w->outb, SIZE_MAX);
	while (used < w->outb.len && !w->killed) {
		const char *p = w->outb.data + used;
		const char *nl = memchr(p, '\n', w->outb.len - used);
		size_t len;
		kz_buf reason;
		item *it;
		int r;

		if (nl == NULL)
			break;
		len = (size_t)(nl - p) + 1;
		if (len == 1) {         /* a blank line is no record */
			used += len;
			continue;
		}
		if (w->head == w->nfly) {
			/* a record more than went in: no 1:1 filter */
			sm->broken = 1;
			w->killed = 1;
			kill(-w->pids[0], SIGKILL);
			break;
		}
		it = w->fly[w->head];
		kz_buf_init(&reason);
		r = output_write(sm->b, it, p, len, it->id, &reason);
		if (r == OUT_OTHER_ID) {
			sm->broken = 1;
			w->killed = 1;
			kill(-w->pids[0], SIGKILL);
			kz_buf_release(&reason);
			break;
		}
		if (reason.len > 0)
			fail_item(sm->b, it, reason.data);
		kz_buf_release(&reason);
		w->head++;
		w->records++;
		w->since = now();
		sm->fruitless = 0;
		used += len;
	}
	if (used > 0) {
		memmove(w->outb.data, w->outb.data + used, w->outb.len - used);
		w->outb.len -= used;
		w->outb.data[w->outb.len] = '\0';
	}
}

/* The pipeline is gone: the articles it did not give back go on, the
 * oldest through a pipeline of its own (it may be the one the stage died
 * on, or timed out on: there it is judged alone), the others streamed
 * again. */
static void
worker_end(stream *sm, worker *w)
{
	size_t left = w->nfly - w->head;

	if (!got_stop) {
		if (left > 0 && w->records == 0 && ++sm->fruitless >= 2)
			sm->broken = 1;     /* dies before a record: no stream */
		for (size_t i = w->head; i < w->nfly; i++) {
			if (i == w->head || sm->broken)
				items_push(&sm->solo, &sm->nsolo, &sm->capsolo, w->fly[i]);
			else
				items_push(&sm->back, &sm->nback, &sm->capback, w->fly[i]);
		}
	}
	worker_release(w);
}

static void
worker_reap(worker *ws, int n)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		for (int i = 0; i < n; i++)
			for (size_t k = 0; ws[i].live && k < ws[i].nprocs; k++)
				if (ws[i].pids[k] == pid && !ws[i].reaped[k]) {
					ws[i].ws[k] = st;
					ws[i].reaped[k] = 1;
					ws[i].nreaped++;
				}
}

/* Stream the articles of todo through one pipeline per job; what must go
 * alone is left in *solo (malloc'd, *nsolo of them). */
static void
run_stream(batch *b, int in_fd, item **todo, size_t ntodo, item ***solo,
    size_t *nsolo)
{
	int nw = b->o->jobs > 0 ? b->o->jobs : 1, stopping = 0;
	worker *ws = kz_calloc((size_t)nw, sizeof *ws);
	struct pollfd *pfd = kz_calloc((size_t)nw * 3 + 1, sizeof *pfd);
	int *pw = kz_calloc((size_t)nw * 3 + 1, sizeof *pw);
	stream sm = { .b = b, .in_fd = in_fd, .queue = todo, .nq = ntodo };
	double last = 0;

	for (int i = 0; i < nw; i++)
		ws[i].in = ws[i].out = ws[i].errp = -1;
	for (;;) {
		int np = 0, timeout = -1, live = 0;
		double t;

		/* start every pipeline there is work for, then feed them: each
		 * takes articles as it gives records back, so the faster
		 * pipelines take more */
		for (int i = 0; i < nw; i++)
			if (!ws[i].live && !ws[i].dead && !got_stop &&
			    b->status != KZ_EXIT_IOERR && stream_has_work(&sm))
				worker_start(&sm, &ws[i]);
		for (int i = 0; i < nw; i++)
			if (ws[i].live) {
				worker_feed(&sm, &ws[i]);
				live++;
			}
		if (live == 0)
			break;
		if (got_stop && !stopping) {
			stopping = 1;
			for (int i = 0; i < nw; i++)
				if (ws[i].live) {
					ws[i].killed = 1;
					kill(-ws[i].pids[0], SIGKILL);
				}
		}
		pfd[np].fd = wake_pipe[0];
		pfd[np].events = POLLIN;
		pw[np++] = -1;
		t = now();
		for (int i = 0; i < nw; i++) {
			worker *w = &ws[i];

			if (!w->live)
				continue;
			if (b->o->timeout > 0 && w->head < w->nfly && !w->killed) {
				double deadline = w->since + b->o->timeout;

				if (t >= deadline) {
					w->killed = 1;
					kill(-w->pids[0], SIGKILL);
					job_close(&w->in);
				} else {
					int ms = (int)((deadline - t) * 1000) + 1;

					if (timeout < 0 || ms < timeout)
						timeout = ms;
				}
			}
			if (w->in >= 0 && w->in_off < w->inb.len) {
				pfd[np].fd = w->in;
				pfd[np].events = POLLOUT;
				pw[np++] = i;
			}
			if (w->out >= 0) {
				pfd[np].fd = w->out;
				pfd[np].events = POLLIN;
				pw[np++] = i;
			}
			if (w->errp >= 0) {
				pfd[np].fd = w->errp;
				pfd[np].events = POLLIN;
				pw[np++] = i;
			}
		}
		if ((b->o->on_progress || b->npending > 0) &&
		    (timeout < 0 || timeout > 200))
			timeout = 200;
		if (poll(pfd, (nfds_t)np, timeout) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < np; k++) {
			worker *w;

			if (pfd[k].revents == 0)
				continue;
			if (pw[k] < 0) {
				char buf[64];

				while (read(wake_pipe[0], buf, sizeof buf) > 0)
					;
				continue;
			}
			w = &ws[pw[k]];
			if (pfd[k].fd == w->in)
				worker_feed(&sm, w);
			else if (pfd[k].fd == w->out)
				worker_take(&sm, w);
			else if (pfd[k].fd == w->errp) {
				drain(&w->errp, &w->errb, MAX_STDERR);
				if (w->errb.len >= MAX_STDERR)
					kz_buf_reset(&w->errb);  /* only the last words */
			}
		}
		worker_reap(ws, nw);
		for (int i = 0; i < nw; i++) {
			worker *w = &ws[i];

			if (!w->live || w->nreaped < w->nprocs)
				continue;
			if (w->killed || (w->in < 0 && w->head == w->nfly)) {
				/* every stage is gone and nothing more is due, but a
				 * stage's child may hold the pipes: it is killed with
				 * the group, and not waited for */
				kill(-w->pids[0], SIGKILL);
				job_close(&w->out);
				job_close(&w->errp);
			}
			if (w->out < 0 && w->errp < 0)
				worker_end(&sm, w);
		}
		if (b->npending >= COMMIT_MAX || (b->npending > 0 &&
		    now() - b->pending_since >= COMMIT_WAIT))
			commit_flush(b);
		progress(b, &last, 0);
	}
	for (int i = 0; i < nw; i++)
		if (ws[i].live) {
			kill(-ws[i].pids[0], SIGKILL);
			for (size_t k = 0; k < ws[i].nprocs; k++)
				if (!ws[i].reaped[k])
					waitpid(ws[i].pids[k], NULL, 0);
			worker_end(&sm, &ws[i]);
		}
	/* what was never taken goes alone (a pipeline that does not stream) */
	if (!got_stop)
		while (stream_has_work(&sm) || (sm.broken && (sm.nback || sm.next < sm.nq))) {
			item *it = sm.nback ? sm.back[--sm.nback] : sm.queue[sm.next++];

			items_push(&sm.solo, &sm.nsolo, &sm.capsolo, it);
		}
	commit_flush(b);
	free(sm.back);
	free(ws);
	free(pfd);
	free(pw);
	*solo = sm.solo;
	*nsolo = sm.nsolo;
}

static void
items_free(item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].name);
		free(items[i].out);
		free(items[i].id);
		free(items[i].reason);
		free(items[i].refused);
	}
	free(items);
}

/* The input folder, recorded in the output folder for kz-run --status
 * (rewritten only when it changed). Only --status reads it: a failure
 * to write it is no failure of the run. */
static void
source_record(batch *b)
{
	char *real = realpath(b->o->in_dir, NULL);
	kz_buf old, line;

	if (real == NULL)
		return;
	kz_buf_init(&old);
	kz_buf_init(&line);
	kz_buf_addf(&line, "%s\n", real);
	free(real);
	if (read_file_at(b->dirfd, KZ_BATCH_SOURCE_FILE, 0, &old) != 0 ||
	    old.len != line.len || memcmp(old.data, line.data, line.len) != 0)
		(void)write_atomic(b, KZ_BATCH_SOURCE_FILE, line.data, line.len);
	kz_buf_release(&old);
	kz_buf_release(&line);
}

int
kz_batch_run(const kz_pipeline *pl, const kz_batch_opts *o,
    kz_batch_stats *st, kz_error *err)
{
	batch b = { .pl = pl, .o = o, .st = st, .err = err, .dirfd = -1 };
	struct sigaction sa, old_int, old_term, old_hup, old_chld, old_pipe;
	struct stat sin, sout;
	int in_fd, lock_fd = -1, rc;
	item *items = NULL, **todo = NULL;
	size_t nitems = 0, ntodo = 0, failed_before = 0, left;
	kz_strmap *outs;

	memset(st, 0, sizeof *st);
	b.t0 = now();
	in_fd = open(o->in_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (in_fd < 0)
		return kz_error_set(err, o->in_dir, 0, 0, "cannot read the input"
		    " folder: %s", strerror(errno)), KZ_EXIT_NOINPUT;
	if (mkdir(o->out_dir, 0755) != 0 && errno != EEXIST) {
		close(in_fd);
		return kz_error_set(err, o->out_dir, 0, 0, "cannot create the output"
		    " folder: %s", strerror(errno)), KZ_EXIT_IOERR;
	}
	b.dirfd = open(o->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b.dirfd < 0) {
		close(in_fd);
		return kz_error_set(err, o->out_dir, 0, 0, "cannot open the output"
		    " folder: %s", strerror(errno)), KZ_EXIT_IOERR;
	}
	if (fstat(b.dirfd, &sout) == 0 && (sout.st_uid != geteuid() ||
	    (sout.st_mode & (S_IWGRP | S_IWOTH)))) {
		/* whoever else can write there can plant links where kz-run
		 * writes, or outputs that editors then trust */
		close(in_fd);
		close(b.dirfd);
		return kz_error_set(err, o->out_dir, 0, 0, "the output folder %s:"
		    " refusing it (chmod go-w, or an output folder of your own)",
		    sout.st_uid != geteuid() ? "belongs to another user" :
		    "can be written by other users"), KZ_EXIT_NOPERM;
	}
	if (fstat(in_fd, &sin) == 0 && fstat(b.dirfd, &sout) == 0 &&
	    sin.st_dev == sout.st_dev && sin.st_ino == sout.st_ino) {
		close(in_fd);
		close(b.dirfd);
		return kz_error_set(err, o->out_dir, 0, 0, "the output folder must"
		    " not be the input folder"), KZ_EXIT_USAGE;
	}

	/* the lock first: waiting for it, a signal may just kill us */
	if ((rc = take_lock(&b, &lock_fd)) != 0) {
		close(in_fd);
		close(b.dirfd);
		return rc;
	}
	/* signals: SIGINT/SIGTERM/SIGHUP stop the run cleanly; SIGCHLD wakes
	 * the loop; SIGPIPE is an error on the write, not a death */
	if (cloexec_pipe(wake_pipe) != 0) {
		close(in_fd);
		close(b.dirfd);
		close(lock_fd);
		return kz_error_set(err, NULL, 0, 0, "cannot make a pipe: %s",
		    strerror(errno)), KZ_EXIT_SOFTWARE;
	}
	set_nonblock(wake_pipe[0]);
	set_nonblock(wake_pipe[1]);
	got_stop = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	sigaction(SIGCHLD, &sa, &old_chld);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);

	/* what a custom stage starts dies with kz-run, even by kill -9 */
	kz_sentinel_start();
	remove_stale_temps(&b);
	if ((rc = state_open(&b)) != 0 ||
	    (rc = journal_open(&b, ".kz-failed", &b.failj, &b.failed_f)) != 0 ||
	    (rc = journal_open(&b, ".kz-made", &b.madej, &b.made_f)) != 0)
		goto out;
	fingerprint(&b);
	source_record(&b);
	if (list_articles(&b, in_fd, &items, &nitems) != 0) {
		kz_error_set(err, o->in_dir, 0, 0, "cannot list the input folder: %s",
		    strerror(errno));
		rc = KZ_EXIT_NOINPUT;
		goto out;
	}
	st->seen = nitems;
	todo = kz_calloc(nitems ? nitems : 1, sizeof *todo);
	outs = kz_strmap_new();
	kz_strmap_put(outs, "failures.tsv", 12, -1);
	for (size_t i = 0; i < nitems; i++) {
		item *it = &items[i];
		struct stat os;
		uint64_t h;
		intptr_t other;
		int made_before, have = 0, same = 0;

		if (it->refused) {
			fail_item(&b, it, it->refused);
			continue;
		}
		if (kz_strmap_get(outs, it->out, strlen(it->out), &other)) {
			char msg[600];

			snprintf(msg, sizeof msg, "its output %s is also %s's; rename"
			    " one of them", it->out, other >= 0 ?
			    items[other].name : "kz-run's own failures file");
			fail_item(&b, it, msg);
			continue;
		}
		kz_strmap_put(outs, it->out, strlen(it->out), (intptr_t)i);
		made_before = state_get(&b, it->name, &h);
		if (made_before) {
			/* skipped when nothing that made it changed */
			have = fstatat(b.dirfd, it->out, &os, 0) == 0;
			same = item_hash(&b, in_fd, it) == 0 && it->hash == h;
			if (!o->force && have && same && made_current(&b, it, 0)) {
				st->skipped++;
				continue;
			}
		}
		if (quarantined(&b, in_fd, it))
			continue;
		if (made_before) {
			st->redone++;
			if (o->force)
				st->redone_forced++;
			else if (!same)
				st->redone_article++;
			else if (!have)
				st->redone_missing++;
			else
				made_current(&b, it, 1);
		}
		todo[ntodo++] = it;
	}
	kz_strmap_free(outs);
	st->todo = ntodo;
	failed_before = st->failed;     /* links refused, names taken */
	if (stream_pipeline_ok(pl) && ntodo > 0) {
		item **solo = NULL;
		size_t nsolo = 0;

		b.group = 1;
		run_stream(&b, in_fd, todo, ntodo, &solo, &nsolo);
		b.group = 0;
		if (!got_stop && b.status != KZ_EXIT_IOERR)
			run_items(&b, in_fd, solo, nsolo);
		free(solo);
	} else {
		run_items(&b, in_fd, todo, ntodo);
	}
	folder_flags(&b, items, nitems);
	if (fflush(b.journal) != 0 || fsync(fileno(b.journal)) != 0)
		output_error(&b, ".kz-state", errno);
	write_failures(&b);
	rc = b.status;
	left = ntodo - st->done - (st->failed - failed_before);
	if (rc == 0 && o->fail_on > 0 && (st->flags[0] > 0 ||
	    (o->fail_on > 1 && st->flags[1] > 0)))
		rc = KZ_EXIT_FLAGGED;
	if (got_stop && rc != KZ_EXIT_IOERR) {
		kz_error_set(err, NULL, 0, 0, "interrupted: %zu article%s left for"
		    " the next run", left, left == 1 ? "" : "s");
		rc = KZ_EXIT_TEMPFAIL;
	} else if (rc == KZ_EXIT_IOERR) {
		kz_error_set(err, NULL, 0, 0, "%s: the output folder takes no more,"
		    " the run stopped; %zu article%s left for the next run",
		    b.io_error[0] ? b.io_error : strerror(errno), left,
		    left == 1 ? "" : "s");
	}
out:
	kz_sentinel_stop();
	st->elapsed = now() - b.t0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGCHLD, &old_chld, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	close(wake_pipe[0]);
	close(wake_pipe[1]);
	wake_pipe[0] = wake_pipe[1] = -1;
	if (b.journal)
		fclose(b.journal);
	if (b.decisions)
		kz_decisions_close(b.decisions);
	if (b.failed_f && (fflush(b.failed_f) != 0 || fsync(fileno(b.failed_f)) != 0) &&
	    rc == 0)
		rc = KZ_EXIT_IOERR;
	if (b.failed_f)
		fclose(b.failed_f);
	kz_journal_release(&b.failj);
	if (b.made_f && (fflush(b.made_f) != 0 || fsync(fileno(b.made_f)) != 0) &&
	    rc == 0)
		rc = KZ_EXIT_IOERR;
	if (b.made_f)
		fclose(b.made_f);
	kz_journal_release(&b.madej);
	if (b.state)
		kz_strmap_free(b.state);
	for (size_t k = 0; k < b.nhashes; k++)
		free(b.names[k]);
	free(b.names);
	free(b.hashes);
	free(b.failed);
	free(b.pending);
	items_free(items, nitems);
	free(todo);
	if (lock_fd >= 0)
		close(lock_fd);     /* releases the lock */
	close(in_fd);
	close(b.dirfd);
	return rc;
}

/* ================================================================ status */

static void
status_add(kz_batch_status *s, const char *name, const char *reason,
    int quarantined)
{
	kz_status_entry *e;

	s->entries = kz_realloc(s->entries, (s->nentries + 1) * sizeof *s->entries);
	e = &s->entries[s->nentries++];
	e->name = kz_strdup(name);
	e->reason = kz_strdup(reason ? reason : "");
	e->quarantined = quarantined;
	if (quarantined)
		s->quarantined++;
	else
		s->failed++;
}

/* Judge each article as kz_batch_run's loop does, without running it:
 * done (it would be skipped), quarantined, failed (the bytes that failed
 * last time are still there: it is retried), or pending (new, changed, or
 * its output stale or missing). */
static void
status_judge(batch *b, int in_fd, item *items, size_t n, kz_batch_status *s)
{
	kz_strmap *outs = kz_strmap_new();

	kz_strmap_put(outs, "failures.tsv", 12, -1);
	for (size_t i = 0; i < n; i++) {
		item *it = &items[i];
		struct stat os;
		uint64_t h;
		intptr_t other;
		int attempts;
		char *last = NULL;

		if (it->refused) {
			status_add(s, it->name, it->refused, 0);
			continue;
		}
		if (kz_strmap_get(outs, it->out, strlen(it->out), &other)) {
			char msg[600];

			snprintf(msg, sizeof msg, "its output %s is also %s's; rename"
			    " one of them", it->out, other >= 0 ?
			    items[other].name : "kz-run's own failures file");
			status_add(s, it->name, msg, 0);
			continue;
		}
		kz_strmap_put(outs, it->out, strlen(it->out), (intptr_t)i);
		if (state_get(b, it->name, &h) &&
		    fstatat(b->dirfd, it->out, &os, 0) == 0 &&
		    item_hash(b, in_fd, it) == 0 && it->hash == h &&
		    made_current(b, it, 0)) {
			s->done++;
			continue;
		}
		if (quarantined(b, in_fd, it)) {
			status_add(s, it->name, it->reason, 1);
			continue;
		}
		if (item_hash(b, in_fd, it) == 0 &&
		    failed_get(b, it->name, &h, &attempts, &last) && h == it->hash)
			status_add(s, it->name, last, 0);
		else
			s->pending++;
		free(last);
	}
	kz_strmap_free(outs);
}

int
kz_batch_status_read(const kz_pipeline *pl, const kz_batch_opts *o,
    kz_batch_status *s, kz_error *err)
{
	kz_batch_opts so = *o;
	kz_batch_stats st;
	batch b = { .pl = pl, .o = &so, .st = &st, .err = err, .dirfd = -1 };
	item *items = NULL;
	size_t nitems = 0, lines, whole;
	int in_fd = -1, rc = 0;

	memset(s, 0, sizeof *s);
	memset(&st, 0, sizeof st);
	b.dirfd = open(o->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b.dirfd < 0) {
		kz_error_set(err, o->out_dir, 0, 0, "cannot read the output"
		    " folder: %s", strerror(errno));
		rc = KZ_EXIT_NOINPUT;
		goto out;
	}
	if (o->in_dir == NULL) {
		kz_buf src;

		kz_buf_init(&src);
		if (read_file_at(b.dirfd, KZ_BATCH_SOURCE_FILE, 0, &src) != 0 ||
		    src.len < 2) {
			kz_buf_release(&src);
			kz_error_set(err, o->out_dir, 0, 0, "no kz-run has"
			    " recorded its input folder here (%s); give --in DIR",
			    KZ_BATCH_SOURCE_FILE);
			rc = KZ_EXIT_NOINPUT;
			goto out;
		}
		s->in_dir = kz_strndup(src.data, src.len - (src.data[src.len - 1] ==
		    '\n'));
		kz_buf_release(&src);
	} else {
		s->in_dir = kz_strdup(o->in_dir);
	}
	so.in_dir = s->in_dir;
	in_fd = open(s->in_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (in_fd < 0) {
		kz_error_set(err, s->in_dir, 0, 0, "cannot read the input"
		    " folder: %s", strerror(errno));
		rc = KZ_EXIT_NOINPUT;
		goto out;
	}
	if ((rc = state_read(&b, &lines, &whole)) != 0 ||
	    (rc = journal_read(&b, ".kz-failed", &b.failj, &whole)) != 0 ||
	    (rc = journal_read(&b, ".kz-made", &b.madej, &whole)) != 0)
		goto out;
	fingerprint(&b);
	if (list_articles(&b, in_fd, &items, &nitems) != 0) {
		kz_error_set(err, s->in_dir, 0, 0, "cannot list the input"
		    " folder: %s", strerror(errno));
		rc = KZ_EXIT_NOINPUT;
		goto out;
	}
	s->articles = nitems;
	status_judge(&b, in_fd, items, nitems, s);
out:
	if (b.decisions)
		kz_decisions_close(b.decisions);
	kz_journal_release(&b.failj);
	kz_journal_release(&b.madej);
	if (b.state)
		kz_strmap_free(b.state);
	for (size_t k = 0; k < b.nhashes; k++)
		free(b.names[k]);
	free(b.names);
	free(b.hashes);
	free(b.failed);
	items_free(items, nitems);
	if (in_fd >= 0)
		close(in_fd);
	if (b.dirfd >= 0)
		close(b.dirfd);
	return rc;
}

void
kz_batch_status_release(kz_batch_status *s)
{
	for (size_t i = 0; i < s->nentries; i++) {
		free(s->entries[i].name);
		free(s->entries[i].reason);
	}
	free(s->entries);
	free(s->in_dir);
	memset(s, 0, sizeof *s);
}
