/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by the BPF programs and the userspace loader: the compiled
 * policy (what the policy maps hold), the group-ownership map, and the event
 * record of the ring buffer.
 *
 * Rules: fixed-size, only __u8/__u16/__u32/__u64/__s32 and char arrays, explicit
 * padding, and a _Static_assert on every size so a layout change breaks the
 * build on both sides instead of silently misreading a map. Enums are
 * append-only: values are part of the pinned maps' format.
 */
#ifndef DMAGUARD_H
#define DMAGUARD_H

#ifdef __bpf__
/* vmlinux.h (our minimal one) provides __u8 .. __u64 */
#else
#include <linux/types.h>
#endif

#define DG_DEVICE_LEN	64	/* kobject name of a device, e.g. 0000:02:01.0 */
#define DG_DRIVER_LEN	32	/* driver name, e.g. vfio-pci */
#define DG_COMM_LEN	16	/* TASK_COMM_LEN */
#define DG_SOURCE_LEN	128	/* policy file name as given on the command line */
/*
 * An opener's cgroup v2 path and executable path. A longer path is kept as
 * its first LEN - 1 bytes, all non-NUL: rule values stop at LEN - 2, so such
 * a path can match a prefix rule but never an exact one.
 */
#define DG_CGROUP_LEN	128	/* e.g. /machine.slice/machine-qemu\x2d1\x2dvm.scope */
#define DG_EXE_LEN	128	/* e.g. /usr/bin/qemu-system-x86_64 */

/*
 * Rules per policy. Matching does not walk them: rules are indexed by their
 * shape (struct dg_shape), so the cost grows with the number of distinct
 * shapes, at most DG_MAX_SHAPES per action, not with the number of rules.
 */
#define DG_MAX_RULES	65536
#define DG_MAX_SHAPES	64	/* a power of two */

/* Nesting depth of really_probe() on one task (a probe that probes children). */
#define DG_MAX_NEST	4

#define DG_NO_GROUP	(-1)

enum dg_action {
	DG_ACT_BIND = 0,
	DG_ACT_OPEN = 1,
};

enum dg_verdict {
	DG_ALLOW = 0,
	DG_DENY = 1,
	DG_AUDIT = 2,	/* allow, and report as a violation */
};

enum dg_mode {
	DG_MODE_ENFORCE = 0,
	DG_MODE_AUDIT = 1,
};

enum dg_dma {
	DG_DMA_KERNEL = 0,	/* the driver uses the kernel DMA API */
	DG_DMA_USER = 1,	/* the driver manages DMA itself, for userspace */
};

/* Attributes a rule constrains (dg_rule.match); an unset bit matches anything. */
enum dg_match_bits {
	DG_M_DEVICE	= 1u << 0,
	DG_M_VENDOR	= 1u << 1,
	DG_M_DEVID	= 1u << 2,
	DG_M_CLASS	= 1u << 3,
	DG_M_GROUP	= 1u << 4,
	DG_M_DRIVER	= 1u << 5,
	DG_M_DMA	= 1u << 6,
	DG_M_UID	= 1u << 7,
	DG_M_GID	= 1u << 8,
	DG_M_COMM	= 1u << 9,
	DG_M_PCI	= 1u << 10,	/* id=*:*: any PCI device */
	DG_M_CGROUP	= 1u << 11,
	DG_M_EXE	= 1u << 12,
};

/* String attributes that ended in '*' in the policy: match as a prefix. */
enum dg_prefix_bits {
	DG_P_DEVICE	= 1u << 0,
	DG_P_DRIVER	= 1u << 1,
	DG_P_COMM	= 1u << 2,
	DG_P_CGROUP	= 1u << 3,
	DG_P_EXE	= 1u << 4,
};

/*
 * One compiled rule. Strings are NUL-padded to their full size (the prefix
 * '*' removed), so the matcher compares whole arrays with no strlen.
 * class: the value of class=0xCC, 0xCCSS or 0xCCSSPP shifted to 0xCCSSPP
 * form; class_bytes says how many leading bytes count (1, 2 or 3).
 */
