// SPDX-License-Identifier: GPL-2.0
/*
 * Taking over older pinned enforcement in place (upgrade.h).
 *
 * Neither a tracing nor an LSM link can be switched to another program
 * (no .update_prog on any kernel dmaguard supports), and 5.10 cannot attach
 * a detached program again, so the new set is attached beside the old one
 * and the old one is released: attach beside, overlap, flip, drain,
 * release. The sequence, with the phase recorded in the shared format entry
 * for recovery after kill -9:
 *
 *   STAGED   the new set is loaded with the old one's maps that BPF writes
 *            (shared by descriptor: stats and the seq mutex, so seqs
 *            continue; the ring; groups, nodes, claimed_files), a converted
 *            copy of the ones userspace writes (policy slots, rules,
 *            config), and attached in DIR-next, judging nothing yet;
 *   OVERLAP  call tokens on, then the new bit in the gate: both judge, the
 *            token picks one reporter per call (gate.bpf.h);
 *   FLIPPED  the old bit cleared; its probes in flight drain;
 *   SWAPPED  DIR-next becomes DIR, DIR becomes DIR-prev;
 *   STEADY   DIR-prev released (the old programs detach), tokens off.
 *
 * A kill before FLIPPED rolls back (the old set never stopped judging),
 * from FLIPPED on forward; neither needs to attach anything again.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <syslog.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "dmaguard.skel.h"
#include "gates.h"
#include "pindir.h"
#include "upgrade.h"
#include "util.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/* How long the old set's probes in flight may take to finish, in ms. */
#define DRAIN_MS 30000

static const char *const phase_names[] = {
	[DG_PH_STEADY] = "steady", [DG_PH_STAGED] = "staged", [DG_PH_OVERLAP] = "overlap",
	[DG_PH_FLIPPED] = "flipped", [DG_PH_SWAPPED] = "swapped",
};

/* One takeover in progress: the shared format entry and the names around DIR. */
struct takeover {
	const struct pindir *pd;
	char next[PATH_MAX], prev[PATH_MAX];
	char next_name[NAME_MAX + 1], prev_name[NAME_MAX + 1];
	int format_fd;
	struct dg_format f;
};

/*
 * Write the format entry, then wait for a grace period: no program that
 * read the previous gate is still running. Only one byte changes per call.
 */
static int put_format(struct takeover *t)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(t->format_fd, &zero, &t->f, 0))
		return -errno;
	pinned_grace_period();
	return 0;
}

/* The test hook of dmaguard(8), ENVIRONMENT: stop here to be killed. */
static void test_pause(unsigned int phase)
{
	const char *at = getenv("DMAGUARD_TEST_TAKEOVER_PAUSE");

	if (!at || strcmp(at, phase_names[phase]))
		return;
	cli_err("takeover paused at phase %s (DMAGUARD_TEST_TAKEOVER_PAUSE)", at);
	raise(SIGSTOP);
}

static int set_phase(struct takeover *t, unsigned int phase)
{
	int r;

	t->f.phase = phase;
	r = put_format(t);
	if (!r)
		test_pause(phase);
	return r;
}

static int takeover_init(struct takeover *t, const struct pindir *pd, char *err, size_t len)
{
	int r;

	memset(t, 0, sizeof(*t));
	t->pd = pd;
	t->format_fd = -1;
	if (pathf(t->next_name, sizeof(t->next_name), "%s-next", pd->name) ||
	    pathf(t->prev_name, sizeof(t->prev_name), "%s-prev", pd->name) ||
	    pathf(t->next, sizeof(t->next), "%s-next", pd->path) ||
	    pathf(t->prev, sizeof(t->prev), "%s-prev", pd->path))
		return errf(err, len, -ENAMETOOLONG, "pin directory name too long: %s", pd->path);
	r = upgrade_open_format(pd->path, &t->format_fd);
	if (!r)
		r = upgrade_get_format(t->format_fd, &t->f);
	if (r)
		return errf(err, len, r, "cannot read %s/format: %s", pd->path, strerror(-r));
	return 0;
}

static void takeover_close(struct takeover *t)
{
	if (t->format_fd >= 0)
		close(t->format_fd);
}

/* The id of the link of probe_exit in dir: which set a directory holds. */
static __u32 set_link_id(const char *dir)
{
	struct bpf_link_info info;
	char path[PATH_MAX];

	if (pathf(path, sizeof(path), "%s/links/probe_exit", dir) || pindir_link_info(path, &info))
		return 0;
	return info.id;
}

