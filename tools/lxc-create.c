/* lxc-create: make a container from a template. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-create -n NAME -t TEMPLATE [-f CONFIG] [-B TYPE] [--dir=ROOTFS]\n"
	"                  [OPTIONS] [-- TEMPLATE-ARGS]\n"
	"\n"
	"Create the container NAME: its directory and config under the lxcpath, an empty\n"
	"root file system, then run TEMPLATE to fill it. Any failure removes everything\n"
	"the create made.\n"
	"\n"
	"Options:\n"
	"  -t, --template=TEMPLATE  a template name (lxc-NAME in the template directory,\n"
	"                           then /usr/share/lxc/templates), a path, or none\n"
	"  -f, --config=FILE        initial config (default: lxc.default_config)\n"
	"  -B, --bdev=TYPE          backing store: dir, overlay (layers over the\n"
	"                           template's cache), or best (default: the template\n"
	"                           chooses)\n"
	"      --dir=PATH           put the root file system at PATH\n"
	"  -- TEMPLATE-ARGS         passed to the template; `-t NAME -h` shows its help\n"
	"\n" TOOL_COMMON_HELP "\n"
	"Example: lxc-create -n web -t busybox\n"
	"         lxc-create -n web -t debian -- -r bookworm\n";

enum { OPT_DIR = OPT_TOOL_FIRST };

struct create_args {
	const char *template_name;
	const char *config;
	const char *bdev;
	const char *dir;
	bool want_help;
};

static void parse_args(struct tool *t, struct create_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "template", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'f' },
		{ "bdev", required_argument, NULL, 'B' },
		{ "dir", required_argument, NULL, OPT_DIR },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS "t:f:B:", longopts, NULL)) != -1) {
		switch (opt) {
		case 't': a->template_name = optarg; break;
		case 'f': a->config = optarg; break;
		case 'B': a->bdev = optarg; break;
		case OPT_DIR: a->dir = optarg; break;
		case 'h':
			/* `-t NAME -h` asks for the template's help, as in LXC. */
			a->want_help = true;
			break;
		default:
			if (!tool_common_option(t, opt, optarg))
				tool_usage_error(t, "unknown option");
		}
	}
	if (a->want_help && !a->template_name) {
		fputs(t->help, stdout);
		exit(0);
	}
}

/* Runs the template with --help: its options are documented by itself. */
static int template_help(struct tool *t, const char *template_name)
{
	lxcmgr_error *err = NULL;
	char *path = NULL;

	if (lxcmgr_template_path(t->ctx, template_name, &path, &err) < 0) {
		tool_error(t, err);
		lxcmgr_error_free(err);
		return 1;
	}
	fflush(stdout);
	execl(path, path, "--help", (char *)NULL);
	tool_errorf(t, "run template \"%s\" --help: %m", path);
	free(path);
	return 1;
}

int main(int argc, char **argv)
{
	struct tool t = { .progname = "lxc-create", .help = help };
	struct create_args a = { 0 };
	lxcmgr_error *err = NULL;
	int ret = 1;

	parse_args(&t, &a, argc, argv);
	if (a.want_help) {
		if (tool_setup(&t) < 0)
			return 1;
		return template_help(&t, a.template_name);
	}
	tool_require_name(&t);
	if (!a.template_name)
		tool_usage_error(&t, "missing template; use -t NAME, -t PATH or -t none");
	if (tool_setup(&t) < 0)
		return 1;

	struct lxcmgr_create_options opts = {
		.template_name = a.template_name,
		.bdev_type = a.bdev,
		.config_file = a.config ? a.config : t.rcfile,
		.template_args = (const char *const *)&argv[optind],
		.rootfs_dir = a.dir,
		.flags = t.quiet ? LXCMGR_CREATE_QUIET : 0,
	};
	struct lxcmgr_container *c = lxcmgr_container_new(t.ctx, t.name, &err);
	if (c && lxcmgr_container_create(c, &opts, &err) == 0)
		ret = 0;
	return tool_exit(&t, ret, err, c);
}
