// SPDX-License-Identifier: GPL-2.0
/*
 * as-user UID [-l PATH] CMD [ARG...]: run CMD as UID (group UID, no
 * supplementary groups), the way an unprivileged local user would.
 * With -l, first open PATH read-only and flock() it exclusively; the
 * descriptor stays open across the exec, so CMD holds the lock (e.g.
 * `as-user 1000 -l /sys/fs/bpf sleep 600 &`). Exit 127 when the lock or the
 * identity change fails (the reason on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *lock = NULL;
	uid_t uid;
	int i = 2;

	if (argc < 3) {
		fprintf(stderr, "usage: as-user UID [-l PATH] CMD [ARG...]\n");
		return 2;
	}
	uid = (uid_t)strtoul(argv[1], NULL, 10);
	if (!strcmp(argv[2], "-l") && argc >= 5) {
		lock = argv[3];
		i = 4;
	}
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid)) {
		fprintf(stderr, "as-user: cannot become uid %u: %s\n", uid, strerror(errno));
		return 127;
	}
	if (lock) {
		int fd = open(lock, O_RDONLY);

		if (fd < 0 || flock(fd, LOCK_EX)) {
			fprintf(stderr, "as-user: cannot lock %s: %s\n", lock, strerror(errno));
			return 127;
		}
	}
	execvp(argv[i], argv + i);
	fprintf(stderr, "as-user: cannot run %s: %s\n", argv[i], strerror(errno));
	return 127;
}
