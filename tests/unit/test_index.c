// SPDX-License-Identifier: GPL-2.0
/*
 * The rule index against the linear walk it replaces: the same first match,
 * verdict and reason for random policies and subjects, at DG_MAX_RULES
 * rules, and the limit on kinds of rule named in FILE:LINE:COL.
 */
#include "unit.h"
#include "policy_gen.h"
#include "rule_key.h"
#include "policy_maps.h"
#include <stddef.h>
#include <errno.h>
#include <unistd.h>
#include <bpf/bpf.h>

static struct policy pol;
static char err[POLICY_ERR_LEN];

static int matched_number(const struct dg_rule *r)
{
	return r ? (int)(r - pol.rules) : -1;
}

/* Every subject judged by both; returns how many had a rule decide. */
static int compare(struct gen *g, int subjects)
{
	const struct dg_rule *r;
	struct dg_bind_subject b;
	struct dg_open_subject o;
	int i, ref, decided = 0;
	__u8 reason, v;

	for (i = 0; i < subjects; i++) {
		gen_bind_subject(g, &b);
		v = policy_eval_bind(&pol, &b, &r, &reason);
		ref = ref_first_rule(&pol, DG_ACT_BIND, &b);
		if (matched_number(r) != ref)
			UNIT_FAIL("bind subject %s/%s: index says rule %d, walk says %d", b.device,
				  b.driver, matched_number(r), ref);
		ASSERT_EQ(v, dg_decide(&pol.hdr, ref < 0 ? NULL : &pol.rules[ref], DG_ACT_BIND,
				       &reason));
		gen_open_subject(g, &o);
		policy_eval_open(&pol, &o, &r, &reason);
		ref = ref_first_rule(&pol, DG_ACT_OPEN, &o);
		if (matched_number(r) != ref)
			UNIT_FAIL("open subject %s/%s: index says rule %d, walk says %d", o.device,
				  o.comm, matched_number(r), ref);
		decided += ref >= 0;
	}
	return decided;
}

TEST(random_policies_decide_as_the_linear_walk)
{
	int seed, decided = 0;
	struct gen g;

	for (seed = 1; seed <= 2000; seed++) {
		if (gen_parsed_policy(&g, seed, 60, &pol, err, sizeof(err)))
			UNIT_FAIL("seed %d: %s", seed, err);
		decided += compare(&g, 100);
	}
	/* the pools make most subjects meet a rule: the test compares real matches */
	ASSERT_TRUE(decided > 2000 * 100 / 2);
}

/* DG_MAX_RULES rules: exact devices, a prefix, an id; the last rule still decides. */
TEST(full_policy_finds_first_match_at_any_number)
{
	size_t len = (size_t)DG_MAX_RULES * 48, at = 0;
	char *text = malloc(len);
	struct dg_bind_subject s = { .is_pci = 1, .vendor = 0x8086, .devid = 0x10d3 };
	const struct dg_rule *r;
	__u8 reason;
	int i;

	ASSERT_TRUE(text != NULL);
	for (i = 0; i < DG_MAX_RULES - 2; i++)
		at += snprintf(text + at, len - at, "deny bind device=0000:%02x:%02x.%x\n",
			       i >> 8, (i >> 3) & 31, i & 7);
	at += snprintf(text + at, len - at, "allow bind device=0000:ff:*\n");
	at += snprintf(text + at, len - at, "audit bind id=8086:10d3\n");
	ASSERT_EQ(policy_parse("policy.conf", text, at, &pol, err, sizeof(err)), 0);
	ASSERT_EQ(pol.hdr.n_rules, DG_MAX_RULES);
	ASSERT_EQ(pol.shapes[DG_ACT_BIND].n, 3);

	strcpy(s.device, "0000:12:1f.7");	/* rule 0x12 << 8 | 31 << 3 | 7 */
	ASSERT_EQ(policy_eval_bind(&pol, &s, &r, &reason), DG_DENY);
	ASSERT_EQ(matched_number(r), 0x12ff);
	ASSERT_EQ(r->line, 0x12ff + 1);
	strcpy(s.device, "0000:ff:00.0");	/* exact rule 0xff00 comes first */
	ASSERT_EQ(matched_number((policy_eval_bind(&pol, &s, &r, &reason), r)), 0xff00);
	strcpy(s.device, "0000:ff:20.0");	/* past the exact ones: the prefix */
	ASSERT_EQ(matched_number((policy_eval_bind(&pol, &s, &r, &reason), r)), DG_MAX_RULES - 2);
	strcpy(s.device, "0001:00:00.0");	/* nothing but the id */
	ASSERT_EQ(policy_eval_bind(&pol, &s, &r, &reason), DG_AUDIT);
	ASSERT_EQ(matched_number(r), DG_MAX_RULES - 1);
	free(text);
}

