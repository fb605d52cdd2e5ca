/* The start plan's network devices: every lxc.net.N.* key read into a
 * struct net_dev (net/netdev.h) and checked together, so a start either
 * knows how to make and configure each device or refuses before anything
 * exists, naming the key and its line.
 *
 * Runs after build_namespaces (type none already took the network
 * namespace out of clone_flags). Which host devices exist is only known
 * at start time (net/net.c says so then). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "conf/conf.h"
#include "container.h"
#include "net/netdev.h"
#include "run/plan-internal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

#define NET_MAX_INDEX 1023 /* keys.c refuses more */

/* ------------------------------------------------------------ helpers */

void net_dev_release(struct net_dev *d)
{
	free(d->origin);
	free(d->link_origin);
	free(d->addrs);
	free(d->gw4.origin);
	free(d->gw6.origin);
	free(d->script_up);
	free(d->script_down);
	free(d->script_up_origin);
	free(d->script_down_origin);
	free(d->routes);
	free(d->l2proxy_origin);
	free(d->vlan_tagged);
	free(d->vlan_origin);
}

const char *net_type_name(enum net_type type)
{
	static const char *const names[] = { "veth", "macvlan", "ipvlan", "vlan", "phys" };
	return type < ARRAY_SIZE(names) ? names[type] : "?";
}

/* LXC's default prefix for an IPv4 address written without one: its class. */
static unsigned classful_prefix(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	if ((h & 0x80000000u) == 0)
		return 8;
	if ((h & 0xc0000000u) == 0x80000000u)
		return 16;
	if ((h & 0xe0000000u) == 0xc0000000u)
		return 24;
	return 0;
}

int net_addr_parse(int family, const char *text, struct net_addr *out)
{
	cleanup_strv char **words = str_split(text, " \t");
	uint64_t prefix = 0;

	memset(out, 0, sizeof(*out));
	out->family = family;
	if (!words)
		return -ENOMEM;
	size_t w = 0;
	while (words[w] && !words[w][0])
		w++;
	if (!words[w])
		return -EINVAL;
	char *addr = words[w];
	char *slash = strchr(addr, '/');
	if (slash) {
		*slash = '\0';
		if (str_to_u64(slash + 1, &prefix) < 0 || prefix > (family == AF_INET ? 32u : 128u))
			return -EINVAL;
	}
	if (inet_pton(family, addr, &out->addr) != 1)
		return -EINVAL;
	out->prefix = slash ? (unsigned)prefix
			    : family == AF_INET ? classful_prefix(out->addr.v4) : 64;
	for (w++; words[w]; w++) {
		if (!words[w][0])
			continue;
		if (family != AF_INET || out->has_bcast || inet_pton(AF_INET, words[w], &out->bcast) != 1)
			return -EINVAL;
		out->has_bcast = true;
	}
	return 0;
}

/* "lxc.net.N.SUB" */
static char *net_key(unsigned n, const char *sub)
{
	return str_printf("lxc.net.%u.%s", n, sub);
}

static const char *net_value(struct build *b, unsigned n, const char *sub)
{
	cleanup_free char *key = net_key(n, sub);
	return key ? conf_value(b->conf, key) : NULL;
}

/* The error for lxc.net.N.SUB: "KEY = VALUE (ORIGIN): MESSAGE". */
#define net_error(b, errnum, n, sub, ...)                                            \
	({                                                                           \
		cleanup_free char *k_ = net_key(n, sub);                             \
		k_ ? value_error(b, errnum, k_, LAST, __VA_ARGS__) : -ENOMEM;        \
	})

static int copy_ifname(char dst[IF_NAMESIZE], const char *v)
{
	if (!v)
		return 0;
	if (strlen(v) >= IF_NAMESIZE)
		return -EINVAL; /* checked when loaded */
	strcpy(dst, v);
	return 0;
}

/* ------------------------------------------------------------- values */

