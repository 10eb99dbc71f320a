#include "gazcache.h"

#include "buf.h"
#include "cachefile.h"
#include "tokens.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#define STAMP_MAGIC "kzstamp1"
#define STAMP_MAX (16u << 20)
#define SETTLE_SECONDS 2        /* see "racily clean" in gazcache.h */
#define GC_GRACE_SECONDS 600    /* leave younger files of other slots be */

static int cfg_on = 1;
static char *cfg_dir;

void
kz_gazcache_config(int on, const char *dir)
{
	cfg_on = on;
	free(cfg_dir);
	cfg_dir = dir ? kz_strdup(dir) : NULL;
}

static int
why_set(char *why, size_t n, const char *fmt, const char *a, const char *b)
{
	if (why && n)
		snprintf(why, n, fmt, a, b);
	return -1;
}

/* mkdir -p, mode 0700 for what it creates. */
static int
make_dirs(const char *dir)
{
	char *p;
	int rc = 0;

	if (dir[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	p = kz_strdup(dir);
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) != 0 && errno != EEXIST) {
				rc = -1;
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	if (rc == 0) {
		struct stat st;

		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			rc = -1;
		}
	}
	return rc;
}

static char *
default_dir(char *why, size_t n)
{
	const char *env = getenv("KZ_CACHE");
	kz_buf b;

	if (!cfg_on) {
		why_set(why, n, "the cache is off", NULL, NULL);
		return NULL;
	}
	if (cfg_dir)
		return kz_strdup(cfg_dir);
	if (env && strcmp(env, "off") == 0) {
		why_set(why, n, "the cache is off (KZ_CACHE=off)", NULL, NULL);
		return NULL;
	}
	if (env && *env)
		return kz_strdup(env);
	kz_buf_init(&b);
	env = getenv("XDG_CACHE_HOME");
	if (env && env[0] == '/') {
		kz_buf_addf(&b, "%s/kz", env);
	} else if ((env = getenv("HOME")) != NULL && env[0] == '/') {
		kz_buf_addf(&b, "%s/.cache/kz", env);
	} else {
		kz_buf_release(&b);
		why_set(why, n, "no cache folder: neither XDG_CACHE_HOME nor HOME"
		    " is set", NULL, NULL);
		return NULL;
	}
	return kz_buf_detach(&b, NULL);
}

