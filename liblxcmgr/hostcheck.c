/* lxc-checkconfig's probes: what the running kernel and host offer to
 * containers.
 *
 * A feature that can be tried without changing the host is tried: namespaces
 * are unshared in forked children; network link types are created over
 * rtnetlink inside a child's private network namespace, which dies with it;
 * system calls are made with arguments that make them fail early, where
 * ENOSYS means "absent". The rest is read from /proc and /sys. Children make
 * only system calls and leave with _exit(). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lxcmgr.h"
#include "net/usernet.h"
#ifdef HAVE_LIBMNL
#include "net/usernic.h"
#endif
#include "security/subid.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef LXCPATH
#define LXCPATH "/var/lib/lxcmgr"
#endif
/* lsm_list_modules(2), Linux 6.8, has one number on every architecture that
 * takes new system calls from the common table. */
#if !defined(__NR_lsm_list_modules) &&                                                        \
	((defined(__x86_64__) && !defined(__ILP32__)) || defined(__i386__) || defined(__aarch64__) || \
	 defined(__arm__) || defined(__riscv) || defined(__powerpc__) || defined(__s390__) ||        \
	 defined(__loongarch__))
#define __NR_lsm_list_modules 461
#endif
/* Credentials change with raw system calls in a probe child (see run_child);
 * 32-bit ABIs with 16-bit ids have a *32 variant. */
#ifdef SYS_setresuid32
#define SYS_SETGROUPS SYS_setgroups32
#define SYS_SETRESGID SYS_setresgid32
#define SYS_SETRESUID SYS_setresuid32
#else
#define SYS_SETGROUPS SYS_setgroups
#define SYS_SETRESGID SYS_setresgid
#define SYS_SETRESUID SYS_setresuid
#endif
#define CHILD_STACK (256 * 1024)

#define OK LXCMGR_CHECK_OK
#define MISSING LXCMGR_CHECK_MISSING
#define WARN LXCMGR_CHECK_WARN
#define INFO LXCMGR_CHECK_INFO

#define G_NS "Namespaces"
#define G_CG "Control groups"
#define G_NET "Networking"
#define G_STORE "Storage"
#define G_SEC "Security"
#define G_UNPRIV "User namespaces for unprivileged use"
#define G_MISC "Misc"

/* ------------------------------------------------------------ tables */

static const struct ns_probe {
	const char *name, *key, *flagname, *config;
	int flag;
} ns_probes[] = {
	{ "Mount namespace", "mnt", "CLONE_NEWNS", "CONFIG_NAMESPACES", CLONE_NEWNS },
	{ "UTS namespace", "uts", "CLONE_NEWUTS", "CONFIG_UTS_NS", CLONE_NEWUTS },
	{ "IPC namespace", "ipc", "CLONE_NEWIPC", "CONFIG_IPC_NS", CLONE_NEWIPC },
	{ "PID namespace", "pid", "CLONE_NEWPID", "CONFIG_PID_NS", CLONE_NEWPID },
	{ "Network namespace", "net", "CLONE_NEWNET", "CONFIG_NET_NS", CLONE_NEWNET },
	{ "User namespace", "user", "CLONE_NEWUSER", "CONFIG_USER_NS", CLONE_NEWUSER },
	{ "Cgroup namespace", "cgroup", "CLONE_NEWCGROUP", "CONFIG_CGROUPS", CLONE_NEWCGROUP },
	{ "Time namespace", "time", "CLONE_NEWTIME", "CONFIG_TIME_NS", CLONE_NEWTIME },
};
#define N_NS ARRAY_SIZE(ns_probes)

static const struct cg_ctrl {
	const char *name, *config;
} cg_v1[] = {
	{ "cpu", "CONFIG_CGROUP_SCHED" },      { "cpuacct", "CONFIG_CGROUP_CPUACCT" },
	{ "cpuset", "CONFIG_CPUSETS" },        { "memory", "CONFIG_MEMCG" },
	{ "devices", "CONFIG_CGROUP_DEVICE" }, { "freezer", "CONFIG_CGROUP_FREEZER" },
	{ "blkio", "CONFIG_BLK_CGROUP" },      { "pids", "CONFIG_CGROUP_PIDS" },
	{ "name=systemd", NULL },
};
#define CG_MEMORY 3

static const struct link_probe {
	const char *label, *kind, *ifname, *module, *config;
	bool needs_lower; /* stacks on an Ethernet device (IFLA_LINK) */
} link_probes[] = {
	{ "veth", "veth", "lxcmgr-veth", "veth", "CONFIG_VETH", false },
	{ "bridge", "bridge", "lxcmgr-br", "bridge", "CONFIG_BRIDGE", false },
	{ "macvlan", "macvlan", "lxcmgr-macvlan", "macvlan", "CONFIG_MACVLAN", true },
	{ "ipvlan", "ipvlan", "lxcmgr-ipvlan", "ipvlan", "CONFIG_IPVLAN", true },
	{ "vlan (802.1Q)", "vlan", "lxcmgr-vlan", "8021q", "CONFIG_VLAN_8021Q", true },
};
#define N_LINKS ARRAY_SIZE(link_probes)

/* ---------------------------------------------------------- run state */

struct ns_result {
	int err;
	bool via_userns; /* not root: it worked inside a new user namespace */
};

struct net_arg {
	bool skip[N_LINKS]; /* would make the kernel load a module */
};

struct net_result {
	int setup_err;    /* unshare or socket failed: nothing was tried */
	bool lower_is_lo; /* no veth or bridge to stack on, so lo was used */
	int err[N_LINKS];
};

struct unpriv_result {
	int drop_err; /* could not become uid 65534 */
	int err;      /* unshare(CLONE_NEWUSER) */
};

enum { CG_NONE, CG_LEGACY, CG_HYBRID, CG_UNIFIED };

struct hc {
	struct lxcmgr_check *v;
	size_t n, cap;
	bool oom;
	struct utsname uts;
	int kmajor, kminor;
	bool modular;  /* the kernel loads modules (/proc/modules exists) */
	bool mod_read; /* mod_builtin and mod_dep were read */
	char *mod_builtin, *mod_dep;
	char *filesystems;
	char *lsm;            /* "lockdown,capability,...", NULL when unknown */
	const char *lsm_from; /* where lsm came from */
	int layout;
	char *v1_mnt[ARRAY_SIZE(cg_v1)];
	char *v2_mnt, *v2_ctrls;
	char *stack; /* for the probe children, CHILD_STACK bytes */
};

