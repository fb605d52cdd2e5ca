/* lxc-cgroup: get or set a file of a running container's cgroup. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-cgroup -n NAME FILE [VALUE] [OPTIONS]\n"
	"\n"
	"Show the content of FILE in the running container's cgroup, or write VALUE\n"
	"to it. FILE is CONTROLLER.FILE, e.g. memory.limit_in_bytes (cgroup v1) or\n"
	"memory.max (cgroup2); it is found in the hierarchy of its controller.\n"
	"\n"
	"Exit status: 0 on success, 1 on an error (not running, no such file, a\n"
	"value the kernel refuses).\n"
	"\n" TOOL_COMMON_HELP;

int main(int argc, char **argv)
{
	static const struct option longopts[] = { TOOL_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct tool t = { .progname = "lxc-cgroup", .help = help };
	lxcmgr_error *err = NULL;
	char *value = NULL;
	int opt, ret = -1;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS, longopts, NULL)) != -1)
		if (!tool_common_option(&t, opt, optarg))
			tool_usage_error(&t, "unknown option");
	tool_require_name(&t);
	if (optind >= argc)
		tool_usage_error(&t, "missing the cgroup FILE, e.g. memory.limit_in_bytes");
	if (argc - optind > 2)
		tool_usage_error(&t, "too many arguments: FILE [VALUE]");
	const char *file = argv[optind], *set = argc - optind == 2 ? argv[optind + 1] : NULL;
	if (tool_setup(&t) < 0)
		return 1;
	struct lxcmgr_container *c = lxcmgr_container_new(t.ctx, t.name, &err);
	if (c && set)
		ret = lxcmgr_container_cgroup_set(c, file, set, &err);
	else if (c)
		ret = lxcmgr_container_cgroup_get(c, file, &value, &err);
	if (ret == 0 && !set)
		printf("%s\n", value);
	free(value);
	return tool_exit(&t, ret < 0 ? 1 : 0, err, c);
}
