/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers every part of the loader uses. */
#ifndef DMAGUARD_UTIL_H
#define DMAGUARD_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * snprintf for paths: a path that does not fit is an error (-ENAMETOOLONG,
 * errno set), never silently cut.
 */
int pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Drop trailing slashes ("/sys/fs/bpf/dmaguard/" -> "/sys/fs/bpf/dmaguard"). */
char *path_trim(char *path);

/* Format a message into err (len bytes) and return code: `return errf(...)`. */
int errf(char *err, size_t len, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Read up to size bytes from fd, retrying EINTR; fewer only at end of file. */
ssize_t read_full(int fd, char *buf, size_t size);

/*
 * Read the small regular file dfd/name (a sysfs or procfs attribute; dfd may
 * be AT_FDCWD) into buf, NUL-terminated. Never blocks and never reads more
 * than size - 1 bytes: a name that is not a regular file (a FIFO, a device,
 * a directory) is -EINVAL, a symbolic link as its last component -ELOOP (an
 * attribute is a file; links on the way are followed), a longer file
 * -EFBIG. Returns the length read or -errno.
 */
ssize_t read_small_file_at(int dfd, const char *name, char *buf, size_t size);

/* --- reading sysfs and procfs trees (topology, owners, VFIO nodes) --------- */

/* Make room for need elements of elem bytes in *arr (capacity *cap): 0 or -ENOMEM. */
int array_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* Copy src into dst[size]; true when it had to be cut. */
bool name_copy(char *dst, size_t size, const char *src);

/* read_small_file_at() with trailing whitespace removed: 0 or -errno. */
int attr_read_at(int dfd, const char *name, char *buf, size_t size);

/* Basename of the link dfd/name into buf, cut to size (*cut, if not NULL, says so). */
int link_basename_at(int dfd, const char *name, char *buf, size_t size, bool *cut);

/*
 * The one parser of IOMMU group ids (directory and link names) and pids:
 * decimal, no sign, fits an int. 0, or -EINVAL / -ERANGE.
 */
int parse_id(const char *s, int *id);

/* Open dirfd/path as a directory stream; NULL (errno set) if it is not one. */
DIR *dir_open_at(int dirfd, const char *path);

#endif
