
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

LXCMGR_PUBLIC void lxcmgr_error_free(lxcmgr_error *err)
{
	if (!err)
		return;
	free(err->msg);
	free(err);
}

static int error_vset(lxcmgr_error **err, int errnum, bool with_errno_text, const char *fmt,
		      va_list ap)
{
	int status = errnum > 0 ? errnum : EINVAL;
	char *text = NULL;

	if (!err || *err)
		return -status;
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	if (text && with_errno_text && errnum > 0) {
		char *full = NULL;
		if (asprintf(&full, "%s: %s", text, strerror(errnum)) >= 0) {
			free(text);
			text = full;
		}
	}
	*err = calloc(1, sizeof(**err));
	if (!*err) {
		free(text);
		return -status;
	}
	(*err)->status = status;
	(*err)->msg = text ? text : strdup("out of memory while reporting an error");
	return -status;
}

int error_set(lxcmgr_error **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int ret = error_vset(err, errnum, true, fmt, ap);
	va_end(ap);
	return ret;
}

int error_msg(lxcmgr_error **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int ret = error_vset(err, errnum, false, fmt, ap);
	va_end(ap);
	return ret;
}

static void error_rewrite(lxcmgr_error **err, const char *prefix, const char *suffix)
{
	char *joined = NULL;

	if (asprintf(&joined, "%s%s%s", prefix, (*err)->msg ? (*err)->msg : "", suffix) < 0)
		return;
	free((*err)->msg);
	(*err)->msg = joined;
}

int error_wrap(lxcmgr_error **err, int ret, const char *fmt, ...)
{
	char *context = NULL, *prefix = NULL;
	va_list ap;

	if (!err || !*err)
		return ret;
	va_start(ap, fmt);
	if (vasprintf(&context, fmt, ap) < 0)
		context = NULL;
	va_end(ap);
	if (context && asprintf(&prefix, "%s: ", context) >= 0)
		error_rewrite(err, prefix, "");
	free(context);
	free(prefix);
	return ret;
}

void error_hint(lxcmgr_error **err, const char *fmt, ...)
{
	char *hint = NULL, *suffix = NULL;
	va_list ap;

	if (!err || !*err)
		return;
	va_start(ap, fmt);
	if (vasprintf(&hint, fmt, ap) < 0)
		hint = NULL;
	va_end(ap);
	if (hint && asprintf(&suffix, " (%s)", hint) >= 0)
		error_rewrite(err, "", suffix);
	free(hint);
	free(suffix);
}
