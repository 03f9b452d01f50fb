// SPDX-License-Identifier: GPL-2.0
/*
 * match-diff: the rule index in the kernel against the linear walk. For
 * each seed, a random policy (tests/unit/policy_gen.h) is compiled by the
 * real parser and written by the real loader code (policy_maps_write) into
 * a slot of the maps of match_test.bpf.c, which runs the enforcing
 * programs' rule lookup; random subjects go into this task's inflight or
 * opening record, the program is test-run, and its verdict, reason and
 * line must be what the linear walk over the same rules gives. Slots
 * alternate, so each policy replaces one that was in that slot before.
 *
 * Usage: match-diff SEEDS SUBJECTS [RULES]
 * Prints "match-diff: N agree, N differ" and the first differences;
 * exits 0 only if nothing differs and the kernel ran every case.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probe_stack.h"
#include "policy_gen.h"
#include "policy_maps.h"
#include "match_test.skel.h"

static struct policy pol;
/* the opening record: the subject first, then the gate's scratch */
static char open_rec[4096];
static unsigned long agree, differ;

static __u32 expected(__u8 action, const void *subj)
{
	int i = ref_first_rule(&pol, action, subj);
	const struct dg_rule *r = i < 0 ? NULL : &pol.rules[i];
	__u8 reason, v = dg_decide(&pol.hdr, r, action, &reason);

	return (r ? r->line : 0) << 8 | reason << 4 | v;
}

/*
 * Test-run the program on the subject now in this task's record: the
 * kernel's test run of a tracing program calls bpf_fentry_test1(), where
 * it is attached.
 */
static int kernel_says(struct match_test_bpf *skel, __u32 slot, __u8 action, __u32 *out)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	__u64 runs = skel->bss->test_runs;

	skel->bss->test_slot = slot;
	skel->bss->test_action = action;
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.match_test), &opts))
		return -errno;
	if (skel->bss->test_runs != runs + 1)
		return -ENOEXEC;
	*out = skel->bss->test_result;
	return 0;
}

static void judge_one(struct match_test_bpf *skel, __u32 slot, __u8 action, const void *subj,
		      unsigned int seed)
{
	__u32 want = expected(action, subj), got = 0;
	int r = kernel_says(skel, slot, action, &got);

	if (r) {
		fprintf(stderr, "match-diff: test run: %s\n", strerror(-r));
		exit(1);
	}
	if (got == want) {
		agree++;
		return;
	}
	if (differ++ < 10)
		printf("DIFFER seed %u %s: kernel line %u reason %u verdict %u, walk line %u "
		       "reason %u verdict %u\n", seed, action == DG_ACT_BIND ? "bind" : "open",
		       got >> 8, (got >> 4) & 15, got & 15, want >> 8, (want >> 4) & 15, want & 15);
}

static int put_policy(struct match_test_bpf *skel, __u32 slot)
{
	struct policy_maps maps = {
		.rules = bpf_map__fd(skel->maps.rules),
		.shapes = bpf_map__fd(skel->maps.shapes),
		.index = bpf_map__fd(skel->maps.rule_index),
	};
	int r = policy_maps_write(&maps, slot, &pol);

	if (!r && bpf_map_update_elem(bpf_map__fd(skel->maps.policy), &slot, &pol.hdr, 0))
		r = -errno;
	return r;
}

static void run_seed(struct match_test_bpf *skel, unsigned int seed, int subjects, int rules)
{
	__u64 id = ((__u64)getpid() << 32) | (__u64)gettid();
	struct probe_stack st = { .depth = 1 };
	struct dg_open_subject *os = (struct dg_open_subject *)open_rec;
	char err[POLICY_ERR_LEN];
	__u32 slot = seed & 1;
	struct gen g;
	int i;

	if (gen_parsed_policy(&g, seed, (unsigned int)rules, &pol, err, sizeof(err)) ||
	    put_policy(skel, slot)) {
		fprintf(stderr, "match-diff: seed %u: %s\n", seed, err);
		exit(1);
	}
	for (i = 0; i < subjects; i++) {
		gen_bind_subject(&g, &st.frames[0].subj);
		gen_open_subject(&g, os);
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.inflight), &id, &st, 0) ||
		    bpf_map_update_elem(bpf_map__fd(skel->maps.opening), &id, open_rec, 0)) {
			perror("match-diff: subject");
			exit(1);
		}
		judge_one(skel, slot, DG_ACT_BIND, &st.frames[0].subj, seed);
		judge_one(skel, slot, DG_ACT_OPEN, os, seed);
	}
}

int main(int argc, char **argv)
{
	struct match_test_bpf *skel;
	unsigned int seeds, seed;
	int subjects, rules;

	if (argc < 3) {
		fprintf(stderr, "usage: match-diff SEEDS SUBJECTS [RULES]\n");
		return 2;
	}
	seeds = (unsigned int)atoi(argv[1]);
	subjects = atoi(argv[2]);
	/* few enough that the random kinds stay within DG_MAX_SHAPES */
	rules = argc > 3 ? atoi(argv[3]) : 60;
	if (rules < 1 || rules > 60)
		rules = 60;
	skel = match_test_bpf__open_and_load();
	if (skel && bpf_map__value_size(skel->maps.opening) > sizeof(open_rec)) {
		fprintf(stderr, "match-diff: the opening record outgrew this test\n");
		return 1;
	}
	if (!skel || match_test_bpf__attach(skel)) {
		fprintf(stderr, "match-diff: cannot load the test program: %s\n", strerror(errno));
		return 1;
	}
	for (seed = 1; seed <= seeds; seed++)
		run_seed(skel, seed, subjects, rules);
	printf("match-diff: %lu agree, %lu differ\n", agree, differ);
	match_test_bpf__destroy(skel);
	return differ ? 1 : 0;
}
