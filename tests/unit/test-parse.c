/* conf/parse: reading config files, as LXC's parse_config_file test does,
 * but through real files: the line syntax, errors, includes, and real LXC
 * configs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/conf.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

#define LXC_CONFIG_DIR "/usr/share/lxc/config"

static char tmpdir[] = "/tmp/lxcmgr-test-parse.XXXXXX";

static char *tmp_path(const char *rel)
{
	return str_printf("%s/%s", tmpdir, rel);
}

/* Writes LEN bytes (NUL bytes allowed) to REL under the temp dir, making
 * its directories. Returns the full path. */
static char *write_bytes(const char *rel, const char *data, size_t len)
{
	char *path = tmp_path(rel);
	cleanup_free char *dir = strdup(path);

	*strrchr(dir, '/') = '\0';
	EXPECT(mkdir_p(dir, 0755) == 0, "mkdir -p %s", dir);
	EXPECT(file_write_atomic(path, data, len, 0644) == 0, "write %s", path);
	return path;
}

static char *write_file(const char *rel, const char *text)
{
	return write_bytes(rel, text, strlen(text));
}

/* Loads PATH into a new config; on failure *msg gets the message. */
static struct conf *load(const char *path, int *ret, char **msg)
{
	struct conf *c = conf_new();
	lxcmgr_error *err = NULL;

	*ret = conf_load(c, path, &err);
	if (msg)
		*msg = err && err->msg ? strdup(err->msg) : NULL;
	lxcmgr_error_free(err);
	return c;
}

static struct conf *load_ok(const char *path)
{
	int ret;
	cleanup_free char *msg = NULL;
	struct conf *c = load(path, &ret, &msg);

	EXPECT(ret == 0, "%s loads, saw %d: %s", path, ret, msg ? msg : "");
	return c;
}

/* Loads PATH expecting failure; returns the message (malloc'd). */
static char *load_fails(const char *path)
{
	int ret;
	char *msg = NULL;
	struct conf *c = load(path, &ret, &msg);

	EXPECT(ret < 0, "%s does not load", path);
	EXPECT(msg != NULL, "%s: an error message is set", path);
	cleanup_strv char **keys = conf_keys(c);
	EXPECT(strv_len(keys) == 0, "a failed load leaves the config empty, saw %zu keys",
	       strv_len(keys));
	conf_free(c);
	return msg;
}

static void expect_value(struct conf *c, const char *key, const char *want)
{
	char *v = NULL;
	lxcmgr_error *err = NULL;

	EXPECT(conf_get(c, key, &v, &err) == 0, "get %s: %s", key, err ? err->msg : "");
	EXPECT(v && strcmp(v, want) == 0, "%s = \"%s\", saw \"%s\"", key, want, v ? v : "(null)");
	free(v);
	lxcmgr_error_free(err);
}

static void expect_origin(struct conf *c, const char *key, const char *file, unsigned line)
{
	struct conf_origin o = { 0 };

	EXPECT(conf_origin(c, key, &o) == 0, "%s has an origin", key);
	EXPECT(o.file && strcmp(o.file, file) == 0, "%s comes from %s, saw %s", key, file,
	       o.file ? o.file : "(null)");
	EXPECT(o.line == line, "%s comes from line %u, saw %u", key, line, o.line);
}

/* ------------------------------------------------------------- syntax */

