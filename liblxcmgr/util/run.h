/* Runs a helper program (a template, a hook) to completion. Its stdout goes
 * to ours; its stderr is copied to ours while the last line is kept, so a
 * failure can be reported with the helper's own words. Like system(3), the
 * caller ignores SIGINT and SIGQUIT while waiting, so Ctrl-C stops the
 * helper and the caller lives to clean up. */
#ifndef LXCMGR_UTIL_RUN_H
#define LXCMGR_UTIL_RUN_H

#include <stdbool.h>
#include <sys/types.h>

#define RUN_QUIET (1u << 0)        /* helper output goes to /dev/null */
#define RUN_PRIVATE_MOUNTS (1u << 1) /* helper gets its own mount namespace (root) */
#define RUN_CLEAR_ENV (1u << 2)    /* helper gets only ENV_ADD, none of our environment */

struct run_result {
	int exit_status;  /* when exited */
	int term_signal;  /* when killed, else 0 */
	char last_line[512]; /* last non-empty line of its stderr */
};

/* A caller with more to do while a helper runs (the monitor answers its
 * command socket during a start): WAIT returns once FD is readable, or
 * fails (-errno), after which the wait blocks as usual. */
struct run_waiter {
	int (*wait)(void *data, int fd);
	void *data;
};

/* How the helper's process is made, when not by fork(2): FORK returns
 * like fork (0 in the child, its pid in the parent) or -errno. A template
 * run by an ordinary user starts in a user namespace (userns_fork). */
struct run_spawn {
	pid_t (*fork)(void *data);
	void *data;
};

/* Returns 0 when the helper ran (whatever its status; see RES), or -errno
 * when it could not be started (exec failure included). */
int run_helper(char *const argv[], char *const env_add[], unsigned flags,
	       struct run_result *res);
/* The same, with WAITER (or NULL) called before each read of its stderr. */
int run_helper_wait(char *const argv[], char *const env_add[], unsigned flags,
		    const struct run_waiter *waiter, struct run_result *res);

/* The same, its process made by SPAWN (or fork when NULL). */
int run_helper_spawn(char *const argv[], char *const env_add[], unsigned flags,
		     const struct run_spawn *spawn, struct run_result *res);

/* "exit status 3: <last line>" or "killed by signal 9 (Killed)". */
void run_describe(const struct run_result *res, char *buf, size_t len);

#endif
