/* The start plan: the container's config turned into what a start does,
 * before anything is created ("parse first, act later").
 *
 * Every key that is set goes through the rule table below: applied here,
 * read by another tool, harmless for a start here, or refused with its
 * value and line because a start cannot honour it yet. A key that the
 * table does not know is refused too, so a key added to conf/keys.c is
 * never ignored by accident. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "conf/conf.h"
#include "conf/values.h"
#include "container.h"
#include "run/plan-internal.h"
#include "run/plan.h"
#include "security/caps.h"
#include "security/security.h"
#include "storage.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

#define PLAN_MAX_MOUNTS 4096
#define PLAN_MAX_TTYS 1024
#define PLAN_MAX_PTYS (1u << 20) /* the kernel's NR_UNIX98_PTY_MAX */
#define FSTAB_MAX_SIZE (1u << 20)
#define DEV_TMPFS_SIZE 500000 /* LXC's default size= of the /dev tmpfs, in bytes */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define DEFAULT_CLONE                                                                  \
	(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |    \
	 CLONE_NEWCGROUP)

/* ------------------------------------------------------------- helpers */

const char *value_at(const struct conf *conf, const char *key, size_t i)
{
	char *const *v = conf_values(conf, key);
	size_t n = strv_len(v);

	return n ? v[i < n ? i : n - 1] : NULL;
}

char *origin_at(const struct conf *conf, const char *key, size_t i)
{
	const struct conf_origin *o = NULL;
	int n = conf_origins(conf, key, &o);

	if (n <= 0)
		return strdup("?");
	if (i >= (size_t)n)
		i = (size_t)n - 1;
	return str_printf("%s:%u", o[i].file, o[i].line);
}

int value_error(struct build *b, int errnum, const char *key, size_t i, const char *fmt, ...)
{
	cleanup_free char *origin = origin_at(b->conf, key, i);
	cleanup_free char *msg = NULL;
	const char *value = value_at(b->conf, key, i);
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	return error_msg(b->err, errnum, "%s = %s (%s): %s", key, value ? value : "",
			 origin ? origin : "?", msg ? msg : "out of memory");
}

static int get_uint(struct build *b, const char *key, uint64_t max, uint64_t *out)
{
	const char *v = conf_value(b->conf, key);
	uint64_t n;

	if (!v)
		return 0; /* *out keeps its default */
	if (str_to_u64(v, &n) < 0 || n > max)
		return value_error(b, ERANGE, key, LAST, "use a number from 0 to %" PRIu64, max);
	*out = n;
	return 0;
}

static int get_signal(struct build *b, const char *key, int *out)
{
	const char *v = conf_value(b->conf, key);
	int sig = v ? signal_from_name(v) : 0;

	if (sig < 0)
		return value_error(b, EINVAL, key, LAST, "unknown signal");
	*out = sig;
	return 0;
}

static int get_pdeath_signal(struct build *b, int *out)
{
	static const char key[] = "lxc.monitor.signal.pdeath";

	*out = 0;
	return str_eq(conf_value(b->conf, key), "0") ? 0 : get_signal(b, key, out);
}

static int dup_or_null(const char *s, char **out)
{
	*out = s ? strdup(s) : NULL;
	return s && !*out ? -ENOMEM : 0;
}

/* Is VALUE one of the '|'-separated words of LIST? */
static bool value_in(const char *value, const char *list)
{
	size_t len = strlen(value);

	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, "|");
		if (n == len && strncmp(p, value, n) == 0)
			return true;
		p += n + (p[n] == '|');
	}
	return false;
}

/* ------------------------------------------------------------ the rules */

enum rule_kind {
	RULE_PLAN,  /* turned into the plan below */
	RULE_OTHER, /* read by another tool (lxc-destroy, lxc-autostart ...) or when loading */
	RULE_NOOP,  /* asks nothing of a start here */
	RULE_LATER, /* refused with WHY, unless the value is one of OK */
	RULE_CHECK, /* CHECK decides */
};

/* True when value I of KEY can start; else false with WHY filled. */
typedef bool (*rule_check_fn)(struct build *b, const char *key, size_t i, char *why,
			      size_t size);

struct key_rule {
	const char *key;     /* a key, or a family: a prefix ending in '.' */
	enum rule_kind kind;
	const char *ok;      /* RULE_LATER: values that ask for nothing ("0|auto") */
	const char *why;     /* RULE_LATER: what comes later, and what to use meanwhile */
	rule_check_fn check; /* RULE_CHECK */
};

static bool rule_arch(struct build *b, const char *key, size_t i, char *why, size_t size);

#define PLAN(k) { k, RULE_PLAN, NULL, NULL, NULL }
#define OTHER(k) { k, RULE_OTHER, NULL, NULL, NULL }
#define NOOP(k) { k, RULE_NOOP, NULL, NULL, NULL }
#define LATER(k, ok, why) { k, RULE_LATER, ok, why, NULL }
#define CHECK(k, fn) { k, RULE_CHECK, NULL, NULL, fn }

