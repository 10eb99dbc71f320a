/*
 * review_queue.c - the review queue of a batch (review_queue.h).
 */
#include "review_queue.h"

#include "buf.h"
#include "decisions_apply.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A quote an editor should check: its speaker rests on a pronoun, a role
 * description or an anaphora, or no speech verb introduces it. */
static int
weak_attribution(const json_t *q)
{
	const json_t *sp = json_object_get(q, "speaker");
	const char *via = json_string_value(json_object_get(sp, "via"));
	const char *kind = json_string_value(json_object_get(q, "kind"));

	if (!json_is_object(sp) || (kind && strcmp(kind, "scare") == 0))
		return 0;
	if (via && (strcmp(via, "pronoun") == 0 || strcmp(via, "role") == 0 ||
	    strcmp(via, "anaphora") == 0 || strcmp(via, "description") == 0))
		return 1;
	return via && strcmp(via, "editor") != 0 &&
	    !json_is_object(json_object_get(q, "cue"));
}

static int
severity_rank(const char *sev)
{
	if (sev && strcmp(sev, "error") == 0)
		return KZ_RANK_ERROR;
	if (sev && strcmp(sev, "warning") == 0)
		return KZ_RANK_WARNING;
	return KZ_RANK_INFO;
}

static void
add_item(kz_review_queue *q, size_t *cap, const kz_review_item *it)
{
	if (q->n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		q->items = kz_realloc(q->items, *cap * sizeof *q->items);
	}
	q->items[q->n] = *it;
	q->items[q->n].order = q->n;
	q->n++;
}

static void
add_record(kz_review_queue *q, size_t *cap, json_t *rec, const char *file,
    long line)
{
	json_t *a, *v;
	size_t i;
	kz_review_item it = { .rec = rec, .file = file, .line = line };

	json_array_foreach(json_object_get(rec, "flags"), i, v) {
		it.kind = KZ_ITEM_FLAG;
		it.item = v;
		it.rule = json_string_value(json_object_get(v, "rule"));
		it.severity = json_string_value(json_object_get(v, "severity"));
		if (it.severity == NULL)
			it.severity = "info";
		it.rank = severity_rank(it.severity);
		if (kz_decision_key_of(rec, v, it.rule, &it.key) == 0)
			add_item(q, cap, &it);
	}
	a = json_object_get(rec, "quotes");
	json_array_foreach(a, i, v) {
		if (!weak_attribution(v))
			continue;
		it.kind = KZ_ITEM_QUOTE;
		it.item = v;
		it.rule = KZ_DECISION_SPEAKER;
		it.severity = "weak";
		it.rank = KZ_RANK_WEAK;
		if (kz_decision_key_of(rec, v, it.rule, &it.key) == 0)
			add_item(q, cap, &it);
	}
}

static int
load_file(kz_review_queue *q, size_t *cap, const char *path, const char *name,
    kz_error *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t n = 0;
	ssize_t len;
	long lineno = 0;
	const char *kept;

	if (f == NULL)
		return kz_error_set(err, path, 0, 0, "cannot open: %s",
		    strerror(errno));
	q->files = kz_realloc(q->files, (q->nfiles + 1) * sizeof *q->files);
	kept = q->files[q->nfiles++] = kz_strdup(name);
	while ((len = getline(&line, &n, f)) > 0) {
		json_error_t jerr;
		json_t *rec;

		lineno++;
		if (strspn(line, " \t\r\n") == (size_t)len)
			continue;
		rec = json_loadb(line, (size_t)len, 0, &jerr);
		if (!json_is_object(rec)) {
			json_decref(rec);
			free(line);
			fclose(f);
			return kz_error_set(err, path, lineno, 0,
			    "not a kz/1 record: %s", jerr.text);
		}
		q->recs = kz_realloc(q->recs, (q->nrecs + 1) * sizeof *q->recs);
		q->recs[q->nrecs++] = rec;
		add_record(q, cap, rec, kept, lineno);
	}
	free(line);
	fclose(f);
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Worst first; stable within a rank (files, then text order). */
static int
by_rank(const void *a, const void *b)
{
	const kz_review_item *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	return x->order < y->order ? -1 : x->order > y->order;
}

int
kz_review_queue_load(kz_review_queue *q, const char *path, kz_error *err)
{
	struct stat st;
	size_t cap = 0;
	int rc = 0;

	memset(q, 0, sizeof *q);
	if (stat(path, &st) != 0)
		return kz_error_set(err, path, 0, 0, "cannot read: %s",
		    strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		DIR *dir = opendir(path);
		struct dirent *de;
		char **names = NULL;
		size_t nnames = 0;

		if (dir == NULL)
			return kz_error_set(err, path, 0, 0, "cannot read: %s",
			    strerror(errno));
		while ((de = readdir(dir)) != NULL) {
			size_t l = strlen(de->d_name);

			if (de->d_name[0] == '.' || l < 7 ||
			    strcmp(de->d_name + l - 6, ".jsonl") != 0)
				continue;
			names = kz_realloc(names, (nnames + 1) * sizeof *names);
			names[nnames++] = kz_strdup(de->d_name);
		}
		closedir(dir);
		qsort(names, nnames, sizeof *names, by_name);
		for (size_t i = 0; i < nnames; i++) {
			kz_buf p;
			struct stat fst;

			kz_buf_init(&p);
			kz_buf_addf(&p, "%s/%s", path, names[i]);
			/* lstat: a link could lead out of the folder */
			if (rc == 0 && lstat(p.data, &fst) == 0 &&
			    S_ISREG(fst.st_mode))
				rc = load_file(q, &cap, p.data, names[i], err);
			kz_buf_release(&p);
			free(names[i]);
		}
		free(names);
	} else {
		const char *base = strrchr(path, '/');

		rc = load_file(q, &cap, path, base ? base + 1 : path, err);
	}
	if (rc != 0) {
		kz_review_queue_release(q);
		return -1;
	}
	/* items point into records the arrays own; sorting moves items only */
	qsort(q->items, q->n, sizeof *q->items, by_rank);
	return 0;
}

void
kz_review_queue_release(kz_review_queue *q)
{
	for (size_t i = 0; i < q->nrecs; i++)
		json_decref(q->recs[i]);
	for (size_t i = 0; i < q->nfiles; i++)
		free(q->files[i]);
	free(q->recs);
	free(q->files);
	free(q->items);
	memset(q, 0, sizeof *q);
}

kz_review_item *
kz_review_queue_find(kz_review_queue *q, const char *article,
    const char *rule, long start, long end)
{
	for (size_t i = 0; i < q->n; i++) {
		kz_review_item *it = &q->items[i];

		if (it->key.start == start && it->key.end == end &&
		    strcmp(it->key.rule, rule) == 0 &&
		    strcmp(it->key.article, article) == 0)
			return it;
	}
	return NULL;
}
