#include "stage.h"

#include "buf.h"
#include "datapath.h"
#include "date.h"
#include "esc.h"
#include "record.h"
#include "decisions_apply.h"
#include "tagger.h"
#include "version.h"

#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef KZ_DATADIR
#define KZ_DATADIR "/usr/local/share/kz"
#endif

/* After a record's line is parsed (rc as kz_reader_parse returns it):
 * process it, append it to out and any message for standard error to
 * msgs. Returns the record's exit status: KZ_EXIT_OK, KZ_EXIT_DATAERR,
 * or -1 when it cannot be written as JSON. */
static int
finish_record(const kz_stage_opts *opts, const char *in_name, kz_reader *r,
    int rc, json_t *rec, kz_error *err, kz_stage_fn process, void *ctx,
    kz_buf *extra, kz_buf *out, kz_buf *msgs)
{
	int status = KZ_EXIT_OK;
	size_t mark = out->len;
	char msg[1024];

	if (rc < 0) {
		kz_error_format(err, msg, sizeof msg);
		kz_esc_addf(msgs, "%s: %s\n", opts->stage, msg);
		status = KZ_EXIT_DATAERR;
	} else if (kz_stage_add_producer(rec, opts), process(rec, ctx, err) != 0) {
		const json_t *id = json_object_get(rec, "id");

		kz_record_add_error(rec, opts->stage, err->message);
		if (!opts->quiet)
			kz_esc_addf(msgs, "%s: %s:%ld: record %s: %s\n",
			    opts->stage, in_name, kz_reader_line_number(r),
			    json_is_string(id) ? json_string_value(id) : "(no id)",
			    err->message);
		status = KZ_EXIT_DATAERR;
	}
	if (kz_reader_format(r, out, rec, extra ? extra->data : NULL,
	    extra ? extra->len : 0) != 0) {
		out->len = mark;
		status = -1;
	}
	if (extra)
		kz_buf_reset(extra);
	json_decref(rec);
	return status;
}

/* Write what a record or a batch left: its messages, then its lines.
 * Returns 0, or -1 (with a message) when out cannot be written. */
static int
flush_out(const kz_stage_opts *opts, FILE *out, kz_buf *lines, kz_buf *msgs)
{
	if (msgs->len > 0)
		fputs(msgs->data, stderr);
	kz_buf_reset(msgs);
	if (lines->len > 0 && fwrite(lines->data, 1, lines->len, out) !=
	    lines->len) {
		kz_msg(stderr, "%s: cannot write output: %s\n", opts->stage,
		    strerror(errno));
		kz_buf_reset(lines);
		return -1;
	}
	kz_buf_reset(lines);
	return 0;
}

/* Before waiting on the input: what was written so far goes out, so a
 * record that arrives alone through a pipe comes out at once. */
