// SPDX-License-Identifier: GPL-2.0
/*
 * The policy parser: every statement, how each attribute compiles into a
 * struct dg_rule, and the exact text of every error message (the man page
 * quotes them), plus policy_load()'s refusal of unsafe files.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "unit.h"
#include "policy.h"

static struct policy pol;
static char err[POLICY_ERR_LEN];

static int parse(const char *text)
{
	return policy_parse("policy.conf", text, strlen(text), &pol, err, sizeof(err));
}

#define PARSE_OK(text)							\
	do {								\
		if (parse(text))					\
			UNIT_FAIL("parse failed: %s", err);		\
	} while (0)

/* One test per error: the input and the exact message. */
#define ERR_TEST(name, text, expected)					\
	TEST(name)							\
	{								\
		ASSERT_EQ(parse(text), -1);				\
		ASSERT_STREQ(err, expected);				\
	}

static bool all_zero(const char *s, int from, int size)
{
	for (; from < size; from++)
		if (s[from])
			return false;
	return true;
}

/* --- statements and defaults ---------------------------------------------- */

TEST(empty_file_gets_the_defaults)
{
	PARSE_OK("");
	ASSERT_EQ(pol.hdr.n_rules, 0);
	ASSERT_EQ(pol.hdr.mode, DG_MODE_ENFORCE);
	ASSERT_EQ(pol.hdr.default_bind, DG_ALLOW);
	ASSERT_EQ(pol.hdr.default_open, DG_ALLOW);
	ASSERT_STREQ(pol.hdr.source, "policy.conf");
	ASSERT_EQ(pol.hdr.generation, 0);
}

TEST(comments_and_blank_lines_only)
{
	PARSE_OK("# a policy\n\n   \t\n# mode audit\n  # indented comment\n");
	ASSERT_EQ(pol.hdr.n_rules, 0);
	ASSERT_EQ(pol.hdr.mode, DG_MODE_ENFORCE);
}

TEST(mode_default_statements)
{
	PARSE_OK("mode audit\ndefault bind deny\ndefault open deny\n");
	ASSERT_EQ(pol.hdr.mode, DG_MODE_AUDIT);
	ASSERT_EQ(pol.hdr.default_bind, DG_DENY);
	ASSERT_EQ(pol.hdr.default_open, DG_DENY);
	PARSE_OK("mode enforce\ndefault bind allow\ndefault open allow\n");
	ASSERT_EQ(pol.hdr.mode, DG_MODE_ENFORCE);
	ASSERT_EQ(pol.hdr.default_bind, DG_ALLOW);
	ASSERT_EQ(pol.hdr.default_open, DG_ALLOW);
}

TEST(default_bind_and_open_are_independent)
{
	PARSE_OK("default open deny\n");
	ASSERT_EQ(pol.hdr.default_bind, DG_ALLOW);
	ASSERT_EQ(pol.hdr.default_open, DG_DENY);
}

TEST(tabs_trailing_comments_no_final_newline)
{
	PARSE_OK("\tmode\taudit # watch first\n"
		 "deny\tbind  driver=e1000#no space before the comment\n"
		 "allow open comm=qemu*");
	ASSERT_EQ(pol.hdr.mode, DG_MODE_AUDIT);
	ASSERT_EQ(pol.hdr.n_rules, 2);
	ASSERT_STREQ(pol.rules[0].driver, "e1000");
	ASSERT_STREQ(pol.rules[1].comm, "qemu");
	ASSERT_EQ(pol.rules[1].line, 3);
}

TEST(rules_keep_order_verdict_action_and_line)
{
	PARSE_OK("# header\n"
		 "allow bind driver=vfio-pci\n"
		 "\n"
		 "deny open uid=1000\n"
		 "audit bind\n");
	ASSERT_EQ(pol.hdr.n_rules, 3);
	ASSERT_EQ(pol.rules[0].verdict, DG_ALLOW);
	ASSERT_EQ(pol.rules[0].action, DG_ACT_BIND);
	ASSERT_EQ(pol.rules[0].line, 2);
	ASSERT_EQ(pol.rules[1].verdict, DG_DENY);
	ASSERT_EQ(pol.rules[1].action, DG_ACT_OPEN);
	ASSERT_EQ(pol.rules[1].line, 4);
	ASSERT_EQ(pol.rules[2].verdict, DG_AUDIT);
	ASSERT_EQ(pol.rules[2].match, 0);	/* no attribute: matches every bind */
	ASSERT_EQ(pol.rules[2].line, 5);
}

