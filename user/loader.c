// SPDX-License-Identifier: GPL-2.0
/*
 * Loading, attaching and pinning the BPF side.
 *
 * Everything is built under DIR-new and renamed to DIR only when complete,
 * so the pin directory either holds a working enforcement or nothing. Once
 * pinned, the loader closes its own link and program descriptors: the pins
 * keep the programs attached while no daemon runs, and `unload` detaches them
 * by removing the pins. Opening the BPF object for the running kernel, and
 * choosing its programs, is loader_open.c's.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "dmaguard.skel.h"
#include "attach_btf.h"
#include "bpf_objects.h"
#include "gates.h"
#include "loader.h"
#include "match.h"
#include "nodes.h"
#include "pindir.h"
#include "set_object.h"
#include "topology.h"
#include "upgrade.h"
#include "util.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
/*
 * The kernel's own ENOTSUPP (not in userspace errno.h): what a kernel without
 * BPF trampolines to its functions answers an fentry/fexit/LSM attach with,
 * e.g. arm64 before 6.4 (no ftrace direct calls).
 */
#define KERNEL_ENOTSUPP 524
#define NO_TRAMPOLINES "the kernel cannot attach BPF trampolines to its functions: " \
		       "dmaguard's fentry/fexit and LSM programs need them " \
		       "(x86-64 from Linux 5.5, arm64 from 6.4)"
#endif

/*
 * DIR's parent must be on bpffs (checked by name, before anything is made
 * there; pindir_open() then checks who may change it).
 */
static int check_bpffs(const char *dir, char *err, size_t len)
{
	char parent[PATH_MAX];
	struct statfs sfs;

	pindir_parent(dir, parent, sizeof(parent));
	if (statfs(parent, &sfs) || sfs.f_type != BPF_FS_MAGIC)
		return errf(err, len, -EOPNOTSUPP,
			    "%s is not on a BPF filesystem (mount -t bpf -o mode=0700 bpf /sys/fs/bpf)",
			    parent);
	return 0;
}

/* What identifies the policy of slot 0 (by name: the VM tests' older build has no such map). */
static int write_initial_info(struct dmaguard_bpf *skel, const struct policy *pol,
			      const struct dg_policy *hdr)
{
	struct bpf_map *map = bpf_object__find_map_by_name(skel->obj, "policy_info");
	struct dg_policy_info info;
	__u32 zero = 0;

	if (!map)
		return 0;
	pinned_policy_info(pol, hdr->generation, &info);
	return bpf_map_update_elem(bpf_map__fd(map), &zero, &info, 0) ? -errno : 0;
}

/*
 * Write a policy into slot 0 of freshly created maps, and the format entry
 * whose gate lets this set (dg_my_set 0) judge, before anything attaches.
 */
static int write_initial_state(struct dmaguard_bpf *skel, const struct policy *pol,
			       const struct dg_policy *hdr)
{
	struct dg_config cfg = { .active_slot = 0, .emit_all = 0 };
	struct dg_format fmt;
	struct policy_maps maps = skel_policy_maps(skel);
	__u32 zero = 0;
	int r;

	upgrade_format_init(&fmt, skel->rodata->dg_my_set);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.format), &zero, &fmt, 0))
		return -errno;
	r = policy_maps_write(&maps, 0, pol);
	if (r)
		return r;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.policy), &zero, hdr, 0) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.config), &zero, &cfg, 0))
		return -errno;
	return write_initial_info(skel, pol, hdr);
}

/* Groups as sysfs shows them now; the BPF side keeps them current from here. */
static int seed_groups(struct dmaguard_bpf *skel)
{
	struct topology t;
	char err[256];
	size_t i, j;

	if (topology_scan("/sys", &t, err, sizeof(err))) {
		errno = EIO;
		return -EIO;
	}
	for (i = 0; i < t.n_groups; i++) {
		struct dg_group g = { 0 };
		__u32 key = t.groups[i].id;

		for (j = 0; j < t.groups[i].n_members; j++) {
			const struct topo_device *d = &t.devices[t.groups[i].members[j]];

			if (dg_driver_takes_group(d->driver))
				g.kernel_drivers++;
		}
		g.owner = g.kernel_drivers ? DG_OWNER_KERNEL : DG_OWNER_NONE;
		if (t.groups[i].owner == DG_OWNER_USER) {
			g.owner = DG_OWNER_USER;
			g.user_claims = 1;
			g.owner_pid = t.groups[i].owner_pid;
			memcpy(g.owner_comm, t.groups[i].owner_comm, sizeof(g.owner_comm));
		}
		bpf_map_update_elem(bpf_map__fd(skel->maps.groups), &key, &g, BPF_NOEXIST);
	}
	topology_free(&t);
	return 0;
}