TEST(line_syntax)
{
	cleanup_free char *path = write_file(
		"syntax.conf",
		"# a comment\r\n"                                    /* 1 */
		"\r\n"                                               /* 2 */
		"   \t# an indented comment\n"                       /* 3 */
		"\n"                                                 /* 4 */
		"   lxc.uts.name   =   web   \r\n"                   /* 5 */
		"lxc.init.cmd = \"/sbin/init  --x \"\r\n"            /* 6 */
		"lxc.seccomp.notify.cookie = 'say \"hi\" now'\n"     /* 7 */
		"lxc.environment = \"NOTE=keep # this\"\n"           /* 8 */
		"lxc.environment = A=1 # trailing comment\n"         /* 9 */
		"lxc.environment = B=a#b\n"                          /* 10 */
		"lxc.environment = C=x=y\n"                          /* 11 */
		"lxc.log.syslog = daemon\t# after a tab\n"           /* 12 */
		"lxc.apparmor.raw = it's fine # prose quote\n"       /* 13 */
		"lxc.execute.cmd = /bin/sh -c 'echo # kept'  # cut\n" /* 14 */
		"lxc.init.cwd = ''\n"                                /* 15 */
		"lxc.console.logfile = /var/log/x\n"                 /* 16 */
		"lxc.console.logfile = \"\"\n"                       /* 17 */
		"lxc.hook.pre-start = /bin/echo \\\n"                /* 18 */
		"lxc.selinux.context=a:b:c\n"                        /* 19 */
		"lxc.group = \"onboot\" # quoted, then a comment\n"  /* 20 */
		"lxc.start.order = '-5'");                          /* 21, no newline */
	struct conf *c = load_ok(path);

	expect_value(c, "lxc.uts.name", "web");
	expect_origin(c, "lxc.uts.name", path, 5);
	expect_value(c, "lxc.init.cmd", "/sbin/init  --x ");
	expect_value(c, "lxc.seccomp.notify.cookie", "say \"hi\" now");
	expect_value(c, "lxc.environment", "NOTE=keep # this\nA=1\nB=a#b\nC=x=y");
	expect_origin(c, "lxc.environment", path, 11);
	expect_value(c, "lxc.log.syslog", "daemon");
	expect_value(c, "lxc.apparmor.raw", "it's fine");
	expect_value(c, "lxc.execute.cmd", "/bin/sh -c 'echo # kept'");
	/* A value that is only quotes is empty, and clears. */
	expect_value(c, "lxc.init.cwd", "");
	expect_value(c, "lxc.console.logfile", "");
	EXPECT(conf_value(c, "lxc.console.logfile") == NULL, "\"\" cleared lxc.console.logfile");
	/* No line continuation. */
	expect_value(c, "lxc.hook.pre-start", "/bin/echo \\");
	expect_value(c, "lxc.selinux.context", "a:b:c");
	expect_value(c, "lxc.group", "onboot");
	expect_value(c, "lxc.start.order", "-5");
	expect_origin(c, "lxc.start.order", path, 21);
	EXPECT_STR(conf_path(c), path);

	/* The document keeps every line as read. */
	cleanup_free char *text = conf_render(c);
	EXPECT_CONTAINS(text, "   \t# an indented comment\n");
	EXPECT_CONTAINS(text, "   lxc.uts.name   =   web   \r\n");
	conf_free(c);
}

TEST(empty_and_comment_only_files)
{
	cleanup_free char *empty = write_file("empty.conf", "");
	cleanup_free char *comments = write_file("comments.conf", "# only\n\n  # comments\n");
	struct conf *c = load_ok(empty);
	cleanup_strv char **keys = conf_keys(c);

	EXPECT_INT(strv_len(keys), 0);
	conf_free(c);
	c = load_ok(comments);
	cleanup_strv char **keys2 = conf_keys(c);
	EXPECT_INT(strv_len(keys2), 0);
	cleanup_free char *text = conf_render(c);
	EXPECT_STR(text, "# only\n\n  # comments\n");
	conf_free(c);
}

/* ------------------------------------------------------------- errors */

/* Each file fails to load with "PATH:LINE: " (and the key, when there is
 * one) and what is wrong. */
