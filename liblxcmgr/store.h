/* Where containers live: <lxcpath>/<name>/{config,rootfs}. Names, the
 * per-container lock, and the "partial" marker that a create holds while it
 * works, so an interrupted create is detected and never taken for a
 * container. */
#ifndef LXCMGR_STORE_H
#define LXCMGR_STORE_H

#include <stdbool.h>

#include "lxcmgr.h"

struct lxcmgr_ctx;

#define STORE_NAME_MAX 64

int store_check_name(const char *name, lxcmgr_error **err);

/* Takes the container's lock (a flock under the runtime dir) without
 * waiting: another create, destroy or start of the same name gives -EBUSY
 * with a message. *fd holds the lock until closed. */
int store_lock(const struct lxcmgr_ctx *ctx, const char *name, int *fd, lxcmgr_error **err);

enum partial_state {
	PARTIAL_NONE,   /* no marker */
	PARTIAL_ACTIVE, /* a create is running now */
	PARTIAL_STALE,  /* a create was interrupted */
};

enum partial_state store_partial_state(const char *container_dir);
/* Creates and locks <dir>/partial; *fd keeps it locked. */
int store_partial_begin(const char *container_dir, int *fd, lxcmgr_error **err);
void store_partial_end(const char *container_dir, int fd);

#endif
