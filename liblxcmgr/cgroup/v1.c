/* The cgroup v1 backend, for legacy and hybrid hosts: a hierarchy per
 * mounted controller (co-mounted ones such as cpu,cpuacct share one), the
 * name=systemd hierarchy, and on a hybrid host the cgroup2 hierarchy
 * without controllers, which systemd (also a guest's) keeps its books in.
 * lxc.cgroup.* keys go to the hierarchy of their controller; lxc.cgroup2.*
 * keys only where the cgroup2 hierarchy has that controller. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

#define FREEZE_WAIT_MS 2000

/* The controllers a v1 mount may carry; its other options are flags. */
static const char *const v1_controllers[] = {
	"blkio", "cpu",     "cpuacct",  "cpuset",     "devices", "freezer", "hugetlb",
	"memory", "misc",   "net_cls",  "net_prio",   "perf_event", "pids",  "rdma", NULL,
};

static bool is_v1_controller(const char *word)
{
	for (size_t i = 0; v1_controllers[i]; i++)
		if (strcmp(v1_controllers[i], word) == 0)
			return true;
	return false;
}

/* The controllers of a v1 mount's super options ("rw,cpu,cpuacct"), in
 * /proc/self/cgroup's order (the kernel's, which these options follow). A
 * named hierarchy other than systemd's is not ours to use: NULL. */
static char **v1_mount_controllers(const char *options)
{
	cleanup_free char **words = str_words(options, ",");
	char **out = calloc(1, sizeof(*out));

	for (size_t i = 0; out && words && words[i]; i++) {
		if ((is_v1_controller(words[i]) || strcmp(words[i], "name=systemd") == 0) &&
		    strv_push_dup(&out, words[i]) < 0) {
			strv_free(out);
			return NULL;
		}
	}
	if (!out || !words || !out[0]) {
		strv_free(out);
		return NULL;
	}
	return out;
}

static bool same_controllers(const struct cgroup *cg, char **controllers)
{
	for (size_t i = 0; i < cg->n_hiers; i++)
		if (!cg->hiers[i].unified && controllers[0] &&
		    strv_contains(cg->hiers[i].controllers, controllers[0]))
			return true;
	return false;
}

static bool have_unified(const struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n_hiers; i++)
		if (cg->hiers[i].unified)
			return true;
	return false;
}

/* One mountinfo line; other file systems, and a hierarchy seen already
 * (bind mounts of it), are skipped. */
static int v1_mount(struct cgroup *cg, const char *line)
{
	cleanup_free char *mount = NULL, *root = NULL, *options = NULL;
	bool unified;

	if (cgroup_mountinfo_line(line, &unified, &mount, &root, &options) < 0)
		return 0;
	if (unified) {
		/* Hybrid: the first cgroup2 mount; its controllers (normally
		 * none) are those of its root. */
		if (have_unified(cg))
			return 0;
		cleanup_free char *list = NULL;
		cgroup_read(mount, "cgroup.controllers", &list, NULL);
		char **ctrls = str_split(list ? list : "", " \n");
		if (!ctrls)
			return -ENOMEM;
		return cgroup_add_hier(cg, steal_ptr(mount), steal_ptr(root), ctrls, true);
	}
	char **ctrls = v1_mount_controllers(options);
	if (!ctrls || same_controllers(cg, ctrls)) {
		strv_free(ctrls);
		return 0;
	}
	return cgroup_add_hier(cg, steal_ptr(mount), steal_ptr(root), ctrls, false);
}

static int v1_detect(struct cgroup *cg, lxcmgr_error **err)
{
	int ret = cgroup_scan_mounts(cg, v1_mount, "cgroup hierarchies", err);

	if (ret < 0)
		return ret;
	return cgroup_read_self(cg, err);
}

/* A new cpuset cgroup starts with no CPUs and no memory nodes, and a
 * process cannot join it then (ENOSPC): it gets its parent's. */
