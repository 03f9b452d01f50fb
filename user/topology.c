// SPDX-License-Identifier: GPL-2.0
/*
 * What sysfs says about IOMMU groups, devices and their drivers.
 *
 * Devices come from ROOT/bus/<bus>/devices/<name> (every bus, so devices
 * without an IOMMU group are seen too), groups from
 * ROOT/kernel/iommu_groups/<N>/devices/<name>; each device's attributes
 * are read by topology_read.c. A device's driver is the basename of its
 * `driver` link (a PCI device's uevent DRIVER=, the same name); its DMA
 * mode is decided by driver name with dg_driver_dma_mode() (include/match.h),
 * because sysfs does not expose the kernel's driver_managed_dma flag; the
 * BPF side uses the same list.
 *
 * A group is viable for VFIO when no member is bound to a driver that
 * dg_driver_takes_group(); the first member that is names the blocker.
 * Owners are decided in topology_owner.c (pinned map, else sysfs + procfs).
 *
 * No fixed limits: arrays grow as needed. Odd trees (missing or unreadable
 * files, dangling links, junk names, a FIFO or device where an attribute
 * should be) leave attributes unknown, never fail, never block.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "match.h"
#include "topology.h"
#include "topology_int.h"
#include "util.h"

struct scan {
	const struct topo_opts *o;
	struct topology *t;
	int rootfd;
	size_t dev_cap;
	size_t n_sorted;	/* devices[0, n_sorted) are sorted by bus, name */
	size_t *by_name;	/* indexes of devices[0, n_sorted) sorted by name */
	int *ids;		/* group ids seen */
	size_t n_ids, ids_cap;
	char *err;
	size_t errlen;
};

/* Append a device read from parentfd/name; returns its index or -1. */
static long add_device(struct scan *sc, const char *bus, int parentfd, const char *name)
{
	struct topology *t = sc->t;
	struct topo_device *d;

	if (array_grow((void **)&t->devices, &sc->dev_cap, t->n_devices + 1, sizeof(*d))) {
		snprintf(sc->err, sc->errlen, "out of memory listing devices");
		return -1;
	}
	d = &t->devices[t->n_devices];
	memset(d, 0, sizeof(*d));
	d->group = DG_NO_GROUP;
	d->name_truncated = name_copy(d->name, sizeof(d->name), name);
	name_copy(d->bus, sizeof(d->bus), bus);
	topology_read_device(parentfd, name, d);
	return (long)t->n_devices++;
}

static bool skip_entry(const struct dirent *e)
{
	return e->d_name[0] == '.';
}

static int scan_bus(struct scan *sc, DIR *buses, const char *bus)
{
	char path[NAME_MAX + 16];
	struct dirent *e;
	DIR *devs;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/devices", bus);
	devs = dir_open_at(dirfd(buses), path);
	if (!devs)
		return 0;	/* a bus without devices/ is odd, not fatal */
	while ((e = readdir(devs))) {
		if (skip_entry(e))
			continue;
		if (add_device(sc, bus, dirfd(devs), e->d_name) < 0) {
			rc = -1;
			break;
		}
	}
	closedir(devs);
	return rc;
}

static int scan_buses(struct scan *sc)
{
	struct dirent *e;
	DIR *buses;
	int rc = 0;

	buses = dir_open_at(sc->rootfd, "bus");
	if (!buses) {
		snprintf(sc->err, sc->errlen, "%s/bus: %s", sc->o->sysfs, strerror(errno));
		return -1;
	}
	while ((e = readdir(buses))) {
		if (skip_entry(e))
			continue;
		rc = scan_bus(sc, buses, e->d_name);
		if (rc)
			break;
	}
	closedir(buses);
	return rc;
}

static int cmp_bus_name(const void *a, const void *b)
{
	const struct topo_device *x = a, *y = b;
	int c = strcmp(x->bus, y->bus);

	return c ? c : strcmp(x->name, y->name);
}

/* Index of the device bus/name, or -1. bus "" (unknown): match by name. */
static long find_device(struct scan *sc, const char *bus, const char *name)
{
	struct topology *t = sc->t;
	struct topo_device key, *hit;
	size_t i;

	if (*bus) {
		memset(&key, 0, sizeof(key));
		name_copy(key.bus, sizeof(key.bus), bus);
		name_copy(key.name, sizeof(key.name), name);
		hit = bsearch(&key, t->devices, sc->n_sorted, sizeof(key), cmp_bus_name);
		if (hit)
			return hit - t->devices;
	}
	/* devices added by the group scan, or any device when bus is unknown */
	for (i = *bus ? sc->n_sorted : 0; i < t->n_devices; i++)
		if (!strncmp(t->devices[i].name, name, DG_DEVICE_LEN - 1) &&
		    (!*bus || !strcmp(t->devices[i].bus, bus)))
			return (long)i;
	return -1;
}

/* qsort_r()'s: the names of two indexes into devices */
static int cmp_index_name(const void *a, const void *b, void *devices)
{
	const struct topo_device *d = devices;

	return strcmp(d[*(const size_t *)a].name, d[*(const size_t *)b].name);
}

