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

#include <linux/errno.h>
#include <linux/sched.h>
#include <stdbool.h>
#include <stdint.h>

enum attach_msg_kind {
	ATTACH_MSG_ERROR = 1, /* value: errno; text: what failed, then
			       * optionally a NUL and how to fix it */
	ATTACH_MSG_PTY,       /* SCM_RIGHTS: the pty master. From lxcmgr-attachd: the
			       * request is taken (no fd without a pty); after it the
			       * command may run, so no fallback to the old path */
	ATTACH_MSG_PID,       /* value: B's pid, as P sees it. From lxcmgr-attachd: the
			       * command's, as the host sees it; SCM_RIGHTS its pidfd */
	ATTACH_MSG_EXIT,      /* lxcmgr-attachd: value: the command's wait status */
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

/* ------------------------------------------------- the attach server
 *
 * lxcmgr-attachd (tools/lxcmgr-attachd.c, whose head says why it is safe):
 * one per running container, started by the monitor on the first attach
 * from a sealed memfd, in the host's pid namespace but in init's other
 * namespaces. Its argv:
 *
 *   lxcmgr-attachd LISTENFD PIDFD SECCOMPFD NSMASK CAPBND NNP CGFD,CGFD... ENVFD
 *
 * (SECCOMPFD -1: no filter; CAPBND in hex; CGFDS "-": no cgroups; ENVFD a
 * memfd with lxc.environment, one a line, or -1). A client connects to its
 * SOCK_SEQPACKET socket and sends one request: this header, then n_groups
 * u32 gids, then NUL-terminated strings: the file, the home directory ("":
 * none), argc argv, envc environment, setc variables; SCM_RIGHTS the
 * caller's fds 0, 1, 2. The server answers ATTACH_MSG_PTY (taken), then
 * ATTACH_MSG_PID or ATTACH_MSG_ERROR, then ATTACH_MSG_EXIT.
 *
 * Without ATTACHD_RESOLVE the client prepared everything (attach_prepare):
 * the environment is the command's, setc is 0. With it (lxc-attach's
 * front, tools/lxc-attach-front.c, which reads no file of the container),
 * the server's child does what attach_prepare does, in the container's
 * mount namespace: uid (ATTACHD_ID_UNSET: 0) and gid (unset: the user's
 * in /etc/passwd, else 0), groups from /etc/group (n_groups is 0), home,
 * and the environment (env.c's rules, for env_mode) from the caller's
 * environment (envc strings), lxc.environment and the -v variables (setc
 * strings). The file is argv[0]: a command is required. */
#define ATTACHD_ARGV0 "lxcmgr-attachd"
/* 2: setc, env_mode and ATTACHD_RESOLVE. A server of an older build (a
 * container started before an upgrade) drops a request of another
 * version unanswered: its clients take their own path. */
#define ATTACHD_VERSION 2
#define ATTACHD_MAX_REQUEST (128 * 1024)
#define ATTACHD_PTY 1u            /* allocate a pty in the container */
#define ATTACHD_TTY(i) (2u << (i)) /* fd I goes to that pty */
#define ATTACHD_RESOLVE 0x100u    /* the server prepares user and environment */
#define ATTACHD_ID_UNSET 0xffffffffu
/* env_mode: as enum lxcmgr_attach_env (lxcmgr.h), which attach/server.c
 * checks at build time. */
#define ATTACHD_ENV_CLEAN 0
#define ATTACHD_ENV_KEEP 1
#define ATTACHD_ENV_CLEAR 2
/* The PATH of a clean or cleared environment. */
#define ATTACH_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* How to get past a cgroup join the kernel refused with ERRNUM, for a
 * process of scheduling POLICY (sched_getscheduler): lxc-attach's own
 * child and the attach server's give the same fix. */
static inline const char *attach_cgroup_join_hint(int errnum, int policy)
{
	policy &= ~SCHED_RESET_ON_FORK;
	/* The kernel keeps a real-time process out of a cpu cgroup that has
	 * no real-time budget (CONFIG_RT_GROUP_SCHED; new ones have none). */
	if (errnum == EINVAL && (policy == SCHED_FIFO || policy == SCHED_RR))
		return "a real-time process joins only a cpu cgroup whose cpu.rt_runtime_us, "
		       "and each parent's, is above 0: attach as SCHED_OTHER, or with -e CGROUP";
	if (errnum == ENODEV || errnum == ENOENT)
		return "the cgroup is gone: is the container stopping? (lxc-info shows its state)";
	return "-e CGROUP (--elevated-privileges=CGROUP) attaches without joining it";
}

struct attachd_request {
	uint32_t version;
	uint32_t flags;
	uint32_t uid, gid;
	uint32_t n_groups;
	uint32_t argc, envc, setc;
	uint32_t env_mode;
	uint32_t len; /* bytes after this header */
};

#ifndef LXCMGR_ATTACH_HELPER_ONLY

#include <signal.h>
#include <sys/types.h>
#include <termios.h>

#include "lxcmgr.h"
#include "security/seccomp.h"

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
/* The same for the cgroups CG (the monitor's, for lxcmgr-attachd): *fds
 * (malloc'd, one per hierarchy, -1 where none) and *n; on failure the
 * caller closes and frees what is there. */
struct cgroup;
int attach_cgroup_open(const struct cgroup *cg, pid_t init_pid, int **fds, size_t *n,
		       lxcmgr_error **err);

/* attach.c, shared with the monitor's start of lxcmgr-attachd: a sealed
 * in-memory copy of the program at PATH (memfd named NAME); the
 * namespaces of PID that are not ours (CLONE_NEW*); its bounding set,
 * no_new_privs and whether a seccomp filter confines it. */
int attach_helper_memfd(const char *path, const char *name, int *out, lxcmgr_error **err);
int attach_foreign_namespaces(pid_t pid);
int attach_read_status(pid_t pid, uint64_t *cap_bnd, bool *no_new_privs, bool *seccomp);

/* server.c: the attach through the container's lxcmgr-attachd. 1 when it
 * ran (the command's wait status in *exit_status), 0 when lxc-attach's own
 * path must run instead (no server, or one that went away before it took
 * the request: nothing ran), or -errno with *err. */
int attach_via_server(struct lxcmgr_container *c, const struct lxcmgr_attach_options *opts,
		      int *exit_status, lxcmgr_error **err);

/* Runs A (and so B); returns A's pid once A has exited, or -errno. */
pid_t attach_spawn(const struct attach_job *job);

/* B's environment: malloc'd vector (free with strv_free). */
char **attach_build_env(const struct attach_job *job, const char *user, const char *home,
			const char *shell);

/* One message (and its fd, if any, into *FD). 1 for one, 0 at EOF,
 * -EPROTO for one of the wrong size, or -errno. */
int attach_recv(int sock, struct attach_msg *m, int *fd);

/* An ATTACH_MSG_ERROR as *err: its text, the errno text of its value,
 * and its hint when it has one. Returns -errno. */
int attach_msg_error(const struct attach_msg *m, lxcmgr_error **err);

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
/* The same for a command of the attach server: signals go through its
 * PIDFD; returns once DONE_FD (the server's socket) is readable. */
int attach_tty_proxy_until(struct attach_tty *t, int pidfd, int done_fd);
/* Restores the terminal and the signal mask; safe to call twice. */
void attach_tty_end(struct attach_tty *t);

#endif
#endif
