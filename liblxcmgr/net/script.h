/* lxc.net.N.script.up and .down, run on the host with LXC's calling
 * convention: arguments "NAME net up|down TYPE HOSTDEV" (hook version 0;
 * version 1 passes none after the command's own), and LXC_NAME,
 * LXC_CONFIG_FILE, LXC_HOOK_TYPE, LXC_HOOK_SECTION=net, LXC_HOOK_VERSION,
 * LXC_NET_TYPE, LXC_NET_PARENT (the link) and, for veth, LXC_NET_PEER
 * (the host end) in the environment. */
#ifndef LXCMGR_NET_SCRIPT_H
#define LXCMGR_NET_SCRIPT_H

#include "lxcmgr.h"
#include "net/netdev.h"

struct start_plan;

/* WHICH: "up" or "down". HOSTDEV: the host end of a veth, the device of
 * phys, the (temporary) name of others. A failure names the key and line. */
int net_script_run(const struct start_plan *p, const struct net_dev *d, const char *which,
		   const char *hostdev, lxcmgr_error **err);

#endif
