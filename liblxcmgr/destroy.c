/* lxc-destroy: destroy hooks, then the rootfs and the container directory,
 * without following symlinks and without crossing a mount point. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "ctx.h"
#include "hooks.h"
#include "net/net.h"
#include "run/cgroups.h"
#include "run/proto.h"
#include "run/start.h"
#include "storage.h"
#include "store.h"
#include "template.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/run.h"
#include "util/str.h"

/* The first mount point at or below PATH, from /proc/self/mountinfo. A
 * container being destroyed must have none: removing files through a bind
 * mount would delete the host's. Checked before anything is removed. */
static char *mount_below(const char *path)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	size_t len = strlen(path);
	char line[4096];

	while (f && fgets(line, sizeof(line), f)) {
		char mnt[4096];
		/* id parent major:minor root MOUNT-POINT ... */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		if (strncmp(mnt, path, len) == 0 && (mnt[len] == '/' || mnt[len] == '\0'))
			return strdup(mnt);
	}
	return NULL;
}

static int refuse_mounts(const char *path, lxcmgr_error **err)
{
	cleanup_free char *mounted = mount_below(path);

	if (!mounted)
		return 0;
	int ret = error_msg(err, EBUSY, "remove \"%s\": \"%s\" is a mount point", path,
			    mounted);
	error_hint(err, "unmount it, then run lxc-destroy again");
	return ret;
}

static int remove_tree(const char *path, lxcmgr_error **err)
{
	int ret = refuse_mounts(path, err);
	if (ret < 0)
		return ret;

	cleanup_free char *where = NULL;
	ret = rm_rf_at(AT_FDCWD, path, &where);

	if (ret == -EBUSY && where) {
		ret = error_msg(err, EBUSY, "remove \"%s\": \"%s\" is a mount point", path, where);
		error_hint(err, "unmount it, then run lxc-destroy again");
		return ret;
	}
	if (ret < 0)
		return error_set(err, -ret, "remove \"%s\"", path);
	return 0;
}

static bool inside(const char *path, const char *dir)
{
	size_t dl = strlen(dir);
	return strncmp(path, dir, dl) == 0 && (path[dl] == '/' || path[dl] == '\0');
}

/* PATH, a directory of the container's outside its directory. */
static int remove_outside(struct lxcmgr_container *c, const char *path, lxcmgr_error **err)
{
	if (inside(path, c->dir))
		return 0; /* removed with the directory */
	if (strcmp(path, "/") == 0 || path[0] != '/')
		return error_msg(err, EPERM, "refusing to remove rootfs \"%s\"", path);
	if (!path_exists(path))
		return 0;
	return remove_tree(path, err);
}

/* A rootfs outside the container directory (lxc-create --dir) goes too,
 * unless lxc.rootfs.managed = 0 says it is not ours. Of an overlay, only
 * the container's own layer (upper) and its work directory go: the lower
 * layers are shared (a template's cache) and never touched. */
static int remove_outside_rootfs(struct lxcmgr_container *c, lxcmgr_error **err)
{
	const char *managed = conf_value(c->conf, "lxc.rootfs.managed");
	const char *path = conf_value(c->conf, "lxc.rootfs.path");
	struct storage_spec spec;
	const char *why = NULL;
	int ret;

	if ((managed && strcmp(managed, "0") == 0) || !path)
		return 0;
	ret = storage_parse(path, &spec, &why);
	if (ret == -ENOMEM)
		return error_set(err, ENOMEM, "destroy");
	if (ret < 0) {
		log_warn(c->ctx, "rootfs left in place: lxc.rootfs.path: %s", why);
		return 0;
	}
	if (spec.type == STORAGE_DIR) {
		ret = remove_outside(c, spec.dir, err);
	} else {
		ret = remove_outside(c, spec.upper, err);
		ret = ret ?: remove_outside(c, spec.work, err);
	}
	storage_spec_clear(&spec);
	return ret;
}

/* An unprivileged container's rootfs holds files of its own ids, which
 * only its root may remove: rm runs in a user namespace with its maps, as
 * the create's template did. What is left (the directory, the config) is
 * the caller's and goes the usual way. */
static int remove_rootfs_in_userns(struct lxcmgr_container *c, lxcmgr_error **err)
{
	const char *managed = conf_value(c->conf, "lxc.rootfs.managed");
	const char *path = conf_value(c->conf, "lxc.rootfs.path");
	struct storage_spec spec;
	const char *why = NULL;
	int ret;

	if (!template_in_userns(c) || (managed && strcmp(managed, "0") == 0) || !path)
		return 0;
	ret = storage_parse(path, &spec, &why);
	if (ret == -ENOMEM)
		return error_set(err, ENOMEM, "destroy");
	if (ret < 0 || spec.type != STORAGE_DIR || !path_exists(spec.dir) ||
	    strcmp(spec.dir, "/") == 0 || spec.dir[0] != '/') {
		storage_spec_clear(&spec);
		return 0; /* the steps after this one say what is wrong */
	}
	char *argv[] = { (char *)"rm", (char *)"-rf", (char *)"--one-file-system", (char *)"--",
			 spec.dir, NULL };
	ret = refuse_mounts(spec.dir, err);
	ret = ret ?: template_userns_run(c, argv, NULL, RUN_QUIET, err);
	if (ret < 0)
		error_wrap(err, ret, "remove rootfs \"%s\" as the container's root", spec.dir);
	storage_spec_clear(&spec);
	return ret;
}

