// SPDX-License-Identifier: GPL-2.0
/*
 * `dmaguard generate`: the collapse into one rule per key and driver, each
 * option (--by, --scope, --default), what each scope lets through later
 * (a VF, a new model, a USB device on another port), and that `check` of
 * the output passes, on fixtures and on a host-sized tree of 16,000
 * devices.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include "cli.h"
#include "cli_capture.h"
#include "dmaguard.h"
#include "policy.h"
#include "sysfs_fixture.h"
#include "topology.h"
#include "unit.h"

#if __has_include("host_shape.h")
/* its name buffers trip gcc's truncation warning with the sanitizer flags */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include "host_shape.h"
#pragma GCC diagnostic pop
#define HAVE_HOST_SHAPE 1
#endif

static void write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(content, f) < 0 || fclose(f))
		UNIT_FAIL("write %s: %s", path, strerror(errno));
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

/* The line number of the first line of text that starts with needle. */
static int line_of(const char *text, const char *needle)
{
	const char *p = text;
	int line = 1;

	while (strncmp(p, needle, strlen(needle))) {
		p = strchr(p, '\n');
		if (!p)
			UNIT_FAIL("no line starts with \"%s\"", needle);
		p++;
		line++;
	}
	return line;
}

/* Lines of text that start a rule. */
static size_t rules(const char *text)
{
	return count(text, "\nallow bind") + count(text, "\ndeny  bind") +
	       count(text, "\naudit bind");
}

/*
 * generate --sysfs FX/sys with up to three more options into FX/gen.conf;
 * returns the text (valid until the next run()).
 */
static const char *generate(const struct fixture *fx, char *path, size_t size,
			    const char *a, const char *b, const char *c)
{
	struct output *o;

	o = run(&cmd_generate, "generate", "--sysfs", fx->sys, a, b, c, NULL);
	if (o->rc)
		UNIT_FAIL("generate exited %d: %s", o->rc, o->err);
	ASSERT_STREQ(o->err, "");
	snprintf(path, size, "%s/gen.conf", fx->dir);
	write_file(path, o->out);
	return o->out;
}

/* check PATH --sysfs FX/sys; the exit status, its output in *out */
static int check(const struct fixture *fx, const char *path, struct output **out)
{
	*out = run(&cmd_check, "check", path, "--sysfs", fx->sys, NULL);
	return (*out)->rc;
}

/* check exits rc and its output holds text; the output (till the next run()) */
static struct output *check_says(const struct fixture *fx, const char *path, int rc,
				 const char *text)
{
	struct output *o;

	ASSERT_EQ(check(fx, path, &o), rc);
	ASSERT_CONTAINS(o->out, text);
	return o;
}

/* A device on bus bound to driver, in IOMMU group group (-1: none). */
static void fx_bound(const struct fixture *fx, const char *bus, const char *name,
		     const char *driver, int group)
{
	fx_device(fx, bus, name);
	fx_bind(fx, bus, name, driver);
	if (group >= 0)
		fx_group(fx, group, bus, name);
}

/* A network function vendor:device bound to driver, alone in group. */
static void fx_bound_nic(const struct fixture *fx, const char *name, unsigned int vendor,
			 unsigned int device, const char *driver, int group)
{
	fx_pci(fx, name, vendor, device, 0x020000);
	fx_bind(fx, "pci", name, driver);
	fx_group(fx, group, "pci", name);
}

/* The PCI device name moves from driver from to driver to. */
static void fx_rebind(const struct fixture *fx, const char *name, const char *from,
		      const char *to)
{
	fx_unbind(fx, "pci", name, from);
	fx_bind(fx, "pci", name, to);
}

/* fx_server() plus a USB stick's interface (no group), bound to usb-storage. */
static void fx_server_usb(struct fixture *fx)
{
	fx_server(fx);
	fx_bound(fx, "usb", "1-1:1.0", "usb-storage", -1);
}

