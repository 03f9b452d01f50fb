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
#include <string.h>

#include "policy.h"
#include "rule_key.h"

/* FNV-1a over the key's bytes (every byte defined: dg_key_init zeroes them). */
static __u32 key_hash(const struct dg_rule_key *k)
{
	const unsigned char *b = (const unsigned char *)k;
	__u64 h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < sizeof(*k); i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return (__u32)(h ^ (h >> 32));
}

static const struct dg_shape *shape_of_rule(const struct policy *p, __u32 i)
{
	return &p->shapes[p->rules[i].action & 1].shape[p->rule_shape[i]];
}

static void key_of_rule(const struct policy *p, __u32 i, __u8 slot, struct dg_rule_key *k)
{
	dg_rule_key_of(&p->rules[i], shape_of_rule(p, i), slot, p->rule_shape[i], k);
}

/*
 * The index slot holding key k, or the empty slot where it would go. Keys
 * are compared with slot 0 in them; the table never fills (it has twice
 * as many slots as rules can be).
 */
static __u32 find_slot(const struct policy *p, const struct dg_rule_key *k)
{
	struct dg_rule_key other;
	__u32 pos = key_hash(k) & (POLICY_INDEX_SLOTS - 1);

	for (;;) {
		__u32 v = p->index[pos];

		if (!v)
			return pos;
		key_of_rule(p, v - 1, 0, &other);
		if (!memcmp(&other, k, sizeof(other)))
			return pos;
		pos = (pos + 1) & (POLICY_INDEX_SLOTS - 1);
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
	struct dg_rule_key k;
	struct dg_shape sh;
	__u32 pos;
	int n;

	dg_shape_of(&p->rules[i], &sh);
	n = shape_number(p, p->rules[i].action, &sh);
	if (n < 0)
		return n;
	p->rule_shape[i] = (__u16)n;
	key_of_rule(p, i, 0, &k);
	pos = find_slot(p, &k);
	/* rules come in order: the first with a key keeps it */
	if (!p->index[pos])
		p->index[pos] = i + 1;
	return 0;
}

int policy_index_each(const struct policy *p, __u8 slot,
		      int (*fn)(const struct dg_rule_key *k, __u32 rule, void *ctx), void *ctx)
{
	struct dg_rule_key k;
	__u32 pos;
	int r;

	for (pos = 0; pos < POLICY_INDEX_SLOTS; pos++) {
		if (!p->index[pos])
			continue;
		key_of_rule(p, p->index[pos] - 1, slot, &k);
		r = fn(&k, p->index[pos] - 1, ctx);
		if (r)
			return r;
	}
	return 0;
}

/*
 * The lowest number over the shapes of action of the first rule whose key
 * is the subject's (a struct dg_bind_subject or dg_open_subject), or
 * DG_MAX_RULES.
 */
static __u32 first_match(const struct policy *p, __u8 action, const void *subj)
{
	const struct dg_shapes *shs = &p->shapes[action & 1];
	__u32 i, best = DG_MAX_RULES, v;
	struct dg_rule_key k;

	for (i = 0; i < shs->n; i++) {
		dg_key_init(&k, 0, action, (__u16)i);
		if (action == DG_ACT_BIND)
			dg_bind_key(&shs->shape[i], subj, &k);
		else
			dg_open_key(&shs->shape[i], subj, &k);
		v = p->index[find_slot(p, &k)];
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
