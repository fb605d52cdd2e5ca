/* The monitor's part of a start in a user namespace (see userns.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/userns.h"
#include "security/subid.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fdpass.h"
#include "util/file.h"
#include "util/str.h"

/* What the owner of a delegated cgroup writes to (as LXC chowns them). */
static const char *const v1_files[] = { "tasks", "cgroup.procs", "cgroup.clone_children", NULL };
static const char *const v2_files[] = { "cgroup.procs", "cgroup.subtree_control",
					"cgroup.threads", NULL };

/* What one start gives to the container's root. Root chowns each path
 * itself; an ordinary user may not give files away, so a helper does it
 * (as LXC's chown_mapped_root): a process in a user namespace of its own
 * where uid and gid 0 are the container's root and 1 the user, made with
 * newuidmap/newgidmap, chowns each path to 0 there. A cgroup keeps the
 * user's group, writable, so the monitor and lxc-attach (the user) can
 * still move processes into it and remove what init made below it. */
struct give {
	const char *path;
	bool missing_ok;
	bool cgroup; /* a user's start: the group stays the user's, g+w */
};

struct gives {
	struct give *v;
	size_t n;
	char **paths; /* the strings v[] points to */
};

static void gives_release(struct gives *g)
{
	free(g->v);
	strv_free(g->paths);
}

