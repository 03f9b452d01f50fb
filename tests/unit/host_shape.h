/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic sysfs trees of real host shapes, for scale tests and the scan
 * benchmark (tests/bench/mkhost.c writes one to a directory).
 *
 *   int host_shape_build(const char *root, enum host_shape shape);
 *   int host_shape_parse(const char *name, enum host_shape *shape);
 *   size_t host_shape_devices(enum host_shape shape);
 *
 * host_shape_build() fills ROOT (an existing or new directory: ROOT is the
 * sysfs root, e.g. a fixture's FX/sys) and returns 0, or -1 with errno set
 * and nothing cleaned up. The layout is the kernel's, as in sysfs_fixture.h
 * but nested as on hardware (endpoints below their root port, VFs beside
 * their PF, USB devices below their controller):
 *
 *   ROOT/devices/pci0000:00/<port>/<fn>/{uevent,vendor,device,class,
 *       subsystem_vendor,subsystem_device,revision,config,resource,irq,
 *       modalias,enable,numa_node}, with links subsystem, driver,
 *       iommu_group, physfn (VFs) and virtfnN (PFs)
 *   ROOT/bus/<bus>/devices/<name>, ROOT/bus/<bus>/drivers/<drv>/<name>
 *   ROOT/kernel/iommu_groups/<N>/devices/<name>
 *
 * uevent carries DRIVER (when bound), PCI_CLASS, PCI_ID, PCI_SUBSYS_ID,
 * PCI_SLOT_NAME and MODALIAS, formatted as drivers/pci/pci-driver.c does.
 *
 * Shapes (device counts over every bus, as the scan counts them):
 *   HOST_SHAPE_SMALL    a NIC with 4 VFs, NVMe, GPU+audio, one xHCI: 38
 *   HOST_SHAPE_SERVER   8 NICs x 256 VFs with their PFs, 8 NVMe, GPU+audio,
 *                       2 xHCI with USB devices, root ports, chipset,
 *                       128 CPUs, memory blocks, platform devices: 2,644
 *   HOST_SHAPE_EXTREME  16 four-port NICs x 256 VFs a port, 24 NVMe,
 *                       8 GPUs+audio, 4 xHCI, 256 CPUs, ...: 16,964
 * Drivers: PFs ice; of each PF's VFs the first half vfio-pci, the third
 * quarter iavf, the last quarter unbound. Every PCI function has its own
 * IOMMU group except a GPU with its audio function and the chipset's ISA
 * bridge with its SMBus controller. USB, CPU, memory and platform devices
 * have none.
 *
 * Header-only (static functions); needs nothing but libc.
 */
#ifndef DMAGUARD_HOST_SHAPE_H
#define DMAGUARD_HOST_SHAPE_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum host_shape {
	HOST_SHAPE_SMALL,
	HOST_SHAPE_SERVER,
	HOST_SHAPE_EXTREME,
};

#define HS_FN static __attribute__((unused))

struct hs_spec {
	int nic_cards, ports_per_card, vfs_per_port;
	int nvme, gpus, xhci, usb_devs_per_xhci;
	int cpus, memory_blocks;
};

/* memory_blocks pads each shape to its round count (see the top comment) */
static const struct hs_spec hs_specs[] = {
	[HOST_SHAPE_SMALL]   = { 1, 1, 4, 1, 1, 1, 1, 2, 2 },
	[HOST_SHAPE_SERVER]  = { 8, 1, 256, 8, 1, 2, 4, 128, 391 },
	[HOST_SHAPE_EXTREME] = { 16, 4, 256, 24, 8, 4, 8, 256, 72 },
};

static const char *const hs_names[] = {
	[HOST_SHAPE_SMALL] = "small",
	[HOST_SHAPE_SERVER] = "server",
	[HOST_SHAPE_EXTREME] = "extreme",
};

/* platform devices and their drivers ("" unbound) */
static const char *const hs_platform[][2] = {
	{ "serial8250", "serial8250" }, { "i8042", "i8042" }, { "pcspkr", "" },
	{ "efi-framebuffer.0", "efi-framebuffer" }, { "intel_pmc_core.0", "intel_pmc_core" },
	{ "PNP0103:00", "" }, { "PNP0C0C:00", "" }, { "reg-dummy", "" },
	{ "microcode", "" }, { "rtc_cmos", "rtc_cmos" }, { "alarmtimer.0.auto", "alarmtimer" },
	{ "eisa.0", "" },
};
#define HS_N_PLATFORM (sizeof(hs_platform) / sizeof(hs_platform[0]))