/* Drop every entry of the node map (loader_seed_nodes). */
static int clear_nodes(int fd)
{
	__u32 key;

	while (!bpf_map_get_next_key(fd, NULL, &key))
		if (bpf_map_delete_elem(fd, &key) && errno != ENOENT)
			return -errno;
	return 0;
}

int loader_seed_nodes(struct dmaguard_bpf *skel, bool stale)
{
	int fd = bpf_map__fd(skel->maps.nodes);
	struct vfio_node *nodes = NULL;
	size_t n = 0, i;
	int r;

	/* a set loaded without the open gate does not track them */
	if (!stale && !bpf_program__autoload(skel->progs.device_add_exit))
		return 0;
	r = vfio_nodes_scan("/sys", &nodes, &n);
	if (!r && stale)
		r = clear_nodes(fd);
	if (r) {
		free(nodes);
		return r;
	}
	for (i = 0; i < n; i++) {
		bpf_map_update_elem(fd, &nodes[i].rdev, &nodes[i].node, BPF_NOEXIST);
		/* 1: VFIO's own major; 2: the misc major /dev/iommu shares (vfio_open.bpf.c) */
		skel->bss->vfio_major[(nodes[i].rdev >> 20) & 0xfff] = nodes[i].node.kind == DG_NODE_IOMMU ? 2 : 1;
	}
	free(nodes);
	return 0;
}

/* Attach one program and pin its link under TMP/links. */
static int attach_one(struct bpf_program *prog, const char *tmp, char *err, size_t len)
{
	const char *name = bpf_program__name(prog);
	struct bpf_link *link;
	char path[PATH_MAX];
	int r;

	link = attach_btf_attach(prog);
	if (!link && errno == KERNEL_ENOTSUPP)
		return errf(err, len, -EOPNOTSUPP, NO_TRAMPOLINES " (attaching %s to %s)",
			    name, bpf_program__section_name(prog));
	if (!link)
		return errf(err, len, errno == EPERM ? -EOPNOTSUPP : -errno,
			    "cannot attach %s (%s): %s", name,
			    bpf_program__section_name(prog), strerror(errno));
	pathf(path, sizeof(path), "%s/links/%s", tmp, name);
	r = bpf_link__pin(link, path);
	/*
	 * Close our descriptor: the pin holds the attachment. (Not
	 * bpf_link__disconnect(): destroy would then keep the descriptor open,
	 * and a running daemon would keep its programs attached past unload.)
	 */
	bpf_link__destroy(link);
	if (r)
		return errf(err, len, r, "cannot pin link %s: %s", path, strerror(-r));
	return 0;
}

/* The gates' programs are pinned whether attached or not (gates.h). */
static int pin_gate_programs(struct dmaguard_bpf *skel, const char *tmp, char *err, size_t len)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < bpf_n_progs; i++) {
		struct bpf_program *prog = prog_of(skel, &bpf_progs[i]);

		if (!bpf_progs[i].gate || !bpf_program__autoload(prog))
			continue;
		pathf(path, sizeof(path), "%s/progs/%s", tmp, bpf_progs[i].name);
		if (bpf_program__pin(prog, path))
			return errf(err, len, -errno, "cannot pin program %s: %s", path,
				    strerror(errno));
	}
	return 0;
}

int loader_attach_open_gate_aids(struct dmaguard_bpf *skel, const char *dir, char *err,
				 size_t len)
{
	size_t i;
	int code;

	for (i = 0; i < bpf_n_progs; i++) {
		const struct prog_def *d = &bpf_progs[i];

		if (d->need != PROG_WITH_OPEN_GATE || !bpf_program__autoload(prog_of(skel, d)))
			continue;
		code = attach_one(prog_of(skel, d), dir, err, len);
		if (code)
			return code;
	}
	return 0;
}

