// SPDX-License-Identifier: GPL-2.0
/*
 * Which functions the kernel's BTF describes (kernel_funcs.h). libbpf
 * answers this with a full parse of the ~5 MB of vmlinux BTF and a linear
 * search per name: about 1.1 s of start-up on the bench's emulated CPU for
 * dmaguard's twenty names (tests/bench/README.md). One walk over the raw
 * type records, looking each function's name up among the sorted names,
 * does it in a few percent of that.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "kernel_funcs.h"

/* vmlinux BTF is ~5 MB; refuse what cannot be BTF before reading it all */
#define MAX_BTF_SIZE (256u << 20)

/* Bytes that follow a type's struct btf_type, or -1 for a kind not known here. */
static long type_extra(const struct btf_type *t)
{
	unsigned long vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
		return sizeof(__u32);
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC: case BTF_KIND_FLOAT: case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	}
	return -1;
}

struct name_ref {
	const char *name;
	size_t index;
};

static int cmp_ref(const void *a, const void *b)
{
	return strcmp(((const struct name_ref *)a)->name, ((const struct name_ref *)b)->name);
}

/* Mark every entry of sorted refs named name (a name may be asked twice). */
static void mark(const struct name_ref *refs, size_t n, const char *name, bool *present)
{
	struct name_ref key = { name, 0 };
	const struct name_ref *hit = bsearch(&key, refs, n, sizeof(*refs), cmp_ref);
	size_t first, i;

	if (!hit)
		return;
	for (first = (size_t)(hit - refs); first > 0 && !strcmp(refs[first - 1].name, name); first--)
		;
	for (i = first; i < n && !strcmp(refs[i].name, name); i++)
		present[refs[i].index] = true;
}

/* Walk the type records; a FUNC's name is looked up in refs. */
static int walk(const char *types, size_t types_len, const char *strs, size_t strs_len,
		const struct name_ref *refs, size_t n, bool *present)
{
	const char *p = types, *end = types + types_len;

	while (p < end) {
		const struct btf_type *t = (const struct btf_type *)p;
		long extra;

		if ((size_t)(end - p) < sizeof(*t))
			return -EINVAL;
		extra = type_extra(t);
		if (extra < 0)
			return -EPROTO;
		if ((size_t)(end - p) - sizeof(*t) < (size_t)extra)
			return -EINVAL;
		if (BTF_INFO_KIND(t->info) == BTF_KIND_FUNC) {
			if (t->name_off >= strs_len)
				return -EINVAL;
			mark(refs, n, strs + t->name_off, present);
		}
		p += sizeof(*t) + extra;
	}
	return 0;
}

int kernel_funcs_scan(const void *btf, size_t size, const char *const *names, size_t n,
		      bool *present)
{
	const struct btf_header *h = btf;
	struct name_ref *refs;
	const char *data;
	size_t i;
	int r;

	if (size < sizeof(*h))
		return -EINVAL;
	/* another byte order, or not BTF: libbpf's to judge */
	if (h->magic != BTF_MAGIC)
		return -EPROTO;
	if (h->hdr_len < sizeof(*h) || h->hdr_len > size || h->hdr_len % 4 ||
	    h->type_off % 4 || (__u64)h->type_off + h->type_len > size - h->hdr_len ||
	    (__u64)h->str_off + h->str_len > size - h->hdr_len || !h->str_len)
		return -EINVAL;
	data = (const char *)btf + h->hdr_len;
	/* every name ends inside the string section */
	if (data[h->str_off + h->str_len - 1] != '\0')
		return -EINVAL;
	refs = calloc(n ? n : 1, sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		refs[i] = (struct name_ref){ names[i], i };
		present[i] = false;
	}
	qsort(refs, n, sizeof(*refs), cmp_ref);
	r = walk(data + h->type_off, h->type_len, data + h->str_off, h->str_len, refs, n,
		 present);
	free(refs);
	return r;
}

/* The whole file at path, in a buffer to free; -errno. */
static int read_all(const char *path, char **buf, size_t *size)
{
	size_t cap = 1u << 20, have = 0;
	char *b = NULL, *nb;
	struct stat st;
	ssize_t got;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* sysfs gives the BTF's size: one read, then end of file */
	if (!fstat(fd, &st) && st.st_size > 0)
		cap = (size_t)st.st_size + 1;
	for (;;) {
		if (!b || have == cap) {
			cap = b ? cap * 2 : cap;
			nb = cap > MAX_BTF_SIZE ? NULL : realloc(b, cap);
			if (!nb) {
				r = cap > MAX_BTF_SIZE ? -EFBIG : -ENOMEM;
				break;
			}
			b = nb;
		}
		got = read(fd, b + have, cap - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			r = got < 0 ? -errno : 0;
			break;
		}
		have += (size_t)got;
	}
	close(fd);
	if (r) {
		free(b);
		return r;
	}
	*buf = b;
	*size = have;
	return 0;
}

/* libbpf's parse, then one search per name: slow, but knows what libbpf knows. */
static int find_by_libbpf(const char *const *names, size_t n, bool *present)
{
	struct btf *btf = btf__load_vmlinux_btf();
	size_t i;

	if (!btf)
		return -errno;
	for (i = 0; i < n; i++)
		present[i] = btf__find_by_name_kind(btf, names[i], BTF_KIND_FUNC) > 0;
	btf__free(btf);
	return 0;
}

int kernel_funcs_find(const char *const *names, size_t n, bool *present)
{
	char *btf = NULL;
	size_t size = 0;
	int r;

	r = read_all(KERNEL_BTF_PATH, &btf, &size);
	if (!r)
		r = kernel_funcs_scan(btf, size, names, n, present);
	free(btf);
	return r ? find_by_libbpf(names, n, present) : 0;
}
