// SPDX-License-Identifier: GPL-2.0
/*
 * open-loop: open(PATH) and close it N times, as fast as it can, to make a
 * burst of open events (the open gate judges every open, successful or
 * not). Failed opens are counted, not fatal: a VFIO group node refuses a
 * second open, and a denied open is still an event.
 *
 * Usage: open-loop PATH N
 * Prints "opens=N failed=F" and exits 0; 2 on a usage error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n, i, failed = 0;
	int fd;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: open-loop PATH N\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			failed++;
		else
			close(fd);
	}
	printf("opens=%ld failed=%ld\n", n, failed);
	return 0;
}
