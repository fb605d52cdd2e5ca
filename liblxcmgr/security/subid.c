/* Subordinate ids, and maps written through newuidmap/newgidmap (subid.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "security/subid.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/run.h"
#include "util/str.h"

#define ID_LIMIT 4294967295UL /* ids are 32 bits; (uid_t)-1 is never valid */

void subid_ranges_release(struct subid_ranges *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static int parse_ulong(const char *s, unsigned long *out)
{
	uint64_t v;

	if (str_to_u64(s, &v) < 0 || v > ID_LIMIT)
		return -EINVAL;
	*out = (unsigned long)v;
	return 0;
}

int idmap_line_parse(const char *line, struct idmap_line *out)
{
	cleanup_free char **w = str_words(line, " \t");

	if (!w)
		return -ENOMEM;
	if (strv_len(w) != 4 || strlen(w[0]) != 1 || !strchr("ugb", w[0][0]))
		return -EINVAL;
	out->kind = w[0][0];
	if (parse_ulong(w[1], &out->ns) < 0 || parse_ulong(w[2], &out->host) < 0 ||
	    parse_ulong(w[3], &out->count) < 0 || out->count == 0 ||
	    out->ns + out->count > ID_LIMIT || out->host + out->count > ID_LIMIT)
		return -EINVAL;
	return 0;
}

static bool kind_matches(char line_kind, char kind)
{
	return line_kind == kind || line_kind == 'b';
}

static const char *kind_ids(char kind)
{
	return kind == 'u' ? "uids" : "gids";
}

/* ---------------------------------------------------------- the files */

/* One "NAME-OR-UID:FIRST:COUNT" line; 1 when it is ENV's user's. Fields
 * are split by hand: an empty one makes the line bad, not shorter. */
static int parse_entry(const char *line, const struct subid_env *env, struct subid_range *r,
		       const char **why)
{
	cleanup_free char *copy = strdup(line);
	char uid_text[16];

	if (!copy)
		return -ENOMEM;
	char *c1 = strchr(copy, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2 || c1 == copy || strchr(c2 + 1, ':')) {
		*why = "not NAME:FIRST:COUNT";
		return -EINVAL;
	}
	*c1 = *c2 = '\0';
	if (parse_ulong(c1 + 1, &r->first) < 0 || parse_ulong(c2 + 1, &r->count) < 0 ||
	    r->count == 0 || r->first + r->count > ID_LIMIT) {
		*why = "not NAME:FIRST:COUNT with numbers, COUNT above 0 and FIRST + COUNT "
		       "below 2^32";
		return -EINVAL;
	}
	snprintf(uid_text, sizeof(uid_text), "%lu", (unsigned long)env->uid);
	return (env->user && strcmp(copy, env->user) == 0) || strcmp(copy, uid_text) == 0;
}

int subid_read(const char *file, const struct subid_env *env, struct subid_ranges *out,
	       lxcmgr_error **err)
{
	cleanup_free char *text = NULL;
	unsigned lineno = 0;
	int ret = file_read(file, 16 << 20, &text, NULL);

	memset(out, 0, sizeof(*out));
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return error_set(err, -ret, "read \"%s\"", file);
	for (char *cursor = text, *line; (line = str_next_entry(&cursor, &lineno));) {
		struct subid_range r;
		const char *why = NULL;

		ret = parse_entry(line, env, &r, &why);
		if (ret == -ENOMEM)
			goto oom;
		if (ret < 0) {
			ret = error_msg(err, EINVAL, "%s:%u: \"%s\" is %s", file, lineno, line,
					why);
			subid_ranges_release(out);
			return ret;
		}
		if (r.first + r.count > out->file_end)
			out->file_end = r.first + r.count;
		if (ret == 0)
			continue;
		struct subid_range *v = realloc(out->v, (out->n + 1) * sizeof(*v));
		if (!v)
			goto oom;
		out->v = v;
		out->v[out->n++] = r;
	}
	return 0;
oom:
	subid_ranges_release(out);
	return error_set(err, ENOMEM, "read \"%s\"", file);
}

/* "100000-165535" and, for a fix, a free block of 65536 above every entry. */
static void range_text(char *buf, size_t len, unsigned long first, unsigned long count)
{
	snprintf(buf, len, "%lu-%lu", first, first + count - 1);
}

static unsigned long free_block(const struct subid_ranges *r)
{
	unsigned long start = r->file_end;

	if (start <= 100000)
		return 100000; /* where useradd starts */
	return (start + SUBID_DEFAULT_COUNT - 1) / SUBID_DEFAULT_COUNT * SUBID_DEFAULT_COUNT;
}

static const char *who(const struct subid_env *env, char *buf, size_t len)
{
	if (env->user)
		snprintf(buf, len, "user \"%s\"", env->user);
	else
		snprintf(buf, len, "uid %lu", (unsigned long)env->uid);
	return buf;
}

static int no_range(const struct subid_env *env, char kind, const struct subid_ranges *r,
		    lxcmgr_error **err)
{
	const char *file = kind == 'u' ? env->subuid : env->subgid;
	char whom[300], block[48];
	unsigned long first = free_block(r);

	range_text(block, sizeof(block), first, SUBID_DEFAULT_COUNT);
	int ret = error_msg(err, ENOENT, "no subordinate %s for %s in %s", kind_ids(kind),
			    who(env, whom, sizeof(whom)), file);
	error_hint(err, "as root: usermod --add-sub%s %s %s", kind_ids(kind), block,
		   env->user ? env->user : "USER");
	return ret;
}

int subid_first_range(const struct subid_env *env, char kind, struct subid_range *out,
		      lxcmgr_error **err)
{
	struct subid_ranges r;
	int ret = subid_read(kind == 'u' ? env->subuid : env->subgid, env, &r, err);

	if (ret < 0)
		return ret;
	if (r.n == 0)
		ret = no_range(env, kind, &r, err);
	else
		*out = r.v[0];
	subid_ranges_release(&r);
	return ret;
}

int subid_default_map_env(const struct subid_env *env, char ***lines, lxcmgr_error **err)
{
	cleanup_strv char **out = calloc(1, sizeof(*out));
	const char kinds[] = { 'u', 'g' };

	if (!out)
		return error_set(err, ENOMEM, "default map");
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		struct subid_range first;
		int ret = subid_first_range(env, kinds[i], &first, err);
		if (ret < 0)
			return ret;
		if (first.count < SUBID_DEFAULT_COUNT) {
			char whom[300];
			ret = error_msg(err, ERANGE, "the first subordinate %s range of %s in "
					"%s has %lu ids; the default map needs %lu",
					kind_ids(kinds[i]), who(env, whom, sizeof(whom)),
					kinds[i] == 'u' ? env->subuid : env->subgid, first.count,
					SUBID_DEFAULT_COUNT);
			error_hint(err, "give the container lxc.idmap lines, or a larger range");
			return ret;
		}
		if (strv_push(&out, str_printf("%c 0 %lu %lu", kinds[i], first.first,
					       SUBID_DEFAULT_COUNT)) < 0)
			return error_set(err, ENOMEM, "default map");
	}
	*lines = steal_ptr(out);
	return 0;
}

