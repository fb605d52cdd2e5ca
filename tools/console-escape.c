#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "console-escape.h"

int escape_parse(const char *s)
{
	if (!s || !*s)
		return -1;
	if (s[0] == '^' && s[1] && !s[2]) {
		int c = toupper((unsigned char)s[1]);
		/* ^@ .. ^_ : the control characters 0 .. 31; ^@ (NUL) is no prefix */
		return c > '@' && c <= '_' ? c & 0x1f : -1;
	}
	if (!s[1] && isprint((unsigned char)s[0]))
		return (unsigned char)s[0];
	return -1;
}

const char *escape_name(int prefix, char *buf, size_t size)
{
	if (prefix > 0 && prefix < 0x20)
		snprintf(buf, size, "Ctrl %c", tolower(prefix | 0x40));
	else
		snprintf(buf, size, "%c", prefix);
	return buf;
}

size_t escape_filter(struct escape *e, const char *commands, const char *in, size_t n,
		     char *out, size_t *out_len, int *cmd)
{
	size_t o = 0, i = 0;

	*cmd = 0;
	while (i < n) {
		unsigned char c = (unsigned char)in[i++];
		if (!e->seen && c == e->prefix) {
			e->seen = true;
			continue;
		}
		if (e->seen && c != e->prefix && c && strchr(commands, c)) {
			e->seen = false;
			*cmd = c;
			break;
		}
		e->seen = false; /* "<prefix> <prefix>", or "<prefix> X": the key alone */
		out[o++] = (char)c;
	}
	*out_len = o;
	return i;
}
