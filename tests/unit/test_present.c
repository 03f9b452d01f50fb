// SPDX-License-Identifier: GPL-2.0
/*
 * Present events (run's report of the current bindings at start) and the
 * judgement they share with check: on the fixture server, written to a
 * memory stream, compared line by line and with check's own counts.
 */
#include <stdint.h>
#include "cli.h"
#include "cli_capture.h"
#include "present.h"
#include "sysfs_fixture.h"
#include "topology_lookup.h"
#include "unit.h"

/* 2026-11-24T10:00:00Z at boot time 5000 s, as in test_events.c */
#define OFFSET_NS	((1795514400LL - 5000LL) * 1000000000LL)
#define BOOT_NS		((__u64)5000000000000ULL)
#define TS		"2026-11-24T10:00:00.000000Z"
#define J_HEAD		"{\"schema\":1,\"ts\":\"" TS "\",\"host\":\"h1\""

static struct policy *parse(const char *text)
{
	static struct policy *pol;
	char err[POLICY_ERR_LEN];

	if (!pol)
		pol = calloc(1, sizeof(*pol));
	ASSERT_TRUE(pol != NULL);
	if (policy_parse("p.conf", text, strlen(text), pol, err, sizeof(err)))
		UNIT_FAIL("policy: %s", err);
	return pol;
}

static void scan(const struct fixture *fx, struct topology *t)
{
	struct topo_opts o = { .sysfs = fx->sys };
	char err[512];

	if (topology_scan_opts(&o, t, err, sizeof(err)))
		UNIT_FAIL("scan: %s", err);
}

struct written {
	char *buf;
	size_t len;
	struct present_result r;
};

/* present_write() of t under text into w->buf (JSON or text lines). */
static void present(const struct topology *t, const char *text, bool json, bool all,
		    struct written *w)
{
	struct event_stream s;
	FILE *f = open_memstream(&w->buf, &w->len);

	ASSERT_TRUE(f != NULL);
	event_stream_init(&s, f, json, OFFSET_NS);
	event_stream_set_host(&s, "h1");
	present_write(parse(text), t, &s, all, BOOT_NS, &w->r);
	ASSERT_EQ(fclose(f), 0);
	ASSERT_EQ(w->r.err, 0);
	ASSERT_EQ(s.events, w->r.written);
}

static size_t lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

TEST(one_present_event_per_binding_the_policy_denies)
{
	struct fixture fx;
	struct topology t;
	struct written w;

	fx_server(&fx);
	scan(&fx, &t);
	present(&t, "deny bind driver=e1000\ndeny bind id=144d:*\n", true, false, &w);
	ASSERT_STREQ(w.buf,
		J_HEAD ",\"type\":\"present\",\"verdict\":\"deny\",\"reason\":\"rule\","
		"\"rule\":\"p.conf:2\",\"device\":\"0000:02:00.0\",\"id\":\"144d:a808\","
		"\"class\":\"0x010802\",\"group\":2,\"driver\":\"nvme\",\"dma\":\"kernel\"}\n"
		J_HEAD ",\"type\":\"present\",\"verdict\":\"deny\",\"reason\":\"rule\","
		"\"rule\":\"p.conf:1\",\"device\":\"0000:06:01.0\",\"id\":\"8086:100e\","
		"\"class\":\"0x020000\",\"group\":6,\"driver\":\"e1000\",\"dma\":\"kernel\"}\n"
		J_HEAD ",\"type\":\"present\",\"verdict\":\"deny\",\"reason\":\"rule\","
		"\"rule\":\"p.conf:1\",\"device\":\"0000:06:02.0\",\"id\":\"8086:100e\","
		"\"class\":\"0x020000\",\"group\":6,\"driver\":\"e1000\",\"dma\":\"kernel\"}\n");
	ASSERT_EQ(w.r.written, 3);
	ASSERT_EQ(w.r.tally.bound, 10);
	ASSERT_EQ(w.r.tally.deny, 3);
	ASSERT_EQ(w.r.tally.audit, 0);
	free(w.buf);
	topology_free(&t);
	fx_cleanup(&fx);
}