static int v1_init_dir(struct cgroup_hier *h, const char *dir, lxcmgr_error **err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	cleanup_free char *parent = strdup(dir);
	char *slash = parent ? strrchr(parent, '/') : NULL;

	if (!cgroup_hier_has(h, "cpuset"))
		return 0;
	if (!slash)
		return error_set(err, ENOMEM, "cgroups");
	*slash = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *mine = NULL, *theirs = NULL;
		int ret = cgroup_read(dir, files[i], &mine, err);
		if (ret == 0 && *str_trim(mine))
			continue;
		ret = ret ?: cgroup_read(parent, files[i], &theirs, err);
		ret = ret ?: cgroup_write(dir, files[i], theirs, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int v1_create(struct cgroup *cg, const struct cgroup_spec *spec, lxcmgr_error **err)
{
	return cgroup_create_dirs(cg, spec, v1_init_dir, err);
}

static bool unified_has(const struct cgroup *cg, const char *ctrl)
{
	for (size_t i = 0; i < cg->n_hiers; i++)
		if (cg->hiers[i].unified && cgroup_hier_has(&cg->hiers[i], ctrl))
			return true;
	return false;
}

/* The payload's own list in the cgroup2 hierarchy: this backend enables
 * no controller there (on a hybrid host it would mean writing to cgroups
 * above the container's, systemd's), so only those enabled already. */
static bool payload_has(const struct cgroup_hier *h, const char *ctrl)
{
	cleanup_free char *list = NULL;
	cleanup_free char **words = NULL;

	if (!h->dirs[CGROUP_PAYLOAD])
		return cgroup_hier_has(h, ctrl);
	if (cgroup_read(h->dirs[CGROUP_PAYLOAD], "cgroup.controllers", &list, NULL) < 0)
		return false;
	words = str_words(list, " \n");
	return words && strv_contains(words, ctrl);
}

/* The hierarchy of FILE ("memory.limit_in_bytes"): that of its controller
 * for VERSION 1; the cgroup2 one for VERSION 2 when it has the controller;
 * VERSION 0 tries both. NULL with *why otherwise. */
static struct cgroup_hier *v1_hier_for(struct cgroup *cg, unsigned version, const char *file,
				       char *why, size_t size)
{
	const char *dot = strchr(file, '.');
	cleanup_free char *ctrl = dot ? strndup(file, (size_t)(dot - file)) : NULL;

	if (!ctrl || strchr(file, '/')) {
		snprintf(why, size, "\"%s\" is not a controller file (CONTROLLER.FILE)", file);
		return NULL;
	}
	for (size_t i = 0; version != 2 && i < cg->n_hiers; i++)
		if (!cg->hiers[i].unified && cgroup_hier_has(&cg->hiers[i], ctrl))
			return &cg->hiers[i];
	for (size_t i = 0; version != 1 && i < cg->n_hiers; i++)
		if (cg->hiers[i].unified &&
		    (strcmp(ctrl, "cgroup") == 0 || payload_has(&cg->hiers[i], ctrl)))
			return &cg->hiers[i];
	if (unified_has(cg, ctrl))
		snprintf(why, size, "the %s controller is bound to this host's cgroup2 hierarchy "
			 "and not enabled for the container's cgroup there (lxcmgr enables no "
			 "cgroup2 controllers on a %s host)", ctrl,
			 cg->layout == CGROUP_LAYOUT_HYBRID ? "hybrid" : "legacy");
	else if (version == 2)
		snprintf(why, size, "the %s controller is not in this host's cgroup2 hierarchy "
			 "(%s layout: it is a cgroup v1 controller here); use the "
			 "lxc.cgroup.%s.* key of that limit",
			 ctrl, cg->layout == CGROUP_LAYOUT_HYBRID ? "hybrid" : "legacy", ctrl);
	else
		snprintf(why, size, "no cgroup v1 hierarchy with the %s controller is mounted "
			 "under " CGROUP_MOUNT, ctrl);
	return NULL;
}

static int v1_dir_of(struct cgroup *cg, unsigned version, const char *file, char **dir)
{
	char why[256];
	struct cgroup_hier *h = v1_hier_for(cg, version, file, why, sizeof(why));

	if (!h || !h->dirs[CGROUP_PAYLOAD])
		return -ENOENT;
	*dir = strdup(h->dirs[CGROUP_PAYLOAD]);
	return *dir ? 0 : -ENOMEM;
}

static int v1_set(struct cgroup *cg, unsigned version, const char *file, const char *value,
		  lxcmgr_error **err)
{
	char why[256];
	struct cgroup_hier *h = v1_hier_for(cg, version, file, why, sizeof(why));

	if (!h)
		return error_msg(err, EOPNOTSUPP, "%s", why);
	return cgroup_write(h->dirs[CGROUP_PAYLOAD], file, value, err);
}

static int v1_get(struct cgroup *cg, unsigned version, const char *file, char **value,
		  lxcmgr_error **err)
{
	char why[256];
	struct cgroup_hier *h = v1_hier_for(cg, version, file, why, sizeof(why));

	if (!h)
		return error_msg(err, EOPNOTSUPP, "%s", why);
	return cgroup_read(h->dirs[CGROUP_PAYLOAD], file, value, err);
}

/* Frozen, the processes cannot fork or exit while they are listed and
 * killed; the kills land when they thaw. */
static bool v1_freeze(struct cgroup_hier *h, const char *state)
{
	const char *dir = h->dirs[CGROUP_PAYLOAD];

	if (cgroup_write(dir, "freezer.state", state, NULL) < 0)
		return false;
	for (unsigned waited = 0; waited < FREEZE_WAIT_MS; waited += 5) {
		cleanup_free char *now = NULL;
		if (cgroup_read(dir, "freezer.state", &now, NULL) < 0)
			return false;
		if (strcmp(str_trim(now), state) == 0)
			return true;
		sleep_ms(5);
	}
	return false;
}

static int v1_kill(struct cgroup *cg, lxcmgr_error **err)
{
	struct cgroup_hier *freezer = NULL;

	for (size_t i = 0; i < cg->n_hiers; i++)
		if (!cg->hiers[i].unified && cgroup_hier_has(&cg->hiers[i], "freezer") &&
		    cg->hiers[i].dirs[CGROUP_PAYLOAD])
			freezer = &cg->hiers[i];
	if (freezer && v1_freeze(freezer, "FROZEN")) {
		cgroup_kill_listed(cg);
		v1_freeze(freezer, "THAWED");
	} else if (freezer) {
		cgroup_write(freezer->dirs[CGROUP_PAYLOAD], "freezer.state", "THAWED", NULL);
	}
	return cgroup_kill_wait(cg, err);
}

const struct cgroup_ops cgroup_v1_ops = {
	.name = "v1",
	.detect = v1_detect,
	.create = v1_create,
	.enter = cgroup_enter_all,
	.set = v1_set,
	.get = v1_get,
	.dir_of = v1_dir_of,
	.kill = v1_kill,
	.remove = cgroup_remove_all,
	.freeze = cgroup_freeze_all,
	.freezer_state = cgroup_freezer_state_all,
	.stats = cgroup_stats_all,
};
