/* lxc-ls: list the containers under the lxcpath, as names, a table or JSON.
 *
 * Each container costs one config load; the name filter runs first, so the
 * containers it excludes cost nothing. Where doc/lxc-ls.1 does not decide,
 * the output is LXC's: table cells one space apart, AUTOSTART the value of
 * lxc.start.auto, GROUPS joined with ", ". */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common.h"
#include "util/cleanup.h"

enum col {
	COL_NAME, COL_STATE, COL_PID, COL_RAM, COL_SWAP, COL_AUTOSTART, COL_GROUPS,
	COL_INTERFACE, COL_IPV4, COL_IPV6, COL_UNPRIVILEGED, COL_COUNT,
};

static const char *const col_names[COL_COUNT] = {
	"NAME", "STATE", "PID", "RAM", "SWAP", "AUTOSTART", "GROUPS",
	"INTERFACE", "IPV4", "IPV6", "UNPRIVILEGED",
};

static const enum col fancy_cols[] = { COL_NAME, COL_STATE, COL_AUTOSTART, COL_GROUPS,
				       COL_IPV4, COL_IPV6, COL_UNPRIVILEGED };

enum {
	OPT_ACTIVE = OPT_TOOL_FIRST, OPT_RUNNING, OPT_STOPPED, OPT_FROZEN, OPT_DEFINED,
	OPT_FILTER, OPT_FORMAT, OPT_NESTING,
};

#define STATE_BIT(s) (1u << (s))

struct ls_opts {
	bool one, fancy, json;
	enum col cols[COL_COUNT]; /* -F, or fancy_cols */
	size_t ncols;
	unsigned states; /* STATE_BITs of the states listed; each filter narrows it */
	char **groups; /* -g; NULL: no group filter */
	const char *filter;
	regex_t re;
	bool have_re;
};

struct row {
	char *name;
	int state;
	bool autostart, unprivileged;
	char **groups;     /* the lxc.group values */
	char *groups_text; /* "a, b", or "-" for none */
	int pid;           /* init's, when running; else 0 */
	char **ipv4, **ipv6; /* the addresses of a running container (lxc-info -i) */
	char *ipv4_text, *ipv6_text; /* "a, b", or "-" */
};

static const char help[] =
	"Usage: lxc-ls [-1] [-f] [-F COLUMNS] [--active|--running|--stopped|--frozen|--defined]\n"
	"              [-g GROUPS] [--filter=REGEX | REGEX] [--format=table|json] [OPTIONS]\n"
	"\n"
	"List the containers under the lxcpath, sorted by name.\n"
	"\n"
	"Options:\n"
	"  -1, --line               one name per line\n"
	"  -f, --fancy              a table: NAME STATE AUTOSTART GROUPS IPV4 IPV6 UNPRIVILEGED\n"
	"  -F, --fancy-format=COLS  a table of the comma-separated columns COLS (any case):\n"
	"                           NAME, STATE, PID, RAM, SWAP, AUTOSTART, GROUPS,\n"
	"                           INTERFACE, IPV4, IPV6, UNPRIVILEGED; implies -f\n"
	"      --format=FORMAT      table (the default) or json (every column)\n"
	"      --active             only containers that are not stopped\n"
	"      --running            only running containers\n"
	"      --stopped            only stopped containers\n"
	"      --frozen             only frozen containers\n"
	"      --defined            only defined containers (every one listed is)\n"
	"  -g, --groups=GROUPS      only containers in all of the comma-separated GROUPS\n"
	"      --filter=REGEX       only names matching the POSIX extended REGEX\n"
	"\n" TOOL_COMMON_HELP;

static __attribute__((noreturn)) void die_oom(void)
{
	fputs("lxc-ls: out of memory\n", stderr);
	exit(1);
}

/* S split at SEP into a NULL-terminated vector, without empty parts. */
static char **split(const char *s, char sep)
{
	size_t n = 2, i = 0;
	for (const char *p = s; *p; p++)
		n += *p == sep;
	char **v = calloc(n, sizeof(*v));

	if (!v)
		die_oom();
	while (*s) {
		size_t len = strcspn(s, (char[]){ sep, '\0' });
		if (len > 0 && !(v[i++] = strndup(s, len)))
			die_oom();
		s += len + (s[len] == sep);
	}
	return v;
}

