// SPDX-License-Identifier: GPL-2.0
/*
 * What is in force (state.h) as Prometheus text exposition (format 0.0.4):
 * `dmaguard metrics`, and the file `run --metrics-file` keeps for
 * node_exporter's textfile collector. Every family has its HELP and TYPE
 * lines; names carry the dmaguard_ prefix, counters end in _total, sizes
 * are bytes and times seconds. The families are listed in dmaguard(8),
 * METRICS.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include "cli.h"
#include "events.h"
#include "metrics.h"
#include "policy.h"
#include "sha256.h"
#include "state.h"
#include "trusted_path.h"
#include "util.h"

#ifndef DMAGUARD_VERSION
#define DMAGUARD_VERSION "unknown"
#endif

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * A label value: \, " and newline escaped as the format says; any other
 * byte outside printable ASCII written as the four characters \xNN (its
 * backslash escaped), so the file stays ASCII whatever a path holds.
 */
static void label_value(FILE *f, const char *s, size_t max)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '\\' || c == '"')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void gauge1(FILE *f, const char *name, const char *help, unsigned long long v)
{
	family(f, name, "gauge", help);
	fprintf(f, "%s %llu\n", name, v);
}

static void counter1(FILE *f, const char *name, const char *help, unsigned long long v)
{
	family(f, name, "counter", help);
	fprintf(f, "%s %llu\n", name, v);
}

static void policy_metrics(FILE *f, const struct state *st)
{
	char hex[SHA256_HEX_LEN] = "";
	const struct dg_policy *h = &st->hdr;

	if (st->have_info)
		sha256_hex(st->info.sha256, hex);
	family(f, "dmaguard_policy_info", "gauge", "The policy in force: mode, defaults, the "
	       "file and the SHA-256 of the bytes loaded (empty when not recorded).");
	fprintf(f, "dmaguard_policy_info{mode=\"%s\",default_bind=\"%s\",default_open=\"%s\",file=",
		h->mode == DG_MODE_AUDIT ? "audit" : "enforce",
		policy_verdict_name(h->default_bind), policy_verdict_name(h->default_open));
	if (st->have_info && st->info.path[0])
		label_value(f, st->info.path, sizeof(st->info.path));
	else
		label_value(f, h->source, sizeof(h->source));
	fprintf(f, ",sha256=\"%s\"} 1\n", hex);
	gauge1(f, "dmaguard_policy_rules", "Rules of the policy in force.", h->n_rules);
	if (st->have_info) {
		family(f, "dmaguard_policy_loaded_timestamp_seconds", "gauge",
		       "When the policy in force was loaded, in seconds since the epoch.");
		fprintf(f, "dmaguard_policy_loaded_timestamp_seconds %llu.%03llu\n",
			(unsigned long long)(st->info.loaded_ns / 1000000000ull),
			(unsigned long long)(st->info.loaded_ns % 1000000000ull / 1000000));
	}
	counter1(f, "dmaguard_policy_reloads_total", "Policies put in force since enforcement "
		 "was pinned, the first one aside (reload, SIGHUP, run and load again).",
		 h->generation ? h->generation - 1 : 0);
}

static void hook_metrics(FILE *f, const struct state *st)
{
	size_t i;

	family(f, "dmaguard_enforcement_info", "gauge", "The pinned enforcement: its format, "
	       "the dmaguard that pinned it, the deny path and who tracks group ownership.");
	fprintf(f, "dmaguard_enforcement_info{format=\"%u\",build=", st->format);
	label_value(f, st->build, sizeof(st->build));
	fprintf(f, ",deny_path=\"%s\",ownership=\"%s\"} 1\n",
		st->deny_path == HOOK_LSM ? "lsm" : "fmod_ret",
		st->ownership_api ? "kernel-api" : "dmaguard");
	family(f, "dmaguard_hooks_attached", "gauge",
	       "Whether each hot-path hook is attached (kernfs: the bind deny hook; open: the "
	       "VFIO open gate).");
	for (i = 0; i < 2; i++)
		fprintf(f, "dmaguard_hooks_attached{hook=\"%s\"} %d\n", st->hooks[i].name,
			st->hooks[i].attached);
	family(f, "dmaguard_hooks_wanted", "gauge", "Whether the policy in force and the "
	       "daemon need each hook attached (differing from dmaguard_hooks_attached after an "
	       "interrupted reload).");
	for (i = 0; i < 2; i++)
		fprintf(f, "dmaguard_hooks_wanted{hook=\"%s\"} %d\n", st->hooks[i].name,
			st->hooks[i].wanted);
	gauge1(f, "dmaguard_daemon_streaming", "Whether a 'dmaguard run' streams the events.",
	       st->streaming);
}

