// SPDX-License-Identifier: GPL-2.0
/* The kernel's raw BTF: read, checked and walked (kernel_btf.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kernel_btf.h"

/* vmlinux BTF is ~5 MB; refuse what cannot be BTF before reading it all */
#define MAX_BTF_SIZE (256u << 20)

long btf_type_extra(const struct btf_type *t)
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

int btf_index_build(struct btf_index *x, const void *raw, size_t size)
{
	const struct btf_header *h = raw;
	const char *data, *p, *end;
	size_t max;
	long extra;

	memset(x, 0, sizeof(*x));
	if (size < sizeof(*h))
		return -EINVAL;
	/* another byte order, or not BTF: libbpf's to judge */
	if (h->magic != BTF_MAGIC)
		return -EPROTO;
	if (h->hdr_len < sizeof(*h) || h->hdr_len > size || h->hdr_len % 4 ||
	    h->type_off % 4 || (__u64)h->type_off + h->type_len > size - h->hdr_len ||
	    (__u64)h->str_off + h->str_len > size - h->hdr_len || !h->str_len)
		return -EINVAL;
	data = (const char *)raw + h->hdr_len;
	/* every name ends inside the string section */
	if (data[h->str_off + h->str_len - 1] != '\0')
		return -EINVAL;
	x->strs = data + h->str_off;
	x->strs_len = h->str_len;
	/* no record is shorter than a struct btf_type */
	max = h->type_len / sizeof(struct btf_type) + 1;
	x->types = malloc(max * sizeof(*x->types));
	if (!x->types)
		return -ENOMEM;
	x->n = 1;	/* type 0 is void: the first record is type 1 */
	for (p = data + h->type_off, end = p + h->type_len; p < end; x->n++) {
		const struct btf_type *t = (const struct btf_type *)p;

		if ((size_t)(end - p) < sizeof(*t))
			goto inval;
		extra = btf_type_extra(t);
		if (extra < 0) {
			btf_index_free(x);
			return -EPROTO;
		}
		if ((size_t)(end - p) - sizeof(*t) < (size_t)extra)
			goto inval;
		x->types[x->n] = t;
		p += sizeof(*t) + extra;
	}
	return 0;
inval:
	btf_index_free(x);
	return -EINVAL;
}

void btf_index_free(struct btf_index *x)
{
	free(x->types);
	x->types = NULL;
	x->n = 0;
}

const char *btf_index_str(const struct btf_index *x, __u32 off)
{
	return off < x->strs_len ? x->strs + off : NULL;
}

static void filter_set(struct btf_name_filter *f, unsigned char a, unsigned char b)
{
	unsigned int k = (unsigned int)a << 8 | b;

	f->bits[k / 8] |= (unsigned char)(1u << k % 8);
}

void btf_name_filter_add(struct btf_name_filter *f, const char *name, size_t len)
{
	unsigned char a = len ? (unsigned char)name[0] : 0, b = len > 1 ? (unsigned char)name[1] : 0;

	filter_set(f, a, b);
	if (len == 1)
		filter_set(f, a, '_');	/* "x___flavour" */
}

bool btf_name_filter_may(const struct btf_name_filter *f, const char *name)
{
	unsigned char a = (unsigned char)name[0], b = a ? (unsigned char)name[1] : 0;
	unsigned int k = (unsigned int)a << 8 | b;

	return f->bits[k / 8] & (1u << k % 8);
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

/* Whether BTF object fd is the kernel's own (5.11+ name their BTF objects). */
static bool is_vmlinux(int fd)
{
	struct bpf_btf_info info = { 0 };
	__u32 len = sizeof(info);
	char name[sizeof("vmlinux")] = "";

	info.name = (__u64)(unsigned long)name;
	info.name_len = sizeof(name);
	return !bpf_obj_get_info_by_fd(fd, &info, &len) && info.kernel_btf &&
	       !strcmp(name, "vmlinux");
}

/* The kernel's own BTF object, or -ENOENT where none says it is. */
static int vmlinux_btf_fd(void)
{
	__u32 id = 0;
	int fd;

	while (!bpf_btf_get_next_id(id, &id)) {
		fd = bpf_btf_get_fd_by_id(id);
		if (fd >= 0 && is_vmlinux(fd))
			return fd;
		if (fd >= 0)
			close(fd);
	}
	return -ENOENT;
}

/* All of BTF object fd's data, size bytes, into buf; 0 or -errno. */
static int btf_data(int fd, char *buf, __u32 size)
{
	struct bpf_btf_info info = { 0 };
	__u32 len = sizeof(info);

	info.btf = (__u64)(unsigned long)buf;
	info.btf_size = size;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	return info.btf_size == size ? 0 : -EAGAIN;
}

/*
 * The kernel's BTF in one bpf() call. sysfs hands it out a page per read():
 * ~1,400 system calls, most of this pass's time under emulation. -ENOENT
 * where no BTF object says it is the kernel's (before 5.11): sysfs then.
 */
static int read_by_bpf(char **buf, size_t *size)
{
	struct bpf_btf_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = vmlinux_btf_fd(), r;
	char *b = NULL;

	if (fd < 0)
		return fd;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		r = -errno;
	else if (!info.btf_size)
		r = -EINVAL;
	else if (info.btf_size > MAX_BTF_SIZE)
		r = -EFBIG;
	else if (!(b = malloc(info.btf_size)))
		r = -ENOMEM;
	else
		r = btf_data(fd, b, info.btf_size);
	close(fd);
	if (r) {
		free(b);
		return r;
	}
	*buf = b;
	*size = info.btf_size;
	return 0;
}

int kernel_btf_file_check(size_t size)
{
	struct btf_header h;
	struct stat st;
	ssize_t got;
	int fd, r = 0;

	fd = open(KERNEL_BTF_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	got = read(fd, &h, sizeof(h));
	if (got < 0)
		r = -errno;
	else if ((size_t)got < sizeof(h) || h.magic != BTF_MAGIC ||
		 (fstat(fd, &st) == 0 && (size_t)st.st_size != size))
		r = -ENOEXEC;
	close(fd);
	return r;
}

int kernel_btf_read(char **buf, size_t *size)
{
	int r = read_by_bpf(buf, size);

	return r ? read_all(KERNEL_BTF_PATH, buf, size) : 0;
}
