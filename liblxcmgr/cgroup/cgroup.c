/* What both cgroup backends share (see cgroup.h): layout detection, the
 * container's cgroup paths, making and removing directories, moving and
 * killing processes, and the runtime record. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

#define MAX_SUFFIX 100        /* lxcmgr.payload.NAME-1 ... -99 when NAME is taken */
#define KILL_WAIT_MS 10000    /* for killed processes to leave their cgroup */
#define EMPTY_WAIT_MS 10000   /* for the cgroups being removed to empty, all together */
#define CGROUP_FILE_MAX (1u << 20)
#define RECORD_MAGIC "lxcmgr-cgroup 1"

/* ------------------------------------------------------------- layout */

enum cgroup_layout cgroup_layout_detect(void)
{
	struct statfs sfs;

	if (statfs(CGROUP_MOUNT, &sfs) < 0)
		return CGROUP_LAYOUT_NONE;
	if (sfs.f_type == CGROUP2_SUPER_MAGIC)
		return CGROUP_LAYOUT_UNIFIED;
	if (sfs.f_type != TMPFS_MAGIC)
		return CGROUP_LAYOUT_NONE;
	/* A tmpfs holding v1 hierarchies; systemd's hybrid mode adds a
	 * cgroup2 one at unified/ (without controllers). */
	if (statfs(CGROUP_MOUNT "/unified", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
		return CGROUP_LAYOUT_HYBRID;
	return CGROUP_LAYOUT_LEGACY;
}

const char *cgroup_layout_name(enum cgroup_layout layout)
{
	switch (layout) {
	case CGROUP_LAYOUT_LEGACY:
		return "legacy (cgroup v1)";
	case CGROUP_LAYOUT_HYBRID:
		return "hybrid (cgroup v1 controllers, cgroup2 without them)";
	case CGROUP_LAYOUT_UNIFIED:
		return "unified (cgroup2)";
	case CGROUP_LAYOUT_NONE:
		break;
	}
	return "none";
}

static const struct cgroup_ops *ops_for(enum cgroup_layout layout)
{
	return layout == CGROUP_LAYOUT_UNIFIED ? &cgroup_v2_ops : &cgroup_v1_ops;
}

int cgroup_open(struct cgroup **out, lxcmgr_error **err)
{
	struct cgroup *cg = calloc(1, sizeof(*cg));
	int ret;

	*out = NULL;
	if (!cg)
		return error_set(err, ENOMEM, "cgroups");
	cg->dev_prog = -1;
	cg->layout = cgroup_layout_detect();
	if (cg->layout == CGROUP_LAYOUT_NONE) {
		cgroup_free(cg);
		return error_msg(err, ENOENT, "no cgroup hierarchy is mounted at " CGROUP_MOUNT);
	}
	cg->ops = ops_for(cg->layout);
	ret = cg->ops->detect(cg, err);
	if (ret == 0 && cg->n_hiers == 0)
		ret = error_msg(err, ENOENT, "no usable cgroup hierarchy under " CGROUP_MOUNT);
	if (ret < 0) {
		cgroup_free(cg);
		return ret;
	}
	*out = cg;
	return 0;
}

void cgroup_hier_clear(struct cgroup_hier *h)
{
	free(h->mount);
	free(h->root);
	strv_free(h->controllers);
	free(h->self);
	for (int w = 0; w < 2; w++) {
		free(h->dirs[w]);
		free(h->made[w]);
	}
}

void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n_hiers; i++)
		cgroup_hier_clear(&cg->hiers[i]);
	free(cg->hiers);
	cgroup_devices_release(&cg->devices);
	if (cg->dev_prog >= 0)
		close(cg->dev_prog);
	free(cg->pivot);
	free(cg->payload);
	free(cg->base_enabled);
	free(cg);
}

/* ---------------------------------------------------------- dispatch */

int cgroup_create(struct cgroup *cg, const struct cgroup_spec *spec, lxcmgr_error **err)
{
	free(cg->pivot);
	cg->pivot = NULL;
	if (spec->pivot && !(cg->pivot = strdup(spec->pivot)))
		return error_set(err, ENOMEM, "cgroups");
	return cg->ops->create(cg, spec, err);
}

int cgroup_enter(struct cgroup *cg, enum cgroup_which which, pid_t pid, lxcmgr_error **err)
{
	return cg->ops->enter(cg, which, pid, err);
}

int cgroup_set(struct cgroup *cg, unsigned version, const char *file, const char *value,
	       lxcmgr_error **err)
{
	return cg->ops->set(cg, version, file, value, err);
}

