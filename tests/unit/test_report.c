// SPDX-License-Identifier: GPL-2.0
/*
 * status, check and generate against fixture trees, and the JSON writer.
 * JSON output is parsed back with python3's json module (a real, strict
 * parser) and flattened to "path=value" lines checked field by field.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include "cli.h"
#include "cli_capture.h"
#include "json.h"
#include "sysfs_fixture.h"
#include "unit.h"

static void write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(content, f) < 0 || fclose(f))
		UNIT_FAIL("write %s: %s", path, strerror(errno));
}

static const char flatten_py[] =
	"import json, sys\n"
	"def walk(p, v):\n"
	"    if isinstance(v, dict):\n"
	"        print(p + '{}=' + ','.join(v.keys()))\n"
	"        for k, x in v.items():\n"
	"            walk(p + '.' + k if p else k, x)\n"
	"    elif isinstance(v, list):\n"
	"        print(p + '.length=' + str(len(v)))\n"
	"        for i, x in enumerate(v):\n"
	"            walk('%s[%d]' % (p, i), x)\n"
	"    else:\n"
	"        print(p + '=' + json.dumps(v))\n"
	"walk('', json.loads(open(sys.argv[1], 'rb').read().decode('ascii')))\n";

/*
 * Parse JSON text with python3 and return its flattened form, one
 * "path=json-value" line per scalar, "path{}=k1,k2" per object (key order),
 * "path.length=N" per array. Fails the test if the JSON is not valid.
 */
static char *flatten(const struct fixture *fx, const char *json)
{
	char js[PATH_MAX], py[PATH_MAX], cmd[2 * PATH_MAX + 32];
	static char out[1 << 18];
	size_t len = 0, n;
	FILE *p;
	int rc;

	snprintf(js, sizeof(js), "%s/out.json", fx->dir);
	snprintf(py, sizeof(py), "%s/flatten.py", fx->dir);
	write_file(js, json);
	write_file(py, flatten_py);
	snprintf(cmd, sizeof(cmd), "python3 %s %s", py, js);
	p = popen(cmd, "r");
	if (!p)
		UNIT_FAIL("popen python3: %s", strerror(errno));
	while ((n = fread(out + len, 1, sizeof(out) - 1 - len, p)) > 0)
		len += n;
	out[len] = '\0';
	rc = pclose(p);
	if (rc != 0)
		UNIT_FAIL("python3 could not parse the JSON:\n%s", json);
	return out;
}

/* The flattened line "path=..." must read exactly "path=value". */
#define ASSERT_FIELD(flat, path, value)					\
	do {								\
		char *_line;						\
		if (asprintf(&_line, "\n%s=%s\n", path, value) < 0)	\
			UNIT_FAIL("out of memory");			\
		if (!strstr(flat, _line) &&				\
		    strncmp(flat, _line + 1, strlen(_line + 1)))	\
			UNIT_FAIL("expected %s=%s in:\n%s", path, value, flat); \
		free(_line);						\
	} while (0)

#define ASSERT_NO_FIELD(flat, path)					\
	do {								\
		char _line[256];					\
		snprintf(_line, sizeof(_line), "\n%s=", path);		\
		if (strstr(flat, _line))				\
			UNIT_FAIL("unexpected %s in:\n%s", path, flat);	\
	} while (0)

/* --- status --json ----------------------------------------------------------- */

