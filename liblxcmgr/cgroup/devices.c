/* Device rules on cgroup2: cgroup2 has no devices.allow/devices.deny
 * files; the kernel asks a BPF program of type CGROUP_DEVICE attached to
 * the cgroup instead. This file turns the rules of lxc.cgroup2.devices.*
 * (and of lxc.cgroup.devices.*, translated on such a host) into that
 * program and attaches it.
 *
 * The rules mean exactly what they mean to cgroup v1's devices controller,
 * so one config gives the same devices on both kinds of host. v1 keeps a
 * default and a list of exceptions to it:
 *   - a rule for every device (any rule of type "a") sets the default and
 *     empties the list;
 *   - a rule against the default (allow after "deny a") adds an exception,
 *     or adds its access to the exception for the same TYPE MAJOR:MINOR;
 *   - a rule like the default takes its access away from the exception for
 *     the same TYPE MAJOR:MINOR only: "deny c 1:9 rwm" undoes
 *     "allow c 1:9 rwm", while "deny b 8:* m" leaves "allow b *:* m" whole.
 * A request is allowed by default-deny when one exception matches the
 * device and has all the access asked for, and denied by default-allow
 * when one matches the device and any of the access asked for.
 *
 * The program checks each exception in turn and ends with the default.
 * The bpf(2) calls are made directly: two commands with fixed structures
 * do not justify libbpf as a dependency. The program is attached with
 * BPF_F_ALLOW_MULTI: programs attached below it (a nested container's own)
 * add to it and cannot override it. It goes away with the cgroup.
 *
 * A program cannot be changed once loaded: a rule added while the
 * container runs (lxc-cgroup devices.allow) makes a new program of the
 * rules in force plus that one, attached with BPF_F_REPLACE in place of
 * the one attached, whose fd the monitor keeps for this. The kernel swaps
 * the two in one step: no access is judged by neither or by both. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

/* ------------------------------------------------------------- rules */

static int parse_number(const char *s, size_t len, int64_t max, int64_t *out)
{
	int64_t n = 0;

	if (len == 1 && *s == '*')
		return *out = -1, 0;
	if (len == 0 || len > 8)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		n = n * 10 + (s[i] - '0');
	}
	if (n > max)
		return -ERANGE;
	*out = n;
	return 0;
}

int cgroup_dev_rule_parse(const char *value, bool allow, struct cgroup_dev_rule *r,
			  const char **why)
{
	cleanup_free char **w = str_words(value, " \t");
	size_t n = 0;

	*why = "use \"TYPE MAJOR:MINOR ACCESS\" (TYPE a, b or c; MAJOR and MINOR numbers or *; "
	       "ACCESS of r, w, m), e.g. \"c 1:3 rwm\", or \"a\" for every device";
	if (!w)
		return -ENOMEM;
	while (w[n])
		n++;
	*r = (struct cgroup_dev_rule){ .major = -1, .minor = -1, .access = CGROUP_DEV_RWM,
				       .allow = allow };
	if ((n != 1 && n != 3) || strlen(w[0]) != 1 || !strchr("abc", w[0][0]))
		return -EINVAL;
	r->type = w[0][0];
	if (n == 1)
		return r->type == 'a' ? 0 : -EINVAL;
	const char *colon = strchr(w[1], ':');
	if (!colon || parse_number(w[1], (size_t)(colon - w[1]), 4095, &r->major) < 0 ||
	    parse_number(colon + 1, strlen(colon + 1), (1 << 20) - 1, &r->minor) < 0) {
		*why = "MAJOR:MINOR must be numbers (major up to 4095, minor up to 1048575) or *";
		return -EINVAL;
	}
	r->access = 0;
	for (const char *a = w[2]; *a; a++) {
		unsigned bit = *a == 'r' ? CGROUP_DEV_READ : *a == 'w' ? CGROUP_DEV_WRITE :
			       *a == 'm' ? CGROUP_DEV_MKNOD : 0;
		if (!bit) {
			*why = "ACCESS is made of r (read), w (write) and m (mknod)";
			return -EINVAL;
		}
		r->access |= bit;
	}
	*why = NULL;
	return 0;
}