__attribute__((format(printf, 5, 6))) static void add(struct hc *hc, const char *group,
						      const char *name, int status,
						      const char *fmt, ...)
{
	char *detail = NULL;
	va_list ap;

	if (hc->oom)
		return;
	if (hc->n == hc->cap) {
		size_t cap = hc->cap ? hc->cap * 2 : 64;
		struct lxcmgr_check *v = realloc(hc->v, cap * sizeof(*v));
		if (!v) {
			hc->oom = true;
			return;
		}
		hc->v = v;
		hc->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&detail, fmt, ap) < 0)
		detail = NULL;
	va_end(ap);
	struct lxcmgr_check c = { strdup(group), strdup(name), status, detail };
	if (!c.group || !c.name || !c.detail) {
		free(c.group);
		free(c.name);
		free(c.detail);
		hc->oom = true;
		return;
	}
	hc->v[hc->n++] = c;
}

/* The trimmed content of a small file, or NULL. */
static char *read_str(const char *path)
{
	char *s = NULL;

	if (file_read(path, 1 << 20, &s, NULL) < 0)
		return NULL;
	char *t = str_trim(s);
	memmove(s, t, strlen(t) + 1);
	return s;
}

/* Whether word is one of the fields of list, split on any of seps. */
static bool list_has(const char *list, const char *word, const char *seps)
{
	size_t wlen = strlen(word);

	for (const char *p = list; p && *p;) {
		p += strspn(p, seps);
		size_t len = strcspn(p, seps);
		if (len == wlen && strncmp(p, word, len) == 0)
			return true;
		p += len;
	}
	return false;
}

static bool kernel_at_least(const struct hc *hc, int major, int minor)
{
	return hc->kmajor > major || (hc->kmajor == major && hc->kminor >= minor);
}

/* ------------------------------------------------------------ children */

typedef void (*child_fn)(const void *arg, void *out);

struct child_call {
	child_fn fn;
	const void *arg;
	void *out;
	bool done; /* fn returned: the child did not die on the way */
};

static int child_main(void *data)
{
	struct child_call *call = data;

	call->fn(call->arg, call->out);
	call->done = true;
	return 0;
}

/* Runs fn(arg, out) in a child process made with clone(CLONE_VM |
 * CLONE_VFORK), as posix_spawn does: it shares the caller's memory, so it
 * writes its answer straight into *out, and it is far cheaper than fork(),
 * which copies page tables. This thread waits while the child runs. The
 * child runs on its own stack with every signal blocked, makes only system
 * calls (raw ones for credentials: glibc's setresuid would also change the
 * caller's other threads), allocates nothing, and exits by returning from
 * child_main. Its namespaces die with it. Returns 0 or -errno. */
static int run_child(struct hc *hc, child_fn fn, const void *arg, void *out)
{
	struct child_call call = { fn, arg, out, false };
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid_t pid = clone(child_main, hc->stack + CHILD_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, &call);
	int e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return -e;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return call.done ? 0 : -ECHILD;
}

/* ---------------------------------------------------------- namespaces */

static void ns_child(const void *arg, void *out)
{
	const struct ns_probe *p = arg;
	struct ns_result *r = out;

	r->err = unshare(p->flag) == 0 ? 0 : errno;
	if (r->err == EPERM && p->flag != CLONE_NEWUSER && unshare(CLONE_NEWUSER | p->flag) == 0) {
		r->err = 0;
		r->via_userns = true;
	}
}

static void ns_report(struct hc *hc, const struct ns_probe *p, int ret, const struct ns_result *r)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces", p->key);
	cleanup_free char *max = read_str(path);
	const char *f = p->flagname;

	if (ret < 0)
		add(hc, G_NS, p->name, WARN, "could not be probed: %s", strerror(-ret));
	else if (r->err == 0 && p->flag == CLONE_NEWUSER)
		add(hc, G_NS, p->name, OK, "unshare(%s) works; max_user_namespaces = %s", f, max ? max : "?");
	else if (r->err == 0)
		add(hc, G_NS, p->name, OK, "unshare(%s) works%s", f,
		    r->via_userns ? " inside a new user namespace, as this is not root" : "");
	else if (r->err == EINVAL)
		add(hc, G_NS, p->name, MISSING, "unshare(%s): %s; the kernel needs %s", f, strerror(r->err),
		    p->config);
	else if (r->err == ENOSPC)
		add(hc, G_NS, p->name, MISSING, "unshare(%s): limit reached: %s is %s; raise it", f, path,
		    max ? max : "?");
	else if (r->err == EPERM)
		add(hc, G_NS, p->name, WARN, "unshare(%s): %s; %s", f, strerror(r->err),
		    geteuid() ? "run as root to probe" : "a seccomp filter or an outer container forbids it");
	else
		add(hc, G_NS, p->name, MISSING, "unshare(%s): %s", f, strerror(r->err));
}

static void check_namespaces(struct hc *hc)
{
	for (size_t i = 0; i < N_NS; i++) {
		struct ns_result r = { 0 };
		int ret = run_child(hc, ns_child, &ns_probes[i], &r);
		ns_report(hc, &ns_probes[i], ret, &r);
	}
#ifdef __NR_clone3
	/* A NULL, zero-sized argument fails before anything is created. */
	int e = syscall(__NR_clone3, NULL, 0) < 0 ? errno : 0;
#else
	int e = ENOSYS;
#endif
	if (e == ENOSYS)
		add(hc, G_NS, "clone3", WARN, "clone3(2) is missing: it needs Linux 5.3, or a seccomp filter hides it");
	else if (e == EPERM)
		add(hc, G_NS, "clone3", WARN, "clone3(2) is blocked: %s", strerror(e));
	else
		add(hc, G_NS, "clone3", OK, "clone3(2) is available");
}

/* ------------------------------------------------------- control groups */

static int cg_layout(void)
{
	struct statfs sfs;

	if (statfs("/sys/fs/cgroup", &sfs) < 0 || sfs.f_type == SYSFS_MAGIC)
		return CG_NONE; /* missing, or the bare sysfs directory */
	if (sfs.f_type == CGROUP2_SUPER_MAGIC)
		return CG_UNIFIED;
	if (sfs.f_type == TMPFS_MAGIC && statfs("/sys/fs/cgroup/unified", &sfs) == 0 &&
	    sfs.f_type == CGROUP2_SUPER_MAGIC)
		return CG_HYBRID;
	return CG_LEGACY;
}

/* A line of /proc/self/mountinfo: "id parent maj:min root mountpoint opts
 * [optional fields] - fstype source superopts". Escaped blanks (\040) in
 * mount points are kept; cgroup mounts have none. */
