/* The attached command's user, environment and command line, prepared by
 * the caller before anything enters the container.
 *
 * By default a clean environment: the caller's PATH, HOME or HISTFILE mean
 * nothing inside the container (and LXC's keeping them is a known source
 * of "No such file or directory"). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "attach/attach.h"
#include "run/rootfs.h"
#include "util/cleanup.h"
#include "util/error.h"

struct envv {
	char **v;
	size_t n, cap;
	bool failed;
};

static size_t name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');
	return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* Adds ENTRY ("NAME=VALUE", copied), replacing an earlier NAME. */
static void env_put(struct envv *e, const char *entry)
{
	size_t len = name_len(entry);
	char *copy = strdup(entry);

	if (!copy || !strchr(entry, '=')) {
		free(copy);
		e->failed |= !copy;
		return;
	}
	for (size_t i = 0; i < e->n; i++)
		if (name_len(e->v[i]) == len && strncmp(e->v[i], entry, len) == 0) {
			free(e->v[i]);
			e->v[i] = copy;
			return;
		}
	if (e->n + 2 > e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 32;
		char **v = realloc(e->v, cap * sizeof(*v));
		if (!v) {
			free(copy);
			e->failed = true;
			return;
		}
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n++] = copy;
	e->v[e->n] = NULL;
}

static void env_set(struct envv *e, const char *name, const char *value)
{
	cleanup_free char *entry = NULL;

	if (asprintf(&entry, "%s=%s", name, value) < 0)
		e->failed = true;
	else
		env_put(e, entry);
}

static const char *caller_get(char **env, const char *name)
{
	size_t len = strlen(name);

	for (char **p = env; p && *p; p++)
		if (strncmp(*p, name, len) == 0 && (*p)[len] == '=')
			return *p + len + 1;
	return NULL;
}

char **attach_build_env(const struct attach_job *job, const char *user, const char *home,
			const char *shell)
{
	const struct lxcmgr_attach_options *o = job->opts;
	struct envv e = { 0 };
	const char *term = caller_get(job->caller_env, "TERM");

	if (o->env_mode == LXCMGR_ATTACH_ENV_KEEP)
		for (char **p = job->caller_env; p && *p; p++)
			env_put(&e, *p);
	env_set(&e, "container", "lxc");
	if (o->env_mode != LXCMGR_ATTACH_ENV_KEEP)
		env_set(&e, "PATH", ATTACH_PATH);
	if (o->env_mode == LXCMGR_ATTACH_ENV_CLEAN) {
		/* The terminal is the caller's, so is its type. */
		env_set(&e, "TERM", term ? term : "linux");
		env_set(&e, "HOME", home);
		env_set(&e, "SHELL", shell);
		if (user) {
			env_set(&e, "USER", user);
			env_set(&e, "LOGNAME", user);
		}
	}
	for (const char *line = job->conf_env; line && *line;) {
		size_t n = strcspn(line, "\n");
		cleanup_free char *entry = strndup(line, n);
		const char *value = entry && !strchr(entry, '=') ? caller_get(job->caller_env, entry)
								  : NULL;
		if (!entry)
			e.failed = true;
		else if (strchr(entry, '='))
			env_put(&e, entry);
		else if (value) /* a bare NAME: the caller's value, if it has one */
			env_set(&e, entry, value);
		line += n + (line[n] == '\n');
	}
	for (const char *const *k = o->keep_vars; k && *k; k++) {
		const char *value = caller_get(job->caller_env, *k);
		if (value)
			env_set(&e, *k, value);
	}
	for (const char *const *s = o->set_vars; s && *s; s++)
		env_put(&e, *s);
	if (e.failed) {
		strv_free(e.v);
		return NULL;
	}
	return e.v;
}

/* ------------------------------------------------------------ the user */

struct user {
	bool known;
	char *name, *home, *shell;
	gid_t gid;
};

static void user_free(struct user *u)
{
	free(u->name);
	free(u->home);
	free(u->shell);
}

/* The root the command will have: init's (checked against its pidfd, so
 * a reused pid cannot stand in), or ours when the mount namespace is not
 * joined. */
static int open_root(const struct attach_job *job)
{
	char path[64];

	if (!(job->ns_mask & CLONE_NEWNS))
		return open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/root", job->init_pid);
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_pidfd_send_signal, job->pidfd, 0, NULL, 0) < 0) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

/* /etc/passwd inside ROOT, resolved without leaving it (an absolute
 * symlink there must not reach the host's). Parsed here, never through
 * NSS: that would load the container's libraries. No passwd, or no such
 * uid: an unknown user, not an error. */
