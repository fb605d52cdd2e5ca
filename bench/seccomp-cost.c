/* What a seccomp policy costs, in-process, for bench/bench-seccomp.sh:
 * compiling it with libseccomp, reading it from the cache (what a start
 * does), and loading the filter into a process (the kernel's work: it
 * checks the program and precomputes the action of every system call).
 *
 *   seccomp-cost POLICY CACHE-DIR   (CACHE-DIR: empty, mode 0700, ours) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "security/seccomp.h"
#include "util/file.h"

#define ROUNDS 200

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The load, timed in a child (a filter cannot be taken off again). */
static double load_ms(const struct secfilter *f)
{
	int fds[2];
	double d = -1;

	if (pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		double a = now_ms();
		int r = secfilter_load(f);
		d = r < 0 ? -1 : now_ms() - a;
		_exit(write(fds[1], &d, sizeof(d)) == sizeof(d) ? 0 : 1);
	}
	if (read(fds[0], &d, sizeof(d)) != sizeof(d))
		d = -1;
	waitpid(pid, NULL, 0);
	close(fds[0]);
	close(fds[1]);
	return d;
}

int main(int argc, char **argv)
{
	struct secfilter f;
	lxcmgr_error *err = NULL;
	char *text = NULL, *notice = NULL;
	size_t len = 0;

	if (argc != 3 || file_read(argv[1], 1 << 20, &text, &len) < 0) {
		fprintf(stderr, "usage: seccomp-cost POLICY CACHE-DIR\n");
		return 2;
	}
	double t = now_ms();
	for (int i = 0; i < 20; i++) {
		if (secfilter_compile(argv[1], text, len, &f, &err) < 0) {
			fprintf(stderr, "%s\n", err ? err->msg : "compile failed");
			return 1;
		}
		secfilter_release(&f);
	}
	double compile = (now_ms() - t) / 20;
	secfilter_get(argv[2], argv[1], &f, &notice, &err); /* writes the cache */
	secfilter_release(&f);
	t = now_ms();
	for (int i = 0; i < ROUNDS; i++) {
		if (secfilter_get(argv[2], argv[1], &f, &notice, &err) < 0 || !f.from_cache)
			return 1;
		if (i < ROUNDS - 1)
			secfilter_release(&f);
	}
	double hit = (now_ms() - t) / ROUNDS, load = 0;
	for (int i = 0; i < ROUNDS; i++)
		load += load_ms(&f);
	printf("%-28s %5zu insns  compile %7.3f ms  cache hit %6.3f ms  load %6.3f ms\n",
	       argv[1], f.n, compile, hit, load / ROUNDS);
	return 0;
}
