/* The cgroup2 backend, for unified hosts: one hierarchy. A cgroup gets a
 * controller only when its parent lists it in cgroup.subtree_control, so
 * creating the container's cgroups enables every available controller
 * from the base down to their parents. cgroup2's "no internal processes"
 * rule makes that fail (EBUSY) in a cgroup that has processes of its own,
 * other than the root: the error says so.
 *
 * init is cloned straight into its cgroup (CLONE_INTO_CGROUP, with the fd
 * from cgroup_clone_fd); cgroup.kill (Linux 5.14) empties it at once.
 * Device rules (a BPF program) and the translation of v1 keys come later. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

/* The cgroup2 mount: the one at /sys/fs/cgroup, else the first. */
static int v2_mount(struct cgroup *cg, const char *line)
{
	cleanup_free char *mount = NULL, *root = NULL, *options = NULL, *list = NULL;
	bool unified;

	if (cgroup_mountinfo_line(line, &unified, &mount, &root, &options) < 0 || !unified)
		return 0;
	if (cg->n_hiers && strcmp(mount, CGROUP_MOUNT) != 0)
		return 0;
	cgroup_read(mount, "cgroup.controllers", &list, NULL);
	char **ctrls = str_split(list ? list : "", " \n");
	if (!ctrls)
		return -ENOMEM;
	if (cg->n_hiers) { /* replaces an earlier one, mounted elsewhere */
		strv_free(ctrls);
		free(cg->hiers[0].mount);
		free(cg->hiers[0].root);
		cg->hiers[0].mount = steal_ptr(mount);
		cg->hiers[0].root = steal_ptr(root);
		return 0;
	}
	return cgroup_add_hier(cg, steal_ptr(mount), steal_ptr(root), ctrls, true);
}

static int v2_detect(struct cgroup *cg, lxcmgr_error **err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	if (!f)
		return error_set(err, errno, "open \"/proc/self/mountinfo\"");
	while (getline(&line, &cap, f) > 0) {
		int ret = v2_mount(cg, line);
		if (ret < 0)
			return error_set(err, -ret, "cgroup2 hierarchy");
	}
	return cg->n_hiers ? cgroup_read_self(cg, err) : 0;
}

/* Enables in DIR's cgroup.subtree_control every controller DIR has that
 * is not enabled yet. */