/* The name index; without memory the group scan reads every subsystem link. */
static void index_names(struct scan *sc)
{
	size_t i, n = sc->n_sorted;

	sc->by_name = n ? calloc(n, sizeof(size_t)) : NULL;
	if (!sc->by_name)
		return;
	for (i = 0; i < n; i++)
		sc->by_name[i] = i;
	qsort_r(sc->by_name, n, sizeof(size_t), cmp_index_name, sc->t->devices);
}

/*
 * The listed device a member entry of group id names, known without reading
 * its subsystem link: the only device by that name, whose own iommu_group
 * link says id too. -1 when that does not settle it.
 */
static long find_member_by_name(struct scan *sc, const char *name, int id)
{
	const struct topo_device *d = sc->t->devices;
	size_t lo = 0, hi = sc->n_sorted, mid;
	char key[DG_DEVICE_LEN];
	int c;

	if (!sc->by_name)
		return -1;
	name_copy(key, sizeof(key), name);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(key, d[sc->by_name[mid]].name);
		if (!c)
			break;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo >= hi)
		return -1;
	if ((mid > 0 && !strcmp(key, d[sc->by_name[mid - 1]].name)) ||
	    (mid + 1 < sc->n_sorted && !strcmp(key, d[sc->by_name[mid + 1]].name)))
		return -1;	/* the same name on two buses */
	return d[sc->by_name[mid]].group == id ? (long)sc->by_name[mid] : -1;
}

static int add_group_id(struct scan *sc, int id)
{
	if (array_grow((void **)&sc->ids, &sc->ids_cap, sc->n_ids + 1, sizeof(int))) {
		snprintf(sc->err, sc->errlen, "out of memory listing IOMMU groups");
		return -1;
	}
	sc->ids[sc->n_ids++] = id;
	return 0;
}

/*
 * A directory listed with getdents64() alone: readdir() needs fdopendir(),
 * which costs two fcntl() calls a directory, and there is one a group.
 */
struct dir_list {
	int fd;
	ssize_t len, pos;
	char buf[8192] __attribute__((aligned(8)));
};

