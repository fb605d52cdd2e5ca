/* liblxcmgr: the public API of lxcmgr, a system container manager that reads
 * LXC 5.0 configuration files.
 *
 * Conventions
 *  - Functions that can fail return 0 (or a count) on success and a negative
 *    errno on failure. When `err` is not NULL they also store an error object
 *    there; the caller frees it with lxcmgr_error_free(). Its message is one
 *    line a person can act on: the step, the path or key, the errno text and,
 *    where one exists, the fix.
 *  - The library never prints and never exits. Diagnostics go to the log
 *    callback of the context, if one is set.
 *  - No global state: everything hangs off a context or a container object.
 *    Objects are not shared between threads without the caller's locking.
 */
#ifndef LXCMGR_H
#define LXCMGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LXCMGR_PUBLIC __attribute__((visibility("default")))

/* ------------------------------------------------------------------ errors */

typedef struct lxcmgr_error {
	int status; /* positive errno */
	char *msg;  /* one line, no trailing newline */
} lxcmgr_error;

LXCMGR_PUBLIC void lxcmgr_error_free(lxcmgr_error *err);
LXCMGR_PUBLIC const char *lxcmgr_version(void);

/* -------------------------------------------------------------- logging */

enum lxcmgr_log_level {
	LXCMGR_LOG_TRACE = 0,
	LXCMGR_LOG_DEBUG,
	LXCMGR_LOG_INFO,
	LXCMGR_LOG_NOTICE,
	LXCMGR_LOG_WARN,
	LXCMGR_LOG_ERROR,
};

/* Parses "TRACE", "debug", "WARN", ... Returns the level or -EINVAL. */
LXCMGR_PUBLIC int lxcmgr_log_level_from_name(const char *name);
LXCMGR_PUBLIC const char *lxcmgr_log_level_name(int level);

typedef void (*lxcmgr_log_fn)(void *data, int level, const char *msg);

/* -------------------------------------------------------------- context */

struct lxcmgr_ctx;

struct lxcmgr_ctx_options {
	const char *lxcpath;    /* NULL: lxc.lxcpath of the system config */
	const char *config_dir; /* NULL: $LXCMGR_CONFIG_PATH, else the built-in /etc/lxcmgr */
	lxcmgr_log_fn log_fn;   /* NULL: no log */
	void *log_data;
	int log_level;          /* messages below this level are not passed to log_fn */
};

/* Reads the system config (<config_dir>/lxc.conf, if present). */
LXCMGR_PUBLIC struct lxcmgr_ctx *lxcmgr_ctx_new(const struct lxcmgr_ctx_options *opts,
						lxcmgr_error **err);
LXCMGR_PUBLIC void lxcmgr_ctx_free(struct lxcmgr_ctx *ctx);
LXCMGR_PUBLIC const char *lxcmgr_ctx_lxcpath(const struct lxcmgr_ctx *ctx);

/* System config items (lxc.lxcpath, lxc.default_config, lxc.cgroup.pattern,
 * ...). *value is malloc'd; an item that is known but unset gives "". */
LXCMGR_PUBLIC int lxcmgr_system_config_get(const struct lxcmgr_ctx *ctx, const char *key,
					   char **value, lxcmgr_error **err);
/* NULL-terminated list of the system config keys; static storage. */
LXCMGR_PUBLIC const char *const *lxcmgr_system_config_keys(void);

/* ------------------------------------------------------------ containers */

struct lxcmgr_container;

/* A container object for NAME under the context's lxcpath. The name is
 * validated; the config is loaded when the container is defined. */
LXCMGR_PUBLIC struct lxcmgr_container *lxcmgr_container_new(struct lxcmgr_ctx *ctx,
							    const char *name,
							    lxcmgr_error **err);
/* The same without loading the config: for lxc-destroy -f of a container
 * whose config no longer loads. */
