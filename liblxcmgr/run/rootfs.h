/* Child side, in the container's new mount namespace: the root file system
 * and its mounts, then pivot_root. Every target is resolved inside the
 * rootfs (openat2 RESOLVE_IN_ROOT, then the mount goes through
 * /proc/self/fd/N), so a symlink in the rootfs cannot send a mount onto the
 * host. Each call returns 0 or -errno with E filled. Order (start.c):
 *
 *   rootfs_prepare -> rootfs_mount_auto -> cgmount_mount -> dev_mount_tmpfs ->
 *   rootfs_mount_entries -> dev_populate -> rootfs_pivot
 */
#ifndef LXCMGR_RUN_ROOTFS_H
#define LXCMGR_RUN_ROOTFS_H

#include "run/childerr.h"
#include "run/plan.h"

/* Makes "/" a recursive slave (no mount leaks to the host), bind-mounts the
 * rootfs onto itself (recursively) so it is a mount point for pivot_root,
 * and applies lxc.rootfs.options (ro: a read-only remount of the bind). */
int rootfs_prepare(const struct start_plan *p, struct child_error *e);

/* lxc.mount.auto: proc and sys in their modes, inside the rootfs. */
int rootfs_mount_auto(const struct start_plan *p, struct child_error *e);

/* lxc.mount.entry and lxc.mount.fstab, in order: create=dir|file,
 * optional, bind and rbind, read-only binds remounted read-only,
 * propagation flags. A relative SOURCE of a bind is relative to the rootfs
 * when the option "relative" was given. */
int rootfs_mount_entries(const struct start_plan *p, struct child_error *e);

/* pivot_root into the rootfs and detach the old root. Afterwards "/" is the
 * container's. */
int rootfs_pivot(const struct start_plan *p, struct child_error *e);

/* Opens PATH (relative to the rootfs) inside ROOTFS_FD without leaving it:
 * symlinks, "..", and absolute links resolve within it. CREATE: 0, 'd'
 * (mkdir -p the path) or 'f' (mkdir -p the parent, create an empty file).
 * Returns an O_PATH fd or -errno. Shared with dev.c. */
int rootfs_open_inside(int rootfs_fd, const char *path, int create);

#endif
