#include "datapath.h"

#include "buf.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int layers_on;

void
kz_data_layers(int on)
{
	layers_on = on;
}

const char *
kz_data_layer_dir(int layer, char *buf, size_t n)
{
	const char *v;

	if (!layers_on)
		return NULL;
	if (layer == KZ_DATA_SYSTEM) {
		v = getenv("KZ_SYSCONFDIR");
		snprintf(buf, n, "%s", v && *v ? v : "/etc/kz");
		return buf;
	}
	if (layer != KZ_DATA_USER)
		return NULL;
	/* the XDG base directory rule: a relative value is ignored */
	if ((v = getenv("XDG_CONFIG_HOME")) != NULL && v[0] == '/') {
		snprintf(buf, n, "%s/kz", v);
		return buf;
	}
	if ((v = getenv("HOME")) != NULL && *v) {
		snprintf(buf, n, "%s/.config/kz", v);
		return buf;
	}
	return NULL;
}

const char *
kz_data_layer_name(int layer)
{
	static const char *const names[] = { "shipped", "system", "user" };

	return layer >= 0 && layer < KZ_DATA_NLAYERS ? names[layer] : "?";
}

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *
kz_data_path(const char *datadir, const char *rel, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", datadir, rel);
	return buf;
}

/* the rules files options name (a handful: one per --rules) */
static const char *alone[8];
static size_t nalone;

void
kz_data_alone(const char *rel)
{
	if (nalone < sizeof alone / sizeof *alone)
		alone[nalone++] = rel;
}

const char *
kz_data_overlay(int layer, const char *rel, char *buf, size_t n)
{
	char dir[PATH_MAX];

	for (size_t i = 0; i < nalone; i++)
		if (strcmp(alone[i], rel) == 0)
			return NULL;
	if (kz_data_layer_dir(layer, dir, sizeof dir) == NULL)
		return NULL;
	snprintf(buf, n, "%s/%s", dir, rel);
	return is_file(buf) ? buf : NULL;
}

int
kz_data_load_rules(const char *path, const char *rel,
    const char *const *known, kz_yaml_doc *doc, kz_error *err)
{
	char buf[PATH_MAX + 64];

	if (kz_yaml_load_rules(path, known, doc, err) != 0)
		return -1;
	for (int l = KZ_DATA_SYSTEM; l < KZ_DATA_NLAYERS; l++) {
		const char *p = kz_data_overlay(l, rel, buf, sizeof buf);
		kz_yaml_doc over;

		if (p == NULL)
			continue;
		if (kz_yaml_load_file(p, &over, err) != 0)
			goto fail;
		if (over.root != NULL &&
		    kz_yaml_only_keys(&over, over.root, known, err) != 0) {
			kz_yaml_doc_release(&over);
			goto fail;
		}
		if (kz_yaml_merge(doc, &over, err) != 0)
			goto fail;
	}
	return 0;
fail:
	kz_yaml_doc_release(doc);
	return -1;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yaml names of dir, sorted; -1 when it cannot be opened. */
static int
yaml_names(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	*names = NULL;
	*n = 0;
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0 ||
		    de->d_name[0] == '.')
			continue;
		*names = kz_realloc(*names, (*n + 1) * sizeof **names);
		(*names)[(*n)++] = kz_strndup(de->d_name, len);
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, *n, sizeof **names, by_name);
	return 0;
}

static int
hidden(const kz_data_files *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++) {
		const char *base = strrchr(f->paths[i], '/');

		if (strcmp(base ? base + 1 : f->paths[i], name) == 0)
			return 1;
	}
	return 0;
}

int
kz_data_gazetteers(const char *dir, int layered, kz_data_files *out,
    kz_error *err)
{
	char buf[PATH_MAX];

	memset(out, 0, sizeof *out);
	for (int l = layered ? KZ_DATA_USER : KZ_DATA_SHIPPED;
	    l >= KZ_DATA_SHIPPED; l--) {
		char **names, ldir[PATH_MAX + 16];
		const char *d = dir;
		size_t n;

		if (l != KZ_DATA_SHIPPED) {
			if (kz_data_layer_dir(l, buf, sizeof buf) == NULL)
				continue;
			snprintf(ldir, sizeof ldir, "%s/gazetteers", buf);
			d = ldir;
		}
		if (yaml_names(d, &names, &n) != 0) {
			if (l != KZ_DATA_SHIPPED)
				continue;       /* a local layer need not exist */
			kz_data_files_free(out);
			return kz_error_set(err, dir, 0, 0,
			    "cannot open the gazetteer folder");
		}
		for (size_t i = 0; i < n; i++) {
			kz_buf p;

			if (!hidden(out, names[i])) {
				kz_buf_init(&p);
				kz_buf_addf(&p, "%s/%s", d, names[i]);
				out->paths = kz_realloc(out->paths,
				    (out->n + 1) * sizeof *out->paths);
				out->layers = kz_realloc(out->layers,
				    (out->n + 1) * sizeof *out->layers);
				out->paths[out->n] = kz_buf_detach(&p, NULL);
				out->layers[out->n++] = (uint32_t)l;
			}
			free(names[i]);
		}
		free(names);
	}
	if (out->n == 0)
		/* tagging with no entries at all is never what was meant: a
		 * folder of .yml files, or the wrong folder */
		return kz_error_set(err, dir, 0, 0, "no gazetteer in this folder"
		    " (files whose names end in .yaml)");
	return 0;
}

void
kz_data_files_free(kz_data_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->paths[i]);
	free(f->paths);
	free(f->layers);
	memset(f, 0, sizeof *f);
}
