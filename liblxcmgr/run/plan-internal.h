/* What the files that build a start plan share (plan.c, plan-ns.c,
 * plan-proc.c): the build state and the error helpers that name a key's
 * value and its line. */
#ifndef LXCMGR_RUN_PLAN_INTERNAL_H
#define LXCMGR_RUN_PLAN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lxcmgr.h"
#include "run/plan.h"

struct conf;

#define LAST SIZE_MAX /* a value index: the last value of a key */

struct build {
	const struct lxcmgr_container *c;
	const struct conf *conf;
	struct start_plan *p;
	char *const *init_argv;
	lxcmgr_error **err;
	char **refused; /* keys refused so far; the first one made the error */
};

/* Value I of KEY (LAST: the last), or NULL. */
const char *value_at(const struct conf *conf, const char *key, size_t i);
/* "file:line" of value I of KEY (malloc'd). */
char *origin_at(const struct conf *conf, const char *key, size_t i);
/* The error for value I of KEY: "KEY = VALUE (ORIGIN): MESSAGE". */
int value_error(struct build *b, int errnum, const char *key, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* plan-ns.c: lxc.namespace.share.* and lxc.time.offset.*, after the
 * namespaces to create are known. */
int plan_build_ns(struct build *b);
/* plan-proc.c: lxc.prlimit.*, lxc.sysctl.*, lxc.proc.*, after plan_build_ns. */
int plan_build_proc(struct build *b);
void plan_free_ns_proc(struct start_plan *p);
/* plan-userns.c: lxc.idmap, after build_namespaces and the mounts: the
 * user namespace, the rootfs's ownership, idmap=container. */
int plan_build_userns(struct build *b);
void plan_free_userns(struct start_plan *p);
/* plan-net.c: lxc.net.N.*, after plan_build_ns (which namespaces are
 * made is known). */
int plan_build_net(struct build *b);
void plan_free_net(struct start_plan *p);
/* The CLONE_NEW* flag of the namespace sysctl NAME ("net.ipv4.ip_forward")
 * belongs to, or 0 when it is not namespaced (as far as lxcmgr knows). */
int plan_sysctl_namespace(const char *name);

#endif
