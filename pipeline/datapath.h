/*
 * datapath.h - where the gazetteers and rules a program loads come from
 * (docs/gazetteers.md, "Local data"): the shipped data directory, then
 * /etc/kz, then $XDG_CONFIG_HOME/kz (~/.config/kz when it is not set),
 * each layer adding to or overriding the ones before it:
 *   - rules/NAME.yaml: the shipped file, then each local layer's file of
 *     that name merged over it by key and id (kz_yaml_merge): a local
 *     file holds only what it changes (a --rules file is read alone);
 *   - gazetteers/NAME.yaml: every layer's files are loaded, highest layer
 *     first; a file named as one of a lower layer hides it, and an entry
 *     whose id a higher layer already defined is left out (overridden).
 * The local layers are off until a program turns them on
 * (kz_data_layers): `--data DIR` and the library's own callers (tests)
 * read the one directory they name. KZ_SYSCONFDIR stands for /etc/kz
 * (for tests: the real /etc is never needed).
 *
 * Paths are written into the caller's buffers; kz_data_gazetteers hands
 * out arrays the caller frees with kz_data_files_free.
 */
#ifndef KZ_DATAPATH_H
#define KZ_DATAPATH_H

#include "error.h"
#include "yamltree.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { KZ_DATA_SHIPPED, KZ_DATA_SYSTEM, KZ_DATA_USER, KZ_DATA_NLAYERS };

/* Local layers on (1) or off (0, the default), for every later look-up. */
void kz_data_layers(int on);

/* The folder of layer (KZ_DATA_SYSTEM or KZ_DATA_USER) into buf; NULL
 * when there is none (no HOME) or the layers are off. */
const char *kz_data_layer_dir(int layer, char *buf, size_t n);

/* The shipped file rel ("rules/checks.yaml"): datadir/rel, into buf. The
 * local layers' files of that name are merged over it when it is loaded
 * (kz_data_load_rules). */
const char *kz_data_path(const char *datadir, const char *rel, char *buf,
    size_t n);

/* rel is given by an option (--rules FILE): no layer merges over it. */
void kz_data_alone(const char *rel);

/* Layer's (KZ_DATA_SYSTEM or KZ_DATA_USER) file rel into buf, or NULL
 * when the layer is off, has no such file, or rel is alone. */
const char *kz_data_overlay(int layer, const char *rel, char *buf, size_t n);

/* Load the rules file rel as the layers make it: path (the shipped file,
 * or a file given instead), then each local layer's rel merged over it,
 * lowest first. Every file must be a mapping whose keys are in known;
 * path must not be empty, a local file may. 0, or -1 with err naming
 * file, line and column, doc then owning nothing. */
int kz_data_load_rules(const char *path, const char *rel,
    const char *const *known, kz_yaml_doc *doc, kz_error *err);

/* The gazetteer files of every layer (dir is datadir/gazetteers, or a
 * folder given instead, which is then the only one), highest layer first,
 * each layer's in name order: paths[i] of layers[i]. 0, or -1 with err
 * when dir cannot be read or no layer holds a gazetteer. */
typedef struct kz_data_files {
	char **paths;
	uint32_t *layers;
	size_t n;
} kz_data_files;

int kz_data_gazetteers(const char *dir, int layered, kz_data_files *out,
    kz_error *err);
void kz_data_files_free(kz_data_files *f);

/* "shipped", "/etc/kz" (or KZ_SYSCONFDIR), "XDG_CONFIG_HOME". */
const char *kz_data_layer_name(int layer);

#endif
