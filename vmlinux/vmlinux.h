/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel types for dmaguard's CO-RE programs: only the types and fields the
 * programs read, each struct marked preserve_access_index so libbpf relocates
 * every field access by name against the running kernel's BTF.
 *
 * Why hand-written instead of `bpftool btf dump ... format c`: the generated
 * header describes one kernel's layout (100k+ lines), while these programs
 * must run on 5.10 to 7.x, where the fields we use move (iommu_group, pci_driver,
 * kernfs_node) or appear and disappear (iommu_group.owner, driver_managed_dma).
 * Here the offsets declared are irrelevant (CO-RE replaces them), a field that a
 * kernel lacks is guarded with bpf_core_field_exists(), and the build never
 * depends on the build host's running kernel. UAPI definitions (map types,
 * helper ids) come from the distribution's <linux/bpf.h>, which is stable ABI.
 */
#ifndef DMAGUARD_VMLINUX_H
#define DMAGUARD_VMLINUX_H

#include <linux/types.h>
#include <linux/bpf.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;
typedef _Bool bool;
typedef __u32 dev_t;		/* kernel encoding: major << 20 | minor */
typedef unsigned short umode_t;
#define true 1
#define false 0

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct kernfs_node {
	struct kernfs_node *parent;	/* __parent since 6.15 (subject.bpf.h) */
	const char *name;
	unsigned short flags;	/* enum kernfs_node_type in the low bits */
};

struct kobject {
	const char *name;
	struct kernfs_node *sd;
};

struct driver_private {
	struct kobject kobj;
};

struct bus_type {
	const char *name;
};

struct device_driver {
	const char *name;
	struct bus_type *bus;
	struct driver_private *p;
};

struct class {
	const char *name;
};

struct iommu_group {
	int id;
	unsigned int owner_cnt;	/* 5.19+ */
	void *owner;		/* 5.19+: non-NULL when userspace owns the group */
};

struct device {
	struct kobject kobj;
	struct device *parent;
	struct bus_type *bus;
	struct device_driver *driver;
	struct iommu_group *iommu_group;
	struct class *class;
	dev_t devt;
};

struct pci_dev {
	struct device dev;
	unsigned short vendor;
	unsigned short device;
	unsigned int class;	/* 0xCCSSPP */
};

struct pci_driver {
	struct device_driver driver;
	bool driver_managed_dma;	/* 5.19+ */
};

typedef struct {
	__u32 val;
} kuid_t;

typedef struct {
	__u32 val;
} kgid_t;

struct cred {
	kuid_t fsuid;
	kgid_t fsgid;
};

struct inode {
	umode_t i_mode;
	dev_t i_rdev;
};

struct qstr {
	union {
		struct {
			u32 hash;
			u32 len;
		};
		u64 hash_len;
	};
	const unsigned char *name;
};

struct dentry {
	struct dentry *d_parent;
	struct qstr d_name;
};

struct vfsmount {
	struct dentry *mnt_root;
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

struct file {
	struct inode *f_inode;
	const struct cred *f_cred;
	struct path f_path;
	unsigned int f_flags;	/* __FMODE_EXEC: opened by execve */
};

/* Opener identity (vfio_open.bpf.c): executable path and cgroup. */
struct user_namespace {
	int level;		/* 0: the initial user namespace */
};

struct mnt_namespace {
	struct user_namespace *user_ns;
};

struct mount {			/* fs/mount.h: container of a vfsmount */
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
	struct mnt_namespace *mnt_ns;
};

struct mm_struct {
	struct file *exe_file;
};

struct cgroup {
	struct kernfs_node *kn;
};

struct css_set {
	struct cgroup *dfl_cgrp;
};

struct task_struct {
	struct mm_struct *mm;
	struct css_set *cgroups;
};

#pragma clang attribute pop

/* enum kernfs_node_type */
#define KERNFS_LINK	0x0004

#define S_IFMT		00170000
#define S_IFCHR		0020000
#define S_ISCHR(m)	(((m) & S_IFMT) == S_IFCHR)

#define EPERM		1
#define ENOMEM		12
#define ENODEV		19

#endif /* DMAGUARD_VMLINUX_H */
