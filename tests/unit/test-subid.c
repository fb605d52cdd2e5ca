/* security/subid: /etc/subuid and /etc/subgid (temporary copies), the
 * default map, the checks made before newuidmap runs, lxc.idmap lines. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "security/subid.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

static char dir[] = "/tmp/lxcmgr-unit-subid.XXXXXX";
static char subuid[64], subgid[64];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* alice (uid 1000) has two uid ranges, one by name and one by number, and
 * one gid range; bob has one of each; the files have comments and blanks. */
static void files(void)
{
	if (!subuid[0]) {
		if (!mkdtemp(dir))
			abort();
		snprintf(subuid, sizeof(subuid), "%s/subuid", dir);
		snprintf(subgid, sizeof(subgid), "%s/subgid", dir);
	}
	write_file(subuid, "# subordinate uids\n"
			   "alice:100000:65536\n"
			   "\n"
			   "bob:165536:65536\n"
			   "  1000:300000:1000  \n");
	write_file(subgid, "alice:200000:65536\nbob:265536:65536\n");
}

static struct subid_env env_for(const char *user, uid_t uid)
{
	struct subid_env env = { subuid, subgid, NULL, NULL, user, uid, uid };
	return env;
}

TEST(reads_ranges_by_name_and_by_uid)
{
	struct subid_env env = env_for("alice", 1000);
	struct subid_ranges r;
	cleanup_error lxcmgr_error *err = NULL;

	files();
	EXPECT_INT(subid_read(subuid, &env, &r, &err), 0);
	EXPECT_INT(r.n, 2);
	if (r.n == 2) {
		EXPECT_INT(r.v[0].first, 100000);
		EXPECT_INT(r.v[0].count, 65536);
		EXPECT_INT(r.v[1].first, 300000);
		EXPECT_INT(r.v[1].count, 1000);
	}
	EXPECT_INT(r.file_end, 301000);
	subid_ranges_release(&r);

	/* Without a passwd name, only the entry by number is the user's. */
	env = env_for(NULL, 1000);
	EXPECT_INT(subid_read(subuid, &env, &r, &err), 0);
	EXPECT_INT(r.n, 1);
	subid_ranges_release(&r);
}

TEST(missing_file_has_no_ranges)
{
	struct subid_env env = env_for("alice", 1000);
	struct subid_ranges r;
	cleanup_error lxcmgr_error *err = NULL;

	EXPECT_INT(subid_read("/nonexistent/subuid", &env, &r, &err), 0);
	EXPECT_INT(r.n, 0);
	EXPECT(err == NULL, "no error for a missing file");
}

TEST(bad_lines_name_file_and_line)
{
	static const char *const bad[] = {
		"alice:100000\n",            /* two fields */
		"alice:100000:65536:1\n",    /* four */
		":100000:65536\n",           /* no name */
		"alice::65536\n",            /* empty FIRST */
		"alice:x:65536\n",           /* not a number */
		"alice:100000:0\n",          /* COUNT 0 */
		"alice:4294967295:2\n",      /* past 2^32 */
	};
	struct subid_env env = env_for("alice", 1000);

	files();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		cleanup_free char *text = str_printf("# header\nbob:165536:65536\n%s", bad[i]);
		cleanup_free char *where = str_printf("%s:3: ", subuid);
		cleanup_error lxcmgr_error *err = NULL;
		struct subid_ranges r;
		write_file(subuid, text);
		EXPECT_INT(subid_read(subuid, &env, &r, &err), -EINVAL);
		EXPECT_CONTAINS(err ? err->msg : NULL, where);
	}
	files();
}

TEST(default_map_from_first_ranges)
{
	struct subid_env env = env_for("alice", 1000);
	cleanup_strv char **lines = NULL;
	cleanup_error lxcmgr_error *err = NULL;

	files();
	EXPECT_INT(subid_default_map_env(&env, &lines, &err), 0);
	EXPECT_INT(strv_len(lines), 2);
	if (strv_len(lines) == 2) {
		EXPECT_STR(lines[0], "u 0 100000 65536");
		EXPECT_STR(lines[1], "g 0 200000 65536");
	}
}

