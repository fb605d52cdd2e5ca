#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "ctx.h"
#include "store.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

#define NAME_RULE                                                                       \
	"use 1-64 letters, digits, '-', '_' or '.', not starting with '.' or '-'"

int store_check_name(const char *name, lxcmgr_error **err)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0)
		return error_msg(err, EINVAL, "empty container name (%s)", NAME_RULE);
	if (len > STORE_NAME_MAX)
		return error_msg(err, ENAMETOOLONG, "container name is %zu characters long (%s)",
				 len, NAME_RULE);
	/* Not echoed: a newline would break the one-line message. */
	for (const char *p = name; *p; p++)
		if (iscntrl((unsigned char)*p))
			return error_msg(err, EINVAL, "invalid container name: control character "
					 "0x%02x is not allowed (%s)", (unsigned char)*p, NAME_RULE);
	if (name[0] == '.' || name[0] == '-')
		return error_msg(err, EINVAL, "invalid container name \"%s\" (%s)", name,
				 NAME_RULE);
	for (const char *p = name; *p; p++) {
		if (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.')
			continue;
		return error_msg(err, EINVAL, "invalid container name \"%s\": character '%c' is "
				 "not allowed (%s)", name, isprint((unsigned char)*p) ? *p : '?',
				 NAME_RULE);
	}
	return 0;
}

int store_lock(const struct lxcmgr_ctx *ctx, const char *name, int *fd, lxcmgr_error **err)
{
	cleanup_free char *dir = str_printf("%s/lock%s", ctx->runtime_dir, ctx->lxcpath);
	cleanup_free char *path = dir ? str_printf("%s/%s", dir, name) : NULL;
	int ret;

	if (!path)
		return error_set(err, ENOMEM, "lock");
	ret = mkdir_p(dir, 0755);
	if (ret < 0)
		return error_set(err, -ret, "create lock directory \"%s\"", dir);
	cleanup_close int lfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd < 0)
		return error_set(err, errno, "open lock \"%s\"", path);
	if (flock(lfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return error_msg(err, EBUSY, "container \"%s\" is busy: it is running, or "
					 "another lxcmgr command is creating or destroying it", name);
		return error_set(err, errno, "lock \"%s\"", path);
	}
	*fd = steal_fd(lfd);
	return 0;
}

enum partial_state store_partial_state(const char *container_dir)
{
	cleanup_free char *path = str_printf("%s/partial", container_dir);
	cleanup_close int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;

	if (fd < 0)
		return errno == ENOENT ? PARTIAL_NONE : PARTIAL_STALE;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		return PARTIAL_ACTIVE;
	return PARTIAL_STALE;
}

int store_partial_begin(const char *container_dir, int *fd, lxcmgr_error **err)
{
	cleanup_free char *path = str_printf("%s/partial", container_dir);

	if (!path)
		return error_set(err, ENOMEM, "partial marker");
	cleanup_close int pfd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (pfd < 0)
		return error_set(err, errno, "create \"%s\"", path);
	if (flock(pfd, LOCK_EX) < 0)
		return error_set(err, errno, "lock \"%s\"", path);
	*fd = steal_fd(pfd);
	return 0;
}

void store_partial_end(const char *container_dir, int fd)
{
	cleanup_free char *path = str_printf("%s/partial", container_dir);

	if (path)
		unlink(path);
	if (fd >= 0)
		close(fd);
}
