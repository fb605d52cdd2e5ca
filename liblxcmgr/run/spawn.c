#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hooks.h"
#include "run/cgmount.h"
#include "run/childerr.h"
#include "run/procset.h"
#include "run/rootfs.h"
#include "run/share.h"
#include "run/spawn.h"
#include "run/userns.h"
#include "security/caps.h"
#include "security/security.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdpass.h"
#include "util/run.h"

/* ---------------------------------------------------------------- child */

static int child_stdio(const struct spawn_io *io, struct child_error *e)
{
	if (io->inherit_stdio)
		return 0; /* lxc-execute: the caller's fds 0, 1, 2, and its session */
	int fd = io->console_fd >= 0 ? io->console_fd : open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return child_error_set(e, errno, "open", NULL, NULL, "\"/dev/null\"");
	for (int i = 0; i < 3; i++)
		if (dup2(fd, i) < 0)
			return child_error_set(e, errno, "set up stdio of init", NULL, NULL, "fd %d", i);
	/* init's controlling terminal is its console, as on a real machine. */
	if (io->console_fd >= 0 && setsid() >= 0)
		ioctl(0, TIOCSCTTY, 0);
	return 0;
}

/* The cgroup namespace is made here, once the process is in its payload
 * cgroup, not by clone3: its root is the cgroup its maker is in, and
 * that must be the payload's, not the monitor's. */
