// SPDX-License-Identifier: GPL-2.0
/* The sysfs topology scan against fixture trees (tests/unit/sysfs_fixture.h). */
#include <bpf/bpf.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/mount.h>
#include "host_shape.h"
#include "sysfs_fixture.h"
#include "topology_int.h"
#include "topology_lookup.h"
#include "topology.h"
#include "unit.h"

static void scan_fx(const struct fixture *fx, bool with_proc, struct topology *t)
{
	struct topo_opts o = { .sysfs = fx->sys, .procfs = with_proc ? fx->proc : NULL };
	char err[512] = "";

	if (topology_scan_opts(&o, t, err, sizeof(err)))
		UNIT_FAIL("scan failed: %s", err);
}

static const char *member(const struct topology *t, const struct topo_group *g, size_t i)
{
	ASSERT_TRUE(i < g->n_members);
	return t->devices[g->members[i]].name;
}

static const char *blocker(const struct topology *t, const struct topo_group *g)
{
	return g->blocker < 0 ? "(none)" : t->devices[g->blocker].name;
}

TEST(server_groups_and_members)
{
	struct fixture fx;
	struct topology t;
	const struct topo_group *g;
	size_t i;

	fx_server(&fx);
	scan_fx(&fx, true, &t);
	ASSERT_EQ(t.n_groups, 8);
	for (i = 0; i < 8; i++)
		ASSERT_EQ(t.groups[i].id, i + 1);
	g = group(&t, 1);
	ASSERT_EQ(g->n_members, 2);
	ASSERT_STREQ(member(&t, g, 0), "0000:01:00.0");
	ASSERT_STREQ(member(&t, g, 1), "0000:01:00.1");
	g = group(&t, 6);
	ASSERT_EQ(g->n_members, 3);
	ASSERT_STREQ(member(&t, g, 0), "0000:05:00.0");
	ASSERT_STREQ(member(&t, g, 1), "0000:06:01.0");
	ASSERT_STREQ(member(&t, g, 2), "0000:06:02.0");
	ASSERT_EQ(group(&t, 2)->n_members, 1);
	ASSERT_STREQ(member(&t, group(&t, 5), 0), "0000:03:02.1");
	/* 11 PCI functions and 2 platform devices, by group, grouped ones first */
	ASSERT_EQ(t.n_devices, 13);
	ASSERT_STREQ(t.devices[0].name, "0000:01:00.0");
	ASSERT_STREQ(t.devices[10].name, "0000:00:1c.0");
	ASSERT_EQ(t.devices[10].group, 8);
	ASSERT_STREQ(t.devices[11].name, "pcspkr");
	ASSERT_STREQ(t.devices[12].name, "serial8250");
	ASSERT_EQ(t.devices[12].group, DG_NO_GROUP);
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(server_device_attributes)
{
	const struct topo_device *d;
	struct fixture fx;
	struct topology t;

	fx_server(&fx);
	scan_fx(&fx, true, &t);
	d = device(&t, "0000:01:00.1");
	ASSERT_STREQ(d->bus, "pci");
	ASSERT_TRUE(d->is_pci);
	ASSERT_EQ(d->vendor, 0x10de);
	ASSERT_EQ(d->devid, 0x10f8);
	ASSERT_EQ(d->subvendor, 0x10de);
	ASSERT_EQ(d->subdevice, 0x00f8);
	ASSERT_EQ(d->class, 0x040300);
	ASSERT_STREQ(d->driver, "snd_hda_intel");
	ASSERT_EQ(d->dma, DG_DMA_KERNEL);
	ASSERT_EQ(d->group, 1);
	d = device(&t, "0000:02:00.0");
	ASSERT_EQ(d->class, 0x010802);
	ASSERT_STREQ(d->driver, "nvme");
	d = device(&t, "0000:03:02.0");
	ASSERT_STREQ(d->driver, "vfio-pci");
	ASSERT_EQ(d->dma, DG_DMA_USER);
	ASSERT_EQ(d->group, 4);
	d = device(&t, "0000:05:00.0");
	ASSERT_STREQ(d->driver, "");
	ASSERT_EQ(d->class, 0x060400);
	d = device(&t, "serial8250");
	ASSERT_STREQ(d->bus, "platform");
	ASSERT_FALSE(d->is_pci);
	ASSERT_STREQ(d->driver, "serial8250");
	ASSERT_EQ(d->dma, DG_DMA_KERNEL);
	ASSERT_EQ(d->group, DG_NO_GROUP);
	d = device(&t, "pcspkr");
	ASSERT_STREQ(d->driver, "");
	ASSERT_FALSE(d->name_truncated);
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(server_viability_and_blockers)
{
	struct fixture fx;
	struct topology t;

	fx_server(&fx);
	scan_fx(&fx, true, &t);
	ASSERT_FALSE(group(&t, 1)->viable);
	ASSERT_STREQ(blocker(&t, group(&t, 1)), "0000:01:00.0");
	ASSERT_FALSE(group(&t, 2)->viable);
	ASSERT_STREQ(blocker(&t, group(&t, 2)), "0000:02:00.0");
	ASSERT_FALSE(group(&t, 3)->viable);
	ASSERT_TRUE(group(&t, 4)->viable);
	ASSERT_EQ(group(&t, 4)->blocker, -1);
	ASSERT_TRUE(group(&t, 5)->viable);
	/* the unbound bridge does not block; the first e1000 behind it does */
	ASSERT_FALSE(group(&t, 6)->viable);
	ASSERT_STREQ(blocker(&t, group(&t, 6)), "0000:06:01.0");
	ASSERT_TRUE(group(&t, 7)->viable);
	/* pcieport does no DMA: it does not take the group */
	ASSERT_TRUE(group(&t, 8)->viable);
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(server_owners_from_sysfs_and_procfs)
{
	const struct topo_group *g;
	struct fixture fx;
	struct topology t;

	fx_server(&fx);
	scan_fx(&fx, true, &t);
	ASSERT_EQ(group(&t, 1)->owner, DG_OWNER_KERNEL);
	ASSERT_EQ(group(&t, 2)->owner, DG_OWNER_KERNEL);
	ASSERT_EQ(group(&t, 6)->owner, DG_OWNER_KERNEL);
	/* bound to vfio-pci, but nobody holds /dev/vfio/4 */
	ASSERT_EQ(group(&t, 4)->owner, DG_OWNER_NONE);
	g = group(&t, 5);
	ASSERT_EQ(g->owner, DG_OWNER_USER);
	ASSERT_EQ(g->owner_pid, 4242);
	ASSERT_STREQ(g->owner_comm, "qemu-system-x86");
	ASSERT_FALSE(g->owner_from_map);
	ASSERT_EQ(group(&t, 7)->owner, DG_OWNER_NONE);
	ASSERT_EQ(group(&t, 8)->owner, DG_OWNER_NONE);
	ASSERT_STREQ(topology_owner_name(group(&t, 5)->owner), "user");
	ASSERT_STREQ(topology_owner_name(group(&t, 1)->owner), "kernel");
	ASSERT_STREQ(topology_owner_name(group(&t, 7)->owner), "none");
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(no_procfs_no_user_owner)
{
	struct fixture fx;
	struct topology t;

	fx_server(&fx);
	scan_fx(&fx, false, &t);
	ASSERT_EQ(group(&t, 5)->owner, DG_OWNER_NONE);
	ASSERT_EQ(group(&t, 5)->owner_pid, 0);
	ASSERT_EQ(group(&t, 1)->owner, DG_OWNER_KERNEL);
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(user_owner_needs_a_user_dma_driver)
{
	struct fixture fx;
	struct topology t;

	fx_server(&fx);
	/* a process holds /dev/vfio/7, but 0000:07:00.0 has no driver */
	fx_open_fd(&fx, 4242, 19, "/dev/vfio/7");
	scan_fx(&fx, true, &t);
	ASSERT_EQ(group(&t, 7)->owner, DG_OWNER_NONE);
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(owner_by_char_device_number)
{
	struct fixture fx;
	struct topology t;
	struct stat st;
	char buf[32];

	if (stat("/dev/null", &st) || !S_ISCHR(st.st_mode))
		UNIT_FAIL("no /dev/null character device");
	fx_server(&fx);
	/* every fixture process holds /dev/null as fd 0: give group 4 its number */
	snprintf(buf, sizeof(buf), "%u:%u\n", major(st.st_rdev), minor(st.st_rdev));
	fx_write(&fx, buf, "sys/class/vfio/4/dev");
	scan_fx(&fx, true, &t);
	ASSERT_EQ(group(&t, 4)->owner, DG_OWNER_USER);
	ASSERT_EQ(group(&t, 4)->owner_pid, 100);	/* the lowest pid */
	ASSERT_STREQ(group(&t, 4)->owner_comm, "bash");
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(owner_by_vfio_device_cdev)
{
	struct fixture fx;
	struct topology t;

	fx_server(&fx);
	fx_write(&fx, "511:0\n", "sys/devices/pci0000:00/0000:03:02.0/vfio-dev/vfio0/dev");
	fx_process(&fx, 777, "dpdk-app");
	fx_open_fd(&fx, 777, 3, "/dev/iommu");
	fx_open_fd(&fx, 777, 4, "/dev/vfio/devices/vfio0");
	scan_fx(&fx, true, &t);
	ASSERT_EQ(group(&t, 4)->owner, DG_OWNER_USER);
	ASSERT_EQ(group(&t, 4)->owner_pid, 777);
	ASSERT_STREQ(group(&t, 4)->owner_comm, "dpdk-app");
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(missing_map_falls_back_to_sysfs)
{
	struct fixture fx;
	struct topology t;
	char map[PATH_MAX + 16];
	struct topo_opts o;
	char err[256];

	fx_server(&fx);
	snprintf(map, sizeof(map), "%s/no-such-map", fx.dir);
	o = (struct topo_opts){ .sysfs = fx.sys, .procfs = fx.proc, .groups_map = map };
	ASSERT_EQ(topology_scan_opts(&o, &t, err, sizeof(err)), 0);
	ASSERT_EQ(group(&t, 5)->owner, DG_OWNER_USER);
	ASSERT_FALSE(group(&t, 5)->owner_from_map);
	ASSERT_EQ(group(&t, 1)->owner, DG_OWNER_KERNEL);
	topology_free(&t);
	fx_cleanup(&fx);
}

/*
 * The pinned groups map wins over sysfs where it has an entry, its owner
 * derived from the counters (dg_group_owner). Needs a BPF hash map pinned
 * in a BPF filesystem the test mounts: without the privilege it is a SKIP
 * (the VM scenario offline-status-map covers it in any case).
 */
TEST(pinned_map_owner_wins_over_sysfs)
{
	struct dg_group v = { .owner = DG_OWNER_USER, .user_claims = 1, .owner_pid = 31337 };
	char bpffs[] = "/tmp/dg-bpffs-XXXXXX", pin[128];
	struct topo_opts o;
	struct fixture fx;
	struct topology t;
	char err[256];
	__u32 key;
	int fd;

	/* a BPF filesystem of the test's own: the host's may not be mounted */
	if (!mkdtemp(bpffs))
		UNIT_FAIL("mkdtemp: %s", strerror(errno));
	if (mount("bpf", bpffs, "bpf", 0, NULL)) {
		int e = errno;

		rmdir(bpffs);
		UNIT_SKIP("cannot mount a BPF filesystem here: %s", strerror(e));
	}
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "dg_test_groups", sizeof(__u32),
			    sizeof(struct dg_group), 64, NULL);
	snprintf(pin, sizeof(pin), "%s/groups", bpffs);
	if (fd < 0 || bpf_obj_pin(fd, pin)) {
		int e = errno;

		umount(bpffs);
		rmdir(bpffs);
		UNIT_SKIP("cannot create or pin a BPF map here: %s", strerror(e));
	}
	strcpy(v.owner_comm, "from-the-map");
	key = 4;	/* sysfs: none (vfio-pci, nobody holds it) */
	bpf_map_update_elem(fd, &key, &v, BPF_ANY);
	memset(&v, 0, sizeof(v));
	key = 1;	/* sysfs: kernel; the map says none */
	bpf_map_update_elem(fd, &key, &v, BPF_ANY);
	v.owner = DG_OWNER_USER;	/* stale beside the counters: they decide */
	v.kernel_drivers = 1;
	key = 2;
	bpf_map_update_elem(fd, &key, &v, BPF_ANY);
	fx_server(&fx);
	o = (struct topo_opts){ .sysfs = fx.sys, .procfs = fx.proc, .groups_map = pin };
	if (topology_scan_opts(&o, &t, err, sizeof(err)))
		UNIT_FAIL("scan failed: %s", err);
	unlink(pin);
	close(fd);
	umount(bpffs);
	rmdir(bpffs);
	ASSERT_EQ(group(&t, 4)->owner, DG_OWNER_USER);
	ASSERT_EQ(group(&t, 4)->owner_pid, 31337);
	ASSERT_STREQ(group(&t, 4)->owner_comm, "from-the-map");
	ASSERT_TRUE(group(&t, 4)->owner_from_map);
	ASSERT_EQ(group(&t, 1)->owner, DG_OWNER_NONE);
	ASSERT_TRUE(group(&t, 1)->owner_from_map);
	ASSERT_FALSE(group(&t, 1)->viable);	/* viability is sysfs's either way */
	ASSERT_EQ(group(&t, 2)->owner, DG_OWNER_KERNEL);
	ASSERT_TRUE(group(&t, 2)->owner_from_map);
	/* no entry: derived, the procfs holder included */
	ASSERT_EQ(group(&t, 5)->owner, DG_OWNER_USER);
	ASSERT_EQ(group(&t, 5)->owner_pid, 4242);
	ASSERT_FALSE(group(&t, 5)->owner_from_map);
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(default_opts_live_only_for_real_sysfs)
{
	struct fixture fx;
	struct topo_opts o;

	fx_server(&fx);
	topology_default_opts(fx.sys, &o);
	ASSERT_STREQ(o.sysfs, fx.sys);
	ASSERT_TRUE(o.procfs == NULL);
	ASSERT_TRUE(o.groups_map == NULL);
	topology_default_opts(NULL, &o);
	ASSERT_STREQ(o.sysfs, "/sys");
	if (access("/sys", F_OK) == 0) {
		ASSERT_STREQ(o.procfs, "/proc");
		ASSERT_STREQ(o.groups_map, "/sys/fs/bpf/dmaguard/groups");
	}
	topology_default_opts("/sys/", &o);
	if (access("/sys", F_OK) == 0)
		ASSERT_STREQ(o.procfs, "/proc");
	fx_cleanup(&fx);
}

TEST(bind_subject_matches_the_device)
{
	struct dg_bind_subject s;
	struct fixture fx;
	struct topology t;

	fx_server(&fx);
	scan_fx(&fx, true, &t);
	topology_bind_subject(device(&t, "0000:03:02.1"), &s);
	ASSERT_STREQ(s.device, "0000:03:02.1");
	ASSERT_STREQ(s.driver, "vfio-pci");
	ASSERT_EQ(s.group, 5);
	ASSERT_EQ(s.is_pci, 1);
	ASSERT_EQ(s.dma, DG_DMA_USER);
	ASSERT_EQ(s.vendor, 0x8086);
	ASSERT_EQ(s.devid, 0x154c);
	ASSERT_EQ(s.class, 0x020000);
	topology_bind_subject(device(&t, "serial8250"), &s);
	ASSERT_EQ(s.is_pci, 0);
	ASSERT_EQ(s.group, DG_NO_GROUP);
	ASSERT_EQ(s.vendor, 0);
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(odd_tree_is_scanned_not_failed)
{
	const struct topo_device *d;
	const struct topo_group *g;
	struct fixture fx;
	struct topology t;

	fx_init(&fx);
	/* a bus link that dangles: listed, nothing known about it */
	fx_link(&fx, "../../../devices/pci0000:00/0000:09:00.0", "sys/bus/pci/devices/0000:09:00.0");
	/* no class file: not matchable as PCI */
	fx_pci(&fx, "0000:0a:00.0", 0x8086, 0x1234, 0x020000);
	fx_unlink(&fx, "sys/devices/pci0000:00/0000:0a:00.0/class");
	/* garbage vendor */
	fx_pci(&fx, "0000:0b:00.0", 0x8086, 0x1234, 0x020000);
	fx_attr(&fx, "pci", "0000:0b:00.0", "vendor", "0xzz\n");
	/* class is a directory: unreadable */
	fx_pci(&fx, "0000:0c:00.0", 0x8086, 0x1234, 0x020000);
	fx_unlink(&fx, "sys/devices/pci0000:00/0000:0c:00.0/class");
	fx_mkdir(&fx, "sys/devices/pci0000:00/0000:0c:00.0/class");
	/* vendor too large for 16 bits */
	fx_pci(&fx, "0000:0d:00.0", 0x8086, 0x1234, 0x020000);
	fx_attr(&fx, "pci", "0000:0d:00.0", "vendor", "0x18086\n");
	/* a driver link to a driver directory that is gone: still its name */
	fx_pci(&fx, "0000:0e:00.0", 0x8086, 0x1234, 0x020000);
	fx_link(&fx, "../../../bus/pci/drivers/gone", "sys/devices/pci0000:00/0000:0e:00.0/driver");
	fx_group(&fx, 3, "pci", "0000:0e:00.0");
	/* junk in iommu_groups, an empty group, a dangling member */
	fx_mkdir(&fx, "sys/kernel/iommu_groups/abc/devices");
	fx_mkdir(&fx, "sys/kernel/iommu_groups/-1/devices");
	fx_mkdir(&fx, "sys/kernel/iommu_groups/99999999999/devices");
	fx_mkdir(&fx, "sys/kernel/iommu_groups/10");
	fx_link(&fx, "../../../../devices/nowhere/ghost", "sys/kernel/iommu_groups/11/devices/ghost");
	scan_fx(&fx, true, &t);

	d = device(&t, "0000:09:00.0");
	ASSERT_FALSE(d->is_pci);
	ASSERT_STREQ(d->driver, "");
	ASSERT_EQ(d->group, DG_NO_GROUP);
	ASSERT_FALSE(device(&t, "0000:0a:00.0")->is_pci);
	ASSERT_FALSE(device(&t, "0000:0b:00.0")->is_pci);
	ASSERT_FALSE(device(&t, "0000:0c:00.0")->is_pci);
	ASSERT_FALSE(device(&t, "0000:0d:00.0")->is_pci);
	d = device(&t, "0000:0e:00.0");
	ASSERT_STREQ(d->driver, "gone");
	ASSERT_TRUE(d->is_pci);
	ASSERT_EQ(t.n_groups, 3);
	ASSERT_FALSE(group(&t, 3)->viable);
	g = group(&t, 10);
	ASSERT_EQ(g->n_members, 0);
	ASSERT_TRUE(g->viable);
	ASSERT_EQ(g->owner, DG_OWNER_NONE);
	g = group(&t, 11);
	ASSERT_EQ(g->n_members, 1);
	ASSERT_STREQ(member(&t, g, 0), "ghost");
	ASSERT_STREQ(t.devices[g->members[0]].bus, "");
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(group_directory_and_device_link_both_count)
{
	struct fixture fx;
	struct topology t;

	fx_init(&fx);
	/* only the device's own link names group 4 */
	fx_pci(&fx, "0000:01:00.0", 0x8086, 0x1234, 0x020000);
	fx_link(&fx, "../../../kernel/iommu_groups/4",
		"sys/devices/pci0000:00/0000:01:00.0/iommu_group");
	/* the group directory says 5, the link says 6: the directory wins */
	fx_pci(&fx, "0000:02:00.0", 0x8086, 0x1234, 0x020000);
	fx_group(&fx, 5, "pci", "0000:02:00.0");
	fx_link(&fx, "../../../kernel/iommu_groups/6",
		"sys/devices/pci0000:00/0000:02:00.0/iommu_group");
	/* a member with no subsystem link is found by name */
	fx_pci(&fx, "0000:03:00.0", 0x8086, 0x1234, 0x020000);
	fx_unlink(&fx, "sys/devices/pci0000:00/0000:03:00.0/subsystem");
	fx_group(&fx, 7, "pci", "0000:03:00.0");
	scan_fx(&fx, true, &t);
	ASSERT_EQ(t.n_devices, 3);
	ASSERT_EQ(t.n_groups, 3);
	ASSERT_EQ(device(&t, "0000:01:00.0")->group, 4);
	ASSERT_EQ(group(&t, 4)->n_members, 1);
	ASSERT_EQ(device(&t, "0000:02:00.0")->group, 5);
	ASSERT_EQ(device(&t, "0000:03:00.0")->group, 7);
	ASSERT_STREQ(device(&t, "0000:03:00.0")->bus, "pci");
	topology_free(&t);
	fx_cleanup(&fx);
}

/* A group member whose name two buses list is told apart by its subsystem link. */
TEST(member_named_on_two_buses)
{
	struct fixture fx;
	struct topology t;
	size_t i, found = 0;

	fx_init(&fx);
	fx_device(&fx, "platform", "dup");
	fx_device(&fx, "usb", "dup");
	fx_group(&fx, 3, "usb", "dup");
	/* the platform one's own link says 3 as well: the group names the usb one */
	fx_link(&fx, "../../../kernel/iommu_groups/3", "sys/devices/platform/dup/iommu_group");
	fx_unlink(&fx, "sys/devices/usb/dup/iommu_group");
	scan_fx(&fx, false, &t);
	ASSERT_EQ(t.n_devices, 2);
	for (i = 0; i < t.n_devices; i++) {
		if (strcmp(t.devices[i].bus, "usb"))
			continue;
		ASSERT_EQ(t.devices[i].group, 3);
		found++;
	}
	ASSERT_EQ(found, 1);
	ASSERT_EQ(group(&t, 3)->n_members, 2);
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(long_names_are_cut_and_marked)
{
	char name[101], drv[41];
	const struct topo_device *d;
	struct fixture fx;
	struct topology t;

	memset(name, 'n', 100);
	name[100] = '\0';
	memset(drv, 'd', 40);
	drv[40] = '\0';
	fx_init(&fx);
	fx_device(&fx, "platform", name);
	fx_bind(&fx, "platform", name, drv);
	fx_group(&fx, 1, "platform", name);
	scan_fx(&fx, true, &t);
	ASSERT_EQ(t.n_devices, 1);	/* the group scan found the same device */
	d = &t.devices[0];
	ASSERT_EQ(strlen(d->name), DG_DEVICE_LEN - 1);
	ASSERT_TRUE(d->name_truncated);
	ASSERT_TRUE(!strncmp(d->name, name, DG_DEVICE_LEN - 1));
	ASSERT_EQ(strlen(d->driver), DG_DRIVER_LEN - 1);
	ASSERT_TRUE(d->driver_truncated);
	ASSERT_EQ(d->group, 1);
	ASSERT_FALSE(group(&t, 1)->viable);
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(many_devices_no_fixed_limits)
{
	struct fixture fx;
	struct topology t;
	size_t i, total = 0;
	char name[32];

	fx_init(&fx);
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "dev%zu", i);
		fx_device(&fx, "platform", name);
		if (i % 3)
			fx_group(&fx, (int)(i / 3), "platform", name);
		if (i % 2)
			fx_bind(&fx, "platform", name, "drv");
	}
	scan_fx(&fx, true, &t);
	ASSERT_EQ(t.n_devices, 3000);
	ASSERT_EQ(t.n_groups, 1000);
	for (i = 0; i < t.n_groups; i++) {
		ASSERT_EQ(t.groups[i].id, i);
		ASSERT_EQ(t.groups[i].n_members, 2);
		total += t.groups[i].n_members;
	}
	ASSERT_EQ(total, 2000);
	ASSERT_EQ(t.devices[2999].group, DG_NO_GROUP);
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(not_a_sysfs_tree_is_an_error)
{
	struct topo_opts o = { .sysfs = "/nonexistent/dmaguard-sys" };
	struct fixture fx;
	struct topology t;
	char err[512], path[PATH_MAX];

	ASSERT_EQ(topology_scan_opts(&o, &t, err, sizeof(err)), -1);
	ASSERT_CONTAINS(err, "/nonexistent/dmaguard-sys");
	ASSERT_CONTAINS(err, "No such file");
	fx_init(&fx);
	fx_mkdir(&fx, "empty");
	snprintf(path, sizeof(path), "%s/empty", fx.dir);
	o.sysfs = path;
	ASSERT_EQ(topology_scan_opts(&o, &t, err, sizeof(err)), -1);
	ASSERT_CONTAINS(err, "/empty/bus: No such file");
	fx_cleanup(&fx);
}

TEST(no_iommu_groups_directory)
{
	struct fixture fx;
	struct topology t;
	char path[PATH_MAX + 32];

	fx_init(&fx);
	snprintf(path, sizeof(path), "%s/kernel/iommu_groups", fx.sys);
	ASSERT_EQ(rmdir(path), 0);
	fx_pci(&fx, "0000:01:00.0", 0x8086, 0x1234, 0x020000);
	scan_fx(&fx, true, &t);
	ASSERT_EQ(t.n_groups, 0);
	ASSERT_EQ(t.n_devices, 1);
	topology_free(&t);
	fx_cleanup(&fx);
}

/* --- the uevent reader against the attribute files, on host-shaped trees --- */

/* In memory where there is a tmpfs: sysfs is, and a busy disk makes 60k files slow. */
static void host_fx(struct fixture *fx, enum host_shape shape)
{
	if (!getenv("TMPDIR") && !access("/dev/shm", W_OK))
		setenv("TMPDIR", "/dev/shm", 0);
	fx_init(fx);
	if (host_shape_build(fx->sys, shape))
		UNIT_FAIL("host_shape_build: %s", strerror(errno));
}

static void same_device(const struct topo_device *a, const struct topo_device *b)
{
	ASSERT_STREQ(a->name, b->name);
	ASSERT_STREQ(a->bus, b->bus);
	ASSERT_EQ(a->is_pci, b->is_pci);
	ASSERT_EQ(a->vendor, b->vendor);
	ASSERT_EQ(a->devid, b->devid);
	ASSERT_EQ(a->subvendor, b->subvendor);
	ASSERT_EQ(a->subdevice, b->subdevice);
	ASSERT_EQ(a->class, b->class);
	ASSERT_STREQ(a->driver, b->driver);
	ASSERT_EQ(a->dma, b->dma);
	ASSERT_EQ(a->group, b->group);
	ASSERT_EQ(a->name_truncated, b->name_truncated);
	ASSERT_EQ(a->driver_truncated, b->driver_truncated);
}

static void read_both(int dfd, const char *bus, const char *name,
		      struct topo_device *fast, struct topo_device *ref)
{
	memset(fast, 0, sizeof(*fast));
	fast->group = DG_NO_GROUP;
	snprintf(fast->name, sizeof(fast->name), "%s", name);
	snprintf(fast->bus, sizeof(fast->bus), "%s", bus);
	*ref = *fast;
	topology_read_device(dfd, name, fast);
	topology_read_device_files(dfd, name, ref);
}

/* Every device of ROOT/bus/BUS/devices read both ways; the count of PCI ones. */
static size_t compare_bus(const char *root, const char *bus)
{
	struct topo_device fast, ref;
	char path[PATH_MAX];
	struct dirent *e;
	size_t n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/bus/%s/devices", root, bus);
	dir = opendir(path);
	ASSERT_TRUE(dir != NULL);
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		read_both(dirfd(dir), bus, e->d_name, &fast, &ref);
		same_device(&fast, &ref);
		n += fast.is_pci;
	}
	closedir(dir);
	return n;
}

static void reader_matches_files(enum host_shape shape, size_t n_pci)
{
	static const char *const buses[] = { "pci", "usb", "cpu", "memory", "platform" };
	struct fixture fx;
	size_t i, pci = 0;

	host_fx(&fx, shape);
	for (i = 0; i < sizeof(buses) / sizeof(buses[0]); i++)
		pci += compare_bus(fx.sys, buses[i]);
	ASSERT_EQ(pci, n_pci);
	fx_cleanup(&fx);
}

TEST(uevent_reader_matches_files_small)
{
	reader_matches_files(HOST_SHAPE_SMALL, 16);
}

TEST(uevent_reader_matches_files_server)
{
	reader_matches_files(HOST_SHAPE_SERVER, 2089);
}

/* PCI_ID, PCI_CLASS, PCI_SUBSYS_ID and DRIVER come from uevent, not the files. */
TEST(uevent_is_what_is_read)
{
	const char *dev = "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0";
	struct topo_device fast, ref;
	struct fixture fx;
	char path[PATH_MAX];
	int dfd;

	host_fx(&fx, HOST_SHAPE_SMALL);
	fx_write(&fx, "DRIVER=vfio-pci\nPCI_CLASS=30000\nPCI_ID=1AF4:1041\n"
		 "PCI_SUBSYS_ID=1AF4:1100\nPCI_SLOT_NAME=0000:01:00.0\n", "%s/uevent", dev);
	snprintf(path, sizeof(path), "%s/bus/pci/devices", fx.sys);
	dfd = open(path, O_RDONLY | O_DIRECTORY);
	ASSERT_TRUE(dfd >= 0);
	read_both(dfd, "pci", "0000:01:00.0", &fast, &ref);
	ASSERT_EQ(fast.vendor, 0x1af4);
	ASSERT_EQ(fast.devid, 0x1041);
	ASSERT_EQ(fast.subvendor, 0x1af4);
	ASSERT_EQ(fast.subdevice, 0x1100);
	ASSERT_EQ(fast.class, 0x030000);
	ASSERT_STREQ(fast.driver, "vfio-pci");
	ASSERT_EQ(fast.dma, DG_DMA_USER);
	ASSERT_EQ(fast.group, ref.group);
	ASSERT_EQ(ref.vendor, 0x8086);
	ASSERT_STREQ(ref.driver, "ice");
	/* unbound: no DRIVER line, although the (stale) link is still there */
	fx_write(&fx, "PCI_CLASS=20000\nPCI_ID=8086:1592\nPCI_SUBSYS_ID=8086:0002\n",
		 "%s/uevent", dev);
	read_both(dfd, "pci", "0000:01:00.0", &fast, &ref);
	ASSERT_STREQ(fast.driver, "");
	close(dfd);
	fx_cleanup(&fx);
}

/* A uevent that lacks or garbles what is needed falls back to the files. */
TEST(odd_uevent_falls_back_to_files)
{
	static const char *const odd[] = {
		"",					/* empty */
		"PCI_ID=8086:1592\n",			/* no class */
		"PCI_CLASS=20000\n",			/* no id */
		"PCI_CLASS=20000\nPCI_ID=18086:1592\n",	/* vendor too large */
		"PCI_CLASS=1000000\nPCI_ID=8086:1592\n",	/* class too large */
		"PCI_CLASS=zz\nPCI_ID=8086:1592\n",
		"PCI_CLASS=20000\nPCI_ID=8086-1592\n",
	};
	const char *dev = "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0";
	struct topo_device fast, ref;
	char path[PATH_MAX], big[2048];
	struct fixture fx;
	size_t i;
	int dfd;

	host_fx(&fx, HOST_SHAPE_SMALL);
	snprintf(path, sizeof(path), "%s/bus/pci/devices", fx.sys);
	dfd = open(path, O_RDONLY | O_DIRECTORY);
	ASSERT_TRUE(dfd >= 0);
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		fx_write(&fx, odd[i], "%s/uevent", dev);
		read_both(dfd, "pci", "0000:01:00.0", &fast, &ref);
		same_device(&fast, &ref);
		ASSERT_STREQ(fast.driver, "ice");
	}
	/* larger than any uevent: not read at all */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "PCI_CLASS=0\nPCI_ID=1:1\n", 23);
	fx_write(&fx, big, "%s/uevent", dev);
	read_both(dfd, "pci", "0000:01:00.0", &fast, &ref);
	same_device(&fast, &ref);
	/* an empty DRIVER= names no driver: the link does */
	fx_write(&fx, "DRIVER=\nPCI_CLASS=20000\nPCI_ID=8086:1592\n", "%s/uevent", dev);
	read_both(dfd, "pci", "0000:01:00.0", &fast, &ref);
	same_device(&fast, &ref);
	/* no PCI_SUBSYS_ID: the subsystem files */
	fx_write(&fx, "PCI_CLASS=20000\nPCI_ID=8086:1592\n", "%s/uevent", dev);
	fx_unlink(&fx, "%s/driver", dev);
	read_both(dfd, "pci", "0000:01:00.0", &fast, &ref);
	same_device(&fast, &ref);
	ASSERT_EQ(fast.subvendor, 0x8086);
	ASSERT_EQ(fast.subdevice, 0x0002);
	close(dfd);
	fx_cleanup(&fx);
}

static void unlink_uevents(const char *root)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/bus/pci/devices", root);
	dir = opendir(path);
	ASSERT_TRUE(dir != NULL);
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/uevent", e->d_name);
		if (unlinkat(dirfd(dir), path, 0))
			UNIT_FAIL("unlink %s: %s", path, strerror(errno));
	}
	closedir(dir);
}

static void same_topology(const struct topology *a, const struct topology *b)
{
	size_t i, j;

	ASSERT_EQ(a->n_devices, b->n_devices);
	ASSERT_EQ(a->n_groups, b->n_groups);
	for (i = 0; i < a->n_devices; i++)
		same_device(&a->devices[i], &b->devices[i]);
	for (i = 0; i < a->n_groups; i++) {
		const struct topo_group *x = &a->groups[i], *y = &b->groups[i];

		ASSERT_EQ(x->id, y->id);
		ASSERT_EQ(x->n_members, y->n_members);
		for (j = 0; j < x->n_members; j++)
			ASSERT_EQ(x->members[j], y->members[j]);
		ASSERT_EQ(x->owner, y->owner);
		ASSERT_EQ(x->viable, y->viable);
		ASSERT_EQ(x->blocker, y->blocker);
	}
}

/* The whole scan, with and without uevents: the same topology. */
TEST(server_shape_scan_same_without_uevents)
{
	struct topology fast, ref;
	const struct topo_device *d;
	struct fixture fx;

	host_fx(&fx, HOST_SHAPE_SERVER);
	scan_fx(&fx, false, &fast);
	ASSERT_EQ(fast.n_devices, host_shape_devices(HOST_SHAPE_SERVER));
	ASSERT_EQ(fast.n_devices, 2644);
	/* every PCI function its own group but GPU+audio and ISA+SMBus */
	ASSERT_EQ(fast.n_groups, 2087);
	d = device(&fast, "0000:01:02.0");	/* VF 0 of the first PF */
	ASSERT_EQ(d->vendor, 0x8086);
	ASSERT_EQ(d->devid, 0x1889);
	ASSERT_STREQ(d->driver, "vfio-pci");
	ASSERT_EQ(group(&fast, d->group)->n_members, 1);
	ASSERT_STREQ(device(&fast, "1-1:1.0")->driver, "usb-storage");
	ASSERT_EQ(device(&fast, "1-1:1.0")->group, DG_NO_GROUP);
	unlink_uevents(fx.sys);
	scan_fx(&fx, false, &ref);
	same_topology(&fast, &ref);
	topology_free(&fast);
	topology_free(&ref);
	fx_cleanup(&fx);
}

UNIT_MAIN()