/* Exact keys win over families; the longest family wins among families. */
static const struct key_rule rules[] = {
	/* root file system and mounts */
	PLAN("lxc.rootfs.path"),
	PLAN("lxc.rootfs.options"),
	PLAN("lxc.rootfs.mount"), /* an overlay's mount point; a directory is bound onto
				     itself for pivot_root */
	OTHER("lxc.rootfs.managed"), /* lxc-destroy */
	PLAN("lxc.mount.entry"),
	PLAN("lxc.mount.fstab"),
	PLAN("lxc.mount.auto"),
	PLAN("lxc.autodev"),
	PLAN("lxc.autodev.tmpfs.size"),
	PLAN("lxc.ephemeral"),
	/* console and ttys */
	PLAN("lxc.tty.max"),
	PLAN("lxc.tty.dir"),
	PLAN("lxc.pty.max"),
	LATER("lxc.console.path", "none",
	      "a host device as the console comes later; leave it unset (the console is "
	      "served by lxc-console) or use none"),
	PLAN("lxc.console.logfile"),
	PLAN("lxc.console.size"),
	PLAN("lxc.console.rotate"),
	PLAN("lxc.console.buffer.size"),
	/* network */
	PLAN("lxc.net."), /* plan-net.c */
	/* cgroups (plan-cgroup.c), including lxc.cgroup.dir* and lxc.cgroup.relative */
	PLAN("lxc.cgroup."),
	PLAN("lxc.cgroup2."),
	LATER("lxc.cgroup.dir.container.inner", NULL,
	      "an inner cgroup for the container's own use comes later"),
	/* security */
	PLAN("lxc.cap.drop"),
	PLAN("lxc.cap.keep"),
	PLAN("lxc.seccomp.profile"), /* security/security.c */
	PLAN("lxc.seccomp.allow_nesting"),
	LATER("lxc.seccomp.notify.", NULL, "seccomp notifications come later"),
	PLAN("lxc.apparmor.profile"),
	PLAN("lxc.apparmor.allow_incomplete"),
	PLAN("lxc.apparmor.allow_nesting"),
	PLAN("lxc.apparmor.raw"),
	LATER("lxc.selinux.", NULL, "SELinux contexts come later"),
	PLAN("lxc.no_new_privs"),
	PLAN("lxc.idmap"), /* plan-userns.c */
	PLAN("lxc.keyring.session"),
	/* init and process */
	PLAN("lxc.init.cmd"),
	PLAN("lxc.init.cwd"),
	PLAN("lxc.init.uid"),
	PLAN("lxc.init.gid"),
	PLAN("lxc.init.groups"),
	OTHER("lxc.execute.cmd"), /* lxc-execute */
	PLAN("lxc.environment"),
	PLAN("lxc.uts.name"),
	CHECK("lxc.arch", rule_arch),
	PLAN("lxc.prlimit."),
	PLAN("lxc.sysctl."),
	PLAN("lxc.proc."),
	PLAN("lxc.signal."),
	LATER("lxc.sched.core", "0", "core scheduling comes later"),
	/* namespaces */
	PLAN("lxc.namespace.clone"),
	PLAN("lxc.namespace.keep"),
	PLAN("lxc.namespace.share."),
	PLAN("lxc.time.offset."),
	/* hooks (hooks.h says where each type runs) */
	PLAN("lxc.hook.version"),
	PLAN("lxc.hook.pre-start"),
	PLAN("lxc.hook.pre-mount"),
	PLAN("lxc.hook.mount"),
	PLAN("lxc.hook.autodev"),
	PLAN("lxc.hook.start-host"),
	PLAN("lxc.hook.start"),
	PLAN("lxc.hook.stop"),
	PLAN("lxc.hook.post-stop"),
	OTHER("lxc.hook.clone"),   /* lxc-copy */
	OTHER("lxc.hook.destroy"), /* lxc-destroy */
	/* autostart, monitor, logging, includes */
	OTHER("lxc.start."),
	OTHER("lxc.group"),
	LATER("lxc.monitor.unshare", "0", "a monitor in its own mount namespace comes later"),
	PLAN("lxc.monitor.signal.pdeath"),
	OTHER("lxc.log."),
	OTHER("lxc.include"), /* read when the config is loaded */
};

static const struct key_rule *rule_find(const char *key)
{
	const struct key_rule *best = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		const char *k = rules[i].key;
		if (strcmp(k, key) == 0)
			return &rules[i];
		if (str_ends_with(k, ".") && str_starts_with(key, k) &&
		    (!best || strlen(k) > strlen(best->key)))
			best = &rules[i];
	}
	return best;
}

/* lxc.arch names and the uname machine they stand for. */
static const struct {
	const char *name;
	const char *machine;
} arches[] = {
	{ "x86", "i686" },         { "i386", "i686" },       { "i486", "i686" },
	{ "i586", "i686" },        { "i686", "i686" },       { "linux32", "i686" },
	{ "x86_64", "x86_64" },    { "amd64", "x86_64" },    { "linux64", "x86_64" },
	{ "arm", "armv7l" },       { "armel", "armv7l" },    { "armhf", "armv7l" },
	{ "armv7l", "armv7l" },    { "armv7", "armv7l" },    { "arm64", "aarch64" },
	{ "aarch64", "aarch64" },  { "ppc", "ppc" },         { "powerpc", "ppc" },
	{ "ppc64", "ppc64" },      { "powerpc64", "ppc64" }, { "ppc64le", "ppc64le" },
	{ "ppc64el", "ppc64le" },  { "s390x", "s390x" },     { "mips", "mips" },
	{ "mipsel", "mips" },      { "mips64", "mips64" },   { "mips64el", "mips64" },
	{ "riscv64", "riscv64" },
};

static const char *arch_machine(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (strcmp(arches[i].name, name) == 0)
			return arches[i].machine;
	return name;
}

static bool rule_arch(struct build *b, const char *key, size_t i, char *why, size_t size)
{
	struct utsname u;
	const char *host = uname(&u) == 0 ? u.machine : "?";

	if (strcmp(arch_machine(value_at(b->conf, key, i)), arch_machine(host)) == 0)
		return true;
	snprintf(why, size, "running another architecture than the host's (%s) comes later",
		 host);
	return false;
}

/* ------------------------------------------------------------ the scan */

/* The first refusal becomes the error; later ones are listed in its hint. */
static int refuse(struct build *b, const char *key, size_t i, const char *why)
{
	if (strv_contains(b->refused, key))
		return 0;
	if (!b->refused || !b->refused[0])
		value_error(b, EOPNOTSUPP, key, i, "not supported yet: %s", why);
	return strv_push_dup(&b->refused, key);
}

static int scan_key(struct build *b, const char *key)
{
	const struct key_rule *r = rule_find(key);
	char *const *values = conf_values(b->conf, key);
	char why[256];

	if (!r)
		return refuse(b, key, 0, "lxcmgr cannot start a container with this key yet");
	switch (r->kind) {
	case RULE_PLAN:
	case RULE_OTHER:
	case RULE_NOOP:
		return 0;
	case RULE_LATER:
		for (size_t i = 0; values && values[i]; i++)
			if (!value_in(values[i], r->ok))
				return refuse(b, key, i, r->why);
		return 0;
	case RULE_CHECK:
		for (size_t i = 0; values && values[i]; i++)
			if (!r->check(b, key, i, why, sizeof(why)))
				return refuse(b, key, i, why);
		return 0;
	}
	return 0;
}