static int
flush_file(const kz_stage_opts *opts, FILE *out)
{
	if (fflush(out) != 0) {
		kz_msg(stderr, "%s: cannot write output: %s\n", opts->stage,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
unwritable(const kz_stage_opts *opts)
{
	kz_msg(stderr, "%s: cannot write output: a record holds a value JSON"
	    " cannot hold\n", opts->stage);
	return KZ_EXIT_IOERR;
}

/* Threads: the reader (the calling thread) fills batches of lines, the
 * workers turn each batch into output, and a writer writes the batches
 * in the order they were read. A batch goes FREE -> READY -> BUSY ->
 * DONE -> FREE; every change is made under the pool's lock. */
enum { BATCH_RECORDS = 16, BATCH_BYTES = 256 << 10 };
enum { B_FREE, B_READY, B_BUSY, B_DONE };

typedef struct line_ref {
	size_t off, len;
	long no;
	int too_long;
} line_ref;

typedef struct batch {
	kz_buf lines;           /* the lines read, one after another */
	line_ref *items;
	size_t n, cap;
	size_t seq;             /* the order it was read in */
	kz_buf out, msgs;       /* what to write */
	int status;             /* KZ_EXIT_OK, KZ_EXIT_DATAERR or -1 */
	int state;
} batch;

typedef struct pool {
	pthread_mutex_t lock;
	pthread_cond_t ready;   /* a batch is READY, or quit */
	pthread_cond_t done;    /* a batch is DONE, or the input ended */
	pthread_cond_t freed;   /* a batch is FREE again */
	batch *b;
	size_t nb;
	size_t nread;           /* batches handed to the workers so far */
	int input_ended, quit, write_failed;
	int status;             /* the worst record status written */
	const kz_stage_opts *opts;
	const char *in_name;
	FILE *out;
	kz_stage_fn process;
	void *ctx;
	kz_buf setup_msgs;      /* workers that could not start */
} pool;

typedef struct worker {
	pool *p;
	size_t index;
	pthread_t thread;
} worker;

static void
process_batch(pool *p, batch *b, kz_reader *r, void *ctx, kz_buf *extra)
{
	kz_error err;
	json_t *rec;

	b->status = KZ_EXIT_OK;
	for (size_t i = 0; i < b->n; i++) {
		const line_ref *l = &b->items[i];
		int rc;

		kz_error_clear(&err);
		kz_reader_set_line(r, b->lines.data + l->off, l->len, l->no,
		    l->too_long);
		rc = kz_reader_parse(r, p->opts->stage, &rec, &err);
		rc = finish_record(p->opts, p->in_name, r, rc, rec, &err,
		    p->process, ctx, extra, &b->out, &b->msgs);
		if (rc == -1 || (rc == KZ_EXIT_DATAERR && b->status == KZ_EXIT_OK))
			b->status = rc;
	}
}

static batch *
oldest_ready(pool *p)
{
	batch *best = NULL;

	for (size_t i = 0; i < p->nb; i++)
		if (p->b[i].state == B_READY && (best == NULL ||
		    p->b[i].seq < best->seq))
			best = &p->b[i];
	return best;
}

static kz_reader *
parse_reader(const pool *p)
{
	kz_reader *r = kz_reader_new(NULL, p->in_name, p->opts->max_line);

	if (p->opts->reads != NULL || p->opts->writes != NULL)
		kz_reader_set_fields(r, p->opts->reads, p->opts->writes,
		    p->opts->skips);
	return r;
}

static void *
work(void *arg)
{
	worker *w = arg;
	pool *p = w->p;
	void *ctx = p->ctx;
	kz_buf *extra = p->opts->extra;
	kz_reader *r;
	kz_error err;
	batch *b;

	if (w->index > 0) {
		kz_error_clear(&err);
		ctx = p->opts->worker_new(p->ctx, &extra, &err);
		if (ctx == NULL) {
			char msg[1024];

			kz_error_format(&err, msg, sizeof msg);
			pthread_mutex_lock(&p->lock);
			kz_esc_addf(&p->setup_msgs, "%s: thread %zu not started: "
			    "%s\n", p->opts->stage, w->index + 1, msg);
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
	}
	r = parse_reader(p);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		if ((b = oldest_ready(p)) == NULL) {
			if (p->quit)
				break;
			pthread_cond_wait(&p->ready, &p->lock);
			continue;
		}
		b->state = B_BUSY;
		pthread_mutex_unlock(&p->lock);
		process_batch(p, b, r, ctx, extra);
		pthread_mutex_lock(&p->lock);
		b->state = B_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	kz_reader_free(r);
	if (w->index > 0)
		p->opts->worker_free(ctx);
	return NULL;
}

static void *
write_batches(void *arg)
{
	pool *p = arg;

	pthread_mutex_lock(&p->lock);
	for (size_t next = 0;; next++) {
		batch *b = &p->b[next % p->nb];
		int failed;

		while (!(next < p->nread && b->state == B_DONE) &&
		    !(p->input_ended && next >= p->nread))
			pthread_cond_wait(&p->done, &p->lock);
		if (next >= p->nread)
			break;
		failed = p->write_failed;
		pthread_mutex_unlock(&p->lock);
		/* after a failed write, batches are only emptied */
		if (!failed) {
			if (b->status == -1)
				failed = unwritable(p->opts) != 0;
			else if (flush_out(p->opts, p->out, &b->out, &b->msgs) != 0 ||
			    flush_file(p->opts, p->out) != 0)
				failed = 1;
		}
		pthread_mutex_lock(&p->lock);
		if (failed)
			p->write_failed = 1;
		else if (b->status == KZ_EXIT_DATAERR)
			p->status = KZ_EXIT_DATAERR;
		kz_buf_reset(&b->out);
		kz_buf_reset(&b->msgs);
		b->state = B_FREE;
		pthread_cond_broadcast(&p->freed);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Read lines into b until it is full, or the input ends (*ended), or
 * reading more would wait on the input (a batch is not held back for
 * records that have not arrived). */
static void
fill_batch(kz_reader *r, batch *b, int *ended)
{
	const char *data;
	size_t len;
	long no;
	int too_long;

	kz_buf_reset(&b->lines);
	b->n = 0;
	while (b->n < BATCH_RECORDS && b->lines.len < BATCH_BYTES) {
		if (b->n > 0 && !kz_reader_has_buffered(r))
			break;
		if (!kz_reader_next_line(r, &data, &len, &no, &too_long)) {
			*ended = 1;
			break;
		}
		if (b->n == b->cap) {
			b->cap = b->cap ? 2 * b->cap : BATCH_RECORDS;
			b->items = kz_realloc(b->items, b->cap * sizeof *b->items);
		}
		b->items[b->n++] = (line_ref){ b->lines.len, len, no, too_long };
		kz_buf_add(&b->lines, data, len);
	}
}

static void
stop_workers(pool *p, worker *w, size_t started)
{
	pthread_mutex_lock(&p->lock);
	p->quit = 1;
	pthread_cond_broadcast(&p->ready);
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	if (p->setup_msgs.len > 0)
		fputs(p->setup_msgs.data, stderr);
	kz_buf_reset(&p->setup_msgs);
}

/* Batch b (filled) and the rest of the input through the calling thread:
 * when no thread could be started. Returns the exit status. */
static int
run_here(pool *p, kz_reader *r, batch *b, int ended)
{
	kz_reader *pr = parse_reader(p);
	int status = KZ_EXIT_OK;

	kz_msg(stderr, "%s: cannot start threads; going on in one\n",
	    p->opts->stage);
	for (;;) {
		process_batch(p, b, pr, p->ctx, p->opts->extra);
		if (b->status == -1) {
			status = unwritable(p->opts);
			break;
		}
		if (flush_out(p->opts, p->out, &b->out, &b->msgs) != 0 ||
		    flush_file(p->opts, p->out) != 0) {
			status = KZ_EXIT_IOERR;
			break;
		}
		if (b->status == KZ_EXIT_DATAERR)
			status = KZ_EXIT_DATAERR;
		if (ended)
			break;
		fill_batch(r, b, &ended);
		if (b->n == 0)
			break;
	}
	kz_reader_free(pr);
	return status;
}

static int
run_threads(kz_reader *r, const char *in_name, FILE *out,
    const kz_stage_opts *opts, kz_stage_fn process, void *ctx)
{
	pool p;
	worker *w;
	pthread_t writer;
	size_t started = 0;
	int ended = 0, status = KZ_EXIT_OK;

	memset(&p, 0, sizeof p);
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.ready, NULL);
	pthread_cond_init(&p.done, NULL);
	pthread_cond_init(&p.freed, NULL);
	p.nb = 2 * opts->jobs;
	p.b = kz_calloc(p.nb, sizeof *p.b);
	for (size_t i = 0; i < p.nb; i++) {
		kz_buf_init(&p.b[i].lines);
		kz_buf_init(&p.b[i].out);
		kz_buf_init(&p.b[i].msgs);
	}
	kz_buf_init(&p.setup_msgs);
	p.opts = opts;
	p.in_name = in_name;
	p.out = out;
	p.process = process;
	p.ctx = ctx;
	p.status = KZ_EXIT_OK;
	w = kz_calloc(opts->jobs, sizeof *w);

	fill_batch(r, &p.b[0], &ended);
	if (p.b[0].n == 0)
		goto out;
	for (size_t i = 0; i < opts->jobs; i++) {
		w[i].p = &p;
		w[i].index = i;
		if (pthread_create(&w[i].thread, NULL, work, &w[i]) != 0)
			break;
		started++;
	}
	if (started == 0 || pthread_create(&writer, NULL, write_batches,
	    &p) != 0) {
		/* no thread to hand records to: they go through this one, as
		 * they came, so none is lost */
		stop_workers(&p, w, started);
		status = run_here(&p, r, &p.b[0], ended);
		goto out;
	}
	pthread_mutex_lock(&p.lock);
	p.b[0].state = B_READY;
	p.nread = 1;
	pthread_cond_signal(&p.ready);
	pthread_mutex_unlock(&p.lock);
	while (!ended) {
		batch *b = &p.b[p.nread % p.nb];

		pthread_mutex_lock(&p.lock);
		while (b->state != B_FREE && !p.write_failed)
			pthread_cond_wait(&p.freed, &p.lock);
		if (p.write_failed) {
			pthread_mutex_unlock(&p.lock);
			break;
		}
		pthread_mutex_unlock(&p.lock);
		fill_batch(r, b, &ended);
		if (b->n == 0)
			break;
		pthread_mutex_lock(&p.lock);
		b->seq = p.nread++;
		b->state = B_READY;
		pthread_cond_signal(&p.ready);
		pthread_mutex_unlock(&p.lock);
	}
	pthread_mutex_lock(&p.lock);
	p.input_ended = 1;
	pthread_cond_broadcast(&p.done);
	pthread_mutex_unlock(&p.lock);
	pthread_join(writer, NULL);
	stop_workers(&p, w, started);
	status = p.write_failed ? KZ_EXIT_IOERR : p.status;
out:
	for (size_t i = 0; i < p.nb; i++) {
		kz_buf_release(&p.b[i].lines);
		kz_buf_release(&p.b[i].out);
		kz_buf_release(&p.b[i].msgs);
		free(p.b[i].items);
	}
	free(p.b);
	free(w);
	kz_buf_release(&p.setup_msgs);
	pthread_cond_destroy(&p.ready);
	pthread_cond_destroy(&p.done);
	pthread_cond_destroy(&p.freed);
	pthread_mutex_destroy(&p.lock);
	return status;
}

int
kz_stage_run(FILE *in, const char *in_name, FILE *out,
    const kz_stage_opts *opts, kz_stage_fn process, void *ctx)
{
	kz_reader *r = kz_reader_new(in, in_name, opts->max_line);
	int status = KZ_EXIT_OK;
	kz_buf lines, msgs;
	json_t *rec;
	kz_error err;
	int rc;

	if (opts->reads != NULL || opts->writes != NULL)
		kz_reader_set_fields(r, opts->reads, opts->writes, opts->skips);
	if (opts->prefix_len > 0)
		kz_reader_preload(r, opts->prefix, opts->prefix_len);
	kz_buf_init(&lines);
	kz_buf_init(&msgs);
	for (size_t n = 0;; n++) {
		/* threads only for input longer than a batch: one article
		 * (kz-run) never pays for starting them */
		if (n == BATCH_RECORDS && opts->jobs > 1 &&
		    opts->worker_new != NULL) {
			rc = run_threads(r, in_name, out, opts, process, ctx);
			if (rc != KZ_EXIT_OK && status != KZ_EXIT_IOERR)
				status = rc;
			break;
		}
		kz_error_clear(&err);
		rc = kz_reader_next(r, opts->stage, &rec, &err);
		if (rc == 0)
			break;
		rc = finish_record(opts, in_name, r, rc, rec, &err, process, ctx,
		    opts->extra, &lines, &msgs);
		if (rc == -1 || flush_out(opts, out, &lines, &msgs) != 0 ||
		    (!kz_reader_has_buffered(r) && flush_file(opts, out) != 0)) {
			status = rc == -1 ? unwritable(opts) : KZ_EXIT_IOERR;
			break;
		}
		if (rc == KZ_EXIT_DATAERR)
			status = rc;
	}
	kz_buf_release(&lines);
	kz_buf_release(&msgs);
	if (status != KZ_EXIT_IOERR && kz_reader_failed(r)) {
		kz_msg(stderr, "%s: %s: read error\n", opts->stage, in_name);
		status = KZ_EXIT_IOERR;
	}
	kz_reader_free(r);
	if (fflush(out) != 0) {
		kz_msg(stderr, "%s: cannot write output: %s\n", opts->stage,
		    strerror(errno));
		return KZ_EXIT_IOERR;
	}
	return status;
}

static int
worse(int a, int b)
{
	static const int order[] = { KZ_EXIT_IOERR, KZ_EXIT_NOINPUT,
		KZ_EXIT_DATAERR };

	for (size_t i = 0; i < sizeof order / sizeof *order; i++)
		if (a == order[i] || b == order[i])
			return order[i];
	return a != KZ_EXIT_OK ? a : b;
}

int
kz_stage_run_files(char *const *files, size_t n, FILE *out,
    const kz_stage_opts *opts, kz_stage_fn process, void *ctx)
{
	int status = KZ_EXIT_OK;

	if (n == 0)
		return kz_stage_run(stdin, "stdin", out, opts, process, ctx);
	for (size_t i = 0; i < n && status != KZ_EXIT_IOERR; i++) {
		FILE *f;

		if (strcmp(files[i], "-") == 0) {
			status = worse(status, kz_stage_run(stdin, "stdin", out, opts,
			    process, ctx));
			continue;
		}
		if ((f = fopen(files[i], "rb")) == NULL) {
			kz_msg(stderr, "%s: %s: cannot open: %s\n", opts->stage,
			    files[i], strerror(errno));
			status = worse(status, KZ_EXIT_NOINPUT);
			continue;
		}
		status = worse(status, kz_stage_run(f, files[i], out, opts, process,
		    ctx));
		fclose(f);
	}
	return status;
}

size_t
kz_stage_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (size_t)n;
}

int
kz_opt_jobs(const char *prog, const char *arg, size_t *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 1 || v > 64) {
		kz_msg(stderr, "%s: --jobs: not a number of threads from 1 to 64:"
		    " %s\n", prog, arg);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

static int
has_rules(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof path, "%s/rules", dir) >= (int)sizeof path)
		return 0;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
kz_datadir_find(const char *override, char *out, size_t n, kz_error *err)
{
	char exe[PATH_MAX], cand[PATH_MAX + 16];
	const char *env = getenv("KZ_DATA");
	ssize_t len;

	if (override) {
		if (!has_rules(override))
			return kz_error_set(err, override, 0, 0,
			    "not a kz data directory (no rules/ folder in it)");
		snprintf(out, n, "%s", override);
		return 0;
	}
	if (env && *env) {
		if (!has_rules(env))
			return kz_error_set(err, env, 0, 0,
			    "KZ_DATA is not a kz data directory (no rules/ folder)");
		snprintf(out, n, "%s", env);
		return 0;
	}
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		char *slash;

		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(cand, sizeof cand, "%s/../share/kz", exe);
		if (has_rules(cand)) {
			snprintf(out, n, "%s", cand);
			return 0;
		}
		snprintf(cand, sizeof cand, "%s/..", exe);
		if (has_rules(cand)) {
			snprintf(out, n, "%s", cand);
			return 0;
		}
	}
	if (has_rules(KZ_DATADIR)) {
		snprintf(out, n, "%s", KZ_DATADIR);
		return 0;
	}
	return kz_error_set(err, NULL, 0, 0, "cannot find the kz data directory"
	    " (gazetteers/ and rules/); give --data DIR or set KZ_DATA");
}

int
kz_parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	if (*s < '0' || *s > '9')   /* strtoull takes "-5" as 2^64 - 5 */
		return -1;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end != '\0' || v == 0 || v > (SIZE_MAX >> shift))
		return -1;
	v <<= shift;
	*out = (size_t)v;
	return 0;
}

int
kz_opt_size(const char *prog, const char *opt, const char *arg, size_t *out)
{
	if (kz_parse_size(arg, out) == 0)
		return 0;
	kz_msg(stderr, "%s: --%s: not a size: %s\n", prog, opt, arg);
	return -1;
}

int
kz_opt_date(const char *prog, const char *arg)
{
	int32_t v = strlen(arg) == 10 ? kz_date_parse(arg) : KZ_DATE_BAD;

	if (v > 0)
		return 0;
	if (v == KZ_DATE_NO_DAY)
		kz_msg(stderr, "%s: --date: not a real day: %s\n", prog, arg);
	else
		kz_msg(stderr, "%s: --date: not a YYYY-MM-DD date: %s\n", prog,
		    arg);
	return -1;
}

void
kz_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void
kz_stage_add_producer(json_t *rec, const kz_stage_opts *opts)
{
	json_t *e;

	if (opts->version == NULL)
		return;
	e = json_object();
	json_object_set_new(e, "program", json_string(opts->stage));
	json_object_set_new(e, "version", json_string(opts->version));
	json_object_set_new(e, "data", json_string(opts->data_snapshot ?
	    opts->data_snapshot : ""));
	json_array_append_new(kz_record_array(rec, "producer"), e);
}

/* ------------------------------------------------------ the command line */

/* Long options of the common set get values past any character. */
enum { OPT_DATE = 0x100, OPT_DATA, OPT_MAX_LINE, OPT_VERSION, OPT_PRINT_DATA };
enum { MAX_OPTIONS = 40 };

static int print_data(kz_stage_cli *cli);

static const struct option common_opts[] = {
	{ "date", required_argument, NULL, OPT_DATE },
	{ "data", required_argument, NULL, OPT_DATA },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "print-data", no_argument, NULL, OPT_PRINT_DATA },
	{ "jobs", required_argument, NULL, 'j' },    /* last: no_jobs drops it */
};