static void cg_parse_mount(struct hc *hc, const char *line)
{
	cleanup_strv char **f = str_split(line, " ");
	size_t n = strv_len(f), dash = 6;

	while (dash < n && !str_eq(f[dash], "-"))
		dash++;
	if (dash + 3 >= n)
		return;
	if (str_eq(f[dash + 1], "cgroup2") && !hc->v2_mnt)
		hc->v2_mnt = strdup(f[4]);
	for (size_t i = 0; str_eq(f[dash + 1], "cgroup") && i < ARRAY_SIZE(cg_v1); i++)
		if (!hc->v1_mnt[i] && list_has(f[dash + 3], cg_v1[i].name, ","))
			hc->v1_mnt[i] = strdup(f[4]);
}

static void cg_read_mounts(struct hc *hc)
{
	cleanup_free char *mi = NULL;
	char *save = NULL;

	if (file_read("/proc/self/mountinfo", 16 << 20, &mi, NULL) < 0)
		return;
	for (char *line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		cg_parse_mount(hc, line);
	if (hc->v2_mnt) {
		cleanup_free char *path = str_printf("%s/cgroup.controllers", hc->v2_mnt);
		hc->v2_ctrls = path ? read_str(path) : NULL;
	}
}

/* Whether /proc/cgroups lists the controller as enabled. */
static bool cg_in_kernel(const char *name)
{
	cleanup_free char *pc = NULL;
	char *save = NULL, sub[64];
	int enabled;

	if (file_read("/proc/cgroups", 1 << 20, &pc, NULL) < 0)
		return false;
	for (char *line = strtok_r(pc, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%63s %*d %*d %d", sub, &enabled) == 2 && str_eq(sub, name))
			return enabled;
	return false;
}

static void cg_v1_missing(struct hc *hc, const struct cg_ctrl *c, const char *label)
{
	if (!c->config)
		add(hc, G_CG, label, MISSING,
		    "no v1 hierarchy named systemd, which systemd in a container needs on a v1 host: "
		    "mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd");
	else if (list_has(hc->v2_ctrls, c->name, " "))
		add(hc, G_CG, label, MISSING, "bound to the cgroup2 hierarchy at %s, not to a v1 one",
		    hc->v2_mnt);
	else if (cg_in_kernel(c->name))
		add(hc, G_CG, label, MISSING,
		    "in the kernel but not mounted: mount -t cgroup -o %s cgroup /sys/fs/cgroup/%s", c->name,
		    c->name);
	else
		add(hc, G_CG, label, MISSING,
		    "not in this kernel, or disabled with cgroup_disable=; the kernel needs %s", c->config);
}

static void cg_report_v1(struct hc *hc)
{
	for (size_t i = 0; i < ARRAY_SIZE(cg_v1); i++) {
		char label[64];
		snprintf(label, sizeof(label), "%s %s", cg_v1[i].name,
			 cg_v1[i].config ? "controller" : "hierarchy");
		if (hc->v1_mnt[i])
			add(hc, G_CG, label, OK, "mounted at %s", hc->v1_mnt[i]);
		else
			cg_v1_missing(hc, &cg_v1[i], label);
	}
	if (hc->layout == CG_HYBRID)
		add(hc, G_CG, "cgroup2 hierarchy", INFO, "/sys/fs/cgroup/unified, controllers: %s",
		    hc->v2_ctrls && *hc->v2_ctrls ? hc->v2_ctrls : "none");
}

/* cgroup2 has no devices or freezer controller: eBPF programs filter devices
 * and cgroup.freeze (Linux 5.2) freezes. They are reported under the v1 names
 * so that "what a container needs" reads the same on both. */
static void cg_report_v2(struct hc *hc)
{
	static const char *const ctrls[] = { "cpu", "cpuset", "io", "memory", "pids" };
	char label[64];

	for (size_t i = 0; i < ARRAY_SIZE(ctrls); i++) {
		snprintf(label, sizeof(label), "%s controller", ctrls[i]);
		if (list_has(hc->v2_ctrls, ctrls[i], " "))
			add(hc, G_CG, label, OK, "in %s/cgroup.controllers", hc->v2_mnt);
		else
			add(hc, G_CG, label, MISSING,
			    "not in %s/cgroup.controllers: bound to a v1 hierarchy, or not in this kernel",
			    hc->v2_mnt);
	}
#ifdef __NR_bpf
	int e = syscall(__NR_bpf, -1, NULL, 0) < 0 ? errno : 0; /* an unknown command does nothing */
#else
	int e = ENOSYS;
#endif
	if (e == ENOSYS)
		add(hc, G_CG, "devices controller", MISSING,
		    "cgroup2 filters devices with eBPF, and bpf(2) is missing; the kernel needs CONFIG_CGROUP_BPF");
	else
		add(hc, G_CG, "devices controller", OK, "eBPF device programs; bpf(2) is available");
	if (kernel_at_least(hc, 5, 2))
		add(hc, G_CG, "freezer controller", OK, "cgroup.freeze, Linux 5.2 or later");
	else
		add(hc, G_CG, "freezer controller", MISSING, "cgroup.freeze needs Linux 5.2");
}

/* The root of a cgroup2 hierarchy has no memory.* files: look in its
 * children. 1 memory.swap.max found, 0 only memory.max, -1 neither. */
static int cg_v2_swap(const char *root)
{
	cleanup_closedir DIR *d = opendir(root);
	struct dirent *de;
	char path[4096];
	int found = -1;

	while (d && found < 1 && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/memory.swap.max", root, de->d_name);
		if (path_exists(path))
			found = 1;
		snprintf(path, sizeof(path), "%s/%s/memory.max", root, de->d_name);
		if (found < 0 && path_exists(path))
			found = 0;
	}
	return found;
}

static void cg_report_swap(struct hc *hc)
{
	const char *name = "Swap accounting", *mem = hc->v1_mnt[CG_MEMORY];
	cleanup_free char *memsw = mem ? str_printf("%s/memory.memsw.limit_in_bytes", mem) : NULL;
	int v2 = hc->layout == CG_UNIFIED && hc->v2_mnt ? cg_v2_swap(hc->v2_mnt) : -1;

	if (hc->layout == CG_UNIFIED && v2 > 0)
		add(hc, G_CG, name, OK, "memory.swap.max present");
	else if (hc->layout == CG_UNIFIED && v2 == 0)
		add(hc, G_CG, name, WARN, "no memory.swap.max, so swap limits will fail: boot with swapaccount=1");
	else if (hc->layout == CG_UNIFIED)
		add(hc, G_CG, name, WARN, "cannot tell: the memory controller is not enabled below /sys/fs/cgroup");
	else if (!mem)
		add(hc, G_CG, name, WARN, "cannot tell: no memory controller");
	else if (memsw && path_exists(memsw))
		add(hc, G_CG, name, OK, "memory.memsw.* files present");
	else
		add(hc, G_CG, name, WARN,
		    "no memory.memsw.* files, so lxc.cgroup.memory.memsw.* will fail: boot with swapaccount=1");
}

static void check_cgroups(struct hc *hc)
{
	static const char *const layouts[] = {
		[CG_NONE] = "none: nothing is mounted on /sys/fs/cgroup",
		[CG_LEGACY] = "legacy (v1): a hierarchy per controller under /sys/fs/cgroup",
		[CG_HYBRID] = "hybrid: v1 controllers under /sys/fs/cgroup, cgroup2 at /sys/fs/cgroup/unified",
		[CG_UNIFIED] = "unified (v2): one cgroup2 hierarchy at /sys/fs/cgroup",
	};

	hc->layout = cg_layout();
	add(hc, G_CG, "Layout", INFO, "%s", layouts[hc->layout]);
	if (hc->layout == CG_UNIFIED || hc->layout == CG_HYBRID) /* else the first in mountinfo */
		hc->v2_mnt = strdup(hc->layout == CG_UNIFIED ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified");
	cg_read_mounts(hc);
	if (hc->layout == CG_UNIFIED && hc->v2_mnt)
		cg_report_v2(hc);
	else
		cg_report_v1(hc);
	cg_report_swap(hc);
}

/* ----------------------------------------------------------- networking */

struct nlreq {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[256];
};

static struct rtattr *nl_put(struct nlreq *req, unsigned short type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(req->nh.nlmsg_len);

	if (off + RTA_SPACE(len) > sizeof(*req))
		return NULL;
	struct rtattr *rta = (struct rtattr *)((char *)req + off);
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	req->nh.nlmsg_len = off + RTA_SPACE(len);
	return rta;
}

static void nl_nest_end(struct nlreq *req, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)req + req->nh.nlmsg_len - (char *)nest);
}

/* Waits for the kernel's answer to request seq: 0 or a positive errno. */
static int nl_ack(int fd, unsigned seq)
{
	char buf[4096] __attribute__((aligned(NLMSG_ALIGNTO)));

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? ETIMEDOUT : errno;
		for (size_t off = 0; off + sizeof(struct nlmsghdr) <= (size_t)n;) {
			const struct nlmsghdr *nh = (const struct nlmsghdr *)(buf + off);
			if (nh->nlmsg_len < sizeof(*nh) || off + nh->nlmsg_len > (size_t)n)
				break;
			if (nh->nlmsg_type == NLMSG_ERROR && nh->nlmsg_seq == seq &&
			    nh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr)))
				return -((const struct nlmsgerr *)NLMSG_DATA(nh))->error;
			off += NLMSG_ALIGN(nh->nlmsg_len);
		}
	}
}

