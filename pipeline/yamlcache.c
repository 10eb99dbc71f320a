#include "yamlcache.h"

#include "buf.h"
#include "cachefile.h"
#include "gazcache.h"     /* kz_cache_dir */
#include "gazimage.h"     /* kz_xxh64 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

/*
 * The image: a header, the nodes in preorder, the item lists, the
 * source's real path (to remove the image once it is gone), the string
 * pool, and last an XXH64 of everything before it.
 *
 *   "kzyaml01", u64 env, u64 source hash, u64 source length,
 *   u32 nodes, u32 items, u32 path length, u32 pool length, u32 root, u32 0
 *   per node: u8 kind, u8 plain, u16 0, u32 n, u32 line, u32 column,
 *             u32 ref (scalar: pool offset; list, map: first item),
 *             u32 length (scalar: bytes, without the NUL)
 *   items: u32 node indices (a map's: key, value, key, ...)
 *
 * A child always comes after its parent, so the image cannot hold a
 * cycle, and nesting is checked against KZ_YAML_MAX_DEPTH as it is read.
 */
#define MAGIC "kzyaml01"
#define FORMAT 1u
#define HEADER 56
#define NODE 24
#define MAX_IMAGE (64u << 20)
#define GC_GRACE_SECONDS 600    /* leave younger files be */
#define NONE UINT32_MAX

typedef struct disk_node {
	uint8_t kind, plain;
	uint16_t zero;
	uint32_t n, line, column, ref, len;
} disk_node;

/* What else decides the tree: the format, libyaml, the depth limit. */
static uint64_t
env_key(void)
{
	static uint64_t key;

	if (key == 0) {
		kz_buf b;

		kz_buf_init(&b);
		kz_buf_addf(&b, "kz-yaml %u %s %d %zu", FORMAT,
		    yaml_get_version_string(), KZ_YAML_MAX_DEPTH, sizeof(long));
		key = kz_xxh64(b.data, b.len, 0) | 1;
		kz_buf_release(&b);
	}
	return key;
}

/* The slot's file for path, or NULL (no cache, or no real path); real
 * gets the real path. */
static char *
slot_path(const char *path, char **dir_out, char real[PATH_MAX])
{
	char *dir;
	kz_buf b;

	*dir_out = NULL;
	if (realpath(path, real) == NULL)
		return NULL;
	if ((dir = kz_cache_dir(NULL, 0)) == NULL)
		return NULL;
	kz_buf_init(&b);
	kz_buf_addf(&b, "%s/rules-%016llx.kzy", dir,
	    (unsigned long long)kz_xxh64(real, strlen(real), 0));
	*dir_out = dir;
	return kz_buf_detach(&b, NULL);
}


static uint32_t
get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* What doc->block holds: the mapped image, whose string pool the
 * scalars point into, then the nodes and their item lists. */
typedef struct block_head {
	void *map;
	size_t map_len;
} block_head;

/* The image's file mapped read-only (it is only ever replaced by a
 * rename, never written in place); NULL when it is not there or not a
 * plausible size. A mapping, not a read: the pages come from the page
 * cache, a few faults for the whole file, where reading it into fresh
 * memory faulted on every page. */
static unsigned char *
map_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *p;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < HEADER + 8 || (uint64_t)st.st_size > MAX_IMAGE) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return p;
}

/* The nodes of a checked image into one block; NULL when an index, an
 * offset or the nesting is wrong. */
