// SPDX-License-Identifier: GPL-2.0
/*
 * `dmaguard status`: every IOMMU group with its devices, owner and VFIO
 * viability; with --policy, each binding's verdict (report.h). An unbound
 * device has no verdict: `status --policy` shows "-" (JSON: no verdict
 * fields).
 *
 * JSON schema of `status --json`: one object; keys appear in this order;
 * fields that do not apply are omitted, never filled with placeholders.
 * {
 *   "sysfs": "/sys",			the tree that was read
 *   "policy": "policy.conf",		with --policy: the file as given
 *   "groups": [				every IOMMU group, by number
 *     {
 *       "group": 12,
 *       "owner": "none" | "kernel" | "user",
 *       "owner_pid": 4242,		when known (user owner)
 *       "owner_comm": "qemu-system-x86",	when known
 *       "owner_source": "map" | "sysfs",	pinned groups map, or derived
 *       "viable": true | false,		usable by VFIO as it stands
 *       "blocker": { "device": "0000:01:00.0", "driver": "nvidia" },
 *					when not viable: first blocking member
 *       "devices": [ DEVICE, ... ]	members by name
 *     }
 *   ],
 *   "ungrouped": [ DEVICE, ... ]	devices with no IOMMU group, by name
 *   "bpf": { ... }			live system (or --pin-dir) with dmaguard
 *					loaded: the BPF side's counters (stats.h),
 *					events by type and the ring (state.h)
 * }
 * and, on the live system or with --pin-dir, after "policy":
 *   "enforcement": { ... }		what is in force, from the pins (state.h;
 *					every field in dmaguard(8), STATUS)
 * DEVICE:
 * {
 *   "device": "0000:01:00.0",		kernel device name
 *   "bus": "pci",
 *   "id": "10de:1eb8",			PCI: vendor:device
 *   "subsystem_id": "10de:1467",	PCI: subsystem vendor:device
 *   "class": "0x030000",		PCI
 *   "driver": "nvidia",		bound devices
 *   "dma": "kernel" | "user",		bound devices: the driver's DMA mode
 *   "device_truncated": true,		name longer than the kernel-side field
 *   "driver_truncated": true,		(see topology.h); absent when false
 *   "verdict": "allow" | "deny" | "audit",	--policy, bound devices
 *   "reason": "rule" | "default",		--policy, bound devices
 *   "rule": "policy.conf:7"		--policy, when a rule decided
 * }
 * Strings are escaped byte for byte (json.h), so names compare equal with
 * the event stream's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "json.h"
#include "pinned.h"
#include "report.h"
#include "state.h"
#include "stats.h"
#include "util.h"

static void json_device(struct json_writer *w, const struct topo_device *d,
			const struct policy *p)
{
	struct judgement j;
	char buf[DG_SOURCE_LEN + 16];

	json_object_begin(w);
	json_kv_string_n(w, "device", d->name, sizeof(d->name));
	json_kv_string_n(w, "bus", d->bus, sizeof(d->bus));
	if (d->is_pci) {
		json_kv_string(w, "id", pci_id_str(buf, d->vendor, d->devid));
		json_kv_string(w, "subsystem_id", pci_id_str(buf, d->subvendor, d->subdevice));
		json_kv_string(w, "class", pci_class_str(buf, d->class));
	}
	if (d->driver[0]) {
		json_kv_string_n(w, "driver", d->driver, sizeof(d->driver));
		json_kv_string(w, "dma", policy_dma_name(d->dma));
	}
	if (d->name_truncated)
		json_kv_bool(w, "device_truncated", true);
	if (d->driver_truncated)
		json_kv_bool(w, "driver_truncated", true);
	report_judge(p, d, &j);
	if (j.applies) {
		json_kv_string(w, "verdict", policy_verdict_name(j.verdict));
		json_kv_string(w, "reason", policy_reason_name(j.reason));
		if (j.line)
			json_kv_string(w, "rule", report_rule_text(buf, sizeof(buf), p, &j));
	}
	json_object_end(w);
}

static void json_group(struct json_writer *w, const struct topology *t,
		       const struct topo_group *g, const struct policy *p)
{
	size_t i;

	json_object_begin(w);
	json_kv_int(w, "group", g->id);
	json_kv_string(w, "owner", topology_owner_name(g->owner));
	if (g->owner_pid)
		json_kv_uint(w, "owner_pid", g->owner_pid);
	if (g->owner_comm[0]) {
		json_kv_string_n(w, "owner_comm", g->owner_comm, sizeof(g->owner_comm));
	}
	json_kv_string(w, "owner_source", g->owner_from_map ? "map" : "sysfs");
	json_kv_bool(w, "viable", g->viable);
	if (g->blocker >= 0) {
		const struct topo_device *b = &t->devices[g->blocker];

		json_key(w, "blocker");
		json_object_begin(w);
		json_kv_string_n(w, "device", b->name, sizeof(b->name));
		json_kv_string_n(w, "driver", b->driver, sizeof(b->driver));
		json_object_end(w);
	}
	json_key(w, "devices");
	json_array_begin(w);
	for (i = 0; i < g->n_members; i++)
		json_device(w, &t->devices[g->members[i]], p);
	json_array_end(w);
	json_object_end(w);
}

static int status_json(FILE *f, const char *root, const struct topology *t,
		       const struct policy *p, const char *policy_path,
		       const struct state *st)
{
	struct json_writer w;
	size_t i;

	json_init(&w, f);
	json_object_begin(&w);
	json_kv_string(&w, "sysfs", root);
	if (p)
		json_kv_string(&w, "policy", policy_path);
	if (st)
		state_json(&w, st);
	json_key(&w, "groups");
	json_array_begin(&w);
	for (i = 0; i < t->n_groups; i++)
		json_group(&w, t, &t->groups[i], p);
	json_array_end(&w);
	json_key(&w, "ungrouped");
	json_array_begin(&w);
	for (i = 0; i < t->n_devices; i++)
		if (t->devices[i].group < 0)
			json_device(&w, &t->devices[i], p);
	json_array_end(&w);
	if (st && st->have_stats)
		state_counters_json(&w, st);
	json_object_end(&w);
	fputc('\n', f);
	return json_finish(&w);
}

enum { COL_DEVICE, COL_BUS, COL_ID, COL_CLASS, COL_DRIVER, COL_DMA, COL_VERDICT, COL_RULE, N_COLS };

static const char *const col_titles[N_COLS] = {
	"DEVICE", "BUS", "ID", "CLASS", "DRIVER", "DMA", "VERDICT", "RULE",
};

struct row {
	char cell[N_COLS][TEXT_MAX];
};

static void make_row(const struct topo_device *d, const struct policy *p, struct row *r)
{
	struct judgement j;
	char buf[DG_SOURCE_LEN + 16];
	int i;

	for (i = 0; i < N_COLS; i++)
		strcpy(r->cell[i], "-");
	report_text(r->cell[COL_DEVICE], TEXT_MAX, d->name, sizeof(d->name));
	if (d->name_truncated)
		strcat(r->cell[COL_DEVICE], "...");
	report_text(r->cell[COL_BUS], TEXT_MAX, d->bus, sizeof(d->bus));
	if (d->is_pci) {
		pci_id_str(r->cell[COL_ID], d->vendor, d->devid);
		pci_class_str(r->cell[COL_CLASS], d->class);
	}
	if (d->driver[0]) {
		report_text(r->cell[COL_DRIVER], TEXT_MAX, d->driver, sizeof(d->driver));
		if (d->driver_truncated)
			strcat(r->cell[COL_DRIVER], "...");
		strcpy(r->cell[COL_DMA], policy_dma_name(d->dma));
	}
	report_judge(p, d, &j);
	if (j.applies) {
		strcpy(r->cell[COL_VERDICT], policy_verdict_name(j.verdict));
		report_text(r->cell[COL_RULE], TEXT_MAX, report_rule_text(buf, sizeof(buf), p, &j), sizeof(buf));
	}
}

static void print_row(FILE *f, const char *const cell[N_COLS], const int *width, int n_cols)
{
	int i;

	fputs("  ", f);
	for (i = 0; i < n_cols - 1; i++)
		fprintf(f, "%-*s  ", width[i], cell[i]);
	fprintf(f, "%s\n", cell[n_cols - 1]);
}

/* A row's cells kept in one allocation: N_COLS strings one after another. */
static char *pack_row(const struct row *r)
{
	size_t len[N_COLS], total = 0, pos = 0;
	char *text;
	int i;

	for (i = 0; i < N_COLS; i++)
		total += len[i] = strlen(r->cell[i]) + 1;
	text = malloc(total);
	if (!text)
		return NULL;
	for (i = 0; i < N_COLS; i++) {
		memcpy(text + pos, r->cell[i], len[i]);
		pos += len[i];
	}
	return text;
}

