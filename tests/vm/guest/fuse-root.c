// SPDX-License-Identifier: GPL-2.0
/*
 * fuse-root -u UID MOUNTPOINT TEXT: a FUSE filesystem that a user serves and
 * that says everything in it belongs to root. It does what fusermount3 does
 * for a user where /etc/fuse.conf has user_allow_other: mounts (as root) with
 * user_id=UID and allow_other, then serves as UID. The root directory (mode
 * 0755) holds one file, policy.conf (mode 0644), whose content is TEXT; both
 * are reported as owned by uid 0. With FUSE_ROOT_STALL_STATFS set in the
 * environment, statfs() is never answered (a daemon that stalls its
 * callers). Prints "mounted" once the mount is in
 * place; serves until unmounted. Exit 1 on a failure (reason on stderr), 2
 * on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROOT_ID 1
#define FILE_ID 2
#define FILE_NAME "policy.conf"

static const char *text;
static int stall_statfs;
static char buf[FUSE_MIN_READ_BUFFER + 65536];

static void fill_attr(struct fuse_attr *a, __u64 id)
{
	memset(a, 0, sizeof(*a));
	a->ino = id;
	a->uid = 0;
	a->gid = 0;
	a->blksize = 4096;
	if (id == ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->mode = S_IFREG | 0644;
		a->nlink = 1;
		a->size = strlen(text);
		a->blocks = (a->size + 511) / 512;
	}
}

static void reply(int fd, __u64 unique, int error, const void *data, size_t len)
{
	char out[sizeof(struct fuse_out_header) + 65536];
	struct fuse_out_header *h = (void *)out;

	if (len > sizeof(out) - sizeof(*h))
		len = sizeof(out) - sizeof(*h);
	h->len = sizeof(*h) + (error ? 0 : len);
	h->error = error;
	h->unique = unique;
	if (!error && len)
		memcpy(out + sizeof(*h), data, len);
	if (write(fd, out, h->len) < 0 && errno != ENOENT)
		perror("fuse-root: write");
}

static void do_init(int fd, const struct fuse_in_header *in, const struct fuse_init_in *arg)
{
	struct fuse_init_out out = { 0 };

	out.major = FUSE_KERNEL_VERSION;
	out.minor = arg->minor < FUSE_KERNEL_MINOR_VERSION ? arg->minor : FUSE_KERNEL_MINOR_VERSION;
	out.max_readahead = arg->max_readahead;
	out.max_write = 4096;
	out.max_background = 4;
	out.congestion_threshold = 3;
	reply(fd, in->unique, 0, &out, sizeof(out));
}

static void do_lookup(int fd, const struct fuse_in_header *in, const char *name)
{
	struct fuse_entry_out out = { 0 };

	if (in->nodeid != ROOT_ID || strcmp(name, FILE_NAME)) {
		reply(fd, in->unique, -ENOENT, NULL, 0);
		return;
	}
	out.nodeid = FILE_ID;
	fill_attr(&out.attr, FILE_ID);
	reply(fd, in->unique, 0, &out, sizeof(out));
}

static void do_getattr(int fd, const struct fuse_in_header *in)
{
	struct fuse_attr_out out = { 0 };

	fill_attr(&out.attr, in->nodeid);
	reply(fd, in->unique, 0, &out, sizeof(out));
}

static void do_read(int fd, const struct fuse_in_header *in, const struct fuse_read_in *arg)
{
	size_t len = strlen(text);

	if (arg->offset >= len) {
		reply(fd, in->unique, 0, NULL, 0);
		return;
	}
	len -= arg->offset;
	if (len > arg->size)
		len = arg->size;
	reply(fd, in->unique, 0, text + arg->offset, len);
}

static int serve(int fd)
{
	struct fuse_in_header *in = (void *)buf;
	struct fuse_open_out open_out = { 0 };
	struct fuse_statfs_out statfs_out = { 0 };
	void *arg = buf + sizeof(*in);
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == ENOENT))
			continue;
		if (n < 0)
			return errno == ENODEV ? 0 : -errno;	/* ENODEV: unmounted */
		switch (in->opcode) {
		case FUSE_INIT:
			do_init(fd, in, arg);
			break;
		case FUSE_LOOKUP:
			do_lookup(fd, in, arg);
			break;
		case FUSE_GETATTR:
			do_getattr(fd, in);
			break;
		case FUSE_OPEN:
		case FUSE_OPENDIR:
			open_out.fh = 1;
			reply(fd, in->unique, 0, &open_out, sizeof(open_out));
			break;
		case FUSE_READ:
			do_read(fd, in, arg);
			break;
		case FUSE_READDIR:
		case FUSE_RELEASE:
		case FUSE_RELEASEDIR:
		case FUSE_FLUSH:
		case FUSE_ACCESS:
			reply(fd, in->unique, 0, NULL, 0);
			break;
		case FUSE_STATFS:
			if (stall_statfs)
				break;	/* never answered: the caller waits */
			statfs_out.st.bsize = 4096;
			statfs_out.st.namelen = 255;
			reply(fd, in->unique, 0, &statfs_out, sizeof(statfs_out));
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:
			break;
		case FUSE_DESTROY:
			reply(fd, in->unique, 0, NULL, 0);
			return 0;
		default:
			reply(fd, in->unique, -ENOSYS, NULL, 0);
		}
	}
}

int main(int argc, char **argv)
{
	char opts[256];
	uid_t uid;
	int fd, r;

	if (argc != 5 || strcmp(argv[1], "-u")) {
		fprintf(stderr, "usage: fuse-root -u UID MOUNTPOINT TEXT\n");
		return 2;
	}
	uid = (uid_t)strtoul(argv[2], NULL, 10);
	text = argv[4];
	stall_statfs = getenv("FUSE_ROOT_STALL_STATFS") != NULL;
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("fuse-root: /dev/fuse");
		return 1;
	}
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=%u,group_id=%u,allow_other",
		 fd, uid, uid);
	if (mount("fuse-root", argv[3], "fuse", MS_NOSUID | MS_NODEV, opts)) {
		perror("fuse-root: mount");
		return 1;
	}
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid)) {
		perror("fuse-root: cannot become the user");
		return 1;
	}
	printf("mounted\n");
	fflush(stdout);
	r = serve(fd);
	if (r)
		fprintf(stderr, "fuse-root: %s\n", strerror(-r));
	return r ? 1 : 0;
}