int subid_env_self(struct subid_env *env, char **name_buf, lxcmgr_error **err)
{
	struct passwd pw, *found = NULL;
	char buf[4096];

	memset(env, 0, sizeof(*env));
	env->subuid = "/etc/subuid";
	env->subgid = "/etc/subgid";
	env->uid = geteuid();
	env->gid = getegid();
	*name_buf = NULL;
	errno = 0;
	if (getpwuid_r(env->uid, &pw, buf, sizeof(buf), &found) == 0 && found) {
		*name_buf = strdup(found->pw_name);
		if (!*name_buf)
			return error_set(err, ENOMEM, "user name");
	}
	env->user = *name_buf; /* without a passwd entry, entries by number still match */
	return 0;
}

int subid_default_map(char ***lines, lxcmgr_error **err)
{
	struct subid_env env;
	cleanup_free char *name = NULL;
	int ret = subid_env_self(&env, &name, err);

	return ret ?: subid_default_map_env(&env, lines, err);
}

/* -------------------------------------------------------- map checks */

/* Whether [FIRST, FIRST+COUNT) is covered by the ranges (adjacent ranges
 * may cover it together, as newuidmap allows). */
static bool covered(const struct subid_ranges *r, unsigned long first, unsigned long count)
{
	unsigned long pos = first, end = first + count;

	while (pos < end) {
		size_t i;
		for (i = 0; i < r->n; i++)
			if (pos >= r->v[i].first && pos < r->v[i].first + r->v[i].count)
				break;
		if (i == r->n)
			return false;
		pos = r->v[i].first + r->v[i].count;
	}
	return true;
}

static int ranges_text(const struct subid_ranges *r, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->n && used < len; i++) {
		char one[48];
		range_text(one, sizeof(one), r->v[i].first, r->v[i].count);
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", one);
	}
	return 0;
}

