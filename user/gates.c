// SPDX-License-Identifier: GPL-2.0
/*
 * The gates (gates.h): which of the two hot-path hooks the policy in force
 * needs, and attaching or detaching them from their pinned programs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "bpf_objects.h"
#include "gates.h"
#include "pindir.h"
#include "util.h"

/* A gate: its two programs come from the table (bpf_objects.h). */
struct gate_def {
	unsigned int gate;
	const char *what;
};

static const struct gate_def gate_defs[] = {
	{ GATE_KERNFS, "kernfs deny hook" },
	{ GATE_OPEN, "open gate" },
};
#define N_GATES (sizeof(gate_defs) / sizeof(gate_defs[0]))

_Static_assert(GATE_KERNFS == PROG_GATE_KERNFS && GATE_OPEN == PROG_GATE_OPEN,
	       "the program table's gate bits are enum gate's");

/* The n-th (0, 1) program of gate g in the table: its LSM or fmod_ret flavour. */
static const char *gate_prog(const struct gate_def *g, int n)
{
	size_t i;

	for (i = 0; i < bpf_n_progs; i++)
		if (bpf_progs[i].gate == g->gate && n-- == 0)
			return bpf_progs[i].name;
	return NULL;
}

__u8 gates_policy_acts(const struct policy *pol)
{
	__u8 acts = 0;
	__u32 i;

	if (pol->hdr.default_bind == DG_DENY)
		acts |= DG_ACTS_DENY_BIND;
	if (pol->hdr.default_open != DG_ALLOW)
		acts |= DG_ACTS_JUDGE_OPEN;
	for (i = 0; i < pol->hdr.n_rules && i < DG_MAX_RULES; i++) {
		const struct dg_rule *r = &pol->rules[i];

		if (r->action == DG_ACT_BIND && r->verdict == DG_DENY)
			acts |= DG_ACTS_DENY_BIND;
		if (r->action == DG_ACT_OPEN && r->verdict != DG_ALLOW)
			acts |= DG_ACTS_JUDGE_OPEN;
	}
	return acts;
}

unsigned int gates_wanted(const struct dg_policy *hdr, bool emit_all, bool ownership_api)
{
	unsigned int want = 0;

	/*
	 * Before 5.19 the mixed-ownership invariant needs the deny hook and
	 * ownership is seen from group opens; and 5.10 cannot attach a tracing
	 * program again once its link is gone (-ENOENT, until 5.11). So there
	 * the gates never move.
	 */
	if (!ownership_api)
		return GATES_ALL;
	if (hdr->mode == DG_MODE_ENFORCE && (hdr->acts & DG_ACTS_DENY_BIND))
		want |= GATE_KERNFS;
	if ((hdr->acts & DG_ACTS_JUDGE_OPEN) || emit_all)
		want |= GATE_OPEN;
	return want;
}

/*
 * The name of the gate's program (either flavour) pinned in DIR/SUB, or
 * NULL: in links/ when attached, in progs/ when loaded.
 */
static const char *pinned_in(const char *dir, const char *sub, const struct gate_def *g)
{
	size_t f;

	for (f = 0; f < 2; f++)
		if (pindir_has(dir, sub, gate_prog(g, f)))
			return gate_prog(g, f);
	return NULL;
}

static unsigned int gates_pinned_in(const char *dir, const char *sub)
{
	unsigned int on = 0;
	size_t i;

	for (i = 0; i < N_GATES; i++)
		if (pinned_in(dir, sub, &gate_defs[i]))
			on |= gate_defs[i].gate;
	return on;
}

unsigned int gates_attached(const char *dir)
{
	return gates_pinned_in(dir, "links");
}

unsigned int gates_loaded(const char *dir)
{
	return gates_pinned_in(dir, "progs");
}

/*
 * The tracing/LSM attach every kernel since 5.5 has. A link of the same
 * program released just before may still be on the trampoline (its last
 * reference goes in a work item after an RCU grace period): the kernel
 * then says EBUSY for a moment, so try again for up to 2 s.
 */
