/* cgroup/stats.c and cgroup/freezer.c: the parsers, and both backends'
 * statistics and freezer against fake cgroup trees (plain directories and
 * files in a temporary directory, named by a cgroup record as a client
 * finds a container's cgroups), so the cgroup2 code runs on any host. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

static char tmp[] = "/tmp/lxcmgr-unit-cgstats.XXXXXX";

/* DIR/FILE (under the temporary directory) with TEXT. */
static void put(const char *dir, const char *file, const char *text)
{
	cleanup_free char *d = str_printf("%s/%s", tmp, dir);
	cleanup_free char *p = str_printf("%s/%s", d, file);

	mkdir_p(d, 0755);
	cleanup_close int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	EXPECT(fd >= 0, "create %s", p);
	if (fd >= 0)
		EXPECT(file_write_all(fd, text, strlen(text)) == 0, "write %s", p);
}

static char *get(const char *dir, const char *file)
{
	cleanup_free char *p = str_printf("%s/%s/%s", tmp, dir, file);
	char *text = NULL;

	file_read(p, 4096, &text, NULL);
	return text;
}

/* A hierarchy line of a record: mounted at TMP/MOUNT, payload MOUNT/web. */
static char *hier_line(bool unified, const char *mount, const char *ctrls)
{
	return str_printf("hier\t%d\t%s/%s\t/\t%s\t/\t%s/%s/web\t-\t-\t-\n", unified, tmp, mount,
			  ctrls, tmp, mount);
}

static struct cgroup *fake(int layout, const char *const *hiers)
{
	cleanup_free char *text = str_printf("lxcmgr-cgroup 1\nlayout %d\npayload web\npivot -\n",
					     layout);
	struct cgroup *cg = NULL;

	for (size_t i = 0; hiers[i]; i += 3) {
		cleanup_free char *line = hier_line(hiers[i][0] == '2', hiers[i + 1], hiers[i + 2]);
		char *more = str_printf("%s%s", text, line);
		free(text);
		text = more;
	}
	EXPECT_INT(cgroup_from_record(text, &cg), 0);
	return cg;
}

TEST(parsers)
{
	uint64_t v = 0, r, w, ios;

	EXPECT_INT(cgroup_stat_key("usage_usec 12\nuser_usec 7\n", "user_usec", &v), 0);
	EXPECT_INT(v, 7);
	EXPECT_INT(cgroup_stat_key("usage_usec 12\n", "usage", &v), -ENOENT);
	EXPECT_INT(cgroup_stat_key("anon 1\nkernel 4096\nkernel_stack 8\n", "kernel", &v), 0);
	EXPECT_INT(v, 4096);

	EXPECT_INT(cgroup_v1_blkio_sum("8:0 Read 4096\n8:0 Write 512\n8:0 Sync 1\n8:0 Total 4608\n"
				       "8:16 Read 10\n8:16 Write 0\nTotal 4618\n", &r, &w), 0);
	EXPECT_INT(r, 4106);
	EXPECT_INT(w, 512);
	EXPECT_INT(cgroup_v1_blkio_sum("Total 0\n", &r, &w), 0);
	EXPECT_INT(r + w, 0);
	EXPECT_INT(cgroup_v1_blkio_sum("", &r, &w), -ENOENT);

	cgroup_v2_io_sum("8:0 rbytes=100 wbytes=20 rios=3 wios=4 dbytes=0 dios=0\n"
			 "253:1 rbytes=1 wbytes=2 rios=1 wios=1 dbytes=9 dios=1\n", &r, &w, &ios);
	EXPECT_INT(r, 101);
	EXPECT_INT(w, 22);
	EXPECT_INT(ios, 9);
	cgroup_v2_io_sum("", &r, &w, &ios);
	EXPECT_INT(r + w + ios, 0);

	EXPECT_INT(cgroup_v1_freezer_state_from("FROZEN\n"), LXCMGR_STATE_FROZEN);
	EXPECT_INT(cgroup_v1_freezer_state_from("FREEZING"), LXCMGR_STATE_FREEZING);
	EXPECT_INT(cgroup_v1_freezer_state_from("THAWED\n"), LXCMGR_STATE_RUNNING);
	EXPECT_INT(cgroup_v1_freezer_state_from("MELTED"), -EINVAL);
	EXPECT_INT(cgroup_v2_freezer_state_from("1", "populated 1\nfrozen 1\n"), LXCMGR_STATE_FROZEN);
	EXPECT_INT(cgroup_v2_freezer_state_from("1", "populated 1\nfrozen 0\n"),
		   LXCMGR_STATE_FREEZING);
	EXPECT_INT(cgroup_v2_freezer_state_from("0", "populated 1\nfrozen 0\n"), LXCMGR_STATE_RUNNING);
	/* Frozen by a frozen parent. */
	EXPECT_INT(cgroup_v2_freezer_state_from("0", "populated 1\nfrozen 1\n"), LXCMGR_STATE_FROZEN);
	EXPECT_INT(cgroup_v2_freezer_state_from("0", "populated 1\n"), -EOPNOTSUPP);
}

