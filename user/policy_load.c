// SPDX-License-Identifier: GPL-2.0
/*
 * Policy files (refusing what a non-root user could have written) and
 * first-match evaluation with the shared matcher of include/match.h, the
 * same code the BPF programs run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "match.h"
#include "policy.h"

/* --- loading -------------------------------------------------------------- */

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "not a regular file";
}

/*
 * Whoever can write the policy decides what the enforcer allows, so only
 * root may. The owner of a file can always chmod it, so a non-root owner is
 * refused whatever the mode bits say; a caller that is not root may read a
 * draft it owns itself (it gains nothing it did not have).
 */
static int check_file(const char *path, const struct stat *st, char *err, size_t errlen)
{
	const char *fix = "(chmod go-w, chown root)";

	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s: refusing a policy file that is %s "
				      "(expected a regular file)", path, file_kind(st->st_mode));
		return -1;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		snprintf(err, errlen, "%s: refusing a policy file writable by uid %u %s",
			 path, (unsigned)st->st_uid, fix);
		return -1;
	}
	if (st->st_mode & S_IWGRP) {
		snprintf(err, errlen, "%s: refusing a policy file writable by group %u %s",
			 path, (unsigned)st->st_gid, fix);
		return -1;
	}
	if (st->st_mode & S_IWOTH) {
		snprintf(err, errlen, "%s: refusing a policy file writable by every user %s",
			 path, fix);
		return -1;
	}
	if (st->st_size > POLICY_MAX_BYTES) {
		snprintf(err, errlen, "%s: file is %lld bytes long (expected at most %d)",
			 path, (long long)st->st_size, POLICY_MAX_BYTES);
		return -1;
	}
	return 0;
}

/* Read at most max bytes; *len > max - 1 means the file grew past the limit. */
static int read_all(int fd, char *buf, size_t max, size_t *len)
{
	ssize_t n;

	*len = 0;
	while (*len < max) {
		n = read(fd, buf + *len, max - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	return 0;
}

int policy_load(const char *path, struct policy *out, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len;
	int fd, ret = -1, rc;

	/* O_NONBLOCK: a FIFO must be refused, not waited on. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
		goto out;
	}
	if (check_file(path, &st, err, errlen))
		goto out;
	/* One byte more than the limit, to see a file that grew meanwhile. */
	buf = malloc(POLICY_MAX_BYTES + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	rc = read_all(fd, buf, POLICY_MAX_BYTES + 1, &len);
	if (rc) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(-rc));
		goto out;
	}
	ret = policy_parse(path, buf, len, out, err, errlen);
out:
	free(buf);
	close(fd);
	return ret;
}

/* --- evaluation ----------------------------------------------------------- */

static __u32 rule_count(const struct policy *p)
{
	return p->hdr.n_rules < DG_MAX_RULES ? p->hdr.n_rules : DG_MAX_RULES;
}

__u8 policy_eval_bind(const struct policy *p, const struct dg_bind_subject *s,
		      const struct dg_rule **matched, __u8 *reason)
{
	__u32 i, n = rule_count(p);

	*matched = NULL;
	for (i = 0; i < n && !*matched; i++)
		if (dg_bind_rule_matches(&p->rules[i], s))
			*matched = &p->rules[i];
	return dg_decide(&p->hdr, *matched, DG_ACT_BIND, reason);
}

__u8 policy_eval_open(const struct policy *p, const struct dg_open_subject *s,
		      const struct dg_rule **matched, __u8 *reason)
{
	__u32 i, n = rule_count(p);

	*matched = NULL;
	for (i = 0; i < n && !*matched; i++)
		if (dg_open_rule_matches(&p->rules[i], s))
			*matched = &p->rules[i];
	return dg_decide(&p->hdr, *matched, DG_ACT_OPEN, reason);
}

const char *policy_verdict_name(__u8 verdict)
{
	switch (verdict) {
	case DG_ALLOW:
		return "allow";
	case DG_DENY:
		return "deny";
	case DG_AUDIT:
		return "audit";
	}
	return "unknown";
}

const char *policy_reason_name(__u8 reason)
{
	switch (reason) {
	case DG_REASON_RULE:
		return "rule";
	case DG_REASON_DEFAULT:
		return "default";
	case DG_REASON_MIXED:
		return "mixed-ownership";
	case DG_REASON_KERNEL_REFUSED:
		return "kernel-refused";
	case DG_REASON_NONE:
		return "none";
	}
	return "unknown";
}

const char *policy_dma_name(__u8 dma)
{
	switch (dma) {
	case DG_DMA_KERNEL:
		return "kernel";
	case DG_DMA_USER:
		return "user";
	}
	return "unknown";
}
