// SPDX-License-Identifier: GPL-2.0
/*
 * Trusting where the pins live. Whoever can change a directory on the way
 * to a pin can unpin it, and with the links enforcement goes; bpffs mounted
 * without mode= is 1777. So dmaguard pins only below directories nobody
 * else can change:
 *
 * - every directory from / down to DIR's parent is owned by root (or by
 *   this process's user) and not writable by group or others, unless it is
 *   sticky: others may then add names but cannot rename or remove ours;
 * - DIR, DIR-new, DIR-old and their links/ and progs/ are ours and not
 *   writable by others (dmaguard makes them 0700). A name someone else made
 *   first is never reused: it is refused, naming its owner;
 * - loads and unloads are serialised by flock() on DIR-lock, a 0700
 *   directory of ours: a user who cannot open it cannot hold its lock (a
 *   lock on the bpffs root, which anyone can open, could be held forever).
 *
 * The parent is walked component by component with O_NOFOLLOW and kept
 * open; names in it are made, checked and renamed through that descriptor.
 * Paths below DIR are used by name (libbpf pins by path): every directory
 * they pass is one that only root can change, so they resolve as checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "pindir.h"
#include "util.h"

static bool trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/*
 * st (of path) is a directory of ours that nobody else may write; a sticky
 * one writable by others passes where sticky_ok (the parent chain).
 */
static int check_private(const struct stat *st, const char *path, bool sticky_ok, char *err,
			 size_t len)
{
	if (!trusted_owner(st->st_uid))
		return errf(err, len, -EEXIST,
			    "%s belongs to uid %u, not to root: dmaguard does not pin into "
			    "(or remove) what another user made; remove it and find out who made it",
			    path, (unsigned int)st->st_uid);
	if (!S_ISDIR(st->st_mode))
		return errf(err, len, -ENOTDIR, "%s is not a directory: dmaguard did not make it",
			    path);
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(sticky_ok && (st->st_mode & S_ISVTX)))
		return errf(err, len, -EACCES,
			    "%s is writable by others (mode %04o): they could take dmaguard's pins "
			    "away; make it writable by root only", path,
			    (unsigned int)(st->st_mode & 07777));
	return 0;
}

/* Walk "/" down to pd->parent, each directory checked, the last kept open. */
static int open_parent(struct pindir *pd, char *err, size_t len)
{
	char shown[PATH_MAX], comp[NAME_MAX + 1];
	const char *end = pd->parent, *p;
	struct stat st;
	int fd, next, r;
	size_t n;

	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (;;) {
		snprintf(shown, sizeof(shown), "%.*s",
			 end == pd->parent ? 1 : (int)(end - pd->parent), pd->parent);
		if (fd < 0 || fstat(fd, &st)) {
			r = errf(err, len, -errno, "cannot open %s: %s", shown, strerror(errno));
			goto fail;
		}
		r = check_private(&st, shown, true, err, len);
		if (r)
			goto fail;
		for (p = end; *p == '/'; p++)
			;
		n = strcspn(p, "/");
		if (!n)
			break;
		snprintf(comp, sizeof(comp), "%.*s", (int)n, p);
		next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		end = p + n;
	}
	pd->parent_fd = fd;
	pd->shared_parent = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return r;
}

int pindir_open(struct pindir *pd, const char *dir, char *err, size_t len)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(dir, '/');
	const char *name = slash ? slash + 1 : dir;

	memset(pd, 0, sizeof(*pd));
	pd->parent_fd = pd->lock_fd = -1;
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..") || strlen(name) > NAME_MAX - 8)
		return errf(err, len, -EINVAL, "%s cannot be a pin directory (it needs a name of "
			    "its own)", dir);
	if (pindir_parent(dir, parent, sizeof(parent)))
		return errf(err, len, -ENAMETOOLONG, "pin directory name too long: %s", dir);
	if (!realpath(parent, pd->parent))
		return errf(err, len, -errno, "cannot resolve %s, where %s would be: %s", parent,
			    dir, strerror(errno));
	if (pathf(pd->path, sizeof(pd->path), "%s%s%s", pd->parent,
		  strcmp(pd->parent, "/") ? "/" : "", name))
		return errf(err, len, -ENAMETOOLONG, "pin directory name too long: %s", dir);
	pd->name = pd->path + strlen(pd->path) - strlen(name);
	return open_parent(pd, err, len);
}

