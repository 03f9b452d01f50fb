// SPDX-License-Identifier: GPL-2.0
/*
 * The matcher of include/match.h, which the BPF programs run too, driven
 * through policies written in the policy language: first match, prefixes,
 * id halves, class prefixes, PCI-only attributes, defaults, audit mode, open
 * rules, and the driver DMA-mode table.
 */
#include "unit.h"
#include "match.h"
#include "policy.h"

static struct policy pol;

static void compile(const char *text)
{
	char err[POLICY_ERR_LEN];

	if (policy_parse("policy.conf", text, strlen(text), &pol, err, sizeof(err)))
		UNIT_FAIL("parse: %s", err);
}

static struct dg_bind_subject pci(const char *device, const char *driver, int group,
				  __u16 vendor, __u16 devid, __u32 class)
{
	struct dg_bind_subject s;

	memset(&s, 0, sizeof(s));
	strncpy(s.device, device, sizeof(s.device) - 1);
	strncpy(s.driver, driver, sizeof(s.driver) - 1);
	s.group = group;
	s.is_pci = 1;
	s.dma = dg_driver_dma_mode(s.driver);
	s.vendor = vendor;
	s.devid = devid;
	s.class = class;
	return s;
}

/* A platform device: no vendor, device id or class. */
static struct dg_bind_subject platform(const char *device, const char *driver, int group)
{
	struct dg_bind_subject s = pci(device, driver, group, 0, 0, 0);

	s.is_pci = 0;
	return s;
}

static struct dg_open_subject opener(__u32 kind, int group, const char *device,
				     __u32 uid, __u32 gid, const char *comm)
{
	struct dg_open_subject s;

	memset(&s, 0, sizeof(s));
	s.kind = kind;
	s.group = group;
	strncpy(s.device, device, sizeof(s.device) - 1);
	s.uid = uid;
	s.gid = gid;
	strncpy(s.comm, comm, sizeof(s.comm) - 1);
	return s;
}

/* The line of the deciding rule, 0 for the default; *verdict gets the verdict. */
static int bind_line(const struct dg_bind_subject *s, __u8 *verdict)
{
	const struct dg_rule *m;
	__u8 reason;

	*verdict = policy_eval_bind(&pol, s, &m, &reason);
	if ((m != NULL) != (reason == DG_REASON_RULE))
		UNIT_FAIL("reason %u does not fit matched %p", reason, (const void *)m);
	return m ? (int)m->line : 0;
}

static int open_line(const struct dg_open_subject *s, __u8 *verdict)
{
	const struct dg_rule *m;
	__u8 reason;

	*verdict = policy_eval_open(&pol, s, &m, &reason);
	if ((m != NULL) != (reason == DG_REASON_RULE))
		UNIT_FAIL("reason %u does not fit matched %p", reason, (const void *)m);
	return m ? (int)m->line : 0;
}

/* Like the demo VM: two e1000 behind a PCIe-to-PCI bridge (here group 5), an e1000e (group 6). */
#define E1000_A pci("0000:02:01.0", "e1000", 5, 0x8086, 0x100e, 0x020000)
#define E1000_B pci("0000:02:02.0", "e1000", 5, 0x8086, 0x100e, 0x020000)
#define E1000E pci("0000:01:00.0", "e1000e", 6, 0x8086, 0x10d3, 0x020000)

TEST(first_matching_rule_wins)
{
	struct dg_bind_subject s = E1000_A;
	__u8 v;

	compile("allow bind device=0000:02:01.0\ndeny bind driver=e1000\nallow bind\n");
	ASSERT_EQ(bind_line(&s, &v), 1);
	ASSERT_EQ(v, DG_ALLOW);
	s = E1000_B;
	ASSERT_EQ(bind_line(&s, &v), 2);
	ASSERT_EQ(v, DG_DENY);
	s = E1000E;
	ASSERT_EQ(bind_line(&s, &v), 3);
	ASSERT_EQ(v, DG_ALLOW);
}

