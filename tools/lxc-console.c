/* lxc-console: a tty (or the console) of a running container on this
 * terminal, or the console ring buffer (-B). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "console-escape.h"
#include "console-term.h"
#include "console-tui.h"

static const char help[] =
	"Usage: lxc-console -n NAME [-t N] [-e PREFIX] [--tui]\n"
	"       lxc-console -n NAME -B [--buffer-clear]\n"
	"\n"
	"Connect this terminal to a tty of the running container NAME. A tty is held\n"
	"by one lxc-console at a time, and found again as it was left by the next.\n"
	"<PREFIX q> leaves; <PREFIX PREFIX> sends PREFIX itself.\n"
	"\n"
	"Options:\n"
	"  -t, --tty=N              tty N of the container, 0 for its /dev/console\n"
	"                           (default: the first free tty)\n"
	"  -e, --escape=PREFIX      escape prefix: ^LETTER for Ctrl-LETTER, or one\n"
	"                           character (default ^a)\n"
	"      --tui                full-screen console with a status line; <PREFIX n>\n"
	"                           and <PREFIX p> switch to the next or previous tty,\n"
	"                           <PREFIX 0-9> to that one (0: the console), <PREFIX c>\n"
	"                           to the next running container (falls back to the\n"
	"                           plain console when not on a terminal)\n"
	"  -B, --buffer             print the console ring buffer (lxc.console.buffer.size)\n"
	"      --buffer-clear       with -B: empty it afterwards\n"
	"\n" TOOL_COMMON_HELP;

enum { OPT_TUI = OPT_TOOL_FIRST, OPT_BUFFER_CLEAR };

struct args {
	struct console_args a;
	bool tui, buffer, clear;
};

static int parse_tty(struct tool *t, const char *s)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);

	if (errno || *end || !*s || v < 0 || v > 1024)
		tool_usage_error(t, "-t: \"%s\" is not a tty number (0 for the console, 1.. for "
				 "a tty)", s);
	return (int)v;
}

static void parse_args(struct tool *t, struct args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "tty", required_argument, NULL, 't' },
		{ "escape", required_argument, NULL, 'e' },
		{ "tui", no_argument, NULL, OPT_TUI },
		{ "buffer", no_argument, NULL, 'B' },
		{ "buffer-clear", no_argument, NULL, OPT_BUFFER_CLEAR },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS "t:e:B", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 't': a->a.tty = parse_tty(t, optarg); break;
		case 'e':
			a->a.escape = escape_parse(optarg);
			if (a->a.escape < 0)
				tool_usage_error(t, "-e: \"%s\" is not an escape prefix; use "
						 "^LETTER (e.g. ^b) or one character", optarg);
			break;
		case OPT_TUI: a->tui = true; break;
		case 'B': a->buffer = true; break;
		case OPT_BUFFER_CLEAR: a->clear = true; break;
		default:
			if (!tool_common_option(t, opt, optarg))
				tool_usage_error(t, "unknown option");
		}
	}
	if (optind < argc)
		tool_usage_error(t, "unexpected argument \"%s\"", argv[optind]);
	if (t->rcfile)
		tool_usage_error(t, "--rcfile is not supported: the console is the running "
				 "container's");
	if (a->clear && !a->buffer)
		tool_usage_error(t, "--buffer-clear goes with -B");
}

static int print_buffer(struct tool *t, struct lxcmgr_container *c, bool clear)
{
	lxcmgr_error *err = NULL;
	char *data = NULL;
	size_t len = 0;

	if (lxcmgr_container_console_buffer(c, clear, &data, &len, &err) < 0) {
		tool_error(t, err);
		lxcmgr_error_free(err);
		return 1;
	}
	int ret = fwrite(data, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
	if (ret)
		tool_errorf(t, "writing the console buffer: %s", strerror(errno));
	free(data);
	return ret;
}

static void banner(int tty, int escape)
{
	char e[16];

	escape_name(escape, e, sizeof(e));
	if (tty == 0)
		fprintf(stderr, "\nConnected to the console\n");
	else
		fprintf(stderr, "\nConnected to tty %d\n", tty);
	fprintf(stderr, "Type <%s q> to exit the console, <%s %s> to enter %s itself\n\n", e, e, e,
		e);
}

/* The plain console: LXC's. */
static int run_plain(struct console_args *a)
{
	lxcmgr_error *err = NULL;
	struct lxcmgr_console *con = NULL;
	struct escape esc = { .prefix = a->escape };
	int detail = 0;

	if (lxcmgr_console_open(a->c, a->tty, &con, &err) < 0) {
		tool_error(a->t, err);
		lxcmgr_error_free(err);
		return 1;
	}
	if (!a->t->quiet)
		banner(lxcmgr_console_tty(con), a->escape);
	struct console_io io = { .con = con, .esc = &esc, .commands = "q",
				 .sigfd = term_signals_open() };
	if (io.sigfd < 0) {
		tool_errorf(a->t, "signalfd: %s", strerror(errno));
		lxcmgr_console_close(con);
		return 1;
	}
	term_raw();
	console_fit(&io);
	enum console_end end = console_pump(&io, &detail);
	term_restore();
	term_signals_close(io.sigfd);
	lxcmgr_console_close(con);
	switch (end) {
	case CONSOLE_STOPPED:
		fputs("\n", stderr);
		tool_errorf(a->t, "the container stopped");
		return 0;
	case CONSOLE_SIGNAL:
		return 128 + detail;
	case CONSOLE_ERROR:
		tool_errorf(a->t, "console: %s", strerror(detail));
		return 1;
	default:
		if (!a->t->quiet && isatty(STDERR_FILENO))
			fputs("\n", stderr);
		return 0;
	}
}

int main(int argc, char **argv)
{
	struct tool t = { .progname = "lxc-console", .help = help };
	struct args a = { .a = { .t = &t, .tty = -1, .escape = 1 } };
	int ret = 1;

	parse_args(&t, &a, argc, argv);
	/* What the console serves comes from the running container. */
	a.a.c = tool_existing_container(&t);
	if (!a.a.c)
		return 1;
	if (a.buffer) {
		ret = print_buffer(&t, a.a.c, a.clear);
	} else {
		const char *why = NULL;
		ret = a.tui ? console_tui(&a.a, &why) : -1;
		if (ret < 0 && a.tui && !t.quiet)
			fprintf(stderr, "lxc-console: %s: the full-screen console is not available "
				"(%s); using the plain one\n", t.name, why);
		if (ret < 0)
			ret = run_plain(&a.a);
	}
	tool_exit(&t, 0, NULL, a.a.c);
	return ret;
}