/* Load the new set beside the old one and attach it in DIR-next, judging nothing. */
static int stage(struct takeover *t, struct load_report *rep, char *err, size_t len)
{
	struct dmaguard_bpf *skel = NULL;
	unsigned int gates = 0;
	char made[PATH_MAX];
	int r;

	r = loader_open_programs(&skel, rep, err, len);
	/* the gates loaded on demand as the old set has them: a policy needed them */
	if (!r) {
		loader_skip_gates(skel, gates_loaded(t->pd->path));
		r = upgrade_share_maps(skel, t->pd->path, t->f.version, err, len);
	}
	if (r)
		goto out;
	skel->rodata->dg_my_set = !t->f.from_set;
	r = loader_load(skel, err, len);
	if (!r)
		r = upgrade_copy_policy(skel, t->pd->path, rep->ownership_api, &gates, err, len);
	if (!r)
		r = pindir_make_sibling(t->pd, "-next", made, sizeof(made), err, len);
	if (r)
		goto out;
	r = loader_attach_and_pin(skel, t->next, gates, err, len);
	if (!r && (r = loader_seed_nodes(skel, false)))
		errf(err, len, r, "cannot seed the VFIO nodes from sysfs: %s", strerror(-r));
	if (!r && (r = set_phase(t, DG_PH_STAGED)))
		errf(err, len, r, "cannot write %s/format: %s", t->pd->path, strerror(-r));
out:
	dmaguard_bpf__destroy(skel);
	return r;
}

/* No call needs a token any more: only one set judges. */
static int end_tokens(struct takeover *t)
{
	struct dg_call_key key;
	char path[PATH_MAX];
	int fd, r;

	t->f.tokens = 0;
	r = put_format(t);
	if (r)
		return r;
	pathf(path, sizeof(path), "%s/call_token", t->pd->path);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	while (!bpf_map_get_next_key(fd, NULL, &key))
		if (bpf_map_delete_elem(fd, &key))
			break;
	close(fd);
	return 0;
}

/* The gate, one bit per write: {old} -> {old,new} -> {new}. */
static int flip(struct takeover *t)
{
	__u8 old_bit = 1u << t->f.from_set, new_bit = 1u << !t->f.from_set;
	int r;

	t->f.tokens = 1;
	r = put_format(t);
	if (r)
		return r;
	t->f.enforce = old_bit | new_bit;
	r = set_phase(t, DG_PH_OVERLAP);
	if (r)
		return r;
	t->f.enforce = new_bit;
	t->f.generation++;
	r = set_phase(t, DG_PH_FLIPPED);
	/* one set judges: a token could only silence it now */
	return r ? r : end_tokens(t);
}

