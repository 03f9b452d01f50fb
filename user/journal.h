/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events into systemd's journal by its native protocol (systemd's "Native
 * Journal Protocol"), written here because a static binary cannot link
 * libsystemd.
 *
 * An entry is one datagram to /run/systemd/journal/socket holding its
 * fields, each KEY=VALUE\n, or, when the value holds a newline, KEY\n, the
 * value's length as a little-endian 64-bit integer, VALUE, \n. An entry the
 * socket refuses as too large (EMSGSIZE, ENOBUFS) goes again as a sealed
 * memfd holding the same bytes, passed alone (SCM_RIGHTS) in an empty
 * datagram.
 *
 * dmaguard's records (journal_put_record(), the event stream's sink): each
 * field of the record's JSON form as DMAGUARD_<KEY> (upper case, '-' as
 * '_'), JSON strings decoded back to the kernel's bytes; MESSAGE, the text
 * form; MESSAGE_ID, fixed per type (journal_message_id()); PRIORITY by
 * verdict (journal_priority()); SYSLOG_IDENTIFIER=dmaguard. The fields
 * come from the JSON form, so a field the event gains is in the journal
 * too.
 */
#ifndef DMAGUARD_JOURNAL_H
#define DMAGUARD_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* journald takes field names up to 64 bytes: A-Z, 0-9 and '_'. */
#define JOURNAL_KEY_MAX 64

/* One entry's fields, serialized; the buffer grows as needed. */
struct journal_entry {
	char *buf;
	size_t len, cap;
	int err;	/* the first error while adding (-EINVAL, -ENOMEM); 0 */
};

struct journal {
	int fd;
	struct sockaddr_un addr;
	socklen_t addr_len;
	struct journal_entry entry;	/* reused by journal_put_record() */
};

/*
 * Is fd the stream systemd connected to the journal for this service:
 * JOURNAL_STREAM ("DEVICE:INODE", systemd.exec(5)) names fd's device and
 * inode? Not when it is unset, malformed, or names another file (a
 * redirection, a terminal).
 */
bool journal_stream_is(int fd);

/*
 * A datagram socket to the journal's socket at path (NULL: JOURNAL_SOCKET).
 * Nothing is connected: each entry is sent to the path, so a journald that
 * restarted is found again. Returns 0 or -errno.
 */
int journal_open(struct journal *j, const char *path);
void journal_close(struct journal *j);

void journal_entry_reset(struct journal_entry *e);
void journal_entry_free(struct journal_entry *e);

/*
 * Add the field key with the len bytes of value (any bytes), in the first
 * form, or the second when value holds a newline. A key that is not a
 * journal field name sets e->err to -EINVAL.
 */
void journal_entry_add(struct journal_entry *e, const char *key, const void *value,
		       size_t len);
void journal_entry_add_str(struct journal_entry *e, const char *key, const char *value);

/*
 * Add each member of json, a flat JSON object (strings, numbers, true,
 * false; null is left out), as the field prefix + KEY: the member's name in
 * upper case with '-' as '_'. A string is decoded (\u00XX is byte XX,
 * json.h), other values are added as written. Malformed JSON sets e->err
 * to -EINVAL.
 */
void journal_entry_add_json(struct journal_entry *e, const char *prefix, const char *json);

/*
 * Send e as one entry: a datagram, or a sealed memfd when the datagram is
 * too large. While journald's queue is full the send waits, up to ten
 * seconds (signals do not cut it short). Returns 0, or -errno (-ETIMEDOUT
 * for a queue that stayed full, e->err for an entry that could not be
 * built).
 */
int journal_send(struct journal *j, const struct journal_entry *e);

/*
 * The PRIORITY (syslog level) of a record of type with verdict and reason
 * (NULL or "" when it has none): lost records, map-full events and
 * decisions made without the policy (reason untracked) 3 (err); then by
 * verdict: deny 4 (warning), audit 5 (notice), allow 6 (info); a record
 * without a verdict 6.
 */
int journal_priority(const char *type, const char *verdict, const char *reason);

/* The MESSAGE_ID of records of type (32 hex digits), one for unknown types. */
const char *journal_message_id(const char *type);

/*
 * The event stream's sink (events.h): send the record json/text to the
 * journal j as the entry described above. Returns 0 or -errno.
 */
int journal_put_record(void *j, const char *json, const char *text);

#endif
