// SPDX-License-Identifier: GPL-2.0
/*
 * `dmaguard run`: make sure enforcement is pinned (reusing what is there: no
 * second attach and no gap on restart), put the policy in force, report the
 * current bindings it would deny as present events (present.h), then
 * stream events (daemon.c). The pins outlive the daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include "cli.h"
#include "daemon.h"
#include "gates.h"
#include "journal.h"
#include "loader.h"
#include "notify.h"
#include "pindir.h"
#include "present.h"
#include "trusted_path.h"
#include "util.h"

enum { OPT_POLICY = 1, OPT_AUDIT, OPT_JSON, OPT_ALL, OPT_OUTPUT, OPT_JOURNAL, OPT_PIN_DIR,
       OPT_METRICS_FILE };

static const struct option run_opts_long[] = {
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "audit", no_argument, NULL, OPT_AUDIT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "journal", no_argument, NULL, OPT_JOURNAL },
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ "metrics-file", required_argument, NULL, OPT_METRICS_FILE },
	{ 0 },
};

/* 0 to go on, or the exit code. */
static int parse_run(int argc, char **argv, struct run_opts *o)
{
	int c, code;

	o->pin_dir = DG_DEFAULT_PIN_DIR;
	while ((c = cli_next_opt(argc, argv, run_opts_long, &code)) > 0) {
		switch (c) {
		case OPT_POLICY: o->policy = optarg; break;
		case OPT_AUDIT: o->audit = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_ALL: o->all = true; break;
		case OPT_OUTPUT: o->output = optarg; break;
		case OPT_JOURNAL: o->journal = true; break;
		case OPT_PIN_DIR: o->pin_dir = path_trim(optarg); break;
		case OPT_METRICS_FILE: o->metrics_file = optarg; break;
		}
	}
	if (c < 0)
		return code == EXIT_OK ? -1 : code;
	code = cli_policy_only(argc, argv, o->policy);
	if (code)
		return code;
	/* one place for the events, so one loss accounting */
	if (o->journal && o->output)
		return cli_usage_error("--journal and --output are exclusive");
	return 0;
}

static void print_active(const struct run_opts *o, const struct policy *pol,
			 const struct load_report *rep)
{
	char gates[256];

	cli_msg(LOG_INFO, "%s %s: %u rules, mode %s, default bind %s, default open %s",
		rep->reused ? "reusing pinned enforcement in" : "enforcement pinned in",
		o->pin_dir, pol->hdr.n_rules,
		pol->hdr.mode == DG_MODE_AUDIT ? "audit" : "enforce",
		policy_verdict_name(pol->hdr.default_bind),
		policy_verdict_name(pol->hdr.default_open));
	cli_msg(LOG_INFO, "deny hooks: %s; ownership: %s%s",
		rep->hooks == HOOK_LSM ? "BPF LSM" : "fmod_ret on security_*() (bpf is not an active LSM)",
		rep->ownership_api ? "kernel DMA-ownership API" : "tracked by dmaguard (kernel has no ownership API)",
		rep->device_claims ? " with device claims" : "");
	gates_describe(gates_attached(o->pin_dir), gates, sizeof(gates));
	cli_msg(LOG_INFO, "%s", gates);
	cli_msg(LOG_INFO, "programs: %s", rep->programs);
}

/*
 * Present events: the current bindings judged now that the policy is in
 * force, those it denies or audits written as events (present.h), counted
 * on stderr. Neither a topology that cannot be read nor an output that
 * cannot be written stops run: enforcement is in force either way. Returns
 * how many current bindings the policy denies or audits.
 */
