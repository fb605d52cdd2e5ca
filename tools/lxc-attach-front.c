/* lxc-attach's front: bin/lxc-attach, without libc. It serves the common
 * case itself, "lxc-attach -n NAME [-P PATH] [-u UID] [-g GID] [-v VAR=VAL]
 * [--clear-env|--keep-env] [-q] -- COMMAND..." by root with stdin not a
 * terminal, through the container's attach server (lxcmgr-attachd), and
 * hands everything else, with the same argv and environment, to the full
 * tool (lxc-attach-full, tools/lxc-attach.c) by execve. Why: glibc's
 * start-up alone (cpuid in init_cacheinfo, relocation, tunables, first
 * page touches: all trapped on a paravirtualised VM) costs more than the
 * rest of an attach; this start-up is an exec and nothing else.
 *
 * What it does: finds the server's socket as the library would (the
 * lxcpath from -P, else lxc.lxcpath of the system config; the runtime
 * directory; run/sockname.h), connects, checks the peer is root, sends one
 * ATTACHD_RESOLVE request (attach/attach.h) with its stdin, stdout and
 * stderr, and the server's child reads the container's /etc/passwd and
 * /etc/group and builds the environment as attach_prepare would. Then it
 * forwards SIGHUP, SIGINT, SIGQUIT and SIGTERM to the command through its
 * pidfd and exits with the command's status (128+N for signal N).
 *
 * Anything unexpected before the server has taken the request (no socket,
 * no listener, EOF, an older server that drops a request of another
 * version) hands over to the full tool, which asks the monitor (and so
 * starts or restarts the server) or takes its own path: nothing ran yet.
 * Once taken the command may have run, so a failure is reported in the
 * full tool's words and never retried.
 *
 * Safety as lxcmgr-attachd's head says: this runs on the host, reads only
 * the host's system config, passes only fds 0-2, trusts only a root-owned
 * peer, and nothing it receives names a file it opens.
 *
 * LXCMGR_ATTACH_FULL_PATH names the full tool (else the installed one,
 * else lxc-attach-full beside this binary: the build tree).
 * LXCMGR_ATTACH_FRONT=strict makes it say why it would hand over and exit
 * 125 instead (tests: proof that it served). */
#include "nolibc.h"

#include <asm/ioctls.h>
#include <linux/signal.h>
#include <stdint.h>

#define LXCMGR_ATTACH_HELPER_ONLY
#include "attach/attach.h"
#include "run/sockname.h"

#define FULL_PATH LIBEXECDIR "/lxcmgr/lxc-attach-full"
#define PROG "lxc-attach"

#define F_GETFD_ 1
#define AF_UNIX_ 1
#define SOCK_SEQPACKET_ 5
#define SO_PEERCRED_ 17
#define SFD_CLOEXEC_ 02000000
#define SFD_NONBLOCK_ 04000
#define SIG_BLOCK_ 0
#define SIG_SETMASK_ 2
#define SIGHUP_ 1
#define SIGINT_ 2
#define SIGQUIT_ 3
#define SIGTERM_ 15
#define SIGWINCH_ 28

struct sockaddr_un_ {
	unsigned short family;
	char path[108];
};

struct ucred_ {
	int pid;
	unsigned uid, gid;
};

/* The start of struct signalfd_siginfo (128 bytes). */
struct sfd_info_ {
	uint32_t signo;
	char rest[124];
};

/* What the command line asks. */
static struct {
	char **argv, **envp;  /* ours, handed over unchanged */
	const char *name, *lxcpath;
	uint32_t uid, gid;    /* ATTACHD_ID_UNSET: not given */
	uint32_t env_mode;
	char **command;       /* after "--" */
	const char *set[64];  /* -v */
	size_t n_set;
} cmd = { .uid = ATTACHD_ID_UNSET, .gid = ATTACHD_ID_UNSET };