TEST(syntax_errors)
{
#define BYTES(s) s, sizeof(s) - 1 /* a NUL inside counts */
	static const struct {
		const char *file, *data;
		size_t len;
		const char *where, *says; /* after "PATH:" */
	} cases[] = {
		{ "noeq.conf", BYTES("# c\nlxc.uts.name = a\nlxc.tty.max 4\n"), "3: ", "KEY = VALUE" },
		{ "nokey.conf", BYTES("  = value\n"), "1: ", "missing key" },
		{ "nul.conf", BYTES("lxc.uts.name = a\nlxc.tty.max = 4\0junk\nlxc.pty.max = 1\n"), "2: ",
		  "NUL" },
		{ "badval.conf", BYTES("lxc.tty.max = four\n"), "1: lxc.tty.max: ", "\"four\"" },
	};
#undef BYTES
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *path = write_bytes(cases[i].file, cases[i].data, cases[i].len);
		cleanup_free char *msg = load_fails(path);
		cleanup_free char *want = str_printf("%s:%s", path, cases[i].where);
		EXPECT_CONTAINS(msg, want);
		EXPECT_CONTAINS(msg, cases[i].says);
	}

	cleanup_free char *missing = tmp_path("does-not-exist.conf");
	cleanup_free char *msg = load_fails(missing);
	EXPECT_CONTAINS(msg, missing);
	EXPECT_CONTAINS(msg, strerror(ENOENT));
}

TEST(unknown_key_error_stops_loading)
{
	cleanup_free char *good = write_file("good.conf", "lxc.uts.name = before\n");
	cleanup_free char *bad = write_file("bad.conf", "# header\n"
							"lxc.uts.name = web\n"
							"\n"
							"lxc.rootfs.pth = /srv/web\n"
							"lxc.cap.dorp = sys_admin\n"
							"lxc.tty.max = 4\n");
	struct conf *c = load_ok(good);
	lxcmgr_error *err = NULL;
	int ret = conf_load(c, bad, &err);

	EXPECT(ret == -EINVAL, "loading %s gives -EINVAL, saw %d", bad, ret);
	cleanup_free char *want = str_printf("%s:4: lxc.rootfs.pth: ", bad);
	EXPECT_CONTAINS(err ? err->msg : NULL, want);
	EXPECT_CONTAINS(err ? err->msg : NULL, "did you mean lxc.rootfs.path?");
	EXPECT(err && !strstr(err->msg, "dorp"), "only the first bad line is reported: %s",
	       err ? err->msg : "");
	EXPECT(err && !strchr(err->msg, '\n'), "the message is one line");
	lxcmgr_error_free(err);
	/* The earlier config is gone and nothing of the bad one is kept. */
	cleanup_strv char **keys = conf_keys(c);
	EXPECT_INT(strv_len(keys), 0);
	EXPECT(conf_value(c, "lxc.uts.name") == NULL, "lxc.uts.name is unset after the failure");
	cleanup_free char *text = conf_render(c);
	EXPECT_STR(text, "");
	conf_free(c);

	/* A line that is not lxc.* is an error, not ignored as LXC does. */
	cleanup_free char *martian = write_file("martian.conf", "lcx.net.0.type = veth\n");
	cleanup_free char *msg = load_fails(martian);
	cleanup_free char *want2 = str_printf("%s:1: lcx.net.0.type: not an lxc.* key", martian);
	EXPECT_CONTAINS(msg, want2);
}

