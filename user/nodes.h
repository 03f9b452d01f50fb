/* SPDX-License-Identifier: GPL-2.0 */
/* The VFIO group and device nodes and /dev/iommu, as sysfs lists them. */
#ifndef DMAGUARD_NODES_H
#define DMAGUARD_NODES_H

#include <stddef.h>
#include "dmaguard.h"

struct vfio_node {
	__u32 rdev;		/* kernel dev_t: major << 20 | minor */
	struct dg_node node;
};

/* Kernel encoding of a dev_t, as i_rdev holds it (differs from st_rdev). */
static inline __u32 kernel_dev(unsigned int major, unsigned int minor)
{
	return (major << 20) | (minor & 0xfffff);
}

/*
 * Every VFIO node under ROOT: class/vfio/N (groups), class/vfio-dev/vfioN
 * (device nodes, with the device behind them) and class/misc/iommu.
 * Returns 0 with a malloc()ed array in *out, or -errno.
 */
int vfio_nodes_scan(const char *root, struct vfio_node **out, size_t *n);

#endif
