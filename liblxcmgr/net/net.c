/* The run of a container's network devices (net.h): host side, move,
 * configuration inside, and the undoing of each. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_bridge.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "container.h"
#include "net/l2proxy.h"
#include "net/link.h"
#include "net/net.h"
#include "net/record.h"
#include "net/script.h"
#include "net/usernic.h"
#include "run/plan.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/str.h"

/* What one device became in this run. */
struct net_live {
	int host_index;              /* a host device this run made (veth host end,
				      * macvlan/ipvlan/vlan before the move), or 0 */
	char host_name[IF_NAMESIZE]; /* its name; veth: the host end (LXC_NET_PEER) */
	int move_index;              /* the device that goes into the container */
	bool moved;
	bool by_helper;              /* veth: made by lxcmgr-user-nic */
	bool phys;                   /* move_index is the host's own device */
	char phys_name[IF_NAMESIZE]; /* its name on the host, to give it back */
	unsigned phys_mtu;
	bool phys_has_hwaddr;
	unsigned char phys_hwaddr[6];
	struct net_gateway gw4, gw6; /* the plan's, with auto resolved (no origin) */
	int bridge;                  /* veth: ifindex of its bridge, or 0 */
	int peer_index;              /* veth: the peer's ifindex in the container, or 0 */
	unsigned mtu;                /* veth: the MTU of both ends, or 0 */
	bool script_up_ran;
	unsigned default_pvid;       /* veth.vlan.*: the bridge's, to take off the port */
	int proxy_link;              /* l2proxy: the link's ifindex, its name, and */
	char proxy_name[IF_NAMESIZE];
	size_t n_proxied;            /* how many of the addresses it answers for */
};

/* lxcmgr-net's default bridge, which the shipped default.conf names. */
#define NET_MANAGED_BRIDGE "lxcmgrbr0"

/* "lxc.net.0.link = br0 (config:5)" */
#define DEV_KEY_FMT "lxc.net.%u.%s = %s (%s)"

/* ----------------------------------------------------------- host side */

/* PREFIX and 8 random hex digits: a name no one else is likely to hold;
 * EEXIST makes the caller draw again. */
static void random_name(char out[IF_NAMESIZE], const char *prefix)
{
	uint32_t r = 0;

	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (uint32_t)getpid() ^ (uint32_t)(uintptr_t)out;
	snprintf(out, IF_NAMESIZE, "%s%08x", prefix, r);
}

static int link_error(lxcmgr_error **err, int ret, const struct net_dev *d)
{
	error_set(err, -ret, DEV_KEY_FMT ": host device \"%s\"", d->index, "link", d->link,
		  d->link_origin ? d->link_origin : d->origin, d->link);
	if (ret == -ENODEV && str_eq(d->link, NET_MANAGED_BRIDGE))
		error_hint(err, "the managed bridge is down; lxcmgr-net start brings it up, "
			   "systemctl enable --now lxcmgr-net at every boot");
	else if (ret == -ENODEV)
		error_hint(err, "create it first, or name another; ip link shows the host's "
			   "devices");
	return ret;
}

static int find_link(struct nl *nl, const struct net_dev *d, struct nl_link *l,
		     lxcmgr_error **err)
{
	int ret = nl_link_get(nl, d->link, 0, l);
	return ret < 0 ? link_error(err, ret, d) : 0;
}

/* Reads a host device back after making it. */
static int made_index(struct nl *nl, const char *name, int *index)
{
	struct nl_link l;
	int ret = nl_link_get(nl, name, 0, &l);

	*index = ret == 0 ? l.index : 0;
	return ret;
}

/* /proc/sys/net/ipvV/conf/NAME/KNOB = 1 */
static int sysctl_on(char v, const char *name, const char *knob)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv%c/conf/%s/%s", v, name, knob);
	const char *value = "1";
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	return fd < 0 ? -errno : file_write_all(fd, value, strlen(value));
}

/* veth.mode = router: routes to the container's addresses (and
 * veth.ipvX.route) through the host end, which answers ARP/NDP for the
 * container's gateways. Bridge mode gets the veth.ipvX.route routes too. */