TEST(status_json_server_field_by_field)
{
	struct fixture fx;
	struct output *o;
	char *f;

	fx_server(&fx);
	o = run(&cmd_status, "status", "--json", "--sysfs", fx.sys, NULL);
	ASSERT_EQ(o->rc, 0);
	ASSERT_STREQ(o->err, "");
	f = flatten(&fx, o->out);
	ASSERT_FIELD(f, "{}", "sysfs,groups,ungrouped");
	{
		char want[PATH_MAX];

		snprintf(want, sizeof(want), "\"%s\"", fx.sys);
		ASSERT_FIELD(f, "sysfs", want);
	}
	ASSERT_FIELD(f, "groups.length", "8");
	/* group 1: GPU + HDMI audio, kernel-owned, blocked by the GPU */
	ASSERT_FIELD(f, "groups[0]{}", "group,owner,owner_source,viable,blocker,devices");
	ASSERT_FIELD(f, "groups[0].group", "1");
	ASSERT_FIELD(f, "groups[0].owner", "\"kernel\"");
	ASSERT_FIELD(f, "groups[0].owner_source", "\"sysfs\"");
	ASSERT_FIELD(f, "groups[0].viable", "false");
	ASSERT_FIELD(f, "groups[0].blocker.device", "\"0000:01:00.0\"");
	ASSERT_FIELD(f, "groups[0].blocker.driver", "\"nvidia\"");
	ASSERT_FIELD(f, "groups[0].devices.length", "2");
	ASSERT_FIELD(f, "groups[0].devices[0]{}", "device,bus,id,subsystem_id,class,driver,dma");
	ASSERT_FIELD(f, "groups[0].devices[0].device", "\"0000:01:00.0\"");
	ASSERT_FIELD(f, "groups[0].devices[0].bus", "\"pci\"");
	ASSERT_FIELD(f, "groups[0].devices[0].id", "\"10de:1eb8\"");
	ASSERT_FIELD(f, "groups[0].devices[0].subsystem_id", "\"10de:0eb8\"");
	ASSERT_FIELD(f, "groups[0].devices[0].class", "\"0x030000\"");
	ASSERT_FIELD(f, "groups[0].devices[0].driver", "\"nvidia\"");
	ASSERT_FIELD(f, "groups[0].devices[0].dma", "\"kernel\"");
	ASSERT_FIELD(f, "groups[0].devices[1].class", "\"0x040300\"");
	ASSERT_FIELD(f, "groups[0].devices[1].driver", "\"snd_hda_intel\"");
	/* NVMe alone */
	ASSERT_FIELD(f, "groups[1].devices.length", "1");
	ASSERT_FIELD(f, "groups[1].devices[0].class", "\"0x010802\"");
	/* VFs on vfio-pci: viable, user DMA, no blocker */
	ASSERT_FIELD(f, "groups[3].group", "4");
	ASSERT_FIELD(f, "groups[3]{}", "group,owner,owner_source,viable,devices");
	ASSERT_FIELD(f, "groups[3].viable", "true");
	ASSERT_FIELD(f, "groups[3].owner", "\"none\"");
	ASSERT_FIELD(f, "groups[3].devices[0].dma", "\"user\"");
	ASSERT_FIELD(f, "groups[4].devices[0].driver", "\"vfio-pci\"");
	/* the bridge group: unbound bridge has no driver and no dma */
	ASSERT_FIELD(f, "groups[5].devices.length", "3");
	ASSERT_FIELD(f, "groups[5].devices[0]{}", "device,bus,id,subsystem_id,class");
	ASSERT_FIELD(f, "groups[5].blocker.device", "\"0000:06:01.0\"");
	ASSERT_FIELD(f, "groups[5].blocker.driver", "\"e1000\"");
	/* the root port's group */
	ASSERT_FIELD(f, "groups[7].viable", "true");
	ASSERT_FIELD(f, "groups[7].devices[0].driver", "\"pcieport\"");
	/* devices with no group */
	ASSERT_FIELD(f, "ungrouped.length", "2");
	ASSERT_FIELD(f, "ungrouped[0]{}", "device,bus");
	ASSERT_FIELD(f, "ungrouped[0].device", "\"pcspkr\"");
	ASSERT_FIELD(f, "ungrouped[1]{}", "device,bus,driver,dma");
	ASSERT_FIELD(f, "ungrouped[1].bus", "\"platform\"");
	ASSERT_FIELD(f, "ungrouped[1].driver", "\"serial8250\"");
	ASSERT_NO_FIELD(f, "ungrouped[1].id");
	ASSERT_NO_FIELD(f, "groups[0].devices[0].verdict");
	fx_cleanup(&fx);
}

