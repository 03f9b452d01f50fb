/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event stream of `dmaguard run` (contract.md, "Events"): one line per
 * dg_event, JSON or readable text, `lost` records for events the ring
 * buffer dropped, and the present events run writes at start (present.h).
 *
 * Loss accounting. The BPF side numbers every event it emits with a
 * consecutive seq, also one the ring buffer has no room for, and the ring
 * takes events in seq order (dg_stats), so the seqs the daemon reads jump
 * exactly over the lost ones. A lost record stands exactly where the seqs
 * jump, and its count is the jump:
 *  - a gap between two events read: the lost record is written just before
 *    the event after the gap (event_stream_write());
 *  - the tail, events lost after the last event read: no later event shows
 *    it yet. event_stream_sync_tail() reports it, right after the last event
 *    read, once the kernel's counters prove that every seq from there to the
 *    next one it will give was lost: next_seq (read first) and reserved_next
 *    (the seq after the last event the ring took, read in a later lookup;
 *    the BPF side writes it before next_seq). While an event the ring took
 *    is still unread (the daemon was stopped, or is behind), nothing is
 *    reported: that event comes first, and the gap before it, if any, is
 *    reported in front of it.
 * So lost records never come before events older than the loss, and the
 * counts add up to the seqs skipped. The kernel's dg_stats.lost counts the
 * same drops, for `status`.
 *
 * One loss has no seq: an event dropped because the seq mutex stayed taken
 * past its bound (events.bpf.h), counted in dg_stats.unsequenced. Those are
 * reported apart, when the counter grows, as a lost record marked
 * "unsequenced" (event_stream_sync_unsequenced()): there is no gap to put
 * them in, and giving them a number could give one number twice.
 *
 * Restarts: a new daemon attaching to a pinned ring reads what is pending
 * there. The first event it reads sets the seq base; gaps after it and the
 * tail are reported. Drops before the first pending event happened while no
 * stream read the ring (dg_stats.lost still counts them).
 *
 * Usage by the daemon:
 *	event_stream_init(&s, out, json, offset);
 *	event_stream_set_sink(&s, &sink);	(the journal instead of out, optional)
 *	event_stream_set_policy_source(&s, path);
 *	ring buffer callback: event_stream_measure_clock(&s);
 *		event_stream_write(&s, e);
 *	every second, and at exit after draining the ring: read dg_stats twice,
 *		event_stream_measure_clock(&s);
 *		event_stream_sync_tail(&s, first.next_seq, second.reserved_next, now);
 *
 * Strings from the kernel (device, driver, comm) may hold any byte. JSON
 * strings are escaped by json_escape_byte() (json.h), exactly as in
 * `status --json`: every byte outside printable ASCII is escaped, so each
 * line is ASCII and valid JSON whatever the kernel sent, and decoding a
 * string and encoding it as Latin-1 gives back the kernel's exact bytes (a
 * forged name cannot pass for another). The text format writes those bytes,
 * and a space, as \xNN and a backslash as \\, so every name stays one word
 * of one line.
 */
#ifndef DMAGUARD_EVENTS_H
#define DMAGUARD_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "dmaguard.h"

/*
 * Longest line a formatter can produce, newline included: every string
 * escaped at 6 bytes a byte (64 + 32 + 16 + 128 source bytes and a host
 * name of 64) plus the
 * fixed fields fits well below. Under PIPE_BUF (4096), so one write(2) of a
 * line to a pipe is atomic.
 */
#define EVENT_LINE_MAX 4096

/* RFC 3339 UTC with microseconds: 2026-11-24T10:00:00.123456Z */
#define EVENT_TS_LEN 28

/*
 * The "schema" of every JSON line: it grows only when a change would break
 * a reader of the lines (a field removed or renamed, or its meaning or type
 * changed); new fields and new values leave it (dmaguard(8), EVENTS).
 */
#define EVENT_SCHEMA 1

/* uname's nodename: at most 64 bytes, and its NUL */
#define EVENT_HOST_LEN 65

/* What the formatters need besides the event itself. */
struct event_ctx {
	const char *policy_source;	/* "FILE" of rule=FILE:LINE; NULL or "": no rule field */
	const char *host;		/* NULL or "": no host field */
	__s64 realtime_offset_ns;	/* CLOCK_REALTIME - CLOCK_BOOTTIME */
};

