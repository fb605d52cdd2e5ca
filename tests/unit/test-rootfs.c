/* rootfs: prepare, mount.auto, mount entries, pivot_root, and targets that
 * try to leave the rootfs. Each mounting case runs in a child with its own
 * mount namespace (root only; skipped otherwise), so nothing reaches the
 * host; the child checks what it sees and reports through its exit code
 * and a message on a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/rootfs.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

#define SKIP_CODE 77
#define MARKER "lxcmgr-test-rootfs-marker"
#define ORIGIN "config:14"

struct fixture {
	char base[64];   /* mkdtemp, holds rootfs and src */
	char rootfs[96]; /* base/rootfs: proc sys mnt srv marker */
	char src[96];    /* base/src: hello, MARKER */
	char host[64];   /* another mkdtemp: what a symlink in the rootfs aims at */
};

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		close(fd);
	}
}

static char *path_in(const char *dir, const char *rel)
{
	return str_printf("%s/%s", dir, rel);
}

static bool fixture_setup(struct fixture *f)
{
	static const char *const dirs[] = { "proc", "sys", "mnt", "srv" };

	snprintf(f->base, sizeof(f->base), "/tmp/lxcmgr-test-rootfs.XXXXXX");
	snprintf(f->host, sizeof(f->host), "/tmp/lxcmgr-test-rootfs-host.XXXXXX");
	if (!mkdtemp(f->base) || !mkdtemp(f->host))
		return false;
	snprintf(f->rootfs, sizeof(f->rootfs), "%s/rootfs", f->base);
	snprintf(f->src, sizeof(f->src), "%s/src", f->base);
	if (mkdir(f->rootfs, 0755) < 0 || mkdir(f->src, 0755) < 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		cleanup_free char *d = path_in(f->rootfs, dirs[i]);
		if (mkdir(d, 0755) < 0)
			return false;
	}
	cleanup_free char *marker = path_in(f->rootfs, "marker");
	cleanup_free char *hello = path_in(f->src, "hello");
	cleanup_free char *src_marker = path_in(f->src, MARKER);
	write_file(marker, "marker\n");
	write_file(hello, "hello\n");
	write_file(src_marker, "");
	return true;
}

static void fixture_teardown(struct fixture *f)
{
	int r1 = rm_rf_at(AT_FDCWD, f->base, NULL);
	int r2 = rm_rf_at(AT_FDCWD, f->host, NULL);
	EXPECT(r1 == 0 && r2 == 0, "temp dirs removed, saw %d %d", r1, r2);
}

static void plan_init(struct start_plan *p, const struct fixture *f)
{
	memset(p, 0, sizeof(*p));
	p->name = (char *)"test";
	p->rootfs = (char *)f->rootfs;
	p->rootfs_origin = (char *)"config:3";
	p->auto_origin = (char *)"config:4";
}

/* ------------------------------------------------------------ children */

typedef int (*child_fn)(const struct fixture *f, char *msg, size_t size);

static int fail(char *msg, size_t size, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *msg, size_t size, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(msg, size, "line %d: ", line);

	va_start(ap, fmt);
	vsnprintf(msg + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	return 1;
}

/* In a child: fails the case with a message when COND is false. */
#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond))                                              \
			return fail(msg, size, __LINE__, __VA_ARGS__);    \
	} while (0)

/* A call that returns 0 or -errno, with E: fails with the record. */
#define CHECK_CALL(call, e)                                                                   \
	do {                                                                                  \
		int r_ = (call);                                                              \
		CHECK(r_ == 0, "%s = %d (%s): %s %s: %s (%s; %s)", #call, r_, strerror(-r_),  \
		      (e).step, (e).what, strerror((e).errnum), (e).where, (e).hint);         \
	} while (0)

/* In a child: the plan for F with mount.auto FLAGS, its rootfs prepared
 * and the auto mounts made; 1 with MSG set on an error. */
static int prepare_auto(struct start_plan *p, struct child_error *e, const struct fixture *f,
			unsigned flags, char *msg, size_t size)
{
	plan_init(p, f);
	p->auto_mounts = flags;
	CHECK_CALL(rootfs_prepare(p, e), *e);
	CHECK_CALL(rootfs_mount_auto(p, e), *e);
	return 0;
}

/* In a child: the plan for F with the N mount entries M, its rootfs
 * prepared (the entries are the caller's to mount); 1 with MSG set on an
 * error. */
