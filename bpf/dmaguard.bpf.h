/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF-only state of dmaguard: the maps (pinned by the loader) and the
 * per-task record of probes in flight. maps.bpf.c defines the maps; every
 * other object declares them extern and `bpftool gen object` links them.
 */
#ifndef DMAGUARD_BPF_H
#define DMAGUARD_BPF_H

#include "dmaguard.h"

#include "probe_stack.h"

#ifdef DG_DEFINE_MAPS
#define DG_MAP
#else
#define DG_MAP extern
#endif

/* Maps whose contents are dmaguard's interface with userspace are pinned. */
DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct dg_policy);
} policy SEC(".maps");

#ifndef BPF_F_NO_PREALLOC
#define BPF_F_NO_PREALLOC (1U << 0)
#endif

/*
 * The rules by slot * DG_MAX_RULES + number, and the index that finds the
 * first match (include/rule_key.h). Not preallocated: a host pays for the
 * rules it has, not for DG_MAX_RULES of them.
 */
DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * DG_MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct dg_rule);
} rules SEC(".maps");

DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);	/* slot * 2 + action */
	__type(value, struct dg_shapes);
} shapes SEC(".maps");

DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * DG_MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct dg_index_key);
	__type(value, __u32);	/* number of the first rule with this key */
} rule_index SEC(".maps");

DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dg_config);
} config SEC(".maps");

DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dg_stats);
} stats SEC(".maps");

DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct dg_group);
} groups SEC(".maps");

/* VFIO group/device nodes and /dev/iommu, by kernel dev_t. */
DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct dg_node);
} nodes SEC(".maps");

/*
 * A plain hash: an LRU map may evict a live entry early (per-CPU free lists),
 * which would let a denied probe through. Entries cannot be orphaned: the
 * loader attaches fexit before fentry, and an entry is deleted when its
 * task's last probe returns.
 */
DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);	/* pid_tgid */
	__type(value, struct probe_stack);
} inflight SEC(".maps");

/*
 * The subject of a VFIO open being judged, first in the record so the rule
 * walk reads it as a struct dg_open_subject, then room to build the
 * opener's paths in (subject.bpf.h): both are too big for the BPF stack.
 */
#define DG_PATH_DEPTH	32	/* path components followed, at most */
struct open_record {
	struct dg_open_subject subj;
	struct {
		__u64 node;		/* kernfs_node or dentry reached */
		__u64 mount;		/* struct mount the dentry is in */
		__u32 names;		/* entries of chain[] filled */
	} walk;				/* opener.bpf.c, between two steps */
	__u64 chain[DG_PATH_DEPTH];	/* names, leaf first */
	char path[2 * DG_EXE_LEN];	/* a read of DG_EXE_LEN may start anywhere below DG_EXE_LEN */
};
_Static_assert(DG_CGROUP_LEN == DG_EXE_LEN, "one path buffer for both");

/* The open subject being judged, per task, while the rules are walked. */
DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);	/* pid_tgid */
	__type(value, struct open_record);
} opening SEC(".maps");

/* Never written: the zeroes an open record starts from. */
DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct open_record);
} open_zero SEC(".maps");

/*
 * Before 5.19: VFIO group files whose open counted as a userspace claim on
 * their group (key: struct file *), released when the file is freed.
 */
DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __s32);	/* group */
} claimed_files SEC(".maps");

/*
 * A mutex for taking event sequence numbers: inserting its one key with
 * BPF_NOEXIST is atomic on every kernel, while fetching atomics need 5.12
 * and bpf_spin_lock is not available to tracing programs on 5.10.
 */
DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} seq_mutex SEC(".maps");

/* The pinned format and the gate (dg_format; gate.bpf.h). Shared by every set. */
DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dg_format);
} format SEC(".maps");

/*
 * Which set reports a call while two judge (gate.bpf.h). LRU: a token left
 * by a single-shot hook ages out; losing one can only double a report.
 */
DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct dg_call_key);
	__type(value, struct dg_call_owner);
} call_token SEC(".maps");

/*
 * Format 2's maps (dmaguard.h). The VM tests' older build (its test format)
 * has neither, as a build of format 1 had not, so the upgrade scenarios
 * take over pins without them.
 */
#ifndef DMAGUARD_TEST_FORMAT
/* What identifies each slot's policy: userspace's alone, no program reads it. */
DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct dg_policy_info);
} policy_info SEC(".maps");

/* Events by DG_COUNT_INDEX(type, verdict, reason). Shared by every set. */
DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DG_COUNT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");
#endif

DG_MAP struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/*
 * Majors that have VFIO nodes (dev_t majors are 12 bits), VFIO_MAJOR_*; a
 * byte per major so 5.10, without atomic OR, can set it with a plain store.
 * VFIO allocates its own majors for group and device nodes, so a character
 * device of such a major missing from `nodes` is a VFIO node dmaguard could
 * not track (map-full, or opened in the instant between its creation and
 * device_add's return): judged as untracked, denied where the policy judges
 * opens in enforce mode. /dev/iommu is a misc device: its major is shared.
 * Set by nodes.bpf.c and the loader, read by the open gate (vfio_open.bpf.c).
 */
enum {
	VFIO_MAJOR_OWN = 1,
	VFIO_MAJOR_SHARED = 2,
};
#ifdef DMAGUARD_TEST_GLOBALS
/* the VM tests' other build: vfio_major 4 bytes on (probe.bpf.c keeps the size) */
DG_MAP __u32 dg_test_lead;
#endif
DG_MAP __u8 vfio_major[4096];

/* This set's bit in dg_format.enforce (0 or 1), set by the loader before load. */
#ifdef DG_DEFINE_MAPS
const volatile __u8 dg_my_set = 0;
#else
extern const volatile __u8 dg_my_set;
#endif

/*
 * Which BPF object the set was loaded from (a hash of it, written by the
 * loader before load): no program reads it; userspace does, from the
 * set's .rodata, before it loads a program into the set (set_object.c).
 */
#ifdef DG_DEFINE_MAPS
const volatile __u64 dg_object_id = 0;
#endif

#endif /* DMAGUARD_BPF_H */
