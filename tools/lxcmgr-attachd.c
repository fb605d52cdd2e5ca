/* lxcmgr-attachd: a container's attach server (liblxcmgr/attach/attach.h,
 * "the attach server"). The monitor starts it on the first lxc-attach,
 * from a sealed memfd, with what it opened on the host: the listening
 * socket, init's pidfd, the cgroup.procs files of the container's cgroups
 * and the container's seccomp filter. It enters init's namespaces (the pid
 * namespace only for its children, the cgroup namespace not at all) and
 * then, per request, vforks a child that joins the cgroups and the cgroup
 * namespace, drops to what init has and execs the command: one exec per
 * attach besides lxc-attach's own, instead of the joiner's, lxcmgr-exec's
 * and the command's.
 *
 * Why it keeps each protection of lxc-attach (issue 5):
 * - Not dumpable or ptraceable until exec: PR_SET_DUMPABLE 0 is its first
 *   system call, before any setns; its children inherit it and a change of
 *   uid keeps it. Its memory map was made on the host (its exec), so
 *   tracing it needs CAP_SYS_PTRACE in the initial user namespace: root of
 *   an idmapped container has none. Root of a privileged container that
 *   keeps sys_ptrace could trace a child before its exec and, through the
 *   memory they share, this server: the same threshold as the joiner's
 *   child today, which shares lxc-attach's memory.
 * - Invisible: it has no pid in the container's pid namespace (setns on
 *   it sets only pid_for_children), so nothing inside can signal it, trace
 *   it or open its /proc/PID/exe; its children's parent is outside too.
 * - /proc/self/exe: the server runs from a sealed memfd, so a command
 *   "#!/proc/self/exe" runs this image (which refuses: argv[0] is not
 *   ATTACHD_ARGV0) and never a host file the container could write
 *   (CVE-2019-5736).
 * - No host fd: everything it holds is close-on-exec (received with
 *   MSG_CMSG_CLOEXEC, made with *_CLOEXEC), and the child marks every fd
 *   above 2 close-on-exec (close_range) before its exec; 0, 1 and 2 are
 *   the caller's or the pty's.
 * - No terminal of the host: the server and each command run in sessions
 *   of their own (setsid), so a command cannot open the caller's or the
 *   monitor's terminal as /dev/tty, and kill(0) reaches only its group.
 * - cwd inside: setns to the mount namespace gives the container's root
 *   and cwd; the child chdirs (as the target user) to the user's home, or
 *   "/" of the container.
 * - What init has: the child drops the bounding set to init's, sets
 *   no_new_privs when init has it, loads init's seccomp filter (while it
 *   still has CAP_SYS_ADMIN), switches groups and user, lowers its
 *   capability sets to init's bounding set and clears the inheritable and
 *   ambient ones: the order of lxc-attach's own child (attach/child.c).
 *   AppArmor: a monitor whose init has a profile starts no server, and
 *   lxc-attach takes its own path.
 * - Who may ask: the socket lives in the monitor's runtime directory (mode
 *   0700, the monitor's uid) with mode 0600, like the command socket; the
 *   caller sends everything it could have done itself with lxc-attach.
 * - Left as it was: between its vfork and its exec the child has a pid in
 *   the container's pid namespace, and a container root allowed to signal
 *   it (a privileged container's; an idmapped one's once the child has
 *   switched to its user) can stop it there. lxc-attach's own child could
 *   be stopped the same way and hang that attach; here the server waits in
 *   vfork, so every attach through it hangs until the child is continued or
 *   killed (LXCMGR_ATTACH_SERVER=0 attaches without it meanwhile).
 * - The container's files (ATTACHD_RESOLVE, lxc-attach's front): the
 *   child reads /etc/passwd and /etc/group in the container's mount
 *   namespace, as its root, before it drops anything: what the caller's
 *   side read as host root through init's root before. Opened with
 *   openat2 RESOLVE_NO_MAGICLINKS (the child holds the server's fds, which
 *   /proc/self/fd/N would reopen), O_NONBLOCK and regular files only (a
 *   FIFO would hold the vforked server), at most 16 MiB read; what is in
 *   them goes only into this command's ids and environment.
 * - A slow or hostile client cannot stall it: every send is MSG_DONTWAIT,
 *   a request is one datagram read only when poll says so, and a client
 *   that sends a bad one, or cannot take an answer, is dropped (its
 *   command, if any, is still reaped).
 *
 * No libc: a copy lives in a memfd for each running container, so it is
 * kept to a few KiB (nolibc.h, shared with lxcmgr-exec). */
#include "nolibc.h"

#include <asm/ioctls.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <linux/stat.h>

#define LXCMGR_ATTACH_HELPER_ONLY
#include "attach/attach.h"

#define MAX_SLOTS 64
#define CHILD_STACK (32 * 1024)
#define MAX_CGROUPS 32

#define O_RDWR_ 02
#define O_NONBLOCK_ 04000
#define O_NOCTTY_ 0400
#define SOCK_NONBLOCK_ 04000
#define MSG_PEEK_ 2
#define MSG_TRUNC_ 0x20
#define MSG_DONTWAIT_ 0x40
#define POLLERR_ 8
#define POLLHUP_ 16
#define P_PIDFD_ 3
#define WEXITED_ 4
#define SEEK_END_ 2
#define PROT_RW_ 3
#define MAP_PRIVATE_ANON_ 0x22
#define CLD_EXITED_ 1
#define CLD_DUMPED_ 3
#define PR_CAP_AMBIENT_ 47
#define PR_CAP_AMBIENT_CLEAR_ALL_ 4
#define S_IFMT_ 0170000
#define S_IFREG_ 0100000
#define AT_EMPTY_PATH_ 0x1000

