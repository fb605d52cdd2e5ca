/* lxc-freeze: freeze every process of a running container. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-freeze -n NAME [-t SECONDS] [OPTIONS]\n"
	"\n"
	"Freeze every process of the running container NAME (its cgroup's freezer)\n"
	"and wait until the kernel has stopped them all: the state goes FREEZING,\n"
	"then FROZEN. lxc-unfreeze lets them run again.\n"
	"\n"
	"Options:\n"
	"  -t, --timeout=SECONDS    give up waiting for FROZEN after SECONDS (the\n"
	"                           container stays FREEZING); default: no limit\n"
	"\n"
	"Exit status: 0 once frozen, 1 on an error (not running, no freezer).\n"
	"\n" TOOL_COMMON_HELP;

int main(int argc, char **argv)
{
	static const struct option longopts[] = { TOOL_COMMON_LONGOPTS,
						  { "timeout", required_argument, NULL, 't' },
						  { NULL, 0, NULL, 0 } };
	struct tool t = { .progname = "lxc-freeze", .help = help };
	lxcmgr_error *err = NULL;
	int opt, timeout = -1;
	char *end;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS "t:", longopts, NULL)) != -1) {
		if (opt == 't') {
			long v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || v < 0 || v > 1000000)
				tool_usage_error(&t, "-t wants a number of seconds, not \"%s\"", optarg);
			timeout = (int)v;
		} else if (!tool_common_option(&t, opt, optarg)) {
			tool_usage_error(&t, "unknown option");
		}
	}
	if (optind < argc)
		tool_usage_error(&t, "unexpected argument \"%s\"", argv[optind]);
	struct lxcmgr_container *c = tool_existing_container(&t);
	if (!c)
		return 1;
	int ret = lxcmgr_container_freeze(c, timeout, &err);
	return tool_exit(&t, ret < 0 ? 1 : 0, err, c);
}
