/*
 * kz-review - editors' decisions on a batch of kz results, kept so that
 * they stick (issue 17). See `kz-review --help` and docs/kz-review.md.
 */
#include "buf.h"
#include "decisions_apply.h"
#include "esc.h"
#include "record.h"
#include "review_app.h"
#include "review_export.h"
#include "review_http.h"
#include "review_queue.h"
#include "stage.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"Usage: kz-review [OPTIONS] RESULTS [--listen ADDRESS:PORT]\n"
"       kz-review [OPTIONS] RESULTS --list\n"
"       kz-review [OPTIONS] RESULTS --decide ID RULE START END VERDICT\n"
"       kz-review [OPTIONS] RESULTS --undo ID RULE START END\n"
"       kz-review [OPTIONS] RESULTS --export FILE [--jsonl]\n"
"\n"
"Editors' decisions on what kz flagged, kept in SQLite so that they stick:\n"
"fed back with `kz-check --decisions DB` (a rejected flag is dropped, an\n"
"accepted one marked reviewed) and `kz-quotes --decisions DB` (a corrected\n"
"speaker replaces the one found). RESULTS is a folder of kz-run results\n"
"(its *.jsonl files) or one kz/1 file.\n"
"\n"
"The queue holds every flag and every quote whose speaker was found weakly\n"
"(pronoun, role description, anaphora, no speech verb), worst first:\n"
"errors, warnings, weak attributions, info.\n"
"\n"
"Without --list, --decide, --undo or --export, kz-review serves the queue to\n"
"editors' browsers and prints the address to open: one item at a time with\n"
"its article, keys a (accept), x (reject), c (correct), u (undo), j/k\n"
"(next/previous), / (search). It stops on Ctrl-C or SIGTERM.\n"
"\n"
"  --listen ADDRESS:PORT\n"
"                    where to serve (default 127.0.0.1:8080; port 0 takes a\n"
"                    free one). On an address that is not loopback every\n"
"                    request needs the token in the printed address\n"
"  --list            print the queue, one item a line (tab-separated: state,\n"
"                    severity, id, rule, start, end, text)\n"
"  --decide ID RULE START END VERDICT\n"
"                    decide on the item of article ID with that rule\n"
"                    (\"speaker\" for a quote) and span: accept, reject or\n"
"                    correct (with --speaker, --span or both)\n"
"  --undo ID RULE START END\n"
"                    step back the item's last decision\n"
"  --speaker NAME    the right speaker, for correct\n"
"  --span START:END  the quote's right words (code points of its text), for\n"
"                    correct\n"
"  --note TEXT       a note kept with the decision\n"
"  --editor NAME     who decides (default: $USER)\n"
"  --export FILE     every decision, as RFC 4180 CSV (- for standard output)\n"
"  --jsonl           export JSON Lines instead\n"
"  --db FILE         the decisions (default RESULTS/.kz-review.db, or\n"
"                    FILE.kz-review.db beside a single results file)\n"
"  -h, --help        this text\n"
"  --version         the kz version\n"
"\n"
"Exit status: 0 done (or served until stopped); 64 bad usage (or no such\n"
"item); 65 a results record is broken; 66 RESULTS cannot be read; 69 the\n"
"address cannot be served on; 74 the export cannot be written; 78 the\n"
"decisions database cannot be opened or written.\n"
"\n"
"Example:\n"
"  kz-run --in articles/ --out results/\n"
"  kz-review results/                     # then open http://127.0.0.1:8080/\n"
"  kz-review results/ --list\n"
"  kz-review results/ --decide a1 misquote 120 164 reject --note 'same words'\n"
"  kz-run --in articles/ --out results/   # pipeline.yaml has decisions:\n";

enum { MODE_SERVE, MODE_LIST, MODE_DECIDE, MODE_UNDO, MODE_EXPORT };

/* sysexits(3) EX_UNAVAILABLE: the address cannot be served on */
#define EXIT_UNAVAILABLE 69

typedef struct opts {
	int mode, jsonl;
	const char *results, *db, *speaker, *note, *editor, *export_path;
	const char *listen;
	const char *id, *rule, *verdict;
	long start, end;
	long span_start, span_end;      /* --span; -1 when not given */
} opts;

static int
parse_long(const char *s, long *out)
{
	char *end;

	*out = strtol(s, &end, 10);
	return *s && *end == '\0' && *out >= 0 ? 0 : -1;
}

/* --span START:END */
static int
parse_span(const char *s, opts *o)
{
	const char *colon = strchr(s, ':');
	char start[32];

	if (colon == NULL || (size_t)(colon - s) >= sizeof start)
		return -1;
	memcpy(start, s, (size_t)(colon - s));
	start[colon - s] = '\0';
	if (parse_long(start, &o->span_start) != 0 ||
	    parse_long(colon + 1, &o->span_end) != 0 ||
	    o->span_end <= o->span_start)
		return -1;
	return 0;
}

