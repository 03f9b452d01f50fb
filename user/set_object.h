/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which BPF object a pinned set was loaded from. Two builds of one format
 * share every pinned map's layout, but not the layout of their globals
 * (.bss, .rodata), nor their programs: only this very object's programs
 * may be loaded into a set (gate_load.c), and `run` takes over in place a
 * set of its format that another object loaded (loader.c).
 */
#ifndef DMAGUARD_SET_OBJECT_H
#define DMAGUARD_SET_OBJECT_H

/*
 * Descriptors of the set's .bss and .rodata (its programs' globals), found
 * through the maps the programs pinned in DIR use. 0, or -errno (-ENOENT:
 * no program there uses one of them); the caller closes both.
 */
int set_object_globals(const char *dir, int *bss_fd, int *rodata_fd);

struct dg_format;

/* Where the set pinned in DIR came from, against this build. */
enum set_origin {
	SET_THIS_OBJECT,	/* this very object */
	SET_OTHER_BUILD,	/* another build of this format (a package upgrade) */
	SET_OLDER_FORMAT,
	SET_NEWER_FORMAT,
};

/* The set's format entry into *f, and its enum set_origin; or -errno. */
int set_object_origin(const char *dir, struct dg_format *f);

#endif
