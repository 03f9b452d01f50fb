// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO open gate. Opens are judged by the inode's device number, never by
 * path, so a node made with mknod under another name is judged the same. The
 * map of VFIO nodes is seeded by the loader from sysfs and kept current here
 * as nodes come and go (device_add/device_del), so nodes created while the
 * daemon is down are judged too.
 *
 * file_open runs for every open in the system: anything that is not a
 * character device of a major with VFIO nodes leaves after a few loads,
 * touching no shared writable state.
 */
#include "common.bpf.h"

/*
 * Majors that have VFIO nodes (dev_t majors are 12 bits), VFIO_MAJOR_*; a
 * byte per major so 5.10, without atomic OR, can set it with a plain store.
 * VFIO allocates its own majors for group and device nodes, so a character
 * device of such a major missing from `nodes` is a VFIO node dmaguard could
 * not track (map-full, or opened in the instant between its creation and
 * device_add's return): judged as untracked, denied where the policy judges
 * opens in enforce mode. /dev/iommu is a misc device: its major is shared.
 */
enum {
	VFIO_MAJOR_OWN = 1,
	VFIO_MAJOR_SHARED = 2,
};
__u8 vfio_major[4096];

/*
 * Before 5.19 nothing tells dmaguard that VFIO took a group before the
 * container's IOMMU is set (iommu_attach_group), while the kernel's BUG_ON
 * already guards it from VFIO_GROUP_SET_CONTAINER on: so an allowed open of
 * a group node counts as a userspace claim until the file is freed.
 */
static __always_inline int claim_on_open(struct file *file, struct dg_node *node)
{
	__u64 key = (__u64)file;
	int err;

	if (kernel_has_ownership_api() || node->kind != DG_NODE_GROUP)
		return 0;
	err = bpf_map_update_elem(&claimed_files, &key, &node->group, BPF_NOEXIST);
	if (!err)
		group_account(node->group, 0, 1, false);
	else if (err != -EEXIST)
		map_full(DG_MAP_CLAIMED_FILES, NULL);
	return err == -EEXIST ? 0 : err;
}

/*
 * The verdict on an open dmaguard cannot judge (no room to record it, or an
 * untracked node): deny where the policy judges opens in enforce mode, audit
 * in audit mode, else allow.
 */
static __always_inline __u8 untracked_open_verdict(const struct dg_policy *p)
{
	struct dg_stats *st = get_stats();

	if (st)
		__sync_fetch_and_add(&st->untracked, 1);
	if (!p || !(p->acts & DG_ACTS_JUDGE_OPEN))
		return DG_ALLOW;
	return p->mode == DG_MODE_ENFORCE ? DG_DENY : DG_AUDIT;
}

static __always_inline void report_open(const struct dg_open_subject *s, __u8 verdict,
					__u8 reason, __u32 line, __u32 slot)
{
	struct dg_event *e;

	if (!dg_is_violation(verdict) && !emit_all())
		return;
	e = event_start(DG_EV_OPEN);
	if (!e)
		return;
	if (s->device[0]) {
		__builtin_memcpy(e->device, s->device, sizeof(e->device));
		e->flags |= DG_EF_DEVICE;
	}
	if (s->group != DG_NO_GROUP) {
		e->group = s->group;
		e->flags |= DG_EF_GROUP;
	}
	e->uid = s->uid;
	event_set_verdict(e, verdict, reason, line, slot);
	if (verdict == DG_DENY)
		event_set_result(e, -EPERM);
	bpf_ringbuf_submit(e, 0);
}

static __always_inline int judge_open(struct file *file, struct dg_node *node)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct dg_open_subject s = {};
	const struct cred *cred;
	struct dg_policy *p;
	__u8 verdict, reason = DG_REASON_DEFAULT;
	__u32 slot, line = 0;

	s.kind = node->kind;
	s.group = node->group;
	__builtin_memcpy(s.device, node->device, sizeof(s.device));
	bpf_get_current_comm(s.comm, sizeof(s.comm));
	/* the opener's filesystem credentials, as the kernel checks access */
	cred = BPF_CORE_READ(file, f_cred);
	s.uid = BPF_CORE_READ(cred, fsuid.val);
	s.gid = BPF_CORE_READ(cred, fsgid.val);

	p = active_policy(&slot);
	if (!p)
		return 0;
	if (bpf_map_update_elem(&opening, &id, &s, BPF_ANY)) {
		map_full(DG_MAP_OPENING, NULL);
		verdict = untracked_open_verdict(p);
		reason = DG_REASON_UNTRACKED;
	} else {
		verdict = judge(p, slot, DG_ACT_OPEN, 0, &reason, &line);
		bpf_map_delete_elem(&opening, &id);
	}
	/* before 5.19 the open is the claim: one that cannot be recorded is denied */
	if (verdict != DG_DENY && claim_on_open(file, node) && p->mode == DG_MODE_ENFORCE) {
		verdict = DG_DENY;
		reason = DG_REASON_UNTRACKED;
		line = 0;
	}
	report_open(&s, verdict, reason, line, slot);
	return verdict == DG_DENY ? -EPERM : 0;
}

/* A node of a VFIO major that `nodes` does not hold. */
static __always_inline int judge_untracked_node(struct file *file)
{
	struct dg_open_subject s = {};
	const struct cred *cred;
	struct dg_policy *p;
	__u8 verdict;
	__u32 slot;

	p = active_policy(&slot);
	verdict = untracked_open_verdict(p);
	s.group = DG_NO_GROUP;
	cred = BPF_CORE_READ(file, f_cred);
	s.uid = BPF_CORE_READ(cred, fsuid.val);
	report_open(&s, verdict, DG_REASON_UNTRACKED, 0, slot);
	return verdict == DG_DENY ? -EPERM : 0;
}

static __always_inline int gate_open(struct file *file)
{
	struct inode *inode = file->f_inode;
	struct dg_node *node;
	dev_t rdev;
	__u8 major;

	if (!inode || !S_ISCHR(inode->i_mode))
		return 0;
	rdev = inode->i_rdev;
	major = vfio_major[(rdev >> 20) & 0xfff];
	if (!major)
		return 0;
	node = bpf_map_lookup_elem(&nodes, &rdev);
	if (!node)
		return major == VFIO_MAJOR_OWN ? judge_untracked_node(file) : 0;
	return judge_open(file, node);
}

SEC("lsm/file_open")
int BPF_PROG(lsm_file_open, struct file *file, int ret)
{
	if (ret)
		return earlier_verdict(ret);
	return gate_open(file);
}

/* Where BPF is not an active LSM: the same decision, as fmod_ret. */
SEC("fmod_ret/security_file_open")
int BPF_PROG(fmod_file_open, struct file *file, int ret)
{
	if (ret)
		return earlier_verdict(ret);
	return gate_open(file);
}

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
	read_device(dev, &s);
	e = event_start(DG_EV_HOTPLUG);
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

/* Before 5.19: a group file counted by claim_on_open() goes away. */
SEC("fentry/security_file_free")
int BPF_PROG(file_free_enter, struct file *file)
{
	struct inode *inode = file->f_inode;
	__u64 key = (__u64)file;
	__s32 *group;

	if (!inode || !S_ISCHR(inode->i_mode) || !vfio_major[(inode->i_rdev >> 20) & 0xfff])
		return 0;
	group = bpf_map_lookup_elem(&claimed_files, &key);
	if (!group)
		return 0;
	group_account(*group, 0, -1, false);
	bpf_map_delete_elem(&claimed_files, &key);
	return 0;
}
