/* lxc-top: the resource use of the running containers, refreshed.
 *
 * Each refresh lists the containers under the lxcpath, asks each monitor
 * for the state and reads the statistics from the container's cgroups
 * (lxcmgr_container_stats). CPU % is the CPU time used since the previous
 * refresh over the time passed (100 % is one CPU); the first refresh has no
 * previous one and shows the average since the cgroups were made.
 *
 * The screen is drawn with ncurses: each frame is written into its buffer
 * after an erase() (not clear(), which would repaint the whole terminal)
 * and refresh() sends only what changed, so nothing flickers. -b prints
 * plain text instead. */
#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-top [-b] [-n COUNT] [-d SECONDS] [-s KEY] [-r] [-P PATH] [OPTIONS]\n"
	"\n"
	"Show the CPU, memory, block I/O and process use of the running containers,\n"
	"refreshed every few seconds. Keys: q quits; n c b m s k p sort by name, CPU,\n"
	"block I/O, memory, memory+swap, kernel memory, pids (the same key again, or\n"
	"r, reverses the order).\n"
	"\n"
	"Options:\n"
	"  -b, --batch              plain text on standard output, no screen handling;\n"
	"                           one refresh unless -n says more\n"
	"  -n, --iterations=COUNT   stop after COUNT refreshes\n"
	"  -d, --delay=SECONDS      time between refreshes (default 3; decimals allowed)\n"
	"  -s, --sort=KEY           n name (default), c CPU, b block I/O, m memory,\n"
	"                           s memory+swap, k kernel memory, p pids\n"
	"  -r, --reverse            reverse the order (names Z-A; numbers smallest first)\n"
	"\n"
	"Common options:\n"
	"  -P, --lxcpath=PATH       directory of the containers (default: lxc.lxcpath)\n"
	"  -o, --logfile=FILE       write a full log to FILE\n"
	"  -l, --logpriority=LEVEL  log level: TRACE DEBUG INFO NOTICE WARN ERROR\n"
	"  -q, --quiet              show no output but errors\n"
	"  -h, --help               show this help\n"
	"      --version            show the version\n";

struct row {
	char *name;
	int state;
	bool have; /* stats were read */
	struct lxcmgr_stats st;
	double cpu_pct; /* NAN: unknown */
};

/* The previous refresh's CPU times, for CPU %. */
struct prev {
	char **names;
	uint64_t *cpu_ns;
	size_t n;
	uint64_t at_ns;
};

struct top {
	struct tool t;
	bool batch, reverse;
	char sort;
	long iterations; /* 0: no limit */
	double delay;
	struct row *rows;
	size_t n_rows;
	struct prev prev;
	struct row total;
	char error[256]; /* the last failure of a refresh, shown below the table */
};

static __attribute__((noreturn)) void die_oom(void)
{
	fputs("lxc-top: out of memory\n", stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool known(uint64_t v)
{
	return v != LXCMGR_STAT_UNKNOWN;
}

/* ------------------------------------------------------------ options */

static void parse_args(struct top *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "sort", required_argument, NULL, 's' },
		{ "reverse", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	char *end;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS "bd:s:r", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'b': o->batch = true; break;
		case 'r': o->reverse = true; break;
		case 'n': /* the common -n (a name) means nothing here */
			o->iterations = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || o->iterations < 1)
				tool_usage_error(&o->t, "-n wants a count of refreshes, not \"%s\"", optarg);
			break;
		case 'd':
			o->delay = strtod(optarg, &end);
			if (*optarg == '\0' || *end || !(o->delay >= 0.0) || o->delay > 86400)
				tool_usage_error(&o->t, "-d wants seconds (e.g. 2 or 0.5), not \"%s\"", optarg);
			break;
		case 's':
			if (strlen(optarg) != 1 || !strchr("ncbmskp", optarg[0]))
				tool_usage_error(&o->t, "unknown sort key \"%s\"; use n, c, b, m, s, k or p",
						 optarg);
			o->sort = optarg[0];
			break;
		default:
			if (!tool_common_option(&o->t, opt, optarg))
				tool_usage_error(&o->t, "unknown option");
		}
	}
	if (optind < argc)
		tool_usage_error(&o->t, "unexpected argument \"%s\"", argv[optind]);
	if (o->batch && o->iterations == 0)
		o->iterations = 1;
}

/* ------------------------------------------------------------ data */

static void rows_free(struct top *o)
{
	for (size_t i = 0; i < o->n_rows; i++)
		free(o->rows[i].name);
	free(o->rows);
	o->rows = NULL;
	o->n_rows = 0;
}

static void prev_free(struct prev *p)
{
	lxcmgr_strv_free(p->names);
	free(p->cpu_ns);
	memset(p, 0, sizeof(*p));
}

