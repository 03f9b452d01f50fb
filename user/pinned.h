/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pinned state's interface (pinned.c), opened by path: policy slots,
 * config, counters, the event ring, the format entry.
 */
#ifndef DMAGUARD_PINNED_H
#define DMAGUARD_PINNED_H

#include <stdbool.h>
#include <stddef.h>
#include "dmaguard.h"
#include "policy.h"
#include "policy_maps.h"

#define DG_DEFAULT_PIN_DIR "/sys/fs/bpf/dmaguard"

/* The pinned state, opened by path: what every command after start uses. */
struct pinned {
	char dir[4096];
	int policy_fd;
	struct policy_maps maps;	/* the rules and their index */
	int config_fd;
	int stats_fd;
	int groups_fd;
	int events_fd;
	int format_fd;		/* dg_format: the gate, the takeover, the stream cursor */
	int info_fd;		/* policy_info; -1 in the VM tests' older build */
	int lock_fd;		/* the pin directory, flock()ed while changing the policy */
};

/*
 * Wait for an RCU grace period: every BPF program running now has
 * returned. 0 or -errno.
 */
int pinned_grace_period(void);

/* Open the pinned maps. Returns 0, or -1 with err set. */
int pinned_open(struct pinned *p, const char *dir, char *err, size_t errlen);
void pinned_close(struct pinned *p);

/* Whether p->dir is still the directory p was opened from (not unloaded). */
bool pinned_is_current(struct pinned *p);

/*
 * Once p->dir is no longer current: whether a newer dmaguard took it over
 * (the set now in p->dir shares p's counters, upgrade.c), and that said
 * for messages ("taken over by a newer dmaguard", else "unloaded").
 */
bool pinned_taken_over(struct pinned *p);
const char *pinned_gone_how(struct pinned *p);

/*
 * The event-stream cursor (dg_format.stream_next_seq): a daemon whose
 * enforcement was taken over leaves the seq it expected next, once the
 * takeover has finished (it waits for the directory's lock); its successor,
 * which starts streaming only after it, takes it (and clears it) so that
 * events lost in between are reported as a gap. 0: none. 0 or -errno.
 */
int pinned_leave_cursor(struct pinned *p, __u64 next_seq);
int pinned_take_cursor(struct pinned *p, __u64 *next_seq);

/*
 * Replace the policy in force atomically: the rules go to the inactive slot,
 * then one write switches slots, then an RCU grace period passes so no
 * program still reads the old slot when the next reload rewrites it.
 */
int pinned_set_policy(struct pinned *p, const struct policy *pol, char *err, size_t errlen);
int pinned_get_policy(struct pinned *p, struct dg_policy *out);
/* The header of policy slot 0 or 1, in force or not. */
int pinned_get_slot(struct pinned *p, __u32 slot, struct dg_policy *out);
/*
 * What the streaming daemon asks for: every event, and audit mode kept on
 * reload; attaches or detaches the open gate to match (gates.h). Returns 0,
 * or -1 with err set.
 */
int pinned_set_stream(struct pinned *p, bool emit_all, bool force_audit, char *err,
		      size_t errlen);
int pinned_get_stats(struct pinned *p, struct dg_stats *out);

/* The policy_info entry that describes pol put in force as generation, now. */
void pinned_policy_info(const struct policy *pol, __u64 generation,
			struct dg_policy_info *out);

#endif
