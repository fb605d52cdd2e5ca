/* The container's confinement as a start plan holds it, and its
 * application in the container's processes: seccomp (seccomp.h) and
 * AppArmor (apparmor.h). Capabilities are in caps.h.
 *
 * Planned before anything is created, like the rest of a start: the
 * seccomp policy is compiled (or taken from the cache) and a generated
 * AppArmor profile is loaded; init then only makes system calls. */
#ifndef LXCMGR_SECURITY_SECURITY_H
#define LXCMGR_SECURITY_SECURITY_H

#include "run/childerr.h"
#include "security/seccomp.h"

struct build;
struct start_plan;

struct security_plan {
	struct secfilter seccomp; /* n == 0: no filter */
	char *seccomp_origin;     /* "config:12" of lxc.seccomp.profile */
	char *aa_profile;         /* the profile init enters at its execve, or NULL */
};

/* lxc.seccomp.profile, lxc.seccomp.allow_nesting, lxc.apparmor.*: fills
 * b->p->security. Errors name the key, its value and line. */
int security_plan_build(struct build *b);
void security_plan_free(struct security_plan *s);

/* In init, after its capabilities' bounding set and no_new_privs, while
 * it still has CAP_SYS_ADMIN: the AppArmor profile for its execve, then
 * the seccomp filter. 0 or -errno with E filled. */
int security_child_apply(const struct start_plan *p, struct child_error *e);

#endif
