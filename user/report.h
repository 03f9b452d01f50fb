/* SPDX-License-Identifier: GPL-2.0 */
/* What the offline commands (report.c: status, check; generate.c) share. */
#ifndef DMAGUARD_REPORT_H
#define DMAGUARD_REPORT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include "dmaguard.h"
#include "topology.h"

#define TEXT_MAX	(DG_SOURCE_LEN * 4 + 16)	/* an escaped name */

enum { OPT_JSON = 1, OPT_SYSFS, OPT_POLICY, OPT_HELP };

struct opts {
	bool json;
	const char *sysfs;
	const char *policy;
	const char *file;	/* check's FILE */
};

struct command_usage {
	const char *name;
	const char *usage;	/* printed for --help and after a usage error */
	const struct option *longopts;
	int n_args;		/* positional arguments */
};

/* --sysfs and --help: the options of check and generate. */
extern const struct option report_sysfs_longopts[];

/* Parse a command's options into o. Returns -1 to go on, else the exit code. */
int report_parse_opts(const struct command_usage *u, int argc, char **argv, struct opts *o);

/* src for a terminal: \xNN for blanks and non-printable bytes, \\ for '\'. */
const char *report_text(char *dst, size_t size, const char *src, size_t max);

/* Scan the topology under root; on failure print why and return -1. */
int report_scan(const char *root, struct topology *t);

#endif
