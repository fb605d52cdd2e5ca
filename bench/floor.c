/* Floor probes: the least work any container manager must do for each
 * benchmarked operation, in raw system calls and no lxcmgr code, timed in
 * the same runs as our tools and LXC's (bench/bench-*.sh build it static:
 * cc -O2 -static). One mode per operation; a mode is a function and a line
 * in the table at the end, so other probes join by adding both.
 *
 *   floor exec                   nothing: the cost of starting a static program
 *   floor serve SOCKET           a daemon answering each connection once
 *                                (prints its pid; stop it with kill)
 *   floor info SOCKET            one request and its answer over SOCKET
 *   floor start [-F] [-b] [-n BRIDGE ADDRESS/PREFIX [-w]] STATE ROOTFS
 *                                start a container, return once init runs
 *   floor stop STATE             SIGKILL to its init, wait for its monitor
 *   floor attach STATE [--] CMD...  run CMD in the container of STATE
 *   floor pause                  an init that waits for its end (start's
 *                                default init: ROOTFS/floor, this program)
 *
 * start is what any daemonizing start must do: its tool is one exec (this
 * one); a monitor, the parent of init that outlives the tool, made with
 * clone(CLONE_VM) on a stack of its own, so no page tables are copied (-F:
 * fork, as LXC and lxcmgr do); init's first process made with the
 * namespaces of lxcmgr's busybox start (mnt uts ipc pid net cgroup), sharing
 * the monitor's memory until its execve (CLONE_VM | CLONE_VFORK), which bind
 * mounts ROOTFS, pivot_root()s into it, unmounts the old root and execs
 * /floor pause. The monitor tells the tool that init runs (a pipe), then
 * writes STATE/pid for stop and attach, off the path the tool waits for.
 * Left out, as features rather than floors: a lock, runtime records, a
 * command socket, cgroups, capabilities, seccomp, LSMs, hooks, the config.
 *
 * -b boots the rootfs's own /sbin/init (busybox's, with the template's
 * inittab: gettys on the console and tty1-4) with what that boot needs of
 * the manager: proc, sysfs, a tmpfs /dev with the usual nodes, a devpts of
 * its own, five ptys (console, tty1-4: made by the monitor, which holds
 * their masters), a tmpfs /run, the host name and loopback up. Still no
 * cgroup, masking or seccomp work.
 *
 * -n gives the container a veth on BRIDGE with ADDRESS/PREFIX, as
 * bench/floor-net.c does the kernel's part alone: the monitor makes the pair
 * in one RTM_NEWLINK (the peer as eth0 straight in init's network namespace,
 * IFLA_NET_NS_PID; the host end up on BRIDGE; one queue each), then sends
 * eth0's address and eth0 up in one send from a netlink socket made in that
 * namespace; loopback goes up in init's first process. The messages are
 * built by hand (Debian ships no libmnl.a, and the probe is static). Init's
 * first process then cannot share the monitor's memory under CLONE_VFORK
 * (the monitor would sleep until its execve): it shares it without, does its
 * mounts while the monitor works on the network, and waits for the network
 * (an eventfd) just before its execve, the latest point init allows; the
 * monitor waits for that execve on a pipe it closes. -w makes it wait at its
 * start instead, before any mount, as lxcmgr's first process does. While
 * both run they share the thread block (errno) too: each takes a failing
 * call's errno at once, and neither uses malloc or a stdio stream (the
 * monitor's snprintf writes into its own buffers).
 *
 * attach joins init's namespaces (one setns() of a pidfd) and runs CMD in a
 * vfork child: no sealed exec helper (CVE-2019-5736), no cgroups,
 * capabilities, seccomp or environment.
 *
 * The monitor shares the tool's memory and thread block: the tool only
 * read()s and _exit()s after the clone, and nothing in the monitor calls
 * malloc, a stdio stream or raise() (snprintf into its own buffers only). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | \
		  CLONE_NEWCGROUP)
#define STACK_SIZE (64 * 1024)
#define NTTYS 5 /* console, tty1-4: the busybox template's inittab */