/* One RTM_NEWLINK, built on the stack: the child does not allocate. */
static int link_add(int fd, const struct link_probe *p, unsigned seq, uint32_t lower)
{
	struct nlreq req;
	uint16_t vlan_id = 1;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req.nh.nlmsg_type = RTM_NEWLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	req.nh.nlmsg_seq = seq;
	req.ifi.ifi_family = AF_UNSPEC;
	nl_put(&req, IFLA_IFNAME, p->ifname, strlen(p->ifname) + 1);
	if (p->needs_lower)
		nl_put(&req, IFLA_LINK, &lower, sizeof(lower));
	struct rtattr *info = nl_put(&req, IFLA_LINKINFO, NULL, 0);
	if (!info || !nl_put(&req, IFLA_INFO_KIND, p->kind, strlen(p->kind)))
		return ENOBUFS;
	if (str_eq(p->kind, "vlan")) {
		struct rtattr *data = nl_put(&req, IFLA_INFO_DATA, NULL, 0);
		if (!data || !nl_put(&req, IFLA_VLAN_ID, &vlan_id, sizeof(vlan_id)))
			return ENOBUFS;
		nl_nest_end(&req, data);
	}
	nl_nest_end(&req, info);
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return errno;
	return nl_ack(fd, seq);
}

/* In a private network namespace, creates a link of each type. The first
 * veth or bridge made is the lower device of the stacked types. */
static void net_child(const void *arg, void *out)
{
	const struct net_arg *a = arg;
	struct net_result *r = out;
	struct timeval tv = { .tv_sec = 2 };
	uint32_t lower = 0;

	if (unshare(CLONE_NEWNET) < 0 && (errno != EPERM || unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)) {
		r->setup_err = errno;
		return;
	}
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		r->setup_err = errno;
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (size_t i = 0; i < N_LINKS; i++) {
		const struct link_probe *p = &link_probes[i];
		if (a->skip[i])
			continue;
		r->err[i] = link_add(fd, p, (unsigned)i + 1, lower ? lower : 1);
		if (r->err[i] == 0 && !lower && !p->needs_lower)
			lower = if_nametoindex(p->ifname);
	}
	r->lower_is_lo = lower == 0;
}

/* Whether mod is a module on disk that is not loaded. Using what it provides
 * (a link type, a file system) would make the kernel load it, a change to the
 * host, so such features are not tried. */
static bool module_unloaded(struct hc *hc, const char *mod)
{
	char path[512], needle[64];

	if (!hc->modular)
		return false;
	snprintf(path, sizeof(path), "/sys/module/%s", mod);
	if (path_exists(path))
		return false;
	if (!hc->mod_read) {
		hc->mod_read = true;
		snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", hc->uts.release);
		file_read(path, 64 << 20, &hc->mod_builtin, NULL);
		snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", hc->uts.release);
		file_read(path, 64 << 20, &hc->mod_dep, NULL);
	}
	snprintf(needle, sizeof(needle), "/%s.ko", mod);
	return !(hc->mod_builtin && strstr(hc->mod_builtin, needle)) && hc->mod_dep &&
	       strstr(hc->mod_dep, needle);
}

static void net_report(struct hc *hc, const struct link_probe *p, bool skipped, int e,
		       bool lower_is_lo)
{
	if (skipped)
		add(hc, G_NET, p->label, WARN,
		    "module %s is not loaded, so it was not tried: modprobe %s, or let the first container load it",
		    p->module, p->module);
	else if (e == 0)
		add(hc, G_NET, p->label, OK, "created a %s link in a private network namespace", p->kind);
	else if (e == EOPNOTSUPP && hc->modular)
		add(hc, G_NET, p->label, MISSING, "unknown link type: modprobe %s, or rebuild the kernel with %s",
		    p->module, p->config);
	else if (e == EOPNOTSUPP)
		add(hc, G_NET, p->label, MISSING,
		    "unknown link type, and this kernel cannot load modules: rebuild it with %s=y", p->config);
	else if (p->needs_lower && lower_is_lo)
		add(hc, G_NET, p->label, WARN,
		    "the link type exists, but there was no Ethernet device to stack it on: %s", strerror(e));
	else
		add(hc, G_NET, p->label, MISSING, "creating a %s link failed: %s", p->kind, strerror(e));
}

