#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "run/ring.h"
#include "util/cleanup.h"
#include "util/file.h"

int console_ring_init(struct console_ring *r, size_t size)
{
	*r = (struct console_ring){ 0 };
	if (size == 0)
		return 0;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->buf = p;
	r->size = size;
	return 0;
}

void console_ring_write(struct console_ring *r, const char *data, size_t len)
{
	if (!r->buf || len == 0)
		return;
	if (len >= r->size) { /* only the newest SIZE bytes survive */
		memcpy(r->buf, data + len - r->size, r->size);
		r->start = 0;
		r->len = r->size;
		return;
	}
	size_t end = (r->start + r->len) % r->size;
	size_t first = len < r->size - end ? len : r->size - end;
	memcpy(r->buf + end, data, first);
	memcpy(r->buf, data + first, len - first);
	if (r->len + len > r->size) {
		r->start = (r->start + r->len + len - r->size) % r->size;
		r->len = r->size;
	} else {
		r->len += len;
	}
}

void console_ring_copy(const struct console_ring *r, char *out)
{
	size_t first = r->len < r->size - r->start ? r->len : r->size - r->start;

	if (r->len == 0)
		return;
	memcpy(out, r->buf + r->start, first);
	memcpy(out + first, r->buf, r->len - first);
}

int console_ring_memfd(struct console_ring *r, int clear, int *out)
{
	size_t first = r->len < r->size - r->start ? r->len : r->size - r->start;

	if (!r->buf)
		return -ENODATA;
	cleanup_close int fd = memfd_create("lxcmgr-console-buffer",
					    MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	int ret = 0;
	if (r->len > 0)
		ret = file_write_all(fd, r->buf + r->start, first);
	if (ret == 0 && r->len > first)
		ret = file_write_all(fd, r->buf, r->len - first);
	if (ret < 0)
		return ret;
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	if (clear)
		r->start = r->len = 0;
	*out = steal_fd(fd);
	return 0;
}

void console_ring_free(struct console_ring *r)
{
	if (r->buf)
		munmap(r->buf, r->size);
	*r = (struct console_ring){ 0 };
}
