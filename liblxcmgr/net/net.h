/* A container's network devices over one run, driven by the monitor:
 *
 *   net_host_setup   before the clone: the host side of each device made
 *                    (macvlan, ipvlan, vlan on their parent; a veth's
 *                    bridge and a phys device looked up), script.up run,
 *                    and a record of it all written
 *   net_premake      host root's start without a user namespace: the
 *                    container's network namespace made by the monitor
 *                    before the clone, and the devices put in and
 *                    configured as net_enter does; the first process joins
 *                    it (setns) instead of making its own, so it neither
 *                    waits for the devices nor needs the monitor meanwhile
 *   net_enter        otherwise, the child exists and waits: each veth pair made in
 *                    one request, its peer in the child's network
 *                    namespace (no move),
 *                    its host end up on the bridge or routed, script.up
 *                    run; the other devices moved in under their names;
 *                    all configured there (addresses, up, gateways; MAC
 *                    and MTU of the others); the monitor keeps the
 *                    namespace open until net_stop
 *   net_stop         init is gone (or the start failed): script.down, phys
 *                    devices given back under their old names, everything
 *                    made deleted, the record removed
 *
 * A failure at any step undoes what the run made so far. The record
 * ("<runtime>/c/<hash>.net") lets lxc-stop -k and lxc-destroy -f undo it
 * when the monitor itself was killed (net_orphan). */
#ifndef LXCMGR_NET_NET_H
#define LXCMGR_NET_NET_H

#include <stdbool.h>
#include <sys/types.h>

#include "lxcmgr.h"
#include "net/netdev.h"

struct start_plan;
struct lxcmgr_container;
struct net_live;

struct net_state {
	const struct start_plan *plan;
	const struct lxcmgr_container *c;
	struct net_live *live; /* one per plan->netdevs[i] */
	size_t n;
	int host_ns_fd;        /* the monitor's own network namespace */
	int netns_fd;          /* the container's, from net_enter (or net_premake)
				* to net_stop */
	bool premade;          /* net_premake made it: the child joins netns_fd */
	char *record;          /* the record's path */
	/* An ordinary user's start: the veths are lxcmgr-user-nic's
	 * (net/usernic.h), and the container's network namespace is reached
	 * through its user namespace (nl_open_userns). */
	bool by_user;
	int userns_fd;
};

#define NET_STATE_INIT { .host_ns_fd = -1, .netns_fd = -1, .userns_fd = -1 }

int net_host_setup(struct net_state *s, const struct start_plan *p,
		   const struct lxcmgr_container *c, lxcmgr_error **err);
/* Before the clone: does nothing unless the start can have its network
 * namespace made here (s->premade then says it was). */
int net_premake(struct net_state *s, lxcmgr_error **err);
/* PID: the container's first process, waiting for its network. Does
 * nothing when net_premake did it. */
int net_enter(struct net_state *s, pid_t pid, lxcmgr_error **err);
/* Undoes the run; failures are logged through LOG_CTX (may be NULL). */
void net_stop(struct net_state *s, const struct lxcmgr_container *c);

/* A client, once the monitor is gone and init killed: deletes the host
 * devices the record names and gives phys devices back. Does nothing while
 * a monitor holds the container's lock. */
int net_orphan(struct lxcmgr_container *c, lxcmgr_error **err);
/* An ordinary user's client, once the monitor is gone and before init
 * (PID, PIDFD) is killed: lxcmgr-user-nic deletes each veth it made (the
 * record's "usernic" lines) through init's network namespace and drops
 * the line from its own record. Killing init would take them along, but
 * only once the kernel dismantles the namespace, and the helper's record
 * would count them until its next run. Failures are logged only. */
void net_orphan_user_veths(struct lxcmgr_container *c, int pid, int pidfd);

#endif