static void check_networking(struct hc *hc)
{
	struct net_arg a = { { false } };
	struct net_result r = { 0 };

	for (size_t i = 0; i < N_LINKS; i++)
		a.skip[i] = module_unloaded(hc, link_probes[i].module);
	int ret = run_child(hc, net_child, &a, &r);
	int e = ret < 0 ? -ret : r.setup_err;
	for (size_t i = 0; i < N_LINKS; i++) {
		if (e)
			add(hc, G_NET, link_probes[i].label, WARN,
			    "could not be probed: private network namespace: %s", strerror(e));
		else
			net_report(hc, &link_probes[i], a.skip[i], r.err[i], r.lower_is_lo);
	}
}

/* -------------------------------------------------------------- storage */

static void check_storage(struct hc *hc)
{
	const char *fs = hc->filesystems, *seps = " \t\n";

	if (list_has(fs, "overlay", seps))
		add(hc, G_STORE, "overlay", OK, "in /proc/filesystems");
	else if (module_unloaded(hc, "overlay"))
		add(hc, G_STORE, "overlay", WARN,
		    "module overlay is not loaded: modprobe overlay, or let the first overlay mount load it");
	else
		add(hc, G_STORE, "overlay", WARN,
		    "not in /proc/filesystems: modprobe overlay, or rebuild the kernel with CONFIG_OVERLAY_FS");
#ifdef __NR_mount_setattr
	bool setattr = syscall(__NR_mount_setattr, -1, "", 0, NULL, 0) == 0 || errno != ENOSYS;
#else
	bool setattr = false;
#endif
	if (setattr && kernel_at_least(hc, 5, 12))
		add(hc, G_STORE, "idmapped mounts", INFO,
		    "supported by the kernel (mount_setattr(2), Linux 5.12+); each file system must support them too");
	else
		add(hc, G_STORE, "idmapped mounts", INFO, "not supported (needs Linux 5.12)");
	add(hc, G_STORE, "btrfs", INFO, "%s",
	    list_has(fs, "btrfs", seps) ? "in /proc/filesystems" : "not available");
	add(hc, G_STORE, "zfs", INFO, "%s",
	    list_has(fs, "zfs", seps) || path_exists("/dev/zfs") ? "available" : "not available");
}

/* ------------------------------------------------------------- security */

/* The active LSMs: securityfs when mounted, else lsm_list_modules(2). */
static void read_lsm(struct hc *hc)
{
	hc->lsm = read_str("/sys/kernel/security/lsm");
	hc->lsm_from = "/sys/kernel/security/lsm";
#ifdef __NR_lsm_list_modules
	static const char *const names[] = { "capability", "selinux", "smack",    "tomoyo", "apparmor",
					     "yama",       "loadpin", "safesetid", "lockdown", "bpf",
					     "landlock",   "ima",     "evm",       "ipe" }; /* from 100 */
	uint64_t ids[64];
	uint32_t size = sizeof(ids);
	char buf[1024] = "";
	long n = hc->lsm ? -1 : syscall(__NR_lsm_list_modules, ids, &size, 0);

	for (long i = 0; i < n && i < (long)ARRAY_SIZE(ids); i++) {
		size_t len = strlen(buf);
		uint64_t k = ids[i] - 100;
		if (k < ARRAY_SIZE(names))
			snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "," : "", names[k]);
		else
			snprintf(buf + len, sizeof(buf) - len, "%slsm%llu", i ? "," : "",
				 (unsigned long long)ids[i]);
	}
	if (n >= 0) {
		hc->lsm = strdup(buf);
		hc->lsm_from = "lsm_list_modules(2)";
	}
#endif
}

static void check_lsm(struct hc *hc)
{
	cleanup_free char *aa_param = read_str("/sys/module/apparmor/parameters/enabled");
	cleanup_free char *enforce = read_str("/sys/fs/selinux/enforce");

	read_lsm(hc);
	if (hc->lsm)
		add(hc, G_SEC, "Active LSMs", INFO, "%s (from %s)", hc->lsm, hc->lsm_from);
	else
		add(hc, G_SEC, "Active LSMs", INFO,
		    "unknown: securityfs is not mounted and lsm_list_modules(2) is missing");
	if (hc->lsm ? list_has(hc->lsm, "apparmor", ",") : aa_param && aa_param[0] == 'Y')
		add(hc, G_SEC, "AppArmor", OK, "active");
	else
		add(hc, G_SEC, "AppArmor", WARN,
		    "not active: lxc.apparmor.profile = generated is skipped; named profiles need "
		    "lxc.apparmor.allow_incomplete = 1");
	/* A mounted block device is mounted again without the devices
	 * cgroup's check (the superblock is reused): what stops a container's
	 * root there is an LSM that mediates mounts, or seccomp. */
	if (access("/sys/kernel/security/apparmor/features/mount", F_OK) == 0)
		add(hc, G_SEC, "Block device mounts", OK,
		    "AppArmor mediates mounts (generated profiles deny devtmpfs and block devices)");
	else
		add(hc, G_SEC, "Block device mounts", WARN,
		    "no LSM mediates mounts: a container's root could mount the host's disks; "
		    "lxc.seccomp.profile = common.seccomp (the busybox template sets it) forbids "
		    "block device nodes and mounts without nodev");
	if (hc->lsm ? !list_has(hc->lsm, "selinux", ",") : !enforce)
		add(hc, G_SEC, "SELinux", INFO, "not active");
	else
		add(hc, G_SEC, "SELinux", INFO, "active, %s",
		    !enforce ? "mode unknown" : str_eq(enforce, "1") ? "enforcing" : "permissive");
}

