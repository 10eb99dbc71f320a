#include "stage.h"

#include "buf.h"
#include "date.h"
#include "esc.h"
#include "record.h"

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
	} else if (process(rec, ctx, err) != 0) {
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
