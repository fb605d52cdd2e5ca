/* The command socket between a container's monitor and its clients
 * (lxc-info, lxc-stop, lxc-wait, lxc-attach, lxc-console ...).
 *
 * A unix stream socket at <runtime>/c/<hash>.sock, where hash is FNV-1a 64
 * of "<lxcpath>/<name>" in hex (short enough for sun_path whatever the
 * paths). The server checks SO_PEERCRED: root, or the monitor's own uid.
 *
 * Versioned and frozen: a request is { u32 version = 1, u32 cmd, i32 arg,
 * u32 len } + len bytes; a reply is { i32 ret (0 or -errno), u32 len } +
 * len bytes, with at most one fd by SCM_RIGHTS. A command's meaning never
 * changes; a new meaning gets a new command number. */
#ifndef LXCMGR_RUN_PROTO_H
#define LXCMGR_RUN_PROTO_H

#include <stddef.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lxcmgr.h"

struct lxcmgr_ctx;

#define PROTO_VERSION 1
#define PROTO_MAX_DATA 65536

enum proto_cmd {
	CMD_STATE = 1,    /* reply data: i32 state */
	CMD_INIT_PID,     /* reply data: i32 pid */
	CMD_INIT_PIDFD,   /* reply fd: a pidfd of init */
	CMD_STOP,         /* arg: signal for init (0: SIGKILL); the monitor sends it */
	CMD_CONSOLE,      /* arg: 0 console, N ttyN, -1 first free; reply fd: pty master.
			     While a client holds the console's master the monitor does
			     not read it, so its ring buffer and log miss what that
			     client reads: CMD_CONSOLE_OPEN does not */
	CMD_CONFIG_ITEM,  /* data: key; reply data: the running value (failure: the message) */
	CMD_SUBSCRIBE,    /* reply, then one i32 state per change until close */
	CMD_HALT,         /* arg: signal for init, which the monitor sends; once init has
			     exited, for whatever reason, the container stays stopped */
	CMD_REBOOT,       /* arg: signal for init, which the monitor sends; once init has
			     exited, for whatever reason, it is started again */
	CMD_CGROUP_DIR = 10, /* data: a cgroup file name ("memory.limit_in_bytes"); reply
			   * data: the directory of the container's cgroup holding it.
			   * -ENOENT: no hierarchy has its controller; -ESRCH: the
			   * container has no cgroups */
	CMD_FREEZE = 11,  /* freezes the container's cgroup and replies at once: the state
			   * is FREEZING, or FROZEN already; subscribers get FROZEN when
			   * the kernel is done. Failure: reply data is the message.
			   * -ESRCH: init is not running; -ENODEV: no cgroups, no freezer */
	CMD_UNFREEZE = 12, /* thaws it; the reply follows THAWED, then RUNNING. A
			    * container that is not frozen stays as it is (0) */
	CMD_CONSOLE_OPEN = 13, /* arg: 0 console, N ttyN, -1 first free; reply data: i32 the
			    * tty got; reply fd: for a tty its pty master, for the console
			    * a stream socket the monitor proxies (so the ring buffer and
			    * the log keep seeing what the container writes). Held until
			    * this connection or that fd closes; -EBUSY: another client
			    * holds it. The connection stays open and idle; the monitor
			    * closes it when the container stops. */
	CMD_CONSOLE_WINSIZE = 14, /* data: struct winsize; sets the size of the tty this
			       * connection holds (-ENOTCONN: none) */
	CMD_CONSOLE_BUFFER = 15, /* arg: 1 empties the buffer after the copy; reply fd: a
			      * sealed memfd with the console ring buffer's content, at
			      * offset 0. -ENODATA: lxc.console.buffer.size is 0 */
	CMD_CGROUP_SET = 16, /* data: "FILE\0VALUE", a device rule (devices.allow or
			      * devices.deny) for the container's cgroup, which the
			      * monitor applies where it keeps the rules (cgroup2: a new
			      * device program in place of the attached one). Failure:
			      * reply data is the message. -EOPNOTSUPP without data: the
			      * client writes FILE itself (cgroup v1, CMD_CGROUP_DIR);
			      * -ESRCH: the container has no cgroups */
	CMD_ATTACH = 17,  /* lxc-attach's one question: reply fd: init's pidfd; reply data:
			   * struct proto_attach_info, the path of the container's attach
			   * server (lxcmgr-attachd, started now if it is not running; ""
			   * when there is none) and its NUL, then lxc.environment */
};

