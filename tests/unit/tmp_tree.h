/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fresh directory tree of the test's own under /tmp, removed at exit, to
 * build files, directories and links with exact modes in (chmod after
 * creation: the umask must not decide the mode under test). Every test that
 * calls tree_setup() arms alarm(): a FIFO that would block makes that test
 * fail, it does not hang the suite.
 */
#ifndef DMAGUARD_TMP_TREE_H
#define DMAGUARD_TMP_TREE_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"

static char tree_base[64];
static char tree_extra[64];	/* one more path outside the tree to remove at exit */
static uid_t me;

static int tree_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void tree_cleanup(void)
{
	if (tree_extra[0])
		unlink(tree_extra);
	if (tree_base[0])
		nftw(tree_base, tree_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh tree /tmp/PREFIX-XXXXXX; a hang becomes SIGALRM, a failed test. */
static inline void tree_setup(const char *prefix)
{
	me = geteuid();
	snprintf(tree_base, sizeof(tree_base), "/tmp/%s-XXXXXX", prefix);
	if (!mkdtemp(tree_base))
		UNIT_FAIL("mkdtemp: %s", strerror(errno));
	atexit(tree_cleanup);
	alarm(10);
}

/* TREE/<fmt>, in one of four rotating buffers */
__attribute__((format(printf, 1, 2)))
static inline const char *at(const char *fmt, ...)
{
	static char bufs[4][256];
	static int next;
	char rel[160], *out = bufs[next++ % 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(out, 256, "%s/%s", tree_base, rel);
	return out;
}

static inline void make_dir(const char *path, mode_t mode)
{
	if (mkdir(path, 0700) || chmod(path, mode))
		UNIT_FAIL("mkdir %s: %s", path, strerror(errno));
}

static inline void make_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		UNIT_FAIL("write %s: %s", path, strerror(errno));
	close(fd);
	if (chmod(path, mode))
		UNIT_FAIL("chmod %s: %s", path, strerror(errno));
}

static inline void make_link(const char *target, const char *path)
{
	if (symlink(target, path))
		UNIT_FAIL("symlink %s: %s", path, strerror(errno));
}

#endif
