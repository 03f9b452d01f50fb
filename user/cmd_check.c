// SPDX-License-Identifier: GPL-2.0
/*
 * `dmaguard check FILE`: validate a policy and list the current bindings it
 * would deny or audit (report.h has how a binding is judged). Unbound
 * devices are skipped: without a driver there is nothing to judge.
 */
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "report.h"
/* One line per binding the policy denies or audits. */
static void print_violation(FILE *f, const struct topo_device *d, const struct policy *p,
			    const struct judgement *j)
{
	char name[TEXT_MAX], drv[TEXT_MAX], rule[TEXT_MAX], buf[DG_SOURCE_LEN + 16];
	char id[PCI_ID_LEN], class[PCI_CLASS_LEN];

	fprintf(f, "%-5s %s driver=%s", policy_verdict_name(j->verdict),
		report_text(name, sizeof(name), d->name, sizeof(d->name)),
		report_text(drv, sizeof(drv), d->driver, sizeof(d->driver)));
	if (d->is_pci)
		fprintf(f, " id=%s class=%s", pci_id_str(id, d->vendor, d->devid),
			pci_class_str(class, d->class));
	if (d->group >= 0)
		fprintf(f, " group=%d", d->group);
	if (j->line)
		fprintf(f, " (rule %s)",
			report_text(rule, sizeof(rule), report_rule_text(buf, sizeof(buf), p, j),
				    sizeof(buf)));
	else
		fprintf(f, " (default bind %s)", policy_verdict_name(p->hdr.default_bind));
	if (j->enforce_denies)
		fputs(" [mode audit: enforce would deny]", f);
	fputc('\n', f);
}

enum { OPT_SYSFS = 1 };

static const struct option check_opts[] = {
	{ "sysfs", required_argument, NULL, OPT_SYSFS },
	{ 0 },
};

static int run_check(int argc, char **argv)
{
	size_t i, n_bound = 0, n_deny = 0, n_audit = 0;
	const char *sysfs = NULL, *file;
	struct judgement j;
	struct policy *p;
	struct topology t;
	int c, rc;

	while ((c = cli_next_opt(argc, argv, check_opts, &rc)) > 0)
		sysfs = optarg;
	if (c < 0)
		return rc;
	if (cli_positional(argc, argv, 1, 1, "FILE"))
		return EXIT_USAGE;
	file = argv[optind];
	p = report_load_policy(file);
	if (!p)
		return EXIT_USAGE;
	rc = report_scan(sysfs, &t);
	if (rc) {
		free(p);
		return rc;
	}
	for (i = 0; i < t.n_devices; i++) {
		report_judge(p, &t.devices[i], &j);
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
	       file, n_bound, n_deny, n_audit);
	topology_free(&t);
	free(p);
	return n_deny ? EXIT_VIOLATIONS : EXIT_OK;
}

const struct command cmd_check = {
	"check", "FILE [--sysfs ROOT]",
	"Validate the policy FILE and list the current bindings it would deny",
	"  --sysfs ROOT    read sysfs from ROOT instead of /sys\n"
	"\nExit status: 0 no current binding would be denied; 1 some would, or the\n"
	"topology cannot be read; 2 usage error, FILE invalid, or a ROOT that is not\n"
	"a sysfs tree.\n",
	run_check,
};
