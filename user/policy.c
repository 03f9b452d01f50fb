// SPDX-License-Identifier: GPL-2.0
/*
 * The policy language (contract.md, "Policy file"): a line-oriented parser
 * that compiles each rule into the struct dg_rule the BPF maps hold and
 * indexes it (policy_index.c); the attributes' values are policy_attr.c's.
 *
 * Lexical rules: one statement per line, LF line ends, tokens separated by
 * spaces or tabs, '#' starts a comment anywhere. Outside comments only
 * printable ASCII is allowed; comments may hold any byte but NUL and CR.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_parser.h"

void perr(struct parser *ps, int col, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(ps->err, ps->errlen, "%s:%d:%d: ", ps->name, ps->line, col);
	if (n < 0 || (size_t)n >= ps->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
}

/* Next space-separated token of the statement; false at its end. */
static bool next_token(struct parser *ps, struct token *t)
{
	while (ps->cur < ps->eol && (*ps->cur == ' ' || *ps->cur == '\t'))
		ps->cur++;
	if (ps->cur >= ps->eol)
		return false;
	t->s = ps->cur;
	t->col = (int)(ps->cur - ps->bol) + 1;
	while (ps->cur < ps->eol && *ps->cur != ' ' && *ps->cur != '\t')
		ps->cur++;
	t->len = (int)(ps->cur - t->s);
	return true;
}

/* Column just past the last byte of t: where a missing token belongs. */
static int col_after(const struct token *t)
{
	return t->col + t->len;
}

/*
 * Check the bytes of one line and find where its statement ends (at '#').
 * NUL and CR are refused everywhere, other control and non-ASCII bytes
 * outside comments.
 */
static int scan_line(struct parser *ps, const char *end)
{
	const char *c;

	ps->eol = NULL;
	for (c = ps->bol; c < end; c++) {
		unsigned char b = (unsigned char)*c;
		int col = (int)(c - ps->bol) + 1;

		if (b == '\0') {
			perr(ps, col, "NUL byte (expected a text file)");
			return -1;
		}
		if (b == '\r') {
			perr(ps, col, "carriage return (expected LF line ends; "
				      "convert CRLF with dos2unix)");
			return -1;
		}
		if (ps->eol)
			continue;
		if (b == '#') {
			ps->eol = c;
		} else if (b >= 0x80) {
			perr(ps, col, "non-ASCII byte 0x%02X (expected ASCII outside comments)", b);
			return -1;
		} else if ((b < 0x20 && b != '\t') || b == 0x7f) {
			perr(ps, col, "control character 0x%02X (expected printable ASCII)", b);
			return -1;
		}
	}
	if (!ps->eol)
		ps->eol = end;
	return 0;
}

/* The statement must end here; anything more is trailing garbage. */
static int expect_end(struct parser *ps)
{
	struct token t;

	if (!next_token(ps, &t))
		return 0;
	perr(ps, t.col, "unexpected '" TOK_FMT "' after the statement "
		       "(expected end of line or a '#' comment)", TOK_ARG(&t));
	return -1;
}

/* --- statements ----------------------------------------------------------- */

static const char *action_name(__u8 action)
{
	return action == DG_ACT_BIND ? "bind" : "open";
}

/* "device, id, ..." for messages: the names policy_attrs[] allows for action, in its order */
static const char *action_attrs(__u8 action)
{
	static char list[2][96];
	char *out = list[action == DG_ACT_OPEN];
	size_t n = 0;
	int i, w;

	for (i = 0; i < policy_n_attrs; i++) {
		if (!(policy_attrs[i].actions & (1u << action)))
			continue;
		w = snprintf(out + n, sizeof(list[0]) - n, "%s%s", n ? ", " : "",
			     policy_attrs[i].name);
		if (w < 0 || (size_t)w >= sizeof(list[0]) - n)
			break;	/* cannot happen with this table: it fits */
		n += (size_t)w;
	}
	return out;
}

/* The action word after a verdict or "default". */
static int parse_action(struct parser *ps, const struct token *prev, struct token *word,
			__u8 *action)
{
	struct token t;

	if (!next_token(ps, &t)) {
		perr(ps, col_after(prev), "missing action after '" TOK_FMT "' "
					  "(expected bind or open)", TOK_ARG(prev));
		return -1;
	}
	if (tok_is(&t, "bind")) {
		*action = DG_ACT_BIND;
	} else if (tok_is(&t, "open")) {
		*action = DG_ACT_OPEN;
	} else {
		perr(ps, t.col, "unknown action '" TOK_FMT "' (expected bind or open)",
		     TOK_ARG(&t));
		return -1;
	}
	*word = t;
	return 0;
}

