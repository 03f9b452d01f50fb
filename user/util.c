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
#include "cli.h"
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

/*
 * The entry at path, opened O_PATH without following it: what it is, before
 * anything opens it for writing (opening a device or a FIFO has effects).
 */
static int stat_entry(const char *path, struct stat *st)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, st))
		ret = -errno;
	close(fd);
	return ret;
}

/* Only a plain file of ours that no other name reaches is ours to write. */
static int private_file_ok(const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		return -ELOOP;
	if (!S_ISREG(st->st_mode))
		return -EINVAL;
	if (st->st_uid != geteuid() || st->st_nlink != 1)
		return -EPERM;
	return 0;
}

/* Open the existing file path, checked before and after the open. */
static int open_existing(const char *path, int flags)
{
	struct stat before, after;
	int fd, ret;

	ret = stat_entry(path, &before);
	if (!ret)
		ret = private_file_ok(&before);
	if (ret)
		return ret;
	/* O_TRUNC only once the fd is known to be the file checked */
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY |
			(flags & ~O_TRUNC));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &after))
		ret = -errno;
	else if (after.st_dev != before.st_dev || after.st_ino != before.st_ino)
		ret = -EAGAIN;	/* replaced meanwhile */
	else
		ret = private_file_ok(&after);
	if (!ret && (flags & O_TRUNC) && ftruncate(fd, 0))
		ret = -errno;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int file_create_private(const char *path, int flags)
{
	int fd, tries, ret = -EAGAIN;

	flags &= ~(O_CREAT | O_EXCL | O_ACCMODE);
	/* created, or opened if it exists; retried if it comes and goes meanwhile */
	for (tries = 0; tries < 8 && ret == -EAGAIN; tries++) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
				O_NONBLOCK | O_NOCTTY | flags, 0600);
		if (fd >= 0) {
			/* the umask may have taken bits; 0600 whatever it is */
			if (fchmod(fd, 0600)) {
				ret = -errno;
				close(fd);
				unlink(path);
				return ret;
			}
			ret = fd;
			break;
		}
		if (errno != EEXIST)
			return -errno;
		ret = open_existing(path, flags);
		if (ret == -ENOENT)
			ret = -EAGAIN;
	}
	if (ret < 0)
		return ret;
	/* writes to a regular file never block: the flag only guarded the open */
	if (fcntl(ret, F_SETFL, fcntl(ret, F_GETFL) & ~O_NONBLOCK)) {
		close(ret);
		return -errno;
	}
	return ret;
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
