// SPDX-License-Identifier: GPL-2.0
/*
 * The readiness protocol (notify.h) against real AF_UNIX datagram sockets
 * the test binds: a path in the file system and an abstract name, the way
 * systemd sets NOTIFY_SOCKET.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "notify.h"
#include "unit.h"

/* Bind a datagram socket to the address NOTIFY_SOCKET will name. */
static int bind_receiver(const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	socklen_t alen;
	int fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		UNIT_FAIL("socket: %s", strerror(errno));
	memcpy(sun.sun_path, name, len);
	alen = offsetof(struct sockaddr_un, sun_path) + len;
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	else
		alen++;
	if (bind(fd, (struct sockaddr *)&sun, alen))
		UNIT_FAIL("bind %s: %s", name, strerror(errno));
	return fd;
}

/* The one datagram waiting on fd, NUL-terminated (fails if none comes). */
static const char *receive(int fd)
{
	static char buf[2048];
	ssize_t n;

	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n < 0)
		UNIT_FAIL("no datagram: %s", strerror(errno));
	buf[n] = '\0';
	return buf;
}

TEST(unset_notify_socket_sends_nothing_and_succeeds)
{
	unsetenv("NOTIFY_SOCKET");
	ASSERT_EQ(notify_ready("enforcing"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	ASSERT_EQ(notify_ready("enforcing"), 0);
}

TEST(ready_and_status_reach_a_socket_in_the_file_system)
{
	char dir[] = "/tmp/dmaguard-notify-XXXXXX", path[128];
	int fd;

	if (!mkdtemp(dir))
		UNIT_FAIL("mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = bind_receiver(path);
	setenv("NOTIFY_SOCKET", path, 1);
	ASSERT_EQ(notify_ready("mode enforce, 3 rules, hooks BPF LSM"), 0);
	ASSERT_STREQ(receive(fd), "READY=1\nSTATUS=mode enforce, 3 rules, hooks BPF LSM");
	close(fd);
	unlink(path);
	rmdir(dir);
}

TEST(an_abstract_socket_is_named_with_a_leading_at)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "@dmaguard-test-notify-%d", (int)getpid());
	fd = bind_receiver(name);
	setenv("NOTIFY_SOCKET", name, 1);
	ASSERT_EQ(notify_ready("ok"), 0);
	ASSERT_STREQ(receive(fd), "READY=1\nSTATUS=ok");
	close(fd);
}

TEST(a_newline_in_the_status_cannot_start_another_assignment)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "@dmaguard-test-nl-%d", (int)getpid());
	fd = bind_receiver(name);
	setenv("NOTIFY_SOCKET", name, 1);
	ASSERT_EQ(notify_ready("a\nMAINPID=1"), 0);
	ASSERT_STREQ(receive(fd), "READY=1\nSTATUS=a MAINPID=1");
	close(fd);
}

TEST(a_socket_nobody_listens_on_is_an_error)
{
	setenv("NOTIFY_SOCKET", "/nonexistent-dir/notify", 1);
	ASSERT_EQ(notify_ready("x"), -ENOENT);
	setenv("NOTIFY_SOCKET", "@dmaguard-test-nobody-listens", 1);
	ASSERT_EQ(notify_ready("x"), -ECONNREFUSED);
}

TEST(an_address_that_is_neither_path_nor_abstract_is_refused)
{
	char longname[200];

	setenv("NOTIFY_SOCKET", "relative/notify", 1);
	ASSERT_EQ(notify_ready("x"), -EINVAL);
	setenv("NOTIFY_SOCKET", "@", 1);
	ASSERT_EQ(notify_ready("x"), -EINVAL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	setenv("NOTIFY_SOCKET", longname, 1);
	ASSERT_EQ(notify_ready("x"), -ENAMETOOLONG);
}

UNIT_MAIN()