static int veth_routes(struct nl *nl, const struct net_dev *d, struct net_live *l,
		       lxcmgr_error **err)
{
	int ret;

	for (size_t i = 0; d->veth_router && i < d->n_addrs; i++) {
		struct net_addr host = d->addrs[i];
		host.prefix = host.family == AF_INET ? 32 : 128;
		if ((ret = route_add(nl, host.family, &host, NULL, l->host_index)) < 0)
			return error_set(err, -ret, "lxc.net.%u (%s): route the container's "
					 "address through \"%s\"", d->index, d->origin, l->host_name);
	}
	for (size_t i = 0; i < d->n_routes; i++)
		if ((ret = route_add(nl, d->routes[i].family, &d->routes[i], NULL,
				     l->host_index)) < 0)
			return error_set(err, -ret, "lxc.net.%u.veth.ipv%c.route (%s): route "
					 "through \"%s\"", d->index,
					 d->routes[i].family == AF_INET ? '4' : '6', d->origin,
					 l->host_name);
	if (!d->veth_router)
		return 0;
	/* Only the host end's own settings: nothing host-wide changes. The
	 * kernel answers for a proxy entry on a device that forwards; whether
	 * the host routes the container's packets further is still
	 * net.ipv4.ip_forward's, the administrator's. */
	if ((ret = sysctl_on('4', l->host_name, "forwarding")) < 0 ||
	    (ret = sysctl_on('4', l->host_name, "proxy_arp")) < 0 ||
	    (ret = sysctl_on('6', l->host_name, "forwarding")) < 0 ||
	    (ret = sysctl_on('6', l->host_name, "proxy_ndp")) < 0)
		return error_set(err, -ret, "lxc.net.%u (%s): proxy ARP/NDP on \"%s\"", d->index,
				 d->origin, l->host_name);
	const struct net_gateway *gws[] = { &l->gw4, &l->gw6 };
	for (size_t i = 0; i < ARRAY_SIZE(gws); i++)
		if (gws[i]->kind == NET_GW_ADDR &&
		    (ret = neigh_proxy_add(nl, l->host_index, &gws[i]->addr)) < 0)
			return error_set(err, -ret, "lxc.net.%u (%s): answer for the gateway on "
					 "\"%s\"", d->index, d->origin, l->host_name);
	return 0;
}

/* gateway = auto: the bridge's first address of that family. */
static int resolve_auto(struct nl *nl, const struct net_dev *d, int bridge, struct net_live *l,
			lxcmgr_error **err)
{
	struct net_gateway *gws[] = { &l->gw4, &l->gw6 };
	static const int families[] = { AF_INET, AF_INET6 };

	for (size_t i = 0; i < ARRAY_SIZE(gws); i++) {
		if (gws[i]->kind != NET_GW_AUTO)
			continue;
		if (!bridge)
			return error_msg(err, EINVAL, "lxc.net.%u.ipv%c.gateway = auto (%s): the "
					 "veth has no link to take the address of", d->index,
					 i ? '6' : '4', d->origin);
		int ret = addr_first(nl, bridge, families[i], &gws[i]->addr);
		if (ret < 0)
			return error_set(err, -ret, "lxc.net.%u.ipv%c.gateway = auto (%s): address "
					 "of \"%s\"", d->index, i ? '6' : '4',
					 (i ? d->gw6.origin : d->gw4.origin), d->link);
		gws[i]->addr.prefix = i ? 128 : 32;
		gws[i]->kind = NET_GW_ADDR;
	}
	return 0;
}

/* veth.vlan.*: the port's VLANs mean something only on a bridge that
 * filters them (LXC refuses the others too). */
static int check_vlan_bridge(const struct net_dev *d, const struct nl_link *bridge,
			     lxcmgr_error **err)
{
	if (!str_eq(bridge->kind, "bridge"))
		return error_msg(err, EINVAL, "lxc.net.%u.%s: \"%s\" is not a bridge, and only a "
				 "bridge port has VLANs; ip -d link show %s", d->index,
				 d->vlan_origin, d->link, d->link);
	if (!bridge->vlan_filtering)
		return error_msg(err, EINVAL, "lxc.net.%u.%s: the bridge \"%s\" does not filter "
				 "VLANs; ip link set %s type bridge vlan_filtering 1", d->index,
				 d->vlan_origin, d->link, d->link);
	return 0;
}

/* The port's VLANs, as LXC sets them: with veth.vlan.id, out of the
 * bridge's default untagged VLAN, then in VLAN ID untagged as its PVID
 * (none: in no untagged VLAN); in each veth.vlan.tagged.id tagged. */
