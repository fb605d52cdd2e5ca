/* The monitor's event loop (see monitor.h): one epoll over the command
 * socket and its clients, init's pidfd, a signalfd and, in the foreground,
 * the terminal and the console.
 *
 * Clients: only root or our own uid (SO_PEERCRED). Their sockets stay
 * blocking, are read only when epoll says so, and carry a send and receive
 * timeout, so a client that stalls mid-message is dropped instead of
 * stalling the monitor. Anything a client sends that is not a whole,
 * valid request drops that client; nothing a client sends ends the loop.
 *
 * Signals: the loop blocks SIGCHLD and SIGPIPE (a write to a closed pipe
 * gives EPIPE) and, in the foreground, SIGTERM, SIGINT, SIGHUP (forwarded
 * to init as its halt signal, lxc.signal.halt, else SIGPWR, and taken as a
 * request to halt: see enum monitor_intent) and SIGWINCH
 * (the terminal's size is copied to the console). The caller should block
 * them before spawning init so that none is lost, and its children (init,
 * hooks) must reset their signal mask. SIGCHLD is only drained: init is
 * reaped through its pidfd, other children where they are run. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "conf/conf.h"
#include "container.h"
#include "ctx.h"
#include "run/attachd.h"
#include "run/conslog.h"
#include "run/monitor.h"
#include "run/proto.h"
#include "run/ring.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/pages.h"
#include "util/str.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define MAX_CLIENTS 256      /* at once; more are closed at accept */
#define CLIENT_TIMEOUT_SEC 2 /* to finish a request, or to take a reply */
#define IO_CHUNK 4096
#define FREEZE_POLL_MS 10   /* how often a FREEZING cgroup is looked at */
#define FREEZE_RETRY 10     /* polls between rewrites of the freeze request (v1 retries) */
/* The code pages the set-up ran through are given back this long after
 * init runs, not at once: right after a start comes the caller's first
 * request (lxc-attach, lxc-info), while init boots on the same CPUs, and
 * reading smaps and unmapping costs about 1 ms of CPU. */
#define MONITOR_RELEASE_MS 250

enum ev_kind { EV_LISTEN = 1, EV_CLIENT, EV_INIT, EV_SIGNAL, EV_FG_IN, EV_CONSOLE, EV_FREEZE,
	       EV_WAIT, EV_PROXY, EV_ATTACHD };

struct client {
	int fd;
	int held;        /* -1: nothing; 0: the console; N: tty N */
	bool subscriber; /* after CMD_SUBSCRIBE the connection only carries states */
	bool parked;     /* a request that needs init, left unread until the loop runs */
};

struct loop {
	struct monitor *m;
	int epfd;
	int sigfd;
	sigset_t old_mask;
	struct client clients[MAX_CLIENTS];
	size_t n_clients;
	bool console_held;   /* a client has the console master (CMD_CONSOLE) */
	int console_watched; /* the console master as registered, or -1 */
	/* CMD_CONSOLE_OPEN 0: the monitor's end of the console stream a client
	 * holds, or -1. What the client cannot take at once waits in pending,
	 * and the console is not read meanwhile: the container then waits on
	 * its console as on a slow terminal, and nothing is lost. */
	int proxy_fd;
	char pending[IO_CHUNK];
	size_t pending_off, pending_len;
	bool fg_in_watched;
	bool fg_out_ok;
	bool mask_saved;
	bool done;
	int freeze_timer;     /* a timerfd while FREEZING, else -1 */
	unsigned freeze_polls;
	bool starting;   /* the set-up runs: monitor_wait_readable serves */
	bool wait_ready; /* the fd monitor_wait_readable waits for is readable */
	long long release_at; /* CLOCK_MONOTONIC ms for pages_release_code, or 0 */
};

static const struct lxcmgr_ctx *mctx(const struct monitor *m)
{
	return m->c ? m->c->ctx : NULL;
}

static bool foreground(const struct monitor *m)
{
	return m->fg_in >= 0;
}

static unsigned tty_count(const struct monitor *m)
{
	return m->plan && m->tty_masters ? m->plan->tty_max : 0;
}

static int send_signal(int pidfd, int sig)
{
	if (pidfd < 0)
		return -ESRCH;
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

/* ------------------------------------------------------------ epoll */

static int watch_for(struct loop *l, int op, enum ev_kind kind, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events,
				  .data.u64 = (uint64_t)kind << 32 | (uint32_t)fd };

	return epoll_ctl(l->epfd, op, fd, &ev) < 0 ? -errno : 0;
}

static int watch(struct loop *l, enum ev_kind kind, int fd)
{
	return watch_for(l, EPOLL_CTL_ADD, kind, fd, EPOLLIN);
}

/* Explicit, before any close: a pidfd or pty master that was also passed to
 * a client stays open there, and so would stay registered here. */
