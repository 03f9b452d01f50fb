// SPDX-License-Identifier: GPL-2.0
/*
 * The policy parser: every statement, how each attribute compiles into a
 * struct dg_rule, and the exact text of every error message (the man page
 * quotes them).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "policy_text.h"

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

TEST(id_any_any_means_any_pci_device)
{
	PARSE_OK("allow bind id=*:*\n");
	ASSERT_EQ(pol.rules[0].match, DG_M_PCI);
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
	char expect[128];
	int i;

	ASSERT_TRUE(text != NULL);
	for (i = 0; i < DG_MAX_RULES; i++)
		memcpy(text + i * rlen, rule, rlen);
	ASSERT_EQ(policy_parse("policy.conf", text, n, &pol, err, sizeof(err)), 0);
	ASSERT_EQ(pol.hdr.n_rules, DG_MAX_RULES);
	ASSERT_EQ(pol.rules[DG_MAX_RULES - 1].line, DG_MAX_RULES);
	strcpy(text + n, "  allow open\n");
	ASSERT_EQ(policy_parse("policy.conf", text, strlen(text), &pol, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect), "policy.conf:%d:3: too many rules (expected at most %d)",
		 DG_MAX_RULES + 1, DG_MAX_RULES);
	ASSERT_STREQ(err, expect);
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

TEST(file_over_the_limit_is_refused_before_parsing)
{
	size_t n = POLICY_MAX_BYTES + 1;
	char *text = malloc(n), expect[128];

	ASSERT_TRUE(text != NULL);
	memset(text, '\n', n);
	ASSERT_EQ(policy_parse("policy.conf", text, n, &pol, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect), "policy.conf: file is %zu bytes long (expected at most "
		 "%d)", n, POLICY_MAX_BYTES);
	ASSERT_STREQ(err, expect);
	free(text);
}

/* --- errors: statements ---------------------------------------------------- */

ERR_TEST(err_unknown_statement, "allow bind\nfoo bar\n",
	 "policy.conf:2:1: unknown statement 'foo' (expected mode, default, allow, deny or audit)")
ERR_TEST(err_keywords_are_lower_case, "  Allow bind\n",
	 "policy.conf:1:3: unknown statement 'Allow' (expected mode, default, allow, deny or audit)")
ERR_TEST(err_mode_missing, "mode\n",
	 "policy.conf:1:5: missing mode (expected enforce or audit)")
ERR_TEST(err_mode_unknown, "mode permissive\n",
	 "policy.conf:1:6: unknown mode 'permissive' (expected enforce or audit)")
ERR_TEST(err_mode_trailing, "mode audit now # comment\n",
	 "policy.conf:1:12: unexpected 'now' after the statement (expected end of line or a '#' comment)")
ERR_TEST(err_mode_duplicate, "mode audit\n\nmode audit\n",
	 "policy.conf:3:1: duplicate 'mode' statement (expected one per file; the first is on line 1)")
ERR_TEST(err_default_missing_action, "default\n",
	 "policy.conf:1:8: missing action after 'default' (expected bind or open)")
ERR_TEST(err_default_unknown_action, "default probe deny\n",
	 "policy.conf:1:9: unknown action 'probe' (expected bind or open)")
ERR_TEST(err_default_missing_verdict, "default bind\n",
	 "policy.conf:1:13: missing verdict after 'default bind' (expected allow or deny)")
ERR_TEST(err_default_audit_is_no_default, "default open audit\n",
	 "policy.conf:1:14: unknown default verdict 'audit' (expected allow or deny)")
ERR_TEST(err_default_trailing, "default bind deny allow\n",
	 "policy.conf:1:19: unexpected 'allow' after the statement (expected end of line or a '#' comment)")
ERR_TEST(err_default_bind_duplicate, "default bind deny\ndefault open deny\ndefault bind allow\n",
	 "policy.conf:3:1: duplicate 'default bind' statement (expected one per file; the first is on line 1)")
ERR_TEST(err_default_open_duplicate, "default open deny\n\tdefault open deny\n",
	 "policy.conf:2:2: duplicate 'default open' statement (expected one per file; the first is on line 1)")
ERR_TEST(err_rule_missing_action, "deny\n",
	 "policy.conf:1:5: missing action after 'deny' (expected bind or open)")
ERR_TEST(err_rule_unknown_action, "audit probe\n",
	 "policy.conf:1:7: unknown action 'probe' (expected bind or open)")

/* --- errors: attributes ---------------------------------------------------- */

ERR_TEST(err_unknown_attribute_contract_example,
	 "# dmaguard policy\nmode enforce\ndefault bind deny\n\nallow bind driver=vfio-pci\n\n"
	 "allow bind vendor=8086\n",
	 "policy.conf:7:12: unknown attribute 'vendor' (expected device, id, class, group, driver, dma)")
ERR_TEST(err_unknown_open_attribute, "allow open pid=1\n",
	 "policy.conf:1:12: unknown attribute 'pid' (expected device, group, uid, gid, comm, cgroup, exe)")
