/* lxc-checkconfig: what this host's kernel offers to containers. The probes
 * are the library's (lxcmgr_check_host); this file prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

enum { OPT_NO_COLOR = OPT_TOOL_FIRST };

static const char help[] =
	"Usage: lxc-checkconfig [--no-color] [-q]\n"
	"\n"
	"Check what the running kernel and host offer to system containers: namespaces,\n"
	"control groups, network link types, storage, security modules, and what\n"
	"unprivileged containers need. Features are tried where that leaves the host\n"
	"unchanged: each namespace is unshared in a short-lived child process, and each\n"
	"network link type is created inside that child's private network namespace.\n"
	"\n"
	"Options:\n"
	"      --no-color   no colours (they are used only when standard output is a\n"
	"                   terminal and NO_COLOR is not set)\n"
	"  -q, --quiet      print nothing; only the exit status answers\n"
	"  -h, --help       show this help\n"
	"      --version    show the version\n"
	"The other common options (-n, -P, -o, -l, --rcfile) are accepted and ignored.\n"
	"\n"
	"Exit status:\n"
	"  0  nothing a privileged system container needs is missing\n"
	"  1  something it needs is missing (the mount, UTS, IPC, PID or network\n"
	"     namespace; the memory, pids, devices or freezer cgroup controller, or\n"
	"     their cgroup2 equivalents; veth), or the command line is wrong\n";

/* What a privileged system container cannot start without. On a cgroup2 host
 * the library reports the devices and freezer controllers by their cgroup2
 * equivalents, under the same names. */
static const struct {
	const char *group, *name;
} required[] = {
	{ "Namespaces", "Mount namespace" },     { "Namespaces", "UTS namespace" },
	{ "Namespaces", "IPC namespace" },       { "Namespaces", "PID namespace" },
	{ "Namespaces", "Network namespace" },   { "Control groups", "memory controller" },
	{ "Control groups", "pids controller" }, { "Control groups", "devices controller" },
	{ "Control groups", "freezer controller" }, { "Networking", "veth" },
};

struct style {
	const char *heading, *ok, *missing, *warn, *reset;
};

static const struct style plain = { "", "", "", "", "" };
static const struct style colour = { "\033[1m", "\033[32m", "\033[31m", "\033[33m", "\033[0m" };

static void print_check(const struct lxcmgr_check *c, int width, const struct style *st)
{
	int pad = width - (int)strlen(c->name);

	printf("  %s:%*s ", c->name, pad, "");
	switch (c->status) {
	case LXCMGR_CHECK_OK:
		printf("%senabled%s  (%s)\n", st->ok, st->reset, c->detail);
		break;
	case LXCMGR_CHECK_MISSING:
		printf("%smissing%s  (%s)\n", st->missing, st->reset, c->detail);
		break;
	case LXCMGR_CHECK_WARN:
		printf("%swarning%s  (%s)\n", st->warn, st->reset, c->detail);
		break;
	default:
		printf("%s\n", c->detail);
	}
}

static void print_report(const struct lxcmgr_check *checks, size_t n, const struct style *st)
{
	int width = 0;

	for (size_t i = 0; i < n; i++)
		if ((int)strlen(checks[i].name) > width)
			width = (int)strlen(checks[i].name);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || strcmp(checks[i].group, checks[i - 1].group) != 0)
			printf("%s%s%s%s\n", i ? "\n" : "", st->heading, checks[i].group, st->reset);
		print_check(&checks[i], width, st);
	}
}

/* Appends to `out` the required features that are missing (or absent from the
 * report); returns how many. */
static size_t required_missing(const struct lxcmgr_check *checks, size_t n, char *out, size_t size)
{
	size_t missing = 0;

	out[0] = '\0';
	for (size_t r = 0; r < sizeof(required) / sizeof(required[0]); r++) {
		const struct lxcmgr_check *c = NULL;
		for (size_t i = 0; i < n && !c; i++)
			if (!strcmp(checks[i].group, required[r].group) && !strcmp(checks[i].name, required[r].name))
				c = &checks[i];
		if (c && c->status != LXCMGR_CHECK_MISSING)
			continue;
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s", missing ? ", " : "", required[r].name);
		missing++;
	}
	return missing;
}

static void print_summary(const struct lxcmgr_check *checks, size_t n, size_t req, const char *which)
{
	size_t missing = 0, warnings = 0;

	for (size_t i = 0; i < n; i++) {
		missing += checks[i].status == LXCMGR_CHECK_MISSING;
		warnings += checks[i].status == LXCMGR_CHECK_WARN;
	}
	printf("\n%zu missing, %zu warning%s; ", missing, warnings, warnings == 1 ? "" : "s");
	if (req)
		printf("a privileged system container needs: %s\n", which);
	else
		printf("nothing a privileged system container needs is missing\n");
}

static bool use_colour(bool no_color)
{
	const char *env = getenv("NO_COLOR");

	return !no_color && isatty(STDOUT_FILENO) && !(env && *env);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = { .progname = "lxc-checkconfig", .help = help };
	struct lxcmgr_check *checks = NULL;
	lxcmgr_error *err = NULL;
	bool no_color = false;
	size_t n = 0;
	char which[512];
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == OPT_NO_COLOR)
			no_color = true;
		else if (!tool_common_option(&t, opt, optarg))
			tool_usage_error(&t, "unknown option or missing argument: %s", argv[optind - 1]);
	}
	if (optind < argc)
		tool_usage_error(&t, "unexpected argument \"%s\"", argv[optind]);
	if (lxcmgr_check_host(&checks, &n, &err) < 0) {
		tool_error(&t, err);
		lxcmgr_error_free(err);
		return 1;
	}
	size_t req = required_missing(checks, n, which, sizeof(which));
	if (!t.quiet) {
		print_report(checks, n, use_colour(no_color) ? &colour : &plain);
		print_summary(checks, n, req, which);
	}
	lxcmgr_checks_free(checks, n);
	return req ? 1 : 0;
}
