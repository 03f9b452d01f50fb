// SPDX-License-Identifier: GPL-2.0
/*
 * An event as one line of JSON or text, and the lost records (see events.h
 * for the fields and the escaping); the stream that writes them is events.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include "events.h"
#include "json.h"
#include "pci_id.h"
#include "policy.h"

/* Appends to a fixed buffer; remembers overflow instead of failing each call. */
struct line {
	char *buf;
	size_t len;
	size_t pos;
	bool overflow;
};

static void line_init(struct line *l, char *buf, size_t len)
{
	l->buf = buf;
	l->len = len;
	l->pos = 0;
	l->overflow = len == 0;
	if (len)
		buf[0] = '\0';
}

static void line_putc(struct line *l, char c)
{
	if (l->overflow || l->pos + 1 >= l->len) {
		l->overflow = true;
		return;
	}
	l->buf[l->pos++] = c;
	l->buf[l->pos] = '\0';
}

__attribute__((format(printf, 2, 3)))
static void line_printf(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->pos, l->len - l->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= l->len - l->pos) {
		l->overflow = true;
		l->buf[l->pos] = '\0';
		return;
	}
	l->pos += n;
}

static int line_done(struct line *l)
{
	return l->overflow ? -ENOSPC : (int)l->pos;
}

/* A JSON string of the bytes s[0..strnlen(s, max)), escaped as json.h says. */
static void line_json_string(struct line *l, const char *s, size_t max)
{
	size_t i, k, n = strnlen(s, max);
	char esc[JSON_ESCAPE_MAX];

	line_putc(l, '"');
	for (i = 0; i < n; i++) {
		size_t len = json_escape_byte((unsigned char)s[i], esc);

		for (k = 0; k < len; k++)
			line_putc(l, esc[k]);
	}
	line_putc(l, '"');
}

/* Same bytes for the text format: \xNN for anything not printable ASCII. */
static void line_text_string(struct line *l, const char *s, size_t max)
{
	size_t i, n = strnlen(s, max);

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '\\')
			line_printf(l, "\\\\");
		else if (c <= 0x20 || c >= 0x7f)
			line_printf(l, "\\x%02x", c);
		else
			line_putc(l, c);
	}
}

static const char *const type_names[] = {
	[DG_EV_BIND] = "bind",
	[DG_EV_UNBIND] = "unbind",
	[DG_EV_CLAIM] = "claim",
	[DG_EV_RELEASE] = "release",
	[DG_EV_OPEN] = "open",
	[DG_EV_HOTPLUG] = "hotplug",
	[DG_EV_LOST] = "lost",
	[DG_EV_MAP_FULL] = "map-full",
	[DG_EV_PRESENT] = "present",
};

