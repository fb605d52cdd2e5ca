#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>
#include <sys/socket.h>

#include "net/link.h"

/* --------------------------------------------------------------- links */

static struct nlmsghdr *new_link(struct nl *nl, const char *name)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi),
				      (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

struct echo {
	int index, peer_index;
};

/* The new link as the kernel announces it: a veth reports its peer's
 * ifindex as IFLA_LINK. */
static int echo_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	struct echo *e = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	e->index = ifi->ifi_index;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi))
		if (mnl_attr_get_type(attr) == IFLA_LINK && mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			e->peer_index = (int)mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

/* What both ends of a pair get: queues and MTU. */
static void put_end_attrs(struct nlmsghdr *nlh, const struct veth_spec *v)
{
	if (v->rxq)
		mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, v->rxq);
	if (v->txq)
		mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, v->txq);
	if (v->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, v->mtu);
}

int link_add_veth(struct nl *nl, const struct veth_spec *v, int *index, int *peer_index)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO,
				      sizeof(*ifi), (void **)&ifi);
	struct echo e = { 0 };

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = v->up ? IFF_UP : 0;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, v->name);
	put_end_attrs(nlh, v);
	/* The kernel brings the link up (above), then makes it a port. */
	if (v->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)v->master);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	struct nlattr *p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's own ifinfomsg, then its attributes. */
	struct ifinfomsg *pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
	pifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, v->peer);
	if (v->peer_netns)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)v->peer_netns);
	else if (v->peer_ns_fd > 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)v->peer_ns_fd);
	put_end_attrs(nlh, v);
	if (v->peer_hwaddr)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, v->peer_hwaddr);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	int ret = nl_request(nl, nlh, echo_cb, &e);
	*index = ret == 0 ? e.index : 0;
	*peer_index = ret == 0 && e.index ? e.peer_index : 0;
	return ret;
}

int link_add_veth_fd(struct nl *nl, const char *name, const char *peer, int ns_fd, unsigned mtu)
{
	struct veth_spec v = { .name = name, .peer = peer, .peer_ns_fd = ns_fd, .rxq = 1,
			       .txq = 1, .mtu = mtu };
	int index, peer_index;

	return link_add_veth(nl, &v, &index, &peer_index);
}

int link_add_macvlan(struct nl *nl, enum net_type type, const char *name, int parent,
		     unsigned mode, unsigned flags)
{
	struct nlmsghdr *nlh = new_link(nl, name);

	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)parent);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, type == NET_IPVLAN ? "ipvlan" : "macvlan");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	if (type == NET_IPVLAN) {
		mnl_attr_put_u16(nlh, IFLA_IPVLAN_MODE, (uint16_t)mode);
		mnl_attr_put_u16(nlh, IFLA_IPVLAN_FLAGS, (uint16_t)flags);
	} else {
		mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, mode);
	}
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_request(nl, nlh, NULL, NULL);
}

int link_add_vlan(struct nl *nl, const char *name, int parent, unsigned id)
{
	struct nlmsghdr *nlh = new_link(nl, name);

	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)parent);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vlan");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u16(nlh, IFLA_VLAN_ID, (uint16_t)id);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_request(nl, nlh, NULL, NULL);
}

int link_del(struct nl *nl, int index)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_DELLINK, 0, sizeof(*ifi), (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	return nl_request(nl, nlh, NULL, NULL);
}

int link_change(struct nl *nl, int index, const struct link_change *c)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	if (c->up) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = c->up > 0 ? IFF_UP : 0;
	}
	if (c->name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, c->name);
	if (c->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, c->mtu);
	if (c->hwaddr)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, c->hwaddr);
	if (c->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, c->master > 0 ? (uint32_t)c->master : 0);
	if (c->netns_pid)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)c->netns_pid);
	else if (c->netns_fd > 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)c->netns_fd);
	return nl_request(nl, nlh, NULL, NULL);
}

/* ----------------------------------------------------------- addresses */

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int addr_add(struct nl *nl, int index, const struct net_addr *a)
{
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa),
				      (void **)&ifa);

	ifa->ifa_family = (unsigned char)a->family;
	ifa->ifa_prefixlen = (unsigned char)a->prefix;
	ifa->ifa_index = (unsigned)index;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, IFA_LOCAL, addr_len(a->family), &a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(a->family), &a->addr);
	if (a->family == AF_INET) {
		struct in_addr bcast = a->bcast;
		if (!a->has_bcast) {
			/* As ip addr add ... brd +: the subnet's last address. */
			uint32_t mask = a->prefix ? htonl(~0u << (32 - a->prefix)) : 0;
			bcast.s_addr = a->prefix >= 31 ? 0 : (a->addr.v4.s_addr | ~mask);
		}
		if (bcast.s_addr)
			mnl_attr_put(nlh, IFA_BROADCAST, 4, &bcast);
	}
	return nl_request(nl, nlh, NULL, NULL);
}

