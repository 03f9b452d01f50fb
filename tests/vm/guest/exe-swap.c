// SPDX-License-Identifier: GPL-2.0
/*
 * exe-swap: open a VFIO node as a process whose executable is not what it
 * runs, the ways an unprivileged user can arrange that. Prints "step=RESULT"
 * lines ("ok" or an errno name), as vfio-hold does.
 *
 *   exe-swap EXE NODE       in a user namespace of its own (where it holds
 *                           CAP_CHECKPOINT_RESTORE), replace mm->exe_file
 *                           with EXE by prctl(PR_SET_MM, PR_SET_MM_MAP),
 *                           then open NODE: steps userns, prctl, open
 *   exe-swap -m EXE ARG...  copy EXE into a memfd and fexecve it with ARGs
 *
 * The kernel refuses the exe_file change while the old executable is still
 * mapped, so the swap and the open run from a copy of stub_start..stub_end
 * in anonymous memory, after it unmapped every mapping of this program, and
 * leave their results in shared memory for the parent to print. x86-64 only
 * (elsewhere: "userns=unsupported", exit 77).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_RANGES 16

/* struct prctl_mm_map of linux/prctl.h */
struct mm_map {
	unsigned long long start_code, end_code, start_data, end_data;
	unsigned long long start_brk, brk, start_stack;
	unsigned long long arg_start, arg_end, env_start, env_end;
	unsigned long long auxv;
	unsigned int auxv_size, exe_fd;
};

/* the stub's argument block: offsets are spelled out in the assembly below */
struct stub_args {
	unsigned long long n;				/* 0 */
	unsigned long long range[MAX_RANGES][2];	/* 8: start, length */
	unsigned long long map, map_size, path;		/* 264, 272, 280 */
	long long prctl_ret, open_ret;			/* 288, 296 */
	struct mm_map mm;
	char node[256];
};

/* "EPERM" and the like, as vfio-hold prints them */
static const char *err_name(long e)
{
	static char buf[16];
	const char *name = strerrorname_np((int)e);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "E%ld", e);
	return buf;
}

#ifdef __x86_64__
extern const char stub_start[], stub_end[];

/* munmap each range, prctl(PR_SET_MM, PR_SET_MM_MAP), openat(node, O_RDWR), exit */
__asm__(".pushsection .text\n"
	"stub_start:\n"
	"	mov %rdi, %r12\n"
	"	mov (%r12), %r13\n"
	"	lea 8(%r12), %r14\n"
	"1:	test %r13, %r13\n"
	"	jz 2f\n"
	"	mov (%r14), %rdi\n"
	"	mov 8(%r14), %rsi\n"
	"	mov $11, %eax\n"
	"	syscall\n"
	"	add $16, %r14\n"
	"	dec %r13\n"
	"	jmp 1b\n"
	"2:	mov $157, %eax\n"
	"	mov $35, %edi\n"
	"	mov $14, %esi\n"
	"	mov 264(%r12), %rdx\n"
	"	mov 272(%r12), %r10\n"
	"	xor %r8d, %r8d\n"
	"	syscall\n"
	"	mov %rax, 288(%r12)\n"
	"	mov $257, %eax\n"
	"	mov $-100, %rdi\n"
	"	mov 280(%r12), %rsi\n"
	"	mov $2, %edx\n"
	"	xor %r10d, %r10d\n"
	"	syscall\n"
	"	mov %rax, 296(%r12)\n"
	"	mov $231, %eax\n"
	"	xor %edi, %edi\n"
	"	syscall\n"
	"stub_end:\n"
	".popsection\n");


static void result(const char *step, long long ret)
{
	printf("%s=%s\n", step, ret >= 0 ? "ok" : err_name(-ret));
}

