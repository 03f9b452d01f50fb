// SPDX-License-Identifier: GPL-2.0
/*
 * A policy from the current bindings, compact enough for a host with
 * thousands of VFs: devices with the same key and driver share one rule
 * (all VFs of a model: one `allow bind id=... driver=...`). The key is the
 * PCI vendor:device ID, or with --by device the device name; off the PCI
 * bus the name is all there is, so it is the key there.
 *
 * Layout: every allow rule first, then the rules that close the scope, so
 * no closing rule can shadow an allow (a prefix key could otherwise reach
 * a device of a later block). A closing device key that would also match a
 * bound device outside the scope pulls that device into the scope, so it
 * gets its own allow: every current binding stays allowed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "generate.h"
#include "match.h"
#include "policy.h"
#include "report.h"

struct gen_rec {
	const struct topo_device *d;
	size_t idx;			/* in topology order */
	char key[DG_DEVICE_LEN + 2];	/* "vvvv:dddd", or a device name, '*' if a prefix */
	char drv[DG_DRIVER_LEN + 2];
	bool by_id;
	bool exact;			/* key and driver name exactly this device's */
};

/* One key: recs[rec, rec + n) in driver order. */
struct gen_key {
	size_t rec, n;
	size_t first_idx;		/* of its first device, for the output order */
};

struct gen {
	const struct topology *t;
	const struct gen_opts *o;
	bool *judged;			/* per device: bound and in scope */
	struct gen_rec *recs;
	size_t n_recs;
	struct gen_key *keys;
	size_t n_keys;
};

static const char *const by_names[] = { "id", "device" };
static const char *const scope_names[] = { "present", "pci", "all" };

const char *generate_by_name(enum gen_by by)
{
	return by_names[by];
}

const char *generate_scope_name(enum gen_scope scope)
{
	return scope_names[scope];
}

