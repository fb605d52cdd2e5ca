/* store: container names, the partial marker of a create, the lock. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctx.h"
#include "store.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

static char tmpdir[] = "/tmp/lxcmgr-test-store.XXXXXX";

TEST(valid_names)
{
	char longest[STORE_NAME_MAX + 1];
	memset(longest, 'a', STORE_NAME_MAX);
	longest[STORE_NAME_MAX] = '\0';
	const char *const ok[] = { "web", "web-1", "a.b_c", "A1", "x", "1", "db.example.com",
				   "a-", "a.", longest, NULL };

	for (size_t i = 0; ok[i]; i++) {
		lxcmgr_error *err = NULL;
		int ret = store_check_name(ok[i], &err);
		EXPECT(ret == 0, "\"%s\" is a valid name, saw %d: %s", ok[i], ret, err ? err->msg : "");
		EXPECT(err == NULL, "no error for \"%s\"", ok[i]);
		lxcmgr_error_free(err);
	}
}

TEST(invalid_names)
{
	char too_long[301];
	memset(too_long, 'a', 300);
	too_long[300] = '\0';
	char just_over[STORE_NAME_MAX + 2];
	memset(just_over, 'b', STORE_NAME_MAX + 1);
	just_over[STORE_NAME_MAX + 1] = '\0';
	static const struct {
		const char *name;
		int ret;
		const char *needle;
	} cases[] = {
		{ "../x", -EINVAL, "\"../x\"" },   { "a/b", -EINVAL, "'/'" },
		{ "", -EINVAL, "empty" },          { ".hidden", -EINVAL, "not starting with '.'" },
		{ "-rf", -EINVAL, "\"-rf\"" },     { "my web", -EINVAL, "' '" },
		{ ".", -EINVAL, "\".\"" },         { "..", -EINVAL, "\"..\"" },
		{ "a\tb", -EINVAL, "not allowed" }, { "a\nb", -EINVAL, "not allowed" },
		{ "caf\xc3\xa9", -EINVAL, "not allowed" }, { "a:b", -EINVAL, "':'" },
		{ "a*", -EINVAL, "'*'" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		lxcmgr_error *err = NULL;
		int ret = store_check_name(cases[i].name, &err);
		EXPECT(ret == cases[i].ret, "\"%s\" is rejected with %d, saw %d", cases[i].name,
		       cases[i].ret, ret);
		EXPECT(err && err->msg && strstr(err->msg, cases[i].needle),
		       "the message for \"%s\" contains %s: %s", cases[i].name, cases[i].needle,
		       err ? err->msg : "(none)");
		EXPECT(err && strstr(err->msg, "letters, digits"), "the message gives the rule: %s",
		       err ? err->msg : "");
		EXPECT(err && !strchr(err->msg, '\n'), "the message is one line");
		lxcmgr_error_free(err);
	}
	const char *const long_names[] = { too_long, just_over, NULL };
	for (size_t i = 0; long_names[i]; i++) {
		lxcmgr_error *err = NULL;
		EXPECT_INT(store_check_name(long_names[i], &err), -ENAMETOOLONG);
		cleanup_free char *len = str_printf("%zu characters", strlen(long_names[i]));
		EXPECT_CONTAINS(err ? err->msg : NULL, len);
		lxcmgr_error_free(err);
	}
	lxcmgr_error *err = NULL;
	EXPECT_INT(store_check_name(NULL, &err), -EINVAL);
	lxcmgr_error_free(err);
	EXPECT_INT(store_check_name("../x", NULL), -EINVAL); /* err is optional */
}

static char *container_dir(const char *name)
{
	char *dir = str_printf("%s/%s", tmpdir, name);
	EXPECT(mkdir_p(dir, 0755) == 0, "mkdir %s", dir);
	return dir;
}

static char *partial_path(const char *dir)
{
	return str_printf("%s/partial", dir);
}

