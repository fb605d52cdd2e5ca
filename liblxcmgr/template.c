#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "container.h"
#include "ctx.h"
#include "security/subid.h"
#include "security/idmap.h"
#include "template.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"
#include "util/run.h"
#include "util/str.h"

#define LXC_TEMPLATE_DIR "/usr/share/lxc/templates"

/* "busybox, debian, ..." from the template directory, for error messages. */
static char *available_templates(const char *dir)
{
	cleanup_closedir DIR *d = opendir(dir);
	cleanup_strv char **names = calloc(1, sizeof(*names));
	struct dirent *de;

	if (!d || !names)
		return NULL;
	while ((de = readdir(d)))
		if (str_starts_with(de->d_name, "lxc-") && strv_push_dup(&names, de->d_name + 4) < 0)
			return NULL;
	return strv_join(names, ", ");
}

int template_find(const struct lxcmgr_ctx *ctx, const char *template_name, char **path,
		  lxcmgr_error **err)
{
	const char *dirs[] = { ctx->template_dir, LXC_TEMPLATE_DIR };

	if (strchr(template_name, '/')) {
		if (access(template_name, X_OK) < 0)
			return error_set(err, errno, "template \"%s\"", template_name);
		*path = strdup(template_name);
		return *path ? 0 : error_set(err, ENOMEM, "template");
	}
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		cleanup_free char *p = str_printf("%s/lxc-%s", dirs[i], template_name);
		if (p && access(p, X_OK) == 0) {
			*path = steal_ptr(p);
			return 0;
		}
	}
	cleanup_free char *list = available_templates(ctx->template_dir);
	int ret = error_msg(err, ENOENT, "template \"%s\": no lxc-%s in \"%s\" or \"%s\"",
			    template_name, template_name, ctx->template_dir, LXC_TEMPLATE_DIR);
	if (list && *list)
		error_hint(err, "available: %s; or give a path", list);
	else
		error_hint(err, "give the template's path with -t");
	return ret;
}

/* The maps a template runs under. Root runs it in the initial namespace
 * and shifts the rootfs after it (template_shift_ownership); the maps only
 * give --mapped-uid/gid. An ordinary user cannot shift ownership, so the
 * template runs in a user namespace, as LXC runs it through lxc-usernsexec:
 * lxc.idmap plus the caller's own ids at the lowest ids the map leaves
 * free, so root inside owns what the template makes, and the caller's
 * container directory and config stay writable to it. */
static int template_maps(struct lxcmgr_container *c, char ***lines)
{
	char *const *maps = conf_values(c->conf, "lxc.idmap");
	cleanup_strv char **out = calloc(1, sizeof(*out));
	int ret = out ? 0 : -ENOMEM;

	for (size_t i = 0; maps && maps[i]; i++)
		ret = ret ?: strv_push_dup(&out, maps[i]);
	if (ret == 0 && geteuid() != 0 && maps) {
		if (idmap_host_to_ns(out, 'u', geteuid()) < 0)
			ret = strv_push(&out, str_printf("u %lu %lu 1",
							 idmap_unmapped_nsid(out, 'u'),
							 (unsigned long)geteuid()));
		if (ret == 0 && idmap_host_to_ns(out, 'g', getegid()) < 0)
			ret = strv_push(&out, str_printf("g %lu %lu 1",
							 idmap_unmapped_nsid(out, 'g'),
							 (unsigned long)getegid()));
	}
	if (ret < 0)
		return ret;
	*lines = steal_ptr(out);
	return 0;
}

/* An ordinary user's create runs its helpers in a user namespace. */
bool template_in_userns(struct lxcmgr_container *c)
{
	return geteuid() != 0 && conf_values(c->conf, "lxc.idmap");
}

struct userns_spawn {
	char **lines;
	lxcmgr_error **err;
};

static pid_t fork_in_userns(void *data)
{
	struct userns_spawn *s = data;
	return userns_fork(s->lines, s->err);
}

int template_userns_run(struct lxcmgr_container *c, char *const *argv, char *const *env,
			unsigned run_flags, lxcmgr_error **err)
{
	cleanup_strv char **lines = NULL;
	struct userns_spawn data = { NULL, err };
	struct run_spawn spawn = { fork_in_userns, &data };
	struct run_result res;
	char what[600];
	int ret = template_maps(c, &lines);

	if (ret < 0)
		return error_set(err, -ret, "run \"%s\"", argv[0]);
	data.lines = lines;
	ret = run_helper_spawn(argv, env, run_flags, &spawn, &res);
	if (ret < 0 && err && *err)
		return error_wrap(err, ret, "user namespace from lxc.idmap");
	if (ret < 0)
		return error_set(err, -ret, "run \"%s\"", argv[0]);
	if (res.exit_status == 0 && res.term_signal == 0)
		return 0;
	run_describe(&res, what, sizeof(what));
	return error_msg(err, ECANCELED, "\"%s\" failed with %s", argv[0], what);
}

/* lxc.idmap as loaded: lxc-create's config was checked line by line. */
static int load_idmap(struct lxcmgr_container *c, struct idmap *m, lxcmgr_error **err)
{
	const char *why = NULL;
	size_t bad = 0;
	int ret = idmap_parse(conf_values(c->conf, "lxc.idmap"), m, &bad, &why);

	if (ret == -EINVAL)
		return error_msg(err, EINVAL, "lxc.idmap = %s: %s",
				 conf_values(c->conf, "lxc.idmap")[bad], why);
	return ret < 0 ? error_set(err, -ret, "lxc.idmap") : 0;
}

