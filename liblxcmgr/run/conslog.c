#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/conslog.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

static int open_file(struct console_log *l)
{
	struct stat st;

	l->fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
	if (l->fd < 0)
		return -errno;
	l->size = fstat(l->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

int console_log_open(struct console_log *l, const char *path, uint64_t max, bool rotate)
{
	*l = (struct console_log){ .fd = -1, .max = max, .rotate = rotate };
	l->path = strdup(path);
	if (!l->path)
		return -ENOMEM;
	int ret = open_file(l);
	if (ret < 0) {
		free(l->path);
		l->path = NULL;
	}
	return ret;
}

/* The file is full: FILE -> FILE.1 and a new FILE, or start FILE over. */
static int make_room(struct console_log *l)
{
	if (!l->rotate) {
		if (ftruncate(l->fd, 0) < 0)
			return -errno;
		l->size = 0;
		return 0;
	}
	cleanup_free char *old = str_printf("%s.1", l->path);
	if (!old)
		return -ENOMEM;
	close(l->fd);
	l->fd = -1;
	if (rename(l->path, old) < 0)
		return -errno;
	return open_file(l);
}


int console_log_write(struct console_log *l, const char *buf, size_t len)
{
	while (l->fd >= 0 && len > 0) {
		if (l->max && l->size >= l->max) {
			int ret = make_room(l);
			if (ret < 0)
				return ret;
		}
		size_t chunk = l->max && len > l->max - l->size ? (size_t)(l->max - l->size) : len;
		int ret = file_write_all(l->fd, buf, chunk);
		if (ret < 0)
			return ret;
		l->size += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

void console_log_close(struct console_log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	free(l->path);
	*l = (struct console_log){ .fd = -1 };
}
