// SPDX-License-Identifier: GPL-2.0
/*
 * core_btf: the cut of BTF built here holds the candidates, what they
 * hold by value, and pointers to void; the cut of this host's kernel BTF
 * is BTF libbpf reads, far smaller, and relocating every program of
 * dmaguard's object against it gives the instructions relocating against
 * all of it gives (tests/vm/core/core_agrees.h; the VM runs the same on
 * every kernel).
 */
#include <unistd.h>
#include <bpf/btf.h>
#include <linux/btf.h>
#include "unit.h"
#include "../vm/core/core_agrees.h"

/* The cut of raw BTF built here, parsed back by libbpf. */
static struct btf *cut_of(struct btf *src, const char *const *names, size_t n)
{
	__u32 size;
	const void *raw = btf__raw_data(src, &size);
	struct btf_index x;
	struct btf *out;
	size_t cut_len;
	char *cut;

	if (btf_index_build(&x, raw, size))
		return NULL;
	if (core_btf_cut(&x, names, n, &cut, &cut_len)) {
		btf_index_free(&x);
		return NULL;
	}
	btf_index_free(&x);
	out = btf__new(cut, (__u32)cut_len);
	free(cut);
	return out;
}

/*
 * struct outer { struct inner in; struct other *p; int arr[2]; fn_t *f;
 * union { int u; }; }, and the like: which types the cut holds, and how.
 */
TEST(the_cut_holds_what_relocation_reads_by_value)
{
	static const char *const names[] = { "outer___v2", "fn_t" };
	struct btf *b = btf__new_empty(), *c;
	int i_int, inner, other, p_other, arr, proto, fn_t, p_fn, anon, outer, flav, id;
	const struct btf_type *t;
	const struct btf_member *m;

	ASSERT_TRUE(b != NULL);
	i_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	inner = btf__add_struct(b, "inner", 4);
	btf__add_field(b, "a", i_int, 0, 0);
	other = btf__add_struct(b, "other", 4);
	btf__add_field(b, "z", i_int, 0, 0);
	p_other = btf__add_ptr(b, other);
	arr = btf__add_array(b, i_int, i_int, 2);
	proto = btf__add_func_proto(b, i_int);
	fn_t = btf__add_typedef(b, "fn_t", proto);
	p_fn = btf__add_ptr(b, fn_t);
	anon = btf__add_union(b, NULL, 4);
	btf__add_field(b, "u", i_int, 0, 0);
	outer = btf__add_struct(b, "outer", 40);
	btf__add_field(b, "in", inner, 0, 0);
	btf__add_field(b, "p", p_other, 64, 0);
	btf__add_field(b, "arr", arr, 128, 0);
	btf__add_field(b, "f", p_fn, 192, 0);
	btf__add_field(b, NULL, anon, 256, 0);
	ASSERT_TRUE(outer > 0);
	flav = btf__add_struct(b, "outer___old", 4);	/* the same essential name */
	btf__add_field(b, "a", i_int, 0, 0);
	btf__add_func(b, "outer", BTF_FUNC_GLOBAL, proto);	/* a function is no candidate */
	ASSERT_TRUE(flav > 0);

	c = cut_of(b, names, 2);
	ASSERT_TRUE(c != NULL);
	id = btf__find_by_name_kind(c, "outer", BTF_KIND_STRUCT);
	ASSERT_TRUE(id > 0);
	ASSERT_TRUE(btf__find_by_name_kind(c, "outer___old", BTF_KIND_STRUCT) > 0);
	ASSERT_TRUE(btf__find_by_name_kind(c, "inner", BTF_KIND_STRUCT) > 0);
	ASSERT_TRUE(btf__find_by_name_kind(c, "other", BTF_KIND_STRUCT) < 0);
	ASSERT_TRUE(btf__find_by_name_kind(c, "outer", BTF_KIND_FUNC) < 0);
	/* members by name, offset and kind; pointers point at void */
	t = btf__type_by_id(c, id);
	ASSERT_EQ(btf_vlen(t), 5);
	m = btf_members(t);
	ASSERT_STREQ(btf__name_by_offset(c, m[1].name_off), "p");
	ASSERT_EQ(m[1].offset, 64);
	ASSERT_TRUE(btf_is_ptr(btf__type_by_id(c, m[1].type)));
	ASSERT_EQ(btf__type_by_id(c, m[1].type)->type, 0);
	ASSERT_TRUE(btf_is_array(btf__type_by_id(c, m[2].type)));
	ASSERT_EQ(btf_array(btf__type_by_id(c, m[2].type))->nelems, 2);
	ASSERT_TRUE(btf_is_union(btf__type_by_id(c, m[4].type)));
	/* a typedef of a function type: kept, as void */
	id = btf__find_by_name_kind(c, "fn_t", BTF_KIND_TYPEDEF);
	ASSERT_TRUE(id > 0);
	ASSERT_EQ(btf__type_by_id(c, id)->type, 0);
	btf__free(c);
	btf__free(b);
}

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
