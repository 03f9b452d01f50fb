// SPDX-License-Identifier: GPL-2.0
/*
 * The man page quotes the example policy: the quoted line must be the one
 * the file has at that number, and the example outputs must name it, so an
 * edit of examples/policy.conf cannot leave the page stale. Run from the
 * top of the tree (make unit does).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

static char *slurp_file(const char *path, char *buf, size_t size)
{
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		UNIT_FAIL("%s: %s", path, strerror(errno));
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Line n of path, without its newline. */
static char *file_line(const char *path, int n)
{
	static char text[1 << 16];
	char *line = slurp_file(path, text, sizeof(text)), *end;

	while (--n > 0 && line)
		line = (line = strchr(line, '\n')) ? line + 1 : NULL;
	if (!line)
		UNIT_FAIL("%s has no line %d", path, n);
	end = strchr(line, '\n');
	if (end)
		*end = '\0';
	return line;
}

/* Every "PREFIX<number>" in text names line n. Returns how many there are. */
static int all_name_line(const char *text, const char *prefix, int n)
{
	const char *p = text;
	int count = 0;

	while ((p = strstr(p, prefix))) {
		p += strlen(prefix);
		if (atoi(p) != n)
			UNIT_FAIL("the man page names %s%d; the quoted rule is line %d",
				  prefix, atoi(p), n);
		count++;
	}
	return count;
}

TEST(man_page_quotes_the_example_policy_as_it_is)
{
	static const char intro[] = "the example policy denies on Debian 12 (Linux 6.1): line ";
	static char man[1 << 20];
	char *p, *q, rule[128];
	int n;

	slurp_file("docs/dmaguard.8", man, sizeof(man));
	p = strstr(man, intro);
	ASSERT_TRUE(p != NULL);
	n = atoi(p + strlen(intro));
	p = strstr(p, "\n.BR \"");
	ASSERT_TRUE(p != NULL);
	p += strlen("\n.BR \"");
	q = strchr(p, '"');
	ASSERT_TRUE(q != NULL && q - p < (long)sizeof(rule));
	snprintf(rule, sizeof(rule), "%.*s", (int)(q - p), p);
	ASSERT_STREQ(file_line("examples/policy.conf", n), rule);
	ASSERT_TRUE(all_name_line(man, "\"rule\":\"/etc/dmaguard/policy.conf:", n) > 0);
	ASSERT_TRUE(all_name_line(man, "(rule /etc/dmaguard/policy.conf:", n) > 0);
}

UNIT_MAIN()