/* Attach the programs that are not gates, the fentry ones or the others. */
static int attach_pass(struct dmaguard_bpf *skel, const char *tmp, bool fentry_pass,
		       char *err, size_t len)
{
	size_t i;
	int code;

	for (i = 0; i < bpf_n_progs; i++) {
		const struct prog_def *d = &bpf_progs[i];
		struct bpf_program *prog = prog_of(skel, d);

		if (!bpf_program__autoload(prog) || d->gate ||
		    (d->kind == PROG_FENTRY) != fentry_pass)
			continue;
		code = attach_one(prog, tmp, err, len);
		if (code)
			return code;
	}
	return 0;
}

int loader_attach_and_pin(struct dmaguard_bpf *skel, const char *tmp, unsigned int gates,
			  char *err, size_t len)
{
	char path[PATH_MAX];
	size_t i;
	int code;

	for (i = 0; i < bpf_n_maps; i++) {
		pathf(path, sizeof(path), "%s/%s", tmp, bpf_maps[i].name);
		if (bpf_map__pin(map_of(skel, &bpf_maps[i]), path))
			return errf(err, len, -errno, "cannot pin map %s: %s", path,
				    strerror(errno));
	}
	code = pin_gate_programs(skel, tmp, err, len);
	/* fentry last: a probe that starts while attaching finds its fexit and gate */
	if (!code)
		code = attach_pass(skel, tmp, false, err, len);
	if (!code)
		code = gates_attach(tmp, gates, err, len);
	if (!code)
		code = attach_pass(skel, tmp, true, err, len);
	return code;
}

/*
 * The privilege was checked before (pindir_privileged): a refusal now is
 * the kernel's (lockdown, a sysctl, no trampolines).
 */
static int load_error(int r, char *err, size_t len)
{
	if (r == -EPERM || r == -EACCES)
		return errf(err, len, -EOPNOTSUPP,
			    "the kernel refused to load dmaguard's fentry/LSM programs (%s): "
			    "it needs BPF trampolines, and no lockdown or sysctl forbidding them",
			    strerror(-r));
	if (r == -KERNEL_ENOTSUPP)
		return errf(err, len, -EOPNOTSUPP, NO_TRAMPOLINES);
	return errf(err, len, r, "cannot load the BPF programs: %s (the verifier log is above)",
		    strerror(-r));
}

/* Rename DIR-new to DIR: a DIR made meanwhile (by whom?) is not replaced unless empty. */
static int rename_into_place(const struct pindir *pd, const char *tmp, char *err, size_t len)
{
	char new_name[NAME_MAX + 1];
	int owner;

	pathf(new_name, sizeof(new_name), "%s-new", pd->name);
	if (!renameat(pd->parent_fd, new_name, pd->parent_fd, pd->name))
		return 0;
	owner = pindir_owner_of(pd, pd->name);
	return errf(err, len, -errno, "cannot rename %s to %s: %s%s%d%s", tmp, pd->path,
		    strerror(errno), owner >= 0 ? " (made meanwhile by uid " : "",
		    owner >= 0 ? owner : 0, owner >= 0 ? ")" : "");
}

int loader_load(struct dmaguard_bpf *skel, char *err, size_t len)
{
	int r = dmaguard_bpf__load(skel);

	return r ? load_error(r, err, len) : 0;
}

void loader_skip_gates(struct dmaguard_bpf *skel, unsigned int gates)
{
	size_t i;

	for (i = 0; i < bpf_n_progs; i++)
		if ((bpf_progs[i].gate & GATES_ON_DEMAND & ~gates) ||
		    (bpf_progs[i].need == PROG_WITH_OPEN_GATE && !(gates & GATE_OPEN)))
			bpf_program__set_autoload(prog_of(skel, &bpf_progs[i]), false);
}

static int load_and_pin(const struct pindir *pd, const struct policy *pol,
			struct load_report *rep, char *err, size_t len)
{
	struct dg_policy hdr = pol->hdr;
	struct dmaguard_bpf *skel;
	char tmp[PATH_MAX];
	unsigned int gates = 0;
	int code;