static int prepare_entries(struct start_plan *p, struct child_error *e, const struct fixture *f,
			   struct plan_mount *m, size_t n, char *msg, size_t size)
{
	plan_init(p, f);
	p->mounts = m;
	p->n_mounts = n;
	CHECK_CALL(rootfs_prepare(p, e), *e);
	return 0;
}

static void child_main(const struct fixture *f, int flags, child_fn fn, int out)
{
	char msg[1024] = "";
	int code;

	if (unshare(flags) < 0) {
		snprintf(msg, sizeof(msg), "unshare: %s", strerror(errno));
		code = SKIP_CODE;
	} else {
		code = fn(f, msg, sizeof(msg)) ? 1 : 0;
	}
	if (write(out, msg, strlen(msg)) < 0)
		code = 2;
	_exit(code);
}

/* Runs FN in a child in new namespaces FLAGS (CLONE_NEWNS at least) and
 * expects it to succeed. */
static void in_child(const struct fixture *f, int flags, child_fn fn, const char *name)
{
	char msg[1024];
	int pipefd[2], status = 0;
	ssize_t n, len = 0;

	if (geteuid() != 0) {
		printf("# SKIP %s: needs root (mount namespaces)\n", name);
		EXPECT(geteuid() != 0, "skipped only when not root");
		return;
	}
	EXPECT(pipe2(pipefd, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		child_main(f, flags, fn, pipefd[1]);
	close(pipefd[1]);
	while ((n = read(pipefd[0], msg + len, sizeof(msg) - 1 - (size_t)len)) > 0)
		len += n;
	msg[len] = '\0';
	close(pipefd[0]);
	EXPECT(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == SKIP_CODE) {
		printf("# SKIP %s: %s\n", name, msg);
		return;
	}
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: child exit status 0x%x: %s",
	       name, status, msg);
}

#define RUN_IN_CHILD(flags, fn)                                                  \
	do {                                                                     \
		struct fixture f_;                                               \
		EXPECT(fixture_setup(&f_), "fixture: %s", strerror(errno));       \
		in_child(&f_, (flags), (fn), #fn);                               \
		fixture_teardown(&f_);                                           \
	} while (0)

/* ------------------------------------------------------------- helpers */

/* The last line of /proc/self/mountinfo whose mount point is PATH (the
 * top mount there), or NULL. */
static char *mountinfo_last(const char *path)
{
	cleanup_free char *data = NULL;
	size_t len;
	char *save = NULL, *found = NULL;

	if (file_read("/proc/self/mountinfo", 1 << 22, &data, &len) < 0)
		return NULL;
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char point[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 && str_eq(point, path)) {
			free(found);
			found = strdup(line);
		}
	}
	return found;
}

static long fs_type(const char *path)
{
	struct statfs s;
	return statfs(path, &s) == 0 ? (long)s.f_type : -errno;
}

static bool is_read_only(const char *path)
{
	struct statvfs s;
	return statvfs(path, &s) == 0 && (s.f_flag & ST_RDONLY);
}

/* open(O_WRONLY) of an existing file: 0 or -errno. */
static int try_write_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int try_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	unlink(path);
	return 0;
}

/* Open fds of this process, to catch a leak. */
static int count_fds(void)
{
	cleanup_closedir DIR *d = opendir("/proc/self/fd");
	int n = 0;

	for (struct dirent *de; d && (de = readdir(d));)
		n += de->d_name[0] != '.';
	return n;
}

static bool has_file(const char *dir, const char *rel)
{
	cleanup_free char *p = path_in(dir, rel);
	return p && access(p, F_OK) == 0;
}

static struct plan_mount bind_entry(const char *source, const char *target)
{
	return (struct plan_mount){ .source = (char *)source,
				    .target = (char *)target,
				    .fstype = (char *)"none",
				    .flags = MS_BIND,
				    .origin = (char *)ORIGIN };
}

/* ------------------------------------------------------------- prepare */

static int child_prepare(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };

	plan_init(&p, f);
	CHECK_CALL(rootfs_prepare(&p, &e), e);
	cleanup_free char *line = mountinfo_last(f->rootfs);
	CHECK(line, "mountinfo has no mount on \"%s\"", f->rootfs);
	cleanup_free char *probe = path_in(f->rootfs, "probe");
	CHECK(try_create(probe) == 0, "the rootfs is writable: %s", strerror(errno));
	return 0;
}

