/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The systemd readiness protocol (sd_notify(3)) without libsystemd: one
 * datagram to the AF_UNIX socket named by $NOTIFY_SOCKET.
 */
#ifndef DMAGUARD_NOTIFY_H
#define DMAGUARD_NOTIFY_H

/*
 * Send msg ("KEY=VALUE" lines) to $NOTIFY_SOCKET. 0 when sent or when
 * NOTIFY_SOCKET is unset (not started by systemd, nothing to tell), else
 * -errno (-EINVAL: the variable names no usable socket address).
 */
int notify_send(const char *msg);

/*
 * Tell systemd the service is ready: "READY=1" and "STATUS=status" (a
 * newline in status is sent as a space: one STATUS line). As notify_send().
 */
int notify_ready(const char *status);

#endif
