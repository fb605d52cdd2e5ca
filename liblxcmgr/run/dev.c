/* Child side: /dev of the container (see dev.h).
 *
 * Every path in the rootfs is opened with rootfs_open_inside() (openat2
 * RESOLVE_IN_ROOT) from a descriptor of the rootfs, so a symlink, ".." or
 * an absolute link stays inside it; the last component is created or
 * checked without following it; mounts go through /proc/self/fd/N of a
 * descriptor opened that way.
 * Host paths (the rootfs itself, /dev/null of the host, the pty slaves the
 * monitor allocated) are trusted as given. */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "run/dev.h"
#include "run/rootfs.h"
#include "util/cleanup.h"

/* As LXC's mount_autodev (mode=755, size=lxc.autodev.tmpfs.size or
 * 500000), plus nosuid as systemd-nspawn does. Not noexec: an mmap with
 * PROT_EXEC of /dev/zero must keep working. */
#define DEV_TMPFS_FLAGS MS_NOSUID
#define DEV_TMPFS_SIZE 500000
#define DEVPTS_FLAGS (MS_NOSUID | MS_NOEXEC)
/* gid=5 (tty) first; some kernels refuse it with EINVAL when 5 is not
 * mapped in the user namespace, so it can be dropped from the front. */
#define DEVPTS_GID "gid=5,"
#define DEVPTS_DATA DEVPTS_GID "newinstance,ptmxmode=0666,mode=0620"

static const struct plan_where where_rootfs = { "lxc.rootfs.path", NULL };
static const struct plan_where where_autodev = { "lxc.autodev", NULL };
static const struct plan_where where_pty = { "lxc.pty.max", NULL };
static const struct plan_where where_tty = { "lxc.tty.max", NULL };
static const struct plan_where where_tty_dir = { "lxc.tty.dir", NULL };
static const struct plan_where where_console = { "lxc.console.path", NULL };

struct dev_node {
	const char *name;
	unsigned major, minor;
};

static const struct dev_node dev_nodes[] = {
	{ "null", 1, 3 },    { "zero", 1, 5 },    { "full", 1, 7 },
	{ "random", 1, 8 },  { "urandom", 1, 9 }, { "tty", 5, 0 },
};

/* Links every autodev /dev gets (LXC's dev_symlinks; LXC makes no
 * /dev/core, so neither do we). ptmx points into the private devpts. */
static const char *const dev_links[][2] = {
	{ "fd", "/proc/self/fd" },         { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },   { "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" },
};

/* Hints for failures whose errno says more than the step does. */
static const char *hint_for(int errnum, const char *otherwise)
{
	switch (errnum) {
	case EROFS:
		return "the rootfs is read-only here; set lxc.autodev = 1 so /dev is a tmpfs";
	case ENOSPC:
		return "the /dev tmpfs is full; raise lxc.autodev.tmpfs.size";
	case ELOOP:
		return "a symlink in the container's /dev is in the way; remove it from the rootfs";
	default:
		return otherwise;
	}
}

/* mkdir -p of PATH (relative to the rootfs) inside ROOTFD, 0755 under the
 * umask of 0 dev_* set: an O_PATH descriptor of the directory or -errno. */
static int dir_inside(int rootfd, const char *path)
{
	return rootfs_open_inside(rootfd, path, 'd');
}

/* NAME in DIRFD as something to bind-mount onto: an empty file is created
 * when missing and replaces a symlink (mounting there would follow it); a
 * node or a file is kept. Returns an O_PATH descriptor of it. */
static int mount_target(int dirfd, const char *name, mode_t mode)
{
	struct stat st;
	int fd, r = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
	    unlinkat(dirfd, name, 0) < 0)
		return -errno;
	fd = openat(dirfd, name, O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
		    mode);
	if (fd >= 0)
		close(fd);
	else if (errno != EEXIST)
		return -errno;
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (S_ISDIR(st.st_mode))
		r = -EISDIR;
	else if (S_ISLNK(st.st_mode))
		r = -ELOOP; /* a link made after the check: not ours to follow */
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* NAME in DIRFD becomes a symlink to TARGET. REPLACE: anything but a
 * directory already there goes (the tty.dir links replace the rootfs's
 * nodes, as LXC's); otherwise an existing entry is kept (LXC's autodev
 * links). */
