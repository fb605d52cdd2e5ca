/* A start plan: everything a container start needs, resolved from the
 * config before anything is created ("parse first, act later"). Every item
 * keeps the key and the config line it came from, so a failure while
 * applying it can name them. Built by plan.c; read by the monitor (host
 * side) and by the container's first process (child side). */
#ifndef LXCMGR_RUN_PLAN_H
#define LXCMGR_RUN_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hooks.h"
#include "lxcmgr.h"
#include "net/netdev.h"
#include "security/idmap.h"

struct lxcmgr_container;
struct security_plan;

/* lxc.mount.auto, as flags. The cgroup modes come with the cgroup work. */
enum plan_auto {
	AUTO_PROC_RW = 1u << 0,    /* proc:rw */
	AUTO_PROC_MIXED = 1u << 1, /* proc, proc:mixed: /proc/sys read-only but net */
	AUTO_SYS_RW = 1u << 2,     /* sys:rw */
	AUTO_SYS_RO = 1u << 3,     /* sys:ro */
	AUTO_SYS_MIXED = 1u << 4,  /* sys, sys:mixed: read-only, /sys/devices/virtual/net rw */
};

/* lxc.mount.auto's cgroup modes (cgroup, cgroup-full, cgroup2; :force is
 * accepted and changes nothing: the mounts are always made). Inside the
 * container's cgroup namespace the hierarchies' roots are its own cgroup,
 * so cgroup-full shows what cgroup shows, and "mixed" (its own cgroup
 * writable, the rest read-only) is a writable cgroup mount on a read-only
 * tmpfs. */
enum plan_cgroup_mount {
	CGMOUNT_NONE = 0,
	CGMOUNT_DEFAULT, /* no :ro/:rw/:mixed: rw, or mixed without CAP_SYS_ADMIN (LXC) */
	CGMOUNT_MIXED,   /* the cgroup mounts writable, the tmpfs holding them read-only */
	CGMOUNT_RO,
	CGMOUNT_RW,
};

/* One mount, from lxc.mount.entry or lxc.mount.fstab. */
struct plan_mount {
	char *source;
	char *target;        /* as written: relative to the rootfs, or absolute */
	char *fstype;        /* "none" for binds */
	unsigned long flags; /* MS_* from the options */
	unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE [|MS_REC], or 0 */
	char *data;          /* file-system options the kernel gets as data */
	bool optional;       /* a failure is logged, not fatal */
	bool create_dir;     /* create=dir */
	bool create_file;    /* create=file */
	char *origin;        /* "config:14" */
	bool relative;       /* "relative": SOURCE is taken inside the rootfs */
	bool idmapped;       /* idmap=container: a bind seen through the container's
			      * user namespace (an idmapped mount the monitor makes) */
};

/* lxc.cgroup.CONTROLLER.FILE (version 1) or lxc.cgroup2.FILE (version 2). */
struct plan_cgroup_item {
	char *key;        /* "lxc.cgroup.memory.limit_in_bytes" */
	const char *file; /* in KEY: "memory.limit_in_bytes" */
	unsigned version;
	char *value;
	char *origin;     /* "config:12" */
	long order;       /* where its line comes in the config, includes expanded */
};

/* The container's cgroups (plan-cgroup.c). */
struct plan_cgroup {
	char *payload;    /* relative to the base: "lxcmgr.payload.web" */
	char *monitor;    /* "lxcmgr.monitor.web" */
	char *pivot;      /* lxc.cgroup.dir.monitor.pivot, or NULL */
	bool relative;    /* lxc.cgroup.relative: the base is the starter's own cgroup */
	char **skip;      /* an ordinary user's start: the caller's cgroups of the v1
			   * hierarchies not delegated to them, left out (cgroup_drop) */
	bool skip_base;   /* an ordinary user's start on cgroup2: the caller's cgroup gets
			   * controllers only through take_base (plan-cgroup.c) */
	bool take_base;   /* ... where the monitor and lxc-start leave the caller's cgroup,
			   * which then enables its controllers (cgroup_take_base): no
			   * other process is in it */
	pid_t starter;    /* lxc-start, waiting in the caller's cgroup for the result:
			   * moved with the monitor (take_base); 0: none (start.c) */
	struct plan_cgroup_item *items; /* written before init runs, in config order (a
					 * devices.deny after the allows comes last) */
	size_t n_items;
};