/* The (type, verdict, reason) that can happen: shown from zero, so a first event counts. */
static const struct { __u8 type, verdict, reason; } known[] = {
	{ DG_EV_BIND, DG_ALLOW, DG_REASON_RULE }, { DG_EV_BIND, DG_ALLOW, DG_REASON_DEFAULT },
	{ DG_EV_BIND, DG_ALLOW, DG_REASON_UNTRACKED },
	{ DG_EV_BIND, DG_DENY, DG_REASON_RULE }, { DG_EV_BIND, DG_DENY, DG_REASON_DEFAULT },
	{ DG_EV_BIND, DG_DENY, DG_REASON_MIXED }, { DG_EV_BIND, DG_DENY, DG_REASON_KERNEL_REFUSED },
	{ DG_EV_BIND, DG_DENY, DG_REASON_UNTRACKED },
	{ DG_EV_BIND, DG_AUDIT, DG_REASON_RULE }, { DG_EV_BIND, DG_AUDIT, DG_REASON_DEFAULT },
	{ DG_EV_BIND, DG_AUDIT, DG_REASON_MIXED }, { DG_EV_BIND, DG_AUDIT, DG_REASON_UNTRACKED },
	{ DG_EV_OPEN, DG_ALLOW, DG_REASON_RULE }, { DG_EV_OPEN, DG_ALLOW, DG_REASON_DEFAULT },
	{ DG_EV_OPEN, DG_ALLOW, DG_REASON_UNTRACKED },
	{ DG_EV_OPEN, DG_DENY, DG_REASON_RULE }, { DG_EV_OPEN, DG_DENY, DG_REASON_DEFAULT },
	{ DG_EV_OPEN, DG_DENY, DG_REASON_UNTRACKED },
	{ DG_EV_OPEN, DG_AUDIT, DG_REASON_RULE }, { DG_EV_OPEN, DG_AUDIT, DG_REASON_DEFAULT },
	{ DG_EV_OPEN, DG_AUDIT, DG_REASON_UNTRACKED },
	{ DG_EV_UNBIND, DG_COUNT_NO_VERDICT, DG_REASON_NONE },
	{ DG_EV_CLAIM, DG_COUNT_NO_VERDICT, DG_REASON_NONE },
	{ DG_EV_RELEASE, DG_COUNT_NO_VERDICT, DG_REASON_NONE },
	{ DG_EV_HOTPLUG, DG_COUNT_NO_VERDICT, DG_REASON_NONE },
	{ DG_EV_MAP_FULL, DG_COUNT_NO_VERDICT, DG_REASON_NONE },
};
#define N_KNOWN (sizeof(known) / sizeof(known[0]))

static void event_sample(FILE *f, unsigned int type, unsigned int verdict, unsigned int reason,
			 __u64 n)
{
	fprintf(f, "dmaguard_events_total{type=\"%s\",verdict=\"%s\",reason=\"%s\"} %llu\n",
		state_type_name(type), state_verdict_name(verdict), state_reason_name(reason),
		(unsigned long long)n);
}

static bool is_known(const struct state_count *c)
{
	size_t i;

	for (i = 0; i < N_KNOWN; i++)
		if (known[i].type == c->type && known[i].verdict == c->verdict &&
		    known[i].reason == c->reason)
			return true;
	return false;
}

static void counter_metrics(FILE *f, const struct state *st)
{
	unsigned int i;

	if (st->have_counts) {
		family(f, "dmaguard_events_total", "counter", "Events by type, verdict and "
		       "reason, streamed or lost (what 'run' streams: violations and failures; "
		       "with 'run --all' every event).");
		for (i = 0; i < N_KNOWN; i++)
			event_sample(f, known[i].type, known[i].verdict, known[i].reason,
				     state_count_of(st, known[i].type, known[i].verdict,
						    known[i].reason));
		for (i = 0; i < st->n_counts; i++)
			if (!is_known(&st->counts[i]))
				event_sample(f, st->counts[i].type, st->counts[i].verdict,
					     st->counts[i].reason, st->counts[i].n);
	}
	if (st->have_stats) {
		counter1(f, "dmaguard_lost_events_total", "Events the ring buffer had no room "
			 "for, or dropped before they had a sequence number.", st->stats.lost);
		counter1(f, "dmaguard_untracked_total", "Probes and opens judged without their "
			 "record, for want of map room.", st->stats.untracked);
		family(f, "dmaguard_map_update_failures_total", "counter",
		       "Updates of the BPF side's maps that found no room, by map.");
		for (i = 0; event_map_name(i); i++)
			fprintf(f, "dmaguard_map_update_failures_total{map=\"%s\"} %llu\n",
				event_map_name(i), (unsigned long long)st->stats.map_full[i]);
	}
	if (st->have_ring) {
		gauge1(f, "dmaguard_ring_buffer_size_bytes", "Size of the event ring buffer.",
		       st->ring_size);
		gauge1(f, "dmaguard_ring_buffer_used_bytes", "Bytes of the event ring buffer "
		       "written and not yet read by a daemon.", st->ring_used);
	}
}

