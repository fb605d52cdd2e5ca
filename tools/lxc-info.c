/* lxc-info: state, init pid and running config items of a container. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-info -n NAME [-s] [-p] [-i] [-c KEY]... [-H] [--format=text|json] [OPTIONS]\n"
	"\n"
	"Show the container's state and init pid; with options, only what they ask for.\n"
	"\n"
	"Options:\n"
	"  -s, --state              the state\n"
	"  -p, --pid                init's pid (running containers only)\n"
	"  -i, --ips                the IP addresses (all interfaces but lo; IPv6 of\n"
	"                           global scope)\n"
	"  -c, --config=KEY         KEY as the running container uses it (repeatable)\n"
	"  -H, --no-humanize        raw numbers (for the statistics, when they come)\n"
	"  -S, --stats              not supported yet (comes with the cgroup work)\n"
	"      --format=FORMAT      text (default) or json\n"
	"\n" TOOL_COMMON_HELP;

enum { OPT_FORMAT = OPT_TOOL_FIRST };

struct info_args {
	bool all, state, pid, ips, json;
	const char **keys;
	size_t n_keys;
};

static void parse_args(struct tool *t, struct info_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "state", no_argument, NULL, 's' },
		{ "pid", no_argument, NULL, 'p' },
		{ "ips", no_argument, NULL, 'i' },
		{ "config", required_argument, NULL, 'c' },
		{ "no-humanize", no_argument, NULL, 'H' },
		{ "stats", no_argument, NULL, 'S' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS "spic:HS", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': a->state = true; break;
		case 'p': a->pid = true; break;
		case 'i': a->ips = true; break;
		case 'H': break;
		case 'c':
			a->keys = realloc(a->keys, (a->n_keys + 1) * sizeof(*a->keys));
			if (!a->keys)
				abort();
			a->keys[a->n_keys++] = optarg;
			break;
		case 'S':
			tool_usage_error(t, "-S is not supported yet (statistics come with the cgroup work)");
		case OPT_FORMAT:
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
				tool_usage_error(t, "unknown format \"%s\"; use text or json", optarg);
			a->json = strcmp(optarg, "json") == 0;
			break;
		default:
			if (!tool_common_option(t, opt, optarg))
				tool_usage_error(t, "unknown option");
		}
	}
	a->all = !a->state && !a->pid && !a->ips && !a->n_keys; /* LXC's default: name, state, pid */
	if (a->all)
		a->state = a->pid = true;
}

static int print_keys(struct tool *t, struct lxcmgr_container *c, const struct info_args *a)
{
	for (size_t i = 0; i < a->n_keys; i++) {
		lxcmgr_error *err = NULL;
		char *value = NULL;
		/* A stopped container answers from its config, as LXC's does. */
		int ret = lxcmgr_container_state(c) == LXCMGR_STATE_STOPPED
				  ? lxcmgr_container_get_item(c, a->keys[i], &value, &err)
				  : lxcmgr_container_get_running_item(c, a->keys[i], &value, &err);
		if (ret < 0) {
			tool_error(t, err);
			lxcmgr_error_free(err);
			return -1;
		}
		printf("%s = %s\n", a->keys[i], value);
		free(value);
	}
	return 0;
}

/* The addresses of a running container; none for a stopped one. */
static char **get_ips(struct tool *t, struct lxcmgr_container *c, int pid, int *ret)
{
	lxcmgr_error *err = NULL;
	char **ips = NULL;

	if (pid <= 0 || lxcmgr_container_get_ips(c, &ips, &err) == 0)
		return ips;
	tool_error(t, err);
	lxcmgr_error_free(err);
	*ret = -1;
	return NULL;
}

static void free_ips(char **ips)
{
	for (size_t i = 0; ips && ips[i]; i++)
		free(ips[i]);
	free(ips);
}

static void print_json(const char *name, int state, int pid, char **ips)
{
	printf("{\"name\": \"%s\", \"state\": \"%s\", \"pid\": ", name,
	       lxcmgr_state_name(state));
	printf(pid > 0 ? "%d" : "null", pid);
	printf(", \"ips\": [");
	for (size_t i = 0; ips && ips[i]; i++)
		printf("%s\"%s\"", i ? ", " : "", ips[i]);
	printf("]}\n");
}

int main(int argc, char **argv)
{
	struct tool t = { .progname = "lxc-info", .help = help };
	struct info_args a = { 0 };
	lxcmgr_error *err = NULL;

	parse_args(&t, &a, argc, argv);
	tool_require_name(&t);
	if (tool_setup(&t) < 0)
		return 1;
	/* Everything shown comes from the monitor, the running config
	 * included: the config on disk is not read (nor parsed). */
	struct lxcmgr_container *c = lxcmgr_container_new_unloaded(t.ctx, t.name, &err);
	if (!c)
		return tool_exit(&t, 1, err, c);
	if (!lxcmgr_container_is_defined(c)) {
		tool_errorf(&t, "no container \"%s\" in \"%s\"", t.name, lxcmgr_ctx_lxcpath(t.ctx));
		lxcmgr_container_put(c);
		tool_finish(&t);
		return 1;
	}
	int state = lxcmgr_container_state(c);
	int pid = state == LXCMGR_STATE_STOPPED ? -1 : lxcmgr_container_init_pid(c);
	int ret = 0;
	/* LXC's plain lxc-info shows the addresses too. */
	char **ips = a.json || a.ips || a.all ? get_ips(&t, c, pid, &ret) : NULL;
	if (a.json) {
		print_json(t.name, state, pid, ips);
	} else { /* what is known is shown even when the addresses could not be read */
		if (a.all)
			printf("Name:           %s\n", t.name);
		if (a.state)
			printf("State:          %s\n", lxcmgr_state_name(state));
		if (a.pid && pid > 0)
			printf("PID:            %d\n", pid);
		for (size_t i = 0; (a.ips || a.all) && ips && ips[i]; i++)
			printf("IP:             %s\n", ips[i]);
		if (a.n_keys && print_keys(&t, c, &a) < 0)
			ret = -1;
	}
	free_ips(ips);
	free(a.keys);
	/* Each failure above has been printed where it happened. */
	lxcmgr_container_put(c);
	tool_finish(&t);
	return ret == 0 ? 0 : 1;
}
