/*
 * journal.h - the append-only journals kz-run keeps in its output folder
 * (.kz-failed, .kz-made): one line per change, NAME TAB VALUE, the last
 * line for a name wins, a value of "" forgets the name. NAME is escaped
 * as kz_esc_add(KZ_ESC_BACKSLASH) escapes it (no raw tab or newline, and
 * every name reads back byte for byte); VALUE is the caller's, with no
 * newline. A torn last line (a run killed while appending) is not read.
 *
 * Parsing and formatting only: opening, mending and appending to the file
 * stay with kz-run (runner.c), which refuses links and foreign files.
 *
 * Ownership: a kz_journal owns its names and values; kz_journal_get
 * returns a pointer into it, valid until the next set or release.
 */
#ifndef KZ_JOURNAL_H
#define KZ_JOURNAL_H

#include "buf.h"

#include <stddef.h>

typedef struct kz_journal {
	struct kz_strmap *map;  /* name -> index */
	char **names, **values;
	size_t n, cap;
	size_t lines;           /* whole lines read by kz_journal_parse */
} kz_journal;

void kz_journal_init(kz_journal *j);
void kz_journal_release(kz_journal *j);

/* Read the lines of data[0..len); returns how many bytes the whole lines
 * take (up to a torn last line, which is left out). */
size_t kz_journal_parse(kz_journal *j, const char *data, size_t len);

/* The value for name, or NULL (never set, or forgotten). */
const char *kz_journal_get(const kz_journal *j, const char *name);
void kz_journal_set(kz_journal *j, const char *name, const char *value);

/* Append the line that records name = value. */
void kz_journal_line(kz_buf *out, const char *name, const char *value);

/* Append one line per name still set (a compacted journal). */
void kz_journal_dump(const kz_journal *j, kz_buf *out);

/* Whether the journal is mostly stale lines (worth compacting). */
int kz_journal_stale(const kz_journal *j);

#endif
