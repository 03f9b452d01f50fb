// SPDX-License-Identifier: GPL-2.0
/*
 * The loader on this host's own kernel: where a piece enforcement needs is
 * missing, loader_ensure() must answer -EOPNOTSUPP with a message naming it,
 * and leave nothing pinned. The build machines' kernel refuses fentry and
 * LSM programs, so a full load attempt there is such a case too; on a kernel
 * that accepts them the load test unloads again and says so.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "loader.h"
#include "pindir.h"
#include "unit.h"
#include "util.h"

static struct policy pol;

static char *tmpdir(void)
{
	static char dir[] = "/tmp/dmaguard-loader-XXXXXX";

	if (!mkdtemp(dir))
		UNIT_FAIL("mkdtemp: %s", strerror(errno));
	return dir;
}

TEST(no_bpffs_is_a_missing_kernel_piece)
{
	char pin[256], err[LOADER_ERR_LEN] = "";
	struct load_report rep;
	char *dir = tmpdir();

	snprintf(pin, sizeof(pin), "%s/dmaguard", dir);
	ASSERT_EQ(loader_ensure(pin, &pol, &rep, err, sizeof(err)), -EOPNOTSUPP);
	ASSERT_CONTAINS(err, "is not on a BPF filesystem (mount -t bpf -o mode=0700 bpf /sys/fs/bpf)");
	ASSERT_EQ(access(pin, F_OK), -1);
	rmdir(dir);
}

TEST(pin_dir_name_too_long_is_a_usage_error)
{
	static char pin[5000];
	char err[LOADER_ERR_LEN] = "";
	struct load_report rep;

	memset(pin, 'a', sizeof(pin) - 1);
	pin[0] = '/';
	ASSERT_EQ(loader_ensure(pin, &pol, &rep, err, sizeof(err)), -ENAMETOOLONG);
	ASSERT_CONTAINS(err, "pin directory name too long");
}

TEST(refused_programs_leave_nothing_pinned)
{
	char pin[256], err[LOADER_ERR_LEN] = "";
	struct load_report rep;
	char *dir = tmpdir();
	int code;

	if (geteuid() != 0 || mount("bpf", dir, "bpf", 0, NULL)) {
		int e = geteuid() ? EPERM : errno;

		rmdir(dir);
		UNIT_SKIP("cannot mount a BPF filesystem here (%s)", strerror(e));
	}
	snprintf(pin, sizeof(pin), "%s/dmaguard", dir);
	code = loader_ensure(pin, &pol, &rep, err, sizeof(err));
	if (code == 0) {
		printf("    this kernel accepts dmaguard's programs: nothing refused to test\n");
		ASSERT_EQ(pindir_unload(pin, err, sizeof(err)), 0);
	} else {
		printf("    %s\n", err);
		ASSERT_EQ(code, -EOPNOTSUPP);
		ASSERT_TRUE(strstr(err, "refused") || strstr(err, "BTF") ||
			    strstr(err, "LSM list"));
	}
	ASSERT_EQ(access(pin, F_OK), -1);
	snprintf(pin, sizeof(pin), "%s/dmaguard-new", dir);
	ASSERT_EQ(access(pin, F_OK), -1);
	snprintf(pin, sizeof(pin), "%s/dmaguard-lock", dir);
	ASSERT_EQ(access(pin, F_OK), -1);
	umount(dir);
	rmdir(dir);
}

TEST(pin_dir_names_are_trimmed_and_have_a_parent)
{
	char a[] = "/sys/fs/bpf/dmaguard//", b[] = "/", buf[64];

	ASSERT_STREQ(path_trim(a), "/sys/fs/bpf/dmaguard");
	ASSERT_STREQ(path_trim(b), "/");
	ASSERT_EQ(pindir_parent("/sys/fs/bpf/dmaguard", buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "/sys/fs/bpf");
	ASSERT_EQ(pindir_parent("dmaguard", buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, ".");
	ASSERT_EQ(pindir_parent("/dmaguard", buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "/");
}

UNIT_MAIN()
