/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build sysfs-like trees in a temporary directory: real directories,
 * attribute files and relative symlinks laid out as the kernel does, so the
 * topology scan reads them exactly as it reads /sys. Also a fake procfs
 * (comm files and fd links) for owner derivation.
 *
 *   FX/sys/devices/<parent>/<name>/{vendor,device,class,...}
 *   FX/sys/devices/<parent>/<name>/subsystem -> ../../../bus/<bus>
 *   FX/sys/bus/<bus>/devices/<name>     -> ../../../devices/<parent>/<name>
 *   FX/sys/devices/<parent>/<name>/driver -> ../../../bus/<bus>/drivers/<drv>
 *   FX/sys/kernel/iommu_groups/<N>/devices/<name> -> ../../../../devices/<parent>/<name>
 *   FX/sys/devices/<parent>/<name>/iommu_group -> ../../../kernel/iommu_groups/<N>
 *   FX/proc/<pid>/comm, FX/proc/<pid>/fd/<n> -> /dev/vfio/<N>
 *
 * Header-only (static functions): the Makefile compiles each test_*.c alone.
 * Any setup failure ends the test with a message.
 */
#ifndef DMAGUARD_SYSFS_FIXTURE_H
#define DMAGUARD_SYSFS_FIXTURE_H

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"

struct fixture {
	char dir[256];		/* the temporary directory */
	char sys[272];		/* dir/sys */
	char proc[272];		/* dir/proc */
};

/* every test file uses a different subset */
#define FX_FN static __attribute__((unused))

FX_FN void fx_path(const struct fixture *fx, char *out, const char *fmt, va_list ap)
{
	char rel[PATH_MAX - 512];

	vsnprintf(rel, sizeof(rel), fmt, ap);
	snprintf(out, PATH_MAX, "%s/%s", fx->dir, rel);
}

/* mkdir -p of an absolute path */
FX_FN void fx_mkdirs_abs(const char *path)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			UNIT_FAIL("mkdir %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		UNIT_FAIL("mkdir %s: %s", buf, strerror(errno));
}

FX_FN void fx_parent_dirs(const char *path)
{
	char buf[PATH_MAX], *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	slash = strrchr(buf, '/');
	if (slash && slash != buf) {
		*slash = '\0';
		fx_mkdirs_abs(buf);
	}
}

/* mkdir -p FX/<fmt> */
__attribute__((format(printf, 2, 3)))
FX_FN void fx_mkdir(const struct fixture *fx, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	fx_path(fx, path, fmt, ap);
	va_end(ap);
	fx_mkdirs_abs(path);
}

/* Write content to FX/<fmt> (parents created). */
__attribute__((format(printf, 3, 4)))
FX_FN void fx_write(const struct fixture *fx, const char *content, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	fx_path(fx, path, fmt, ap);
	va_end(ap);
	fx_parent_dirs(path);
	f = fopen(path, "w");
	if (!f || fputs(content, f) < 0 || fclose(f))
		UNIT_FAIL("write %s: %s", path, strerror(errno));
}

/* Symlink FX/<fmt> -> target (replacing an existing link). */
__attribute__((format(printf, 3, 4)))
FX_FN void fx_link(const struct fixture *fx, const char *target, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	fx_path(fx, path, fmt, ap);
	va_end(ap);
	fx_parent_dirs(path);
	unlink(path);
	if (symlink(target, path))
		UNIT_FAIL("symlink %s: %s", path, strerror(errno));
}

__attribute__((format(printf, 2, 3)))
FX_FN void fx_unlink(const struct fixture *fx, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	fx_path(fx, path, fmt, ap);
	va_end(ap);
	if (unlink(path))
		UNIT_FAIL("unlink %s: %s", path, strerror(errno));
}

FX_FN void fx_cleanup(struct fixture *fx);

/* A failing assertion exit()s: remove the tree then too. */
static struct fixture *fx_current;

FX_FN void fx_atexit(void)
{
	if (fx_current)
		fx_cleanup(fx_current);
}

FX_FN void fx_init(struct fixture *fx)
{
	const char *tmp = getenv("TMPDIR");

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "%.200s/dmaguard-fx-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir))
		UNIT_FAIL("mkdtemp: %s", strerror(errno));
	snprintf(fx->sys, sizeof(fx->sys), "%s/sys", fx->dir);
	snprintf(fx->proc, sizeof(fx->proc), "%s/proc", fx->dir);
	fx_mkdir(fx, "sys/bus");
	fx_mkdir(fx, "sys/devices");
	fx_mkdir(fx, "sys/kernel/iommu_groups");
	fx_mkdir(fx, "proc");
	if (!fx_current)
		atexit(fx_atexit);
	fx_current = fx;
}

