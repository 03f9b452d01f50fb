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

static int read_group(const char *devdir, __s32 *group)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	pathf(path, sizeof(path), "%s/iommu_group", devdir);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		*group = DG_NO_GROUP;
		return 0;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	*group = atoi(base ? base + 1 : target);
	return 0;
}

static int push(struct vfio_node **arr, size_t *n, size_t *cap, const struct vfio_node *v)
{
	struct vfio_node *p;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		p = realloc(*arr, *cap * sizeof(**arr));
		if (!p)
			return -ENOMEM;
		*arr = p;
	}
	(*arr)[(*n)++] = *v;
	return 0;
}

/* "12" or "noiommu-12" */
static __s32 group_from_name(const char *name)
{
	char *end;
	long v;

	if (!strncmp(name, "noiommu-", 8))
		name += 8;
	v = strtol(name, &end, 10);
	if (end == name || *end || v < 0 || v > INT_MAX)
		return DG_NO_GROUP;
	return v;
}

static int scan_class(const char *root, const char *cls, __u32 kind, struct vfio_node **arr,
		      size_t *n, size_t *cap)
{
	char dir[PATH_MAX], entry[PATH_MAX], devlink[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	pathf(dir, sizeof(dir), "%s/class/%s", root, cls);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!r && (de = readdir(d))) {
		struct vfio_node v = { 0 };
		ssize_t len;

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
			len = readlink(devlink, target, sizeof(target) - 1);
			if (len > 0) {
				const char *base;

				target[len] = '\0';
				base = strrchr(target, '/');
				base = base ? base + 1 : target;
				if (strlen(base) >= sizeof(v.node.device))
					continue;	/* no device name is that long */
				memcpy(v.node.device, base, strlen(base) + 1);
				read_group(devlink, &v.node.group);
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
