// SPDX-License-Identifier: GPL-2.0
/*
 * Files dmaguard replaces (run --metrics-file): file_replace_public() makes
 * them 0644 whatever the umask, replaces them whole by a rename (a reader
 * holding the old file keeps reading the old file; no hidden file is left
 * behind), never writes through a symbolic link, and passes a directory of
 * another user only when no link below it is followed. Cases that need
 * another user's directory are skipped unless root.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmp_tree.h"
#include "trusted_path.h"
#include "unit.h"

static char err[512];

static const char *read_text(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		UNIT_FAIL("open %s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Entries of dir besides "." and "..". */
static int entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		UNIT_FAIL("opendir %s: %s", dir, strerror(errno));
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void own_by_nobody(const char *path)
{
	if (chown(path, 65534, 65534))
		UNIT_FAIL("chown %s: %s", path, strerror(errno));
}

TEST(new_file_is_0644_whatever_the_umask_and_nothing_else_is_left)
{
	struct stat st;

	tree_setup("dg-replace");
	make_dir(at("d"), 0755);
	umask(0077);
	ASSERT_EQ(file_replace_public(at("d/m.prom"), "a 1\n", 4, err, sizeof(err)), 0);
	ASSERT_EQ(stat(at("d/m.prom"), &st), 0);
	ASSERT_EQ(st.st_mode, S_IFREG | 0644);
	ASSERT_STREQ(read_text(at("d/m.prom")), "a 1\n");
	ASSERT_EQ(entries(at("d")), 1);
}

/* A scrape that opened the old file reads it whole; the name gives the new one. */
TEST(replacing_keeps_an_open_reader_on_the_old_file)
{
	char buf[16] = "";
	struct stat before, after;
	int fd;

	tree_setup("dg-replace");
	make_file(at("m.prom"), "old 1\n", 0600);
	ASSERT_EQ(stat(at("m.prom"), &before), 0);
	fd = open(at("m.prom"), O_RDONLY);
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(file_replace_public(at("m.prom"), "new 2\n", 6, err, sizeof(err)), 0);
	ASSERT_EQ(read(fd, buf, sizeof(buf) - 1), 6);
	ASSERT_STREQ(buf, "old 1\n");
	close(fd);
	ASSERT_STREQ(read_text(at("m.prom")), "new 2\n");
	ASSERT_EQ(stat(at("m.prom"), &after), 0);
	ASSERT_TRUE(after.st_ino != before.st_ino);
	ASSERT_EQ(after.st_mode, S_IFREG | 0644);
	ASSERT_EQ(entries(tree_base), 1);
}

/* A link at the name is replaced, its target untouched. */
TEST(a_link_at_the_name_is_replaced_not_followed)
{
	struct stat st;

	tree_setup("dg-replace");
	make_file(at("target"), "keep\n", 0600);
	make_link(at("target"), at("m.prom"));
	ASSERT_EQ(file_replace_public(at("m.prom"), "x 1\n", 4, err, sizeof(err)), 0);
	ASSERT_STREQ(read_text(at("target")), "keep\n");
	ASSERT_EQ(lstat(at("m.prom"), &st), 0);
	ASSERT_TRUE(S_ISREG(st.st_mode));
}

TEST(a_directory_at_the_name_fails_and_leaves_nothing)
{
	tree_setup("dg-replace");
	make_dir(at("m.prom"), 0755);
	ASSERT_TRUE(file_replace_public(at("m.prom"), "x 1\n", 4, err, sizeof(err)) < 0);
	ASSERT_CONTAINS(err, "cannot replace it");
	ASSERT_EQ(entries(tree_base), 1);
}

TEST(a_directory_writable_by_others_is_refused)
{
	tree_setup("dg-replace");
	make_dir(at("open"), 0777);
	ASSERT_EQ(file_replace_public(at("open/m.prom"), "x 1\n", 4, err, sizeof(err)), -EPERM);
	ASSERT_CONTAINS(err, "is writable by every user");
	ASSERT_EQ(entries(at("open")), 0);
}

/* Debian's /var/lib/prometheus (prometheus's) holding node-exporter/ (root's). */
TEST(a_directory_of_another_user_passes)
{
	tree_setup("dg-replace");
	if (me != 0)
		UNIT_SKIP("needs root to chown");
	make_dir(at("prometheus"), 0755);
	make_dir(at("prometheus/node-exporter"), 0755);
	own_by_nobody(at("prometheus"));
	ASSERT_EQ(file_replace_public(at("prometheus/node-exporter/dmaguard.prom"), "x 1\n", 4,
				      err, sizeof(err)), 0);
	ASSERT_STREQ(read_text(at("prometheus/node-exporter/dmaguard.prom")), "x 1\n");
}

/* Below another user's directory, a link of theirs could lead anywhere: refused. */
TEST(no_link_is_followed_below_a_directory_of_another_user)
{
	tree_setup("dg-replace");
	if (me != 0)
		UNIT_SKIP("needs root to chown");
	make_dir(at("secret"), 0700);
	make_dir(at("theirs"), 0755);
	make_link(at("secret"), at("theirs/node-exporter"));
	own_by_nobody(at("theirs"));
	ASSERT_EQ(file_replace_public(at("theirs/node-exporter/dmaguard.prom"), "x 1\n", 4, err,
				      sizeof(err)), -ELOOP);
	ASSERT_CONTAINS(err, "is a symbolic link below a directory of uid 65534");
	ASSERT_EQ(entries(at("secret")), 0);
}

/* The rule for a file written in place is unchanged: another user's directory is refused. */
TEST(the_private_file_rule_still_refuses_that_directory)
{
	tree_setup("dg-replace");
	if (me != 0)
		UNIT_SKIP("needs root to chown");
	make_dir(at("theirs"), 0755);
	own_by_nobody(at("theirs"));
	ASSERT_EQ(file_create_private(at("theirs/events"), O_APPEND, err, sizeof(err)), -EPERM);
}

UNIT_MAIN()
