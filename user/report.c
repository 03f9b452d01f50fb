// SPDX-License-Identifier: GPL-2.0
/*
 * What status, check, generate and run's present events share. Verdicts: a
 * binding is a device and the driver bound to it; its verdict is the
 * policy's bind verdict for that pair (first matching rule, else the
 * default; audit mode turns deny into audit), from the same matcher the BPF
 * side runs. An unbound device has no verdict: what a policy says depends
 * on the driver, and there is none.
 *
 * Judged within its topology (report_judge_in()), a binding is first held
 * to the built-in mixed-ownership rule, as the BPF side holds a probe: a
 * driver that takes the group for kernel DMA, in a group userspace owns.
 * From 5.19 the kernel never lets a binding break it. Before, VFIO lets a
 * process open a group (and set its container) while another member keeps
 * its kernel driver, and dmaguard's groups map counts both owners: the
 * owner the topology reads from that map is user. An owner derived from
 * sysfs is never user in a group a kernel driver holds, so offline trees
 * never show the rule broken.
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

/* The group of d in t, NULL for none. */
static const struct topo_group *group_of(const struct topology *t, const struct topo_device *d)
{
	size_t i;

	for (i = 0; d->group >= 0 && i < t->n_groups; i++)
		if (t->groups[i].id == d->group)
			return &t->groups[i];
	return NULL;
}

static bool breaks_mixed_ownership(const struct topology *t, const struct topo_device *d)
{
	const struct topo_group *g = group_of(t, d);

	return g && g->owner == DG_OWNER_USER && dg_driver_takes_group(d->driver);
}

void report_judge_in(const struct policy *p, const struct topology *t,
		     const struct topo_device *d, struct judgement *j)
{
	bool audit;

	report_judge(p, d, j);
	if (!j->applies || !breaks_mixed_ownership(t, d))
		return;
	/* built in, whatever the rules say; audit mode only reports it */
	audit = p->hdr.mode == DG_MODE_AUDIT;
	j->verdict = audit ? DG_AUDIT : DG_DENY;
	j->reason = DG_REASON_MIXED;
	j->line = 0;
	j->enforce_denies = audit;
}

void report_bindings(const struct policy *p, const struct topology *t,
		     struct report_tally *n, report_binding_fn *fn, void *ctx)
{
	struct judgement j;
	size_t i;

	memset(n, 0, sizeof(*n));
	for (i = 0; i < t->n_devices; i++) {
		report_judge_in(p, t, &t->devices[i], &j);
		if (!j.applies)
			continue;
		n->bound++;
		if (j.verdict == DG_DENY)
			n->deny++;
		else if (j.verdict != DG_ALLOW)
			n->audit++;
		fn(ctx, &t->devices[i], &j);
	}
}

const char *report_rule_text(char *buf, size_t size, const struct policy *p,
			     const struct judgement *j)
{
	if (!j->line)
		return "default";
	snprintf(buf, size, "%.*s:%u", DG_SOURCE_LEN, p->hdr.source, j->line);
	return buf;
}