int cgroup_get(struct cgroup *cg, unsigned version, const char *file, char **value,
	       lxcmgr_error **err)
{
	return cg->ops->get(cg, version, file, value, err);
}

int cgroup_dir_of(struct cgroup *cg, unsigned version, const char *file, char **dir)
{
	return cg->ops->dir_of(cg, version, file, dir);
}

int cgroup_translate(struct cgroup *cg, unsigned version, const char *file, const char *value,
		     char **file_out, char **value_out, lxcmgr_error **err)
{
	if (!cg->ops->translate)
		return -EOPNOTSUPP;
	return cg->ops->translate(cg, version, file, value, file_out, value_out, err);
}

int cgroup_commit(struct cgroup *cg, lxcmgr_error **err)
{
	return cg->ops->commit ? cg->ops->commit(cg, err) : 0;
}

int cgroup_kill_now(struct cgroup *cg)
{
	return cg->ops->kill_now ? cg->ops->kill_now(cg) : -EOPNOTSUPP;
}

int cgroup_kill(struct cgroup *cg, lxcmgr_error **err)
{
	return cg->ops->kill(cg, err);
}

int cgroup_remove(struct cgroup *cg, lxcmgr_error **err)
{
	return cg->ops->remove(cg, err);
}

int cgroup_freeze(struct cgroup *cg, bool frozen, lxcmgr_error **err)
{
	return cg->ops->freeze(cg, frozen, err);
}

int cgroup_freezer_state(struct cgroup *cg, lxcmgr_error **err)
{
	return cg->ops->freezer_state(cg, err);
}

int cgroup_change_devices(struct cgroup *cg, const char *file, const char *value,
			  lxcmgr_error **err)
{
	return cg->ops->change_devices ? cg->ops->change_devices(cg, file, value, err)
				       : -EOPNOTSUPP;
}

int cgroup_stats(const struct cgroup *cg, unsigned want, struct lxcmgr_stats *st)
{
	return cg->ops->stats(cg, want, st);
}

int cgroup_clone_fd(const struct cgroup *cg)
{
	if (cg->layout != CGROUP_LAYOUT_UNIFIED || cg->n_hiers == 0 ||
	    !cg->hiers[0].dirs[CGROUP_PAYLOAD])
		return -1;
	return open(cg->hiers[0].dirs[CGROUP_PAYLOAD], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* ------------------------------------------------------------- paths */

const char *cgroup_path_problem(const char *path)
{
	if (!path || !*path)
		return "an empty cgroup path";
	if (path[0] == '/')
		return "a cgroup path must be relative";
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "a cgroup path must not contain control characters";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 0)
			return "a cgroup path must not contain empty components (\"//\" or a "
			       "trailing \"/\")";
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return "a cgroup path must not contain \".\" or \"..\"";
		p += n + (p[n] == '/');
		if (p[-1] == '/' && !*p)
			return "a cgroup path must not end with \"/\"";
	}
	return NULL;
}

