/* Stopping, freezing and thawing a container and waiting for states, as a
 * client of its monitor: the monitor sends the signal and remembers whether
 * a halt or a reboot was asked for (CMD_HALT, CMD_REBOOT), which decides
 * what happens when init exits; it freezes and thaws the cgroup
 * (CMD_FREEZE, CMD_UNFREEZE); the state subscription tells when it is
 * done. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdbool.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf/values.h"
#include "container.h"
#include "ctx.h"
#include "net/net.h"
#include "run/cgroups.h"
#include "run/proto.h"
#include "run/start.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

#define PWBUF_SIZE 16384 /* getpwuid_r's buffer: a passwd line */
#define ANSWER_MAX 1024  /* the clean-up child's answer: its error message */

/* Connects and subscribes to state changes; *state is the current one.
 * -ESRCH when not running. */
static int subscribe(struct lxcmgr_container *c, int *fd, int *state)
{
	cleanup_free char *reply = NULL;
	int ret = proto_connect(c->ctx, c->name, fd);

	if (ret == 0)
		ret = proto_call(*fd, CMD_SUBSCRIBE, 0, NULL, 0, &reply, NULL, NULL);
	if (proto_monitor_gone(ret))
		ret = -ESRCH; /* not running, or it ended as we asked: STOPPED */
	if (ret == 0 && reply)
		memcpy(state, reply, sizeof(*state));
	if (ret < 0 && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return ret;
}

/* Reads state changes until one in STATES, the end of the stream (the
 * monitor is gone: STOPPED), or DEADLINE (-1: none). Returns the state or
 * -ETIMEDOUT. */
static int next_state_in(int fd, unsigned states, long long deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int wait = deadline < 0 ? -1 : (int)(deadline - now_ms());
		if (deadline >= 0 && wait <= 0)
			return -ETIMEDOUT;
		int n = poll(&pfd, 1, wait);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			return -ETIMEDOUT;
		int state;
		ssize_t got = read(fd, &state, sizeof(state));
		if (got != (ssize_t)sizeof(state))
			return LXCMGR_STATE_STOPPED;
		if (states & (1u << state))
			return state;
	}
}

/* The signal for a clean shutdown: lxc.signal.halt, else what the init
 * obeys (systemd: SIGRTMIN+3; others: SIGPWR). */
/* KEY as the running container uses it (-f and -s included), else as the
 * config on disk says; 0 when unset. */
static int running_signal(struct lxcmgr_container *c, const char *key)
{
	cleanup_free char *value = NULL;
	int sig = 0;

	if (lxcmgr_container_get_running_item(c, key, &value, NULL) == 0 && value && *value)
		sig = signal_from_name(value);
	if (sig <= 0 && conf_value(c->conf, key))
		sig = signal_from_name(conf_value(c->conf, key));
	return sig > 0 ? sig : 0;
}

static int halt_signal(struct lxcmgr_container *c, int pid)
{
	int sig = running_signal(c, "lxc.signal.halt");
	char exe[64], target[256];

	if (sig > 0)
		return sig;
	snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
	ssize_t n = readlink(exe, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		if (str_ends_with(target, "/systemd"))
			return SIGRTMIN + 3;
	}
	return SIGPWR;
}

static int stop_signal(struct lxcmgr_container *c, unsigned flags, int pid)
{
	const char *key = flags & LXCMGR_STOP_KILL ? "lxc.signal.stop"
			  : flags & LXCMGR_STOP_REBOOT ? "lxc.signal.reboot" : NULL;
	int sig = key ? running_signal(c, key) : 0;

	if (sig > 0)
		return sig;
	if (flags & LXCMGR_STOP_KILL)
		return SIGKILL;
	if (flags & LXCMGR_STOP_REBOOT)
		return SIGINT;
	return halt_signal(c, pid);
}

/* Has the monitor send SIG, and remember whether this is a halt or a
 * reboot. A monitor older than CMD_HALT only hands out init's pidfd. */
