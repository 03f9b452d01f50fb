// SPDX-License-Identifier: GPL-2.0
/*
 * Who opens: uid=/gid= names resolved from passwd and group files, and the
 * cgroup= and exe= paths, parsed and matched (the matcher is the one the
 * open gate runs).
 */
#include <stdio.h>

#include "policy_text.h"
#include "match.h"

static char dir[] = "/tmp/dg-ident-XXXXXX";
static char passwd[64], group[64];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		UNIT_FAIL("cannot write %s", path);
}

/* Files in the format of the real ones, with the traps a parser can fall in. */
static void id_files(void)
{
	if (!mkdtemp(dir))
		UNIT_FAIL("mkdtemp");
	snprintf(passwd, sizeof(passwd), "%s/passwd", dir);
	snprintf(group, sizeof(group), "%s/group", dir);
	write_file(passwd,
		   "root:x:0:0:root:/root:/bin/bash\n"
		   "libvirt-qemu:x:64055:108:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n"
		   "libvirt:x:1:1:a prefix of the name above\n"
		   "bad:x:notanumber:0::/:/bin/sh\n"
		   "twice:x:501:501::/:/bin/sh\n"
		   "twice:x:502:502::/:/bin/sh\n"
		   "machine$:x:70:70::/:/bin/sh\n"
		   "last:x:4242:4242::/:/bin/sh");	/* no final newline */
	write_file(group, "root:x:0:\nkvm:x:104:libvirt-qemu\nlibvirt-qemu:x:108:\n");
	policy_set_id_files(passwd, group);
}

static void remove_files(void)
{
	unlink(passwd);
	unlink(group);
	rmdir(dir);
	policy_set_id_files(NULL, NULL);
}

#define ERR_IS(text, expected)						\
	do {								\
		ASSERT_EQ(parse(text), -1);				\
		ASSERT_STREQ(err, expected);				\
	} while (0)

/* --- uid= and gid= names -------------------------------------------------- */

TEST(names_resolve_from_the_files)
{
	id_files();
	PARSE_OK("allow open uid=libvirt-qemu gid=kvm\n"
		 "allow open uid=root gid=libvirt-qemu\n"
		 "allow open uid=last\n"
		 "allow open uid=machine$\n"
		 "allow open uid=107 gid=0\n");
	remove_files();
	ASSERT_EQ(pol.rules[0].uid, 64055);
	ASSERT_EQ(pol.rules[0].gid, 104);
	ASSERT_EQ(pol.rules[0].match, DG_M_UID | DG_M_GID);
	ASSERT_EQ(pol.rules[1].uid, 0);
	ASSERT_EQ(pol.rules[1].gid, 108);
	ASSERT_EQ(pol.rules[2].uid, 4242);
	ASSERT_EQ(pol.rules[3].uid, 70);
	ASSERT_EQ(pol.rules[4].uid, 107);
}

TEST(first_entry_of_a_name_wins)
{
	id_files();
	PARSE_OK("allow open uid=twice\n");
	remove_files();
	ASSERT_EQ(pol.rules[0].uid, 501);
}

/* text fails at "policy.conf:WHERE" with an unknown user (uid) or group name */
static void expect_unknown(const char *text, const char *where, const char *name, bool user)
{
	char want[256];

	snprintf(want, sizeof(want), "policy.conf:%s: unknown %s '%s' in %s "
		 "(expected a %s 0 to 4294967294 or a %s name)", where, user ? "user" : "group",
		 name, user ? passwd : group, user ? "uid" : "gid", user ? "user" : "group");
	ASSERT_EQ(parse(text), -1);
	ASSERT_STREQ(err, want);
}

TEST(prefix_of_a_name_is_not_the_name)
{
	id_files();
	PARSE_OK("allow open uid=libvirt\n");
	ASSERT_EQ(pol.rules[0].uid, 1);
	expect_unknown("deny open uid=libvirt-q\n", "1:15", "libvirt-q", true);
	remove_files();
}

TEST(unknown_names_are_refused_at_their_place)
{
	id_files();
	expect_unknown("default open deny\n\nallow open group=5 uid=nosuch\n", "3:24", "nosuch",
		       true);
	expect_unknown("allow open gid=libvirt\n", "1:16", "libvirt", false);
	/* an entry whose id is not a number is no entry */
	expect_unknown("allow open uid=bad\n", "1:16", "bad", true);
	remove_files();
}

