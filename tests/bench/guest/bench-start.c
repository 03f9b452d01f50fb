// SPDX-License-Identifier: GPL-2.0
/*
 * bench-start LOG CMD [ARG...]: start CMD (`dmaguard run ...`) with its
 * stdout and stderr appended to LOG and time how long it takes until LOG has
 * the line "dmaguard run: enforcing". Then prints
 *   startup_ns=NS pid=PID vmhwm_kb=KB vmrss_kb=KB t0_ns=NS
 * (t0_ns: CLOCK_MONOTONIC at the start, for a trace on the same clock)
 * and exits 0, leaving CMD running (it is reparented to init; stop it with
 * kill and watch /proc/PID). Exit 1 if CMD exits first or 120 s pass.
 *
 * The clock starts just before fork(), so the figure includes exec, reading
 * the policy, loading, verifying, attaching and pinning.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define READY "dmaguard run: enforcing"
#define POLL_US 500
#define LIMIT_NS (120ull * 1000000000ull)

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Has LOG (from where it ended at the start) got the ready line yet? */
static int log_ready(int fd, char *buf, size_t cap, size_t *have)
{
	ssize_t n;

	while (*have < cap - 1) {
		n = read(fd, buf + *have, cap - 1 - *have);
		if (n <= 0)
			break;
		*have += (size_t)n;
	}
	buf[*have] = '\0';
	return strstr(buf, READY) != NULL;
}

/* "VmHWM:" and "VmRSS:" of /proc/PID/status, in kB. */
static void read_rss(pid_t pid, long *hwm, long *rss)
{
	char path[64], line[256];
	FILE *f;

	*hwm = *rss = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "VmHWM:", 6))
			*hwm = atol(line + 6);
		else if (!strncmp(line, "VmRSS:", 6))
			*rss = atol(line + 6);
	}
	fclose(f);
}

static void child(const char *log, char **argv)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(127);
	execvp(argv[0], argv);
	_exit(127);
}

int main(int argc, char **argv)
{
	static char buf[65536];
	unsigned long long t0, t;
	size_t have = 0;
	long hwm, rss;
	int fd, status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-start LOG CMD [ARG...]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || lseek(fd, 0, SEEK_END) < 0) {
		printf("error=open path=%s errno=%d (%s)\n", argv[1], errno, strerror(errno));
		return 1;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		printf("error=fork errno=%d (%s)\n", errno, strerror(errno));
		return 1;
	}
	if (pid == 0)
		child(argv[1], argv + 2);
	for (;;) {
		if (log_ready(fd, buf, sizeof(buf), &have))
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			printf("error=exited status=%d\n", status);
			return 1;
		}
		if (now_ns() - t0 > LIMIT_NS) {
			kill(pid, SIGTERM);
			printf("error=timeout\n");
			return 1;
		}
		usleep(POLL_US);
	}
	t = now_ns() - t0;
	read_rss(pid, &hwm, &rss);
	printf("startup_ns=%llu pid=%d vmhwm_kb=%ld vmrss_kb=%ld t0_ns=%llu\n", t, (int)pid, hwm,
	       rss, t0);
	return 0;
}
