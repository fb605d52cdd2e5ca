/* lxc-execute: run one command in a container, in the foreground, with
 * lxcmgr-init as PID 1 in front of it; exits with the command's status. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

/* The helper that runs as PID 1; LXCMGR_INIT_PATH overrides (the tests
 * use the build tree's). */
#define INIT_HELPER LIBEXECDIR "/lxcmgr/lxcmgr-init"

static const char help[] =
	"Usage: lxc-execute -n NAME [-f CONFIG] [-s KEY=VAL]... [-u UID] [-g GID]\n"
	"                   [OPTIONS] [--] [COMMAND [ARG]...]\n"
	"\n"
	"Run COMMAND in the container NAME, in the foreground, with a minimal init\n"
	"(lxcmgr-init) as PID 1 that forwards signals to it and reaps orphans. COMMAND\n"
	"has this process's standard input, output and error; lxc-execute exits with\n"
	"COMMAND's exit status (128+N when signal N killed it). Without COMMAND,\n"
	"lxc.execute.cmd of the config is run.\n"
	"\n"
	"Options:\n"
	"  -f, --rcfile=FILE        load FILE instead of the container's config; when\n"
	"                           FILE sets no lxc.rootfs.path, the container's is used\n"
	"  -s, --define=KEY=VAL     set a config item for this run only (repeatable)\n"
	"  -u, --uid=UID            run as UID (lxc.init.uid)\n"
	"  -g, --gid=GID            run as GID (lxc.init.gid)\n"
	"  -d, --daemon             not supported yet: lxc-execute stays in the foreground\n"
	TOOL_SHARE_HELP
	"  -- COMMAND               the command and its arguments\n"
	"\n" TOOL_COMMON_HELP;


/* -u and -g become defines; their lines are freed at the end. */
struct execute_args {
	char *uid_line, *gid_line;
};

static char *define_line(const char *key, const char *value)
{
	char *line = NULL;

	if (asprintf(&line, "%s=%s", key, value) < 0)
		abort();
	return line;
}

static void parse_args(struct tool *t, struct execute_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "define", required_argument, NULL, 's' },
		{ "uid", required_argument, NULL, 'u' },
		{ "gid", required_argument, NULL, 'g' },
		{ "daemon", no_argument, NULL, 'd' },
		TOOL_SHARE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *uid = NULL, *gid = NULL;
	int opt;

	/* '+': stop at the first non-option, so "-- COMMAND -x" keeps its own options. */
	while ((opt = getopt_long(argc, argv, "+" TOOL_COMMON_SHORTOPTS "f:s:u:g:d", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'f': t->rcfile = optarg; break;
		case 's': tool_add_define(t, optarg); break;
		case 'u': uid = optarg; break;
		case 'g': gid = optarg; break;
		case 'd':
			tool_usage_error(t, "-d is not supported yet: lxc-execute runs in the foreground "
					 "(lxc-start runs a container in the background)");
		default:
			if (!tool_share_option(t, opt, optarg) && !tool_common_option(t, opt, optarg))
				tool_usage_error(t, "unknown option");
		}
	}
	/* After the -s lines, as if they came last. */
	if (uid)
		tool_add_define(t, a->uid_line = define_line("lxc.init.uid", uid));
	if (gid)
		tool_add_define(t, a->gid_line = define_line("lxc.init.gid", gid));
}

/* --rcfile replaces the container's config, as with lxc-start. A plain
 * application config need not name a root file system: the container's
 * own is kept then. */
static int load_config(struct tool *t, struct lxcmgr_container *c, const struct execute_args *a,
		       lxcmgr_error **err)
{
	char *own_rootfs = NULL, *rootfs = NULL;
	int ret = 0;

	if (t->rcfile) {
		ret = lxcmgr_container_get_item(c, "lxc.rootfs.path", &own_rootfs, err);
		ret = ret ?: lxcmgr_container_load_config(c, t->rcfile, err);
		ret = ret ?: lxcmgr_container_get_item(c, "lxc.rootfs.path", &rootfs, err);
		if (ret == 0 && !rootfs[0] && own_rootfs[0])
			ret = lxcmgr_container_set_item(c, "lxc.rootfs.path", own_rootfs, err);
	}
	if (ret == 0 && tool_apply_defines(t, c, err) < 0)
		ret = -1;
	free(own_rootfs);
	free(rootfs);
	return ret < 0 ? -1 : 0;
}