LXCMGR_PUBLIC struct lxcmgr_container *lxcmgr_container_new_unloaded(struct lxcmgr_ctx *ctx,
								     const char *name,
								     lxcmgr_error **err);
LXCMGR_PUBLIC void lxcmgr_container_get(struct lxcmgr_container *c);
LXCMGR_PUBLIC void lxcmgr_container_put(struct lxcmgr_container *c);

LXCMGR_PUBLIC const char *lxcmgr_container_name(const struct lxcmgr_container *c);
LXCMGR_PUBLIC const char *lxcmgr_container_config_path(const struct lxcmgr_container *c);
/* Defined: <lxcpath>/<name>/config exists and no create is pending. */
LXCMGR_PUBLIC bool lxcmgr_container_is_defined(const struct lxcmgr_container *c);

/* Replaces the in-memory config with the file at PATH (NULL: the container's
 * own config). Stops at the first error: "file:line: key: message". */
LXCMGR_PUBLIC int lxcmgr_container_load_config(struct lxcmgr_container *c, const char *path,
					       lxcmgr_error **err);
/* Writes the config to PATH (NULL: the container's own config) atomically,
 * keeping the user's comments, includes and order. */
LXCMGR_PUBLIC int lxcmgr_container_save_config(struct lxcmgr_container *c, const char *path,
					       lxcmgr_error **err);

/* Applies "KEY=VALUE" lines (lxc-start -s) on top of the loaded config.
 * They are not saved. ORIGIN names them in errors ("-s" or "define"). */
LXCMGR_PUBLIC int lxcmgr_container_define(struct lxcmgr_container *c, const char *origin,
					  const char *line, lxcmgr_error **err);

/* Config items with LXC semantics: a list key's values are joined with
 * newlines; an unset known key gives "". Unknown keys give -EINVAL with a
 * "did you mean" suggestion. set of a list key appends; an empty value clears. */
LXCMGR_PUBLIC int lxcmgr_container_get_item(struct lxcmgr_container *c, const char *key,
					    char **value, lxcmgr_error **err);
LXCMGR_PUBLIC int lxcmgr_container_set_item(struct lxcmgr_container *c, const char *key,
					    const char *value, lxcmgr_error **err);
LXCMGR_PUBLIC int lxcmgr_container_clear_item(struct lxcmgr_container *c, const char *key,
					      lxcmgr_error **err);
/* Where the effective value of KEY came from: "file:line" (malloc'd), or
 * -ENOENT when the key is unset. For list keys: the last value. */
LXCMGR_PUBLIC int lxcmgr_container_item_origin(struct lxcmgr_container *c, const char *key,
					       char **origin, lxcmgr_error **err);

/* Keys that are set in the effective config, in first-set order. */
LXCMGR_PUBLIC int lxcmgr_container_get_keys(struct lxcmgr_container *c, char ***keys,
					    lxcmgr_error **err);

#define LXCMGR_CREATE_QUIET (1u << 0) /* template stdout and stderr are not shown */

struct lxcmgr_create_options {
	const char *template_name; /* "busybox", a path, or "none" */
	const char *bdev_type;     /* NULL, "dir" or "best" */
	const char *config_file;   /* NULL: lxc.default_config of the system config */
	const char *const *template_args; /* NULL-terminated, may be NULL */
	const char *rootfs_dir;    /* NULL: <lxcpath>/<name>/rootfs */
	unsigned flags;
};

/* Creates <lxcpath>/<name>: config, rootfs, then runs the template. Holds the
 * container lock and a "partial" marker throughout; on any failure removes
 * everything it made. */
LXCMGR_PUBLIC int lxcmgr_container_create(struct lxcmgr_container *c,
					  const struct lxcmgr_create_options *opts,
					  lxcmgr_error **err);

/* Where lxc-create -t TEMPLATE_NAME finds its template (malloc'd path). */
LXCMGR_PUBLIC int lxcmgr_template_path(const struct lxcmgr_ctx *ctx, const char *template_name,
				       char **path, lxcmgr_error **err);

