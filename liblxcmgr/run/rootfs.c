/* Child side: the root file system, its mounts, pivot_root.
 *
 * Every path inside the rootfs is resolved with openat2(RESOLVE_IN_ROOT), so
 * "..", absolute symlinks and relative ones all stay inside it, and each
 * mount goes onto the fd that resolution gave (never onto a path that could
 * be swapped afterwards).
 *
 * Binds use the new mount API: open_tree(OPEN_TREE_CLONE) makes a detached
 * copy of the source, mount_setattr sets ro/nosuid/... on it (recursively
 * for rbind), move_mount attaches it onto the target fd. A remount through
 * the target fd would not work: that fd names the directory the new mount
 * covers, not the new mount, so "mount(MS_REMOUNT, /proc/self/fd/N)" gives
 * EINVAL, or remounts the mount below when the target is a mount root (the
 * rootfs itself for a target of "/"). The tree fd still names the new mount
 * once it is attached, which is what propagation changes need.
 *
 * Other file systems go through mount(2) onto "/proc/self/fd/N". */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "run/rootfs.h"
#include "security/mask.h"
#include "util/cleanup.h"
#include "util/str.h"

/* Dangling symlinks followed while creating a path (create=dir|file). */
#define LINK_DEPTH_MAX 8
#define PROPAGATION_FLAGS (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)
#define SAFE_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define HINT_USERNS "the file system may refuse it inside a user namespace"

/* "/proc/self/fd/N": mount(2) follows it to what the fd names. */
struct fd_path {
	char s[32];
};

static const char *fd_path(struct fd_path *b, int fd)
{
	snprintf(b->s, sizeof(b->s), "/proc/self/fd/%d", fd);
	return b->s;
}

/* ------------------------------------------------------------ resolving */

