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
 * few KiB, and being static it needs nothing from the container. Its
 * assembly and execvpe are in nolibc.h, shared with lxcmgr-attachd. */
#include "nolibc.h"

#define LXCMGR_ATTACH_HELPER_ONLY
#include "attach/attach.h"

#define F_SETFD_ 2
#define FD_CLOEXEC_ 1

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
