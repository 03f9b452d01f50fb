/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line: the command table's entries, option parsing and the
 * one error convention every command handler reports through.
 *
 * Library code returns 0 or -errno (with a message in an err buffer where
 * the cause needs more words); only command handlers turn that into an exit
 * code (cli_exit_code()). Every message a command prints to stderr starts
 * "dmaguard CMD: ".
 */
#ifndef DMAGUARD_CLI_H
#define DMAGUARD_CLI_H

#include <getopt.h>
#include <stdio.h>

/* Exit codes (dmaguard(8), EXIT STATUS). */
enum {
	EXIT_OK = 0,
	EXIT_VIOLATIONS = 1,	/* also: runtime failure */
	EXIT_USAGE = 2,		/* usage error or invalid policy */
	EXIT_KERNEL = 3,	/* the kernel lacks what is needed */
};

/*
 * One command. `dmaguard help`, `dmaguard help NAME`, `dmaguard NAME -h`
 * and usage errors all print from here, so help cannot drift from the
 * table.
 */
struct command {
	const char *name;
	const char *synopsis;	/* arguments after the name: "FILE [--sysfs ROOT]" */
	const char *summary;	/* one line for `dmaguard help` */
	const char *help;	/* the rest of --help: options, exit status */
	int (*run)(int argc, char **argv);
};

extern const struct command cmd_status, cmd_metrics, cmd_check, cmd_generate, cmd_run,
	cmd_reload, cmd_unload, cmd_load, cmd_version, cmd_help;

/* Every command, in the order `dmaguard help` lists them. */
extern const struct command *const cli_commands[];
extern const size_t cli_n_commands;

/* The command called name, or NULL. */
const struct command *cli_find_command(const char *name);

/* The list of commands with their synopses, for `dmaguard help`. */
void cli_print_commands(FILE *f);

/* The command running now (names the messages); set by main(). */
extern const struct command *cli_command;

/*
 * Run c with argv[0] its name: names the messages after it, starts option
 * parsing afresh (a handler may run more than once in one process) and
 * returns the exit code, EXIT_VIOLATIONS too when stdout cannot be written.
 */
int cli_run(const struct command *c, int argc, char **argv);

/*
 * "dmaguard CMD: " + message + newline to stderr. When stderr is the journal
 * stream systemd connected (JOURNAL_STREAM), prefixed "<N>" with the
 * message's syslog priority, which journald takes as its PRIORITY:
 * cli_err() is LOG_ERR; cli_msg() takes LOG_WARNING, LOG_NOTICE (what
 * changed: enforcing, reloaded, stopped), LOG_INFO (details) from
 * <syslog.h>.
 */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A usage error: the message, the synopsis and a pointer to --help; EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print c's full help ("Usage: dmaguard NAME SYNOPSIS", summary, help). */
void cli_print_help(const struct command *c, FILE *f);

/*
 * getopt_long over the running command's options (long options only; -h
 * and --help are handled here). Returns the next option's val, or 0 at the
 * end of the options; or -1 with *code set when the command is done
 * (EXIT_OK after printing --help, EXIT_USAGE after a usage error).
 */
int cli_next_opt(int argc, char **argv, const struct option *longopts, int *code);

/*
 * After cli_next_opt(): check that between min and max positional
 * arguments remain (names: their names, for the message). Returns 0, or
 * EXIT_USAGE after the message.
 */
int cli_positional(int argc, char **argv, int min, int max, const char *names);

/*
 * The end of the options of a command that takes no operand and needs
 * --policy FILE (run, load, reload): 0, or EXIT_USAGE after saying why.
 */
int cli_policy_only(int argc, char **argv, const char *policy);

/*
 * The exit code for a library error (-errno): -EOPNOTSUPP is the kernel
 * lacking something (3); -EINVAL, -ENAMETOOLONG and -EBADMSG are bad input
 * (2); anything else is a runtime failure (1).
 */
int cli_exit_code(int err);

#endif