ERR_TEST(err_open_attribute_on_bind, "deny bind uid=0\n",
	 "policy.conf:1:11: attribute 'uid' is for open rules, not bind rules "
	 "(expected device, id, class, group, driver, dma)")
ERR_TEST(err_bind_attribute_on_open, "allow open driver=vfio-pci\n",
	 "policy.conf:1:12: attribute 'driver' is for bind rules, not open rules "
	 "(expected device, group, uid, gid, comm, cgroup, exe)")
ERR_TEST(err_missing_equals, "allow bind e1000\n",
	 "policy.conf:1:12: missing '=' in 'e1000' (expected ATTR=VALUE, no spaces around '=')")
ERR_TEST(err_spaces_around_equals, "allow bind driver = e1000\n",
	 "policy.conf:1:12: missing '=' in 'driver' (expected ATTR=VALUE, no spaces around '=')")
ERR_TEST(err_trailing_garbage_in_rule, "deny bind driver=e1000 ;\n",
	 "policy.conf:1:24: missing '=' in ';' (expected ATTR=VALUE, no spaces around '=')")
ERR_TEST(err_missing_attribute_name, "allow bind =e1000\n",
	 "policy.conf:1:12: missing attribute name before '=' "
	 "(expected ATTR=VALUE with ATTR one of device, id, class, group, driver, dma)")
ERR_TEST(err_empty_value, "allow bind driver=\n",
	 "policy.conf:1:19: empty value for 'driver' "
	 "(expected a driver name such as vfio-pci, '*' at the end for a prefix)")
ERR_TEST(err_empty_value_before_comment, "allow open uid=# nobody\n",
	 "policy.conf:1:16: empty value for 'uid' (expected a uid 0 to 4294967294 or a user name)")
ERR_TEST(err_duplicate_attribute, "allow bind driver=a group=1 driver=b\n",
	 "policy.conf:1:29: duplicate attribute 'driver' "
	 "(expected each attribute at most once per rule)")
ERR_TEST(err_duplicate_id, "allow bind id=8086:* id=*:100e\n",
	 "policy.conf:1:22: duplicate attribute 'id' (expected each attribute at most once per rule)")

/* --- errors: values -------------------------------------------------------- */

ERR_TEST(err_id_bad_hex, "allow bind id=80g6:100e\n",
	 "policy.conf:1:17: bad hex digit 'g' in id (expected VVVV:DDDD in hex, either half may be '*')")
ERR_TEST(err_id_0x_prefix, "allow bind id=0x8086:100e\n",
	 "policy.conf:1:16: bad hex digit 'x' in id (expected VVVV:DDDD in hex, either half may be '*')")
ERR_TEST(err_id_short_vendor, "allow bind id=808:100e\n",
	 "policy.conf:1:15: id half '808' has 3 hex digits "
	 "(expected VVVV:DDDD in hex, either half may be '*')")
ERR_TEST(err_id_long_devid, "allow bind id=8086:100e0\n",
	 "policy.conf:1:20: id half '100e0' has 5 hex digits "
	 "(expected VVVV:DDDD in hex, either half may be '*')")
ERR_TEST(err_id_empty_half, "allow bind id=:100e\n",
	 "policy.conf:1:15: id half '' has 0 hex digits "
	 "(expected VVVV:DDDD in hex, either half may be '*')")
ERR_TEST(err_id_no_colon, "allow bind id=8086\n",
	 "policy.conf:1:15: id '8086' has no ':' (expected VVVV:DDDD in hex, either half may be '*')")
ERR_TEST(err_id_two_colons, "allow bind id=8086:100e:1\n",
	 "policy.conf:1:24: bad hex digit ':' in id (expected VVVV:DDDD in hex, either half may be '*')")
ERR_TEST(err_id_star_in_half, "allow bind id=80*:100e\n",
	 "policy.conf:1:17: bad hex digit '*' in id (expected VVVV:DDDD in hex, either half may be '*')")
ERR_TEST(err_class_no_0x, "allow bind class=02\n",
	 "policy.conf:1:18: class '02' does not start with 0x (expected 0xCC, 0xCCSS or 0xCCSSPP)")
ERR_TEST(err_class_odd_digits, "allow bind class=0x020\n",
	 "policy.conf:1:18: class '0x020' has 3 hex digits (expected 0xCC, 0xCCSS or 0xCCSSPP)")
ERR_TEST(err_class_too_many_digits, "allow bind class=0x02000000\n",
	 "policy.conf:1:18: class '0x02000000' has 8 hex digits (expected 0xCC, 0xCCSS or 0xCCSSPP)")
ERR_TEST(err_class_no_digits, "allow bind class=0x\n",
	 "policy.conf:1:18: class '0x' has 0 hex digits (expected 0xCC, 0xCCSS or 0xCCSSPP)")
ERR_TEST(err_class_bad_hex, "allow bind class=0x0z\n",
	 "policy.conf:1:21: bad hex digit 'z' in class (expected 0xCC, 0xCCSS or 0xCCSSPP)")
