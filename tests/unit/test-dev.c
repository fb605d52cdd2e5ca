/* The container's /dev (run/dev.c) and the child error records
 * (run/childerr.c). The /dev tests need root: each runs in a forked child
 * in a private mount namespace (/ made a recursive slave), on a temporary
 * rootfs, with two real host ptys standing in for the console and tty1 the
 * monitor would allocate. Nothing they mount outlives the child. */

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/childerr.h"
#include "run/dev.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"

/* ------------------------------------------------------------ childerr */

static const struct plan_where entry_where = { "lxc.mount.entry", "config:14" };

static char *report(const struct child_error *e, int *ret, int *status)
{
	lxcmgr_error *err = NULL;
	char *msg;

	*ret = child_error_report(e, &err);
	*status = err ? err->status : 0;
	msg = err && err->msg ? strdup(err->msg) : NULL;
	lxcmgr_error_free(err);
	return msg;
}

TEST(report_where_and_hint)
{
	struct child_error e = { 0 };
	int ret, status;

	EXPECT_INT(child_error_set(&e, ENOENT, "mount", &entry_where, "add create=dir",
				   "\"%s\" -> \"%s\"", "/srv/data", "mnt/data"),
		   -ENOENT);
	cleanup_free char *msg = report(&e, &ret, &status);
	EXPECT_STR(msg, "mount \"/srv/data\" -> \"mnt/data\": No such file or directory "
			"(lxc.mount.entry, config:14; add create=dir)");
	EXPECT_INT(ret, -ENOENT);
	EXPECT_INT(status, ENOENT);
}

TEST(report_where_only)
{
	struct child_error e = { 0 };
	int ret, status;

	child_error_set(&e, EACCES, "mount", &entry_where, NULL, "\"a\" -> \"b\"");
	cleanup_free char *msg = report(&e, &ret, &status);
	EXPECT_STR(msg, "mount \"a\" -> \"b\": Permission denied (lxc.mount.entry, config:14)");
}

TEST(report_key_without_origin)
{
	struct child_error e = { 0 };
	struct plan_where w = { "lxc.autodev", NULL };
	int ret, status;

	child_error_set(&e, EROFS, "create device", &w, NULL, "\"/dev/null\"");
	cleanup_free char *msg = report(&e, &ret, &status);
	EXPECT_STR(msg, "create device \"/dev/null\": Read-only file system (lxc.autodev)");
}

TEST(report_hint_only)
{
	struct child_error e = { 0 };
	int ret, status;

	child_error_set(&e, ENOENT, "exec init", NULL, "install an init or set lxc.init.cmd",
			"\"%s\"", "/sbin/init");
	cleanup_free char *msg = report(&e, &ret, &status);
	EXPECT_STR(msg, "exec init \"/sbin/init\": No such file or directory "
			"(install an init or set lxc.init.cmd)");
}

TEST(report_neither)
{
	struct child_error e = { 0 };
	int ret, status;

	child_error_set(&e, EBUSY, "pivot_root", NULL, NULL, "into \"%s\"", "/r");
	cleanup_free char *msg = report(&e, &ret, &status);
	EXPECT_STR(msg, "pivot_root into \"/r\": Device or resource busy");
}

TEST(report_errnum_zero)
{
	struct child_error e = { 0 };
	int ret, status;

	EXPECT_INT(child_error_set(&e, 0, "mount", &entry_where, "add create=dir", "\"x\""),
		   -EINVAL);
	cleanup_free char *msg = report(&e, &ret, &status);
	EXPECT_STR(msg, "mount \"x\" (lxc.mount.entry, config:14; add create=dir)");
	EXPECT_INT(ret, -EINVAL);
	EXPECT_INT(status, EINVAL);
	memset(&e, 0, sizeof(e));
	child_error_set(&e, 0, "exec init", NULL, NULL, NULL);
	free(msg);
	msg = report(&e, &ret, &status);
	EXPECT_STR(msg, "exec init");
}