/* openat2 of PATH with ROOT_FD as "/": never leaves it. */
static int open_in_root(int root_fd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(O_PATH | O_CLOEXEC | flags),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	/* EAGAIN: a rename raced the walk; the kernel asks for a retry. */
	for (int i = 0; i < 16; i++) {
		long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
}

static int open_inside(int root_fd, const char *path, int create, int depth);

/* NAME in PARENT (the directory PREFIX names; NAME points into PREFIX) is a
 * dangling symlink: create what it points to, inside the rootfs, then open
 * PREFIX again. Where LXC would create on the host, this creates under the
 * rootfs. */
static int create_link_target(int root_fd, int parent, const char *prefix, const char *name,
			      int create, int depth)
{
	int flags = create == 'd' ? O_DIRECTORY : 0;
	char target[PATH_MAX];
	ssize_t n = readlinkat(parent, name, target, sizeof(target));

	if (n < 0) /* EINVAL: not a link, someone created it meanwhile */
		return errno == EINVAL ? open_in_root(root_fd, prefix, flags) : -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	if (depth <= 0)
		return -ELOOP;
	target[n] = '\0';

	/* A relative link is relative to the directory holding it. */
	int dir_len = (int)(name - prefix);
	cleanup_free char *dest = target[0] == '/' ? strdup(target) :
						     str_printf("%.*s%s", dir_len, prefix, target);
	if (!dest)
		return -ENOMEM;
	int fd = open_inside(root_fd, dest, create, depth - 1);
	if (fd < 0)
		return fd;
	close(fd);
	return open_in_root(root_fd, prefix, flags);
}

/* One step of mkdir -p: PREFIX ends with the component NAME, PARENT is the
 * directory before it. */
static int mkdir_step(int root_fd, int parent, const char *prefix, const char *name, int depth)
{
	int fd = open_in_root(root_fd, prefix, O_DIRECTORY);

	if (fd != -ENOENT)
		return fd;
	if (mkdirat(parent, name, 0755) < 0) {
		if (errno != EEXIST)
			return -errno;
		return create_link_target(root_fd, parent, prefix, name, 'd', depth);
	}
	/* Reopened by path from the root: whatever was swapped in meanwhile,
	 * the walk stays inside. */
	return open_in_root(root_fd, prefix, O_DIRECTORY);
}

static int mkdir_inside(int root_fd, const char *path, int depth)
{
	cleanup_free char *buf = strdup(path);
	if (!buf)
		return -ENOMEM;
	cleanup_close int parent = open_in_root(root_fd, ".", O_DIRECTORY);
	if (parent < 0)
		return parent;

	for (char *p = buf + strspn(buf, "/"); *p; p += strspn(p, "/")) {
		char *end = p + strcspn(p, "/");
		char saved = *end;

		*end = '\0';
		int fd = mkdir_step(root_fd, parent, buf, p, depth);
		*end = saved;
		if (fd < 0)
			return fd;
		close(parent);
		parent = fd;
		p = end;
	}
	return steal_fd(parent);
}

static int create_file_inside(int root_fd, const char *path, int depth)
{
	cleanup_free char *buf = strdup(path);
	if (!buf)
		return -ENOMEM;
	char *slash = strrchr(buf, '/');
	const char *name = slash ? slash + 1 : buf;
	cleanup_close int parent = -1;

	if (slash) {
		*slash = '\0';
		parent = mkdir_inside(root_fd, buf[0] ? buf : ".", depth);
		*slash = '/';
	} else {
		parent = open_in_root(root_fd, ".", O_DIRECTORY);
	}
	if (parent < 0)
		return parent;
	if (!name[0] || str_eq(name, ".") || str_eq(name, ".."))
		return open_in_root(root_fd, path, 0);

	/* O_EXCL never follows a symlink: nothing is created through one. */
	int fd = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	else if (errno != EEXIST)
		return -errno;
	fd = open_in_root(root_fd, path, 0);
	if (fd != -ENOENT)
		return fd;
	return create_link_target(root_fd, parent, buf, name, 'f', depth);
}

static int open_inside(int root_fd, const char *path, int create, int depth)
{
	if (!path[0])
		path = ".";
	switch (create) {
	case 0:
		return open_in_root(root_fd, path, 0);
	case 'd':
		return mkdir_inside(root_fd, path, depth);
	case 'f':
		return create_file_inside(root_fd, path, depth);
	default:
		return -EINVAL;
	}
}

int rootfs_open_inside(int rootfs_fd, const char *path, int create)
{
	return open_inside(rootfs_fd, path, create, LINK_DEPTH_MAX);
}

/* --------------------------------------------------------------- mounting */

/* MS_RDONLY, MS_NOSUID ... as mount_setattr attributes. Flags that are not
 * per-mount (MS_SYNCHRONOUS ...) have no meaning for a bind. */
static struct mount_attr ms_to_attr(unsigned long ms)
{
	struct mount_attr a = { 0 };

	a.attr_set |= ms & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0;
	a.attr_set |= ms & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0;
	a.attr_set |= ms & MS_NODEV ? MOUNT_ATTR_NODEV : 0;
	a.attr_set |= ms & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0;
	a.attr_set |= ms & MS_NODIRATIME ? MOUNT_ATTR_NODIRATIME : 0;
	a.attr_set |= ms & MS_NOSYMFOLLOW ? MOUNT_ATTR_NOSYMFOLLOW : 0;
	if (ms & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)) {
		a.attr_clr |= MOUNT_ATTR__ATIME;
		a.attr_set |= ms & MS_NOATIME	  ? MOUNT_ATTR_NOATIME :
			      ms & MS_STRICTATIME ? MOUNT_ATTR_STRICTATIME :
						    MOUNT_ATTR_RELATIME;
	}
	return a;
}

/* A detached copy of the mount tree at SRC_FD (with its submounts when
 * REC), carrying the per-mount flags of MS. Returns the tree fd. */
static int clone_tree(int src_fd, bool rec, unsigned long ms)
{
	struct mount_attr attr = ms_to_attr(ms);
	unsigned rec_flag = rec ? AT_RECURSIVE : 0;
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | rec_flag;
	cleanup_close int tree = open_tree(src_fd, "", flags);

	if (tree < 0)
		return -errno;
	if ((attr.attr_set || attr.attr_clr) &&
	    mount_setattr(tree, "", AT_EMPTY_PATH | rec_flag, &attr, sizeof(attr)) < 0)
		return -errno;
	return steal_fd(tree);
}

static int attach_tree(int tree, int target_fd)
{
	unsigned flags = MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH;

	if (move_mount(tree, "", target_fd, "", flags) < 0)
		return -errno;
	return 0;
}

/* PROPAGATION: one of MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE, maybe
 * with MS_REC, for the mount FD names the root of. */
