/* How a container's sockets are named: "<runtime>/c/<hash>.sock" (the
 * monitor's command socket) and "<hash>.attach" beside it (its attach
 * server's), where hash is FNV-1a 64 of "lxcpath/name" in 16 hex digits.
 * Shared by the library (run/proto.c) and lxc-attach's front, which is
 * built without libc (tools/lxc-attach-front.c): so only <stdint.h>. */
#ifndef LXCMGR_RUN_SOCKNAME_H
#define LXCMGR_RUN_SOCKNAME_H

#include <stdint.h>

#define SOCKNAME_FNV64_OFFSET 0xcbf29ce484222325ULL
#define SOCKNAME_FNV64_PRIME 0x100000001b3ULL
#define SOCKNAME_DIR "/c/"
#define SOCKNAME_COMMAND ".sock"
#define SOCKNAME_ATTACH ".attach"

/* Folds S into the hash H (start with SOCKNAME_FNV64_OFFSET). */
static inline uint64_t sockname_fnv1a64(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= SOCKNAME_FNV64_PRIME;
	}
	return h;
}

/* The hash of a container: lxcpath, "/", name. */
static inline uint64_t sockname_hash(const char *lxcpath, const char *name)
{
	return sockname_fnv1a64(sockname_fnv1a64(sockname_fnv1a64(SOCKNAME_FNV64_OFFSET,
								  lxcpath), "/"), name);
}

#endif
