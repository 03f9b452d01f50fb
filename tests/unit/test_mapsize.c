// SPDX-License-Identifier: GPL-2.0
/* Map sizes from the host: floors, growth with devices and CPUs, the count. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "mapsize.h"
#include "unit.h"

TEST(small_host_gets_the_floors)
{
	struct map_sizes sz;

	mapsize_compute(20, 2, &sz);
	ASSERT_EQ(sz.inflight, MAPSIZE_FLOOR_DEVICES);
	ASSERT_EQ(sz.nodes, MAPSIZE_FLOOR_DEVICES);
	ASSERT_EQ(sz.groups, MAPSIZE_FLOOR_DEVICES);
	ASSERT_EQ(sz.opening, MAPSIZE_FLOOR_SMALL);
	ASSERT_EQ(sz.claimed_files, MAPSIZE_FLOOR_SMALL);
}

TEST(big_host_grows_past_the_floors)
{
	struct map_sizes sz;

	mapsize_compute(10000, 512, &sz);
	ASSERT_EQ(sz.inflight, 20000);
	ASSERT_EQ(sz.nodes, 40002);
	ASSERT_EQ(sz.groups, 20000);
	ASSERT_EQ(sz.claimed_files, 20000);
	ASSERT_EQ(sz.opening, 2048);
}

TEST(absurd_counts_are_capped)
{
	struct map_sizes sz;

	mapsize_compute(~0ul / 2, -1, &sz);
	ASSERT_TRUE(sz.nodes <= 0x7fffffffu);
	ASSERT_EQ(sz.opening, MAPSIZE_FLOOR_SMALL);
}

TEST(devices_are_counted_on_every_bus)
{
	char root[] = "/tmp/mapsize-XXXXXX", path[256];
	const char *devs[] = { "bus/pci/devices/a", "bus/pci/devices/b",
			       "bus/platform/devices/c", NULL };
	int i;

	ASSERT_TRUE(mkdtemp(root) != NULL);
	snprintf(path, sizeof(path), "%s/bus", root);
	ASSERT_EQ(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/bus/pci", root);
	ASSERT_EQ(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/bus/platform", root);
	ASSERT_EQ(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/bus/pci/devices", root);
	ASSERT_EQ(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/bus/platform/devices", root);
	ASSERT_EQ(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/bus/empty", root);	/* no devices dir */
	ASSERT_EQ(mkdir(path, 0700), 0);
	for (i = 0; devs[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, devs[i]);
		ASSERT_EQ(mkdir(path, 0700), 0);
	}
	ASSERT_EQ(mapsize_count_devices(root), 3);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	ASSERT_EQ(system(path), 0);
	ASSERT_EQ(mapsize_count_devices(root), -ENOENT);
}

UNIT_MAIN()
