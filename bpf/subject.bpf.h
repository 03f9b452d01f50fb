/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a bind subject (device, driver) from the kernel's structures. Included through common.bpf.h. */
#ifndef DMAGUARD_SUBJECT_BPF_H
#define DMAGUARD_SUBJECT_BPF_H

static __always_inline int group_id(struct device *dev)
{
	struct iommu_group *grp = BPF_CORE_READ(dev, iommu_group);

	return grp ? BPF_CORE_READ(grp, id) : DG_NO_GROUP;
}

/* The device is on the "pci" bus (not "pci_express", PCIe port services). */
static __always_inline bool dev_is_pci(struct device *dev)
{
	char bus[5] = {};

	bpf_probe_read_kernel_str(bus, sizeof(bus), BPF_CORE_READ(dev, bus, name));
	return bus[0] == 'p' && bus[1] == 'c' && bus[2] == 'i' && bus[3] == '\0';
}

/* The device side of a bind subject. */
static __always_inline void read_device(struct device *dev, struct dg_bind_subject *s)
{
	struct pci_dev *pdev;

	bpf_probe_read_kernel_str(s->device, sizeof(s->device), BPF_CORE_READ(dev, kobj.name));
	s->group = group_id(dev);
	s->is_pci = dev_is_pci(dev);
	if (!s->is_pci)
		return;
	pdev = (void *)dev - bpf_core_field_offset(struct pci_dev, dev);
	s->vendor = BPF_CORE_READ(pdev, vendor);
	s->devid = BPF_CORE_READ(pdev, device);
	s->class = BPF_CORE_READ(pdev, class) & 0xffffff;
}

/* subject.bpf.c: dg_driver_dma_mode() of the name at kernel address name. */
extern int driver_dma_mode(__u64 name);

static __always_inline void read_driver(const struct device_driver *drv,
					struct dg_bind_subject *s)
{
	const char *name = BPF_CORE_READ(drv, name);

	bpf_probe_read_kernel_str(s->driver, sizeof(s->driver), name);
	/* an address read from memory: a scalar, as a global function's argument must be */
	s->dma = driver_dma_mode((__u64)name);
}

/*
 * The driver takes the group for kernel DMA. Where the kernel has
 * driver_managed_dma (5.19+) its flag decides, as in pci_dma_configure();
 * elsewhere the shared name list does.
 */
static __always_inline bool driver_takes_group(const struct device_driver *drv,
					       const struct dg_bind_subject *s)
{
	struct pci_driver *pdrv;

	if (s->dma != DG_DMA_KERNEL)
		return false;
	if (s->is_pci && bpf_core_field_exists(struct pci_driver, driver_managed_dma)) {
		pdrv = (void *)drv - bpf_core_field_offset(struct pci_driver, driver);
		return !BPF_CORE_READ(pdrv, driver_managed_dma);
	}
	/* dg_driver_takes_group(), its dg_driver_dma_mode() already in s->dma */
	return s->driver[0] != '\0' && !dg_driver_does_no_dma(s->driver);
}

/*
 * kernfs_node's parent: 6.15 renamed it __parent. The old name is in
 * vmlinux.h's kernfs_node, so only the new one costs libbpf a search of
 * the kernel's BTF of its own (a flavour is a type apart) at start-up.
 */
struct kernfs_node___rcu_parent {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kernfs_parent(struct kernfs_node *kn)
{
	struct kernfs_node___rcu_parent *rcu = (void *)kn;

	if (bpf_core_field_exists(rcu->__parent))
		return BPF_CORE_READ(rcu, __parent);
	return BPF_CORE_READ(kn, parent);
}

#endif /* DMAGUARD_SUBJECT_BPF_H */
