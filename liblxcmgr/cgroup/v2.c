/* The cgroup2 backend, for unified hosts: one hierarchy. A cgroup gets a
 * controller only when its parent lists it in cgroup.subtree_control, so
 * creating the container's cgroups enables every available controller
 * from the base down to their parents. cgroup2's "no internal processes"
 * rule makes that fail (EBUSY) in a cgroup that has processes of its own,
 * other than the root: the error says so.
 *
 * init is cloned straight into its cgroup (CLONE_INTO_CGROUP, with the fd
 * from cgroup_clone_fd); cgroup.kill (Linux 5.14) empties it at once.
 * The common lxc.cgroup.* (v1) keys are translated, so one config works on
 * both kinds of host. Device rules (devices.allow, devices.deny) are
 * collected by set and become one BPF program at commit (devices.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

/* The cgroup2 mount: the one at /sys/fs/cgroup, else the first. */
static int v2_mount(struct cgroup *cg, const char *line)
{
	cleanup_free char *mount = NULL, *root = NULL, *options = NULL, *list = NULL;
	bool unified;

	if (cgroup_mountinfo_line(line, &unified, &mount, &root, &options) < 0 || !unified)
		return 0;
	if (cg->n_hiers && strcmp(mount, CGROUP_MOUNT) != 0)
		return 0;
	cgroup_read(mount, "cgroup.controllers", &list, NULL);
	char **ctrls = str_split(list ? list : "", " \n");
	if (!ctrls)
		return -ENOMEM;
	if (cg->n_hiers) { /* replaces an earlier one, mounted elsewhere */
		strv_free(ctrls);
		free(cg->hiers[0].mount);
		free(cg->hiers[0].root);
		cg->hiers[0].mount = steal_ptr(mount);
		cg->hiers[0].root = steal_ptr(root);
		return 0;
	}
	return cgroup_add_hier(cg, steal_ptr(mount), steal_ptr(root), ctrls, true);
}

static int v2_detect(struct cgroup *cg, lxcmgr_error **err)
{
	int ret = cgroup_scan_mounts(cg, v2_mount, "cgroup2 hierarchy", err);

	if (ret < 0)
		return ret;
	return cg->n_hiers ? cgroup_read_self(cg, err) : 0;
}

/* Enables in DIR's cgroup.subtree_control every controller DIR has that
 * is not enabled yet, in one write: the kernel takes all or none, so a
 * refusal leaves DIR as it was. A cgroup with processes refuses (EBUSY);
 * a single controller the kernel will not enable here (cpu, with realtime
 * processes below) costs only itself: the settings that need it fail.
 * ADDED (may be NULL): what was enabled here, space-separated ("" none). */
int cgroup_v2_enable(const char *dir, char **added, lxcmgr_error **err)
{
	cleanup_free char *avail = NULL, *enabled = NULL, *all = NULL;
	cleanup_error lxcmgr_error *e = NULL;
	int ret = cgroup_read(dir, "cgroup.controllers", &avail, err);

	ret = ret ?: cgroup_read(dir, "cgroup.subtree_control", &enabled, err);
	if (ret < 0)
		return ret;
	cleanup_free char **have = str_words(enabled, " \n");
	cleanup_free char **want = str_words(avail, " \n");
	cleanup_strv char **plus = NULL, **done = NULL;
	if (!have || !want)
		return error_set(err, ENOMEM, "cgroups");
	for (size_t i = 0; want[i]; i++)
		if (!strv_contains(have, want[i]) && strv_push(&plus, str_printf("+%s", want[i])) < 0)
			return error_set(err, ENOMEM, "cgroups");
	if (plus && !(all = strv_join(plus, " ")))
		return error_set(err, ENOMEM, "cgroups");
	ret = all ? cgroup_write(dir, "cgroup.subtree_control", all, &e) : 0;
	if (ret == -EBUSY || ret == -EOPNOTSUPP) {
		error_msg(err, -ret, "%s", e && e->msg ? e->msg : strerror(-ret));
		error_hint(err, "on cgroup2 a cgroup with processes of its own cannot pass "
			   "controllers on; start the container from a cgroup of its own "
			   "(e.g. systemd-run --scope -p Delegate=yes) or without "
			   "lxc.cgroup.relative");
		return ret;
	}
	for (size_t i = 0; plus && plus[i]; i++)
		if ((ret == 0 || cgroup_write(dir, "cgroup.subtree_control", plus[i], NULL) == 0) &&
		    strv_push_dup(&done, plus[i] + 1) < 0)
			return error_set(err, ENOMEM, "cgroups");
	if (added && !(*added = done ? strv_join(done, " ") : strdup("")))
		return error_set(err, ENOMEM, "cgroups");
	return 0;
}