/* What arrives after generate: a VF of a model present, one of a new model, a USB stick. */
static void add_later_devices(const struct fixture *fx)
{
	fx_bound_nic(fx, "0000:03:02.2", 0x8086, 0x154c, "vfio-pci", 9);
	fx_bound_nic(fx, "0000:04:02.0", 0x15b3, 0x1018, "mlx5_core", 10);
	fx_bound(fx, "usb", "2-3:1.0", "usb-storage", -1);
}

/* --- the default: --by id --scope present --default deny ----------------------- */

TEST(default_collapses_by_id_and_driver)
{
	struct fixture fx;
	char path[PATH_MAX];
	const char *out;

	fx_server_usb(&fx);
	out = generate(&fx, path, sizeof(path), NULL, NULL, NULL);
	ASSERT_CONTAINS(out, "generate --by id --scope present --default deny`\n");
	ASSERT_CONTAINS(out, "where 11 of 14 devices have a driver.\n");
	ASSERT_CONTAINS(out, "\nmode enforce\n");
	ASSERT_CONTAINS(out, "\ndefault bind allow\n");
	ASSERT_CONTAINS(out, "\ndefault open allow\n");
	/* 9 PCI bindings of 7 models; the two VFs share a rule, so do the two e1000 */
	ASSERT_EQ(count(out, "\nallow bind "), 7);
	ASSERT_EQ(count(out, "\ndeny  bind "), 7);
	ASSERT_EQ(rules(out), 14);
	ASSERT_CONTAINS(out, "# 2 devices 0000:03:02.0 .. 0000:03:02.1, 2 groups, "
			     "pci 8086:154c class 0x020000, dma user\n"
			     "allow bind id=8086:154c driver=vfio-pci\n");
	ASSERT_CONTAINS(out, "# 2 devices 0000:06:01.0 .. 0000:06:02.0, group 6, "
			     "pci 8086:100e class 0x020000, dma kernel\n"
			     "allow bind id=8086:100e driver=e1000\n");
	ASSERT_CONTAINS(out, "# 0000:01:00.0, group 1, pci 10de:1eb8 class 0x030000, "
			     "dma kernel\nallow bind id=10de:1eb8 driver=nvidia\n");
	ASSERT_CONTAINS(out, "\ndeny  bind id=8086:154c\n");
	ASSERT_CONTAINS(out, "\ndeny  bind id=8086:a110\n");
	/* no group, off the PCI bus: not judged; unbound models: not judged */
	ASSERT_FALSE(strstr(out, "serial8250 driver"));
	ASSERT_FALSE(strstr(out, "usb-storage"));
	ASSERT_FALSE(strstr(out, "1b36:000e"));
	ASSERT_FALSE(strstr(out, "1234:1111"));
	/* every allow precedes every closing rule */
	ASSERT_TRUE(strstr(out, "\ndeny  bind") > strstr(out, "allow bind id=8086:a110"));
	fx_cleanup(&fx);
}

TEST(default_passes_check_then_denies_another_driver_on_a_present_kind)
{
	struct fixture fx;
	char path[PATH_MAX], want[PATH_MAX + 128];
	struct output *o;
	const char *out;
	int line;

	fx_server_usb(&fx);
	out = generate(&fx, path, sizeof(path), NULL, NULL, NULL);
	line = line_of(out, "deny  bind id=144d:a808\n");
	check_says(&fx, path, 0, "11 current bindings, 0 would be denied, 0 audited\n");

	fx_rebind(&fx, "0000:02:00.0", "nvme", "vfio-pci");
	ASSERT_EQ(check(&fx, path, &o), 1);
	snprintf(want, sizeof(want), "deny  0000:02:00.0 driver=vfio-pci id=144d:a808 "
		 "class=0x010802 group=2 (rule %s:%d)\n", path, line);
	ASSERT_CONTAINS(o->out, want);
	ASSERT_CONTAINS(o->out, "11 current bindings, 1 would be denied, 0 audited\n");
	fx_cleanup(&fx);
}

