// SPDX-License-Identifier: GPL-2.0
/*
 * The pin directory: what a complete enforcement leaves in it, locking,
 * whether what is there may be reused, and taking it all away (unload).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include "bpf_objects.h"
#include "gates.h"
#include "pindir.h"
#include "util.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* Unpin everything in DIR/SUB and remove it; 0 or -errno. */
static int remove_subdir(const char *dir, const char *sub)
{
	char path[PATH_MAX], subdir[PATH_MAX];
	struct dirent *de;
	int r = 0;
	DIR *d;

	pathf(subdir, sizeof(subdir), "%s/%s", dir, sub);
	d = opendir(subdir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		pathf(path, sizeof(path), "%s/%s", subdir, de->d_name);
		if (unlink(path) && !r)
			r = -errno;
	}
	closedir(d);
	if (rmdir(subdir) && errno != ENOENT && !r)
		r = -errno;
	return r;
}

/*
 * Remove DIR's pins and DIR itself: links/ first (the gates' programs stay
 * loaded until their links go), then progs/, then every other entry, so
 * that the pins of any format, older or newer, go: bpffs holds nothing but
 * pins and directories of them.
 */
int pindir_remove(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	int r, e;
	DIR *d;

	r = remove_subdir(dir, "links");
	e = remove_subdir(dir, "progs");
	if (e && !r)
		r = e;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		pathf(path, sizeof(path), "%s/%s", dir, de->d_name);
		e = de->d_type == DT_DIR ? remove_subdir(dir, de->d_name) :
		    unlink(path) ? -errno : 0;
		if (e && !r)
			r = e;
	}
	if (d)
		closedir(d);
	if (rmdir(dir) && errno != ENOENT && !r)
		r = -errno;
	return r;
}

bool pindir_ownership_api(const char *dir)
{
	/* loaded only where the kernel has iommu_device_use_default_domain() */
	return pindir_has(dir, "links", "use_default_domain_exit");
}

static int not_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* What DIR has in force, the attached programs in name order. */
void pindir_list_links(const char *dir, struct load_report *rep)
{
	struct dirent **names = NULL;
	char path[PATH_MAX];
	size_t used = 0;
	int i, n;

	rep->programs[0] = '\0';
	/* the gates' programs are pinned, attached or not: their flavour is the hooks' */
	for (i = 0; i < (int)bpf_n_progs; i++)
		if (bpf_progs[i].kind == PROG_FMOD_RET &&
		    pindir_has(dir, "progs", bpf_progs[i].name))
			rep->hooks = HOOK_FMOD_RET;
	if (pindir_ownership_api(dir))
		rep->ownership_api = true;
	pathf(path, sizeof(path), "%s/links", dir);
	n = scandir(path, &names, not_dot, alphasort);
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (!strcmp(name, "device_claim_exit"))
			rep->device_claims = true;
		if (used < sizeof(rep->programs) - 1)
			used += snprintf(rep->programs + used, sizeof(rep->programs) - used,
					 "%s%s", used ? " " : "", name);
		free(names[i]);
	}
	free(names);
}

int pindir_parent(const char *dir, char *buf, size_t len)
{
	char *slash;

	if (pathf(buf, len, "%s", dir))
		return -1;
	slash = strrchr(buf, '/');
	if (!slash)
		return pathf(buf, len, ".");	/* a name relative to here */
	slash[slash == buf] = '\0';		/* "/name": the parent is "/" */
	return 0;
}

/*
 * One streaming daemon per pin directory: it holds a lock on DIR/links for
 * as long as it runs (and the kernel drops it when the daemon dies).
 */
int pindir_claim_stream(int dir_fd, int wait_ms)
{
	int fd, waited = 0;

	fd = openat(dir_fd, "links", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (waited >= wait_ms) {
			close(fd);
			return -1;	/* not ours: nothing of the other daemon's is touched */
		}
		usleep(10000);
		waited += 10;
	}
	return fd;
}

bool pindir_stream_running(int dir_fd)
{
	int fd = pindir_claim_stream(dir_fd, 0);

	if (fd < 0)
		return true;
	close(fd);
	return false;
}

bool pindir_has(const char *dir, const char *sub, const char *name)
{
	char path[PATH_MAX];

	return !pathf(path, sizeof(path), "%s/%s/%s", dir, sub, name) && !access(path, F_OK);
}

/*
 * Pinned enforcement is reused only whole: a link for every required
 * program, and the deny hook's program (attached or not, gates.h); the
 * open gate's is there once a policy has needed it (GATES_ON_DEMAND), and
 * then the links of the programs that keep its nodes.
 */
