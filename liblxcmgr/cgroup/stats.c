/* Resource use of a container's payload cgroup (lxc-info -S, lxc-top),
 * read from each hierarchy in its own terms:
 *   cgroup v1  cpuacct.usage, cpuacct.stat; memory.usage_in_bytes,
 *              .max_usage_in_bytes, .memsw.usage_in_bytes,
 *              .kmem.usage_in_bytes; blkio.throttle.io_service_bytes and
 *              .io_serviced; pids.current
 *   cgroup2    cpu.stat; memory.current, .peak, .swap.current, .stat
 *              (kernel); io.stat; pids.current
 * On a hybrid host the v1 controllers come first; what none of them gives
 * is taken from the cgroup2 hierarchy when it has it (cpu.stat is there
 * without any controller).
 *
 * lxc-top reads this for every container at every refresh: small reads
 * into stack buffers, no allocation, nothing but the files, and only the
 * files of the fields asked for (lxc-info -S shows six of eleven). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "util/cleanup.h"

#define STAT_BUF 8192
#define NS_PER_USEC 1000ull
#define NS_PER_SEC 1000000000ull

void cgroup_stats_init(struct lxcmgr_stats *st)
{
	/* Every field is a uint64_t: all unknown. */
	memset(st, 0xff, sizeof(*st));
}

/* FILE of DIR into BUF, NUL-terminated (a longer file is cut). */
static int read_into(const char *dir, const char *file, char *buf, size_t size)
{
	char path[4096];
	size_t len = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path))
		return -ENAMETOOLONG;
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	/* A cgroup file gives all it has in one read: a short read is its
	 * end, without a second read for the 0. */
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0)
			return -errno;
		len += (size_t)n;
		if (n == 0 || (size_t)n < size - 1 - (len - (size_t)n))
			break;
	}
	buf[len] = '\0';
	return 0;
}

static int parse_u64_at(const char *s, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno ? -errno : 0;
}

/* A file holding one number ("max" is not one). */
static void read_u64(const char *dir, const char *file, uint64_t *out)
{
	char buf[64];
	uint64_t v;

	if (read_into(dir, file, buf, sizeof(buf)) == 0 && parse_u64_at(buf, &v) == 0)
		*out = v;
}

int cgroup_stat_key(const char *text, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line;) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			return parse_u64_at(line + klen + 1, out);
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return -ENOENT;
}