TEST(text_lines_and_a_device_without_group_or_pci)
{
	struct fixture fx;
	struct topology t;
	struct written w;

	fx_server(&fx);
	scan(&fx, &t);
	present(&t, "deny bind driver=serial8250\ndeny bind device=0000:01:00.1\n", false, false, &w);
	ASSERT_STREQ(w.buf,
		TS " h1 present DENY  rule p.conf:2 0000:01:00.1 [10de:10f8 class 0x040300 group 1] "
		"driver snd_hda_intel (kernel DMA)\n"
		TS " h1 present DENY  rule p.conf:1 serial8250 driver serial8250 (kernel DMA)\n");
	free(w.buf);
	topology_free(&t);
	fx_cleanup(&fx);
}

/* audit mode: what enforce would deny, with verdict audit; audit rules too */
TEST(audit_mode_reports_verdict_audit)
{
	struct fixture fx;
	struct topology t;
	struct written w;

	fx_server(&fx);
	scan(&fx, &t);
	present(&t, "mode audit\ndeny bind dma=user\naudit bind driver=i40e\n", true, false, &w);
	ASSERT_EQ(lines(w.buf), 3);
	ASSERT_CONTAINS(w.buf, "\"verdict\":\"audit\",\"reason\":\"rule\",\"rule\":\"p.conf:3\","
			       "\"device\":\"0000:03:00.0\"");
	ASSERT_CONTAINS(w.buf, "\"verdict\":\"audit\",\"reason\":\"rule\",\"rule\":\"p.conf:2\","
			       "\"device\":\"0000:03:02.1\"");
	ASSERT_FALSE(strstr(w.buf, "\"deny\""));
	ASSERT_EQ(w.r.tally.deny, 0);
	ASSERT_EQ(w.r.tally.audit, 3);
	free(w.buf);
	topology_free(&t);
	fx_cleanup(&fx);
}

/* nothing to report: nothing written; with --all, every binding */
TEST(allow_all_writes_nothing_and_all_writes_every_binding)
{
	struct fixture fx;
	struct topology t;
	struct written w;

	fx_server(&fx);
	scan(&fx, &t);
	present(&t, "mode enforce\n", true, false, &w);
	ASSERT_STREQ(w.buf, "");
	ASSERT_EQ(w.r.written, 0);
	ASSERT_EQ(w.r.tally.bound, 10);
	free(w.buf);

	present(&t, "deny bind driver=nvme\n", true, true, &w);
	ASSERT_EQ(lines(w.buf), 10);
	ASSERT_EQ(w.r.written, 10);
	ASSERT_CONTAINS(w.buf, "\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"p.conf:1\","
			       "\"device\":\"0000:02:00.0\"");
	ASSERT_CONTAINS(w.buf, "\"verdict\":\"allow\",\"reason\":\"default\",\"device\":\"serial8250\"");
	/* unbound devices have no binding to report */
	ASSERT_FALSE(strstr(w.buf, "0000:07:00.0"));
	ASSERT_FALSE(strstr(w.buf, "pcspkr"));
	ASSERT_EQ(w.r.tally.deny, 1);
	free(w.buf);
	topology_free(&t);
	fx_cleanup(&fx);
}

/*
 * The built-in rule: a kernel-DMA binding in a group userspace owns (what
 * the groups map says before 5.19 when VFIO opened a group another member
 * keeps a kernel driver in) breaks it, whatever the rules say. User-DMA
 * drivers and PCIe port services do not.
 */