static size_t report_present(const struct run_opts *o, const struct policy *pol, FILE *out,
			     const struct event_sink *sink)
{
	const char *name = sink ? sink->name : o->output ? o->output : "stdout";
	struct present_result r;
	char err[512];
	size_t violations;

	if (present_report(o->pin_dir, pol, out, o->json, sink, o->all, &r, err,
			   sizeof(err))) {
		cli_err("cannot judge the current bindings: %s; no present events", err);
		return 0;
	}
	if (r.err)
		cli_err("cannot write present events to %s: %s; %zu of %zu not written",
			name, strerror(-r.err), r.unwritten, r.written + r.unwritten);
	violations = r.tally.deny + r.tally.audit;
	if (!violations)
		cli_msg(LOG_INFO, "%zu current bindings, none the policy would deny or audit",
			r.tally.bound);
	else
		cli_msg(LOG_WARNING, "%zu current bindings, %zu the policy would deny, %zu it audits "
			"(present events); dmaguard never unbinds", r.tally.bound,
			r.tally.deny, r.tally.audit);
	return violations;
}

/* The last start line: events are read from now on. */
static void print_enforcing(const struct run_opts *o, const struct policy *pol,
			    const struct load_report *rep, size_t present)
{
	char status[512];
	int n;

	cli_msg(LOG_NOTICE, "enforcing %s", o->policy);
	/* systemd (Type=notify) starts what is ordered after us only now */
	n = snprintf(status, sizeof(status), "enforcing %s: mode %s, %u rules, hooks %s",
		     o->policy, pol->hdr.mode == DG_MODE_AUDIT ? "audit" : "enforce",
		     pol->hdr.n_rules, rep->hooks == HOOK_LSM ? "BPF LSM" : "fmod_ret");
	if (present && n > 0 && (size_t)n < sizeof(status))
		snprintf(status + n, sizeof(status) - n, "; %zu current bindings violate it",
			 present);
	if (notify_ready(status) < 0)
		cli_msg(LOG_WARNING, "cannot tell systemd we are ready (NOTIFY_SOCKET)");
}

/* One streaming daemon per pin directory: two would split the event stream. */
static int claim_stream(const struct pinned *p, const char *dir, int *fd)
{
	*fd = pindir_claim_stream(p->lock_fd, 500);
	if (*fd >= 0)
		return 0;
	cli_err("another 'dmaguard run' is streaming events from %s", dir);
	return EXIT_VIOLATIONS;
}

/*
 * The --output file: appended to, created 0600 whatever the umask, never
 * through a symlink, and only a regular file of ours (file_create_private).
 * NULL after saying why.
 */
