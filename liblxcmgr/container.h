/* The container object behind the public API. */
#ifndef LXCMGR_CONTAINER_H
#define LXCMGR_CONTAINER_H

#include "conf/conf.h"
#include "lxcmgr.h"

struct lxcmgr_container {
	int refcount;
	struct lxcmgr_ctx *ctx;
	char *name;
	char *dir;         /* <lxcpath>/<name> */
	char *config_path; /* <dir>/config */
	struct conf *conf;
	lxcmgr_error *load_error; /* set by lxcmgr_list_containers() */
};

/* The rootfs directory named by lxc.rootfs.path ("dir:" or a plain path),
 * or NULL (with *why) when it is another kind of storage. */
char *container_rootfs_dir(const struct lxcmgr_container *c, const char **why);

/* lxc-destroy for a caller that holds the container lock already: the
 * monitor of an ephemeral container (lxc.ephemeral) once it stopped. */
int container_destroy_locked(struct lxcmgr_container *c, lxcmgr_error **err);

#endif
