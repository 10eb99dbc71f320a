/*
 * gazimage_int.h - private to gazimage.c (reading the compiled gazetteer)
 * and gazbuild.c (writing it): the byte-level accessors and the hashes
 * both sides of the format must agree on. Not for other modules.
 */
#ifndef KZ_GAZIMAGE_INT_H
#define KZ_GAZIMAGE_INT_H

#include "gazimage.h"
#include "strmap.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HDR KZ_GAZIMAGE_HEADER
#define SHIFT KZ_GAZIMAGE_BLOCK_SHIFT
#define BLOCK KZ_GAZIMAGE_BLOCK
#define PREFIX_BIT 0x80000000u
#define NFIELDS 10              /* string fields of an entry */

/* Reads and writes through memcpy: the image has no declared types and a
 * mapped file promises no alignment the compiler could rely on. */
static inline uint32_t
rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t
rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline void
wr32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static inline void
wr64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Table hashes: FNV-1a, so a key's hash grows token by token while
 * matching, finished by a 64-bit mixer so every bit is usable. It is the
 * hash strmap.h gives each token (kz_token.hash), which matching starts
 * from. */
#define FNV_OFF 1469598103934665603ULL
_Static_assert(FNV_OFF == KZ_HASH_START, "token hashes are FNV-1a");

static inline uint64_t
fnv(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static inline uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static inline uint64_t
str_hash(const char *s, size_t n)
{
	return mix(fnv(FNV_OFF, s, n));
}

static inline uint64_t
role_hash(const char *title, const char *of)
{
	/* 0xff and 0xfe never occur in UTF-8 */
	uint64_t h = fnv(FNV_OFF, title, strlen(title));

	if (of) {
		h = fnv(h, "\xff", 1);
		h = fnv(h, of, strlen(of));
	} else {
		h = fnv(h, "\xfe", 1);
	}
	return mix(h);
}

static inline size_t
filter_bit(uint64_t h, size_t nbits)
{
	return (size_t)(h >> 17) & (nbits - 1);
}

static inline unsigned
popcount32(uint32_t x)
{
	unsigned n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

/* Table sizes: a power of two, at least 16. */
static inline size_t
pow2_at_least(size_t x)
{
	size_t p = 16;

	while (p < x)
		p *= 2;
	return p;
}

#endif
