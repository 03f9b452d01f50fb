/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by dmaguard's BPF objects: config, events, reading devices. */
#ifndef DMAGUARD_COMMON_BPF_H
#define DMAGUARD_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "dmaguard.bpf.h"
#include "match.h"

#ifndef EEXIST
#define EEXIST 17
#endif

/* rules.bpf.c: index of the first rule of action in slot that matches the
 * subject of this task (probe frame depth for bind), or -1. */
extern int first_matching_rule(__u32 slot, __u32 action, __u32 depth);

/*
 * What an LSM program returns when an earlier LSM already decided: its error,
 * in the range the verifier of 6.9+ insists on ([-MAX_ERRNO, 0]).
 */
#define MAX_ERRNO 4095
static __always_inline int earlier_verdict(int ret)
{
	return ret < 0 && ret >= -MAX_ERRNO ? ret : -EPERM;
}

static __always_inline struct dg_config *get_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&config, &zero);
}

static __always_inline struct dg_policy *active_policy(__u32 *slot)
{
	struct dg_config *cfg = get_config();

	*slot = cfg ? cfg->active_slot & 1 : 0;
	return bpf_map_lookup_elem(&policy, slot);
}

static __always_inline bool emit_all(void)
{
	struct dg_config *cfg = get_config();

	return cfg && cfg->emit_all;
}

/*
 * Walk the active policy for action and decide. *line gets the deciding
 * rule's line, 0 for a default.
 */
static __always_inline __u8 judge(const struct dg_policy *p, __u32 slot, __u8 action,
				  __u32 depth, __u8 *reason, __u32 *line)
{
	struct dg_rule *r = NULL;
	__u32 key;
	int i;

	i = first_matching_rule(slot, action, depth);
	if (i >= 0 && i < DG_MAX_RULES) {
		key = slot * DG_MAX_RULES + i;
		r = bpf_map_lookup_elem(&rules, &key);
	}
	*line = r ? r->line : 0;
	return dg_decide(p, r, action, reason);
}

/*
 * Reserve an event and give it the next sequence number, both under one
 * mutex so that the ring holds events in seq order: a gap is then always a
 * loss. The mutex is its map's one key, inserted with BPF_NOEXIST (atomic on
 * every kernel; fetching atomics need 5.12 and bpf_spin_lock is not for
 * tracing programs on 5.10). Its holder runs a few instructions with
 * migration off, so a contender gets it within a few tries. The bound keeps
 * the loop finite and small (the verifier walks every try, in every program
 * that emits: 256 tries made 6.1 verify 5x more); should it be reached the
 * number is taken unlocked (at worst a duplicate, never a false gap). An
 * event the ring has no room for still takes its number, so the gap shows,
 * and is counted. reserved_next is stored before next_seq (dg_stats): the
 * daemon finds the lost tail from the two.
 */
#define SEQ_MUTEX_TRIES 32
static __always_inline void seq_unlock(bool locked)
{
	__u32 zero = 0;

	if (locked)
		bpf_map_delete_elem(&seq_mutex, &zero);
}

static __always_inline struct dg_stats *get_stats(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&stats, &zero);
}