/* The help of the common options, as --help prints them after the
 * stage's own. */
static const struct {
	const char *opt, *help;
	int jobs;               /* only where there is -j */
} common_help[] = {
	{ "--data DIR", "kz data directory (default: $KZ_DATA, or found beside"
	    " the program); with it, no local data (~/.config/kz, /etc/kz) is"
	    " read", 0 },
	{ "-j, --jobs N", "threads (default: one per processor; input of one"
	    " batch, 16 records, uses one); the output keeps the input's"
	    " order", 1 },
	{ "--max-line SIZE", "longest input line accepted (default 64M)", 0 },
	{ "-q, --quiet", "no per-record messages on standard error", 0 },
	{ "--print-data", "what is loaded from where: each data layer"
	    " (shipped, /etc/kz, ~/.config/kz), then each file; and exit", 0 },
	{ "--version", "the kz version and the data snapshot (a hash of the"
	    " gazetteers and rules loaded), which each record's \"producer\""
	    " carries; and exit", 0 },
	{ "-h, --help", "this text", 0 },
};

/* "  OPT   help..." with the help wrapped at 77 columns from col. */
static void
print_option(FILE *out, int col, const char *opt, const char *help)
{
	int width = 77 - col, at;

	at = fprintf(out, "  %s", opt);
	if (at >= col) {
		fputc('\n', out);
		at = 0;
	}
	while (*help) {
		int n = (int)strlen(help);

		if (n > width) {
			n = width;
			while (n > 0 && help[n] != ' ')
				n--;
			if (n == 0)
				n = (int)strcspn(help, " ");
		}
		fprintf(out, "%*s%.*s\n", col - at, "", n, help);
		at = 0;
		help += n;
		while (*help == ' ')
			help++;
	}
}