/* PATTERN with every %n replaced by NAME (and %% by %). */
static char *expand_pattern(const char *pattern, const char *name)
{
	size_t cap = strlen(pattern) + 1;
	for (const char *p = pattern; *p; p++)
		if (p[0] == '%' && p[1] == 'n')
			cap += strlen(name);
	char *out = malloc(cap), *o = out;

	if (!out)
		return NULL;
	for (const char *p = pattern; *p; p++) {
		if (p[0] == '%' && (p[1] == 'n' || p[1] == '%')) {
			if (*++p == 'n')
				o = stpcpy(o, name);
			else
				*o++ = '%';
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

static int paths_from_pattern(const char *pattern, const char *name, char **payload,
			      char **monitor, const char **why)
{
	cleanup_free char *p = expand_pattern(pattern, name);

	if (!p)
		return -ENOMEM;
	if ((*why = cgroup_path_problem(p)))
		return -EINVAL;
	const char *slash = strrchr(p, '/');
	*monitor = slash ? str_printf("%.*s/" CGROUP_MONITOR_PREFIX "%s", (int)(slash - p), p, name)
			 : str_printf(CGROUP_MONITOR_PREFIX "%s", name);
	if (!*monitor)
		return -ENOMEM;
	if (strcmp(*monitor, p) == 0) {
		free(*monitor);
		*monitor = NULL;
		*why = "lxc.cgroup.pattern names the monitor's cgroup, not the container's";
		return -EINVAL;
	}
	*payload = steal_ptr(p);
	return 0;
}

int cgroup_paths(const char *pattern, const char *dir, const char *dir_container,
		 const char *dir_monitor, const char *name, char **payload, char **monitor,
		 const char **why)
{
	*payload = *monitor = NULL;
	*why = NULL;
	if (!name || !*name || strchr(name, '/'))
		return *why = "the container name cannot be a cgroup name", -EINVAL;
	if ((dir_container != NULL) != (dir_monitor != NULL))
		return *why = "lxc.cgroup.dir.container and lxc.cgroup.dir.monitor go together: "
			      "set both",
		       -EINVAL;
	if (dir_container && dir)
		return *why = "lxc.cgroup.dir cannot be combined with lxc.cgroup.dir.container "
			      "and .monitor",
		       -EINVAL;
	if (dir_container) {
		if ((*why = cgroup_path_problem(dir_container)) ||
		    (*why = cgroup_path_problem(dir_monitor)))
			return -EINVAL;
		if (strcmp(dir_container, dir_monitor) == 0)
			return *why = "the container and its monitor need different cgroups",
			       -EINVAL;
		*payload = strdup(dir_container);
		*monitor = strdup(dir_monitor);
	} else if (dir) {
		if ((*why = cgroup_path_problem(dir)))
			return -EINVAL;
		*payload = str_printf("%s/" CGROUP_PAYLOAD_PREFIX "%s", dir, name);
		*monitor = str_printf("%s/" CGROUP_MONITOR_PREFIX "%s", dir, name);
	} else {
		return paths_from_pattern(pattern && *pattern ? pattern : CGROUP_PAYLOAD_PREFIX "%n",
					  name, payload, monitor, why);
	}
	if (!*payload || !*monitor) {
		free(*payload);
		free(*monitor);
		*payload = *monitor = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* ----------------------------------------------------- hierarchies */

char *cgroup_self_from(const char *text, const char *controllers)
{
	size_t want = strlen(controllers);

	for (const char *line = text; line && *line;) {
		const char *end = strchrnul(line, '\n');
		const char *c1 = memchr(line, ':', (size_t)(end - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		if (c2 && (size_t)(c2 - c1 - 1) == want && strncmp(c1 + 1, controllers, want) == 0)
			return strndup(c2 + 1, (size_t)(end - c2 - 1));
		line = *end ? end + 1 : end;
	}
	return NULL;
}

int cgroup_mountinfo_line(const char *line, bool *unified, char **mount, char **root,
			  char **options)
{
	/* id parent maj:min ROOT MOUNT opts [optional...] - FSTYPE SOURCE SUPER */
	cleanup_free char **f = str_words(line, " \n");
	size_t n = strv_len(f), dash = 6;

	while (dash < n && strcmp(f[dash], "-") != 0)
		dash++;
	if (dash + 3 >= n)
		return -ENOENT;
	bool v1 = strcmp(f[dash + 1], "cgroup") == 0, v2 = strcmp(f[dash + 1], "cgroup2") == 0;
	/* Escaped blanks (\040) in these paths are not worth decoding. */
	if ((!v1 && !v2) || strchr(f[3], '\\') || strchr(f[4], '\\'))
		return -ENOENT;
	*unified = v2;
	*mount = strdup(f[4]);
	*root = strdup(f[3]);
	*options = strdup(f[dash + 3]);
	if (!*mount || !*root || !*options) {
		free(*mount);
		free(*root);
		free(*options);
		return -ENOMEM;
	}
	return 0;
}

int cgroup_add_hier(struct cgroup *cg, char *mount, char *root, char **controllers,
		    bool unified)
{
	struct cgroup_hier *grown = realloc(cg->hiers, (cg->n_hiers + 1) * sizeof(*grown));

	if (!grown) {
		free(mount);
		free(root);
		strv_free(controllers);
		return -ENOMEM;
	}
	cg->hiers = grown;
	cg->hiers[cg->n_hiers++] = (struct cgroup_hier){ .mount = mount, .root = root,
							 .controllers = controllers,
							 .unified = unified };
	return 0;
}

int cgroup_scan_mounts(struct cgroup *cg, int (*one)(struct cgroup *cg, const char *line),
		       const char *what, lxcmgr_error **err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	if (!f)
		return error_set(err, errno, "open \"/proc/self/mountinfo\"");
	while (getline(&line, &cap, f) > 0) {
		int ret = one(cg, line);
		if (ret < 0)
			return error_set(err, -ret, "%s", what);
	}
	return 0;
}

int cgroup_read_self(struct cgroup *cg, lxcmgr_error **err)
{
	cleanup_free char *text = NULL;
	int ret = file_read("/proc/self/cgroup", CGROUP_FILE_MAX, &text, NULL);

	if (ret < 0)
		return error_set(err, -ret, "read \"/proc/self/cgroup\"");
	for (size_t i = 0; i < cg->n_hiers; i++) {
		struct cgroup_hier *h = &cg->hiers[i];
		cleanup_free char *key = h->unified ? strdup("") : strv_join(h->controllers, ",");
		if (!key)
			return error_set(err, ENOMEM, "cgroups");
		h->self = cgroup_self_from(text, key);
		if (!h->self)
			return error_msg(err, ENOENT, "\"/proc/self/cgroup\" has no line for the "
					 "hierarchy at \"%s\"", h->mount);
	}
	return 0;
}

char *cgroup_hier_dir(const struct cgroup_hier *h, const char *path)
{
	size_t rl = strcmp(h->root, "/") == 0 ? 0 : strlen(h->root);

	/* Inside a cgroup namespace the mount may show a subtree only. */
	if (rl && (strncmp(path, h->root, rl) != 0 || (path[rl] && path[rl] != '/')))
		return NULL;
	path += rl;
	return str_printf("%s%s%s", h->mount, *path && *path != '/' ? "/" : "",
			  strcmp(path, "/") == 0 ? "" : path);
}

bool cgroup_hier_has(const struct cgroup_hier *h, const char *controller)
{
	return strv_contains(h->controllers, controller);
}

/* ------------------------------------------------------- read, write */

int cgroup_write(const char *dir, const char *file, const char *value, lxcmgr_error **err)
{
	cleanup_free char *path = str_printf("%s/%s", dir, file);
	size_t len = strlen(value);

	if (!path)
		return error_set(err, ENOMEM, "cgroups");
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return error_set(err, errno, "open \"%s\"", path);
	ssize_t n = write(fd, value, len);
	if (n < 0)
		return error_set(err, errno, "write \"%s\" to \"%s\"", value, path);
	if ((size_t)n != len)
		return error_msg(err, EIO, "write \"%s\" to \"%s\": short write", value, path);
	return 0;
}

int cgroup_read(const char *dir, const char *file, char **value, lxcmgr_error **err)
{
	cleanup_free char *path = str_printf("%s/%s", dir, file);
	size_t len = 0;

	if (!path)
		return error_set(err, ENOMEM, "cgroups");
	int ret = file_read(path, CGROUP_FILE_MAX, value, &len);
	if (ret < 0)
		return error_set(err, -ret, "read \"%s\"", path);
	if (len && (*value)[len - 1] == '\n')
		(*value)[len - 1] = '\0';
	return 0;
}

/* ------------------------------------------------------------ create */

static void remove_parents(const char *dir, const char *top);

/* Makes cgroup PATH ("/base/a/b") in H: every missing component, calling
 * INIT on each new one. -EEXIST (no *err) when the last one exists
 * already. On failure, what this call made is removed again. */
static int make_dir(struct cgroup_hier *h, const char *path, cgroup_init_dir_fn init,
		    char **dir, char **made, lxcmgr_error **err)
{
	cleanup_free char *full = cgroup_hier_dir(h, path);
	cleanup_free char *top = NULL; /* the first directory made here */
	int ret = 0;

	if (!full)
		return error_msg(err, ENOENT, "cgroup \"%s\" is outside the hierarchy mounted at "
				 "\"%s\"", path, h->mount);
	for (char *p = full + strlen(h->mount) + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		bool last = *p == '\0';
		*p = '\0';
		if (mkdir(full, 0755) == 0) {
			if (!top && !(top = strdup(full)))
				ret = error_set(err, ENOMEM, "cgroups");
			else if (init)
				ret = init(h, full, err);
			if (ret < 0)
				rmdir(full);
		} else if (errno != EEXIST || last) {
			ret = errno == EEXIST ? -EEXIST
					      : error_set(err, errno, "create cgroup \"%s\"", full);
		}
		if (ret < 0 || last)
			break;
		*p = '/';
	}
	if (ret < 0) {
		if (top)
			remove_parents(full, top);
		return ret;
	}
	/* made[] is for the parents; the leaf itself is dirs[]. */
	*made = top && strcmp(top, full) != 0 ? steal_ptr(top) : NULL;
	*dir = steal_ptr(full);
	return 0;
}

static char *base_path(const struct cgroup_hier *h, bool relative, const char *rel)
{
	const char *base = relative ? h->self : "/";
	return str_printf("%s%s%s", base, str_ends_with(base, "/") ? "" : "/", rel);
}

/* One attempt with names RELS[2]; -EEXIST when either is taken somewhere. */
static int create_once(struct cgroup *cg, const struct cgroup_spec *spec, char *const rels[2],
		       cgroup_init_dir_fn init, lxcmgr_error **err)
{
	for (size_t i = 0; i < cg->n_hiers; i++) {
		struct cgroup_hier *h = &cg->hiers[i];
		for (int w = 0; w < 2; w++) {
			cleanup_free char *path = base_path(h, spec->relative, rels[w]);
			if (!path)
				return error_set(err, ENOMEM, "cgroups");
			int ret = make_dir(h, path, init, &h->dirs[w], &h->made[w], err);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

static void forget_dirs(struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n_hiers; i++)
		for (int w = 0; w < 2; w++) {
			free(cg->hiers[i].dirs[w]);
			free(cg->hiers[i].made[w]);
			cg->hiers[i].dirs[w] = cg->hiers[i].made[w] = NULL;
		}
}

int cgroup_create_dirs(struct cgroup *cg, const struct cgroup_spec *spec,
		       cgroup_init_dir_fn init, lxcmgr_error **err)
{
	for (int n = 0; n < MAX_SUFFIX; n++) {
		cleanup_free char *payload = n ? str_printf("%s-%d", spec->payload, n)
					       : strdup(spec->payload);
		cleanup_free char *monitor = n ? str_printf("%s-%d", spec->monitor, n)
					       : strdup(spec->monitor);
		char *rels[2] = { payload, monitor };
		if (!payload || !monitor)
			return error_set(err, ENOMEM, "cgroups");
		int ret = create_once(cg, spec, rels, init, err);
		if (ret == 0) {
			free(cg->payload);
			cg->payload = steal_ptr(payload);
			return 0;
		}
		cgroup_remove_all(cg, NULL); /* what this attempt made */
		forget_dirs(cg);
		if (ret != -EEXIST)
			return ret;
	}
	return error_msg(err, EEXIST, "cgroups \"%s\" to \"%s-%d\" all exist already",
			 spec->payload, spec->payload, MAX_SUFFIX - 1);
}

/* ------------------------------------------------------- enter, leave */

static int write_pid(const char *dir, pid_t pid, lxcmgr_error **err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return cgroup_write(dir, "cgroup.procs", buf, err);
}

int cgroup_enter_all(struct cgroup *cg, enum cgroup_which which, pid_t pid,
		     lxcmgr_error **err)
{
	for (size_t i = 0; i < cg->n_hiers; i++) {
		const char *dir = cg->hiers[i].dirs[which];
		int ret = dir ? write_pid(dir, pid, err) : 0;
		if (ret < 0)
			return ret;
	}
	return 0;
}

int cgroup_open_procs(const struct cgroup *cg, enum cgroup_which which, int *fds,
		      lxcmgr_error **err)
{
	for (size_t i = 0; i < cg->n_hiers; i++)
		fds[i] = -1;
	for (size_t i = 0; i < cg->n_hiers; i++) {
		const char *dir = cg->hiers[i].dirs[which];
		cleanup_free char *path = dir ? str_printf("%s/cgroup.procs", dir) : NULL;
		if (!dir)
			continue;
		if (path)
			fds[i] = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fds[i] < 0) {
			int ret = path ? error_set(err, errno, "open \"%s\"", path)
				       : error_set(err, ENOMEM, "cgroups");
			for (size_t j = 0; j < i; j++)
				if (fds[j] >= 0)
					close(fds[j]);
			return ret;
		}
	}
	return 0;
}

int cgroup_enter_self(const struct cgroup *cg, const int *fds, size_t *failed)
{
	for (size_t i = 0; i < cg->n_hiers; i++) {
		if (fds[i] >= 0 && write(fds[i], "0", 1) != 1) {
			*failed = i;
			return -errno;
		}
	}
	return 0;
}

/* Whether PID is listed in DIR's cgroup.procs. */
static bool listed(const char *dir, pid_t pid)
{
	cleanup_free char *procs = NULL;

	if (cgroup_read(dir, "cgroup.procs", &procs, NULL) < 0)
		return false;
	for (char *p = procs, *end; *p; p = end) {
		long n = strtol(p, &end, 10);
		if (end == p)
			return false;
		if (n == pid)
			return true;
	}
	return false;
}

int cgroup_move_monitor(const struct cgroup *cg, const char *from, const char *to,
			lxcmgr_error **err)
{
	int ret = write_pid(to, getpid(), err);

	/* lxc-start, while it waits for a start that failed; only if it is
	 * still there: its pid may be another process's by now. */
	if (ret < 0 || cg->starter <= 0 || !listed(from, cg->starter))
		return ret;
	cleanup_error lxcmgr_error *e = NULL;
	ret = write_pid(to, cg->starter, &e);
	if (ret < 0 && ret != -ESRCH) /* ESRCH: it has ended meanwhile */
		return error_msg(err, -ret, "%s", e && e->msg ? e->msg : strerror(-ret));
	return 0;
}

/* The pivot (made when missing), else where we came from, else the root. */
static int leave_hier(struct cgroup *cg, struct cgroup_hier *h, lxcmgr_error **err)
{
	cleanup_free char *pivot = cg->pivot ? str_printf("/%s", cg->pivot) : NULL;
	cleanup_free char *dir = NULL;
	const char *targets[] = { pivot, h->self, "/" };
	int ret = -ENOENT;

	for (size_t t = 0; t < ARRAY_SIZE(targets); t++) {
		free(dir);
		dir = targets[t] ? cgroup_hier_dir(h, targets[t]) : NULL;
		if (!dir)
			continue;
		if (t == 0)
			mkdir(dir, 0755);
		lxcmgr_error *e = NULL;
		ret = cgroup_move_monitor(cg, h->dirs[CGROUP_MONITOR], dir, &e);
		lxcmgr_error_free(e);
		if (ret == 0)
			return 0;
	}
	return error_set(err, -ret, "move the monitor out of cgroup \"%s\"",
			 h->dirs[CGROUP_MONITOR] ? h->dirs[CGROUP_MONITOR] : "?");
}

int cgroup_leave(struct cgroup *cg, lxcmgr_error **err)
{
	int ret = 0;

	if (cg->base_enabled)
		return cgroup_leave_base(cg, err);
	for (size_t i = 0; i < cg->n_hiers; i++)
		if (cg->hiers[i].dirs[CGROUP_MONITOR]) {
			int r = leave_hier(cg, &cg->hiers[i], err);
			ret = ret ?: r;
		}
	return ret;
}

/* -------------------------------------------------------------- kill */

/* Kills every pid in DIR's cgroup.procs and below; counts them in *n,
 * and in *denied the first that was not ours to kill (EPERM: an ordinary
 * user's clean-up, on a cgroup with processes of someone else's). */
static int kill_tree(const char *dir, int *n, long *denied)
{
	cleanup_free char *procs = NULL;
	cleanup_closedir DIR *d = NULL;

	if (cgroup_read(dir, "cgroup.procs", &procs, NULL) < 0)
		return 0; /* gone already */
	for (char *p = procs, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0 && pid != getpid()) {
			(*n)++;
			if (kill((pid_t)pid, SIGKILL) < 0 && errno == EPERM && !*denied)
				*denied = pid;
		}
	}
	d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		cleanup_free char *sub = str_printf("%s/%s", dir, e->d_name);
		if (sub)
			kill_tree(sub, n, denied);
	}
	return 0;
}

static int kill_all_listed(struct cgroup *cg, long *denied)
{
	int n = 0;

	for (size_t i = 0; i < cg->n_hiers; i++)
		if (cg->hiers[i].dirs[CGROUP_PAYLOAD])
			kill_tree(cg->hiers[i].dirs[CGROUP_PAYLOAD], &n, denied);
	return n;
}

int cgroup_kill_listed(struct cgroup *cg)
{
	long denied = 0;

	return kill_all_listed(cg, &denied);
}

int cgroup_kill_wait(struct cgroup *cg, lxcmgr_error **err)
{
	long denied = 0;

	for (unsigned waited = 0, step = 1; waited < KILL_WAIT_MS; waited += step) {
		if (kill_all_listed(cg, &denied) == 0)
			return 0;
		if (denied) /* waiting would not change it */
			return error_set(err, EPERM, "kill process %ld of cgroup \"%s\"", denied,
					 cg->payload ? cg->payload : "?");
		sleep_ms(step);
		step = step < 50 ? step * 2 : 50;
	}
	return error_msg(err, ETIMEDOUT, "processes of cgroup \"%s\" survived SIGKILL for %d s",
			 cg->payload ? cg->payload : "?", KILL_WAIT_MS / 1000);
}

/* ------------------------------------------------------------ remove */

/* cgroup2 says whether DIR or a cgroup below it holds a process in
 * cgroup.events ("populated 0|1"), and wakes a poll on that file (POLLPRI)
 * when it changes: waited on, not looked at again and again. 0 once
 * empty (or gone), -ETIMEDOUT at DEADLINE, else -errno. */
static int wait_unpopulated(const char *dir, long long deadline)
{
	cleanup_free char *path = str_printf("%s/cgroup.events", dir);
	cleanup_close int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	char buf[256];

	if (!path)
		return -ENOMEM;
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0)
			return errno == ENODEV || errno == ENOENT ? 0 : -errno;
		buf[n] = '\0';
		const char *pop = strstr(buf, "populated ");
		if (!pop || pop[strlen("populated ")] == '0')
			return 0;
		long long left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return -errno;
	}
}

/* cgroup v1 has no such event: its cgroup.procs is read again, at growing
 * intervals, until it lists no one. */
static int wait_no_procs(const char *dir, long long deadline)
{
	for (unsigned step = 1;; step = step < 50 ? step * 2 : 50) {
		cleanup_free char *procs = NULL;
		int ret = cgroup_read(dir, "cgroup.procs", &procs, NULL);
		if (ret == -ENOENT || ret == -ENODEV || (ret == 0 && !procs[strspn(procs, " \n")]))
			return 0;
		if (ret < 0)
			return ret;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		sleep_ms(step);
	}
}

/* rmdir once the cgroup is empty: the last processes of a kill may still
 * be exiting (and a v1 cgroup may stay busy a moment after its cgroup.procs
 * is empty). -ETIMEDOUT when it is still in use at DEADLINE. */
static int rmdir_when_empty(const char *dir, bool unified, long long deadline)
{
	int ret = unified ? wait_unpopulated(dir, deadline) : wait_no_procs(dir, deadline);

	for (unsigned step = 1; ret == 0; step = step < 50 ? step * 2 : 50) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		sleep_ms(step);
	}
	return ret;
}

/* DIR and the cgroups below it, children first (the container may have
 * made its own). */
static int remove_tree(const char *dir, bool unified, long long deadline, char **failed)
{
	cleanup_closedir DIR *d = opendir(dir);
	int ret = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		cleanup_free char *sub = str_printf("%s/%s", dir, e->d_name);
		int r = sub ? remove_tree(sub, unified, deadline, failed) : -ENOMEM;
		ret = ret ?: r;
	}
	int r = rmdir_when_empty(dir, unified, deadline);
	if (r < 0 && !*failed)
		*failed = strdup(dir);
	return ret ?: r;
}

/* The parents of DIR up to TOP, which create made: while they are empty
 * (another container may share them). */
static void remove_parents(const char *dir, const char *top)
{
	size_t top_len = strlen(top);
	cleanup_free char *p = strdup(dir);

	for (char *slash; p && (slash = strrchr(p, '/')) && (size_t)(slash - p) >= top_len;) {
		*slash = '\0';
		if (rmdir(p) < 0)
			return;
	}
}

static int removal_error(int ret, const char *failed, lxcmgr_error **err)
{
	if (ret == -ETIMEDOUT)
		return error_msg(err, EBUSY, "remove cgroup \"%s\": still in use after %d s",
				 failed ? failed : "?", EMPTY_WAIT_MS / 1000);
	return error_set(err, -ret, "remove cgroup \"%s\"", failed ? failed : "?");
}

int cgroup_remove_payload_tree(struct cgroup *cg, lxcmgr_error **err)
{
	cleanup_free char *failed = NULL;
	long long deadline = now_ms() + EMPTY_WAIT_MS;
	int ret = 0;

	for (size_t i = 0; i < cg->n_hiers; i++) {
		const char *dir = cg->hiers[i].dirs[CGROUP_PAYLOAD];
		int r = dir ? remove_tree(dir, cg->hiers[i].unified, deadline, &failed) : 0;
		ret = ret ?: r;
	}
	return ret < 0 ? removal_error(ret, failed, err) : 0;
}

int cgroup_remove_all(struct cgroup *cg, lxcmgr_error **err)
{
	cleanup_free char *failed = NULL;
	long long deadline = now_ms() + EMPTY_WAIT_MS;
	int ret = 0;

	for (size_t i = 0; i < cg->n_hiers; i++)
		for (int w = 0; w < 2; w++) {
			const char *dir = cg->hiers[i].dirs[w];
			int r = dir ? remove_tree(dir, cg->hiers[i].unified, deadline, &failed) : 0;
			ret = ret ?: r;
		}
	for (size_t i = 0; i < cg->n_hiers; i++)
		for (int w = 0; w < 2; w++) {
			struct cgroup_hier *h = &cg->hiers[i];
			if (h->dirs[w] && h->made[w])
				remove_parents(h->dirs[w], h->made[w]);
			if (ret == 0) {
				free(h->dirs[w]);
				free(h->made[w]);
				h->dirs[w] = h->made[w] = NULL;
			}
		}
	return ret < 0 ? removal_error(ret, failed, err) : 0;
}

/* ------------------------------------------------------------ record */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

char *cgroup_to_record(const struct cgroup *cg)
{
	char *text = str_printf(RECORD_MAGIC "\nlayout %d\npayload %s\npivot %s\n",
				(int)cg->layout, or_dash(cg->payload), or_dash(cg->pivot));

	if (text && cg->base_enabled) { /* only then: older readers do not know the line */
		char *more = str_printf("%senabled %s\n", text, cg->base_enabled);
		free(text);
		text = more;
	}
	for (size_t i = 0; text && i < cg->n_hiers; i++) {
		const struct cgroup_hier *h = &cg->hiers[i];
		cleanup_free char *ctrls = strv_join(h->controllers, ",");
		char *line = ctrls ? str_printf("%shier\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", text,
						h->unified, h->mount, h->root, or_dash(ctrls),
						or_dash(h->self), or_dash(h->dirs[0]),
						or_dash(h->dirs[1]), or_dash(h->made[0]),
						or_dash(h->made[1]))
				   : NULL;
		free(text);
		text = line;
	}
	return text;
}

static char *dash_or(const char *s)
{
	return strcmp(s, "-") == 0 ? NULL : strdup(s);
}

static int record_word(const char *value, char **out)
{
	free(*out);
	*out = dash_or(value);
	return *out || strcmp(value, "-") == 0 ? 0 : -ENOMEM;
}

static int record_hier(struct cgroup *cg, const char *line)
{
	cleanup_strv char **f = str_split(line, "\t");

	if (!f)
		return -ENOMEM;
	if (strv_len(f) != 10 || strcmp(f[0], "hier") != 0)
		return -EINVAL;
	char **ctrls = strcmp(f[4], "-") == 0 ? calloc(1, sizeof(char *)) : str_split(f[4], ",");
	int ret = cgroup_add_hier(cg, strdup(f[2]), strdup(f[3]), ctrls, f[1][0] == '1');
	if (ret < 0)
		return ret;
	struct cgroup_hier *h = &cg->hiers[cg->n_hiers - 1];
	h->self = dash_or(f[5]);
	h->dirs[0] = dash_or(f[6]);
	h->dirs[1] = dash_or(f[7]);
	h->made[0] = dash_or(f[8]);
	h->made[1] = dash_or(f[9]);
	return h->mount && h->root && h->controllers ? 0 : -ENOMEM;
}

int cgroup_from_record(const char *text, struct cgroup **out)
{
	cleanup_strv char **lines = str_split(text, "\n");
	struct cgroup *cg = calloc(1, sizeof(*cg));
	int layout = -1, ret = 0;

	*out = NULL;
	if (!lines || !cg || !lines[0] || strcmp(lines[0], RECORD_MAGIC) != 0) {
		free(cg);
		return lines && cg ? -EINVAL : -ENOMEM;
	}
	cg->dev_prog = -1;
	for (size_t i = 1; ret == 0 && lines[i]; i++) {
		if (sscanf(lines[i], "layout %d", &layout) == 1)
			continue;
		if (str_starts_with(lines[i], "payload "))
			ret = record_word(lines[i] + strlen("payload "), &cg->payload);
		else if (str_starts_with(lines[i], "pivot "))
			ret = record_word(lines[i] + strlen("pivot "), &cg->pivot);
		else if (str_starts_with(lines[i], "enabled "))
			ret = record_word(lines[i] + strlen("enabled "), &cg->base_enabled);
		else
			ret = record_hier(cg, lines[i]);
	}
	if (ret == 0 && (layout <= CGROUP_LAYOUT_NONE || layout > CGROUP_LAYOUT_UNIFIED))
		ret = -EINVAL;
	if (ret < 0) {
		cgroup_free(cg);
		return ret;
	}
	cg->layout = (enum cgroup_layout)layout;
	cg->ops = ops_for(cg->layout);
	*out = cg;
	return 0;
}
