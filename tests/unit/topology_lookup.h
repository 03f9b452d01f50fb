/* SPDX-License-Identifier: GPL-2.0 */
/* Find a scanned group or device by its id or name; a missing one fails the test. */
#ifndef DMAGUARD_TOPOLOGY_LOOKUP_H
#define DMAGUARD_TOPOLOGY_LOOKUP_H

#include <string.h>
#include "topology.h"
#include "unit.h"

static inline const struct topo_group *group(const struct topology *t, int id)
{
	size_t i;

	for (i = 0; i < t->n_groups; i++)
		if (t->groups[i].id == id)
			return &t->groups[i];
	UNIT_FAIL("no group %d", id);
}

static inline const struct topo_device *device(const struct topology *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_devices; i++)
		if (!strcmp(t->devices[i].name, name))
			return &t->devices[i];
	UNIT_FAIL("no device %s", name);
}

#endif
