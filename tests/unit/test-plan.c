/* run/plan: a config becomes a start plan, or is refused with the key, the
 * value and the line that a start cannot apply yet. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/keys.h"
#include "container.h"
#include "run/plan-internal.h"
#include "run/plan.h"
#include "security/apparmor.h"
#include "security/security.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

static char tmpdir[] = "/tmp/lxcmgr-test-plan.XXXXXX";
static struct lxcmgr_ctx *ctx;
static struct lxcmgr_container *ct; /* "x": its config is replaced per check */
static char *rootfs;
static char *runtime; /* the seccomp cache goes below */

#define DEFAULT_NS                                                                     \
	(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |    \
	 CLONE_NEWCGROUP)

/* Loads "lxc.rootfs.path = dir:ROOTFS" followed by REST (so REST starts at
 * config:2) and builds the plan. */
static int build(const char *rest, char *const *argv, struct start_plan **p, lxcmgr_error **err)
{
	cleanup_free char *text = str_printf("lxc.rootfs.path = dir:%s\n%s", rootfs, rest);
	lxcmgr_error *load_err = NULL;

	*p = NULL;
	if (conf_load_text(ct->conf, "config", text, &load_err) < 0) {
		printf("# config does not load: %s\n", load_err ? load_err->msg : "?");
		lxcmgr_error_free(load_err);
		return -999;
	}
	return plan_build(ct, argv, p, err);
}

/* Builds and expects success. */
static struct start_plan *plan_ok(const char *rest)
{
	struct start_plan *p = NULL;
	lxcmgr_error *err = NULL;
	int ret = build(rest, NULL, &p, &err);

	EXPECT(ret == 0, "plan for \"%s\" builds, saw %d: %s", rest, ret, err ? err->msg : "");
	lxcmgr_error_free(err);
	return p;
}

/* Builds and expects failure RET with a message containing NEEDLE. */
static void plan_fails(const char *rest, int ret_expected, const char *needle)
{
	struct start_plan *p = NULL;
	lxcmgr_error *err = NULL;
	int ret = build(rest, NULL, &p, &err);

	EXPECT(ret == ret_expected, "\"%s\" fails with %d, saw %d (%s)", rest, ret_expected, ret,
	       err ? err->msg : "no error");
	EXPECT(p == NULL, "no plan for \"%s\"", rest);
	EXPECT(err && strstr(err->msg, needle), "message for \"%s\" contains \"%s\", saw \"%s\"",
	       rest, needle, err ? err->msg : "(none)");
	EXPECT(!err || !strchr(err->msg, '\n'), "the message is one line");
	lxcmgr_error_free(err);
	plan_free(p);
}

static bool have_cap(const struct start_plan *p, int cap)
{
	for (size_t i = 0; i < p->n_cap_drop; i++)
		if (p->cap_drop[i] == cap)
			return true;
	return false;
}

static int last_cap(void)
{
	cleanup_free char *text = NULL;
	return file_read("/proc/sys/kernel/cap_last_cap", 64, &text, NULL) == 0 ? atoi(text) : 40;
}

/* ----------------------------------------------------------------------- */

TEST(defaults)
{
	struct start_plan *p = plan_ok("");

	if (!p)
		return;
	EXPECT_STR(p->name, "x");
	EXPECT_STR(p->rootfs, rootfs);
	EXPECT_STR(p->rootfs_origin, "config:1");
	EXPECT_INT(p->rootfs_flags, 0);
	EXPECT(p->uts_name == NULL, "no uts name");
	EXPECT_INT(p->auto_mounts, 0);
	EXPECT_INT(p->n_mounts, 0);
	EXPECT(p->autodev, "autodev is on by default, as in LXC");
	EXPECT_INT(p->autodev_tmpfs_size, 500000);
	EXPECT_INT(p->tty_max, 0);
	EXPECT_INT(p->pty_max, 0);
	EXPECT(p->init_argv && p->init_argv[0] && !p->init_argv[1], "one word of init");
	EXPECT_STR(p->init_argv[0], "/sbin/init");
	EXPECT_INT(p->clone_flags, DEFAULT_NS);
	EXPECT_INT(p->halt_signal, 0);
	EXPECT_INT(p->n_cap_drop, 0);
	for (int t = 0; t < HOOK_TYPES; t++)
		EXPECT(!hook_set_has(&p->hooks, (enum hook_type)t), "no %s hooks", hook_type_name(t));
	EXPECT(!p->cgroup_mount, "no cgroup words");
	EXPECT(!p->notices, "no notices");
	plan_free(p);
}

TEST(busybox_template)
{
	cleanup_free char *tmpl = str_printf("%s/templates/lxc-busybox", unit_srcdir());
	cleanup_free char *dir = str_printf("%s/lxc/bb", tmpdir);
	cleanup_free char *cfg = str_printf("%s/config", dir);
	cleanup_free char *rfs = str_printf("%s/rootfs", dir);
	cleanup_free char *line = str_printf("lxc.rootfs.path = dir:%s\n", rfs);
	cleanup_free char *cmd = str_printf("'%s' --path='%s' --name=bb --rootfs='%s' "
					    ">/dev/null 2>&1",
					    tmpl, dir, rfs);
	lxcmgr_error *err = NULL;

	if (access(tmpl, X_OK) < 0 || system("command -v busybox >/dev/null") != 0) {
		printf("# skipped: no %s or no busybox\n", tmpl);
		return;
	}
	mkdir_p(dir, 0755);
	file_write_atomic(cfg, line, strlen(line), 0644);
	EXPECT_INT(system(cmd), 0);
	struct lxcmgr_container *c = lxcmgr_container_new(ctx, "bb", &err);
	struct start_plan *p = NULL;
	int ret = c ? plan_build(c, NULL, &p, &err) : -1;
	EXPECT(ret == 0, "the busybox template's config builds a plan: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	if (p) {
		EXPECT_STR(p->rootfs, rfs);
		EXPECT_INT(p->auto_mounts, AUTO_PROC_MIXED | AUTO_SYS_MIXED);
		EXPECT_INT(p->cgroup_mount, CGMOUNT_MIXED);
		EXPECT_INT(p->n_mounts, 3);
		if (p->n_mounts == 3) {
			const struct plan_mount *shm = &p->mounts[0], *mq = &p->mounts[1];
			const struct plan_mount *run = &p->mounts[2];
			EXPECT_STR(shm->source, "shm");
			EXPECT_STR(shm->target, "dev/shm");
			EXPECT_STR(shm->fstype, "tmpfs");
			EXPECT(shm->create_dir && !shm->optional, "shm: create=dir, not optional");
			EXPECT_INT(shm->flags, 0);
			EXPECT(shm->data == NULL, "shm: no data, saw %s", shm->data);
			EXPECT_CONTAINS(shm->origin, "/lxc/bb/config:");
			EXPECT_STR(mq->fstype, "mqueue");
			EXPECT(mq->create_dir && mq->optional, "mqueue: optional, create=dir");
			EXPECT_STR(run->target, "run");
			EXPECT_STR(run->fstype, "tmpfs");
			EXPECT_INT(run->flags, MS_NOSUID | MS_NODEV);
			EXPECT_STR(run->data, "mode=0755");
		}
		EXPECT(p->autodev, "autodev");
		EXPECT_INT(p->tty_max, 4);
		EXPECT_INT(p->halt_signal, SIGINT);
		EXPECT_INT(p->reboot_signal, SIGTERM);
		EXPECT_STR(p->uts_name, "bb");
		EXPECT_INT(p->n_cap_drop, 5);
		const int caps[] = { 16, 17, 25, 32, 33 }; /* module rawio time override admin */
		for (size_t i = 0; i < 5 && i < p->n_cap_drop; i++)
			EXPECT_INT(p->cap_drop[i], caps[i]);
		EXPECT_INT(p->clone_flags, DEFAULT_NS);
	}
	plan_free(p);
	lxcmgr_container_put(c);
}

TEST(mount_entries)
{
	struct start_plan *p = plan_ok(
		"lxc.mount.entry = /src\\040dir mnt/a\\011b none "
		"bind,ro,nosuid,rslave,create=dir,optional,relative 0 0\n"
		"lxc.mount.entry = tmpfs tmp tmpfs size=64m,nodev,mode=1777,noexec\n"
		"lxc.mount.entry = proc proc proc defaults,noatime,atime,rbind,private,x-y 0\n"
		"lxc.mount.entry = a\\134b\\012 c\\d none rw,create=file 0 0\n");

	if (!p || p->n_mounts != 4) {
		EXPECT(p && p->n_mounts == 4, "four mounts");
		plan_free(p);
		return;
	}
	const struct plan_mount *m = p->mounts;
	EXPECT_STR(m[0].source, "/src dir");
	EXPECT_STR(m[0].target, "mnt/a\tb");
	EXPECT_STR(m[0].fstype, "none");
	EXPECT_INT(m[0].flags, MS_BIND | MS_RDONLY | MS_NOSUID);
	EXPECT_INT(m[0].propagation, MS_SLAVE | MS_REC);
	EXPECT(m[0].create_dir && !m[0].create_file && m[0].optional && m[0].relative,
	       "LXC's own options");
	EXPECT(m[0].data == NULL, "no data, saw %s", m[0].data);
	EXPECT_STR(m[0].origin, "config:2");
	EXPECT_INT(m[1].flags, MS_NODEV | MS_NOEXEC);
	EXPECT_STR(m[1].data, "size=64m,mode=1777");
	EXPECT(!m[1].optional && !m[1].relative && !m[1].create_dir, "no LXC options");
	EXPECT_STR(m[1].origin, "config:3");
	EXPECT_INT(m[2].flags, MS_BIND | MS_REC);
	EXPECT_INT(m[2].propagation, MS_PRIVATE);
	EXPECT_STR(m[2].data, "x-y");
	EXPECT_STR(m[3].source, "a\\b\n");
	EXPECT_STR(m[3].target, "c\\d");
	EXPECT(m[3].create_file && !m[3].create_dir, "create=file");
	EXPECT_STR(m[3].origin, "config:5");
	plan_free(p);

	plan_fails("lxc.mount.entry = /a b none bind,idmap=container 0 0\n", -EINVAL,
		   "lxc.mount.entry (config:2): idmap=container needs lxc.idmap");
	plan_fails("lxc.mount.entry = /a b none bind,idmap=/proc/1/ns/user 0 0\n", -EOPNOTSUPP,
		   "not supported yet: idmap=/proc/1/ns/user; use idmap=container");
}

