/* Templates: programs that fill a rootfs, called with LXC's convention
 * (--path --name --rootfs [--mapped-uid --mapped-gid] [user args]). */
#ifndef LXCMGR_TEMPLATE_H
#define LXCMGR_TEMPLATE_H

#include <stdbool.h>

#include "lxcmgr.h"

struct lxcmgr_container;
struct lxcmgr_ctx;

/* Finds TEMPLATE: a path (it has a '/'), or lxc-TEMPLATE in the template dir,
 * then in LXC's /usr/share/lxc/templates. *path is malloc'd. */
int template_find(const struct lxcmgr_ctx *ctx, const char *template_name, char **path,
		  lxcmgr_error **err);

/* Runs the template on ROOTFS. BACKING_STORE ("dir", "overlay", or NULL:
 * the template's best) goes to it as $LXCMGR_BACKING_STORE, an lxcmgr
 * extension of the convention: a template that makes overlays (lxc-debian)
 * replaces lxc.rootfs.path with its overlay:LOWER:UPPER. */
int template_run(struct lxcmgr_container *c, const char *path, const char *rootfs,
		 const char *const *user_args, const char *backing_store, unsigned flags,
		 lxcmgr_error **err);

/* Whether C's create runs its helpers in a user namespace: the caller is
 * not root and the container has lxc.idmap. */
bool template_in_userns(struct lxcmgr_container *c);

/* Runs ARGV (a helper of the create, or its rollback) as root of a user
 * namespace with C's lxc.idmap and the caller's own ids mapped, made
 * through newuidmap/newgidmap. RUN_FLAGS as for run_helper. */
int template_userns_run(struct lxcmgr_container *c, char *const *argv, char *const *env,
			unsigned run_flags, lxcmgr_error **err);

/* Shifts ownership of every file under ROOTFS through the container's
 * lxc.idmap, so root in the container owns what host root made. */
int template_shift_ownership(struct lxcmgr_container *c, const char *rootfs,
			     lxcmgr_error **err);

#endif
