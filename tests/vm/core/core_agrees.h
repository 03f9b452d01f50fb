/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CO-RE relocation against the cut of the kernel's BTF (user/core_btf.h)
 * gives every program of dmaguard's object the very instructions that
 * relocation against all of the kernel's BTF gives. Each program is opened
 * and relocated by libbpf twice, alone (with the global functions every
 * program carries); a section handler registered here takes its
 * instructions just before the kernel would load it, and stops the load.
 * Used by the unit test (this host's kernel) and by core-agrees in the VM
 * (every kernel of the matrix).
 */
#ifndef DMAGUARD_CORE_AGREES_H
#define DMAGUARD_CORE_AGREES_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "dmaguard.skel.h"
#include "dmaguard_core_types.h"
#include "attach_btf.h"
#include "bpf_objects.h"
#include "core_btf.h"
#include "kernel_btf.h"

/* Why a load stopped here: nothing else in libbpf's path returns it. */
#define CAPTURED ECANCELED

static struct bpf_insn *captured;
static size_t n_captured;

static int capture(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	size_t n = bpf_program__insn_cnt(prog);

	(void)opts;
	(void)cookie;
	free(captured);
	captured = malloc(n * sizeof(*captured));
	if (!captured)
		return -ENOMEM;
	memcpy(captured, bpf_program__insns(prog), n * sizeof(*captured));
	n_captured = n;
	return -CAPTURED;
}

/*
 * Program i relocated against path's BTF (NULL: the kernel's own) into
 * *insns (to free), *n. Returns 0, or -errno from libbpf's load: -EPERM
 * where this host may not create the maps, which comes first.
 */
static int relocate_one(size_t i, const char *path, struct bpf_insn **insns, size_t *n)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = path);
	struct dmaguard_bpf *skel = dmaguard_bpf__open_opts(&opts);
	size_t j;
	int r;

	if (!skel)
		return -errno;
	for (j = 0; j < bpf_n_progs; j++)
		bpf_program__set_autoload(prog_of(skel, &bpf_progs[j]), j == i);
	n_captured = 0;
	r = dmaguard_bpf__load(skel);
	dmaguard_bpf__destroy(skel);
	if (r != -CAPTURED)
		return r ? r : -EINVAL;
	*insns = captured;
	*n = n_captured;
	captured = NULL;
	return 0;
}

/* The same instructions, but for the descriptors of maps, made anew per load. */
static bool same_insns(const struct bpf_insn *a, const struct bpf_insn *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct bpf_insn x = a[i], y = b[i];

		if (x.code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    (x.src_reg == BPF_PSEUDO_MAP_FD || x.src_reg == BPF_PSEUDO_MAP_VALUE))
			x.imm = y.imm;
		if (memcmp(&x, &y, sizeof(x)))
			return false;
	}
	return true;
}

/*
 * Compare every program; names what differs on out. Returns how many
 * differ, or -errno when the comparison could not be made.
 */
static int core_agrees(FILE *out)
{
	size_t size, i, n_cut, n_full;
	libbpf_print_fn_t old_print = libbpf_set_print(NULL);	/* it warns of every stopped load */
	const char *path = NULL;
	struct bpf_insn *a, *b;
	struct btf_index x;
	char *btf = NULL;
	struct stat st;
	int r, differ = 0;

	r = kernel_btf_read(&btf, &size);
	if (!r)
		r = btf_index_build(&x, btf, size);
	if (!r) {
		path = core_btf_path(&x, dg_core_type_names,
				     sizeof(dg_core_type_names) / sizeof(dg_core_type_names[0]));
		btf_index_free(&x);
		if (!path)
			fprintf(out, "core-agrees: the cut was not made\n");
		r = path ? 0 : -EPROTO;
	}
	if (!r)
		r = attach_btf_register_sections(capture, NULL);
	if (!r && !stat(path, &st))
		fprintf(out, "core-agrees: cut %lld of %zu bytes of BTF\n", (long long)st.st_size,
			size);
	free(btf);
	for (i = 0; i < bpf_n_progs && !r; i++) {
		r = relocate_one(i, path, &a, &n_cut);
		if (r)
			break;
		r = relocate_one(i, NULL, &b, &n_full);
		if (r) {
			free(a);
			break;
		}
		if (n_cut != n_full || !same_insns(a, b, n_cut)) {
			fprintf(out, "core-agrees: %s: %zu instructions against the cut, %zu against all\n",
				bpf_progs[i].name, n_cut, n_full);
			differ++;
		}
		free(a);
		free(b);
	}
	libbpf_set_print(old_print);
	return r ? r : differ;
}

#endif
