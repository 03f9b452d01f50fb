/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers every part of the loader uses. */
#ifndef DMAGUARD_UTIL_H
#define DMAGUARD_UTIL_H

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

/*
 * Read the small regular file dfd/name (a sysfs or procfs attribute; dfd may
 * be AT_FDCWD) into buf, NUL-terminated. Never blocks and never reads more
 * than size - 1 bytes: a name that is not a regular file (a FIFO, a device,
 * a directory) is -EINVAL, a symbolic link as its last component -ELOOP (an
 * attribute is a file; links on the way are followed), a longer file
 * -EFBIG. Returns the length read or -errno.
 */
ssize_t read_small_file_at(int dfd, const char *name, char *buf, size_t size);

#endif
