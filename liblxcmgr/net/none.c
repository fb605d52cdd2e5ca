/* A build without libmnl (--disable-netlink): plan-net.c refuses every
 * device type but empty and none, so there is never anything to do. */
#include "net/net.h"

int net_host_setup(struct net_state *s, const struct start_plan *p,
		   const struct lxcmgr_container *c, lxcmgr_error **err)
{
	s->plan = p;
	return 0;
}

int net_enter(struct net_state *s, pid_t pid, lxcmgr_error **err)
{
	return 0;
}

void net_stop(struct net_state *s, const struct lxcmgr_container *c)
{
}

int net_orphan(struct lxcmgr_container *c, lxcmgr_error **err)
{
	return 0;
}

void net_orphan_user_veths(struct lxcmgr_container *c, int pid, int pidfd)
{
}
