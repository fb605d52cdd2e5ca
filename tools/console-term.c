#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "console-term.h"

/* How long a tty nobody in the container has open (a getty between two
 * runs) is left alone before it is read again. */
#define HUNG_RETRY_MS 100

static struct termios saved;
static bool is_raw, atexit_done;
static sigset_t old_mask;

void term_restore(void)
{
	if (is_raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	is_raw = false;
}

bool term_raw(void)
{
	struct termios raw;

	if (is_raw)
		return true;
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
		return false;
	if (!atexit_done) {
		atexit(term_restore);
		atexit_done = true;
	}
	raw = saved;
	cfmakeraw(&raw);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	is_raw = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
	return is_raw;
}

int term_signals_open(void)
{
	static const int sigs[] = { SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT };
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, &old_mask) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

void term_signals_close(int sigfd)
{
	if (sigfd >= 0)
		close(sigfd);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
}

void console_fit(struct console_io *io)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
		return;
	if (ws.ws_row > io->reserved_rows)
		ws.ws_row = (unsigned short)(ws.ws_row - io->reserved_rows);
	lxcmgr_console_resize(io->con, ws.ws_row, ws.ws_col, NULL);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The tty's output to our terminal. 1: more may come; 0: the tty has no
 * one on the other side for now (EIO of a pty master); -1: it ended (the
 * monitor closed the console's stream). */
static int pump_out(struct console_io *io)
{
	char buf[16384];
	ssize_t n = read(lxcmgr_console_fd(io->con), buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n < 0 && errno == EIO)
		return 0;
	if (n <= 0)
		return -1;
	write_all(STDOUT_FILENO, buf, (size_t)n);
	if (io->after_output)
		io->after_output(io->data, buf, (size_t)n);
	return 1;
}

/* Our input to the tty, less the escape keys. -1 at end of input; else
 * the command key that ended it, or 0. */
static int pump_in(struct console_io *io)
{
	char in[4096], out[4096];
	ssize_t n = read(STDIN_FILENO, in, sizeof(in));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	size_t used = 0;
	while (used < (size_t)n) {
		size_t out_len = 0;
		int cmd = 0;
		used += escape_filter(io->esc, io->commands, in + used, (size_t)n - used, out,
				      &out_len, &cmd);
		write_all(lxcmgr_console_fd(io->con), out, out_len);
		if (cmd)
			return cmd; /* what followed it is dropped: the user asked to leave */
	}
	return 0;
}

static void drain(struct console_io *io)
{
	struct pollfd p = { .fd = lxcmgr_console_fd(io->con), .events = POLLIN };

	while (poll(&p, 1, 0) == 1 && (p.revents & POLLIN) && pump_out(io) == 1)
		;
}

static bool on_signal(struct console_io *io, int *sig)
{
	struct signalfd_siginfo si;

	while (read(io->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) {
			console_fit(io);
			if (io->on_resize)
				io->on_resize(io->data);
			continue;
		}
		*sig = (int)si.ssi_signo;
		return true;
	}
	return false;
}

enum console_end console_pump(struct console_io *io, int *detail)
{
	bool hung = false, input = true;

	*detail = 0;
	for (;;) {
		struct pollfd p[4] = {
			{ .fd = io->sigfd, .events = POLLIN },
			{ .fd = input ? STDIN_FILENO : -1, .events = POLLIN },
			{ .fd = hung ? -1 : lxcmgr_console_fd(io->con), .events = POLLIN },
			{ .fd = lxcmgr_console_watch_fd(io->con), .events = POLLIN },
		};
		int n = poll(p, 4, hung ? HUNG_RETRY_MS : -1);
		if (n < 0 && errno != EINTR) {
			*detail = errno;
			return CONSOLE_ERROR;
		}
		hung = false;
		if (n <= 0)
			continue;
		if (p[0].revents && on_signal(io, detail))
			return CONSOLE_SIGNAL;
		if (p[2].revents & POLLIN) {
			int r = pump_out(io);
			if (r < 0)
				return CONSOLE_STOPPED;
			hung = r == 0;
		} else if (p[2].revents & (POLLHUP | POLLERR)) {
			hung = true;
		}
		if (p[3].revents) {
			drain(io);
			return CONSOLE_STOPPED;
		}
		if (p[1].revents) {
			int cmd = pump_in(io);
			if (cmd < 0)
				return CONSOLE_INPUT_EOF;
			if (cmd == 'q')
				return CONSOLE_QUIT;
			if (cmd > 0) {
				*detail = cmd;
				return CONSOLE_COMMAND;
			}
		}
	}
}
