/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What topology.c needs from topology_owner.c and topology_read.c, and
 * nothing back: the helpers they use (reading attributes, links, ids) live
 * below them in util.h, so the files do not depend on each other.
 */
#ifndef DMAGUARD_TOPOLOGY_INT_H
#define DMAGUARD_TOPOLOGY_INT_H

#include "topology.h"

/* Fill owner, owner_pid, owner_comm, owner_from_map of every group. */
void topology_judge_owners(const struct topo_opts *o, int rootfd, struct topology *t);

/*
 * Fill the attributes of the device DFD/NAME (d->bus set, the rest zero,
 * d->group DG_NO_GROUP): from its uevent where that has them
 * (topology_read.c), else from one attribute file each.
 */
void topology_read_device(int dfd, const char *name, struct topo_device *d);

/* The same from the attribute files alone: the fallback, and the reference. */
void topology_read_device_files(int dfd, const char *name, struct topo_device *d);

#endif