TEST(mount_fstab)
{
	cleanup_free char *fstab = str_printf("%s/fstab", tmpdir);
	static const char text[] = "# comment\n"
				   "\n"
				   "  proc proc proc nodev,noexec,nosuid 0 0\n"
				   "\t# indented comment\n"
				   "/srv/my\\040data srv none bind,create=dir\n";
	file_write_atomic(fstab, text, strlen(text), 0644);
	cleanup_free char *rest = str_printf("lxc.mount.entry = shm dev/shm tmpfs defaults 0 0\n"
					     "lxc.mount.fstab = %s\n",
					     fstab);
	struct start_plan *p = plan_ok(rest);

	EXPECT(p && p->n_mounts == 3, "two fstab lines and one entry");
	if (p && p->n_mounts == 3) {
		cleanup_free char *o3 = str_printf("%s:3", fstab);
		cleanup_free char *o5 = str_printf("%s:5", fstab);
		EXPECT_STR(p->mounts[0].source, "proc"); /* fstab first, as LXC */
		EXPECT_INT(p->mounts[0].flags, MS_NODEV | MS_NOEXEC | MS_NOSUID);
		EXPECT_STR(p->mounts[0].origin, o3);
		EXPECT_STR(p->mounts[1].source, "/srv/my data");
		EXPECT_STR(p->mounts[1].origin, o5);
		EXPECT_STR(p->mounts[2].source, "shm");
		EXPECT_STR(p->mounts[2].origin, "config:2");
	}
	plan_free(p);

	static const char bad[] = "proc proc proc defaults\nonly two\n";
	file_write_atomic(fstab, bad, strlen(bad), 0644);
	cleanup_free char *want = str_printf("%s:2: \"only two\": use SOURCE TARGET FSTYPE "
					     "OPTIONS [DUMP PASS], as in fstab(5) "
					     "(lxc.mount.fstab, config:3)",
					     fstab);
	plan_fails(rest, -EINVAL, want);

	static const char bad_create[] = "a b none bind,create=pipe 0 0\n";
	file_write_atomic(fstab, bad_create, strlen(bad_create), 0644);
	plan_fails(rest, -EINVAL, "unknown option \"create=pipe\"");

	cleanup_free char *missing = str_printf("lxc.mount.fstab = %s/nope\n", tmpdir);
	plan_fails(missing, -ENOENT, "(config:2): read \"");

	/* A relative path is taken from the directory of the config file. */
	cleanup_free char *cfg = str_printf("%s/lxc/x/config", tmpdir);
	cleanup_free char *local = str_printf("%s/lxc/x/fstab", tmpdir);
	cleanup_free char *cfg_text = str_printf("lxc.rootfs.path = %s\nlxc.mount.fstab = fstab\n",
						 rootfs);
	cleanup_free char *want_origin = str_printf("%s:1", local);
	file_write_atomic(cfg, cfg_text, strlen(cfg_text), 0644);
	file_write_atomic(local, "a b none bind\n", 14, 0644);
	EXPECT_INT(conf_load(ct->conf, cfg, NULL), 0);
	p = NULL;
	EXPECT_INT(plan_build(ct, NULL, &p, NULL), 0);
	EXPECT(p && p->n_mounts == 1, "one mount from the relative fstab");
	if (p && p->n_mounts == 1)
		EXPECT_STR(p->mounts[0].origin, want_origin);
	plan_free(p);
	unlink(cfg);
	unlink(local);
}

TEST(mount_auto)
{
	static const struct {
		const char *words;
		unsigned flags;
		unsigned cgroup;
		bool v2;
	} cases[] = {
		{ "proc", AUTO_PROC_MIXED, 0, false },
		{ "proc:rw sys", AUTO_PROC_RW | AUTO_SYS_MIXED, 0, false },
		{ "sys:ro proc:mixed", AUTO_SYS_RO | AUTO_PROC_MIXED, 0, false },
		{ "sys:rw", AUTO_SYS_RW, 0, false },
		{ "sys:ro sys:rw", AUTO_SYS_RW, 0, false }, /* the last word of a kind wins */
		{ "cgroup:mixed proc:mixed sys:mixed", AUTO_PROC_MIXED | AUTO_SYS_MIXED,
		  CGMOUNT_MIXED, false },
		{ "cgroup2", 0, CGMOUNT_RW, true },
		{ "cgroup2:ro:force", 0, CGMOUNT_RO, true },
		{ "cgroup-full:ro", 0, CGMOUNT_RO, false },
		{ "cgroup:rw:force", 0, CGMOUNT_RW, false },
		{ "cgroup", 0, CGMOUNT_RW, false }, /* CAP_SYS_ADMIN kept: rw, as in LXC */
		{ "cgroup2 cgroup:mixed:force", 0, CGMOUNT_MIXED, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *rest = str_printf("lxc.mount.auto = %s\n", cases[i].words);
		struct start_plan *p = plan_ok(rest);
		if (!p)
			continue;
		EXPECT(p->auto_mounts == cases[i].flags, "\"%s\": flags %#x, saw %#x",
		       cases[i].words, cases[i].flags, p->auto_mounts);
		EXPECT(p->cgroup_mount == cases[i].cgroup && p->cgroup_mount_v2 == cases[i].v2,
		       "\"%s\": cgroup mode %u v2 %d, saw %u %d", cases[i].words, cases[i].cgroup,
		       cases[i].v2, p->cgroup_mount, p->cgroup_mount_v2);
		if (cases[i].flags || cases[i].cgroup)
			EXPECT_STR(p->auto_origin, "config:2");
		plan_free(p);
	}
	/* Without CAP_SYS_ADMIN a plain "cgroup" is cgroup:mixed, as in LXC. */
	struct start_plan *p = plan_ok("lxc.mount.auto = cgroup\nlxc.cap.drop = sys_admin\n");
	if (p)
		EXPECT_INT(p->cgroup_mount, CGMOUNT_MIXED);
	plan_free(p);
	plan_fails("lxc.mount.auto = proc shmounts:/a:/b\n", -EOPNOTSUPP,
		   "lxc.mount.auto = proc shmounts:/a:/b (config:2): not supported yet: shared");
	plan_fails("lxc.mount.auto = cgroup:mixed\nlxc.namespace.keep = cgroup\n", -EOPNOTSUPP,
		   "lxc.mount.auto (config:2): not supported yet: cgroup mounts without the "
		   "container's own cgroup namespace");
}

TEST(refused_keys)
{
	struct utsname u;
	uname(&u);
	const char *other_arch = strcmp(u.machine, "aarch64") == 0 ? "x86_64" : "aarch64";
	cleanup_free char *arch = str_printf("lxc.arch = %s", other_arch);
	const char *const lines[] = {
		"lxc.cgroup.dir.container.inner = inner",
		"lxc.selinux.context = system_u:system_r:lxc_t:s0",
		"lxc.console.path = /dev/tty1",
		"lxc.seccomp.notify.proxy = unix:/run/x.sock",
		"lxc.monitor.unshare = 1",
		"lxc.sched.core = 1",
		arch,
		"lxc.rootfs.options = idmap=/proc/1/ns/user",
		"lxc.rootfs.path = btrfs:/a",
	};
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		cleanup_free char *rest = str_printf("%s\n", lines[i]);
		const char *eq = strstr(lines[i], " = ");
		cleanup_free char *want = str_printf("%.*s = %s (config:2): not supported yet: ",
						     (int)(eq - lines[i]), lines[i], eq + 3);
		plan_fails(rest, -EOPNOTSUPP, want);
	}
}

