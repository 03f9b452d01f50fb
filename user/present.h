/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Present events: what is already wrong when `dmaguard run` starts. The
 * kernel judges a binding only when it is made, so bindings made before the
 * policy went into force are judged here, as `check` judges them
 * (report_bindings()), once the policy is in force, and each the policy
 * denies or audits is written as a present event: the event shape, type
 * "present", no seq (the BPF side did not emit it), no process (nobody is
 * binding now), no result (nothing was refused); ts is when run judged it.
 * Nothing is unbound: whether a device may lose its driver (the disk, the
 * NIC the host is reached through) is the administrator's call.
 */
#ifndef DMAGUARD_PRESENT_H
#define DMAGUARD_PRESENT_H

#include <stdbool.h>
#include <stdio.h>
#include "events.h"
#include "policy.h"
#include "report.h"
#include "topology.h"

struct present_result {
	struct report_tally tally;	/* the current bindings by verdict */
	size_t written;			/* present events written */
	size_t unwritten;		/* present events a failed write lost */
	int err;			/* -errno of the first failed write, 0 if none */
};

/* The present event for d's binding, judged j, at boot time boot_ns. */
void present_event(const struct topo_device *d, const struct judgement *j, __u64 boot_ns,
		   struct dg_event *e);

/*
 * Judge t's bindings under p and write a present event for each that p
 * denies or audits (all: for every binding) to s, timed boot_ns.
 */
void present_write(const struct policy *p, const struct topology *t, struct event_stream *s,
		   bool all, __u64 boot_ns, struct present_result *r);

/*
 * The live host: scan /sys, with group owners from the groups map pinned in
 * pin_dir (what the BPF side judges with), and write the present events to
 * out, JSON or text, or to sink when it is not NULL (the journal), rules
 * named by p's source. Returns 0, or -1 when the topology cannot be read,
 * with err saying why and nothing written.
 */
int present_report(const char *pin_dir, const struct policy *p, FILE *out, bool json,
		   const struct event_sink *sink, bool all, struct present_result *r,
		   char *err, size_t errlen);

#endif
