// SPDX-License-Identifier: GPL-2.0
/*
 * What identifies a loaded policy (struct policy's sha256, size and path,
 * which become the pinned policy_info): the SHA-256 of exactly the bytes
 * parsed, and the file the kernel opened, whatever link led to it.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pinned.h"
#include "policy.h"
#include "sha256.h"
#include "tmp_tree.h"
#include "unit.h"

static const char text[] = "mode audit\ndefault bind deny\nallow bind driver=e1000\n";

static struct policy *load(const char *path)
{
	struct policy *p = calloc(1, sizeof(*p));
	char err[POLICY_ERR_LEN];

	if (!p)
		UNIT_FAIL("out of memory");
	if (policy_load_draft(path, p, NULL, 0, err, sizeof(err)))
		UNIT_FAIL("%s", err);
	return p;
}

TEST(hash_and_size_are_those_of_the_bytes_parsed)
{
	unsigned char want[SHA256_LEN];
	struct policy *p;

	tree_setup("dg-info");
	make_file(at("policy.conf"), text, 0644);
	p = load(at("policy.conf"));
	sha256_buf(text, strlen(text), want);
	ASSERT_EQ(memcmp(p->sha256, want, sizeof(want)), 0);
	ASSERT_EQ(p->size, strlen(text));
	ASSERT_EQ(p->hdr.n_rules, 1);
	free(p);
}

TEST(path_is_the_file_opened_not_the_link)
{
	char real[PATH_MAX];
	struct policy *p;

	tree_setup("dg-info");
	make_file(at("real.conf"), text, 0644);
	make_link("real.conf", at("link.conf"));
	if (!realpath(at("real.conf"), real))
		UNIT_FAIL("realpath: %s", strerror(errno));
	p = load(at("link.conf"));
	ASSERT_STREQ(p->path, real);
	ASSERT_STREQ(p->hdr.source + strlen(p->hdr.source) - strlen("link.conf"), "link.conf");
	free(p);
}

TEST(parse_alone_identifies_nothing)
{
	struct policy *p = calloc(1, sizeof(*p));
	static const unsigned char zero[SHA256_LEN];
	char err[POLICY_ERR_LEN];

	ASSERT_TRUE(p != NULL);
	memset(p->sha256, 0xff, sizeof(p->sha256));
	ASSERT_EQ(policy_parse("x.conf", text, strlen(text), p, err, sizeof(err)), 0);
	ASSERT_EQ(memcmp(p->sha256, zero, sizeof(zero)), 0);
	ASSERT_EQ(p->size, 0);
	ASSERT_STREQ(p->path, "");
	free(p);
}

TEST(pinned_entry_carries_the_policy_and_generation)
{
	struct dg_policy_info info;
	struct policy *p;
	struct timespec before, after;

	tree_setup("dg-info");
	make_file(at("policy.conf"), text, 0644);
	p = load(at("policy.conf"));
	clock_gettime(CLOCK_REALTIME, &before);
	pinned_policy_info(p, 7, &info);
	clock_gettime(CLOCK_REALTIME, &after);
	ASSERT_EQ(info.generation, 7);
	ASSERT_EQ(info.size, strlen(text));
	ASSERT_EQ(memcmp(info.sha256, p->sha256, SHA256_LEN), 0);
	ASSERT_STREQ(info.path, p->path);
	ASSERT_TRUE(info.loaded_ns >= (__u64)before.tv_sec * 1000000000ull);
	ASSERT_TRUE(info.loaded_ns <= (__u64)(after.tv_sec + 1) * 1000000000ull);
	free(p);
}

UNIT_MAIN()