static int port_vlans(struct nl *nl, const struct net_dev *d, const struct net_live *l,
		      lxcmgr_error **err)
{
	enum { CHUNK = 256 }; /* VLAN infos per request: within NL_BUFSIZE */
	unsigned short vid, flags = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED;
	int ret = 0;

	if (d->vlan_untagged && l->default_pvid) {
		vid = (unsigned short)l->default_pvid;
		ret = bridge_vlans(nl, l->host_index, true, &vid, NULL, 1);
		if (ret == -ENOENT)
			ret = 0; /* not a member of it after all */
	}
	if (ret == 0 && d->vlan_untagged == NET_VLAN_ID) {
		vid = (unsigned short)d->vlan_pvid;
		ret = bridge_vlans(nl, l->host_index, false, &vid, &flags, 1);
	}
	if (ret < 0)
		return error_set(err, -ret, "lxc.net.%u.%s: untagged VLAN of the bridge port "
				 "\"%s\"", d->index, d->vlan_origin, l->host_name);
	for (size_t i = 0; i < d->n_vlan_tagged; i += CHUNK) {
		size_t n = d->n_vlan_tagged - i < CHUNK ? d->n_vlan_tagged - i : CHUNK;
		if ((ret = bridge_vlans(nl, l->host_index, false, d->vlan_tagged + i, NULL, n)) < 0)
			return error_set(err, -ret, "lxc.net.%u.%s: tagged VLANs of the bridge "
					 "port \"%s\"", d->index, d->vlan_origin, l->host_name);
	}
	return 0;
}

/* Before the clone: the bridge looked up (a missing one fails the start
 * before anything is made) and gateway auto resolved. The pair itself is
 * made once the container exists (make_veth). */
static int setup_veth(struct nl *nl, const struct net_dev *d, struct net_live *l,
		      lxcmgr_error **err)
{
	struct nl_link bridge = { 0 };
	int ret;

	/* In router mode the link is only l2proxy's (setup_l2proxy). */
	if (d->link[0] && !d->veth_router && (ret = find_link(nl, d, &bridge, err)) < 0)
		return ret;
	l->bridge = bridge.index;
	/* The device's MTU, or the bridge's, as LXC does. */
	l->mtu = d->mtu ? d->mtu : bridge.mtu;
	if ((d->vlan_untagged || d->n_vlan_tagged) && (ret = check_vlan_bridge(d, &bridge, err)) < 0)
		return ret;
	l->default_pvid = bridge.default_pvid;
	return resolve_auto(nl, d, bridge.index, l, err);
}

/* The pair, its peer made straight in the container's namespace (that of
 * PID, or NS_FD's when PID is 0) under its name: no move, whose
 * synchronize_net() cost a start 5-20 ms. One request makes both ends
 * with their MTU and the peer's MAC address, and the host end up on its
 * bridge: each further request is a round trip through RTNL. */
static int make_veth(struct nl *nl, const struct net_dev *d, struct net_live *l, pid_t pid,
		     int ns_fd, lxcmgr_error **err)
{
	/* With VLANs, up only once they are set: no frame of the default
	 * VLAN passes meanwhile. */
	bool vlans = d->vlan_untagged || d->n_vlan_tagged;
	/* One queue each unless configured: the kernel's default is one per
	 * CPU, of which veth_init_queues then leaves one in use, waiting for
	 * an RCU grace period at each end (synchronize_net) to do so. */
	struct veth_spec v = { .name = l->host_name, .peer = d->name, .peer_netns = pid,
			       .peer_ns_fd = pid ? 0 : ns_fd,
			       .rxq = d->rx_queues ? d->rx_queues : 1,
			       .txq = d->tx_queues ? d->tx_queues : 1,
			       .mtu = l->mtu, .master = l->bridge, .up = !vlans,
			       .peer_hwaddr = d->has_hwaddr ? d->hwaddr : NULL };
	int ret;

	for (int tries = 0;; tries++) {
		if (d->pair[0])
			snprintf(l->host_name, sizeof(l->host_name), "%s", d->pair);
		else
			random_name(l->host_name, "veth");
		ret = link_add_veth(nl, &v, &l->host_index, &l->peer_index);
		if (ret != -EEXIST || d->pair[0] || tries == 4)
			break;
	}
	if (ret < 0 && l->bridge && (ret == -EOPNOTSUPP || ret == -EINVAL)) {
		error_set(err, -ret, DEV_KEY_FMT ": create veth pair \"%s\" on it", d->index,
			  "link", d->link, d->link_origin ? d->link_origin : d->origin,
			  l->host_name);
		error_hint(err, "is \"%s\" a bridge? ip -d link show %s", d->link, d->link);
		return ret;
	}
	if (ret < 0) {
		error_set(err, -ret, "lxc.net.%u (%s): create veth pair \"%s\"", d->index,
			  d->origin, l->host_name);
		if (ret == -EEXIST)
			error_hint(err, "a device named \"%s\" exists; change lxc.net.%u.veth.pair",
				   l->host_name, d->index);
		return ret;
	}
	l->moved = true; /* the peer is in the container */
	if (!l->host_index && (ret = made_index(nl, l->host_name, &l->host_index)) < 0)
		return error_set(err, -ret, "lxc.net.%u (%s): find the new veth \"%s\"", d->index,
				 d->origin, l->host_name);
	if (vlans) {
		if ((ret = port_vlans(nl, d, l, err)) < 0)
			return ret;
		if ((ret = link_change(nl, l->host_index, &(struct link_change){ .up = 1 })) < 0)
			return error_set(err, -ret, "lxc.net.%u (%s): bring \"%s\" up", d->index,
					 d->origin, l->host_name);
	}
	return veth_routes(nl, d, l, err);
}

