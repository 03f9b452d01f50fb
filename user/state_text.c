// SPDX-License-Identifier: GPL-2.0
/*
 * What is in force (state.h) as `status` shows it: the "enforcement:" block
 * of the text output and the "enforcement" object of `status --json`, and
 * the event counters and ring buffer added to "bpf". The schema is in
 * dmaguard(8), STATUS.
 */
#include <stdio.h>
#include <string.h>
#include "events.h"
#include "policy.h"
#include "report.h"
#include "sha256.h"
#include "state.h"
#include "stats.h"

#define LABEL "  %-12s "	/* the block's keys, aligned */

static const char *mode_name(__u8 mode)
{
	return mode == DG_MODE_AUDIT ? "audit" : "enforce";
}

static const char *deny_path_name(const struct state *st)
{
	return st->deny_path == HOOK_LSM ? "lsm" : "fmod_ret";
}

static const char *hook_words(const struct state_hook *h)
{
	return !strcmp(h->name, "kernfs") ? "kernfs deny hook" : "open gate";
}

/* RFC 3339 UTC of a CLOCK_REALTIME time in ns, or "unknown". */
static const char *time_text(char *buf, size_t len, __u64 ns)
{
	if (event_format_ts(ns, 0, buf, len) < 0)
		snprintf(buf, len, "unknown");
	return buf;
}

static void text_policy(FILE *f, const struct state *st)
{
	char path[4 * DG_INFO_PATH_LEN + 16], name[TEXT_MAX], hex[SHA256_HEX_LEN];
	const struct dg_policy *h = &st->hdr;
	char ts[EVENT_TS_LEN];

	if (st->have_info && st->info.path[0])
		fprintf(f, LABEL "%s, %u rules (given as %s)\n", "policy:",
			report_text(path, sizeof(path), st->info.path, sizeof(st->info.path)),
			h->n_rules, report_text(name, sizeof(name), h->source, sizeof(h->source)));
	else
		fprintf(f, LABEL "%s, %u rules\n", "policy:",
			report_text(name, sizeof(name), h->source, sizeof(h->source)), h->n_rules);
	if (st->have_info) {
		fprintf(f, LABEL "%s (%llu bytes)\n", "sha256:", sha256_hex(st->info.sha256, hex),
			(unsigned long long)st->info.size);
		fprintf(f, LABEL "%s, generation %llu (%llu reloads)\n", "loaded:",
			time_text(ts, sizeof(ts), st->info.loaded_ns),
			(unsigned long long)h->generation,
			(unsigned long long)(h->generation ? h->generation - 1 : 0));
	} else {
		fprintf(f, LABEL "unknown: put in force by a dmaguard before format 2 (the next "
			"load or reload records it)\n", "sha256:");
		fprintf(f, LABEL "generation %llu\n", "loaded:", (unsigned long long)h->generation);
	}
	fprintf(f, LABEL "%s%s; default bind %s, default open %s\n", "mode:", mode_name(h->mode),
		st->cfg.force_audit ? " (forced by 'run --audit')" : "",
		policy_verdict_name(h->default_bind), policy_verdict_name(h->default_open));
}

static void text_hooks(FILE *f, const struct state *st)
{
	size_t i;

	fprintf(f, LABEL "%s\n", "deny path:", st->deny_path == HOOK_LSM ? "BPF LSM" :
		"fmod_ret on security_*() (bpf is not an active LSM)");
	for (i = 0; i < 2; i++) {
		const struct state_hook *h = &st->hooks[i];

		fprintf(f, LABEL "%s %s: %s%s\n", i ? "" : "hooks:", hook_words(h),
			h->attached ? "attached" : "not attached", h->why,
			h->attached == h->wanted ? "" : h->wanted ?
			" (but it is not attached: an interrupted reload? reload again)" :
			" (but it is attached: an interrupted reload? reload again)");
	}
	fprintf(f, LABEL "%s%s; group owners from the pinned groups map", "ownership:",
		st->ownership_api ? "the kernel's DMA-ownership API" :
		"tracked by dmaguard (the kernel has no DMA-ownership API)",
		st->device_claims ? ", with device claims" : "");
	if (st->have_groups)
		fprintf(f, " (%u of %u groups)", st->groups_from_map,
			st->groups_by_owner[0] + st->groups_by_owner[1] + st->groups_by_owner[2]);
	fputc('\n', f);
}