FX_FN int fx_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	chmod(path, 0755);	/* tests may make directories unreadable */
	return remove(path);
}

FX_FN void fx_cleanup(struct fixture *fx)
{
	if (fx->dir[0])
		nftw(fx->dir, fx_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	fx->dir[0] = '\0';
	if (fx_current == fx)
		fx_current = NULL;
}

/* The directory under devices/ that holds a bus's devices. */
static const char *fx_bus_parent(const char *bus)
{
	return !strcmp(bus, "pci") ? "pci0000:00" : bus;
}

/* A device on a bus, with no attributes yet. */
FX_FN void fx_device(const struct fixture *fx, const char *bus, const char *name)
{
	const char *parent = fx_bus_parent(bus);
	char target[PATH_MAX];

	fx_mkdir(fx, "sys/devices/%s/%s", parent, name);
	fx_mkdir(fx, "sys/bus/%s/drivers", bus);
	snprintf(target, sizeof(target), "../../../bus/%s", bus);
	fx_link(fx, target, "sys/devices/%s/%s/subsystem", parent, name);
	snprintf(target, sizeof(target), "../../../devices/%s/%s", parent, name);
	fx_link(fx, target, "sys/bus/%s/devices/%s", bus, name);
}

/* Write an attribute file of a device. */
FX_FN void fx_attr(const struct fixture *fx, const char *bus, const char *name,
		    const char *attr, const char *value)
{
	fx_write(fx, value, "sys/devices/%s/%s/%s", fx_bus_parent(bus), name, attr);
}

/* A PCI function with its ID files, as the kernel formats them. */
FX_FN void fx_pci(const struct fixture *fx, const char *name, unsigned int vendor,
		   unsigned int device, unsigned int class)
{
	char buf[32];

	fx_device(fx, "pci", name);
	snprintf(buf, sizeof(buf), "0x%04x\n", vendor);
	fx_attr(fx, "pci", name, "vendor", buf);
	fx_attr(fx, "pci", name, "subsystem_vendor", buf);
	snprintf(buf, sizeof(buf), "0x%04x\n", device);
	fx_attr(fx, "pci", name, "device", buf);
	snprintf(buf, sizeof(buf), "0x%04x\n", device ^ 0x1000);
	fx_attr(fx, "pci", name, "subsystem_device", buf);
	snprintf(buf, sizeof(buf), "0x%06x\n", class);
	fx_attr(fx, "pci", name, "class", buf);
}

/* Bind: the driver directory, its link to the device, the device's driver link. */
FX_FN void fx_bind(const struct fixture *fx, const char *bus, const char *name,
		    const char *driver)
{
	const char *parent = fx_bus_parent(bus);
	char target[PATH_MAX];

	fx_mkdir(fx, "sys/bus/%s/drivers/%s", bus, driver);
	snprintf(target, sizeof(target), "../../../../devices/%s/%s", parent, name);
	fx_link(fx, target, "sys/bus/%s/drivers/%s/%s", bus, driver, name);
	snprintf(target, sizeof(target), "../../../bus/%s/drivers/%s", bus, driver);
	fx_link(fx, target, "sys/devices/%s/%s/driver", parent, name);
}

FX_FN void fx_unbind(const struct fixture *fx, const char *bus, const char *name,
		      const char *driver)
{
	fx_unlink(fx, "sys/bus/%s/drivers/%s/%s", bus, driver, name);
	fx_unlink(fx, "sys/devices/%s/%s/driver", fx_bus_parent(bus), name);
}

/* Put a device into IOMMU group id (both directions, as the kernel links it). */
FX_FN void fx_group(const struct fixture *fx, int id, const char *bus, const char *name)
{
	const char *parent = fx_bus_parent(bus);
	char target[PATH_MAX];

	snprintf(target, sizeof(target), "../../../../devices/%s/%s", parent, name);
	fx_link(fx, target, "sys/kernel/iommu_groups/%d/devices/%s", id, name);
	snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d", id);
	fx_link(fx, target, "sys/devices/%s/%s/iommu_group", parent, name);
}

/* A process: FX/proc/<pid>/comm and fd links. */
FX_FN void fx_process(const struct fixture *fx, int pid, const char *comm)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s\n", comm);
	fx_write(fx, buf, "proc/%d/comm", pid);
	fx_mkdir(fx, "proc/%d/fd", pid);
	fx_link(fx, "/dev/null", "proc/%d/fd/0", pid);
}

