/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF side's counters (pinned "stats" map) as `status` shows them. */
#ifndef DMAGUARD_STATS_H
#define DMAGUARD_STATS_H

#include <stdio.h>
#include "dmaguard.h"
#include "json.h"

/* Read the pinned stats map at path. Returns 0 or -errno (-EPROTO: other layout). */
int stats_read_pinned(const char *path, struct dg_stats *out);

/*
 * Text: "bpf: next seq N, lost N, untracked N; map-full: groups N, nodes N,
 * inflight N, opening N, claimed_files N"
 */
void stats_text(FILE *f, const struct dg_stats *st);

/*
 * JSON: "bpf": {"next_seq":N,"lost":N,"untracked":N,
 *               "map_full":{"groups":N,"nodes":N,"inflight":N,"opening":N,"claimed_files":N}}
 */
void stats_json(struct json_writer *w, const struct dg_stats *st);
/* The same members without "bpf" and its braces, for a writer that adds more. */
void stats_json_fields(struct json_writer *w, const struct dg_stats *st);

#endif
