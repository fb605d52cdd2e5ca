/* lxcmgr-init: the PID 1 that lxc-execute puts in front of the command, as
 * LXC's init.lxc does. Linked statically, so it runs in any rootfs; it is
 * bound onto /dev/.lxcmgr-init in the container and never copied there.
 *
 *   lxcmgr-init [--] COMMAND [ARG]...
 *
 * It forks COMMAND (execvp: the container's PATH), forwards signals to it,
 * reaps every process that ends up as its child (orphans of the PID
 * namespace come to PID 1), and exits with COMMAND's status: its exit code,
 * or 128+N when signal N killed it. Before exiting it sends SIGTERM to what
 * is left in the namespace, then SIGKILL after GRACE_MS.
 *
 * All signals stay blocked and are taken with sigtimedwait(), so there are
 * no handlers and no races between a signal and a wait. For PID 1 this
 * matters twice: the kernel drops signals that init has no handler for,
 * but not blocked ones, which stay pending until taken.
 *
 * Forwarded to COMMAND: SIGTERM SIGINT SIGHUP SIGQUIT SIGUSR1 SIGUSR2
 * SIGWINCH SIGCONT as they are, and SIGPWR as SIGTERM: SIGPWR is the halt
 * signal lxc-stop sends to an init, and SIGTERM is what an application
 * takes as "shut down" (init.lxc treats both as shutdown too). */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GRACE_MS 1000 /* from SIGTERM to SIGKILL of what is left (init.lxc: 1 s) */

static const int forwarded[] = { SIGTERM, SIGINT,  SIGHUP,   SIGQUIT, SIGUSR1,
				 SIGUSR2, SIGPWR, SIGWINCH, SIGCONT };

static bool is_forwarded(int sig)
{
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		if (forwarded[i] == sig)
			return true;
	return false;
}

/* In the child: the signal mask init started with, then COMMAND. */
static __attribute__((noreturn)) void run_command(char **argv, const sigset_t *mask)
{
	sigprocmask(SIG_SETMASK, mask, NULL);
	execvp(argv[0], argv);
	int err = errno;
	fprintf(stderr, "lxcmgr-init: exec \"%s\": %s\n", argv[0], strerror(err));
	_exit(err == EACCES ? 126 : 127);
}

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Reaps every child that has ended. Sets *code when COMMAND is among them.
 * Returns false once no child is left. */
static bool reap(pid_t command, int *code, bool *command_done)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return false; /* ECHILD */
		if (pid == 0)
			return true;
		if (pid == command) {
			*code = exit_code(status);
			*command_done = true;
		}
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Everything but us in the PID namespace (kill(-1) skips the caller). Only
 * as PID 1: anywhere else kill(-1) would reach every process of the user. */
static void signal_all(int sig)
{
	if (getpid() != 1)
		return;
	kill(-1, sig);
	if (sig == SIGTERM)
		kill(-1, SIGCONT); /* a stopped process would not see SIGTERM until woken */
}

int main(int argc, char **argv)
{
	enum { RUNNING, TERMINATING, KILLING } phase = RUNNING;
	sigset_t all, saved;
	bool command_done = false;
	long long deadline = 0;
	int code = 0;

	argv++;
	argc--;
	if (argc > 0 && strcmp(argv[0], "--") == 0) {
		argv++;
		argc--;
	}
	if (argc < 1) {
		fputs("Usage: lxcmgr-init [--] COMMAND [ARG]...\n", stderr);
		return 2;
	}
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &saved);
	pid_t command = fork();
	if (command < 0) {
		fprintf(stderr, "lxcmgr-init: fork: %s\n", strerror(errno));
		return 126;
	}
	if (command == 0)
		run_command(argv, &saved);

	for (;;) {
		struct timespec wait, *timeout = NULL;
		siginfo_t si;

		if (phase == TERMINATING) {
			long long left = deadline - now_ms();
			left = left < 0 ? 0 : left;
			wait = (struct timespec){ .tv_sec = left / 1000, .tv_nsec = left % 1000 * 1000000 };
			timeout = &wait;
		}
		int sig = sigtimedwait(&all, &si, timeout);
		if (sig > 0 && phase == RUNNING && is_forwarded(sig))
			kill(command, sig == SIGPWR ? SIGTERM : sig);
		/* Any wake-up is a good time to reap: SIGCHLDs coalesce. */
		if (!reap(command, &code, &command_done))
			return code; /* COMMAND and everyone else are gone */
		if (phase == RUNNING && command_done && getpid() != 1)
			return code; /* not an init (run by hand): nothing else is ours */
		if (phase == RUNNING && command_done) {
			signal_all(SIGTERM);
			deadline = now_ms() + GRACE_MS;
			phase = TERMINATING;
		} else if (phase == TERMINATING && now_ms() >= deadline) {
			signal_all(SIGKILL);
			phase = KILLING; /* now only the last exits are awaited */
		}
	}
}