TEST(default_lets_later_devices_through)
{
	struct fixture fx;
	char path[PATH_MAX];

	fx_server_usb(&fx);
	generate(&fx, path, sizeof(path), NULL, NULL, NULL);
	add_later_devices(&fx);
	/* a VF of a present model on its siblings' driver, a new model, a USB stick */
	check_says(&fx, path, 0, "14 current bindings, 0 would be denied, 0 audited\n");
	/* the present model's rule still holds for the new VF */
	fx_rebind(&fx, "0000:03:02.2", "vfio-pci", "iavf");
	check_says(&fx, path, 1, "deny  0000:03:02.2 driver=iavf id=8086:154c");
	fx_cleanup(&fx);
}

TEST(models_with_two_drivers_get_one_allow_each)
{
	struct fixture fx;
	char path[PATH_MAX];
	struct output *o;
	const char *out;

	fx_server(&fx);
	fx_rebind(&fx, "0000:03:02.1", "vfio-pci", "iavf");
	out = generate(&fx, path, sizeof(path), NULL, NULL, NULL);
	ASSERT_CONTAINS(out, "allow bind id=8086:154c driver=iavf\n");
	ASSERT_CONTAINS(out, "allow bind id=8086:154c driver=vfio-pci\n");
	ASSERT_EQ(count(out, "deny  bind id=8086:154c\n"), 1);
	ASSERT_EQ(check(&fx, path, &o), 0);
	fx_cleanup(&fx);
}

/* --- --by device ----------------------------------------------------------------- */

TEST(by_device_names_each_device_and_a_later_vf_is_free)
{
	struct fixture fx;
	char path[PATH_MAX];
	struct output *o;
	const char *out;

	fx_server_usb(&fx);
	out = generate(&fx, path, sizeof(path), "--by", "device", NULL);
	ASSERT_CONTAINS(out, "generate --by device --scope present --default deny`\n");
	ASSERT_EQ(count(out, "\nallow bind device="), 9);
	ASSERT_EQ(count(out, "\ndeny  bind device="), 9);
	ASSERT_FALSE(strstr(out, " id="));
	ASSERT_CONTAINS(out, "allow bind device=0000:03:02.1 driver=vfio-pci\n");
	ASSERT_CONTAINS(out, "\ndeny  bind device=0000:03:02.1\n");
	ASSERT_EQ(check(&fx, path, &o), 0);
	add_later_devices(&fx);
	fx_rebind(&fx, "0000:03:02.2", "vfio-pci", "iavf");
	ASSERT_EQ(check(&fx, path, &o), 0);
	fx_rebind(&fx, "0000:03:02.1", "vfio-pci", "iavf");
	o = check_says(&fx, path, 1, "deny  0000:03:02.1 driver=iavf");
	ASSERT_CONTAINS(o->out, "1 would be denied");
	fx_cleanup(&fx);
}

/* --- --default ------------------------------------------------------------------- */

TEST(default_audit_audits_instead_of_denying)
{
	struct fixture fx;
	char path[PATH_MAX];
	struct output *o;
	const char *out;

	fx_server(&fx);
	out = generate(&fx, path, sizeof(path), "--default", "audit", NULL);
	ASSERT_CONTAINS(out, "--default audit`\n");
	ASSERT_EQ(count(out, "\naudit bind id="), 7);
	ASSERT_EQ(count(out, "\ndeny  bind"), 0);
	ASSERT_CONTAINS(out, "\nmode enforce\n");
	ASSERT_CONTAINS(out, "\ndefault bind allow\n");
	fx_rebind(&fx, "0000:02:00.0", "nvme", "vfio-pci");
	o = check_says(&fx, path, 0, "audit 0000:02:00.0 driver=vfio-pci");
	ASSERT_CONTAINS(o->out, "0 would be denied, 1 audited\n");
	fx_cleanup(&fx);
}

TEST(default_allow_only_lists_the_bindings)
{
	struct fixture fx;
	char path[PATH_MAX];
	const char *out;

	fx_server(&fx);
	out = generate(&fx, path, sizeof(path), "--default", "allow", "--scope=all");
	ASSERT_CONTAINS(out, "--scope all --default allow`\n");
	ASSERT_EQ(count(out, "\nallow bind "), 8);
	ASSERT_EQ(rules(out), 8);
	ASSERT_CONTAINS(out, "\ndefault bind allow\n");
	fx_rebind(&fx, "0000:02:00.0", "nvme", "vfio-pci");
	check_says(&fx, path, 0, "0 would be denied, 0 audited\n");
	fx_cleanup(&fx);
}

