/* lxc-console --tui: the ncurses console (console-tui.c, built with
 * ncurses): the container's tty above a status line (container, tty,
 * state, escape help), and escape keys that switch between the ttys. */
#ifndef LXCMGR_TOOLS_CONSOLE_TUI_H
#define LXCMGR_TOOLS_CONSOLE_TUI_H

#include "common.h"

struct console_args {
	struct tool *t;
	struct lxcmgr_container *c;
	int tty;      /* -t: 0 console, N ttyN, -1 the first free */
	int escape;   /* the prefix byte */
};

/* Runs the console with a status line. Returns the exit status, or -1
 * when it cannot (no ncurses in this build, no terminal, no terminfo):
 * *why then says why, and the caller falls back to the plain console. */
int console_tui(struct console_args *a, const char **why);

#endif
