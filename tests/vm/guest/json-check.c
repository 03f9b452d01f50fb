// SPDX-License-Identifier: GPL-2.0
/*
 * json-check: validate dmaguard's JSON event lines inside the test VM, where
 * there is no python. Every line of standard input must be one JSON object
 * (RFC 8259, strict: no trailing commas, no duplicate keys, valid escapes);
 * with -r, events of each type must carry the contract's fields, every line
 * (lost records too) "schema":1, "ts" and "host", and only the fields
 * docs/dmaguard.8 lists, in the order it gives.
 *
 * With -s, the seq numbers must account for every event (docs/dmaguard.8,
 * "lost"): they increase by one from event to event, except across a gap,
 * and exactly one lost record stands in each gap, right between the two
 * events around it, with count equal to the gap. A lost record after the
 * last event is checked against -n NEXT (the seq the kernel gives its next
 * event, from `dmaguard status`): the tail from the last event to NEXT must
 * be one lost record of that count, or empty. Without -n a trailing lost
 * record is an error. A lost record marked "unsequenced" (events dropped
 * before they had a seq) stands in no gap: it is counted, anywhere. A
 * present event (run's report of a binding at start) has no seq and
 * stands outside the numbering; one with a seq is an error.
 *
 * Usage: json-check [-r] [-s [-n NEXT]] < events.jsonl
 * Prints "N lines valid" (with -s also the events, lost records and lost
 * count) and exits 0, or names the first bad line and exits 1.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_KEYS 64

/* What -s follows from line to line. */
struct seq_state {
	int have_event;		/* an event was seen: prev is its seq */
	unsigned long long prev;
	int lost_pending;	/* a lost record since the last event */
	unsigned long long lost_count;
	long lost_line;
	long events, records;
	unsigned long long lost_total;
};

struct parser {
	const char *s;
	const char *err;
	char keys[MAX_KEYS][32];
	char type[16];
	unsigned long long seq, count, schema;	/* top-level "seq", "count", "schema" */
	int has_seq, has_count, has_schema;
	int n_keys;
	int depth;
};

static void skip_ws(struct parser *p)
{
	while (*p->s == ' ' || *p->s == '\t' || *p->s == '\r' || *p->s == '\n')
		p->s++;
}

static int parse_value(struct parser *p);

/* A string; its contents go to out (truncated) when out is not NULL. */
static int parse_string(struct parser *p, char *out, size_t len)
{
	size_t n = 0;

	if (*p->s != '"')
		return p->err = "expected a string", -1;
	p->s++;
	while (*p->s != '"') {
		unsigned char c = *p->s;

		if (c == '\0' || c < 0x20)
			return p->err = "unescaped control character or end in a string", -1;
		if (c == '\\') {
			p->s++;
			if (*p->s == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p->s[i]))
						return p->err = "bad \\u escape", -1;
				p->s += 4;
			} else if (!strchr("\"\\/bfnrt", *p->s) || !*p->s) {
				return p->err = "bad escape", -1;
			}
		}
		if (out && n + 1 < len)
			out[n++] = *p->s;
		p->s++;
	}
	p->s++;
	if (out)
		out[n] = '\0';
	return 0;
}

static int parse_number(struct parser *p)
{
	const char *start = p->s;

	if (*p->s == '-')
		p->s++;
	if (*p->s == '0')
		p->s++;
	else if (isdigit((unsigned char)*p->s))
		while (isdigit((unsigned char)*p->s))
			p->s++;
	else
		return p->err = "bad number", -1;
	if (*p->s == '.') {
		p->s++;
		if (!isdigit((unsigned char)*p->s))
			return p->err = "bad fraction", -1;
		while (isdigit((unsigned char)*p->s))
			p->s++;
	}
	if (*p->s == 'e' || *p->s == 'E') {
		p->s++;
		if (*p->s == '+' || *p->s == '-')
			p->s++;
		if (!isdigit((unsigned char)*p->s))
			return p->err = "bad exponent", -1;
		while (isdigit((unsigned char)*p->s))
			p->s++;
	}
	return p->s > start ? 0 : -1;
}

