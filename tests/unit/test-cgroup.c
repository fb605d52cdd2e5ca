/* cgroup/: the pure helpers (paths, /proc/self/cgroup, mountinfo) and the
 * runtime record that lets a client find a container's cgroups. */
#include <errno.h>

#include "cgroup/cgroup.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/str.h"

/* cgroup_paths, expecting success. */
static void paths_ok(const char *pattern, const char *dir, const char *dc, const char *dm,
		     const char *payload, const char *monitor)
{
	cleanup_free char *p = NULL, *m = NULL;
	const char *why = NULL;
	int ret = cgroup_paths(pattern, dir, dc, dm, "web", &p, &m, &why);

	EXPECT(ret == 0, "paths (%s, %s, %s, %s): %d %s", pattern ? pattern : "-",
	       dir ? dir : "-", dc ? dc : "-", dm ? dm : "-", ret, why ? why : "");
	EXPECT_STR(p, payload);
	EXPECT_STR(m, monitor);
}

static void paths_fail(const char *pattern, const char *dir, const char *dc, const char *dm,
		       const char *needle)
{
	cleanup_free char *p = NULL, *m = NULL;
	const char *why = NULL;
	int ret = cgroup_paths(pattern, dir, dc, dm, "web", &p, &m, &why);

	EXPECT_INT(ret, -EINVAL);
	EXPECT(!p && !m, "no paths on failure");
	EXPECT_CONTAINS(why, needle);
}

TEST(paths)
{
	paths_ok(NULL, NULL, NULL, NULL, "lxcmgr.payload.web", "lxcmgr.monitor.web");
	paths_ok("", NULL, NULL, NULL, "lxcmgr.payload.web", "lxcmgr.monitor.web");
	paths_ok("lxcmgr.payload.%n", NULL, NULL, NULL, "lxcmgr.payload.web", "lxcmgr.monitor.web");
	paths_ok("lxc/%n", NULL, NULL, NULL, "lxc/web", "lxc/lxcmgr.monitor.web");
	paths_ok("a/b/c-%n-%%", NULL, NULL, NULL, "a/b/c-web-%", "a/b/lxcmgr.monitor.web");
	paths_ok("x", "d/e", NULL, NULL, "d/e/lxcmgr.payload.web", "d/e/lxcmgr.monitor.web");
	paths_ok("x", NULL, "c/web", "m/web", "c/web", "m/web");
	paths_fail(NULL, NULL, "c", NULL, "go together");
	paths_fail(NULL, NULL, NULL, "m", "go together");
	paths_fail(NULL, "d", "c", "m", "cannot be combined");
	paths_fail(NULL, NULL, "same", "same", "different");
	paths_fail(NULL, "/abs", NULL, NULL, "relative");
	paths_fail(NULL, "a/../b", NULL, NULL, "\"..\"");
	paths_fail("lxcmgr.monitor.%n", NULL, NULL, NULL, "monitor");
	paths_fail("%n/", NULL, NULL, NULL, "end with");
}

