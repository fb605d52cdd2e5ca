#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/netlink.h"
#include "util/fdpass.h"

int nl_open(struct nl *nl)
{
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return -e;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned)time(NULL);
	return 0;
}

int nl_open_in(struct nl *nl, int ns_fd, int host_ns_fd)
{
	if (setns(ns_fd, CLONE_NEWNET) < 0)
		return -errno;
	int ret = nl_open(nl);
	/* Back home before anything else: failing that, this process would
	 * make every later host device inside the container. */
	if (setns(host_ns_fd, CLONE_NEWNET) < 0) {
		int e = errno;
		nl_close(nl);
		return -e;
	}
	return ret;
}

int nl_open_new_ns(struct nl *nl, int *ns_fd, int host_ns_fd)
{
	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	*ns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int ret = *ns_fd < 0 ? -errno : nl_open(nl);
	/* Home again whatever failed, as in nl_open_in. */
	if (setns(host_ns_fd, CLONE_NEWNET) < 0)
		ret = -errno;
	if (ret < 0) {
		nl_close(nl);
		if (*ns_fd >= 0)
			close(*ns_fd);
		*ns_fd = -1;
	}
	return ret;
}

/* In the child: the socket, made inside, sent up SOCK. */
static void __attribute__((noreturn)) open_inside(int userns_fd, int ns_fd, int sock)
{
	struct nl nl = { 0 };
	char status = 0;
	int ret = 0, fd = -1;

	if (setns(userns_fd, CLONE_NEWUSER) < 0 || setns(ns_fd, CLONE_NEWNET) < 0)
		ret = -errno;
	ret = ret ?: nl_open(&nl);
	if (ret == 0)
		fd = mnl_socket_get_fd(nl.sock);
	else
		status = (char)-ret;
	_exit(fd_send(sock, &status, 1, &fd, 1) == 0 ? 0 : 1);
}

int nl_open_userns(struct nl *nl, int userns_fd, int ns_fd)
{
	int pair[2], fd = -1, status;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char code = 0;
	struct iovec iov = { &code, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid == 0) {
		close(pair[0]);
		open_inside(userns_fd, ns_fd, pair[1]);
	}
	int e = errno;
	close(pair[1]);
	if (pid < 0) {
		close(pair[0]);
		return -e;
	}
	ssize_t n = recvmsg(pair[0], &msg, MSG_CMSG_CLOEXEC);
	e = errno;
	close(pair[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	struct cmsghdr *c = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (fd < 0)
		return n < 0 ? -e : code ? -(int)(unsigned char)code : -EIO;
	if (!(nl->sock = mnl_socket_fdopen(fd))) {
		e = errno;
		close(fd);
		return -e;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned)time(NULL);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

struct nlmsghdr *nl_msg(struct nl *nl, uint16_t type, uint16_t flags, size_t hdr_size,
			void **hdr)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	void *extra = mnl_nlmsg_put_extra_header(nlh, hdr_size);
	if (hdr)
		*hdr = extra;
	return nlh;
}

int nl_request(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned seq = nlh->nlmsg_seq;
	int ret;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (n < 0)
			return -errno;
		/* mnl_cb_run turns an NLMSG_ERROR into -1 with errno set, an ack
		 * (error 0) or NLMSG_DONE into MNL_CB_STOP. */
		ret = mnl_cb_run(nl->buf, (size_t)n, seq, nl->portid, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

/* ----------------------------------------------------------- links */

struct link_query {
	struct nl_link *out;
	bool found;
};

static int bridge_data_cb(const struct nlattr *attr, void *data)
{
	struct nl_link *l = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_BR_VLAN_FILTERING:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) == 0)
			l->vlan_filtering = mnl_attr_get_u8(attr) != 0;
		break;
	case IFLA_BR_VLAN_DEFAULT_PVID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			l->default_pvid = mnl_attr_get_u16(attr);
		break;
	}
	return MNL_CB_OK;
}

static int linkinfo_cb(const struct nlattr *attr, void *data)
{
	struct nl_link *l = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND && mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
		snprintf(l->kind, sizeof(l->kind), "%s", mnl_attr_get_str(attr));
	/* The kind comes first (rtnl_link_info_fill), so it is known here. */
	if (mnl_attr_get_type(attr) == IFLA_INFO_DATA && strcmp(l->kind, "bridge") == 0)
		mnl_attr_parse_nested(attr, bridge_data_cb, l);
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_link *l = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
			snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(attr));
		break;
	case IFLA_MASTER:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			l->master = (int)mnl_attr_get_u32(attr);
		break;
	case IFLA_LINK:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			l->link = (int)mnl_attr_get_u32(attr);
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			l->mtu = mnl_attr_get_u32(attr);
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(attr) == 6) {
			memcpy(l->hwaddr, mnl_attr_get_payload(attr), 6);
			l->has_hwaddr = true;
		}
		break;
	case IFLA_LINKINFO:
		mnl_attr_parse_nested(attr, linkinfo_cb, l);
		break;
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_query *q = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	memset(q->out, 0, sizeof(*q->out));
	q->out->index = ifi->ifi_index;
	q->out->flags = ifi->ifi_flags;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, q->out);
	q->found = true;
	return MNL_CB_OK;
}

int nl_link_get(struct nl *nl, const char *name, int index, struct nl_link *out)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_GETLINK, 0, sizeof(*ifi), (void **)&ifi);
	struct link_query q = { .out = out };

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	if (!index)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	int ret = nl_request(nl, nlh, link_cb, &q);
	if (ret == -ENODEV || (ret == 0 && !q.found))
		return -ENODEV;
	return ret;
}