#define LXCMGR_DESTROY_FORCE (1u << 0) /* also remove a container left half-made */

LXCMGR_PUBLIC int lxcmgr_container_destroy(struct lxcmgr_container *c, unsigned flags,
					   lxcmgr_error **err);

/* Writes the stopped container's config and root file system (an overlay's
 * merged view) to OUTPUT (.tar, .tar.gz, .tar.xz or .tar.zst): members
 * "config" and "rootfs/...", which lxc-create -t local takes back. */
LXCMGR_PUBLIC int lxcmgr_container_export(struct lxcmgr_container *c, const char *output,
					  lxcmgr_error **err);

/* ------------------------------------------------------------ listing */

/* Names of the containers defined under the context's lxcpath, sorted.
 * Half-made ones (an interrupted create) are left out. *names is
 * NULL-terminated; free with lxcmgr_strv_free(). Returns the count. */
LXCMGR_PUBLIC int lxcmgr_list_defined(struct lxcmgr_ctx *ctx, char ***names, lxcmgr_error **err);
LXCMGR_PUBLIC void lxcmgr_strv_free(char **strv);

/* Decides from a name alone whether a listing wants that container. */
typedef bool (*lxcmgr_name_filter)(const char *name, void *data);
/* Gets each listed container; a negative return stops the listing. */
typedef int (*lxcmgr_container_fn)(struct lxcmgr_container *c, void *data);

/* Calls FN for each defined container, sorted by name, with its config
 * loaded: per directory one check for an unfinished create and one read of
 * the config (lxc-ls uses this; list + new per name costs more). One
 * container at a time, so memory stays flat; FN takes a reference with
 * lxcmgr_container_get() to keep one. FILTER (may be NULL) skips names
 * before any work. A container whose config does not load is passed all
 * the same; lxcmgr_container_load_error() says why. Returns how many were
 * passed, or FN's negative value. */
LXCMGR_PUBLIC int lxcmgr_for_each_container(struct lxcmgr_ctx *ctx, lxcmgr_name_filter filter,
					    lxcmgr_container_fn fn, void *data,
					    lxcmgr_error **err);
/* Why the config of a container from lxcmgr_for_each_container() did not
 * load, or NULL when it did. */
LXCMGR_PUBLIC const lxcmgr_error *lxcmgr_container_load_error(const struct lxcmgr_container *c);

/* ------------------------------------------------------------ state */

enum lxcmgr_state {
	LXCMGR_STATE_STOPPED = 0,
	LXCMGR_STATE_STARTING,
	LXCMGR_STATE_RUNNING,
	LXCMGR_STATE_STOPPING,
	LXCMGR_STATE_ABORTING,
	LXCMGR_STATE_FREEZING,
	LXCMGR_STATE_FROZEN,
	LXCMGR_STATE_THAWED,
};

LXCMGR_PUBLIC const char *lxcmgr_state_name(int state);
/* "RUNNING" -> LXCMGR_STATE_RUNNING; -EINVAL for an unknown name. */
LXCMGR_PUBLIC int lxcmgr_state_from_name(const char *name);
/* Asks the container's monitor; no monitor means STOPPED. */
LXCMGR_PUBLIC int lxcmgr_container_state(struct lxcmgr_container *c);

/* ------------------------------------------------------------ running */

