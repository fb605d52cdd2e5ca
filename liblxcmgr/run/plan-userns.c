/* The start plan's user namespace: lxc.idmap, for a container started by
 * root. Runs last (build_all), when the namespaces, the rootfs and the
 * mounts are known. It refuses here what would fail later in the
 * container's first process with a less telling errno:
 *
 *   - "user" in lxc.namespace.clone without an idmap, or kept with one;
 *   - a map the kernel would refuse (overlaps, no root);
 *   - a rootfs whose files belong to host root while the container's root
 *     is another host uid (not shifted), without idmap=container, and a
 *     shifted one with it (it would be shifted twice);
 *   - a rootfs the container's root cannot reach (a directory on its path
 *     it may not search: the first process runs as that root when it
 *     mounts);
 *   - for a caller other than root: a map newuidmap/newgidmap would refuse
 *     (not the user's subordinate ids), and what needs host root
 *     (idmapped mounts). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "container.h"
#include "security/subid.h"
#include "run/plan-internal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

static const char key[] = "lxc.idmap";

static bool names_user(const struct conf *conf, const char *k)
{
	char *const *v = conf_values(conf, k);

	for (size_t i = 0; v && v[i]; i++) {
		cleanup_free char **w = str_words(v[i], " \t");
		for (size_t j = 0; w && w[j]; j++)
			if (str_eq(w[j], "user"))
				return true;
	}
	return false;
}

/* LXC's lxc.namespace.* for user: the default set has it exactly when
 * there is an idmap; an explicit lxc.namespace.clone must name it then. */
static int userns_flags(struct build *b, bool mapped)
{
	struct start_plan *p = b->p;
	bool listed = conf_values(b->conf, "lxc.namespace.clone") != NULL;

	if (!mapped && (p->clone_flags & CLONE_NEWUSER))
		return value_error(b, EINVAL, "lxc.namespace.clone", LAST,
				   "a user namespace needs ids to map: set lxc.idmap");
	if (!mapped)
		return 0;
	if (names_user(b->conf, "lxc.namespace.keep"))
		return value_error(b, EINVAL, "lxc.namespace.keep", LAST,
				   "lxc.idmap needs the container's own user namespace: remove user");
	if (listed && !(p->clone_flags & CLONE_NEWUSER))
		return value_error(b, EINVAL, "lxc.namespace.clone", LAST,
				   "lxc.idmap needs a user namespace: add user");
	p->clone_flags |= CLONE_NEWUSER;
	return 0;
}

static int parse_map(struct build *b)
{
	const char *why = NULL;
	size_t bad = 0;
	int ret = idmap_parse(conf_values(b->conf, key), &b->p->idmap, &bad, &why);

	if (ret == -EINVAL)
		return value_error(b, EINVAL, key, bad, "%s", why);
	if (ret < 0)
		return ret;
	if (idmap_empty(&b->p->idmap))
		return 0;
	if ((why = idmap_invalid(&b->p->idmap)))
		return value_error(b, EINVAL, key, LAST, "%s", why);
	b->p->root_uid = (uid_t)idmap_to_host(&b->p->idmap, 'u', 0);
	b->p->root_gid = (gid_t)idmap_to_host(&b->p->idmap, 'g', 0);
	return 0;
}

/* May host uid UID (group GID) search directory ST? Mode bits only: the
 * container's root has no CAP_DAC_OVERRIDE over files of ids it does not
 * map. */
static bool may_search(const struct stat *st, uid_t uid, gid_t gid)
{
	if (st->st_uid == uid)
		return st->st_mode & S_IXUSR;
	if (st->st_gid == gid)
		return st->st_mode & S_IXGRP;
	return st->st_mode & S_IXOTH;
}

/* Every directory above the rootfs (and the rootfs itself) must let the
 * container's root through. */
static int check_reach(struct build *b)
{
	const struct start_plan *p = b->p;
	cleanup_free char *path = strdup(p->rootfs);

	if (!path)
		return -ENOMEM;
	for (char *end = path + strlen(path); end > path;) {
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
		    !may_search(&st, p->root_uid, p->root_gid)) {
			int ret = error_msg(b->err, EACCES,
					    "lxc.idmap: the container's root (host uid %u) cannot "
					    "reach the rootfs: \"%s\" is mode %04o, owner %u:%u",
					    (unsigned)p->root_uid, path, (unsigned)(st.st_mode & 07777),
					    (unsigned)st.st_uid, (unsigned)st.st_gid);
			error_hint(b->err, "chmod o+x \"%s\"", path);
			return ret;
		}
		while (end > path && *end != '/')
			end--;
		*end = '\0';
	}
	return 0;
}

/* Shifted at create (owned by the container's root), or seen through an
 * idmapped mount (owned by host root, lxc.rootfs.options idmap=container). */
