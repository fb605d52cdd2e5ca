#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/pages.h"

#define MAX_RANGES 64

struct range {
	unsigned long start, end;
};

static char *read_all(const char *path)
{
	size_t len = 0, size = 65536;
	char *buf = malloc(size);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (!buf || fd < 0) {
		free(buf);
		return NULL;
	}
	while ((got = read(fd, buf + len, size - len - 1)) > 0) {
		len += (size_t)got;
		if (len < size - 1)
			continue;
		char *bigger = realloc(buf, size * 2);
		if (!bigger)
			break;
		buf = bigger;
		size *= 2;
	}
	buf[len] = '\0';
	return buf;
}

/* A mapping's first line: "START-END PERMS OFFSET DEV INODE PATH". Read-only
 * (r-xp, r--p) and from a file: a candidate, if its Anonymous line then
 * says that none of it was written (RELRO was, by the dynamic linker).
 * [vdso] and [vsyscall] have no path and are left alone. */
static bool file_range(const char *line, struct range *r)
{
	char *p;

	r->start = strtoul(line, &p, 16);
	if (*p != '-')
		return false;
	r->end = strtoul(p + 1, &p, 16);
	if (strncmp(p, " r-xp ", 6) != 0 && strncmp(p, " r--p ", 6) != 0)
		return false;
	const char *path = strchr(p + 6, '/');
	const char *eol = strchr(p + 6, '\n');
	return path && (!eol || path < eol) && r->end > r->start;
}

/* All of /proc/self/smaps first, then the madvise calls: reading it with
 * stdio after the first release would bring a fifth of libc back. */
void pages_release_code(void)
{
	struct range ranges[MAX_RANGES], cur;
	size_t n = 0;
	bool candidate = false;
	cleanup_free char *smaps = read_all("/proc/self/smaps");

	for (char *line = smaps; line && *line && n < MAX_RANGES; line = strchr(line, '\n')) {
		line += *line == '\n';
		/* Field names start with a capital; mappings with an address. */
		if ((*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f'))
			candidate = file_range(line, &cur);
		else if (candidate && strncmp(line, "Anonymous:", 10) == 0 &&
			 strtoul(line + 10, NULL, 10) == 0)
			ranges[n++] = cur;
	}
	for (size_t i = 0; i < n; i++)
		madvise((void *)ranges[i].start, ranges[i].end - ranges[i].start, MADV_DONTNEED);
}
