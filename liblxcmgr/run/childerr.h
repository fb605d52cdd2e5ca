/* What the container's first process reports when a setup step fails. It
 * is sent over the sync socket to the monitor and turned into the one line
 * the user sees:
 *
 *   mount "/srv/data" -> "mnt/data": No such file or directory
 *         (lxc.mount.entry, config:14; add create=dir)
 *
 * Filled with fixed-size fields so the child never allocates to report. */
#ifndef LXCMGR_RUN_CHILDERR_H
#define LXCMGR_RUN_CHILDERR_H

#include <stdarg.h>

#include "lxcmgr.h"
#include "run/plan.h"

struct child_error {
	int errnum;      /* 0: no errno text */
	char step[48];   /* "mount", "pivot_root", "exec init" */
	char what[400];  /* "\"/srv/data\" -> \"mnt/data\"" */
	char where[200]; /* "lxc.mount.entry, config:14" */
	char hint[200];  /* "add create=dir" */
};

/* Records a failure and returns -errnum (-EINVAL when errnum is 0). WHERE
 * and HINT may be NULL. Keeps the first failure: a later call changes
 * nothing. */
int child_error_set(struct child_error *e, int errnum, const char *step,
		    const struct plan_where *where, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Turns a record into an lxcmgr_error; returns -errnum. */
int child_error_report(const struct child_error *e, lxcmgr_error **err);

#endif
