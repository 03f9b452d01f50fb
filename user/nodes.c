// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO nodes from sysfs, to seed the BPF node map at load; from then on the
 * BPF side tracks nodes as they are created (device_add).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "nodes.h"
#include "util.h"

/* "MAJ:MIN\n" from PATH/dev, read without blocking (read_small_file_at) */
static int read_devt(const char *dir, __u32 *rdev)
{
	char path[PATH_MAX], buf[32];
	unsigned int maj, min;
	ssize_t n;

	n = pathf(path, sizeof(path), "%s/dev", dir);
	if (!n)
		n = read_small_file_at(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if (sscanf(buf, "%u:%u", &maj, &min) != 2)
		return -EINVAL;
	*rdev = kernel_dev(maj, min);
	return 0;
}

/* The group of the device at devdir, from its iommu_group link. */
static __s32 read_group(const char *devdir)
{
	char path[PATH_MAX], name[32];
	int id;

	if (pathf(path, sizeof(path), "%s/iommu_group", devdir) ||
	    link_basename_at(AT_FDCWD, path, name, sizeof(name), NULL) || parse_id(name, &id))
		return DG_NO_GROUP;
	return id;
}

static int push(struct vfio_node **arr, size_t *n, size_t *cap, const struct vfio_node *v)
{
	int r = array_grow((void **)arr, cap, *n + 1, sizeof(**arr));

	if (r)
		return r;
	(*arr)[(*n)++] = *v;
	return 0;
}

/* "12" or "noiommu-12" */
static __s32 group_from_name(const char *name)
{
	int id;

	if (!strncmp(name, "noiommu-", 8))
		name += 8;
	return parse_id(name, &id) ? DG_NO_GROUP : id;
}

static int scan_class(const char *root, const char *cls, __u32 kind, struct vfio_node **arr,
		      size_t *n, size_t *cap)
{
	char dir[PATH_MAX], entry[PATH_MAX], devlink[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	pathf(dir, sizeof(dir), "%s/class/%s", root, cls);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!r && (de = readdir(d))) {
		struct vfio_node v = { 0 };
		bool cut;

		if (de->d_name[0] == '.')
			continue;
		if (kind == DG_NODE_IOMMU && strcmp(de->d_name, "iommu"))
			continue;
		pathf(entry, sizeof(entry), "%s/%s", dir, de->d_name);
		if (read_devt(entry, &v.rdev))
			continue;	/* e.g. /sys/class/vfio/vfio has none on some kernels */
		v.node.kind = kind;
		v.node.group = DG_NO_GROUP;
		if (kind == DG_NODE_GROUP) {
			v.node.group = group_from_name(de->d_name);
			if (v.node.group == DG_NO_GROUP)
				continue;
		} else if (kind == DG_NODE_DEVICE) {
			pathf(devlink, sizeof(devlink), "%s/device", entry);
			if (!link_basename_at(AT_FDCWD, devlink, v.node.device,
					      sizeof(v.node.device), &cut)) {
				if (cut)
					continue;	/* no device name is that long */
				v.node.group = read_group(devlink);
			}
		}
		r = push(arr, n, cap, &v);
	}
	closedir(d);
	return r;
}

int vfio_nodes_scan(const char *root, struct vfio_node **out, size_t *n)
{
	size_t cap = 0;
	int r;

	*out = NULL;
	*n = 0;
	r = scan_class(root, "vfio", DG_NODE_GROUP, out, n, &cap);
	if (!r)
		r = scan_class(root, "vfio-dev", DG_NODE_DEVICE, out, n, &cap);
	if (!r)
		r = scan_class(root, "misc", DG_NODE_IOMMU, out, n, &cap);
	if (r) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return r;
}
