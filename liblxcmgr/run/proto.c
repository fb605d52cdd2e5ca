/* The command socket: paths, listening, connecting, and the framing of one
 * request and its reply (see proto.h). Every exchange is a loop that reads
 * or writes exactly the bytes it expects, so a short read or write never
 * splits a message. Writes use MSG_NOSIGNAL: a peer that went away gives
 * -EPIPE, never SIGPIPE. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctx.h"
#include "run/proto.h"
#include "run/sockname.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

char *proto_socket_path(const struct lxcmgr_ctx *ctx, const char *name)
{
	return str_printf("%s" SOCKNAME_DIR "%016" PRIx64 SOCKNAME_COMMAND, ctx->runtime_dir,
			  sockname_hash(ctx->lxcpath, name));
}

static int make_addr(const char *path, struct sockaddr_un *addr)
{
	size_t len = strlen(path);

	if (len >= sizeof(addr->sun_path))
		return -ENAMETOOLONG;
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path, path, len + 1);
	return 0;
}

/* A connected socket to PATH in *fd, or -errno (-ENOENT, -ECONNREFUSED: no
 * one listens there). */
static int connect_path(const char *path, int *fd)
{
	struct sockaddr_un addr;
	int ret = make_addr(path, &addr);

	if (ret < 0)
		return ret;
	cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return -errno;
	*fd = steal_fd(s);
	return 0;
}

static char *pointer_path(const struct lxcmgr_ctx *ctx, const char *name)
{
	return str_printf("%s/%s/.lxcmgr-socket", ctx->lxcpath, name);
}

int proto_pointer_write(const struct lxcmgr_ctx *ctx, const char *name, const char *socket_path)
{
	cleanup_free char *path = pointer_path(ctx, name);
	cleanup_free char *text = str_printf("%s\n", socket_path);

	if (!path || !text)
		return -ENOMEM;
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
				    0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -errno;
	return 0;
}

void proto_pointer_remove(const struct lxcmgr_ctx *ctx, const char *name)
{
	cleanup_free char *path = pointer_path(ctx, name);

	if (path)
		unlink(path);
}

int proto_pointer_read(const struct lxcmgr_ctx *ctx, const char *name, char **socket_path,
		       uid_t *owner)
{
	cleanup_free char *path = pointer_path(ctx, name);
	cleanup_free char *dir = str_printf("%s/%s", ctx->lxcpath, name);
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	struct stat st, pst;

	if (!path || !dir)
		return -ENOMEM;
	if (stat(dir, &st) < 0 || st.st_uid == 0)
		return -ENOENT;
	cleanup_close int pfd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (pfd < 0 || fstat(pfd, &pst) < 0 || !S_ISREG(pst.st_mode) || pst.st_uid != st.st_uid)
		return -ENOENT;
	ssize_t n = read(pfd, sock, sizeof(sock) - 1);
	if (n <= 1 || sock[n - 1] != '\n' || sock[0] != '/' || memchr(sock, '\0', (size_t)n))
		return -ENOENT;
	sock[n - 1] = '\0';
	if (!(*socket_path = strdup(sock)))
		return -ENOMEM;
	*owner = st.st_uid;
	return 0;
}

/* Root's way to a user's monitor: the pointer must be the container
 * directory's owner's, and so must the monitor at its end. */
static int connect_pointer(const struct lxcmgr_ctx *ctx, const char *name, int *fd)
{
	cleanup_free char *sock = NULL;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	uid_t owner;
	int ret = proto_pointer_read(ctx, name, &sock, &owner);

	if (ret < 0)
		return ret;
	cleanup_close int s = -1;
	if ((ret = connect_path(sock, &s)) < 0)
		return ret;
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	if (cred.uid != owner)
		return -EACCES;
	*fd = steal_fd(s);
	return 0;
}

int proto_connect(const struct lxcmgr_ctx *ctx, const char *name, int *fd)
{
	cleanup_free char *path = proto_socket_path(ctx, name);
	cleanup_close int s = -1;

	if (!path)
		return -ENOMEM;
	int ret = connect_path(path, &s);
	if ((ret == -ENOENT || ret == -ECONNREFUSED) && geteuid() == 0 &&
	    connect_pointer(ctx, name, fd) == 0)
		return 0;
	if (ret < 0)
		return ret;
	/* The monitor hands out pidfds that lxc-attach enters: it must be
	 * root's or ours, the same rule the monitor applies to its clients. */
	ret = proto_peer_allowed(s);
	if (ret < 0)
		return ret;
	*fd = steal_fd(s);
	return 0;
}

