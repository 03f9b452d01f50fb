/* SPDX-License-Identifier: GPL-2.0 */
/* Parsing policy text in the parser's unit tests: the result in pol, an error in err. */
#ifndef DMAGUARD_POLICY_TEXT_H
#define DMAGUARD_POLICY_TEXT_H

#include <string.h>
#include "unit.h"
#include "policy.h"

static struct policy pol;
static char err[POLICY_ERR_LEN];

static int parse(const char *text)
{
	return policy_parse("policy.conf", text, strlen(text), &pol, err, sizeof(err));
}

#define PARSE_OK(text)							\
	do {								\
		if (parse(text))					\
			UNIT_FAIL("parse failed: %s", err);		\
	} while (0)

#endif
