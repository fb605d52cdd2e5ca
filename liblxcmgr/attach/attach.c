/* lxc-attach, the caller's side (P in attach.h): learn what the
 * container's init has, fork the joiner, proxy the pty, wait. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach/attach.h"
#include "container.h"
#include "run/proto.h"
#include "util/cleanup.h"
#include "util/error.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define HELPER_PATH LIBEXECDIR "/lxcmgr/lxcmgr-exec"

extern char **environ;

/* ------------------------------------------------------ what init has */

static int pidfd_pid(int pidfd)
{
	char path[64], line[128];
	int pid = -1;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	cleanup_fclose FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Pid: %d", &pid) == 1)
			break;
	return pid > 0 ? pid : -ESRCH; /* -1: it has exited */
}

/* Namespaces init does not share with us: those are the ones to join
 * (setns into our own user namespace would fail with EINVAL). */
int attach_foreign_namespaces(pid_t pid)
{
	static const struct { int flag; const char *name; } ns[] = {
		{ CLONE_NEWUSER, "user" }, { CLONE_NEWNS, "mnt" },   { CLONE_NEWPID, "pid" },
		{ CLONE_NEWNET, "net" },   { CLONE_NEWIPC, "ipc" },  { CLONE_NEWUTS, "uts" },
		{ CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWTIME, "time" },
	};
	char path[64];
	int mask = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		struct stat theirs, ours;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns[i].name);
		if (stat(path, &theirs) < 0)
			continue; /* a namespace this kernel lacks */
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i].name);
		if (stat(path, &ours) < 0 || theirs.st_ino != ours.st_ino ||
		    theirs.st_dev != ours.st_dev)
			mask |= ns[i].flag;
	}
	return mask;
}

/* The bounding set and no_new_privs of PID, from /proc/PID/status. */
int attach_read_status(pid_t pid, uint64_t *cap_bnd, bool *no_new_privs, bool *seccomp)
{
	char path[64], line[256];
	bool got_bnd = false;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	cleanup_fclose FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long bnd;
		int nnp;
		if (sscanf(line, "CapBnd: %llx", &bnd) == 1) {
			*cap_bnd = bnd;
			got_bnd = true;
		} else if (sscanf(line, "NoNewPrivs: %d", &nnp) == 1) {
			*no_new_privs = nnp == 1;
		} else if (sscanf(line, "Seccomp: %d", &nnp) == 1) {
			*seccomp = nnp != 0;
		}
	}
	return got_bnd ? 0 : -EIO;
}

static int read_init(struct lxcmgr_container *c, struct attach_job *job, lxcmgr_error **err)
{
	cleanup_close int fd = -1;
	int pidfd = -1;
	int ret = proto_connect(c->ctx, c->name, &fd);

	ret = ret ?: proto_call(fd, CMD_INIT_PIDFD, 0, NULL, 0, NULL, NULL, &pidfd);
	if (proto_monitor_gone(ret))
		return error_msg(err, ESRCH, "container \"%s\" is not running", c->name);
	if (ret < 0)
		return error_set(err, -ret, "ask the monitor of \"%s\" for init", c->name);
	job->pidfd = pidfd;
	/* lxc.environment applies to attached commands too, as in LXC. */
	if (proto_call(fd, CMD_CONFIG_ITEM, 0, "lxc.environment", sizeof("lxc.environment") - 1,
		       &job->conf_env, NULL, NULL) < 0) {
		free(job->conf_env);
		job->conf_env = NULL;
	}
	job->init_pid = pidfd_pid(pidfd);
	ret = job->init_pid < 0 ? job->init_pid
			       : attach_read_status(job->init_pid, &job->cap_bnd, &job->no_new_privs,
						    &job->init_seccomp);
	if (ret == 0)
		ret = attach_security_prepare(c, fd, job, err);
	if (ret < 0 && err && *err)
		return ret;
	if (ret == 0)
		job->ns_mask = attach_foreign_namespaces(job->init_pid);
	/* Still alive now, so the pid read through /proc was init's. */
	if (ret == 0 && syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
		ret = -errno;
	if (ret == -ESRCH)
		return error_msg(err, ESRCH, "container \"%s\" stopped", c->name);
	return ret < 0 ? error_set(err, -ret, "read init's status (pid %d)", job->init_pid) : 0;
}

/* ------------------------------------------------------------ helper */

/* A sealed in-memory copy of lxcmgr-exec: what the command's process
 * execs, so that its /proc/self/exe is nothing the container can write. */
int attach_helper_memfd(const char *path, const char *name, int *out, lxcmgr_error **err)
{
	cleanup_close int src = open(path, O_RDONLY | O_CLOEXEC);
	cleanup_close int mfd = -1;
	struct stat st;

	if (src < 0 || fstat(src, &st) < 0) {
		int ret = error_set(err, errno, "open the attach helper \"%s\"", path);
		error_hint(err, "install lxcmgr, or set LXCMGR_EXEC_PATH to lxcmgr-exec "
			   "(LXCMGR_ATTACHD_PATH to lxcmgr-attachd)");
		return ret;
	}
	mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL) /* before Linux 6.3 */
		mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return error_set(err, errno, "memfd_create");
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = sendfile(mfd, src, NULL, (size_t)(st.st_size - done));
		if (n <= 0)
			return error_set(err, n < 0 ? errno : EIO, "copy \"%s\" to a memfd", path);
		done += n;
	}
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		return error_set(err, errno, "seal the memfd of \"%s\"", path);
	*out = steal_fd(mfd);
	return 0;
}