char *
kz_cache_dir(char *why, size_t whylen)
{
	char *dir = default_dir(why, whylen);

	if (dir == NULL)
		return NULL;
	if (make_dirs(dir) != 0) {
		why_set(why, whylen, "cannot use the cache folder %s: %s", dir,
		    strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

void
kz_gazcache_init(kz_gazcache *c, const char *identity, char *why,
    size_t whylen)
{
	char *dir;
	kz_buf b;

	memset(c, 0, sizeof *c);
	c->identity = kz_strdup(identity);
	c->slot = kz_xxh64(identity, strlen(identity), 0);
	dir = kz_cache_dir(why, whylen);
	if (dir == NULL)
		return;
	c->dir = dir;
	kz_buf_init(&b);
	kz_buf_addf(&b, "%s/gaz-%016llx.kzg", dir, (unsigned long long)c->slot);
	c->image_path = kz_buf_detach(&b, NULL);
	kz_buf_init(&b);
	kz_buf_addf(&b, "%s/gaz-%016llx.stamp", dir, (unsigned long long)c->slot);
	c->stamp_path = kz_buf_detach(&b, NULL);
}

void
kz_gazcache_release(kz_gazcache *c)
{
	free(c->dir);
	free(c->image_path);
	free(c->stamp_path);
	free(c->identity);
	memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------ keys */

/* Every folder folds alike (kz_folder_new takes nothing), so the key is
 * made once a process; threads that race make the same value. */
static _Atomic uint64_t env_key_memo;

static uint64_t env_key_make(const kz_folder *f);

uint64_t
kz_gazcache_env_key(const kz_folder *f)
{
	uint64_t k = env_key_memo;

	if (k == 0) {
		k = env_key_make(f);
		env_key_memo = k;
	}
	return k;
}

static uint64_t
env_key_make(const kz_folder *f)
{
	static const int32_t ranges[][2] = {
		{ 0, 0x250 }, { 0x370, 0x530 }, { 0x1E00, 0x2070 },
		{ 0x2100, 0x2190 }, { 0xFB00, 0xFB07 }, { 0xFF01, 0xFF5F },
	};
	static const char probe[] =
	    "L'OTSC d\xe2\x80\x99" "Almaty, Kassym-Jomart TOKA\xc3\x8f" "EV "
	    "\xc2\xab Paix \xc2\xbb M. Dupont 2022-01-05 \xc5\x92UVRE stra\xc3\x9f" "e "
	    "\xc4\xb0stanbul \xef\xac\x81n al-Assad de Gaulle Nur\xe2\x80\x91Sultan "
	    "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 ONU\xe2\x80\x94OTAN";
	uint32_t version = KZ_GAZIMAGE_VERSION;
	const char *uv = utf8proc_version();
	kz_buf st;      /* hashed at once: the same digest as streamed, without
	                   ten thousand calls of a few bytes */
	kz_tokens t;
	uint64_t key;

	kz_buf_init(&st);
	kz_buf_add(&st, "kz-gazetteer", 12);
	kz_buf_add(&st, &version, sizeof version);
	kz_buf_add(&st, uv, strlen(uv) + 1);
	for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
		for (int32_t cp = ranges[r][0]; cp < ranges[r][1]; cp++) {
			char out[16];
			unsigned char n = (unsigned char)kz_fold_cp(f, cp, out);

			kz_buf_addc(&st, (char)n);
			kz_buf_add(&st, out, n);
		}
	kz_tokens_init(&t, f, probe, sizeof probe - 1);
	for (size_t i = 0; i < t.n; i++) {
		uint32_t v[3] = { t.tok[i].flags, t.tok[i].sstart, t.tok[i].send };

		kz_buf_add(&st, v, sizeof v);
		kz_buf_add(&st, t.folded.text + t.tok[i].fstart,
		    t.tok[i].fend - t.tok[i].fstart);
		kz_buf_add(&st, "", 1);
	}
	kz_tokens_release(&t);
	key = kz_xxh64(st.data, st.len, 0);
	kz_buf_release(&st);
	return key;
}

uint64_t
kz_gazcache_key(uint64_t env, uint64_t sources)
{
	uint64_t v[2] = { env, sources };

	return kz_xxh64(v, sizeof v, 0x6b7a);
}

void
kz_gazcache_hash_begin(kz_xxh64_state *st, size_t nfiles)
{
	uint64_t n = nfiles;

	kz_xxh64_init(st, 0);
	kz_xxh64_update(st, &n, sizeof n);
}

void
kz_gazcache_hash_name(kz_xxh64_state *st, const char *name)
{
	uint64_t n = strlen(name);

	kz_xxh64_update(st, &n, sizeof n);
	kz_xxh64_update(st, name, n);
}

void
kz_gazcache_hash_end(kz_xxh64_state *st, uint64_t len)
{
	kz_xxh64_update(st, &len, sizeof len);
}

static void
fill_stat(kz_gazsrc *s, const struct stat *st)
{
	s->dev = (uint64_t)st->st_dev;
	s->ino = (uint64_t)st->st_ino;
	s->size = (uint64_t)st->st_size;
	s->mtime_s = (uint64_t)st->st_mtim.tv_sec;
	s->mtime_ns = (uint64_t)st->st_mtim.tv_nsec;
	s->ctime_s = (uint64_t)st->st_ctim.tv_sec;
	s->ctime_ns = (uint64_t)st->st_ctim.tv_nsec;
}

static int
same_stat(const kz_gazsrc *a, const kz_gazsrc *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mtime_s == b->mtime_s && a->mtime_ns == b->mtime_ns &&
	    a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns;
}

int
kz_gazcache_stat(kz_gazsrc *s, const char *path)
{
	struct stat st;
	const char *slash = strrchr(path, '/');

	memset(s, 0, sizeof *s);
	s->path = path;
	s->name = slash ? slash + 1 : path;
	if (stat(path, &st) != 0)
		return -1;
	fill_stat(s, &st);
	return 0;
}

static int
settled(const kz_gazsrc *s, const kz_gazsrc *before, time_t t0)
{
	return same_stat(s, before) &&
	    (int64_t)s->ctime_s + SETTLE_SECONDS < (int64_t)t0 &&
	    (int64_t)s->mtime_s <= (int64_t)t0;
}

int
kz_gazcache_restat(kz_gazsrc *s, const kz_gazsrc *before, time_t t0)
{
	if (kz_gazcache_stat(s, before->path) != 0)
		return -1;
	s->stable = settled(s, before, t0);
	return 0;
}

/* Open s->path and note its stat before reading: the time the read
 * starts decides whether the file is old enough for a stamp. */
static int
src_open(kz_gazsrc *s, kz_gazsrc *before, time_t *t0)
{
	struct stat st;
	int fd = open(s->path, O_RDONLY | O_CLOEXEC);

	*t0 = time(NULL);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	*before = *s;
	fill_stat(before, &st);
	return fd;
}

static void
src_close(kz_gazsrc *s, const kz_gazsrc *before, time_t t0, int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0) {
		fill_stat(s, &st);
		s->stable = settled(s, before, t0);
	} else {
		s->stable = 0;
	}
	close(fd);
}

int
kz_gazcache_open(kz_gazread *r, kz_gazsrc *s, kz_xxh64_state *st,
    kz_error *err)
{
	memset(r, 0, sizeof *r);
	r->src = s;
	r->st = st;
	r->fd = src_open(s, &r->before, &r->t0);
	if (r->fd < 0)
		return kz_error_set(err, s->path, 0, 0, "cannot open: %s",
		    strerror(errno));
	kz_gazcache_hash_name(st, s->name);
	return 0;
}

int
kz_gazcache_read_some(void *arg, unsigned char *buf, size_t size,
    size_t *got)
{
	kz_gazread *r = arg;
	ssize_t n;

	*got = 0;
	if (r->failed)
		return 0;
	do
		n = read(r->fd, buf, size);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->failed = 1;
		return 0;
	}
	kz_xxh64_update(r->st, buf, (size_t)n);
	r->len += (uint64_t)n;
	*got = (size_t)n;
	return 1;
}

int
kz_gazcache_close(kz_gazread *r, int complete, kz_error *err)
{
	unsigned char buf[1 << 14];
	size_t got;

	if (complete) {
		/* the YAML parser reads to the end; this is only for safety */
		while (kz_gazcache_read_some(r, buf, sizeof buf, &got) && got > 0)
			;
		kz_gazcache_hash_end(r->st, r->len);
	}
	src_close(r->src, &r->before, r->t0, r->fd);
	if (r->failed)
		return kz_error_set(err, r->src->path, 0, 0, "read error");
	return 0;
}

int
kz_gazcache_hash_files(kz_gazsrc *src, size_t n, uint64_t *hash)
{
	size_t cap = 1 << 20;
	char *buf = kz_malloc(cap);
	kz_xxh64_state st;
	int rc = 0;

	kz_gazcache_hash_begin(&st, n);
	for (size_t i = 0; i < n && rc == 0; i++) {
		kz_gazsrc before;
		time_t t0;
		int fd = src_open(&src[i], &before, &t0);
		uint64_t len = 0;

		if (fd < 0) {
			rc = -1;
			break;
		}
		kz_gazcache_hash_name(&st, src[i].name);
		for (;;) {
			ssize_t r = read(fd, buf, cap);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				rc = -1;
			if (r <= 0)
				break;
			kz_xxh64_update(&st, buf, (size_t)r);
			len += (uint64_t)r;
		}
		kz_gazcache_hash_end(&st, len);
		src_close(&src[i], &before, t0, fd);
	}
	free(buf);
	*hash = kz_xxh64_digest(&st);
	return rc;
}

/* ------------------------------------------------------------ files */


static void
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Write data to path atomically: a temporary file beside it, fsync,
 * rename. With map, the file is also mapped (*map, before the rename, so
 * it is surely the file written). */
static int
write_atomic(const kz_gazcache *c, const char *path, const void *data,
    size_t len, void **map, char *why, size_t whylen)
{
	kz_buf tmp;
	int fd, saved;

	kz_buf_init(&tmp);
	kz_buf_addf(&tmp, "%s/.gaz-%016llx.XXXXXX", c->dir,
	    (unsigned long long)c->slot);
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		why_set(why, whylen, "cannot write in %s: %s", c->dir,
		    strerror(errno));
		kz_buf_release(&tmp);
		return -1;
	}
	if (kz_file_write_all(fd, data, len) != 0 || fsync(fd) != 0 ||
	    fchmod(fd, 0644) != 0)
		goto fail;
	if (map) {
		*map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		if (*map == MAP_FAILED)
			*map = NULL;
	}
	if (rename(tmp.data, path) != 0) {
		if (map && *map) {
			munmap(*map, len);
			*map = NULL;
		}
		goto fail;
	}
	close(fd);
	sync_dir(c->dir);
	kz_buf_release(&tmp);
	return 0;
fail:
	saved = errno;
	close(fd);
	unlink(tmp.data);
	why_set(why, whylen, "cannot write %s: %s", path, strerror(saved));
	kz_buf_release(&tmp);
	return -1;
}


/* ------------------------------------------------------------ stamps
 *
 * "kzstamp1", u32 n, u32 all stable, u64 hash, u64 identity length, the
 * identity padded to 8, then per source u64 dev, ino, size, mtime s, ns,
 * ctime s, ns, name length, the name padded to 8; last an XXH64 of all
 * that. */

static void
put64(kz_buf *b, uint64_t v)
{
	kz_buf_add(b, &v, 8);
}

static void
put_bytes(kz_buf *b, const char *s, size_t n)
{
	put64(b, n);
	kz_buf_add(b, s, n);
	while (b->len % 8)
		kz_buf_addc(b, '\0');
}

typedef struct reader {
	const unsigned char *p;
	size_t len, at;
	int bad;
} reader;

static uint64_t
get64(reader *r)
{
	uint64_t v = 0;

	if (r->len - r->at < 8) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p + r->at, 8);
	r->at += 8;
	return v;
}