/* The positional words after --decide/--undo. */
static int
item_args(opts *o, int argc, char **argv, int want)
{
	if (argc - optind < want) {
		kz_msg(stderr, "kz-review: --%s wants ID RULE START END%s\n",
		    o->mode == MODE_UNDO ? "undo" : "decide",
		    want == 5 ? " VERDICT" : "");
		return -1;
	}
	o->id = argv[optind];
	o->rule = argv[optind + 1];
	if (parse_long(argv[optind + 2], &o->start) != 0 ||
	    parse_long(argv[optind + 3], &o->end) != 0) {
		kz_msg(stderr, "kz-review: START and END are code points, not"
		    " '%s' '%s'\n", argv[optind + 2], argv[optind + 3]);
		return -1;
	}
	if (want == 5)
		o->verdict = argv[optind + 4];
	optind += want;
	return 0;
}

/* Serve until SIGINT or SIGTERM. The signals are blocked before the
 * server's thread starts (it inherits the mask), and waited for here. */
static int
serve(const opts *o, kz_review_queue *q, kz_decisions *d, kz_error *err)
{
	kz_review_app *app;
	kz_review_server *srv;
	sigset_t set;
	int sig;
	size_t left = 0;

	for (size_t i = 0; i < q->n; i++) {
		kz_decision dec;

		left += kz_decisions_get(d, &q->items[i].key, &dec, NULL) != 1;
		kz_decision_release(&dec);
	}
	if ((app = kz_review_app_new(o->results, d, o->editor, err)) == NULL)
		return KZ_EXIT_NOINPUT;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((srv = kz_review_server_start(app, o->listen, err)) == NULL) {
		kz_review_app_free(app);
		return EXIT_UNAVAILABLE;
	}
	kz_msg(stdout, "kz-review: %zu items in %s, %zu left to review\n",
	    q->n, o->results, left);
	printf("kz-review: open %s\n", kz_review_server_url(srv));
	if (kz_review_server_needs_token(srv))
		printf("kz-review: not on loopback: every request needs that"
		    " token\n");
	fflush(stdout);
	sigwait(&set, &sig);
	kz_review_server_stop(srv);
	kz_review_app_free(app);
	return KZ_EXIT_OK;
}

