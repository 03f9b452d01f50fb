// SPDX-License-Identifier: GPL-2.0
/*
 * bench-nullhook DIR lsm|fmod_ret: attach a BPF program that does nothing
 * ("return 0", two instructions) to the two hooks of dmaguard that every
 * open and every sysfs/cgroupfs node creation pass through, the same way
 * dmaguard attaches them (BPF LSM on bpf_lsm_file_open and
 * bpf_lsm_kernfs_init_security, or fmod_ret on security_file_open and
 * security_kernfs_init_security), and pin the links in DIR (rm -r DIR
 * detaches). What this costs is the floor any BPF program on those hooks
 * pays: the kernel's trampoline around the program, not the program.
 * Prints "attached N" and exits 0, or names the step that failed (exit 1).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static const struct bpf_insn return_zero[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static int attach(struct btf *vmlinux, const char *dir, const char *func, int lsm)
{
	char path[4200];
	int id, prog, link;

	id = btf__find_by_name_kind(vmlinux, func, BTF_KIND_FUNC);
	if (id < 0) {
		printf("error=btf func=%s\n", func);
		return -1;
	}
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		.expected_attach_type = lsm ? BPF_LSM_MAC : BPF_MODIFY_RETURN,
		.attach_btf_id = (__u32)id);
	prog = bpf_prog_load(lsm ? BPF_PROG_TYPE_LSM : BPF_PROG_TYPE_TRACING, "bench_null",
			     "GPL", return_zero, 2, &opts);
	if (prog < 0) {
		printf("error=load func=%s errno=%d (%s)\n", func, errno, strerror(errno));
		return -1;
	}
	link = lsm ? bpf_link_create(prog, 0, BPF_LSM_MAC, NULL) :
		     bpf_raw_tracepoint_open(NULL, prog);
	if (link < 0) {
		printf("error=attach func=%s errno=%d (%s)\n", func, errno, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, func);
	if (bpf_obj_pin(link, path)) {
		printf("error=pin path=%s errno=%d (%s)\n", path, errno, strerror(errno));
		return -1;
	}
	close(link);
	close(prog);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const lsm_hooks[] = {
		"bpf_lsm_file_open", "bpf_lsm_kernfs_init_security",
	};
	static const char *const fmod_hooks[] = {
		"security_file_open", "security_kernfs_init_security",
	};
	struct btf *vmlinux;
	int lsm, i;

	if (argc != 3 || (strcmp(argv[2], "lsm") && strcmp(argv[2], "fmod_ret"))) {
		fprintf(stderr, "usage: bench-nullhook DIR lsm|fmod_ret\n");
		return 2;
	}
	lsm = !strcmp(argv[2], "lsm");
	if (mkdir(argv[1], 0700) && errno != EEXIST) {
		printf("error=mkdir path=%s errno=%d (%s)\n", argv[1], errno, strerror(errno));
		return 1;
	}
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		printf("error=vmlinux-btf errno=%d (%s)\n", errno, strerror(errno));
		return 1;
	}
	for (i = 0; i < 2; i++)
		if (attach(vmlinux, argv[1], lsm ? lsm_hooks[i] : fmod_hooks[i], lsm))
			return 1;
	btf__free(vmlinux);
	printf("attached 2\n");
	return 0;
}
