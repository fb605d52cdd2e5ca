/* A tiny TAP unit-test harness. Each TEST prints "ok N - name" or
 * "not ok N - name", with "# expected ..., saw ..." lines for each failed
 * check, and main returns non-zero when any test failed.
 *
 *   TEST(parses_numbers) { EXPECT_INT(parse("12"), 12); }
 *   UNIT_MAIN(parses_numbers, ...)
 */
#ifndef LXCMGR_TESTS_UNIT_H
#define LXCMGR_TESTS_UNIT_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_current_failed;
static int unit_any_failed;

#define TEST(name) static void name(void)

#define EXPECT(cond, ...)                                                            \
	do {                                                                         \
		if (!(cond)) {                                                       \
			unit_current_failed = 1;                                     \
			printf("# %s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__);                                         \
			printf("\n");                                                \
		}                                                                    \
	} while (0)

#define EXPECT_INT(actual, expected)                                                    \
	do {                                                                            \
		long long a_ = (long long)(actual), e_ = (long long)(expected);         \
		EXPECT(a_ == e_, "expected %s = %lld, saw %lld", #actual, e_, a_);      \
	} while (0)

#define EXPECT_STR(actual, expected)                                                       \
	do {                                                                               \
		const char *a_ = (actual), *e_ = (expected);                               \
		EXPECT(a_ && e_ && strcmp(a_, e_) == 0, "expected %s = \"%s\", saw \"%s\"", \
		       #actual, e_ ? e_ : "(null)", a_ ? a_ : "(null)");                   \
	} while (0)

#define EXPECT_CONTAINS(haystack, needle)                                                  \
	do {                                                                               \
		const char *h_ = (haystack), *n_ = (needle);                               \
		EXPECT(h_ && strstr(h_, n_), "expected %s to contain \"%s\", saw \"%s\"",  \
		       #haystack, n_, h_ ? h_ : "(null)");                                 \
	} while (0)

#ifdef UNIT_TOP_SRCDIR
/* The source tree: $top_srcdir (tests/run and make check set it), else
 * the one the test was built from, so that it runs from any directory. */
static inline const char *unit_srcdir(void)
{
	const char *top = getenv("top_srcdir");

	return top && *top ? top : UNIT_TOP_SRCDIR;
}
#endif

typedef void (*unit_fn)(void);

static inline int unit_run(const char *names, unit_fn *fns, size_t n)
{
	char *copy = strdup(names);
	char *save = NULL;
	char *name = strtok_r(copy, ", \t\n", &save);

	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		unit_current_failed = 0;
		fns[i]();
		printf("%s %zu - %s\n", unit_current_failed ? "not ok" : "ok", i + 1,
		       name ? name : "?");
		fflush(stdout);
		unit_any_failed |= unit_current_failed;
		name = strtok_r(NULL, ", \t\n", &save);
	}
	free(copy);
	return unit_any_failed ? 1 : 0;
}

#define UNIT_MAIN(...)                                                     \
	int main(void)                                                     \
	{                                                                  \
		unit_fn fns_[] = { __VA_ARGS__ };                          \
		return unit_run(#__VA_ARGS__, fns_, sizeof(fns_) / sizeof(fns_[0])); \
	}

#endif
