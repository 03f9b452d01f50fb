/* SPDX-License-Identifier: GPL-2.0 */
/* The per-task stack of probes in flight (inflight). Included through common.bpf.h. */
#ifndef DMAGUARD_PROBES_BPF_H
#define DMAGUARD_PROBES_BPF_H

/* This task's probes in flight, if any. */
static __always_inline struct probe_stack *task_probes(void)
{
	__u64 id = bpf_get_current_pid_tgid();

	return bpf_map_lookup_elem(&inflight, &id);
}

/* The probe on top of this task's stack, if any. */
static __always_inline struct probe_frame *top_probe(struct probe_stack *st)
{
	__u32 depth = st->depth;

	if (depth == 0 || depth > DG_MAX_NEST)
		return NULL;
	return &st->frames[(depth - 1) & (DG_MAX_NEST - 1)];
}

#endif /* DMAGUARD_PROBES_BPF_H */
