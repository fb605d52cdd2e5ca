/* util/str: trimming, splitting, joining, number parsing, edit distance. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "util/cleanup.h"
#include "util/str.h"

/* str_trim works in place; copy the literal first. */
static char *trimmed(char *buf, size_t size, const char *s)
{
	snprintf(buf, size, "%s", s);
	return str_trim(buf);
}

TEST(trim)
{
	char buf[64];

	EXPECT_STR(trimmed(buf, sizeof(buf), "  a b \t\r\n"), "a b");
	EXPECT_STR(trimmed(buf, sizeof(buf), "\t\tx"), "x");
	EXPECT_STR(trimmed(buf, sizeof(buf), "x\r"), "x");
	EXPECT_STR(trimmed(buf, sizeof(buf), ""), "");
	EXPECT_STR(trimmed(buf, sizeof(buf), " \t\r\n "), "");
	EXPECT_STR(trimmed(buf, sizeof(buf), "inner  \t blanks"), "inner  \t blanks");
	/* Only blanks: other control characters and '#' stay. */
	EXPECT_STR(trimmed(buf, sizeof(buf), "\va\v"), "\va\v");
	/* The trailing blanks are cut in the caller's buffer, not copied. */
	char *t = trimmed(buf, sizeof(buf), "ab  ");
	EXPECT(t == buf, "trim without leading blanks returns the buffer itself");
	EXPECT_INT(buf[2], '\0');
}

/* Every entry str_next_entry gives for TEXT, as "LINENO:ENTRY|..." */
static void expect_entries(const char *text, const char *want)
{
	char buf[256], got[256] = "";
	char *cursor = buf, *line;
	unsigned lineno = 0;

	snprintf(buf, sizeof(buf), "%s", text);
	while ((line = str_next_entry(&cursor, &lineno)))
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%u:%s|", lineno, line);
	EXPECT_STR(got, want);
	EXPECT(cursor == NULL, "the cursor is NULL at the end of \"%s\"", text);
}

TEST(next_entry)
{
	expect_entries("a b\nc", "1:a b|2:c|");
	/* Blank lines and comments are counted, not given; entries are trimmed. */
	expect_entries("# head\n\n  x 1 \t\n\t# indented\r\ny\n", "3:x 1|5:y|");
	expect_entries("", "");
	expect_entries("\n\n", "");
	/* '#' starts a comment only at the start of a line. */
	expect_entries("a#b\n", "1:a#b|");
	/* Lines end at \n alone; a \r before it is trimmed. */
	expect_entries("a\r\nb\r\n", "1:a|2:b|");
}

static void expect_split(const char *s, const char *seps, const char *const *want)
{
	cleanup_strv char **v = str_split(s, seps);
	size_t n = 0;

	while (want[n])
		n++;
	EXPECT(v != NULL, "str_split(\"%s\") returned NULL", s);
	if (!v)
		return;
	EXPECT(strv_len(v) == n, "str_split(\"%s\", \"%s\"): expected %zu fields, saw %zu", s,
	       seps, n, strv_len(v));
	for (size_t i = 0; i < n && i < strv_len(v); i++)
		EXPECT_STR(v[i], want[i]);
}

TEST(split)
{
	expect_split("a b c", " ", (const char *const[]){ "a", "b", "c", NULL });
	expect_split("  a \t b  ", " \t", (const char *const[]){ "a", "b", NULL });
	expect_split(",a,,b,", ",", (const char *const[]){ "a", "b", NULL });
	expect_split("", ",", (const char *const[]){ NULL });
	expect_split(",,,", ",", (const char *const[]){ NULL });
	expect_split("abc", ",", (const char *const[]){ "abc", NULL });
	expect_split("4,27 100", ", ", (const char *const[]){ "4", "27", "100", NULL });
	/* An empty separator set gives the whole string as one field. */
	expect_split("a b", "", (const char *const[]){ "a b", NULL });
}

