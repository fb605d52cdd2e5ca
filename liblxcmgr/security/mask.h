/* Masked paths of proc:mixed and sys:mixed (lxc.mount.auto): what of the
 * host's kernel a container's /proc and /sys would show or let it write,
 * made unreachable. Read-only is not enough for these: reading /proc/kmsg
 * consumes the host's kernel log, /proc/kcore is its memory, and
 * /sys/firmware holds EFI variables and ACPI tables.
 *
 * A file is covered by a read-only, nodev bind of the host's /dev/null
 * (opening it fails: a device node on a nodev mount); a directory by an
 * empty read-only tmpfs. Called in the container's mount namespace before
 * pivot_root, with the rootfs's fd; paths absent on this kernel are
 * skipped. */
#ifndef LXCMGR_SECURITY_MASK_H
#define LXCMGR_SECURITY_MASK_H

/* proc:mixed, under ROOT_FD's "proc". On failure *FAILED names the path.
 * 0 or -errno. */
int mask_proc(int root_fd, const char **failed);

/* sys:mixed, under ROOT_FD's "sys". */
int mask_sys(int root_fd, const char **failed);

#endif
