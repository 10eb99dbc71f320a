#include "strmap.h"

#include "buf.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot {
	char *key;
	size_t len;
	uint64_t hash;
	intptr_t value;
} slot;

/* filter has 8 bits per slot, one set for each key's hash: a lookup of
 * a word that is not there (most lookups, when every word of a text is
 * looked up) usually ends on one bit of this small array without
 * touching the 32-byte slots. */
/* Keys are never removed, so they are copied into chunks, many keys to
 * one allocation: loading the rules puts some twenty thousand keys into
 * maps at each start, and a malloc and a free for each was a tenth of
 * it. */
typedef struct chunk {
	struct chunk *next;
	size_t used, cap;
	char bytes[];
} chunk;

enum { CHUNK_BYTES = 4096 - sizeof(chunk) };

struct kz_strmap {
	slot *slots;
	uint64_t *filter;
	size_t cap;     /* power of two */
	size_t count;
	chunk *keys;    /* the newest first */
};

/* A NUL-terminated copy of key[0..len) that lives as long as m. */
static char *
key_copy(kz_strmap *m, const char *key, size_t len)
{
	chunk *c = m->keys;
	char *out;

	if (c == NULL || c->cap - c->used < len + 1) {
		/* small at first: the maps made for one record hold few keys */
		size_t cap = c == NULL ? 240 : c->cap * 2 > CHUNK_BYTES ?
		    CHUNK_BYTES : c->cap * 2;

		if (cap < len + 1)
			cap = len + 1;

		c = kz_malloc(sizeof *c + cap);
		c->used = 0;
		c->cap = cap;
		/* an oversized key's chunk goes behind the current one, which
		 * keeps its room for the next small keys */
		if (cap > CHUNK_BYTES && m->keys) {
			c->next = m->keys->next;
			m->keys->next = c;
		} else {
			c->next = m->keys;
			m->keys = c;
		}
	}
	out = c->bytes + c->used;
	memcpy(out, key, len);
	out[len] = '\0';
	c->used += len + 1;
	return out;
}

static size_t
filter_bit(const kz_strmap *m, uint64_t h)
{
	/* FNV-1a's high bits are the best mixed; slots use the low ones */
	return (size_t)(h >> 32) & (m->cap * 8 - 1);
}

static void
filter_add(kz_strmap *m, uint64_t h)
{
	size_t b = filter_bit(m, h);

	m->filter[b >> 6] |= 1ULL << (b & 63);
}

static int
filter_maybe(const kz_strmap *m, uint64_t h)
{
	size_t b = filter_bit(m, h);

	return (m->filter[b >> 6] >> (b & 63)) & 1;
}

uint64_t
kz_hash_bytes(const char *s, size_t len)
{
	uint64_t h = KZ_HASH_START;

	for (size_t i = 0; i < len; i++)
		h = kz_hash_step(h, s[i]);
	return h;
}

kz_strmap *
kz_strmap_new(void)
{
	kz_strmap *m = kz_calloc(1, sizeof *m);

	m->cap = 64;
	m->slots = kz_calloc(m->cap, sizeof *m->slots);
	m->filter = kz_calloc(m->cap / 8, sizeof *m->filter);
	return m;
}

void
kz_strmap_free(kz_strmap *m)
{
	if (m == NULL)
		return;
	while (m->keys) {
		chunk *next = m->keys->next;

		free(m->keys);
		m->keys = next;
	}
	free(m->slots);
	free(m->filter);
	free(m);
}

static slot *
find(const kz_strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	for (;;) {
		slot *s = &m->slots[i];

		if (s->key == NULL)
			return s;
		if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
			return s;
		i = (i + 1) & (m->cap - 1);
	}
}

static void
grow(kz_strmap *m)
{
	slot *old = m->slots;
	size_t oldcap = m->cap;

	m->cap *= 2;
	m->slots = kz_calloc(m->cap, sizeof *m->slots);
	free(m->filter);
	m->filter = kz_calloc(m->cap / 8, sizeof *m->filter);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key) {
			slot *s = find(m, old[i].key, old[i].len, old[i].hash);
			*s = old[i];
			filter_add(m, old[i].hash);
		}
	free(old);
}

