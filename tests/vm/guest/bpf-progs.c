// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-progs: list the BPF programs loaded in the kernel, one "ID TYPE NAME"
 * line each, like `bpftool prog` (which the test VMs do not carry). Used to
 * check that a restarted `dmaguard run` attaches nothing twice.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int main(void)
{
	__u32 id = 0;
	int n = 0;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;	/* unloaded meanwhile */
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
			const char *type = libbpf_bpf_prog_type_str(info.type);

			printf("%u %s %s\n", id, type ? type : "unknown", info.name);
			n++;
		}
		close(fd);
	}
	if (errno != ENOENT) {
		perror("bpf-progs: BPF_PROG_GET_NEXT_ID");
		return 1;
	}
	fprintf(stderr, "%d programs\n", n);
	return 0;
}
