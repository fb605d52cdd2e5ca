/* What an ordinary user may ask of lxcmgr-user-nic, the setuid helper that
 * puts a veth of theirs on a host bridge (tools/lxcmgr-user-nic.c):
 *
 *   lxc-usernet    the administrator's file (LXCMGRCONFDIR/lxc-usernet),
 *                  "USER|@GROUP TYPE BRIDGE COUNT" a line: the veths a
 *                  user (or a group's members) may have on a bridge; the
 *                  counts of every line that applies add up
 *   the record     the helper's own file (RUNTIMEPATH/nics), one device
 *                  a line: "UID TYPE BRIDGE HOST-NAME CONTAINER", so that
 *                  a user's devices can be counted and only theirs deleted
 *
 * Pure text in, answers out: the helper does the opening and locking. */
#ifndef LXCMGR_NET_USERNET_H
#define LXCMGR_NET_USERNET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lxcmgr.h"

#define USERNET_FILE "lxc-usernet"
#define USERNET_RECORD "nics"

/* Who asks: a user name and the names of the groups they are in. */
struct usernet_who {
	const char *user;
	const char *const *groups; /* NULL-terminated, or NULL */
};

/* The veths of TYPE WHO may have on BRIDGE under TEXT (the file at PATH,
 * named in errors): the sum of the counts of the lines naming WHO (or one
 * of their groups), TYPE and BRIDGE; 0 when none does. A line that does
 * not parse is an error ("PATH:LINE: ..."), not skipped: a typo must not
 * hand out more than the administrator wrote. */
int usernet_quota(const char *text, const char *path, const struct usernet_who *who,
		  const char *type, const char *bridge, unsigned *quota, lxcmgr_error **err);

/* What TEXT gives WHO, for lxc-checkconfig: "COUNT TYPE on BRIDGE" for
 * each type and bridge its lines give them (the counts of lines naming the
 * same added; none of 0), joined with ", " in the order first named; ""
 * when none.
 * *OUT is malloc'd. A line that does not parse is an error as above. */
int usernet_allowances(const char *text, const char *path, const struct usernet_who *who,
		       char **out, lxcmgr_error **err);

/* One line of the record. */
struct usernet_entry {
	uid_t uid;
	char type[16];
	char bridge[16];
	char host[16];
	char container[256];
};

/* Parses one line of the record: false when it is not one (skipped). */
bool usernet_entry_parse(const char *line, struct usernet_entry *out);
/* The line for E, with its newline; NULL without memory. */
char *usernet_entry_format(const struct usernet_entry *e);

/* A network device name the helper accepts: 1 to 15 characters of
 * [A-Za-z0-9_.-], neither "." nor "..": what the kernel allows (no '/',
 * ':' or blank) narrowed to what is safe in a path, the record and a
 * message. */
bool usernet_valid_ifname(const char *name);

#endif
