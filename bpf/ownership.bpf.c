// SPDX-License-Identifier: GPL-2.0
/*
 * DMA ownership as the kernel tracks it (5.19+): kernel drivers take a group
 * through iommu_device_use_default_domain() in dma_configure, VFIO and
 * iommufd claim it for userspace. These hooks keep the pinned "groups" map
 * equal to the kernel's view and report claims and releases. The loader only
 * loads the ones whose target the running kernel has.
 */
#include "common.bpf.h"

/*
 * groups is shared by both sets while one takes over from the other
 * (upgrade.c), and both sets' hooks run for each ownership change. A change
 * is counted by the one set that owns the call (gate.bpf.h): the only one
 * judging, or while both judge the holder of the call token, of which there
 * is exactly one per call. So no change is counted twice or missed, and the
 * counters carry over as they are. (Recomputing each group from kernel truth
 * would make the counters independent of the sets altogether; the ownership
 * API gives that truth only from 5.19, so the owner rule serves all.)
 */
static __always_inline bool owns_change(__u64 object)
{
	return call_owned(call_begin(DG_CALL_OWNER, object));
}

static __always_inline void report_ownership(__u32 type, __s32 gid, struct device *dev,
					     int result, bool has_result)
{
	struct dg_bind_subject s = {};
	struct dg_event *e;

	if (!emit_all())
		return;
	e = event_start(type, DG_COUNT_NO_VERDICT, DG_REASON_NONE);
	if (!e)
		return;
	if (dev) {
		read_device(dev, &s);
		event_set_subject(e, &s);
	}
	e->group = gid;
	e->flags |= DG_EF_GROUP;
	if (has_result)
		event_set_result(e, result);
	bpf_ringbuf_submit(e, 0);
}

SEC("fexit/iommu_device_use_default_domain")
int BPF_PROG(use_default_domain_exit, struct device *dev, int ret)
{
	struct probe_stack *st;
	struct probe_frame *f;

	if (!ret) {
		if (owns_change((__u64)dev))
			group_account(group_id(dev), 1, 0, false);
		return 0;
	}
	/* the kernel's own check failed a probe of this task: kernel-refused */
	st = task_probes();
	if (!st)
		return 0;
	f = top_probe(st);
	if (f && f->dev == (__u64)dev)
		f->kernel_refused = ret;
	return 0;
}

SEC("fexit/iommu_device_unuse_default_domain")
int BPF_PROG(unuse_default_domain_exit, struct device *dev)
{
	if (!owns_change((__u64)dev))
		return 0;
	group_account(group_id(dev), -1, 0, false);
	return 0;
}

SEC("fexit/iommu_group_claim_dma_owner")
int BPF_PROG(group_claim_exit, struct iommu_group *grp, void *owner, int ret)
{
	__s32 gid = BPF_CORE_READ(grp, id);

	if (!owns_change((__u64)grp))
		return 0;
	if (!ret)
		group_account(gid, 0, 1, false);
	report_ownership(DG_EV_CLAIM, gid, NULL, ret, true);
	return 0;
}

SEC("fexit/iommu_group_release_dma_owner")
int BPF_PROG(group_release_exit, struct iommu_group *grp)
{
	__s32 gid = BPF_CORE_READ(grp, id);

	if (!owns_change((__u64)grp))
		return 0;
	group_account(gid, 0, 0, true);
	report_ownership(DG_EV_RELEASE, gid, NULL, 0, false);
	return 0;
}

/* Device-centric claims of iommufd (6.2+). */
SEC("fexit/iommu_device_claim_dma_owner")
int BPF_PROG(device_claim_exit, struct device *dev, void *owner, int ret)
{
	__s32 gid = group_id(dev);

	if (!owns_change((__u64)dev))
		return 0;
	if (!ret)
		group_account(gid, 0, 1, false);
	report_ownership(DG_EV_CLAIM, gid, dev, ret, true);
	return 0;
}

SEC("fexit/iommu_device_release_dma_owner")
int BPF_PROG(device_release_exit, struct device *dev)
{
	__s32 gid = group_id(dev);

	if (!owns_change((__u64)dev))
		return 0;
	group_account(gid, 0, -1, false);
	report_ownership(DG_EV_RELEASE, gid, dev, 0, false);
	return 0;
}

/*
 * Kernels without the ownership API (before 5.19): VFIO's type1 backend
 * attaches a group it takes for userspace to its IOMMU domain, so that is
 * where userspace ownership starts and ends. Loaded only on such kernels.
 */
SEC("fexit/iommu_attach_group")
int BPF_PROG(attach_group_exit, void *domain, struct iommu_group *grp, int ret)
{
	__s32 gid = BPF_CORE_READ(grp, id);

	if (!owns_change((__u64)grp))
		return 0;
	if (!ret)
		group_account(gid, 0, 1, false);
	report_ownership(DG_EV_CLAIM, gid, NULL, ret, true);
	return 0;
}

SEC("fentry/iommu_detach_group")
int BPF_PROG(detach_group_enter, void *domain, struct iommu_group *grp)
{
	__s32 gid = BPF_CORE_READ(grp, id);

	if (!owns_change((__u64)grp))
		return 0;
	group_account(gid, 0, 0, true);
	report_ownership(DG_EV_RELEASE, gid, NULL, 0, false);
	return 0;
}
