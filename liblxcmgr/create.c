/* lxc-create: the container directory, its config and rootfs, then the
 * template. Everything made is removed again on any failure. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "ctx.h"
#include "storage.h"
#include "store.h"
#include "security/subid.h"
#include "template.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/run.h"
#include "util/str.h"

/* What a create has made so far, for the rollback. */
struct create_state {
	struct lxcmgr_container *c;
	bool made_dir;
	char *rootfs;      /* made by us when made_rootfs */
	bool made_rootfs;
	bool made_lxcpath;
	int partial_fd;
};

static int check_free(struct lxcmgr_container *c, lxcmgr_error **err)
{
	switch (store_partial_state(c->dir)) {
	case PARTIAL_ACTIVE:
		return error_msg(err, EBUSY, "container \"%s\" is being created by another "
				 "lxc-create", c->name);
	case PARTIAL_STALE:
		return error_msg(err, EEXIST, "an earlier lxc-create of \"%s\" was interrupted "
				 "and left \"%s\" (remove it with lxc-destroy -n %s)",
				 c->name, c->dir, c->name);
	case PARTIAL_NONE:
		break;
	}
	if (path_exists(c->config_path))
		return error_msg(err, EEXIST, "container \"%s\" already exists in \"%s\"", c->name,
				 c->ctx->lxcpath);
	if (path_exists(c->dir))
		return error_msg(err, EEXIST, "\"%s\" exists but holds no container config "
				 "(remove it or pick another name)", c->dir);
	return 0;
}

static const char *initial_config_path(const struct lxcmgr_container *c,
				       const struct lxcmgr_create_options *opts)
{
	if (opts->config_file)
		return opts->config_file;
	const char *def = system_config_value(&c->ctx->sys, "lxc.default_config");
	return def && *def && path_exists(def) ? def : NULL;
}

static char *header_text(const char *template_path, const struct lxcmgr_create_options *opts)
{
	cleanup_free char *args = opts->template_args
					  ? strv_join((char *const *)opts->template_args, " ")
					  : strdup("");
	if (!args)
		return NULL;
	return str_printf("# Made by lxc-create (lxcmgr %s) with template: %s\n"
			  "# Template arguments: %s\n"
			  "# Keys: lxcmgr.container.conf(5)\n\n",
			  PACKAGE_VERSION, template_path ? template_path : "none", args);
}

/* An ordinary user's container runs in a user namespace: without
 * lxc.idmap in its config it gets LXC's default map from the user's
 * subordinate ranges, written into the config. */
static int user_default_idmap(struct lxcmgr_container *c, lxcmgr_error **err)
{
	cleanup_strv char **lines = NULL;
	int ret;

	if (geteuid() == 0 || conf_values(c->conf, "lxc.idmap"))
		return 0;
	ret = subid_default_map(&lines, err);
	if (ret < 0)
		return error_wrap(err, ret, "an unprivileged container needs lxc.idmap, and the "
				  "default one");
	for (size_t i = 0; lines[i] && ret == 0; i++)
		ret = conf_set(c->conf, "lxc.idmap", lines[i], err);
	return ret;
}

/* The initial config: a header, then the text of -f (or default.conf) as
 * written, so its comments and includes stay; then lxc.rootfs.path. */
static int write_initial_config(struct create_state *st, const char *template_path,
				const struct lxcmgr_create_options *opts, lxcmgr_error **err)
{
	struct lxcmgr_container *c = st->c;
	const char *src = initial_config_path(c, opts);
	cleanup_free char *src_text = NULL;
	cleanup_free char *header = header_text(template_path, opts);
	cleanup_free char *rootfs_value = str_printf("dir:%s", st->rootfs);
	int ret;

	if (!header || !rootfs_value)
		return error_set(err, ENOMEM, "write config");
	if (src) {
		/* Load it on its own first, so errors name its own lines. */
		ret = conf_load(c->conf, src, err);
		if (ret < 0)
			return error_wrap(err, ret, "initial config");
		ret = file_read(src, 16 << 20, &src_text, NULL);
		if (ret < 0)
			return error_set(err, -ret, "read \"%s\"", src);
	}
	cleanup_free char *text = str_printf("%s%s", header, src_text ? src_text : "");
	if (!text)
		return error_set(err, ENOMEM, "write config");
	ret = conf_load_text(c->conf, c->config_path, text, err);
	if (ret < 0)
		return error_wrap(err, ret, "initial config");
	ret = conf_set(c->conf, "lxc.rootfs.path", rootfs_value, err);
	ret = ret ?: user_default_idmap(c, err);
	if (ret < 0)
		return ret;
	/* A new file, no fsync: until the create ends, the partial marker is
	 * what a crash leaves, and a later command removes it all. */
	cleanup_free char *rendered = conf_render(c->conf);
	if (!rendered)
		return error_set(err, ENOMEM, "write config");
	ret = file_write_new(c->config_path, rendered, strlen(rendered), 0640);
	return ret < 0 ? error_set(err, -ret, "write config \"%s\"", c->config_path) : 0;
}

