// SPDX-License-Identifier: GPL-2.0
/*
 * core-agrees: every program of dmaguard's object relocated against the
 * cut of the running kernel's BTF and against all of it (core_agrees.h).
 * Prints "core-agrees: N agree, N differ" and what differs; exit status 0
 * only when all agree.
 */
#include "core_agrees.h"

int main(void)
{
	int r = core_agrees(stdout);

	if (r < 0) {
		fprintf(stderr, "core-agrees: %s\n", strerror(-r));
		return 2;
	}
	printf("core-agrees: %zu agree, %d differ\n", bpf_n_progs - (size_t)r, r);
	return r ? 1 : 0;
}