static int set_propagation(int fd, unsigned long propagation)
{
	struct mount_attr attr = { .propagation = propagation & PROPAGATION_FLAGS };
	unsigned flags = AT_EMPTY_PATH | (propagation & MS_REC ? AT_RECURSIVE : 0);

	if (!attr.propagation)
		return 0;
	if (mount_setattr(fd, "", flags, &attr, sizeof(attr)) < 0)
		return -errno;
	return 0;
}

/* Binds SRC_FD onto TARGET_FD with the per-mount flags of MS, then sets
 * PROPAGATION on the new mount. */
static int bind_fd(int src_fd, int target_fd, unsigned long ms, unsigned long propagation)
{
	cleanup_close int tree = clone_tree(src_fd, ms & MS_REC, ms);
	if (tree < 0)
		return tree;
	int r = attach_tree(tree, target_fd);
	if (r < 0)
		return r;
	return set_propagation(tree, propagation);
}

/* An idmapped tree the monitor made (run/userns.h) onto TARGET_FD, with
 * the per-mount flags of MS and PROPAGATION, as bind_fd does for a copy. */
static int attach_idmapped(int tree, int target_fd, unsigned long ms, unsigned long propagation)
{
	struct mount_attr attr = ms_to_attr(ms);
	unsigned rec_flag = ms & MS_REC ? AT_RECURSIVE : 0;

	if ((attr.attr_set || attr.attr_clr) &&
	    mount_setattr(tree, "", AT_EMPTY_PATH | rec_flag, &attr, sizeof(attr)) < 0)
		return -errno;
	int r = attach_tree(tree, target_fd);
	return r < 0 ? r : set_propagation(tree, propagation);
}

/* The idmapped tree for INDEX (0: the rootfs, 1 + i: mount entry i), or -1. */
static int idmapped_tree(const struct start_plan *p, size_t index)
{
	return p->idmapped_trees ? p->idmapped_trees[index] : -1;
}

/* Binds PATH (inside the rootfs) onto itself with the flags of MS. */
static int rebind_inside(int root_fd, const char *path, unsigned long ms)
{
	cleanup_close int fd = rootfs_open_inside(root_fd, path, 0);
	if (fd < 0)
		return fd;
	return bind_fd(fd, fd, ms, 0);
}

/* Mounts a file system (not a bind) onto TARGET_FD. */
static int mount_fs(const char *source, int target_fd, const char *fstype, unsigned long flags,
		    const char *data)
{
	struct fd_path t;

	if (mount(source, fd_path(&t, target_fd), fstype, flags, data) < 0)
		return -errno;
	return 0;
}

static int open_rootfs(const struct start_plan *p, struct child_error *e)
{
	struct plan_where where = { "lxc.rootfs.path", p->rootfs_origin };
	int fd;

	if (!p->rootfs || !p->rootfs[0])
		return child_error_set(e, EINVAL, "open rootfs", &where, "set lxc.rootfs.path",
				       "no root file system");
	fd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return child_error_set(e, errno, "open rootfs", &where, "check lxc.rootfs.path",
				       "\"%s\"", p->rootfs);
	return fd;
}

/* -------------------------------------------------------------- prepare */

/* An overlay rootfs is mounted on its mount point here, in the container's
 * own mount namespace (a slave of the host's by now): the host never sees
 * it, and it goes away with the namespace. */
static int mount_overlay(const struct start_plan *p, struct child_error *e)
{
	struct plan_where where = { "lxc.rootfs.path", p->rootfs_origin };

	if (!p->rootfs_overlay)
		return 0;
	cleanup_close int t = open_rootfs(p, e);
	if (t < 0)
		return t;
	int r = mount_fs("overlay", t, "overlay", 0, p->rootfs_overlay);
	if (r < 0)
		return child_error_set(e, r, "mount", &where,
				       r == -ENODEV ? "the kernel has no overlayfs; use a dir "
						      "rootfs (lxc-create -B dir)" : NULL,
				       "overlay (%s) on \"%s\"", p->rootfs_overlay, p->rootfs);
	return 0;
}

