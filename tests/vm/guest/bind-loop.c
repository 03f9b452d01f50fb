// SPDX-License-Identifier: GPL-2.0
/*
 * bind-loop: bind a device in a tight loop, counting what the kernel says.
 *
 *   bind-loop DEV DRIVER STOP [PROGRESS]
 *
 * Writes DEV to /sys/bus/pci/drivers/DRIVER/bind, without pause, until the
 * file STOP exists. Counts attempts, successes (the write returned its
 * length) and failures; after a failure the device must still have no
 * driver, else the attempt counts as a success (a bind that went through).
 * Every 50 attempts it rewrites PROGRESS (if given) with the counts so far.
 * At the end it prints one line:
 *   attempts=A ok=S fail=F errno=NAME
 * (NAME: the errno of the last failure). Exit 0, or 1 when a system call
 * other than the bind write fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counts {
	unsigned long attempts, ok, fail;
	int last_errno;
};

static int bound(const char *dev)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", dev);
	return access(path, F_OK) == 0;
}

static int bind_once(const char *bind, const char *dev, struct counts *c)
{
	size_t n = strlen(dev);
	ssize_t w;
	int fd;

	fd = open(bind, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "bind-loop: open %s: %s\n", bind, strerror(errno));
		return -1;
	}
	w = write(fd, dev, n);
	if (w < 0)
		c->last_errno = errno;
	close(fd);
	c->attempts++;
	if (w == (ssize_t)n || bound(dev))
		c->ok++;
	else
		c->fail++;
	return 0;
}

static void progress(const char *path, const struct counts *c)
{
	char tmp[PATH_MAX];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "attempts=%lu ok=%lu fail=%lu\n", c->attempts, c->ok, c->fail);
	fclose(f);
	rename(tmp, path);
}

int main(int argc, char **argv)
{
	struct counts c = { 0 };
	char bind[PATH_MAX];

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: bind-loop DEV DRIVER STOP [PROGRESS]\n");
		return 2;
	}
	snprintf(bind, sizeof(bind), "/sys/bus/pci/drivers/%s/bind", argv[2]);
	while (access(argv[3], F_OK)) {
		if (bind_once(bind, argv[1], &c))
			return 1;
		if (argc == 5 && c.attempts % 50 == 0)
			progress(argv[4], &c);
	}
	if (argc == 5)
		progress(argv[4], &c);
	printf("attempts=%lu ok=%lu fail=%lu errno=%s\n", c.attempts, c.ok, c.fail,
	       c.last_errno ? strerrorname_np(c.last_errno) : "none");
	return 0;
}
