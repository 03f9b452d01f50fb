// SPDX-License-Identifier: GPL-2.0
/*
 * Offline scans (status, check, generate with --sysfs ROOT, and the VFIO
 * node scan) never wait on a FIFO, nor read a runaway file: every attribute
 * goes through read_small_file_at(). A FIFO, a device or an oversized file
 * in place of an attribute leaves that attribute unknown, as a missing one
 * does (topology.h). Each test arms alarm(): before the fix the open of the
 * FIFO blocked forever, now such a test fails by SIGALRM instead.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include "cli.h"
#include "cli_capture.h"
#include "nodes.h"
#include "sysfs_fixture.h"
#include "topology_lookup.h"
#include "topology.h"
#include "unit.h"
#include "util.h"

/* mkfifo FX/<rel>, replacing the file there */
static void fx_fifo(const struct fixture *fx, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", fx->dir, rel);
	unlink(path);
	if (mkfifo(path, 0644))
		UNIT_FAIL("mkfifo %s: %s", path, strerror(errno));
}

/* The server fixture with FIFOs in place of attributes the scan reads. */
static void fifo_server(struct fixture *fx)
{
	fx_server(fx);
	alarm(10);
	fx_fifo(fx, "sys/devices/pci0000:00/0000:02:00.0/vendor");
	fx_fifo(fx, "sys/devices/pci0000:00/0000:01:00.1/class");
	fx_fifo(fx, "sys/class/vfio/5/dev");
	fx_fifo(fx, "proc/4242/comm");
	fx_fifo(fx, "sys/devices/pci0000:00/0000:07:00.0/uevent");
	/* a FIFO where a group directory and a member link are expected */
	fx_fifo(fx, "sys/kernel/iommu_groups/9");
	fx_fifo(fx, "sys/kernel/iommu_groups/6/devices/0000:06:09.0");
}

TEST(scan_skips_fifo_attributes)
{
	struct topo_opts o = { 0 };
	struct fixture fx;
	struct topology t;
	char err[512] = "";
	size_t i;

	fifo_server(&fx);
	o.sysfs = fx.sys;
	o.procfs = fx.proc;
	if (topology_scan_opts(&o, &t, err, sizeof(err)))
		UNIT_FAIL("scan failed: %s", err);
	/* the attribute is unknown: without vendor or class the device is not PCI */
	ASSERT_FALSE(device(&t, "0000:02:00.0")->is_pci);
	ASSERT_STREQ(device(&t, "0000:02:00.0")->driver, "nvme");
	ASSERT_EQ(device(&t, "0000:02:00.0")->group, 2);
	ASSERT_FALSE(device(&t, "0000:01:00.1")->is_pci);
	ASSERT_TRUE(device(&t, "0000:01:00.0")->is_pci);
	ASSERT_EQ(device(&t, "0000:01:00.0")->vendor, 0x10de);
	/* group 5's holder is still found by path; its comm is unknown */
	for (i = 0; i < t.n_groups && t.groups[i].id != 5; i++)
		;
	ASSERT_TRUE(i < t.n_groups);
	ASSERT_EQ(t.groups[i].owner, DG_OWNER_USER);
	ASSERT_EQ(t.groups[i].owner_pid, 4242);
	ASSERT_STREQ(t.groups[i].owner_comm, "");
	ASSERT_EQ(t.n_groups, 8);
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(status_check_generate_finish_on_fifos)
{
	char policy[PATH_MAX], fifo[PATH_MAX];
	struct fixture fx;

	fifo_server(&fx);
	snprintf(policy, sizeof(policy), "%s/p.conf", fx.dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo.conf", fx.dir);
	fx_write(&fx, "allow bind driver=nvme\n", "p.conf");
	if (mkfifo(fifo, 0644))
		UNIT_FAIL("mkfifo: %s", strerror(errno));
	ASSERT_EQ(run(&cmd_status, "status", "--sysfs", fx.sys, NULL)->rc, 0);
	ASSERT_EQ(run(&cmd_status, "status", "--json", "--sysfs", fx.sys,
						    "--policy", policy, NULL)->rc, 0);
	ASSERT_EQ(run(&cmd_generate, "generate", "--sysfs", fx.sys, NULL)->rc, 0);
	/* bindings other than nvme's are denied by nothing: default allow */
	ASSERT_EQ(run(&cmd_check, "check", policy, "--sysfs", fx.sys, NULL)->rc,
		  0);
	/* a FIFO as the policy itself: an invalid policy, at once */
	ASSERT_EQ(run(&cmd_check, "check", fifo, "--sysfs", fx.sys, NULL)->rc, 2);
	fx_cleanup(&fx);
}

TEST(vfio_node_scan_skips_a_fifo_dev)
{
	struct vfio_node *nodes;
	struct fixture fx;
	size_t n, i;

	fifo_server(&fx);
	ASSERT_EQ(vfio_nodes_scan(fx.sys, &nodes, &n), 0);
	/* group 4's node is read; group 5's dev is a FIFO: skipped */
	ASSERT_EQ(n, 1);
	ASSERT_EQ(nodes[0].node.group, 4);
	ASSERT_EQ(nodes[0].rdev, kernel_dev(244, 4));
	for (i = 0; i < n; i++)
		ASSERT_TRUE(nodes[i].node.group != 5);
	free(nodes);
	fx_cleanup(&fx);
}

/* --- read_small_file_at() ------------------------------------------------- */

TEST(small_file_read_is_bounded)
{
	char buf[8], path[PATH_MAX];
	struct fixture fx;

	fx_init(&fx);
	alarm(10);
	fx_write(&fx, "0x8086\n", "ok");
	fx_write(&fx, "0x8086 and then much more\n", "long");
	fx_write(&fx, "1234567", "exact");
	snprintf(path, sizeof(path), "%s/ok", fx.dir);
	ASSERT_EQ(read_small_file_at(AT_FDCWD, path, buf, sizeof(buf)), 7);
	ASSERT_STREQ(buf, "0x8086\n");
	snprintf(path, sizeof(path), "%s/exact", fx.dir);
	ASSERT_EQ(read_small_file_at(AT_FDCWD, path, buf, sizeof(buf)), 7);
	snprintf(path, sizeof(path), "%s/long", fx.dir);
	ASSERT_EQ(read_small_file_at(AT_FDCWD, path, buf, sizeof(buf)), -EFBIG);
	ASSERT_EQ(read_small_file_at(AT_FDCWD, "/dev/zero", buf, sizeof(buf)), -EINVAL);
	ASSERT_EQ(read_small_file_at(AT_FDCWD, fx.dir, buf, sizeof(buf)), -EINVAL);
	fx_fifo(&fx, "fifo");
	snprintf(path, sizeof(path), "%s/fifo", fx.dir);
	ASSERT_EQ(read_small_file_at(AT_FDCWD, path, buf, sizeof(buf)), -EINVAL);
	fx_link(&fx, "ok", "link");
	snprintf(path, sizeof(path), "%s/link", fx.dir);
	ASSERT_EQ(read_small_file_at(AT_FDCWD, path, buf, sizeof(buf)), -ELOOP);
	fx_cleanup(&fx);
}

UNIT_MAIN()
