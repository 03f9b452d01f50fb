// SPDX-License-Identifier: GPL-2.0
/*
 * bench-loop: the timed loops of `make bench`, run inside the test VM.
 *
 *   bench-loop open FILE N REPS          open(FILE)+close, N times
 *   bench-loop cgroup DIR N REPS         mkdir+rmdir of DIR/bench-I, N times
 *   bench-loop bind DEV DRIVER N REPS    unbind+bind of DEV through
 *                                        /sys/bus/pci/drivers/DRIVER, N times
 *   bench-loop storm DEV DRIVER N        the same, once, without warm-up
 *                                        (an event burst: exactly N unbinds
 *                                        and N binds); prints cycles= ns=
 *   bench-loop now                       prints CLOCK_MONOTONIC in ns
 *
 * Each repetition is timed with CLOCK_MONOTONIC; one untimed warm-up of N/10
 * iterations comes first. Prints one line:
 *   ns_per_op=MEDIAN min=MIN max=MAX reps=REPS n=N
 * (nanoseconds per iteration, over the repetitions). Any failed system call
 * ends the program with exit 1 and names the call: a benchmark that measured
 * failing operations would measure the wrong thing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_REPS 64

struct loop {
	const char *what;	/* "open", "cgroup", "bind" */
	const char *path;	/* FILE, DIR or DEV */
	char unbind[256];	/* sysfs files of the driver (bind only) */
	char bind[256];
	long n;
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int die(const char *call, const char *path)
{
	printf("error=%s path=%s errno=%d (%s)\n", call, path, errno, strerror(errno));
	return -1;
}

static int open_close(const struct loop *l, long n)
{
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = open(l->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return die("open", l->path);
		close(fd);
	}
	return 0;
}

static int mkdir_rmdir(const struct loop *l, long n)
{
	char dir[256];
	long i;

	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/bench-%ld", l->path, i & 7);
		if (mkdir(dir, 0755))
			return die("mkdir", dir);
		if (rmdir(dir))
			return die("rmdir", dir);
	}
	return 0;
}

/* One write of the device name, as `echo DEV > FILE` does. */
static int write_dev(const char *file, const char *dev)
{
	size_t len = strlen(dev);
	ssize_t w;
	int fd;

	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return die("open", file);
	w = write(fd, dev, len);
	if (w != (ssize_t)len) {
		close(fd);
		return die("write", file);
	}
	close(fd);
	return 0;
}

static int unbind_bind(const struct loop *l, long n)
{
	long i;

	for (i = 0; i < n; i++) {
		if (write_dev(l->unbind, l->path) || write_dev(l->bind, l->path))
			return -1;
	}
	return 0;
}

static int run_once(const struct loop *l, long n)
{
	if (!strcmp(l->what, "open"))
		return open_close(l, n);
	if (!strcmp(l->what, "cgroup"))
		return mkdir_rmdir(l, n);
	return unbind_bind(l, n);
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench-loop open FILE N REPS | cgroup DIR N REPS | "
			"bind DEV DRIVER N REPS | storm DEV DRIVER N\n");
	return 2;
}

static int parse(int argc, char **argv, struct loop *l, long *reps)
{
	int nargs;

	if (argc < 2)
		return -1;
	l->what = argv[1];
	if (!strcmp(l->what, "open") || !strcmp(l->what, "cgroup"))
		nargs = 5;
	else if (!strcmp(l->what, "bind"))
		nargs = 6;
	else if (!strcmp(l->what, "storm"))
		nargs = 5;
	else
		return -1;
	if (argc != nargs)
		return -1;
	l->path = argv[2];
	if (strcmp(l->what, "open") && strcmp(l->what, "cgroup")) {
		snprintf(l->unbind, sizeof(l->unbind), "/sys/bus/pci/drivers/%s/unbind", argv[3]);
		snprintf(l->bind, sizeof(l->bind), "/sys/bus/pci/drivers/%s/bind", argv[3]);
	}
	if (!strcmp(l->what, "storm")) {
		l->n = atol(argv[4]);
		*reps = 1;
	} else {
		l->n = atol(argv[nargs - 2]);
		*reps = atol(argv[nargs - 1]);
	}
	if (l->n <= 0 || *reps <= 0 || *reps > MAX_REPS)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long ns[MAX_REPS], t0;
	struct loop l = { 0 };
	long reps, r;

	if (argc == 2 && !strcmp(argv[1], "now")) {
		printf("%llu\n", now_ns());
		return 0;
	}
	if (parse(argc, argv, &l, &reps))
		return usage();
	if (!strcmp(l.what, "storm")) {
		t0 = now_ns();
		if (unbind_bind(&l, l.n))
			return 1;
		printf("cycles=%ld ns=%llu\n", l.n, now_ns() - t0);
		return 0;
	}
	if (run_once(&l, l.n / 10 ? l.n / 10 : 1))
		return 1;
	for (r = 0; r < reps; r++) {
		t0 = now_ns();
		if (run_once(&l, l.n))
			return 1;
		ns[r] = (now_ns() - t0) / (unsigned long long)l.n;
	}
	qsort(ns, (size_t)reps, sizeof(ns[0]), cmp_ull);
	printf("ns_per_op=%llu min=%llu max=%llu reps=%ld n=%ld\n",
	       ns[reps / 2], ns[0], ns[reps - 1], reps, l.n);
	return 0;
}
