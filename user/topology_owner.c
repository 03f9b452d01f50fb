// SPDX-License-Identifier: GPL-2.0
/*
 * Owners of IOMMU groups, for topology_scan_opts().
 *
 * The pinned "groups" map wins when it has an entry for the group: dmaguard's
 * BPF programs keep it from the kernel's own ownership calls (owner, owning
 * pid and comm). Otherwise the owner is derived:
 * - kernel: a member is bound to a driver that takes the group for kernel
 *   DMA (the group is not viable);
 * - user: a member is bound to a user-DMA driver (vfio-pci, ...) and a
 *   process holds the group node /dev/vfio/N, or a member's device node
 *   /dev/vfio/devices/vfioX, open; the lowest such pid is named;
 * - none otherwise.
 * Holders are found in PROCFS/<pid>/fd: by link target, or by character
 * device number (ROOT/class/vfio/N/dev) for a node opened at another path.
 * Without root, other users' fds are unreadable: such holders stay unknown.
 */
#include <bpf/bpf.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "match.h"
#include "topology.h"
#include "topology_int.h"
#include "util.h"

/* A process holding a /dev node open (only nodes under /dev are recorded). */
struct holder {
	int pid;
	dev_t rdev;		/* 0 unless the node is a character device */
	char path[64];		/* link target, e.g. /dev/vfio/12 */
	char comm[DG_COMM_LEN];
};

struct owner_scan {
	const struct topo_opts *o;
	struct topology *t;
	int rootfd;
	struct holder *holders;
	size_t n_holders, holders_cap;
	bool holders_scanned;
};

