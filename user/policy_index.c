// SPDX-License-Identifier: GPL-2.0
/*
 * The rule index in userspace (include/rule_key.h has why it is exact):
 * the shapes of each action, and an open-addressing hash from a rule key
 * to the first rule with that key. check, status and present decide with
 * it, and the loader writes the same keys into the BPF map rule_index, so
 * both sides find a first match in one lookup per shape.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "rule_key.h"

static const struct dg_shape *shape_of_rule(const struct policy *p, __u32 i)
{
	return &p->shapes[p->rules[i].action & 1].shape[p->rule_shape[i]];
}

/* A rule's values as a subject of its action: what its key is made from. */
union subject {
	struct dg_bind_subject bind;
	struct dg_open_subject open;
};

static void rule_as_subject(const struct dg_rule *r, union subject *s)
{
	if (r->action == DG_ACT_BIND)
		dg_rule_as_bind(r, &s->bind);
	else
		dg_rule_as_open(r, &s->open);
}

static __u64 subject_hash(__u8 action, const struct dg_shape *sh, const void *subj, __u32 seed)
{
	return action == DG_ACT_BIND ? dg_bind_hash(seed, sh, subj) : dg_open_hash(seed, sh, subj);
}

/* Rule i's index hash with seed. */
static __u64 rule_hash(const struct policy *p, __u32 i, __u32 seed)
{
	union subject s;

	rule_as_subject(&p->rules[i], &s);
	return subject_hash(p->rules[i].action, shape_of_rule(p, i), &s, seed);
}

/*
 * The index slot of the first rule of action and shape whose key is the
 * subject's, or the empty slot where it would go. Keys are compared with
 * the matcher itself: a rule of the shape matches the subject exactly when
 * their masked attributes are equal (rule_key.h). The table never fills: it
 * has twice as many slots as rules can be.
 */
static __u32 find_slot(const struct policy *p, __u8 action, __u16 shape, const void *subj)
{
	const struct dg_shape *sh = &p->shapes[action & 1].shape[shape];
	__u32 pos = (__u32)dg_hash_mix(subject_hash(action, sh, subj, 0), shape);
	const struct dg_rule *r;

	for (pos &= POLICY_INDEX_SLOTS - 1;; pos = (pos + 1) & (POLICY_INDEX_SLOTS - 1)) {
		if (!p->index[pos])
			return pos;
		r = &p->rules[p->index[pos] - 1];
		if (r->action != action || p->rule_shape[p->index[pos] - 1] != shape)
			continue;
		if (action == DG_ACT_BIND ? dg_bind_rule_matches(r, subj) :
					    dg_open_rule_matches(r, subj))
			return pos;
	}
}

static int shape_number(struct policy *p, __u8 action, const struct dg_shape *sh)
{
	struct dg_shapes *s = &p->shapes[action & 1];
	__u32 i;

	for (i = 0; i < s->n; i++)
		if (dg_shape_eq(&s->shape[i], sh))
			return (int)i;
	if (s->n >= DG_MAX_SHAPES)
		return -ENOSPC;
	s->shape[s->n] = *sh;
	return (int)s->n++;
}

int policy_index_add(struct policy *p, __u32 i)
{
	struct dg_shape sh;
	union subject s;
	__u32 pos;
	int n;

	dg_shape_of(&p->rules[i], &sh);
	n = shape_number(p, p->rules[i].action, &sh);
	if (n < 0)
		return n;
	p->rule_shape[i] = (__u16)n;
	rule_as_subject(&p->rules[i], &s);
	pos = find_slot(p, p->rules[i].action, (__u16)n, &s);
	/* rules come in order: the first with a key keeps it */
	if (!p->index[pos])
		p->index[pos] = i + 1;
	return 0;
}

/* An index key of the BPF map, as sortable numbers. */
struct hashed {
	__u64 shape;	/* action << 16 | shape */
	__u64 hash;
};

static int hashed_cmp(const void *a, const void *b)
{
	const struct hashed *x = a, *y = b;

	if (x->shape != y->shape)
		return x->shape < y->shape ? -1 : 1;
	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* Whether seed gives every distinct key of a shape its own hash. */
static int seed_separates(const struct policy *p, __u32 seed, struct hashed *h)
{
	size_t n = 0, i;
	__u32 pos, r;

	for (pos = 0; pos < POLICY_INDEX_SLOTS; pos++) {
		if (!p->index[pos])
			continue;
		r = p->index[pos] - 1;
		h[n].hash = rule_hash(p, r, seed);
		h[n++].shape = (__u64)p->rules[r].action << 16 | p->rule_shape[r];
	}
	qsort(h, n, sizeof(*h), hashed_cmp);
	for (i = 1; i < n; i++)
		if (!hashed_cmp(&h[i - 1], &h[i]))
			return 0;
	return 1;
}

int policy_index_seed(const struct policy *p, __u32 *seed)
{
	struct hashed *h = calloc(p->hdr.n_rules + 1, sizeof(*h));
	__u32 s = 0x64676b31;	/* any start; collisions of 64-bit hashes are rare */
	int tries, r = -EDEADLK;

	if (!h)
		return -ENOMEM;
	for (tries = 0; tries < 16; tries++, s = s * 2654435761u + 1) {
		if (seed_separates(p, s, h)) {
			*seed = s;
			r = 0;
			break;
		}
	}
	free(h);
	return r;
}

int policy_index_each(const struct policy *p, __u8 slot, __u32 seed,
		      int (*fn)(const struct dg_index_key *k, __u32 rule, void *ctx), void *ctx)
{
	struct dg_index_key k = { .slot = slot };
	__u32 pos, rule;
	int r;

	for (pos = 0; pos < POLICY_INDEX_SLOTS; pos++) {
		if (!p->index[pos])
			continue;
		rule = p->index[pos] - 1;
		k.hash = rule_hash(p, rule, seed);
		k.action = p->rules[rule].action;
		k.shape = p->rule_shape[rule];
		r = fn(&k, rule, ctx);
		if (r)
			return r;
	}
	return 0;
}

/*
 * The lowest number over the shapes of action of the first rule that
 * matches the subject (a struct dg_bind_subject or dg_open_subject), or
 * DG_MAX_RULES.
 */
static __u32 first_match(const struct policy *p, __u8 action, const void *subj)
{
	const struct dg_shapes *shs = &p->shapes[action & 1];
	__u32 i, best = DG_MAX_RULES, v;

	for (i = 0; i < shs->n; i++) {
		v = p->index[find_slot(p, action, (__u16)i, subj)];
		if (v && v - 1 < best)
			best = v - 1;
	}
	return best < p->hdr.n_rules ? best : DG_MAX_RULES;
}

__u8 policy_eval_bind(const struct policy *p, const struct dg_bind_subject *s,
		      const struct dg_rule **matched, __u8 *reason)
{
	__u32 i = first_match(p, DG_ACT_BIND, s);

	*matched = i < DG_MAX_RULES && dg_bind_rule_matches(&p->rules[i], s) ? &p->rules[i] : NULL;
	return dg_decide(&p->hdr, *matched, DG_ACT_BIND, reason);
}

__u8 policy_eval_open(const struct policy *p, const struct dg_open_subject *s,
		      const struct dg_rule **matched, __u8 *reason)
{
	__u32 i = first_match(p, DG_ACT_OPEN, s);

	*matched = i < DG_MAX_RULES && dg_open_rule_matches(&p->rules[i], s) ? &p->rules[i] : NULL;
	return dg_decide(&p->hdr, *matched, DG_ACT_OPEN, reason);
}
