/* The confinement of a start plan (security.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "container.h"
#include "ctx.h"
#include "run/plan-internal.h"
#include "run/plan.h"
#include "security/apparmor.h"
#include "security/security.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

static int get_flag(struct build *b, const char *key, bool *out)
{
	const char *v = conf_value(b->conf, key);

	*out = false;
	if (!v)
		return 0;
	if (!str_eq(v, "0") && !str_eq(v, "1"))
		return value_error(b, EINVAL, key, LAST, "use 0 or 1");
	*out = str_eq(v, "1");
	return 0;
}

static int notice(struct build *b, char *text)
{
	return text ? strv_push(&b->p->notices, text) : -ENOMEM;
}

/* ------------------------------------------------------------- seccomp */

static int plan_seccomp(struct build *b, struct security_plan *s)
{
	static const char key[] = "lxc.seccomp.profile";
	const char *path = conf_value(b->conf, key);
	cleanup_free char *origin = NULL, *note = NULL;
	bool nesting;
	int ret;

	if ((ret = get_flag(b, "lxc.seccomp.allow_nesting", &nesting)) < 0)
		return ret;
	if (!path || !*path)
		return 0;
#ifndef HAVE_LIBSECCOMP
	return value_error(b, EOPNOTSUPP, key, LAST,
			   "not supported: lxcmgr was built without libseccomp (--disable-seccomp)");
#else
	if (!(origin = origin_at(b->conf, key, LAST)))
		return -ENOMEM;
	/* As LXC: one filter is enough unless nesting is asked for. */
	if (!nesting && secfilter_confined())
		return notice(b, str_printf("%s = %s (%s): not loaded, this process is under a "
					    "seccomp filter already (lxc.seccomp.allow_nesting = 1 "
					    "stacks it)", key, path, origin));
	lxcmgr_error *inner = NULL;
	ret = secfilter_get(b->c->ctx->runtime_dir, path, &s->seccomp, &note, &inner);
	if (ret < 0) {
		value_error(b, -ret, key, LAST, "%s", inner ? inner->msg : strerror(-ret));
		lxcmgr_error_free(inner);
		return ret;
	}
	s->seccomp_origin = steal_ptr(origin);
	return note ? notice(b, steal_ptr(note)) : 0;
#endif
}

/* ------------------------------------------------------------ AppArmor */

static int plan_generated(struct build *b, struct security_plan *s, bool incomplete)
{
	bool nesting;
	int ret;

	if ((ret = get_flag(b, "lxc.apparmor.allow_nesting", &nesting)) < 0)
		return ret;
	if (!aa_mediates_mounts() && !incomplete)
		return value_error(b, EOPNOTSUPP, "lxc.apparmor.profile", LAST,
				   "this kernel's AppArmor does not mediate mounts, so the "
				   "generated profile cannot keep the container from the host's "
				   "disks; set lxc.apparmor.allow_incomplete = 1 to start anyway");
	cleanup_free char *name = aa_profile_name(b->c->name, b->c->ctx->lxcpath);
	cleanup_free char *text = name ? aa_profile_text(name, nesting,
							 conf_values(b->conf, "lxc.apparmor.raw")) :
					 NULL;
	cleanup_free char *dir = str_printf("%s/apparmor", b->c->ctx->runtime_dir);
	if (!name || !text || !dir)
		return -ENOMEM;
	if ((ret = aa_profile_load(dir, name, text, b->err)) < 0)
		return ret;
	s->aa_profile = steal_ptr(name);
	return 0;
}

static int plan_apparmor(struct build *b, struct security_plan *s)
{
	static const char key[] = "lxc.apparmor.profile";
	const char *profile = conf_value(b->conf, key);
	bool enabled = aa_enabled(), incomplete;
	int ret;

	if ((ret = get_flag(b, "lxc.apparmor.allow_incomplete", &incomplete)) < 0)
		return ret;
	if (conf_values(b->conf, "lxc.apparmor.raw") && profile && !str_eq(profile, "generated"))
		return value_error(b, EINVAL, "lxc.apparmor.raw", 0,
				   "raw rules go into the generated profile only; set %s = "
				   "generated", key);
	if (str_eq(profile, "unconfined") || (!profile && !enabled))
		return 0;
	if (!profile || str_eq(profile, "generated")) {
		if (enabled)
			return plan_generated(b, s, incomplete);
		/* LXC does the same on such a host. */
		cleanup_free char *origin = origin_at(b->conf, key, LAST);
		return notice(b, str_printf("%s = generated (%s): AppArmor is not enabled on this "
					    "host; the container runs unconfined", key,
					    origin ? origin : "?"));
	}
	if (enabled)
		return (s->aa_profile = strdup(profile)) ? 0 : -ENOMEM;
	if (!incomplete)
		return value_error(b, EOPNOTSUPP, key, LAST,
				   "AppArmor is not enabled on this host, so the profile cannot "
				   "confine the container; set lxc.apparmor.allow_incomplete = 1 to "
				   "start it unconfined, or use unconfined");
	cleanup_free char *origin = origin_at(b->conf, key, LAST);
	return notice(b, str_printf("%s = %s (%s): AppArmor is not enabled on this host; the "
				    "container runs unconfined (lxc.apparmor.allow_incomplete)",
				    key, profile, origin ? origin : "?"));
}

/* -------------------------------------------------------------- plan */

int security_plan_build(struct build *b)
{
	struct security_plan *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	b->p->security = s;
	if ((ret = plan_apparmor(b, s)) < 0)
		return ret;
	return plan_seccomp(b, s);
}

void security_plan_free(struct security_plan *s)
{
	if (!s)
		return;
	free(s->seccomp.insns);
	free(s->seccomp_origin);
	free(s->aa_profile);
	free(s);
}

/* ------------------------------------------------------------- child */

int security_child_apply(const struct start_plan *p, struct child_error *e)
{
	const struct security_plan *s = p->security;
	int r;

	if (!s)
		return 0;
	if (s->aa_profile && (r = aa_exec_profile(s->aa_profile)) < 0)
		return child_error_set(e, r, "set the AppArmor profile",
				       &(struct plan_where){ "lxc.apparmor.profile", NULL }, NULL,
				       "\"%s\"", s->aa_profile);
#ifdef HAVE_LIBSECCOMP
	if (s->seccomp.n && (r = secfilter_load(&s->seccomp)) < 0)
		return child_error_set(e, r, "load the seccomp filter",
				       &(struct plan_where){ "lxc.seccomp.profile", s->seccomp_origin },
				       NULL, "%zu instructions", s->seccomp.n);
#endif
	return 0;
}
