// SPDX-License-Identifier: GPL-2.0
/* The command table, and the two commands about dmaguard itself: help and version. */
#include <stdio.h>
#include <string.h>
#include "cli.h"

#ifndef DMAGUARD_VERSION
#define DMAGUARD_VERSION "unknown"
#endif

const struct command *const cli_commands[] = {
	&cmd_status, &cmd_metrics, &cmd_check, &cmd_generate, &cmd_run, &cmd_load, &cmd_reload,
	&cmd_unload, &cmd_version, &cmd_help,
};
const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);

const struct command *cli_find_command(const char *name)
{
	size_t i;

	for (i = 0; i < cli_n_commands; i++)
		if (!strcmp(name, cli_commands[i]->name))
			return cli_commands[i];
	return NULL;
}

void cli_print_commands(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: dmaguard COMMAND [OPTIONS]\n\n"
		   "IOMMU-group DMA ownership policy, enforced in the kernel with BPF.\n\n"
		   "Commands:\n");
	for (i = 0; i < cli_n_commands; i++)
		fprintf(f, "  %-9s %s\n  %-9s   %s\n", cli_commands[i]->name, cli_commands[i]->synopsis,
			"", cli_commands[i]->summary);
	fprintf(f, "\n'dmaguard help COMMAND' or 'dmaguard COMMAND --help' tells more.\n"
		   "Exit codes: 0 success, 1 violations found or runtime failure,\n"
		   "2 usage error or invalid policy, 3 the kernel lacks what is needed.\n"
		   "See dmaguard(8).\n");
}

static int run_help(int argc, char **argv)
{
	const struct command *c;
	int code;

	if (cli_next_opt(argc, argv, NULL, &code) < 0)
		return code;
	if (cli_positional(argc, argv, 0, 1, "COMMAND"))
		return EXIT_USAGE;
	if (optind == argc) {
		cli_print_commands(stdout);
		return EXIT_OK;
	}
	c = cli_find_command(argv[optind]);
	if (!c)
		return cli_usage_error("unknown command '%s'", argv[optind]);
	cli_print_help(c, stdout);
	return EXIT_OK;
}

static int run_version(int argc, char **argv)
{
	int code;

	if (cli_next_opt(argc, argv, NULL, &code) < 0)
		return code;
	if (cli_positional(argc, argv, 0, 0, ""))
		return EXIT_USAGE;
	printf("dmaguard %s\n", DMAGUARD_VERSION);
	return EXIT_OK;
}

const struct command cmd_help = {
	"help", "[COMMAND]", "Print the commands, or everything about one of them", "", run_help,
};

const struct command cmd_version = {
	"version", "", "Print the version", "", run_version,
};

