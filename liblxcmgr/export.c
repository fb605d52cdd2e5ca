/* lxc-export: a stopped container's config and root file system as one
 * tarball, which lxc-create -t local takes back:
 *
 *   config        the container's config, as it is
 *   rootfs/...    the root file system (an overlay's merged view)
 *
 * Written with libtar (GNU format: long names, numeric owners), through a
 * pipe to gzip, xz or zstd chosen by the file name. The work happens in a
 * child process: an overlay is mounted in a mount namespace of its own, so
 * neither the caller nor the host ever sees it. The file appears under its
 * name only when complete (written as NAME.partial, then renamed). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_LIBTAR
#include <libtar.h>
#endif

#include "container.h"
#include "ctx.h"
#include "storage.h"
#include "store.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

/* The compressor for OUTPUT's name: NULL for a plain .tar; *known false
 * when the name ends in none of the known suffixes. */
static const char *compressor_for(const char *output, bool *known)
{
	static const struct {
		const char *suffix, *prog;
	} table[] = {
		{ ".tar", NULL },     { ".tar.gz", "gzip" }, { ".tgz", "gzip" },
		{ ".tar.xz", "xz" },  { ".txz", "xz" },      { ".tar.zst", "zstd" },
	};

	*known = true;
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (str_ends_with(output, table[i].suffix))
			return table[i].prog;
	*known = false;
	return NULL;
}

#ifdef HAVE_LIBTAR

/* The child's message for the parent, on the report pipe, then exit 1. */
static void child_fail(int report, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

static void child_fail(int report, int errnum, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 0 && errnum && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(errnum));
	if (write(report, msg, strlen(msg)) < 0)
		_exit(2);
	_exit(1);
}

/* The directory to archive: a directory rootfs as it is, an overlay
 * mounted on its mount point in this (the child's) mount namespace. */
static const char *child_rootfs(struct lxcmgr_container *c, const struct storage_spec *spec,
				char *mnt, size_t size, int report)
{
	const char *m = conf_value(c->conf, "lxc.rootfs.mount");

	if (spec->type == STORAGE_DIR)
		return spec->dir;
	snprintf(mnt, size, "%s", m && *m ? m : "");
	if (!*mnt)
		snprintf(mnt, size, "%s/rootfs", c->dir);
	cleanup_free char *data = storage_overlay_data(spec);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		child_fail(report, errno, "a mount namespace for the overlay");
	if (!data || mount("overlay", mnt, "overlay", MS_RDONLY, data) < 0)
		child_fail(report, errno, "mount the overlay (%s) on \"%s\"", data ? data : "",
			   mnt);
	return mnt;
}

/* Starts PROG -c writing to OUT; returns the fd to write the tar stream
 * to, and the pid in *pid. */
