// SPDX-License-Identifier: GPL-2.0
/*
 * What is in force as status and metrics show it (state.h): the text block
 * and the JSON object of status for a known state, exactly; the Prometheus
 * exposition parsed back by a strict reader of the text format (every
 * family with HELP and TYPE before its samples, names and labels well
 * formed, counters ending _total, no series twice) and its values checked;
 * no pins, unreadable pins; the daemon's pid from /proc/locks.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "sha256.h"
#include "state.h"
#include "tmp_tree.h"
#include "unit.h"

static struct state *sample(void)
{
	static struct state st;

	memset(&st, 0, sizeof(st));
	strcpy(st.pin_dir, "/sys/fs/bpf/dmaguard");
	st.pinned = true;
	st.have_format = true;
	st.format = 2;
	st.compat = 2;
	strcpy(st.build, "1.2-3-gabc");
	st.have_policy = true;
	st.slot = 1;
	st.hdr = (struct dg_policy){ .n_rules = 3, .mode = DG_MODE_ENFORCE,
				     .default_bind = DG_ALLOW, .default_open = DG_DENY,
				     .acts = DG_ACTS_DENY_BIND | DG_ACTS_JUDGE_OPEN,
				     .generation = 3 };
	strcpy(st.hdr.source, "policy.conf");
	st.cfg = (struct dg_config){ .active_slot = 1, .emit_all = 1 };
	st.have_info = true;
	st.info.generation = 3;
	st.info.loaded_ns = 1764000000123456789ull;
	st.info.size = 3;
	sha256_buf("abc", 3, st.info.sha256);
	strcpy(st.info.path, "/etc/dmaguard/\"odd\" name.conf");
	st.deny_path = HOOK_LSM;
	st.ownership_api = true;
	st.device_claims = true;
	st.progs[0] = (struct state_prog){ "probe_enter", "fentry", "really_probe", true, 12, 40 };
	st.progs[1] = (struct state_prog){ "lsm_file_open", "lsm", "bpf_lsm_file_open", false,
					   0, 45 };
	st.n_progs = 2;
	st.hooks[0] = (struct state_hook){ "kernfs", true, true, "a rule denies" };
	st.hooks[1] = (struct state_hook){ "open", false, true, "an open rule" };
	st.streaming = true;
	st.daemon_pid = 42;
	st.have_stats = true;
	st.stats.next_seq = 10;
	st.stats.lost = 2;
	st.stats.unsequenced = 1;
	st.stats.untracked = 4;
	st.stats.map_full[DG_MAP_NODES] = 5;
	st.have_counts = true;
	st.counts[0] = (struct state_count){ DG_EV_BIND, DG_DENY, DG_REASON_RULE, 3 };
	st.counts[1] = (struct state_count){ DG_EV_OPEN, DG_AUDIT, DG_REASON_DEFAULT, 1 };
	st.counts[2] = (struct state_count){ DG_EV_HOTPLUG, DG_COUNT_NO_VERDICT, DG_REASON_NONE, 5 };
	st.n_counts = 3;
	st.have_ring = true;
	st.ring_size = 262144;
	st.ring_used = 184;
	st.have_groups = true;
	st.groups_by_owner[DG_OWNER_NONE] = 2;
	st.groups_by_owner[DG_OWNER_KERNEL] = 4;
	st.groups_by_owner[DG_OWNER_USER] = 1;
	st.groups_from_map = 7;
	return &st;
}

/* What a writer function prints for st, in a static buffer. */
static char *print(void (*fn)(FILE *, const struct state *), const struct state *st)
{
	static char *buf;
	size_t len = 0;
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	ASSERT_TRUE(f != NULL);
	fn(f, st);
	ASSERT_EQ(fclose(f), 0);
	return buf;
}

static void json_of(FILE *f, const struct state *st)
{
	struct json_writer w;

	json_init(&w, f);
	json_object_begin(&w);
	state_json(&w, st);
	if (st->have_stats)
		state_counters_json(&w, st);
	json_object_end(&w);
	if (json_finish(&w))
		UNIT_FAIL("json writer error");
}

