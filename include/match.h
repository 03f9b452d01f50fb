/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy matcher: pure C, no libc, compiled into the BPF programs and into
 * the userspace loader. `check`, `status --policy` and the kernel enforcement
 * all decide with these functions, so a unit test here tests what runs in the
 * kernel.
 *
 * Semantics (see contract.md, "Policy file"):
 * - a rule matches when every attribute it names matches; unnamed attributes
 *   match anything;
 * - PCI attributes (id, class) never match a non-PCI device;
 * - string attributes are exact, or a prefix when written with a trailing '*'
 *   ("driver=vfio*" matches vfio-pci and vfio-platform);
 * - class=0x03 matches every display controller, 0x0302 only 3D controllers,
 *   0x030200 only prog-if 0 of those;
 * - the first rule of the action that matches decides; with none, the
 *   policy's default for the action does;
 * - in audit mode a deny is reported as audit and allowed.
 */
#ifndef DMAGUARD_MATCH_H
#define DMAGUARD_MATCH_H

#include "dmaguard.h"

#ifndef __bpf__
#include <stdbool.h>
#endif

#ifndef DG_INLINE
#define DG_INLINE static inline __attribute__((always_inline))
#endif

/*
 * Compare a NUL-padded pattern with a NUL-terminated value, both arrays of
 * len bytes. prefix: the pattern matches every value that starts with it.
 */
DG_INLINE bool dg_str_match(const char *pat, const char *val, int len, bool prefix)
{
	int i;

	for (i = 0; i < len; i++) {
		if (pat[i] == '\0')
			return prefix || val[i] == '\0';
		if (pat[i] != val[i])
			return false;
	}
	return true;
}

DG_INLINE bool dg_class_match(const struct dg_rule *r, __u32 class)
{
	__u32 shift = (3 - r->class_bytes) * 8;

	if (r->class_bytes < 1 || r->class_bytes > 3)
		return false;
	return (class >> shift) == (r->class >> shift);
}

DG_INLINE bool dg_bind_rule_matches(const struct dg_rule *r,
				    const struct dg_bind_subject *s)
{
	__u32 m = r->match;

	if (r->action != DG_ACT_BIND)
		return false;
	if ((m & (DG_M_VENDOR | DG_M_DEVID | DG_M_CLASS | DG_M_PCI)) && !s->is_pci)
		return false;
	if ((m & DG_M_VENDOR) && r->vendor != s->vendor)
		return false;
	if ((m & DG_M_DEVID) && r->devid != s->devid)
		return false;
	if ((m & DG_M_CLASS) && !dg_class_match(r, s->class))
		return false;
	if ((m & DG_M_GROUP) && r->group != s->group)
		return false;
	if ((m & DG_M_DMA) && r->dma != s->dma)
		return false;
	if ((m & DG_M_DEVICE) &&
	    !dg_str_match(r->device, s->device, DG_DEVICE_LEN, r->prefix & DG_P_DEVICE))
		return false;
	if ((m & DG_M_DRIVER) &&
	    !dg_str_match(r->driver, s->driver, DG_DRIVER_LEN, r->prefix & DG_P_DRIVER))
		return false;
	return true;
}

DG_INLINE bool dg_open_rule_matches(const struct dg_rule *r,
				    const struct dg_open_subject *s)
{
	__u32 m = r->match;

	if (r->action != DG_ACT_OPEN)
		return false;
	if ((m & DG_M_GROUP) && r->group != s->group)
		return false;
	if ((m & DG_M_UID) && r->uid != s->uid)
		return false;
	if ((m & DG_M_GID) && r->gid != s->gid)
		return false;
	if ((m & DG_M_DEVICE) &&
	    !dg_str_match(r->device, s->device, DG_DEVICE_LEN, r->prefix & DG_P_DEVICE))
		return false;
	if ((m & DG_M_COMM) &&
	    !dg_str_match(r->comm, s->comm, DG_COMM_LEN, r->prefix & DG_P_COMM))
		return false;
	if ((m & DG_M_CGROUP) &&
	    !dg_str_match(r->cgroup, s->cgroup, DG_CGROUP_LEN, r->prefix & DG_P_CGROUP))
		return false;
	if ((m & DG_M_EXE) &&
	    !dg_str_match(r->exe, s->exe, DG_EXE_LEN, r->prefix & DG_P_EXE))
		return false;
	return true;
}

/*
 * The verdict and reason once the first match is known: the matched rule's
 * verdict, or the action's default; audit mode turns deny into audit.
 */
DG_INLINE __u8 dg_decide(const struct dg_policy *p, const struct dg_rule *matched,
			 __u8 action, __u8 *reason)
{
	__u8 v;

	if (matched) {
		v = matched->verdict;
		*reason = DG_REASON_RULE;
	} else {
		v = action == DG_ACT_BIND ? p->default_bind : p->default_open;
		*reason = DG_REASON_DEFAULT;
	}
	if (v == DG_DENY && p->mode == DG_MODE_AUDIT)
		v = DG_AUDIT;
	return v;
}

