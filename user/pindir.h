/* SPDX-License-Identifier: GPL-2.0 */
/* The pin directory: layout, locking, reuse checks, unload. */
#ifndef DMAGUARD_PINDIR_H
#define DMAGUARD_PINDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>
#include "loader.h"

/*
 * Maps userspace uses, pinned by name in the directory; links go in links/,
 * the gates' programs (gates.h) in progs/.
 */
#define PINDIR_N_MAPS 7
extern const char *const pindir_maps[PINDIR_N_MAPS];

/* Programs enforcement cannot do without (besides one kernfs and one open hook). */
#define PINDIR_N_REQUIRED 5
extern const char *const pindir_required[PINDIR_N_REQUIRED];

/* Remove DIR's pins (links/ and the maps) and DIR itself; 0 or -errno. */
int pindir_remove(const char *dir);

/* The directory DIR lives in (where bpffs must be, and the lock is taken). */
int pindir_parent(const char *dir, char *buf, size_t len);

/*
 * Serialise loads and unloads of DIR by a lock on its parent; returns the
 * lock's descriptor, or -1 (best effort) for pindir_unlock().
 */
int pindir_lock(const char *dir);
void pindir_unlock(int fd);

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

/* Pinned enforcement is reused only whole: 0, or an exit code with err set. */
int pindir_check_links(const char *dir, char *err, size_t len);

/* What a reused pin directory has in force, from its link names. */
void pindir_list_links(const char *dir, struct load_report *rep);

/* Detach and unpin everything under DIR. Returns 0, or -1 with err set. */
int pindir_unload(const char *dir, char *err, size_t len);

#endif
