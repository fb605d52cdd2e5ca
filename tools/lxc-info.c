/* lxc-info: state, init pid, resource use and running config items of a
 * container. */
#include <inttypes.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char help[] =
	"Usage: lxc-info -n NAME [-s] [-p] [-i] [-S] [-c KEY]... [-H] [--format=text|json]\n"
	"                [OPTIONS]\n"
	"\n"
	"Show the container's state, init pid, addresses and resource use; with\n"
	"options, only what they ask for.\n"
	"\n"
	"Options:\n"
	"  -s, --state              the state\n"
	"  -p, --pid                init's pid (running containers only)\n"
	"  -i, --ips                the IP addresses (all interfaces but lo; IPv6 of\n"
	"                           global scope)\n"
	"  -c, --config=KEY         KEY as the running container uses it (repeatable)\n"
	"  -S, --stats              resource use, from the container's cgroups: CPU time,\n"
	"                           block I/O, memory, kernel memory, memory peak, pids\n"
	"  -H, --no-humanize        raw numbers: nanoseconds and bytes\n"
	"      --format=FORMAT      text (default) or json\n"
	"\n" TOOL_COMMON_HELP;

enum { OPT_FORMAT = OPT_TOOL_FIRST };

struct info_args {
	bool all, state, pid, ips, stats, raw, json;
	const char **keys;
	size_t n_keys;
};

static void parse_args(struct tool *t, struct info_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		TOOL_COMMON_LONGOPTS,
		{ "state", no_argument, NULL, 's' },
		{ "pid", no_argument, NULL, 'p' },
		{ "ips", no_argument, NULL, 'i' },
		{ "config", required_argument, NULL, 'c' },
		{ "no-humanize", no_argument, NULL, 'H' },
		{ "stats", no_argument, NULL, 'S' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORTOPTS "spic:HS", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': a->state = true; break;
		case 'p': a->pid = true; break;
		case 'i': a->ips = true; break;
		case 'H': a->raw = true; break;
		case 'S': a->stats = true; break;
		case 'c':
			a->keys = realloc(a->keys, (a->n_keys + 1) * sizeof(*a->keys));
			if (!a->keys)
				abort();
			a->keys[a->n_keys++] = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
				tool_usage_error(t, "unknown format \"%s\"; use text or json", optarg);
			a->json = strcmp(optarg, "json") == 0;
			break;
		default:
			if (!tool_common_option(t, opt, optarg))
				tool_usage_error(t, "unknown option");
		}
	}
	/* LXC's default: name, state, pid, addresses, statistics. */
	a->all = !a->state && !a->pid && !a->ips && !a->stats && !a->n_keys;
	if (a->all)
		a->state = a->pid = a->stats = true;
}

static int print_keys(struct tool *t, struct lxcmgr_container *c, const struct info_args *a)
{
	for (size_t i = 0; i < a->n_keys; i++) {
		lxcmgr_error *err = NULL;
		char *value = NULL;
		/* A stopped container answers from its config, as LXC's does. */
		int ret = lxcmgr_container_state(c) == LXCMGR_STATE_STOPPED
				  ? lxcmgr_container_get_item(c, a->keys[i], &value, &err)
				  : lxcmgr_container_get_running_item(c, a->keys[i], &value, &err);
		if (ret < 0) {
			tool_error(t, err);
			lxcmgr_error_free(err);
			return -1;
		}
		printf("%s = %s\n", a->keys[i], value);
		free(value);
	}
	return 0;
}

/* The addresses of a running container; none for a stopped one. */
static char **get_ips(struct tool *t, struct lxcmgr_container *c, int pid, int *ret)
{
	lxcmgr_error *err = NULL;
	char **ips = NULL;

	if (pid <= 0 || lxcmgr_container_get_ips(c, &ips, &err) == 0)
		return ips;
	tool_error(t, err);
	lxcmgr_error_free(err);
	*ret = -1;
	return NULL;
}

static void free_ips(char **ips)
{
	for (size_t i = 0; ips && ips[i]; i++)
		free(ips[i]);
	free(ips);
}

/* The statistics of a running container: false (nothing to show) when it
 * is stopped, or runs without cgroups and -S was not asked for. */
static bool get_stats(struct tool *t, struct lxcmgr_container *c, int state,
		      const struct info_args *a, struct lxcmgr_stats *st, int *ret)
{
	lxcmgr_error *err = NULL;

	if (state == LXCMGR_STATE_STOPPED || !a->stats)
		return false;
	/* The text shows six fields: the files of the others are not read. */
	unsigned want = a->json ? LXCMGR_STATS_ALL
				: LXCMGR_STATS_CPU | LXCMGR_STATS_IO_BYTES | LXCMGR_STATS_MEM |
					  LXCMGR_STATS_KMEM | LXCMGR_STATS_MEM_PEAK | LXCMGR_STATS_PIDS;
	int r = lxcmgr_container_stats_some(c, want, st, sizeof(*st), &err);
	if (r < 0 && r != -ESRCH && (r != -ENODATA || !a->all)) {
		tool_error(t, err);
		*ret = -1;
	}
	lxcmgr_error_free(err);
	return r == 0;
}

