// SPDX-License-Identifier: GPL-2.0
/*
 * The offline commands status and check (contract.md; generate is in
 * generate.c). They read
 * sysfs (and, on the live system, /proc and the pinned groups map) through
 * topology.c and judge bindings with the same matcher the BPF side runs.
 *
 * Verdicts. A binding is a device and the driver bound to it; its verdict is
 * the policy's bind verdict for that pair (first matching rule, else the
 * default; audit mode turns deny into audit). An unbound device has no
 * verdict: what a policy says depends on the driver, and there is none, so
 * `status --policy` shows "-" (JSON: no verdict fields) and `check` skips
 * it. The built-in mixed-ownership rule is not re-judged here: the kernel
 * never lets a current binding break it.
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
 *   "bpf": { ... }			live system with dmaguard loaded: the
 *					BPF side's counters (stats.h)
 * }
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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "json.h"
#include "match.h"
#include "stats.h"
#include "policy.h"
#include "report.h"
#include "topology.h"

/* --- options ---------------------------------------------------------------- */

static const struct option status_longopts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "sysfs", required_argument, NULL, OPT_SYSFS },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

const struct option report_sysfs_longopts[] = {
	{ "sysfs", required_argument, NULL, OPT_SYSFS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static const struct command_usage status_usage = {
	"status",
	"Usage: dmaguard status [--json] [--sysfs ROOT] [--policy FILE]\n"
	"List every IOMMU group with its devices, owner and VFIO viability.\n"
	"  --json          one JSON object (schema: dmaguard(8))\n"
	"  --sysfs ROOT    read sysfs from ROOT instead of /sys\n"
	"  --policy FILE   show each bound device's verdict under FILE\n",
	status_longopts, 0,
};

static const struct command_usage check_usage = {
	"check",
	"Usage: dmaguard check FILE [--sysfs ROOT]\n"
	"Validate the policy FILE and list the current bindings it would deny.\n"
	"Exit 0 if none, 1 if some, 2 if FILE is invalid.\n"
	"  --sysfs ROOT    read sysfs from ROOT instead of /sys\n",
	report_sysfs_longopts, 1,
};

static int usage_error(const struct command_usage *u, const char *fmt, const char *arg)
{
	fprintf(stderr, "dmaguard %s: ", u->name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", u->usage);
	return EXIT_USAGE;
}

int report_parse_opts(const struct command_usage *u, int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;	/* full re-initialisation: handlers may run more than once */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", u->longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_SYSFS:
			o->sysfs = optarg;
			break;
		case OPT_POLICY:
			o->policy = optarg;
			break;
		case OPT_HELP:
			fputs(u->usage, stdout);
			return EXIT_OK;
		case ':':
			return usage_error(u, "option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error(u, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind > u->n_args)
		return usage_error(u, "unexpected argument '%s'", argv[optind + u->n_args]);
	if (argc - optind < u->n_args)
		return usage_error(u, "missing argument %s", "FILE");
	if (u->n_args)
		o->file = argv[optind];
	return -1;
}

/* --- shared helpers ------------------------------------------------------------ */

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

	if (!topology_scan(root, t, err, sizeof(err)))
		return 0;
	cli_err("cannot read the device topology: %s", err);
	return -1;
}

static struct policy *load_policy(const char *path)
{
	char err[POLICY_ERR_LEN];
	struct policy *p = calloc(1, sizeof(*p));

	if (!p) {
		cli_err("%s: out of memory", path);
		return NULL;
	}
	if (policy_load(path, p, err, sizeof(err))) {
		cli_err("%s", err);
		free(p);
		return NULL;
	}
	return p;
}

/* A binding's verdict under a policy. */
struct judgement {
	bool applies;		/* the device is bound */
	__u8 verdict;
	__u8 reason;
	__u32 line;		/* deciding rule, 0 for the default */
	bool enforce_denies;	/* audit because of audit mode: enforce would deny */
};

static void judge(const struct policy *p, const struct topo_device *d, struct judgement *j)
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

static const char *rule_text(char *buf, size_t size, const struct policy *p,
			     const struct judgement *j)
{
	if (!j->line)
		return "default";
	snprintf(buf, size, "%.*s:%u", DG_SOURCE_LEN, p->hdr.source, j->line);
	return buf;
}

/* --- status ---------------------------------------------------------------------- */

static void json_device(struct json_writer *w, const struct topo_device *d,
			const struct policy *p)
{
	struct judgement j;
	char buf[DG_SOURCE_LEN + 16];

	json_object_begin(w);
	json_kv_string_n(w, "device", d->name, sizeof(d->name));
	json_kv_string_n(w, "bus", d->bus, sizeof(d->bus));
	if (d->is_pci) {
		snprintf(buf, sizeof(buf), "%04x:%04x", d->vendor, d->devid);
		json_kv_string(w, "id", buf);
		snprintf(buf, sizeof(buf), "%04x:%04x", d->subvendor, d->subdevice);
		json_kv_string(w, "subsystem_id", buf);
		snprintf(buf, sizeof(buf), "0x%06x", d->class);
		json_kv_string(w, "class", buf);
	}
	if (d->driver[0]) {
		json_kv_string_n(w, "driver", d->driver, sizeof(d->driver));
		json_kv_string(w, "dma", policy_dma_name(d->dma));
	}
	if (d->name_truncated)
		json_kv_bool(w, "device_truncated", true);
	if (d->driver_truncated)
		json_kv_bool(w, "driver_truncated", true);
	judge(p, d, &j);
	if (j.applies) {
		json_kv_string(w, "verdict", policy_verdict_name(j.verdict));
		json_kv_string(w, "reason", policy_reason_name(j.reason));
		if (j.line)
			json_kv_string(w, "rule", rule_text(buf, sizeof(buf), p, &j));
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
		       const struct dg_stats *bpf)
{
	struct json_writer w;
	size_t i;

	json_init(&w, f);
	json_object_begin(&w);
	json_kv_string(&w, "sysfs", root);
	if (p)
		json_kv_string(&w, "policy", policy_path);
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
	if (bpf)
		stats_json(&w, bpf);
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
		snprintf(r->cell[COL_ID], TEXT_MAX, "%04x:%04x", d->vendor, d->devid);
		snprintf(r->cell[COL_CLASS], TEXT_MAX, "0x%06x", d->class);
	}
	if (d->driver[0]) {
		report_text(r->cell[COL_DRIVER], TEXT_MAX, d->driver, sizeof(d->driver));
		if (d->driver_truncated)
			strcat(r->cell[COL_DRIVER], "...");
		strcpy(r->cell[COL_DMA], policy_dma_name(d->dma));
	}
	judge(p, d, &j);
	if (j.applies) {
		strcpy(r->cell[COL_VERDICT], policy_verdict_name(j.verdict));
		report_text(r->cell[COL_RULE], TEXT_MAX, rule_text(buf, sizeof(buf), p, &j), sizeof(buf));
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

static void print_device(FILE *f, const struct topo_device *d, const struct policy *p,
			 const int *width, int n_cols)
{
	const char *cell[N_COLS];
	struct row r;
	int i;

	make_row(d, p, &r);
	for (i = 0; i < N_COLS; i++)
		cell[i] = r.cell[i];
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

static void status_text(FILE *f, const struct topology *t, const struct policy *p)
{
	int width[N_COLS], n_cols = p ? N_COLS : COL_DMA + 1, i;
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
	}
	print_row(f, col_titles, width, n_cols);
	for (k = 0; k < t->n_groups; k++) {
		const struct topo_group *g = &t->groups[k];
		size_t m;

		print_group_line(f, t, g);
		for (m = 0; m < g->n_members; m++)
			print_device(f, &t->devices[g->members[m]], p, width, n_cols);
	}
	for (k = 0; k < t->n_devices; k++) {
		if (t->devices[k].group >= 0)
			continue;
		if (!ungrouped)
			fputs("no IOMMU group:\n", f);
		ungrouped = true;
		print_device(f, &t->devices[k], p, width, n_cols);
	}
	if (!t->n_groups)
		fputs("(no IOMMU groups: the IOMMU is off or absent)\n", f);
}

int cmd_status(int argc, char **argv)
{
	struct dg_stats bpf;
	bool have_bpf;
	struct policy *p = NULL;
	struct topology t;
	struct opts o;
	int rc;

	rc = report_parse_opts(&status_usage, argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (!o.sysfs)
		o.sysfs = TOPO_SYSFS_DEFAULT;
	if (o.policy && !(p = load_policy(o.policy)))
		return EXIT_USAGE;
	if (report_scan(o.sysfs, &t)) {
		free(p);
		return EXIT_VIOLATIONS;
	}
	rc = EXIT_OK;
	/* the live system with dmaguard loaded: its BPF counters too */
	have_bpf = !strcmp(o.sysfs, TOPO_SYSFS_DEFAULT) &&
		   !stats_read_pinned("/sys/fs/bpf/dmaguard/stats", &bpf);
	if (o.json) {
		if (status_json(stdout, o.sysfs, &t, p, o.policy, have_bpf ? &bpf : NULL))
			rc = EXIT_VIOLATIONS;
	} else {
		status_text(stdout, &t, p);
		if (have_bpf)
			stats_text(stdout, &bpf);
	}
	topology_free(&t);
	free(p);
	return rc;
}

/* --- check ----------------------------------------------------------------------- */

/* One line per binding the policy denies or audits. */
static void print_violation(FILE *f, const struct topo_device *d, const struct policy *p,
			    const struct judgement *j)
{
	char name[TEXT_MAX], drv[TEXT_MAX], rule[TEXT_MAX], buf[DG_SOURCE_LEN + 16];

	fprintf(f, "%-5s %s driver=%s", policy_verdict_name(j->verdict),
		report_text(name, sizeof(name), d->name, sizeof(d->name)),
		report_text(drv, sizeof(drv), d->driver, sizeof(d->driver)));
	if (d->is_pci)
		fprintf(f, " id=%04x:%04x class=0x%06x", d->vendor, d->devid, d->class);
	if (d->group >= 0)
		fprintf(f, " group=%d", d->group);
	if (j->line)
		fprintf(f, " (rule %s)",
			report_text(rule, sizeof(rule), rule_text(buf, sizeof(buf), p, j),
				    sizeof(buf)));
	else
		fprintf(f, " (default bind %s)", policy_verdict_name(p->hdr.default_bind));
	if (j->enforce_denies)
		fputs(" [mode audit: enforce would deny]", f);
	fputc('\n', f);
}

int cmd_check(int argc, char **argv)
{
	size_t i, n_bound = 0, n_deny = 0, n_audit = 0;
	struct judgement j;
	struct policy *p;
	struct topology t;
	struct opts o;
	int rc;

	rc = report_parse_opts(&check_usage, argc, argv, &o);
	if (rc >= 0)
		return rc;
	p = load_policy(o.file);
	if (!p)
		return EXIT_USAGE;
	if (report_scan(o.sysfs ? o.sysfs : TOPO_SYSFS_DEFAULT, &t)) {
		free(p);
		return EXIT_VIOLATIONS;
	}
	for (i = 0; i < t.n_devices; i++) {
		judge(p, &t.devices[i], &j);
		if (!j.applies)
			continue;
		n_bound++;
		if (j.verdict == DG_ALLOW)
			continue;
		if (j.verdict == DG_DENY)
			n_deny++;
		else
			n_audit++;
		print_violation(stdout, &t.devices[i], p, &j);
	}
	/* audit allows: reported, but not a violation of the exit status */
	printf("%s: %zu current bindings, %zu would be denied, %zu audited\n",
	       o.file, n_bound, n_deny, n_audit);
	topology_free(&t);
	free(p);
	return n_deny ? EXIT_VIOLATIONS : EXIT_OK;
}
