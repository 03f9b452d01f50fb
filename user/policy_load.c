// SPDX-License-Identifier: GPL-2.0
/*
 * Policy files (refusing what anyone but root could have written), and the
 * names of the policy's enum values.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "match.h"
#include "policy.h"
#include "sha256.h"
#include "trusted_path.h"
#include "util.h"

int policy_open_trusted(const char *path, uid_t owner, char *err, size_t errlen)
{
	return trusted_open(path, owner, "the policy", POLICY_MAX_BYTES, err, errlen);
}

/* --- loading -------------------------------------------------------------- */

/*
 * The path of the file open as fd, as the kernel resolved it (the file that
 * was checked and read, whatever links led to it); else name if absolute.
 */
static void resolved_path(int fd, const char *name, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size);
	if (n > 0 && (size_t)n < size && buf[0] == '/') {
		buf[n] = '\0';
		return;
	}
	if (name[0] != '/' || (size_t)snprintf(buf, size, "%s", name) >= size)
		buf[0] = '\0';	/* unknown rather than cut */
}

int policy_load_fd(int fd, const char *name, struct policy *out, char *err, size_t errlen)
{
	char *buf;
	ssize_t len;
	int ret = 0;

	/* One byte more than the limit, to see a file that grew meanwhile. */
	buf = malloc(POLICY_MAX_BYTES + 1);
	if (!buf)
		return errf(err, errlen, -ENOMEM, "%s: out of memory", name);
	len = read_full(fd, buf, POLICY_MAX_BYTES + 1);
	if (len < 0)
		ret = errf(err, errlen, (int)len, "%s: cannot read: %s", name, strerror((int)-len));
	else if (policy_parse(name, buf, len, out, err, errlen))
		ret = -EINVAL;
	if (!ret) {
		/* the bytes parsed, so the hash names exactly the rules in force */
		sha256_buf(buf, len, out->sha256);
		out->size = len;
		resolved_path(fd, name, out->path, sizeof(out->path));
	}
	free(buf);
	return ret;
}

int policy_load_trusted(const char *path, uid_t owner, struct policy *out,
			char *err, size_t errlen)
{
	int fd, ret;

	fd = policy_open_trusted(path, owner, err, errlen);
	if (fd < 0)
		return fd;
	ret = policy_load_fd(fd, path, out, err, errlen);
	close(fd);
	return ret;
}

int policy_load(const char *path, struct policy *out, char *err, size_t errlen)
{
	return policy_load_trusted(path, POLICY_OWNER, out, err, errlen);
}

/* What run would say about path, in warn ("" if it would take it). */
static void trust_warning(const char *path, char *warn, size_t warnlen)
{
	int fd;

	if (!warn || !warnlen)
		return;
	fd = policy_open_trusted(path, POLICY_OWNER, warn, warnlen);
	if (fd >= 0) {
		close(fd);
		warn[0] = '\0';
	}
}

int policy_load_draft(const char *path, struct policy *out, char *warn, size_t warnlen,
		      char *err, size_t errlen)
{
	struct stat st;
	int fd, ret;

	if (warn && warnlen)
		warn[0] = '\0';
	/* O_NONBLOCK: a FIFO must be refused, not waited on. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return errf(err, errlen, -errno, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st))
		ret = errf(err, errlen, -errno, "%s: cannot stat: %s", path, strerror(errno));
	else
		ret = trusted_judge_regular(path, "the policy", path, &st, POLICY_MAX_BYTES, err,
					    errlen);
	if (!ret) {
		trust_warning(path, warn, warnlen);
		ret = policy_load_fd(fd, path, out, err, errlen);
	}
	close(fd);
	return ret;
}

/* --- names ----------------------------------------------------------------- */

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
