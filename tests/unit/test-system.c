/* conf/system: the system config (lxc.conf): defaults, values, errors. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "conf/system.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

static char tmpdir[] = "/tmp/lxcmgr-test-system.XXXXXX";

/* The documented defaults (lxcmgr.system.conf(5)); lxc.lxcpath is the
 * configured one and lxc.default_config follows the config dir. */
static const struct {
	const char *key, *value;
} defaults[] = {
	{ "lxc.lxcpath", LXCPATH },
	{ "lxc.cgroup.pattern", "lxcmgr.payload.%n" },
	{ "lxc.cgroup.use", "" },
	{ "lxc.bdev.lvm.vg", "lxc" },
	{ "lxc.bdev.lvm.thin_pool", "lxc" },
	{ "lxc.bdev.zfs.root", "lxc" },
};

static char *write_conf(const char *name, const char *data, size_t len)
{
	char *path = str_printf("%s/%s", tmpdir, name);
	EXPECT(file_write_atomic(path, data, len, 0644) == 0, "write %s", path);
	return path;
}

static void expect_defaults(const struct system_config *sc, const char *config_dir)
{
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		const char *v = system_config_value(sc, defaults[i].key);
		EXPECT(v && strcmp(v, defaults[i].value) == 0, "default %s = \"%s\", saw \"%s\"",
		       defaults[i].key, defaults[i].value, v ? v : "(null)");
	}
	cleanup_free char *dc = str_printf("%s/default.conf", config_dir);
	EXPECT_STR(system_config_value(sc, "lxc.default_config"), dc);
}

/* Loads TEXT as lxc.conf; returns the error message or NULL. */
static char *load_text(struct system_config *sc, const char *text, int *ret, char **path)
{
	lxcmgr_error *err = NULL;
	*path = write_conf("lxc.conf", text, strlen(text));
	*ret = system_config_load(sc, tmpdir, *path, &err);
	char *msg = err && err->msg ? strdup(err->msg) : NULL;
	lxcmgr_error_free(err);
	return msg;
}

/* TEXT does not load: -EINVAL, with "PATH:WHERE" (unless WHERE is NULL)
 * and SAYS in the message, and without NOT (unless NULL): the first error
 * stops the load. */
static void expect_refused(const char *text, const char *where, const char *says, const char *not)
{
	struct system_config sc;
	int ret;
	cleanup_free char *path = NULL;
	cleanup_free char *msg = load_text(&sc, text, &ret, &path);

	EXPECT(ret == -EINVAL, "\"%s\" gives -EINVAL, saw %d", text, ret);
	if (where) {
		cleanup_free char *want = str_printf("%s:%s", path, where);
		EXPECT_CONTAINS(msg, want);
	}
	EXPECT_CONTAINS(msg, says);
	if (not)
		EXPECT(msg && !strstr(msg, not), "\"%s\" is not in %s", not, msg ? msg : "(null)");
	system_config_release(&sc);
}

TEST(defaults_when_missing)
{
	struct system_config sc;
	lxcmgr_error *err = NULL;
	cleanup_free char *missing = str_printf("%s/no-such-lxc.conf", tmpdir);

	EXPECT_INT(system_config_load(&sc, "/etc/lxcmgr-test", missing, &err), 0);
	EXPECT(err == NULL, "no error for a missing file");
	lxcmgr_error_free(err);
	expect_defaults(&sc, "/etc/lxcmgr-test");
	EXPECT(system_config_value(&sc, "lxc.uts.name") == NULL, "container keys are unknown here");
	EXPECT(system_config_value(&sc, "lxc.lxcpth") == NULL, "unknown keys give NULL");
	system_config_release(&sc);

	/* The public key list covers exactly the keys with values. */
	const char *const *keys = lxcmgr_system_config_keys();
	size_t n = 0;
	for (; keys && keys[n]; n++)
		EXPECT(system_config_value(&sc, keys[n]) != NULL, "%s has a value", keys[n]);
	EXPECT_INT(n, SYSTEM_CONFIG_NKEYS);
	EXPECT_INT(n, ARRAY_SIZE(defaults) + 1);

	/* An empty file is the same. */
	int ret;
	cleanup_free char *path = NULL;
	cleanup_free char *msg = load_text(&sc, "", &ret, &path);
	EXPECT_INT(ret, 0);
	expect_defaults(&sc, tmpdir);
	system_config_release(&sc);
}

