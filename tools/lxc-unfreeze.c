/* lxc-unfreeze: let the processes of a frozen container run again. */
#include <stdio.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-unfreeze -n NAME [OPTIONS]\n"
	"\n"
	"Thaw the container NAME, frozen by lxc-freeze: its processes run again and\n"
	"the state goes THAWED, then RUNNING. A running container that is not frozen\n"
	"is left as it is.\n"
	"\n"
	"Exit status: 0 once thawed, 1 on an error (not running, no freezer).\n"
	"\n" TOOL_COMMON_HELP;

int main(int argc, char **argv)
{
	static const struct option longopts[] = { TOOL_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct tool t = { .progname = "lxc-unfreeze", .help = help };
	lxcmgr_error *err = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS, longopts, NULL)) != -1)
		if (!tool_common_option(&t, opt, optarg))
			tool_usage_error(&t, "unknown option");
	if (optind < argc)
		tool_usage_error(&t, "unexpected argument \"%s\"", argv[optind]);
	struct lxcmgr_container *c = tool_existing_container(&t);
	if (!c)
		return 1;
	int ret = lxcmgr_container_unfreeze(c, &err);
	return tool_exit(&t, ret < 0 ? 1 : 0, err, c);
}
