/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What is in force, read from the pins alone (state.c): the one gathering
 * that `status` (text and JSON, state_text.c) and `metrics` (Prometheus
 * text, metrics.c) format. Works with no daemon running; without pins it
 * says so.
 */
#ifndef DMAGUARD_STATE_H
#define DMAGUARD_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "dmaguard.h"
#include "json.h"
#include "loader.h"
#include "topology.h"

/* A program of the table (bpf_objects.h) that is pinned: attached, or a gate's. */
struct state_prog {
	const char *name;	/* the table's: program, link and pin name */
	const char *kind;	/* "fentry", "fexit", "lsm", "fmod_ret" */
	const char *target;	/* the kernel function */
	bool attached;		/* its link is pinned in links/ */
	__u32 link_id;		/* when attached */
	__u32 prog_id;		/* 0 if unknown */
};

/* One of the two gates (gates.h): attached or not, and why. */
struct state_hook {
	const char *name;	/* "kernfs", "open" */
	bool attached;
	bool wanted;		/* what the policy in force and the daemon ask for */
	const char *why;	/* the reason for wanted, in words */
};

/* A non-zero event counter (the pinned "counts" map). */
struct state_count {
	__u8 type, verdict, reason;	/* verdict DG_COUNT_NO_VERDICT: none */
	__u64 n;
};

#define STATE_MAX_PROGS	32

struct state {
	char pin_dir[PATH_MAX];
	bool pinned;		/* something is pinned there (known only when !error[0]) */
	char error[512];	/* why the pins could not be read; "" when they were */

	/* the format entry (readable even when this build cannot operate the pins) */
	bool have_format;
	__u32 format, compat;
	char build[32];

	/* the policy in force */
	bool have_policy;
	__u32 slot;
	struct dg_policy hdr;
	struct dg_config cfg;
	bool have_info;		/* info describes hdr (same generation) */
	struct dg_policy_info info;

	/* the programs and hooks */
	enum hook_mode deny_path;
	bool ownership_api, device_claims;
	struct state_prog progs[STATE_MAX_PROGS];
	size_t n_progs;
	struct state_hook hooks[2];

	/* the daemon streaming events, if any */
	bool streaming;
	int daemon_pid;		/* 0: unknown */

	/* counters */
	bool have_stats;
	struct dg_stats stats;
	bool have_counts;	/* pins of format 2 on */
	struct state_count counts[DG_COUNT_SLOTS];
	size_t n_counts;
	bool have_ring;
	__u64 ring_size, ring_used;	/* bytes; used: written, not yet read */

	/* groups (state_add_groups): how many have each owner, and from where */
	bool have_groups;
	__u32 groups_by_owner[3];	/* DG_OWNER_* */
	__u32 groups_from_map;
};

/*
 * Read everything under the pin directory dir into *st. Never fails: what
 * cannot be read is left out, and st->error says why when the pins as a
 * whole could not be read.
 */
void state_gather(const char *dir, struct state *st);

/* Count the groups of t by owner (t's owners come from the pinned map where it has one). */
void state_add_groups(struct state *st, const struct topology *t);

/* The pid holding a flock() on dev:ino in the text of /proc/locks, 0 if none. */
int state_lock_holder(const char *locks, dev_t dev, ino_t ino);

/* Names for the counters' keys: "bind", "deny" ("none" for no verdict), "rule". */
const char *state_type_name(unsigned int type);
const char *state_verdict_name(unsigned int verdict);
const char *state_reason_name(unsigned int reason);

/* The policy's counters summed over types/verdicts/reasons. */
__u64 state_count_of(const struct state *st, int type, int verdict, int reason);

/* status: the "enforcement:" block (text), and the "enforcement" object (JSON). */
void state_text(FILE *f, const struct state *st);
void state_json(struct json_writer *w, const struct state *st);

/* status: the counters appended to the "bpf" object and after the "bpf:" line. */
void state_counters_text(FILE *f, const struct state *st);
void state_counters_json(struct json_writer *w, const struct state *st);

/* metrics: the Prometheus text exposition of st (metrics.c). */
void state_metrics(FILE *f, const struct state *st);

#endif
