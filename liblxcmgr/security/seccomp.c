/* seccomp filters (seccomp.h): compile with libseccomp, cache, load. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "security/seccomp-policy.h"
#include "security/seccomp.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

#define POLICY_MAX_SIZE (1u << 20)
#define CACHE_MAGIC "LXMSCF01" /* bump when the layout or the compile changes */

static void ctx_release(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define cleanup_ctx __attribute__((cleanup(ctx_release)))

/* ------------------------------------------------------------ compiling */

static int rule_args(const struct secpol_rule *r, struct scmp_arg_cmp *cmp)
{
	for (unsigned i = 0; i < r->n_args; i++) {
		const struct secpol_arg *a = &r->args[i];
		cmp[i] = (struct scmp_arg_cmp){ .arg = a->index, .op = (enum scmp_compare)a->op,
						.datum_a = a->value };
		/* libseccomp's masked compare takes the mask first. */
		if (a->op == SCMP_CMP_MASKED_EQ) {
			cmp[i].datum_a = a->mask;
			cmp[i].datum_b = a->value;
		}
	}
	return (int)r->n_args;
}

/* Adds the rules that apply to ARCH to CTX, whose only architecture it
 * is; marks in RESOLVED the rules whose system call ARCH has. */
static int add_rules(const struct secpol *pol, scmp_filter_ctx ctx, uint32_t arch, bool native,
		     bool *resolved, lxcmgr_error **err)
{
	struct scmp_arg_cmp cmp[SECPOL_ARGS_MAX];

	for (size_t i = 0; i < pol->n_rules; i++) {
		const struct secpol_rule *r = &pol->rules[i];
		if (r->arch && r->arch != arch)
			continue;
		/* libseccomp takes the native number (or its pseudo-number
		 * for a call the native architecture lacks) and translates it
		 * for the context's architecture. */
		int here = r->number >= 0 ? (native ? (int)r->number : __NR_SCMP_ERROR) :
					    seccomp_syscall_resolve_name_arch(arch, r->name);
		/* Not on this architecture; negative: a pseudo-number for one
		 * that only goes through a multiplexer (socketcall on x86),
		 * which the rule could not match: skipped, as LXC does. */
		if (here == __NR_SCMP_ERROR || here < 0)
			continue;
		int nr = r->number >= 0 ? (int)r->number : seccomp_syscall_resolve_name(r->name);
		resolved[i] = true;
		if (r->action == pol->default_action)
			continue; /* says nothing the default does not */
		int n = rule_args(r, cmp);
		int ret = seccomp_rule_add_array(ctx, r->action, nr, (unsigned)n, cmp);
		if (ret < 0)
			return error_msg(err, -ret, "%s:%u: %s: libseccomp refused the rule: %s",
					 pol->file, r->line, r->name, strerror(-ret));
	}
	if (pol->reject_force_umount) {
		int nr = seccomp_syscall_resolve_name_arch(arch, "umount2");
		struct scmp_arg_cmp force = SCMP_A1(SCMP_CMP_MASKED_EQ, MNT_FORCE, MNT_FORCE);
		int ret = nr < 0 ? 0 :
			  seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(umount2), 1, force);
		if (ret < 0)
			return error_msg(err, -ret, "%s: reject_force_umount: %s", pol->file,
					 strerror(-ret));
	}
	return 0;
}

/* One filter context per architecture (a rule of an [x86] section must
 * not reach x86_64), merged into the native one. */
static int build_ctx(const struct secpol *pol, scmp_filter_ctx *out, lxcmgr_error **err)
{
	uint32_t arches[3];
	size_t n = secpol_host_arches(arches);
	cleanup_free bool *resolved = calloc(pol->n_rules + 1, sizeof(*resolved));
	cleanup_ctx scmp_filter_ctx main_ctx = NULL;
	int ret;

	if (!resolved)
		return -ENOMEM;
	for (size_t a = 0; a < n; a++) {
		cleanup_ctx scmp_filter_ctx ctx = seccomp_init(pol->default_action);
		if (!ctx)
			return error_msg(err, EINVAL, "%s: libseccomp cannot make a filter with "
					 "this default action", pol->file);
		if (a > 0 && ((ret = seccomp_arch_add(ctx, arches[a])) < 0 ||
			      (ret = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)) < 0))
			return error_msg(err, -ret, "%s: libseccomp: add architecture 0x%x: %s",
					 pol->file, arches[a], strerror(-ret));
		if ((ret = add_rules(pol, ctx, arches[a], a == 0, resolved, err)) < 0)
			return ret;
		if (a == 0) {
			main_ctx = steal_ptr(ctx);
		} else if ((ret = seccomp_merge(main_ctx, ctx)) < 0) {
			return error_msg(err, -ret, "%s: libseccomp: merge architecture 0x%x: %s",
					 pol->file, arches[a], strerror(-ret));
		} else {
			ctx = NULL; /* merged: main_ctx owns it */
		}
	}
	for (size_t i = 0; i < pol->n_rules; i++)
		if (!resolved[i])
			return error_msg(err, EINVAL, "%s:%u: system call \"%s\" does not exist on "
					 "the architectures of this host (its section: %s)",
					 pol->file, pol->rules[i].line, pol->rules[i].name,
					 pol->rules[i].arch ? "a single architecture" : "all");
	*out = steal_ptr(main_ctx);
	return 0;
}