TEST(text_block_says_everything_in_force)
{
	ASSERT_STREQ(print(state_text, sample()),
		"enforcement: pinned in /sys/fs/bpf/dmaguard (format 2, dmaguard 1.2-3-gabc)\n"
		"  policy:      /etc/dmaguard/\"odd\"\\x20name.conf, 3 rules (given as policy.conf)\n"
		"  sha256:      ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
		" (3 bytes)\n"
		"  loaded:      2025-11-24T16:00:00.123457Z, generation 3 (2 reloads)\n"
		"  mode:        enforce; default bind allow, default open deny\n"
		"  deny path:   BPF LSM\n"
		"  hooks:       kernfs deny hook attached: a rule denies\n"
		"               open gate not attached: an open rule (but it is not attached: an "
		"interrupted reload? reload again)\n"
		"  ownership:   the kernel's DMA-ownership API, with device claims; group owners "
		"from the pinned groups map (7 of 7 groups)\n"
		"  daemon:      streaming events, pid 42 (--all)\n"
		"  programs:    probe_enter fentry really_probe: link 12, prog 40\n"
		"               lsm_file_open lsm bpf_lsm_file_open: not attached, prog 45\n"
		"  events:      bind deny rule 3, open audit default 1, hotplug 5\n"
		"  lost:        2 (1 before they had a seq); untracked 4\n"
		"  ring buffer: 262144 bytes, 184 written and not yet read\n");
}

TEST(text_without_the_policy_identity_says_why)
{
	struct state *st = sample();

	st->have_info = false;
	st->streaming = false;
	st->daemon_pid = 0;
	ASSERT_CONTAINS(print(state_text, st),
		"  policy:      policy.conf, 3 rules\n"
		"  sha256:      unknown: put in force by a dmaguard before format 2 (the next load "
		"or reload records it)\n"
		"  loaded:      generation 3\n");
	ASSERT_CONTAINS(print(state_text, st),
		"  daemon:      none streaming (events wait in the ring buffer)\n");
}

TEST(json_object_has_every_field)
{
	ASSERT_STREQ(print(json_of, sample()),
		"{\"enforcement\":{\"pin_dir\":\"/sys/fs/bpf/dmaguard\",\"pinned\":true,"
		"\"format\":2,\"build\":\"1.2-3-gabc\","
		"\"policy\":{\"source\":\"policy.conf\","
		"\"file\":\"/etc/dmaguard/\\\"odd\\\" name.conf\","
		"\"sha256\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\","
		"\"size\":3,\"loaded_at\":\"2025-11-24T16:00:00.123457Z\",\"generation\":3,"
		"\"reloads\":2,\"mode\":\"enforce\",\"audit_forced\":false,"
		"\"default_bind\":\"allow\",\"default_open\":\"deny\",\"rules\":3},"
		"\"deny_path\":\"lsm\","
		"\"hooks\":[{\"hook\":\"kernfs\",\"attached\":true,\"wanted\":true,"
		"\"why\":\"a rule denies\"},{\"hook\":\"open\",\"attached\":false,\"wanted\":true,"
		"\"why\":\"an open rule\"}],"
		"\"ownership\":{\"tracked_by\":\"kernel-api\",\"device_claims\":true,"
		"\"groups_from_map\":7},"
		"\"daemon\":{\"streaming\":true,\"pid\":42,\"all\":true,\"audit\":false},"
		"\"programs\":[{\"name\":\"probe_enter\",\"attach\":\"fentry\","
		"\"target\":\"really_probe\",\"attached\":true,\"link_id\":12,\"prog_id\":40},"
		"{\"name\":\"lsm_file_open\",\"attach\":\"lsm\",\"target\":\"bpf_lsm_file_open\","
		"\"attached\":false,\"prog_id\":45}]},"
		"\"bpf\":{\"next_seq\":10,\"lost\":2,\"unsequenced\":1,\"untracked\":4,"
		"\"map_full\":{\"groups\":0,\"nodes\":5,\"inflight\":0,\"opening\":0,"
		"\"claimed_files\":0},"
		"\"events\":[{\"type\":\"bind\",\"verdict\":\"deny\",\"reason\":\"rule\",\"count\":3},"
		"{\"type\":\"open\",\"verdict\":\"audit\",\"reason\":\"default\",\"count\":1},"
		"{\"type\":\"hotplug\",\"verdict\":\"none\",\"reason\":\"none\",\"count\":5}],"
		"\"ring\":{\"size_bytes\":262144,\"used_bytes\":184}}}");
}

