#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "net/l2proxy.h"
#include "net/link.h"
#include "net/net.h"
#include "net/record.h"
#include "net/usernic.h"
#include "run/proto.h"
#include "store.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/str.h"

#define RECORD_MAX (1u << 16)
/* A killed container's namespace is dismantled by the kernel after its
 * last process is gone; its phys devices come back then. */
#define PHYS_RETURN_WAIT_MS 3000

char *net_record_path(const struct lxcmgr_container *c)
{
	cleanup_free char *sock = proto_socket_path(c->ctx, c->name);
	return sock ? str_printf("%.*s.net", (int)(strlen(sock) - 5), sock) : NULL;
}

int net_record_write(const char *path, const char *text)
{
	if (!*text) {
		unlink(path);
		return 0;
	}
	return file_write_runtime(path, text, strlen(text), 0600);
}

static int undo_host(struct nl *nl, int index, const char *name)
{
	struct nl_link l;

	if (nl_link_get(nl, NULL, index, &l) < 0 || !str_eq(l.name, name))
		return 0; /* gone already, or the index went to another device */
	int ret = link_del(nl, index);
	return ret == -ENODEV ? 0 : ret;
}

/* The kernel gives a phys device back to the host under the name it had
 * inside (or devN): renamed to NAME, once it is back. */
static int undo_phys(struct nl *nl, int index, const char *name)
{
	struct nl_link l;
	int ret = -ENODEV;

	for (int waited = 0; waited <= PHYS_RETURN_WAIT_MS; waited += 50) {
		if ((ret = nl_link_get(nl, NULL, index, &l)) == 0)
			break;
		sleep_ms(50);
	}
	if (ret < 0)
		return ret;
	if (str_eq(l.name, name))
		return 0;
	ret = link_change(nl, index, &(struct link_change){ .up = -1 });
	return ret ?: link_change(nl, index, &(struct link_change){ .name = name });
}

/* Init's network namespace, while PIDFD says init still runs (so PID
 * was not reused between the two). */
static int open_init_netns(int pid, int pidfd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
		return -errno;
	return steal_fd(fd);
}

void net_orphan_user_veths(struct lxcmgr_container *c, int pid, int pidfd)
{
	cleanup_free char *path = net_record_path(c);
	cleanup_free char *text = NULL;
	cleanup_close int lock = -1, netns = -1;

	if (!path || store_lock(c->ctx, c->name, &lock, NULL) < 0 ||
	    file_read(path, RECORD_MAX, &text, NULL) < 0 || !strstr(text, "usernic "))
		return;
	if ((netns = open_init_netns(pid, pidfd)) < 0) {
		log_warn(c->ctx, "container \"%s\": init's network namespace: %s; its veths go "
			 "with it", c->name, strerror(-netns));
		return;
	}
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char host[IF_NAMESIZE], link[IF_NAMESIZE], nic[IF_NAMESIZE];
		cleanup_error lxcmgr_error *e = NULL;
		if (sscanf(line, "usernic %15s %15s %15s", host, link, nic) != 3)
			continue;
		if (usernic_delete(lxcmgr_ctx_lxcpath(c->ctx), c->name, netns, link, nic, &e) < 0)
			log_warn(c->ctx, "container \"%s\": veth \"%s\" (\"%s\" inside): %s", c->name,
				 host, nic, e && e->msg ? e->msg : "lxcmgr-user-nic failed");
	}
}

int net_orphan(struct lxcmgr_container *c, lxcmgr_error **err)
{
	cleanup_free char *path = net_record_path(c);
	cleanup_free char *text = NULL;
	cleanup_close int lock = -1;
	struct nl nl = { 0 };
	int ret;

	if (!path)
		return error_set(err, ENOMEM, "network record");
	/* A monitor alive (it holds the lock) owns the devices. */
	if (store_lock(c->ctx, c->name, &lock, NULL) < 0)
		return 0;
	ret = file_read(path, RECORD_MAX, &text, NULL);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return error_set(err, -ret, "read network record \"%s\"", path);
	if ((ret = nl_open(&nl)) < 0)
		return error_set(err, -ret, "open a netlink socket");
	int first = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char kind[8], name[IF_NAMESIZE], addr[64];
		int index;
		int words = sscanf(line, "%7s %d %15s %63s", kind, &index, name, addr);
		if (words < 3 || index <= 0 || (str_eq(kind, "proxy") && words != 4))
			continue;
		ret = str_eq(kind, "phys")    ? undo_phys(&nl, index, name)
		      : str_eq(kind, "proxy") ? l2proxy_undo_record(&nl, index, name, addr)
					      : undo_host(&nl, index, name);
		if (ret < 0 && !first)
			first = error_set(err, -ret, "container \"%s\": undo network device \"%s\"",
					  c->name, name);
	}
	nl_close(&nl);
	if (!first)
		unlink(path);
	return first;
}
