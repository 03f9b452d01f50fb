/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Random policies and subjects for the differential tests of the rule index
 * (tests/unit/test_index.c on the host, tests/vm/match/match_diff.c against the
 * BPF side in the VM). Values come from small pools, and prefixes are cut
 * from pool values, so rules and subjects meet often: most subjects match
 * some rule, many match several.
 */
#ifndef DMAGUARD_POLICY_GEN_H
#define DMAGUARD_POLICY_GEN_H

#include <stdio.h>
#include <string.h>
#include "dmaguard.h"
#include "match.h"
#include "policy.h"

struct gen {
	unsigned long long s;	/* xorshift64 state, never 0 */
};

static inline void gen_seed(struct gen *g, unsigned long long seed)
{
	g->s = seed * 0x9e3779b97f4a7c15ull + 1;
}

static inline unsigned int gen_below(struct gen *g, unsigned int n)
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return (unsigned int)((g->s >> 11) % n);
}

#define GEN_PICK(g, pool) ((pool)[gen_below(g, sizeof(pool) / sizeof((pool)[0]))])

static const char *const gen_devices[] = {
	"0000:00:02.0", "0000:00:03.0", "0000:01:00.0", "0000:01:00.1", "0000:02:01.0",
	"0000:02:02.0", "1-1:1.0", "virtio0",
};
static const char *const gen_drivers[] = {
	"e1000", "e1000e", "vfio-pci", "pci-stub", "igb", "ixgbevf", "snd_hda_intel", "nvme", "",
};
static const char *const gen_comms[] = { "qemu-system-x86", "qemu", "virtqemud", "bash", "" };
static const char *const gen_cgroups[] = {
	"/machine.slice/machine-qemu-1.scope", "/machine.slice/libvirtd.service",
	"/qemu.slice/100.scope", "/kubepods.slice/pod1", "/user.slice",
};
static const char *const gen_exes[] = {
	"/usr/bin/qemu-system-x86_64", "/usr/bin/kvm", "/usr/sbin/libvirtd", "/usr/bin/qemu-img",
};
static const unsigned int gen_vendors[] = { 0x8086, 0x10de, 0x1af4 };
static const unsigned int gen_devids[] = { 0x100e, 0x10d3, 0x1b80, 0x2204 };
static const unsigned int gen_classes[] = { 0x020000, 0x030000, 0x030200, 0x010802, 0x040300 };
static const unsigned int gen_uids[] = { 0, 1000, 64055 };

/* A string attribute: exact, or a prefix cut from a pool value. */
static inline int gen_string(struct gen *g, char *out, size_t len, const char *name,
			     const char *value)
{
	size_t n = strlen(value);

	if (gen_below(g, 3))
		return snprintf(out, len, " %s=%s", name, n ? value : "x");
	return snprintf(out, len, " %s=%.*s*", name, (int)gen_below(g, (unsigned int)n + 1),
			value);
}

/* A path attribute: exact, or a prefix of a pool value (at least its '/'). */
static inline int gen_path(struct gen *g, char *out, size_t len, const char *name,
			   const char *value)
{
	size_t n = strlen(value);

	if (gen_below(g, 3))
		return snprintf(out, len, " %s=%s", name, value);
	return snprintf(out, len, " %s=%.*s*", name, 1 + (int)gen_below(g, (unsigned int)n),
			value);
}

/* One attribute of a bind rule (kind 0..6) into out. */
static inline int gen_bind_attr(struct gen *g, int kind, char *out, size_t len)
{
	unsigned int c = GEN_PICK(g, gen_classes);

	switch (kind) {
	case 0:
		return gen_string(g, out, len, "device", GEN_PICK(g, gen_devices));
	case 1:
		return gen_string(g, out, len, "driver", GEN_PICK(g, gen_drivers));
	case 2:
		if (gen_below(g, 4) == 0)
			return snprintf(out, len, " id=*:%04x", GEN_PICK(g, gen_devids));
		if (gen_below(g, 4) == 0)
			return snprintf(out, len, " id=%04x:*", GEN_PICK(g, gen_vendors));
		if (gen_below(g, 8) == 0)
			return snprintf(out, len, " id=*:*");
		return snprintf(out, len, " id=%04x:%04x", GEN_PICK(g, gen_vendors),
				GEN_PICK(g, gen_devids));
	case 3:
		switch (gen_below(g, 3)) {
		case 0:
			return snprintf(out, len, " class=0x%02x", c >> 16);
		case 1:
			return snprintf(out, len, " class=0x%04x", c >> 8);
		default:
			return snprintf(out, len, " class=0x%06x", c);
		}
	case 4:
		return snprintf(out, len, " group=%u", gen_below(g, 6));
	default:
		return snprintf(out, len, " dma=%s", gen_below(g, 2) ? "kernel" : "user");
	}
}