TEST(default_map_without_range_says_how_to_add_one)
{
	struct subid_env env = env_for("carol", 1002);
	cleanup_strv char **lines = NULL;
	cleanup_error lxcmgr_error *err = NULL;

	files();
	EXPECT_INT(subid_default_map_env(&env, &lines, &err), -ENOENT);
	EXPECT_CONTAINS(err ? err->msg : NULL, "no subordinate uids for user \"carol\" in ");
	/* A free block above every entry of the file (the highest ends at 301000). */
	EXPECT_CONTAINS(err ? err->msg : NULL, "usermod --add-subuids 327680-393215 carol");
}

TEST(default_map_needs_65536_ids)
{
	struct subid_env env = env_for("dave", 1003);
	cleanup_strv char **lines = NULL;
	cleanup_error lxcmgr_error *err = NULL;

	files();
	write_file(subuid, "dave:100000:1000\n");
	EXPECT_INT(subid_default_map_env(&env, &lines, &err), -ERANGE);
	EXPECT_CONTAINS(err ? err->msg : NULL, "has 1000 ids; the default map needs 65536");
	files();
}

static int check(const char *user, uid_t uid, char *const *lines, lxcmgr_error **err)
{
	struct subid_env env = env_for(user, uid);
	return subid_check_maps(&env, lines, err);
}

TEST(maps_inside_the_ranges_pass)
{
	char *ok[] = { (char *)"u 0 100000 65536", (char *)"g 0 200000 65536",
		       (char *)"u 65536 300000 1000", NULL };
	char *own[] = { (char *)"u 0 100000 1", (char *)"u 1 1000 1", (char *)"g 0 1000 1", NULL };
	char *both[] = { (char *)"b 0 165536 65536", NULL }; /* bob's uid and gid ranges */
	cleanup_error lxcmgr_error *err = NULL;

	files();
	EXPECT_INT(check("alice", 1000, ok, &err), 0);
	/* One's own id needs no subordinate range. */
	EXPECT_INT(check("alice", 1000, own, &err), 0);
	write_file(subgid, "bob:165536:65536\n");
	EXPECT_INT(check("bob", 1001, both, &err), 0);
	EXPECT(err == NULL, "no error: %s", err ? err->msg : "");
	files();
}

TEST(adjacent_ranges_cover_a_map_together)
{
	char *lines[] = { (char *)"u 0 100000 131072", NULL };
	cleanup_error lxcmgr_error *err = NULL;

	write_file(subuid, "alice:165536:65536\nalice:100000:65536\n");
	EXPECT_INT(check("alice", 1000, lines, &err), 0);
	files();
}

TEST(maps_outside_the_ranges_fail)
{
	char *outside[] = { (char *)"u 0 100000 65537", NULL };
	/* The gids are bob's. */
	char *others[] = { (char *)"u 0 100000 65536", (char *)"g 0 265536 65536", NULL };
	char *not_own[] = { (char *)"u 0 1001 1", NULL };
	cleanup_error lxcmgr_error *e1 = NULL, *e2 = NULL, *e3 = NULL;

	files();
	EXPECT_INT(check("alice", 1000, outside, &e1), -EPERM);
	EXPECT_CONTAINS(e1 ? e1->msg : NULL, "id map \"u 0 100000 65537\": host uids "
			"100000-165536 are not subordinate uids of user \"alice\"");
	EXPECT_CONTAINS(e1 ? e1->msg : NULL, "it has 100000-165535, 300000-300999");
	EXPECT_INT(check("alice", 1000, others, &e2), -EPERM);
	EXPECT_CONTAINS(e2 ? e2->msg : NULL, "host gids 265536-331071");
	EXPECT_INT(check("alice", 1000, not_own, &e3), -EPERM);
}

TEST(no_range_at_all_is_its_own_error)
{
	char *lines[] = { (char *)"u 0 100000 65536", (char *)"g 0 200000 65536", NULL };
	cleanup_error lxcmgr_error *err = NULL;

	files();
	EXPECT_INT(check("carol", 1002, lines, &err), -ENOENT);
	EXPECT_CONTAINS(err ? err->msg : NULL, "no subordinate uids for user \"carol\"");
	EXPECT_CONTAINS(err ? err->msg : NULL, "usermod --add-subuids");
}

