/* A container's cgroups from start to stop (see cgroups.h), lxc-cgroup's
 * get and set, which ask the monitor where the file is and then read or
 * write it themselves, and the statistics (lxc-info -S, lxc-top), read
 * through the record. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "ctx.h"
#include "run/cgroups.h"
#include "run/proto.h"
#include "store.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/str.h"

#define RECORD_MAX (1u << 16)

char *run_cgroup_record_path(const struct lxcmgr_ctx *ctx, const char *name)
{
	cleanup_free char *sock = proto_socket_path(ctx, name);
	return sock ? str_printf("%.*s.cgroup", (int)(strlen(sock) - 5), sock) : NULL;
}

/* What the record of an earlier run names (its monitor was killed, or its
 * cgroups were still in use when it gave up waiting): killed and removed,
 * then the record. The caller holds the container lock. */
static int remove_recorded(struct lxcmgr_container *c, lxcmgr_error **err)
{
	cleanup_free char *path = run_cgroup_record_path(c->ctx, c->name);
	cleanup_free char *text = NULL;
	struct cgroup *cg = NULL;
	int ret;

	if (!path)
		return error_set(err, ENOMEM, "cgroup record");
	ret = file_read(path, RECORD_MAX, &text, NULL);
	if (ret == -ENOENT)
		return 0;
	if (ret == 0 && (ret = cgroup_from_record(text, &cg)) == -EINVAL) {
		unlink(path);
		return error_msg(err, EINVAL, "cgroup record \"%s\" is damaged; removed", path);
	}
	if (ret < 0)
		return error_set(err, -ret, "read cgroup record \"%s\"", path);
	ret = cgroup_kill(cg, err);
	ret = ret ?: cgroup_remove(cg, err);
	cgroup_free(cg);
	if (ret < 0)
		return error_wrap(err, ret, "container \"%s\": cgroups", c->name);
	unlink(path);
	return 0;
}

/* ---------------------------------------------------------- monitor */

/* One setting; a v1 key on a cgroup2 host as the file of the same limit
 * there, listed in *DONE for the notice. */
static int apply_item(struct cgroup *cg, const struct plan_cgroup_item *it, char ***done,
		      lxcmgr_error **err)
{
	cleanup_free char *file = NULL, *value = NULL;
	int ret = cgroup_translate(cg, it->version, it->file, it->value, &file, &value, err);

	if (ret == -EOPNOTSUPP && !*err) /* nothing to translate */
		return cgroup_set(cg, it->version, it->file, it->value, err);
	if (ret < 0)
		return ret;
	/* Device rules become one program: named once, not per rule. */
	if (str_starts_with(file, "devices."))
		ret = strv_contains(*done, "lxc.cgroup.devices.* as a BPF device program")
			      ? 0
			      : strv_push_dup(done, "lxc.cgroup.devices.* as a BPF device program");
	else
		ret = strv_push(done, str_printf("%s = %s as %s = %s (%s)", it->key, it->value, file,
						 value, it->origin));
	return ret < 0 ? error_set(err, -ret, "cgroups") : cgroup_set(cg, 0, file, value, err);
}

/* Every setting, in the plan's order; the first failure names its key. */
static int apply_items(struct lxcmgr_container *c, struct cgroup *cg,
		       const struct plan_cgroup *pc, lxcmgr_error **err)
{
	cleanup_strv char **done = NULL;

	for (size_t i = 0; i < pc->n_items; i++) {
		const struct plan_cgroup_item *it = &pc->items[i];
		cleanup_error lxcmgr_error *e = NULL;
		int ret = apply_item(cg, it, &done, &e);
		if (ret < 0)
			return error_msg(err, -ret, "%s = %s (%s): %s", it->key, it->value, it->origin,
					 e && e->msg ? e->msg : strerror(-ret));
	}
	int ret = cgroup_commit(cg, err);
	if (ret < 0)
		return error_wrap(err, ret, "device rules (lxc.cgroup2.devices.*, lxc.cgroup.devices.*)");
	cleanup_free char *list = done ? strv_join(done, "; ") : NULL;
	if (list)
		log_notice(c->ctx, "this host has only cgroup2: lxc.cgroup.* keys written as their "
			   "cgroup2 counterparts: %s", list);
	return 0;
}

