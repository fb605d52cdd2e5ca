/* The library context: paths and the log sink, shared by the containers made
 * from it. Paths come from the options, then the environment (for tests and
 * packaging), then the system config, then the built-in defaults: for an
 * ordinary user (not root), LXC's per-user ones, ~/.config/lxcmgr,
 * ~/.local/share/lxcmgr and $XDG_RUNTIME_DIR/lxcmgr (ctx.c). */
#ifndef LXCMGR_CTX_H
#define LXCMGR_CTX_H

#include "conf/system.h"
#include "lxcmgr.h"

struct lxcmgr_ctx {
	char *lxcpath;      /* containers */
	char *config_dir;   /* lxc.conf, default.conf ($LXCMGR_CONFIG_PATH) */
	char *runtime_dir;  /* locks, sockets ($LXCMGR_RUNTIME_PATH) */
	char *template_dir; /* lxc-<name> templates ($LXCMGR_TEMPLATE_PATH) */
	struct system_config sys;
	lxcmgr_log_fn log_fn;
	void *log_data;
	int log_level;
};

#endif
