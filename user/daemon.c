// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon side of `run`: the event stream from the pinned ring buffer
 * until SIGINT or SIGTERM, SIGHUP re-reading the policy file (a bad file is
 * rejected and the policy in force stays), SIGUSR1 reopening the --output
 * file (logrotate), and what it says on stderr.
 *
 * Output errors never touch enforcement and never stop the stream: a
 * daemon that exited on a full disk would be restarted by its service
 * manager into the same full disk, and the events it could not write are
 * counted either way. The first failed write is reported with its cause,
 * the events it costs are counted as lost, and the first write that works
 * again is reported with how many were lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "events.h"
#include "gates.h"
#include "loader.h"
#include "daemon.h"
#include "metrics.h"
#include "pindir.h"
#include "policy.h"
#include "trusted_path.h"
#include "util.h"

/* How often lost-event counters are read when no event arrives, in ms. */
#define POLL_MS 1000

static volatile sig_atomic_t stop_requested, reload_requested, reopen_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else if (sig == SIGUSR1)
		reopen_requested = 1;
	else
		stop_requested = 1;
}

/* libbpf speaks up for warnings only (a failed load prints the verifier log). */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int daemon_load_policy(const char *path, bool audit, struct policy *pol)
{
	char err[POLICY_ERR_LEN];

	if (policy_load(path, pol, err, sizeof(err))) {
		cli_err("%s", err);
		return EXIT_USAGE;
	}
	if (audit)
		pol->hdr.mode = DG_MODE_AUDIT;
	return 0;
}

static void follow_slot(struct pinned *p, struct event_stream *s, __u64 generation[2],
			__u32 slot)
{
	struct dg_policy hdr;

	if (pinned_get_slot(p, slot, &hdr) || hdr.generation == generation[slot])
		return;
	generation[slot] = hdr.generation;
	hdr.source[sizeof(hdr.source) - 1] = '\0';
	event_stream_set_slot_source(s, slot, hdr.source);
}

static void follow_policy(struct pinned *p, struct event_stream *s, __u64 generation[2])
{
	follow_slot(p, s, generation, 0);
	follow_slot(p, s, generation, 1);
}

/* What the ring buffer callback needs. */
struct stream_state {
	struct event_stream s;
	struct pinned *p;
	const char *output;	/* for messages: the --output FILE, the journal or stdout */
	__u64 generation[2];	/* of the policy slots, as the stream names them */
	int write_err;		/* -errno of the failing output, 0 while it works */
	/*
	 * Events not written since the output failed. The stream has not
	 * accounted them, so the first line written again is preceded by a
	 * lost record for them (a gap in seq); only a daemon that stops while
	 * the output still fails counts them itself.
	 */
	__u64 unwritten;
};

/* A write that failed (err < 0) or worked (0): say so once per change. */
static void output_result(struct stream_state *st, int err, __u64 events)
{
	if (err && !st->write_err)
		cli_err("cannot write events to %s: %s; they are counted as lost until "
			"writing works again (enforcement is not affected)",
			st->output, strerror(-err));
	else if (!err && st->write_err)
		cli_msg(LOG_WARNING, "writing events to %s again; %llu events were lost", st->output,
			(unsigned long long)st->unwritten);
	if (err)
		st->unwritten += events;
	else
		st->unwritten = 0;
	st->write_err = err;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct stream_state *st = ctx;
	struct dg_event rec = { 0 };
	const struct dg_event *e = &rec;

	/*
	 * During a takeover the programs of an older format share the ring:
	 * their records end before cgroup and exe (format 3), which stay "".
	 */
	if (size < offsetof(struct dg_event, cgroup))
		return 0;
	memcpy(&rec, data, size < sizeof(rec) ? size : sizeof(rec));
	/*
	 * A rule is named by its slot's file: look at that slot again first,
	 * so an event decided just after a reload names the new file. (An
	 * event still unread when its slot has been rewritten twice would name
	 * the newer file.)
	 */
	if (e->rule_line)
		follow_slot(st->p, &st->s, st->generation, e->policy_slot & 1);
	/* the wall clock may have been stepped since the last event */
	event_stream_measure_clock(&st->s);
	output_result(st, event_stream_write(&st->s, e), 1);
	return 0;
}

static __u64 boot_ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * The lost tail (events.h): next_seq from one read, reserved_next from a
 * later one. A lost record that cannot be written is tried again next time.
 */
static void sync_lost(struct stream_state *st)
{
	struct dg_stats first, second;
	__u64 lost;
	int err;

	if (pinned_get_stats(st->p, &first))
		return;
	/* the second read after the first, on CPUs that reorder loads (arm64) */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (pinned_get_stats(st->p, &second))
		return;
	lost = st->s.lost;
	event_stream_measure_clock(&st->s);
	err = event_stream_sync_tail(&st->s, first.next_seq, second.reserved_next,
				     boot_ns_now());
	if (!err)
		err = event_stream_sync_unsequenced(&st->s, second.unsequenced, boot_ns_now());
	if (err || st->s.lost != lost)
		output_result(st, err, 0);
}

