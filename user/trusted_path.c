// SPDX-License-Identifier: GPL-2.0
/*
 * Paths that only root could have made: the policy file dmaguard enforces
 * and the directory of a file root writes (trusted_path.h).
 *
 * Whoever can write the policy file, or replace it or a directory on the way
 * to it, decides what the enforcer allows; whoever can do that to the
 * directory of a file root writes (the event log) decides where root
 * writes. So, as sshd's StrictModes, the file and every directory traversed
 * to reach it must belong to root (or to the one other uid the caller
 * trusts: unit tests pass their own) and be writable by no one else.
 *
 * The path is resolved here one component at a time from "/" with O_PATH |
 * O_NOFOLLOW: each directory is judged by the fd then used to go on, each
 * symbolic link is read (by fd) from a directory already judged, and the
 * file is opened from its judged directory and compared with what was
 * judged. realpath() then a check of its directories would miss the
 * directories holding symbolic links on the way, and would look names up
 * twice.
 *
 * A directory writable by others is accepted only if it is sticky and
 * trusted-owned (/tmp): only the owner of an entry, of the directory, or
 * root may remove or rename an entry there, so an entry owned by a trusted
 * uid stays put; any entry on the way through it (a symbolic link too) must
 * then be trusted-owned, and a file there must have no other hard link (a
 * user may link a root file there where fs.protected_hardlinks is 0).
 *
 * A FUSE file system is refused wherever it is met: its daemon, not the
 * inodes, reports the owners and modes judged here, and whoever mounted it
 * answers every lookup and read.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "trusted_path.h"
#include "util.h"

#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC 0x65735546
#endif

/* Resolving: at most this many symbolic links, as the kernel (MAXSYMLINKS). */
#define TRUST_MAX_LINKS 40

struct walk {
	const char *name;	/* the path as given, first in every message */
	const char *subject;	/* "the policy": what is refused, in messages */
	off_t max_size;		/* a larger file is refused */
	bool parent_only;	/* stop before the last component (trusted_parent) */
	bool other_owner_ok;	/* directories of another uid pass (trusted_parent_replaced) */
	uid_t other;		/* the first such directory's owner, once passed */
	bool below_other;	/* one was passed: no link is followed any more */
	char last[NAME_MAX + 1];	/* then: the last component */
	uid_t owner;		/* trusted besides root */
	int dirfd;		/* O_PATH fd of the directory reached */
	char at[PATH_MAX];	/* its resolved path */
	bool shared;		/* it is sticky and writable by others */
	int links;
	char *err;
	size_t errlen;
};

static bool trusted(const struct walk *w, uid_t uid)
{
	return uid == 0 || uid == w->owner;
}

static const char *uid_name(uid_t uid, char *buf, size_t size)
{
	if (!uid)
		return "root";
	snprintf(buf, size, "uid %u", (unsigned)uid);
	return buf;
}

static const char *may_own(const struct walk *w, char *buf, size_t size)
{
	if (!w->owner)
		return "root";
	snprintf(buf, size, "root or uid %u", (unsigned)w->owner);
	return buf;
}

/* "PARENT/NAME" into out (no double slash under "/") */
static int join(char *out, size_t size, const char *parent, const char *name)
{
	return pathf(out, size, "%s%s%s", parent, strcmp(parent, "/") ? "/" : "", name);
}

/*
 * A directory of another uid, for a file only ever replaced: passed when
 * nobody else may write it; from there on no link is followed (step()).
 */
static bool other_owner_passes(struct walk *w, const struct stat *st)
{
	if (!w->other_owner_ok || !S_ISDIR(st->st_mode) || (st->st_mode & (S_IWGRP | S_IWOTH)))
		return false;
	if (!w->below_other)
		w->other = st->st_uid;
	w->below_other = true;
	return true;
}

/* The owner and mode bits shared by files and directories. */
static int judge_owner_mode(struct walk *w, const char *what, const char *path,
			    const struct stat *st, bool sticky_ok)
{
	char owner[32], allowed[48];
	mode_t mode = st->st_mode & 07777;

	if (!trusted(w, st->st_uid) && other_owner_passes(w, st))
		return 0;
	if (!trusted(w, st->st_uid))
		return errf(w->err, w->errlen, -EPERM,
			    "%s: refusing %s: %s %s is owned by %s (mode %04o) and only %s "
			    "may write it or a directory above it; fix: chown root %s",
			    w->name, w->subject, what, path, uid_name(st->st_uid, owner, sizeof(owner)),
			    (unsigned)mode, may_own(w, allowed, sizeof(allowed)), path);
	if (!(mode & (S_IWGRP | S_IWOTH)) || (sticky_ok && (mode & S_ISVTX)))
		return 0;
	snprintf(allowed, sizeof(allowed), "group %u", (unsigned)st->st_gid);
	return errf(w->err, w->errlen, -EPERM,
		    "%s: refusing %s: %s %s is writable by %s (owner %s, mode %04o); "
		    "fix: chmod go-w %s", w->name, w->subject, what, path,
		    mode & S_IWOTH ? "every user" : allowed,
		    uid_name(st->st_uid, owner, sizeof(owner)), (unsigned)mode, path);
}