TEST(cgroup2_stats_and_freezer)
{
	static const char *const hiers[] = { "2", "v2", "cpuset,cpu,io,memory,pids", NULL };
	struct cgroup *cg;
	struct lxcmgr_stats st;

	put("v2/web", "cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n"
		      "nr_periods 0\n");
	put("v2/web", "memory.current", "1048576\n");
	put("v2/web", "memory.peak", "4194304\n");
	put("v2/web", "memory.swap.current", "4096\n");
	put("v2/web", "memory.stat", "anon 1\nfile 2\nkernel 65536\nkernel_stack 16384\n");
	put("v2/web", "io.stat", "8:0 rbytes=8192 wbytes=4096 rios=2 wios=1 dbytes=0 dios=0\n");
	put("v2/web", "pids.current", "7\n");
	put("v2/web", "cgroup.freeze", "0\n");
	put("v2/web", "cgroup.events", "populated 1\nfrozen 0\n");
	if (!(cg = fake(CGROUP_LAYOUT_UNIFIED, hiers)))
		return;

	EXPECT_INT(cgroup_stats(cg, LXCMGR_STATS_ALL, &st), 0);
	EXPECT_INT(st.cpu_ns, 2500000000ull);
	EXPECT_INT(st.cpu_user_ns, 2000000000ull);
	EXPECT_INT(st.cpu_system_ns, 500000000ull);
	EXPECT_INT(st.mem_bytes, 1048576);
	EXPECT_INT(st.mem_peak_bytes, 4194304);
	EXPECT_INT(st.memsw_bytes, 1048576 + 4096);
	EXPECT_INT(st.kmem_bytes, 65536);
	EXPECT_INT(st.io_read_bytes, 8192);
	EXPECT_INT(st.io_write_bytes, 4096);
	EXPECT_INT(st.io_ops, 3);
	EXPECT_INT(st.pids, 7);

	EXPECT_INT(cgroup_freezer_state(cg, NULL), LXCMGR_STATE_RUNNING);
	EXPECT_INT(cgroup_freeze(cg, true, NULL), 0);
	cleanup_free char *freeze = get("v2/web", "cgroup.freeze");
	EXPECT(freeze && freeze[0] == '1', "cgroup.freeze after a freeze: %s", freeze);
	EXPECT_INT(cgroup_freezer_state(cg, NULL), LXCMGR_STATE_FREEZING);
	put("v2/web", "cgroup.events", "populated 1\nfrozen 1\n");
	EXPECT_INT(cgroup_freezer_state(cg, NULL), LXCMGR_STATE_FROZEN);
	EXPECT_INT(cgroup_freeze(cg, false, NULL), 0);
	cleanup_free char *thawed = get("v2/web", "cgroup.freeze");
	EXPECT(thawed && thawed[0] == '0', "cgroup.freeze after a thaw: %s", thawed);

	/* Before Linux 5.2: no cgroup.freeze, so no freezer. */
	cleanup_free char *path = str_printf("%s/v2/web/cgroup.freeze", tmp);
	unlink(path);
	lxcmgr_error *err = NULL;
	EXPECT_INT(cgroup_freeze(cg, true, &err), -ENODEV);
	EXPECT_CONTAINS(err ? err->msg : NULL, "Linux 5.2");
	lxcmgr_error_free(err);
	cgroup_free(cg);
}

