/* The start plan's namespaces beyond lxc.namespace.clone and .keep:
 * lxc.namespace.share.* (join another container's or process's namespace
 * instead of making one) and lxc.time.offset.* (a time namespace with
 * shifted CLOCK_BOOTTIME and CLOCK_MONOTONIC).
 *
 * Runs after build_namespaces, so p->clone_flags holds what clone and keep
 * asked for; a shared namespace is taken out of it, a time namespace that
 * offsets need is put in. The values are only checked for form here: which
 * process a NAME or PID stands for is resolved at each spawn (share.c),
 * since a reboot must join the namespaces as they are then. */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/values.h"
#include "container.h"
#include "run/plan-internal.h"
#include "util/cleanup.h"
#include "util/str.h"

static const struct {
	const char *name; /* as in /proc/PID/ns and lxc.namespace.* */
	int flag;
} ns_types[] = {
	{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "mnt", CLONE_NEWNS },
	{ "net", CLONE_NEWNET },       { "pid", CLONE_NEWPID }, { "time", CLONE_NEWTIME },
	{ "user", CLONE_NEWUSER },     { "uts", CLONE_NEWUTS },
};

/* Does a value of KEY (a list of namespace words) name NS? */
static bool names_ns(const struct conf *conf, const char *key, const char *ns)
{
	char *const *v = conf_values(conf, key);

	for (size_t i = 0; v && v[i]; i++) {
		cleanup_free char **words = str_words(v[i], " \t");
		for (size_t w = 0; words && words[w]; w++)
			if (str_eq(words[w], ns))
				return true;
	}
	return false;
}

/* lxc.net.N.type = none: the host's network. */
static bool net_none(const struct conf *conf)
{
	cleanup_strv char **keys = conf_keys(conf);

	for (size_t i = 0; keys && keys[i]; i++)
		if (str_starts_with(keys[i], "lxc.net.") && str_ends_with(keys[i], ".type") &&
		    str_eq(conf_value(conf, keys[i]), "none"))
			return true;
	return false;
}

/* Why namespace K cannot be shared with this config, or NULL. */
static const char *share_conflict(struct build *b, size_t k, int *errnum)
{
	*errnum = EINVAL;
	switch (ns_types[k].flag) {
	case CLONE_NEWNS:
		/* The rootfs is set up and pivoted into in the container's own
		 * mount namespace; in another's it would replace that one's. */
		return "a container needs its own mount namespace; it cannot share one";
	case CLONE_NEWUSER:
		*errnum = EOPNOTSUPP;
		return "not supported yet: sharing a user namespace comes later";
	case CLONE_NEWNET:
		if (net_none(b->conf))
			return "lxc.net.N.type = none asks for the host's network: use one of them";
		break;
	}
	if (names_ns(b->conf, "lxc.namespace.keep", ns_types[k].name))
		return "lxc.namespace.keep keeps the host's namespace of this type: use one of them";
	return NULL;
}

/* NAME, PID or /path; a NAME is one of our lxcpath, as LXC does. */
static int share_value(struct build *b, struct plan_share *s)
{
	uint64_t pid;

	if (s->value[0] == '/') {
		s->path = true;
		return 0;
	}
	if (str_to_u64(s->value, &pid) == 0) {
		if (pid < 1 || pid > INT_MAX)
			return value_error(b, EINVAL, s->key, LAST, "not a process id");
		s->pid = (pid_t)pid;
		return 0;
	}
	if (strchr(s->value, '/'))
		return value_error(b, EOPNOTSUPP, s->key, LAST,
				   "not supported yet: a container of another lxcpath; use its init's "
				   "PID or /proc/PID/ns/%s",
				   s->ns);
	if (str_eq(s->value, b->c->name))
		return value_error(b, EINVAL, s->key, LAST,
				   "a container cannot share a namespace with itself");
	return 0;
}