int rootfs_prepare(const struct start_plan *p, struct child_error *e)
{
	struct plan_where where = { "lxc.rootfs.path", p->rootfs_origin };
	unsigned long flags = p->rootfs_flags;
	int r;

	/* Nothing mounted from here on propagates back to the host. */
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return child_error_set(e, errno, "mount", &where, NULL,
				       "\"/\" as a recursive slave");
	r = mount_overlay(p, e);
	if (r < 0)
		return r;
	cleanup_close int dir = open_rootfs(p, e);
	if (dir < 0)
		return dir;
	/* A mount point of its own, for pivot_root; lxc.rootfs.options (ro,
	 * nosuid ...) go on the copy, recursively, in one step. With
	 * idmap=container the copy is the monitor's idmapped one. */
	if (idmapped_tree(p, 0) >= 0)
		r = attach_idmapped(idmapped_tree(p, 0), dir, MS_REC | (flags & ~PROPAGATION_FLAGS),
				    flags & (PROPAGATION_FLAGS | MS_REC));
	else
		r = bind_fd(dir, dir, MS_REC | (flags & ~PROPAGATION_FLAGS),
			    flags & (PROPAGATION_FLAGS | MS_REC));
	if (r < 0)
		return child_error_set(e, r, "mount", &where,
				       r == -EPERM || r == -EACCES ? HINT_USERNS : NULL,
				       "bind \"%s\" onto itself", p->rootfs);
	return 0;
}

/* ---------------------------------------------------------- mount.auto */

static int auto_fail(const struct start_plan *p, struct child_error *e, int r, const char *hint,
		     const char *what)
{
	struct plan_where where = { "lxc.mount.auto", p->auto_origin };

	if (!hint && (r == -EPERM || r == -EACCES))
		hint = HINT_USERNS;
	return child_error_set(e, r, "mount", &where, hint, "%s", what);
}

/* Paths of the host's kernel masked (security/mask.h). */
static int masked(const struct start_plan *p, struct child_error *e, int r, const char *path)
{
	if (r == 0)
		return 0;
	cleanup_free char *what = str_printf("mask \"%s\"", path ? path : "?");
	return auto_fail(p, e, r, NULL, what ? what : "mask");
}

/* proc:mixed: /proc/sys read-only but /proc/sys/net, and sysrq-trigger
 * read-only. The net tree is copied before /proc/sys goes read-only, so it
 * keeps proc's read-write flag when it is put back on top. */
static int proc_mixed(const struct start_plan *p, int root_fd, struct child_error *e)
{
	cleanup_close int net = -1;
	const char *failed = NULL;
	int r;

	cleanup_close int net_src = rootfs_open_inside(root_fd, "proc/sys/net", 0);
	if (net_src >= 0 && (net = clone_tree(net_src, false, 0)) < 0)
		return auto_fail(p, e, net, NULL, "\"proc/sys/net\" (read-write copy)");
	r = rebind_inside(root_fd, "proc/sys", MS_RDONLY | SAFE_FLAGS);
	if (r < 0)
		return auto_fail(p, e, r, NULL, "\"proc/sys\" -> \"proc/sys\" (read-only)");
	if (net >= 0) {
		cleanup_close int t = rootfs_open_inside(root_fd, "proc/sys/net", 0);
		r = t < 0 ? t : attach_tree(net, t);
		if (r < 0)
			return auto_fail(p, e, r, NULL, "\"proc/sys/net\" -> \"proc/sys/net\"");
	}
	r = rebind_inside(root_fd, "proc/sysrq-trigger", MS_RDONLY | SAFE_FLAGS);
	if (r < 0 && r != -ENOENT) /* no CONFIG_MAGIC_SYSRQ: nothing to hide */
		return auto_fail(p, e, r, NULL, "\"proc/sysrq-trigger\" (read-only)");
	return masked(p, e, mask_proc(root_fd, &failed), failed);
}

static int mount_proc(const struct start_plan *p, int root_fd, bool mixed, struct child_error *e)
{
	cleanup_close int t = rootfs_open_inside(root_fd, "proc", 'd');
	int r = t < 0 ? t : mount_fs("proc", t, "proc", SAFE_FLAGS, NULL);

	if (r < 0)
		return auto_fail(p, e, r, NULL, "\"proc\" -> \"proc\"");
	return mixed ? proc_mixed(p, root_fd, e) : 0;
}

/* sys:mixed: a read-only bind of the sysfs over itself, with the sysfs's
 * own read-write devices/virtual/net put back on top. The sysfs is mounted
 * read-write: a read-only superblock could not give a writable net part. */
