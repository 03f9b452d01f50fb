/* SPDX-License-Identifier: GPL-2.0 */
/* The policy language (contract.md, "Policy file"): parse, compile, evaluate. */
#ifndef DMAGUARD_POLICY_H
#define DMAGUARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include "dmaguard.h"

/* A policy compiled to what the BPF maps hold. */
struct policy {
	struct dg_policy hdr;
	struct dg_rule rules[DG_MAX_RULES];
};

#define POLICY_ERR_LEN 512

/*
 * Largest policy file accepted, in bytes: 1024 rules of long lines fit many
 * times over, and a runaway file is refused before it is read.
 */
#define POLICY_MAX_BYTES (1024 * 1024)

/*
 * Parse the text buf (len bytes) read from a file named name. On success fill
 * *out and return 0. On error return -1, leave *out untouched and write one
 * line without a trailing newline, "NAME:LINE:COL: cause (expected ...)", into
 * err (COL counts bytes from 1, a tab is one). Errors about the whole file
 * (over POLICY_MAX_BYTES) have the form "NAME: cause (expected ...)".
 * Absent statements default to mode enforce, default bind allow and
 * default open allow.
 */
int policy_parse(const char *name, const char *buf, size_t len,
		 struct policy *out, char *err, size_t errlen);

/*
 * Read and parse a policy file. Also refuses a file that is writable by
 * anyone but root (or not a regular file). A caller that is not root may also
 * read a file it owns itself (a draft checked with `dmaguard check`).
 * Returns 0, or -1 with err set ("NAME: cause" or a parse error).
 */
int policy_load(const char *path, struct policy *out, char *err, size_t errlen);

/*
 * First-match evaluation with the shared matcher (include/match.h). *matched
 * is the deciding rule or NULL for the default; *reason is DG_REASON_RULE or
 * DG_REASON_DEFAULT. Returns the verdict after audit mode is applied.
 */
__u8 policy_eval_bind(const struct policy *p, const struct dg_bind_subject *s,
		      const struct dg_rule **matched, __u8 *reason);
__u8 policy_eval_open(const struct policy *p, const struct dg_open_subject *s,
		      const struct dg_rule **matched, __u8 *reason);

/* Names of enum values as the contract spells them ("allow", "deny", ...). */
const char *policy_verdict_name(__u8 verdict);
const char *policy_reason_name(__u8 reason);
const char *policy_dma_name(__u8 dma);

#endif
