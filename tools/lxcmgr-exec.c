/* lxcmgr-exec: the last step of lxc-attach, run from a sealed memfd inside
 * the container. It only execs the command (searching PATH of the
 * environment it was given) and, when that fails, tells lxc-attach why
 * over the socket it names. Being a memfd, its /proc/self/exe is nothing
 * on the host: a command "#!/proc/self/exe" cannot reach lxc-attach's
 * binary through it (CVE-2019-5736). See liblxcmgr/attach/attach.h.
 *
 *   lxcmgr-exec SOCKFD FILE ARG0 [ARG]...
 *
 * No libc: it is copied into a memfd at every attach, so it is kept to a
 * few KiB, and being static it needs nothing from the container. Only
 * x86_64 and aarch64 have the few lines of assembly it needs. */
#include <asm/unistd.h>
#include <linux/errno.h>
#include <stddef.h>

#define LXCMGR_ATTACH_HELPER_ONLY
#include "attach/attach.h"

#define F_SETFD_ 2
#define FD_CLOEXEC_ 1
#define MSG_NOSIGNAL_ 0x4000
#define PATH_MAX_ 4096

#if defined(__x86_64__)
__asm__(".text\n.global _start\n_start:\n"
	"\txor %ebp, %ebp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall stub_main\n\thlt\n");

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
__asm__(".text\n.global _start\n_start:\n\tmov x0, sp\n\tbl stub_main\n\tbrk #0\n");

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory", "cc");
	return x0;
}
#else
#error "lxcmgr-exec: no system call glue for this architecture yet"
#endif

#define sys3(n, a, b, c) sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

void stub_main(long *sp) __attribute__((noreturn, used));

/* Appends S to BUF (of SIZE) at *AT, truncating. */
static void put(char *buf, size_t size, size_t *at, const char *s)
{
	while (*s && *at + 1 < size)
		buf[(*at)++] = *s++;
	buf[*at] = '\0';
}

static __attribute__((noreturn)) void die(int status)
{
	for (;;)
		sys3(__NR_exit_group, status, 0, 0);
}

static const char *get_path(char **envp)
{
	for (; *envp; envp++) {
		const char *e = *envp;
		if (e[0] == 'P' && e[1] == 'A' && e[2] == 'T' && e[3] == 'H' && e[4] == '=')
			return e + 5;
	}
	return "/usr/local/bin:/usr/bin:/bin";
}

/* execvpe(3): FILE with a slash as it is, else each directory of PATH.
 * Returns the errno to report: EACCES if any candidate was refused,
 * else the last one's. */
static long exec_path(const char *file, char **argv, char **envp)
{
	static char buf[PATH_MAX_];
	long err = -ENOENT;
	bool denied = false;

	for (const char *f = file; *f; f++)
		if (*f == '/')
			return sys3(__NR_execve, file, argv, envp);
	if (!*file)
		return -ENOENT;
	for (const char *p = get_path(envp);; p++) {
		size_t at = 0;
		const char *dir = p;
		while (*p && *p != ':')
			p++;
		for (const char *d = dir; d < p && at + 1 < sizeof(buf); d++)
			buf[at++] = *d;
		if (at == 0)
			buf[at++] = '.'; /* an empty entry is the current directory */
		put(buf, sizeof(buf), &at, "/");
		put(buf, sizeof(buf), &at, file);
		err = sys3(__NR_execve, buf, argv, envp);
		denied |= err == -EACCES;
		if (err != -ENOENT && err != -ENOTDIR && err != -EACCES)
			return err;
		if (!*p)
			break;
	}
	return denied ? -EACCES : err;
}

static bool is(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

void stub_main(long *sp)
{
	static struct attach_msg m; /* static: no memset for the compiler to call */
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	long sock = 0;
	size_t at = 0;

	/* A script "#!/proc/self/exe" lands here with argv[0] "/proc/self/exe". */
	if (argc < 4 || !is(argv[0], ATTACH_HELPER_ARGV0)) {
		static const char msg[] = "lxcmgr-exec: not a command; lxc-attach runs it\n";
		sys3(__NR_write, 2, msg, sizeof(msg) - 1);
		die(126);
	}
	for (const char *s = argv[1]; *s >= '0' && *s <= '9' && sock < 65536; s++)
		sock = sock * 10 + (*s - '0');
	if (sock < 3 || sys3(__NR_fcntl, sock, F_SETFD_, FD_CLOEXEC_) < 0)
		die(126);
	long err = exec_path(argv[2], &argv[3], envp);

	m.kind = ATTACH_MSG_ERROR;
	m.value = (int32_t)-err;
	put(m.text, sizeof(m.text), &at, "exec \"");
	put(m.text, sizeof(m.text), &at, argv[2]);
	put(m.text, sizeof(m.text), &at, "\"");
	sys6(__NR_sendto, sock, (long)&m, sizeof(m), MSG_NOSIGNAL_, 0, 0);
	die(err == -ENOENT ? 127 : 126);
}
