/* lxc-config: print system config items (lxc.lxcpath, lxc.default_config ...). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-config -l\n"
	"       lxc-config [-P PATH] KEY\n"
	"\n"
	"Print the system config keys (-l), or the value of KEY in force: from\n"
	"lxc.conf in the system config directory, else the built-in default.\n"
	"\n"
	"Options:\n"
	"  -l, --list           list the keys\n"
	"  -P, --lxcpath=PATH   the lxcpath to report for lxc.lxcpath\n"
	"      --logpriority=LEVEL, -o FILE, -q, -h, --version as in every tool\n"
	"\n"
	"Example: lxc-config lxc.lxcpath\n";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		/* -l is --list here, as in LXC; the log level is --logpriority only. */
		{ "list", no_argument, NULL, 'l' },
		{ "lxcpath", required_argument, NULL, 'P' },
		{ "logfile", required_argument, NULL, 'o' },
		{ "logpriority", required_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = { .progname = "lxc-config", .help = help };
	lxcmgr_error *err = NULL;
	bool list = false;
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, "lP:o:qh", longopts, NULL)) != -1) {
		if (opt == 'l')
			list = true;
		else if (opt == 'L')
			t.loglevel = optarg;
		else if (!tool_common_option(&t, opt, optarg))
			tool_usage_error(&t, "unknown option");
	}
	if (list) {
		for (const char *const *k = lxcmgr_system_config_keys(); *k; k++)
			puts(*k);
		return 0;
	}
	if (optind != argc - 1)
		tool_usage_error(&t, "give one KEY, or -l to list the keys");
	if (tool_setup(&t) < 0)
		return 1;
	char *value = NULL;
	if (lxcmgr_system_config_get(t.ctx, argv[optind], &value, &err) < 0) {
		tool_error(&t, err);
		ret = 1;
	} else {
		puts(value);
	}
	free(value);
	lxcmgr_error_free(err);
	tool_finish(&t);
	return ret;
}