TEST(all_attributes_of_a_rule_must_match)
{
	struct dg_bind_subject s = E1000_A;
	__u8 v;

	compile("deny bind driver=e1000 group=6\ndeny bind driver=e1000 group=5 id=8086:100e\n");
	ASSERT_EQ(bind_line(&s, &v), 2);
	s = E1000E;
	ASSERT_EQ(bind_line(&s, &v), 0);
}

TEST(default_applies_when_nothing_matches)
{
	struct dg_bind_subject s = E1000E;
	const struct dg_rule *m;
	__u8 v, reason;

	compile("deny bind driver=e1000\n");
	v = policy_eval_bind(&pol, &s, &m, &reason);
	ASSERT_EQ(v, DG_ALLOW);
	ASSERT_TRUE(m == NULL);
	ASSERT_EQ(reason, DG_REASON_DEFAULT);
	compile("default bind deny\nallow bind driver=e1000\n");
	v = policy_eval_bind(&pol, &s, &m, &reason);
	ASSERT_EQ(v, DG_DENY);
	ASSERT_EQ(reason, DG_REASON_DEFAULT);
}

TEST(exact_string_is_not_a_prefix)
{
	struct dg_bind_subject s = E1000E;
	__u8 v;

	compile("deny bind driver=e1000\n");
	ASSERT_EQ(bind_line(&s, &v), 0);	/* e1000e is not e1000 */
	compile("deny bind driver=e1000*\n");
	ASSERT_EQ(bind_line(&s, &v), 1);
	compile("deny bind driver=e1000e1\n");
	ASSERT_EQ(bind_line(&s, &v), 0);
}

TEST(driver_and_device_prefixes)
{
	struct dg_bind_subject vfio = pci("0000:03:00.0", "vfio-pci", 7, 0x10de, 0x1eb8, 0x030200);
	struct dg_bind_subject plat = platform("fe200000.dma", "vfio-platform", 9);
	struct dg_bind_subject stub = pci("0000:03:00.1", "pci-stub", 7, 0x10de, 0x10f8, 0x040300);
	__u8 v;

	compile("allow bind driver=vfio*\ndeny bind device=0000:03:*\n");
	ASSERT_EQ(bind_line(&vfio, &v), 1);
	ASSERT_EQ(bind_line(&plat, &v), 1);
	ASSERT_EQ(bind_line(&stub, &v), 2);
	ASSERT_EQ(v, DG_DENY);
}

TEST(empty_prefix_matches_even_no_driver)
{
	struct dg_bind_subject s = pci("0000:00:1f.0", "", 0, 0x8086, 0x2918, 0x060100);
	__u8 v;

	compile("deny bind driver=*\n");
	ASSERT_EQ(bind_line(&s, &v), 1);
}

TEST(id_halves)
{
	struct dg_bind_subject realtek = pci("0000:04:00.0", "r8169", 8, 0x10ec, 0x8168, 0x020000);
	struct dg_bind_subject other = pci("0000:05:00.0", "x", 9, 0x1234, 0x100e, 0x020000);
	struct dg_bind_subject a = E1000_A, e = E1000E;
	__u8 v;

	compile("deny bind id=8086:*\n");
	ASSERT_EQ(bind_line(&a, &v), 1);
	ASSERT_EQ(bind_line(&e, &v), 1);
	ASSERT_EQ(bind_line(&realtek, &v), 0);
	compile("deny bind id=*:100e\n");
	ASSERT_EQ(bind_line(&a, &v), 1);
	ASSERT_EQ(bind_line(&other, &v), 1);
	ASSERT_EQ(bind_line(&e, &v), 0);
	compile("deny bind id=8086:100e\n");
	ASSERT_EQ(bind_line(&a, &v), 1);
	ASSERT_EQ(bind_line(&other, &v), 0);
	ASSERT_EQ(bind_line(&e, &v), 0);
}

