// SPDX-License-Identifier: GPL-2.0
/*
 * Who could have written a policy file: policy_open_trusted() and the
 * loaders built on it (issue 9 item 4).
 *
 * Runs as any user: the trusted owner is a parameter, and the trees built
 * here under /tmp/dg-trust-XXXXXX belong to the test's own uid, which it
 * passes. A case that needs a file of another user chowns it when run as
 * root and is skipped otherwise. Every test arms alarm(): a FIFO that would
 * block makes that test fail, it does not hang the suite.
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
#include "policy.h"
#include "util.h"

static struct policy pol;
static char err[POLICY_ERR_LEN];

static int load_as(const char *path, uid_t owner)
{
	err[0] = '\0';
	return policy_load_trusted(path, owner, &pol, err, sizeof(err));
}

/* load_as(me) refuses path with code; err starts with path and has each fragment */
static void expect_refused(const char *path, int code, const char *frag1, const char *frag2)
{
	ASSERT_EQ(load_as(path, me), code);
	if (strncmp(err, path, strlen(path)) || err[strlen(path)] != ':')
		UNIT_FAIL("message does not start with \"%s:\": %s", path, err);
	ASSERT_CONTAINS(err, frag1);
	if (frag2)
		ASSERT_CONTAINS(err, frag2);
}

/* BASE/good/p.conf, all the test's own and not writable by others */
static const char *good_policy(void)
{
	make_dir(at("good"), 0755);
	make_file(at("good/p.conf"), "deny bind driver=e1000\n", 0644);
	return at("good/p.conf");
}

/* --- trusted files load ----------------------------------------------------- */

TEST(trusted_file_in_trusted_directories_loads)
{
	const char *path;

	tree_setup("dg-trust");
	path = good_policy();
	if (load_as(path, me))
		UNIT_FAIL("load: %s", err);
	ASSERT_EQ(pol.hdr.n_rules, 1);
	ASSERT_STREQ(pol.hdr.source, path);
}

TEST(read_only_file_loads)
{
	tree_setup("dg-trust");
	make_file(at("p.conf"), "deny bind\n", 0400);
	ASSERT_EQ(load_as(at("p.conf"), me), 0);
}

TEST(link_to_a_trusted_file_loads_under_the_name_given)
{
	tree_setup("dg-trust");
	good_policy();
	make_link("good/p.conf", at("link.conf"));
	if (load_as(at("link.conf"), me))
		UNIT_FAIL("load: %s", err);
	ASSERT_STREQ(pol.hdr.source, at("link.conf"));
}

TEST(relative_path_and_dot_dot_load)
{
	tree_setup("dg-trust");
	good_policy();
	make_dir(at("good/sub"), 0755);
	if (chdir(at("good/sub")))
		UNIT_FAIL("chdir: %s", strerror(errno));
	if (load_as("../p.conf", me))
		UNIT_FAIL("load: %s", err);
	ASSERT_EQ(load_as("./.././sub/../p.conf", me), 0);
	ASSERT_EQ(load_as(at("good/sub/../p.conf"), me), 0);
}

/* Only root (or the one other owner) can remove root's entries in a sticky directory. */
TEST(sticky_directory_with_trusted_entries_loads)
{
	tree_setup("dg-trust");
	make_dir(at("sticky"), 01777);
	make_file(at("sticky/p.conf"), "deny bind\n", 0644);
	if (load_as(at("sticky/p.conf"), me))
		UNIT_FAIL("load: %s", err);
}

/*
 * A hard link a user made in a sticky directory to a file of root's (where
 * fs.protected_hardlinks is 0): root's inode, but not root's choice.
 */
TEST(hard_link_in_a_sticky_directory_is_refused)
{
	tree_setup("dg-trust");
	make_dir(at("sticky"), 01777);
	make_file(at("empty.conf"), "", 0644);
	if (link(at("empty.conf"), at("sticky/p.conf")))
		UNIT_FAIL("link: %s", strerror(errno));
	ASSERT_EQ(load_as(at("sticky/p.conf"), me), -EPERM);
	ASSERT_CONTAINS(err, "has 2 hard links in the sticky directory");
}

/* --- untrusted files are refused, the message names path, owner, mode, fix -- */

TEST(group_writable_file_is_refused)
{
	const char *path;

	tree_setup("dg-trust");
	path = at("p.conf");
	make_file(path, "deny bind\n", 0664);
	expect_refused(path, -EPERM, "is writable by group", "mode 0664");
	ASSERT_CONTAINS(err, "fix: chmod go-w ");
	ASSERT_CONTAINS(err, path);
}

TEST(world_writable_file_is_refused)
{
	tree_setup("dg-trust");
	make_file(at("p.conf"), "deny bind\n", 0646);
	expect_refused(at("p.conf"), -EPERM, "is writable by every user", "mode 0646");
}

