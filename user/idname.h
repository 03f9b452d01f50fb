/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User and group names of open rules (uid=libvirt-qemu), resolved when a
 * policy is loaded from the host's /etc/passwd and /etc/group.
 */
#ifndef DMAGUARD_IDNAME_H
#define DMAGUARD_IDNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Largest passwd or group file read. */
#define IDNAME_MAX_BYTES (16 * 1024 * 1024)

#define IDNAME_NONE 1

/* One file, read at its first lookup and kept until idname_db_free(). */
struct idname_db {
	const char *path;	/* /etc/passwd or /etc/group */
	char *text;
	size_t len;
	int err;		/* -errno of the read, once tried */
	bool loaded;
};

/*
 * The id of the entry named name (len bytes) in a passwd- or group-format
 * file, "name:password:id:...", the first entry of that name winning as
 * with the C library's "files" source. Returns 0 with *id set, IDNAME_NONE
 * for no such entry, or -errno when the file cannot be read.
 */
int idname_lookup(struct idname_db *db, const char *name, size_t len, __u32 *id);

void idname_db_free(struct idname_db *db);

#endif