static int dir_list_open(struct dir_list *l, int dfd, const char *path)
{
	l->len = l->pos = 0;
	l->fd = openat(dfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return l->fd < 0 ? -1 : 0;
}

/* The next entry's name, NULL at the end (or on an error: the listing ends). */
static const char *dir_list_next(struct dir_list *l)
{
	const struct dirent64 *e;

	if (l->pos >= l->len) {
		l->len = getdents64(l->fd, l->buf, sizeof(l->buf));
		l->pos = 0;
		if (l->len <= 0)
			return NULL;
	}
	e = (const struct dirent64 *)(l->buf + l->pos);
	l->pos += e->d_reclen;
	return e->d_name;
}

/* Member fd/name of group id: set its group, add it if no bus listed it. */
static int scan_group_member(struct scan *sc, int fd, const char *name, int id)
{
	char bus[32], sub[NAME_MAX + 16];
	long idx;

	/* the common case: one readlink a member fewer */
	if (find_member_by_name(sc, name, id) >= 0)
		return 0;
	snprintf(sub, sizeof(sub), "%s/subsystem", name);
	if (link_basename_at(fd, sub, bus, sizeof(bus), NULL))
		bus[0] = '\0';
	idx = find_device(sc, bus, name);
	if (idx < 0)
		idx = add_device(sc, bus, fd, name);
	if (idx < 0)
		return -1;
	/* the group directory is authoritative over the device's link */
	sc->t->devices[idx].group = id;
	return 0;
}

/* The members of group id: set their group, add the ones no bus listed. */
static int scan_group_members(struct scan *sc, DIR *groups, const char *gname, int id)
{
	char path[NAME_MAX + 16];
	struct dir_list members;
	const char *name;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/devices", gname);
	if (dir_list_open(&members, dirfd(groups), path))
		return 0;
	while (!rc && (name = dir_list_next(&members)))
		if (name[0] != '.')
			rc = scan_group_member(sc, members.fd, name, id);
	close(members.fd);
	return rc;
}

static int scan_groups(struct scan *sc)
{
	struct dirent *e;
	DIR *groups;
	int id, rc = 0;

	groups = dir_open_at(sc->rootfd, "kernel/iommu_groups");
	if (!groups)
		return 0;	/* no IOMMU: no groups */
	while ((e = readdir(groups))) {
		/* a group is a directory; a FIFO or file by that name is junk */
		if (parse_id(e->d_name, &id) || (e->d_type != DT_DIR &&
		    e->d_type != DT_UNKNOWN && e->d_type != DT_LNK))
			continue;
		rc = add_group_id(sc, id);
		if (!rc)
			rc = scan_group_members(sc, groups, e->d_name, id);
		if (rc)
			break;
	}
	closedir(groups);
	return rc;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Sort order of topology.devices: by group, group-less last, then name. */
static int cmp_group_name(const void *a, const void *b)
{
	const struct topo_device *x = a, *y = b;
	long gx = x->group < 0 ? (long)INT_MAX + 1 : x->group;
	long gy = y->group < 0 ? (long)INT_MAX + 1 : y->group;
	int c;

	if (gx != gy)
		return gx < gy ? -1 : 1;
	c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->bus, y->bus);
}

/* Groups from the ids seen (group dirs and device links), members by range. */
static int build_groups(struct scan *sc)
{
	struct topology *t = sc->t;
	size_t i, j, d = 0, n = 0;

	for (i = 0; i < t->n_devices; i++)
		if (t->devices[i].group >= 0 && add_group_id(sc, t->devices[i].group))
			return -1;
	if (sc->n_ids)
		qsort(sc->ids, sc->n_ids, sizeof(int), cmp_int);
	for (i = 0; i < sc->n_ids; i++)
		if (i == 0 || sc->ids[i] != sc->ids[i - 1])
			sc->ids[n++] = sc->ids[i];
	t->groups = calloc(n ? n : 1, sizeof(*t->groups));
	if (!t->groups)
		goto oom;
	for (i = 0; i < n; i++) {
		struct topo_group *g = &t->groups[t->n_groups++];
		size_t first;

		g->id = sc->ids[i];
		g->blocker = -1;
		/* devices are sorted by group: skip to this group's range */
		while (d < t->n_devices && t->devices[d].group >= 0 &&
		       t->devices[d].group < g->id)
			d++;
		first = d;
		while (d < t->n_devices && t->devices[d].group == g->id)
			d++;
		g->n_members = d - first;
		if (!g->n_members)
			continue;
		g->members = calloc(g->n_members, sizeof(size_t));
		if (!g->members)
			goto oom;
		for (j = 0; j < g->n_members; j++)
			g->members[j] = first + j;
	}
	return 0;
oom:
	snprintf(sc->err, sc->errlen, "out of memory listing IOMMU groups");
	return -1;
}

static void judge_viability(struct topology *t, struct topo_group *g)
{
	size_t i;

	g->viable = true;
	for (i = 0; i < g->n_members; i++) {
		const struct topo_device *d = &t->devices[g->members[i]];

		if (dg_driver_takes_group(d->driver)) {
			g->viable = false;
			g->blocker = (long)g->members[i];
			return;
		}
	}
}

static void judge_groups(struct scan *sc)
{
	size_t i;

	for (i = 0; i < sc->t->n_groups; i++)
		judge_viability(sc->t, &sc->t->groups[i]);
	topology_judge_owners(sc->o, sc->rootfd, sc->t);
}

void topology_default_opts(const char *root, struct topo_opts *o)
{
	char real[PATH_MAX];
	bool live;

	if (!root)
		root = TOPO_SYSFS_DEFAULT;
	live = realpath(root, real) && !strcmp(real, TOPO_SYSFS_DEFAULT);
	o->sysfs = root;
	o->procfs = live ? TOPO_PROCFS_DEFAULT : NULL;
	o->groups_map = live ? TOPO_GROUPS_MAP_DEFAULT : NULL;
}

int topology_scan_opts(const struct topo_opts *o, struct topology *t,
		       char *err, size_t errlen)
{
	struct scan sc = { .o = o, .t = t, .err = err, .errlen = errlen };
	int rc = -1;

	memset(t, 0, sizeof(*t));
	sc.rootfd = open(o->sysfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sc.rootfd < 0) {
		snprintf(err, errlen, "%s: %s", o->sysfs, strerror(errno));
		return -1;
	}
	if (scan_buses(&sc))
		goto out;
	if (t->n_devices)
		qsort(t->devices, t->n_devices, sizeof(*t->devices), cmp_bus_name);
	sc.n_sorted = t->n_devices;
	index_names(&sc);
	if (scan_groups(&sc))
		goto out;
	if (t->n_devices)
		qsort(t->devices, t->n_devices, sizeof(*t->devices), cmp_group_name);
	if (build_groups(&sc))
		goto out;
	judge_groups(&sc);
	rc = 0;
out:
	if (rc)
		topology_free(t);
	close(sc.rootfd);
	free(sc.ids);
	free(sc.by_name);
	return rc;
}

int topology_scan(const char *root, struct topology *t, char *err, size_t errlen)
{
	struct topo_opts o;

	topology_default_opts(root, &o);
	return topology_scan_opts(&o, t, err, errlen);
}

void topology_free(struct topology *t)
{
	size_t i;

	for (i = 0; i < t->n_groups; i++)
		free(t->groups[i].members);
	free(t->groups);
	free(t->devices);
	memset(t, 0, sizeof(*t));
}

void topology_bind_subject(const struct topo_device *d, struct dg_bind_subject *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->device, d->name, sizeof(s->device));
	memcpy(s->driver, d->driver, sizeof(s->driver));
	s->group = d->group;
	s->is_pci = d->is_pci;
	s->dma = d->driver[0] ? d->dma : DG_DMA_KERNEL;
	s->vendor = d->vendor;
	s->devid = d->devid;
	s->class = d->class;
}

const char *topology_owner_name(__u32 owner)
{
	switch (owner) {
	case DG_OWNER_KERNEL:
		return "kernel";
	case DG_OWNER_USER:
		return "user";
	}
	return "none";
}