static void text_programs(FILE *f, const struct state *st)
{
	size_t i;

	for (i = 0; i < st->n_progs; i++) {
		const struct state_prog *p = &st->progs[i];

		fprintf(f, LABEL "%s %s %s: ", i ? "" : "programs:", p->name, p->kind, p->target);
		if (p->attached)
			fprintf(f, "link %u, prog %u\n", p->link_id, p->prog_id);
		else
			fprintf(f, "not attached, prog %u\n", p->prog_id);
	}
}

void state_counters_text(FILE *f, const struct state *st)
{
	size_t i;

	if (st->have_counts) {
		fprintf(f, LABEL "%s", "events:", st->n_counts ? "" : "none");
		for (i = 0; i < st->n_counts; i++) {
			const struct state_count *c = &st->counts[i];

			fprintf(f, "%s%s", i ? ", " : "", state_type_name(c->type));
			if (c->verdict != DG_COUNT_NO_VERDICT)
				fprintf(f, " %s %s", state_verdict_name(c->verdict),
					state_reason_name(c->reason));
			fprintf(f, " %llu", (unsigned long long)c->n);
		}
		fputc('\n', f);
	}
	if (st->have_stats)
		fprintf(f, LABEL "%llu (%llu before they had a seq); untracked %llu\n", "lost:",
			(unsigned long long)st->stats.lost, (unsigned long long)st->stats.unsequenced,
			(unsigned long long)st->stats.untracked);
	if (st->have_ring)
		fprintf(f, LABEL "%llu bytes, %llu written and not yet read\n", "ring buffer:",
			(unsigned long long)st->ring_size, (unsigned long long)st->ring_used);
}

void state_text(FILE *f, const struct state *st)
{
	char dir[TEXT_MAX];

	report_text(dir, sizeof(dir), st->pin_dir, sizeof(st->pin_dir));
	if (!st->pinned && !st->error[0]) {
		fprintf(f, "enforcement: none pinned in %s ('dmaguard run' pins it)\n", dir);
		return;
	}
	if (st->error[0] && !st->have_format) {
		fprintf(f, "enforcement: unknown: %s\n", st->error);
		return;
	}
	fprintf(f, "enforcement: pinned in %s (format %u, dmaguard %s)\n", dir, st->format,
		st->build);
	if (st->error[0]) {
		fprintf(f, LABEL "%s\n", "error:", st->error);
		return;
	}
	if (st->have_policy)
		text_policy(f, st);
	text_hooks(f, st);
	fprintf(f, LABEL "%s", "daemon:", st->streaming ? "streaming events" :
		"none streaming (events wait in the ring buffer)");
	if (st->daemon_pid)
		fprintf(f, ", pid %d", st->daemon_pid);
	if (st->streaming && (st->cfg.emit_all || st->cfg.force_audit))
		fprintf(f, " (%s%s%s)", st->cfg.emit_all ? "--all" : "",
			st->cfg.emit_all && st->cfg.force_audit ? " " : "",
			st->cfg.force_audit ? "--audit" : "");
	fputc('\n', f);
	text_programs(f, st);
	state_counters_text(f, st);
}

static void json_policy(struct json_writer *w, const struct state *st)
{
	char hex[SHA256_HEX_LEN], ts[EVENT_TS_LEN];
	const struct dg_policy *h = &st->hdr;

	json_key(w, "policy");
	json_object_begin(w);
	json_kv_string_n(w, "source", h->source, sizeof(h->source));
	if (st->have_info && st->info.path[0])
		json_kv_string_n(w, "file", st->info.path, sizeof(st->info.path));
	if (st->have_info) {
		json_kv_string(w, "sha256", sha256_hex(st->info.sha256, hex));
		json_kv_uint(w, "size", st->info.size);
		if (event_format_ts(st->info.loaded_ns, 0, ts, sizeof(ts)) > 0)
			json_kv_string(w, "loaded_at", ts);
	}
	json_kv_uint(w, "generation", h->generation);
	json_kv_uint(w, "reloads", h->generation ? h->generation - 1 : 0);
	json_kv_string(w, "mode", mode_name(h->mode));
	json_kv_bool(w, "audit_forced", st->cfg.force_audit);
	json_kv_string(w, "default_bind", policy_verdict_name(h->default_bind));
	json_kv_string(w, "default_open", policy_verdict_name(h->default_open));
	json_kv_uint(w, "rules", h->n_rules);
	json_object_end(w);
}

