#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "ctx.h"
#include "hooks.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/log.h"
#include "util/run.h"
#include "util/str.h"

static int push_env(char ***env, const char *name, const char *value)
{
	return strv_push(env, str_printf("%s=%s", name, value ? value : ""));
}

static char **hook_env(struct lxcmgr_container *c, const char *type, bool v1)
{
	char **env = calloc(1, sizeof(*env));
	const char *rootfs = conf_value(c->conf, "lxc.rootfs.path");
	const char *mount = conf_value(c->conf, "lxc.rootfs.mount");
	int ret = env ? 0 : -ENOMEM;

	ret = ret ?: push_env(&env, "LXC_NAME", c->name);
	ret = ret ?: push_env(&env, "LXC_CONFIG_FILE", c->config_path);
	ret = ret ?: push_env(&env, "LXC_ROOTFS_PATH", rootfs);
	ret = ret ?: push_env(&env, "LXC_ROOTFS_MOUNT", mount ? mount : rootfs);
	ret = ret ?: push_env(&env, "LXC_HOOK_VERSION", v1 ? "1" : "0");
	if (v1) {
		ret = ret ?: push_env(&env, "LXC_HOOK_TYPE", type);
		ret = ret ?: push_env(&env, "LXC_HOOK_SECTION", "lxc");
	}
	if (ret < 0) {
		strv_free(env);
		return NULL;
	}
	return env;
}

static int run_one(struct lxcmgr_container *c, const char *type, const char *command,
		   char **env, bool v1, unsigned run_flags, lxcmgr_error **err)
{
	cleanup_strv char **argv = str_split(command, " \t");
	struct run_result res;
	char what[600];
	int ret = argv ? 0 : -ENOMEM;

	if (!v1) {
		ret = ret ?: strv_push_dup(&argv, c->name);
		ret = ret ?: strv_push_dup(&argv, "lxc");
		ret = ret ?: strv_push_dup(&argv, type);
	}
	if (ret < 0)
		return error_set(err, ENOMEM, "run hook");
	log_debug(c->ctx, "running %s hook \"%s\"", type, command);
	ret = run_helper(argv, env, run_flags, &res);
	if (ret < 0)
		return error_set(err, -ret, "run %s hook \"%s\"", type, argv[0]);
	if (res.exit_status == 0 && res.term_signal == 0)
		return 0;
	run_describe(&res, what, sizeof(what));
	return error_msg(err, ECANCELED, "%s hook \"%s\" failed with %s", type, command, what);
}

int hooks_run(struct lxcmgr_container *c, const char *type, unsigned run_flags,
	      lxcmgr_error **err)
{
	cleanup_free char *key = str_printf("lxc.hook.%s", type);
	char *const *hooks = key ? conf_values(c->conf, key) : NULL;
	const char *version = conf_value(c->conf, "lxc.hook.version");
	bool v1 = version && strcmp(version, "1") == 0;

	if (!hooks)
		return 0;
	cleanup_strv char **env = hook_env(c, type, v1);
	if (!env)
		return error_set(err, ENOMEM, "run %s hooks", type);
	for (size_t i = 0; hooks[i]; i++) {
		int ret = run_one(c, type, hooks[i], env, v1, run_flags, err);
		if (ret < 0) {
			struct conf_origin o;
			if (conf_origin(c->conf, key, &o) == 0)
				error_hint(err, "%s, %s:%u", key, o.file, o.line);
			return ret;
		}
	}
	return 0;
}
