// SPDX-License-Identifier: GPL-2.0
/*
 * The event stream of `dmaguard run` (see events.h): loss accounting and
 * the lines to a FILE or a sink. The lines are formatted by event_format.c,
 * their times kept by event_clock.c.
 */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include "events.h"

void event_host_name(char *buf, size_t len)
{
	struct utsname u;

	if (!len)
		return;
	buf[0] = '\0';
	if (!uname(&u))
		snprintf(buf, len, "%s", u.nodename);
}

void event_stream_init(struct event_stream *s, FILE *out, bool json,
		       __s64 realtime_offset_ns)
{
	memset(s, 0, sizeof(*s));
	s->out = out;
	s->json = json;
	event_clock_init(&s->clock, realtime_offset_ns, 0);
	event_host_name(s->host, sizeof(s->host));
}

void event_stream_set_sink(struct event_stream *s, const struct event_sink *sink)
{
	s->sink = sink;
}

void event_stream_set_host(struct event_stream *s, const char *host)
{
	if (host)
		snprintf(s->host, sizeof(s->host), "%s", host);
	else
		event_host_name(s->host, sizeof(s->host));
}

void event_stream_measure_clock(struct event_stream *s)
{
	__s64 offset;
	__u64 now;

	/* an unsure measurement is not used: the last sure one stays */
	if (!event_clock_measure(&offset, &now))
		event_clock_update(&s->clock, offset, now);
}

int event_stream_set_slot_source(struct event_stream *s, unsigned int slot, const char *source)
{
	char *name = s->policy_source[slot & 1];

	name[0] = '\0';
	if (!source)
		return 0;
	if (strlen(source) >= DG_SOURCE_LEN)
		return -ENAMETOOLONG;
	strcpy(name, source);
	return 0;
}

int event_stream_set_policy_source(struct event_stream *s, const char *source)
{
	event_stream_set_slot_source(s, 0, source);
	return event_stream_set_slot_source(s, 1, source);
}

/*
 * One line, newline included, in one fwrite and one fflush: a reader of the
 * file or pipe never sees half a line from us, and a failure is seen now.
 */
static int stream_put_line(struct event_stream *s, char *buf, int n)
{
	if (n < 0)
		return n;
	buf[n++] = '\n';
	errno = 0;
	if (fwrite(buf, 1, n, s->out) != (size_t)n || fflush(s->out)) {
		clearerr(s->out);
		return errno ? -errno : -EIO;
	}
	return 0;
}

/* The context of a line from policy slot `slot` that happened at boot_ns. */
static struct event_ctx stream_ctx(const struct event_stream *s, unsigned int slot,
				   __u64 boot_ns)
{
	return (struct event_ctx){
		.policy_source = s->policy_source[slot & 1],
		.host = s->host,
		.realtime_offset_ns = event_clock_offset(&s->clock, boot_ns),
	};
}

/* A sink takes both forms of a record; a FILE the stream's one. */
static bool wants_json(const struct event_stream *s)
{
	return s->sink || s->json;
}

static bool wants_text(const struct event_stream *s)
{
	return s->sink || !s->json;
}

/*
 * A record formatted as wants_*() asked (json_n, text_n: the lengths, or
 * -errno of a formatter), to the sink or as a line to the FILE.
 */
static int stream_put(struct event_stream *s, char *json, int json_n, char *text, int text_n)
{
	if (!s->sink)
		return stream_put_line(s, s->json ? json : text, s->json ? json_n : text_n);
	if (json_n < 0)
		return json_n;
	if (text_n < 0)
		return text_n;
	return s->sink->put(s->sink->ctx, json, text);
}

static int put_lost(struct event_stream *s, __u64 count, bool unsequenced, __u64 boot_ns)
{
	struct event_ctx c = stream_ctx(s, 0, boot_ns);
	char json[EVENT_LINE_MAX], text[EVENT_LINE_MAX];
	int n = 0, t = 0;

	/* room for the newline: format into one byte less */
	if (wants_json(s))
		n = event_format_lost_json(count, unsequenced, boot_ns, &c, json, sizeof(json) - 1);
	if (wants_text(s))
		t = event_format_lost_text(count, unsequenced, boot_ns, &c, text, sizeof(text) - 1);
	n = stream_put(s, json, n, text, t);
	if (!n)
		s->lost += count;
	return n;
}

static int stream_put_lost(struct event_stream *s, __u64 count, __u64 boot_ns)
{
	return put_lost(s, count, false, boot_ns);
}

static int stream_put_event(struct event_stream *s, const struct dg_event *e)
{
	struct event_ctx c = stream_ctx(s, e->policy_slot, e->boot_ns);
	char json[EVENT_LINE_MAX], text[EVENT_LINE_MAX];
	int n = 0, t = 0;

	/* room for the newline: format into one byte less */
	if (wants_json(s))
		n = event_format_json(e, &c, json, sizeof(json) - 1);
	if (wants_text(s))
		t = event_format_text(e, &c, text, sizeof(text) - 1);
	return stream_put(s, json, n, text, t);
}

int event_stream_write(struct event_stream *s, const struct dg_event *e)
{
	int err;

	if (!s->have_seq) {
		s->have_seq = true;
		s->next_seq = e->seq;
	}
	/* the lost record stands in the gap, just before the event after it */
	if (e->seq > s->next_seq) {
		err = stream_put_lost(s, e->seq - s->next_seq, e->boot_ns);
		if (err)
			return err;
		s->next_seq = e->seq;
	}
	err = stream_put_event(s, e);
	if (err)
		return err;
	s->events++;
	if (e->seq >= s->next_seq)
		s->next_seq = e->seq + 1;
	else
		s->late++;	/* its seq was reported lost already */
	return 0;
}

int event_stream_write_present(struct event_stream *s, const struct dg_event *e)
{
	int err = stream_put_event(s, e);

	if (!err)
		s->events++;
	return err;
}

int event_stream_sync_unsequenced(struct event_stream *s, __u64 unsequenced,
				  __u64 now_boot_ns)
{
	int err;

	/* the first look, or counters recreated: only later drops are ours */
	if (!s->have_unsequenced || unsequenced < s->unsequenced_seen) {
		s->have_unsequenced = true;
		s->unsequenced_seen = unsequenced;
		return 0;
	}
	if (unsequenced == s->unsequenced_seen)
		return 0;
	err = put_lost(s, unsequenced - s->unsequenced_seen, true, now_boot_ns);
	if (!err)
		s->unsequenced_seen = unsequenced;
	return err;
}

int event_stream_sync_tail(struct event_stream *s, __u64 next_seq, __u64 reserved_next,
			   __u64 now_boot_ns)
{
	int err;

	/* an event the ring took after the last one read is still to come */
	if (!s->have_seq || s->next_seq < reserved_next || next_seq <= s->next_seq)
		return 0;
	err = stream_put_lost(s, next_seq - s->next_seq, now_boot_ns);
	if (err)
		return err;
	s->next_seq = next_seq;
	return 0;
}