static int send_to_init(struct lxcmgr_container *c, bool reboot, int sig, lxcmgr_error **err)
{
	cleanup_close int fd = -1, pidfd = -1;
	int ret = proto_connect(c->ctx, c->name, &fd);

	ret = ret ?: proto_call(fd, reboot ? CMD_REBOOT : CMD_HALT, sig, NULL, 0, NULL, NULL, NULL);
	if (ret == -EOPNOTSUPP) {
		ret = proto_call(fd, CMD_INIT_PIDFD, 0, NULL, 0, NULL, NULL, &pidfd);
		if (ret == 0 && syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
			ret = -errno;
	}
	if (proto_monitor_gone(ret))
		return 0; /* gone already */
	return ret < 0 ? error_set(err, -ret, "send signal %d to init", sig) : 0;
}

/* After lxc-stop -r: init ends, then a new one runs (STARTING, RUNNING),
 * unless the restart failed (STOPPED). */
static int wait_reboot(struct lxcmgr_container *c, int fd, int timeout, lxcmgr_error **err)
{
	const unsigned stopped = 1u << LXCMGR_STATE_STOPPED;
	long long deadline = timeout < 0 ? -1 : now_ms() + timeout * 1000LL;
	int ret = next_state_in(fd, 1u << LXCMGR_STATE_STARTING | stopped, deadline);

	if (ret == LXCMGR_STATE_STARTING)
		ret = next_state_in(fd, 1u << LXCMGR_STATE_RUNNING | stopped, deadline);
	if (ret == LXCMGR_STATE_RUNNING)
		return 0;
	if (ret == -ETIMEDOUT)
		return error_msg(err, ETIMEDOUT, "container \"%s\" did not reboot within %d s",
				 c->name, timeout);
	return error_msg(err, ECANCELED, "container \"%s\" stopped instead of starting again "
			 "(its log says why: lxc.log.file)", c->name);
}

/* The monitor is gone (killed) but its init may live on: the record the
 * monitor left names it, checked against the process's start time. */
/* Sets *RECORDED to the pid the record names (0: no record) and returns
 * it while that process still runs, with a pidfd for it; else -ESRCH. */
static int orphan_init(struct lxcmgr_container *c, int *pidfd, int *recorded, char **pidfile)
{
	cleanup_free char *path = start_init_record_path(c->ctx, c->name);
	cleanup_free char *text = NULL;
	unsigned long long start = 0;
	int pid = 0, used = 0;

	*recorded = 0;
	if (!path || file_read(path, PATH_MAX + 64, &text, NULL) < 0 ||
	    sscanf(text, "%d %llu %n", &pid, &start, &used) != 2 || pid <= 0)
		return -ESRCH;
	*recorded = pid;
	text[strcspn(text, "\n")] = '\0';
	if (text[used] == '/')
		*pidfile = strdup(text + used);
	if (start_process_start_time(pid) != start)
		return -ESRCH; /* an init long gone */
	*pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (*pidfd < 0)
		return -ESRCH;
	/* Readable once it has exited: a zombie no one has reaped yet (its
	 * parent, now the host's init or a subreaper, may take its time). */
	struct pollfd pfd = { .fd = *pidfd, .events = POLLIN };
	if (poll(&pfd, 1, 0) == 1) {
		close(*pidfd);
		*pidfd = -1;
		return -ESRCH;
	}
	return pid;
}

/* What a killed monitor left in the runtime directory, and lxc-start's pid
 * file while it still names the init (lxc-start may have reused the path). */
static void forget_monitor(struct lxcmgr_container *c, int pid, const char *pidfile)
{
	cleanup_free char *record = start_init_record_path(c->ctx, c->name);
	cleanup_free char *sock = proto_socket_path(c->ctx, c->name);
	cleanup_free char *text = NULL;

	if (record)
		unlink(record);
	if (sock)
		unlink(sock);
	if (pidfile && pid > 0 && file_read(pidfile, 64, &text, NULL) >= 0 && atoi(text) == pid)
		unlink(pidfile);
}

/* MONITOR_GONE: no monitor answers (else one runs, but knows no init). */
static int kill_orphan(struct lxcmgr_container *c, bool monitor_gone, unsigned flags,
		       lxcmgr_error **err)
{
	cleanup_close int pidfd = -1;
	cleanup_free char *pidfile = NULL;
	int recorded;
	int pid = orphan_init(c, &pidfd, &recorded, &pidfile);

	if (pid > 0 && !(flags & LXCMGR_STOP_KILL))
		return error_msg(err, ESRCH, "the monitor of \"%s\" is gone but its init (pid %d) "
				 "still runs; lxc-stop -k kills it", c->name, pid);
	if (pid < 0 && !(flags & LXCMGR_STOP_KILL)) {
		cleanup_free char *record = start_init_record_path(c->ctx, c->name);
		if (record && recorded)
			unlink(record); /* a stale record */
		run_cgroup_orphan(c, NULL); /* what a stop that gave up waiting left */
		return error_msg(err, ESRCH, "container \"%s\" is not running", c->name);
	}
	if (pid > 0 && geteuid() != 0) /* an ordinary user's veths, while init's netns is there */
		net_orphan_user_veths(c, pid, pidfd);
	if (pid > 0) {
		if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
			return error_set(err, errno, "kill init (pid %d)", pid);
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
		poll(&pfd, 1, 10000);
	}
	/* What init left behind: processes outside its pid namespace, and the
	 * cgroups (when init is gone too, lxc-destroy -f comes here). */
	int ret = run_cgroup_orphan(c, pid > 0 ? err : NULL);
	/* And its network devices: host ends, phys devices to rename back. */
	int net = net_orphan(c, pid > 0 && ret == 0 ? err : NULL);
	if (pid > 0)
		ret = ret ?: net;
	if (monitor_gone)
		forget_monitor(c, recorded, pidfile);
	if (pid < 0)
		return error_msg(err, ESRCH, "container \"%s\" is not running", c->name);
	return ret;
}

/* ------------------------------------- root, after a user's monitor */

/* "<runtime>/c/<16 hex digits>.sock" -> "<runtime>" (malloc'd); NULL when
 * SOCK is not a monitor's socket path. */
static char *runtime_of_socket(const char *sock)
{
	const char *file = strrchr(sock, '/');

	if (!file || file - sock < 3 || strncmp(file - 2, "/c", 2) != 0 ||
	    strlen(file + 1) != 16 + strlen(".sock") || !str_ends_with(file, ".sock") ||
	    strspn(file + 1, "0123456789abcdef") != 16)
		return NULL;
	return strndup(sock, (size_t)(file - 2 - sock));
}

/* The child's side: becomes PW's user, with their groups, and does what
 * their own lxc-stop would, on their runtime directory RUNTIME. */
static int orphan_as_user(struct lxcmgr_container *c, const struct passwd *pw,
			  const char *runtime, const char *sock, unsigned flags,
			  lxcmgr_error **err)
{
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0)
		return error_set(err, errno, "become user \"%s\"", pw->pw_name);
	free(c->ctx->runtime_dir);
	cleanup_free char *mine = (c->ctx->runtime_dir = strdup(runtime))
					  ? proto_socket_path(c->ctx, c->name) : NULL;
	if (!mine)
		return error_set(err, ENOMEM, "container \"%s\"", c->name);
	/* The records' and the lock's names hash the lxcpath as spelled. */
	if (!str_eq(mine, sock))
		return error_msg(err, EINVAL, "the monitor of \"%s\" listened on \"%s\", not "
				 "on this lxcpath's socket; give -P as %s spells it (their "
				 "lxc.lxcpath, by default ~%s/.local/share/lxcmgr)", c->name,
				 sock, pw->pw_name, pw->pw_name);
	return kill_orphan(c, true, flags, err);
}