static bool prev_cpu(const struct prev *p, const char *name, uint64_t *cpu)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->names[i], name) == 0 && known(p->cpu_ns[i])) {
			*cpu = p->cpu_ns[i];
			return true;
		}
	return false;
}

/* Since the previous refresh, or on average since the cgroups were made. */
static double cpu_pct(const struct top *o, const struct row *r, uint64_t at)
{
	uint64_t before;

	if (!r->have || !known(r->st.cpu_ns))
		return NAN;
	if (o->prev.at_ns && at > o->prev.at_ns && prev_cpu(&o->prev, r->name, &before))
		return r->st.cpu_ns >= before
			       ? 100.0 * (double)(r->st.cpu_ns - before) / (double)(at - o->prev.at_ns)
			       : NAN; /* a new cgroup under the same name */
	if (known(r->st.age_ns) && r->st.age_ns > 0)
		return 100.0 * (double)r->st.cpu_ns / (double)r->st.age_ns;
	return NAN;
}

static void remember(struct top *o, uint64_t at)
{
	prev_free(&o->prev);
	o->prev.names = calloc(o->n_rows + 1, sizeof(char *));
	o->prev.cpu_ns = calloc(o->n_rows + 1, sizeof(uint64_t));
	if (!o->prev.names || !o->prev.cpu_ns)
		die_oom();
	for (size_t i = 0; i < o->n_rows; i++) {
		if (!(o->prev.names[i] = strdup(o->rows[i].name)))
			die_oom();
		o->prev.cpu_ns[i] = o->rows[i].have ? o->rows[i].st.cpu_ns : LXCMGR_STAT_UNKNOWN;
	}
	o->prev.n = o->n_rows;
	o->prev.at_ns = at;
}

static void add(uint64_t *sum, uint64_t v)
{
	if (known(v))
		*sum = known(*sum) ? *sum + v : v;
}

static void total_add(struct row *t, const struct row *r)
{
	const uint64_t *from = (const uint64_t *)&r->st;
	uint64_t *to = (uint64_t *)&t->st;

	if (!r->have)
		return;
	t->have = true;
	/* Every field but the age is a quantity that adds up. */
	for (size_t i = 0; i < sizeof(r->st) / sizeof(uint64_t); i++)
		if (&to[i] != &t->st.age_ns)
			add(&to[i], from[i]);
	if (!isnan(r->cpu_pct))
		t->cpu_pct = isnan(t->cpu_pct) ? r->cpu_pct : t->cpu_pct + r->cpu_pct;
}

/* One running container into a new row; stopped ones are left out. */
static void collect_one(struct top *o, const char *name)
{
	lxcmgr_error *err = NULL;
	struct lxcmgr_container *c = lxcmgr_container_new_unloaded(o->t.ctx, name, &err);
	int state = c ? lxcmgr_container_state(c) : -1;

	if (state > LXCMGR_STATE_STOPPED) {
		struct row *grown = realloc(o->rows, (o->n_rows + 1) * sizeof(*grown));
		if (!grown)
			die_oom();
		o->rows = grown;
		struct row *r = &o->rows[o->n_rows++];
		*r = (struct row){ .name = strdup(name), .state = state, .cpu_pct = NAN };
		if (!r->name)
			die_oom();
		/* Not running any more (it stopped meanwhile), or without
		 * cgroups: a row without numbers. Anything else (not root)
		 * is said below the table. */
		int ret = lxcmgr_container_stats(c, &r->st, sizeof(r->st), &err);
		r->have = ret == 0;
		if (ret < 0 && ret != -ESRCH && ret != -ENODATA)
			snprintf(o->error, sizeof(o->error), "%s: %s", name,
				 err && err->msg ? err->msg : strerror(-ret));
	} else if (!c || state < 0) {
		snprintf(o->error, sizeof(o->error), "%s: %s", name,
			 err && err->msg ? err->msg : strerror(-state));
	}
	lxcmgr_error_free(err);
	lxcmgr_container_put(c);
}

static int collect(struct top *o)
{
	lxcmgr_error *err = NULL;
	char **names = NULL;
	uint64_t at;

	rows_free(o);
	o->error[0] = '\0';
	if (lxcmgr_list_defined(o->t.ctx, &names, &err) < 0) {
		tool_error(&o->t, err);
		lxcmgr_error_free(err);
		return -1;
	}
	for (size_t i = 0; names[i]; i++)
		collect_one(o, names[i]);
	lxcmgr_strv_free(names);
	at = now_ns();
	o->total = (struct row){ .cpu_pct = NAN };
	memset(&o->total.st, 0xff, sizeof(o->total.st));
	for (size_t i = 0; i < o->n_rows; i++) {
		o->rows[i].cpu_pct = cpu_pct(o, &o->rows[i], at);
		total_add(&o->total, &o->rows[i]);
	}
	remember(o, at);
	return 0;
}