struct dg_rule {
	__u32 match;		/* DG_M_* */
	__u8 action;		/* DG_ACT_* */
	__u8 verdict;		/* DG_ALLOW, DG_DENY, DG_AUDIT */
	__u8 prefix;		/* DG_P_* */
	__u8 class_bytes;
	__u32 line;		/* line in the policy file, for events */
	__u16 vendor;
	__u16 devid;
	__u32 class;
	__s32 group;
	__u32 uid;
	__u32 gid;
	__u8 dma;		/* DG_DMA_* */
	__u8 pad[3];
	char device[DG_DEVICE_LEN];
	char driver[DG_DRIVER_LEN];
	char comm[DG_COMM_LEN];
	char cgroup[DG_CGROUP_LEN];
	char exe[DG_EXE_LEN];
};
_Static_assert(sizeof(struct dg_rule) == 404, "dg_rule layout");

/*
 * A rule's shape, or kind: which attributes it names and how many leading
 * bytes of each count (the length of a prefix, the whole field for an
 * exact string, the class bytes). Two rules of one shape match the same
 * subjects exactly when the attributes their shape compares are equal, so
 * the first matching rule of a shape is one hash lookup of the subject's
 * attributes in that shape, and the first matching rule of the policy the
 * lowest of those, one per shape (include/rule_key.h).
 */
struct dg_shape {
	__u32 match;		/* DG_M_* */
	__u8 class_bytes;	/* with DG_M_CLASS */
	__u8 device_len;	/* with DG_M_DEVICE: bytes compared, up to a NUL */
	__u8 driver_len;	/* with DG_M_DRIVER */
	__u8 comm_len;		/* with DG_M_COMM */
	__u8 cgroup_len;	/* with DG_M_CGROUP */
	__u8 exe_len;		/* with DG_M_EXE */
	__u8 pad[2];
};
_Static_assert(sizeof(struct dg_shape) == 12, "dg_shape layout");

/* The shapes of one action in one policy slot (map "shapes", key slot * 2 + action). */
struct dg_shapes {
	__u32 n;
	__u32 seed;		/* of the slot's key hashes: no two keys of a shape collide */
	struct dg_shape shape[DG_MAX_SHAPES];
};
_Static_assert(sizeof(struct dg_shapes) == 8 + 12 * DG_MAX_SHAPES, "dg_shapes layout");

/*
 * Key of the rule index (map "rule_index", value: the number of the first
 * rule with this key): the hash of the attributes a shape compares, masked
 * as its rules compare them. The loader picks the slot's seed so that
 * rules with different attributes never share a hash; a subject's hash
 * that meets a rule's all the same is caught by the full matcher.
 */
struct dg_index_key {
	__u8 slot;
	__u8 action;		/* DG_ACT_* */
	__u16 shape;		/* index into the slot's dg_shapes of action */
	__u32 pad;
	__u64 hash;
};
_Static_assert(sizeof(struct dg_index_key) == 16, "dg_index_key layout");

/*
 * Policy header, one per slot of the double-buffered policy maps. The rules of
 * slot s are keys [s * DG_MAX_RULES, s * DG_MAX_RULES + n_rules) of the
 * rules map; bind and open rules share the list, each judged only against
 * rules of its own action, first match wins. The slot's shapes and rule
 * index find that first match.
 */
struct dg_policy {
	__u32 n_rules;
	__u8 mode;		/* DG_MODE_* */
	__u8 default_bind;	/* DG_ALLOW or DG_DENY */
	__u8 default_open;
	__u8 acts;		/* DG_ACTS_*: what the rules can do (userspace's hook choice) */
	__u64 generation;	/* bumped on every load, for the daemon's log */
	char source[DG_SOURCE_LEN];	/* the file the rules came from */
};
_Static_assert(sizeof(struct dg_policy) == 144, "dg_policy layout");

/*
 * What a policy can do, whatever its mode: the loader attaches the two hooks
 * that cost every host something (kernfs node creation, every open) only
 * when the policy in force can act through them.
 */
enum {
	DG_ACTS_DENY_BIND = 1 << 0,	/* a bind rule or the bind default denies */
	DG_ACTS_JUDGE_OPEN = 1 << 1,	/* an open rule or the open default is not allow */
};

/* The device side of a bind decision: a driver probing a device. */
struct dg_bind_subject {
	char device[DG_DEVICE_LEN];
	char driver[DG_DRIVER_LEN];
	__s32 group;		/* DG_NO_GROUP if the device has none */
	__u8 is_pci;		/* vendor, devid and class are valid */
	__u8 dma;		/* DG_DMA_* of the driver */
	__u16 vendor;
	__u16 devid;
	__u16 pad;
	__u32 class;		/* 0xCCSSPP */
};
_Static_assert(sizeof(struct dg_bind_subject) == 112, "dg_bind_subject layout");

