/* Joining shared namespaces: open the sources, then clone init from an
 * intermediate process that has entered them.
 *
 * Why an intermediate: setns(CLONE_NEWPID) only changes the namespace of
 * the caller's later children, and entering the others would move the
 * monitor itself (its hooks and its own network must stay the host's). So
 * a forked process joins them and clones init with CLONE_PARENT, making
 * init the monitor's child, reaped and watched as without sharing. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/proto.h"
#include "run/share.h"
#include "util/cleanup.h"
#include "util/error.h"

static const char *ns_title(int flag)
{
	switch (flag) {
	case CLONE_NEWNET: return "network";
	case CLONE_NEWIPC: return "IPC";
	case CLONE_NEWUTS: return "UTS";
	case CLONE_NEWPID: return "PID";
	case CLONE_NEWCGROUP: return "cgroup";
	case CLONE_NEWTIME: return "time";
	default: return "other";
	}
}

/* Adds "(KEY, ORIGIN; HINT)" to the error and returns RET. */
static int share_where(lxcmgr_error **err, int ret, const struct plan_share *s, const char *hint)
{
	error_hint(err, "%s, %s%s%s", s->key, s->origin, hint ? "; " : "", hint ? hint : "");
	return ret;
}

/* A namespace file (/proc/PID/ns/net, a bind mount of one): it must be one
 * of the type the key names. */
static int open_path(const struct plan_share *s, lxcmgr_error **err)
{
	cleanup_close int fd = open(s->value, O_RDONLY | O_CLOEXEC);
	int type;

	if (fd < 0) {
		int ret = error_set(err, errno, "open namespace file \"%s\"", s->value);
		return share_where(err, ret, s, NULL);
	}
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != s->flag) {
		int ret = error_msg(err, EINVAL, "\"%s\": not a namespace of type %s", s->value,
				    s->ns);
		return share_where(err, ret, s,
				   type < 0 ? "give /proc/PID/ns/TYPE" : "check the type in the key");
	}
	return steal_fd(fd);
}

static int open_pid(const struct plan_share *s, lxcmgr_error **err)
{
	int fd = (int)syscall(SYS_pidfd_open, s->pid, 0);

	if (fd < 0)
		return share_where(err, error_set(err, errno, "join the %s namespace of process %d",
						  ns_title(s->flag), (int)s->pid),
				   s, NULL);
	return fd;
}

/* The other container's init, from its monitor: a pidfd, never a bare pid. */
static int open_container(const struct lxcmgr_ctx *ctx, const struct plan_share *s,
			  lxcmgr_error **err)
{
	cleanup_close int sock = -1;
	int fd = -1;
	int ret = proto_connect(ctx, s->value, &sock);

	if (ret == 0)
		ret = proto_call(sock, CMD_INIT_PIDFD, 0, NULL, 0, NULL, NULL, &fd);
	if (ret == 0 && fd < 0)
		ret = -EPROTO;
	if (proto_monitor_gone(ret))
		return share_where(err, error_msg(err, ESRCH, "join the %s namespace of container "
						  "\"%s\": it is not running",
						  ns_title(s->flag), s->value),
				   s, "start it first, or give a PID");
	if (ret < 0)
		return share_where(err, error_set(err, -ret, "ask container \"%s\" for its init",
						  s->value),
				   s, NULL);
	return fd;
}

void share_close(int *fds)
{
	for (size_t i = 0; i < PLAN_NS_MAX; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

int share_open(const struct lxcmgr_ctx *ctx, const struct start_plan *p, int *fds,
	       lxcmgr_error **err)
{
	for (size_t i = 0; i < PLAN_NS_MAX; i++)
		fds[i] = -1;
	for (size_t i = 0; i < p->n_shares; i++) {
		const struct plan_share *s = &p->shares[i];
		fds[i] = s->path ? open_path(s, err)
			 : s->pid ? open_pid(s, err)
				  : open_container(ctx, s, err);
		if (fds[i] < 0) {
			int ret = fds[i];
			fds[i] = -1;
			share_close(fds);
			return ret;
		}
	}
	return 0;
}

/* What the intermediate reports: init's pid, or which setns failed. */
struct share_result {
	int errnum;
	int failed; /* index of the share that could not be joined; -1: clone3 */
	pid_t pid;
};

/* The intermediate. Returns only in init; exits otherwise. */
static void intermediate(const struct start_plan *p, const int *fds, uint64_t flags, int out)
{
	struct share_result r = { .failed = -1 };
	struct clone_args args = { .flags = flags | CLONE_PARENT }; /* exit_signal must be 0 */

	for (size_t i = 0; i < p->n_shares; i++) {
		if (setns(fds[i], p->shares[i].flag) < 0) {
			r.errnum = errno;
			r.failed = (int)i;
			break;
		}
	}
	if (r.errnum == 0) {
		long ret = syscall(SYS_clone3, &args, sizeof(args));
		if (ret == 0) {
			close(out);
			return;
		}
		r.errnum = ret < 0 ? errno : 0;
		r.pid = (pid_t)ret;
	}
	_exit(write(out, &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 1);
}

static int joined(const struct start_plan *p, const struct share_result *r, pid_t *pid,
		  int *pidfd, lxcmgr_error **err)
{
	if (r->failed >= 0 && (size_t)r->failed < p->n_shares) {
		const struct plan_share *s = &p->shares[r->failed];
		return share_where(err, error_set(err, r->errnum, "join the %s namespace of \"%s\"",
						  ns_title(s->flag), s->value),
				   s, NULL);
	}
	if (r->errnum || r->pid <= 0) {
		int ret = error_set(err, r->errnum ? r->errnum : EPROTO,
				    "create the container's namespaces (clone3)");
		error_hint(err, "lxc-checkconfig shows which namespaces this kernel has");
		return ret;
	}
	/* Init is our child and not reaped yet: its pid cannot be reused. */
	*pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	if (*pidfd < 0) {
		int ret = error_set(err, errno, "open a pidfd of init (%d)", (int)r->pid);
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
		return ret;
	}
	*pid = r->pid;
	return 0;
}

int share_clone(const struct start_plan *p, const int *fds, uint64_t flags, pid_t *pid,
		int *pidfd, lxcmgr_error **err)
{
	struct share_result r = { .failed = -1 };
	int pipefd[2];
	ssize_t n;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return error_set(err, errno, "create the namespace-sharing pipe");
	pid_t mid = fork();
	if (mid == 0) {
		close(pipefd[0]);
		intermediate(p, fds, flags, pipefd[1]);
		*pid = 0; /* init */
		return 0;
	}
	close(pipefd[1]);
	if (mid < 0) {
		close(pipefd[0]);
		return error_set(err, errno, "fork to join the shared namespaces");
	}
	while ((n = read(pipefd[0], &r, sizeof(r))) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(r))
		return error_msg(err, ECHILD, "the process joining the shared namespaces died");
	return joined(p, &r, pid, pidfd, err);
}