static int gives_add(struct gives *g, char *path, bool missing_ok, bool cgroup)
{
	if (!path || strv_push(&g->paths, path) < 0)
		return -ENOMEM;
	struct give *grown = realloc(g->v, (g->n + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	g->v = grown;
	g->v[g->n++] = (struct give){ .path = path, .missing_ok = missing_ok, .cgroup = cgroup };
	return 0;
}

/* Returns the index of the path that failed, with *E its errno, or -1. */
static ssize_t give_all(const struct gives *g, uid_t uid, gid_t gid, gid_t cgroup_gid, int *e)
{
	for (size_t i = 0; i < g->n; i++) {
		const struct give *w = &g->v[i];
		gid_t to = w->cgroup ? cgroup_gid : gid;
		struct stat st;

		if (fchownat(AT_FDCWD, w->path, uid, to, AT_SYMLINK_NOFOLLOW) < 0) {
			if (w->missing_ok && errno == ENOENT)
				continue;
			*e = errno;
			return (ssize_t)i;
		}
		if (to == gid)
			continue;
		mode_t add = S_IWGRP;
		if (stat(w->path, &st) == 0 && S_ISDIR(st.st_mode))
			add |= S_IRGRP | S_IXGRP;
		if (stat(w->path, &st) < 0 || chmod(w->path, (st.st_mode & 07777) | add) < 0) {
			*e = errno;
			return (ssize_t)i;
		}
	}
	return -1;
}

struct give_reply {
	int errnum;
	ssize_t index;
};

/* The user's case: through a helper in a user namespace mapping the
 * container's root (0) and the user (1). */
static int give_as_user(const struct start_plan *p, const struct gives *g, ssize_t *bad,
			lxcmgr_error **err)
{
	char line[4][64];
	char *lines[5] = { line[0], line[1], line[2], line[3], NULL };
	struct give_reply r = { .errnum = EPIPE, .index = -1 };
	int fds[2];

	snprintf(line[0], sizeof(line[0]), "u 0 %u 1", (unsigned)p->root_uid);
	snprintf(line[1], sizeof(line[1]), "u 1 %u 1", (unsigned)geteuid());
	snprintf(line[2], sizeof(line[2]), "g 0 %u 1", (unsigned)p->root_gid);
	snprintf(line[3], sizeof(line[3]), "g 1 %u 1", (unsigned)getegid());
	if (pipe2(fds, O_CLOEXEC) < 0)
		return error_set(err, errno, "give files to the container's root: pipe");
	pid_t pid = userns_fork(lines, err);
	if (pid == 0) {
		close(fds[0]);
		r.index = give_all(g, 0, 0, 1, &r.errnum);
		if (r.index < 0)
			r.errnum = 0;
		_exit(write(fds[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return error_wrap(err, (int)pid, "give files to the container's root (lxc.idmap)");
	}
	ssize_t n;
	while ((n = read(fds[0], &r, sizeof(r))) < 0 && errno == EINTR)
		;
	close(fds[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof(r))
		return error_msg(err, EPIPE, "give files to the container's root: the helper ended");
	*bad = r.index;
	return -r.errnum;
}

static int give(const struct start_plan *p, const struct gives *g, lxcmgr_error **err)
{
	ssize_t bad = -1;
	int e = 0, ret = 0;

	if (p->by_user)
		ret = give_as_user(p, g, &bad, err);
	else if ((bad = give_all(g, p->root_uid, p->root_gid, p->root_gid, &e)) >= 0)
		ret = -e;
	if (ret < 0 && bad >= 0)
		return error_set(err, -ret, "give \"%s\" to the container's root (host uid %u, "
				 "lxc.idmap)", g->v[bad].path, (unsigned)p->root_uid);
	return ret;
}

int userns_own_cgroup(const struct start_plan *p, const struct cgroup *cg, lxcmgr_error **err)
{
	struct gives g = { 0 };
	int ret = 0;

	for (size_t i = 0; ret == 0 && cg && i < cg->n_hiers; i++) {
		const struct cgroup_hier *h = &cg->hiers[i];
		const char *dir = h->dirs[CGROUP_PAYLOAD];

		if (!dir)
			continue;
		ret = gives_add(&g, strdup(dir), false, true);
		for (const char *const *f = h->unified ? v2_files : v1_files; ret == 0 && *f; f++)
			ret = gives_add(&g, str_printf("%s/%s", dir, *f), true, true);
	}
	if (ret < 0)
		ret = error_set(err, ENOMEM, "cgroup");
	else if (g.n)
		ret = give(p, &g, err);
	gives_release(&g);
	return ret;
}

int userns_own_ptys(const struct start_plan *p, const struct dev_ptys *ptys,
		    lxcmgr_error **err)
{
	struct gives g = { 0 };
	int ret = 0;

	if (ptys->console[0])
		ret = gives_add(&g, strdup(ptys->console), false, false);
	for (unsigned i = 0; ret == 0 && i < ptys->n_ttys; i++)
		ret = gives_add(&g, strdup(ptys->ttys[i]), false, false);
	if (ret < 0)
		ret = error_set(err, ENOMEM, "ptys");
	else if (g.n)
		ret = give(p, &g, err);
	gives_release(&g);
	return ret;
}

static int write_map(pid_t pid, const struct start_plan *p, char kind, lxcmgr_error **err)
{
	char path[64];
	cleanup_free char *text = idmap_proc_text(&p->idmap, kind);

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, kind == 'u' ? "uid_map" : "gid_map");
	if (!text)
		return error_set(err, ENOMEM, "write \"%s\"", path);
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	/* One write: the kernel takes a map whole, once. */
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		int ret = error_set(err, errno, "write \"%s\" (lxc.idmap)", path);
		error_hint(err, "the kernel refused the map: check lxc.idmap's ranges");
		return ret;
	}
	return 0;
}

int userns_write_maps(const struct start_plan *p, pid_t pid, lxcmgr_error **err)
{
	if (p->by_user)
		return subid_write_maps(pid, p->idmap_lines, err);
	int ret = write_map(pid, p, 'u', err);

	return ret ?: write_map(pid, p, 'g', err);
}

/* The file system's name for an error, from statfs's magic. */
static const char *fs_name(const char *path, char *buf, size_t size)
{
	static const struct {
		long magic;
		const char *name;
	} names[] = {
		{ 0xEF53, "ext4" },	   { 0x58465342, "xfs" },     { 0x9123683E, "btrfs" },
		{ 0x01021994, "tmpfs" },   { 0x794c7630, "overlay" }, { 0x6969, "nfs" },
		{ 0x2fc12fc1, "zfs" },	   { 0x65735546, "fuse" },    { 0xF2F52010, "f2fs" },
		{ 0x4d44, "vfat" },	   { 0x62656572, "sysfs" },   { 0x9fa0, "proc" },
	};
	struct statfs st;

	if (statfs(path, &st) < 0)
		return "?";
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].magic == (long)st.f_type)
			return names[i].name;
	snprintf(buf, size, "type 0x%lx", (long)st.f_type);
	return buf;
}

/* A detached copy of PATH's mount tree, seen through USERNS_FD. */
static int idmapped_tree(const char *path, bool rec, int userns_fd, const char *what,
			 lxcmgr_error **err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (__u64)userns_fd };
	unsigned r = rec ? AT_RECURSIVE : 0;
	cleanup_close int tree = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | r);
	char buf[32];

	if (tree < 0)
		return error_set(err, errno, "idmapped mount of \"%s\" (%s): open_tree", path, what);
	if (mount_setattr(tree, "", AT_EMPTY_PATH | r, &attr, sizeof(attr)) < 0) {
		int e = errno;
		int ret = error_set(err, e, "idmapped mount of \"%s\" (%s, file system %s)", path, what,
				    fs_name(path, buf, sizeof(buf)));
		if (e == EINVAL)
			error_hint(err, "this file system (or a mount below it) does not support "
					"idmapped mounts: shift the files instead (lxc-create with "
					"lxc.idmap in -f FILE), and drop idmap=container");
		return ret;
	}
	return steal_fd(tree);
}

