// SPDX-License-Identifier: GPL-2.0
/* The command line's shared pieces: messages, help, option parsing, exit codes. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include "cli.h"
#include "journal.h"

const struct command *cli_command;

/*
 * "dmaguard CMD: " + message + newline, on stderr; "<N>" first when stderr
 * is the journal stream, for journald to take as the PRIORITY (the prefix
 * of sd-daemon(3)). Looked at for each message: a terminal or a redirection
 * never sees the prefix.
 */
static void vmessage(int priority, const char *fmt, va_list ap)
{
	if (journal_stream_is(STDERR_FILENO))
		fprintf(stderr, "<%d>", priority & LOG_PRIMASK);
	if (cli_command)
		fprintf(stderr, "dmaguard %s: ", cli_command->name);
	else
		fputs("dmaguard: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(LOG_ERR, fmt, ap);
	va_end(ap);
}

void cli_msg(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(priority, fmt, ap);
	va_end(ap);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(LOG_ERR, fmt, ap);
	va_end(ap);
	if (cli_command)
		fprintf(stderr, "Usage: dmaguard %s%s%s\nTry 'dmaguard %s --help'.\n",
			cli_command->name, cli_command->synopsis[0] ? " " : "",
			cli_command->synopsis, cli_command->name);
	return EXIT_USAGE;
}

void cli_print_help(const struct command *c, FILE *f)
{
	fprintf(f, "Usage: dmaguard %s%s%s\n%s.\n", c->name, c->synopsis[0] ? " " : "",
		c->synopsis, c->summary);
	if (c->help[0])
		fprintf(f, "\n%s", c->help);
}

int cli_next_opt(int argc, char **argv, const struct option *longopts, int *code)
{
	static const struct option help_opt = { "help", no_argument, NULL, 'h' };
	struct option opts[32];
	int n = 0, c;

	/* --help is every command's: add it to the command's own options */
	while (longopts && longopts[n].name && n < 30) {
		opts[n] = longopts[n];
		n++;
	}
	opts[n++] = help_opt;
	memset(&opts[n], 0, sizeof(opts[n]));
	opterr = 0;
	c = getopt_long(argc, argv, ":h", opts, NULL);
	switch (c) {
	case -1:
		return 0;
	case 'h':
		cli_print_help(cli_command, stdout);
		*code = EXIT_OK;
		return -1;
	case ':':
		*code = cli_usage_error("option '%s' needs an argument", argv[optind - 1]);
		return -1;
	case '?':
		*code = cli_usage_error("unknown option '%s'", argv[optind - 1]);
		return -1;
	default:
		return c;
	}
}

int cli_positional(int argc, char **argv, int min, int max, const char *names)
{
	int n = argc - optind;

	if (n > max)
		return cli_usage_error("unexpected argument '%s'", argv[optind + max]);
	if (n < min)
		return cli_usage_error("missing argument %s", names);
	return 0;
}

int cli_run(const struct command *c, int argc, char **argv)
{
	int code;

	cli_command = c;
	optind = 0;	/* full re-initialisation of getopt */
	code = c->run(argc, argv);
	if (fflush(stdout) || ferror(stdout)) {
		cli_err("cannot write standard output: %s", strerror(errno));
		if (!code)
			code = EXIT_VIOLATIONS;
	}
	return code;
}

int cli_exit_code(int err)
{
	switch (err) {
	case 0:
		return EXIT_OK;
	case -EOPNOTSUPP:
		return EXIT_KERNEL;
	case -EINVAL:
	case -ENAMETOOLONG:
	case -EBADMSG:
		return EXIT_USAGE;
	default:
		return EXIT_VIOLATIONS;
	}
}

int cli_policy_only(int argc, char **argv, const char *policy)
{
	if (cli_positional(argc, argv, 0, 0, ""))
		return EXIT_USAGE;
	if (!policy)
		return cli_usage_error("--policy FILE is required");
	return 0;
}
