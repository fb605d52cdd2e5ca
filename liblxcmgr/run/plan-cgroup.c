/* The cgroup part of the start plan: where the container's cgroups go
 * (lxc.cgroup.dir*, lxc.cgroup.relative, the system's lxc.cgroup.pattern)
 * and the controller settings to write before init runs. Which host can
 * apply which setting is known only to the cgroup backend, at start. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "conf/conf.h"
#include "container.h"
#include "ctx.h"
#include "run/plan.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

/* lxc.cgroup.* keys that are not controller files. */
static const char *const path_keys[] = {
	"lxc.cgroup.dir",         "lxc.cgroup.dir.container", "lxc.cgroup.dir.container.inner",
	"lxc.cgroup.dir.monitor", "lxc.cgroup.dir.monitor.pivot", "lxc.cgroup.relative",
	NULL,
};

static char *origin_of(const struct conf *conf, const char *key, size_t i)
{
	const struct conf_origin *o = NULL;
	int n = conf_origins(conf, key, &o);

	if (n <= 0)
		return strdup("?");
	return str_printf("%s:%u", o[i < (size_t)n ? i : (size_t)n - 1].file,
			  o[i < (size_t)n ? i : (size_t)n - 1].line);
}

/* "KEY = VALUE (ORIGIN): WHY" for the last value of KEY. */
static int key_error(const struct conf *conf, const char *key, const char *why,
		     lxcmgr_error **err)
{
	cleanup_free char *origin = origin_of(conf, key, SIZE_MAX);
	const char *value = conf_value(conf, key);

	return error_msg(err, EINVAL, "%s = %s (%s): %s", key, value ? value : "",
			 origin ? origin : "?", why);
}

/* The key the path problem is most likely about, for the error. */
static const char *blamed_key(const struct conf *conf)
{
	if (conf_value(conf, "lxc.cgroup.dir.container") || conf_value(conf, "lxc.cgroup.dir.monitor"))
		return conf_value(conf, "lxc.cgroup.dir.container") ? "lxc.cgroup.dir.container"
								    : "lxc.cgroup.dir.monitor";
	return conf_value(conf, "lxc.cgroup.dir") ? "lxc.cgroup.dir" : NULL;
}

static int build_paths(const struct lxcmgr_container *c, struct plan_cgroup *pc,
		       lxcmgr_error **err)
{
	const struct conf *conf = c->conf;
	const char *pattern = system_config_value(&c->ctx->sys, "lxc.cgroup.pattern");
	const char *pivot = conf_value(conf, "lxc.cgroup.dir.monitor.pivot");
	const char *why = NULL;
	int ret = cgroup_paths(pattern, conf_value(conf, "lxc.cgroup.dir"),
			       conf_value(conf, "lxc.cgroup.dir.container"),
			       conf_value(conf, "lxc.cgroup.dir.monitor"), c->name, &pc->payload,
			       &pc->monitor, &why);

	if (ret == -EINVAL && blamed_key(conf))
		return key_error(conf, blamed_key(conf), why, err);
	if (ret == -EINVAL)
		return error_msg(err, EINVAL, "lxc.cgroup.pattern = %s (system config): %s",
				 pattern ? pattern : "", why);
	if (ret < 0)
		return error_set(err, -ret, "cgroup paths");
	if (pivot && (why = cgroup_path_problem(pivot)))
		return key_error(conf, "lxc.cgroup.dir.monitor.pivot", why, err);
	if (pivot && !(pc->pivot = strdup(pivot)))
		return error_set(err, ENOMEM, "cgroup paths");
	pc->relative = str_eq(conf_value(conf, "lxc.cgroup.relative"), "1");
	return 0;
}