int userns_idmapped_trees(const struct start_plan *p, pid_t pid, int *fds, size_t *n,
			  lxcmgr_error **err)
{
	char path[64];
	int ret = 0;

	*n = 0;
	for (size_t i = 0; i <= p->n_mounts; i++)
		fds[i] = -1;
	bool any = p->rootfs_idmapped;
	for (size_t i = 0; i < p->n_mounts; i++)
		any = any || p->mounts[i].idmapped;
	if (!any)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	cleanup_close int userns = open(path, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return error_set(err, errno, "open \"%s\"", path);
	if (p->rootfs_idmapped) {
		ret = fds[0] = idmapped_tree(p->rootfs, true, userns, "lxc.rootfs.options", err);
		if (ret >= 0)
			(*n)++;
	}
	for (size_t i = 0; ret >= 0 && i < p->n_mounts; i++) {
		const struct plan_mount *m = &p->mounts[i];
		if (!m->idmapped)
			continue;
		cleanup_free char *what = str_printf("lxc.mount.entry, %s", m->origin);
		ret = fds[1 + i] = idmapped_tree(m->source, m->flags & MS_REC, userns,
						 what ? what : "lxc.mount.entry", err);
		if (ret >= 0)
			(*n)++;
	}
	if (ret >= 0)
		return 0;
	for (size_t i = 0; i <= p->n_mounts; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
	*n = 0;
	return ret;
}

/* ------------------------------------------------------ locked mounts */

/* The helper's work: returns an fd of the locked copy or -errno, and
 * *STEP names what failed. Every path is opened before the first setns:
 * afterwards "/proc" would be the container's. */
static int locked_copy(pid_t pid, const char **step)
{
	char path[64];
	int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	int mnt = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	int user = open(path, O_RDONLY | O_CLOEXEC);

	*step = "open the container's namespaces";
	if (proc < 0 || mnt < 0 || user < 0)
		return -errno;
	*step = "join the container's mount namespace";
	if (setns(mnt, CLONE_NEWNS) < 0)
		return -errno;
	/* Owned by the host's user namespace: a copy across user namespaces,
	 * so locked. */
	*step = "copy the container's mount namespace";
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	*step = "join the container's user namespace";
	if (setns(user, CLONE_NEWUSER) < 0)
		return -errno;
	/* And back into the container's user namespace, locked again. */
	*step = "copy the container's mount namespace";
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	*step = "open the copy";
	int fd = openat(proc, "self/ns/mnt", O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

struct lock_reply {
	int errnum;
	char step[64];
};

static __attribute__((noreturn)) void locker_main(pid_t pid, int sock)
{
	struct lock_reply r = { 0 };
	const char *step = "";
	int fd = locked_copy(pid, &step);

	if (fd < 0) {
		r.errnum = -fd;
		snprintf(r.step, sizeof(r.step), "%s", step);
	}
	_exit(fd_send(sock, &r, sizeof(r), &fd, 1) == 0 && fd >= 0 ? 0 : 1);
}

int userns_locked_mounts(pid_t pid, int *mntns_fd, lxcmgr_error **err)
{
	static const char what[] = "lock the container's mounts";
	struct lock_reply r = { .errnum = EPIPE, .step = "the helper ended" };
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	int sv[2];

	*mntns_fd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return error_set(err, errno, "%s: socketpair", what);
	/* A process of its own: setns into a user namespace needs a single
	 * thread and an fs struct no one else shares, and changes it for good. */
	pid_t helper = fork();
	if (helper == 0) {
		close(sv[0]);
		locker_main(pid, sv[1]);
	}
	close(sv[1]);
	if (helper < 0) {
		close(sv[0]);
		return error_set(err, errno, "%s: fork", what);
	}
	ssize_t n;
	while ((n = recvmsg(sv[0], &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	close(sv[0]);
	while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
		;
	struct cmsghdr *cm = n == (ssize_t)sizeof(r) ? CMSG_FIRSTHDR(&mh) : NULL;
	if (cm && cm->cmsg_type == SCM_RIGHTS && r.errnum == 0) {
		memcpy(mntns_fd, CMSG_DATA(cm), sizeof(int));
		return 0;
	}
	r.step[sizeof(r.step) - 1] = '\0';
	return error_set(err, r.errnum ? r.errnum : EPROTO, "%s: %s", what, r.step);
}