struct addr_query {
	int index;
	struct net_addr *out;
	bool found;
};

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_query *q = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	if (q->found || nlh->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != q->index)
		return MNL_CB_OK;
	if (ifa->ifa_family == AF_INET6 && ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK; /* a link-local address is no gateway for others */
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		uint16_t type = mnl_attr_get_type(attr);
		if ((type == IFA_LOCAL || (type == IFA_ADDRESS && ifa->ifa_family == AF_INET6)) &&
		    mnl_attr_get_payload_len(attr) == addr_len(ifa->ifa_family)) {
			memset(q->out, 0, sizeof(*q->out));
			q->out->family = ifa->ifa_family;
			q->out->prefix = ifa->ifa_prefixlen;
			memcpy(&q->out->addr, mnl_attr_get_payload(attr), addr_len(ifa->ifa_family));
			q->found = true;
			break;
		}
	}
	return MNL_CB_OK;
}

int addr_first(struct nl *nl, int index, int family, struct net_addr *out)
{
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_GETADDR, NLM_F_DUMP, sizeof(*ifa), (void **)&ifa);
	struct addr_query q = { .index = index, .out = out };

	ifa->ifa_family = (unsigned char)family;
	int ret = nl_request(nl, nlh, addr_cb, &q);
	return ret < 0 ? ret : q.found ? 0 : -EADDRNOTAVAIL;
}

/* -------------------------------------------------------------- routes */

int route_add(struct nl *nl, int family, const struct net_addr *dst, const struct net_addr *gw,
	      int oif)
{
	struct rtmsg *rtm;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*rtm),
				      (void **)&rtm);

	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	if (dst) {
		rtm->rtm_dst_len = (unsigned char)dst->prefix;
		mnl_attr_put(nlh, RTA_DST, addr_len(family), &dst->addr);
	}
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, addr_len(family), &gw->addr);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	return nl_request(nl, nlh, NULL, NULL);
}

static int neigh_proxy(struct nl *nl, uint16_t type, uint16_t flags, int index,
		       const struct net_addr *a)
{
	struct ndmsg *nd;
	struct nlmsghdr *nlh = nl_msg(nl, type, flags, sizeof(*nd), (void **)&nd);

	nd->ndm_family = (unsigned char)a->family;
	nd->ndm_ifindex = index;
	nd->ndm_flags = NTF_PROXY;
	nd->ndm_state = NUD_PERMANENT;
	mnl_attr_put(nlh, NDA_DST, addr_len(a->family), &a->addr);
	return nl_request(nl, nlh, NULL, NULL);
}

int neigh_proxy_add(struct nl *nl, int index, const struct net_addr *a)
{
	return neigh_proxy(nl, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, index, a);
}

int neigh_proxy_del(struct nl *nl, int index, const struct net_addr *a)
{
	return neigh_proxy(nl, RTM_DELNEIGH, 0, index, a);
}

/* ------------------------------------------------------- bridge VLANs */

int bridge_vlans(struct nl *nl, int index, bool del, const unsigned short *vids,
		 const unsigned short *flags, size_t n)
{
	struct ifinfomsg *ifi;
	/* RTM_SETLINK / RTM_DELLINK of family AF_BRIDGE: what bridge vlan
	 * add / del sends. */
	struct nlmsghdr *nlh = nl_msg(nl, del ? RTM_DELLINK : RTM_SETLINK, 0, sizeof(*ifi),
				      (void **)&ifi);

	ifi->ifi_family = AF_BRIDGE;
	ifi->ifi_index = index;
	struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	for (size_t i = 0; i < n; i++) {
		struct bridge_vlan_info info = { .flags = flags ? flags[i] : 0, .vid = vids[i] };
		mnl_attr_put(nlh, IFLA_BRIDGE_VLAN_INFO, sizeof(info), &info);
	}
	mnl_attr_nest_end(nlh, spec);
	return nl_request(nl, nlh, NULL, NULL);
}

bool net_addr_covers(const struct net_addr *n, const struct net_addr *a)
{
	if (n->family != a->family)
		return false;
	for (unsigned bit = 0; bit < n->prefix; bit++) {
		unsigned byte = bit / 8, mask = 0x80u >> (bit % 8);
		if ((n->addr.bytes[byte] & mask) != (a->addr.bytes[byte] & mask))
			return false;
	}
	return true;
}
