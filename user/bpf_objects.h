/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaguard's BPF programs and maps: one table of each, keyed to the
 * skeleton (bpf_objects.c), the one place that names them. The loader,
 * the pin directory, the gates, the pinned-state checks and the takeover
 * all read these tables; nothing is derived from section names (a unit
 * test checks the table against the skeleton's sections instead).
 */
#ifndef DMAGUARD_BPF_OBJECTS_H
#define DMAGUARD_BPF_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "policy_maps.h"

struct dmaguard_bpf;
struct bpf_program;
struct bpf_map;

/* How a program attaches. */
enum prog_kind {
	PROG_FENTRY,
	PROG_FEXIT,
	PROG_LSM,	/* attached when bpf is an active LSM */
	PROG_FMOD_RET,	/* the same hook on security_*() when it is not */
};

/* When a program is loaded. */
enum prog_need {
	PROG_REQUIRED,	/* always: a kernel without its target cannot be enforced */
	PROG_HOOK,	/* a deny hook of the flavour in use: required too */
	PROG_OPTIONAL,	/* where the kernel has its target */
	PROG_LEGACY,	/* only without the DMA-ownership API (< 5.19), where present */
	PROG_WITH_OPEN_GATE,	/* with the open gate's first load, then attached
				 * for good: it keeps what the gate reads */
};

/* enum gate values (gates.h), repeated here to keep this header free of it */
#define PROG_GATE_KERNFS	(1u << 0)
#define PROG_GATE_OPEN		(1u << 1)

struct prog_def {
	size_t skel_off;	/* offsetof(struct dmaguard_bpf, progs.NAME) */
	const char *name;	/* the program's name: its link and pin name */
	const char *target;	/* the kernel function it attaches to, as in BTF */
	enum prog_kind kind;
	enum prog_need need;
	unsigned int gate;	/* PROG_GATE_*, or 0: not a gate (gates.h) */
};

struct map_def {
	size_t skel_off;	/* offsetof(struct dmaguard_bpf, maps.NAME) */
	const char *name;	/* its pin name */
	__u32 type;		/* BPF_MAP_TYPE_* */
	__u32 value_size;	/* the layout this build reads and writes; 0: none
				 * (a ring buffer) or the programs' own (inflight) */
	__u32 max_entries;	/* 0: sized at load (mapsize.c), or not checked */
	bool shared;		/* written by BPF: shared by both sets of a takeover,
				 * so its layout is frozen (include/dmaguard.h) */
	__u32 since;		/* the format that added it: pins of an older
				 * format do not have it (a takeover makes it) */
};

extern const struct prog_def bpf_progs[];
extern const size_t bpf_n_progs;
extern const struct map_def bpf_maps[];	/* every map that is pinned */
extern const size_t bpf_n_maps;

/* The skeleton's program or map of a table entry. */
struct bpf_program *prog_of(const struct dmaguard_bpf *skel, const struct prog_def *d);
struct bpf_map *map_of(const struct dmaguard_bpf *skel, const struct map_def *d);

/* The descriptors of the skeleton's policy maps (policy_maps.h). */
struct policy_maps skel_policy_maps(const struct dmaguard_bpf *skel);

/* The entry named name, or NULL. */
const struct prog_def *prog_def_by_name(const char *name);
const struct map_def *bpf_map_def_by_name(const char *name);

/* The SEC() of d's program: its kind's prefix and its target (less bpf_lsm_). */
void prog_def_section(const struct prog_def *d, char *buf, size_t len);

/* Whether d is loaded with deny hooks of the LSM (lsm true) or fmod_ret flavour. */
bool prog_def_flavour_ok(const struct prog_def *d, bool lsm);

#endif