static int count_key(const struct dg_index_key *k, __u32 rule, void *ctx)
{
	(void)k;
	(void)rule;
	++*(int *)ctx;
	return 0;
}

/* Rules with equal keys share one index entry, the first rule's. */
TEST(equal_rules_keep_the_first)
{
	static const char text[] = "deny bind driver=e1000\nallow bind driver=e1000\n"
				   "allow bind driver=e1000e\nallow open uid=0\nallow open uid=0\n";
	struct dg_bind_subject s = { .driver = "e1000" };
	const struct dg_rule *r;
	__u8 reason;
	int keys = 0;

	ASSERT_EQ(policy_parse("policy.conf", text, sizeof(text) - 1, &pol, err, sizeof(err)), 0);
	policy_index_each(&pol, 1, 7, count_key, &keys);
	ASSERT_EQ(keys, 3);
	ASSERT_EQ(policy_eval_bind(&pol, &s, &r, &reason), DG_DENY);
	ASSERT_EQ(r->line, 1);
}

/* Kind 65 of bind rules: device prefixes of 64 lengths, then an exact one. */
TEST(too_many_kinds_of_rule_names_the_line)
{
	char text[64 * 90 + 100], dev[65];
	size_t at = 0;
	int i;

	memset(dev, 'a', sizeof(dev));
	for (i = 0; i < 64; i++)
		at += snprintf(text + at, sizeof(text) - at, "deny bind device=%.*s*\n", i, dev);
	at += snprintf(text + at, sizeof(text) - at, "allow open uid=0\n  deny bind device=x\n");
	ASSERT_EQ(policy_parse("policy.conf", text, at, &pol, err, sizeof(err)), -1);
	ASSERT_STREQ(err, "policy.conf:66:3: too many kinds of bind rule (expected at most 64: "
		     "rules that name the same attributes, each exact or a prefix of the same "
		     "length, and classes of as many bytes, are one kind)");
}

/*
 * The kernel's side, replayed: the keys the loader writes (hash of each
 * distinct key under the seed it picked) and the lookup rules.bpf.c does
 * (one hash per shape, each hit confirmed by the matcher), against the walk.
 */
struct bpf_entry {
	struct dg_index_key k;
	__u32 rule;
};

static struct bpf_entry entries[DG_MAX_RULES];
static int n_entries;

static int collect(const struct dg_index_key *k, __u32 rule, void *ctx)
{
	(void)ctx;
	entries[n_entries].k = *k;
	entries[n_entries++].rule = rule;
	return 0;
}