static void check_seccomp(struct hc *hc)
{
	int mode = prctl(PR_GET_SECCOMP, 0UL, 0UL, 0UL, 0UL);
	int e = mode < 0 ? errno : 0;
	cleanup_free char *status = read_str("/proc/self/status");

	if (mode < 0 || !status || !strstr(status, "\nSeccomp:"))
		add(hc, G_SEC, "Seccomp", MISSING, "prctl(PR_GET_SECCOMP): %s; the kernel needs CONFIG_SECCOMP",
		    strerror(e ? e : ENOSYS));
	/* A NULL filter fails with EFAULT, once filter mode is known. */
	else if (prctl(PR_SET_SECCOMP, (unsigned long)SECCOMP_MODE_FILTER, 0UL) < 0 && errno == EFAULT)
		add(hc, G_SEC, "Seccomp", OK, "filter mode supported; this process runs in mode %d", mode);
	else
		add(hc, G_SEC, "Seccomp", MISSING,
		    "no filter mode, so lxc.seccomp.profile cannot apply; the kernel needs CONFIG_SECCOMP_FILTER");
#if defined(__NR_seccomp) && defined(SECCOMP_GET_ACTION_AVAIL) && defined(SECCOMP_RET_USER_NOTIF)
	uint32_t action = SECCOMP_RET_USER_NOTIF;
	if (syscall(__NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0)
		add(hc, G_SEC, "Seccomp notify", OK, "SECCOMP_RET_USER_NOTIF is available");
	else
#endif
		add(hc, G_SEC, "Seccomp notify", WARN,
		    "no SECCOMP_RET_USER_NOTIF, so lxc.seccomp.notify.proxy will fail; it needs Linux 5.0");
	int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0UL, 0UL, 0UL, 0UL);
	if (nnp >= 0)
		add(hc, G_SEC, "no_new_privs", OK, "supported; this process has it %s", nnp ? "set" : "unset");
	else
		add(hc, G_SEC, "no_new_privs", MISSING, "PR_GET_NO_NEW_PRIVS: %s; it needs Linux 3.5",
		    strerror(errno));
}

static void check_caps(struct hc *hc)
{
	cleanup_free char *last = read_str("/proc/sys/kernel/cap_last_cap");
	const char *dir = path_is_dir(LXCPATH) ? LXCPATH : "/";

	add(hc, G_SEC, "Capabilities", INFO, "CAP_LAST_CAP = %s",
	    last ? last : "unknown (no /proc/sys/kernel/cap_last_cap)");
	if (getxattr(dir, "security.capability", NULL, 0) >= 0 || errno == ENODATA)
		add(hc, G_SEC, "File capabilities", OK, "%s stores security.capability attributes", dir);
	else
		add(hc, G_SEC, "File capabilities", WARN,
		    "%s cannot store security.capability attributes: %s; binaries in containers there lose them",
		    dir, strerror(errno));
}

/* -------------------------------------------- unprivileged containers */

/* As root, becomes nobody first: the question is what an ordinary user gets. */
static void unpriv_child(const void *arg, void *out)
{
	struct unpriv_result *r = out;
	const uid_t nobody = 65534;

	if (geteuid() == 0 && (syscall(SYS_SETGROUPS, 0, NULL) < 0 ||
			       syscall(SYS_SETRESGID, nobody, nobody, nobody) < 0 ||
			       syscall(SYS_SETRESUID, nobody, nobody, nobody) < 0)) {
		r->drop_err = errno;
		return;
	}
	r->err = unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
}

static void unpriv_report(struct hc *hc)
{
	const char *name = "Unprivileged user namespace";
	const char *who = geteuid() == 0 ? "uid 65534" : "this user";
	struct unpriv_result res = { 0 }, *r = &res;
	int ret = run_child(hc, unpriv_child, NULL, &res);
	cleanup_free char *clone = read_str("/proc/sys/kernel/unprivileged_userns_clone");
	cleanup_free char *aa = read_str("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");

	if (ret < 0 || r->drop_err)
		add(hc, G_UNPRIV, name, WARN, "could not be probed: %s",
		    strerror(ret < 0 ? -ret : r->drop_err));
	else if (r->err == 0 && str_eq(aa, "1"))
		add(hc, G_UNPRIV, name, WARN,
		    "%s can unshare(CLONE_NEWUSER), but kernel.apparmor_restrict_unprivileged_userns = 1 "
		    "takes its capabilities away unless a profile allows them", who);
	else if (r->err == 0)
		add(hc, G_UNPRIV, name, OK, "%s can unshare(CLONE_NEWUSER)", who);
	else if (str_eq(clone, "0"))
		add(hc, G_UNPRIV, name, MISSING, "%s cannot: %s; sysctl -w kernel.unprivileged_userns_clone=1",
		    who, strerror(r->err));
	else
		add(hc, G_UNPRIV, name, MISSING, "%s cannot unshare(CLONE_NEWUSER): %s", who,
		    strerror(r->err));
}

static void check_idmap_tool(struct hc *hc, const char *tool)
{
	static const char *const dirs[] = { "/usr/bin", "/bin" };
	char path[64];
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], tool);
		if (stat(path, &st) < 0)
			continue;
		if (st.st_uid == 0 && (st.st_mode & S_ISUID))
			add(hc, G_UNPRIV, tool, OK, "%s is setuid root", path);
		else if (getxattr(path, "security.capability", NULL, 0) > 0)
			add(hc, G_UNPRIV, tool, OK, "%s has file capabilities", path);
		else
			add(hc, G_UNPRIV, tool, WARN, "%s is not setuid root: apt-get install --reinstall uidmap",
			    path);
		return;
	}
	add(hc, G_UNPRIV, tool, WARN, "not installed: apt-get install uidmap");
}

static void check_subid_file(struct hc *hc, const char *path)
{
	static const char fix[] = "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 USER";
	cleanup_free char *data = NULL;
	char *save = NULL;
	size_t entries = 0;
	int ret = file_read(path, 16 << 20, &data, NULL);

	if (ret < 0) {
		add(hc, G_UNPRIV, path, WARN, "%s; %s", strerror(-ret), fix);
		return;
	}
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		entries += line[0] != '#' && strchr(line, ':');
	if (entries)
		add(hc, G_UNPRIV, path, OK, "%zu %s", entries, entries == 1 ? "entry" : "entries");
	else
		add(hc, G_UNPRIV, path, WARN, "empty: no user has subordinate ids; %s", fix);
}

/* The caller's own ranges (root's, as root: lxc-usernsexec's default). */
static void check_own_subids(struct hc *hc, char kind)
{
	const char *name = kind == 'u' ? "Subordinate uids" : "Subordinate gids";
	cleanup_error lxcmgr_error *err = NULL;
	cleanup_free char *user = NULL;
	struct subid_ranges r = { 0 };
	struct subid_env env;
	char list[512] = "";
	size_t used = 0;

	if (subid_env_self(&env, &user, &err) < 0 ||
	    subid_read(kind == 'u' ? env.subuid : env.subgid, &env, &r, &err) < 0) {
		add(hc, G_UNPRIV, name, WARN, "%s", err ? err->msg : "out of memory");
		return;
	}
	for (size_t i = 0; i < r.n && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%lu-%lu",
					 i ? ", " : "", r.v[i].first,
					 r.v[i].first + r.v[i].count - 1);
	if (r.n) {
		add(hc, G_UNPRIV, name, OK, "%s %s: %s", env.user ? env.user : "this user",
		    r.n == 1 ? "has" : "has the ranges", list);
	} else {
		struct subid_range first;
		if (subid_first_range(&env, kind, &first, &err) < 0)
			add(hc, G_UNPRIV, name, geteuid() == 0 ? INFO : MISSING, "%s", err->msg);
	}
	subid_ranges_release(&r);
}

