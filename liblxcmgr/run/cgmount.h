/* Child side: the cgroup modes of lxc.mount.auto (cgroup, cgroup-full,
 * cgroup2), mounted inside the container's cgroup namespace at
 * /sys/fs/cgroup of its rootfs. */
#ifndef LXCMGR_RUN_CGMOUNT_H
#define LXCMGR_RUN_CGMOUNT_H

#include "cgroup/cgroup.h"
#include "run/childerr.h"
#include "run/plan.h"

/* After rootfs_mount_auto (on the container's /sys), before pivot_root. CG:
 * the container's cgroups (NULL: the host has none, an error when a mode
 * was asked for). 0 or -errno with E filled. */
int cgmount_mount(const struct start_plan *p, const struct cgroup *cg, struct child_error *e);

#endif