static int fail(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	return 1;
}

/* ---------------------------------------------------------------- exec */

static int mode_exec(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 0;
}

static int mode_pause(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (;;)
		pause();
	return 0;
}

/* ---------------------------------------------------------------- info */

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

static int mode_serve(int argc, char **argv)
{
	struct sockaddr_un sa;
	if (argc != 2)
		return 2;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || unix_addr(argv[1], &sa) < 0)
		return fail("socket");
	unlink(argv[1]);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 64) < 0)
		return fail(argv[1]);
	pid_t pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid > 0) {
		printf("%d\n", (int)pid);
		return 0;
	}
	setsid();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	dup2(null, 0), dup2(null, 1), dup2(null, 2);
	for (;;) {
		char req[64];
		int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		if (read(c, req, sizeof(req)) > 0 && write(c, "RUNNING", 7) < 0)
			req[0] = 0;
		close(c);
	}
}

static int mode_info(int argc, char **argv)
{
	struct sockaddr_un sa;
	char ans[64];
	if (argc != 2)
		return 2;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || unix_addr(argv[1], &sa) < 0 ||
	    connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail(argv[1]);
	ssize_t n;
	if (write(s, "state", 5) != 5 || (n = read(s, ans, sizeof(ans))) <= 0)
		return fail("request");
	printf("State:          %.*s\n", (int)n, ans);
	return 0;
}

/* --------------------------------------------------------------- start */

struct start {
	const char *state, *rootfs;
	int boot, report; /* report: the pipe's write end to the tool */
	/* -n: the bridge's ifindex, eth0's address; go: an eventfd the monitor
	 * writes once eth0 is configured; wait_first: -w */
	int bridge, prefix, go, wait_first;
	struct in_addr addr;
	int master[NTTYS];
	char slave[NTTYS][32];
	int child_errno;
	const char *child_step;
};

static int child_fail(struct start *st, const char *step)
{
	st->child_errno = errno;
	st->child_step = step;
	_exit(127);
}

static int mknod_dev(const char *path, unsigned maj, unsigned min)
{
	return mknod(path, S_IFCHR | 0666, makedev(maj, min));
}

static void lo_up(struct start *st)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		child_fail(st, "lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		child_fail(st, "lo up");
	close(s);
}

/* What busybox's boot needs of its manager (-b), in the rootfs (the cwd)
 * before pivot_root. */
