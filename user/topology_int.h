/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by topology.c and topology_owner.c only. */
#ifndef DMAGUARD_TOPOLOGY_INT_H
#define DMAGUARD_TOPOLOGY_INT_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include "topology.h"

/* Make room for need elements of elem bytes in *arr (capacity *cap). */
int topo_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* Copy src into dst[size]; true when it had to be cut. */
bool topo_copy_name(char *dst, size_t size, const char *src);

/* Read a small sysfs attribute dfd/name, trailing whitespace removed. */
int topo_read_attr(int dfd, const char *name, char *buf, size_t size);

/* Open dirfd/path as a directory stream; NULL if it is not one. */
DIR *topo_open_dir_at(int dirfd, const char *path);

/* A decimal number without sign that fits an int (group ids, pids). */
int topo_parse_id(const char *s, int *id);

/* Fill owner, owner_pid, owner_comm, owner_from_map of every group. */
void topology_judge_owners(const struct topo_opts *o, int rootfd, struct topology *t);

#endif
