// SPDX-License-Identifier: GPL-2.0
/*
 * race-swap MODE DIR NAME TARGET STOP: what the owner of DIR does to a file
 * root keeps at DIR/NAME by writing a temporary file beside it and renaming
 * it over NAME. Until STOP exists, watch DIR (inotify) and, as soon as an
 * entry whose name starts with ".NAME." appears, replace it:
 *   symlink   unlink it, then a symbolic link to TARGET in its place
 *   hardlink  unlink it, then a hard link to TARGET in its place
 *   fifo      unlink it, then a FIFO in its place
 * and after every event put the same thing at NAME again (a symbolic link,
 * hard link or FIFO), in case root follows or opens it. MODE dirswap
 * instead renames DIR away and puts a symbolic link to TARGET at DIR's name,
 * then back, in a tight loop. Prints "seen=N swapped=M" after each
 * temporary name seen (M: those replaced), and on exit "swapped=N" (for
 * dirswap: the swaps) and "seen=N". Run it
 * as the owner (as-user). Exit 1 on a setup failure, 2 on usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *mode, *target;
static int dirfd_;
/* the temporary names replaced last: their own IN_CREATE is not root's */
static char planted[16][NAME_MAX + 1];
static unsigned int next_planted;

static int was_planted(const char *name)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		if (!strcmp(planted[i], name))
			return 1;
	return 0;
}

/* put the mode's thing at name; 0 or -errno */
static int plant(const char *name)
{
	int r;

	unlinkat(dirfd_, name, 0);
	if (!strcmp(mode, "symlink"))
		r = symlinkat(target, dirfd_, name);
	else if (!strcmp(mode, "hardlink"))
		r = linkat(AT_FDCWD, target, dirfd_, name, 0);
	else
		r = mkfifoat(dirfd_, name, 0666);
	return r ? -errno : 0;
}

static int dirswap(const char *dir, const char *stop)
{
	char away[PATH_MAX];
	unsigned long n = 0;

	snprintf(away, sizeof(away), "%s.away", dir);
	while (access(stop, F_OK)) {
		if (rename(dir, away))
			continue;
		if (!symlink(target, dir))
			n++;
		usleep(200);
		unlink(dir);
		rename(away, dir);
		usleep(200);
	}
	printf("swapped=%lu\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	char buf[4096] __attribute__((aligned(8))), prefix[NAME_MAX + 2];
	unsigned long swapped = 0, seen = 0;
	const char *name, *stop;
	int in;

	if (argc != 6) {
		fprintf(stderr, "usage: race-swap symlink|hardlink|fifo|dirswap DIR NAME TARGET STOP\n");
		return 2;
	}
	mode = argv[1], name = argv[3], target = argv[4], stop = argv[5];
	if (!strcmp(mode, "dirswap"))
		return dirswap(argv[2], stop);
	dirfd_ = open(argv[2], O_PATH | O_DIRECTORY);
	in = inotify_init1(IN_NONBLOCK);
	if (dirfd_ < 0 || in < 0 || inotify_add_watch(in, argv[2], IN_CREATE | IN_MOVED_TO) < 0) {
		perror(argv[2]);
		return 1;
	}
	snprintf(prefix, sizeof(prefix), ".%s.", name);
	plant(name);
	printf("watching\n");
	fflush(stdout);
	while (access(stop, F_OK)) {
		struct pollfd p = { .fd = in, .events = POLLIN };
		ssize_t n;
		char *at;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(in, buf, sizeof(buf));
		for (at = buf; n > 0 && at < buf + n;) {
			struct inotify_event *e = (void *)at;

			at += sizeof(*e) + e->len;
			if (!e->len || strncmp(e->name, prefix, strlen(prefix)))
				continue;
			if (was_planted(e->name))
				continue;
			seen++;
			snprintf(planted[next_planted++ % 16], NAME_MAX + 1, "%s", e->name);
			if (!plant(e->name))
				swapped++;
			printf("seen=%lu swapped=%lu\n", seen, swapped);
			fflush(stdout);
		}
		plant(name);
	}
	printf("swapped=%lu\nseen=%lu\n", swapped, seen);
	return 0;
}