static int child_cgroup_ns(const struct start_plan *p, const struct spawn_io *io,
			   struct child_error *e)
{
	if (io->cgroup && (p->clone_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		return child_error_set(e, errno, "create the cgroup namespace", NULL, NULL,
				       "unshare");
	return 0;
}

/* First, so that every hook sees the container's name. */
/* The monitor is our parent: its death sends init this signal. */
static int child_pdeath_signal(const struct start_plan *p, struct child_error *e)
{
	if (p->pdeath_signal && prctl(PR_SET_PDEATHSIG, p->pdeath_signal, 0, 0, 0) < 0)
		return child_error_set(e, errno, "set the signal for the monitor's death",
				       &(struct plan_where){ "lxc.monitor.signal.pdeath", NULL },
				       NULL, "%d", p->pdeath_signal);
	return 0;
}

static int child_hostname(const struct start_plan *p, struct child_error *e)
{
	const char *host = p->uts_name ? p->uts_name : p->name;

	if ((p->clone_flags & CLONE_NEWUTS) && sethostname(host, strlen(host)) < 0)
		return child_error_set(e, errno, "set host name", &(struct plan_where){ "lxc.uts.name", NULL },
				       NULL, "\"%s\"", host);
	return 0;
}

/* Order matters: the bounding set needs CAP_SETPCAP and loading seccomp
 * needs CAP_SYS_ADMIN (or no_new_privs), so both come while init still has
 * every capability; the switch of user comes before lowering the sets (a
 * dropped CAP_SETUID would refuse it), and clears them for a user other
 * than root anyway; what is left is lowered last (security/caps.h). */
static int child_identity(const struct start_plan *p, struct child_error *e)
{
	uint64_t keep = caps_all() & ~caps_mask(p->cap_drop, p->n_cap_drop);
	int failed = -1, r;

	const char *cwd = p->init_cwd ? p->init_cwd : "/";
	if (chdir(cwd) < 0)
		return child_error_set(e, errno, "change directory", &(struct plan_where){ "lxc.init.cwd", NULL },
				       "the directory must exist in the container", "\"%s\"", cwd);
	/* Init never keeps the host's supplementary groups: only lxc.init.groups. */
	if (setgroups(p->n_init_groups, p->init_groups) < 0)
		return child_error_set(e, errno, "set supplementary groups",
				       &(struct plan_where){ "lxc.init.groups", NULL }, NULL, "setgroups");
	/* The host's session keyring (and its keys) stay out of the container. */
	if (p->session_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		return child_error_set(e, errno, "join a new session keyring",
				       &(struct plan_where){ "lxc.keyring.session", NULL },
				       "set lxc.keyring.session = 0 to keep the caller's", "keyctl");
	if ((r = caps_bound(keep, &failed)) < 0)
		return child_error_set(e, r, "drop capability", &(struct plan_where){ "lxc.cap.drop", NULL },
				       NULL, "%d from the bounding set", failed);
	if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return child_error_set(e, errno, "set no_new_privs", &(struct plan_where){ "lxc.no_new_privs", NULL },
				       NULL, "prctl");
	if ((r = security_child_apply(p, e)) < 0)
		return r;
	if (p->init_gid && setresgid(p->init_gid, p->init_gid, p->init_gid) < 0)
		return child_error_set(e, errno, "set group", &(struct plan_where){ "lxc.init.gid", NULL }, NULL,
				       "%u", (unsigned)p->init_gid);
	if (p->init_uid && setresuid(p->init_uid, p->init_uid, p->init_uid) < 0)
		return child_error_set(e, errno, "set user", &(struct plan_where){ "lxc.init.uid", NULL }, NULL,
				       "%u", (unsigned)p->init_uid);
	if ((r = caps_limit(keep)) < 0)
		return child_error_set(e, r, "lower the capability sets", &(struct plan_where){ "lxc.cap.drop", NULL },
				       NULL, "capset");
	return 0;
}

/* lxc-execute: the host's lxcmgr-init bound read-only onto an empty
 * SPAWN_EXEC_HELPER_PATH, so it runs in any rootfs without a copy in it.
 * On the container's /dev tmpfs (never the rootfs itself), and before
 * pivot_root, while the host path can still be opened. */
static int child_exec_helper(const struct start_plan *p, struct child_error *e)
{
	static const char step[] = "bind lxc-execute's init";
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	const char *name = SPAWN_EXEC_HELPER_PATH + sizeof("/dev/") - 1;

	if (!p->exec_helper)
		return 0;
	if (!p->autodev)
		return child_error_set(e, 0, "lxc-execute", NULL,
				       "its init goes on the container's /dev tmpfs",
				       "needs lxc.autodev = 1");
	cleanup_close int helper = open(p->exec_helper, O_PATH | O_CLOEXEC);
	if (helper < 0)
		return child_error_set(e, errno, step, NULL, "set LXCMGR_INIT_PATH to lxcmgr-init",
				       "\"%s\"", p->exec_helper);
	cleanup_close int root = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int dev = root < 0 ? -errno : rootfs_open_inside(root, "dev", 0);
	cleanup_close int target = -1, tree = -1;
	int r = dev < 0 ? dev : 0;
	if (r == 0 && (target = openat(dev, name, O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW |
				       O_CLOEXEC, 0500)) < 0)
		r = -errno;
	if (r == 0 && (tree = open_tree(helper, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					AT_EMPTY_PATH)) < 0)
		r = -errno;
	if (r == 0 && mount_setattr(tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		r = -errno;
	if (r == 0 && move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH |
				 MOVE_MOUNT_T_EMPTY_PATH) < 0)
		r = -errno;
	if (r < 0)
		return child_error_set(e, r, step, NULL, NULL, "\"%s\" -> \"%s\"", p->exec_helper,
				       SPAWN_EXEC_HELPER_PATH);
	return 0;
}

/* The network namespace the monitor made, its devices in and configured
 * (net_premake): joined before anything looks at the network. */
static int child_join_net(const struct spawn_io *io, struct child_error *e)
{
	if (io->net && io->net->premade && setns(io->net->netns_fd, CLONE_NEWNET) < 0)
		return child_error_set(e, errno, "join the container's network namespace", NULL,
				       NULL, NULL);
	return 0;
}

/* A new network namespace has "lo" down; LXC brings it up. */
static int loopback_up(const struct start_plan *p, struct child_error *e)
{
	struct ifreq ifr = { .ifr_name = "lo" };

	if (!(p->clone_flags & CLONE_NEWNET))
		return 0;
	cleanup_close int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return child_error_set(e, errno, "bring up loopback", NULL, NULL, "\"lo\"");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return child_error_set(e, errno, "bring up loopback", NULL, NULL, "\"lo\"");
	return 0;
}

/* Runs the hooks of TYPE in the container's first process. BASE_ENV:
 * their whole environment starts from it (start hooks get init's). */
static int child_hooks(const struct start_plan *p, enum hook_type type, char *const *base_env,
		       struct child_error *e)
{
	struct hook_call call = { .base_env = base_env };
	struct hook_failure f;

	if (!hook_set_has(&p->hooks, type) || hooks_run_type(&p->hooks, type, &call, &f) == 0)
		return 0;
	return child_error_set(e, f.errnum, f.step, &(struct plan_where){ f.key, f.origin }, NULL,
			       "%s", f.what);
}

/* The host runs the start-host hooks while the container waits, set up
 * but before its start hooks and init. A failure there ends this process
 * (the parent kills it), so only a lost parent shows here. */
static int child_wait_start_host(const struct start_plan *p, int sync_fd, struct child_error *e)
{
	char tag = SPAWN_READY;

	if (!hook_set_has(&p->hooks, HOOK_START_HOST))
		return 0;
	if (write(sync_fd, &tag, 1) != 1 || read(sync_fd, &tag, 1) != 1 || tag != SPAWN_GO)
		return child_error_set(e, EPIPE, "wait for the start-host hooks", NULL, NULL, NULL);
	return 0;
}

/* SPAWN_PLACED, with the idmapped trees of a user-namespaced plan: one fd
 * for each of the plan's idmap=container mounts, in plan order (the
 * rootfs's first), put into p->idmapped_trees. Any other message, or a
 * lost parent, ends the child: the monitor could not place it, and
 * kills it. */
/* Waits for TAG from the parent; its fds (up to 253) go to FDS, their
 * number is returned. Anything else, or a lost parent, ends the child:
 * the monitor has failed, and kills it. */
static size_t child_recv(int sync_fd, char want, int fds[253])
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 253)];
	} cbuf;
	char tag = 0;
	struct iovec iov = { .iov_base = &tag, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf) };
	ssize_t n;

	while ((n = recvmsg(sync_fd, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n != 1 || tag != want)
		_exit(127);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return 0;
	size_t nfds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	memcpy(fds, CMSG_DATA(cm), nfds * sizeof(int));
	return nfds;
}

static void child_recv_placed(const struct start_plan *p, int sync_fd)
{
	int fds[253];
	size_t nfds = child_recv(sync_fd, SPAWN_PLACED, fds), k = 0;

	if (!p->idmapped_trees)
		return;
	if (p->rootfs_idmapped && k < nfds)
		p->idmapped_trees[0] = fds[k++];
	for (size_t i = 0; i < p->n_mounts && k < nfds; i++)
		if (p->mounts[i].idmapped)
			p->idmapped_trees[1 + i] = fds[k++];
}

/* A child that shares the monitor's memory moves itself into its payload
 * cgroups (PROCS: their cgroup.procs, open), as the sleeping monitor cannot;
 * any other child waits until the monitor has moved it. */
static int child_enter_cgroups(const struct start_plan *p, const struct spawn_io *io,
			       int sync_fd, const int *procs, struct child_error *e)
{
	size_t failed = 0;

	if (!procs) {
		if (spawn_child_waits(p, io))
			child_recv_placed(p, sync_fd);
		return 0;
	}
	int ret = cgroup_enter_self(io->cgroup, procs, &failed);
	if (ret < 0)
		return child_error_set(e, -ret, "move init into its cgroup", NULL, NULL, "\"%s\"",
				       io->cgroup->hiers[failed].dirs[CGROUP_PAYLOAD]);
	return 0;
}

/* In a user namespace, once the monitor has written the maps: the
 * container's root from here on (host ids root_uid:root_gid), as everything
 * the first process makes must belong to it, and its mounts are made with
 * the namespace's capabilities. Until now it was host root, unmapped. */
static int child_become_root(const struct start_plan *p, struct child_error *e)
{
	static const struct plan_where where = { "lxc.idmap", NULL };

	if (!plan_userns(p))
		return 0;
	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0)
		return child_error_set(e, errno, "become the container's root", &where,
				       "the map must give the container a gid 0", "gid 0");
	if (setresuid(0, 0, 0) < 0)
		return child_error_set(e, errno, "become the container's root", &where,
				       "the map must give the container a uid 0", "uid 0");
	/* A change of uid made the process undumpable, so /proc/self would
	 * belong to host root; the container's root must own it. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return 0;
}

/* In a user namespace, once pivoted: the mount namespace the container
 * keeps is a copy the monitor had made across user namespaces
 * (userns_locked_mounts), where every mount is locked, so root inside
 * cannot take a mask off alone or clear a read-only flag.
 *
 * Not for a container an ordinary user starts: their monitor cannot join a
 * mount namespace from the host's user namespace (setns needs
 * CAP_SYS_CHROOT there), so the masks stay unlocked, as in LXC's
 * unprivileged containers. What a mask covers is host root's, which the
 * container's root is not: taking one off shows a file it may not write. */
static int child_lock_mounts(const struct start_plan *p, int sync_fd, struct child_error *e)
{
	static const struct plan_where where = { "lxc.idmap", NULL };
	char tag = SPAWN_LOCK;
	int fds[253];

	if (!plan_userns(p) || p->by_user)
		return 0;
	if (write(sync_fd, &tag, 1) != 1)
		return child_error_set(e, errno, "lock the container's mounts", &where, NULL,
				       "ask the monitor");
	if (child_recv(sync_fd, SPAWN_LOCKED, fds) != 1)
		_exit(127);
	int r = setns(fds[0], CLONE_NEWNS);
	close(fds[0]);
	if (r < 0 || chdir("/") < 0)
		return child_error_set(e, errno, "lock the container's mounts", &where, NULL,
				       "setns into the locked copy");
	return 0;
}

/* The container's first process: set everything up, then execve. Never
 * returns. PROCS: see child_enter_cgroups. */
static __attribute__((noreturn)) void child_main(const struct start_plan *p,
						 const struct spawn_io *io, int sync_fd,
						 const int *procs)
{
	struct child_error e = { 0 };
	sigset_t none;
	int ret;

	/* Handlers first: the parent blocked every signal around the clone,
	 * and none may reach one of its handlers here. */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Nothing runs in the container before it is in its cgroups. */
	ret = child_enter_cgroups(p, io, sync_fd, procs, &e);
	ret = ret ?: child_join_net(io, &e);
	ret = ret ?: child_become_root(p, &e);
	ret = ret ?: child_pdeath_signal(p, &e);
	/* Nothing of the monitor's reaches init but stdio and the sync socket
	 * (closed by execve). */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	ret = ret ?: child_cgroup_ns(p, io, &e);
	ret = ret ?: procset_early(p, &e);
	ret = ret ?: child_hostname(p, &e);
	ret = ret ?: loopback_up(p, &e);
	ret = ret ?: rootfs_prepare(p, &e);
	ret = ret ?: child_hooks(p, HOOK_PRE_MOUNT, NULL, &e);
	ret = ret ?: rootfs_mount_auto(p, &e);
	ret = ret ?: cgmount_mount(p, io->cgroup, &e);
	ret = ret ?: dev_mount_tmpfs(p, &e);
	ret = ret ?: rootfs_mount_entries(p, &e);
	ret = ret ?: child_hooks(p, HOOK_MOUNT, NULL, &e);
	ret = ret ?: dev_populate(p, &io->ptys, &e);
	if (p->autodev) /* LXC runs autodev hooks only then; plan.c says so */
		ret = ret ?: child_hooks(p, HOOK_AUTODEV, NULL, &e);
	ret = ret ?: child_exec_helper(p, &e);
	ret = ret ?: rootfs_pivot(p, &e);
	ret = ret ?: child_lock_mounts(p, sync_fd, &e);
	ret = ret ?: procset_rlimits(p, &e);
	ret = ret ?: child_wait_start_host(p, sync_fd, &e);
	ret = ret ?: child_hooks(p, HOOK_START, p->init_env, &e);
	ret = ret ?: child_identity(p, &e);
	ret = ret ?: child_stdio(io, &e);
	if (ret == 0) {
		char next = SPAWN_EXEC_NEXT;
		if (write(sync_fd, &next, 1) == 1)
			execve(p->init_argv[0], p->init_argv, p->init_env);
		int exec_errno = errno;
		if (p->exec_helper)
			/* lxc-execute's own PID 1, bound in from the host. */
			child_error_set(&e, exec_errno, "exec the lxc-execute helper", NULL,
					"check that it is a static executable (LXCMGR_INIT_PATH)",
					"\"%s\"", p->exec_helper);
		else
			child_error_set(&e, exec_errno, "exec init",
					&(struct plan_where){ "lxc.init.cmd", NULL },
					exec_errno == ENOENT ? "the rootfs has no such program; check "
							       "lxc.init.cmd or pass the command after --"
							     : NULL,
					"\"%s\"", p->init_argv[0]);
	}
	char tag = SPAWN_ERROR;
	if (write(sync_fd, &tag, 1) != 1 || write(sync_fd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

/* --------------------------------------------------------------- parent */

/* With cgroups the child makes its cgroup namespace itself
 * (child_cgroup_ns), once in its cgroup. CGROUP_FD >= 0: cgroup2, where
 * the child is made in its cgroup (*INTO_CGROUP), unless it joins shared
 * namespaces through an intermediate process. */
static int clone_child(const struct start_plan *p, const struct spawn_io *io, int cgroup_fd,
		       bool *into_cgroup, pid_t *pid, int *pidfd, lxcmgr_error **err)
{
	/* The child makes its time namespace itself (procset.c): offsets can
	 * only be written before a process is inside. */
	uint64_t flags = (uint64_t)(spawn_clone_flags(p, io) & ~CLONE_NEWTIME &
				    ~(io->cgroup ? CLONE_NEWCGROUP : 0));
	struct clone_args args = {
		.flags = flags | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		.exit_signal = SIGCHLD,
	};

	*into_cgroup = false;
	if (p->n_shares)
		return share_clone(p, io->share_fds, flags, pid, pidfd, err);
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
		*into_cgroup = true;
	}
	long ret = syscall(SYS_clone3, &args, sizeof(args));
	if (ret < 0) {
		ret = error_set(err, errno, "create the container's namespaces (clone3)");
		error_hint(err, "lxc-checkconfig shows which namespaces this kernel has");
		return (int)ret;
	}
	*pid = (pid_t)ret;
	return 0;
}

/* A child that shares the monitor's memory until its execve (CLONE_VM |
 * CLONE_VFORK, as posix_spawn makes one): no copy of the monitor's page
 * tables, no copy-on-write faults on either side, nothing to tear down at
 * the execve; 1-2 ms less per start on this VM. The monitor sleeps
 * meanwhile, as it would wait on the sync socket anyway; the child runs on
 * a stack of its own and the monitor reads nothing it writes but the
 * socket (what it allocates stays in the monitor's heap, once a start or
 * reboot).
 * Only for plans where the two need not run at once, and whose namespaces
 * are known to allow it: no start-host hooks (SPAWN_READY, SPAWN_GO), no
 * hooks in the child, which would fork from a process sharing memory, no
 * time namespace (procset.c), none shared (share.c has its own way), and
 * no network devices moved in while the child waits (net_enter; those of
 * a network namespace the monitor made before are fine: net_premake),
 * no user namespace (the monitor writes its maps meanwhile: CLONE_NEWUSER
 * is not among SHARED_VM_NAMESPACES).
 * With cgroups v1 the child moves itself into them first thing (the
 * monitor, asleep, cannot move it); on cgroup2 clone3 makes the child in
 * its cgroup (CLONE_INTO_CGROUP), which the glibc clone used here cannot,
 * and a move would cost more than the copy saves. */
#define SHARED_VM_NAMESPACES \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET)
#define SHARED_VM_STACK (1u << 20) /* touched pages only, a few */

struct child_args {
	const struct start_plan *p;
	const struct spawn_io *io;
	int sync_fd, parent_fd;
	const int *procs; /* with cgroups: see child_enter_cgroups */
};

/* ASan cannot follow a child running on a stack of ours (it aborts on
 * the stack switch, or warns on stderr); sanitizer builds take the plain
 * clone, so what they check is the same setup code. */
#if defined(__SANITIZE_ADDRESS__)
#define SHARED_VM_POSSIBLE false
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SHARED_VM_POSSIBLE false
#endif
#endif
#ifndef SHARED_VM_POSSIBLE
#define SHARED_VM_POSSIBLE true
#endif

static bool can_share_memory(const struct start_plan *p, const struct spawn_io *io,
			     int cgroup_fd)
{
	static const enum hook_type in_child[] = { HOOK_PRE_MOUNT, HOOK_MOUNT, HOOK_AUTODEV,
						   HOOK_START_HOST, HOOK_START };

	if (!SHARED_VM_POSSIBLE)
		return false;
	if ((p->clone_flags & ~SHARED_VM_NAMESPACES) || p->n_shares || cgroup_fd >= 0 ||
	    (io->net && io->net->n && !io->net->premade))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(in_child); i++)
		if (hook_set_has(&p->hooks, in_child[i]))
			return false;
	return true;
}

static int shared_child_main(void *arg)
{
	const struct child_args *a = arg;

	close(a->parent_fd);
	child_main(a->p, a->io, a->sync_fd, a->procs);
}

/* Returns once the child has executed init or ended: its sync messages
 * are all in the socket by then. */
static int clone_shared(const struct child_args *a, pid_t *pid, int *pidfd, lxcmgr_error **err)
{
	sigset_t all, old;
	char *stack = mmap(NULL, SHARED_VM_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);

	if (stack == MAP_FAILED)
		return error_set(err, errno, "map a stack for the container's first process");
	mprotect(stack, 4096, PROT_NONE); /* an overflow faults instead of writing below */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	/* With cgroups the child makes its cgroup namespace once in them. */
	int flags = (int)(spawn_clone_flags(a->p, a->io) & ~(a->io->cgroup ? CLONE_NEWCGROUP : 0));
	int ret = clone(shared_child_main, stack + SHARED_VM_STACK,
			flags | CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, (void *)a, pidfd);
	int saved = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	munmap(stack, SHARED_VM_STACK);
	if (ret < 0) {
		ret = error_set(err, saved, "create the container's namespaces (clone)");
		error_hint(err, "lxc-checkconfig shows which namespaces this kernel has");
		return ret;
	}
	*pid = ret;
	return 0;
}

static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : (ssize_t)got;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Reaps a child that died during setup, and says how. */
static int died_silently(pid_t pid, lxcmgr_error **err)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status))
		return error_msg(err, ECHILD, "container setup was killed by signal %d (%s) before "
				 "init ran", WTERMSIG(status), strsignal(WTERMSIG(status)));
	return error_msg(err, ECHILD, "container setup exited with status %d before init ran",
			 WEXITSTATUS(status));
}

