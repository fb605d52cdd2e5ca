/* lxc-attach through the container's attach server (attach.h, "the attach
 * server"): one question to the monitor (CMD_ATTACH: init's pidfd and
 * pid, the server's socket, lxc.environment), the user and environment
 * prepared here as for our own path, one request to the server with our
 * stdin, stdout and stderr, then the pty proxied and the exit status read.
 *
 * Our own path (attach.c) stays for what the server does not do: a part
 * of the container (-s), -e, -R, -L, a monitor without a server (older,
 * an ordinary user's, an init with an AppArmor profile), and a server
 * that goes away before it has taken the request (nothing ran: the
 * monitor starts another at the next attach). LXCMGR_ATTACH_SERVER=0
 * takes our own path always (benchmarks, tests). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "attach/attach.h"
#include "container.h"
#include "run/proto.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdpass.h"
#include "util/str.h"

extern char **environ;

_Static_assert(ATTACHD_ENV_CLEAN == LXCMGR_ATTACH_ENV_CLEAN &&
		       ATTACHD_ENV_KEEP == LXCMGR_ATTACH_ENV_KEEP &&
		       ATTACHD_ENV_CLEAR == LXCMGR_ATTACH_ENV_CLEAR,
	       "the attach server's env_mode is enum lxcmgr_attach_env");

static bool server_serves(const struct lxcmgr_attach_options *o)
{
	if (str_eq(getenv("LXCMGR_ATTACH_SERVER"), "0"))
		return false;
	if (o->namespaces || o->elevated || o->pty_log || o->remount_sys_proc)
		return false;
	/* A closed stdin, stdout or stderr cannot be passed as it is. */
	for (int i = 0; i < 3; i++)
		if (fcntl(i, F_GETFD) < 0)
			return false;
	return true;
}

/* 1 with the server's socket in *path, 0 when the monitor has no server
 * (or does not know CMD_ATTACH), or -errno with *err. */
static int ask_monitor(struct lxcmgr_container *c, struct attach_job *job, char **path,
		       lxcmgr_error **err)
{
	cleanup_close int fd = -1;
	cleanup_free char *data = NULL;
	struct proto_attach_info info;
	uint32_t len = 0;
	int pidfd = -1, ret = proto_connect(c->ctx, c->name, &fd);

	ret = ret ?: proto_call(fd, CMD_ATTACH, 0, NULL, 0, &data, &len, &pidfd);
	if (ret == -EOPNOTSUPP)
		return 0;
	if (proto_monitor_gone(ret))
		return error_msg(err, ESRCH, "container \"%s\" is not running", c->name);
	if (ret < 0)
		return error_set(err, -ret, "ask the monitor of \"%s\" for init", c->name);
	job->pidfd = pidfd;
	if (len < sizeof(info) || pidfd < 0)
		return error_msg(err, EPROTO, "short answer from the monitor of \"%s\"", c->name);
	memcpy(&info, data, sizeof(info));
	const char *p = data + sizeof(info);
	if (info.path_len == 0 || info.path_len > len - sizeof(info) || p[info.path_len - 1])
		return error_msg(err, EPROTO, "bad answer from the monitor of \"%s\"", c->name);
	if (!*p)
		return 0;
	job->init_pid = info.init_pid;
	job->ns_mask = info.ns_mask;
	*path = strdup(p);
	size_t env_at = sizeof(info) + info.path_len;
	if (len > env_at)
		job->conf_env = strndup(data + env_at, len - env_at);
	return *path && (len == env_at || job->conf_env) ? 1 : error_set(err, ENOMEM, "attach");
}

static size_t count_strings(char *const *v, size_t *bytes)
{
	size_t n = 0;

	for (; v && v[n]; n++)
		*bytes += strlen(v[n]) + 1;
	return n;
}

static void put_str(char **at, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(*at, s, n);
	*at += n;
}

/* struct attachd_request and what follows it; NULL when it would not fit
 * one datagram (our own path then). */
static char *build_request(const struct attach_job *job, size_t *len)
{
	const char *home = job->home ? job->home : "";
	size_t bytes = job->n_groups * 4 + strlen(job->file) + 1 + strlen(home) + 1;
	struct attachd_request q = { .version = ATTACHD_VERSION, .uid = job->uid, .gid = job->gid,
				     .n_groups = (uint32_t)job->n_groups };

	q.argc = (uint32_t)count_strings(job->argv, &bytes);
	q.envc = (uint32_t)count_strings(job->env, &bytes);
	if (sizeof(q) + bytes > ATTACHD_MAX_REQUEST || q.argc == 0)
		return NULL;
	q.len = (uint32_t)bytes;
	q.flags = job->pty ? ATTACHD_PTY : 0;
	for (int i = 0; i < 3; i++)
		q.flags |= job->tty[i] ? ATTACHD_TTY(i) : 0;
	char *buf = malloc(sizeof(q) + bytes), *at = buf + sizeof(q);
	if (!buf)
		return NULL;
	memcpy(buf, &q, sizeof(q));
	for (size_t i = 0; i < job->n_groups; i++) {
		uint32_t g = job->groups[i];
		memcpy(at, &g, 4);
		at += 4;
	}
	put_str(&at, job->file);
	put_str(&at, home);
	for (char **v = job->argv; *v; v++)
		put_str(&at, *v);
	for (char **v = job->env; *v; v++)
		put_str(&at, *v);
	*len = sizeof(q) + bytes;
	return buf;
}