TEST(prepare_makes_mount_point)
{
	RUN_IN_CHILD(CLONE_NEWNS, child_prepare);
}

static int child_prepare_ro(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };

	plan_init(&p, f);
	p.rootfs_flags = MS_RDONLY | MS_NOSUID;
	CHECK_CALL(rootfs_prepare(&p, &e), e);
	cleanup_free char *probe = path_in(f->rootfs, "probe");
	int r = try_create(probe);
	CHECK(r == -EROFS, "create in a ro rootfs: expected EROFS, saw %s", strerror(-r));
	struct statvfs s;
	CHECK(statvfs(f->rootfs, &s) == 0 && (s.f_flag & ST_NOSUID), "the rootfs is nosuid");
	return 0;
}

TEST(prepare_read_only)
{
	struct fixture f;
	EXPECT(fixture_setup(&f), "fixture: %s", strerror(errno));
	in_child(&f, CLONE_NEWNS, child_prepare_ro, "child_prepare_ro");
	/* The host's view is untouched. */
	cleanup_free char *probe = path_in(f.rootfs, "probe");
	int r = try_create(probe);
	EXPECT(r == 0, "the host still writes the rootfs, saw %s", strerror(-r));
	fixture_teardown(&f);
}

/* ----------------------------------------------------------- mount.auto */

static int child_auto_rw(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };

	if (prepare_auto(&p, &e, f, AUTO_PROC_RW | AUTO_SYS_RW, msg, size))
		return 1;
	cleanup_free char *proc = path_in(f->rootfs, "proc");
	cleanup_free char *sys = path_in(f->rootfs, "sys");
	cleanup_free char *proc_sys = path_in(f->rootfs, "proc/sys");
	CHECK(fs_type(proc) == PROC_SUPER_MAGIC, "proc type, saw %lx", fs_type(proc));
	CHECK(fs_type(sys) == SYSFS_MAGIC, "sysfs type, saw %lx", fs_type(sys));
	CHECK(!is_read_only(sys), "sys:rw is writable");
	CHECK(!is_read_only(proc_sys), "proc:rw leaves /proc/sys writable");
	struct statvfs s;
	CHECK(statvfs(proc, &s) == 0 && (s.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC)) ==
					   (ST_NOSUID | ST_NODEV | ST_NOEXEC),
	      "proc is nosuid,nodev,noexec");
	return 0;
}

TEST(auto_proc_sys_rw)
{
	RUN_IN_CHILD(CLONE_NEWNS | CLONE_NEWNET, child_auto_rw);
}

static int child_proc_mixed(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };

	int fds = count_fds();
	if (prepare_auto(&p, &e, f, AUTO_PROC_MIXED, msg, size))
		return 1;
	CHECK(count_fds() == fds, "no fd leaked: %d before, %d after", fds, count_fds());
	cleanup_free char *proc = path_in(f->rootfs, "proc");
	cleanup_free char *sys = path_in(f->rootfs, "proc/sys");
	cleanup_free char *net = path_in(f->rootfs, "proc/sys/net");
	cleanup_free char *fwd = path_in(f->rootfs, "proc/sys/net/ipv4/ip_forward");
	cleanup_free char *hostname = path_in(f->rootfs, "proc/sys/kernel/hostname");
	cleanup_free char *sysrq = path_in(f->rootfs, "proc/sysrq-trigger");
	CHECK(fs_type(proc) == PROC_SUPER_MAGIC, "proc type, saw %lx", fs_type(proc));
	CHECK(is_read_only(sys), "proc/sys is read-only");
	CHECK(!is_read_only(net), "proc/sys/net is writable");
	int r = try_write_open(fwd);
	CHECK(r == 0, "open ip_forward for writing: %s", strerror(-r));
	r = try_write_open(hostname);
	CHECK(r == -EROFS, "open kernel/hostname for writing: expected EROFS, saw %s",
	      strerror(-r));
	r = try_write_open(sysrq);
	CHECK(r == -EROFS || r == -ENOENT, "sysrq-trigger: expected EROFS, saw %s", strerror(-r));
	return 0;
}

TEST(auto_proc_mixed)
{
	RUN_IN_CHILD(CLONE_NEWNS | CLONE_NEWNET, child_proc_mixed);
}

