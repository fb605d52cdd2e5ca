/* The full-screen console. The container's tty gets every row of the
 * terminal but the last, as a scroll region: what it writes goes to the
 * terminal unchanged (so every program in it, full-screen ones included,
 * draws as on any terminal of that size), and the last row is a status
 * line drawn with the terminal's own control strings from terminfo
 * (ncurses). The status line is drawn again whenever something may have
 * wiped it: a clear of the screen, a reset, a new scroll region, the
 * alternate screen, a resize, a switch of tty.
 *
 * Why not a curses window: a window would need a terminal emulator in
 * between to turn the container's escape sequences into curses calls;
 * the terminal itself is a better one. */
#include "console-tui.h"

#ifndef HAVE_NCURSES
int console_tui(struct console_args *a, const char **why)
{
	(void)a;
	*why = "this lxc-console was built without ncurses";
	return -1;
}
#else

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <unistd.h>

#include "console-escape.h"
#include "console-term.h"

/* After <prefix>: q leaves, n/p the next or previous tty, 0-9 that tty,
 * c the next running container (same lxcpath). */
#define TUI_COMMANDS "qnpc0123456789"

struct tui {
	struct console_args *a;
	struct lxcmgr_console *con;
	const char *csr, *cup, *sc, *rc, *el, *rev, *sgr0, *clear;
	unsigned rows, cols;
	int max_tty;        /* the highest tty seen to exist */
	char note[128];     /* a message for the status line, until the next switch */
};

static struct tui *active; /* for the exit handler */

static void put(const char *s)
{
	size_t len = s ? strlen(s) : 0;

	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void size_of_terminal(struct tui *t)
{
	struct winsize ws;

	t->rows = 24;
	t->cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 1 && ws.ws_col > 0) {
		t->rows = ws.ws_row;
		t->cols = ws.ws_col;
	}
}

static void draw_status(void *data)
{
	struct tui *t = data;
	char e[16], line[512];
	int state = lxcmgr_container_state(t->a->c);
	int tty = lxcmgr_console_tty(t->con);

	escape_name(t->a->escape, e, sizeof(e));
	const char *state_name = state >= 0 ? lxcmgr_state_name(state) : "?";
	int n = snprintf(line, sizeof(line), " %s | %s%.0d | %s | ", lxcmgr_container_name(t->a->c),
			 tty ? "tty " : "console", tty, state_name);
	/* A note (why a switch failed) stands in for the help until the next switch. */
	if (n > 0 && t->note[0])
		snprintf(line + n, sizeof(line) - (size_t)n, "%s <%s q> quit ", t->note, e);
	else if (n > 0)
		snprintf(line + n, sizeof(line) - (size_t)n, "<%s q> quit, <%s n/p> next/prev tty, "
			 "<%s 0-9> tty N (0: console), <%s c> next container ", e, e, e, e);
	n = (int)strlen(line);
	if (n < 0)
		return;
	if ((unsigned)n > t->cols)
		line[t->cols] = '\0';
	put(t->sc);
	put(tiparm(t->cup, (int)t->rows - 1, 0));
	put(t->rev);
	put(line);
	put(t->el);
	put(t->sgr0);
	put(t->rc);
}

/* The scroll region is every row but the status line's. */
static void set_region(struct tui *t)
{
	put(t->sc);
	put(tiparm(t->csr, 0, (int)t->rows - 2));
	put(t->rc);
}

/* Sequences after which the status line may be gone: ED (clear to the
 * end, or all), RIS (reset), DECSTBM (a scroll region), the alternate
 * screen. */
static bool wipes_status(const char *buf, size_t len)
{
	static const char *const seqs[] = { "\033[J", "\033[0J", "\033[2J", "\033[3J", "\033c",
					     "\033[r", "\033[?1049", "\033[?47" };

	if (!memchr(buf, '\033', len))
		return false;
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
		if (memmem(buf, len, seqs[i], strlen(seqs[i])))
			return true;
	return false;
}

static void after_output(void *data, const char *buf, size_t len)
{
	struct tui *t = data;

	if (!wipes_status(buf, len))
		return;
	set_region(t);
	draw_status(t);
}

static void on_resize(void *data)
{
	struct tui *t = data;

	size_of_terminal(t);
	set_region(t);
	draw_status(t);
}

static void tui_end(void)
{
	struct tui *t = active;

	if (!t)
		return;
	active = NULL;
	/* The whole screen scrolls again; the status line goes. */
	put(tiparm(t->csr, 0, (int)t->rows - 1));
	put(tiparm(t->cup, (int)t->rows - 1, 0));
	put(t->el);
	term_restore();
}

static bool load_terminfo(struct tui *t, const char **why)
{
	int err = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*why = "standard input or output is not a terminal";
		return false;
	}
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK) {
		*why = "no terminfo entry for $TERM";
		return false;
	}
	t->csr = tigetstr("csr");
	t->cup = tigetstr("cup");
	t->sc = tigetstr("sc");
	t->rc = tigetstr("rc");
	t->el = tigetstr("el");
	t->clear = tigetstr("clear");
	t->rev = tigetstr("rev");
	t->sgr0 = tigetstr("sgr0");
	const char *const need[] = { t->csr, t->cup, t->sc, t->rc, t->el, t->clear };
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!need[i] || need[i] == (char *)-1) {
			*why = "the terminal cannot keep a status line (terminfo lacks csr, cup, "
			       "sc, rc, el or clear)";
			return false;
		}
	if (t->rev == (char *)-1)
		t->rev = NULL;
	if (t->sgr0 == (char *)-1)
		t->sgr0 = NULL;
	return true;
}