static void
print_usage(const kz_stage_cli *cli)
{
	int col = cli->help_col > 0 ? cli->help_col : 21;

	fputs(cli->usage, stdout);
	if (cli->usage_tail == NULL)
		return;
	for (size_t i = 0; i < sizeof common_help / sizeof *common_help; i++)
		if (!common_help[i].jobs || !cli->no_jobs)
			print_option(stdout, col, common_help[i].opt,
			    common_help[i].help);
	fputs(cli->usage_tail, stdout);
}

/* 1 when ch was one of the common options (handled, or *status set to
 * the exit status to end with). */
static int
common_opt(kz_stage_cli *cli, int ch, const char *arg, int *status)
{
	kz_stage_opts *so = cli->so;

	switch (ch) {
	case OPT_DATE:
		if (kz_opt_date(cli->prog, arg) != 0)
			*status = KZ_EXIT_USAGE;
		snprintf(cli->date, sizeof cli->date, "%s", arg);
		cli->date_given = 1;
		return 1;
	case OPT_DATA: cli->data = arg; return 1;
	case OPT_MAX_LINE:
		if (kz_opt_size(cli->prog, "max-line", arg, &so->max_line) != 0)
			*status = KZ_EXIT_USAGE;
		return 1;
	case 'q': so->quiet = 1; return 1;
	case OPT_VERSION: cli->version = 1; return 1;
	case OPT_PRINT_DATA: cli->print_data = 1; return 1;
	case 'h':
		print_usage(cli);
		*status = KZ_EXIT_OK;
		return 1;
	case 'j':
		if (cli->no_jobs)
			return 0;
		if (kz_opt_jobs(cli->prog, arg, &so->jobs) != 0)
			*status = KZ_EXIT_USAGE;
		return 1;
	}
	return 0;
}