static int read_error(int sync_fd, pid_t pid, lxcmgr_error **err)
{
	struct child_error e;

	if (read_full(sync_fd, &e, sizeof(e)) != (ssize_t)sizeof(e))
		return died_silently(pid, err);
	waitpid(pid, NULL, 0);
	e.step[sizeof(e.step) - 1] = e.what[sizeof(e.what) - 1] = '\0';
	e.where[sizeof(e.where) - 1] = e.hint[sizeof(e.hint) - 1] = '\0';
	return child_error_report(&e, err);
}

/* The container is set up and waits: the start-host hooks run now, with
 * LXC_PID. When one fails the container goes, and its error is the start's. */
static int start_host_hooks(const struct start_plan *p, const struct spawn_io *io, int sync_fd,
			    pid_t pid, int pidfd, lxcmgr_error **err)
{
	char pid_var[32], tag = SPAWN_GO;
	char *env[] = { pid_var, NULL };
	struct hook_call call = { .env = env, .waiter = io->waiter };

	snprintf(pid_var, sizeof(pid_var), "LXC_PID=%d", (int)pid);
	int ret = hooks_run_set(&p->hooks, HOOK_START_HOST, &call, err);
	if (ret == 0 && write(sync_fd, &tag, 1) != 1)
		ret = error_set(err, errno, "let the container go on after its start-host hooks");
	if (ret < 0) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		waitpid(pid, NULL, 0);
	}
	return ret;
}

