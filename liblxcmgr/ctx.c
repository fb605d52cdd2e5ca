#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

static char *env_or(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	return strdup(v && *v ? v : fallback);
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
	ctx->config_dir = opts && opts->config_dir ? strdup(opts->config_dir)
						   : env_or("LXCMGR_CONFIG_PATH", LXCMGRCONFDIR);
	ctx->runtime_dir = env_or("LXCMGR_RUNTIME_PATH", RUNTIMEPATH);
	ctx->template_dir = env_or("LXCMGR_TEMPLATE_PATH", TEMPLATEDIR);
	if (!ctx->config_dir || !ctx->runtime_dir || !ctx->template_dir)
		goto oom;

	sysconf = str_printf("%s/lxc.conf", ctx->config_dir);
	if (!sysconf)
		goto oom;
	if (system_config_load(&ctx->sys, ctx->config_dir, sysconf, err) < 0) {
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
