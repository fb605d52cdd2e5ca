/* File helpers. Each returns 0 or -errno and leaves the message to the
 * caller, who knows which step failed. Every fd is O_CLOEXEC. */
#ifndef LXCMGR_UTIL_FILE_H
#define LXCMGR_UTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Reads a whole file; *data is NUL-terminated. Files over max_size give -EFBIG. */
int file_read(const char *path, size_t max_size, char **data, size_t *len);
/* The same from an open FD (read from its current offset). */
int file_read_fd(int fd, size_t max_size, char **data, size_t *len);
int file_read_at(int dirfd, const char *path, size_t max_size, char **data, size_t *len);
/* Same, for a regular file only (-EINVAL otherwise; a FIFO is not waited
 * on), also giving its stat. */
int file_read_regular(const char *path, size_t max_size, char **data, size_t *len,
		      struct stat *st);

/* write(2) until all LEN bytes are out (EINTR and short writes); 0 or -errno. */
int file_write_all(int fd, const char *data, size_t len);

/* Writes through a temporary file in the same directory, fsyncs and renames,
 * so readers see the old or the new content and never a torn one. */
int file_write_atomic(const char *path, const char *data, size_t len, mode_t mode);

/* The same without the fsync, for runtime state (pid files, records of a
 * running container) that means nothing after the machine went down:
 * whoever reads it checks the process it names. An fsync there cost a
 * start 1 ms on an idle disk, and up to 15 ms on a busy one. */
int file_write_runtime(const char *path, const char *data, size_t len, mode_t mode);

/* Writes a file that must not exist yet (O_EXCL), without fsync: for files
 * whose loss on a crash is covered otherwise (a create's partial marker). */
int file_write_new(const char *path, const char *data, size_t len, mode_t mode);

/* mkdir -p. Existing directories are fine. */
int mkdir_p(const char *path, mode_t mode);

/* rm -rf of NAME under DIRFD without following symlinks and without leaving
 * the file system of NAME (a mount point below gives -EBUSY and the path of
 * the mount in *where when where is not NULL). A missing NAME is fine. */
int rm_rf_at(int dirfd, const char *name, char **where);

bool path_exists(const char *path);
bool path_is_dir(const char *path);

#endif
