// SPDX-License-Identifier: GPL-2.0
/*
 * Files dmaguard writes (run --output, ...): file_create_private() creates
 * them 0600 whatever the umask, never follows a symbolic link, never opens
 * a FIFO or a device for writing, and never truncates a file reached by
 * another name. Runs as any user; cases that need another user's file are
 * skipped unless root. alarm() turns a blocking open into a failed test.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "tmp_tree.h"
#include "trusted_path.h"
#include "unit.h"
#include "util.h"

static char err[512];

static mode_t mode_of_fd(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		UNIT_FAIL("fstat: %s", strerror(errno));
	return st.st_mode;
}

TEST(private_file_is_0600_whatever_the_umask)
{
	int fd;

	tree_setup("dg-private");
	umask(0);
	fd = file_create_private(at("out"), O_APPEND, err, sizeof(err));
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(mode_of_fd(fd), S_IFREG | 0600);
	close(fd);
	umask(0277);
	fd = file_create_private(at("out2"), O_TRUNC, err, sizeof(err));
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(mode_of_fd(fd), S_IFREG | 0600);
	ASSERT_EQ(write(fd, "x", 1), 1);
	close(fd);
}

TEST(private_file_appends_or_truncates_an_existing_file)
{
	char buf[16] = "";
	int fd;

	tree_setup("dg-private");
	make_file(at("out"), "a", 0600);
	fd = file_create_private(at("out"), O_APPEND, err, sizeof(err));
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(write(fd, "b", 1), 1);
	close(fd);
	fd = open(at("out"), O_RDONLY);
	ASSERT_EQ(read(fd, buf, sizeof(buf) - 1), 2);
	ASSERT_STREQ(buf, "ab");
	close(fd);
	fd = file_create_private(at("out"), O_TRUNC, err, sizeof(err));
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(lseek(fd, 0, SEEK_END), 0);
	close(fd);
}

TEST(private_file_refuses_a_symlink)
{
	struct stat st;

	tree_setup("dg-private");
	make_file(at("target"), "keep", 0600);
	make_link(at("target"), at("out"));
	make_link(at("nowhere"), at("dangling"));
	ASSERT_EQ(file_create_private(at("out"), O_TRUNC, err, sizeof(err)), -ELOOP);
	ASSERT_EQ(file_create_private(at("dangling"), O_APPEND, err, sizeof(err)), -ELOOP);
	ASSERT_EQ(stat(at("target"), &st), 0);
	ASSERT_EQ(st.st_size, 4);
	ASSERT_EQ(stat(at("nowhere"), &st), -1);
}

TEST(private_file_refuses_a_fifo_without_blocking)
{
	tree_setup("dg-private");
	if (mkfifo(at("fifo"), 0600))
		UNIT_FAIL("mkfifo: %s", strerror(errno));
	ASSERT_EQ(file_create_private(at("fifo"), O_APPEND, err, sizeof(err)), -EINVAL);
}

TEST(private_file_refuses_devices_and_directories)
{
	tree_setup("dg-private");
	ASSERT_EQ(file_create_private("/dev/null", O_APPEND, err, sizeof(err)), -EINVAL);
	ASSERT_EQ(file_create_private(tree_base, O_APPEND, err, sizeof(err)), -EINVAL);
}

/* A hard link in a sticky directory could point the daemon at any file. */
TEST(private_file_refuses_a_hard_link_in_a_sticky_directory)
{
	struct stat st;

	tree_setup("dg-private");
	make_dir(at("sticky"), 01777);
	make_file(at("precious"), "keep", 0600);
	if (link(at("precious"), at("sticky/out")))
		UNIT_FAIL("link: %s", strerror(errno));
	ASSERT_EQ(file_create_private(at("sticky/out"), O_TRUNC, err, sizeof(err)), -EPERM);
	ASSERT_CONTAINS(err, "another hard link in a sticky directory");
	ASSERT_EQ(stat(at("precious"), &st), 0);
	ASSERT_EQ(st.st_size, 4);
}

/*
 * Elsewhere another name of our file (a user's `ln` of the log into a
 * directory of theirs) must not keep run from starting: a new file is made.
 */
TEST(private_file_replaces_a_hard_linked_file_in_a_private_directory)
{
	struct stat old, now;
	int fd;

	tree_setup("dg-private");
	make_file(at("out"), "old events\n", 0600);
	if (link(at("out"), at("elsewhere")) || stat(at("out"), &old))
		UNIT_FAIL("link: %s", strerror(errno));
	fd = file_create_private(at("out"), O_APPEND, err, sizeof(err));
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(fstat(fd, &now), 0);
	ASSERT_TRUE(now.st_ino != old.st_ino);
	ASSERT_EQ(now.st_nlink, 1);
	ASSERT_EQ(now.st_mode, S_IFREG | 0600);
	close(fd);
	ASSERT_EQ(stat(at("elsewhere"), &old), 0);
	ASSERT_EQ(old.st_size, 11);	/* the other name keeps what it had */
}

/* A link in the middle of the path, made by another user in a sticky directory. */
TEST(private_file_refuses_a_users_link_on_the_way)
{
	struct stat st;

	tree_setup("dg-private");
	if (me != 0)
		UNIT_SKIP("needs root to make a link of another user");
	make_dir(at("sticky"), 01777);
	make_dir(at("secret"), 0700);
	make_link(at("secret"), at("sticky/dg"));
	if (lchown(at("sticky/dg"), 65534, 65534))
		UNIT_FAIL("lchown: %s", strerror(errno));
	ASSERT_EQ(file_create_private(at("sticky/dg/events"), O_APPEND, err, sizeof(err)),
		  -EPERM);
	ASSERT_CONTAINS(err, "who may replace it in the sticky directory");
	ASSERT_EQ(stat(at("secret/events"), &st), -1);
}

/* A directory another user owns: they could delete the log or swap it. */
TEST(private_file_refuses_a_directory_of_another_user)
{
	tree_setup("dg-private");
	if (me != 0)
		UNIT_SKIP("needs root to chown");
	make_dir(at("theirs"), 0755);
	if (chown(at("theirs"), 65534, 65534))
		UNIT_FAIL("chown: %s", strerror(errno));
	ASSERT_EQ(file_create_private(at("theirs/events"), O_APPEND, err, sizeof(err)),
		  -EPERM);
	ASSERT_CONTAINS(err, "is owned by uid 65534");
}

TEST(private_file_refuses_a_file_of_another_user)
{
	tree_setup("dg-private");
	make_file(at("out"), "", 0666);
	if (me != 0)
		UNIT_SKIP("needs root to chown");
	if (chown(at("out"), 65534, 65534))
		UNIT_FAIL("chown: %s", strerror(errno));
	ASSERT_EQ(file_create_private(at("out"), O_APPEND, err, sizeof(err)), -EPERM);
}

UNIT_MAIN()
