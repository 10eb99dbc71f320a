/*
 * fuzz_input - kz-normalize's input reader (input.h): bytes arriving
 * through a real pipe in pieces of any size, read as kz-normalize reads
 * standard input (the first line, then the rest), and the JSON Lines
 * detection on what came.
 *
 * Input: one byte choosing the writer's piece size and the limit, then
 * the stream. Invariants: what is read is always the stream's first bytes,
 * and all of them when the limit allows (no byte lost, whatever the
 * pace); detection says JSON Lines only when the first byte after a BOM
 * and blanks is '{', and is unsure only then, never together with yes.
 */
#include "fuzz_common.h"

#include "input.h"

#include <pthread.h>

typedef struct writer {
	int fd;
	const uint8_t *data;
	size_t len, piece;
} writer;

static void *
write_pieces(void *arg)
{
	writer *w = arg;

	for (size_t i = 0; i < w->len; i += w->piece) {
		size_t n = w->len - i < w->piece ? w->len - i : w->piece;

		if (write(w->fd, w->data + i, n) != (ssize_t)n)
			break;
	}
	close(w->fd);
	return NULL;
}

static size_t
first_content(const uint8_t *s, size_t len)
{
	size_t i = len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r'))
		i++;
	return i;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t pieces[] = { 1, 3, 100, 4096 };
	static const size_t limits[] = { 16, 200, 1 << 20, 1 << 20 };
	int fds[2], rc, unsure = 0, yes;
	pthread_t t;
	writer w;
	kz_buf b;
	size_t limit, c;

	if (size < 1)
		return 0;
	w.piece = pieces[data[0] & 3];
	limit = limits[(data[0] >> 2) & 3];
	w.data = data + 1;
	w.len = size - 1;
	if (pipe(fds) != 0)
		abort();
	w.fd = fds[1];
	if (pthread_create(&t, NULL, write_pieces, &w) != 0)
		abort();
	kz_buf_init(&b);
	rc = kz_read_first_line(fds[0], &b, limit);
	if (rc < 0)
		fuzz_fail("read error on a pipe", NULL);
	if (b.len > w.len || memcmp(b.data, w.data, b.len) != 0)
		fuzz_fail("the first line read is not the stream's first bytes", NULL);
	yes = kz_looks_like_jsonl(b.data, b.len, rc > 0, &unsure);
	c = first_content((const uint8_t *)b.data, b.len);
	if ((yes || unsure) && (c >= b.len || b.data[c] != '{'))
		fuzz_fail("JSON Lines (or unsure) without a '{' first", NULL);
	if (yes && unsure)
		fuzz_fail("sure and unsure at once", NULL);
	if (rc == 0) {
		rc = kz_read_all(fds[0], &b, limit);
		if (rc < 0)
			fuzz_fail("read error on a pipe", NULL);
		if (b.len > w.len || memcmp(b.data, w.data, b.len) != 0)
			fuzz_fail("the article read is not the stream's first bytes",
			    NULL);
		if (rc == 0 && b.len != w.len)
			fuzz_fail("bytes lost: the article read is short", NULL);
	}
	/* drain, so the writer ends whatever the limit left unread */
	{
		char sink[4096];

		while (kz_read_some(fds[0], sink, sizeof sink) > 0)
			;
	}
	pthread_join(t, NULL);
	close(fds[0]);
	kz_buf_release(&b);
	return 0;
}
