/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which kernel functions the running kernel's BTF describes: the attach
 * targets dmaguard checks before it loads (loader.c), in one pass over the
 * raw BTF instead of one search of libbpf's parsed copy per name.
 */
#ifndef DMAGUARD_KERNEL_FUNCS_H
#define DMAGUARD_KERNEL_FUNCS_H

#include <stdbool.h>
#include <stddef.h>

#define KERNEL_BTF_PATH "/sys/kernel/btf/vmlinux"

/*
 * Set present[i] when BTF (size bytes, as the kernel exports it) has a
 * function (BTF_KIND_FUNC) named names[i]. Returns 0; -EPROTO when it has
 * a kind or byte order this reader does not know; -EINVAL when it is
 * malformed; -ENOMEM.
 */
int kernel_funcs_scan(const void *btf, size_t size, const char *const *names, size_t n,
		      bool *present);

/*
 * The same for the running kernel: one walk over KERNEL_BTF_PATH. Where
 * that cannot be read or walked, libbpf's parse of the kernel's BTF
 * answers instead (slow, but as capable as the linked libbpf, with its
 * messages and errors). Returns 0 or -errno.
 */
int kernel_funcs_find(const char *const *names, size_t n, bool *present);

#endif