struct lxcmgr_start_options {
	bool foreground;               /* -F: this process is the monitor, the terminal the console */
	const char *const *init_argv;  /* -- CMD: replaces lxc.init.cmd; NULL-terminated */
	const char *pidfile;           /* -p: init's pid is written here */
	/* lxc-execute: */
	const char *exec_helper;       /* host path of lxcmgr-init: bound onto /dev/.lxcmgr-init in
					* the container (needs lxc.autodev = 1) and run as PID 1,
					* with init_argv as its child; NULL: init_argv is init */
	bool inherit_stdio;            /* foreground only: init gets the caller's stdin, stdout and
					* stderr instead of the console, and nothing is proxied */
	int *exit_status;              /* foreground only, may be NULL: init's wait status, once it
					* has run and exited; untouched otherwise */
	bool monitor_child;            /* background only: the monitor stays a child of this
					* process instead of being forked twice away; for a caller
					* that exits at once (lxc-start), whose exit hands it to
					* init. The monitor shares this process's memory until
					* then, so on success the call does not return: the
					* process ends with _exit(0). */
};

/* Starts the container. In the background (the default) it returns once
 * init has been executed, or fails with the cause from inside the
 * container's setup ("mount ...: No such file or directory (lxc.mount.entry,
 * config:14; add create=dir)"). In the foreground it returns when the
 * container has stopped. */
LXCMGR_PUBLIC int lxcmgr_container_start(struct lxcmgr_container *c,
					 const struct lxcmgr_start_options *opts,
					 lxcmgr_error **err);

#define LXCMGR_STOP_KILL (1u << 0)   /* lxc.signal.stop (SIGKILL) now, no clean shutdown */
#define LXCMGR_STOP_NOWAIT (1u << 1) /* send the signal and return */
#define LXCMGR_STOP_NOKILL (1u << 2) /* after the timeout, fail instead of killing */
#define LXCMGR_STOP_REBOOT (1u << 3) /* lxc.signal.reboot instead of halt */

/* Sends the halt signal (lxc.signal.halt, else one suited to the init:
 * SIGRTMIN+3 for systemd, SIGPWR otherwise), waits up to TIMEOUT seconds
 * (-1: for ever) for the container to stop, then kills it unless NOKILL.
 * With REBOOT: sends lxc.signal.reboot (else SIGINT) and waits up to
 * TIMEOUT (0: not at all) for init to run again; -ETIMEDOUT, or
 * -ECANCELED when it stopped instead. Whatever way init then ends, the
 * monitor does what was asked: a halted container stays stopped, a
 * rebooted one starts again. */
LXCMGR_PUBLIC int lxcmgr_container_stop(struct lxcmgr_container *c, int timeout,
					unsigned flags, lxcmgr_error **err);

/* Init's pid as the host sees it, or -ESRCH when not running. */
LXCMGR_PUBLIC int lxcmgr_container_init_pid(struct lxcmgr_container *c);

/* Waits until the state is one in STATES (a mask of 1 << LXCMGR_STATE_*),
 * at most TIMEOUT seconds (-1: for ever). 0, or -ETIMEDOUT. */
LXCMGR_PUBLIC int lxcmgr_container_wait(struct lxcmgr_container *c, unsigned states,
					int timeout, lxcmgr_error **err);

/* The running container's IP addresses (lxc-info -i): every interface but
 * lo, IPv6 of global scope only, as text. *IPS is NULL-terminated; free
 * each string and the vector. */
LXCMGR_PUBLIC int lxcmgr_container_get_ips(struct lxcmgr_container *c, char ***ips,
					   lxcmgr_error **err);

/* A config item as the running container uses it (lxc-info -c). */
LXCMGR_PUBLIC int lxcmgr_container_get_running_item(struct lxcmgr_container *c, const char *key,
						    char **value, lxcmgr_error **err);

/* ------------------------------------------------------------ attach */

/* What lxc-attach -e keeps of the caller's privileges. */
#define LXCMGR_ATTACH_ELEVATED_CAP (1u << 0)    /* keep the capability bounding set */
#define LXCMGR_ATTACH_ELEVATED_CGROUP (1u << 1) /* stay in the caller's cgroup */
#define LXCMGR_ATTACH_ELEVATED_LSM (1u << 2)    /* keep the caller's LSM label */
#define LXCMGR_ATTACH_ELEVATED_ALL 7u