TEST(idmap_lines)
{
	struct idmap_line m;
	static const char *const bad[] = { "", "u 0 1", "x 0 1 1", "u 0 1 0", "u -1 1 1",
					   "uu 0 1 1", "u 0 1 1 1", "u 4294967295 0 1" };

	EXPECT_INT(idmap_line_parse("b 0 100000 65536", &m), 0);
	EXPECT_INT(m.kind, 'b');
	EXPECT_INT(m.ns, 0);
	EXPECT_INT(m.host, 100000);
	EXPECT_INT(m.count, 65536);
	EXPECT_INT(idmap_line_parse("  g\t1  2 3 ", &m), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT(idmap_line_parse(bad[i], &m) == -EINVAL, "\"%s\" is refused", bad[i]);
}

TEST(unmapped_ids_and_host_lookups)
{
	char *lines[] = { (char *)"u 65536 300000 10", (char *)"b 0 100000 65536",
			  (char *)"g 70000 1 1", NULL };

	/* 0..65535 and then 65536..65545 are taken: the caller goes to 65546. */
	EXPECT_INT(idmap_unmapped_nsid(lines, 'u'), 65546);
	EXPECT_INT(idmap_unmapped_nsid(lines, 'g'), 65536);
	EXPECT_INT(idmap_unmapped_nsid(NULL, 'u'), 0);
	EXPECT_INT(idmap_host_to_ns(lines, 'u', 300005), 65541);
	EXPECT_INT(idmap_host_to_ns(lines, 'g', 100001), 1);
	EXPECT_INT(idmap_host_to_ns(lines, 'g', 300005), -1);
	EXPECT_INT(idmap_host_to_ns(lines, 'u', 1), -1);
}

TEST(missing_newuidmap_is_named_with_the_package)
{
	struct subid_env env = env_for("alice", 1000);
	char *lines[] = { (char *)"u 0 100000 65536", (char *)"g 0 200000 65536", NULL };
	cleanup_error lxcmgr_error *err = NULL;

	files();
	env.newuidmap = "/nonexistent/newuidmap";
	EXPECT_INT(subid_write_maps_env(&env, getpid(), lines, &err), -ENOENT);
	EXPECT_CONTAINS(err ? err->msg : NULL, "newuidmap is not installed");
	EXPECT_CONTAINS(err ? err->msg : NULL, "apt-get install uidmap");
}

TEST(newuidmap_must_be_setuid_root)
{
	struct subid_env env = env_for("alice", 1000);
	char *lines[] = { (char *)"u 0 100000 65536", (char *)"g 0 200000 65536", NULL };
	cleanup_free char *tool = str_printf("%s/newuidmap", dir);
	cleanup_error lxcmgr_error *err = NULL;

	files();
	write_file(tool, "#!/bin/sh\nexit 1\n");
	chmod(tool, 0755);
	env.newuidmap = tool;
	env.newgidmap = tool;
	EXPECT_INT(subid_write_maps_env(&env, getpid(), lines, &err), -EPERM);
	EXPECT_CONTAINS(err ? err->msg : NULL, "is not setuid root (mode 0755");
	EXPECT_CONTAINS(err ? err->msg : NULL, "apt-get install --reinstall uidmap");

	/* Setuid root (only root can make that): the ranges are checked next,
	 * before the tool runs (it would fail with its own words). */
	if (geteuid() == 0 && chown(tool, 0, 0) == 0 && chmod(tool, 04755) == 0) {
		char *outside[] = { (char *)"u 0 500000 65536", (char *)"g 0 200000 65536", NULL };
		cleanup_error lxcmgr_error *e2 = NULL;
		EXPECT_INT(subid_write_maps_env(&env, getpid(), outside, &e2), -EPERM);
		EXPECT_CONTAINS(e2 ? e2->msg : NULL, "host uids 500000-565535 are not subordinate");
	}
	unlink(tool);
}

TEST(cleanup_files)
{
	unlink(subuid);
	unlink(subgid);
	EXPECT_INT(rmdir(dir), 0);
}

UNIT_MAIN(reads_ranges_by_name_and_by_uid, missing_file_has_no_ranges,
	  bad_lines_name_file_and_line, default_map_from_first_ranges,
	  default_map_without_range_says_how_to_add_one, default_map_needs_65536_ids,
	  maps_inside_the_ranges_pass, adjacent_ranges_cover_a_map_together,
	  maps_outside_the_ranges_fail, no_range_at_all_is_its_own_error, idmap_lines,
	  unmapped_ids_and_host_lookups, missing_newuidmap_is_named_with_the_package,
	  newuidmap_must_be_setuid_root, cleanup_files)