/* From the base (or, with SKIP_BASE, its child) down to DIR's parent. */
int cgroup_v2_enable_along(const char *base, const char *dir, bool skip_base, lxcmgr_error **err)
{
	size_t len = strlen(base);
	cleanup_free char *p = strdup(dir);

	if (!p)
		return error_set(err, ENOMEM, "cgroups");
	if (strncmp(p, base, len) != 0)
		return error_msg(err, EINVAL, "cgroup \"%s\" is not below \"%s\"", dir, base);
	for (char *s = p + len;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (*s == '\0')
			return 0; /* the leaf itself keeps its processes */
		*s = '\0';
		int ret = skip_base && s == p + len ? 0 : cgroup_v2_enable(p, NULL, err);
		if (ret < 0)
			return ret;
		*s = '/';
	}
}

static int v2_create(struct cgroup *cg, const struct cgroup_spec *spec, lxcmgr_error **err)
{
	struct cgroup_hier *h = &cg->hiers[0];
	int ret = cgroup_create_dirs(cg, spec, NULL, err);
	cleanup_free char *base = ret == 0 ? cgroup_hier_dir(h, spec->relative ? h->self : "/")
					   : NULL;

	if (ret < 0)
		return ret;
	ret = base ? 0 : error_msg(err, ENOENT, "our cgroup is outside the cgroup2 mount");
	/* The base itself too: its parent enabled them for it, or it is the
	 * root; an empty suffix walks nothing but the base. */
	for (int w = 0; ret == 0 && w < 2; w++)
		ret = cgroup_v2_enable_along(base, h->dirs[w], spec->base_as_is, err);
	if (ret < 0)
		cgroup_remove_all(cg, NULL);
	return ret;
}

/* ------------------------------------------------- v1 keys on cgroup2 */

/* A size as the kernel's memparse reads it ("512M", "1g", "4096"). */
static int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "kmgtpe";
	char *end;
	uint64_t n;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	if (*end) {
		const char *u = strchr(units, end[0] | 0x20);
		if (!u || end[1])
			return -EINVAL;
		for (const char *k = units; k <= u; k++) {
			if (n > UINT64_MAX / 1024)
				return -ERANGE;
			n *= 1024;
		}
	}
	*out = n;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno ? -errno : *end ? -EINVAL : 0;
}

/* A v1 weight scaled so that defaults meet (cpu.shares 1024 and blkio.weight
 * 500 are cgroup2's 100), clamped to cgroup2's 1..10000. */
static char *weight(const char *value, uint64_t v1_default, const char *prefix)
{
	uint64_t n;

	if (parse_u64(value, &n) < 0 || n > UINT64_MAX / 100)
		return NULL;
	n = n * 100 / v1_default;
	return str_printf("%s%" PRIu64, prefix, n < 1 ? 1 : n > 10000 ? 10000 : n);
}

/* memsw is memory plus swap; cgroup2 limits swap alone. */
static char *swap_max(const char *value, const char *memory_max, const char **why)
{
	uint64_t total, mem;

	if (parse_size(value, &total) < 0)
		return *why = "not a size", NULL;
	if (!memory_max || parse_size(memory_max, &mem) < 0)
		return str_printf("%" PRIu64, total); /* memory unlimited: the best fit */
	if (total < mem)
		return *why = "memory.memsw.limit_in_bytes must not be below memory.limit_in_bytes",
		       NULL;
	return str_printf("%" PRIu64, total - mem);
}

/* cpu.max is "QUOTA PERIOD"; each v1 key sets one of them. */
static char *cpu_max_field(const char *value, const char *cpu_max, int field)
{
	char quota[32] = "max", period[32] = "100000";
	uint64_t n;

	if (cpu_max)
		sscanf(cpu_max, "%31s %31s", quota, period);
	if (field == 0 && strcmp(value, "-1") == 0)
		return str_printf("max %s", period);
	if (parse_u64(value, &n) < 0)
		return NULL;
	return field == 0 ? str_printf("%" PRIu64 " %s", n, period)
			  : str_printf("%s %" PRIu64, quota, n);
}

static char *translate_value(const char *file, const char *value, const char *memory_max,
			     const char *cpu_max, const char **why)
{
	bool memory = str_starts_with(file, "memory.");
	uint64_t n;

	if (memory && strcmp(value, "-1") == 0) /* v1's "no limit" */
		return strdup("max");
	if (strcmp(file, "memory.limit_in_bytes") == 0)
		return parse_size(value, &n) < 0 ? (*why = "not a size", NULL) : strdup(value);
	if (strcmp(file, "memory.memsw.limit_in_bytes") == 0)
		return swap_max(value, memory_max, why);
	if (strcmp(file, "cpu.shares") == 0)
		return weight(value, 1024, "");
	if (strcmp(file, "blkio.weight") == 0)
		return weight(value, 500, "default ");
	if (strcmp(file, "cpu.cfs_quota_us") == 0)
		return cpu_max_field(value, cpu_max, 0);
	if (strcmp(file, "cpu.cfs_period_us") == 0)
		return cpu_max_field(value, cpu_max, 1);
	return strdup(value); /* cpuset.cpus, cpuset.mems, pids.max */
}

