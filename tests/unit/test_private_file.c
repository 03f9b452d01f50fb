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
#include "unit.h"
#include "util.h"

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
	fd = file_create_private(at("out"), O_APPEND);
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(mode_of_fd(fd), S_IFREG | 0600);
	close(fd);
	umask(0277);
	fd = file_create_private(at("out2"), O_TRUNC);
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
	fd = file_create_private(at("out"), O_APPEND);
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(write(fd, "b", 1), 1);
	close(fd);
	fd = open(at("out"), O_RDONLY);
	ASSERT_EQ(read(fd, buf, sizeof(buf) - 1), 2);
	ASSERT_STREQ(buf, "ab");
	close(fd);
	fd = file_create_private(at("out"), O_TRUNC);
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
	ASSERT_EQ(file_create_private(at("out"), O_TRUNC), -ELOOP);
	ASSERT_EQ(file_create_private(at("dangling"), O_APPEND), -ELOOP);
	ASSERT_EQ(stat(at("target"), &st), 0);
	ASSERT_EQ(st.st_size, 4);
	ASSERT_EQ(stat(at("nowhere"), &st), -1);
}

TEST(private_file_refuses_a_fifo_without_blocking)
{
	tree_setup("dg-private");
	if (mkfifo(at("fifo"), 0600))
		UNIT_FAIL("mkfifo: %s", strerror(errno));
	ASSERT_EQ(file_create_private(at("fifo"), O_APPEND), -EINVAL);
}

TEST(private_file_refuses_devices_and_directories)
{
	tree_setup("dg-private");
	ASSERT_EQ(file_create_private("/dev/null", O_APPEND), -EINVAL);
	ASSERT_EQ(file_create_private(tree_base, O_APPEND), -EINVAL);
}

/* A hard link in a shared directory could point the daemon at any file. */
TEST(private_file_refuses_a_hard_link)
{
	struct stat st;

	tree_setup("dg-private");
	make_file(at("precious"), "keep", 0600);
	if (link(at("precious"), at("out")))
		UNIT_FAIL("link: %s", strerror(errno));
	ASSERT_EQ(file_create_private(at("out"), O_TRUNC), -EPERM);
	ASSERT_EQ(stat(at("precious"), &st), 0);
	ASSERT_EQ(st.st_size, 4);
}

TEST(private_file_refuses_a_file_of_another_user)
{
	tree_setup("dg-private");
	make_file(at("out"), "", 0666);
	if (me != 0)
		UNIT_SKIP("needs root to chown");
	if (chown(at("out"), 65534, 65534))
		UNIT_FAIL("chown: %s", strerror(errno));
	ASSERT_EQ(file_create_private(at("out"), O_APPEND), -EPERM);
}

UNIT_MAIN()
