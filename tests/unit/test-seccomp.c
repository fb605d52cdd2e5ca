/* security/seccomp-policy.c and seccomp.c: LXC's policy formats, errors
 * that name the line, and compiled filters that do what the policy says
 * (loaded in a child process, then the system calls tried). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <seccomp.h>

#include "security/seccomp-policy.h"
#include "security/seccomp.h"
#include "unit.h"
#include "util/cleanup.h"

static int parse(const char *text, struct secpol *pol, lxcmgr_error **err)
{
	return secpol_parse("p.seccomp", text, strlen(text), pol, err);
}

/* TEXT fails to parse with a message containing NEEDLE. */
static void parse_fails(const char *text, const char *needle)
{
	struct secpol pol;
	lxcmgr_error *err = NULL;
	int ret = parse(text, &pol, &err);

	EXPECT(ret < 0, "\"%s\" is refused", text);
	EXPECT(err && strstr(err->msg, needle), "message for \"%s\" contains \"%s\", saw \"%s\"",
	       text, needle, err ? err->msg : "(none)");
	lxcmgr_error_free(err);
}

TEST(version_2_denylist)
{
	struct secpol pol;
	lxcmgr_error *err = NULL;
	int ret = parse("2\n"
			"denylist\n"
			"# a comment\n"
			"reject_force_umount  # and one after a word\n"
			"\n"
			"kexec_load errno 1\n"
			"[x86]\n"
			"mknod\n"
			"[ALL]\n"
			"mknodat errno 1 [2,24576,SCMP_CMP_MASKED_EQ,61440] [0,5,!=]\n"
			"[ppc64le]\n"
			"open_by_handle_at kill\n",
			&pol, &err);

	EXPECT_INT(ret, 0);
	if (ret < 0) {
		printf("# %s\n", err ? err->msg : "?");
		lxcmgr_error_free(err);
		return;
	}
	EXPECT_INT(pol.version, 2);
	EXPECT(!pol.allowlist, "a denylist");
	EXPECT_INT(pol.default_action, SCMP_ACT_ALLOW);
	EXPECT(pol.reject_force_umount, "reject_force_umount");
	/* The ppc64le section is not for this host: left out. */
	EXPECT_INT(pol.n_rules, seccomp_arch_native() == SCMP_ARCH_PPC64LE ? 4 : 3);
	if (pol.n_rules >= 3) {
		EXPECT_STR(pol.rules[0].name, "kexec_load");
		EXPECT_INT(pol.rules[0].arch, 0);
		EXPECT_INT(pol.rules[0].action, SCMP_ACT_ERRNO(1));
		EXPECT_INT(pol.rules[0].line, 6);
		EXPECT_INT(pol.rules[1].arch, SCMP_ARCH_X86);
		EXPECT_INT(pol.rules[1].action, SCMP_ACT_KILL); /* a denylist rule's default */
		EXPECT_INT(pol.rules[2].n_args, 2);
		EXPECT_INT(pol.rules[2].args[0].index, 2);
		EXPECT_INT(pol.rules[2].args[0].op, SCMP_CMP_MASKED_EQ);
		EXPECT_INT(pol.rules[2].args[0].value, 24576);
		EXPECT_INT(pol.rules[2].args[0].mask, 61440);
		EXPECT_INT(pol.rules[2].args[1].op, SCMP_CMP_NE);
		EXPECT_INT(pol.rules[2].args[1].value, 5);
	}
	secpol_release(&pol);
}

TEST(allowlists_and_version_1)
{
	struct secpol pol;
	lxcmgr_error *err = NULL;

	EXPECT_INT(parse("2\nallowlist errno 38\nread\nwrite allow\n", &pol, &err), 0);
	EXPECT(pol.allowlist, "an allowlist");
	EXPECT_INT(pol.default_action, SCMP_ACT_ERRNO(38));
	EXPECT_INT(pol.n_rules, 2);
	if (pol.n_rules == 2)
		EXPECT_INT(pol.rules[0].action, SCMP_ACT_ALLOW);
	secpol_release(&pol);
	EXPECT_INT(parse("1\nwhitelist\n0\n1\n60\n", &pol, &err), 0);
	EXPECT_INT(pol.version, 1);
	EXPECT_INT(pol.default_action, SCMP_ACT_KILL);
	EXPECT_INT(pol.n_rules, 3);
	if (pol.n_rules == 3)
		EXPECT_INT(pol.rules[2].number, 60);
	secpol_release(&pol);
	lxcmgr_error_free(err);
}