static void unwatch(struct loop *l, int fd)
{
	if (fd >= 0)
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* In the foreground the console goes to the terminal. In the background it
 * is read (and dropped) whenever no client holds it, so the container never
 * blocks on a full /dev/console. */
static void console_watch(struct loop *l)
{
	struct monitor *m = l->m;

	if (m->console_master < 0 || l->console_watched >= 0 || l->console_held ||
	    l->pending_len > 0)
		return;
	if (watch(l, EV_CONSOLE, m->console_master) == 0)
		l->console_watched = m->console_master;
}

static void console_unwatch(struct loop *l)
{
	unwatch(l, l->console_watched);
	l->console_watched = -1;
}

/* ------------------------------------------------------------ io */


static void copy_winsize(struct monitor *m)
{
	struct winsize ws;

	if (m->console_master >= 0 && ioctl(m->fg_in, TIOCGWINSZ, &ws) == 0)
		ioctl(m->console_master, TIOCSWINSZ, &ws);
}

static void on_fg_in(struct loop *l)
{
	struct monitor *m = l->m;
	char buf[IO_CHUNK];
	ssize_t n = read(m->fg_in, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* End of input (lxc-start -F </dev/null): the console keeps running. */
		unwatch(l, m->fg_in);
		l->fg_in_watched = false;
		return;
	}
	if (m->console_master >= 0 && file_write_all(m->console_master, buf, (size_t)n) < 0)
		log_debug(mctx(m), "console: input dropped: %s", strerror(errno));
}

/* What the container wrote to its console: into the ring buffer and the
 * log file, whoever else gets it. */
static void log_console(struct monitor *m, const char *buf, size_t len)
{
	console_ring_write(&m->console_ring, buf, len);
	if (!m->console_log || m->console_log->fd < 0)
		return;
	int ret = console_log_write(m->console_log, buf, len);
	if (ret < 0) {
		log_warn(mctx(m), "console log \"%s\": %s; not written from now on",
			 m->console_log->path, strerror(-ret));
		console_log_close(m->console_log);
	}
}

/* ------------------------------------------------------------ console proxy */

static void proxy_close(struct loop *l)
{
	if (l->proxy_fd < 0)
		return;
	unwatch(l, l->proxy_fd);
	close(l->proxy_fd);
	l->proxy_fd = -1;
	l->pending_len = l->pending_off = 0;
	for (size_t i = 0; i < l->n_clients; i++)
		if (l->clients[i].held == 0) /* the one holding it */
			l->clients[i].held = -1;
	if (l->m->init_pidfd >= 0) /* else stopped() may have closed the console */
		console_watch(l);
}

/* Output for the client. What it cannot take now waits, and the console
 * is not read until it has taken that. */
static void proxy_out(struct loop *l, const char *buf, size_t len)
{
	ssize_t n = send(l->proxy_fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		proxy_close(l); /* the client has gone */
		return;
	}
	if (n < 0)
		n = 0;
	if ((size_t)n == len)
		return;
	memcpy(l->pending, buf + n, len - (size_t)n);
	l->pending_off = 0;
	l->pending_len = len - (size_t)n;
	console_unwatch(l);
	watch_for(l, EPOLL_CTL_MOD, EV_PROXY, l->proxy_fd, EPOLLIN | EPOLLOUT);
}

static void proxy_flush(struct loop *l)
{
	ssize_t n = send(l->proxy_fd, l->pending + l->pending_off, l->pending_len,
			 MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		proxy_close(l);
		return;
	}
	if (n > 0) {
		l->pending_off += (size_t)n;
		l->pending_len -= (size_t)n;
	}
	if (l->pending_len > 0)
		return;
	watch_for(l, EPOLL_CTL_MOD, EV_PROXY, l->proxy_fd, EPOLLIN);
	console_watch(l);
}

/* Input from the client, for the console. A container that reads none
 * (64 KiB queued in the pty) loses what is typed beyond: the monitor
 * never waits on it. */
static void proxy_in(struct loop *l)
{
	struct monitor *m = l->m;
	char buf[IO_CHUNK];
	ssize_t n = recv(l->proxy_fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		proxy_close(l); /* the client let go of the console */
		return;
	}
	struct pollfd p = { .fd = m->console_master, .events = POLLOUT };
	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT) ||
	    file_write_all(m->console_master, buf, (size_t)n) < 0)
		log_debug(mctx(m), "console: %zd bytes of input dropped: the container reads none",
			  n);
}

