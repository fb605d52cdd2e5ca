#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/run.h"

/* In the child: only async-signal-safe calls until exec. */
static void child_exec(char *const argv[], char *const env_add[], unsigned flags, int err_fd,
		       int report_fd)
{
	sigset_t none;
	int e;

	/* A monitor blocks signals for its signalfd; a helper must not inherit that. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (flags & RUN_QUIET) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
		}
	}
	if (dup2(err_fd, STDERR_FILENO) < 0)
		goto fail;
	if ((flags & RUN_PRIVATE_MOUNTS) && geteuid() == 0) {
		/* Mounts a template makes stay out of the host's namespace. */
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			goto fail;
	}
	if (flags & RUN_CLEAR_ENV)
		clearenv();
	for (size_t i = 0; env_add && env_add[i]; i++)
		putenv(env_add[i]);
	execvp(argv[0], argv);
fail:
	e = errno;
	if (write(report_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Copies the helper's stderr to ours, keeping its last non-empty line. */
static void pump_stderr(int fd, bool quiet, const struct run_waiter *waiter,
			struct run_result *res)
{
	char buf[4096], line[sizeof(res->last_line)];
	size_t used = 0;
	ssize_t n;

	for (;;) {
		if (waiter && waiter->wait(waiter->data, fd) < 0)
			waiter = NULL;
		if ((n = read(fd, buf, sizeof(buf))) == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (!quiet && write(STDERR_FILENO, buf, (size_t)n) < 0)
			quiet = true;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				if (used > 0) {
					memcpy(res->last_line, line, used);
					res->last_line[used] = '\0';
				}
				used = 0;
			} else if (used < sizeof(line) - 1) {
				line[used++] = buf[i];
			}
		}
	}
	if (used > 0) {
		memcpy(res->last_line, line, used);
		res->last_line[used] = '\0';
	}
}

static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int run_helper(char *const argv[], char *const env_add[], unsigned flags,
	       struct run_result *res)
{
	return run_helper_wait(argv, env_add, flags, NULL, res);
}

static int run_helper_full(char *const argv[], char *const env_add[], unsigned flags,
			   const struct run_waiter *waiter, const struct run_spawn *spawn,
			   struct run_result *res);

int run_helper_wait(char *const argv[], char *const env_add[], unsigned flags,
		    const struct run_waiter *waiter, struct run_result *res)
{
	return run_helper_full(argv, env_add, flags, waiter, NULL, res);
}

int run_helper_spawn(char *const argv[], char *const env_add[], unsigned flags,
		     const struct run_spawn *spawn, struct run_result *res)
{
	return run_helper_full(argv, env_add, flags, NULL, spawn, res);
}

static int run_helper_full(char *const argv[], char *const env_add[], unsigned flags,
			   const struct run_waiter *waiter, const struct run_spawn *spawn,
			   struct run_result *res)
{
	int err_pipe[2], report[2];
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	int status = 0, exec_errno = 0, ret;

	memset(res, 0, sizeof(*res));
	if (pipe2(err_pipe, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(report, O_CLOEXEC) < 0) {
		ret = -errno;
		close(err_pipe[0]);
		close(err_pipe[1]);
		return ret;
	}
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid_t pid = spawn ? spawn->fork(spawn->data) : fork();
	if (pid == 0)
		child_exec(argv, env_add, flags, err_pipe[1], report[1]);
	ret = pid >= 0 ? 0 : spawn ? (int)pid : -errno;
	close(err_pipe[1]);
	close(report[1]);
	if (pid > 0) {
		pump_stderr(err_pipe[0], flags & RUN_QUIET, waiter, res);
		if (read(report[0], &exec_errno, sizeof(exec_errno)) != sizeof(exec_errno))
			exec_errno = 0;
		ret = wait_child(pid, &status);
	}
	close(err_pipe[0]);
	close(report[0]);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (ret < 0)
		return ret;
	if (exec_errno)
		return -exec_errno;
	if (WIFSIGNALED(status))
		res->term_signal = WTERMSIG(status);
	else
		res->exit_status = WEXITSTATUS(status);
	return 0;
}

void run_describe(const struct run_result *res, char *buf, size_t len)
{
	if (res->term_signal)
		snprintf(buf, len, "killed by signal %d (%s)", res->term_signal,
			 strsignal(res->term_signal));
	else if (res->last_line[0])
		snprintf(buf, len, "exit status %d: %s", res->exit_status, res->last_line);
	else
		snprintf(buf, len, "exit status %d", res->exit_status);
}
