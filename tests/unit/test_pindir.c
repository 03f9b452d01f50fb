// SPDX-License-Identifier: GPL-2.0
/*
 * Where the pins may live (pindir_guard.c) and unload, on plain
 * directories: who owns what and who may write it is all userspace. A name
 * another user made first (uid 1000, made with chown) is never reused or
 * removed; a lock anyone can open (the parent) blocks nothing; the lock
 * dmaguard takes names its holder; unload with nothing pinned says so.
 * Needs root (to chown and to drop to uid 1000); skipped otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bpf_objects.h"
#include "loader.h"
#include "pindir.h"
#include "unit.h"
#include "util.h"

#define SQUATTER 1000

static char parent[64], pin[128];

/* A fresh parent directory (root's, 0755) and DIR's name in it. */
static void setup(void)
{
	if (geteuid() != 0)
		UNIT_SKIP("needs root to play another user");
	snprintf(parent, sizeof(parent), "/tmp/dmaguard-pindir-XXXXXX");
	if (!mkdtemp(parent))
		UNIT_FAIL("mkdtemp: %s", strerror(errno));
	chmod(parent, 0755);
	snprintf(pin, sizeof(pin), "%s/dmaguard", parent);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", parent);
	if (system(cmd))
		UNIT_FAIL("cannot clean up %s", parent);
}

/* mkdir PARENT/REL MODE, owned by uid */
static void make_dir(const char *rel, mode_t mode, uid_t uid)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", parent, rel);
	if (mkdir(path, mode) || chmod(path, mode) || chown(path, uid, uid))
		UNIT_FAIL("cannot make %s: %s", path, strerror(errno));
}

/* PARENT/REL and REL/links, 0700, owned by uid: a pin directory's shape */
static void make_pin_dir(const char *rel, uid_t uid)
{
	char links[128];

	snprintf(links, sizeof(links), "%s/links", rel);
	make_dir(rel, 0700, uid);
	make_dir(links, 0700, uid);
}

static bool exists(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", parent, rel);
	return !access(path, F_OK);
}

static void open_locked(struct pindir *pd)
{
	char err[LOADER_ERR_LEN] = "";

	if (pindir_open(pd, pin, err, sizeof(err)) || pindir_lock(pd, 1000, err, sizeof(err)))
		UNIT_FAIL("%s", err);
}

TEST(squatted_new_is_refused_naming_its_owner)
{
	char err[LOADER_ERR_LEN] = "", tmp[256];
	struct pindir pd;

	setup();
	make_dir("dmaguard-new", 0777, SQUATTER);
	make_dir("dmaguard-new/links", 0777, SQUATTER);
	make_dir("dmaguard-new/links/x", 0777, SQUATTER);
	open_locked(&pd);
	ASSERT_EQ(pindir_make_new(&pd, tmp, sizeof(tmp), err, sizeof(err)), -EEXIST);
	ASSERT_CONTAINS(err, "/dmaguard-new belongs to uid 1000");
	ASSERT_TRUE(exists("dmaguard-new/links/x"));
	pindir_close(&pd);
	teardown();
}

TEST(new_of_ours_but_open_to_others_is_refused)
{
	char err[LOADER_ERR_LEN] = "", tmp[256];
	struct pindir pd;

	setup();
	make_dir("dmaguard-new", 0700, 0);
	make_dir("dmaguard-new/links", 0777, SQUATTER);
	open_locked(&pd);
	ASSERT_EQ(pindir_make_new(&pd, tmp, sizeof(tmp), err, sizeof(err)), -EEXIST);
	ASSERT_CONTAINS(err, "/dmaguard-new/links belongs to uid 1000");
	pindir_close(&pd);
	teardown();
}

TEST(stale_new_of_ours_is_replaced_private)
{
	char err[LOADER_ERR_LEN] = "", tmp[256];
	struct pindir pd;
	struct stat st;

	setup();
	make_pin_dir("dmaguard-new", 0);
	make_dir("dmaguard-new/progs", 0700, 0);
	snprintf(tmp, sizeof(tmp), "%s/dmaguard-new/links/leftover", parent);
	close(open(tmp, O_CREAT | O_WRONLY, 0600));	/* a pin, as far as removal goes */
	ASSERT_TRUE(exists("dmaguard-new/links/leftover"));
	open_locked(&pd);
	ASSERT_EQ(pindir_make_new(&pd, tmp, sizeof(tmp), err, sizeof(err)), 0);
	ASSERT_FALSE(exists("dmaguard-new/links/leftover"));
	ASSERT_EQ(stat(tmp, &st), 0);
	ASSERT_EQ(st.st_uid, 0);
	ASSERT_EQ(st.st_mode & 07777, 0700);
	pindir_close(&pd);
	teardown();
}

