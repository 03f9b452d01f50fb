/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pinned format version, and taking over older pins in place: a newer
 * dmaguard attaches its programs beside the old ones, moves the gate
 * (dg_format.enforce) from the old set to its own, and releases the old
 * links, with no moment in which no set judges (dmaguard(8), UPGRADING).
 */
#ifndef DMAGUARD_UPGRADE_H
#define DMAGUARD_UPGRADE_H

#include <stdbool.h>
#include <stddef.h>
#include "dmaguard.h"
#include "loader.h"

struct pindir;

/* The format entry a fresh load writes, with set judging alone. */
void upgrade_format_init(struct dg_format *f, unsigned int set);

/*
 * Read DIR/format: 0, -ENOENT when DIR has no format pin, -EPROTO when it
 * is not a format map, else -errno.
 */
int upgrade_read_format(const char *dir, struct dg_format *f);

/*
 * Whether this build may operate the pins in DIR as they are: 0 (same
 * format, or a newer one that declares itself compatible), 1 (an older
 * format: `run` takes it over), or -EPROTO with err saying why not (pins
 * without a format, or a newer incompatible format; both formats and
 * builds named).
 */
int upgrade_check(const char *dir, char *err, size_t len);

/*
 * With the load lock held, before DIR is reused: finish or roll back a
 * takeover a killed `run` left (phase recorded in the format entry). 0, or
 * -errno with err set. *stream_fd gets the retired set's links/ directory
 * when a daemon may still stream from it (else -1).
 */
int upgrade_recover(const struct pindir *pd, int *stream_fd, char *err, size_t len);

/*
 * With the load lock held: take over the older enforcement pinned in DIR
 * (upgrade_check() said 1). On success DIR holds this build's set, with the
 * old policy in force, and *stream_fd the old set's links/ directory, whose
 * lock the old set's daemon holds while it streams: the caller waits for it
 * (upgrade_wait_stream) after releasing the load lock. 0, or -errno with
 * err set; the old set then still enforces.
 */
int upgrade_takeover(const struct pindir *pd, struct load_report *rep, int *stream_fd,
		     char *err, size_t len);

/* Wait until the old set's daemon has stopped streaming, then close fd. */
void upgrade_wait_stream(int fd);

/* For upgrade.c, from upgrade_state.c. */
struct dmaguard_bpf;
/* Open DIR/format (checked to be one): 0 or -errno (-EPROTO: not a format map). */
int upgrade_open_format(const char *dir, int *fd);
/* Its entry: 0, -EPROTO without the magic, or -errno. */
int upgrade_get_format(int fd, struct dg_format *f);
/* The build that pinned f, for messages. */
const char *upgrade_build_of(struct dg_format *f);
/*
 * Share the maps the BPF side writes with the set pinned in dir, of format
 * from_version, before load.
 */
int upgrade_share_maps(struct dmaguard_bpf *skel, const char *dir, __u32 from_version,
		       char *err, size_t len);
/*
 * Copy (converted) the maps only userspace writes from the set pinned in
 * dir into skel's, after load; *gates: what the policy in force needs.
 */
int upgrade_copy_policy(struct dmaguard_bpf *skel, const char *dir, bool api,
			unsigned int *gates, char *err, size_t len);

#endif