	hdr.generation = 1;
	hdr.acts = gates_policy_acts(pol);
	code = loader_open_programs(&skel, rep, err, len);
	if (!code) {
		gates = gates_wanted(&hdr, false, rep->ownership_api);
		loader_skip_gates(skel, gates);
		code = loader_load(skel, err, len);
	}
	if (code)
		goto out;
	if (write_initial_state(skel, pol, &hdr)) {
		code = errf(err, len, -errno, "cannot fill the BPF maps: %s", strerror(errno));
		goto out;
	}
	/* bpffs refuses names with a dot */
	code = pindir_make_new(pd, tmp, sizeof(tmp), err, len);
	if (code)
		goto out;
	code = loader_attach_and_pin(skel, tmp, gates, err, len);
	/*
	 * Seed what sysfs shows only now that the hooks run: an entry they made
	 * meanwhile is newer than the scan and is kept (BPF_NOEXIST).
	 */
	if (!code && (seed_groups(skel) || loader_seed_nodes(skel, false)))
		code = errf(err, len, -errno, "cannot seed the BPF maps from sysfs: %s",
			    strerror(errno));
	if (!code)
		code = rename_into_place(pd, tmp, err, len);
	if (code)
		pindir_remove(tmp);
out:
	dmaguard_bpf__destroy(skel);
	return code;
}

/*
 * 1 when DIR holds a set of this format that another BPF object loaded
 * (another build, as after a package upgrade): it is taken over in place
 * like an older format's, so that this build's programs run and a gate
 * loaded on demand later is this object's (set_object.h). Else 0, or
 * -errno with err set.
 */
static int other_object_of_format(const char *dir, char *err, size_t len)
{
	struct dg_format f;
	int r = set_object_origin(dir, &f);

	if (r < 0)
		return errf(err, len, r, "cannot tell which build loaded %s: %s", dir,
			    strerror(-r));
	/* older: upgrade_check()'s; a newer one this format operates: reused */
	return r == SET_OTHER_BUILD;
}

/*
 * With the lock held: reuse DIR when it is ours, complete, of this format
 * and of this build's object; take it over in place when it is of an
 * older format or another build's; else load.
 * *stream_fd: a retired set's links/, whose daemon the caller waits for.
 */
static int ensure_locked(const struct pindir *pd, const struct policy *pol,
			 struct load_report *rep, int *stream_fd, char *err, size_t len)
{
	bool has_links;
	int r;

	/* a takeover a killed run left is finished or rolled back first */
	r = upgrade_recover(pd, stream_fd, err, len);
	if (r)
		return r;
	/* a DIR someone else made is refused: its pins could be unpinned by them */
	r = pindir_check_tree(pd, pd->name, &has_links, err, len);
	if (r && r != -ENOENT)
		return r;
	if (!r && has_links) {
		r = pindir_check_links(pd->path, err, len);
		if (!r)
			r = upgrade_check(pd->path, err, len);
		if (!r)
			r = other_object_of_format(pd->path, err, len);
		if (r == 1)
			return upgrade_takeover(pd, rep, stream_fd, err, len);
		rep->reused = true;
		return r;
	}
	return load_and_pin(pd, pol, rep, err, len);
}

int loader_ensure(const char *dir, const struct policy *pol, struct load_report *rep,
		  char *err, size_t len)
{
	int r, stream_fd = -1;
	struct pindir pd;

	memset(rep, 0, sizeof(*rep));
	/* every path below is DIR or DIR-new plus a short name */
	if (strlen(dir) > PATH_MAX - 128)
		return errf(err, len, -ENAMETOOLONG, "pin directory name too long: %s", dir);
	r = pindir_privileged(err, len);
	if (!r)
		r = check_bpffs(dir, err, len);
	if (!r)
		r = pindir_open(&pd, dir, err, len);
	if (r)
		return r;
	pindir_shared_warning(&pd, rep->warning, sizeof(rep->warning));
	r = pindir_lock(&pd, PINDIR_LOCK_WAIT_MS, err, len);
	if (!r)
		r = ensure_locked(&pd, pol, rep, &stream_fd, err, len);
	if (!r)
		pindir_list_links(pd.path, rep);
	pindir_close(&pd);
	/* the retired set's daemon drains the shared ring before this one reads it */
	upgrade_wait_stream(stream_fd);
	return r;
}