static int parse_attr(struct parser *ps, const struct token *t, struct dg_rule *r,
		      unsigned *seen)
{
	const char *eq = memchr(t->s, '=', t->len);
	struct token name, value;
	int i;

	if (!eq) {
		perr(ps, t->col, "missing '=' in '" TOK_FMT "' (expected ATTR=VALUE, "
				 "no spaces around '=')", TOK_ARG(t));
		return -1;
	}
	name = (struct token){ t->s, (int)(eq - t->s), t->col };
	value = (struct token){ eq + 1, t->len - name.len - 1, t->col + name.len + 1 };
	if (!name.len) {
		perr(ps, t->col, "missing attribute name before '=' (expected ATTR=VALUE "
				 "with ATTR one of %s)", action_attrs(r->action));
		return -1;
	}
	for (i = 0; i < policy_n_attrs && !tok_is(&name, policy_attrs[i].name); i++)
		;
	if (i == policy_n_attrs) {
		perr(ps, t->col, "unknown attribute '" TOK_FMT "' (expected %s)",
		     TOK_ARG(&name), action_attrs(r->action));
		return -1;
	}
	if (!(policy_attrs[i].actions & (1u << r->action))) {
		perr(ps, t->col, "attribute '%s' is for %s rules, not %s rules (expected %s)",
		     policy_attrs[i].name, action_name(!r->action), action_name(r->action),
		     action_attrs(r->action));
		return -1;
	}
	if (*seen & (1u << i)) {
		perr(ps, t->col, "duplicate attribute '%s' (expected each attribute at "
				 "most once per rule)", policy_attrs[i].name);
		return -1;
	}
	*seen |= 1u << i;
	if (!value.len) {
		perr(ps, value.col, "empty value for '%s' (expected %s)", policy_attrs[i].name,
		     policy_attrs[i].expect);
		return -1;
	}
	if (policy_attrs[i].parse(ps, &policy_attrs[i], &value, r))
		return -1;
	r->match |= policy_attrs[i].match;
	return 0;
}

/* <verdict> bind|open [ATTR=VALUE ...] */
static int parse_rule(struct parser *ps, const struct token *kw, __u8 verdict)
{
	struct policy *p = ps->p;
	struct dg_rule *r;
	struct token act, t;
	unsigned seen = 0;
	__u8 action;

	if (p->hdr.n_rules >= DG_MAX_RULES) {
		perr(ps, kw->col, "too many rules (expected at most %d)", DG_MAX_RULES);
		return -1;
	}
	if (parse_action(ps, kw, &act, &action))
		return -1;
	r = &p->rules[p->hdr.n_rules];
	memset(r, 0, sizeof(*r));
	r->action = action;
	r->verdict = verdict;
	r->line = (__u32)ps->line;
	while (next_token(ps, &t))
		if (parse_attr(ps, &t, r, &seen))
			return -1;
	if (policy_index_add(p, p->hdr.n_rules)) {
		perr(ps, kw->col, "too many kinds of %s rule (expected at most %d: rules that "
		     "name the same attributes, each exact or a prefix of the same length, and "
		     "classes of as many bytes, are one kind)", action_name(action), DG_MAX_SHAPES);
		return -1;
	}
	p->hdr.n_rules++;
	return 0;
}

static int check_duplicate(struct parser *ps, const struct token *kw, int *first,
			   const char *what)
{
	if (*first) {
		perr(ps, kw->col, "duplicate '%s' statement (expected one per file; "
				  "the first is on line %d)", what, *first);
		return -1;
	}
	*first = ps->line;
	return 0;
}

/* mode enforce|audit */
static int parse_mode(struct parser *ps, const struct token *kw)
{
	struct token t;

	if (check_duplicate(ps, kw, &ps->mode_line, "mode"))
		return -1;
	if (!next_token(ps, &t)) {
		perr(ps, col_after(kw), "missing mode (expected enforce or audit)");
		return -1;
	}
	if (tok_is(&t, "enforce")) {
		ps->p->hdr.mode = DG_MODE_ENFORCE;
	} else if (tok_is(&t, "audit")) {
		ps->p->hdr.mode = DG_MODE_AUDIT;
	} else {
		perr(ps, t.col, "unknown mode '" TOK_FMT "' (expected enforce or audit)",
		     TOK_ARG(&t));
		return -1;
	}
	return expect_end(ps);
}