TEST(unreadable_passwd_is_an_error_at_the_name)
{
	policy_set_id_files("/nonexistent/passwd", NULL);
	ERR_IS("allow open uid=0\nallow open uid=qemu\n",
	       "policy.conf:2:16: cannot read /nonexistent/passwd for uid 'qemu': "
	       "No such file or directory (expected a uid 0 to 4294967294 or a user name)");
	/* numbers never read the file */
	PARSE_OK("allow open uid=64055 gid=108\n");
}

TEST(bad_characters_in_a_name)
{
	ERR_IS("allow open uid=qemu:x\n",
	       "policy.conf:1:20: bad character ':' in uid name 'qemu:x' "
	       "(expected a uid 0 to 4294967294 or a user name)");
	ERR_IS("allow open gid=-kvm\n",
	       "policy.conf:1:16: bad character '-' in gid name '-kvm' "
	       "(expected a gid 0 to 4294967294 or a group name)");
	ERR_IS("allow open uid=qemu*\n",
	       "policy.conf:1:20: bad character '*' in uid name 'qemu*' "
	       "(expected a uid 0 to 4294967294 or a user name)");
}

static char seen[512];

static void note(const char *file, const char *where, const char *attr, const char *name,
		 int len, __u32 id)
{
	size_t n = strlen(seen);

	snprintf(seen + n, sizeof(seen) - n, "%s:%s %s=%.*s %u;", file, where, attr, len, name, id);
}

TEST(each_resolved_name_is_reported)
{
	id_files();
	policy_on_name(note);
	PARSE_OK("allow open uid=libvirt-qemu gid=kvm\nallow open uid=0\n");
	policy_on_name(NULL);
	remove_files();
	ASSERT_STREQ(seen, "policy.conf:1:16 uid=libvirt-qemu 64055;policy.conf:1:33 gid=kvm 104;");
}

/* --- cgroup= and exe= ----------------------------------------------------- */

TEST(paths_exact_and_prefix)
{
	PARSE_OK("allow open cgroup=/machine.slice/* exe=/usr/bin/qemu-system-x86_64\n"
		 "allow open cgroup=/qemu.slice/100.scope exe=/usr/libexec/*\n"
		 "allow open cgroup=/\n"
		 "allow open exe=/*\n"
		 "allow open exe=/usr/bin/qemu*\n");
	ASSERT_STREQ(pol.rules[0].cgroup, "/machine.slice/");
	ASSERT_STREQ(pol.rules[0].exe, "/usr/bin/qemu-system-x86_64");
	ASSERT_EQ(pol.rules[0].match, DG_M_CGROUP | DG_M_EXE);
	ASSERT_EQ(pol.rules[0].prefix, DG_P_CGROUP);
	ASSERT_EQ(pol.rules[1].prefix, DG_P_EXE);
	ASSERT_STREQ(pol.rules[2].cgroup, "/");
	ASSERT_EQ(pol.rules[2].prefix, 0);
	ASSERT_STREQ(pol.rules[3].exe, "/");
	ASSERT_EQ(pol.rules[3].prefix, DG_P_EXE);
	ASSERT_STREQ(pol.rules[4].exe, "/usr/bin/qemu");
}

static void note_path(const char *file, const char *where, const char *attr, const char *path,
		      int len, bool prefix)
{
	size_t n = strlen(seen);

	snprintf(seen + n, sizeof(seen) - n, "%s:%s %s=%.*s%s;", file, where, attr, len, path,
		 prefix ? " prefix" : "");
}

/* check resolves what an exe= names on the host: it is given each, without the '*' */
TEST(each_exe_path_is_reported)
{
	seen[0] = '\0';
	policy_on_path(note_path);
	PARSE_OK("allow open exe=/usr/bin/kvm cgroup=/machine.slice/*\n"
		 "allow open exe=/bin/qemu*\n");
	policy_on_path(NULL);
	ASSERT_STREQ(seen, "policy.conf:1:16 exe=/usr/bin/kvm;policy.conf:2:16 exe=/bin/qemu prefix;");
}