/* Device d's row: the packed one built for the widths, or (no memory then) anew. */
static void print_device(FILE *f, const struct topo_device *d, const char *packed,
			 const struct policy *p, const int *width, int n_cols)
{
	const char *cell[N_COLS];
	struct row r;
	int i;

	if (!packed)
		make_row(d, p, &r);
	for (i = 0; i < N_COLS; i++) {
		cell[i] = packed ? packed : r.cell[i];
		if (packed)
			packed += strlen(packed) + 1;
	}
	print_row(f, cell, width, n_cols);
}

static void print_group_line(FILE *f, const struct topology *t, const struct topo_group *g)
{
	char comm[TEXT_MAX], name[TEXT_MAX], drv[TEXT_MAX];

	fprintf(f, "group %d: owner %s", g->id, topology_owner_name(g->owner));
	if (g->owner_pid && g->owner_comm[0])
		fprintf(f, " (pid %u %s)", g->owner_pid,
			report_text(comm, sizeof(comm), g->owner_comm, sizeof(g->owner_comm)));
	else if (g->owner_pid)
		fprintf(f, " (pid %u)", g->owner_pid);
	if (g->viable) {
		fputs(", viable\n", f);
		return;
	}
	fprintf(f, ", not viable: %s is bound to %s\n",
		report_text(name, sizeof(name), t->devices[g->blocker].name, DG_DEVICE_LEN),
		report_text(drv, sizeof(drv), t->devices[g->blocker].driver, DG_DRIVER_LEN));
}