static int child_sys_ro(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };

	if (prepare_auto(&p, &e, f, AUTO_SYS_RO, msg, size))
		return 1;
	cleanup_free char *sys = path_in(f->rootfs, "sys");
	cleanup_free char *net = path_in(f->rootfs, "sys/devices/virtual/net");
	CHECK(fs_type(sys) == SYSFS_MAGIC, "sysfs type, saw %lx", fs_type(sys));
	CHECK(is_read_only(sys), "sys:ro is read-only");
	CHECK(is_read_only(net), "sys:ro is read-only under devices/virtual/net too");
	CHECK(!has_file(f->rootfs, "proc/self"), "no proc was asked for");
	return 0;
}

TEST(auto_sys_ro)
{
	RUN_IN_CHILD(CLONE_NEWNS | CLONE_NEWNET, child_sys_ro);
}

static int child_sys_mixed(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };

	if (prepare_auto(&p, &e, f, AUTO_SYS_MIXED, msg, size))
		return 1;
	cleanup_free char *sys = path_in(f->rootfs, "sys");
	cleanup_free char *net = path_in(f->rootfs, "sys/devices/virtual/net");
	cleanup_free char *lo = path_in(f->rootfs, "sys/devices/virtual/net/lo");
	CHECK(fs_type(sys) == SYSFS_MAGIC, "sysfs type, saw %lx", fs_type(sys));
	CHECK(is_read_only(sys), "sys:mixed: sys is read-only");
	CHECK(fs_type(net) == SYSFS_MAGIC, "sysfs type under net, saw %lx", fs_type(net));
	CHECK(!is_read_only(net), "sys:mixed: devices/virtual/net is writable");
	CHECK(access(lo, F_OK) == 0, "the container's lo is in its sysfs");
	return 0;
}

TEST(auto_sys_mixed)
{
	RUN_IN_CHILD(CLONE_NEWNS | CLONE_NEWNET, child_sys_mixed);
}

/* -------------------------------------------------------- mount entries */

static int child_bind_create_dir(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };
	cleanup_free char *abs_target = path_in(f->rootfs, "mnt/abs");
	struct plan_mount m[] = { bind_entry(f->src, "srv/a/b/data"),
				  bind_entry(f->src, abs_target),
				  bind_entry(f->src, "/mnt/slash") };

	for (size_t i = 0; i < ARRAY_SIZE(m); i++)
		m[i].create_dir = true;
	if (prepare_entries(&p, &e, f, m, ARRAY_SIZE(m), msg, size))
		return 1;
	CHECK_CALL(rootfs_mount_entries(&p, &e), e);
	CHECK(has_file(f->rootfs, "srv/a/b/data/hello"), "bound on srv/a/b/data");
	CHECK(has_file(f->rootfs, "mnt/abs/hello"), "a target with the rootfs's host path");
	CHECK(has_file(f->rootfs, "mnt/slash/hello"), "an absolute target is inside the rootfs");
	cleanup_free char *data = path_in(f->rootfs, "srv/a/b/data");
	cleanup_free char *line = mountinfo_last(data);
	CHECK(line, "mountinfo has %s", data);
	return 0;
}

TEST(entry_bind_create_dir)
{
	RUN_IN_CHILD(CLONE_NEWNS, child_bind_create_dir);
}

static int child_create_file(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };
	cleanup_free char *hello = path_in(f->src, "hello");
	struct plan_mount m = bind_entry(hello, "etc/sub/hello.conf");

	m.create_file = true;
	if (prepare_entries(&p, &e, f, &m, 1, msg, size))
		return 1;
	CHECK_CALL(rootfs_mount_entries(&p, &e), e);
	cleanup_free char *target = path_in(f->rootfs, "etc/sub/hello.conf");
	cleanup_free char *text = NULL;
	size_t len;
	int r = file_read(target, 4096, &text, &len);
	CHECK(r == 0 && str_eq(text, "hello\n"), "the file bind shows the source: %d \"%s\"", r,
	      text ? text : "");
	return 0;
}

TEST(entry_create_file)
{
	RUN_IN_CHILD(CLONE_NEWNS, child_create_file);
}