static int link_at(int dirfd, const char *name, const char *target, bool replace)
{
	char cur[256];
	ssize_t n = readlinkat(dirfd, name, cur, sizeof(cur) - 1);

	if (n >= 0 && (size_t)n < sizeof(cur) - 1) {
		cur[n] = '\0';
		if (strcmp(cur, target) == 0)
			return 0;
	}
	if (symlinkat(target, dirfd, name) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (!replace)
		return 0;
	if (unlinkat(dirfd, name, 0) < 0 || symlinkat(target, dirfd, name) < 0)
		return -errno;
	return 0;
}

static int mount_at_fd(const char *source, int fd, const char *fstype, unsigned long flags,
		       const char *data)
{
	char path[sizeof("/proc/self/fd/") + 12];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return mount(source, path, fstype, flags, data) < 0 ? -errno : 0;
}

static int open_rootfs(const struct start_plan *p, struct child_error *e)
{
	int fd;

	if (!p->rootfs || !p->rootfs[0])
		return child_error_set(e, EINVAL, "open rootfs", &where_rootfs,
				       "set lxc.rootfs.path", "(none configured)");
	fd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		struct plan_where w = { "lxc.rootfs.path", p->rootfs_origin };
		return child_error_set(e, errno, "open rootfs", &w, NULL, "\"%s\"", p->rootfs);
	}
	return fd;
}

int dev_mount_tmpfs(const struct start_plan *p, struct child_error *e)
{
	cleanup_close int rootfd = -1, devfd = -1;
	char data[48];
	mode_t mask;
	int r;

	if (!p->autodev)
		return 0;
	snprintf(data, sizeof(data), "mode=755,size=%llu",
		 (unsigned long long)(p->autodev_tmpfs_size ? p->autodev_tmpfs_size : DEV_TMPFS_SIZE));
	rootfd = open_rootfs(p, e);
	if (rootfd < 0)
		return rootfd;
	mask = umask(0);
	devfd = dir_inside(rootfd, "dev");
	umask(mask);
	if (devfd < 0)
		return child_error_set(e, -devfd, "create directory", &where_autodev,
				       hint_for(-devfd, NULL), "\"/dev\"");
	r = mount_at_fd("none", devfd, "tmpfs", DEV_TMPFS_FLAGS, data);
	if (r < 0)
		return child_error_set(e, -r, "mount tmpfs", &where_autodev,
				       "set lxc.autodev = 0 to keep the rootfs's own /dev",
				       "on \"/dev\" (%s)", data);
	return 0;
}

/* ------------------------------------------------------------ autodev */

/* The host's node bound over a placeholder: for user namespaces, where
 * mknod is refused or the nodes it makes cannot be opened. */
static int bind_host_node(int devfd, const struct dev_node *n, struct child_error *e)
{
	char host[32];
	cleanup_close int fd = mount_target(devfd, n->name, 0000);
	int r = fd;

	snprintf(host, sizeof(host), "/dev/%s", n->name);
	if (fd >= 0)
		r = mount_at_fd(host, fd, NULL, MS_BIND, NULL);
	if (r == -ENOENT)
		return child_error_set(e, -r, "bind device", &where_autodev,
				       "mknod is refused here (a user namespace), so the host's node "
				       "is bound: create it on the host",
				       "\"%s\" -> \"/dev/%s\"", host, n->name);
	if (r < 0)
		return child_error_set(e, -r, "bind device", &where_autodev,
				       hint_for(-r, "mknod was refused; the host's node is bound"),
				       "\"%s\" -> \"/dev/%s\"", host, n->name);
	return 0;
}

/* A node mknod made on a file system mounted in a user namespace is
 * there but refuses open (SB_I_NODEV): bind the host's over it. */