/*
 * Each row is built once (judging it against the policy is the costly part
 * with many devices): kept packed from the width pass to the print.
 */
static void status_text(FILE *f, const struct topology *t, const struct policy *p)
{
	int width[N_COLS], n_cols = p ? N_COLS : COL_DMA + 1, i;
	char **rows = calloc(t->n_devices ? t->n_devices : 1, sizeof(*rows));
	bool ungrouped = false;
	struct row r;
	size_t k;

	for (i = 0; i < N_COLS; i++)
		width[i] = strlen(col_titles[i]);
	for (k = 0; k < t->n_devices; k++) {
		make_row(&t->devices[k], p, &r);
		for (i = 0; i < N_COLS; i++)
			if ((int)strlen(r.cell[i]) > width[i])
				width[i] = strlen(r.cell[i]);
		if (rows)
			rows[k] = pack_row(&r);
	}
	print_row(f, col_titles, width, n_cols);
	for (k = 0; k < t->n_groups; k++) {
		const struct topo_group *g = &t->groups[k];
		size_t m, d;

		print_group_line(f, t, g);
		for (m = 0; m < g->n_members; m++) {
			d = g->members[m];
			print_device(f, &t->devices[d], rows ? rows[d] : NULL, p, width, n_cols);
		}
	}
	for (k = 0; k < t->n_devices; k++) {
		if (t->devices[k].group >= 0)
			continue;
		if (!ungrouped)
			fputs("no IOMMU group:\n", f);
		ungrouped = true;
		print_device(f, &t->devices[k], rows ? rows[k] : NULL, p, width, n_cols);
	}
	if (!t->n_groups)
		fputs("(no IOMMU groups: the IOMMU is off or absent)\n", f);
	for (k = 0; rows && k < t->n_devices; k++)
		free(rows[k]);
	free(rows);
}

