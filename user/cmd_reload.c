// SPDX-License-Identifier: GPL-2.0
/* `dmaguard reload`: replace the pinned policy atomically. */
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "daemon.h"
#include "gates.h"
#include "loader.h"
#include "pindir.h"
#include "util.h"

enum { OPT_POLICY = 1, OPT_PIN_DIR };

static const struct option reload_opts[] = {
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ 0 },
};

static int run_reload(int argc, char **argv)
{
	const char *path = NULL, *dir = DG_DEFAULT_PIN_DIR;
	char err[LOADER_ERR_LEN];
	struct policy *pol;
	struct pinned p;
	int c, code;

	while ((c = cli_next_opt(argc, argv, reload_opts, &code)) > 0) {
		if (c == OPT_POLICY)
			path = optarg;
		else
			dir = path_trim(optarg);
	}
	if (c < 0)
		return code;
	code = cli_policy_only(argc, argv, path);
	if (code)
		return code;
	/* as run and unload: a user is told what is missing, not EACCES on the pins */
	if (pindir_privileged(err, sizeof(err))) {
		cli_err("%s", err);
		return EXIT_VIOLATIONS;
	}
	pol = calloc(1, sizeof(*pol));
	if (!pol)
		return EXIT_VIOLATIONS;
	code = daemon_load_policy(path, false, pol);
	if (code)
		goto out;
	if (pinned_open(&p, dir, err, sizeof(err))) {
		cli_err("%s", err);
		code = EXIT_VIOLATIONS;
		goto out;
	}
	if (pinned_set_policy(&p, pol, err, sizeof(err))) {
		cli_err("%s", err);
		code = EXIT_VIOLATIONS;
	} else {
		gates_describe(gates_attached(dir), err, sizeof(err));
		printf("dmaguard: %s in force (%u rules)\n%s\n", path, pol->hdr.n_rules, err);
	}
	pinned_close(&p);
out:
	free(pol);
	return code;
}

const struct command cmd_reload = {
	"reload", "--policy FILE [--pin-dir DIR]",
	"Replace the pinned policy with FILE atomically",
	"  --policy FILE   the new policy (dmaguard.policy(5))\n"
	"  --pin-dir DIR   the enforcement pinned under DIR (default " DG_DEFAULT_PIN_DIR ")\n"
	"\nA rejected FILE changes nothing: the policy in force stays.\n"
	"\nExit status: 0 in force; 1 nothing pinned, or a runtime failure; 2 usage\n"
	"error or invalid policy.\n",
	run_reload,
};
