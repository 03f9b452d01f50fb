// SPDX-License-Identifier: GPL-2.0
/*
 * Which BPF object a pinned set was loaded from (set_object.h): the loader
 * writes DG_OBJECT_ID, a hash of the object this build embeds, into the
 * set's .rodata (dg_object_id), which the kernel keeps frozen.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "dmaguard.skel.h"
#include "dmaguard_object.h"
#include "pindir.h"
#include "set_object.h"
#include "upgrade.h"

/* More than the programs of one set, with room for a takeover's. */
#define MAX_SET_PROGS 64
#define MAX_PROG_MAPS 32

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * If map id is a set's .bss or .rodata (the kernel knows them as
 * "<object>.bss", "<object>.rodata") not found yet, keep its descriptor.
 */
static int keep_if_global(__u32 id, int fds[2])
{
	static const char *const suffixes[] = { ".bss", ".rodata" };
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info);
	int fd = bpf_map_get_fd_by_id(id);
	size_t i;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		close(fd);
		return -errno;
	}
	for (i = 0; i < 2; i++)
		if (fds[i] < 0 && has_suffix(info.name, suffixes[i])) {
			fds[i] = fd;
			return 0;
		}
	close(fd);
	return 0;
}

/* The maps program id uses; a program gone meanwhile has none. */
static int keep_globals_of(__u32 prog_id, int fds[2])
{
	__u32 map_ids[MAX_PROG_MAPS], info_len, i;
	struct bpf_prog_info info;
	int fd = bpf_prog_get_fd_by_id(prog_id), r = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = MAX_PROG_MAPS;
	info.map_ids = (__u64)(unsigned long)map_ids;
	info_len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len))
		r = -errno;
	for (i = 0; !r && i < info.nr_map_ids && i < MAX_PROG_MAPS; i++)
		r = keep_if_global(map_ids[i], fds);
	close(fd);
	return r;
}

int set_object_globals(const char *dir, int *bss_fd, int *rodata_fd)
{
	__u32 ids[MAX_SET_PROGS];
	size_t n = pindir_prog_ids(dir, ids, MAX_SET_PROGS), i;
	int fds[2] = { -1, -1 }, r = 0;

	for (i = 0; i < n && (fds[0] < 0 || fds[1] < 0) && !r; i++)
		r = keep_globals_of(ids[i], fds);
	if (!r && (fds[0] < 0 || fds[1] < 0))
		r = -ENOENT;
	if (r) {
		for (i = 0; i < 2; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		return r;
	}
	*bss_fd = fds[0];
	*rodata_fd = fds[1];
	return 0;
}

/* The object id in a .rodata of this build's layout; 0 if of another layout. */
static int read_object_id(int rodata_fd, __u64 *id)
{
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info), zero = 0;
	struct dmaguard_bpf__rodata *ro;
	int r = 0;

	*id = 0;
	if (bpf_obj_get_info_by_fd(rodata_fd, &info, &info_len))
		return -errno;
	if (info.value_size < sizeof(*ro))
		return 0;
	ro = calloc(1, info.value_size);
	if (!ro)
		return -ENOMEM;
	if (bpf_map_lookup_elem(rodata_fd, &zero, ro))
		r = -errno;
	else
		*id = ro->dg_object_id;
	free(ro);
	return r;
}

/* 1: the set pinned in DIR was loaded from this build's object; 0: not; -errno. */
static int same_object(const char *dir)
{
	int bss_fd, rodata_fd, r;
	__u64 id;

	r = set_object_globals(dir, &bss_fd, &rodata_fd);
	if (r == -ENOENT)
		return 0;	/* no program uses both: not of this object */
	if (r)
		return r;
	r = read_object_id(rodata_fd, &id);
	close(bss_fd);
	close(rodata_fd);
	return r ? r : id == DG_OBJECT_ID;
}

int set_object_origin(const char *dir, struct dg_format *f)
{
	int r = upgrade_read_format(dir, f);

	if (r)
		return r;
	if (f->version != DG_FORMAT)
		return f->version > DG_FORMAT ? SET_NEWER_FORMAT : SET_OLDER_FORMAT;
	r = same_object(dir);
	if (r < 0)
		return r;
	return r ? SET_THIS_OBJECT : SET_OTHER_BUILD;
}
