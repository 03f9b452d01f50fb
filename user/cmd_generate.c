// SPDX-License-Identifier: GPL-2.0
/*
 * `dmaguard generate`: a policy that allows the bindings sysfs shows now,
 * with a chosen verdict for the other binds in a chosen scope (generate.c).
 * What it prints is parsed and judged against the same topology first, so
 * it never prints a policy that does not load or that `check` would fault.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "generate.h"
#include "policy.h"
#include "report.h"
#include "topology.h"

enum { OPT_SYSFS = 1, OPT_BY, OPT_SCOPE, OPT_DEFAULT };

static const struct option generate_opts[] = {
	{ "sysfs", required_argument, NULL, OPT_SYSFS },
	{ "by", required_argument, NULL, OPT_BY },
	{ "scope", required_argument, NULL, OPT_SCOPE },
	{ "default", required_argument, NULL, OPT_DEFAULT },
	{ 0 },
};

/* The value of --by, --scope or --default; -1 after a usage error. */
static int opt_value(int opt, const char *arg)
{
	int v = opt == OPT_BY ? generate_by_parse(arg) :
		opt == OPT_SCOPE ? generate_scope_parse(arg) : generate_otherwise_parse(arg);

	if (v >= 0)
		return v;
	cli_usage_error("unknown value '%s' for --%s (expected %s)", arg,
			generate_opts[opt - 1].name,
			opt == OPT_BY ? "id or device" :
			opt == OPT_SCOPE ? "present, pci or all" : "allow, audit or deny");
	return -1;
}

/*
 * The options into *o and *sysfs. Returns 0 to go on, or -1 when the
 * command is done with *code (--help, a usage error). Values are judged
 * after the loop, so --help after a bad one still helps.
 */
static int parse_opts(int argc, char **argv, struct gen_opts *o, const char **sysfs,
		      int *code)
{
	const char *arg[OPT_DEFAULT + 1] = { NULL };
	int c, v, opt;

	while ((c = cli_next_opt(argc, argv, generate_opts, code)) > 0)
		arg[c] = optarg;
	if (c < 0)
		return -1;
	*code = cli_positional(argc, argv, 0, 0, "");
	if (*code)
		return -1;
	*sysfs = arg[OPT_SYSFS];
	for (opt = OPT_BY; opt <= OPT_DEFAULT; opt++) {
		if (!arg[opt])
			continue;
		v = opt_value(opt, arg[opt]);
		if (v < 0) {
			*code = EXIT_USAGE;
			return -1;
		}
		if (opt == OPT_BY)
			o->by = v;
		else if (opt == OPT_SCOPE)
			o->scope = v;
		else
			o->otherwise = v;
	}
	return 0;
}

/*
 * Parse the text as run would and judge every current binding with it:
 * a policy that does not fit the limits, or would deny a binding of
 * today, is reported instead of printed.
 */
static int self_check(const char *text, size_t len, const struct topology *t,
		      const struct gen_opts *o)
{
	char err[POLICY_ERR_LEN];
	struct judgement j;
	struct policy *p;
	size_t i;
	int rc = EXIT_OK;

	p = malloc(sizeof(*p));
	if (!p) {
		cli_err("out of memory");
		return EXIT_VIOLATIONS;
	}
	if (policy_parse("the generated policy", text, len, p, err, sizeof(err))) {
		cli_err("%s; it would not load%s", err,
			o->by == GEN_BY_DEVICE || o->scope != GEN_SCOPE_PRESENT ?
			" (--by id --scope present writes the fewest rules)" : "");
		free(p);
		return EXIT_VIOLATIONS;
	}
	for (i = 0; i < t->n_devices && rc == EXIT_OK; i++) {
		report_judge(p, &t->devices[i], &j);
		if (j.applies && j.verdict != DG_ALLOW) {
			cli_err("internal error: the generated policy does not allow %s "
				"(rule at line %u)", t->devices[i].name, j.line);
			rc = EXIT_VIOLATIONS;
		}
	}
	free(p);
	return rc;
}

static int run_generate(int argc, char **argv)
{
	struct gen_opts o = { GEN_BY_ID, GEN_SCOPE_PRESENT, DG_DENY, NULL };
	const char *sysfs = NULL;
	struct topology t;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (parse_opts(argc, argv, &o, &sysfs, &rc))
		return rc;
	rc = report_scan(sysfs, &t);
	if (rc)
		return rc;
	o.source = sysfs ? sysfs : TOPO_SYSFS_DEFAULT;
	f = open_memstream(&text, &len);
	if (!f || generate_policy(f, &t, &o) || fclose(f)) {
		cli_err("out of memory writing the policy");
		rc = EXIT_VIOLATIONS;
		goto out;
	}
	rc = self_check(text, len, &t, &o);
	if (!rc)
		fwrite(text, 1, len, stdout);
out:
	free(text);
	topology_free(&t);
	return rc;
}

const struct command cmd_generate = {
	"generate", "[--by id|device] [--scope present|pci|all] [--default allow|audit|deny] "
		    "[--sysfs ROOT]",
	"Print a policy that allows the current bindings",
	"  --by id|device  name devices by PCI vendor:device ID (same ID and driver:\n"
	"                  one rule; device name off the PCI bus), or by device name\n"
	"                  (default: id)\n"
	"  --scope present|pci|all\n"
	"                  which other binds get the --default verdict: of devices of\n"
	"                  a kind bound now (on the PCI bus or in an IOMMU group), of\n"
	"                  every PCI device, or every bind on every bus (default: present)\n"
	"  --default allow|audit|deny\n"
	"                  the verdict for those binds (default: deny)\n"
	"  --sysfs ROOT    read sysfs from ROOT instead of /sys\n"
	"\nExit status: 0 printed; 1 the topology cannot be read, or the policy would\n"
	"exceed the policy limits (nothing is printed); 2 usage error or a ROOT that\n"
	"is not a sysfs tree.\n",
	run_generate,
};
