/* lxc.net.N.l2proxy = 1: the host answers ARP (IPv4) and NDP (IPv6) on
 * the device's link for each of the container's addresses, through proxy
 * neighbour entries (NTF_PROXY) on that link, so that hosts on the link's
 * segment reach the container without a bridge (veth.mode = router routes
 * the addresses on to it). As in LXC, the link's sysctls are the
 * administrator's and are checked, not changed: IPv4 needs
 * net.ipv4.conf.LINK.forwarding = 1; IPv6 also proxy_ndp = 1 and
 * net.ipv6.conf.LINK.forwarding = 1. The entries go at the stop, after a
 * failed start, and (through the network record) at lxc-stop -k after a
 * killed monitor. */
#ifndef LXCMGR_NET_L2PROXY_H
#define LXCMGR_NET_L2PROXY_H

#include <stddef.h>

#include "lxcmgr.h"
#include "net/netdev.h"
#include "net/netlink.h"

/* The entries for D's addresses on the link LINK (ifindex) named NAME;
 * *ADDED counts those made, also on failure, for l2proxy_del. */
int l2proxy_add(struct nl *nl, const struct net_dev *d, int link, const char *name,
		size_t *added, lxcmgr_error **err);
/* Removes the first ADDED entries, if LINK is still the device NAME. */
void l2proxy_del(struct nl *nl, const struct net_dev *d, int link, const char *name,
		 size_t added);
/* Appends the record lines of those entries to *TEXT ("proxy IFINDEX NAME
 * ADDR"): -ENOMEM or 0. */
int l2proxy_record(char **text, const struct net_dev *d, int link, const char *name,
		   size_t added);
/* Undoes one record line's words: 0 when done or nothing is left to do. */
int l2proxy_undo_record(struct nl *nl, int link, const char *name, const char *addr);

#endif