static void boot_mounts(struct start *st)
{
	static const char *const ttys[NTTYS] = { "dev/console", "dev/tty1", "dev/tty2", "dev/tty3",
						 "dev/tty4" };
	unsigned long nse = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	umask(0);
	if (mount("proc", "proc", "proc", nse, NULL) < 0)
		child_fail(st, "mount proc");
	if (mount("sysfs", "sys", "sysfs", nse, NULL) < 0)
		child_fail(st, "mount sysfs");
	if (mount("none", "dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=500000,mode=755") < 0)
		child_fail(st, "mount /dev");
	if (mknod_dev("dev/null", 1, 3) < 0 || mknod_dev("dev/zero", 1, 5) < 0 ||
	    mknod_dev("dev/full", 1, 7) < 0 || mknod_dev("dev/random", 1, 8) < 0 ||
	    mknod_dev("dev/urandom", 1, 9) < 0 || mknod_dev("dev/tty", 5, 0) < 0)
		child_fail(st, "mknod");
	if (mkdir("dev/pts", 0755) < 0 ||
	    mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0 ||
	    symlink("pts/ptmx", "dev/ptmx") < 0)
		child_fail(st, "devpts");
	for (int i = 0; i < NTTYS; i++) {
		if (mknod(ttys[i], S_IFREG | 0600, 0) < 0 ||
		    mount(st->slave[i], ttys[i], NULL, MS_BIND, NULL) < 0)
			child_fail(st, ttys[i]);
	}
	if (mount("tmpfs", "run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		child_fail(st, "mount /run");
	int con = open(st->slave[0], O_RDWR | O_NOCTTY);
	if (con < 0 || dup2(con, 0) < 0 || dup2(con, 1) < 0 || dup2(con, 2) < 0)
		child_fail(st, "console");
	close(con);
	lo_up(st);
}

/* -n: eth0 is configured (the monitor's eventfd). */
static void wait_network(struct start *st)
{
	uint64_t done;
	if (read(st->go, &done, sizeof(done)) != sizeof(done))
		child_fail(st, "wait for the network");
	close(st->go);
}

/* Init's first process: shares the monitor's memory until its execve. */
static int container_child(void *arg)
{
	struct start *st = arg;
	if (st->bridge && st->wait_first)
		wait_network(st);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(st, "make / private");
	if (mount(st->rootfs, st->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0 || chdir(st->rootfs) < 0)
		child_fail(st, "bind the rootfs");
	if (sethostname("floor", 5) < 0)
		child_fail(st, "sethostname");
	if (st->boot)
		boot_mounts(st);
	else if (st->bridge)
		lo_up(st);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		child_fail(st, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		child_fail(st, "umount the old root");
	if (chdir("/") < 0)
		child_fail(st, "chdir /");
	if (st->bridge && !st->wait_first)
		wait_network(st);
	char *env[] = { "container=lxc", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=vt100", NULL };
	char *boot_argv[] = { "/sbin/init", NULL };
	char *pause_argv[] = { "/floor", "pause", NULL };
	char **av = st->boot ? boot_argv : pause_argv;
	execve(av[0], av, env);
	child_fail(st, av[0]);
	return 127;
}

static int open_ptys(struct start *st)
{
	for (int i = 0; i < NTTYS; i++) {
		int unlock = 0, n;
		st->master[i] = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (st->master[i] < 0 || ioctl(st->master[i], TIOCSPTLCK, &unlock) < 0 ||
		    ioctl(st->master[i], TIOCGPTN, &n) < 0)
			return -1;
		snprintf(st->slave[i], sizeof(st->slave[i]), "/dev/pts/%d", n);
	}
	return 0;
}

/* ----------------------------------------------- start -n: the network */

/* Netlink messages by hand: a header, then attributes at its aligned end. */
static struct nlmsghdr *nl_request(char *buf, uint16_t type, uint16_t flags, size_t hdr)
{
	static uint32_t seq;
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	memset(buf, 0, NLMSG_SPACE(hdr));
	h->nlmsg_len = (uint32_t)NLMSG_LENGTH(hdr);
	h->nlmsg_type = type;
	h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	h->nlmsg_seq = ++seq;
	return h;
}

static void *nl_tail(struct nlmsghdr *h)
{
	return (char *)h + NLMSG_ALIGN(h->nlmsg_len);
}

static struct rtattr *nl_attr(struct nlmsghdr *h, uint16_t type, const void *data, size_t len)
{
	struct rtattr *a = nl_tail(h);
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = (uint32_t)(NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len));
	return a;
}

static void nl_u32(struct nlmsghdr *h, uint16_t type, uint32_t v)
{
	nl_attr(h, type, &v, sizeof(v));
}

static void nl_str(struct nlmsghdr *h, uint16_t type, const char *v)
{
	nl_attr(h, type, v, strlen(v) + 1);
}

static void nl_nest_end(struct nlmsghdr *h, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)nl_tail(h) - (char *)nest);
}

/* Sends the N requests in BUF at once and reads their acks (-errno of the
 * first that failed, with errno set); *PEER (when not NULL) gets IFLA_LINK
 * of an echoed new link: a veth's peer's ifindex. */
static int nl_talk(int nl, const char *buf, size_t len, int n, int *peer)
{
	static char reply[16384]; /* the monitor's alone */
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(nl, buf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	while (n > 0) {
		ssize_t got = recv(nl, reply, sizeof(reply), 0);
		if (got < 0)
			return -errno;
		int left = (int)got;
		for (struct nlmsghdr *h = (struct nlmsghdr *)reply; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == RTM_NEWLINK && peer) {
				int alen = (int)IFLA_PAYLOAD(h);
				for (struct rtattr *a = IFLA_RTA(NLMSG_DATA(h)); RTA_OK(a, alen);
				     a = RTA_NEXT(a, alen))
					if (a->rta_type == IFLA_LINK)
						memcpy(peer, RTA_DATA(a), sizeof(*peer));
			}
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			const struct nlmsgerr *e = NLMSG_DATA(h);
			if (e->error)
				return errno = -e->error, e->error;
			n--;
		}
	}
	return 0;
}

static int nl_socket(void)
{
	int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct sockaddr_nl me = { .nl_family = AF_NETLINK };
	if (nl >= 0 && bind(nl, (struct sockaddr *)&me, sizeof(me)) < 0) {
		int e = errno;
		close(nl);
		return -e;
	}
	return nl < 0 ? -errno : nl;
}

/* The pair in one request: the host end HOST up on the bridge, the peer
 * eth0 in INIT's network namespace. Returns the peer's ifindex there. */
static int make_veth(int nl, const struct start *st, const char *host, pid_t init)
{
	static char buf[1024];
	int peer = 0;
	struct nlmsghdr *h = nl_request(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO,
					sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	nl_str(h, IFLA_IFNAME, host);
	nl_u32(h, IFLA_MASTER, (uint32_t)st->bridge);
	nl_u32(h, IFLA_NUM_RX_QUEUES, 1);
	nl_u32(h, IFLA_NUM_TX_QUEUES, 1);
	struct rtattr *info = nl_attr(h, IFLA_LINKINFO, NULL, 0);
	nl_str(h, IFLA_INFO_KIND, "veth");
	struct rtattr *data = nl_attr(h, IFLA_INFO_DATA, NULL, 0);
	struct rtattr *nest = nl_attr(h, VETH_INFO_PEER, NULL, 0);
	struct ifinfomsg pifi = { .ifi_family = AF_UNSPEC };
	memcpy(nl_tail(h), &pifi, sizeof(pifi)); /* the peer's own header, then its attributes */
	h->nlmsg_len += (uint32_t)NLMSG_ALIGN(sizeof(pifi));
	nl_str(h, IFLA_IFNAME, "eth0");
	nl_u32(h, IFLA_NET_NS_PID, (uint32_t)init);
	nl_u32(h, IFLA_NUM_RX_QUEUES, 1);
	nl_u32(h, IFLA_NUM_TX_QUEUES, 1);
	nl_nest_end(h, nest);
	nl_nest_end(h, data);
	nl_nest_end(h, info);
	int ret = nl_talk(nl, buf, h->nlmsg_len, 1, &peer);
	if (ret < 0)
		return ret;
	return peer ? peer : (errno = ENODEV, -ENODEV); /* a kernel that echoes no new link */
}

/* eth0's address and eth0 up, in one send from a socket made in INIT's
 * network namespace (the monitor enters it for the socket alone). */
static int configure_inside(const struct start *st, pid_t init, int eth0)
{
	static char buf[1024];
	char path[64];
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), ns = -1, nl = -1, ret;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)init);
	if (home < 0 || (ns = open(path, O_RDONLY | O_CLOEXEC)) < 0 || setns(ns, CLONE_NEWNET) < 0) {
		ret = -errno;
		goto out;
	}
	nl = nl_socket();
	if (setns(home, CLONE_NEWNET) < 0 || nl < 0) {
		ret = nl < 0 ? nl : -errno;
		goto out;
	}
	struct nlmsghdr *a = nl_request(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
					sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = NLMSG_DATA(a);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)st->prefix;
	ifa->ifa_index = (unsigned)eth0;
	nl_attr(a, IFA_LOCAL, &st->addr, 4);
	nl_attr(a, IFA_ADDRESS, &st->addr, 4);
	struct nlmsghdr *u = nl_request(buf + NLMSG_ALIGN(a->nlmsg_len), RTM_NEWLINK, 0,
					sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = NLMSG_DATA(u);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = eth0;
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	ret = nl_talk(nl, buf, NLMSG_ALIGN(a->nlmsg_len) + u->nlmsg_len, 2, NULL);
out:
	if (nl >= 0)
		close(nl);
	if (ns >= 0)
		close(ns);
	if (home >= 0)
		close(home);
	return ret;
}

/* -n in the monitor, once init's first process exists: its eth0, then the
 * go. Returns 0 or -errno. */
static int network(struct start *st, pid_t init)
{
	char host[IF_NAMESIZE];
	snprintf(host, sizeof(host), "vfl%d", (int)init);
	int nl = nl_socket();
	if (nl < 0)
		return nl;
	int eth0 = make_veth(nl, st, host, init);
	close(nl);
	if (eth0 < 0)
		return eth0;
	int ret = configure_inside(st, init, eth0);
	uint64_t go = 1;
	if (ret == 0 && write(st->go, &go, sizeof(go)) != sizeof(go))
		ret = -errno;
	return ret;
}

/* The monitor: the parent of init. Sends the tool init's pid (or -errno),
 * records both pids, waits for init's end. */
static int monitor(void *arg)
{
	struct start *st = arg;
	int answer = -1;
	pid_t init = -1;
	setsid();
	if (st->boot && open_ptys(st) < 0) {
		answer = -errno;
		goto report;
	}
	char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		answer = -errno;
		goto report;
	}
	/* -n: init's first process runs beside the monitor until its execve,
	 * which closes its end of EXECED (or its exit does). */
	int execed[2] = { -1, -1 }, status;
	if (st->bridge && ((st->go = eventfd(0, EFD_CLOEXEC)) < 0 || pipe2(execed, O_CLOEXEC) < 0)) {
		answer = -errno;
		goto report;
	}
	init = clone(container_child, stack + STACK_SIZE,
		     NS_FLAGS | CLONE_VM | (st->bridge ? 0 : CLONE_VFORK) | SIGCHLD, st);
	if (init < 0) {
		answer = -errno;
		goto report;
	}
	if (st->bridge) {
		char eof;
		close(execed[1]);
		int ret = network(st, init);
		if (ret < 0)
			kill(init, SIGKILL);
		while (read(execed[0], &eof, 1) < 0 && errno == EINTR)
			;
		if (ret < 0 && !st->child_step) { /* else the child's failure comes first */
			answer = ret;
			st->child_step = "the network (netlink)"; /* for the tool's message */
			waitpid(init, &status, 0);
			goto report;
		}
	}
	if (st->child_step) /* it failed before its execve and has exited */
		answer = -st->child_errno, waitpid(init, &status, 0);
	else
		answer = init;
report:
	if (write(st->report, &answer, sizeof(answer)) < 0 || answer < 0)
		_exit(1);
	close(st->report);
	char path[4096], text[64];
	snprintf(path, sizeof(path), "%s/pid", st->state);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int len = snprintf(text, sizeof(text), "%d %d\n", (int)getpid(), (int)init);
	if (fd < 0 || write(fd, text, (size_t)len) != len)
		_exit(1);
	close(fd);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	dup2(null, 0), dup2(null, 1), dup2(null, 2);
	while (waitpid(init, &status, 0) < 0 && errno == EINTR)
		;
	unlink(path);
	_exit(0);
}