static bool same_device(const struct cgroup_dev_rule *a, const struct cgroup_dev_rule *b)
{
	return a->type == b->type && a->major == b->major && a->minor == b->minor;
}

int cgroup_dev_add(struct cgroup_devices *d, const struct cgroup_dev_rule *r)
{
	size_t i = 0;

	d->used = true;
	if (r->type == 'a') { /* v1 reads any "a ..." as every device */
		d->n = 0;
		d->deny_by_default = !r->allow;
		return 0;
	}
	while (i < d->n && !same_device(&d->rules[i], r))
		i++;
	if (r->allow == d->deny_by_default) { /* an exception */
		if (i < d->n) {
			d->rules[i].access |= r->access;
			return 0;
		}
		struct cgroup_dev_rule *grown = realloc(d->rules, (d->n + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		d->rules = grown;
		d->rules[d->n++] = *r;
		return 0;
	}
	if (i < d->n && !(d->rules[i].access &= ~r->access)) /* nothing left of it */
		memmove(&d->rules[i], &d->rules[i + 1], (--d->n - i) * sizeof(*d->rules));
	return 0;
}

void cgroup_devices_release(struct cgroup_devices *d)
{
	free(d->rules);
	*d = (struct cgroup_devices){ 0 };
}

int cgroup_devices_copy(const struct cgroup_devices *from, struct cgroup_devices *to)
{
	*to = *from;
	to->rules = NULL;
	if (from->n && !(to->rules = calloc(from->n, sizeof(*to->rules))))
		return -ENOMEM;
	if (from->n)
		memcpy(to->rules, from->rules, from->n * sizeof(*to->rules));
	return 0;
}

/* ----------------------------------------------------------- program */

/* What the kernel hands the program: struct bpf_cgroup_dev_ctx. */
#define CTX_ACCESS_TYPE 0 /* (access << 16) | type */
#define CTX_MAJOR 4
#define CTX_MINOR 8

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off,
				  .imm = imm };
}

#define LDX_W(dst, src, off) insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV_REG(dst, src) insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm) insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND_IMM(dst, imm) insn(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm) insn(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) insn(BPF_JMP32 | BPF_JNE | BPF_K, dst, 0, off, imm)
#define JSET_IMM(dst, imm, off) insn(BPF_JMP32 | BPF_JSET | BPF_K, dst, 0, off, imm)
#define JA(off) insn(BPF_JMP | BPF_JA, 0, 0, off, 0)
#define EXIT() insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* The instructions of one exception, appended at OUT: the device checks,
 * each jumping past it when it fails, then the body. */
static size_t emit_exception(const struct cgroup_dev_rule *r, struct bpf_insn *out)
{
	struct bpf_insn checks[3];
	size_t n = 0, k = 0;
	int16_t body = r->allow ? 3 : 4;

	if (r->type != 'a')
		checks[n++] = JNE_IMM(BPF_REG_2, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK
								 : BPF_DEVCG_DEV_CHAR, 0);
	if (r->major >= 0)
		checks[n++] = JNE_IMM(BPF_REG_4, (int32_t)r->major, 0);
	if (r->minor >= 0)
		checks[n++] = JNE_IMM(BPF_REG_5, (int32_t)r->minor, 0);
	for (size_t i = 0; i < n; i++) {
		checks[i].off = (int16_t)(n - i - 1 + (size_t)body);
		out[k++] = checks[i];
	}
	if (r->allow) { /* all the access asked for is in it: yes */
		out[k++] = JSET_IMM(BPF_REG_3, (int32_t)(CGROUP_DEV_RWM & ~r->access), 2);
		out[k++] = MOV_IMM(BPF_REG_0, 1);
	} else { /* any of it is: no */
		out[k++] = JSET_IMM(BPF_REG_3, (int32_t)r->access, 1);
		out[k++] = JA(2);
		out[k++] = MOV_IMM(BPF_REG_0, 0);
	}
	out[k++] = EXIT();
	return k;
}