TEST(values_are_read)
{
	struct system_config sc;
	int ret;
	cleanup_free char *path = NULL;
	cleanup_free char *msg = load_text(&sc,
					   "# system config\r\n"
					   "\n"
					   "lxc.lxcpath = /srv/old\n"
					   "  lxc.lxcpath=/srv/containers   # the last one wins\r\n"
					   "lxc.default_config = /etc/lxcmgr/other.conf\n"
					   "lxc.cgroup.pattern = \"lxc.payload.%n\"\n"
					   "lxc.cgroup.use = 'memory,pids'\n"
					   "lxc.bdev.lvm.vg = vg0\n"
					   "lxc.bdev.lvm.thin_pool = thin\n"
					   "lxc.bdev.zfs.root = tank/lxc\n",
					   &ret, &path);

	EXPECT(ret == 0, "loads, saw %d: %s", ret, msg ? msg : "");
	EXPECT_STR(system_config_value(&sc, "lxc.lxcpath"), "/srv/containers");
	EXPECT_STR(system_config_value(&sc, "lxc.default_config"), "/etc/lxcmgr/other.conf");
	EXPECT_STR(system_config_value(&sc, "lxc.cgroup.pattern"), "lxc.payload.%n");
	EXPECT_STR(system_config_value(&sc, "lxc.cgroup.use"), "memory,pids");
	EXPECT_STR(system_config_value(&sc, "lxc.bdev.lvm.vg"), "vg0");
	EXPECT_STR(system_config_value(&sc, "lxc.bdev.lvm.thin_pool"), "thin");
	EXPECT_STR(system_config_value(&sc, "lxc.bdev.zfs.root"), "tank/lxc");
	system_config_release(&sc);
	for (int i = 0; i < SYSTEM_CONFIG_NKEYS; i++)
		EXPECT(sc.values[i] == NULL, "release frees value %d", i);
}

TEST(empty_values_restore_defaults)
{
	struct system_config sc;
	int ret;
	cleanup_free char *path = NULL;
	cleanup_free char *msg = load_text(&sc,
					   "lxc.lxcpath = /srv/x\n"
					   "lxc.default_config = /etc/x.conf\n"
					   "lxc.cgroup.pattern = p\n"
					   "lxc.bdev.lvm.vg = vg0\n"
					   "lxc.lxcpath =\n"
					   "lxc.default_config =\n"
					   "lxc.cgroup.pattern = ''\n"
					   "lxc.bdev.lvm.vg =\n",
					   &ret, &path);

	EXPECT(ret == 0, "loads: %s", msg ? msg : "");
	expect_defaults(&sc, tmpdir);
	system_config_release(&sc);
}

TEST(unknown_keys_are_errors)
{
	expect_refused("# c\n\nlxc.lxcpth = /srv/x\nlxc.bogus = 1\n",
		       "3: lxc.lxcpth: unknown system config key", "(did you mean lxc.lxcpath?)", "bogus");
	expect_refused("lxc.uts.name = web\n", "1: lxc.uts.name: unknown system config key",
		       "lxc-config -l", NULL);
	expect_refused("lxc.include = /etc/lxc/lxc.conf\n", NULL,
		       "lxc.include: unknown system config key", NULL);
	expect_refused("lxc.lxcpath = /a\nlxc.lxcpath /b\n", "2: ", "KEY = VALUE", NULL);
}

TEST(relative_lxcpath_rejected)
{
	expect_refused("\nlxc.lxcpath = var/lib/lxcmgr\n", "2: lxc.lxcpath: \"var/lib/lxcmgr\"",
		       "absolute", NULL);
	expect_refused("lxc.lxcpath = ./here\n", "1: lxc.lxcpath: ", "absolute", NULL);
}

TEST(unreadable_and_nul)
{
	struct system_config sc;
	lxcmgr_error *err = NULL;

	/* A directory where the file should be. */
	EXPECT(system_config_load(&sc, tmpdir, tmpdir, &err) < 0, "a directory is not a config");
	EXPECT(err && strstr(err->msg, tmpdir) && strstr(err->msg, "system config"),
	       "the error names the file: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	system_config_release(&sc);

	/* A NUL byte is an error, not the silent end of the file. */
	static const char nul[] = "lxc.bdev.lvm.vg = a\nlxc.bdev.lvm.vg = b\0c\nlxc.lxcpath = rel\n";
	cleanup_free char *path = write_conf("nul.conf", nul, sizeof(nul) - 1);
	err = NULL;
	EXPECT(system_config_load(&sc, tmpdir, path, &err) < 0, "a NUL byte is refused");
	cleanup_free char *want = str_printf("%s:2: ", path);
	EXPECT_CONTAINS(err ? err->msg : NULL, want);
	EXPECT_CONTAINS(err ? err->msg : NULL, "NUL");
	lxcmgr_error_free(err);
	system_config_release(&sc);
}

TEST(setup)
{
	EXPECT(mkdtemp(tmpdir) != NULL, "mkdtemp");
}

TEST(teardown)
{
	EXPECT(rm_rf_at(AT_FDCWD, tmpdir, NULL) == 0, "remove %s", tmpdir);
	EXPECT(!path_exists(tmpdir), "%s is gone", tmpdir);
}

UNIT_MAIN(setup, defaults_when_missing, values_are_read, empty_values_restore_defaults,
	  unknown_keys_are_errors, relative_lxcpath_rejected, unreadable_and_nul, teardown)
