/* SPDX-License-Identifier: GPL-2.0 */
/* The policy in force: config, the active slot, the first match, verdicts. Included through common.bpf.h. */
#ifndef DMAGUARD_POLICY_BPF_H
#define DMAGUARD_POLICY_BPF_H

/* rules.bpf.c: index of the first rule in slot that matches the subject of
 * this task (its probe frame at depth, or its open record), or -1. */
extern int first_matching_bind_rule(__u32 slot, __u32 depth);
extern int first_matching_open_rule(__u32 slot);

/* opener.bpf.c: the opener's cgroup and exe paths into its open record. */
extern int read_opener_paths(__u64 id);

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
 * Find the active policy's first match for action and decide. *line gets the deciding
 * rule's line, 0 for a default.
 */
static __always_inline __u8 judge(const struct dg_policy *p, __u32 slot, __u8 action,
				  __u32 depth, __u8 *reason, __u32 *line)
{
	struct dg_rule *r = NULL;
	__u32 key;
	int i;

	if (action == DG_ACT_OPEN)
		i = first_matching_open_rule(slot);
	else
		i = first_matching_bind_rule(slot, depth);
	if (i >= 0 && i < DG_MAX_RULES) {
		key = slot * DG_MAX_RULES + i;
		r = bpf_map_lookup_elem(&rules, &key);
	}
	*line = r ? r->line : 0;
	return dg_decide(p, r, action, reason);
}

#endif /* DMAGUARD_POLICY_BPF_H */
