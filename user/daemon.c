// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that change what the kernel enforces: run, reload, unload.
 *
 * `run` makes sure enforcement is pinned (reusing what is there: no second
 * attach and no gap on restart), puts its policy in force, then streams the
 * ring buffer until SIGINT or SIGTERM. The pins outlive it. SIGHUP re-reads
 * the policy file; a bad file is rejected and the policy in force stays.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "events.h"
#include "gates.h"
#include "loader.h"
#include "pindir.h"
#include "policy.h"
#include "util.h"

/* How often lost-event counters are read when no event arrives, in ms. */
#define POLL_MS 1000

static volatile sig_atomic_t stop_requested, reload_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
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

struct run_opts {
	const char *policy;
	const char *output;
	const char *pin_dir;
	bool audit, json, all;
};

static const char run_usage[] =
	"Usage: dmaguard run --policy FILE [--audit] [--json] [--all] [--output FILE] [--pin-dir DIR]\n";

static int parse_run(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "audit", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'A' },
		{ "output", required_argument, NULL, 'o' },
		{ "pin-dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	o->pin_dir = DG_DEFAULT_PIN_DIR;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o->policy = optarg; break;
		case 'a': o->audit = true; break;
		case 'j': o->json = true; break;
		case 'A': o->all = true; break;
		case 'o': o->output = optarg; break;
		case 'd': o->pin_dir = path_trim(optarg); break;
		case 'h': fputs(run_usage, stdout); return -1;
		default: fputs(run_usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("run: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!o->policy) {
		cli_err("run: --policy FILE is required");
		return EXIT_USAGE;
	}
	return 0;
}

static int load_policy(const char *path, bool audit, struct policy *pol)
{
	char err[POLICY_ERR_LEN];

	if (policy_load(path, pol, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	if (audit)
		pol->hdr.mode = DG_MODE_AUDIT;
	return 0;
}

static void print_active(const struct run_opts *o, const struct policy *pol,
			 const struct load_report *rep)
{
	char gates[256];

	fprintf(stderr, "dmaguard: %s %s: %u rules, mode %s, default bind %s, default open %s\n",
		rep->reused ? "reusing pinned enforcement in" : "enforcement pinned in",
		o->pin_dir, pol->hdr.n_rules,
		pol->hdr.mode == DG_MODE_AUDIT ? "audit" : "enforce",
		policy_verdict_name(pol->hdr.default_bind),
		policy_verdict_name(pol->hdr.default_open));
	fprintf(stderr, "dmaguard: deny hooks: %s; ownership: %s%s\n",
		rep->hooks == HOOK_LSM ? "BPF LSM" : "fmod_ret on security_*() (bpf is not an active LSM)",
		rep->ownership_api ? "kernel DMA-ownership API" : "tracked by dmaguard (kernel has no ownership API)",
		rep->device_claims ? " with device claims" : "");
	gates_describe(gates_attached(o->pin_dir), gates, sizeof(gates));
	fprintf(stderr, "dmaguard: %s\n", gates);
	fprintf(stderr, "dmaguard: programs: %s\n", rep->programs);
	fprintf(stderr, "dmaguard: enforcing %s\n", o->policy);
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
	__u64 generation[2];	/* of the policy slots, as the stream names them */
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct stream_state *st = ctx;
	const struct dg_event *e = data;

	if (size < sizeof(struct dg_event))
		return 0;
	/*
	 * A rule is named by its slot's file: look at that slot again first,
	 * so an event decided just after a reload names the new file. (An
	 * event still unread when its slot has been rewritten twice would name
	 * the newer file.)
	 */
	if (e->rule_line)
		follow_slot(st->p, &st->s, st->generation, e->policy_slot & 1);
	/* a failed write is noticed by the caller through ferror() */
	event_stream_write(&st->s, data);
	return 0;
}

static __u64 boot_ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int sync_lost(struct pinned *p, struct event_stream *s)
{
	struct dg_stats st;

	if (pinned_get_stats(p, &st))
		return 0;
	return event_stream_sync_lost(s, &st, boot_ns_now());
}

static void reload_from_signal(struct pinned *p, const struct run_opts *o)
{
	char err[LOADER_ERR_LEN];
	struct policy *pol = calloc(1, sizeof(*pol));

	if (!pol)
		return;
	if (load_policy(o->policy, o->audit, pol) == 0) {
		if (pinned_set_policy(p, pol, err, sizeof(err)))
			cli_err("reload: %s; the previous policy stays in force", err);
		else {
			gates_describe(gates_attached(o->pin_dir), err, sizeof(err));
			fprintf(stderr, "dmaguard: reloaded %s: %u rules; %s\n", o->policy,
				pol->hdr.n_rules, err);
		}
	} else {
		cli_err("reload: %s rejected; the previous policy stays in force", o->policy);
	}
	free(pol);
}

/*
 * Events name rules as FILE:LINE of the policy slot that decided them;
 * `dmaguard reload` from elsewhere may have refilled a slot, so take each
 * slot's file name from its pinned header whenever its generation changes.
 */
static int stream_events(struct pinned *p, const struct run_opts *o, FILE *out)
{
	struct stream_state st = { .p = p };
	struct event_stream *s = &st.s;
	struct ring_buffer *rb;
	__s64 offset = 0;
	int r, code = EXIT_OK;

	event_realtime_offset(&offset);
	event_stream_init(s, out, o->json, offset);
	follow_policy(p, s, st.generation);
	sync_lost(p, s);
	rb = ring_buffer__new(p->events_fd, on_event, &st, NULL);
	if (!rb) {
		cli_err("run: cannot read the event ring: %s", strerror(errno));
		return EXIT_VIOLATIONS;
	}
	while (!stop_requested) {
		r = ring_buffer__poll(rb, POLL_MS);
		if (r < 0 && r != -EINTR) {
			cli_err("run: reading events: %s", strerror(-r));
			code = EXIT_VIOLATIONS;
			break;
		}
		if (reload_requested) {
			reload_requested = 0;
			reload_from_signal(p, o);
		}
		follow_policy(p, s, st.generation);
		sync_lost(p, s);
		if (ferror(out)) {
			cli_err("run: cannot write events: %s", strerror(errno));
			code = EXIT_VIOLATIONS;
			break;
		}
		/*
		 * Unloaded under us: nothing is enforced or reported any more.
		 * Exit 0, so a service manager restarting on failure does not
		 * load it again behind the administrator's back.
		 */
		if (!pinned_is_current(p)) {
			fprintf(stderr, "dmaguard: the enforcement in %s was unloaded; stopping\n",
				o->pin_dir);
			break;
		}
	}
	ring_buffer__consume(rb);
	sync_lost(p, s);
	ring_buffer__free(rb);
	fprintf(stderr, "dmaguard: stopped: %llu events, %llu lost; %s\n",
		(unsigned long long)s->events, (unsigned long long)s->lost,
		pinned_is_current(p) ? "enforcement stays pinned" : "enforcement was unloaded");
	return code;
}

/* One streaming daemon per pin directory: two would split the event stream. */
static int claim_stream(const struct pinned *p, const char *dir, int *fd)
{
	*fd = pindir_claim_stream(p->lock_fd, 500);
	if (*fd >= 0)
		return 0;
	cli_err("run: another 'dmaguard run' is streaming events from %s", dir);
	return EXIT_VIOLATIONS;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* no SA_RESTART: the poll must return to see the flags */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int cmd_run(int argc, char **argv)
{
	char err[LOADER_ERR_LEN];
	struct load_report rep;
	struct run_opts o = { 0 };
	struct policy *pol;
	struct pinned p;
	FILE *out = stdout;
	int code, lock_fd = -1;

	code = parse_run(argc, argv, &o);
	if (code)
		return code < 0 ? EXIT_OK : code;
	pol = calloc(1, sizeof(*pol));
	if (!pol)
		return EXIT_VIOLATIONS;
	code = load_policy(o.policy, o.audit, pol);
	if (code)
		goto out;
	if (o.output && !(out = fopen(o.output, "ae"))) {
		cli_err("run: cannot open %s: %s", o.output, strerror(errno));
		code = EXIT_VIOLATIONS;
		goto out;
	}
	install_signals();
	libbpf_set_print(libbpf_print);
	code = loader_ensure(o.pin_dir, pol, &rep, err, sizeof(err));
	if (rep.warning[0])
		cli_err("warning: %s", rep.warning);
	if (code) {
		cli_err("run: %s", err);
		/* -EPERM (no privilege) is 1: the kernel lacks nothing then */
		code = code == -EOPNOTSUPP ? EXIT_KERNEL :
		       code == -ENAMETOOLONG ? EXIT_USAGE : EXIT_VIOLATIONS;
		goto out;
	}
	if (pinned_open(&p, o.pin_dir, err, sizeof(err))) {
		cli_err("run: %s", err);
		code = EXIT_VIOLATIONS;
		goto out;
	}
	code = claim_stream(&p, o.pin_dir, &lock_fd);
	if (!code && pinned_set_stream(&p, o.all, o.audit, err, sizeof(err))) {
		cli_err("run: cannot set the event selection: %s", err);
		code = EXIT_VIOLATIONS;
	}
	if (!code && rep.reused && pinned_set_policy(&p, pol, err, sizeof(err))) {
		cli_err("run: %s", err);
		code = EXIT_VIOLATIONS;
	}
	if (!code) {
		/* what is attached now that the gates follow the policy and --all */
		pindir_list_links(o.pin_dir, &rep);
		print_active(&o, pol, &rep);
		code = stream_events(&p, &o, out);
	}
	/* the policy in force stays as it is; only the daemon's requests end */
	if (lock_fd >= 0)
		pinned_set_stream(&p, false, false, err, sizeof(err));
	pinned_close(&p);
out:
	if (lock_fd >= 0)
		close(lock_fd);
	if (out != stdout)
		fclose(out);
	free(pol);
	return code;
}

static int parse_pin_only(int argc, char **argv, const char *usage, const char **policy,
			  const char **pin_dir)
{
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "pin-dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*pin_dir = DG_DEFAULT_PIN_DIR;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!policy)
				goto bad;
			*policy = optarg;
			break;
		case 'd': *pin_dir = path_trim(optarg); break;
		case 'h': fputs(usage, stdout); return -1;
		default: goto bad;
		}
	}
	if (optind < argc) {
		cli_err("unexpected argument '%s'", argv[optind]);
		goto bad;
	}
	if (policy && !*policy) {
		cli_err("--policy FILE is required");
		goto bad;
	}
	return 0;
bad:
	fputs(usage, stderr);
	return EXIT_USAGE;
}

int cmd_reload(int argc, char **argv)
{
	static const char usage[] = "Usage: dmaguard reload --policy FILE [--pin-dir DIR]\n";
	const char *path = NULL, *dir;
	char err[LOADER_ERR_LEN];
	struct policy *pol;
	struct pinned p;
	int code;

	code = parse_pin_only(argc, argv, usage, &path, &dir);
	if (code)
		return code < 0 ? EXIT_OK : code;
	pol = calloc(1, sizeof(*pol));
	if (!pol)
		return EXIT_VIOLATIONS;
	code = load_policy(path, false, pol);
	if (code)
		goto out;
	if (pinned_open(&p, dir, err, sizeof(err))) {
		cli_err("reload: %s", err);
		code = EXIT_VIOLATIONS;
		goto out;
	}
	if (pinned_set_policy(&p, pol, err, sizeof(err))) {
		cli_err("reload: %s", err);
		code = EXIT_VIOLATIONS;
	} else {
		gates_describe(gates_attached(dir), err, sizeof(err));
		printf("dmaguard: %s in force (%u rules)\n%s\n", path, pol->hdr.n_rules, err);
	}
	pinned_close(&p);
out:
	free(pol);
	return code;
}

int cmd_unload(int argc, char **argv)
{
	static const char usage[] = "Usage: dmaguard unload [--pin-dir DIR]\n";
	char err[LOADER_ERR_LEN];
	const char *dir;
	int code;

	code = parse_pin_only(argc, argv, usage, NULL, &dir);
	if (code)
		return code < 0 ? EXIT_OK : code;
	code = pindir_unload(dir, err, sizeof(err));
	/* idempotent, for a service manager's stop action */
	if (code == -ENOENT) {
		printf("dmaguard: %s\n", err);
		return EXIT_OK;
	}
	if (code) {
		cli_err("unload: %s", err);
		return EXIT_VIOLATIONS;
	}
	if (err[0])
		cli_err("unload: warning: %s", err);
	printf("dmaguard: unloaded %s\n", dir);
	return EXIT_OK;
}
