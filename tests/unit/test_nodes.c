// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO node scan (nodes.c) against fixture trees: group nodes by name
 * ("12", "noiommu-3"), device nodes with the device and group behind them.
 * Group names go through the one parser of ids (parse_id()): a name that is
 * not a group id gives no group, never group 0.
 */
#include "nodes.h"
#include "sysfs_fixture.h"
#include "unit.h"

static const struct vfio_node *find(const struct vfio_node *v, size_t n, __u32 rdev)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].rdev == rdev)
			return &v[i];
	return NULL;
}

static void device_node(struct fixture *fx, const char *node, const char *dev,
			const char *devnum)
{
	char target[PATH_MAX];

	fx_write(fx, devnum, "sys/class/vfio-dev/%s/dev", node);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", dev);
	fx_link(fx, target, "sys/class/vfio-dev/%s/device", node);
}

TEST(group_and_device_nodes)
{
	const struct vfio_node *v;
	struct vfio_node *nodes;
	struct fixture fx;
	size_t n;

	fx_init(&fx);
	fx_write(&fx, "244:12\n", "sys/class/vfio/12/dev");
	fx_write(&fx, "244:3\n", "sys/class/vfio/noiommu-3/dev");
	fx_write(&fx, "244:9\n", "sys/class/vfio/12abc/dev");
	fx_write(&fx, "10:196\n", "sys/class/vfio/vfio/dev");
	fx_pci(&fx, "0000:01:00.0", 0x8086, 0x1234, 0x020000);
	fx_group(&fx, 7, "pci", "0000:01:00.0");
	fx_pci(&fx, "0000:02:00.0", 0x8086, 0x1234, 0x020000);
	fx_link(&fx, "../../../kernel/iommu_groups/junk",
		"sys/devices/pci0000:00/0000:02:00.0/iommu_group");
	device_node(&fx, "vfio0", "0000:01:00.0", "511:0\n");
	device_node(&fx, "vfio1", "0000:02:00.0", "511:1\n");
	ASSERT_EQ(vfio_nodes_scan(fx.sys, &nodes, &n), 0);
	/* 12, noiommu-3, vfio0, vfio1: "12abc" and the container "vfio" are no group */
	ASSERT_EQ(n, 4);
	v = find(nodes, n, kernel_dev(244, 12));
	ASSERT_TRUE(v && v->node.kind == DG_NODE_GROUP && v->node.group == 12);
	v = find(nodes, n, kernel_dev(244, 3));
	ASSERT_TRUE(v && v->node.group == 3);
	ASSERT_TRUE(!find(nodes, n, kernel_dev(244, 9)));
	v = find(nodes, n, kernel_dev(511, 0));
	ASSERT_TRUE(v && v->node.kind == DG_NODE_DEVICE);
	ASSERT_STREQ(v->node.device, "0000:01:00.0");
	ASSERT_EQ(v->node.group, 7);
	/* before: atoi("junk") made it group 0 */
	v = find(nodes, n, kernel_dev(511, 1));
	ASSERT_TRUE(v != NULL);
	ASSERT_STREQ(v->node.device, "0000:02:00.0");
	ASSERT_EQ(v->node.group, DG_NO_GROUP);
	free(nodes);
	fx_cleanup(&fx);
}

UNIT_MAIN()