static int enable_controllers(const char *dir, lxcmgr_error **err)
{
	cleanup_free char *avail = NULL, *enabled = NULL;
	int ret = cgroup_read(dir, "cgroup.controllers", &avail, err);

	ret = ret ?: cgroup_read(dir, "cgroup.subtree_control", &enabled, err);
	if (ret < 0)
		return ret;
	cleanup_free char **have = str_words(enabled, " \n");
	cleanup_free char **want = str_words(avail, " \n");
	if (!have || !want)
		return error_set(err, ENOMEM, "cgroups");
	for (size_t i = 0; want[i]; i++) {
		cleanup_free char *plus = str_printf("+%s", want[i]);
		if (strv_contains(have, want[i]))
			continue;
		ret = plus ? cgroup_write(dir, "cgroup.subtree_control", plus, err)
			   : error_set(err, ENOMEM, "cgroups");
		if (ret == -EBUSY)
			error_hint(err, "on cgroup2 a cgroup with processes of its own cannot pass "
				   "controllers on; start the container from a cgroup of its own "
				   "(e.g. systemd-run --scope -p Delegate=yes) or without "
				   "lxc.cgroup.relative");
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* From the base down to DIR's parent. */
static int enable_along(const char *base, const char *dir, lxcmgr_error **err)
{
	size_t len = strlen(base);
	cleanup_free char *p = strdup(dir);

	if (!p)
		return error_set(err, ENOMEM, "cgroups");
	if (strncmp(p, base, len) != 0)
		return error_msg(err, EINVAL, "cgroup \"%s\" is not below \"%s\"", dir, base);
	for (char *s = p + len;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (*s == '\0')
			return 0; /* the leaf itself keeps its processes */
		*s = '\0';
		int ret = enable_controllers(p, err);
		if (ret < 0)
			return ret;
		*s = '/';
	}
}

static int v2_create(struct cgroup *cg, const struct cgroup_spec *spec, lxcmgr_error **err)
{
	struct cgroup_hier *h = &cg->hiers[0];
	int ret = cgroup_create_dirs(cg, spec, NULL, err);
	cleanup_free char *base = ret == 0 ? cgroup_hier_dir(h, spec->relative ? h->self : "/")
					   : NULL;

	if (ret < 0)
		return ret;
	ret = base ? 0 : error_msg(err, ENOENT, "our cgroup is outside the cgroup2 mount");
	/* The base itself too: its parent enabled them for it, or it is the
	 * root; an empty suffix walks nothing but the base. */
	for (int w = 0; ret == 0 && w < 2; w++)
		ret = enable_along(base, h->dirs[w], err);
	if (ret < 0)
		cgroup_remove_all(cg, NULL);
	return ret;
}

/* lxc.cgroup.* (v1) keys name files cgroup2 does not have. */
static int v1_key(const char *file, lxcmgr_error **err)
{
	return error_msg(err, EOPNOTSUPP,
			 "this host has only cgroup2 (unified layout): lxc.cgroup.%s is a cgroup "
			 "v1 file; use the lxc.cgroup2.* key of the same limit",
			 file);
}

static int v2_set(struct cgroup *cg, unsigned version, const char *file, const char *value,
		  lxcmgr_error **err)
{
	const char *dir = cg->hiers[0].dirs[CGROUP_PAYLOAD];

	if (version == 1)
		return v1_key(file, err);
	if (str_starts_with(file, "devices."))
		return error_msg(err, EOPNOTSUPP, "not supported yet: cgroup2 has no devices files; "
				 "device rules on cgroup2 (a BPF program) come later");
	if (strchr(file, '/'))
		return error_msg(err, EINVAL, "\"%s\" is not a cgroup file", file);
	int ret = cgroup_write(dir, file, value, err);
	if (ret == -ENOENT) {
		cleanup_free char *ctrls = NULL;
		cgroup_read(dir, "cgroup.controllers", &ctrls, NULL);
		error_hint(err, "the container's cgroup has the controllers: %s",
			   ctrls && *ctrls ? ctrls : "none");
	}
	return ret;
}

static int v2_get(struct cgroup *cg, unsigned version, const char *file, char **value,
		  lxcmgr_error **err)
{
	if (version == 1)
		return v1_key(file, err);
	if (strchr(file, '/'))
		return error_msg(err, EINVAL, "\"%s\" is not a cgroup file", file);
	return cgroup_read(cg->hiers[0].dirs[CGROUP_PAYLOAD], file, value, err);
}

static int v2_dir_of(struct cgroup *cg, unsigned version, const char *file, char **dir)
{
	if (version == 1 || strchr(file, '/') || !cg->n_hiers ||
	    !cg->hiers[0].dirs[CGROUP_PAYLOAD])
		return -ENOENT;
	*dir = strdup(cg->hiers[0].dirs[CGROUP_PAYLOAD]);
	return *dir ? 0 : -ENOMEM;
}

static int v2_kill(struct cgroup *cg, lxcmgr_error **err)
{
	const char *dir = cg->n_hiers ? cg->hiers[0].dirs[CGROUP_PAYLOAD] : NULL;

	/* cgroup.kill: the whole subtree, forks in flight included. Without
	 * it (before 5.14), killing what is listed until nothing is. */
	if (dir)
		cgroup_write(dir, "cgroup.kill", "1", NULL);
	return cgroup_kill_wait(cg, err);
}

const struct cgroup_ops cgroup_v2_ops = {
	.name = "v2",
	.detect = v2_detect,
	.create = v2_create,
	.enter = cgroup_enter_all,
	.set = v2_set,
	.get = v2_get,
	.dir_of = v2_dir_of,
	.kill = v2_kill,
	.remove = cgroup_remove_all,
};
