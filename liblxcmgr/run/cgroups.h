/* A container's cgroups over its life: made by the monitor before init
 * (cgroup/cgroup.h does the work), left behind in a runtime record beside
 * the command socket, removed when init is gone, and found again by
 * clients (lxc-cgroup, lxc-stop -k after the monitor was killed). */
#ifndef LXCMGR_RUN_CGROUPS_H
#define LXCMGR_RUN_CGROUPS_H

#include <stdbool.h>

#include "cgroup/cgroup.h"
#include "lxcmgr.h"
#include "run/plan.h"

struct lxcmgr_ctx;

/* "<runtime>/c/<hash>.cgroup" (malloc'd). */
char *run_cgroup_record_path(const struct lxcmgr_ctx *ctx, const char *name);

/* Monitor: removes what an earlier run's record still names (logged when
 * it cannot), makes the payload and monitor cgroups, writes the plan's
 * settings in order and the record (the monitor moves into its cgroup once
 * init runs and the start's result is out: start.c). On failure nothing
 * is left; an error names the key and its line. *cg stays
 * NULL on a host without cgroups when the plan sets none (logged). */
int run_cgroup_setup(struct lxcmgr_container *c, const struct start_plan *p,
		     struct cgroup **cg, lxcmgr_error **err);

/* Monitor: init is gone. Kills what is left in the payload cgroup; unless
 * KEEP (init starts again), leaves, removes the cgroups and the record,
 * and frees *cg. Failures are logged; cgroups still in use once the wait
 * for them to empty is over (cgroup.h) keep their record, which the next
 * lxc-start, lxc-stop or lxc-destroy acts on. */
void run_cgroup_stopped(struct lxcmgr_container *c, struct cgroup **cg, bool keep);

/* Client, once the monitor is gone (lxc-stop, lxc-destroy): kills and
 * removes what the record names. Nothing happens while a monitor holds the
 * container's lock. */
int run_cgroup_orphan(struct lxcmgr_container *c, lxcmgr_error **err);

#endif