TEST(paths_that_never_match_are_refused)
{
	ERR_IS("allow open exe=qemu\n",
	       "policy.conf:1:16: exe 'qemu' is not an absolute path "
	       "(expected an absolute executable path, '*' at the end for a prefix)");
	ERR_IS("allow open cgroup=/machine.slice//x\n",
	       "policy.conf:1:34: cgroup '/machine.slice//x' has an empty, '.' or '..' component "
	       "(expected a cgroup v2 path such as /machine.slice/, '*' at the end for a prefix)");
	ERR_IS("allow open exe=/usr/bin/../sbin/x\n",
	       "policy.conf:1:25: exe '/usr/bin/../sbin/x' has an empty, '.' or '..' component "
	       "(expected an absolute executable path, '*' at the end for a prefix)");
	ERR_IS("allow open cgroup=/machine.slice/\n",
	       "policy.conf:1:34: cgroup '/machine.slice/' has an empty, '.' or '..' component "
	       "(expected a cgroup v2 path such as /machine.slice/, '*' at the end for a prefix)");
	ERR_IS("allow open exe=/usr/./bin*\n",
	       "policy.conf:1:21: exe '/usr/./bin*' has an empty, '.' or '..' component "
	       "(expected an absolute executable path, '*' at the end for a prefix)");
	ERR_IS("allow open exe=/usr*/bin\n",
	       "policy.conf:1:20: '*' in the middle of exe '/usr*/bin' "
	       "(expected '*' only at the end, for a prefix)");
	ERR_IS("deny bind exe=/usr/bin/x\n",
	       "policy.conf:1:11: attribute 'exe' is for open rules, not bind rules "
	       "(expected device, id, class, group, driver, dma)");
}

/* "/" then n - 1 letters: a path of n bytes */
static void long_path(char *buf, int n)
{
	buf[0] = '/';
	memset(buf + 1, 'a', (size_t)n - 1);
	buf[n] = '\0';
}

TEST(path_length_limit_leaves_room_for_a_cut_path)
{
	char line[512], path[DG_EXE_LEN + 8];

	long_path(path, DG_EXE_LEN - 2);
	snprintf(line, sizeof(line), "allow open exe=%s\n", path);
	PARSE_OK(line);
	long_path(path, DG_EXE_LEN - 1);
	snprintf(line, sizeof(line), "allow open exe=%s*\n", path);
	ASSERT_EQ(parse(line), -1);
	ASSERT_CONTAINS(err, "is 127 characters long (expected at most 126)");
}

/* --- matching -------------------------------------------------------------- */

static struct dg_open_subject opener(const char *cgroup, const char *exe)
{
	struct dg_open_subject s = { .group = 5, .uid = 64055, .gid = 108, .kind = DG_NODE_GROUP };

	memcpy(s.comm, "qemu-system-x86", sizeof(s.comm));
	strncpy(s.cgroup, cgroup, sizeof(s.cgroup) - 1);
	strncpy(s.exe, exe, sizeof(s.exe) - 1);
	return s;
}

static int line_of(const struct dg_open_subject *s)
{
	const struct dg_rule *r = NULL;
	__u8 reason;

	policy_eval_open(&pol, s, &r, &reason);
	return r ? (int)r->line : 0;
}

TEST(cgroup_and_exe_match_exactly_or_as_prefix)
{
	struct dg_open_subject vm = opener("/machine.slice/machine-qemu\\x2d1\\x2dvm.scope/libvirt/emulator",
					   "/usr/bin/qemu-system-x86_64");
	struct dg_open_subject pve = opener("/qemu.slice/100.scope", "/usr/bin/kvm");
	struct dg_open_subject renamed = opener("/user.slice/user-1000.slice/session-1.scope",
						"/home/user/qemu-system-x86_64");

	PARSE_OK("default open deny\n"
		 "allow open cgroup=/machine.slice/* exe=/usr/bin/qemu-system-x86_64\n"
		 "allow open cgroup=/qemu.slice/100.scope\n"
		 "audit open exe=/usr/bin/*\n");
	ASSERT_EQ(line_of(&vm), 2);
	ASSERT_EQ(line_of(&pve), 3);
	ASSERT_EQ(line_of(&renamed), 0);	/* the same comm, another executable */
	strcpy(pve.cgroup, "/qemu.slice/100.scope/sub");
	ASSERT_EQ(line_of(&pve), 4);		/* exact is exact */
	strcpy(vm.exe, "/usr/bin/qemu-system-x86_64.new");
	ASSERT_EQ(line_of(&vm), 4);
	vm.exe[0] = '\0';			/* untrusted: no exe rule matches */
	ASSERT_EQ(line_of(&vm), 0);
}

TEST(cut_path_matches_prefixes_only)
{
	char rule[3 * DG_EXE_LEN], path[DG_EXE_LEN + 8];
	struct dg_open_subject s;

	/* the kernel side keeps DG_EXE_LEN - 1 bytes of a longer path */
	long_path(path, DG_EXE_LEN - 1);
	s = opener("/", path);
	ASSERT_EQ(strlen(s.exe), DG_EXE_LEN - 1);
	long_path(path, DG_EXE_LEN - 2);
	snprintf(rule, sizeof(rule), "allow open exe=%s\nallow open exe=%s*\n", path, path);
	PARSE_OK(rule);
	ASSERT_EQ(line_of(&s), 2);
}

UNIT_MAIN()