static __always_inline struct dg_event *event_start(__u32 type)
{
	__u32 zero = 0, one = 1;
	struct dg_stats *st;
	struct dg_event *e;
	__u64 seq;
	int i;

	st = get_stats();
	if (!st)
		return NULL;
	for (i = 0; i < SEQ_MUTEX_TRIES; i++)
		if (!bpf_map_update_elem(&seq_mutex, &zero, &one, BPF_NOEXIST))
			break;
	seq = st->next_seq;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		st->reserved_next = seq + 1;
		/* the order the daemon relies on; x86 keeps stores in order */
		asm volatile("" ::: "memory");
	}
	st->next_seq = seq + 1;
	seq_unlock(i < SEQ_MUTEX_TRIES);
	if (!e) {
		__sync_fetch_and_add(&st->lost, 1);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->seq = seq;
	e->boot_ns = bpf_ktime_get_boot_ns();
	e->type = type;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

static __always_inline void event_set_subject(struct dg_event *e,
					      const struct dg_bind_subject *s)
{
	__builtin_memcpy(e->device, s->device, sizeof(e->device));
	e->flags |= DG_EF_DEVICE;
	if (s->group != DG_NO_GROUP) {
		e->group = s->group;
		e->flags |= DG_EF_GROUP;
	}
	if (s->is_pci) {
		e->vendor = s->vendor;
		e->devid = s->devid;
		e->class = s->class;
		e->flags |= DG_EF_PCI;
	}
	if (s->driver[0]) {
		__builtin_memcpy(e->driver, s->driver, sizeof(e->driver));
		e->dma = s->dma;
		e->flags |= DG_EF_DRIVER;
	}
}

static __always_inline void event_set_verdict(struct dg_event *e, __u8 verdict,
					      __u8 reason, __u32 line, __u32 slot)
{
	e->verdict = verdict;
	e->reason = reason;
	e->rule_line = reason == DG_REASON_RULE ? line : 0;
	e->policy_slot = slot;
	e->flags |= DG_EF_VERDICT;
}

static __always_inline void event_set_result(struct dg_event *e, __s32 result)
{
	e->result = result;
	e->flags |= DG_EF_RESULT;
}

/*
 * A map had no room for an update: count it, and say so in a map-full event
 * at most once a second per map, so a full map cannot flood the ring. s is
 * the device concerned, if any. Emitted whatever the event selection: it is
 * a failure, never silent.
 */
#define MAP_FULL_EVENT_NS 1000000000ull
static __always_inline void map_full(__u32 map, const struct dg_bind_subject *s)
{
	struct dg_stats *st = get_stats();
	struct dg_event *e;
	__u64 now, last;

	if (!st)
		return;
	map &= DG_MAP_SLOTS - 1;
	__sync_fetch_and_add(&st->map_full[map], 1);
	now = bpf_ktime_get_boot_ns();
	last = st->map_full_ns[map];
	if (last && now - last < MAP_FULL_EVENT_NS)
		return;
	st->map_full_ns[map] = now;
	e = event_start(DG_EV_MAP_FULL);
	if (!e)
		return;
	if (s)
		event_set_subject(e, s);
	e->map = map;
	e->count = st->map_full[map];
	e->flags |= DG_EF_MAP;
	bpf_ringbuf_submit(e, 0);
}

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

static __always_inline void read_driver(const struct device_driver *drv,
					struct dg_bind_subject *s)
{
	bpf_probe_read_kernel_str(s->driver, sizeof(s->driver), BPF_CORE_READ(drv, name));
	s->dma = dg_driver_dma_mode(s->driver);
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
	return dg_driver_takes_group(s->driver);
}

/* This task's probes in flight, if any. */
static __always_inline struct probe_stack *task_probes(void)
{
	__u64 id = bpf_get_current_pid_tgid();

	return bpf_map_lookup_elem(&inflight, &id);
}

/* The probe on top of this task's stack, if any. */
static __always_inline struct probe_frame *top_probe(struct probe_stack *st)
{
	__u32 depth = st->depth;

	if (depth == 0 || depth > DG_MAX_NEST)
		return NULL;
	return &st->frames[(depth - 1) & (DG_MAX_NEST - 1)];
}

/*
 * Account a change of a group's ownership in the pinned map: dkernel and
 * duser are +1/-1/0 changes of kernel-DMA drivers and userspace claims;
 * release_all drops every userspace claim (group-level release).
 */
static __always_inline void group_account(__s32 gid, int dkernel, int duser, bool release_all)
{
	struct dg_group *g, zero = {};

	if (gid == DG_NO_GROUP)
		return;
	g = bpf_map_lookup_elem(&groups, &gid);
	if (!g) {
		/* EEXIST: another CPU made it meanwhile; the lookup finds it */
		bpf_map_update_elem(&groups, &gid, &zero, BPF_NOEXIST);
		g = bpf_map_lookup_elem(&groups, &gid);
		if (!g) {
			map_full(DG_MAP_GROUPS, NULL);
			return;
		}
	}
	if (dkernel > 0 || (dkernel < 0 && g->kernel_drivers))
		__sync_fetch_and_add(&g->kernel_drivers, dkernel);
	if (duser > 0) {
		__sync_fetch_and_add(&g->user_claims, 1);
		g->owner_pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(g->owner_comm, sizeof(g->owner_comm));
	} else if (duser < 0 && g->user_claims) {
		__sync_fetch_and_add(&g->user_claims, -1);
	}
	if (release_all)
		g->user_claims = 0;
	g->owner = dg_group_owner(g);
	if (g->owner == DG_OWNER_USER)
		return;
	g->owner_pid = 0;
	__builtin_memset(g->owner_comm, 0, sizeof(g->owner_comm));
}

/* The kernel tracks DMA ownership itself (5.19+): its hooks keep our map. */
static __always_inline bool kernel_has_ownership_api(void)
{
	return bpf_core_field_exists(struct iommu_group, owner);
}

#endif /* DMAGUARD_COMMON_BPF_H */
