// SPDX-License-Identifier: GPL-2.0
/*
 * The journal's native protocol (journal.h) against a real AF_UNIX datagram
 * socket the test binds and reads back: the two field forms, byte for
 * byte; JSON members as DMAGUARD_* fields; priorities and MESSAGE_IDs; the
 * sealed memfd for an entry too large for a datagram; a journal that takes
 * nothing; JOURNAL_STREAM; the event stream's records through the sink,
 * with its lost record where a failed send left a gap.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "cli_capture.h"
#include "events.h"
#include "journal.h"
#include "unit.h"

/* A bound datagram socket standing in for journald's, and its path. */
struct receiver {
	char dir[64], path[96];
	int fd;
};

static void receiver_open(struct receiver *r)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	snprintf(r->dir, sizeof(r->dir), "/tmp/dmaguard-journal-XXXXXX");
	if (!mkdtemp(r->dir))
		UNIT_FAIL("mkdtemp: %s", strerror(errno));
	snprintf(r->path, sizeof(r->path), "%s/socket", r->dir);
	r->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (r->fd < 0)
		UNIT_FAIL("socket: %s", strerror(errno));
	strcpy(sun.sun_path, r->path);
	if (bind(r->fd, (struct sockaddr *)&sun, sizeof(sun)))
		UNIT_FAIL("bind %s: %s", r->path, strerror(errno));
}

static void receiver_close(struct receiver *r)
{
	close(r->fd);
	unlink(r->path);
	rmdir(r->dir);
}

/* One entry as received: the payload, or the memfd's content when one came. */
struct received {
	char data[1 << 21];
	size_t len;
	size_t payload;		/* bytes in the datagram itself */
	int fds;		/* file descriptors passed with it */
	int seals;		/* F_GET_SEALS of the one passed, -1 if none */
};