enum { OPT_JSON = 1, OPT_SYSFS, OPT_POLICY, OPT_PIN_DIR };

static const struct option status_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "sysfs", required_argument, NULL, OPT_SYSFS },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ 0 },
};

struct status_opts {
	const char *sysfs, *policy, *pin_dir;
	bool json;
};

/*
 * The topology, with group owners from DIR/groups where a pin directory
 * describes this machine (pin_dir set); the exit code.
 */
static int scan(const struct status_opts *o, struct topology *t)
{
	char map[PATH_MAX], err[512];
	struct topo_opts to;

	topology_default_opts(o->sysfs, &to);
	if (o->pin_dir && !pathf(map, sizeof(map), "%s/groups", o->pin_dir))
		to.groups_map = map;
	if (!topology_scan_opts(&to, t, err, sizeof(err)))
		return 0;
	cli_err("cannot read the device topology: %s", err);
	return o->sysfs ? EXIT_USAGE : EXIT_VIOLATIONS;
}

static int show(const struct status_opts *o, const struct policy *p, struct state *st)
{
	struct topology t;
	int rc;

	rc = scan(o, &t);
	if (rc)
		return rc;
	if (st)
		state_add_groups(st, &t);
	if (o->json) {
		rc = status_json(stdout, o->sysfs ? o->sysfs : TOPO_SYSFS_DEFAULT, &t, p,
				 o->policy, st) ? EXIT_VIOLATIONS : EXIT_OK;
	} else {
		if (st)
			state_text(stdout, st);
		status_text(stdout, &t, p);
		if (st && st->have_stats)
			stats_text(stdout, &st->stats);
	}
	topology_free(&t);
	return rc;
}

static int run_status(int argc, char **argv)
{
	struct status_opts o = { 0 };
	struct state *st = NULL;
	struct policy *p = NULL;
	int c, rc;

	while ((c = cli_next_opt(argc, argv, status_opts, &rc)) > 0) {
		if (c == OPT_JSON)
			o.json = true;
		else if (c == OPT_SYSFS)
			o.sysfs = optarg;
		else if (c == OPT_POLICY)
			o.policy = optarg;
		else
			o.pin_dir = path_trim(optarg);
	}
	if (c < 0)
		return rc;
	if (cli_positional(argc, argv, 0, 0, ""))
		return EXIT_USAGE;
	if (o.policy && !(p = report_load_policy(o.policy)))
		return EXIT_USAGE;
	/* the pins describe the live system, or the one --pin-dir names */
	if (!o.pin_dir && (!o.sysfs || !strcmp(o.sysfs, TOPO_SYSFS_DEFAULT)))
		o.pin_dir = DG_DEFAULT_PIN_DIR;
	if (o.pin_dir && !(st = malloc(sizeof(*st)))) {
		free(p);
		return EXIT_VIOLATIONS;
	}
	if (st)
		state_gather(o.pin_dir, st);
	rc = show(&o, p, st);
	free(st);
	free(p);
	return rc;
}

const struct command cmd_status = {
	"status", "[--json] [--sysfs ROOT] [--policy FILE] [--pin-dir DIR]",
	"Show what is enforced, and every IOMMU group with its devices, owner, viability",
	"  --json          one JSON object (schema: dmaguard(8))\n"
	"  --sysfs ROOT    read sysfs from ROOT instead of /sys\n"
	"  --policy FILE   show each bound device's verdict under FILE\n"
	"  --pin-dir DIR   the enforcement pinned under DIR (default " DG_DEFAULT_PIN_DIR ",\n"
	"                  read only when ROOT is /sys)\n"
	"\nWhat is in force is read from the pins, with or without a daemon: the policy\n"
	"file with its SHA-256, mode and defaults, the hooks, programs and links, the\n"
	"daemon streaming events, the event counters. Reading the pins needs root.\n"
	"\nExit status: 0 listed; 1 the topology cannot be read; 2 usage error, invalid\n"
	"policy FILE, or a ROOT that is not a sysfs tree.\n",
	run_status,
};