static int kernel_first(__u8 action, const void *subj, __u32 seed)
{
	const struct dg_shapes *shs = &pol.shapes[action];
	int best = -1, i, e;
	__u64 h;

	for (i = 0; i < (int)shs->n; i++) {
		h = action == DG_ACT_BIND ? dg_bind_hash(seed, &shs->shape[i], subj) :
					    dg_open_hash(seed, &shs->shape[i], subj);
		for (e = 0; e < n_entries; e++) {
			const struct dg_index_key *k = &entries[e].k;
			const struct dg_rule *r = &pol.rules[entries[e].rule];

			if (k->action != action || k->shape != i || k->hash != h)
				continue;
			if ((best < 0 || (int)entries[e].rule < best) &&
			    (action == DG_ACT_BIND ? dg_bind_rule_matches(r, subj) :
						     dg_open_rule_matches(r, subj)))
				best = (int)entries[e].rule;
		}
	}
	return best;
}

TEST(kernel_keys_decide_as_the_linear_walk)
{
	struct dg_bind_subject b;
	struct dg_open_subject o;
	int seed, i, decided = 0;
	__u32 hseed;
	struct gen g;

	for (seed = 1; seed <= 500; seed++) {
		if (gen_parsed_policy(&g, seed, 60, &pol, err, sizeof(err)))
			UNIT_FAIL("seed %d: %s", seed, err);
		ASSERT_EQ(policy_index_seed(&pol, &hseed), 0);
		n_entries = 0;
		policy_index_each(&pol, 0, hseed, collect, NULL);
		for (i = 0; i < 100; i++) {
			gen_bind_subject(&g, &b);
			gen_open_subject(&g, &o);
			ASSERT_EQ(kernel_first(DG_ACT_BIND, &b, hseed),
				  ref_first_rule(&pol, DG_ACT_BIND, &b));
			ASSERT_EQ(kernel_first(DG_ACT_OPEN, &o, hseed),
				  ref_first_rule(&pol, DG_ACT_OPEN, &o));
			decided += ref_first_rule(&pol, DG_ACT_BIND, &b) >= 0;
		}
	}
	ASSERT_TRUE(decided > 500 * 100 / 4);
}

/*
 * A takeover of format 2 pins (upgrade_state.c): their rules map is an array
 * of 2 x 1024 rules of 148 bytes (no cgroup, no exe). Read through
 * policy_maps_read, the rules come back whole, the new fields empty, and
 * indexed: the first match is the walk's.
 */
TEST(format_2_rules_are_read_and_indexed)
{
	static const char text[] = "allow open uid=0 comm=qemu*\ndeny bind driver=e1000\n"
				   "allow bind device=0000:02:01.0\n";
	size_t old_size = offsetof(struct dg_rule, cgroup);
	struct dg_bind_subject b = { .device = "0000:02:01.0", .driver = "e1000" };
	static struct policy got;
	const struct dg_rule *r;
	__u32 i, key;
	__u8 reason;
	int fd;

	ASSERT_EQ(old_size, 148);
	ASSERT_EQ(policy_parse("policy.conf", text, sizeof(text) - 1, &pol, err, sizeof(err)), 0);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "rules", 4, old_size, 2 * 1024, NULL);
	if (fd < 0)
		UNIT_SKIP("cannot create a BPF map here: %s", strerror(errno));
	for (i = 0; i < pol.hdr.n_rules; i++) {
		key = 1024 + i;	/* slot 1 */
		ASSERT_EQ(bpf_map_update_elem(fd, &key, &pol.rules[i], 0), 0);
	}
	memset(got.rules, 0xff, sizeof(got.rules[0]) * 3);
	ASSERT_EQ(policy_maps_read(fd, 1024, 1, pol.hdr.n_rules, &got), 0);
	close(fd);
	ASSERT_EQ(got.hdr.n_rules, 3);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(memcmp(&got.rules[i], &pol.rules[i], old_size), 0);
		ASSERT_EQ(got.rules[i].cgroup[0], 0);
		ASSERT_EQ(got.rules[i].exe[0], 0);
	}
	got.hdr.default_bind = DG_ALLOW;
	ASSERT_EQ(policy_eval_bind(&got, &b, &r, &reason), DG_DENY);
	ASSERT_EQ(r->line, 2);
}

UNIT_MAIN()