static void on_proxy(struct loop *l, uint32_t events)
{
	if ((events & EPOLLOUT) && l->pending_len > 0)
		proxy_flush(l);
	if (l->proxy_fd >= 0 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		proxy_in(l);
}

static void on_console(struct loop *l)
{
	struct monitor *m = l->m;
	char buf[IO_CHUNK];
	ssize_t n = read(l->console_watched, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* EIO: no one in the container has the console open (any more). */
		console_unwatch(l);
		return;
	}
	log_console(m, buf, (size_t)n);
	if (l->proxy_fd >= 0)
		proxy_out(l, buf, (size_t)n);
	if (!foreground(m) || m->fg_out < 0 || !l->fg_out_ok)
		return;
	int ret = file_write_all(m->fg_out, buf, (size_t)n);
	if (ret < 0) {
		log_warn(mctx(m), "console: writing to the terminal: %s; output dropped from now on",
			 strerror(-ret));
		l->fg_out_ok = false;
	}
}

/* ------------------------------------------------------------ clients */

static ssize_t find_client(const struct loop *l, int fd)
{
	for (size_t i = 0; i < l->n_clients; i++)
		if (l->clients[i].fd == fd)
			return (ssize_t)i;
	return -1;
}

static void remove_subscriber(struct monitor *m, int fd)
{
	for (size_t i = 0; i < m->n_subscribers; i++) {
		if (m->subscribers[i] == fd) {
			m->subscribers[i] = m->subscribers[--m->n_subscribers];
			return;
		}
	}
}

static void drop_client(struct loop *l, size_t idx)
{
	struct monitor *m = l->m;
	struct client *c = &l->clients[idx];

	if (c->held == 0 && l->proxy_fd >= 0 && !l->console_held) {
		c->held = -1;
		proxy_close(l);
	} else if (c->held == 0) {
		l->console_held = false;
		if (m->init_pidfd >= 0) /* else stopped() may have closed it */
			console_watch(l);
	} else if (c->held > 0 && m->tty_busy) {
		m->tty_busy[c->held - 1] = false;
	}
	if (c->subscriber)
		remove_subscriber(m, c->fd);
	unwatch(l, c->fd);
	close(c->fd);
	*c = l->clients[--l->n_clients];
}

static void on_accept(struct loop *l)
{
	const struct lxcmgr_ctx *ctx = mctx(l->m);
	struct timeval tv = { .tv_sec = CLIENT_TIMEOUT_SEC };
	cleanup_close int fd = accept4(l->m->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn(ctx, "command socket: accept: %s", strerror(errno));
		return;
	}
	int ret = proto_peer_allowed(fd);
	if (ret < 0) {
		log_warn(ctx, "command socket: client refused: %s", strerror(-ret));
		return;
	}
	if (l->n_clients == MAX_CLIENTS) {
		log_warn(ctx, "command socket: %d clients already, one refused", MAX_CLIENTS);
		return;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    watch(l, EV_CLIENT, fd) < 0) {
		log_warn(ctx, "command socket: client setup: %s", strerror(errno));
		return;
	}
	l->clients[l->n_clients++] = (struct client){ .fd = steal_fd(fd), .held = -1 };
}

/* ------------------------------------------------------------ commands */

struct reply {
	int32_t ret;
	int32_t num;
	const void *data;
	uint32_t len;
	int fd;
	bool close_fd; /* the fd was made for this reply: closed once sent */
};

static void reply_i32(struct reply *r, int32_t v)
{
	r->num = v;
	r->data = &r->num;
	r->len = sizeof(r->num);
}

static const char *intent_name(enum monitor_intent intent)
{
	switch (intent) {
	case MONITOR_INTENT_HALT:
		return "halt";
	case MONITOR_INTENT_REBOOT:
		return "reboot";
	case MONITOR_INTENT_NONE:
		break;
	}
	return "stop";
}

/* CMD_STOP (INTENT NONE: init's end decides), CMD_HALT, CMD_REBOOT. The
 * request counts only once the signal is on its way. */
static int cmd_stop(struct monitor *m, int32_t arg, enum monitor_intent intent)
{
	int sig = arg ? arg : SIGKILL;

	if (sig < 1 || sig > SIGRTMAX)
		return -EINVAL;
	/* lxc-stop -k on cgroup2: the whole cgroup in one write, not only
	 * init's pid namespace (cgroup.kill); init's signal where it cannot. */
	int ret = -EOPNOTSUPP;
	if (sig == SIGKILL && intent != MONITOR_INTENT_REBOOT && m->cgroup)
		ret = cgroup_kill_now(m->cgroup);
	if (ret == 0) {
		log_info(mctx(m), "%s: killed the container's cgroup (cgroup.kill)",
			 intent_name(intent));
		if (intent != MONITOR_INTENT_NONE)
			m->intent = intent;
		return 0;
	}
	ret = send_signal(m->init_pidfd, sig);
	if (ret < 0)
		return ret;
	if (intent != MONITOR_INTENT_NONE)
		m->intent = intent;
	log_info(mctx(m), "%s: sent signal %d to init (pid %d)", intent_name(intent), sig,
		 m->init_pid);
	return 0;
}

/* ARG 0: the console; N: tty N; -1: the first free tty. One per client
 * connection; it is free again when that connection closes. */
static int cmd_console(struct loop *l, struct client *c, int32_t arg, int *fd)
{
	struct monitor *m = l->m;
	unsigned n = tty_count(m);

	if (c->held >= 0)
		return -EBUSY;
	if (arg == 0) {
		if (m->console_master < 0)
			return -EINVAL;
		if (foreground(m) || l->console_held || l->proxy_fd >= 0)
			return -EBUSY; /* the terminal of lxc-start -F, or another client */
		console_unwatch(l);
		l->console_held = true;
		c->held = 0;
		*fd = m->console_master;
		return 0;
	}
	if (arg == -1) {
		for (unsigned i = 0; i < n && arg == -1; i++)
			if (m->tty_masters[i] >= 0 && !m->tty_busy[i])
				arg = (int32_t)i + 1;
		if (arg == -1)
			return n ? -EBUSY : -EINVAL;
	}
	if (arg < 1 || (unsigned)arg > n || m->tty_masters[arg - 1] < 0)
		return -EINVAL;
	if (m->tty_busy[arg - 1])
		return -EBUSY;
	m->tty_busy[arg - 1] = true;
	c->held = arg;
	*fd = m->tty_masters[arg - 1];
	return 0;
}

/* CMD_CONSOLE_OPEN: as CMD_CONSOLE, but the console goes through the
 * monitor (see proto.h), and the reply says which tty was taken. */
static int cmd_console_open(struct loop *l, struct client *c, int32_t arg, struct reply *r)
{
	struct monitor *m = l->m;
	int sv[2];

	if (arg != 0) {
		int ret = cmd_console(l, c, arg, &r->fd);
		if (ret == 0)
			reply_i32(r, c->held);
		return ret;
	}
	if (c->held >= 0)
		return -EBUSY;
	if (m->console_master < 0)
		return -EINVAL;
	if (foreground(m) || l->console_held || l->proxy_fd >= 0)
		return -EBUSY;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		return -errno;
	/* The client's end blocks, as a pty master would. */
	fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) & ~O_NONBLOCK);
	int ret = watch(l, EV_PROXY, sv[0]);
	if (ret < 0) {
		close(sv[0]);
		close(sv[1]);
		return ret;
	}
	l->proxy_fd = sv[0];
	c->held = 0;
	r->fd = sv[1];
	r->close_fd = true;
	reply_i32(r, 0);
	console_watch(l); /* read even when no one else does, as before */
	return 0;
}

/* CMD_CONSOLE_WINSIZE: the size of the tty this client holds. */
static int cmd_console_winsize(struct loop *l, struct client *c, const char *data, uint32_t len)
{
	struct monitor *m = l->m;
	struct winsize ws;
	int master = -1;

	if (len != sizeof(ws))
		return -EINVAL;
	memcpy(&ws, data, sizeof(ws));
	if (c->held == 0)
		master = m->console_master;
	else if (c->held > 0 && (unsigned)c->held <= tty_count(m))
		master = m->tty_masters[c->held - 1];
	if (master < 0)
		return -ENOTCONN;
	return ioctl(master, TIOCSWINSZ, &ws) < 0 ? -errno : 0;
}

/* The value, or on failure the message ("lxc.foo: unknown key ..."). */
static int cmd_config_item(struct monitor *m, const char *key, uint32_t len, char **out)
{
	cleanup_error lxcmgr_error *err = NULL;

	if (!m->c || !m->c->conf)
		return -ENOENT;
	if (len == 0 || strlen(key) != len)
		return -EINVAL;
	int ret = conf_get(m->c->conf, key, out, &err);
	if (ret < 0 && err && err->msg)
		*out = strdup(err->msg);
	if (*out && strlen(*out) > PROTO_MAX_DATA) {
		free(*out);
		*out = NULL;
		return ret < 0 ? ret : -EMSGSIZE;
	}
	return ret;
}

/* Where FILE of the container's cgroup is: clients read and write it. */
static int cmd_cgroup_dir(struct monitor *m, const char *file, uint32_t len, char **out)
{
	if (!m->cgroup)
		return -ESRCH;
	if (len == 0 || strlen(file) != len)
		return -EINVAL;
	return cgroup_dir_of(m->cgroup, 0, file, out);
}

