/*
 * fold.h - folding text for matching: case, diacritics, apostrophes,
 * quotation marks, dashes and spaces, with a map back to the source.
 *
 * "Kassym-Jomart Tokaïev", "KASSYM–JOMART TOKAIEV" and "kassym-jomart
 * tokaiev" fold alike; ’ ‘ ʼ become ', « » “ ” ‹ › become ", every dash
 * becomes -, every space becomes a plain space, œ becomes oe. Matching is
 * then byte-exact on the folded text, and every offset found there is
 * mapped back to the source bytes before it is reported.
 *
 * The folder is built once per program (a table for the Latin, Greek and
 * Cyrillic ranges, so folding is a table look-up, not a utf8proc call, for
 * nearly every character) and is read-only afterwards.
 */
#ifndef KZ_FOLD_H
#define KZ_FOLD_H

#include <stddef.h>
#include <stdint.h>

typedef struct kz_folder kz_folder;

kz_folder *kz_folder_new(void);
void kz_folder_free(kz_folder *f);

typedef struct kz_folded {
	char *text;      /* folded UTF-8, NUL-terminated, owned */
	size_t len;
	uint32_t *map;   /* len + 1 entries: source byte where the character
	                    that produced each folded byte starts; map[len] is
	                    the source length. Owned. */
} kz_folded;

/* Fold s[0..len) (valid UTF-8). */
void kz_fold(const kz_folder *f, const char *s, size_t len, kz_folded *out);
void kz_folded_release(kz_folded *out);
/* The text kz_fold makes, without the map, appended to out. */
struct kz_buf;
void kz_fold_append(const kz_folder *f, const char *s, size_t len,
    struct kz_buf *out);

/* Source byte offset just past the folded range that ends at fend. */
size_t kz_folded_src_end(const kz_folded *out, const char *src, size_t srclen,
    size_t fend);

/* Fold a NUL-terminated string; the caller frees the result. */
char *kz_fold_string(const kz_folder *f, const char *s);

/* Fold one code point into out (at most 16 bytes); returns its length. */
size_t kz_fold_cp(const kz_folder *f, int32_t cp, char *out);

/* Character classes on source code points, used by every tokenizer. */
int kz_cp_is_letter(int32_t cp);
int kz_cp_is_upper(int32_t cp);
int kz_cp_is_lower(int32_t cp);
int kz_cp_is_digit(int32_t cp);
int kz_cp_is_space(int32_t cp);
int kz_cp_is_apostrophe(int32_t cp);
int kz_cp_is_dash(int32_t cp);

#endif