/* The child's answer on FD (closed here), "RET MESSAGE", as our return
 * value and error, once it has ended. */
static int child_answer(pid_t child, int fd, const char *name, const char *user,
			lxcmgr_error **err)
{
	char msg[ANSWER_MAX];
	ssize_t n = read(fd, msg, sizeof(msg) - 1); /* one write, under PIPE_BUF */
	int ret, used = 0;

	close(fd);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	msg[n > 0 ? n : 0] = '\0';
	if (sscanf(msg, "%d %n", &ret, &used) != 1)
		return error_msg(err, EPROTO, "container \"%s\": the clean-up as user \"%s\" "
				 "ended without an answer", name, user);
	return ret < 0 ? error_msg(err, -ret, "%s", msg + used) : 0;
}

/* Root's lxc-stop on an ordinary user's container whose monitor is gone:
 * init's record, the cgroups' and the network's are in the user's runtime
 * directory, which root finds through the pointer the monitor left in the
 * container directory (proto.h). Everything there is the user's to write,
 * so the clean-up runs in a child that has become that user and runs their
 * own code path: it opens the records as they would, and kills, removes
 * and unlinks only what they could (never a file of root's behind a link
 * of theirs, nor a cgroup outside those delegated to them). 1 when the
 * container is not a user's (nothing to follow). */
