// SPDX-License-Identifier: GPL-2.0
/*
 * `dmaguard check FILE`: validate a policy and list the current bindings it
 * would deny or audit, judged as run judges them for its present events
 * (report_bindings()). Unbound devices are skipped: without a driver there
 * is nothing to judge.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "report.h"

/* What decided: "(rule FILE:LINE)", "(default bind deny)", or the built-in rule. */
static void print_decision(const struct topo_device *d, const struct policy *p,
			   const struct judgement *j)
{
	char rule[TEXT_MAX], buf[DG_SOURCE_LEN + 16];

	if (j->reason == DG_REASON_MIXED)
		printf(" (mixed-ownership: userspace owns group %d)", d->group);
	else if (j->line)
		printf(" (rule %s)",
		       report_text(rule, sizeof(rule), report_rule_text(buf, sizeof(buf), p, j),
				   sizeof(buf)));
	else
		printf(" (default bind %s)", policy_verdict_name(p->hdr.default_bind));
}

/* One line per binding the policy denies or audits. */
static void print_violation(void *ctx, const struct topo_device *d, const struct judgement *j)
{
	char name[TEXT_MAX], drv[TEXT_MAX], id[PCI_ID_LEN], class[PCI_CLASS_LEN];
	const struct policy *p = ctx;

	if (j->verdict == DG_ALLOW)
		return;
	printf("%-5s %s driver=%s", policy_verdict_name(j->verdict),
	       report_text(name, sizeof(name), d->name, sizeof(d->name)),
	       report_text(drv, sizeof(drv), d->driver, sizeof(d->driver)));
	if (d->is_pci)
		printf(" id=%s class=%s", pci_id_str(id, d->vendor, d->devid),
		       pci_class_str(class, d->class));
	if (d->group >= 0)
		printf(" group=%d", d->group);
	print_decision(d, p, j);
	if (j->enforce_denies)
		fputs(" [mode audit: enforce would deny]", stdout);
	putchar('\n');
}

/* A uid= or gid= name and the number it was resolved to, as run will enforce it. */
static void print_name(const char *file, const char *where, const char *attr,
		       const char *name, int len, __u32 id)
{
	printf("%s:%s: %s=%.*s is %s %u\n", file, where, attr, len, name, attr, id);
}

/*
 * An exe= path that names a symbolic link here (/usr/bin/kvm, or /bin/...
 * where /bin links to usr/bin) matches nothing: the kernel reports the
 * file's own path. A prefix is judged by its directory. Only a warning: the
 * opener's mount namespace may see other files than check does.
 */
static void print_link(const char *file, const char *where, const char *attr,
		       const char *path, int len, bool prefix)
{
	char given[PATH_MAX], real[PATH_MAX];
	int orig = len;

	if (prefix)
		while (len > 1 && path[len - 1] != '/')
			len--;
	if (prefix && len > 1)
		len--;	/* the directory, without its trailing '/' */
	snprintf(given, sizeof(given), "%.*s", len, path);
	if (!realpath(given, real) || !strcmp(given, real))
		return;
	fprintf(stderr, "%s:%s: warning: %s=%.*s%s: %s is %s on this host, and the kernel "
		"reports the file's own path: this rule never matches through it\n",
		file, where, attr, orig, path, prefix ? "*" : "", given, real);
}

enum { OPT_SYSFS = 1 };

static const struct option check_opts[] = {
	{ "sysfs", required_argument, NULL, OPT_SYSFS },
	{ 0 },
};

static int run_check(int argc, char **argv)
{
	const char *sysfs = NULL, *file;
	struct report_tally n;
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
	policy_on_name(print_name);
	policy_on_path(print_link);
	p = report_load_policy(file);
	if (!p)
		return EXIT_USAGE;
	rc = report_scan(sysfs, &t);
	if (rc) {
		free(p);
		return rc;
	}
	report_bindings(p, &t, &n, print_violation, p);
	/* audit allows: reported, but not a violation of the exit status */
	printf("%s: %zu current bindings, %zu would be denied, %zu audited\n",
	       file, n.bound, n.deny, n.audit);
	topology_free(&t);
	free(p);
	return n.deny ? EXIT_VIOLATIONS : EXIT_OK;
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