TEST(source_is_the_name_or_its_tail)
{
	char name[300], expect[DG_SOURCE_LEN];
	int i;

	for (i = 0; i < 299; i++)
		name[i] = 'a' + i % 26;
	name[299] = '\0';
	ASSERT_EQ(policy_parse(name, "", 0, &pol, err, sizeof(err)), 0);
	memcpy(expect, name + 299 - (DG_SOURCE_LEN - 1), DG_SOURCE_LEN);
	ASSERT_STREQ(pol.hdr.source, expect);
	ASSERT_EQ(strlen(pol.hdr.source), DG_SOURCE_LEN - 1);
}

TEST(error_leaves_output_untouched)
{
	PARSE_OK("allow bind driver=keep\n");
	ASSERT_EQ(parse("deny bind driver=x\nbogus\n"), -1);
	ASSERT_EQ(pol.hdr.n_rules, 1);
	ASSERT_STREQ(pol.rules[0].driver, "keep");
}

/* --- attributes ----------------------------------------------------------- */

TEST(device_exact_and_prefix)
{
	PARSE_OK("allow bind device=0000:02:01.0\ndeny open device=0000:03:*\n");
	ASSERT_EQ(pol.rules[0].match, DG_M_DEVICE);
	ASSERT_EQ(pol.rules[0].prefix, 0);
	ASSERT_STREQ(pol.rules[0].device, "0000:02:01.0");
	ASSERT_TRUE(all_zero(pol.rules[0].device, 12, DG_DEVICE_LEN));
	ASSERT_EQ(pol.rules[1].match, DG_M_DEVICE);
	ASSERT_EQ(pol.rules[1].prefix, DG_P_DEVICE);
	ASSERT_STREQ(pol.rules[1].device, "0000:03:");
	ASSERT_TRUE(all_zero(pol.rules[1].device, 8, DG_DEVICE_LEN));
}

TEST(id_both_halves)
{
	PARSE_OK("allow bind id=8086:100e\n");
	ASSERT_EQ(pol.rules[0].match, DG_M_VENDOR | DG_M_DEVID);
	ASSERT_EQ(pol.rules[0].vendor, 0x8086);
	ASSERT_EQ(pol.rules[0].devid, 0x100e);
}

TEST(id_vendor_only_and_devid_only)
{
	PARSE_OK("allow bind id=10EC:*\nallow bind id=*:10d3\n");
	ASSERT_EQ(pol.rules[0].match, DG_M_VENDOR);
	ASSERT_EQ(pol.rules[0].vendor, 0x10ec);
	ASSERT_EQ(pol.rules[1].match, DG_M_DEVID);
	ASSERT_EQ(pol.rules[1].devid, 0x10d3);
}

TEST(class_one_two_three_bytes)
{
	PARSE_OK("allow bind class=0x02\nallow bind class=0x0C03\nallow bind class=0x0c0330\n");
	ASSERT_EQ(pol.rules[0].match, DG_M_CLASS);
	ASSERT_EQ(pol.rules[0].class_bytes, 1);
	ASSERT_EQ(pol.rules[0].class, 0x020000);
	ASSERT_EQ(pol.rules[1].class_bytes, 2);
	ASSERT_EQ(pol.rules[1].class, 0x0c0300);
	ASSERT_EQ(pol.rules[2].class_bytes, 3);
	ASSERT_EQ(pol.rules[2].class, 0x0c0330);
}

TEST(group_driver_dma)
{
	PARSE_OK("deny bind group=0 driver=vfio* dma=user\nallow bind group=2147483647 dma=kernel\n");
	ASSERT_EQ(pol.rules[0].match, DG_M_GROUP | DG_M_DRIVER | DG_M_DMA);
	ASSERT_EQ(pol.rules[0].group, 0);
	ASSERT_STREQ(pol.rules[0].driver, "vfio");
	ASSERT_EQ(pol.rules[0].prefix, DG_P_DRIVER);
	ASSERT_EQ(pol.rules[0].dma, DG_DMA_USER);
	ASSERT_EQ(pol.rules[1].group, 2147483647);
	ASSERT_EQ(pol.rules[1].dma, DG_DMA_KERNEL);
}