/* LXC's units: "0 bytes", "600.00 KiB", "1.52 MiB". */
static void print_size(const char *label, uint64_t v, bool raw)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double d = (double)v;
	size_t u = 0;

	if (v == LXCMGR_STAT_UNKNOWN)
		return;
	if (raw || v < 1024) {
		printf("%-16s%" PRIu64 "%s\n", label, v, raw ? "" : " bytes");
		return;
	}
	for (d /= 1024; d >= 1024 && u + 1 < sizeof(units) / sizeof(units[0]); u++)
		d /= 1024;
	printf("%-16s%.2f %s\n", label, d, units[u]);
}

static uint64_t io_total(const struct lxcmgr_stats *st)
{
	if (st->io_read_bytes == LXCMGR_STAT_UNKNOWN || st->io_write_bytes == LXCMGR_STAT_UNKNOWN)
		return LXCMGR_STAT_UNKNOWN;
	return st->io_read_bytes + st->io_write_bytes;
}

static void print_stats(const struct lxcmgr_stats *st, bool raw)
{
	if (st->cpu_ns != LXCMGR_STAT_UNKNOWN && raw)
		printf("%-16s%" PRIu64 "\n", "CPU use:", st->cpu_ns);
	else if (st->cpu_ns != LXCMGR_STAT_UNKNOWN)
		printf("%-16s%.2f seconds\n", "CPU use:", (double)st->cpu_ns / 1e9);
	print_size("BlkIO use:", io_total(st), raw);
	print_size("Memory use:", st->mem_bytes, raw);
	print_size("KMem use:", st->kmem_bytes, raw);
	/* Beyond LXC's four. */
	print_size("Memory peak:", st->mem_peak_bytes, raw);
	if (st->pids != LXCMGR_STAT_UNKNOWN)
		printf("%-16s%" PRIu64 "\n", "Pids:", st->pids);
}

static void json_u64(const char *key, uint64_t v)
{
	if (v == LXCMGR_STAT_UNKNOWN)
		printf(", \"%s\": null", key);
	else
		printf(", \"%s\": %" PRIu64, key, v);
}

static void print_json(const char *name, int state, int pid, char **ips,
		       const struct lxcmgr_stats *st)
{
	printf("{\"name\": \"%s\", \"state\": \"%s\", \"pid\": ", name,
	       lxcmgr_state_name(state));
	printf(pid > 0 ? "%d" : "null", pid);
	printf(", \"ips\": [");
	for (size_t i = 0; ips && ips[i]; i++)
		printf("%s\"%s\"", i ? ", " : "", ips[i]);
	printf("]");
	if (st) {
		printf(", \"stats\": {\"age_ns\": %" PRIu64, st->age_ns);
		json_u64("cpu_ns", st->cpu_ns);
		json_u64("cpu_user_ns", st->cpu_user_ns);
		json_u64("cpu_system_ns", st->cpu_system_ns);
		json_u64("blkio_read_bytes", st->io_read_bytes);
		json_u64("blkio_write_bytes", st->io_write_bytes);
		json_u64("memory_bytes", st->mem_bytes);
		json_u64("memory_peak_bytes", st->mem_peak_bytes);
		json_u64("memsw_bytes", st->memsw_bytes);
		json_u64("kmem_bytes", st->kmem_bytes);
		json_u64("pids", st->pids);
		printf("}");
	}
	printf("}\n");
}

int main(int argc, char **argv)
{
	struct tool t = { .progname = "lxc-info", .help = help };
	struct info_args a = { 0 };

	parse_args(&t, &a, argc, argv);
	/* Everything shown comes from the monitor, the running config
	 * included: the config on disk is not read (nor parsed). */
	struct lxcmgr_container *c = tool_existing_container(&t);
	if (!c)
		return 1;
	/* -S alone needs no state: the statistics see for themselves whether
	 * a monitor listens (a connect, without waiting for its answer). */
	bool stats_only = a.stats && !a.state && !a.pid && !a.ips && !a.n_keys && !a.json;
	int state = stats_only ? LXCMGR_STATE_RUNNING : lxcmgr_container_state(c);
	/* Starting, init is not known yet, and the monitor would answer only
	 * once it runs: no PID line then. */
	bool want_pid = a.pid || a.json || a.ips || a.all;
	int pid = !want_pid || state == LXCMGR_STATE_STOPPED || state == LXCMGR_STATE_STARTING
			  ? -1 : lxcmgr_container_init_pid(c);
	int ret = 0;
	struct lxcmgr_stats st;
	bool have_stats = get_stats(&t, c, state, &a, &st, &ret);
	/* LXC's plain lxc-info shows the addresses too. */
	char **ips = a.json || a.ips || a.all ? get_ips(&t, c, pid, &ret) : NULL;
	if (a.json) {
		print_json(t.name, state, pid, ips, have_stats ? &st : NULL);
	} else { /* what is known is shown even when the addresses could not be read */
		if (a.all)
			printf("Name:           %s\n", t.name);
		if (a.state)
			printf("State:          %s\n", lxcmgr_state_name(state));
		if (a.pid && pid > 0)
			printf("PID:            %d\n", pid);
		for (size_t i = 0; (a.ips || a.all) && ips && ips[i]; i++)
			printf("IP:             %s\n", ips[i]);
		if (have_stats)
			print_stats(&st, a.raw);
		if (a.n_keys && print_keys(&t, c, &a) < 0)
			ret = -1;
	}
	free_ips(ips);
	free(a.keys);
	/* Each failure above has been printed where it happened. */
	lxcmgr_container_put(c);
	tool_finish(&t);
	return ret == 0 ? 0 : 1;
}