TEST(status_json_verdicts_with_policy)
{
	char pol[512], rule[PATH_MAX + 8];
	struct fixture fx;
	struct output *o;
	char *f;

	fx_server(&fx);
	snprintf(pol, sizeof(pol), "%s/p.conf", fx.dir);
	write_file(pol, "default bind allow\n"
			"deny bind driver=nvidia\n"
			"audit bind id=8086:100e\n");
	o = run(&cmd_status, "status", "--sysfs", fx.sys, "--json", "--policy", pol, NULL);
	ASSERT_EQ(o->rc, 0);
	f = flatten(&fx, o->out);
	ASSERT_FIELD(f, "{}", "sysfs,policy,groups,ungrouped");
	ASSERT_FIELD(f, "groups[0].devices[0]{}",
		     "device,bus,id,subsystem_id,class,driver,dma,verdict,reason,rule");
	ASSERT_FIELD(f, "groups[0].devices[0].verdict", "\"deny\"");
	ASSERT_FIELD(f, "groups[0].devices[0].reason", "\"rule\"");
	snprintf(rule, sizeof(rule), "\"%s:2\"", pol);
	ASSERT_FIELD(f, "groups[0].devices[0].rule", rule);
	ASSERT_FIELD(f, "groups[0].devices[1].verdict", "\"allow\"");
	ASSERT_FIELD(f, "groups[0].devices[1].reason", "\"default\"");
	ASSERT_NO_FIELD(f, "groups[0].devices[1].rule");
	ASSERT_FIELD(f, "groups[5].devices[1].verdict", "\"audit\"");
	snprintf(rule, sizeof(rule), "\"%s:3\"", pol);
	ASSERT_FIELD(f, "groups[5].devices[1].rule", rule);
	/* unbound: no driver, nothing to judge */
	ASSERT_NO_FIELD(f, "groups[5].devices[0].verdict");
	ASSERT_NO_FIELD(f, "ungrouped[0].verdict");
	ASSERT_FIELD(f, "ungrouped[1].verdict", "\"allow\"");
	fx_cleanup(&fx);
}

TEST(status_json_escapes_odd_names)
{
	struct fixture fx;
	struct output *o;
	char *f;

	fx_init(&fx);
	fx_device(&fx, "platform", "odd\"name\\\t\x01\xc3\xa9\xff");
	fx_bind(&fx, "platform", "odd\"name\\\t\x01\xc3\xa9\xff", "drv\x7f");
	o = run(&cmd_status, "status", "--json", "--sysfs", fx.sys, NULL);
	ASSERT_EQ(o->rc, 0);
	f = flatten(&fx, o->out);
	/* python's json.dumps re-escapes: every original byte is one code point */
	ASSERT_FIELD(f, "ungrouped[0].device",
		     "\"odd\\\"name\\\\\\t\\u0001\\u00c3\\u00a9\\u00ff\"");
	ASSERT_FIELD(f, "ungrouped[0].driver", "\"drv\\u007f\"");
	ASSERT_FIELD(f, "groups.length", "0");
	fx_cleanup(&fx);
}

/* --- status, human output ---------------------------------------------------- */

/* The line of out that contains needle (copied into buf). */
static const char *line_with(const char *out, const char *needle, char *buf, size_t size)
{
	const char *p = strstr(out, needle), *bol, *eol;

	if (!p)
		UNIT_FAIL("no line with \"%s\" in:\n%s", needle, out);
	for (bol = p; bol > out && bol[-1] != '\n'; bol--)
		;
	eol = strchr(p, '\n');
	if (!eol)
		eol = p + strlen(p);
	snprintf(buf, size, "%.*s", (int)(eol - bol), bol);
	return buf;
}

/* Column where the n-th (0-based) whitespace-separated field starts. */
static int field_col(const char *line, int n)
{
	int i = 0, field = -1;

	while (line[i]) {
		while (line[i] == ' ')
			i++;
		if (!line[i])
			break;
		if (++field == n)
			return i;
		while (line[i] && line[i] != ' ')
			i++;
	}
	return -1;
}

TEST(status_text_groups_and_aligned_columns)
{
	/* device lines are indented; group lines are not */
	static const char *const devs[] = {
		"  0000:01:00.0 ", "  0000:03:02.1 ", "  0000:05:00.0 ", "  serial8250 ",
		"  pcspkr ",
	};
	char header[512], line[512];
	struct fixture fx;
	struct output *o;
	size_t i;
	int c;

	fx_server(&fx);
	o = run(&cmd_status, "status", "--sysfs", fx.sys, NULL);
	ASSERT_EQ(o->rc, 0);
	ASSERT_CONTAINS(o->out, "group 1: owner kernel, not viable: 0000:01:00.0 is bound to nvidia\n");
	ASSERT_CONTAINS(o->out, "group 4: owner none, viable\n");
	ASSERT_CONTAINS(o->out, "group 6: owner kernel, not viable: 0000:06:01.0 is bound to e1000\n");
	ASSERT_CONTAINS(o->out, "group 8: owner none, viable\n");
	ASSERT_CONTAINS(o->out, "\nno IOMMU group:\n");
	ASSERT_TRUE(strstr(o->out, "group 8:") < strstr(o->out, "no IOMMU group:"));
	ASSERT_TRUE(strstr(o->out, "no IOMMU group:") < strstr(o->out, "serial8250"));
	ASSERT_FALSE(strstr(o->out, "VERDICT"));
	line_with(o->out, "DEVICE", header, sizeof(header));
	for (c = 0; c < 6; c++)
		ASSERT_TRUE(field_col(header, c) > 0);
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		line_with(o->out, devs[i], line, sizeof(line));
		for (c = 0; c < 6; c++)
			if (field_col(line, c) != field_col(header, c))
				UNIT_FAIL("column %d misaligned:\n%s\n%s", c, header, line);
	}
	line_with(o->out, "  0000:03:02.1 ", line, sizeof(line));
	ASSERT_CONTAINS(line, "pci");
	ASSERT_CONTAINS(line, "8086:154c");
	ASSERT_CONTAINS(line, "0x020000");
	ASSERT_CONTAINS(line, "vfio-pci");
	ASSERT_TRUE(!strcmp(line + strlen(line) - 4, "user"));
	line_with(o->out, "  pcspkr ", line, sizeof(line));
	ASSERT_EQ(field_col(line, 6), -1);
	fx_cleanup(&fx);
}

