// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_funcs: the one-pass walk over raw BTF finds exactly the functions
 * (and no type of another kind by the same name), with the type id libbpf's
 * search gives (the first of a name), in BTF built here with
 * every kind whose size differs, refuses truncated or inconsistent BTF,
 * answers -EPROTO for a kind or byte order it does not know (the caller
 * then asks libbpf), and agrees with libbpf on this host's own kernel BTF
 * on every attach target's id dmaguard has.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "bpf_objects.h"
#include "kernel_btf.h"
#include "kernel_funcs.h"
#include "unit.h"

/* A BTF blob under construction: header, types, strings. */
struct blob {
	char types[1024];
	size_t types_len;
	char strs[256];
	size_t strs_len;
	char out[2048];
	size_t out_len;
};

static void blob_init(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	b->strs_len = 1;	/* offset 0 is the empty name */
}

static __u32 str(struct blob *b, const char *s)
{
	__u32 off = (__u32)b->strs_len;

	memcpy(b->strs + off, s, strlen(s) + 1);
	b->strs_len += strlen(s) + 1;
	return off;
}

/* A type named name of kind with vlen, followed by extra zeroed bytes. */
static void type(struct blob *b, const char *name, int kind, int vlen, size_t extra)
{
	struct btf_type t = {
		.name_off = name ? str(b, name) : 0,
		.info = ((__u32)kind << 24) | (__u32)vlen,	/* kind_flag 0 */
	};

	memcpy(b->types + b->types_len, &t, sizeof(t));
	b->types_len += sizeof(t) + extra;
}

static void blob_finish(struct blob *b)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = (__u32)b->types_len,
		.str_off = (__u32)b->types_len, .str_len = (__u32)b->strs_len,
	};

	memcpy(b->out, &h, sizeof(h));
	memcpy(b->out + sizeof(h), b->types, b->types_len);
	memcpy(b->out + sizeof(h) + b->types_len, b->strs, b->strs_len);
	b->out_len = sizeof(h) + b->types_len + b->strs_len;
}

/* Every kind that has a size of its own, functions between them. */
static void sample(struct blob *b)
{
	blob_init(b);
	type(b, "int", BTF_KIND_INT, 0, 4);
	type(b, "device", BTF_KIND_STRUCT, 3, 3 * sizeof(struct btf_member));
	type(b, NULL, BTF_KIND_FUNC_PROTO, 2, 2 * sizeof(struct btf_param));
	type(b, "really_probe", BTF_KIND_FUNC, 0, 0);
	type(b, "e", BTF_KIND_ENUM, 2, 2 * sizeof(struct btf_enum));
	type(b, "e64", BTF_KIND_ENUM64, 1, sizeof(struct btf_enum64));
	type(b, NULL, BTF_KIND_ARRAY, 0, sizeof(struct btf_array));
	type(b, "v", BTF_KIND_VAR, 0, sizeof(struct btf_var));
	type(b, ".data", BTF_KIND_DATASEC, 2, 2 * sizeof(struct btf_var_secinfo));
	type(b, "tag", BTF_KIND_DECL_TAG, 0, sizeof(struct btf_decl_tag));
	type(b, "u", BTF_KIND_UNION, 1, sizeof(struct btf_member));
	type(b, "device_add", BTF_KIND_FUNC, 0, 0);
	type(b, NULL, BTF_KIND_PTR, 0, 0);
	type(b, "tt", BTF_KIND_TYPE_TAG, 0, 0);
	type(b, "double", BTF_KIND_FLOAT, 0, 0);
	type(b, "zz_last", BTF_KIND_FUNC, 0, 0);
	type(b, "device_add", BTF_KIND_FUNC, 0, 0);	/* a second one: not libbpf's */
	blob_finish(b);
}

TEST(finds_the_functions_and_only_functions)
{
	static const char *const names[] = {
		"zz_last", "device", "really_probe", "missing", "device_add", "really_probe", "e64",
	};
	/* type ids: the records' places, from 1 */
	static const __u32 want[] = { 16, 0, 4, 0, 12, 4, 0 };
	__u32 ids[7];
	struct blob b;
	size_t i;

	sample(&b);
	memset(ids, 0xff, sizeof(ids));
	ASSERT_EQ(kernel_funcs_scan(b.out, b.out_len, names, 7, ids), 0);
	for (i = 0; i < 7; i++)
		if (ids[i] != want[i])
			UNIT_FAIL("%s: id %u, expected %u", names[i], ids[i], want[i]);
}

TEST(no_names_is_no_work)
{
	struct blob b;

	sample(&b);
	ASSERT_EQ(kernel_funcs_scan(b.out, b.out_len, NULL, 0, NULL), 0);
}

TEST(a_kind_not_known_here_is_libbpfs_to_judge)
{
	const char *name = "f";
	__u32 id;
	struct blob b;

	blob_init(&b);
	type(&b, "int", BTF_KIND_INT, 0, 4);
	type(&b, "new", BTF_KIND_ENUM64 + 1, 0, 0);
	type(&b, "f", BTF_KIND_FUNC, 0, 0);
	blob_finish(&b);
	ASSERT_EQ(kernel_funcs_scan(b.out, b.out_len, &name, 1, &id), -EPROTO);
}

TEST(another_byte_order_is_libbpfs_to_judge)
{
	const char *name = "really_probe";
	struct btf_header *h;
	__u32 id;
	struct blob b;

	sample(&b);
	h = (struct btf_header *)b.out;
	h->magic = 0x9FeB;
	ASSERT_EQ(kernel_funcs_scan(b.out, b.out_len, &name, 1, &id), -EPROTO);
}

