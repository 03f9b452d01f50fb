// SPDX-License-Identifier: GPL-2.0
/*
 * core_btf: the cut of this host's kernel BTF is BTF libbpf reads, far
 * smaller, and relocating every program of dmaguard's object against it
 * gives the instructions relocating against all of it gives
 * (tests/vm/core/core_agrees.h; the VM runs the same on every kernel).
 */
#include <unistd.h>
#include <bpf/btf.h>
#include "unit.h"
#include "../vm/core/core_agrees.h"

TEST(the_cut_is_btf_and_small)
{
	char *btf = NULL, *cut = NULL;
	size_t size, cut_len;
	struct btf_index x;
	struct btf *parsed;

	if (access(KERNEL_BTF_PATH, R_OK))
		UNIT_SKIP("no %s here", KERNEL_BTF_PATH);
	ASSERT_EQ(kernel_btf_read(&btf, &size), 0);
	ASSERT_EQ(btf_index_build(&x, btf, size), 0);
	ASSERT_EQ(core_btf_cut(&x, dg_core_type_names,
			       sizeof(dg_core_type_names) / sizeof(dg_core_type_names[0]),
			       &cut, &cut_len), 0);
	btf_index_free(&x);
	parsed = btf__new(cut, (__u32)cut_len);
	ASSERT_TRUE(parsed != NULL);
	ASSERT_TRUE(btf__find_by_name_kind(parsed, "device", BTF_KIND_STRUCT) > 0);
	ASSERT_TRUE(btf__find_by_name_kind(parsed, "really_probe", BTF_KIND_FUNC) < 0);
	ASSERT_TRUE(cut_len * 10 < size);
	btf__free(parsed);
	free(btf);
	free(cut);
}

TEST(relocation_against_the_cut_agrees)
{
	int r;

	if (access(KERNEL_BTF_PATH, R_OK))
		UNIT_SKIP("no %s here", KERNEL_BTF_PATH);
	r = core_agrees(stderr);
	if (r == -EPERM)
		UNIT_SKIP("this host may not create BPF maps");
	ASSERT_EQ(r, 0);
}

UNIT_MAIN()