static int write_record(struct lxcmgr_container *c, const struct cgroup *cg,
			lxcmgr_error **err)
{
	cleanup_free char *path = run_cgroup_record_path(c->ctx, c->name);
	cleanup_free char *text = cgroup_to_record(cg);
	/* Without an fsync: cgroups do not outlive the machine either. */
	int ret = path && text ? file_write_runtime(path, text, strlen(text), 0600) : -ENOMEM;

	return ret < 0 ? error_set(err, -ret, "write cgroup record \"%s\"", path ? path : "?")
		       : 0;
}

/* The monitor gives up its cgroups: out of its own, then all removed. */
static int teardown(struct cgroup *cg, lxcmgr_error **err)
{
	int ret = cgroup_kill(cg, err);
	int left = cgroup_leave(cg, err);
	int removed = cgroup_remove(cg, err);

	return ret ?: left ?: removed;
}

/* An ordinary user's start on cgroup2 whose cgroup held nothing but
 * lxc-start when the plan looked (plan-cgroup.c). If the controllers
 * cannot be enabled after all (a process came in since), a container
 * without settings does without them, as the plan would have said. */
static int take_base(struct lxcmgr_container *c, struct cgroup *cg, const struct plan_cgroup *pc,
		     lxcmgr_error **err)
{
	cleanup_error lxcmgr_error *e = NULL;
	int ret = cgroup_take_base(cg, pc->starter, &e);
	const char *msg = e && e->msg ? e->msg : strerror(-ret);

	if (ret < 0 && pc->n_items == 0) {
		log_warn(c->ctx, "%s; the container runs without its controllers", msg);
		return 0;
	}
	if (ret < 0)
		return error_msg(err, -ret, "%s (%s, %s, needs them; start the container in a "
				 "cgroup of its own: systemd-run --user --scope -p Delegate=yes "
				 "lxc-start -n %s)", msg, pc->items[0].key, pc->items[0].origin,
				 c->name);
	log_debug(c->ctx, "cgroup2: enabled %s for the children of the caller's cgroup",
		  cg->base_enabled ? cg->base_enabled : "nothing new");
	return 0;
}

int run_cgroup_setup(struct lxcmgr_container *c, const struct start_plan *p,
		     struct cgroup **out, lxcmgr_error **err)
{
	const struct plan_cgroup *pc = &p->cgroup;
	struct cgroup_spec spec = { .payload = pc->payload, .monitor = pc->monitor,
				    .pivot = pc->pivot, .relative = pc->relative,
				    .base_as_is = pc->skip_base };
	cleanup_error lxcmgr_error *open_err = NULL, *left_err = NULL;
	struct cgroup *cg = NULL;
	int ret;

	*out = NULL;
	/* We hold the lock: what a record names is an earlier run's. */
	if (remove_recorded(c, &left_err) < 0)
		log_warn(c->ctx, "%s; starting with new cgroups",
			 left_err && left_err->msg ? left_err->msg : "cgroups of the last run left");
	ret = cgroup_open(&cg, &open_err);
	if (ret == -ENOENT && pc->n_items == 0) {
		/* Nothing asked of them: a start without cgroups beats none. */
		log_notice(c->ctx, "%s; the container runs in the monitor's cgroups",
			   open_err && open_err->msg ? open_err->msg : "no cgroups");
		return 0;
	}
	if (ret < 0) {
		error_msg(err, -ret, "%s", open_err && open_err->msg ? open_err->msg : strerror(-ret));
		if (ret == -ENOENT)
			error_hint(err, "%s (%s) needs them", pc->items[0].key, pc->items[0].origin);
	}
	if (ret == 0 && pc->skip) /* an ordinary user's, not delegated (plan-cgroup.c) */
		cgroup_drop(cg, pc->skip);
	ret = ret ?: cgroup_create(cg, &spec, err);
	if (ret < 0) {
		cgroup_free(cg);
		return error_wrap(err, ret, "container \"%s\": cgroups", c->name);
	}
	/* The monitor enters its own cgroups later, right after init is in
	 * its payload cgroup (spawn.c, place_child); but now when it must
	 * leave the caller's cgroup for it to enable controllers. */
	ret = pc->take_base ? take_base(c, cg, pc, err) : 0;
	ret = ret ?: apply_items(c, cg, pc, err);
	ret = ret ?: write_record(c, cg, err);
	if (ret < 0) {
		teardown(cg, NULL);
		cgroup_free(cg);
		return ret;
	}
	log_debug(c->ctx, "cgroups: %s (%s), payload \"%s\"", cg->ops->name,
		  cgroup_layout_name(cg->layout), cg->payload);
	*out = cg;
	return 0;
}