/* The start of siginfo_t (waitid), the same on x86_64 and aarch64. */
struct siginfo_ {
	int signo, errnum, code, pad;
	int pid, uid, status;
	char rest[100];
};

/* clone_run(flags, stack top, &pidfd, fn, arg): the child runs fn(arg) on
 * its own stack and exits with its return value; the parent gets the pid
 * (or -errno). With CLONE_VFORK the parent waits until the child execs. */
long clone_run(unsigned long flags, void *stack, int *pidfd, int (*fn)(void *), void *arg);
#if defined(__x86_64__)
__asm__(".text\n.global clone_run\nclone_run:\n"
	"\tand $-16, %rsi\n\tsub $16, %rsi\n\tmov %rcx, 0(%rsi)\n\tmov %r8, 8(%rsi)\n"
	"\txor %r10d, %r10d\n\txor %r8d, %r8d\n\tmov $56, %eax\n\tsyscall\n"
	"\ttest %rax, %rax\n\tjnz 1f\n"
	"\txor %ebp, %ebp\n\tpop %rax\n\tpop %rdi\n\tcall *%rax\n"
	"\tmov %rax, %rdi\n\tmov $60, %eax\n\tsyscall\n\thlt\n"
	"1:\tret\n");
#elif defined(__aarch64__)
__asm__(".text\n.global clone_run\nclone_run:\n"
	"\tand x1, x1, #-16\n\tstp x3, x4, [x1, #-16]!\n"
	"\tmov x3, #0\n\tmov x4, #0\n\tmov x8, #220\n\tsvc #0\n"
	"\tcbnz x0, 1f\n"
	"\tldp x1, x0, [sp], #16\n\tblr x1\n\tmov x8, #93\n\tsvc #0\n\tbrk #0\n"
	"1:\tret\n");
#endif

/* ------------------------------------------------------------ state */

static struct {
	int listen, init_pidfd, ns_mask, cap_last;
	unsigned long long cap_bnd;
	bool nnp;
	struct sock_fprog filter; /* len 0: none */
	int cg[MAX_CGROUPS];
	int n_cg;
	const char *conf_env; /* lxc.environment: n_conf_env strings, one after another */
	size_t n_conf_env;
} srv;

/* A request being run: shared with the vforked child, which reports a
 * failure here (err: -errno, what: the step) before it exits. */
static struct {
	const struct attachd_request *req;
	uint32_t uid, gid;
	const uint32_t *groups;
	size_t n_groups;
	const char *file, *home;
	char **argv, **envp;
	char **set_vars; /* ATTACHD_RESOLVE: -v NAME=VALUE */
	char *scratch;   /* ATTACHD_RESOLVE: the child's memory, SCRATCH_SIZE(envc) */
	size_t scratch_size;
	int fds[3];
	int slave;
	long err;
	const char *what;
	const char *hint; /* how to fix it, or null */
} job;

static char child_stack[CHILD_STACK] __attribute__((aligned(16)));

/* One client: waiting for its request (pidfd -1), or for its command. */
static struct slot {
	int sock;  /* -1: the client is gone (or none) */
	int pidfd; /* the command's, while it runs */
} slots[MAX_SLOTS];

static void sys_close(int fd)
{
	if (fd >= 0)
		sys3(__NR_close, fd, 0, 0);
}

static long parse_num(const char *s, int base, bool *ok)
{
	long v = 0, sign = 1;

	if (*s == '-' && base == 10)
		sign = -1, s++;
	*ok &= *s != '\0';
	for (; *s; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0'
			: *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : 99;
		if (d >= base || v > (1L << 56)) {
			*ok = false;
			return 0;
		}
		v = v * base + d;
	}
	return v * sign;
}

/* ------------------------------------------------------------ the child */

#define child_fail(step, e)            \
	do {                           \
		job.what = (step);     \
		job.err = (e);         \
		sys3(__NR_exit, 1, 0, 0); \
	} while (0)

static void limit_capabilities(void)
{
	struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	long r = sys3(__NR_capget, &head, data, 0);

	if (r < 0)
		child_fail("read the capability sets", r);
	for (int i = 0; i < 2; i++) {
		unsigned k = (unsigned)(srv.cap_bnd >> (32 * i));
		data[i].effective &= k;
		data[i].permitted &= k;
		data[i].inheritable = 0;
	}
	if ((r = sys3(__NR_capset, &head, data, 0)) < 0)
		child_fail("lower the capability sets", r);
	r = sys6(__NR_prctl, PR_CAP_AMBIENT_, PR_CAP_AMBIENT_CLEAR_ALL_, 0, 0, 0, 0);
	if (r < 0 && r != -EINVAL)
		child_fail("clear the ambient capabilities", r);
}