/*
 * The type of the file system fd is on, from /proc/self/mountinfo by mount
 * id: 0, 1 when it cannot be told that way, or -errno. statx with
 * AT_STATX_DONT_SYNC takes what the kernel has cached, so no file system
 * daemon is asked (a FUSE daemon that never answers would hang us).
 */
static int mount_fstype(int fd, char *type, size_t size)
{
	char *line = NULL, *sep;
	struct statx stx;
	size_t cap = 0;
	int id, ret = 1;
	FILE *f;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID, &stx) ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return 1;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return 1;
	while (ret == 1 && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%d", &id) != 1 || (__u64)id != stx.stx_mnt_id)
			continue;
		sep = strstr(line, " - ");
		if (sep && sscanf(sep + 3, "%63s", type) == 1 && strlen(type) < size)
			ret = 0;
	}
	free(line);
	fclose(f);
	return ret;
}

static bool is_fuse(const char *type)
{
	return !strcmp(type, "fuse") || !strcmp(type, "fuseblk") || !strncmp(type, "fuse.", 5);
}

/*
 * Not on a FUSE file system: its daemon answers for the owners and modes,
 * and may never answer at all. Judged before anything else asks the file
 * system about fd.
 */
static int judge_fs(struct walk *w, int fd, const char *path)
{
	struct statfs fs;
	char type[64];
	bool fuse;

	if (!mount_fstype(fd, type, sizeof(type))) {
		fuse = is_fuse(type);
	} else {
		if (fstatfs(fd, &fs))
			return errf(w->err, w->errlen, -errno, "%s: cannot statfs %s: %s",
				    w->name, path, strerror(errno));
		fuse = fs.f_type == FUSE_SUPER_MAGIC;
	}
	if (fuse)
		return errf(w->err, w->errlen, -EPERM, "%s: refusing %s: %s is on a FUSE file "
			    "system, whose daemon (whoever mounted it) reports its owners and "
			    "contents; fix: name a path on a local file system", w->name,
			    w->subject, path);
	return 0;
}

/* Make fd (directory path) the directory reached, once judged. */
static int enter_dir(struct walk *w, int fd, const char *path)
{
	struct stat st;
	int ret;

	if ((ret = judge_fs(w, fd, path)))
		;
	else if (fstat(fd, &st))
		ret = errf(w->err, w->errlen, -errno, "%s: cannot stat %s: %s",
			   w->name, path, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		ret = errf(w->err, w->errlen, -ENOTDIR, "%s: cannot open: %s is not a directory",
			   w->name, path);
	else
		ret = judge_owner_mode(w, "directory", path, &st, true);
	if (!ret && pathf(w->at, sizeof(w->at), "%s", path))
		ret = errf(w->err, w->errlen, -ENAMETOOLONG, "%s: path too long", w->name);
	if (ret) {
		close(fd);
		return ret;
	}
	if (w->dirfd >= 0)
		close(w->dirfd);
	w->dirfd = fd;
	w->shared = st.st_mode & (S_IWGRP | S_IWOTH);
	return 0;
}

static int enter_root(struct walk *w)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return errf(w->err, w->errlen, -errno, "%s: cannot open /: %s",
			    w->name, strerror(errno));
	return enter_dir(w, fd, "/");
}