static void json_hooks(struct json_writer *w, const struct state *st)
{
	size_t i;

	json_key(w, "hooks");
	json_array_begin(w);
	for (i = 0; i < 2; i++) {
		json_object_begin(w);
		json_kv_string(w, "hook", st->hooks[i].name);
		json_kv_bool(w, "attached", st->hooks[i].attached);
		json_kv_bool(w, "wanted", st->hooks[i].wanted);
		json_kv_string(w, "why", st->hooks[i].why);
		json_object_end(w);
	}
	json_array_end(w);
}

static void json_programs(struct json_writer *w, const struct state *st)
{
	size_t i;

	json_key(w, "programs");
	json_array_begin(w);
	for (i = 0; i < st->n_progs; i++) {
		const struct state_prog *p = &st->progs[i];

		json_object_begin(w);
		json_kv_string(w, "name", p->name);
		json_kv_string(w, "attach", p->kind);
		json_kv_string(w, "target", p->target);
		json_kv_bool(w, "attached", p->attached);
		if (p->attached)
			json_kv_uint(w, "link_id", p->link_id);
		if (p->prog_id)
			json_kv_uint(w, "prog_id", p->prog_id);
		json_object_end(w);
	}
	json_array_end(w);
}

static void json_daemon(struct json_writer *w, const struct state *st)
{
	json_key(w, "daemon");
	json_object_begin(w);
	json_kv_bool(w, "streaming", st->streaming);
	if (st->daemon_pid)
		json_kv_int(w, "pid", st->daemon_pid);
	if (st->streaming) {
		json_kv_bool(w, "all", st->cfg.emit_all);
		json_kv_bool(w, "audit", st->cfg.force_audit);
	}
	json_object_end(w);
}

static void json_ownership(struct json_writer *w, const struct state *st)
{
	json_key(w, "ownership");
	json_object_begin(w);
	json_kv_string(w, "tracked_by", st->ownership_api ? "kernel-api" : "dmaguard");
	json_kv_bool(w, "device_claims", st->device_claims);
	if (st->have_groups)
		json_kv_uint(w, "groups_from_map", st->groups_from_map);
	json_object_end(w);
}

void state_json(struct json_writer *w, const struct state *st)
{
	json_key(w, "enforcement");
	json_object_begin(w);
	json_kv_string_n(w, "pin_dir", st->pin_dir, sizeof(st->pin_dir));
	if (!st->error[0] || st->have_format)
		json_kv_bool(w, "pinned", st->pinned);
	if (st->error[0])
		json_kv_string(w, "error", st->error);
	if (st->have_format) {
		json_kv_uint(w, "format", st->format);
		json_kv_string_n(w, "build", st->build, sizeof(st->build));
	}
	if (!st->error[0] && st->pinned) {
		if (st->have_policy)
			json_policy(w, st);
		json_kv_string(w, "deny_path", deny_path_name(st));
		json_hooks(w, st);
		json_ownership(w, st);
		json_daemon(w, st);
		json_programs(w, st);
	}
	json_object_end(w);
}

void state_counters_json(struct json_writer *w, const struct state *st)
{
	size_t i;

	json_key(w, "bpf");
	json_object_begin(w);
	stats_json_fields(w, &st->stats);
	if (st->have_counts) {
		json_key(w, "events");
		json_array_begin(w);
		for (i = 0; i < st->n_counts; i++) {
			const struct state_count *c = &st->counts[i];

			json_object_begin(w);
			json_kv_string(w, "type", state_type_name(c->type));
			json_kv_string(w, "verdict", state_verdict_name(c->verdict));
			json_kv_string(w, "reason", state_reason_name(c->reason));
			json_kv_uint(w, "count", c->n);
			json_object_end(w);
		}
		json_array_end(w);
	}
	if (st->have_ring) {
		json_key(w, "ring");
		json_object_begin(w);
		json_kv_uint(w, "size_bytes", st->ring_size);
		json_kv_uint(w, "used_bytes", st->ring_used);
		json_object_end(w);
	}
	json_object_end(w);
}
