// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

int pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -ENAMETOOLONG;
	}
	return 0;
}

char *path_trim(char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	return path;
}

int errf(char *err, size_t len, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return code;
}

ssize_t read_full(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size) {
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

ssize_t read_small_file_at(int dfd, const char *name, char *buf, size_t size)
{
	struct stat st;
	ssize_t len, more;
	char extra;
	int fd;

	if (!size)
		return -EINVAL;
	/* O_NONBLOCK: a FIFO must not hold the open (or the read) forever */
	fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		len = -errno;
	else if (!S_ISREG(st.st_mode))
		len = -EINVAL;
	else
		len = read_full(fd, buf, size - 1);
	if (len >= 0) {
		more = read_full(fd, &extra, 1);
		if (more)
			len = more < 0 ? more : -EFBIG;
	}
	close(fd);
	if (len < 0)
		return len;
	buf[len] = '\0';
	return len;
}

/* --- reading sysfs and procfs trees ----------------------------------------- */

int array_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = reallocarray(*arr, n, elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

bool name_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	bool cut = n >= size;

	if (cut)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return cut;
}

int attr_read_at(int dfd, const char *name, char *buf, size_t size)
{
	ssize_t n = read_small_file_at(dfd, name, buf, size);

	if (n < 0)
		return (int)n;
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n] = '\0';
	return 0;
}

int link_basename_at(int dfd, const char *name, char *buf, size_t size, bool *cut)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;
	bool c;

	n = readlinkat(dfd, name, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base)
		return -EINVAL;
	c = name_copy(buf, size, base);
	if (cut)
		*cut = c;
	return 0;
}

int parse_id(const char *s, int *id)
{
	long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -ERANGE;
	}
	*id = (int)v;
	return 0;
}

DIR *dir_open_at(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}