static char *join(char *const *v, const char *sep)
{
	size_t len = 1;
	for (char *const *p = v; *p; p++)
		len += strlen(*p) + strlen(sep);
	char *out = malloc(len), *o = out;

	if (!out)
		die_oom();
	*o = '\0';
	for (char *const *p = v; *p; p++)
		o = stpcpy(stpcpy(o, p == v ? "" : sep), *p);
	return out;
}

static void parse_columns(struct tool *t, struct ls_opts *o, const char *arg)
{
	cleanup_strv char **names = split(arg, ',');

	o->ncols = 0;
	for (char **p = names; *p; p++) {
		size_t c = 0;
		while (c < COL_COUNT && strcasecmp(*p, col_names[c]) != 0)
			c++;
		if (c == COL_COUNT)
			tool_usage_error(t, "unknown column \"%s\" in -F; the columns are NAME, STATE, "
					    "PID, RAM, SWAP, AUTOSTART, GROUPS, INTERFACE, IPV4, IPV6 "
					    "and UNPRIVILEGED", *p);
		if (o->ncols == COL_COUNT)
			tool_usage_error(t, "more than %d columns in -F", COL_COUNT);
		o->cols[o->ncols++] = c;
	}
	if (o->ncols == 0)
		tool_usage_error(t, "-F needs at least one column");
}

static void parse_args(struct tool *t, struct ls_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "line", no_argument, NULL, '1' },
		{ "fancy", no_argument, NULL, 'f' },
		{ "fancy-format", required_argument, NULL, 'F' },
		{ "groups", required_argument, NULL, 'g' },
		{ "active", no_argument, NULL, OPT_ACTIVE },
		{ "running", no_argument, NULL, OPT_RUNNING },
		{ "stopped", no_argument, NULL, OPT_STOPPED },
		{ "frozen", no_argument, NULL, OPT_FROZEN },
		{ "defined", no_argument, NULL, OPT_DEFINED },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "nesting", optional_argument, NULL, OPT_NESTING },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS "1fF:g:", longopts, NULL)) != -1) {
		switch (opt) {
		case '1': o->one = true; break;
		case 'f': o->fancy = true; break;
		case 'F': o->fancy = true; parse_columns(t, o, optarg); break;
		case 'g': strv_free(o->groups); o->groups = split(optarg, ','); break;
		case OPT_ACTIVE: o->states &= ~STATE_BIT(LXCMGR_STATE_STOPPED); break;
		case OPT_RUNNING: o->states &= STATE_BIT(LXCMGR_STATE_RUNNING); break;
		case OPT_STOPPED: o->states &= STATE_BIT(LXCMGR_STATE_STOPPED); break;
		case OPT_FROZEN: o->states &= STATE_BIT(LXCMGR_STATE_FROZEN); break;
		case OPT_DEFINED: break; /* every container listed is defined */
		case OPT_FILTER: o->filter = optarg; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0)
				tool_usage_error(t, "unknown format \"%s\"; use table or json", optarg);
			o->json = strcmp(optarg, "json") == 0;
			break;
		case OPT_NESTING: tool_usage_error(t, "--nesting is not supported yet");
		default:
			if (!tool_common_option(t, opt, optarg))
				tool_usage_error(t, "unknown option");
		}
	}
	if (argc - optind > 1)
		tool_usage_error(t, "unexpected argument \"%s\"; give one REGEX", argv[optind + 1]);
	if (optind < argc && o->filter)
		tool_usage_error(t, "give the name filter once, as --filter=REGEX or as REGEX");
	if (optind < argc)
		o->filter = argv[optind];
	if (o->fancy && o->ncols == 0) {
		memcpy(o->cols, fancy_cols, sizeof(fancy_cols));
		o->ncols = ARRAY_SIZE(fancy_cols);
	}
}

