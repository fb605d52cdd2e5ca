/* A network device of a start plan: one lxc.net.N with a type that makes
 * a device (veth, macvlan, ipvlan, vlan, phys), resolved from the config
 * by run/plan-net.c before anything is created. Types none and empty make
 * no device: none keeps the host's network namespace, empty gives a new
 * one with only loopback. */
#ifndef LXCMGR_NET_NETDEV_H
#define LXCMGR_NET_NETDEV_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

enum net_type { NET_VETH, NET_MACVLAN, NET_IPVLAN, NET_VLAN, NET_PHYS };

/* An address or a route destination: ADDR/PREFIX. */
struct net_addr {
	int family; /* AF_INET, AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		unsigned char bytes[16];
	} addr;
	unsigned prefix;
	bool has_bcast; /* IPv4: an explicit broadcast address */
	struct in_addr bcast;
};

enum net_gateway_kind {
	NET_GW_NONE,
	NET_GW_ADDR, /* an address */
	NET_GW_AUTO, /* the first address of the link (the bridge) on the host */
	NET_GW_DEV,  /* on-link: the default route goes out of the device itself */
};

struct net_gateway {
	enum net_gateway_kind kind;
	struct net_addr addr; /* NET_GW_ADDR; NET_GW_AUTO once resolved at start */
	char *origin;         /* "config:7" */
};

struct net_dev {
	unsigned index;        /* N of lxc.net.N */
	enum net_type type;
	char *origin;          /* the type line: "config:5" */
	char link[IF_NAMESIZE]; /* host device: bridge, parent, or the phys device */
	char *link_origin;
	char name[IF_NAMESIZE]; /* inside; defaulted to a free ethK (phys: the link's name) */
	bool has_hwaddr;
	unsigned char hwaddr[6];
	unsigned mtu;          /* 0: the kernel's */
	bool up;               /* flags = up */
	bool l2proxy;          /* l2proxy = 1: the link answers ARP/NDP for addrs */
	char *l2proxy_origin;
	struct net_addr *addrs; /* ipv4.address and ipv6.address, in that order */
	size_t n_addrs;
	struct net_gateway gw4, gw6;
	char *script_up, *script_down; /* commands, or NULL */
	char *script_up_origin, *script_down_origin;
	/* type specific */
	unsigned mode;         /* MACVLAN_MODE_*, IPVLAN_MODE_* */
	unsigned ipvlan_flags; /* IPVLAN_F_PRIVATE, IPVLAN_F_VEPA */
	unsigned vlan_id;
	bool veth_router;      /* veth.mode = router */
	char pair[IF_NAMESIZE]; /* veth.pair, or "" for a generated name */
	struct net_addr *routes; /* veth.ipv4.route, veth.ipv6.route */
	size_t n_routes;
	unsigned rx_queues, tx_queues; /* veth.n_rxqueues, veth.n_txqueues; 0: default */
	/* veth.vlan.id: the bridge port's untagged PVID (the bridge's default
	 * untagged VLAN removed first); "none" removes that one only. */
	enum { NET_VLAN_UNSET, NET_VLAN_NONE, NET_VLAN_ID } vlan_untagged;
	unsigned vlan_pvid;
	unsigned short *vlan_tagged; /* veth.vlan.tagged.id */
	size_t n_vlan_tagged;
	char *vlan_origin;     /* "veth.vlan.id = 10 (config:7)": the first line */
};

void net_dev_release(struct net_dev *d);

/* "veth", ... */
const char *net_type_name(enum net_type type);

/* Parses "ADDR[/PREFIX] [BCAST]" (already checked when loaded). Without a
 * prefix: 24 for IPv4 (LXC's default) and 64 for IPv6. */
int net_addr_parse(int family, const char *text, struct net_addr *out);

#endif