/* "..": the parent is traversed too, so it is judged as any directory. */
static int enter_parent(struct walk *w)
{
	char parent[PATH_MAX];
	char *slash;
	int fd;

	snprintf(parent, sizeof(parent), "%s", w->at);
	slash = strrchr(parent, '/');
	if (slash)
		*(slash == parent ? slash + 1 : slash) = '\0';
	fd = openat(w->dirfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errf(w->err, w->errlen, -errno, "%s: cannot open %s: %s",
			    w->name, parent, strerror(errno));
	return enter_dir(w, fd, parent);
}

/* Splice the target of the link (fd, at path) in front of what is left in todo. */
static int follow_link(struct walk *w, int fd, const char *path, char *todo, size_t size)
{
	char target[PATH_MAX], rest[PATH_MAX];
	ssize_t n;

	if (++w->links > TRUST_MAX_LINKS)
		return errf(w->err, w->errlen, -ELOOP, "%s: cannot open: too many "
			    "symbolic links at %s", w->name, path);
	n = readlinkat(fd, "", target, sizeof(target) - 1);
	if (n < 0)
		return errf(w->err, w->errlen, -errno, "%s: cannot read link %s: %s",
			    w->name, path, strerror(errno));
	target[n] = '\0';
	snprintf(rest, sizeof(rest), "%s", todo);
	if (pathf(todo, size, "%s/%s", target, rest))
		return errf(w->err, w->errlen, -ENAMETOOLONG, "%s: path too long at %s",
			    w->name, path);
	return target[0] == '/' ? enter_root(w) : 0;
}

/* Move the next component of *todo into comp ("" when none is left). */
static int next_component(struct walk *w, char **todo, char *comp, size_t size)
{
	size_t n;

	for (;;) {
		while (**todo == '/')
			(*todo)++;
		n = strcspn(*todo, "/");
		if (n != 1 || **todo != '.')
			break;
		*todo += n;	/* "." */
	}
	if (n >= size)
		return errf(w->err, w->errlen, -ENAMETOOLONG, "%s: name too long", w->name);
	memcpy(comp, *todo, n);
	comp[n] = '\0';
	*todo += n;
	return 0;
}

/* Only "/" and "." components left in todo */
static bool at_end(const char *todo)
{
	for (; *todo; todo++)
		if (*todo != '/' && !(*todo == '.' && (todo[1] == '/' || !todo[1])))
			return false;
	return true;
}

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "not a regular file";
}

/*
 * A regular file of at most w->max_size: not blocking, not runaway; in a
 * sticky directory, with no other hard link.
 */
int trusted_judge_regular(const char *name, const char *subject, const char *path,
			  const struct stat *st, off_t max_size, char *err, size_t errlen)
{
	if (!S_ISREG(st->st_mode))
		return errf(err, errlen, -EINVAL, "%s: refusing %s: %s is %s (expected a "
			    "regular file)", name, subject, path, file_kind(st->st_mode));
	if (st->st_size > max_size)
		return errf(err, errlen, -EFBIG, "%s: file is %lld bytes long (expected at "
			    "most %lld)", name, (long long)st->st_size, (long long)max_size);
	return 0;
}

static int judge_kind_size(struct walk *w, const char *path, const struct stat *st)
{
	int ret = trusted_judge_regular(w->name, w->subject, path, st, w->max_size, w->err,
					w->errlen);

	if (ret)
		return ret;
	if (w->shared && st->st_nlink > 1)
		return errf(w->err, w->errlen, -EPERM, "%s: refusing %s: %s has %lu hard links "
			    "in the sticky directory %s, where anyone may have made one; fix: "
			    "name a path that only root can change", w->name, w->subject, path,
			    (unsigned long)st->st_nlink, w->at);
	return 0;
}

