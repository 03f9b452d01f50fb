// SPDX-License-Identifier: GPL-2.0
/*
 * write-file FILE VALUE: write "VALUE\n" to FILE with one write(2), like
 * `echo VALUE > FILE`, but report why it failed: on failure prints
 * "ERRNAME message" (e.g. "ENODEV No such device") on stdout and exits 1.
 * busybox sh reports no errno for a failed sysfs write.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *errname(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" },
		{ ENXIO, "ENXIO" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { EAGAIN, "EAGAIN" },
		{ EOPNOTSUPP, "EOPNOTSUPP" },
	};
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

int main(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;
	int len, fd;

	if (argc != 3) {
		fprintf(stderr, "usage: write-file FILE VALUE\n");
		return 2;
	}
	len = snprintf(buf, sizeof(buf), "%s\n", argv[2]);
	if (len < 0 || (size_t)len >= sizeof(buf)) {
		fprintf(stderr, "write-file: value too long\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		printf("%s %s\n", errname(errno), strerror(errno));
		return 1;
	}
	n = write(fd, buf, (size_t)len);
	if (n < 0) {
		printf("%s %s\n", errname(errno), strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}