/* A device rule, for the backend that keeps the rules; on failure the
 * message. */
static int cmd_cgroup_set(struct monitor *m, const char *data, uint32_t len, char **out)
{
	cleanup_error lxcmgr_error *err = NULL;
	const char *file = data, *value = memchr(data, '\0', len);

	if (!m->cgroup)
		return -ESRCH;
	if (len == 0 || !value++ || !str_starts_with(file, "devices.") ||
	    memchr(value, '\0', len - (uint32_t)(value - data)))
		return -EINVAL;
	cleanup_free char *v = strndup(value, len - (uint32_t)(value - data));
	if (!v)
		return -ENOMEM;
	int ret = cgroup_change_devices(m->cgroup, file, v, &err);
	if (ret == 0)
		log_info(mctx(m), "%s: %s \"%s\" (lxc-cgroup)", m->c->name, file, v);
	if (ret < 0 && err && err->msg)
		*out = strdup(err->msg);
	return ret;
}

/* ------------------------------------------------------------ freezer */

static bool frozen_state(int state)
{
	return state == LXCMGR_STATE_FREEZING || state == LXCMGR_STATE_FROZEN;
}

static void freeze_timer_stop(struct loop *l)
{
	if (l->freeze_timer < 0)
		return;
	unwatch(l, l->freeze_timer);
	close(l->freeze_timer);
	l->freeze_timer = -1;
}

/* FREEZING: the kernel stops the tasks one by one; we look every
 * FREEZE_POLL_MS until it reports them all stopped. */
static int freeze_timer_start(struct loop *l)
{
	struct itimerspec its = {
		.it_interval = { .tv_nsec = FREEZE_POLL_MS * 1000000L },
		.it_value = { .tv_nsec = FREEZE_POLL_MS * 1000000L },
	};

	if (l->freeze_timer >= 0)
		return 0;
	l->freeze_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->freeze_timer < 0)
		return -errno;
	l->freeze_polls = 0;
	if (timerfd_settime(l->freeze_timer, 0, &its, NULL) < 0 ||
	    watch(l, EV_FREEZE, l->freeze_timer) < 0) {
		int ret = -errno;
		close(l->freeze_timer);
		l->freeze_timer = -1;
		return ret;
	}
	return 0;
}

/* Where the kernel is: FROZEN ends the wait; thawed (someone wrote the
 * file behind our back) goes back to RUNNING. */
static void freeze_check(struct loop *l)
{
	struct monitor *m = l->m;
	cleanup_error lxcmgr_error *err = NULL;
	int state = cgroup_freezer_state(m->cgroup, &err);

	if (state == LXCMGR_STATE_FREEZING) {
		if (++l->freeze_polls % FREEZE_RETRY == 0)
			cgroup_freeze(m->cgroup, true, NULL); /* v1: a retry */
		int ret = freeze_timer_start(l);
		if (ret < 0) /* FREEZING it stays; a client's freeze will look again */
			log_warn(mctx(m), "freezer: cannot poll the state: %s", strerror(-ret));
		return;
	}
	freeze_timer_stop(l);
	if (state < 0) {
		log_warn(mctx(m), "freezer: %s", err && err->msg ? err->msg : strerror(-state));
		return;
	}
	if (state != m->state)
		monitor_set_state(m, state);
}

static void on_freeze_timer(struct loop *l)
{
	uint64_t ticks;

	if (read(l->freeze_timer, &ticks, sizeof(ticks)) < 0 && errno == EAGAIN)
		return;
	if (frozen_state(l->m->state))
		freeze_check(l);
	else
		freeze_timer_stop(l);
}

static int freeze_refused(struct monitor *m, char **msg)
{
	switch (m->state) {
	case LXCMGR_STATE_STARTING:
		*msg = strdup("it is still STARTING; try again once it is RUNNING");
		return -EBUSY;
	case LXCMGR_STATE_RUNNING:
	case LXCMGR_STATE_FREEZING:
	case LXCMGR_STATE_FROZEN:
	case LXCMGR_STATE_THAWED:
		break;
	default:
		return -ESRCH; /* STOPPING: init is gone */
	}
	if (!m->cgroup) {
		*msg = strdup("it runs without cgroups, so it has no freezer");
		return -ENODEV;
	}
	return 0;
}

static int cmd_freeze(struct loop *l, char **msg)
{
	struct monitor *m = l->m;
	cleanup_error lxcmgr_error *err = NULL;
	int ret = freeze_refused(m, msg);

	if (ret < 0 || m->state == LXCMGR_STATE_FROZEN)
		return ret;
	ret = cgroup_freeze(m->cgroup, true, &err);
	if (ret < 0) {
		*msg = strdup(err && err->msg ? err->msg : strerror(-ret));
		return ret;
	}
	log_info(mctx(m), "freezing");
	monitor_set_state(m, LXCMGR_STATE_FREEZING);
	freeze_check(l);
	return 0;
}

/* Thawing is immediate: the tasks run again as soon as the file is
 * written. */
static int thaw(struct loop *l, char **msg)
{
	struct monitor *m = l->m;
	cleanup_error lxcmgr_error *err = NULL;
	int before = m->state;

	freeze_timer_stop(l);
	if (frozen_state(before))
		monitor_set_state(m, LXCMGR_STATE_THAWED);
	int ret = cgroup_freeze(m->cgroup, false, &err);
	if (ret < 0) {
		if (msg)
			*msg = strdup(err && err->msg ? err->msg : strerror(-ret));
		log_warn(mctx(m), "thaw: %s", err && err->msg ? err->msg : strerror(-ret));
		if (frozen_state(before))
			monitor_set_state(m, before);
		return ret;
	}
	if (frozen_state(before)) {
		log_info(mctx(m), "thawed");
		monitor_set_state(m, LXCMGR_STATE_RUNNING);
	}
	return 0;
}

static int cmd_unfreeze(struct loop *l, char **msg)
{
	int ret = freeze_refused(l->m, msg);

	return ret < 0 ? ret : thaw(l, msg);
}