static int sys_mixed(const struct start_plan *p, int root_fd, struct child_error *e)
{
	cleanup_close int net = -1;
	const char *failed = NULL;
	int r;

	cleanup_close int net_src = rootfs_open_inside(root_fd, "sys/devices/virtual/net", 0);
	if (net_src >= 0 && (net = clone_tree(net_src, false, 0)) < 0)
		return auto_fail(p, e, net, NULL, "\"sys/devices/virtual/net\" (read-write copy)");
	r = rebind_inside(root_fd, "sys", MS_RDONLY | SAFE_FLAGS);
	if (r < 0)
		return auto_fail(p, e, r, NULL, "\"sys\" -> \"sys\" (read-only)");
	if (net >= 0) {
		cleanup_close int t = rootfs_open_inside(root_fd, "sys/devices/virtual/net", 0);
		r = t < 0 ? t : attach_tree(net, t);
		if (r < 0)
			return auto_fail(p, e, r, NULL,
					 "\"sys/devices/virtual/net\" -> \"sys/devices/virtual/net\"");
	}
	return masked(p, e, mask_sys(root_fd, &failed), failed);
}

static int mount_sys(const struct start_plan *p, int root_fd, unsigned mode,
		     struct child_error *e)
{
	unsigned long flags = SAFE_FLAGS | (mode == AUTO_SYS_RO ? MS_RDONLY : 0);
	cleanup_close int t = rootfs_open_inside(root_fd, "sys", 'd');
	int r = t < 0 ? t : mount_fs("sysfs", t, "sysfs", flags, NULL);

	if (r == -EPERM)
		return auto_fail(p, e, r,
				 "sysfs needs the container's own network namespace: "
				 "do not share the host's (lxc.namespace.share.net)",
				 "\"sysfs\" -> \"sys\"");
	if (r < 0)
		return auto_fail(p, e, r, NULL, "\"sysfs\" -> \"sys\"");
	return mode == AUTO_SYS_MIXED ? sys_mixed(p, root_fd, e) : 0;
}

/* When a config sets more than one mode, the most restrictive one wins. */
int rootfs_mount_auto(const struct start_plan *p, struct child_error *e)
{
	unsigned a = p->auto_mounts;
	unsigned sys = a & AUTO_SYS_RO ? AUTO_SYS_RO : a & AUTO_SYS_MIXED ? AUTO_SYS_MIXED :
										  a & AUTO_SYS_RW;
	int r;

	if (!(a & (AUTO_PROC_RW | AUTO_PROC_MIXED)) && !sys)
		return 0;
	cleanup_close int root = open_rootfs(p, e);
	if (root < 0)
		return root;
	if (a & (AUTO_PROC_RW | AUTO_PROC_MIXED)) {
		r = mount_proc(p, root, a & AUTO_PROC_MIXED, e);
		if (r < 0)
			return r;
	}
	return sys ? mount_sys(p, root, sys, e) : 0;
}

/* -------------------------------------------------------- mount entries */

enum entry_stage { STAGE_SOURCE, STAGE_TARGET, STAGE_MOUNT };

static const char *entry_hint(const struct plan_mount *m, enum entry_stage stage, int r)
{
	if (r == -EPERM || r == -EACCES)
		return HINT_USERNS;
	if (r == -ENOENT && stage == STAGE_SOURCE)
		return m->relative ? "check the source path inside the rootfs" :
				     "check the source path on the host";
	if (r == -ENOENT && stage == STAGE_TARGET && !m->create_dir && !m->create_file)
		return "add create=dir (or create=file)";
	if (r == -ENODEV && stage == STAGE_MOUNT)
		return "the kernel does not know this file system type (see /proc/filesystems)";
	if (r == -ENOTDIR && stage == STAGE_MOUNT)
		return "a directory and a file cannot be bound onto each other: check create=";
	return NULL;
}

static int entry_fail(const struct plan_mount *m, enum entry_stage stage, int r,
		      struct child_error *e)
{
	struct plan_where where = { "lxc.mount.entry", m->origin };

	return child_error_set(e, r, "mount", &where, entry_hint(m, stage, r), "\"%s\" -> \"%s\"",
			       m->source ? m->source : "", m->target ? m->target : "");
}

/* The target inside the rootfs: an absolute one may repeat the rootfs's host
 * path (LXC's "%s/mnt" style), which is dropped; the rest resolves inside. */
static const char *entry_target(const struct start_plan *p, const char *t)
{
	size_t n = strlen(p->rootfs);

	while (n > 1 && p->rootfs[n - 1] == '/')
		n--;
	if (t[0] == '/' && n > 1 && strncmp(t, p->rootfs, n) == 0 && (t[n] == '/' || !t[n]))
		t += n;
	t += strspn(t, "/");
	return t[0] ? t : ".";
}