/* ------------------------------------------------------------ order */

static uint64_t io_total(const struct lxcmgr_stats *st)
{
	if (!known(st->io_read_bytes) || !known(st->io_write_bytes))
		return LXCMGR_STAT_UNKNOWN;
	return st->io_read_bytes + st->io_write_bytes;
}

/* The sort key's number; unknown sorts below every known value. */
static double key_of(const struct row *r, char sort)
{
	uint64_t v = LXCMGR_STAT_UNKNOWN;

	if (sort == 'c')
		return isnan(r->cpu_pct) ? -1 : r->cpu_pct;
	if (r->have)
		v = sort == 'b' ? io_total(&r->st) : sort == 'm' ? r->st.mem_bytes
		  : sort == 's' ? r->st.memsw_bytes : sort == 'k' ? r->st.kmem_bytes
		  : r->st.pids;
	return known(v) ? (double)v : -1;
}

static char sort_key; /* for qsort's comparator */
static bool sort_reverse;

static int compare(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	int c = 0;

	if (sort_key != 'n') {
		double ka = key_of(a, sort_key), kb = key_of(b, sort_key);
		c = ka > kb ? -1 : ka < kb ? 1 : 0; /* largest first, as LXC's */
	}
	if (c == 0)
		c = strcmp(a->name, b->name);
	return sort_reverse ? -c : c;
}

static void sort_rows(struct top *o)
{
	sort_key = o->sort;
	sort_reverse = o->reverse;
	qsort(o->rows, o->n_rows, sizeof(*o->rows), compare);
}

/* ------------------------------------------------------------ text */

#define HEADER_FMT "%-*.*s %-8s %6s %9s %10s %10s %10s %5s"
#define HEADER_ARGS "NAME", "STATE", "CPU%", "CPU TIME", "MEMORY", "KMEM", "BLKIO", "PIDS"
#define NAME_MIN 15 /* "TOTAL (12345)" fits */
#define NAME_MAX_WIDTH 40

/* The name column fits the longest name, within bounds. */
static int name_width(const struct top *o)
{
	size_t w = NAME_MIN;

	for (size_t i = 0; i < o->n_rows; i++)
		if (strlen(o->rows[i].name) > w)
			w = strlen(o->rows[i].name);
	return w > NAME_MAX_WIDTH ? NAME_MAX_WIDTH : (int)w;
}

/* "0 B", "600.0 KiB", "1.5 GiB": ten columns at most. */
static const char *size_text(char *buf, size_t n, uint64_t v, bool have)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double d = (double)v;
	size_t u = 0;

	if (!have || !known(v))
		return "-";
	if (v < 1024) {
		snprintf(buf, n, "%" PRIu64 " B", v);
		return buf;
	}
	for (d /= 1024; d >= 1000 && u + 1 < sizeof(units) / sizeof(units[0]); u++)
		d /= 1024;
	snprintf(buf, n, "%.1f %s", d, units[u]);
	return buf;
}

/* CPU time as top shows it: M:SS.hh, H:MM:SS past an hour. */
static const char *time_text(char *buf, size_t n, uint64_t ns, bool have)
{
	if (!have || !known(ns))
		return "-";
	uint64_t cs = ns / 10000000, s = cs / 100;
	if (s >= 3600)
		snprintf(buf, n, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, n, "%" PRIu64 ":%02" PRIu64 ".%02" PRIu64, s / 60, s % 60, cs % 100);
	return buf;
}

static void row_text(char *line, size_t n, int width, const struct row *r, const char *name,
		     const char *state)
{
	char pct[16] = "-", cpu[24], mem[24], kmem[24], io[24], pids[24] = "-";

	if (!isnan(r->cpu_pct))
		snprintf(pct, sizeof(pct), "%.1f", r->cpu_pct);
	if (r->have && known(r->st.pids))
		snprintf(pids, sizeof(pids), "%" PRIu64, r->st.pids);
	snprintf(line, n, HEADER_FMT, width, width, name, state, pct,
		 time_text(cpu, sizeof(cpu), r->st.cpu_ns, r->have),
		 size_text(mem, sizeof(mem), r->st.mem_bytes, r->have),
		 size_text(kmem, sizeof(kmem), r->st.kmem_bytes, r->have),
		 size_text(io, sizeof(io), io_total(&r->st), r->have), pids);
}

static void total_text(const struct top *o, char *line, size_t n)
{
	char name[32];

	snprintf(name, sizeof(name), "TOTAL (%zu)", o->n_rows);
	row_text(line, n, name_width(o), &o->total, name, "");
}