void run_cgroup_stopped(struct lxcmgr_container *c, struct cgroup **cg, bool keep)
{
	cleanup_error lxcmgr_error *err = NULL;

	if (!*cg)
		return;
	if (keep) {
		if (cgroup_kill(*cg, &err) < 0)
			log_warn(c->ctx, "cgroups: %s", err->msg);
		return;
	}
	cleanup_free char *record = run_cgroup_record_path(c->ctx, c->name);
	if (teardown(*cg, &err) < 0)
		/* Not again later in this process, which lets go of the lock
		 * with STOPPED (monitor.h): the next run owns the record. */
		log_warn(c->ctx, "cgroups: %s; left with their record \"%s\" for the next "
			 "lxc-start, lxc-stop or lxc-destroy to remove",
			 err && err->msg ? err->msg : "teardown failed", record ? record : "?");
	else if (record)
		unlink(record);
	cgroup_free(*cg);
	*cg = NULL;
}

/* ----------------------------------------------------------- clients */

int run_cgroup_orphan(struct lxcmgr_container *c, lxcmgr_error **err)
{
	cleanup_close int lock = -1;

	/* A monitor alive (it holds the lock) owns the cgroups. */
	if (store_lock(c->ctx, c->name, &lock, NULL) < 0)
		return 0;
	if (geteuid() != 0) /* the killed monitor's pointer for root (proto.h) */
		proto_pointer_remove(c->ctx, c->name);
	return remove_recorded(c, err);
}

/* lxc-cgroup takes file names only: no paths. */
static int check_file(const char *file, lxcmgr_error **err)
{
	const char *dot = strchr(file, '.');

	if (!dot || dot == file || !dot[1] || strchr(file, '/'))
		return error_msg(err, EINVAL, "\"%s\" is not a cgroup file name; use "
				 "CONTROLLER.FILE, e.g. memory.limit_in_bytes", file);
	return 0;
}

/* The payload directory that holds FILE, from the monitor. */
static int payload_dir(struct lxcmgr_container *c, const char *file, char **dir,
		       lxcmgr_error **err)
{
	cleanup_close int fd = -1;
	int ret = check_file(file, err);

	ret = ret ?: proto_connect(c->ctx, c->name, &fd);
	if (proto_monitor_gone(ret))
		return error_msg(err, ESRCH, "container \"%s\" is not running", c->name);
	if (ret < 0)
		return err && *err ? ret : error_set(err, -ret, "ask the monitor of \"%s\"", c->name);
	ret = proto_call(fd, CMD_CGROUP_DIR, 0, file, (uint32_t)strlen(file), dir, NULL, NULL);
	if (ret == -ENOENT)
		return error_msg(err, ENOENT, "container \"%s\" has no cgroup with \"%s\": its "
				 "controller is not mounted, or not a controller", c->name, file);
	if (ret == -ESRCH)
		return error_msg(err, ESRCH, "container \"%s\" runs without cgroups", c->name);
	if (ret == 0 && (!*dir || !**dir))
		ret = -EPROTO;
	return ret < 0 ? error_set(err, -ret, "ask the monitor of \"%s\" for its cgroup", c->name)
		       : 0;
}

LXCMGR_PUBLIC int lxcmgr_container_cgroup_get(struct lxcmgr_container *c, const char *file,
					      char **value, lxcmgr_error **err)
{
	cleanup_free char *dir = NULL;
	int ret = payload_dir(c, file, &dir, err);

	return ret ?: cgroup_read(dir, file, value, err);
}

/* A device rule through the monitor, which keeps the rules (cgroup2):
 * -EOPNOTSUPP (no *err) when the file is to be written here (v1, or a
 * monitor older than CMD_CGROUP_SET). */