TEST(open_attributes)
{
	PARSE_OK("allow open group=007 device=0000:03:00.0 uid=4294967294 gid=0 comm=qemu-system-x86\n");
	ASSERT_EQ(pol.rules[0].match,
		  DG_M_GROUP | DG_M_DEVICE | DG_M_UID | DG_M_GID | DG_M_COMM);
	ASSERT_EQ(pol.rules[0].group, 7);
	ASSERT_EQ(pol.rules[0].uid, 4294967294u);
	ASSERT_EQ(pol.rules[0].gid, 0);
	ASSERT_STREQ(pol.rules[0].comm, "qemu-system-x86");	/* 15: the limit */
	ASSERT_EQ(pol.rules[0].prefix, 0);
}

TEST(string_limits_exclude_the_prefix_star)
{
	char text[256];

	PARSE_OK("allow open comm=123456789012345*\n");
	ASSERT_STREQ(pol.rules[0].comm, "123456789012345");
	ASSERT_EQ(pol.rules[0].prefix, DG_P_COMM);
	snprintf(text, sizeof(text), "allow bind driver=%031d device=%063d\n", 1, 2);
	PARSE_OK(text);
	ASSERT_EQ(strlen(pol.rules[0].driver), 31);
	ASSERT_EQ(strlen(pol.rules[0].device), 63);
}

TEST(lone_star_is_an_empty_prefix)
{
	PARSE_OK("allow bind driver=*\n");
	ASSERT_EQ(pol.rules[0].match, DG_M_DRIVER);
	ASSERT_EQ(pol.rules[0].prefix, DG_P_DRIVER);
	ASSERT_STREQ(pol.rules[0].driver, "");
}

TEST(hash_ends_a_value)
{
	PARSE_OK("allow open comm=a#b\n");
	ASSERT_STREQ(pol.rules[0].comm, "a");
}

TEST(non_ascii_in_comments_is_accepted)
{
	PARSE_OK("# R\xc3\xa9seau: the e1000 NICs\nallow bind driver=e1000\n");
	ASSERT_EQ(pol.hdr.n_rules, 1);
}

TEST(max_rules_accepted_one_more_refused)
{
	const char *rule = "deny bind\n";
	size_t rlen = strlen(rule), n = DG_MAX_RULES * rlen;
	char *text = malloc(n + 64);
	int i;

	ASSERT_TRUE(text != NULL);
	for (i = 0; i < DG_MAX_RULES; i++)
		memcpy(text + i * rlen, rule, rlen);
	ASSERT_EQ(policy_parse("policy.conf", text, n, &pol, err, sizeof(err)), 0);
	ASSERT_EQ(pol.hdr.n_rules, DG_MAX_RULES);
	ASSERT_EQ(pol.rules[DG_MAX_RULES - 1].line, DG_MAX_RULES);
	strcpy(text + n, "  allow open\n");
	ASSERT_EQ(policy_parse("policy.conf", text, strlen(text), &pol, err, sizeof(err)), -1);
	ASSERT_STREQ(err, "policy.conf:1025:3: too many rules (expected at most 1024)");
	free(text);
}

TEST(file_at_the_size_limit_parses)
{
	char *text = malloc(POLICY_MAX_BYTES);

	ASSERT_TRUE(text != NULL);
	memset(text, '#', POLICY_MAX_BYTES);
	memcpy(text, "deny bind\n", 10);
	ASSERT_EQ(policy_parse("policy.conf", text, POLICY_MAX_BYTES, &pol, err, sizeof(err)), 0);
	ASSERT_EQ(pol.hdr.n_rules, 1);
	free(text);
}

TEST(file_of_10_mib_is_refused_before_parsing)
{
	size_t n = 10 * 1024 * 1024;
	char *text = malloc(n);

	ASSERT_TRUE(text != NULL);
	memset(text, '\n', n);
	ASSERT_EQ(policy_parse("policy.conf", text, n, &pol, err, sizeof(err)), -1);
	ASSERT_STREQ(err, "policy.conf: file is 10485760 bytes long (expected at most 1048576)");
	free(text);
}

UNIT_MAIN()