/* The reply (0 and the current state) goes first, then a state per change. */
static int cmd_subscribe(struct loop *l, struct client *c)
{
	struct monitor *m = l->m;
	int32_t state = m->state;
	int *s = realloc(m->subscribers, (m->n_subscribers + 1) * sizeof(*s));

	if (!s)
		return proto_send_reply(c->fd, -ENOMEM, NULL, 0, -1);
	m->subscribers = s;
	int ret = proto_send_reply(c->fd, 0, &state, sizeof(state), -1);
	if (ret < 0)
		return ret;
	m->subscribers[m->n_subscribers++] = c->fd;
	c->subscriber = true;
	return 0;
}

static void attachd_end(struct loop *l)
{
	if (l->m->attachd_pid > 0)
		unwatch(l, l->m->attachd_pidfd);
	attachd_stop(l->m);
}

/* CMD_ATTACH: what lxc-attach needs in one answer, with the attach server
 * started (and watched) if it is not running. */
static int cmd_attach(struct loop *l, char **out, uint32_t *len)
{
	struct monitor *m = l->m;
	cleanup_error lxcmgr_error *err = NULL;
	cleanup_free char *env = NULL;
	struct proto_attach_info info = { .init_pid = m->init_pid };

	if (m->init_pidfd < 0)
		return -ESRCH;
	if (m->attachd_pid > 0 && !attachd_alive(m))
		log_debug(mctx(m), "attach server gone; starting another");
	if (m->attachd_pid <= 0) {
		int ret = attachd_start(m, &err);
		if (ret == 0 && watch(l, EV_ATTACHD, m->attachd_pidfd) < 0)
			attachd_stop(m);
		/* Starting it ran through code the loop does not need: given
		 * back a while later, as after the start. */
		if (m->release_pages)
			l->release_at = now_ms() + MONITOR_RELEASE_MS;
		if (ret == -ENOENT) /* not installed: lxc-attach does without */
			log_debug(mctx(m), "attach server: %s", err && err->msg ? err->msg : "");
		else if (ret < 0 && ret != -EOPNOTSUPP)
			log_warn(mctx(m), "attach server: %s",
				 err && err->msg ? err->msg : strerror(-ret));
	}
	const char *path = m->attachd_pid > 0 && m->attachd_path ? m->attachd_path : "";
	info.ns_mask = m->attachd_ns;
	info.path_len = (uint32_t)strlen(path) + 1;
	if (cmd_config_item(m, "lxc.environment", sizeof("lxc.environment") - 1, &env) < 0) {
		free(env);
		env = NULL;
	}
	size_t env_len = env ? strlen(env) : 0;
	*len = (uint32_t)(sizeof(info) + info.path_len + env_len);
	*out = malloc(*len + 1);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, &info, sizeof(info));
	memcpy(*out + sizeof(info), path, info.path_len);
	if (env_len)
		memcpy(*out + sizeof(info) + info.path_len, env, env_len);
	(*out)[*len] = '\0';
	return 0;
}

static int serve(struct loop *l, struct client *c, const struct proto_request *req,
		 const char *data)
{
	struct monitor *m = l->m;
	struct reply r = { .fd = -1 };
	cleanup_free char *value = NULL;

	switch (req->cmd) {
	case CMD_STATE:
		reply_i32(&r, m->state);
		break;
	case CMD_INIT_PID:
		if (m->init_pidfd >= 0 && m->init_pid > 0)
			reply_i32(&r, m->init_pid);
		else
			r.ret = -ESRCH;
		break;
	case CMD_INIT_PIDFD:
		r.fd = m->init_pidfd; /* SCM_RIGHTS gives the client its own */
		r.ret = r.fd >= 0 ? 0 : -ESRCH;
		break;
	case CMD_STOP:
	case CMD_HALT:
	case CMD_REBOOT:
		r.ret = cmd_stop(m, req->arg, req->cmd == CMD_HALT     ? MONITOR_INTENT_HALT
					      : req->cmd == CMD_REBOOT ? MONITOR_INTENT_REBOOT
								      : MONITOR_INTENT_NONE);
		/* A frozen init would not see the signal, nor a frozen
		 * process its SIGKILL (cgroup v1): they need to run. */
		if (r.ret == 0 && frozen_state(m->state))
			thaw(l, NULL);
		break;
	case CMD_CONSOLE:
		r.ret = cmd_console(l, c, req->arg, &r.fd);
		break;
	case CMD_CONSOLE_OPEN:
		r.ret = cmd_console_open(l, c, req->arg, &r);
		break;
	case CMD_CONSOLE_WINSIZE:
		r.ret = cmd_console_winsize(l, c, data, req->len);
		break;
	case CMD_CONSOLE_BUFFER:
		r.ret = console_ring_memfd(&m->console_ring, req->arg == 1, &r.fd);
		r.close_fd = r.ret == 0;
		break;
	case CMD_CONFIG_ITEM:
		r.ret = cmd_config_item(m, data, req->len, &value);
		r.data = value;
		r.len = value ? (uint32_t)strlen(value) : 0;
		break;
	case CMD_ATTACH:
		r.ret = cmd_attach(l, &value, &r.len);
		r.data = value;
		r.fd = m->init_pidfd;
		break;
	case CMD_SUBSCRIBE:
		return cmd_subscribe(l, c);
	case CMD_CGROUP_DIR:
		r.ret = cmd_cgroup_dir(m, data, req->len, &value);
		r.data = value;
		r.len = value ? (uint32_t)strlen(value) : 0;
		break;
	case CMD_CGROUP_SET:
		r.ret = cmd_cgroup_set(m, data, req->len, &value);
		r.data = value;
		r.len = value ? (uint32_t)strlen(value) : 0;
		break;
	case CMD_FREEZE:
	case CMD_UNFREEZE:
		r.ret = req->cmd == CMD_FREEZE ? cmd_freeze(l, &value) : cmd_unfreeze(l, &value);
		r.data = value;
		r.len = value ? (uint32_t)strlen(value) : 0;
		break;
	default:
		r.ret = -EOPNOTSUPP; /* a newer client; it may try an older command */
		break;
	}
	int ret = proto_send_reply(c->fd, r.ret, r.data, r.len, r.ret == 0 ? r.fd : -1);
	if (r.close_fd)
		close(r.fd);
	return ret;
}

