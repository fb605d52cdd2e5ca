/* lxc-attach: run a command (or a login shell) in a running container. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-attach -n NAME [OPTIONS] [-- COMMAND [ARG]...]\n"
	"\n"
	"Run COMMAND in the running container NAME, in its namespaces, with what its\n"
	"init has: capability bounding set and no_new_privs. Without COMMAND, the\n"
	"user's login shell from the container's /etc/passwd (else /bin/sh).\n"
	"Terminals among stdin, stdout and stderr go through a pty allocated in the\n"
	"container; anything else is passed as it is. The exit status is COMMAND's\n"
	"(128+N when signal N killed it; 126 or 127 when it could not be run).\n"
	"\n"
	"Options:\n"
	"  -e, --elevated-privileges[=LIST]\n"
	"                           keep the caller's privileges: CAP, CGROUP, LSM, or\n"
	"                           a |-separated list (default: all)\n"
	"  -s, --namespaces=LIST    join only these: MOUNT PID UTSNAME IPC USER NETWORK\n"
	"                           CGROUP TIME, |-separated; implies -e\n"
	"  -u, --uid=UID            run as UID of the container (default 0)\n"
	"  -g, --gid=GID            run as GID (default: UID's group in /etc/passwd)\n"
	"      --keep-env           keep this environment (adds container=lxc)\n"
	"      --clear-env          only container=lxc and PATH\n"
	"                           (default: container=lxc, PATH, TERM, and HOME USER\n"
	"                           LOGNAME SHELL of the user; lxc.environment of the\n"
	"                           container is added in every case)\n"
	"  -v, --set-var=NAME=VAL   set a variable (repeatable)\n"
	"      --keep-var=NAME      keep NAME from this environment (repeatable)\n"
	"  -L, --pty-log=FILE       append what the pty shows to FILE\n"
	"  -R, --remount-sys-proc   with -s without MOUNT: /proc and /sys of the\n"
	"                           namespaces joined, in a mount namespace of its own\n"
	"  -a, --arch=ARCH          not supported yet\n"
	"\n" TOOL_COMMON_HELP;

enum { OPT_KEEP_ENV = OPT_TOOL_FIRST, OPT_CLEAR_ENV, OPT_KEEP_VAR };

struct attach_args {
	struct lxcmgr_attach_options o;
	const char **set_vars, **keep_vars;
	size_t n_set, n_keep;
};

static void push(const char ***v, size_t *n, const char *s)
{
	*v = realloc(*v, (*n + 2) * sizeof(**v));
	if (!*v)
		abort();
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

struct word {
	const char *name;
	int bit;
};

static const struct word ns_words[] = {
	{ "MOUNT", CLONE_NEWNS },   { "PID", CLONE_NEWPID },       { "UTSNAME", CLONE_NEWUTS },
	{ "IPC", CLONE_NEWIPC },    { "USER", CLONE_NEWUSER },     { "NETWORK", CLONE_NEWNET },
	{ "CGROUP", CLONE_NEWCGROUP }, { "TIME", CLONE_NEWTIME },
};

static const struct word priv_words[] = {
	{ "CAP", LXCMGR_ATTACH_ELEVATED_CAP },
	{ "CGROUP", LXCMGR_ATTACH_ELEVATED_CGROUP },
	{ "LSM", LXCMGR_ATTACH_ELEVATED_LSM },
};

/* "A|B|C" -> bits; exits on an unknown word, naming it. */
static int parse_words(struct tool *t, const char *opt, const char *list,
		       const struct word *words, size_t n)
{
	char *copy = strdup(list), *save = NULL;
	int bits = 0;

	if (!copy)
		abort();
	for (char *w = strtok_r(copy, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
		size_t i = 0;
		while (i < n && strcasecmp(w, words[i].name) != 0)
			i++;
		if (i == n)
			tool_usage_error(t, "%s: unknown word \"%s\"", opt, w);
		bits |= words[i].bit;
	}
	free(copy);
	if (!bits)
		tool_usage_error(t, "%s: empty list", opt);
	return bits;
}

static bool is_priv_list(const char *s)
{
	for (const char *w = s; *w;) {
		size_t n = strcspn(w, "|"), i = 0;
		while (i < 3 && !(strlen(priv_words[i].name) == n &&
				  strncasecmp(w, priv_words[i].name, n) == 0))
			i++;
		if (i == 3)
			return false;
		w += n + (w[n] == '|');
	}
	return *s != '\0';
}

static long parse_id(struct tool *t, const char *opt, const char *s)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);

	if (errno || *end || !*s || v < 0 || v > 0xfffffffeL)
		tool_usage_error(t, "%s: \"%s\" is not a number (names are not looked up)", opt, s);
	return v;
}

