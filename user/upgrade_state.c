// SPDX-License-Identifier: GPL-2.0
/*
 * The pinned format (upgrade.h), and how state crosses a takeover: the maps
 * the BPF side writes are shared by descriptor (their layouts are frozen,
 * dmaguard.h), the ones only userspace writes are copied, converted.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "dmaguard.skel.h"
#include "bpf_objects.h"
#include "gates.h"
#include "upgrade.h"
#include "util.h"

void upgrade_format_init(struct dg_format *f, unsigned int set)
{
	memset(f, 0, sizeof(*f));
	f->magic = DG_FORMAT_MAGIC;
	f->version = DG_FORMAT;
	f->compat = DG_FORMAT;
	f->enforce = 1u << (set & 1);
	f->generation = 1;
	snprintf(f->build, sizeof(f->build), "%s", DMAGUARD_VERSION);
}

int upgrade_open_format(const char *dir, int *fd)
{
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info);
	char path[PATH_MAX];

	if (pathf(path, sizeof(path), "%s/format", dir))
		return -ENAMETOOLONG;
	*fd = bpf_obj_get(path);
	if (*fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(*fd, &info, &info_len) || info.type != BPF_MAP_TYPE_ARRAY ||
	    info.key_size != 4 || info.value_size != sizeof(struct dg_format)) {
		close(*fd);
		*fd = -1;
		return -EPROTO;
	}
	return 0;
}

int upgrade_get_format(int fd, struct dg_format *f)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, f))
		return -errno;
	return f->magic == DG_FORMAT_MAGIC ? 0 : -EPROTO;
}

int upgrade_read_format(const char *dir, struct dg_format *f)
{
	int fd, r;

	r = upgrade_open_format(dir, &fd);
	if (r)
		return r;
	r = upgrade_get_format(fd, f);
	close(fd);
	return r;
}

const char *upgrade_build_of(struct dg_format *f)
{
	f->build[sizeof(f->build) - 1] = '\0';
	return f->build[0] ? f->build : "unknown";
}

int upgrade_check(const char *dir, char *err, size_t len)
{
	struct dg_format f;
	int r = upgrade_read_format(dir, &f);

	if (r == -ENOENT || r == -EPROTO)
		return errf(err, len, -EPROTO,
			    "the enforcement pinned in %s has no format version (pinned by a "
			    "dmaguard before format 1): remove it once with 'dmaguard unload'; "
			    "from format 1 on, a newer dmaguard takes over in place", dir);
	if (r)
		return errf(err, len, r, "cannot read %s/format: %s", dir, strerror(-r));
	if (f.version <= DG_FORMAT)
		return f.version == DG_FORMAT ? 0 : 1;
	if (f.compat <= DG_FORMAT)
		return 0;	/* newer, and operable by this format */
	return errf(err, len, -EPROTO,
		    "the enforcement pinned in %s has format %u (pinned by dmaguard %s); this "
		    "dmaguard (%s, format %u) cannot operate it: use the newer dmaguard, or "
		    "'dmaguard unload' to remove it", dir, f.version, upgrade_build_of(&f),
		    DMAGUARD_VERSION, DG_FORMAT);
}

/* Whether a map of the old set has the layout this build's programs use. */
static int same_layout(int fd, const struct bpf_map *map)
{
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &info_len))
		return -errno;
	return info.type == bpf_map__type(map) && info.key_size == bpf_map__key_size(map) &&
	       info.value_size == bpf_map__value_size(map) ? 0 : -EPROTO;
}

/*
 * Share the old set's BPF-written maps: both sets then count, number and
 * queue as one. A map added after the old set's format (from_version) is
 * not there: the new set's own starts empty, and only the new set writes it.
 */
int upgrade_share_maps(struct dmaguard_bpf *skel, const char *dir, __u32 from_version,
		       char *err, size_t len)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	size_t i;
	int fd, r;

	/* the maps the BPF side writes: shared by both sets, layouts frozen */
	for (i = 0; i < bpf_n_maps; i++) {
		if (!bpf_maps[i].shared)
			continue;
		map = map_of(skel, &bpf_maps[i]);
		pathf(path, sizeof(path), "%s/%s", dir, bpf_maps[i].name);
		fd = bpf_obj_get(path);
		if (fd < 0 && errno == ENOENT && from_version < bpf_maps[i].since)
			continue;
		if (!map || fd < 0)
			return errf(err, len, -ENOENT, "cannot open %s: %s", path,
				    strerror(map ? errno : ENOENT));
		r = same_layout(fd, map);
		if (r == -EPROTO)
			errf(err, len, r, "map %s changed layout between the formats (a BPF-written "
			     "map, frozen by the format rule): this dmaguard cannot take it over; "
			     "'dmaguard unload' it first", path);
		else if (!r && (r = bpf_map__reuse_fd(map, fd)))
			errf(err, len, r, "cannot share %s: %s", path, strerror(-r));
		else if (r)
			errf(err, len, r, "cannot inspect %s: %s", path, strerror(-r));
		close(fd);
		if (r)
			return r;
	}
	return 0;
}

static int open_old_map(const char *dir, const char *name, __u32 *value_size)
{
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	pathf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		close(fd);
		return -errno;
	}
	*value_size = info.value_size;
	return fd;
}

/* Every entry of an array map, old to new, with the same value layout. */
static int copy_array(int from, int to, __u32 n, size_t value_size)
{
	char buf[512];
	__u32 i;

	if (value_size > sizeof(buf))
		return -EPROTO;
	for (i = 0; i < n; i++)
		if (bpf_map_lookup_elem(from, &i, buf) || bpf_map_update_elem(to, &i, buf, 0))
			return -errno;
	return 0;
}

