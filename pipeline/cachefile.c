/* cachefile.c - file handling shared by the caches (cachefile.h). */
#include "cachefile.h"

#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int
kz_file_read_whole(const char *path, size_t min, size_t max,
    unsigned char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t got = 0;

	*data = NULL;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size < min || (uint64_t)st.st_size > max) {
		close(fd);
		return -1;
	}
	*data = kz_malloc((size_t)st.st_size);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, *data + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		free(*data);
		*data = NULL;
		return -1;
	}
	*len = got;
	return 0;
}

int
kz_file_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = write(fd, p, len > (1u << 30) ? (1u << 30) : len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int
kz_file_replace(const char *dir, const char *prefix, const char *file,
    const void *data, size_t len)
{
	kz_buf tmp;
	int fd, ok;

	kz_buf_init(&tmp);
	kz_buf_addf(&tmp, "%s/%sXXXXXX", dir, prefix);
	if ((fd = mkstemp(tmp.data)) < 0) {
		kz_buf_release(&tmp);
		return -1;
	}
	ok = fchmod(fd, 0644) == 0 && kz_file_write_all(fd, data, len) == 0;
	if (close(fd) != 0)
		ok = 0;
	if (!ok || rename(tmp.data, file) != 0) {
		unlink(tmp.data);
		ok = 0;
	}
	kz_buf_release(&tmp);
	return ok ? 0 : -1;
}
