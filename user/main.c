// SPDX-License-Identifier: GPL-2.0
/* dmaguard: dispatch to the command named first (the table is in cmd_help.c). */
#include <stdio.h>
#include <string.h>
#include "cli.h"

int main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		cli_print_commands(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cli_run(&cmd_help, 1, argv + 1);
	if (!strcmp(argv[1], "--version"))
		return cli_run(&cmd_version, 1, argv + 1);
	c = cli_find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "dmaguard: unknown command '%s' (see 'dmaguard help')\n", argv[1]);
		return EXIT_USAGE;
	}
	return cli_run(c, argc - 1, argv + 1);
}