struct hs {
	char root[PATH_MAX / 2];
	int next_group;
	int next_bus;
	int next_port;
};

/* ROOT/<fmt> into out (PATH_MAX bytes); -1 with ENAMETOOLONG if it does not fit */
HS_FN int hs_vpath(const struct hs *h, char *out, const char *fmt, va_list ap)
{
	char rel[PATH_MAX / 2];
	int n;

	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	if (n < 0 || (size_t)n >= sizeof(rel) ||
	    (size_t)snprintf(out, PATH_MAX, "%s/%s", h->root, rel) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

HS_FN int hs_mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

HS_FN int hs_write(const char *path, const void *data, size_t len)
{
	int fd, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	rc = write(fd, data, len) == (ssize_t)len ? 0 : -1;
	if (close(fd))
		rc = -1;
	return rc;
}

enum hs_op { HS_MKDIRS, HS_MKDIR, HS_WRITE, HS_SYMLINK };

/* One operation on ROOT/<fmt>: data is the content (HS_WRITE) or target (HS_SYMLINK). */
__attribute__((format(printf, 5, 6)))
HS_FN int hs_at(const struct hs *h, enum hs_op op, const void *data, size_t len,
		const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = hs_vpath(h, path, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	switch (op) {
	case HS_MKDIRS:
		return hs_mkdirs(path);
	case HS_MKDIR:
		return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
	case HS_WRITE:
		return hs_write(path, data, len);
	case HS_SYMLINK:
		return symlink(data, path) && errno != EEXIST ? -1 : 0;
	}
	errno = EINVAL;
	return -1;
}

/* mkdir -p ROOT/<fmt>; mkdir ROOT/<fmt> (its parent exists: cheaper per device) */
#define hs_dir(h, ...)			hs_at(h, HS_MKDIRS, NULL, 0, __VA_ARGS__)
#define hs_dir1(h, ...)			hs_at(h, HS_MKDIR, NULL, 0, __VA_ARGS__)
/* ROOT/<fmt> with len bytes of data; symlink ROOT/<fmt> -> target (directory exists) */
#define hs_file(h, data, len, ...)	hs_at(h, HS_WRITE, data, len, __VA_ARGS__)
#define hs_link(h, target, ...)		hs_at(h, HS_SYMLINK, target, 0, __VA_ARGS__)

HS_FN int hs_text(const struct hs *h, const char *text, const char *dir, const char *name)
{
	return hs_file(h, text, strlen(text), "%s/%s", dir, name);
}

/* "../" once per component of rel: from ROOT/rel/x back to ROOT */
HS_FN void hs_up(char *out, size_t size, const char *rel)
{
	size_t n = 0;

	out[0] = '\0';
	for (; *rel; rel++)
		if (*rel == '/')
			n++;
	for (n++; n && strlen(out) + 3 < size; n--)
		strcat(out, "../");
}

/*
 * A device at ROOT/devices/<parent>/<name> on bus: its directory, the bus
 * links both ways, the driver links both ways (driver NULL or "": unbound)
 * and, group >= 0, the IOMMU group links both ways; uevent from body (the
 * bus's lines) with DRIVER= first, as the driver core writes it.
 */
HS_FN int hs_device(const struct hs *h, const char *bus, const char *parent,
		    const char *name, const char *driver, int group, const char *body)
{
	char dev[PATH_MAX / 4], up[256], target[PATH_MAX / 2], uevent[1024];

	snprintf(dev, sizeof(dev), "devices/%s/%s", parent, name);
	hs_up(up, sizeof(up), dev);
	if (hs_dir1(h, "%s", dev))
		return -1;
	snprintf(target, sizeof(target), "%sbus/%s", up, bus);
	if (hs_link(h, target, "%s/subsystem", dev))
		return -1;
	snprintf(target, sizeof(target), "../../../%s", dev);
	if (hs_link(h, target, "bus/%s/devices/%s", bus, name))
		return -1;
	if (driver && *driver) {
		snprintf(target, sizeof(target), "%sbus/%s/drivers/%s", up, bus, driver);
		if (hs_dir1(h, "bus/%s/drivers/%s", bus, driver) ||
		    hs_link(h, target, "%s/driver", dev))
			return -1;
		snprintf(target, sizeof(target), "../../../../%s", dev);
		if (hs_link(h, target, "bus/%s/drivers/%s/%s", bus, driver, name))
			return -1;
	}
	if (group >= 0) {
		snprintf(target, sizeof(target), "%skernel/iommu_groups/%d", up, group);
		if (hs_dir1(h, "kernel/iommu_groups/%d", group) ||
		    hs_dir1(h, "kernel/iommu_groups/%d/devices", group) ||
		    hs_link(h, target, "%s/iommu_group", dev))
			return -1;
		snprintf(target, sizeof(target), "../../../../%s", dev);
		if (hs_link(h, target, "kernel/iommu_groups/%d/devices/%s", group, name))
			return -1;
	}
	snprintf(uevent, sizeof(uevent), "%s%s%s%s", driver && *driver ? "DRIVER=" : "",
		 driver && *driver ? driver : "", driver && *driver ? "\n" : "", body);
	return hs_text(h, uevent, dev, "uevent");
}

struct hs_pci {
	const char *parent;		/* directory under devices/ */
	char name[32];			/* 0000:BB:DD.F */
	unsigned int vendor, device, subvendor, subdevice, class, revision;
	const char *driver;		/* NULL: unbound */
	int group;
	bool bridge;			/* header type 1 */
};

/* The 64 bytes of standard header an unprivileged reader gets from config. */
HS_FN void hs_config(const struct hs_pci *p, unsigned char *c)
{
	memset(c, 0, 64);
	c[0] = p->vendor & 0xff;
	c[1] = p->vendor >> 8;
	c[2] = p->device & 0xff;
	c[3] = p->device >> 8;
	c[4] = p->driver ? 0x06 : 0x00;		/* memory space, bus master */
	c[6] = 0x10;				/* capability list */
	c[8] = p->revision;
	c[9] = p->class & 0xff;
	c[10] = (p->class >> 8) & 0xff;
	c[11] = (p->class >> 16) & 0xff;
	c[14] = p->bridge ? 1 : 0;
	if (!p->bridge) {
		c[0x2c] = p->subvendor & 0xff;
		c[0x2d] = p->subvendor >> 8;
		c[0x2e] = p->subdevice & 0xff;
		c[0x2f] = p->subdevice >> 8;
	}
}

HS_FN int hs_pci_attrs(const struct hs *h, const struct hs_pci *p, const char *dev,
		       const char *modalias)
{
	static const char resource[] =
		"0x00000000f0000000 0x00000000f00fffff 0x0000000000040200\n"
		"0x0000000000000000 0x0000000000000000 0x0000000000000000\n";
	/* the ID files as pci-sysfs.c formats them */
	const struct { const char *name; unsigned int value; int digits; } ids[] = {
		{ "vendor", p->vendor, 4 }, { "device", p->device, 4 },
		{ "subsystem_vendor", p->subvendor, 4 }, { "subsystem_device", p->subdevice, 4 },
		{ "class", p->class, 6 }, { "revision", p->revision, 2 },
	};
	unsigned char config[64];
	char buf[160];
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(buf, sizeof(buf), "0x%0*x\n", ids[i].digits, ids[i].value);
		if (hs_text(h, buf, dev, ids[i].name))
			return -1;
	}
	hs_config(p, config);
	if (hs_text(h, "16\n", dev, "irq") ||
	    hs_text(h, "0\n", dev, "numa_node") || hs_text(h, resource, dev, "resource") ||
	    hs_text(h, p->driver ? "1\n" : "0\n", dev, "enable"))
		return -1;
	snprintf(buf, sizeof(buf), "%s\n", modalias);
	if (hs_text(h, buf, dev, "modalias"))
		return -1;
	return hs_file(h, config, sizeof(config), "%s/config", dev);
}

/* A PCI function with what the kernel shows of it (uevent as pci_uevent()). */
HS_FN int hs_pci_fn(const struct hs *h, const struct hs_pci *p)
{
	char modalias[128], body[512], dev[PATH_MAX / 4];

	snprintf(modalias, sizeof(modalias),
		 "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", p->vendor, p->device,
		 p->subvendor, p->subdevice, p->class >> 16, (p->class >> 8) & 0xff,
		 p->class & 0xff);
	snprintf(body, sizeof(body),
		 "PCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\n"
		 "PCI_SLOT_NAME=%s\nMODALIAS=%s\n", p->class, p->vendor, p->device,
		 p->subvendor, p->subdevice, p->name, modalias);
	if (hs_device(h, "pci", p->parent, p->name, p->driver, p->group, body))
		return -1;
	snprintf(dev, sizeof(dev), "devices/%s/%s", p->parent, p->name);
	return hs_pci_attrs(h, p, dev, modalias);
}

/* A root port on bus 0 (its own group, pcieport); its directory in out. */
HS_FN int hs_root_port(struct hs *h, char *out, size_t size)
{
	struct hs_pci p = {
		.parent = "pci0000:00", .vendor = 0x8086, .device = 0x347a,
		.subvendor = 0x8086, .subdevice = 0x0000, .class = 0x060400,
		.revision = 0x04, .driver = "pcieport", .bridge = true,
	};
	int i = h->next_port++;

	snprintf(p.name, sizeof(p.name), "0000:00:%02x.%x", 1 + i / 8, i % 8);
	p.group = h->next_group++;
	snprintf(out, size, "pci0000:00/%s", p.name);
	return hs_pci_fn(h, &p);
}

/* The driver of VF k of n: first half vfio-pci, third quarter iavf, then none. */
HS_FN const char *hs_vf_driver(int k, int n)
{
	if (k < n / 2)
		return "vfio-pci";
	return k < n * 3 / 4 ? "iavf" : NULL;
}

HS_FN int hs_vf(struct hs *h, const struct hs_pci *pf, const char *parent, int rid, int k, int n)
{
	char link[PATH_MAX / 4], target[64];
	struct hs_pci vf = {
		.parent = parent, .vendor = 0x8086, .device = 0x1889,
		.subvendor = 0x8086, .subdevice = 0x0000, .class = 0x020000,
		.revision = 0x02, .driver = hs_vf_driver(k, n),
	};

	snprintf(vf.name, sizeof(vf.name), "0000:%02x:%02x.%x", rid >> 8 & 0xff,
		 rid >> 3 & 0x1f, rid & 7);
	vf.group = h->next_group++;
	if (hs_pci_fn(h, &vf))
		return -1;
	snprintf(target, sizeof(target), "../%s", vf.name);
	snprintf(link, sizeof(link), "devices/%s/%s/virtfn%d", parent, pf->name, k);
	if (hs_link(h, target, "%s", link))
		return -1;
	snprintf(target, sizeof(target), "../%s", pf->name);
	return hs_link(h, target, "devices/%s/%s/physfn", parent, vf.name);
}

/* A NIC card: ports PFs on one bus below a root port, each with its VFs. */
HS_FN int hs_nic(struct hs *h, const struct hs_spec *s)
{
	char parent[64];
	int bus, port, k, rid, buses;

	if (hs_root_port(h, parent, sizeof(parent)))
		return -1;
	bus = h->next_bus;
	/* VFs start at routing id offset 16 past the first PF, stride 1 */
	buses = (16 + s->ports_per_card * s->vfs_per_port + 255) / 256;
	h->next_bus += buses;
	for (port = 0; port < s->ports_per_card; port++) {
		struct hs_pci pf = {
			.parent = parent, .vendor = 0x8086, .device = 0x1592,
			.subvendor = 0x8086, .subdevice = 0x0002, .class = 0x020000,
			.revision = 0x02, .driver = "ice",
		};

		snprintf(pf.name, sizeof(pf.name), "0000:%02x:00.%x", bus, port);
		pf.group = h->next_group++;
		if (hs_pci_fn(h, &pf))
			return -1;
		for (k = 0; k < s->vfs_per_port; k++) {
			rid = (bus << 8) + 16 + port * s->vfs_per_port + k;
			if (hs_vf(h, &pf, parent, rid, k, s->vfs_per_port))
				return -1;
		}
	}
	return 0;
}

/* An endpoint (function 0) on a bus of its own below a new root port. */
HS_FN int hs_endpoint(struct hs *h, struct hs_pci *p, char *parent, size_t size)
{
	if (hs_root_port(h, parent, size))
		return -1;
	p->parent = parent;
	snprintf(p->name, sizeof(p->name), "0000:%02x:00.0", h->next_bus++);
	p->group = h->next_group++;
	return hs_pci_fn(h, p);
}

HS_FN int hs_nvme(struct hs *h)
{
	struct hs_pci p = {
		.vendor = 0x144d, .device = 0xa80a, .subvendor = 0x144d,
		.subdevice = 0xa801, .class = 0x010802, .driver = "nvme",
	};
	char parent[64];

	return hs_endpoint(h, &p, parent, sizeof(parent));
}

/* A GPU and its HDMI audio: two functions, one group (no ACS between them). */
HS_FN int hs_gpu(struct hs *h)
{
	struct hs_pci gpu = {
		.vendor = 0x10de, .device = 0x2230, .subvendor = 0x10de,
		.subdevice = 0x1459, .class = 0x030000, .revision = 0xa1, .driver = "nvidia",
	};
	struct hs_pci audio = {
		.vendor = 0x10de, .device = 0x1aef, .subvendor = 0x10de,
		.subdevice = 0x1459, .class = 0x040300, .revision = 0xa1,
		.driver = "snd_hda_intel",
	};
	char parent[64];

	if (hs_endpoint(h, &gpu, parent, sizeof(parent)))
		return -1;
	audio.parent = parent;
	memcpy(audio.name, gpu.name, sizeof(audio.name));
	audio.name[sizeof("0000:00:00.") - 1] = '1';
	audio.group = gpu.group;
	return hs_pci_fn(h, &audio);
}

/* usb device or interface name below dir, driver, uevent body */
HS_FN int hs_usb(const struct hs *h, const char *dir, const char *name, const char *driver,
		 bool interface)
{
	char body[256];

	snprintf(body, sizeof(body), "DEVTYPE=%s\nPRODUCT=1d6b/3/601\n%s",
		 interface ? "usb_interface" : "usb_device",
		 interface ? "INTERFACE=9/0/3\n" : "TYPE=9/0/3\n");
	return hs_device(h, "usb", dir, name, driver, -1, body);
}

/* An xHCI controller on bus 0 with its two root hubs and n devices on each port. */
HS_FN int hs_xhci(struct hs *h, int index, int n)
{
	struct hs_pci p = {
		.parent = "pci0000:00", .vendor = 0x8086, .device = 0x7ae0,
		.subvendor = 0x8086, .subdevice = 0x7270, .class = 0x0c0330,
		.revision = 0x11, .driver = "xhci_hcd",
	};
	char ctl[64], hub[128], dev[160], name[32];
	int r, k, busnum;

	snprintf(p.name, sizeof(p.name), "0000:00:14.%x", index);
	p.group = h->next_group++;
	if (hs_pci_fn(h, &p))
		return -1;
	snprintf(ctl, sizeof(ctl), "pci0000:00/%s", p.name);
	for (r = 0; r < 2; r++) {
		busnum = index * 2 + r + 1;
		snprintf(name, sizeof(name), "usb%d", busnum);
		snprintf(hub, sizeof(hub), "%s/%s", ctl, name);
		if (hs_usb(h, ctl, name, "usb", false))
			return -1;
		snprintf(name, sizeof(name), "%d-0:1.0", busnum);
		if (hs_usb(h, hub, name, "hub", true))
			return -1;
		for (k = r; k < n; k += 2) {
			snprintf(name, sizeof(name), "%d-%d", busnum, k + 1);
			if (hs_usb(h, hub, name, "usb", false))
				return -1;
			snprintf(dev, sizeof(dev), "%s/%s", hub, name);
			snprintf(name, sizeof(name), "%d-%d:1.0", busnum, k + 1);
			if (hs_usb(h, dev, name, k % 3 ? "usbhid" : "usb-storage", true))
				return -1;
		}
	}
	return 0;
}

/* Host bridge, ISA bridge + SMBus (one group), SATA. */
HS_FN int hs_chipset(struct hs *h)
{
	struct hs_pci host = {
		.parent = "pci0000:00", .name = "0000:00:00.0", .vendor = 0x8086,
		.device = 0x09a2, .subvendor = 0x8086, .subdevice = 0x0000, .class = 0x060000,
	};
	struct hs_pci isa = {
		.parent = "pci0000:00", .name = "0000:00:1f.0", .vendor = 0x8086,
		.device = 0x1bca, .subvendor = 0x8086, .subdevice = 0x0000, .class = 0x060100,
	};
	struct hs_pci smbus = {
		.parent = "pci0000:00", .name = "0000:00:1f.4", .vendor = 0x8086,
		.device = 0x1bc9, .subvendor = 0x8086, .subdevice = 0x0000, .class = 0x0c0500,
		.driver = "i801_smbus",
	};
	struct hs_pci sata = {
		.parent = "pci0000:00", .name = "0000:00:17.0", .vendor = 0x8086,
		.device = 0x1bf2, .subvendor = 0x8086, .subdevice = 0x0000, .class = 0x010601,
		.driver = "ahci",
	};

	host.group = h->next_group++;
	isa.group = smbus.group = h->next_group++;
	sata.group = h->next_group++;
	if (hs_pci_fn(h, &host) || hs_pci_fn(h, &isa) || hs_pci_fn(h, &smbus))
		return -1;
	return hs_pci_fn(h, &sata);
}

/* CPUs, memory blocks and platform devices: no IOMMU group. */
HS_FN int hs_system(struct hs *h, const struct hs_spec *s)
{
	char name[32];
	size_t i;
	int k;

	for (k = 0; k < s->cpus; k++) {
		snprintf(name, sizeof(name), "cpu%d", k);
		if (hs_device(h, "cpu", "system/cpu", name, "processor", -1, ""))
			return -1;
	}
	for (k = 0; k < s->memory_blocks; k++) {
		snprintf(name, sizeof(name), "memory%d", k);
		if (hs_device(h, "memory", "system/memory", name, NULL, -1, ""))
			return -1;
	}
	for (i = 0; i < HS_N_PLATFORM; i++) {
		snprintf(name, sizeof(name), "MODALIAS=platform:%s\n", hs_platform[i][0]);
		if (hs_device(h, "platform", "platform", hs_platform[i][0],
			      hs_platform[i][1], -1, name))
			return -1;
	}
	return 0;
}

HS_FN int host_shape_parse(const char *name, enum host_shape *shape)
{
	size_t i;

	for (i = 0; i < sizeof(hs_names) / sizeof(hs_names[0]); i++) {
		if (!strcmp(name, hs_names[i])) {
			*shape = (enum host_shape)i;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

/* How many devices host_shape_build(shape) makes, over every bus. */
HS_FN size_t host_shape_devices(enum host_shape shape)
{
	const struct hs_spec *s = &hs_specs[shape];
	size_t pci, usb;

	pci = 4 + s->xhci + s->nic_cards + s->nvme + s->gpus +
	      (size_t)s->nic_cards * s->ports_per_card * (1 + s->vfs_per_port) +
	      s->nvme + 2 * s->gpus;
	usb = (size_t)s->xhci * (4 + 2 * s->usb_devs_per_xhci);
	return pci + usb + s->cpus + s->memory_blocks + HS_N_PLATFORM;
}

HS_FN int host_shape_build(const char *root, enum host_shape shape)
{
	static const char *const buses[] = { "pci", "usb", "cpu", "memory", "platform" };
	const struct hs_spec *s;
	struct hs h = { .next_group = 0, .next_bus = 1 };
	int i;

	if ((unsigned int)shape >= sizeof(hs_specs) / sizeof(hs_specs[0]) ||
	    strlen(root) >= sizeof(h.root)) {
		errno = EINVAL;
		return -1;
	}
	s = &hs_specs[shape];
	strcpy(h.root, root);
	for (i = 0; i < (int)(sizeof(buses) / sizeof(buses[0])); i++)
		if (hs_dir(&h, "bus/%s/devices", buses[i]) ||
		    hs_dir(&h, "bus/%s/drivers", buses[i]))
			return -1;
	if (hs_dir(&h, "devices/pci0000:00") || hs_dir(&h, "kernel/iommu_groups") ||
	    hs_dir(&h, "devices/system/cpu") || hs_dir(&h, "devices/system/memory") ||
	    hs_dir(&h, "devices/platform"))
		return -1;
	if (hs_chipset(&h))
		return -1;
	for (i = 0; i < s->xhci; i++)
		if (hs_xhci(&h, i, s->usb_devs_per_xhci))
			return -1;
	for (i = 0; i < s->nic_cards; i++)
		if (hs_nic(&h, s))
			return -1;
	for (i = 0; i < s->nvme; i++)
		if (hs_nvme(&h))
			return -1;
	for (i = 0; i < s->gpus; i++)
		if (hs_gpu(&h))
			return -1;
	return hs_system(&h, s);
}

#endif