TEST(nothing_pinned_is_said_plainly)
{
	struct state st;

	state_gather("/nonexistent/dg-pins", &st);
	ASSERT_FALSE(st.pinned);
	ASSERT_STREQ(st.error, "");
	ASSERT_STREQ(print(state_text, &st),
		     "enforcement: none pinned in /nonexistent/dg-pins ('dmaguard run' pins it)\n");
	ASSERT_STREQ(print(json_of, &st),
		     "{\"enforcement\":{\"pin_dir\":\"/nonexistent/dg-pins\",\"pinned\":false}}");
}

/* A directory that holds no dmaguard pins: named, not read. */
TEST(pins_that_cannot_be_read_are_named_with_the_reason)
{
	struct state st;
	char *out;

	tree_setup("dg-state");
	state_gather(tree_base, &st);
	ASSERT_TRUE(st.pinned);
	ASSERT_TRUE(st.error[0] != '\0');
	out = print(state_text, &st);
	ASSERT_TRUE(!strncmp(out, "enforcement: unknown: ", 22));
	out = print(json_of, &st);
	ASSERT_CONTAINS(out, "\"error\":\"");
	ASSERT_TRUE(strstr(out, "\"pinned\"") == NULL);
	ASSERT_TRUE(strstr(out, "\"policy\"") == NULL);
}

TEST(lock_holder_from_proc_locks)
{
	static const char locks[] =
		"1: POSIX  ADVISORY  WRITE 300 00:1f:77 0 EOF\n"
		"2: FLOCK  ADVISORY  WRITE 4242 00:1f:77 0 EOF\n"
		"2: -> FLOCK  ADVISORY  WRITE 999 00:1f:77 0 EOF\n"
		"3: FLOCK  ADVISORY  WRITE 17 00:20:77 0 EOF\n"
		"4: OFDLCK ADVISORY  READ  -1 fd:01:1234 0 EOF\n";

	ASSERT_EQ(state_lock_holder(locks, makedev(0, 0x1f), 77), 4242);
	ASSERT_EQ(state_lock_holder(locks, makedev(0, 0x20), 77), 17);
	ASSERT_EQ(state_lock_holder(locks, makedev(0, 0x1f), 78), 0);
	ASSERT_EQ(state_lock_holder(locks, makedev(0xfd, 1), 1234), 0);
	ASSERT_EQ(state_lock_holder("", makedev(0, 0x1f), 77), 0);
}

/* --- the Prometheus text format, read back strictly ------------------------------ */

#define MAX_SERIES 256

struct exposition {
	int n;
	struct {
		char name[96];
		char labels[512];	/* as written, between the braces */
		double value;
	} s[MAX_SERIES];
	int n_families;
	struct {
		char name[96];
		char type[16];
		bool help;
	} fam[64];
};

static bool metric_name_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
		return false;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != ':')
			return false;
	return true;
}

/* name="value",... with only \\ \" \n escapes; the end of the labels, or NULL. */
static const char *labels_end(const char *p)
{
	while (*p != '}') {
		const char *name = p;

		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		if (p == name || isdigit((unsigned char)*name) || *p++ != '=' || *p++ != '"')
			return NULL;
		while (*p != '"') {
			if (!*p || *p == '\n')
				return NULL;
			if (*p == '\\' && !strchr("\\\"n", p[1]))
				return NULL;
			p += *p == '\\' ? 2 : 1;
		}
		p++;
		if (*p == ',')
			p++;
		else if (*p != '}')
			return NULL;
	}
	return p;
}

static int family_of(struct exposition *e, const char *name)
{
	int i;

	for (i = 0; i < e->n_families; i++)
		if (!strcmp(e->fam[i].name, name))
			return i;
	return -1;
}

