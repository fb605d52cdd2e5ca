/* The rtnetlink requests lxcmgr makes: links of each kind (veth, macvlan,
 * ipvlan, vlan) created, changed, moved and deleted; addresses, routes and
 * proxy neighbours added. Each returns 0 or the kernel's negative errno;
 * the caller names what it was doing. */
#ifndef LXCMGR_NET_LINK_H
#define LXCMGR_NET_LINK_H

#include <stdbool.h>
#include <sys/types.h>

#include "net/netdev.h"
#include "net/netlink.h"

/* A veth pair, made in one request with all of this set on both ends. */
struct veth_spec {
	const char *name, *peer;   /* NAME here, PEER in the network namespace */
	pid_t peer_netns;          /* of this process (0: here too, or PEER_NS_FD) */
	int peer_ns_fd;            /* or the namespace this fd refers to (> 0), the
				    * one checked: no pid to be recycled in between */
	unsigned rxq, txq;         /* queues of each end, 0: the kernel's default */
	unsigned mtu;              /* both ends, 0: the kernel's */
	int master;                /* NAME's bridge (ifindex), 0: none */
	bool up;                   /* NAME up (the peer cannot be: veth_open wants the
				    * pair complete, and it is not when the peer is
				    * configured) */
	const unsigned char *peer_hwaddr; /* 6 bytes, or NULL: a random one */
};
/* *INDEX and *PEER_INDEX (in its namespace) get the ends' ifindexes, as
 * the kernel echoes the new link (NLM_F_ECHO, Linux 6.2 on); 0 where it
 * did not say, for the caller to look up. */
int link_add_veth(struct nl *nl, const struct veth_spec *v, int *index, int *peer_index);
/* The pair NAME <-> PEER with the peer made in the namespace NS_FD refers
 * to, one queue each way, both ends with MTU (0: the kernel's). */
int link_add_veth_fd(struct nl *nl, const char *name, const char *peer, int ns_fd, unsigned mtu);
/* macvlan or ipvlan NAME on PARENT (ifindex), with MODE and (ipvlan) FLAGS. */
int link_add_macvlan(struct nl *nl, enum net_type type, const char *name, int parent,
		     unsigned mode, unsigned flags);
/* vlan NAME with id ID on PARENT. */
int link_add_vlan(struct nl *nl, const char *name, int parent, unsigned id);
int link_del(struct nl *nl, int index);

/* What to change of a link; fields left at their zero value stay. */
struct link_change {
	const char *name;            /* rename */
	unsigned mtu;
	const unsigned char *hwaddr; /* 6 bytes */
	int up;                      /* 1 up, -1 down, 0 as is */
	int master;                  /* ifindex of a bridge, -1 none, 0 as is */
	pid_t netns_pid;             /* move to the network namespace of this process */
	int netns_fd;                /* or of this namespace fd (> 0) */
};
int link_change(struct nl *nl, int index, const struct link_change *c);

int addr_add(struct nl *nl, int index, const struct net_addr *a);
/* The first address of FAMILY on the link INDEX: -EADDRNOTAVAIL when none. */
int addr_first(struct nl *nl, int index, int family, struct net_addr *out);

/* A route to DST (NULL: the default route) out of OIF, via GW (NULL:
 * on-link, scope link). */
int route_add(struct nl *nl, int family, const struct net_addr *dst, const struct net_addr *gw,
	      int oif);
/* Answers ARP/NDP for A on the link INDEX (a proxy neighbour entry),
 * and takes that back. */
int neigh_proxy_add(struct nl *nl, int index, const struct net_addr *a);
int neigh_proxy_del(struct nl *nl, int index, const struct net_addr *a);

/* VLANs of the bridge port INDEX (a VLAN-filtering bridge), in one
 * request: VIDS[i] with FLAGS[i] (BRIDGE_VLAN_INFO_PVID, _UNTAGGED) added,
 * or with DEL, removed. */
int bridge_vlans(struct nl *nl, int index, bool del, const unsigned short *vids,
		 const unsigned short *flags, size_t n);

/* Is A inside the subnet of N (same family, within N's prefix)? */
bool net_addr_covers(const struct net_addr *n, const struct net_addr *a);

#endif
