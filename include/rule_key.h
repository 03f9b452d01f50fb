/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule index: pure C, compiled into the BPF programs and into userspace,
 * like match.h, whose semantics it must reproduce exactly.
 *
 * A rule's shape says which attributes it compares and how many bytes of
 * each (struct dg_shape). Masking a subject to a shape keeps exactly what a
 * rule of that shape compares and zeroes the rest, so
 *
 *   rule r of shape S matches subject s  <=>  key(r) == key(s masked to S)
 *
 * for every attribute match.h knows:
 * - an exact string compares the whole field up to the NUL; a prefix
 *   ("vfio*") its first strlen(prefix) bytes, and a value shorter than the
 *   prefix keeps a NUL where the prefix has a character;
 * - class compares class >> (3 - class_bytes) * 8;
 * - a shape naming a PCI attribute keeps is_pci, which a rule's key has
 *   set, so a non-PCI subject never matches it;
 * - numbers compare whole.
 * The first rule that matches is then the lowest of one hash lookup per
 * shape, and each lookup's result still goes through the matcher of
 * match.h, so the index can only ever find fewer matches, never wrong ones.
 */
#ifndef DMAGUARD_RULE_KEY_H
#define DMAGUARD_RULE_KEY_H

#include "match.h"

#define DG_M_PCI_ANY	(DG_M_VENDOR | DG_M_DEVID | DG_M_CLASS | DG_M_PCI)

/*
 * Copy at most n bytes of src up to its first NUL into dst (len bytes),
 * which dg_key_init() zeroed: the rest stays zero.
 */
DG_INLINE void dg_key_str(char *dst, const char *src, int len, int n)
{
	int i;

	for (i = 0; i < len && i < n; i++) {
		if (src[i] == '\0')
			break;
		dst[i] = src[i];
	}
}

DG_INLINE __u32 dg_key_class(__u32 class, __u8 class_bytes)
{
	if (class_bytes < 1 || class_bytes > 3)
		return 0;
	return class >> ((3 - class_bytes) * 8);
}

/* Bytes of a string attribute a rule compares: its prefix, or all of it. */
DG_INLINE __u8 dg_shape_len(const char *pat, int len, bool prefix)
{
	int i;

	if (!prefix)
		return len;
	for (i = 0; i < len; i++)
		if (pat[i] == '\0')
			break;
	return i;
}

DG_INLINE void dg_shape_of(const struct dg_rule *r, struct dg_shape *sh)
{
	sh->match = r->match;
	sh->class_bytes = r->match & DG_M_CLASS ? r->class_bytes : 0;
	sh->device_len = r->match & DG_M_DEVICE ?
		dg_shape_len(r->device, DG_DEVICE_LEN, r->prefix & DG_P_DEVICE) : 0;
	sh->driver_len = r->match & DG_M_DRIVER ?
		dg_shape_len(r->driver, DG_DRIVER_LEN, r->prefix & DG_P_DRIVER) : 0;
	sh->comm_len = r->match & DG_M_COMM ?
		dg_shape_len(r->comm, DG_COMM_LEN, r->prefix & DG_P_COMM) : 0;
}

DG_INLINE bool dg_shape_eq(const struct dg_shape *a, const struct dg_shape *b)
{
	return a->match == b->match && a->class_bytes == b->class_bytes &&
	       a->device_len == b->device_len && a->driver_len == b->driver_len &&
	       a->comm_len == b->comm_len;
}

/* Start a key: everything zero but where it belongs. */
DG_INLINE void dg_key_init(struct dg_rule_key *k, __u8 slot, __u8 action, __u16 shape)
{
	__u32 *w = (__u32 *)k;
	int i;

	for (i = 0; i < (int)(sizeof(*k) / sizeof(*w)); i++)
		w[i] = 0;
	k->slot = slot;
	k->action = action;
	k->shape = shape;
}

/* The attributes of a bind subject that a rule of shape sh compares. */
DG_INLINE void dg_bind_key(const struct dg_shape *sh, const struct dg_bind_subject *s,
			   struct dg_rule_key *k)
{
	__u32 m = sh->match;

	if (m & DG_M_PCI_ANY)
		k->is_pci = s->is_pci;
	if (m & DG_M_VENDOR)
		k->vendor = s->vendor;
	if (m & DG_M_DEVID)
		k->devid = s->devid;
	if (m & DG_M_CLASS)
		k->class = dg_key_class(s->class, sh->class_bytes);
	if (m & DG_M_GROUP)
		k->group = s->group;
	if (m & DG_M_DMA)
		k->dma = s->dma;
	if (m & DG_M_DEVICE)
		dg_key_str(k->device, s->device, DG_DEVICE_LEN, sh->device_len);
	if (m & DG_M_DRIVER)
		dg_key_str(k->driver, s->driver, DG_DRIVER_LEN, sh->driver_len);
}

/* The attributes of an open subject that a rule of shape sh compares. */
DG_INLINE void dg_open_key(const struct dg_shape *sh, const struct dg_open_subject *s,
			   struct dg_rule_key *k)
{
	__u32 m = sh->match;

	if (m & DG_M_GROUP)
		k->group = s->group;
	if (m & DG_M_UID)
		k->uid = s->uid;
	if (m & DG_M_GID)
		k->gid = s->gid;
	if (m & DG_M_DEVICE)
		dg_key_str(k->device, s->device, DG_DEVICE_LEN, sh->device_len);
	if (m & DG_M_COMM)
		dg_key_str(k->comm, s->comm, DG_COMM_LEN, sh->comm_len);
}

#ifndef __bpf__
#include <string.h>

/*
 * A rule's own key in its shape sh (number shape): what the index stores.
 * The rule's values are made a subject and masked by the same code as a
 * real subject's, so both sides of the lookup are built alike.
 */
static inline void dg_rule_key_of(const struct dg_rule *r, const struct dg_shape *sh,
				  __u8 slot, __u16 shape, struct dg_rule_key *k)
{
	dg_key_init(k, slot, r->action, shape);
	if (r->action == DG_ACT_BIND) {
		struct dg_bind_subject s = {
			.group = r->group, .is_pci = 1, .dma = r->dma,
			.vendor = r->vendor, .devid = r->devid, .class = r->class,
		};

		memcpy(s.device, r->device, sizeof(s.device));
		memcpy(s.driver, r->driver, sizeof(s.driver));
		dg_bind_key(sh, &s, k);
	} else {
		struct dg_open_subject s = { .group = r->group, .uid = r->uid, .gid = r->gid };

		memcpy(s.device, r->device, sizeof(s.device));
		memcpy(s.comm, r->comm, sizeof(s.comm));
		dg_open_key(sh, &s, k);
	}
}
#endif

#endif /* DMAGUARD_RULE_KEY_H */
