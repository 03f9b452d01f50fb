// SPDX-License-Identifier: GPL-2.0
/* Event lines (JSON and text), timestamps, escaping, and loss accounting. */
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <sys/utsname.h>
#include "events.h"
#include "unit.h"

/* 2026-11-24T10:00:00Z is 1795514400 s; boot time 5000 s then. */
#define EPOCH_S		1795514400LL
#define BOOT_S		5000LL
#define OFFSET_NS	((EPOCH_S - BOOT_S) * 1000000000LL)
#define BOOT_NS(us)	((__u64)(BOOT_S * 1000000000LL + (us) * 1000LL))
#define TS		"2026-11-24T10:00:00.123456Z"
#define HOST		"web-7"
/* what every JSON line starts with, and every text line */
#define J_HEAD		"{\"schema\":1,\"ts\":\"" TS "\",\"host\":\"" HOST "\""
#define T_HEAD		TS " " HOST

static const struct event_ctx ctx = {
	.policy_source = "policy.conf",
	.host = HOST,
	.realtime_offset_ns = OFFSET_NS,
};

/*
 * Every line must parse as JSON, be ASCII, start with schema 1, keep the
 * contract's field order and hold no empty or null value; a lost record is
 * schema, ts and host, then type + count, or those and unsequenced: true.
 * extra: more Python run with `objs` (the parsed lines), may be "".
 */
static const char validator[] =
	"import sys, json\n"
	"order = ['schema','ts','host','seq','type','verdict','reason','rule','device','id',\n"
	"         'class','group','driver','dma','map','count','result','pid','comm','uid',\n"
	"         'cgroup','exe']\n"
	"objs = []\n"
	"for raw in sys.stdin.buffer.read().split(b'\\n')[:-1]:\n"
	"    o = json.loads(raw.decode('ascii'))\n"
	"    ks = list(o)\n"
	"    assert ks[0] == 'schema' and o['schema'] == 1, ks\n"
	"    if o['type'] == 'lost':\n"
	"        head = [k for k in ['schema', 'ts', 'host'] if k in o]\n"
	"        assert ks in (head + ['type', 'count'], head + ['type', 'count', 'unsequenced']), ks\n"
	"        assert o.get('unsequenced', True) is True, o\n"
	"    else:\n"
	"        idx = [order.index(k) for k in ks]\n"
	"        assert idx == sorted(idx), ks\n"
	"    assert all(v is not None and v != '' for v in o.values()), o\n"
	"    objs.append(o)\n";

static void assert_json_lines(const char *text, const char *extra)
{
	char path[] = "/tmp/test_events_py.XXXXXX";
	char cmd[128];
	FILE *p, *f;
	int fd, status;

	fd = mkstemp(path);
	ASSERT_TRUE(fd >= 0);
	f = fdopen(fd, "w");
	ASSERT_TRUE(f != NULL);
	fputs(validator, f);
	fputs(extra, f);
	ASSERT_EQ(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "python3 %s", path);
	p = popen(cmd, "w");
	ASSERT_TRUE(p != NULL);
	fputs(text, p);
	status = pclose(p);
	unlink(path);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		UNIT_FAIL("JSON check failed for:\n%s", text);
}

static struct dg_event bind_deny_rule(void)
{
	struct dg_event e = {
		.seq = 42, .boot_ns = BOOT_NS(123456), .type = DG_EV_BIND,
		.flags = DG_EF_VERDICT | DG_EF_RESULT | DG_EF_PCI | DG_EF_DRIVER |
			 DG_EF_DEVICE | DG_EF_GROUP,
		.verdict = DG_DENY, .reason = DG_REASON_RULE, .dma = DG_DMA_KERNEL,
		.rule_line = 7, .result = -12, .group = 5, .pid = 123, .uid = 0,
		.vendor = 0x8086, .devid = 0x100e, .class = 0x020000,
		.comm = "sh", .device = "0000:02:01.0", .driver = "e1000",
	};
	return e;
}

static struct dg_event bind_allow_default(void)
{
	struct dg_event e = {
		.seq = 43, .boot_ns = BOOT_NS(123456), .type = DG_EV_BIND,
		.flags = DG_EF_VERDICT | DG_EF_RESULT | DG_EF_PCI | DG_EF_DRIVER |
			 DG_EF_DEVICE | DG_EF_GROUP,
		.verdict = DG_ALLOW, .reason = DG_REASON_DEFAULT, .dma = DG_DMA_USER,
		.result = 0, .group = 7, .pid = 456, .uid = 1000,
		.vendor = 0x10de, .devid = 0x1db6, .class = 0x030200,
		.comm = "bash", .device = "0000:03:00.0", .driver = "vfio-pci",
	};
	return e;
}

static struct dg_event open_deny(void)
{
	struct dg_event e = {
		.seq = 44, .boot_ns = BOOT_NS(123456), .type = DG_EV_OPEN,
		.flags = DG_EF_VERDICT | DG_EF_RESULT | DG_EF_GROUP,
		.verdict = DG_DENY, .reason = DG_REASON_RULE, .rule_line = 12,
		.result = -1, .group = 7, .pid = 789, .uid = 107,
		.comm = "qemu-system-x86",
	};
	return e;
}

static struct dg_event unbind(void)
{
	struct dg_event e = {
		.seq = 45, .boot_ns = BOOT_NS(123456), .type = DG_EV_UNBIND,
		.flags = DG_EF_PCI | DG_EF_DRIVER | DG_EF_DEVICE | DG_EF_GROUP,
		.dma = DG_DMA_KERNEL, .group = 5, .pid = 321, .uid = 0,
		.vendor = 0x8086, .devid = 0x100e, .class = 0x020000,
		.comm = "bash", .device = "0000:02:01.0", .driver = "e1000",
	};
	return e;
}

static struct dg_event hotplug(void)
{
	struct dg_event e = {
		.seq = 46, .boot_ns = BOOT_NS(123456), .type = DG_EV_HOTPLUG,
		.flags = DG_EF_PCI | DG_EF_DEVICE | DG_EF_GROUP,
		.group = 9, .pid = 77, .uid = 0,
		.vendor = 0x15b3, .devid = 0x1017, .class = 0x020000,
		.comm = "kworker/0:1", .device = "0000:05:00.0",
	};
	return e;
}

static struct dg_event claim(void)
{
	struct dg_event e = {
		.seq = 47, .boot_ns = BOOT_NS(123456), .type = DG_EV_CLAIM,
		.flags = DG_EF_GROUP, .group = 7, .pid = 789, .uid = 107,
		.comm = "qemu-system-x86",
	};
	return e;
}