static int build_share(struct build *b, size_t k)
{
	cleanup_free char *key = str_printf("lxc.namespace.share.%s", ns_types[k].name);
	const char *v = key ? conf_value(b->conf, key) : NULL;
	struct plan_share *s = &b->p->shares[b->p->n_shares];
	const char *why;
	int errnum, ret;

	if (!key)
		return -ENOMEM;
	if (!v || !*v)
		return 0;
	if ((why = share_conflict(b, k, &errnum)))
		return value_error(b, errnum, key, LAST, "%s", why);
	*s = (struct plan_share){ .flag = ns_types[k].flag, .ns = ns_types[k].name };
	s->key = steal_ptr(key);
	s->value = strdup(v);
	s->origin = origin_at(b->conf, s->key, LAST);
	b->p->n_shares++; /* from here plan_free releases it */
	if (!s->value || !s->origin)
		return -ENOMEM;
	if ((ret = share_value(b, s)) < 0)
		return ret;
	b->p->clone_flags &= ~s->flag;
	return 0;
}

/* lxc.uts.name names the container's own UTS namespace; a shared one keeps
 * its host name (the busybox template always sets the key). */
static int note_uts_name(struct build *b)
{
	for (size_t i = 0; i < b->p->n_shares; i++) {
		if (b->p->shares[i].flag != CLONE_NEWUTS || !conf_value(b->conf, "lxc.uts.name"))
			continue;
		cleanup_free char *origin = origin_at(b->conf, "lxc.uts.name", LAST);
		char *note = str_printf("lxc.uts.name (%s) is not applied: the UTS namespace is "
					"shared (%s = %s)",
					origin ? origin : "?", b->p->shares[i].key,
					b->p->shares[i].value);
		return note ? strv_push(&b->p->notices, note) : -ENOMEM;
	}
	return 0;
}

static int time_offset(struct build *b, const char *key, struct plan_time_offset *t)
{
	const char *v = conf_value(b->conf, key);

	if (!v || !*v)
		return 0;
	if (parse_time_offset(v, &t->sec, &t->nsec) < 0)
		return value_error(b, EINVAL, key, LAST,
				   "use an integer with a unit h, m, s, ms, us or ns");
	t->set = true;
	t->origin = origin_at(b->conf, key, LAST);
	return t->origin ? 0 : -ENOMEM;
}

/* As LXC: offsets other than 0 ask for a time namespace when
 * lxc.namespace.clone is not set; with it set, it must name time. */
static int build_time(struct build *b)
{
	static const char boot[] = "lxc.time.offset.boot", mono[] = "lxc.time.offset.monotonic";
	struct start_plan *p = b->p;
	int ret;

	if ((ret = time_offset(b, boot, &p->time_boot)) < 0 ||
	    (ret = time_offset(b, mono, &p->time_monotonic)) < 0)
		return ret;
	const struct plan_time_offset *t = p->time_boot.set ? &p->time_boot : &p->time_monotonic;
	const char *key = t == &p->time_boot ? boot : mono;
	bool shifted = (p->time_boot.sec || p->time_boot.nsec || p->time_monotonic.sec ||
			p->time_monotonic.nsec);
	if (!t->set || (!shifted && !(p->clone_flags & CLONE_NEWTIME)))
		return 0;
	for (size_t i = 0; i < p->n_shares; i++)
		if (p->shares[i].flag == CLONE_NEWTIME)
			return value_error(b, EINVAL, key, LAST,
					   "offsets need a time namespace of the container's own, "
					   "but %s joins another",
					   p->shares[i].key);
	if (names_ns(b->conf, "lxc.namespace.keep", "time"))
		return value_error(b, EINVAL, key, LAST,
				   "offsets need a time namespace of the container's own, but "
				   "lxc.namespace.keep keeps the host's");
	if (conf_values(b->conf, "lxc.namespace.clone") && !(p->clone_flags & CLONE_NEWTIME))
		return value_error(b, EINVAL, key, LAST,
				   "offsets need a time namespace: add time to lxc.namespace.clone");
	p->clone_flags |= CLONE_NEWTIME;
	return 0;
}

int plan_build_ns(struct build *b)
{
	int ret;

	for (size_t k = 0; k < ARRAY_SIZE(ns_types); k++)
		if ((ret = build_share(b, k)) < 0)
			return ret;
	if ((ret = note_uts_name(b)) < 0)
		return ret;
	return build_time(b);
}
