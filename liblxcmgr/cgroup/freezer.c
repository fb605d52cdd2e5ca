/* Freezing a container's payload cgroup (lxc-freeze, lxc-unfreeze).
 *
 *   cgroup v1  freezer.state: write FROZEN or THAWED; it reads FREEZING
 *              until every task has stopped, then FROZEN. A task the
 *              kernel cannot stop (stuck in a driver) keeps it FREEZING;
 *              writing FROZEN again retries.
 *   cgroup2    cgroup.freeze: write 1 or 0; cgroup.events says "frozen 1"
 *              once every task has stopped (Linux 5.2). A cgroup whose
 *              parent is frozen is frozen too, whatever its own file says.
 *
 * Both calls return at once: the monitor polls the state until FROZEN and
 * tells its subscribers. On a hybrid host the v1 freezer hierarchy is
 * used; without one, the cgroup2 hierarchy's cgroup.freeze. */
#include <errno.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

int cgroup_v1_freezer_state_from(const char *text)
{
	cleanup_free char *copy = strdup(text);
	const char *s = copy ? str_trim(copy) : NULL;

	if (!s)
		return -ENOMEM;
	if (strcmp(s, "FROZEN") == 0)
		return LXCMGR_STATE_FROZEN;
	if (strcmp(s, "FREEZING") == 0)
		return LXCMGR_STATE_FREEZING;
	if (strcmp(s, "THAWED") == 0)
		return LXCMGR_STATE_RUNNING;
	return -EINVAL;
}

int cgroup_v2_freezer_state_from(const char *freeze, const char *events)
{
	uint64_t frozen = 0;

	/* "populated 1\nfrozen 0\n"; without the key the kernel cannot freeze. */
	if (cgroup_stat_key(events, "frozen", &frozen) < 0)
		return -EOPNOTSUPP;
	if (frozen)
		return LXCMGR_STATE_FROZEN;
	return freeze[0] == '1' ? LXCMGR_STATE_FREEZING : LXCMGR_STATE_RUNNING;
}

/* The payload directory whose freezer we use, and whether it is v1's. */
static const char *freezer_dir(const struct cgroup *cg, bool *v1)
{
	const char *v2_dir = NULL;

	for (size_t i = 0; i < cg->n_hiers; i++) {
		const struct cgroup_hier *h = &cg->hiers[i];
		if (!h->dirs[CGROUP_PAYLOAD])
			continue;
		if (!h->unified && cgroup_hier_has(h, "freezer")) {
			*v1 = true;
			return h->dirs[CGROUP_PAYLOAD];
		}
		if (h->unified)
			v2_dir = h->dirs[CGROUP_PAYLOAD];
	}
	*v1 = false;
	return v2_dir;
}

static int no_freezer(const struct cgroup *cg, lxcmgr_error **err)
{
	return error_msg(err, ENODEV, "the container's cgroups have no freezer: %s",
			 cg->layout == CGROUP_LAYOUT_UNIFIED
				 ? "cgroup.freeze needs Linux 5.2 or later"
				 : "the freezer controller is not mounted (mount -t cgroup -o freezer "
				   "freezer /sys/fs/cgroup/freezer)");
}

int cgroup_freeze_all(struct cgroup *cg, bool frozen, lxcmgr_error **err)
{
	bool v1;
	const char *dir = freezer_dir(cg, &v1);
	cleanup_error lxcmgr_error *e = NULL;

	if (!dir)
		return no_freezer(cg, err);
	int ret = v1 ? cgroup_write(dir, "freezer.state", frozen ? "FROZEN" : "THAWED", &e)
		     : cgroup_write(dir, "cgroup.freeze", frozen ? "1" : "0", &e);
	if (ret == -ENOENT && !v1)
		return no_freezer(cg, err);
	if (ret < 0)
		return error_msg(err, -ret, "%s", e && e->msg ? e->msg : strerror(-ret));
	return 0;
}

int cgroup_freezer_state_all(struct cgroup *cg, lxcmgr_error **err)
{
	bool v1;
	const char *dir = freezer_dir(cg, &v1);
	cleanup_free char *state = NULL, *events = NULL;
	int ret;

	if (!dir)
		return no_freezer(cg, err);
	if (v1) {
		ret = cgroup_read(dir, "freezer.state", &state, err);
		ret = ret ?: cgroup_v1_freezer_state_from(state);
	} else {
		ret = cgroup_read(dir, "cgroup.freeze", &state, NULL);
		if (ret == -ENOENT)
			return no_freezer(cg, err);
		ret = ret ?: cgroup_read(dir, "cgroup.events", &events, err);
		ret = ret ?: cgroup_v2_freezer_state_from(state, events);
	}
	if (ret == -EINVAL || ret == -EOPNOTSUPP)
		return error_msg(err, -ret, "the freezer of \"%s\" reads \"%s\": not a state lxcmgr "
				 "knows", dir, events ? events : state);
	return ret < 0 && err && !*err ? error_set(err, -ret, "freezer of \"%s\"", dir) : ret;
}