/*
 * CLOCK_REALTIME - CLOCK_BOOTTIME over the daemon's life. The BPF side
 * stamps events with boot time, which no step of the wall clock moves, so
 * an event's wall-clock time is its boot time plus the offset in force when
 * it happened. The offset changes only when the wall clock is stepped
 * (settimeofday(2), NTP at boot; slewing moves both clocks alike), so it is
 * measured again before each event is written, and the offset before the
 * last step is kept with the boot time it was last seen at: an event older
 * than that, read late from a backlog, keeps the wall clock it happened
 * under. (An event between that last look and the step, read after it,
 * gets the new offset: nothing tells the two apart.)
 */
struct event_clock {
	__s64 offset_ns;	/* measured last */
	__u64 seen_ns;		/* boot time of that measurement; 0: none */
	__s64 before_ns;	/* the offset before the last step */
	__u64 before_seen_ns;	/* boot time before_ns was last seen at; 0: no step */
};

/* A change of the offset by more than this is a step, not measuring noise. */
#define EVENT_CLOCK_STEP_NS 1000000LL

/*
 * Where a stream's records go instead of its FILE (the journal, journal.h):
 * put() takes each record in both forms, JSON for its fields and text for
 * its message, without a newline, and returns 0 or -errno, as a write.
 */
struct event_sink {
	int (*put)(void *ctx, const char *json, const char *text);
	void *ctx;
	const char *name;	/* for messages: "the journal" */
};

struct event_stream {
	FILE *out;
	bool json;
	const struct event_sink *sink;	/* set: records go there, not to out */
	struct event_clock clock;
	char host[EVENT_HOST_LEN];	/* "": none */
	char policy_source[2][DG_SOURCE_LEN];	/* by policy slot */

	bool have_seq;
	__u64 next_seq;		/* seq expected next: every seq below is written or lost */

	/* totals, for the daemon's exit summary */
	__u64 events;		/* events written */
	__u64 lost;		/* sum of the lost counts written */
	__u64 late;		/* events that came after their seq was reported lost */

	bool have_unsequenced;	/* unsequenced_seen is set */
	__u64 unsequenced_seen;	/* dg_stats.unsequenced reported up to */
};

/* The name of map DG_MAP_* in map-full events ("inflight"), NULL past the last. */
const char *event_map_name(unsigned int map);
/* The name of event type DG_EV_* ("bind"), NULL for none; of reason DG_REASON_* ("rule"). */
const char *event_type_name(unsigned int type);
const char *event_reason_name(unsigned int reason);

/* Measure CLOCK_REALTIME - CLOCK_BOOTTIME now. Returns 0 or -errno. */
int event_realtime_offset(__s64 *offset_ns);

/*
 * The same, and the boot time it was measured at. Returns 0, -errno, or
 * -EAGAIN when the process was held up between the clock reads for long
 * enough to make the measurement unsure (then it is not used).
 */
int event_clock_measure(__s64 *offset_ns, __u64 *boot_ns);

/* Start with offset_ns, measured at boot time seen_ns (0: unknown). */
void event_clock_init(struct event_clock *c, __s64 offset_ns, __u64 seen_ns);

/* A new measurement: offset_ns, at boot time now_ns. */
void event_clock_update(struct event_clock *c, __s64 offset_ns, __u64 now_ns);

/* The offset in force at boot time boot_ns, as far as c has seen. */
__s64 event_clock_offset(const struct event_clock *c, __u64 boot_ns);

/* The host name for events: uname's nodename into buf (EVENT_HOST_LEN); "" on failure. */
void event_host_name(char *buf, size_t len);

/*
 * Format boot_ns + offset_ns as RFC 3339 UTC, rounded to the nearest
 * microsecond, into buf (at least EVENT_TS_LEN bytes). Returns the length,
 * -ERANGE when the time is outside years 0000..9999, -ENOSPC if buf is short.
 */
int event_format_ts(__u64 boot_ns, __s64 offset_ns, char *buf, size_t len);

