// SPDX-License-Identifier: GPL-2.0
/*
 * The man page quotes the example policy: the quoted line must be the one
 * the file has at that number, and the example outputs must name it, so an
 * edit of examples/policy.conf cannot leave the page stale. Run from the
 * top of the tree (make unit does).
 */
#include <errno.h>
#include <stdbool.h>
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

/* text without leading blanks on its lines and with roff's "\-" as "-", into out */
static void squeeze(const char *text, char *out, size_t len)
{
	size_t n = 0;
	bool line_start = true;

	for (; *text && n + 1 < len; text++) {
		if (line_start && (*text == ' ' || *text == '\t'))
			continue;
		if (text[0] == '\\' && text[1] == '-')
			text++;
		out[n++] = *text;
		line_start = *text == '\n';
	}
	out[n] = '\0';
}

static char man[1 << 20];

/* The section of the man page from heading `from` up to heading `to`. */
static char *man_section(const char *from, const char *to)
{
	char *p, *end;

	slurp_file("docs/dmaguard.8", man, sizeof(man));
	p = strstr(man, from);
	ASSERT_TRUE(p != NULL);
	end = strstr(p, to);
	ASSERT_TRUE(end != NULL);
	*end = '\0';
	return p;
}

/*
 * The Fields section names the JSON fields in the order event_format.c writes
 * them (the order test_events.c and the VM's json-check hold the lines to).
 */
TEST(man_page_lists_the_fields_in_their_order)
{
	static const char expected[] = "schema ts host seq type verdict reason rule device "
		"id class group driver dma map count result pid comm uid cgroup exe ";
	char *p = man_section(".SS Fields", ".SS Examples"), *q, got[512] = "";
	size_t n = 0;

	while ((p = strstr(p, "\n.TP\n"))) {
		p += strlen("\n.TP\n");
		/* ".B name" or ".BR a ", " b ..." */
		q = p + strcspn(p, " ");
		for (; *q && *q != '\n'; q++) {
			if (*q == ' ' || *q == '"' || *q == ',')
				continue;
			while (*q && !strchr(" \",\n", *q) && n + 2 < sizeof(got))
				got[n++] = *q++;
			got[n++] = ' ';
			got[n] = '\0';
			q--;
		}
	}
	ASSERT_STREQ(got, expected);
}

/* Every JSON example line starts as run writes one: schema, ts, host. */
TEST(man_page_json_examples_start_with_schema_ts_host)
{
	char *p = man_section(".TH", "\n.SH \"SEE ALSO\""), *q;
	int n = 0;

	ASSERT_FALSE(strstr(p, "{\"ts\""));
	ASSERT_FALSE(strstr(p, "{\"type\""));
	ASSERT_FALSE(strstr(p, "{\"seq\""));
	for (q = p; (q = strstr(q, "{\"schema\":")); q++) {
		if (strncmp(q, "{\"schema\":1,\"ts\":\"2026\\-", 24))
			UNIT_FAIL("a JSON example starts %.40s", q);
		q = strchr(q, 'Z');
		ASSERT_TRUE(q != NULL);
		if (strncmp(q, "Z\",\"host\":\"vmhost1\",", 20))
			UNIT_FAIL("a JSON example goes on %.40s", q);
		n++;
	}
	ASSERT_EQ(n, 7);
}

/* The logrotate stanza in EXAMPLES is the one of examples/logrotate.conf. */
TEST(man_page_logrotate_example_is_the_example_file)
{
	static char file[1 << 14];
	char a[1024], b[1024];
	char *m = man_section(".SH EXAMPLES", "\n.SH \"SEE ALSO\"");
	char *f = slurp_file("examples/logrotate.conf", file, sizeof(file));

	m = strstr(m, "\n/var/log/dmaguard/events.jsonl {\n");
	f = strstr(f, "\n/var/log/dmaguard/events.jsonl {\n");
	ASSERT_TRUE(m != NULL && f != NULL);
	ASSERT_TRUE(strstr(m, "\n}\n") != NULL && strstr(f, "\n}\n") != NULL);
	*strstr(m, "\n}\n") = '\0';
	*strstr(f, "\n}\n") = '\0';
	/* the same lines, whatever the indent; "\-" in roff is "-" */
	squeeze(m, a, sizeof(a));
	squeeze(f, b, sizeof(b));
	ASSERT_STREQ(a, b);
}

UNIT_MAIN()