TEST(class_prefixes_of_one_two_three_bytes)
{
	struct dg_bind_subject eth = E1000_A;
	struct dg_bind_subject other_net = pci("0000:06:00.0", "iwlwifi", 10, 0x8086, 0x2723,
					       0x028000);
	struct dg_bind_subject xhci = pci("0000:07:00.0", "xhci_hcd", 11, 0x1b36, 0x000d, 0x0c0330);
	struct dg_bind_subject ehci = pci("0000:07:01.0", "ehci-pci", 11, 0x8086, 0x293a, 0x0c0320);
	__u8 v;

	compile("deny bind class=0x02\n");
	ASSERT_EQ(bind_line(&eth, &v), 1);
	ASSERT_EQ(bind_line(&other_net, &v), 1);
	ASSERT_EQ(bind_line(&xhci, &v), 0);
	compile("deny bind class=0x0200\n");
	ASSERT_EQ(bind_line(&eth, &v), 1);
	ASSERT_EQ(bind_line(&other_net, &v), 0);
	compile("deny bind class=0x0c03\n");
	ASSERT_EQ(bind_line(&xhci, &v), 1);
	ASSERT_EQ(bind_line(&ehci, &v), 1);
	compile("deny bind class=0x0c0330\n");
	ASSERT_EQ(bind_line(&xhci, &v), 1);
	ASSERT_EQ(bind_line(&ehci, &v), 0);
}

TEST(pci_attributes_never_match_a_non_pci_device)
{
	/* Fields left at values that would match, to see is_pci decide. */
	struct dg_bind_subject plat = pci("serial8250", "serial8250", DG_NO_GROUP, 0x8086, 0x100e,
					  0x020000);
	__u8 v;

	plat.is_pci = 0;
	compile("deny bind id=8086:*\ndeny bind id=*:100e\ndeny bind class=0x02\n"
		"deny bind class=0x020000 driver=serial8250\nallow bind driver=serial8250\n");
	ASSERT_EQ(bind_line(&plat, &v), 5);
	ASSERT_EQ(v, DG_ALLOW);
}

TEST(id_any_any_matches_every_pci_device_only)
{
	struct dg_bind_subject nic = pci("0000:02:01.0", "e1000", 5, 0x8086, 0x100e, 0x020000);
	struct dg_bind_subject uart = platform("serial8250", "serial8250", DG_NO_GROUP);
	__u8 v;

	compile("deny bind id=*:*\nallow bind\n");
	ASSERT_EQ(bind_line(&nic, &v), 1);
	ASSERT_EQ(v, DG_DENY);
	ASSERT_EQ(bind_line(&uart, &v), 2);
	ASSERT_EQ(v, DG_ALLOW);
}

TEST(group_and_dma)
{
	struct dg_bind_subject a = E1000_A, e = E1000E;
	struct dg_bind_subject vfio = pci("0000:01:00.0", "vfio-pci", 6, 0x8086, 0x10d3, 0x020000);
	struct dg_bind_subject nogroup = platform("platform-x", "x", DG_NO_GROUP);
	__u8 v;

	compile("deny bind group=5\nallow bind dma=user\naudit bind dma=kernel group=6\n");
	ASSERT_EQ(bind_line(&a, &v), 1);
	ASSERT_EQ(bind_line(&vfio, &v), 2);
	ASSERT_EQ(v, DG_ALLOW);
	ASSERT_EQ(bind_line(&e, &v), 3);
	ASSERT_EQ(v, DG_AUDIT);
	ASSERT_EQ(bind_line(&nogroup, &v), 0);
}

TEST(audit_mode_turns_deny_into_audit)
{
	struct dg_bind_subject a = E1000_A, e = E1000E;
	struct dg_open_subject o = opener(DG_NODE_GROUP, 5, "", 1000, 1000, "qemu");
	__u8 v;

	compile("mode audit\ndefault bind deny\ndefault open deny\n"
		"deny bind driver=e1000\nallow bind driver=e1000e\n");
	ASSERT_EQ(bind_line(&a, &v), 4);
	ASSERT_EQ(v, DG_AUDIT);
	ASSERT_EQ(bind_line(&e, &v), 5);
	ASSERT_EQ(v, DG_ALLOW);
	e.driver[0] = 'x';
	ASSERT_EQ(bind_line(&e, &v), 0);
	ASSERT_EQ(v, DG_AUDIT);	/* the default deny, too */
	ASSERT_EQ(open_line(&o, &v), 0);
	ASSERT_EQ(v, DG_AUDIT);
}

