// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO open gate. Opens are judged by the inode's device number, never by
 * path, so a node made with mknod under another name is judged the same. The
 * map of VFIO nodes is seeded by the loader from sysfs and kept current by
 * nodes.bpf.c as nodes come and go, so nodes created while the daemon is
 * down are judged too.
 *
 * file_open runs for every open in the system: anything that is not a
 * character device of a major with VFIO nodes leaves after a few loads,
 * touching no shared writable state.
 */
#include "common.bpf.h"


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

/*
 * Start an open event if this set reports the call and the verdict is
 * reported at all: the node's device (NULL: none) and group.
 */
static __always_inline struct dg_event *open_event_start(const char *device, __s32 group,
							 __u8 verdict, __u8 reason, int role)
{
	struct dg_event *e;

	if (!call_owned(role) || (!dg_is_violation(verdict) && !emit_all()))
		return NULL;
	e = event_start(DG_EV_OPEN, verdict, reason);
	if (!e)
		return NULL;
	if (device && device[0]) {
		__builtin_memcpy(e->device, device, sizeof(e->device));
		e->flags |= DG_EF_DEVICE;
	}
	if (group != DG_NO_GROUP) {
		e->group = group;
		e->flags |= DG_EF_GROUP;
	}
	return e;
}

static __always_inline void open_event_submit(struct dg_event *e, __u32 uid, __u8 verdict,
					      __u8 reason, __u32 line, __u32 slot)
{
	e->uid = uid;
	event_set_verdict(e, verdict, reason, line, slot);
	if (verdict == DG_DENY)
		event_set_result(e, -EPERM);
	bpf_ringbuf_submit(e, 0);
}

static __always_inline void report_open(const struct dg_open_subject *s, __u8 verdict,
					__u8 reason, __u32 line, __u32 slot, int role)
{
	struct dg_event *e = open_event_start(s->device, s->group, verdict, reason, role);

	if (!e)
		return;
	if (s->cgroup[0]) {
		__builtin_memcpy(e->cgroup, s->cgroup, sizeof(e->cgroup));
		e->flags |= DG_EF_CGROUP;
	}
	if (s->exe[0]) {
		__builtin_memcpy(e->exe, s->exe, sizeof(e->exe));
		e->flags |= DG_EF_EXE;
	}
	open_event_submit(e, s->uid, verdict, reason, line, slot);
}

/* An open judged without its record (node NULL: a node `nodes` does not hold). */
static __always_inline void report_untracked(struct file *file, const struct dg_node *node,
					     __u8 verdict, __u32 slot, int role)
{
	struct dg_event *e;

	e = open_event_start(node ? node->device : NULL, node ? node->group : DG_NO_GROUP,
			     verdict, DG_REASON_UNTRACKED, role);
	if (e)
		open_event_submit(e, BPF_CORE_READ(file, f_cred, fsuid.val), verdict,
				  DG_REASON_UNTRACKED, 0, slot);
}

/* This task's open record, zeroed; NULL when the map has no room. */
static __always_inline struct open_record *open_record_start(__u64 id)
{
	__u32 zero = 0;
	void *zeroes = bpf_map_lookup_elem(&open_zero, &zero);

	if (!zeroes || bpf_map_update_elem(&opening, &id, zeroes, BPF_ANY))
		return NULL;
	return bpf_map_lookup_elem(&opening, &id);
}

static __always_inline int judge_open(struct file *file, struct dg_node *node, int role)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct open_record *rec;
	struct dg_open_subject *s;
	const struct cred *cred;
	struct dg_policy *p;
	__u8 verdict, reason = DG_REASON_DEFAULT;
	__u32 slot, line = 0;

	p = active_policy(&slot);
	if (!p)
		return 0;
	rec = open_record_start(id);
	if (!rec) {
		map_full(DG_MAP_OPENING, NULL);
		verdict = untracked_open_verdict(p);
		report_untracked(file, node, verdict, slot, role);
		return verdict == DG_DENY ? -EPERM : 0;
	}
	s = &rec->subj;
	s->kind = node->kind;
	s->group = node->group;
	__builtin_memcpy(s->device, node->device, sizeof(s->device));
	bpf_get_current_comm(s->comm, sizeof(s->comm));
	/* the opener's filesystem credentials, as the kernel checks access */
	cred = BPF_CORE_READ(file, f_cred);
	s->uid = BPF_CORE_READ(cred, fsuid.val);
	s->gid = BPF_CORE_READ(cred, fsgid.val);
	read_opener_paths(id);
	verdict = judge(p, slot, DG_ACT_OPEN, 0, &reason, &line);
	/* before 5.19 the open is the claim: one that cannot be recorded is denied */
	if (verdict != DG_DENY && claim_on_open(file, node) && p->mode == DG_MODE_ENFORCE) {
		verdict = DG_DENY;
		reason = DG_REASON_UNTRACKED;
		line = 0;
	}
	report_open(s, verdict, reason, line, slot, role);
	bpf_map_delete_elem(&opening, &id);
	return verdict == DG_DENY ? -EPERM : 0;
}

/* A node of a VFIO major that `nodes` does not hold. */
static __always_inline int judge_untracked_node(struct file *file, int role)
{
	struct dg_policy *p;
	__u8 verdict;
	__u32 slot;

	p = active_policy(&slot);
	verdict = untracked_open_verdict(p);
	report_untracked(file, NULL, verdict, slot, role);
	return verdict == DG_DENY ? -EPERM : 0;
}

static __always_inline int gate_open(struct file *file)
{
	struct inode *inode = file->f_inode;
	struct dg_node *node;
	dev_t rdev;
	__u8 major;
	int role;

	if (!inode || !S_ISCHR(inode->i_mode))
		return 0;
	rdev = inode->i_rdev;
	major = vfio_major[(rdev >> 20) & 0xfff];
	if (!major)
		return 0;
	node = bpf_map_lookup_elem(&nodes, &rdev);
	if (!node && major != VFIO_MAJOR_OWN)
		return 0;
	/* the gate is read only for VFIO nodes: ordinary opens never reach it */
	role = call_begin(DG_CALL_OPEN, (__u64)file);
	if (role == CALL_SKIP)
		return 0;
	if (!node)
		return judge_untracked_node(file, role);
	return judge_open(file, node, role);
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

/* Before 5.19: a group file counted by claim_on_open() goes away. */
SEC("fentry/security_file_free")
int BPF_PROG(file_free_enter, struct file *file)
{
	struct inode *inode = file->f_inode;
	__u64 key = (__u64)file;
	__s32 *group, gid;

	if (!inode || !S_ISCHR(inode->i_mode) || !vfio_major[(inode->i_rdev >> 20) & 0xfff])
		return 0;
	group = bpf_map_lookup_elem(&claimed_files, &key);
	if (!group)
		return 0;
	gid = *group;
	/*
	 * claimed_files is shared by the sets of a takeover, both of which run
	 * here: the delete picks the one that counts the release, as the
	 * BPF_NOEXIST insert in claim_on_open() picked the one that counted
	 * the claim.
	 */
	if (!bpf_map_delete_elem(&claimed_files, &key))
		group_account(gid, 0, -1, false);
	return 0;
}
