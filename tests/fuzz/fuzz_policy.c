// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the policy parser (`make fuzz`). Besides the
 * sanitizers' checks it asserts the parser's promises: an error is one
 * non-empty line starting with the file name, a success holds at most
 * DG_MAX_RULES rules whose strings are NUL-terminated and whose fields are in
 * range, and the shared matcher accepts every rule. (Evaluation proper,
 * policy_eval_*() in policy_load.c, is a plain loop over these matchers.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "policy.h"

#define NAME "fuzz.conf"

static struct policy pol;

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static void check_error(const char *err)
{
	CHECK(err[0] != '\0');
	CHECK(!strchr(err, '\n'));
	CHECK(!strncmp(err, NAME ":", strlen(NAME ":")));
}

static void check_rule(const struct dg_rule *r)
{
	CHECK(r->action == DG_ACT_BIND || r->action == DG_ACT_OPEN);
	CHECK(r->verdict <= DG_AUDIT);
	CHECK(r->line >= 1);
	CHECK(memchr(r->device, '\0', sizeof(r->device)));
	CHECK(memchr(r->driver, '\0', sizeof(r->driver)));
	CHECK(memchr(r->comm, '\0', sizeof(r->comm)));
	if (r->match & DG_M_CLASS)
		CHECK(r->class_bytes >= 1 && r->class_bytes <= 3 && r->class <= 0xffffff);
	if (r->match & DG_M_GROUP)
		CHECK(r->group >= 0);
	if (r->match & DG_M_UID)
		CHECK(r->uid != UINT32_MAX);
	if (r->match & DG_M_GID)
		CHECK(r->gid != UINT32_MAX);
	if (r->action == DG_ACT_OPEN)
		CHECK(!(r->match & (DG_M_VENDOR | DG_M_DEVID | DG_M_CLASS | DG_M_DRIVER |
				    DG_M_DMA)));
	else
		CHECK(!(r->match & (DG_M_UID | DG_M_GID | DG_M_COMM)));
}

static void check_policy(void)
{
	static const struct dg_bind_subject bind = {
		.device = "0000:02:01.0", .driver = "e1000", .group = 5, .is_pci = 1,
		.dma = DG_DMA_KERNEL, .vendor = 0x8086, .devid = 0x100e, .class = 0x020000,
	};
	static const struct dg_open_subject open = {
		.comm = "qemu", .group = 5, .uid = 0, .gid = 0, .kind = DG_NODE_GROUP,
	};
	__u32 i;

	CHECK(pol.hdr.n_rules <= DG_MAX_RULES);
	CHECK(pol.hdr.mode <= DG_MODE_AUDIT);
	CHECK(pol.hdr.default_bind <= DG_DENY && pol.hdr.default_open <= DG_DENY);
	CHECK(!strcmp(pol.hdr.source, NAME));
	for (i = 0; i < pol.hdr.n_rules; i++) {
		check_rule(&pol.rules[i]);
		/* bind and open rules never match the other action's subject */
		if (dg_bind_rule_matches(&pol.rules[i], &bind))
			CHECK(pol.rules[i].action == DG_ACT_BIND);
		if (dg_open_rule_matches(&pol.rules[i], &open))
			CHECK(pol.rules[i].action == DG_ACT_OPEN);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[POLICY_ERR_LEN];

	if (policy_parse(NAME, (const char *)data, size, &pol, err, sizeof(err)))
		check_error(err);
	else
		check_policy();
	return 0;
}
