// SPDX-License-Identifier: GPL-2.0
/*
 * The bash completion (completion/dmaguard.bash) names the commands and
 * options itself, so it can drift from the binary. It must name exactly the
 * command table's commands and, for each, exactly the options of its struct
 * option table, each taking a value where the table says so; then bash, with
 * bash-completion's helpers, must complete lines from it (skipped without
 * the bash-completion package). Run from the top of the tree (make unit does).
 */
#include <errno.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "cli_capture.h"
#include "tmp_tree.h"
#include "unit.h"

#define COMPLETION "completion/dmaguard.bash"
#define MAX_OPTS 32
#define NAME_LEN 32

/* A command's long options, --help aside; takes_value: required_argument. */
struct optset {
	int n;
	char name[MAX_OPTS][NAME_LEN];
	bool takes_value[MAX_OPTS];
};

static char *read_text(const char *path)
{
	static char bufs[2][1 << 16];
	static int next;
	char *buf = bufs[next++ % 2];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		UNIT_FAIL("%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(bufs[0]) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void optset_add(struct optset *s, const char *name, size_t len, bool takes_value)
{
	if (s->n == MAX_OPTS || len >= NAME_LEN)
		UNIT_FAIL("too many options, or one too long: %.*s", (int)len, name);
	snprintf(s->name[s->n], NAME_LEN, "%.*s", (int)len, name);
	s->takes_value[s->n++] = takes_value;
}

static int optset_find(const struct optset *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return i;
	return -1;
}

/* The text between start (found in text after from) and the next quote. */
static const char *quoted_after(const char *text, const char *start, char *out, size_t size)
{
	const char *p = strstr(text, start), *end;

	if (!p)
		return NULL;
	p += strlen(start);
	end = strchr(p, '\'');
	if (!end || (size_t)(end - p) >= size)
		UNIT_FAIL(COMPLETION ": no closing quote after \"%s\"", start);
	snprintf(out, size, "%.*s", (int)(end - p), p);
	return out;
}

/* The completion's words of `local commands='...'`. */
static int completion_commands(char words[][NAME_LEN], int max)
{
	char list[512], *save, *w;
	int n = 0;

	if (!quoted_after(read_text(COMPLETION), "local commands='", list, sizeof(list)))
		UNIT_FAIL(COMPLETION ": no \"local commands='...'\"");
	for (w = strtok_r(list, " ", &save); w && n < max; w = strtok_r(NULL, " ", &save))
		snprintf(words[n++], NAME_LEN, "%s", w);
	return n;
}

/* The completion's options of command name: its arm "\tNAME) opts='...'". */
static void completion_opts(const char *name, struct optset *s)
{
	char arm[64], list[512], *save, *w;
	size_t len;

	memset(s, 0, sizeof(*s));
	snprintf(arm, sizeof(arm), "\n\t%s) opts='", name);
	if (!quoted_after(read_text(COMPLETION), arm, list, sizeof(list)))
		UNIT_FAIL(COMPLETION ": no case arm \"%s) opts='...' ;;\"", name);
	for (w = strtok_r(list, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		len = strlen(w);
		if (strncmp(w, "--", 2))
			UNIT_FAIL(COMPLETION ": %s: \"%s\" is not a long option", name, w);
		optset_add(s, w + 2, len - 2 - (w[len - 1] == '='), w[len - 1] == '=');
	}
}

/* The entries { "NAME", X_argument, ... } of the struct option table at p. */
static void table_opts(const char *file, const char *p, struct optset *s)
{
	const char *end = strstr(p, "{ 0 }"), *q;

	if (!end)
		UNIT_FAIL("%s: an option table without its { 0 } end", file);
	while ((p = strstr(p, "{ \"")) && p < end) {
		p += 3;
		q = strchr(p, '"');
		if (!q)
			UNIT_FAIL("%s: an unterminated option name", file);
		if (!strncmp(q, "\", optional_argument", 20))
			UNIT_FAIL("%s: --%.*s takes an optional value: teach the completion and this test",
				  file, (int)(q - p), p);
		optset_add(s, p, q - p, !strncmp(q, "\", required_argument", 20));
		p = q;
	}
}

static int count(const char *text, const char *needle)
{
	int n = 0;

	while ((text = strstr(text, needle))) {
		text += strlen(needle);
		n++;
	}
	return n;
}

/*
 * The options of command name, from the source: the struct option table
 * of the user/cmd_*.c that defines the command. A file that defines more
 * commands must have no table (help and version take no options): this test
 * cannot tell whose it would be.
 */
static void source_opts(const char *name, struct optset *s)
{
	char def[64];
	const char *text, *table;
	glob_t g;
	size_t i;

	memset(s, 0, sizeof(*s));
	snprintf(def, sizeof(def), "const struct command cmd_%s = {", name);
	if (glob("user/cmd_*.c", 0, NULL, &g))
		UNIT_FAIL("no user/cmd_*.c: not run from the top of the tree?");
	for (i = 0; i < g.gl_pathc; i++) {
		text = read_text(g.gl_pathv[i]);
		if (!strstr(text, def))
			continue;
		table = strstr(text, "struct option ");
		if (table && count(text, "const struct command cmd_") > 1)
			UNIT_FAIL("%s defines several commands and an option table", g.gl_pathv[i]);
		if (table && count(text, "struct option ") > 1)
			UNIT_FAIL("%s has several option tables", g.gl_pathv[i]);
		if (table)
			table_opts(g.gl_pathv[i], table, s);
		globfree(&g);
		return;
	}
	UNIT_FAIL("no user/cmd_*.c defines cmd_%s", name);
}

/*
 * Every option of a is in b (and takes a value alike, if check_value); says
 * what differs.
 */
static bool opts_within(const char *cmd, const struct optset *a, const char *a_name,
			const struct optset *b, const char *b_name, bool check_value)
{
	bool ok = true;
	int i, j;

	for (i = 0; i < a->n; i++) {
		j = optset_find(b, a->name[i]);
		if (j < 0) {
			fprintf(stderr, "    %s: --%s is in %s, not in %s\n", cmd, a->name[i],
				a_name, b_name);
			ok = false;
		} else if (check_value && a->takes_value[i] != b->takes_value[j]) {
			fprintf(stderr, "    %s: --%s takes a value in %s only\n", cmd, a->name[i],
				a->takes_value[i] ? a_name : b_name);
			ok = false;
		}
	}
	return ok;
}

TEST(completion_names_exactly_the_commands_of_the_table)
{
	char words[32][NAME_LEN];
	int n = completion_commands(words, 32), i;
	size_t j;
	bool ok = true;

	for (j = 0; j < cli_n_commands; j++) {
		for (i = 0; i < n && strcmp(words[i], cli_commands[j]->name); i++)
			;
		if (i == n) {
			fprintf(stderr, "    command %s is not in " COMPLETION "\n",
				cli_commands[j]->name);
			ok = false;
		}
	}
	for (i = 0; i < n; i++)
		if (!cli_find_command(words[i])) {
			fprintf(stderr, "    " COMPLETION " names %s, no command\n", words[i]);
			ok = false;
		}
	ASSERT_TRUE(ok);
	ASSERT_EQ(n, cli_n_commands);
}

TEST(completion_names_exactly_each_commands_options)
{
	struct optset table, completed;
	bool ok = true;
	size_t i;

	for (i = 0; i < cli_n_commands; i++) {
		source_opts(cli_commands[i]->name, &table);
		completion_opts(cli_commands[i]->name, &completed);
		ok &= opts_within(cli_commands[i]->name, &table, "its option table",
				  &completed, COMPLETION, true);
		ok &= opts_within(cli_commands[i]->name, &completed, COMPLETION,
				  &table, "its option table", false);
	}
	ASSERT_TRUE(ok);
}

/*
 * The parser itself (the tables linked in) takes each completed option as
 * completed: "--opt=x --help" parses for a value option and "--opt" last
 * wants its value; "--flag --help" parses and "--flag=x" is refused. --help
 * and usage errors stop every command before it does anything.
 */
TEST(the_parser_takes_each_completed_option_as_completed)
{
	const struct command *c;
	struct optset s;
	char with_value[64], flag[64];
	struct output *o;
	size_t i;
	int j;

	for (i = 0; i < cli_n_commands; i++) {
		c = cli_commands[i];
		completion_opts(c->name, &s);
		for (j = 0; j < s.n; j++) {
			snprintf(flag, sizeof(flag), "--%s", s.name[j]);
			snprintf(with_value, sizeof(with_value), "--%s=x", s.name[j]);
			o = run(c, c->name, s.takes_value[j] ? with_value : flag, "--help", NULL);
			if (o->rc != EXIT_OK)
				UNIT_FAIL("dmaguard %s %s --help: exit %d: %s", c->name,
					  s.takes_value[j] ? with_value : flag, o->rc, o->err);
			if (s.takes_value[j])
				o = run(c, c->name, flag, NULL);
			else
				o = run(c, c->name, with_value, "--help", NULL);
			if (o->rc != EXIT_USAGE)
				UNIT_FAIL("dmaguard %s %s: exit %d, expected a usage error",
					  c->name, s.takes_value[j] ? flag : with_value, o->rc);
		}
	}
}

/* Every --option a command's help names is one the completion offers. */
TEST(completion_offers_every_option_help_names)
{
	const struct command *c;
	char opt[NAME_LEN];
	struct optset s;
	struct output *o;
	const char *p;
	size_t i, len;

	for (i = 0; i < cli_n_commands; i++) {
		c = cli_commands[i];
		completion_opts(c->name, &s);
		o = run(c, c->name, "--help", NULL);
		ASSERT_EQ(o->rc, EXIT_OK);
		for (p = o->out; (p = strstr(p, "--")); p += 2 + len) {
			len = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
			snprintf(opt, sizeof(opt), "%.*s", (int)len, p + 2);
			if (len && strcmp(opt, "help") && optset_find(&s, opt) < 0)
				UNIT_FAIL("dmaguard %s --help names --%s; " COMPLETION
					  " does not", c->name, opt);
		}
	}
}

/* What bash completes at the end of line, in the test's tree (sorted lines). */
static const char *complete(const char *line)
{
	static char out[4096];
	char top[512], cmd[2048];
	size_t n;
	FILE *f;
	int status;

	if (!getcwd(top, sizeof(top)))
		UNIT_FAIL("getcwd: %s", strerror(errno));
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && bash '%s/tests/unit/complete.sh' '%s/" COMPLETION "' '%s' 2>&1",
		 tree_base, top, top, line);
	f = popen(cmd, "r");
	if (!f)
		UNIT_FAIL("popen: %s", strerror(errno));
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	status = pclose(f);
	if (WIFEXITED(status) && WEXITSTATUS(status) == UNIT_SKIP_CODE)
		UNIT_SKIP("the bash-completion package is not installed");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		UNIT_FAIL("complete.sh '%s': status %d", line, status);
	return out;
}

static void bash_tree(void)
{
	tree_setup("dmaguard-completion");
	alarm(60);	/* each line starts a bash that loads bash-completion */
	if (mkdir(at("adir"), 0700) || close(creat(at("afile"), 0600)))
		UNIT_FAIL("tree: %s", strerror(errno));
}

TEST(bash_completes_commands_options_and_values)
{
	bash_tree();
	ASSERT_STREQ(complete("dmaguard ru"), "run\n");
	ASSERT_STREQ(complete("dmaguard run --po"), "--policy\n");
	ASSERT_STREQ(complete("dmaguard re"), "reload\n");
	ASSERT_STREQ(complete("dmaguard lo"), "load\n");
	ASSERT_STREQ(complete("dmaguard --v"), "--version\n");
	ASSERT_STREQ(complete("dmaguard help u"), "unload\n");
	ASSERT_STREQ(complete("dmaguard help "),
		     "check\ngenerate\nhelp\nload\nmetrics\nreload\nrun\nstatus\nunload\nversion\n");
	ASSERT_STREQ(complete("dmaguard help run "), "--help\n");
	ASSERT_STREQ(complete("dmaguard run --policy "), "adir\nafile\n");
	ASSERT_STREQ(complete("dmaguard run --policy=a"), "adir\nafile\n");
	ASSERT_STREQ(complete("dmaguard run --output "), "adir\nafile\n");
	ASSERT_STREQ(complete("dmaguard run --pin-dir "), "adir\n");
	ASSERT_STREQ(complete("dmaguard status --sysfs="), "adir\n");
	ASSERT_STREQ(complete("dmaguard check "), "adir\nafile\n");
	ASSERT_STREQ(complete("dmaguard check --sysfs adir "), "adir\nafile\n");
	ASSERT_STREQ(complete("dmaguard check afile "), "--help\n--sysfs\n");
	ASSERT_STREQ(complete("dmaguard bogus --"), "");
}

/* The values an option that takes a word, not a path, completes to ("" if a path). */
static const char *option_words(const char *command, const char *option)
{
	static const char *const words[][3] = {
		{ "generate", "by", "device\nid\n" },
		{ "generate", "scope", "all\npci\npresent\n" },
		{ "generate", "default", "allow\naudit\ndeny\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(words[i][0], command) && !strcmp(words[i][1], option))
			return words[i][2];
	return "";
}

/*
 * For every command, "--" completes to exactly its table's options and
 * --help, and every option that takes a value completes paths after it, or
 * the words option_words() names.
 */
TEST(bash_completes_each_commands_options_from_its_table)
{
	char line[128], want[1024], sorted[MAX_OPTS + 1][NAME_LEN + 2], tmp[NAME_LEN + 2];
	struct optset s;
	size_t i;
	int j, k, n;
	const char *got;

	bash_tree();
	for (i = 0; i < cli_n_commands; i++) {
		source_opts(cli_commands[i]->name, &s);
		n = 0;
		for (j = 0; j < s.n; j++)
			snprintf(sorted[n++], sizeof(sorted[0]), "--%s", s.name[j]);
		snprintf(sorted[n++], sizeof(sorted[0]), "--help");
		for (j = 1; j < n; j++)	/* insertion sort, as LC_ALL=C sort */
			for (k = j; k > 0 && strcmp(sorted[k - 1], sorted[k]) > 0; k--) {
				memcpy(tmp, sorted[k], sizeof(tmp));
				memcpy(sorted[k], sorted[k - 1], sizeof(tmp));
				memcpy(sorted[k - 1], tmp, sizeof(tmp));
			}
		want[0] = '\0';
		for (j = 0; j < n; j++)
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s\n", sorted[j]);
		snprintf(line, sizeof(line), "dmaguard %s --", cli_commands[i]->name);
		ASSERT_STREQ(complete(line), want);
		for (j = 0; j < s.n; j++) {
			if (!s.takes_value[j])
				continue;
			snprintf(line, sizeof(line), "dmaguard %s --%s ", cli_commands[i]->name,
				 s.name[j]);
			got = complete(line);
			if (*option_words(cli_commands[i]->name, s.name[j])) {
				ASSERT_STREQ(got, option_words(cli_commands[i]->name, s.name[j]));
				continue;
			}
			if (strcmp(got, "adir\nafile\n") && strcmp(got, "adir\n"))
				UNIT_FAIL("'%s' completes \"%s\", not paths", line, got);
		}
	}
}

UNIT_MAIN()
