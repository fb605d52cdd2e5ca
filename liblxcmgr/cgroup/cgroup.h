/* The control groups of one container: a payload cgroup for init and its
 * descendants, and a monitor cgroup for the monitor, in every hierarchy
 * the host mounts, beneath a base (the hierarchy's root, or with
 * lxc.cgroup.relative the caller's own cgroup there).
 *
 * One interface (struct cgroup_ops) with a backend per layout, chosen by
 * statfs of /sys/fs/cgroup:
 *   v1.c  legacy and hybrid: a cgroup v1 hierarchy per controller (tmpfs at
 *         /sys/fs/cgroup), plus name=systemd and the controller-less
 *         cgroup2 hierarchy of a hybrid host when mounted
 *   v2.c  unified: one cgroup2 hierarchy; controllers are enabled along the
 *         path, and init is cloned straight into its cgroup
 * The common parts (paths, directories, attaching, killing, removal, the
 * runtime record) are in cgroup.c and shared by both.
 *
 * A struct cgroup can be written to a record and read back, so clients
 * (lxc-stop -k after the monitor was killed, lxc-destroy -f) can find,
 * empty and remove the cgroups of a container whose monitor is gone. */
#ifndef LXCMGR_CGROUP_CGROUP_H
#define LXCMGR_CGROUP_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lxcmgr.h"

#define CGROUP_MOUNT "/sys/fs/cgroup"
#define CGROUP_PAYLOAD_PREFIX "lxcmgr.payload."
#define CGROUP_MONITOR_PREFIX "lxcmgr.monitor."

enum cgroup_layout {
	CGROUP_LAYOUT_NONE,    /* nothing usable is mounted at /sys/fs/cgroup */
	CGROUP_LAYOUT_LEGACY,  /* v1 only: a hierarchy per controller */
	CGROUP_LAYOUT_HYBRID,  /* v1 controllers, and a cgroup2 hierarchy without them */
	CGROUP_LAYOUT_UNIFIED, /* cgroup2 only */
};

enum cgroup_which { CGROUP_PAYLOAD, CGROUP_MONITOR };

/* Where a container's cgroups go, relative to the base of each hierarchy. */
struct cgroup_spec {
	const char *payload; /* "lxcmgr.payload.web", "lxcmgr/web" */
	const char *monitor; /* "lxcmgr.monitor.web" */
	const char *pivot;   /* lxc.cgroup.dir.monitor.pivot, or NULL: the monitor goes
			      * back to the cgroup it came from before removing its own */
	bool relative;       /* base: the caller's cgroup (else the hierarchy's root) */
	bool base_as_is;     /* v2: enable no controller in the base itself (an ordinary
			      * user's start: the caller's cgroup has processes, lxc-start's) */
};

/* One mounted hierarchy. Paths in cgroup terms start with '/' and are
 * relative to the hierarchy's root; DIRS are file system paths. */
struct cgroup_hier {
	char *mount;        /* "/sys/fs/cgroup/memory" */
	char *root;         /* the cgroup mounted there: "/" unless in a cgroup namespace */
	char **controllers; /* v1: "memory"; "cpu","cpuacct"; "name=systemd". v2: those
			     * enabled at the root (cgroup.controllers) */
	bool unified;       /* a cgroup2 hierarchy */
	char *self;         /* our own cgroup at detection ("/user.slice/x") */
	char *dirs[2];      /* the payload's and monitor's directories, once made */
	char *made[2];      /* the topmost directory that making dirs[i] created (to
			     * remove with it); NULL when only dirs[i] itself */
};

struct cgroup;