int pindir_check_links(const char *dir, char *err, size_t len)
{
	const char *missing = NULL, *kind = "link";
	unsigned int gates = 0;
	size_t i;

	for (i = 0; i < bpf_n_progs && !missing; i++) {
		const struct prog_def *d = &bpf_progs[i];

		if (d->need == PROG_REQUIRED && !pindir_has(dir, "links", d->name))
			missing = d->name;
		else if (d->gate && pindir_has(dir, "progs", d->name))
			gates |= d->gate;
	}
	for (i = 0; i < bpf_n_progs && !missing; i++) {
		const struct prog_def *d = &bpf_progs[i];

		if (d->gate && !(gates & d->gate) && !(d->gate & GATES_ON_DEMAND)) {
			missing = d->name;
			kind = "program";
		} else if (d->need == PROG_WITH_OPEN_GATE && (gates & GATE_OPEN) &&
			   !pindir_has(dir, "links", d->name)) {
			missing = d->name;
		}
	}
	if (!missing)
		return 0;
	return errf(err, len, -EUCLEAN,
		    "the enforcement pinned in %s is incomplete (no %s %s; an interrupted "
		    "unload, or an older dmaguard?): remove it with 'dmaguard unload' and start again",
		    dir, kind, missing);
}

#define MAX_LINKS 64

/* The id of the program pinned at path, or behind the link pinned there. */
int pindir_link_info(const char *path, struct bpf_link_info *info)
{
	__u32 info_len = sizeof(*info);
	int fd = bpf_obj_get(path), r = 0;

	memset(info, 0, sizeof(*info));
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, info, &info_len))
		r = -errno;
	close(fd);
	return r;
}

static __u32 pinned_prog_id(const char *path, bool is_link)
{
	struct bpf_link_info link;
	struct bpf_prog_info prog = { 0 };
	__u32 id = 0, info_len = sizeof(prog);
	int fd;

	if (is_link)
		return pindir_link_info(path, &link) ? 0 : link.prog_id;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (!bpf_obj_get_info_by_fd(fd, &prog, &info_len))
		id = prog.id;
	close(fd);
	return id;
}

/* The programs pinned in DIR/SUB (links/ or progs/), to see them go after unpinning. */
static size_t pinned_prog_ids(const char *dir, const char *sub, __u32 *ids, size_t n, size_t max)
{
	char subdir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (pathf(subdir, sizeof(subdir), "%s/%s", dir, sub))
		return n;
	d = opendir(subdir);
	if (!d)
		return n;
	while ((de = readdir(d)) && n < max) {
		__u32 id;

		if (de->d_name[0] == '.' || pathf(path, sizeof(path), "%s/%s", subdir, de->d_name))
			continue;
		id = pinned_prog_id(path, !strcmp(sub, "links"));
		if (id)
			ids[n++] = id;
	}
	closedir(d);
	return n;
}

int pindir_wait_gone(int (*fd_by_id)(__u32 id), const __u32 *ids, size_t n, int timeout_ms)
{
	int waited, left = 0;
	size_t i;

	for (waited = 0; waited <= timeout_ms; waited += 10) {
		left = 0;
		for (i = 0; i < n; i++) {
			int fd = fd_by_id(ids[i]);

			if (fd >= 0) {
				close(fd);
				left++;
			}
		}
		if (!left)
			return 0;
		usleep(10000);
	}
	return left;
}

/* Capabilities in the effective set (two 32-bit words). */
static int effective_caps(__u64 *caps)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	*caps = data[0].effective | (__u64)data[1].effective << 32;
	return 0;
}

/* The highest capability the kernel knows (CAP_BPF and CAP_PERFMON came in 5.8). */
static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = CAP_SYS_ADMIN;

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_SYS_ADMIN;
		fclose(f);
	}
	return last;
}

int pindir_privileged(char *err, size_t len)
{
	static const struct { int cap; const char *name; } needed[] = {
		{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },	/* program ids, to see them go */
		{ CAP_PERFMON, "CAP_PERFMON" },		/* fentry/fexit and LSM programs */
		{ CAP_BPF, "CAP_BPF" },
	};
	char missing[64] = "";
	int last = last_cap();
	__u64 caps = 0;
	size_t i;

	if (effective_caps(&caps))
		return 0;	/* the kernel will say */
	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (needed[i].cap <= last && !(caps & (1ull << needed[i].cap)))
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 "%s%s", missing[0] ? ", " : "", needed[i].name);
	if (!missing[0])
		return 0;
	return errf(err, len, -EPERM, "needs root (CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN); "
		    "this process lacks %s", missing);
}

/* Append "; " + message to a warning. */
static void add_warning(char *buf, size_t len, const char *msg)
{
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, "%s%s", used ? "; " : "", msg);
}

size_t pindir_prog_ids(const char *dir, __u32 *ids, size_t max)
{
	size_t n = pinned_prog_ids(dir, "links", ids, 0, max);

	return pinned_prog_ids(dir, "progs", ids, n, max);
}

/*
 * Unpin target (DIR, DIR-old), collecting its programs' ids first to see
 * them go.
 */