static void comment_line(struct exposition *e, const char *line)
{
	char name[96], rest[16];
	int f;

	if (sscanf(line, "# HELP %95s", name) == 1) {
		if (family_of(e, name) >= 0)
			UNIT_FAIL("HELP for %s after its TYPE or twice", name);
		ASSERT_TRUE(e->n_families < 64);
		snprintf(e->fam[e->n_families].name, 96, "%s", name);
		e->fam[e->n_families++].help = strlen(line) > strlen(name) + 8;
		return;
	}
	if (sscanf(line, "# TYPE %95s %15s", name, rest) != 2)
		UNIT_FAIL("a comment that is neither HELP nor TYPE: %s", line);
	f = family_of(e, name);
	if (f < 0 || e->fam[f].type[0])
		UNIT_FAIL("TYPE of %s without HELP first, or twice", name);
	if (strcmp(rest, "counter") && strcmp(rest, "gauge"))
		UNIT_FAIL("type %s of %s", rest, name);
	snprintf(e->fam[f].type, sizeof(e->fam[f].type), "%s", rest);
}

static void sample_line(struct exposition *e, const char *line)
{
	const char *p = line + strcspn(line, "{ "), *end;
	char *num;
	int f, i;

	ASSERT_TRUE(e->n < MAX_SERIES);
	if (!metric_name_ok(line, p - line))
		UNIT_FAIL("bad metric name in: %s", line);
	snprintf(e->s[e->n].name, sizeof(e->s[e->n].name), "%.*s", (int)(p - line), line);
	e->s[e->n].labels[0] = '\0';
	if (*p == '{') {
		end = labels_end(p + 1);
		if (!end)
			UNIT_FAIL("bad labels in: %s", line);
		snprintf(e->s[e->n].labels, sizeof(e->s[e->n].labels), "%.*s",
			 (int)(end - p - 1), p + 1);
		p = end + 1;
	}
	if (*p++ != ' ')
		UNIT_FAIL("no value in: %s", line);
	e->s[e->n].value = strtod(p, &num);
	if (num == p || *num)
		UNIT_FAIL("bad value in: %s", line);
	f = family_of(e, e->s[e->n].name);
	if (f < 0 || !e->fam[f].type[0] || !e->fam[f].help)
		UNIT_FAIL("sample of %s before its HELP and TYPE", e->s[e->n].name);
	if (strncmp(e->s[e->n].name, "dmaguard_", 9))
		UNIT_FAIL("%s lacks the dmaguard_ prefix", e->s[e->n].name);
	if (!strcmp(e->fam[f].type, "counter") !=
	    (strlen(e->s[e->n].name) > 6 &&
	     !strcmp(e->s[e->n].name + strlen(e->s[e->n].name) - 6, "_total")))
		UNIT_FAIL("%s: counters, and only counters, end in _total", e->s[e->n].name);
	for (i = 0; i < e->n; i++)
		if (!strcmp(e->s[i].name, e->s[e->n].name) &&
		    !strcmp(e->s[i].labels, e->s[e->n].labels))
			UNIT_FAIL("series %s{%s} twice", e->s[i].name, e->s[i].labels);
	e->n++;
}

static void parse_exposition(const char *text, struct exposition *e)
{
	char line[1024];
	const char *p = text, *nl;

	memset(e, 0, sizeof(*e));
	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			UNIT_FAIL("the last line has no newline");
		ASSERT_TRUE(nl - p < (long)sizeof(line));
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		if (line[0] == '#')
			comment_line(e, line);
		else
			sample_line(e, line);
		p = nl + 1;
	}
}

/* The value of name{labels}; fails when there is no such series. */
static double value_of(const struct exposition *e, const char *name, const char *labels)
{
	int i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->s[i].name, name) && !strcmp(e->s[i].labels, labels))
			return e->s[i].value;
	UNIT_FAIL("no series %s{%s}", name, labels);
}

static bool has_series(const struct exposition *e, const char *name)
{
	int i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->s[i].name, name))
			return true;
	return false;
}