/* What run writes at start for a current binding its policy denies. */
static struct dg_event present_deny(void)
{
	struct dg_event e = {
		.seq = 0, .boot_ns = BOOT_NS(123456), .type = DG_EV_PRESENT,
		.flags = DG_EF_VERDICT | DG_EF_PCI | DG_EF_DRIVER | DG_EF_DEVICE | DG_EF_GROUP,
		.verdict = DG_DENY, .reason = DG_REASON_RULE, .dma = DG_DMA_KERNEL,
		.rule_line = 46, .group = 8,
		.vendor = 0x8086, .devid = 0x10d3, .class = 0x020000,
		.device = "0000:04:00.0", .driver = "e1000e",
	};
	return e;
}

static char *json_of(const struct dg_event *e, const struct event_ctx *c)
{
	static char buf[EVENT_LINE_MAX];
	int n = event_format_json(e, c, buf, sizeof(buf));

	if (n < 0 || (size_t)n != strlen(buf))
		UNIT_FAIL("event_format_json returned %d", n);
	return buf;
}

static char *text_of(const struct dg_event *e, const struct event_ctx *c)
{
	static char buf[EVENT_LINE_MAX];
	int n = event_format_text(e, c, buf, sizeof(buf));

	if (n < 0 || (size_t)n != strlen(buf))
		UNIT_FAIL("event_format_text returned %d", n);
	return buf;
}

static void assert_json_line(const struct dg_event *e, const char *expected)
{
	char line[EVENT_LINE_MAX + 1];

	ASSERT_STREQ(json_of(e, &ctx), expected);
	snprintf(line, sizeof(line), "%s\n", expected);
	assert_json_lines(line, "");
}

TEST(json_bind_deny_by_rule_is_the_contract_example)
{
	struct dg_event e = bind_deny_rule();

	assert_json_line(&e,
		J_HEAD ",\"seq\":42,\"type\":\"bind\",\"verdict\":\"deny\",\"reason\":\"rule\","
		"\"rule\":\"policy.conf:7\",\"device\":\"0000:02:01.0\",\"id\":\"8086:100e\",\"class\":\"0x020000\","
		"\"group\":5,\"driver\":\"e1000\",\"dma\":\"kernel\",\"result\":-12,\"pid\":123,\"comm\":\"sh\",\"uid\":0}");
}

TEST(json_bind_allow_by_default_has_no_rule)
{
	struct dg_event e = bind_allow_default();

	assert_json_line(&e,
		J_HEAD ",\"seq\":43,\"type\":\"bind\",\"verdict\":\"allow\",\"reason\":\"default\","
		"\"device\":\"0000:03:00.0\",\"id\":\"10de:1db6\",\"class\":\"0x030200\",\"group\":7,"
		"\"driver\":\"vfio-pci\",\"dma\":\"user\",\"result\":0,\"pid\":456,\"comm\":\"bash\",\"uid\":1000}");
}

TEST(json_open_deny_with_result)
{
	struct dg_event e = open_deny();

	assert_json_line(&e,
		J_HEAD ",\"seq\":44,\"type\":\"open\",\"verdict\":\"deny\",\"reason\":\"rule\","
		"\"rule\":\"policy.conf:12\",\"group\":7,\"result\":-1,\"pid\":789,"
		"\"comm\":\"qemu-system-x86\",\"uid\":107}");
}

/* an open by a VM manager: who it is beyond its chosen comm */
static struct dg_event open_by_qemu(void)
{
	struct dg_event e = open_deny();

	e.flags |= DG_EF_CGROUP | DG_EF_EXE;
	e.verdict = DG_ALLOW;
	e.flags &= ~DG_EF_RESULT;
	e.uid = 64055;
	strcpy(e.cgroup, "/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope/libvirt/emulator");
	strcpy(e.exe, "/usr/bin/qemu-system-x86_64");
	return e;
}

TEST(json_open_carries_cgroup_and_exe_last)
{
	struct dg_event e = open_by_qemu();

	assert_json_line(&e,
		J_HEAD ",\"seq\":44,\"type\":\"open\",\"verdict\":\"allow\",\"reason\":\"rule\","
		"\"rule\":\"policy.conf:12\",\"group\":7,\"pid\":789,\"comm\":\"qemu-system-x86\","
		"\"uid\":64055,\"cgroup\":\"/machine.slice/machine-qemu\\\\x2d1\\\\x2dvm1.scope/libvirt/emulator\","
		"\"exe\":\"/usr/bin/qemu-system-x86_64\"}");
	/* an untrusted executable: no exe field, never an empty one */
	e.flags &= ~DG_EF_EXE;
	e.exe[0] = '\0';
	assert_json_line(&e,
		J_HEAD ",\"seq\":44,\"type\":\"open\",\"verdict\":\"allow\",\"reason\":\"rule\","
		"\"rule\":\"policy.conf:12\",\"group\":7,\"pid\":789,\"comm\":\"qemu-system-x86\","
		"\"uid\":64055,\"cgroup\":\"/machine.slice/machine-qemu\\\\x2d1\\\\x2dvm1.scope/libvirt/emulator\"}");
}

TEST(text_open_carries_cgroup_and_exe)
{
	struct dg_event e = open_by_qemu();

	ASSERT_STREQ(text_of(&e, &ctx), T_HEAD " #44 open    ALLOW rule policy.conf:12 [group 7] "
		     "by qemu-system-x86[789] uid 64055 "
		     "cgroup /machine.slice/machine-qemu\\\\x2d1\\\\x2dvm1.scope/libvirt/emulator "
		     "exe /usr/bin/qemu-system-x86_64");
}

TEST(json_map_full_names_the_map_and_its_failures)
{
	struct dg_event e = bind_deny_rule();

	e.type = DG_EV_MAP_FULL;
	e.flags &= ~(DG_EF_VERDICT | DG_EF_RESULT);
	e.reason = DG_REASON_NONE;
	e.rule_line = 0;
	e.flags |= DG_EF_MAP;
	e.map = DG_MAP_INFLIGHT;
	e.count = 3;
	assert_json_line(&e,
		J_HEAD ",\"seq\":42,\"type\":\"map-full\",\"device\":\"0000:02:01.0\","
		"\"id\":\"8086:100e\",\"class\":\"0x020000\",\"group\":5,\"driver\":\"e1000\","
		"\"dma\":\"kernel\",\"map\":\"inflight\",\"count\":3,\"pid\":123,\"comm\":\"sh\",\"uid\":0}");
	e.map = 7;	/* a map a newer BPF object knows */
	ASSERT_CONTAINS(json_of(&e, &ctx), "\"map\":\"unknown-7\",\"count\":3,");
	ASSERT_TRUE(event_map_name(DG_MAP_CLAIMED_FILES) != NULL);
	ASSERT_TRUE(event_map_name(DG_MAP_CLAIMED_FILES + 1) == NULL);
}

