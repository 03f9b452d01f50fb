/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading, attaching and pinning the BPF side, and the pinned state's
 * interface: policy slots, config, counters, the event ring.
 */
#ifndef DMAGUARD_LOADER_H
#define DMAGUARD_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include "dmaguard.h"
#include "policy.h"

#define DG_DEFAULT_PIN_DIR "/sys/fs/bpf/dmaguard"
#define LOADER_ERR_LEN 512

/* How the deny hooks are attached. */
enum hook_mode {
	HOOK_LSM,	/* BPF LSM programs: bpf is an active LSM */
	HOOK_FMOD_RET,	/* fmod_ret on security_*(): bpf is not an active LSM */
};

/* The pinned state, opened by path: what every command after start uses. */
struct pinned {
	char dir[4096];
	int policy_fd;
	int rules_fd;
	int config_fd;
	int stats_fd;
	int groups_fd;
	int events_fd;
	int format_fd;		/* dg_format: the gate, the takeover, the stream cursor */
	int lock_fd;		/* the pin directory, flock()ed while changing the policy */
};

/* What `run` reports it has in force. */
struct load_report {
	bool reused;		/* enforcement was already pinned: nothing reattached */
	enum hook_mode hooks;
	bool ownership_api;	/* the kernel tracks DMA ownership (5.19+) */
	bool device_claims;	/* iommu_device_claim_dma_owner (6.2+) */
	char programs[1024];	/* names of the attached programs */
	char warning[512];	/* for the administrator, even when loading failed, or "" */
};

/*
 * Make sure enforcement is pinned in dir: reuse what is pinned, or load,
 * attach and pin everything with pol in force from the first moment. Either
 * all of it is pinned or nothing is. Pins go only where nobody but root can
 * take them away (pindir_guard.c). Returns 0, or -errno with err set:
 * -EOPNOTSUPP when the kernel lacks something, -EPERM without privilege,
 * -ENAMETOOLONG for a pin directory name too long.
 */
int loader_ensure(const char *dir, const struct policy *pol, struct load_report *rep,
		  char *err, size_t errlen);

/*
 * The steps of a load, for a takeover (upgrade.c): check the kernel, open
 * the BPF object with the programs this kernel takes and sized maps; load
 * it; attach it and pin everything under dir (gates: gates.h); seed the
 * VFIO nodes and majors from sysfs. Each returns 0 or -errno with err set.
 */
struct dmaguard_bpf;
int loader_open_programs(struct dmaguard_bpf **skel, struct load_report *rep, char *err,
			 size_t errlen);
int loader_load(struct dmaguard_bpf *skel, char *err, size_t errlen);
int loader_attach_and_pin(struct dmaguard_bpf *skel, const char *dir, unsigned int gates,
			  char *err, size_t errlen);
int loader_seed_nodes(struct dmaguard_bpf *skel);

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

#endif
