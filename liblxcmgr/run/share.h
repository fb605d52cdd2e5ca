/* lxc.namespace.share.*, on the monitor's side: each source (a container
 * NAME, a PID, a namespace file) is opened as an fd right before a spawn,
 * and init is made by an intermediate process that joins them first.
 *
 * A NAME gives its init's pidfd over the command socket and a PID is opened
 * with pidfd_open(2), so the namespaces joined are those of the process
 * that was meant even if its pid is reused meanwhile: setns(2) on a pidfd
 * of a process that has exited fails with ESRCH. */
#ifndef LXCMGR_RUN_SHARE_H
#define LXCMGR_RUN_SHARE_H

#include <stdint.h>
#include <sys/types.h>

#include "lxcmgr.h"
#include "run/plan.h"

struct lxcmgr_ctx;

/* Opens one fd per p->shares[i] into FDS (PLAN_NS_MAX of them; unused ones
 * are -1). On failure every fd is closed again and the error names the key,
 * its line, and what was not found. */
int share_open(const struct lxcmgr_ctx *ctx, const struct start_plan *p, int *fds,
	       lxcmgr_error **err);
void share_close(int *fds);

/* clone3 with FLAGS from an intermediate process that has joined FDS; init
 * is the caller's child all the same (CLONE_PARENT). Returns 0 in both init
 * (*pid = 0) and the caller (*pid, *pidfd set). */
int share_clone(const struct start_plan *p, const int *fds, uint64_t flags, pid_t *pid,
		int *pidfd, lxcmgr_error **err);

#endif