TEST(mixed_ownership_comes_first_whatever_the_rules)
{
	struct topo_group *g6, *g8;
	struct judgement j;
	struct fixture fx;
	struct topology t;
	struct written w;
	struct policy *p;

	fx_server(&fx);
	scan(&fx, &t);
	g6 = (struct topo_group *)group(&t, 6);
	g8 = (struct topo_group *)group(&t, 8);
	ASSERT_EQ(g6->owner, DG_OWNER_KERNEL);
	p = parse("allow bind driver=e1000\n");
	report_judge_in(p, &t, device(&t, "0000:06:01.0"), &j);
	ASSERT_EQ(j.verdict, DG_ALLOW);

	g6->owner = DG_OWNER_USER;
	g8->owner = DG_OWNER_USER;
	report_judge_in(p, &t, device(&t, "0000:06:01.0"), &j);
	ASSERT_TRUE(j.applies);
	ASSERT_EQ(j.verdict, DG_DENY);
	ASSERT_EQ(j.reason, DG_REASON_MIXED);
	ASSERT_EQ(j.line, 0);
	ASSERT_FALSE(j.enforce_denies);
	report_judge_in(p, &t, device(&t, "0000:00:1c.0"), &j);
	ASSERT_EQ(j.reason, DG_REASON_DEFAULT);
	report_judge_in(p, &t, device(&t, "0000:05:00.0"), &j);
	ASSERT_FALSE(j.applies);
	/* report_judge() alone knows no topology: the rule decides */
	report_judge(p, device(&t, "0000:06:01.0"), &j);
	ASSERT_EQ(j.reason, DG_REASON_RULE);

	p = parse("mode audit\n");
	report_judge_in(p, &t, device(&t, "0000:06:02.0"), &j);
	ASSERT_EQ(j.verdict, DG_AUDIT);
	ASSERT_EQ(j.reason, DG_REASON_MIXED);
	ASSERT_TRUE(j.enforce_denies);

	present(&t, "allow bind driver=e1000\n", true, false, &w);
	ASSERT_STREQ(w.buf,
		J_HEAD ",\"type\":\"present\",\"verdict\":\"deny\",\"reason\":\"mixed-ownership\","
		"\"device\":\"0000:06:01.0\",\"id\":\"8086:100e\",\"class\":\"0x020000\",\"group\":6,"
		"\"driver\":\"e1000\",\"dma\":\"kernel\"}\n"
		J_HEAD ",\"type\":\"present\",\"verdict\":\"deny\",\"reason\":\"mixed-ownership\","
		"\"device\":\"0000:06:02.0\",\"id\":\"8086:100e\",\"class\":\"0x020000\",\"group\":6,"
		"\"driver\":\"e1000\",\"dma\":\"kernel\"}\n");
	free(w.buf);
	topology_free(&t);
	fx_cleanup(&fx);
}

/* run's start line and check's summary count the same bindings the same way */
TEST(counts_agree_with_check)
{
	static const char *const policies[] = {
		"deny bind driver=e1000\n",
		"default bind deny\nallow bind dma=user\n",
		"mode audit\ndefault bind deny\naudit bind driver=nvme\n",
		"audit bind class=0x02\n",
	};
	char path[PATH_MAX], want[PATH_MAX + 96];
	struct fixture fx;
	struct topology t;
	struct written w;
	struct output *o;
	size_t i;
	FILE *f;

	fx_server(&fx);
	scan(&fx, &t);
	snprintf(path, sizeof(path), "%s/p.conf", fx.dir);
	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		f = fopen(path, "w");
		ASSERT_TRUE(f && fputs(policies[i], f) >= 0 && !fclose(f));
		present(&t, policies[i], false, false, &w);
		o = run(&cmd_check, "check", path, "--sysfs", fx.sys, NULL);
		snprintf(want, sizeof(want), "%s: %zu current bindings, %zu would be denied, %zu audited\n",
			 path, w.r.tally.bound, w.r.tally.deny, w.r.tally.audit);
		ASSERT_CONTAINS(o->out, want);
		/* one check line per present event */
		ASSERT_EQ(lines(o->out) - 1, w.r.written);
		ASSERT_TRUE(w.r.written > 0);
		free(w.buf);
	}
	topology_free(&t);
	fx_cleanup(&fx);
}

/* a failed write is counted, never fatal: the next binding is still tried */
TEST(write_errors_are_counted)
{
	struct event_stream s;
	struct present_result r;
	struct fixture fx;
	struct topology t;
	FILE *full;

	fx_server(&fx);
	scan(&fx, &t);
	full = fopen("/dev/full", "w");
	ASSERT_TRUE(full != NULL);
	event_stream_init(&s, full, true, OFFSET_NS);
	present_write(parse("deny bind driver=e1000\n"), &t, &s, false, BOOT_NS, &r);
	ASSERT_EQ(r.err, -ENOSPC);
	ASSERT_EQ(r.written, 0);
	ASSERT_EQ(r.unwritten, 2);
	ASSERT_EQ(r.tally.deny, 2);
	fclose(full);
	topology_free(&t);
	fx_cleanup(&fx);
}

UNIT_MAIN()