TEST(json_untracked_deny_has_no_rule)
{
	struct dg_event e = bind_deny_rule();

	e.reason = DG_REASON_UNTRACKED;
	e.rule_line = 0;	/* as the BPF side sends it: no rule decided */
	e.flags &= ~DG_EF_RESULT;
	assert_json_line(&e,
		J_HEAD ",\"seq\":42,\"type\":\"bind\",\"verdict\":\"deny\",\"reason\":\"untracked\","
		"\"device\":\"0000:02:01.0\",\"id\":\"8086:100e\",\"class\":\"0x020000\","
		"\"group\":5,\"driver\":\"e1000\",\"dma\":\"kernel\",\"pid\":123,\"comm\":\"sh\",\"uid\":0}");
}

TEST(json_unbind_has_no_verdict)
{
	struct dg_event e = unbind();

	assert_json_line(&e,
		J_HEAD ",\"seq\":45,\"type\":\"unbind\",\"device\":\"0000:02:01.0\","
		"\"id\":\"8086:100e\",\"class\":\"0x020000\",\"group\":5,\"driver\":\"e1000\","
		"\"dma\":\"kernel\",\"pid\":321,\"comm\":\"bash\",\"uid\":0}");
}

TEST(json_hotplug)
{
	struct dg_event e = hotplug();

	assert_json_line(&e,
		J_HEAD ",\"seq\":46,\"type\":\"hotplug\",\"device\":\"0000:05:00.0\","
		"\"id\":\"15b3:1017\",\"class\":\"0x020000\",\"group\":9,\"pid\":77,"
		"\"comm\":\"kworker/0:1\",\"uid\":0}");
}

TEST(json_claim_with_group_and_pid)
{
	struct dg_event e = claim();

	assert_json_line(&e,
		J_HEAD ",\"seq\":47,\"type\":\"claim\",\"group\":7,\"pid\":789,"
		"\"comm\":\"qemu-system-x86\",\"uid\":107}");
}

TEST(json_omits_what_does_not_apply)
{
	struct dg_event e = {
		.seq = 3, .boot_ns = BOOT_NS(123456), .type = DG_EV_HOTPLUG,
		/* flagged but empty or negative: still nothing to show */
		.flags = DG_EF_DEVICE | DG_EF_GROUP, .group = DG_NO_GROUP,
		/* set but not flagged: must not appear */
		.result = -5, .vendor = 1, .class = 2, .driver = "x",
	};

	assert_json_line(&e, J_HEAD ",\"seq\":3,\"type\":\"hotplug\"}");
	strcpy(e.device, "usb1");
	assert_json_line(&e, J_HEAD ",\"seq\":3,\"type\":\"hotplug\",\"device\":\"usb1\"}");
}

TEST(json_builtin_reasons_have_no_rule)
{
	struct dg_event e = bind_deny_rule();

	e.reason = DG_REASON_MIXED;
	e.rule_line = 0;
	ASSERT_CONTAINS(json_of(&e, &ctx), "\"verdict\":\"deny\",\"reason\":\"mixed-ownership\",\"device\"");
	e.reason = DG_REASON_KERNEL_REFUSED;
	e.flags &= ~DG_EF_VERDICT;
	ASSERT_CONTAINS(json_of(&e, &ctx), "\"type\":\"bind\",\"reason\":\"kernel-refused\",\"device\"");
}

TEST(json_rule_needs_a_source_name)
{
	struct event_ctx c = ctx;
	struct dg_event e = bind_deny_rule();

	c.policy_source = NULL;
	ASSERT_CONTAINS(json_of(&e, &c), "\"reason\":\"rule\",\"device\"");
	c.policy_source = "";
	ASSERT_CONTAINS(json_of(&e, &c), "\"reason\":\"rule\",\"device\"");
	c.policy_source = "/etc/dma\"guard.conf";
	ASSERT_CONTAINS(json_of(&e, &c), "\"rule\":\"/etc/dma\\\"guard.conf:7\"");
}

TEST(json_unknown_enum_values_are_named_not_dropped)
{
	struct dg_event e = bind_deny_rule();
	char line[EVENT_LINE_MAX + 1];

	e.type = 99;
	e.verdict = 9;
	e.reason = 8;
	e.dma = 7;
	snprintf(line, sizeof(line), "%s\n", json_of(&e, &ctx));
	ASSERT_CONTAINS(line, "\"type\":\"unknown-99\",\"verdict\":\"unknown-9\",\"reason\":\"unknown-8\"");
	ASSERT_CONTAINS(line, "\"dma\":\"unknown-7\"");
	assert_json_lines(line, "");
}

TEST(text_lines)
{
	struct dg_event e;

	e = bind_deny_rule();
	ASSERT_STREQ(text_of(&e, &ctx), T_HEAD " #42 bind    DENY  rule policy.conf:7 0000:02:01.0 "
		     "[8086:100e class 0x020000 group 5] driver e1000 (kernel DMA) result -12 by sh[123] uid 0");
	e = bind_allow_default();
	ASSERT_STREQ(text_of(&e, &ctx), T_HEAD " #43 bind    ALLOW default 0000:03:00.0 "
		     "[10de:1db6 class 0x030200 group 7] driver vfio-pci (user DMA) result 0 by bash[456] uid 1000");
	e = open_deny();
	ASSERT_STREQ(text_of(&e, &ctx), T_HEAD " #44 open    DENY  rule policy.conf:12 [group 7] result -1 "
		     "by qemu-system-x86[789] uid 107");
	e = unbind();
	ASSERT_STREQ(text_of(&e, &ctx), T_HEAD " #45 unbind  0000:02:01.0 [8086:100e class 0x020000 group 5] "
		     "driver e1000 (kernel DMA) by bash[321] uid 0");
	e = hotplug();
	ASSERT_STREQ(text_of(&e, &ctx), T_HEAD " #46 hotplug 0000:05:00.0 [15b3:1017 class 0x020000 group 9] "
		     "by kworker/0:1[77] uid 0");
	e = claim();
	ASSERT_STREQ(text_of(&e, &ctx), T_HEAD " #47 claim   [group 7] by qemu-system-x86[789] uid 107");
}

