/* lxc-attach joins the container's cgroups: the command counts against the
 * container's limits and dies with it (lxc-stop -k, cgroup.kill), instead
 * of staying in the caller's cgroup. P opens the cgroup.procs files; the
 * joiner (A) writes "0" to each before it enters the container's cgroup
 * namespace, since cgroup2 refuses a move to a cgroup outside the writer's
 * cgroup namespace root. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach/attach.h"
#include "cgroup/cgroup.h"
#include "container.h"
#include "run/cgroups.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

#define RECORD_MAX (1u << 16)

/* cgroup2's "no internal processes": a payload whose subtree_control
 * enables controllers (systemd inside does it) takes no process. Then the
 * command joins init's own cgroup, a leaf by construction, as seen from
 * the host's cgroup namespace in /proc/PID/cgroup. */
static char *v2_target(const struct cgroup_hier *h, pid_t init_pid)
{
	cleanup_free char *control = NULL, *self = NULL;
	cleanup_free char *ctl_path = str_printf("%s/cgroup.subtree_control",
						 h->dirs[CGROUP_PAYLOAD]);
	cleanup_free char *proc = str_printf("/proc/%d/cgroup", (int)init_pid);

	if (!ctl_path || !proc)
		return NULL;
	if (file_read(ctl_path, 4096, &control, NULL) < 0 || control[strspn(control, " \n")] == 0)
		return strdup(h->dirs[CGROUP_PAYLOAD]);
	if (file_read(proc, RECORD_MAX, &self, NULL) < 0)
		return strdup(h->dirs[CGROUP_PAYLOAD]);
	for (char *line = self, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, "0::", 3) == 0) {
			char *dir = cgroup_hier_dir(h, line + 3);
			return dir ? dir : strdup(h->dirs[CGROUP_PAYLOAD]);
		}
	}
	return strdup(h->dirs[CGROUP_PAYLOAD]);
}

static int open_one(const char *dir, int *fd, lxcmgr_error **err)
{
	cleanup_free char *path = str_printf("%s/cgroup.procs", dir);

	if (!path)
		return error_set(err, ENOMEM, "cgroups");
	*fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (*fd < 0) {
		int ret = error_set(err, errno, "open \"%s\" to join the container's cgroup", path);
		error_hint(err, "-e CGROUP (--elevated-privileges=CGROUP) attaches without "
			   "joining it");
		return ret;
	}
	return 0;
}

int attach_cgroup_open(const struct cgroup *cg, pid_t init_pid, int **fds, size_t *n,
		       lxcmgr_error **err)
{
	int ret = 0;

	*fds = calloc(cg->n_hiers ? cg->n_hiers : 1, sizeof(int));
	if (!*fds)
		return error_set(err, ENOMEM, "cgroups");
	for (size_t i = 0; i < cg->n_hiers; i++)
		(*fds)[i] = -1;
	*n = cg->n_hiers;
	for (size_t i = 0; i < cg->n_hiers && ret == 0; i++) {
		const struct cgroup_hier *h = &cg->hiers[i];
		if (!h->dirs[CGROUP_PAYLOAD])
			continue;
		cleanup_free char *dir = h->unified ? v2_target(h, init_pid)
						    : strdup(h->dirs[CGROUP_PAYLOAD]);
		ret = dir ? open_one(dir, &(*fds)[i], err) : error_set(err, ENOMEM, "cgroups");
	}
	return ret;
}

int attach_cgroup_prepare(struct lxcmgr_container *c, struct attach_job *job,
			  lxcmgr_error **err)
{
	cleanup_free char *path = run_cgroup_record_path(c->ctx, c->name);
	cleanup_free char *text = NULL;
	struct cgroup *cg = NULL;
	int ret;

	if (job->opts->elevated & LXCMGR_ATTACH_ELEVATED_CGROUP)
		return 0;
	if (!path)
		return error_set(err, ENOMEM, "cgroup record");
	ret = file_read(path, RECORD_MAX, &text, NULL);
	if (ret == -ENOENT)
		return 0; /* the container runs without cgroups */
	if (ret == 0 && (ret = cgroup_from_record(text, &cg)) < 0)
		return error_set(err, -ret, "cgroup record \"%s\"", path);
	if (ret < 0)
		return error_set(err, -ret, "read cgroup record \"%s\"", path);
	ret = attach_cgroup_open(cg, job->init_pid, &job->cgroup_fds, &job->n_cgroup_fds, err);
	cgroup_free(cg);
	return ret;
}

void attach_cgroup_release(struct attach_job *job)
{
	for (size_t i = 0; i < job->n_cgroup_fds; i++)
		if (job->cgroup_fds[i] >= 0)
			close(job->cgroup_fds[i]);
	free(job->cgroup_fds);
	job->cgroup_fds = NULL;
	job->n_cgroup_fds = 0;
}
