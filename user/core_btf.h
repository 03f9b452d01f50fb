/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's BTF cut down to what libbpf's CO-RE relocation of
 * dmaguard's object reads.
 *
 * libbpf relocates each kernel type the object uses (device, pci_dev,
 * task_struct, ... 21 of them) by a linear search through all ~130,000
 * types of the kernel's BTF for those of the same name: 0.9 s of the
 * start on the bench's emulated CPU, on the boot's critical path
 * (tests/bench/README.md). Given a BTF of its own (btf_custom_path) it
 * searches that instead. The cut holds every kernel type whose name, less
 * a ___flavour suffix (libbpf's "essential name"), is one of the object's
 * type names, and every type those hold by value (members, array
 * elements, typedefs, qualifiers), in the kernel's order. A pointer keeps
 * its place but points at void: a field relocation never looks through a
 * pointer (each dereference is a relocation of its own type), and libbpf
 * holds any two pointers compatible. So does a typedef of a function type,
 * which no field holds by value. So field relocations (all dmaguard
 * has) find in the cut the same candidates, members, offsets and sizes as
 * in the whole BTF; the VM scenario core-agrees compares the relocated
 * programs on every kernel. It would not serve a type-based relocation
 * (its ids are the cut's own, its pointers point at void), nor a type of a
 * kernel module: libbpf searches no module's BTF when given one of its own.
 */
#ifndef DMAGUARD_CORE_BTF_H
#define DMAGUARD_CORE_BTF_H

#include <stddef.h>

struct btf_index;

/*
 * Cut the kernel's BTF, indexed (kernel_btf.h), down to the types of
 * names[] (the object's type names) into *out (to free), *out_len bytes.
 * Returns 0; -EPROTO for a function, variable or section held by value
 * (no C type holds one);
 * -EINVAL for malformed BTF; -ENOMEM.
 */
int core_btf_cut(const struct btf_index *x, const char *const *names, size_t n,
		 char **out, size_t *out_len);

/*
 * The path of the cut of the object's types (names[]) as a file libbpf
 * parses (a memfd, by its /proc/self/fd path), made once per process: the
 * kernel's BTF does not change while it runs, and every load of the
 * process may use it. NULL where it cannot be made or libbpf cannot parse
 * it: libbpf then searches all of the kernel's BTF, slower, to the same
 * result.
 */
const char *core_btf_path(const struct btf_index *x, const char *const *names, size_t n);

#endif