static int parse_object(struct parser *p)
{
	int top = p->depth++ == 0, i;
	char key[32];

	p->s++;
	skip_ws(p);
	if (*p->s == '}') {
		p->s++;
		p->depth--;
		return 0;
	}
	for (;;) {
		skip_ws(p);
		if (parse_string(p, key, sizeof(key)))
			return -1;
		if (top) {
			for (i = 0; i < p->n_keys; i++)
				if (!strcmp(p->keys[i], key))
					return p->err = "duplicate key", -1;
			if (p->n_keys < MAX_KEYS)
				strcpy(p->keys[p->n_keys++], key);
		}
		skip_ws(p);
		if (*p->s++ != ':')
			return p->err = "expected ':'", -1;
		skip_ws(p);
		if (top && !strcmp(key, "seq") && isdigit((unsigned char)*p->s)) {
			p->seq = strtoull(p->s, NULL, 10);
			p->has_seq = 1;
		}
		if (top && !strcmp(key, "schema") && isdigit((unsigned char)*p->s)) {
			p->schema = strtoull(p->s, NULL, 10);
			p->has_schema = 1;
		}
		if (top && !strcmp(key, "count") && isdigit((unsigned char)*p->s)) {
			p->count = strtoull(p->s, NULL, 10);
			p->has_count = 1;
		}
		if (top && !strcmp(key, "type") && *p->s == '"') {
			const char *save = p->s;

			if (parse_string(p, p->type, sizeof(p->type)))
				return -1;
			p->s = save;
		}
		if (parse_value(p))
			return -1;
		skip_ws(p);
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		if (*p->s == '}') {
			p->s++;
			p->depth--;
			return 0;
		}
		return p->err = "expected ',' or '}'", -1;
	}
}

static int parse_array(struct parser *p)
{
	p->s++;
	skip_ws(p);
	if (*p->s == ']')
		return p->s++, 0;
	for (;;) {
		skip_ws(p);
		if (parse_value(p))
			return -1;
		skip_ws(p);
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		if (*p->s == ']')
			return p->s++, 0;
		return p->err = "expected ',' or ']'", -1;
	}
}

static int parse_value(struct parser *p)
{
	switch (*p->s) {
	case '{': return parse_object(p);
	case '[': return parse_array(p);
	case '"': return parse_string(p, NULL, 0);
	case 't': return strncmp(p->s, "true", 4) ? -1 : (p->s += 4, 0);
	case 'f': return strncmp(p->s, "false", 5) ? -1 : (p->s += 5, 0);
	case 'n': return strncmp(p->s, "null", 4) ? -1 : (p->s += 4, 0);
	default: return parse_number(p);
	}
}

static int has_key(const struct parser *p, const char *key)
{
	int i;

	for (i = 0; i < p->n_keys; i++)
		if (!strcmp(p->keys[i], key))
			return 1;
	return 0;
}

/* The fields in the order docs/dmaguard.8 gives them (EVENTS, Fields). */
static const char *const field_order[] = {
	"schema", "ts", "host", "seq", "type", "verdict", "reason", "rule", "device", "id",
	"class", "group", "driver", "dma", "map", "count", "result", "pid", "comm", "uid",
	"cgroup", "exe", "unsequenced", NULL
};

static int field_index(const char *key)
{
	int i;

	for (i = 0; field_order[i]; i++)
		if (!strcmp(field_order[i], key))
			return i;
	return -1;
}

/* NULL if the fields are known and in order, else why not (in buf). */
static const char *misordered_field(const struct parser *p, char *buf, size_t len)
{
	int i, at, last = -1;

	for (i = 0; i < p->n_keys; i++) {
		at = field_index(p->keys[i]);
		if (at < 0)
			snprintf(buf, len, "field \"%s\" is not in the man page", p->keys[i]);
		else if (at <= last)
			snprintf(buf, len, "field \"%s\" out of the documented order", p->keys[i]);
		else {
			last = at;
			continue;
		}
		return buf;
	}
	if (!p->has_schema || p->schema != 1)
		return "not \"schema\":1";
	return NULL;
}

/* The contract's fields that every event of a type carries. */
static const char *missing_field(const struct parser *p)
{
	static const char *const common[] = { "schema", "ts", "host", "seq", "type", "pid",
					      "comm", "uid", NULL };
	static const char *const judged[] = { "verdict", "reason", NULL };
	static const char *const lost[] = { "schema", "ts", "host", "type", "count", NULL };
	static const char *const present[] = { "schema", "ts", "host", "type", "verdict",
					       "reason", "device", "driver", "dma", NULL };
	const char *const *f;

	if (!strcmp(p->type, "lost") || !strcmp(p->type, "present")) {
		for (f = *p->type == 'l' ? lost : present; *f; f++)
			if (!has_key(p, *f))
				return *f;
		return NULL;
	}
	for (f = common; *f; f++)
		if (!has_key(p, *f))
			return *f;
	if (!strcmp(p->type, "bind") || !strcmp(p->type, "open"))
		for (f = judged; *f; f++)
			if (!has_key(p, *f))
				return *f;
	if (!strcmp(p->type, "bind") || !strcmp(p->type, "unbind") || !strcmp(p->type, "hotplug"))
		if (!has_key(p, "device"))
			return "device";
	if (has_key(p, "rule") && !has_key(p, "reason"))
		return "reason";
	return NULL;
}