void state_metrics(FILE *f, const struct state *st)
{
	static const char *const owners[] = { "none", "kernel", "user" };
	unsigned int i;

	family(f, "dmaguard_build_info", "gauge", "The dmaguard that wrote these metrics.");
	fprintf(f, "dmaguard_build_info{version=");
	label_value(f, DMAGUARD_VERSION, sizeof(DMAGUARD_VERSION));
	fprintf(f, ",format=\"%u\"} 1\n", DG_FORMAT);
	gauge1(f, "dmaguard_enforcement_pinned", "Whether enforcement is pinned (1) or not (0).",
	       st->pinned);
	if (st->pinned && !st->error[0]) {
		hook_metrics(f, st);
		if (st->have_policy)
			policy_metrics(f, st);
		counter_metrics(f, st);
	}
	if (st->have_groups) {
		family(f, "dmaguard_groups", "gauge", "IOMMU groups by DMA owner.");
		for (i = 0; i < 3; i++)
			fprintf(f, "dmaguard_groups{owner=\"%s\"} %u\n", owners[i],
				st->groups_by_owner[i]);
	}
}

int metrics_gather(const char *pin_dir, struct state *st, char *err, size_t len)
{
	char map[PATH_MAX], terr[512];
	struct topology t;
	struct topo_opts o;

	state_gather(pin_dir, st);
	if (st->error[0])
		return errf(err, len, -EIO, "%s", st->error);
	topology_default_opts(TOPO_SYSFS_DEFAULT, &o);
	if (!pathf(map, sizeof(map), "%s/groups", pin_dir))
		o.groups_map = map;
	/* the groups are one family among many: without them, the rest still counts */
	if (!topology_scan_opts(&o, &t, terr, sizeof(terr))) {
		state_add_groups(st, &t);
		topology_free(&t);
	}
	return 0;
}

int metrics_render(const struct state *st, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f)
		return -errno;
	state_metrics(f, st);
	if (ferror(f)) {
		fclose(f);
		free(*buf);
		*buf = NULL;
		return -ENOMEM;
	}
	return fclose(f) ? -errno : 0;
}

int metrics_file_write(const char *path, const char *pin_dir, bool stopped, char *err,
		       size_t len)
{
	struct state *st = malloc(sizeof(*st));
	char *buf = NULL;
	size_t n = 0;
	int r;

	if (!st)
		return errf(err, len, -ENOMEM, "out of memory");
	r = metrics_gather(pin_dir, st, err, len);
	if (!r && stopped) {
		st->streaming = false;
		st->daemon_pid = 0;
	}
	if (!r && (r = metrics_render(st, &buf, &n)))
		errf(err, len, r, "cannot format the metrics: %s", strerror(-r));
	if (!r)
		r = file_replace_public(path, buf, n, err, len);
	free(buf);
	free(st);
	return r;
}

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void metrics_writer_init(struct metrics_writer *m, const char *path, const char *pin_dir)
{
	m->path = path;
	m->pin_dir = pin_dir;
	m->due_ms = 0;
	m->err = 0;
	m->stopped = false;
}

void metrics_writer_finish(struct metrics_writer *m)
{
	m->stopped = true;
	metrics_writer_tick(m, true);
}

void metrics_writer_tick(struct metrics_writer *m, bool force)
{
	char err[600];
	int r;

	if (!m->path || (!force && monotonic_ms() < m->due_ms))
		return;
	m->due_ms = monotonic_ms() + METRICS_FILE_MS;
	r = metrics_file_write(m->path, m->pin_dir, m->stopped, err, sizeof(err));
	if (r && !m->err)
		cli_err("cannot write the metrics file: %s; trying again every %d s "
			"(enforcement is not affected)", err, METRICS_FILE_MS / 1000);
	else if (!r && m->err)
		cli_msg(LOG_NOTICE, "writing the metrics file %s again", m->path);
	m->err = r;
}
