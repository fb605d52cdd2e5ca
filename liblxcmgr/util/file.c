
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

static int read_fd(int fd, const struct stat *stp, size_t max_size, char **data, size_t *len)
{
	const struct stat st = *stp;
	size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	size_t used = 0;
	cleanup_free char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (used + 1 >= cap) {
			if (cap > max_size)
				return -EFBIG;
			char *grown = realloc(buf, cap * 2);
			if (!grown)
				return -ENOMEM;
			buf = grown;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max_size)
			return -EFBIG;
		/* A regular file read to its size is done: spare the read that
		 * would only confirm the end. */
		if (S_ISREG(st.st_mode) && st.st_size > 0 && used == (size_t)st.st_size)
			break;
	}
	buf[used] = '\0';
	if (len)
		*len = used;
	*data = steal_ptr(buf);
	return 0;
}

int file_read_fd(int fd, size_t max_size, char **data, size_t *len)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return read_fd(fd, &st, max_size, data, len);
}

int file_read_at(int dirfd, const char *path, size_t max_size, char **data, size_t *len)
{
	cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return read_fd(fd, &st, max_size, data, len);
}

int file_read_regular(const char *path, size_t max_size, char **data, size_t *len,
		      struct stat *st)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0)
		return -errno;
	if (S_ISDIR(st->st_mode))
		return -EISDIR;
	if (!S_ISREG(st->st_mode))
		return -EINVAL;
	return read_fd(fd, st, max_size, data, len);
}

int file_read(const char *path, size_t max_size, char **data, size_t *len)
{
	return file_read_at(AT_FDCWD, path, max_size, data, len);
}

int file_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_replace(const char *path, const char *data, size_t len, mode_t mode, bool sync)
{
	cleanup_free char *tmp = str_printf("%s.tmp.XXXXXX", path);
	int ret;

	if (!tmp)
		return -ENOMEM;
	cleanup_close int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = file_write_all(fd, data, len);
	if (ret == 0 && fchmod(fd, mode) < 0)
		ret = -errno;
	if (ret == 0 && sync && fsync(fd) < 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -errno;
	if (ret < 0)
		unlink(tmp);
	return ret;
}

int file_write_atomic(const char *path, const char *data, size_t len, mode_t mode)
{
	return write_replace(path, data, len, mode, true);
}

int file_write_runtime(const char *path, const char *data, size_t len, mode_t mode)
{
	return write_replace(path, data, len, mode, false);
}

int file_write_new(const char *path, const char *data, size_t len, mode_t mode)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);

	if (fd < 0)
		return -errno;
	int ret = file_write_all(fd, data, len);
	if (ret < 0)
		unlink(path);
	return ret;
}

/* The whole path first: it mostly exists (a lock or socket directory on
 * every start), and then one system call tells, not one per component. */
int mkdir_p(const char *path, mode_t mode)
{
	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST)
		return path_is_dir(path) ? 0 : -ENOTDIR;
	if (errno != ENOENT)
		return -errno;

	cleanup_free char *copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(copy, mode) < 0 && errno != EEXIST)
		return -errno;
	return path_is_dir(copy) ? 0 : -ENOTDIR;
}

static int rm_rf_dir_contents(int dfd, dev_t dev, const char *shown, char **where);

static int rm_rf_entry(int dirfd, const char *name, dev_t dev, const char *shown, char **where)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
	cleanup_free char *path = *shown ? str_printf("%s/%s", shown, name) : strdup(name);
	if (!path)
		return -ENOMEM;
	if (st.st_dev != dev) {
		if (where && !*where)
			*where = steal_ptr(path);
		return -EBUSY;
	}
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int ret = rm_rf_dir_contents(fd, dev, path, where); /* takes fd */
	if (ret < 0)
		return ret;
	return unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -errno : 0;
}

static int rm_rf_dir_contents(int dfd, dev_t dev, const char *shown, char **where)
{
	DIR *dir = fdopendir(dfd);
	struct dirent *de;
	int ret = 0;

	if (!dir) {
		close(dfd);
		return -errno;
	}
	while ((de = readdir(dir))) {
		if (str_eq(de->d_name, ".") || str_eq(de->d_name, ".."))
			continue;
		/* The directory says what is not a directory: unlink it without a
		 * stat (a rootfs is mostly files and symlinks). */
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN &&
		    (unlinkat(dirfd(dir), de->d_name, 0) == 0 || errno == ENOENT))
			continue;
		ret = rm_rf_entry(dirfd(dir), de->d_name, dev, shown, where);
		if (ret < 0)
			break;
	}
	closedir(dir);
	return ret;
}

int rm_rf_at(int dirfd, const char *name, char **where)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	return rm_rf_entry(dirfd, name, st.st_dev, "", where);
}

bool path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

bool path_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