enum dg_node_kind {
	DG_NODE_GROUP = 1,	/* /dev/vfio/N */
	DG_NODE_DEVICE = 2,	/* /dev/vfio/devices/vfioN */
	DG_NODE_IOMMU = 3,	/* /dev/iommu */
};

/* A process opening a VFIO group node, a VFIO device node or /dev/iommu. */
struct dg_open_subject {
	char device[DG_DEVICE_LEN];	/* device behind a device node, else "" */
	char comm[DG_COMM_LEN];
	__s32 group;		/* DG_NO_GROUP for /dev/iommu */
	__u32 uid;
	__u32 gid;
	__u32 kind;		/* DG_NODE_* */
	char cgroup[DG_CGROUP_LEN];	/* cgroup v2 path from the hierarchy's root */
	char exe[DG_EXE_LEN];	/* executable's path, "" if untrusted (vfio_open.bpf.c) */
};
_Static_assert(sizeof(struct dg_open_subject) == 352, "dg_open_subject layout");

/* Value of the rdev-keyed map of VFIO nodes (key: kernel dev_t, MAJOR << 20 | MINOR). */
struct dg_node {
	__u32 kind;		/* DG_NODE_* */
	__s32 group;
	char device[DG_DEVICE_LEN];
};
_Static_assert(sizeof(struct dg_node) == 72, "dg_node layout");

/* Owner of an IOMMU group in the pinned "groups" map (key: group number). */
enum dg_owner {
	DG_OWNER_NONE = 0,
	DG_OWNER_KERNEL = 1,
	DG_OWNER_USER = 2,
};

struct dg_group {
	__u32 owner;		/* DG_OWNER_* as last written; readers use dg_group_owner() */
	__u32 kernel_drivers;	/* devices bound to kernel-DMA drivers */
	__u32 user_claims;	/* userspace ownership claims held */
	__u32 owner_pid;	/* tgid of the claiming process, 0 if unknown */
	char owner_comm[DG_COMM_LEN];
};
_Static_assert(sizeof(struct dg_group) == 32, "dg_group layout");

enum dg_event_type {
	DG_EV_BIND = 1,
	DG_EV_UNBIND = 2,
	DG_EV_CLAIM = 3,
	DG_EV_RELEASE = 4,
	DG_EV_OPEN = 5,
	DG_EV_HOTPLUG = 6,
	DG_EV_LOST = 7,	/* made by userspace from the seq gaps, never by BPF */
	DG_EV_MAP_FULL = 8,	/* a BPF map had no room for an update (map, count) */
	DG_EV_PRESENT = 9,	/* a binding run found at start (userspace, never BPF) */
};

enum dg_reason {
	DG_REASON_NONE = 0,
	DG_REASON_RULE = 1,
	DG_REASON_DEFAULT = 2,
	DG_REASON_MIXED = 3,		/* mixed-ownership */
	DG_REASON_KERNEL_REFUSED = 4,	/* kernel-refused */
	DG_REASON_UNTRACKED = 5,	/* untracked: no map room to judge it */
};

/*
 * The maps the BPF side updates, as dg_stats.map_full and map-full events
 * name them. Append-only (the index is in the pinned stats map).
 */
enum dg_map_id {
	DG_MAP_GROUPS = 0,
	DG_MAP_NODES = 1,
	DG_MAP_INFLIGHT = 2,
	DG_MAP_OPENING = 3,
	DG_MAP_CLAIMED_FILES = 4,
	DG_MAP_SLOTS = 8,	/* room in dg_stats; a power of two */
};

/* Which optional fields of a dg_event are set. */
enum dg_event_flags {
	DG_EF_VERDICT	= 1u << 0,
	DG_EF_RESULT	= 1u << 1,
	DG_EF_PCI	= 1u << 2,	/* vendor, devid, class */
	DG_EF_DRIVER	= 1u << 3,	/* driver and dma */
	DG_EF_DEVICE	= 1u << 4,
	DG_EF_GROUP	= 1u << 5,
	DG_EF_MAP	= 1u << 6,	/* map and count (map-full) */
	DG_EF_CGROUP	= 1u << 7,	/* cgroup (open) */
	DG_EF_EXE	= 1u << 8,	/* exe (open) */
};