/* default bind|open allow|deny */
static int parse_default(struct parser *ps, const struct token *kw)
{
	struct token act, t;
	__u8 action, verdict;

	if (parse_action(ps, kw, &act, &action))
		return -1;
	if (check_duplicate(ps, kw, &ps->default_line[action],
			    action == DG_ACT_BIND ? "default bind" : "default open"))
		return -1;
	if (!next_token(ps, &t)) {
		perr(ps, col_after(&act), "missing verdict after 'default %s' "
					  "(expected allow or deny)", action_name(action));
		return -1;
	}
	if (tok_is(&t, "allow")) {
		verdict = DG_ALLOW;
	} else if (tok_is(&t, "deny")) {
		verdict = DG_DENY;
	} else {
		perr(ps, t.col, "unknown default verdict '" TOK_FMT "' (expected allow or deny)",
		     TOK_ARG(&t));
		return -1;
	}
	if (action == DG_ACT_BIND)
		ps->p->hdr.default_bind = verdict;
	else
		ps->p->hdr.default_open = verdict;
	return expect_end(ps);
}

static int parse_statement(struct parser *ps)
{
	struct token kw;

	if (!next_token(ps, &kw))
		return 0;	/* blank or comment only */
	if (tok_is(&kw, "mode"))
		return parse_mode(ps, &kw);
	if (tok_is(&kw, "default"))
		return parse_default(ps, &kw);
	if (tok_is(&kw, "allow"))
		return parse_rule(ps, &kw, DG_ALLOW);
	if (tok_is(&kw, "deny"))
		return parse_rule(ps, &kw, DG_DENY);
	if (tok_is(&kw, "audit"))
		return parse_rule(ps, &kw, DG_AUDIT);
	perr(ps, kw.col, "unknown statement '" TOK_FMT "' (expected mode, default, "
			 "allow, deny or audit)", TOK_ARG(&kw));
	return -1;
}

/* hdr.source keeps the tail of a long name: the file name is the useful part. */
static void set_source(struct dg_policy *hdr, const char *name)
{
	size_t n = strlen(name);

	if (n > DG_SOURCE_LEN - 1)
		name += n - (DG_SOURCE_LEN - 1);
	strncpy(hdr->source, name, DG_SOURCE_LEN - 1);
}

static int parse_lines(struct parser *ps, const char *buf, size_t len)
{
	const char *end = buf + len, *nl;

	for (ps->bol = buf; ps->bol < end; ps->bol = nl + 1) {
		nl = memchr(ps->bol, '\n', (size_t)(end - ps->bol));
		if (!nl)
			nl = end;	/* no final newline: fine */
		ps->line++;
		if (scan_line(ps, nl))
			return -1;
		ps->cur = ps->bol;
		if (parse_statement(ps))
			return -1;
	}
	return 0;
}

/*
 * What of a policy is in use: the rules past n_rules are never read, and a
 * whole struct policy is megabytes (DG_MAX_RULES rules).
 */
static void policy_copy(struct policy *dst, const struct policy *src)
{
	__u32 n = src->hdr.n_rules;

	dst->hdr = src->hdr;
	memcpy(dst->rules, src->rules, n * sizeof(src->rules[0]));
	memcpy(dst->shapes, src->shapes, sizeof(src->shapes));
	memcpy(dst->rule_shape, src->rule_shape, n * sizeof(src->rule_shape[0]));
	memcpy(dst->index, src->index, sizeof(src->index));
	memcpy(dst->sha256, src->sha256, sizeof(src->sha256));
	dst->size = src->size;
	memcpy(dst->path, src->path, sizeof(src->path));
}

int policy_parse(const char *name, const char *buf, size_t len,
		 struct policy *out, char *err, size_t errlen)
{
	struct parser ps = { .name = name, .err = err, .errlen = errlen };
	struct policy *p;
	int rc;

	if (errlen)
		err[0] = '\0';
	if (len > POLICY_MAX_BYTES) {
		snprintf(err, errlen, "%s: file is %zu bytes long (expected at most %d)",
			 name, len, POLICY_MAX_BYTES);
		return -1;
	}
	/* Parse into a scratch copy so *out stays intact on error (SIGHUP). */
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	p->hdr.mode = DG_MODE_ENFORCE;
	p->hdr.default_bind = DG_ALLOW;
	p->hdr.default_open = DG_ALLOW;
	set_source(&p->hdr, name);
	ps.p = p;
	rc = parse_lines(&ps, buf, len);
	idname_db_free(&ps.users);
	idname_db_free(&ps.groups);
	if (!rc)
		policy_copy(out, p);
	free(p);
	return rc;
}

