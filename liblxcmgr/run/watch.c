/* Watching the states of many containers at once (lxc-monitor): one
 * CMD_SUBSCRIBE stream per running container, and an inotify watch on the
 * directory of the command sockets, so a monitor that appears is seen when
 * it binds its socket, without polling.
 *
 * Each container's states come from its own monitor, so they arrive in
 * order; the only state made up here is STARTING, when a socket appears
 * (the monitor is STARTING from its bind() until its loop runs and answers),
 * and STOPPED, when a stream ends without saying so (the monitor was
 * killed) or a monitor that appeared is gone before it answered (the start
 * failed). A state equal to the one last reported is not reported again. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "run/proto.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/str.h"

#define WATCH_RETRY_MS 20 /* a socket is bound before it listens: ask again this soon */
#define WATCH_RETRIES 50  /* ... this often (1 s) before taking it for a stale one */
#define WATCH_POLL_MS 1000 /* without inotify (no watches left): rescan this often */
#define WATCH_SOCK_EVENTS (IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
#define WATCH_DIR_EVENTS (IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)

struct sub {
	struct sub *next;
	char *name;
	int fd;           /* the CMD_SUBSCRIBE stream; -1 when none */
	int last;         /* the state last reported */
	int retries;      /* connects left while the socket is there but refuses */
	bool replied;     /* the reply to CMD_SUBSCRIBE has come */
	size_t len;       /* bytes in buf */
	unsigned char buf[64];
};

struct watcher {
	struct lxcmgr_ctx *ctx;
	lxcmgr_name_filter filter;
	void *filter_data;
	lxcmgr_state_fn fn;
	void *data;
	lxcmgr_error **err;
	char *sockdir;   /* <runtime>/c */
	int epfd, ifd, cancel_fd;
	int wd;          /* the inotify watch: on sockdir, or on an ancestor until it exists */
	bool on_sockdir;
	long long next_tick; /* the next connect retry; -1: none due */
	long long next_poll; /* without inotify: the next rescan */
	struct sub *subs;
};

/* ------------------------------------------------------------ subscriptions */

static void sub_close(struct sub *s)
{
	if (s->fd >= 0)
		close(s->fd); /* also leaves the epoll set */
	s->fd = -1;
	s->replied = false;
	s->len = 0;
}

static struct sub *sub_get(struct watcher *w, const char *name)
{
	for (struct sub *s = w->subs; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	struct sub *s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(name))) {
		free(s);
		return NULL;
	}
	s->fd = -1;
	s->last = LXCMGR_STATE_STOPPED;
	s->next = w->subs;
	w->subs = s;
	return s;
}

/* Forgets the containers that are stopped and not being asked: the default
 * (STOPPED, no stream) is all there is to remember of them. */
static void subs_prune(struct watcher *w)
{
	for (struct sub **p = &w->subs; *p;) {
		struct sub *s = *p;
		if (s->fd < 0 && s->retries == 0 && s->last == LXCMGR_STATE_STOPPED) {
			*p = s->next;
			free(s->name);
			free(s);
		} else {
			p = &s->next;
		}
	}
}

static int report(struct watcher *w, struct sub *s, int state)
{
	if (state == s->last)
		return 0;
	s->last = state;
	return w->fn(s->name, state, w->data);
}

/* Connects, sends CMD_SUBSCRIBE and adds the stream to the epoll set; the
 * reply is read when it comes (a monitor still starting answers only once
 * its loop runs). -ENOENT, -ECONNREFUSED: no monitor listens. */
static int sub_connect(struct watcher *w, struct sub *s)
{
	struct proto_request req = { .version = PROTO_VERSION, .cmd = CMD_SUBSCRIBE };
	cleanup_close int fd = -1;
	int ret = proto_connect(w->ctx, s->name, &fd);

	if (ret < 0)
		return ret;
	ssize_t n = send(fd, &req, sizeof(req), MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n != (ssize_t)sizeof(req))
		return n < 0 ? -errno : -EIO; /* a new socket takes 16 bytes at once */
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	s->fd = steal_fd(fd);
	s->replied = false;
	s->len = 0;
	return 0;
}