struct proto_attach_info {
	int32_t init_pid;
	int32_t ns_mask;     /* CLONE_NEW*: the namespaces of init the server entered */
	uint32_t path_len;   /* bytes of the server's path that follow, with its NUL */
	uint32_t reserved;
};

struct proto_request {
	uint32_t version;
	uint32_t cmd;
	int32_t arg;
	uint32_t len;
};

struct proto_reply {
	int32_t ret;
	uint32_t len;
};

/* "<runtime>/c/<hash>.sock" (malloc'd). */
char *proto_socket_path(const struct lxcmgr_ctx *ctx, const char *name);

/* An ordinary user's monitor listens in the user's runtime directory,
 * which root cannot know: it leaves its socket's path in the container's
 * directory, "<lxcpath>/<name>/.lxcmgr-socket", so that root finds it with
 * -P (LXC's abstract sockets are found by anyone). Written when the
 * monitor listens, removed when it stops listening. */
int proto_pointer_write(const struct lxcmgr_ctx *ctx, const char *name, const char *socket_path);
void proto_pointer_remove(const struct lxcmgr_ctx *ctx, const char *name);
/* The socket path a user's pointer names (malloc'd) and the container
 * directory's owner, when the directory is not root's and the pointer is a
 * regular file of that owner's; -ENOENT otherwise. Its content is the
 * user's to write: whoever follows it acts as that user only. */
int proto_pointer_read(const struct lxcmgr_ctx *ctx, const char *name, char **socket_path,
		       uid_t *owner);

/* Client: connects to NAME's monitor. -ECONNREFUSED or -ENOENT: not running.
 * A server that is neither root nor our uid gives -EACCES. Root also
 * follows a user's pointer (above) to a monitor of the container's owner. */
int proto_connect(const struct lxcmgr_ctx *ctx, const char *name, int *fd);

/* Client: one request and its reply. *data (malloc'd, NUL-terminated, may be
 * NULL) and *fd_out (-1 when none) when not NULL. Returns the reply's ret, or
 * -errno when the exchange failed. */
int proto_call(int fd, uint32_t cmd, int32_t arg, const void *req_data, uint32_t req_len,
	       char **data, uint32_t *len, int *fd_out);

/* Whether RET, from proto_connect or proto_call, means that no monitor
 * serves the container (any more): no socket, nobody listening, or one that
 * ended before it replied (it was stopping), or its own -ESRCH (no init). */
static inline bool proto_monitor_gone(int ret)
{
	return ret == -ENOENT || ret == -ECONNREFUSED || ret == -ECONNRESET || ret == -EPIPE ||
	       ret == -ESRCH;
}

/* Server side: read one request (data malloc'd into *data, NUL-terminated),
 * send one reply (FD -1 for none). */
int proto_recv_request(int fd, struct proto_request *req, char **data);
int proto_send_reply(int fd, int32_t ret, const void *data, uint32_t len, int send_fd);

/* Server: a listening socket at PATH, non-blocking (accept after epoll).
 * Its directory is made 0700 first; one another uid owns gives -EPERM. A
 * stale socket file is replaced; one a live server listens on gives
 * -EADDRINUSE. The caller unlinks PATH when done. */
int proto_listen(const char *path, int *fd);
/* Server: 0 when the peer may talk to us (root, or our own uid), else
 * -EACCES (or -errno). */
int proto_peer_allowed(int fd);

#endif