/* mkdir and rmdir of a probe cgroup: 0 or errno. */
static int cg_probe_mkdir(const char *mnt, const char *own)
{
	cleanup_free char *dir = str_printf("%s%s/lxcmgr-checkconfig-%ld", mnt,
					    str_eq(own, "/") ? "" : own, (long)getpid());

	if (!dir)
		return ENOMEM;
	if (mkdir(dir, 0755) < 0)
		return errno;
	rmdir(dir);
	return 0;
}

/* An ordinary user's containers need a cgroup of their own to put their
 * cgroups under: one they can write (systemd delegates cgroup2 subtrees).
 * As lxc-start decides (cgroup/delegate.c): cgroup2 and name=systemd are
 * needed; a v1 controller that is not delegated is left out. */
static void check_delegation(struct hc *hc)
{
	static const char name[] = "Delegated cgroup";
	static const char fix[] = "start from a delegated scope: systemd-run --user --scope "
				  "-p Delegate=yes -- lxc-start ...";
	cleanup_free char *own = read_str("/proc/self/cgroup");
	char *save = NULL, denied[2][256] = { "", "" }; /* [0] needed, [1] v1 controllers */
	size_t used[2] = { 0, 0 }, tried = 0;
	int last = 0;

	if (geteuid() == 0) {
		add(hc, G_UNPRIV, name, INFO, "root creates cgroups anywhere; an ordinary user "
		    "needs a delegated one (%s)", fix);
		return;
	}
	char *l = own ? strtok_r(own, "\n", &save) : NULL;
	for (; l; l = strtok_r(NULL, "\n", &save)) {
		char *ctrls = strchr(l, ':'), *path = ctrls ? strchr(ctrls + 1, ':') : NULL;
		if (!path)
			continue;
		*path++ = '\0';
		ctrls++;
		const char *mnt = NULL;
		if (!*ctrls)
			mnt = hc->v2_mnt;
		for (size_t i = 0; *ctrls && i < ARRAY_SIZE(cg_v1) && !mnt; i++)
			if (list_has(ctrls, cg_v1[i].name, ","))
				mnt = hc->v1_mnt[i];
		if (!mnt)
			continue;
		tried++;
		int e = cg_probe_mkdir(mnt, path);
		if (!e)
			continue;
		last = e;
		int k = mnt != hc->v2_mnt && !list_has(ctrls, "name=systemd", ",");
		const char *base = strrchr(mnt, '/');
		if (used[k] < sizeof(denied[k]))
			used[k] += (size_t)snprintf(denied[k] + used[k], sizeof(denied[k]) - used[k],
						    "%s%s", used[k] ? ", " : "", base ? base + 1 : mnt);
	}
	if (!tried)
		add(hc, G_UNPRIV, name, WARN, "no cgroup hierarchy of this process was found");
	else if (!used[0] && !used[1])
		add(hc, G_UNPRIV, name, OK, "this user can create cgroups below its own, in every "
		    "hierarchy");
	else if (used[0])
		add(hc, G_UNPRIV, name, MISSING,
		    "this user cannot create a cgroup below its own in %s (%s); %s%s", denied[0],
		    strerror(last), fix,
		    hc->v1_mnt[ARRAY_SIZE(cg_v1) - 1] ? "; on cgroup v1 hierarchies root must make "
		    "a cgroup for the user and chown it" : "");
	else
		add(hc, G_UNPRIV, name, WARN,
		    "this user cannot create a cgroup below its own in %s (%s): a container "
		    "runs without those controllers, and keys that need them fail; root can make "
		    "a cgroup for the user there and chown it", denied[1], strerror(last));
}

/* lxcmgr-user-nic, which gives an ordinary user's containers their veths:
 * it works only setuid root, runnable by them, on a mount that honours
 * setuid. */
static void check_user_nic(struct hc *hc)
{
	static const char name[] = "lxcmgr-user-nic";
#ifdef HAVE_LIBMNL
	const char *path = usernic_helper();
	struct statvfs vfs;
	struct stat st;

	if (stat(path, &st) < 0)
		add(hc, G_UNPRIV, name, WARN, "%s: %s; an ordinary user's veth needs it, setuid "
		    "root (reinstall lxcmgr)", path, strerror(errno));
	else if (st.st_uid != 0 || !(st.st_mode & S_ISUID))
		add(hc, G_UNPRIV, name, WARN, "%s is not setuid root, so an ordinary user's veth "
		    "fails; as root: chown root %s; chmod u+s %s, or reinstall lxcmgr", path,
		    path, path);
	else if (!(st.st_mode & S_IXOTH))
		add(hc, G_UNPRIV, name, WARN, "%s is setuid root but not executable by ordinary "
		    "users (as root: chmod o+rx %s)", path, path);
	else if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_NOSUID))
		add(hc, G_UNPRIV, name, WARN, "%s is setuid root but on a nosuid mount, where it "
		    "runs without root (install it on another mount)", path);
	else
		add(hc, G_UNPRIV, name, OK, "%s is setuid root", path);
#else
	add(hc, G_UNPRIV, name, INFO, "not built (configure found no libmnl): an ordinary "
	    "user's veths are refused");
#endif
}

/* The calling user's name and the names of their groups, as
 * lxcmgr-user-nic looks them up (-ENOENT: no passwd entry). */
