/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the policy parser: what the statements (policy.c) and the
 * attribute values (policy_attr.c) share. Not an interface.
 */
#ifndef DMAGUARD_POLICY_PARSER_H
#define DMAGUARD_POLICY_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "idname.h"
#include "policy.h"

/* Longest token quoted back in an error message. */
#define QUOTE_MAX 40

struct token {
	const char *s;
	int len;
	int col;	/* 1-based */
};

struct parser {
	const char *name;
	char *err;
	size_t errlen;
	struct policy *p;
	int line;
	const char *cur;	/* next byte of the current line */
	const char *eol;	/* end of the statement (comment or line end) */
	const char *bol;	/* start of the current line */
	int mode_line;
	int default_line[2];	/* per DG_ACT_* */
	struct idname_db users;	/* uid=NAME */
	struct idname_db groups;	/* gid=NAME */
};

struct attr {
	const char *name;
	__u8 actions;		/* bit (1 << DG_ACT_*) per action allowed */
	__u32 match;		/* DG_M_* set on success (id sets its own) */
	__u8 prefix;		/* DG_P_* of a string attribute */
	size_t off;		/* where the value goes in struct dg_rule */
	int size;		/* of a string field */
	__u64 max;		/* of a number */
	const char *expect;	/* what a good value looks like */
	int (*parse)(struct parser *ps, const struct attr *a, const struct token *v,
		     struct dg_rule *r);
};

/* Report "NAME:LINE:COL: " and the cause into the parser's err. */
void perr(struct parser *ps, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The token as printed in messages: at most QUOTE_MAX bytes, then "...". */
#define TOK_FMT "%.*s%s"
#define TOK_ARG(t) ((t)->len > QUOTE_MAX ? QUOTE_MAX : (t)->len), (t)->s, \
		   ((t)->len > QUOTE_MAX ? "..." : "")

static inline bool tok_is(const struct token *t, const char *word)
{
	size_t n = strlen(word);

	return (size_t)t->len == n && !memcmp(t->s, word, n);
}

/* The attributes a rule may name, by name; policy_attr.c. */
extern const struct attr policy_attrs[];
extern const int policy_n_attrs;

#endif
