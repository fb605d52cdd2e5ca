/* Process settings applied in the container's first process before init
 * is executed: its time namespace with the lxc.time.offset.* offsets, the
 * lxc.sysctl.* and lxc.proc.* writes, and the lxc.prlimit.* limits. A
 * failure is a child_error naming the key and its line. */
#ifndef LXCMGR_RUN_PROCSET_H
#define LXCMGR_RUN_PROCSET_H

#include "run/childerr.h"
#include "run/plan.h"

/* First thing after clone3, while the host's /proc is still mounted in
 * the new mount namespace: enters a new time namespace (offsets written
 * before any process is in it), then writes the sysctls (they reach the
 * namespaces of the writer, so the container's) and /proc/self files. */
int procset_early(const struct start_plan *p, struct child_error *e);

/* Last, before init's user and group are set (raising a hard limit needs
 * CAP_SYS_RESOURCE), after the setup that a low limit could break. */
int procset_rlimits(const struct start_plan *p, struct child_error *e);

#endif