TEST(audit_verdict_in_enforce_mode)
{
	struct dg_bind_subject a = E1000_A;
	__u8 v;

	compile("audit bind id=8086:100e\n");
	ASSERT_EQ(bind_line(&a, &v), 1);
	ASSERT_EQ(v, DG_AUDIT);
}

TEST(bind_and_open_rules_do_not_mix)
{
	struct dg_bind_subject a = E1000_A;
	struct dg_open_subject o = opener(DG_NODE_GROUP, 5, "", 0, 0, "qemu");
	__u8 v;

	compile("deny open group=5\ndeny bind group=5\nallow open\n");
	ASSERT_EQ(bind_line(&a, &v), 2);
	ASSERT_EQ(open_line(&o, &v), 1);
	o.group = 6;
	ASSERT_EQ(open_line(&o, &v), 3);
}

TEST(open_rules_by_uid_gid_comm_group_device)
{
	struct dg_open_subject qemu = opener(DG_NODE_GROUP, 5, "", 107, 107, "qemu-system-x86");
	struct dg_open_subject dpdk = opener(DG_NODE_DEVICE, 6, "0000:01:00.0", 0, 0, "dpdk-testpmd");
	struct dg_open_subject iommufd = opener(DG_NODE_IOMMU, DG_NO_GROUP, "", 1000, 100, "cloud-hv");
	struct dg_open_subject sh = opener(DG_NODE_GROUP, 5, "", 1000, 100, "sh");
	__u8 v;

	compile("default open deny\n"
		"allow open comm=qemu* uid=107\n"
		"allow open device=0000:01:00.0 uid=0\n"
		"allow open gid=100 group=7\n"
		"audit open uid=1000 comm=cloud-hv\n");
	ASSERT_EQ(open_line(&qemu, &v), 2);
	ASSERT_EQ(v, DG_ALLOW);
	ASSERT_EQ(open_line(&dpdk, &v), 3);
	ASSERT_EQ(open_line(&iommufd, &v), 5);
	ASSERT_EQ(v, DG_AUDIT);
	ASSERT_EQ(open_line(&sh, &v), 0);
	ASSERT_EQ(v, DG_DENY);
	sh.group = 7;
	ASSERT_EQ(open_line(&sh, &v), 4);
	qemu.uid = 108;
	ASSERT_EQ(open_line(&qemu, &v), 0);
	dpdk.device[11] = '1';
	ASSERT_EQ(open_line(&dpdk, &v), 0);
}

TEST(open_group_rule_never_matches_dev_iommu)
{
	struct dg_open_subject iommufd = opener(DG_NODE_IOMMU, DG_NO_GROUP, "", 0, 0, "qemu");
	__u8 v;

	compile("allow open group=0\n");
	ASSERT_EQ(open_line(&iommufd, &v), 0);
}

TEST(rule_count_beyond_the_array_is_not_walked)
{
	struct dg_bind_subject a = E1000_A;
	__u8 v;

	compile("deny bind\n");
	pol.hdr.n_rules = 100000;	/* corrupt: eval must stay in bounds */
	ASSERT_EQ(bind_line(&a, &v), 1);
}