/* The owner can always chmod, so another owner is refused even at 0444. */
TEST(file_of_another_user_is_refused)
{
	const char *path;

	tree_setup("dg-trust");
	path = at("p.conf");
	make_file(path, "deny bind\n", 0444);
	if (me != 0) {
		char frag[32];

		/* the production owner (root): the test's own tree is someone else's */
		snprintf(frag, sizeof(frag), "is owned by uid %u", (unsigned)me);
		ASSERT_EQ(policy_load(path, &pol, err, sizeof(err)), -EPERM);
		ASSERT_CONTAINS(err, frag);
		return;
	}
	if (chown(path, 65534, 65534))
		UNIT_FAIL("chown: %s", strerror(errno));
	ASSERT_EQ(policy_load(path, &pol, err, sizeof(err)), -EPERM);
	ASSERT_CONTAINS(err, "file ");
	ASSERT_CONTAINS(err, "is owned by uid 65534 (mode 0444)");
	ASSERT_CONTAINS(err, "fix: chown root ");
}

/* The case: a good file in a directory others can write. */
TEST(trusted_file_in_a_writable_directory_is_refused)
{
	char frag[300];

	tree_setup("dg-trust");
	make_dir(at("d"), 0777);
	make_file(at("d/p.conf"), "deny bind\n", 0644);
	snprintf(frag, sizeof(frag), "directory %s is writable by every user", at("d"));
	expect_refused(at("d/p.conf"), -EPERM, frag, "mode 0777");
	ASSERT_CONTAINS(err, "fix: chmod go-w ");
}

TEST(group_writable_directory_is_refused)
{
	char frag[300];

	tree_setup("dg-trust");
	make_dir(at("d"), 0775);
	make_file(at("d/p.conf"), "deny bind\n", 0644);
	snprintf(frag, sizeof(frag), "directory %s is writable by group", at("d"));
	expect_refused(at("d/p.conf"), -EPERM, frag, "mode 0775");
}

/* The other user swapped the file for a link to an empty root file: still refused. */
TEST(link_swapped_into_a_writable_directory_is_refused)
{
	char frag[300];

	tree_setup("dg-trust");
	make_dir(at("d"), 0777);
	make_file(at("empty"), "", 0644);
	make_link(at("empty"), at("d/p.conf"));
	snprintf(frag, sizeof(frag), "directory %s is writable", at("d"));
	expect_refused(at("d/p.conf"), -EPERM, frag, NULL);
}

/* realpath() of this is all trusted: the directory holding the link is not. */
TEST(link_held_by_a_writable_directory_is_refused)
{
	char frag[300];

	tree_setup("dg-trust");
	good_policy();
	make_dir(at("d"), 0777);
	make_link(at("good/p.conf"), at("d/link.conf"));
	snprintf(frag, sizeof(frag), "directory %s is writable", at("d"));
	expect_refused(at("d/link.conf"), -EPERM, frag, NULL);
}

TEST(link_into_a_writable_directory_is_refused)
{
	char frag[300];

	tree_setup("dg-trust");
	make_dir(at("d"), 0777);
	make_file(at("d/p.conf"), "deny bind\n", 0644);
	make_link("d/p.conf", at("file-link"));
	make_link("d", at("dir-link"));
	snprintf(frag, sizeof(frag), "directory %s is writable", at("d"));
	expect_refused(at("file-link"), -EPERM, frag, NULL);
	expect_refused(at("dir-link/p.conf"), -EPERM, frag, NULL);
}

TEST(relative_path_from_a_writable_directory_is_refused)
{
	char frag[300];

	tree_setup("dg-trust");
	make_dir(at("d"), 0777);
	make_file(at("d/p.conf"), "deny bind\n", 0644);
	if (chdir(at("d")))
		UNIT_FAIL("chdir: %s", strerror(errno));
	snprintf(frag, sizeof(frag), "directory %s is writable", at("d"));
	expect_refused("p.conf", -EPERM, frag, NULL);
}

TEST(dot_dot_through_a_writable_directory_is_refused)
{
	tree_setup("dg-trust");
	good_policy();
	make_dir(at("d"), 0777);
	expect_refused(at("d/../good/p.conf"), -EPERM, "is writable by every user", NULL);
}

/* A link in /tmp owned by a user who is not trusted: that user may swap it. */
TEST(untrusted_link_in_a_sticky_directory_is_refused)
{
	struct stat st;
	uid_t owner = me + 1;	/* not the link's owner */

	tree_setup("dg-trust");
	if (stat("/tmp", &st) || st.st_uid != 0 || !(st.st_mode & S_ISVTX))
		UNIT_SKIP("/tmp is not root's sticky directory");
	good_policy();
	snprintf(tree_extra, sizeof(tree_extra), "/tmp/dg-trust-link-%d", (int)getpid());
	make_link(at("good/p.conf"), tree_extra);
	if (me == 0) {
		if (lchown(tree_extra, 65534, 65534))
			UNIT_FAIL("lchown: %s", strerror(errno));
		owner = 0;
	}
	ASSERT_EQ(load_as(tree_extra, owner), -EPERM);
	ASSERT_CONTAINS(err, "who may replace it in the sticky directory /tmp");
	ASSERT_CONTAINS(err, tree_extra);
}