/* Wait until a set's per-call state (probe frames) is gone: none of its calls is in flight. */
static int drain(const char *dir, char *err, size_t len)
{
	char path[PATH_MAX];
	__u64 key;
	int fd, waited;

	pathf(path, sizeof(path), "%s/inflight", dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errf(err, len, -errno, "cannot open %s: %s", path, strerror(errno));
	for (waited = 0; waited < DRAIN_MS; waited += 10) {
		if (bpf_map_get_next_key(fd, NULL, &key) && errno == ENOENT)
			break;
		usleep(10000);
	}
	close(fd);
	if (waited < DRAIN_MS)
		return 0;
	return errf(err, len, -EBUSY, "the retired programs in %s still have probes in flight "
		    "after %d s (the new ones enforce; run again to finish)", dir, DRAIN_MS / 1000);
}

/* DIR-next becomes DIR, DIR becomes DIR-prev (two renames where bpffs cannot exchange, < 5.16). */
static int swap_dirs(struct takeover *t, char *err, size_t len)
{
	int pfd = t->pd->parent_fd;

	if (!renameat2(pfd, t->next_name, pfd, t->pd->name, RENAME_EXCHANGE)) {
		if (renameat2(pfd, t->next_name, pfd, t->prev_name, RENAME_NOREPLACE))
			return errf(err, len, -errno, "cannot rename %s to %s: %s", t->next,
				    t->prev, strerror(errno));
		return 0;
	}
	if (errno != EINVAL)
		return errf(err, len, -errno, "cannot exchange %s and %s: %s", t->next,
			    t->pd->path, strerror(errno));
	if (renameat2(pfd, t->pd->name, pfd, t->prev_name, RENAME_NOREPLACE) ||
	    renameat2(pfd, t->next_name, pfd, t->pd->name, RENAME_NOREPLACE))
		return errf(err, len, -errno, "cannot move %s into place: %s", t->next,
			    strerror(errno));
	return 0;
}

/* Unpin a retired or abandoned set and wait until its programs are gone. */
static int release(const char *dir, char *err, size_t len)
{
	__u32 ids[64];
	size_t n = 0;
	int r;

	r = pindir_remove_collecting(dir, ids, &n, 64);
	if (r)
		return errf(err, len, r, "cannot remove %s: %s", dir, strerror(-r));
	if (pindir_wait_gone(bpf_prog_get_fd_by_id, ids, n, 5000))
		return errf(err, len, -EBUSY, "unpinned %s, but some of its programs are still "
			    "loaded after 5 s (another process holds them)", dir);
	return 0;
}

static int finish(struct takeover *t, char *err, size_t len)
{
	int r = end_tokens(t);

	t->f.phase = DG_PH_STEADY;
	t->f.takeover_pid = 0;
	if (!r)
		r = put_format(t);
	if (r)
		return errf(err, len, r, "cannot write %s/format: %s", t->pd->path, strerror(-r));
	return 0;
}

/*
 * From FLIPPED on: the new set judges alone. Let the old one's probes
 * finish, put the new set in DIR and the old one in DIR-prev, release it.
 * old: where the old set is now (DIR, or DIR-prev after a swap).
 */
static int roll_forward(struct takeover *t, const char *old, int *stream_fd, char *err,
			size_t len)
{
	char links[PATH_MAX];
	int r;

	r = drain(old, err, len);
	if (r)
		return r;
	pathf(links, sizeof(links), "%s/links", old);
	*stream_fd = open(links, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!strcmp(old, t->pd->path))
		r = swap_dirs(t, err, len);
	else if (!strcmp(old, t->next) &&	/* killed between exchange and rename */
		 renameat2(t->pd->parent_fd, t->next_name, t->pd->parent_fd, t->prev_name,
			   RENAME_NOREPLACE))
		r = errf(err, len, -errno, "cannot rename %s to %s: %s", t->next, t->prev,
			 strerror(errno));
	if (r)
		return r;
	t->f.version = DG_FORMAT;
	t->f.compat = DG_FORMAT;
	snprintf(t->f.build, sizeof(t->f.build), "%s", DMAGUARD_VERSION);
	r = set_phase(t, DG_PH_SWAPPED);
	if (r)
		return errf(err, len, r, "cannot write %s/format: %s", t->pd->path, strerror(-r));
	r = release(t->prev, err, len);
	if (!r)
		r = finish(t, err, len);
	return r;
}

/*
 * Before FLIPPED: the old set never stopped judging. Take the new bit back,
 * let the new set's probes finish, remove DIR-next. Nothing is attached again.
 */
static int roll_back(struct takeover *t, char *err, size_t len)
{
	int r = 0;

	if (t->f.phase >= DG_PH_STAGED) {
		t->f.enforce = 1u << t->f.from_set;
		r = put_format(t);
		if (!r)
			r = drain(t->next, err, len);
	}
	if (!r && !access(t->next, F_OK))
		r = release(t->next, err, len);
	if (!r)
		r = finish(t, err, len);
	return r;
}

/* Names this build: the format entry's build is this one's from now on. */
static void say_took_over(const char *dir, __u32 from_version)
{
	cli_msg(LOG_NOTICE, "took over the enforcement in %s from format %u: dmaguard %s "
		"enforces it now", dir, from_version, DMAGUARD_VERSION);
}

int upgrade_takeover(const struct pindir *pd, struct load_report *rep, int *stream_fd,
		     char *err, size_t len)
{
	struct takeover t;
	char msg[LOADER_ERR_LEN];
	int r, dir_fd;

	*stream_fd = -1;
	r = takeover_init(&t, pd, err, len);
	if (r)
		goto out;
	/*
	 * A reload in progress holds DIR's own lock: wait for it, keep it out.
	 * The old set's daemon takes it to leave its stream cursor, after the
	 * takeover's last write of the format entry.
	 */
	dir_fd = openat(pd->parent_fd, pd->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir_fd >= 0)
		flock(dir_fd, LOCK_EX);
	t.f.from_set = __builtin_ctz(t.f.enforce | 0x100) & 1;
	t.f.from_version = t.f.version;
	t.f.from_link_id = set_link_id(pd->path);
	t.f.takeover_pid = getpid();
	cli_msg(LOG_NOTICE, "taking over the enforcement in %s from format %u (dmaguard %s)",
		pd->path, t.f.version, upgrade_build_of(&t.f));
	r = stage(&t, rep, err, len);
	if (!r && (r = flip(&t)))
		errf(err, len, r, "cannot write %s/format: %s", pd->path, strerror(-r));
	if (r && t.f.phase < DG_PH_FLIPPED && roll_back(&t, msg, sizeof(msg)))
		cli_err("%s", msg);
	if (!r)
		r = roll_forward(&t, pd->path, stream_fd, err, len);
	if (dir_fd >= 0)
		close(dir_fd);
	if (!r) {
		rep->reused = true;
		say_took_over(pd->path, t.f.from_version);
	}
out:
	takeover_close(&t);
	return r;
}

/* Which of the names around DIR holds the set recorded as the old one. */
static const char *find_old(struct takeover *t)
{
	if (!access(t->pd->path, F_OK) && set_link_id(t->pd->path) == t->f.from_link_id)
		return t->pd->path;
	if (!access(t->prev, F_OK) && set_link_id(t->prev) == t->f.from_link_id)
		return t->prev;
	if (!access(t->next, F_OK) && set_link_id(t->next) == t->f.from_link_id)
		return t->next;
	return NULL;
}

/* A DIR-next or DIR-prev of ours, after the hardened checks. */
static bool exists_ours(const struct pindir *pd, const char *name)
{
	char msg[LOADER_ERR_LEN];

	return !pindir_check_tree(pd, name, NULL, msg, sizeof(msg));
}

int upgrade_recover(const struct pindir *pd, int *stream_fd, char *err, size_t len)
{
	bool next, prev;
	struct takeover t;
	const char *old;
	int r, old_fd;

	*stream_fd = -1;
	memset(&t, 0, sizeof(t));
	t.pd = pd;
	t.format_fd = -1;
	pathf(t.next_name, sizeof(t.next_name), "%s-next", pd->name);
	pathf(t.prev_name, sizeof(t.prev_name), "%s-prev", pd->name);
	next = exists_ours(pd, t.next_name);
	prev = exists_ours(pd, t.prev_name);
	if (!next && !prev)
		return 0;
	/* 5.10, killed between the two renames: the new set is complete in DIR-next */
	if (access(pd->path, F_OK) && next && prev &&
	    renameat2(pd->parent_fd, t.next_name, pd->parent_fd, pd->name, RENAME_NOREPLACE))
		return errf(err, len, -errno, "cannot move %s-next into place: %s", pd->path,
			    strerror(errno));
	r = takeover_init(&t, pd, err, len);
	if (r)
		goto out;
	old = find_old(&t);
	if (t.f.phase < DG_PH_FLIPPED) {
		cli_msg(LOG_WARNING, "rolling back the takeover of %s a killed 'dmaguard run' left at phase %s",
			pd->path, phase_names[t.f.phase]);
		r = roll_back(&t, err, len);
	} else {
		cli_msg(LOG_WARNING, "finishing the takeover of %s a killed 'dmaguard run' left at phase %s",
			pd->path, t.f.phase <= DG_PH_SWAPPED ? phase_names[t.f.phase] : "unknown");
		/* a DIR-prev whose links are already gone was being released */
		if (!old && prev)
			old = t.prev;
		/* as in upgrade_takeover(): its daemon waits for this to leave its cursor */
		old_fd = old ? open(old, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (old_fd >= 0)
			flock(old_fd, LOCK_EX);
		r = old ? roll_forward(&t, old, stream_fd, err, len) : finish(&t, err, len);
		if (old_fd >= 0)
			close(old_fd);
		if (!r)
			say_took_over(pd->path, t.f.from_version);
	}
out:
	takeover_close(&t);
	return r;
}

void upgrade_wait_stream(int fd)
{
	int waited = 0;

	if (fd < 0)
		return;
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (waited == 2000)
			cli_msg(LOG_NOTICE, "waiting for the previous 'dmaguard run' to stop streaming");
		usleep(10000);
		waited += 10;
	}
	close(fd);
}
