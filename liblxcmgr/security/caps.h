/* Capabilities of the container's processes (libcap).
 *
 * A container's limit is its bounding set: every capability outside it is
 * dropped from the bounding set, so no execve (setuid root, file
 * capabilities) can bring it back, and from the effective, permitted and
 * ambient sets of the process itself. The inheritable set is emptied: for
 * root, execve grants inheritable & file-inheritable, and a caller whose
 * inheritable set held a dropped capability would otherwise hand it on.
 *
 * Used by init (run/spawn.c) and by lxc-attach's command process
 * (attach/child.c), which shares its caller's memory: nothing here
 * allocates, only system calls are made. */
#ifndef LXCMGR_SECURITY_CAPS_H
#define LXCMGR_SECURITY_CAPS_H

#include <stddef.h>
#include <stdint.h>

/* The capabilities this kernel has, as a mask. */
uint64_t caps_all(void);

/* The mask of the N capability numbers in DROP. */
uint64_t caps_mask(const int *drop, size_t n);

/* Drops every capability not in KEEP from the bounding set. Needs
 * CAP_SETPCAP, so it comes before caps_limit. On failure *FAILED is the
 * capability that could not be dropped. 0 or -errno. */
int caps_bound(uint64_t keep, int *failed);

/* Lowers the effective and permitted sets to KEEP, empties the
 * inheritable and ambient sets. It only ever lowers, so it works as any
 * user, before or after a switch from root. 0 or -errno. */
int caps_limit(uint64_t keep);

#endif