static int send_tag(int sync_fd, char tag, const int *fds, size_t n_all);

/* SPAWN_LOCK: the locked copy of the container's mount namespace. */
static int lock_mounts(int sync_fd, pid_t pid, int pidfd, lxcmgr_error **err)
{
	int fd = -1;
	int ret = userns_locked_mounts(pid, &fd, err);

	if (ret == 0 && (ret = send_tag(sync_fd, SPAWN_LOCKED, &fd, 1)) < 0)
		error_set(err, -ret, "lock the container's mounts: pass the copy");
	if (fd >= 0)
		close(fd);
	if (ret < 0) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		waitpid(pid, NULL, 0);
	}
	return ret;
}

static int read_outcome(const struct start_plan *p, const struct spawn_io *io, int sync_fd,
			pid_t pid, int pidfd, lxcmgr_error **err)
{
	const struct run_waiter *waiter = io->waiter;
	char tag = 0;

	for (;;) {
		if (waiter && waiter->wait(waiter->data, sync_fd) < 0)
			waiter = NULL; /* then the read blocks */
		ssize_t n = read_full(sync_fd, &tag, 1);
		if (n != 1)
			/* End of file right after SPAWN_EXEC_NEXT: execve worked. */
			return n == 0 && tag == SPAWN_EXEC_NEXT ? 0 : died_silently(pid, err);
		if (tag == SPAWN_ERROR)
			return read_error(sync_fd, pid, err);
		if (tag == SPAWN_LOCK) {
			int ret = lock_mounts(sync_fd, pid, pidfd, err);
			if (ret < 0)
				return ret;
		} else if (tag == SPAWN_READY) {
			int ret = start_host_hooks(p, io, sync_fd, pid, pidfd, err);
			if (ret < 0)
				return ret;
		} else if (tag != SPAWN_EXEC_NEXT) {
			return error_msg(err, EPROTO, "container setup sent an unknown message");
		}
	}
}

