/* Starting and stopping lxcmgr-attachd (run/attachd.h). */
#include <errno.h>
#include <linux/close_range.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach/attach.h"
#include "conf/conf.h"
#include "container.h"
#include "ctx.h"
#include "run/attachd.h"
#include "run/monitor.h"
#include "run/sockname.h"
#include "security/security.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"
#include "util/str.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define ATTACHD_PATH LIBEXECDIR "/lxcmgr/lxcmgr-attachd"

/* "<runtime>/c/<hash>.attach", beside the command socket. */
static char *server_path(const struct monitor *m)
{
	const char *sock = m->socket_path;
	size_t n = sock ? strlen(sock) : 0;

	size_t k = strlen(SOCKNAME_COMMAND);

	if (n < k || strcmp(sock + n - k, SOCKNAME_COMMAND) != 0)
		return NULL;
	return str_printf("%.*s" SOCKNAME_ATTACH, (int)(n - k), sock);
}

static int listen_at(const char *path, int *out, lxcmgr_error **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	cleanup_close int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (strlen(path) >= sizeof(sa.sun_path))
		return error_msg(err, ENAMETOOLONG, "attach server socket \"%s\": path too long", path);
	strcpy(sa.sun_path, path);
	if (fd < 0)
		return error_set(err, errno, "socket for the attach server");
	unlink(path); /* a dead server's */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, 64) < 0)
		return error_set(err, errno, "listen at \"%s\"", path);
	*out = steal_fd(fd);
	return 0;
}

/* The container's filter, for the server to load in each command. */
static int filter_memfd(const struct monitor *m, int *out, lxcmgr_error **err)
{
	const struct security_plan *s = m->plan ? m->plan->security : NULL;

	*out = -1;
	if (!s || s->seccomp.n == 0)
		return 0;
	cleanup_close int fd = memfd_create("lxcmgr-attachd-seccomp", MFD_CLOEXEC);
	size_t len = s->seccomp.n * sizeof(*s->seccomp.insns);
	if (fd < 0 || write(fd, s->seccomp.insns, len) != (ssize_t)len)
		return error_set(err, fd < 0 ? errno : EIO, "pass the seccomp filter to the attach server");
	*out = steal_fd(fd);
	return 0;
}

/* lxc.environment (one a line), for the requests in which the server
 * prepares the environment (ATTACHD_RESOLVE); -1 when it is not set. In a
 * memfd rather than the argv: /proc/PID/cmdline is anyone's to read. */
static int environment_memfd(const struct monitor *m, int *out, lxcmgr_error **err)
{
	cleanup_free char *env = NULL;
	cleanup_error lxcmgr_error *ignored = NULL;

	*out = -1;
	if (!m->c || !m->c->conf || conf_get(m->c->conf, "lxc.environment", &env, &ignored) < 0 ||
	    !env || !*env)
		return 0;
	cleanup_close int fd = memfd_create("lxcmgr-attachd-environment", MFD_CLOEXEC);
	size_t len = strlen(env);
	if (fd < 0 || write(fd, env, len) != (ssize_t)len)
		return error_set(err, fd < 0 ? errno : EIO,
				 "pass lxc.environment to the attach server");
	*out = steal_fd(fd);
	return 0;
}

struct spawn_args {
	int exe;
	char *argv[10];
	char num[7][24], cgs[32 * 12];
	int keep[5 + 32];
	size_t n_keep;
};

/* The server, with only the fds it is given (everything of ours is
 * close-on-exec) and /dev/null as stdio, not the monitor's terminal. The
 * vforked child runs on our stack until its exec: left uninstrumented, so
 * that AddressSanitizer's marks of its frames do not outlive it there. */