/* A backend. Every verb returns 0 or -errno with *err set. */
struct cgroup_ops {
	const char *name; /* "v1", "v2" */
	/* Fills cg->hiers from the mount table and /proc/self/cgroup. */
	int (*detect)(struct cgroup *cg, lxcmgr_error **err);
	/* Makes the payload and monitor cgroups in every hierarchy; on failure
	 * nothing it made is left. */
	int (*create)(struct cgroup *cg, const struct cgroup_spec *spec, lxcmgr_error **err);
	/* Moves process PID into the payload or monitor cgroup everywhere. */
	int (*enter)(struct cgroup *cg, enum cgroup_which which, pid_t pid, lxcmgr_error **err);
	/* FILE ("memory.limit_in_bytes") of the payload cgroup, for a key of
	 * cgroup VERSION (1: lxc.cgroup.*, 2: lxc.cgroup2.*, 0: the host's own
	 * kind, as lxc-cgroup asks). */
	int (*set)(struct cgroup *cg, unsigned version, const char *file, const char *value,
		   lxcmgr_error **err);
	int (*get)(struct cgroup *cg, unsigned version, const char *file, char **value,
		   lxcmgr_error **err);
	/* A key of the other cgroup version (VERSION) as this host's: the
	 * file and value of the same limit (malloc'd). NULL: none. */
	int (*translate)(struct cgroup *cg, unsigned version, const char *file,
			 const char *value, char **file_out, char **value_out,
			 lxcmgr_error **err);
	/* The payload directory holding FILE (malloc'd), or -ENOENT. */
	int (*dir_of)(struct cgroup *cg, unsigned version, const char *file, char **dir);
	/* SIGKILL to every process in the payload cgroup and below, and waits
	 * until they are gone. */
	int (*kill)(struct cgroup *cg, lxcmgr_error **err);
	/* Starts killing every process in the payload cgroup and below, at
	 * once and without waiting (cgroup2's cgroup.kill); -EOPNOTSUPP when
	 * the backend or kernel cannot (NULL: v1). */
	int (*kill_now)(struct cgroup *cg);
	/* Removes the payload and monitor cgroups (children first) and the
	 * parents create made, each once it is empty (the last processes of a
	 * kill may still be exiting): cgroup2's cgroup.events tells, v1's
	 * cgroup.procs is read again; 10 s in all at most, then -EBUSY naming
	 * the cgroup still in use. The caller must not be in them. */
	int (*remove)(struct cgroup *cg, lxcmgr_error **err);
	/* Applies what set only collected (v2: the device rules, as one BPF
	 * program); NULL when set does it all. Called once, after the last set. */
	int (*commit)(struct cgroup *cg, lxcmgr_error **err);
	/* Freezes (FROZEN true) or thaws the payload cgroup and returns at
	 * once; -ENODEV with *err when there is no freezer. */
	int (*freeze)(struct cgroup *cg, bool frozen, lxcmgr_error **err);
	/* LXCMGR_STATE_FROZEN, _FREEZING or _RUNNING (thawed), or -errno. */
	int (*freezer_state)(struct cgroup *cg, lxcmgr_error **err);
	/* Resource use of the payload cgroup; -ENOENT when it has none. */
	int (*stats)(const struct cgroup *cg, unsigned want, struct lxcmgr_stats *st);
	/* A devices.allow or devices.deny write to a running container, where
	 * the backend keeps the rules (v2: replaces the program); NULL when
	 * the file is written as any other (v1). */
	int (*change_devices)(struct cgroup *cg, const char *file, const char *value,
			      lxcmgr_error **err);
};

/* ------------------------------------------------- device rules (v2) */

#define CGROUP_DEV_MKNOD 1u /* BPF_DEVCG_ACC_MKNOD */
#define CGROUP_DEV_READ 2u  /* BPF_DEVCG_ACC_READ */
#define CGROUP_DEV_WRITE 4u /* BPF_DEVCG_ACC_WRITE */
#define CGROUP_DEV_RWM 7u

/* One devices.allow or devices.deny value: "c 1:3 rwm", "b 8:* m", "a". */
struct cgroup_dev_rule {
	char type;           /* 'a' (both), 'b', 'c' */
	int64_t major;       /* -1: any */
	int64_t minor;       /* -1: any */
	unsigned access;     /* CGROUP_DEV_* bits */
	bool allow;
};

