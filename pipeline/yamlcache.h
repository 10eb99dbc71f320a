/*
 * yamlcache.h - parsed rules files kept on disk, so that a stage's start
 * does not run libyaml over the same 100+ KB of YAML every time
 * (issue 16: kz-quotes spent half of its start-up there).
 *
 * A tree (yamltree.h) is stored as one flat image in the cache folder of
 * the compiled gazetteers (gazcache.h: --cache, --no-cache, $KZ_CACHE,
 * $XDG_CACHE_HOME/kz, ~/.cache/kz):
 *
 *   rules-<slot>.kzy    slot: an XXH64 of the source's real path
 *
 * The image is keyed on the source's *bytes* (their XXH64 and length), on
 * the format and on libyaml's version, never on stat data: the caller has
 * read the file anyway, and hashing it costs a few microseconds where
 * parsing it costs milliseconds. So an edit is always seen at the next
 * run, however quickly it follows the last one, and a copy of a file
 * elsewhere gets its own slot. The whole image carries a checksum, and
 * every index and offset in it is checked before it is used: a damaged
 * or foreign file is parsed again from the source and rewritten, never
 * trusted. Only trees that parsed without error are stored, so every
 * message about a broken file still comes from the parser.
 *
 * Library code: nothing here prints or fails a load. The cache off, its
 * folder unusable, a write that fails: the tree is parsed as before.
 */
#ifndef KZ_YAMLCACHE_H
#define KZ_YAMLCACHE_H

#include "yamltree.h"

#include <stddef.h>

/* 1 with *doc (its nodes in one block, doc->block, its strings in the
 * image, mapped read-only) when the
 * cache holds the tree of these len bytes read from path; else 0 and
 * *doc owning nothing. */
int kz_yamlcache_get(const char *path, const char *src, size_t len,
    kz_yaml_doc *doc);

/* Free what a doc read from the cache holds (kz_yaml_doc_release calls
 * it with doc->block): the nodes, and the mapped image their strings
 * are in. */
void kz_yamlcache_free(void *block);

/* Store doc, the tree parsed from these bytes of path (best effort). */
void kz_yamlcache_put(const char *path, const char *src, size_t len,
    const kz_yaml_doc *doc);

#endif
