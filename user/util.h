/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers every part of the loader uses. */
#ifndef DMAGUARD_UTIL_H
#define DMAGUARD_UTIL_H

#include <stddef.h>

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

#endif
