/* lxc-console's escape keys: a prefix (default Ctrl-a), then a command
 * key ("<prefix> q" leaves); "<prefix> <prefix>" sends the prefix itself,
 * and as in LXC a prefix followed by any other key sends only that key. */
#ifndef LXCMGR_TOOLS_CONSOLE_ESCAPE_H
#define LXCMGR_TOOLS_CONSOLE_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

struct escape {
	int prefix; /* the byte, e.g. 1 for Ctrl-a */
	bool seen;  /* the last byte was the prefix */
};

/* "-e" values as LXC takes them: "^a" (or "^A") is Ctrl-a, a single
 * character is itself. -1 for anything else. */
int escape_parse(const char *s);

/* "Ctrl a" or "b", for the banner. BUF holds at least 16 bytes. */
const char *escape_name(int prefix, char *buf, size_t size);

/* Copies IN (N bytes) to OUT, the bytes for the container, taking the
 * escape keys out, and stops after a prefix followed by one of COMMANDS:
 * then *cmd is that key, else 0. Returns how many bytes of IN were used
 * (the caller passes the rest again); *out_len is what OUT got (at most N). */
size_t escape_filter(struct escape *e, const char *commands, const char *in, size_t n,
		     char *out, size_t *out_len, int *cmd);

#endif
