// SPDX-License-Identifier: GPL-2.0
/*
 * map-fill: fill one of the kernel's BPF hash maps, found by name, with keys
 * no real subject has, until it has no room left, so a scenario can see
 * what dmaguard's BPF side does with a really full map (a real map in the
 * real kernel; no device farm needed). -d takes the same keys out again.
 *
 * Keys: FILLER_BASE + i, in the map's key size (4 or 8 bytes): for `nodes`
 * (a dev_t) that is major 4095, for `inflight` (a pid_tgid) a tgid no task
 * has. Values are zero.
 *
 * Usage: map-fill NAME          prints "filled=N" (keys added) and exits 0
 *        map-fill -d NAME N     deletes keys 0..N-1, prints "deleted=N"
 * Exit 1 when the map is not found or an update fails other than for room.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

static int find_map(const char *name, struct bpf_map_info *found)
{
	__u32 id = 0, len;
	int fd, best = -1;

	while (!bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info info = { 0 };

		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0)
			continue;
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, name)) {
			if (best >= 0)
				close(best);
			best = fd;
			*found = info;
			continue;
		}
		close(fd);
	}
	return best;
}

static void make_key(unsigned char *key, __u32 size, unsigned long i)
{
	if (size == 4) {
		__u32 k = 0xfff00000u + (__u32)i;

		memcpy(key, &k, 4);
	} else {
		__u64 k = 0xffffffff00000000ull + i;

		memset(key, 0, size);
		memcpy(key, &k, size < 8 ? size : 8);
	}
}

int main(int argc, char **argv)
{
	int del = argc == 4 && !strcmp(argv[1], "-d");
	unsigned char key[64], *value;
	struct bpf_map_info info;
	unsigned long i, n;
	int fd;

	if (!(argc == 2 || del)) {
		fprintf(stderr, "usage: map-fill NAME | map-fill -d NAME N\n");
		return 2;
	}
	fd = find_map(argv[del ? 2 : 1], &info);
	if (fd < 0 || info.key_size > sizeof(key)) {
		fprintf(stderr, "map-fill: no map named %s\n", argv[del ? 2 : 1]);
		return 1;
	}
	value = calloc(1, info.value_size);
	if (!value)
		return 1;
	if (del) {
		n = strtoul(argv[3], NULL, 10);
		for (i = 0; i < n; i++) {
			make_key(key, info.key_size, i);
			bpf_map_delete_elem(fd, key);
		}
		printf("deleted=%lu\n", n);
		return 0;
	}
	for (i = 0;; i++) {
		make_key(key, info.key_size, i);
		if (!bpf_map_update_elem(fd, key, value, BPF_NOEXIST))
			continue;
		if (errno == E2BIG || errno == ENOMEM)
			break;
		fprintf(stderr, "map-fill: update %lu of %s: %s\n", i, info.name, strerror(errno));
		return 1;
	}
	printf("filled=%lu max_entries=%u\n", i, info.max_entries);
	return 0;
}