static const char *getenv_(const char *name)
{
	for (char **e = cmd.envp; *e; e++) {
		const char *a = name, *b = *e;
		while (*a && *a == *b)
			a++, b++;
		if (!*a && *b == '=')
			return b + 1;
	}
	return 0;
}

static void print(const char *a, const char *b, const char *c, const char *d)
{
	char line[1024];
	size_t at = 0;
	const char *parts[] = { PROG ": ", a, b, c, d, "\n" };

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (parts[i])
			put(line, sizeof(line) - 1, &at, parts[i]);
	if (at && line[at - 1] != '\n')
		line[at++] = '\n';
	sys3(__NR_write, 2, line, at);
}

/* ------------------------------------------------------------ handing over */

static unsigned long saved_mask;
static bool blocked; /* saved_mask holds the mask we were given */

/* The full tool, with our argv and environment; the signal mask as we got it. */
static __attribute__((noreturn)) void hand_over(const char *why)
{
	static char beside[PATH_MAX_];
	const char *env = getenv_("LXCMGR_ATTACH_FULL_PATH");
	long r;

	if (is(getenv_("LXCMGR_ATTACH_FRONT") ? getenv_("LXCMGR_ATTACH_FRONT") : "", "strict")) {
		print("front: would hand over to the full tool: ", why, 0, 0);
		die(125);
	}
	if (blocked)
		sys6(__NR_rt_sigprocmask, SIG_SETMASK_, (long)&saved_mask, 0, 8, 0, 0);
	if (env && *env) {
		r = sys3(__NR_execve, env, cmd.argv, cmd.envp);
		print("cannot run the full tool \"", env, "\" (LXCMGR_ATTACH_FULL_PATH)", 0);
		die(1);
	}
	r = sys3(__NR_execve, FULL_PATH, cmd.argv, cmd.envp);
	/* The build tree: lxc-attach-full beside this binary. */
	long n = sys3(__NR_readlink, "/proc/self/exe", beside, sizeof(beside) - 32);
	while (n > 0 && beside[n - 1] != '/')
		n--;
	if (n > 0) {
		size_t at = (size_t)n;
		beside[at] = '\0';
		put(beside, sizeof(beside), &at, "lxc-attach-full");
		if (sys3(__NR_execve, beside, cmd.argv, cmd.envp) != -ENOENT)
			r = -1;
	}
	(void)r;
	print("cannot run the full tool \"" FULL_PATH "\"; is lxcmgr installed whole?", 0, 0, 0);
	die(1);
}

/* ------------------------------------------------------------ the command line */

/* A plain decimal id, as the full tool takes it; else it says why. */
static bool parse_id(const char *s, uint32_t *out)
{
	return parse_u32(s, out) && *out != ATTACHD_ID_UNSET;
}

/* "-x VALUE", "-xVALUE", "--long VALUE", "--long=VALUE": the value, or
 * null when ARG is not this option. */
static const char *value_of(char **argv, int *i, char short_opt, const char *long_opt)
{
	const char *a = argv[*i];

	if (a[0] == '-' && a[1] == short_opt && short_opt) {
		if (a[2])
			return a + 2;
		return argv[*i + 1] ? argv[++*i] : 0;
	}
	if (a[0] != '-' || a[1] != '-')
		return 0;
	const char *l = long_opt, *b = a + 2;
	while (*l && *l == *b)
		l++, b++;
	if (*l)
		return 0;
	if (*b == '=')
		return b + 1;
	if (*b == '\0')
		return argv[*i + 1] ? argv[++*i] : 0;
	return 0;
}

