// SPDX-License-Identifier: GPL-2.0
/*
 * Classifying a driver by name (match.h). Global, so the verifier checks
 * it once per program instead of once for every state the probe path
 * reaches it in. It reads the name itself: before 5.12 a global function
 * takes scalars only.
 */
#include "common.bpf.h"

__noinline int driver_dma_mode(__u64 name)
{
	char buf[DG_DRIVER_LEN] = {}, tail[DG_VARIANT_SUFFIX_LEN] = {};
	long len = bpf_probe_read_kernel_str(buf, sizeof(buf), (const void *)name);

	/* the name as buf holds it, cut to DG_DRIVER_LEN - 1 bytes */
	len = len > 0 ? len - 1 : 0;
	/* its last bytes, read again where they are rather than found by a walk of buf */
	if (len >= DG_VARIANT_SUFFIX_LEN &&
	    bpf_probe_read_kernel(tail, sizeof(tail),
				  (const void *)(name + len - DG_VARIANT_SUFFIX_LEN)))
		__builtin_memset(tail, 0, sizeof(tail));
	return dg_driver_dma_mode_tail(buf, len, tail);
}
