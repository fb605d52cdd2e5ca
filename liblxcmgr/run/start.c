/* Starting a container (the monitor's side of it) and asking a running one
 * about itself: state, init pid, stop, wait. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "ctx.h"
#include "hooks.h"
#include "net/net.h"
#include "run/cgroups.h"
#include "run/childerr.h"
#include "run/conslog.h"
#include "run/monitor.h"
#include "run/proto.h"
#include "run/share.h"
#include "run/spawn.h"
#include "run/start.h"
#include "run/userns.h"
#include "store.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/proctitle.h"
#include "util/run.h"
#include "util/str.h"

/* The namespaces a stop hook is told about, as LXC names them. */
static const struct {
	const char *name; /* in /proc/PID/ns, and version 0's "net:PATH" */
	const char *var;  /* version 1 */
} namespaces[] = {
	{ "mnt", "LXC_MNT_NS" },   { "pid", "LXC_PID_NS" },       { "uts", "LXC_UTS_NS" },
	{ "ipc", "LXC_IPC_NS" },   { "net", "LXC_NET_NS" },       { "user", "LXC_USER_NS" },
	{ "cgroup", "LXC_CGROUP_NS" }, { "time", "LXC_TIME_NS" },
};
#define N_NAMESPACES ARRAY_SIZE(namespaces)

/* What the monitor holds besides struct monitor. */
struct start_ctx {
	struct monitor m;
	struct spawn_io io;
	char (*tty_paths)[DEV_PTY_PATH_MAX];
	const struct lxcmgr_start_options *opts;
	int ns_fds[N_NAMESPACES]; /* init's namespaces, for the stop hooks; -1: none */
	struct console_log console_log;
	struct net_state net;
};

/* --------------------------------------------------------------- ptys */

static int open_pty(int *master, char path[DEV_PTY_PATH_MAX])
{
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (grantpt(fd) < 0 || unlockpt(fd) < 0 || ptsname_r(fd, path, DEV_PTY_PATH_MAX) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	*master = fd;
	return 0;
}

static int open_ptys(struct start_ctx *s, lxcmgr_error **err)
{
	const struct start_plan *p = s->m.plan;
	int ret;

	s->m.tty_masters = calloc(p->tty_max ? p->tty_max : 1, sizeof(int));
	s->m.tty_busy = calloc(p->tty_max ? p->tty_max : 1, sizeof(bool));
	s->tty_paths = calloc(p->tty_max ? p->tty_max : 1, DEV_PTY_PATH_MAX);
	if (!s->m.tty_masters || !s->m.tty_busy || !s->tty_paths)
		return error_set(err, ENOMEM, "allocate ttys");
	for (unsigned i = 0; i < p->tty_max; i++)
		s->m.tty_masters[i] = -1;
	ret = open_pty(&s->m.console_master, s->io.ptys.console);
	if (ret < 0)
		return error_set(err, -ret, "allocate the console pty (/dev/ptmx)");
	for (unsigned i = 0; i < p->tty_max; i++) {
		ret = open_pty(&s->m.tty_masters[i], s->tty_paths[i]);
		if (ret < 0)
			return error_set(err, -ret, "allocate pty for tty%u (/dev/ptmx)", i + 1);
	}
	s->io.ptys.ttys = s->tty_paths;
	s->io.ptys.n_ttys = p->tty_max;
	s->io.console_fd = open(s->io.ptys.console, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s->io.console_fd < 0)
		return error_set(err, errno, "open console \"%s\"", s->io.ptys.console);
	return 0;
}

static void close_ptys(struct start_ctx *s)
{
	if (s->io.console_fd >= 0)
		close(s->io.console_fd);
	s->io.console_fd = -1;
	free(s->tty_paths);
	s->tty_paths = NULL;
}

/* ------------------------------------------------------------ monitor */

static int write_pidfile(const char *path, pid_t pid, lxcmgr_error **err)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	int ret = file_write_runtime(path, buf, (size_t)len, 0644);

	return ret < 0 ? error_set(err, -ret, "write pid file \"%s\"", path) : 0;
}

/* "<socket>.init": init's pid and start time, so that lxc-stop -k can
 * still find and kill init when the monitor itself was killed. */
char *start_init_record_path(const struct lxcmgr_ctx *ctx, const char *name)
{
	cleanup_free char *sock = proto_socket_path(ctx, name);
	return sock ? str_printf("%.*s.init", (int)(strlen(sock) - 5), sock) : NULL;
}

