/* lxc-console inside the library: a tty of a running container (or its
 * console) through the container's monitor, its window size, and the
 * console ring buffer. The interactive part (raw mode, escape keys) is the
 * tool's: the library does no terminal I/O. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "run/proto.h"
#include "util/cleanup.h"
#include "util/error.h"

struct lxcmgr_console {
	int conn; /* the command connection that holds the tty */
	int fd;   /* the tty's stream: a pty master, or the monitor's console proxy */
	int tty;
};

static int not_running(struct lxcmgr_container *c, lxcmgr_error **err)
{
	return error_msg(err, ESRCH, "container \"%s\" is not running", c->name);
}

static int open_error(struct lxcmgr_container *c, int tty, int ret, lxcmgr_error **err)
{
	if (proto_monitor_gone(ret))
		return not_running(c, err);
	if (ret == -EBUSY && tty == 0)
		return error_msg(err, EBUSY, "the console of \"%s\" is in use by another client "
				 "(lxc-console -t 0, or lxc-start -F); try a tty: -t 1", c->name);
	if (ret == -EBUSY && tty > 0)
		return error_msg(err, EBUSY, "tty %d of \"%s\" is in use by another lxc-console; "
				 "choose another with -t N, or leave -t out for the first free one",
				 tty, c->name);
	if (ret == -EBUSY)
		return error_msg(err, EBUSY, "every tty of \"%s\" is in use by another lxc-console "
				 "(lxc.tty.max); the console is -t 0", c->name);
	if (ret == -EINVAL && tty == 0)
		return error_msg(err, EINVAL, "container \"%s\" has no console", c->name);
	if (ret == -EINVAL && tty > 0)
		return error_msg(err, EINVAL, "container \"%s\" has no tty %d (raise lxc.tty.max; "
				 "the console is -t 0)", c->name, tty);
	if (ret == -EINVAL)
		return error_msg(err, EINVAL, "container \"%s\" has no ttys (set lxc.tty.max; the "
				 "console is -t 0)", c->name);
	if (ret == -EOPNOTSUPP)
		return error_msg(err, EOPNOTSUPP, "the monitor of \"%s\" is older than this "
				 "lxc-console; restart the container", c->name);
	return error_set(err, -ret, "ask the monitor of \"%s\" for a tty", c->name);
}

int lxcmgr_console_open(struct lxcmgr_container *c, int tty, struct lxcmgr_console **out,
			lxcmgr_error **err)
{
	cleanup_close int conn = -1;
	cleanup_free char *data = NULL;
	uint32_t len = 0;
	int fd = -1;

	if (tty < -1)
		return error_msg(err, EINVAL, "tty %d: use 0 for the console, N for tty N", tty);
	int ret = proto_connect(c->ctx, c->name, &conn);
	ret = ret ?: proto_call(conn, CMD_CONSOLE_OPEN, tty, NULL, 0, &data, &len, &fd);
	if (ret < 0)
		return open_error(c, tty, ret, err);
	cleanup_close int owned = fd;
	int32_t got;
	if (fd < 0 || len != sizeof(got))
		return error_msg(err, EPROTO, "the monitor of \"%s\" sent no tty", c->name);
	memcpy(&got, data, sizeof(got));
	struct lxcmgr_console *con = calloc(1, sizeof(*con));
	if (!con)
		return error_set(err, ENOMEM, "console");
	*con = (struct lxcmgr_console){ .conn = steal_fd(conn), .fd = steal_fd(owned), .tty = got };
	*out = con;
	return 0;
}

int lxcmgr_console_fd(const struct lxcmgr_console *con)
{
	return con->fd;
}

int lxcmgr_console_tty(const struct lxcmgr_console *con)
{
	return con->tty;
}

int lxcmgr_console_watch_fd(const struct lxcmgr_console *con)
{
	return con->conn;
}

int lxcmgr_console_resize(struct lxcmgr_console *con, unsigned short rows, unsigned short cols,
			  lxcmgr_error **err)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols };

	/* A pty master in hand takes it directly; the console asks the monitor. */
	if (ioctl(con->fd, TIOCSWINSZ, &ws) == 0)
		return 0;
	int ret = proto_call(con->conn, CMD_CONSOLE_WINSIZE, 0, &ws, sizeof(ws), NULL, NULL, NULL);
	if (ret < 0)
		return error_set(err, -ret, "set the window size of tty %d", con->tty);
	return 0;
}

void lxcmgr_console_close(struct lxcmgr_console *con)
{
	if (!con)
		return;
	close(con->fd);
	close(con->conn);
	free(con);
}

static int read_memfd(int fd, char **data, size_t *len)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	size_t size = (size_t)st.st_size;
	cleanup_free char *buf = malloc(size + 1);
	if (!buf)
		return -ENOMEM;
	size_t done = 0;
	while (done < size) {
		ssize_t n = pread(fd, buf + done, size - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	buf[size] = '\0';
	*data = steal_ptr(buf);
	*len = size;
	return 0;
}

int lxcmgr_container_console_buffer(struct lxcmgr_container *c, bool clear, char **data,
				    size_t *len, lxcmgr_error **err)
{
	cleanup_close int conn = -1;
	int fd = -1;
	int ret = proto_connect(c->ctx, c->name, &conn);

	ret = ret ?: proto_call(conn, CMD_CONSOLE_BUFFER, clear ? 1 : 0, NULL, 0, NULL, NULL, &fd);
	if (proto_monitor_gone(ret))
		return not_running(c, err);
	if (ret == -ENODATA)
		return error_msg(err, ENODATA, "container \"%s\" keeps no console ring buffer (set "
				 "lxc.console.buffer.size, e.g. to auto, and restart it)", c->name);
	if (ret < 0)
		return error_set(err, -ret, "ask the monitor of \"%s\" for the console buffer",
				 c->name);
	cleanup_close int owned = fd;
	ret = read_memfd(fd, data, len);
	if (ret < 0)
		return error_set(err, -ret, "read the console buffer of \"%s\"", c->name);
	return 0;
}