static int make_dirs(struct create_state *st, lxcmgr_error **err)
{
	struct lxcmgr_container *c = st->c;
	int ret;

	st->made_lxcpath = !path_exists(c->ctx->lxcpath);
	ret = mkdir_p(c->ctx->lxcpath, 0755);
	if (ret < 0)
		return error_set(err, -ret, "create lxcpath \"%s\"", c->ctx->lxcpath);
	if (mkdir(c->dir, 0755) < 0)
		return error_set(err, errno, "create \"%s\"", c->dir);
	st->made_dir = true;
	ret = store_partial_begin(c->dir, &st->partial_fd, err);
	if (ret < 0)
		return ret;
	if (mkdir(st->rootfs, 0755) < 0) {
		if (errno != EEXIST || !path_is_dir(st->rootfs))
			return error_set(err, errno, "create rootfs \"%s\"", st->rootfs);
		return 0; /* --dir given an existing directory: it is not ours to remove */
	}
	st->made_rootfs = true;
	return 0;
}

static void rollback(struct create_state *st)
{
	struct lxcmgr_container *c = st->c;

	struct stat sb;
	if (st->made_rootfs && geteuid() != 0 && lstat(st->rootfs, &sb) == 0 &&
	    sb.st_uid != geteuid()) {
		/* The template ran in a user namespace and gave the rootfs to the
		 * container's root: only that root may remove its files. */
		char *argv[] = { (char *)"rm", (char *)"-rf", (char *)"--one-file-system",
				 (char *)"--", st->rootfs, NULL };
		lxcmgr_error *rm_err = NULL;
		if (template_userns_run(c, argv, NULL, RUN_QUIET, &rm_err) < 0)
			log_error(c->ctx, "could not remove \"%s\" after a failed create: %s",
				  st->rootfs, rm_err->msg);
		lxcmgr_error_free(rm_err);
	}
	if (st->made_rootfs && !str_starts_with(st->rootfs, c->dir))
		rm_rf_at(AT_FDCWD, st->rootfs, NULL);
	if (st->made_dir) {
		if (rm_rf_at(AT_FDCWD, c->dir, NULL) < 0)
			log_error(c->ctx, "could not remove \"%s\" after a failed create", c->dir);
	}
	if (st->partial_fd >= 0)
		close(st->partial_fd);
	st->partial_fd = -1;
	if (st->made_lxcpath)
		rmdir(c->ctx->lxcpath); /* only when empty: another create may use it now */
}

static int check_options(const struct lxcmgr_create_options *opts, lxcmgr_error **err)
{
	const char *b = opts->bdev_type;

	if (!opts->template_name || !*opts->template_name)
		return error_msg(err, EINVAL, "no template given (use -t NAME, -t PATH or -t none)");
	if (opts->rootfs_dir && opts->rootfs_dir[0] != '/')
		return error_msg(err, EINVAL, "--dir \"%s\" must be an absolute path",
				 opts->rootfs_dir);
	if (b && !str_eq(b, "dir") && !str_eq(b, "best") && !str_eq(b, "overlay") &&
	    !str_eq(b, "overlayfs"))
		return error_msg(err, ENOTSUP, "backing store \"%s\" is not supported yet (use -B "
				 "dir or -B overlay)", b);
	if (b && str_starts_with(b, "overlay") && str_eq(opts->template_name, "none"))
		return error_msg(err, EINVAL, "-B overlay needs a template that makes the layers "
				 "(such as -t debian)");
	if (b && str_starts_with(b, "overlay") && opts->rootfs_dir)
		return error_msg(err, EINVAL, "--dir names a directory rootfs; an overlay's layers "
				 "live in the container directory (drop --dir or use -B dir)");
	return 0;
}

