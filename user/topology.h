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
};

struct topology {
	struct topo_device *devices;	/* sorted by group, then name; group-less last */
	size_t n_devices;
	struct topo_group *groups;	/* sorted by id */
	size_t n_groups;
};

/*
 * Scan ROOT (normally "/sys") into *t. Returns 0, or -1 with a message naming
 * the path and cause in err.
 */
int topology_scan(const char *root, struct topology *t, char *err, size_t errlen);
void topology_free(struct topology *t);

/* The bind subject the BPF side would build for this device and its driver. */
void topology_bind_subject(const struct topo_device *d, struct dg_bind_subject *s);

#endif
