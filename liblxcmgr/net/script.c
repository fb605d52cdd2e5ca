#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/script.h"
#include "run/plan.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/run.h"
#include "util/str.h"

static int push_env(char ***env, const char *name, const char *value)
{
	return strv_push(env, str_printf("%s=%s", name, value ? value : ""));
}

int net_script_run(const struct start_plan *p, const struct net_dev *d, const char *which,
		   const char *hostdev, lxcmgr_error **err)
{
	bool up = str_eq(which, "up");
	const char *cmd = up ? d->script_up : d->script_down;
	const char *origin = up ? d->script_up_origin : d->script_down_origin;
	const char *type = net_type_name(d->type);
	cleanup_strv char **argv = NULL, **env = NULL;
	struct run_result res;
	int ret = str_split_command(cmd, &argv);

	if (ret == 0 && !p->hooks.v1) {
		const char *extra[] = { p->name, "net", which, type, hostdev };
		for (size_t i = 0; ret == 0 && i < ARRAY_SIZE(extra); i++)
			ret = strv_push_dup(&argv, extra[i]);
	}
	if (ret == 0)
		ret = push_env(&env, "LXC_NAME", p->name) ?: push_env(&env, "LXC_CONFIG_FILE", p->config_path)
		      ?: push_env(&env, "LXC_HOOK_TYPE", which) ?: push_env(&env, "LXC_HOOK_SECTION", "net")
		      ?: push_env(&env, "LXC_HOOK_VERSION", p->hooks.v1 ? "1" : "0")
		      ?: push_env(&env, "LXC_NET_TYPE", type) ?: push_env(&env, "LXC_NET_PARENT", d->link);
	if (ret == 0 && d->type == NET_VETH)
		ret = push_env(&env, "LXC_NET_PEER", hostdev);
	if (ret == 0 && (!argv || !argv[0]))
		ret = -EINVAL;
	if (ret < 0)
		return error_set(err, -ret, "lxc.net.%u.script.%s (%s): \"%s\"", d->index, which,
				 origin, cmd);
	ret = run_helper(argv, env, 0, &res);
	if (ret < 0)
		return error_set(err, -ret, "lxc.net.%u.script.%s (%s): run \"%s\"", d->index, which,
				 origin, argv[0]);
	if (res.exit_status != 0 || res.term_signal) {
		char why[600];
		run_describe(&res, why, sizeof(why));
		return error_msg(err, ECANCELED, "lxc.net.%u.script.%s (%s): \"%s\" failed with %s",
				 d->index, which, origin, argv[0], why);
	}
	return 0;
}
