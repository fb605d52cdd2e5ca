/* Time namespace, sysctls, /proc files and resource limits of init (see
 * procset.h). Runs in the child: no allocation, errors as child_error. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "run/procset.h"
#include "util/cleanup.h"

/* Writes VALUE to PATH under the directory DIR; 0 or -errno. */
static int write_at(int dir, const char *path, const char *value)
{
	cleanup_close int fd = openat(dir, path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t len = strlen(value);

	if (fd < 0)
		return -errno;
	/* One write: proc and sysctl files take the value in one go. */
	ssize_t n = write(fd, value, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static int time_offset(const struct plan_time_offset *t, const char *key, clockid_t clock,
		       struct child_error *e)
{
	const char *name = clock == CLOCK_BOOTTIME ? "boottime" : "monotonic";
	char line[64];

	if (!t->set)
		return 0;
	/* The clock's number: older kernels take no name. */
	snprintf(line, sizeof(line), "%d %" PRId64 " %ld", (int)clock, t->sec, t->nsec);
	const struct plan_where where = { key, t->origin };
	int r = write_at(AT_FDCWD, "/proc/self/timens_offsets", line);
	if (r < 0)
		return child_error_set(e, r, "set the time offset", &where,
				       r == -ERANGE ? "the clock would go below 0 or too far ahead; "
						      "a negative offset must be less than the uptime"
						    : NULL,
				       "%s %" PRId64 " s %ld ns", name, t->sec, t->nsec);
	return 0;
}

/* unshare(CLONE_NEWTIME) makes the namespace for our children only, so the
 * offsets can go in before anyone is inside; then we enter it ourselves. */
static int time_ns(const struct start_plan *p, struct child_error *e)
{
	const struct plan_where where = { "lxc.namespace.clone", NULL };
	int r;

	if (!(p->clone_flags & CLONE_NEWTIME))
		return 0;
	if (unshare(CLONE_NEWTIME) < 0)
		return child_error_set(e, errno, "create the time namespace", &where,
				       errno == EINVAL ? "this kernel has no time namespaces "
							 "(CONFIG_TIME_NS)"
						       : NULL,
				       "unshare");
	if ((r = time_offset(&p->time_boot, "lxc.time.offset.boot", CLOCK_BOOTTIME, e)) < 0 ||
	    (r = time_offset(&p->time_monotonic, "lxc.time.offset.monotonic", CLOCK_MONOTONIC,
			     e)) < 0)
		return r;
	cleanup_close int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
		return child_error_set(e, errno, "enter the time namespace", &where, NULL,
				       "\"/proc/self/ns/time_for_children\"");
	return 0;
}

static int sysctls(const struct start_plan *p, struct child_error *e)
{
	cleanup_close int dir = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (p->n_sysctls && dir < 0)
		return child_error_set(e, errno, "open", NULL, NULL, "\"/proc/sys\"");
	for (size_t i = 0; i < p->n_sysctls; i++) {
		const struct plan_write *w = &p->sysctls[i];
		const struct plan_where where = { w->key, w->origin };
		int r = write_at(dir, w->path, w->value);
		if (r < 0)
			return child_error_set(e, r, "set sysctl", &where,
					       r == -ENOENT ? "no such sysctl in the container's "
							      "namespaces (not namespaced, or a "
							      "typo)"
					       : r == -EACCES ? "only the host may set it: it is not "
								"namespaced"
							      : NULL,
					       "\"/proc/sys/%s\" = \"%s\"", w->path, w->value);
	}
	return 0;
}

/* /proc/self is init's /proc/PID: init is this process after execve. (Our
 * pid is 1 in a new PID namespace, so messages say PID.) */
static int proc_files(const struct start_plan *p, struct child_error *e)
{
	cleanup_close int dir = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (p->n_procs && dir < 0)
		return child_error_set(e, errno, "open", NULL, NULL, "\"/proc/self\"");
	for (size_t i = 0; i < p->n_procs; i++) {
		const struct plan_write *w = &p->procs[i];
		const struct plan_where where = { w->key, w->origin };
		int r = write_at(dir, w->path, w->value);
		if (r < 0)
			return child_error_set(e, r, "set", &where,
					       r == -ENOENT ? "no such file in /proc/PID" : NULL,
					       "\"/proc/PID/%s\" of init = \"%s\"", w->path, w->value);
	}
	return 0;
}

int procset_early(const struct start_plan *p, struct child_error *e)
{
	int r = time_ns(p, e);

	r = r ?: sysctls(p, e);
	return r ?: proc_files(p, e);
}

static void limit_text(uint64_t v, char *buf, size_t size)
{
	if (v == UINT64_MAX)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%" PRIu64, v);
}

int procset_rlimits(const struct start_plan *p, struct child_error *e)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct plan_rlimit *l = &p->rlimits[i];
		struct rlimit rl = { .rlim_cur = (rlim_t)l->soft, .rlim_max = (rlim_t)l->hard };
		char soft[24], hard[24];

		if (setrlimit((__rlimit_resource_t)l->resource, &rl) == 0)
			continue;
		limit_text(l->soft, soft, sizeof(soft));
		limit_text(l->hard, hard, sizeof(hard));
		return child_error_set(e, errno, "set resource limit",
				       &(struct plan_where){ l->key, l->origin },
				       errno == EPERM ? "raising a hard limit above the host's needs "
							"CAP_SYS_RESOURCE"
						      : NULL,
				       "%s:%s", soft, hard);
	}
	return 0;
}
