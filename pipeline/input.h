/*
 * input.h - reading kz-normalize's input: one reader per descriptor, and
 * telling JSON Lines from a raw article.
 *
 * Every read goes through the descriptor with read(2): a later reader of
 * the same descriptor sees every byte not yet in the caller's buffer,
 * whatever the writer's pace (stdio's buffer would hide some). The bytes
 * read land in a kz_buf the caller owns.
 */
#ifndef KZ_INPUT_H
#define KZ_INPUT_H

#include "buf.h"

#include <stddef.h>
#include <sys/types.h>

/* read(2), again when a signal cut it short. */
ssize_t kz_read_some(int fd, char *buf, size_t n);

/* Append what fd holds to b, up to limit bytes: 0; 1 when there was more
 * (b then holds more than limit bytes); -1 on a read error (errno). */
int kz_read_all(int fd, kz_buf *b, size_t limit);

/* Append to b until it holds a whole first non-blank line, or fd ends:
 * 0; 1 when the first line passes limit; -1 on a read error. b may hold
 * more than that line: whatever the last read brought. */
int kz_read_first_line(int fd, kz_buf *b, size_t limit);

/* 1 when s[0..len) (the first line of an input, at least) is JSON Lines:
 * its first non-blank byte, after a byte order mark, is '{' and the line
 * parses as an object as the stage reader parses it, or is too long to
 * tell (first_line_too_long). When it starts with '{' but is no object,
 * 0 with *unsure set: the caller says so, and keeps every byte. */
int kz_looks_like_jsonl(const char *s, size_t len, int first_line_too_long,
    int *unsure);

#endif
