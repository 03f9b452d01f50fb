// SPDX-License-Identifier: GPL-2.0
/*
 * Which hot-path hooks a policy needs (gates.h): from the parsed policy to
 * the gates, for every way a policy can or cannot act through them. The
 * attaching itself is proven in the VM (enforce-gates).
 */
#include <string.h>
#include "bpf_objects.h"
#include "gates.h"
#include "unit.h"

static struct policy pol;

static unsigned int wanted(const char *text, bool emit_all, bool ownership_api)
{
	char err[POLICY_ERR_LEN];

	if (policy_parse("p.conf", text, strlen(text), &pol, err, sizeof(err)))
		UNIT_FAIL("policy: %s", err);
	pol.hdr.acts = gates_policy_acts(&pol);
	return gates_wanted(&pol.hdr, emit_all, ownership_api);
}

TEST(a_policy_that_allows_everything_needs_no_gate)
{
	ASSERT_EQ(wanted("", false, true), 0);
	ASSERT_EQ(wanted("allow bind id=8086:*\nallow open uid=0\naudit bind driver=nvme\n",
			 false, true), 0);
	ASSERT_EQ(wanted("default bind allow\ndefault open allow\n", false, true), 0);
}

TEST(a_bind_deny_in_enforce_mode_needs_the_deny_hook)
{
	ASSERT_EQ(wanted("deny bind device=0000:01:00.0\n", false, true), GATE_KERNFS);
	ASSERT_EQ(wanted("default bind deny\n", false, true), GATE_KERNFS);
	ASSERT_EQ(wanted("mode enforce\nallow bind id=8086:100e\ndefault bind deny\n", false, true),
		  GATE_KERNFS);
}

TEST(audit_mode_denies_nothing_so_needs_no_deny_hook)
{
	ASSERT_EQ(wanted("mode audit\ndeny bind device=0000:01:00.0\ndefault bind deny\n",
			 false, true), 0);
	ASSERT_EQ(pol.hdr.acts, DG_ACTS_DENY_BIND);
}

TEST(an_open_rule_that_is_not_allow_needs_the_open_gate)
{
	ASSERT_EQ(wanted("deny open uid=1000\n", false, true), GATE_OPEN);
	ASSERT_EQ(wanted("audit open comm=qemu\n", false, true), GATE_OPEN);
	ASSERT_EQ(wanted("default open deny\n", false, true), GATE_OPEN);
	/* audit mode reports open violations: the gate must see them */
	ASSERT_EQ(wanted("mode audit\ndeny open uid=1000\n", false, true), GATE_OPEN);
	ASSERT_EQ(wanted("deny open uid=1000\ndeny bind driver=nvme\n", false, true), GATES_ALL);
}

TEST(streaming_every_event_needs_the_open_gate)
{
	ASSERT_EQ(wanted("", true, true), GATE_OPEN);
	ASSERT_EQ(wanted("mode audit\n", true, true), GATE_OPEN);
}

TEST(without_the_ownership_api_both_gates_stay)
{
	ASSERT_EQ(wanted("", false, false), GATES_ALL);
	ASSERT_EQ(wanted("mode audit\n", false, false), GATES_ALL);
}

/* The gates' programs, as the program table (bpf_objects.h) names them. */
static bool is_gate(const char *name)
{
	const struct prog_def *d = prog_def_by_name(name);

	return d && d->gate;
}

TEST(gate_programs_are_known_by_name)
{
	ASSERT_TRUE(is_gate("lsm_kernfs"));
	ASSERT_TRUE(is_gate("fmod_kernfs"));
	ASSERT_TRUE(is_gate("lsm_file_open"));
	ASSERT_TRUE(is_gate("fmod_file_open"));
	ASSERT_FALSE(is_gate("probe_enter"));
	ASSERT_FALSE(is_gate("lsm_"));
}

TEST(describe_says_why_a_gate_is_off)
{
	char buf[256];

	gates_describe(GATE_KERNFS, buf, sizeof(buf));
	ASSERT_CONTAINS(buf, "kernfs deny hook attached; open gate not attached (every open");
	gates_describe(GATE_OPEN, buf, sizeof(buf));
	ASSERT_CONTAINS(buf, "kernfs deny hook not attached (no bind can be denied");
	ASSERT_CONTAINS(buf, "; open gate attached");
}

UNIT_MAIN()
