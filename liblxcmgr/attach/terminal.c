/* Waiting for the command, with the signals of lxc-attach passed on to it;
 * and the caller's terminal while a command runs on a pty of the container:
 * raw mode (keys go to the container unchanged, ^C included), the window
 * size kept in step, the pty's output copied out (and to -L's log), and
 * the terminal restored before the library returns. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "attach/attach.h"
#include "util/error.h"

void attach_tty_sigset(sigset_t *set)
{
	static const int sigs[] = { SIGWINCH, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD };

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
}

static void copy_winsize(const struct attach_tty *t)
{
	struct winsize ws;

	if (t->master >= 0 && ioctl(t->in_fd, TIOCGWINSZ, &ws) == 0)
		ioctl(t->master, TIOCSWINSZ, &ws);
}

int attach_tty_begin(struct attach_tty *t, int master, const char *log_path,
		     lxcmgr_error **err)
{
	sigset_t set;

	t->master = master;
	t->in_fd = master >= 0 ? STDIN_FILENO : -1;
	t->out_fd = isatty(STDOUT_FILENO) || !isatty(STDERR_FILENO) ? STDOUT_FILENO : STDERR_FILENO;
	/* attach.c blocked these before the fork; now they come here. */
	attach_tty_sigset(&set);
	t->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (t->sigfd < 0)
		return error_set(err, errno, "signalfd");
	if (master < 0)
		return 0; /* no pty: signals only */
	if (log_path) {
		t->log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
		if (t->log_fd < 0)
			return error_set(err, errno, "open the pty log \"%s\"", log_path);
	}
	copy_winsize(t);
	if (tcgetattr(t->in_fd, &t->saved) == 0) {
		struct termios raw = t->saved;
		cfmakeraw(&raw);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		t->raw = tcsetattr(t->in_fd, TCSAFLUSH, &raw) == 0;
	}
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	return 0;
}

void attach_tty_end(struct attach_tty *t)
{
	if (t->raw)
		tcsetattr(t->in_fd, TCSAFLUSH, &t->saved);
	t->raw = false;
	if (t->sigfd >= 0)
		close(t->sigfd);
	if (t->log_fd >= 0)
		close(t->log_fd);
	t->sigfd = t->log_fd = -1;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			poll(&p, 1, -1);
			continue;
		}
		if (n <= 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copies what the pty has for us. false once it has nothing more ever
 * (EIO: every slave is closed). */
static bool pump_out(const struct attach_tty *t)
{
	char buf[16384];

	for (;;) {
		ssize_t n = read(t->master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		if (n <= 0)
			return false;
		write_all(t->out_fd, buf, (size_t)n);
		if (t->log_fd >= 0)
			write_all(t->log_fd, buf, (size_t)n);
	}
}

/* Input for the command. While the pty takes no more, its output is
 * still drained: a command that writes without reading (a large paste
 * echoed back) would otherwise wait on us as we wait on it. */
static bool pump_in(const struct attach_tty *t)
{
	char buf[4096];
	ssize_t n;

	do
		n = read(t->in_fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return false; /* our terminal hung up: stop reading it */
	for (size_t done = 0; done < (size_t)n;) {
		ssize_t w = write(t->master, buf + done, (size_t)n - done);
		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN)
			return true; /* the command closed the pty; it ends soon */
		struct pollfd p = { .fd = t->master, .events = POLLIN | POLLOUT };
		poll(&p, 1, -1);
		if ((p.revents & POLLIN) && !pump_out(t))
			return true;
	}
	return true;
}

/* A signal for us: forwarded to the command, or the window size. true
 * once CHILD has exited (its status in *status). Without a pty the
 * command shares our terminal and process group, so what the terminal
 * sends (SI_KERNEL: ^C, hangup) has reached it already: only what a
 * process sent us is passed on. */
static bool on_signal(const struct attach_tty *t, pid_t child, int *status)
{
	struct signalfd_siginfo si;

	while (read(t->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH)
			copy_winsize(t);
		else if (si.ssi_signo != SIGCHLD && (t->master >= 0 || si.ssi_code != SI_KERNEL))
			kill(child, (int)si.ssi_signo); /* our child, not reaped: the pid is its */
	}
	return waitpid(child, status, WNOHANG) == child;
}

int attach_tty_proxy(struct attach_tty *t, pid_t child, int *status)
{
	struct pollfd p[3] = {
		{ .fd = t->sigfd, .events = POLLIN },
		{ .fd = t->master, .events = POLLIN },
		{ .fd = t->in_fd, .events = POLLIN },
	};
	/* Without a pty (master and in_fd -1) poll skips those entries. */

	/* A SIGCHLD that came before the signalfd is in the mask still. */
	if (on_signal(t, child, status)) {
		pump_out(t);
		return 0;
	}
	for (;;) {
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return -errno;
		if (p[1].revents && !pump_out(t))
			p[1].fd = -1; /* the command closed it; wait for its exit */
		if (p[2].revents && !pump_in(t))
			p[2].fd = -1;
		if (p[0].revents && on_signal(t, child, status)) {
			pump_out(t); /* what it wrote last */
			return 0;
		}
	}
}

/* The server's command is in a session of its own (or of the server's),
 * never in our process group: every signal for us is passed on, what
 * the terminal sends (^C without a pty) included. */
static void forward_to_pidfd(const struct attach_tty *t, int pidfd)
{
	struct signalfd_siginfo si;

	while (read(t->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH)
			copy_winsize(t);
		else if (si.ssi_signo != SIGCHLD)
			syscall(SYS_pidfd_send_signal, pidfd, (int)si.ssi_signo, NULL, 0);
	}
}

int attach_tty_proxy_until(struct attach_tty *t, int pidfd, int done_fd)
{
	struct pollfd p[4] = {
		{ .fd = t->sigfd, .events = POLLIN },
		{ .fd = t->master, .events = POLLIN },
		{ .fd = t->in_fd, .events = POLLIN },
		{ .fd = done_fd, .events = POLLIN },
	};

	for (;;) {
		if (poll(p, 4, -1) < 0 && errno != EINTR)
			return -errno;
		if (p[1].revents && !pump_out(t))
			p[1].fd = -1; /* the command closed it; wait for its exit */
		if (p[2].revents && !pump_in(t))
			p[2].fd = -1;
		if (p[0].revents)
			forward_to_pidfd(t, pidfd);
		if (p[3].revents) {
			if (p[1].fd >= 0)
				pump_out(t); /* what it wrote last */
			return 0;
		}
	}
}
