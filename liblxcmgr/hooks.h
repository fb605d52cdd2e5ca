/* lxc.hook.* commands, run with LXC's conventions. Version 0 passes
 * "NAME lxc TYPE [extra...]" as arguments; version 1 passes LXC_HOOK_TYPE,
 * LXC_HOOK_SECTION and LXC_HOOK_VERSION instead. Every hook gets LXC_NAME,
 * LXC_CONFIG_FILE, LXC_ROOTFS_PATH, LXC_ROOTFS_MOUNT, LXC_CONSOLE,
 * LXC_CONSOLE_LOGPATH, LXC_CGNS_AWARE and LXC_LOG_LEVEL.
 *
 * A command is split into words as sh would quote it (str_split_command)
 * and executed directly: no shell, so no expansion of variables or globs.
 *
 * Where each type runs (start.c, spawn.c):
 *   pre-start   host, before anything is created
 *   pre-mount   the container's mount namespace, before its mounts
 *   mount       the container's mount namespace, after its mounts
 *   autodev     the same, after /dev is populated (lxc.autodev = 1)
 *   start-host  host, once the container is set up, before init; LXC_PID
 *   start       inside the container (after pivot_root), before init
 *   stop        host, after init exited, with its namespaces still open
 *   post-stop   host, last
 *   clone       lxc-copy          destroy   lxc-destroy
 */
#ifndef LXCMGR_HOOKS_H
#define LXCMGR_HOOKS_H

#include <stdbool.h>

#include "lxcmgr.h"

struct lxcmgr_container;

enum hook_type {
	HOOK_PRE_START,
	HOOK_PRE_MOUNT,
	HOOK_MOUNT,
	HOOK_AUTODEV,
	HOOK_START_HOST,
	HOOK_START,
	HOOK_STOP,
	HOOK_POST_STOP,
	HOOK_CLONE,
	HOOK_DESTROY,
	HOOK_TYPES
};

/* "pre-start", ... */
const char *hook_type_name(enum hook_type type);

/* Every hook of a container, resolved from its config before anything
 * runs, so the container's first process can run its share without the
 * config. */
struct hook_set {
	char *name;                     /* LXC_NAME, and argv[1] in version 0 */
	bool v1;                        /* lxc.hook.version = 1 */
	char **env;                     /* NAME=VALUE every hook gets */
	char **commands[HOOK_TYPES];    /* NULL when a type has none */
	char **origins[HOOK_TYPES];     /* "config:12" of each command */
};

int hook_set_load(const struct lxcmgr_container *c, struct hook_set *h, lxcmgr_error **err);
void hook_set_release(struct hook_set *h);

static inline bool hook_set_has(const struct hook_set *h, enum hook_type type)
{
	return h->commands[type] && h->commands[type][0];
}

/* Why a hook failed, in fixed-size fields: the container's first process
 * fills it without allocating more than the run itself does. */
struct hook_failure {
	int errnum;      /* errno of a hook that could not be run; 0 when it ran and failed */
	char step[48];   /* "pre-start hook", or "run pre-start hook" when errnum is set */
	char what[600];  /* "\"/x\" failed with exit status 3: no disk", or "\"/x\"" */
	char key[32];    /* "lxc.hook.pre-start" */
	char origin[200]; /* "config:12" */
};

/* Extra inputs of one run. */
struct run_waiter;

struct hook_call {
	char *const *env;  /* more NAME=VALUE (LXC_PID, LXC_TARGET, ...), or NULL */
	char *const *args; /* version 0: arguments after "NAME lxc TYPE", or NULL */
	char *const *base_env; /* non-NULL: the hook's whole environment starts from
				* this, not from the caller's (start hooks: init's) */
	unsigned run_flags;    /* RUN_* of util/run.h */
	const struct run_waiter *waiter; /* or NULL: see run_helper_wait */
};

/* Runs every hook of TYPE in order; the first failure stops the rest.
 * Returns 0, or a negative errno with F filled. */
int hooks_run_type(const struct hook_set *h, enum hook_type type, const struct hook_call *call,
		   struct hook_failure *f);

/* The same for the library's callers: the error names the hook, its
 * status and last line of stderr, and its key and config line. */
int hooks_run_set(const struct hook_set *h, enum hook_type type, const struct hook_call *call,
		  lxcmgr_error **err);

/* Loads the container's hooks and runs those of TYPE (lxc-destroy). */
int hooks_run(struct lxcmgr_container *c, enum hook_type type, unsigned run_flags,
	      lxcmgr_error **err);

#endif
