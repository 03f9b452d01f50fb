/* SPDX-License-Identifier: GPL-2.0 */
/* The pin directory: layout, locking, reuse checks, unload. */
#ifndef DMAGUARD_PINDIR_H
#define DMAGUARD_PINDIR_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <linux/bpf.h>
#include "loader.h"

/*
 * The maps of bpf_objects.h are pinned by name in the directory, the links
 * in links/, the gates' programs (gates.h) in progs/.
 */

/* Remove DIR's pins (every one, of any format) and DIR itself; 0 or -errno. */
int pindir_remove(const char *dir);

/*
 * pindir_remove(), adding the ids of the programs pinned in target (links/
 * and progs/) to ids[*n..max), to see them go afterwards.
 */
int pindir_remove_collecting(const char *target, __u32 *ids, size_t *n, size_t max);

/* The directory DIR lives in (where bpffs must be). */
int pindir_parent(const char *dir, char *buf, size_t len);

/*
 * A pin directory's surroundings, checked (pindir_guard.c): DIR's parent,
 * every directory above it owned by root and changeable by nobody else (a
 * sticky one aside), held open as parent_fd.
 */
struct pindir {
	char parent[PATH_MAX];	/* DIR's parent, symlinks resolved */
	char path[PATH_MAX];	/* parent/name: DIR as every step names it */
	const char *name;	/* DIR's last component, in path */
	int parent_fd;		/* O_PATH */
	int lock_fd;		/* DIR-lock, flock()ed (pindir_lock), or -1 */
	bool shared_parent;	/* the parent is writable by others (sticky) */
};

/* How long a load or unload waits for another one to finish, in ms. */
#define PINDIR_LOCK_WAIT_MS 60000

/* Resolve and check DIR's parent. 0, or -errno with err set. */
int pindir_open(struct pindir *pd, const char *dir, char *err, size_t len);

/*
 * Serialise loads and unloads: flock() DIR-lock, a 0700 directory of ours
 * that nobody else can open. Waits up to timeout_ms, then -EBUSY naming the
 * holder. 0, or -errno with err set.
 */
int pindir_lock(struct pindir *pd, int timeout_ms, char *err, size_t len);

/* Unlock (removing DIR-lock when nothing is pinned) and close. */
void pindir_close(struct pindir *pd);

/* A warning for the administrator when others can write to the parent, or "". */
void pindir_shared_warning(const struct pindir *pd, char *buf, size_t len);

/*
 * Whether NAME in the parent (DIR, DIR-new, DIR-old), its links/ and progs/
 * are ours and writable by nobody else: 0 (*has_links: links/ exists),
 * -ENOENT when NAME does not exist, else -errno with err naming the owner
 * or the mode.
 */
int pindir_check_tree(const struct pindir *pd, const char *name, bool *has_links, char *err,
		      size_t len);

/*
 * Make DIR-new with links/ and progs/, 0700, exclusively; a stale DIR-new of
 * ours is removed first, anyone else's refused. Its path goes to tmp.
 */
int pindir_make_new(const struct pindir *pd, char *tmp, size_t tmplen, char *err, size_t len);

/* The same for DIR + suffix ("-new"; a takeover's "-next"). */
int pindir_make_sibling(const struct pindir *pd, const char *suffix, char *tmp, size_t tmplen,
			char *err, size_t len);

/* The uid owning NAME in the parent, or -1 when it does not exist. */
int pindir_owner_of(const struct pindir *pd, const char *name);

/*
 * Whether this process may load or unload (CAP_BPF, CAP_PERFMON and
 * CAP_SYS_ADMIN, as far as the kernel knows them): 0, or -EPERM with err
 * saying root is needed.
 */
int pindir_privileged(char *err, size_t len);

/*
 * Take the lock of the one daemon streaming from the pin directory open as
 * dir_fd: its descriptor, or -1 when another holds it after wait_ms (or it
 * has no links/). A reload holds it for a moment to see whether a daemon
 * runs; a starting daemon waits that out.
 */
int pindir_claim_stream(int dir_fd, int wait_ms);

/* Whether a daemon streams from the pin directory open as dir_fd now. */
bool pindir_stream_running(int dir_fd);

/* The info of the BPF link pinned at path; 0 or -errno. */
int pindir_link_info(const char *path, struct bpf_link_info *info);

/*
 * Wait up to timeout_ms until none of the objects ids name (programs or
 * links, by their fd_by_id) exists any more; returns how many still do.
 */
int pindir_wait_gone(int (*fd_by_id)(__u32 id), const __u32 *ids, size_t n, int timeout_ms);

/* Whether DIR's programs follow the kernel's DMA-ownership API (5.19+). */
bool pindir_ownership_api(const char *dir);

/* Whether DIR/SUB/NAME is pinned (SUB: "links" or "progs"). */
bool pindir_has(const char *dir, const char *sub, const char *name);

/* The ids of the programs DIR's links and program pins hold, at most max. */
size_t pindir_prog_ids(const char *dir, __u32 *ids, size_t max);

/* Pinned enforcement is reused only whole: 0, or -EUCLEAN with err set. */
int pindir_check_links(const char *dir, char *err, size_t len);

/* What a reused pin directory has in force, from its link names. */
void pindir_list_links(const char *dir, struct load_report *rep);

/*
 * Detach and unpin everything under DIR. Returns 0 (err then holds a
 * warning, or ""), -ENOENT when nothing is pinned, or -errno with err set.
 */
int pindir_unload(const char *dir, char *err, size_t len);

#endif
