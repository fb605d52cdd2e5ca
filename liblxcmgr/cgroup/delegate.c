/* Cgroups delegated to an ordinary user (see cgroup.h, cgroup_delegation).
 *
 * A user may make cgroups only where the directory is theirs (or
 * writable), and move a process only through a cgroup.procs they may
 * write: the caller's own cgroup must have been given to them, by systemd
 * (Delegate=yes) or by root (chown). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

/* May we make cgroups in DIR and move processes through its cgroup.procs? */
static bool delegated(const char *dir)
{
	cleanup_free char *procs = str_printf("%s/cgroup.procs", dir);

	return procs && access(dir, W_OK | X_OK) == 0 && access(procs, W_OK) == 0;
}

/* The hierarchies a container cannot do without: the one cgroup2 tree,
 * and on a v1 host the process-tracking ones (name=systemd, a hybrid's
 * controller-less cgroup2). */
static bool required(const struct cgroup_hier *h)
{
	return h->unified || strv_contains(h->controllers, "name=systemd");
}

static int not_delegated(const struct cgroup *cg, const struct cgroup_hier *h, const char *dir,
			 lxcmgr_error **err)
{
	cleanup_free char *name = h->unified ? strdup("cgroup2") : strv_join(h->controllers, ",");
	int ret = error_msg(err, EACCES, "cgroup \"%s\" (%s, the caller's) is not delegated to "
			    "you: an ordinary user's container goes beneath it", dir,
			    name ? name : "?");

	if (cg->layout == CGROUP_LAYOUT_UNIFIED)
		error_hint(err, "start it in a delegated cgroup: systemd-run --user --scope "
			   "-p Delegate=yes lxc-start -n NAME");
	else
		error_hint(err, "as root, in each hierarchy: make a cgroup below \"%s\", chown "
			   "it, its cgroup.procs and tasks to USER, and start from inside it", dir);
	return ret;
}

int cgroup_delegation(const struct cgroup *cg, char ***skip, lxcmgr_error **err)
{
	*skip = NULL;
	for (size_t i = 0; i < cg->n_hiers; i++) {
		const struct cgroup_hier *h = &cg->hiers[i];
		cleanup_free char *dir = cgroup_hier_dir(h, h->self);

		if (!dir) {
			strv_free(steal_ptr(*skip));
			return error_msg(err, ENOENT, "cgroup \"%s\" is outside the hierarchy "
					 "mounted at \"%s\"", h->self, h->mount);
		}
		if (delegated(dir))
			continue;
		if (required(h)) {
			strv_free(steal_ptr(*skip));
			return not_delegated(cg, h, dir, err);
		}
		if (strv_push(skip, steal_ptr(dir)) < 0) {
			strv_free(steal_ptr(*skip));
			return error_set(err, ENOMEM, "cgroups");
		}
	}
	return 0;
}

void cgroup_drop(struct cgroup *cg, char *const *dirs)
{
	size_t kept = 0;

	for (size_t i = 0; i < cg->n_hiers; i++) {
		struct cgroup_hier *h = &cg->hiers[i];
		cleanup_free char *dir = cgroup_hier_dir(h, h->self);

		if (!dir || !strv_contains(dirs, dir)) {
			cg->hiers[kept++] = *h;
			continue;
		}
		cgroup_hier_clear(h);
	}
	cg->n_hiers = kept;
}
