/* The console log file (lxc.console.logfile, lxc-start -L): everything the
 * container writes to its console, appended by the monitor. With a size
 * (lxc.console.size), a full file is renamed to FILE.1 (lxc.console.rotate
 * = 1, one old file kept) or emptied (rotate = 0), as LXC does. */
#ifndef LXCMGR_RUN_CONSLOG_H
#define LXCMGR_RUN_CONSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct console_log {
	int fd;         /* -1: closed */
	char *path;
	uint64_t max;   /* 0: no limit */
	bool rotate;
	uint64_t size;  /* bytes in the file now */
};

/* Opens (creates, mode 0600) PATH for appending. 0 or -errno. */
int console_log_open(struct console_log *l, const char *path, uint64_t max, bool rotate);

/* Appends LEN bytes, rotating or emptying the file at its size limit.
 * 0 or -errno (the monitor logs it and goes on without the file). */
int console_log_write(struct console_log *l, const char *buf, size_t len);

void console_log_close(struct console_log *l);

#endif