/* During the set-up only what needs no init is answered: the state (so
 * that lxc-wait and lxc-monitor see STARTING), a subscription, a config
 * item. Any other request (init's pid, a stop, a console) is left in the
 * socket, unwatched, until the loop runs: then it is answered as it would
 * have been had it come a moment later. A request not whole yet waits too. */
static bool park(struct loop *l, struct client *c)
{
	struct proto_request req;
	ssize_t n = recv(c->fd, &req, sizeof(req), MSG_PEEK | MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return false; /* gone: proto_recv_request says so */
	if (n == (ssize_t)sizeof(req) && (req.cmd == CMD_STATE || req.cmd == CMD_SUBSCRIBE ||
					  req.cmd == CMD_CONFIG_ITEM))
		return false;
	if (n < 0)
		return true; /* nothing after all: epoll says again when */
	unwatch(l, c->fd);
	c->parked = true;
	return true;
}

static void unpark_all(struct loop *l)
{
	for (size_t i = 0; i < l->n_clients; i++) {
		struct client *c = &l->clients[i];
		if (c->parked && watch(l, EV_CLIENT, c->fd) == 0)
			c->parked = false;
	}
}

static void on_client(struct loop *l, int fd)
{
	struct proto_request req;
	cleanup_free char *data = NULL;
	ssize_t idx = find_client(l, fd);

	if (idx < 0) {
		unwatch(l, fd);
		return;
	}
	struct client *c = &l->clients[idx];
	if (c->subscriber) {
		/* A subscriber only listens: input or hang-up ends it. */
		drop_client(l, (size_t)idx);
		return;
	}
	if (l->starting && park(l, c))
		return;
	int ret = proto_recv_request(fd, &req, &data);
	if (ret == -EPROTO || ret == -EMSGSIZE)
		proto_send_reply(fd, ret, NULL, 0, -1);
	if (ret == 0)
		ret = serve(l, c, &req, data);
	if (ret < 0) {
		if (ret != -ECONNRESET)
			log_debug(mctx(l->m), "command socket: client dropped: %s", strerror(-ret));
		drop_client(l, (size_t)idx);
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ------------------------------------------------------------ init */

static int wait_status(const siginfo_t *info)
{
	switch (info->si_code) {
	case CLD_EXITED:
		return (info->si_status & 0xff) << 8;
	case CLD_DUMPED:
		return (info->si_status & 0x7f) | 0x80;
	default:
		return info->si_status & 0x7f;
	}
}

/* init is gone, but what it wrote last may still sit in the pty: show it
 * before the terminal is handed back (lxc-start -F). */
static void drain_console(struct loop *l)
{
	struct monitor *m = l->m;
	char buf[IO_CHUNK];

	bool to_terminal = foreground(m) && m->fg_out >= 0 && l->fg_out_ok;

	if (l->console_watched < 0 ||
	    (!to_terminal && !m->console_log && !m->console_ring.buf && l->proxy_fd < 0))
		return;
	int flags = fcntl(l->console_watched, F_GETFL);
	fcntl(l->console_watched, F_SETFL, flags | O_NONBLOCK);
	for (;;) {
		ssize_t n = read(l->console_watched, buf, sizeof(buf));
		if (n <= 0)
			break;
		log_console(m, buf, (size_t)n);
		if (l->proxy_fd >= 0) /* best effort: the client may be slow */
			send(l->proxy_fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (to_terminal && file_write_all(m->fg_out, buf, (size_t)n) < 0)
			to_terminal = false;
	}
	fcntl(l->console_watched, F_SETFL, flags);
}

/* Reaps init; false when it has not exited after all. */
static bool reap_init(struct loop *l)
{
	struct monitor *m = l->m;
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	if (waitid((idtype_t)P_PIDFD, (id_t)m->init_pidfd, &info, WEXITED | WNOHANG) < 0) {
		/* Gone all the same (the pidfd said so), just not ours to reap. */
		log_warn(mctx(m), "init (pid %d): waitid: %s", m->init_pid, strerror(errno));
		m->init_status = 0;
	} else if (info.si_pid == 0) {
		return false;
	} else {
		m->init_status = wait_status(&info);
	}
	unwatch(l, m->init_pidfd);
	close(m->init_pidfd);
	m->init_pidfd = -1;
	drain_console(l);
	if (WIFSIGNALED(m->init_status))
		log_info(mctx(m), "init (pid %d) was killed by signal %d", m->init_pid,
			 WTERMSIG(m->init_status));
	else
		log_info(mctx(m), "init (pid %d) exited with status %d", m->init_pid,
			 WEXITSTATUS(m->init_status));
	return true;
}

static void kill_init(struct monitor *m)
{
	siginfo_t info;

	if (m->init_pidfd < 0)
		return;
	send_signal(m->init_pidfd, SIGKILL);
	waitid((idtype_t)P_PIDFD, (id_t)m->init_pidfd, &info, WEXITED);
	close(m->init_pidfd);
	m->init_pidfd = -1;
}

static void run_stopped(struct monitor *m)
{
	monitor_set_state(m, LXCMGR_STATE_STOPPING);
	if (m->ops && m->ops->stopped)
		m->ops->stopped(m);
}

/* The host's request decides (see enum monitor_intent); without one, a
 * reboot(2) inside the container's pid namespace is a restart when it
 * killed init with SIGHUP (a halt or power-off kills it with SIGINT). */
bool monitor_reboot_pending(const struct monitor *m)
{
	if (m->intent != MONITOR_INTENT_NONE)
		return m->intent == MONITOR_INTENT_REBOOT;
	return WIFSIGNALED(m->init_status) && WTERMSIG(m->init_status) == SIGHUP;
}

static bool want_reboot(struct monitor *m)
{
	bool reboot = monitor_reboot_pending(m);

	m->intent = MONITOR_INTENT_NONE; /* used up by this end of init */
	return reboot;
}

static int respawn(struct loop *l)
{
	struct monitor *m = l->m;
	cleanup_error lxcmgr_error *err = NULL;
	int ret = -ENOSYS;

	monitor_set_state(m, LXCMGR_STATE_STARTING);
	if (m->ops && m->ops->respawn)
		ret = m->ops->respawn(m, &err);
	if (ret == 0 && (m->init_pidfd < 0 || watch(l, EV_INIT, m->init_pidfd) < 0)) {
		ret = m->init_pidfd < 0 ? -EBADF : -errno;
		kill_init(m); /* cannot be watched, so cannot be served */
		run_stopped(m);
	}
	if (ret < 0) {
		log_error(mctx(m), "reboot: %s", err && err->msg ? err->msg : strerror(-ret));
		return ret;
	}
	console_watch(l);
	monitor_set_state(m, LXCMGR_STATE_RUNNING);
	return 0;
}

/* STOPPED goes out only once the socket is gone and the lock let go: a
 * start that follows at once (lxc-stop returns on STOPPED) must find
 * neither this monitor listening nor the container busy. */
static void finish(struct loop *l)
{
	struct monitor *m = l->m;

	close_fd(&m->lock_fd);

	if (m->listen_fd >= 0) {
		unwatch(l, m->listen_fd);
		close(m->listen_fd);
		m->listen_fd = -1;
		if (m->socket_path)
			unlink(m->socket_path);
		if (geteuid() != 0)
			proto_pointer_remove(m->c->ctx, m->c->name);
	}
	attachd_end(l);
	monitor_set_state(m, LXCMGR_STATE_STOPPED);
	while (l->n_clients > 0)
		drop_client(l, l->n_clients - 1);
	l->done = true;
}

static void on_init_exit(struct loop *l)
{
	if (!reap_init(l))
		return;
	/* Its namespaces are gone; after a reboot the next attach starts a
	 * server in the new ones. */
	attachd_end(l);
	console_unwatch(l); /* stopped() may close it */
	/* What is left must run to die, and a new init (reboot) must not
	 * start frozen; the state goes on to STOPPING, not through RUNNING. */
	if (frozen_state(l->m->state) && l->m->cgroup)
		cgroup_freeze(l->m->cgroup, false, NULL);
	freeze_timer_stop(l);
	run_stopped(l->m);
	if (want_reboot(l->m) && respawn(l) == 0)
		return;
	finish(l);
}

/* ------------------------------------------------------------ signals */

static void signal_set(const struct monitor *m, sigset_t *set, bool for_fd)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	if (!for_fd)
		sigaddset(set, SIGPIPE);
	if (foreground(m) || m->forward_signals) {
		sigaddset(set, SIGTERM);
		sigaddset(set, SIGINT);
		sigaddset(set, SIGHUP);
	}
	if (foreground(m))
		sigaddset(set, SIGWINCH);
}

static void on_signal(struct loop *l)
{
	struct monitor *m = l->m;
	struct signalfd_siginfo si;
	int halt = m->plan && m->plan->halt_signal ? m->plan->halt_signal : SIGPWR;

	while (read(l->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		if (si.ssi_signo == SIGWINCH) {
			copy_winsize(m);
			continue;
		}
		/* The terminal's ^C or a kill of lxc-start -F: a halt. */
		int ret = send_signal(m->init_pidfd, halt);
		if (ret == 0)
			m->intent = MONITOR_INTENT_HALT;
		log_info(mctx(m), "got signal %u: sending signal %d to init: %s", si.ssi_signo,
			 halt, ret < 0 ? strerror(-ret) : "done");
	}
}

/* Signals that arrived once init was gone are not the caller's business;
 * then the caller's mask comes back. */
static void restore_signals(struct loop *l)
{
	struct signalfd_siginfo si;
	struct timespec zero = { 0 };
	sigset_t pipe_set;

	if (l->sigfd >= 0) {
		while (read(l->sigfd, &si, sizeof(si)) > 0)
			;
		close(l->sigfd);
		l->sigfd = -1;
	}
	if (!l->mask_saved)
		return;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &l->old_mask, NULL);
}

/* The loop as monitor_listen makes it: the command socket only. */
static int loop_new(struct monitor *m, struct loop **out)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	*l = (struct loop){ .m = m, .epfd = -1, .sigfd = -1, .console_watched = -1,
			    .proxy_fd = -1, .fg_out_ok = true, .starting = true, .freeze_timer = -1 };
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	int ret = l->epfd < 0 ? -errno : 0;
	if (ret == 0 && m->listen_fd >= 0)
		ret = watch(l, EV_LISTEN, m->listen_fd);
	if (ret < 0) {
		if (l->epfd >= 0)
			close(l->epfd);
		free(l);
		return ret;
	}
	*out = l;
	return 0;
}

/* The rest, once init runs: signals, init's pidfd, the terminal, the
 * console; and the requests parked during the set-up. */
static int loop_open(struct loop *l)
{
	struct monitor *m = l->m;
	unsigned n = tty_count(m);
	sigset_t set;

	l->starting = false;
	unpark_all(l);
	if (m->init_pidfd < 0)
		return -EBADF;
	if (n > 0 && !m->tty_busy && !(m->tty_busy = calloc(n, sizeof(*m->tty_busy))))
		return -ENOMEM;
	signal_set(m, &set, false);
	pthread_sigmask(SIG_BLOCK, &set, &l->old_mask);
	l->mask_saved = true;
	signal_set(m, &set, true);
	l->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->sigfd < 0)
		return -errno;
	int ret = watch(l, EV_SIGNAL, l->sigfd);
	if (ret == 0)
		ret = watch(l, EV_INIT, m->init_pidfd);
	if (ret < 0)
		return ret;
	if (foreground(m)) {
		/* epoll refuses regular files (-F </some/file): no input then. */
		l->fg_in_watched = watch(l, EV_FG_IN, m->fg_in) == 0;
		copy_winsize(m);
	}
	console_watch(l);
	if (m->release_pages)
		l->release_at = now_ms() + MONITOR_RELEASE_MS;
	return 0;
}

static void loop_close(struct loop *l)
{
	if (!l)
		return;
	while (l->n_clients > 0)
		drop_client(l, l->n_clients - 1);
	freeze_timer_stop(l);
	restore_signals(l);
	if (l->epfd >= 0)
		close(l->epfd);
	l->m->loop = NULL;
	free(l);
}

static void dispatch(struct loop *l, enum ev_kind kind, int fd, uint32_t events)
{
	switch (kind) {
	case EV_LISTEN:
		on_accept(l);
		break;
	case EV_CLIENT:
		on_client(l, fd);
		break;
	case EV_INIT:
		if (fd == l->m->init_pidfd)
			on_init_exit(l);
		break;
	case EV_SIGNAL:
		on_signal(l);
		break;
	case EV_FG_IN:
		if (l->fg_in_watched)
			on_fg_in(l);
		break;
	case EV_CONSOLE:
		if (fd == l->console_watched)
			on_console(l);
		break;
	case EV_FREEZE:
		if (fd == l->freeze_timer)
			on_freeze_timer(l);
		break;
	case EV_WAIT:
		l->wait_ready = true;
		break;
	case EV_PROXY:
		if (fd == l->proxy_fd)
			on_proxy(l, events);
		break;
	case EV_ATTACHD:
		/* Gone (killed, or init is): reaped now, started again by the
		 * next attach. */
		if (l->m->attachd_pid > 0 && fd == l->m->attachd_pidfd) {
			unwatch(l, fd);
			attachd_alive(l->m);
		}
		break;
	}
}

static int loop_once(struct loop *l)
{
	struct epoll_event evs[16];
	long long left = l->release_at ? l->release_at - now_ms() : -1;

	if (l->release_at && left <= 0) {
		pages_release_code();
		l->release_at = 0;
		left = -1;
	}
	int n = epoll_wait(l->epfd, evs, ARRAY_SIZE(evs), (int)left);

	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0) {
		int ret = -errno;
		log_error(mctx(l->m), "monitor: epoll_wait: %s", strerror(-ret));
		return ret;
	}
	for (int i = 0; i < n && !l->done; i++) {
		enum ev_kind kind = (enum ev_kind)(evs[i].data.u64 >> 32);
		dispatch(l, kind, (int)(uint32_t)evs[i].data.u64, evs[i].events);
		/* After init's exit the rest of the batch may name closed fds;
		 * what is still pending comes again. */
		if (kind == EV_INIT)
			break;
	}
	return 0;
}