TEST(driver_dma_mode)
{
	char name[DG_DRIVER_LEN];

#define DMA_OF(s) (memset(name, 0, sizeof(name)), strcpy(name, s), dg_driver_dma_mode(name))
	ASSERT_EQ(DMA_OF("vfio-pci"), DG_DMA_USER);
	ASSERT_EQ(DMA_OF("mlx5-vfio-pci"), DG_DMA_USER);
	ASSERT_EQ(DMA_OF("mlx5_vfio_pci"), DG_DMA_USER);
	ASSERT_EQ(DMA_OF("vfio-platform"), DG_DMA_USER);
	ASSERT_EQ(DMA_OF("pci-stub"), DG_DMA_USER);
	ASSERT_EQ(DMA_OF("e1000"), DG_DMA_KERNEL);
	ASSERT_EQ(DMA_OF("e1000e"), DG_DMA_KERNEL);
	ASSERT_EQ(DMA_OF("pcieport"), DG_DMA_KERNEL);
	ASSERT_EQ(DMA_OF("vfio-pci-not"), DG_DMA_USER);	/* the vfio- prefix decides */
	ASSERT_EQ(DMA_OF("pci-stub2"), DG_DMA_KERNEL);
	ASSERT_EQ(DMA_OF(""), DG_DMA_KERNEL);
	ASSERT_EQ(DMA_OF("-vfio-pci"), DG_DMA_USER);
	ASSERT_EQ(DMA_OF("_vfio_pci"), DG_DMA_USER);
	ASSERT_EQ(DMA_OF("vfio-pc"), DG_DMA_USER);	/* the vfio- prefix */
	ASSERT_EQ(DMA_OF("x-vfio-pc"), DG_DMA_KERNEL);
	ASSERT_EQ(DMA_OF("x-vfio-pcix"), DG_DMA_KERNEL);
	ASSERT_EQ(DMA_OF("xvfio-pci"), DG_DMA_KERNEL);
	ASSERT_EQ(DMA_OF("abcdefghijklmnopqrstuv-vfio-pci"), DG_DMA_USER);	/* 31 bytes */
#undef DMA_OF
}

/* The suffix test on a tail against the obvious one on the whole name, on names built to hit the edges. */
static bool naive_has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf), i;

	if (n < k)
		return false;
	for (i = 0; i < k; i++) {
		char c = s[n - k + i] == '_' ? '-' : s[n - k + i];

		if (c != suf[i])
			return false;
	}
	return true;
}

static bool naive_user_dma(const char *s)
{
	return !strncmp(s, "vfio-", 5) || !strncmp(s, "vfio_", 5) ||
	       naive_has_suffix(s, DG_VARIANT_SUFFIX) || !strcmp(s, "pci-stub");
}

TEST(driver_dma_mode_matches_naive)
{
	const char alphabet[] = "-_vfiopcabx";
	const size_t k = strlen(DG_VARIANT_SUFFIX);
	char name[DG_DRIVER_LEN];
	unsigned int seed = 1;
	size_t t, n, i;

	for (t = 0; t < 20000; t++) {
		n = (seed = seed * 1103515245 + 12345) % DG_DRIVER_LEN;
		memset(name, 0, sizeof(name));
		for (i = 0; i < n; i++)
			name[i] = alphabet[((seed = seed * 1103515245 + 12345) >> 16) %
					   (sizeof(alphabet) - 1)];
		/* half the time end with the suffix, or a near miss of it */
		if (t & 1 && n >= k) {
			memcpy(name + n - k, DG_VARIANT_SUFFIX, k);
			if (t & 2)
				name[n - 1 - (seed >> 20) % k] = '_';
			if (t & 4)
				name[n - 1 - (seed >> 24) % k] = 'x';
		}
		ASSERT_EQ(dg_driver_dma_mode(name) == DG_DMA_USER, naive_user_dma(name));
	}
}

TEST(driver_takes_group)
{
	char name[DG_DRIVER_LEN];

#define TAKES(s) (memset(name, 0, sizeof(name)), strcpy(name, s), dg_driver_takes_group(name))
	ASSERT_TRUE(TAKES("e1000"));
	ASSERT_TRUE(TAKES("e1000e"));
	ASSERT_FALSE(TAKES("pcieport"));
	ASSERT_FALSE(TAKES("vfio-pci"));
	ASSERT_FALSE(TAKES("mlx5_vfio_pci"));
	ASSERT_FALSE(TAKES(""));
#undef TAKES
}

