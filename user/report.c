// SPDX-License-Identifier: GPL-2.0
/*
 * What status, check and generate share. Verdicts: a binding is a device
 * and the driver bound to it; its verdict is the policy's bind verdict for
 * that pair (first matching rule, else the default; audit mode turns deny
 * into audit), from the same matcher the BPF side runs. An unbound device
 * has no verdict: what a policy says depends on the driver, and there is
 * none. The built-in mixed-ownership rule is not re-judged here: the kernel
 * never lets a current binding break it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "match.h"
#include "report.h"

const char *report_text(char *dst, size_t size, const char *src, size_t max)
{
	size_t i, n = strnlen(src, max), pos = 0;

	for (i = 0; i < n && pos + 5 < size; i++) {
		unsigned char c = src[i];

		if (c == '\\')
			pos += snprintf(dst + pos, size - pos, "\\\\");
		else if (c <= 0x20 || c >= 0x7f)
			pos += snprintf(dst + pos, size - pos, "\\x%02x", c);
		else
			dst[pos++] = c;
	}
	dst[pos] = '\0';
	return dst;
}

int report_scan(const char *root, struct topology *t)
{
	char err[512];

	if (!topology_scan(root ? root : TOPO_SYSFS_DEFAULT, t, err, sizeof(err)))
		return 0;
	cli_err("cannot read the device topology: %s", err);
	return root ? EXIT_USAGE : EXIT_VIOLATIONS;
}

struct policy *report_load_policy(const char *path)
{
	char err[POLICY_ERR_LEN], warn[POLICY_ERR_LEN] = "";
	struct policy *p = calloc(1, sizeof(*p));
	int ret;

	if (!p) {
		cli_err("%s: out of memory", path);
		return NULL;
	}
	/* any user's draft; root (who runs run) hears if run would refuse it */
	ret = policy_load_draft(path, p, geteuid() ? NULL : warn, sizeof(warn), err, sizeof(err));
	if (warn[0])
		cli_err("warning: run and reload would refuse this file: %s", warn);
	if (ret) {
		cli_err("%s", err);
		free(p);
		return NULL;
	}
	return p;
}

void report_judge(const struct policy *p, const struct topo_device *d, struct judgement *j)
{
	const struct dg_rule *rule = NULL;
	struct dg_bind_subject s;
	__u8 raw;

	memset(j, 0, sizeof(*j));
	if (!p || !d->driver[0])
		return;
	topology_bind_subject(d, &s);
	j->applies = true;
	j->verdict = policy_eval_bind(p, &s, &rule, &j->reason);
	j->line = rule ? rule->line : 0;
	raw = rule ? rule->verdict : p->hdr.default_bind;
	j->enforce_denies = j->verdict == DG_AUDIT && raw == DG_DENY;
}

const char *report_rule_text(char *buf, size_t size, const struct policy *p,
			     const struct judgement *j)
{
	if (!j->line)
		return "default";
	snprintf(buf, size, "%.*s:%u", DG_SOURCE_LEN, p->hdr.source, j->line);
	return buf;
}
