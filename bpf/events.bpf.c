// SPDX-License-Identifier: GPL-2.0
/*
 * The sequence mutex of events.bpf.h. Global, so the verifier checks its
 * tries once per program rather than in every event_start() inlined there.
 */
#include "common.bpf.h"

__noinline int seq_lock(void)
{
	__u32 zero = 0, one = 1;
	int i;

	for (i = 0; i < SEQ_MUTEX_TRIES; i++)
		if (!bpf_map_update_elem(&seq_mutex, &zero, &one, BPF_NOEXIST))
			return 1;
	return 0;
}
