/* lxc-info -i: the container's IP addresses, read inside its network
 * namespace. A child process joins the namespace through init's pidfd (so
 * a recycled pid cannot be entered), lists the addresses with getifaddrs,
 * and writes them to a pipe, one per line. As in LXC: every interface but
 * "lo", and IPv6 addresses of global scope only. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "ctx.h"
#include "run/proto.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

static bool wanted(const struct ifaddrs *ifa)
{
	if (!ifa->ifa_addr || (ifa->ifa_flags & IFF_LOOPBACK) || strcmp(ifa->ifa_name, "lo") == 0)
		return false;
	if (ifa->ifa_addr->sa_family == AF_INET)
		return true;
	if (ifa->ifa_addr->sa_family != AF_INET6)
		return false;
	const struct in6_addr *a = &((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
	return !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_LOOPBACK(a);
}

/* In the child: never returns. */
static __attribute__((noreturn)) void list_inside(int pidfd, int out)
{
	struct ifaddrs *all = NULL;
	char text[INET6_ADDRSTRLEN + 1];

	/* An ordinary user may enter the network namespace of their container
	 * only from its user namespace, which they own (root from here). */
	if ((setns(pidfd, CLONE_NEWNET) < 0 &&
	     (errno != EPERM || setns(pidfd, CLONE_NEWUSER | CLONE_NEWNET) < 0)) ||
	    getifaddrs(&all) < 0)
		_exit(errno ? errno : EIO);
	for (struct ifaddrs *ifa = all; ifa; ifa = ifa->ifa_next) {
		if (!wanted(ifa))
			continue;
		const void *addr = ifa->ifa_addr->sa_family == AF_INET
					   ? (const void *)&((struct sockaddr_in *)ifa->ifa_addr)->sin_addr
					   : (const void *)&((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
		if (!inet_ntop(ifa->ifa_addr->sa_family, addr, text, sizeof(text) - 1))
			continue;
		strcat(text, "\n");
		if (write(out, text, strlen(text)) < 0)
			_exit(EPIPE);
	}
	_exit(0);
}

static int read_all(int fd, char **text)
{
	size_t len = 0, cap = 256;
	char *buf = malloc(cap);

	while (buf) {
		if (len + 1 >= cap && !(buf = realloc(buf, cap *= 2)))
			break;
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			buf[len] = '\0';
			*text = buf;
			return n < 0 ? -errno : 0;
		}
		len += (size_t)n;
	}
	return -ENOMEM;
}

static int list_ips(int pidfd, char ***ips)
{
	int pipefd[2], status = 0;
	cleanup_free char *text = NULL;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		list_inside(pidfd, pipefd[1]);
	}
	close(pipefd[1]);
	int ret = pid < 0 ? -errno : read_all(pipefd[0], &text);
	close(pipefd[0]);
	if (pid > 0 && waitpid(pid, &status, 0) == pid && ret == 0)
		ret = WIFEXITED(status) ? -WEXITSTATUS(status) : -EIO;
	if (ret == 0 && !(*ips = str_split(text, "\n")))
		ret = -ENOMEM;
	return ret;
}

LXCMGR_PUBLIC int lxcmgr_container_get_ips(struct lxcmgr_container *c, char ***ips,
					   lxcmgr_error **err)
{
	cleanup_close int fd = -1, pidfd = -1;
	int ret = proto_connect(c->ctx, c->name, &fd);

	*ips = NULL;
	ret = ret ?: proto_call(fd, CMD_INIT_PIDFD, 0, NULL, 0, NULL, NULL, &pidfd);
	if (proto_monitor_gone(ret))
		return error_msg(err, ESRCH, "container \"%s\" is not running", c->name);
	ret = ret ?: list_ips(pidfd, ips);
	return ret < 0 ? error_set(err, -ret, "container \"%s\": IP addresses", c->name) : 0;
}
