/* Running lxc.hook.* commands with LXC's conventions: version 0 passes
 * "NAME lxc TYPE" as arguments, version 1 passes LXC_HOOK_* variables; both
 * get LXC_NAME, LXC_CONFIG_FILE, LXC_ROOTFS_PATH and friends. The command is
 * split on blanks and executed directly: no shell, so no word-splitting
 * surprises beyond that. */
#ifndef LXCMGR_HOOKS_H
#define LXCMGR_HOOKS_H

#include "lxcmgr.h"

struct lxcmgr_container;

/* Runs every lxc.hook.TYPE in order; the first failure stops and gives an
 * error naming the hook, its config line, its status and last stderr line. */
int hooks_run(struct lxcmgr_container *c, const char *type, unsigned run_flags,
	      lxcmgr_error **err);

#endif
