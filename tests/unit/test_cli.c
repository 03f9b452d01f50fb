// SPDX-License-Identifier: GPL-2.0
/*
 * The command line every command shares: help from one source, one message
 * prefix, usage errors exit 2, and the exit codes library errors map to.
 */
#include <errno.h>
#include "cli.h"
#include "cli_capture.h"
#include "unit.h"

#define all cli_commands
#define N_ALL cli_n_commands

/* -h, --help and `help NAME` print the same full help, from the table. */
TEST(every_command_takes_h_and_help_from_one_source)
{
	static char expect[8192], first[1 << 17];
	struct output *o;
	size_t i;

	for (i = 0; i < N_ALL; i++) {
		const char *name = all[i]->name;

		snprintf(expect, sizeof(expect), "Usage: dmaguard %s%s%s\n%s.\n", name,
			 all[i]->synopsis[0] ? " " : "", all[i]->synopsis, all[i]->summary);
		o = run(all[i], name, "-h", NULL);
		ASSERT_EQ(o->rc, 0);
		ASSERT_STREQ(o->err, "");
		if (strncmp(o->out, expect, strlen(expect)))
			UNIT_FAIL("%s -h:\n%s\nexpected it to start with:\n%s", name, o->out, expect);
		memcpy(first, o->out, sizeof(first));
		o = run(all[i], name, "--help", NULL);
		ASSERT_EQ(o->rc, 0);
		ASSERT_STREQ(o->out, first);
		o = run(&cmd_help, "help", name, NULL);
		ASSERT_EQ(o->rc, 0);
		ASSERT_STREQ(o->out, first);
	}
}

TEST(the_table_holds_every_command_once)
{
	size_t i;

	ASSERT_EQ(N_ALL, 10);
	for (i = 0; i < N_ALL; i++)
		ASSERT_TRUE(cli_find_command(all[i]->name) == all[i]);
	ASSERT_TRUE(cli_find_command("bogus") == NULL);
}

TEST(help_without_a_command_lists_every_command)
{
	struct output *o = run(&cmd_help, "help", NULL);
	size_t i;
	char line[64];

	ASSERT_EQ(o->rc, 0);
	for (i = 0; i < N_ALL; i++) {
		snprintf(line, sizeof(line), "\n  %-9s ", all[i]->name);
		ASSERT_CONTAINS(o->out, line);
	}
	o = run(&cmd_help, "help", "bogus", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "dmaguard help: unknown command 'bogus'\n");
}

/* Every usage error: "dmaguard NAME: ...", the synopsis, exit 2, nothing on stdout. */
TEST(usage_errors_have_one_prefix)
{
	char prefix[64], usage[256];
	struct output *o;
	size_t i;

	for (i = 0; i < N_ALL; i++) {
		const char *name = all[i]->name;

		snprintf(prefix, sizeof(prefix), "dmaguard %s: unknown option '--bogus'\n", name);
		snprintf(usage, sizeof(usage), "Usage: dmaguard %s%s%s\n", name,
			 all[i]->synopsis[0] ? " " : "", all[i]->synopsis);
		o = run(all[i], name, "--bogus", NULL);
		ASSERT_EQ(o->rc, 2);
		ASSERT_STREQ(o->out, "");
		if (strncmp(o->err, prefix, strlen(prefix)))
			UNIT_FAIL("%s --bogus said:\n%s", name, o->err);
		ASSERT_CONTAINS(o->err, usage);
	}
	o = run(&cmd_run, "run", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "dmaguard run: --policy FILE is required\n");
	o = run(&cmd_reload, "reload", "--pin-dir", "/x", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "dmaguard reload: --policy FILE is required\n");
	o = run(&cmd_unload, "unload", "extra", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "dmaguard unload: unexpected argument 'extra'\n");
	o = run(&cmd_version, "version", "extra", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "dmaguard version: unexpected argument 'extra'\n");
}

TEST(library_errors_map_to_exit_codes)
{
	ASSERT_EQ(cli_exit_code(0), EXIT_OK);
	ASSERT_EQ(cli_exit_code(-EOPNOTSUPP), EXIT_KERNEL);
	ASSERT_EQ(cli_exit_code(-EINVAL), EXIT_USAGE);
	ASSERT_EQ(cli_exit_code(-ENAMETOOLONG), EXIT_USAGE);
	/* missing privilege is no kernel shortcoming */
	ASSERT_EQ(cli_exit_code(-EPERM), EXIT_VIOLATIONS);
	ASSERT_EQ(cli_exit_code(-EACCES), EXIT_VIOLATIONS);
	ASSERT_EQ(cli_exit_code(-ENOSPC), EXIT_VIOLATIONS);
}

UNIT_MAIN()