static int read_addrs(struct build *b, unsigned n, const char *sub, int family,
		      struct net_addr **list, size_t *count)
{
	cleanup_free char *key = net_key(n, sub);
	char *const *v = key ? conf_values(b->conf, key) : NULL;

	if (!key)
		return -ENOMEM;
	for (size_t i = 0; v && v[i]; i++) {
		struct net_addr *grown = realloc(*list, (*count + 1) * sizeof(**list));
		if (!grown)
			return -ENOMEM;
		*list = grown;
		if (net_addr_parse(family, v[i], &grown[*count]) < 0)
			return value_error(b, EINVAL, key, i, "not an address");
		(*count)++;
	}
	return 0;
}

static int read_gateway(struct build *b, unsigned n, const char *sub, int family,
			struct net_gateway *gw)
{
	cleanup_free char *key = net_key(n, sub);
	const char *v = key ? conf_value(b->conf, key) : NULL;

	if (!key)
		return -ENOMEM;
	if (!v)
		return 0;
	gw->origin = origin_at(b->conf, key, LAST);
	if (str_eq(v, "auto"))
		gw->kind = NET_GW_AUTO;
	else if (str_eq(v, "dev"))
		gw->kind = NET_GW_DEV;
	else if (net_addr_parse(family, v, &gw->addr) == 0)
		gw->kind = NET_GW_ADDR;
	else
		return value_error(b, EINVAL, key, LAST, "not a gateway");
	gw->addr.prefix = family == AF_INET ? 32 : 128;
	return 0;
}

/* x digits of 00:16:3e:xx:xx:xx become random; the multicast bit of the
 * first byte is cleared and the local bit set when that byte was random. */
static void fill_hwaddr(const char *v, unsigned char mac[6])
{
	unsigned char rnd[6];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	for (int i = 0; i < 6; i++) {
		const char *p = v + i * 3;
		unsigned hi = p[0] == 'x' || p[0] == 'X' ? rnd[i] >> 4 : (unsigned)strtoul((char[]){ p[0], 0 }, NULL, 16);
		unsigned lo = p[1] == 'x' || p[1] == 'X' ? rnd[i] & 0xf : (unsigned)strtoul((char[]){ p[1], 0 }, NULL, 16);
		mac[i] = (unsigned char)(hi << 4 | lo);
	}
	if (strpbrk((char[]){ v[0], v[1], 0 }, "xX"))
		mac[0] = (unsigned char)((mac[0] & 0xfe) | 0x02);
}

static bool hwaddr_has_x(const char *v)
{
	return v && strpbrk(v, "xX");
}

/* Keys that only one type (or veth mode) reads. */
static const struct {
	const char *sub;
	unsigned types; /* 1u << NET_* */
} type_keys[] = {
	{ "macvlan.mode", 1u << NET_MACVLAN },
	{ "ipvlan.mode", 1u << NET_IPVLAN },
	{ "ipvlan.isolation", 1u << NET_IPVLAN },
	{ "vlan.id", 1u << NET_VLAN },
	{ "veth.mode", 1u << NET_VETH },
	{ "veth.pair", 1u << NET_VETH },
	{ "veth.ipv4.route", 1u << NET_VETH },
	{ "veth.ipv6.route", 1u << NET_VETH },
	{ "veth.n_rxqueues", 1u << NET_VETH },
	{ "veth.n_txqueues", 1u << NET_VETH },
	{ "veth.vlan.id", 1u << NET_VETH },
	{ "veth.vlan.tagged.id", 1u << NET_VETH },
};

static int check_keys_apply(struct build *b, struct net_dev *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_keys); i++) {
		const char *v = net_value(b, d->index, type_keys[i].sub);
		if (v && !(type_keys[i].types & (1u << d->type)))
			return net_error(b, EINVAL, d->index, type_keys[i].sub,
					 "applies to another network type, not %s; remove it",
					 net_type_name(d->type));
	}
	return 0;
}