/* Connected and the request sent: 0, or -errno (nothing ran). */
static int send_request(const char *path, const struct attach_job *job, int *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	cleanup_close int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	cleanup_free char *req = NULL;
	static const int stdio[3] = { 0, 1, 2 };
	size_t len = 0;

	if (sock < 0)
		return -errno;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if (!(req = build_request(job, &len)))
		return -E2BIG;
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	int ret = fd_send(sock, req, len, stdio, 3);
	if (ret < 0)
		return ret;
	*out = steal_fd(sock);
	return 0;
}

/* After the request was taken: the command's pidfd, then its end. */
static int follow(struct attach_job *job, int sock, int master, int *exit_status,
		  struct attach_tty *t, lxcmgr_error **err)
{
	cleanup_close int pidfd = -1;
	struct attach_msg m;
	int ret = attach_recv(sock, &m, &pidfd);

	if (ret == 1 && m.kind == ATTACH_MSG_ERROR)
		return attach_msg_error(&m, err);
	if (ret != 1 || m.kind != ATTACH_MSG_PID || pidfd < 0)
		return error_msg(err, EPIPE, "the attach server ended before it reported");
	ret = attach_tty_begin(t, job->pty ? master : -1, NULL, err);
	ret = ret ?: attach_tty_proxy_until(t, pidfd, sock);
	if (ret < 0)
		return err && *err ? ret : error_set(err, -ret, "wait for the command");
	ret = attach_recv(sock, &m, NULL);
	if (ret != 1 || m.kind != ATTACH_MSG_EXIT)
		return error_msg(err, EPIPE, "the attach server ended while the command ran");
	if (exit_status)
		*exit_status = m.value;
	return 1;
}

/* 1 when the command ran (or failed to) through the server, 0 when the
 * server went away before it took the request, or -errno with *err. */
static int run_on_server(struct attach_job *job, const char *path, int *exit_status,
			 lxcmgr_error **err)
{
	struct attach_tty t = { .master = -1, .sigfd = -1, .log_fd = -1 };
	cleanup_close int sock = -1, master = -1;
	struct attach_msg m;
	sigset_t set;
	int ret;

	job->pty = job->opts->pty == LXCMGR_ATTACH_PTY_AUTO && isatty(STDIN_FILENO);
	for (int i = 0; i < 3; i++)
		job->tty[i] = job->pty && isatty(i);
	if (send_request(path, job, &sock) < 0)
		return 0;
	/* Before the command runs, so that no signal for it is missed. */
	attach_tty_sigset(&set);
	sigprocmask(SIG_BLOCK, &set, &t.old_mask);
	ret = attach_recv(sock, &m, &master);
	if (ret <= 0 || (m.kind != ATTACH_MSG_PTY && m.kind != ATTACH_MSG_ERROR)) {
		ret = 0; /* EOF or a reset before "taken": nothing ran */
	} else if (m.kind == ATTACH_MSG_ERROR) {
		ret = attach_msg_error(&m, err);
	} else if (job->pty && master < 0) {
		ret = error_msg(err, EPROTO, "the attach server sent no pty");
	} else {
		ret = follow(job, sock, master, exit_status, &t, err);
	}
	attach_tty_end(&t);
	sigprocmask(SIG_SETMASK, &t.old_mask, NULL);
	return ret;
}

int attach_via_server(struct lxcmgr_container *c, const struct lxcmgr_attach_options *opts,
		      int *exit_status, lxcmgr_error **err)
{
	struct attach_job job = { .opts = opts, .pidfd = -1, .helper_fd = -1, .sock = -1,
				  .caller_env = environ };
	cleanup_free char *path = NULL;
	int ret;

	if (!server_serves(opts))
		return 0;
	ret = ask_monitor(c, &job, &path, err);
	if (ret == 1)
		ret = attach_prepare(&job, err) ?: run_on_server(&job, path, exit_status, err);
	if (job.pidfd >= 0)
		close(job.pidfd);
	free(job.home);
	free(job.groups);
	free(job.conf_env);
	free(job.file);
	strv_free(job.env);
	strv_free(job.argv);
	return ret;
}
