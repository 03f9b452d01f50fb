// SPDX-License-Identifier: GPL-2.0
/*
 * The probe path. fentry on really_probe() decides the verdict for (device,
 * driver) with the shared matcher and pushes it on this task's probe stack;
 * when it is deny, the kernfs hook fails the first sysfs link that
 * driver_sysfs_add() creates for that probe (the link named after the device
 * in the driver's directory), so really_probe() unwinds before the driver's
 * probe() runs and the kernel cleans up. fexit reports the outcome.
 */
#include "common.bpf.h"

/*
 * Probes being denied right now, system-wide. The kernfs hook runs for every
 * sysfs and cgroupfs node; while this is zero it returns after one load.
 */
#ifdef DMAGUARD_TEST_GLOBALS
/* the VM tests' other build: out of .bss, which keeps its size (dmaguard.bpf.h) */
__u32 denials_in_flight SEC(".data");
#else
__u32 denials_in_flight;
#endif

/*
 * Probes denied without a frame: this task's probe stack had no room in
 * inflight (map-full), so the rules could not be walked. While the policy
 * can deny a bind in enforce mode such a probe is denied (fail closed): the
 * kernfs hook fails the device link any task without a frame creates in a
 * driver's directory. Paired with the frameless fexit; an fexit without
 * fentry (a probe in progress while the loader attached) may pair with one
 * early: the bound is loose, never negative.
 */
__s32 untracked_denials;

/* Zeroed template for a new task's probe stack (too large for the BPF stack). */
static const struct probe_stack empty_stack;

static __always_inline struct probe_stack *task_probes_create(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct probe_stack *st;

	st = bpf_map_lookup_elem(&inflight, &id);
	if (st)
		return st;
	bpf_map_update_elem(&inflight, &id, &empty_stack, BPF_NOEXIST);
	return bpf_map_lookup_elem(&inflight, &id);
}

/* The policy in force can deny a bind now (the kernfs hook is attached). */
static __always_inline bool policy_denies_binds(const struct dg_policy *p)
{
	if (!p || p->mode != DG_MODE_ENFORCE)
		return false;
	/* before 5.19 mixed ownership is dmaguard's to deny, whatever the rules */
	return (p->acts & DG_ACTS_DENY_BIND) || !kernel_has_ownership_api();
}

/*
 * No room in inflight for this task's probe: it cannot be judged. Fail
 * closed where the policy could deny it, else let it through; either way
 * say so (map-full, and a bind event with reason untracked).
 */
static __always_inline void untracked_probe(struct device *dev, const struct device_driver *drv,
					    int role)
{
	struct dg_bind_subject s = {};
	struct dg_stats *stats = get_stats();
	struct dg_policy *p;
	struct dg_event *e;
	__u8 verdict;
	__u32 slot;

	read_device(dev, &s);
	read_driver(drv, &s);
	map_full(DG_MAP_INFLIGHT, &s);
	if (stats)
		__sync_fetch_and_add(&stats->untracked, 1);
	p = active_policy(&slot);
	verdict = DG_ALLOW;
	if (policy_denies_binds(p)) {
		verdict = DG_DENY;
		__sync_fetch_and_add(&untracked_denials, 1);
	} else if (p && p->mode == DG_MODE_AUDIT && (p->acts & DG_ACTS_DENY_BIND)) {
		verdict = DG_AUDIT;
	}
	if (!call_owned(role) || (!dg_is_violation(verdict) && !emit_all()))
		return;
	e = event_start(DG_EV_BIND, verdict, DG_REASON_UNTRACKED);
	if (!e)
		return;
	event_set_subject(e, &s);
	event_set_verdict(e, verdict, DG_REASON_UNTRACKED, 0, slot);
	bpf_ringbuf_submit(e, 0);
}

/* The fexit of a probe that had no frame: end a fail-closed denial. */
static __always_inline void untracked_probe_done(void)
{
	if (untracked_denials > 0)
		__sync_fetch_and_add(&untracked_denials, -1);
}

/* Userspace owns the device's group: the kernel's own owner (5.19+), or ours. */
static __always_inline bool group_user_owned(struct device *dev, __s32 gid)
{
	struct iommu_group *grp;
	struct dg_group *g;

	if (gid == DG_NO_GROUP)
		return false;
	if (bpf_core_field_exists(struct iommu_group, owner)) {
		grp = BPF_CORE_READ(dev, iommu_group);
		if (grp && BPF_CORE_READ(grp, owner))
			return true;
	}
	g = bpf_map_lookup_elem(&groups, &gid);
	return g && dg_group_owner(g) == DG_OWNER_USER;
}