/* present: no seq (the BPF side did not number it), no process, no result */
TEST(present_has_no_seq_process_or_result)
{
	struct dg_event e = present_deny();

	assert_json_line(&e,
		J_HEAD ",\"type\":\"present\",\"verdict\":\"deny\",\"reason\":\"rule\","
		"\"rule\":\"policy.conf:46\",\"device\":\"0000:04:00.0\",\"id\":\"8086:10d3\","
		"\"class\":\"0x020000\",\"group\":8,\"driver\":\"e1000e\",\"dma\":\"kernel\"}");
	ASSERT_STREQ(text_of(&e, &ctx), T_HEAD " present DENY  rule policy.conf:46 0000:04:00.0 "
		     "[8086:10d3 class 0x020000 group 8] driver e1000e (kernel DMA)");
	/* a seq left in the record is still not written: it would read as a gap */
	e.seq = 7;
	e.reason = DG_REASON_MIXED;
	e.rule_line = 0;
	ASSERT_FALSE(strstr(json_of(&e, &ctx), "seq"));
	ASSERT_STREQ(text_of(&e, &ctx), T_HEAD " present DENY  mixed-ownership 0000:04:00.0 "
		     "[8086:10d3 class 0x020000 group 8] driver e1000e (kernel DMA)");
}

TEST(text_line_edges)
{
	struct event_ctx c = ctx;
	struct dg_event e = { .seq = 1, .boot_ns = BOOT_NS(123456), .type = DG_EV_RELEASE };

	/* nothing after the padded type: no trailing blanks */
	ASSERT_STREQ(text_of(&e, &c), T_HEAD " #1 release");
	e = bind_deny_rule();
	c.policy_source = NULL;
	ASSERT_CONTAINS(text_of(&e, &c), " DENY  rule line 7 0000:02:01.0");
	e.flags = DG_EF_VERDICT;
	e.verdict = DG_AUDIT;
	e.reason = DG_REASON_DEFAULT;
	e.rule_line = 0;
	e.pid = 0;
	e.comm[0] = '\0';
	ASSERT_STREQ(text_of(&e, &c), T_HEAD " #42 bind    AUDIT default");
}

/* quote, backslash, newline, 0x01, 0xff, and DEL */
#define ODD "a\"\\\n\x01\xff\x7f"

TEST(escaping_odd_bytes)
{
	struct dg_event e = claim();
	char line[EVENT_LINE_MAX + 1];

	strcpy(e.comm, ODD);
	strcpy(e.device, "0000:" ODD);
	e.flags |= DG_EF_DEVICE;
	snprintf(line, sizeof(line), "%s\n", json_of(&e, &ctx));
	ASSERT_CONTAINS(line, "\"device\":\"0000:a\\\"\\\\\\n\\u0001\\u00ff\\u007f\"");
	ASSERT_CONTAINS(line, "\"comm\":\"a\\\"\\\\\\n\\u0001\\u00ff\\u007f\"");
	/* one line, and the exact kernel bytes come back through Latin-1 */
	ASSERT_TRUE(strchr(line, '\n') == line + strlen(line) - 1);
	assert_json_lines(line,
		"odd = b'a\"\\\\\\n\\x01\\xff\\x7f'\n"
		"assert objs[0]['comm'].encode('latin-1') == odd, objs[0]\n"
		"assert objs[0]['device'].encode('latin-1') == b'0000:' + odd, objs[0]\n");

	ASSERT_CONTAINS(text_of(&e, &ctx), " 0000:a\"\\\\\\x0a\\x01\\xff\\x7f [group 7] by a\"\\\\\\x0a\\x01\\xff\\x7f[789]");
}

TEST(escaping_strings_that_fill_their_array)
{
	struct dg_event e = claim();
	char line[EVENT_LINE_MAX + 1];

	/* no NUL in comm: exactly its 16 bytes, not into device */
	memset(e.comm, 'A', sizeof(e.comm));
	strcpy(e.device, "zz");
	snprintf(line, sizeof(line), "%s\n", json_of(&e, &ctx));
	ASSERT_CONTAINS(line, "\"comm\":\"AAAAAAAAAAAAAAAA\",");
	assert_json_lines(line, "");
	ASSERT_CONTAINS(text_of(&e, &ctx), " by AAAAAAAAAAAAAAAA[789]");
}