static int read_mode(struct build *b, struct net_dev *d)
{
	static const struct {
		const char *word;
		unsigned mode;
	} macvlan[] = { { "private", MACVLAN_MODE_PRIVATE }, { "vepa", MACVLAN_MODE_VEPA },
			{ "bridge", MACVLAN_MODE_BRIDGE }, { "passthru", MACVLAN_MODE_PASSTHRU } },
	  ipvlan[] = { { "l2", IPVLAN_MODE_L2 }, { "l3", IPVLAN_MODE_L3 }, { "l3s", IPVLAN_MODE_L3S } },
	  isolation[] = { { "bridge", 0 }, { "private", IPVLAN_F_PRIVATE }, { "vepa", IPVLAN_F_VEPA } };
	const char *v;

	if (d->type == NET_MACVLAN) {
		d->mode = MACVLAN_MODE_PRIVATE; /* LXC's default */
		v = net_value(b, d->index, "macvlan.mode");
		for (size_t i = 0; v && i < ARRAY_SIZE(macvlan); i++)
			if (str_eq(v, macvlan[i].word))
				d->mode = macvlan[i].mode;
	} else if (d->type == NET_IPVLAN) {
		d->mode = IPVLAN_MODE_L3; /* LXC's default, with isolation bridge */
		v = net_value(b, d->index, "ipvlan.mode");
		for (size_t i = 0; v && i < ARRAY_SIZE(ipvlan); i++)
			if (str_eq(v, ipvlan[i].word))
				d->mode = ipvlan[i].mode;
		v = net_value(b, d->index, "ipvlan.isolation");
		for (size_t i = 0; v && i < ARRAY_SIZE(isolation); i++)
			if (str_eq(v, isolation[i].word))
				d->ipvlan_flags = isolation[i].mode;
	}
	return 0;
}

static int read_uint(struct build *b, unsigned n, const char *sub, uint64_t max, unsigned *out)
{
	const char *v = net_value(b, n, sub);
	uint64_t x;

	if (!v)
		return 0;
	if (str_to_u64(v, &x) < 0 || x > max)
		return net_error(b, ERANGE, n, sub, "use a number from 0 to %llu",
				 (unsigned long long)max);
	*out = (unsigned)x;
	return 0;
}

static int read_scripts(struct build *b, struct net_dev *d)
{
	static const char *const subs[] = { "script.up", "script.down" };
	char **cmd[] = { &d->script_up, &d->script_down };
	char **org[] = { &d->script_up_origin, &d->script_down_origin };

	for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
		cleanup_free char *key = net_key(d->index, subs[i]);
		const char *v = key ? conf_value(b->conf, key) : NULL;
		if (!key)
			return -ENOMEM;
		if (!v)
			continue;
		*cmd[i] = strdup(v);
		*org[i] = origin_at(b->conf, key, LAST);
		if (!*cmd[i] || !*org[i])
			return -ENOMEM;
	}
	return 0;
}

/* l2proxy, and where it was set (for the errors at start). */
static int read_l2proxy(struct build *b, struct net_dev *d)
{
	cleanup_free char *key = net_key(d->index, "l2proxy");
	const char *v = key ? conf_value(b->conf, key) : NULL;

	if (!key)
		return -ENOMEM;
	d->l2proxy = str_eq(v, "1"); /* 0 or 1, checked when loaded */
	if (d->l2proxy && !(d->l2proxy_origin = origin_at(b->conf, key, LAST)))
		return -ENOMEM;
	return 0;
}

/* veth.vlan.id (a VLAN or none) and every veth.vlan.tagged.id, each
 * checked when loaded. */