TEST(first_error_is_kept)
{
	struct child_error e = { 0 };
	int ret, status;

	child_error_set(&e, ENOENT, "mount", &entry_where, "add create=dir", "\"first\"");
	EXPECT_INT(child_error_set(&e, EPERM, "pivot_root", NULL, "later", "\"second\""), -EPERM);
	EXPECT_INT(child_error_set(&e, 0, "exec init", NULL, NULL, "\"third\""), -EINVAL);
	cleanup_free char *msg = report(&e, &ret, &status);
	EXPECT_STR(msg, "mount \"first\": No such file or directory "
			"(lxc.mount.entry, config:14; add create=dir)");
	EXPECT_INT(e.errnum, ENOENT);
}

TEST(long_fields_are_cut)
{
	struct child_error e = { 0 };
	char big[1000];
	int ret, status;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	child_error_set(&e, ENOENT, big, NULL, big, "\"%s\"", big);
	EXPECT_INT(strnlen(e.step, sizeof(e.step)), sizeof(e.step) - 1);
	EXPECT_INT(strnlen(e.what, sizeof(e.what)), sizeof(e.what) - 1);
	EXPECT_STR(e.what + sizeof(e.what) - 4, "...");
	/* A record from another process need not be terminated. */
	memset(&e, 'y', sizeof(e));
	e.errnum = ENOENT;
	cleanup_free char *msg = report(&e, &ret, &status);
	EXPECT(msg && strlen(msg) < sizeof(e) + 100, "report of an unterminated record: %zu bytes",
	       msg ? strlen(msg) : 0);
}

/* ------------------------------------------------------------ fixture */

struct fixture {
	char dir[64];
	char rootfs[96];
	char outside[96];
	int console_fd, tty_fd;
	char console[DEV_PTY_PATH_MAX];
	char ttys[1][DEV_PTY_PATH_MAX];
};

static int open_pty(char *slave, size_t size)
{
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (grantpt(fd) < 0 || unlockpt(fd) < 0 || ptsname_r(fd, slave, size) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->console_fd = f->tty_fd = -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/lxcmgr-test-dev-XXXXXX");
	if (!mkdtemp(f->dir))
		return false;
	snprintf(f->rootfs, sizeof(f->rootfs), "%s/rootfs", f->dir);
	snprintf(f->outside, sizeof(f->outside), "%s/outside", f->dir);
	f->console_fd = open_pty(f->console, sizeof(f->console));
	f->tty_fd = open_pty(f->ttys[0], sizeof(f->ttys[0]));
	return mkdir(f->rootfs, 0755) == 0 && mkdir(f->outside, 0755) == 0 &&
	       f->console_fd >= 0 && f->tty_fd >= 0;
}

/* Removes the temporary tree; a mount left in it (a leak onto the host)
 * makes rm_rf_at fail with EBUSY. */
static void fixture_done(struct fixture *f)
{
	cleanup_free char *mountinfo = NULL;
	cleanup_free char *busy = NULL;

	if (file_read("/proc/self/mountinfo", 1 << 22, &mountinfo, NULL) == 0)
		EXPECT(!strstr(mountinfo, f->dir), "no mount under %s on the host", f->dir);
	EXPECT_INT(rm_rf_at(AT_FDCWD, f->dir, &busy), 0);
	if (f->console_fd >= 0)
		close(f->console_fd);
	if (f->tty_fd >= 0)
		close(f->tty_fd);
}

static struct start_plan plan_for(struct fixture *f, bool autodev, const char *tty_dir)
{
	struct start_plan p = { 0 };

	p.rootfs = f->rootfs;
	p.autodev = autodev;
	p.tty_max = 1;
	p.pty_max = 16;
	p.tty_dir = (char *)tty_dir;
	return p;
}

static struct dev_ptys ptys_for(struct fixture *f)
{
	struct dev_ptys ptys = { .ttys = f->ttys, .n_ttys = 1 };

	snprintf(ptys.console, sizeof(ptys.console), "%s", f->console);
	return ptys;
}

static bool write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

	if (fd >= 0)
		close(fd);
	return ok;
}

