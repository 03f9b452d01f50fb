// SPDX-License-Identifier: GPL-2.0
/*
 * The boot-time to wall-clock offset and its history over the daemon's
 * life (struct event_clock, events.h): events carry boot time, lines carry
 * wall-clock time.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "events.h"

static __s64 ns_of(const struct timespec *t)
{
	return (__s64)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/*
 * One look at both clocks: boot time on both sides of the realtime read,
 * the midpoint taken; window_ns is how far apart the two boot reads were.
 */
static int clock_read(__s64 *offset_ns, __u64 *boot_ns, __s64 *window_ns)
{
	struct timespec b1, rt, b2;
	__s64 boot;

	if (clock_gettime(CLOCK_BOOTTIME, &b1) || clock_gettime(CLOCK_REALTIME, &rt) ||
	    clock_gettime(CLOCK_BOOTTIME, &b2))
		return -errno;
	boot = ns_of(&b1) + (ns_of(&b2) - ns_of(&b1)) / 2;
	*offset_ns = ns_of(&rt) - boot;
	*boot_ns = boot;
	*window_ns = ns_of(&b2) - ns_of(&b1);
	return 0;
}

int event_realtime_offset(__s64 *offset_ns)
{
	__s64 window;
	__u64 boot;

	return clock_read(offset_ns, &boot, &window);
}

/*
 * A measurement is off by at most half its window; one held up that long
 * could pass for a step, so it is taken again, and given up after a few.
 */
#define CLOCK_WINDOW_MAX_NS (EVENT_CLOCK_STEP_NS / 2)

int event_clock_measure(__s64 *offset_ns, __u64 *boot_ns)
{
	__s64 window;
	int tries, err;

	for (tries = 0; tries < 3; tries++) {
		err = clock_read(offset_ns, boot_ns, &window);
		if (err || window <= CLOCK_WINDOW_MAX_NS)
			return err;
	}
	return -EAGAIN;
}

void event_clock_init(struct event_clock *c, __s64 offset_ns, __u64 seen_ns)
{
	memset(c, 0, sizeof(*c));
	c->offset_ns = offset_ns;
	c->seen_ns = seen_ns;
}

void event_clock_update(struct event_clock *c, __s64 offset_ns, __u64 now_ns)
{
	__s64 change = offset_ns - c->offset_ns;

	if (change > EVENT_CLOCK_STEP_NS || change < -EVENT_CLOCK_STEP_NS) {
		c->before_ns = c->offset_ns;
		c->before_seen_ns = c->seen_ns;
	}
	c->offset_ns = offset_ns;
	c->seen_ns = now_ns;
}

__s64 event_clock_offset(const struct event_clock *c, __u64 boot_ns)
{
	if (c->before_seen_ns && boot_ns <= c->before_seen_ns)
		return c->before_ns;
	return c->offset_ns;
}