/* Subscribes to S unless it already is. A socket nobody listens on yet is
 * tried again a few times (FRESH starts the count); a container that is
 * not running is STOPPED. Returns FN's value or 0; errors that concern one
 * container only are logged. */
static int sub_try(struct watcher *w, struct sub *s, bool fresh)
{
	if (s->fd >= 0)
		return 0;
	int ret = sub_connect(w, s);
	if (ret == 0) {
		s->retries = 0;
		return 0;
	}
	if (ret == -ECONNREFUSED) {
		s->retries = fresh ? WATCH_RETRIES : s->retries - 1;
		if (s->retries > 0) {
			if (w->next_tick < 0)
				w->next_tick = now_ms() + WATCH_RETRY_MS;
			return 0;
		}
	} else if (ret != -ENOENT) {
		log_debug(w->ctx, "watch \"%s\": %s", s->name, strerror(-ret));
	}
	s->retries = 0;
	return report(w, s, LXCMGR_STATE_STOPPED);
}

/* The stream ended: STOPPED (once), then a look for a monitor that may
 * already have replaced the old one (a quick restart). */
static int sub_end(struct watcher *w, struct sub *s)
{
	sub_close(s);
	int ret = report(w, s, LXCMGR_STATE_STOPPED);
	return ret ?: sub_try(w, s, true);
}

static bool state_valid(int32_t state)
{
	return state >= LXCMGR_STATE_STOPPED && state <= LXCMGR_STATE_THAWED;
}

/* The reply { i32 ret, u32 len = 4 } + i32 state, then one i32 per change.
 * Returns FN's value or 0; *REFUSED when the reply is not a state. */
