// SPDX-License-Identifier: GPL-2.0
/* The kernel's BTF cut down for CO-RE relocation (core_btf.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "core_btf.h"
#include "kernel_btf.h"

/* libbpf's pointer size comes from these integers' size (btf__pointer_size()) */
static const char *const int_names[] = { "long int", "long unsigned int" };

struct ess_name {
	const char *s;
	size_t len;
};

struct cut {
	const struct btf_index *x;
	const struct btf_type *const *by_id;	/* x->types */
	__u32 n;				/* x->n */
	__u32 *new_id;			/* [id]: its id in the cut, 0 if not in it */
	__u32 *queue;
	size_t queued;
	struct ess_name *roots;		/* sorted */
	size_t n_roots;
	struct btf_name_filter *filter;	/* of the roots */
	char *strs;			/* the cut's string section */
	size_t strs_len, strs_cap;
};

/*
 * libbpf's essential name (bpf_core_essential_name_len()): up to the last
 * ___flavour suffix, X___Y with X and Y not '_'; i runs from n - 5 down.
 */
static size_t essential_len(const char *name)
{
	size_t n = strlen(name), i;

	for (i = n >= 5 ? n - 4 : 0; i-- > 0;)
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] != '_')
			return i + 1;
	return n;
}

static int cmp_ess(const void *a, const void *b)
{
	const struct ess_name *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static bool is_root(const struct cut *c, const char *name)
{
	struct ess_name key = { name, essential_len(name) };

	return bsearch(&key, c->roots, c->n_roots, sizeof(key), cmp_ess) != NULL;
}

static int mark(struct cut *c, __u32 id)
{
	if (id >= c->n)
		return -EINVAL;
	if (!id || c->new_id[id])
		return 0;
	c->new_id[id] = 1;
	c->queue[c->queued++] = id;
	return 0;
}

/* The named types of the object's names. */
static int mark_roots(struct cut *c)
{
	const char *name;
	__u32 id;
	int kind;

	for (id = 1; id < c->n; id++) {
		kind = BTF_INFO_KIND(c->by_id[id]->info);
		/* the kinds a CO-RE relocation's local type can have */
		if (kind != BTF_KIND_STRUCT && kind != BTF_KIND_UNION && kind != BTF_KIND_ENUM &&
		    kind != BTF_KIND_ENUM64 && kind != BTF_KIND_FWD && kind != BTF_KIND_TYPEDEF &&
		    kind != BTF_KIND_INT)
			continue;
		name = btf_index_str(c->x, c->by_id[id]->name_off);
		if (!name)
			return -EINVAL;
		if (*name && btf_name_filter_may(c->filter, name) && is_root(c, name))
			mark(c, id);
	}
	return 0;
}

static bool is_func_proto(const struct cut *c, __u32 id)
{
	return id && id < c->n && BTF_INFO_KIND(c->by_id[id]->info) == BTF_KIND_FUNC_PROTO;
}

/* Mark what the queued types hold by value, until nothing new is. */
static int close_by_value(struct cut *c)
{
	size_t head;
	int r = 0;

	for (head = 0; head < c->queued && !r; head++) {
		const struct btf_type *t = c->by_id[c->queue[head]];
		__u16 vlen = BTF_INFO_VLEN(t->info), i;

		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_INT: case BTF_KIND_FLOAT: case BTF_KIND_FWD:
		case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_PTR:
			break;
		case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
			/* a function type is never a field's: left out, as void */
			if (!is_func_proto(c, t->type))
				r = mark(c, t->type);
			break;
		case BTF_KIND_ARRAY:
			r = mark(c, ((const struct btf_array *)(t + 1))->type);
			if (!r)
				r = mark(c, ((const struct btf_array *)(t + 1))->index_type);
			break;
		case BTF_KIND_STRUCT: case BTF_KIND_UNION:
			for (i = 0; i < vlen && !r; i++)
				r = mark(c, ((const struct btf_member *)(t + 1))[i].type);
			break;
		default:	/* a function, variable or section held by value */
			r = -EPROTO;
		}
	}
	return r;
}

/* name's offset in the cut's strings; 0 (the empty name) for off 0. */
static int add_str(struct cut *c, __u32 off, __u32 *new_off)
{
	const char *s = btf_index_str(c->x, off);
	size_t len;
	char *strs;

	if (!s)
		return -EINVAL;
	if (!*s) {
		*new_off = 0;
		return 0;
	}
	len = strlen(s) + 1;
	if (c->strs_len + len > c->strs_cap) {
		c->strs_cap = (c->strs_len + len) * 2;
		strs = realloc(c->strs, c->strs_cap);
		if (!strs)
			return -ENOMEM;
		c->strs = strs;
	}
	memcpy(c->strs + c->strs_len, s, len);
	*new_off = (__u32)c->strs_len;
	c->strs_len += len;
	return 0;
}

