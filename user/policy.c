// SPDX-License-Identifier: GPL-2.0
/*
 * The policy language (contract.md, "Policy file"): a line-oriented parser
 * that compiles each rule into the struct dg_rule the BPF maps hold, and
 * first-match evaluation with the shared matcher of include/match.h.
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

#include "match.h"
#include "policy.h"
#include "hex.h"
#include "idname.h"

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

static void perr(struct parser *ps, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *ps, int col, const char *fmt, ...)
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

/* The token as printed in messages: at most QUOTE_MAX bytes, then "...". */
#define TOK_FMT "%.*s%s"
#define TOK_ARG(t) ((t)->len > QUOTE_MAX ? QUOTE_MAX : (t)->len), (t)->s, \
		   ((t)->len > QUOTE_MAX ? "..." : "")

static bool tok_is(const struct token *t, const char *word)
{
	size_t n = strlen(word);

	return (size_t)t->len == n && !memcmp(t->s, word, n);
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

/* --- values --------------------------------------------------------------- */

/* device, driver, comm: NUL-padded, a trailing '*' makes it a prefix. */
static int parse_string(struct parser *ps, const struct attr *a, const struct token *v,
			struct dg_rule *r)
{
	char *dst = (char *)r + a->off;
	int len = v->len, i;

	for (i = 0; i < v->len - 1; i++) {
		if (v->s[i] != '*')
			continue;
		perr(ps, v->col + i, "'*' in the middle of %s '" TOK_FMT "' "
				     "(expected '*' only at the end, for a prefix)",
		     a->name, TOK_ARG(v));
		return -1;
	}
	if (v->s[len - 1] == '*') {
		r->prefix |= a->prefix;
		len--;
	}
	if (len > a->size - 1) {
		perr(ps, v->col, "%s '" TOK_FMT "' is %d characters long "
				 "(expected at most %d)", a->name, TOK_ARG(v), len, a->size - 1);
		return -1;
	}
	memset(dst, 0, a->size);
	memcpy(dst, v->s, len);
	return 0;
}

/* Hex digits s[0..len) into *val; an error names the first bad digit. */
static int parse_hex(struct parser *ps, const struct attr *a, const char *s, int len,
		     int col, __u32 *val)
{
	int i, d;

	*val = 0;
	for (i = 0; i < len; i++) {
		d = hex_digit(s[i]);
		if (d < 0) {
			perr(ps, col + i, "bad hex digit '%c' in %s (expected %s)",
			     s[i], a->name, a->expect);
			return -1;
		}
		*val = (*val << 4) | (__u32)d;
	}
	return 0;
}

/* One half of id=VVVV:DDDD: "*" (no constraint) or exactly 4 hex digits. */
static int parse_id_half(struct parser *ps, const struct attr *a, const char *s, int len,
			 int col, __u16 *val, bool *any)
{
	struct token t = { s, len, col };
	__u32 x;

	*any = len == 1 && s[0] == '*';
	if (*any)
		return 0;
	if (parse_hex(ps, a, s, len, col, &x))
		return -1;
	if (len != 4) {
		perr(ps, col, "id half '" TOK_FMT "' has %d hex digits (expected %s)",
		     TOK_ARG(&t), len, a->expect);
		return -1;
	}
	*val = (__u16)x;
	return 0;
}

static int parse_id(struct parser *ps, const struct attr *a, const struct token *v,
		    struct dg_rule *r)
{
	const char *colon = memchr(v->s, ':', v->len);
	int vlen, dlen;
	bool any_vendor, any_devid;

	if (!colon) {
		perr(ps, v->col, "id '" TOK_FMT "' has no ':' (expected %s)", TOK_ARG(v),
		     a->expect);
		return -1;
	}
	vlen = (int)(colon - v->s);
	dlen = v->len - vlen - 1;
	if (parse_id_half(ps, a, v->s, vlen, v->col, &r->vendor, &any_vendor) ||
	    parse_id_half(ps, a, colon + 1, dlen, v->col + vlen + 1, &r->devid, &any_devid))
		return -1;
	/* "*:*" names no id but still matches only PCI devices */
	if (any_vendor && any_devid)
		r->match |= DG_M_PCI;
	if (!any_vendor)
		r->match |= DG_M_VENDOR;
	if (!any_devid)
		r->match |= DG_M_DEVID;
	return 0;
}

static int parse_class(struct parser *ps, const struct attr *a, const struct token *v,
		       struct dg_rule *r)
{
	int ndig = v->len - 2;
	__u32 x;

	if (v->len < 2 || v->s[0] != '0' || (v->s[1] != 'x' && v->s[1] != 'X')) {
		perr(ps, v->col, "class '" TOK_FMT "' does not start with 0x (expected %s)",
		     TOK_ARG(v), a->expect);
		return -1;
	}
	if (parse_hex(ps, a, v->s + 2, ndig, v->col + 2, &x))
		return -1;
	if (ndig != 2 && ndig != 4 && ndig != 6) {
		perr(ps, v->col, "class '" TOK_FMT "' has %d hex digits (expected %s)",
		     TOK_ARG(v), ndig, a->expect);
		return -1;
	}
	r->class_bytes = (__u8)(ndig / 2);
	r->class = x << (8 * (3 - r->class_bytes));
	return 0;
}

/*
 * group, uid, gid: decimal 0..a->max, leading zeros are fine, signs are not.
 * uid and gid stop below 4294967295, (uid_t)-1, which is never a real id.
 */
static int parse_number(struct parser *ps, const struct attr *a, const struct token *v,
			struct dg_rule *r)
{
	__u64 val = 0;
	__u32 x;
	int i;

	for (i = 0; i < v->len; i++) {
		char c = v->s[i];

		if (c < '0' || c > '9') {
			perr(ps, v->col + i, "bad decimal digit '%c' in %s (expected %s)",
			     c, a->name, a->expect);
			return -1;
		}
		if (val <= a->max)
			val = val * 10 + (__u64)(c - '0');
	}
	if (val > a->max) {
		perr(ps, v->col, "%s '" TOK_FMT "' is out of range (expected %s)",
		     a->name, TOK_ARG(v), a->expect);
		return -1;
	}
	x = (__u32)val;
	memcpy((char *)r + a->off, &x, sizeof(x));
	return 0;
}

static int parse_dma(struct parser *ps, const struct attr *a, const struct token *v,
		     struct dg_rule *r)
{
	if (tok_is(v, "kernel")) {
		r->dma = DG_DMA_KERNEL;
	} else if (tok_is(v, "user")) {
		r->dma = DG_DMA_USER;
	} else {
		perr(ps, v->col, "unknown dma mode '" TOK_FMT "' (expected %s)", TOK_ARG(v),
		     a->expect);
		return -1;
	}
	return 0;
}

/* --- identities of an opener ----------------------------------------------- */

static const char *passwd_path = "/etc/passwd";
static const char *group_path = "/etc/group";
static policy_name_fn *name_hook;

void policy_set_id_files(const char *passwd, const char *group)
{
	passwd_path = passwd ? passwd : "/etc/passwd";
	group_path = group ? group : "/etc/group";
}

void policy_on_name(policy_name_fn *fn)
{
	name_hook = fn;
}

/* What useradd and groupadd accept: a letter or '_', then [A-Za-z0-9_.-], a final '$'. */
static int check_id_name(struct parser *ps, const struct attr *a, const struct token *v)
{
	int i;

	for (i = 0; i < v->len; i++) {
		char c = v->s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
			continue;
		if (i && ((c >= '0' && c <= '9') || c == '.' || c == '-'))
			continue;
		if (i && i == v->len - 1 && c == '$')
			continue;
		perr(ps, v->col + i, "bad character '%c' in %s name '" TOK_FMT "' (expected %s)",
		     c, a->name, TOK_ARG(v), a->expect);
		return -1;
	}
	return 0;
}

/* uid=, gid=: a number, or a name resolved now from /etc/passwd or /etc/group. */
static int parse_id_or_name(struct parser *ps, const struct attr *a, const struct token *v,
			    struct dg_rule *r)
{
	bool user = a->off == offsetof(struct dg_rule, uid);
	struct idname_db *db = user ? &ps->users : &ps->groups;
	char where[64];
	__u32 id;
	int err;

	if (v->s[0] >= '0' && v->s[0] <= '9')
		return parse_number(ps, a, v, r);
	if (check_id_name(ps, a, v))
		return -1;
	db->path = user ? passwd_path : group_path;
	err = idname_lookup(db, v->s, (size_t)v->len, &id);
	if (err == IDNAME_NONE) {
		perr(ps, v->col, "unknown %s '" TOK_FMT "' in %s (expected %s)",
		     user ? "user" : "group", TOK_ARG(v), db->path, a->expect);
		return -1;
	}
	if (err) {
		perr(ps, v->col, "cannot read %s for %s '" TOK_FMT "': %s (expected %s)",
		     db->path, a->name, TOK_ARG(v), strerror(-err), a->expect);
		return -1;
	}
	memcpy((char *)r + a->off, &id, sizeof(id));
	if (name_hook) {
		snprintf(where, sizeof(where), "%d:%d", ps->line, v->col);
		name_hook(ps->name, where, a->name, v->s, v->len, id);
	}
	return 0;
}

/* A component no kernel path has: empty, "." or "..". */
static bool bad_component(const char *c, int n)
{
	return !n || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.');
}

/*
 * cgroup=, exe=: an absolute path as the kernel spells it, so a value that
 * could never match is refused rather than silently useless. Every
 * component is a name (not empty, "." or ".."); with a trailing '*' the
 * last one may be any start of a name, and "/" alone is the root.
 */
static int parse_path(struct parser *ps, const struct attr *a, const struct token *v,
		      struct dg_rule *r)
{
	bool prefix = v->s[v->len - 1] == '*';
	int len = v->len - prefix, start = 1, i;

	if (v->s[0] != '/') {
		perr(ps, v->col, "%s '" TOK_FMT "' is not an absolute path (expected %s)",
		     a->name, TOK_ARG(v), a->expect);
		return -1;
	}
	for (i = 1; i <= len && len > 1; i++) {
		if (i < len && v->s[i] != '/')
			continue;
		if ((i < len || !prefix) && bad_component(v->s + start, i - start)) {
			perr(ps, v->col + start, "%s '" TOK_FMT "' has an empty, '.' or '..' "
				 "component (expected %s)", a->name, TOK_ARG(v), a->expect);
			return -1;
		}
		start = i + 1;
	}
	/* LEN - 2: a path the kernel cut to LEN - 1 bytes matches only prefixes */
	if (len > a->size - 2) {
		perr(ps, v->col, "%s '" TOK_FMT "' is %d characters long "
				 "(expected at most %d)", a->name, TOK_ARG(v), len, a->size - 2);
		return -1;
	}
	return parse_string(ps, a, v, r);
}

#define BIND (1u << DG_ACT_BIND)
#define OPEN (1u << DG_ACT_OPEN)
#define FIELD(f) offsetof(struct dg_rule, f), sizeof(((struct dg_rule *)0)->f)

static const struct attr attrs[] = {
	{ "device", BIND | OPEN, DG_M_DEVICE, DG_P_DEVICE, FIELD(device), 0,
	  "a device name such as 0000:02:01.0, '*' at the end for a prefix", parse_string },
	{ "id", BIND, 0, 0, 0, 0, 0, "VVVV:DDDD in hex, either half may be '*'", parse_id },
	{ "class", BIND, DG_M_CLASS, 0, 0, 0, 0, "0xCC, 0xCCSS or 0xCCSSPP", parse_class },
	{ "group", BIND | OPEN, DG_M_GROUP, 0, FIELD(group), INT32_MAX,
	  "an IOMMU group number 0 to 2147483647", parse_number },
	{ "driver", BIND, DG_M_DRIVER, DG_P_DRIVER, FIELD(driver), 0,
	  "a driver name such as vfio-pci, '*' at the end for a prefix", parse_string },
	{ "dma", BIND, DG_M_DMA, 0, 0, 0, 0, "kernel or user", parse_dma },
	{ "uid", OPEN, DG_M_UID, 0, FIELD(uid), UINT32_MAX - 1,
	  "a uid 0 to 4294967294 or a user name", parse_id_or_name },
	{ "gid", OPEN, DG_M_GID, 0, FIELD(gid), UINT32_MAX - 1,
	  "a gid 0 to 4294967294 or a group name", parse_id_or_name },
	{ "comm", OPEN, DG_M_COMM, DG_P_COMM, FIELD(comm), 0,
	  "a process name, '*' at the end for a prefix", parse_string },
	{ "cgroup", OPEN, DG_M_CGROUP, DG_P_CGROUP, FIELD(cgroup), 0,
	  "a cgroup v2 path such as /machine.slice/, '*' at the end for a prefix",
	  parse_path },
	{ "exe", OPEN, DG_M_EXE, DG_P_EXE, FIELD(exe), 0,
	  "an absolute executable path, '*' at the end for a prefix", parse_path },
};
#define N_ATTRS ((int)(sizeof(attrs) / sizeof(attrs[0])))

/* --- statements ----------------------------------------------------------- */

static const char *action_name(__u8 action)
{
	return action == DG_ACT_BIND ? "bind" : "open";
}

/* "device, id, ..." for messages: the names attrs[] allows for action, in its order */
static const char *action_attrs(__u8 action)
{
	static char list[2][96];
	char *out = list[action == DG_ACT_OPEN];
	size_t n = 0;
	int i, w;

	for (i = 0; i < N_ATTRS; i++) {
		if (!(attrs[i].actions & (1u << action)))
			continue;
		w = snprintf(out + n, sizeof(list[0]) - n, "%s%s", n ? ", " : "", attrs[i].name);
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
	for (i = 0; i < N_ATTRS && !tok_is(&name, attrs[i].name); i++)
		;
	if (i == N_ATTRS) {
		perr(ps, t->col, "unknown attribute '" TOK_FMT "' (expected %s)",
		     TOK_ARG(&name), action_attrs(r->action));
		return -1;
	}
	if (!(attrs[i].actions & (1u << r->action))) {
		perr(ps, t->col, "attribute '%s' is for %s rules, not %s rules (expected %s)",
		     attrs[i].name, action_name(!r->action), action_name(r->action),
		     action_attrs(r->action));
		return -1;
	}
	if (*seen & (1u << i)) {
		perr(ps, t->col, "duplicate attribute '%s' (expected each attribute at "
				 "most once per rule)", attrs[i].name);
		return -1;
	}
	*seen |= 1u << i;
	if (!value.len) {
		perr(ps, value.col, "empty value for '%s' (expected %s)", attrs[i].name,
		     attrs[i].expect);
		return -1;
	}
	if (attrs[i].parse(ps, &attrs[i], &value, r))
		return -1;
	r->match |= attrs[i].match;
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
		     "name the same attributes, with prefixes of the same length, are one kind)",
		     action_name(action), DG_MAX_SHAPES);
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