static int name_index(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

int generate_by_parse(const char *s)
{
	return name_index(s, by_names, 2);
}

int generate_scope_parse(const char *s)
{
	return name_index(s, scope_names, 3);
}

int generate_otherwise_parse(const char *s)
{
	if (!strcmp(s, "allow"))
		return DG_ALLOW;
	if (!strcmp(s, "audit"))
		return DG_AUDIT;
	if (!strcmp(s, "deny"))
		return DG_DENY;
	return -1;
}

/*
 * A string value the policy language can hold: printable ASCII without
 * blanks, '#' (a comment) or '*' (a prefix). A value that was cut to the
 * kernel's field size, or that holds other bytes, becomes a prefix rule up
 * to where it stops being exact: it still allows the current binding (so
 * `check` passes) and is marked in a comment as wider than the one device.
 */
static bool policy_value(char *dst, size_t size, const char *src, size_t max, bool cut)
{
	size_t i, n = strnlen(src, max);
	bool exact = !cut;

	for (i = 0; i < n && i + 2 < size; i++) {
		unsigned char c = src[i];

		if (c <= 0x20 || c >= 0x7f || c == '#' || c == '*') {
			exact = false;
			break;
		}
		dst[i] = c;
	}
	if (!exact)
		dst[i++] = '*';
	dst[i] = '\0';
	return exact;
}

static bool keyed_by_id(const struct gen_opts *o, const struct topo_device *d)
{
	return o->by == GEN_BY_ID && d->is_pci;
}

/* The scope the options name, before closing keys pull in more. */
static bool in_scope(const struct gen_opts *o, const struct topo_device *d)
{
	if (!d->driver[0])
		return false;
	switch (o->scope) {
	case GEN_SCOPE_PCI:
		return d->is_pci;
	case GEN_SCOPE_PRESENT:
		/* off the PCI bus, a device without a group does no DMA of its own */
		return d->is_pci || d->group >= 0;
	default:
		return true;
	}
}

/* Closing rules per key: only scope present writes them, and only to deny or audit. */
static bool closes_per_key(const struct gen_opts *o)
{
	return o->scope == GEN_SCOPE_PRESENT && o->otherwise != DG_ALLOW;
}

/* A closing device key as the matcher sees it. */
struct gen_pattern {
	char name[DG_DEVICE_LEN];	/* NUL-padded, without the '*' */
	bool prefix;
};

static void device_pattern(const struct topo_device *d, struct gen_pattern *p)
{
	char key[DG_DEVICE_LEN + 2];
	size_t n;

	p->prefix = !policy_value(key, sizeof(key), d->name, sizeof(d->name),
				  d->name_truncated);
	n = strlen(key) - p->prefix;
	memset(p->name, 0, sizeof(p->name));
	memcpy(p->name, key, n < DG_DEVICE_LEN ? n : DG_DEVICE_LEN - 1);
}

static int cmp_pattern(const void *a, const void *b)
{
	const struct gen_pattern *x = a, *y = b;

	if (x->prefix != y->prefix)
		return x->prefix ? 1 : -1;
	return memcmp(x->name, y->name, DG_DEVICE_LEN);
}

/* The closing device keys of the judged devices: *n_exact exact ones, sorted, then prefixes. */
static size_t closing_patterns(const struct gen *g, struct gen_pattern *pats, size_t *n_exact)
{
	size_t i, n = 0;

	*n_exact = 0;
	for (i = 0; i < g->t->n_devices; i++) {
		if (!g->judged[i] || keyed_by_id(g->o, &g->t->devices[i]))
			continue;
		device_pattern(&g->t->devices[i], &pats[n]);
		*n_exact += !pats[n++].prefix;
	}
	qsort(pats, n, sizeof(*pats), cmp_pattern);
	return n;
}

static bool pattern_matches(const struct gen_pattern *pats, size_t n, size_t n_exact,
			    const char *name)
{
	struct gen_pattern key = { .prefix = false };
	size_t lo = 0, hi = n_exact, mid, i;
	int c;

	memcpy(key.name, name, DG_DEVICE_LEN);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = cmp_pattern(&key, &pats[mid]);
		if (!c)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (i = n_exact; i < n; i++)
		if (dg_str_match(pats[i].name, name, DG_DEVICE_LEN, true))
			return true;
	return false;
}

/*
 * Which bound devices the rules name. A bound device outside the scope
 * whose name a closing device key matches is named too (same name on two
 * buses, a prefix key), until no more are: the allow before the closing
 * rule keeps it allowed.
 */
static int mark_judged(struct gen *g)
{
	const struct topology *t = g->t;
	struct gen_pattern *pats;
	bool more = true;
	size_t i, n, n_exact;

	for (i = 0; i < t->n_devices; i++)
		g->judged[i] = in_scope(g->o, &t->devices[i]);
	if (!closes_per_key(g->o))
		return 0;
	pats = calloc(t->n_devices + 1, sizeof(*pats));
	if (!pats)
		return -ENOMEM;
	while (more) {
		more = false;
		n = closing_patterns(g, pats, &n_exact);
		for (i = 0; i < t->n_devices; i++) {
			if (g->judged[i] || !t->devices[i].driver[0])
				continue;
			if (pattern_matches(pats, n, n_exact, t->devices[i].name))
				g->judged[i] = more = true;
		}
	}
	free(pats);
	return 0;
}

static void fill_rec(const struct gen_opts *o, const struct topology *t, size_t i,
		     struct gen_rec *r)
{
	const struct topo_device *d = &t->devices[i];
	bool exact;

	memset(r, 0, sizeof(*r));
	r->d = d;
	r->idx = i;
	r->by_id = keyed_by_id(o, d);
	if (r->by_id) {
		pci_id_str(r->key, d->vendor, d->devid);
		exact = true;
	} else {
		exact = policy_value(r->key, sizeof(r->key), d->name, sizeof(d->name),
				     d->name_truncated);
	}
	exact &= policy_value(r->drv, sizeof(r->drv), d->driver, sizeof(d->driver),
			      d->driver_truncated);
	r->exact = exact;
}

static int cmp_rec(const void *a, const void *b)
{
	const struct gen_rec *x = a, *y = b;
	int c;

	if (x->by_id != y->by_id)
		return x->by_id ? -1 : 1;
	c = strcmp(x->key, y->key);
	if (!c)
		c = strcmp(x->drv, y->drv);
	if (!c)
		c = x->idx < y->idx ? -1 : x->idx > y->idx;
	return c;
}

static bool same_key(const struct gen_rec *x, const struct gen_rec *y)
{
	return x->by_id == y->by_id && !strcmp(x->key, y->key);
}

static int cmp_key(const void *a, const void *b)
{
	const struct gen_key *x = a, *y = b;

	return x->first_idx < y->first_idx ? -1 : x->first_idx > y->first_idx;
}

/* Records of the judged devices, sorted into keys in the order they first appear. */
static int collect(struct gen *g)
{
	size_t i, n = 0;

	g->judged = calloc(g->t->n_devices + 1, sizeof(*g->judged));
	g->recs = calloc(g->t->n_devices + 1, sizeof(*g->recs));
	g->keys = calloc(g->t->n_devices + 1, sizeof(*g->keys));
	if (!g->judged || !g->recs || !g->keys)
		return -ENOMEM;
	if (mark_judged(g))
		return -ENOMEM;
	for (i = 0; i < g->t->n_devices; i++)
		if (g->judged[i])
			fill_rec(g->o, g->t, i, &g->recs[n++]);
	g->n_recs = n;
	qsort(g->recs, n, sizeof(*g->recs), cmp_rec);
	for (i = 0; i < n; i++) {
		struct gen_key *k = &g->keys[g->n_keys];

		if (i && same_key(&g->recs[i - 1], &g->recs[i])) {
			k[-1].n++;
			if (g->recs[i].idx < k[-1].first_idx)
				k[-1].first_idx = g->recs[i].idx;
			continue;
		}
		*k = (struct gen_key){ i, 1, g->recs[i].idx };
		g->n_keys++;
	}
	qsort(g->keys, g->n_keys, sizeof(*g->keys), cmp_key);
	return 0;
}

/* "group 4", "512 groups", "no IOMMU group", "3 groups, 2 without one" */
static void print_groups(FILE *f, const struct gen_rec *r, size_t n)
{
	size_t i, groups = 0, none = 0;

	for (i = 0; i < n; i++) {
		if (r[i].d->group < 0)
			none++;
		else if (!i || r[i].d->group != r[i - 1].d->group)
			groups++;
	}
	if (!groups)
		fputs("no IOMMU group", f);
	else if (groups == 1 && !none)
		fprintf(f, "group %d", r[0].d->group);
	else
		fprintf(f, "%zu groups", groups);
	if (groups && none)
		fprintf(f, ", %zu without one", none);
}

/* The comment over an allow rule: which devices, where, what kind. */
static void print_rule_comment(FILE *f, const struct gen_rec *r, size_t n)
{
	const struct topo_device *d = r[0].d;
	char text[TEXT_MAX], id[PCI_ID_LEN], class[PCI_CLASS_LEN];

	fputs("# ", f);
	if (n > 1)
		fprintf(f, "%zu devices %s .. ", n,
			report_text(text, sizeof(text), d->name, sizeof(d->name)));
	fprintf(f, "%s, ", report_text(text, sizeof(text), r[n - 1].d->name,
				      sizeof(d->name)));
	print_groups(f, r, n);
	fprintf(f, ", %s", report_text(text, sizeof(text), d->bus, sizeof(d->bus)));
	if (d->is_pci)
		fprintf(f, " %s class %s", pci_id_str(id, d->vendor, d->devid),
			pci_class_str(class, d->class));
	fprintf(f, ", dma %s\n", policy_dma_name(d->dma));
	if (!r[0].exact)
		fprintf(f, "# a prefix: the name %s or its driver is too long or holds bytes "
			   "a policy cannot spell\n",
			report_text(text, sizeof(text), d->name, sizeof(d->name)));
}

static const char *key_attr(const struct gen_rec *r)
{
	return r->by_id ? "id" : "device";
}

/* The allow rules of one key, one per driver. */
static void print_key(FILE *f, const struct gen *g, const struct gen_key *k)
{
	const struct gen_rec *r = &g->recs[k->rec], *end = r + k->n, *first;

	fputc('\n', f);
	while (r < end) {
		first = r;
		while (r < end && !strcmp(r->drv, first->drv))
			r++;
		print_rule_comment(f, first, (size_t)(r - first));
		fprintf(f, "allow bind %s=%s driver=%s\n", key_attr(first), first->key,
			first->drv);
	}
}

static const char *verdict_word(__u8 v)
{
	return v == DG_AUDIT ? "audit" : "deny ";
}

/* The rules after the allows that give the scope its verdict. */
static void print_closing(FILE *f, const struct gen *g)
{
	const char *v = verdict_word(g->o->otherwise);
	size_t i;

	if (g->o->otherwise == DG_ALLOW)
		return;
	if (closes_per_key(g->o)) {
		fprintf(f, "\n# Any other driver on a device of a kind above: %s.\n",
			g->o->otherwise == DG_AUDIT ? "audit" : "deny");
		for (i = 0; i < g->n_keys; i++) {
			const struct gen_rec *r = &g->recs[g->keys[i].rec];

			fprintf(f, "%s bind %s=%s\n", v, key_attr(r), r->key);
		}
	} else if (g->o->scope == GEN_SCOPE_PCI) {
		fprintf(f, "\n# Any other bind of a PCI device: %s.\n%s bind id=*:*\n",
			g->o->otherwise == DG_AUDIT ? "audit" : "deny", v);
	} else if (g->o->otherwise == DG_AUDIT) {
		fputs("\n# Any other bind, on any bus: audit (allowed, reported).\n"
		      "audit bind\n", f);
	}
}

static const char *const scope_text[] = {
	[GEN_SCOPE_PRESENT] =
	"# Judged (scope present): the devices that have a driver now, on the PCI\n"
	"# bus or in an IOMMU group, and every device of their kind\n"
	"# (%s).\n"
	"# Each may bind the drivers its kind has now; any other driver: %s.\n"
	"# Not judged, so allowed: a device of another kind (a new model; a VF of\n"
	"# a model no device here has), one off the PCI bus without an IOMMU group\n"
	"# (USB, virtio children, PCIe port services), one whose kind has no driver now.\n",
	[GEN_SCOPE_PCI] =
	"# Judged (scope pci): every bind of a PCI device, also of one added later\n"
	"# (a VF, a hot-plugged card). Today's bindings are allowed (%s);\n"
	"# any other: %s.\n"
	"# Not judged, so allowed: devices off the PCI bus (USB, virtio children,\n"
	"# platform devices, PCIe port services).\n",
	[GEN_SCOPE_ALL] =
	"# Judged (scope all): every bind on every bus, also of a device added later\n"
	"# (a USB stick on another port, a VF). Today's bindings are allowed (%s);\n"
	"# any other: %s.\n",
};

static const char *key_text(const struct gen_opts *o)
{
	return o->by == GEN_BY_ID ? "by PCI vendor:device ID, by name off the PCI bus"
				  : "by device name";
}

static const char *otherwise_text(__u8 v)
{
	if (v == DG_DENY)
		return "denied";
	if (v == DG_AUDIT)
		return "audited (allowed, and reported as a violation)";
	return "allowed as well (--default allow: these rules only list today's bindings)";
}

static void print_header(FILE *f, const struct gen *g, size_t bound)
{
	const struct gen_opts *o = g->o;
	char root[TEXT_MAX];

	fprintf(f, "# dmaguard policy made by `dmaguard generate --by %s --scope %s "
		   "--default %s`\n"
		   "# from %s, where %zu of %zu devices have a driver.\n",
		generate_by_name(o->by), generate_scope_name(o->scope),
		o->otherwise == DG_DENY ? "deny" : o->otherwise == DG_AUDIT ? "audit" : "allow",
		report_text(root, sizeof(root), o->source, DG_SOURCE_LEN), bound,
		g->t->n_devices);
	fprintf(f, scope_text[o->scope], key_text(o), otherwise_text(o->otherwise));
	fprintf(f, "# Try it with `mode audit` first; see dmaguard.policy(5).\n"
		   "mode enforce\n"
		   "default bind %s\n"
		   "# Opening VFIO nodes is left open: which devices userspace can own\n"
		   "# is already decided by which ones may bind to vfio-pci and friends.\n"
		   "default open allow\n",
		o->scope == GEN_SCOPE_ALL && o->otherwise == DG_DENY ? "deny" : "allow");
}

static void gen_free(struct gen *g)
{
	free(g->judged);
	free(g->recs);
	free(g->keys);
}

int generate_policy(FILE *f, const struct topology *t, const struct gen_opts *o)
{
	struct gen g = { .t = t, .o = o };
	size_t i, bound = 0;
	int rc;

	rc = collect(&g);
	if (rc) {
		gen_free(&g);
		return rc;
	}
	for (i = 0; i < t->n_devices; i++)
		bound += t->devices[i].driver[0] != '\0';
	print_header(f, &g, bound);
	for (i = 0; i < g.n_keys; i++)
		print_key(f, &g, &g.keys[i]);
	print_closing(f, &g);
	gen_free(&g);
	return 0;
}
