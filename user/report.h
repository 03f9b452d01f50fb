/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the offline commands (status, check, generate) and run's present
 * events share: reading the topology and the policy, judging a binding, and
 * writing names safely.
 */
#ifndef DMAGUARD_REPORT_H
#define DMAGUARD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "dmaguard.h"
#include "pci_id.h"
#include "policy.h"
#include "topology.h"

#define TEXT_MAX	(DG_SOURCE_LEN * 4 + 16)	/* an escaped name */

/* src for a terminal: \xNN for blanks and non-printable bytes, \\ for '\'. */
const char *report_text(char *dst, size_t size, const char *src, size_t max);

/*
 * Scan the topology under root (NULL: /sys). On failure print why and
 * return the exit code: a --sysfs ROOT that is no sysfs tree is a usage
 * error, an unreadable /sys a runtime failure.
 */
int report_scan(const char *root, struct topology *t);

/* Load the policy at path; NULL after printing why. */
struct policy *report_load_policy(const char *path);

/* A binding's verdict under a policy. */
struct judgement {
	bool applies;		/* the device is bound */
	__u8 verdict;
	__u8 reason;
	__u32 line;		/* deciding rule, 0 for the default */
	bool enforce_denies;	/* audit because of audit mode: enforce would deny */
};

/* Judge d's binding under p (p NULL, or d unbound: j->applies is false). */
void report_judge(const struct policy *p, const struct topo_device *d, struct judgement *j);

/*
 * Judge d's binding within its topology t: the built-in mixed-ownership
 * rule first (reason DG_REASON_MIXED, deny, or audit in audit mode), as the
 * BPF side judges a probe, then report_judge(). check and run's present
 * events judge with this.
 */
void report_judge_in(const struct policy *p, const struct topology *t,
		     const struct topo_device *d, struct judgement *j);

/* Current bindings by verdict: what check's summary and run's start line count. */
struct report_tally {
	size_t bound;		/* bound devices judged */
	size_t deny;		/* verdict deny */
	size_t audit;		/* verdict audit */
};

typedef void report_binding_fn(void *ctx, const struct topo_device *d,
			       const struct judgement *j);

/*
 * Judge every current binding in t with report_judge_in(), count them in
 * *n, and call fn for each (allowed ones too), in topology order.
 */
void report_bindings(const struct policy *p, const struct topology *t,
		     struct report_tally *n, report_binding_fn *fn, void *ctx);

/* "FILE:LINE" of the deciding rule, or "default". */
const char *report_rule_text(char *buf, size_t size, const struct policy *p,
			     const struct judgement *j);

#endif