/* Where a plan item came from, for errors: "lxc.mount.entry, config:14". */
struct plan_where {
	const char *key;
	const char *origin;
};

/* lxc.namespace.share.NS: a namespace joined instead of created. */
struct plan_share {
	int flag;         /* CLONE_NEW* */
	const char *ns;   /* "net", static */
	char *key;        /* "lxc.namespace.share.net" */
	char *value;      /* a container NAME (same lxcpath), a PID, or a namespace file */
	char *origin;     /* "config:12" */
	pid_t pid;        /* the value is a PID; 0 otherwise */
	bool path;        /* the value is an absolute path to a namespace file */
};

/* lxc.time.offset.boot, .monotonic: for /proc/self/timens_offsets. */
struct plan_time_offset {
	bool set;
	int64_t sec;
	long nsec; /* 0 <= nsec < 1e9 */
	char *origin;
};

/* lxc.prlimit.RESOURCE. */
struct plan_rlimit {
	int resource;       /* RLIMIT_* */
	uint64_t soft, hard; /* UINT64_MAX: unlimited */
	char *key;
	char *origin;
};

/* lxc.sysctl.NAME (path under /proc/sys) and lxc.proc.FILE (under /proc/self). */
struct plan_write {
	char *key;
	char *path; /* "net/ipv4/ip_forward", "oom_score_adj" */
	char *value;
	char *origin;
};

#define PLAN_NS_MAX 8 /* namespace types: cgroup ipc mnt net pid time user uts */

struct start_plan {
	char *name;
	char *config_path;
	char *rootfs;               /* host path of the root file system; with an
				       overlay, its mount point */
	char *rootfs_overlay;       /* overlay mount data, or NULL: a directory */
	unsigned long rootfs_flags; /* MS_RDONLY ... from lxc.rootfs.options */
	char *rootfs_origin;
	char *uts_name;             /* NULL: the container name */
	unsigned auto_mounts;       /* enum plan_auto */
	char *auto_origin;
	struct plan_mount *mounts;
	size_t n_mounts;
	bool autodev;
	unsigned tty_max;
	char *tty_dir;              /* NULL or "lxc" */
	unsigned pty_max;
	char *console_log;          /* lxc.console.logfile (absolute), or NULL */
	char *console_log_origin;
	uint64_t console_log_size;  /* lxc.console.size in bytes; 0: no limit */
	bool console_log_rotate;    /* lxc.console.rotate */
	uint64_t console_buffer_size; /* lxc.console.buffer.size in bytes, whole pages; 0: none */
	char **init_argv;           /* lxc.init.cmd, -- CMD, or /sbin/init */
	char **init_env;            /* container=lxc, lxc.environment, TERM */
	char *init_cwd;             /* NULL: / */
	uid_t init_uid;
	gid_t init_gid;
	gid_t *init_groups;         /* lxc.init.groups; none: init has no supplementary groups */
	size_t n_init_groups;
	bool session_keyring;       /* lxc.keyring.session (default 1): init joins a new
				     * session keyring, not the host's */
	int clone_flags;            /* CLONE_NEW* */
	int halt_signal;            /* lxc.signal.halt; 0: chosen at stop time */
	int reboot_signal;
	int stop_signal;
	int pdeath_signal;          /* lxc.monitor.signal.pdeath; 0: init outlives the monitor */
	bool no_new_privs;
	bool ephemeral;             /* lxc.ephemeral: destroyed once stopped (not rebooted) */
	/* Appended by plan.c: */
	unsigned cgroup_mount;      /* enum plan_cgroup_mount: lxc.mount.auto's cgroup word */
	bool cgroup_mount_v2;       /* "cgroup2": the cgroup2 hierarchy alone, at /sys/fs/cgroup */
	int *cap_drop;              /* lxc.cap.drop, or all but lxc.cap.keep: sorted, each
				     * <= /proc/sys/kernel/cap_last_cap, for PR_CAPBSET_DROP */
	size_t n_cap_drop;
	struct hook_set hooks;      /* lxc.hook.*, each with its config line */
	uint64_t autodev_tmpfs_size; /* bytes, for size= of the /dev tmpfs (LXC: 500000) */
	char **notices;             /* lines to log at start ("... the container runs
				     * unconfined"); NULL when none */
	const char *exec_helper;    /* lxc-execute: host path of lxcmgr-init, or NULL. Not owned:
				     * start.c points it at the start options' string, which
				     * outlives the plan; init_argv then starts with the helper */
	/* Appended by plan-ns.c and plan-proc.c: */
	struct plan_share shares[PLAN_NS_MAX]; /* joined namespaces; not in clone_flags */
	size_t n_shares;
	struct plan_time_offset time_boot, time_monotonic; /* with CLONE_NEWTIME */
	struct plan_rlimit *rlimits;
	size_t n_rlimits;
	struct plan_write *sysctls; /* namespaced only: checked against clone_flags and shares */
	size_t n_sysctls;
	struct plan_write *procs;
	size_t n_procs;
	/* Appended by plan-cgroup.c: */
	struct plan_cgroup cgroup;
	/* Appended by plan-net.c: lxc.net.N devices of a type that makes one,
	 * by N; none and empty make none. */
	struct net_dev *netdevs;
	size_t n_netdevs;
	/* Appended by security/security.c: seccomp filter, AppArmor profile */
	struct security_plan *security;
	/* Appended by plan-userns.c: lxc.idmap. With ranges, CLONE_NEWUSER is
	 * in clone_flags and the monitor writes the maps (run/userns.h). */
	struct idmap idmap;
	uid_t root_uid;             /* host ids of the container's root */
	gid_t root_gid;
	bool rootfs_idmapped;       /* lxc.rootfs.options idmap=container */
	/* Started by an ordinary user (not root): the maps go through
	 * newuidmap/newgidmap (security/subid.h), which want the lxc.idmap
	 * lines; the cgroups are the caller's delegated ones. */
	bool by_user;
	char **idmap_lines;
	/* Child side only: the idmapped trees the monitor sent, [0] the rootfs,
	 * [1 + i] mounts[i]; -1 where none. Allocated with the plan (1 +
	 * n_mounts), filled in the container's first process, which has its
	 * own copy of the plan's memory (no CLONE_VM with a user namespace). */
	int *idmapped_trees;
};