/* lxc.execute.cmd, split into words as LXC does: at blanks, except inside
 * '...' or "..." (the quotes go). Returns a NULL-terminated vector whose
 * words point into *buf, or NULL when the key is unset. */
static char **execute_cmd(struct lxcmgr_container *c, char **buf, lxcmgr_error **err)
{
	size_t n = 0;
	char **argv;

	if (lxcmgr_container_get_item(c, "lxc.execute.cmd", buf, err) < 0 || !(*buf)[0])
		return NULL;
	argv = calloc(strlen(*buf) / 2 + 2, sizeof(*argv));
	if (!argv)
		abort();
	for (char *in = *buf, *out = *buf; *in;) {
		char quote = 0;
		while (*in == ' ' || *in == '\t')
			in++;
		if (!*in)
			break;
		argv[n++] = out;
		for (; *in && (quote || (*in != ' ' && *in != '\t')); in++) {
			if (!quote && (*in == '\'' || *in == '"'))
				quote = *in;
			else if (quote && *in == quote)
				quote = 0;
			else
				*out++ = *in;
		}
		if (*in)
			in++;
		*out++ = '\0';
	}
	return argv;
}

/* Loads the config and runs COMMAND (or lxc.execute.cmd). 0 when it ran,
 * with init's wait status in *STATUS; -1 with *ERR set, or -2 when the
 * failure was already reported. */
static int execute(struct tool *t, struct lxcmgr_container *c, const struct execute_args *a,
		   char **command, int *status, lxcmgr_error **err)
{
	const char *helper = getenv("LXCMGR_INIT_PATH");
	char *buf = NULL, **words = NULL;
	int ret = -1;

	if (!helper || !helper[0])
		helper = INIT_HELPER;
	if (load_config(t, c, a, err) < 0)
		return -1;
	if (!command[0]) {
		if (!(words = execute_cmd(c, &buf, err)) && !*err)
			tool_usage_error(t, "no command: give one after --, or set lxc.execute.cmd");
		command = words;
	}
	if (command && access(helper, X_OK) < 0) {
		tool_errorf(t, "lxc-execute's init \"%s\": %s (set LXCMGR_INIT_PATH to lxcmgr-init)",
			    helper, strerror(errno));
		ret = -2;
	} else if (command) {
		struct lxcmgr_start_options opts = {
			.foreground = true,
			.init_argv = (const char *const *)command,
			.exec_helper = helper,
			.inherit_stdio = true, /* pipes and the terminal go to the command as they are */
			.exit_status = status,
		};
		ret = lxcmgr_container_start(c, &opts, err) < 0 ? -1 : 0;
	}
	free(words);
	free(buf);
	return ret;
}

int main(int argc, char **argv)
{
	struct tool t = { .progname = "lxc-execute", .help = help };
	struct execute_args a = { 0 };
	lxcmgr_error *err = NULL;
	int status = -1, ret = -1;

	parse_args(&t, &a, argc, argv);
	tool_require_name(&t);
	if (tool_setup(&t) < 0)
		return 1;
	struct lxcmgr_container *c = lxcmgr_container_new(t.ctx, t.name, &err);
	if (c)
		ret = execute(&t, c, &a, &argv[optind], &status, &err);
	free(a.uid_line);
	free(a.gid_line);
	if (ret == -2) {
		lxcmgr_container_put(c);
		tool_finish(&t);
		return 1;
	}
	if (tool_exit(&t, ret, err, c) != 0 || status < 0)
		return 1;
	/* The command's status, as init passed it on; 128+N when init itself
	 * was killed (lxc-stop -k). */
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