static int read_vlans(struct build *b, struct net_dev *d)
{
	cleanup_free char *id_key = net_key(d->index, "veth.vlan.id");
	cleanup_free char *tag_key = net_key(d->index, "veth.vlan.tagged.id");
	if (!id_key || !tag_key)
		return -ENOMEM;
	const char *id = conf_value(b->conf, id_key);
	char *const *tagged = conf_values(b->conf, tag_key);
	uint64_t x;

	if (id && str_eq(id, "none")) {
		d->vlan_untagged = NET_VLAN_NONE;
	} else if (id) {
		if (str_to_u64(id, &x) < 0 || x < 1 || x > 4094)
			return value_error(b, EINVAL, id_key, LAST, "not a bridge VLAN id");
		d->vlan_untagged = NET_VLAN_ID;
		d->vlan_pvid = (unsigned)x;
	}
	for (size_t i = 0; tagged && tagged[i]; i++) {
		if (str_to_u64(tagged[i], &x) < 0 || x < 1 || x > 4094)
			return value_error(b, EINVAL, tag_key, i, "not a bridge VLAN id");
		if (d->vlan_untagged == NET_VLAN_ID && x == d->vlan_pvid)
			return value_error(b, EINVAL, tag_key, i, "VLAN %u is the port's untagged "
					   "one (lxc.net.%u.veth.vlan.id); a port carries a VLAN "
					   "either tagged or untagged", d->vlan_pvid, d->index);
		unsigned short *grown = realloc(d->vlan_tagged,
						(d->n_vlan_tagged + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		d->vlan_tagged = grown;
		grown[d->n_vlan_tagged++] = (unsigned short)x;
	}
	if (id || d->n_vlan_tagged) {
		cleanup_free char *o = origin_at(b->conf, id ? id_key : tag_key, id ? LAST : 0);
		d->vlan_origin = o ? str_printf("veth.vlan.%s = %s (%s)", id ? "id" : "tagged.id",
						id ? id : tagged[0], o)
				   : NULL;
		if (!d->vlan_origin)
			return -ENOMEM;
	}
	return 0;
}

/* What the type asks of the other keys. */
static int check_device(struct build *b, struct net_dev *d)
{
	if (d->type != NET_VETH && !d->link[0])
		return net_error(b, EINVAL, d->index, "type", "%s needs a host device: add "
				 "lxc.net.%u.link", net_type_name(d->type), d->index);
	if (d->type == NET_VETH && d->veth_router && d->link[0] && !d->l2proxy)
		return net_error(b, EINVAL, d->index, "link", "veth.mode = router routes to the "
				 "device instead of attaching it to a bridge; remove the link, or "
				 "add lxc.net.%u.l2proxy = 1 to answer for the container's "
				 "addresses on it", d->index);
	if (d->l2proxy && !d->link[0])
		return net_error(b, EINVAL, d->index, "l2proxy", "answers ARP/NDP on the link, "
				 "and there is none: add lxc.net.%u.link", d->index);
	if (d->l2proxy && d->type == NET_PHYS)
		return net_error(b, EINVAL, d->index, "l2proxy", "the link of a phys device "
				 "goes into the container and cannot answer for it on the host; "
				 "remove l2proxy");
	if ((d->vlan_untagged || d->n_vlan_tagged) && (d->veth_router || !d->link[0]))
		return net_error(b, EINVAL, d->index, d->vlan_untagged ? "veth.vlan.id"
								       : "veth.vlan.tagged.id",
				 "sets the VLANs of the veth's port on its bridge; needs "
				 "veth.mode = bridge and lxc.net.%u.link", d->index);
	if (d->type == NET_VLAN && !net_value(b, d->index, "vlan.id"))
		return net_error(b, EINVAL, d->index, "type", "vlan needs lxc.net.%u.vlan.id",
				 d->index);
	if (d->type == NET_VETH && d->veth_router && d->gw4.kind == NET_GW_AUTO)
		return net_error(b, EINVAL, d->index, "ipv4.gateway", "auto takes the address of "
				 "the bridge, and veth.mode = router has none; use dev");
	if (d->type != NET_VETH && (d->gw4.kind == NET_GW_AUTO || d->gw6.kind == NET_GW_AUTO))
		return net_error(b, EINVAL, d->index, d->gw4.kind == NET_GW_AUTO ? "ipv4.gateway"
										: "ipv6.gateway",
				 "auto takes the address of a veth's bridge; use an address or dev");
	if ((d->gw4.kind || d->gw6.kind) && !d->up)
		return net_error(b, EINVAL, d->index, d->gw4.kind ? "ipv4.gateway" : "ipv6.gateway",
				 "a route needs the device up: add lxc.net.%u.flags = up", d->index);
	return 0;
}

static int read_device(struct build *b, unsigned n, struct net_dev *d)
{
	static const char *const types[] = { "veth", "macvlan", "ipvlan", "vlan", "phys" };
	cleanup_free char *type_key = net_key(n, "type");
	const char *type = type_key ? conf_value(b->conf, type_key) : NULL;
	const char *v;
	int ret;

	d->index = n;
	for (d->type = 0; d->type < ARRAY_SIZE(types) && !str_eq(types[d->type], type); d->type++)
		;
	d->origin = origin_at(b->conf, type_key, LAST);
	if (!d->origin)
		return -ENOMEM;
	if (copy_ifname(d->link, net_value(b, n, "link")) < 0 ||
	    copy_ifname(d->name, net_value(b, n, "name")) < 0 ||
	    copy_ifname(d->pair, net_value(b, n, "veth.pair")) < 0)
		return net_error(b, EINVAL, n, "name", "not an interface name");
	if (d->link[0]) {
		cleanup_free char *k = net_key(n, "link");
		if (!(d->link_origin = origin_at(b->conf, k, LAST)))
			return -ENOMEM;
	}
	d->up = str_eq(net_value(b, n, "flags"), "up");
	d->veth_router = str_eq(net_value(b, n, "veth.mode"), "router");
	if ((v = net_value(b, n, "hwaddr"))) {
		d->has_hwaddr = true;
		fill_hwaddr(v, d->hwaddr); /* x left only by a -s define: random each start */
	}
	if ((ret = check_keys_apply(b, d)) < 0 || (ret = read_mode(b, d)) < 0 ||
	    (ret = read_uint(b, n, "mtu", 65535, &d->mtu)) < 0 ||
	    (ret = read_uint(b, n, "vlan.id", 4094, &d->vlan_id)) < 0 ||
	    (ret = read_uint(b, n, "veth.n_rxqueues", 4096, &d->rx_queues)) < 0 ||
	    (ret = read_uint(b, n, "veth.n_txqueues", 4096, &d->tx_queues)) < 0 ||
	    (ret = read_addrs(b, n, "ipv4.address", AF_INET, &d->addrs, &d->n_addrs)) < 0 ||
	    (ret = read_addrs(b, n, "ipv6.address", AF_INET6, &d->addrs, &d->n_addrs)) < 0 ||
	    (ret = read_addrs(b, n, "veth.ipv4.route", AF_INET, &d->routes, &d->n_routes)) < 0 ||
	    (ret = read_addrs(b, n, "veth.ipv6.route", AF_INET6, &d->routes, &d->n_routes)) < 0 ||
	    (ret = read_gateway(b, n, "ipv4.gateway", AF_INET, &d->gw4)) < 0 ||
	    (ret = read_gateway(b, n, "ipv6.gateway", AF_INET6, &d->gw6)) < 0 ||
	    (ret = read_scripts(b, d)) < 0 || (ret = read_l2proxy(b, d)) < 0 ||
	    (d->type == NET_VETH && (ret = read_vlans(b, d)) < 0))
		return ret;
	return check_device(b, d);
}

/* -------------------------------------------------------------- build */

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

/* The N of every lxc.net.N.* key, sorted, each once. */
static int device_indexes(struct build *b, unsigned **out, size_t *count)
{
	cleanup_strv char **keys = conf_keys(b->conf);
	cleanup_free unsigned *list = NULL;
	size_t n = 0;

	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; keys[i]; i++) {
		unsigned idx;
		if (sscanf(keys[i], "lxc.net.%u.", &idx) != 1 || idx > NET_MAX_INDEX)
			continue;
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = list[k] == idx;
		if (seen)
			continue;
		unsigned *grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown)
			return -ENOMEM;
		list = grown;
		list[n++] = idx;
	}
	if (n)
		qsort(list, n, sizeof(*list), cmp_uint);
	*out = steal_ptr(list);
	*count = n;
	return 0;
}