unsigned long long start_process_start_time(int pid)
{
	char path[64], buf[1024];
	unsigned long long start = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* Field 22, counted after the command name's closing parenthesis. */
	char *p = strrchr(buf, ')');
	if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			"%*d %*d %*d %llu", &start) != 1)
		start = 0;
	return start;
}

/* "PID START-TIME [PIDFILE]": the pid file (lxc-start -p), so that the
 * one who cleans up after a killed monitor removes it too. */
static void write_init_record(struct monitor *m)
{
	const char *pidfile = ((struct start_ctx *)m)->opts->pidfile;
	cleanup_free char *path = start_init_record_path(m->c->ctx, m->c->name);
	cleanup_free char *text = str_printf("%d %llu%s%s\n", (int)m->init_pid,
					     start_process_start_time(m->init_pid),
					     pidfile && pidfile[0] == '/' ? " " : "",
					     pidfile && pidfile[0] == '/' ? pidfile : "");

	if (path && (!text || file_write_runtime(path, text, strlen(text), 0600) < 0))
		log_warn(m->c->ctx, "could not record init's pid in \"%s\"", path);
}

/* ------------------------------------------------------------- hooks */

static bool same_namespace(const char *name, int fd)
{
	char self[64];
	struct stat a, b;

	snprintf(self, sizeof(self), "/proc/self/ns/%s", name);
	return stat(self, &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

/* The stop hooks run after init is gone, "with its namespaces still
 * open": the monitor holds each namespace of init's that is not its own. */
static void hold_namespaces(struct start_ctx *s)
{
	char path[64];

	for (size_t i = 0; i < N_NAMESPACES; i++) {
		if (s->ns_fds[i] >= 0)
			close(s->ns_fds[i]);
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)s->m.init_pid,
			 namespaces[i].name);
		s->ns_fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (s->ns_fds[i] >= 0 && same_namespace(namespaces[i].name, s->ns_fds[i])) {
			close(s->ns_fds[i]);
			s->ns_fds[i] = -1;
		}
	}
}

static void release_namespaces(struct start_ctx *s)
{
	for (size_t i = 0; i < N_NAMESPACES; i++) {
		if (s->ns_fds[i] >= 0)
			close(s->ns_fds[i]);
		s->ns_fds[i] = -1;
	}
}

/* The namespaces as /proc/MONITOR/fd/N paths: version 1 gets LXC_NET_NS=...,
 * version 0 "net:..." arguments. */