/* A user namespace with only root mapped (to root): mknod is refused there
 * and gid 5 is not mapped, as for an unprivileged container. */
static bool enter_userns(void)
{
	return unshare(CLONE_NEWUSER) == 0 && write_file("/proc/self/setgroups", "deny") &&
	       write_file("/proc/self/uid_map", "0 0 1") &&
	       write_file("/proc/self/gid_map", "0 0 1");
}

/* Runs FN in a child in a private mount namespace (and a user namespace
 * with USERNS). Exit 77: no namespace to be had (a skip, said so). */
static void in_namespace(struct fixture *f, void (*fn)(struct fixture *), bool userns)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if ((userns && !enter_userns()) || unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
			_exit(77);
		fn(f);
		fflush(stdout);
		_exit(unit_current_failed ? 1 : 0);
	}
	EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid, "fork and wait: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		printf("# SKIP no private %s namespace here\n", userns ? "user or mount" : "mount");
		return;
	}
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
}

static bool skip_unless_root(void)
{
	if (geteuid() == 0)
		return false;
	printf("# SKIP /dev setup needs root (mount, mknod)\n");
	EXPECT(geteuid() != 0, "skipped only when not root");
	return true;
}

static void run_dev_test_in(void (*fn)(struct fixture *), bool userns)
{
	struct fixture f;

	if (skip_unless_root())
		return;
	EXPECT(fixture_init(&f), "fixture in /tmp with two host ptys: %s", strerror(errno));
	if (!unit_current_failed)
		in_namespace(&f, fn, userns);
	fixture_done(&f);
}

static void run_dev_test(void (*fn)(struct fixture *))
{
	run_dev_test_in(fn, false);
}

/* -------------------------------------------------------- checks */

static char *at_root(struct fixture *f, const char *path)
{
	static char buf[4][256];
	static int next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof(buf[0]), "%s/%s", f->rootfs, path);
	return b;
}

static long fs_type(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 ? (long)sf.f_type : -errno;
}

static long long fs_bytes(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 ? (long long)sf.f_blocks * sf.f_bsize : -errno;
}

static void expect_link(struct fixture *f, const char *path, const char *target)
{
	char buf[256];
	ssize_t n = readlink(at_root(f, path), buf, sizeof(buf) - 1);

	buf[n >= 0 ? n : 0] = '\0';
	EXPECT(n >= 0 && strcmp(buf, target) == 0, "%s -> \"%s\", saw \"%s\" (%s)", path, target,
	       buf, n < 0 ? strerror(errno) : "ok");
}

static void expect_node(struct fixture *f, const char *name, unsigned maj, unsigned min)
{
	char path[64];
	struct stat st = { 0 };

	snprintf(path, sizeof(path), "dev/%s", name);
	EXPECT_INT(stat(at_root(f, path), &st), 0);
	EXPECT(S_ISCHR(st.st_mode) && major(st.st_rdev) == maj && minor(st.st_rdev) == min,
	       "/dev/%s a char device %u:%u, saw mode 0%o rdev %u:%u", name, maj, min,
	       st.st_mode, major(st.st_rdev), minor(st.st_rdev));
}

/* Writing through PATH in the rootfs reaches the host master MASTER. */
static void expect_pty_path(struct fixture *f, const char *path, int master, const char *slave)
{
	struct stat st, host;
	struct pollfd pfd = { .fd = master, .events = POLLIN };
	char buf[32] = { 0 };
	const char *msg = "through-the-bind";
	int fd;

	EXPECT_INT(stat(at_root(f, path), &st), 0);
	EXPECT_INT(stat(slave, &host), 0);
	EXPECT(S_ISCHR(st.st_mode) && st.st_rdev == host.st_rdev, "%s is the host's %s", path,
	       slave);
	fd = open(at_root(f, path), O_WRONLY | O_NOCTTY | O_CLOEXEC);
	EXPECT(fd >= 0, "open %s: %s", path, strerror(errno));
	if (fd < 0)
		return;
	EXPECT_INT(write(fd, msg, strlen(msg)), strlen(msg));
	close(fd);
	/* Read only what poll saw arrive: a bind that missed would block. */
	EXPECT(poll(&pfd, 1, 2000) == 1, "%s: the write reached the host master %s", path, slave);
	if (pfd.revents & POLLIN) {
		EXPECT_INT(read(master, buf, sizeof(buf) - 1), strlen(msg));
		EXPECT_STR(buf, msg);
	}
}

