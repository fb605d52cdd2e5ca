/* The floor of bench-net.sh's start on a bridge: the bare kernel work any
 * implementation has to have done before a command runs in a container
 * with a veth on a bridge, with nothing of lxcmgr's (no config, rootfs,
 * cgroups, ptys, hooks or monitor protocol). One round, timed from the
 * first fork to the command's end:
 *
 *   fork                      the process that stands for the monitor
 *   clone3                    mount, UTS, IPC, PID and network namespaces
 *   one RTM_NEWLINK           the veth pair: eth0 in the new namespace,
 *                             the host end on BRIDGE, up, one queue each
 *   one send in the netns     eth0's address and eth0 up (two requests,
 *                             acked together)
 *   in the child              lo up, then execve /bin/true
 *
 * The pair goes with the namespace when the round ends (the kernel
 * dismantles it in the background, as after a container's stop).
 *
 *   floor-net BRIDGE ADDRESS/PREFIX   prints the round's nanoseconds, and
 *                                     the CPU time of its processes (user
 *                                     and system, ns; not the kernel's
 *                                     workers')
 *
 * Root; libmnl, as lxcmgr's netlink code. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "floor-net: %s: %s\n", what, strerror(errno));
	_exit(1);
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Sends the N requests in BUF (LEN bytes) at once and reads their acks;
 * *PEER (when not NULL) gets IFLA_LINK of an echoed new link: a veth's
 * peer's ifindex. */
static void talk(struct mnl_socket *nl, char *buf, size_t len, int n, int *peer,
		 const char *what)
{
	if (mnl_socket_sendto(nl, buf, len) < 0)
		die(what);
	while (n > 0) {
		char reply[MNL_SOCKET_BUFFER_SIZE];
		ssize_t got = mnl_socket_recvfrom(nl, reply, sizeof(reply));
		if (got < 0)
			die(what);
		for (struct nlmsghdr *h = (struct nlmsghdr *)reply; mnl_nlmsg_ok(h, (int)got);
		     h = mnl_nlmsg_next(h, (int *)&got)) {
			if (h->nlmsg_type == RTM_NEWLINK && peer) {
				struct nlattr *attr;
				mnl_attr_for_each(attr, h, sizeof(struct ifinfomsg))
					if (mnl_attr_get_type(attr) == IFLA_LINK)
						*peer = (int)mnl_attr_get_u32(attr);
			}
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
			if (e->error) {
				errno = -e->error;
				die(what);
			}
			n--;
		}
	}
}

static struct nlmsghdr *request(char *buf, uint16_t type, uint16_t flags, size_t hdr)
{
	static unsigned seq;
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);

	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++seq;
	mnl_nlmsg_put_extra_header(h, hdr);
	return h;
}

/* Returns the peer's ifindex in the child's namespace. */
static int make_veth(struct mnl_socket *nl, const char *host, int bridge, pid_t child)
{
	char buf[1024];
	int peer = 0;
	struct nlmsghdr *h = request(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO,
				     sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(h, IFLA_IFNAME, host);
	mnl_attr_put_u32(h, IFLA_MASTER, (uint32_t)bridge);
	mnl_attr_put_u32(h, IFLA_NUM_RX_QUEUES, 1);
	mnl_attr_put_u32(h, IFLA_NUM_TX_QUEUES, 1);
	struct nlattr *info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	struct nlattr *nest = mnl_attr_nest_start(h, VETH_INFO_PEER);
	struct ifinfomsg *pifi = mnl_nlmsg_put_extra_header(h, sizeof(*pifi));
	pifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(h, IFLA_IFNAME, "eth0");
	mnl_attr_put_u32(h, IFLA_NET_NS_PID, (uint32_t)child);
	mnl_attr_put_u32(h, IFLA_NUM_RX_QUEUES, 1);
	mnl_attr_put_u32(h, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_nest_end(h, nest);
	mnl_attr_nest_end(h, data);
	mnl_attr_nest_end(h, info);
	talk(nl, buf, h->nlmsg_len, 1, &peer, "create the veth pair");
	if (!peer) {
		errno = ENODEV;
		die("the veth pair's peer index (this kernel echoes no new link)");
	}
	return peer;
}

/* eth0's address and eth0 up, from a socket made in the child's netns. */
static void configure_inside(pid_t child, int eth0, struct in_addr addr, unsigned prefix)
{
	char path[64], buf[1024];
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), ns;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)child);
	if (home < 0 || (ns = open(path, O_RDONLY | O_CLOEXEC)) < 0 || setns(ns, CLONE_NEWNET) < 0)
		die("enter the child's network namespace");
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 || setns(home, CLONE_NEWNET) < 0)
		die("netlink socket in the child's network namespace");
	struct nlmsghdr *a = request(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
				     sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(a);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned)eth0;
	mnl_attr_put(a, IFA_LOCAL, 4, &addr);
	mnl_attr_put(a, IFA_ADDRESS, 4, &addr);
	struct nlmsghdr *u = request(buf + a->nlmsg_len, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(u);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = eth0;
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	talk(nl, buf, a->nlmsg_len + u->nlmsg_len, 2, NULL, "configure eth0 inside");
	mnl_socket_close(nl);
	close(ns);
	close(home);
}

/* The container's first process: waits for its network, lo up, exec. */
static void child(int go)
{
	char c;
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd;

	if (read(go, &c, 1) != 1)
		_exit(1);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		_exit(1);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		_exit(1);
	execl("/bin/true", "true", (char *)NULL);
	_exit(127);
}

/* The stand-in monitor. */
static void monitor(int bridge, struct in_addr addr, unsigned prefix)
{
	int go[2], status;
	char host[IF_NAMESIZE];

	if (pipe2(go, O_CLOEXEC) < 0)
		die("pipe");
	struct clone_args args = { .flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
					    CLONE_NEWPID | CLONE_NEWNET,
				   .exit_signal = SIGCHLD };
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		die("clone3");
	if (pid == 0)
		child(go[0]);
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket");
	snprintf(host, sizeof(host), "vfl%d", (int)getpid());
	int eth0 = make_veth(nl, host, bridge, pid);
	mnl_socket_close(nl);
	configure_inside(pid, eth0, addr, prefix);
	if (write(go[1], "g", 1) != 1)
		die("let the child go");
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		_exit(1);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct in_addr addr;
	char *slash = argc == 3 ? strchr(argv[2], '/') : NULL;
	int status;

	if (!slash) {
		fprintf(stderr, "usage: floor-net BRIDGE ADDRESS/PREFIX\n");
		return 2;
	}
	*slash = '\0';
	int bridge = (int)if_nametoindex(argv[1]);
	if (!bridge || inet_pton(AF_INET, argv[2], &addr) != 1)
		die("bridge or address");
	long long t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		monitor(bridge, addr, (unsigned)atoi(slash + 1));
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "floor-net: the round failed\n");
		return 1;
	}
	long long t1 = now_ns();
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	long long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
			(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
	printf("%lld %lld\n", t1 - t0, cpu);
	return 0;
}
