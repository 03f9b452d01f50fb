/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What topology.c needs from topology_owner.c, and nothing back: the helpers
 * both use (reading attributes, links, ids) live below them in util.h, so
 * the two files do not depend on each other.
 */
#ifndef DMAGUARD_TOPOLOGY_INT_H
#define DMAGUARD_TOPOLOGY_INT_H

#include "topology.h"

/* Fill owner, owner_pid, owner_comm, owner_from_map of every group. */
void topology_judge_owners(const struct topo_opts *o, int rootfd, struct topology *t);

#endif