static __always_inline void decide_bind(struct probe_frame *f, struct device *dev,
					const struct device_driver *drv, __u32 depth)
{
	struct dg_policy *p;
	__u32 slot;

	p = active_policy(&slot);
	f->slot = slot;
	if (!p) {
		f->verdict = DG_ALLOW;
		f->reason = DG_REASON_DEFAULT;
		return;
	}
	/* built in, whatever the rules say */
	if (driver_takes_group(drv, &f->subj) && group_user_owned(dev, f->subj.group)) {
		f->verdict = p->mode == DG_MODE_AUDIT ? DG_AUDIT : DG_DENY;
		f->reason = DG_REASON_MIXED;
		return;
	}
	f->verdict = judge(p, slot, DG_ACT_BIND, depth, &f->reason, &f->rule_line);
}

SEC("fentry/really_probe")
int BPF_PROG(probe_enter, struct device *dev, const struct device_driver *drv)
{
	int role = call_begin(DG_CALL_PROBE, (__u64)dev);
	struct probe_stack *st;
	struct probe_frame *f;
	__u32 depth;

	/* not this set's call: no frame, so its fexit and kernfs hook pass too */
	if (role == CALL_SKIP)
		return 0;
	st = task_probes_create();
	if (!st) {
		if (role == CALL_OWN_TOKEN)
			call_token_free(DG_CALL_PROBE, (__u64)dev);
		untracked_probe(dev, (const struct device_driver *)drv, role);
		return 0;
	}
	depth = st->depth;
	if (depth >= DG_MAX_NEST) {
		/* not judged; fexit will not find it on top either */
		if (role == CALL_OWN_TOKEN)
			call_token_free(DG_CALL_PROBE, (__u64)dev);
		return 0;
	}
	f = &st->frames[depth & (DG_MAX_NEST - 1)];
	__builtin_memset(f, 0, sizeof(*f));
	f->dev = (__u64)dev;
	f->report = call_owned(role);
	f->token = role == CALL_OWN_TOKEN;
	f->drv_dir = (__u64)BPF_CORE_READ(drv, p, kobj.sd);
	read_device(dev, &f->subj);
	read_driver(drv, &f->subj);
	st->depth = depth + 1;

	decide_bind(f, dev, drv, depth);
	if (f->verdict == DG_DENY) {
		f->deny = 1;
		__sync_fetch_and_add(&denials_in_flight, 1);
	}
	return 0;
}

/*
 * really_probe() returns 1 when bound before 5.11 and 0 after, -errno for a
 * failure before the driver's probe() and, from 5.11, +errno for a failure in
 * it. Before 5.11 every failure collapses to 0, and `bind` turns that into
 * -ENODEV, the only error left to report. dev->driver is set exactly when the
 * device ended up bound, in every version, so that decides success.
 */
static __always_inline __s32 probe_result(struct device *dev, int ret)
{
	if (BPF_CORE_READ(dev, driver))
		return 0;
	if (ret > 0)
		return -ret;
	return ret ? ret : -ENODEV;
}

static __always_inline void report_probe(struct probe_frame *f, __s32 result)
{
	__u8 reason = f->reason, verdict = f->verdict;
	struct dg_event *e;

	if (f->kernel_refused && result) {
		/* the kernel's own ownership check failed the probe */
		reason = DG_REASON_KERNEL_REFUSED;
		verdict = DG_DENY;
		result = f->kernel_refused;
	}
	if (!f->report)
		return;
	if (!dg_is_violation(verdict) && reason != DG_REASON_KERNEL_REFUSED && !emit_all())
		return;
	e = event_start(DG_EV_BIND, verdict, reason);
	if (!e)
		return;
	event_set_subject(e, &f->subj);
	event_set_verdict(e, verdict, reason, f->rule_line, f->slot);
	event_set_result(e, result);
	bpf_ringbuf_submit(e, 0);
}