/* TAG, with those of FDS (N_ALL entries; FDS may be NULL) that are not -1
 * as SCM_RIGHTS. */
static int send_tag(int sync_fd, char tag, const int *fds, size_t n_all)
{
	return fd_send(sync_fd, &tag, 1, fds, n_all);
}

/* A user namespace: its maps, then its idmapped trees (which need the
 * maps), sent with SPAWN_PLACED and closed here once sent. */
static int place_userns(const struct start_plan *p, int sync_fd, pid_t pid, lxcmgr_error **err)
{
	size_t n_all = 1 + p->n_mounts, n = 0;
	cleanup_free int *fds = calloc(n_all, sizeof(int));
	int ret = fds ? userns_write_maps(p, pid, err) : error_set(err, ENOMEM, "user namespace");

	ret = ret ?: userns_idmapped_trees(p, pid, fds, &n, err);
	if (ret < 0)
		return ret;
	ret = send_tag(sync_fd, SPAWN_PLACED, fds, n_all);
	for (size_t i = 0; i < n_all; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ret < 0 ? error_set(err, -ret, "let the container go on once in its cgroups") : 0;
}

/* The child waits at its start until it is in its payload cgroup (moved
 * there now on v1, cloned into it on v2) and its network devices are in
 * its namespace and configured. The monitor moves into its own cgroups
 * later, once the start's result is out (start.c): the first move into a
 * v1 hierarchy after a quiet spell waits for an RCU grace period (the
 * cgroup_threadgroup_rwsem writer's), 3 ms and more here under load, and
 * nothing the container or lxc-start waits for needs the monitor there.
 * A user namespace's maps and idmapped trees come last (place_userns),
 * with SPAWN_PLACED. */
static int place_child(const struct start_plan *p, const struct spawn_io *io, bool cloned_into,
		       bool moved_itself, int sync_fd, pid_t pid, int pidfd, lxcmgr_error **err)
{
	int ret = 0;

	if (!spawn_child_waits(p, io))
		return 0;
	if (io->cgroup && !cloned_into && !moved_itself &&
	    (ret = cgroup_enter(io->cgroup, CGROUP_PAYLOAD, pid, err)) < 0)
		error_wrap(err, ret, "move init into its cgroup");
	if (ret == 0 && io->net)
		ret = net_enter(io->net, pid, err);
	if (ret == 0 && !moved_itself && plan_userns(p))
		ret = place_userns(p, sync_fd, pid, err);
	else if (ret == 0 && !moved_itself && (ret = send_tag(sync_fd, SPAWN_PLACED, NULL, 0)) < 0)
		ret = error_set(err, -ret, "let the container go on once in its cgroups");
	if (ret < 0) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		waitpid(pid, NULL, 0);
	}
	return ret;
}

