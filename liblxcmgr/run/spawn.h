/* Spawning the container's init. clone3 makes the first process in the
 * plan's namespaces with a pidfd; the child builds the rootfs and /dev
 * (running the pre-mount, mount and autodev hooks on the way), sets the
 * host name, drops capabilities, and executes init. It talks to the parent
 * over a socketpair, each message a tag byte:
 *
 *   parent -> child   SPAWN_PLACED      init is in its cgroups and its network
 *                                       devices are in its namespace, configured
 *                                       (first of all, and only when there are
 *                                       cgroups or devices: on v1 the parent moves
 *                                       it, on v2 clone3 did; net/net.h; not for
 *                                       devices made before the clone in a
 *                                       namespace the child joins: net_premake); with a
 *                                       user namespace its maps are written and
 *                                       the idmapped trees come along as
 *                                       SCM_RIGHTS (run/userns.h)
 *   child -> parent   SPAWN_LOCK        (user namespace) mounts done, pivoted: a
 *                                       locked copy of the mount namespace, please
 *   parent -> child   SPAWN_LOCKED + its fd (SCM_RIGHTS), to setns() into
 *   child -> parent   SPAWN_READY       set up; run the start-host hooks
 *   parent -> child   SPAWN_GO          they ran (only after SPAWN_READY)
 *   child -> parent   SPAWN_ERROR + struct child_error   a setup step failed
 *   child -> parent   SPAWN_EXEC_NEXT   all set, execve comes next
 *   (end of file)                       execve worked (CLOEXEC)
 *
 * so the parent knows "exec'd", "failed at step X", and "died without a
 * word" apart. SPAWN_READY is sent only when there are start-host hooks. */
#ifndef LXCMGR_RUN_SPAWN_H
#define LXCMGR_RUN_SPAWN_H

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "lxcmgr.h"
#include "run/dev.h"
#include "net/net.h"
#include "run/plan.h"

struct run_waiter;

#define SPAWN_EXEC_NEXT 'X'
#define SPAWN_ERROR 'E'
#define SPAWN_READY 'R'
#define SPAWN_GO 'G'
#define SPAWN_PLACED 'C'
#define SPAWN_LOCK 'L'
#define SPAWN_LOCKED 'K'

/* Where plan->exec_helper is bound in the container (on the /dev tmpfs). */
#define SPAWN_EXEC_HELPER_PATH "/dev/.lxcmgr-init"

struct spawn_io {
	struct dev_ptys ptys; /* host-side pty slave paths for /dev/console, ttyN */
	int console_fd;       /* init's stdin/out/err (a console slave), or -1: /dev/null */
	bool inherit_stdio;   /* lxc-execute: init keeps the caller's fds 0, 1, 2 (console_fd
			       * unused), without a session or controlling terminal of its own */
	int share_fds[PLAN_NS_MAX]; /* one per plan->shares[i], from share_open() */
	struct cgroup *cgroup; /* init's cgroups (its payload cgroup), or NULL */
	struct net_state *net; /* the plan's devices, made on the host (net_host_setup) */
	const struct run_waiter *waiter; /* called before each wait for the container's
					  * set-up and the start-host hooks, or NULL */
};

/* Does the child wait for SPAWN_PLACED? */
static inline bool spawn_child_waits(const struct start_plan *p, const struct spawn_io *io)
{
	return io->cgroup || (io->net && io->net->n && !io->net->premade) || plan_userns(p);
}

/* The namespaces the clone makes: not the network's when the monitor
 * made it (net_premake), which the child joins instead. */
static inline unsigned long spawn_clone_flags(const struct start_plan *p,
					      const struct spawn_io *io)
{
	return p->clone_flags & ~(io->net && io->net->premade ? CLONE_NEWNET : 0);
}

/* Spawns init. On success *pid and *pidfd are set; on failure the error is
 * the child's own ("mount ...: ... (lxc.mount.entry, config:14; ...)"). */
int spawn_init(const struct start_plan *p, const struct spawn_io *io, pid_t *pid, int *pidfd,
	       lxcmgr_error **err);

#endif
