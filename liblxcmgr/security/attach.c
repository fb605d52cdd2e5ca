/* lxc-attach's share of the confinement (attach/attach.h): what the
 * caller prepares so that the command's process, which may not allocate,
 * only loads it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "container.h"
#include "ctx.h"
#include "run/proto.h"
#include "security/apparmor.h"
#include "security/seccomp.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

/* A config item of the running container, trimmed; NULL when unset. */
static char *config_item(int monitor_fd, const char *key)
{
	char *value = NULL;

	if (proto_call(monitor_fd, CMD_CONFIG_ITEM, 0, key, (uint32_t)strlen(key), &value, NULL,
		       NULL) < 0) {
		free(value);
		return NULL;
	}
	if (value)
		value[strcspn(value, "\n")] = '\0';
	if (value && !*value) {
		free(value);
		return NULL;
	}
	return value;
}

static int prepare_seccomp(struct lxcmgr_container *c, int monitor_fd, struct attach_job *job,
			   lxcmgr_error **err)
{
#ifdef HAVE_LIBSECCOMP
	cleanup_free char *profile = config_item(monitor_fd, "lxc.seccomp.profile");
	cleanup_free char *nesting = NULL, *notice = NULL;

	if (!profile)
		return 0;
	/* As at the start: a caller under a filter adds none unless nesting.
	 * Asked only then: each question is a round trip to the monitor. */
	if (secfilter_confined()) {
		nesting = config_item(monitor_fd, "lxc.seccomp.allow_nesting");
		if (!str_eq(nesting, "1"))
			return 0;
	}
	int ret = secfilter_get(c->ctx->runtime_dir, profile, &job->seccomp, &notice, err);
	return ret < 0 ? error_wrap(err, ret, "the container's seccomp filter for the command") : 0;
#else
	return 0;
#endif
}

/* Init's profile, from /proc/PID/attr/current: "NAME (enforce)". */
static int prepare_apparmor(struct attach_job *job)
{
	char path[64];
	cleanup_free char *label = NULL;

	if ((job->opts->elevated & LXCMGR_ATTACH_ELEVATED_LSM) || !aa_enabled())
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/attr/current", job->init_pid);
	int ret = file_read(path, 4096, &label, NULL);
	if (ret < 0)
		return ret;
	label[strcspn(label, "\n")] = '\0';
	char *mode = strstr(label, " (");
	if (mode)
		*mode = '\0';
	if (!str_eq(label, "unconfined") && *label)
		job->aa_label = steal_ptr(label);
	return 0;
}

int attach_security_prepare(struct lxcmgr_container *c, int monitor_fd, struct attach_job *job,
			    lxcmgr_error **err)
{
	/* Part of the container (-s): nothing of its confinement, as in LXC. */
	if (job->opts->namespaces)
		return 0;
	int ret = prepare_apparmor(job);
	if (ret < 0)
		return error_set(err, -ret, "read the AppArmor profile of init (pid %d)",
				 job->init_pid);
	/* Only a confined init has a filter to pass on: no question to the
	 * monitor, no cache read, for the others. */
	return job->init_seccomp ? prepare_seccomp(c, monitor_fd, job, err) : 0;
}
