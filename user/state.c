// SPDX-License-Identifier: GPL-2.0
/*
 * Gathering what is in force from the pins (state.h): the format entry, the
 * policy slot in force and what identifies it, the links and programs, the
 * gates, the daemon holding the stream lock, the counters and the ring
 * buffer's fill. Only reads: nothing here takes a lock another command
 * waits for, or changes a pin.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "bpf_objects.h"
#include "events.h"
#include "gates.h"
#include "pinned.h"
#include "pindir.h"
#include "policy.h"
#include "state.h"
#include "upgrade.h"
#include "util.h"

static const char *const kind_names[] = {
	[PROG_FENTRY] = "fentry", [PROG_FEXIT] = "fexit",
	[PROG_LSM] = "lsm", [PROG_FMOD_RET] = "fmod_ret",
};

const char *state_type_name(unsigned int type)
{
	const char *name = event_type_name(type);

	return name ? name : "unknown";
}

const char *state_verdict_name(unsigned int verdict)
{
	return verdict == DG_COUNT_NO_VERDICT ? "none" : policy_verdict_name(verdict);
}

const char *state_reason_name(unsigned int reason)
{
	return event_reason_name(reason);
}

int state_lock_holder(const char *locks, dev_t dev, ino_t ino)
{
	unsigned int maj, min;
	unsigned long long node;
	const char *line;
	char kind[16];
	int pid, n;

	for (line = locks; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		/* "1: FLOCK  ADVISORY  WRITE 123 00:1f:4567 0 EOF"; waiters start " ->" */
		n = sscanf(line, "%*d: %15s %*s %*s %d %x:%x:%llu", kind, &pid, &maj, &min, &node);
		if (n == 5 && !strcmp(kind, "FLOCK") && makedev(maj, min) == dev &&
		    node == (unsigned long long)ino && pid > 0)
			return pid;
	}
	return 0;
}

/*
 * The daemon streaming from dir holds a flock() on dir/links while it runs
 * (pindir_claim_stream): its pid from /proc/locks, without taking the lock.
 * Without procfs, whether the lock is held, by trying it.
 */
static void find_daemon(struct state *st, int dir_fd)
{
	char *text = malloc(1 << 20);
	struct stat links;
	ssize_t n;

	if (text && !fstatat(dir_fd, "links", &links, 0) &&
	    (n = read_small_file_at(AT_FDCWD, "/proc/locks", text, 1 << 20)) >= 0) {
		st->daemon_pid = state_lock_holder(text, links.st_dev, links.st_ino);
		st->streaming = st->daemon_pid > 0;
	} else {
		st->streaming = pindir_stream_running(dir_fd);
	}
	free(text);
}

static void read_format(struct state *st)
{
	struct dg_format f;

	if (upgrade_read_format(st->pin_dir, &f))
		return;
	st->have_format = true;
	st->format = f.version;
	st->compat = f.compat;
	snprintf(st->build, sizeof(st->build), "%s", upgrade_build_of(&f));
}

static void read_policy(struct state *st, struct pinned *p)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(p->config_fd, &zero, &st->cfg))
		return;
	st->slot = st->cfg.active_slot & 1;
	if (pinned_get_slot(p, st->slot, &st->hdr))
		return;
	st->hdr.source[sizeof(st->hdr.source) - 1] = '\0';
	st->have_policy = true;
	if (p->info_fd < 0 || bpf_map_lookup_elem(p->info_fd, &st->slot, &st->info))
		return;
	st->info.path[sizeof(st->info.path) - 1] = '\0';
	st->have_info = st->info.generation == st->hdr.generation;
}

static __u32 pinned_prog_id(const char *path)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info), id = 0;
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return 0;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		id = info.id;
	close(fd);
	return id;
}

/* The table's programs that are pinned, in table order: links/, else progs/ (a gate). */
static void read_programs(struct state *st)
{
	struct bpf_link_info link;
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < bpf_n_progs && st->n_progs < STATE_MAX_PROGS; i++) {
		const struct prog_def *d = &bpf_progs[i];
		struct state_prog *sp = &st->progs[st->n_progs];

		memset(sp, 0, sizeof(*sp));
		sp->name = d->name;
		sp->kind = kind_names[d->kind];
		sp->target = d->target;
		if (!pathf(path, sizeof(path), "%s/links/%s", st->pin_dir, d->name) &&
		    !pindir_link_info(path, &link)) {
			sp->attached = true;
			sp->link_id = link.id;
			sp->prog_id = link.prog_id;
		} else if (pindir_has(st->pin_dir, "progs", d->name)) {
			pathf(path, sizeof(path), "%s/progs/%s", st->pin_dir, d->name);
			sp->prog_id = pinned_prog_id(path);
		} else {
			continue;	/* not loaded on this kernel, or not this flavour */
		}
		st->n_progs++;
	}
}