static const struct {
	const char *v1, *v2;
} v1_to_v2[] = {
	{ "memory.limit_in_bytes", "memory.max" },
	{ "memory.memsw.limit_in_bytes", "memory.swap.max" },
	{ "cpu.shares", "cpu.weight" },
	{ "cpu.cfs_quota_us", "cpu.max" },
	{ "cpu.cfs_period_us", "cpu.max" },
	{ "blkio.weight", "io.weight" },
	{ "cpuset.cpus", "cpuset.cpus" },
	{ "cpuset.mems", "cpuset.mems" },
	{ "pids.max", "pids.max" },
	{ "devices.allow", "devices.allow" }, /* rules of the device program */
	{ "devices.deny", "devices.deny" },
};

int cgroup_v1_to_v2(const char *file, const char *value, const char *memory_max,
		    const char *cpu_max, char **file_out, char **value_out, const char **why)
{
	size_t i = 0;

	*file_out = *value_out = NULL;
	*why = NULL;
	while (i < ARRAY_SIZE(v1_to_v2) && strcmp(v1_to_v2[i].v1, file) != 0)
		i++;
	if (i == ARRAY_SIZE(v1_to_v2)) {
		*why = "it has no cgroup2 counterpart lxcmgr knows; use the lxc.cgroup2.* "
		       "key of that limit";
		return -EOPNOTSUPP;
	}
	*value_out = translate_value(file, value, memory_max, cpu_max, why);
	if (!*value_out) {
		if (!*why)
			*why = "not a number";
		return -EINVAL;
	}
	if (!(*file_out = strdup(v1_to_v2[i].v2))) {
		free(*value_out);
		*value_out = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int v2_translate(struct cgroup *cg, unsigned version, const char *file,
			const char *value, char **file_out, char **value_out, lxcmgr_error **err)
{
	const char *dir = cg->hiers[0].dirs[CGROUP_PAYLOAD];
	cleanup_free char *memory_max = NULL, *cpu_max = NULL;
	const char *why = NULL;

	if (version != 1)
		return -EOPNOTSUPP;
	/* What earlier keys set, for the keys that set part of a file. */
	cgroup_read(dir, "memory.max", &memory_max, NULL);
	cgroup_read(dir, "cpu.max", &cpu_max, NULL);
	int ret = cgroup_v1_to_v2(file, value, memory_max, cpu_max, file_out, value_out, &why);
	if (ret == -ENOMEM)
		return error_set(err, ENOMEM, "cgroups");
	if (ret < 0)
		return error_msg(err, -ret, "this host has only cgroup2 and lxc.cgroup.%s is a cgroup "
				 "v1 key: %s", file, why);
	return 0;
}

/* lxc.cgroup.* (v1) keys name files cgroup2 does not have. */
static int v1_key(const char *file, lxcmgr_error **err)
{
	return error_msg(err, EOPNOTSUPP,
			 "this host has only cgroup2 (unified layout): lxc.cgroup.%s is a cgroup "
			 "v1 file; use the lxc.cgroup2.* key of the same limit",
			 file);
}

/* devices.allow and devices.deny: a rule added to D, the rules of the
 * program commit attaches. */
static int device_rule(struct cgroup_devices *d, const char *file, const char *value,
		       lxcmgr_error **err)
{
	struct cgroup_dev_rule r;
	const char *why = NULL;
	bool allow = strcmp(file, "devices.allow") == 0;

	if (!allow && strcmp(file, "devices.deny") != 0)
		return error_msg(err, EINVAL, "\"%s\" is not a device rule file; use devices.allow "
				 "or devices.deny", file);
	int ret = cgroup_dev_rule_parse(value, allow, &r, &why);
	ret = ret ?: cgroup_dev_add(d, &r);
	if (ret == -ENOMEM)
		return error_set(err, ENOMEM, "device rules");
	return ret < 0 ? error_msg(err, -ret, "\"%s\" is not a device rule: %s", value, why) : 0;
}

/* The rules stay, and the program's fd: a change at run time builds on
 * them (v2_change_devices). */
static int v2_commit(struct cgroup *cg, lxcmgr_error **err)
{
	if (!cg->devices.used)
		return 0;
	return cgroup_dev_attach(cg->hiers[0].dirs[CGROUP_PAYLOAD], &cg->devices, -1,
				 &cg->dev_prog, err);
}

/* The rules in force plus this one, as a program in place of the attached
 * one (or the first, when the config gave no rule: every device allowed
 * until now). Nothing changes when the rule or the program fails. */
static int v2_change_devices(struct cgroup *cg, const char *file, const char *value,
			     lxcmgr_error **err)
{
	const char *dir = cg->n_hiers ? cg->hiers[0].dirs[CGROUP_PAYLOAD] : NULL;
	struct cgroup_devices next;
	int prog = -1;

	if (!dir)
		return error_msg(err, ENOENT, "the container has no cgroup");
	if (cgroup_devices_copy(&cg->devices, &next) < 0)
		return error_set(err, ENOMEM, "device rules");
	int ret = device_rule(&next, file, value, err);
	ret = ret ?: cgroup_dev_attach(dir, &next, cg->dev_prog, &prog, err);
	if (ret < 0) {
		cgroup_devices_release(&next);
		return ret;
	}
	cgroup_devices_release(&cg->devices);
	cg->devices = next;
	if (cg->dev_prog >= 0)
		close(cg->dev_prog);
	cg->dev_prog = prog;
	return 0;
}

static int v2_set(struct cgroup *cg, unsigned version, const char *file, const char *value,
		  lxcmgr_error **err)
{
	const char *dir = cg->hiers[0].dirs[CGROUP_PAYLOAD];

	if (version == 1)
		return v1_key(file, err);
	if (str_starts_with(file, "devices."))
		return device_rule(&cg->devices, file, value, err);
	if (strchr(file, '/'))
		return error_msg(err, EINVAL, "\"%s\" is not a cgroup file", file);
	int ret = cgroup_write(dir, file, value, err);
	if (ret == -ENOENT) {
		cleanup_free char *ctrls = NULL;
		cgroup_read(dir, "cgroup.controllers", &ctrls, NULL);
		error_hint(err, "the container's cgroup has the controllers: %s",
			   ctrls && *ctrls ? ctrls : "none");
	}
	return ret;
}

static int v2_get(struct cgroup *cg, unsigned version, const char *file, char **value,
		  lxcmgr_error **err)
{
	if (version == 1)
		return v1_key(file, err);
	if (strchr(file, '/'))
		return error_msg(err, EINVAL, "\"%s\" is not a cgroup file", file);
	return cgroup_read(cg->hiers[0].dirs[CGROUP_PAYLOAD], file, value, err);
}

static int v2_dir_of(struct cgroup *cg, unsigned version, const char *file, char **dir)
{
	if (version == 1 || strchr(file, '/') || !cg->n_hiers ||
	    !cg->hiers[0].dirs[CGROUP_PAYLOAD])
		return -ENOENT;
	*dir = strdup(cg->hiers[0].dirs[CGROUP_PAYLOAD]);
	return *dir ? 0 : -ENOMEM;
}

/* cgroup.kill (Linux 5.14): the whole subtree, forks in flight included. */
static int v2_kill_now(struct cgroup *cg)
{
	const char *dir = cg->n_hiers ? cg->hiers[0].dirs[CGROUP_PAYLOAD] : NULL;
	int ret = dir ? cgroup_write(dir, "cgroup.kill", "1", NULL) : -ENOENT;

	return ret == -ENOENT ? -EOPNOTSUPP : ret;
}

static int v2_kill(struct cgroup *cg, lxcmgr_error **err)
{
	/* Without cgroup.kill, killing what is listed until nothing is. */
	v2_kill_now(cg);
	return cgroup_kill_wait(cg, err);
}

/* After an ordinary user's start turned the base's controllers on (and its
 * monitor was killed, or ended in the pivot): off again once the base is
 * bare. */
static int v2_remove(struct cgroup *cg, lxcmgr_error **err)
{
	int ret = cgroup_remove_all(cg, err);

	if (ret == 0 && cg->base_enabled)
		cgroup_restore_base(cg);
	return ret;
}

const struct cgroup_ops cgroup_v2_ops = {
	.name = "v2",
	.detect = v2_detect,
	.create = v2_create,
	.enter = cgroup_enter_all,
	.set = v2_set,
	.get = v2_get,
	.translate = v2_translate,
	.dir_of = v2_dir_of,
	.kill = v2_kill,
	.kill_now = v2_kill_now,
	.remove = v2_remove,
	.commit = v2_commit,
	.freeze = cgroup_freeze_all,
	.freezer_state = cgroup_freezer_state_all,
	.stats = cgroup_stats_all,
	.change_devices = v2_change_devices,
};