int cgroup_dev_program(const struct cgroup_devices *d, struct bpf_insn **prog, size_t *len)
{
	/* 6 to load the context, at most 3 checks + 4 per exception, 2 to end */
	struct bpf_insn *p = calloc(6 + d->n * 7 + 2, sizeof(*p));
	size_t k = 0;

	if (!p)
		return -ENOMEM;
	p[k++] = LDX_W(BPF_REG_2, BPF_REG_1, CTX_ACCESS_TYPE);
	p[k++] = MOV_REG(BPF_REG_3, BPF_REG_2);
	p[k++] = RSH_IMM(BPF_REG_3, 16);     /* r3: the access asked for */
	p[k++] = AND_IMM(BPF_REG_2, 0xffff); /* r2: block or char */
	p[k++] = LDX_W(BPF_REG_4, BPF_REG_1, CTX_MAJOR);
	p[k++] = LDX_W(BPF_REG_5, BPF_REG_1, CTX_MINOR);
	for (size_t i = 0; i < d->n; i++)
		k += emit_exception(&d->rules[i], p + k);
	p[k++] = MOV_IMM(BPF_REG_0, d->deny_by_default ? 0 : 1);
	p[k++] = EXIT();
	*prog = p;
	*len = k;
	return 0;
}

/* ------------------------------------------------------------ kernel */

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* The verifier's last line, for an error. */
static const char *last_line(char *log)
{
	size_t len = strlen(log);

	while (len && log[len - 1] == '\n')
		log[--len] = '\0';
	char *nl = strrchr(log, '\n');
	return nl ? nl + 1 : log;
}

int cgroup_dev_attach(const char *dir, const struct cgroup_devices *d, int replace, int *out,
		      lxcmgr_error **err)
{
	cleanup_free struct bpf_insn *prog = NULL;
	cleanup_free char *log = calloc(1, 4096);
	cleanup_close int cgfd = -1, progfd = -1;
	size_t len = 0;

	if (!log || cgroup_dev_program(d, &prog, &len) < 0)
		return error_set(err, ENOMEM, "device rules");
	union bpf_attr load = { .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
				.insns = (uintptr_t)prog, .insn_cnt = (uint32_t)len,
				.license = (uintptr_t)"GPL", .log_buf = (uintptr_t)log,
				.log_size = 4096, .log_level = 1 };
	progfd = bpf(BPF_PROG_LOAD, &load);
	if (progfd < 0 && errno == ENOSPC) { /* the log was too small: load without it */
		load.log_buf = 0, load.log_size = 0, load.log_level = 0;
		progfd = bpf(BPF_PROG_LOAD, &load);
	}
	if (progfd < 0) {
		int e = errno;
		error_msg(err, e, "load the device program (%zu instructions): %s%s%s", len,
			  strerror(e), *log ? ": " : "", *log ? last_line(log) : "");
		error_hint(err, "%s", e == EPERM ? "it needs CAP_SYS_ADMIN or CAP_BPF"
						 : "the kernel needs CONFIG_CGROUP_BPF");
		return -e;
	}
	cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return error_set(err, errno, "open \"%s\"", dir);
	union bpf_attr attach = { .target_fd = (uint32_t)cgfd, .attach_bpf_fd = (uint32_t)progfd,
				  .attach_type = BPF_CGROUP_DEVICE,
				  .attach_flags = BPF_F_ALLOW_MULTI };
	if (replace >= 0) {
		attach.attach_flags |= BPF_F_REPLACE;
		attach.replace_bpf_fd = (uint32_t)replace;
	}
	if (bpf(BPF_PROG_ATTACH, &attach) < 0) {
		int e = errno;
		error_msg(err, e, "%s the device program %s \"%s\": %s",
			  replace >= 0 ? "replace" : "attach", replace >= 0 ? "of" : "to", dir,
			  strerror(e));
		if (replace >= 0 && e == EINVAL)
			error_hint(err, "replacing one needs Linux 5.6 (BPF_F_REPLACE)");
		return -e;
	}
	*out = progfd;
	progfd = -1;
	return 0;
}
