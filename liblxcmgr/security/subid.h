/* Subordinate ids and user namespaces made by an ordinary user.
 *
 * /etc/subuid and /etc/subgid ("NAME-OR-UID:FIRST:COUNT" lines) say which
 * host ids a user may map into a user namespace of theirs; the setuid
 * helpers newuidmap and newgidmap (package uidmap) write such maps after
 * checking the same files. The checks here come first, so each missing
 * piece gets its own message and fix instead of newuidmap's "write to
 * uid_map failed". Root needs neither: it writes /proc/PID/{u,g}id_map
 * itself.
 *
 * Maps are lxc.idmap lines: "u 0 100000 65536" (u: uids, g: gids, b: both;
 * then the first id inside, the first id on the host, the count). */
#ifndef LXCMGR_SECURITY_SUBID_H
#define LXCMGR_SECURITY_SUBID_H

#include <stdbool.h>
#include <sys/types.h>

#include "lxcmgr.h"

#define SUBID_DEFAULT_COUNT 65536UL /* LXC's default map: 65536 ids from 0 */

struct subid_range {
	unsigned long first, count;
};

struct subid_ranges {
	struct subid_range *v; /* the user's ranges, in file order */
	size_t n;
	unsigned long file_end; /* past the highest id any entry of the file gives */
};

void subid_ranges_release(struct subid_ranges *r);

/* One lxc.idmap line, parsed. */
struct idmap_line {
	char kind; /* 'u', 'g' or 'b' */
	unsigned long ns, host, count;
};

/* Parses "u 0 100000 65536"; -EINVAL when it is not one. */
int idmap_line_parse(const char *line, struct idmap_line *out);

/* The files and helpers, parameters so tests can point them elsewhere. */
struct subid_env {
	const char *subuid;    /* /etc/subuid */
	const char *subgid;    /* /etc/subgid */
	const char *newuidmap; /* NULL: newuidmap from PATH */
	const char *newgidmap; /* NULL: newgidmap from PATH */
	const char *user;      /* the user's name (NULL: only the uid matches) */
	uid_t uid;
	gid_t gid;
};

/* The environment of the calling process: /etc files, PATH, geteuid(). */
int subid_env_self(struct subid_env *env, char **name_buf, lxcmgr_error **err);

/* The ranges of ENV's user (by name or by number) in FILE. A missing file
 * has no ranges; a malformed line is an error "FILE:LINE: ...". */
int subid_read(const char *file, const struct subid_env *env, struct subid_ranges *out,
	       lxcmgr_error **err);

/* The first range of KIND ('u' or 'g') of ENV's user, or an error that
 * says how to add one. */
int subid_first_range(const struct subid_env *env, char kind, struct subid_range *out,
		      lxcmgr_error **err);

/* LXC's default map for ENV's user: "u 0 FIRST 65536" and "g 0 FIRST 65536"
 * from the first subuid and subgid ranges. *lines is a strv. */
int subid_default_map_env(const struct subid_env *env, char ***lines, lxcmgr_error **err);
int subid_default_map(char ***lines, lxcmgr_error **err);

/* Checks, before anything runs, that ENV's user may have LINES written by
 * newuidmap/newgidmap: each host range inside one of the user's ranges, or
 * the user's own id alone. */
int subid_check_maps(const struct subid_env *env, char *const *lines, lxcmgr_error **err);

/* The same for the calling user, with newuidmap and newgidmap found and
 * setuid: what a start by that user checks before it makes anything. */
int subid_check_maps_self(char *const *lines, lxcmgr_error **err);

/* Writes the uid and gid maps of process PID (which has just unshared its
 * user namespace). Root writes them itself; a user through newuidmap and
 * newgidmap, after the checks above. */
int subid_write_maps(pid_t pid, char *const *idmap_lines, lxcmgr_error **err);
int subid_write_maps_env(const struct subid_env *env, pid_t pid, char *const *idmap_lines,
			 lxcmgr_error **err);

/* The lowest id of KIND ('u' or 'g') inside the namespace that LINES leave
 * unmapped: where lxc-usernsexec -s and lxc-create put the caller's own id. */
unsigned long idmap_unmapped_nsid(char *const *lines, char kind);
/* The id inside that host id HOST_ID of KIND has under LINES, or -1. */
long idmap_host_to_ns(char *const *lines, char kind, unsigned long host_id);

/* fork(2) into a new user namespace with LINES as its maps, as its root:
 * returns 0 in the child (uid and gid 0 in the namespace, no supplementary
 * groups where setgroups is allowed), the child's pid in the parent, or
 * -errno with ERR set (the child is gone then). LINES must map id 0 of
 * both kinds. */
pid_t userns_fork(char *const *idmap_lines, lxcmgr_error **err);

#endif