static int mode_start(int argc, char **argv)
{
	static struct start st; /* shared with the monitor: not on a stack that goes */
	int use_fork = 0, opt;
	const char *bridge = NULL, *address = NULL;
	while ((opt = getopt(argc, argv, "+Fbn:w")) != -1) {
		if (opt == 'F')
			use_fork = 1;
		else if (opt == 'b')
			st.boot = 1;
		else if (opt == 'n' && optind < argc)
			bridge = optarg, address = argv[optind++];
		else if (opt == 'w')
			st.wait_first = 1;
		else
			return 2;
	}
	if (argc - optind != 2 || (st.wait_first && !bridge))
		return 2;
	if (bridge) {
		char addr[64];
		char *slash = strchr(address, '/');
		if (!slash || (size_t)(slash - address) >= sizeof(addr))
			return 2;
		memcpy(addr, address, (size_t)(slash - address));
		addr[slash - address] = 0;
		st.prefix = atoi(slash + 1);
		if (inet_pton(AF_INET, addr, &st.addr) != 1 || st.prefix < 1 || st.prefix > 32)
			return 2;
		if (!(st.bridge = (int)if_nametoindex(bridge)))
			return fail(bridge);
	}
	st.state = argv[optind];
	st.rootfs = argv[optind + 1];
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail("pipe");
	st.report = p[1];
	pid_t mon;
	if (use_fork) {
		mon = fork();
		if (mon == 0) {
			close(p[0]);
			monitor(&st);
		}
	} else {
		char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (stack == MAP_FAILED)
			return fail("mmap");
		mon = clone(monitor, stack + STACK_SIZE, CLONE_VM | SIGCHLD, &st);
	}
	if (mon < 0)
		return fail("monitor");
	close(p[1]);
	int answer;
	if (read(p[0], &answer, sizeof(answer)) != sizeof(answer))
		_exit(1);
	if (answer < 0) {
		errno = -answer;
		/* child_step is the child's, written in the shared memory (not with -F) */
		return fail(st.child_step && !use_fork ? st.child_step : "start");
	}
	_exit(0);
}