static int namespace_inputs(struct start_ctx *s, char ***env, char ***args)
{
	for (size_t i = 0; i < N_NAMESPACES; i++) {
		if (s->ns_fds[i] < 0)
			continue;
		if (strv_push(env, str_printf("%s=/proc/%d/fd/%d", namespaces[i].var, (int)getpid(),
					      s->ns_fds[i])) < 0 ||
		    strv_push(args, str_printf("%s:/proc/%d/fd/%d", namespaces[i].name,
					       (int)getpid(), s->ns_fds[i])) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* stop and post-stop: LXC_TARGET says whether init starts again. */
static void run_stop_hooks(struct start_ctx *s, enum hook_type type)
{
	cleanup_strv char **env = NULL, **args = NULL;
	lxcmgr_error *err = NULL;
	bool reboot = monitor_reboot_pending(&s->m);
	int ret = strv_push_dup(&env, reboot ? "LXC_TARGET=reboot" : "LXC_TARGET=stop");

	if (!hook_set_has(&s->m.plan->hooks, type))
		return;
	if (ret == 0 && type == HOOK_STOP)
		ret = namespace_inputs(s, &env, &args);
	struct hook_call call = { .env = env, .args = s->m.plan->hooks.v1 ? NULL : args };
	if (ret < 0)
		error_set(&err, -ret, "%s hooks", hook_type_name(type));
	else
		hooks_run_set(&s->m.plan->hooks, type, &call, &err);
	if (err)
		log_error(s->m.c->ctx, "%s", err->msg);
	lxcmgr_error_free(err);
}

/* Opened before init runs, so its first words are in the file. */
static int open_console_log(struct start_ctx *s, lxcmgr_error **err)
{
	const struct start_plan *p = s->m.plan;

	if (!p->console_log)
		return 0;
	int ret = console_log_open(&s->console_log, p->console_log, p->console_log_size,
				   p->console_log_rotate);
	if (ret < 0) {
		error_set(err, -ret, "open console log \"%s\"", p->console_log);
		error_hint(err, "lxc.console.logfile, %s", p->console_log_origin);
		return ret;
	}
	s->m.console_log = &s->console_log;
	return 0;
}

/* lxc.console.buffer.size: kept by the monitor across reboots. */
static int open_console_ring(struct start_ctx *s, lxcmgr_error **err)
{
	int ret = console_ring_init(&s->m.console_ring, s->m.plan->console_buffer_size);

	if (ret < 0)
		return error_set(err, -ret, "allocate the console ring buffer (%llu bytes, "
				 "lxc.console.buffer.size)",
				 (unsigned long long)s->m.plan->console_buffer_size);
	return 0;
}

/* ------------------------------------------------------------ spawn */

static int spawn(struct start_ctx *s, lxcmgr_error **err)
{
	struct monitor *m = &s->m;
	/* Shared namespaces are looked up anew at each (re)start. */
	int ret = share_open(m->c->ctx, m->plan, s->io.share_fds, err);

	/* Devices are made anew at each (re)start: the last ones went with
	 * the last init's network namespace. */
	ret = ret ?: net_host_setup(&s->net, m->plan, m->c, err);
	ret = ret ?: net_premake(&s->net, err);
	ret = ret ?: spawn_init(m->plan, &s->io, &m->init_pid, &m->init_pidfd, err);
	share_close(s->io.share_fds);
	if (ret < 0)
		net_stop(&s->net, m->c);
	if (ret == 0)
		write_init_record(m);
	if (ret == 0 && hook_set_has(&m->plan->hooks, HOOK_STOP))
		hold_namespaces(s);
	if (ret == 0 && s->opts->pidfile)
		ret = write_pidfile(s->opts->pidfile, m->init_pid, err);
	if (ret == 0)
		log_info(m->c->ctx, "init is pid %d", (int)m->init_pid);
	return ret;
}

/* A reboot: init starts again on the same plan and ptys, after the
 * pre-start hooks, as a fresh start would run them. */
static int respawn(struct monitor *m, lxcmgr_error **err)
{
	if (hooks_run_set(&m->plan->hooks, HOOK_PRE_START, NULL, err) < 0)
		return error_wrap(err, -ECANCELED, "restart stopped");
	return spawn((struct start_ctx *)m, err);
}

/* Last: it reloads the container's config, which the plan no longer needs. */
static void destroy_ephemeral(struct lxcmgr_container *c)
{
	cleanup_error lxcmgr_error *err = NULL;

	if (container_destroy_locked(c, &err) < 0)
		log_error(c->ctx, "lxc.ephemeral: destroy: %s", err->msg);
	else
		log_info(c->ctx, "destroyed (lxc.ephemeral)");
}

static void stopped(struct monitor *m)
{
	struct start_ctx *s = (struct start_ctx *)m;
	const struct lxcmgr_start_options *opts = s->opts;

	run_stop_hooks(s, HOOK_STOP);
	release_namespaces(s);
	net_stop(&s->net, m->c);
	/* A reboot keeps them: the new init goes into the same cgroups. */
	run_cgroup_stopped(m->c, &m->cgroup, monitor_reboot_pending(m));
	s->io.cgroup = m->cgroup;
	run_stop_hooks(s, HOOK_POST_STOP);
	if (opts->pidfile)
		unlink(opts->pidfile);
	cleanup_free char *record = start_init_record_path(m->c->ctx, m->c->name);
	if (record)
		unlink(record);
	log_info(m->c->ctx, "stopped");
	if (m->plan->ephemeral && !monitor_reboot_pending(m))
		destroy_ephemeral(m->c);
}

static const struct monitor_ops start_ops = { .respawn = respawn, .stopped = stopped };

/* While the container is set up (hooks, the first process's work) the
 * monitor answers state requests: lxc-wait -s STARTING, lxc-monitor. */
static int serve_while_waiting(void *data, int fd)
{
	return monitor_wait_readable(data, fd);
}

/* The result an lxc-start in the background waits for. */
struct start_result {
	int errnum; /* 0: init is running */
	char msg[1024];
};

static void send_result(int fd, int ret, const lxcmgr_error *err)
{
	struct start_result r = { .errnum = ret < 0 ? -ret : 0 };

	if (fd < 0)
		return;
	if (ret < 0)
		snprintf(r.msg, sizeof(r.msg), "%s", err && err->msg ? err->msg : "start failed");
	if (write(fd, &r, sizeof(r)) < 0)
		log_msg(NULL, LXCMGR_LOG_ERROR, "lost the start result");
	close(fd);
}

/* Once lxc-start has its result: the moves wait for an RCU grace period
 * (spawn.c, place_child), which neither lxc-start nor init's boot need to
 * wait for. Before the loop, so that a request served (lxc-info, lxc-stop)
 * finds the monitor in its cgroups. It stays there across reboots. */
static void enter_monitor_cgroup(struct monitor *m)
{
	cleanup_error lxcmgr_error *err = NULL;

	if (m->cgroup && !m->cgroup->monitor_entered &&
	    cgroup_enter(m->cgroup, CGROUP_MONITOR, getpid(), &err) < 0)
		log_error(m->c->ctx, "move the monitor into its cgroup: %s", err->msg);
}

/* Sets up and runs the monitor in this process; returns when the
 * container has stopped (or failed to start). RESULT_FD gets the outcome
 * of the start as soon as it is known. LOCK_FD, the container lock, is the
 * monitor's to let go (struct monitor). */
static int monitor_main(struct lxcmgr_container *c, struct start_plan *plan,
			const struct lxcmgr_start_options *opts, int result_fd, int lock_fd,
			lxcmgr_error **err)
{
	struct start_ctx s = { .opts = opts, .console_log = { .fd = -1 }, .net = NET_STATE_INIT };
	sigset_t mask;
	int ret;

	for (size_t i = 0; i < N_NAMESPACES; i++)
		s.ns_fds[i] = -1;
	s.m = (struct monitor){ .c = c, .plan = plan, .ops = &start_ops, .init_pidfd = -1,
				.listen_fd = -1, .console_master = -1, .fg_in = -1, .fg_out = -1,
				.attachd_pidfd = -1, .lock_fd = lock_fd };
	s.io.console_fd = -1;
	s.io.net = &s.net;
	/* lxc-execute (inherit_stdio): init gets this process's fds 0, 1, 2
	 * (spawn.c), so the monitor must not touch them: fg_in and fg_out stay
	 * -1 and the console is drained as in the background. */
	s.io.inherit_stdio = opts->inherit_stdio;
	s.m.forward_signals = opts->foreground;
	if (opts->foreground && !opts->inherit_stdio) {
		s.m.fg_in = STDIN_FILENO;
		s.m.fg_out = STDOUT_FILENO;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	ret = monitor_listen(&s.m, err);
	ret = ret ?: run_cgroup_setup(c, plan, &s.m.cgroup, err);
	s.io.cgroup = s.m.cgroup;
	struct run_waiter waiter = { .wait = serve_while_waiting, .data = &s.m };
	struct hook_call pre_start = { .waiter = &waiter };
	s.io.waiter = &waiter;
	ret = ret ?: open_ptys(&s, err);
	/* The container's root must be able to use its cgroups and ptys. */
	if (ret == 0 && plan_userns(plan)) {
		ret = userns_own_cgroup(plan, s.m.cgroup, err);
		ret = ret ?: userns_own_ptys(plan, &s.io.ptys, err);
	}
	ret = ret ?: open_console_log(&s, err);
	ret = ret ?: open_console_ring(&s, err);
	if (ret == 0 && hooks_run_set(&plan->hooks, HOOK_PRE_START, &pre_start, err) < 0)
		ret = error_wrap(err, -ECANCELED, "start stopped");
	ret = ret ?: spawn(&s, err);
	send_result(result_fd, ret, err ? *err : NULL);
	if (ret == 0) {
		enter_monitor_cgroup(&s.m);
		monitor_set_state(&s.m, LXCMGR_STATE_RUNNING);
		/* The set-up ran through most of the code; the loop needs little. */
		s.m.release_pages = !opts->foreground;
		ret = monitor_loop(&s.m);
		if (opts->foreground && opts->exit_status) /* lxc-execute's exit status */
			*opts->exit_status = s.m.init_status;
	}
	close_ptys(&s); /* kept until here: a reboot spawns init on them again */
	release_namespaces(&s);
	net_stop(&s.net, c); /* a failed start or restart */
	run_cgroup_stopped(c, &s.m.cgroup, false);
	console_log_close(&s.console_log);
	monitor_release(&s.m);
	return ret;
}

/* -------------------------------------------------------------- start */

/* lxc-execute: lxcmgr-init becomes init, the command its child:
 * init_argv = { SPAWN_EXEC_HELPER_PATH, "--", COMMAND... }. */
static int use_exec_helper(struct start_plan *plan, const struct lxcmgr_start_options *opts,
			    lxcmgr_error **err)
{
	size_t n = 0;

	if (!opts->exec_helper)
		return 0;
	if (opts->exec_helper[0] != '/')
		return error_msg(err, EINVAL, "lxc-execute's init \"%s\": not an absolute path",
				 opts->exec_helper);
	while (plan->init_argv && plan->init_argv[n])
		n++;
	char **argv = calloc(n + 3, sizeof(*argv));
	if (!argv || !(argv[0] = strdup(SPAWN_EXEC_HELPER_PATH)) || !(argv[1] = strdup("--"))) {
		strv_free(argv);
		return error_set(err, ENOMEM, "lxc-execute's command line");
	}
	for (size_t i = 0; i < n; i++)
		argv[i + 2] = plan->init_argv[i]; /* the strings move to ARGV */
	free(plan->init_argv);
	plan->init_argv = argv;
	plan->exec_helper = opts->exec_helper;
	return 0;
}

static bool is_running(struct lxcmgr_container *c)
{
	cleanup_close int fd = -1;
	return proto_connect(c->ctx, c->name, &fd) == 0;
}

/* "[lxcmgr monitor] LXCPATH NAME" in ps, as LXC's monitor shows itself;
 * "lxcmgr-NAME" as the short name (top, ps -o comm). */
static void set_title(const struct lxcmgr_container *c)
{
	char comm[16];
	cleanup_free char *title = str_printf("[lxcmgr monitor] %s %s", c->ctx->lxcpath, c->name);

	snprintf(comm, sizeof(comm), "lxcmgr-%s", c->name);
	prctl(PR_SET_NAME, comm, 0, 0, 0);
	int ret = title ? proctitle_set(title) : -ENOMEM;
	if (ret < 0)
		log_debug(c->ctx, "monitor title not set: %s", strerror(-ret));
}

/* The monitor in the background: in a session of its own, stdio on
 * /dev/null, holding the container lock for as long as it runs. A
 * grandchild of the caller, unless opts->monitor_child: a fork less (2-3 ms
 * here), when the caller's exit hands the monitor to init anyway. Either
 * way it never has a controlling terminal: every tty it opens is O_NOCTTY. */
static __attribute__((noreturn)) void become_monitor(struct lxcmgr_container *c,
						     struct start_plan *plan,
						     const struct lxcmgr_start_options *opts,
						     int result_fd, int lock_fd)
{
	lxcmgr_error *err = NULL;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (setsid() < 0 || null < 0)
		_exit(1);
	if (!opts->monitor_child && fork() != 0)
		_exit(0); /* the first child ends at once; the starter reaps it */
	for (int i = 0; i < 3; i++)
		dup2(null, i);
	if (chdir("/") < 0)
		_exit(1);
	set_title(c);
	int ret = monitor_main(c, plan, opts, result_fd, lock_fd, &err);
	lxcmgr_error_free(err);
	_exit(ret < 0 ? 1 : 0);
}

/* lxc-start's monitor (opts->monitor_child) shares lxc-start's memory,
 * made with clone(CLONE_VM) on a stack of its own, where a fork copied
 * lxc-start's page tables and both then took a copy-on-write fault at
 * every page they wrote (on this paravirtualized VM, each a trip to the
 * hypervisor). lxc-start only sleeps in read() until the result comes, then
 * ends with _exit() (lxcmgr_container_start does not return), or reaps a
 * monitor that failed before it goes on: the two never run libc at once,
 * whose heap, stdio and thread block (errno, malloc's cache) they share.
 * ASan cannot follow code on a stack of ours: sanitizer builds fork. */
#if defined(__SANITIZE_ADDRESS__)
#define MONITOR_SHARES_MEMORY false
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MONITOR_SHARES_MEMORY false
#endif
#endif
#ifndef MONITOR_SHARES_MEMORY
#define MONITOR_SHARES_MEMORY true
#endif
#define MONITOR_STACK (8u << 20) /* as a main thread's; pages are used as touched */

struct monitor_args {
	struct lxcmgr_container *c;
	struct start_plan *plan;
	const struct lxcmgr_start_options *opts;
	int result_fd, read_end;
	int lock_fd; /* the container lock: the monitor's copy is the one that counts */
};

static int monitor_entry(void *arg)
{
	const struct monitor_args *a = arg;

	close(a->read_end);
	become_monitor(a->c, a->plan, a->opts, a->result_fd, a->lock_fd);
}

/* The monitor: a fork, or for monitor_child a process sharing our memory. */
static pid_t make_monitor(const struct monitor_args *a)
{
	if (!a->opts->monitor_child || !MONITOR_SHARES_MEMORY) {
		pid_t pid = fork();
		if (pid == 0)
			monitor_entry((void *)a);
		return pid;
	}
	char *stack = mmap(NULL, MONITOR_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	mprotect(stack, 4096, PROT_NONE); /* an overflow faults instead of writing below */
	pid_t pid = clone(monitor_entry, stack + MONITOR_STACK, CLONE_VM | SIGCHLD, (void *)a);
	if (pid < 0) {
		int e = errno;
		munmap(stack, MONITOR_STACK);
		errno = e;
	}
	return pid;
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* CHILD is the monitor itself when MONITOR_CHILD, else the first child of a
 * double fork. A monitor that failed the start ends at once: reaped here. */
static int wait_result(int fd, pid_t child, bool monitor_child, lxcmgr_error **err)
{
	struct start_result r;
	ssize_t n;

	if (!monitor_child)
		reap(child);
	while ((n = read(fd, &r, sizeof(r))) < 0 && errno == EINTR)
		;
	if (monitor_child && (n != (ssize_t)sizeof(r) || r.errnum != 0))
		reap(child);
	if (n != (ssize_t)sizeof(r))
		return error_msg(err, EIO, "the monitor ended before the container started "
				 "(run lxc-start -F or with -o LOGFILE -l DEBUG to see why)");
	if (r.errnum == 0)
		return 0;
	r.msg[sizeof(r.msg) - 1] = '\0';
	return error_msg(err, r.errnum, "%s", r.msg);
}

LXCMGR_PUBLIC int lxcmgr_container_start(struct lxcmgr_container *c,
					 const struct lxcmgr_start_options *opts,
					 lxcmgr_error **err)
{
	struct lxcmgr_start_options none = { 0 };
	struct start_plan *plan = NULL;
	cleanup_close int lock_fd = -1;
	int pipefd[2], ret;

	opts = opts ? opts : &none;
	if (!lxcmgr_container_is_defined(c))
		return error_msg(err, ENOENT, "no container \"%s\" in \"%s\"", c->name,
				 c->ctx->lxcpath);
	if (is_running(c))
		return error_msg(err, EEXIST, "container \"%s\" is already running", c->name);
	if (opts->inherit_stdio && !opts->foreground)
		return error_msg(err, EINVAL, "inherit_stdio needs a start in the foreground");
	ret = store_lock(c->ctx, c->name, &lock_fd, err);
	ret = ret ?: plan_net_fix_hwaddrs(c, err);
	ret = ret ?: plan_build(c, (char *const *)opts->init_argv, &plan, err);
	ret = ret ?: use_exec_helper(plan, opts, err);
	for (size_t i = 0; ret == 0 && plan->notices && plan->notices[i]; i++)
		log_warn(c->ctx, "%s", plan->notices[i]);
	if (ret < 0) {
		plan_free(plan);
		return ret;
	}
	if (opts->foreground) {
		ret = monitor_main(c, plan, opts, -1, steal_fd(lock_fd), err);
		plan_free(plan);
		return ret;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		plan_free(plan);
		return error_set(err, errno, "create the start pipe");
	}
	/* Waiting for the result, this process is in the caller's cgroup,
	 * which an ordinary user's monitor may need to empty (cgroups.c). */
	if (opts->monitor_child)
		plan->cgroup.starter = getpid();
	struct monitor_args args = { .c = c, .plan = plan, .opts = opts, .result_fd = pipefd[1],
				     .read_end = pipefd[0], .lock_fd = lock_fd };
	pid_t pid = make_monitor(&args);
	close(pipefd[1]);
	/* From here the monitor holds the lock alone: it lets go when it is
	 * done, whether or not this process is still around. */
	close(steal_fd(lock_fd));
	ret = pid < 0 ? error_set(err, errno, "fork the monitor")
		      : wait_result(pipefd[0], pid, opts->monitor_child, err);
	if (ret == 0 && opts->monitor_child)
		_exit(0); /* the monitor may be using our heap by now: see make_monitor */
	close(pipefd[0]);
	plan_free(plan);
	return ret;
}
