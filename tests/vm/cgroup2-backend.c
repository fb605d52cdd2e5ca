/* The cgroup2 backend (liblxcmgr/cgroup/v2.c) on a pure cgroup2 host: a
 * first piece for the VM lane of issue 4, which boots a kernel whose only
 * hierarchy is cgroup2. tests/vm/lane.sh builds it (static) and runs it in
 * the VM, as part of tests/run.
 *
 * It runs in the VM's root cgroup (all controllers enabled below it) and
 * makes, uses and removes /sys/fs/cgroup/lxcmgr-vmtest and /sys/fs/cgroup/busy
 * only. It ends with "N passed, N failed" and exits 1 on a failure. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "util/file.h"

static int passed, failed;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (cond) {                                                    \
			passed++;                                              \
		} else {                                                       \
			failed++;                                              \
			printf("not ok %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
		}                                                              \
	} while (0)

static const char *msg(const lxcmgr_error *e)
{
	return e && e->msg ? e->msg : "-";
}

static pid_t clone_into(int cgroup_fd)
{
	struct clone_args a = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
				.cgroup = (unsigned long long)cgroup_fd };
	return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
}

/* A value as cgroup_set writes it, read back. */
static void expect_file(struct cgroup *cg, const char *file, const char *want)
{
	char *got = NULL;
	lxcmgr_error *err = NULL;

	CHECK(cgroup_get(cg, 0, file, &got, &err) == 0 && got && strcmp(got, want) == 0,
	      "%s = \"%s\", want \"%s\" (%s)", file, got ? got : "-", want, msg(err));
	free(got);
	lxcmgr_error_free(err);
}

/* A v1 key as the start applies it on a cgroup2 host. */
static void set_v1(struct cgroup *cg, const char *file, const char *value)
{
	char *f = NULL, *v = NULL;
	lxcmgr_error *err = NULL;
	int ret = cgroup_translate(cg, 1, file, value, &f, &v, &err);

	ret = ret ?: cgroup_set(cg, 0, f, v, &err);
	CHECK(ret == 0, "lxc.cgroup.%s = %s: %s", file, value, msg(err));
	free(f);
	free(v);
	lxcmgr_error_free(err);
}

static void settings(struct cgroup *cg)
{
	lxcmgr_error *err = NULL;

	CHECK(cgroup_set(cg, 2, "pids.max", "5", &err) == 0, "pids.max: %s", msg(err));
	set_v1(cg, "memory.limit_in_bytes", "16M");
	set_v1(cg, "cpu.cfs_quota_us", "50000");
	expect_file(cg, "memory.max", "16777216");
	expect_file(cg, "cpu.max", "50000 100000");
	CHECK(cgroup_set(cg, 1, "memory.limit_in_bytes", "1M", &err) == -EOPNOTSUPP,
	      "an untranslated v1 key is refused");
	lxcmgr_error_free(err);
	err = NULL;
	CHECK(cgroup_set(cg, 2, "devices.allow", "c 1:3 rwm 1", &err) == -EINVAL &&
	      strstr(msg(err), "not a device rule"), "a bad device rule: %s", msg(err));
	lxcmgr_error_free(err);
	err = NULL;
	/* device rules: a BPF program, attached by commit */
	CHECK(cgroup_set(cg, 2, "devices.deny", "a", &err) == 0, "deny a: %s", msg(err));
	CHECK(cgroup_set(cg, 2, "devices.allow", "c 1:3 rwm", &err) == 0, "allow: %s", msg(err));
	set_v1(cg, "devices.allow", "c 1:5 r");
	CHECK(cgroup_commit(cg, &err) == 0, "commit (the device program): %s", msg(err));
	lxcmgr_error_free(err);
}

/* In the payload: what the device program lets through. Each child
 * reports one errno (0: it worked). */