static int find_user(int root, uid_t uid, struct user *u)
{
	cleanup_close int path_fd = rootfs_open_inside(root, "etc/passwd", 0);
	char path[64];
	struct passwd *pw;

	if (path_fd < 0)
		return path_fd == -ENOENT ? 0 : path_fd;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", path_fd);
	cleanup_fclose FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	while ((pw = fgetpwent(f)))
		if (pw->pw_uid == uid) {
			u->known = true;
			u->name = strdup(pw->pw_name);
			u->home = strdup(pw->pw_dir);
			u->shell = strdup(pw->pw_shell);
			u->gid = pw->pw_gid;
			return u->name && u->home && u->shell ? 0 : -ENOMEM;
		}
	return 0;
}

#define MAX_GROUPS 65536 /* NGROUPS_MAX of Linux */

static int add_group(struct attach_job *job, gid_t gid)
{
	for (size_t i = 0; i < job->n_groups; i++)
		if (job->groups[i] == gid)
			return 0;
	if (job->n_groups == MAX_GROUPS)
		return 0; /* as initgroups: the first ones */
	gid_t *g = realloc(job->groups, (job->n_groups + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	job->groups = g;
	job->groups[job->n_groups++] = gid;
	return 0;
}

/* The supplementary groups, as initgroups(3) makes them: the command's
 * gid, then every group of the container's /etc/group that lists the
 * user. Read inside ROOT as /etc/passwd is. An unknown user, or no
 * /etc/group: none beyond the gid. */
static int find_groups(int root, const struct user *u, struct attach_job *job)
{
	struct group *gr;
	int ret = add_group(job, job->gid);

	if (ret < 0 || !u->known)
		return ret;
	cleanup_close int path_fd = rootfs_open_inside(root, "etc/group", 0);
	if (path_fd < 0)
		return path_fd == -ENOENT ? 0 : path_fd;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", path_fd);
	cleanup_fclose FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	while ((gr = fgetgrent(f)))
		for (char **m = gr->gr_mem; m && *m; m++)
			if (strcmp(*m, u->name) == 0 && (ret = add_group(job, gr->gr_gid)) < 0)
				return ret;
	return 0;
}

static bool executable_inside(int root, const char *path)
{
	cleanup_close int fd = path[0] ? rootfs_open_inside(root, path, 0) : -1;
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

static char **strv_copy(const char *const *v)
{
	size_t n = 0;

	while (v[n])
		n++;
	char **copy = calloc(n + 1, sizeof(*copy));
	for (size_t i = 0; copy && i < n; i++)
		if (!(copy[i] = strdup(v[i]))) {
			strv_free(copy);
			return NULL;
		}
	return copy;
}

/* The command, or the user's login shell ("-sh" as argv[0] makes it read
 * /etc/profile), else /bin/sh. */
static int command(struct attach_job *job, int root, const struct user *u)
{
	const char *const *argv = job->opts->argv;

	if (argv && argv[0]) {
		job->file = strdup(argv[0]);
		job->argv = strv_copy(argv);
		return job->file && job->argv ? 0 : -ENOMEM;
	}
	const char *shell = u->known && executable_inside(root, u->shell) ? u->shell : "/bin/sh";
	const char *base = strrchr(shell, '/');
	job->file = strdup(shell);
	job->argv = calloc(2, sizeof(*job->argv));
	if (!job->file || !job->argv || asprintf(&job->argv[0], "-%s", base ? base + 1 : shell) < 0)
		return -ENOMEM;
	return 0;
}

int attach_prepare(struct attach_job *job, lxcmgr_error **err)
{
	const struct lxcmgr_attach_options *o = job->opts;
	cleanup_close int root = open_root(job);
	struct user u = { 0 };
	int ret = root < 0 ? root : 0;

	job->uid = o->uid >= 0 ? (uid_t)o->uid : 0;
	if (ret == 0 && (ret = find_user(root, job->uid, &u)) < 0)
		error_set(err, -ret, "read /etc/passwd of the container");
	else if (ret < 0)
		error_set(err, -ret, "open the root of init (pid %d)", job->init_pid);
	if (ret == 0) {
		job->gid = o->gid >= 0 ? (gid_t)o->gid : u.known ? u.gid : 0;
		if ((ret = find_groups(root, &u, job)) < 0) {
			error_set(err, -ret, "read /etc/group of the container");
			user_free(&u);
			return ret;
		}
		job->home = u.known ? strdup(u.home) : NULL;
		job->env = attach_build_env(job, u.name, u.known ? u.home : "/",
					    u.known ? u.shell : "/bin/sh");
		ret = command(job, root, &u);
		if (ret == 0 && (!job->env || (u.known && !job->home)))
			ret = -ENOMEM;
		if (ret < 0)
			error_set(err, -ret, "prepare the command");
	}
	user_free(&u);
	return ret;
}
