// SPDX-License-Identifier: GPL-2.0
/*
 * mkhost SHAPE DIR: write a synthetic sysfs tree of a real host shape
 * (tests/unit/host_shape.h: small, server, extreme) to DIR, for
 * `dmaguard status --sysfs DIR`, `lspci -O sysfs.path=DIR/bus/pci` and the
 * scan benchmark (tests/bench/scan.py). Prints the device count.
 */
#include <stdio.h>
#include <string.h>
#include "host_shape.h"

int main(int argc, char **argv)
{
	enum host_shape shape;

	if (argc != 3 || host_shape_parse(argv[1], &shape)) {
		fprintf(stderr, "usage: mkhost small|server|extreme DIR\n");
		return 2;
	}
	if (host_shape_build(argv[2], shape)) {
		fprintf(stderr, "mkhost: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	printf("%zu\n", host_shape_devices(shape));
	return 0;
}
