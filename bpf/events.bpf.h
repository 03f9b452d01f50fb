/* SPDX-License-Identifier: GPL-2.0 */
/* Events: sequence numbers, the ring buffer, map-full reports. Included through common.bpf.h. */
#ifndef DMAGUARD_EVENTS_BPF_H
#define DMAGUARD_EVENTS_BPF_H

/*
 * Reserve an event and give it the next sequence number, both under one
 * mutex so that the ring holds events in seq order: a gap is then always a
 * loss. The mutex is its map's one key, inserted with BPF_NOEXIST (atomic on
 * every kernel; fetching atomics need 5.12 and bpf_spin_lock is not for
 * tracing programs on 5.10). Its holder runs a few instructions with
 * migration off, so a contender gets it within a few tries. The bound keeps
 * the loop finite and small (a global function, so the verifier walks the
 * tries once per program; 256 tries inline made 6.1 verify 5x more); should it be reached
 * (a holder preempted, a flood of events from every CPU) the event is
 * dropped before it has a number and counted in unsequenced (and lost):
 * a number taken unlocked could be given twice, and next_seq must not pass
 * a seq whose reserved_next is still to be stored. The daemon reports
 * those drops apart, by the counter. An event the ring has no room for
 * still takes its number, so the gap shows, and is counted. reserved_next is stored before next_seq (dg_stats): the
 * daemon finds the lost tail from the two.
 */
#define SEQ_MUTEX_TRIES 32

/* events.bpf.c: take the mutex; 0 when SEQ_MUTEX_TRIES tries failed. */
extern int seq_lock(void);

/*
 * Store next_seq after reserved_next, for the daemon that reads next_seq
 * first and then reserved_next (daemon.c, sync_lost()): it must never see
 * a number taken without its reservation. x86 keeps stores in order, so a
 * compiler barrier is enough there. arm64 does not; its BPF JIT makes an
 * exchange fully ordered (swpal, or ldxr/stlxr and dmb ish), and every
 * arm64 kernel dmaguard runs on (6.4+, trampolines) has BPF exchange (5.12).
 */
static __always_inline void seq_publish(struct dg_stats *st, __u64 next)
{
#ifdef __TARGET_ARCH_arm64
	__sync_lock_test_and_set(&st->next_seq, next);
#else
	asm volatile("" ::: "memory");
	st->next_seq = next;
#endif
}

static __always_inline void seq_unlock(void)
{
	__u32 zero = 0;

	bpf_map_delete_elem(&seq_mutex, &zero);
}

static __always_inline struct dg_stats *get_stats(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&stats, &zero);
}

/* Count an event by type, verdict and reason (dmaguard.h, "counts"). */
static __always_inline void count_event(__u32 type, __u32 verdict, __u32 reason)
{
#ifndef DMAGUARD_TEST_FORMAT
	__u32 key = DG_COUNT_INDEX(type, verdict, reason);
	__u64 *n = bpf_map_lookup_elem(&counts, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
#endif
}

/*
 * Start an event of type; verdict and reason (DG_COUNT_NO_VERDICT and
 * DG_REASON_NONE for an event without one) count it, also when it is lost.
 */
static __always_inline struct dg_event *event_start(__u32 type, __u32 verdict, __u32 reason)
{
	struct dg_stats *st;
	struct dg_event *e;
	__u64 seq;

	count_event(type, verdict, reason);
	st = get_stats();
	if (!st)
		return NULL;
	if (!seq_lock()) {
		__sync_fetch_and_add(&st->unsequenced, 1);
		__sync_fetch_and_add(&st->lost, 1);
		return NULL;
	}
	seq = st->next_seq;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e)
		st->reserved_next = seq + 1;
	seq_publish(st, seq + 1);
	seq_unlock();
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
	e = event_start(DG_EV_MAP_FULL, DG_COUNT_NO_VERDICT, DG_REASON_NONE);
	if (!e)
		return;
	if (s)
		event_set_subject(e, s);
	e->map = map;
	e->count = st->map_full[map];
	e->flags |= DG_EF_MAP;
	bpf_ringbuf_submit(e, 0);
}

#endif /* DMAGUARD_EVENTS_BPF_H */
