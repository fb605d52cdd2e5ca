/* Child side: lxc.mount.auto's cgroup modes. The child is already in its
 * payload cgroups and in its own cgroup namespace, so a cgroup file system
 * mounted now has the container's own cgroup as its root: the container
 * sees its cgroups and nothing above them.
 *
 *   cgroup2-only host       cgroup2 at /sys/fs/cgroup
 *   v1 or hybrid host       a tmpfs at /sys/fs/cgroup holding each hierarchy
 *                           where the host has it (memory, "cpu,cpuacct" with
 *                           cpu and cpuacct as links, systemd for name=systemd,
 *                           unified for the cgroup2 one), as a systemd guest
 *                           expects
 *   "cgroup2" (any host)    the cgroup2 hierarchy alone at /sys/fs/cgroup
 *
 * :ro mounts all of it read-only; :mixed the tmpfs only (the cgroups are the
 * container's own); :rw nothing. On cgroup2 the kernel keeps the namespace's
 * root cgroup's own limits out of the container's reach (nsdelegate). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "run/cgmount.h"
#include "run/rootfs.h"
#include "util/cleanup.h"
#include "util/str.h"

#define FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME)
#define TARGET "sys/fs/cgroup"

static int fail(const struct start_plan *p, struct child_error *e, int r, const char *hint,
		const char *what, const char *where)
{
	struct plan_where w = { "lxc.mount.auto", p->auto_origin };

	return child_error_set(e, r, "mount", &w, hint, "%s -> \"%s\"", what, where);
}

static int mount_at(int fd, const char *source, const char *fstype, unsigned long flags,
		    const char *data)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return mount(source, path, fstype, flags, data) < 0 ? -errno : 0;
}

/* The hierarchy's directory below /sys/fs/cgroup ("memory", "unified"), or
 * NULL when the host mounts it elsewhere. */
static const char *dir_name(const struct cgroup_hier *h)
{
	const char *rest = h->mount + strlen(CGROUP_MOUNT);

	if (!str_starts_with(h->mount, CGROUP_MOUNT "/") || strchr(rest + 1, '/'))
		return NULL;
	return rest + 1;
}

/* "memory", "cpu,cpuacct", "none,name=systemd": the mount options that
 * name the host's v1 hierarchy. */
static char *v1_options(const struct cgroup_hier *h)
{
	cleanup_free char *list = strv_join(h->controllers, ",");

	if (!list)
		return NULL;
	bool named_only = true;
	for (size_t i = 0; h->controllers[i]; i++)
		named_only &= str_starts_with(h->controllers[i], "name=");
	return named_only ? str_printf("none,%s", list) : steal_ptr(list);
}

static int mount_v1(const struct start_plan *p, int dir, const struct cgroup_hier *h,
		    unsigned long flags, struct child_error *e)
{
	const char *name = dir_name(h);
	cleanup_free char *opts = h->unified ? NULL : v1_options(h);
	cleanup_free char *where = str_printf(TARGET "/%s", name);
	int r;

	if (!where || (!h->unified && !opts))
		return child_error_set(e, ENOMEM, "mount", NULL, NULL, "cgroups");
	if (mkdirat(dir, name, 0755) < 0)
		return fail(p, e, -errno, NULL, "mkdir", where);
	cleanup_close int t = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	r = t < 0 ? -errno : mount_at(t, "cgroup", h->unified ? "cgroup2" : "cgroup", flags, opts);
	if (r < 0)
		return fail(p, e, r, NULL, h->unified ? "cgroup2" : opts, where);
	/* Controllers mounted together are found under each name, as on the host. */
	for (size_t i = 0; !h->unified && h->controllers[i]; i++) {
		const char *c = h->controllers[i];
		if (strcmp(c, name) != 0 && !strchr(c, '=') && symlinkat(name, dir, c) < 0 &&
		    errno != EEXIST)
			return fail(p, e, -errno, NULL, "symlink", c);
	}
	return 0;
}

/* v1 or hybrid: a tmpfs with every hierarchy the host mounts below
 * /sys/fs/cgroup. */
static int mount_tree(const struct start_plan *p, int root, int target, const struct cgroup *cg,
		      unsigned long flags, struct child_error *e)
{
	int r = mount_at(target, "cgroup", "tmpfs", FLAGS, "mode=755,size=1024k");

	if (r < 0)
		return fail(p, e, r, NULL, "tmpfs", TARGET);
	/* The fd of the new tmpfs itself (TARGET names what it covers). */
	cleanup_close int dir = rootfs_open_inside(root, TARGET, 0);
	if (dir < 0)
		return fail(p, e, dir, NULL, "tmpfs", TARGET);
	for (size_t i = 0; i < cg->n_hiers; i++) {
		if (!dir_name(&cg->hiers[i]) || (!cg->hiers[i].unified && !cg->hiers[i].controllers))
			continue;
		r = mount_v1(p, dir, &cg->hiers[i], flags, e);
		if (r < 0)
			return r;
	}
	if (p->cgroup_mount == CGMOUNT_RW)
		return 0;
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	if (mount_setattr(dir, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return fail(p, e, -errno, NULL, "tmpfs (read-only)", TARGET);
	return 0;
}

int cgmount_mount(const struct start_plan *p, const struct cgroup *cg, struct child_error *e)
{
	unsigned long flags = FLAGS | (p->cgroup_mount == CGMOUNT_RO ? MS_RDONLY : 0);
	const struct cgroup_hier *unified = NULL;

	if (!p->cgroup_mount)
		return 0;
	if (!cg)
		return fail(p, e, -ENOENT, "this host has no usable cgroup hierarchy; drop the "
			    "cgroup word", "cgroups", TARGET);
	for (size_t i = 0; i < cg->n_hiers; i++)
		if (cg->hiers[i].unified)
			unified = &cg->hiers[i];
	if (p->cgroup_mount_v2 && !unified)
		return fail(p, e, -ENOENT, "this host has no cgroup2 hierarchy; use cgroup",
			    "cgroup2", TARGET);
	cleanup_close int root = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int target = root < 0 ? -errno : rootfs_open_inside(root, TARGET, 'd');
	if (target < 0)
		return fail(p, e, target, NULL, "cgroups", TARGET);
	if (cg->layout != CGROUP_LAYOUT_UNIFIED && !p->cgroup_mount_v2)
		return mount_tree(p, root, target, cg, flags, e);
	int r = mount_at(target, "cgroup2", "cgroup2", flags, NULL);
	return r < 0 ? fail(p, e, r, NULL, "cgroup2", TARGET) : 0;
}