int monitor_loop(struct monitor *m)
{
	int ret = m->loop ? 0 : loop_new(m, &m->loop);
	struct loop *l = m->loop;

	ret = ret ?: loop_open(l);
	if (ret < 0)
		log_error(mctx(m), "monitor: setting up the event loop: %s", strerror(-ret));
	while (ret == 0 && !l->done)
		ret = loop_once(l);
	loop_close(l);
	return ret;
}

int monitor_wait_readable(struct monitor *m, int fd)
{
	struct loop *l = m->loop;
	int ret;

	if (!l || !l->starting)
		return -EINVAL;
	if ((ret = watch(l, EV_WAIT, fd)) < 0)
		return ret;
	l->wait_ready = false;
	while (ret == 0 && !l->wait_ready)
		ret = loop_once(l);
	unwatch(l, fd);
	return ret;
}

/* ------------------------------------------------------------ the rest */

int monitor_listen(struct monitor *m, lxcmgr_error **err)
{
	const char *name = m->c->name;

	free(m->socket_path);
	m->socket_path = proto_socket_path(m->c->ctx, name);
	if (!m->socket_path)
		return error_set(err, ENOMEM, "container \"%s\": command socket", name);
	int ret = proto_listen(m->socket_path, &m->listen_fd);

	ret = ret ?: loop_new(m, &m->loop);
	if (ret == -EADDRINUSE)
		return error_msg(err, EADDRINUSE,
				 "container \"%s\" is already running (its monitor listens on \"%s\")",
				 name, m->socket_path);
	if (ret < 0) {
		error_set(err, -ret, "container \"%s\": command socket \"%s\"", name,
			  m->socket_path);
		if (ret == -ENAMETOOLONG)
			error_hint(err, "choose a shorter runtime path: $LXCMGR_RUNTIME_PATH");
		return ret;
	}
	if (geteuid() != 0 && (ret = proto_pointer_write(m->c->ctx, name, m->socket_path)) < 0)
		return error_set(err, -ret, "container \"%s\": write \"%s/%s/.lxcmgr-socket\"", name,
				 m->c->ctx->lxcpath, name);
	m->state = LXCMGR_STATE_STARTING;
	log_debug(m->c->ctx, "container \"%s\": command socket \"%s\"", name, m->socket_path);
	return 0;
}