TEST(longest_line_fits_and_parses)
{
	struct event_ctx c = ctx;
	struct dg_event e = bind_deny_rule();
	char source[DG_SOURCE_LEN], line[EVENT_LINE_MAX + 1];
	char buf[EVENT_LINE_MAX], host[EVENT_HOST_LEN];
	int n;

	e.seq = UINT64_MAX;
	e.result = INT32_MIN;
	e.group = INT32_MAX;
	e.pid = UINT32_MAX;
	e.uid = UINT32_MAX;
	e.rule_line = UINT32_MAX;
	memset(e.comm, 0xff, sizeof(e.comm));
	memset(e.device, 0x01, sizeof(e.device));
	memset(e.driver, 0x80, sizeof(e.driver));
	memset(e.cgroup, 0x01, sizeof(e.cgroup));	/* cut paths fill their arrays */
	memset(e.exe, 0x01, sizeof(e.exe));
	e.flags |= DG_EF_CGROUP | DG_EF_EXE;
	memset(source, 0x02, sizeof(source) - 1);
	source[sizeof(source) - 1] = '\0';
	c.policy_source = source;
	memset(host, 0x7f, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	c.host = host;
	/* the stream keeps one byte for the newline */
	n = event_format_json(&e, &c, buf, sizeof(buf) - 1);
	ASSERT_TRUE(n > 3300);
	snprintf(line, sizeof(line), "%s\n", buf);
	assert_json_lines(line, "assert objs[0]['seq'] == 2**64 - 1\n");
	n = event_format_text(&e, &c, buf, sizeof(buf) - 1);
	ASSERT_TRUE(n > 0);
}

TEST(short_buffers_are_refused)
{
	struct dg_event e = bind_deny_rule();
	char buf[64];

	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ(event_format_json(&e, &ctx, buf, sizeof(buf)), -ENOSPC);
	ASSERT_TRUE(memchr(buf, '\0', sizeof(buf)) != NULL);
	ASSERT_EQ(event_format_text(&e, &ctx, buf, sizeof(buf)), -ENOSPC);
	ASSERT_EQ(event_format_json(&e, &ctx, buf, 0), -ENOSPC);
	ASSERT_EQ(event_format_lost_json(5, false, 0, &ctx, buf, 10), -ENOSPC);
	ASSERT_EQ(event_format_lost_json(5, false, 0, &ctx, buf, sizeof(buf)), 51);
	ASSERT_STREQ(buf, "{\"schema\":1,\"host\":\"" HOST "\",\"type\":\"lost\",\"count\":5}");
}

static const char *ts(__u64 boot_ns, __s64 offset_ns)
{
	static char buf[EVENT_TS_LEN];
	int n = event_format_ts(boot_ns, offset_ns, buf, sizeof(buf));

	if (n < 0)
		return n == -ERANGE ? "ERANGE" : "error";
	if (n != EVENT_TS_LEN - 1)
		UNIT_FAIL("length %d", n);
	return buf;
}

TEST(ts_known_epochs)
{
	ASSERT_STREQ(ts(0, 0), "1970-01-01T00:00:00.000000Z");
	ASSERT_STREQ(ts(0, EPOCH_S * 1000000000LL), "2026-11-24T10:00:00.000000Z");
	ASSERT_STREQ(ts(BOOT_NS(123456), OFFSET_NS), TS);
	/* a leap day */
	ASSERT_STREQ(ts(951782400ULL * 1000000000ULL, 0), "2000-02-29T00:00:00.000000Z");
	/* the ends of a signed 64-bit nanosecond count */
	ASSERT_STREQ(ts(0, INT64_MAX - 500), "2262-04-11T23:47:16.854775Z");
	ASSERT_STREQ(ts(0, INT64_MIN), "1677-09-21T00:12:43.145224Z");
}

TEST(ts_rounds_to_the_nearest_microsecond)
{
	ASSERT_STREQ(ts(499, 0), "1970-01-01T00:00:00.000000Z");
	ASSERT_STREQ(ts(500, 0), "1970-01-01T00:00:00.000001Z");
	ASSERT_STREQ(ts(1234567, 0), "1970-01-01T00:00:00.001235Z");
	ASSERT_STREQ(ts(1234499, 0), "1970-01-01T00:00:00.001234Z");
	/* carries into the second, the minute, the day */
	ASSERT_STREQ(ts(999999500, 0), "1970-01-01T00:00:01.000000Z");
	ASSERT_STREQ(ts(86399999999500ULL, 0), "1970-01-02T00:00:00.000000Z");
	ASSERT_STREQ(ts(999999499, 0), "1970-01-01T00:00:00.999999Z");
}

TEST(ts_before_the_epoch_and_out_of_range)
{
	ASSERT_STREQ(ts(0, -1), "1970-01-01T00:00:00.000000Z");
	ASSERT_STREQ(ts(0, -1000), "1969-12-31T23:59:59.999999Z");
	ASSERT_STREQ(ts(0, -1500), "1969-12-31T23:59:59.999999Z");
	ASSERT_STREQ(ts(0, -1501), "1969-12-31T23:59:59.999998Z");
	ASSERT_STREQ(ts(UINT64_MAX, 0), "ERANGE");
	ASSERT_STREQ(ts(1, INT64_MAX), "ERANGE");
	ASSERT_STREQ(ts(0, INT64_MAX - 499), "ERANGE");	/* rounding would overflow */
	ASSERT_STREQ(ts((__u64)INT64_MAX + 1, 0), "ERANGE");
	ASSERT_STREQ(ts(1, INT64_MIN), "1677-09-21T00:12:43.145224Z");
	ASSERT_STREQ(ts(0, INT64_MIN + 1), "1677-09-21T00:12:43.145224Z");
}

TEST(ts_short_buffer)
{
	char buf[EVENT_TS_LEN];

	ASSERT_EQ(event_format_ts(0, 0, buf, EVENT_TS_LEN - 1), -ENOSPC);
	ASSERT_EQ(event_format_ts(0, 0, buf, EVENT_TS_LEN), EVENT_TS_LEN - 1);
}

TEST(event_without_a_valid_time_has_no_ts)
{
	struct dg_event e = claim();

	e.boot_ns = UINT64_MAX;
	ASSERT_STREQ(json_of(&e, &ctx), "{\"schema\":1,\"host\":\"" HOST "\",\"seq\":47,\"type\":\"claim\",\"group\":7,\"pid\":789,"
		     "\"comm\":\"qemu-system-x86\",\"uid\":107}");
	ASSERT_STREQ(text_of(&e, &ctx), HOST " #47 claim   [group 7] by qemu-system-x86[789] uid 107");
}

TEST(realtime_offset_matches_the_clocks)
{
	struct timespec rt, bt;
	__s64 offset, direct;

	ASSERT_EQ(event_realtime_offset(&offset), 0);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	direct = ((__s64)rt.tv_sec - bt.tv_sec) * 1000000000LL + rt.tv_nsec - bt.tv_nsec;
	/* the same within 10 ms, and a boot after 2020 */
	ASSERT_TRUE(offset - direct < 10000000 && direct - offset < 10000000);
	ASSERT_TRUE(offset > 1577836800LL * 1000000000LL);
}

TEST(clock_measure_matches_the_clocks)
{
	struct timespec rt, bt;
	__s64 offset, direct, now;
	__u64 boot;

	ASSERT_EQ(event_clock_measure(&offset, &boot), 0);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	direct = ((__s64)rt.tv_sec - bt.tv_sec) * 1000000000LL + rt.tv_nsec - bt.tv_nsec;
	now = (__s64)bt.tv_sec * 1000000000LL + bt.tv_nsec;
	ASSERT_TRUE(offset - direct < 10000000 && direct - offset < 10000000);
	/* measured just now, on the boot clock */
	ASSERT_TRUE((__s64)boot <= now && now - (__s64)boot < 10000000);
}

#define HOUR_NS (3600LL * 1000000000LL)

/* A step of the wall clock moves the events after it, not those before. */
TEST(clock_step_keeps_the_offset_before_it)
{
	struct event_clock c;

	event_clock_init(&c, OFFSET_NS, BOOT_NS(0));
	ASSERT_EQ(event_clock_offset(&c, BOOT_NS(5)), OFFSET_NS);
	/* noise of the measurement is no step: no history */
	event_clock_update(&c, OFFSET_NS + 3000, BOOT_NS(1000));
	ASSERT_EQ(c.before_seen_ns, 0);
	ASSERT_EQ(event_clock_offset(&c, BOOT_NS(5)), OFFSET_NS + 3000);
	/* stepped an hour ahead between 1000 us and 2000 us */
	event_clock_update(&c, OFFSET_NS + HOUR_NS, BOOT_NS(2000));
	ASSERT_EQ(event_clock_offset(&c, BOOT_NS(999)), OFFSET_NS + 3000);
	ASSERT_EQ(event_clock_offset(&c, BOOT_NS(1000)), OFFSET_NS + 3000);
	ASSERT_EQ(event_clock_offset(&c, BOOT_NS(1001)), OFFSET_NS + HOUR_NS);
	ASSERT_EQ(event_clock_offset(&c, BOOT_NS(3000)), OFFSET_NS + HOUR_NS);
	/* more looks at the new offset keep the step where it was */
	event_clock_update(&c, OFFSET_NS + HOUR_NS, BOOT_NS(4000));
	ASSERT_EQ(event_clock_offset(&c, BOOT_NS(1000)), OFFSET_NS + 3000);
	ASSERT_EQ(event_clock_offset(&c, BOOT_NS(1500)), OFFSET_NS + HOUR_NS);
	/* a step back: the latest step is the one remembered */
	event_clock_update(&c, OFFSET_NS, BOOT_NS(5000));
	ASSERT_EQ(event_clock_offset(&c, BOOT_NS(4000)), OFFSET_NS + HOUR_NS);
	ASSERT_EQ(event_clock_offset(&c, BOOT_NS(4001)), OFFSET_NS);
}

TEST(host_name_is_unames)
{
	char host[EVENT_HOST_LEN];
	struct utsname u;

	event_host_name(host, sizeof(host));
	ASSERT_EQ(uname(&u), 0);
	ASSERT_STREQ(host, u.nodename);
}

TEST(host_is_escaped_and_left_out_when_empty)
{
	struct event_ctx c = ctx;
	struct dg_event e = claim();
	char line[EVENT_LINE_MAX + 1];

	c.host = "a b\n\xe9";
	snprintf(line, sizeof(line), "%s\n", json_of(&e, &c));
	ASSERT_CONTAINS(line, ",\"host\":\"a b\\n\\u00e9\",\"seq\":47,");
	assert_json_lines(line, "assert objs[0]['host'].encode('latin-1') == b'a b\\n\\xe9'\n");
	ASSERT_CONTAINS(text_of(&e, &c), TS " a\\x20b\\x0a\\xe9 #47 claim ");
	c.host = "";
	ASSERT_CONTAINS(json_of(&e, &c), "\"ts\":\"" TS "\",\"seq\":47,");
	ASSERT_CONTAINS(text_of(&e, &c), TS " #47 claim ");
	c.host = NULL;
	ASSERT_CONTAINS(json_of(&e, &c), "{\"schema\":1,\"ts\":\"" TS "\",\"seq\":47,");
}

TEST(lost_records_carry_ts_and_host)
{
	char buf[EVENT_LINE_MAX];

	ASSERT_TRUE(event_format_lost_json(3, false, BOOT_NS(123456), &ctx, buf, sizeof(buf)) > 0);
	ASSERT_STREQ(buf, J_HEAD ",\"type\":\"lost\",\"count\":3}");
	ASSERT_TRUE(event_format_lost_json(12, true, BOOT_NS(123456), &ctx, buf, sizeof(buf)) > 0);
	ASSERT_STREQ(buf, J_HEAD ",\"type\":\"lost\",\"count\":12,\"unsequenced\":true}");
	ASSERT_TRUE(event_format_lost_text(3, false, BOOT_NS(123456), &ctx, buf, sizeof(buf)) > 0);
	ASSERT_STREQ(buf, T_HEAD " lost 3 events");
	ASSERT_TRUE(event_format_lost_text(1, true, 0, &ctx, buf, sizeof(buf)) > 0);
	ASSERT_STREQ(buf, HOST " lost 1 event before they had a sequence number");
}

/* ---- the stream ---- */

struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static struct capture capture;

static void capture_free(void)
{
	fclose(capture.f);
	free(capture.buf);
}

/* One capture per test; freed at exit, so LeakSanitizer stays quiet. */
static struct capture *capture_open(void)
{
	capture.f = open_memstream(&capture.buf, &capture.len);
	ASSERT_TRUE(capture.f != NULL);
	atexit(capture_free);
	return &capture;
}

static struct dg_event ev(__u64 seq)
{
	struct dg_event e = {
		.seq = seq, .boot_ns = BOOT_NS(123456), .type = DG_EV_RELEASE,
		.flags = DG_EF_GROUP, .group = 3,
	};
	return e;
}

static void write_ok(struct event_stream *s, __u64 seq)
{
	struct dg_event e = ev(seq);
	int err = event_stream_write(s, &e);

	if (err)
		UNIT_FAIL("event_stream_write(seq %llu) = %d", (unsigned long long)seq, err);
}

static void sync_ok(struct event_stream *s, __u64 next_seq, __u64 reserved_next)
{
	ASSERT_EQ(event_stream_sync_tail(s, next_seq, reserved_next, BOOT_NS(123456)), 0);
}

#define LINE(seq) J_HEAD ",\"seq\":" #seq ",\"type\":\"release\",\"group\":3}\n"
#define LOST(n) J_HEAD ",\"type\":\"lost\",\"count\":" #n "}\n"

static void assert_stream(struct capture *c, const char *expected)
{
	ASSERT_STREQ(c->buf, expected);
	assert_json_lines(c->buf, "");
}

TEST(stream_first_event_sets_the_base)
{
	struct event_stream s;
	struct capture *c;

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	write_ok(&s, 100);
	write_ok(&s, 101);
	assert_stream(c, LINE(100) LINE(101));
	ASSERT_EQ(s.lost, 0);
	ASSERT_EQ(s.events, 2);
}

TEST(stream_gap_gives_one_lost_line_before_the_event)
{
	struct event_stream s;
	struct capture *c;

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	write_ok(&s, 5);
	write_ok(&s, 9);
	write_ok(&s, 10);
	write_ok(&s, 12);
	assert_stream(c, LINE(5) LOST(3) LINE(9) LINE(10) LOST(1) LINE(12));
	ASSERT_EQ(s.lost, 4);
	ASSERT_EQ(s.events, 4);
}

TEST(stream_text_lost_line)
{
	struct event_stream s;
	struct capture *c;

	c = capture_open();
	event_stream_init(&s, c->f, false, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	write_ok(&s, 5);
	write_ok(&s, 22);
	write_ok(&s, 24);
	ASSERT_STREQ(c->buf, T_HEAD " #5 release [group 3]\n"
			    T_HEAD " lost 16 events\n"
			    T_HEAD " #22 release [group 3]\n"
			    T_HEAD " lost 1 event\n"
			    T_HEAD " #24 release [group 3]\n");
}

TEST(stream_tail_stands_after_the_last_event_read)
{
	struct event_stream s;
	struct capture *c;

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	write_ok(&s, 0);
	write_ok(&s, 1);
	write_ok(&s, 2);
	sync_ok(&s, 5, 3);		/* 3 and 4 dropped, the ring took nothing after */
	sync_ok(&s, 5, 3);		/* nothing new */
	write_ok(&s, 5);		/* no gap left to show */
	sync_ok(&s, 6, 6);
	write_ok(&s, 7);		/* a new drop, shown by its gap */
	sync_ok(&s, 8, 8);
	assert_stream(c, LINE(0) LINE(1) LINE(2) LOST(2) LINE(5) LOST(1) LINE(7));
	ASSERT_EQ(s.lost, 3);
}

/* The daemon was stopped while the ring overflowed (issue 9, item 3). */
TEST(stream_unread_events_come_before_the_loss)
{
	struct event_stream s;
	struct capture *c;
	__u64 seq;

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	write_ok(&s, 9);
	/* 10..1498 wait in the ring, 1499..4009 were dropped */
	sync_ok(&s, 4010, 1499);
	ASSERT_EQ(s.lost, 0);
	for (seq = 10; seq < 1499; seq++)
		write_ok(&s, seq);
	ASSERT_EQ(s.lost, 0);
	sync_ok(&s, 4010, 1499);
	write_ok(&s, 4010);
	ASSERT_CONTAINS(c->buf, LINE(1498) LOST(2511) LINE(4010));
	ASSERT_EQ(s.lost, 2511);
	ASSERT_EQ(s.events, 1491);
	assert_json_lines(c->buf, "");
}

TEST(stream_event_after_the_overflow_shows_the_gap_first)
{
	struct event_stream s;
	struct capture *c;

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	write_ok(&s, 9);
	write_ok(&s, 10);
	write_ok(&s, 20);		/* read before any sync: 11..19 lost */
	sync_ok(&s, 21, 21);
	assert_stream(c, LINE(9) LINE(10) LOST(9) LINE(20));
	ASSERT_EQ(s.lost, 9);
}

TEST(stream_event_still_being_written_is_not_lost)
{
	struct event_stream s;
	struct capture *c;

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	write_ok(&s, 0);
	sync_ok(&s, 3, 3);		/* 1, 2 taken by the ring, not yet readable */
	write_ok(&s, 1);
	write_ok(&s, 2);
	sync_ok(&s, 3, 3);
	assert_stream(c, LINE(0) LINE(1) LINE(2));
	ASSERT_EQ(s.lost, 0);
}

TEST(stream_restart_on_a_pinned_ring)
{
	struct event_stream s;
	struct capture *c;

	/*
	 * The old daemon died; the ring holds 80, 84 and 86, and 87..89 were
	 * dropped while nobody read: the first event read is the base, the
	 * gaps and the tail after it are reported where they are.
	 */
	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	sync_ok(&s, 90, 87);		/* nothing read yet: nothing to place */
	write_ok(&s, 80);
	write_ok(&s, 84);
	write_ok(&s, 86);
	sync_ok(&s, 90, 87);
	write_ok(&s, 92);		/* 90, 91 are new */
	assert_stream(c, LINE(80) LOST(3) LINE(84) LOST(1) LINE(86) LOST(3) LOST(2) LINE(92));
	ASSERT_EQ(s.lost, 9);
}

TEST(stream_nothing_before_the_first_event)
{
	struct event_stream s;
	struct capture *c;

	c = capture_open();
	event_stream_init(&s, c->f, false, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	sync_ok(&s, 10, 3);
	sync_ok(&s, 14, 3);
	write_ok(&s, 14);
	ASSERT_STREQ(c->buf, T_HEAD " #14 release [group 3]\n");
	ASSERT_EQ(s.lost, 0);
	sync_ok(&s, 17, 16);		/* 15 unread: nothing yet */
	write_ok(&s, 15);
	sync_ok(&s, 17, 16);
	ASSERT_STREQ(c->buf, T_HEAD " #14 release [group 3]\n"
			    T_HEAD " #15 release [group 3]\n"
			    T_HEAD " lost 1 event\n");
	ASSERT_EQ(s.lost, 1);
}

TEST(stream_late_event_is_written_and_counted)
{
	struct event_stream s;
	struct capture *c;

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	write_ok(&s, 0);
	write_ok(&s, 2);		/* 1 looks lost */
	write_ok(&s, 1);		/* ... but came after 2 (a seq taken unlocked) */
	write_ok(&s, 3);
	sync_ok(&s, 5, 4);		/* 4 really dropped */
	assert_stream(c, LINE(0) LOST(1) LINE(2) LINE(1) LINE(3) LOST(1));
	ASSERT_EQ(s.late, 1);
	ASSERT_EQ(s.events, 4);
}

TEST(stream_rule_uses_the_current_source)
{
	struct event_stream s;
	struct capture *c;
	struct dg_event e = bind_deny_rule();
	char toolong[DG_SOURCE_LEN + 1];

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	ASSERT_EQ(event_stream_set_policy_source(&s, "a.conf"), 0);
	e.seq++;
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	ASSERT_EQ(event_stream_set_policy_source(&s, "b.conf"), 0);
	e.seq++;
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	memset(toolong, 'x', sizeof(toolong) - 1);
	toolong[sizeof(toolong) - 1] = '\0';
	ASSERT_EQ(event_stream_set_policy_source(&s, toolong), -ENAMETOOLONG);
	e.seq++;
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	toolong[sizeof(toolong) - 2] = '\0';	/* just fits */
	ASSERT_EQ(event_stream_set_policy_source(&s, toolong), 0);
	e.seq++;
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	assert_json_lines(c->buf,
		"assert 'rule' not in objs[0]\n"
		"assert objs[1]['rule'] == 'a.conf:7'\n"
		"assert objs[2]['rule'] == 'b.conf:7'\n"
		"assert 'rule' not in objs[3]\n"
		"assert objs[4]['rule'] == 'x' * 127 + ':7'\n");
}

/* After a reload the two policy slots hold different files: each event names its own. */
TEST(stream_rule_names_the_file_of_the_deciding_slot)
{
	struct event_stream s;
	struct capture *c;
	struct dg_event e = bind_deny_rule();

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	ASSERT_EQ(event_stream_set_slot_source(&s, 0, "old.conf"), 0);
	ASSERT_EQ(event_stream_set_slot_source(&s, 1, "new.conf"), 0);
	e.policy_slot = 0;
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	e.seq++;
	e.policy_slot = 1;
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	assert_json_lines(c->buf,
		"assert objs[0]['rule'] == 'old.conf:7'\n"
		"assert objs[1]['rule'] == 'new.conf:7'\n");
}

/*
 * The wall clock is stepped an hour ahead while the stream runs: an event
 * after the step has the new time; one from before it, still unread when
 * the step was seen (a backlog), keeps the time it happened at.
 */
TEST(stream_ts_follows_a_clock_step)
{
	struct event_stream s;
	struct capture *c;
	struct dg_event e = ev(0);

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	event_clock_update(&s.clock, OFFSET_NS, BOOT_NS(123456));
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	e = ev(1);
	e.boot_ns = BOOT_NS(123456) + 5 * 1000000000ULL;	/* 5 s later */
	event_clock_update(&s.clock, OFFSET_NS + HOUR_NS, BOOT_NS(123456) + 6 * 1000000000ULL);
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	e = ev(2);
	e.boot_ns = BOOT_NS(123456) + 7 * 1000000000ULL;
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	/* lost after the step, at 8 s */
	ASSERT_EQ(event_stream_sync_tail(&s, 4, 3, BOOT_NS(123456) + 8 * 1000000000ULL), 0);
	assert_json_lines(c->buf,
		"assert [o['ts'] for o in objs] == ['2026-11-24T10:00:00.123456Z',\n"
		"    '2026-11-24T11:00:05.123456Z', '2026-11-24T11:00:07.123456Z',\n"
		"    '2026-11-24T11:00:08.123456Z'], objs\n");
	/* a backlog event from before the last look before the step */
	e = ev(4);
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	ASSERT_CONTAINS(c->buf, "{\"schema\":1,\"ts\":\"2026-11-24T10:00:00.123456Z\","
			"\"host\":\"" HOST "\",\"seq\":4,");
}

/* A stream whose writes succeed ok_writes times, then fail with EPIPE. */
static int ok_writes;

static ssize_t flaky_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	(void)buf;
	if (ok_writes <= 0) {
		errno = EPIPE;
		return -1;
	}
	ok_writes--;
	return size;
}

static FILE *flaky_open(int n)
{
	cookie_io_functions_t io = { .write = flaky_write };
	FILE *f = fopencookie(NULL, "w", io);

	ASSERT_TRUE(f != NULL);
	ok_writes = n;
	return f;
}

TEST(stream_write_errors_are_returned_and_retry_is_safe)
{
	struct event_stream s;
	struct capture *c;
	struct dg_event e = ev(3);
	FILE *full;

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	write_ok(&s, 0);

	/* the lost line fails: nothing accounted */
	s.out = flaky_open(0);
	ASSERT_EQ(event_stream_write(&s, &e), -EPIPE);
	ASSERT_EQ(s.lost, 0);
	fclose(s.out);
	/* the lost line gets out, the event does not */
	s.out = flaky_open(1);
	ASSERT_EQ(event_stream_write(&s, &e), -EPIPE);
	fclose(s.out);
	ASSERT_EQ(s.lost, 2);
	ASSERT_EQ(s.events, 1);
	/* the retry writes the event alone: the loss is not repeated */
	s.out = c->f;
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	assert_stream(c, LINE(0) LINE(3));

	/* a full disk, for an event and for a tail report */
	full = fopen("/dev/full", "w");
	ASSERT_TRUE(full != NULL);
	s.out = full;
	e = ev(4);
	ASSERT_EQ(event_stream_write(&s, &e), -ENOSPC);
	ASSERT_EQ(s.events, 2);
	s.out = c->f;
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	s.out = full;
	ASSERT_EQ(event_stream_sync_tail(&s, 6, 5, 0), -ENOSPC);
	ASSERT_EQ(s.lost, 2);
	s.out = c->f;
	ASSERT_EQ(event_stream_sync_tail(&s, 6, 5, 0), 0);
	ASSERT_EQ(s.lost, 3);
	ASSERT_EQ(s.next_seq, 6);
	fclose(full);
}

/*
 * Present events stand outside the seq numbering: written and counted, but
 * they set no seq base and move no loss accounting, before or between
 * the ring's events.
 */
TEST(stream_present_events_leave_the_seq_accounting_alone)
{
	struct dg_event p = present_deny();
	struct event_stream s;
	struct capture *c;

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	event_stream_set_policy_source(&s, "policy.conf");
	ASSERT_EQ(event_stream_write_present(&s, &p), 0);
	ASSERT_FALSE(s.have_seq);
	write_ok(&s, 100);
	ASSERT_EQ(event_stream_write_present(&s, &p), 0);
	write_ok(&s, 101);
	sync_ok(&s, 102, 102);
	ASSERT_EQ(s.events, 4);
	ASSERT_EQ(s.lost, 0);
	ASSERT_EQ(s.next_seq, 102);
	ASSERT_CONTAINS(c->buf, "\"type\":\"present\"");
	assert_json_lines(c->buf,
		"assert [o['type'] for o in objs] == ['present', 'release', 'present', 'release']\n"
		"assert [o.get('seq') for o in objs] == [None, 100, None, 101]\n");
}

/*
 * Events dropped before they had a seq (the seq mutex contended past its
 * bound): reported apart, by the counter, as unsequenced lost records that
 * stand in no gap; the first look sets the base; a failed write is retried.
 */
#define UNSEQ_HEAD "{\"schema\":1,\"host\":\"" HOST "\",\"type\":\"lost\","

TEST(stream_unsequenced_drops_are_reported_by_the_counter)
{
	struct event_stream s;
	struct capture *c;
	FILE *full;

	c = capture_open();
	event_stream_init(&s, c->f, true, OFFSET_NS);
	event_stream_set_host(&s, HOST);
	ASSERT_EQ(event_stream_sync_unsequenced(&s, 40, 0), 0);	/* before us: the base */
	write_ok(&s, 0);
	ASSERT_EQ(event_stream_sync_unsequenced(&s, 40, 0), 0);
	ASSERT_EQ(event_stream_sync_unsequenced(&s, 52, 0), 0);
	write_ok(&s, 1);	/* no gap: its neighbours had seqs */
	full = fopen("/dev/full", "w");
	ASSERT_TRUE(full != NULL);
	s.out = full;
	ASSERT_EQ(event_stream_sync_unsequenced(&s, 53, 0), -ENOSPC);
	s.out = c->f;
	ASSERT_EQ(event_stream_sync_unsequenced(&s, 55, 0), 0);
	fclose(full);
	/* no time given (0): no ts */
	assert_stream(c, LINE(0) UNSEQ_HEAD "\"count\":12,\"unsequenced\":true}\n"
		      LINE(1) UNSEQ_HEAD "\"count\":3,\"unsequenced\":true}\n");
	ASSERT_EQ(s.lost, 15);
}

UNIT_MAIN()