/* In every mode lxc.environment of the running container is applied next
 * (a bare NAME takes the caller's value), then keep_vars, then set_vars. */
enum lxcmgr_attach_env {
	LXCMGR_ATTACH_ENV_CLEAN = 0, /* container=lxc, PATH, TERM, HOME USER LOGNAME SHELL */
	LXCMGR_ATTACH_ENV_KEEP,      /* the caller's environment, plus container=lxc */
	LXCMGR_ATTACH_ENV_CLEAR,     /* container=lxc and PATH only */
};

enum lxcmgr_attach_pty {
	LXCMGR_ATTACH_PTY_AUTO = 0, /* a pty when stdin is a terminal */
	LXCMGR_ATTACH_PTY_NEVER,
};

struct lxcmgr_attach_options {
	const char *const *argv;      /* NULL-terminated; NULL or empty: the user's login shell
				       * from the container's /etc/passwd, else /bin/sh */
	int namespaces;               /* CLONE_NEW* to join; 0: every one init does not share
				       * with us. A subset implies ELEVATED_ALL, as in LXC */
	unsigned elevated;            /* LXCMGR_ATTACH_ELEVATED_* */
	int env_mode;                 /* enum lxcmgr_attach_env */
	const char *const *set_vars;  /* "NAME=VALUE", applied last; NULL-terminated or NULL */
	const char *const *keep_vars; /* names copied from the caller's environment */
	long uid, gid;                /* in the container; -1: root, and the user's group */
	int pty;                      /* enum lxcmgr_attach_pty */
	const char *pty_log;          /* host file the pty's output is appended to, or NULL */
	bool remount_sys_proc;        /* -R: with a namespace subset without the mount one, a
				       * mount namespace of the command's own with /proc and
				       * /sys of the namespaces joined */
	const char *exec_helper;      /* host path of lxcmgr-exec; NULL: the installed one */
};

/* Runs a command in the running container, as lxc-attach does, and waits
 * for it. Standard input, output and error are this process's: a terminal
 * among them goes through a pty allocated inside the container (this
 * terminal is put in raw mode and restored before return; SIGWINCH,
 * SIGHUP, SIGINT, SIGQUIT and SIGTERM are blocked meanwhile and forwarded
 * or applied), anything else is passed as it is. *EXIT_STATUS gets the
 * command's wait status. Fails (with the cause from inside the container,
 * "exec \"foo\": No such file or directory") when the command could not be
 * run. */
LXCMGR_PUBLIC int lxcmgr_container_attach(struct lxcmgr_container *c,
					  const struct lxcmgr_attach_options *opts,
					  int *exit_status, lxcmgr_error **err);

/* ------------------------------------------------------------ console */

struct lxcmgr_console;

/* Takes tty TTY of the running container through its monitor (lxc-console):
 * 0 is its /dev/console, N its /dev/ttyN, -1 the first free tty. A tty is
 * held by one client at a time (-EBUSY otherwise) until
 * lxcmgr_console_close() or this process's exit, and is found as it was
 * left by the next client. The console goes through the monitor, so its
 * ring buffer and log file miss nothing. */
LXCMGR_PUBLIC int lxcmgr_console_open(struct lxcmgr_container *c, int tty,
				      struct lxcmgr_console **con, lxcmgr_error **err);
/* Read the tty's output from it, write its input to it. A tty's fd gives
 * EIO or a hang-up while no process in the container has the tty open
 * (a getty restarting); it is not over until the watch fd says so. */
LXCMGR_PUBLIC int lxcmgr_console_fd(const struct lxcmgr_console *con);
/* The tty taken (0: the console), e.g. the first free one. */
LXCMGR_PUBLIC int lxcmgr_console_tty(const struct lxcmgr_console *con);
/* Becomes readable (end of file) when the container stops. */
LXCMGR_PUBLIC int lxcmgr_console_watch_fd(const struct lxcmgr_console *con);
/* Sets the tty's window size (the container's processes get SIGWINCH). */
LXCMGR_PUBLIC int lxcmgr_console_resize(struct lxcmgr_console *con, unsigned short rows,
					unsigned short cols, lxcmgr_error **err);