static void reload_from_signal(struct pinned *p, const struct run_opts *o)
{
	char err[LOADER_ERR_LEN];
	struct policy *pol = calloc(1, sizeof(*pol));

	if (!pol)
		return;
	if (daemon_load_policy(o->policy, o->audit, pol) == 0) {
		if (pinned_set_policy(p, pol, err, sizeof(err))) {
			cli_err("reload: %s; the previous policy stays in force", err);
		} else {
			gates_describe(gates_attached(o->pin_dir), err, sizeof(err));
			cli_msg(LOG_NOTICE, "reloaded %s: %u rules; %s", o->policy,
				pol->hdr.n_rules, err);
		}
	} else {
		cli_err("reload: %s rejected; the previous policy stays in force", o->policy);
	}
	free(pol);
}

/*
 * SIGUSR1, after logrotate moved FILE away: open FILE again by its path,
 * under the rules it was first opened by (file_create_private()), and put
 * it in the place of the old file's descriptor, so the stream writes the
 * next line to it. When that fails the old file stays the output.
 */
static void reopen_output(struct stream_state *st, const char *path)
{
	char err[512];
	int fd;

	if (!path) {
		cli_msg(LOG_WARNING, "SIGUSR1: events go to %s; there is no --output FILE to reopen",
			st->output);
		return;
	}
	fd = file_create_private(path, O_APPEND, err, sizeof(err));
	if (fd < 0) {
		cli_err("cannot reopen %s; events still go to the file opened before", err);
		return;
	}
	fflush(st->s.out);
	if (dup3(fd, fileno(st->s.out), O_CLOEXEC) < 0)
		cli_err("cannot reopen %s: %s; events still go to the file opened before",
			path, strerror(errno));
	else
		cli_msg(LOG_NOTICE, "reopened %s", path);
	close(fd);
}

/*
 * Events name rules as FILE:LINE of the policy slot that decided them;
 * `dmaguard reload` from elsewhere may have refilled a slot, so take each
 * slot's file name from its pinned header whenever its generation changes.
 */
int daemon_stream(struct pinned *p, const struct run_opts *o, FILE *out,
		  const struct event_sink *sink)
{
	struct stream_state st = {
		.p = p,
		.output = sink ? sink->name : o->output ? o->output : "stdout",
	};
	struct event_stream *s = &st.s;
	struct metrics_writer metrics;
	struct ring_buffer *rb;
	__s64 offset = 0;
	int r, code = EXIT_OK;

	event_realtime_offset(&offset);
	event_stream_init(s, out, o->json, offset);
	event_stream_measure_clock(s);
	event_stream_set_sink(s, sink);
	/* after a takeover: where the previous daemon stopped, so a gap shows */
	if (!pinned_take_cursor(p, &s->next_seq) && s->next_seq)
		s->have_seq = true;
	follow_policy(p, s, st.generation);
	sync_lost(&st);
	metrics_writer_init(&metrics, o->metrics_file, o->pin_dir);
	metrics_writer_tick(&metrics, true);
	rb = ring_buffer__new(p->events_fd, on_event, &st, NULL);
	if (!rb) {
		cli_err("cannot read the event ring: %s", strerror(errno));
		return EXIT_VIOLATIONS;
	}
	while (!stop_requested) {
		r = ring_buffer__poll(rb, POLL_MS);
		if (r < 0 && r != -EINTR) {
			cli_err("reading events: %s", strerror(-r));
			code = EXIT_VIOLATIONS;
			break;
		}
		if (reload_requested) {
			reload_requested = 0;
			reload_from_signal(p, o);
			/* the host may have been renamed since */
			event_stream_set_host(s, NULL);
		}
		if (reopen_requested) {
			reopen_requested = 0;
			reopen_output(&st, o->output);
		}
		follow_policy(p, s, st.generation);
		sync_lost(&st);
		metrics_writer_tick(&metrics, false);
		/*
		 * Unloaded under us: nothing is enforced or reported any more.
		 * Exit 0, so a service manager restarting on failure does not
		 * load it again behind the administrator's back.
		 */
		if (!pinned_is_current(p)) {
			cli_msg(LOG_WARNING, "the enforcement in %s was %s; stopping", o->pin_dir,
				pinned_gone_how(p));
			break;
		}
	}
	ring_buffer__consume(rb);
	sync_lost(&st);
	ring_buffer__free(rb);
	/* the last state: no daemon streaming, or nothing pinned (not a successor's) */
	if (pinned_is_current(p) || !pinned_taken_over(p))
		metrics_writer_finish(&metrics);
	if (s->have_seq && !pinned_is_current(p) && pinned_taken_over(p))
		pinned_leave_cursor(p, s->next_seq);
	cli_msg(s->lost + st.unwritten ? LOG_WARNING : LOG_NOTICE,
		"stopped: %llu events, %llu lost; %s%s", (unsigned long long)s->events,
		(unsigned long long)(s->lost + st.unwritten),
		pinned_is_current(p) ? "enforcement stays pinned" : "enforcement was ",
		pinned_is_current(p) ? "" : pinned_gone_how(p));
	return code;
}

void daemon_install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* no SA_RESTART: the poll must return to see the flags */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	libbpf_set_print(libbpf_print);
}

