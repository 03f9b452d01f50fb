/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gates: the two hooks that run on hot paths of every host, attached
 * only while the policy in force can act through them.
 *
 *  - the deny hook on kernfs node creation (every sysfs and cgroupfs node):
 *    needed in enforce mode when a rule or the default can deny a bind
 *    (from 5.19 the kernel itself refuses a mixed-ownership probe in
 *    dma_configure(), before the hook would act);
 *  - the open gate on file_open (every open): needed when an open can be
 *    denied or audited, or when the daemon streams every event (`run --all`).
 *
 * Before 5.19 (no DMA-ownership API) both are always attached: dmaguard
 * enforces the mixed-ownership invariant itself and sees ownership from VFIO
 * group opens, and 5.10 cannot attach a program again once its link is gone.
 *
 * Their programs are pinned in DIR/progs, so a reload can attach a gate
 * (before the new policy goes into force) or detach it (after the old one
 * has left). The deny hook's is loaded with the set. The open gate's is
 * loaded when a policy first needs it (GATES_ON_DEMAND): by `run` if its
 * policy does, else by the first reload or `run --all` that does, which
 * then stays pinned. It is about 40% of what the verifier checks at
 * start-up, which is on the boot's critical path.
 */
#ifndef DMAGUARD_GATES_H
#define DMAGUARD_GATES_H

#include <stdbool.h>
#include <stddef.h>
#include "dmaguard.h"
#include "policy.h"

enum gate {
	GATE_KERNFS = 1 << 0,
	GATE_OPEN = 1 << 1,
};
#define GATES_ALL (GATE_KERNFS | GATE_OPEN)
/*
 * Loaded only once a policy needs them. Not the deny hook: its program is
 * small, and the flavour pinned (LSM or fmod_ret) tells the set's hooks.
 */
#define GATES_ON_DEMAND GATE_OPEN

/* DG_ACTS_* of pol, to store in the header of its slot. */
__u8 gates_policy_acts(const struct policy *pol);

/* The gates a policy header in force needs. */
unsigned int gates_wanted(const struct dg_policy *hdr, bool emit_all, bool ownership_api);

/* The gates attached in DIR now (links pinned). */
unsigned int gates_attached(const char *dir);

/* The gates whose program is loaded in DIR (pinned in DIR/progs). */
unsigned int gates_loaded(const char *dir);

/*
 * Attach the gates in `wanted` that are not attached, from the programs
 * pinned in DIR/progs (loading one not loaded yet, gate_load()), and pin
 * their links. Returns 0, or -errno with err set (what this call attached
 * is detached again; a program it loaded stays pinned).
 */
int gates_attach(const char *dir, unsigned int wanted, char *err, size_t len);

/*
 * Load the program of gate (one of GATES_ON_DEMAND; `what` names it) into
 * the set pinned in DIR, which must be this very BPF object's (another
 * build's is refused: set_object.h), sharing its maps and globals, and pin
 * it in DIR/progs (gate_load.c). 0, or -errno with err set.
 */
int gate_load(const char *dir, unsigned int gate, const char *what, char *err, size_t len);

/* Detach the attached gates that are not in `wanted`. 0 or -errno. */
int gates_detach(const char *dir, unsigned int wanted);

/* "kernfs deny hook attached, open gate not attached (...)" for `run`. */
void gates_describe(unsigned int attached, char *buf, size_t len);

#endif
