/* lxc-wait: wait for a container to reach one of some states. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-wait -n NAME -s STATES [-t TIMEOUT] [OPTIONS]\n"
	"\n"
	"Wait until the container is in one of STATES, given as 'RUNNING|STOPPED'\n"
	"(STOPPED STARTING RUNNING STOPPING ABORTING FREEZING FROZEN THAWED).\n"
	"\n"
	"Options:\n"
	"  -s, --state=STATES       the states to wait for, separated by |\n"
	"  -t, --timeout=SECONDS    give up after this long (default: wait for ever)\n"
	"\n"
	"Exit status: 0 when a state was reached, 1 on timeout or error.\n"
	"\n" TOOL_COMMON_HELP;

static unsigned parse_states(struct tool *t, const char *text)
{
	char *copy = strdup(text), *save = NULL;
	unsigned mask = 0;

	for (char *s = strtok_r(copy, "|", &save); s; s = strtok_r(NULL, "|", &save)) {
		int state = lxcmgr_state_from_name(s);
		if (state < 0)
			tool_usage_error(t, "unknown state \"%s\"; use STOPPED, STARTING, RUNNING, "
					 "STOPPING, ABORTING, FREEZING, FROZEN or THAWED", s);
		mask |= 1u << state;
	}
	free(copy);
	return mask;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "state", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = { .progname = "lxc-wait", .help = help };
	lxcmgr_error *err = NULL;
	unsigned states = 0;
	int opt, timeout = -1, ret = 1;
	char *end;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS "s:t:", longopts, NULL)) != -1) {
		if (opt == 's') {
			states = parse_states(&t, optarg);
		} else if (opt == 't') {
			timeout = (int)strtol(optarg, &end, 10);
			if (*end || timeout < -1)
				tool_usage_error(&t, "timeout \"%s\" is not a number of seconds", optarg);
		} else if (!tool_common_option(&t, opt, optarg)) {
			tool_usage_error(&t, "unknown option");
		}
	}
	tool_require_name(&t);
	if (!states)
		tool_usage_error(&t, "missing -s STATES, e.g. -s 'RUNNING|STOPPED'");
	if (tool_setup(&t) < 0)
		return 1;
	struct lxcmgr_container *c = lxcmgr_container_new(t.ctx, t.name, &err);
	if (c && lxcmgr_container_wait(c, states, timeout, &err) == 0)
		ret = 0;
	return tool_exit(&t, ret, err, c);
}
