/* SPDX-License-Identifier: GPL-2.0 */
/* Sizing the BPF maps that grow with the host, before load. */
#ifndef DMAGUARD_MAPSIZE_H
#define DMAGUARD_MAPSIZE_H

#include <bpf/libbpf.h>

/* Floors: no host gets maps smaller than these. */
#define MAPSIZE_FLOOR_DEVICES	4096	/* inflight, nodes, groups */
#define MAPSIZE_FLOOR_SMALL	1024	/* opening, claimed_files */

struct map_sizes {
	__u32 inflight, nodes, groups, opening, claimed_files;
};

/* The sizes for a host with `devices` bus devices and `cpus` possible CPUs. */
void mapsize_compute(unsigned long devices, int cpus, struct map_sizes *out);

/* Devices on every bus under SYSFS/bus (what can probe), or -errno. */
long mapsize_count_devices(const char *sysfs);

/*
 * Count the host's devices and CPUs and set the maps' max_entries in obj
 * (opened, not loaded). Returns 0 or -errno.
 */
int mapsize_apply(struct bpf_object *obj, const char *sysfs);

#endif
