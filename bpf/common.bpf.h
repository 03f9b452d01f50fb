/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every dmaguard BPF object includes: kernel types, libbpf helpers,
 * the maps, the shared matcher, and the helpers, one concern per header
 * (in dependency order: a later one uses the earlier ones).
 */
#ifndef DMAGUARD_COMMON_BPF_H
#define DMAGUARD_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "dmaguard.bpf.h"
#include "match.h"
#include "rule_key.h"

#ifndef EEXIST
#define EEXIST 17
#endif

#include "gate.bpf.h"		/* which set judges and which reports a call */
#include "policy.bpf.h"	/* config, active policy, the rule walk */
#include "subject.bpf.h"	/* reading devices and drivers */
#include "events.bpf.h"		/* seq numbers, the ring, map-full */
#include "probes.bpf.h"		/* probes in flight per task */
#include "groups.bpf.h"		/* group ownership accounting */

#endif /* DMAGUARD_COMMON_BPF_H */