int
kz_stage_cli_parse(kz_stage_cli *cli, int argc, char **argv)
{
	struct option longopts[MAX_OPTIONS];
	size_t n = 0, ncommon = sizeof common_opts / sizeof *common_opts;
	char shortopts[64];
	int ch;

	kz_today(cli->date);
	if (cli->so->stage == NULL)
		cli->so->stage = cli->prog;
	if (cli->no_jobs)
		ncommon--;
	else if (cli->so->jobs == 0)
		cli->so->jobs = kz_stage_default_jobs();
	for (size_t i = 0; i < ncommon; i++)
		longopts[n++] = common_opts[i];
	for (size_t i = 0; cli->own && cli->own[i].name; i++)
		if (n < MAX_OPTIONS - 1)
			longopts[n++] = cli->own[i];
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	snprintf(shortopts, sizeof shortopts, "%sqh%s", cli->no_jobs ? "" : "j:",
	    cli->own_short ? cli->own_short : "");
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int status = -1;

		if (ch == '?') {
			kz_msg(stderr, "Try '%s --help'.\n", cli->prog);
			return KZ_EXIT_USAGE;
		}
		if (!common_opt(cli, ch, optarg, &status) && cli->own_opt)
			status = cli->own_opt(cli, ch, optarg);
		if (status >= 0)
			return status;
	}
	cli->files = argv + optind;
	cli->nfiles = (size_t)(argc - optind);
	/* --data DIR is all the data there is; else the local layers add
	 * to the shipped data (datapath.h) */
	kz_data_layers(cli->data == NULL);
	if (cli->version) {
		kz_version_print(stdout, cli->prog, cli->data, cli->loads);
		return KZ_EXIT_OK;
	}
	if (cli->print_data)
		return print_data(cli);
	return -1;
}

