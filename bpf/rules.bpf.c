// SPDX-License-Identifier: GPL-2.0
/*
 * The rule walk. Both functions are global, so the verifier checks each once:
 * walking DG_MAX_RULES rules costs a few instructions per rule, not the
 * matcher's size per rule. Subjects are found through this task's records
 * (global functions take scalars only on older kernels).
 */
#include "common.bpf.h"

__noinline int rule_matches(__u32 slot, __u32 i, __u32 action, __u32 depth)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct dg_open_subject *os;
	struct probe_stack *st;
	struct dg_rule *r;
	__u32 key;

	if (slot > 1 || i >= DG_MAX_RULES || depth >= DG_MAX_NEST)
		return 0;
	key = slot * DG_MAX_RULES + i;
	r = bpf_map_lookup_elem(&rules, &key);
	if (!r)
		return 0;
	if (action == DG_ACT_OPEN) {
		os = bpf_map_lookup_elem(&opening, &id);
		return os && dg_open_rule_matches(r, os);
	}
	st = bpf_map_lookup_elem(&inflight, &id);
	if (!st)
		return 0;
	/* restate the bound in a form the compiler cannot fold away */
	barrier_var(depth);
	depth &= DG_MAX_NEST - 1;
	return dg_bind_rule_matches(r, &st->frames[depth].subj);
}

__noinline int first_matching_rule(__u32 slot, __u32 action, __u32 depth)
{
	struct dg_policy *p;
	__u32 n, i;

	if (slot > 1)
		return -1;
	p = bpf_map_lookup_elem(&policy, &slot);
	if (!p)
		return -1;
	n = p->n_rules;
	for (i = 0; i < DG_MAX_RULES; i++) {
		if (i >= n)
			return -1;
		if (rule_matches(slot, i, action, depth))
			return i;
	}
	return -1;
}