TEST(errors_name_the_line)
{
	parse_fails("3\ndenylist\n", "p.seccomp:1: the first line must be the policy version");
	parse_fails("2\ngreylist\n", "p.seccomp:2: unknown policy type \"greylist\"");
	parse_fails("2\n", "p.seccomp: too short");
	parse_fails("2\ndenylist\n\nkexec_load deny\n",
		    "p.seccomp:4: unknown action \"deny\"; use kill, trap, allow, log or errno N");
	parse_fails("2\ndenylist\nkexec_load errno\n", "p.seccomp:3: errno needs a number");
	parse_fails("2\ndenylist\nkexec_load errno 5000\n", "from 0 to 4095");
	parse_fails("2\ndenylist\nno_such_call errno 1\n",
		    "p.seccomp:3: unknown system call \"no_such_call\"");
	parse_fails("2\ndenylist\n[vax]\n", "p.seccomp:3: unknown architecture section [vax]");
	parse_fails("2\ndenylist\nmknod errno 1 [1,2]\n", "p.seccomp:3: argument filter \"[1,2]\"");
	parse_fails("2\ndenylist\nmknod errno 1 [7,2,==]\n", "the index must be 0 to 5");
	parse_fails("2\ndenylist\nmknod errno 1 [1,2,=~]\n", "unknown operator \"=~\"");
	parse_fails("2\ndenylist\nmknod errno 1 [1,2,&=]\n", "needs a mask");
	parse_fails("2\ndenylist\nmknod errno 1 [1,2,==,3]\n", "only SCMP_CMP_MASKED_EQ takes a mask");
	parse_fails("2\ndenylist\nmknod errno 1 junk\n", "p.seccomp:3: unexpected \"junk\"");
	parse_fails("2\ndenylist\nioctl notify\n", "p.seccomp:3: not supported yet: the notify action");
	parse_fails("1\ndenylist\n", "p.seccomp:2: version 1 policies are allowlists");
	parse_fails("1\nallowlist\nread\n", "p.seccomp:3: version 1 policies list system call numbers");
	parse_fails("2\ndenylist kill extra\n", "p.seccomp:2: after the policy type only");
}

/* Loads the policy TEXT in a child (with no_new_privs), runs FN there and
 * returns its exit status, or -1. */
static int in_filtered_child(const char *text, int (*fn)(void))
{
	struct secfilter f;
	lxcmgr_error *err = NULL;

	if (secfilter_compile("p.seccomp", text, strlen(text), &f, &err) < 0) {
		printf("# compile: %s\n", err ? err->msg : "?");
		lxcmgr_error_free(err);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || secfilter_load(&f) < 0)
			_exit(99);
		_exit(fn());
	}
	int status = 0;
	waitpid(pid, &status, 0);
	secfilter_release(&f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* getppid fails only under a filter; its errno is what the rule says. */
static int try_getppid(void)
{
	return syscall(SYS_getppid) < 0 ? errno : 0;
}

/* kill(self, 0) filtered on its second argument only. */
static int try_kill_args(void)
{
	int zero = syscall(SYS_kill, getpid(), 0) < 0 ? errno : 0;
	int cont = syscall(SYS_kill, getpid(), SIGCONT) < 0 ? errno : 0;
	return zero == 44 && cont == 0 ? 0 : 1;
}

TEST(compiled_filters_do_what_the_policy_says)
{
	EXPECT_INT(in_filtered_child("2\ndenylist\ngetppid errno 42\n", try_getppid), 42);
	EXPECT_INT(in_filtered_child("2\ndenylist\n[all]\ngetppid errno 43\n", try_getppid), 43);
	/* A rule for another architecture's section leaves ours alone. */
	if (seccomp_arch_native() == SCMP_ARCH_X86_64)
		EXPECT_INT(in_filtered_child("2\ndenylist\n[x86]\ngetppid errno 43\n", try_getppid),
			   0);
	EXPECT_INT(in_filtered_child("2\ndenylist\nkill errno 44 [1,0,SCMP_CMP_EQ]\n",
				     try_kill_args),
		   0);
	EXPECT_INT(in_filtered_child("2\ndenylist\ngetppid\n", try_getppid), 128 + SIGSYS);
	/* An allowlist of every system call but getppid: what it does not
	 * name fails with its default action. (Every other call allowed, so
	 * that a sanitizer's own calls in the child still work.) */
	char *allow = strdup("2\nallowlist errno 45\n");
	for (int nr = 0; allow && nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
		char *grown = NULL;
		if (name && strcmp(name, "getppid") != 0 &&
		    asprintf(&grown, "%s%s\n", allow, name) >= 0) {
			free(allow);
			allow = grown;
		}
		free(name);
	}
	EXPECT(allow != NULL, "the allowlist was built");
	if (allow)
		EXPECT_INT(in_filtered_child(allow, try_getppid), 45);
	free(allow);
}

TEST(shipped_policy_compiles)
{
	cleanup_free char *path = NULL;
	struct secfilter f;
	char *notice = NULL;
	lxcmgr_error *err = NULL;
	char dir[] = "/tmp/lxcmgr-test-seccomp.XXXXXX";

	if (asprintf(&path, "%s/config/common.seccomp", unit_srcdir()) < 0 || !mkdtemp(dir))
		return;
	int ret = secfilter_get(dir, path, &f, &notice, &err);
	EXPECT_INT(ret, 0);
	EXPECT(ret < 0 || f.n > 20, "config/common.seccomp compiles: %s", err ? err->msg : "");
	EXPECT(notice == NULL, "cached without a notice: %s", notice ? notice : "");
	secfilter_release(&f);
	free(notice);
	lxcmgr_error_free(err);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	EXPECT_INT(system(cmd), 0);
}

UNIT_MAIN(version_2_denylist, allowlists_and_version_1, errors_name_the_line,
	  compiled_filters_do_what_the_policy_says, shipped_policy_compiles)