/* --- --scope --------------------------------------------------------------------- */

TEST(scope_all_denies_every_other_bind_on_every_bus)
{
	struct fixture fx;
	char path[PATH_MAX];
	struct output *o;
	const char *out;

	fx_server_usb(&fx);
	out = generate(&fx, path, sizeof(path), "--scope", "all", NULL);
	ASSERT_CONTAINS(out, "\ndefault bind deny\n");
	/* 7 models, and off the PCI bus the name is all there is */
	ASSERT_EQ(rules(out), 9);
	ASSERT_CONTAINS(out, "# serial8250, no IOMMU group, platform, dma kernel\n"
			     "allow bind device=serial8250 driver=serial8250\n");
	ASSERT_CONTAINS(out, "allow bind device=1-1:1.0 driver=usb-storage\n");
	check_says(&fx, path, 0, "11 current bindings, 0 would be denied");
	add_later_devices(&fx);
	o = check_says(&fx, path, 1, "deny  2-3:1.0 driver=usb-storage");
	ASSERT_CONTAINS(o->out, "deny  0000:04:02.0 driver=mlx5_core");
	ASSERT_CONTAINS(o->out, "14 current bindings, 2 would be denied");

	out = generate(&fx, path, sizeof(path), "--scope", "all", "--default=audit");
	ASSERT_CONTAINS(out, "\ndefault bind allow\n");
	ASSERT_CONTAINS(out, "\naudit bind\n");
	fx_cleanup(&fx);
}

TEST(scope_pci_denies_new_pci_devices_only)
{
	struct fixture fx;
	char path[PATH_MAX];
	struct output *o;
	const char *out;

	fx_server_usb(&fx);
	out = generate(&fx, path, sizeof(path), "--scope", "pci", NULL);
	ASSERT_CONTAINS(out, "\ndefault bind allow\n");
	ASSERT_CONTAINS(out, "\ndeny  bind id=*:*\n");
	ASSERT_EQ(rules(out), 8);
	ASSERT_FALSE(strstr(out, "usb-storage"));
	ASSERT_EQ(check(&fx, path, &o), 0);
	add_later_devices(&fx);
	o = check_says(&fx, path, 1, "deny  0000:04:02.0 driver=mlx5_core");
	ASSERT_CONTAINS(o->out, "14 current bindings, 1 would be denied");
	fx_cleanup(&fx);
}

/*
 * Off the PCI bus a device in an IOMMU group is judged by name in scope
 * present; names the language cannot spell become prefixes. A closing
 * name rule that reaches a device outside the scope (the same name on
 * another bus, a prefix) gives that device its own allow: check passes.
 */
TEST(names_off_pci_prefixes_and_closing_rules_that_reach_further)
{
	char name[101], path[PATH_MAX];
	struct fixture fx;
	const char *out;

	memset(name, 'n', 100);
	name[100] = '\0';
	fx_init(&fx);
	fx_bound(&fx, "platform", "fe000000.ethernet", "stmmaceth", 3);
	fx_bound(&fx, "amba", "fe000000.ethernet", "other", -1);
	fx_bound(&fx, "platform", name, "drv", 1);
	fx_bound(&fx, "platform", "has space#1", "drv*x", 2);
	fx_bound(&fx, "platform", "hasty", "drv", 4);
	fx_bound(&fx, "usb", "has-more", "usbhid", -1);
	out = generate(&fx, path, sizeof(path), NULL, NULL, NULL);
	ASSERT_CONTAINS(out, "# fe000000.ethernet, no IOMMU group, amba, dma kernel\n"
			     "allow bind device=fe000000.ethernet driver=other\n");
	ASSERT_CONTAINS(out, "allow bind device=fe000000.ethernet driver=stmmaceth\n");
	ASSERT_CONTAINS(out, "allow bind device=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn* driver=drv\n");
	ASSERT_CONTAINS(out, "allow bind device=has* driver=drv*\n");
	ASSERT_CONTAINS(out, "allow bind device=hasty driver=drv\n");
	ASSERT_CONTAINS(out, "allow bind device=has-more driver=usbhid\n");
	ASSERT_CONTAINS(out, "\ndeny  bind device=has*\n");
	ASSERT_EQ(count(out, "\ndeny  bind device=fe000000.ethernet\n"), 1);
	ASSERT_EQ(count(out, "# a prefix:"), 2);
	check_says(&fx, path, 0, "6 current bindings, 0 would be denied");
	fx_cleanup(&fx);
}