TEST(status_text_with_policy_shows_verdicts)
{
	char pol[512], line[512], want[PATH_MAX + 8];
	struct fixture fx;
	struct output *o;

	fx_server(&fx);
	snprintf(pol, sizeof(pol), "%s/p.conf", fx.dir);
	write_file(pol, "deny bind class=0x03\n");
	o = run(&cmd_status, "status", "--policy", pol, "--sysfs", fx.sys, NULL);
	ASSERT_EQ(o->rc, 0);
	ASSERT_CONTAINS(o->out, "VERDICT");
	line_with(o->out, "  0000:01:00.0 ", line, sizeof(line));
	snprintf(want, sizeof(want), "deny     %s:1", pol);
	ASSERT_CONTAINS(line, want);
	line_with(o->out, "  0000:01:00.1 ", line, sizeof(line));
	ASSERT_CONTAINS(line, "allow    default");
	/* 0000:07:00.0 is a display controller too, but has no driver */
	line_with(o->out, "  0000:07:00.0 ", line, sizeof(line));
	ASSERT_FALSE(strstr(line, "deny"));
	fx_cleanup(&fx);
}

TEST(status_errors)
{
	char pol[512];
	struct fixture fx;
	struct output *o;

	/* a --sysfs ROOT that is no sysfs tree is a usage error */
	o = run(&cmd_status, "status", "--sysfs", "/nonexistent/dg-sys", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "dmaguard status: cannot read the device topology: /nonexistent/dg-sys");
	ASSERT_STREQ(o->out, "");
	fx_server(&fx);
	snprintf(pol, sizeof(pol), "%s/bad.conf", fx.dir);
	write_file(pol, "allow bind\nallow bind vendor=8086\n");
	o = run(&cmd_status, "status", "--sysfs", fx.sys, "--policy", pol, NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "bad.conf:2:");
	ASSERT_CONTAINS(o->err, "unknown attribute 'vendor'");
	ASSERT_STREQ(o->out, "");
	fx_cleanup(&fx);
}

/* --- generate and check ---------------------------------------------------------- */

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

/*
 * generate --scope all on fx into FX/gen.conf (every other bind falls to
 * the default); returns the text. test_generate.c tests generate itself.
 */
static const char *generate(const struct fixture *fx, char *path, size_t size)
{
	struct output *o;

	o = run(&cmd_generate, "generate", "--sysfs", fx->sys, "--scope", "all", NULL);
	ASSERT_EQ(o->rc, 0);
	ASSERT_STREQ(o->err, "");
	snprintf(path, size, "%s/gen.conf", fx->dir);
	write_file(path, o->out);
	return o->out;
}

TEST(check_of_generate_passes_then_catches_a_change)
{
	struct fixture fx;
	char path[PATH_MAX];
	struct output *o;

	fx_server(&fx);
	generate(&fx, path, sizeof(path));
	o = run(&cmd_check, "check", path, "--sysfs", fx.sys, NULL);
	ASSERT_EQ(o->rc, 0);
	ASSERT_CONTAINS(o->out, "10 current bindings, 0 would be denied, 0 audited\n");
	ASSERT_STREQ(o->err, "");

	/* unbinding is no violation */
	fx_unbind(&fx, "pci", "0000:06:02.0", "e1000");
	o = run(&cmd_check, "check", "--sysfs", fx.sys, path, NULL);
	ASSERT_EQ(o->rc, 0);
	ASSERT_CONTAINS(o->out, "9 current bindings, 0 would be denied");

	/* the NVMe moves to vfio-pci: that binding is new, the default denies it */
	fx_unbind(&fx, "pci", "0000:02:00.0", "nvme");
	fx_bind(&fx, "pci", "0000:02:00.0", "vfio-pci");
	o = run(&cmd_check, "check", path, "--sysfs", fx.sys, NULL);
	ASSERT_EQ(o->rc, 1);
	ASSERT_CONTAINS(o->out, "deny  0000:02:00.0 driver=vfio-pci id=144d:a808 "
				"class=0x010802 group=2 (default bind deny)\n");
	ASSERT_EQ(count(o->out, "deny "), 1);
	ASSERT_CONTAINS(o->out, "9 current bindings, 1 would be denied, 0 audited\n");
	fx_cleanup(&fx);
}