struct dg_event {
	__u64 seq;		/* consecutive over all emitted events; gaps are losses */
	__u64 boot_ns;		/* bpf_ktime_get_boot_ns() */
	__u32 type;		/* DG_EV_* */
	__u32 flags;		/* DG_EF_* */
	__u8 verdict;
	__u8 reason;
	__u8 dma;
	__u8 policy_slot;	/* the policy slot whose rule_line this is */
	__u32 rule_line;	/* 0: no rule decided */
	__s32 result;
	__s32 group;
	__u32 pid;
	__u32 uid;
	__u16 vendor;
	__u16 devid;
	__u32 class;
	char comm[DG_COMM_LEN];
	char device[DG_DEVICE_LEN];
	char driver[DG_DRIVER_LEN];
	__u32 map;		/* DG_MAP_* (map-full) */
	__u32 pad;
	__u64 count;		/* failed updates of that map since load (map-full) */
	char cgroup[DG_CGROUP_LEN];	/* since format 3 */
	char exe[DG_EXE_LEN];	/* since format 3 */
};
_Static_assert(sizeof(struct dg_event) == 440, "dg_event layout");

/*
 * Settings the daemon and reload keep in the pinned "config" map. Only
 * userspace writes it: a takeover converts it field by field (upgrade.c),
 * so its layout may change from one format to the next.
 */
struct dg_config {
	__u32 active_slot;	/* which policy slot is in force */
	__u32 emit_all;		/* 1: every probe, unbind, claim, open; 0: violations */
	__u32 force_audit;	/* `run --audit` is streaming: reloads stay in audit mode */
	__u32 pad;
#ifdef DMAGUARD_TEST_FORMAT
	__u32 test_reserved[2];	/* the VM tests' "older format": a layout to convert */
#endif
};
#ifdef DMAGUARD_TEST_FORMAT
_Static_assert(sizeof(struct dg_config) == 24, "dg_config layout (test format)");
#else
_Static_assert(sizeof(struct dg_config) == 16, "dg_config layout");
#endif

/*
 * Kernel-side counters (pinned "stats" map).
 *
 * Every event takes a seq, even one the ring has no room for, and the ring
 * takes events in seq order, so the seqs the daemon reads jump exactly over
 * the lost ones. reserved_next is written before next_seq: a reader that
 * reads next_seq first and reserved_next in a later lookup knows every seq
 * in [reserved_next, next_seq) was lost (the tail after the last event the
 * ring took; user/events.h).
 */
struct dg_stats {
	__u64 next_seq;		/* seq of the next event */
	__u64 lost;		/* events the ring buffer had no room for */
	__u64 reserved_next;	/* seq after the last event the ring took */
	__u64 untracked;	/* probes and opens judged without their record */
	__u64 map_full[DG_MAP_SLOTS];	/* failed updates, by DG_MAP_* */
	__u64 map_full_ns[DG_MAP_SLOTS];	/* last map-full event (rate limit) */
	__u64 unsequenced;	/* events dropped before they had a seq (also in lost) */
};
_Static_assert(sizeof(struct dg_stats) == 168, "dg_stats layout");

/*
 * What identifies the policy of a slot (pinned "policy_info", one entry per
 * slot, since format 2), for `status` and `metrics`. Only userspace writes
 * it, with the slot's header and before the slot goes into force.
 * generation is that of the header it describes: an entry whose generation
 * is not the header's describes nothing (the slot was filled by a build
 * before format 2, and a takeover copied it).
 */
#define DG_INFO_PATH_LEN	256
struct dg_policy_info {
	__u64 generation;	/* dg_policy.generation of the slot described */
	__u64 loaded_ns;	/* CLOCK_REALTIME when the slot was written */
	__u64 size;		/* bytes of the file, all of them hashed and parsed */
	__u8 sha256[32];	/* SHA-256 of those bytes */
	char path[DG_INFO_PATH_LEN];	/* the file read, resolved; "" if unknown */
};
_Static_assert(sizeof(struct dg_policy_info) == 312, "dg_policy_info layout");

/*
 * Events by type, verdict and reason (pinned "counts" array of __u64, since
 * format 2): every event the BPF side starts is counted, also one the ring
 * buffer has no room for. Events without a verdict count under
 * DG_COUNT_NO_VERDICT. The index has room for 16 types, 4 verdicts and 8
 * reasons, so the enums above may grow that far without a new layout.
 */