/* The source of a bind, opened once so a swap of the path afterwards
 * changes nothing. */
static int entry_source(int root_fd, const struct plan_mount *m)
{
	int fd;

	if (m->relative)
		return rootfs_open_inside(root_fd, m->source, 0);
	fd = open(m->source, O_PATH | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Propagation of a non-bind mount: the target fd names the covered
 * directory, so the new mount is looked up again, inside the rootfs. */
static int entry_propagation(int root_fd, const char *target, unsigned long propagation)
{
	if (!(propagation & PROPAGATION_FLAGS))
		return 0;
	cleanup_close int fd = rootfs_open_inside(root_fd, target, 0);
	if (fd < 0)
		return fd;
	return set_propagation(fd, propagation);
}

static int mount_entry(const struct start_plan *p, int root_fd, const struct plan_mount *m,
		       int idmapped, struct child_error *e)
{
	bool bind = m->flags & MS_BIND;
	const char *target = entry_target(p, m->target ? m->target : "");
	int create = m->create_dir ? 'd' : m->create_file ? 'f' : 0;
	cleanup_close int src = -1, t = -1;
	int r;

	/* The source first, so a missing one creates nothing in the rootfs. */
	if (bind && idmapped < 0 && (src = entry_source(root_fd, m)) < 0)
		return entry_fail(m, STAGE_SOURCE, src, e);
	if ((t = rootfs_open_inside(root_fd, target, create)) < 0)
		return entry_fail(m, STAGE_TARGET, t, e);
	if (idmapped >= 0) {
		r = attach_idmapped(idmapped, t, m->flags, m->propagation);
	} else if (bind) {
		r = bind_fd(src, t, m->flags, m->propagation);
	} else {
		const char *fstype = m->fstype && !str_eq(m->fstype, "none") ? m->fstype : NULL;

		r = mount_fs(m->source, t, fstype, m->flags & ~(PROPAGATION_FLAGS | MS_REC),
			     m->data);
		if (r == 0)
			r = entry_propagation(root_fd, target, m->propagation);
	}
	return r < 0 ? entry_fail(m, STAGE_MOUNT, r, e) : 0;
}

int rootfs_mount_entries(const struct start_plan *p, struct child_error *e)
{
	if (!p->n_mounts)
		return 0;
	cleanup_close int root = open_rootfs(p, e);
	if (root < 0)
		return root;

	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *m = &p->mounts[i];
		/* An optional entry that fails is skipped; its record, kept
		 * apart, never becomes the start's failure. */
		struct child_error ignored = { 0 };
		int r = mount_entry(p, root, m, idmapped_tree(p, 1 + i), m->optional ? &ignored : e);

		if (r < 0 && !m->optional)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------------- pivot */

/* LXC's way: pivot_root(".", ".") stacks the old root on top of the new
 * one; from the old root's fd it is made a slave (its unmount must not
 * propagate to the host) and detached, leaving the new root. */
int rootfs_pivot(const struct start_plan *p, struct child_error *e)
{
	struct plan_where where = { "lxc.rootfs.path", p->rootfs_origin };
	cleanup_close int old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (old_root < 0)
		return child_error_set(e, errno, "pivot_root", &where, NULL, "open \"/\"");
	cleanup_close int new_root = open_rootfs(p, e);
	if (new_root < 0)
		return new_root;

	if (fchdir(new_root) < 0)
		return child_error_set(e, errno, "pivot_root", &where, NULL, "chdir \"%s\"",
				       p->rootfs);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return child_error_set(e, errno, "pivot_root", &where,
				       errno == EINVAL ? "the rootfs must be a mount point" : NULL,
				       "\"%s\"", p->rootfs);
	if (fchdir(old_root) < 0)
		return child_error_set(e, errno, "pivot_root", &where, NULL,
				       "chdir to the old root");
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return child_error_set(e, errno, "pivot_root", &where, NULL,
				       "old root as a recursive slave");
	if (umount2(".", MNT_DETACH) < 0)
		return child_error_set(e, errno, "pivot_root", &where, NULL, "detach the old root");
	if (chdir("/") < 0)
		return child_error_set(e, errno, "pivot_root", &where, NULL, "chdir \"/\"");
	return 0;
}