static void
list_queue(kz_review_queue *q, kz_decisions *d)
{
	kz_buf b;

	kz_buf_init(&b);
	for (size_t i = 0; i < q->n; i++) {
		const kz_review_item *it = &q->items[i];
		const json_t *t = json_object_get(it->item, "text");
		kz_decision dec;
		int rc = kz_decisions_get(d, &it->key, &dec, NULL);

		kz_buf_reset(&b);
		kz_buf_addf(&b, "%s\t%s\t", rc == 1 ? kz_verdict_name(dec.verdict) :
		    "open", it->severity);
		kz_esc_add(&b, it->key.article, strlen(it->key.article),
		    KZ_ESC_BACKSLASH);
		kz_buf_addf(&b, "\t%s\t%ld\t%ld\t", it->rule, it->key.start,
		    it->key.end);
		if (json_is_string(t))
			kz_esc_add(&b, json_string_value(t), json_string_length(t),
			    KZ_ESC_BACKSLASH);
		kz_buf_addc(&b, '\n');
		fwrite(b.data, 1, b.len, stdout);
		kz_decision_release(&dec);
	}
	kz_buf_release(&b);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "decide", no_argument, NULL, 'D' },
		{ "undo", no_argument, NULL, 'U' },
		{ "speaker", required_argument, NULL, 's' },
		{ "span", required_argument, NULL, 'S' },
		{ "note", required_argument, NULL, 'n' },
		{ "editor", required_argument, NULL, 'e' },
		{ "export", required_argument, NULL, 'x' },
		{ "jsonl", no_argument, NULL, 'J' },
		{ "db", required_argument, NULL, 'b' },
		{ "listen", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	opts o = { .editor = getenv("USER"), .listen = "127.0.0.1:8080",
	    .span_start = -1, .span_end = -1 };
	kz_review_queue q;
	kz_decisions *d;
	kz_error err;
	kz_buf dbpath;
	char msg[1024];
	int ch, rc = KZ_EXIT_OK;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': o.mode = MODE_LIST; break;
		case 'D': o.mode = MODE_DECIDE; break;
		case 'U': o.mode = MODE_UNDO; break;
		case 's': o.speaker = optarg; break;
		case 'S':
			if (parse_span(optarg, &o) != 0) {
				kz_msg(stderr, "kz-review: --span is START:END in code"
				    " points, START before END, not '%s'\n", optarg);
				return KZ_EXIT_USAGE;
			}
			break;
		case 'n': o.note = optarg; break;
		case 'e': o.editor = optarg; break;
		case 'x': o.mode = MODE_EXPORT; o.export_path = optarg; break;
		case 'J': o.jsonl = 1; break;
		case 'b': o.db = optarg; break;
		case 'V':
			kz_version_print(stdout, "kz-review", NULL, NULL);
			return KZ_EXIT_OK;
		case 'L': o.listen = optarg; break;
		case 'h':
			fputs(usage, stdout);
			return KZ_EXIT_OK;
		default:
			fputs("Try 'kz-review --help'.\n", stderr);
			return KZ_EXIT_USAGE;
		}
	}
	/* getopt moved the words that are no options to the end, in order:
	 * RESULTS, then the item of --decide or --undo */
	if (optind < argc)
		o.results = argv[optind++];
	if (o.editor && !*o.editor)
		o.editor = NULL;
	if (o.results == NULL) {
		kz_msg(stderr, "kz-review: which results? (a folder or a kz/1"
		    " file)\n");
		fputs("Try 'kz-review --help'.\n", stderr);
		return KZ_EXIT_USAGE;
	}
	if (o.mode == MODE_SERVE && kz_review_listen_check(o.listen, &err) != 0) {
		kz_msg(stderr, "kz-review: %s\n", err.message);
		return KZ_EXIT_USAGE;
	}
	if ((o.mode == MODE_DECIDE && item_args(&o, argc, argv, 5) != 0) ||
	    (o.mode == MODE_UNDO && item_args(&o, argc, argv, 4) != 0))
		return KZ_EXIT_USAGE;
	if (optind < argc) {
		kz_msg(stderr, "kz-review: unexpected argument '%s'\n", argv[optind]);
		return KZ_EXIT_USAGE;
	}
	if (o.mode == MODE_DECIDE) {
		kz_verdict v = kz_verdict_parse(o.verdict);

		if (v == KZ_VERDICT_NONE || (v == KZ_VERDICT_CORRECT &&
		    (o.speaker == NULL || !*o.speaker) && o.span_start < 0)) {
			kz_msg(stderr, "kz-review: VERDICT is accept, reject or correct"
			    " (with --speaker or --span), not '%s'\n", o.verdict);
			return KZ_EXIT_USAGE;
		}
		if (o.span_start >= 0 && (v != KZ_VERDICT_CORRECT ||
		    strcmp(o.rule, KZ_DECISION_SPEAKER) != 0)) {
			kz_msg(stderr, "kz-review: --span corrects a quote: it goes"
			    " with RULE speaker and VERDICT correct\n");
			return KZ_EXIT_USAGE;
		}
	}
	kz_buf_init(&dbpath);
	if (o.db)
		kz_buf_adds(&dbpath, o.db);
	else
		kz_review_default_db(&dbpath, o.results);
	if (kz_review_queue_load(&q, o.results, &err) != 0) {
		kz_error_format(&err, msg, sizeof msg);
		kz_msg(stderr, "kz-review: %s\n", msg);
		kz_buf_release(&dbpath);
		return err.line ? KZ_EXIT_DATAERR : KZ_EXIT_NOINPUT;
	}
	if ((d = kz_decisions_open(dbpath.data, 0, &err)) == NULL) {
		rc = KZ_EXIT_CONFIG;
		goto fail;
	}
	if (o.mode == MODE_SERVE) {
		if ((rc = serve(&o, &q, d, &err)) != KZ_EXIT_OK)
			goto fail;
	} else if (o.mode == MODE_LIST) {
		list_queue(&q, d);
	} else if (o.mode == MODE_EXPORT) {
		rc = kz_review_export(d, o.export_path, o.jsonl, &err);
		if (rc != 0) {
			rc = KZ_EXIT_IOERR;
			goto fail;
		}
	} else {
		kz_review_item *it = kz_review_queue_find(&q, o.id, o.rule,
		    o.start, o.end);
		kz_correction corr = { o.speaker && *o.speaker ? o.speaker : NULL,
		    o.span_start, o.span_end };

		if (it == NULL) {
			kz_msg(stderr, "kz-review: no item %s %s %ld-%ld in %s (see"
			    " --list)\n", o.id, o.rule, o.start, o.end, o.results);
			rc = KZ_EXIT_USAGE;
		} else if (o.mode == MODE_DECIDE && o.span_start >= 0 &&
		    !kz_decision_span_ok(it->rec, o.span_start, o.span_end)) {
			kz_msg(stderr, "kz-review: --span %ld:%ld is not inside the"
			    " text of %s\n", o.span_start, o.span_end, o.id);
			rc = KZ_EXIT_USAGE;
		} else if (o.mode == MODE_DECIDE ?
		    kz_decisions_decide(d, &it->key, kz_verdict_parse(o.verdict),
		    &corr, o.note, o.editor, &err) != 0 :
		    kz_decisions_undo(d, &it->key, &err) < 0) {
			rc = KZ_EXIT_CONFIG;
			goto fail;
		}
	}
	kz_decisions_close(d);
	kz_review_queue_release(&q);
	kz_buf_release(&dbpath);
	return rc;
fail:
	kz_error_format(&err, msg, sizeof msg);
	kz_msg(stderr, "kz-review: %s\n", msg);
	kz_decisions_close(d);
	kz_review_queue_release(&q);
	kz_buf_release(&dbpath);
	return rc;
}