/* ---------------------------------------------------------- stop, attach */

static int read_pids(const char *state, pid_t *mon, pid_t *init)
{
	char path[4096], text[64];
	snprintf(path, sizeof(path), "%s/pid", state);
	/* The monitor writes it just after the tool has returned. */
	for (int tries = 0; tries < 5000; tries++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n = read(fd, text, sizeof(text) - 1);
			close(fd);
			int m, i;
			if (n > 0 && (text[n] = 0, sscanf(text, "%d %d", &m, &i) == 2)) {
				*mon = m, *init = i;
				return 0;
			}
		}
		usleep(1000);
	}
	errno = ENOENT;
	return -1;
}

static int mode_stop(int argc, char **argv)
{
	pid_t mon, init;
	if (argc != 2)
		return 2;
	if (read_pids(argv[1], &mon, &init) < 0)
		return fail(argv[1]);
	int pidfd = (int)syscall(SYS_pidfd_open, mon, 0);
	if (kill(init, SIGKILL) < 0)
		return fail("kill");
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	if (pidfd >= 0)
		poll(&pfd, 1, 10000);
	return 0;
}

static int mode_attach(int argc, char **argv)
{
	pid_t mon, init;
	int cmd = argc > 2 && strcmp(argv[2], "--") == 0 ? 3 : 2;
	if (argc <= cmd)
		return 2;
	if (read_pids(argv[1], &mon, &init) < 0)
		return fail(argv[1]);
	int pidfd = (int)syscall(SYS_pidfd_open, init, 0);
	if (pidfd < 0 || setns(pidfd, NS_FLAGS) < 0)
		return fail("setns");
	pid_t pid = vfork(); /* the pid namespace takes effect in a child */
	if (pid == 0) {
		execvp(argv[cmd], argv + cmd);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return fail("run");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---------------------------------------------------------------- modes */

static const struct {
	const char *name, *usage;
	int (*run)(int argc, char **argv);
} modes[] = {
	{ "exec", "", mode_exec },
	{ "serve", "SOCKET", mode_serve },
	{ "info", "SOCKET", mode_info },
	{ "start", "[-F] [-b] [-n BRIDGE ADDRESS/PREFIX [-w]] STATE ROOTFS", mode_start },
	{ "stop", "STATE", mode_stop },
	{ "attach", "STATE [--] CMD...", mode_attach },
	{ "pause", "", mode_pause },
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc > 1 && i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(argv[1], modes[i].name) != 0)
			continue;
		int r = modes[i].run(argc - 1, argv + 1);
		if (r == 2)
			fprintf(stderr, "usage: floor %s %s\n", modes[i].name, modes[i].usage);
		return r;
	}
	fprintf(stderr, "usage: floor MODE ARGS (modes:");
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		fprintf(stderr, " %s", modes[i].name);
	fprintf(stderr, ")\n");
	return 2;
}