TEST(path_problems)
{
	EXPECT(cgroup_path_problem("a") == NULL, "a");
	EXPECT(cgroup_path_problem("a/b.c/d-e") == NULL, "a/b.c/d-e");
	EXPECT(cgroup_path_problem("..a/b..") == NULL, "dots inside names are fine");
	const char *bad[] = { "", "/a", "a//b", "a/", "./a", "a/./b", "a/..", "a\nb", "a\tb" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT(cgroup_path_problem(bad[i]) != NULL, "\"%s\" is refused", bad[i]);
}

TEST(self_from_proc)
{
	const char *text = "12:pids:/user.slice\n"
			   "4:cpu,cpuacct:/a/b\n"
			   "1:name=systemd:/init.scope\n"
			   "0::/user.slice/session-1.scope\n";
	cleanup_free char *pids = cgroup_self_from(text, "pids");
	cleanup_free char *cpu = cgroup_self_from(text, "cpu,cpuacct");
	cleanup_free char *sd = cgroup_self_from(text, "name=systemd");
	cleanup_free char *v2 = cgroup_self_from(text, "");
	cleanup_free char *none = cgroup_self_from(text, "cpu");

	EXPECT_STR(pids, "/user.slice");
	EXPECT_STR(cpu, "/a/b");
	EXPECT_STR(sd, "/init.scope");
	EXPECT_STR(v2, "/user.slice/session-1.scope");
	EXPECT(none == NULL, "cpu alone is not cpu,cpuacct");
}

TEST(mountinfo)
{
	cleanup_free char *mount = NULL, *root = NULL, *opts = NULL;
	bool unified = true;

	EXPECT_INT(cgroup_mountinfo_line("34 30 0:31 / /sys/fs/cgroup/memory rw,relatime shared:9 "
					 "- cgroup cgroup rw,memory\n",
					 &unified, &mount, &root, &opts),
		   0);
	EXPECT(!unified, "v1");
	EXPECT_STR(mount, "/sys/fs/cgroup/memory");
	EXPECT_STR(root, "/");
	EXPECT_STR(opts, "rw,memory");
	free(mount);
	free(root);
	free(opts);
	mount = root = opts = NULL;
	EXPECT_INT(cgroup_mountinfo_line("40 30 0:37 /sub /sys/fs/cgroup/unified rw - cgroup2 "
					 "cgroup2 rw,nsdelegate",
					 &unified, &mount, &root, &opts),
		   0);
	EXPECT(unified, "cgroup2");
	EXPECT_STR(root, "/sub");
	EXPECT_INT(cgroup_mountinfo_line("22 1 0:21 / /sys rw - sysfs sysfs rw", &unified, &mount,
					 &root, &opts),
		   -ENOENT);
	EXPECT_INT(cgroup_mountinfo_line("garbage", &unified, &mount, &root, &opts), -ENOENT);
}

TEST(hier_dirs)
{
	char m1[] = "/sys/fs/cgroup/pids", r1[] = "/", m2[] = "/sys/fs/cgroup", r2[] = "/lxc/c1";
	struct cgroup_hier h = { .mount = m1, .root = r1 };
	cleanup_free char *a = cgroup_hier_dir(&h, "/");
	cleanup_free char *b = cgroup_hier_dir(&h, "/x/y");
	struct cgroup_hier ns = { .mount = m2, .root = r2 };
	cleanup_free char *c = cgroup_hier_dir(&ns, "/lxc/c1/inner");
	cleanup_free char *d = cgroup_hier_dir(&ns, "/lxc/c10");

	EXPECT_STR(a, "/sys/fs/cgroup/pids");
	EXPECT_STR(b, "/sys/fs/cgroup/pids/x/y");
	EXPECT_STR(c, "/sys/fs/cgroup/inner");
	EXPECT(d == NULL, "a path outside the mounted subtree has no directory");
}

static void v2_as(const char *file, const char *value, const char *mem, const char *cpu,
		  const char *want_file, const char *want_value)
{
	cleanup_free char *f = NULL, *v = NULL;
	const char *why = NULL;
	int ret = cgroup_v1_to_v2(file, value, mem, cpu, &f, &v, &why);

	EXPECT(ret == 0, "%s = %s translates: %d %s", file, value, ret, why ? why : "");
	EXPECT_STR(f, want_file);
	EXPECT_STR(v, want_value);
}

static void v2_refuses(const char *file, const char *value, const char *mem, int want,
		       const char *needle)
{
	cleanup_free char *f = NULL, *v = NULL;
	const char *why = NULL;

	EXPECT_INT(cgroup_v1_to_v2(file, value, mem, NULL, &f, &v, &why), want);
	EXPECT(!f && !v, "nothing for %s = %s", file, value);
	EXPECT_CONTAINS(why, needle);
}

TEST(v1_keys_on_cgroup2)
{
	v2_as("memory.limit_in_bytes", "512M", NULL, NULL, "memory.max", "512M");
	v2_as("memory.limit_in_bytes", "-1", NULL, NULL, "memory.max", "max");
	v2_as("memory.memsw.limit_in_bytes", "1G", "536870912", NULL, "memory.swap.max",
	      "536870912");
	v2_as("memory.memsw.limit_in_bytes", "1g", "max", NULL, "memory.swap.max", "1073741824");
	v2_as("memory.memsw.limit_in_bytes", "-1", "1024", NULL, "memory.swap.max", "max");
	v2_as("cpu.shares", "1024", NULL, NULL, "cpu.weight", "100");
	v2_as("cpu.shares", "2", NULL, NULL, "cpu.weight", "1");
	v2_as("cpu.shares", "262144", NULL, NULL, "cpu.weight", "10000");
	v2_as("cpu.cfs_quota_us", "50000", NULL, "max 100000", "cpu.max", "50000 100000");
	v2_as("cpu.cfs_quota_us", "-1", NULL, "50000 200000", "cpu.max", "max 200000");
	v2_as("cpu.cfs_period_us", "250000", NULL, "50000 100000", "cpu.max", "50000 250000");
	v2_as("blkio.weight", "500", NULL, NULL, "io.weight", "default 100");
	v2_as("blkio.weight", "1000", NULL, NULL, "io.weight", "default 200");
	v2_as("cpuset.cpus", "0-1", NULL, NULL, "cpuset.cpus", "0-1");
	v2_as("pids.max", "max", NULL, NULL, "pids.max", "max");
	v2_refuses("memory.memsw.limit_in_bytes", "1M", "2097152", -EINVAL, "must not be below");
	v2_refuses("memory.limit_in_bytes", "lots", NULL, -EINVAL, "not a size");
	v2_refuses("cpu.shares", "many", NULL, -EINVAL, "not a number");
	v2_as("devices.allow", "c 1:3 rwm", NULL, NULL, "devices.allow", "c 1:3 rwm");
	v2_as("devices.deny", "a", NULL, NULL, "devices.deny", "a");
	v2_refuses("net_cls.classid", "1", NULL, -EOPNOTSUPP, "no cgroup2 counterpart");
}

static char **strv(const char *a, const char *b)
{
	char **v = NULL;
	strv_push_dup(&v, a);
	if (b)
		strv_push_dup(&v, b);
	return v;
}

TEST(record_round_trip)
{
	struct cgroup *cg = calloc(1, sizeof(*cg)), *back = NULL;

	cg->layout = CGROUP_LAYOUT_HYBRID;
	cg->payload = strdup("d/lxcmgr.payload.web-1");
	cgroup_add_hier(cg, strdup("/sys/fs/cgroup/cpu"), strdup("/"), strv("cpu", "cpuacct"), false);
	cgroup_add_hier(cg, strdup("/sys/fs/cgroup/unified"), strdup("/"), strv("", NULL), true);
	cg->hiers[0].self = strdup("/a b");
	cg->hiers[0].dirs[CGROUP_PAYLOAD] = strdup("/sys/fs/cgroup/cpu/a b/d/lxcmgr.payload.web-1");
	cg->hiers[0].made[CGROUP_PAYLOAD] = strdup("/sys/fs/cgroup/cpu/a b/d");
	cg->hiers[1].self = strdup("/");
	cleanup_free char *text = cgroup_to_record(cg);

	EXPECT_INT(cgroup_from_record(text, &back), 0);
	if (back) {
		EXPECT_INT(back->layout, CGROUP_LAYOUT_HYBRID);
		EXPECT(back->ops == &cgroup_v1_ops, "the v1 backend for a hybrid host");
		EXPECT_STR(back->payload, "d/lxcmgr.payload.web-1");
		EXPECT(back->pivot == NULL, "no pivot");
		EXPECT_INT(back->n_hiers, 2);
		EXPECT_STR(back->hiers[0].controllers[1], "cpuacct");
		EXPECT_STR(back->hiers[0].self, "/a b");
		EXPECT_STR(back->hiers[0].dirs[CGROUP_PAYLOAD], cg->hiers[0].dirs[CGROUP_PAYLOAD]);
		EXPECT_STR(back->hiers[0].made[CGROUP_PAYLOAD], "/sys/fs/cgroup/cpu/a b/d");
		EXPECT(back->hiers[0].dirs[CGROUP_MONITOR] == NULL, "no monitor dir");
		EXPECT(back->hiers[1].unified && !back->hiers[1].controllers[0], "cgroup2, none");
		cleanup_free char *again = cgroup_to_record(back);
		EXPECT_STR(again, text);
	}
	cgroup_free(back);
	cgroup_free(cg);
	EXPECT_INT(cgroup_from_record("something else\n", &back), -EINVAL);
	EXPECT_INT(cgroup_from_record("lxcmgr-cgroup 1\nlayout 9\n", &back), -EINVAL);
	EXPECT_INT(cgroup_from_record("lxcmgr-cgroup 1\nlayout 3\nhier\t1\n", &back), -EINVAL);
	EXPECT(back == NULL, "nothing from a bad record");
}

/* An ordinary user's start on cgroup2 records what it enabled in the
 * caller's cgroup, for whoever removes the cgroups to turn it off again;
 * a record without it has none. */
TEST(record_keeps_the_base_controllers)
{
	struct cgroup *cg = calloc(1, sizeof(*cg)), *back = NULL;

	cg->layout = CGROUP_LAYOUT_UNIFIED;
	cg->payload = strdup("lxcmgr.payload.w");
	cg->base_enabled = strdup("cpu memory pids");
	cgroup_add_hier(cg, strdup("/sys/fs/cgroup"), strdup("/"), strv("memory", "pids"), true);
	cg->hiers[0].self = strdup("/user.slice/a.scope");
	cleanup_free char *text = cgroup_to_record(cg);

	EXPECT(text && strstr(text, "\nenabled cpu memory pids\n"), "the line: %s", text);
	EXPECT_INT(cgroup_from_record(text, &back), 0);
	if (back) {
		EXPECT(back->ops == &cgroup_v2_ops, "the v2 backend");
		EXPECT_STR(back->base_enabled, "cpu memory pids");
		cleanup_free char *again = cgroup_to_record(back);
		EXPECT_STR(again, text);
	}
	cgroup_free(back);
	free(cg->base_enabled);
	cg->base_enabled = NULL;
	cleanup_free char *none = cgroup_to_record(cg);
	EXPECT(none && !strstr(none, "enabled"), "no line without it: %s", none);
	EXPECT_INT(cgroup_from_record(none, &back), 0);
	EXPECT(back && !back->base_enabled, "none read back");
	cgroup_free(back);
	cgroup_free(cg);
}

UNIT_MAIN(paths, path_problems, self_from_proc, mountinfo, hier_dirs, v1_keys_on_cgroup2,
	  record_round_trip, record_keeps_the_base_controllers)
