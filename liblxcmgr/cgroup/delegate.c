/* Cgroups delegated to an ordinary user (see cgroup.h, cgroup_delegation).
 *
 * A user may make cgroups only where the directory is theirs (or
 * writable), and move a process only through a cgroup.procs they may
 * write: the caller's own cgroup must have been given to them, by systemd
 * (Delegate=yes) or by root (chown).
 *
 * On cgroup2 the container's cgroups get controllers only when the base
 * (the caller's cgroup) enables them for its children, which the kernel
 * allows only while no process is in it: the monitor and lxc-start move
 * out into the monitor cgroup first (cgroup_take_base). A cgroup with
 * controllers enabled takes no process in, so the monitor cannot go back
 * at its end: it turns them off again when its cgroups are the last ones
 * there, else it ends in BASE/lxcmgr.pivot (LXC's lxc.pivot). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

#define PIVOT "lxcmgr.pivot"

/* May we make cgroups in DIR and move processes through its cgroup.procs? */
static bool delegated(const char *dir)
{
	cleanup_free char *procs = str_printf("%s/cgroup.procs", dir);

	return procs && access(dir, W_OK | X_OK) == 0 && access(procs, W_OK) == 0;
}

/* The hierarchies a container cannot do without: the one cgroup2 tree,
 * and on a v1 host the process-tracking ones (name=systemd, a hybrid's
 * controller-less cgroup2). */
static bool required(const struct cgroup_hier *h)
{
	return h->unified || strv_contains(h->controllers, "name=systemd");
}

static int not_delegated(const struct cgroup *cg, const struct cgroup_hier *h, const char *dir,
			 lxcmgr_error **err)
{
	cleanup_free char *name = h->unified ? strdup("cgroup2") : strv_join(h->controllers, ",");
	int ret = error_msg(err, EACCES, "cgroup \"%s\" (%s, the caller's) is not delegated to "
			    "you: an ordinary user's container goes beneath it", dir,
			    name ? name : "?");

	if (cg->layout == CGROUP_LAYOUT_UNIFIED)
		error_hint(err, "start it in a delegated cgroup: systemd-run --user --scope "
			   "-p Delegate=yes lxc-start -n NAME");
	else
		error_hint(err, "as root, in each hierarchy: make a cgroup below \"%s\", chown "
			   "it, its cgroup.procs and tasks to USER, and start from inside it", dir);
	return ret;
}

int cgroup_delegation(const struct cgroup *cg, char ***skip, lxcmgr_error **err)
{
	*skip = NULL;
	for (size_t i = 0; i < cg->n_hiers; i++) {
		const struct cgroup_hier *h = &cg->hiers[i];
		cleanup_free char *dir = cgroup_hier_dir(h, h->self);

		if (!dir) {
			strv_free(steal_ptr(*skip));
			return error_msg(err, ENOENT, "cgroup \"%s\" is outside the hierarchy "
					 "mounted at \"%s\"", h->self, h->mount);
		}
		if (delegated(dir))
			continue;
		if (required(h)) {
			strv_free(steal_ptr(*skip));
			return not_delegated(cg, h, dir, err);
		}
		if (strv_push(skip, steal_ptr(dir)) < 0) {
			strv_free(steal_ptr(*skip));
			return error_set(err, ENOMEM, "cgroups");
		}
	}
	return 0;
}

void cgroup_drop(struct cgroup *cg, char *const *dirs)
{
	size_t kept = 0;

	for (size_t i = 0; i < cg->n_hiers; i++) {
		struct cgroup_hier *h = &cg->hiers[i];
		cleanup_free char *dir = cgroup_hier_dir(h, h->self);

		if (!dir || !strv_contains(dirs, dir)) {
			cg->hiers[kept++] = *h;
			continue;
		}
		cgroup_hier_clear(h);
	}
	cg->n_hiers = kept;
}

/* ------------------------------------------- cgroup2: the base's controllers */

int cgroup_procs_others(const char *dir, pid_t self, char **others)
{
	cleanup_free char *procs = NULL;
	cleanup_strv char **list = NULL;
	size_t n = 0;
	int ret = cgroup_read(dir, "cgroup.procs", &procs, NULL);

	*others = NULL;
	if (ret < 0)
		return ret;
	for (char *p = procs, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid <= 0 || pid == self || ++n > 3) /* three say enough */
			continue;
		char path[64];
		cleanup_free char *comm = NULL;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		if (file_read(path, 64, &comm, NULL) == 0)
			comm[strcspn(comm, "\n")] = '\0';
		if (strv_push(&list, str_printf("%ld (%s)", pid, comm ? comm : "?")) < 0)
			return -ENOMEM;
	}
	if (n > 3 && strv_push(&list, str_printf("%zu more", n - 3)) < 0)
		return -ENOMEM;
	if (list && !(*others = strv_join(list, ", ")))
		return -ENOMEM;
	return 0;
}

static struct cgroup_hier *unified_only(struct cgroup *cg)
{
	return cg->n_hiers == 1 && cg->hiers[0].unified ? &cg->hiers[0] : NULL;
}