void
kz_strmap_put(kz_strmap *m, const char *key, size_t len, intptr_t value)
{
	uint64_t h = kz_hash_bytes(key, len);
	slot *s;

	if ((m->count + 1) * 2 > m->cap)
		grow(m);
	s = find(m, key, len, h);
	if (s->key == NULL) {
		s->key = key_copy(m, key, len);
		s->len = len;
		s->hash = h;
		filter_add(m, h);
		m->count++;
	}
	s->value = value;
}

int
kz_strmap_get(const kz_strmap *m, const char *key, size_t len, intptr_t *value)
{
	return kz_strmap_get_hashed(m, key, len, kz_hash_bytes(key, len), value);
}

int
kz_strmap_get_hashed(const kz_strmap *m, const char *key, size_t len,
    uint64_t hash, intptr_t *value)
{
	slot *s;

	if (!filter_maybe(m, hash))
		return 0;
	s = find(m, key, len, hash);
	if (s->key == NULL)
		return 0;
	if (value)
		*value = s->value;
	return 1;
}

void
kz_strmap_fill_filter(const kz_strmap *m, kz_hashfilter *f)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key != NULL)
			kz_hashfilter_add(f, m->slots[i].hash);
}

size_t
kz_strmap_size(const kz_strmap *m)
{
	return m->count;
}

/* ------------------------------------------------------------ as bytes
 *
 * u64 cap, u64 count, then per key in slot order: u64 slot, u64 hash,
 * i64 value, u64 length, the key's bytes padded to 8. */

static void
put64(kz_buf *b, uint64_t v)
{
	kz_buf_add(b, &v, 8);
}

void
kz_strmap_save(const kz_strmap *m, kz_buf *out)
{
	static const char zeros[8];

	put64(out, m->cap);
	put64(out, m->count);
	for (size_t i = 0; i < m->cap; i++) {
		const slot *s = &m->slots[i];

		if (s->key == NULL)
			continue;
		put64(out, i);
		put64(out, s->hash);
		put64(out, (uint64_t)s->value);
		put64(out, s->len);
		kz_buf_add(out, s->key, s->len);
		kz_buf_add(out, zeros, (8 - s->len % 8) % 8);
	}
}

static int
get64(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	if (end - *p < 8)
		return -1;
	memcpy(v, *p, 8);
	*p += 8;
	return 0;
}

kz_strmap *
kz_strmap_load(const unsigned char **p, const unsigned char *end)
{
	uint64_t cap, count;
	kz_strmap *m;

	if (get64(p, end, &cap) != 0 || get64(p, end, &count) != 0 ||
	    cap < 64 || cap > (1ULL << 40) || (cap & (cap - 1)) != 0 ||
	    count * 2 > cap)
		return NULL;
	m = kz_calloc(1, sizeof *m);
	m->cap = (size_t)cap;
	m->slots = kz_calloc(m->cap, sizeof *m->slots);
	m->filter = kz_calloc(m->cap / 8, sizeof *m->filter);
	for (uint64_t k = 0; k < count; k++) {
		uint64_t i, hash, value, len;
		slot *s;

		if (get64(p, end, &i) != 0 || get64(p, end, &hash) != 0 ||
		    get64(p, end, &value) != 0 || get64(p, end, &len) != 0 ||
		    i >= cap || m->slots[i].key != NULL ||
		    len > (uint64_t)(end - *p) || (len + 7) / 8 * 8 >
		    (uint64_t)(end - *p)) {
			kz_strmap_free(m);
			return NULL;
		}
		s = &m->slots[i];
		s->key = key_copy(m, (const char *)*p, (size_t)len);
		s->len = (size_t)len;
		s->hash = hash;
		s->value = (intptr_t)value;
		filter_add(m, hash);
		m->count++;
		*p += (len + 7) / 8 * 8;
	}
	return m;
}

int
kz_strmap_values_below(const kz_strmap *m, intptr_t limit)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key != NULL && (m->slots[i].value < 0 ||
		    m->slots[i].value >= limit))
			return 0;
	return 1;
}
