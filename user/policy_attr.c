// SPDX-License-Identifier: GPL-2.0
/*
 * The values of a rule's attributes (dmaguard.policy(5), "Attributes"): each
 * attribute's parser and the table the statement parser (policy.c) looks
 * names up in.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "policy_parser.h"

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
static policy_path_fn *path_hook;

void policy_set_id_files(const char *passwd, const char *group)
{
	passwd_path = passwd ? passwd : "/etc/passwd";
	group_path = group ? group : "/etc/group";
}

void policy_on_name(policy_name_fn *fn)
{
	name_hook = fn;
}

void policy_on_path(policy_path_fn *fn)
{
	path_hook = fn;
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
	char where[64];

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
	if (path_hook && a->match == DG_M_EXE) {
		snprintf(where, sizeof(where), "%d:%d", ps->line, v->col);
		path_hook(ps->name, where, a->name, v->s, len, prefix);
	}
	return parse_string(ps, a, v, r);
}

#define BIND (1u << DG_ACT_BIND)
#define OPEN (1u << DG_ACT_OPEN)
#define FIELD(f) offsetof(struct dg_rule, f), sizeof(((struct dg_rule *)0)->f)

const struct attr policy_attrs[] = {
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
const int policy_n_attrs = (int)(sizeof(policy_attrs) / sizeof(policy_attrs[0]));