/* -B as the template hears it: NULL (best: its choice), dir or overlay. */
static const char *backing_store(const struct lxcmgr_create_options *opts)
{
	const char *b = opts->bdev_type;

	if (!b || str_eq(b, "best"))
		return NULL;
	return str_starts_with(b, "overlay") ? "overlay" : "dir";
}

/* The template made what -B asked for: an overlay only where asked or left
 * to it, and its upper layer inside the container directory, which a
 * failed create or lxc-destroy removes. */
static int check_template_storage(struct lxcmgr_container *c,
				  const struct lxcmgr_create_options *opts, lxcmgr_error **err)
{
	const char *want = backing_store(opts);
	const char *v = conf_value(c->conf, "lxc.rootfs.path");
	struct storage_spec spec;
	const char *why = NULL;
	int ret = v ? storage_parse(v, &spec, &why) : 0;

	if (!v || ret == -EOPNOTSUPP)
		return 0; /* the start says what is wrong */
	if (ret < 0)
		return error_msg(err, -ret, "template \"%s\" wrote lxc.rootfs.path = %s: %s",
				 opts->template_name, v, why ? why : "out of memory");
	bool overlay = spec.type == STORAGE_OVERLAY;
	bool upper_inside = overlay && str_starts_with(spec.upper, c->dir) &&
			    spec.upper[strlen(c->dir)] == '/';
	storage_spec_clear(&spec);
	if (want && str_eq(want, "overlay") && !overlay)
		return error_msg(err, ENOTSUP, "template \"%s\" does not make overlay root file "
				 "systems (use -B dir)", opts->template_name);
	if (want && str_eq(want, "dir") && overlay)
		return error_msg(err, ENOTSUP, "template \"%s\" made an overlay although -B dir "
				 "was given", opts->template_name);
	if (overlay && !upper_inside)
		return error_msg(err, EINVAL, "template \"%s\" put the overlay's upper layer "
				 "outside \"%s\"", opts->template_name, c->dir);
	if (overlay && conf_values(c->conf, "lxc.idmap"))
		return error_msg(err, ENOTSUP, "lxc.idmap with an overlay rootfs is not supported "
				 "yet (use -B dir)");
	return 0;
}

static int create_locked(struct create_state *st, const struct lxcmgr_create_options *opts,
			 lxcmgr_error **err)
{
	struct lxcmgr_container *c = st->c;
	cleanup_free char *template_path = NULL;
	bool none = strcmp(opts->template_name, "none") == 0;
	int ret = check_free(c, err);

	if (ret == 0 && !none)
		ret = template_find(c->ctx, opts->template_name, &template_path, err);
	ret = ret ?: make_dirs(st, err);
	ret = ret ?: write_initial_config(st, template_path, opts, err);
	if (ret == 0 && !none)
		ret = template_run(c, template_path, st->rootfs, opts->template_args,
				   backing_store(opts), opts->flags, err);
	if (ret == 0 && !none) {
		/* The template appended to the config: it must load like any other. */
		ret = conf_load(c->conf, c->config_path, err);
		if (ret < 0)
			error_wrap(err, ret, "the config written by template \"%s\" does not load",
				   opts->template_name);
		ret = ret ?: check_template_storage(c, opts, err);
	}
	/* In a user namespace the template made the files with their ids. */
	if (!template_in_userns(c))
		ret = ret ?: template_shift_ownership(c, st->rootfs, err);
	return ret;
}

LXCMGR_PUBLIC int lxcmgr_container_create(struct lxcmgr_container *c,
					  const struct lxcmgr_create_options *opts,
					  lxcmgr_error **err)
{
	struct create_state st = { .c = c, .partial_fd = -1 };
	cleanup_close int lock_fd = -1;
	int ret = check_options(opts, err);

	ret = ret ?: store_lock(c->ctx, c->name, &lock_fd, err);
	if (ret < 0)
		return ret;
	st.rootfs = opts->rootfs_dir ? strdup(opts->rootfs_dir) : str_printf("%s/rootfs", c->dir);
	if (!st.rootfs)
		return error_set(err, ENOMEM, "create");
	ret = create_locked(&st, opts, err);
	if (ret < 0) {
		rollback(&st);
		conf_free(c->conf);
		c->conf = conf_new();
		if (c->conf)
			conf_set_path(c->conf, c->config_path);
	} else {
		store_partial_end(c->dir, st.partial_fd);
		log_info(c->ctx, "created in %s", c->dir);
	}
	free(st.rootfs);
	return ret;
}