/* -s on one line: NULL if it fits the seq rule, else why not. */
static const char *check_seq(struct seq_state *q, const struct parser *p, long n)
{
	unsigned long long gap;

	if (!strcmp(p->type, "lost")) {
		if (!p->has_count || !p->count)
			return "lost record without a count > 0";
		if (has_key(p, "unsequenced")) {
			q->records++;
			q->lost_total += p->count;
			return NULL;
		}
		if (!q->have_event)
			return "lost record before the first event (no gap to stand in)";
		if (q->lost_pending)
			return "two lost records in one gap";
		q->lost_pending = 1;
		q->lost_count = p->count;
		q->lost_line = n;
		q->records++;
		q->lost_total += p->count;
		return NULL;
	}
	if (!strcmp(p->type, "present"))
		return p->has_seq ? "present event with a seq" : NULL;
	if (!p->has_seq)
		return "event without a seq";
	q->events++;
	if (!q->have_event) {
		q->have_event = 1;
		q->prev = p->seq;
		return NULL;
	}
	if (p->seq <= q->prev)
		return "seq does not increase";
	gap = p->seq - q->prev - 1;
	if (gap && !q->lost_pending)
		return "seq gap without a lost record";
	if (q->lost_pending && q->lost_count != gap)
		return "lost record whose count is not the gap it stands in";
	q->prev = p->seq;
	q->lost_pending = 0;
	return NULL;
}

/* -s at the end: the tail after the last event, against -n NEXT. */
static int check_tail(const struct seq_state *q, int have_next, unsigned long long next)
{
	unsigned long long tail;

	if (!q->lost_pending && !have_next)
		return 0;
	if (!have_next) {
		fprintf(stderr, "line %ld: trailing lost record (count %llu) and no -n NEXT to check it\n",
			q->lost_line, q->lost_count);
		return 1;
	}
	tail = q->have_event && next > q->prev ? next - q->prev - 1 : 0;
	if (tail != (q->lost_pending ? q->lost_count : 0)) {
		fprintf(stderr, "end: %llu events lost after seq %llu (next is %llu), but the stream reports %llu there\n",
			tail, q->prev, next, q->lost_pending ? q->lost_count : 0);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int require = 0, seqs = 0, have_next = 0, c;
	unsigned long long next = 0;
	struct seq_state q = { 0 };
	char *line = NULL, why[128];
	size_t cap = 0;
	long n = 0;

	while ((c = getopt(argc, argv, "rsn:")) != -1) {
		switch (c) {
		case 'r': require = 1; break;
		case 's': seqs = 1; break;
		case 'n': next = strtoull(optarg, NULL, 10); have_next = 1; break;
		default:
			fprintf(stderr, "usage: json-check [-r] [-s [-n NEXT]] < events.jsonl\n");
			return 2;
		}
	}

	while (getline(&line, &cap, stdin) > 0) {
		struct parser p = { .s = line };
		const char *miss;

		n++;
		line[strcspn(line, "\n")] = '\0';
		skip_ws(&p);
		if (*p.s != '{' || parse_object(&p)) {
			fprintf(stderr, "line %ld: %s at column %ld: %s\n", n,
				p.err ? p.err : "not a JSON object", (long)(p.s - line) + 1, line);
			return 1;
		}
		skip_ws(&p);
		if (*p.s) {
			fprintf(stderr, "line %ld: trailing text: %s\n", n, line);
			return 1;
		}
		if (require && (miss = missing_field(&p))) {
			fprintf(stderr, "line %ld: %s event without \"%s\": %s\n", n, p.type, miss,
				line);
			return 1;
		}
		if (require && (miss = misordered_field(&p, why, sizeof(why)))) {
			fprintf(stderr, "line %ld: %s: %s\n", n, miss, line);
			return 1;
		}
		if (seqs && (miss = check_seq(&q, &p, n))) {
			fprintf(stderr, "line %ld: %s: %s\n", n, miss, line);
			return 1;
		}
	}
	free(line);
	if (seqs && check_tail(&q, have_next, next))
		return 1;
	printf("%ld lines valid\n", n);
	if (seqs)
		printf("%ld events, %ld lost records, %llu lost\n", q.events, q.records,
		       q.lost_total);
	return 0;
}
