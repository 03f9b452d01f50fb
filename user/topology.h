/* SPDX-License-Identifier: GPL-2.0 */
/* What sysfs says about IOMMU groups, devices and their drivers. */
#ifndef DMAGUARD_TOPOLOGY_H
#define DMAGUARD_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include "dmaguard.h"

struct topo_device {
	char name[DG_DEVICE_LEN];	/* e.g. 0000:02:01.0 */
	char bus[32];			/* e.g. pci, platform */
	bool is_pci;
	__u16 vendor, devid, subvendor, subdevice;
	__u32 class;			/* 0xCCSSPP */
	char driver[DG_DRIVER_LEN];	/* "" when unbound */
	__u8 dma;			/* DG_DMA_*, valid when driver[0] */
	int group;			/* DG_NO_GROUP when the device has none */
	/*
	 * The sysfs name did not fit and was cut to DG_DEVICE_LEN - 1 bytes
	 * (driver: DG_DRIVER_LEN - 1). The BPF side copies names into the same
	 * fixed arrays, so the cut name is what the kernel-side matcher sees;
	 * a policy names such a device with a prefix rule (name*).
	 */
	bool name_truncated;
	bool driver_truncated;
};

struct topo_group {
	int id;
	size_t *members;		/* indexes into topology.devices */
	size_t n_members;
	__u32 owner;			/* DG_OWNER_* */
	__u32 owner_pid;		/* 0 if unknown */
	char owner_comm[DG_COMM_LEN];
	bool viable;			/* every member unbound or bound to a user-DMA driver */
	long blocker;			/* index of the first device that blocks it, -1 if none */
	bool owner_from_map;		/* owner came from the pinned groups map, not sysfs */
};

struct topology {
	struct topo_device *devices;	/* sorted by group, then name; group-less last */
	size_t n_devices;
	struct topo_group *groups;	/* sorted by id */
	size_t n_groups;
};

/* Where topology_scan_opts() looks. */
struct topo_opts {
	const char *sysfs;	/* sysfs root, e.g. "/sys" */
	/*
	 * procfs root searched for processes holding /dev/vfio/N (or a
	 * /dev/vfio/devices/vfioN of a member) open; NULL: do not search,
	 * a group then never derives a user owner from sysfs alone.
	 */
	const char *procfs;
	/* pinned dmaguard "groups" map (struct dg_group by group id); NULL: none */
	const char *groups_map;
};

#define TOPO_SYSFS_DEFAULT	"/sys"
#define TOPO_PROCFS_DEFAULT	"/proc"
#define TOPO_GROUPS_MAP_DEFAULT	"/sys/fs/bpf/dmaguard/groups"

/*
 * Options for scanning ROOT (NULL: "/sys"). The running system's procfs and
 * pinned map describe the live machine, so they are used only when ROOT is
 * the live sysfs; a copied tree or a fixture gets sysfs-only owners.
 */
void topology_default_opts(const char *root, struct topo_opts *o);

/*
 * Scan into *t. Returns 0, or -1 with a message naming the path and cause in
 * err. Missing or unreadable attribute files, dangling links, and what is
 * not a regular file or too long where an attribute is expected (a FIFO is
 * never waited on) are not errors: the attribute stays unknown. Only an unreadable ROOT/bus or an
 * allocation failure is.
 */
int topology_scan_opts(const struct topo_opts *o, struct topology *t,
		       char *err, size_t errlen);

/* topology_scan_opts() with topology_default_opts(root). */
int topology_scan(const char *root, struct topology *t, char *err, size_t errlen);
void topology_free(struct topology *t);

/* The bind subject the BPF side would build for this device and its driver. */
void topology_bind_subject(const struct topo_device *d, struct dg_bind_subject *s);

/* "none", "kernel", "user" */
const char *topology_owner_name(__u32 owner);

#endif
