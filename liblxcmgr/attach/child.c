/* lxc-attach, the container's side: the joiner (A) and the command's
 * process (B) of attach.h. Both run in the caller's memory (CLONE_VM), so
 * they allocate nothing and only make system calls; they report failures
 * over the sync socket and _exit, and never return to the caller's code. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "attach/attach.h"
#include "security/apparmor.h"
#include "security/caps.h"
#include "security/seccomp.h"
#include "util/cleanup.h"
#include "util/fdpass.h"

/* A and B run on stacks of our own making, which AddressSanitizer does not
 * know: its handling of the _exit() that ends them warns of false
 * positives on the caller's stderr. Their code is left uninstrumented. */
#define CHILD_CODE __attribute__((no_sanitize_address))

int attach_send(int sock, int kind, int value, int fd, const char *fmt, ...)
{
	struct attach_msg m = { .kind = kind, .value = value };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m.text, sizeof(m.text), fmt, ap);
	va_end(ap);
	return fd_send(sock, &m, sizeof(m), &fd, 1);
}

/* Reports and ends the process; errnum 0 means no errno text. */
#define child_fail(job, errnum, ...)                                              \
	do {                                                                      \
		attach_send((job)->sock, ATTACH_MSG_ERROR, (errnum), -1, __VA_ARGS__); \
		_exit(1);                                                         \
	} while (0)

/* ------------------------------------------------------------ joiner */

/* In nsenter's order: the user namespace first, so that its capabilities
 * cover the others when they belong to it. */
static const struct {
	int flag;
	const char *name;
} ns_order[] = {
	{ CLONE_NEWUSER, "user" }, { CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWIPC, "ipc" },
	{ CLONE_NEWUTS, "uts" },   { CLONE_NEWNET, "net" },       { CLONE_NEWPID, "pid" },
	{ CLONE_NEWTIME, "time" }, { CLONE_NEWNS, "mnt" },
};

/* Before Linux 5.8 setns() takes no pidfd: one /proc/PID/ns file each.
 * All are opened before any is entered (the mount namespace changes what
 * /proc is), then the pidfd says whether PID was still init meanwhile. */
CHILD_CODE static void enter_by_proc(const struct attach_job *job)
{
	int fds[ARRAY_SIZE(ns_order)];
	char path[64];

	for (size_t i = 0; i < ARRAY_SIZE(ns_order); i++) {
		fds[i] = -1;
		if (!(job->ns_mask & ns_order[i].flag))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", job->init_pid, ns_order[i].name);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			child_fail(job, errno, "open \"%s\"", path);
	}
	if (syscall(SYS_pidfd_send_signal, job->pidfd, 0, NULL, 0) < 0)
		child_fail(job, errno, "init (pid %d) is gone", job->init_pid);
	for (size_t i = 0; i < ARRAY_SIZE(ns_order); i++)
		if (fds[i] >= 0 && setns(fds[i], ns_order[i].flag) < 0)
			child_fail(job, errno, "enter the %s namespace of init (pid %d)",
				   ns_order[i].name, job->init_pid);
}

CHILD_CODE static void enter_namespaces(const struct attach_job *job)
{
	if (!job->ns_mask)
		return;
	if (setns(job->pidfd, job->ns_mask) == 0)
		return;
	if (errno != EINVAL)
		child_fail(job, errno, "enter the namespaces of init (pid %d)", job->init_pid);
	enter_by_proc(job);
}

/* The pty comes from the container's devpts (its /dev/pts/ptmx), so that
 * the command sees a /dev/pts/N of its own; the slave is opened from the
 * master (TIOCGPTPEER), never by a path the container could swap. */
