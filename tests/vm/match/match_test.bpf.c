// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF side of the rule-index differential test (match_diff.c): judge()
 * of the enforcing programs, linked with the same rules.bpf.o and maps,
 * on a subject that userspace put in this task's inflight or opening
 * record. It runs as fentry of bpf_fentry_test1(), which BPF_PROG_TEST_RUN
 * of a tracing program calls in the caller's task: a tracing program, like
 * the enforcing ones, because on 5.10 a raw_tp program that calls a global
 * function makes the verifier WARN.
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* in: the policy slot and action (DG_ACT_*); out: what judge() said, and that it ran */
__u32 test_slot, test_action;
__u32 test_result;
__u64 test_runs;

SEC("fentry/bpf_fentry_test1")
int BPF_PROG(match_test, int a)
{
	__u32 slot = test_slot & 1, line;
	__u8 action = test_action & 1, reason = 0, verdict;
	struct dg_policy *p = bpf_map_lookup_elem(&policy, &slot);

	if (!p)
		return 0;
	verdict = judge(p, slot, action, 0, &reason, &line);
	test_result = line << 8 | (reason & 15) << 4 | (verdict & 15);
	test_runs++;
	return 0;
}
