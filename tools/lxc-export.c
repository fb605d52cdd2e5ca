/* lxc-export: write a stopped container's config and rootfs to a tarball. */
#include <stdlib.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-export -n NAME -o FILE [OPTIONS]\n"
	"\n"
	"Write the stopped container NAME to FILE: its config (member \"config\") and its\n"
	"root file system (members \"rootfs/...\"; an overlay's merged view). FILE's name\n"
	"chooses the compression: .tar, .tar.gz, .tar.xz or .tar.zst. Create a container\n"
	"from it again, here or elsewhere, with\n"
	"  lxc-create -n NEW -t local -- --rootfs-tarball FILE\n"
	"\n"
	"Options:\n"
	"  -o, --output=FILE   the tarball to write (replaced when it exists; written\n"
	"                      as FILE.partial until complete)\n"
	"\n" TOOL_COMMON_HELP;

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = { .progname = "lxc-export", .help = help };
	lxcmgr_error *err = NULL;
	const char *output = NULL;
	int opt, ret = 1;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS "o:", longopts, NULL)) != -1) {
		if (opt == 'o')
			output = optarg;
		else if (!tool_common_option(&t, opt, optarg))
			tool_usage_error(&t, "unknown option");
	}
	if (optind < argc)
		tool_usage_error(&t, "unexpected argument \"%s\"", argv[optind]);
	tool_require_name(&t);
	if (!output)
		tool_usage_error(&t, "missing -o FILE (e.g. -o %s.tar.xz)", t.name);
	if (tool_setup(&t) < 0)
		return 1;
	struct lxcmgr_container *c = lxcmgr_container_new(t.ctx, t.name, &err);
	if (c && lxcmgr_container_export(c, output, &err) == 0)
		ret = 0;
	return tool_exit(&t, ret, err, c);
}