/*
 * The built-in invariant: a group never mixes kernel-DMA drivers with a
 * userspace owner. A kernel-DMA probe into a user-owned group is refused
 * (reported as audit in audit mode).
 */
DG_INLINE bool dg_mixes_ownership(__u8 dma, __u32 group_owner)
{
	return dma == DG_DMA_KERNEL && group_owner == DG_OWNER_USER;
}

/* A deny verdict that an event must always report, whatever --all says. */
DG_INLINE bool dg_is_violation(__u8 verdict)
{
	return verdict == DG_DENY || verdict == DG_AUDIT;
}

/*
 * Drivers that manage a device's DMA themselves for userspace, decided by
 * name because sysfs does not show the kernel's driver_managed_dma flag:
 * vfio-pci and its vendor variants (named *-vfio-pci or *_vfio_pci),
 * vfio-platform, vfio-amba, vfio-fsl-mc, vfio-cdx, and pci-stub.
 * The BPF side uses the same list, so `status` and the kernel agree;
 * where the kernel has driver_managed_dma, the mixed-ownership invariant
 * additionally exempts drivers that set it without doing DMA (pcieport).
 */
DG_INLINE bool dg_str_has_prefix(const char *s, const char *pre, int len)
{
	int i;

	for (i = 0; i < len; i++) {
		if (pre[i] == '\0')
			return true;
		if (s[i] != pre[i])
			return false;
	}
	return true;
}

DG_INLINE bool dg_str_eq(const char *s, const char *t, int len)
{
	int i;

	for (i = 0; i < len; i++) {
		if (s[i] != t[i])
			return false;
		if (s[i] == '\0')
			return true;
	}
	return true;
}

/*
 * Vendor variants of vfio-pci are named *-vfio-pci or *_vfio_pci: the
 * name's last DG_VARIANT_SUFFIX_LEN bytes, '_' counting as '-'.
 */
#define DG_VARIANT_SUFFIX	"-vfio-pci"
#define DG_VARIANT_SUFFIX_LEN	9

/*
 * tail holds the last suflen bytes of a name. Constant indices only: the
 * BPF side reads the tail from the kernel itself (subject.bpf.c), where a
 * walk of the whole name to find its end made the verifier check 4,700
 * instructions for the few bytes compared.
 */
DG_INLINE bool dg_tail_is(const char *tail, const char *suf, int suflen)
{
	int i;

	for (i = 0; i < suflen; i++) {
		char c = tail[i] == '_' ? '-' : tail[i];

		if (c != suf[i])
			return false;
	}
	return true;
}

/*
 * driver: the name, NUL-terminated within DG_DRIVER_LEN bytes; len: its
 * length; tail: its last DG_VARIANT_SUFFIX_LEN bytes, when it has that many.
 */
DG_INLINE __u8 dg_driver_dma_mode_tail(const char *driver, int len, const char *tail)
{
	if (dg_str_has_prefix(driver, "vfio-", DG_DRIVER_LEN) ||
	    dg_str_has_prefix(driver, "vfio_", DG_DRIVER_LEN) ||
	    (len >= DG_VARIANT_SUFFIX_LEN &&
	     dg_tail_is(tail, DG_VARIANT_SUFFIX, DG_VARIANT_SUFFIX_LEN)) ||
	    dg_str_eq(driver, "pci-stub", DG_DRIVER_LEN))
		return DG_DMA_USER;
	return DG_DMA_KERNEL;
}

DG_INLINE __u8 dg_driver_dma_mode(const char *driver)
{
	int len = 0;

	while (len < DG_DRIVER_LEN && driver[len] != '\0')
		len++;
	return dg_driver_dma_mode_tail(driver, len,
				       driver + (len >= DG_VARIANT_SUFFIX_LEN ?
						 len - DG_VARIANT_SUFFIX_LEN : 0));
}

/*
 * Kernel drivers that set driver_managed_dma without doing DMA for anyone
 * (PCIe port services): they do not take a group for the kernel, so they
 * neither block VFIO viability nor count as mixing with a userspace owner.
 * Where the kernel has the flag, the BPF side reads it instead.
 */
DG_INLINE bool dg_driver_does_no_dma(const char *driver)
{
	return dg_str_eq(driver, "pcieport", DG_DRIVER_LEN);
}

/* The driver takes its device's group for kernel DMA (counts against VFIO). */
DG_INLINE bool dg_driver_takes_group(const char *driver)
{
	return driver[0] != '\0' && dg_driver_dma_mode(driver) == DG_DMA_KERNEL &&
	       !dg_driver_does_no_dma(driver);
}

/*
 * A group's owner, from its counters in the groups map. The counters move
 * by atomic adds; the owner field stored beside them can lag a concurrent
 * update, so every reader derives the owner here instead of trusting it.
 */
DG_INLINE __u32 dg_group_owner(const struct dg_group *g)
{
	if (g->user_claims)
		return DG_OWNER_USER;
	return g->kernel_drivers ? DG_OWNER_KERNEL : DG_OWNER_NONE;
}

#endif /* DMAGUARD_MATCH_H */