/* ------------------------------------------------------------ talking */

/* One message from A, B or the helper. 1 for one, 0 at EOF (every child
 * end is closed: the command has been exec'd, or A died), or -errno. */
int attach_recv(int sock, struct attach_msg *m, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	ssize_t n;

	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	if ((size_t)n != sizeof(*m))
		return -EPROTO;
	m->text[sizeof(m->text) - 1] = '\0';
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (fd && cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return 1;
}

int attach_msg_error(const struct attach_msg *m, lxcmgr_error **err)
{
	size_t len = strnlen(m->text, sizeof(m->text));
	int ret = error_set(err, m->value > 0 ? m->value : EIO, "%.*s", (int)len, m->text);

	if (len + 1 < sizeof(m->text) && m->text[len + 1])
		error_hint(err, "%.*s", (int)(sizeof(m->text) - len - 1), m->text + len + 1);
	return ret;
}

/* Waits for message KIND. An error message becomes *err. */
static int expect(int sock, int kind, struct attach_msg *m, int *fd, lxcmgr_error **err)
{
	int ret = attach_recv(sock, m, fd);

	if (ret < 0)
		return error_set(err, -ret, "read from the attaching process");
	if (ret == 0)
		return error_msg(err, EPIPE, "the attaching process died before it reported");
	if (m->kind == ATTACH_MSG_ERROR)
		return attach_msg_error(m, err);
	if (m->kind != kind)
		return error_msg(err, EPROTO, "unexpected message %d from the attaching process",
				 m->kind);
	return 0;
}

static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* After B's pid: EOF once the command runs, or why it could not (B is
 * reaped then, and *b set to -1). */
static int wait_exec(int sock, pid_t *b, lxcmgr_error **err)
{
	struct attach_msg m;
	int ret = attach_recv(sock, &m, NULL), status;

	if (ret <= 0)
		return ret < 0 ? error_set(err, -ret, "read from the attaching process") : 0;
	wait_child(*b, &status);
	*b = -1;
	if (m.kind == ATTACH_MSG_ERROR)
		return attach_msg_error(&m, err);
	return error_msg(err, EPROTO, "unexpected message %d from the attaching process", m.kind);
}

/* ------------------------------------------------------------ running */

#define STACK_SIZE (256 * 1024)

/* Stacks for A and B, and the helper's argv with our socket's number. */
static int prepare_spawn(struct attach_job *job, lxcmgr_error **err)
{
	size_t n = 0;

	while (job->argv[n])
		n++;
	job->helper_argv = calloc(n + 4, sizeof(*job->helper_argv));
	if (!job->helper_argv)
		return error_set(err, ENOMEM, "prepare the command");
	snprintf(job->sock_str, sizeof(job->sock_str), "%d", job->sock);
	job->helper_argv[0] = (char *)ATTACH_HELPER_ARGV0;
	job->helper_argv[1] = job->sock_str;
	job->helper_argv[2] = job->file;
	memcpy(&job->helper_argv[3], job->argv, n * sizeof(*job->argv));
	void *stacks = mmap(NULL, 2 * STACK_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stacks == MAP_FAILED)
		return error_set(err, errno, "mmap the stacks of the attaching processes");
	job->stacks = stacks;
	job->stack_a = job->stacks + STACK_SIZE; /* stacks grow down */
	job->stack_b = job->stacks + 2 * STACK_SIZE;
	return 0;
}

/* A and B run; P gets the pty master (when asked) and B's pid. A failure
 * of B comes before A's report of B's pid: read on to that, so that B is
 * reaped all the same. */
static int spawn(struct attach_job *job, int sock, int *master, pid_t *b, lxcmgr_error **err)
{
	struct attach_msg m;
	int ret = 0, status, dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	pid_t a = attach_spawn(job);

	/* A shared our memory and made it not dumpable; it is gone now. */
	if (dumpable > 0)
		prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
	close(job->sock);
	job->sock = -1;
	if (a < 0)
		return error_set(err, -a, "clone the attaching process");
	wait_child(a, &status);
	if (job->pty)
		ret = expect(sock, ATTACH_MSG_PTY, &m, master, err);
	for (;;) {
		int r = attach_recv(sock, &m, NULL);
		if (r <= 0 || m.kind == ATTACH_MSG_PID) {
			if (r == 1)
				*b = m.value;
			break;
		}
		if (m.kind == ATTACH_MSG_ERROR && ret == 0)
			ret = attach_msg_error(&m, err);
	}
	if (ret == 0 && *b <= 0)
		ret = error_msg(err, EPIPE, "the attaching process died before it reported");
	return ret;
}