/* Open the last component comp (path), judged as st, from the directory reached. */
static int open_file(struct walk *w, const char *comp, const char *path, const struct stat *st)
{
	struct stat now;
	int fd, ret;

	ret = judge_kind_size(w, path, st);
	if (!ret)
		ret = judge_owner_mode(w, "file", path, st, false);
	if (ret)
		return ret;
	fd = openat(w->dirfd, comp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errf(w->err, w->errlen, -errno, "%s: cannot open: %s", w->name,
			    strerror(errno));
	if (fstat(fd, &now))
		ret = errf(w->err, w->errlen, -errno, "%s: cannot stat: %s", w->name,
			   strerror(errno));
	else if (now.st_dev != st->st_dev || now.st_ino != st->st_ino)
		ret = errf(w->err, w->errlen, -EAGAIN, "%s: %s was replaced while it was "
			   "checked", w->name, path);
	else
		ret = judge_kind_size(w, path, &now);
	if (!ret)
		ret = judge_owner_mode(w, "file", path, &now, false);
	if (!ret)
		ret = judge_fs(w, fd, path);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/* One step: comp in the directory reached; *file is the fd once it was the file. */
static int step(struct walk *w, const char *comp, char *todo, size_t size, int *file)
{
	char path[PATH_MAX], owner[32];
	struct stat st;
	int fd, ret;

	if (!strcmp(comp, ".."))
		return enter_parent(w);
	if (join(path, sizeof(path), w->at, comp))
		return errf(w->err, w->errlen, -ENAMETOOLONG, "%s: path too long", w->name);
	if (w->parent_only && at_end(todo)) {
		/* the caller opens it, never through a link, and judges it */
		snprintf(w->last, sizeof(w->last), "%s", comp);
		*file = 0;
		return 0;
	}
	fd = openat(w->dirfd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errf(w->err, w->errlen, -errno, strcmp(path, w->name) ?
			    "%s: cannot open %s: %s" : "%s: cannot open%.0s: %s",
			    w->name, path, strerror(errno));
	/* before fstat: a FUSE daemon may never answer it */
	if ((ret = judge_fs(w, fd, path)))
		goto out;
	if (fstat(fd, &st)) {
		ret = errf(w->err, w->errlen, -errno, "%s: cannot stat %s: %s",
			   w->name, path, strerror(errno));
		goto out;
	}
	if (w->shared && !trusted(w, st.st_uid)) {
		ret = errf(w->err, w->errlen, -EPERM, "%s: refusing %s: %s is owned by "
			   "%s, who may replace it in the sticky directory %s; fix: name a "
			   "path that only root can change", w->name, w->subject, path,
			   uid_name(st.st_uid, owner, sizeof(owner)), w->at);
		goto out;
	}
	if (S_ISLNK(st.st_mode) && w->below_other) {
		ret = errf(w->err, w->errlen, -ELOOP, "%s: refusing %s: %s is a symbolic link "
			   "below a directory of %s, who could point it anywhere; fix: name the "
			   "path the link leads to", w->name, w->subject, path,
			   uid_name(w->other, owner, sizeof(owner)));
		goto out;
	}
	if (S_ISLNK(st.st_mode)) {
		ret = follow_link(w, fd, path, todo, size);
		goto out;
	}
	if (!at_end(todo))
		return enter_dir(w, fd, path);	/* takes fd */
	ret = open_file(w, comp, path, &st);
	if (ret >= 0) {
		*file = ret;
		ret = 0;
	}
out:
	close(fd);
	return ret;
}

/* Walk path from "/" (or the working directory); *file: what step() opened. */
static int walk_path(struct walk *w, const char *path, int *file)
{
	char todo[PATH_MAX], cwd[PATH_MAX], comp[NAME_MAX + 1], *p;
	int ret;

	*file = -1;
	if (!*path)
		return errf(w->err, w->errlen, -ENOENT, "%s: cannot open: %s", path,
			    strerror(ENOENT));
	/* a relative path starts at the working directory, judged all the way up */
	if (path[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return errf(w->err, w->errlen, -errno, "%s: cannot find the working directory: %s",
			    path, strerror(errno));
	if (pathf(todo, sizeof(todo), "%s/%s", path[0] == '/' ? "" : cwd, path))
		return errf(w->err, w->errlen, -ENAMETOOLONG, "%s: path too long", path);
	ret = enter_root(w);
	p = todo;
	while (!ret && *file < 0) {
		ret = next_component(w, &p, comp, sizeof(comp));
		if (ret)
			break;
		if (!comp[0]) {
			ret = errf(w->err, w->errlen, -EINVAL, "%s: refusing %s: %s is a "
				   "directory (expected a regular file)", path, w->subject, w->at);
			break;
		}
		/* follow_link() rewrites todo: keep what is left at its start */
		memmove(todo, p, strlen(p) + 1);
		p = todo;
		ret = step(w, comp, todo, sizeof(todo), file);
	}
	return ret;
}

int trusted_open(const char *path, uid_t owner, const char *subject, off_t max_size,
		 char *err, size_t errlen)
{
	struct walk w = { .name = path, .subject = subject, .max_size = max_size,
			  .owner = owner, .dirfd = -1, .err = err, .errlen = errlen };
	int ret, file;

	ret = walk_path(&w, path, &file);
	if (w.dirfd >= 0)
		close(w.dirfd);
	return ret ? ret : file;
}

static int parent_walk(struct walk *w, const char *path, struct trusted_dir *out)
{
	int ret, file;

	ret = walk_path(w, path, &file);
	if (ret) {
		if (w->dirfd >= 0)
			close(w->dirfd);
		return ret;
	}
	out->fd = w->dirfd;
	out->shared = w->shared;
	snprintf(out->name, sizeof(out->name), "%s", w->last);
	return 0;
}

int trusted_parent_replaced(const char *path, const char *subject, struct trusted_dir *out,
			    char *err, size_t errlen)
{
	struct walk w = { .name = path, .subject = subject, .parent_only = true,
			  .other_owner_ok = true, .owner = geteuid(), .dirfd = -1, .err = err,
			  .errlen = errlen };

	return parent_walk(&w, path, out);
}

int trusted_parent(const char *path, uid_t owner, const char *subject,
		   struct trusted_dir *out, char *err, size_t errlen)
{
	struct walk w = { .name = path, .subject = subject, .parent_only = true,
			  .owner = owner, .dirfd = -1, .err = err, .errlen = errlen };

	return parent_walk(&w, path, out);
}
