/*
 * version.h - which kz and which data made a record (issue 18).
 *
 * kz_version is fixed at build time: `git describe --always --dirty` of
 * the tree that was built, else the Makefile's VERSION (a tarball, no
 * git). The data snapshot is an XXH64 over the names and contents of the
 * gazetteer and rules files a program loads, in the order it loads them,
 * as 16 hex digits: two runs that print the same snapshot read the same
 * data, wherever it was installed.
 *
 * Nothing here allocates for the caller; a kz_snapshot lives on its
 * owner's stack.
 */
#ifndef KZ_VERSION_H
#define KZ_VERSION_H

#include "error.h"
#include "gazimage.h"     /* kz_xxh64_state */

#include <stddef.h>

/* "v0.18-3-g91c5839-dirty", "91c5839", or the Makefile's VERSION. */
const char *kz_version(void);

typedef struct kz_snapshot {
	kz_xxh64_state st;
	size_t nfiles;
} kz_snapshot;

void kz_snapshot_init(kz_snapshot *s);
/* Add a file, or a folder: its *.yaml files in name order, as the
 * gazetteer loader reads them. -1 with err when it cannot be read. */
int kz_snapshot_add(kz_snapshot *s, const char *path, kz_error *err);
/* The snapshot so far as 16 lower-case hex digits and a NUL. */
void kz_snapshot_hex(const kz_snapshot *s, char out[17]);

/* The snapshot of the files paths[0..n) (files, not folders), as
 * kz_snapshot_add on each would make it, into out. Every stage's start
 * needs it, and hashing its 3 MB of data each time cost as much as the
 * rest of kz-tag's start: so the result is kept in the compiled
 * gazetteers' cache folder as a stamp (gazcache.h) of the files' device,
 * inode, size, mtime and ctime, and the files are read only when one of
 * them changed (the stamp's "racily clean" rule holds). -1 with err when
 * one cannot be read. */
int kz_snapshot_files(char *const *paths, size_t n, char out[17],
    kz_error *err);

#endif