void
kz_stage_cli_replace(kz_stage_cli *cli, const char *rel, const char *path)
{
	kz_data_alone(rel);     /* an option's file is read as it is */
	for (size_t i = 0; i < cli->nreplaced; i++)
		if (strcmp(cli->replaced[i].rel, rel) == 0) {
			cli->replaced[i].path = path;
			return;
		}
	if (cli->nreplaced < KZ_STAGE_MAX_REPLACED) {
		cli->replaced[cli->nreplaced].rel = rel;
		cli->replaced[cli->nreplaced++].path = path;
	}
}

static const char *
replacement(const kz_stage_cli *cli, const char *rel)
{
	for (size_t i = 0; i < cli->nreplaced; i++)
		if (strcmp(cli->replaced[i].rel, rel) == 0)
			return cli->replaced[i].path;
	return NULL;
}

const char *
kz_stage_cli_path(const kz_stage_cli *cli, const char *rel, char *buf,
    size_t n)
{
	const char *r = replacement(cli, rel);

	if (r != NULL)
		return r;
	return kz_data_path(cli->datadir, rel, buf, n);
}

/* The files of a load that is a folder ("gazetteers"), with their
 * layers; 0, or -1 with err. */
static int
folder_files(const kz_stage_cli *cli, const char *rel, kz_data_files *f,
    kz_error *err)
{
	const char *r = replacement(cli, rel);
	char dir[PATH_MAX + 16];

	if (r != NULL)
		return kz_data_gazetteers(r, 0, f, err);
	snprintf(dir, sizeof dir, "%s/%s", cli->datadir, rel);
	return kz_data_gazetteers(dir, 1, f, err);
}