/* A device without a name gets the first ethK no other device of the
 * container is named (LXC leaves "eth%d" to the kernel; naming it here
 * lets every later step, and errors, use the name). */
static void default_names(struct start_plan *p)
{
	for (size_t i = 0; i < p->n_netdevs; i++) {
		struct net_dev *d = &p->netdevs[i];
		if (d->name[0])
			continue;
		if (d->type == NET_PHYS) {
			strcpy(d->name, d->link);
			continue;
		}
		for (unsigned k = 0; !d->name[0]; k++) {
			char cand[IF_NAMESIZE];
			bool taken = false;
			snprintf(cand, sizeof(cand), "eth%u", k);
			for (size_t j = 0; j < p->n_netdevs && !taken; j++)
				taken = str_eq(p->netdevs[j].name, cand);
			if (!taken)
				strcpy(d->name, cand);
		}
	}
}

static int check_unique_names(struct build *b)
{
	struct start_plan *p = b->p;

	for (size_t i = 0; i < p->n_netdevs; i++)
		for (size_t j = 0; j < i; j++) {
			const struct net_dev *x = &p->netdevs[i], *y = &p->netdevs[j];
			if (str_eq(x->name, y->name))
				return net_error(b, EEXIST, x->index, "name", "lxc.net.%u has this "
						 "name too (%s); give each device its own",
						 y->index, y->origin);
			if (x->pair[0] && str_eq(x->pair, y->pair))
				return net_error(b, EEXIST, x->index, "veth.pair", "lxc.net.%u has "
						 "this veth.pair too", y->index);
			if (x->type == NET_PHYS && y->type == NET_PHYS && str_eq(x->link, y->link))
				return net_error(b, EEXIST, x->index, "link", "lxc.net.%u moves this "
						 "device too", y->index);
		}
	return 0;
}