/* A sticky directory of someone untrusted: its owner may replace anything. */
TEST(sticky_directory_of_another_user_is_refused)
{
	tree_setup("dg-trust");
	make_dir(at("sticky"), 01777);
	make_file(at("sticky/p.conf"), "deny bind\n", 0644);
	if (me != 0)
		UNIT_SKIP("needs root to chown");
	if (chown(at("sticky"), 65534, 65534))
		UNIT_FAIL("chown: %s", strerror(errno));
	ASSERT_EQ(load_as(at("sticky/p.conf"), 0), -EPERM);
	ASSERT_CONTAINS(err, "is owned by uid 65534 (mode 1777)");
}

/* --- what is not a regular file, or too big ---------------------------------- */

TEST(fifo_is_refused_without_blocking)
{
	tree_setup("dg-trust");
	if (mkfifo(at("fifo"), 0644))
		UNIT_FAIL("mkfifo: %s", strerror(errno));
	expect_refused(at("fifo"), -EINVAL, "is a FIFO (expected a regular file)", NULL);
}

TEST(directory_is_refused)
{
	tree_setup("dg-trust");
	expect_refused(tree_base, -EINVAL, "is a directory (expected a regular file)", NULL);
	expect_refused("/", -EINVAL, "is a directory", NULL);
}

TEST(device_node_is_refused)
{
	tree_setup("dg-trust");
	ASSERT_EQ(load_as("/dev/null", me), -EINVAL);
	ASSERT_STREQ(err, "/dev/null: refusing the policy: /dev/null is a character device "
			  "(expected a regular file)");
}

TEST(missing_file)
{
	tree_setup("dg-trust");
	expect_refused(at("none.conf"), -ENOENT, "cannot open: No such file or directory", NULL);
	expect_refused(at("no/p.conf"), -ENOENT, "cannot open ", "/no: No such file");
}

TEST(link_loop_is_refused)
{
	tree_setup("dg-trust");
	make_link("b", at("a"));
	make_link("a", at("b"));
	expect_refused(at("a"), -ELOOP, "too many symbolic links", NULL);
}

TEST(file_over_the_limit_is_refused_without_reading_it)
{
	char expect[POLICY_ERR_LEN];

	tree_setup("dg-trust");
	make_file(at("p.conf"), "deny bind\n", 0644);
	if (truncate(at("p.conf"), 64 * 1024 * 1024))
		UNIT_FAIL("truncate: %s", strerror(errno));
	snprintf(expect, sizeof(expect), "%s: file is 67108864 bytes long (expected at most "
		 "%d)", at("p.conf"), POLICY_MAX_BYTES);
	ASSERT_EQ(load_as(at("p.conf"), me), -EFBIG);
	ASSERT_STREQ(err, expect);
}

TEST(parse_error_names_the_path)
{
	char expect[POLICY_ERR_LEN];

	tree_setup("dg-trust");
	make_file(at("p.conf"), "mode enforce\nallow bind vendor=8086\n", 0600);
	snprintf(expect, sizeof(expect), "%s:2:12: unknown attribute 'vendor' "
		 "(expected device, id, class, group, driver, dma)", at("p.conf"));
	ASSERT_EQ(load_as(at("p.conf"), me), -EINVAL);
	ASSERT_STREQ(err, expect);
}

/* --- drafts (check, status --policy): any owner, with a warning -------------- */

/* report.c asks for the warning only as root, who runs `run` */
TEST(draft_of_any_owner_loads_with_a_warning)
{
	char warn[POLICY_ERR_LEN];

	tree_setup("dg-trust");
	make_dir(at("d"), 0777);
	make_file(at("d/p.conf"), "deny bind\n", 0666);
	ASSERT_EQ(policy_load_draft(at("d/p.conf"), &pol, warn, sizeof(warn), err,
				    sizeof(err)), 0);
	ASSERT_EQ(pol.hdr.n_rules, 1);
	ASSERT_CONTAINS(warn, "refusing the policy: ");
	ASSERT_CONTAINS(warn, at("d"));
}

TEST(draft_fifo_is_refused_without_blocking)
{
	char warn[POLICY_ERR_LEN];

	tree_setup("dg-trust");
	if (mkfifo(at("fifo"), 0644))
		UNIT_FAIL("mkfifo: %s", strerror(errno));
	ASSERT_EQ(policy_load_draft(at("fifo"), &pol, warn, sizeof(warn), err, sizeof(err)),
		  -EINVAL);
	ASSERT_CONTAINS(err, "is a FIFO (expected a regular file)");
}

TEST(draft_trusted_by_root_has_no_warning)
{
	char warn[POLICY_ERR_LEN] = "x";

	tree_setup("dg-trust");
	if (me != 0)
		UNIT_SKIP("the tree is root's only when run as root");
	ASSERT_EQ(policy_load_draft(good_policy(), &pol, warn, sizeof(warn), err,
				    sizeof(err)), 0);
	ASSERT_STREQ(warn, "");
}

UNIT_MAIN()