static int in_payload_errno(int cgroup_fd, const char *path, int flags, bool make)
{
	int status = 0;
	pid_t pid = clone_into(cgroup_fd);

	if (pid == 0) {
		if (make)
			_exit(mknod(path, S_IFCHR | 0600, makedev(1, 9)) < 0 ? errno : 0);
		_exit(open(path, flags) < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void devices(int cgroup_fd)
{
	int e;

	e = in_payload_errno(cgroup_fd, "/dev/null", O_RDWR, false);
	CHECK(e == 0, "open /dev/null rw (allowed): %s", strerror(e));
	e = in_payload_errno(cgroup_fd, "/dev/zero", O_RDONLY, false);
	CHECK(e == 0, "read /dev/zero (c 1:5 r, translated): %s", strerror(e));
	e = in_payload_errno(cgroup_fd, "/dev/zero", O_WRONLY, false);
	CHECK(e == EPERM, "write /dev/zero (not allowed): %s", strerror(e));
	e = in_payload_errno(cgroup_fd, "/dev/urandom", O_RDONLY, false);
	CHECK(e == EPERM, "read /dev/urandom (denied): %s", strerror(e));
	unlink("/tmp/lxcmgr-vmtest-urandom");
	e = in_payload_errno(cgroup_fd, "/tmp/lxcmgr-vmtest-urandom", 0, true);
	CHECK(e == EPERM, "mknod c 1:9 (denied): %s", strerror(e));
	e = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	CHECK(e >= 0, "outside the payload /dev/urandom opens: %s", strerror(errno));
	if (e >= 0)
		close(e);
}

/* The freezer on the child and its 4: FREEZING or FROZEN at once, FROZEN
 * within a bounded number of looks; the statistics count the 5; a thaw
 * runs them again. */
static void freeze_and_stats(struct cgroup *cg)
{
	lxcmgr_error *err = NULL;
	struct lxcmgr_stats st;
	int state = -1;

	CHECK(cgroup_stats(cg, LXCMGR_STATS_ALL, &st) == 0, "stats");
	CHECK(st.pids == 5, "pids.current: %llu", (unsigned long long)st.pids);
	CHECK(st.cpu_ns != LXCMGR_STAT_UNKNOWN && st.cpu_ns > 0, "cpu: %llu",
	      (unsigned long long)st.cpu_ns);
	CHECK(st.mem_bytes != LXCMGR_STAT_UNKNOWN && st.mem_bytes > 0, "memory.current: %llu",
	      (unsigned long long)st.mem_bytes);
	CHECK(st.io_read_bytes != LXCMGR_STAT_UNKNOWN, "io.stat read");
	CHECK(cgroup_freeze(cg, true, &err) == 0, "freeze: %s", msg(err));
	for (int i = 0; i < 1000 && (state = cgroup_freezer_state(cg, &err)) ==
				       LXCMGR_STATE_FREEZING; i++)
		usleep(1000);
	CHECK(state == LXCMGR_STATE_FROZEN, "frozen: %d %s", state, msg(err));
	CHECK(cgroup_freeze(cg, false, &err) == 0, "thaw: %s", msg(err));
	state = cgroup_freezer_state(cg, &err);
	CHECK(state == LXCMGR_STATE_RUNNING, "thawed: %d %s", state, msg(err));
	lxcmgr_error_free(err);
}

/* A child cloned into the payload: its cgroup namespace starts there, and
 * pids.max 5 lets it fork 4 times. It waits to be killed. */
static void child_in_payload(struct cgroup *cg, int cgroup_fd)
{
	lxcmgr_error *err = NULL;
	char buf[128] = "";
	int p[2], status = 0;

	if (pipe(p) < 0)
		return;
	pid_t pid = clone_into(cgroup_fd);
	if (pid == 0) {
		char *self = NULL;
		int forks = 0;
		if (unshare(CLONE_NEWCGROUP) < 0 || file_read("/proc/self/cgroup", 4096, &self, NULL) < 0)
			_exit(1);
		for (int i = 0; i < 10; i++) {
			pid_t c = fork();
			if (c == 0) {
				pause();
				_exit(0);
			}
			forks += c > 0;
		}
		dprintf(p[1], "%d %s", forks, self);
		pause();
		_exit(0);
	}
	close(p[1]);
	CHECK(pid > 0, "clone3 CLONE_INTO_CGROUP: %s", strerror(errno));
	if (read(p[0], buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(p[0]);
	CHECK(strcmp(buf, "4 0::/\n") == 0, "4 forks under pids.max 5, cgroup ns root: \"%s\"", buf);
	freeze_and_stats(cg);
	CHECK(cgroup_kill(cg, &err) == 0, "kill: %s", msg(err));
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "killed, status %#x", status);
}

/* memory.max 16M: touching 64M is OOM-killed. */
static void memory_limit(int cgroup_fd)
{
	int status = 0;
	pid_t pid = clone_into(cgroup_fd);

	if (pid == 0) {
		size_t n = 64u << 20;
		char *m = malloc(n);
		for (size_t i = 0; m && i < n; i += 4096)
			m[i] = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "OOM kill, status %#x", status);
}

/* A client's way: the record read back, then kill and removal. */
static void remove_from_record(struct cgroup *cg)
{
	lxcmgr_error *err = NULL;
	struct cgroup *back = NULL;
	char *rec = cgroup_to_record(cg);
	struct stat st;

	CHECK(rec && cgroup_from_record(rec, &back) == 0 && back->ops == &cgroup_v2_ops, "record");
	CHECK(cgroup_leave(cg, &err) == 0, "leave: %s", msg(err));
	CHECK(back && cgroup_kill(back, &err) == 0, "kill from the record: %s", msg(err));
	CHECK(back && cgroup_remove(back, &err) == 0, "remove from the record: %s", msg(err));
	CHECK(stat("/sys/fs/cgroup/lxcmgr-vmtest", &st) < 0 && errno == ENOENT, "all removed");
	cgroup_free(back);
	free(rec);
	lxcmgr_error_free(err);
}

/* lxc.cgroup.relative from a cgroup with processes: refused, with why,
 * and nothing changed. */
static void busy_base(void)
{
	struct cgroup_spec rel = { .payload = "p", .monitor = "m", .relative = true };
	lxcmgr_error *err = NULL;
	struct cgroup *cg = NULL;
	char *enabled = NULL;
	struct stat st;
	FILE *f;

	mkdir("/sys/fs/cgroup/busy", 0755);
	if (!(f = fopen("/sys/fs/cgroup/busy/cgroup.procs", "w")))
		return;
	fprintf(f, "%d", getpid());
	fclose(f);
	CHECK(cgroup_open(&cg, &err) == 0, "open: %s", msg(err));
	int ret = cg ? cgroup_create(cg, &rel, &err) : -1;
	CHECK(ret == -EBUSY && strstr(msg(err), "Delegate"), "EBUSY with a hint: %d %s", ret, msg(err));
	CHECK(stat("/sys/fs/cgroup/busy/p", &st) < 0, "nothing left after the refusal");
	file_read("/sys/fs/cgroup/busy/cgroup.subtree_control", 4096, &enabled, NULL);
	CHECK(enabled && strspn(enabled, "\n") == strlen(enabled), "no controller enabled: \"%s\"",
	      enabled ? enabled : "-");
	cgroup_free(cg);
	free(enabled);
	lxcmgr_error_free(err);
}

int main(void)
{
	struct cgroup_spec spec = { .payload = "lxcmgr-vmtest/lxcmgr.payload.t",
				    .monitor = "lxcmgr-vmtest/lxcmgr.monitor.t" };
	lxcmgr_error *err = NULL;
	struct cgroup *cg = NULL;

	CHECK(cgroup_layout_detect() == CGROUP_LAYOUT_UNIFIED, "layout %d", cgroup_layout_detect());
	CHECK(cgroup_open(&cg, &err) == 0, "open: %s", msg(err));
	CHECK(cg && cg->ops == &cgroup_v2_ops && cg->n_hiers == 1, "the v2 backend, one hierarchy");
	if (cg && cgroup_create(cg, &spec, &err) == 0) {
		CHECK(cgroup_enter(cg, CGROUP_MONITOR, getpid(), &err) == 0, "enter: %s", msg(err));
		settings(cg);
		int fd = cgroup_clone_fd(cg);
		CHECK(fd >= 0, "an fd for CLONE_INTO_CGROUP");
		devices(fd);
		child_in_payload(cg, fd);
		memory_limit(fd);
		close(fd);
		remove_from_record(cg);
	} else {
		CHECK(0, "create: %s", msg(err));
	}
	cgroup_free(cg);
	lxcmgr_error_free(err);
	busy_base();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
