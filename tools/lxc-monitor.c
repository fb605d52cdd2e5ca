/* lxc-monitor: print the state changes of the containers whose names match
 * a regular expression, one line each, until interrupted.
 *
 * One thread per lxcpath (-P may be repeated), each in
 * lxcmgr_watch_states() with a context of its own. SIGINT and SIGTERM are
 * blocked everywhere and read from a signalfd by the main thread, which
 * then ends the watches through a pipe they all poll. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-monitor [-n REGEX] [-P PATH]... [OPTIONS]\n"
	"\n"
	"Print a line for each state change of the containers whose whole names match\n"
	"REGEX, until interrupted (SIGINT, SIGTERM):\n"
	"  'web' changed state to [RUNNING]\n"
	"The containers that run when lxc-monitor starts come first, with their state.\n"
	"\n"
	"Options:\n"
	"  -n, --name=REGEX         POSIX extended regular expression for the names\n"
	"                           (default '.*': all containers)\n"
	"  -P, --lxcpath=PATH       follow the containers of PATH; repeat for more paths\n"
	"  -Q, --quit               exit at once: there is no lxc-monitord to stop\n"
	"\n"
	"Exit status: 0 when interrupted or with -Q, 1 on an error.\n"
	"\n" TOOL_COMMON_HELP;

struct monitor_opts {
	const char *regex;
	const char **paths; /* -P in order; { NULL } for the default lxcpath */
	size_t npaths;
	bool quit;
};

/* One lxcpath being watched. */
struct path_watch {
	struct tool t;     /* its own context */
	const regex_t *re;
	int cancel_fd;     /* readable: stop watching */
	int done_fd;       /* gets a byte when the watch ends */
	pthread_t thread;
	bool started;
	int ret;           /* of lxcmgr_watch_states() */
	lxcmgr_error *err;
};

static void parse_args(struct tool *t, struct monitor_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "quit", no_argument, NULL, 'Q' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS "Q", longopts, NULL)) != -1) {
		if (opt == 'n') {
			o->regex = optarg; /* not t->name: errors are not about one container */
		} else if (opt == 'P') {
			o->paths[o->npaths++] = optarg;
		} else if (opt == 'Q') {
			o->quit = true;
		} else if (!tool_common_option(t, opt, optarg)) {
			tool_usage_error(t, "unknown option");
		}
	}
	if (optind < argc)
		tool_usage_error(t, "unexpected argument \"%s\"; give the names as -n REGEX",
				 argv[optind]);
	if (o->npaths == 0)
		o->npaths = 1; /* paths[0] is NULL: lxc.lxcpath */
}

/* The whole name must match, as LXC's "^REGEX$" means to. POSIX's
 * leftmost-longest rule makes a match covering the whole name, when there
 * is one, the match found. */
static bool name_matches(const char *name, void *data)
{
	regmatch_t m;

	return regexec(data, name, 1, &m, 0) == 0 && m.rm_so == 0 &&
	       (size_t)m.rm_eo == strlen(name);
}

static int print_state(const char *name, int state, void *data)
{
	int ret = 0;

	flockfile(stdout); /* one line at a time from the threads */
	printf("'%s' changed state to [%s]\n", name, lxcmgr_state_name(state));
	if (fflush(stdout) != 0)
		ret = errno ? -errno : -EIO;
	funlockfile(stdout);
	return ret;
}

static void *watch_thread(void *arg)
{
	struct path_watch *p = arg;
	char byte = 0;

	p->ret = lxcmgr_watch_states(p->t.ctx, name_matches, (void *)p->re, print_state, NULL, -1,
				     p->cancel_fd, &p->err);
	if (write(p->done_fd, &byte, 1) < 0) {
		/* the pipe cannot be full: one byte per thread */
	}
	return NULL;
}

/* Waits for SIGINT, SIGTERM or the end of a watch (SIGFD -1: no wait), then
 * ends them all. */