static int build_argv(struct lxcmgr_container *c, const char *path, const char *rootfs,
		      const char *const *user_args, char ***argv)
{
	cleanup_strv char **maps = NULL;
	int ret = template_maps(c, &maps);
	long uid = ret ? -1 : idmap_host_to_ns(maps, 'u', (unsigned long)geteuid());
	long gid = ret ? -1 : idmap_host_to_ns(maps, 'g', (unsigned long)getegid());

	ret = ret ?: strv_push_dup(argv, path);
	ret = ret ?: strv_push(argv, str_printf("--path=%s", c->dir));
	ret = ret ?: strv_push(argv, str_printf("--name=%s", c->name));
	ret = ret ?: strv_push(argv, str_printf("--rootfs=%s", rootfs));
	if (uid >= 0)
		ret = ret ?: strv_push(argv, str_printf("--mapped-uid=%ld", uid));
	if (gid >= 0)
		ret = ret ?: strv_push(argv, str_printf("--mapped-gid=%ld", gid));
	for (size_t i = 0; user_args && user_args[i]; i++)
		ret = ret ?: strv_push_dup(argv, user_args[i]);
	return ret;
}

/* In the user namespace, the rootfs the caller made becomes root's. */
static int give_rootfs_to_root(struct lxcmgr_container *c, const char *rootfs,
			       lxcmgr_error **err)
{
	char *argv[] = { (char *)"chown", (char *)"0:0", (char *)"--", (char *)rootfs, NULL };
	int ret = template_userns_run(c, argv, NULL, RUN_QUIET, err);

	if (ret == -ECANCELED)
		return error_wrap(err, ret, "give the rootfs to the container's root");
	return ret;
}

int template_run(struct lxcmgr_container *c, const char *path, const char *rootfs,
		 const char *const *user_args, const char *backing_store, unsigned flags,
		 lxcmgr_error **err)
{
	cleanup_strv char **argv = calloc(1, sizeof(*argv));
	cleanup_free char *store_env = backing_store ? str_printf("LXCMGR_BACKING_STORE=%s",
								  backing_store) : NULL;
	/* Where a template finds lxcmgr's helpers (lxc-local: lxcmgr-untar),
	 * and keeps its cache (configure --with-cache-path) unless the caller
	 * chose another. */
	char libexec_env[] = "LXCMGR_LIBEXEC_DIR=" LIBEXECDIR "/lxcmgr";
	char cache_env[] = "LXCMGR_CACHE_DIR=" CACHEPATH;
	char *env[] = { libexec_env, store_env, NULL, NULL };
	if (!getenv("LXCMGR_CACHE_DIR"))
		env[store_env ? 2 : 1] = cache_env;
	unsigned run_flags = RUN_PRIVATE_MOUNTS | ((flags & LXCMGR_CREATE_QUIET) ? RUN_QUIET : 0);
	struct run_result res;
	char what[600];
	struct idmap map cleanup_idmap = { 0 };
	int ret = load_idmap(c, &map, err);

	if (ret < 0)
		return ret;
	if (!argv || build_argv(c, path, rootfs, user_args, &argv) < 0 ||
	    (backing_store && !store_env))
		return error_set(err, ENOMEM, "run template");
	if (template_in_userns(c)) {
		log_info(c->ctx, "running template %s in a user namespace", path);
		ret = give_rootfs_to_root(c, rootfs, err);
		ret = ret ?: template_userns_run(c, argv, env, run_flags, err);
		return ret == -ECANCELED ? error_wrap(err, ret, "template") : ret;
	}
	log_info(c->ctx, "running template %s", path);
	ret = run_helper(argv, env, run_flags, &res);
	if (ret < 0)
		return error_set(err, -ret, "run template \"%s\"", path);
	if (res.exit_status == 0 && res.term_signal == 0)
		return 0;
	run_describe(&res, what, sizeof(what));
	return error_msg(err, ECANCELED, "template \"%s\" failed with %s", path, what);
}

/* ------------------------------------------------------ ownership shift */

/* nftw has no user data: the walk's state lives here for its duration. A
 * library has no global state otherwise; this is the callback's context. */
static __thread struct {
	const struct idmap *map;
	int error;
} shift_state;

static int shift_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)flag;
	(void)ftw;
	int64_t uid = idmap_to_host(shift_state.map, 'u', st->st_uid);
	int64_t gid = idmap_to_host(shift_state.map, 'g', st->st_gid);

	if (uid < 0 || gid < 0)
		return 0; /* unmapped ids stay; they show as nobody inside */
	if (lchown(path, (uid_t)uid, (gid_t)gid) < 0) {
		shift_state.error = errno;
		return 1;
	}
	return 0;
}

int template_shift_ownership(struct lxcmgr_container *c, const char *rootfs,
			     lxcmgr_error **err)
{
	struct idmap map cleanup_idmap = { 0 };
	int ret = load_idmap(c, &map, err);

	if (ret < 0 || idmap_empty(&map))
		return ret;
	shift_state.map = &map;
	shift_state.error = 0;
	ret = nftw(rootfs, shift_one, 64, FTW_PHYS | FTW_MOUNT);
	shift_state.map = NULL;
	if (ret != 0)
		return error_set(err, shift_state.error ? shift_state.error : errno,
				 "shift ownership of \"%s\" through lxc.idmap", rootfs);
	return 0;
}

LXCMGR_PUBLIC int lxcmgr_template_path(const struct lxcmgr_ctx *ctx, const char *template_name,
				       char **path, lxcmgr_error **err)
{
	return template_find(ctx, template_name, path, err);
}