int pindir_remove_collecting(const char *target, __u32 *ids, size_t *n, size_t max)
{
	*n = pinned_prog_ids(target, "links", ids, *n, max);
	*n = pinned_prog_ids(target, "progs", ids, *n, max);
	return pindir_remove(target);
}

/* Remove DIR-next and DIR-prev of ours; whether there was one. */
static bool remove_takeover_dirs(const struct pindir *pd, __u32 *ids, size_t *n)
{
	static const char *const suffixes[] = { "-next", "-prev" };
	char name[NAME_MAX + 1], path[PATH_MAX], msg[LOADER_ERR_LEN / 2];
	bool found = false;
	size_t i;

	for (i = 0; i < 2; i++) {
		if (pathf(name, sizeof(name), "%s%s", pd->name, suffixes[i]) ||
		    pathf(path, sizeof(path), "%s%s", pd->path, suffixes[i]) ||
		    pindir_check_tree(pd, name, NULL, msg, sizeof(msg)))
			continue;
		pindir_remove_collecting(path, ids, n, MAX_LINKS);
		found = true;
	}
	return found;
}

/*
 * With the lock held. DIR is first renamed to DIR-old, so an unload that is
 * killed half-way leaves no half-pinned DIR for `run` to reuse; the next
 * unload finishes a DIR-old of ours. A DIR-old someone else made is left
 * alone: DIR is then unpinned where it is (links first; `run` refuses an
 * incomplete DIR), with a warning naming the owner.
 */
static int unload_locked(struct pindir *pd, __u32 *ids, size_t *n, char *warn, size_t wlen,
			 char *err, size_t len)
{
	char old_name[NAME_MAX + 1], old[PATH_MAX], msg[LOADER_ERR_LEN / 2];
	const char *target = pd->path;
	bool finished_old = false;
	int r, old_state, dir_fd;

	if (pathf(old_name, sizeof(old_name), "%s-old", pd->name) ||
	    pathf(old, sizeof(old), "%s-old", pd->path))
		return errf(err, len, -ENAMETOOLONG, "pin directory name too long: %s", pd->path);
	r = pindir_check_tree(pd, pd->name, NULL, err, len);
	if (r && r != -ENOENT)
		return r;	/* not ours: neither unpinned nor removed */
	/* what a killed takeover left (upgrade.c) goes too */
	finished_old = remove_takeover_dirs(pd, ids, n);
	old_state = pindir_check_tree(pd, old_name, NULL, msg, sizeof(msg));
	if (old_state && old_state != -ENOENT)
		add_warning(warn, wlen, msg);
	if (!old_state) {
		old_state = pindir_remove_collecting(old, ids, n, MAX_LINKS);
		if (old_state)
			return errf(err, len, old_state, "cannot remove %s: %s", old,
				    strerror(-old_state));
		old_state = -ENOENT;
		finished_old = true;
	}
	if (r == -ENOENT)
		return finished_old ? 0 : errf(err, len, -ENOENT, "nothing is pinned at %s", pd->path);
	/* wait for a reload in progress: it holds DIR's own lock (DIR is ours, 0700) */
	dir_fd = openat(pd->parent_fd, pd->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir_fd >= 0)
		flock(dir_fd, LOCK_EX);
	if (old_state == -ENOENT &&
	    !renameat2(pd->parent_fd, pd->name, pd->parent_fd, old_name, RENAME_NOREPLACE))
		target = old;
	else if (old_state == -ENOENT)
		add_warning(warn, wlen, "could not rename it aside; unpinned it in place");
	if (dir_fd >= 0)
		close(dir_fd);
	r = pindir_remove_collecting(target, ids, n, MAX_LINKS);
	if (r)
		return errf(err, len, r, "cannot remove %s: %s", target, strerror(-r));
	return 0;
}

int pindir_unload(const char *dir, char *err, size_t len)
{
	char warn[LOADER_ERR_LEN] = "";
	__u32 ids[MAX_LINKS];
	struct pindir pd;
	size_t n = 0;
	int r;

	r = pindir_privileged(err, len);
	if (r)
		return r;
	r = pindir_open(&pd, dir, err, len);
	if (r == -ENOENT)
		return errf(err, len, -ENOENT, "nothing is pinned at %s", dir);
	if (r)
		return r;
	r = pindir_lock(&pd, PINDIR_LOCK_WAIT_MS, err, len);
	if (!r)
		r = unload_locked(&pd, ids, &n, warn, sizeof(warn), err, len);
	pindir_close(&pd);
	if (r)
		return r;
	/* detaching completes after the last reference goes, which the kernel
	 * may defer past our unlink */
	r = pindir_wait_gone(bpf_prog_get_fd_by_id, ids, n, 5000);
	if (r)
		return errf(err, len, -EBUSY,
			    "unpinned %s, but %d of dmaguard's programs are still loaded after 5 s "
			    "(another process holds them)", dir, r);
	snprintf(err, len, "%s", warn);
	return 0;
}