/* The options we serve; anything else goes to the full tool. */
static void parse_args(int argc, char **argv)
{
	int i = 1;

	for (; i < argc; i++) {
		const char *a = argv[i], *v;
		if (is(a, "--")) {
			i++;
			break;
		}
		if (is(a, "-q") || is(a, "--quiet"))
			continue;
		if (is(a, "--keep-env") || is(a, "--clear-env")) {
			cmd.env_mode = a[2] == 'k' ? ATTACHD_ENV_KEEP : ATTACHD_ENV_CLEAR;
			continue;
		}
		if ((v = value_of(argv, &i, 'n', "name")))
			cmd.name = v;
		else if ((v = value_of(argv, &i, 'P', "lxcpath")))
			cmd.lxcpath = v;
		else if ((v = value_of(argv, &i, 'u', "uid"))) {
			if (!parse_id(v, &cmd.uid))
				hand_over("-u");
		} else if ((v = value_of(argv, &i, 'g', "gid"))) {
			if (!parse_id(v, &cmd.gid))
				hand_over("-g");
		} else if ((v = value_of(argv, &i, 'v', "set-var"))) {
			const char *eq = v;
			while (*eq && *eq != '=')
				eq++;
			if (!*eq || cmd.n_set == sizeof(cmd.set) / sizeof(cmd.set[0]))
				hand_over("-v");
			cmd.set[cmd.n_set++] = v;
		} else {
			hand_over("an option it does not serve");
		}
	}
	if (i >= argc || !argv[i][0])
		hand_over("no command (the login shell)");
	if (!cmd.name || !*cmd.name)
		hand_over("no name");
	cmd.command = argv + i;
}

/* ------------------------------------------------------------ where the socket is */

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* str_trim (util/str.c): S without blanks at either end, cut in place. */
static char *trim(char *s, char *end)
{
	while (s < end && blank(*s))
		s++;
	while (end > s && blank(end[-1]))
		end--;
	*end = '\0';
	return s;
}

