// SPDX-License-Identifier: GPL-2.0
/*
 * The pinned state under the pin directory, used by every command once
 * enforcement is loaded: policy slots, config, counters, the event ring.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "util.h"
#include "bpf_objects.h"
#include "gates.h"
#include "pinned.h"
#include "pindir.h"
#include "upgrade.h"

static int open_map(const char *dir, const char *name, int *fd, char *err, size_t len)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	*fd = bpf_obj_get(path);
	if (*fd < 0) {
		snprintf(err, len, "cannot open pinned map %s: %s%s", path, strerror(errno),
			 errno == ENOENT ? " (is dmaguard loaded? see 'dmaguard run')" : "");
		return -1;
	}
	return 0;
}

/*
 * Every pinned map must have the layout this build reads and writes (the
 * table in bpf_objects.c): pinned state from another dmaguard build would
 * otherwise be misread, rules and all.
 */
static int check_layout(const char *dir, const struct map_def *d, char *err, size_t len)
{
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info);
	char path[4200];
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", dir, d->name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errf(err, len, -errno, "cannot open pinned map %s: %s", path,
			    strerror(errno));
	r = bpf_obj_get_info_by_fd(fd, &info, &info_len) ? -errno : 0;
	close(fd);
	if (r)
		return errf(err, len, r, "cannot inspect pinned map %s: %s", path, strerror(-r));
	if (info.type == d->type && (!d->value_size || info.value_size == d->value_size) &&
	    (!d->max_entries || info.max_entries == d->max_entries))
		return 0;
	return errf(err, len, -EPROTO, "the enforcement pinned in %s is from another dmaguard "
		    "build (map %s: type %u, %u-byte values, %u entries; this build needs type "
		    "%u, %u, %u): remove it with 'dmaguard unload' first", dir, d->name,
		    info.type, info.value_size, info.max_entries, d->type, d->value_size,
		    d->max_entries);
}

static int check_layouts(struct pinned *p, char *err, size_t len)
{
	size_t i;
	int r;

	for (i = 0; i < bpf_n_maps; i++) {
		r = check_layout(p->dir, &bpf_maps[i], err, len);
		if (r)
			return r;
	}
	return 0;
}

/*
 * Only a pin directory of ours is used (pindir_guard.c): in one made by
 * another user, the maps could be anyone's, and its pins theirs to remove.
 */
static int check_owner(struct pinned *p, char *err, size_t len)
{
	struct stat st;

	if (fstat(p->lock_fd, &st)) {
		snprintf(err, len, "cannot inspect %s: %s", p->dir, strerror(errno));
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(err, len, "%s belongs to uid %u, not to root: it is not dmaguard's "
			 "(remove it, and find out who made it)", p->dir, (unsigned int)st.st_uid);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, len, "%s is writable by others (mode %04o): it is not dmaguard's",
			 p->dir, (unsigned int)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Pins of another format are refused before anything is read from them. */
static int check_format(const char *dir, char *err, size_t len)
{
	int r = upgrade_check(dir, err, len);

	if (r == 1)
		snprintf(err, len, "the enforcement pinned in %s is of an older format than this "
			 "dmaguard's (%u): 'dmaguard run' of this dmaguard takes it over in place",
			 dir, DG_FORMAT);
	return r;
}

int pinned_open(struct pinned *p, const char *dir, char *err, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->policy_fd = p->config_fd = p->stats_fd = -1;
	p->maps.rules = p->maps.shapes = p->maps.index = -1;
	p->groups_fd = p->events_fd = p->format_fd = p->lock_fd = p->info_fd = -1;
	snprintf(p->dir, sizeof(p->dir), "%s", dir);
	/* the directory first: the maps must come from it (checked below) */
	p->lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->lock_fd < 0) {
		snprintf(err, len, "cannot open %s: %s%s", dir, strerror(errno),
			 errno == ENOENT ? " (is dmaguard loaded? see 'dmaguard run')" : "");
		goto fail;
	}
	if (check_owner(p, err, len) || check_format(dir, err, len))
		goto fail;
	if (open_map(dir, "policy", &p->policy_fd, err, len) ||
	    open_map(dir, "rules", &p->maps.rules, err, len) ||
	    open_map(dir, "shapes", &p->maps.shapes, err, len) ||
	    open_map(dir, "rule_index", &p->maps.index, err, len) ||
	    open_map(dir, "config", &p->config_fd, err, len) ||
	    open_map(dir, "stats", &p->stats_fd, err, len) ||
	    open_map(dir, "groups", &p->groups_fd, err, len) ||
	    open_map(dir, "events", &p->events_fd, err, len) ||
	    open_map(dir, "format", &p->format_fd, err, len))
		goto fail;
	if (check_layouts(p, err, len))
		goto fail;
	/* every build but the VM tests' older one has it (checked above) */
	if (bpf_map_def_by_name("policy_info") &&
	    open_map(dir, "policy_info", &p->info_fd, err, len))
		goto fail;
	if (!pinned_is_current(p)) {
		snprintf(err, len, "the enforcement in %s was unloaded or replaced while it was "
			 "being opened; try again", dir);
		goto fail;
	}
	return 0;
fail:
	pinned_close(p);
	return -1;
}

void pinned_close(struct pinned *p)
{
	int *fds[] = { &p->policy_fd, &p->maps.rules, &p->maps.shapes, &p->maps.index,
		       &p->config_fd, &p->stats_fd,
		       &p->groups_fd, &p->events_fd, &p->format_fd, &p->lock_fd,
		       &p->info_fd };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

static __u32 map_id(int fd)
{
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &info_len) ? 0 : info.id;
}

bool pinned_taken_over(struct pinned *p)
{
	char path[4200];
	__u32 now = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/stats", p->dir);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		now = map_id(fd);
		close(fd);
	}
	return now && now == map_id(p->stats_fd);
}

