/* The monitor's side of a container's attach server, lxcmgr-attachd
 * (liblxcmgr/attach/attach.h, tools/lxcmgr-attachd.c): started on the
 * first lxc-attach that asks (CMD_ATTACH), from a sealed memfd, with the
 * listening socket "<runtime>/c/<hash>.attach", init's pidfd, the
 * cgroup.procs files of the container's cgroups and its seccomp filter;
 * killed when init exits (a reboot starts a new one on the next attach,
 * in the new namespaces), and started again on the next attach when it
 * died. The monitor keeps its pid, pidfd and socket path: a few bytes. */
#ifndef LXCMGR_RUN_ATTACHD_H
#define LXCMGR_RUN_ATTACHD_H

#include "lxcmgr.h"

struct monitor;

/* Starts the server unless it runs. 0, or -errno with *err (the caller
 * answers without a server: lxc-attach takes its own path). */
int attachd_start(struct monitor *m, lxcmgr_error **err);
/* Reaps the server if it has exited; true while it runs. */
bool attachd_alive(struct monitor *m);
/* Kills and reaps it, removes its socket. */
void attachd_stop(struct monitor *m);

#endif
