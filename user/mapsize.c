// SPDX-License-Identifier: GPL-2.0
/*
 * Sizing the BPF maps from the host at load. A full map must not leave a
 * probe or a VFIO node unjudged (the BPF side fails closed and reports
 * map-full, but that is the exception): each map gets room for what the
 * host can have at once, twice over for devices hot-plugged later, and
 * never less than the floor (the fixed sizes of earlier versions).
 *
 *  inflight       a probe holds its device's lock: at most one per device
 *  nodes          VFIO nodes: a group node per group and a device node per
 *                 device at most, plus /dev/iommu
 *  groups         IOMMU groups: at most one per device
 *  claimed_files  open VFIO group files (before 5.19): one per group
 *  opening        an open being judged, while one program runs on a CPU
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "mapsize.h"

static __u32 at_least(unsigned long want, __u32 floor)
{
	if (want > UINT_MAX / 2)
		want = UINT_MAX / 2;
	return want > floor ? (__u32)want : floor;
}

void mapsize_compute(unsigned long devices, int cpus, struct map_sizes *out)
{
	out->inflight = at_least(2 * devices, MAPSIZE_FLOOR_DEVICES);
	out->nodes = at_least(4 * devices + 2, MAPSIZE_FLOOR_DEVICES);
	out->groups = at_least(2 * devices, MAPSIZE_FLOOR_DEVICES);
	out->claimed_files = at_least(2 * devices, MAPSIZE_FLOOR_SMALL);
	out->opening = at_least(cpus > 0 ? 4ul * cpus : 0, MAPSIZE_FLOOR_SMALL);
}

static long count_entries(const char *path)
{
	struct dirent *de;
	long n = 0;
	DIR *d;

	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

long mapsize_count_devices(const char *sysfs)
{
	char path[PATH_MAX];
	struct dirent *de;
	long n, total = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/bus", sysfs);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/bus/%s/devices", sysfs, de->d_name);
		n = count_entries(path);
		if (n > 0)
			total += n;
	}
	closedir(d);
	return total;
}

static int set_size(struct bpf_object *obj, const char *name, __u32 entries)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	if (!map)
		return -ENOENT;
	return bpf_map__set_max_entries(map, entries);
}

int mapsize_apply(struct bpf_object *obj, const char *sysfs)
{
	long devices = mapsize_count_devices(sysfs);
	struct map_sizes sz;
	int r;

	if (devices < 0)
		return (int)devices;
	mapsize_compute(devices, libbpf_num_possible_cpus(), &sz);
	r = set_size(obj, "inflight", sz.inflight);
	if (!r)
		r = set_size(obj, "nodes", sz.nodes);
	if (!r)
		r = set_size(obj, "groups", sz.groups);
	if (!r)
		r = set_size(obj, "opening", sz.opening);
	if (!r)
		r = set_size(obj, "claimed_files", sz.claimed_files);
	return r;
}