static int device_rule_by_monitor(struct lxcmgr_container *c, const char *file,
				  const char *value, lxcmgr_error **err)
{
	size_t flen = strlen(file), vlen = strlen(value);
	cleanup_free char *data = malloc(flen + 1 + vlen);
	cleanup_free char *msg = NULL;
	cleanup_close int fd = -1;

	if (!data)
		return error_set(err, ENOMEM, "device rule");
	memcpy(data, file, flen + 1);
	memcpy(data + flen + 1, value, vlen);
	int ret = proto_connect(c->ctx, c->name, &fd);
	if (proto_monitor_gone(ret))
		return error_msg(err, ESRCH, "container \"%s\" is not running", c->name);
	ret = ret ?: proto_call(fd, CMD_CGROUP_SET, 0, data, (uint32_t)(flen + 1 + vlen), &msg,
				NULL, NULL);
	if (ret == 0 || (ret == -EOPNOTSUPP && !msg))
		return ret;
	if (ret == -ESRCH)
		return error_msg(err, ESRCH, "container \"%s\" runs without cgroups", c->name);
	if (msg && *msg)
		return error_msg(err, -ret, "%s: %s", file, msg);
	return error_set(err, -ret, "%s \"%s\"", file, value);
}

LXCMGR_PUBLIC int lxcmgr_container_cgroup_set(struct lxcmgr_container *c, const char *file,
					      const char *value, lxcmgr_error **err)
{
	cleanup_free char *dir = NULL;
	int ret = check_file(file, err);

	if (ret == 0 && str_starts_with(file, "devices.") &&
	    (ret = device_rule_by_monitor(c, file, value, err)) != -EOPNOTSUPP)
		return ret;
	ret = payload_dir(c, file, &dir, err);
	return ret ?: cgroup_write(dir, file, value, err);
}

/* --------------------------------------------------------- statistics */

/* Whether a monitor serves NAME: a connect, no request. */
static bool monitor_listens(struct lxcmgr_container *c)
{
	cleanup_close int fd = -1;

	return !proto_monitor_gone(proto_connect(c->ctx, c->name, &fd));
}

static uint64_t ns_since(const struct timespec *then)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	int64_t ns = (int64_t)(now.tv_sec - then->tv_sec) * 1000000000 +
		     (now.tv_nsec - then->tv_nsec);
	return ns > 0 ? (uint64_t)ns : 0;
}

/* The files are read here, not by the monitor: one connect to see that it
 * runs (a record outlives a killed monitor), the record (written when the
 * cgroups were made: its mtime is their age), then the cgroup files. */
LXCMGR_PUBLIC int lxcmgr_container_stats(struct lxcmgr_container *c, struct lxcmgr_stats *out,
					 size_t size, lxcmgr_error **err)
{
	return lxcmgr_container_stats_some(c, LXCMGR_STATS_ALL, out, size, err);
}

LXCMGR_PUBLIC int lxcmgr_container_stats_some(struct lxcmgr_container *c, unsigned want,
					      struct lxcmgr_stats *out, size_t size,
					      lxcmgr_error **err)
{
	cleanup_free char *path = run_cgroup_record_path(c->ctx, c->name);
	cleanup_free char *text = NULL;
	struct lxcmgr_stats st;
	struct cgroup *cg = NULL;
	struct stat sb;

	if (!path)
		return error_set(err, ENOMEM, "cgroup record");
	if (!monitor_listens(c))
		return error_msg(err, ESRCH, "container \"%s\" is not running", c->name);
	int ret = file_read_regular(path, RECORD_MAX, &text, NULL, &sb);
	if (ret == -ENOENT)
		return error_msg(err, ENODATA, "container \"%s\" runs without cgroups: no "
				 "statistics", c->name);
	if (ret < 0)
		return error_set(err, -ret, "read cgroup record \"%s\"", path);
	if ((ret = cgroup_from_record(text, &cg)) < 0)
		return error_set(err, -ret, "cgroup record \"%s\"", path);
	ret = cgroup_stats(cg, want, &st);
	cgroup_free(cg);
	if (ret < 0)
		return error_msg(err, -ret, "container \"%s\": its cgroup record names no "
				 "cgroup", c->name);
	st.age_ns = ns_since(&sb.st_mtim);
	memcpy(out, &st, size < sizeof(st) ? size : sizeof(st));
	return 0;
}
