/* The few lines of assembly and helpers shared by the programs built
 * without libc (lxcmgr-exec, lxcmgr-attachd, lxc-attach's front): the entry point, which calls
 * stub_main(sp) with the initial stack (argc, argv, envp), raw system
 * calls, and an execvpe(3) of our own. Static functions only: each program
 * keeps what it uses. Only x86_64 and aarch64 have the assembly. */
#ifndef LXCMGR_TOOLS_NOLIBC_H
#define LXCMGR_TOOLS_NOLIBC_H

#include <asm/unistd.h>
#include <linux/errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PATH_MAX_ 4096

#if defined(__x86_64__)
__asm__(".text\n.global _start\n_start:\n"
	"\txor %ebp, %ebp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall stub_main\n\thlt\n");

static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
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

static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
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
#error "no system call glue for this architecture yet (tools/nolibc.h)"
#endif

#define sys3(n, a, b, c) sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys5(n, a, b, c, d, e) sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

void stub_main(long *sp) __attribute__((noreturn, used));

/* The kernel's values and layouts these programs pass (x86_64 and
 * aarch64 alike), under names of their own: libc's headers are not ours. */
#define O_RDONLY_ 0
#define O_CLOEXEC_ 02000000
#define AT_FDCWD_ (-100)
#define SOCK_CLOEXEC_ 02000000
#define SOL_SOCKET_ 1
#define SCM_RIGHTS_ 1
#define MSG_NOSIGNAL_ 0x4000
#define MSG_CMSG_CLOEXEC_ 0x40000000
#define POLLIN_ 1
#define SIGCHLD_ 17

struct iovec_ {
	void *base;
	size_t len;
};

struct msghdr_ {
	void *name;
	int namelen;
	struct iovec_ *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	unsigned flags;
};

struct cmsghdr_ {
	size_t len;
	int level;
	int type;
};

struct pollfd_ {
	int fd;
	short events, revents;
};

static inline size_t len_of(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* S as a plain decimal number of 32 bits (no sign, no blanks). */
static inline bool parse_u32(const char *s, uint32_t *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 0xffffffffUL)
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = (uint32_t)v;
	return v <= 0xffffffffUL;
}

/* Appends S to BUF (of SIZE) at *AT, truncating. */
static inline void put(char *buf, size_t size, size_t *at, const char *s)
{
	while (*s && *at + 1 < size)
		buf[(*at)++] = *s++;
	buf[*at] = '\0';
}

static inline bool is(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static inline __attribute__((noreturn)) void die(int status)
{
	for (;;)
		sys3(__NR_exit_group, status, 0, 0);
}

static inline const char *get_path(char *const *envp)
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
static inline long exec_path(const char *file, char *const *argv, char *const *envp)
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

#endif