static FILE *open_output(const char *path)
{
	char err[512];
	FILE *f;
	int fd;

	fd = file_create_private(path, O_APPEND, err, sizeof(err));
	if (fd < 0) {
		cli_err("%s", err);
		return NULL;
	}
	f = fdopen(fd, "a");
	if (!f) {
		cli_err("cannot open %s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

/*
 * Events go to the journal natively when asked (--journal), or when stdout,
 * where they would go otherwise, is the journal stream systemd connected
 * (JOURNAL_STREAM): there the entries carry fields and a priority that a
 * line on stdout cannot. --output FILE keeps them in FILE.
 */
static bool wants_journal(const struct run_opts *o)
{
	return o->journal || (!o->output && journal_stream_is(STDOUT_FILENO));
}

/*
 * The journal as the event sink, or NULL when no socket can be had: then
 * the events go to stdout (under systemd, the journal as lines).
 */
static const struct event_sink *open_journal(struct journal *j, struct event_sink *sink)
{
	int err = journal_open(j, NULL);

	if (err) {
		cli_msg(LOG_WARNING, "cannot open a socket to the journal: %s; events go to stdout",
			strerror(-err));
		return NULL;
	}
	sink->put = journal_put_record;
	sink->ctx = j;
	sink->name = "the journal";
	cli_msg(LOG_INFO, "events go to the journal (fields DMAGUARD_*)");
	return sink;
}

/*
 * Pin or reuse enforcement, then stream until stopped; the exit code. The
 * output is opened only once enforcement is in force: a name someone made
 * where the event log goes must not leave the host unenforced.
 */
static int enforce_and_stream(const struct run_opts *o, const struct policy *pol)
{
	const struct event_sink *to = NULL;
	struct journal journal = { .fd = -1 };
	struct event_sink sink;
	char err[LOADER_ERR_LEN];
	struct load_report rep;
	int code, lock_fd = -1;
	FILE *out = stdout;
	struct pinned p;

	code = loader_ensure(o->pin_dir, pol, &rep, err, sizeof(err));
	if (rep.warning[0])
		cli_msg(LOG_WARNING, "warning: %s", rep.warning);
	if (code) {
		cli_err("%s", err);
		/* -EPERM (no privilege) is 1: the kernel lacks nothing then */
		return cli_exit_code(code);
	}
	if (pinned_open(&p, o->pin_dir, err, sizeof(err))) {
		cli_err("%s", err);
		return EXIT_VIOLATIONS;
	}
	code = claim_stream(&p, o->pin_dir, &lock_fd);
	if (!code && pinned_set_stream(&p, o->all, o->audit, err, sizeof(err))) {
		cli_err("cannot set the event selection: %s", err);
		code = EXIT_VIOLATIONS;
	}
	if (!code && rep.reused && pinned_set_policy(&p, pol, err, sizeof(err))) {
		cli_err("%s", err);
		code = EXIT_VIOLATIONS;
	}
	if (!code && o->output && !(out = open_output(o->output))) {
		cli_err("enforcement stays pinned in %s; no events are written", o->pin_dir);
		code = EXIT_VIOLATIONS;
	}
	if (!code && wants_journal(o))
		to = open_journal(&journal, &sink);
	if (!code) {
		/* what is attached now that the gates follow the policy and --all */
		pindir_list_links(o->pin_dir, &rep);
		print_active(o, pol, &rep);
		print_enforcing(o, pol, &rep, report_present(o, pol, out, to));
		code = daemon_stream(&p, o, out, to);
	}
	if (out && out != stdout)
		fclose(out);
	journal_close(&journal);
	/* the policy in force stays as it is; only the daemon's requests end */
	if (lock_fd >= 0) {
		pinned_set_stream(&p, false, false, err, sizeof(err));
		close(lock_fd);
	}
	pinned_close(&p);
	return code;
}

static int run_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct policy *pol;
	int code;

	code = parse_run(argc, argv, &o);
	if (code)
		return code < 0 ? EXIT_OK : code;
	pol = calloc(1, sizeof(*pol));
	if (!pol)
		return EXIT_VIOLATIONS;
	code = daemon_load_policy(o.policy, o.audit, pol);
	if (!code) {
		daemon_install_signals();
		code = enforce_and_stream(&o, pol);
	}
	free(pol);
	return code;
}

const struct command cmd_run = {
	"run", "--policy FILE [--audit] [--json] [--all] [--output FILE | --journal] "
	"[--pin-dir DIR] [--metrics-file PATH]",
	"Load and pin enforcement, put FILE in force, then stream events",
	"  --policy FILE   the policy to enforce (dmaguard.policy(5))\n"
	"  --audit         audit mode whatever FILE says: report, never deny\n"
	"  --json          events as JSON lines (default: text), on stdout or FILE\n"
	"  --all           stream allowed binds and opens too (and a present event\n"
	"                  for every current binding)\n"
	"  --output FILE   append events to FILE (created 0600) instead of stdout\n"
	"  --journal       send events to the journal as entries with DMAGUARD_*\n"
	"                  fields (the default when stdout is the journal stream)\n"
	"  --pin-dir DIR   pin under DIR (default " DG_DEFAULT_PIN_DIR ")\n"
	"  --metrics-file PATH\n"
	"                  write what 'dmaguard metrics' prints to PATH (0644) every 5 s,\n"
	"                  replaced atomically (for node_exporter's textfile collector)\n"
	"\nAt start, each current binding FILE would deny or audit is reported as a\n"
	"present event; dmaguard never unbinds a device.\n"
	"\nThe pins outlive the daemon: stopping it leaves enforcement in force\n"
	"('dmaguard unload' takes it away). SIGHUP re-reads FILE; SIGUSR1 opens\n"
	"the --output FILE again (logrotate).\n"
	"\nExit status: 0 stopped by SIGINT or SIGTERM, or the enforcement was unloaded;\n"
	"1 runtime failure (including missing privilege); 2 usage error or invalid\n"
	"policy; 3 the kernel lacks something dmaguard needs.\n",
	run_run,
};