/* macvlan, ipvlan, vlan: made on the parent under a temporary name. */
static int setup_child_link(struct nl *nl, const struct net_dev *d, struct net_live *l,
			    lxcmgr_error **err)
{
	struct nl_link parent;
	int ret = find_link(nl, d, &parent, err);

	if (ret < 0)
		return ret;
	for (int tries = 0; tries < 5; tries++) {
		random_name(l->host_name, "lxcm");
		ret = d->type == NET_VLAN
			      ? link_add_vlan(nl, l->host_name, parent.index, d->vlan_id)
			      : link_add_macvlan(nl, d->type, l->host_name, parent.index, d->mode,
						 d->ipvlan_flags);
		if (ret != -EEXIST)
			break;
	}
	if (ret < 0) {
		error_set(err, -ret, "lxc.net.%u (%s): create %s on \"%s\"", d->index, d->origin,
			  net_type_name(d->type), d->link);
		if (ret == -EOPNOTSUPP)
			error_hint(err, "does this kernel have the %s module? modprobe %s",
				   net_type_name(d->type), d->type == NET_VLAN ? "8021q"
										: net_type_name(d->type));
		return ret;
	}
	if ((ret = made_index(nl, l->host_name, &l->host_index)) < 0)
		return error_set(err, -ret, "lxc.net.%u (%s): find the new %s", d->index, d->origin,
				 net_type_name(d->type));
	l->move_index = l->host_index;
	return 0;
}

static int setup_phys(struct nl *nl, const struct net_dev *d, struct net_live *l,
		      lxcmgr_error **err)
{
	struct nl_link dev;
	int ret = find_link(nl, d, &dev, err);

	if (ret < 0)
		return ret;
	if (str_eq(dev.kind, "bridge"))
		return error_msg(err, EINVAL, DEV_KEY_FMT ": a bridge cannot be moved into a "
				 "container; use type veth with this link", d->index, "link",
				 d->link, d->link_origin ? d->link_origin : d->origin);
	l->phys = true;
	l->move_index = dev.index;
	snprintf(l->phys_name, sizeof(l->phys_name), "%s", dev.name);
	l->phys_mtu = dev.mtu;
	l->phys_has_hwaddr = dev.has_hwaddr;
	memcpy(l->phys_hwaddr, dev.hwaddr, sizeof(l->phys_hwaddr));
	return 0;
}

static int run_script_up(const struct start_plan *p, const struct net_dev *d,
			 struct net_live *l, lxcmgr_error **err)
{
	if (!d->script_up)
		return 0;
	int ret = net_script_run(p, d, "up", l->phys ? l->phys_name : l->host_name, err);
	l->script_up_ran = ret == 0;
	return ret;
}

/* l2proxy = 1: the link answers for the container's addresses. */
static int setup_l2proxy(struct nl *nl, const struct net_dev *d, struct net_live *l,
			 lxcmgr_error **err)
{
	struct nl_link link;
	int ret = find_link(nl, d, &link, err);

	if (ret < 0)
		return ret;
	l->proxy_link = link.index;
	snprintf(l->proxy_name, sizeof(l->proxy_name), "%s", link.name);
	return l2proxy_add(nl, d, link.index, link.name, &l->n_proxied, err);
}