TEST(size_limits)
{
	/* util/file: the limit holds for regular files read in one go. */
	cleanup_free char *hundred = write_file("hundred.txt",
						"0123456789012345678901234567890123456789"
						"0123456789012345678901234567890123456789"
						"01234567890123456789");
	char *data = NULL;
	size_t len = 0;
	EXPECT_INT(file_read(hundred, 10, &data, &len), -EFBIG);
	EXPECT_INT(file_read(hundred, 99, &data, &len), -EFBIG);
	EXPECT(data == NULL, "nothing is returned for a file over the limit");
	EXPECT_INT(file_read(hundred, 100, &data, &len), 0);
	EXPECT_INT(len, 100);
	EXPECT(data && data[100] == '\0', "the data is NUL-terminated");
	free(data);

	/* A config over 16 MiB is refused before it is parsed. */
	cleanup_free char *big = tmp_path("big.conf");
	int fd = open(big, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	EXPECT(fd >= 0 && ftruncate(fd, (17 << 20)) == 0, "make a sparse 17 MiB %s", big);
	if (fd >= 0)
		close(fd);
	cleanup_free char *msg = load_fails(big);
	EXPECT_CONTAINS(msg, big);
	EXPECT_CONTAINS(msg, "larger than 16 MiB");
	unlink(big);
}

/* ----------------------------------------------------------- includes */

TEST(include_file_relative)
{
	cleanup_free char *inner = write_file("rel/inc/inner.conf", "lxc.tty.max = 7\n");
	cleanup_free char *mid = write_file("rel/inc/mid.conf", "# mid\n"
								"lxc.uts.name = mid\n"
								"lxc.include = inner.conf\n");
	cleanup_free char *top = write_file("rel/top.conf", "lxc.uts.name = top\n"
							    "lxc.include = inc/mid.conf\n"
							    "lxc.pty.max = 10\n");
	/* Run from elsewhere: relative paths follow the including file. */
	cleanup_free char *cwd = getcwd(NULL, 0);
	EXPECT(chdir("/") == 0, "chdir /");
	struct conf *c = load_ok(top);
	EXPECT(cwd && chdir(cwd) == 0, "chdir back");

	expect_value(c, "lxc.uts.name", "mid");
	expect_origin(c, "lxc.uts.name", mid, 2);
	expect_value(c, "lxc.tty.max", "7");
	expect_origin(c, "lxc.tty.max", inner, 1);
	expect_value(c, "lxc.pty.max", "10");
	expect_origin(c, "lxc.pty.max", top, 3);
	/* The include lines themselves are recorded; included lines are not
	 * copied into the document. */
	expect_value(c, "lxc.include", "inc/mid.conf\ninner.conf");
	cleanup_free char *text = conf_render(c);
	EXPECT_STR(text, "lxc.uts.name = top\nlxc.include = inc/mid.conf\nlxc.pty.max = 10\n");
	conf_free(c);

	/* An absolute include works the same. */
	cleanup_free char *body = str_printf("lxc.include = %s\n", inner);
	cleanup_free char *abs = write_file("abs.conf", body);
	c = load_ok(abs);
	expect_value(c, "lxc.tty.max", "7");
	conf_free(c);
}

TEST(include_directory_sorted)
{
	/* Written in non-sorted order; read in byte order: 10-x B a m z. */
	cleanup_free char *z = write_file("d/z.conf", "lxc.uts.name = z\nlxc.group = z\n");
	cleanup_free char *a = write_file("d/a.conf", "lxc.uts.name = a\nlxc.group = a\n");
	cleanup_free char *m = write_file("d/m.conf", "lxc.uts.name = m\nlxc.group = m\n");
	cleanup_free char *b = write_file("d/B.conf", "lxc.group = B\n");
	cleanup_free char *ten = write_file("d/10-x.conf", "lxc.group = 10-x\n");
	/* Skipped: hidden files, other suffixes, directories, editor backups. */
	cleanup_free char *hidden = write_file("d/.hidden.conf", "this is not a config\n");
	cleanup_free char *txt = write_file("d/readme.txt", "neither is this\n");
	cleanup_free char *bak = write_file("d/a.conf~", "nor this\n");
	cleanup_free char *subdir = tmp_path("d/sub.conf");
	EXPECT(mkdir(subdir, 0755) == 0, "mkdir %s", subdir);
	cleanup_free char *top = write_file("dirtop.conf", "lxc.uts.name = top\n"
							   "lxc.include = d\n"
							   "lxc.include = d/\n");
	struct conf *c = load_ok(top);

	expect_value(c, "lxc.uts.name", "z");
	expect_origin(c, "lxc.uts.name", z, 1);
	expect_value(c, "lxc.group", "10-x\nB\na\nm\nz\n10-x\nB\na\nm\nz");
	conf_free(c);

	/* A directory include that is missing is fine with a trailing '/'. */
	cleanup_free char *opt = write_file("opt.conf", "lxc.include = nodir/\n"
							"lxc.include = /nonexistent-lxcmgr-dir/\n"
							"lxc.tty.max = 2\n");
	c = load_ok(opt);
	expect_value(c, "lxc.tty.max", "2");
	conf_free(c);

	/* An empty directory adds nothing. */
	cleanup_free char *emptydir = tmp_path("emptydir");
	EXPECT(mkdir(emptydir, 0755) == 0, "mkdir %s", emptydir);
	cleanup_free char *e = write_file("emptydirtop.conf", "lxc.include = emptydir/\n");
	c = load_ok(e);
	cleanup_strv char **keys = conf_keys(c);
	EXPECT_INT(strv_len(keys), 1); /* lxc.include itself */
	conf_free(c);
}

TEST(include_errors)
{
	/* A missing file names the path it looked for and the including line. */
	cleanup_free char *top = write_file("missing.conf", "# x\nlxc.include = nope.conf\n");
	cleanup_free char *msg = load_fails(top);
	cleanup_free char *want = tmp_path("nope.conf");
	cleanup_free char *want_line = str_printf("%s:2: lxc.include: ", top);
	EXPECT_CONTAINS(msg, want);
	EXPECT_CONTAINS(msg, want_line);
	EXPECT_CONTAINS(msg, strerror(ENOENT));

	/* A missing directory without the trailing '/' is an error too. */
	cleanup_free char *top2 = write_file("missingdir.conf", "lxc.include = nodir\n");
	cleanup_free char *msg2 = load_fails(top2);
	EXPECT_CONTAINS(msg2, "nodir");

	/* An empty include is an error. */
	cleanup_free char *top3 = write_file("emptyinc.conf", "lxc.include =\n");
	cleanup_free char *msg3 = load_fails(top3);
	cleanup_free char *want3 = str_printf("%s:1: lxc.include: ", top3);
	EXPECT_CONTAINS(msg3, want3);

	/* An error inside an included file names that file and line, wrapped
	 * with the includer's line. */
	cleanup_free char *inc = write_file("errs/inc.conf", "lxc.tty.max = 1\n"
							     "\n"
							     "lxc.signal.halt = SIGPOWER\n");
	cleanup_free char *top4 = write_file("errs/top.conf", "lxc.uts.name = x\n"
							      "lxc.include = inc.conf\n");
	cleanup_free char *msg4 = load_fails(top4);
	cleanup_free char *want4 = str_printf("%s:2: lxc.include: %s:3: lxc.signal.halt: ", top4,
					      inc);
	EXPECT_CONTAINS(msg4, want4);
	EXPECT_CONTAINS(msg4, "SIGPOWER");

	/* Two levels: both includers are named, outermost first. */
	cleanup_free char *mid = write_file("errs/mid.conf", "lxc.include = inc.conf\n");
	cleanup_free char *top5 = write_file("errs/top2.conf", "\nlxc.include = mid.conf\n");
	cleanup_free char *msg5 = load_fails(top5);
	cleanup_free char *want5 = str_printf("%s:2: lxc.include: %s:1: lxc.include: %s:3: ", top5,
					      mid, inc);
	EXPECT_CONTAINS(msg5, want5);

	/* Errors in an included directory name the file in it. */
	cleanup_free char *dbad = write_file("errdir/d/b.conf", "lxc.uts.name = ok\nbogus\n");
	cleanup_free char *dgood = write_file("errdir/d/a.conf", "lxc.tty.max = 1\n");
	cleanup_free char *top6 = write_file("errdir/top.conf", "lxc.include = d/\n");
	cleanup_free char *msg6 = load_fails(top6);
	cleanup_free char *want6 = str_printf("%s:1: lxc.include: %s:2: ", top6, dbad);
	EXPECT_CONTAINS(msg6, want6);

	/* A FIFO would block the reader: refused. */
	cleanup_free char *fifo = tmp_path("fifo.conf");
	EXPECT(mkfifo(fifo, 0644) == 0, "mkfifo %s", fifo);
	cleanup_free char *top7 = write_file("fifotop.conf", "lxc.include = fifo.conf\n");
	cleanup_free char *msg7 = load_fails(top7);
	EXPECT_CONTAINS(msg7, fifo);
}

TEST(include_loops_and_depth)
{
	/* a includes b includes a. */
	cleanup_free char *a = write_file("loop/a.conf", "lxc.uts.name = a\nlxc.include = b.conf\n");
	cleanup_free char *b = write_file("loop/b.conf", "lxc.tty.max = 1\nlxc.include = a.conf\n");
	cleanup_free char *msg = load_fails(a);
	EXPECT_CONTAINS(msg, "loop");
	EXPECT_CONTAINS(msg, a);
	EXPECT_CONTAINS(msg, b);

	/* A file that includes itself. */
	cleanup_free char *self = write_file("loop/self.conf", "lxc.include = self.conf\n");
	cleanup_free char *msg2 = load_fails(self);
	EXPECT_CONTAINS(msg2, "loop");
	EXPECT_CONTAINS(msg2, self);

	/* Through a directory include. */
	cleanup_free char *d1 = write_file("loop/d/x.conf", "lxc.include = ../dtop.conf\n");
	cleanup_free char *dtop = write_file("loop/dtop.conf", "lxc.include = d/\n");
	cleanup_free char *msg3 = load_fails(dtop);
	EXPECT_CONTAINS(msg3, "loop");

	/* The same file twice, not nested, is not a loop. */
	cleanup_free char *leaf = write_file("twice/leaf.conf", "lxc.group = g\n");
	cleanup_free char *twice = write_file("twice/top.conf", "lxc.include = leaf.conf\n"
								"lxc.include = leaf.conf\n");
	struct conf *c = load_ok(twice);
	expect_value(c, "lxc.group", "g\ng");
	conf_free(c);

	/* 16 nested files load (the top and 15 includes); 17 do not. */
	for (int depth = 16; depth <= 17; depth++) {
		char rel[64];
		cleanup_free char *first = NULL;
		for (int i = 0; i < depth; i++) {
			char body[128];
			if (i + 1 < depth)
				snprintf(body, sizeof(body), "lxc.include = f%d.conf\n", i + 1);
			else
				snprintf(body, sizeof(body), "lxc.uts.name = deepest\n");
			snprintf(rel, sizeof(rel), "depth%d/f%d.conf", depth, i);
			char *p = write_file(rel, body);
			if (i == 0)
				first = p;
			else
				free(p);
		}
		if (depth == 16) {
			c = load_ok(first);
			expect_value(c, "lxc.uts.name", "deepest");
			conf_free(c);
		} else {
			cleanup_free char *m = load_fails(first);
			EXPECT_CONTAINS(m, "nested deeper than 16");
			EXPECT_CONTAINS(m, "f16.conf");
		}
	}
}

/* ------------------------------------------------- real LXC configs */

TEST(lxc_shared_configs_load)
{
	cleanup_closedir DIR *d = opendir(LXC_CONFIG_DIR);
	struct dirent *de;
	size_t loaded = 0;

	if (!d) {
		printf("# SKIP %s is missing (install Debian's lxc package to run this)\n",
		       LXC_CONFIG_DIR);
		EXPECT(errno == ENOENT, "%s is missing rather than unreadable", LXC_CONFIG_DIR);
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !str_ends_with(de->d_name, ".conf"))
			continue;
		cleanup_free char *body = str_printf("lxc.include = %s/%s\n", LXC_CONFIG_DIR,
						     de->d_name);
		cleanup_free char *top = write_file("lxc-include.conf", body);
		struct conf *c = load_ok(top);
		cleanup_strv char **keys = conf_keys(c);
		EXPECT(strv_len(keys) >= 1, "%s sets something", de->d_name);
		conf_free(c);
		loaded++;
	}
	printf("# loaded %zu configs from %s\n", loaded, LXC_CONFIG_DIR);
	EXPECT(loaded > 0, "%s holds configs", LXC_CONFIG_DIR);

	/* common.conf pulls in common.conf.d/ and sets LXC's defaults. */
	cleanup_free char *top = write_file("lxc-common.conf",
					    "lxc.include = " LXC_CONFIG_DIR "/common.conf\n"
					    "lxc.cap.drop =\n"
					    "lxc.cap.drop = sys_module\n");
	if (path_exists(LXC_CONFIG_DIR "/common.conf")) {
		struct conf *c = load_ok(top);
		expect_value(c, "lxc.tty.max", "4");
		expect_value(c, "lxc.pty.max", "1024");
		expect_value(c, "lxc.cap.drop", "sys_module");
		char *const *devs = conf_values(c, "lxc.cgroup.devices.allow");
		char *const *devs2 = conf_values(c, "lxc.cgroup2.devices.allow");
		EXPECT(strv_len(devs) > 5 || strv_len(devs2) > 5, "device allow list is read");
		conf_free(c);
	}
}