/* Has the plan a user namespace (lxc.idmap)? */
static inline bool plan_userns(const struct start_plan *p)
{
	return !idmap_empty(&p->idmap);
}

/* Builds the plan from the container's loaded config. Keys that a start
 * cannot apply yet are refused here, naming the key and its line:
 * "lxc.net.0.type = veth (config:9): not supported yet ...". INIT_ARGV
 * (may be NULL) replaces lxc.init.cmd (lxc-start -- CMD). */
int plan_build(struct lxcmgr_container *c, char *const *init_argv, struct start_plan **plan,
	       lxcmgr_error **err);
void plan_free(struct start_plan *plan);

/* plan-net.c: lxc.net.N.hwaddr values with x digits get random ones, once:
 * written back to the container's config (under the container lock), so
 * the MAC stays the same at every start. Values from -s defines stay. */
int plan_net_fix_hwaddrs(struct lxcmgr_container *c, lxcmgr_error **err);

/* plan-cgroup.c: the cgroup paths and the lxc.cgroup.* / lxc.cgroup2.*
 * settings of C's config. */
int plan_cgroup_build(const struct lxcmgr_container *c, struct plan_cgroup *pc,
		      lxcmgr_error **err);
/* For an ordinary user's start: the cgroups go beneath the caller's own
 * (lxc.cgroup.relative), which must be delegated to the user (one error
 * line with the fix otherwise); v1 controllers that are not are left out,
 * with a line in NOTICES, unless a key needs them (an error naming it).
 * On cgroup2 the caller's cgroup enables its controllers for the container
 * when nothing but lxc-start is in it (take_base); else the same. NAME:
 * the container's, for the fix. */
int plan_cgroup_delegated(const char *name, struct plan_cgroup *pc, char ***notices,
			  lxcmgr_error **err);
void plan_cgroup_release(struct plan_cgroup *pc);

#endif
