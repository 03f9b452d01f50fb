/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal unit-test harness. Each test file defines tests with TEST(name)
 * and ends with UNIT_MAIN(). Every test runs in a forked child, so a crash or
 * a sanitizer report fails that test alone. Output: one line per test
 * ("ok NAME", "FAIL NAME", "SKIP NAME: reason"), then
 * "N passed, N failed, N skipped". A test that cannot run here (no bpffs,
 * not root) calls UNIT_SKIP(reason): a skip is never counted as a pass.
 */
#ifndef DMAGUARD_UNIT_H
#define DMAGUARD_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

#define UNIT_MAX_TESTS 512
extern struct unit_test unit_tests[UNIT_MAX_TESTS];
extern int unit_n_tests;
extern const char *unit_current;	/* the running test's name */

#define TEST(name)							\
	static void test_##name(void);					\
	__attribute__((constructor)) static void register_##name(void)	\
	{								\
		if (unit_n_tests < UNIT_MAX_TESTS)			\
			unit_tests[unit_n_tests++] =			\
				(struct unit_test){ #name, test_##name }; \
	}								\
	static void test_##name(void)

#define UNIT_FAIL(...)							\
	do {								\
		fprintf(stderr, "    %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		exit(1);						\
	} while (0)

/* The child's exit code for a skipped test (as automake's and systemd's 77). */
#define UNIT_SKIP_CODE 77

#define UNIT_SKIP(...)							\
	do {								\
		printf("SKIP %s: ", unit_current);			\
		printf(__VA_ARGS__);					\
		putchar('\n');						\
		fflush(stdout);						\
		exit(UNIT_SKIP_CODE);					\
	} while (0)

#define ASSERT_TRUE(c)							\
	do { if (!(c)) UNIT_FAIL("expected true: %s", #c); } while (0)
#define ASSERT_FALSE(c)							\
	do { if (c) UNIT_FAIL("expected false: %s", #c); } while (0)
#define ASSERT_EQ(a, b)							\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b)						\
			UNIT_FAIL("%s == %s: %lld != %lld", #a, #b, _a, _b); \
	} while (0)
#define ASSERT_STREQ(a, b)						\
	do {								\
		const char *_a = (a), *_b = (b);			\
		if (!_a || !_b || strcmp(_a, _b))			\
			UNIT_FAIL("%s == %s:\n      got      \"%s\"\n      expected \"%s\"", \
				  #a, #b, _a ? _a : "(null)", _b ? _b : "(null)"); \
	} while (0)
#define ASSERT_CONTAINS(hay, needle)					\
	do {								\
		const char *_h = (hay), *_n = (needle);			\
		if (!_h || !strstr(_h, _n))				\
			UNIT_FAIL("%s contains \"%s\":\n      got \"%s\"", \
				  #hay, _n, _h ? _h : "(null)");		\
	} while (0)

#define UNIT_MAIN()							\
	struct unit_test unit_tests[UNIT_MAX_TESTS];			\
	int unit_n_tests;						\
	const char *unit_current;					\
	int main(int argc, char **argv)					\
	{								\
		int i, passed = 0, failed = 0, skipped = 0, status;	\
		for (i = 0; i < unit_n_tests; i++) {			\
			pid_t pid;					\
			if (argc > 1 && !strstr(unit_tests[i].name, argv[1])) \
				continue;				\
			fflush(stdout);					\
			pid = fork();					\
			if (pid == 0) {					\
				unit_current = unit_tests[i].name;	\
				unit_tests[i].fn();			\
				exit(0);				\
			}						\
			waitpid(pid, &status, 0);			\
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0) { \
				printf("ok %s\n", unit_tests[i].name);	\
				passed++;				\
			} else if (WIFEXITED(status) &&			\
				   WEXITSTATUS(status) == UNIT_SKIP_CODE) { \
				skipped++;				\
			} else {					\
				printf("FAIL %s\n", unit_tests[i].name); \
				failed++;				\
			}						\
		}							\
		printf("%d passed, %d failed, %d skipped\n", passed, failed, \
		       skipped);					\
		return failed ? 1 : 0;					\
	}

#endif