static int setup_one(struct nl *nl, const struct start_plan *p, const struct net_dev *d,
		     struct net_live *l, lxcmgr_error **err)
{
	int ret;

	l->gw4 = d->gw4;
	l->gw6 = d->gw6;
	l->gw4.origin = l->gw6.origin = NULL;
	switch (d->type) {
	case NET_VETH:
		ret = setup_veth(nl, d, l, err);
		break;
	case NET_MACVLAN:
	case NET_IPVLAN:
	case NET_VLAN:
		ret = setup_child_link(nl, d, l, err);
		break;
	case NET_PHYS:
		ret = setup_phys(nl, d, l, err);
		break;
	default:
		ret = error_msg(err, EINVAL, "lxc.net.%u: unknown type", d->index);
	}
	if (ret == 0 && d->l2proxy)
		ret = setup_l2proxy(nl, d, l, err);
	if (ret == 0 && d->type != NET_VETH)
		ret = run_script_up(p, d, l, err);
	return ret;
}

/* The record of what exists now on the host side. */
static void save_record(struct net_state *s, const struct lxcmgr_container *c)
{
	cleanup_free char *text = NULL;

	for (size_t i = 0; i < s->n; i++) {
		const struct net_live *l = &s->live[i];
		char *line = NULL;
		/* A moved macvlan, ipvlan or vlan went with the container. */
		if (l->by_helper && l->host_name[0])
			line = str_printf("%susernic %s %s %s\n", text ? text : "", l->host_name,
					  s->plan->netdevs[i].link, s->plan->netdevs[i].name);
		else if (l->host_index && !(l->moved && l->host_index == l->move_index))
			line = str_printf("%shost %d %s\n", text ? text : "", l->host_index,
					  l->host_name);
		else if (l->phys)
			line = str_printf("%sphys %d %s\n", text ? text : "", l->move_index,
					  l->phys_name);
		if (line) {
			free(text);
			text = line;
		}
	}
	int ret = 0;
	for (size_t i = 0; i < s->n && ret == 0; i++)
		ret = l2proxy_record(&text, &s->plan->netdevs[i], s->live[i].proxy_link,
				     s->live[i].proxy_name, s->live[i].n_proxied);
	ret = ret ?: s->record ? net_record_write(s->record, text ? text : "") : -ENOMEM;
	if (ret < 0)
		log_warn(c->ctx, "could not write the network record \"%s\": %s",
			 s->record ? s->record : "?", strerror(-ret));
}

