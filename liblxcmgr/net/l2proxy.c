/* Proxy neighbour entries on a device's link (l2proxy.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/l2proxy.h"
#include "net/link.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

/* "lxc.net.0.l2proxy = 1 (config:9)" */
#define L2PROXY_FMT "lxc.net.%u.l2proxy = 1 (%s)"

/* Is /proc/sys/net/ipvV/conf/NAME/KNOB set? 1, 0, or a negative errno. */
static int sysctl_is_on(char v, const char *name, const char *knob)
{
	char path[128];
	cleanup_free char *text = NULL;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv%c/conf/%s/%s", v, name, knob);
	int ret = file_read(path, 64, &text, NULL);
	return ret < 0 ? ret : atoi(text) != 0;
}

/* The sysctls the kernel needs on LINK before it answers for an address
 * of FAMILY there (arp_process, ndisc_recv_ns): each named in the error
 * with the command that sets it. */
static int check_sysctls(const struct net_dev *d, int family, const char *name,
			 lxcmgr_error **err)
{
	static const struct {
		int family;
		char v;
		const char *knob;
	} needs[] = { { AF_INET, '4', "forwarding" },
		      { AF_INET6, '6', "proxy_ndp" },
		      { AF_INET6, '6', "forwarding" } };
	/* sysctl(8) reads dots as slashes: a name with one (eth0.42) needs
	 * the slash form. */
	char sep = strchr(name, '.') ? '/' : '.';

	for (size_t i = 0; i < ARRAY_SIZE(needs); i++) {
		if (needs[i].family != family)
			continue;
		int ret = sysctl_is_on(needs[i].v, name, needs[i].knob);
		if (ret < 0)
			return error_set(err, -ret, L2PROXY_FMT ": read net.ipv%c.conf.%s.%s",
					 d->index, d->l2proxy_origin, needs[i].v, name,
					 needs[i].knob);
		if (ret == 0)
			return error_msg(err, EINVAL, L2PROXY_FMT ": the link \"%s\" has "
					 "net.ipv%c.conf.%s.%s = 0, and the kernel answers for "
					 "the container's IPv%c addresses only with it on; "
					 "sysctl -w net%cipv%c%cconf%c%s%c%s=1", d->index,
					 d->l2proxy_origin, name, needs[i].v, name, needs[i].knob,
					 needs[i].v, sep, needs[i].v, sep, sep, name, sep,
					 needs[i].knob);
	}
	return 0;
}

/* The host address A stands for: the address itself, whatever its prefix. */
static struct net_addr host_addr(const struct net_addr *a)
{
	struct net_addr h = *a;
	h.prefix = h.family == AF_INET ? 32 : 128;
	return h;
}

int l2proxy_add(struct nl *nl, const struct net_dev *d, int link, const char *name,
		size_t *added, lxcmgr_error **err)
{
	bool has[2] = { false, false };
	int ret;

	*added = 0;
	for (size_t i = 0; i < d->n_addrs; i++)
		has[d->addrs[i].family == AF_INET6] = true;
	if ((has[0] && (ret = check_sysctls(d, AF_INET, name, err)) < 0) ||
	    (has[1] && (ret = check_sysctls(d, AF_INET6, name, err)) < 0))
		return ret;
	for (size_t i = 0; i < d->n_addrs; i++) {
		struct net_addr h = host_addr(&d->addrs[i]);
		char text[INET6_ADDRSTRLEN];
		if ((ret = neigh_proxy_add(nl, link, &h)) < 0)
			return error_set(err, -ret, L2PROXY_FMT ": answer for %s on \"%s\"",
					 d->index, d->l2proxy_origin,
					 inet_ntop(h.family, &h.addr, text, sizeof(text)) ?: "?",
					 name);
		(*added)++;
	}
	return 0;
}

/* Is LINK still the device NAME? A deleted link took its entries along,
 * and its index may belong to another device by now. */
static bool same_link(struct nl *nl, int link, const char *name)
{
	struct nl_link l;
	return nl_link_get(nl, NULL, link, &l) == 0 && str_eq(l.name, name);
}

void l2proxy_del(struct nl *nl, const struct net_dev *d, int link, const char *name,
		 size_t added)
{
	if (!added || !same_link(nl, link, name))
		return;
	for (size_t i = 0; i < added && i < d->n_addrs; i++) {
		struct net_addr h = host_addr(&d->addrs[i]);
		neigh_proxy_del(nl, link, &h);
	}
}

int l2proxy_record(char **text, const struct net_dev *d, int link, const char *name,
		   size_t added)
{
	for (size_t i = 0; i < added && i < d->n_addrs; i++) {
		char addr[INET6_ADDRSTRLEN];
		if (!inet_ntop(d->addrs[i].family, &d->addrs[i].addr, addr, sizeof(addr)))
			continue;
		char *line = str_printf("%sproxy %d %s %s\n", *text ? *text : "", link, name,
					addr);
		if (!line)
			return -ENOMEM;
		free(*text);
		*text = line;
	}
	return 0;
}

int l2proxy_undo_record(struct nl *nl, int link, const char *name, const char *addr)
{
	struct net_addr a = { .family = strchr(addr, ':') ? AF_INET6 : AF_INET };

	if (inet_pton(a.family, addr, &a.addr) != 1 || !same_link(nl, link, name))
		return 0;
	a.prefix = a.family == AF_INET ? 32 : 128;
	int ret = neigh_proxy_del(nl, link, &a);
	return ret == -ENOENT ? 0 : ret;
}