static int child_ro_bind(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };
	struct plan_mount m = bind_entry(f->src, "mnt/ro");

	m.create_dir = true;
	m.flags |= MS_RDONLY | MS_NODEV;
	m.propagation = MS_SHARED;
	if (prepare_entries(&p, &e, f, &m, 1, msg, size))
		return 1;
	CHECK_CALL(rootfs_mount_entries(&p, &e), e);
	cleanup_free char *target = path_in(f->rootfs, "mnt/ro");
	cleanup_free char *inside = path_in(f->rootfs, "mnt/ro/new");
	cleanup_free char *outside = path_in(f->src, "new");
	int r = try_create(inside);
	CHECK(r == -EROFS, "create in a ro bind: expected EROFS, saw %s", strerror(-r));
	r = try_create(outside);
	CHECK(r == 0, "the source stays writable, saw %s", strerror(-r));
	cleanup_free char *line = mountinfo_last(target);
	CHECK(line && strstr(line, " ro,") && strstr(line, "nodev"), "mountinfo: %s",
	      line ? line : "(none)");
	CHECK(strstr(line, " shared:"), "propagation shared: %s", line);
	return 0;
}

TEST(entry_read_only_bind)
{
	RUN_IN_CHILD(CLONE_NEWNS, child_ro_bind);
}

static int child_tmpfs(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };
	struct plan_mount m = { .source = (char *)"tmpfs",
				.target = (char *)"mnt/tmp",
				.fstype = (char *)"tmpfs",
				.flags = MS_NOSUID | MS_NODEV,
				.propagation = MS_SHARED,
				.data = (char *)"mode=0700,size=1m",
				.create_dir = true,
				.origin = (char *)ORIGIN };

	if (prepare_entries(&p, &e, f, &m, 1, msg, size))
		return 1;
	CHECK_CALL(rootfs_mount_entries(&p, &e), e);
	cleanup_free char *target = path_in(f->rootfs, "mnt/tmp");
	struct stat st;
	struct statvfs sv;
	CHECK(fs_type(target) == TMPFS_MAGIC, "tmpfs type, saw %lx", fs_type(target));
	CHECK(stat(target, &st) == 0 && (st.st_mode & 07777) == 0700, "mode=0700 from the data");
	CHECK(statvfs(target, &sv) == 0 && (sv.f_flag & ST_NOSUID), "nosuid");
	cleanup_free char *line = mountinfo_last(target);
	CHECK(line && strstr(line, " shared:"), "propagation shared: %s", line ? line : "(none)");
	return 0;
}

TEST(entry_tmpfs)
{
	RUN_IN_CHILD(CLONE_NEWNS, child_tmpfs);
}

static int child_optional(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };
	cleanup_free char *missing = path_in(f->base, "missing");
	struct plan_mount m[] = { bind_entry(missing, "mnt/opt"), bind_entry(f->src, "mnt/after") };

	m[0].optional = m[0].create_dir = m[1].create_dir = true;
	if (prepare_entries(&p, &e, f, m, ARRAY_SIZE(m), msg, size))
		return 1;
	CHECK_CALL(rootfs_mount_entries(&p, &e), e);
	CHECK(e.step[0] == '\0', "no error recorded, saw step \"%s\"", e.step);
	CHECK(!has_file(f->rootfs, "mnt/opt"), "a skipped entry creates nothing");
	CHECK(has_file(f->rootfs, "mnt/after/hello"), "the entry after it is mounted");
	return 0;
}

TEST(entry_optional_missing_source)
{
	RUN_IN_CHILD(CLONE_NEWNS, child_optional);
}

static int child_missing_target(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };
	struct plan_mount m = bind_entry(f->src, "nope/x");
	lxcmgr_error *err = NULL;

	if (prepare_entries(&p, &e, f, &m, 1, msg, size))
		return 1;
	int r = rootfs_mount_entries(&p, &e);
	CHECK(r == -ENOENT, "expected -ENOENT, saw %d", r);
	CHECK(e.errnum == ENOENT, "errnum ENOENT, saw %d", e.errnum);
	CHECK(str_eq(e.step, "mount"), "step \"mount\", saw \"%s\"", e.step);
	CHECK(strstr(e.hint, "create=dir"), "hint names create=dir, saw \"%s\"", e.hint);
	CHECK(strstr(e.what, "\"nope/x\""), "what names the target, saw \"%s\"", e.what);
	CHECK(!has_file(f->rootfs, "nope"), "nothing was created");
	r = child_error_report(&e, &err);
	CHECK(r == -ENOENT && err, "report: %d", r);
	bool ok = strstr(err->msg, ORIGIN) && strstr(err->msg, "lxc.mount.entry");
	char text[512];
	snprintf(text, sizeof(text), "%s", err->msg);
	lxcmgr_error_free(err);
	CHECK(ok, "the report names the key and origin: \"%s\"", text);
	return 0;
}