static int
is_folder_load(const char *rel)
{
	return strcmp(rel, "gazetteers") == 0;
}

static int
needs_datadir(const kz_stage_cli *cli)
{
	for (size_t i = 0; cli->loads && cli->loads[i]; i++)
		if (replacement(cli, cli->loads[i]) == NULL)
			return 1;
	return 0;
}

int
kz_stage_cli_fail(const kz_stage_cli *cli, const kz_error *err)
{
	char msg[1024];

	kz_error_format(err, msg, sizeof msg);
	kz_msg(stderr, "%s: %s\n", cli->prog, msg);
	return KZ_EXIT_CONFIG;
}

int
kz_stage_cli_setup(kz_stage_cli *cli)
{
	kz_error err;

	cli->datadir[0] = '\0';
	if (needs_datadir(cli) && kz_datadir_find(cli->data, cli->datadir,
	    sizeof cli->datadir, &err) != 0)
		return kz_stage_cli_fail(cli, &err);
	return 0;
}

int
kz_stage_cli_snapshot(kz_stage_cli *cli, kz_error *err)
{
	char buf[PATH_MAX + 64];
	char **paths = NULL;
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; cli->loads && cli->loads[i] && rc == 0; i++) {
		kz_data_files f;

		if (!is_folder_load(cli->loads[i])) {
			paths = kz_realloc(paths, (n + 1 + KZ_DATA_NLAYERS) *
			    sizeof *paths);
			paths[n++] = kz_strdup(kz_stage_cli_path(cli, cli->loads[i],
			    buf, sizeof buf));
			/* and what the local layers merge over it: a local file
			 * added, edited or removed changes the snapshot */
			for (int l = KZ_DATA_SYSTEM; l < KZ_DATA_NLAYERS; l++)
				if (kz_data_overlay(l, cli->loads[i], buf, sizeof buf))
					paths[n++] = kz_strdup(buf);
			continue;
		}
		if (folder_files(cli, cli->loads[i], &f, err) != 0) {
			rc = -1;
			break;
		}
		paths = kz_realloc(paths, (n + f.n + 1) * sizeof *paths);
		for (size_t j = 0; j < f.n; j++)
			paths[n++] = kz_strdup(f.paths[j]);
		kz_data_files_free(&f);
	}
	if (rc == 0)
		rc = kz_snapshot_files(paths, n, cli->snapshot, err);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

int
kz_stage_cli_run(kz_stage_cli *cli, kz_stage_fn process, void *ctx)
{
	kz_error err;

	if (kz_stage_cli_snapshot(cli, &err) != 0)
		return kz_stage_cli_fail(cli, &err);
	cli->so->version = kz_version();
	cli->so->data_snapshot = cli->snapshot;
	return kz_stage_run_files(cli->files, cli->nfiles, stdout, cli->so,
	    process, ctx);
}

void
kz_version_print(FILE *out, const char *prog, const char *data,
    const char *const *loads)
{
	kz_stage_cli cli = { .prog = prog, .data = data, .loads = loads };
	char msg[1024];
	kz_error err;

	fprintf(out, "%s (kz) %s\n", prog, kz_version());
	if (loads == NULL)
		return;
	kz_data_layers(data == NULL);
	if (kz_datadir_find(data, cli.datadir, sizeof cli.datadir, &err) != 0 ||
	    kz_stage_cli_snapshot(&cli, &err) != 0) {
		kz_error_format(&err, msg, sizeof msg);
		fprintf(out, "data none (%s)\n", msg);
		return;
	}
	fprintf(out, "data %s %s\n", cli.snapshot, cli.datadir);
}

/* --print-data: each layer's folder, then every file loaded, as
 * "NAME<TAB>LAYER<TAB>PATH" (LAYER: shipped, system, user, or option for
 * a --rules or --gazetteers file). */
