// SPDX-License-Identifier: GPL-2.0
/*
 * One device's attributes, for topology.c, in as few system calls as the
 * kernel allows: a scan of a host with thousands of VFs is dominated by
 * them (the issue counted ~32 a PCI device).
 *
 * A PCI device's uevent carries its identity and driver in one read
 * (pci_uevent(): PCI_CLASS=%X, PCI_ID=%04X:%04X, PCI_SUBSYS_ID=%04X:%04X;
 * the driver core adds DRIVER=<name> while bound, the name the `driver`
 * link's target ends in). Where uevent is missing, unreadable or lacks
 * PCI_ID or PCI_CLASS (a fixture, a partial copy), the attribute files are
 * read instead, one each: topology_read_device_files() is that reader, and
 * the reference the uevent reader is tested against.
 *
 * Every path is relative to the directory listing the device (DIRFD/NAME/x):
 * no directory is opened per device. A dangling NAME leaves everything
 * unknown, as it did when the directory was opened first.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "match.h"
#include "topology_int.h"
#include "util.h"

/* pci_uevent() writes ~200 bytes; a larger file is not a uevent we know */
#define UEVENT_MAX	1024

struct uevent_ids {
	bool have_id, have_class, have_subsys, have_driver;
	bool odd_driver;	/* DRIVER= that no link could end in: read the link */
	unsigned long vendor, devid, class, subvendor, subdevice;
	char driver[NAME_MAX + 1];
};

/* "0x8086" (the 0x is optional) as a number no larger than max */
static int read_hex(int dfd, const char *path, unsigned long max, unsigned long *out)
{
	char buf[32], *end;

	if (attr_read_at(dfd, path, buf, sizeof(buf)) || !isxdigit((unsigned char)buf[0]))
		return -1;
	errno = 0;
	*out = strtoul(buf, &end, 16);
	if (errno || *end || *out > max)
		return -1;
	return 0;
}

static int read_hex_attr(int dfd, const char *name, const char *attr, unsigned long max,
			 unsigned long *out)
{
	char path[NAME_MAX + 32];

	if (pathf(path, sizeof(path), "%s/%s", name, attr))
		return -1;
	return read_hex(dfd, path, max, out);
}

static void read_pci_files(int dfd, const char *name, struct topo_device *d)
{
	unsigned long vendor, devid, class, v;

	/* PCI rules need all three; without them the device matches as non-PCI */
	if (read_hex_attr(dfd, name, "vendor", 0xffff, &vendor) ||
	    read_hex_attr(dfd, name, "device", 0xffff, &devid) ||
	    read_hex_attr(dfd, name, "class", 0xffffff, &class))
		return;
	d->is_pci = true;
	d->vendor = vendor;
	d->devid = devid;
	d->class = class;
	if (!read_hex_attr(dfd, name, "subsystem_vendor", 0xffff, &v))
		d->subvendor = v;
	if (!read_hex_attr(dfd, name, "subsystem_device", 0xffff, &v))
		d->subdevice = v;
}

static void read_driver_link(int dfd, const char *name, struct topo_device *d)
{
	char path[NAME_MAX + 32];

	if (pathf(path, sizeof(path), "%s/driver", name))
		return;
	if (!link_basename_at(dfd, path, d->driver, sizeof(d->driver), &d->driver_truncated))
		d->dma = dg_driver_dma_mode(d->driver);
}

static void read_group_link(int dfd, const char *name, struct topo_device *d)
{
	char path[NAME_MAX + 32], buf[32];
	int id;

	if (pathf(path, sizeof(path), "%s/iommu_group", name))
		return;
	if (!link_basename_at(dfd, path, buf, sizeof(buf), NULL) && !parse_id(buf, &id))
		d->group = id;
}

void topology_read_device_files(int dfd, const char *name, struct topo_device *d)
{
	if (!strcmp(d->bus, "pci"))
		read_pci_files(dfd, name, d);
	read_driver_link(dfd, name, d);
	read_group_link(dfd, name, d);
}

/*
 * The whole of dfd/path, NUL-terminated, or -1: what read_small_file_at()
 * checks (a regular file, no FIFO waited on, nothing cut), but no read past
 * the end of a file whose size stat already told (a copied tree's files).
 */
