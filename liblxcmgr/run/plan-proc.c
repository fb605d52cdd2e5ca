/* The start plan's process settings: lxc.prlimit.* (init's resource
 * limits), lxc.sysctl.* (kernel parameters of the container's namespaces)
 * and lxc.proc.* (files under /proc/PID of init). Applied by procset.c in
 * the container's first process, before init is executed.
 *
 * A sysctl is set from inside the container's namespaces, so a namespaced
 * one changes only the container. LXC writes any sysctl, and a one that is
 * not namespaced changes the host; lxcmgr refuses those, and the
 * namespaced ones when the container has the host's namespace of that
 * kind. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/values.h"
#include "run/plan-internal.h"
#include "util/cleanup.h"
#include "util/str.h"

#define PLAN_MAX_SETTINGS 4096

/* Namespaced sysctls: NAME exactly, or every name under NAME ending in '.'. */
static const struct {
	const char *name;
	int flag;
} ns_sysctls[] = {
	{ "kernel.shmmax", CLONE_NEWIPC },      { "kernel.shmall", CLONE_NEWIPC },
	{ "kernel.shmmni", CLONE_NEWIPC },      { "kernel.shm_rmid_forced", CLONE_NEWIPC },
	{ "kernel.shm_next_id", CLONE_NEWIPC }, { "kernel.msgmax", CLONE_NEWIPC },
	{ "kernel.msgmnb", CLONE_NEWIPC },      { "kernel.msgmni", CLONE_NEWIPC },
	{ "kernel.msg_next_id", CLONE_NEWIPC }, { "kernel.sem", CLONE_NEWIPC },
	{ "kernel.sem_next_id", CLONE_NEWIPC }, { "fs.mqueue.", CLONE_NEWIPC },
	{ "kernel.domainname", CLONE_NEWUTS },  { "net.", CLONE_NEWNET },
};

/* The CLONE_NEW* flag of the namespace NAME belongs to, or 0. */
int plan_sysctl_namespace(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_sysctls); i++) {
		const char *n = ns_sysctls[i].name;
		if (str_ends_with(n, ".") ? str_starts_with(name, n) : str_eq(name, n))
			return ns_sysctls[i].flag;
	}
	return 0;
}

static const char *ns_word(int flag)
{
	return flag == CLONE_NEWIPC ? "IPC" : flag == CLONE_NEWUTS ? "UTS" : "network";
}

/* Is the container's namespace of type FLAG its own or a shared one? */
static bool ns_not_host(const struct start_plan *p, int flag)
{
	if (p->clone_flags & flag)
		return true;
	for (size_t i = 0; i < p->n_shares; i++)
		if (p->shares[i].flag == flag)
			return true;
	return false;
}

static int sysctl_check(struct build *b, const char *key, const char *name)
{
	int flag = plan_sysctl_namespace(name);

	if (str_eq(name, "kernel.hostname"))
		return value_error(b, EINVAL, key, LAST, "set the host name with lxc.uts.name");
	if (!flag)
		return value_error(b, EINVAL, key, LAST,
				   "%s is not a namespaced sysctl: setting it would change the host; "
				   "lxcmgr sets IPC (kernel.shm*, kernel.msg*, kernel.sem, "
				   "fs.mqueue.*), UTS (kernel.domainname) and network (net.*) ones",
				   name);
	if (!ns_not_host(b->p, flag))
		return value_error(b, EINVAL, key, LAST,
				   "the container has the host's %s namespace (lxc.namespace.keep, "
				   "lxc.namespace.clone or lxc.net.N.type = none), so this would "
				   "change the host",
				   ns_word(flag));
	return 0;
}

static int write_add(struct plan_write **list, size_t *n, struct plan_write *w)
{
	struct plan_write *grown;

	if (!w->key || !w->path || !w->value || !w->origin ||
	    !(grown = realloc(*list, (*n + 1) * sizeof(*grown)))) {
		free(w->key);
		free(w->path);
		free(w->value);
		free(w->origin);
		return -ENOMEM;
	}
	*list = grown;
	(*list)[(*n)++] = *w;
	return 0;
}

