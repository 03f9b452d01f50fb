/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's BTF as raw bytes: read once at start-up, checked, and
 * walked record by record, for the passes dmaguard makes itself instead
 * of asking libbpf's parse once per question (kernel_funcs.h, core_btf.h):
 * start-up is on the boot's critical path (tests/bench/README.md).
 */
#ifndef DMAGUARD_KERNEL_BTF_H
#define DMAGUARD_KERNEL_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/btf.h>
#include <linux/types.h>

#define KERNEL_BTF_PATH "/sys/kernel/btf/vmlinux"

/* Raw BTF, checked and indexed by type id in one walk over its records. */
struct btf_index {
	const struct btf_type **types;	/* [id] for 1 <= id < n; [0] unused (void) */
	__u32 n;
	const char *strs;
	size_t strs_len;		/* the last byte is a NUL */
};

/*
 * Index size bytes of BTF as the kernel exports it (x points into raw,
 * which must outlive it). 0; -EPROTO: another byte order, not BTF, or a
 * kind not known here (libbpf's to judge); -EINVAL: inconsistent; -ENOMEM.
 */
int btf_index_build(struct btf_index *x, const void *raw, size_t size);
void btf_index_free(struct btf_index *x);

/* Bytes that follow a type's struct btf_type, or -1 for a kind not known here. */
long btf_type_extra(const struct btf_type *t);

/* The string at off, or NULL when off is outside the string section. */
const char *btf_index_str(const struct btf_index *x, __u32 off);

/*
 * Names by their first two bytes, to pass over most of the kernel's
 * ~100,000 type names without a search among the few asked for: may()
 * is false only for a name that starts like none added. A name added is
 * a whole name or an essential name (up to a ___flavour suffix), so one
 * of a single byte also lets names through whose second byte is '_'.
 */
struct btf_name_filter {
	unsigned char bits[256 * 256 / 8];
};

void btf_name_filter_add(struct btf_name_filter *f, const char *name, size_t len);
bool btf_name_filter_may(const struct btf_name_filter *f, const char *name);

/*
 * The running kernel's BTF into *buf (to free), in one bpf() call where the
 * kernel names its BTF object (5.11+), else from KERNEL_BTF_PATH, which
 * hands it out a page per read(). Returns 0 or -errno.
 */
int kernel_btf_read(char **buf, size_t *size);

/*
 * libbpf reads the kernel's BTF from KERNEL_BTF_PATH itself: 0 when that
 * file is BTF of the size kernel_btf_read() gave; -ENOEXEC when it is not
 * (another file mounted over it, say), or -errno.
 */
int kernel_btf_file_check(size_t size);

#endif