static ssize_t read_whole_at(int dfd, const char *path, char *buf, size_t size)
{
	ssize_t len = 0, n;
	struct stat st;
	int fd;

	fd = openat(dfd, path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		goto fail;
	for (;;) {
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (size_t)(len + n) >= size)
			goto fail;	/* an error, or larger than any uevent */
		len += n;
		if (!n || len == st.st_size)
			break;
	}
	close(fd);
	buf[len] = '\0';
	return len;
fail:
	close(fd);
	return -1;
}

/* "VVVV:DDDD" into two 16-bit numbers */
static bool parse_id_pair(const char *s, unsigned long *a, unsigned long *b)
{
	char *end;

	if (!isxdigit((unsigned char)*s))
		return false;
	errno = 0;
	*a = strtoul(s, &end, 16);
	if (errno || *end != ':' || *a > 0xffff || !isxdigit((unsigned char)end[1]))
		return false;
	*b = strtoul(end + 1, &end, 16);
	return !errno && !*end && *b <= 0xffff;
}

static bool parse_class(const char *s, unsigned long *class)
{
	char *end;

	if (!isxdigit((unsigned char)*s))
		return false;
	errno = 0;
	*class = strtoul(s, &end, 16);
	return !errno && !*end && *class <= 0xffffff;
}

static void parse_uevent_line(char *line, struct uevent_ids *u)
{
	char *value = strchr(line, '=');

	if (!value)
		return;
	*value++ = '\0';
	if (!strcmp(line, "PCI_ID"))
		u->have_id = parse_id_pair(value, &u->vendor, &u->devid);
	else if (!strcmp(line, "PCI_CLASS"))
		u->have_class = parse_class(value, &u->class);
	else if (!strcmp(line, "PCI_SUBSYS_ID"))
		u->have_subsys = parse_id_pair(value, &u->subvendor, &u->subdevice);
	else if (!strcmp(line, "DRIVER") && (!*value || strchr(value, '/')))
		u->odd_driver = true;
	else if (!strcmp(line, "DRIVER")) {
		u->have_driver = true;
		name_copy(u->driver, sizeof(u->driver), value);
	}
}

/* The PCI lines of name/uevent; false when it does not give PCI_ID and PCI_CLASS. */
static bool read_uevent(int dfd, const char *name, struct uevent_ids *u)
{
	char path[NAME_MAX + 32], buf[UEVENT_MAX], *line, *next;

	memset(u, 0, sizeof(*u));
	if (pathf(path, sizeof(path), "%s/uevent", name) ||
	    read_whole_at(dfd, path, buf, sizeof(buf)) < 0)
		return false;
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		parse_uevent_line(line, u);
	}
	return u->have_id && u->have_class;
}

static void set_pci_from_uevent(int dfd, const char *name, const struct uevent_ids *u,
				struct topo_device *d)
{
	unsigned long v;

	d->is_pci = true;
	d->vendor = u->vendor;
	d->devid = u->devid;
	d->class = u->class;
	if (u->have_subsys) {
		d->subvendor = u->subvendor;
		d->subdevice = u->subdevice;
	} else {
		if (!read_hex_attr(dfd, name, "subsystem_vendor", 0xffff, &v))
			d->subvendor = v;
		if (!read_hex_attr(dfd, name, "subsystem_device", 0xffff, &v))
			d->subdevice = v;
	}
	if (u->odd_driver) {
		read_driver_link(dfd, name, d);
	} else if (u->have_driver) {
		d->driver_truncated = name_copy(d->driver, sizeof(d->driver), u->driver);
		d->dma = dg_driver_dma_mode(d->driver);
	}
}

void topology_read_device(int dfd, const char *name, struct topo_device *d)
{
	struct uevent_ids u;

	/* a non-PCI device needs only its two links: cheaper than its uevent */
	if (strcmp(d->bus, "pci") || !read_uevent(dfd, name, &u)) {
		topology_read_device_files(dfd, name, d);
		return;
	}
	set_pci_from_uevent(dfd, name, &u, d);
	read_group_link(dfd, name, d);
}