/* Whether the parent is the root of a mount (of bpffs, when run checks it). */
static bool parent_is_mount(const struct pindir *pd)
{
	struct stat here, up;

	return !fstat(pd->parent_fd, &here) && !fstatat(pd->parent_fd, "..", &up, 0) &&
	       (here.st_dev != up.st_dev || here.st_ino == up.st_ino);
}

void pindir_shared_warning(const struct pindir *pd, char *buf, size_t len)
{
	struct stat st;

	buf[0] = '\0';
	if (!pd->shared_parent || fstat(pd->parent_fd, &st))
		return;
	if (parent_is_mount(pd))
		snprintf(buf, len, "%s is writable by others (mode %04o): a user can squat the "
			 "names dmaguard pins there (and dmaguard then refuses them); mount it "
			 "with 'mount -t bpf -o mode=0700 bpf %s', as systemd does",
			 pd->parent, (unsigned int)(st.st_mode & 07777), pd->parent);
	else
		snprintf(buf, len, "%s is writable by others (mode %04o): a user can squat the "
			 "names dmaguard pins there (and dmaguard then refuses them); "
			 "chmod 0700 it, as a bpffs mounted with mode=0700 is", pd->parent,
			 (unsigned int)(st.st_mode & 07777));
}

/* NAME in the parent, or NAME/SUB: 0 ours, -ENOENT absent, else refused with err. */
static int check_entry(const struct pindir *pd, const char *name, const char *sub, char *err,
		       size_t len)
{
	char rel[PATH_MAX], shown[PATH_MAX];
	struct stat st;

	if (pathf(rel, sizeof(rel), "%s%s%s", name, sub ? "/" : "", sub ? sub : "") ||
	    pathf(shown, sizeof(shown), "%s/%s", pd->parent, rel))
		return errf(err, len, -ENAMETOOLONG, "pin directory name too long: %s", pd->path);
	if (fstatat(pd->parent_fd, rel, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? -ENOENT :
		       errf(err, len, -errno, "cannot inspect %s: %s", shown, strerror(errno));
	return check_private(&st, shown, false, err, len);
}

int pindir_check_tree(const struct pindir *pd, const char *name, bool *has_links, char *err,
		      size_t len)
{
	int r = check_entry(pd, name, NULL, err, len);

	if (has_links)
		*has_links = false;
	if (r)
		return r;
	r = check_entry(pd, name, "links", err, len);
	if (has_links)
		*has_links = !r;
	if (r && r != -ENOENT)
		return r;
	r = check_entry(pd, name, "progs", err, len);
	return r == -ENOENT ? 0 : r;
}

int pindir_make_new(const struct pindir *pd, char *tmp, size_t tmplen, char *err, size_t len)
{
	return pindir_make_sibling(pd, "-new", tmp, tmplen, err, len);
}

int pindir_make_sibling(const struct pindir *pd, const char *suffix, char *tmp, size_t tmplen,
			char *err, size_t len)
{
	char name[NAME_MAX + 1], sub[PATH_MAX];
	int r;

	if (pathf(name, sizeof(name), "%s%s", pd->name, suffix) ||
	    pathf(tmp, tmplen, "%s%s", pd->path, suffix))
		return errf(err, len, -ENAMETOOLONG, "pin directory name too long: %s", pd->path);
	if (mkdirat(pd->parent_fd, name, 0700)) {
		if (errno != EEXIST)
			return errf(err, len, -errno, "cannot create %s: %s", tmp, strerror(errno));
		/* ours: left over by a load that crashed (the lock is held: no load runs) */
		r = pindir_check_tree(pd, name, NULL, err, len);
		if (r)
			return r;
		r = pindir_remove(tmp);
		if (r)
			return errf(err, len, r, "cannot remove %s, left over by an interrupted "
				    "load: %s", tmp, strerror(-r));
		/* exclusively: a name someone else made meanwhile is not ours */
		if (mkdirat(pd->parent_fd, name, 0700))
			return errf(err, len, -errno, "cannot create %s: %s", tmp, strerror(errno));
	}
	pathf(sub, sizeof(sub), "%s/links", tmp);
	if (mkdir(sub, 0700))
		return errf(err, len, -errno, "cannot create %s: %s", sub, strerror(errno));
	pathf(sub, sizeof(sub), "%s/progs", tmp);
	if (mkdir(sub, 0700))
		return errf(err, len, -errno, "cannot create %s: %s", sub, strerror(errno));
	return 0;
}

int pindir_owner_of(const struct pindir *pd, const char *name)
{
	struct stat st;

	if (fstatat(pd->parent_fd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -1;
	return (int)st.st_uid;
}

/* The pid holding a lock on the file st describes, from /proc/locks; 0 unknown. */
static int lock_holder(const struct stat *st)
{
	unsigned long long ino;
	unsigned int maj, min;
	char line[256];
	int pid, holder = 0;
	FILE *f = fopen("/proc/locks", "re");

	if (!f)
		return 0;
	while (!holder && fgets(line, sizeof(line), f)) {
		/* "1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF" */
		if (sscanf(line, "%*d: FLOCK %*s %*s %d %x:%x:%llu", &pid, &maj, &min, &ino) == 4 &&
		    maj == major(st->st_dev) && min == minor(st->st_dev) && ino == st->st_ino)
			holder = pid;
	}
	fclose(f);
	return holder;
}

/*
 * Open DIR-lock (made if missing) and check it: 0 with *fd, -EAGAIN when it
 * went away meanwhile, else refused with err.
 */
static int open_lock(const struct pindir *pd, const char *name, int *fd, char *err, size_t len)
{
	struct stat st;
	int r;

	if (mkdirat(pd->parent_fd, name, 0700) && errno != EEXIST)
		return errf(err, len, -errno, "cannot create %s/%s: %s", pd->parent, name,
			    strerror(errno));
	r = check_entry(pd, name, NULL, err, len);
	if (r == -ENOENT)
		return -EAGAIN;
	if (r)
		return r;
	*fd = openat(pd->parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0)
		return errno == ENOENT ? -EAGAIN :
		       errf(err, len, -errno, "cannot open %s/%s: %s", pd->parent, name,
			    strerror(errno));
	/* nobody else may open it, or they could hold the lock */
	if (fstat(*fd, &st) || !trusted_owner(st.st_uid) || (st.st_mode & 077)) {
		close(*fd);
		return errf(err, len, -EACCES, "%s/%s is open to others (mode %04o): remove it; "
			    "dmaguard makes it again, 0700", pd->parent, name,
			    (unsigned int)(st.st_mode & 07777));
	}
	return 0;
}

/* Whether the lock fd holds is still the one named DIR-lock (not removed meanwhile). */
static bool lock_is_current(const struct pindir *pd, const char *name, int fd)
{
	struct stat held, now;

	return !fstat(fd, &held) && !fstatat(pd->parent_fd, name, &now, AT_SYMLINK_NOFOLLOW) &&
	       held.st_dev == now.st_dev && held.st_ino == now.st_ino;
}

int pindir_lock(struct pindir *pd, int timeout_ms, char *err, size_t len)
{
	char name[NAME_MAX + 1];
	int fd, r, waited, holder = 0;
	struct stat st;

	if (pathf(name, sizeof(name), "%s-lock", pd->name))
		return errf(err, len, -ENAMETOOLONG, "pin directory name too long: %s", pd->path);
	for (waited = 0;; waited += 10) {
		fd = -1;
		r = open_lock(pd, name, &fd, err, len);
		if (r && r != -EAGAIN)
			return r;
		if (!r && !flock(fd, LOCK_EX | LOCK_NB)) {
			if (lock_is_current(pd, name, fd)) {
				pd->lock_fd = fd;
				return 0;
			}
			/* an unload removed it while we waited: take the new one */
		}
		if (!r && waited >= timeout_ms && !fstat(fd, &st))
			holder = lock_holder(&st);
		if (fd >= 0)
			close(fd);
		if (waited >= timeout_ms)
			break;
		usleep(10000);
	}
	if (holder)
		return errf(err, len, -EBUSY, "%s/%s is locked by pid %d for %d s (another "
			    "dmaguard loading or unloading?); nothing changed", pd->parent, name,
			    holder, timeout_ms / 1000);
	return errf(err, len, -EBUSY, "%s/%s stayed locked for %d s (another dmaguard loading "
		    "or unloading?); nothing changed", pd->parent, name, timeout_ms / 1000);
}

void pindir_close(struct pindir *pd)
{
	char name[NAME_MAX + 1];

	/* nothing pinned: nothing to serialise; a waiter sees it go (lock_is_current) */
	if (pd->lock_fd >= 0 && pd->parent_fd >= 0 && !pathf(name, sizeof(name), "%s-lock", pd->name) &&
	    pindir_owner_of(pd, pd->name) < 0)
		unlinkat(pd->parent_fd, name, AT_REMOVEDIR);
	if (pd->lock_fd >= 0)
		close(pd->lock_fd);
	if (pd->parent_fd >= 0)
		close(pd->parent_fd);
	pd->lock_fd = pd->parent_fd = -1;
}