static void drop_privileges(void)
{
	long r;

	for (int cap = 0; cap <= srv.cap_last; cap++)
		if (!(srv.cap_bnd & (1ULL << cap)) &&
		    sys3(__NR_prctl, PR_CAPBSET_READ, cap, 0) == 1 &&
		    (r = sys3(__NR_prctl, PR_CAPBSET_DROP, cap, 0)) < 0)
			child_fail("drop a capability from the bounding set", r);
	if (srv.nnp && (r = sys6(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0)) < 0)
		child_fail("set no_new_privs", r);
	if (srv.filter.len &&
	    (r = sys3(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &srv.filter)) < 0)
		child_fail("load the container's seccomp filter", r);
	r = sys3(__NR_setgroups, job.n_groups, job.groups, 0);
	if (r < 0 && r != -EPERM)
		child_fail("setgroups", r);
	if ((r = sys3(__NR_setresgid, job.gid, job.gid, job.gid)) < 0)
		child_fail("switch group", r);
	if ((r = sys3(__NR_setresuid, job.uid, job.uid, job.uid)) < 0)
		child_fail("switch user", r);
	limit_capabilities();
}

/* Names the cgroup.procs that refused the child: the fd's path, read
 * back through /proc/self/fd (the container's /proc, the child being in
 * its mount and pid namespaces; the kernel gives a file outside the root
 * by its path from the host's root). */
static void join_failed(int fd, long r)
{
	static char what[400];
	char link[32] = "/proc/self/fd/", digits[12], path[320];
	size_t at = sizeof("/proc/self/fd/") - 1, n = sizeof(digits) - 1;

	digits[n] = '\0';
	do
		digits[--n] = (char)('0' + fd % 10);
	while ((fd /= 10) && n);
	put(link, sizeof(link), &at, digits + n);
	long len = sys5(__NR_readlinkat, AT_FDCWD_, link, path, sizeof(path) - 1, 0);
	path[len > 0 ? len : 0] = '\0';
	at = 0;
	put(what, sizeof(what), &at, "write to \"");
	put(what, sizeof(what), &at, len > 0 ? path : "cgroup.procs");
	put(what, sizeof(what), &at, "\" to join the container's cgroup");
	job.hint = attach_cgroup_join_hint((int)-r, (int)sys3(__NR_sched_getscheduler, 0, 0, 0));
	child_fail(what, r);
}

/* ------------------------------------------------------------ the user
 *
 * ATTACHD_RESOLVE: what attach_prepare (liblxcmgr/attach/env.c) does on
 * the caller's side, done here in the child, which sees the container's
 * files as the command will: the user in /etc/passwd, its groups in
 * /etc/group, the environment. The same rules; env.c says why each. */

#define LINE_MAX_ (64 * 1024)  /* longer lines of passwd or group are skipped */
#define FILE_MAX_ (16L << 20)   /* read no further: the server waits for us */
#define GROUPS_MAX_ 65536       /* NGROUPS_MAX of Linux, as env.c */
/* The child's memory, mapped by the server: groups, one line, the user's
 * fields, the four variables made of them, then the vector. */
#define SCRATCH_FIXED (GROUPS_MAX_ * 4 + 2 * LINE_MAX_ + 4 * (LINE_MAX_ + 16))
#define SCRATCH_SIZE(n_vec) ((SCRATCH_FIXED + (n_vec) * sizeof(char *) + 4095) & ~4095UL)

struct user {
	bool known;
	uint32_t gid;
	char *name, *home, *shell; /* in scratch */
};

static char *scratch_at; /* the next free byte after the line buffer */

static char *scratch_copy(const char *a, const char *b, size_t b_len)
{
	char *out = scratch_at;
	size_t at = 0;

	while (*a)
		out[at++] = *a++;
	for (size_t i = 0; i < b_len; i++)
		out[at++] = b[i];
	out[at++] = '\0';
	scratch_at += at;
	return out;
}

/* FILE of the container, opened without following a /proc magic link
 * (this child holds the server's fds) and without blocking: a FIFO there
 * must not hold the server, so anything but a regular file counts as none. */
static long open_inside(const char *file)
{
	struct open_how how = { .flags = O_RDONLY_ | O_NONBLOCK_ | O_NOCTTY_ | O_CLOEXEC_,
				.resolve = RESOLVE_NO_MAGICLINKS };
	struct statx st;
	long fd = sys6(__NR_openat2, AT_FDCWD_, (long)file, (long)&how, sizeof(how), 0, 0);

	if (fd < 0)
		return fd;
	st.stx_mode = 0;
	if (sys6(__NR_statx, fd, (long)"", AT_EMPTY_PATH_, STATX_TYPE, (long)&st, 0) < 0 ||
	    (st.stx_mode & S_IFMT_) != S_IFREG_) {
		sys_close((int)fd);
		return -ENOENT;
	}
	return fd;
}

/* Calls FN with each line (its end a NUL) of FILE until FN says it is
 * done. 0 (no file: 0 too), or -errno. */