/* Refuses, in one error, every key that a start cannot apply yet. */
static int scan_keys(struct build *b)
{
	cleanup_strv char **keys = conf_keys(b->conf);
	size_t n;

	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; keys[i]; i++) {
		int ret = scan_key(b, keys[i]);
		if (ret < 0)
			return ret;
	}
	n = strv_len(b->refused);
	if (n > 1) {
		size_t shown = n - 1 > 5 ? 5 : n - 1;
		size_t rest = n - 1 - shown;
		cleanup_free char *more = rest ? str_printf(", and %zu more", rest) : strdup("");
		char *saved = b->refused[1 + shown];
		b->refused[1 + shown] = NULL;
		cleanup_free char *list = strv_join(b->refused + 1, ", ");
		b->refused[1 + shown] = saved;
		error_hint(b->err, "also not supported yet: %s%s", list ? list : "?",
			   more ? more : "");
	}
	return n ? -EOPNOTSUPP : 0;
}

/* ------------------------------------------------------------- rootfs */

/* 0, or the errno of PATH not being a directory. */
static int dir_errno(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

static int rootfs_dir_error(struct build *b, int errnum, const char *what, const char *path)
{
	int ret = error_set(b->err, errnum, "rootfs %s\"%s\"", what, path);
	error_hint(b->err, "lxc.rootfs.path, %s", b->p->rootfs_origin);
	return ret;
}

/* An overlay: its layers must be there; it is mounted on lxc.rootfs.mount,
 * or else on DIR/rootfs, in the container's mount namespace only. */
static int build_rootfs_overlay(struct build *b, struct storage_spec *spec)
{
	const char *mnt = conf_value(b->conf, "lxc.rootfs.mount");
	cleanup_free char **lowers = str_words(spec->lower, ":");
	int errnum;

	if (!lowers)
		return -ENOMEM;
	for (size_t i = 0; lowers[i]; i++)
		if ((errnum = dir_errno(lowers[i])))
			return rootfs_dir_error(b, errnum, "lower layer ", lowers[i]);
	if ((errnum = dir_errno(spec->upper)))
		return rootfs_dir_error(b, errnum, "upper layer ", spec->upper);
	if ((errnum = dir_errno(spec->work)))
		return rootfs_dir_error(b, errnum, "overlay work directory ", spec->work);
	b->p->rootfs = mnt && *mnt ? strdup(mnt) : str_printf("%s/rootfs", b->c->dir);
	b->p->rootfs_overlay = storage_overlay_data(spec);
	if (!b->p->rootfs || !b->p->rootfs_overlay)
		return -ENOMEM;
	if (b->p->rootfs[0] != '/')
		return value_error(b, EINVAL, "lxc.rootfs.mount", LAST, "the path must be absolute");
	if ((errnum = dir_errno(b->p->rootfs)))
		return rootfs_dir_error(b, errnum, "mount point ", b->p->rootfs);
	return 0;
}

static int build_rootfs(struct build *b)
{
	static const char key[] = "lxc.rootfs.path";
	const char *v = conf_value(b->conf, key);
	struct storage_spec spec;
	const char *why = NULL;
	int ret, errnum;

	if (!v)
		return error_msg(b->err, EOPNOTSUPP,
				 "lxc.rootfs.path is not set: sharing the host's root file system "
				 "is not supported yet");
	ret = storage_parse(v, &spec, &why);
	if (ret == -ENOMEM)
		return ret;
	if (ret < 0)
		return value_error(b, -ret, key, LAST, "%s", why);
	b->p->rootfs_origin = origin_at(b->conf, key, LAST);
	if (!b->p->rootfs_origin) {
		storage_spec_clear(&spec);
		return -ENOMEM;
	}
	if (spec.type == STORAGE_OVERLAY) {
		ret = build_rootfs_overlay(b, &spec);
		storage_spec_clear(&spec);
		return ret;
	}
	b->p->rootfs = steal_ptr(spec.dir);
	storage_spec_clear(&spec);
	if ((errnum = dir_errno(b->p->rootfs)))
		return rootfs_dir_error(b, errnum, "", b->p->rootfs);
	return 0;
}

/* -------------------------------------------------------- mount options */

struct mount_opt {
	const char *name;
	bool clear; /* the option clears FLAG ("rw" clears MS_RDONLY) */
	unsigned long flag;
};

/* As LXC's mount_opt table in conf.c. */
static const struct mount_opt mount_flags[] = {
	{ "defaults", false, 0 },
	{ "ro", false, MS_RDONLY },          { "rw", true, MS_RDONLY },
	{ "nosuid", false, MS_NOSUID },      { "suid", true, MS_NOSUID },
	{ "nodev", false, MS_NODEV },        { "dev", true, MS_NODEV },
	{ "noexec", false, MS_NOEXEC },      { "exec", true, MS_NOEXEC },
	{ "sync", false, MS_SYNCHRONOUS },   { "async", true, MS_SYNCHRONOUS },
	{ "dirsync", false, MS_DIRSYNC },    { "remount", false, MS_REMOUNT },
	{ "mand", false, MS_MANDLOCK },      { "nomand", true, MS_MANDLOCK },
	{ "noatime", false, MS_NOATIME },    { "atime", true, MS_NOATIME },
	{ "nodiratime", false, MS_NODIRATIME }, { "diratime", true, MS_NODIRATIME },
	{ "relatime", false, MS_RELATIME },  { "norelatime", true, MS_RELATIME },
	{ "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true, MS_STRICTATIME },
	{ "lazytime", false, MS_LAZYTIME },  { "nosymfollow", false, MS_NOSYMFOLLOW },
	{ "bind", false, MS_BIND },          { "rbind", false, MS_BIND | MS_REC },
};

static const struct mount_opt mount_propagation[] = {
	{ "shared", false, MS_SHARED },         { "rshared", false, MS_SHARED | MS_REC },
	{ "slave", false, MS_SLAVE },           { "rslave", false, MS_SLAVE | MS_REC },
	{ "private", false, MS_PRIVATE },       { "rprivate", false, MS_PRIVATE | MS_REC },
	{ "unbindable", false, MS_UNBINDABLE }, { "runbindable", false, MS_UNBINDABLE | MS_REC },
};

static const struct mount_opt *opt_find(const struct mount_opt *table, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, w) == 0)
			return &table[i];
	return NULL;
}

static void opt_apply(const struct mount_opt *o, unsigned long *flags)
{
	if (o->clear)
		*flags &= ~o->flag;
	else
		*flags |= o->flag;
}