/* --- options and limits ------------------------------------------------------------ */

TEST(usage_errors_and_help)
{
	struct output *o;

	o = run(&cmd_generate, "generate", "--by", "vendor", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "dmaguard generate: unknown value 'vendor' for --by "
				"(expected id or device)\n");
	o = run(&cmd_generate, "generate", "--scope=usb", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "unknown value 'usb' for --scope (expected present, pci or all)");
	o = run(&cmd_generate, "generate", "--default", "audited", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "unknown value 'audited' for --default "
				"(expected allow, audit or deny)");
	o = run(&cmd_generate, "generate", "--default", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "option '--default' needs an argument");
	o = run(&cmd_generate, "generate", "--policy", "x", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "Usage: dmaguard generate [--by id|device] "
				"[--scope present|pci|all] [--default allow|audit|deny] "
				"[--sysfs ROOT]\n");
	o = run(&cmd_generate, "generate", "x", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "unexpected argument 'x'");
	o = run(&cmd_generate, "generate", "--help", NULL);
	ASSERT_EQ(o->rc, 0);
	ASSERT_CONTAINS(o->out, "--by id|device");
	ASSERT_CONTAINS(o->out, "--scope present|pci|all");
	ASSERT_CONTAINS(o->out, "--default allow|audit|deny");
}

/* A big tree is built much faster in memory: use /dev/shm unless TMPDIR says. */
static void fx_init_big(struct fixture *fx)
{
	if (!getenv("TMPDIR") && !access("/dev/shm", W_OK))
		setenv("TMPDIR", "/dev/shm", 1);
	fx_init(fx);
}

/*
 * One model of n VFs, each in its own group, bound alternately to iavf and
 * vfio-pci: two rules by id, n by device.
 */
static void fx_vfs(struct fixture *fx, int n)
{
	char name[32];
	int i;

	fx_init_big(fx);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "0000:%02x:%02x.%d", 0x10 + i / 256,
			 (i / 8) % 32, i % 8);
		fx_bound_nic(fx, name, 0x8086, 0x154c, i % 2 ? "iavf" : "vfio-pci", 100 + i);
	}
}

TEST(more_rules_than_a_policy_holds_is_an_error_not_a_policy)
{
	struct fixture fx;
	char path[PATH_MAX];
	struct output *o;
	const char *out;
	int n = DG_MAX_RULES / 2 + 1;

	fx_vfs(&fx, n);
	out = generate(&fx, path, sizeof(path), NULL, NULL, NULL);
	ASSERT_EQ(rules(out), 3);
	o = run(&cmd_generate, "generate", "--sysfs", fx.sys, "--by", "device", NULL);
	ASSERT_EQ(o->rc, 1);
	ASSERT_STREQ(o->out, "");
	ASSERT_CONTAINS(o->err, "dmaguard generate: the generated policy");
	/* the rule limit, or the size limit if that is the nearer one */
	ASSERT_TRUE(strstr(o->err, "too many rules") || strstr(o->err, "bytes long"));
	ASSERT_CONTAINS(o->err, "it would not load (--by id --scope present writes the "
				"fewest rules)\n");
	fx_cleanup(&fx);
}

/* --- host-sized trees -------------------------------------------------------------- */

/*
 * A host of 16,000 devices: 61 NICs of 1 PF and 256 VFs each (VFs on
 * iavf, vfio-pci or none), each behind a root port with its AER service,
 * and USB interfaces. Used when the scan helper's host_shape.h is
 * not there.
 */
