/*
 * review_export.c - decisions exported as CSV or JSON Lines
 * (review_export.h).
 */
#include "review_export.h"

#include "buf.h"
#include "csv.h"
#include "record.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void
kz_review_default_db(kz_buf *out, const char *results)
{
	struct stat st;

	if (stat(results, &st) == 0 && S_ISDIR(st.st_mode))
		kz_buf_addf(out, "%s/.kz-review.db", results);
	else
		kz_buf_addf(out, "%s.kz-review.db", results);
}

static void
json_member(kz_buf *b, const char *name, const char *value)
{
	kz_buf_addf(b, ",\"%s\":", name);
	if (value)
		kz_json_add_string(b, value, strlen(value));
	else
		kz_buf_adds(b, "null");
}

static int
add_row(const kz_decision_key *k, const kz_decision *dec, void *arg)
{
	kz_buf *b = ((kz_buf **)arg)[0];
	int jsonl = ((kz_buf **)arg)[1] != NULL;
	char hash[17];

	snprintf(hash, sizeof hash, "%016" PRIx64, k->text_hash);
	if (jsonl) {
		kz_buf_adds(b, "{\"id\":");
		kz_json_add_string(b, k->article, strlen(k->article));
		json_member(b, "text_hash", hash);
		json_member(b, "rule", k->rule);
		kz_buf_addf(b, ",\"start\":%ld,\"end\":%ld", k->start, k->end);
		json_member(b, "decision", kz_verdict_name(dec->verdict));
		json_member(b, "correction", dec->correction);
		if (dec->span_start >= 0)
			kz_buf_addf(b, ",\"span_start\":%ld,\"span_end\":%ld",
			    dec->span_start, dec->span_end);
		else
			kz_buf_adds(b, ",\"span_start\":null,\"span_end\":null");
		json_member(b, "note", dec->note);
		json_member(b, "editor", dec->editor);
		json_member(b, "time", dec->time);
		kz_buf_adds(b, "}\n");
		return 0;
	}
	kz_csv_adds(b, k->article, 1);
	kz_csv_adds(b, hash, 0);
	kz_csv_adds(b, k->rule, 0);
	kz_csv_add_long(b, k->start, 0);
	kz_csv_add_long(b, k->end, 0);
	kz_csv_adds(b, kz_verdict_name(dec->verdict), 0);
	kz_csv_adds(b, dec->correction, 0);
	if (dec->span_start >= 0) {
		kz_csv_add_long(b, dec->span_start, 0);
		kz_csv_add_long(b, dec->span_end, 0);
	} else {
		kz_csv_adds(b, NULL, 0);        /* no span corrected */
		kz_csv_adds(b, NULL, 0);
	}
	kz_csv_adds(b, dec->note, 0);
	kz_csv_adds(b, dec->editor, 0);
	kz_csv_adds(b, dec->time, 0);
	kz_csv_end(b);
	return 0;
}

int
kz_review_export(kz_decisions *d, const char *path, int jsonl, kz_error *err)
{
	kz_buf b;
	kz_buf *args[2] = { &b, jsonl ? &b : NULL };
	FILE *f;
	int rc = 0;

	kz_buf_init(&b);
	if (!jsonl) {
		kz_buf_adds(&b, "id,text_hash,rule,start,end,decision,correction,"
		    "span_start,span_end,note,editor,time");
		kz_csv_end(&b);
	}
	if (kz_decisions_each(d, add_row, args, err) != 0) {
		kz_buf_release(&b);
		return -1;
	}
	f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (f == NULL) {
		kz_buf_release(&b);
		return kz_error_set(err, path, 0, 0, "cannot write: %s",
		    strerror(errno));
	}
	if (fwrite(b.data, 1, b.len, f) != b.len)
		rc = -1;
	if (f == stdout ? fflush(f) != 0 : fclose(f) != 0)
		rc = -1;
	if (rc != 0)
		kz_error_set(err, path, 0, 0, "cannot write: %s", strerror(errno));
	kz_buf_release(&b);
	return rc;
}