/* /dev/pts is a devpts of its own: the first pty through ptmx is number 0. */
static void expect_private_devpts(struct fixture *f, const char *ptmx)
{
	struct stat st, host;
	unsigned n = 99;
	int fd;

	EXPECT_INT(fs_type(at_root(f, "dev/pts")), DEVPTS_SUPER_MAGIC);
	EXPECT_INT(stat(at_root(f, "dev/pts"), &st), 0);
	EXPECT_INT(stat("/dev/pts", &host), 0);
	EXPECT(st.st_dev != host.st_dev, "dev/pts is not the host's devpts");
	fd = open(at_root(f, ptmx), O_RDWR | O_NOCTTY | O_CLOEXEC);
	EXPECT(fd >= 0, "open %s: %s", ptmx, strerror(errno));
	if (fd < 0)
		return;
	EXPECT_INT(ioctl(fd, TIOCGPTN, &n), 0);
	EXPECT_INT(n, 0);
	EXPECT_INT(access(at_root(f, "dev/pts/0"), F_OK), 0);
	close(fd);
}

static void expect_no_error(const struct child_error *e)
{
	lxcmgr_error *err = NULL;

	if (!e->step[0])
		return;
	child_error_report(e, &err);
	EXPECT(false, "no child error, saw: %s", err ? err->msg : "?");
	lxcmgr_error_free(err);
}

/* ---------------------------------------------------------- /dev tests */

