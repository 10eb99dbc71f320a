#include "tokens.h"

#include "strmap.h"

#include "buf.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

/* Folded ASCII bytes that belong to words: a-z and 0-9. */
static const unsigned char ascii_word[128] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1
};

/* The length of the word starting at s[i] (0: none), and its hash
 * (kz_hash_bytes) made on the way. Folded non-ASCII bytes are letters,
 * except the few symbols folding leaves (U+FFFD, ©, °, ...): any
 * non-letter code point is a break. */
static size_t
word_len_hash(const char *s, size_t len, size_t i, uint64_t *hash)
{
	size_t j = i;
	uint64_t h = KZ_HASH_START;

	while (j < len) {
		unsigned char c = (unsigned char)s[j];

		if (c < 0x80) {
			if (!ascii_word[c])
				break;
			h = kz_hash_step(h, c);
			j++;
		} else {
			int32_t cp;
			size_t n = kz_utf8_decode((const unsigned char *)s + j,
			    len - j, &cp);

			if (n == 0 || !(kz_cp_is_letter(cp) || kz_cp_is_digit(cp)))
				break;
			for (size_t k = 0; k < n; k++)
				h = kz_hash_step(h, s[j + k]);
			j += n;
		}
	}
	*hash = h;
	return j - i;
}

/* Whether a word starts at s[i]. */
static int
word_starts(const char *s, size_t len, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	int32_t cp;

	if (c < 0x80)
		return ascii_word[c];
	return kz_utf8_decode((const unsigned char *)s + i, len - i, &cp) > 0 &&
	    (kz_cp_is_letter(cp) || kz_cp_is_digit(cp));
}

void
kz_tokens_init(kz_tokens *t, const kz_folder *f, const char *src, size_t len)
{
	size_t cap, i = 0;
	const char *ft;
	size_t flen;

	memset(t, 0, sizeof *t);
	t->src = src;
	t->srclen = len;
	kz_fold(f, src, len, &t->folded);
	ft = t->folded.text;
	flen = t->folded.len;
	/* a token and its separator take two bytes at least; the rules
	 * loaders tokenize thousands of short phrases, and an 8 KiB array
	 * for each was a third of a stage's start-up in malloc and free */
	cap = flen / 2 + 2 < 256 ? flen / 2 + 2 : 256;
	t->tok = kz_malloc(cap * sizeof *t->tok);
	while (i < flen) {
		uint64_t hash;
		size_t n = word_len_hash(ft, flen, i, &hash);
		kz_token *k;

		if (n == 0) {
			i += kz_utf8_next(ft, flen, i);
			continue;
		}
		if (t->n == cap) {
			cap *= 2;
			t->tok = kz_realloc(t->tok, cap * sizeof *t->tok);
		}
		k = &t->tok[t->n++];
		k->fstart = (uint32_t)i;
		k->fend = (uint32_t)(i + n);
		k->hash = hash;
		k->sstart = t->folded.map[i];
		k->send = (uint32_t)kz_folded_src_end(&t->folded, src, len, i + n);
		k->flags = 0;
		{
			int32_t cp;
			size_t s = k->sstart, letters = 0, upper = 0;

			kz_utf8_decode((const unsigned char *)src + s, len - s, &cp);
			if (kz_cp_is_upper(cp))
				k->flags |= KZ_TOK_UPPER;
			if (kz_cp_is_digit(cp))
				k->flags |= KZ_TOK_DIGIT;
			/* a word that starts in lower case is not in capitals */
			else if (!(k->flags & KZ_TOK_UPPER) && kz_cp_is_letter(cp))
				s = k->send;
			while (s < k->send) {
				unsigned char c = (unsigned char)src[s];
				size_t m;

				if (c < 0x80) {     /* most letters are ASCII */
					if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
						letters++;
						upper += c <= 'Z';
					}
					s++;
					continue;
				}
				m = kz_utf8_decode((const unsigned char *)src + s,
				    len - s, &cp);
				if (m == 0)
					m = 1;
				if (kz_cp_is_letter(cp)) {
					letters++;
					upper += kz_cp_is_upper(cp);
				}
				s += m;
			}
			if (letters > 1 && upper == letters)
				k->flags |= KZ_TOK_ALLCAPS;
		}
		i += n;
		/* what separates this token from the next */
		{
			size_t j = i, spaces = 0, other = 0, apos = 0;

			while (j < flen && !word_starts(ft, flen, j)) {
				char c = ft[j];

				if (c == ' ' && src[t->folded.map[j]] != '\n')
					spaces++;
				else if (c == '\'')
					apos++;
				else if (c == '-' || c == '&')
					other++;   /* Kassym-Jomart, Procter & Gamble */
				else
					other += 100;
				j += kz_utf8_next(ft, flen, j);
			}
			if (j - i == 1 && ft[i] == '\'')
				k->flags |= KZ_TOK_ELIDED;
			if (j < flen && other <= 1 && apos <= 1 && spaces <= 3 &&
			    other + apos + spaces > 0)
				k->flags |= KZ_TOK_JOINS;
			i = j;          /* the next word, or the end */
		}
	}
}

void
kz_tokens_release(kz_tokens *t)
{
	kz_folded_release(&t->folded);
	free(t->tok);
	memset(t, 0, sizeof *t);
}

size_t
kz_tokens_at(const kz_tokens *t, size_t at)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->tok[mid].sstart < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
kz_token_is(const kz_tokens *t, size_t i, const char *word)
{
	size_t n = strlen(word);

	return i < t->n && t->tok[i].fend - t->tok[i].fstart == n &&
	    memcmp(t->folded.text + t->tok[i].fstart, word, n) == 0;
}

void
kz_tokens_key(const kz_tokens *t, size_t i, size_t j, char **key, size_t *len)
{
	kz_buf b;

	kz_buf_init(&b);
	for (size_t k = i; k < j; k++) {
		if (k > i)
			kz_buf_addc(&b, ' ');
		kz_buf_add(&b, t->folded.text + t->tok[k].fstart,
		    t->tok[k].fend - t->tok[k].fstart);
	}
	*key = kz_buf_detach(&b, len);
}

/* The words of kz_tokens_init, without the tokens: the rules loaders
 * make thousands of keys at every start, and need neither the flags nor
 * the offsets. The key is made in the folded text's own buffer: each
 * word moves left, or stays. */
char *
kz_key_of(const kz_folder *f, const char *s, size_t *ntokens)
{
	kz_buf b;
	size_t i = 0, n = 0, o = 0;

	kz_buf_init(&b);
	kz_fold_append(f, s, strlen(s), &b);
	while (i < b.len) {
		uint64_t hash;
		size_t w = word_len_hash(b.data, b.len, i, &hash);

		if (w == 0) {
			i += kz_utf8_next(b.data, b.len, i);
			continue;
		}
		if (n++ > 0)
			b.data[o++] = ' ';
		memmove(b.data + o, b.data + i, w);
		o += w;
		i += w;
	}
	b.len = o;
	b.data[o] = '\0';
	if (ntokens)
		*ntokens = n;
	return kz_buf_detach(&b, NULL);
}
