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
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "cli.h"
#include "pindir.h"
#include "util.h"

/* Maps userspace uses; the rest is private to the programs. */
const char *const pindir_maps[PINDIR_N_MAPS] = {
	"policy", "rules", "config", "stats", "groups", "nodes", "events",
};

/* Programs enforcement cannot do without. */
const char *const pindir_required[PINDIR_N_REQUIRED] = {
	"probe_enter", "probe_exit", "unbind_exit", "device_add_exit", "device_del_enter",
};

/* Remove DIR's pins (links/ and the maps) and DIR itself. */
int pindir_remove(const char *dir)
{
	char path[PATH_MAX], links[PATH_MAX];
	struct dirent *de;
	DIR *d;
	size_t i;
	int r = 0;

	pathf(links, sizeof(links), "%s/links", dir);
	d = opendir(links);
	if (d) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			pathf(path, sizeof(path), "%s/%s", links, de->d_name);
			if (unlink(path) && !r)
				r = -errno;
		}
		closedir(d);
		if (rmdir(links) && errno != ENOENT && !r)
			r = -errno;
	}
	for (i = 0; i < PINDIR_N_MAPS; i++) {
		pathf(path, sizeof(path), "%s/%s", dir, pindir_maps[i]);
		if (unlink(path) && errno != ENOENT && !r)
			r = -errno;
	}
	if (rmdir(dir) && errno != ENOENT && !r)
		r = -errno;
	return r;
}

void pindir_list_links(const char *dir, struct load_report *rep)
{
	char path[PATH_MAX];
	struct dirent *de;
	size_t used = 0;
	DIR *d;

	pathf(path, sizeof(path), "%s/links", dir);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && used < sizeof(rep->programs) - 1) {
		if (de->d_name[0] == '.')
			continue;
		if (!strncmp(de->d_name, "fmod_", 5))
			rep->hooks = HOOK_FMOD_RET;
		if (!strcmp(de->d_name, "use_default_domain_exit"))
			rep->ownership_api = true;
		if (!strcmp(de->d_name, "device_claim_exit"))
			rep->device_claims = true;
		used += snprintf(rep->programs + used, sizeof(rep->programs) - used, "%s%s",
				 used ? " " : "", de->d_name);
	}
	closedir(d);
}

int pindir_parent(const char *dir, char *buf, size_t len)
{
	char *slash;

	if (pathf(buf, len, "%s", dir))
		return -1;
	slash = strrchr(buf, '/');
	if (slash && slash != buf)
		*slash = '\0';
	return 0;
}

/*
 * Loads and unloads of a pin directory are serialised by a lock on its
 * parent (two `run`s starting together would share DIR-new). Best effort:
 * without the parent, the kernel checks report what is missing.
 */
int pindir_lock(const char *dir)
{
	char parent[PATH_MAX];
	int fd;

	if (pindir_parent(dir, parent, sizeof(parent)))
		return -1;
	fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && flock(fd, LOCK_EX)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

void pindir_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

static bool link_pinned(const char *dir, const char *name)
{
	char path[PATH_MAX];

	return !pathf(path, sizeof(path), "%s/links/%s", dir, name) && !access(path, F_OK);
}

/* Pinned enforcement is reused only whole: every required program and both hooks. */
int pindir_check_links(const char *dir, char *err, size_t len)
{
	const char *missing = NULL;
	size_t i;

	for (i = 0; i < PINDIR_N_REQUIRED; i++)
		if (!link_pinned(dir, pindir_required[i]))
			missing = pindir_required[i];
	if (!link_pinned(dir, "lsm_kernfs") && !link_pinned(dir, "fmod_kernfs"))
		missing = "lsm_kernfs";
	if (!link_pinned(dir, "lsm_file_open") && !link_pinned(dir, "fmod_file_open"))
		missing = "lsm_file_open";
	if (!missing)
		return 0;
	return errf(err, len, EXIT_VIOLATIONS,
		    "the enforcement pinned in %s is incomplete (no link %s; an interrupted "
		    "unload?): remove it with 'dmaguard unload' and start again", dir, missing);
}

#define MAX_LINKS 64

/* The programs behind DIR's pinned links, to see them go after unpinning. */
static size_t pinned_prog_ids(const char *dir, __u32 *ids, size_t max)
{
	char links[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (pathf(links, sizeof(links), "%s/links", dir))
		return 0;
	d = opendir(links);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		struct bpf_link_info info = { 0 };
		__u32 info_len = sizeof(info);
		int fd;

		if (de->d_name[0] == '.' || pathf(path, sizeof(path), "%s/%s", links, de->d_name))
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &info_len))
			ids[n++] = info.prog_id;
		close(fd);
	}
	closedir(d);
	return n;
}

/* Wait until none of the programs is loaded: detaching completes after the
 * last reference goes, which the kernel may defer past our unlink. */
static int wait_programs_gone(const __u32 *ids, size_t n)
{
	int tries, left = 0;
	size_t i;

	for (tries = 0; tries < 250; tries++) {
		left = 0;
		for (i = 0; i < n; i++) {
			int fd = bpf_prog_get_fd_by_id(ids[i]);

			if (fd >= 0) {
				close(fd);
				left++;
			}
		}
		if (!left)
			return 0;
		usleep(20000);
	}
	return left;
}

/*
 * Detach and unpin. DIR is first renamed to DIR-old, so an unload that is
 * killed half-way leaves no half-pinned DIR for `run` to reuse; the next
 * unload finishes DIR-old.
 */
int pindir_unload(const char *dir, char *err, size_t len)
{
	char old[PATH_MAX];
	__u32 ids[MAX_LINKS];
	int r = 0, lock;
	size_t n = 0;

	if (pathf(old, sizeof(old), "%s-old", dir))
		return errf(err, len, -1, "pin directory name too long: %s", dir);
	lock = pindir_lock(dir);
	if (!access(dir, F_OK)) {
		pindir_remove(old);
		if (rename(dir, old))
			r = -errno;
	} else if (access(old, F_OK)) {
		pindir_unlock(lock);
		return errf(err, len, -1, "nothing is pinned at %s", dir);
	}
	if (!r) {
		n = pinned_prog_ids(old, ids, MAX_LINKS);
		r = pindir_remove(old);
	}
	pindir_unlock(lock);
	if (r)
		return errf(err, len, -1, "cannot remove %s: %s", dir, strerror(-r));
	r = wait_programs_gone(ids, n);
	if (r)
		return errf(err, len, -1,
			    "unpinned %s, but %d of dmaguard's programs are still loaded after 5 s "
			    "(another process holds them)", dir, r);
	return 0;
}