static const char *const map_names[] = {
	[DG_MAP_GROUPS] = "groups",
	[DG_MAP_NODES] = "nodes",
	[DG_MAP_INFLIGHT] = "inflight",
	[DG_MAP_OPENING] = "opening",
	[DG_MAP_CLAIMED_FILES] = "claimed_files",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *event_map_name(unsigned int map)
{
	return map < ARRAY_SIZE(map_names) ? map_names[map] : NULL;
}

const char *event_type_name(unsigned int type)
{
	return type < ARRAY_SIZE(type_names) ? type_names[type] : NULL;
}

/*
 * An enum value's name, or "unknown-N" for a value a newer BPF object may
 * send: written, never dropped, never a crash.
 */
static const char *enum_name(const char *const *names, size_t n,
			     unsigned int v, char *tmp, size_t tmplen)
{
	if (v < n && names[v])
		return names[v];
	snprintf(tmp, tmplen, "unknown-%u", v);
	return tmp;
}

#define NAME_OF(table, v, tmp) enum_name(table, ARRAY_SIZE(table), v, tmp, sizeof(tmp))

/* The policy's names for verdicts, reasons and DMA modes, "unknown-N" past them. */
static const char *policy_name(const char *name, unsigned int v, char *tmp, size_t tmplen)
{
	if (strcmp(name, "unknown"))
		return name;
	snprintf(tmp, tmplen, "unknown-%u", v);
	return tmp;
}

#define VERDICT(v, tmp) policy_name(policy_verdict_name(v), v, tmp, sizeof(tmp))
/* untracked is the BPF side's own reason, never a policy's */
const char *event_reason_name(unsigned int v)
{
	return v == DG_REASON_UNTRACKED ? "untracked" : policy_reason_name(v);
}

#define REASON(v, tmp) policy_name(event_reason_name(v), v, tmp, sizeof(tmp))
#define DMA(v, tmp) policy_name(policy_dma_name(v), v, tmp, sizeof(tmp))

/* floor division, for times before the epoch */
static __s64 floor_div(__s64 a, __s64 b)
{
	__s64 q = a / b;

	return (a % b < 0) ? q - 1 : q;
}

int event_format_ts(__u64 boot_ns, __s64 offset_ns, char *buf, size_t len)
{
	__s64 real_ns, us, sec;
	struct tm tm;
	time_t t;
	int n;

	if (boot_ns > (__u64)INT64_MAX ||
	    __builtin_add_overflow((__s64)boot_ns, offset_ns, &real_ns) ||
	    real_ns > INT64_MAX - 500)
		return -ERANGE;
	us = floor_div(real_ns + 500, 1000);	/* round half up */
	sec = floor_div(us, 1000000);
	t = sec;
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return -ERANGE;
	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, (long long)(us - sec * 1000000));
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

/*
 * seq numbers what the BPF side emitted; an event run made itself (present)
 * stands outside that numbering, so it has none rather than one that
 * would read as a gap or a duplicate.
 */
static bool has_seq(const struct dg_event *e)
{
	return e->type != DG_EV_PRESENT;
}

static bool has_task(const struct dg_event *e)
{
	return e->pid || e->comm[0];
}

static bool has_group(const struct dg_event *e)
{
	return (e->flags & DG_EF_GROUP) && e->group >= 0;
}

static bool has_rule(const struct dg_event *e, const struct event_ctx *c)
{
	return e->rule_line && c->policy_source && c->policy_source[0];
}

static void line_json_key(struct line *l, const char *key)
{
	line_printf(l, "%s\"%s\":", l->pos > 1 ? "," : "", key);
}

static void line_json_str_field(struct line *l, const char *key, const char *s, size_t max)
{
	if (!strnlen(s, max))
		return;
	line_json_key(l, key);
	line_json_string(l, s, max);
}

static void line_json_decision(struct line *l, const struct dg_event *e,
			  const struct event_ctx *c)
{
	char tmp[24], rule[DG_SOURCE_LEN + 12];

	if (e->flags & DG_EF_VERDICT) {
		line_json_key(l, "verdict");
		line_printf(l, "\"%s\"", VERDICT(e->verdict, tmp));
	}
	if (e->reason != DG_REASON_NONE) {
		line_json_key(l, "reason");
		line_printf(l, "\"%s\"", REASON(e->reason, tmp));
	}
	if (has_rule(e, c)) {
		/* a file name may hold odd bytes too: escape it with the line */
		snprintf(rule, sizeof(rule), "%.*s:%u", DG_SOURCE_LEN,
			 c->policy_source, e->rule_line);
		line_json_key(l, "rule");
		line_json_string(l, rule, sizeof(rule));
	}
}

static void line_json_subject(struct line *l, const struct dg_event *e)
{
	char tmp[24], id[PCI_ID_LEN], class[PCI_CLASS_LEN];

	if (e->flags & DG_EF_DEVICE)
		line_json_str_field(l, "device", e->device, sizeof(e->device));
	if (e->flags & DG_EF_PCI) {
		line_json_key(l, "id");
		line_printf(l, "\"%s\"", pci_id_str(id, e->vendor, e->devid));
		line_json_key(l, "class");
		line_printf(l, "\"%s\"", pci_class_str(class, e->class));
	}
	if (has_group(e)) {
		line_json_key(l, "group");
		line_printf(l, "%d", e->group);
	}
	if (e->flags & DG_EF_DRIVER) {
		line_json_str_field(l, "driver", e->driver, sizeof(e->driver));
		line_json_key(l, "dma");
		line_printf(l, "\"%s\"", DMA(e->dma, tmp));
	}
}

/* What every JSON line starts with: the schema, the time (if has_ts) and the host. */
static void line_json_envelope(struct line *l, bool has_ts, __u64 boot_ns,
			       const struct event_ctx *c)
{
	char ts[EVENT_TS_LEN];

	line_json_key(l, "schema");
	line_printf(l, "%d", EVENT_SCHEMA);
	if (has_ts && event_format_ts(boot_ns, c->realtime_offset_ns, ts, sizeof(ts)) > 0) {
		line_json_key(l, "ts");
		line_printf(l, "\"%s\"", ts);
	}
	if (c->host)
		line_json_str_field(l, "host", c->host, EVENT_HOST_LEN);
}

int event_format_json(const struct dg_event *e, const struct event_ctx *c,
		      char *buf, size_t len)
{
	char tmp[24];
	struct line l;

	line_init(&l, buf, len);
	line_putc(&l, '{');
	line_json_envelope(&l, true, e->boot_ns, c);
	if (has_seq(e)) {
		line_json_key(&l, "seq");
		line_printf(&l, "%llu", (unsigned long long)e->seq);
	}
	line_json_key(&l, "type");
	line_printf(&l, "\"%s\"", NAME_OF(type_names, e->type, tmp));
	line_json_decision(&l, e, c);
	line_json_subject(&l, e);
	if (e->flags & DG_EF_MAP) {
		line_json_key(&l, "map");
		line_printf(&l, "\"%s\"", NAME_OF(map_names, e->map, tmp));
		line_json_key(&l, "count");
		line_printf(&l, "%llu", (unsigned long long)e->count);
	}
	if (e->flags & DG_EF_RESULT) {
		line_json_key(&l, "result");
		line_printf(&l, "%d", e->result);
	}
	if (has_task(e)) {
		line_json_key(&l, "pid");
		line_printf(&l, "%u", e->pid);
		line_json_str_field(&l, "comm", e->comm, sizeof(e->comm));
		line_json_key(&l, "uid");
		line_printf(&l, "%u", e->uid);
	}
	if (e->flags & DG_EF_CGROUP)
		line_json_str_field(&l, "cgroup", e->cgroup, sizeof(e->cgroup));
	if (e->flags & DG_EF_EXE)
		line_json_str_field(&l, "exe", e->exe, sizeof(e->exe));
	line_putc(&l, '}');
	return line_done(&l);
}

/* "DENY rule policy.conf:7", "ALLOW default", "kernel-refused" */
static void text_decision(struct line *l, const struct dg_event *e,
			  const struct event_ctx *c)
{
	char tmp[24];
	const char *v;
	size_t i;

	if (e->flags & DG_EF_VERDICT) {
		v = VERDICT(e->verdict, tmp);
		/* upper case, padded to the widest verdict so the rest lines up */
		line_putc(l, ' ');
		for (i = 0; v[i]; i++)
			line_putc(l, v[i] >= 'a' && v[i] <= 'z' ? v[i] - 'a' + 'A' : v[i]);
		for (; i < 5; i++)
			line_putc(l, ' ');
	}
	if (e->reason != DG_REASON_NONE)
		line_printf(l, " %s", REASON(e->reason, tmp));
	if (has_rule(e, c)) {
		line_putc(l, ' ');
		line_text_string(l, c->policy_source, DG_SOURCE_LEN);
		line_printf(l, ":%u", e->rule_line);
	} else if (e->rule_line) {
		line_printf(l, " line %u", e->rule_line);
	}
}

/* "0000:02:01.0 [8086:100e class 0x020000 group 5] driver e1000 (kernel DMA)" */
static void text_subject(struct line *l, const struct dg_event *e)
{
	bool pci = e->flags & DG_EF_PCI;
	char tmp[24], id[PCI_ID_LEN], class[PCI_CLASS_LEN];

	if ((e->flags & DG_EF_DEVICE) && e->device[0]) {
		line_putc(l, ' ');
		line_text_string(l, e->device, sizeof(e->device));
	}
	if (pci)
		line_printf(l, " [%s class %s", pci_id_str(id, e->vendor, e->devid),
			    pci_class_str(class, e->class));
	if (has_group(e))
		line_printf(l, "%sgroup %d", pci ? " " : " [", e->group);
	if (pci || has_group(e))
		line_putc(l, ']');
	if (e->flags & DG_EF_DRIVER) {
		if (e->driver[0]) {
			line_printf(l, " driver ");
			line_text_string(l, e->driver, sizeof(e->driver));
		}
		line_printf(l, " (%s DMA)", DMA(e->dma, tmp));
	}
}

/* What every text line starts with: "TS HOST " (the time if has_ts). */
static void line_text_envelope(struct line *l, bool has_ts, __u64 boot_ns,
			       const struct event_ctx *c)
{
	char ts[EVENT_TS_LEN];

	if (has_ts && event_format_ts(boot_ns, c->realtime_offset_ns, ts, sizeof(ts)) > 0)
		line_printf(l, "%s ", ts);
	if (c->host && c->host[0]) {
		line_text_string(l, c->host, EVENT_HOST_LEN);
		line_putc(l, ' ');
	}
}

int event_format_text(const struct dg_event *e, const struct event_ctx *c,
		      char *buf, size_t len)
{
	char tmp[24];
	struct line l;

	line_init(&l, buf, len);
	line_text_envelope(&l, true, e->boot_ns, c);
	if (has_seq(e))
		line_printf(&l, "#%llu ", (unsigned long long)e->seq);
	/* type padded to the widest name ("hotplug", "release", "present") */
	line_printf(&l, "%-7s", NAME_OF(type_names, e->type, tmp));
	text_decision(&l, e, c);
	if (e->flags & DG_EF_MAP)
		line_printf(&l, " map %s full, %llu failed updates",
			    NAME_OF(map_names, e->map, tmp), (unsigned long long)e->count);
	text_subject(&l, e);
	if (e->flags & DG_EF_RESULT)
		line_printf(&l, " result %d", e->result);
	if (has_task(e)) {
		line_printf(&l, " by ");
		line_text_string(&l, e->comm, sizeof(e->comm));
		line_printf(&l, "[%u] uid %u", e->pid, e->uid);
	}
	if (e->flags & DG_EF_CGROUP) {
		line_printf(&l, " cgroup ");
		line_text_string(&l, e->cgroup, sizeof(e->cgroup));
	}
	if (e->flags & DG_EF_EXE) {
		line_printf(&l, " exe ");
		line_text_string(&l, e->exe, sizeof(e->exe));
	}
	/* no trailing blanks from the padding when nothing followed it */
	while (l.pos && l.buf[l.pos - 1] == ' ')
		l.buf[--l.pos] = '\0';
	return line_done(&l);
}

int event_format_lost_json(__u64 count, bool unsequenced, __u64 boot_ns,
			   const struct event_ctx *c, char *buf, size_t len)
{
	struct line l;

	line_init(&l, buf, len);
	line_putc(&l, '{');
	line_json_envelope(&l, boot_ns != 0, boot_ns, c);
	line_printf(&l, ",\"type\":\"lost\",\"count\":%llu%s}", (unsigned long long)count,
		    unsequenced ? ",\"unsequenced\":true" : "");
	return line_done(&l);
}

int event_format_lost_text(__u64 count, bool unsequenced, __u64 boot_ns,
			   const struct event_ctx *c, char *buf, size_t len)
{
	struct line l;

	line_init(&l, buf, len);
	line_text_envelope(&l, boot_ns != 0, boot_ns, c);
	line_printf(&l, "lost %llu event%s%s", (unsigned long long)count,
		    count == 1 ? "" : "s", unsequenced ? " before they had a sequence number" : "");
	return line_done(&l);
}