/*
 * The active slot's rules, read from the old set's rules map (any format's:
 * its slots start max_entries / 2 keys apart, its rules may lack the fields
 * a later format added) and written with their index into the new set's
 * maps; the policy map, copied already, says how many. The other slot is
 * left empty: the next reload writes it whole, and a policy no longer in
 * force is no reason to refuse the takeover.
 */
static int convert_rules(struct dmaguard_bpf *skel, int rules, __u32 active)
{
	struct policy_maps maps = skel_policy_maps(skel);
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info), slot;
	struct dg_policy hdr;
	struct policy *p;
	int r = 0;

	if (bpf_obj_get_info_by_fd(rules, &info, &info_len))
		return -errno;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (slot = 0; !r && slot < 2; slot++) {
		if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.policy), &slot, &hdr)) {
			r = -errno;
			break;
		}
		if (slot != active) {
			hdr.n_rules = 0;
			if (bpf_map_update_elem(bpf_map__fd(skel->maps.policy), &slot, &hdr, 0))
				r = -errno;
			continue;
		}
		r = policy_maps_read(rules, info.max_entries / 2, slot, hdr.n_rules, p);
		if (!r)
			r = policy_maps_write(&maps, slot, p);
	}
	free(p);
	return r;
}

/*
 * The config, converted: the fields every format has (active_slot,
 * emit_all, force_audit lead struct dg_config in each) keep their values,
 * the rest starts at zero.
 */
static int convert_config(int from, __u32 from_size, struct dg_config *cfg)
{
	__u32 buf[64] = { 0 }, zero = 0;

	if (from_size > sizeof(buf) || from_size < 3 * sizeof(__u32))
		return -EPROTO;
	if (bpf_map_lookup_elem(from, &zero, buf))
		return -errno;
	memset(cfg, 0, sizeof(*cfg));
	cfg->active_slot = buf[0] & 1;
	cfg->emit_all = buf[1];
	cfg->force_audit = buf[2];
	return 0;
}

/*
 * What identifies both slots' policies, where the old set has it (format 2
 * on) in this layout; else the new set's entries stay zero: generation 0
 * matches no slot, so `status` says the policy in force is not identified
 * until the next load (which `run` does right after the takeover).
 */
static int copy_info(struct dmaguard_bpf *skel, const char *dir)
{
	struct bpf_map *to = bpf_object__find_map_by_name(skel->obj, "policy_info");
	__u32 size = 0;
	int from, r;

	if (!to)
		return 0;
	from = open_old_map(dir, "policy_info", &size);
	if (from == -ENOENT)
		return 0;
	if (from < 0)
		return from;
	r = size == bpf_map__value_size(to) ? copy_array(from, bpf_map__fd(to), 2, size) : 0;
	close(from);
	return r;
}

/*
 * The maps only userspace writes, copied before anything of the new set
 * attaches: both policy slots with their generations (events still in the
 * ring name a slot) and what identifies them, the rules, the config.
 * *gates: what the policy in force needs attached.
 */
int upgrade_copy_policy(struct dmaguard_bpf *skel, const char *dir, bool api,
		       unsigned int *gates, char *err, size_t len)
{
	int pol = -1, rules = -1, cfg_fd = -1, r;
	__u32 pol_size = 0, rules_size = 0, cfg_size = 0, zero = 0, slot;
	struct dg_policy hdr;
	struct dg_config cfg;

	pol = open_old_map(dir, "policy", &pol_size);
	rules = open_old_map(dir, "rules", &rules_size);
	cfg_fd = open_old_map(dir, "config", &cfg_size);
	r = pol < 0 ? pol : rules < 0 ? rules : cfg_fd < 0 ? cfg_fd : 0;
	/* rules before format 3 end where cgroup begins; the policy header never changed */
	if (!r && (pol_size != sizeof(struct dg_policy) ||
		   (rules_size != sizeof(struct dg_rule) &&
		    rules_size != offsetof(struct dg_rule, cgroup))))
		r = -EPROTO;
	if (!r)
		r = copy_array(pol, bpf_map__fd(skel->maps.policy), 2, pol_size);
	if (!r)
		r = convert_config(cfg_fd, cfg_size, &cfg);
	if (!r && bpf_map_update_elem(bpf_map__fd(skel->maps.config), &zero, &cfg, 0))
		r = -errno;
	if (!r)
		r = convert_rules(skel, rules, cfg.active_slot & 1);
	if (!r)
		r = copy_info(skel, dir);
	slot = cfg.active_slot & 1;
	if (!r && bpf_map_lookup_elem(pol, &slot, &hdr))
		r = -errno;
	if (!r)
		*gates = gates_wanted(&hdr, cfg.emit_all, api);
	if (pol >= 0)
		close(pol);
	if (rules >= 0)
		close(rules);
	if (cfg_fd >= 0)
		close(cfg_fd);
	if (r == -E2BIG)
		errf(err, len, r, "the policy in force in %s has more kinds of bind or open rule "
		     "than %d, more than this dmaguard can index (dmaguard.policy(5), LIMITS): "
		     "unload it and load a policy within the limits", dir, DG_MAX_SHAPES);
	else if (r)
		errf(err, len, r, "cannot copy the policy pinned in %s: %s", dir, strerror(-r));
	return r;
}