static void parse_args(struct tool *t, struct attach_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "elevated-privileges", optional_argument, NULL, 'e' },
		{ "namespaces", required_argument, NULL, 's' },
		{ "uid", required_argument, NULL, 'u' },
		{ "gid", required_argument, NULL, 'g' },
		{ "keep-env", no_argument, NULL, OPT_KEEP_ENV },
		{ "clear-env", no_argument, NULL, OPT_CLEAR_ENV },
		{ "set-var", required_argument, NULL, 'v' },
		{ "keep-var", required_argument, NULL, OPT_KEEP_VAR },
		{ "pty-log", required_argument, NULL, 'L' },
		{ "remount-sys-proc", no_argument, NULL, 'R' },
		{ "arch", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	/* '+': the command's own options stay its own. */
	while ((opt = getopt_long(argc, argv, "+" TOOL_COMMON_SHORTOPTS "e::s:u:g:v:L:Ra:f:",
				  longopts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			/* LXC's -e takes its list only attached (-eCAP); "-e CAP"
			 * is taken too, when every word of the next one is a
			 * privilege (a command named CAP needs "--"). */
			if (!optarg && optind < argc && is_priv_list(argv[optind]))
				optarg = argv[optind++];
			a->o.elevated = optarg ? (unsigned)parse_words(t, "-e", optarg, priv_words, 3)
					       : LXCMGR_ATTACH_ELEVATED_ALL;
			break;
		case 's':
			a->o.namespaces = parse_words(t, "-s", optarg, ns_words,
						    sizeof(ns_words) / sizeof(ns_words[0]));
			break;
		case 'u': a->o.uid = parse_id(t, "-u", optarg); break;
		case 'g': a->o.gid = parse_id(t, "-g", optarg); break;
		case OPT_KEEP_ENV: a->o.env_mode = LXCMGR_ATTACH_ENV_KEEP; break;
		case OPT_CLEAR_ENV: a->o.env_mode = LXCMGR_ATTACH_ENV_CLEAR; break;
		case 'v':
			if (!strchr(optarg, '='))
				tool_usage_error(t, "-v: \"%s\" is not NAME=VALUE", optarg);
			push(&a->set_vars, &a->n_set, optarg);
			break;
		case OPT_KEEP_VAR: push(&a->keep_vars, &a->n_keep, optarg); break;
		case 'L': a->o.pty_log = optarg; break;
		case 'R': a->o.remount_sys_proc = true; break;
		case 'a':
			tool_usage_error(t, "-a is not supported yet (personalities come later)");
		case 'f':
			tool_usage_error(t, "-f is not supported: lxc-attach takes everything it "
					 "applies from the running container");
		default:
			if (!tool_common_option(t, opt, optarg))
				tool_usage_error(t, "unknown option");
		}
	}
	if (t->rcfile) /* --rcfile, a common option */
		tool_usage_error(t, "--rcfile is not supported: lxc-attach takes everything it "
				 "applies from the running container");
	a->o.set_vars = a->set_vars;
	a->o.keep_vars = a->keep_vars;
}

/* The exit status of lxc-attach when the command did not run: as a shell's,
 * 127 for a command not found, 126 for one that cannot be run, else 1. */
static int failure_status(const lxcmgr_error *err)
{
	if (err && err->status == ENOENT)
		return 127;
	if (err && (err->status == EACCES || err->status == ENOEXEC))
		return 126;
	return 1;
}

int main(int argc, char **argv)
{
	struct tool t = { .progname = "lxc-attach", .help = help };
	struct attach_args a = { .o = { .uid = -1, .gid = -1 } };
	lxcmgr_error *err = NULL;
	int status = 0, ret = 1;

	parse_args(&t, &a, argc, argv);
	tool_require_name(&t);
	if (tool_setup(&t) < 0)
		return 1;
	a.o.argv = (const char *const *)&argv[optind];
	a.o.exec_helper = getenv("LXCMGR_EXEC_PATH");
	if (a.o.exec_helper && !a.o.exec_helper[0])
		a.o.exec_helper = NULL;
	/* Everything attach applies comes from the running container: its
	 * config is not read (and may be mid-edit). */
	struct lxcmgr_container *c = lxcmgr_container_new_unloaded(t.ctx, t.name, &err);
	if (c && !lxcmgr_container_is_defined(c)) {
		/* Said here: tool_exit below would add "unknown error". */
		tool_errorf(&t, "no container \"%s\" in \"%s\"", t.name, lxcmgr_ctx_lxcpath(t.ctx));
		free(a.set_vars);
		free(a.keep_vars);
		lxcmgr_container_put(c);
		tool_finish(&t);
		return 1;
	}
	if (c && lxcmgr_container_attach(c, &a.o, &status, &err) == 0)
		ret = 0;
	free(a.set_vars);
	free(a.keep_vars);
	if (ret != 0) {
		int code = failure_status(err);
		tool_exit(&t, -1, err, c);
		return code;
	}
	tool_exit(&t, 0, NULL, c);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
