/* The host's side of a start in a user namespace (lxc.idmap, caller root),
 * done by the monitor, which keeps the host's privileges the container's
 * root lacks:
 *
 *   before the clone   the container's cgroup directories and the console
 *                      and tty pty slaves are given to its root (host ids
 *                      root_uid:root_gid), so init can use them
 *   after the clone    /proc/PID/uid_map and gid_map are written while the
 *                      first process waits (spawn.h, SPAWN_PLACED), and the
 *                      idmapped trees are made (open_tree + mount_setattr
 *                      MOUNT_ATTR_IDMAP, which needs CAP_SYS_ADMIN on the
 *                      host) for idmap=container: they go to the first
 *                      process with SPAWN_PLACED, which attaches them
 *
 *   after the mounts   the container's mount namespace is replaced by a
 *                      copy of it made through the host's user namespace
 *                      (userns_locked_mounts), so every mount in it is
 *                      locked: root inside cannot unmount a mask alone, or
 *                      clear a read-only flag, to see what is under it
 *
 * The console log and ring buffer stay the monitor's. */
#ifndef LXCMGR_RUN_USERNS_H
#define LXCMGR_RUN_USERNS_H

#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "lxcmgr.h"
#include "run/dev.h"
#include "run/plan.h"

/* Gives the payload cgroup directories (and the files a cgroup's owner
 * writes to: cgroup.procs, tasks ...) to the container's root. */
int userns_own_cgroup(const struct start_plan *p, const struct cgroup *cg, lxcmgr_error **err);

/* Gives the console and tty pty slaves to the container's root. */
int userns_own_ptys(const struct start_plan *p, const struct dev_ptys *ptys,
		    lxcmgr_error **err);

/* Writes PID's uid_map and gid_map from p->idmap. */
int userns_write_maps(const struct start_plan *p, pid_t pid, lxcmgr_error **err);

/* The idmapped trees of the plan, through PID's user namespace: FDS
 * (1 + n_mounts entries) gets [0] the rootfs's (idmap=container) and
 * [1 + i] mounts[i]'s, -1 where none; *N counts those made. On failure
 * none is left open. */
int userns_idmapped_trees(const struct start_plan *p, pid_t pid, int *fds, size_t *n,
			  lxcmgr_error **err);

/* A copy of PID's mount namespace whose mounts are all locked (MNT_LOCKED,
 * and their ro, nodev, nosuid, noexec flags): a helper joins PID's mount
 * namespace with the host's credentials and copies it (a copy made across
 * user namespaces is locked), then joins PID's user namespace and copies
 * that, so the copy belongs to the container's user namespace. *MNTNS_FD
 * gets it, for PID to setns() into. */
int userns_locked_mounts(pid_t pid, int *mntns_fd, lxcmgr_error **err);

#endif