/* One lxc.sysctl.NAME or lxc.proc.FILE key. */
static int build_write(struct build *b, const char *key, bool sysctl)
{
	const char *sub = key + strlen(sysctl ? "lxc.sysctl." : "lxc.proc.");
	struct start_plan *p = b->p;
	int ret;

	if (p->n_sysctls + p->n_procs >= PLAN_MAX_SETTINGS)
		return value_error(b, E2BIG, key, LAST, "more than %d lxc.sysctl.* and lxc.proc.*",
				   PLAN_MAX_SETTINGS);
	if (sysctl && (ret = sysctl_check(b, key, sub)) < 0)
		return ret;
	struct plan_write w = {
		.key = strdup(key),
		.path = strdup(sub),
		.value = strdup(conf_value(b->conf, key)),
		.origin = origin_at(b->conf, key, LAST),
	};
	for (char *c = w.path; sysctl && c && *c; c++)
		if (*c == '.')
			*c = '/'; /* net.ipv4.ip_forward: /proc/sys/net/ipv4/ip_forward, as LXC */
	return sysctl ? write_add(&p->sysctls, &p->n_sysctls, &w)
		      : write_add(&p->procs, &p->n_procs, &w);
}

static int build_rlimit(struct build *b, const char *key)
{
	struct plan_rlimit r = { .resource = rlimit_from_name(key + strlen("lxc.prlimit.")) };
	struct plan_rlimit *grown;
	int ret;

	if (r.resource < 0)
		return value_error(b, EINVAL, key, LAST, "unknown resource");
	ret = parse_prlimit(conf_value(b->conf, key), &r.soft, &r.hard);
	if (ret == -ERANGE)
		return value_error(b, EINVAL, key, LAST, "the soft limit is above the hard limit");
	if (ret < 0)
		return value_error(b, EINVAL, key, LAST,
				   "use SOFT[:HARD], each a number or unlimited");
	r.key = strdup(key);
	r.origin = origin_at(b->conf, key, LAST);
	grown = r.key && r.origin ? realloc(b->p->rlimits, (b->p->n_rlimits + 1) * sizeof(r))
				  : NULL;
	if (!grown) {
		free(r.key);
		free(r.origin);
		return -ENOMEM;
	}
	b->p->rlimits = grown;
	b->p->rlimits[b->p->n_rlimits++] = r;
	return 0;
}

int plan_build_proc(struct build *b)
{
	cleanup_strv char **keys = conf_keys(b->conf);
	int ret = 0;

	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; ret == 0 && keys[i]; i++) {
		const char *v = conf_value(b->conf, keys[i]);
		if (!v || !*v)
			continue;
		if (str_starts_with(keys[i], "lxc.prlimit."))
			ret = build_rlimit(b, keys[i]);
		else if (str_starts_with(keys[i], "lxc.sysctl."))
			ret = build_write(b, keys[i], true);
		else if (str_starts_with(keys[i], "lxc.proc."))
			ret = build_write(b, keys[i], false);
	}
	return ret;
}

static void writes_free(struct plan_write *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(w[i].key);
		free(w[i].path);
		free(w[i].value);
		free(w[i].origin);
	}
	free(w);
}

void plan_free_ns_proc(struct start_plan *p)
{
	for (size_t i = 0; i < p->n_shares; i++) {
		free(p->shares[i].key);
		free(p->shares[i].value);
		free(p->shares[i].origin);
	}
	free(p->time_boot.origin);
	free(p->time_monotonic.origin);
	for (size_t i = 0; i < p->n_rlimits; i++) {
		free(p->rlimits[i].key);
		free(p->rlimits[i].origin);
	}
	free(p->rlimits);
	writes_free(p->sysctls, p->n_sysctls);
	writes_free(p->procs, p->n_procs);
}
