// SPDX-License-Identifier: GPL-2.0
/* The one definition of every map; the other objects declare them extern. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#define DG_DEFINE_MAPS
#include "dmaguard.bpf.h"

char LICENSE[] SEC("license") = "GPL";