/* As cgroup v1 keeps them: a default, and the exceptions to it (each
 * with allow = !deny_by_default; see devices.c). */
struct cgroup_devices {
	struct cgroup_dev_rule *rules;
	size_t n;
	bool deny_by_default;
	bool used;           /* a rule was given: a program is due */
};

struct cgroup {
	enum cgroup_layout layout;
	const struct cgroup_ops *ops;
	struct cgroup_hier *hiers;
	size_t n_hiers;
	char *pivot;      /* spec->pivot, kept for cgroup_leave */
	char *payload;    /* the payload cgroup as made, relative to the base
			   * ("lxcmgr.payload.web-1" when the name was taken) */
	struct cgroup_devices devices; /* v2: the device rules in force */
	int dev_prog;     /* v2: the attached device program's fd, or -1 */
	char *base_enabled; /* an ordinary user's start on cgroup2: the controllers it
			     * enabled in the base's cgroup.subtree_control ("cpu memory
			     * pids"), turned off again when the last cgroup below goes
			     * (cgroup_take_base); NULL: none */
	bool monitor_entered; /* the monitor (and lxc-start) are in the monitor cgroup */
	pid_t starter;      /* lxc-start, which cgroup_take_base moved with the monitor
			     * while it waits for the result; 0: none */
};

/* ---------------------------------------------------------------- API */

/* The layout of /sys/fs/cgroup (statfs; a tmpfs is looked into). */
enum cgroup_layout cgroup_layout_detect(void);
const char *cgroup_layout_name(enum cgroup_layout layout);

/* Detects the hierarchies. -ENOENT (with *err) when no cgroups are mounted. */
int cgroup_open(struct cgroup **cg, lxcmgr_error **err);
void cgroup_free(struct cgroup *cg);
/* Frees what one hierarchy of a cgroup holds (not the entry itself). */
void cgroup_hier_clear(struct cgroup_hier *h);

int cgroup_create(struct cgroup *cg, const struct cgroup_spec *spec, lxcmgr_error **err);
int cgroup_enter(struct cgroup *cg, enum cgroup_which which, pid_t pid, lxcmgr_error **err);
int cgroup_set(struct cgroup *cg, unsigned version, const char *file, const char *value,
	       lxcmgr_error **err);
int cgroup_get(struct cgroup *cg, unsigned version, const char *file, char **value,
	       lxcmgr_error **err);
int cgroup_dir_of(struct cgroup *cg, unsigned version, const char *file, char **dir);
/* -EOPNOTSUPP (no *err) when the backend translates nothing. */
int cgroup_translate(struct cgroup *cg, unsigned version, const char *file, const char *value,
		     char **file_out, char **value_out, lxcmgr_error **err);
/* After the last cgroup_set of a start: what the backend collected. */
int cgroup_commit(struct cgroup *cg, lxcmgr_error **err);
int cgroup_kill(struct cgroup *cg, lxcmgr_error **err);
int cgroup_kill_now(struct cgroup *cg);
int cgroup_remove(struct cgroup *cg, lxcmgr_error **err);
int cgroup_freeze(struct cgroup *cg, bool frozen, lxcmgr_error **err);
int cgroup_freezer_state(struct cgroup *cg, lxcmgr_error **err);
/* devices.allow or devices.deny (FILE) = VALUE for a running container:
 * -EOPNOTSUPP (no *err) when the file is to be written as it is (v1). */
int cgroup_change_devices(struct cgroup *cg, const char *file, const char *value,
			  lxcmgr_error **err);
/* Fields the host does not give stay LXCMGR_STAT_UNKNOWN (age_ns too:
 * the caller knows when the cgroups were made); so may those not in WANT
 * (LXCMGR_STATS_*), whose files are not read. */
int cgroup_stats(const struct cgroup *cg, unsigned want, struct lxcmgr_stats *st);

