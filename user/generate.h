/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A policy from the current bindings (`dmaguard generate`): compact, with a
 * chosen key, scope and verdict for what it does not allow (dmaguard(8)).
 */
#ifndef DMAGUARD_GENERATE_H
#define DMAGUARD_GENERATE_H

#include <stdio.h>
#include "topology.h"

/* What names the devices in the rules. */
enum gen_by {
	GEN_BY_ID,	/* PCI vendor:device ID (device name off the PCI bus) */
	GEN_BY_DEVICE,	/* device name */
};

/* Which binds the verdict for what the rules do not allow reaches. */
enum gen_scope {
	GEN_SCOPE_PRESENT,	/* devices like those bound now: their key's other drivers */
	GEN_SCOPE_PCI,		/* every bind of a PCI device */
	GEN_SCOPE_ALL,		/* every bind, every bus */
};

struct gen_opts {
	enum gen_by by;
	enum gen_scope scope;
	__u8 otherwise;		/* DG_ALLOW, DG_AUDIT or DG_DENY */
	const char *source;	/* the sysfs root read, for the header */
};

/* Names of the options' values, as the command line spells them. */
const char *generate_by_name(enum gen_by by);
const char *generate_scope_name(enum gen_scope scope);

/* The option value s as an enum; -1 if unknown. */
int generate_by_parse(const char *s);
int generate_scope_parse(const char *s);
int generate_otherwise_parse(const char *s);

/*
 * Write the policy for t to f: one allow rule per key and driver among
 * today's bindings in scope, then what the scope denies (or audits).
 * Every current binding is allowed by it. Returns 0 or -ENOMEM.
 */
int generate_policy(FILE *f, const struct topology *t, const struct gen_opts *o);

#endif