CHILD_CODE static int open_pty(const struct attach_job *job)
{
	const char *ptmx = job->ns_mask & CLONE_NEWNS ? "/dev/pts/ptmx" : "/dev/ptmx";
	cleanup_close int master = open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC);
	int unlock = 0;

	if (master < 0 && errno == ENOENT)
		master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		child_fail(job, errno, "open the container's \"%s\"", ptmx);
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		child_fail(job, errno, "unlock the pty");
	int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		child_fail(job, errno, "open the pty's slave");
	if (attach_send(job->sock, ATTACH_MSG_PTY, 0, master, "pty") < 0)
		child_fail(job, errno, "pass the pty");
	return slave;
}

/* Which cgroup.procs refused us, read back from the fd (we are still in
 * the host's mount namespace, so /proc/self is ours and the path the
 * host's), and what to do about it. The hint follows the text's NUL
 * (attach_msg_error). */
CHILD_CODE static void join_failed(const struct attach_job *job, int fd, int errnum)
{
	char link[32], path[PATH_MAX] = "cgroup.procs";
	const char *hint = attach_cgroup_join_hint(errnum, sched_getscheduler(0));

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t len = readlink(link, path, sizeof(path) - 1);
	if (len > 0)
		path[len] = '\0';
	child_fail(job, errnum, "write to \"%s\" to join the container's cgroup%c%s", path, '\0',
		   hint);
}

/* A moves itself into the container's cgroups (B, cloned later, inherits
 * them) while still in the caller's cgroup namespace: cgroup2 refuses a
 * move into a cgroup outside the writer's namespace root. */
CHILD_CODE static void join_cgroups(const struct attach_job *job)
{
	for (size_t i = 0; i < job->n_cgroup_fds; i++)
		if (job->cgroup_fds[i] >= 0 && write(job->cgroup_fds[i], "0", 1) != 1)
			join_failed(job, job->cgroup_fds[i], errno);
}

/* The bounding set and no_new_privs as init has them (unless -e CAP),
 * then init's AppArmor profile for the execve and its seccomp filter,
 * while B still has CAP_SYS_ADMIN (as init loaded it: security/security.h). */