TEST(join_and_vectors)
{
	cleanup_strv char **v = NULL;
	cleanup_free char *none = strv_join(NULL, ", ");

	EXPECT_STR(none, "");
	EXPECT_INT(strv_len(NULL), 0);
	EXPECT_INT(strv_push_dup(&v, "a"), 0);
	{
		cleanup_free char *one = strv_join(v, ", ");
		EXPECT_STR(one, "a");
	}
	EXPECT_INT(strv_push_dup(&v, ""), 0);
	EXPECT_INT(strv_push(&v, strdup("c")), 0);
	EXPECT_INT(strv_len(v), 3);
	{
		cleanup_free char *all = strv_join(v, ", ");
		cleanup_free char *nl = strv_join(v, "\n");
		cleanup_free char *nosep = strv_join(v, "");
		EXPECT_STR(all, "a, , c");
		EXPECT_STR(nl, "a\n\nc");
		EXPECT_STR(nosep, "ac");
	}
	EXPECT(strv_contains(v, "c"), "strv_contains finds \"c\"");
	EXPECT(strv_contains(v, ""), "strv_contains finds the empty string");
	EXPECT(!strv_contains(v, "b"), "strv_contains does not find \"b\"");
	EXPECT(!strv_contains(NULL, "a"), "strv_contains(NULL) is false");
	/* push of NULL (a failed strdup) reports ENOMEM and leaves the vector. */
	EXPECT_INT(strv_push(&v, NULL), -ENOMEM);
	EXPECT_INT(strv_len(v), 3);
}

TEST(prefix_suffix)
{
	EXPECT(str_starts_with("lxc.net.0", "lxc."), "starts_with");
	EXPECT(str_starts_with("abc", ""), "everything starts with \"\"");
	EXPECT(!str_starts_with("lx", "lxc"), "shorter string");
	EXPECT(str_ends_with("a.conf", ".conf"), "ends_with");
	EXPECT(str_ends_with(".conf", ".conf"), "ends_with itself");
	EXPECT(!str_ends_with("conf", ".conf"), "shorter string");
	EXPECT(str_ends_with("x", ""), "everything ends with \"\"");
	EXPECT(str_eq("a", "a") && !str_eq("a", "b") && !str_eq(NULL, "a") && !str_eq("a", NULL),
	       "str_eq");
	cleanup_free char *p = str_printf("%s-%d", "x", 42);
	EXPECT_STR(p, "x-42");
}

TEST(to_u64)
{
	uint64_t v = 7;

	EXPECT_INT(str_to_u64("0", &v), 0);
	EXPECT_INT(v, 0);
	EXPECT_INT(str_to_u64("0042", &v), 0);
	EXPECT_INT(v, 42);
	EXPECT_INT(str_to_u64("18446744073709551615", &v), 0);
	EXPECT(v == UINT64_MAX, "UINT64_MAX parsed, saw %llu", (unsigned long long)v);
	v = 7;
	EXPECT_INT(str_to_u64("18446744073709551616", &v), -ERANGE);
	EXPECT_INT(str_to_u64("99999999999999999999999", &v), -ERANGE);
	EXPECT_INT(v, 7); /* untouched on failure */
	const char *bad[] = { "", "-1", "+1", " 1", "1 ", "1a", "0x10", "1.5", "-0", "\t2", NULL };
	for (size_t i = 0; bad[i]; i++)
		EXPECT(str_to_u64(bad[i], &v) == -EINVAL, "str_to_u64(\"%s\") is -EINVAL", bad[i]);
	EXPECT_INT(str_to_u64(NULL, &v), -EINVAL);
	EXPECT_INT(v, 7);
}

