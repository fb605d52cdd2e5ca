/* Child side: /dev of the container. With lxc.autodev = 1 a tmpfs on
 * /dev (before the mount entries, so "shm dev/shm tmpfs ..." lands in it),
 * then the device nodes null zero full random urandom tty (bind-mounted
 * from the host's nodes where mknod is refused), the links fd stdin stdout
 * stderr ptmx core, a private devpts (newinstance, ptmxmode=0666,
 * max=lxc.pty.max) on /dev/pts, and /dev/console and /dev/tty1..N bound to
 * the host-side pty slaves the monitor allocated (or /dev/<tty.dir>/ttyN
 * with links when lxc.tty.dir is set). */
#ifndef LXCMGR_RUN_DEV_H
#define LXCMGR_RUN_DEV_H

#include "run/childerr.h"
#include "run/plan.h"

#define DEV_PTY_PATH_MAX 64

/* The ptys the monitor allocated on the host: slave paths like /dev/pts/7. */
struct dev_ptys {
	char console[DEV_PTY_PATH_MAX]; /* "" when lxc.console.path = none */
	char (*ttys)[DEV_PTY_PATH_MAX]; /* tty_max entries */
	unsigned n_ttys;
};

/* Before the mount entries: the tmpfs on <rootfs>/dev when autodev. */
int dev_mount_tmpfs(const struct start_plan *p, struct child_error *e);

/* After the mount entries, before pivot_root: nodes, links, devpts,
 * console and ttys. */
int dev_populate(const struct start_plan *p, const struct dev_ptys *ptys, struct child_error *e);

#endif