/* The fields of /proc/self/stat that PR_SET_MM_MAP wants back unchanged. */
static int read_mm(struct mm_map *mm)
{
	static const int want[] = { 26, 27, 28, 45, 46, 47, 48, 49, 50, 51 };
	unsigned long long *dst[] = { &mm->start_code, &mm->end_code, &mm->start_stack,
				      &mm->start_data, &mm->end_data, &mm->start_brk,
				      &mm->arg_start, &mm->arg_end, &mm->env_start,
				      &mm->env_end };
	char buf[4096], *p, *tok, *save;
	int fd, field = 3, i = 0;
	ssize_t n;

	fd = open("/proc/self/stat", O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	for (tok = strtok_r(p + 2, " ", &save); tok && i < 10;
	     tok = strtok_r(NULL, " ", &save), field++)
		if (field == want[i])
			*dst[i++] = strtoull(tok, NULL, 10);
	mm->brk = (unsigned long long)syscall(SYS_brk, 0);
	return i == 10 ? 0 : -1;
}

/* Every mapping of this program's own file, to be unmapped by the stub. */
static int read_ranges(struct stub_args *a)
{
	char self[256], line[512], *path;
	unsigned long long lo, hi;
	ssize_t n;
	FILE *f;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = '\0';
	f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && a->n < MAX_RANGES) {
		line[strcspn(line, "\n")] = '\0';
		path = strchr(line, '/');
		if (!path || strcmp(path, self) || sscanf(line, "%llx-%llx", &lo, &hi) != 2)
			continue;
		a->range[a->n][0] = lo;
		a->range[a->n][1] = hi - lo;
		a->n++;
	}
	fclose(f);
	return a->n ? 0 : -1;
}

static int swap_and_open(const char *exe, const char *node)
{
	size_t len = (size_t)(stub_end - stub_start);
	struct stub_args *a;
	void (*stub)(struct stub_args *);
	void *code;
	pid_t pid;
	int status;

	a = mmap(NULL, sizeof(*a), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (a == MAP_FAILED || code == MAP_FAILED || len > 4096)
		return 1;
	memset(a, 0, sizeof(*a));
	a->prctl_ret = a->open_ret = -EINVAL;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		result("userns", unshare(CLONE_NEWUSER) ? -errno : 0);
		fflush(stdout);
		snprintf(a->node, sizeof(a->node), "%s", node);
		a->mm.exe_fd = (unsigned int)open(exe, O_RDONLY);
		a->mm.auxv_size = 0;
		if (read_mm(&a->mm) || read_ranges(a))
			_exit(1);
		a->map = (unsigned long long)&a->mm;
		a->map_size = sizeof(a->mm);
		a->path = (unsigned long long)a->node;
		memcpy(code, stub_start, len);
		stub = (void (*)(struct stub_args *))code;
		stub(a);
		_exit(1);	/* not reached: the stub exits */
	}
	if (waitpid(pid, &status, 0) < 0)
		return 1;
	result("prctl", a->prctl_ret);
	result("open", a->open_ret);
	return a->open_ret < 0;
}

#else
static int swap_and_open(const char *exe, const char *node)
{
	(void)exe;
	(void)node;
	printf("userns=unsupported\n");
	return 77;
}
#endif

/* fexecve a memfd copy of exe: a file on no mount anyone can name */
static int memfd_exec(const char *exe, char **argv)
{
	char buf[65536];
	int in, fd;
	ssize_t n;

	in = open(exe, O_RDONLY);
	fd = (int)syscall(SYS_memfd_create, "qemu-system-x86_64", 0);
	if (in < 0 || fd < 0)
		return 1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return 1;
	close(in);
	argv[0] = "qemu-system-x86_64";
	fexecve(fd, argv, environ);
	printf("fexecve=%s\n", err_name(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "-m"))
		return memfd_exec(argv[2], argv + 2);
	if (argc != 3) {
		fprintf(stderr, "usage: exe-swap EXE NODE | exe-swap -m EXE ARG...\n");
		return 2;
	}
	return swap_and_open(argv[1], argv[2]);
}