static int check_kind(const struct subid_env *env, char kind, const struct idmap_line *m,
		      size_t n, char *const *lines, lxcmgr_error **err)
{
	const char *file = kind == 'u' ? env->subuid : env->subgid;
	unsigned long own = kind == 'u' ? (unsigned long)env->uid : (unsigned long)env->gid;
	struct subid_ranges r = { 0 };
	bool read = false;
	int ret = 0;

	for (size_t i = 0; i < n && ret == 0; i++) {
		char whom[300], have[512], want[48];
		if (!kind_matches(m[i].kind, kind))
			continue;
		if (m[i].host == own && m[i].count == 1)
			continue; /* one's own id needs no subordinate range */
		if (!read && (ret = subid_read(file, env, &r, err)) < 0)
			return ret;
		read = true;
		if (r.n == 0) {
			ret = no_range(env, kind, &r, err);
			break;
		}
		if (covered(&r, m[i].host, m[i].count))
			continue;
		ranges_text(&r, have, sizeof(have));
		range_text(want, sizeof(want), m[i].host, m[i].count);
		ret = error_msg(err, EPERM, "id map \"%s\": host %s %s are not subordinate %s "
				"of %s in %s (it has %s)", lines[i], kind_ids(kind), want,
				kind_ids(kind), who(env, whom, sizeof(whom)), file, have);
		error_hint(err, "map ids inside those ranges, or as root: usermod --add-sub%s "
			   "%s %s", kind_ids(kind), want, env->user ? env->user : "USER");
	}
	subid_ranges_release(&r);
	return ret;
}

static int parse_all(char *const *lines, struct idmap_line **out, size_t *n,
		     lxcmgr_error **err)
{
	size_t count = strv_len(lines);
	cleanup_free struct idmap_line *m = calloc(count ? count : 1, sizeof(*m));

	if (!m)
		return error_set(err, ENOMEM, "id map");
	for (size_t i = 0; i < count; i++) {
		int ret = idmap_line_parse(lines[i], &m[i]);
		if (ret == -ENOMEM)
			return error_set(err, ENOMEM, "id map");
		if (ret < 0)
			return error_msg(err, EINVAL, "lxc.idmap \"%s\" is not \"u|g|b NSID HOSTID "
					 "COUNT\" (e.g. \"u 0 100000 65536\")", lines[i]);
	}
	*out = steal_ptr(m);
	*n = count;
	return 0;
}

int subid_check_maps(const struct subid_env *env, char *const *lines, lxcmgr_error **err)
{
	cleanup_free struct idmap_line *m = NULL;
	size_t n = 0;
	int ret = parse_all(lines, &m, &n, err);

	ret = ret ?: check_kind(env, 'u', m, n, lines, err);
	return ret ?: check_kind(env, 'g', m, n, lines, err);
}

/* ------------------------------------------------------ writing maps */

static char *find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	cleanup_strv char **dirs = str_split(path && *path ? path : "/usr/bin:/bin", ":");

	for (size_t i = 0; dirs && dirs[i]; i++) {
		cleanup_free char *p = str_printf("%s/%s", *dirs[i] ? dirs[i] : ".", name);
		struct stat st;
		if (p && stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
			return steal_ptr(p);
	}
	return NULL;
}

/* NAME's path in *path, after checking it can do its job: installed, and
 * setuid root (or given the capabilities by file). */
static int idmap_tool(const char *given, const char *name, char **path, lxcmgr_error **err)
{
	struct stat st;

	*path = given ? strdup(given) : find_in_path(name);
	if (!*path || stat(*path, &st) < 0) {
		int ret = error_msg(err, ENOENT, "%s is not installed%s%s%s: an ordinary "
				    "user's user namespaces need it", name,
				    *path ? " (no \"" : " (not in PATH", *path ? *path : "",
				    *path ? "\")" : ")");
		error_hint(err, "as root: apt-get install uidmap");
		free(*path);
		*path = NULL;
		return ret;
	}
	if ((st.st_uid == 0 && (st.st_mode & S_ISUID)) ||
	    getxattr(*path, "security.capability", NULL, 0) > 0)
		return 0;
	int ret = error_msg(err, EPERM, "\"%s\" is not setuid root (mode %04o, owner uid %lu): "
			    "it cannot write the maps of a user's namespace", *path,
			    (unsigned)(st.st_mode & 07777), (unsigned long)st.st_uid);
	error_hint(err, "as root: apt-get install --reinstall uidmap, or chown root %s && "
		   "chmod u+s %s", *path, *path);
	free(*path);
	*path = NULL;
	return ret;
}