/* lxc.rootfs.options: flags for the bind of a directory; there is no file
 * system to give data to. */
static int build_rootfs_options(struct build *b)
{
	static const char key[] = "lxc.rootfs.options";
	const char *v = conf_value(b->conf, key);
	cleanup_free char **words = v ? str_words(v, ",") : NULL;

	if (!v)
		return 0;
	if (!words)
		return -ENOMEM;
	for (size_t i = 0; words[i]; i++) {
		const char *w = words[i];
		const struct mount_opt *o = opt_find(mount_flags, ARRAY_SIZE(mount_flags), w);
		if (str_eq(w, "idmap=container")) {
			b->p->rootfs_idmapped = true; /* plan-userns.c checks it */
			continue;
		}
		if (str_starts_with(w, "idmap="))
			return value_error(b, EOPNOTSUPP, key, LAST,
					   "not supported yet: %s; use idmap=container (the "
					   "container's own lxc.idmap)", w);
		if (!o || (o->flag & (MS_BIND | MS_REMOUNT)))
			return value_error(b, EINVAL, key, LAST,
					   "unknown option \"%s\" for a directory; use ro, rw, "
					   "nosuid, nodev, noexec, noatime, relatime ...",
					   w);
		opt_apply(o, &b->p->rootfs_flags);
	}
	return 0;
}

/* LXC's options, then the kernel's flags and propagation; the rest is
 * data for the file system. *why (malloc'd) says what is wrong. */
static int mount_option(struct plan_mount *m, const char *w, char ***data, char **why)
{
	const struct mount_opt *o;

	if ((o = opt_find(mount_flags, ARRAY_SIZE(mount_flags), w)))
		opt_apply(o, &m->flags);
	else if ((o = opt_find(mount_propagation, ARRAY_SIZE(mount_propagation), w)))
		m->propagation = o->flag;
	else if (str_eq(w, "optional"))
		m->optional = true;
	else if (str_eq(w, "relative"))
		m->relative = true;
	else if (str_eq(w, "create=dir") || str_eq(w, "create=file")) {
		m->create_dir = str_eq(w, "create=dir");
		m->create_file = !m->create_dir;
	} else if (str_starts_with(w, "create=")) {
		*why = str_printf("unknown option \"%s\"; use create=dir or create=file", w);
		return *why ? -EINVAL : -ENOMEM;
	} else if (str_eq(w, "idmap=container")) {
		m->idmapped = true; /* plan-userns.c checks it */
	} else if (str_starts_with(w, "idmap=")) {
		*why = str_printf("not supported yet: %s; use idmap=container (the container's "
				  "own lxc.idmap)", w);
		return *why ? -EOPNOTSUPP : -ENOMEM;
	} else {
		return strv_push_dup(data, w);
	}
	return 0;
}

static const struct {
	const char *escape;
	char c;
} fstab_escapes[] = {
	{ "\\040", ' ' }, { "\\011", '\t' }, { "\\012", '\n' }, { "\\134", '\\' },
};

