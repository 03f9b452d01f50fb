// SPDX-License-Identifier: GPL-2.0
/*
 * Device lifecycle: the map of VFIO nodes (group nodes, device nodes,
 * /dev/iommu) by device number, kept current as the kernel adds and removes
 * devices, for the open gate (vfio_open.bpf.c); and hot-plug events. The
 * loader seeds the map from sysfs after attaching, so a node made while the
 * daemon is down is tracked too.
 */
#include "common.bpf.h"

/* "12" or "noiommu-12" -> 12 */
static __always_inline __s32 parse_group_name(const char *name)
{
	__s32 v = 0;
	int i = 0, start = 0, digits = 0;

	if (dg_str_has_prefix(name, "noiommu-", 16))
		start = 8;
	for (i = start; i < 16; i++) {
		char c = name[i];

		if (c == '\0')
			break;
		if (c < '0' || c > '9')
			return DG_NO_GROUP;
		v = v * 10 + (c - '0');
		digits++;
	}
	return digits ? v : DG_NO_GROUP;
}

/* Which kind of VFIO node this device is, if any. */
static __always_inline __u32 node_kind(struct device *dev, char *devname)
{
	char cls[9] = {};

	bpf_probe_read_kernel_str(cls, sizeof(cls), BPF_CORE_READ(dev, class, name));
	if (dg_str_eq(cls, "vfio", sizeof(cls)))
		return DG_NODE_GROUP;
	if (dg_str_eq(cls, "vfio-dev", sizeof(cls)))
		return DG_NODE_DEVICE;
	if (dg_str_eq(cls, "misc", sizeof(cls)) && dg_str_eq(devname, "iommu", 16))
		return DG_NODE_IOMMU;
	return 0;
}

static __always_inline void track_node(struct device *dev)
{
	struct dg_node node = {};
	char name[16] = {};
	struct device *parent;
	dev_t devt;

	devt = BPF_CORE_READ(dev, devt);
	if (!devt || !BPF_CORE_READ(dev, class))
		return;
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(dev, kobj.name));
	node.kind = node_kind(dev, name);
	node.group = DG_NO_GROUP;
	if (node.kind == DG_NODE_GROUP) {
		node.group = parse_group_name(name);
	} else if (node.kind == DG_NODE_DEVICE) {
		parent = BPF_CORE_READ(dev, parent);
		if (parent) {
			bpf_probe_read_kernel_str(node.device, sizeof(node.device),
						  BPF_CORE_READ(parent, kobj.name));
			node.group = group_id(parent);
		}
	} else if (node.kind != DG_NODE_IOMMU) {
		return;
	}
	/* the major is marked even when the node finds no room: it is gated */
	vfio_major[(devt >> 20) & 0xfff] =
		node.kind == DG_NODE_IOMMU ? VFIO_MAJOR_SHARED : VFIO_MAJOR_OWN;
	if (bpf_map_update_elem(&nodes, &devt, &node, BPF_ANY))
		map_full(DG_MAP_NODES, NULL);
}

static __always_inline void report_hotplug(struct device *dev)
{
	struct dg_bind_subject s = {};
	struct dg_event *e;

	if (!BPF_CORE_READ(dev, bus) || !emit_all())
		return;
	if (!call_owned(call_begin(DG_CALL_HOTPLUG, (__u64)dev)))
		return;
	read_device(dev, &s);
	e = event_start(DG_EV_HOTPLUG, DG_COUNT_NO_VERDICT, DG_REASON_NONE);
	if (!e)
		return;
	event_set_subject(e, &s);
	bpf_ringbuf_submit(e, 0);
}

SEC("fexit/device_add")
int BPF_PROG(device_add_exit, struct device *dev, int ret)
{
	if (ret)
		return 0;
	track_node(dev);
	report_hotplug(dev);
	return 0;
}

SEC("fentry/device_del")
int BPF_PROG(device_del_enter, struct device *dev)
{
	dev_t devt = BPF_CORE_READ(dev, devt);

	if (devt)
		bpf_map_delete_elem(&nodes, &devt);
	return 0;
}