TEST(check_audit_is_reported_not_a_violation)
{
	char pol[512], line[512], want[PATH_MAX + 16];
	struct fixture fx;
	struct output *o;

	fx_server(&fx);
	snprintf(pol, sizeof(pol), "%s/p.conf", fx.dir);
	write_file(pol, "# audit the NIC PF\naudit bind driver=i40e\n");
	o = run(&cmd_check, "check", pol, "--sysfs", fx.sys, NULL);
	ASSERT_EQ(o->rc, 0);
	line_with(o->out, "0000:03:00.0", line, sizeof(line));
	snprintf(want, sizeof(want), "audit 0000:03:00.0 driver=i40e id=8086:1572 "
		 "class=0x020000 group=3 (rule %s:2)", pol);
	ASSERT_STREQ(line, want);
	ASSERT_CONTAINS(o->out, "10 current bindings, 0 would be denied, 1 audited\n");

	/* audit mode: deny becomes audit, marked as what enforce would do */
	write_file(pol, "mode audit\ndeny bind dma=user\n");
	o = run(&cmd_check, "check", pol, "--sysfs", fx.sys, NULL);
	ASSERT_EQ(o->rc, 0);
	ASSERT_EQ(count(o->out, "[mode audit: enforce would deny]"), 2);
	ASSERT_CONTAINS(o->out, "audit 0000:03:02.0 driver=vfio-pci");
	ASSERT_CONTAINS(o->out, "0 would be denied, 2 audited\n");

	/* the same in enforce mode: two violations */
	write_file(pol, "deny bind dma=user\n");
	o = run(&cmd_check, "check", pol, "--sysfs", fx.sys, NULL);
	ASSERT_EQ(o->rc, 1);
	ASSERT_CONTAINS(o->out, "deny  0000:03:02.1 driver=vfio-pci");
	fx_cleanup(&fx);
}

TEST(check_invalid_policy_exits_2_with_the_parser_message)
{
	struct fixture fx;
	char pol[512];
	struct output *o;

	fx_server(&fx);
	snprintf(pol, sizeof(pol), "%s/bad.conf", fx.dir);
	write_file(pol, "default bind deny\nallow bind vendor=8086\n");
	o = run(&cmd_check, "check", pol, "--sysfs", fx.sys, NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "dmaguard check: ");
	ASSERT_CONTAINS(o->err, "bad.conf:2:12: unknown attribute 'vendor' "
				"(expected device, id, class, group, driver, dma)");
	ASSERT_STREQ(o->out, "");
	o = run(&cmd_check, "check", "/nonexistent/p.conf", "--sysfs", fx.sys, NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "/nonexistent/p.conf");
	fx_cleanup(&fx);
}

/* --- options --------------------------------------------------------------------- */