/* Without the memory, io and pids controllers enabled: those stay unknown. */
TEST(cgroup2_without_controllers)
{
	static const char *const hiers[] = { "2", "bare", "-", NULL };
	struct cgroup *cg;
	struct lxcmgr_stats st;

	put("bare/web", "cpu.stat", "usage_usec 10\nuser_usec 6\nsystem_usec 4\n");
	if (!(cg = fake(CGROUP_LAYOUT_UNIFIED, hiers)))
		return;
	EXPECT_INT(cgroup_stats(cg, LXCMGR_STATS_ALL, &st), 0);
	EXPECT_INT(st.cpu_ns, 10000);
	EXPECT(st.mem_bytes == LXCMGR_STAT_UNKNOWN, "memory unknown: %llu",
	       (unsigned long long)st.mem_bytes);
	EXPECT(st.pids == LXCMGR_STAT_UNKNOWN && st.io_read_bytes == LXCMGR_STAT_UNKNOWN,
	       "pids and io unknown");
	cgroup_free(cg);
}

/* A hybrid host: v1 controllers first; cgroup2 (no controllers) only for
 * what they do not give. */
TEST(v1_hybrid_stats_and_freezer)
{
	static const char *const hiers[] = {
		"1", "cpu,cpuacct", "cpu,cpuacct", "1", "memory", "memory", "1", "blkio", "blkio",
		"1", "pids", "pids", "1", "freezer", "freezer", "2", "unified", "-", NULL,
	};
	struct cgroup *cg;
	struct lxcmgr_stats st;
	long hz = sysconf(_SC_CLK_TCK);

	put("cpu,cpuacct/web", "cpuacct.usage", "123456789\n");
	put("cpu,cpuacct/web", "cpuacct.stat", "user 30\nsystem 12\n");
	put("memory/web", "memory.usage_in_bytes", "2097152\n");
	put("memory/web", "memory.max_usage_in_bytes", "3145728\n");
	put("memory/web", "memory.kmem.usage_in_bytes", "262144\n");
	put("blkio/web", "blkio.throttle.io_service_bytes",
	    "8:0 Read 40960\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 0\n8:0 Total 49152\nTotal 49152\n");
	put("blkio/web", "blkio.throttle.io_serviced", "8:0 Read 10\n8:0 Write 2\nTotal 12\n");
	put("pids/web", "pids.current", "4\n");
	put("freezer/web", "freezer.state", "THAWED\n");
	put("unified/web", "cpu.stat", "usage_usec 1\nuser_usec 1\nsystem_usec 0\n");
	put("unified/web", "cgroup.freeze", "0\n");
	put("unified/web", "cgroup.events", "populated 1\nfrozen 0\n");
	if (!(cg = fake(CGROUP_LAYOUT_HYBRID, hiers)))
		return;

	EXPECT_INT(cgroup_stats(cg, LXCMGR_STATS_ALL, &st), 0);
	EXPECT_INT(st.cpu_ns, 123456789); /* cpuacct's, not cgroup2's cpu.stat */
	EXPECT_INT(st.cpu_user_ns, 30 * (1000000000 / hz));
	EXPECT_INT(st.cpu_system_ns, 12 * (1000000000 / hz));
	EXPECT_INT(st.mem_bytes, 2097152);
	EXPECT_INT(st.mem_peak_bytes, 3145728);
	EXPECT(st.memsw_bytes == LXCMGR_STAT_UNKNOWN, "no swap accounting: memsw unknown");
	EXPECT_INT(st.kmem_bytes, 262144);
	EXPECT_INT(st.io_read_bytes, 40960);
	EXPECT_INT(st.io_write_bytes, 8192);
	EXPECT_INT(st.io_ops, 12);
	EXPECT_INT(st.pids, 4);

	/* Only what is asked for (lxc-info -S's text): the files of the rest
	 * are not read (each would fill its field), nor cgroup2's cpu.stat for
	 * the CPU split left out. */
	put("unified/web", "cpu.stat", "usage_usec 1\nuser_usec 999\nsystem_usec 0\n");
	EXPECT_INT(cgroup_stats(cg, LXCMGR_STATS_CPU | LXCMGR_STATS_MEM | LXCMGR_STATS_PIDS, &st), 0);
	EXPECT_INT(st.cpu_ns, 123456789);
	EXPECT(st.cpu_user_ns == LXCMGR_STAT_UNKNOWN, "user CPU not asked for: %llu",
	       (unsigned long long)st.cpu_user_ns);
	EXPECT_INT(st.mem_bytes, 2097152);
	EXPECT(st.mem_peak_bytes == LXCMGR_STAT_UNKNOWN && st.kmem_bytes == LXCMGR_STAT_UNKNOWN &&
	       st.io_read_bytes == LXCMGR_STAT_UNKNOWN && st.io_ops == LXCMGR_STAT_UNKNOWN,
	       "fields not asked for stay unknown");
	EXPECT_INT(st.pids, 4);

	/* The v1 freezer, not cgroup2's cgroup.freeze. */
	EXPECT_INT(cgroup_freeze(cg, true, NULL), 0);
	cleanup_free char *state = get("freezer/web", "freezer.state");
	EXPECT_STR(state, "FROZEN\n");
	cleanup_free char *untouched = get("unified/web", "cgroup.freeze");
	EXPECT_STR(untouched, "0\n");
	put("freezer/web", "freezer.state", "FREEZING\n");
	EXPECT_INT(cgroup_freezer_state(cg, NULL), LXCMGR_STATE_FREEZING);
	put("freezer/web", "freezer.state", "FROZEN\n");
	EXPECT_INT(cgroup_freezer_state(cg, NULL), LXCMGR_STATE_FROZEN);
	EXPECT_INT(cgroup_freeze(cg, false, NULL), 0);
	EXPECT_INT(cgroup_freezer_state(cg, NULL), LXCMGR_STATE_RUNNING);
	cgroup_free(cg);
}