/*
 * Format one event as one line, without the newline, into buf. JSON starts
 * with "schema" (EVENT_SCHEMA), "ts" and "host", text with TS and HOST.
 * Fields that do not apply are left out (DG_EF_* flags, reason 0,
 * rule_line 0, a negative group, empty strings; pid/comm/uid when pid is 0
 * and comm empty; ts when it is out of range; host when c has none; seq for
 * a present event, which the BPF side did not number). Returns the length
 * or -ENOSPC.
 */
int event_format_json(const struct dg_event *e, const struct event_ctx *c,
		      char *buf, size_t len);
int event_format_text(const struct dg_event *e, const struct event_ctx *c,
		      char *buf, size_t len);

/*
 * A lost record: {"schema":1,"ts":TS,"host":HOST,"type":"lost","count":N},
 * or in text "TS HOST lost N events" (TS of boot_ns, none when boot_ns is
 * 0; HOST of c); unsequenced adds ,"unsequenced":true and " before they had
 * a sequence number". Returns the length or -ENOSPC.
 */
int event_format_lost_json(__u64 count, bool unsequenced, __u64 boot_ns,
			   const struct event_ctx *c, char *buf, size_t len);
int event_format_lost_text(__u64 count, bool unsequenced, __u64 boot_ns,
			   const struct event_ctx *c, char *buf, size_t len);

/* Starts with the host name of the system (event_host_name()). */
void event_stream_init(struct event_stream *s, FILE *out, bool json,
		       __s64 realtime_offset_ns);

/* Send the records to sink instead of the FILE (NULL: back to the FILE). */
void event_stream_set_sink(struct event_stream *s, const struct event_sink *sink);

/* The host name the events carry; NULL: the system's, read again. */
void event_stream_set_host(struct event_stream *s, const char *host);

/*
 * Measure the clock offset again (event_clock_measure()), before writing
 * what was read: an event after a step of the wall clock gets the new time.
 */
void event_stream_measure_clock(struct event_stream *s);

/*
 * Name used in rule=NAME:LINE for events decided by policy slot `slot` (the
 * BPF side double-buffers the policy; each event says which slot decided),
 * so events read after a reload still name the file their line is from.
 * NULL or "" drops the rule field. Returns -ENAMETOOLONG (and clears the
 * name) when it does not fit DG_SOURCE_LEN, rather than print a cut name.
 */
int event_stream_set_slot_source(struct event_stream *s, unsigned int slot, const char *source);

/* The same name for both slots (one policy, e.g. before the first reload). */
int event_stream_set_policy_source(struct event_stream *s, const char *source);

/*
 * Write e as one line (one fwrite, then fflush), preceded by a lost record
 * when its seq shows a gap (count: the gap). An event whose seq is below the
 * expected one (only possible when the BPF side took a seq without its
 * mutex) is written as it is and counted in s->late. Returns 0, or -errno
 * when a write failed; then nothing of the failed line is accounted, and
 * writing e again is safe.
 */
int event_stream_write(struct event_stream *s, const struct dg_event *e);

/*
 * Write e, a present event (dmaguard's own, made at start: no seq), as one
 * line. It moves no loss accounting: it stands in no gap and sets no seq
 * base. Counted in s->events. Returns 0 or -errno, as event_stream_write().
 */
int event_stream_write_present(struct event_stream *s, const struct dg_event *e);

/*
 * Report the drops dg_stats.unsequenced counted since the last call (the
 * first call only sets the base). Returns 0 or -errno of a failed write,
 * after which the same drops are reported next time.
 */
int event_stream_sync_unsequenced(struct event_stream *s, __u64 unsequenced,
				  __u64 now_boot_ns);

/*
 * Report the lost tail: the seqs from the one expected next up to next_seq,
 * when all of them were lost, i.e. when no event the ring took is unread
 * (the expected seq is at or above reserved_next). next_seq must come from
 * a dg_stats read before the one reserved_next comes from. Nothing is
 * reported before the first event. now_boot_ns is for the text line's TS
 * (0: none). Returns 0 or -errno of a failed write.
 */
int event_stream_sync_tail(struct event_stream *s, __u64 next_seq, __u64 reserved_next,
			   __u64 now_boot_ns);

#endif
