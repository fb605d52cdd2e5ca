#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "container.h"
#include "ctx.h"
#include "hooks.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"
#include "util/run.h"
#include "util/str.h"

static const char *const type_names[HOOK_TYPES] = {
	[HOOK_PRE_START] = "pre-start", [HOOK_PRE_MOUNT] = "pre-mount",
	[HOOK_MOUNT] = "mount",         [HOOK_AUTODEV] = "autodev",
	[HOOK_START_HOST] = "start-host", [HOOK_START] = "start",
	[HOOK_STOP] = "stop",           [HOOK_POST_STOP] = "post-stop",
	[HOOK_CLONE] = "clone",         [HOOK_DESTROY] = "destroy",
};

const char *hook_type_name(enum hook_type type)
{
	return type < HOOK_TYPES ? type_names[type] : "?";
}

/* ------------------------------------------------------------- loading */

static int push_env(char ***env, const char *name, const char *value)
{
	return strv_push(env, str_printf("%s=%s", name, value ? value : ""));
}

static const char *rootfs_host_path(const char *rootfs)
{
	return rootfs && str_starts_with(rootfs, "dir:") ? rootfs + 4 : rootfs;
}

/* The variables every hook of the container gets, as LXC sets them. The
 * rootfs is bound onto itself for pivot_root (rootfs.c), so it is mounted
 * where it lies: that is LXC_ROOTFS_MOUNT. */
static int base_env(const struct lxcmgr_container *c, bool v1, char ***env)
{
	const char *rootfs = conf_value(c->conf, "lxc.rootfs.path");
	const char *console = conf_value(c->conf, "lxc.console.path");
	const char *console_log = conf_value(c->conf, "lxc.console.logfile");
	const char *level = conf_value(c->conf, "lxc.log.level");
	int ret = 0;

	ret = ret ?: push_env(env, "LXC_NAME", c->name);
	ret = ret ?: push_env(env, "LXC_CONFIG_FILE", c->config_path);
	ret = ret ?: push_env(env, "LXC_ROOTFS_PATH", rootfs);
	ret = ret ?: push_env(env, "LXC_ROOTFS_MOUNT", rootfs_host_path(rootfs));
	if (console)
		ret = ret ?: push_env(env, "LXC_CONSOLE", console);
	if (console_log)
		ret = ret ?: push_env(env, "LXC_CONSOLE_LOGPATH", console_log);
	ret = ret ?: push_env(env, "LXC_CGNS_AWARE", "1");
	ret = ret ?: push_env(env, "LXC_LOG_LEVEL", level ? level : "ERROR");
	ret = ret ?: push_env(env, "LXC_HOOK_VERSION", v1 ? "1" : "0");
	if (v1)
		ret = ret ?: push_env(env, "LXC_HOOK_SECTION", "lxc");
	return ret;
}

static int load_type(const struct lxcmgr_container *c, struct hook_set *h, enum hook_type type)
{
	cleanup_free char *key = str_printf("lxc.hook.%s", type_names[type]);
	char *const *values = key ? conf_values(c->conf, key) : NULL;
	const struct conf_origin *o = NULL;
	int n = key ? conf_origins(c->conf, key, &o) : 0;

	if (!key)
		return -ENOMEM;
	for (size_t i = 0; values && values[i]; i++) {
		char *origin = (int)i < n ? str_printf("%s:%u", o[i].file, o[i].line) : strdup("?");
		if (strv_push_dup(&h->commands[type], values[i]) < 0 ||
		    strv_push(&h->origins[type], origin) < 0)
			return -ENOMEM;
	}
	return 0;
}

int hook_set_load(const struct lxcmgr_container *c, struct hook_set *h, lxcmgr_error **err)
{
	int ret;

	memset(h, 0, sizeof(*h));
	h->v1 = str_eq(conf_value(c->conf, "lxc.hook.version"), "1");
	h->name = strdup(c->name);
	ret = h->name ? 0 : -ENOMEM;
	bool any = false;
	for (int t = 0; ret == 0 && t < HOOK_TYPES; t++) {
		ret = load_type(c, h, (enum hook_type)t);
		any = any || hook_set_has(h, (enum hook_type)t);
	}
	/* Most containers have no hooks: no environment to build for them. */
	if (ret == 0 && any)
		ret = base_env(c, h->v1, &h->env);
	if (ret < 0) {
		hook_set_release(h);
		return error_set(err, -ret, "container \"%s\": hooks", c->name);
	}
	return 0;
}

void hook_set_release(struct hook_set *h)
{
	free(h->name);
	strv_free(h->env);
	for (int t = 0; t < HOOK_TYPES; t++) {
		strv_free(h->commands[t]);
		strv_free(h->origins[t]);
	}
	memset(h, 0, sizeof(*h));
}

