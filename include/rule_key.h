/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule index: pure C, compiled into the BPF programs and into userspace,
 * like match.h, whose semantics it must reproduce exactly.
 *
 * A rule's shape says which attributes it compares and how many bytes of
 * each (struct dg_shape). Masking a subject to a shape keeps exactly what a
 * rule of that shape compares, so
 *
 *   rule r of shape S matches subject s  <=>  mask(r, S) == mask(s, S)
 *
 * for every attribute match.h knows:
 * - an exact string compares the whole field up to the NUL; a prefix
 *   ("vfio*") its first strlen(prefix) bytes, and a value shorter than the
 *   prefix ends (NUL) where the prefix has a character;
 * - class compares class >> (3 - class_bytes) * 8;
 * - a shape naming a PCI attribute also compares is_pci, which a rule has
 *   set, so a non-PCI subject never matches it;
 * - numbers compare whole.
 * The index is keyed by a hash of the masked attributes (dg_*_hash), one
 * function for subjects and rules alike (a rule is made a subject,
 * dg_rule_as_*). Userspace tells keys apart with the matcher (a rule of a
 * shape matches another made a subject exactly when their masked
 * attributes are equal) and picks each slot's seed so that no two
 * different keys of a shape hash alike; so a lookup finds the first rule
 * of the shape that matches, or a rule whose hash the subject only meets
 * by chance, which the full matcher then rejects, and that shape has no
 * match. Correctness never depends on the hash's quality, only speed does.
 */
#ifndef DMAGUARD_RULE_KEY_H
#define DMAGUARD_RULE_KEY_H

#include "match.h"

#define DG_M_PCI_ANY	(DG_M_VENDOR | DG_M_DEVID | DG_M_CLASS | DG_M_PCI)
#define DG_HASH_MUL	0x9e3779b97f4a7c15ull
#define DG_FNV_PRIME	0x100000001b3ull

DG_INLINE __u64 dg_hash_mix(__u64 h, __u64 v)
{
	h = (h ^ v) * DG_HASH_MUL;
	return h ^ (h >> 29);
}

/*
 * The first n bytes of s (len bytes) up to its NUL, and how many there
 * were, chained from h (which holds the seed), so strings that collide
 * under one seed need not under another.
 */
DG_INLINE __u64 dg_hash_str(__u64 h, const char *s, int len, int n)
{
	__u64 f = h ^ 0xcbf29ce484222325ull;
	int i;

	for (i = 0; i < len && i < n; i++) {
		if (s[i] == '\0')
			break;
		f = (f ^ (__u8)s[i]) * DG_FNV_PRIME;
	}
	return dg_hash_mix(f, i);
}

DG_INLINE __u32 dg_key_class(__u32 class, __u8 class_bytes)
{
	if (class_bytes < 1 || class_bytes > 3)
		return 0;
	return class >> ((3 - class_bytes) * 8);
}

/* The attributes of a bind subject that a rule of shape sh compares, hashed. */
DG_INLINE __u64 dg_bind_hash(__u32 seed, const struct dg_shape *sh,
			     const struct dg_bind_subject *s)
{
	__u32 m = sh->match;
	__u64 h = dg_hash_mix(seed, m);

	if (m & DG_M_PCI_ANY)
		h = dg_hash_mix(h, s->is_pci);
	if (m & DG_M_VENDOR)
		h = dg_hash_mix(h, s->vendor);
	if (m & DG_M_DEVID)
		h = dg_hash_mix(h, s->devid);
	if (m & DG_M_CLASS)
		h = dg_hash_mix(h, dg_key_class(s->class, sh->class_bytes));
	if (m & DG_M_GROUP)
		h = dg_hash_mix(h, (__u32)s->group);
	if (m & DG_M_DMA)
		h = dg_hash_mix(h, s->dma);
	if (m & DG_M_DEVICE)
		h = dg_hash_str(h, s->device, DG_DEVICE_LEN, sh->device_len);
	if (m & DG_M_DRIVER)
		h = dg_hash_str(h, s->driver, DG_DRIVER_LEN, sh->driver_len);
	return h;
}

