// SPDX-License-Identifier: GPL-2.0
/*
 * The opener's identity beyond its credentials: its cgroup v2 path and its
 * executable's path (dmaguard.policy(5), OPEN RULES), into this task's open
 * record. Each walk goes up one name per call of a global step function,
 * keeping its place in the record: the verifier then checks a step once.
 * Unrolled with the place in registers, the walks were checked once per
 * step and per way of reaching it (~280,000 instructions on 6.1, most of
 * the open gate's load time).
 */
#include "common.bpf.h"

enum walk_step {
	WALK_MORE,
	WALK_DONE,
	WALK_FAILED,
};

static __always_inline struct open_record *open_record_of(__u64 id)
{
	return bpf_map_lookup_elem(&opening, &id);
}

static __always_inline int chain_push(struct open_record *rec, const void *name)
{
	__u32 k = rec->walk.names;

	if (k >= DG_PATH_DEPTH)
		return -1;
	rec->chain[k & (DG_PATH_DEPTH - 1)] = (__u64)name;
	rec->walk.names = k + 1;
	return 0;
}

/*
 * rec->chain[names - 1] .. [0] as "/a/b/c" into the subject's cgroup or exe
 * (DG_EXE_LEN bytes); -1 if a read failed.
 */
__noinline int path_write(__u64 id, __u32 exe)
{
	struct open_record *rec = open_record_of(id);
	__u32 pos = 0, i, j, k;
	char *dst;
	long n;

	if (!rec)
		return -1;
	k = rec->walk.names;
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
			return -1;
		pos += n - 1;
	}
	/* a longer path keeps its first DG_EXE_LEN - 1 bytes: prefix rules only */
	dst = exe ? rec->subj.exe : rec->subj.cgroup;
	__builtin_memcpy(dst, rec->path, DG_EXE_LEN - 1);
	dst[DG_EXE_LEN - 1] = '\0';
	return 0;
}

/* One name up the task's cgroup v2 hierarchy (its kernfs nodes). */
__noinline int cgroup_step(__u64 id)
{
	struct open_record *rec = open_record_of(id);
	struct kernfs_node *kn, *up;

	if (!rec)
		return WALK_FAILED;
	kn = (void *)rec->walk.node;
	if (!kn)
		return WALK_FAILED;
	up = kernfs_parent(kn);
	if (!up)
		return WALK_DONE;
	if (chain_push(rec, BPF_CORE_READ(kn, name)))
		return WALK_FAILED;
	rec->walk.node = (__u64)up;
	return WALK_MORE;
}

/*
 * The cgroup v2 path of the current task, from the hierarchy's root, not
 * from its cgroup namespace: a process cannot choose it, only be moved by
 * whoever may write the target's cgroup.procs.
 */
static __always_inline void read_cgroup_path(__u64 id, struct open_record *rec)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	int i, r = WALK_FAILED;

	rec->walk.node = (__u64)BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
	rec->walk.names = 0;
	for (i = 0; i <= DG_PATH_DEPTH; i++) {
		r = cgroup_step(id);
		if (r != WALK_MORE)
			break;
	}
	if (r == WALK_DONE)
		path_write(id, 0);
}

/*
 * __FMODE_EXEC: in f_flags of a file execve opened (do_open_execat), and of
 * no file open(2) returns. prctl(PR_SET_MM_MAP) may set any file the caller
 * opened as mm->exe_file, needing CAP_CHECKPOINT_RESTORE only in its own
 * user namespace (5.9+): such an exe_file is not the program it runs.
 */
#define DG_FMODE_EXEC	0x20

static __always_inline struct vfsmount *vfsmount_of(struct mount *m)
{
	return (void *)m + bpf_core_field_offset(struct mount, mnt);
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
 * One step up from a dentry toward the top of the mount tree: to its
 * parent, or, at its mount's root, to the mountpoint in the parent mount.
 */
__noinline int exe_step(__u64 id)
{
	struct open_record *rec = open_record_of(id);
	struct dentry *d, *parent;
	struct mount *m, *up;

	if (!rec)
		return WALK_FAILED;
	d = (void *)rec->walk.node;
	m = (void *)rec->walk.mount;
	if (d == BPF_CORE_READ(vfsmount_of(m), mnt_root)) {
		up = BPF_CORE_READ(m, mnt_parent);
		if (up == m)
			return WALK_DONE;
		if (!mount_trusted(up))
			return WALK_FAILED;
		rec->walk.node = (__u64)BPF_CORE_READ(m, mnt_mountpoint);
		rec->walk.mount = (__u64)up;
		return WALK_MORE;
	}
	parent = BPF_CORE_READ(d, d_parent);
	if (!parent || parent == d)
		return WALK_FAILED;	/* a root that is not its mount's */
	if (chain_push(rec, BPF_CORE_READ(d, d_name.name)))
		return WALK_FAILED;	/* too deep */
	rec->walk.node = (__u64)parent;
	return WALK_MORE;
}

/*
 * The path of the current task's executable, from its dentry up through
 * every mount to the top of its mount tree, as the kernel's d_path() walks
 * it but to the tree's root rather than the task's (chroot changes
 * nothing). Not a (device, inode) identity: a package upgrade replaces the
 * file and the path still names it, while a hard link or a copy elsewhere
 * has another path. Rename is no way around it either: only whoever may
 * write both directories can move a file into a path a rule names. Left ""
 * when the file is not the one execve opened (DG_FMODE_EXEC), when a mount
 * on the way is not trusted (mount_trusted()), when the file is not
 * reachable from the top (detached, internal), or is deeper than
 * DG_PATH_DEPTH names.
 */
static __always_inline void read_exe_path(__u64 id, struct open_record *rec)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct vfsmount *vmnt;
	struct mount *m;
	struct file *exe;
	int i, r = WALK_FAILED;

	exe = BPF_CORE_READ(task, mm, exe_file);
	if (!exe)
		return;	/* a kernel thread */
	if (!(BPF_CORE_READ(exe, f_flags) & DG_FMODE_EXEC))
		return;	/* set by prctl(PR_SET_MM), not by execve */
	vmnt = BPF_CORE_READ(exe, f_path.mnt);
	m = (void *)vmnt - bpf_core_field_offset(struct mount, mnt);
	if (!mount_trusted(m))
		return;
	rec->walk.node = (__u64)BPF_CORE_READ(exe, f_path.dentry);
	rec->walk.mount = (__u64)m;
	rec->walk.names = 0;
	for (i = 0; i < 2 * DG_PATH_DEPTH; i++) {
		r = exe_step(id);
		if (r != WALK_MORE)
			break;
	}
	if (r == WALK_DONE)
		path_write(id, 1);
}

/* The opener's cgroup and executable paths into this task's open record. */
__noinline int read_opener_paths(__u64 id)
{
	struct open_record *rec = open_record_of(id);

	if (!rec)
		return -1;
	read_cgroup_path(id, rec);
	read_exe_path(id, rec);
	return 0;
}