static int kill_users_orphan(struct lxcmgr_container *c, unsigned flags, lxcmgr_error **err)
{
	cleanup_free char *sock = NULL, *runtime = NULL, *pwbuf = malloc(PWBUF_SIZE);
	struct passwd pwd, *pw = NULL;
	uid_t owner;
	int ret = proto_pointer_read(c->ctx, c->name, &sock, &owner);

	if (ret == -ENOENT)
		return 1;
	if (ret < 0 || !pwbuf)
		return error_set(err, ret < 0 ? -ret : ENOMEM, "container \"%s\"", c->name);
	if (!(runtime = runtime_of_socket(sock)))
		return error_msg(err, EINVAL, "container \"%s\": its socket pointer names \"%s\", "
				 "not a monitor's socket", c->name, sock);
	if (getpwuid_r(owner, &pwd, pwbuf, PWBUF_SIZE, &pw) != 0 || !pw)
		return error_msg(err, ENOENT, "container \"%s\" belongs to uid %lu, which has no "
				 "passwd entry: root cleans up after its monitor as its owner",
				 c->name, (unsigned long)owner);
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return error_set(err, errno, "pipe");
	pid_t child = fork();
	if (child == 0) {
		lxcmgr_error *e = NULL;
		char msg[ANSWER_MAX];
		close(pipefd[0]);
		ret = orphan_as_user(c, pw, runtime, sock, flags, &e);
		snprintf(msg, sizeof(msg), "%d %s", ret,
			 ret == 0 ? "" : e && e->msg ? e->msg : strerror(-ret));
		_exit(write(pipefd[1], msg, strlen(msg)) < 0);
	}
	close(pipefd[1]);
	if (child < 0) {
		int e = errno;
		close(pipefd[0]);
		return error_set(err, e, "fork");
	}
	return child_answer(child, pipefd[0], c->name, pw->pw_name, err);
}

LXCMGR_PUBLIC int lxcmgr_container_stop(struct lxcmgr_container *c, int timeout,
					unsigned flags, lxcmgr_error **err)
{
	cleanup_close int fd = -1;
	int state, ret = subscribe(c, &fd, &state);
	int pid = ret == 0 ? lxcmgr_container_init_pid(c) : -ESRCH;

	if (ret == -ESRCH && geteuid() == 0) {
		int user = kill_users_orphan(c, flags, err);
		if (user <= 0)
			return user;
	}
	if (ret == -ESRCH || pid < 0)
		return kill_orphan(c, ret == -ESRCH, flags, err);
	if (ret < 0)
		return error_set(err, -ret, "ask the monitor of \"%s\"", c->name);
	int sig = stop_signal(c, flags, pid);
	bool reboot = (flags & LXCMGR_STOP_REBOOT) && !(flags & LXCMGR_STOP_KILL);
	ret = send_to_init(c, reboot, sig, err);
	if (ret < 0 || (flags & LXCMGR_STOP_NOWAIT) || (reboot && timeout == 0))
		return ret;
	if (reboot)
		return wait_reboot(c, fd, timeout, err);
	/* -k: the kill is immediate; still, never wait for ever on it. The
	 * monitor's own bounded waits (for the killed processes to go, then for
	 * the cgroups to empty: 10 s each, cgroup.h) come first. */
	long long deadline = (flags & LXCMGR_STOP_KILL) ? now_ms() + 30000
			     : timeout < 0 ? -1 : now_ms() + timeout * 1000LL;
	ret = next_state_in(fd, 1u << LXCMGR_STATE_STOPPED, deadline);
	if (ret != -ETIMEDOUT)
		return 0;
	if (flags & LXCMGR_STOP_NOKILL)
		return error_msg(err, ETIMEDOUT, "container \"%s\" did not stop within %d s after "
				 "signal %d (%s); lxc-stop -k kills it", c->name, timeout, sig,
				 strsignal(sig));
	ret = send_to_init(c, false, SIGKILL, err);
	if (ret == 0 && next_state_in(fd, 1u << LXCMGR_STATE_STOPPED, now_ms() + 10000) < 0)
		return error_msg(err, ETIMEDOUT, "container \"%s\" did not stop after SIGKILL",
				 c->name);
	return ret;
}