/* Runs TOOL PID NS HOST COUNT... for the lines of KIND. */
static int run_idmap_tool(const char *tool, pid_t pid, char kind, const struct idmap_line *m,
			  size_t n, lxcmgr_error **err)
{
	cleanup_strv char **argv = calloc(1, sizeof(*argv));
	struct run_result res;
	char what[600];
	int ret = argv ? 0 : -ENOMEM;

	ret = ret ?: strv_push_dup(&argv, tool);
	ret = ret ?: strv_push(&argv, str_printf("%ld", (long)pid));
	for (size_t i = 0; i < n && ret == 0; i++) {
		if (!kind_matches(m[i].kind, kind))
			continue;
		ret = ret ?: strv_push(&argv, str_printf("%lu", m[i].ns));
		ret = ret ?: strv_push(&argv, str_printf("%lu", m[i].host));
		ret = ret ?: strv_push(&argv, str_printf("%lu", m[i].count));
	}
	if (ret < 0)
		return error_set(err, ENOMEM, "run %s", tool);
	ret = run_helper(argv, NULL, RUN_QUIET, &res);
	if (ret < 0)
		return error_set(err, -ret, "run \"%s\"", tool);
	if (res.exit_status == 0 && res.term_signal == 0)
		return 0;
	run_describe(&res, what, sizeof(what));
	return error_msg(err, EPERM, "\"%s\" refused the %s map of process %ld: %s", tool,
			 kind == 'u' ? "uid" : "gid", (long)pid, what);
}

/* Root: /proc/PID/uid_map and gid_map, one write each (the kernel takes
 * only one). */
static int write_map_file(pid_t pid, char kind, const struct idmap_line *m, size_t n,
			  lxcmgr_error **err)
{
	char path[64], text[4096];
	size_t used = 0;

	snprintf(path, sizeof(path), "/proc/%ld/%cid_map", (long)pid, kind);
	text[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if (kind_matches(m[i].kind, kind) && used < sizeof(text))
			used += (size_t)snprintf(text + used, sizeof(text) - used, "%lu %lu %lu\n",
						 m[i].ns, m[i].host, m[i].count);
	if (used >= sizeof(text))
		return error_msg(err, E2BIG, "write \"%s\": too many lxc.idmap lines", path);
	if (used == 0)
		return 0;
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, used) != (ssize_t)used)
		return error_set(err, errno, "write \"%s\"", path);
	return 0;
}

int subid_write_maps_env(const struct subid_env *env, pid_t pid, char *const *lines,
			 lxcmgr_error **err)
{
	cleanup_free struct idmap_line *m = NULL;
	cleanup_free char *uidmap = NULL, *gidmap = NULL;
	size_t n = 0;
	int ret = parse_all(lines, &m, &n, err);

	if (ret < 0)
		return ret;
	if (env->uid == 0) {
		ret = write_map_file(pid, 'u', m, n, err);
		return ret ?: write_map_file(pid, 'g', m, n, err);
	}
	ret = idmap_tool(env->newuidmap, "newuidmap", &uidmap, err);
	ret = ret ?: idmap_tool(env->newgidmap, "newgidmap", &gidmap, err);
	ret = ret ?: subid_check_maps(env, lines, err);
	ret = ret ?: run_idmap_tool(uidmap, pid, 'u', m, n, err);
	return ret ?: run_idmap_tool(gidmap, pid, 'g', m, n, err);
}

int subid_check_maps_self(char *const *lines, lxcmgr_error **err)
{
	struct subid_env env;
	cleanup_free char *name = NULL, *uidmap = NULL, *gidmap = NULL;
	int ret = subid_env_self(&env, &name, err);

	ret = ret ?: idmap_tool(env.newuidmap, "newuidmap", &uidmap, err);
	ret = ret ?: idmap_tool(env.newgidmap, "newgidmap", &gidmap, err);
	return ret ?: subid_check_maps(&env, lines, err);
}

int subid_write_maps(pid_t pid, char *const *idmap_lines, lxcmgr_error **err)
{
	struct subid_env env;
	cleanup_free char *name = NULL;
	int ret = subid_env_self(&env, &name, err);

	return ret ?: subid_write_maps_env(&env, pid, idmap_lines, err);
}

unsigned long idmap_unmapped_nsid(char *const *lines, char kind)
{
	unsigned long id = 0;
	bool moved = true;

	/* Step past every range that holds the candidate until none does. */
	while (moved) {
		moved = false;
		for (size_t i = 0; lines && lines[i]; i++) {
			struct idmap_line m;
			if (idmap_line_parse(lines[i], &m) < 0 || !kind_matches(m.kind, kind))
				continue;
			if (id >= m.ns && id < m.ns + m.count) {
				id = m.ns + m.count;
				moved = true;
			}
		}
	}
	return id;
}