static int sub_parse(struct watcher *w, struct sub *s, bool *refused)
{
	size_t off = 0;
	int ret = 0;

	if (!s->replied) {
		struct proto_reply reply;
		int32_t state;
		if (s->len < sizeof(reply) + sizeof(state))
			return 0;
		memcpy(&reply, s->buf, sizeof(reply));
		memcpy(&state, s->buf + sizeof(reply), sizeof(state));
		*refused = reply.ret != 0 || reply.len != sizeof(state) || !state_valid(state);
		if (*refused)
			return 0;
		s->replied = true;
		off = sizeof(reply) + sizeof(state);
		ret = report(w, s, state);
	}
	for (; ret == 0 && s->len - off >= sizeof(int32_t); off += sizeof(int32_t)) {
		int32_t state;
		memcpy(&state, s->buf + off, sizeof(state));
		if (state_valid(state))
			ret = report(w, s, state);
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
	return ret;
}

static int sub_read(struct watcher *w, struct sub *s)
{
	ssize_t n = recv(s->fd, s->buf + s->len, sizeof(s->buf) - s->len, MSG_DONTWAIT);
	bool refused = false;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return sub_end(w, s);
	s->len += (size_t)n;
	int ret = sub_parse(w, s, &refused);
	if (refused) {
		/* Not again until its socket is made anew: asking at once would spin. */
		log_warn(w->ctx, "watch \"%s\": its monitor refused the subscription", s->name);
		sub_close(s);
		return 0;
	}
	/* STOPPED is the last word; the monitor closes next. */
	if (ret == 0 && s->replied && s->last == LXCMGR_STATE_STOPPED)
		return sub_end(w, s);
	return ret;
}

/* ------------------------------------------------------------ scanning */

/* Whether FILE (a name in sockdir) is the command socket of NAME. */
static bool is_socket_of(struct watcher *w, const char *name, const char *file)
{
	cleanup_free char *path = proto_socket_path(w->ctx, name);
	const char *base = path ? strrchr(path, '/') : NULL;

	return base && strcmp(base + 1, file) == 0;
}

/* Subscribes to the containers that pass the filter and are not followed
 * yet. CREATED (a socket just made in sockdir, or NULL): only the
 * container whose socket that is, which is STARTING. */
static int rescan(struct watcher *w, const char *created)
{
	cleanup_strv char **names = NULL;
	int ret = lxcmgr_list_defined(w->ctx, &names, w->err);

	if (ret < 0)
		return ret;
	ret = 0;
	for (char **n = names; ret == 0 && *n; n++) {
		if (w->filter && !w->filter(*n, w->filter_data))
			continue;
		if (created && !is_socket_of(w, *n, created))
			continue;
		struct sub *s = sub_get(w, *n);
		if (!s)
			return error_set(w->err, ENOMEM, "watch \"%s\"", *n);
		if (s->fd >= 0)
			continue;
		if (created)
			ret = report(w, s, LXCMGR_STATE_STARTING);
		ret = ret ?: sub_try(w, s, true);
	}
	return ret;
}

/* ------------------------------------------------------------ inotify */

/* Watches DIR, or while it does not exist the nearest ancestor that does. */
static int watch_nearest(struct watcher *w)
{
	cleanup_free char *dir = strdup(w->sockdir);

	if (!dir)
		return -ENOMEM;
	for (;;) {
		bool top = strcmp(dir, w->sockdir) == 0;
		int wd = inotify_add_watch(w->ifd, dir, top ? WATCH_SOCK_EVENTS : WATCH_DIR_EVENTS);
		if (wd >= 0) {
			w->wd = wd;
			w->on_sockdir = top;
			return 0;
		}
		char *slash = strrchr(dir, '/');
		if (errno != ENOENT || !slash || !slash[1])
			return -errno;
		slash[slash == dir] = '\0'; /* "/run" goes up to "/" */
	}
}

/* (Re)places the watch: on sockdir when it exists; else on an ancestor,
 * to see it made. */
static int watch_sockdir(struct watcher *w)
{
	do {
		if (w->wd >= 0)
			inotify_rm_watch(w->ifd, w->wd); /* gone already (IN_IGNORED): EINVAL */
		w->wd = -1;
		int ret = watch_nearest(w);
		if (ret < 0)
			return ret;
		/* Made between the failed watch and the ancestor's: go down. */
	} while (!w->on_sockdir && path_is_dir(w->sockdir));
	return 0;
}

/* Reads the events; a socket made in sockdir is a monitor starting. */
static int on_inotify(struct watcher *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(w->ifd, buf, sizeof(buf));
	bool rewatch = false, lost = false;
	int ret = 0;

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : error_set(w->err, errno, "read inotify");
	for (char *p = buf; ret == 0 && p < buf + n;) {
		struct inotify_event *ev = (struct inotify_event *)p;
		p += sizeof(*ev) + ev->len;
		lost |= (ev->mask & IN_Q_OVERFLOW) != 0;
		if (ev->wd != w->wd)
			continue;
		if (!w->on_sockdir || (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)))
			rewatch = true;
		else if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && ev->len &&
			 str_ends_with(ev->name, ".sock"))
			ret = rescan(w, ev->name);
	}
	if (ret == 0 && rewatch) {
		bool was_on = w->on_sockdir;
		ret = watch_sockdir(w);
		if (ret < 0)
			return error_set(w->err, -ret, "watch \"%s\"", w->sockdir);
		/* Sockets made before the watch came down to sockdir. */
		lost |= w->on_sockdir && !was_on;
	}
	return ret == 0 && lost ? rescan(w, NULL) : ret;
}

/* ------------------------------------------------------------ the loop */

static int epoll_add(struct watcher *w, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };
	return epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* inotify where it can be had; without it (no instances or watches left)
 * a rescan every WATCH_POLL_MS. */
static int watch_open(struct watcher *w)
{
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		return error_set(w->err, errno, "epoll_create1");
	w->sockdir = str_printf("%s/c", w->ctx->runtime_dir);
	if (!w->sockdir)
		return error_set(w->err, ENOMEM, "watch containers");
	if (w->cancel_fd >= 0 && epoll_add(w, w->cancel_fd, &w->cancel_fd) < 0)
		return error_set(w->err, errno, "watch the cancel fd %d", w->cancel_fd);
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	int ret = w->ifd < 0 ? -errno : watch_sockdir(w);
	ret = ret ?: epoll_add(w, w->ifd, &w->ifd);
	if (ret == -EMFILE || ret == -ENOSPC || ret == -ENOMEM) {
		log_warn(w->ctx, "inotify: %s; looking for started containers every %d ms instead",
			 strerror(-ret), WATCH_POLL_MS);
		if (w->ifd >= 0)
			close(w->ifd);
		w->ifd = -1;
		w->next_poll = now_ms() + WATCH_POLL_MS;
		return 0;
	}
	if (ret < 0) {
		error_set(w->err, -ret, "watch \"%s\"", w->sockdir);
		if (ret == -EACCES)
			error_hint(w->err, "run as the user who starts the containers");
	}
	return ret;
}