TEST(mixed_ownership_and_violations)
{
	ASSERT_TRUE(dg_mixes_ownership(DG_DMA_KERNEL, DG_OWNER_USER));
	ASSERT_FALSE(dg_mixes_ownership(DG_DMA_USER, DG_OWNER_USER));
	ASSERT_FALSE(dg_mixes_ownership(DG_DMA_KERNEL, DG_OWNER_KERNEL));
	ASSERT_FALSE(dg_mixes_ownership(DG_DMA_KERNEL, DG_OWNER_NONE));
	ASSERT_TRUE(dg_is_violation(DG_DENY));
	ASSERT_TRUE(dg_is_violation(DG_AUDIT));
	ASSERT_FALSE(dg_is_violation(DG_ALLOW));
}

/* examples/policy.conf does what its comments say on the demo topology. */
TEST(example_policy_on_the_demo_topology)
{
	static char text[POLICY_MAX_BYTES];
	struct dg_bind_subject e = E1000E, a = E1000_A;
	struct dg_open_subject qemu = opener(DG_NODE_GROUP, 7, "", 0, 0, "qemu-system-x86");
	struct dg_open_subject sh = opener(DG_NODE_GROUP, 7, "", 0, 0, "sh");
	FILE *f = fopen("examples/policy.conf", "r");
	size_t n;
	__u8 v;

	if (!f)
		UNIT_FAIL("examples/policy.conf: run from the top of the tree");
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	compile(text);
	bind_line(&e, &v);
	ASSERT_EQ(v, DG_DENY);		/* e1000e may not take the passthrough NIC */
	strcpy(e.driver, "vfio-pci");
	e.dma = DG_DMA_USER;
	bind_line(&e, &v);
	ASSERT_EQ(v, DG_ALLOW);
	bind_line(&a, &v);
	ASSERT_EQ(v, DG_ALLOW);		/* e1000 keeps the pair */
	strcpy(a.driver, "vfio-pci");
	a.dma = DG_DMA_USER;
	bind_line(&a, &v);
	ASSERT_EQ(v, DG_DENY);
	a.vendor = 0x10ec;		/* any other device to userspace: audit */
	bind_line(&a, &v);
	ASSERT_EQ(v, DG_AUDIT);
	open_line(&qemu, &v);
	ASSERT_EQ(v, DG_ALLOW);		/* QEMU as root */
	open_line(&sh, &v);
	ASSERT_EQ(v, DG_AUDIT);		/* another root process: reported */
	qemu.uid = 1000;
	ASSERT_EQ(open_line(&qemu, &v), 0);
	ASSERT_EQ(v, DG_DENY);		/* anyone else: the default */
}

TEST(group_owner_comes_from_the_counters)
{
	struct dg_group g = { .owner = DG_OWNER_USER };

	ASSERT_EQ(dg_group_owner(&g), DG_OWNER_NONE);	/* the stored field is not trusted */
	g.kernel_drivers = 2;
	ASSERT_EQ(dg_group_owner(&g), DG_OWNER_KERNEL);
	g.user_claims = 1;
	ASSERT_EQ(dg_group_owner(&g), DG_OWNER_USER);	/* a claim wins: the mixed case */
	g.kernel_drivers = 0;
	ASSERT_EQ(dg_group_owner(&g), DG_OWNER_USER);
}

TEST(enum_names)
{
	ASSERT_STREQ(policy_verdict_name(DG_ALLOW), "allow");
	ASSERT_STREQ(policy_verdict_name(DG_DENY), "deny");
	ASSERT_STREQ(policy_verdict_name(DG_AUDIT), "audit");
	ASSERT_STREQ(policy_verdict_name(9), "unknown");
	ASSERT_STREQ(policy_reason_name(DG_REASON_RULE), "rule");
	ASSERT_STREQ(policy_reason_name(DG_REASON_DEFAULT), "default");
	ASSERT_STREQ(policy_reason_name(DG_REASON_MIXED), "mixed-ownership");
	ASSERT_STREQ(policy_reason_name(DG_REASON_KERNEL_REFUSED), "kernel-refused");
	ASSERT_STREQ(policy_reason_name(DG_REASON_NONE), "none");
	ASSERT_STREQ(policy_dma_name(DG_DMA_KERNEL), "kernel");
	ASSERT_STREQ(policy_dma_name(DG_DMA_USER), "user");
}

UNIT_MAIN()
