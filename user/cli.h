/* SPDX-License-Identifier: GPL-2.0 */
/* Command handlers; each parses its own options and returns the exit code. */
#ifndef DMAGUARD_CLI_H
#define DMAGUARD_CLI_H

/* Exit codes (contract.md). */
enum {
	EXIT_OK = 0,
	EXIT_VIOLATIONS = 1,	/* also: runtime failure */
	EXIT_USAGE = 2,		/* usage error or invalid policy */
	EXIT_KERNEL = 3,	/* the kernel lacks what is needed */
};

int cmd_status(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_reload(int argc, char **argv);
int cmd_unload(int argc, char **argv);

/* Print "dmaguard: " + message + newline to stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