static int compile_filter(struct tool *t, struct ls_opts *o)
{
	char msg[256];
	int ret;

	if (!o->filter)
		return 0;
	ret = regcomp(&o->re, o->filter, REG_EXTENDED | REG_NOSUB);
	if (ret != 0) {
		regerror(ret, &o->re, msg, sizeof(msg));
		tool_errorf(t, "invalid regular expression \"%s\": %s (see regex(7))", o->filter,
			    msg);
		return -1;
	}
	o->have_re = true;
	return 0;
}

/* Fills R from the loaded C. A failure without *ERR is a failed state query. */
static int row_fill(struct row *r, struct lxcmgr_container *c, lxcmgr_error **err)
{
	cleanup_free char *autostart = NULL, *groups = NULL, *idmap = NULL;
	int ret;

	if ((ret = lxcmgr_container_get_item(c, "lxc.start.auto", &autostart, err)) < 0 ||
	    (ret = lxcmgr_container_get_item(c, "lxc.group", &groups, err)) < 0 ||
	    (ret = lxcmgr_container_get_item(c, "lxc.idmap", &idmap, err)) < 0)
		return ret;
	r->autostart = strcmp(autostart, "1") == 0;
	r->unprivileged = *idmap != '\0';
	r->groups = split(groups, '\n');
	r->groups_text = *r->groups ? join(r->groups, ", ") : strdup("-");
	r->name = strdup(lxcmgr_container_name(c));
	if (!r->groups_text || !r->name)
		die_oom();
	r->state = lxcmgr_container_state(c);
	return r->state < 0 ? r->state : 0;
}

/* Reads the loaded container C into R; -1 after printing its error. */
static int row_load(struct tool *t, struct lxcmgr_container *c, struct row *r)
{
	lxcmgr_error *err = NULL;
	const lxcmgr_error *load_err = lxcmgr_container_load_error(c);
	int ret = load_err ? -1 : row_fill(r, c, &err);

	if (ret < 0) {
		t->name = lxcmgr_container_name(c);
		if (load_err || err)
			tool_error(t, load_err ? load_err : err);
		else
			tool_errorf(t, "get state: %s", strerror(-ret));
		t->name = NULL;
	}
	lxcmgr_error_free(err);
	return ret < 0 ? -1 : 0;
}

static void row_free(struct row *r)
{
	free(r->name);
	strv_free(r->groups);
	free(r->groups_text);
	strv_free(r->ipv4);
	strv_free(r->ipv6);
	free(r->ipv4_text);
	free(r->ipv6_text);
	memset(r, 0, sizeof(*r));
}

/* No group filter, or every group of WANT is in HAVE (LXC's rule). */
static bool groups_wanted(char *const *want, char *const *have)
{
	for (char *const *w = want; w && *w; w++) {
		bool found = false;
		for (char *const *h = have; *h && !found; h++)
			found = strcmp(*w, *h) == 0;
		if (!found)
			return false;
	}
	return true;
}

struct collect_state {
	struct tool *t;
	const struct ls_opts *o;
	struct row *rows;
	size_t n, cap;
	int failed;
};

static bool name_wanted(const char *name, void *data)
{
	const struct ls_opts *o = ((struct collect_state *)data)->o;
	return !o->have_re || regexec(&o->re, name, 0, NULL, 0) == 0;
}

/* Does the listing show what only a running container knows? */
static bool wants_runtime(const struct ls_opts *o)
{
	if (o->json)
		return true;
	for (size_t i = 0; o->fancy && i < o->ncols; i++)
		if (o->cols[i] == COL_PID || o->cols[i] == COL_IPV4 || o->cols[i] == COL_IPV6)
			return true;
	return false;
}

/* PID and addresses of a running container, read from its network
 * namespace as lxc-info -i does. A container that stopped meanwhile
 * shows none. */