/* A device the host side makes needs CAP_NET_ADMIN on the host, which an
 * ordinary user lacks. A veth on a bridge is made for them by the setuid
 * lxcmgr-user-nic (net/usernic.h), within what lxc-usernet(5) allows;
 * the other types, and what of a veth only the host side could set up, are
 * refused here, before anything exists. */
static int check_user_may_make(struct build *b, const char *type_key, const char *type)
{
	if (geteuid() == 0 || str_eq(type, "veth"))
		return 0;
	return value_error(b, EOPNOTSUPP, type_key, LAST,
			   "not supported yet for containers started by an ordinary user "
			   "(lxcmgr-user-nic makes veths only); use veth, empty, or start as "
			   "root");
}

static int check_user_veth(struct build *b, const struct net_dev *d)
{
	static const char why[] = "not supported yet for a veth of a container started by "
				  "an ordinary user (lxcmgr-user-nic puts the host end on a "
				  "bridge, nothing more)";
	const char *sub = NULL;

	if (geteuid() == 0)
		return 0;
	if (!d->link[0])
		return net_error(b, EINVAL, d->index, "type", "an ordinary user's veth needs a "
				 "bridge that lxc-usernet(5) allows them; set lxc.net.%u.link",
				 d->index);
	if (d->veth_router)
		sub = "veth.mode";
	else if (d->pair[0])
		sub = "veth.pair";
	else if (d->n_routes)
		sub = d->routes[0].family == AF_INET ? "veth.ipv4.route" : "veth.ipv6.route";
	else if (d->vlan_untagged || d->n_vlan_tagged)
		sub = d->vlan_untagged ? "veth.vlan.id" : "veth.vlan.tagged.id";
	else if (d->l2proxy)
		sub = "l2proxy";
	else if (d->script_up)
		sub = "script.up";
	else if (d->script_down)
		sub = "script.down";
	else if (d->rx_queues || d->tx_queues)
		sub = d->rx_queues ? "veth.n_rxqueues" : "veth.n_txqueues";
	return sub ? net_error(b, EOPNOTSUPP, d->index, sub, "%s", why) : 0;
}

