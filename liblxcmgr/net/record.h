/* The network record beside the command socket ("<runtime>/c/<hash>.net"):
 * what a run made or took on the host, one device a line,
 *
 *   host IFINDEX NAME   a device lxcmgr made (a veth's host end, a macvlan
 *                       not moved yet): deleted if it is still there under
 *                       the same index and name
 *   phys IFINDEX NAME   a host device moved into the container: given back
 *                       under NAME once the container's namespace is gone
 *   proxy IFINDEX NAME ADDR
 *                       l2proxy's entry for ADDR on the link NAME: removed
 *                       if the link is still there under that index
 *   usernic HOST LINK NIC
 *                       an ordinary user's veth, made by lxcmgr-user-nic
 *                       (host end HOST on bridge LINK, NIC inside): the
 *                       helper deletes it, through init's namespace, before
 *                       init is killed (net_orphan_user_veths)
 *
 * so that lxc-stop -k and lxc-destroy -f can undo a run whose monitor was
 * killed. */
#ifndef LXCMGR_NET_RECORD_H
#define LXCMGR_NET_RECORD_H

struct lxcmgr_container;

char *net_record_path(const struct lxcmgr_container *c);
int net_record_write(const char *path, const char *text);

#endif
