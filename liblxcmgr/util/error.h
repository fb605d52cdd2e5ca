/* Errors: a negative errno returned up the call chain plus one message that
 * gains context on the way out (crun's make_error / error_wrap).
 *
 *   return error_set(err, errno, "open \"%s\"", path);
 *        -> 'open "/x": No such file or directory'
 *   return error_wrap(err, ret, "container \"%s\"", name);
 *        -> 'container "web": open "/x": No such file or directory'
 *   error_hint(err, "run lxc-destroy -n %s", name);
 *        -> '...: No such file or directory (run lxc-destroy -n web)'
 */
#ifndef LXCMGR_UTIL_ERROR_H
#define LXCMGR_UTIL_ERROR_H

#include "lxcmgr.h"

/* Stores a new error in *err (when err is not NULL; an earlier one is kept,
 * since the first failure is the cause). When errnum > 0 the errno text is
 * appended. Returns -errnum, or -EINVAL when errnum is 0. */
int error_set(lxcmgr_error **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like error_set, with no errno text but with status errnum. */
int error_msg(lxcmgr_error **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes "context: " to the message. Returns ret unchanged. */
int error_wrap(lxcmgr_error **err, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends " (hint)" to the message. */
void error_hint(lxcmgr_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void cleanup_error_fn(lxcmgr_error **e)
{
	lxcmgr_error_free(*e);
}
#define cleanup_error __attribute__((cleanup(cleanup_error_fn)))

#endif
