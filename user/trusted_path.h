/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paths that only root (or the one other uid a caller trusts) could have
 * made or changed, walked from "/" one component at a time (trusted_path.c
 * has the rules; trusted_file.c creates and replaces files in directories
 * so judged). Messages name the path as given, what is refused (subject,
 * e.g. "the policy"), the offending path, its owner and mode, and the fix.
 */
#ifndef DMAGUARD_TRUSTED_PATH_H
#define DMAGUARD_TRUSTED_PATH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * Open path for reading if it, and every directory and link on the way,
 * pass: a regular file of at most max_size bytes. Returns the fd, or -errno
 * with err set.
 */
int trusted_open(const char *path, uid_t owner, const char *subject, off_t max_size,
		 char *err, size_t errlen);

/* A regular file of at most max_size bytes (st of path): 0, or -errno with err set. */
int trusted_judge_regular(const char *name, const char *subject, const char *path,
			  const struct stat *st, off_t max_size, char *err, size_t errlen);

/* The directory holding a path's last component, judged (trusted_parent). */
struct trusted_dir {
	int fd;			/* O_PATH descriptor of the directory */
	bool shared;		/* sticky and writable by others (/tmp) */
	char name[NAME_MAX + 1];	/* the last component, not looked up */
};

/*
 * Walk every directory of path as trusted_open() does, but stop before the
 * last component: the caller creates or opens it from out->fd, never
 * through a link. Returns 0, or -errno with err set.
 */
int trusted_parent(const char *path, uid_t owner, const char *subject,
		   struct trusted_dir *out, char *err, size_t errlen);

/*
 * Open path for writing as a file only this process's user can read: every
 * directory on the way judged as by trusted_parent() (root's, or this
 * uid's; not writable by others unless sticky, and then only entries of
 * ours), the file opened O_WRONLY | O_NOFOLLOW | O_CLOEXEC | flags (e.g.
 * O_APPEND or O_TRUNC) and created mode 0600 whatever the umask. An
 * existing file must be a regular file of ours (-ELOOP for a link, -EINVAL
 * for a FIFO, a device or a directory, -EPERM for another user's), and in a
 * sticky directory have no other hard link (-EPERM); elsewhere a file with
 * another hard link is replaced by a new one. Nothing is opened for writing
 * before it is checked, and O_TRUNC applies only then. Returns the fd, or
 * -errno with err set.
 */
int file_create_private(const char *path, int flags, char *err, size_t errlen);

/*
 * trusted_parent() for a file that is only ever replaced, never written in
 * place (file_replace_public()): a directory on the way may also belong to
 * one other uid if nobody else may write it (Debian's /var/lib/prometheus
 * belongs to prometheus), but from the first such directory on no symbolic
 * link is followed (-ELOOP): that uid can then only lead the file into a
 * directory of its own, never make root write elsewhere. The trusted uid
 * besides root is this process's. Returns 0, or -errno with err set.
 */
int trusted_parent_replaced(const char *path, const char *subject, struct trusted_dir *out,
			    char *err, size_t errlen);

/*
 * Replace path atomically with a new file holding data, mode 0644 whatever
 * the umask: made beside it under a hidden name (exclusively, never through
 * a link), written, then renamed over path, in the directory judged by
 * trusted_parent_replaced(). Readers see the old file or the new one, never
 * a part. Returns 0, or -errno with err set (path is then unchanged).
 */
int file_replace_public(const char *path, const void *data, size_t len, char *err,
			size_t errlen);

#endif
