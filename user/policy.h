/* SPDX-License-Identifier: GPL-2.0 */
/* The policy language (contract.md, "Policy file"): parse, compile, evaluate. */
#ifndef DMAGUARD_POLICY_H
#define DMAGUARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "dmaguard.h"

/* Slots of the userspace rule index: a power of two, at least twice DG_MAX_RULES. */
#define POLICY_INDEX_SLOTS (2 * DG_MAX_RULES)

/* A policy compiled to what the BPF maps hold. */
struct policy {
	struct dg_policy hdr;
	struct dg_rule rules[DG_MAX_RULES];
	/*
	 * The rule index (policy_index.c), kept as rules are added: the shapes
	 * of each action, each rule's shape number, and an open-addressing
	 * hash of rule keys whose slots hold 1 + the number of the first rule
	 * with that key (0: empty).
	 */
	struct dg_shapes shapes[2];
	__u16 rule_shape[DG_MAX_RULES];
	__u32 index[POLICY_INDEX_SLOTS];
	/*
	 * The file as loaded (policy_load_fd(); zero after policy_parse()
	 * alone): the SHA-256 of exactly the bytes parsed, their number, and
	 * the file's resolved path ("" if unknown), for the pinned policy_info.
	 */
	unsigned char sha256[32];
	__u64 size;
	char path[DG_INFO_PATH_LEN];
};

#define POLICY_ERR_LEN 512

/*
 * Largest policy file accepted, in bytes: DG_MAX_RULES rules of 250 bytes
 * fit, and a runaway file is refused before it is read.
 */
#define POLICY_MAX_BYTES (16 * 1024 * 1024)

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
 * Where uid= and gid= names are looked up (NULL: /etc/passwd, /etc/group);
 * unit tests pass their own files.
 */
void policy_set_id_files(const char *passwd, const char *group);

/*
 * Called for each uid= or gid= name a parse resolves, with the file name,
 * "LINE:COL", the attribute, the name (len bytes) and its id: `check`
 * prints them. NULL (the default): nothing is called.
 */
typedef void policy_name_fn(const char *file, const char *where, const char *attr,
			    const char *name, int len, __u32 id);
void policy_on_name(policy_name_fn *fn);

/*
 * Called for each exe= value a parse accepts, with the file name,
 * "LINE:COL", the value (len bytes, without a trailing '*') and whether it
 * is a prefix: `check` says when it names a symbolic link on this host.
 * NULL (the default): nothing is called.
 */
typedef void policy_path_fn(const char *file, const char *where, const char *attr,
			    const char *path, int len, bool prefix);
void policy_on_path(policy_path_fn *fn);

/*
 * Besides root, the one uid policy_load_trusted() trusts to own a policy
 * file and its directories: root alone (unit tests pass their own uid).
 */
#define POLICY_OWNER 0

/*
 * Open the policy file path for reading if no one but root (or owner) could
 * have written it or replaced it: the file and every directory traversed to
 * reach it (symbolic links followed, each read from a directory already
 * judged; a relative path from the working directory up) must be owned by
 * root or owner and not be writable by group or others. A directory
 * writable by others passes only if it is sticky (/tmp) and every entry
 * taken from it is owned by root or owner. The file must also be regular
 * and at most POLICY_MAX_BYTES long; opening never blocks.
 * Returns the fd, or -errno with err set to "PATH: cause" naming the
 * offending path, its owner and mode, and a fix: -EPERM (untrusted),
 * -EINVAL (not a regular file), -EFBIG, or what open failed with.
 */
int policy_open_trusted(const char *path, uid_t owner, char *err, size_t errlen);

/*
 * Read (at most POLICY_MAX_BYTES) and parse the policy in fd, named name;
 * on success also its SHA-256, size and resolved path (struct policy).
 */
int policy_load_fd(int fd, const char *name, struct policy *out, char *err, size_t errlen);

/* policy_open_trusted() then policy_load_fd(). Returns 0 or -errno, err set. */
int policy_load_trusted(const char *path, uid_t owner, struct policy *out,
			char *err, size_t errlen);

/*
 * The policy an enforcer may load (run, reload): policy_load_trusted() with
 * POLICY_OWNER. Returns 0, or -errno with err set ("PATH: cause" or a parse
 * error): -EINVAL for a parse error or a file that is not a regular one,
 * -EPERM for a file someone else could have written.
 */
int policy_load(const char *path, struct policy *out, char *err, size_t errlen);

/*
 * A policy checked offline by any user (check, status --policy): any owner,
 * but still a regular file of at most POLICY_MAX_BYTES, never waited on.
 * warn (may be NULL) gets why policy_load() would refuse the file, "" if it
 * would not. Returns as policy_load().
 */
int policy_load_draft(const char *path, struct policy *out, char *warn, size_t warnlen,
		      char *err, size_t errlen);

/*
 * Add rule i (the next one, rules before it added) to the index. Returns 0,
 * or -ENOSPC when its action has DG_MAX_SHAPES shapes and this rule needs
 * another.
 */
int policy_index_add(struct policy *p, __u32 i);

/*
 * A seed for p's index hashes under which no two distinct keys of a shape
 * share a hash (include/rule_key.h). Returns 0, -ENOMEM, or -EDEADLK if
 * no seed tried separates them (16 seeds; not seen in practice).
 */
int policy_index_seed(const struct policy *p, __u32 *seed);

/*
 * The BPF index key of each distinct (action, shape, attributes) of p, for
 * slot and seed, with the number of its first rule: fn(key, rule, ctx) per
 * key, in no order. Stops at and returns fn's first non-zero return.
 */
int policy_index_each(const struct policy *p, __u8 slot, __u32 seed,
		      int (*fn)(const struct dg_index_key *k, __u32 rule, void *ctx), void *ctx);

/*
 * First-match evaluation with the shared matcher (include/match.h), through
 * the rule index: the cost grows with the number of shapes, not of rules. *matched
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