TEST(to_i64)
{
	int64_t v = 7;

	EXPECT_INT(str_to_i64("-5", &v), 0);
	EXPECT_INT(v, -5);
	EXPECT_INT(str_to_i64("+5", &v), 0);
	EXPECT_INT(v, 5);
	EXPECT_INT(str_to_i64("-0", &v), 0);
	EXPECT_INT(v, 0);
	EXPECT_INT(str_to_i64("9223372036854775807", &v), 0);
	EXPECT(v == INT64_MAX, "INT64_MAX parsed");
	EXPECT_INT(str_to_i64("-9223372036854775808", &v), 0);
	EXPECT(v == INT64_MIN, "INT64_MIN parsed");
	v = 7;
	EXPECT_INT(str_to_i64("9223372036854775808", &v), -ERANGE);
	EXPECT_INT(str_to_i64("-9223372036854775809", &v), -ERANGE);
	EXPECT_INT(v, 7);
	const char *bad[] = { "", "-", "+", "--1", "+-1", "- 1", " 1", "1 ", "1x", "0x1", NULL };
	for (size_t i = 0; bad[i]; i++)
		EXPECT(str_to_i64(bad[i], &v) == -EINVAL, "str_to_i64(\"%s\") is -EINVAL", bad[i]);
	EXPECT_INT(str_to_i64(NULL, &v), -EINVAL);
	EXPECT_INT(v, 7);
}

TEST(distance)
{
	EXPECT_INT(str_distance("", ""), 0);
	EXPECT_INT(str_distance("", "abc"), 3);
	EXPECT_INT(str_distance("abc", ""), 3);
	EXPECT_INT(str_distance("abc", "abc"), 0);
	EXPECT_INT(str_distance("kitten", "sitting"), 3);
	EXPECT_INT(str_distance("flaw", "lawn"), 2);
	/* A transposition costs two edits (plain Levenshtein). */
	EXPECT_INT(str_distance("tpye", "type"), 2);
	EXPECT_INT(str_distance("lxc.rootfs.pth", "lxc.rootfs.path"), 1);
	EXPECT_INT(str_distance("lcx.tty.max", "lxc.tty.max"), 2);
	/* Symmetric. */
	EXPECT_INT(str_distance("sys_adm", "sys_admin"), str_distance("sys_admin", "sys_adm"));
	EXPECT_INT(str_distance("sys_adm", "sys_admin"), 2);
}

static void expect_command(const char *s, const char *const *want)
{
	cleanup_strv char **v = NULL;
	size_t n = 0;

	while (want[n])
		n++;
	EXPECT_INT(str_split_command(s, &v), 0);
	if (!v)
		return;
	EXPECT(strv_len(v) == n, "str_split_command(%s): expected %zu words, saw %zu", s, n,
	       strv_len(v));
	for (size_t i = 0; i < n && i < strv_len(v); i++)
		EXPECT_STR(v[i], want[i]);
}

TEST(split_command)
{
	char **v = NULL;

	expect_command("/bin/hook", (const char *const[]){ "/bin/hook", NULL });
	expect_command("  a\tb  c ", (const char *const[]){ "a", "b", "c", NULL });
	expect_command("sh -c 'echo \"$x\" > f'", (const char *const[]){ "sh", "-c", "echo \"$x\" > f", NULL });
	expect_command("a\" b\\\"c $d\" e", (const char *const[]){ "a b\"c $d", "e", NULL });
	expect_command("\"\\$x\" \"\\n\"", (const char *const[]){ "$x", "\\n", NULL });
	expect_command("x\\ y 'a'\"b\"c", (const char *const[]){ "x y", "abc", NULL });
	expect_command("'' \"\"", (const char *const[]){ "", "", NULL });
	expect_command("", (const char *const[]){ NULL });
	/* $, globs, ; and > are only characters: there is no shell. */
	expect_command("echo $HOME *; >x", (const char *const[]){ "echo", "$HOME", "*;", ">x", NULL });
	EXPECT_INT(str_split_command("sh -c 'echo", &v), -EINVAL);
	EXPECT(v == NULL, "nothing returned for an unclosed quote");
	EXPECT_INT(str_split_command("a \"b", &v), -EINVAL);
}

UNIT_MAIN(trim, next_entry, split, join_and_vectors, prefix_suffix, to_u64, to_i64, distance, split_command)