/* What Debian's lxc-create -t busybox writes (LXC 5.0). */
static const char lxc_created[] =
	"# Template used to create this container: /usr/share/lxc/templates/lxc-busybox\n"
	"# Parameters passed to the template:\n"
	"# For additional config options, please look at lxc.container.conf(5)\n"
	"\n"
	"# Uncomment the following line to support nesting containers:\n"
	"#lxc.include = /usr/share/lxc/config/nesting.conf\n"
	"# (Be aware this has security implications)\n"
	"\n"
	"lxc.net.0.type = veth\n"
	"lxc.net.0.link = lxcbr0\n"
	"lxc.net.0.flags = up\n"
	"lxc.apparmor.profile = generated\n"
	"lxc.apparmor.allow_nesting = 1\n"
	"lxc.rootfs.path = dir:/var/lib/lxc/x/rootfs\n"
	"lxc.signal.halt = SIGUSR1\n"
	"lxc.signal.reboot = SIGTERM\n"
	"lxc.uts.name = \"x\"\n"
	"lxc.autodev = 1\n"
	"lxc.tty.max = 5\n"
	"lxc.pty.max = 1\n"
	"lxc.cap.drop = sys_module mac_admin mac_override sys_time\n"
	"\n"
	"# When using LXC with apparmor, uncomment the next line to run unconfined:\n"
	"#lxc.apparmor.profile = unconfined\n"
	"\n"
	"lxc.mount.auto = cgroup:mixed proc:mixed sys:ro\n"
	"lxc.mount.entry = shm dev/shm tmpfs defaults,create=dir 0 0\n"
	"lxc.mount.entry = mqueue dev/mqueue mqueue defaults,optional,create=dir 0 0\n"
	"lxc.mount.entry = /lib lib none ro,bind 0 0\n"
	"lxc.mount.entry = /usr/lib usr/lib none ro,bind 0 0\n"
	"lxc.mount.entry = /lib64 lib64 none ro,bind 0 0\n"
	"lxc.mount.entry = /usr/lib64 usr/lib64 none ro,bind 0 0\n"
	"lxc.mount.entry = /sys/kernel/security sys/kernel/security none ro,bind,optional 0 0\n"
	/* A Debian template (lxc-debian) adds these: */
	"lxc.include = /usr/share/lxc/config/nonexistent.conf.d/\n"
	"lxc.arch = amd64\n";