/* For a container an ordinary user starts (beneath the caller's cgroups,
 * delegate.c): checks that the caller's cgroup of each hierarchy is the
 * user's to make cgroups in. One that is not is an error naming it and
 * the fix when the container cannot do without it (cgroup2, name=systemd);
 * a v1 controller's goes to *SKIP (its directory, a strv) for cgroup_drop. */
int cgroup_delegation(const struct cgroup *cg, char ***skip, lxcmgr_error **err);
/* Forgets the hierarchies whose caller's cgroup directory is in DIRS. */
void cgroup_drop(struct cgroup *cg, char *const *dirs);

/* An ordinary user's start on cgroup2 (delegate.c). The caller's cgroup,
 * the base, can enable controllers for its children only while no process
 * is in it (the kernel's no-internal-processes rule), as LXC does it: the
 * monitor moves into its monitor cgroup, with STARTER (lxc-start, waiting
 * for the result; 0: none), then every controller the base has is enabled
 * in its cgroup.subtree_control (cg->base_enabled) and down to the payload.
 * -EBUSY naming the others when other processes are still in the base. */
int cgroup_take_base(struct cgroup *cg, pid_t starter, lxcmgr_error **err);
/* "PID (COMM), ..." of the processes in DIR's cgroup.procs but SELF, in
 * *OTHERS (malloc'd; NULL when there are none). */
int cgroup_procs_others(const char *dir, pid_t self, char **others);
/* After a take: the payload cgroup is removed, then the controllers are
 * turned off again if the monitor's cgroup is all that is left below the
 * base, and the monitor (with cg->starter if still there) goes back to the
 * base; otherwise to BASE/lxcmgr.pivot (made when missing; a later leave or
 * cgroup_restore_base removes it once unused). */
int cgroup_leave_base(struct cgroup *cg, lxcmgr_error **err);
/* Turns the base's controllers (cg->base_enabled) off once nothing is in
 * it or below it any more (a monitor that was killed; cgroup_remove). */
void cgroup_restore_base(struct cgroup *cg);

/* The monitor leaves its cgroup (to the pivot, else where it came from, else
 * the hierarchy's root), with lxc-start if a failed start left it there
 * (cg->starter), so that cgroup_remove can remove it. */
int cgroup_leave(struct cgroup *cg, lxcmgr_error **err);
/* Moves this process from cgroup FROM to TO, and cg->starter when it is in
 * FROM too. */
int cgroup_move_monitor(const struct cgroup *cg, const char *from, const char *to,
			lxcmgr_error **err);

/* v2: an fd of the payload directory for clone3's CLONE_INTO_CGROUP; -1 on
 * v1, where the parent moves the child with cgroup_enter instead. */
int cgroup_clone_fd(const struct cgroup *cg);

/* The cgroup.procs file of WHICH in every hierarchy, opened for writing
 * into FDS (cg->n_hiers entries; -1 where a hierarchy has none), for a
 * process that moves itself by writing "0" to each (cgroup_enter_self).
 * On failure none stays open. */
int cgroup_open_procs(const struct cgroup *cg, enum cgroup_which which, int *fds,
		      lxcmgr_error **err);
/* Writes "0" to each of FDS: async-signal-safe, no allocation. 0, or
 * -errno with *FAILED the index of the hierarchy that refused. */
int cgroup_enter_self(const struct cgroup *cg, const int *fds, size_t *failed);

/* The record: the layout and every hierarchy's paths, one line each. */
char *cgroup_to_record(const struct cgroup *cg);
int cgroup_from_record(const char *text, struct cgroup **cg);

/* ----------------------------------------------------- pure helpers */

/* The payload and monitor paths (relative to the base) from
 * lxc.cgroup.dir.container and .monitor (both or neither), else
 * lxc.cgroup.dir (DIR/lxcmgr.payload.NAME, DIR/lxcmgr.monitor.NAME), else
 * the system's lxc.cgroup.pattern, %n being NAME, for the payload (the
 * monitor goes beside it as lxcmgr.monitor.NAME). -EINVAL with *why
 * (static text) for a bad combination or path. */
