#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "ctx.h"
#include "util/log.h"

static const char *const level_names[] = {
	[LXCMGR_LOG_TRACE] = "TRACE", [LXCMGR_LOG_DEBUG] = "DEBUG", [LXCMGR_LOG_INFO] = "INFO",
	[LXCMGR_LOG_NOTICE] = "NOTICE", [LXCMGR_LOG_WARN] = "WARN", [LXCMGR_LOG_ERROR] = "ERROR",
};

LXCMGR_PUBLIC int lxcmgr_log_level_from_name(const char *name)
{
	for (int i = LXCMGR_LOG_TRACE; i <= LXCMGR_LOG_ERROR; i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return i;
	/* LXC's levels above ERROR (CRIT, ALERT, FATAL) and WARNING mean the same here. */
	if (strcasecmp(name, "WARNING") == 0)
		return LXCMGR_LOG_WARN;
	if (strcasecmp(name, "CRIT") == 0 || strcasecmp(name, "ALERT") == 0 ||
	    strcasecmp(name, "FATAL") == 0)
		return LXCMGR_LOG_ERROR;
	return -22; /* -EINVAL */
}

LXCMGR_PUBLIC const char *lxcmgr_log_level_name(int level)
{
	if (level < LXCMGR_LOG_TRACE || level > LXCMGR_LOG_ERROR)
		return "?";
	return level_names[level];
}

void log_msg(const struct lxcmgr_ctx *ctx, int level, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	if (!ctx || !ctx->log_fn || level < ctx->log_level)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) >= 0) {
		ctx->log_fn(ctx->log_data, level, msg);
		free(msg);
	}
	va_end(ap);
}