/* A subscriber that cannot take its 4 bytes at once is shut down; the loop
 * sees the hang-up and closes it (closing here would pull the fd from
 * under the loop). */
void monitor_set_state(struct monitor *m, int state)
{
	int32_t v = state;

	m->state = state;
	log_debug(mctx(m), "state %s", lxcmgr_state_name(state));
	for (size_t i = 0; i < m->n_subscribers; i++) {
		ssize_t n = send(m->subscribers[i], &v, sizeof(v), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n != (ssize_t)sizeof(v))
			shutdown(m->subscribers[i], SHUT_RDWR);
	}
}

void monitor_release(struct monitor *m)
{
	/* Only while we still listen is the socket file surely ours. */
	if (m->listen_fd >= 0 && m->socket_path) {
		unlink(m->socket_path);
		if (geteuid() != 0)
			proto_pointer_remove(m->c->ctx, m->c->name);
	}
	/* A start that failed: its subscribers hear STOPPED, once the socket
	 * is gone and the lock let go (as in finish()), and its clients are
	 * closed. */
	close_fd(&m->lock_fd);
	if (m->loop && m->state != LXCMGR_STATE_STOPPED)
		monitor_set_state(m, LXCMGR_STATE_STOPPED);
	if (m->loop)
		attachd_end(m->loop);
	attachd_stop(m);
	loop_close(m->loop);
	close_fd(&m->listen_fd);
	free(m->socket_path);
	m->socket_path = NULL;
	close_fd(&m->init_pidfd);
	close_fd(&m->console_master);
	for (unsigned i = 0; i < tty_count(m); i++)
		close_fd(&m->tty_masters[i]);
	free(m->tty_masters);
	m->tty_masters = NULL;
	free(m->tty_busy);
	m->tty_busy = NULL;
	for (size_t i = 0; i < m->n_subscribers; i++)
		close(m->subscribers[i]);
	free(m->subscribers);
	m->subscribers = NULL;
	m->n_subscribers = 0;
	console_ring_free(&m->console_ring);
}