static long each_line(const char *file, bool (*fn)(char *line, void *arg), void *arg)
{
	char *buf = job.scratch + GROUPS_MAX_ * 4;
	size_t have = 0;
	long total = 0, fd = open_inside(file);
	bool skipping = false;

	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return fd;
	for (;;) {
		long n = total < FILE_MAX_ ? sys3(__NR_read, fd, buf + have, LINE_MAX_ - 1 - have) : 0;
		if (n < 0) {
			sys_close((int)fd);
			return n;
		}
		total += n;
		have += (size_t)n;
		size_t start = 0;
		for (size_t i = 0; i < have; i++) {
			if (buf[i] != '\n' && !(n == 0 && i == have - 1))
				continue;
			if (buf[i] == '\n')
				buf[i] = '\0';
			else
				buf[have] = '\0'; /* the last line, without its newline */
			if (!skipping && fn(buf + start, arg)) {
				sys_close((int)fd);
				return 0;
			}
			skipping = false;
			start = i + 1;
		}
		if (n == 0)
			break;
		for (size_t i = start; i < have; i++)
			buf[i - start] = buf[i];
		have -= start;
		if (have == LINE_MAX_ - 1) { /* a line too long: skipped */
			have = 0;
			skipping = true;
		}
	}
	sys_close((int)fd);
	return 0;
}

/* Splits LINE at ':' into at most N fields; returns how many. */
static size_t split(char *line, char **f, size_t n)
{
	size_t got = 0;

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#')
		return 0;
	f[got++] = line;
	for (; *line && got < n; line++)
		if (*line == ':') {
			*line = '\0';
			f[got++] = line + 1;
		}
	return got;
}

/* name:password:uid:gid:gecos:home:shell; the first with our uid. */
static bool passwd_line(char *line, void *arg)
{
	struct user *u = arg;
	char *f[7];
	uint32_t uid, gid;

	if (split(line, f, 7) != 7 || !parse_u32(f[2], &uid) || !parse_u32(f[3], &gid) ||
	    uid != job.uid)
		return false;
	u->known = true;
	u->gid = gid;
	u->name = scratch_copy(f[0], "", 0);
	u->home = scratch_copy(f[5], "", 0);
	u->shell = scratch_copy(f[6], "", 0);
	return true;
}

static void add_group(uint32_t gid)
{
	uint32_t *g = (uint32_t *)job.scratch;

	for (size_t i = 0; i < job.n_groups; i++)
		if (g[i] == gid)
			return;
	if (job.n_groups < GROUPS_MAX_)
		g[job.n_groups++] = gid;
}

/* name:password:gid:member,member...: each group that lists the user. */
static bool group_line(char *line, void *arg)
{
	const struct user *u = arg;
	char *f[4];
	uint32_t gid;

	if (split(line, f, 4) != 4 || !parse_u32(f[2], &gid))
		return false;
	for (char *m = f[3]; *m;) {
		while (*m == ' ' || *m == '\t')
			m++;
		char *end = m;
		while (*end && *end != ',')
			end++;
		bool last = !*end;
		*end = '\0';
		if (is(m, u->name))
			add_group(gid);
		m = last ? end : end + 1;
	}
	return false;
}

static size_t name_len(const char *entry)
{
	size_t n = 0;

	while (entry[n] && entry[n] != '=')
		n++;
	return n;
}

static bool same_name(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return false;
	return b[len] == '=' || b[len] == '\0';
}

/* env.c's env_put: ENTRY replaces an earlier one of its name, in place;
 * one without "=" is no variable. */
static void env_put(char **v, size_t *n, char *entry)
{
	size_t len = name_len(entry);

	if (!entry[len])
		return;
	for (size_t i = 0; i < *n; i++)
		if (name_len(v[i]) == len && same_name(entry, v[i], len)) {
			v[i] = entry;
			return;
		}
	v[(*n)++] = entry;
	v[*n] = 0;
}

/* The caller's NAME=VALUE entry for NAME (LEN bytes), or null. */
static char *caller_get(const char *name, size_t len)
{
	char **env = job.envp;

	for (; *env; env++)
		if (same_name(name, *env, len) && (*env)[len] == '=')
			return *env;
	return 0;
}

static void build_env(const struct user *u, char **v)
{
	static char container[] = "container=lxc", path[] = "PATH=" ATTACH_PATH,
		    term[] = "TERM=linux";
	uint32_t mode = job.req->env_mode;
	size_t n = 0;

	v[0] = 0;
	if (mode == ATTACHD_ENV_KEEP)
		for (char **e = job.envp; *e; e++)
			env_put(v, &n, *e);
	env_put(v, &n, container);
	if (mode != ATTACHD_ENV_KEEP)
		env_put(v, &n, path);
	if (mode == ATTACHD_ENV_CLEAN) {
		char *t = caller_get("TERM", 4);
		env_put(v, &n, t ? t : term);
		env_put(v, &n, scratch_copy("HOME=", u->known ? u->home : "/",
					    len_of(u->known ? u->home : "/")));
		env_put(v, &n, scratch_copy("SHELL=", u->known ? u->shell : "/bin/sh",
					    len_of(u->known ? u->shell : "/bin/sh")));
		if (u->known) {
			env_put(v, &n, scratch_copy("USER=", u->name, len_of(u->name)));
			env_put(v, &n, scratch_copy("LOGNAME=", u->name, len_of(u->name)));
		}
	}
	/* lxc.environment: a bare NAME takes the caller's value, if it has one. */
	const char *c = srv.conf_env;
	for (size_t i = 0; i < srv.n_conf_env; i++, c += len_of(c) + 1) {
		size_t len = name_len(c);
		char *e = c[len] ? (char *)c : caller_get(c, len);
		if (e)
			env_put(v, &n, e);
	}
	for (char **s = job.set_vars; *s; s++)
		env_put(v, &n, *s);
}

