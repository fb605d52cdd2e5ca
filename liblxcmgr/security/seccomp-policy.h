/* LXC's seccomp policy files, versions 1 and 2 (lxc.container.conf(5)),
 * parsed into rules; security/seccomp.c compiles them with libseccomp.
 *
 *   2
 *   denylist [ACTION]            (or allowlist; blacklist, whitelist)
 *   reject_force_umount          umount2(MNT_FORCE) fails with EACCES
 *   [all]                        an architecture section: all, x86_64, x86, ...
 *   kexec_load errno 1           NAME [ACTION] [INDEX,VALUE,OP[,MASK]]...
 *   mknod errno 1 [1,24576,SCMP_CMP_MASKED_EQ,61440]
 *
 * ACTION: kill, trap, allow, log, errno N. A denylist allows what it does
 * not name and kills for a rule without an action; an allowlist kills what
 * it does not name. Rules before any section are for every architecture
 * the host runs (its own and its compat ones, as [all]). Version 1: a line
 * "allowlist", then system call numbers. Comments start with "#". */
#ifndef LXCMGR_SECURITY_SECCOMP_POLICY_H
#define LXCMGR_SECURITY_SECCOMP_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lxcmgr.h"

#define SECPOL_ARGS_MAX 6
#define SECPOL_MAX_RULES 4096

/* One comparison: (argument INDEX OP VALUE), or for "&=" ((arg & MASK) == VALUE). */
struct secpol_arg {
	unsigned index;
	int op; /* enum scmp_compare */
	uint64_t value;
	uint64_t mask;
};

struct secpol_rule {
	char name[64];  /* the system call as written */
	long number;    /* >= 0: given as a number (native architecture only) */
	uint32_t arch;  /* 0: every architecture the host runs; else one SCMP_ARCH_* */
	uint32_t action; /* SCMP_ACT_* */
	unsigned n_args;
	struct secpol_arg args[SECPOL_ARGS_MAX];
	unsigned line;
};

struct secpol {
	char *file;              /* for errors: "file:line: ..." */
	unsigned version;        /* 1 or 2 */
	bool allowlist;
	uint32_t default_action; /* for what no rule names */
	bool reject_force_umount;
	struct secpol_rule *rules;
	size_t n_rules;
};

/* Parses TEXT (LEN bytes) of the policy FILE into POL. Errors name the
 * line: "FILE:7: unknown action \"deny\"; use kill, trap, allow, log or
 * errno N". Rules of sections for architectures this host cannot run are
 * checked and left out. 0 or -errno. */
int secpol_parse(const char *file, const char *text, size_t len, struct secpol *pol,
		 lxcmgr_error **err);
void secpol_release(struct secpol *pol);

/* The architectures rules go to here: the native one first, then its
 * compat ones (x86_64: x86, x32). Returns their count (<= 3). */
size_t secpol_host_arches(uint32_t arches[3]);

#endif
