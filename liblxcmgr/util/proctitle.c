#include <errno.h>
#include <fcntl.h>
#include <linux/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/proctitle.h"

/* Fields 26 to 51 of /proc/self/stat (numbered from 1), of which
 * PR_SET_MM_MAP wants the memory layout back unchanged. */
enum { FIRST = 26, LAST = 51 };

static int read_layout(unsigned long long v[LAST + 1])
{
	char buf[2048];
	cleanup_close int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* Field 3 starts after the command name, which may hold spaces. */
	char *p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	p += 2;
	for (int field = 3; field <= LAST; field++) {
		char *end = strchr(p, ' ');
		if (!end && field < LAST)
			return -EIO;
		if (field >= FIRST)
			v[field] = strtoull(p, NULL, 10);
		if (end)
			p = end + 1;
	}
	return 0;
}

int proctitle_set(const char *title)
{
	unsigned long long v[LAST + 1] = { 0 };
	int ret = read_layout(v);

	if (ret < 0)
		return ret;
	char *buf = strdup(title);
	if (!buf)
		return -ENOMEM;
	struct prctl_mm_map map = {
		.start_code = v[26], .end_code = v[27], .start_stack = v[28],
		.start_data = v[45], .end_data = v[46], .start_brk = v[47],
		.brk = (unsigned long)syscall(SYS_brk, 0),
		.arg_start = (unsigned long)buf, .arg_end = (unsigned long)buf + strlen(buf) + 1,
		.env_start = v[50], .env_end = v[51],
		.exe_fd = (unsigned)-1,
	};
	if (prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&map, sizeof(map), 0) < 0) {
		ret = -errno;
		free(buf);
		return ret;
	}
	return 0; /* BUF now is the command line: never freed */
}