/* The attributes of an open subject that a rule of shape sh compares, hashed. */
DG_INLINE __u64 dg_open_hash(__u32 seed, const struct dg_shape *sh,
			     const struct dg_open_subject *s)
{
	__u32 m = sh->match;
	__u64 h = dg_hash_mix(seed, m);

	if (m & DG_M_GROUP)
		h = dg_hash_mix(h, (__u32)s->group);
	if (m & DG_M_UID)
		h = dg_hash_mix(h, s->uid);
	if (m & DG_M_GID)
		h = dg_hash_mix(h, s->gid);
	if (m & DG_M_DEVICE)
		h = dg_hash_str(h, s->device, DG_DEVICE_LEN, sh->device_len);
	if (m & DG_M_COMM)
		h = dg_hash_str(h, s->comm, DG_COMM_LEN, sh->comm_len);
	if (m & DG_M_CGROUP)
		h = dg_hash_str(h, s->cgroup, DG_CGROUP_LEN, sh->cgroup_len);
	if (m & DG_M_EXE)
		h = dg_hash_str(h, s->exe, DG_EXE_LEN, sh->exe_len);
	return h;
}

#ifndef __bpf__
#include <string.h>

/* Bytes of a string attribute a rule compares: its prefix, or all of it. */
_Static_assert(DG_DEVICE_LEN < 256 && DG_CGROUP_LEN < 256 && DG_EXE_LEN < 256,
	       "a shape holds string lengths in a byte");

static inline __u8 dg_shape_len(const char *pat, int len, bool prefix)
{
	return prefix ? (__u8)strnlen(pat, len) : (__u8)len;
}

static inline void dg_shape_of(const struct dg_rule *r, struct dg_shape *sh)
{
	memset(sh, 0, sizeof(*sh));
	sh->match = r->match;
	if (r->match & DG_M_CLASS)
		sh->class_bytes = r->class_bytes;
	if (r->match & DG_M_DEVICE)
		sh->device_len = dg_shape_len(r->device, DG_DEVICE_LEN, r->prefix & DG_P_DEVICE);
	if (r->match & DG_M_DRIVER)
		sh->driver_len = dg_shape_len(r->driver, DG_DRIVER_LEN, r->prefix & DG_P_DRIVER);
	if (r->match & DG_M_COMM)
		sh->comm_len = dg_shape_len(r->comm, DG_COMM_LEN, r->prefix & DG_P_COMM);
	if (r->match & DG_M_CGROUP)
		sh->cgroup_len = dg_shape_len(r->cgroup, DG_CGROUP_LEN, r->prefix & DG_P_CGROUP);
	if (r->match & DG_M_EXE)
		sh->exe_len = dg_shape_len(r->exe, DG_EXE_LEN, r->prefix & DG_P_EXE);
}

static inline bool dg_shape_eq(const struct dg_shape *a, const struct dg_shape *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* A rule's values as the subject its key is made from. */
static inline void dg_rule_as_bind(const struct dg_rule *r, struct dg_bind_subject *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->device, r->device, sizeof(s->device));
	memcpy(s->driver, r->driver, sizeof(s->driver));
	s->group = r->group;
	s->is_pci = 1;
	s->dma = r->dma;
	s->vendor = r->vendor;
	s->devid = r->devid;
	s->class = r->class;
}

static inline void dg_rule_as_open(const struct dg_rule *r, struct dg_open_subject *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->device, r->device, sizeof(s->device));
	memcpy(s->comm, r->comm, sizeof(s->comm));
	memcpy(s->cgroup, r->cgroup, sizeof(s->cgroup));
	memcpy(s->exe, r->exe, sizeof(s->exe));
	s->group = r->group;
	s->uid = r->uid;
	s->gid = r->gid;
}

#endif

#endif /* DMAGUARD_RULE_KEY_H */
