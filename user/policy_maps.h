/* SPDX-License-Identifier: GPL-2.0 */
/* A compiled policy in the BPF maps: the rules and the rule index of one slot. */
#ifndef DMAGUARD_POLICY_MAPS_H
#define DMAGUARD_POLICY_MAPS_H

#include "policy.h"

/* Descriptors of the maps one policy slot lives in. */
struct policy_maps {
	int rules;	/* key slot * DG_MAX_RULES + number: struct dg_rule */
	int shapes;	/* key slot * 2 + action: struct dg_shapes */
	int index;	/* key struct dg_index_key: number of the first rule */
};

/*
 * Write pol's rules, shapes and rule index into slot, which no program may
 * be reading (not in force, or its grace period over); what the slot held
 * before is removed. The slot's policy header is the caller's to write,
 * after this succeeds. Returns 0 or -errno.
 */
int policy_maps_write(const struct policy_maps *m, __u8 slot, const struct policy *pol);

/*
 * Read the n rules of slot from a rules map whose slots start stride keys
 * apart and whose values may be an older format's shorter rules, into out's
 * rules, index them and set out's n_rules (the rest of its header is the
 * caller's). Returns 0, -errno, -EPROTO for a count no slot holds, or
 * -E2BIG for rules of more kinds than an index holds.
 */
int policy_maps_read(int rules, __u32 stride, __u8 slot, __u32 n, struct policy *out);

#endif