static void add_holder(struct owner_scan *sc, int pid, const char *comm, int fddir,
		       const char *fdname)
{
	char target[PATH_MAX];
	struct holder *h;
	struct stat st;
	ssize_t n;

	n = readlinkat(fddir, fdname, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	if (strncmp(target, "/dev/", 5) || (size_t)n >= sizeof(h->path))
		return;
	if (array_grow((void **)&sc->holders, &sc->holders_cap, sc->n_holders + 1, sizeof(*h)))
		return;	/* best effort: an owner we cannot record stays unknown */
	h = &sc->holders[sc->n_holders++];
	memset(h, 0, sizeof(*h));
	h->pid = pid;
	memcpy(h->path, target, n + 1);
	name_copy(h->comm, sizeof(h->comm), comm);
	/* the node may sit at another path in the holder's mount namespace */
	if (!fstatat(fddir, fdname, &st, 0) && S_ISCHR(st.st_mode))
		h->rdev = st.st_rdev;
}

static void scan_process(struct owner_scan *sc, DIR *proc, const char *pidname, int pid)
{
	char path[NAME_MAX + 8], comm[DG_COMM_LEN + 8];
	struct dirent *e;
	DIR *fds;

	snprintf(path, sizeof(path), "%s/comm", pidname);
	if (attr_read_at(dirfd(proc), path, comm, sizeof(comm)))
		comm[0] = '\0';
	snprintf(path, sizeof(path), "%s/fd", pidname);
	fds = dir_open_at(dirfd(proc), path);
	if (!fds)
		return;	/* gone, or another user's (not root): unknown */
	while ((e = readdir(fds)))
		if (e->d_name[0] != '.')
			add_holder(sc, pid, comm, dirfd(fds), e->d_name);
	closedir(fds);
}

/* Record every process's open /dev nodes, once. */
static void scan_holders(struct owner_scan *sc)
{
	struct dirent *e;
	DIR *proc;
	int pid;

	if (sc->holders_scanned || !sc->o->procfs)
		return;
	sc->holders_scanned = true;
	proc = opendir(sc->o->procfs);
	if (!proc)
		return;
	while ((e = readdir(proc)))
		if (!parse_id(e->d_name, &pid) && pid > 0)
			scan_process(sc, proc, e->d_name, pid);
	closedir(proc);
}

/* The char device number in dfd/path ("MAJ:MIN"), 0 if unknown. */
static dev_t read_devnum(int dfd, const char *path)
{
	unsigned int maj, min;
	char buf[32];

	if (attr_read_at(dfd, path, buf, sizeof(buf)) || sscanf(buf, "%u:%u", &maj, &min) != 2)
		return 0;
	return makedev(maj, min);
}

/* The holder with the lowest pid of node (path, or rdev when non-zero). */
static const struct holder *find_holder(struct owner_scan *sc, const char *path, dev_t rdev)
{
	const struct holder *best = NULL;
	size_t i;

	for (i = 0; i < sc->n_holders; i++) {
		const struct holder *h = &sc->holders[i];

		if (strcmp(h->path, path) && !(rdev && h->rdev == rdev))
			continue;
		if (!best || h->pid < best->pid)
			best = h;
	}
	return best;
}

/* Who holds a VFIO device node (/dev/vfio/devices/vfioX) of device d. */
static const struct holder *cdev_holder(struct owner_scan *sc, const struct topo_device *d)
{
	const struct holder *h, *best = NULL;
	char rel[DG_DEVICE_LEN + 80], path[64];
	struct dirent *e;
	DIR *vd;

	snprintf(rel, sizeof(rel), "bus/%s/devices/%s/vfio-dev", d->bus, d->name);
	vd = dir_open_at(sc->rootfd, rel);
	if (!vd)
		return NULL;
	while ((e = readdir(vd))) {
		if (strncmp(e->d_name, "vfio", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/vfio/devices/%.32s", e->d_name);
		snprintf(rel, sizeof(rel), "%.32s/dev", e->d_name);
		h = find_holder(sc, path, read_devnum(dirfd(vd), rel));
		if (h && (!best || h->pid < best->pid))
			best = h;
	}
	closedir(vd);
	return best;
}

/* Who holds the group node /dev/vfio/N or a member's device node. */
static const struct holder *group_holder(struct owner_scan *sc, const struct topo_group *g)
{
	const struct holder *h, *best;
	char path[64], rel[64];
	size_t i;

	/* no procfs, no holders: not even the device numbers are worth reading */
	if (!sc->o->procfs)
		return NULL;
	scan_holders(sc);
	snprintf(path, sizeof(path), "/dev/vfio/%d", g->id);
	snprintf(rel, sizeof(rel), "class/vfio/%d/dev", g->id);
	best = find_holder(sc, path, read_devnum(sc->rootfd, rel));
	for (i = 0; i < g->n_members; i++) {
		h = cdev_holder(sc, &sc->t->devices[g->members[i]]);
		if (h && (!best || h->pid < best->pid))
			best = h;
	}
	return best;
}

/* Owner from sysfs alone (plus procfs for the holding process). */
static void derive_owner(struct owner_scan *sc, struct topo_group *g)
{
	const struct holder *h;
	bool user_driver = false;
	size_t i;

	g->owner = DG_OWNER_NONE;
	if (!g->viable) {
		g->owner = DG_OWNER_KERNEL;
		return;
	}
	for (i = 0; i < g->n_members; i++) {
		const struct topo_device *d = &sc->t->devices[g->members[i]];

		if (d->driver[0] && d->dma == DG_DMA_USER)
			user_driver = true;
	}
	if (!user_driver)
		return;
	h = group_holder(sc, g);
	if (!h)
		return;
	g->owner = DG_OWNER_USER;
	g->owner_pid = h->pid;
	memcpy(g->owner_comm, h->comm, sizeof(g->owner_comm));
}

/* Owner from the pinned map; false when it has no usable entry. */
static bool map_owner(int map_fd, struct topo_group *g)
{
	struct dg_group v;
	__u32 key = g->id;

	if (map_fd < 0 || bpf_map_lookup_elem(map_fd, &key, &v))
		return false;
	g->owner = dg_group_owner(&v);
	g->owner_pid = v.owner_pid;
	memcpy(g->owner_comm, v.owner_comm, sizeof(g->owner_comm));
	g->owner_comm[sizeof(g->owner_comm) - 1] = '\0';
	g->owner_from_map = true;
	return true;
}

void topology_judge_owners(const struct topo_opts *o, int rootfd, struct topology *t)
{
	struct owner_scan sc = { .o = o, .t = t, .rootfd = rootfd };
	int map_fd = -1;
	size_t i;

	/* absent (dmaguard not running) or not readable: derive from sysfs */
	if (o->groups_map)
		map_fd = bpf_obj_get(o->groups_map);
	for (i = 0; i < t->n_groups; i++)
		if (!map_owner(map_fd, &t->groups[i]))
			derive_owner(&sc, &t->groups[i]);
	if (map_fd >= 0)
		close(map_fd);
	free(sc.holders);
}
