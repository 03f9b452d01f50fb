/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon side of `dmaguard run`: the event stream and its signals. */
#ifndef DMAGUARD_DAEMON_H
#define DMAGUARD_DAEMON_H

#include <stdbool.h>
#include <stdio.h>
#include "events.h"
#include "loader.h"
#include "policy.h"

struct run_opts {
	const char *policy;
	const char *output;	/* NULL: stdout */
	const char *pin_dir;
	const char *metrics_file;	/* NULL: none (metrics.h) */
	bool audit, json, all;
	bool journal;		/* --journal: events to the journal whatever stdout is */
};

/* Load the policy file (audit: force audit mode); 0, or EXIT_USAGE after saying why. */
int daemon_load_policy(const char *path, bool audit, struct policy *pol);

/*
 * SIGINT/SIGTERM stop the stream, SIGHUP reloads, SIGUSR1 reopens the
 * --output file; libbpf speaks for warnings only.
 */
void daemon_install_signals(void);

/*
 * Stream the pinned ring to out, or to sink when it is not NULL (the
 * journal), until a signal stops it or the enforcement is unloaded.
 * Returns the exit code (write errors do not end it).
 */
int daemon_stream(struct pinned *p, const struct run_opts *o, FILE *out,
		  const struct event_sink *sink);

#endif