static int caller_names(char **user, char ***groups)
{
	struct passwd pwd, *pw = NULL;
	char buf[16384];
	gid_t gids[256];
	int n = (int)ARRAY_SIZE(gids);

	if (getpwuid_r(getuid(), &pwd, buf, sizeof(buf), &pw) != 0 || !pw)
		return -ENOENT;
	if (!(*user = strdup(pw->pw_name)))
		return -ENOMEM;
	if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &n) < 0)
		n = (int)ARRAY_SIZE(gids); /* more than that: the first ones */
	for (int i = 0; i < n; i++) {
		struct group grp, *gr = NULL;
		char gbuf[16384];
		if (getgrgid_r(gids[i], &grp, gbuf, sizeof(gbuf), &gr) == 0 && gr &&
		    strv_push_dup(groups, gr->gr_name) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* What lxc-usernet gives the calling user; as root, that every line parses. */
static void usernet_report(struct hc *hc, const char *path, const char *text)
{
	static const char name[] = "lxc-usernet";
	cleanup_free char *user = NULL, *given = NULL;
	cleanup_strv char **groups = NULL;
	cleanup_error lxcmgr_error *err = NULL;
	bool root = getuid() == 0;
	int ret = root ? 0 : caller_names(&user, &groups);

	if (ret == -ENOENT) {
		add(hc, G_UNPRIV, name, WARN, "%s: uid %lu has no passwd entry, and its lines name "
		    "users", path, (unsigned long)getuid());
		return;
	}
	struct usernet_who who = { .user = root ? "" : user,
				   .groups = (const char *const *)groups };
	ret = ret ?: usernet_allowances(text, path, &who, &given, &err);
	if (ret < 0)
		add(hc, G_UNPRIV, name, WARN, "%s", err ? err->msg : strerror(-ret));
	else if (root)
		add(hc, G_UNPRIV, name, OK, "%s is root's, and each line is USER|@GROUP TYPE "
		    "BRIDGE COUNT", path);
	else if (!*given)
		add(hc, G_UNPRIV, name, WARN, "%s gives user \"%s\" no network device (as root, "
		    "add \"%s veth BRIDGE 1\"; lxc-usernet(5))", path, user, user);
	else
		add(hc, G_UNPRIV, name, OK, "%s gives user \"%s\": %s", path, user, given);
}

/* lxc-usernet, which lxcmgr-user-nic obeys only as a regular file of
 * root's that only root can write. */
static void check_usernet(struct hc *hc)
{
	static const char name[] = "lxc-usernet";
	static const char path[] = LXCMGRCONFDIR "/" USERNET_FILE;
	cleanup_close int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	cleanup_free char *text = NULL;
	struct stat st;

	if (fd < 0 && errno == ENOENT) {
		add(hc, G_UNPRIV, name, getuid() == 0 ? INFO : WARN, "%s does not exist: no "
		    "ordinary user may have a veth (as root, add lines \"USER veth BRIDGE COUNT\"; "
		    "lxc-usernet(5))", path);
		return;
	}
	if (fd < 0 && errno == EACCES) {
		add(hc, G_UNPRIV, name, INFO, "%s: %s (lxcmgr-user-nic reads it as root)", path,
		    strerror(errno));
		return;
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		add(hc, G_UNPRIV, name, WARN, "%s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
		add(hc, G_UNPRIV, name, WARN, "%s is not a regular file owned by root and writable "
		    "by root only, so lxcmgr-user-nic refuses it (as root: chown root %s; chmod "
		    "644 %s)", path, path, path);
		return;
	}
	int ret = file_read_fd(fd, 1u << 20, &text, NULL);
	if (ret < 0)
		add(hc, G_UNPRIV, name, WARN, "read %s: %s", path, strerror(-ret));
	else
		usernet_report(hc, path, text);
}

static void check_unprivileged(struct hc *hc)
{
	unpriv_report(hc);
	check_idmap_tool(hc, "newuidmap");
	check_idmap_tool(hc, "newgidmap");
	check_subid_file(hc, "/etc/subuid");
	check_subid_file(hc, "/etc/subgid");
	check_own_subids(hc, 'u');
	check_own_subids(hc, 'g');
	check_delegation(hc);
	check_user_nic(hc);
	check_usernet(hc);
}

/* ----------------------------------------------------------------- misc */

static void check_misc(struct hc *hc)
{
	const char *nslp = "/proc/sys/kernel/ns_last_pid";
	struct stat st;

	add(hc, G_MISC, "Kernel", INFO, "%s %s", hc->uts.release, hc->uts.machine);
#ifdef __NR_pidfd_open
	int fd = syscall(__NR_pidfd_open, getpid(), 0);
	int e = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
#else
	int e = ENOSYS;
#endif
	if (e == 0)
		add(hc, G_MISC, "pidfd_open", OK, "pidfd_open(2) works");
	else
		add(hc, G_MISC, "pidfd_open", WARN, "pidfd_open(2): %s; it needs Linux 5.3", strerror(e));
	if (!path_exists(nslp))
		add(hc, G_MISC, "Checkpoint/restore", INFO, "no %s (CONFIG_CHECKPOINT_RESTORE)", nslp);
	else
		add(hc, G_MISC, "Checkpoint/restore", INFO, "%s is %s", nslp,
		    access(nslp, W_OK) == 0 ? "writable" : "read-only for this user");
	if (stat("/dev/fuse", &st) == 0 && S_ISCHR(st.st_mode))
		add(hc, G_MISC, "FUSE", INFO, "/dev/fuse present (lxcfs can run)");
	else
		add(hc, G_MISC, "FUSE", INFO, "no /dev/fuse (lxcfs needs it)");
}

/* ------------------------------------------------------------------ api */

static void hc_free(struct hc *hc)
{
	lxcmgr_checks_free(hc->v, hc->n);
	free(hc->mod_builtin);
	free(hc->mod_dep);
	free(hc->filesystems);
	free(hc->lsm);
	for (size_t i = 0; i < ARRAY_SIZE(cg_v1); i++)
		free(hc->v1_mnt[i]);
	free(hc->v2_mnt);
	free(hc->v2_ctrls);
	if (hc->stack)
		munmap(hc->stack, CHILD_STACK);
}

LXCMGR_PUBLIC int lxcmgr_check_host(struct lxcmgr_check **checks, size_t *count,
				    lxcmgr_error **err)
{
	struct hc hc = { 0 };

	*checks = NULL;
	*count = 0;
	if (uname(&hc.uts) < 0)
		return error_set(err, errno, "uname");
	hc.stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (hc.stack == MAP_FAILED)
		return error_set(err, errno, "host check: stack for the probes");
	sscanf(hc.uts.release, "%d.%d", &hc.kmajor, &hc.kminor);
	hc.modular = path_exists("/proc/modules");
	hc.filesystems = read_str("/proc/filesystems");

	check_namespaces(&hc);
	check_cgroups(&hc);
	check_networking(&hc);
	check_storage(&hc);
	check_lsm(&hc);
	check_seccomp(&hc);
	check_caps(&hc);
	check_unprivileged(&hc);
	check_misc(&hc);

	if (hc.oom) {
		hc_free(&hc);
		return error_set(err, ENOMEM, "host check");
	}
	*checks = steal_ptr(hc.v);
	*count = hc.n;
	hc.n = 0;
	hc_free(&hc);
	return 0;
}

LXCMGR_PUBLIC void lxcmgr_checks_free(struct lxcmgr_check *checks, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(checks[i].group);
		free(checks[i].name);
		free(checks[i].detail);
	}
	free(checks);
}
