/* SPDX-License-Identifier: GPL-2.0 */
/* Run a command handler in-process with its stdout and stderr captured. */
#ifndef DMAGUARD_CLI_CAPTURE_H
#define DMAGUARD_CLI_CAPTURE_H

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "unit.h"

struct output {
	int rc;
	char out[1 << 17];
	char err[1 << 14];
};

static inline void slurp(int fd, char *buf, size_t size)
{
	ssize_t n, len = 0;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
}

static inline int capture_fd(int target, int *saved)
{
	char path[] = "/tmp/dmaguard-out-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		UNIT_FAIL("mkstemp: %s", strerror(errno));
	unlink(path);
	*saved = dup(target);
	dup2(fd, target);
	return fd;
}

/*
 * Run a command handler with argv {name, args..., NULL}, capturing its output.
 * The result lives until the next run().
 */
static inline struct output *run(const struct command *cmd, const char *name, ...)
{
	static struct output result;
	struct output *o = &result;
	char *argv[32];
	int argc = 0, out_fd, err_fd, saved_out, saved_err;
	va_list ap;
	char *a;

	argv[argc++] = (char *)name;
	va_start(ap, name);
	while ((a = va_arg(ap, char *)) && argc < 31)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	out_fd = capture_fd(1, &saved_out);
	err_fd = capture_fd(2, &saved_err);
	o->rc = cli_run(cmd, argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	slurp(out_fd, o->out, sizeof(o->out));
	slurp(err_fd, o->err, sizeof(o->err));
	close(out_fd);
	close(err_fd);
	return o;
}

#endif