static bool known_key(const char *k)
{
	static const char *const keys[] = { "lxc.lxcpath", "lxc.default_config",
		"lxc.cgroup.pattern", "lxc.cgroup.use", "lxc.bdev.lvm.vg",
		"lxc.bdev.lvm.thin_pool", "lxc.bdev.zfs.root" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (is(k, keys[i]))
			return true;
	return false;
}

/* lxc.lxcpath of the system config (conf/system.c) into OUT, or the
 * built-in one. Only a file the library would read the same way is
 * read here: a NUL, an unknown key, a line that is no assignment, a
 * quote or a comment in the value hand over (the full tool reads it, and
 * says what is wrong with it). */
static void system_lxcpath(char *out, size_t size)
{
	static char text[64 * 1024];
	const char *dir = getenv_("LXCMGR_CONFIG_PATH");
	char path[PATH_MAX_];
	size_t at = 0, n = 0;
	const char *value = LXCPATH;

	put(path, sizeof(path), &at, dir && *dir ? dir : LXCMGRCONFDIR);
	put(path, sizeof(path), &at, "/lxc.conf");
	long fd = sys3(__NR_openat, AT_FDCWD_, path, O_RDONLY_ | O_CLOEXEC_);
	if (fd < 0 && fd != -ENOENT)
		hand_over("the system config");
	for (long r = 1; fd >= 0 && r > 0; n += (size_t)r)
		if ((r = sys3(__NR_read, fd, text + n, sizeof(text) - 1 - n)) < 0 ||
		    n == sizeof(text) - 1)
			hand_over("the system config");
	sys3(__NR_close, fd, 0, 0);
	for (char *line = text, *end; line < text + n; line = end + 1) {
		for (end = line; end < text + n && *end != '\n'; end++)
			if (!*end)
				hand_over("a NUL in the system config");
		char *s = trim(line, end), *eq = s;
		if (!*s || *s == '#')
			continue;
		while (*eq && *eq != '=')
			eq++;
		if (!*eq)
			hand_over("the system config");
		char *key = trim(s, eq), *v = trim(eq + 1, end);
		if (!known_key(key))
			hand_over("the system config");
		if (!is(key, "lxc.lxcpath"))
			continue;
		for (const char *c = v; *c; c++)
			if (*c == '#' || *c == '"' || *c == '\'')
				hand_over("the system config");
		if (*v && *v != '/')
			hand_over("the system config");
		value = *v ? v : LXCPATH;
	}
	at = 0;
	put(out, size, &at, value);
}

/* The lxcpath as lxcmgr_ctx_new makes it: -P (made absolute against the
 * working directory) or the system config's, without trailing slashes. */
static void find_lxcpath(char *out, size_t size)
{
	size_t at = 0;

	if (!cmd.lxcpath) {
		system_lxcpath(out, size);
	} else if (cmd.lxcpath[0] == '/') {
		put(out, size, &at, cmd.lxcpath);
	} else {
		long n = sys3(__NR_getcwd, out, size, 0);
		if (n <= 0)
			hand_over("the working directory");
		at = len_of(out);
		put(out, size, &at, "/");
		put(out, size, &at, cmd.lxcpath);
	}
	if (len_of(out) + 1 >= size)
		hand_over("a long lxcpath");
	for (size_t l = len_of(out); l > 1 && out[l - 1] == '/'; l--)
		out[l - 1] = '\0';
}

/* "<runtime>/c/<hash>.attach" (run/sockname.h). */
static void socket_path(struct sockaddr_un_ *sa)
{
	static char lxcpath[PATH_MAX_];
	const char *run = getenv_("LXCMGR_RUNTIME_PATH");
	char hex[17];
	size_t at = 0;

	find_lxcpath(lxcpath, sizeof(lxcpath));
	uint64_t h = sockname_hash(lxcpath, cmd.name);
	for (int i = 15; i >= 0; i--, h >>= 4)
		hex[i] = "0123456789abcdef"[h & 15];
	hex[16] = '\0';
	sa->family = AF_UNIX_;
	put(sa->path, sizeof(sa->path), &at, run && *run ? run : RUNTIMEPATH);
	put(sa->path, sizeof(sa->path), &at, SOCKNAME_DIR);
	put(sa->path, sizeof(sa->path), &at, hex);
	put(sa->path, sizeof(sa->path), &at, SOCKNAME_ATTACH);
	if (at + 1 >= sizeof(sa->path))
		hand_over("a long socket path");
}

/* ------------------------------------------------------------ the request */

static char request[ATTACHD_MAX_REQUEST];

static bool add(size_t *at, const char *s)
{
	size_t n = len_of(s) + 1;

	if (*at + n > sizeof(request))
		return false;
	for (size_t i = 0; i < n; i++)
		request[*at + i] = s[i];
	*at += n;
	return true;
}

/* attach.h: the header, file, home, argv, our environment, the -v ones. */
static size_t build_request(void)
{
	struct attachd_request *q = (struct attachd_request *)request;
	size_t at = sizeof(*q);
	bool ok = add(&at, cmd.command[0]) && add(&at, "");

	q->version = ATTACHD_VERSION;
	q->flags = ATTACHD_RESOLVE;
	q->uid = cmd.uid;
	q->gid = cmd.gid;
	q->env_mode = cmd.env_mode;
	for (char **a = cmd.command; ok && *a; a++, q->argc++)
		ok = add(&at, *a);
	for (char **e = cmd.envp; ok && *e; e++, q->envc++)
		ok = add(&at, *e);
	for (size_t i = 0; ok && i < cmd.n_set; i++, q->setc++)
		ok = add(&at, cmd.set[i]);
	if (!ok)
		hand_over("a request too large");
	q->len = (uint32_t)(at - sizeof(*q));
	return at;
}

/* Connected to a root-owned server and the request sent, or handed over. */
static int send_request(void)
{
	struct sockaddr_un_ sa = { 0 };
	struct ucred_ cred = { 0, 1, 1 };
	unsigned cred_len = sizeof(cred);
	char cbuf[sizeof(struct cmsghdr_) + 3 * sizeof(int)] __attribute__((aligned(8)));
	struct cmsghdr_ *c = (struct cmsghdr_ *)cbuf;
	struct iovec_ iov = { request, 0 };
	struct msghdr_ mh = { .iov = &iov, .iovlen = 1, .control = cbuf,
			      .controllen = sizeof(cbuf) };

	socket_path(&sa);
	long sock = sys3(__NR_socket, AF_UNIX_, SOCK_SEQPACKET_ | SOCK_CLOEXEC_, 0);
	if (sock < 0 || sys3(__NR_connect, sock, &sa, sizeof(sa)) < 0)
		hand_over("no attach server listening");
	if (sys5(__NR_getsockopt, sock, SOL_SOCKET_, SO_PEERCRED_, &cred, &cred_len) < 0 ||
	    cred.uid != 0)
		hand_over("an attach server not run by root");
	iov.len = build_request();
	c->len = sizeof(cbuf);
	c->level = SOL_SOCKET_;
	c->type = SCM_RIGHTS_;
	for (int i = 0; i < 3; i++)
		((int *)(cbuf + sizeof(*c)))[i] = i;
	if (sys3(__NR_sendmsg, sock, &mh, MSG_NOSIGNAL_) != (long)iov.len)
		hand_over("the attach server did not take the request");
	return (int)sock;
}

/* ------------------------------------------------------------ the answer */

#include "tools/errtext.h" /* errtext[]: generated by tools/gen-errtext.c */

/* strerror(3)'s words for E, as the full tool would print them. */
static const char *errno_text(int e)
{
	if (e > 0 && (size_t)e < sizeof(errtext) / sizeof(errtext[0]) && errtext[e])
		return errtext[e];
	return "Unknown error";
}

/* The full tool's last line: "lxc-attach: NAME: attach to "NAME": WHAT:
 * ERRNO TEXT (HINT)" (tool_print, error_wrap, error_hint), and its exit
 * status (failure_status). */
static __attribute__((noreturn)) void fail_hinted(const char *what, int e, const char *hint)
{
	char line[1024];
	size_t at = 0;

	put(line, sizeof(line), &at, cmd.name);
	put(line, sizeof(line), &at, ": attach to \"");
	put(line, sizeof(line), &at, cmd.name);
	put(line, sizeof(line), &at, "\": ");
	put(line, sizeof(line), &at, what);
	if (e > 0) {
		put(line, sizeof(line), &at, ": ");
		put(line, sizeof(line), &at, errno_text(e));
	}
	if (hint && *hint) {
		put(line, sizeof(line), &at, " (");
		put(line, sizeof(line), &at, hint);
		put(line, sizeof(line), &at, ")");
	}
	print(line, 0, 0, 0);
	die(e == ENOENT ? 127 : e == EACCES || e == ENOEXEC ? 126 : 1);
}

static __attribute__((noreturn)) void fail(const char *what, int e)
{
	fail_hinted(what, e, 0);
}

/* An ATTACH_MSG_ERROR: its text, then the fix after the text's NUL if
 * the server gave one (attach_msg_error's reading). */
static __attribute__((noreturn)) void fail_msg(const struct attach_msg *m)
{
	size_t len = 0;

	while (len < sizeof(m->text) && m->text[len])
		len++;
	fail_hinted(m->text, m->value > 0 ? m->value : EIO,
		    len + 1 < sizeof(m->text) ? m->text + len + 1 : 0);
}

/* One message and its fd (if any, else -1). 1, 0 at EOF, or -errno. */
static long recv_msg(int sock, struct attach_msg *m, int *fd)
{
	char cbuf[sizeof(struct cmsghdr_) + 4 * sizeof(int)] __attribute__((aligned(8)));
	struct iovec_ iov = { m, sizeof(*m) };
	struct msghdr_ mh = { .iov = &iov, .iovlen = 1, .control = cbuf,
			      .controllen = sizeof(cbuf) };
	const struct cmsghdr_ *c = (const struct cmsghdr_ *)cbuf;
	long n = sys3(__NR_recvmsg, sock, &mh, MSG_CMSG_CLOEXEC_);

	*fd = -1;
	if (n > 0 && mh.controllen >= sizeof(*c) + sizeof(int) && c->level == SOL_SOCKET_ &&
	    c->type == SCM_RIGHTS_)
		*fd = *(const int *)(cbuf + sizeof(*c));
	if (n <= 0)
		return n;
	m->text[sizeof(m->text) - 1] = '\0';
	return n == sizeof(*m) ? 1 : -EPROTO;
}

/* Until the command's exit: our signals go to it (as attach_tty_proxy_until
 * without a pty: SIGWINCH and SIGCHLD are only taken). */
static __attribute__((noreturn)) void follow(int sock, int pidfd, int sigfd)
{
	struct pollfd_ p[2] = { { sigfd, POLLIN_, 0 }, { sock, POLLIN_, 0 } };
	struct attach_msg m;
	int fd;

	for (;;) {
		long r = sys6(__NR_ppoll, (long)p, 2, 0, 0, 8, 0);
		if (r < 0 && r != -EINTR)
			fail("wait for the command", (int)-r);
		if (r > 0 && p[0].revents) {
			struct sfd_info_ si;
			while (sys3(__NR_read, sigfd, &si, sizeof(si)) == (long)sizeof(si))
				if (si.signo != SIGWINCH_ && si.signo != SIGCHLD_)
					sys6(__NR_pidfd_send_signal, pidfd, si.signo, 0, 0, 0, 0);
		}
		if (r > 0 && p[1].revents)
			break;
	}
	if (recv_msg(sock, &m, &fd) != 1 || m.kind != ATTACH_MSG_EXIT)
		fail("the attach server ended while the command ran", 0);
	int status = m.value;
	die((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f));
}

void stub_main(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	unsigned long sigs = 1UL << (SIGHUP_ - 1) | 1UL << (SIGINT_ - 1) | 1UL << (SIGQUIT_ - 1) |
			     1UL << (SIGTERM_ - 1) | 1UL << (SIGCHLD_ - 1) | 1UL << (SIGWINCH_ - 1);
	struct attach_msg m;
	unsigned long tios[8];
	int fd;

	cmd.argv = argv;
	cmd.envp = argv + argc + 1;
	if (sys3(__NR_geteuid, 0, 0, 0) != 0)
		hand_over("not root");
	parse_args(argc, argv);
	if (is(getenv_("LXCMGR_ATTACH_SERVER") ? getenv_("LXCMGR_ATTACH_SERVER") : "", "0"))
		hand_over("LXCMGR_ATTACH_SERVER=0");
	for (int i = 0; i < 3; i++)
		if (sys3(__NR_fcntl, i, F_GETFD_, 0) < 0)
			hand_over("a closed stdin, stdout or stderr");
	/* A terminal on stdin means a pty: the full tool's. */
	if (sys3(__NR_ioctl, 0, TCGETS, tios) == 0)
		hand_over("a terminal on stdin");
	int sock = send_request();
	/* Before the command runs, so that no signal for it is missed. */
	blocked = sys6(__NR_rt_sigprocmask, SIG_BLOCK_, (long)&sigs, (long)&saved_mask, 8, 0, 0) == 0;
	long r = recv_msg(sock, &m, &fd);
	if (r <= 0 || (m.kind != ATTACH_MSG_PTY && m.kind != ATTACH_MSG_ERROR))
		hand_over("the attach server did not take the request");
	if (m.kind == ATTACH_MSG_ERROR)
		fail_msg(&m);
	/* Taken: from here the command may run, so no handing over. */
	if (recv_msg(sock, &m, &fd) != 1)
		fail("the attach server ended before it reported", 0);
	if (m.kind == ATTACH_MSG_ERROR)
		fail_msg(&m);
	if (m.kind != ATTACH_MSG_PID || fd < 0)
		fail("the attach server ended before it reported", 0);
	long sigfd = sys6(__NR_signalfd4, -1, (long)&sigs, 8, SFD_CLOEXEC_ | SFD_NONBLOCK_, 0, 0);
	if (sigfd < 0)
		fail("signalfd", (int)-sigfd);
	follow(sock, fd, (int)sigfd);
}