int cgroup_take_base(struct cgroup *cg, pid_t starter, lxcmgr_error **err)
{
	struct cgroup_hier *h = unified_only(cg);
	cleanup_free char *base = h && h->self ? cgroup_hier_dir(h, h->self) : NULL;
	cleanup_free char *others = NULL, *added = NULL;
	cleanup_error lxcmgr_error *e = NULL;

	if (!base || !h->dirs[CGROUP_MONITOR] || !h->dirs[CGROUP_PAYLOAD])
		return error_msg(err, EINVAL, "cgroup2: no base to enable controllers in");
	/* This process first: what it forks from here on starts out there. */
	int ret = cgroup_enter_all(cg, CGROUP_MONITOR, getpid(), err);
	if (ret < 0)
		return error_wrap(err, ret, "move the monitor into its cgroup");
	cg->monitor_entered = true;
	if (starter > 0 && (ret = cgroup_enter_all(cg, CGROUP_MONITOR, starter, &e)) < 0 &&
	    ret != -ESRCH)
		return error_msg(err, -ret, "move lxc-start into the monitor's cgroup: %s",
				 e && e->msg ? e->msg : strerror(-ret));
	if (starter > 0 && ret == 0)
		cg->starter = starter;
	if ((ret = cgroup_procs_others(base, 0, &others)) < 0)
		return error_set(err, -ret, "read \"%s/cgroup.procs\"", base);
	if (others)
		return error_msg(err, EBUSY, "cgroup2: no controller can be enabled for the "
				 "children of \"%s\" (the caller's cgroup): other processes are "
				 "in it: %s", base, others);
	if ((ret = cgroup_v2_enable(base, &added, err)) < 0)
		return ret;
	if (*added)
		cg->base_enabled = steal_ptr(added);
	/* Directories between the base and the container's, if any. */
	for (int w = 0; w < 2; w++)
		if ((ret = cgroup_v2_enable_along(base, h->dirs[w], true, err)) < 0)
			return ret;
	return 0;
}

/* Whether DIR has no subdirectory but NAME (LEN bytes). */
static bool only_subdir(const char *dir, const char *name, size_t len)
{
	cleanup_closedir DIR *d = opendir(dir);
	size_t n = 0;

	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_type != DT_DIR || str_eq(e->d_name, ".") || str_eq(e->d_name, ".."))
			continue;
		if (strlen(e->d_name) != len || strncmp(e->d_name, name, len) != 0)
			return false;
		n++;
	}
	return d && n == 1;
}

/* Whether the path from BASE down to DIR is all there is below BASE
 * (DIR's own children aside). */
static bool sole_path(const char *base, const char *dir)
{
	size_t len = strlen(base);

	if (strncmp(dir, base, len) != 0 || dir[len] != '/')
		return false;
	for (const char *p = dir + len + 1; *p;) {
		size_t n = strcspn(p, "/");
		cleanup_free char *at = strndup(dir, (size_t)(p - dir) - 1);
		if (!at || !only_subdir(at, p, n))
			return false;
		p += n + (p[n] == '/');
	}
	return true;
}

/* Turns the controllers of LIST ("cpu memory") off in DIR, in one write. */
static int disable(const char *dir, const char *list, lxcmgr_error **err)
{
	cleanup_free char **words = str_words(list, " ");
	cleanup_strv char **minus = NULL;
	cleanup_free char *all = NULL;

	for (size_t i = 0; words && words[i]; i++)
		if (strv_push(&minus, str_printf("-%s", words[i])) < 0)
			return error_set(err, ENOMEM, "cgroups");
	if (!words || !minus || !(all = strv_join(minus, " ")))
		return error_set(err, ENOMEM, "cgroups");
	return cgroup_write(dir, "cgroup.subtree_control", all, err);
}

int cgroup_leave_base(struct cgroup *cg, lxcmgr_error **err)
{
	struct cgroup_hier *h = unified_only(cg);
	cleanup_free char *base = h && h->self ? cgroup_hier_dir(h, h->self) : NULL;
	cleanup_free char *pivot = base ? str_printf("%s/" PIVOT, base) : NULL;
	const char *mon = h ? h->dirs[CGROUP_MONITOR] : NULL;
	bool back = false;

	if (!pivot || !mon)
		return error_msg(err, EINVAL, "cgroup2: the monitor's cgroup is not known");
	/* First the payload's: then the monitor's may be all that is left. */
	int ret = cgroup_remove_payload_tree(cg, err);
	if (ret < 0)
		return ret;
	rmdir(pivot); /* an earlier monitor's, which has ended: fails while in use */
	back = sole_path(base, mon) && disable(base, cg->base_enabled, NULL) == 0;
	if (!back && mkdir(pivot, 0755) < 0 && errno != EEXIST)
		return error_set(err, errno, "create cgroup \"%s\"", pivot);
	ret = cgroup_move_monitor(cg, mon, back ? base : pivot, err);
	if (ret < 0)
		return error_wrap(err, ret, "move the monitor out of cgroup \"%s\"", mon);
	if (back) {
		free(cg->base_enabled);
		cg->base_enabled = NULL;
	}
	return 0;
}

void cgroup_restore_base(struct cgroup *cg)
{
	struct cgroup_hier *h = unified_only(cg);
	cleanup_free char *base = h && h->self ? cgroup_hier_dir(h, h->self) : NULL;
	cleanup_free char *pivot = base ? str_printf("%s/" PIVOT, base) : NULL;
	cleanup_free char *others = NULL;

	if (!cg->base_enabled || !pivot)
		return;
	rmdir(pivot);
	cleanup_closedir DIR *d = opendir(base);
	for (struct dirent *e; d && (e = readdir(d));)
		if (e->d_type == DT_DIR && !str_eq(e->d_name, ".") && !str_eq(e->d_name, ".."))
			return; /* another container's cgroups, or the pivot in use */
	if (!d || cgroup_procs_others(base, 0, &others) < 0 || others)
		return;
	if (disable(base, cg->base_enabled, NULL) == 0) {
		free(cg->base_enabled);
		cg->base_enabled = NULL;
	}
}