long idmap_host_to_ns(char *const *lines, char kind, unsigned long host_id)
{
	for (size_t i = 0; lines && lines[i]; i++) {
		struct idmap_line m;
		if (idmap_line_parse(lines[i], &m) < 0 || !kind_matches(m.kind, kind))
			continue;
		if (host_id >= m.host && host_id < m.host + m.count)
			return (long)(m.ns + host_id - m.host);
	}
	return -1;
}

/* ------------------------------------------------- a namespace's fork */

/* The child's side: unshare, report, wait for the maps, become root,
 * report. Only async-signal-safe calls: the caller may have threads. */
static int userns_child(int to_parent, int from_parent)
{
	int e = unshare(CLONE_NEWUSER) < 0 ? errno : 0;
	char go = 0;

	if (write(to_parent, &e, sizeof(e)) != sizeof(e) || e)
		_exit(1);
	if (read(from_parent, &go, 1) != 1 || go != 1)
		_exit(1); /* the parent could not write the maps: it says why */
	/* newgidmap may have denied setgroups; the groups then stay, unmapped. */
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		e = errno;
	else if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		e = errno;
	if (write(to_parent, &e, sizeof(e)) != sizeof(e) || e)
		_exit(1);
	close(to_parent);
	close(from_parent);
	return 0;
}

static int read_child_errno(int fd, int *e)
{
	ssize_t n;

	while ((n = read(fd, e, sizeof(*e))) < 0 && errno == EINTR)
		;
	return n == sizeof(*e) ? 0 : -EPIPE;
}

static int userns_parent(pid_t pid, int from_child, int to_child, char *const *lines,
			 lxcmgr_error **err)
{
	int e = 0;
	char go;

	if (read_child_errno(from_child, &e) < 0)
		return error_msg(err, EPIPE, "new user namespace: the child ended before "
				 "unsharing it");
	if (e) {
		int ret = error_set(err, e, "unshare(CLONE_NEWUSER)");
		error_hint(err, "user namespaces may be off: see sysctl user.max_user_namespaces "
			   "and lxc-checkconfig");
		return ret;
	}
	int ret = subid_write_maps(pid, lines, err);
	go = ret == 0;
	if (write(to_child, &go, 1) != 1 && ret == 0)
		ret = error_set(err, errno, "new user namespace: signal the child");
	if (ret < 0)
		return ret;
	if (read_child_errno(from_child, &e) < 0)
		return error_msg(err, EPIPE, "new user namespace: the child ended before "
				 "becoming its root");
	if (e)
		return error_set(err, e, "become root (uid and gid 0) in the new user namespace");
	return 0;
}

static int check_root_mapped(char *const *lines, lxcmgr_error **err)
{
	const char kinds[] = { 'u', 'g' };

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		bool zero = false;
		for (size_t i = 0; lines && lines[i]; i++) {
			struct idmap_line m;
			if (idmap_line_parse(lines[i], &m) < 0)
				return error_msg(err, EINVAL, "lxc.idmap \"%s\" is not "
						 "\"u|g|b NSID HOSTID COUNT\"", lines[i]);
			zero |= kind_matches(m.kind, kinds[k]) && m.ns == 0;
		}
		if (!zero) {
			int ret = error_msg(err, EINVAL, "the map gives no %s 0: the command "
					    "runs as root in the new user namespace",
					    kinds[k] == 'u' ? "uid" : "gid");
			error_hint(err, "map one: \"%c 0 HOSTID COUNT\"", kinds[k]);
			return ret;
		}
	}
	return 0;
}

pid_t userns_fork(char *const *lines, lxcmgr_error **err)
{
	int up[2], down[2]; /* child to parent, parent to child */
	int ret = check_root_mapped(lines, err);

	if (ret < 0)
		return ret;
	if (pipe2(up, O_CLOEXEC) < 0)
		return error_set(err, errno, "new user namespace: pipe");
	if (pipe2(down, O_CLOEXEC) < 0) {
		ret = error_set(err, errno, "new user namespace: pipe");
		close(up[0]);
		close(up[1]);
		return ret;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		return userns_child(up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	if (pid < 0)
		ret = error_set(err, errno, "new user namespace: fork");
	else
		ret = userns_parent(pid, up[0], down[1], lines, err);
	close(up[0]);
	close(down[1]);
	if (ret < 0 && pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	return ret < 0 ? ret : pid;
}
