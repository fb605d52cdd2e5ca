/* lxc.idmap: the container's user namespace mapping, parsed once.
 *
 *   lxc.idmap = u 0 100000 65536    container uids 0..65535 are host 100000..165535
 *   lxc.idmap = g 0 100000 65536    the same for gids
 *   lxc.idmap = b 0 100000 65536    both (kept as one u and one g range)
 *
 * Used by lxc-create (shifting a rootfs's ownership, --mapped-uid), by a
 * start (the text for /proc/PID/uid_map and gid_map, the host ids of the
 * container's root) and by the checks that say a start cannot work. */
#ifndef LXCMGR_SECURITY_IDMAP_H
#define LXCMGR_SECURITY_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel takes at most this many lines per map (since Linux 4.15). */
#define IDMAP_MAX_LINES 340

struct idmap_range {
	char kind;     /* 'u' or 'g' */
	uint32_t ns;   /* first id in the container */
	uint32_t host; /* first id on the host */
	uint32_t count;
};

struct idmap {
	struct idmap_range *ranges;
	size_t n;
};

/* Parses VALUES (lxc.idmap's values, NULL-terminated; NULL: none) into M.
 * On a bad value returns -EINVAL with *BAD its index and *WHY (static) the
 * reason; -ENOMEM. M is empty on failure. */
int idmap_parse(char *const *values, struct idmap *m, size_t *bad, const char **why);
void idmap_release(struct idmap *m);
#define cleanup_idmap __attribute__((cleanup(idmap_release)))

static inline bool idmap_empty(const struct idmap *m)
{
	return !m || m->n == 0;
}

/* The host id of container id NS_ID of KIND ('u' or 'g'), or -1 when it is
 * not mapped. */
int64_t idmap_to_host(const struct idmap *m, char kind, uint32_t ns_id);
/* The container id of host id HOST_ID, or -1 when it is not mapped. */
int64_t idmap_to_ns(const struct idmap *m, char kind, uint32_t host_id);

/* What the kernel would refuse, before a start tries: overlapping ranges,
 * ranges past 2^32, too many lines, and (for a container) no root: uid 0
 * and gid 0 must be mapped. NULL when fine, else a static reason. */
const char *idmap_invalid(const struct idmap *m);

/* "NS HOST COUNT\n" lines of KIND, for /proc/PID/uid_map ('u') or gid_map
 * ('g'); malloc'd, NULL on ENOMEM. */
char *idmap_proc_text(const struct idmap *m, char kind);

#endif