/* Lets go of the tty. */
LXCMGR_PUBLIC void lxcmgr_console_close(struct lxcmgr_console *con);

/* The console ring buffer (lxc.console.buffer.size): the last bytes the
 * container wrote to its console, oldest first; *data is malloc'd and
 * NUL-terminated, *len its length. CLEAR empties the buffer afterwards.
 * -ENODATA when the container keeps none. */
LXCMGR_PUBLIC int lxcmgr_container_console_buffer(struct lxcmgr_container *c, bool clear,
						  char **data, size_t *len, lxcmgr_error **err);

/* A file of the running container's cgroup (lxc-cgroup): FILE is
 * CONTROLLER.FILE ("memory.limit_in_bytes"), found in the hierarchy of its
 * controller. Get gives the content without its final newline. */
LXCMGR_PUBLIC int lxcmgr_container_cgroup_get(struct lxcmgr_container *c, const char *file,
					      char **value, lxcmgr_error **err);
LXCMGR_PUBLIC int lxcmgr_container_cgroup_set(struct lxcmgr_container *c, const char *file,
					      const char *value, lxcmgr_error **err);

/* ------------------------------------------------------------ freezer */

/* Freezes every process of the running container (its payload cgroup:
 * v1 freezer.state, cgroup2 cgroup.freeze) and waits up to TIMEOUT seconds
 * (-1: for ever) until the kernel has stopped them all: the state goes
 * FREEZING, then FROZEN. A frozen container stays frozen until
 * lxcmgr_container_unfreeze(); stopping it thaws it first. -ESRCH when not
 * running, -ENODEV without a freezer, -ETIMEDOUT while still FREEZING (it
 * stays FREEZING: unfreeze to undo). */
LXCMGR_PUBLIC int lxcmgr_container_freeze(struct lxcmgr_container *c, int timeout,
					  lxcmgr_error **err);
/* Thaws it: THAWED, then RUNNING. A running container that is not frozen
 * is left as it is (0). */
LXCMGR_PUBLIC int lxcmgr_container_unfreeze(struct lxcmgr_container *c, lxcmgr_error **err);

/* ------------------------------------------------------------ statistics */

#define LXCMGR_STAT_UNKNOWN UINT64_MAX /* the host does not tell (no such controller) */

/* Resource use of a running container, read straight from its cgroups
 * (lxc-info -S, lxc-top). Counters are totals since the cgroups were made
 * (a reboot keeps them). */
struct lxcmgr_stats {
	uint64_t cpu_ns;         /* CPU time of all its processes */
	uint64_t cpu_user_ns;    /* ... in user space */
	uint64_t cpu_system_ns;  /* ... in the kernel */
	uint64_t mem_bytes;      /* memory charged now (page cache included) */
	uint64_t mem_peak_bytes; /* the most it has been */
	uint64_t memsw_bytes;    /* memory plus swap */
	uint64_t kmem_bytes;     /* the kernel's part of mem_bytes */
	uint64_t io_read_bytes;  /* block I/O */
	uint64_t io_write_bytes;
	uint64_t io_ops;         /* read and write operations */
	uint64_t pids;           /* processes and threads now */
	uint64_t age_ns;         /* since the cgroups were made: cpu_ns / age_ns is the
				  * average CPU use */
};

/* Fills ST (SIZE: sizeof(*ST), so that the struct may grow). Reads the
 * container's cgroup record and files; the monitor is only asked whether
 * it runs. -ESRCH when not running, -ENODATA when it runs without cgroups. */
LXCMGR_PUBLIC int lxcmgr_container_stats(struct lxcmgr_container *c, struct lxcmgr_stats *st,
					 size_t size, lxcmgr_error **err);

