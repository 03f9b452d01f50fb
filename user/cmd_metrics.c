// SPDX-License-Identifier: GPL-2.0
/* `dmaguard metrics`: what is in force, as Prometheus text exposition (metrics.h). */
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "metrics.h"
#include "pinned.h"
#include "util.h"

enum { OPT_PIN_DIR = 1 };

static const struct option metrics_opts[] = {
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ 0 },
};

static int run_metrics(int argc, char **argv)
{
	const char *dir = DG_DEFAULT_PIN_DIR;
	struct state *st;
	char err[600];
	int c, code;

	while ((c = cli_next_opt(argc, argv, metrics_opts, &code)) > 0)
		dir = path_trim(optarg);
	if (c < 0)
		return code;
	if (cli_positional(argc, argv, 0, 0, ""))
		return EXIT_USAGE;
	st = malloc(sizeof(*st));
	if (!st)
		return EXIT_VIOLATIONS;
	code = EXIT_OK;
	if (metrics_gather(dir, st, err, sizeof(err))) {
		cli_err("%s", err);
		code = EXIT_VIOLATIONS;
	} else {
		state_metrics(stdout, st);
	}
	free(st);
	return code;
}

const struct command cmd_metrics = {
	"metrics", "[--pin-dir DIR]",
	"Print what is in force as Prometheus metrics, read from the pins",
	"  --pin-dir DIR   the enforcement pinned under DIR (default " DG_DEFAULT_PIN_DIR ")\n"
	"\nPrometheus text exposition (every family in dmaguard(8), METRICS): event\n"
	"counters by type, verdict and reason, lost events, the policy in force and its\n"
	"SHA-256, reloads, the hooks attached, groups by owner. Works with no daemon;\n"
	"without pins, dmaguard_enforcement_pinned is 0. 'dmaguard run' can keep a file\n"
	"of the same up to date for node_exporter's textfile collector.\n"
	"\nExit status: 0 printed; 1 the pins cannot be read (they are root's); 2 usage\n"
	"error.\n",
	run_metrics,
};