static struct received *receive(struct receiver *r)
{
	static struct received got;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} control;
	struct iovec iov = { got.data, sizeof(got.data) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cm;
	ssize_t n;
	int fd = -1;

	memset(&got, 0, sizeof(got));
	got.seals = -1;
	n = recvmsg(r->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		UNIT_FAIL("no datagram: %s", strerror(errno));
	got.payload = got.len = n;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		got.fds += (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	}
	if (got.fds == 1) {
		got.seals = fcntl(fd, F_GET_SEALS);
		n = pread(fd, got.data, sizeof(got.data), 0);
		if (n < 0)
			UNIT_FAIL("read the memfd: %s", strerror(errno));
		got.len = n;
		close(fd);
	}
	return &got;
}

static void expect_nothing(struct receiver *r)
{
	char c;

	if (recv(r->fd, &c, 1, MSG_DONTWAIT) >= 0 || errno != EAGAIN)
		UNIT_FAIL("a datagram came where none should");
}

/*
 * The value of field key in the entry (either form), NUL-terminated, its
 * length in *len; NULL if the entry has no such field. Fails on an entry
 * that does not parse.
 */
static const char *field(const struct received *g, const char *key, size_t *len)
{
	static char value[1 << 21];
	size_t klen = strlen(key), pos = 0, n;
	const char *d = g->data;
	uint64_t size;
	int i;

	while (pos < g->len) {
		const char *eol = memchr(d + pos, '\n', g->len - pos);
		const char *eq = memchr(d + pos, '=', eol ? (size_t)(eol - d - pos) : 0);
		bool match;

		if (!eol)
			UNIT_FAIL("a field without its newline at %zu", pos);
		if (eq) {
			match = (size_t)(eq - d - pos) == klen && !memcmp(d + pos, key, klen);
			n = eol - eq - 1;
			if (match) {
				memcpy(value, eq + 1, n);
				goto found;
			}
			pos = eol - d + 1;
			continue;
		}
		match = (size_t)(eol - d - pos) == klen && !memcmp(d + pos, key, klen);
		pos = eol - d + 1;
		if (pos + 8 > g->len)
			UNIT_FAIL("a binary field without its size");
		for (size = 0, i = 7; i >= 0; i--)
			size = size << 8 | (unsigned char)d[pos + i];
		pos += 8;
		if (pos + size + 1 > g->len || d[pos + size] != '\n')
			UNIT_FAIL("a binary field of %llu bytes without its newline",
				  (unsigned long long)size);
		n = size;
		if (match) {
			memcpy(value, d + pos, n);
			goto found;
		}
		pos += size + 1;
	}
	return NULL;
found:
	value[n] = '\0';
	if (len)
		*len = n;
	return value;
}

static const char *str_field(const struct received *g, const char *key)
{
	const char *v = field(g, key, NULL);

	if (!v)
		UNIT_FAIL("no field %s in the entry:\n%.*s", key, (int)g->len, g->data);
	return v;
}

static void open_journal(struct journal *j, struct receiver *r)
{
	receiver_open(r);
	ASSERT_EQ(journal_open(j, r->path), 0);
}

TEST(a_value_without_a_newline_is_key_equals_value)
{
	struct journal_entry e = { 0 };

	journal_entry_add_str(&e, "MESSAGE", "bind DENY");
	journal_entry_add(&e, "EMPTY", "", 0);
	journal_entry_add(&e, "NUL", "a\0b", 3);
	ASSERT_EQ(e.err, 0);
	ASSERT_EQ(e.len, 33);
	ASSERT_TRUE(!memcmp(e.buf, "MESSAGE=bind DENY\nEMPTY=\nNUL=a\0b\n", 33));
	journal_entry_free(&e);
}

TEST(a_value_with_a_newline_takes_the_binary_form)
{
	static const char want[] = "DEV\n\x05\0\0\0\0\0\0\0a\nb\xe9\n\n";
	struct journal_entry e = { 0 };

	journal_entry_add(&e, "DEV", "a\nb\xe9\n", 5);
	ASSERT_EQ(e.err, 0);
	ASSERT_EQ(e.len, sizeof(want) - 1);
	ASSERT_TRUE(!memcmp(e.buf, want, e.len));
	journal_entry_free(&e);
}

TEST(field_names_journald_would_refuse_are_an_error)
{
#define KEY64 "A234567890123456789012345678901234567890123456789012345678901234"
	static const char *const bad[] = { "", "lower", "_TRUSTED", "1ST", "A=B", "A B", "A-B",
		KEY64 "5" };
	struct journal_entry e = { 0 };
	size_t i;

	ASSERT_EQ(strlen(KEY64), 64);
	journal_entry_add_str(&e, KEY64, "64 bytes is the most journald takes");
	journal_entry_add_str(&e, "A_1", "ok");
	ASSERT_EQ(e.err, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		journal_entry_reset(&e);
		journal_entry_add_str(&e, bad[i], "x");
		if (e.err != -EINVAL)
			UNIT_FAIL("field name \"%s\" was taken", bad[i]);
	}
	journal_entry_free(&e);
}

TEST(json_members_become_prefixed_upper_case_fields)
{
	struct journal_entry e = { 0 };
	struct received g;
	size_t len;
	const char *v;

	journal_entry_add_json(&e, "DMAGUARD_",
			       "{\"ts\":\"2026-11-25T20:03:15.534036Z\",\"seq\":3,\"type\":\"map-full\","
			       "\"device\":\"a b\\n\\u00e9\\\"\\\\\",\"result\":-12,\"unsequenced\":true,"
			       "\"map-name\":\"x\",\"gone\":null}");
	ASSERT_EQ(e.err, 0);
	memcpy(g.data, e.buf, e.len);
	g.len = e.len;
	ASSERT_STREQ(str_field(&g, "DMAGUARD_TS"), "2026-11-25T20:03:15.534036Z");
	ASSERT_STREQ(str_field(&g, "DMAGUARD_SEQ"), "3");
	ASSERT_STREQ(str_field(&g, "DMAGUARD_TYPE"), "map-full");
	ASSERT_STREQ(str_field(&g, "DMAGUARD_RESULT"), "-12");
	ASSERT_STREQ(str_field(&g, "DMAGUARD_UNSEQUENCED"), "true");
	ASSERT_STREQ(str_field(&g, "DMAGUARD_MAP_NAME"), "x");
	ASSERT_TRUE(field(&g, "DMAGUARD_GONE", NULL) == NULL);
	/* the kernel's bytes, back from \n and \u00XX, in the binary form */
	v = field(&g, "DMAGUARD_DEVICE", &len);
	ASSERT_TRUE(v != NULL);
	ASSERT_EQ(len, 7);
	ASSERT_TRUE(!memcmp(v, "a b\n\xe9\"\\", 7));
	ASSERT_TRUE(memmem(e.buf, e.len, "DMAGUARD_DEVICE\n\x07\0\0\0\0\0\0\0", 24) != NULL);
	journal_entry_free(&e);
}

TEST(malformed_json_is_an_error)
{
	static const char *const bad[] = { "", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":\"x}",
		"{\"a\":1,}", "{\"a\":1} x", "{\"a\":\"\\q\"}", "{\"a\":\"\\u00g0\"}",
		"{\"a\":{\"b\":1}}", "{\"a\":\"tab\there\"}" };
	struct journal_entry e = { 0 };
	size_t i;

	journal_entry_add_json(&e, "P_", "{ }");
	ASSERT_EQ(e.err, 0);
	ASSERT_EQ(e.len, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		journal_entry_reset(&e);
		journal_entry_add_json(&e, "P_", bad[i]);
		if (e.err != -EINVAL)
			UNIT_FAIL("took %s", bad[i]);
	}
	journal_entry_free(&e);
}

TEST(priority_by_verdict_lost_and_errors_are_err)
{
	ASSERT_EQ(journal_priority("bind", "deny", "rule"), LOG_WARNING);
	ASSERT_EQ(journal_priority("bind", "deny", "kernel-refused"), LOG_WARNING);
	ASSERT_EQ(journal_priority("open", "audit", "default"), LOG_NOTICE);
	ASSERT_EQ(journal_priority("present", "allow", "rule"), LOG_INFO);
	ASSERT_EQ(journal_priority("unbind", NULL, NULL), LOG_INFO);
	ASSERT_EQ(journal_priority("hotplug", "", ""), LOG_INFO);
	ASSERT_EQ(journal_priority("bind", "unknown-7", "rule"), LOG_WARNING);
	ASSERT_EQ(journal_priority("lost", NULL, NULL), LOG_ERR);
	ASSERT_EQ(journal_priority("map-full", NULL, NULL), LOG_ERR);
	ASSERT_EQ(journal_priority("open", "allow", "untracked"), LOG_ERR);
}

TEST(message_ids_are_fixed_distinct_and_128_bits)
{
	static const char *const types[] = { "bind", "unbind", "claim", "release", "open",
		"hotplug", "lost", "map-full", "present", "unknown-12" };
	size_t i, k, n = sizeof(types) / sizeof(types[0]);

	/* the man page and the system lane name it: it must never change */
	ASSERT_STREQ(journal_message_id("bind"), "a97956341fbf4b6f8a2ffbcdf09565e6");
	ASSERT_STREQ(journal_message_id("lost"), "79fccf9ccc63424582ca8a2e53fa3c79");
	ASSERT_STREQ(journal_message_id(NULL), journal_message_id("unknown-12"));
	for (i = 0; i < n; i++) {
		const char *id = journal_message_id(types[i]);

		ASSERT_EQ(strlen(id), 32);
		ASSERT_EQ(strspn(id, "0123456789abcdef"), 32);
		for (k = 0; k < i; k++)
			if (!strcmp(id, journal_message_id(types[k])))
				UNIT_FAIL("%s and %s share %s", types[i], types[k], id);
	}
}

TEST(a_record_reaches_the_socket_as_one_entry)
{
	struct receiver r;
	struct journal j;
	struct received *g;

	open_journal(&j, &r);
	ASSERT_EQ(journal_put_record(&j,
		"{\"seq\":3,\"type\":\"bind\",\"verdict\":\"deny\",\"reason\":\"rule\","
		"\"rule\":\"/etc/dmaguard/policy.conf:5\",\"device\":\"0000:03:00.0\","
		"\"group\":7,\"driver\":\"e1000e\",\"pid\":1234,\"uid\":0}",
		"#3 bind    DENY  rule /etc/dmaguard/policy.conf:5 0000:03:00.0"), 0);
	g = receive(&r);
	ASSERT_EQ(g->fds, 0);
	ASSERT_STREQ(str_field(g, "MESSAGE"),
		     "#3 bind    DENY  rule /etc/dmaguard/policy.conf:5 0000:03:00.0");
	ASSERT_STREQ(str_field(g, "PRIORITY"), "4");
	ASSERT_STREQ(str_field(g, "MESSAGE_ID"), "a97956341fbf4b6f8a2ffbcdf09565e6");
	ASSERT_STREQ(str_field(g, "SYSLOG_IDENTIFIER"), "dmaguard");
	ASSERT_STREQ(str_field(g, "DMAGUARD_VERDICT"), "deny");
	ASSERT_STREQ(str_field(g, "DMAGUARD_RULE"), "/etc/dmaguard/policy.conf:5");
	ASSERT_STREQ(str_field(g, "DMAGUARD_DEVICE"), "0000:03:00.0");
	ASSERT_STREQ(str_field(g, "DMAGUARD_GROUP"), "7");
	ASSERT_STREQ(str_field(g, "DMAGUARD_PID"), "1234");
	ASSERT_STREQ(str_field(g, "DMAGUARD_UID"), "0");
	expect_nothing(&r);
	journal_close(&j);
	receiver_close(&r);
}

TEST(an_entry_too_large_for_a_datagram_goes_as_a_sealed_memfd)
{
	const int want_seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
	struct journal_entry e = { 0 };
	int small = 4096, sndbuf;
	socklen_t optlen = sizeof(sndbuf);
	static char big[1 << 20];
	struct receiver r;
	struct journal j;
	struct received *g;
	size_t len;

	open_journal(&j, &r);
	/* a datagram may be no larger than the sender's buffer */
	ASSERT_EQ(setsockopt(j.fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	ASSERT_EQ(getsockopt(j.fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &optlen), 0);
	memset(big, 'x', sizeof(big));
	big[100] = '\n';
	journal_entry_add_str(&e, "MESSAGE", "large");
	journal_entry_add(&e, "BLOB", big, sizeof(big));
	ASSERT_TRUE(e.len > (size_t)sndbuf);
	ASSERT_EQ(journal_send(&j, &e), 0);
	g = receive(&r);
	ASSERT_EQ(g->payload, 0);
	ASSERT_EQ(g->fds, 1);
	ASSERT_EQ(g->seals & want_seals, want_seals);
	ASSERT_EQ(g->len, e.len);
	ASSERT_TRUE(!memcmp(g->data, e.buf, e.len));
	ASSERT_STREQ(str_field(g, "MESSAGE"), "large");
	ASSERT_TRUE(field(g, "BLOB", &len) != NULL);
	ASSERT_EQ(len, sizeof(big));
	/* and a small one still as a datagram */
	journal_entry_reset(&e);
	journal_entry_add_str(&e, "MESSAGE", "small");
	ASSERT_EQ(journal_send(&j, &e), 0);
	g = receive(&r);
	ASSERT_EQ(g->fds, 0);
	ASSERT_STREQ(str_field(g, "MESSAGE"), "small");
	journal_entry_free(&e);
	journal_close(&j);
	receiver_close(&r);
}

TEST(no_journal_listening_is_an_error_not_a_wait)
{
	struct journal_entry e = { 0 };
	struct receiver r;
	struct journal j;

	ASSERT_EQ(journal_open(&j, "/nonexistent-dir/socket"), 0);
	journal_entry_add_str(&e, "MESSAGE", "x");
	ASSERT_EQ(journal_send(&j, &e), -ENOENT);
	journal_close(&j);
	/* the socket file is there, nobody reads it (journald stopped) */
	open_journal(&j, &r);
	close(r.fd);
	ASSERT_EQ(journal_send(&j, &e), -ECONNREFUSED);
	journal_entry_free(&e);
	journal_close(&j);
	unlink(r.path);
	rmdir(r.dir);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(a_full_queue_is_waited_for_then_a_timeout)
{
	struct timeval timeout, short_timeout = { .tv_usec = 300000 };
	socklen_t optlen = sizeof(timeout);
	struct journal_entry e = { 0 };
	struct receiver r;
	struct journal j;
	double t0, waited;
	int i, err = 0;

	open_journal(&j, &r);
	/* what a journald that takes nothing costs: ten seconds a send */
	ASSERT_EQ(getsockopt(j.fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, &optlen), 0);
	ASSERT_EQ(timeout.tv_sec, 10);
	ASSERT_EQ(setsockopt(j.fd, SOL_SOCKET, SO_SNDTIMEO, &short_timeout,
			     sizeof(short_timeout)), 0);
	journal_entry_add_str(&e, "MESSAGE", "x");
	/* nobody reads: the queue fills, then a send waits out its timeout */
	for (i = 0; i < 100000 && !err; i++) {
		t0 = now_s();
		err = journal_send(&j, &e);
	}
	waited = now_s() - t0;
	ASSERT_EQ(err, -ETIMEDOUT);
	if (waited < 0.25)
		UNIT_FAIL("gave up after %.2f s, before the timeout", waited);
	/* room again: the next send goes through */
	while (recv(r.fd, r.dir, 1, MSG_DONTWAIT) >= 0)
		;
	ASSERT_EQ(journal_send(&j, &e), 0);
	journal_entry_free(&e);
	journal_close(&j);
	receiver_close(&r);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

TEST(a_signal_does_not_cut_a_send_short)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval once = { .it_value = { .tv_usec = 100000 } };
	struct timeval short_timeout = { .tv_usec = 300000 };
	struct journal_entry e = { 0 };
	struct receiver r;
	struct journal j;
	int i, err;

	open_journal(&j, &r);
	ASSERT_EQ(setsockopt(j.fd, SOL_SOCKET, SO_SNDTIMEO, &short_timeout,
			     sizeof(short_timeout)), 0);
	journal_entry_add_str(&e, "MESSAGE", "x");
	/* fill the queue, then one signal in the wait of the next send */
	for (i = 0; i < 100000; i++)
		if (sendto(j.fd, e.buf, e.len, MSG_DONTWAIT, (struct sockaddr *)&j.addr,
			   j.addr_len) < 0)
			break;
	ASSERT_EQ(errno, EAGAIN);
	/* no SA_RESTART, as the daemon's handlers: the wait sees EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &once, NULL);
	err = journal_send(&j, &e);
	ASSERT_EQ(alarms, 1);
	ASSERT_EQ(err, -ETIMEDOUT);
	journal_entry_free(&e);
	journal_close(&j);
	receiver_close(&r);
}

TEST(journal_stream_names_the_fd_by_device_and_inode)
{
	char path[] = "/tmp/dmaguard-stream-XXXXXX", value[64];
	int fd = mkstemp(path), other = open("/dev/null", O_WRONLY);
	struct stat st;

	ASSERT_TRUE(fd >= 0 && other >= 0);
	unlink(path);
	ASSERT_EQ(fstat(fd, &st), 0);
	unsetenv("JOURNAL_STREAM");
	ASSERT_FALSE(journal_stream_is(fd));
	snprintf(value, sizeof(value), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", value, 1);
	ASSERT_TRUE(journal_stream_is(fd));
	ASSERT_FALSE(journal_stream_is(other));
	snprintf(value, sizeof(value), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", value, 1);
	ASSERT_FALSE(journal_stream_is(fd));
	snprintf(value, sizeof(value), "%llu:%llux", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", value, 1);
	ASSERT_FALSE(journal_stream_is(fd));
	setenv("JOURNAL_STREAM", "", 1);
	ASSERT_FALSE(journal_stream_is(fd));
	close(fd);
	close(other);
}

/* stderr into a file; its text after fn ran. */
static const char *stderr_of(void (*fn)(void), bool as_journal)
{
	static char buf[4096];
	char path[] = "/tmp/dmaguard-stderr-XXXXXX", value[64];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	struct stat st;
	ssize_t n;

	ASSERT_TRUE(fd >= 0 && saved >= 0);
	unlink(path);
	fstat(fd, &st);
	snprintf(value, sizeof(value), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	if (as_journal)
		setenv("JOURNAL_STREAM", value, 1);
	else
		unsetenv("JOURNAL_STREAM");
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void say_things(void)
{
	cli_err("cannot read %s", "x");
	cli_msg(LOG_WARNING, "warning: %s", "y");
	cli_msg(LOG_NOTICE, "enforcing %s", "z");
	cli_msg(LOG_INFO, "programs: %d", 9);
}

TEST(messages_carry_their_priority_only_on_the_journal_stream)
{
	ASSERT_STREQ(stderr_of(say_things, true),
		     "<3>dmaguard: cannot read x\n<4>dmaguard: warning: y\n"
		     "<5>dmaguard: enforcing z\n<6>dmaguard: programs: 9\n");
	ASSERT_STREQ(stderr_of(say_things, false),
		     "dmaguard: cannot read x\ndmaguard: warning: y\n"
		     "dmaguard: enforcing z\ndmaguard: programs: 9\n");
}

TEST(run_writes_events_to_the_journal_or_a_file_not_both)
{
	struct output *o = run(&cmd_run, "run", "--policy", "/nonexistent", "--journal",
			       "--output", "/tmp/dmaguard-never-written", NULL);

	ASSERT_EQ(o->rc, EXIT_USAGE);
	ASSERT_CONTAINS(o->err, "dmaguard run: --journal and --output are exclusive");
	ASSERT_EQ(access("/tmp/dmaguard-never-written", F_OK), -1);
}

/* --- the event stream's records through the journal sink ---------------- */

static struct dg_event deny_event(__u64 seq, const char *device)
{
	struct dg_event e;

	memset(&e, 0, sizeof(e));
	e.type = DG_EV_BIND;
	e.seq = seq;
	e.boot_ns = 5000000000ull;
	e.flags = DG_EF_VERDICT | DG_EF_DEVICE | DG_EF_DRIVER | DG_EF_GROUP | DG_EF_RESULT;
	e.verdict = DG_DENY;
	e.reason = DG_REASON_RULE;
	e.rule_line = 5;
	e.group = 7;
	e.result = -12;
	e.pid = 1234;
	e.uid = 0;
	snprintf(e.comm, sizeof(e.comm), "bash");
	snprintf(e.device, sizeof(e.device), "%s", device);
	snprintf(e.driver, sizeof(e.driver), "e1000e");
	return e;
}

TEST(stream_records_go_to_the_journal_and_not_to_the_file)
{
	struct event_sink sink = { journal_put_record, NULL, "the journal" };
	struct event_stream s;
	struct dg_event e = deny_event(3, "0000:03:00.0");
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	struct receiver r;
	struct journal j;
	struct received *g;

	open_journal(&j, &r);
	sink.ctx = &j;
	event_stream_init(&s, f, true, 1700000000000000000ll);
	event_stream_set_policy_source(&s, "/etc/dmaguard/policy.conf");
	event_stream_set_host(&s, "vmhost1");
	event_stream_set_sink(&s, &sink);
	ASSERT_EQ(event_stream_write(&s, &e), 0);
	g = receive(&r);
	ASSERT_STREQ(str_field(g, "DMAGUARD_SCHEMA"), "1");
	ASSERT_STREQ(str_field(g, "DMAGUARD_HOST"), "vmhost1");
	ASSERT_STREQ(str_field(g, "DMAGUARD_TYPE"), "bind");
	ASSERT_STREQ(str_field(g, "DMAGUARD_VERDICT"), "deny");
	ASSERT_STREQ(str_field(g, "DMAGUARD_REASON"), "rule");
	ASSERT_STREQ(str_field(g, "DMAGUARD_RULE"), "/etc/dmaguard/policy.conf:5");
	ASSERT_STREQ(str_field(g, "DMAGUARD_DEVICE"), "0000:03:00.0");
	ASSERT_STREQ(str_field(g, "DMAGUARD_GROUP"), "7");
	ASSERT_STREQ(str_field(g, "DMAGUARD_DRIVER"), "e1000e");
	ASSERT_STREQ(str_field(g, "DMAGUARD_DMA"), "kernel");
	ASSERT_STREQ(str_field(g, "DMAGUARD_RESULT"), "-12");
	ASSERT_STREQ(str_field(g, "DMAGUARD_PID"), "1234");
	ASSERT_STREQ(str_field(g, "DMAGUARD_COMM"), "bash");
	ASSERT_STREQ(str_field(g, "DMAGUARD_UID"), "0");
	ASSERT_STREQ(str_field(g, "DMAGUARD_SEQ"), "3");
	ASSERT_STREQ(str_field(g, "DMAGUARD_TS"), "2023-11-14T22:13:25.000000Z");
	ASSERT_STREQ(str_field(g, "PRIORITY"), "4");
	ASSERT_STREQ(str_field(g, "MESSAGE"),
		     "2023-11-14T22:13:25.000000Z vmhost1 #3 bind    DENY  rule "
		     "/etc/dmaguard/policy.conf:5 0000:03:00.0 [group 7] driver e1000e "
		     "(kernel DMA) result -12 by bash[1234] uid 0");
	fflush(f);
	ASSERT_EQ(size, 0);
	fclose(f);
	free(buf);
	journal_close(&j);
	receiver_close(&r);
}

/* The entry event e becomes through a stream whose sink is the journal j (at r). */
static struct received *journal_entry_of(const struct dg_event *e, struct journal *j,
					 struct receiver *r)
{
	struct event_sink sink = { journal_put_record, NULL, "the journal" };
	struct event_stream s;

	open_journal(j, r);
	sink.ctx = j;
	event_stream_init(&s, stdout, true, 0);
	event_stream_set_sink(&s, &sink);
	ASSERT_EQ(event_stream_write(&s, e), 0);
	return receive(r);
}

TEST(a_device_name_with_a_newline_arrives_as_the_kernel_sent_it)
{
	struct dg_event e = deny_event(0, "a b\n\xe9");
	struct receiver r;
	struct journal j;
	struct received *g = journal_entry_of(&e, &j, &r);
	size_t len;
	const char *v;

	v = field(g, "DMAGUARD_DEVICE", &len);
	ASSERT_TRUE(v != NULL);
	ASSERT_EQ(len, 5);
	ASSERT_TRUE(!memcmp(v, "a b\n\xe9", 5));
	/* the message stays one line: the text form escapes the name */
	ASSERT_CONTAINS(str_field(g, "MESSAGE"), " a\\x20b\\x0a\\xe9 ");
	journal_close(&j);
	receiver_close(&r);
}

TEST(an_open_carries_the_openers_cgroup_and_exe_as_fields)
{
	struct dg_event e = deny_event(4, "");
	struct receiver r;
	struct journal j;
	struct received *g;

	e.type = DG_EV_OPEN;
	e.flags = DG_EF_VERDICT | DG_EF_GROUP | DG_EF_CGROUP | DG_EF_EXE;
	snprintf(e.comm, sizeof(e.comm), "qemu-system-x86");
	snprintf(e.cgroup, sizeof(e.cgroup), "/qemu.slice/100.scope");
	snprintf(e.exe, sizeof(e.exe), "/usr/bin/qemu-system-x86_64");
	g = journal_entry_of(&e, &j, &r);
	ASSERT_STREQ(str_field(g, "DMAGUARD_TYPE"), "open");
	ASSERT_STREQ(str_field(g, "DMAGUARD_COMM"), "qemu-system-x86");
	ASSERT_STREQ(str_field(g, "DMAGUARD_CGROUP"), "/qemu.slice/100.scope");
	ASSERT_STREQ(str_field(g, "DMAGUARD_EXE"), "/usr/bin/qemu-system-x86_64");
	ASSERT_CONTAINS(str_field(g, "MESSAGE"),
			" cgroup /qemu.slice/100.scope exe /usr/bin/qemu-system-x86_64");
	journal_close(&j);
	receiver_close(&r);
}

/* A sink that fails on request, counting what it took. */
struct flaky {
	int fail_next;
	int taken;
	char json[8][EVENT_LINE_MAX];
};

static int flaky_put(void *ctx, const char *json, const char *text)
{
	struct flaky *f = ctx;

	ASSERT_TRUE(text[0] != '\0');
	if (f->fail_next) {
		f->fail_next--;
		return -ECONNREFUSED;
	}
	snprintf(f->json[f->taken++ % 8], EVENT_LINE_MAX, "%s", json);
	return 0;
}

TEST(a_failed_send_leaves_a_lost_record_at_the_gap)
{
	struct flaky f = { 0 };
	struct event_sink sink = { flaky_put, &f, "the journal" };
	struct event_stream s;
	struct dg_event e0 = deny_event(0, "d0"), e1 = deny_event(1, "d1"),
			e2 = deny_event(2, "d2");

	event_stream_init(&s, stdout, false, 0);
	event_stream_set_sink(&s, &sink);
	ASSERT_EQ(event_stream_write(&s, &e0), 0);
	f.fail_next = 1;
	ASSERT_EQ(event_stream_write(&s, &e1), -ECONNREFUSED);
	ASSERT_EQ(event_stream_write(&s, &e2), 0);
	ASSERT_EQ(f.taken, 3);
	ASSERT_CONTAINS(f.json[0], "\"device\":\"d0\"");
	ASSERT_CONTAINS(f.json[1], "\"type\":\"lost\",\"count\":1}");
	ASSERT_CONTAINS(f.json[2], "\"device\":\"d2\"");
	ASSERT_EQ(s.events, 2);
	ASSERT_EQ(s.lost, 1);
}

TEST(a_lost_record_is_an_error_entry)
{
	struct event_sink sink = { journal_put_record, NULL, "the journal" };
	struct event_stream s;
	struct dg_event e0 = deny_event(0, "d0"), e4 = deny_event(4, "d4");
	struct receiver r;
	struct journal j;
	struct received *g;

	open_journal(&j, &r);
	sink.ctx = &j;
	event_stream_init(&s, stdout, true, 0);
	event_stream_set_sink(&s, &sink);
	ASSERT_EQ(event_stream_write(&s, &e0), 0);
	receive(&r);
	ASSERT_EQ(event_stream_write(&s, &e4), 0);
	g = receive(&r);
	ASSERT_STREQ(str_field(g, "DMAGUARD_TYPE"), "lost");
	ASSERT_STREQ(str_field(g, "DMAGUARD_COUNT"), "3");
	ASSERT_STREQ(str_field(g, "PRIORITY"), "3");
	ASSERT_STREQ(str_field(g, "MESSAGE_ID"), "79fccf9ccc63424582ca8a2e53fa3c79");
	ASSERT_CONTAINS(str_field(g, "MESSAGE"), "lost 3 events");
	g = receive(&r);
	ASSERT_STREQ(str_field(g, "DMAGUARD_DEVICE"), "d4");
	/* the tail (seqs 5 and 6 given, none taken), and the unsequenced kind */
	ASSERT_EQ(event_stream_sync_tail(&s, 7, 5, 6000000000ull), 0);
	g = receive(&r);
	ASSERT_STREQ(str_field(g, "DMAGUARD_COUNT"), "2");
	ASSERT_STREQ(str_field(g, "PRIORITY"), "3");
	ASSERT_EQ(event_stream_sync_unsequenced(&s, 10, 0), 0);
	ASSERT_EQ(event_stream_sync_unsequenced(&s, 14, 0), 0);
	g = receive(&r);
	ASSERT_STREQ(str_field(g, "DMAGUARD_UNSEQUENCED"), "true");
	ASSERT_STREQ(str_field(g, "DMAGUARD_COUNT"), "4");
	ASSERT_STREQ(str_field(g, "PRIORITY"), "3");
	journal_close(&j);
	receiver_close(&r);
}

UNIT_MAIN()
