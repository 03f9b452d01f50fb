// SPDX-License-Identifier: GPL-2.0
/*
 * Files root writes or replaces (trusted_path.h): made or opened only from
 * a directory trusted_parent() or trusted_parent_replaced() judged, never
 * through a link, and checked again by fd once open.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include "trusted_path.h"
#include "util.h"

/* --- files root writes ----------------------------------------------------- */

/*
 * An existing entry is ours to write only if it is a regular file of ours.
 * A second hard link matters only where others could have made it, in a
 * sticky directory: elsewhere it is another name of our own file, which
 * file_create_private() replaces rather than be kept from writing.
 */
static int private_file_ok(const struct stat *st, bool shared)
{
	if (S_ISLNK(st->st_mode))
		return -ELOOP;
	if (!S_ISREG(st->st_mode))
		return -EINVAL;
	if (st->st_uid != geteuid() || (shared && st->st_nlink != 1))
		return -EPERM;
	return 0;
}

/* Open the existing d->name, checked before and after the open. */
static int open_existing(const struct trusted_dir *d, int flags)
{
	struct stat before, after;
	int fd, ret;

	if (fstatat(d->fd, d->name, &before, AT_SYMLINK_NOFOLLOW))
		return -errno;
	ret = private_file_ok(&before, d->shared);
	if (ret)
		return ret;
	if (before.st_nlink != 1)	/* another name of ours: start a new file */
		return unlinkat(d->fd, d->name, 0) ? -errno : -EAGAIN;
	/* O_TRUNC only once the fd is known to be the file checked */
	fd = openat(d->fd, d->name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY |
		    (flags & ~O_TRUNC));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &after))
		ret = -errno;
	else if (after.st_dev != before.st_dev || after.st_ino != before.st_ino)
		ret = -EAGAIN;	/* replaced meanwhile */
	else
		ret = private_file_ok(&after, d->shared);
	if (!ret && (flags & O_TRUNC) && ftruncate(fd, 0))
		ret = -errno;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/* Create d->name 0600 whatever the umask, or open it if it exists. */
static int create_or_open(const struct trusted_dir *d, int flags)
{
	int fd, tries, ret = -EAGAIN;

	/* retried if it comes and goes meanwhile */
	for (tries = 0; tries < 8 && ret == -EAGAIN; tries++) {
		fd = openat(d->fd, d->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC | O_NONBLOCK | O_NOCTTY | flags, 0600);
		if (fd >= 0) {
			if (!fchmod(fd, 0600))
				return fd;
			ret = -errno;
			close(fd);
			unlinkat(d->fd, d->name, 0);
			return ret;
		}
		if (errno != EEXIST)
			return -errno;
		ret = open_existing(d, flags);
		if (ret == -ENOENT)
			ret = -EAGAIN;
	}
	return ret;
}

static const char *private_refusal(int err)
{
	switch (err) {
	case -ELOOP:
		return "it is a symbolic link";
	case -EINVAL:
		return "it is not a regular file";
	case -EPERM:
		return "it belongs to another user, or has another hard link in a sticky "
		       "directory";
	default:
		return strerror(-err);
	}
}

int file_create_private(const char *path, int flags, char *err, size_t errlen)
{
	struct trusted_dir d;
	int fd;

	fd = trusted_parent(path, geteuid(), "the file", &d, err, errlen);
	if (fd)
		return fd;
	fd = create_or_open(&d, flags & ~(O_CREAT | O_EXCL | O_ACCMODE));
	close(d.fd);
	if (fd < 0)
		return errf(err, errlen, fd, "%s: cannot open: %s", path, private_refusal(fd));
	/* writes to a regular file never block: the flag only guarded the open */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
		int r = errf(err, errlen, -errno, "%s: cannot open: %s", path, strerror(errno));

		close(fd);
		return r;
	}
	return fd;
}

/* --- files root replaces --------------------------------------------------- */

/* Write all of data to fd; 0 or -errno. */
static int write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= n;
	}
	return 0;
}

/*
 * A new file beside d->name, ".NAME.XXXXXXXX" (random): hidden, and not
 * ending as NAME does, so a reader of NAME's directory by suffix
 * (node_exporter reads *.prom) never takes it for the file. Made
 * exclusively: a name someone left there is skipped, never opened.
 */
static int create_temp(const struct trusted_dir *d, char *tmp, size_t len)
{
	unsigned int rnd;
	int fd, tries;

	for (tries = 0; tries < 16; tries++) {
		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
			rnd = (unsigned int)getpid() * 2654435761u + tries;
		if (snprintf(tmp, len, ".%s.%08x", d->name, rnd) >= (int)len)
			return -ENAMETOOLONG;
		fd = openat(d->fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
			    O_NONBLOCK | O_NOCTTY, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

int file_replace_public(const char *path, const void *data, size_t len, char *err,
			size_t errlen)
{
	char tmp[NAME_MAX + 1];
	struct trusted_dir d;
	int fd, ret;

	ret = trusted_parent_replaced(path, "the file", &d, err, errlen);
	if (ret)
		return ret;
	fd = create_temp(&d, tmp, sizeof(tmp));
	if (fd < 0) {
		close(d.fd);
		return errf(err, errlen, fd, "%s: cannot create a file beside it: %s", path,
			    strerror(-fd));
	}
	/* 0644 whatever the umask: the reader is another user (node_exporter's) */
	ret = fchmod(fd, 0644) ? -errno : write_all(fd, data, len);
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && renameat(d.fd, tmp, d.fd, d.name))
		ret = -errno;
	if (ret) {
		unlinkat(d.fd, tmp, 0);
		errf(err, errlen, ret, "%s: cannot replace it: %s", path, strerror(-ret));
	}
	close(d.fd);
	return ret;
}