static void autodev_child(struct fixture *f)
{
	struct start_plan p = plan_for(f, true, NULL);
	struct dev_ptys ptys = ptys_for(f);
	struct child_error e = { 0 };
	struct stat st;
	int fd;

	EXPECT_INT(dev_mount_tmpfs(&p, &e), 0);
	EXPECT_INT(fs_type(at_root(f, "dev")), TMPFS_MAGIC);
	EXPECT_INT(fs_bytes(at_root(f, "dev")), 503808); /* 500000, in whole pages */
	EXPECT_INT(dev_populate(&p, &ptys, &e), 0);
	expect_no_error(&e);
	expect_node(f, "null", 1, 3);
	expect_node(f, "zero", 1, 5);
	expect_node(f, "full", 1, 7);
	expect_node(f, "random", 1, 8);
	expect_node(f, "urandom", 1, 9);
	expect_node(f, "tty", 5, 0);
	EXPECT_INT(stat(at_root(f, "dev/null"), &st), 0);
	EXPECT_INT(st.st_mode & 07777, 0666);
	fd = open(at_root(f, "dev/null"), O_WRONLY | O_CLOEXEC);
	EXPECT(fd >= 0 && write(fd, "x", 1) == 1, "write to /dev/null: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	expect_link(f, "dev/fd", "/proc/self/fd");
	expect_link(f, "dev/stdin", "/proc/self/fd/0");
	expect_link(f, "dev/stdout", "/proc/self/fd/1");
	expect_link(f, "dev/stderr", "/proc/self/fd/2");
	expect_link(f, "dev/ptmx", "pts/ptmx");
	EXPECT(stat(at_root(f, "dev/shm"), &st) == 0 && S_ISDIR(st.st_mode) &&
		       (st.st_mode & 07777) == 01777,
	       "dev/shm a 1777 directory, saw 0%o", st.st_mode);
	expect_private_devpts(f, "dev/ptmx");
	expect_pty_path(f, "dev/console", f->console_fd, f->console);
	expect_pty_path(f, "dev/tty1", f->tty_fd, f->ttys[0]);
}

TEST(autodev_populates_dev)
{
	run_dev_test(autodev_child);
}

/* mknod refused: the host's nodes are bound over placeholders; devpts
 * without gid=5 (unmapped). */
static void userns_child(struct fixture *f)
{
	struct start_plan p = plan_for(f, true, NULL);
	struct dev_ptys ptys = ptys_for(f);
	struct child_error e = { 0 };
	int fd;

	EXPECT(mknod(at_root(f, "probe"), S_IFCHR | 0600, makedev(1, 3)) < 0 && errno == EPERM,
	       "mknod refused in the user namespace");
	EXPECT_INT(dev_mount_tmpfs(&p, &e), 0);
	EXPECT_INT(dev_populate(&p, &ptys, &e), 0);
	expect_no_error(&e);
	expect_node(f, "null", 1, 3);
	expect_node(f, "tty", 5, 0);
	fd = open(at_root(f, "dev/zero"), O_RDONLY | O_CLOEXEC);
	EXPECT(fd >= 0, "open the bound /dev/zero: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	expect_private_devpts(f, "dev/ptmx");
	expect_pty_path(f, "dev/console", f->console_fd, f->console);
}

TEST(userns_binds_host_nodes)
{
	run_dev_test_in(userns_child, true);
}

static void tty_dir_child(struct fixture *f)
{
	struct start_plan p = plan_for(f, true, "lxc");
	struct dev_ptys ptys = ptys_for(f);
	struct child_error e = { 0 };

	p.autodev_tmpfs_size = 1 << 20; /* lxc.autodev.tmpfs.size */
	EXPECT_INT(dev_mount_tmpfs(&p, &e), 0);
	EXPECT_INT(fs_bytes(at_root(f, "dev")), 1 << 20);
	EXPECT_INT(dev_populate(&p, &ptys, &e), 0);
	expect_no_error(&e);
	expect_link(f, "dev/console", "lxc/console");
	expect_link(f, "dev/tty1", "lxc/tty1");
	expect_pty_path(f, "dev/lxc/console", f->console_fd, f->console);
	expect_pty_path(f, "dev/console", f->console_fd, f->console);
	expect_pty_path(f, "dev/lxc/tty1", f->tty_fd, f->ttys[0]);
	expect_pty_path(f, "dev/tty1", f->tty_fd, f->ttys[0]);
}

TEST(tty_dir_puts_console_in_dev_lxc)
{
	run_dev_test(tty_dir_child);
}

static void no_autodev_child(struct fixture *f)
{
	struct start_plan p = plan_for(f, false, NULL);
	struct dev_ptys ptys = ptys_for(f);
	struct child_error e = { 0 };
	cleanup_free char *marker = NULL;

	EXPECT_INT(mkdir(at_root(f, "dev"), 0755), 0);
	EXPECT_INT(file_write_new(at_root(f, "dev/null"), "marker", 6, 0644), 0);
	EXPECT_INT(dev_mount_tmpfs(&p, &e), 0);
	EXPECT(fs_type(at_root(f, "dev")) != TMPFS_MAGIC, "no tmpfs on dev without autodev");
	EXPECT_INT(dev_populate(&p, &ptys, &e), 0);
	expect_no_error(&e);
	EXPECT_INT(file_read(at_root(f, "dev/null"), 100, &marker, NULL), 0);
	EXPECT_STR(marker, "marker");
	EXPECT(access(at_root(f, "dev/zero"), F_OK) < 0, "no dev/zero made without autodev");
	expect_private_devpts(f, "dev/ptmx");
	expect_pty_path(f, "dev/console", f->console_fd, f->console);
	expect_pty_path(f, "dev/tty1", f->tty_fd, f->ttys[0]);
}

TEST(no_autodev_leaves_nodes)
{
	run_dev_test(no_autodev_child);
}

/* The rootfs's /dev is an absolute link whose target exists both in the
 * rootfs and on the host: everything must land in the rootfs's, nothing
 * in the host's. */
static void escape_child(struct fixture *f)
{
	struct start_plan p = plan_for(f, false, NULL);
	struct dev_ptys ptys = ptys_for(f);
	struct child_error e = { 0 };
	char inside[256], path[300];

	snprintf(inside, sizeof(inside), "%s%s", f->rootfs, f->outside);
	EXPECT_INT(mkdir_p(inside, 0755), 0);
	EXPECT_INT(symlink(f->outside, at_root(f, "dev")), 0);
	EXPECT_INT(dev_populate(&p, &ptys, &e), 0);
	expect_no_error(&e);
	snprintf(path, sizeof(path), "%s/console", inside);
	EXPECT_INT(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/pts", inside);
	EXPECT_INT(fs_type(path), DEVPTS_SUPER_MAGIC);
	EXPECT(rmdir(f->outside) == 0, "host directory %s left empty: %s", f->outside,
	       strerror(errno));
}

TEST(links_stay_inside_rootfs)
{
	run_dev_test(escape_child);
}

/* A tty.dir link pointing out of the rootfs (made by a mount entry, say)
 * is followed inside it: the directory is made in the rootfs, not on the
 * host. */
static void tty_dir_escape_child(struct fixture *f)
{
	struct start_plan p = plan_for(f, true, "lxc");
	struct dev_ptys ptys = ptys_for(f);
	struct child_error e = { 0 };
	struct stat st, host;
	char inside[256];

	EXPECT_INT(dev_mount_tmpfs(&p, &e), 0);
	EXPECT_INT(symlink(f->outside, at_root(f, "dev/lxc")), 0);
	EXPECT_INT(dev_populate(&p, &ptys, &e), 0);
	expect_no_error(&e);
	/* Seen from the host, dev/lxc leads out: look at the rootfs's copy. */
	snprintf(inside, sizeof(inside), "%s%s/console", f->rootfs, f->outside);
	EXPECT(stat(inside, &st) == 0 && stat(f->console, &host) == 0 &&
		       st.st_rdev == host.st_rdev,
	       "%s is the host's %s", inside, f->console);
	EXPECT(rmdir(f->outside) == 0, "host directory %s left empty: %s", f->outside,
	       strerror(errno));
}

TEST(tty_dir_link_out_stays_inside)
{
	run_dev_test(tty_dir_escape_child);
}

static void bad_console_child(struct fixture *f)
{
	struct start_plan p = plan_for(f, true, NULL);
	struct dev_ptys ptys = ptys_for(f);
	struct child_error e = { 0 };
	lxcmgr_error *err = NULL;

	snprintf(ptys.console, sizeof(ptys.console), "/dev/pts/999999");
	EXPECT_INT(dev_mount_tmpfs(&p, &e), 0);
	EXPECT_INT(dev_populate(&p, &ptys, &e), -ENOENT);
	EXPECT_INT(child_error_report(&e, &err), -ENOENT);
	EXPECT_STR(err ? err->msg : NULL,
		   "bind console \"/dev/pts/999999\" -> \"/dev/console\": No such file or "
		   "directory (lxc.console.path; set lxc.console.path = none to start without "
		   "a console)");
	lxcmgr_error_free(err);
}

TEST(console_failure_is_reported)
{
	run_dev_test(bad_console_child);
}

UNIT_MAIN(report_where_and_hint, report_where_only, report_key_without_origin, report_hint_only,
	  report_neither, report_errnum_zero, first_error_is_kept, long_fields_are_cut,
	  autodev_populates_dev, userns_binds_host_nodes, tty_dir_puts_console_in_dev_lxc,
	  no_autodev_leaves_nodes, links_stay_inside_rootfs, tty_dir_link_out_stays_inside,
	  console_failure_is_reported)