int net_host_setup(struct net_state *s, const struct start_plan *p,
		   const struct lxcmgr_container *c, lxcmgr_error **err)
{
	struct nl nl = { 0 };
	int ret;

	s->plan = p;
	s->c = c;
	s->by_user = geteuid() != 0;
	if (!p->n_netdevs)
		return 0;
	s->live = calloc(p->n_netdevs, sizeof(*s->live));
	s->record = net_record_path(c);
	if (!s->live || !s->record)
		return error_set(err, ENOMEM, "network devices");
	s->n = p->n_netdevs;
	if (s->host_ns_fd < 0 &&
	    (s->host_ns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		return error_set(err, errno, "open this process's network namespace");
	if ((ret = nl_open(&nl)) < 0)
		return error_set(err, -ret, "open a netlink socket");
	for (size_t i = 0; i < s->n && ret == 0; i++) {
		ret = setup_one(&nl, p, &p->netdevs[i], &s->live[i], err);
		/* Written after each device, so a monitor killed half-way leaves
		 * what it made on the record. */
		save_record(s, c);
	}
	nl_close(&nl);
	if (ret < 0)
		net_stop(s, c);
	return ret;
}

/* -------------------------------------------------------------- inside */

/* "<lxcpath>" of the container, for lxcmgr-user-nic's record. */
static char *lxcpath_of(const struct lxcmgr_container *c)
{
	const char *slash = strrchr(c->dir, '/');
	return str_printf("%.*s", slash ? (int)(slash - c->dir) : 0, c->dir);
}

/* An ordinary user's veth: lxcmgr-user-nic makes the pair, its host end
 * on the bridge and up, the peer in the container under its name with the
 * bridge's MTU; the host end is the helper's to delete (net_stop). */
static int make_user_veth(const struct net_state *s, const struct net_dev *d,
			  struct net_live *l, pid_t pid, lxcmgr_error **err)
{
	cleanup_free char *lxcpath = lxcpath_of(s->c);

	if (!lxcpath)
		return error_set(err, ENOMEM, "lxc.net.%u", d->index);
	int ret = usernic_create(lxcpath, s->c->name, pid, d->link, d->name, l->host_name, err);
	if (ret < 0)
		return error_wrap(err, ret, "lxc.net.%u (%s)", d->index, d->origin);
	l->moved = l->by_helper = true;
	return 0;
}

/* PID: the container's first process, or 0 when the namespace was made
 * before it (net_premake: s->netns_fd). */
static int move_in(struct nl *nl, const struct net_state *s, const struct net_dev *d,
		   struct net_live *l, pid_t pid, lxcmgr_error **err)
{
	const struct start_plan *p = s->plan;
	int ns_fd = pid ? 0 : s->netns_fd;

	if (d->type == NET_VETH && s->by_user)
		return make_user_veth(s, d, l, pid, err);
	if (d->type == NET_VETH) {
		int ret = make_veth(nl, d, l, pid, ns_fd, err);
		return ret ?: run_script_up(p, d, l, err);
	}
	int ret = link_change(nl, l->move_index,
			      &(struct link_change){ .netns_pid = pid, .netns_fd = ns_fd,
						     .name = d->name, .up = l->phys ? -1 : 0 });
	if (ret < 0)
		return error_set(err, -ret, "lxc.net.%u (%s): move \"%s\" into the container as "
				 "\"%s\"", d->index, d->origin,
				 l->phys ? l->phys_name : l->host_name, d->name);
	l->moved = true;
	return 0;
}

static bool on_link(const struct net_dev *d, const struct net_addr *gw)
{
	for (size_t i = 0; i < d->n_addrs; i++)
		if (net_addr_covers(&d->addrs[i], gw))
			return true;
	return false;
}

static int gateway(struct nl *nl, const struct net_dev *d, int index, const struct net_gateway *gw,
		   int family, lxcmgr_error **err)
{
	char v = family == AF_INET ? '4' : '6';
	int ret = 0;

	if (gw->kind == NET_GW_NONE)
		return 0;
	if (gw->kind == NET_GW_DEV) {
		ret = route_add(nl, family, NULL, NULL, index);
	} else {
		/* A gateway outside the device's subnets is reached on-link. */
		if (!on_link(d, &gw->addr))
			ret = route_add(nl, family, &gw->addr, NULL, index);
		ret = ret ?: route_add(nl, family, NULL, &gw->addr, index);
	}
	if (ret < 0)
		return error_set(err, -ret, "lxc.net.%u.ipv%c.gateway (%s): default route in the "
				 "container", d->index, v,
				 family == AF_INET ? (d->gw4.origin ? d->gw4.origin : d->origin)
						   : (d->gw6.origin ? d->gw6.origin : d->origin));
	return 0;
}

/* Is nothing left to do inside once a device is in? A veth came with its
 * MTU and MAC address. */
static bool veth_done(const struct net_dev *d, const struct net_live *l)
{
	return d->type == NET_VETH && !l->by_helper && l->peer_index && !d->up && !d->n_addrs &&
	       d->gw4.kind == NET_GW_NONE && d->gw6.kind == NET_GW_NONE;
}

static int configure(struct nl *nl, const struct net_dev *d, const struct net_live *l,
		     lxcmgr_error **err)
{
	struct nl_link in = { .index = d->type == NET_VETH ? l->peer_index : 0 };
	int ret = in.index ? 0 : nl_link_get(nl, d->name, 0, &in);

	if (ret < 0)
		return error_set(err, -ret, "lxc.net.%u (%s): find \"%s\" in the container",
				 d->index, d->origin, d->name);
	/* A veth's peer was made with them (make_veth), unless lxcmgr-user-nic
	 * made it. */
	if ((d->type != NET_VETH || l->by_helper) &&
	    (ret = link_change(nl, in.index, &(struct link_change){
						.mtu = d->type == NET_VETH ? l->mtu : d->mtu,
						.hwaddr = d->has_hwaddr ? d->hwaddr : NULL })) < 0)
		return error_set(err, -ret, "lxc.net.%u (%s): set %s of \"%s\"", d->index, d->origin,
				 d->has_hwaddr ? "MAC address and MTU" : "MTU", d->name);
	for (size_t i = 0; i < d->n_addrs; i++) {
		char text[INET6_ADDRSTRLEN];
		if ((ret = addr_add(nl, in.index, &d->addrs[i])) < 0)
			return error_set(err, -ret, "lxc.net.%u.ipv%c.address (%s): add %s/%u to "
					 "\"%s\"", d->index, d->addrs[i].family == AF_INET ? '4' : '6',
					 d->origin, inet_ntop(d->addrs[i].family, &d->addrs[i].addr,
							      text, sizeof(text)) ?: "?",
					 d->addrs[i].prefix, d->name);
	}
	if (d->up && (ret = link_change(nl, in.index, &(struct link_change){ .up = 1 })) < 0)
		return error_set(err, -ret, "lxc.net.%u.flags (%s): bring \"%s\" up", d->index,
				 d->origin, d->name);
	ret = gateway(nl, d, in.index, &l->gw4, AF_INET, err);
	return ret ?: gateway(nl, d, in.index, &l->gw6, AF_INET6, err);
}

/* A netlink socket in the container's network namespace. */
static int open_inside(const struct net_state *s, struct nl *in)
{
	if (s->by_user)
		return nl_open_userns(in, s->userns_fd, s->netns_fd);
	return nl_open_in(in, s->netns_fd, s->host_ns_fd);
}

/* Each device into the container's namespace (PID's, or s->netns_fd's
 * when PID is 0) and configured there through IN, a socket inside (opened
 * here when none is given and a device needs one). */
static int enter_devices(struct net_state *s, pid_t pid, struct nl *in, lxcmgr_error **err)
{
	const struct start_plan *p = s->plan;
	struct nl host = { 0 };
	int ret;

	if ((ret = nl_open(&host)) < 0)
		return error_set(err, -ret, "open a netlink socket");
	for (size_t i = 0; i < s->n && ret == 0; i++)
		ret = move_in(&host, s, &p->netdevs[i], &s->live[i], pid, err);
	nl_close(&host);
	save_record(s, s->c);
	if (ret < 0)
		return ret;
	size_t todo = 0;
	for (size_t i = 0; i < s->n; i++)
		todo += !veth_done(&p->netdevs[i], &s->live[i]);
	if (!todo)
		return 0; /* no socket inside needed */
	if (!in->sock && (ret = open_inside(s, in)) < 0)
		return error_set(err, -ret, "open a netlink socket in the container");
	for (size_t i = 0; i < s->n && ret == 0; i++)
		if (!veth_done(&p->netdevs[i], &s->live[i]))
			ret = configure(in, &p->netdevs[i], &s->live[i], err);
	return ret;
}

int net_enter(struct net_state *s, pid_t pid, lxcmgr_error **err)
{
	struct nl in = { 0 };
	char path[64];

	if (!s->n || s->premade)
		return 0;
	/* Held from before the first move: whatever happens to the container
	 * now, the devices stay reachable to be given back or deleted. */
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if ((s->netns_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return error_set(err, errno, "open the container's network namespace");
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (s->by_user && (s->userns_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return error_set(err, errno, "open the container's user namespace");
	int ret = enter_devices(s, pid, &in, err);
	nl_close(&in);
	return ret;
}

/* Only host root's start without a user namespace: in one, the container's
 * network namespace must belong to it (its root configures its own
 * devices), and only the clone can make it there. Shared namespaces take
 * their own way through share_clone. */
static bool can_premake(const struct net_state *s)
{
	const struct start_plan *p = s->plan;

	return s->n && !s->by_user && !plan_userns(p) && !p->n_shares &&
	       (p->clone_flags & CLONE_NEWNET);
}

int net_premake(struct net_state *s, lxcmgr_error **err)
{
	struct nl in = { 0 };

	if (!can_premake(s))
		return 0;
	int ret = nl_open_new_ns(&in, &s->netns_fd, s->host_ns_fd);
	if (ret < 0)
		return error_set(err, -ret, "create the container's network namespace");
	s->premade = true;
	ret = enter_devices(s, 0, &in, err);
	nl_close(&in);
	return ret;
}

/* ---------------------------------------------------------------- stop */

/* A phys device back on the host, down, under its old name, MTU and MAC. */
static void give_back(struct nl *in, struct nl *host, const struct net_dev *d,
		      const struct net_live *l, int host_ns_fd, const struct lxcmgr_container *c)
{
	struct nl_link dev;
	int ret = nl_link_get(in, d->name, 0, &dev);

	ret = ret ?: link_change(in, dev.index, &(struct link_change){ .up = -1 });
	ret = ret ?: link_change(in, dev.index, &(struct link_change){ .netns_fd = host_ns_fd,
								     .name = l->phys_name });
	if (ret == 0 && nl_link_get(host, l->phys_name, 0, &dev) == 0)
		ret = link_change(host, dev.index,
				  &(struct link_change){ .mtu = l->phys_mtu,
							 .hwaddr = l->phys_has_hwaddr ? l->phys_hwaddr
										      : NULL });
	if (ret < 0)
		log_error(c->ctx, "lxc.net.%u (%s): give \"%s\" back to the host as \"%s\": %s",
			  d->index, d->origin, d->name, l->phys_name, strerror(-ret));
}

/* Deletes what this run made and is still there. */
static void delete_made(struct nl *in, struct nl *host, const struct net_dev *d,
			const struct net_live *l)
{
	struct nl_link dev;

	if (l->moved && !l->phys && in->sock && nl_link_get(in, d->name, 0, &dev) == 0)
		link_del(in, dev.index); /* a veth takes its host end along */
	if (l->host_index && nl_link_get(host, NULL, l->host_index, &dev) == 0 &&
	    str_eq(dev.name, l->host_name))
		link_del(host, l->host_index);
}

/* lxcmgr-user-nic deletes it and drops its record line; failing that
 * (the peer renamed inside, say), delete_made deletes the peer from
 * inside, which takes the host end along, and the helper's next run
 * drops the line. */
static void delete_user_veth(const struct net_state *s, const struct net_dev *d)
{
	cleanup_free char *lxcpath = lxcpath_of(s->c);
	lxcmgr_error *err = NULL;

	if (lxcpath && usernic_delete(lxcpath, s->c->name, s->netns_fd, d->link, d->name, &err) < 0)
		log_warn(s->c->ctx, "lxc.net.%u (%s): %s", d->index, d->origin, err->msg);
	lxcmgr_error_free(err);
}

void net_stop(struct net_state *s, const struct lxcmgr_container *c)
{
	const struct start_plan *p = s->plan;
	struct nl host = { 0 }, in = { 0 };

	if (!s->n) {
		free(s->live);
		s->live = NULL;
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct net_dev *d = &p->netdevs[i];
		const struct net_live *l = &s->live[i];
		lxcmgr_error *err = NULL;
		if (l->script_up_ran && d->script_down &&
		    net_script_run(p, d, "down", l->phys ? l->phys_name : l->host_name, &err) < 0)
			log_error(c->ctx, "%s", err->msg);
		lxcmgr_error_free(err);
	}
	if (nl_open(&host) < 0)
		log_error(c->ctx, "network devices: no netlink socket: %s", strerror(errno));
	for (size_t i = 0; s->netns_fd >= 0 && i < s->n; i++)
		if (s->live[i].by_helper)
			delete_user_veth(s, &p->netdevs[i]);
	if (s->netns_fd >= 0 && open_inside(s, &in) < 0)
		log_error(c->ctx, "network devices: no netlink socket in the container: %s",
			  strerror(errno));
	for (size_t i = 0; host.sock && i < s->n; i++) {
		if (s->live[i].phys && s->live[i].moved && in.sock)
			give_back(&in, &host, &p->netdevs[i], &s->live[i], s->host_ns_fd, c);
		else
			delete_made(&in, &host, &p->netdevs[i], &s->live[i]);
		l2proxy_del(&host, &p->netdevs[i], s->live[i].proxy_link, s->live[i].proxy_name,
			    s->live[i].n_proxied);
	}
	nl_close(&in);
	nl_close(&host);
	if (s->netns_fd >= 0)
		close(s->netns_fd);
	if (s->host_ns_fd >= 0)
		close(s->host_ns_fd);
	if (s->userns_fd >= 0)
		close(s->userns_fd);
	s->netns_fd = s->host_ns_fd = s->userns_fd = -1;
	s->premade = false;
	if (s->record)
		unlink(s->record);
	free(s->record);
	s->record = NULL;
	free(s->live);
	s->live = NULL;
	s->n = 0;
}
