// SPDX-License-Identifier: GPL-2.0
/*
 * Which functions the kernel's BTF describes (kernel_funcs.h). libbpf
 * answers this with a full parse of the ~5 MB of vmlinux BTF and a linear
 * search per name: about 1.1 s of start-up on the bench's emulated CPU for
 * dmaguard's twenty names (tests/bench/README.md). One pass over the
 * indexed type records (kernel_btf.h), looking each function's name up
 * among the sorted names, does it in a few percent of that.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "kernel_btf.h"
#include "kernel_funcs.h"

struct name_ref {
	const char *name;
	size_t index;
};

static int cmp_ref(const void *a, const void *b)
{
	return strcmp(((const struct name_ref *)a)->name, ((const struct name_ref *)b)->name);
}

/*
 * Give every entry of sorted refs named name (a name may be asked twice)
 * the type id id, unless an earlier function of that name has: libbpf's
 * search, from the first type on, would answer that one.
 */
static void mark(const struct name_ref *refs, size_t n, const char *name, __u32 id,
		 __u32 *ids)
{
	struct name_ref key = { name, 0 };
	const struct name_ref *hit = bsearch(&key, refs, n, sizeof(*refs), cmp_ref);
	size_t first, i;

	if (!hit)
		return;
	for (first = (size_t)(hit - refs); first > 0 && !strcmp(refs[first - 1].name, name); first--)
		;
	for (i = first; i < n && !strcmp(refs[i].name, name); i++)
		if (!ids[refs[i].index])
			ids[refs[i].index] = id;
}

int kernel_funcs_lookup(const struct btf_index *x, const char *const *names, size_t n,
			__u32 *ids)
{
	struct name_ref *refs = calloc(n ? n : 1, sizeof(*refs));
	struct btf_name_filter *filter = calloc(1, sizeof(*filter));
	const char *name;
	size_t i;
	__u32 id;
	int r = 0;

	if (!refs || !filter) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		refs[i] = (struct name_ref){ names[i], i };
		ids[i] = 0;
		btf_name_filter_add(filter, names[i], strlen(names[i]));
	}
	qsort(refs, n, sizeof(*refs), cmp_ref);
	for (id = 1; id < x->n && !r; id++) {
		if (BTF_INFO_KIND(x->types[id]->info) != BTF_KIND_FUNC)
			continue;
		name = btf_index_str(x, x->types[id]->name_off);
		if (!name)
			r = -EINVAL;
		else if (btf_name_filter_may(filter, name))
			mark(refs, n, name, id, ids);
	}
out:
	free(filter);
	free(refs);
	return r;
}

int kernel_funcs_scan(const void *btf, size_t size, const char *const *names, size_t n,
		      __u32 *ids)
{
	struct btf_index x;
	int r = btf_index_build(&x, btf, size);

	if (r)
		return r;
	r = kernel_funcs_lookup(&x, names, n, ids);
	btf_index_free(&x);
	return r;
}

/* libbpf's parse, then one search per name: slow, but knows what libbpf knows. */
static int find_by_libbpf(const char *const *names, size_t n, __u32 *ids)
{
	struct btf *btf = btf__load_vmlinux_btf();
	__s32 id;
	size_t i;

	if (!btf)
		return -errno;
	for (i = 0; i < n; i++) {
		id = btf__find_by_name_kind(btf, names[i], BTF_KIND_FUNC);
		ids[i] = id > 0 ? (__u32)id : 0;
	}
	btf__free(btf);
	return 0;
}

int kernel_funcs_find(const struct btf_index *x, const char *const *names, size_t n,
		      __u32 *ids)
{
	int r = x ? kernel_funcs_lookup(x, names, n, ids) : -ENOENT;

	return r ? find_by_libbpf(names, n, ids) : 0;
}
