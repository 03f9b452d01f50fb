// SPDX-License-Identifier: GPL-2.0
/*
 * The first matching rule, through the rule index (include/rule_key.h): one
 * hash lookup per shape of the action, at most DG_MAX_SHAPES, whatever the
 * number of rules. The functions are global, so the verifier checks each
 * once. Subjects are found through this task's records (global functions
 * take scalars only on older kernels).
 */
#include "common.bpf.h"

/* This task's bind subject at probe depth, or NULL. */
static __always_inline struct dg_bind_subject *bind_subject(__u32 depth)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct probe_stack *st = bpf_map_lookup_elem(&inflight, &id);

	if (!st)
		return NULL;
	/* restate the bound in a form the compiler cannot fold away */
	barrier_var(depth);
	depth &= DG_MAX_NEST - 1;
	return &st->frames[depth].subj;
}

static __always_inline struct dg_open_subject *open_subject(void)
{
	__u64 id = bpf_get_current_pid_tgid();

	return bpf_map_lookup_elem(&opening, &id);
}

/*
 * Each action has its own functions, from one body each: a global
 * function is checked whatever the caller passes, so with the action an
 * argument every program would be checked against both subjects' matchers.
 */
static __always_inline int rule_matches(__u32 slot, __u32 i, __u32 action, __u32 depth)
{
	struct dg_open_subject *os;
	struct dg_bind_subject *bs;
	struct dg_rule *r;
	__u32 key;

	if (slot > 1 || i >= DG_MAX_RULES || depth >= DG_MAX_NEST)
		return 0;
	key = slot * DG_MAX_RULES + i;
	r = bpf_map_lookup_elem(&rules, &key);
	if (!r)
		return 0;
	if (action == DG_ACT_OPEN) {
		os = open_subject();
		return os && dg_open_rule_matches(r, os);
	}
	bs = bind_subject(depth);
	return bs && dg_bind_rule_matches(r, bs);
}

__noinline int bind_rule_matches(__u32 slot, __u32 i, __u32 depth)
{
	return rule_matches(slot, i, DG_ACT_BIND, depth);
}

__noinline int open_rule_matches(__u32 slot, __u32 i)
{
	return rule_matches(slot, i, DG_ACT_OPEN, 0);
}

/*
 * The number of the first rule of shape n whose key hash is the subject's,
 * or -1. The rule may still not match (a hash met by chance): the caller
 * checks.
 */
static __always_inline int shape_first_rule(__u32 slot, __u32 action, __u32 n, __u32 depth)
{
	struct dg_index_key key = { .slot = slot, .action = action };
	struct dg_open_subject *os;
	struct dg_bind_subject *bs;
	struct dg_shapes *shs;
	struct dg_shape *sh;
	__u32 k, *rule;

	if (slot > 1 || action > 1 || n >= DG_MAX_SHAPES || depth >= DG_MAX_NEST)
		return -1;
	k = slot * 2 + action;
	shs = bpf_map_lookup_elem(&shapes, &k);
	if (!shs)
		return -1;
	/* restate the bound in a form the compiler cannot fold away */
	barrier_var(n);
	n &= DG_MAX_SHAPES - 1;
	sh = &shs->shape[n];
	key.shape = n;
	if (action == DG_ACT_OPEN) {
		os = open_subject();
		if (!os)
			return -1;
		key.hash = dg_open_hash(shs->seed, sh, os);
	} else {
		bs = bind_subject(depth);
		if (!bs)
			return -1;
		key.hash = dg_bind_hash(shs->seed, sh, bs);
	}
	rule = bpf_map_lookup_elem(&rule_index, &key);
	return rule && *rule < DG_MAX_RULES ? *rule : -1;
}

__noinline int bind_shape_first_rule(__u32 slot, __u32 n, __u32 depth)
{
	return shape_first_rule(slot, DG_ACT_BIND, n, depth);
}

__noinline int open_shape_first_rule(__u32 slot, __u32 n)
{
	return shape_first_rule(slot, DG_ACT_OPEN, n, 0);
}

/*
 * best, or shape n's first rule if that is lower and the matcher confirms
 * it. Global, so the verifier cannot know what it returns: carried through
 * the loop below as a known value, best made 6.12's verifier check every
 * iteration once per value it could have had (476,000 instructions for
 * probe_enter, against 20,000 on 6.1).
 */
static __always_inline int shape_step(__u32 slot, __u32 action, __u32 n, __u32 depth, int best)
{
	int r;

	if (action == DG_ACT_OPEN) {
		r = open_shape_first_rule(slot, n);
		return r >= 0 && r < best && open_rule_matches(slot, r) ? r : best;
	}
	r = bind_shape_first_rule(slot, n, depth);
	return r >= 0 && r < best && bind_rule_matches(slot, r, depth) ? r : best;
}

__noinline int bind_shape_step(__u32 slot, __u32 n, __u32 depth, int best)
{
	return shape_step(slot, DG_ACT_BIND, n, depth, best);
}

__noinline int open_shape_step(__u32 slot, __u32 n, int best)
{
	return shape_step(slot, DG_ACT_OPEN, n, 0, best);
}

/*
 * The lowest of the shapes' first rules that the matcher itself confirms.
 * Returns its number, or -1.
 */
static __always_inline int first_matching_rule(__u32 slot, __u32 action, __u32 depth)
{
	int best = DG_MAX_RULES;
	struct dg_shapes *shs;
	__u32 k, n, i;

	if (slot > 1)
		return -1;
	k = slot * 2 + action;
	shs = bpf_map_lookup_elem(&shapes, &k);
	if (!shs)
		return -1;
	n = shs->n;
	for (i = 0; i < DG_MAX_SHAPES; i++) {
		if (i >= n)
			break;
		if (action == DG_ACT_OPEN)
			best = open_shape_step(slot, i, best);
		else
			best = bind_shape_step(slot, i, depth, best);
	}
	return best >= 0 && best < DG_MAX_RULES ? best : -1;
}

__noinline int first_matching_bind_rule(__u32 slot, __u32 depth)
{
	return first_matching_rule(slot, DG_ACT_BIND, depth);
}

__noinline int first_matching_open_rule(__u32 slot)
{
	return first_matching_rule(slot, DG_ACT_OPEN, 0);
}