TEST(parents_others_can_change_are_refused_sticky_ones_warned)
{
	char err[LOADER_ERR_LEN] = "", warn[512];
	struct pindir pd;

	setup();
	chmod(parent, 0777);
	ASSERT_EQ(pindir_open(&pd, pin, err, sizeof(err)), -EACCES);
	ASSERT_CONTAINS(err, "is writable by others (mode 0777)");
	chmod(parent, 01777);
	ASSERT_EQ(pindir_open(&pd, pin, err, sizeof(err)), 0);
	ASSERT_TRUE(pd.shared_parent);
	pindir_shared_warning(&pd, warn, sizeof(warn));
	ASSERT_CONTAINS(warn, "is writable by others (mode 1777)");
	ASSERT_CONTAINS(warn, "mode=0700");
	pindir_close(&pd);
	chmod(parent, 0755);
	ASSERT_EQ(pindir_open(&pd, pin, err, sizeof(err)), 0);
	ASSERT_FALSE(pd.shared_parent);
	pindir_shared_warning(&pd, warn, sizeof(warn));
	ASSERT_STREQ(warn, "");
	pindir_close(&pd);
	/* an ancestor counts too */
	make_dir("user", 0755, SQUATTER);
	make_dir("user/root", 0700, 0);
	snprintf(pin, sizeof(pin), "%s/user/root/dmaguard", parent);
	ASSERT_EQ(pindir_open(&pd, pin, err, sizeof(err)), -EEXIST);
	ASSERT_CONTAINS(err, "/user belongs to uid 1000");
	teardown();
}

TEST(squatted_dir_is_refused_by_check_tree)
{
	char err[LOADER_ERR_LEN] = "";
	struct pindir pd;
	bool links;

	setup();
	open_locked(&pd);
	ASSERT_EQ(pindir_check_tree(&pd, "dmaguard", &links, err, sizeof(err)), -ENOENT);
	make_dir("dmaguard", 0777, SQUATTER);
	make_dir("dmaguard/links", 0777, SQUATTER);
	ASSERT_EQ(pindir_check_tree(&pd, "dmaguard", &links, err, sizeof(err)), -EEXIST);
	ASSERT_CONTAINS(err, "/dmaguard belongs to uid 1000");
	pindir_close(&pd);
	teardown();
}

/* A child that holds flock() on path as uid (or as root with uid 0); its pid. */
static pid_t hold_flock(const char *path, uid_t uid)
{
	int pipefd[2];
	pid_t pid;
	char c;

	if (pipe(pipefd))
		UNIT_FAIL("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		int fd;

		if (uid && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
			_exit(1);
		fd = open(path, O_RDONLY);
		if (fd < 0 || flock(fd, LOCK_EX))
			_exit(1);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &c, 1) != 1)
		UNIT_FAIL("the child could not lock %s", path);
	close(pipefd[0]);
	return pid;
}

static void end_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

TEST(a_user_locking_the_parent_blocks_nothing)
{
	char err[LOADER_ERR_LEN] = "";
	struct pindir pd;
	pid_t holder;

	setup();
	chmod(parent, 01777);
	holder = hold_flock(parent, SQUATTER);
	ASSERT_EQ(pindir_open(&pd, pin, err, sizeof(err)), 0);
	ASSERT_EQ(pindir_lock(&pd, 0, err, sizeof(err)), 0);
	pindir_close(&pd);
	end_child(holder);
	teardown();
}

TEST(the_lock_names_its_holder_after_the_wait)
{
	char err[LOADER_ERR_LEN] = "", want[64];
	struct pindir pd, other;

	setup();
	open_locked(&pd);
	ASSERT_EQ(pindir_open(&other, pin, err, sizeof(err)), 0);
	/* our own lock is held: a second one waits, then names the holder */
	ASSERT_EQ(pindir_lock(&other, 50, err, sizeof(err)), -EBUSY);
	snprintf(want, sizeof(want), "is locked by pid %d for 0 s", (int)getpid());
	ASSERT_CONTAINS(err, want);
	pindir_close(&pd);	/* nothing pinned: the lock goes */
	ASSERT_FALSE(exists("dmaguard-lock"));
	ASSERT_EQ(pindir_lock(&other, 1000, err, sizeof(err)), 0);
	ASSERT_TRUE(exists("dmaguard-lock"));
	pindir_close(&other);
	teardown();
}

