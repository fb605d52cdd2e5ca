/* lxc-destroy: remove a container, its rootfs and its directory. */
#include <errno.h>
#include <stdlib.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-destroy -n NAME [-f] [-s] [OPTIONS]\n"
	"\n"
	"Run the container's destroy hooks, then remove its root file system and its\n"
	"directory. A container left half-made by an interrupted lxc-create is removed\n"
	"too.\n"
	"\n"
	"Options:\n"
	"  -f, --force       remove the container even when its config does not load\n"
	"                    (its destroy hooks are then not run)\n"
	"  -s, --snapshots   also destroy its snapshots (there are none yet)\n"
	"\n" TOOL_COMMON_HELP;

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "force", no_argument, NULL, 'f' },
		{ "snapshots", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = { .progname = "lxc-destroy", .help = help };
	lxcmgr_error *err = NULL;
	unsigned flags = 0;
	int opt, ret = 1;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS "fs", longopts, NULL)) != -1) {
		if (opt == 'f')
			flags |= LXCMGR_DESTROY_FORCE;
		else if (opt == 's')
			continue; /* snapshots do not exist yet: nothing more to remove */
		else if (!tool_common_option(&t, opt, optarg))
			tool_usage_error(&t, "unknown option");
	}
	if (optind < argc)
		tool_usage_error(&t, "unexpected argument \"%s\"", argv[optind]);
	tool_require_name(&t);
	if (tool_setup(&t) < 0)
		return 1;

	struct lxcmgr_container *c = lxcmgr_container_new(t.ctx, t.name, &err);
	if (!c && (flags & LXCMGR_DESTROY_FORCE)) {
		/* A config that no longer loads must not keep a container alive. */
		lxcmgr_error_free(err);
		err = NULL;
		c = lxcmgr_container_new_unloaded(t.ctx, t.name, &err);
	}
	if (!c && err && err->status == EINVAL && !(flags & LXCMGR_DESTROY_FORCE)) {
		/* The config does not load: say how to get rid of it anyway. */
		tool_errorf(&t, "%s (fix the config, or lxc-destroy -f removes the container "
			    "without running its destroy hooks)", err->msg);
		lxcmgr_error_free(err);
		tool_finish(&t);
		return 1;
	}
	if (c && lxcmgr_container_destroy(c, flags, &err) == 0)
		ret = 0;
	return tool_exit(&t, ret, err, c);
}
