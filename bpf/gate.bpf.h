/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which set of programs judges a call, and which one reports it, while a
 * newer dmaguard takes over (user/upgrade.c). Included through common.bpf.h.
 *
 * Judging follows the gate byte dg_format.enforce, a mask of sets; a
 * takeover changes one bit per write with an RCU grace period between, so
 * the two sets' programs of one call straddle at most one write and at
 * least one of them reads a mask with its own bit: never neither. Both deny
 * hooks stay attached throughout; the first non-zero return wins.
 *
 * Reporting and accounting must happen exactly once per call, so it is not
 * the mask that decides but a token: while dg_format.tokens is set (from
 * before the new bit is set until after the old one is cleared), every set
 * that judges inserts the call's key into call_token with BPF_NOEXIST; the
 * one that inserts first, or finds its own token, owns the call, the other
 * stays silent. Straddles stay exact: a set that reads a mask without its
 * bit does nothing, the other one inserts and owns. Without tokens only one
 * set judges, and it owns every call.
 */
#ifndef DMAGUARD_GATE_BPF_H
#define DMAGUARD_GATE_BPF_H

enum call_role {
	CALL_SKIP = 0,		/* this set does not judge the call */
	CALL_SILENT = 1,	/* judges (denies if it must), reports nothing */
	CALL_OWN = 2,		/* judges, reports and accounts */
	CALL_OWN_TOKEN = 3,	/* CALL_OWN through a token the owner frees (probes) */
};

/*
 * A token older than this is a leftover of an earlier call with the same
 * key, not the other half of this one: the two sets' programs of one call
 * run one after the other in one trampoline, microseconds apart on real
 * hardware, but a vCPU of an emulated machine may stand still for
 * milliseconds between them (1 ms made the VM tests report a probe twice).
 * Taking over a stale token can only make a duplicate report, never a
 * missing one; leftovers are rare anyway: the second set of a call removes
 * the token it finds, a probe's owner removes its own at fexit, and the
 * takeover switches tokens off one grace period after only one set judges.
 */
#define CALL_TOKEN_STALE_NS 1000000000ull

static __always_inline int call_token_take(__u32 kind, __u64 object)
{
	struct dg_call_key key = {
		.pid_tgid = bpf_get_current_pid_tgid(), .object = object, .kind = kind,
	};
	struct dg_call_owner me = { .set = dg_my_set, .boot_ns = bpf_ktime_get_boot_ns() };
	struct dg_call_owner *cur;

	if (!bpf_map_update_elem(&call_token, &key, &me, BPF_NOEXIST))
		return CALL_OWN_TOKEN;
	cur = bpf_map_lookup_elem(&call_token, &key);
	if (!cur || cur->set == me.set)
		return CALL_OWN_TOKEN;
	if (me.boot_ns - cur->boot_ns > CALL_TOKEN_STALE_NS) {
		bpf_map_update_elem(&call_token, &key, &me, BPF_ANY);
		return CALL_OWN_TOKEN;
	}
	/* the other set ran first in this call and owns it; no one runs after us */
	bpf_map_delete_elem(&call_token, &key);
	return CALL_SILENT;
}

/* The role of this set in a call; read once per call, at its entry. */
static __always_inline int call_begin(__u32 kind, __u64 object)
{
	__u32 zero = 0, word;
	struct dg_format *f;
	__u8 enforce, tokens;

	f = bpf_map_lookup_elem(&format, &zero);
	/* not written yet (the loader writes it before attaching): fail closed */
	if (!f || f->magic != DG_FORMAT_MAGIC)
		return CALL_OWN;
	/* enforce, phase, tokens, from_set in one load: one consistent read */
	word = *(volatile __u32 *)&f->enforce;
	enforce = word & 0xff;
	tokens = (word >> 16) & 0xff;
	if (!(enforce & (1u << (dg_my_set & 1))))
		return CALL_SKIP;
	if (!tokens)
		return CALL_OWN;
	return call_token_take(kind, object);
}

static __always_inline bool call_owned(int role)
{
	return role >= CALL_OWN;
}

/* The owner of a probe frees its token at fexit: the next call gets a fresh one. */
static __always_inline void call_token_free(__u32 kind, __u64 object)
{
	struct dg_call_key key = {
		.pid_tgid = bpf_get_current_pid_tgid(), .object = object, .kind = kind,
	};

	bpf_map_delete_elem(&call_token, &key);
}

#endif /* DMAGUARD_GATE_BPF_H */