static const char *
get_bytes(reader *r, size_t *n)
{
	uint64_t len = get64(r);
	const char *s;

	if (r->bad || len > r->len - r->at) {
		r->bad = 1;
		return NULL;
	}
	s = (const char *)r->p + r->at;
	*n = (size_t)len;
	r->at += (size_t)((len + 7) & ~(uint64_t)7);
	if (r->at > r->len)
		r->bad = 1;
	return s;
}

void
kz_gazcache_stamp_write(const kz_gazcache *c, const kz_gazsrc *src,
    size_t n, uint64_t hash)
{
	kz_buf b;
	uint32_t head[2] = { (uint32_t)n, 1 };

	if (c->dir == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		if (!src[i].stable)
			head[1] = 0;
	kz_buf_init(&b);
	kz_buf_add(&b, STAMP_MAGIC, 8);
	kz_buf_add(&b, head, sizeof head);
	put64(&b, hash);
	put_bytes(&b, c->identity, strlen(c->identity));
	for (size_t i = 0; i < n; i++) {
		put64(&b, src[i].dev);
		put64(&b, src[i].ino);
		put64(&b, src[i].size);
		put64(&b, src[i].mtime_s);
		put64(&b, src[i].mtime_ns);
		put64(&b, src[i].ctime_s);
		put64(&b, src[i].ctime_ns);
		put_bytes(&b, src[i].name, strlen(src[i].name));
	}
	put64(&b, kz_xxh64(b.data, b.len, 0));
	write_atomic(c, c->stamp_path, b.data, b.len, NULL, NULL, 0);
	kz_buf_release(&b);
}

/* Open a stamp: checks magic and checksum; leaves r after the identity. */
static int
stamp_open(reader *r, uint32_t *n, uint32_t *stable, uint64_t *hash,
    const char **identity, size_t *idlen)
{
	uint64_t sum;

	if (r->len < 32 || r->len % 8 || memcmp(r->p, STAMP_MAGIC, 8) != 0)
		return -1;
	memcpy(&sum, r->p + r->len - 8, 8);
	if (kz_xxh64(r->p, r->len - 8, 0) != sum)
		return -1;
	r->len -= 8;
	memcpy(n, r->p + 8, 4);
	memcpy(stable, r->p + 12, 4);
	r->at = 16;
	*hash = get64(r);
	*identity = get_bytes(r, idlen);
	return r->bad ? -1 : 0;
}

int
kz_gazcache_stamp_read(const kz_gazcache *c, const kz_gazsrc *src, size_t n,
    uint64_t *hash)
{
	unsigned char *data;
	size_t len, idlen;
	reader r;
	uint32_t count, stable;
	const char *id;
	int ok = 0;

	if (c->dir == NULL || kz_file_read_whole(c->stamp_path, 1, STAMP_MAX, &data, &len) != 0)
		return 0;
	r = (reader){ data, len, 0, 0 };
	if (stamp_open(&r, &count, &stable, hash, &id, &idlen) != 0 ||
	    !stable || count != n || idlen != strlen(c->identity) ||
	    memcmp(id, c->identity, idlen) != 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		kz_gazsrc s = { 0 };
		const char *name;
		size_t nlen;

		s.dev = get64(&r);
		s.ino = get64(&r);
		s.size = get64(&r);
		s.mtime_s = get64(&r);
		s.mtime_ns = get64(&r);
		s.ctime_s = get64(&r);
		s.ctime_ns = get64(&r);
		name = get_bytes(&r, &nlen);
		if (r.bad || !same_stat(&s, &src[i]) || nlen != strlen(src[i].name) ||
		    memcmp(name, src[i].name, nlen) != 0)
			goto done;
	}
	ok = r.at == r.len;
done:
	free(data);
	return ok;
}

/* ------------------------------------------------------------ images */

int
kz_gazcache_map(const kz_gazcache *c, uint64_t key, uint32_t nfiles,
    kz_gazimage *im, char *why, size_t whylen)
{
	struct stat st;
	void *base;
	int fd;

	memset(im, 0, sizeof *im);
	if (c->dir == NULL)
		return why_set(why, whylen, "no cache", NULL, NULL);
	fd = open(c->image_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return why_set(why, whylen, "%s: %s", c->image_path,
		    strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < KZ_GAZIMAGE_HEADER || (uint64_t)st.st_size > UINT32_MAX) {
		close(fd);
		return why_set(why, whylen, "%s: %s", c->image_path,
		    "not a compiled gazetteer (size)");
	}
	base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		return why_set(why, whylen, "%s: mmap: %s", c->image_path,
		    strerror(errno));
	if (kz_gazimage_open(im, base, (size_t)st.st_size, 1, key, nfiles, why,
	    whylen) != 0) {
		kz_gazimage_release(im);
		return -1;
	}
	return 0;
}

/* Remove the slots of source sets that are gone, and leftovers of
 * writers that died. Only files named like ours, and only old ones. */
static void
collect_garbage(const kz_gazcache *c)
{
	DIR *d = opendir(c->dir);
	struct dirent *de;
	time_t now = time(NULL);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		unsigned long long slot;
		char ext[8], path[PATH_MAX], other[PATH_MAX];
		struct stat st;
		int n = 0, dead = 0, snap = 0;

		if (strncmp(de->d_name, ".gaz-", 5) == 0) {
			snprintf(path, sizeof path, "%s/%s", c->dir, de->d_name);
			if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
			    now - st.st_mtime > GC_GRACE_SECONDS)
				unlink(path);
			continue;
		}
		/* snap-<slot>.stamp: a data snapshot's (version.h), no image */
		if (sscanf(de->d_name, "snap-%16llx.%7s%n", &slot, ext, &n) == 2 &&
		    (size_t)n == strlen(de->d_name) && strcmp(ext, "stamp") == 0) {
			snap = 1;
		} else if (sscanf(de->d_name, "gaz-%16llx.%7s%n", &slot, ext,
		    &n) != 2 || (size_t)n != strlen(de->d_name) ||
		    slot == c->slot || strcmp(ext, "stamp") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", c->dir, de->d_name);
		snprintf(other, sizeof other, "%s/gaz-%016llx.kzg", c->dir, slot);
		{
			unsigned char *data;
			size_t len, idlen;
			reader r;
			uint32_t count, stable;
			uint64_t hash;
			const char *id;

			if (lstat(path, &st) != 0 || now - st.st_mtime <= GC_GRACE_SECONDS)
				continue;
			if (kz_file_read_whole(path, 1, STAMP_MAX, &data, &len) != 0) {
				dead = 1;
			} else {
				r = (reader){ data, len, 0, 0 };
				if (stamp_open(&r, &count, &stable, &hash, &id,
				    &idlen) != 0) {
					dead = 1;
				} else {
					/* identity: a kind line, then one path a line */
					char *ids = kz_strndup(id, idlen), *line, *save;

					line = strtok_r(ids, "\n", &save);
					while ((line = strtok_r(NULL, "\n", &save)) != NULL)
						if (access(line, F_OK) != 0 && errno == ENOENT)
							dead = 1;
					free(ids);
				}
				free(data);
			}
		}
		if (dead) {
			if (!snap)
				unlink(other);
			unlink(path);
		}
	}
	closedir(d);
}

int
kz_gazcache_write(const kz_gazcache *c, kz_gazimage *im, char *why,
    size_t whylen)
{
	void *map = NULL;
	kz_gazimage mapped;

	if (c->dir == NULL)
		return why_set(why, whylen, "no cache", NULL, NULL);
	if (write_atomic(c, c->image_path, im->base, im->size, &map, why,
	    whylen) != 0)
		return -1;
	if (map && kz_gazimage_open(&mapped, map, im->size, 1, im->key,
	    im->nfiles, NULL, 0) == 0) {
		/* the bytes this process just wrote */
		kz_gazimage_trust(&mapped);
		kz_gazimage_release(im);
		*im = mapped;
	} else if (map) {
		munmap(map, im->size);
	}
	collect_garbage(c);
	return 0;
}