static int fx_big_host(struct fixture *fx)
{
	char name[48], svc[64];
	int nic, vf, n = 0, group = 0;

	fx_init_big(fx);
	for (nic = 0; nic < 61; nic++) {
		snprintf(name, sizeof(name), "0000:00:%02x.%d", nic / 8, nic % 8);
		fx_pci(fx, name, 0x8086, 0x2030, 0x060400);
		fx_bind(fx, "pci", name, "pcieport");
		fx_group(fx, group++, "pci", name);
		snprintf(svc, sizeof(svc), "%s:pcie002", name);
		fx_bound(fx, "pci_express", svc, "aer", -1);
		snprintf(name, sizeof(name), "0000:%02x:00.0", nic + 1);
		fx_bound_nic(fx, name, 0x8086, 0x1592, "ice", group++);
		n += 3;
		for (vf = 0; vf < 256; vf++, n++) {
			snprintf(name, sizeof(name), "0000:%02x:%02x.%d", nic + 1, 1 + vf / 8,
				 vf % 8);
			fx_pci(fx, name, 0x8086, 0x1889, 0x020000);
			if (vf % 3)
				fx_bind(fx, "pci", name, vf % 3 == 1 ? "iavf" : "vfio-pci");
			fx_group(fx, group++, "pci", name);
		}
	}
	for (; n < 16000; n++) {
		snprintf(name, sizeof(name), "%d-%d:1.0", 1 + n / 100, n % 100);
		fx_bound(fx, "usb", name, n % 2 ? "usbhid" : "usb-storage", -1);
	}
	return n;
}

/*
 * generate then check on fx of n devices: both exit 0, with few rules;
 * --scope all as well.
 */
static void generate_then_check(struct fixture *fx, size_t n, size_t max_rules)
{
	char path[PATH_MAX], want[64];
	const char *out;

	out = generate(fx, path, sizeof(path), NULL, NULL, NULL);
	if (rules(out) > max_rules)
		UNIT_FAIL("%zu rules, expected at most %zu", rules(out), max_rules);
	ASSERT_TRUE(strlen(out) < POLICY_MAX_BYTES);
	snprintf(want, sizeof(want), "of %zu devices have a driver", n);
	ASSERT_CONTAINS(out, want);
	check_says(fx, path, 0, " 0 would be denied");
	generate(fx, path, sizeof(path), "--scope", "all", NULL);
	check_says(fx, path, 0, " 0 would be denied");
}

TEST(generate_then_check_on_16000_devices)
{
	struct fixture fx;
	char path[PATH_MAX];
	const char *out;

	ASSERT_EQ(fx_big_host(&fx), 16000);
	out = generate(&fx, path, sizeof(path), NULL, NULL, NULL);
	/* the 15,616 VFs: two allows; the PFs, the ports: one each; 3 closing */
	ASSERT_CONTAINS(out, "allow bind id=8086:1889 driver=iavf\n");
	ASSERT_CONTAINS(out, "allow bind id=8086:1889 driver=vfio-pci\n");
	ASSERT_EQ(rules(out), 7);
	generate_then_check(&fx, 16000, 7);
	fx_cleanup(&fx);
}

#ifdef HAVE_HOST_SHAPE
/* The scan helper's shapes of issue 12: the server and the extreme host. */
static void host_shape(enum host_shape shape)
{
	struct fixture fx;

	fx_init_big(&fx);
	if (host_shape_build(fx.sys, shape))
		UNIT_FAIL("host_shape_build: %s", strerror(errno));
	/* a real host has a few hundred kinds of device at most */
	generate_then_check(&fx, host_shape_devices(shape), 1000);
	fx_cleanup(&fx);
}

TEST(generate_then_check_on_the_server_shape)
{
	host_shape(HOST_SHAPE_SERVER);
}

TEST(generate_then_check_on_the_extreme_shape)
{
	host_shape(HOST_SHAPE_EXTREME);
}
#endif

UNIT_MAIN()