static int run(struct attach_job *job, int *exit_status, lxcmgr_error **err)
{
	struct attach_tty t = { .master = -1, .sigfd = -1, .log_fd = -1 };
	cleanup_close int sock = -1, master = -1;
	int sv[2], ret, status = 0;
	pid_t b = -1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return error_set(err, errno, "socketpair");
	sock = sv[0];
	job->sock = sv[1];
	ret = prepare_spawn(job, err);
	if (ret < 0)
		return ret;
	/* Before the clone, so that no SIGCHLD of B is lost to the signalfd;
	 * B unblocks them. */
	sigset_t set;
	attach_tty_sigset(&set);
	sigprocmask(SIG_BLOCK, &set, &t.old_mask);
	ret = spawn(job, sock, &master, &b, err);
	ret = ret ?: attach_tty_begin(&t, job->pty ? master : -1, job->opts->pty_log, err);
	ret = ret ?: wait_exec(sock, &b, err);
	ret = ret ?: attach_tty_proxy(&t, b, &status);
	if (ret < 0 && b > 0) {
		/* Set up, but we cannot serve it: it must not run unseen. */
		kill(b, SIGKILL);
		wait_child(b, &status);
	}
	if (ret < 0 && !*err)
		error_set(err, -ret, "wait for the command");
	attach_tty_end(&t);
	sigprocmask(SIG_SETMASK, &t.old_mask, NULL);
	if (ret == 0 && exit_status)
		*exit_status = status;
	return ret;
}

static void job_release(struct attach_job *job)
{
	if (job->pidfd >= 0)
		close(job->pidfd);
	if (job->helper_fd >= 0)
		close(job->helper_fd);
	attach_cgroup_release(job);
	if (job->sock >= 0)
		close(job->sock);
	if (job->stacks)
		munmap(job->stacks, 2 * STACK_SIZE);
	free(job->home);
	free(job->groups);
	free(job->conf_env);
	free(job->seccomp.insns);
	free(job->aa_label);
	free(job->file);
	free(job->helper_argv);
	strv_free(job->env);
	strv_free(job->argv);
}

LXCMGR_PUBLIC int lxcmgr_container_attach(struct lxcmgr_container *c,
					  const struct lxcmgr_attach_options *opts,
					  int *exit_status, lxcmgr_error **err)
{
	static const struct lxcmgr_attach_options defaults = { .uid = -1, .gid = -1 };
	struct lxcmgr_attach_options o = opts ? *opts : defaults;
	struct attach_job job = { .opts = &o, .pidfd = -1, .helper_fd = -1, .sock = -1,
				  .caller_env = environ };
	/* The container's attach server when the request is one it serves;
	 * else, or when there is none, our own joiner and command processes. */
	int ret = attach_via_server(c, &o, exit_status, err);

	if (ret != 0)
		return ret < 0 ? error_wrap(err, ret, "attach to \"%s\"", c->name) : 0;
	ret = read_init(c, &job, err);

	if (o.namespaces) {
		/* Part of the container only: as in LXC, nothing is dropped. */
		job.ns_mask &= o.namespaces;
		o.elevated = LXCMGR_ATTACH_ELEVATED_ALL;
	}
	/* -R: /proc and /sys of the namespaces joined, over the host's file
	 * system; in the container's mount namespace they are its own. */
	if (ret == 0 && o.remount_sys_proc && (job.ns_mask & CLONE_NEWNS))
		ret = error_msg(err, EINVAL, "-R remounts /proc and /sys when the mount namespace "
				"is not joined; add -s without MOUNT");
	job.remount = o.remount_sys_proc;
	ret = ret ?: attach_helper_memfd(o.exec_helper ? o.exec_helper : HELPER_PATH,
					 "lxcmgr-exec", &job.helper_fd, err);
	ret = ret ?: attach_prepare(&job, err);
	ret = ret ?: attach_cgroup_prepare(c, &job, err);
	job.pty = o.pty == LXCMGR_ATTACH_PTY_AUTO && isatty(STDIN_FILENO);
	for (int i = 0; i < 3; i++)
		job.tty[i] = job.pty && isatty(i);
	ret = ret ?: run(&job, exit_status, err);
	job_release(&job);
	return ret < 0 ? error_wrap(err, ret, "attach to \"%s\"", c->name) : 0;
}