const char *pinned_gone_how(struct pinned *p)
{
	return pinned_taken_over(p) ? "taken over by a newer dmaguard" : "unloaded";
}

/*
 * Read-modify-write of the format entry under the lock of the directory p
 * was opened from: a takeover holds it until it has written its last.
 */
static int swap_cursor(struct pinned *p, __u64 in, __u64 *out)
{
	struct dg_format f;
	__u32 zero = 0;
	int r = 0;

	if (flock(p->lock_fd, LOCK_EX))
		return -errno;
	if (bpf_map_lookup_elem(p->format_fd, &zero, &f))
		r = -errno;
	if (!r && out)
		*out = f.stream_next_seq;
	f.stream_next_seq = in;
	if (!r && bpf_map_update_elem(p->format_fd, &zero, &f, 0))
		r = -errno;
	flock(p->lock_fd, LOCK_UN);
	return r;
}

int pinned_leave_cursor(struct pinned *p, __u64 next_seq)
{
	return swap_cursor(p, next_seq, NULL);
}

int pinned_take_cursor(struct pinned *p, __u64 *next_seq)
{
	return swap_cursor(p, 0, next_seq);
}

bool pinned_is_current(struct pinned *p)
{
	struct stat held, now;

	return !fstat(p->lock_fd, &held) && !stat(p->dir, &now) &&
	       held.st_dev == now.st_dev && held.st_ino == now.st_ino;
}

/*
 * Lock the pin directory for a change, and make sure it is still the one
 * this handle opened: after an unload and a new run, DIR names another
 * enforcement, whose gates a change through this handle must not touch.
 * unload takes the same lock before it renames DIR away.
 */
static int lock_dir(struct pinned *p, char *err, size_t len)
{
	if (flock(p->lock_fd, LOCK_EX))
		return errf(err, len, -1, "cannot lock %s: %s", p->dir, strerror(errno));
	if (pinned_is_current(p))
		return 0;
	flock(p->lock_fd, LOCK_UN);
	return errf(err, len, -1, "the enforcement this process opened in %s was unloaded "
		    "meanwhile; nothing changed", p->dir);
}

static int get_config(struct pinned *p, struct dg_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(p->config_fd, &zero, cfg) ? -errno : 0;
}

static int set_config(struct pinned *p, const struct dg_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_update_elem(p->config_fd, &zero, cfg, 0) ? -errno : 0;
}

/*
 * Wait for an RCU grace period: the kernel waits for every running BPF
 * program before an update of a map-in-map returns (maybe_wait_bpf_programs).
 * Programs that read the old policy slot have then finished.
 */
int pinned_grace_period(void)
{
	int inner, outer, r = 0;
	__u32 zero = 0;

	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	if (inner < 0)
		return -errno;
	LIBBPF_OPTS(bpf_map_create_opts, opts, .inner_map_fd = inner);
	outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, NULL, 4, 4, 1, &opts);
	if (outer < 0)
		r = -errno;
	else if (bpf_map_update_elem(outer, &zero, &inner, 0))
		r = -errno;
	if (outer >= 0)
		close(outer);
	close(inner);
	return r;
}

void pinned_policy_info(const struct policy *pol, __u64 generation, struct dg_policy_info *out)
{
	struct timespec now;

	memset(out, 0, sizeof(*out));
	clock_gettime(CLOCK_REALTIME, &now);
	out->generation = generation;
	out->loaded_ns = (__u64)now.tv_sec * 1000000000ull + now.tv_nsec;
	out->size = pol->size;
	memcpy(out->sha256, pol->sha256, sizeof(out->sha256));
	memcpy(out->path, pol->path, sizeof(out->path));
	out->path[sizeof(out->path) - 1] = '\0';
}

/* What identifies the policy written into slot, before the slot goes into force. */
static int set_info(struct pinned *p, __u32 slot, const struct policy *pol, __u64 generation)
{
	struct dg_policy_info info;

	if (p->info_fd < 0)
		return 0;
	pinned_policy_info(pol, generation, &info);
	return bpf_map_update_elem(p->info_fd, &slot, &info, 0) ? -errno : 0;
}