/* ------------------------------------------------------------- running */

static int append_all(char ***v, char *const *add)
{
	for (size_t i = 0; add && add[i]; i++)
		if (strv_push_dup(v, add[i]) < 0)
			return -ENOMEM;
	return 0;
}

/* The environment one run adds: the set's, then the call's. */
static char **run_env(const struct hook_set *h, enum hook_type type, const struct hook_call *call)
{
	char **env = calloc(1, sizeof(*env));
	int ret = env ? 0 : -ENOMEM;

	ret = ret ?: append_all(&env, call->base_env);
	ret = ret ?: append_all(&env, h->env);
	if (h->v1)
		ret = ret ?: push_env(&env, "LXC_HOOK_TYPE", type_names[type]);
	ret = ret ?: append_all(&env, call->env);
	if (ret < 0) {
		strv_free(env);
		return NULL;
	}
	return env;
}

static int run_argv(const struct hook_set *h, enum hook_type type, const char *command,
		    const struct hook_call *call, char ***argv)
{
	int ret = str_split_command(command, argv);

	if (ret == 0 && !(*argv)[0])
		ret = -EINVAL; /* the key table refuses empty commands; a guard */
	if (ret == 0 && !h->v1) {
		ret = ret ?: strv_push_dup(argv, h->name);
		ret = ret ?: strv_push_dup(argv, "lxc");
		ret = ret ?: strv_push_dup(argv, type_names[type]);
		ret = ret ?: append_all(argv, call->args);
	}
	return ret;
}

static int fail(struct hook_failure *f, enum hook_type type, int errnum, const char *what)
{
	snprintf(f->step, sizeof(f->step), "%s%s hook", errnum ? "run " : "", type_names[type]);
	snprintf(f->what, sizeof(f->what), "%s", what);
	f->errnum = errnum;
	return errnum ? -errnum : -ECANCELED;
}

static int run_one(const struct hook_set *h, enum hook_type type, size_t i,
		   const struct hook_call *call, char **env, struct hook_failure *f)
{
	const char *command = h->commands[type][i];
	cleanup_strv char **argv = NULL;
	struct run_result res;
	char what[sizeof(f->what)], status[sizeof(f->what) - 220];
	int ret = run_argv(h, type, command, call, &argv);

	snprintf(f->key, sizeof(f->key), "lxc.hook.%s", type_names[type]);
	snprintf(f->origin, sizeof(f->origin), "%s", h->origins[type][i]);
	snprintf(what, sizeof(what), "\"%s\"", command);
	if (ret < 0)
		return fail(f, type, -ret, what);
	unsigned flags = call->run_flags | (call->base_env ? RUN_CLEAR_ENV : 0);
	ret = run_helper_wait(argv, env, flags, call->waiter, &res);
	if (ret < 0)
		return fail(f, type, -ret, what);
	if (res.exit_status == 0 && res.term_signal == 0)
		return 0;
	run_describe(&res, status, sizeof(status));
	snprintf(what, sizeof(what), "\"%.200s\" failed with %s", command, status);
	return fail(f, type, 0, what);
}

int hooks_run_type(const struct hook_set *h, enum hook_type type, const struct hook_call *call,
		   struct hook_failure *f)
{
	static const struct hook_call none = { 0 };

	memset(f, 0, sizeof(*f));
	if (!hook_set_has(h, type))
		return 0;
	call = call ? call : &none;
	cleanup_strv char **env = run_env(h, type, call);
	if (!env)
		return fail(f, type, ENOMEM, "(environment)");
	for (size_t i = 0; h->commands[type][i]; i++) {
		int ret = run_one(h, type, i, call, env, f);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int hooks_run_set(const struct hook_set *h, enum hook_type type, const struct hook_call *call,
		  lxcmgr_error **err)
{
	struct hook_failure f;
	int ret = hooks_run_type(h, type, call, &f);

	if (ret == 0)
		return 0;
	if (f.errnum)
		ret = error_set(err, f.errnum, "%s %s", f.step, f.what);
	else
		ret = error_msg(err, ECANCELED, "%s %s", f.step, f.what);
	if (f.key[0])
		error_hint(err, "%s, %s", f.key, f.origin);
	return ret;
}

int hooks_run(struct lxcmgr_container *c, enum hook_type type, unsigned run_flags,
	      lxcmgr_error **err)
{
	struct hook_set h;
	struct hook_call call = { .run_flags = run_flags };
	int ret = hook_set_load(c, &h, err);

	if (ret < 0)
		return ret;
	log_debug(c->ctx, "running %s hooks", type_names[type]);
	ret = hooks_run_set(&h, type, &call, err);
	hook_set_release(&h);
	return ret;
}
