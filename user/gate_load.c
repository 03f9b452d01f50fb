// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a gate's program into the set in force when a policy first needs
 * it (gates.h, GATES_ON_DEMAND).
 *
 * `run` loads the open gate only for a policy that judges opens: it is
 * about 40% of what the verifier checks at start-up, which is on the
 * boot's critical path (tests/bench/README.md). A reload or `run --all`
 * that needs it later loads it here: this build's object with only that
 * program, the set's pinned maps by name, and the set's .bss and .rodata
 * (the programs' shared globals: VFIO majors, denials in flight, the set's
 * identity), found through the set's own programs. Its program is pinned
 * beside the others, as if `run` had loaded it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "dmaguard.skel.h"
#include "bpf_objects.h"
#include "gates.h"
#include "loader.h"
#include "mapsize.h"
#include "pindir.h"
#include "upgrade.h"
#include "util.h"

/* More than the programs of one set (bpf_progs), with room for a takeover's. */
#define MAX_SET_PROGS 64
#define MAX_PROG_MAPS 32

/*
 * The gate's program of the flavour (LSM or fmod_ret) the set's other
 * gate has pinned: the kernel's LSM list, fixed at boot, chose it.
 */
static const struct prog_def *gate_program(const char *dir, unsigned int gate)
{
	enum prog_kind kind;
	size_t i, j;

	for (i = 0; i < bpf_n_progs; i++) {
		if (!bpf_progs[i].gate || bpf_progs[i].gate == gate ||
		    !pindir_has(dir, "progs", bpf_progs[i].name))
			continue;
		kind = bpf_progs[i].kind;
		for (j = 0; j < bpf_n_progs; j++)
			if (bpf_progs[j].gate == gate && bpf_progs[j].kind == kind)
				return &bpf_progs[j];
	}
	return NULL;
}

static int share_pinned_maps(struct dmaguard_bpf *skel, const char *dir, char *err, size_t len)
{
	char path[PATH_MAX];
	size_t i;
	int fd, r;

	for (i = 0; i < bpf_n_maps; i++) {
		pathf(path, sizeof(path), "%s/%s", dir, bpf_maps[i].name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			return errf(err, len, -errno, "cannot open %s: %s", path, strerror(errno));
		r = bpf_map__reuse_fd(map_of(skel, &bpf_maps[i]), fd);
		close(fd);
		if (r)
			return errf(err, len, r, "cannot share %s: %s", path, strerror(-r));
	}
	return 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * If map id is the set's .bss or .rodata (the kernel knows them as
 * "<object>.bss", "<object>.rodata") and that one is not shared yet, share
 * it: *found gets the bit. Same size or refused, as a layout check.
 */
static int share_if_global(struct dmaguard_bpf *skel, __u32 id, unsigned int *found)
{
	struct bpf_map *globals[] = { skel->maps.bss, skel->maps.rodata };
	static const char *const suffixes[] = { ".bss", ".rodata" };
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info);
	int fd = bpf_map_get_fd_by_id(id), r = 0;
	size_t i;

	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		r = -errno;
		goto out;
	}
	for (i = 0; i < 2; i++) {
		if (*found & (1u << i) || !has_suffix(info.name, suffixes[i]))
			continue;
		if (info.value_size != bpf_map__value_size(globals[i]))
			r = -EPROTO;
		else if (!(r = bpf_map__reuse_fd(globals[i], fd)))
			*found |= 1u << i;
	}
out:
	close(fd);
	return r;
}

/* The maps program id uses; a program gone meanwhile has none. */
static int share_globals_of(struct dmaguard_bpf *skel, __u32 prog_id, unsigned int *found)
{
	__u32 map_ids[MAX_PROG_MAPS], info_len, i;
	struct bpf_prog_info info;
	int fd = bpf_prog_get_fd_by_id(prog_id), r = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = MAX_PROG_MAPS;
	info.map_ids = (__u64)(unsigned long)map_ids;
	info_len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len))
		r = -errno;
	for (i = 0; !r && i < info.nr_map_ids && i < MAX_PROG_MAPS; i++)
		r = share_if_global(skel, map_ids[i], found);
	close(fd);
	return r;
}

static int share_globals(struct dmaguard_bpf *skel, const char *dir, char *err, size_t len)
{
	__u32 ids[MAX_SET_PROGS];
	size_t n = pindir_prog_ids(dir, ids, MAX_SET_PROGS), i;
	unsigned int found = 0;
	int r = 0;

	for (i = 0; i < n && found != 3 && !r; i++)
		r = share_globals_of(skel, ids[i], &found);
	if (r == -EPROTO)
		return errf(err, len, r, "the programs pinned in %s have globals of another "
			    "layout than this dmaguard's: restart 'dmaguard run' with this build "
			    "(it takes the set over in place)", dir);
	if (r)
		return errf(err, len, r, "cannot read the programs pinned in %s: %s", dir,
			    strerror(-r));
	if (found != 3)
		return errf(err, len, -ENOENT, "no program pinned in %s uses the set's %s",
			    dir, found & 1 ? ".rodata" : ".bss");
	return 0;
}

/* Only a set of this very format: an older one is taken over, a newer one not touched. */
static int check_format(const char *dir, char *err, size_t len)
{
	struct dg_format f;
	int r = upgrade_read_format(dir, &f);

	if (r)
		return errf(err, len, r, "cannot read %s/format: %s", dir, strerror(-r));
	if (f.version != DG_FORMAT)
		return errf(err, len, -EPROTO, "the enforcement in %s has format %u, this "
			    "dmaguard %u: it cannot load a program into it; restart "
			    "'dmaguard run' with the build that matches", dir, f.version,
			    DG_FORMAT);
	return 0;
}

static int load_into(struct dmaguard_bpf *skel, const char *dir, const struct prog_def *want,
		     char *err, size_t len)
{
	char path[PATH_MAX];
	size_t i;
	int r;

	for (i = 0; i < bpf_n_progs; i++)
		bpf_program__set_autoload(prog_of(skel, &bpf_progs[i]), &bpf_progs[i] == want);
	r = mapsize_apply(skel->obj, "/sys");
	if (r)
		return errf(err, len, r, "cannot size the BPF maps: %s", strerror(-r));
	r = share_pinned_maps(skel, dir, err, len);
	if (!r)
		r = share_globals(skel, dir, err, len);
	if (!r)
		r = loader_load(skel, err, len);
	if (r)
		return r;
	pathf(path, sizeof(path), "%s/progs/%s", dir, want->name);
	if (bpf_program__pin(prog_of(skel, want), path))
		return errf(err, len, -errno, "cannot pin program %s: %s", path, strerror(errno));
	return 0;
}

int gate_load(const char *dir, unsigned int gate, const char *what, char *err, size_t len)
{
	const struct prog_def *want = gate_program(dir, gate);
	struct dmaguard_bpf *skel;
	int r;

	if (!want)
		return errf(err, len, -ENOENT, "no program for the %s is pinned in %s/progs, nor "
			    "one of the other gate to tell its flavour (an interrupted load?): "
			    "run 'dmaguard unload' and start again", what, dir);
	r = check_format(dir, err, len);
	if (r)
		return r;
	skel = dmaguard_bpf__open();
	if (!skel)
		return errf(err, len, -errno, "cannot open the BPF object: %s", strerror(errno));
	r = load_into(skel, dir, want, err, len);
	dmaguard_bpf__destroy(skel);
	return r;
}