static int
print_data(kz_stage_cli *cli)
{
	char buf[PATH_MAX + 64];
	kz_error err;
	int rc;

	if ((rc = kz_stage_cli_setup(cli)) != 0)
		return rc;
	printf("layer\tshipped\t%s\n", cli->datadir[0] ? cli->datadir :
	    "(not needed)");
	for (int l = KZ_DATA_SYSTEM; l < KZ_DATA_NLAYERS; l++) {
		const char *d = kz_data_layer_dir(l, buf, sizeof buf);

		printf("layer\t%s\t%s\n", kz_data_layer_name(l),
		    d ? d : cli->data ? "(off: --data)" : "(none: no HOME)");
	}
	for (size_t i = 0; cli->loads && cli->loads[i]; i++) {
		const char *rel = cli->loads[i];
		kz_data_files f;

		if (!is_folder_load(rel)) {
			const char *r = replacement(cli, rel);

			printf("%s\t%s\t%s\n", rel, r ? "option" : "shipped", r ? r :
			    kz_data_path(cli->datadir, rel, buf, sizeof buf));
			/* the local files merged over it, in merge order */
			for (int l = KZ_DATA_SYSTEM; l < KZ_DATA_NLAYERS; l++)
				if (kz_data_overlay(l, rel, buf, sizeof buf))
					printf("%s\t%s\t%s\n", rel,
					    kz_data_layer_name(l), buf);
			continue;
		}
		if (folder_files(cli, rel, &f, &err) != 0)
			return kz_stage_cli_fail(cli, &err);
		for (size_t j = 0; j < f.n; j++) {
			const char *base = strrchr(f.paths[j], '/');

			printf("%s/%s\t%s\t%s\n", rel, base ? base + 1 : f.paths[j],
			    replacement(cli, rel) ? "option" :
			    kz_data_layer_name((int)f.layers[j]), f.paths[j]);
		}
		kz_data_files_free(&f);
	}
	return fflush(stdout) == 0 ? KZ_EXIT_OK : KZ_EXIT_IOERR;
}

/* ------------------------------------------------ what the threads share */

int
kz_stage_base_init(kz_stage_base *b, const kz_stage_cli *cli,
    const kz_stage_base *first, kz_error *err)
{
	if (first != NULL) {
		memset(b, 0, sizeof *b);
		b->cli = first->cli;
		memcpy(b->date, first->date, sizeof b->date);
		b->datadir = first->datadir;
		b->decisions_path = first->decisions_path;
		b->tagger = kz_tagger_load_shared(b->datadir, first->tagger, err);
	} else {
		b->cli = cli;
		memcpy(b->date, cli->date, sizeof b->date);
		b->datadir = cli->datadir;
		b->tagger = kz_tagger_load(b->datadir, b->gazetteers, err);
	}
	if (b->tagger == NULL || (b->decisions_path &&
	    kz_decisions_open_for_stage(b->decisions_path, &b->decisions,
	    err) != 0)) {
		kz_stage_base_release(b);
		return -1;
	}
	return 0;
}

void
kz_stage_base_release(kz_stage_base *b)
{
	kz_tagger_free(b->tagger);
	kz_decisions_close(b->decisions);
	b->tagger = NULL;
	b->decisions = NULL;
}

/* Another thread's context (kz_stage_opts.worker_new). */
static void *
worker_new(void *first, struct kz_buf **extra, kz_error *err)
{
	const kz_stage_cli *cli = ((const kz_stage_base *)first)->cli;
	void *c = kz_calloc(1, cli->ctx_size);

	*extra = NULL;
	if (kz_stage_base_init(c, NULL, first, err) != 0)
		goto fail;
	if (cli->own_init && cli->own_init(c, first, extra, err) != 0) {
		if (cli->own_release)
			cli->own_release(c);
		kz_stage_base_release(c);
		goto fail;
	}
	return c;
fail:
	free(c);
	return NULL;
}

static void
worker_free(void *c)
{
	kz_stage_cli_finish(((kz_stage_base *)c)->cli, c);
	free(c);
}

int
kz_stage_cli_start(kz_stage_cli *cli, void *ctx)
{
	kz_error err;

	/* a failure releases what main loaded into ctx before, too: ctx
	 * must start zeroed */
	if (kz_stage_base_init(ctx, cli, NULL, &err) != 0 ||
	    (cli->own_init && cli->own_init(ctx, NULL, &cli->so->extra,
	    &err) != 0)) {
		kz_stage_cli_finish(cli, ctx);
		return kz_stage_cli_fail(cli, &err);
	}
	cli->so->worker_new = worker_new;
	cli->so->worker_free = worker_free;
	return 0;
}

void
kz_stage_cli_finish(const kz_stage_cli *cli, void *ctx)
{
	if (cli->own_release)
		cli->own_release(ctx);
	kz_stage_base_release(ctx);
}

int
kz_stage_main(kz_stage_cli *cli, int argc, char **argv, kz_stage_fn process,
    void *ctx)
{
	int rc;

	if ((rc = kz_stage_cli_parse(cli, argc, argv)) >= 0 ||
	    (rc = kz_stage_cli_setup(cli)) != 0 ||
	    (cli->prepare && (rc = cli->prepare(cli)) >= 0) ||
	    (rc = kz_stage_cli_start(cli, ctx)) != 0)
		return rc;
	rc = kz_stage_cli_run(cli, process, ctx);
	kz_stage_cli_finish(cli, ctx);
	return rc;
}