TEST(partial_none_active_stale)
{
	cleanup_free char *dir = container_dir("c1");
	cleanup_free char *marker = partial_path(dir);
	lxcmgr_error *err = NULL;
	int fd = -1;

	EXPECT_INT(store_partial_state(dir), PARTIAL_NONE);
	EXPECT(store_partial_begin(dir, &fd, &err) == 0, "begin: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	EXPECT(fd >= 0, "begin gives an fd");
	EXPECT(path_exists(marker), "the marker exists");
	EXPECT(fcntl(fd, F_GETFD) & FD_CLOEXEC, "the marker fd is close-on-exec");
	/* Held through another open file description of this process: flock
	 * locks belong to the description, so a second open conflicts. */
	EXPECT_INT(store_partial_state(dir), PARTIAL_ACTIVE);
	EXPECT_INT(store_partial_state(dir), PARTIAL_ACTIVE); /* the check takes no lock */

	/* A second create of the same container is refused. */
	int fd2 = -1;
	err = NULL;
	EXPECT(store_partial_begin(dir, &fd2, &err) == -EEXIST, "a second begin fails");
	EXPECT_CONTAINS(err ? err->msg : NULL, marker);
	lxcmgr_error_free(err);
	EXPECT_INT(fd2, -1);

	store_partial_end(dir, fd);
	EXPECT(!path_exists(marker), "end removes the marker");
	EXPECT_INT(store_partial_state(dir), PARTIAL_NONE);

	/* A marker nobody holds is stale: an interrupted create. */
	int raw = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	EXPECT(raw >= 0, "create %s", marker);
	close(raw);
	EXPECT_INT(store_partial_state(dir), PARTIAL_STALE);
	/* Even one we can open but which is not a regular file. */
	unlink(marker);
	EXPECT(symlink("/nonexistent", marker) == 0, "symlink");
	EXPECT_INT(store_partial_state(dir), PARTIAL_STALE);
	unlink(marker);
	EXPECT_INT(store_partial_state(dir), PARTIAL_NONE);
}

TEST(partial_held_by_another_process)
{
	cleanup_free char *dir = container_dir("c2");
	int ready[2], go[2];
	char byte = 0;

	EXPECT(pipe2(ready, O_CLOEXEC) == 0 && pipe2(go, O_CLOEXEC) == 0, "pipes");
	pid_t pid = fork();
	if (pid == 0) {
		int fd = -1;
		close(ready[0]);
		close(go[1]);
		if (store_partial_begin(dir, &fd, NULL) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		/* Wait for the parent, then die without ending: a crash. */
		if (read(go[0], &byte, 1) < 0)
			_exit(3);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	EXPECT(pid > 0, "fork");
	EXPECT(read(ready[0], &byte, 1) == 1, "the child began a create");
	EXPECT_INT(store_partial_state(dir), PARTIAL_ACTIVE);
	EXPECT(write(go[1], "g", 1) == 1, "tell the child to go");
	int status = 0;
	EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "the child exited cleanly, status %d", status);
	/* The lock died with the child; the marker stayed. */
	EXPECT_INT(store_partial_state(dir), PARTIAL_STALE);
	close(ready[0]);
	close(go[1]);
	cleanup_free char *marker = partial_path(dir);
	unlink(marker);
}

TEST(partial_lock_survives_in_inherited_fd)
{
	cleanup_free char *dir = container_dir("c3");
	lxcmgr_error *err = NULL;
	int fd = -1, go[2];
	char byte = 0;

	EXPECT(store_partial_begin(dir, &fd, &err) == 0, "begin: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	EXPECT(pipe2(go, O_CLOEXEC) == 0, "pipe");
	pid_t pid = fork();
	if (pid == 0) {
		/* Holds the inherited fd, the same open file description. */
		close(go[1]);
		if (read(go[0], &byte, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	/* The parent closes its copy; the child's copy keeps the lock. */
	close(fd);
	EXPECT_INT(store_partial_state(dir), PARTIAL_ACTIVE);
	EXPECT(write(go[1], "g", 1) == 1, "release the child");
	close(go[1]);
	int status = 0;
	EXPECT(waitpid(pid, &status, 0) == pid, "wait for the child");
	EXPECT_INT(store_partial_state(dir), PARTIAL_STALE);
	store_partial_end(dir, -1);
	EXPECT_INT(store_partial_state(dir), PARTIAL_NONE);
}

TEST(partial_begin_errors)
{
	cleanup_free char *missing = str_printf("%s/no/such/dir", tmpdir);
	lxcmgr_error *err = NULL;
	int fd = -1;

	EXPECT_INT(store_partial_begin(missing, &fd, &err), -ENOENT);
	EXPECT_CONTAINS(err ? err->msg : NULL, missing);
	EXPECT_INT(fd, -1);
	lxcmgr_error_free(err);
	EXPECT_INT(store_partial_state(missing), PARTIAL_NONE);
}

TEST(container_lock)
{
	struct lxcmgr_ctx ctx;
	lxcmgr_error *err = NULL;
	int fd1 = -1, fd2 = -1;

	memset(&ctx, 0, sizeof(ctx));
	ctx.runtime_dir = str_printf("%s/run", tmpdir);
	ctx.lxcpath = str_printf("%s/lxcpath", tmpdir);
	EXPECT(store_lock(&ctx, "web", &fd1, &err) == 0, "lock: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	EXPECT(fd1 >= 0, "the lock fd is set");
	cleanup_free char *lockfile = str_printf("%s/lock%s/web", ctx.runtime_dir, ctx.lxcpath);
	EXPECT(path_exists(lockfile), "the lock lives at %s", lockfile);

	/* Another lock of the same name, even from this process, is busy. */
	err = NULL;
	EXPECT_INT(store_lock(&ctx, "web", &fd2, &err), -EBUSY);
	EXPECT_CONTAINS(err ? err->msg : NULL, "\"web\" is busy");
	lxcmgr_error_free(err);
	EXPECT_INT(fd2, -1);
	/* Other names are independent. */
	err = NULL;
	EXPECT(store_lock(&ctx, "db", &fd2, &err) == 0, "lock db: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	close(fd2);
	/* A closed lock can be taken again. */
	close(fd1);
	err = NULL;
	EXPECT(store_lock(&ctx, "web", &fd1, &err) == 0, "relock: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	close(fd1);

	/* A lock directory that cannot be made is reported with its path. */
	free(ctx.runtime_dir);
	ctx.runtime_dir = str_printf("%s/run/lock%s/web/x", tmpdir, ctx.lxcpath);
	err = NULL;
	EXPECT(store_lock(&ctx, "web", &fd1, &err) < 0, "a lock dir under a file fails");
	EXPECT_CONTAINS(err ? err->msg : NULL, "lock directory");
	lxcmgr_error_free(err);
	free(ctx.runtime_dir);
	free(ctx.lxcpath);
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

UNIT_MAIN(setup, valid_names, invalid_names, partial_none_active_stale,
	  partial_held_by_another_process, partial_lock_survives_in_inherited_fd,
	  partial_begin_errors, container_lock, teardown)