/* lxc.idmap: the user namespace, and what a start refuses before trying. */
TEST(user_namespace)
{
	static const char map[] = "lxc.idmap = b 0 100000 65536\n";
	cleanup_free char *idmapped = str_printf("%slxc.rootfs.options = idmap=container\n", map);

	plan_fails("lxc.namespace.clone = mnt user\n", -EINVAL,
		   "lxc.namespace.clone = mnt user (config:2): a user namespace needs ids to map: "
		   "set lxc.idmap");
	plan_fails("lxc.rootfs.options = idmap=container\n", -EINVAL,
		   "idmap=container needs lxc.idmap");
	plan_fails("lxc.idmap = u 0 100000 65536\n", -EINVAL,
		   "lxc.idmap = u 0 100000 65536 (config:2): the container's gid 0 is not mapped");
	plan_fails("lxc.idmap = b 0 100000 65536\nlxc.idmap = u 5 100100 1\n", -EINVAL,
		   "overlap in the container's ids");
	plan_fails("lxc.idmap = b 0 100000 65536\nlxc.namespace.keep = user\n", -EINVAL,
		   "lxc.namespace.keep = user (config:3): lxc.idmap needs the container's own user "
		   "namespace: remove user");
	plan_fails("lxc.idmap = b 0 100000 65536\nlxc.namespace.clone = mnt pid\n", -EINVAL,
		   "lxc.namespace.clone = mnt pid (config:3): lxc.idmap needs a user namespace: "
		   "add user");
	if (geteuid() != 0) /* a user's start: tests/integration/test-unpriv-start.sh */
		return;
	/* The test's rootfs belongs to host root: not shifted. */
	plan_fails(map, -EINVAL, "not by the container's root (host uid 100000): its files would "
				 "belong to nobody inside (set lxc.rootfs.options = idmap=container");
	/* Its temporary directory is 0700: the container's root cannot pass. */
	plan_fails(idmapped, -EACCES, "the container's root (host uid 100000) cannot reach the "
				      "rootfs");
	EXPECT_INT(chmod(tmpdir, 0711), 0);
	struct start_plan *p = plan_ok(idmapped);
	if (p) {
		EXPECT(p->clone_flags & CLONE_NEWUSER, "a user namespace is made");
		EXPECT_INT(p->root_uid, 100000);
		EXPECT_INT(p->root_gid, 100000);
		EXPECT(p->rootfs_idmapped, "the rootfs is idmapped");
	}
	plan_free(p);
	/* Shifted: idmap=container would shift it twice. */
	EXPECT_INT(chown(rootfs, 100000, 100000), 0);
	p = plan_ok(map);
	plan_free(p);
	plan_fails(idmapped, -EINVAL, "idmap=container on a rootfs already shifted");
	EXPECT_INT(chown(rootfs, 0, 0), 0);
	EXPECT_INT(chmod(tmpdir, 0700), 0);
}

TEST(refusals_are_listed)
{
	plan_fails("lxc.monitor.unshare = 1\n"
		   "lxc.net.0.type = veth\n"
		   "lxc.net.0.link = br0\n"
		   "lxc.cgroup.dir.container.inner = i\n"
		   "lxc.sched.core = 1\n"
		   "lxc.seccomp.notify.cookie = c\n",
		   -EOPNOTSUPP,
		   "lxc.monitor.unshare = 1 (config:2): not supported yet: a monitor in its own "
		   "mount namespace comes later (also not supported yet: "
		   "lxc.cgroup.dir.container.inner, lxc.sched.core, lxc.seccomp.notify.cookie)");
}

TEST(accepted_keys)
{
	struct utsname u;
	uname(&u);
	cleanup_free char *arch = str_printf("lxc.arch = %s", u.machine);
	const char *const lines[] = {
		"lxc.console.path = none",
		"lxc.console.buffer.size = auto",
		"lxc.console.size = 0",
		"lxc.console.logfile = /x.log",
		"lxc.console.size = 1MB",
		"lxc.console.rotate = 1",
		"lxc.ephemeral = 0",
		"lxc.apparmor.profile = unconfined",
		"lxc.apparmor.allow_nesting = 1",
		"lxc.apparmor.allow_incomplete = 1",
		"lxc.seccomp.allow_nesting = 0",
		"lxc.keyring.session = 0",
		"lxc.keyring.session = 1",
		"lxc.init.groups = 4,27",
		"lxc.sched.core = 0",
		"lxc.monitor.unshare = 0",
		arch,
		"lxc.start.auto = 1",
		"lxc.start.delay = 5",
		"lxc.group = web",
		"lxc.hook.destroy = /bin/true",
		"lxc.hook.clone = /bin/true",
		"lxc.hook.mount = /bin/true",
		"lxc.hook.start = /bin/true",
		"lxc.hook.pre-mount = /bin/true",
		"lxc.hook.autodev = /bin/true",
		"lxc.hook.start-host = /bin/true",
		"lxc.hook.version = 1",
		"lxc.log.level = DEBUG",
		"lxc.log.file = /x.log",
		"lxc.execute.cmd = /bin/sh",
		"lxc.rootfs.managed = 0",
		"lxc.rootfs.mount = /mnt",
		"lxc.net.0.type = empty",
		"lxc.net.0.type = empty\nlxc.net.0.flags = up",
	};
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		cleanup_free char *rest = str_printf("%s\n", lines[i]);
		struct start_plan *p = plan_ok(rest);
		plan_free(p);
	}
}