TEST(truncated_or_inconsistent_btf_is_refused)
{
	const char *name = "zz_last";
	struct btf_header *h;
	struct btf_type *t;
	__u32 id;
	struct blob b;

	sample(&b);
	/* cut short: the string section ends past the data */
	ASSERT_EQ(kernel_funcs_scan(b.out, b.out_len - 1, &name, 1, &id), -EINVAL);
	ASSERT_EQ(kernel_funcs_scan(b.out, 10, &name, 1, &id), -EINVAL);
	/* the type section ends inside the struct's members */
	h = (struct btf_header *)b.out;
	h->type_len = sizeof(struct btf_type) + 4 + sizeof(struct btf_type) + 8;
	ASSERT_EQ(kernel_funcs_scan(b.out, b.out_len, &name, 1, &id), -EINVAL);
	/* a name past the string section */
	sample(&b);
	t = (struct btf_type *)(b.out + sizeof(*h) + sizeof(*t) + 4 +
				sizeof(*t) + 3 * sizeof(struct btf_member) +
				sizeof(*t) + 2 * sizeof(struct btf_param));
	ASSERT_EQ(BTF_INFO_KIND(t->info), BTF_KIND_FUNC);
	t->name_off = 4096;
	ASSERT_EQ(kernel_funcs_scan(b.out, b.out_len, &name, 1, &id), -EINVAL);
	/* strings that do not end inside their section */
	sample(&b);
	b.out[b.out_len - 1] = 'x';
	ASSERT_EQ(kernel_funcs_scan(b.out, b.out_len, &name, 1, &id), -EINVAL);
}

/* The host's own kernel: the walk and libbpf agree on every target. */
/* The two-byte filter lets through every name that could be asked for, and few others. */
TEST(the_name_filter_passes_what_may_match)
{
	static struct btf_name_filter f;

	btf_name_filter_add(&f, "really_probe", 12);
	btf_name_filter_add(&f, "device", 6);
	btf_name_filter_add(&f, "x", 1);	/* an essential name of one byte */
	ASSERT_TRUE(btf_name_filter_may(&f, "really_probe"));
	ASSERT_TRUE(btf_name_filter_may(&f, "re"));	/* a candidate; the search decides */
	ASSERT_TRUE(btf_name_filter_may(&f, "device___old"));
	ASSERT_TRUE(btf_name_filter_may(&f, "x"));
	ASSERT_TRUE(btf_name_filter_may(&f, "x___flavour"));
	ASSERT_FALSE(btf_name_filter_may(&f, "r"));
	ASSERT_FALSE(btf_name_filter_may(&f, "rx_queue"));
	ASSERT_FALSE(btf_name_filter_may(&f, "xa"));
	ASSERT_FALSE(btf_name_filter_may(&f, ""));
}

TEST(agrees_with_libbpf_on_this_kernel)
{
	static char raw[64 << 20] __attribute__((aligned(8)));
	size_t i, size, n = bpf_n_progs + 2;
	const char *names[64];
	__u32 ids[64], found_ids[64];
	char *read = NULL;
	size_t read_size;
	struct btf_index x;
	struct btf *btf;
	int found = 0;
	FILE *f;

	if (access(KERNEL_BTF_PATH, R_OK))
		UNIT_SKIP("no %s here", KERNEL_BTF_PATH);
	ASSERT_TRUE(n <= 64);
	for (i = 0; i < bpf_n_progs; i++)
		names[i] = bpf_progs[i].target;
	names[bpf_n_progs] = "dmaguard_no_such_function";
	names[bpf_n_progs + 1] = "task_struct";	/* a struct, not a function */
	/* the walk itself, not kernel_funcs_find(), which could fall back to libbpf */
	f = fopen(KERNEL_BTF_PATH, "rb");
	ASSERT_TRUE(f != NULL);
	size = fread(raw, 1, sizeof(raw), f);
	fclose(f);
	ASSERT_TRUE(size > 0 && size < sizeof(raw));
	ASSERT_EQ(kernel_funcs_scan(raw, size, names, n, ids), 0);
	btf = btf__parse(KERNEL_BTF_PATH, NULL);
	ASSERT_TRUE(btf != NULL);
	for (i = 0; i < n; i++) {
		__s32 libbpf = btf__find_by_name_kind(btf, names[i], BTF_KIND_FUNC);

		if (ids[i] != (libbpf > 0 ? (__u32)libbpf : 0))
			UNIT_FAIL("%s: walk says id %u, libbpf %d", names[i], ids[i], libbpf);
		found += ids[i] != 0;
	}
	btf__free(btf);
	/* what kernel_btf_read() gives (one bpf() call, or sysfs) walks the same */
	ASSERT_EQ(kernel_btf_read(&read, &read_size), 0);
	ASSERT_EQ(read_size, size);
	ASSERT_TRUE(!memcmp(read, raw, size));
	memset(found_ids, 0xff, sizeof(found_ids));
	ASSERT_EQ(btf_index_build(&x, read, read_size), 0);
	ASSERT_EQ(kernel_funcs_find(&x, names, n, found_ids), 0);
	btf_index_free(&x);
	for (i = 0; i < n; i++)
		if (found_ids[i] != ids[i])
			UNIT_FAIL("%s: kernel_funcs_find says id %u, the walk %u", names[i],
				  found_ids[i], ids[i]);
	free(read);
	/* really_probe at least: the comparison compared something */
	ASSERT_TRUE(found > 0);
	ASSERT_EQ(ids[bpf_n_progs], 0);
	ASSERT_EQ(ids[bpf_n_progs + 1], 0);
}

UNIT_MAIN()