TEST(lxc_created_config_loads)
{
	cleanup_free char *path = write_file("created/config", lxc_created);
	struct conf *c = load_ok(path);

	expect_value(c, "lxc.uts.name", "x");
	expect_value(c, "lxc.net.0.link", "lxcbr0");
	expect_value(c, "lxc.signal.halt", "SIGUSR1");
	expect_value(c, "lxc.cap.drop", "sys_module mac_admin mac_override sys_time");
	EXPECT_INT(strv_len(conf_values(c, "lxc.mount.entry")), 7);
	/* Saved unchanged. */
	cleanup_free char *text = conf_render(c);
	EXPECT_STR(text, lxc_created);
	conf_free(c);
}

/* Runs LXC's own lxc-create when it can (root, LXC and busybox installed). */
TEST(real_lxc_create_config_loads)
{
	static const char *const lxc_create = "/usr/bin/lxc-create";

	if (geteuid() != 0 || access(lxc_create, X_OK) != 0 ||
	    (access("/bin/busybox", X_OK) != 0 && access("/usr/bin/busybox", X_OK) != 0)) {
		printf("# SKIP needs root, %s and busybox; checking the copy of its output\n",
		       lxc_create);
		cleanup_free char *copy = write_file("created-copy/config", lxc_created);
		struct conf *c = load_ok(copy);
		expect_value(c, "lxc.rootfs.path", "dir:/var/lib/lxc/x/rootfs");
		conf_free(c);
		return;
	}
	cleanup_free char *lxcpath = tmp_path("lxcpath");
	EXPECT(mkdir(lxcpath, 0755) == 0, "mkdir %s", lxcpath);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execl(lxc_create, lxc_create, "-n", "x", "-t", "busybox", "-P", lxcpath, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid, "lxc-create ran");
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0, "lxc-create succeeded, status %d",
	       status);
	cleanup_free char *config = str_printf("%s/x/config", lxcpath);
	if (path_exists(config)) {
		cleanup_free char *text = NULL;
		EXPECT(file_read(config, 1 << 20, &text, NULL) == 0, "read %s", config);
		EXPECT_CONTAINS(text, "# Template used to create this container");
		struct conf *c = load_ok(config);
		expect_value(c, "lxc.uts.name", "x");
		cleanup_free char *rootfs = str_printf("dir:%s/x/rootfs", lxcpath);
		expect_value(c, "lxc.rootfs.path", rootfs);
		cleanup_free char *again = conf_render(c);
		EXPECT_STR(again, text);
		conf_free(c);
	}
	/* LXC leaves its lock directory for the lxcpath behind. */
	cleanup_free char *locks = str_printf("/run/lxc/lock%s", tmpdir);
	EXPECT(rm_rf_at(AT_FDCWD, locks, NULL) == 0, "remove %s", locks);
}

static void cleanup_tmp(void)
{
	char *where = NULL;
	int ret = rm_rf_at(AT_FDCWD, tmpdir, &where);
	if (ret < 0)
		printf("# could not remove %s: %s (%s)\n", tmpdir, strerror(-ret),
		       where ? where : "");
	free(where);
}

TEST(setup)
{
	EXPECT(mkdtemp(tmpdir) != NULL, "mkdtemp %s", tmpdir);
}

TEST(teardown)
{
	cleanup_tmp();
	EXPECT(!path_exists(tmpdir), "%s is removed", tmpdir);
}

UNIT_MAIN(setup, line_syntax, empty_and_comment_only_files, syntax_errors,
	  unknown_key_error_stops_loading, size_limits, include_file_relative,
	  include_directory_sorted, include_errors, include_loops_and_depth,
	  lxc_shared_configs_load, lxc_created_config_loads, real_lxc_create_config_loads,
	  teardown)
