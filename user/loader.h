/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading, attaching and pinning the BPF side (loader.c; opening the
 * object for the running kernel: loader_open.c); the pinned state's
 * interface is pinned.h.
 */
#ifndef DMAGUARD_LOADER_H
#define DMAGUARD_LOADER_H

#include <stdbool.h>
#include <linux/types.h>
#include <stddef.h>
#include "dmaguard.h"
#include "pinned.h"
#include "policy.h"

#define LOADER_ERR_LEN 512

/* How the deny hooks are attached. */
enum hook_mode {
	HOOK_LSM,	/* BPF LSM programs: bpf is an active LSM */
	HOOK_FMOD_RET,	/* fmod_ret on security_*(): bpf is not an active LSM */
};

/* What `run` reports it has in force. */
struct load_report {
	bool reused;		/* enforcement was already pinned: nothing reattached */
	enum hook_mode hooks;
	bool ownership_api;	/* the kernel tracks DMA ownership (5.19+) */
	bool device_claims;	/* iommu_device_claim_dma_owner (6.2+) */
	char programs[1024];	/* names of the attached programs */
	char warning[512];	/* for the administrator, even when loading failed, or "" */
};

/*
 * Make sure enforcement is pinned in dir: reuse what is pinned, or load,
 * attach and pin everything with pol in force from the first moment. Either
 * all of it is pinned or nothing is. Pins go only where nobody but root can
 * take them away (pindir_guard.c). Returns 0, or -errno with err set:
 * -EOPNOTSUPP when the kernel lacks something, -EPERM without privilege,
 * -ENAMETOOLONG for a pin directory name too long.
 */
int loader_ensure(const char *dir, const struct policy *pol, struct load_report *rep,
		  char *err, size_t errlen);

/*
 * The steps of a load, for a takeover (upgrade.c): check the kernel, open
 * the BPF object with the programs this kernel takes and sized maps; load
 * it; attach it and pin everything under dir (gates: gates.h); seed the
 * VFIO nodes and majors from sysfs. Each returns 0 or -errno with err set.
 */
struct dmaguard_bpf;
int loader_open_programs(struct dmaguard_bpf **skel, struct load_report *rep, char *err,
			 size_t errlen);
int loader_load(struct dmaguard_bpf *skel, char *err, size_t errlen);
/*
 * The BPF object opened as every load opens it: the kernel's BTF read once
 * for the programs' attach targets, whose ids libbpf is given
 * (attach_btf.h), and for the cut of it that CO-RE relocation reads
 * (core_btf.h). *ids (to free; NULL ids: not wanted): the targets' ids,
 * 0 where the kernel has none, in bpf_progs' order. loader_open_programs()
 * calls it; gate_load.c too.
 */
int loader_open_object(struct dmaguard_bpf **skel, __u32 **ids, char *err, size_t errlen);
/*
 * Before the load: a gate loaded on demand (gates.h) not in gates is left
 * out, and so are the programs loaded with it (PROG_WITH_OPEN_GATE).
 */
void loader_skip_gates(struct dmaguard_bpf *skel, unsigned int gates);
int loader_attach_and_pin(struct dmaguard_bpf *skel, const char *dir, unsigned int gates,
			  char *err, size_t errlen);
/* Attach the loaded programs that come with the open gate; pin their links in DIR/links. */
int loader_attach_open_gate_aids(struct dmaguard_bpf *skel, const char *dir, char *err,
				 size_t errlen);
/*
 * The VFIO nodes sysfs shows, into the node map, where the set tracks
 * them (its device_add program is loaded); 0 or -errno. An entry already
 * there is kept (its hooks made it). stale: the open gate's first load,
 * its node hooks just attached: what the map held, which no hook kept
 * current, goes first.
 */
int loader_seed_nodes(struct dmaguard_bpf *skel, bool stale);

#endif