static int destroy_locked(struct lxcmgr_container *c, unsigned flags, lxcmgr_error **err)
{
	enum partial_state partial = store_partial_state(c->dir);
	lxcmgr_error *load_err = NULL;
	int ret;

	if (!path_exists(c->dir))
		return error_msg(err, ENOENT, "no container \"%s\" in \"%s\"", c->name,
				 c->ctx->lxcpath);
	if (partial == PARTIAL_ACTIVE)
		return error_msg(err, EBUSY, "container \"%s\" is being created by another "
				 "lxc-create", c->name);
	ret = refuse_mounts(c->dir, err);
	if (ret < 0)
		return ret;
	if (partial == PARTIAL_NONE && path_exists(c->config_path)) {
		ret = conf_load(c->conf, c->config_path, &load_err);
		if (ret < 0 && !(flags & LXCMGR_DESTROY_FORCE)) {
			error_msg(err, -ret, "%s", load_err->msg);
			lxcmgr_error_free(load_err);
			error_hint(err, "fix the config, or lxc-destroy -f removes the container "
				   "without running its destroy hooks");
			return ret;
		}
		lxcmgr_error_free(load_err);
		if (ret == 0) {
			ret = hooks_run(c, HOOK_DESTROY, 0, err);
			if (ret < 0)
				return error_wrap(err, ret, "destroy stopped");
			ret = remove_rootfs_in_userns(c, err);
			ret = ret ?: remove_outside_rootfs(c, err);
			if (ret < 0)
				return ret;
		}
	}
	ret = remove_tree(c->dir, err);
	if (ret == 0)
		log_info(c->ctx, "destroyed %s", c->dir);
	return ret;
}

/* Root, on an ordinary user's container: the pointer its monitor leaves
 * (proto.h) outlives the monitor only when it was killed, and then the
 * init, cgroups and records it left are in the user's runtime directory,
 * where root's own record is not. */
static bool users_monitor_killed(struct lxcmgr_container *c)
{
	cleanup_free char *sock = NULL;
	uid_t owner;

	return geteuid() == 0 && proto_pointer_read(c->ctx, c->name, &sock, &owner) == 0;
}

/* A running container (or one whose monitor was killed while its init
 * lives on) is never removed from under its processes: -f kills it first
 * (a user's, as that user: lxcmgr_container_stop). */
static int stop_if_running(struct lxcmgr_container *c, unsigned flags, lxcmgr_error **err)
{
	cleanup_free char *record = start_init_record_path(c->ctx, c->name);
	bool running = lxcmgr_container_state(c) != LXCMGR_STATE_STOPPED ||
		       (record && path_exists(record)) || users_monitor_killed(c);

	if (!running) {
		/* Cgroups a killed monitor could not remove go with the container. */
		run_cgroup_orphan(c, NULL);
		net_orphan(c, NULL);
		return 0;
	}
	if (!(flags & LXCMGR_DESTROY_FORCE)) {
		int ret = error_msg(err, EBUSY, "container \"%s\" is running", c->name);
		error_hint(err, "stop it first with lxc-stop -n %s, or lxc-destroy -f kills it", c->name);
		return ret;
	}
	lxcmgr_error *stop_err = NULL;
	int ret = lxcmgr_container_stop(c, 0, LXCMGR_STOP_KILL, &stop_err);
	/* "not running" here means it ended meanwhile, or its record was stale. */
	if (ret < 0 && ret != -ESRCH) {
		error_msg(err, -ret, "%s", stop_err->msg);
		lxcmgr_error_free(stop_err);
		return ret;
	}
	lxcmgr_error_free(stop_err);
	return 0;
}

int container_destroy_locked(struct lxcmgr_container *c, lxcmgr_error **err)
{
	return destroy_locked(c, 0, err);
}

LXCMGR_PUBLIC int lxcmgr_container_destroy(struct lxcmgr_container *c, unsigned flags,
					   lxcmgr_error **err)
{
	cleanup_close int lock_fd = -1;
	int ret = stop_if_running(c, flags, err);

	/* A monitor that has just reported STOPPED lets go of the lock as it
	 * exits: give it a moment. */
	for (int tries = 0; ret == 0; tries++) {
		lxcmgr_error *lock_err = NULL;
		ret = store_lock(c->ctx, c->name, &lock_fd, &lock_err);
		if (ret != -EBUSY || tries == 50) {
			if (ret < 0)
				error_msg(err, -ret, "%s", lock_err->msg);
			lxcmgr_error_free(lock_err);
			break;
		}
		lxcmgr_error_free(lock_err);
		ret = 0;
		sleep_ms(100);
	}

	if (ret < 0)
		return ret;
	ret = destroy_locked(c, flags, err);
	if (ret == 0) {
		conf_free(c->conf);
		c->conf = conf_new();
		if (c->conf)
			conf_set_path(c->conf, c->config_path);
	}
	return ret;
}
