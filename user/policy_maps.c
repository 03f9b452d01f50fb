// SPDX-License-Identifier: GPL-2.0
/*
 * A compiled policy in the BPF maps. A reload writes the slot not in force
 * and then switches to it (pinned.c), so a slot is always written whole
 * before anything reads it; clearing it first keeps keys of the policy it
 * held before from finding rules that are no longer there.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "policy_maps.h"

/* Keys of a hash map that del_wanted() picks, collected, then deleted. */
struct key_list {
	void *keys;
	size_t n, cap, size;
};

static int key_list_add(struct key_list *l, const void *key)
{
	void *grown;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		grown = realloc(l->keys, l->cap * l->size);
		if (!grown)
			return -ENOMEM;
		l->keys = grown;
	}
	memcpy((char *)l->keys + l->n * l->size, key, l->size);
	l->n++;
	return 0;
}

/* Delete every key of map fd (keys of size bytes) for which wanted(key, ctx) holds. */
static int delete_keys(int fd, size_t size, bool (*wanted)(const void *key, const void *ctx),
		       const void *ctx)
{
	struct key_list l = { .size = size };
	char cur[sizeof(struct dg_index_key)], next[sizeof(struct dg_index_key)];
	void *prev = NULL;
	size_t i;
	int r = 0;

	if (size > sizeof(cur))
		return -EINVAL;
	while (!r && !bpf_map_get_next_key(fd, prev, next)) {
		if (wanted(next, ctx))
			r = key_list_add(&l, next);
		memcpy(cur, next, size);
		prev = cur;
	}
	for (i = 0; !r && i < l.n; i++)
		if (bpf_map_delete_elem(fd, (char *)l.keys + i * size) && errno != ENOENT)
			r = -errno;
	free(l.keys);
	return r;
}

struct slot_bound {
	__u8 slot;
	__u32 n;	/* rules the slot keeps */
};

static bool stale_rule(const void *key, const void *ctx)
{
	const struct slot_bound *b = ctx;
	__u32 k = *(const __u32 *)key;

	return k / DG_MAX_RULES == b->slot && k % DG_MAX_RULES >= b->n;
}

static bool index_of_slot(const void *key, const void *ctx)
{
	return ((const struct dg_index_key *)key)->slot == ((const struct slot_bound *)ctx)->slot;
}

static int write_index_entry(const struct dg_index_key *k, __u32 rule, void *ctx)
{
	const struct policy_maps *m = ctx;

	return bpf_map_update_elem(m->index, k, &rule, 0) ? -errno : 0;
}

int policy_maps_write(const struct policy_maps *m, __u8 slot, const struct policy *pol)
{
	struct slot_bound b = { .slot = slot & 1, .n = pol->hdr.n_rules };
	struct dg_shapes shapes;
	__u32 i, key, seed;
	int r;

	r = policy_index_seed(pol, &seed);
	if (!r)
		r = delete_keys(m->index, sizeof(struct dg_index_key), index_of_slot, &b);
	if (!r)
		r = delete_keys(m->rules, sizeof(__u32), stale_rule, &b);
	for (i = 0; !r && i < pol->hdr.n_rules; i++) {
		key = b.slot * DG_MAX_RULES + i;
		if (bpf_map_update_elem(m->rules, &key, &pol->rules[i], 0))
			r = -errno;
	}
	if (!r)
		r = policy_index_each(pol, b.slot, seed, write_index_entry, (void *)m);
	for (i = 0; !r && i < 2; i++) {
		key = b.slot * 2 + i;
		shapes = pol->shapes[i];
		shapes.seed = seed;
		if (bpf_map_update_elem(m->shapes, &key, &shapes, 0))
			r = -errno;
	}
	return r;
}

int policy_maps_read(int rules, __u32 stride, __u8 slot, __u32 n, struct policy *out)
{
	__u32 i, key;

	if (n > DG_MAX_RULES || n > stride)
		return -EPROTO;
	memset(out->shapes, 0, sizeof(out->shapes));
	memset(out->index, 0, sizeof(out->index));
	for (i = 0; i < n; i++) {
		key = (slot & 1) * stride + i;
		/* an older format's rule fills only the fields it had */
		memset(&out->rules[i], 0, sizeof(out->rules[i]));
		if (bpf_map_lookup_elem(rules, &key, &out->rules[i]))
			return -errno;
		if (policy_index_add(out, i))
			return -E2BIG;
	}
	out->hdr.n_rules = n;
	return 0;
}