int plan_build_net(struct build *b)
{
	struct start_plan *p = b->p;
	cleanup_free unsigned *idx = NULL;
	size_t n = 0;
	int ret = device_indexes(b, &idx, &n);

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *type_key = net_key(idx[i], "type");
		const char *type = type_key ? conf_value(b->conf, type_key) : NULL;
		if (!type_key)
			return -ENOMEM;
		if (!type) {
			cleanup_strv char **keys = conf_keys(b->conf);
			cleanup_free char *prefix = str_printf("lxc.net.%u.", idx[i]);
			for (size_t k = 0; keys && prefix && keys[k]; k++)
				if (str_starts_with(keys[k], prefix))
					return value_error(b, EINVAL, keys[k], 0, "lxc.net.%u has no "
							   "type; add lxc.net.%u.type", idx[i],
							   idx[i]);
			continue;
		}
		if (str_eq(type, "none") || str_eq(type, "empty"))
			continue;
		if (!(p->clone_flags & CLONE_NEWNET))
			return value_error(b, EINVAL, type_key, LAST,
					   "the container has no network namespace of its own "
					   "(type none, lxc.namespace.keep or .share.net) to move a "
					   "device into");
		if ((ret = check_user_may_make(b, type_key, type)) < 0)
			return ret;
#ifndef HAVE_LIBMNL
		return value_error(b, EOPNOTSUPP, type_key, LAST,
				   "this lxcmgr was built without libmnl (--disable-netlink); "
				   "use empty or none");
#endif
		struct net_dev *grown = realloc(p->netdevs, (p->n_netdevs + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		p->netdevs = grown;
		memset(&grown[p->n_netdevs], 0, sizeof(*grown));
		p->n_netdevs++;
		if ((ret = read_device(b, idx[i], &grown[p->n_netdevs - 1])) < 0 ||
		    (ret = check_user_veth(b, &grown[p->n_netdevs - 1])) < 0)
			return ret;
	}
	default_names(p);
	return check_unique_names(b);
}

void plan_free_net(struct start_plan *p)
{
	for (size_t i = 0; i < p->n_netdevs; i++)
		net_dev_release(&p->netdevs[i]);
	free(p->netdevs);
}

/* ------------------------------------------------- hwaddr write-back */

static void format_hwaddr(const unsigned char mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

int plan_net_fix_hwaddrs(struct lxcmgr_container *c, lxcmgr_error **err)
{
	cleanup_strv char **keys = conf_keys(c->conf);
	bool changed = false;

	if (!keys)
		return error_set(err, ENOMEM, "read the network config");
	for (size_t i = 0; keys[i]; i++) {
		struct conf_origin o;
		unsigned n;
		char sub[16], text[18];
		unsigned char mac[6];
		const char *v = conf_value(c->conf, keys[i]);
		if (sscanf(keys[i], "lxc.net.%u.%15s", &n, sub) != 2 || !str_eq(sub, "hwaddr") ||
		    !hwaddr_has_x(v))
			continue;
		/* A -s define is never saved: it stays random at each start. */
		if (conf_origin(c->conf, keys[i], &o) < 0 || !o.file || o.file[0] != '/')
			continue;
		fill_hwaddr(v, mac);
		format_hwaddr(mac, text);
		if (conf_set(c->conf, keys[i], text, err) < 0)
			return error_wrap(err, -EINVAL, "choose %s", keys[i]);
		changed = true;
	}
	if (changed && conf_save(c->conf, c->config_path, err) < 0)
		return error_wrap(err, -EIO, "save the chosen MAC addresses");
	return 0;
}
