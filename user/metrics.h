/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus metrics of what is in force (metrics.c): `dmaguard metrics`,
 * and the file `run --metrics-file` rewrites for node_exporter's textfile
 * collector. No listener of dmaguard's own.
 */
#ifndef DMAGUARD_METRICS_H
#define DMAGUARD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include "state.h"

/* How often `run --metrics-file` rewrites the file, in ms. */
#define METRICS_FILE_MS 5000

/*
 * The state under pin_dir (state_gather()) with the live system's groups.
 * 0, or -EIO with err set when the pins exist and cannot be read.
 */
int metrics_gather(const char *pin_dir, struct state *st, char *err, size_t len);

/* st as text exposition, into a malloc()ed *buf of *len bytes; 0 or -errno. */
int metrics_render(const struct state *st, char **buf, size_t *len);

/*
 * Gather, render and replace path atomically (file_replace_public(): 0644,
 * in a judged directory, never through a link); stopped: the caller is the
 * daemon, which has stopped streaming (it still holds the stream lock).
 * 0, or -errno with err set; path is then left as it was.
 */
int metrics_file_write(const char *path, const char *pin_dir, bool stopped, char *err,
		       size_t len);

/* `run --metrics-file`: the file rewritten every METRICS_FILE_MS while the daemon runs. */
struct metrics_writer {
	const char *path;	/* NULL: no file */
	const char *pin_dir;
	long long due_ms;	/* CLOCK_MONOTONIC time of the next write */
	int err;		/* -errno of the last write, 0 when it worked */
	bool stopped;		/* the daemon stopped streaming */
};

void metrics_writer_init(struct metrics_writer *m, const char *path, const char *pin_dir);

/*
 * Rewrite the file when it is due, or now with force. A failure never stops
 * anything: it is said once on stderr with its cause, and once when writing
 * works again.
 */
void metrics_writer_tick(struct metrics_writer *m, bool force);

/* The last write, once the daemon has stopped streaming. */
void metrics_writer_finish(struct metrics_writer *m);

#endif