CHILD_CODE static void drop_privileges(const struct attach_job *job)
{
	int failed = -1, r;

	if (!(job->opts->elevated & LXCMGR_ATTACH_ELEVATED_CAP) &&
	    (r = caps_bound(job->cap_bnd, &failed)) < 0)
		child_fail(job, -r, "drop capability %d", failed);
	if (job->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(job, errno, "set no_new_privs");
	if (job->aa_label && (r = aa_exec_profile(job->aa_label)) < 0)
		child_fail(job, -r, "set the AppArmor profile \"%s\"", job->aa_label);
#ifdef HAVE_LIBSECCOMP
	if (job->seccomp.n && (r = secfilter_load(&job->seccomp)) < 0)
		child_fail(job, -r, "load the container's seccomp filter");
#endif
}

/* After the switch of user: effective and permitted no wider than init's
 * bounding set (unless -e CAP), inheritable and ambient empty, as init. */
CHILD_CODE static void limit_capabilities(const struct attach_job *job)
{
	uint64_t keep = job->opts->elevated & LXCMGR_ATTACH_ELEVATED_CAP ? UINT64_MAX : job->cap_bnd;
	int r = caps_limit(keep);

	if (r < 0)
		child_fail(job, -r, "lower the capability sets");
}

/* Raw system calls: glibc's set*id and setgroups would change every
 * thread of the caller, whose memory we share. */
CHILD_CODE static void switch_user(const struct attach_job *job)
{
	/* The user's groups from the container's /etc/group (P read them). */
	if (syscall(SYS_setgroups, job->n_groups, job->groups) < 0 && errno != EPERM)
		child_fail(job, errno, "setgroups");
	if (syscall(SYS_setresgid, job->gid, job->gid, job->gid) < 0)
		child_fail(job, errno, "switch to gid %u", (unsigned)job->gid);
	if (syscall(SYS_setresuid, job->uid, job->uid, job->uid) < 0)
		child_fail(job, errno, "switch to uid %u", (unsigned)job->uid);
}

CHILD_CODE static void setup_stdio(const struct attach_job *job, int slave)
{
	if (slave < 0)
		return;
	/* A session of its own with the pty as controlling terminal: job
	 * control in the container's shell, and no TIOCSTI into ours. */
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		child_fail(job, errno, "make the pty the controlling terminal");
	for (int i = 0; i < 3; i++)
		if (job->tty[i] && dup2(slave, i) < 0)
			child_fail(job, errno, "dup2 the pty");
}

/* -R: B alone gets a copy of the host's mount table, with /proc of the
 * container's pid namespace and /sys of its network namespace. */
CHILD_CODE static void remount_sys_proc(const struct attach_job *job)
{
	const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;

	if (!job->remount)
		return;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		child_fail(job, errno, "-R: a mount namespace of its own");
	umount2("/proc", MNT_DETACH);
	if (mount("proc", "/proc", "proc", flags, NULL) < 0)
		child_fail(job, errno, "-R: mount /proc");
	if (job->ns_mask & CLONE_NEWNET) {
		umount2("/sys", MNT_DETACH);
		if (mount("sysfs", "/sys", "sysfs", flags, NULL) < 0)
			child_fail(job, errno, "-R: mount /sys");
	}
}

struct command_arg {
	const struct attach_job *job;
	int slave;
};

/* B: in the container's pid namespace, as the caller's child. */
CHILD_CODE static int run_command(void *data)
{
	const struct command_arg *arg = data;
	const struct attach_job *job = arg->job;
	sigset_t none;

	/* The caller blocked the signals it serves. Dispositions stay: exec
	 * resets handlers, and what the caller ignores (nohup) the command
	 * should. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setup_stdio(job, arg->slave);
	remount_sys_proc(job);
	drop_privileges(job);
	switch_user(job);
	limit_capabilities(job);
	/* As the user, so that a home it may not enter is not entered. */
	if (!job->home || chdir(job->home) < 0)
		if (chdir("/") < 0)
			child_fail(job, errno, "chdir \"/\"");
	/* Nothing of the caller's but stdio and the socket (for the helper's
	 * report) passes the exec. */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	fcntl(job->sock, F_SETFD, 0);
	syscall(SYS_execveat, job->helper_fd, "", job->helper_argv, job->env, AT_EMPTY_PATH);
	child_fail(job, errno, "exec the attach helper (lxcmgr-exec) from its memfd");
}

/* A. */
CHILD_CODE static int join(void *data)
{
	const struct attach_job *job = data;

	/* First of all: no ptrace and no /proc/PID/{mem,exe,fd} for the
	 * container until the command has been exec'd (it resets this). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	join_cgroups(job);
	enter_namespaces(job);
	/* Never a host directory as cwd, whatever comes next (CVE-2024-21626). */
	if (chdir("/") < 0)
		child_fail(job, errno, "chdir \"/\" in the container");
	struct command_arg arg = { .job = job, .slave = job->pty ? open_pty(job) : -1 };
	/* CLONE_PARENT: B is the caller's child, so the caller waits for it
	 * and we can go; CLONE_NEWPID having been entered, B is in the
	 * container's pid namespace. CLONE_VFORK: we go on once B has exec'd. */
	pid_t pid = clone(run_command, job->stack_b, CLONE_VM | CLONE_VFORK | CLONE_PARENT | SIGCHLD,
			  &arg);
	if (pid < 0)
		child_fail(job, errno, "clone the command's process");
	attach_send(job->sock, ATTACH_MSG_PID, (int)pid, -1, "pid");
	_exit(0);
}

pid_t attach_spawn(const struct attach_job *job)
{
	/* The kernel lets only a process whose memory is its own enter a time
	 * namespace: then A pays for a copy (B shares A's). */
	int vm = job->ns_mask & CLONE_NEWTIME ? 0 : CLONE_VM;
	pid_t pid = clone(join, job->stack_a, vm | CLONE_VFORK | SIGCHLD, (void *)job);

	return pid < 0 ? -errno : pid;
}
