// SPDX-License-Identifier: GPL-2.0
/* The journal's native protocol and dmaguard's records in it (see journal.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "hex.h"
#include "journal.h"

/*
 * Room in the socket's buffer delays blocking (the protocol's advice); the
 * kernel caps it at net.core.wmem_max. A send waits while journald's queue
 * is full, as sd_journal_send() does: a burst of events outruns journald,
 * and while the daemon waits the ring buffer keeps the events, counting
 * what it cannot keep as lost. Only a journald that takes nothing for
 * JOURNAL_SEND_TIMEOUT_S is reported as failing.
 */
#define JOURNAL_SNDBUF (8 << 20)
#define JOURNAL_SEND_TIMEOUT_S 10

bool journal_stream_is(int fd)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char *end;

	if (!v || !*v)
		return false;
	errno = 0;
	dev = strtoull(v, &end, 10);
	if (errno || end == v || *end != ':')
		return false;
	v = end + 1;
	ino = strtoull(v, &end, 10);
	if (errno || end == v || *end)
		return false;
	if (fstat(fd, &st))
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

int journal_open(struct journal *j, const char *path)
{
	struct timeval timeout = { .tv_sec = JOURNAL_SEND_TIMEOUT_S };
	int sndbuf = JOURNAL_SNDBUF;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	if (!path)
		path = JOURNAL_SOCKET;
	if (strlen(path) >= sizeof(j->addr.sun_path))
		return -ENAMETOOLONG;
	j->addr.sun_family = AF_UNIX;
	strcpy(j->addr.sun_path, path);
	j->addr_len = offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
	j->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (j->fd < 0)
		return -errno;
	/* best effort: without them the sends only block sooner */
	setsockopt(j->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	setsockopt(j->fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	return 0;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	journal_entry_free(&j->entry);
}

void journal_entry_reset(struct journal_entry *e)
{
	e->len = 0;
	e->err = 0;
}

void journal_entry_free(struct journal_entry *e)
{
	free(e->buf);
	memset(e, 0, sizeof(*e));
}

static void entry_put(struct journal_entry *e, const void *p, size_t n)
{
	size_t cap;
	char *buf;

	if (e->err)
		return;
	if (e->len + n > e->cap) {
		cap = e->cap ? e->cap : 1024;
		while (cap < e->len + n)
			cap *= 2;
		buf = realloc(e->buf, cap);
		if (!buf) {
			e->err = -ENOMEM;
			return;
		}
		e->buf = buf;
		e->cap = cap;
	}
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

/* Not empty, not over 64 bytes, A-Z, 0-9 and '_', not starting with '_' or a digit. */
static bool key_valid(const char *key)
{
	size_t i, n = strlen(key);

	if (!n || n > JOURNAL_KEY_MAX || key[0] == '_' || (key[0] >= '0' && key[0] <= '9'))
		return false;
	for (i = 0; i < n; i++)
		if (!((key[i] >= 'A' && key[i] <= 'Z') || (key[i] >= '0' && key[i] <= '9') ||
		      key[i] == '_'))
			return false;
	return true;
}

void journal_entry_add(struct journal_entry *e, const char *key, const void *value,
		       size_t len)
{
	unsigned char size[8];
	uint64_t n = len;
	int i;

	if (!key_valid(key)) {
		if (!e->err)
			e->err = -EINVAL;
		return;
	}
	entry_put(e, key, strlen(key));
	if (!memchr(value, '\n', len)) {
		entry_put(e, "=", 1);
	} else {
		for (i = 0; i < 8; i++)
			size[i] = n >> (8 * i);
		entry_put(e, "\n", 1);
		entry_put(e, size, sizeof(size));
	}
	entry_put(e, value, len);
	entry_put(e, "\n", 1);
}

void journal_entry_add_str(struct journal_entry *e, const char *key, const char *value)
{
	journal_entry_add(e, key, value, strlen(value));
}

/* --- a flat JSON object, as event_format.c writes one --------------------- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Append code point u (from \uXXXX) to out: a byte below 0x100 (json.h), else UTF-8. */
static size_t put_code_point(unsigned int u, char *out)
{
	if (u < 0x100) {
		out[0] = u;
		return 1;
	}
	if (u < 0x800) {
		out[0] = 0xc0 | (u >> 6);
		out[1] = 0x80 | (u & 0x3f);
		return 2;
	}
	out[0] = 0xe0 | (u >> 12);
	out[1] = 0x80 | ((u >> 6) & 0x3f);
	out[2] = 0x80 | (u & 0x3f);
	return 3;
}

static const char *string_escape(const char *p, char *out, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *c = *p ? strchr(from, *p) : NULL;
	unsigned int u = 0;
	int i, d;

	if (c) {
		out[(*n)++] = to[c - from];
		return p + 1;
	}
	if (*p != 'u')
		return NULL;
	for (i = 1; i <= 4; i++) {
		d = hex_digit(p[i]);
		if (d < 0)
			return NULL;
		u = u << 4 | d;
	}
	*n += put_code_point(u, out + *n);
	return p + 5;
}

/*
 * Decode the JSON string at p (at its opening quote) into out, which has
 * room for as many bytes as the encoded string (decoding never grows it).
 * Returns the end of the string, or NULL when it is malformed.
 */
static const char *json_string(const char *p, char *out, size_t *len)
{
	size_t n = 0;

	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if (!*p || (unsigned char)*p < 0x20)
			return NULL;
		if (*p != '\\') {
			out[n++] = *p++;
			continue;
		}
		p = string_escape(p + 1, out, &n);
		if (!p)
			return NULL;
	}
	*len = n;
	return p + 1;
}

/* A number, true, false or null, copied as written. */
static const char *json_scalar(const char *p, char *out, size_t *len)
{
	size_t n = strspn(p, "+-.0123456789eEtruefalsn");

	if (!n)
		return NULL;
	memcpy(out, p, n);
	*len = n;
	return p + n;
}

/* prefix + name in upper case with '-' as '_', into field (cut names fail key_valid). */
static void field_name(const char *prefix, const char *name, size_t len, char *field,
		       size_t size)
{
	size_t i, n = strlen(prefix);

	snprintf(field, size, "%s", prefix);
	for (i = 0; i < len && n + 1 < size; i++, n++) {
		char c = name[i];

		field[n] = c == '-' ? '_' : (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
		/* a NUL or other odd byte in a name: key_valid() refuses it */
		if (!c)
			field[n] = '.';
	}
	field[n] = '\0';
	if (i < len)
		field[0] = '_';
}

/* What a record's priority and MESSAGE_ID depend on. */
struct record_kind {
	char type[24], verdict[24], reason[24];
};

static void note_kind(struct record_kind *k, const char *name, const char *v, size_t len)
{
	char *to = !strcmp(name, "type") ? k->type : !strcmp(name, "verdict") ? k->verdict :
		   !strcmp(name, "reason") ? k->reason : NULL;

	if (to)
		snprintf(to, sizeof(k->type), "%.*s", (int)len, v);
}

/* One member at p (after '{' or ','): add it. The end of its value, or NULL. */
static const char *add_member(struct journal_entry *e, const char *prefix, const char *p,
			      char *name, char *value, struct record_kind *k)
{
	char field[JOURNAL_KEY_MAX + 2];
	size_t name_len, len;
	bool is_string;

	p = json_string(skip_ws(p), name, &name_len);
	if (!p)
		return NULL;
	name[name_len] = '\0';
	p = skip_ws(p);
	if (*p++ != ':')
		return NULL;
	p = skip_ws(p);
	is_string = *p == '"';
	p = is_string ? json_string(p, value, &len) : json_scalar(p, value, &len);
	if (!p)
		return NULL;
	if (!is_string && len == 4 && !memcmp(value, "null", 4))
		return p;
	field_name(prefix, name, name_len, field, sizeof(field));
	journal_entry_add(e, field, value, len);
	if (k)
		note_kind(k, name, value, len);
	return p;
}

static int add_json(struct journal_entry *e, const char *prefix, const char *json,
		    struct record_kind *k)
{
	size_t size = strlen(json) + 1;
	char *name = malloc(size), *value = malloc(size);
	const char *p = skip_ws(json);
	int err = -EINVAL;

	if (!name || !value) {
		err = -ENOMEM;
		goto out;
	}
	if (*p++ != '{')
		goto out;
	p = skip_ws(p);
	if (*p == '}')
		goto end;
	for (;;) {
		p = add_member(e, prefix, p, name, value, k);
		if (!p)
			goto out;
		p = skip_ws(p);
		if (*p == '}')
			break;
		if (*p++ != ',')
			goto out;
	}
end:
	err = *skip_ws(p + 1) ? -EINVAL : 0;
out:
	if (err && !e->err)
		e->err = err;
	free(name);
	free(value);
	return err;
}

void journal_entry_add_json(struct journal_entry *e, const char *prefix, const char *json)
{
	add_json(e, prefix, json, NULL);
}

/* --- sending -------------------------------------------------------------- */

static int send_msg(struct journal *j, struct msghdr *mh)
{
	mh->msg_name = &j->addr;
	mh->msg_namelen = j->addr_len;
	/* a signal (SIGHUP, SIGTERM) is seen once the entry is sent */
	while (sendmsg(j->fd, mh, MSG_NOSIGNAL) < 0) {
		if (errno == EINTR)
			continue;
		/* EAGAIN: journald's queue stayed full past the timeout */
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	}
	return 0;
}

static int send_datagram(struct journal *j, const struct journal_entry *e)
{
	struct iovec iov = { .iov_base = e->buf, .iov_len = e->len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	return send_msg(j, &mh);
}

/* The entry in a memfd journald can trust not to change: every seal. */
static int sealed_memfd(const struct journal_entry *e)
{
	size_t off = 0;
	ssize_t n;
	int fd, err;

	fd = memfd_create("dmaguard-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	while (off < e->len) {
		n = write(fd, e->buf + off, e->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			goto fail;
		}
		off += n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)) {
		err = -errno;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return err;
}

/* An empty datagram with the memfd as its one file descriptor. */
static int send_memfd(struct journal *j, const struct journal_entry *e)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr mh = { .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cm;
	int fd, err;

	fd = sealed_memfd(e);
	if (fd < 0)
		return fd;
	memset(&control, 0, sizeof(control));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	err = send_msg(j, &mh);
	close(fd);
	return err;
}

int journal_send(struct journal *j, const struct journal_entry *e)
{
	int err;

	if (e->err)
		return e->err;
	if (!e->len)
		return -EINVAL;
	err = send_datagram(j, e);
	if (err == -EMSGSIZE || err == -ENOBUFS)
		err = send_memfd(j, e);
	return err;
}

/* --- dmaguard's records --------------------------------------------------- */

int journal_priority(const char *type, const char *verdict, const char *reason)
{
	if (!type)
		type = "";
	if (!verdict || !*verdict)
		verdict = NULL;
	if (!strcmp(type, "lost") || !strcmp(type, "map-full") ||
	    (reason && !strcmp(reason, "untracked")))
		return 3;
	if (!verdict || !strcmp(verdict, "allow"))
		return 6;
	if (!strcmp(verdict, "audit"))
		return 5;
	/* deny, and a verdict this build does not know */
	return 4;
}

/*
 * Generated once (random, as `systemd-id128 new`), never to change: a
 * catalog or an alert may be keyed on them (dmaguard(8), JOURNAL).
 */
static const struct {
	const char *type, *id;
} message_ids[] = {
	{ "bind", "a97956341fbf4b6f8a2ffbcdf09565e6" },
	{ "unbind", "377ffe9a0d8a4917a9d4c608745c273f" },
	{ "claim", "f1ef9e118a46426e926cfc5ec38d65ca" },
	{ "release", "350e7c503c084107a12c2746c83b26b7" },
	{ "open", "963b92097003417ab8c5fa3d99a2b869" },
	{ "hotplug", "ecbb090f28b84c78833f46a871f13143" },
	{ "lost", "79fccf9ccc63424582ca8a2e53fa3c79" },
	{ "map-full", "d0543ab6acba480e89e8bc154068d064" },
	{ "present", "bd2c33f8c9f64e57bf6ef8fcd2714c67" },
};

#define MESSAGE_ID_UNKNOWN "f79fddfec37a4bb885c4cd45b9e92e2f"

const char *journal_message_id(const char *type)
{
	size_t i;

	for (i = 0; type && i < sizeof(message_ids) / sizeof(message_ids[0]); i++)
		if (!strcmp(type, message_ids[i].type))
			return message_ids[i].id;
	return MESSAGE_ID_UNKNOWN;
}

int journal_put_record(void *ctx, const char *json, const char *text)
{
	struct journal *j = ctx;
	struct journal_entry *e = &j->entry;
	struct record_kind k;
	char priority[4];

	memset(&k, 0, sizeof(k));
	journal_entry_reset(e);
	journal_entry_add_str(e, "MESSAGE", text);
	add_json(e, "DMAGUARD_", json, &k);
	snprintf(priority, sizeof(priority), "%d", journal_priority(k.type, k.verdict, k.reason));
	journal_entry_add_str(e, "PRIORITY", priority);
	journal_entry_add_str(e, "MESSAGE_ID", journal_message_id(k.type));
	journal_entry_add_str(e, "SYSLOG_IDENTIFIER", "dmaguard");
	return journal_send(j, e);
}
