/* lxc-usernsexec: run a command as root in a new user namespace (and a new
 * mount namespace), with the maps of -m or the caller's subordinate ids. */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "security/subid.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

static const char progname[] = "lxc-usernsexec";

static const char help[] =
	"Usage: lxc-usernsexec [-m MAP]... [-s] [--] [COMMAND [ARG]...]\n"
	"\n"
	"Run COMMAND (default /bin/sh) as root (uid and gid 0) in a new user\n"
	"namespace and a new mount namespace. An ordinary user's maps are written\n"
	"by newuidmap and newgidmap, which allow the ranges /etc/subuid and\n"
	"/etc/subgid give the user, and the user's own ids.\n"
	"\n"
	"Options:\n"
	"  -m MAP     a map, KIND:NSID:HOSTID:COUNT; KIND u (uids), g (gids) or b\n"
	"             (both): COUNT ids from NSID inside are HOSTID... outside.\n"
	"             Repeat for more. Id 0 of both kinds must be mapped.\n"
	"             Default: the caller's first subordinate uid and gid ranges,\n"
	"             each mapped from 0.\n"
	"  -s         also map the caller's own uid and gid, at the lowest ids the\n"
	"             maps leave free\n"
	"  -h, --help show this help\n"
	"      --version  show the version\n"
	"\n"
	"The exit status is COMMAND's (128+N when killed by signal N).\n"
	"\n"
	"Example: lxc-usernsexec -m b:0:100000:65536 -- id -u\n";

__attribute__((noreturn, format(printf, 1, 2))) static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see %s --help)\n", progname);
	exit(1);
}

/* "u:0:100000:65536" as the lxc.idmap line "u 0 100000 65536". */
static char *map_line(const char *arg)
{
	struct idmap_line m;
	char *line = strdup(arg);

	if (!line)
		return NULL;
	for (char *p = line; *p; p++)
		if (*p == ':')
			*p = ' ';
	if (strchr(arg, ' ') || idmap_line_parse(line, &m) < 0)
		usage_error("-m \"%s\" is not KIND:NSID:HOSTID:COUNT (e.g. b:0:100000:65536)", arg);
	return line;
}

/* The caller's own ids, where the maps do not hold them yet. */
static int map_self(char ***lines)
{
	unsigned long uid = getuid(), gid = getgid();
	int ret = 0;

	if (idmap_host_to_ns(*lines, 'u', uid) < 0)
		ret = strv_push(lines, str_printf("u %lu %lu 1", idmap_unmapped_nsid(*lines, 'u'),
						  uid));
	if (ret == 0 && idmap_host_to_ns(*lines, 'g', gid) < 0)
		ret = strv_push(lines, str_printf("g %lu %lu 1", idmap_unmapped_nsid(*lines, 'g'),
						  gid));
	return ret;
}

/* The first subordinate uid and gid ranges, whole, from 0 (LXC's default). */
static int default_maps(char ***lines, lxcmgr_error **err)
{
	struct subid_env env;
	cleanup_free char *name = NULL;
	int ret = subid_env_self(&env, &name, err);

	for (int k = 0; k < 2 && ret == 0; k++) {
		char kind = k == 0 ? 'u' : 'g';
		struct subid_range r;
		ret = subid_first_range(&env, kind, &r, err);
		if (ret == 0 && strv_push(lines, str_printf("%c 0 %lu %lu", kind, r.first,
							    r.count)) < 0)
			ret = error_set(err, ENOMEM, "default map");
	}
	return ret;
}

/* In the child, root of the new user namespace. */
__attribute__((noreturn)) static void run_command(char **argv)
{
	/* Mounts made inside stay there; the host's do not come in later. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0) {
		fprintf(stderr, "%s: new mount namespace: %s\n", progname, strerror(errno));
		_exit(1);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	execvp(argv[0], argv);
	int e = errno;
	fprintf(stderr, "%s: run \"%s\": %s\n", progname, argv[0], strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "%s: wait for the command: %s\n", progname,
				strerror(errno));
			return 1;
		}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static char *default_argv[] = { (char *)"/bin/sh", NULL };
	cleanup_strv char **lines = calloc(1, sizeof(*lines));
	cleanup_error lxcmgr_error *err = NULL;
	bool self = false;
	int opt;

	if (!lines)
		return 1;
	/* '+': options end at COMMAND, whose own options are its own. */
	while ((opt = getopt_long(argc, argv, "+m:sh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (strv_push(&lines, map_line(optarg)) < 0)
				return 1;
			break;
		case 's':
			self = true;
			break;
		case 'h':
			fputs(help, stdout);
			return 0;
		case 'V':
			printf("%s %s\n", progname, lxcmgr_version());
			return 0;
		default:
			usage_error("unknown option");
		}
	}
	char **cmd = optind < argc ? argv + optind : default_argv;
	if (!lines[0] && default_maps(&lines, &err) < 0) {
		fprintf(stderr, "%s: %s\n", progname, err->msg);
		return 1;
	}
	if (self && map_self(&lines) < 0)
		return 1;
	/* Ctrl-C goes to the command; we live on to pass its status back. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	pid_t pid = userns_fork(lines, &err);
	if (pid == 0)
		run_command(cmd);
	if (pid < 0) {
		fprintf(stderr, "%s: %s\n", progname, err ? err->msg : strerror((int)-pid));
		return 1;
	}
	return wait_status(pid);
}