/* The tty that <prefix> KEY asks for, or -2 for none. */
static int wanted_tty(struct tui *t, int key)
{
	int cur = lxcmgr_console_tty(t->con);

	if (key >= '0' && key <= '9')
		return key - '0';
	if (key == 'n')
		return cur + 1;
	if (key == 'p')
		return cur > 0 ? cur - 1 : t->max_tty;
	return -2;
}

/* The tty given up for another one: the screen starts afresh. */
static void switched(struct tui *t, struct lxcmgr_console *next)
{
	lxcmgr_console_close(t->con);
	t->con = next;
	t->note[0] = '\0';
	put(t->clear);
	set_region(t);
	draw_status(t);
}

static void note_error(struct tui *t, lxcmgr_error *err, int ret)
{
	snprintf(t->note, sizeof(t->note), "%s", err && err->msg ? err->msg : strerror(-ret));
	lxcmgr_error_free(err);
	draw_status(t);
}

/* The first free tty (else the console) of the next running container
 * after the current one, by name, wrapping around. */
static void next_container(struct tui *t)
{
	struct lxcmgr_ctx *ctx = t->a->t->ctx;
	const char *cur = lxcmgr_container_name(t->a->c);
	lxcmgr_error *err = NULL;
	char **names = NULL;
	int n = lxcmgr_list_defined(ctx, &names, &err);

	if (n < 0) {
		note_error(t, err, n);
		return;
	}
	int at = 0;
	while (at < n && strcmp(names[at], cur) != 0)
		at++;
	for (int i = 1; i < n; i++) {
		const char *name = names[(at + i) % n];
		struct lxcmgr_container *c = lxcmgr_container_new_unloaded(ctx, name, NULL);
		struct lxcmgr_console *next = NULL;
		if (c && lxcmgr_container_state(c) == LXCMGR_STATE_RUNNING &&
		    (lxcmgr_console_open(c, -1, &next, NULL) == 0 ||
		     lxcmgr_console_open(c, 0, &next, NULL) == 0)) {
			lxcmgr_container_put(t->a->c);
			t->a->c = c;
			t->a->t->name = lxcmgr_container_name(c); /* for messages */
			t->max_tty = lxcmgr_console_tty(next);
			switched(t, next);
			lxcmgr_strv_free(names);
			return;
		}
		lxcmgr_container_put(c);
	}
	lxcmgr_strv_free(names);
	snprintf(t->note, sizeof(t->note), "no other running container with a free tty");
	draw_status(t);
}

/* Takes tty N, and lets go of the current one once it has it; n past the
 * last tty wraps to the console. On failure the current one stays and the
 * status line says why. */
static void switch_to(struct tui *t, int key)
{
	lxcmgr_error *err = NULL;
	struct lxcmgr_console *next = NULL;
	int n = wanted_tty(t, key);

	if (key == 'c') {
		next_container(t);
		return;
	}
	if (n == -2 || n == lxcmgr_console_tty(t->con))
		return;
	int ret = lxcmgr_console_open(t->a->c, n, &next, &err);
	if (ret == -EINVAL && key == 'n') { /* past the last tty */
		lxcmgr_error_free(err);
		err = NULL;
		n = 0;
		ret = lxcmgr_console_open(t->a->c, 0, &next, &err);
	}
	if (ret < 0) {
		note_error(t, err, ret);
		return;
	}
	if (n > t->max_tty)
		t->max_tty = n;
	switched(t, next);
}

static int run(struct tui *t)
{
	struct escape esc = { .prefix = t->a->escape };
	struct console_io io = { .con = t->con, .esc = &esc, .commands = TUI_COMMANDS,
				 .sigfd = term_signals_open(), .reserved_rows = 1,
				 .after_output = after_output, .on_resize = on_resize, .data = t };
	int detail = 0;

	if (io.sigfd < 0) {
		tool_errorf(t->a->t, "signalfd: %s", strerror(errno));
		return 1;
	}
	term_raw();
	active = t;
	atexit(tui_end);
	put(t->clear);
	set_region(t);
	draw_status(t);
	console_fit(&io);
	enum console_end end;
	while ((end = console_pump(&io, &detail)) == CONSOLE_COMMAND) {
		switch_to(t, detail);
		io.con = t->con;
		console_fit(&io);
	}
	tui_end();
	term_signals_close(io.sigfd);
	switch (end) {
	case CONSOLE_STOPPED:
		tool_errorf(t->a->t, "the container stopped");
		return 0;
	case CONSOLE_SIGNAL:
		return 128 + detail;
	case CONSOLE_ERROR:
		tool_errorf(t->a->t, "console: %s", strerror(detail));
		return 1;
	default:
		return 0;
	}
}

int console_tui(struct console_args *a, const char **why)
{
	lxcmgr_error *err = NULL;
	struct tui t = { .a = a };

	if (!load_terminfo(&t, why))
		return -1;
	size_of_terminal(&t);
	if (lxcmgr_console_open(a->c, a->tty, &t.con, &err) < 0) {
		tool_error(a->t, err);
		lxcmgr_error_free(err);
		return 1;
	}
	t.max_tty = lxcmgr_console_tty(t.con);
	int ret = run(&t);
	lxcmgr_console_close(t.con);
	return ret;
}
#endif