static int add_item(struct plan_cgroup *pc, const struct conf *conf, const char *key,
		    unsigned version, size_t i, const char *value)
{
	const struct conf_origin *o = NULL;
	int n = conf_origins(conf, key, &o);
	long order = (size_t)n > i ? conf_origin_order(conf, &o[i]) : -1;

	struct plan_cgroup_item *grown = realloc(pc->items, (pc->n_items + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	pc->items = grown;
	struct plan_cgroup_item *it = &pc->items[pc->n_items];
	*it = (struct plan_cgroup_item){ .key = strdup(key), .version = version,
					 .value = strdup(value), .origin = origin_of(conf, key, i),
					 .order = order };
	if (!it->key || !it->value || !it->origin) {
		free(it->key);
		free(it->value);
		free(it->origin);
		return -ENOMEM;
	}
	it->file = it->key + strlen(version == 1 ? "lxc.cgroup." : "lxc.cgroup2.");
	pc->n_items++;
	return 0;
}

/* By config line. An insertion sort: stable (ties keep the order they were
 * collected in, a key's values in order), and the lists are short. */
static void sort_items(struct plan_cgroup_item *items, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct plan_cgroup_item it = items[i];
		size_t j = i;
		for (; j > 0 && items[j - 1].order > it.order; j--)
			items[j] = items[j - 1];
		items[j] = it;
	}
}

static int build_items(const struct lxcmgr_container *c, struct plan_cgroup *pc,
		       lxcmgr_error **err)
{
	cleanup_strv char **keys = conf_keys(c->conf);

	if (!keys)
		return error_set(err, ENOMEM, "cgroup settings");
	for (size_t k = 0; keys[k]; k++) {
		unsigned version = str_starts_with(keys[k], "lxc.cgroup2.") ? 2
				   : str_starts_with(keys[k], "lxc.cgroup.") ? 1 : 0;
		if (!version || strv_contains((char **)path_keys, keys[k]))
			continue;
		char *const *v = conf_values(c->conf, keys[k]);
		for (size_t i = 0; v && v[i]; i++)
			if (add_item(pc, c->conf, keys[k], version, i, v[i]) < 0)
				return error_set(err, ENOMEM, "cgroup settings");
	}
	sort_items(pc->items, pc->n_items);
	return 0;
}

int plan_cgroup_build(const struct lxcmgr_container *c, struct plan_cgroup *pc,
		      lxcmgr_error **err)
{
	int ret = build_paths(c, pc, err);

	return ret ?: build_items(c, pc, err);
}

/* The controller of a v1 key's FILE ("memory.limit_in_bytes": memory). */
static bool item_needs(const struct plan_cgroup_item *it, const struct cgroup_hier *h)
{
	const char *dot = strchr(it->file, '.');
	cleanup_free char *ctrl = dot ? strndup(it->file, (size_t)(dot - it->file)) : NULL;

	return it->version != 2 && !h->unified && ctrl && cgroup_hier_has(h, ctrl);
}

/* The hierarchies of SKIP that a key needs are an error; the others are
 * left out, said in one notice. */
static int check_skipped(const struct plan_cgroup *pc, const struct cgroup *cg, char ***notices,
			 lxcmgr_error **err)
{
	cleanup_strv char **names = NULL;

	for (size_t i = 0; i < cg->n_hiers; i++) {
		const struct cgroup_hier *h = &cg->hiers[i];
		cleanup_free char *dir = cgroup_hier_dir(h, h->self);
		if (!dir || !strv_contains(pc->skip, dir))
			continue;
		cleanup_free char *ctrls = strv_join(h->controllers, ",");
		for (size_t k = 0; k < pc->n_items; k++) {
			const struct plan_cgroup_item *it = &pc->items[k];
			if (!item_needs(it, h))
				continue;
			int ret = error_msg(err, EACCES, "%s = %s (%s): the %s controller's cgroup "
					    "\"%s\" (the caller's) is not delegated to you",
					    it->key, it->value, it->origin, ctrls ? ctrls : "?", dir);
			error_hint(err, "as root: make a cgroup below \"%s\", chown it, its "
				   "cgroup.procs and tasks to USER, and start from inside it; or drop "
				   "the key", dir);
			return ret;
		}
		if (strv_push(&names, str_printf("%s (\"%s\")", ctrls ? ctrls : "?", dir)) < 0)
			return error_set(err, ENOMEM, "cgroups");
	}
	cleanup_free char *list = names ? strv_join(names, ", ") : NULL;
	if (list && strv_push(notices, str_printf("cgroups not delegated to you: %s; the "
						  "container runs without those controllers (no key "
						  "of its config needs them)", list)) < 0)
		return error_set(err, ENOMEM, "cgroups");
	return 0;
}

/* A key's cgroup2 controller: that of its file, as a v1 key is written on
 * a cgroup2 host (blkio as io, cpuacct as cpu); NULL for none. */
static char *v2_controller(const struct plan_cgroup_item *it)
{
	const char *dot = strchr(it->file, '.');
	cleanup_free char *ctrl = dot ? strndup(it->file, (size_t)(dot - it->file)) : NULL;

	if (!ctrl || str_eq(ctrl, "cgroup") || str_eq(ctrl, "devices"))
		return NULL;
	if (str_eq(ctrl, "blkio"))
		return strdup("io");
	if (str_eq(ctrl, "cpuacct"))
		return strdup("cpu");
	return steal_ptr(ctrl);
}

/* Why the caller's cgroup DIR cannot enable controllers for its children
 * (malloc'd), or NULL when it can once the monitor and lxc-start have left
 * it (cgroup_take_base): its cgroup.subtree_control is the caller's to
 * write, and no other process is in it. Any such process (the caller's
 * shell, another lxc-start) would make the kernel refuse. */
static char *base_busy(const char *dir)
{
	cleanup_free char *control = str_printf("%s/cgroup.subtree_control", dir);
	cleanup_free char *others = NULL;

	if (!control)
		return NULL;
	if (access(control, W_OK) < 0)
		return str_printf("its cgroup.subtree_control is not yours to write (%s)",
				  strerror(errno));
	if (cgroup_procs_others(dir, getpid(), &others) < 0)
		return str_printf("its cgroup.procs cannot be read");
	return others ? str_printf("other processes are in it: %s", others) : NULL;
}

#define BASE_FIX "start the container in a cgroup of its own: systemd-run --user --scope -p " \
		 "Delegate=yes lxc-start -n %s"

/* cgroup2: the container's cgroups get controllers only through the
 * caller's cgroup, the base. When the base holds nothing but lxc-start,
 * the monitor takes lxc-start out with it and enables them there
 * (take_base). Otherwise the container gets those the base enables
 * already: the others are said in one notice, and a key that needs one is
 * an error naming it and why. */
static int check_v2_base(const char *name, struct plan_cgroup *pc, const struct cgroup *cg,
			 char ***notices, lxcmgr_error **err)
{
	const struct cgroup_hier *h = &cg->hiers[0];
	cleanup_free char *dir = cgroup_hier_dir(h, h->self);
	cleanup_free char *avail = NULL, *enabled = NULL, *why = NULL;
	cleanup_strv char **off = NULL;

	pc->skip_base = true;
	if (!dir || cgroup_read(dir, "cgroup.controllers", &avail, NULL) < 0 ||
	    cgroup_read(dir, "cgroup.subtree_control", &enabled, NULL) < 0)
		return 0; /* the start's own errors say more */
	cleanup_free char **have = str_words(avail, " \n");
	cleanup_free char **on = str_words(enabled, " \n");
	for (size_t i = 0; have && on && have[i]; i++)
		if (!strv_contains(on, have[i]) && strv_push_dup(&off, have[i]) < 0)
			return error_set(err, ENOMEM, "cgroups");
	if (!off)
		return 0;
	if (!(why = base_busy(dir))) {
		pc->take_base = true;
		return 0;
	}
	for (size_t k = 0; k < pc->n_items; k++) {
		const struct plan_cgroup_item *it = &pc->items[k];
		cleanup_free char *ctrl = v2_controller(it);
		if (!ctrl || !strv_contains(off, ctrl))
			continue;
		return error_msg(err, EBUSY, "%s = %s (%s): the %s controller cannot be enabled "
				 "for the children of \"%s\" (the caller's cgroup): %s; " BASE_FIX,
				 it->key, it->value, it->origin, ctrl, dir, why, name);
	}
	cleanup_free char *list = strv_join(off, ", ");
	if (!list || strv_push(notices, str_printf("cgroup2: %s not enabled for the children of "
						   "\"%s\" (the caller's cgroup): %s; the container "
						   "runs without them (for limits, " BASE_FIX ")",
						   list, dir, why, name)) < 0)
		return error_set(err, ENOMEM, "cgroups");
	return 0;
}

/* Device rules need the host's privileges (v1: CAP_SYS_ADMIN to write
 * devices.allow/deny; cgroup2: loading and attaching a BPF program); the
 * user namespace already keeps the container from making device nodes. */
static int check_device_keys(const struct plan_cgroup *pc, lxcmgr_error **err)
{
	for (size_t k = 0; k < pc->n_items; k++) {
		const struct plan_cgroup_item *it = &pc->items[k];
		if (str_starts_with(it->file, "devices."))
			return error_msg(err, EOPNOTSUPP, "%s = %s (%s): not supported for a container "
					 "an ordinary user starts: device rules need the host's "
					 "CAP_SYS_ADMIN (its user namespace already forbids mknod); "
					 "drop the key", it->key, it->value, it->origin);
	}
	return 0;
}

int plan_cgroup_delegated(const char *name, struct plan_cgroup *pc, char ***notices,
			  lxcmgr_error **err)
{
	struct cgroup *cg = NULL;
	int ret;

	/* Beneath the caller's own cgroups, the only ones that can be theirs. */
	pc->relative = true;
	if ((ret = check_device_keys(pc, err)) < 0)
		return ret;
	if ((ret = cgroup_open(&cg, err)) == -ENOENT && pc->n_items == 0)
		return 0; /* no cgroups at all: started in the monitor's (run/cgroups.c) */
	ret = ret ?: cgroup_delegation(cg, &pc->skip, err);
	ret = ret ?: check_skipped(pc, cg, notices, err);
	if (ret == 0 && cg->layout == CGROUP_LAYOUT_UNIFIED && cg->n_hiers == 1)
		ret = check_v2_base(name, pc, cg, notices, err);
	cgroup_free(cg);
	return ret;
}

void plan_cgroup_release(struct plan_cgroup *pc)
{
	strv_free(pc->skip);
	free(pc->payload);
	free(pc->monitor);
	free(pc->pivot);
	for (size_t i = 0; i < pc->n_items; i++) {
		free(pc->items[i].key);
		free(pc->items[i].value);
		free(pc->items[i].origin);
	}
	free(pc->items);
	memset(pc, 0, sizeof(*pc));
}