static int start_compressor(const char *prog, int out, pid_t *pid, int report)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		child_fail(report, errno, "pipe");
	*pid = fork();
	if (*pid < 0)
		child_fail(report, errno, "fork");
	if (*pid == 0) {
		if (dup2(p[0], STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0)
			_exit(127);
		if (strcmp(prog, "xz") == 0)
			execlp(prog, prog, "-T0", "-c", (char *)NULL);
		else
			execlp(prog, prog, "-c", (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	return p[1];
}

static int no_open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	errno = EINVAL;
	return -1;
}

static ssize_t no_read(int fd, void *buf, size_t len)
{
	(void)fd;
	(void)buf;
	(void)len;
	errno = EBADF;
	return -1;
}

/* libtar's write(2): all LEN bytes, or -1 with errno set. */
static ssize_t tar_write(int fd, const void *buf, size_t len)
{
	int ret = file_write_all(fd, buf, len);

	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return (ssize_t)len;
}

static tartype_t stream_type = { no_open, close, no_read, tar_write };

static void child_export(struct lxcmgr_container *c, const struct storage_spec *spec,
			 const char *prog, const char *partial, int report)
{
	char mnt[4096], cfg[] = "config", root[] = "rootfs";
	const char *rootfs = child_rootfs(c, spec, mnt, sizeof(mnt), report);
	int out = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	pid_t comp = -1;
	TAR *t = NULL;
	int status;

	if (out < 0)
		child_fail(report, errno, "create \"%s\"", partial);
	int fd = prog ? start_compressor(prog, out, &comp, report) : out;
	if (tar_fdopen(&t, fd, partial, &stream_type, O_WRONLY, 0, TAR_GNU) < 0)
		child_fail(report, errno, "start the archive");
	cleanup_free char *rootfs_copy = strdup(rootfs);
	if (tar_append_file(t, c->config_path, cfg) < 0)
		child_fail(report, errno, "archive \"%s\"", c->config_path);
	if (!rootfs_copy || tar_append_tree(t, rootfs_copy, root) < 0)
		child_fail(report, errno, "archive the rootfs \"%s\"", rootfs);
	if (tar_append_eof(t) < 0)
		child_fail(report, errno, "write \"%s\"", partial);
	if (!prog && fsync(out) < 0)
		child_fail(report, errno, "write \"%s\"", partial);
	if (tar_close(t) < 0) /* closes FD: the pipe, or OUT itself */
		child_fail(report, errno, "write \"%s\"", partial);
	if (comp > 0) {
		if (waitpid(comp, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			child_fail(report, 0, "%s failed%s", prog,
				   WIFEXITED(status) && WEXITSTATUS(status) == 127
					   ? " to start (is it installed?)" : "");
	}
	if (prog && fsync(out) < 0)
		child_fail(report, errno, "write \"%s\"", partial);
	_exit(0);
}

/* Forks the child, waits, and turns its report into an error. */
static int run_export(struct lxcmgr_container *c, const struct storage_spec *spec,
		      const char *prog, const char *partial, lxcmgr_error **err)
{
	int report[2];
	char msg[1024];
	int status;

	if (pipe2(report, O_CLOEXEC) < 0)
		return error_set(err, errno, "export: pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(report[0]);
		close(report[1]);
		return error_set(err, errno, "export: fork");
	}
	if (pid == 0) {
		close(report[0]);
		child_export(c, spec, prog, partial, report[1]);
	}
	close(report[1]);
	ssize_t n = read(report[0], msg, sizeof(msg) - 1);
	close(report[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n > 0) {
		msg[n] = '\0';
		return error_msg(err, EIO, "export \"%s\": %s", c->name, msg);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return error_msg(err, EIO, "export \"%s\": the writer ended abnormally", c->name);
	return 0;
}

#endif /* HAVE_LIBTAR */

static int export_locked(struct lxcmgr_container *c, const char *output, lxcmgr_error **err)
{
	const char *v = conf_value(c->conf, "lxc.rootfs.path");
	struct storage_spec spec;
	const char *why = NULL;
	bool known;
	const char *prog = compressor_for(output, &known);
	int ret;

	if (!known)
		return error_msg(err, EINVAL, "export to \"%s\": name it .tar, .tar.gz, .tar.xz or "
				 ".tar.zst", output);
	if (!v)
		return error_msg(err, EINVAL, "container \"%s\" has no lxc.rootfs.path", c->name);
	ret = storage_parse(v, &spec, &why);
	if (ret < 0)
		return error_msg(err, -ret, "lxc.rootfs.path = %s: %s", v, why ? why : "?");
#ifdef HAVE_LIBTAR
	cleanup_free char *partial = str_printf("%s.partial", output);
	if (!partial) {
		storage_spec_clear(&spec);
		return error_set(err, ENOMEM, "export");
	}
	ret = run_export(c, &spec, prog, partial, err);
	storage_spec_clear(&spec);
	if (ret == 0 && rename(partial, output) < 0)
		ret = error_set(err, errno, "rename \"%s\" to \"%s\"", partial, output);
	if (ret < 0)
		unlink(partial);
	return ret;
#else
	(void)prog;
	storage_spec_clear(&spec);
	return error_msg(err, ENOTSUP, "export: built without libtar (configure --enable-libtar)");
#endif
}

LXCMGR_PUBLIC int lxcmgr_container_export(struct lxcmgr_container *c, const char *output,
					  lxcmgr_error **err)
{
	cleanup_close int lock_fd = -1;
	int ret;

	/* Before the lock, which a running container's monitor holds. */
	if (lxcmgr_container_state(c) != LXCMGR_STATE_STOPPED)
		return error_msg(err, EBUSY, "container \"%s\" is running (stop it first with "
				 "lxc-stop -n %s: a running system changes under the copy)",
				 c->name, c->name);
	ret = store_lock(c->ctx, c->name, &lock_fd, err);
	return ret < 0 ? ret : export_locked(c, output, err);
}