TEST(entry_missing_target)
{
	RUN_IN_CHILD(CLONE_NEWNS, child_missing_target);
}

static int child_missing_source(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };
	struct plan_mount m = bind_entry("/nonexistent/lxcmgr-test", "mnt/x");

	m.create_dir = true;
	if (prepare_entries(&p, &e, f, &m, 1, msg, size))
		return 1;
	int r = rootfs_mount_entries(&p, &e);
	CHECK(r == -ENOENT, "expected -ENOENT, saw %d", r);
	CHECK(strstr(e.hint, "source path on the host"), "hint: \"%s\"", e.hint);
	CHECK(!has_file(f->rootfs, "mnt/x"), "nothing was created");
	return 0;
}

TEST(entry_missing_source)
{
	RUN_IN_CHILD(CLONE_NEWNS, child_missing_source);
}

static int child_relative_source(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };
	/* "srv" with "relative": the rootfs's own srv, even spelled "/srv". */
	struct plan_mount m = bind_entry("/srv", "mnt/rel");

	m.relative = m.create_dir = true;
	cleanup_free char *probe = path_in(f->rootfs, "srv/probe");
	write_file(probe, "");
	if (prepare_entries(&p, &e, f, &m, 1, msg, size))
		return 1;
	CHECK_CALL(rootfs_mount_entries(&p, &e), e);
	CHECK(has_file(f->rootfs, "mnt/rel/probe"), "the rootfs's srv is bound");
	return 0;
}

TEST(entry_relative_source)
{
	RUN_IN_CHILD(CLONE_NEWNS, child_relative_source);
}

/* ------------------------------------------------------- escape attempts */

/* rootfs/mnt -> /tmp/<host dir> (absolute, dangling inside the rootfs), an
 * entry on mnt/x, rootfs/up -> ../../../.. and one on up<host dir>/y, and a
 * create=file through a link: all land under rootfs/tmp/<host dir>. */
static int child_symlink_attack(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };
	cleanup_free char *up_target = str_printf("up%s/y", f->host);
	struct plan_mount m[] = { bind_entry(f->src, "mnt/x"), bind_entry(f->src, up_target),
				  bind_entry(f->src, "conf/z") };

	m[0].create_dir = m[1].create_dir = m[2].create_dir = true;
	int fds = count_fds();
	if (prepare_entries(&p, &e, f, m, ARRAY_SIZE(m), msg, size))
		return 1;
	CHECK_CALL(rootfs_mount_entries(&p, &e), e);
	CHECK(count_fds() == fds, "no fd leaked: %d before, %d after", fds, count_fds());

	cleanup_free char *inside = str_printf("%s%s", f->rootfs, f->host);
	CHECK(has_file(inside, "x/hello"), "mnt/x is %s/x", inside);
	CHECK(has_file(inside, "y/hello"), "up/.../y is %s/y", inside);
	CHECK(has_file(inside, "conf.d/z/hello"), "conf/z is %s/conf.d/z", inside);
	CHECK(!has_file(f->host, "x") && !has_file(f->host, "y") && !has_file(f->host, "conf.d"),
	      "the host dir %s is untouched", f->host);
	return 0;
}

TEST(symlink_attack_stays_inside)
{
	struct fixture f;
	EXPECT(fixture_setup(&f), "fixture: %s", strerror(errno));
	cleanup_free char *mnt = path_in(f.rootfs, "mnt");
	cleanup_free char *up = path_in(f.rootfs, "up");
	cleanup_free char *conf = path_in(f.rootfs, "conf");
	cleanup_free char *conf_target = str_printf("%s/conf.d", f.host);
	EXPECT(rmdir(mnt) == 0 && symlink(f.host, mnt) == 0, "symlink: %s", strerror(errno));
	EXPECT(symlink("../../../../../../..", up) == 0, "symlink: %s", strerror(errno));
	EXPECT(symlink(conf_target, conf) == 0, "symlink: %s", strerror(errno));
	in_child(&f, CLONE_NEWNS, child_symlink_attack, "child_symlink_attack");

	cleanup_closedir DIR *d = opendir(f.host);
	int entries = 0;
	for (struct dirent *de; d && (de = readdir(d));)
		entries += !str_eq(de->d_name, ".") && !str_eq(de->d_name, "..");
	EXPECT(d && entries == 0, "host dir %s stays empty, has %d entries", f.host, entries);
	fixture_teardown(&f);
}