__attribute__((no_sanitize_address)) static pid_t spawn(const struct spawn_args *a)
{
	static char *const envp[] = { NULL };
	sigset_t none;
	pid_t pid = vfork();

	if (pid != 0)
		return pid;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int i = 0; i < 3; i++)
		if (null < 0 || dup2(null, i) < 0)
			_exit(127);
	/* Nothing the monitor inherited from its own caller either. */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	for (size_t i = 0; i < a->n_keep; i++)
		fcntl(a->keep[i], F_SETFD, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	syscall(SYS_execveat, a->exe, "", a->argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

static bool attachd_wanted(const struct monitor *m)
{
	const struct security_plan *s = m->plan ? m->plan->security : NULL;

	/* An ordinary user's monitor, and an init with an AppArmor profile
	 * (which the server does not apply), leave lxc-attach to its own path. */
	return geteuid() == 0 && m->init_pidfd >= 0 && m->init_pid > 0 && m->socket_path &&
	       !(s && s->aa_profile);
}

/* The server's argv (attach.h) and the fds it keeps. */
static int fill_args(struct spawn_args *a, const struct monitor *m, int listen_fd, int filter,
		     int env, uint64_t bnd, bool nnp, const int *cg, size_t n_cg, lxcmgr_error **err)
{
	size_t at = 0;

	strcpy(a->cgs, "-");
	for (size_t i = 0; i < n_cg; i++) {
		if (cg[i] < 0)
			continue;
		if (a->n_keep >= ARRAY_SIZE(a->keep) - 4)
			return error_msg(err, E2BIG, "too many cgroup hierarchies for the attach server");
		at += (size_t)snprintf(a->cgs + at, sizeof(a->cgs) - at, "%s%d", at ? "," : "", cg[i]);
		a->keep[a->n_keep++] = cg[i];
	}
	snprintf(a->num[0], sizeof(a->num[0]), "%d", listen_fd);
	snprintf(a->num[1], sizeof(a->num[1]), "%d", m->init_pidfd);
	snprintf(a->num[2], sizeof(a->num[2]), "%d", filter);
	snprintf(a->num[3], sizeof(a->num[3]), "%d", m->attachd_ns);
	snprintf(a->num[4], sizeof(a->num[4]), "%llx", (unsigned long long)bnd);
	snprintf(a->num[5], sizeof(a->num[5]), "%d", nnp ? 1 : 0);
	snprintf(a->num[6], sizeof(a->num[6]), "%d", env);
	a->argv[0] = (char *)ATTACHD_ARGV0;
	for (size_t i = 0; i < 6; i++)
		a->argv[1 + i] = a->num[i];
	a->argv[7] = a->cgs;
	a->argv[8] = a->num[6];
	a->argv[9] = NULL;
	a->keep[a->n_keep++] = listen_fd;
	a->keep[a->n_keep++] = m->init_pidfd;
	if (filter >= 0)
		a->keep[a->n_keep++] = filter;
	if (env >= 0)
		a->keep[a->n_keep++] = env;
	return 0;
}

static int run_server(struct monitor *m, const struct spawn_args *a, char **path,
		      lxcmgr_error **err)
{
	pid_t pid = spawn(a);
	/* vfork: the child cleared close-on-exec in its own fd table only. */
	int pidfd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;

	if (pid < 0 || pidfd < 0) {
		int ret = error_set(err, errno, "start the attach server");
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		return ret;
	}
	m->attachd_pid = pid;
	m->attachd_pidfd = pidfd;
	m->attachd_path = steal_ptr(*path);
	log_debug(m->c ? m->c->ctx : NULL, "attach server started (pid %d)", pid);
	return 0;
}

int attachd_start(struct monitor *m, lxcmgr_error **err)
{
	const char *exe_path = getenv("LXCMGR_ATTACHD_PATH");
	cleanup_free char *path = NULL;
	cleanup_close int listen_fd = -1, filter = -1, env = -1;
	cleanup_free int *cg = NULL;
	struct spawn_args a = { .exe = -1 };
	size_t n_cg = 0;
	uint64_t bnd = 0;
	bool nnp = false, confined = false;
	int ret;

	if (attachd_alive(m))
		return 0;
	if (!attachd_wanted(m))
		return -EOPNOTSUPP;
	path = server_path(m);
	if (!path)
		return error_msg(err, EINVAL, "no path for the attach server's socket");
	ret = attach_helper_memfd(exe_path && *exe_path ? exe_path : ATTACHD_PATH, "lxcmgr-attachd",
				  &a.exe, err);
	ret = ret ?: attach_read_status(m->init_pid, &bnd, &nnp, &confined);
	if (ret < 0) {
		if (a.exe >= 0)
			close(a.exe);
		return err && *err ? ret : error_set(err, -ret, "read init's status");
	}
	m->attachd_ns = attach_foreign_namespaces(m->init_pid);
	ret = filter_memfd(m, &filter, err);
	ret = ret ?: environment_memfd(m, &env, err);
	if (ret == 0 && m->cgroup)
		ret = attach_cgroup_open(m->cgroup, m->init_pid, &cg, &n_cg, err);
	ret = ret ?: listen_at(path, &listen_fd, err);
	ret = ret ?: fill_args(&a, m, listen_fd, filter, env, bnd, nnp, cg, n_cg, err);
	ret = ret ?: run_server(m, &a, &path, err);
	for (size_t i = 0; i < n_cg; i++)
		if (cg[i] >= 0)
			close(cg[i]);
	close(a.exe);
	return ret;
}

static void reaped(struct monitor *m)
{
	close(m->attachd_pidfd);
	m->attachd_pidfd = -1;
	m->attachd_pid = 0;
	if (m->attachd_path)
		unlink(m->attachd_path);
	free(m->attachd_path);
	m->attachd_path = NULL;
}

bool attachd_alive(struct monitor *m)
{
	siginfo_t info;

	if (m->attachd_pid <= 0)
		return false;
	memset(&info, 0, sizeof(info));
	if (waitid((idtype_t)P_PIDFD, (id_t)m->attachd_pidfd, &info, WEXITED | WNOHANG) == 0 &&
	    info.si_pid == 0)
		return true;
	log_info(m->c ? m->c->ctx : NULL, "attach server (pid %d) exited", m->attachd_pid);
	reaped(m);
	return false;
}

void attachd_stop(struct monitor *m)
{
	siginfo_t info;

	if (m->attachd_pid <= 0)
		return;
	syscall(SYS_pidfd_send_signal, m->attachd_pidfd, SIGKILL, NULL, 0);
	waitid((idtype_t)P_PIDFD, (id_t)m->attachd_pidfd, &info, WEXITED);
	reaped(m);
}