/* Decodes fstab(5)'s octal escapes in place, as getmntent(3) does. */
static void fstab_unescape(char *s)
{
	char *w = s;

	while (*s) {
		size_t i = 0;
		while (i < ARRAY_SIZE(fstab_escapes) && strncmp(s, fstab_escapes[i].escape, 4) != 0)
			i++;
		if (i < ARRAY_SIZE(fstab_escapes)) {
			*w++ = fstab_escapes[i].c;
			s += 4;
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

/* One fstab line: SOURCE TARGET FSTYPE OPTIONS [DUMP [PASS]]. */
static int mount_parse(const char *line, struct plan_mount *m, char **why)
{
	cleanup_free char **f = str_words(line, " \t");
	cleanup_strv char **data = NULL;
	cleanup_free char **opts = NULL;
	size_t n = f ? strv_len(f) : 0;
	uint64_t num;

	if (!f)
		return -ENOMEM;
	if (n < 4 || n > 6) {
		*why = strdup("use SOURCE TARGET FSTYPE OPTIONS [DUMP PASS], as in fstab(5)");
		return *why ? -EINVAL : -ENOMEM;
	}
	for (size_t i = 4; i < n; i++) {
		if (str_to_u64(f[i], &num) < 0) {
			*why = strdup("the dump and pass fields must be numbers");
			return *why ? -EINVAL : -ENOMEM;
		}
	}
	for (size_t i = 0; i < 4; i++)
		fstab_unescape(f[i]);
	m->source = strdup(f[0]);
	m->target = strdup(f[1]);
	m->fstype = strdup(f[2]);
	opts = str_words(f[3], ",");
	if (!m->source || !m->target || !m->fstype || !opts)
		return -ENOMEM;
	for (size_t i = 0; opts[i]; i++) {
		int ret = mount_option(m, opts[i], &data, why);
		if (ret < 0)
			return ret;
	}
	if (data && !(m->data = strv_join(data, ",")))
		return -ENOMEM;
	return 0;
}

static void mount_release(struct plan_mount *m)
{
	free(m->source);
	free(m->target);
	free(m->fstype);
	free(m->data);
	free(m->origin);
	memset(m, 0, sizeof(*m));
}

/* Parses LINE and appends it to the plan. *why as for mount_parse. */
static int mounts_add(struct start_plan *p, const char *line, char *origin, char **why)
{
	struct plan_mount m = { .origin = origin };
	int ret = origin ? mount_parse(line, &m, why) : -ENOMEM;

	if (ret == 0 && p->n_mounts >= PLAN_MAX_MOUNTS) {
		*why = str_printf("more than %d mounts", PLAN_MAX_MOUNTS);
		ret = *why ? -E2BIG : -ENOMEM;
	}
	if (ret == 0) {
		struct plan_mount *grown = realloc(p->mounts, (p->n_mounts + 1) * sizeof(*grown));
		if (grown) {
			p->mounts = grown;
			p->mounts[p->n_mounts++] = m;
			return 0;
		}
		ret = -ENOMEM;
	}
	mount_release(&m);
	return ret;
}

/* ------------------------------------------------------------- mounts */

/* A relative fstab path is taken from the directory of the file that set it. */
static char *fstab_path(const struct conf *conf, const char *key, const char *v)
{
	const struct conf_origin *o = NULL;
	int n = conf_origins(conf, key, &o);
	const char *slash = n > 0 ? strrchr(o[n - 1].file, '/') : NULL;

	if (v[0] == '/' || !slash)
		return strdup(v);
	return str_printf("%.*s/%s", (int)(slash - o[n - 1].file), o[n - 1].file, v);
}

/* lxc.mount.fstab comes before lxc.mount.entry, as in LXC. */
static int build_fstab(struct build *b)
{
	static const char key[] = "lxc.mount.fstab";
	const char *v = conf_value(b->conf, key);
	cleanup_free char *path = v ? fstab_path(b->conf, key, v) : NULL;
	cleanup_free char *origin = v ? origin_at(b->conf, key, LAST) : NULL;
	cleanup_free char *text = NULL;
	struct stat st;
	unsigned lineno = 0;

	if (!v)
		return 0;
	if (!path || !origin)
		return -ENOMEM;
	int ret = file_read_regular(path, FSTAB_MAX_SIZE, &text, NULL, &st);
	if (ret == -EFBIG || ret == -EINVAL)
		return value_error(b, -ret, key, LAST, "\"%s\" is %s", path,
				   ret == -EFBIG ? "larger than 1 MiB" : "not a regular file");
	if (ret < 0)
		return value_error(b, -ret, key, LAST, "read \"%s\": %s", path, strerror(-ret));
	for (char *cursor = text, *line; (line = str_next_entry(&cursor, &lineno));) {
		cleanup_free char *why = NULL;
		ret = mounts_add(b->p, line, str_printf("%s:%u", path, lineno), &why);
		if (ret == -ENOMEM)
			return ret;
		if (ret < 0)
			return error_msg(b->err, -ret, "%s:%u: \"%s\": %s (%s, %s)", path, lineno,
					 line, why ? why : "invalid", key, origin);
	}
	return 0;
}

static int build_mount_entries(struct build *b)
{
	static const char key[] = "lxc.mount.entry";
	char *const *v = conf_values(b->conf, key);
	int ret = build_fstab(b);

	for (size_t i = 0; ret == 0 && v && v[i]; i++) {
		cleanup_free char *why = NULL;
		ret = mounts_add(b->p, v[i], origin_at(b->conf, key, i), &why);
		if (ret < 0 && ret != -ENOMEM)
			return value_error(b, -ret, key, i, "%s", why ? why : "invalid");
	}
	return ret;
}

#define AUTO_PROC_MASK (AUTO_PROC_RW | AUTO_PROC_MIXED)
#define AUTO_SYS_MASK (AUTO_SYS_RW | AUTO_SYS_RO | AUTO_SYS_MIXED)

/* lxc.container.conf(5): "proc" is proc:mixed, "sys" is sys:mixed. */
static const struct {
	const char *word;
	unsigned flag, mask;
} auto_words[] = {
	{ "proc", AUTO_PROC_MIXED, AUTO_PROC_MASK },
	{ "proc:mixed", AUTO_PROC_MIXED, AUTO_PROC_MASK },
	{ "proc:rw", AUTO_PROC_RW, AUTO_PROC_MASK },
	{ "sys", AUTO_SYS_MIXED, AUTO_SYS_MASK },
	{ "sys:mixed", AUTO_SYS_MIXED, AUTO_SYS_MASK },
	{ "sys:ro", AUTO_SYS_RO, AUTO_SYS_MASK },
	{ "sys:rw", AUTO_SYS_RW, AUTO_SYS_MASK },
};

/* cgroup[:MODE][:force], cgroup-full[:MODE][:force], cgroup2[:ro][:force]
 * (conf/values.c checked the words). The last cgroup word wins. */
static int cgroup_word(struct build *b, const char *w)
{
	struct start_plan *p = b->p;

	p->cgroup_mount_v2 = str_starts_with(w, "cgroup2");
	p->cgroup_mount = strstr(w, ":ro")      ? CGMOUNT_RO
			  : strstr(w, ":rw")    ? CGMOUNT_RW
			  : strstr(w, ":mixed") ? CGMOUNT_MIXED
			  : p->cgroup_mount_v2  ? CGMOUNT_RW
						: CGMOUNT_DEFAULT;
	return 1;
}

/* One word of value I. Returns 1 when it set a proc, sys or cgroup mode. */
static int auto_word(struct build *b, const char *w, size_t i)
{
	static const char key[] = "lxc.mount.auto";

	unsigned *mounts = &b->p->auto_mounts;

	for (size_t k = 0; k < ARRAY_SIZE(auto_words); k++) {
		if (strcmp(w, auto_words[k].word) == 0) {
			*mounts = (*mounts & ~auto_words[k].mask) | auto_words[k].flag;
			return 1;
		}
	}
	if (str_starts_with(w, "cgroup"))
		return cgroup_word(b, w);
	if (str_starts_with(w, "shmounts:"))
		return value_error(b, EOPNOTSUPP, key, i,
				   "not supported yet: shared mount points (%s) come later", w);
	return value_error(b, EINVAL, key, i, "unknown word \"%s\"", w);
}

static int build_auto(struct build *b)
{
	static const char key[] = "lxc.mount.auto";
	char *const *v = conf_values(b->conf, key);
	size_t last = LAST;

	for (size_t i = 0; v && v[i]; i++) {
		cleanup_free char **words = str_words(v[i], " \t");
		if (!words)
			return -ENOMEM;
		for (size_t k = 0; words[k]; k++) {
			int ret = auto_word(b, words[k], i);
			if (ret < 0)
				return ret;
			if (ret > 0)
				last = i;
		}
	}
	if (last != LAST && !(b->p->auto_origin = origin_at(b->conf, key, last)))
		return -ENOMEM;
	return 0;
}

/* ------------------------------------------------------- /dev and ttys */

static int build_dev(struct build *b)
{
	struct start_plan *p = b->p;
	uint64_t autodev = 1, tty_max = 0, pty_max = 0, size = 0;
	int ret;

	if ((ret = get_uint(b, "lxc.autodev", 1, &autodev)) < 0 ||
	    (ret = get_uint(b, "lxc.autodev.tmpfs.size", INT_MAX, &size)) < 0 ||
	    (ret = get_uint(b, "lxc.tty.max", PLAN_MAX_TTYS, &tty_max)) < 0 ||
	    (ret = get_uint(b, "lxc.pty.max", PLAN_MAX_PTYS, &pty_max)) < 0)
		return ret;
	p->autodev = autodev == 1;
	p->autodev_tmpfs_size = size ? size : DEV_TMPFS_SIZE; /* LXC: 0 is the default */
	p->tty_max = (unsigned)tty_max;
	p->pty_max = (unsigned)pty_max;
	return dup_or_null(conf_value(b->conf, "lxc.tty.dir"), &p->tty_dir);
}

#define CONSOLE_AUTO_SIZE (128 * 1024)
#define CONSOLE_BUFFER_MAX (256ULL << 20)

/* lxc.console.buffer.size: the monitor's ring buffer of the console. As
 * in LXC: unset or 0 is none, auto 128 KiB, at least a page; sizes are
 * rounded up to whole pages. The monitor holds it in memory: at most
 * 256 MiB. */
static int build_console_buffer(struct build *b)
{
	static const char key[] = "lxc.console.buffer.size";
	const char *size = conf_value(b->conf, key);
	uint64_t bytes = 0;

	if (!size || !*size)
		return 0;
	if (str_eq(size, "auto"))
		bytes = CONSOLE_AUTO_SIZE;
	else if (parse_byte_size(size, &bytes) < 0)
		return value_error(b, EINVAL, key, LAST, "not a size");
	if (bytes > CONSOLE_BUFFER_MAX)
		return value_error(b, EINVAL, key, LAST,
				   "too large: the monitor keeps it in memory; at most 256MB");
	b->p->console_buffer_size = (bytes + 4095) / 4096 * 4096;
	return 0;
}

/* lxc.console.logfile, .size and .rotate: the monitor's copy of the
 * console. LXC's sizes: auto is 128 KiB, and at least a page. */
static int build_console_log(struct build *b)
{
	static const char key[] = "lxc.console.logfile";
	struct start_plan *p = b->p;
	const char *path = conf_value(b->conf, key);
	const char *size = conf_value(b->conf, "lxc.console.size");
	uint64_t rotate = 0, bytes = 0;
	int ret;

	if (!path || !*path)
		return 0;
	if (path[0] != '/')
		return value_error(b, EINVAL, key, LAST, "the path must be absolute");
	if ((ret = get_uint(b, "lxc.console.rotate", 1, &rotate)) < 0)
		return ret;
	if (str_eq(size, "auto"))
		bytes = CONSOLE_AUTO_SIZE;
	else if (size && parse_byte_size(size, &bytes) < 0)
		return value_error(b, EINVAL, "lxc.console.size", LAST, "not a size");
	if (bytes && bytes < 4096)
		bytes = 4096;
	p->console_log_size = bytes;
	p->console_log_rotate = rotate == 1;
	p->console_log = strdup(path);
	p->console_log_origin = origin_at(b->conf, key, LAST);
	return p->console_log && p->console_log_origin ? 0 : -ENOMEM;
}

/* ----------------------------------------------------------------- init */

/* lxc.init.groups: every line adds ids ("4,27"); the key table checked them. */
static int build_init_groups(struct build *b)
{
	char *const *v = conf_values(b->conf, "lxc.init.groups");
	struct start_plan *p = b->p;

	for (size_t i = 0; v && v[i]; i++) {
		cleanup_free char **w = str_words(v[i], ", \t");
		for (size_t j = 0; w && w[j]; j++) {
			uint64_t gid;
			if (str_to_u64(w[j], &gid) < 0 || gid > UINT32_MAX)
				return value_error(b, EINVAL, "lxc.init.groups", i, "not a group id");
			gid_t *grown = realloc(p->init_groups, (p->n_init_groups + 1) * sizeof(*grown));
			if (!grown)
				return -ENOMEM;
			p->init_groups = grown;
			p->init_groups[p->n_init_groups++] = (gid_t)gid;
		}
		if (!w)
			return -ENOMEM;
	}
	return 0;
}

static int build_init(struct build *b)
{
	struct start_plan *p = b->p;
	const char *cmd = conf_value(b->conf, "lxc.init.cmd");
	uint64_t uid = 0, gid = 0;
	int ret;

	if (b->init_argv && b->init_argv[0]) {
		for (size_t i = 0; b->init_argv[i]; i++)
			if (strv_push_dup(&p->init_argv, b->init_argv[i]) < 0)
				return -ENOMEM;
	} else if (cmd) {
		/* Split on blanks, no shell: as LXC does. */
		if (!(p->init_argv = str_split(cmd, " \t")))
			return -ENOMEM;
		if (!p->init_argv[0])
			return value_error(b, EINVAL, "lxc.init.cmd", LAST, "needs a command");
	} else if (strv_push_dup(&p->init_argv, "/sbin/init") < 0) {
		return -ENOMEM;
	}
	if ((ret = get_uint(b, "lxc.init.uid", UINT32_MAX - 1, &uid)) < 0 ||
	    (ret = get_uint(b, "lxc.init.gid", UINT32_MAX - 1, &gid)) < 0)
		return ret;
	p->init_uid = (uid_t)uid;
	p->init_gid = (gid_t)gid;
	if ((ret = build_init_groups(b)) < 0)
		return ret;
	return dup_or_null(conf_value(b->conf, "lxc.init.cwd"), &p->init_cwd);
}

static bool env_has(char *const *env, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			return true;
	return false;
}

/* Sets ENTRY ("NAME=VALUE", taken), replacing an entry of the same name. */
static int env_put(char ***env, char *entry)
{
	size_t len;

	if (!entry)
		return -ENOMEM;
	len = strcspn(entry, "=");
	for (size_t i = 0; *env && (*env)[i]; i++) {
		if (strncmp((*env)[i], entry, len) == 0 && (*env)[i][len] == '=') {
			free((*env)[i]);
			(*env)[i] = entry;
			return 0;
		}
	}
	return strv_push(env, entry);
}

/* container=lxc, lxc.environment (a bare NAME takes the host's value, and
 * is left out when the host has none), TERM and PATH unless set. */
static int build_env(struct build *b)
{
	char ***env = &b->p->init_env;
	char *const *v = conf_values(b->conf, "lxc.environment");
	const char *term = getenv("TERM");
	int ret = env_put(env, strdup("container=lxc"));

	for (size_t i = 0; ret == 0 && v && v[i]; i++) {
		const char *host = strchr(v[i], '=') ? NULL : getenv(v[i]);
		if (strchr(v[i], '='))
			ret = env_put(env, strdup(v[i]));
		else if (host)
			ret = env_put(env, str_printf("%s=%s", v[i], host));
	}
	if (ret == 0 && !env_has(*env, "TERM"))
		ret = env_put(env, str_printf("TERM=%s", term && *term ? term : "linux"));
	if (ret == 0 && !env_has(*env, "PATH"))
		ret = env_put(env, strdup("PATH=" DEFAULT_PATH));
	return ret;
}

/* ----------------------------------------------------------- namespaces */

static const struct {
	const char *name;
	int flag;
	const char *later; /* not supported yet in lxc.namespace.clone */
} namespaces[] = {
	{ "cgroup", CLONE_NEWCGROUP, NULL },
	{ "ipc", CLONE_NEWIPC, NULL },
	{ "mnt", CLONE_NEWNS, NULL },
	{ "net", CLONE_NEWNET, NULL },
	{ "pid", CLONE_NEWPID, NULL },
	{ "time", CLONE_NEWTIME, NULL },
	{ "user", CLONE_NEWUSER, NULL }, /* with lxc.idmap only: plan-userns.c */
	{ "uts", CLONE_NEWUTS, NULL },
};

/* The CLONE_NEW* flags that the values of KEY name. With CLONE set,
 * namespaces that cannot be created yet are refused. *mnt_at: the index
 * of a value naming mnt. */
static int ns_flags(struct build *b, const char *key, bool clone, int *flags, size_t *mnt_at)
{
	char *const *v = conf_values(b->conf, key);

	for (size_t i = 0; v && v[i]; i++) {
		cleanup_free char **words = str_words(v[i], " \t");
		if (!words)
			return -ENOMEM;
		for (size_t w = 0; words[w]; w++) {
			size_t k = 0;
			while (k < ARRAY_SIZE(namespaces) && !str_eq(namespaces[k].name, words[w]))
				k++;
			if (k == ARRAY_SIZE(namespaces))
				return value_error(b, EINVAL, key, i, "unknown namespace \"%s\"",
						   words[w]);
			if (clone && namespaces[k].later)
				return value_error(b, EOPNOTSUPP, key, i, "not supported yet: %s",
						   namespaces[k].later);
			if (namespaces[k].flag == CLONE_NEWNS)
				*mnt_at = i;
			*flags |= namespaces[k].flag;
		}
	}
	return 0;
}

/* The network: lxc.net.N.type = none (alone) shares the host's. The
 * devices of other types are read by plan-net.c. */
static int build_net_none(struct build *b)
{
	cleanup_strv char **keys = conf_keys(b->conf);
	const char *none = NULL;
	size_t devices = 0;

	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; keys[i]; i++) {
		if (!str_starts_with(keys[i], "lxc.net.") || !str_ends_with(keys[i], ".type"))
			continue;
		devices++;
		if (str_eq(conf_value(b->conf, keys[i]), "none"))
			none = keys[i];
	}
	if (none && devices > 1)
		return value_error(b, EINVAL, none, LAST,
				   "none shares the host's network and must be the only network "
				   "device");
	if (none)
		b->p->clone_flags &= ~CLONE_NEWNET;
	return 0;
}

/* Default: every namespace but user and time. lxc.namespace.clone replaces
 * the set, lxc.namespace.keep takes from it. */
static int build_namespaces(struct build *b)
{
	int clone = 0, keep = 0;
	size_t clone_mnt = LAST, keep_mnt = LAST;
	int ret;

	if ((ret = ns_flags(b, "lxc.namespace.clone", true, &clone, &clone_mnt)) < 0 ||
	    (ret = ns_flags(b, "lxc.namespace.keep", false, &keep, &keep_mnt)) < 0)
		return ret;
	b->p->clone_flags = (conf_values(b->conf, "lxc.namespace.clone") ? clone : DEFAULT_CLONE) &
			    ~keep;
	if (keep & CLONE_NEWNS)
		return value_error(b, EINVAL, "lxc.namespace.keep", keep_mnt,
				   "a container needs its own mount namespace: remove mnt");
	if (!(b->p->clone_flags & CLONE_NEWNS))
		return value_error(b, EINVAL, "lxc.namespace.clone", LAST,
				   "a container needs its own mount namespace: add mnt");
	return build_net_none(b);
}

/* ------------------------------------------------------- capabilities */

/* Sets (or, for lxc.cap.keep, clears) in *DROP the capabilities named in
 * the values of KEY. In lxc.cap.keep, "none" forgets the capabilities kept
 * so far (alone: keep none). An empty value, which clears a list, never
 * gets here: the config has forgotten the earlier lines already. */
static int cap_bits(struct build *b, const char *key, bool keep, uint64_t all, uint64_t *drop)
{
	char *const *v = conf_values(b->conf, key);

	for (size_t i = 0; v && v[i]; i++) {
		cleanup_free char **words = str_words(v[i], " \t");
		if (!words)
			return -ENOMEM;
		for (size_t w = 0; words[w]; w++) {
			if (str_eq(words[w], "none")) {
				if (!keep)
					return value_error(b, EINVAL, key, i,
							   "none is for lxc.cap.keep; to drop "
							   "nothing, leave lxc.cap.drop empty");
				*drop = all;
				continue;
			}
			int cap = capability_from_name(words[w]);
			if (cap < 0)
				return value_error(b, EINVAL, key, i, "unknown capability \"%s\"",
						   words[w]);
			if (keep)
				*drop &= ~(UINT64_C(1) << cap);
			else
				*drop |= UINT64_C(1) << cap;
		}
	}
	return 0;
}

/* lxc.cap.drop, or every capability but lxc.cap.keep. Capabilities this
 * kernel does not have are left out. security/caps.c applies them. */
static int build_caps(struct build *b)
{
	struct start_plan *p = b->p;
	uint64_t all = caps_all();
	uint64_t drop = 0;
	int ret;

#ifndef HAVE_LIBCAP
	static const char *const keys[] = { "lxc.cap.keep", "lxc.cap.drop" };
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		if (conf_values(b->conf, keys[k]))
			return value_error(b, EOPNOTSUPP, keys[k], 0,
					   "not supported: lxcmgr was built without libcap "
					   "(--disable-capabilities)");
#endif
	if (conf_values(b->conf, "lxc.cap.keep")) {
		if (conf_values(b->conf, "lxc.cap.drop")) {
			cleanup_free char *drop_at = origin_at(b->conf, "lxc.cap.drop", 0);
			return value_error(b, EINVAL, "lxc.cap.keep", 0,
					   "lxc.cap.drop is set too (%s); use one of them",
					   drop_at ? drop_at : "?");
		}
		drop = all;
		ret = cap_bits(b, "lxc.cap.keep", true, all, &drop);
	} else {
		ret = cap_bits(b, "lxc.cap.drop", false, all, &drop);
	}
	if (ret < 0)
		return ret;
	drop &= all;
	p->cap_drop = calloc(64, sizeof(*p->cap_drop));
	if (!p->cap_drop)
		return -ENOMEM;
	for (int cap = 0; cap < 64; cap++)
		if (drop & (UINT64_C(1) << cap))
			p->cap_drop[p->n_cap_drop++] = cap;
	return 0;
}

/* ---------------------------------------------------------------- rest */

static int build_misc(struct build *b)
{
	struct start_plan *p = b->p;
	uint64_t nnp = 0, keyring = 1; /* LXC's default: a keyring of its own */
	int ret;

	if ((ret = get_signal(b, "lxc.signal.halt", &p->halt_signal)) < 0 ||
	    (ret = get_signal(b, "lxc.signal.reboot", &p->reboot_signal)) < 0 ||
	    (ret = get_signal(b, "lxc.signal.stop", &p->stop_signal)) < 0 ||
	    (ret = get_pdeath_signal(b, &p->pdeath_signal)) < 0 ||
	    (ret = get_uint(b, "lxc.no_new_privs", 1, &nnp)) < 0)
		return ret;
	p->no_new_privs = nnp == 1;
	uint64_t ephemeral = 0;
	if ((ret = get_uint(b, "lxc.ephemeral", 1, &ephemeral)) < 0)
		return ret;
	p->ephemeral = ephemeral == 1;
	if ((ret = get_uint(b, "lxc.keyring.session", 1, &keyring)) < 0)
		return ret;
	p->session_keyring = keyring == 1;
	if (dup_or_null(conf_value(b->conf, "lxc.uts.name"), &p->uts_name) < 0)
		return -ENOMEM;
	if ((ret = hook_set_load(b->c, &p->hooks, b->err)) < 0)
		return ret;
	if (hook_set_has(&p->hooks, HOOK_AUTODEV) && !p->autodev) {
		/* LXC skips them too; say so rather than drop them without a word. */
		cleanup_free char *origin = origin_at(b->conf, "lxc.hook.autodev", 0);
		strv_push(&p->notices, str_printf("lxc.hook.autodev (%s) is not run: lxc.autodev "
						  "is 0, and autodev hooks populate its /dev",
						  origin ? origin : "?"));
	}
	return 0;
}

/* The cgroup mounts show the container's own cgroups only through its
 * cgroup namespace; without one they would show the host's. */
static int build_cgroup_mount(struct build *b)
{
	struct start_plan *p = b->p;
	bool no_admin = false;

	if (!p->cgroup_mount)
		return 0;
	for (size_t i = 0; i < p->n_cap_drop; i++)
		no_admin |= p->cap_drop[i] == CAP_SYS_ADMIN;
	if (p->cgroup_mount == CGMOUNT_DEFAULT) /* as LXC: rw unless it could not remount */
		p->cgroup_mount = no_admin ? CGMOUNT_MIXED : CGMOUNT_RW;
	if (!(p->clone_flags & CLONE_NEWCGROUP))
		return error_msg(b->err, EOPNOTSUPP, "lxc.mount.auto (%s): not supported yet: cgroup "
				 "mounts without the container's own cgroup namespace (it is kept "
				 "or shared); drop the cgroup word or the lxc.namespace.keep/share "
				 "of cgroup",
				 p->auto_origin ? p->auto_origin : "?");
	return 0;
}

static int build_cgroup(struct build *b)
{
	int ret = build_cgroup_mount(b);

	ret = ret ?: plan_cgroup_build(b->c, &b->p->cgroup, b->err);
	if (ret == 0 && geteuid() != 0)
		ret = plan_cgroup_delegated(b->c->name, &b->p->cgroup, &b->p->notices, b->err);
	return ret;
}

static int build_all(struct build *b)
{
	static int (*const steps[])(struct build *) = {
		scan_keys, build_rootfs, build_rootfs_options, build_mount_entries, build_auto,
		build_dev, build_console_log, build_console_buffer, build_init, build_env,
		build_namespaces, plan_build_ns, plan_build_net, plan_build_proc, build_caps, build_misc,
		build_cgroup, security_plan_build, plan_build_userns,
	};

	b->p->name = strdup(b->c->name);
	b->p->config_path = strdup(b->c->config_path);
	if (!b->p->name || !b->p->config_path)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		int ret = steps[i](b);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int plan_build(struct lxcmgr_container *c, char *const *init_argv, struct start_plan **plan,
	       lxcmgr_error **err)
{
	struct build b = { .c = c, .conf = c->conf, .init_argv = init_argv, .err = err };
	int ret;

	*plan = NULL;
	b.p = calloc(1, sizeof(*b.p));
	ret = b.p ? build_all(&b) : -ENOMEM;
	strv_free(b.refused);
	if (ret < 0) {
		plan_free(b.p);
		if (err && !*err)
			error_set(err, -ret, "container \"%s\": start plan", c->name);
		return ret;
	}
	*plan = b.p;
	return 0;
}

void plan_free(struct start_plan *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->config_path);
	free(p->rootfs);
	free(p->rootfs_overlay);
	free(p->rootfs_origin);
	free(p->uts_name);
	free(p->auto_origin);
	for (size_t i = 0; i < p->n_mounts; i++)
		mount_release(&p->mounts[i]);
	free(p->mounts);
	free(p->tty_dir);
	free(p->console_log);
	free(p->console_log_origin);
	strv_free(p->init_argv);
	strv_free(p->init_env);
	free(p->init_cwd);
	free(p->init_groups);
	free(p->cap_drop);
	security_plan_free(p->security);
	hook_set_release(&p->hooks);
	strv_free(p->notices);
	plan_free_ns_proc(p);
	plan_free_net(p);
	plan_cgroup_release(&p->cgroup);
	plan_free_userns(p);
	free(p);
}