int cgroup_paths(const char *pattern, const char *dir, const char *dir_container,
		 const char *dir_monitor, const char *name, char **payload, char **monitor,
		 const char **why);

/* A cgroup v1 FILE = VALUE as cgroup2's file and value of the same limit
 * (malloc'd): memory.limit_in_bytes -> memory.max, memory.memsw.limit_in_
 * bytes -> memory.swap.max (the swap part: minus MEMORY_MAX, the current
 * memory.max), cpu.shares -> cpu.weight (1024 -> 100), cpu.cfs_quota_us and
 * cpu.cfs_period_us -> their field of CPU_MAX (the current cpu.max),
 * blkio.weight -> io.weight (500 -> 100), cpuset.cpus, cpuset.mems and
 * pids.max as they are; -1 is max. -EOPNOTSUPP or -EINVAL with *why. */
int cgroup_v1_to_v2(const char *file, const char *value, const char *memory_max,
		    const char *cpu_max, char **file_out, char **value_out, const char **why);

/* The state a freezer's files give: v1 freezer.state; cgroup2's
 * cgroup.freeze and cgroup.events. LXCMGR_STATE_FROZEN, _FREEZING,
 * _RUNNING, or -EINVAL (v1) / -EOPNOTSUPP (v2: no "frozen" key). */
int cgroup_v1_freezer_state_from(const char *freezer_state);
int cgroup_v2_freezer_state_from(const char *freeze, const char *events);

/* Stats parsing. The number after "KEY " on a line of a flat keyed file
 * (cpu.stat, memory.stat, cpuacct.stat): 0 or -ENOENT. */
int cgroup_stat_key(const char *text, const char *key, uint64_t *out);
/* v1 blkio.throttle.io_service_bytes or .io_serviced: the Read and Write
 * lines of every device summed. -ENOENT when the text has none (nor a
 * Total line). */
int cgroup_v1_blkio_sum(const char *text, uint64_t *read, uint64_t *write);
/* cgroup2 io.stat: rbytes, wbytes and rios + wios of every device summed. */
void cgroup_v2_io_sum(const char *text, uint64_t *rbytes, uint64_t *wbytes, uint64_t *ios);
/* Every field LXCMGR_STAT_UNKNOWN. */
void cgroup_stats_init(struct lxcmgr_stats *st);

/* NULL when PATH is a usable relative cgroup path, else why not. */
const char *cgroup_path_problem(const char *path);

/* Our cgroup in the hierarchy whose /proc/self/cgroup controller field is
 * CONTROLLERS ("memory", "cpu,cpuacct", "name=systemd", "" for cgroup2),
 * from the text of /proc/self/cgroup (malloc'd; NULL when absent). */
char *cgroup_self_from(const char *proc_self_cgroup, const char *controllers);

/* A mountinfo line of a cgroup or cgroup2 mount: its mount point, root and
 * super options (all malloc'd). -ENOENT for other lines. */
int cgroup_mountinfo_line(const char *line, bool *unified, char **mount, char **root,
			  char **options);

/* devices.c. A devices.allow (ALLOW) or devices.deny VALUE as a rule;
 * -EINVAL with *why (static text). */
int cgroup_dev_rule_parse(const char *value, bool allow, struct cgroup_dev_rule *r,
			  const char **why);
/* Applies R to D as cgroup v1 would apply a write of it. */
int cgroup_dev_add(struct cgroup_devices *d, const struct cgroup_dev_rule *r);
void cgroup_devices_release(struct cgroup_devices *d);
int cgroup_devices_copy(const struct cgroup_devices *from, struct cgroup_devices *to);
/* D as a BPF_PROG_TYPE_CGROUP_DEVICE program (malloc'd instructions). */
struct bpf_insn;
int cgroup_dev_program(const struct cgroup_devices *d, struct bpf_insn **prog, size_t *len);
/* Loads D's program and attaches it to the cgroup directory DIR
 * (BPF_F_ALLOW_MULTI), in place of the program REPLACE (an fd; -1: none)
 * in one step. *PROG: the new program's fd (O_CLOEXEC), for a later
 * replacement. */
