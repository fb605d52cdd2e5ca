/* The container object: paths, config items, listing and state. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "ctx.h"
#include "storage.h"
#include "store.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

static struct lxcmgr_container *container_alloc(struct lxcmgr_ctx *ctx, const char *name,
						 bool load, lxcmgr_error **err)
{
	struct lxcmgr_container *c;

	if (store_check_name(name, err) < 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		goto oom;
	c->refcount = 1;
	c->ctx = ctx;
	c->name = strdup(name);
	c->dir = str_printf("%s/%s", ctx->lxcpath, name);
	c->config_path = c->dir ? str_printf("%s/config", c->dir) : NULL;
	c->conf = conf_new();
	if (!c->name || !c->config_path || !c->conf)
		goto oom;
	conf_set_path(c->conf, c->config_path);
	if (load && store_partial_state(c->dir) == PARTIAL_NONE) {
		/* No config means not defined: an empty config, not an error. */
		lxcmgr_error *load_err = NULL;
		int ret = conf_load(c->conf, c->config_path, &load_err);
		if (ret < 0 && ret != -ENOENT) {
			if (err && !*err)
				*err = load_err;
			else
				lxcmgr_error_free(load_err);
			lxcmgr_container_put(c);
			return NULL;
		}
		lxcmgr_error_free(load_err);
	}
	return c;
oom:
	error_set(err, ENOMEM, "container \"%s\"", name);
	lxcmgr_container_put(c);
	return NULL;
}

LXCMGR_PUBLIC struct lxcmgr_container *lxcmgr_container_new(struct lxcmgr_ctx *ctx,
							    const char *name,
							    lxcmgr_error **err)
{
	return container_alloc(ctx, name, true, err);
}

LXCMGR_PUBLIC struct lxcmgr_container *lxcmgr_container_new_unloaded(struct lxcmgr_ctx *ctx,
								     const char *name,
								     lxcmgr_error **err)
{
	return container_alloc(ctx, name, false, err);
}

LXCMGR_PUBLIC void lxcmgr_container_get(struct lxcmgr_container *c)
{
	c->refcount++;
}

LXCMGR_PUBLIC void lxcmgr_container_put(struct lxcmgr_container *c)
{
	if (!c || --c->refcount > 0)
		return;
	conf_free(c->conf);
	lxcmgr_error_free(c->load_error);
	free(c->name);
	free(c->dir);
	free(c->config_path);
	free(c);
}

LXCMGR_PUBLIC const char *lxcmgr_container_name(const struct lxcmgr_container *c)
{
	return c->name;
}

LXCMGR_PUBLIC const char *lxcmgr_container_config_path(const struct lxcmgr_container *c)
{
	return c->config_path;
}

LXCMGR_PUBLIC bool lxcmgr_container_is_defined(const struct lxcmgr_container *c)
{
	return path_exists(c->config_path) && store_partial_state(c->dir) == PARTIAL_NONE;
}

LXCMGR_PUBLIC int lxcmgr_container_load_config(struct lxcmgr_container *c, const char *path,
					       lxcmgr_error **err)
{
	return conf_load(c->conf, path ? path : c->config_path, err);
}

LXCMGR_PUBLIC int lxcmgr_container_save_config(struct lxcmgr_container *c, const char *path,
					       lxcmgr_error **err)
{
	return conf_save(c->conf, path ? path : c->config_path, err);
}

LXCMGR_PUBLIC int lxcmgr_container_define(struct lxcmgr_container *c, const char *origin,
					  const char *line, lxcmgr_error **err)
{
	return conf_define(c->conf, origin ? origin : "define", line, err);
}

LXCMGR_PUBLIC int lxcmgr_container_get_item(struct lxcmgr_container *c, const char *key,
					    char **value, lxcmgr_error **err)
{
	return conf_get(c->conf, key, value, err);
}

LXCMGR_PUBLIC int lxcmgr_container_set_item(struct lxcmgr_container *c, const char *key,
					    const char *value, lxcmgr_error **err)
{
	return conf_set(c->conf, key, value ? value : "", err);
}

LXCMGR_PUBLIC int lxcmgr_container_clear_item(struct lxcmgr_container *c, const char *key,
					      lxcmgr_error **err)
{
	return conf_clear(c->conf, key, err);
}

LXCMGR_PUBLIC int lxcmgr_container_item_origin(struct lxcmgr_container *c, const char *key,
					       char **origin, lxcmgr_error **err)
{
	struct conf_origin o;

	if (conf_origin(c->conf, key, &o) < 0)
		return -ENOENT;
	*origin = str_printf("%s:%u", o.file, o.line);
	return *origin ? 0 : error_set(err, ENOMEM, "%s", key);
}

LXCMGR_PUBLIC int lxcmgr_container_get_keys(struct lxcmgr_container *c, char ***keys,
					    lxcmgr_error **err)
{
	*keys = conf_keys(c->conf);
	return *keys ? (int)strv_len(*keys) : error_set(err, ENOMEM, "list keys");
}