/* Copy the record of id at out, its type ids and names renumbered. */
static int copy_type(struct cut *c, __u32 id, char *out, size_t *used)
{
	const struct btf_type *t = c->by_id[id];
	size_t size = sizeof(*t) + (size_t)btf_type_extra(t), stride;
	struct btf_type *nt = (struct btf_type *)out;
	__u16 vlen = BTF_INFO_VLEN(t->info), i;
	int r;

	memcpy(out, t, size);
	*used = size;
	r = add_str(c, t->name_off, &nt->name_off);
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_PTR:
		nt->type = 0;	/* void: see core_btf.h */
		break;
	case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		nt->type = c->new_id[t->type];	/* 0 (void) for a function type */
		break;
	case BTF_KIND_ARRAY: {
		struct btf_array *a = (struct btf_array *)(nt + 1);

		a->type = c->new_id[a->type];
		a->index_type = c->new_id[a->index_type];
		break;
	}
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		for (i = 0; i < vlen && !r; i++) {
			struct btf_member *m = (struct btf_member *)(nt + 1) + i;

			m->type = c->new_id[m->type];
			r = add_str(c, m->name_off, &m->name_off);
		}
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		/* a btf_enum or btf_enum64 per value, each led by its name_off */
		stride = BTF_INFO_KIND(t->info) == BTF_KIND_ENUM ? sizeof(struct btf_enum)
								 : sizeof(struct btf_enum64);
		for (i = 0; i < vlen && !r; i++) {
			__u32 *name_off = (__u32 *)((char *)(nt + 1) + i * stride);

			r = add_str(c, *name_off, name_off);
		}
		break;
	}
	return r;
}

/* Number the marked types in the kernel's order and write them out. */
static int emit(struct cut *c, char **out, size_t *out_len)
{
	struct btf_header h = { .magic = BTF_MAGIC, .version = BTF_VERSION,
				.hdr_len = sizeof(h) };
	size_t types_len = 0, used;
	__u32 id, next = 1;
	char *buf, *p;
	int r = 0;

	for (id = 1; id < c->n; id++) {
		if (!c->new_id[id])
			continue;
		c->new_id[id] = next++;
		types_len += sizeof(struct btf_type) + (size_t)btf_type_extra(c->by_id[id]);
	}
	c->strs_cap = 4096;
	c->strs = calloc(1, c->strs_cap);
	buf = malloc(sizeof(h) + types_len);
	if (!c->strs || !buf) {
		free(buf);
		return -ENOMEM;
	}
	c->strs_len = 1;	/* offset 0: the empty name */
	p = buf + sizeof(h);
	for (id = 1; id < c->n && !r; id++) {
		if (!c->new_id[id])
			continue;
		r = copy_type(c, id, p, &used);
		p += used;
	}
	if (!r) {
		h.type_len = (__u32)types_len;
		h.str_off = (__u32)types_len;
		h.str_len = (__u32)c->strs_len;
		memcpy(buf, &h, sizeof(h));
		p = realloc(buf, sizeof(h) + types_len + c->strs_len);
		r = p ? 0 : -ENOMEM;
	}
	if (r) {
		free(buf);
		return r;
	}
	memcpy(p + sizeof(h) + types_len, c->strs, c->strs_len);
	*out = p;
	*out_len = sizeof(h) + types_len + c->strs_len;
	return 0;
}

static int set_roots(struct cut *c, const char *const *names, size_t n)
{
	size_t i, n_ints = sizeof(int_names) / sizeof(int_names[0]);

	c->roots = calloc(n + n_ints, sizeof(*c->roots));
	c->filter = calloc(1, sizeof(*c->filter));
	if (!c->roots || !c->filter)
		return -ENOMEM;
	for (i = 0; i < n + n_ints; i++) {
		const char *s = i < n ? names[i] : int_names[i - n];

		c->roots[i] = (struct ess_name){ s, essential_len(s) };
		btf_name_filter_add(c->filter, s, c->roots[i].len);
	}
	c->n_roots = n + n_ints;
	qsort(c->roots, c->n_roots, sizeof(*c->roots), cmp_ess);
	return 0;
}

int core_btf_cut(const struct btf_index *x, const char *const *names, size_t n,
		 char **out, size_t *out_len)
{
	struct cut c = { .x = x, .by_id = x->types, .n = x->n };
	int r;

	r = set_roots(&c, names, n);
	if (r)
		goto out;
	c.new_id = calloc(c.n + 1, sizeof(*c.new_id));
	c.queue = malloc((c.n + 1) * sizeof(*c.queue));
	r = c.new_id && c.queue ? 0 : -ENOMEM;
	if (!r)
		r = mark_roots(&c);
	if (!r)
		r = close_by_value(&c);
	if (!r)
		r = emit(&c, out, out_len);
out:
	free(c.new_id);
	free(c.queue);
	free(c.roots);
	free(c.filter);
	free(c.strs);
	return r;
}

/* data as a memfd, by its /proc/self/fd path into path; 0 or -errno (-ENOENT: no /proc). */
static int write_memfd(const char *data, size_t len, char *path, size_t path_len)
{
	int fd = memfd_create("dmaguard-core-btf", MFD_CLOEXEC), r = 0;
	size_t done = 0;
	ssize_t w;

	if (fd < 0)
		return -errno;
	while (done < len && !r) {
		w = write(fd, data + done, len - done);
		if (w > 0)
			done += (size_t)w;
		else if (w == 0 || errno != EINTR)
			r = w ? -errno : -EIO;
	}
	snprintf(path, path_len, "/proc/self/fd/%d", fd);
	/* libbpf opens it by that path */
	if (!r && access(path, R_OK))
		r = -errno;
	if (r) {
		close(fd);
		path[0] = '\0';
	}
	return r;
}

const char *core_btf_path(const struct btf_index *x, const char *const *names, size_t n)
{
	static char path[64];
	static bool made;
	struct btf *check;
	size_t cut_len;
	bool ok;
	char *cut;

	if (made)
		return path[0] ? path : NULL;
	made = true;
	if (core_btf_cut(x, names, n, &cut, &cut_len))
		return NULL;
	/* libbpf fails a load whose BTF it cannot parse: this one, before it counts */
	check = btf__new(cut, (__u32)cut_len);
	ok = check && !write_memfd(cut, cut_len, path, sizeof(path));
	btf__free(check);
	free(cut);
	return ok ? path : NULL;
}