static void row_runtime(struct row *r, struct lxcmgr_container *c)
{
	char **ips = NULL;
	size_t n4 = 0, n6 = 0;

	r->ipv4 = calloc(1, sizeof(char *));
	r->ipv6 = calloc(1, sizeof(char *));
	if (!r->ipv4 || !r->ipv6)
		die_oom();
	if (r->state != LXCMGR_STATE_STOPPED) {
		int pid = lxcmgr_container_init_pid(c);
		r->pid = pid > 0 ? pid : 0;
	}
	if (r->pid && lxcmgr_container_get_ips(c, &ips, NULL) == 0) {
		for (size_t i = 0; ips[i]; i++) {
			bool v6 = strchr(ips[i], ':') != NULL;
			char ***list = v6 ? &r->ipv6 : &r->ipv4;
			size_t *k = v6 ? &n6 : &n4;
			if (!(*list = realloc(*list, (*k + 2) * sizeof(char *))))
				die_oom();
			(*list)[(*k)++] = ips[i];
			(*list)[*k] = NULL;
		}
		free(ips); /* the strings moved to the two lists */
	}
	r->ipv4_text = n4 ? join(r->ipv4, ", ") : strdup("-");
	r->ipv6_text = n6 ? join(r->ipv6, ", ") : strdup("-");
	if (!r->ipv4_text || !r->ipv6_text)
		die_oom();
}

static int collect_one(struct lxcmgr_container *c, void *data)
{
	struct collect_state *st = data;

	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		if (!(st->rows = realloc(st->rows, st->cap * sizeof(*st->rows))))
			die_oom();
	}
	struct row *r = &st->rows[st->n];
	memset(r, 0, sizeof(*r));
	int ret = row_load(st->t, c, r);
	if (ret == 0 && st->o->states & STATE_BIT(r->state) &&
	    groups_wanted(st->o->groups, r->groups)) {
		if (wants_runtime(st->o))
			row_runtime(r, c);
		st->n++;
		return 0;
	}
	st->failed += ret < 0;
	row_free(r);
	return 0;
}

/* The containers that pass the filters, into *ROWS. Returns how many could
 * not be read (their errors printed), or -1 when the listing failed. */
static int collect(struct tool *t, const struct ls_opts *o, struct row **rows, size_t *n)
{
	struct collect_state st = { .t = t, .o = o };
	lxcmgr_error *err = NULL;

	if (lxcmgr_for_each_container(t->ctx, name_wanted, collect_one, &st, &err) < 0) {
		tool_error(t, err);
		lxcmgr_error_free(err);
		free(st.rows);
		return -1;
	}
	if (!st.rows && !(st.rows = calloc(1, sizeof(*st.rows))))
		die_oom();
	*rows = st.rows;
	*n = st.n;
	return st.failed;
}

/* Names across the terminal, as LXC's lxc-ls does; one per line when stdout
 * is not a terminal or with -1. */
static void print_names(const struct row *rows, size_t n, bool one)
{
	struct winsize ws = { 0 };
	size_t width = 0, per_line = 1;

	if (!one && isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0) {
		for (size_t i = 0; i < n; i++)
			if (strlen(rows[i].name) > width)
				width = strlen(rows[i].name);
		per_line = (ws.ws_col + 1) / (width + 1);
		per_line = per_line ? per_line : 1;
	}
	for (size_t i = 0; i < n; i++) {
		if ((i + 1) % per_line == 0 || i + 1 == n)
			printf("%s\n", rows[i].name);
		else
			printf("%-*s ", (int)width, rows[i].name);
	}
}

static const char *cell(const struct row *r, enum col c)
{
	static char pid[16];

	switch (c) {
	case COL_PID:
		if (!r->pid)
			return "-";
		snprintf(pid, sizeof(pid), "%d", r->pid);
		return pid;
	case COL_IPV4: return r->ipv4_text;
	case COL_IPV6: return r->ipv6_text;
	case COL_NAME: return r->name;
	case COL_STATE: return lxcmgr_state_name(r->state);
	case COL_AUTOSTART: return r->autostart ? "1" : "0";
	case COL_GROUPS: return r->groups_text;
	case COL_UNPRIVILEGED: return r->unprivileged ? "true" : "false";
	default: return "-"; /* RAM SWAP INTERFACE: not read yet */
	}
}

