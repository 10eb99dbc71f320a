/*
 * cachefile.h - the file handling the caches share (gazcache.c,
 * yamlcache.c, buildcache.c): read a whole small file, write all of a
 * buffer, and put a file in place atomically (a temporary file in the
 * same folder, then rename: a reader sees the old file or the new one).
 * Errors are returned with errno set; nothing is printed.
 */
#ifndef KZ_CACHEFILE_H
#define KZ_CACHEFILE_H

#include <stddef.h>

/* Read the regular file path whole into *data (the caller frees it):
 * 0, or -1 when it cannot be read or its size is outside [min, max]. */
int kz_file_read_whole(const char *path, size_t min, size_t max,
    unsigned char **data, size_t *len);

/* Write len bytes at data to fd, through short writes and EINTR: 0 or -1. */
int kz_file_write_all(int fd, const void *data, size_t len);

/* Write data as file, mode 0644, through a temporary file named
 * dir/PREFIXXXXXXX and a rename (no fsync: a torn file fails its
 * checksum and is made again). 0, or -1 with no file left behind. */
int kz_file_replace(const char *dir, const char *prefix, const char *file,
    const void *data, size_t len);

#endif
