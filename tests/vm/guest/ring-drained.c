// SPDX-License-Identifier: GPL-2.0
/*
 * ring-drained [-w SECONDS] MAP: exit 0 once the pinned BPF ring buffer MAP
 * has been read to the end (its consumer position equals its producer
 * position), 1 if it has not been within SECONDS (default 0: look once).
 *
 * The barrier for negative checks: an event is in the ring when the sysfs
 * write or open that caused it returns, and libbpf moves the consumer
 * position past a record only after the daemon's callback has written it
 * out. So once the ring is drained, an event that is not in the output
 * file never will be, with no fixed sleep.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>

static int drained(int fd, long page)
{
	unsigned long *cons, *prod;
	int r;

	cons = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (cons == MAP_FAILED)
		return -1;
	prod = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, page);
	if (prod == MAP_FAILED) {
		munmap(cons, page);
		return -1;
	}
	r = __atomic_load_n(cons, __ATOMIC_ACQUIRE) == __atomic_load_n(prod, __ATOMIC_ACQUIRE);
	munmap(prod, page);
	munmap(cons, page);
	return r;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), waited_ms = 0, limit_ms = 0;
	int c, fd, r;

	while ((c = getopt(argc, argv, "w:")) != -1) {
		if (c != 'w') {
			fprintf(stderr, "usage: ring-drained [-w SECONDS] MAP\n");
			return 2;
		}
		limit_ms = atol(optarg) * 1000;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: ring-drained [-w SECONDS] MAP\n");
		return 2;
	}
	fd = bpf_obj_get(argv[optind]);
	if (fd < 0) {
		perror(argv[optind]);
		return 2;
	}
	while ((r = drained(fd, page)) == 0 && waited_ms < limit_ms) {
		usleep(20000);
		waited_ms += 20;
	}
	if (r < 0) {
		perror("mmap");
		return 2;
	}
	return r ? 0 : 1;
}
