// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-hold: take (or try to take) a VFIO group for userspace, step by step,
 * reporting each step's outcome as one "step=RESULT" line on stdout, where
 * RESULT is "ok" or the errno name (EBUSY, EACCES, EPERM, ...). Used by the VM
 * scenarios because busybox cannot issue ioctls.
 *
 * Steps, in order (the first failure stops the run, exit status 1):
 *   open           open(GROUP_PATH, O_RDWR)
 *   viable         VFIO_GROUP_GET_STATUS; "ok" if the group is viable, else
 *                  "not-viable" (a failure only with -V)
 *   container      open(CONTAINER_PATH) and VFIO_GET_API_VERSION
 *   set_container  VFIO_GROUP_SET_CONTAINER
 *   set_iommu      VFIO_SET_IOMMU(VFIO_TYPE1v2_IOMMU, falling back to TYPE1)
 *   device         VFIO_GROUP_GET_DEVICE_FD(DEVICE)          (only with -d)
 * then "held=PID" and, with -H or -w, stay alive holding every fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/vfio.h>

struct options {
	const char *group_path;
	const char *container_path;
	const char *device;
	const char *wait_file;
	const char *ready_file;
	const char *comm;
	long uid, gid;
	int open_only;
	int no_iommu;
	int hold;
	int need_viable;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *errname(int err)
{
	static char buf[32];

	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case EBADF: return "EBADF";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENOSPC: return "ENOSPC";
	case EAGAIN: return "EAGAIN";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	}
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

/*
 * Print "step=ok" or "step=ERRNO (message)"; return rc unchanged. Reads errno
 * itself: the call's arguments are evaluated (the syscall made) first.
 */
static int report(const char *step, int rc)
{
	int err = errno;

	if (rc < 0)
		printf("%s=%s (%s)\n", step, errname(err), strerror(err));
	else
		printf("%s=ok\n", step);
	fflush(stdout);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vfio-hold [options] GROUP_PATH\n"
		"  -u UID   switch to UID (and -g GID, supplementary groups\n"
		"  -g GID   cleared) before opening anything\n"
		"  -c PATH  container node (default /dev/vfio/vfio)\n"
		"  -o       open the group only (no container, no IOMMU)\n"
		"  -n       set the container but not the IOMMU type\n"
		"  -d DEV   also VFIO_GROUP_GET_DEVICE_FD for DEV (e.g. 0000:01:00.0)\n"
		"  -V       fail if the group is not viable\n"
		"  -H       hold everything open until SIGTERM/SIGINT\n"
		"  -w FILE  hold until FILE exists (or a signal)\n"
		"  -r FILE  create FILE once everything is held\n"
		"  -N NAME  rename the process (prctl PR_SET_NAME) before opening\n"
		"Prints one step=RESULT line per step; exit 0 all ok, 1 a step\n"
		"failed, 2 usage error.\n");
}

static int parse_id(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return (errno || *end || end == s || *out < 0) ? -1 : 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int c;

	o->container_path = "/dev/vfio/vfio";
	o->uid = o->gid = -1;
	while ((c = getopt(argc, argv, "u:g:c:ond:VHw:r:N:h")) != -1) {
		switch (c) {
		case 'u':
			if (parse_id(optarg, &o->uid))
				return -1;
			break;
		case 'g':
			if (parse_id(optarg, &o->gid))
				return -1;
			break;
		case 'c': o->container_path = optarg; break;
		case 'o': o->open_only = 1; break;
		case 'n': o->no_iommu = 1; break;
		case 'd': o->device = optarg; break;
		case 'V': o->need_viable = 1; break;
		case 'H': o->hold = 1; break;
		case 'w': o->wait_file = optarg; o->hold = 1; break;
		case 'r': o->ready_file = optarg; break;
		case 'N': o->comm = optarg; break;
		default: return -1;
		}
	}
	if (optind != argc - 1)
		return -1;
	o->group_path = argv[optind];
	return 0;
}

static int switch_ids(const struct options *o)
{
	if (o->comm && report("rename", prctl(PR_SET_NAME, o->comm, 0, 0, 0)) < 0)
		return -1;
	if (o->gid >= 0) {
		gid_t g = (gid_t)o->gid;

		if (report("setgroups", setgroups(1, &g)) < 0 ||
		    report("setgid", setgid(g)) < 0)
			return -1;
	}
	if (o->uid >= 0 && report("setuid", setuid((uid_t)o->uid)) < 0)
		return -1;
	return 0;
}

static int check_viable(int group, const struct options *o)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };

	if (ioctl(group, VFIO_GROUP_GET_STATUS, &st) < 0)
		return report("viable", -1);
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		printf("viable=not-viable\n");
		fflush(stdout);
		return o->need_viable ? -1 : 0;
	}
	return report("viable", 0);
}

static int open_container(const struct options *o)
{
	int fd = open(o->container_path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return report("container", -1);
	if (ioctl(fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		close(fd);
		errno = EINVAL;
		return report("container", -1);
	}
	report("container", 0);
	return fd;
}

static int set_iommu(int container)
{
	long type = VFIO_TYPE1v2_IOMMU;

	if (ioctl(container, VFIO_CHECK_EXTENSION, type) != 1)
		type = VFIO_TYPE1_IOMMU;
	return report("set_iommu", ioctl(container, VFIO_SET_IOMMU, type));
}

/* Run every step; fds stay open (owned by the process) on success. */
static int take_group(const struct options *o)
{
	int group, container, dev;

	group = open(o->group_path, O_RDWR | O_CLOEXEC);
	if (report("open", group) < 0)
		return -1;
	if (check_viable(group, o) < 0 || o->open_only)
		return o->open_only ? 0 : -1;
	container = open_container(o);
	if (container < 0)
		return -1;
	if (report("set_container",
		   ioctl(group, VFIO_GROUP_SET_CONTAINER, &container)) < 0)
		return -1;
	if (o->no_iommu)
		return 0;
	if (set_iommu(container) < 0)
		return -1;
	if (!o->device)
		return 0;
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, o->device);
	return report("device", dev) < 0 ? -1 : 0;
}

static void hold(const struct options *o)
{
	struct stat st;

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (!stop) {
		if (o->wait_file && stat(o->wait_file, &st) == 0)
			break;
		usleep(100 * 1000);
	}
	printf("released\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	int fd;

	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	if (switch_ids(&o) < 0 || take_group(&o) < 0)
		return 1;
	printf("held=%d\n", (int)getpid());
	fflush(stdout);
	if (o.ready_file) {
		fd = open(o.ready_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0)
			close(fd);
	}
	if (o.hold)
		hold(&o);
	return 0;
}
