/* Log messages go to the context's callback (the tools write them to -o
 * FILE). The library never writes to stdout or stderr itself. */
#ifndef LXCMGR_UTIL_LOG_H
#define LXCMGR_UTIL_LOG_H

#include "lxcmgr.h"

struct lxcmgr_ctx;

void log_msg(const struct lxcmgr_ctx *ctx, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(ctx, ...) log_msg(ctx, LXCMGR_LOG_DEBUG, __VA_ARGS__)
#define log_info(ctx, ...) log_msg(ctx, LXCMGR_LOG_INFO, __VA_ARGS__)
#define log_notice(ctx, ...) log_msg(ctx, LXCMGR_LOG_NOTICE, __VA_ARGS__)
#define log_warn(ctx, ...) log_msg(ctx, LXCMGR_LOG_WARN, __VA_ARGS__)
#define log_error(ctx, ...) log_msg(ctx, LXCMGR_LOG_ERROR, __VA_ARGS__)

#endif