static void *
build(const unsigned char *img, uint32_t nn, uint32_t ni, uint32_t root,
    const char *strings, uint32_t pool_len, kz_yaml_node **root_out)
{
	const unsigned char *nodes = img + HEADER;
	const unsigned char *items = nodes + (size_t)nn * NODE;
	size_t size = sizeof(block_head) + (size_t)nn * sizeof(kz_yaml_node) +
	    (size_t)ni * sizeof(kz_yaml_node *);
	char *block = kz_malloc(size);
	kz_yaml_node *out = (kz_yaml_node *)(block + sizeof(block_head));
	kz_yaml_node **links = (kz_yaml_node **)(out + nn);
	unsigned char *depth = kz_calloc(nn ? nn : 1, 1);

	if (root != 0 || nn == 0)
		goto bad;
	for (uint32_t i = 0; i < nn; i++) {
		disk_node d;
		const unsigned char *p = nodes + (size_t)i * NODE;
		uint64_t count;

		d.kind = p[0];
		d.plain = p[1];
		d.n = get32(p + 4);
		d.line = get32(p + 8);
		d.column = get32(p + 12);
		d.ref = get32(p + 16);
		d.len = get32(p + 20);
		memset(&out[i], 0, sizeof out[i]);
		out[i].kind = (kz_yaml_kind)d.kind;
		out[i].line = (long)d.line;
		out[i].column = (long)d.column;
		out[i].plain = d.plain != 0;
		if (d.kind == KZ_YAML_SCALAR) {
			if (d.n != 0 || (uint64_t)d.ref + d.len >= pool_len ||
			    strings[d.ref + d.len] != '\0' ||
			    memchr(strings + d.ref, '\0', d.len) != NULL)
				goto bad;
			/* read-only, as yamltree.h says nodes are to callers */
			out[i].scalar = (char *)(uintptr_t)(strings + d.ref);
			continue;
		}
		if (d.kind != KZ_YAML_SEQ && d.kind != KZ_YAML_MAP)
			goto bad;
		count = d.kind == KZ_YAML_MAP ? 2 * (uint64_t)d.n : d.n;
		if ((uint64_t)d.ref + count > ni)
			goto bad;
		out[i].n = d.n;
		out[i].items = count ? links + d.ref : NULL;
		for (uint64_t k = 0; k < count; k++) {
			uint32_t c = get32(items + 4 * ((size_t)d.ref + k));

			/* after the parent, nested no deeper than the parser
			 * allows, and a map's keys are scalars */
			if (c <= i || c >= nn || depth[i] >= KZ_YAML_MAX_DEPTH ||
			    (d.kind == KZ_YAML_MAP && k % 2 == 0 &&
			    nodes[(size_t)c * NODE] != KZ_YAML_SCALAR))
				goto bad;
			depth[c] = (unsigned char)(depth[i] + 1);
			links[d.ref + k] = &out[c];
		}
	}
	free(depth);
	*root_out = &out[root];
	return block;
bad:
	free(depth);
	free(block);
	return NULL;
}

int
kz_yamlcache_get(const char *path, const char *src, size_t len,
    kz_yaml_doc *doc)
{
	char real[PATH_MAX], *dir, *file = slot_path(path, &dir, real);
	unsigned char *img = NULL;
	size_t size = 0;
	uint32_t nn, ni, plen, pool_len, root;
	kz_yaml_node *top;
	block_head *block = NULL;

	memset(doc, 0, sizeof *doc);
	if (file == NULL || (img = map_file(file, &size)) == NULL)
		goto miss;
	nn = get32(img + 32);
	ni = get32(img + 36);
	plen = get32(img + 40);
	pool_len = get32(img + 44);
	root = get32(img + 48);
	if (memcmp(img, MAGIC, 8) != 0 || get64(img + 8) != env_key() ||
	    get64(img + 16) != kz_xxh64(src, len, 0) ||
	    get64(img + 24) != (uint64_t)len ||
	    (uint64_t)HEADER + (uint64_t)nn * NODE + 4 * (uint64_t)ni + plen +
	    pool_len + 8 != size ||
	    get64(img + size - 8) != kz_xxh64(img, size - 8, 0))
		goto miss;
	block = build(img, nn, ni, root, (const char *)img + size - 8 -
	    pool_len, pool_len, &top);
	if (block == NULL)
		goto miss;
	block->map = img;
	block->map_len = size;
	doc->root = top;
	doc->block = block;
	doc->name = kz_strdup(path);
	free(file);
	free(dir);
	return 1;
miss:
	if (img)
		munmap(img, size);
	free(file);
	free(dir);
	return 0;
}

void
kz_yamlcache_free(void *block)
{
	block_head *b = block;

	if (b == NULL)
		return;
	munmap(b->map, b->map_len);
	free(b);
}

/* ------------------------------------------------------------ writing */

typedef struct writer {
	kz_buf nodes, items, pool;
	uint32_t nn, ni;
	int too_big;
} writer;

static void
put32(kz_buf *b, uint32_t v)
{
	kz_buf_add(b, &v, 4);
}

/* Node n as index writer->nn, then its children: preorder, so the item
 * slots of a list are reserved before its children are numbered. */
