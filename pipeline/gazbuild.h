/*
 * gazbuild.h - compile gazetteer entries into an image (gazimage.h), one
 * entry at a time.
 *
 * Each kz_entry is turned into the image's compact form (its strings
 * interned into the image, its record as it will lie in the file) as soon
 * as it is added, and may be freed right after; so a loader that reads
 * its YAML one entry at a time (gazetteer.c) never holds more than one
 * entry's tree, and a gazetteer of ten million entries compiles in about
 * one and a half times the size of its image. Time is linear in the
 * entries (hash tables throughout).
 *
 * The image is a pure function of the entries added, in their order:
 * byte for byte the same whatever the memory or the machine.
 *
 * Ownership: the kz_gazbuild owns everything it holds, and copies what it
 * is given. kz_gazbuild_finish hands the image to the caller and frees
 * the builder; kz_gazbuild_free abandons a build.
 */
#ifndef KZ_GAZBUILD_H
#define KZ_GAZBUILD_H

#include "error.h"
#include "fold.h"
#include "gazetteer.h"
#include "gazimage.h"

#include <stddef.h>
#include <stdint.h>

typedef struct kz_gazbuild kz_gazbuild;

/* A build of entries from nfiles source files (at most 65 535); f folds
 * demonyms into keys and must outlive the build. */
kz_gazbuild *kz_gazbuild_new(const kz_folder *f, uint32_t nfiles);
void kz_gazbuild_free(kz_gazbuild *b);

/* The entry already added with this id: 1 and *entry, else 0. */
int kz_gazbuild_find_id(const kz_gazbuild *b, const char *id,
    uint32_t *entry);
/* Where entry i (< count) came from: its file index and line. */
void kz_gazbuild_where(const kz_gazbuild *b, uint32_t i, uint32_t *file,
    long *line);
size_t kz_gazbuild_count(const kz_gazbuild *b);

/* Add e, read from source file `file` (< nfiles); e stays the caller's.
 * e must have an id, a type and a name, and an id not added before
 * (kz_gazbuild_find_id first, to say which entry has it). -1 with err
 * when it has not, or when the image would pass 4 GiB; the build must
 * then be abandoned. */
int kz_gazbuild_add(kz_gazbuild *b, const kz_entry *e, uint32_t file,
    kz_error *err);

/* Finish the image, keyed `key` (gazcache.h), into *out: a trusted heap
 * image (kz_gazimage_release frees it). b is freed whatever the outcome.
 * -1 with err when the image would pass 4 GiB. */
int kz_gazbuild_finish(kz_gazbuild *b, uint64_t key, kz_gazimage *out,
    kz_error *err);

#endif