static int wait_ms(const struct watcher *w, long long deadline)
{
	long long until = deadline, now = now_ms();

	if (w->next_tick >= 0 && (until < 0 || w->next_tick < until))
		until = w->next_tick;
	if (w->ifd < 0 && (until < 0 || w->next_poll < until))
		until = w->next_poll;
	if (until < 0)
		return -1;
	return until <= now ? 0 : until - now > 3600000 ? 3600000 : (int)(until - now);
}

/* Retries of sockets that did not listen yet, and rescans without inotify. */
static int on_timers(struct watcher *w)
{
	long long now = now_ms();
	int ret = 0;

	if (w->next_tick >= 0 && now >= w->next_tick) {
		w->next_tick = -1; /* sub_try sets it again while retries are left */
		for (struct sub *s = w->subs; s && ret == 0; s = s->next)
			if (s->retries > 0)
				ret = sub_try(w, s, false);
	}
	if (ret == 0 && w->ifd < 0 && now >= w->next_poll) {
		w->next_poll = now + WATCH_POLL_MS;
		ret = rescan(w, NULL);
	}
	return ret;
}

static int dispatch(struct watcher *w, void *tag, bool *cancelled)
{
	if (tag == &w->cancel_fd) {
		*cancelled = true;
		return 0;
	}
	if (tag == &w->ifd)
		return on_inotify(w);
	return sub_read(w, tag);
}

static int watch_loop(struct watcher *w, long long deadline)
{
	bool cancelled = false;

	for (;;) {
		struct epoll_event evs[16];
		int n = epoll_wait(w->epfd, evs, ARRAY_SIZE(evs), wait_ms(w, deadline));
		if (n < 0 && errno != EINTR)
			return error_set(w->err, errno, "epoll_wait");
		int ret = 0;
		for (int i = 0; ret == 0 && i < n; i++)
			ret = dispatch(w, evs[i].data.ptr, &cancelled);
		ret = ret ?: on_timers(w);
		if (ret != 0)
			return ret;
		if (cancelled || (deadline >= 0 && now_ms() >= deadline))
			return 0;
		/* Only here: an event of this batch may still point at a sub. */
		subs_prune(w);
	}
}

static void watcher_release(struct watcher *w)
{
	while (w->subs) {
		struct sub *s = w->subs;
		w->subs = s->next;
		sub_close(s);
		free(s->name);
		free(s);
	}
	if (w->ifd >= 0)
		close(w->ifd);
	if (w->epfd >= 0)
		close(w->epfd);
	free(w->sockdir);
}

LXCMGR_PUBLIC int lxcmgr_watch_states(struct lxcmgr_ctx *ctx, lxcmgr_name_filter filter,
				      void *filter_data, lxcmgr_state_fn fn, void *data,
				      int timeout_ms, int cancel_fd, lxcmgr_error **err)
{
	struct watcher w __attribute__((cleanup(watcher_release))) = {
		.ctx = ctx, .filter = filter, .filter_data = filter_data, .fn = fn,
		.data = data, .err = err, .epfd = -1, .ifd = -1, .wd = -1, .cancel_fd = cancel_fd,
		.next_tick = -1 };

	if (!fn)
		return error_msg(err, EINVAL, "watch containers: no state callback");
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	/* The watch first, then the scan: a start in between is seen by one or both. */
	int ret = watch_open(&w);
	ret = ret ?: rescan(&w, NULL);
	return ret ?: watch_loop(&w, deadline);
}