int cgroup_v1_blkio_sum(const char *text, uint64_t *read, uint64_t *write)
{
	bool any = false;

	*read = *write = 0;
	/* "8:0 Read 4096" ... per device, then "Total N" for all of them. */
	for (const char *line = text; line && *line;) {
		char op[16];
		uint64_t n;
		if (sscanf(line, "%*u:%*u %15s %" SCNu64, op, &n) == 2) {
			if (strcmp(op, "Read") == 0)
				*read += n;
			else if (strcmp(op, "Write") == 0)
				*write += n;
			any = true;
		} else if (strncmp(line, "Total ", 6) == 0) {
			any = true;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return any ? 0 : -ENOENT;
}

void cgroup_v2_io_sum(const char *text, uint64_t *rbytes, uint64_t *wbytes, uint64_t *ios)
{
	*rbytes = *wbytes = *ios = 0;
	/* "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0", a line per
	 * device; an empty file is no I/O yet. */
	for (const char *p = text; *p; p++) {
		if (p != text && p[-1] != ' ')
			continue;
		static const struct {
			const char *key;
			int which;
		} keys[] = { { "rbytes=", 0 }, { "wbytes=", 1 }, { "rios=", 2 }, { "wios=", 2 } };
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			size_t len = strlen(keys[k].key);
			uint64_t n;
			if (strncmp(p, keys[k].key, len) != 0 || parse_u64_at(p + len, &n) < 0)
				continue;
			uint64_t *sum = keys[k].which == 0 ? rbytes : keys[k].which == 1 ? wbytes : ios;
			*sum += n;
		}
	}
}

/* ------------------------------------------------------------ v1 */

static void v1_cpu(const char *dir, unsigned want, struct lxcmgr_stats *st)
{
	char buf[256];
	uint64_t user, sys;
	long hz = sysconf(_SC_CLK_TCK);

	if (want & LXCMGR_STATS_CPU)
		read_u64(dir, "cpuacct.usage", &st->cpu_ns);
	if (!(want & LXCMGR_STATS_CPU_SPLIT) ||
	    read_into(dir, "cpuacct.stat", buf, sizeof(buf)) < 0 || hz <= 0)
		return;
	/* In USER_HZ ticks. */
	if (cgroup_stat_key(buf, "user", &user) == 0)
		st->cpu_user_ns = user * (NS_PER_SEC / (uint64_t)hz);
	if (cgroup_stat_key(buf, "system", &sys) == 0)
		st->cpu_system_ns = sys * (NS_PER_SEC / (uint64_t)hz);
}

static void v1_memory(const char *dir, unsigned want, struct lxcmgr_stats *st)
{
	if (want & LXCMGR_STATS_MEM)
		read_u64(dir, "memory.usage_in_bytes", &st->mem_bytes);
	if (want & LXCMGR_STATS_MEM_PEAK)
		read_u64(dir, "memory.max_usage_in_bytes", &st->mem_peak_bytes);
	if (want & LXCMGR_STATS_MEMSW) /* with swap accounting on */
		read_u64(dir, "memory.memsw.usage_in_bytes", &st->memsw_bytes);
	if (want & LXCMGR_STATS_KMEM)
		read_u64(dir, "memory.kmem.usage_in_bytes", &st->kmem_bytes);
}

static void v1_blkio(const char *dir, unsigned want, struct lxcmgr_stats *st)
{
	char buf[STAT_BUF];
	uint64_t r, w;

	if ((want & LXCMGR_STATS_IO_BYTES) &&
	    read_into(dir, "blkio.throttle.io_service_bytes", buf, sizeof(buf)) == 0 &&
	    cgroup_v1_blkio_sum(buf, &r, &w) == 0) {
		st->io_read_bytes = r;
		st->io_write_bytes = w;
	}
	if ((want & LXCMGR_STATS_IO_OPS) &&
	    read_into(dir, "blkio.throttle.io_serviced", buf, sizeof(buf)) == 0 &&
	    cgroup_v1_blkio_sum(buf, &r, &w) == 0)
		st->io_ops = r + w;
}

static void v1_hier(const struct cgroup_hier *h, unsigned want, struct lxcmgr_stats *st)
{
	const char *dir = h->dirs[CGROUP_PAYLOAD];

	if (cgroup_hier_has(h, "cpuacct"))
		v1_cpu(dir, want, st);
	if (cgroup_hier_has(h, "memory"))
		v1_memory(dir, want, st);
	if (cgroup_hier_has(h, "blkio"))
		v1_blkio(dir, want, st);
	if ((want & LXCMGR_STATS_PIDS) && cgroup_hier_has(h, "pids"))
		read_u64(dir, "pids.current", &st->pids);
}

/* ------------------------------------------------------------ v2 */

/* Only what is still unknown: on a hybrid host the v1 controllers went
 * first. */
static void v2_cpu(const char *dir, unsigned want, struct lxcmgr_stats *st)
{
	char buf[1024];
	uint64_t v;
	bool cpu = (want & LXCMGR_STATS_CPU) && st->cpu_ns == LXCMGR_STAT_UNKNOWN;
	bool split = (want & LXCMGR_STATS_CPU_SPLIT) && st->cpu_user_ns == LXCMGR_STAT_UNKNOWN;

	if ((!cpu && !split) || read_into(dir, "cpu.stat", buf, sizeof(buf)) < 0)
		return;
	if (cpu && cgroup_stat_key(buf, "usage_usec", &v) == 0)
		st->cpu_ns = v * NS_PER_USEC;
	if (split && cgroup_stat_key(buf, "user_usec", &v) == 0)
		st->cpu_user_ns = v * NS_PER_USEC;
	if (split && cgroup_stat_key(buf, "system_usec", &v) == 0)
		st->cpu_system_ns = v * NS_PER_USEC;
}

static void v2_memory(const char *dir, unsigned want, struct lxcmgr_stats *st)
{
	char buf[STAT_BUF];
	uint64_t swap = LXCMGR_STAT_UNKNOWN, kernel;

	if (st->mem_bytes != LXCMGR_STAT_UNKNOWN)
		return;
	if (want & (LXCMGR_STATS_MEM | LXCMGR_STATS_MEMSW))
		read_u64(dir, "memory.current", &st->mem_bytes);
	if (want & LXCMGR_STATS_MEM_PEAK)
		read_u64(dir, "memory.peak", &st->mem_peak_bytes); /* Linux 5.19 */
	if (want & LXCMGR_STATS_MEMSW)
		read_u64(dir, "memory.swap.current", &swap);
	if (swap != LXCMGR_STAT_UNKNOWN && st->mem_bytes != LXCMGR_STAT_UNKNOWN)
		st->memsw_bytes = st->mem_bytes + swap; /* as v1's memsw: both together */
	if ((want & LXCMGR_STATS_KMEM) && read_into(dir, "memory.stat", buf, sizeof(buf)) == 0 &&
	    cgroup_stat_key(buf, "kernel", &kernel) == 0) /* Linux 5.18 */
		st->kmem_bytes = kernel;
}

static void v2_io(const char *dir, unsigned want, struct lxcmgr_stats *st)
{
	char buf[STAT_BUF];

	if (!(want & (LXCMGR_STATS_IO_BYTES | LXCMGR_STATS_IO_OPS)) ||
	    st->io_read_bytes != LXCMGR_STAT_UNKNOWN ||
	    read_into(dir, "io.stat", buf, sizeof(buf)) < 0)
		return;
	cgroup_v2_io_sum(buf, &st->io_read_bytes, &st->io_write_bytes, &st->io_ops);
}

static void v2_hier(const struct cgroup_hier *h, unsigned want, struct lxcmgr_stats *st)
{
	const char *dir = h->dirs[CGROUP_PAYLOAD];

	v2_cpu(dir, want, st); /* core accounting: no controller needed */
	if (cgroup_hier_has(h, "memory"))
		v2_memory(dir, want, st);
	if (cgroup_hier_has(h, "io"))
		v2_io(dir, want, st);
	if ((want & LXCMGR_STATS_PIDS) && cgroup_hier_has(h, "pids") &&
	    st->pids == LXCMGR_STAT_UNKNOWN)
		read_u64(dir, "pids.current", &st->pids);
}

int cgroup_stats_all(const struct cgroup *cg, unsigned want, struct lxcmgr_stats *st)
{
	bool any = false;

	cgroup_stats_init(st);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < cg->n_hiers; i++) {
			const struct cgroup_hier *h = &cg->hiers[i];
			if (!h->dirs[CGROUP_PAYLOAD] || h->unified != (pass == 1))
				continue;
			any = true;
			if (h->unified)
				v2_hier(h, want, st);
			else
				v1_hier(h, want, st);
		}
	return any ? 0 : -ENOENT;
}
