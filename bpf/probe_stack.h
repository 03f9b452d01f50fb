/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-task record of probes in flight (map inflight): plain types, so
 * the rule-index test (tests/vm/match) can put a subject where the rule
 * lookup finds it.
 */
#ifndef DMAGUARD_PROBE_STACK_H
#define DMAGUARD_PROBE_STACK_H

#include "dmaguard.h"

/* One really_probe() in flight on a task. */
struct probe_frame {
	__u64 dev;		/* struct device *, to pair fentry with fexit */
	__u64 drv_dir;		/* kernfs node of the driver's sysfs directory */
	struct dg_bind_subject subj;
	__u32 rule_line;
	__s32 kernel_refused;	/* error of iommu_device_use_default_domain() */
	__u8 verdict;
	__u8 reason;
	__u8 deny;		/* fail this probe's sysfs link */
	__u8 denied;		/* the kernfs hook did fail it */
	__u8 slot;		/* policy slot that decided */
	__u8 report;		/* this set owns the call: it reports and accounts (gate.bpf.h) */
	__u8 token;		/* the ownership is a call token, freed at fexit */
	__u8 pad;
};

/* Probes can nest on one task (a probe that registers and probes children). */
struct probe_stack {
	__u32 depth;
	__u32 pad;
	struct probe_frame frames[DG_MAX_NEST];
};

#endif