SEC("fexit/really_probe")
int BPF_PROG(probe_exit, struct device *dev, const struct device_driver *drv, int ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct probe_stack *st = task_probes();
	struct probe_frame *f;

	if (!st) {
		untracked_probe_done();
		return 0;
	}
	f = top_probe(st);
	if (!f || f->dev != (__u64)dev)
		return 0;
	if (f->deny)
		__sync_fetch_and_add(&denials_in_flight, -1);
	/* groups is shared by the sets of a takeover: only the call's owner counts */
	if (f->report && !kernel_has_ownership_api() && BPF_CORE_READ(dev, driver) &&
	    driver_takes_group(drv, &f->subj))
		group_account(f->subj.group, 1, 0, false);
	report_probe(f, probe_result(dev, ret));
	if (f->token)
		call_token_free(DG_CALL_PROBE, (__u64)dev);
	st->depth--;
	if (st->depth == 0)
		bpf_map_delete_elem(&inflight, &id);
	return 0;
}

/*
 * Fail the sysfs link named after the device in the driver's directory when
 * this task's current probe is denied. Returns 0 (no opinion) or -EPERM;
 * kernfs turns any failure into -ENOMEM for the caller.
 */
/*
 * A task without a probe frame while untracked denials are pending: fail
 * the link driver_sysfs_add() makes, a link in a driver's directory (whose
 * parent is "drivers") other than the driver's "module" link.
 */
static __always_inline int judge_untracked_link(struct kernfs_node *dir, struct kernfs_node *kn)
{
	char name[8] = {};

	if (untracked_denials <= 0 || !(BPF_CORE_READ(kn, flags) & KERNFS_LINK))
		return 0;
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(kn, name));
	if (dg_str_eq(name, "module", sizeof(name)))
		return 0;
	__builtin_memset(name, 0, sizeof(name));
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(kernfs_parent(dir), name));
	if (!dg_str_eq(name, "drivers", sizeof(name)))
		return 0;
	return -EPERM;
}

static __always_inline int judge_kernfs(struct kernfs_node *dir, struct kernfs_node *kn)
{
	struct probe_stack *st = task_probes();
	char name[DG_DEVICE_LEN];
	struct probe_frame *f;

	if (!st)
		return judge_untracked_link(dir, kn);
	f = top_probe(st);
	if (!f || !f->deny || f->drv_dir != (__u64)dir)
		return 0;
	if (!(BPF_CORE_READ(kn, flags) & KERNFS_LINK))
		return 0;
	if (bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(kn, name)) < 0)
		return 0;
	if (!dg_str_eq(name, f->subj.device, DG_DEVICE_LEN))
		return 0;
	f->denied = 1;
	return -EPERM;
}

SEC("lsm/kernfs_init_security")
int BPF_PROG(lsm_kernfs, struct kernfs_node *kn_dir, struct kernfs_node *kn, int ret)
{
	if (ret)
		return earlier_verdict(ret);
	if (!denials_in_flight && untracked_denials <= 0)
		return 0;
	return judge_kernfs(kn_dir, kn);
}

/* Where BPF is not an active LSM: the same decision, as fmod_ret. */
SEC("fmod_ret/security_kernfs_init_security")
int BPF_PROG(fmod_kernfs, struct kernfs_node *kn_dir, struct kernfs_node *kn, int ret)
{
	if (ret)
		return earlier_verdict(ret);
	if (!denials_in_flight && untracked_denials <= 0)
		return 0;
	return judge_kernfs(kn_dir, kn);
}

/*
 * Unbind. __device_release_driver() first waits until no device link makes
 * the device busy; the last device_links_busy() call, returning false, comes
 * while dev->driver is still set and the release can no longer be refused.
 * It lives in core.c and its one caller in dd.c, so it is never inlined,
 * unlike device_release_driver_internal() on 5.10; the later cleanup calls
 * run after dev->driver is cleared on current stable kernels.
 */
SEC("fexit/device_links_busy")
int BPF_PROG(unbind_exit, struct device *dev, bool busy)
{
	const struct device_driver *cur = BPF_CORE_READ(dev, driver);
	struct dg_bind_subject s = {};
	struct dg_event *e;

	if (busy || !cur)
		return 0;
	if (!call_owned(call_begin(DG_CALL_UNBIND, (__u64)dev)))
		return 0;
	read_device(dev, &s);
	read_driver(cur, &s);
	if (!kernel_has_ownership_api() && driver_takes_group(cur, &s))
		group_account(s.group, -1, 0, false);
	if (!emit_all())
		return 0;
	e = event_start(DG_EV_UNBIND, DG_COUNT_NO_VERDICT, DG_REASON_NONE);
	if (!e)
		return 0;
	event_set_subject(e, &s);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
