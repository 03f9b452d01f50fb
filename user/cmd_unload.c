// SPDX-License-Identifier: GPL-2.0
/* `dmaguard unload`: detach and unpin everything dmaguard pinned. */
#include <errno.h>
#include <stdio.h>
#include "cli.h"
#include "loader.h"
#include "pindir.h"
#include "util.h"

enum { OPT_PIN_DIR = 1 };

static const struct option unload_opts[] = {
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ 0 },
};

static int run_unload(int argc, char **argv)
{
	const char *dir = DG_DEFAULT_PIN_DIR;
	char err[LOADER_ERR_LEN];
	int c, code;

	while ((c = cli_next_opt(argc, argv, unload_opts, &code)) > 0)
		dir = path_trim(optarg);
	if (c < 0)
		return code;
	if (cli_positional(argc, argv, 0, 0, ""))
		return EXIT_USAGE;
	code = pindir_unload(dir, err, sizeof(err));
	/* idempotent, so that it can serve as a service manager's stop action */
	if (code == -ENOENT) {
		printf("dmaguard: %s\n", err);
		return EXIT_OK;
	}
	if (code) {
		cli_err("%s", err);
		return EXIT_VIOLATIONS;
	}
	if (err[0])
		cli_err("warning: %s", err);
	printf("dmaguard: unloaded %s\n", dir);
	return EXIT_OK;
}

const struct command cmd_unload = {
	"unload", "[--pin-dir DIR]",
	"Detach and unpin everything dmaguard pinned: the kernel's normal behaviour is back",
	"  --pin-dir DIR   the enforcement pinned under DIR (default " DG_DEFAULT_PIN_DIR ")\n"
	"\nExit status: 0 unloaded, or nothing was pinned; 1 a runtime failure.\n",
	run_unload,
};