TEST(a_lock_others_can_open_is_refused)
{
	char err[LOADER_ERR_LEN] = "";
	struct pindir pd;

	setup();
	make_dir("dmaguard-lock", 0755, SQUATTER);
	ASSERT_EQ(pindir_open(&pd, pin, err, sizeof(err)), 0);
	ASSERT_EQ(pindir_lock(&pd, 0, err, sizeof(err)), -EEXIST);
	ASSERT_CONTAINS(err, "/dmaguard-lock belongs to uid 1000");
	pindir_close(&pd);
	snprintf(err, sizeof(err), "%s/dmaguard-lock", parent);
	ASSERT_EQ(rmdir(err), 0);
	make_dir("dmaguard-lock", 0755, 0);
	ASSERT_EQ(pindir_open(&pd, pin, err, sizeof(err)), 0);
	ASSERT_EQ(pindir_lock(&pd, 0, err, sizeof(err)), -EACCES);
	ASSERT_CONTAINS(err, "is open to others (mode 0755)");
	pindir_close(&pd);
	teardown();
}

TEST(unload_with_nothing_pinned_says_so)
{
	char err[LOADER_ERR_LEN] = "";

	setup();
	ASSERT_EQ(pindir_unload(pin, err, sizeof(err)), -ENOENT);
	ASSERT_CONTAINS(err, "nothing is pinned at");
	ASSERT_FALSE(exists("dmaguard-lock"));
	ASSERT_EQ(pindir_unload("/nonexistent/dmaguard", err, sizeof(err)), -ENOENT);
	teardown();
}

TEST(reload_refuses_a_squatted_dir)
{
	char err[LOADER_ERR_LEN] = "";
	struct pinned p;

	setup();
	make_dir("dmaguard", 0777, SQUATTER);
	ASSERT_EQ(pinned_open(&p, pin, err, sizeof(err)), -1);
	ASSERT_CONTAINS(err, "/dmaguard belongs to uid 1000");
	teardown();
}

TEST(unload_refuses_a_squatted_dir)
{
	char err[LOADER_ERR_LEN] = "";

	setup();
	make_dir("dmaguard", 0777, SQUATTER);
	make_dir("dmaguard/links", 0777, SQUATTER);
	ASSERT_EQ(pindir_unload(pin, err, sizeof(err)), -EEXIST);
	ASSERT_CONTAINS(err, "/dmaguard belongs to uid 1000");
	ASSERT_TRUE(exists("dmaguard/links"));
	teardown();
}

TEST(unload_passes_a_squatted_old_and_names_it)
{
	char err[LOADER_ERR_LEN] = "";

	setup();
	make_pin_dir("dmaguard", 0);
	make_dir("dmaguard/progs", 0700, 0);
	make_dir("dmaguard-old", 0777, SQUATTER);
	make_dir("dmaguard-old/x", 0777, SQUATTER);
	ASSERT_EQ(pindir_unload(pin, err, sizeof(err)), 0);
	ASSERT_CONTAINS(err, "/dmaguard-old belongs to uid 1000");
	ASSERT_FALSE(exists("dmaguard"));
	ASSERT_TRUE(exists("dmaguard-old/x"));
	teardown();
}

TEST(unload_finishes_an_old_of_ours)
{
	char err[LOADER_ERR_LEN] = "";

	setup();
	make_pin_dir("dmaguard-old", 0);
	ASSERT_EQ(pindir_unload(pin, err, sizeof(err)), 0);
	ASSERT_STREQ(err, "");
	ASSERT_FALSE(exists("dmaguard-old"));
	ASSERT_EQ(pindir_unload(pin, err, sizeof(err)), -ENOENT);
	teardown();
}

/* touch PARENT/REL: a stand-in for a pin (bpffs holds pins and directories) */
static void make_file(const char *rel)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", parent, rel);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		UNIT_FAIL("cannot make %s: %s", path, strerror(errno));
	close(fd);
}

/* A pin directory "dmaguard" with the link of every required program. */
static void make_required_links(void)
{
	char rel[128];
	size_t i;

	make_pin_dir("dmaguard", 0);
	make_dir("dmaguard/progs", 0700, 0);
	for (i = 0; i < bpf_n_progs; i++) {
		if (bpf_progs[i].need != PROG_REQUIRED)
			continue;
		snprintf(rel, sizeof(rel), "dmaguard/links/%s", bpf_progs[i].name);
		make_file(rel);
	}
}

