/* SPDX-License-Identifier: GPL-2.0 */
/* Group ownership as the pinned "groups" map keeps it. Included through common.bpf.h. */
#ifndef DMAGUARD_GROUPS_BPF_H
#define DMAGUARD_GROUPS_BPF_H

/*
 * Account a change of a group's ownership in the pinned map: dkernel and
 * duser are +1/-1/0 changes of kernel-DMA drivers and userspace claims;
 * release_all drops every userspace claim (group-level release).
 */
static __always_inline void group_account(__s32 gid, int dkernel, int duser, bool release_all)
{
	struct dg_group *g, zero = {};

	if (gid == DG_NO_GROUP)
		return;
	g = bpf_map_lookup_elem(&groups, &gid);
	if (!g) {
		/* EEXIST: another CPU made it meanwhile; the lookup finds it */
		bpf_map_update_elem(&groups, &gid, &zero, BPF_NOEXIST);
		g = bpf_map_lookup_elem(&groups, &gid);
		if (!g) {
			map_full(DG_MAP_GROUPS, NULL);
			return;
		}
	}
	if (dkernel > 0 || (dkernel < 0 && g->kernel_drivers))
		__sync_fetch_and_add(&g->kernel_drivers, dkernel);
	if (duser > 0) {
		__sync_fetch_and_add(&g->user_claims, 1);
		g->owner_pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(g->owner_comm, sizeof(g->owner_comm));
	} else if (duser < 0 && g->user_claims) {
		__sync_fetch_and_add(&g->user_claims, -1);
	}
	if (release_all)
		g->user_claims = 0;
	g->owner = dg_group_owner(g);
	if (g->owner == DG_OWNER_USER)
		return;
	g->owner_pid = 0;
	__builtin_memset(g->owner_comm, 0, sizeof(g->owner_comm));
}

/* The kernel tracks DMA ownership itself (5.19+): its hooks keep our map. */
static __always_inline bool kernel_has_ownership_api(void)
{
	return bpf_core_field_exists(struct iommu_group, owner);
}

#endif /* DMAGUARD_GROUPS_BPF_H */
