/* lxc-start: start a container; in the background unless -F. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-start -n NAME [-d|-F] [-f CONFIG] [-s KEY=VAL]... [-p PIDFILE]\n"
	"                 [OPTIONS] [-- COMMAND [ARG]...]\n"
	"\n"
	"Start the container NAME. In the background (the default) lxc-start returns\n"
	"once the container's init has been executed, or fails with the cause from the\n"
	"container's setup. With -F it stays in the foreground with this terminal as the\n"
	"container's console, and returns when the container stops.\n"
	"\n"
	"Options:\n"
	"  -d, --daemon             start in the background (the default)\n"
	"  -F, --foreground         stay in the foreground, terminal as the console\n"
	"  -f, --rcfile=FILE        load FILE instead of the container's config\n"
	"  -s, --define=KEY=VAL     set a config item for this start only (repeatable)\n"
	"  -p, --pidfile=FILE       write init's pid to FILE\n"
	"  -L, --console-log=FILE   append the console's output to FILE\n"
	"                           (lxc.console.logfile; see also lxc.console.size)\n"
	"  -C, --close-all-fds      accepted: init never inherits other descriptors\n"
	TOOL_SHARE_HELP
	"  -- COMMAND               run COMMAND as init instead of lxc.init.cmd\n"
	"\n" TOOL_COMMON_HELP;

struct start_args {
	bool foreground;
	const char *pidfile;
	const char *console_log; /* -L */
};

static void parse_args(struct tool *t, struct start_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "daemon", no_argument, NULL, 'd' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "define", required_argument, NULL, 's' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "close-all-fds", no_argument, NULL, 'C' },
		{ "console", required_argument, NULL, 'c' },
		{ "console-log", required_argument, NULL, 'L' },
		TOOL_SHARE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	/* '+': stop at the first non-option, so "-- COMMAND -x" keeps its own options. */
	while ((opt = getopt_long(argc, argv, "+" TOOL_COMMON_SHORTOPTS "dFf:s:p:Cc:L:", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'd': a->foreground = false; break;
		case 'F': a->foreground = true; break;
		case 'f': t->rcfile = optarg; break;
		case 'p': a->pidfile = optarg; break;
		case 'C': break;
		case 's': tool_add_define(t, optarg); break;
		case 'L': a->console_log = optarg; break;
		case 'c':
			tool_usage_error(t, "-c is not supported yet (a host device as the console "
					 "comes later; lxc-console attaches to the console)");
		default:
			if (!tool_share_option(t, opt, optarg) && !tool_common_option(t, opt, optarg))
				tool_usage_error(t, "unknown option");
		}
	}
}

/* Loads --rcfile and applies the -s defines on top. */
static int load_config(struct tool *t, struct lxcmgr_container *c, const struct start_args *a,
		       lxcmgr_error **err)
{
	if (t->rcfile && lxcmgr_container_load_config(c, t->rcfile, err) < 0)
		return -1;
	if (tool_apply_defines(t, c, err) < 0)
		return -1;
	if (!a->console_log)
		return 0;
	char line[4200];
	snprintf(line, sizeof(line), "lxc.console.logfile=%s", a->console_log);
	return lxcmgr_container_define(c, "-L", line, err);
}

/* The monitor runs in "/": a relative FILE (-L, -p) is the caller's. The
 * result is PATH itself when it is absolute or the cwd is unknown (then it
 * stays relative, and is refused as such). */
static const char *callers_path(const char *path, char *buf, size_t size)
{
	char cwd[4096];

	if (!path || path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return path;
	snprintf(buf, size, "%s/%s", cwd, path);
	return buf;
}

int main(int argc, char **argv)
{
	struct tool t = { .progname = "lxc-start", .help = help };
	struct start_args a = { 0 };
	lxcmgr_error *err = NULL;
	int ret = 1;

	char console_log[4200], pidfile[4200];

	parse_args(&t, &a, argc, argv);
	a.console_log = callers_path(a.console_log, console_log, sizeof(console_log));
	a.pidfile = callers_path(a.pidfile, pidfile, sizeof(pidfile));
	tool_require_name(&t);
	if (tool_setup(&t) < 0)
		return 1;
	struct lxcmgr_start_options opts = {
		.foreground = a.foreground,
		.init_argv = optind < argc ? (const char *const *)&argv[optind] : NULL,
		.pidfile = a.pidfile,
		.monitor_child = true, /* this process exits as soon as the start is done */
	};
	struct lxcmgr_container *c = lxcmgr_container_new(t.ctx, t.name, &err);
	/* -F on a terminal: keys go to the container as typed (raw mode),
	 * and the terminal is put back however the container ends. */
	struct termios saved;
	bool raw = a.foreground && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (raw) {
		struct termios tio = saved;
		cfmakeraw(&tio);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &tio);
	}
	if (c && load_config(&t, c, &a, &err) == 0 && lxcmgr_container_start(c, &opts, &err) == 0)
		ret = 0;
	if (raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	return tool_exit(&t, ret, err, c);
}