static void wait_and_cancel(int sigfd, int done_fd, int cancel_fd)
{
	struct pollfd pfd[2] = { { .fd = sigfd, .events = POLLIN },
				 { .fd = done_fd, .events = POLLIN } };
	char byte = 0;

	while (sigfd >= 0 && poll(pfd, 2, -1) < 0 && errno == EINTR)
		;
	if (write(cancel_fd, &byte, 1) < 0) {
		/* an empty pipe takes a byte */
	}
}

/* Runs a watch per path until a signal or a failure. Returns the exit status. */
static int run_watches(struct path_watch *pw, size_t n, int sigfd)
{
	int cancel[2], done[2], status = 0;

	if (pipe2(cancel, O_CLOEXEC) < 0 || pipe2(done, O_CLOEXEC) < 0) {
		tool_errorf(&pw[0].t, "pipe: %s", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		pw[i].cancel_fd = cancel[0];
		pw[i].done_fd = done[1];
		int ret = pthread_create(&pw[i].thread, NULL, watch_thread, &pw[i]);
		pw[i].started = ret == 0;
		if (ret != 0) {
			tool_errorf(&pw[i].t, "start a thread: %s", strerror(ret));
			status = 1;
			break;
		}
	}
	/* A thread that did not start: end those that did at once. */
	wait_and_cancel(status == 0 ? sigfd : -1, status == 0 ? done[0] : -1, cancel[1]);
	for (size_t i = 0; i < n && pw[i].started; i++) {
		pthread_join(pw[i].thread, NULL);
		if (pw[i].ret != 0 && pw[i].err)
			tool_error(&pw[i].t, pw[i].err);
		else if (pw[i].ret < 0)
			tool_errorf(&pw[i].t, "write to standard output: %s", strerror(-pw[i].ret));
		status |= pw[i].ret != 0;
	}
	close(cancel[0]);
	close(cancel[1]);
	close(done[0]);
	close(done[1]);
	return status;
}

static int compile_regex(struct tool *t, const char *regex, regex_t *re)
{
	char msg[256];
	int ret = regcomp(re, regex, REG_EXTENDED);

	if (ret == 0)
		return 0;
	regerror(ret, re, msg, sizeof(msg));
	tool_errorf(t, "invalid regular expression \"%s\": %s (see regex(7))", regex, msg);
	return -1;
}

/* SIGINT and SIGTERM blocked in every thread, readable from *sigfd. A signal
 * the caller ignores (SIGINT of a job started with &) stays ignored. */
static int take_signals(struct tool *t, int *sigfd)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	*sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (*sigfd < 0)
		tool_errorf(t, "signalfd: %s", strerror(errno));
	return *sigfd < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct tool t = { .progname = "lxc-monitor", .help = help };
	const char **paths = calloc((size_t)argc + 1, sizeof(*paths));
	struct monitor_opts o = { .regex = ".*", .paths = paths };
	int sigfd = -1, status = 1;
	regex_t re;

	if (!paths)
		return 1;
	parse_args(&t, &o, argc, argv);
	if (o.quit) {
		if (!t.quiet)
			fprintf(stderr, "lxc-monitor: -Q: lxcmgr has no lxc-monitord; nothing to stop\n");
		free(paths);
		return 0;
	}
	struct path_watch *pw = calloc(o.npaths, sizeof(*pw));
	if (!pw || compile_regex(&t, o.regex, &re) < 0) {
		free(pw);
		free(paths);
		return 1;
	}
	size_t ready = 0;
	while (ready < o.npaths) {
		pw[ready].t = t;
		pw[ready].t.lxcpath = o.paths[ready];
		pw[ready].re = &re;
		if (tool_setup(&pw[ready].t) < 0)
			break;
		ready++;
	}
	if (ready == o.npaths && take_signals(&t, &sigfd) == 0)
		status = run_watches(pw, o.npaths, sigfd);
	for (size_t i = 0; i < ready; i++) {
		lxcmgr_error_free(pw[i].err);
		tool_finish(&pw[i].t);
	}
	if (sigfd >= 0)
		close(sigfd);
	regfree(&re);
	free(pw);
	free(paths);
	return status;
}
