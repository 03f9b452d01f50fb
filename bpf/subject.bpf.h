/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a bind subject (device, driver) from the kernel's structures. Included through common.bpf.h. */
#ifndef DMAGUARD_SUBJECT_BPF_H
#define DMAGUARD_SUBJECT_BPF_H

static __always_inline int group_id(struct device *dev)
{
	struct iommu_group *grp = BPF_CORE_READ(dev, iommu_group);

	return grp ? BPF_CORE_READ(grp, id) : DG_NO_GROUP;
}

/* The device is on the "pci" bus (not "pci_express", PCIe port services). */
static __always_inline bool dev_is_pci(struct device *dev)
{
	char bus[5] = {};

	bpf_probe_read_kernel_str(bus, sizeof(bus), BPF_CORE_READ(dev, bus, name));
	return bus[0] == 'p' && bus[1] == 'c' && bus[2] == 'i' && bus[3] == '\0';
}

/* The device side of a bind subject. */
static __always_inline void read_device(struct device *dev, struct dg_bind_subject *s)
{
	struct pci_dev *pdev;

	bpf_probe_read_kernel_str(s->device, sizeof(s->device), BPF_CORE_READ(dev, kobj.name));
	s->group = group_id(dev);
	s->is_pci = dev_is_pci(dev);
	if (!s->is_pci)
		return;
	pdev = (void *)dev - bpf_core_field_offset(struct pci_dev, dev);
	s->vendor = BPF_CORE_READ(pdev, vendor);
	s->devid = BPF_CORE_READ(pdev, device);
	s->class = BPF_CORE_READ(pdev, class) & 0xffffff;
}

static __always_inline void read_driver(const struct device_driver *drv,
					struct dg_bind_subject *s)
{
	bpf_probe_read_kernel_str(s->driver, sizeof(s->driver), BPF_CORE_READ(drv, name));
	s->dma = dg_driver_dma_mode(s->driver);
}

/*
 * The driver takes the group for kernel DMA. Where the kernel has
 * driver_managed_dma (5.19+) its flag decides, as in pci_dma_configure();
 * elsewhere the shared name list does.
 */
static __always_inline bool driver_takes_group(const struct device_driver *drv,
					       const struct dg_bind_subject *s)
{
	struct pci_driver *pdrv;

	if (s->dma != DG_DMA_KERNEL)
		return false;
	if (s->is_pci && bpf_core_field_exists(struct pci_driver, driver_managed_dma)) {
		pdrv = (void *)drv - bpf_core_field_offset(struct pci_driver, driver);
		return !BPF_CORE_READ(pdrv, driver_managed_dma);
	}
	return dg_driver_takes_group(s->driver);
}

/*
 * The opener's identity beyond its credentials: its cgroup v2 path and its
 * executable's path (dmaguard.policy(5), OPEN RULES). Both are built as a
 * chain of name pointers, leaf first, in the task's open_record (the stack
 * is too small), then written out root first.
 */

/* rec->chain[k - 1] .. [0] as "/a/b/c" into dst (DG_EXE_LEN bytes); false if a read failed. */
static __always_inline bool path_write(struct open_record *rec, __u32 k, char *dst)
{
	__u32 pos = 0, i, j;
	long n;

	__builtin_memset(rec->path, 0, sizeof(rec->path));
	rec->path[0] = '/';	/* the root, if no component follows */
	/* unrolled: 5.10 and 6.1 refuse a loop that a fall-through closes */
#pragma unroll
	for (i = 0; i < DG_PATH_DEPTH; i++) {
		if (i >= k || pos >= DG_EXE_LEN - 1)
			break;
		j = (k - 1 - i) & (DG_PATH_DEPTH - 1);
		/* restate the bounds in a form the compiler cannot fold away */
		barrier_var(pos);
		rec->path[pos & (DG_EXE_LEN - 1)] = '/';
		pos++;
		barrier_var(pos);
		/* at most DG_EXE_LEN bytes from below DG_EXE_LEN: inside path[] */
		n = bpf_probe_read_kernel_str(rec->path + (pos & (DG_EXE_LEN - 1)), DG_EXE_LEN,
					      (const void *)rec->chain[j]);
		if (n <= 0)
			return false;
		pos += n - 1;
	}
	/* a longer path keeps its first DG_EXE_LEN - 1 bytes: prefix rules only */
	__builtin_memcpy(dst, rec->path, DG_EXE_LEN - 1);
	dst[DG_EXE_LEN - 1] = '\0';
	return true;
}

/* kernfs_node's parent, before and after 6.15 renamed it __parent */
struct kernfs_node___parent {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

struct kernfs_node___rcu_parent {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kernfs_parent(struct kernfs_node *kn)
{
	struct kernfs_node___rcu_parent *rcu = (void *)kn;
	struct kernfs_node___parent *old = (void *)kn;