char *container_rootfs_dir(const struct lxcmgr_container *c, const char **why)
{
	const char *path = conf_value(c->conf, "lxc.rootfs.path");
	struct storage_spec spec;

	if (!path) {
		*why = "lxc.rootfs.path is not set";
		return NULL;
	}
	if (storage_parse(path, &spec, why) < 0)
		return NULL;
	if (spec.type != STORAGE_DIR) {
		*why = "lxc.rootfs.path is an overlay, not a directory";
		storage_spec_clear(&spec);
		return NULL;
	}
	return spec.dir; /* the only allocation */
}

/* ------------------------------------------------------------- listing */

/* Byte order, whatever the locale (alphasort uses strcoll). */
static int byte_order(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

LXCMGR_PUBLIC int lxcmgr_list_defined(struct lxcmgr_ctx *ctx, char ***names, lxcmgr_error **err)
{
	struct dirent **entries = NULL;
	char **out = calloc(1, sizeof(*out));
	int n, count = 0;

	if (!out)
		return error_set(err, ENOMEM, "list containers");
	n = scandir(ctx->lxcpath, &entries, NULL, byte_order);
	if (n < 0) {
		free(out);
		if (errno == ENOENT) {
			*names = calloc(1, sizeof(**names));
			return *names ? 0 : error_set(err, ENOMEM, "list containers");
		}
		return error_set(err, errno, "list containers in \"%s\"", ctx->lxcpath);
	}
	cleanup_close int dfd = open(ctx->lxcpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int open_errno = errno;
	for (int i = 0; i < n; i++) {
		const char *name = entries[i]->d_name;
		cleanup_free char *config = str_printf("%s/config", name);
		cleanup_free char *partial = str_printf("%s/partial", name);
		bool defined = out && dfd >= 0 && config && partial && name[0] != '.' &&
			       faccessat(dfd, config, F_OK, 0) == 0 &&
			       faccessat(dfd, partial, F_OK, 0) < 0;
		if (defined && strv_push_dup(&out, name) < 0) {
			strv_free(out);
			out = NULL;
		}
		count += defined;
		free(entries[i]);
	}
	free(entries);
	if (!out)
		return error_set(err, ENOMEM, "list containers in \"%s\"", ctx->lxcpath);
	if (dfd < 0) {
		strv_free(out);
		return error_set(err, open_errno, "open \"%s\"", ctx->lxcpath);
	}
	*names = out;
	return count;
}

/* -------------------------------------------------------------- state */

LXCMGR_PUBLIC const char *lxcmgr_state_name(int state)
{
	static const char *const names[] = { "STOPPED",  "STARTING", "RUNNING", "STOPPING",
					      "ABORTING", "FREEZING", "FROZEN",  "THAWED" };
	if (state < 0 || state > LXCMGR_STATE_THAWED)
		return "UNKNOWN";
	return names[state];
}


/* One entry of lxcmgr_list_containers(): NULL when it is not a defined
 * container (no config, an unfinished create, or a name we cannot use). */
static struct lxcmgr_container *list_one(struct lxcmgr_ctx *ctx, int dfd, const char *name)
{
	char partial[STORE_NAME_MAX + sizeof("/partial")];
	struct lxcmgr_container *c;

	if (name[0] == '.' || strlen(name) > STORE_NAME_MAX)
		return NULL;
	snprintf(partial, sizeof(partial), "%s/partial", name);
	if (faccessat(dfd, partial, F_OK, 0) == 0)
		return NULL;
	c = container_alloc(ctx, name, false, NULL);
	if (!c)
		return NULL;
	int ret = conf_load(c->conf, c->config_path, &c->load_error);
	if (ret == -ENOENT || ret == -ENOTDIR) {
		lxcmgr_container_put(c);
		return NULL;
	}
	return c;
}

LXCMGR_PUBLIC int lxcmgr_for_each_container(struct lxcmgr_ctx *ctx, lxcmgr_name_filter filter,
					    lxcmgr_container_fn fn, void *data,
					    lxcmgr_error **err)
{
	struct dirent **entries = NULL;
	int n = scandir(ctx->lxcpath, &entries, NULL, byte_order), count = 0;

	if (n < 0)
		return errno == ENOENT ? 0
				       : error_set(err, errno, "list containers in \"%s\"",
						   ctx->lxcpath);
	cleanup_close int dfd = open(ctx->lxcpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int open_errno = errno;
	for (int i = 0; i < n; i++) {
		const char *name = entries[i]->d_name;
		if (dfd >= 0 && count >= 0 && (!filter || filter(name, data))) {
			struct lxcmgr_container *c = list_one(ctx, dfd, name);
			if (c) {
				int ret = fn(c, data);
				count = ret < 0 ? ret : count + 1;
				lxcmgr_container_put(c);
			}
		}
		free(entries[i]);
	}
	free(entries);
	if (dfd < 0)
		return error_set(err, open_errno, "open \"%s\"", ctx->lxcpath);
	return count;
}

LXCMGR_PUBLIC const lxcmgr_error *lxcmgr_container_load_error(const struct lxcmgr_container *c)
{
	return c->load_error;
}