/* libseccomp 2.5 exports only to an fd: a memfd, read back. */
static int export_bpf(scmp_filter_ctx ctx, struct secfilter *f, const char *file,
		      lxcmgr_error **err)
{
	cleanup_close int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	struct stat st;
	int ret;

	if (fd < 0)
		return error_set(err, errno, "%s: memfd for the compiled filter", file);
	if ((ret = seccomp_export_bpf(ctx, fd)) < 0)
		return error_msg(err, -ret, "%s: libseccomp: export the filter: %s", file,
				 strerror(-ret));
	if (fstat(fd, &st) < 0)
		return error_set(err, errno, "%s: compiled filter", file);
	size_t n = (size_t)st.st_size / sizeof(struct sock_filter);
	if (n == 0 || n > BPF_MAXINSNS)
		return error_msg(err, E2BIG, "%s: the compiled filter has %zu instructions; the "
				 "kernel takes at most %d", file, n, BPF_MAXINSNS);
	f->insns = malloc(n * sizeof(*f->insns));
	if (!f->insns)
		return -ENOMEM;
	if (pread(fd, f->insns, n * sizeof(*f->insns), 0) != (ssize_t)(n * sizeof(*f->insns))) {
		free(steal_ptr(f->insns));
		return error_set(err, EIO, "%s: read back the compiled filter", file);
	}
	f->n = n;
	return 0;
}

int secfilter_compile(const char *file, const char *text, size_t len, struct secfilter *f,
		      lxcmgr_error **err)
{
	struct secpol pol;
	cleanup_ctx scmp_filter_ctx ctx = NULL;
	int ret;

	memset(f, 0, sizeof(*f));
	if ((ret = secpol_parse(file, text, len, &pol, err)) < 0)
		return ret;
	ret = build_ctx(&pol, &ctx, err);
	if (ret == 0)
		ret = export_bpf(ctx, f, file, err);
	secpol_release(&pol);
	return ret;
}

void secfilter_release(struct secfilter *f)
{
	free(f->insns);
	memset(f, 0, sizeof(*f));
}

/* --------------------------------------------------------------- cache */

struct cache_head {
	char magic[8];
	uint32_t arch;     /* seccomp_arch_native() */
	uint32_t api;      /* seccomp_api_get(): what the kernel lets libseccomp use */
	uint32_t version;  /* libseccomp major << 16 | minor << 8 | micro */
	uint32_t text_len; /* the policy text follows, then the instructions */
	uint32_t n_insns;
	uint32_t pad;
};

static void head_init(struct cache_head *h, size_t text_len)
{
	const struct scmp_version *v = seccomp_version();

	memset(h, 0, sizeof(*h));
	memcpy(h->magic, CACHE_MAGIC, sizeof(h->magic));
	h->arch = seccomp_arch_native();
	h->api = seccomp_api_get();
	h->version = v ? (v->major << 16 | v->minor << 8 | v->micro) : 0;
	h->text_len = (uint32_t)text_len;
}