static int attach_prog(int prog_fd)
{
	int tries, fd = -1;

	for (tries = 0; tries < 200; tries++) {
		fd = bpf_raw_tracepoint_open(NULL, prog_fd);
		if (fd >= 0 || errno != EBUSY)
			break;
		usleep(10000);
	}
	return fd;
}

static int attach_gate(const char *dir, const struct gate_def *g, char *err, size_t len)
{
	char prog_path[PATH_MAX], link_path[PATH_MAX];
	int prog_fd = -1, link_fd = -1, r = 0;
	const char *name;

	name = pinned_in(dir, "progs", g);
	if (!name && (g->gate & GATES_ON_DEMAND)) {
		r = gate_load(dir, g->gate, g->what, err, len);
		if (r)
			return r;
		name = pinned_in(dir, "progs", g);
	}
	if (!name)
		return errf(err, len, -ENOENT, "no program for the %s is pinned in %s/progs "
			    "(an interrupted load?): run 'dmaguard unload' and start again",
			    g->what, dir);
	pathf(prog_path, sizeof(prog_path), "%s/progs/%s", dir, name);
	pathf(link_path, sizeof(link_path), "%s/links/%s", dir, name);
	prog_fd = bpf_obj_get(prog_path);
	if (prog_fd < 0) {
		r = errf(err, len, -errno, "cannot open pinned program %s: %s", prog_path,
			 strerror(errno));
		goto out;
	}
	link_fd = attach_prog(prog_fd);
	if (link_fd < 0) {
		r = errf(err, len, -errno, "cannot attach the %s (%s): %s", g->what, name,
			 strerror(errno));
		goto out;
	}
	if (bpf_obj_pin(link_fd, link_path))
		r = errf(err, len, -errno, "cannot pin link %s: %s", link_path, strerror(errno));
out:
	if (link_fd >= 0)
		close(link_fd);	/* the pin holds the attachment */
	if (prog_fd >= 0)
		close(prog_fd);
	return r;
}

/*
 * The link is the pin's alone: unpinning it detaches the program, but only
 * once bpffs frees the inode, after an RCU grace period, and the link's
 * work item has run. Wait at least until its id is gone (the last
 * reference dropped), so the program stops running soon after; a quick
 * attach again copes with the rest (attach_prog).
 */
static int detach_gate(const char *dir, const struct gate_def *g)
{
	const char *name = pinned_in(dir, "links", g);
	struct bpf_link_info link;
	char path[PATH_MAX];

	if (!name)
		return 0;
	if (pathf(path, sizeof(path), "%s/links/%s", dir, name))
		return -errno;
	if (pindir_link_info(path, &link))
		link.id = 0;
	if (unlink(path))
		return -errno;
	if (link.id && pindir_wait_gone(bpf_link_get_fd_by_id, &link.id, 1, 5000))
		return -EBUSY;
	return 0;
}

int gates_attach(const char *dir, unsigned int wanted, char *err, size_t len)
{
	unsigned int before = gates_attached(dir);
	size_t i;
	int r;

	for (i = 0; i < N_GATES; i++) {
		const struct gate_def *g = &gate_defs[i];

		if (!(wanted & g->gate) || (before & g->gate))
			continue;
		r = attach_gate(dir, g, err, len);
		if (r) {
			gates_detach(dir, before);
			return r;
		}
	}
	return 0;
}

int gates_detach(const char *dir, unsigned int wanted)
{
	int r = 0, e;
	size_t i;

	for (i = 0; i < N_GATES; i++) {
		if (wanted & gate_defs[i].gate)
			continue;
		e = detach_gate(dir, &gate_defs[i]);
		if (e && !r)
			r = e;
	}
	return r;
}

void gates_describe(unsigned int attached, char *buf, size_t len)
{
	snprintf(buf, len, "kernfs deny hook %s; open gate %s",
		 attached & GATE_KERNFS ? "attached" :
		 "not attached (no bind can be denied: audit mode or no deny; "
		 "the kernel refuses mixed ownership itself)",
		 attached & GATE_OPEN ? "attached" :
		 "not attached (every open is allowed and not streamed)");
}
