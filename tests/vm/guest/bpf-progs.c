// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-progs: list the BPF programs loaded in the kernel, one "ID TYPE NAME"
 * line each, like `bpftool prog` (which the test VMs do not carry); with
 * -l the links, "ID PROG-NAME", like `bpftool link`. Used to check that a
 * restarted `dmaguard run` attaches nothing twice, and that a detached hook
 * is gone from the kernel, not only from bpffs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

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

/* -l: the links instead, one "ID PROG-NAME" line each */
static int list_links(void)
{
	char name[BPF_OBJ_NAME_LEN + 1];
	__u32 id = 0;
	int n = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info info;
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;	/* released meanwhile */
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
			printf("%u %s\n", id, prog_name(info.prog_id, name, sizeof(name)));
			n++;
		}
		close(fd);
	}
	if (errno != ENOENT) {
		perror("bpf-progs: BPF_LINK_GET_NEXT_ID");
		return 1;
	}
	fprintf(stderr, "%d links\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	__u32 id = 0;
	int n = 0;

	if (argc > 1 && !strcmp(argv[1], "-l"))
		return list_links();
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