/* FNV-1a, 64 bits: names the file only (the content is compared). */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* Ours and writable by nobody else: what we may trust. */
static bool trusted(const struct stat *st, mode_t type)
{
	return (st->st_mode & S_IFMT) == type && st->st_uid == geteuid() &&
	       !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* RUNTIME_DIR/seccomp, made 0700 when missing; -EPERM when it is not
 * trusted. */
static int cache_dir(const char *runtime_dir)
{
	cleanup_free char *path = str_printf("%s/seccomp", runtime_dir);
	struct stat st;

	if (!path)
		return -ENOMEM;
	if (mkdir_p(runtime_dir, 0755) < 0 || (mkdir(path, 0700) < 0 && errno != EEXIST))
		return -errno;
	int fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !trusted(&st, S_IFDIR) || (st.st_mode & 077)) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

static int cache_read(int dir, const char *name, const struct cache_head *want,
		      const char *text, struct secfilter *f)
{
	cleanup_close int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct cache_head h;
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !trusted(&st, S_IFREG))
		return -EPERM;
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h) || h.n_insns == 0 ||
	    h.n_insns > BPF_MAXINSNS || memcmp(&h, want, offsetof(struct cache_head, n_insns)) ||
	    (size_t)st.st_size != sizeof(h) + h.text_len + h.n_insns * sizeof(struct sock_filter))
		return -ESTALE;
	cleanup_free char *stored = malloc(h.text_len + 1);
	f->insns = malloc(h.n_insns * sizeof(*f->insns));
	if (!stored || !f->insns)
		return -ENOMEM;
	if (pread(fd, stored, h.text_len, sizeof(h)) != (ssize_t)h.text_len ||
	    memcmp(stored, text, h.text_len) != 0 ||
	    pread(fd, f->insns, h.n_insns * sizeof(*f->insns), (off_t)(sizeof(h) + h.text_len)) !=
		    (ssize_t)(h.n_insns * sizeof(*f->insns))) {
		free(steal_ptr(f->insns));
		return -ESTALE;
	}
	f->n = h.n_insns;
	f->from_cache = true;
	return 0;
}

/* Written under a temporary name and renamed: readers see a whole file or
 * none; two starts racing write the same content. */
static int cache_write(int dir, const char *name, const struct cache_head *head,
		       const char *text, const struct secfilter *f)
{
	char tmp[64];
	struct cache_head h = *head;
	int ret = 0;

	h.n_insns = (uint32_t)f->n;
	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	cleanup_close int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				      0600);
	if (fd < 0)
		return -errno;
	if ((ret = file_write_all(fd, (const char *)&h, sizeof(h))) < 0 ||
	    (ret = file_write_all(fd, text, h.text_len)) < 0 ||
	    (ret = file_write_all(fd, (const char *)f->insns, f->n * sizeof(*f->insns))) < 0 ||
	    (renameat(dir, tmp, dir, name) < 0 && (ret = -errno) < 0)) {
		unlinkat(dir, tmp, 0);
		return ret;
	}
	return 0;
}

int secfilter_get(const char *runtime_dir, const char *path, struct secfilter *f, char **notice,
		  lxcmgr_error **err)
{
	cleanup_free char *text = NULL;
	struct cache_head head;
	struct stat st;
	size_t len = 0;
	char name[32];
	int ret;

	*notice = NULL;
	memset(f, 0, sizeof(*f));
	if ((ret = file_read_regular(path, POLICY_MAX_SIZE, &text, &len, &st)) < 0)
		return error_set(err, -ret, "read the seccomp policy \"%s\"", path);
	head_init(&head, len);
	uint64_t key = fnv1a(UINT64_C(0xcbf29ce484222325), &head, sizeof(head));
	snprintf(name, sizeof(name), "%016llx.bpf", (unsigned long long)fnv1a(key, text, len));

	cleanup_close int dir = cache_dir(runtime_dir);
	if (dir >= 0 && cache_read(dir, name, &head, text, f) == 0)
		return 0;
	if ((ret = secfilter_compile(path, text, len, f, err)) < 0)
		return ret;
	int w = dir < 0 ? dir : cache_write(dir, name, &head, text, f);
	if (w < 0)
		*notice = str_printf("seccomp: the compiled policy \"%s\" cannot be cached in "
				     "\"%s/seccomp\" (%s): it is compiled at every start",
				     path, runtime_dir,
				     w == -EPERM ? "not owned by us, or writable by others" :
						   strerror(-w));
	return 0;
}

/* -------------------------------------------------------------- loading */

int secfilter_load(const struct secfilter *f)
{
	struct sock_fprog prog = { .len = (unsigned short)f->n, .filter = f->insns };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}

bool secfilter_confined(void)
{
	cleanup_fclose FILE *fp = fopen("/proc/self/status", "re");
	char line[128];
	int mode;

	while (fp && fgets(line, sizeof(line), fp))
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			return mode != 0;
	return false;
}
