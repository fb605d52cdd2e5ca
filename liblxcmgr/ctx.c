#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

static char *env_or(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	return strdup(v && *v ? v : fallback);
}

/* An ordinary user's directories, as LXC's for users: configs in
 * ~/.config/lxcmgr, containers in ~/.local/share/lxcmgr, locks and sockets
 * in $XDG_RUNTIME_DIR/lxcmgr. $XDG_CONFIG_HOME and $XDG_DATA_HOME move the
 * first two. No passwd lookup: lxc-info is static, without NSS. */
static char *user_dir(const char *xdg_var, const char *under_home, lxcmgr_error **err)
{
	const char *xdg = getenv(xdg_var), *home = getenv("HOME");
	char *dir;

	if (xdg && *xdg == '/')
		dir = str_printf("%s/lxcmgr", xdg);
	else if (home && *home == '/')
		dir = str_printf("%s/%s/lxcmgr", home, under_home);
	else {
		error_msg(err, ENOENT, "$HOME is not set: an unprivileged user's containers and "
			  "configs live under ~/.local/share/lxcmgr and ~/.config/lxcmgr");
		error_hint(err, "set HOME, or give -P");
		return NULL;
	}
	if (!dir)
		error_set(err, ENOMEM, "allocate context");
	return dir;
}

static char *user_runtime_dir(lxcmgr_error **err)
{
	const char *env = getenv("LXCMGR_RUNTIME_PATH"), *xdg = getenv("XDG_RUNTIME_DIR");
	char *dir;

	if (env && *env)
		dir = strdup(env);
	else if (xdg && *xdg == '/')
		dir = str_printf("%s/lxcmgr", xdg);
	else {
		error_msg(err, ENOENT, "$XDG_RUNTIME_DIR is not set: an unprivileged user's locks "
			  "and sockets live in $XDG_RUNTIME_DIR/lxcmgr");
		error_hint(err, "log in through a session that sets it (systemd-logind: ssh, "
			   "machinectl shell USER@), or set LXCMGR_RUNTIME_PATH to a directory of "
			   "yours");
		return NULL;
	}
	if (!dir)
		error_set(err, ENOMEM, "allocate context");
	return dir;
}

/* Where the system config leaves them, an ordinary user's lxcpath is
 * ~/.local/share/lxcmgr, and a missing ~/.config/lxcmgr/default.conf gives
 * way to the system's. */
static int user_defaults(struct lxcmgr_ctx *ctx, bool need_lxcpath, lxcmgr_error **err)
{
	cleanup_free char *own_default = str_printf("%s/default.conf", ctx->config_dir);

	if (!own_default)
		return error_set(err, ENOMEM, "allocate context");
	if (need_lxcpath) {
		cleanup_free char *lxcpath = user_dir("XDG_DATA_HOME", ".local/share", err);
		if (!lxcpath)
			return -ENOENT;
		if (system_config_set_default(&ctx->sys, "lxc.lxcpath", lxcpath) < 0)
			return error_set(err, ENOMEM, "allocate context");
	}
	if (str_eq(system_config_value(&ctx->sys, "lxc.default_config"), own_default) &&
	    !path_exists(own_default) &&
	    system_config_override(&ctx->sys, "lxc.default_config",
				   LXCMGRCONFDIR "/default.conf") < 0)
		return error_set(err, ENOMEM, "allocate context");
	return 0;
}

LXCMGR_PUBLIC struct lxcmgr_ctx *lxcmgr_ctx_new(const struct lxcmgr_ctx_options *opts,
						lxcmgr_error **err)
{
	struct lxcmgr_ctx *ctx = calloc(1, sizeof(*ctx));
	cleanup_free char *sysconf = NULL;

	if (!ctx) {
		error_set(err, ENOMEM, "allocate context");
		return NULL;
	}
	if (opts) {
		ctx->log_fn = opts->log_fn;
		ctx->log_data = opts->log_data;
		ctx->log_level = opts->log_level;
	}
	bool user = geteuid() != 0;
	const char *env_config = getenv("LXCMGR_CONFIG_PATH");
	if (opts && opts->config_dir)
		ctx->config_dir = strdup(opts->config_dir);
	else if (user && !(env_config && *env_config))
		ctx->config_dir = user_dir("XDG_CONFIG_HOME", ".config", err);
	else
		ctx->config_dir = env_or("LXCMGR_CONFIG_PATH", LXCMGRCONFDIR);
	ctx->runtime_dir = user ? user_runtime_dir(err)
				: env_or("LXCMGR_RUNTIME_PATH", RUNTIMEPATH);
	ctx->template_dir = env_or("LXCMGR_TEMPLATE_PATH", TEMPLATEDIR);
	if (!ctx->config_dir || !ctx->runtime_dir || !ctx->template_dir) {
		if (err && *err) {
			lxcmgr_ctx_free(ctx);
			return NULL;
		}
		goto oom;
	}

	sysconf = str_printf("%s/lxc.conf", ctx->config_dir);
	if (!sysconf)
		goto oom;
	if (system_config_load(&ctx->sys, ctx->config_dir, sysconf, err) < 0) {
		lxcmgr_ctx_free(ctx);
		return NULL;
	}
	if (user && user_defaults(ctx, !(opts && opts->lxcpath), err) < 0) {
		lxcmgr_ctx_free(ctx);
		return NULL;
	}
	ctx->lxcpath = strdup(opts && opts->lxcpath ? opts->lxcpath
					       : system_config_value(&ctx->sys, "lxc.lxcpath"));
	if (!ctx->lxcpath)
		goto oom;
	if (ctx->lxcpath[0] != '/') {
		/* Locks and template arguments need one spelling of the lxcpath. */
		char cwd[4096];
		char *abs = getcwd(cwd, sizeof(cwd)) ? str_printf("%s/%s", cwd, ctx->lxcpath) : NULL;
		if (!abs)
			goto oom;
		free(ctx->lxcpath);
		ctx->lxcpath = abs;
	}
	/* "-P dir/" and "-P dir" name the same lxcpath. */
	for (size_t l = strlen(ctx->lxcpath); l > 1 && ctx->lxcpath[l - 1] == '/'; l--)
		ctx->lxcpath[l - 1] = '\0';
	return ctx;
oom:
	error_set(err, ENOMEM, "allocate context");
	lxcmgr_ctx_free(ctx);
	return NULL;
}

LXCMGR_PUBLIC void lxcmgr_ctx_free(struct lxcmgr_ctx *ctx)
{
	if (!ctx)
		return;
	system_config_release(&ctx->sys);
	free(ctx->lxcpath);
	free(ctx->config_dir);
	free(ctx->runtime_dir);
	free(ctx->template_dir);
	free(ctx);
}

LXCMGR_PUBLIC const char *lxcmgr_ctx_lxcpath(const struct lxcmgr_ctx *ctx)
{
	return ctx->lxcpath;
}

LXCMGR_PUBLIC const char *lxcmgr_version(void)
{
	return PACKAGE_VERSION;
}

LXCMGR_PUBLIC void lxcmgr_strv_free(char **strv)
{
	strv_free(strv);
}
