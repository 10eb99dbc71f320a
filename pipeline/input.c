/*
 * input.c - how kz-normalize's input is read: one reader per descriptor,
 * and whether the bytes are JSON Lines or one raw article.
 */
#include "input.h"

#include "jsonline.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* read(2) on fd, again when a signal cut it short. Every read of an
 * input goes through its descriptor: the stage reader reads it that way
 * after the first line, and bytes that stdio had buffered would be lost
 * (a writer that pauses after a few bytes made exactly that happen). */
ssize_t
kz_read_some(int fd, char *buf, size_t n)
{
	ssize_t got;

	do
		got = read(fd, buf, n);
	while (got < 0 && errno == EINTR);
	return got;
}

/* Read fd into b, up to limit bytes: 0, 1 when there was more (b then
 * holds more than limit bytes), -1 on a read error. */
int
kz_read_all(int fd, kz_buf *b, size_t limit)
{
	char chunk[1 << 16];
	ssize_t n;

	while ((n = kz_read_some(fd, chunk, sizeof chunk)) > 0) {
		kz_buf_add(b, chunk, (size_t)n);
		if (b->len > limit)
			return 1;
	}
	return n < 0 ? -1 : 0;
}

/* Read from fd until b holds a whole first non-blank line (or fd ends): 0,
 * 1 when the first line passes limit, -1 on a read error. b may hold more than
 * the first line: whatever the last read brought. */
int
kz_read_first_line(int fd, kz_buf *b, size_t limit)
{
	char chunk[1 << 16];
	size_t i = 0, from = 0;
	ssize_t n;

	for (;;) {
		/* blank lines before it do not count; each byte looked at once */
		while (i < b->len && (b->data[i] == ' ' || b->data[i] == '\t' ||
		    b->data[i] == '\n' || b->data[i] == '\r'))
			i++;
		if (from < i)
			from = i;
		if (from < b->len && memchr(b->data + from, '\n', b->len - from))
			return 0;
		from = b->len;
		if (b->len > limit)
			return 1;
		n = kz_read_some(fd, chunk, sizeof chunk);
		if (n <= 0)
			return n < 0 ? -1 : 0;
		kz_buf_add(b, chunk, (size_t)n);
	}
}

static int
build_nothing(const char *top, size_t top_len, const char *key, size_t len,
    void *unused)
{
	return 0;
}

/* How standard input reads: JSON Lines when its first non-blank byte
 * (after a byte order mark) is '{' and its first line parses as an object,
 * or is too long to tell (the reader then says so). When it starts with
 * '{' but is no object, it is read as one raw article and *unsure says so:
 * the caller tells the user, and every byte is kept either way. */
int
kz_looks_like_jsonl(const char *s, size_t len, int first_line_too_long,
    int *unsure)
{
	size_t i = 0, e;
	kz_json_members m;
	json_t *v;
	int yes;

	*unsure = 0;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r'))
		i++;
	if (i >= len || s[i] != '{')
		return 0;
	if (first_line_too_long)
		return 1;
	for (e = i; e < len && s[e] != '\n'; e++)
		;
	/* parsed as the stage reader will, building nothing: a number too
	 * large to build is no reason to take JSON Lines for raw text */
	memset(&m, 0, sizeof m);
	v = kz_json_parse_members(s + i, e - i, build_nothing, NULL, &m);
	kz_json_members_release(&m);
	yes = v != NULL;
	json_decref(v);
	*unsure = !yes;
	return yes;
}