static inline int gen_open_attr(struct gen *g, int kind, char *out, size_t len)
{
	switch (kind) {
	case 0:
		return gen_string(g, out, len, "device", GEN_PICK(g, gen_devices));
	case 1:
		return snprintf(out, len, " group=%u", gen_below(g, 6));
	case 2:
		return snprintf(out, len, " uid=%u", GEN_PICK(g, gen_uids));
	case 3:
		return snprintf(out, len, " gid=%u", GEN_PICK(g, gen_uids));
	case 4:
		return gen_string(g, out, len, "comm", GEN_PICK(g, gen_comms));
	case 5:
		return gen_path(g, out, len, "cgroup", GEN_PICK(g, gen_cgroups));
	default:
		return gen_path(g, out, len, "exe", GEN_PICK(g, gen_exes));
	}
}

/*
 * A policy of n rules into buf (len bytes, at least 300 * n + 100).
 * Returns its length.
 */
static inline size_t gen_policy(struct gen *g, char *buf, size_t len, unsigned int n)
{
	static const char *const verdicts[] = { "allow", "deny", "audit" };
	size_t at = 0;
	unsigned int i;
	int k;

	at += snprintf(buf + at, len - at, "mode %s\ndefault bind %s\ndefault open %s\n",
		       gen_below(g, 4) ? "enforce" : "audit", gen_below(g, 2) ? "allow" : "deny",
		       gen_below(g, 2) ? "allow" : "deny");
	for (i = 0; i < n && at + 300 < len; i++) {
		bool open = gen_below(g, 3) == 0;

		at += snprintf(buf + at, len - at, "%s %s", GEN_PICK(g, verdicts),
			       open ? "open" : "bind");
		for (k = 0; k < (open ? 7 : 6); k++) {
			if (gen_below(g, 3))
				continue;
			at += open ? gen_open_attr(g, k, buf + at, len - at) :
				     gen_bind_attr(g, k, buf + at, len - at);
		}
		at += snprintf(buf + at, len - at, "\n");
	}
	return at;
}

/*
 * Seed g and compile a random policy of 1 to max_rules (at most 64) rules
 * into p with the real parser. Returns policy_parse()'s result.
 */
static inline int gen_parsed_policy(struct gen *g, unsigned long long seed,
				    unsigned int max_rules, struct policy *p, char *err,
				    size_t errlen)
{
	static char text[300 * 64 + 100];
	size_t n;

	gen_seed(g, seed);
	n = gen_policy(g, text, sizeof(text), 1 + gen_below(g, max_rules));
	return policy_parse("random", text, n, p, err, errlen);
}

static inline void gen_bind_subject(struct gen *g, struct dg_bind_subject *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->device, sizeof(s->device), "%s", GEN_PICK(g, gen_devices));
	snprintf(s->driver, sizeof(s->driver), "%s", GEN_PICK(g, gen_drivers));
	s->group = gen_below(g, 8) ? (__s32)gen_below(g, 6) : DG_NO_GROUP;
	s->is_pci = gen_below(g, 8) != 0;
	s->dma = gen_below(g, 6) ? dg_driver_dma_mode(s->driver) : (__u8)gen_below(g, 2);
	if (!s->is_pci)
		return;
	s->vendor = (__u16)GEN_PICK(g, gen_vendors);
	s->devid = (__u16)GEN_PICK(g, gen_devids);
	s->class = GEN_PICK(g, gen_classes) | gen_below(g, 3);
}

static inline void gen_open_subject(struct gen *g, struct dg_open_subject *s)
{
	memset(s, 0, sizeof(*s));
	s->kind = 1 + gen_below(g, 3);
	s->group = s->kind == DG_NODE_IOMMU ? DG_NO_GROUP : (__s32)gen_below(g, 6);
	if (s->kind == DG_NODE_DEVICE)
		snprintf(s->device, sizeof(s->device), "%s", GEN_PICK(g, gen_devices));
	s->uid = GEN_PICK(g, gen_uids);
	s->gid = GEN_PICK(g, gen_uids);
	snprintf(s->comm, sizeof(s->comm), "%s", GEN_PICK(g, gen_comms));
	snprintf(s->cgroup, sizeof(s->cgroup), "%s", GEN_PICK(g, gen_cgroups));
	/* "": an executable the gate could not name (vfio_open.bpf.c) */
	if (gen_below(g, 5))
		snprintf(s->exe, sizeof(s->exe), "%s", GEN_PICK(g, gen_exes));
}

/* The reference: the first rule of the action that matches, by walking them all; -1 if none. */
static inline int ref_first_rule(const struct policy *p, __u8 action, const void *subj)
{
	__u32 i;

	for (i = 0; i < p->hdr.n_rules; i++)
		if (action == DG_ACT_BIND ? dg_bind_rule_matches(&p->rules[i], subj) :
					    dg_open_rule_matches(&p->rules[i], subj))
			return (int)i;
	return -1;
}

#endif