int pinned_set_policy(struct pinned *p, const struct policy *pol, char *err, size_t len)
{
	struct dg_policy hdr = pol->hdr, cur, old;
	unsigned int gates;
	bool api;
	struct dg_config cfg;
	__u32 slot, key;
	int r;

	if (lock_dir(p, err, len))
		return -1;
	r = get_config(p, &cfg);
	if (r)
		goto out;
	/*
	 * What a streaming daemon asked for (--all, --audit) ends with it, also
	 * when it was killed and could not take it back itself.
	 */
	if (!pindir_stream_running(p->lock_fd))
		cfg.emit_all = cfg.force_audit = 0;
	slot = !(cfg.active_slot & 1);
	key = cfg.active_slot & 1;
	if (bpf_map_lookup_elem(p->policy_fd, &key, &cur)) {
		r = -errno;
		goto out;
	}
	hdr.generation = cur.generation + 1;
	if (cfg.force_audit)
		hdr.mode = DG_MODE_AUDIT;
	hdr.acts = gates_policy_acts(pol);
	api = pindir_ownership_api(p->dir);
	gates = gates_wanted(&hdr, cfg.emit_all, api);
	/* should the write fail midway, the slot says it holds nothing */
	if (bpf_map_lookup_elem(p->policy_fd, &slot, &old)) {
		r = -errno;
		goto out;
	}
	old.n_rules = 0;
	if (bpf_map_update_elem(p->policy_fd, &slot, &old, 0)) {
		r = -errno;
		goto out;
	}
	r = policy_maps_write(&p->maps, slot, pol);
	if (r)
		goto out;
	if (bpf_map_update_elem(p->policy_fd, &slot, &hdr, 0)) {
		r = -errno;
		goto out;
	}
	r = set_info(p, slot, pol, hdr.generation);
	if (r)
		goto out;
	/* a gate the new policy needs is in place before it goes into force */
	if (gates_attach(p->dir, gates, err, len)) {
		flock(p->lock_fd, LOCK_UN);
		return -1;
	}
	/* the switch: one write of the config; nothing before it was in force */
	cfg.active_slot = slot;
	r = set_config(p, &cfg);
	if (r) {
		gates_detach(p->dir, gates_wanted(&cur, cfg.emit_all, api));
		goto out;
	}
	/*
	 * The new policy is in force now, whatever follows: the wait only keeps
	 * the next reload off the old slot while a program may still read it,
	 * and without map-in-map (out of memory) a reload milliseconds later is
	 * the only risk, so its failure does not make this one fail. Gates only
	 * the old policy needed go after it; one that stays costs time, not
	 * correctness.
	 */
	pinned_grace_period();
	gates_detach(p->dir, gates);
out:
	flock(p->lock_fd, LOCK_UN);
	if (r)
		snprintf(err, len, "cannot write the policy into %s: %s", p->dir, strerror(-r));
	return r ? -1 : 0;
}

int pinned_get_policy(struct pinned *p, struct dg_policy *out)
{
	struct dg_config cfg;
	__u32 slot;
	int r = get_config(p, &cfg);

	if (r)
		return r;
	slot = cfg.active_slot & 1;
	return bpf_map_lookup_elem(p->policy_fd, &slot, out) ? -errno : 0;
}

int pinned_get_slot(struct pinned *p, __u32 slot, struct dg_policy *out)
{
	return bpf_map_lookup_elem(p->policy_fd, &slot, out) ? -errno : 0;
}

int pinned_set_stream(struct pinned *p, bool emit_all, bool force_audit, char *err, size_t len)
{
	struct dg_config cfg;
	struct dg_policy hdr;
	unsigned int gates;
	int r;

	if (lock_dir(p, err, len))
		return -1;
	r = get_config(p, &cfg);
	if (!r)
		r = pinned_get_slot(p, cfg.active_slot & 1, &hdr);
	if (r) {
		errf(err, len, -1, "cannot read the config in %s: %s", p->dir, strerror(-r));
		goto out;
	}
	/* `run --all` streams allowed opens too: the open gate must see them */
	gates = gates_wanted(&hdr, emit_all, pindir_ownership_api(p->dir));
	if (gates_attach(p->dir, gates, err, len)) {
		r = -1;
		goto out;
	}
	cfg.emit_all = emit_all;
	cfg.force_audit = force_audit;
	r = set_config(p, &cfg);
	if (r)
		errf(err, len, -1, "cannot write the config in %s: %s", p->dir, strerror(-r));
	else
		gates_detach(p->dir, gates);
out:
	flock(p->lock_fd, LOCK_UN);
	return r ? -1 : 0;
}

int pinned_get_stats(struct pinned *p, struct dg_stats *out)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(p->stats_fd, &zero, out) ? -errno : 0;
}