	if (bpf_core_field_exists(rcu->__parent))
		return BPF_CORE_READ(rcu, __parent);
	return BPF_CORE_READ(old, parent);
}

/*
 * The cgroup v2 path of the current task, from the hierarchy's root, not
 * from its cgroup namespace: a process cannot choose it, only be moved by
 * whoever may write the target's cgroup.procs.
 */
static __always_inline bool read_cgroup_path(struct open_record *rec)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct kernfs_node *kn, *up;
	__u32 k = 0, i;

	kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
#pragma unroll
	for (i = 0; i <= DG_PATH_DEPTH; i++) {
		if (!kn)
			return false;
		up = kernfs_parent(kn);
		if (!up)
			return path_write(rec, k, rec->subj.cgroup);
		if (k >= DG_PATH_DEPTH)
			return false;
		rec->chain[k & (DG_PATH_DEPTH - 1)] = (__u64)BPF_CORE_READ(kn, name);
		k++;
		kn = up;
	}
	return false;
}

/*
 * __FMODE_EXEC: in f_flags of a file execve opened (do_open_execat), and of
 * no file open(2) returns. prctl(PR_SET_MM_MAP) may set any file the caller
 * opened as mm->exe_file, needing CAP_CHECKPOINT_RESTORE only in its own
 * user namespace (5.9+): such an exe_file is not the program it runs.
 */
#define DG_FMODE_EXEC	0x20

static __always_inline struct mount *real_mount(struct vfsmount *mnt)
{
	return (void *)mnt - bpf_core_field_offset(struct mount, mnt);
}

/*
 * A mount only root could have made: it belongs to a mount namespace of
 * the initial user namespace. Mount namespaces an unprivileged user can
 * make (unshare -Urm) belong to their own user namespace, where they may
 * bind-mount any file over /usr/bin/qemu-system-x86_64; internal mounts
 * (memfd) and detached ones have no namespace.
 */
static __always_inline bool mount_trusted(struct mount *m)
{
	struct mnt_namespace *ns = BPF_CORE_READ(m, mnt_ns);
	struct user_namespace *uns;
	int level = -1;

	if (!ns)
		return false;
	uns = BPF_CORE_READ(ns, user_ns);	/* 0 where ns is not a pointer (internal) */
	if (!uns || bpf_core_read(&level, sizeof(level), &uns->level))
		return false;
	return level == 0;
}

/*
 * The path of the current task's executable, from its dentry up through
 * every mount to the top of its mount tree, as the kernel's d_path() walks
 * it but to the tree's root rather than the task's (chroot changes
 * nothing). Not a (device, inode) identity: a package upgrade replaces the
 * file and the path still names it, while a hard link or a copy elsewhere
 * has another path. Rename is no way around it either: only whoever may
 * write both directories can move a file into a path a rule names. "" when
 * the file is not the one execve opened (DG_FMODE_EXEC), when a mount on
 * the way is not trusted (mount_trusted()), when the file is not reachable
 * from the top (detached, internal), or is deeper than DG_PATH_DEPTH names.
 */
static __always_inline bool read_exe_path(struct open_record *rec)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct dentry *d, *parent;
	struct vfsmount *vmnt;
	struct mount *m, *up;
	struct file *exe;
	__u32 k = 0, i;

	exe = BPF_CORE_READ(task, mm, exe_file);
	if (!exe)
		return false;	/* a kernel thread */
	if (!(BPF_CORE_READ(exe, f_flags) & DG_FMODE_EXEC))
		return false;	/* set by prctl(PR_SET_MM), not by execve */
	d = BPF_CORE_READ(exe, f_path.dentry);
	vmnt = BPF_CORE_READ(exe, f_path.mnt);
	m = real_mount(vmnt);
	if (!mount_trusted(m))
		return false;
#pragma unroll
	for (i = 0; i < 2 * DG_PATH_DEPTH; i++) {
		if (d == BPF_CORE_READ(vmnt, mnt_root)) {
			up = BPF_CORE_READ(m, mnt_parent);
			if (up == m)
				return path_write(rec, k, rec->subj.exe);
			if (!mount_trusted(up))
				return false;
			d = BPF_CORE_READ(m, mnt_mountpoint);
			m = up;
			vmnt = (void *)up + bpf_core_field_offset(struct mount, mnt);
			continue;
		}
		parent = BPF_CORE_READ(d, d_parent);
		if (!parent || parent == d || k >= DG_PATH_DEPTH)
			return false;	/* a root that is not its mount's, or too deep */
		rec->chain[k & (DG_PATH_DEPTH - 1)] = (__u64)BPF_CORE_READ(d, d_name.name);
		k++;
		d = parent;
	}
	return false;
}

#endif /* DMAGUARD_SUBJECT_BPF_H */