/* The fields of struct lxcmgr_stats, for lxcmgr_container_stats_some. */
enum lxcmgr_stats_field {
	LXCMGR_STATS_CPU = 1u << 0,       /* cpu_ns */
	LXCMGR_STATS_CPU_SPLIT = 1u << 1, /* cpu_user_ns, cpu_system_ns */
	LXCMGR_STATS_MEM = 1u << 2,       /* mem_bytes */
	LXCMGR_STATS_MEM_PEAK = 1u << 3,  /* mem_peak_bytes */
	LXCMGR_STATS_MEMSW = 1u << 4,     /* memsw_bytes */
	LXCMGR_STATS_KMEM = 1u << 5,      /* kmem_bytes */
	LXCMGR_STATS_IO_BYTES = 1u << 6,  /* io_read_bytes, io_write_bytes */
	LXCMGR_STATS_IO_OPS = 1u << 7,    /* io_ops */
	LXCMGR_STATS_PIDS = 1u << 8,      /* pids */
	LXCMGR_STATS_ALL = (1u << 9) - 1,
};

/* As lxcmgr_container_stats, reading only the files that give the fields
 * in WANT (LXCMGR_STATS_* ORed; age_ns always). Others may be left
 * LXCMGR_STAT_UNKNOWN, or be filled where one file gives several. */
LXCMGR_PUBLIC int lxcmgr_container_stats_some(struct lxcmgr_container *c, unsigned want,
					      struct lxcmgr_stats *st, size_t size,
					      lxcmgr_error **err);

/* ------------------------------------------------------------ host check */

enum lxcmgr_check_status {
	LXCMGR_CHECK_OK = 0,
	LXCMGR_CHECK_MISSING, /* absent: the features that need it will fail */
	LXCMGR_CHECK_WARN,    /* present but limited, or absent and optional */
	LXCMGR_CHECK_INFO,    /* a fact (cgroup layout, versions) */
};

struct lxcmgr_check {
	char *group;  /* "Namespaces", "Control groups", ... */
	char *name;   /* "User namespace", ... */
	int status;   /* enum lxcmgr_check_status */
	char *detail; /* what was found, and what to do when it is missing */
};

/* Probes the running kernel and host (namespaces by unsharing them in a
 * child, cgroup layout with statfs, ...). *checks is an array of *count
 * entries; free with lxcmgr_checks_free(). */
LXCMGR_PUBLIC int lxcmgr_check_host(struct lxcmgr_check **checks, size_t *count,
				    lxcmgr_error **err);
LXCMGR_PUBLIC void lxcmgr_checks_free(struct lxcmgr_check *checks, size_t count);

/* ------------------------------------------------------------ watching */

/* Gets a state change of a watched container; a non-zero return ends the
 * watch. */
typedef int (*lxcmgr_state_fn)(const char *name, int state, void *data);

/* Follows the states of the containers under the context's lxcpath whose
 * names pass FILTER (NULL: all), as lxc-monitor does. FN gets the state of
 * each container that runs now, then every change: STARTING when a monitor
 * appears, what the monitor announces (RUNNING, STOPPING, ...), and STOPPED
 * when it is gone (also when it was killed, or the start failed). A
 * container never gets the same state twice in a row. Containers started
 * later are seen as they start: the runtime directory is watched with
 * inotify (polled every second only when inotify is out of watches).
 * Returns FN's non-zero value; 0 after TIMEOUT_MS (-1: none) or once
 * CANCEL_FD (-1: none; a signalfd, eventfd or pipe) is readable, which is
 * not read; or -errno. */
LXCMGR_PUBLIC int lxcmgr_watch_states(struct lxcmgr_ctx *ctx, lxcmgr_name_filter filter,
				      void *filter_data, lxcmgr_state_fn fn, void *data,
				      int timeout_ms, int cancel_fd, lxcmgr_error **err);

#ifdef __cplusplus
}
#endif

#endif