static int check_rootfs(struct build *b)
{
	const struct start_plan *p = b->p;
	struct stat st;

	if (p->rootfs_overlay)
		return value_error(b, EOPNOTSUPP, key, LAST,
				   "not supported yet: a user namespace with an overlay rootfs; "
				   "create the container with -B dir");
	if (stat(p->rootfs, &st) < 0)
		return error_set(b->err, errno, "rootfs \"%s\"", p->rootfs);
	if (p->rootfs_idmapped && st.st_uid == p->root_uid && p->root_uid != 0)
		return value_error(b, EINVAL, "lxc.rootfs.options", LAST,
				   "idmap=container on a rootfs already shifted (\"%s\" is owned by "
				   "host uid %u, the container's root): remove idmap=container",
				   p->rootfs, (unsigned)st.st_uid);
	if (!p->rootfs_idmapped && st.st_uid != p->root_uid) {
		int ret = error_msg(b->err, EINVAL,
				    "lxc.idmap: rootfs \"%s\" is owned by host uid %u, not by the "
				    "container's root (host uid %u): its files would belong to "
				    "nobody inside",
				    p->rootfs, (unsigned)st.st_uid, (unsigned)p->root_uid);
		error_hint(b->err, "set lxc.rootfs.options = idmap=container, or create the "
				   "container with lxc.idmap in lxc-create -f FILE so its files are shifted");
		return ret;
	}
	return check_reach(b);
}

/* The idmapped trees travel in one SCM_RIGHTS message (the kernel takes
 * up to 253 fds in one): the rootfs's and the mount entries'. */
#define IDMAPPED_MAX 200

static int check_mounts(struct build *b, bool mapped)
{
	const struct start_plan *p = b->p;
	size_t n = p->rootfs_idmapped;

	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *m = &p->mounts[i];
		if (!m->idmapped)
			continue;
		if (++n > IDMAPPED_MAX)
			return error_msg(b->err, E2BIG, "lxc.mount.entry (%s): more than %d idmapped "
					 "mounts", m->origin, IDMAPPED_MAX);
		if (!mapped)
			return error_msg(b->err, EINVAL, "lxc.mount.entry (%s): idmap=container needs "
					 "lxc.idmap", m->origin);
		if (!(m->flags & MS_BIND) || m->relative)
			return error_msg(b->err, EOPNOTSUPP, "lxc.mount.entry (%s): idmap=container "
					 "is for binds of host paths", m->origin);
	}
	return 0;
}

/* An ordinary user's start: the maps are written by newuidmap/newgidmap,
 * which allow only the user's subordinate ids (checked now, with the fix),
 * and an idmapped mount needs CAP_SYS_ADMIN on the host. */
static int check_user(struct build *b)
{
	struct start_plan *p = b->p;
	int ret;

	if (p->rootfs_idmapped)
		return value_error(b, EOPNOTSUPP, "lxc.rootfs.options", LAST,
				   "idmap=container needs host root (an idmapped mount); a user's "
				   "container has its files shifted at create: remove idmap=container");
	for (size_t i = 0; i < p->n_mounts; i++)
		if (p->mounts[i].idmapped)
			return error_msg(b->err, EOPNOTSUPP, "lxc.mount.entry (%s): idmap=container "
					 "needs host root (an idmapped mount); remove it, or start as root",
					 p->mounts[i].origin);
	char *const *lines = conf_values(b->conf, key);
	for (size_t i = 0; lines && lines[i]; i++)
		if (strv_push_dup(&p->idmap_lines, lines[i]) < 0)
			return -ENOMEM;
	p->by_user = true;
	if ((ret = subid_check_maps_self(p->idmap_lines, b->err)) < 0)
		return error_wrap(b->err, ret, "%s", key);
	return 0;
}

int plan_build_userns(struct build *b)
{
	struct start_plan *p = b->p;
	int ret = parse_map(b);
	bool mapped = ret == 0 && plan_userns(p);

	ret = ret ?: userns_flags(b, mapped);
	ret = ret ?: check_mounts(b, mapped);
	if (ret < 0)
		return ret;
	if (!mapped) {
		if (p->rootfs_idmapped)
			return value_error(b, EINVAL, "lxc.rootfs.options", LAST,
					   "idmap=container needs lxc.idmap");
		if (geteuid() != 0) {
			ret = error_msg(b->err, EPERM, "a container started by an ordinary user "
					"needs its own user namespace, and this one has no lxc.idmap");
			error_hint(b->err, "add lxc.idmap = u 0 FIRST 65536 and g 0 FIRST 65536 "
					   "from your /etc/subuid and /etc/subgid ranges (lxc-create "
					   "as the user writes them), or start it as root");
			return ret;
		}
		return 0;
	}
	if (geteuid() != 0 && (ret = check_user(b)) < 0)
		return ret;
	if ((ret = check_rootfs(b)) < 0)
		return ret;
	p->idmapped_trees = malloc((1 + p->n_mounts) * sizeof(int));
	if (!p->idmapped_trees)
		return -ENOMEM;
	for (size_t i = 0; i <= p->n_mounts; i++)
		p->idmapped_trees[i] = -1;
	return 0;
}

void plan_free_userns(struct start_plan *p)
{
	idmap_release(&p->idmap);
	strv_free(p->idmap_lines);
	p->idmap_lines = NULL;
	free(p->idmapped_trees);
	p->idmapped_trees = NULL;
}