/* The cells, each padded to its width and one space; fputs and fwrite cost
 * half what printf's "%-*s" does. */
static void print_line(const char *const *cells, const size_t *width, size_t ncols)
{
	static const char spaces[] = "                                ";

	for (size_t i = 0; i + 1 < ncols; i++) {
		size_t pad = width[i] + 1 - strlen(cells[i]);
		fputs(cells[i], stdout);
		while (pad > 0) {
			size_t k = pad < sizeof(spaces) - 1 ? pad : sizeof(spaces) - 1;
			fwrite(spaces, 1, k, stdout);
			pad -= k;
		}
	}
	puts(cells[ncols - 1]);
}

/* A header and a line per container, each column as wide as its widest cell;
 * nothing at all when no container is listed, as in LXC. */
static void print_table(const struct ls_opts *o, const struct row *rows, size_t n)
{
	const char *cells[COL_COUNT];
	size_t width[COL_COUNT];

	if (n == 0)
		return;
	for (size_t c = 0; c < o->ncols; c++) {
		cells[c] = col_names[o->cols[c]];
		width[c] = strlen(cells[c]);
		for (size_t i = 0; i < n; i++) {
			size_t len = strlen(cell(&rows[i], o->cols[c]));
			width[c] = len > width[c] ? len : width[c];
		}
	}
	print_line(cells, width, o->ncols);
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < o->ncols; c++)
			cells[c] = cell(&rows[i], o->cols[c]);
		print_line(cells, width, o->ncols);
	}
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void json_list(const char *key, char **list)
{
	printf(", \"%s\": ", key);
	if (!list || !*list) {
		fputs("null", stdout);
		return;
	}
	putchar('[');
	for (char **p = list; *p; p++) {
		fputs(p == list ? "" : ", ", stdout);
		json_string(*p);
	}
	putchar(']');
}

/* An array with an object per container holding every column. What only a
 * running container has (pid, ipv4, ipv6) is null while it is stopped;
 * ram, swap and interface are not read yet: null. */
static void print_json(const struct row *rows, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", stdout);
		json_string(rows[i].name);
		fputs(", \"state\": ", stdout);
		json_string(lxcmgr_state_name(rows[i].state));
		if (rows[i].pid)
			printf(", \"pid\": %d", rows[i].pid);
		else
			fputs(", \"pid\": null", stdout);
		printf(", \"ram\": null, \"swap\": null, \"autostart\": %s, "
		       "\"groups\": [", rows[i].autostart ? "true" : "false");
		for (char **g = rows[i].groups; *g; g++) {
			fputs(g == rows[i].groups ? "" : ", ", stdout);
			json_string(*g);
		}
		fputs("], \"interface\": null", stdout);
		json_list("ipv4", rows[i].ipv4);
		json_list("ipv6", rows[i].ipv6);
		printf(", \"unprivileged\": %s}", rows[i].unprivileged ? "true" : "false");
	}
	fputs(n ? "\n]\n" : "]\n", stdout);
}

int main(int argc, char **argv)
{
	struct tool t = { .progname = "lxc-ls", .help = help };
	struct ls_opts o = { .states = ~0u };
	struct row *rows = NULL;
	size_t n = 0;
	int failed = -1;

	parse_args(&t, &o, argc, argv);
	t.name = NULL; /* -n is accepted for LXC's sake; REGEX picks containers */
	if (compile_filter(&t, &o) == 0 && tool_setup(&t) == 0)
		failed = collect(&t, &o, &rows, &n);
	if (failed >= 0 && o.json)
		print_json(rows, n);
	else if (failed >= 0 && o.fancy)
		print_table(&o, rows, n);
	else if (failed >= 0)
		print_names(rows, n, o.one);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tool_errorf(&t, "write the list to standard output: %s", strerror(errno));
		failed = -1;
	}
	for (size_t i = 0; i < n; i++)
		row_free(&rows[i]);
	free(rows);
	strv_free(o.groups);
	if (o.have_re)
		regfree(&o.re);
	tool_finish(&t);
	return failed == 0 ? 0 : 1;
}
