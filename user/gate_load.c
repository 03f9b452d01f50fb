// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a gate's program into the set in force when a policy first needs
 * it (gates.h, GATES_ON_DEMAND).
 *
 * `run` loads the open gate only for a policy that judges opens: it is
 * about 40% of what the verifier checks at start-up, which is on the
 * boot's critical path (tests/bench/README.md). A reload or `run --all`
 * that needs it later loads it here, into a set this very object loaded
 * (set_object.h): only that program, the set's pinned maps by name, and
 * the set's .bss and .rodata (the programs' shared globals: VFIO majors,
 * denials in flight, the set's identity), found through the set's own
 * programs. Its program is pinned beside the others, as if `run` had
 * loaded it. The open gate brings the programs that keep the VFIO nodes
 * it reads (device_add, device_del: PROG_WITH_OPEN_GATE), attached for good.
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
#include "set_object.h"
#include "upgrade.h"
#include "util.h"

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

/* The set's .bss and .rodata: its programs' globals, this object's layout. */
static int share_globals(struct dmaguard_bpf *skel, const char *dir, char *err, size_t len)
{
	int bss_fd, rodata_fd, r;

	r = set_object_globals(dir, &bss_fd, &rodata_fd);
	if (r)
		return errf(err, len, r, "cannot find the globals of the programs pinned in %s: %s",
			    dir, strerror(-r));
	r = bpf_map__reuse_fd(skel->maps.bss, bss_fd);
	if (!r)
		r = bpf_map__reuse_fd(skel->maps.rodata, rodata_fd);
	close(bss_fd);
	close(rodata_fd);
	if (r)
		errf(err, len, r, "cannot share the globals of %s: %s", dir, strerror(-r));
	return r;
}

/*
 * Only into a set this very object loaded: another build, even of this
 * format, may lay its globals out otherwise. `run` takes such a set over
 * in place (loader.c), as it does an older format's.
 */
static int check_same_object(const char *dir, const char *what_gate, char *err, size_t len)
{
	struct dg_format f;
	int r = set_object_origin(dir, &f);

	if (r < 0)
		return errf(err, len, r, "cannot tell which build loaded %s: %s", dir,
			    strerror(-r));
	if (r == SET_THIS_OBJECT)
		return 0;
	if (r == SET_NEWER_FORMAT)
		return errf(err, len, -EPROTO, "the enforcement in %s was loaded by a newer "
			    "dmaguard (%s, format %u): this one (%s) cannot load the %s into it; "
			    "use the newer dmaguard", dir, upgrade_build_of(&f), f.version,
			    DMAGUARD_VERSION, what_gate);
	return errf(err, len, -EPROTO, "the enforcement in %s was loaded by another build "
		    "(dmaguard %s): this one (%s) cannot load the %s into it; restart "
		    "'dmaguard run' with this build (systemctl restart dmaguard), which "
		    "takes it over in place with no gap, then reload", dir,
		    upgrade_build_of(&f), DMAGUARD_VERSION, what_gate);
}

/*
 * What loads with want: itself, and with the open gate the programs that
 * keep its VFIO nodes (PROG_WITH_OPEN_GATE) unless attached already (an
 * earlier load that stopped before the gate's own pin).
 */
static void select_with(struct dmaguard_bpf *skel, const char *dir, const struct prog_def *want)
{
	size_t i;

	for (i = 0; i < bpf_n_progs; i++) {
		const struct prog_def *d = &bpf_progs[i];

		bpf_program__set_autoload(prog_of(skel, d),
					  d == want || (d->need == PROG_WITH_OPEN_GATE &&
							(want->gate & PROG_GATE_OPEN) &&
							!pindir_has(dir, "links", d->name)));
	}
}

/*
 * The open gate's aids run before its nodes are seeded, and those before
 * the gate's program is pinned: a node made meanwhile is in the map when
 * the gate first reads it.
 */
static int start_aids(struct dmaguard_bpf *skel, const char *dir, char *err, size_t len)
{
	int r = loader_attach_open_gate_aids(skel, dir, err, len);

	if (!r && (r = loader_seed_nodes(skel, true)))
		errf(err, len, r, "cannot seed the VFIO nodes from sysfs: %s", strerror(-r));
	return r;
}

static int load_into(struct dmaguard_bpf *skel, const char *dir, const struct prog_def *want,
		     char *err, size_t len)
{
	char path[PATH_MAX];
	int r;

	select_with(skel, dir, want);
	r = mapsize_apply(skel->obj, "/sys");
	if (r)
		return errf(err, len, r, "cannot size the BPF maps: %s", strerror(-r));
	r = share_pinned_maps(skel, dir, err, len);
	if (!r)
		r = share_globals(skel, dir, err, len);
	if (!r)
		r = loader_load(skel, err, len);
	if (!r && (want->gate & PROG_GATE_OPEN))
		r = start_aids(skel, dir, err, len);
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
	r = check_same_object(dir, what, err, len);
	if (r)
		return r;
	r = loader_open_object(&skel, NULL, err, len);
	if (r)
		return r;
	r = load_into(skel, dir, want, err, len);
	dmaguard_bpf__destroy(skel);
	return r;
}
