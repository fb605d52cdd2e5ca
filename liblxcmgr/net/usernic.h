/* The library's side of lxcmgr-user-nic (tools/lxcmgr-user-nic.c): an
 * ordinary user's start has no right to make a host device, so the
 * setuid helper makes the veth pair, its host end on the bridge, its peer
 * in the container's network namespace under its name; the start then
 * configures the peer from inside, as for root. */
#ifndef LXCMGR_NET_USERNIC_H
#define LXCMGR_NET_USERNIC_H

#include <net/if.h>
#include <sys/types.h>

#include "lxcmgr.h"

/* The helper: $LXCMGR_USER_NIC when set (the tests point it at a setuid
 * copy of the build tree's; it is the caller's own program that runs, so
 * the variable gives no one more than they have), else the installed
 * one in LIBEXECDIR/lxcmgr. */
const char *usernic_helper(void);

/* A veth named NIC in the network namespace of PID, its host end on the
 * bridge LINK; HOST gets the host end's name (for the record and
 * script.up). LXCPATH and NAME say whose container it is. */
int usernic_create(const char *lxcpath, const char *name, pid_t pid, const char *link,
		   const char *nic, char host[IF_NAMESIZE], lxcmgr_error **err);

/* Deletes the veth NIC of the network namespace NETNS_FD refers to (the
 * helper gets the fd itself: the namespace may have no process left). */
int usernic_delete(const char *lxcpath, const char *name, int netns_fd, const char *link,
		   const char *nic, lxcmgr_error **err);

#endif
