// SPDX-License-Identifier: GPL-2.0
/*
 * Names of users and groups, read from the files themselves rather than
 * through getpwnam_r(): the binary is static, and glibc's NSS would dlopen
 * modules of another glibc, or none in the initramfs. A policy must mean
 * the same at boot as later, so only the local files count; a name served
 * by LDAP or sssd is written as its number.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idname.h"
#include "util.h"

static int read_db(struct idname_db *db)
{
	struct stat st;
	ssize_t n;
	int fd, err = 0;

	fd = open(db->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		goto out;
	}
	if (st.st_size > IDNAME_MAX_BYTES) {
		err = -EFBIG;
		goto out;
	}
	db->text = malloc((size_t)st.st_size + 1);
	if (!db->text) {
		err = -ENOMEM;
		goto out;
	}
	n = read_full(fd, db->text, (size_t)st.st_size);
	if (n < 0) {
		err = -errno;
		goto out;
	}
	db->len = (size_t)n;
	db->text[n] = '\0';
out:
	close(fd);
	return err;
}

/* Decimal id up to ':' (or the line's end): 0..4294967294, else -EINVAL. */
static int parse_field_id(const char *s, const char *end, __u32 *id)
{
	unsigned long long v = 0;
	const char *c;

	for (c = s; c < end && *c != ':'; c++) {
		if (*c < '0' || *c > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*c - '0');
		if (v >= 0xffffffffull)
			return -EINVAL;
	}
	if (c == s)
		return -EINVAL;
	*id = (__u32)v;
	return 0;
}

/* The id of line [s, end) if its name is name: 0, else IDNAME_NONE. */
static int match_line(const char *s, const char *end, const char *name, size_t len,
		      __u32 *id)
{
	const char *f;

	if ((size_t)(end - s) <= len || memcmp(s, name, len) || s[len] != ':')
		return IDNAME_NONE;
	f = memchr(s + len + 1, ':', (size_t)(end - s - len - 1));	/* after the password */
	if (!f)
		return IDNAME_NONE;
	return parse_field_id(f + 1, end, id) ? IDNAME_NONE : 0;
}

int idname_lookup(struct idname_db *db, const char *name, size_t len, __u32 *id)
{
	const char *s, *end, *nl;

	if (!db->loaded) {
		db->err = read_db(db);
		db->loaded = true;
	}
	if (db->err)
		return db->err;
	end = db->text + db->len;
	for (s = db->text; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		if (!match_line(s, nl, name, len, id))
			return 0;
	}
	return IDNAME_NONE;
}

void idname_db_free(struct idname_db *db)
{
	free(db->text);
	db->text = NULL;
	db->len = 0;
	db->loaded = false;
	db->err = 0;
}
