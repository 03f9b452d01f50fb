/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which kernel functions the running kernel's BTF describes, and their
 * type ids: the attach targets dmaguard checks before it loads (loader_open.c)
 * and hands libbpf at load (attach_btf.h), in one pass over the raw BTF
 * instead of one search of libbpf's parsed copy per name.
 */
#ifndef DMAGUARD_KERNEL_FUNCS_H
#define DMAGUARD_KERNEL_FUNCS_H

#include <stddef.h>
#include <linux/types.h>

/*
 * Set ids[i] to the type id of the first function (BTF_KIND_FUNC) named
 * names[i] in BTF (size bytes, as the kernel exports it), the one libbpf's
 * search finds, or to 0 where it has none. Returns 0; -EPROTO when it has
 * a kind or byte order this reader does not know; -EINVAL when it is
 * malformed; -ENOMEM.
 */
int kernel_funcs_scan(const void *btf, size_t size, const char *const *names, size_t n,
		      __u32 *ids);

struct btf_index;

/* The same in indexed BTF (kernel_btf.h); 0, -EINVAL or -ENOMEM. */
int kernel_funcs_lookup(const struct btf_index *x, const char *const *names, size_t n,
			__u32 *ids);

/*
 * The same for the running kernel, whose BTF kernel_btf_read() gave,
 * indexed (x NULL where it could not be read or indexed). Where it cannot
 * be used, libbpf's parse of the kernel's BTF answers instead (slow, but
 * as capable as the linked libbpf, with its messages and errors). Returns
 * 0 or -errno.
 */
int kernel_funcs_find(const struct btf_index *x, const char *const *names, size_t n,
		      __u32 *ids);

#endif
