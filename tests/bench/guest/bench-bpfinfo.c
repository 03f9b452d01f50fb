// SPDX-License-Identifier: GPL-2.0
/*
 * bench-bpfinfo PINDIR: what dmaguard's pinned enforcement costs the kernel.
 * dmaguard prints no verifier log on success, so this asks the kernel:
 *
 *   prog link=FILE id=N name=NAME type=TYPE verified_insns=N xlated_bytes=N
 *        jited_bytes=N run_cnt=N run_time_ns=N
 *     one line per program behind a link pinned in PINDIR/links (the
 *     verifier's processed-instruction count is bpf_prog_info.verified_insns,
 *     5.16+; run_cnt/run_time_ns count only while kernel.bpf_stats_enabled=1)
 *   map id=N name=NAME type=TYPE key=N value=N max_entries=N memlock=N pinned=0|1
 *     one line per map those programs use or PINDIR pins; memlock is the
 *     "memlock:" line of the map's /proc/self/fdinfo entry
 *   total progs=N verified_insns=N maps=N memlock=N
 *
 * Exit 0, or 1 if nothing is pinned in PINDIR.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_MAPS 64

struct map_set {
	__u32 ids[MAX_MAPS];
	int pinned[MAX_MAPS];
	int n;
};

static void map_add(struct map_set *s, __u32 id, int pinned)
{
	int i;

	for (i = 0; i < s->n; i++) {
		if (s->ids[i] == id) {
			s->pinned[i] |= pinned;
			return;
		}
	}
	if (s->n < MAX_MAPS) {
		s->ids[s->n] = id;
		s->pinned[s->n++] = pinned;
	}
}

static long long fdinfo_memlock(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "memlock:", 8))
			v = atoll(line + 8);
	fclose(f);
	return v;
}

/* Print the program behind one pinned link; collect its maps. */
static int show_link(const char *dir, const char *name, struct map_set *maps,
		     unsigned long long *insns)
{
	struct bpf_link_info link;
	struct bpf_prog_info info;
	__u32 ids[MAX_MAPS], len, i, nr;
	char path[4200];
	const char *type;
	int lfd, pfd;

	snprintf(path, sizeof(path), "%s/links/%s", dir, name);
	lfd = bpf_obj_get(path);
	if (lfd < 0)
		return -1;
	memset(&link, 0, sizeof(link));
	len = sizeof(link);
	if (bpf_obj_get_info_by_fd(lfd, &link, &len)) {
		close(lfd);
		return -1;
	}
	close(lfd);
	pfd = bpf_prog_get_fd_by_id(link.prog_id);
	if (pfd < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(pfd, &info, &len))
		goto fail;
	nr = info.nr_map_ids < MAX_MAPS ? info.nr_map_ids : MAX_MAPS;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = nr;
	info.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(pfd, &info, &len))
		goto fail;
	close(pfd);
	for (i = 0; i < nr; i++)
		map_add(maps, ids[i], 0);
	type = libbpf_bpf_prog_type_str(info.type);
	printf("prog link=%s id=%u name=%s type=%s verified_insns=%u xlated_bytes=%u "
	       "jited_bytes=%u run_cnt=%llu run_time_ns=%llu\n",
	       name, info.id, info.name, type ? type : "unknown", info.verified_insns,
	       info.xlated_prog_len, info.jited_prog_len,
	       (unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns);
	*insns += info.verified_insns;
	return 0;
fail:
	close(pfd);
	return -1;
}

static int show_links(const char *dir, struct map_set *maps, unsigned long long *insns)
{
	char path[4200];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/links", dir);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (show_link(dir, de->d_name, maps, insns))
			printf("error link=%s errno=%d (%s)\n", de->d_name, errno, strerror(errno));
		else
			n++;
	}
	closedir(d);
	return n;
}

/* The maps pinned directly in DIR. */
static void pinned_maps(const char *dir, struct map_set *maps)
{
	struct bpf_map_info info;
	char path[4200];
	struct dirent *de;
	__u32 len;
	DIR *d;
	int fd;

	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "links"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			map_add(maps, info.id, 1);
		close(fd);
	}
	closedir(d);
}

static long long show_map(__u32 id, int pinned)
{
	struct bpf_map_info info;
	const char *type;
	long long memlock;
	__u32 len;
	int fd;

	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		close(fd);
		return -1;
	}
	memlock = fdinfo_memlock(fd);
	close(fd);
	type = libbpf_bpf_map_type_str(info.type);
	printf("map id=%u name=%s type=%s key=%u value=%u max_entries=%u memlock=%lld pinned=%d\n",
	       id, info.name, type ? type : "unknown", info.key_size, info.value_size,
	       info.max_entries, memlock, pinned);
	return memlock;
}

int main(int argc, char **argv)
{
	struct map_set maps = { .n = 0 };
	unsigned long long insns = 0;
	long long total = 0, m;
	int progs, i;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-bpfinfo PINDIR\n");
		return 2;
	}
	progs = show_links(argv[1], &maps, &insns);
	if (progs <= 0) {
		fprintf(stderr, "bench-bpfinfo: no pinned links in %s/links\n", argv[1]);
		return 1;
	}
	pinned_maps(argv[1], &maps);
	for (i = 0; i < maps.n; i++) {
		m = show_map(maps.ids[i], maps.pinned[i]);
		if (m > 0)
			total += m;
	}
	printf("total progs=%d verified_insns=%llu maps=%d memlock=%lld\n", progs, insns,
	       maps.n, total);
	return 0;
}
