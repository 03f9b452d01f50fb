// SPDX-License-Identifier: GPL-2.0
/*
 * `dmaguard load`: make sure enforcement is pinned and FILE is in force,
 * then exit. For the initramfs, where no daemon can stay: the probes it
 * judges leave their events in the pinned ring buffer, and the `run` that
 * dmaguard.service starts after switch_root reports them (in sequence, so
 * nothing is lost unseen).
 */
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "daemon.h"
#include "gates.h"
#include "loader.h"
#include "pindir.h"
#include "util.h"

enum { OPT_POLICY = 1, OPT_AUDIT, OPT_PIN_DIR };

static const struct option load_opts[] = {
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "audit", no_argument, NULL, OPT_AUDIT },
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ 0 },
};

/* Pin or reuse enforcement, with pol in force either way; the exit code. */
static int load_enforcement(const char *dir, const struct policy *pol)
{
	char err[LOADER_ERR_LEN];
	struct load_report rep;
	struct pinned p;
	int code;

	code = loader_ensure(dir, pol, &rep, err, sizeof(err));
	if (rep.warning[0])
		cli_err("warning: %s", rep.warning);
	if (code) {
		cli_err("%s", err);
		return cli_exit_code(code);
	}
	if (rep.reused) {
		if (pinned_open(&p, dir, err, sizeof(err))) {
			cli_err("%s", err);
			return EXIT_VIOLATIONS;
		}
		code = pinned_set_policy(&p, pol, err, sizeof(err));
		pinned_close(&p);
		if (code) {
			cli_err("%s", err);
			return EXIT_VIOLATIONS;
		}
	}
	gates_describe(gates_attached(dir), err, sizeof(err));
	printf("dmaguard: %s %s: %u rules, mode %s\n%s\n",
	       rep.reused ? "policy replaced in pinned enforcement in" : "enforcement pinned in",
	       dir, pol->hdr.n_rules, pol->hdr.mode == DG_MODE_AUDIT ? "audit" : "enforce", err);
	return EXIT_OK;
}

static int run_load(int argc, char **argv)
{
	const char *path = NULL, *dir = DG_DEFAULT_PIN_DIR;
	bool audit = false;
	struct policy *pol;
	int c, code;

	while ((c = cli_next_opt(argc, argv, load_opts, &code)) > 0) {
		switch (c) {
		case OPT_POLICY: path = optarg; break;
		case OPT_AUDIT: audit = true; break;
		case OPT_PIN_DIR: dir = path_trim(optarg); break;
		}
	}
	if (c < 0)
		return code;
	code = cli_policy_only(argc, argv, path);
	if (code)
		return code;
	pol = calloc(1, sizeof(*pol));
	if (!pol)
		return EXIT_VIOLATIONS;
	code = daemon_load_policy(path, audit, pol);
	if (!code)
		code = load_enforcement(dir, pol);
	free(pol);
	return code;
}

const struct command cmd_load = {
	"load", "--policy FILE [--audit] [--pin-dir DIR]",
	"Load and pin enforcement with FILE in force, then exit (no event stream)",
	"  --policy FILE   the policy to enforce (dmaguard.policy(5))\n"
	"  --audit         audit mode whatever FILE says: report, never deny\n"
	"  --pin-dir DIR   pin under DIR (default " DG_DEFAULT_PIN_DIR ")\n"
	"\nFor the initramfs (dmaguard(8), BOOT): events wait in the pinned ring buffer\n"
	"until 'dmaguard run' reports them. With enforcement already pinned, FILE\n"
	"replaces the policy in force, as reload does.\n"
	"\nExit status: 0 in force; 1 runtime failure (including missing privilege);\n"
	"2 usage error or invalid policy; 3 the kernel lacks something dmaguard needs.\n",
	run_load,
};
