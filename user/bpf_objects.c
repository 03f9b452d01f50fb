// SPDX-License-Identifier: GPL-2.0
/* The tables of bpf_objects.h. Adding a program or a pinned map starts here. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>
#include "bpf_objects.h"
#include "dmaguard.h"
#include "policy_maps.h"
#include "dmaguard.skel.h"

#define PROG(n, tgt, k, need, gate) \
	{ offsetof(struct dmaguard_bpf, progs.n), #n, tgt, k, need, gate }
#define MAP_SINCE(n, t, vsize, entries, shared, since) \
	{ offsetof(struct dmaguard_bpf, maps.n), #n, BPF_MAP_TYPE_##t, vsize, entries, shared, \
	  since }
#define MAP(n, t, vsize, entries, shared) MAP_SINCE(n, t, vsize, entries, shared, 1)

const struct prog_def bpf_progs[] = {
	/* the probe path: enforcement needs all of them */
	PROG(probe_enter, "really_probe", PROG_FENTRY, PROG_REQUIRED, 0),
	PROG(probe_exit, "really_probe", PROG_FEXIT, PROG_REQUIRED, 0),
	PROG(unbind_exit, "device_links_busy", PROG_FEXIT, PROG_REQUIRED, 0),
	/* the device life cycle: VFIO nodes for the open gate, hot-plug events (which need it too) */
	PROG(device_add_exit, "device_add", PROG_FEXIT, PROG_WITH_OPEN_GATE, 0),
	PROG(device_del_enter, "device_del", PROG_FENTRY, PROG_WITH_OPEN_GATE, 0),
	/* the deny hooks: one flavour of each, attached or not as the policy needs */
	PROG(lsm_kernfs, "bpf_lsm_kernfs_init_security", PROG_LSM, PROG_HOOK, PROG_GATE_KERNFS),
	PROG(fmod_kernfs, "security_kernfs_init_security", PROG_FMOD_RET, PROG_HOOK,
	     PROG_GATE_KERNFS),
	PROG(lsm_file_open, "bpf_lsm_file_open", PROG_LSM, PROG_HOOK, PROG_GATE_OPEN),
	PROG(fmod_file_open, "security_file_open", PROG_FMOD_RET, PROG_HOOK, PROG_GATE_OPEN),
	/* the kernel's DMA-ownership API (5.19+), device claims (6.2+) */
	PROG(use_default_domain_exit, "iommu_device_use_default_domain", PROG_FEXIT,
	     PROG_OPTIONAL, 0),
	PROG(unuse_default_domain_exit, "iommu_device_unuse_default_domain", PROG_FEXIT,
	     PROG_OPTIONAL, 0),
	PROG(group_claim_exit, "iommu_group_claim_dma_owner", PROG_FEXIT, PROG_OPTIONAL, 0),
	PROG(group_release_exit, "iommu_group_release_dma_owner", PROG_FEXIT, PROG_OPTIONAL, 0),
	PROG(device_claim_exit, "iommu_device_claim_dma_owner", PROG_FEXIT, PROG_OPTIONAL, 0),
	PROG(device_release_exit, "iommu_device_release_dma_owner", PROG_FEXIT,
	     PROG_OPTIONAL, 0),
	/* where ownership is seen without that API (< 5.19) */
	PROG(attach_group_exit, "iommu_attach_group", PROG_FEXIT, PROG_LEGACY, 0),
	PROG(detach_group_enter, "iommu_detach_group", PROG_FENTRY, PROG_LEGACY, 0),
	PROG(file_free_enter, "security_file_free", PROG_FENTRY, PROG_LEGACY, 0),
};
const size_t bpf_n_progs = sizeof(bpf_progs) / sizeof(bpf_progs[0]);

const struct map_def bpf_maps[] = {
	/* written by userspace only: converted on a takeover */
	MAP(policy, ARRAY, sizeof(struct dg_policy), 2, false),
	MAP(rules, HASH, sizeof(struct dg_rule), 2 * DG_MAX_RULES, false),
	MAP(shapes, ARRAY, sizeof(struct dg_shapes), 4, false),
	MAP(rule_index, HASH, sizeof(__u32), 2 * DG_MAX_RULES, false),
	MAP(config, ARRAY, sizeof(struct dg_config), 1, false),
#ifndef DMAGUARD_TEST_FORMAT	/* the VM tests' older build has no format 2 map */
	MAP_SINCE(policy_info, ARRAY, sizeof(struct dg_policy_info), 2, false, 2),
#endif
	/* written by the programs: shared across a takeover, layouts frozen */
	MAP(format, ARRAY, sizeof(struct dg_format), 1, true),
	MAP(call_token, LRU_HASH, sizeof(struct dg_call_owner), 0, true),
	MAP(stats, ARRAY, sizeof(struct dg_stats), 1, true),
	MAP(seq_mutex, HASH, sizeof(__u32), 1, true),
	MAP(events, RINGBUF, 0, 0, true),
	MAP(groups, HASH, sizeof(struct dg_group), 0, true),
	MAP(nodes, HASH, sizeof(struct dg_node), 0, true),
	MAP(claimed_files, HASH, sizeof(__s32), 0, true),
#ifndef DMAGUARD_TEST_FORMAT
	MAP_SINCE(counts, ARRAY, sizeof(__u64), DG_COUNT_SLOTS, true, 2),
#endif
	/* per set, and its layout the programs' own: a takeover drains it */
	MAP(inflight, HASH, 0, 0, false),
};
const size_t bpf_n_maps = sizeof(bpf_maps) / sizeof(bpf_maps[0]);

struct bpf_program *prog_of(const struct dmaguard_bpf *skel, const struct prog_def *d)
{
	return *(struct bpf_program *const *)((const char *)skel + d->skel_off);
}

struct policy_maps skel_policy_maps(const struct dmaguard_bpf *skel)
{
	return (struct policy_maps) {
		.rules = bpf_map__fd(skel->maps.rules),
		.shapes = bpf_map__fd(skel->maps.shapes),
		.index = bpf_map__fd(skel->maps.rule_index),
	};
}

struct bpf_map *map_of(const struct dmaguard_bpf *skel, const struct map_def *d)
{
	return *(struct bpf_map *const *)((const char *)skel + d->skel_off);
}

const struct prog_def *prog_def_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < bpf_n_progs; i++)
		if (!strcmp(bpf_progs[i].name, name))
			return &bpf_progs[i];
	return NULL;
}

const struct map_def *bpf_map_def_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < bpf_n_maps; i++)
		if (!strcmp(bpf_maps[i].name, name))
			return &bpf_maps[i];
	return NULL;
}

void prog_def_section(const struct prog_def *d, char *buf, size_t len)
{
	static const char *const prefix[] = {
		[PROG_FENTRY] = "fentry/", [PROG_FEXIT] = "fexit/",
		[PROG_LSM] = "lsm/", [PROG_FMOD_RET] = "fmod_ret/",
	};
	const char *target = d->target;

	if (d->kind == PROG_LSM && !strncmp(target, "bpf_lsm_", 8))
		target += 8;
	snprintf(buf, len, "%s%s", prefix[d->kind], target);
}

bool prog_def_flavour_ok(const struct prog_def *d, bool lsm)
{
	if (d->kind == PROG_LSM)
		return lsm;
	if (d->kind == PROG_FMOD_RET)
		return !lsm;
	return true;
}
