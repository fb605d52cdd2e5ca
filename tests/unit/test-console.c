/* lxc-console's escape keys (tools/console-escape.c) and the monitor's
 * console ring buffer (run/ring.c). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tools/console-escape.h"
#include "run/ring.h"
#include "unit.h"
#include "util/cleanup.h"

TEST(escape_parse_takes_lxc_spellings)
{
	EXPECT_INT(escape_parse("^a"), 1);
	EXPECT_INT(escape_parse("^A"), 1);
	EXPECT_INT(escape_parse("^b"), 2);
	EXPECT_INT(escape_parse("^]"), 0x1d);
	EXPECT_INT(escape_parse("b"), 'b');
	EXPECT_INT(escape_parse("~"), '~');
	EXPECT_INT(escape_parse(""), -1);
	EXPECT_INT(escape_parse("^"), '^'); /* a caret alone is itself */
	EXPECT_INT(escape_parse("^@"), -1); /* NUL is no prefix */
	EXPECT_INT(escape_parse("^1"), -1);
	EXPECT_INT(escape_parse("ab"), -1);
	EXPECT_INT(escape_parse("^ab"), -1);
}

TEST(escape_name_for_the_banner)
{
	char buf[16];

	EXPECT_STR(escape_name(1, buf, sizeof(buf)), "Ctrl a");
	EXPECT_STR(escape_name(2, buf, sizeof(buf)), "Ctrl b");
	EXPECT_STR(escape_name('x', buf, sizeof(buf)), "x");
}

/* Runs IN through the filter in one go; the bytes out, and the command. */
static size_t filter(struct escape *e, const char *cmds, const char *in, char *out, int *cmd)
{
	size_t out_len = 0;
	size_t used = escape_filter(e, cmds, in, strlen(in), out, &out_len, cmd);
	out[out_len] = '\0';
	return used;
}

TEST(escape_filter_keys)
{
	struct escape e = { .prefix = 1 };
	char out[64];
	int cmd = -1;

	EXPECT_INT(filter(&e, "q", "ls\r", out, &cmd), 3);
	EXPECT_STR(out, "ls\r");
	EXPECT_INT(cmd, 0);
	/* <prefix> q stops at once: what follows is left to the caller. */
	EXPECT_INT(filter(&e, "q", "ab\001qcd", out, &cmd), 4);
	EXPECT_STR(out, "ab");
	EXPECT_INT(cmd, 'q');
	EXPECT(!e.seen, "the prefix is used up");
	/* <prefix><prefix> sends the prefix once. */
	EXPECT_INT(filter(&e, "q", "\001\001x", out, &cmd), 3);
	EXPECT_STR(out, "\001x");
	EXPECT_INT(cmd, 0);
	/* <prefix> and another key: that key alone, as in LXC. */
	filter(&e, "q", "\001z", out, &cmd);
	EXPECT_STR(out, "z");
	/* A prefix at the end of one read, the command at the start of the next. */
	filter(&e, "q", "abc\001", out, &cmd);
	EXPECT_STR(out, "abc");
	EXPECT(e.seen, "the prefix is remembered across reads");
	EXPECT_INT(filter(&e, "q", "q", out, &cmd), 1);
	EXPECT_INT(cmd, 'q');
	/* q without the prefix is just q. */
	filter(&e, "q", "qq", out, &cmd);
	EXPECT_STR(out, "qq");
	EXPECT_INT(cmd, 0);
	/* More command keys (the TUI), and another prefix (-e ^b). */
	struct escape b = { .prefix = 2 };
	filter(&b, "qnp", "\001\002n", out, &cmd);
	EXPECT_STR(out, "\001");
	EXPECT_INT(cmd, 'n');
}

static char *ring_text(const struct console_ring *r)
{
	char *s = calloc(1, r->len + 1);
	console_ring_copy(r, s);
	return s;
}

TEST(ring_keeps_the_newest_bytes)
{
	struct console_ring r;

	EXPECT_INT(console_ring_init(&r, 8), 0);
	console_ring_write(&r, "abc", 3);
	cleanup_free char *a = ring_text(&r);
	EXPECT_STR(a, "abc");
	console_ring_write(&r, "defgh", 5);
	cleanup_free char *b = ring_text(&r);
	EXPECT_STR(b, "abcdefgh");
	console_ring_write(&r, "ij", 2); /* wraps: the oldest two go */
	cleanup_free char *c = ring_text(&r);
	EXPECT_STR(c, "cdefghij");
	console_ring_write(&r, "0123456789", 10); /* larger than the ring */
	cleanup_free char *d = ring_text(&r);
	EXPECT_STR(d, "23456789");
	console_ring_write(&r, "xyz", 3);
	cleanup_free char *e = ring_text(&r);
	EXPECT_STR(e, "56789xyz");
	console_ring_free(&r);
	EXPECT(r.buf == NULL, "freed");
}

TEST(ring_memfd_is_a_sealed_copy)
{
	struct console_ring r;
	char buf[16] = { 0 };
	int fd = -1;

	EXPECT_INT(console_ring_init(&r, 4), 0);
	console_ring_write(&r, "hello", 5);
	EXPECT_INT(console_ring_memfd(&r, 0, &fd), 0);
	EXPECT_INT(read(fd, buf, sizeof(buf)), 4);
	EXPECT_STR(buf, "ello");
	EXPECT(fcntl(fd, F_GETFD) & FD_CLOEXEC, "O_CLOEXEC");
	EXPECT(write(fd, "x", 1) < 0, "sealed against writes");
	close(fd);
	/* With clear, the buffer is empty afterwards. */
	EXPECT_INT(console_ring_memfd(&r, 1, &fd), 0);
	struct stat st;
	EXPECT_INT(fstat(fd, &st), 0);
	EXPECT_INT(st.st_size, 4);
	close(fd);
	EXPECT_INT(r.len, 0);
	EXPECT_INT(console_ring_memfd(&r, 0, &fd), 0);
	EXPECT_INT(fstat(fd, &st), 0);
	EXPECT_INT(st.st_size, 0);
	close(fd);
	console_ring_free(&r);
	/* No ring buffer: ENODATA. */
	EXPECT_INT(console_ring_init(&r, 0), 0);
	EXPECT_INT(console_ring_memfd(&r, 0, &fd), -ENODATA);
}

UNIT_MAIN(escape_parse_takes_lxc_spellings, escape_name_for_the_banner, escape_filter_keys,
	  ring_keeps_the_newest_bytes, ring_memfd_is_a_sealed_copy)
