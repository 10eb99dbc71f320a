#include "journal.h"

#include "esc.h"
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

void
kz_journal_init(kz_journal *j)
{
	memset(j, 0, sizeof *j);
	j->map = kz_strmap_new();
}

void
kz_journal_release(kz_journal *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->names[i]);
		free(j->values[i]);
	}
	free(j->names);
	free(j->values);
	if (j->map)
		kz_strmap_free(j->map);
	memset(j, 0, sizeof *j);
}

const char *
kz_journal_get(const kz_journal *j, const char *name)
{
	intptr_t k;

	if (!kz_strmap_get(j->map, name, strlen(name), &k) || !j->values[k][0])
		return NULL;
	return j->values[k];
}

void
kz_journal_set(kz_journal *j, const char *name, const char *value)
{
	intptr_t k;

	if (kz_strmap_get(j->map, name, strlen(name), &k)) {
		free(j->values[k]);
		j->values[k] = kz_strdup(value);
		return;
	}
	if (j->n == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 64;
		j->names = kz_realloc(j->names, j->cap * sizeof *j->names);
		j->values = kz_realloc(j->values, j->cap * sizeof *j->values);
	}
	j->names[j->n] = kz_strdup(name);
	j->values[j->n] = kz_strdup(value);
	kz_strmap_put(j->map, name, strlen(name), (intptr_t)j->n);
	j->n++;
}

size_t
kz_journal_parse(kz_journal *j, const char *data, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *line = data + i, *nl = memchr(line, '\n', len - i), *tab;
		size_t n;

		if (nl == NULL)
			break;      /* torn: the run writing it was killed */
		n = (size_t)(nl - line);
		tab = memchr(line, '\t', n);
		if (tab && tab > line) {
			kz_buf name, value;

			kz_buf_init(&name);
			kz_buf_init(&value);
			kz_esc_unescape(&name, line, (size_t)(tab - line));
			kz_buf_add(&value, tab + 1, (size_t)(nl - tab - 1));
			kz_journal_set(j, name.data, value.data ? value.data : "");
			kz_buf_release(&name);
			kz_buf_release(&value);
			j->lines++;
		}
		i += n + 1;
	}
	return i;
}

void
kz_journal_line(kz_buf *out, const char *name, const char *value)
{
	kz_esc_add(out, name, strlen(name), KZ_ESC_BACKSLASH);
	kz_buf_addc(out, '\t');
	kz_buf_adds(out, value);
	kz_buf_addc(out, '\n');
}

void
kz_journal_dump(const kz_journal *j, kz_buf *out)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->values[i][0])
			kz_journal_line(out, j->names[i], j->values[i]);
}

int
kz_journal_stale(const kz_journal *j)
{
	return j->lines > 2 * j->n + 64;
}