/* mkdir -p the runtime directory (0755), then its "c" directory (0700). */
static int make_socket_dir(const char *path)
{
	cleanup_free char *dir = strdup(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;

	if (!dir)
		return -ENOMEM;
	if (!slash || slash == dir)
		return -EINVAL;
	*slash = '\0';
	char *parent_end = strrchr(dir, '/');
	if (parent_end && parent_end != dir) {
		*parent_end = '\0';
		int ret = mkdir_p(dir, 0755);
		if (ret < 0)
			return ret;
		*parent_end = '/';
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	/* Whoever owns it could swap our socket for theirs. */
	struct stat st;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return st.st_uid == geteuid() ? 0 : -EPERM;
}

/* A socket file left by a monitor that died is removed; one a live monitor
 * listens on is not (-EADDRINUSE). */
static int clear_stale_socket(const char *path)
{
	int fd = -1;
	int ret = connect_path(path, &fd);

	if (ret == 0) {
		close(fd);
		return -EADDRINUSE;
	}
	if (ret == -ENOENT)
		return 0;
	if (ret != -ECONNREFUSED)
		return ret;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int proto_listen(const char *path, int *fd)
{
	struct sockaddr_un addr;
	int ret = make_addr(path, &addr);

	if (ret < 0)
		return ret;
	ret = make_socket_dir(path);
	if (ret < 0)
		return ret;
	ret = clear_stale_socket(path);
	if (ret < 0)
		return ret;
	/* Non-blocking: it is only accepted from when epoll says so. */
	cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return -errno;
	if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return -errno;
	/* The directory (0700) already keeps others out; this says the same. */
	if (chmod(path, 0600) < 0 || listen(s, 16) < 0) {
		ret = -errno;
		unlink(path);
		return ret;
	}
	*fd = steal_fd(s);
	return 0;
}

int proto_peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	if (cred.uid == 0 || cred.uid == geteuid())
		return 0;
	return -EACCES;
}

static int send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Keeps the first fd that came with a message; closes any others. */
static void take_fds(struct msghdr *msg, int *fd_out)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *fds = (int *)CMSG_DATA(c);
		for (size_t i = 0; i < n; i++) {
			if (*fd_out < 0)
				*fd_out = fds[i];
			else
				close(fds[i]);
		}
	}
}

/* Reads exactly LEN bytes. The first fd passed alongside goes to *fd_out,
 * others are closed. End of stream: -ECONNRESET. */
static int recv_all(int fd, void *buf, size_t len, int *fd_out)
{
	char *p = buf;

	while (len > 0) {
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(int))];
		} control;
		struct iovec iov = { .iov_base = p, .iov_len = len };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = &control, .msg_controllen = sizeof(control) };
		ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		take_fds(&msg, fd_out);
		if (n == 0)
			return -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* LEN bytes of payload into a new NUL-terminated buffer. */
static int recv_data(int fd, uint32_t len, char **data, int *fd_out)
{
	cleanup_free char *buf = malloc((size_t)len + 1);

	if (!buf)
		return -ENOMEM;
	int ret = recv_all(fd, buf, len, fd_out);
	if (ret < 0)
		return ret;
	buf[len] = '\0';
	*data = steal_ptr(buf);
	return 0;
}

static int call_send(int fd, uint32_t cmd, int32_t arg, const void *req_data, uint32_t req_len)
{
	struct proto_request req = { .version = PROTO_VERSION, .cmd = cmd, .arg = arg,
				     .len = req_len };

	if (req_len > PROTO_MAX_DATA)
		return -EMSGSIZE;
	int ret = send_all(fd, &req, sizeof(req));
	if (ret == 0 && req_len > 0)
		ret = send_all(fd, req_data, req_len);
	return ret;
}

int proto_call(int fd, uint32_t cmd, int32_t arg, const void *req_data, uint32_t req_len,
	       char **data, uint32_t *len, int *fd_out)
{
	struct proto_reply rep;
	cleanup_close int got_fd = -1;
	cleanup_free char *buf = NULL;

	int ret = call_send(fd, cmd, arg, req_data, req_len);
	if (ret < 0)
		return ret;
	ret = recv_all(fd, &rep, sizeof(rep), &got_fd);
	if (ret < 0)
		return ret;
	if (rep.len > PROTO_MAX_DATA)
		return -EMSGSIZE;
	ret = recv_data(fd, rep.len, &buf, &got_fd);
	if (ret < 0)
		return ret;
	if (data)
		*data = rep.len > 0 ? steal_ptr(buf) : NULL;
	if (len)
		*len = rep.len;
	if (fd_out)
		*fd_out = steal_fd(got_fd);
	return rep.ret;
}

int proto_recv_request(int fd, struct proto_request *req, char **data)
{
	cleanup_close int unwanted = -1; /* a client has no fd to pass */
	int ret = recv_all(fd, req, sizeof(*req), &unwanted);

	*data = NULL;
	if (ret < 0)
		return ret;
	/* Nothing after a header of another version can be trusted. */
	if (req->version != PROTO_VERSION)
		return -EPROTO;
	if (req->len > PROTO_MAX_DATA)
		return -EMSGSIZE;
	return recv_data(fd, req->len, data, &unwanted);
}

int proto_send_reply(int fd, int32_t ret, const void *data, uint32_t len, int send_fd)
{
	struct proto_reply rep = { .ret = ret, .len = len };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov[2] = { { .iov_base = &rep, .iov_len = sizeof(rep) },
				{ .iov_base = (void *)data, .iov_len = len } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len > 0 ? 2 : 1 };

	if (len > PROTO_MAX_DATA)
		return -EMSGSIZE;
	if (send_fd >= 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = &control;
		msg.msg_controllen = sizeof(control);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &send_fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* The fd went with the first byte; the rest, if any, goes plain. */
	size_t sent = (size_t)n;
	if (sent < sizeof(rep)) {
		int r = send_all(fd, (char *)&rep + sent, sizeof(rep) - sent);
		if (r < 0 || len == 0)
			return r;
		return send_all(fd, data, len);
	}
	sent -= sizeof(rep);
	return sent < len ? send_all(fd, (const char *)data + sent, len - sent) : 0;
}
