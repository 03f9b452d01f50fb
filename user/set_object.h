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

/* 1: the set pinned in DIR was loaded from this build's object; 0: not; -errno. */
int set_object_same(const char *dir);

#endif
