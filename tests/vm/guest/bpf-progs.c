// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-progs: list the BPF programs loaded in the kernel, one "ID TYPE NAME"
 * line each, like `bpftool prog` (which the test VMs do not carry); with
 * -l the links, "ID PROG-NAME", like `bpftool link`. Used to check that a
 * restarted `dmaguard run` attaches nothing twice, and that a detached hook
 * is gone from the kernel, not only from bpffs. With -v each program's line
 * ends with the instructions the verifier processed loading it (5.16+; 0
 * before).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int with_verified;

static const char *prog_name(__u32 id, char *buf, size_t len)
{
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	snprintf(buf, len, "?");
	if (fd < 0)
		return buf;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &info_len))
		snprintf(buf, len, "%s", info.name);
	close(fd);
	return buf;
}

static int print_prog(__u32 id, int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	const char *type;

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	type = libbpf_bpf_prog_type_str(info.type);
	printf("%u %s %s", id, type ? type : "unknown", info.name);
	if (with_verified)
		printf(" %u", info.verified_insns);
	printf("\n");
	return 1;
}

static int print_link(__u32 id, int fd)
{
	char name[BPF_OBJ_NAME_LEN + 1];
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	printf("%u %s\n", id, prog_name(info.prog_id, name, sizeof(name)));
	return 1;
}

/* Walk the kernel's objects of one kind by id; one line each. */
static int list(int (*next_id)(__u32, __u32 *), int (*fd_by_id)(__u32),
		int (*print)(__u32, int), const char *what)
{
	__u32 id = 0;
	int n = 0;

	while (!next_id(id, &id)) {
		int fd = fd_by_id(id);

		if (fd < 0)
			continue;	/* gone meanwhile */
		n += print(id, fd);
		close(fd);
	}
	if (errno != ENOENT) {
		fprintf(stderr, "bpf-progs: listing %s: %s\n", what, strerror(errno));
		return 1;
	}
	fprintf(stderr, "%d %s\n", n, what);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "-l"))
		return list(bpf_link_get_next_id, bpf_link_get_fd_by_id, print_link, "links");
	with_verified = argc > 1 && !strcmp(argv[1], "-v");
	return list(bpf_prog_get_next_id, bpf_prog_get_fd_by_id, print_prog, "programs");
}