/* a set is whole without the open gate's program: it is loaded once a policy needs it */
TEST(a_set_is_whole_without_the_program_of_a_gate_loaded_on_demand)
{
	char err[LOADER_ERR_LEN] = "";

	setup();
	make_required_links();
	ASSERT_EQ(pindir_check_links(pin, err, sizeof(err)), -EUCLEAN);
	ASSERT_CONTAINS(err, "no program lsm_kernfs");
	make_file("dmaguard/progs/fmod_kernfs");
	ASSERT_EQ(pindir_check_links(pin, err, sizeof(err)), 0);
	teardown();
}

/* once the open gate's program is loaded, so are the hooks that keep its nodes */
TEST(a_set_with_the_open_gate_needs_its_node_hooks)
{
	char err[LOADER_ERR_LEN] = "";

	setup();
	make_required_links();
	make_file("dmaguard/progs/fmod_kernfs");
	make_file("dmaguard/progs/fmod_file_open");
	ASSERT_EQ(pindir_check_links(pin, err, sizeof(err)), -EUCLEAN);
	ASSERT_CONTAINS(err, "no link device_add_exit");
	make_file("dmaguard/links/device_add_exit");
	make_file("dmaguard/links/device_del_enter");
	ASSERT_EQ(pindir_check_links(pin, err, sizeof(err)), 0);
	teardown();
}

/* an older or newer format's pins are not all names this build knows */
TEST(unload_removes_pins_of_any_format)
{
	char err[LOADER_ERR_LEN] = "";

	setup();
	make_pin_dir("dmaguard", 0);
	make_dir("dmaguard/progs", 0700, 0);
	make_file("dmaguard/links/probe_enter");
	make_file("dmaguard/policy");
	make_file("dmaguard/a_map_of_format_9");
	make_dir("dmaguard/a_dir_of_format_9", 0700, 0);
	make_file("dmaguard/a_dir_of_format_9/pin");
	ASSERT_EQ(pindir_unload(pin, err, sizeof(err)), 0);
	ASSERT_FALSE(exists("dmaguard"));
	ASSERT_FALSE(exists("dmaguard-old"));
	teardown();
}

/* a killed takeover leaves a second set in DIR-next or DIR-prev: unload takes it too */
TEST(unload_removes_what_a_killed_takeover_left)
{
	char err[LOADER_ERR_LEN] = "";

	setup();
	make_pin_dir("dmaguard", 0);
	make_pin_dir("dmaguard-next", 0);
	make_file("dmaguard-next/links/probe_enter");
	make_dir("dmaguard-prev", 0700, 0);
	make_file("dmaguard-prev/format");
	ASSERT_EQ(pindir_unload(pin, err, sizeof(err)), 0);
	ASSERT_FALSE(exists("dmaguard"));
	ASSERT_FALSE(exists("dmaguard-next"));
	ASSERT_FALSE(exists("dmaguard-prev"));
	teardown();
}

/* a DIR-next someone else made is not ours to unpin: left alone */
TEST(unload_leaves_a_squatted_next_alone)
{
	char err[LOADER_ERR_LEN] = "";

	setup();
	make_pin_dir("dmaguard", 0);
	make_pin_dir("dmaguard-next", 1000);
	ASSERT_EQ(pindir_unload(pin, err, sizeof(err)), 0);
	ASSERT_FALSE(exists("dmaguard"));
	ASSERT_TRUE(exists("dmaguard-next/links"));
	teardown();
}

TEST(without_privilege_run_and_unload_need_root)
{
	char err[LOADER_ERR_LEN] = "";
	static struct policy pol;
	struct load_report rep;

	setup();
	/* this test runs in a child of its own: dropping privilege ends with it */
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		UNIT_FAIL("setresuid: %s", strerror(errno));
	ASSERT_EQ(loader_ensure(pin, &pol, &rep, err, sizeof(err)), -EPERM);
	ASSERT_CONTAINS(err, "needs root (CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)");
	ASSERT_EQ(pindir_unload(pin, err, sizeof(err)), -EPERM);
	ASSERT_CONTAINS(err, "needs root");
	ASSERT_FALSE(exists("dmaguard-new"));
}

UNIT_MAIN()