/* attach_prepare's work, into job: uid, gid, groups, home, environment. */
static void resolve_user(void)
{
	struct user u = { 0 };
	long r;

	scratch_at = job.scratch + GROUPS_MAX_ * 4 + LINE_MAX_;
	job.uid = job.req->uid == ATTACHD_ID_UNSET ? 0 : job.req->uid;
	if ((r = each_line("/etc/passwd", passwd_line, &u)) < 0)
		child_fail("read /etc/passwd of the container", r);
	job.gid = job.req->gid != ATTACHD_ID_UNSET ? job.req->gid : u.known ? u.gid : 0;
	job.groups = (const uint32_t *)job.scratch;
	job.n_groups = 0;
	add_group(job.gid);
	if (u.known && (r = each_line("/etc/group", group_line, &u)) < 0)
		child_fail("read /etc/group of the container", r);
	job.home = u.known ? u.home : "";
	char **v = (char **)(job.scratch + SCRATCH_FIXED);
	build_env(&u, v);
	job.envp = v;
}

static int run_command(void *unused)
{
	static const unsigned long none = 0;
	long r;

	(void)unused;
	sys6(__NR_rt_sigprocmask, 2 /* SIG_SETMASK */, (long)&none, 0, 8, 0, 0);
	/* A session and process group of its own, so that kill(0) or a
	 * signal to its group reaches neither this server nor another
	 * client's command; with a pty, that as its controlling terminal
	 * (job control inside, no TIOCSTI into the caller's). */
	if ((r = sys3(__NR_setsid, 0, 0, 0)) < 0)
		child_fail("setsid", r);
	if (job.slave >= 0 && (r = sys3(__NR_ioctl, job.slave, TIOCSCTTY, 0)) < 0)
		child_fail("make the pty the controlling terminal", r);
	for (int i = 0; i < 3; i++) {
		int from = job.req->flags & ATTACHD_TTY(i) && job.slave >= 0 ? job.slave : job.fds[i];
		if ((r = sys3(__NR_dup3, from, i, 0)) < 0)
			child_fail("set up stdin, stdout and stderr", r);
	}
	/* Opened on the host: cgroup2 refuses a move into a cgroup outside
	 * the writer's cgroup namespace root, so they are written before the
	 * cgroup namespace is entered. */
	for (int i = 0; i < srv.n_cg; i++)
		if ((r = sys3(__NR_write, srv.cg[i], "0", 1)) != 1)
			join_failed(srv.cg[i], r < 0 ? r : -EIO);
	if (srv.ns_mask & CLONE_NEWCGROUP &&
	    (r = sys3(__NR_setns, srv.init_pidfd, CLONE_NEWCGROUP, 0)) < 0)
		child_fail("enter the cgroup namespace of init", r);
	if (job.req->flags & ATTACHD_RESOLVE)
		resolve_user();
	drop_privileges();
	/* As the user, so that a home it may not enter is not entered. */
	if (!*job.home || sys3(__NR_chdir, job.home, 0, 0) < 0)
		if ((r = sys3(__NR_chdir, "/", 0, 0)) < 0)
			child_fail("chdir \"/\"", r);
	sys3(__NR_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	r = exec_path(job.file, job.argv, job.envp);
	child_fail("exec", r);
	return 1;
}

/* ------------------------------------------------------------ talking */

/* One message: WHAT, then ARG in quotes if any; then, after the text's
 * NUL, HINT if any (attach_msg_error reads it as the fix). */
static bool send_hinted(int sock, int kind, long value, int fd, const char *what,
			const char *arg, const char *hint)
{
	static struct attach_msg m;
	char cbuf[sizeof(struct cmsghdr_) + 8] __attribute__((aligned(8)));
	struct iovec_ iov = { &m, sizeof(m) };
	struct msghdr_ mh = { .iov = &iov, .iovlen = 1 };
	size_t at = 0;

	if (sock < 0)
		return false;
	m.kind = kind;
	m.value = (int32_t)value;
	/* Nothing of an earlier client's message (volatile: no memset call). */
	for (volatile char *c = m.text; c < m.text + sizeof(m.text); c++)
		*c = '\0';
	if (what)
		put(m.text, sizeof(m.text), &at, what);
	if (arg) {
		put(m.text, sizeof(m.text), &at, " \"");
		put(m.text, sizeof(m.text), &at, arg);
		put(m.text, sizeof(m.text), &at, "\"");
	}
	if (hint && at + 2 < sizeof(m.text)) {
		at++;
		put(m.text, sizeof(m.text), &at, hint);
	}
	if (fd >= 0) {
		struct cmsghdr_ *c = (struct cmsghdr_ *)cbuf;
		c->len = sizeof(*c) + sizeof(int);
		c->level = SOL_SOCKET_;
		c->type = SCM_RIGHTS_;
		*(int *)(cbuf + sizeof(*c)) = fd;
		mh.control = cbuf;
		mh.controllen = sizeof(cbuf);
	}
	return sys3(__NR_sendmsg, sock, &mh, MSG_DONTWAIT_ | MSG_NOSIGNAL_) == (long)sizeof(m);
}

static bool send_msg(int sock, int kind, long value, int fd, const char *what, const char *arg)
{
	return send_hinted(sock, kind, value, fd, what, arg, 0);
}

static void drop(struct slot *s)
{
	sys_close(s->sock);
	s->sock = -1;
	if (s->pidfd < 0)
		s->sock = -2; /* free */
}

/* Lays the request out for the child; false when it is malformed. */
static bool parse_request(char *buf, size_t n, char **vec, size_t n_vec)
{
	const struct attachd_request *q = (const void *)buf;
	size_t at = sizeof(*q), need;

	if (n < sizeof(*q) || q->version != ATTACHD_VERSION || q->len != n - sizeof(*q) ||
	    q->n_groups > 65536 || q->argc < 1 || q->argc > n || q->envc > n || q->setc > n)
		return false;
	bool resolve = q->flags & ATTACHD_RESOLVE;
	if (resolve ? q->n_groups || q->env_mode > ATTACHD_ENV_CLEAR : q->setc != 0)
		return false;
	need = (size_t)q->n_groups * 4;
	if (need > n - at || (size_t)q->argc + q->envc + q->setc + 3 > n_vec)
		return false;
	job.req = q;
	job.uid = q->uid;
	job.gid = q->gid;
	job.groups = (const uint32_t *)(buf + at);
	job.n_groups = q->n_groups;
	at += need;
	/* file, home, argv..., envp..., set...: each must end before the
	 * buffer does; a null after each vector. */
	size_t want = 2 + q->argc + q->envc + q->setc, got = 0, v = 0;
	const char *strs[2];
	for (size_t start = at; at < n && got < want; at++) {
		if (buf[at] != '\0')
			continue;
		if (got < 2)
			strs[got] = buf + start;
		else
			vec[v++] = buf + start;
		got++;
		if (got == 2 + q->argc || got == 2 + q->argc + q->envc)
			vec[v++] = 0;
		start = at + 1;
	}
	if (got != want || !*strs[0])
		return false;
	vec[v] = 0;
	job.file = strs[0];
	job.home = strs[1];
	job.argv = vec;
	job.envp = vec + q->argc + 1;
	job.set_vars = job.envp + q->envc + 1;
	return true;
}

/* The caller's three fds, or false (any received are closed). */
static bool take_fds(const char *cbuf, size_t clen)
{
	const struct cmsghdr_ *c = (const void *)cbuf;
	bool ok = clen >= sizeof(*c) + 3 * sizeof(int) && c->level == SOL_SOCKET_ &&
		  c->type == SCM_RIGHTS_ && c->len == sizeof(*c) + 3 * sizeof(int);
	const int *fds = (const int *)(cbuf + sizeof(*c));

	if (clen >= sizeof(*c) && c->level == SOL_SOCKET_ && c->type == SCM_RIGHTS_)
		for (size_t i = 0; i < (c->len - sizeof(*c)) / sizeof(int) && i < 8; i++)
			if (!ok || i >= 3)
				sys_close(fds[i]);
	for (int i = 0; ok && i < 3; i++)
		job.fds[i] = fds[i];
	return ok;
}

/* The pty from the container's devpts; the slave from the master
 * (TIOCGPTPEER), never by a path the container could swap. */
static long open_pty(int *master)
{
	const char *ptmx = srv.ns_mask & CLONE_NEWNS ? "/dev/pts/ptmx" : "/dev/ptmx";
	long m = sys6(__NR_openat, AT_FDCWD_, (long)ptmx, O_RDWR_ | O_NOCTTY_ | O_CLOEXEC_, 0, 0, 0);
	int unlock = 0;

	if (m == -ENOENT)
		m = sys6(__NR_openat, AT_FDCWD_, (long)"/dev/ptmx", O_RDWR_ | O_NOCTTY_ | O_CLOEXEC_,
			 0, 0, 0);
	if (m < 0)
		return m;
	long r = sys3(__NR_ioctl, m, TIOCSPTLCK, &unlock);
	if (r >= 0)
		r = sys3(__NR_ioctl, m, TIOCGPTPEER, O_RDWR_ | O_NOCTTY_ | O_CLOEXEC_);
	if (r < 0) {
		sys_close((int)m);
		return r;
	}
	*master = (int)m;
	return r;
}

static void reap(int pidfd, int *status)
{
	struct siginfo_ si;

	si.code = 0;
	si.status = 0;
	if (sys5(__NR_waitid, P_PIDFD_, pidfd, &si, WEXITED_, 0) < 0) {
		*status = 0;
		return;
	}
	*status = si.code == CLD_EXITED_ ? (si.status & 0xff) << 8
		  : si.code == CLD_DUMPED_ ? (si.status & 0x7f) | 0x80 : si.status & 0x7f;
}

/* ATTACHD_RESOLVE: memory for the child (SCRATCH_SIZE); its pages are
 * touched only as used, and given back once the child has exec'd. */
static bool map_scratch(void)
{
	const struct attachd_request *q = job.req;

	job.scratch = 0;
	job.scratch_size = 0;
	if (!(q->flags & ATTACHD_RESOLVE))
		return true;
	size_t size = SCRATCH_SIZE((size_t)q->envc + q->setc + srv.n_conf_env + 8);
	long map = sys6(__NR_mmap, 0, (long)size, PROT_RW_, MAP_PRIVATE_ANON_, -1, 0);
	if (map < 0 && map > -4096)
		return false;
	job.scratch = (char *)map;
	job.scratch_size = size;
	return true;
}

static void unmap_scratch(void)
{
	if (job.scratch)
		sys3(__NR_munmap, job.scratch, job.scratch_size, 0);
	job.scratch = 0;
}

/* Runs the request in BUF (N bytes). */
static void start(struct slot *s, char *buf, size_t n, char **vec, size_t n_vec)
{
	int master = -1, pidfd = -1, status;

	job.slave = -1;
	if (!parse_request(buf, n, vec, n_vec) || !map_scratch()) {
		drop(s);
		return;
	}
	if (job.req->flags & ATTACHD_PTY) {
		long r = open_pty(&master);
		if (r < 0) {
			send_msg(s->sock, ATTACH_MSG_ERROR, -r, -1, "open the container's pty", 0);
			unmap_scratch();
			drop(s);
			return;
		}
		job.slave = (int)r;
	}
	bool taken = send_msg(s->sock, ATTACH_MSG_PTY, 0, master, "taken", 0);
	sys_close(master);
	if (!taken) {
		sys_close(job.slave);
		unmap_scratch();
		drop(s);
		return;
	}
	job.err = 0;
	job.what = 0;
	job.hint = 0;
	long pid = clone_run(CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD_,
			     child_stack + sizeof(child_stack), &pidfd, run_command, 0);
	sys_close(job.slave);
	unmap_scratch();
	if (pid < 0) {
		send_msg(s->sock, ATTACH_MSG_ERROR, -pid, -1, "clone the command's process", 0);
		drop(s);
		return;
	}
	if (job.err) {
		reap(pidfd, &status);
		sys_close(pidfd);
		send_hinted(s->sock, ATTACH_MSG_ERROR, -job.err, -1, job.what,
			    is(job.what, "exec") ? job.file : 0, job.hint);
		drop(s);
		return;
	}
	s->pidfd = pidfd;
	if (!send_msg(s->sock, ATTACH_MSG_PID, pid, pidfd, "pid", 0))
		drop(s);
}

static void on_request(struct slot *s)
{
	char peek, cbuf[sizeof(struct cmsghdr_) + 8 * sizeof(int)] __attribute__((aligned(8)));
	struct iovec_ iov = { &peek, 1 };
	struct msghdr_ mh = { .iov = &iov, .iovlen = 1 };
	long n = sys3(__NR_recvmsg, s->sock, &mh, MSG_PEEK_ | MSG_TRUNC_ | MSG_DONTWAIT_);

	if (n == -EAGAIN || n == -EINTR)
		return;
	if (n <= 0 || n > ATTACHD_MAX_REQUEST) {
		drop(s);
		return;
	}
	/* The request, then room for its vectors (each string is a byte at
	 * least); pages only touched as used, and given back at once. */
	size_t n_vec = (size_t)n + 4, size = ((size_t)n + 16 + n_vec * sizeof(char *) + 4095) & ~4095UL;
	long map = sys6(__NR_mmap, 0, (long)size, PROT_RW_, MAP_PRIVATE_ANON_, -1, 0);
	if (map < 0 && map > -4096) {
		drop(s);
		return;
	}
	char *buf = (char *)map;
	char **vec = (char **)(buf + (((size_t)n + 16) & ~7UL));
	iov.base = buf;
	iov.len = (size_t)n;
	mh.control = cbuf;
	mh.controllen = sizeof(cbuf);
	long got = sys3(__NR_recvmsg, s->sock, &mh, MSG_DONTWAIT_ | MSG_CMSG_CLOEXEC_);
	bool fds = got > 0 && take_fds(cbuf, mh.controllen);
	if (got != n || !fds || (mh.flags & 0x8 /* MSG_CTRUNC */)) {
		if (fds)
			for (int i = 0; i < 3; i++)
				sys_close(job.fds[i]);
		drop(s);
	} else {
		start(s, buf, (size_t)n, vec, n_vec);
		for (int i = 0; i < 3; i++)
			sys_close(job.fds[i]);
	}
	sys3(__NR_munmap, map, size, 0);
}

static void on_exit_of_command(struct slot *s)
{
	int status;

	reap(s->pidfd, &status);
	sys_close(s->pidfd);
	s->pidfd = -1;
	send_msg(s->sock, ATTACH_MSG_EXIT, status, -1, "exit", 0);
	drop(s);
}

static void on_listen(void)
{
	for (;;) {
		long fd = sys6(__NR_accept4, srv.listen, 0, 0, SOCK_CLOEXEC_ | SOCK_NONBLOCK_, 0, 0);
		if (fd < 0)
			return;
		size_t i = 0;
		while (i < MAX_SLOTS && slots[i].sock != -2)
			i++;
		if (i == MAX_SLOTS) {
			sys_close((int)fd); /* EOF before "taken": lxc-attach's own path */
			continue;
		}
		slots[i].sock = (int)fd;
		slots[i].pidfd = -1;
	}
}

static __attribute__((noreturn)) void serve(void)
{
	static struct pollfd_ p[2 + MAX_SLOTS];
	static struct slot *of[2 + MAX_SLOTS];

	for (size_t i = 0; i < MAX_SLOTS; i++)
		slots[i].sock = -2, slots[i].pidfd = -1;
	for (;;) {
		size_t n = 0;
		p[n++] = (struct pollfd_){ srv.listen, POLLIN_, 0 };
		p[n++] = (struct pollfd_){ srv.init_pidfd, POLLIN_, 0 };
		for (size_t i = 0; i < MAX_SLOTS; i++) {
			struct slot *s = &slots[i];
			if (s->pidfd >= 0 || s->sock >= 0) {
				of[n] = s;
				p[n++] = (struct pollfd_){ s->pidfd >= 0 ? s->pidfd : s->sock, POLLIN_, 0 };
			}
		}
		long r = sys6(__NR_ppoll, (long)p, (long)n, 0, 0, 8, 0);
		if (r < 0 && r != -EINTR)
			die(1);
		if (r <= 0)
			continue;
		/* Init is gone: so is everything this server could serve. */
		if (p[1].revents)
			die(0);
		if (p[0].revents & (POLLERR_ | POLLHUP_))
			die(1);
		for (size_t i = 2; i < n; i++) {
			if (!p[i].revents)
				continue;
			if (of[i]->pidfd >= 0)
				on_exit_of_command(of[i]);
			else
				on_request(of[i]);
		}
		if (p[0].revents & POLLIN_)
			on_listen();
	}
}

/* ------------------------------------------------------------ start */

static bool read_filter(int fd)
{
	long size = sys3(__NR_lseek, fd, 0, SEEK_END_);

	if (size <= 0 || size % sizeof(struct sock_filter) || size > 4096 * 8)
		return false;
	long map = sys6(__NR_mmap, 0, size, PROT_RW_, MAP_PRIVATE_ANON_, -1, 0);
	if (map < 0 && map > -4096)
		return false;
	if (sys6(__NR_pread64, fd, map, size, 0, 0, 0) != size)
		return false;
	srv.filter.filter = (struct sock_filter *)map;
	srv.filter.len = (unsigned short)(size / sizeof(struct sock_filter));
	return true;
}

/* lxc.environment, one a line: kept as strings one after another. */
static bool read_environment(int fd)
{
	long size = sys3(__NR_lseek, fd, 0, SEEK_END_);

	if (size <= 0 || size > ATTACHD_MAX_REQUEST)
		return false;
	long map = sys6(__NR_mmap, 0, size + 1, PROT_RW_, MAP_PRIVATE_ANON_, -1, 0);
	if (map < 0 && map > -4096)
		return false;
	char *text = (char *)map;
	if (sys6(__NR_pread64, fd, map, size, 0, 0, 0) != size)
		return false;
	/* env.c's loop: each line, the last one with or without its newline. */
	for (long i = 0; i < size; i++)
		if (text[i] == '\n' || text[i] == '\0') {
			text[i] = '\0';
			srv.n_conf_env++;
		}
	if (text[size - 1] != '\0')
		srv.n_conf_env++; /* text[size] is the mapping's 0 */
	srv.conf_env = text;
	return true;
}

static bool parse_cgroups(const char *s)
{
	bool ok = true;

	if (is(s, "-"))
		return true;
	while (*s && srv.n_cg < MAX_CGROUPS) {
		char num[16];
		size_t at = 0;
		while (*s && *s != ',' && at + 1 < sizeof(num))
			num[at++] = *s++;
		num[at] = '\0';
		if (*s == ',')
			s++;
		srv.cg[srv.n_cg++] = (int)parse_num(num, 10, &ok);
	}
	return ok && !*s;
}

void stub_main(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	bool ok = true;

	/* First of all: nothing of this process for the container to trace
	 * or read through /proc, and it never becomes dumpable again. */
	sys6(__NR_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0, 0);
	/* No controlling terminal (a monitor of lxc-start -F has one), nor
	 * the monitor's process group. */
	sys3(__NR_setsid, 0, 0, 0);
	/* A script "#!/proc/self/exe" lands here with argv[0] "/proc/self/exe". */
	if (argc != 9 || !is(argv[0], ATTACHD_ARGV0)) {
		static const char msg[] = "lxcmgr-attachd: not a command; the monitor runs it\n";
		sys3(__NR_write, 2, msg, sizeof(msg) - 1);
		die(126);
	}
	srv.listen = (int)parse_num(argv[1], 10, &ok);
	srv.init_pidfd = (int)parse_num(argv[2], 10, &ok);
	long seccomp_fd = parse_num(argv[3], 10, &ok);
	srv.ns_mask = (int)parse_num(argv[4], 10, &ok);
	srv.cap_bnd = (unsigned long long)parse_num(argv[5], 16, &ok);
	srv.nnp = parse_num(argv[6], 10, &ok) == 1;
	ok = ok && parse_cgroups(argv[7]);
	long env_fd = parse_num(argv[8], 10, &ok);
	if (!ok || (seccomp_fd >= 0 && !read_filter((int)seccomp_fd)) ||
	    (env_fd >= 0 && !read_environment((int)env_fd)))
		die(2);
	sys_close((int)seccomp_fd);
	sys_close((int)env_fd);
	while (srv.cap_last < 63 && sys3(__NR_prctl, PR_CAPBSET_READ, srv.cap_last + 1, 0) >= 0)
		srv.cap_last++;
	/* Init's namespaces but the cgroup one (its children join that after
	 * their move); the pid namespace for children only. */
	int mask = srv.ns_mask & ~CLONE_NEWCGROUP;
	if (mask && sys3(__NR_setns, srv.init_pidfd, mask, 0) < 0)
		die(3);
	if (sys3(__NR_chdir, "/", 0, 0) < 0)
		die(3);
	serve();
}