#define DG_COUNT_NO_VERDICT	3
#define DG_COUNT_SLOTS		512
#define DG_COUNT_INDEX(type, verdict, reason) \
	((((type) & 15u) << 5) | (((verdict) & 3u) << 3) | ((reason) & 7u))

/*
 * The pinned format (map "format", one entry). Format rule, so that a newer
 * dmaguard can take over older pins in place (upgrade.c, dmaguard(8)
 * UPGRADING):
 *  - struct dg_format is frozen: never change it, only use reserved[];
 *  - maps the BPF side writes (format, call_token, stats, seq_mutex, events,
 *    groups, nodes, claimed_files) never change key or value layout: the
 *    takeover shares them by descriptor between the old and the new set of
 *    programs. New BPF-written state goes into a new map;
 *  - maps only userspace writes (policy, rules, config) may change: the
 *    takeover copies them, converted;
 *  - DG_FORMAT goes up by one whenever any pinned layout or the meaning of
 *    a pinned value changes; compat names the oldest format whose builds may
 *    still operate the pins.
 * Pins without a format map come from a build before format 1: refused.
 */
#define DG_FORMAT_MAGIC	0x46474d44u	/* "DMGF" */
#ifdef DMAGUARD_TEST_FORMAT
#define DG_FORMAT	0	/* the VM tests' "older build" (never shipped) */
#else
#define DG_FORMAT	3	/* 2: policy_info and counts; 3: the rule index */
#endif

/* Takeover progress (dg_format.phase), for recovery after a crash. */
enum dg_phase {
	DG_PH_STEADY = 0,	/* one set judges; no takeover in progress */
	DG_PH_STAGED = 1,	/* the new set is attached in DIR-next, judging nothing */
	DG_PH_OVERLAP = 2,	/* both sets judge; call tokens pick the reporter */
	DG_PH_FLIPPED = 3,	/* only the new set judges; the old one drains */
	DG_PH_SWAPPED = 4,	/* DIR is the new set; the old one is in DIR-prev */
};

struct dg_format {
	__u32 magic;		/* DG_FORMAT_MAGIC */
	__u32 version;		/* format of the set that pinned or took over DIR */
	__u32 compat;		/* oldest format whose builds may operate these pins */
	/*
	 * The gate: bit s set = the set whose dg_my_set is s judges. A takeover
	 * moves it {old} -> {old,new} -> {new}, one bit per write with an RCU
	 * grace period after each, so a call whose two programs straddle a
	 * write is judged by at least one of them.
	 */
	__u8 enforce;
	__u8 phase;		/* enum dg_phase */
	__u8 tokens;		/* 1: a judging set takes the call token to report */
	__u8 from_set;		/* during a takeover: the old set's bit number */
	__u64 generation;	/* +1 per takeover */
	__u64 stream_next_seq;	/* event-stream cursor (reserved for the daemon) */
	__u64 stream_lost_reported;
	__u32 takeover_pid;	/* the process taking over, 0 if none */
	__u32 from_version;	/* format taken over, for messages */
	__u32 from_link_id;	/* a link id of the set taken over */
	char build[32];		/* the dmaguard version that pinned or took over */
	__u8 reserved[44];
};
_Static_assert(sizeof(struct dg_format) == 128, "dg_format layout is frozen");

/*
 * Which set reports a call while both judge (pinned map "call_token", LRU):
 * the first to insert the call's key owns it; the other stays silent.
 */
enum dg_call_kind {
	DG_CALL_PROBE = 1,	/* object: struct device * */
	DG_CALL_OPEN = 2,	/* object: struct file * */
	DG_CALL_UNBIND = 3,	/* object: struct device * */
	DG_CALL_OWNER = 4,	/* ownership hooks; object: device or group */
	DG_CALL_HOTPLUG = 5,	/* object: struct device * */
};

struct dg_call_key {
	__u64 pid_tgid;
	__u64 object;
	__u32 kind;		/* DG_CALL_* */
	__u32 pad;
};
_Static_assert(sizeof(struct dg_call_key) == 24, "dg_call_key layout is frozen");

struct dg_call_owner {
	__u32 set;		/* dg_my_set of the owner */
	__u32 pad;
	__u64 boot_ns;		/* when it took the call */
};
_Static_assert(sizeof(struct dg_call_owner) == 16, "dg_call_owner layout is frozen");

#endif /* DMAGUARD_H */