static void close_procs(const struct spawn_io *io, int *procs)
{
	for (size_t i = 0; procs && i < io->cgroup->n_hiers; i++)
		if (procs[i] >= 0)
			close(procs[i]);
}

int spawn_init(const struct start_plan *p, const struct spawn_io *io, pid_t *pid, int *pidfd,
	       lxcmgr_error **err)
{
	cleanup_close int cgroup_fd = io->cgroup ? cgroup_clone_fd(io->cgroup) : -1;
	bool into_cgroup = false, shared = can_share_memory(p, io, cgroup_fd);
	cleanup_free int *procs = shared && io->cgroup ? calloc(io->cgroup->n_hiers + 1,
								  sizeof(int)) : NULL;
	int sv[2];
	int ret;

	if (shared && io->cgroup && !procs)
		return error_set(err, ENOMEM, "move init into its cgroup");
	if (procs && (ret = cgroup_open_procs(io->cgroup, CGROUP_PAYLOAD, procs, err)) < 0)
		return error_wrap(err, ret, "move init into its cgroup");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		ret = error_set(err, errno, "create the start sync socket");
		close_procs(io, procs);
		return ret;
	}
	if (shared)
		ret = clone_shared(&(struct child_args){ p, io, sv[1], sv[0], procs }, pid, pidfd,
				   err);
	else
		ret = clone_child(p, io, cgroup_fd, &into_cgroup, pid, pidfd, err);
	close_procs(io, procs); /* the shared child has moved itself, or ended */
	if (ret == 0 && *pid == 0) {
		close(sv[0]);
		child_main(p, io, sv[1], NULL);
	}
	close(sv[1]);
	if (ret < 0) {
		close(sv[0]);
		return ret;
	}
	ret = place_child(p, io, into_cgroup, procs != NULL, sv[0], *pid, *pidfd, err);
	ret = ret ?: read_outcome(p, io, sv[0], *pid, *pidfd, err);
	close(sv[0]);
	if (ret < 0) {
		close(*pidfd);
		*pidfd = -1;
	}
	return ret;
}