static void print_batch(const struct top *o)
{
	char line[256];

	int width = name_width(o);

	printf(HEADER_FMT "\n", width, width, HEADER_ARGS);
	for (size_t i = 0; i < o->n_rows; i++) {
		row_text(line, sizeof(line), width, &o->rows[i], o->rows[i].name,
			 lxcmgr_state_name(o->rows[i].state));
		puts(line);
	}
	total_text(o, line, sizeof(line));
	puts(line);
	if (o->error[0])
		fprintf(stderr, "lxc-top: %s\n", o->error);
	fflush(stdout);
}

/* ------------------------------------------------------------ screen */

static const char *sort_name(char sort)
{
	switch (sort) {
	case 'c': return "CPU";
	case 'b': return "block I/O";
	case 'm': return "memory";
	case 's': return "memory+swap";
	case 'k': return "kernel memory";
	case 'p': return "pids";
	}
	return "name";
}

static void draw(const struct top *o)
{
	char line[256];
	int y = 2;

	erase(); /* the buffer only: refresh() sends the difference */
	mvprintw(0, 0, "lxc-top  %s  %zu running  sorted by %s%s  (q quits)",
		 lxcmgr_ctx_lxcpath(o->t.ctx), o->n_rows, sort_name(o->sort),
		 o->reverse ? ", reversed" : "");
	attron(A_REVERSE | A_BOLD);
	int width = name_width(o);

	snprintf(line, sizeof(line), HEADER_FMT, width, width, HEADER_ARGS);
	mvprintw(1, 0, "%-*s", COLS, line);
	attroff(A_REVERSE | A_BOLD);
	for (size_t i = 0; i < o->n_rows && y < LINES - 2; i++, y++) {
		row_text(line, sizeof(line), width, &o->rows[i], o->rows[i].name,
			 lxcmgr_state_name(o->rows[i].state));
		mvaddnstr(y, 0, line, COLS);
	}
	total_text(o, line, sizeof(line));
	attron(A_BOLD);
	mvaddnstr(y, 0, line, COLS);
	attroff(A_BOLD);
	if (o->error[0])
		mvaddnstr(y + 1, 0, o->error, COLS);
	refresh();
}

/* A key: false to quit. The same sort key twice reverses, as in LXC. */
static bool on_key(struct top *o, int ch)
{
	if (ch == 'q' || ch == 'Q')
		return false;
	if (ch == 'r' || ch == 'R') {
		o->reverse = !o->reverse;
	} else if (ch > 0 && ch < 128 && strchr("ncbmskp", ch)) {
		o->reverse = o->sort == ch ? !o->reverse : false;
		o->sort = (char)ch;
	}
	return true;
}

static int run_screen(struct top *o)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		tool_errorf(&o->t, "the screen needs a terminal; use -b for plain text");
		return 1;
	}
	initscr();
	cbreak();
	noecho();
	curs_set(0);
	keypad(stdscr, TRUE);
	int ret = 0;
	for (long n = 0; o->iterations == 0 || n < o->iterations; n++) {
		if (collect(o) < 0) {
			ret = 1;
			break;
		}
		sort_rows(o);
		draw(o);
		if (o->iterations && n + 1 == o->iterations)
			break;
		/* Keys redraw at once; the next refresh stays on time. */
		uint64_t due = o->prev.at_ns + (uint64_t)(o->delay * 1e9);
		bool quit = false;
		for (uint64_t now; !quit && (now = now_ns()) < due;) {
			timeout((int)((due - now + 999999) / 1000000));
			int ch = getch();
			if (ch == ERR)
				continue;
			quit = !on_key(o, ch);
			sort_rows(o);
			draw(o);
		}
		if (quit)
			break;
	}
	endwin();
	return ret;
}

static int run_batch(struct top *o)
{
	for (long n = 0; n < o->iterations; n++) {
		if (n) {
			putchar('\n');
			struct timespec ts = { .tv_sec = (time_t)o->delay,
					       .tv_nsec = (long)((o->delay - (double)(time_t)o->delay) * 1e9) };
			nanosleep(&ts, NULL);
		}
		if (collect(o) < 0)
			return 1;
		sort_rows(o);
		print_batch(o);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct top o = { .t = { .progname = "lxc-top", .help = help }, .sort = 'n', .delay = 3 };

	parse_args(&o, argc, argv);
	if (tool_setup(&o.t) < 0)
		return 1;
	int ret = o.batch ? run_batch(&o) : run_screen(&o);
	rows_free(&o);
	prev_free(&o.prev);
	tool_finish(&o.t);
	return ret;
}
