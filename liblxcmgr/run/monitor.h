/* The monitor: one small process per running container. It owns the
 * command socket and the pty masters, and waits for init through its
 * pidfd; an event loop (epoll) over the listening socket, clients, the
 * signalfd and the console. When init exits it runs the stop and
 * post-stop hooks, removes what the start made, and ends (or starts init
 * again when init asked for a reboot). */
#ifndef LXCMGR_RUN_MONITOR_H
#define LXCMGR_RUN_MONITOR_H

#include <stdbool.h>
#include <sys/types.h>

#include "lxcmgr.h"
#include "run/plan.h"
#include "run/ring.h"

struct monitor;
struct console_log;
struct loop;

/* What the host asked for last. A reboot(2) inside tells only init's way
 * of ending, but a halt signal may end an init in any way (a script that
 * reboots, a crash, a kill after the timeout): what the host asked for
 * decides when there is a request. */
enum monitor_intent {
	MONITOR_INTENT_NONE,   /* init's end decides: SIGHUP means reboot */
	MONITOR_INTENT_HALT,   /* stay stopped */
	MONITOR_INTENT_REBOOT, /* start again */
};

/* What the monitor asks of start.c. */
struct monitor_ops {
	/* Spawn init again (reboot). 0, or -errno with *err. */
	int (*respawn)(struct monitor *m, lxcmgr_error **err);
	/* init is gone: hooks and cleanup. Called once per stop. */
	void (*stopped)(struct monitor *m);
};

struct monitor {
	struct lxcmgr_container *c;
	struct start_plan *plan;
	const struct monitor_ops *ops;
	int state;           /* enum lxcmgr_state */
	pid_t init_pid;
	int init_pidfd;
	int init_status;     /* wait status once init has exited */
	int listen_fd;
	char *socket_path;
	int console_master;  /* -1: none */
	int *tty_masters;    /* plan->tty_max entries */
	bool *tty_busy;      /* a client holds it (monitor_loop allocates it) */
	int fg_in, fg_out;   /* lxc-start -F: the terminal; else -1 */
	bool forward_signals; /* the caller waits in the foreground (-F, lxc-execute):
				 SIGTERM, SIGINT, SIGHUP to it go to init */
	int *subscribers;    /* CMD_SUBSCRIBE clients */
	size_t n_subscribers;
	enum monitor_intent intent; /* used up when init exits */
	struct console_log *console_log; /* lxc.console.logfile, or NULL */
	struct console_ring console_ring; /* lxc.console.buffer.size (buf NULL: none) */
	struct cgroup *cgroup; /* the container's cgroups (start.c owns them), or NULL */
	struct loop *loop;    /* the event loop (monitor.c), from monitor_listen on */
	int lock_fd;          /* the container lock (store_lock), or -1: let go just
			       * before STOPPED goes out, once everything the run
			       * made is gone, so that a start that follows at once
			       * does not find the container busy */
	bool release_pages;   /* give back the set-up's code pages (pages.h) once the
			       * loop has run a while: see MONITOR_RELEASE_MS */
	/* lxcmgr-attachd (run/attachd.h), while it runs: */
	pid_t attachd_pid;    /* 0: none (a monitor zeroed has none) */
	int attachd_pidfd;
	int attachd_ns;       /* the namespaces of init it entered */
	char *attachd_path;   /* its socket */
};

/* Creates the command socket and the event loop; the state is STARTING. */
int monitor_listen(struct monitor *m, lxcmgr_error **err);

/* While the container is set up (before monitor_loop): returns once FD is
 * readable, answering meanwhile the requests that need no init (state,
 * subscription, config item); others wait until monitor_loop runs. 0, or
 * -errno (the caller then blocks on FD as it would without this). */
int monitor_wait_readable(struct monitor *m, int fd);

/* Serves until init has exited and ops->stopped has run (and no reboot
 * follows). Returns 0, or -errno for a loop failure (logged). */
int monitor_loop(struct monitor *m);

/* Once init has exited: will init start again (a reboot)? For the stop
 * hooks' LXC_TARGET. */
bool monitor_reboot_pending(const struct monitor *m);

/* Sets the state and tells every subscriber. */
void monitor_set_state(struct monitor *m, int state);

/* Closes what the monitor holds (lock, socket, ptys, pidfd, subscribers), frees
 * socket_path, tty_masters, tty_busy and the console ring buffer; unlinks the socket while it is
 * still ours. fds of -1 are skipped. */
void monitor_release(struct monitor *m);

#endif
