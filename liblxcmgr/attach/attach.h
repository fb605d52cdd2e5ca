/* lxc-attach inside the library. Three processes take part:
 *
 *   caller (P)  stays on the host: asks the monitor for init's pidfd, reads
 *               what init has (namespaces, bounding set, no_new_privs) and
 *               the user from the container's /etc/passwd, builds the
 *               command's argv and environment, proxies the pty, waits.
 *   joiner (A)  not dumpable; enters the namespaces, opens the pty in the
 *               container's devpts, clones B with CLONE_PARENT (so B is P's
 *               child, in the container's pid namespace) and exits.
 *   command (B) drops to what init has, switches user, and execs
 *               lxcmgr-exec from a sealed memfd, which execs the command.
 *
 * A and B are clone(CLONE_VM | CLONE_VFORK) children on stacks of their
 * own: a fork costs about 2 ms on a paravirtualised VM (page tables), a
 * vfork 0.05 ms (a container with a time namespace costs a copy for A:
 * setns refuses it to a process that shares its memory). Sharing P's
 * memory, they allocate nothing and call only
 * thin system call wrappers (raw syscalls for set*id, which glibc would
 * otherwise apply to every thread of P); P prepared everything. P is
 * suspended until A exits, and A until B has exec'd, so no container
 * process ever shares P's memory. Not dumpable is per memory map: P sets
 * its own back once A is gone.
 *
 * Sharing costs no protection: B is visible in the container (its pid
 * namespace) until it execs, but a non-dumpable memory map owned by the
 * initial user namespace can only be traced with CAP_SYS_PTRACE there. A
 * container whose root has that (privileged, sys_ptrace not dropped) could
 * as well take over a forked B before it drops the bounding set, and read
 * the copy of P's memory; one whose root lacks it can reach neither.
 *
 * Why the memfd: a command "#!/proc/self/exe" would make the kernel run
 * whatever binary the exec'ing process is. Were that lxc-attach, the
 * container could then reopen it for writing (CVE-2019-5736). B's last
 * exec is of a sealed, in-memory copy of a tiny static helper instead, so
 * /proc/self/exe never names a host file the container could write.
 *
 * A, B and the helper report failures to P over one SOCK_SEQPACKET socket
 * (struct attach_msg); P sees EOF there once the command has been exec'd. */
#ifndef LXCMGR_ATTACH_ATTACH_H
#define LXCMGR_ATTACH_ATTACH_H

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>
#include <termios.h>

#include "lxcmgr.h"
#include "security/seccomp.h"

enum attach_msg_kind {
	ATTACH_MSG_ERROR = 1, /* value: errno; text: what failed */
	ATTACH_MSG_PTY,       /* SCM_RIGHTS: the pty master */
	ATTACH_MSG_PID,       /* value: B's pid, as P sees it */
};

/* Shared with tools/lxcmgr-exec.c, which sends ATTACH_MSG_ERROR when the
 * command cannot be exec'd. */
struct attach_msg {
	int32_t kind;
	int32_t value;
	char text[480];
};

/* The argv the helper gets: "lxcmgr-exec" SOCKFD FILE ARG0 ARG... */
#define ATTACH_HELPER_ARGV0 "lxcmgr-exec"

#ifndef LXCMGR_ATTACH_HELPER_ONLY

struct lxcmgr_ctx;

/* What P learnt about the container, and what A and B need. */
struct attach_job {
	const struct lxcmgr_attach_options *opts;
	int pidfd;          /* init's */
	pid_t init_pid;     /* for the /proc fallback of old kernels */
	int ns_mask;        /* CLONE_NEW* to join */
	uint64_t cap_bnd;   /* init's bounding set */
	bool no_new_privs;  /* init has it */
	bool init_seccomp;  /* init is under a seccomp filter */
	struct secfilter seccomp; /* the container's filter (n == 0: none), for B */
	char *aa_label;     /* init's AppArmor profile, for B's execve, or NULL */
	int helper_fd;      /* sealed memfd of lxcmgr-exec */
	int *cgroup_fds;    /* cgroup.procs of the container's cgroups, for A (-1: none) */
	size_t n_cgroup_fds;
	int sock;           /* the child end of the sync socket */
	bool pty;           /* allocate one */
	bool tty[3];        /* which of fds 0 1 2 go to the pty */
	char **caller_env;  /* environ of P, for --keep-env and --keep-var */
	char *conf_env;     /* lxc.environment of the running container, one a line */
	bool remount;       /* -R: a mount namespace of B's own, /proc and /sys fresh */
	/* Prepared by P for B (owned; attach_job_release frees them): */
	uid_t uid;
	gid_t gid;
	gid_t *groups;      /* supplementary: gid and the user's groups in /etc/group */
	size_t n_groups;
	char *home;         /* where B starts when it may enter it, else "/" */
	char **env;
	char *file;         /* the command, or the user's shell */
	char **argv;
	char **helper_argv; /* lxcmgr-exec SOCK FILE ARGV...: the vector only is owned */
	char sock_str[16];
	char *stacks;       /* one mapping: A's stack, then B's */
	char *stack_a, *stack_b; /* their tops */
};

/* The user (-u, else root) from the container's /etc/passwd, read through
 * init's root without leaving it; then B's uid, gid, home, environment,
 * and command (the user's login shell when none is given). */
int attach_prepare(struct attach_job *job, lxcmgr_error **err);

/* security.c: init is under a seccomp filter, so B gets the container's
 * (lxc.seccomp.profile, asked of the monitor on MONITOR_FD, compiled or
 * from the cache); and init's AppArmor profile where AppArmor is on. */
int attach_security_prepare(struct lxcmgr_container *c, int monitor_fd, struct attach_job *job,
			    lxcmgr_error **err);

/* cgroup.c: opens the cgroup.procs files of the container's cgroups (its
 * payload; on cgroup2 init's own cgroup when the payload has controllers
 * enabled below it) into job->cgroup_fds, unless -e CGROUP. */
int attach_cgroup_prepare(struct lxcmgr_container *c, struct attach_job *job,
			  lxcmgr_error **err);
void attach_cgroup_release(struct attach_job *job);

/* Runs A (and so B); returns A's pid once A has exited, or -errno. */
pid_t attach_spawn(const struct attach_job *job);

/* B's environment: malloc'd vector (free with strv_free). */
char **attach_build_env(const struct attach_job *job, const char *user, const char *home,
			const char *shell);

/* Sends one message (and FD when >= 0). 0 or -errno. */
int attach_send(int sock, int kind, int value, int fd, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* ---------------------------------------------------------- terminal */

struct attach_tty {
	bool raw;            /* the caller's terminal was put in raw mode */
	int in_fd;           /* the caller's terminal (0) */
	int out_fd;          /* where the pty's output goes */
	int log_fd;          /* -L, or -1 */
	int master;
	sigset_t old_mask;   /* restored by attach_tty_end */
	int sigfd;
	struct termios saved;
};

/* The signals the proxy takes over: SIGWINCH, SIGCHLD, and those it
 * forwards to the command (SIGHUP SIGINT SIGQUIT SIGTERM). */
void attach_tty_sigset(sigset_t *set);
/* Raw mode, window size, signals. */
int attach_tty_begin(struct attach_tty *t, int master, const char *log_path,
		     lxcmgr_error **err);
/* Proxies until CHILD exits; its wait status in *status. */
int attach_tty_proxy(struct attach_tty *t, pid_t child, int *status);
/* Restores the terminal and the signal mask; safe to call twice. */
void attach_tty_end(struct attach_tty *t);

#endif
#endif