ERR_TEST(err_group_out_of_range, "allow bind group=2147483648\n",
	 "policy.conf:1:18: group '2147483648' is out of range "
	 "(expected an IOMMU group number 0 to 2147483647)")
ERR_TEST(err_group_huge, "allow open group=99999999999999999999999999\n",
	 "policy.conf:1:18: group '99999999999999999999999999' is out of range "
	 "(expected an IOMMU group number 0 to 2147483647)")
ERR_TEST(err_group_negative, "allow bind group=-1\n",
	 "policy.conf:1:18: bad decimal digit '-' in group "
	 "(expected an IOMMU group number 0 to 2147483647)")
ERR_TEST(err_group_hex, "allow bind group=0x5\n",
	 "policy.conf:1:19: bad decimal digit 'x' in group "
	 "(expected an IOMMU group number 0 to 2147483647)")
ERR_TEST(err_uid_minus_one, "allow open uid=4294967295\n",
	 "policy.conf:1:16: uid '4294967295' is out of range "
	 "(expected a uid 0 to 4294967294 or a user name)")
ERR_TEST(err_uid_digit_then_name, "allow open uid=1root\n",
	 "policy.conf:1:17: bad decimal digit 'r' in uid (expected a uid 0 to 4294967294 or a user name)")
ERR_TEST(err_gid_out_of_range, "allow open gid=4294967296\n",
	 "policy.conf:1:16: gid '4294967296' is out of range "
	 "(expected a gid 0 to 4294967294 or a group name)")
ERR_TEST(err_dma_unknown, "allow bind dma=both\n",
	 "policy.conf:1:16: unknown dma mode 'both' (expected kernel or user)")
ERR_TEST(err_comm_too_long, "allow open comm=1234567890123456\n",
	 "policy.conf:1:17: comm '1234567890123456' is 16 characters long (expected at most 15)")
ERR_TEST(err_comm_prefix_too_long, "allow open comm=1234567890123456*\n",
	 "policy.conf:1:17: comm '1234567890123456*' is 16 characters long (expected at most 15)")
ERR_TEST(err_driver_too_long, "allow bind driver=12345678901234567890123456789012\n",
	 "policy.conf:1:19: driver '12345678901234567890123456789012' is 32 characters long "
	 "(expected at most 31)")
ERR_TEST(err_device_too_long_is_quoted_short,
	 "allow bind device=0123456789012345678901234567890123456789012345678901234567890123\n",
	 "policy.conf:1:19: device '0123456789012345678901234567890123456789...' "
	 "is 64 characters long (expected at most 63)")
ERR_TEST(err_star_in_the_middle, "allow bind driver=vfio*pci\n",
	 "policy.conf:1:23: '*' in the middle of driver 'vfio*pci' "
	 "(expected '*' only at the end, for a prefix)")
ERR_TEST(err_double_star, "allow open comm=qemu**\n",
	 "policy.conf:1:21: '*' in the middle of comm 'qemu**' "
	 "(expected '*' only at the end, for a prefix)")

/* --- errors: bytes --------------------------------------------------------- */

TEST(err_nul_byte)
{
	static const char text[] = "allow bind driver=x\ndeny bind\0 driver=y\n";

	ASSERT_EQ(policy_parse("policy.conf", text, sizeof(text) - 1, &pol, err, sizeof(err)), -1);
	ASSERT_STREQ(err, "policy.conf:2:10: NUL byte (expected a text file)");
}

TEST(err_nul_byte_in_comment)
{
	static const char text[] = "# \0\n";

	ASSERT_EQ(policy_parse("policy.conf", text, sizeof(text) - 1, &pol, err, sizeof(err)), -1);
	ASSERT_STREQ(err, "policy.conf:1:3: NUL byte (expected a text file)");
}

ERR_TEST(err_crlf, "# made on Windows\r\nmode audit\r\n",
	 "policy.conf:1:18: carriage return (expected LF line ends; convert CRLF with dos2unix)")
ERR_TEST(err_non_ascii, "allow bind driver=e1000\xc3\xa9\n",
	 "policy.conf:1:24: non-ASCII byte 0xC3 (expected ASCII outside comments)")
ERR_TEST(err_non_breaking_space, "allow\xc2\xa0" "bind\n",
	 "policy.conf:1:6: non-ASCII byte 0xC2 (expected ASCII outside comments)")
ERR_TEST(err_control_character, "allow bind\x0b driver=x\n",
	 "policy.conf:1:11: control character 0x0B (expected printable ASCII)")
ERR_TEST(err_delete_character, "mode audit\x7f\n",
	 "policy.conf:1:11: control character 0x7F (expected printable ASCII)")

TEST(err_message_fits_a_small_buffer)
{
	char small[16];

	ASSERT_EQ(policy_parse("policy.conf", "bogus\n", 6, &pol, small, sizeof(small)), -1);
	ASSERT_STREQ(small, "policy.conf:1:1");
	ASSERT_EQ(policy_parse("policy.conf", "bogus\n", 6, &pol, NULL, 0), -1);
}

/* policy_load() and the trust in policy files: tests/unit/test_trust.c */

UNIT_MAIN()