static uint32_t
flatten(writer *w, const kz_yaml_node *n)
{
	uint32_t self = w->nn++, ref = 0, len = 0;
	size_t count = n->kind == KZ_YAML_MAP ? 2 * n->n : n->n;
	size_t at = w->nodes.len;
	unsigned char rec[NODE] = { 0 };

	if (n->line < 0 || n->line > (long)UINT32_MAX || n->column < 0 ||
	    n->column > (long)UINT32_MAX || n->n > UINT32_MAX / 2 ||
	    w->ni > UINT32_MAX - count || w->pool.len > UINT32_MAX / 2)
		w->too_big = 1;
	kz_buf_add(&w->nodes, rec, NODE);
	if (n->kind == KZ_YAML_SCALAR) {
		size_t l = strlen(n->scalar);

		ref = (uint32_t)w->pool.len;
		len = (uint32_t)l;
		kz_buf_add(&w->pool, n->scalar, l + 1);
	} else {
		ref = w->ni;
		w->ni += (uint32_t)count;
		for (size_t k = 0; k < count; k++)
			put32(&w->items, 0);
		for (size_t k = 0; k < count && !w->too_big; k++) {
			uint32_t c = flatten(w, n->items[k]);

			memcpy(w->items.data + 4 * ((size_t)ref + k), &c, 4);
		}
	}
	rec[0] = (uint8_t)n->kind;
	rec[1] = (uint8_t)(n->plain != 0);
	memcpy(rec + 4, &(uint32_t){ (uint32_t)n->n }, 4);
	memcpy(rec + 8, &(uint32_t){ (uint32_t)n->line }, 4);
	memcpy(rec + 12, &(uint32_t){ (uint32_t)n->column }, 4);
	memcpy(rec + 16, &ref, 4);
	memcpy(rec + 20, &len, 4);
	memcpy(w->nodes.data + at, rec, NODE);
	return self;
}

/* Remove images whose source is gone, and temporary files left by
 * writers that died; only files named like ours, and only old ones. */
static void
collect_garbage(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	time_t now = time(NULL);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char file[PATH_MAX], src[PATH_MAX];
		unsigned char *img;
		size_t size;
		struct stat st;
		int tmp = strncmp(de->d_name, ".rules-", 7) == 0;

		if (!tmp && (strncmp(de->d_name, "rules-", 6) != 0 ||
		    strlen(de->d_name) != 6 + 16 + 4))
			continue;
		snprintf(file, sizeof file, "%s/%s", dir, de->d_name);
		if (lstat(file, &st) != 0 || !S_ISREG(st.st_mode) ||
		    now - st.st_mtime <= GC_GRACE_SECONDS)
			continue;
		if (tmp || kz_file_read_whole(file, HEADER + 8, MAX_IMAGE, &img, &size) != 0) {
			unlink(file);
			continue;
		}
		{
			uint32_t plen = get32(img + 40), pool_len = get32(img + 44);

			if (memcmp(img, MAGIC, 8) != 0 || plen >= sizeof src ||
			    (uint64_t)plen + pool_len + 8 + HEADER > size) {
				unlink(file);
			} else {
				memcpy(src, img + size - 8 - pool_len - plen, plen);
				src[plen] = '\0';
				if (access(src, F_OK) != 0 && errno == ENOENT)
					unlink(file);
			}
		}
		free(img);
	}
	closedir(d);
}

void
kz_yamlcache_put(const char *path, const char *src, size_t len,
    const kz_yaml_doc *doc)
{
	char real[PATH_MAX], *dir, *file;
	writer w;
	kz_buf img;
	uint32_t head[6];
	uint64_t sum;

	if (doc->root == NULL || doc->block != NULL ||
	    (file = slot_path(path, &dir, real)) == NULL)
		return;
	memset(&w, 0, sizeof w);
	kz_buf_init(&w.nodes);
	kz_buf_init(&w.items);
	kz_buf_init(&w.pool);
	flatten(&w, doc->root);
	kz_buf_init(&img);
	if (w.too_big)
		goto out;
	head[0] = w.nn;
	head[1] = w.ni;
	head[2] = (uint32_t)strlen(real);
	head[3] = (uint32_t)w.pool.len;
	head[4] = 0;            /* the root comes first */
	head[5] = 0;
	kz_buf_add(&img, MAGIC, 8);
	kz_buf_add(&img, &(uint64_t){ env_key() }, 8);
	kz_buf_add(&img, &(uint64_t){ kz_xxh64(src, len, 0) }, 8);
	kz_buf_add(&img, &(uint64_t){ (uint64_t)len }, 8);
	kz_buf_add(&img, head, sizeof head);
	kz_buf_add(&img, w.nodes.data, w.nodes.len);
	kz_buf_add(&img, w.items.data, w.items.len);
	kz_buf_add(&img, real, strlen(real));   /* for collect_garbage */
	kz_buf_add(&img, w.pool.data, w.pool.len);
	sum = kz_xxh64(img.data, img.len, 0);
	kz_buf_add(&img, &sum, 8);
	if (img.len > MAX_IMAGE)
		goto out;
	/* a reader sees the old image or the new one; a torn one fails its
	 * checksum and costs one parse */
	(void)kz_file_replace(dir, ".rules-", file, img.data, img.len);
	collect_garbage(dir);
out:
	kz_buf_release(&w.nodes);
	kz_buf_release(&w.items);
	kz_buf_release(&w.pool);
	kz_buf_release(&img);
	free(file);
	free(dir);
}
