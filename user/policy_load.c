// SPDX-License-Identifier: GPL-2.0
/*
 * Policy files (refusing what anyone but root could have written) and
 * first-match evaluation with the shared matcher of include/match.h, the
 * same code the BPF programs run.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "match.h"
#include "policy.h"
#include "util.h"

/* --- who could have written it -------------------------------------------- */

/*
 * Whoever can write the policy file, or replace it or a directory on the way
 * to it, decides what the enforcer allows. So, as sshd's StrictModes, the
 * file and every directory traversed to reach it must belong to root (or to
 * the one other uid the caller trusts: unit tests pass their own) and be
 * writable by no one else.
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
 * then be trusted-owned.
 */

/* Resolving: at most this many symbolic links, as the kernel (MAXSYMLINKS). */
#define TRUST_MAX_LINKS 40

struct walk {
	const char *name;	/* the path as given, first in every message */
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

/* The owner and mode bits shared by files and directories. */
static int judge_owner_mode(struct walk *w, const char *what, const char *path,
			    const struct stat *st, bool sticky_ok)
{
	char owner[32], allowed[48];
	mode_t mode = st->st_mode & 07777;

	if (!trusted(w, st->st_uid))
		return errf(w->err, w->errlen, -EPERM,
			    "%s: refusing the policy: %s %s is owned by %s (mode %04o) and only %s "
			    "may write a policy or a directory above it; fix: chown root %s",
			    w->name, what, path, uid_name(st->st_uid, owner, sizeof(owner)),
			    (unsigned)mode, may_own(w, allowed, sizeof(allowed)), path);
	if (!(mode & (S_IWGRP | S_IWOTH)) || (sticky_ok && (mode & S_ISVTX)))
		return 0;
	snprintf(allowed, sizeof(allowed), "group %u", (unsigned)st->st_gid);
	return errf(w->err, w->errlen, -EPERM,
		    "%s: refusing the policy: %s %s is writable by %s (owner %s, mode %04o); "
		    "fix: chmod go-w %s", w->name, what, path,
		    mode & S_IWOTH ? "every user" : allowed,
		    uid_name(st->st_uid, owner, sizeof(owner)), (unsigned)mode, path);
}

/* Make fd (directory path) the directory reached, once judged. */
static int enter_dir(struct walk *w, int fd, const char *path)
{
	struct stat st;
	int ret;

	if (fstat(fd, &st))
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

/* A regular file of at most POLICY_MAX_BYTES: not blocking, not runaway. */
static int judge_kind_size(const char *name, const char *path, const struct stat *st,
			   char *err, size_t errlen)
{
	if (!S_ISREG(st->st_mode))
		return errf(err, errlen, -EINVAL, "%s: refusing the policy: %s is %s "
			    "(expected a regular file)", name, path, file_kind(st->st_mode));
	if (st->st_size > POLICY_MAX_BYTES)
		return errf(err, errlen, -EFBIG, "%s: file is %lld bytes long (expected at "
			    "most %d)", name, (long long)st->st_size, POLICY_MAX_BYTES);
	return 0;
}

/* Open the last component comp (path), judged as st, from the directory reached. */
static int open_file(struct walk *w, const char *comp, const char *path, const struct stat *st)
{
	struct stat now;
	int fd, ret;

	ret = judge_kind_size(w->name, path, st, w->err, w->errlen);
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
		ret = judge_kind_size(w->name, path, &now, w->err, w->errlen);
	if (!ret)
		ret = judge_owner_mode(w, "file", path, &now, false);
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
	fd = openat(w->dirfd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errf(w->err, w->errlen, -errno, strcmp(path, w->name) ?
			    "%s: cannot open %s: %s" : "%s: cannot open%.0s: %s",
			    w->name, path, strerror(errno));
	if (fstat(fd, &st)) {
		ret = errf(w->err, w->errlen, -errno, "%s: cannot stat %s: %s",
			   w->name, path, strerror(errno));
		goto out;
	}
	if (w->shared && !trusted(w, st.st_uid)) {
		ret = errf(w->err, w->errlen, -EPERM, "%s: refusing the policy: %s is owned by "
			   "%s, who may replace it in the sticky directory %s; fix: name a "
			   "path that only root can change", w->name, path,
			   uid_name(st.st_uid, owner, sizeof(owner)), w->at);
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

int policy_open_trusted(const char *path, uid_t owner, char *err, size_t errlen)
{
	struct walk w = { .name = path, .owner = owner, .dirfd = -1, .err = err,
			  .errlen = errlen };
	char todo[PATH_MAX], cwd[PATH_MAX], comp[NAME_MAX + 1], *p;
	int ret, file = -1;

	if (!*path)
		return errf(err, errlen, -ENOENT, "%s: cannot open: %s", path, strerror(ENOENT));
	/* a relative path starts at the working directory, judged all the way up */
	if (path[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return errf(err, errlen, -errno, "%s: cannot find the working directory: %s",
			    path, strerror(errno));
	if (pathf(todo, sizeof(todo), "%s/%s", path[0] == '/' ? "" : cwd, path))
		return errf(err, errlen, -ENAMETOOLONG, "%s: path too long", path);
	ret = enter_root(&w);
	p = todo;
	while (!ret && file < 0) {
		ret = next_component(&w, &p, comp, sizeof(comp));
		if (ret)
			break;
		if (!comp[0]) {
			ret = errf(err, errlen, -EINVAL, "%s: refusing the policy: %s is a "
				   "directory (expected a regular file)", path, w.at);
			break;
		}
		/* follow_link() rewrites todo: keep what is left at its start */
		memmove(todo, p, strlen(p) + 1);
		p = todo;
		ret = step(&w, comp, todo, sizeof(todo), &file);
	}
	if (w.dirfd >= 0)
		close(w.dirfd);
	return ret ? ret : file;
}

/* --- loading -------------------------------------------------------------- */

int policy_load_fd(int fd, const char *name, struct policy *out, char *err, size_t errlen)
{
	char *buf;
	ssize_t len;
	int ret = 0;

	/* One byte more than the limit, to see a file that grew meanwhile. */
	buf = malloc(POLICY_MAX_BYTES + 1);
	if (!buf)
		return errf(err, errlen, -ENOMEM, "%s: out of memory", name);
	len = read_full(fd, buf, POLICY_MAX_BYTES + 1);
	if (len < 0)
		ret = errf(err, errlen, (int)len, "%s: cannot read: %s", name, strerror((int)-len));
	else if (policy_parse(name, buf, len, out, err, errlen))
		ret = -EINVAL;
	free(buf);
	return ret;
}

int policy_load_trusted(const char *path, uid_t owner, struct policy *out,
			char *err, size_t errlen)
{
	int fd, ret;

	fd = policy_open_trusted(path, owner, err, errlen);
	if (fd < 0)
		return fd;
	ret = policy_load_fd(fd, path, out, err, errlen);
	close(fd);
	return ret;
}

int policy_load(const char *path, struct policy *out, char *err, size_t errlen)
{
	return policy_load_trusted(path, POLICY_OWNER, out, err, errlen);
}

/* What run would say about path, in warn ("" if it would take it). */
static void trust_warning(const char *path, char *warn, size_t warnlen)
{
	int fd;

	if (!warn || !warnlen)
		return;
	fd = policy_open_trusted(path, POLICY_OWNER, warn, warnlen);
	if (fd >= 0) {
		close(fd);
		warn[0] = '\0';
	}
}

int policy_load_draft(const char *path, struct policy *out, char *warn, size_t warnlen,
		      char *err, size_t errlen)
{
	struct stat st;
	int fd, ret;

	if (warn && warnlen)
		warn[0] = '\0';
	/* O_NONBLOCK: a FIFO must be refused, not waited on. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return errf(err, errlen, -errno, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st))
		ret = errf(err, errlen, -errno, "%s: cannot stat: %s", path, strerror(errno));
	else
		ret = judge_kind_size(path, path, &st, err, errlen);
	if (!ret) {
		trust_warning(path, warn, warnlen);
		ret = policy_load_fd(fd, path, out, err, errlen);
	}
	close(fd);
	return ret;
}

/* --- evaluation ----------------------------------------------------------- */

static __u32 rule_count(const struct policy *p)
{
	return p->hdr.n_rules < DG_MAX_RULES ? p->hdr.n_rules : DG_MAX_RULES;
}

__u8 policy_eval_bind(const struct policy *p, const struct dg_bind_subject *s,
		      const struct dg_rule **matched, __u8 *reason)
{
	__u32 i, n = rule_count(p);

	*matched = NULL;
	for (i = 0; i < n && !*matched; i++)
		if (dg_bind_rule_matches(&p->rules[i], s))
			*matched = &p->rules[i];
	return dg_decide(&p->hdr, *matched, DG_ACT_BIND, reason);
}

__u8 policy_eval_open(const struct policy *p, const struct dg_open_subject *s,
		      const struct dg_rule **matched, __u8 *reason)
{
	__u32 i, n = rule_count(p);

	*matched = NULL;
	for (i = 0; i < n && !*matched; i++)
		if (dg_open_rule_matches(&p->rules[i], s))
			*matched = &p->rules[i];
	return dg_decide(&p->hdr, *matched, DG_ACT_OPEN, reason);
}

const char *policy_verdict_name(__u8 verdict)
{
	switch (verdict) {
	case DG_ALLOW:
		return "allow";
	case DG_DENY:
		return "deny";
	case DG_AUDIT:
		return "audit";
	}
	return "unknown";
}

const char *policy_reason_name(__u8 reason)
{
	switch (reason) {
	case DG_REASON_RULE:
		return "rule";
	case DG_REASON_DEFAULT:
		return "default";
	case DG_REASON_MIXED:
		return "mixed-ownership";
	case DG_REASON_KERNEL_REFUSED:
		return "kernel-refused";
	case DG_REASON_NONE:
		return "none";
	}
	return "unknown";
}

const char *policy_dma_name(__u8 dma)
{
	switch (dma) {
	case DG_DMA_KERNEL:
		return "kernel";
	case DG_DMA_USER:
		return "user";
	}
	return "unknown";
}