TEST(exposition_parses_back_with_its_values)
{
	static struct exposition e;

	parse_exposition(print(state_metrics, sample()), &e);
	ASSERT_EQ(value_of(&e, "dmaguard_enforcement_pinned", ""), 1);
	ASSERT_EQ(value_of(&e, "dmaguard_events_total",
			   "type=\"bind\",verdict=\"deny\",reason=\"rule\""), 3);
	ASSERT_EQ(value_of(&e, "dmaguard_events_total",
			   "type=\"open\",verdict=\"audit\",reason=\"default\""), 1);
	ASSERT_EQ(value_of(&e, "dmaguard_events_total",
			   "type=\"hotplug\",verdict=\"none\",reason=\"none\""), 5);
	/* a deny that has not happened yet is there, at zero */
	ASSERT_EQ(value_of(&e, "dmaguard_events_total",
			   "type=\"open\",verdict=\"deny\",reason=\"rule\""), 0);
	ASSERT_EQ(value_of(&e, "dmaguard_lost_events_total", ""), 2);
	ASSERT_EQ(value_of(&e, "dmaguard_untracked_total", ""), 4);
	ASSERT_EQ(value_of(&e, "dmaguard_map_update_failures_total", "map=\"nodes\""), 5);
	ASSERT_EQ(value_of(&e, "dmaguard_policy_reloads_total", ""), 2);
	ASSERT_EQ(value_of(&e, "dmaguard_policy_rules", ""), 3);
	ASSERT_EQ(value_of(&e, "dmaguard_policy_loaded_timestamp_seconds", ""), 1764000000.123);
	ASSERT_EQ(value_of(&e, "dmaguard_policy_info",
			   "mode=\"enforce\",default_bind=\"allow\",default_open=\"deny\","
			   "file=\"/etc/dmaguard/\\\"odd\\\" name.conf\",sha256=\"ba7816bf8f01cfea4"
			   "14140de5dae2223b00361a396177a9cb410ff61f20015ad\""), 1);
	ASSERT_EQ(value_of(&e, "dmaguard_enforcement_info",
			   "format=\"2\",build=\"1.2-3-gabc\",deny_path=\"lsm\","
			   "ownership=\"kernel-api\""), 1);
	ASSERT_EQ(value_of(&e, "dmaguard_hooks_attached", "hook=\"kernfs\""), 1);
	ASSERT_EQ(value_of(&e, "dmaguard_hooks_attached", "hook=\"open\""), 0);
	ASSERT_EQ(value_of(&e, "dmaguard_hooks_wanted", "hook=\"open\""), 1);
	ASSERT_EQ(value_of(&e, "dmaguard_daemon_streaming", ""), 1);
	ASSERT_EQ(value_of(&e, "dmaguard_ring_buffer_size_bytes", ""), 262144);
	ASSERT_EQ(value_of(&e, "dmaguard_ring_buffer_used_bytes", ""), 184);
	ASSERT_EQ(value_of(&e, "dmaguard_groups", "owner=\"kernel\""), 4);
	ASSERT_EQ(value_of(&e, "dmaguard_groups", "owner=\"user\""), 1);
	ASSERT_TRUE(has_series(&e, "dmaguard_build_info"));
}

/* Bytes a label value cannot hold are written as \xNN, the file stays ASCII. */
TEST(exposition_escapes_any_byte_of_a_path)
{
	static struct exposition e;
	struct state *st = sample();
	const char *out, *p;

	strcpy(st->info.path, "/etc/a\\b\nc\x01\xff.conf");
	out = print(state_metrics, st);
	for (p = out; *p; p++)
		ASSERT_TRUE((unsigned char)*p < 0x80);
	ASSERT_CONTAINS(out, "file=\"/etc/a\\\\b\\nc\\\\x01\\\\xff.conf\"");
	parse_exposition(out, &e);
}

TEST(exposition_without_pins_says_so_and_no_more)
{
	static struct exposition e;
	struct state st;

	state_gather("/nonexistent/dg-pins", &st);
	parse_exposition(print(state_metrics, &st), &e);
	ASSERT_EQ(value_of(&e, "dmaguard_enforcement_pinned", ""), 0);
	ASSERT_FALSE(has_series(&e, "dmaguard_events_total"));
	ASSERT_FALSE(has_series(&e, "dmaguard_policy_info"));
	ASSERT_EQ(e.n, 2);	/* build info, pinned */
}

UNIT_MAIN()