/* A hybrid host without a freezer hierarchy freezes through cgroup2; a
 * legacy one without it has none. */
TEST(v1_freezer_fallbacks)
{
	static const char *const hybrid[] = { "1", "pids", "pids", "2", "unified", "-", NULL };
	static const char *const legacy[] = { "1", "pids", "pids", NULL };
	struct cgroup *cg;
	lxcmgr_error *err = NULL;

	put("unified/web", "cgroup.freeze", "0\n");
	put("unified/web", "cgroup.events", "populated 1\nfrozen 0\n");
	if ((cg = fake(CGROUP_LAYOUT_HYBRID, hybrid))) {
		EXPECT_INT(cgroup_freeze(cg, true, NULL), 0);
		cleanup_free char *freeze = get("unified/web", "cgroup.freeze");
		EXPECT(freeze && freeze[0] == '1', "cgroup2's cgroup.freeze: %s", freeze);
		cgroup_free(cg);
	}
	if ((cg = fake(CGROUP_LAYOUT_LEGACY, legacy))) {
		EXPECT_INT(cgroup_freeze(cg, true, &err), -ENODEV);
		EXPECT_CONTAINS(err ? err->msg : NULL, "freezer controller is not mounted");
		lxcmgr_error_free(err);
		cgroup_free(cg);
	}
}

static void setup(void)
{
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		exit(1);
	}
}

static void teardown(void)
{
	cleanup_close int fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rm_rf_at(fd, tmp + strlen("/tmp/"), NULL);
}

int main(void)
{
	setup();
	unit_fn fns[] = { parsers, cgroup2_stats_and_freezer, cgroup2_without_controllers,
			  v1_hybrid_stats_and_freezer, v1_freezer_fallbacks };
	int ret = unit_run("parsers, cgroup2_stats_and_freezer, cgroup2_without_controllers, "
			   "v1_hybrid_stats_and_freezer, v1_freezer_fallbacks",
			   fns, ARRAY_SIZE(fns));
	teardown();
	return ret;
}