static bool node_usable(int devfd, const char *name)
{
	int fd = openat(devfd, name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd >= 0 || (errno != EPERM && errno != EACCES);
}

static int create_node(int devfd, const struct dev_node *n, struct child_error *e)
{
	if (mknodat(devfd, n->name, S_IFCHR | 0666, makedev(n->major, n->minor)) == 0) {
		if (node_usable(devfd, n->name))
			return 0;
	} else if (errno == EEXIST) {
		return 0; /* a mount entry put something there: keep it */
	} else if (errno != EPERM) {
		return child_error_set(e, errno, "create device", &where_autodev,
				       hint_for(errno, NULL), "\"/dev/%s\" (char %u:%u)", n->name,
				       n->major, n->minor);
	}
	return bind_host_node(devfd, n, e);
}

static int autodev_fill(int devfd, struct child_error *e)
{
	static const struct {
		const char *name;
		mode_t mode;
	} dirs[] = { { "pts", 0755 }, { "shm", 01777 } };
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		r = create_node(devfd, &dev_nodes[i], e);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++) {
		r = link_at(devfd, dev_links[i][0], dev_links[i][1], false);
		if (r < 0)
			return child_error_set(e, -r, "create link", &where_autodev,
					       hint_for(-r, NULL), "\"/dev/%s\" -> \"%s\"",
					       dev_links[i][0], dev_links[i][1]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (mkdirat(devfd, dirs[i].name, dirs[i].mode) < 0 && errno != EEXIST)
			return child_error_set(e, errno, "create directory", &where_autodev,
					       hint_for(errno, NULL), "\"/dev/%s\"", dirs[i].name);
	}
	return 0;
}

/* ------------------------------------------------------------- devpts */

static bool ptmx_is_link(int devfd)
{
	char cur[32];
	ssize_t n = readlinkat(devfd, "ptmx", cur, sizeof(cur) - 1);

	if (n < 0)
		return false;
	cur[n] = '\0';
	return strcmp(cur, "pts/ptmx") == 0 || strcmp(cur, "/dev/pts/ptmx") == 0;
}

/* Without autodev the rootfs's /dev/ptmx would open the host's instance:
 * the private one's ptmx is bound over it. */
static int bind_ptmx(int rootfd, int devfd, struct child_error *e)
{
	cleanup_close int src = -1, dst = -1;
	int r;

	if (ptmx_is_link(devfd))
		return 0;
	src = rootfs_open_inside(rootfd, "dev/pts/ptmx", 0);
	r = src;
	if (src >= 0) {
		dst = mount_target(devfd, "ptmx", 0000);
		r = dst;
	}
	if (dst >= 0) {
		char path[sizeof("/proc/self/fd/") + 12];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", src);
		r = mount_at_fd(path, dst, NULL, MS_BIND, NULL);
	}
	if (r < 0)
		return child_error_set(e, -r, "bind ptmx", &where_pty,
				       hint_for(-r, "make the rootfs's /dev/ptmx -> pts/ptmx"),
				       "\"/dev/pts/ptmx\" -> \"/dev/ptmx\"");
	return 0;
}

static int mount_devpts(int rootfd, unsigned pty_max, struct child_error *e)
{
	char data[sizeof(DEVPTS_DATA) + 16], hint[96];
	cleanup_close int fd = dir_inside(rootfd, "dev/pts");
	const char *opts = data;
	int r = fd;

	if (pty_max)
		snprintf(data, sizeof(data), "%s,max=%u", DEVPTS_DATA, pty_max);
	else
		snprintf(data, sizeof(data), "%s", DEVPTS_DATA); /* lxc.pty.max unset: no limit */
	if (fd >= 0)
		r = mount_at_fd("devpts", fd, "devpts", DEVPTS_FLAGS, data);
	if (r == -EINVAL && fd >= 0) {
		opts = data + strlen(DEVPTS_GID);
		r = mount_at_fd("devpts", fd, "devpts", DEVPTS_FLAGS, opts);
	}
	if (r >= 0)
		return 0;
	if (r == -EINVAL && pty_max)
		snprintf(hint, sizeof(hint), "lxc.pty.max = %u may be above the kernel's limit",
			 pty_max);
	else
		snprintf(hint, sizeof(hint), "%s",
			 hint_for(-r, "a container needs a private devpts (newinstance)"));
	return child_error_set(e, -r, fd < 0 ? "create directory" : "mount devpts", &where_pty,
			       hint, "on \"/dev/pts\" (%s)", opts);
}

/* --------------------------------------------------- console and ttys */

/* Where the console and the ttys go: /dev, or /dev/<tty.dir> plus links. */
struct pty_place {
	int devfd;
	int ttydirfd; /* -1: no lxc.tty.dir */
	const char *tty_dir;
};

/* Binds the host's pty SLAVE onto /dev/NAME, or with lxc.tty.dir onto
 * /dev/<tty.dir>/NAME plus a link /dev/NAME -> <tty.dir>/NAME. */
static int bind_pty(const struct pty_place *at, const char *name, const char *slave,
		    struct child_error *e)
{
	bool console = strcmp(name, "console") == 0;
	const char *dir = at->tty_dir ? at->tty_dir : "", *sep = at->tty_dir ? "/" : "";
	const char *hint = console ? "set lxc.console.path = none to start without a console"
				   : "lower lxc.tty.max, or set it to 0";
	int dirfd = at->ttydirfd >= 0 ? at->ttydirfd : at->devfd;
	cleanup_close int fd = mount_target(dirfd, name, 0600);
	char link[DEV_PTY_PATH_MAX + 64];
	int r = fd;

	if (fd >= 0)
		r = mount_at_fd(slave, fd, NULL, MS_BIND, NULL);
	if (r < 0)
		return child_error_set(e, -r, console ? "bind console" : "bind tty",
				       console ? &where_console : &where_tty, hint_for(-r, hint),
				       "\"%s\" -> \"/dev/%s%s%s\"", slave, dir, sep, name);
	if (at->ttydirfd < 0)
		return 0;
	snprintf(link, sizeof(link), "%s/%s", at->tty_dir, name);
	r = link_at(at->devfd, name, link, true);
	if (r < 0)
		return child_error_set(e, -r, "create link", &where_tty_dir, hint_for(-r, NULL),
				       "\"/dev/%s\" -> \"%s\"", name, link);
	return 0;
}

static bool tty_dir_valid(const char *d)
{
	return d[0] && !strchr(d, '/') && strcmp(d, ".") != 0 && strcmp(d, "..") != 0 &&
	       strlen(d) < 64;
}

static int open_tty_dir(int rootfd, const char *tty_dir, struct child_error *e)
{
	char path[80];
	int fd;

	if (!tty_dir_valid(tty_dir))
		return child_error_set(e, EINVAL, "create directory", &where_tty_dir,
				       "lxc.tty.dir names one directory below /dev, like \"lxc\"",
				       "\"/dev/%s\"", tty_dir);
	snprintf(path, sizeof(path), "dev/%s", tty_dir);
	fd = dir_inside(rootfd, path);
	if (fd < 0)
		return child_error_set(e, -fd, "create directory", &where_tty_dir,
				       hint_for(-fd, NULL), "\"/dev/%s\"", tty_dir);
	return fd;
}

static int setup_ptys(int rootfd, int devfd, const struct start_plan *p,
		      const struct dev_ptys *ptys, struct child_error *e)
{
	const char *tty_dir = p->tty_dir && p->tty_dir[0] ? p->tty_dir : NULL;
	cleanup_close int ttydirfd = -1;
	struct pty_place at = { devfd, -1, tty_dir };
	char name[32];
	int r;

	if (!ptys || (!ptys->console[0] && !ptys->n_ttys))
		return 0;
	if (tty_dir) {
		ttydirfd = open_tty_dir(rootfd, tty_dir, e);
		if (ttydirfd < 0)
			return ttydirfd;
		at.ttydirfd = ttydirfd;
	}
	if (ptys->console[0]) {
		if (strnlen(ptys->console, DEV_PTY_PATH_MAX) == DEV_PTY_PATH_MAX)
			return child_error_set(e, ENAMETOOLONG, "bind console", &where_console,
					       NULL, "(pty path not terminated)");
		r = bind_pty(&at, "console", ptys->console, e);
		if (r < 0)
			return r;
	}
	for (unsigned i = 0; i < ptys->n_ttys; i++) {
		if (strnlen(ptys->ttys[i], DEV_PTY_PATH_MAX) == DEV_PTY_PATH_MAX)
			return child_error_set(e, ENAMETOOLONG, "bind tty", &where_tty, NULL,
					       "tty%u (pty path not terminated)", i + 1);
		snprintf(name, sizeof(name), "tty%u", i + 1);
		r = bind_pty(&at, name, ptys->ttys[i], e);
		if (r < 0)
			return r;
	}
	return 0;
}

static int populate(int rootfd, const struct start_plan *p, const struct dev_ptys *ptys,
		    struct child_error *e)
{
	cleanup_close int devfd = dir_inside(rootfd, "dev");
	int r;

	if (devfd < 0)
		return child_error_set(e, -devfd, "create directory", &where_autodev,
				       hint_for(-devfd, NULL), "\"/dev\"");
	if (p->autodev) {
		r = autodev_fill(devfd, e);
		if (r < 0)
			return r;
	}
	r = mount_devpts(rootfd, p->pty_max, e);
	if (r < 0)
		return r;
	if (!p->autodev) {
		r = bind_ptmx(rootfd, devfd, e);
		if (r < 0)
			return r;
	}
	return setup_ptys(rootfd, devfd, p, ptys, e);
}

int dev_populate(const struct start_plan *p, const struct dev_ptys *ptys, struct child_error *e)
{
	cleanup_close int rootfd = open_rootfs(p, e);
	mode_t mask;
	int r;

	if (rootfd < 0)
		return rootfd;
	/* Modes as written (0666 nodes, a 1777 shm), whatever the caller's
	 * umask; the first process is single-threaded, so this is safe. */
	mask = umask(0);
	r = populate(rootfd, p, ptys, e);
	umask(mask);
	return r;
}