TEST(console_buffer_size)
{
	static const struct {
		const char *rest;
		uint64_t bytes;
	} cases[] = {
		{ "", 0 },
		{ "lxc.console.buffer.size = 0\n", 0 },
		{ "lxc.console.buffer.size = auto\n", 128 * 1024 },
		{ "lxc.console.buffer.size = 64KB\n", 64 * 1024 },
		{ "lxc.console.buffer.size = 100\n", 4096 },  /* at least a page */
		{ "lxc.console.buffer.size = 5000\n", 8192 }, /* whole pages */
		{ "lxc.console.buffer.size = 256MB\n", 256 << 20 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct start_plan *p = plan_ok(cases[i].rest);
		EXPECT(p && p->console_buffer_size == cases[i].bytes, "%s: %llu bytes",
		       cases[i].rest, p ? (unsigned long long)p->console_buffer_size : 0ULL);
		plan_free(p);
	}
	plan_fails("lxc.console.buffer.size = 257MB\n", -EINVAL,
		   "lxc.console.buffer.size = 257MB (config:2): too large");
}

TEST(apparmor_generated)
{
	bool enabled = false;
	cleanup_free char *text = NULL;
	if (file_read("/sys/module/apparmor/parameters/enabled", 64, &text, NULL) == 0)
		enabled = text[0] == 'Y';
	if (enabled) {
		plan_fails("lxc.apparmor.profile = generated\n", -EOPNOTSUPP,
			   "lxc.apparmor.profile = generated (config:2): not supported yet");
		return;
	}
	struct start_plan *p = plan_ok("lxc.apparmor.profile = generated\n");
	EXPECT(p && p->notices && p->notices[0] && !p->notices[1], "one notice");
	if (p && p->notices)
		EXPECT_CONTAINS(p->notices[0], "lxc.apparmor.profile = generated (config:2): "
					       "AppArmor is not enabled on this host");
	plan_free(p);
}

/* lxc.apparmor.* on a host without AppArmor (this one): a named profile
 * is refused unless allow_incomplete; raw rules need the generated one. */
TEST(apparmor_named)
{
	if (aa_enabled()) {
		printf("# skipped: AppArmor is enabled here\n");
		return;
	}
	plan_fails("lxc.apparmor.profile = lxc-container-default\n", -EOPNOTSUPP,
		   "lxc.apparmor.profile = lxc-container-default (config:2): AppArmor is not "
		   "enabled on this host");
	struct start_plan *p = plan_ok("lxc.apparmor.profile = lxc-container-default\n"
				       "lxc.apparmor.allow_incomplete = 1\n");
	EXPECT(p && p->notices && p->notices[0] && !p->notices[1], "one notice");
	if (p && p->notices)
		EXPECT_CONTAINS(p->notices[0], "runs unconfined (lxc.apparmor.allow_incomplete)");
	EXPECT(p && p->security && !p->security->aa_profile, "no profile to enter");
	plan_free(p);
	plan_fails("lxc.apparmor.profile = unconfined\nlxc.apparmor.raw = mount,\n", -EINVAL,
		   "lxc.apparmor.raw = mount, (config:3): raw rules go into the generated "
		   "profile only");
	p = plan_ok("lxc.apparmor.profile = generated\nlxc.apparmor.raw = mount,\n");
	EXPECT(p && p->security && !p->security->aa_profile, "generated: skipped here");
	plan_free(p);
}

/* lxc.seccomp.profile: compiled at the first build, from the cache at the
 * next; errors name the key, its line, and the policy's own line. */
TEST(seccomp_profile)
{
	cleanup_free char *good = str_printf("%s/good.seccomp", tmpdir);
	cleanup_free char *bad = str_printf("%s/bad.seccomp", tmpdir);
	cleanup_free char *cfg = str_printf("lxc.seccomp.profile = %s\n", good);
	cleanup_free char *cfg_bad = str_printf("lxc.seccomp.profile = %s\n", bad);
	const char *text = "2\ndenylist\n[all]\nkexec_load errno 1\n";

#ifndef HAVE_LIBSECCOMP
	plan_fails(cfg, -EOPNOTSUPP, "built without libseccomp");
	return;
#endif

	EXPECT_INT(file_write_atomic(good, text, strlen(text), 0644), 0);
	const char *bad_text = "2\ndenylist\nkexec_load deny\n";
	EXPECT_INT(file_write_atomic(bad, bad_text, strlen(bad_text), 0644), 0);
	struct start_plan *p = plan_ok(cfg);
	EXPECT(p && p->security && p->security->seccomp.n > 4, "a filter was compiled");
	EXPECT(p && p->security && !p->security->seccomp.from_cache, "the first is compiled");
	EXPECT_STR(p && p->security ? p->security->seccomp_origin : NULL, "config:2");
	EXPECT(p && !p->notices, "no notice: the cache was written");
	struct start_plan *q = plan_ok(cfg);
	EXPECT(q && q->security && q->security->seccomp.from_cache, "the second from the cache");
	EXPECT(p && q && p->security->seccomp.n == q->security->seccomp.n &&
		       memcmp(p->security->seccomp.insns, q->security->seccomp.insns,
			      p->security->seccomp.n * sizeof(struct sock_filter)) == 0,
	       "the cached filter is the compiled one");
	plan_free(p);
	plan_free(q);
	/* A changed policy is compiled again, never served the old filter. */
	text = "2\ndenylist\nbpf errno 1\n";
	EXPECT_INT(file_write_atomic(good, text, strlen(text), 0644), 0);
	p = plan_ok(cfg);
	EXPECT(p && p->security && !p->security->seccomp.from_cache, "a new policy is compiled");
	plan_free(p);
	cleanup_free char *want = str_printf("lxc.seccomp.profile = %s (config:2): %s:3: unknown "
					     "action \"deny\"", bad, bad);
	plan_fails(cfg_bad, -EINVAL, want);
	plan_fails("lxc.seccomp.profile = /no/such.seccomp\n", -ENOENT,
		   "lxc.seccomp.profile = /no/such.seccomp (config:2): read the seccomp policy "
		   "\"/no/such.seccomp\": No such file or directory");
}

TEST(every_key_has_a_rule)
{
	size_t n, n_net;
	const struct key_def *keys = key_table(&n);
	const struct key_def *net = key_net_table(&n_net);

	for (size_t i = 0; i < n + n_net; i++) {
		const struct key_def *d = i < n ? &keys[i] : &net[i - n];
		const char *sub = "";
		if (d->kind == KEY_CLEAR || str_eq(d->name, "lxc.include"))
			continue;
		switch (d->group) {
		case GROUP_CGROUP1: sub = "memory.limit_in_bytes"; break;
		case GROUP_CGROUP2: sub = "memory.max"; break;
		case GROUP_SYSCTL: sub = "net.ipv4.ip_forward"; break;
		case GROUP_PRLIMIT: sub = "nofile"; break;
		case GROUP_PROC: sub = "oom_score_adj"; break;
		default: break;
		}
		if (!str_ends_with(d->name, "."))
			sub = "";
		cleanup_free char *rest = str_printf("%s%s%s = %s\n", i < n ? "" : "lxc.net.0.",
						     d->name, sub, d->example);
		struct start_plan *p = NULL;
		lxcmgr_error *err = NULL;
		int ret = build(rest, NULL, &p, &err);
		EXPECT(ret != -999, "the example loads: %s", rest);
		EXPECT(!err || !strstr(err->msg, "cannot start a container with this key"),
		       "%s has a rule: %s", d->name, err->msg);
		lxcmgr_error_free(err);
		plan_free(p);
	}
}

TEST(rootfs_path)
{
	struct start_plan *p = NULL;
	lxcmgr_error *err = NULL;

	conf_load_text(ct->conf, "config", "lxc.uts.name = x\n", NULL);
	EXPECT_INT(plan_build(ct, NULL, &p, &err), -EOPNOTSUPP);
	EXPECT_CONTAINS(err ? err->msg : NULL, "lxc.rootfs.path is not set");
	lxcmgr_error_free(err);

	cleanup_free char *missing = str_printf("lxc.rootfs.path = %s/nothing\n", tmpdir);
	cleanup_free char *want = str_printf("rootfs \"%s/nothing\": No such file or directory "
					     "(lxc.rootfs.path, config:2)",
					     tmpdir);
	plan_fails(missing, -ENOENT, want);

	cleanup_free char *file = str_printf("%s/fstab-file", tmpdir);
	file_write_atomic(file, "", 0, 0644);
	cleanup_free char *not_dir = str_printf("lxc.rootfs.path = dir:%s\n", file);
	plan_fails(not_dir, -ENOTDIR, "Not a directory (lxc.rootfs.path, config:2)");
	plan_fails("lxc.rootfs.path = rootfs\n", -EINVAL,
		   "lxc.rootfs.path = rootfs (config:2): the path must be absolute");

	p = plan_ok("lxc.rootfs.options = ro,nosuid,nodev,noexec\n");
	EXPECT(p && p->rootfs_flags == (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC), "flags");
	plan_free(p);
	p = plan_ok("lxc.rootfs.options = ro,rw,relatime\n");
	EXPECT(p && p->rootfs_flags == MS_RELATIME, "rw clears ro");
	plan_free(p);
	plan_fails("lxc.rootfs.options = ro,size=1G\n", -EINVAL,
		   "lxc.rootfs.options = ro,size=1G (config:2): unknown option \"size=1G\"");
	plan_fails("lxc.rootfs.options = bind\n", -EINVAL, "unknown option \"bind\"");
}

/* The path text with "lxc.rootfs.path = " before it, alone in a config
 * (plan_ok and plan_fails put a dir: rootfs first). */
static int overlay_build(const char *value, struct start_plan **p, lxcmgr_error **err)
{
	cleanup_free char *text = str_printf("lxc.rootfs.path = %s\n", value);
	conf_load_text(ct->conf, "config", text, NULL);
	return plan_build(ct, NULL, p, err);
}

TEST(rootfs_overlay)
{
	cleanup_free char *lower = str_printf("%s/ovl-lower", tmpdir);
	cleanup_free char *upper = str_printf("%s/ovl/delta0", tmpdir);
	cleanup_free char *work = str_printf("%s/ovl/olwork", tmpdir);
	cleanup_free char *mnt = str_printf("%s/rootfs", ct->dir);
	cleanup_free char *value = str_printf("overlay:%s:%s", lower, upper);
	struct start_plan *p = NULL;
	lxcmgr_error *err = NULL;

	mkdir_p(lower, 0755);
	mkdir_p(upper, 0755);
	/* No work directory yet: named, with the key's line. */
	EXPECT_INT(overlay_build(value, &p, &err), -ENOENT);
	EXPECT_CONTAINS(err ? err->msg : NULL, "overlay work directory");
	EXPECT_CONTAINS(err ? err->msg : NULL, "olwork");
	lxcmgr_error_free(err);
	err = NULL;
	mkdir_p(work, 0755);
	mkdir_p(mnt, 0755);
	EXPECT_INT(overlay_build(value, &p, &err), 0);
	EXPECT_STR(p ? p->rootfs : NULL, mnt);
	cleanup_free char *data = str_printf("lowerdir=%s,upperdir=%s,workdir=%s", lower, upper,
					     work);
	EXPECT_STR(p ? p->rootfs_overlay : NULL, data);
	plan_free(p);
	p = NULL;
	lxcmgr_error_free(err);
	err = NULL;

	/* A missing lower layer is named as such. */
	cleanup_free char *gone = str_printf("overlay:%s/none:%s", tmpdir, upper);
	EXPECT_INT(overlay_build(gone, &p, &err), -ENOENT);
	EXPECT_CONTAINS(err ? err->msg : NULL, "rootfs lower layer");
	lxcmgr_error_free(err);
	err = NULL;
	/* A ',' would end overlayfs's option. */
	EXPECT_INT(overlay_build("overlay:/a,b:/c/d", &p, &err), -EINVAL);
	EXPECT_CONTAINS(err ? err->msg : NULL, "without ','");
	lxcmgr_error_free(err);
}

TEST(init)
{
	char sh[] = "/bin/sh", c[] = "-c", echo[] = "echo hi";
	char *const argv[] = { sh, c, echo, NULL };
	struct start_plan *p = NULL;
	lxcmgr_error *err = NULL;

	EXPECT_INT(build("lxc.init.cmd = /sbin/my-init --x\n", argv, &p, &err), 0);
	if (p) {
		EXPECT_INT(strv_len(p->init_argv), 3);
		EXPECT_STR(p->init_argv[2], "echo hi");
	}
	plan_free(p);
	p = plan_ok("lxc.init.cmd = /sbin/my-init  --x\t--y\n"
		    "lxc.init.cwd = /root\nlxc.init.uid = 1000\nlxc.init.gid = 100\n");
	if (p) {
		EXPECT_INT(strv_len(p->init_argv), 3);
		EXPECT_STR(p->init_argv[0], "/sbin/my-init");
		EXPECT_STR(p->init_argv[2], "--y");
		EXPECT_STR(p->init_cwd, "/root");
		EXPECT_INT(p->init_uid, 1000);
		EXPECT_INT(p->init_gid, 100);
	}
	plan_free(p);
	plan_fails("lxc.init.uid = 4294967295\n", -ERANGE,
		   "lxc.init.uid = 4294967295 (config:2): use a number from 0 to 4294967294");
}

TEST(environment)
{
	setenv("PLAN_TEST_HOST", "from host", 1);
	unsetenv("PLAN_TEST_UNSET");
	setenv("TERM", "xterm-test", 1);
	struct start_plan *p = plan_ok("lxc.environment = A=1\n"
				       "lxc.environment = PLAN_TEST_HOST\n"
				       "lxc.environment = PLAN_TEST_UNSET\n"
				       "lxc.environment = A=2\n"
				       "lxc.environment = PATH=/bin\n");
	if (p) {
		const char *const want[] = { "container=lxc", "A=2", "PLAN_TEST_HOST=from host",
					     "PATH=/bin", "TERM=xterm-test", NULL };
		cleanup_free char *env = strv_join(p->init_env, " | ");
		EXPECT_INT(strv_len(p->init_env), 5);
		for (size_t i = 0; want[i]; i++)
			EXPECT(strv_contains(p->init_env, want[i]), "env has \"%s\": %s", want[i],
			       env);
		EXPECT_STR(p->init_env[0], "container=lxc");
	}
	plan_free(p);
	unsetenv("TERM");
	p = plan_ok("");
	if (p) {
		cleanup_free char *env = strv_join(p->init_env, " | ");
		EXPECT_STR(env, "container=lxc | TERM=linux | PATH=/usr/local/sbin:"
				"/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	}
	plan_free(p);
}

TEST(namespaces)
{
	static const struct {
		const char *rest;
		int flags;
	} cases[] = {
		{ "lxc.namespace.clone = mnt pid\n", CLONE_NEWNS | CLONE_NEWPID },
		{ "lxc.namespace.clone = mnt\nlxc.namespace.clone = uts\n",
		  CLONE_NEWNS | CLONE_NEWUTS },
		{ "lxc.namespace.keep = net ipc\n", DEFAULT_NS & ~(CLONE_NEWNET | CLONE_NEWIPC) },
		{ "lxc.namespace.clone = mnt net\nlxc.namespace.keep = net user\n", CLONE_NEWNS },
		{ "lxc.net.0.type = none\n", DEFAULT_NS & ~CLONE_NEWNET },
		{ "lxc.net.0.type = empty\n", DEFAULT_NS },
		{ "lxc.net.0.type = veth\nlxc.net.0.type = none\n", DEFAULT_NS & ~CLONE_NEWNET },
		{ "lxc.net.0.type = veth\nlxc.net.0 =\nlxc.net.1.type = empty\n", DEFAULT_NS },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct start_plan *p = plan_ok(cases[i].rest);
		EXPECT(p && p->clone_flags == cases[i].flags, "\"%s\": flags %#x, saw %#x",
		       cases[i].rest, cases[i].flags, p ? p->clone_flags : 0);
		plan_free(p);
	}
	plan_fails("lxc.namespace.keep = uts mnt\n", -EINVAL,
		   "lxc.namespace.keep = uts mnt (config:2): a container needs its own mount "
		   "namespace");
	plan_fails("lxc.namespace.clone = pid\n", -EINVAL,
		   "needs its own mount namespace: add mnt");
	plan_fails("lxc.net.0.type = none\nlxc.net.1.type = empty\n", -EINVAL,
		   "lxc.net.0.type = none (config:2): none shares the host's network");
}

TEST(shared_namespaces)
{
	struct start_plan *p = plan_ok("lxc.namespace.share.net = other\n"
				       "lxc.namespace.share.uts = 42\n"
				       "lxc.namespace.share.ipc = /proc/42/ns/ipc\n");

	if (p) {
		EXPECT_INT(p->clone_flags, DEFAULT_NS & ~(CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC));
		EXPECT_INT(p->n_shares, 3);
		/* In the order of the namespace table: ipc, net, uts. */
		EXPECT_STR(p->shares[0].key, "lxc.namespace.share.ipc");
		EXPECT(p->shares[0].path && p->shares[0].pid == 0, "ipc: a path");
		EXPECT_INT(p->shares[0].flag, CLONE_NEWIPC);
		EXPECT_STR(p->shares[1].value, "other");
		EXPECT(!p->shares[1].path && p->shares[1].pid == 0, "net: a name");
		EXPECT_STR(p->shares[1].origin, "config:2");
		EXPECT_INT(p->shares[2].pid, 42);
		EXPECT_STR(p->shares[2].ns, "uts");
	}
	plan_free(p);
	/* A shared namespace is not created, even when lxc.namespace.clone names it. */
	p = plan_ok("lxc.namespace.clone = mnt pid net\nlxc.namespace.share.net = other\n");
	EXPECT(p && p->clone_flags == (CLONE_NEWNS | CLONE_NEWPID), "flags %#x",
	       p ? p->clone_flags : 0);
	plan_free(p);
	p = plan_ok("lxc.uts.name = web\nlxc.namespace.share.uts = other\n");
	EXPECT(p && p->notices && strstr(p->notices[0], "lxc.uts.name (config:2) is not applied"),
	       "a notice that the host name stays the shared one's");
	plan_free(p);
	plan_fails("lxc.namespace.share.mnt = other\n", -EINVAL,
		   "lxc.namespace.share.mnt = other (config:2): a container needs its own mount "
		   "namespace");
	plan_fails("lxc.namespace.share.user = other\n", -EOPNOTSUPP, "sharing a user namespace comes later");
	plan_fails("lxc.namespace.keep = net\nlxc.namespace.share.net = other\n", -EINVAL,
		   "(config:3): lxc.namespace.keep keeps the host's namespace");
	plan_fails("lxc.net.0.type = none\nlxc.namespace.share.net = 7\n", -EINVAL,
		   "lxc.namespace.share.net = 7 (config:3): lxc.net.N.type = none");
	plan_fails("lxc.namespace.share.pid = x\n", -EINVAL, "cannot share a namespace with itself");
	plan_fails("lxc.namespace.share.pid = 0\n", -EINVAL, "not a process id");
	plan_fails("lxc.namespace.share.pid = lxc/web\n", -EOPNOTSUPP, "another lxcpath");
}

TEST(time_namespace)
{
	struct start_plan *p = plan_ok("lxc.time.offset.boot = 1h\n"
				       "lxc.time.offset.monotonic = -1500ms\n");

	if (p) {
		EXPECT_INT(p->clone_flags, DEFAULT_NS | CLONE_NEWTIME);
		EXPECT(p->time_boot.set && p->time_boot.sec == 3600 && p->time_boot.nsec == 0,
		       "boot: 3600 s, saw %lld s %ld ns", (long long)p->time_boot.sec,
		       p->time_boot.nsec);
		EXPECT_STR(p->time_boot.origin, "config:2");
		EXPECT(p->time_monotonic.sec == -2 && p->time_monotonic.nsec == 500000000,
		       "monotonic: -2 s + 0.5e9 ns, saw %lld s %ld ns",
		       (long long)p->time_monotonic.sec, p->time_monotonic.nsec);
	}
	plan_free(p);
	p = plan_ok("lxc.namespace.clone = mnt time\n");
	EXPECT(p && p->clone_flags == (CLONE_NEWNS | CLONE_NEWTIME) && !p->time_boot.set,
	       "time cloned without offsets");
	plan_free(p);
	p = plan_ok("lxc.time.offset.boot = 0s\n"); /* as LXC: no offset, no namespace */
	EXPECT(p && p->clone_flags == DEFAULT_NS, "0s asks for nothing");
	plan_free(p);
	plan_fails("lxc.namespace.clone = mnt pid\nlxc.time.offset.boot = 1h\n", -EINVAL,
		   "lxc.time.offset.boot = 1h (config:3): offsets need a time namespace: add time "
		   "to lxc.namespace.clone");
	plan_fails("lxc.namespace.keep = time\nlxc.time.offset.monotonic = 1s\n", -EINVAL,
		   "lxc.namespace.keep keeps the host's");
	plan_fails("lxc.namespace.share.time = 42\nlxc.time.offset.boot = 1s\n", -EINVAL,
		   "lxc.namespace.share.time joins another");
}

TEST(process_settings)
{
	struct start_plan *p = plan_ok("lxc.prlimit.nofile = 1024:2048\n"
				       "lxc.prlimit.core = unlimited\n"
				       "lxc.sysctl.kernel.shmmax = 4096\n"
				       "lxc.sysctl.net.ipv4.ip_forward = 1\n"
				       "lxc.proc.oom_score_adj = 10\n");

	if (p && p->n_rlimits == 2 && p->n_sysctls == 2 && p->n_procs == 1) {
		EXPECT_INT(p->rlimits[0].resource, RLIMIT_NOFILE);
		EXPECT(p->rlimits[0].soft == 1024 && p->rlimits[0].hard == 2048, "nofile 1024:2048");
		EXPECT_STR(p->rlimits[0].origin, "config:2");
		EXPECT(p->rlimits[1].soft == UINT64_MAX && p->rlimits[1].hard == UINT64_MAX,
		       "core unlimited");
		EXPECT_STR(p->sysctls[0].path, "kernel/shmmax");
		EXPECT_STR(p->sysctls[1].path, "net/ipv4/ip_forward");
		EXPECT_STR(p->sysctls[1].value, "1");
		EXPECT_STR(p->procs[0].path, "oom_score_adj");
		EXPECT_STR(p->procs[0].origin, "config:6");
	} else {
		EXPECT(false, "2 limits, 2 sysctls, 1 proc file");
	}
	plan_free(p);
	/* The IPC namespace of another container is not the host's. */
	p = plan_ok("lxc.namespace.share.ipc = other\nlxc.sysctl.kernel.msgmax = 100\n");
	EXPECT(p && p->n_sysctls == 1, "an IPC sysctl in a shared IPC namespace");
	plan_free(p);
	plan_fails("lxc.sysctl.kernel.panic = 1\n", -EINVAL,
		   "lxc.sysctl.kernel.panic = 1 (config:2): kernel.panic is not a namespaced "
		   "sysctl: setting it would change the host");
	plan_fails("lxc.sysctl.kernel.hostname = x\n", -EINVAL, "lxc.uts.name");
	plan_fails("lxc.namespace.keep = net\nlxc.sysctl.net.ipv4.ip_forward = 1\n", -EINVAL,
		   "(config:3): the container has the host's network namespace");
	plan_fails("lxc.net.0.type = none\nlxc.sysctl.net.ipv4.ip_forward = 1\n", -EINVAL,
		   "host's network namespace");
	plan_fails("lxc.namespace.keep = ipc\nlxc.sysctl.fs.mqueue.msg_max = 10\n", -EINVAL,
		   "host's IPC namespace");
	EXPECT_INT(plan_sysctl_namespace("fs.mqueue.msg_max"), CLONE_NEWIPC);
	EXPECT_INT(plan_sysctl_namespace("net.ipv4.conf.all.forwarding"), CLONE_NEWNET);
	EXPECT_INT(plan_sysctl_namespace("kernel.domainname"), CLONE_NEWUTS);
	EXPECT_INT(plan_sysctl_namespace("kernel.shmmaxx"), 0);
	EXPECT_INT(plan_sysctl_namespace("fs.mqueue"), 0);
	EXPECT_INT(plan_sysctl_namespace("vm.swappiness"), 0);
}

TEST(capabilities)
{
	int last = last_cap();
	struct start_plan *p = plan_ok("lxc.cap.keep = sys_admin\nlxc.cap.keep = CAP_NET_ADMIN\n");

	if (p) {
		EXPECT_INT(p->n_cap_drop, last + 1 - 2);
		EXPECT(!have_cap(p, 21) && !have_cap(p, 12), "sys_admin and net_admin kept");
		EXPECT(have_cap(p, 0) && have_cap(p, last), "chown and the last cap dropped");
	}
	plan_free(p);
	p = plan_ok("lxc.cap.keep = none\n");
	EXPECT(p && p->n_cap_drop == (size_t)last + 1, "keep none drops all %d", last + 1);
	plan_free(p);
	p = plan_ok("lxc.cap.drop = sys_time 63\nlxc.cap.drop = mknod\n");
	EXPECT(p && p->n_cap_drop == 2 && p->cap_drop[0] == 25 && p->cap_drop[1] == 27,
	       "sorted; a capability the kernel lacks is left out");
	plan_free(p);
	plan_fails("lxc.cap.drop = mknod\nlxc.cap.keep = chown\n", -EINVAL,
		   "lxc.cap.keep = chown (config:3): lxc.cap.drop is set too (config:2)");
	/* "none" forgets what was kept before it; what follows counts. */
	p = plan_ok("lxc.cap.keep = sys_admin\nlxc.cap.keep = none\nlxc.cap.keep = cap_chown 5\n");
	if (p) {
		EXPECT_INT(p->n_cap_drop, last + 1 - 2);
		EXPECT(!have_cap(p, 0) && !have_cap(p, 5) && have_cap(p, 21),
		       "chown and kill (5) kept, sys_admin dropped after none");
	}
	plan_free(p);
	/* An empty value clears the list so far (LXC's rule). */
	p = plan_ok("lxc.cap.drop = sys_admin\nlxc.cap.drop =\nlxc.cap.drop = MKNOD\n");
	EXPECT(p && p->n_cap_drop == 1 && p->cap_drop[0] == 27, "only mknod after the clear");
	plan_free(p);
	plan_fails("lxc.cap.drop = none\n", -EINVAL,
		   "lxc.cap.drop = none (config:2): none is for lxc.cap.keep");
}

TEST(misc)
{
	struct start_plan *p = plan_ok("lxc.signal.halt = SIGRTMIN+3\n"
				       "lxc.signal.reboot = 2\n"
				       "lxc.signal.stop = kill\n"
				       "lxc.no_new_privs = 1\n"
				       "lxc.uts.name = web\n"
				       "lxc.tty.dir = lxc\n"
				       "lxc.tty.max = 6\n"
				       "lxc.pty.max = 1024\n"
				       "lxc.autodev = 0\n"
				       "lxc.autodev.tmpfs.size = 1000000\n"
				       "lxc.hook.pre-start = /bin/a 1\n"
				       "lxc.hook.pre-start = /bin/b\n"
				       "lxc.hook.stop = /bin/c\n"
				       "lxc.hook.post-stop = /bin/d\n");
	if (!p)
		return;
	EXPECT_INT(p->halt_signal, SIGRTMIN + 3);
	EXPECT_INT(p->reboot_signal, SIGINT);
	EXPECT_INT(p->stop_signal, SIGKILL);
	EXPECT(p->no_new_privs, "no_new_privs");
	EXPECT_STR(p->uts_name, "web");
	EXPECT_STR(p->tty_dir, "lxc");
	EXPECT_INT(p->tty_max, 6);
	EXPECT_INT(p->pty_max, 1024);
	EXPECT(!p->autodev, "autodev off");
	EXPECT_INT(p->autodev_tmpfs_size, 1000000);
	EXPECT_INT(strv_len(p->hooks.commands[HOOK_PRE_START]), 2);
	EXPECT_STR(p->hooks.commands[HOOK_PRE_START][0], "/bin/a 1");
	EXPECT_STR(p->hooks.origins[HOOK_PRE_START][1], "config:13");
	EXPECT_STR(p->hooks.commands[HOOK_STOP][0], "/bin/c");
	EXPECT_STR(p->hooks.commands[HOOK_POST_STOP][0], "/bin/d");
	EXPECT(!p->hooks.v1, "hook version 0");
	EXPECT(p->session_keyring, "a new session keyring by default, as in LXC");
	EXPECT(strv_contains(p->hooks.env, "LXC_HOOK_VERSION=0"), "hooks get LXC_HOOK_VERSION");
	EXPECT(strv_contains(p->hooks.env, "LXC_CGNS_AWARE=1"), "hooks get LXC_CGNS_AWARE");
	plan_free(p);
	plan_fails("lxc.tty.max = 5000\n", -ERANGE,
		   "lxc.tty.max = 5000 (config:2): use a number from 0 to 1024");
}

TEST(hooks)
{
	struct start_plan *p = plan_ok("lxc.hook.version = 1\n"
				       "lxc.hook.autodev = /bin/mknod-all\n"
				       "lxc.hook.start = /bin/sh -c 'echo \"a b\"'\n"
				       "lxc.autodev = 0\n");
	if (!p)
		return;
	EXPECT(p->hooks.v1, "hook version 1");
	EXPECT(strv_contains(p->hooks.env, "LXC_HOOK_SECTION=lxc"), "version 1 gets LXC_HOOK_SECTION");
	EXPECT_STR(p->hooks.commands[HOOK_START][0], "/bin/sh -c 'echo \"a b\"'");
	EXPECT_INT(strv_len(p->notices), 1);
	EXPECT(p->notices && strstr(p->notices[0], "lxc.hook.autodev (config:3) is not run"),
	       "an autodev hook that cannot run is a notice, saw \"%s\"",
	       p->notices ? p->notices[0] : "");
	plan_free(p);
}

TEST(init_groups)
{
	struct start_plan *p = plan_ok("lxc.init.groups = 4,27\nlxc.init.groups = 100\n"
				       "lxc.keyring.session = 0\n");
	if (p) {
		EXPECT_INT(p->n_init_groups, 3);
		EXPECT(p->n_init_groups == 3 && p->init_groups[0] == 4 && p->init_groups[1] == 27 &&
		       p->init_groups[2] == 100, "the groups, in order");
		EXPECT(!p->session_keyring, "lxc.keyring.session = 0");
	}
	plan_free(p);
}

TEST(console_log)
{
	struct start_plan *p = plan_ok("lxc.console.logfile = /var/log/c.log\n"
				       "lxc.console.size = 1KB\nlxc.console.rotate = 1\n");
	if (p) {
		EXPECT_STR(p->console_log, "/var/log/c.log");
		EXPECT_STR(p->console_log_origin, "config:2");
		EXPECT_INT(p->console_log_size, 4096); /* at least a page, as in LXC */
		EXPECT(p->console_log_rotate, "rotate");
	}
	plan_free(p);
	p = plan_ok("lxc.console.logfile = /c.log\nlxc.console.size = auto\n");
	if (p) {
		EXPECT_INT(p->console_log_size, 128 * 1024);
		EXPECT(!p->console_log_rotate, "no rotate by default");
	}
	plan_free(p);
	p = plan_ok("lxc.console.size = 1MB\n");
	EXPECT(p && !p->console_log, "a size alone opens no log");
	plan_free(p);
	plan_fails("lxc.console.logfile = c.log\n", -EINVAL,
		   "lxc.console.logfile = c.log (config:2): the path must be absolute");
}

/* A config written by LXC's own lxc-create and busybox template. */
TEST(lxc_busybox_config)
{
	char lxcpath[] = "/tmp/lxcmgr-test-plan-lxc.XXXXXX";
	lxcmgr_error *err = NULL;

	if (access("/usr/bin/lxc-create", X_OK) < 0 || !mkdtemp(lxcpath)) {
		printf("# skipped: no /usr/bin/lxc-create\n");
		return;
	}
	cleanup_free char *cmd = str_printf("/usr/bin/lxc-create -P '%s' -n x -t busybox "
					    ">/dev/null 2>&1",
					    lxcpath);
	cleanup_free char *lock = str_printf("/run/lxc/lock%s", lxcpath);
	cleanup_free char *cfg = str_printf("%s/x/config", lxcpath);
	cleanup_free char *text = NULL;
	int status = system(cmd);
	unsigned veth_line = 0, lineno = 0;

	if (status != 0) {
		printf("# skipped: lxc-create -t busybox failed (%d)\n", status);
	} else if (file_read(cfg, 1 << 20, &text, NULL) == 0) {
		for (char *l = text, *next; l && !veth_line; l = next) {
			next = strchr(l, '\n');
			if (next)
				*next++ = '\0';
			lineno++;
			if (str_eq(str_trim(l), "lxc.net.0.type = veth"))
				veth_line = lineno;
		}
		struct lxcmgr_ctx_options opts = { .lxcpath = lxcpath, .config_dir = tmpdir };
		struct lxcmgr_ctx *lctx = lxcmgr_ctx_new(&opts, &err);
		struct lxcmgr_container *c = lctx ? lxcmgr_container_new(lctx, "x", &err) : NULL;
		struct start_plan *p = NULL;
		int ret = c ? plan_build(c, NULL, &p, &err) : -1;
		/* LXC's busybox container: a veth on lxcbr0 (whether the bridge
		 * exists is the start's to find out). */
		EXPECT(veth_line > 0, "the config has lxc.net.0.type = veth");
		EXPECT(ret == 0, "LXC's config builds: %s", err ? err->msg : "");
		if (p) {
			EXPECT_INT(p->n_netdevs, 1);
			EXPECT_INT(p->netdevs[0].type, NET_VETH);
			EXPECT_STR(p->netdevs[0].link, "lxcbr0");
			EXPECT_STR(p->netdevs[0].name, "eth0");
			cleanup_free char *origin = str_printf("%s:%u", cfg, veth_line);
			EXPECT_STR(p->netdevs[0].origin, origin);
		}
		plan_free(p);
		p = NULL;
		lxcmgr_error_free(err);
		err = NULL;
		/* With the network made empty by a define (lxc-start -s): no device. */
		ret = c ? lxcmgr_container_define(c, "-s", "lxc.net.0.type=empty", &err) : -1;
		EXPECT_INT(ret, 0);
		ret = c ? plan_build(c, NULL, &p, &err) : -1;
		EXPECT(ret == 0, "with lxc.net.0.type = empty it builds: %s", err ? err->msg : "");
		if (p) {
			EXPECT_INT(p->auto_mounts, AUTO_PROC_MIXED | AUTO_SYS_RO);
			EXPECT_INT(p->cgroup_mount, CGMOUNT_MIXED);
			EXPECT_INT(p->n_mounts, 7);
			EXPECT_INT(p->tty_max, 5);
			EXPECT_STR(p->uts_name, "x");
			EXPECT_INT(p->clone_flags, DEFAULT_NS);
			EXPECT_INT(p->n_netdevs, 0);
		}
		plan_free(p);
		lxcmgr_container_put(c);
		lxcmgr_ctx_free(lctx);
		lxcmgr_error_free(err);
	}
	rm_rf_at(AT_FDCWD, lxcpath, NULL);
	rm_rf_at(AT_FDCWD, lock, NULL);
	rmdir("/run/lxc/lock/tmp"); /* only when nothing else is in it */
}

static void expect_addr(const struct net_addr *a, int family, const char *text, unsigned prefix)
{
	char buf[INET6_ADDRSTRLEN];

	EXPECT_INT(a->family, family);
	EXPECT_STR(inet_ntop(family, &a->addr, buf, sizeof(buf)), text);
	EXPECT_INT(a->prefix, prefix);
}

TEST(network_devices)
{
	struct start_plan *p = plan_ok("lxc.net.0.type = veth\n"
				       "lxc.net.0.link = br0\n"
				       "lxc.net.0.flags = up\n"
				       "lxc.net.0.hwaddr = 00:16:3e:12:34:56\n"
				       "lxc.net.0.mtu = 1400\n"
				       "lxc.net.0.ipv4.address = 10.1.2.3/24\n"
				       "lxc.net.0.ipv4.address = 10.9.9.9 10.255.255.255\n"
				       "lxc.net.0.ipv6.address = fd00::3/64\n"
				       "lxc.net.0.ipv4.gateway = auto\n"
				       "lxc.net.0.ipv6.gateway = fd00::1\n"
				       "lxc.net.0.veth.pair = vethweb\n"
				       "lxc.net.3.type = macvlan\n"
				       "lxc.net.3.link = dummy0\n"
				       "lxc.net.3.macvlan.mode = bridge\n"
				       "lxc.net.1.type = phys\n"
				       "lxc.net.1.link = enp9s0\n"
				       "lxc.net.2.type = empty\n"
				       "lxc.net.4.type = vlan\n"
				       "lxc.net.4.link = eth9\n"
				       "lxc.net.4.vlan.id = 42\n"
				       "lxc.net.4.name = eth0.42\n");

	if (p) {
		EXPECT_INT(p->n_netdevs, 4); /* empty makes none; sorted by N */
		const struct net_dev *v = &p->netdevs[0], *ph = &p->netdevs[1],
				     *m = &p->netdevs[2], *vl = &p->netdevs[3];
		EXPECT_INT(v->type, NET_VETH);
		EXPECT_STR(v->name, "eth0");
		EXPECT_STR(v->link, "br0");
		EXPECT_STR(v->pair, "vethweb");
		EXPECT(v->up && v->has_hwaddr && v->hwaddr[5] == 0x56, "veth flags and MAC");
		EXPECT_INT(v->mtu, 1400);
		EXPECT_INT(v->n_addrs, 3);
		expect_addr(&v->addrs[0], AF_INET, "10.1.2.3", 24);
		expect_addr(&v->addrs[1], AF_INET, "10.9.9.9", 8); /* class A, as LXC */
		EXPECT(v->addrs[1].has_bcast, "broadcast given");
		expect_addr(&v->addrs[2], AF_INET6, "fd00::3", 64);
		EXPECT_INT(v->gw4.kind, NET_GW_AUTO);
		EXPECT_INT(v->gw6.kind, NET_GW_ADDR);
		expect_addr(&v->gw6.addr, AF_INET6, "fd00::1", 128);
		EXPECT_STR(v->origin, "config:2");
		EXPECT_INT(ph->type, NET_PHYS);
		EXPECT_STR(ph->name, "enp9s0"); /* phys keeps its name */
		EXPECT_INT(m->type, NET_MACVLAN);
		EXPECT_STR(m->name, "eth1"); /* the first ethK no other device has */
		EXPECT_INT(m->mode, MACVLAN_MODE_BRIDGE);
		EXPECT_INT(vl->vlan_id, 42);
		EXPECT_STR(vl->name, "eth0.42");
	}
	plan_free(p);
	plan_fails("lxc.net.0.type = macvlan\n", -EINVAL,
		   "lxc.net.0.type = macvlan (config:2): macvlan needs a host device: add "
		   "lxc.net.0.link");
	plan_fails("lxc.net.0.type = vlan\nlxc.net.0.link = eth0\n", -EINVAL,
		   "vlan needs lxc.net.0.vlan.id");
	plan_fails("lxc.net.0.type = veth\nlxc.net.0.macvlan.mode = vepa\n", -EINVAL,
		   "lxc.net.0.macvlan.mode = vepa (config:3): applies to another network type");
	plan_fails("lxc.net.0.type = veth\nlxc.net.0.ipv4.gateway = 10.0.0.1\n", -EINVAL,
		   "a route needs the device up: add lxc.net.0.flags = up");
	plan_fails("lxc.net.0.type = macvlan\nlxc.net.0.link = x\nlxc.net.0.flags = up\n"
		   "lxc.net.0.ipv4.gateway = auto\n", -EINVAL,
		   "auto takes the address of a veth's bridge");
	plan_fails("lxc.net.0.type = veth\nlxc.net.0.veth.mode = router\n"
		   "lxc.net.0.link = br0\n", -EINVAL, "remove the link, or add lxc.net.0.l2proxy = 1");
	plan_fails("lxc.net.0.type = veth\nlxc.net.0.name = eth0\nlxc.net.1.type = veth\n"
		   "lxc.net.1.name = eth0\n",
		   -EEXIST, "lxc.net.1.name = eth0 (config:5): lxc.net.0 has this name too");
	/* A device without a name gets one no other device takes. */
	p = plan_ok("lxc.net.0.type = veth\nlxc.net.1.type = veth\nlxc.net.1.name = eth0\n");
	if (p && p->n_netdevs == 2)
		EXPECT_STR(p->netdevs[0].name, "eth1");
	plan_free(p);
	plan_fails("lxc.net.1.link = br0\n", -EINVAL,
		   "lxc.net.1.link = br0 (config:2): lxc.net.1 has no type; add lxc.net.1.type");
	plan_fails("lxc.net.0.type = veth\nlxc.namespace.keep = net\n", -EINVAL,
		   "lxc.net.0.type = veth (config:2): the container has no network namespace");
	/* x digits are random, the multicast bit clear, the local bit set. */
	p = plan_ok("lxc.net.0.type = veth\nlxc.net.0.hwaddr = xx:16:3e:xx:xx:xx\n");
	if (p && p->n_netdevs == 1) {
		EXPECT_INT(p->netdevs[0].hwaddr[0] & 3, 2);
		EXPECT_INT(p->netdevs[0].hwaddr[1], 0x16);
	}
	plan_free(p);
}

TEST(l2proxy_and_bridge_vlans)
{
	/* Router mode with a link: the link is l2proxy's. */
	struct start_plan *p = plan_ok("lxc.net.0.type = veth\n"
				       "lxc.net.0.veth.mode = router\n"
				       "lxc.net.0.link = eth0\n"
				       "lxc.net.0.l2proxy = 1\n"
				       "lxc.net.0.ipv4.address = 192.0.2.7/32\n"
				       "lxc.net.1.type = veth\n"
				       "lxc.net.1.link = br0\n"
				       "lxc.net.1.veth.vlan.id = 10\n"
				       "lxc.net.1.veth.vlan.tagged.id = 20\n"
				       "lxc.net.1.veth.vlan.tagged.id = 4094\n"
				       "lxc.net.2.type = veth\n"
				       "lxc.net.2.link = br0\n"
				       "lxc.net.2.l2proxy = 0\n"
				       "lxc.net.2.veth.vlan.id = none\n");
	if (p && p->n_netdevs == 3) {
		const struct net_dev *r = &p->netdevs[0], *v = &p->netdevs[1], *n = &p->netdevs[2];
		EXPECT(r->l2proxy && r->veth_router, "router mode with l2proxy");
		EXPECT_STR(r->l2proxy_origin, "config:5");
		EXPECT_STR(r->link, "eth0");
		EXPECT_INT(v->vlan_untagged, NET_VLAN_ID);
		EXPECT_INT(v->vlan_pvid, 10);
		EXPECT_INT(v->n_vlan_tagged, 2);
		if (v->n_vlan_tagged == 2)
			EXPECT(v->vlan_tagged[0] == 20 && v->vlan_tagged[1] == 4094, "tagged VLANs");
		EXPECT_STR(v->vlan_origin, "veth.vlan.id = 10 (config:9)");
		EXPECT(!n->l2proxy, "l2proxy = 0");
		EXPECT_INT(n->vlan_untagged, NET_VLAN_NONE);
		EXPECT_INT(n->n_vlan_tagged, 0);
	} else {
		EXPECT(false, "three devices, not %zu", p ? p->n_netdevs : 0);
	}
	plan_free(p);
	plan_fails("lxc.net.0.type = veth\nlxc.net.0.veth.mode = router\n"
		   "lxc.net.0.l2proxy = 1\n", -EINVAL,
		   "lxc.net.0.l2proxy = 1 (config:4): answers ARP/NDP on the link, and there is "
		   "none: add lxc.net.0.link");
	plan_fails("lxc.net.0.type = phys\nlxc.net.0.link = eth1\nlxc.net.0.l2proxy = 1\n",
		   -EINVAL, "lxc.net.0.l2proxy = 1 (config:4): the link of a phys device");
	plan_fails("lxc.net.0.type = veth\nlxc.net.0.veth.vlan.id = 5\n", -EINVAL,
		   "lxc.net.0.veth.vlan.id = 5 (config:3): sets the VLANs of the veth's port on its "
		   "bridge; needs veth.mode = bridge and lxc.net.0.link");
	plan_fails("lxc.net.0.type = veth\nlxc.net.0.veth.mode = router\nlxc.net.0.link = br0\n"
		   "lxc.net.0.l2proxy = 1\nlxc.net.0.veth.vlan.tagged.id = 5\n", -EINVAL,
		   "lxc.net.0.veth.vlan.tagged.id = 5 (config:6): sets the VLANs");
	plan_fails("lxc.net.0.type = veth\nlxc.net.0.link = br0\nlxc.net.0.veth.vlan.id = 5\n"
		   "lxc.net.0.veth.vlan.tagged.id = 6\nlxc.net.0.veth.vlan.tagged.id = 5\n", -EINVAL,
		   "lxc.net.0.veth.vlan.tagged.id = 5 (config:6): VLAN 5 is the port's untagged one");
	plan_fails("lxc.net.0.type = macvlan\nlxc.net.0.link = eth0\n"
		   "lxc.net.0.veth.vlan.id = 5\n", -EINVAL, "applies to another network type");
}

static void expect_item(const struct start_plan *p, size_t i, const char *key,
			unsigned version, const char *file, const char *value, const char *origin)
{
	EXPECT(i < p->cgroup.n_items, "item %zu of %zu", i, p->cgroup.n_items);
	if (i >= p->cgroup.n_items)
		return;
	const struct plan_cgroup_item *it = &p->cgroup.items[i];
	EXPECT_STR(it->key, key);
	EXPECT_INT(it->version, version);
	EXPECT_STR(it->file, file);
	EXPECT_STR(it->value, value);
	EXPECT_STR(it->origin, origin);
}

TEST(cgroups)
{
	struct start_plan *p = plan_ok("");
	if (p) {
		EXPECT_STR(p->cgroup.payload, "lxcmgr.payload.x");
		EXPECT_STR(p->cgroup.monitor, "lxcmgr.monitor.x");
		EXPECT(!p->cgroup.relative && !p->cgroup.pivot && !p->cgroup.n_items, "defaults");
	}
	plan_free(p);
	p = plan_ok("lxc.cgroup.dir = a/b\nlxc.cgroup.relative = 1\n");
	if (p) {
		EXPECT_STR(p->cgroup.payload, "a/b/lxcmgr.payload.x");
		EXPECT_STR(p->cgroup.monitor, "a/b/lxcmgr.monitor.x");
		EXPECT(p->cgroup.relative, "lxc.cgroup.relative = 1");
	}
	plan_free(p);
	p = plan_ok("lxc.cgroup.dir.container = c/x\nlxc.cgroup.dir.monitor = m/x\n"
		    "lxc.cgroup.dir.monitor.pivot = pivot\n");
	if (p) {
		EXPECT_STR(p->cgroup.payload, "c/x");
		EXPECT_STR(p->cgroup.monitor, "m/x");
		EXPECT_STR(p->cgroup.pivot, "pivot");
	}
	plan_free(p);
	/* In the order written, across keys: the last deny comes last. */
	p = plan_ok("lxc.cgroup.devices.deny = a\n"
		    "lxc.cgroup.devices.allow = c 1:3 rwm\n"
		    "lxc.cgroup2.pids.max = 5\n"
		    "lxc.cgroup.devices.deny = c 1:9 rwm\n");
	if (p) {
		EXPECT_INT(p->cgroup.n_items, 4);
		expect_item(p, 0, "lxc.cgroup.devices.deny", 1, "devices.deny", "a", "config:2");
		expect_item(p, 1, "lxc.cgroup.devices.allow", 1, "devices.allow", "c 1:3 rwm",
			    "config:3");
		expect_item(p, 2, "lxc.cgroup2.pids.max", 2, "pids.max", "5", "config:4");
		expect_item(p, 3, "lxc.cgroup.devices.deny", 1, "devices.deny", "c 1:9 rwm",
			    "config:5");
	}
	plan_free(p);
	plan_fails("lxc.cgroup.dir.container = c\n", -EINVAL,
		   "lxc.cgroup.dir.container = c (config:2): lxc.cgroup.dir.container and "
		   "lxc.cgroup.dir.monitor go together");
	plan_fails("lxc.cgroup.dir = d\nlxc.cgroup.dir.container = c\nlxc.cgroup.dir.monitor = m\n",
		   -EINVAL, "cannot be combined");
	plan_fails("lxc.cgroup.dir.container = same\nlxc.cgroup.dir.monitor = same\n", -EINVAL,
		   "need different cgroups");
}

TEST(setup)
{
	lxcmgr_error *err = NULL;

	EXPECT(mkdtemp(tmpdir) != NULL, "mkdtemp %s", tmpdir);
	cleanup_free char *etc = str_printf("%s/etc", tmpdir);
	cleanup_free char *lxcpath = str_printf("%s/lxc", tmpdir);
	rootfs = str_printf("%s/lxc/x/rootfs", tmpdir);
	mkdir_p(etc, 0755);
	mkdir_p(rootfs, 0755);
	setenv("LXCMGR_CONFIG_PATH", etc, 1);
	runtime = str_printf("%s/run", tmpdir);
	setenv("LXCMGR_RUNTIME_PATH", runtime, 1);
	struct lxcmgr_ctx_options opts = { .lxcpath = lxcpath };
	ctx = lxcmgr_ctx_new(&opts, &err);
	ct = ctx ? lxcmgr_container_new(ctx, "x", &err) : NULL;
	if (!ct) {
		printf("Bail out! %s\n", err ? err->msg : "no container");
		exit(1);
	}
}

TEST(teardown)
{
	lxcmgr_container_put(ct);
	lxcmgr_ctx_free(ctx);
	free(rootfs);
	free(runtime);
	EXPECT_INT(rm_rf_at(AT_FDCWD, tmpdir, NULL), 0);
	EXPECT(!path_exists(tmpdir), "%s is removed", tmpdir);
}

UNIT_MAIN(setup, defaults, busybox_template, mount_entries, mount_fstab, mount_auto,
	  refused_keys, user_namespace, refusals_are_listed, accepted_keys, console_buffer_size,
	  apparmor_generated, apparmor_named,
	  seccomp_profile,
	  every_key_has_a_rule, rootfs_path, rootfs_overlay, init, environment, namespaces,
	  shared_namespaces, time_namespace, process_settings, capabilities, misc, hooks,
	  console_log, init_groups,
	  lxc_busybox_config, network_devices, l2proxy_and_bridge_vlans, cgroups, teardown)