/* Why the policy in force and the daemon want a gate, or do not (gates_wanted()). */
static const char *kernfs_why(const struct state *st)
{
	if (!st->ownership_api)
		return "always attached before 5.19: dmaguard itself keeps kernel drivers "
		       "out of groups userspace owns";
	if (st->hdr.mode != DG_MODE_ENFORCE)
		return "audit mode: no bind is denied";
	if (st->hdr.acts & DG_ACTS_DENY_BIND)
		return "a rule or the bind default denies a bind, in enforce mode";
	return "no rule or default denies a bind (the kernel refuses mixed ownership itself)";
}

static const char *open_why(const struct state *st)
{
	if (!st->ownership_api)
		return "always attached before 5.19: group opens are how dmaguard sees "
		       "userspace take a group";
	if (st->hdr.acts & DG_ACTS_JUDGE_OPEN)
		return "an open rule or the open default is not allow";
	if (st->cfg.emit_all)
		return "'run --all' streams every open";
	return "every open is allowed and not streamed";
}

static void read_hooks(struct state *st)
{
	unsigned int attached = gates_attached(st->pin_dir), wanted = 0;

	if (st->have_policy)
		wanted = gates_wanted(&st->hdr, st->cfg.emit_all, st->ownership_api);
	st->hooks[0] = (struct state_hook){ "kernfs", attached & GATE_KERNFS,
					    wanted & GATE_KERNFS, kernfs_why(st) };
	st->hooks[1] = (struct state_hook){ "open", attached & GATE_OPEN,
					    wanted & GATE_OPEN, open_why(st) };
}

static void read_counts(struct state *st, const char *dir)
{
	char path[PATH_MAX];
	__u32 key;
	__u64 n;
	int fd;

	if (pathf(path, sizeof(path), "%s/counts", dir) || (fd = bpf_obj_get(path)) < 0)
		return;
	st->have_counts = true;
	for (key = 0; key < DG_COUNT_SLOTS; key++) {
		if (bpf_map_lookup_elem(fd, &key, &n)) {
			st->have_counts = false;
			break;
		}
		if (!n)
			continue;
		st->counts[st->n_counts++] = (struct state_count){
			.type = key >> 5, .verdict = (key >> 3) & 3, .reason = key & 7, .n = n };
	}
	close(fd);
}

/*
 * The ring buffer's size, and how much of it is written and not yet read:
 * its producer and consumer positions, mapped read-only (as libbpf maps
 * them, without becoming a consumer).
 */
static void read_ring(struct state *st, int fd)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	unsigned long *pos;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return;
	pos = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);
	if (pos == MAP_FAILED)
		return;
	st->ring_size = info.max_entries;
	st->ring_used = __atomic_load_n((unsigned long *)((char *)pos + page), __ATOMIC_ACQUIRE) -
			__atomic_load_n(pos, __ATOMIC_ACQUIRE);
	st->have_ring = true;
	munmap(pos, 2 * page);
}

/* Everything but the format entry, through the checked handle of pinned.h. */
static void read_pinned(struct state *st, int dir_fd)
{
	struct load_report rep = { .hooks = HOOK_LSM };
	struct pinned p;
	char err[sizeof(st->error)];

	if (pinned_open(&p, st->pin_dir, err, sizeof(err))) {
		snprintf(st->error, sizeof(st->error), "%s", err);
		return;
	}
	read_policy(st, &p);
	pindir_list_links(st->pin_dir, &rep);
	st->deny_path = rep.hooks;
	st->ownership_api = rep.ownership_api;
	st->device_claims = rep.device_claims;
	read_programs(st);
	read_hooks(st);
	find_daemon(st, dir_fd);
	st->have_stats = !pinned_get_stats(&p, &st->stats);
	read_counts(st, st->pin_dir);
	read_ring(st, p.events_fd);
	pinned_close(&p);
}

void state_gather(const char *dir, struct state *st)
{
	int dir_fd;

	memset(st, 0, sizeof(*st));
	snprintf(st->pin_dir, sizeof(st->pin_dir), "%s", dir);
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0 && errno == ENOENT)
		return;	/* nothing pinned */
	if (dir_fd < 0) {
		snprintf(st->error, sizeof(st->error), "cannot open %s: %s%s", dir,
			 strerror(errno), errno == EACCES ? " (the pins are root's)" : "");
		return;
	}
	st->pinned = true;
	read_format(st);
	read_pinned(st, dir_fd);
	close(dir_fd);
}

void state_add_groups(struct state *st, const struct topology *t)
{
	size_t i;

	st->have_groups = true;
	for (i = 0; i < t->n_groups; i++) {
		st->groups_by_owner[t->groups[i].owner < 3 ? t->groups[i].owner : 0]++;
		st->groups_from_map += t->groups[i].owner_from_map;
	}
}

__u64 state_count_of(const struct state *st, int type, int verdict, int reason)
{
	__u64 sum = 0;
	size_t i;

	for (i = 0; i < st->n_counts; i++)
		if ((type < 0 || st->counts[i].type == type) &&
		    (verdict < 0 || st->counts[i].verdict == verdict) &&
		    (reason < 0 || st->counts[i].reason == reason))
			sum += st->counts[i].n;
	return sum;
}