TEST(usage_errors_and_help)
{
	struct output *o;

	o = run(&cmd_status, "status", "--bogus", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "dmaguard status: unknown option '--bogus'\n");
	ASSERT_CONTAINS(o->err, "Usage: dmaguard status [--json] [--sysfs ROOT] [--policy FILE] "
				"[--pin-dir DIR]\n");
	o = run(&cmd_status, "status", "extra", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "unexpected argument 'extra'");
	o = run(&cmd_status, "status", "--sysfs", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "option '--sysfs' needs an argument");
	o = run(&cmd_status, "status", "--help", NULL);
	ASSERT_EQ(o->rc, 0);
	ASSERT_CONTAINS(o->out, "Usage: dmaguard status");
	ASSERT_STREQ(o->err, "");
	o = run(&cmd_check, "check", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "dmaguard check: missing argument");
	ASSERT_CONTAINS(o->err, "Usage: dmaguard check FILE [--sysfs ROOT]\n");
	o = run(&cmd_check, "check", "a", "b", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "unexpected argument 'b'");
	o = run(&cmd_check, "check", "--json", "a", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "unknown option '--json'");
	o = run(&cmd_check, "check", "--help", NULL);
	ASSERT_EQ(o->rc, 0);
	ASSERT_CONTAINS(o->out, "Usage: dmaguard check FILE");
	o = run(&cmd_generate, "generate", "--policy", "x", NULL);
	ASSERT_EQ(o->rc, 2);
	ASSERT_CONTAINS(o->err, "Usage: dmaguard generate [--by id|device] ");
	o = run(&cmd_generate, "generate", "x", NULL);
	ASSERT_EQ(o->rc, 2);
	o = run(&cmd_generate, "generate", "-h", NULL);
	ASSERT_EQ(o->rc, 0);
	ASSERT_CONTAINS(o->out, "Usage: dmaguard generate");
	o = run(&cmd_generate, "generate", "--help", NULL);
	ASSERT_EQ(o->rc, 0);
	ASSERT_CONTAINS(o->out, "Usage: dmaguard generate");
}

/* --- the JSON writer ------------------------------------------------------------- */

static char *write_json(void (*fn)(FILE *f, void *arg), void *arg, int *finish)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	fn(f, arg);
	*finish = ferror(f) ? -1 : 0;
	fclose(f);
	return buf;
}

static void nested(FILE *f, void *arg)
{
	struct json_writer w;
	int *rc = arg;

	json_init(&w, f);
	json_object_begin(&w);
	json_kv_int(&w, "a", -3);
	json_key(&w, "b");
	json_array_begin(&w);
	json_uint(&w, 18446744073709551615ull);
	json_bool(&w, false);
	json_null(&w);
	json_object_begin(&w);
	json_object_end(&w);
	json_array_begin(&w);
	json_array_end(&w);
	json_string(&w, "s");
	json_array_end(&w);
	json_kv_bool(&w, "c", true);
	json_kv_string_n(&w, "d", "abcdef", 3);
	json_object_end(&w);
	*rc = json_finish(&w);
}

TEST(json_writer_structure)
{
	struct fixture fx;
	int rc = -2, fin;
	char *out;

	out = write_json(nested, &rc, &fin);
	ASSERT_EQ(rc, 0);
	ASSERT_STREQ(out, "{\"a\":-3,\"b\":[18446744073709551615,false,null,{},[],\"s\"],"
			  "\"c\":true,\"d\":\"abc\"}");
	fx_init(&fx);
	ASSERT_FIELD(flatten(&fx, out), "b.length", "6");
	fx_cleanup(&fx);
}

static void escapes(FILE *f, void *arg)
{
	(void)arg;
	json_write_string(f, "q\" b\\ \b\f\n\r\t \x01\x1f \x7f \xc3\xa9 \xff\xfe / end");
}

TEST(json_string_escapes_every_byte)
{
	struct fixture fx;
	char *out;
	int fin;

	out = write_json(escapes, NULL, &fin);
	ASSERT_STREQ(out, "\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f \\u007f "
			  "\\u00c3\\u00a9 \\u00ff\\u00fe / end\"");
	fx_init(&fx);
	/* a strict parser accepts it; the decoded code points are the bytes */
	ASSERT_CONTAINS(flatten(&fx, out),
			"=\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f \\u007f "
			"\\u00c3\\u00a9 \\u00ff\\u00fe / end\"\n");
	fx_cleanup(&fx);
}

static void unbalanced(FILE *f, void *arg)
{
	struct json_writer w;
	int *rc = arg, i;

	json_init(&w, f);
	json_array_begin(&w);
	rc[0] = json_finish(&w);	/* still open */
	json_array_end(&w);
	json_array_end(&w);		/* one too many */
	rc[1] = json_finish(&w);
	json_init(&w, f);
	for (i = 0; i < JSON_MAX_DEPTH + 1; i++)
		json_array_begin(&w);
	rc[2] = json_finish(&w);
	json_init(&w, f);
	json_object_begin(&w);
	json_key(&w, "k");
	json_object_end(&w);		/* key without value */
	rc[3] = json_finish(&w);
}

TEST(json_writer_reports_misuse)
{
	int rc[4], fin;

	write_json(unbalanced, rc, &fin);
	ASSERT_EQ(rc[0], -1);
	ASSERT_EQ(rc[1], -1);
	ASSERT_EQ(rc[2], -1);
	ASSERT_EQ(rc[3], -1);
}

UNIT_MAIN()
