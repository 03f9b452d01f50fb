// SPDX-License-Identifier: GPL-2.0
/* Present events at `run` start (see present.h). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "present.h"

void present_event(const struct topo_device *d, const struct judgement *j, __u64 boot_ns,
		   struct dg_event *e)
{
	memset(e, 0, sizeof(*e));
	e->type = DG_EV_PRESENT;
	e->boot_ns = boot_ns;
	e->flags = DG_EF_VERDICT | DG_EF_DEVICE | DG_EF_DRIVER;
	e->verdict = j->verdict;
	e->reason = j->reason;
	e->rule_line = j->line;
	e->dma = d->dma;
	e->group = d->group;
	/* the topology holds names cut as the BPF side cuts them */
	memcpy(e->device, d->name, sizeof(e->device));
	memcpy(e->driver, d->driver, sizeof(e->driver));
	if (d->group >= 0)
		e->flags |= DG_EF_GROUP;
	if (d->is_pci) {
		e->flags |= DG_EF_PCI;
		e->vendor = d->vendor;
		e->devid = d->devid;
		e->class = d->class;
	}
}

struct present_ctx {
	struct event_stream *s;
	bool all;
	__u64 boot_ns;
	struct present_result *r;
};

static void on_binding(void *ctx, const struct topo_device *d, const struct judgement *j)
{
	struct present_ctx *c = ctx;
	struct dg_event e;
	int err;

	if (j->verdict == DG_ALLOW && !c->all)
		return;
	present_event(d, j, c->boot_ns, &e);
	err = event_stream_write_present(c->s, &e);
	if (!err) {
		c->r->written++;
		return;
	}
	c->r->unwritten++;
	if (!c->r->err)
		c->r->err = err;
}

void present_write(const struct policy *p, const struct topology *t, struct event_stream *s,
		   bool all, __u64 boot_ns, struct present_result *r)
{
	struct present_ctx c = { .s = s, .all = all, .boot_ns = boot_ns, .r = r };

	memset(r, 0, sizeof(*r));
	event_stream_set_policy_source(s, p->hdr.source);
	report_bindings(p, t, &r->tally, on_binding, &c);
}

int present_report(const char *pin_dir, const struct policy *p, FILE *out, bool json,
		   const struct event_sink *sink, bool all, struct present_result *r,
		   char *err, size_t errlen)
{
	char groups_map[PATH_MAX];
	/*
	 * Owners as the BPF side sees them. No process search: an owner
	 * derived from sysfs is never user where a kernel driver is bound.
	 */
	struct topo_opts o = { .sysfs = TOPO_SYSFS_DEFAULT, .groups_map = groups_map };
	struct event_stream s;
	struct topology t;
	struct timespec now;
	__s64 offset = 0;

	memset(r, 0, sizeof(*r));
	snprintf(groups_map, sizeof(groups_map), "%s/groups", pin_dir);
	if (topology_scan_opts(&o, &t, err, errlen))
		return -1;
	event_realtime_offset(&offset);
	event_stream_init(&s, out, json, offset);
	event_stream_set_sink(&s, sink);
	clock_gettime(CLOCK_BOOTTIME, &now);
	present_write(p, &t, &s, all, (__u64)now.tv_sec * 1000000000ull + now.tv_nsec, r);
	topology_free(&t);
	return 0;
}
