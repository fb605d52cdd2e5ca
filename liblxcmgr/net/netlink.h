/* rtnetlink through libmnl: a socket in a chosen network namespace, one
 * request at a time, each answered by an ack (or a dump) whose error is
 * returned as a negative errno. Callers build messages with libmnl's
 * mnl_attr_put*() on the header nl_msg() returns. */
#ifndef LXCMGR_NET_NETLINK_H
#define LXCMGR_NET_NETLINK_H

#include <libmnl/libmnl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#define NL_BUFSIZE 8192

struct nl {
	struct mnl_socket *sock;
	unsigned seq;
	unsigned portid;
	char buf[NL_BUFSIZE]; /* the request being built, then the replies */
};

/* A socket in this process's network namespace. */
int nl_open(struct nl *nl);
/* A socket in the network namespace NS_FD refers to: this thread enters
 * it for the socket() call and returns to HOST_NS_FD (its own, opened by
 * the caller); the socket stays in the namespace it was made in. */
int nl_open_in(struct nl *nl, int ns_fd, int host_ns_fd);
/* A new network namespace and a socket in it: this thread makes it
 * (unshare), opens *NS_FD to it and the socket there, and returns to
 * HOST_NS_FD; the namespace lives on as long as *NS_FD. */
int nl_open_new_ns(struct nl *nl, int *ns_fd, int host_ns_fd);
/* The same for a process without CAP_SYS_ADMIN here (an ordinary user's
 * monitor): a child joins USERNS_FD (a user namespace the caller owns, so
 * it may) and then NS_FD, and sends the socket it made there back; the
 * caller's requests on it are then checked against that user namespace,
 * where its owner has every capability. */
int nl_open_userns(struct nl *nl, int userns_fd, int ns_fd);
void nl_close(struct nl *nl);

/* Starts a request of TYPE in nl->buf (NLM_F_REQUEST | NLM_F_ACK | FLAGS),
 * with a zeroed family header of HDR_SIZE bytes after it (*hdr). */
struct nlmsghdr *nl_msg(struct nl *nl, uint16_t type, uint16_t flags, size_t hdr_size,
			void **hdr);
/* Sends the request and reads until its ack, or the end of a dump; CB
 * (may be NULL) sees each reply message. 0 or a negative errno. */
int nl_request(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* What a link is, as RTM_GETLINK reports it. */
struct nl_link {
	int index;
	char name[IF_NAMESIZE];
	unsigned flags;   /* IFF_* */
	int master;       /* ifindex of the bridge it is a port of, or 0 */
	int link;         /* IFLA_LINK: a veth's peer (its ifindex in the peer's
			   * namespace), a vlan's parent; or 0 */
	unsigned mtu;
	bool has_hwaddr;
	unsigned char hwaddr[6];
	char kind[16];    /* IFLA_INFO_KIND: "bridge", "veth", ...; "" for hardware */
	/* A bridge's (IFLA_INFO_DATA): */
	bool vlan_filtering;
	unsigned default_pvid; /* the VLAN a new port joins untagged, or 0 */
};

/* The link named NAME (INDEX 0), or with ifindex INDEX: -ENODEV when none. */
int nl_link_get(struct nl *nl, const char *name, int index, struct nl_link *out);

#endif