LXCMGR_PUBLIC int lxcmgr_container_wait(struct lxcmgr_container *c, unsigned states,
					int timeout, lxcmgr_error **err)
{
	if (!lxcmgr_container_is_defined(c))
		return error_msg(err, ENOENT, "no container \"%s\" in \"%s\"", c->name,
				 lxcmgr_ctx_lxcpath(c->ctx));
	long long deadline = timeout < 0 ? -1 : now_ms() + timeout * 1000LL;

	for (;;) {
		cleanup_close int fd = -1;
		int state, ret = subscribe(c, &fd, &state);
		if (ret == -ESRCH) {
			if (states & (1u << LXCMGR_STATE_STOPPED))
				return 0;
			if (deadline >= 0 && now_ms() >= deadline)
				break;
			sleep_ms(20); /* not started yet: look again */
			continue;
		}
		if (ret < 0)
			return error_set(err, -ret, "ask the monitor of \"%s\"", c->name);
		if (states & (1u << state))
			return 0;
		ret = next_state_in(fd, states | (1u << LXCMGR_STATE_STOPPED), deadline);
		if (ret == -ETIMEDOUT)
			break;
		if (states & (1u << ret))
			return 0;
	}
	return error_msg(err, ETIMEDOUT, "container \"%s\" did not reach the state within %d s",
			 c->name, timeout);
}

/* ------------------------------------------------------------ freezer */

/* CMD_FREEZE or CMD_UNFREEZE; failures in the monitor's words. */
static int freezer_call(struct lxcmgr_container *c, uint32_t cmd, lxcmgr_error **err)
{
	const char *what = cmd == CMD_FREEZE ? "freeze" : "unfreeze";
	cleanup_close int fd = -1;
	cleanup_free char *msg = NULL;
	int ret = proto_connect(c->ctx, c->name, &fd);

	ret = ret ?: proto_call(fd, cmd, 0, NULL, 0, &msg, NULL, NULL);
	if (ret == 0)
		return 0;
	if (proto_monitor_gone(ret))
		return error_msg(err, ESRCH, "container \"%s\" is not running", c->name);
	if (ret == -EOPNOTSUPP && !msg)
		return error_msg(err, EOPNOTSUPP, "%s: the monitor of \"%s\" predates the "
				 "freezer; restart the container", what, c->name);
	if (msg && *msg)
		return error_msg(err, -ret, "%s \"%s\": %s", what, c->name, msg);
	return error_set(err, -ret, "%s \"%s\"", what, c->name);
}

LXCMGR_PUBLIC int lxcmgr_container_freeze(struct lxcmgr_container *c, int timeout,
					  lxcmgr_error **err)
{
	const unsigned until = 1u << LXCMGR_STATE_FROZEN | 1u << LXCMGR_STATE_STOPPED;
	cleanup_close int fd = -1;
	int state = LXCMGR_STATE_STOPPED;
	/* Subscribed first, so that FROZEN cannot pass unseen. */
	int ret = subscribe(c, &fd, &state);

	if (ret == -ESRCH)
		return error_msg(err, ESRCH, "container \"%s\" is not running", c->name);
	if (ret < 0)
		return error_set(err, -ret, "ask the monitor of \"%s\"", c->name);
	if ((ret = freezer_call(c, CMD_FREEZE, err)) < 0)
		return ret;
	if (state == LXCMGR_STATE_FROZEN)
		return 0;
	ret = next_state_in(fd, until, timeout < 0 ? -1 : now_ms() + timeout * 1000LL);
	if (ret == LXCMGR_STATE_FROZEN)
		return 0;
	if (ret == LXCMGR_STATE_STOPPED)
		return error_msg(err, ESRCH, "container \"%s\" stopped while freezing", c->name);
	return error_msg(err, ETIMEDOUT, "container \"%s\" is still FREEZING after %d s: a process "
			 "may be stuck in the kernel (state D); lxc-unfreeze undoes the freeze",
			 c->name, timeout);
}

LXCMGR_PUBLIC int lxcmgr_container_unfreeze(struct lxcmgr_container *c, lxcmgr_error **err)
{
	return freezer_call(c, CMD_UNFREEZE, err);
}
