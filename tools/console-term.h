/* lxc-console's terminal side: raw mode (restored on every way out), the
 * window size, and the loop that copies between the terminal and a tty of
 * the container, watching for the escape keys. Shared by the plain
 * console and the ncurses one. */
#ifndef LXCMGR_TOOLS_CONSOLE_TERM_H
#define LXCMGR_TOOLS_CONSOLE_TERM_H

#include <stdbool.h>
#include <stddef.h>

#include "console-escape.h"
#include "lxcmgr.h"

/* Raw mode on stdin when it is a terminal; term_restore() undoes it, and
 * runs at exit too. false when stdin is not a terminal (nothing done). */
bool term_raw(void);
void term_restore(void);

/* SIGWINCH, SIGTERM, SIGHUP, SIGINT and SIGQUIT are blocked and come
 * through a signalfd while a console runs. -1 on failure. */
int term_signals_open(void);
void term_signals_close(int sigfd);

enum console_end {
	CONSOLE_QUIT,      /* <prefix> q */
	CONSOLE_COMMAND,   /* another command key; *detail is the key */
	CONSOLE_STOPPED,   /* the container stopped */
	CONSOLE_INPUT_EOF, /* our input ended */
	CONSOLE_SIGNAL,    /* *detail is the signal */
	CONSOLE_ERROR,     /* *detail is the errno */
};

struct console_io {
	struct lxcmgr_console *con;
	struct escape *esc;
	const char *commands;  /* keys after the prefix that end the loop */
	int sigfd;
	int reserved_rows;     /* rows of our terminal the tty does not get */
	/* After output was written (BUF, LEN), e.g. to keep a status line. */
	void (*after_output)(void *data, const char *buf, size_t len);
	void (*on_resize)(void *data);
	void *data;
};

/* Gives the tty our terminal's size (less reserved_rows). */
void console_fit(struct console_io *io);

/* Copies until one of enum console_end happens. */
enum console_end console_pump(struct console_io *io, int *detail);

#endif
