// SPDX-License-Identifier: GPL-2.0
/*
 * Classifying a driver by name (match.h) walks the name byte by byte
 * against several literals. Global, so the verifier checks that once per
 * program instead of once for every state the probe path reaches it in.
 * It reads the name itself: before 5.12 a global function takes scalars only.
 */
#include "common.bpf.h"

__noinline int driver_dma_mode(__u64 name)
{
	char buf[DG_DRIVER_LEN] = {};

	bpf_probe_read_kernel_str(buf, sizeof(buf), (const void *)name);
	return dg_driver_dma_mode(buf);
}