FX_FN void fx_open_fd(const struct fixture *fx, int pid, int fd, const char *target)
{
	fx_link(fx, target, "proc/%d/fd/%d", pid, fd);
}

/*
 * The server-like layout of the tests:
 *   group 1: GPU 0000:01:00.0 (nvidia) + its HDMI audio 0000:01:00.1 (snd_hda_intel)
 *   group 2: NVMe 0000:02:00.0 (nvme)
 *   group 3: NIC PF 0000:03:00.0 (i40e)
 *   group 4: VF 0000:03:02.0 (vfio-pci), nobody holds /dev/vfio/4
 *   group 5: VF 0000:03:02.1 (vfio-pci), held by pid 4242 qemu-system-x86
 *   group 6: PCIe-to-PCI bridge 0000:05:00.0 (no driver) with two e1000
 *            behind it, 0000:06:01.0 and 0000:06:02.0
 *   group 7: 0000:07:00.0, no driver
 *   group 8: PCIe root port 0000:00:1c.0 (pcieport: takes no group)
 *   no group: platform serial8250 (serial8250), platform pcspkr (no driver)
 */
FX_FN void fx_server(struct fixture *fx)
{
	fx_init(fx);
	fx_pci(fx, "0000:01:00.0", 0x10de, 0x1eb8, 0x030000);
	fx_bind(fx, "pci", "0000:01:00.0", "nvidia");
	fx_group(fx, 1, "pci", "0000:01:00.0");
	fx_pci(fx, "0000:01:00.1", 0x10de, 0x10f8, 0x040300);
	fx_bind(fx, "pci", "0000:01:00.1", "snd_hda_intel");
	fx_group(fx, 1, "pci", "0000:01:00.1");
	fx_pci(fx, "0000:02:00.0", 0x144d, 0xa808, 0x010802);
	fx_bind(fx, "pci", "0000:02:00.0", "nvme");
	fx_group(fx, 2, "pci", "0000:02:00.0");
	fx_pci(fx, "0000:03:00.0", 0x8086, 0x1572, 0x020000);
	fx_bind(fx, "pci", "0000:03:00.0", "i40e");
	fx_group(fx, 3, "pci", "0000:03:00.0");
	fx_pci(fx, "0000:03:02.0", 0x8086, 0x154c, 0x020000);
	fx_bind(fx, "pci", "0000:03:02.0", "vfio-pci");
	fx_group(fx, 4, "pci", "0000:03:02.0");
	fx_pci(fx, "0000:03:02.1", 0x8086, 0x154c, 0x020000);
	fx_bind(fx, "pci", "0000:03:02.1", "vfio-pci");
	fx_group(fx, 5, "pci", "0000:03:02.1");
	fx_pci(fx, "0000:05:00.0", 0x1b36, 0x000e, 0x060400);
	fx_group(fx, 6, "pci", "0000:05:00.0");
	fx_pci(fx, "0000:06:01.0", 0x8086, 0x100e, 0x020000);
	fx_bind(fx, "pci", "0000:06:01.0", "e1000");
	fx_group(fx, 6, "pci", "0000:06:01.0");
	fx_pci(fx, "0000:06:02.0", 0x8086, 0x100e, 0x020000);
	fx_bind(fx, "pci", "0000:06:02.0", "e1000");
	fx_group(fx, 6, "pci", "0000:06:02.0");
	fx_pci(fx, "0000:07:00.0", 0x1234, 0x1111, 0x030000);
	fx_group(fx, 7, "pci", "0000:07:00.0");
	fx_pci(fx, "0000:00:1c.0", 0x8086, 0xa110, 0x060400);
	fx_bind(fx, "pci", "0000:00:1c.0", "pcieport");
	fx_group(fx, 8, "pci", "0000:00:1c.0");
	fx_device(fx, "platform", "serial8250");
	fx_bind(fx, "platform", "serial8250", "serial8250");
	fx_device(fx, "platform", "pcspkr");
	fx_write(fx, "244:4\n", "sys/class/vfio/4/dev");
	fx_write(fx, "244:5\n", "sys/class/vfio/5/dev");
	fx_process(fx, 4242, "qemu-system-x86");
	fx_open_fd(fx, 4242, 17, "/dev/vfio/5");
	fx_open_fd(fx, 4242, 18, "/dev/vfio/vfio");
	fx_process(fx, 100, "bash");
}

#endif
