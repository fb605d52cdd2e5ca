/* lxc-stop: stop a running container cleanly, or kill it. */
#include <stdlib.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-stop -n NAME [-t TIMEOUT] [-k] [-r] [-W] [--nokill] [OPTIONS]\n"
	"\n"
	"Send the container's init its halt signal (lxc.signal.halt; else SIGRTMIN+3 for\n"
	"systemd, SIGPWR otherwise) and wait for the container to stop; after TIMEOUT\n"
	"seconds kill it.\n"
	"\n"
	"Options:\n"
	"  -t, --timeout=SECONDS    wait this long (default 60; -1: for ever)\n"
	"  -k, --kill               kill at once (lxc.signal.stop, else SIGKILL)\n"
	"  -r, --reboot             reboot (lxc.signal.reboot, else SIGINT) and wait up to\n"
	"                           TIMEOUT for init to run again\n"
	"  -W, --nowait             send the signal and return\n"
	"      --nokill             after the timeout, fail instead of killing\n"
	"      --nolock             accepted for LXC compatibility (no lock is taken)\n"
	"\n" TOOL_COMMON_HELP;

enum { OPT_NOKILL = OPT_TOOL_FIRST, OPT_NOLOCK };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "timeout", required_argument, NULL, 't' },
		{ "kill", no_argument, NULL, 'k' },
		{ "reboot", no_argument, NULL, 'r' },
		{ "nowait", no_argument, NULL, 'W' },
		{ "nokill", no_argument, NULL, OPT_NOKILL },
		{ "nolock", no_argument, NULL, OPT_NOLOCK },
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = { .progname = "lxc-stop", .help = help };
	lxcmgr_error *err = NULL;
	unsigned flags = 0;
	int opt, timeout = 60, ret = 1;
	char *end;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS "t:krW", longopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			timeout = (int)strtol(optarg, &end, 10);
			if (*end || timeout < -1)
				tool_usage_error(&t, "timeout \"%s\" is not a number of seconds", optarg);
			break;
		case 'k': flags |= LXCMGR_STOP_KILL; break;
		case 'r': flags |= LXCMGR_STOP_REBOOT; break;
		case 'W': flags |= LXCMGR_STOP_NOWAIT; break;
		case OPT_NOKILL: flags |= LXCMGR_STOP_NOKILL; break;
		case OPT_NOLOCK: break;
		default:
			if (!tool_common_option(&t, opt, optarg))
				tool_usage_error(&t, "unknown option");
		}
	}
	if ((flags & LXCMGR_STOP_KILL) && (flags & LXCMGR_STOP_REBOOT))
		tool_usage_error(&t, "-k and -r do not go together");
	tool_require_name(&t);
	if (tool_setup(&t) < 0)
		return 1;
	struct lxcmgr_container *c = lxcmgr_container_new(t.ctx, t.name, &err);
	if (c && lxcmgr_container_stop(c, timeout, flags, &err) == 0)
		ret = 0;
	return tool_exit(&t, ret, err, c);
}
