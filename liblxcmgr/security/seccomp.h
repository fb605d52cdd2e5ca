/* seccomp filters: a policy file (seccomp-policy.h) compiled to BPF with
 * libseccomp, cached, and loaded into a container's processes.
 *
 * The cache: a start must not pay for a compile (libseccomp takes a few
 * milliseconds for a policy with compat architectures). The BPF goes to
 * RUNTIME_DIR/seccomp/HASH.bpf, named by a hash of everything the output
 * depends on (the policy text, the architecture, libseccomp's version and
 * API level, the cache format). The hash only finds the file: a hit is one
 * whose header repeats those inputs and whose stored policy text is
 * byte-for-byte the current one, so a collision cannot load the wrong
 * filter. The directory and the file must be owned by us and writable by
 * nobody else, or the cache is not used. The runtime directory is a tmpfs
 * (/run): a reboot, the only way to a new kernel, empties it. */
#ifndef LXCMGR_SECURITY_SECCOMP_H
#define LXCMGR_SECURITY_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/filter.h>

#include "lxcmgr.h"

struct secfilter {
	struct sock_filter *insns;
	size_t n;
	bool from_cache; /* for tests and benchmarks */
};

/* The filter of the policy file PATH: from the cache under RUNTIME_DIR, or
 * compiled and then cached. *NOTICE (malloc'd, or NULL) says why the cache
 * could not be used or written; the filter is good anyway. 0 or -errno. */
int secfilter_get(const char *runtime_dir, const char *path, struct secfilter *f, char **notice,
		  lxcmgr_error **err);

/* The same from policy TEXT, with no cache (tests, lxc-checkconfig). */
int secfilter_compile(const char *file, const char *text, size_t len, struct secfilter *f,
		      lxcmgr_error **err);

void secfilter_release(struct secfilter *f);

/* Loads F into the calling thread: no allocation, one system call (for the
 * attach child). Needs no_new_privs or CAP_SYS_ADMIN. 0 or -errno. */
int secfilter_load(const struct secfilter *f);

/* Whether the calling process is already under a seccomp filter
 * (/proc/self/status, Seccomp: 2): with lxc.seccomp.allow_nesting = 0 a
 * container under one gets no second one, as in LXC. */
bool secfilter_confined(void);

#endif