int cgroup_dev_attach(const char *dir, const struct cgroup_devices *d, int replace, int *prog,
		      lxcmgr_error **err);

/* ------------------------------------------- for the backends only */

extern const struct cgroup_ops cgroup_v1_ops;
extern const struct cgroup_ops cgroup_v2_ops;

/* Adds a hierarchy (taking MOUNT, ROOT, CONTROLLERS). */
int cgroup_add_hier(struct cgroup *cg, char *mount, char *root, char **controllers,
		    bool unified);
/* Hands each line of /proc/self/mountinfo to ONE (a backend's reader of
 * its mounts); WHAT names them in an error. */
int cgroup_scan_mounts(struct cgroup *cg, int (*one)(struct cgroup *cg, const char *line),
		       const char *what, lxcmgr_error **err);
/* Fills every hierarchy's self from /proc/self/cgroup. */
int cgroup_read_self(struct cgroup *cg, lxcmgr_error **err);
/* The directory of cgroup PATH ("/a/b") in H (malloc'd). */
char *cgroup_hier_dir(const struct cgroup_hier *h, const char *path);
/* Whether H has CONTROLLER. */
bool cgroup_hier_has(const struct cgroup_hier *h, const char *controller);

/* Called for each directory create makes, parents first; DIR is new. */
typedef int (*cgroup_init_dir_fn)(struct cgroup_hier *h, const char *dir, lxcmgr_error **err);
/* The common create: every hierarchy, payload and monitor, with a "-N"
 * suffix when the names are taken. */
int cgroup_create_dirs(struct cgroup *cg, const struct cgroup_spec *spec,
		       cgroup_init_dir_fn init, lxcmgr_error **err);
int cgroup_enter_all(struct cgroup *cg, enum cgroup_which which, pid_t pid,
		     lxcmgr_error **err);
int cgroup_remove_all(struct cgroup *cg, lxcmgr_error **err);
/* Removes the payload cgroup's tree only (its directory stays recorded:
 * cgroup_remove_all finds it gone and removes the parents it made). */
int cgroup_remove_payload_tree(struct cgroup *cg, lxcmgr_error **err);
/* v2.c: enables in DIR's cgroup.subtree_control all that DIR has; *ADDED
 * (when not NULL): what it enabled, space-separated. */
int cgroup_v2_enable(const char *dir, char **added, lxcmgr_error **err);
/* From BASE (or, with SKIP_BASE, its child) down to DIR's parent. */
int cgroup_v2_enable_along(const char *base, const char *dir, bool skip_base,
			   lxcmgr_error **err);
/* Sends SIGKILL to every process listed in the payload subtrees; returns
 * how many were listed (0: empty everywhere), or -errno. */
int cgroup_kill_listed(struct cgroup *cg);
/* Waits (bounded) for the payload subtrees to empty, killing again. */
int cgroup_kill_wait(struct cgroup *cg, lxcmgr_error **err);
/* The freezer and stats of every backend (freezer.c, stats.c): by kind of
 * hierarchy, so a hybrid host uses v1 controllers and cgroup2 files alike. */
int cgroup_freeze_all(struct cgroup *cg, bool frozen, lxcmgr_error **err);
int cgroup_freezer_state_all(struct cgroup *cg, lxcmgr_error **err);
int cgroup_stats_all(const struct cgroup *cg, unsigned want, struct lxcmgr_stats *st);
/* Writes or reads FILE in DIR, with errors naming the path. */
int cgroup_write(const char *dir, const char *file, const char *value, lxcmgr_error **err);
int cgroup_read(const char *dir, const char *file, char **value, lxcmgr_error **err);

#endif
