// SPDX-License-Identifier: GPL-2.0
/*
 * sd_notify(3) by hand: a static binary cannot link libsystemd, and the
 * protocol is one datagram. "@name" is an abstract socket (the '@' stands
 * for the leading NUL byte), "/path" a socket in the file system.
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

#define NOTIFY_MSG_MAX 1024

/* Fill *sun from the variable's value; the address length, or -errno. */
static int notify_address(const char *name, struct sockaddr_un *sun)
{
	size_t len = strlen(name);

	if (len < 2 || (name[0] != '/' && name[0] != '@'))
		return -EINVAL;
	if (len > sizeof(sun->sun_path) - (name[0] == '/'))
		return -ENAMETOOLONG;
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, name, len);
	if (name[0] == '@')
		sun->sun_path[0] = '\0';
	/* an abstract name is exactly len bytes: no trailing NUL counts */
	return offsetof(struct sockaddr_un, sun_path) + len + (name[0] == '/');
}

int notify_send(const char *msg)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	int fd, alen, ret = 0;
	size_t len = strlen(msg);

	if (!name || !*name)
		return 0;
	alen = notify_address(name, &sun);
	if (alen < 0)
		return alen;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, msg, len, MSG_NOSIGNAL, (struct sockaddr *)&sun, alen) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int notify_ready(const char *status)
{
	char msg[NOTIFY_MSG_MAX];
	int n;

	n = snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s", status);
	if (n < 0)
		return -EINVAL;
	/* one STATUS line: a newline would start a bogus assignment */
	for (char *c = msg + strlen("READY=1\nSTATUS="); *c; c++)
		if (*c == '\n')
			*c = ' ';
	return notify_send(msg);
}
