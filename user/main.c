// SPDX-License-Identifier: GPL-2.0
/* dmaguard: command dispatch. The table below is the single source of the help text. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

#ifndef DMAGUARD_VERSION
#define DMAGUARD_VERSION "unknown"
#endif

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
};

static const struct command commands[] = {
	{ "status", cmd_status, "[--json] [--sysfs ROOT] [--policy FILE]",
	  "list IOMMU groups, devices, owners and viability" },
	{ "check", cmd_check, "FILE [--sysfs ROOT]",
	  "validate a policy and list current bindings it would deny" },
	{ "generate", cmd_generate, "[--sysfs ROOT]",
	  "print a policy that allows exactly the current bindings" },
	{ "run", cmd_run,
	  "--policy FILE [--audit] [--json] [--all] [--output FILE] [--pin-dir DIR]",
	  "load and pin enforcement, then stream events" },
	{ "reload", cmd_reload, "--policy FILE [--pin-dir DIR]",
	  "replace the pinned policy atomically" },
	{ "unload", cmd_unload, "[--pin-dir DIR]",
	  "detach and unpin everything dmaguard pinned" },
	{ "version", cmd_version, "", "print the version" },
	{ "help", cmd_help, "", "print this help" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: dmaguard COMMAND [OPTIONS]\n\n"
		   "IOMMU-group DMA ownership policy, enforced in the kernel with BPF.\n\n"
		   "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n  %-9s   %s\n", commands[i].name, commands[i].args,
			"", commands[i].help);
	fprintf(f, "\nExit codes: 0 success, 1 violations found or runtime failure,\n"
		   "2 usage error or invalid policy, 3 the kernel lacks what is needed.\n"
		   "See dmaguard(8).\n");
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		cli_err("version takes no arguments");
		return EXIT_USAGE;
	}
	printf("dmaguard %s\n", DMAGUARD_VERSION);
	return EXIT_OK;
}

static int flush_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_err("cannot write standard output: %s", strerror(errno));
		return rc ? rc : EXIT_VIOLATIONS;
	}
	return rc;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return flush_stdout(cmd_help(0, NULL));
	if (!strcmp(argv[1], "--version"))
		return flush_stdout(cmd_version(1, argv + 1));
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return flush_stdout(commands[i].fn(argc - 1, argv + 1));
	cli_err("unknown command '%s' (see 'dmaguard help')", argv[1]);
	return EXIT_USAGE;
}