static int child_dotdot(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };
	struct plan_mount m = bind_entry(f->src, "../../etc");

	m.create_dir = true;
	if (prepare_entries(&p, &e, f, &m, 1, msg, size))
		return 1;
	CHECK_CALL(rootfs_mount_entries(&p, &e), e);
	CHECK(has_file(f->rootfs, "etc/" MARKER), "../../etc is the rootfs's etc");
	CHECK(access("/etc/" MARKER, F_OK) < 0, "the host's /etc is untouched");
	cleanup_free char *parent = path_in(f->base, "etc");
	CHECK(access(parent, F_OK) < 0, "nothing next to the rootfs");
	return 0;
}

TEST(dotdot_target_stays_inside)
{
	RUN_IN_CHILD(CLONE_NEWNS, child_dotdot);
}

/* No mounts, no root needed: resolution and creation alone. */
TEST(open_inside_without_mounts)
{
	struct fixture f;
	struct stat root_st, st;
	EXPECT(fixture_setup(&f), "fixture: %s", strerror(errno));
	cleanup_free char *link = path_in(f.rootfs, "abs");
	EXPECT(symlink("/", link) == 0, "symlink: %s", strerror(errno));
	cleanup_close int root = open(f.rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	EXPECT(root >= 0 && fstat(root, &root_st) == 0, "open rootfs");

	static const char *const to_root[] = { "..",  "../../..", "/",
					       "abs", "abs/..",   "mnt/../.." };
	for (size_t i = 0; i < ARRAY_SIZE(to_root); i++) {
		int fd = rootfs_open_inside(root, to_root[i], 0);
		EXPECT(fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == root_st.st_ino &&
			       st.st_dev == root_st.st_dev,
		       "\"%s\" is the rootfs itself (fd %d)", to_root[i], fd);
		if (fd >= 0)
			close(fd);
	}
	int fd = rootfs_open_inside(root, "abs/tmp/new/dir", 'd');
	EXPECT(fd >= 0, "mkdir -p through abs -> /: %s", strerror(fd < 0 ? -fd : 0));
	if (fd >= 0)
		close(fd);
	EXPECT(has_file(f.rootfs, "tmp/new/dir"), "created in the rootfs");
	fd = rootfs_open_inside(root, "nope/file", 0);
	EXPECT_INT(fd, -ENOENT);
	fd = rootfs_open_inside(root, "marker/x", 'd');
	EXPECT_INT(fd, -ENOTDIR);
	fd = rootfs_open_inside(root, "files/f", 'f');
	EXPECT(fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode), "create=file makes a file");
	if (fd >= 0)
		close(fd);
	fixture_teardown(&f);
}

/* ---------------------------------------------------------------- pivot */

static int child_pivot(const struct fixture *f, char *msg, size_t size)
{
	struct start_plan p;
	struct child_error e = { 0 };
	struct stat before, after;
	char cwd[256];

	plan_init(&p, f);
	CHECK_CALL(rootfs_prepare(&p, &e), e);
	CHECK(stat(f->rootfs, &before) == 0, "stat rootfs: %s", strerror(errno));
	CHECK_CALL(rootfs_pivot(&p, &e), e);
	CHECK(access("/marker", F_OK) == 0, "/marker is visible: %s", strerror(errno));
	CHECK(stat("/", &after) == 0 && after.st_ino == before.st_ino &&
		      after.st_dev == before.st_dev,
	      "\"/\" is the rootfs");
	CHECK(getcwd(cwd, sizeof(cwd)) && str_eq(cwd, "/"), "cwd is /");
	CHECK(access(f->src, F_OK) < 0, "the host's files are gone: %s", f->src);
	return 0;
}

TEST(pivot_root_into_rootfs)
{
	RUN_IN_CHILD(CLONE_NEWNS, child_pivot);
}

UNIT_MAIN(prepare_makes_mount_point, prepare_read_only, auto_proc_sys_rw, auto_proc_mixed,
	  auto_sys_ro, auto_sys_mixed, entry_bind_create_dir, entry_create_file,
	  entry_read_only_bind, entry_tmpfs, entry_optional_missing_source, entry_missing_target,
	  entry_missing_source, entry_relative_source, symlink_attack_stays_inside,
	  dotdot_target_stays_inside, open_inside_without_mounts, pivot_root_into_rootfs)
