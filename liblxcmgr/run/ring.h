/* The console ring buffer (lxc.console.buffer.size): the monitor keeps the
 * last SIZE bytes the container wrote to its console, whoever else reads
 * them (a client of lxc-console, the log file, the terminal of lxc-start
 * -F), and hands a copy to lxc-console -B. */
#ifndef LXCMGR_RUN_RING_H
#define LXCMGR_RUN_RING_H

#include <stddef.h>

struct console_ring {
	char *buf;    /* size bytes, or NULL: no ring buffer */
	size_t size;
	size_t start; /* the oldest byte */
	size_t len;   /* bytes held, at most size */
};

/* SIZE bytes of anonymous memory: pages cost memory only once written,
 * so a large buffer of a quiet container stays small. 0 or -errno. */
int console_ring_init(struct console_ring *r, size_t size);

/* Appends LEN bytes; what does not fit pushes the oldest out. */
void console_ring_write(struct console_ring *r, const char *data, size_t len);

/* Copies what is held, oldest first, into OUT (r->len bytes). */
void console_ring_copy(const struct console_ring *r, char *out);

/* A sealed memfd holding the buffer's content (lxc-console -B), at offset
 * 0; with CLEAR, the buffer is emptied afterwards. 0 or -errno. */
int console_ring_memfd(struct console_ring *r, int clear, int *fd);

void console_ring_free(struct console_ring *r);

#endif
