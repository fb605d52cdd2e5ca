/* Parser of LXC's seccomp policy files (seccomp-policy.h). */
#include <errno.h>
#include <stdarg.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "security/seccomp-policy.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

#define ERRNO_MAX 4095

/* Section names, as LXC spells them (any case), and a few aliases. */
static const struct {
	const char *name;
	uint32_t arch;
} sections[] = {
	{ "all", 0 },
	{ "x86_64", SCMP_ARCH_X86_64 },   { "amd64", SCMP_ARCH_X86_64 },
	{ "x86", SCMP_ARCH_X86 },         { "i386", SCMP_ARCH_X86 },
	{ "x32", SCMP_ARCH_X32 },
	{ "arm", SCMP_ARCH_ARM },         { "armel", SCMP_ARCH_ARM },
	{ "armhf", SCMP_ARCH_ARM },       { "arm64", SCMP_ARCH_AARCH64 },
	{ "aarch64", SCMP_ARCH_AARCH64 }, { "ppc", SCMP_ARCH_PPC },
	{ "ppc64", SCMP_ARCH_PPC64 },     { "ppc64le", SCMP_ARCH_PPC64LE },
	{ "s390", SCMP_ARCH_S390 },       { "s390x", SCMP_ARCH_S390X },
	{ "mips", SCMP_ARCH_MIPS },       { "mipsel", SCMP_ARCH_MIPSEL },
	{ "mips64", SCMP_ARCH_MIPS64 },   { "mipsel64", SCMP_ARCH_MIPSEL64 },
	{ "mips64n32", SCMP_ARCH_MIPS64N32 }, { "mipsel64n32", SCMP_ARCH_MIPSEL64N32 },
	{ "riscv64", SCMP_ARCH_RISCV64 },
};

static const struct {
	const char *name;
	const char *symbol;
	enum scmp_compare op;
} ops[] = {
	{ "SCMP_CMP_NE", "!=", SCMP_CMP_NE }, { "SCMP_CMP_LT", "<", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", "<=", SCMP_CMP_LE }, { "SCMP_CMP_EQ", "==", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", ">=", SCMP_CMP_GE }, { "SCMP_CMP_GT", ">", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", "&=", SCMP_CMP_MASKED_EQ },
};

size_t secpol_host_arches(uint32_t arches[3])
{
	uint32_t native = seccomp_arch_native();
	size_t n = 0;

	arches[n++] = native;
	if (native == SCMP_ARCH_X86_64) {
		arches[n++] = SCMP_ARCH_X86;
		arches[n++] = SCMP_ARCH_X32;
	} else if (native == SCMP_ARCH_AARCH64) {
		arches[n++] = SCMP_ARCH_ARM;
	} else if (native == SCMP_ARCH_S390X) {
		arches[n++] = SCMP_ARCH_S390;
	}
	return n;
}

static bool host_runs(uint32_t arch)
{
	uint32_t arches[3];
	size_t n = secpol_host_arches(arches);

	for (size_t i = 0; i < n; i++)
		if (arches[i] == arch)
			return true;
	return false;
}

struct parse {
	struct secpol *pol;
	unsigned line;
	lxcmgr_error **err;
};

static int bad(struct parse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct parse *ps, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_msg(ps->err, EINVAL, "%s:%u: %s", ps->pol->file, ps->line, msg);
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* ACTION words at W (one, or "errno N"): the action and how many words it
 * took; 0 words when W is not an action. */
static int parse_action(struct parse *ps, char **w, uint32_t *action, size_t *used)
{
	uint64_t n;

	*used = 1;
	if (str_eq(w[0], "kill"))
		*action = SCMP_ACT_KILL;
	else if (str_eq(w[0], "trap"))
		*action = SCMP_ACT_TRAP;
	else if (str_eq(w[0], "allow"))
		*action = SCMP_ACT_ALLOW;
	else if (str_eq(w[0], "log"))
		*action = SCMP_ACT_LOG;
	else if (str_eq(w[0], "errno")) {
		if (!w[1] || parse_u64(w[1], &n) < 0 || n > ERRNO_MAX)
			return bad(ps, "errno needs a number from 0 to %d", ERRNO_MAX);
		*action = SCMP_ACT_ERRNO((uint32_t)n);
		*used = 2;
	} else if (str_eq(w[0], "notify")) {
		return error_msg(ps->err, EOPNOTSUPP,
				 "%s:%u: not supported yet: the notify action (seccomp "
				 "notifications) comes later; use errno N",
				 ps->pol->file, ps->line);
	} else if (w[0][0] == '[') {
		*used = 0;
	} else {
		return bad(ps, "unknown action \"%s\"; use kill, trap, allow, log or errno N", w[0]);
	}
	return 0;
}

/* "[INDEX,VALUE,OP]" or "[INDEX,VALUE,OP,MASK]" (MASK with &= only). */
static int parse_arg(struct parse *ps, const char *text, struct secpol_arg *a)
{
	cleanup_free char *copy = strndup(text + 1, strlen(text) - 2);
	cleanup_free char **f = copy ? str_words(copy, ",") : NULL;
	uint64_t index;
	size_t n = strv_len(f), k;

	if (!f)
		return -ENOMEM;
	if (n < 3 || n > 4)
		return bad(ps, "argument filter \"%s\": use [INDEX,VALUE,OP] or "
			   "[INDEX,VALUE,SCMP_CMP_MASKED_EQ,MASK]", text);
	if (parse_u64(f[0], &index) < 0 || index >= SECPOL_ARGS_MAX)
		return bad(ps, "argument filter \"%s\": the index must be 0 to 5", text);
	if (parse_u64(f[1], &a->value) < 0)
		return bad(ps, "argument filter \"%s\": \"%s\" is not a number", text, f[1]);
	for (k = 0; k < ARRAY_SIZE(ops); k++)
		if (str_eq(f[2], ops[k].name) || str_eq(f[2], ops[k].symbol))
			break;
	if (k == ARRAY_SIZE(ops))
		return bad(ps, "argument filter \"%s\": unknown operator \"%s\"; use SCMP_CMP_NE, "
			   "_LT, _LE, _EQ, _GE, _GT, _MASKED_EQ or != < <= == >= > &=", text, f[2]);
	a->index = (unsigned)index;
	a->op = ops[k].op;
	a->mask = 0;
	if (ops[k].op == SCMP_CMP_MASKED_EQ && n != 4)
		return bad(ps, "argument filter \"%s\": %s needs a mask: [INDEX,VALUE,%s,MASK]",
			   text, f[2], f[2]);
	if (ops[k].op != SCMP_CMP_MASKED_EQ && n == 4)
		return bad(ps, "argument filter \"%s\": only SCMP_CMP_MASKED_EQ takes a mask", text);
	if (n == 4 && parse_u64(f[3], &a->mask) < 0)
		return bad(ps, "argument filter \"%s\": \"%s\" is not a number", text, f[3]);
	return 0;
}

static int add_rule(struct parse *ps, const struct secpol_rule *r)
{
	struct secpol *pol = ps->pol;

	if (pol->n_rules >= SECPOL_MAX_RULES)
		return bad(ps, "more than %d rules", SECPOL_MAX_RULES);
	struct secpol_rule *grown = realloc(pol->rules, (pol->n_rules + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	pol->rules = grown;
	pol->rules[pol->n_rules++] = *r;
	return 0;
}

/* NAME [ACTION] [ARG]... */
static int parse_rule(struct parse *ps, char **w, uint32_t arch, bool keep, uint32_t def_rule)
{
	struct secpol_rule r = { .number = -1, .arch = arch, .action = def_rule, .line = ps->line };
	uint64_t nr;
	size_t used = 0;
	int ret;

	if (strlen(w[0]) >= sizeof(r.name))
		return bad(ps, "system call name too long");
	snprintf(r.name, sizeof(r.name), "%s", w[0]);
	if (parse_u64(w[0], &nr) == 0) {
		if (nr > 100000)
			return bad(ps, "system call number %s is out of range", w[0]);
		r.number = (long)nr;
	} else if (seccomp_syscall_resolve_name(w[0]) == __NR_SCMP_ERROR &&
		   seccomp_syscall_resolve_name_arch(arch ? arch : SCMP_ARCH_X86, w[0]) ==
			   __NR_SCMP_ERROR) {
		return bad(ps, "unknown system call \"%s\"", w[0]);
	}
	if (w[1] && (ret = parse_action(ps, w + 1, &r.action, &used)) < 0)
		return ret;
	for (size_t i = 1 + used; w[i]; i++) {
		size_t len = strlen(w[i]);
		if (w[i][0] != '[' || w[i][len - 1] != ']')
			return bad(ps, "unexpected \"%s\" after the action; argument filters look "
				   "like [1,24576,SCMP_CMP_MASKED_EQ,61440]", w[i]);
		if (r.n_args == SECPOL_ARGS_MAX)
			return bad(ps, "more than %d argument filters", SECPOL_ARGS_MAX);
		if ((ret = parse_arg(ps, w[i], &r.args[r.n_args++])) < 0)
			return ret;
	}
	return keep ? add_rule(ps, &r) : 0;
}

/* "[name]": the section's architecture, and whether this host runs it. */
static int parse_section(struct parse *ps, const char *w, uint32_t *arch, bool *keep)
{
	size_t len = strlen(w);

	for (size_t i = 0; w[len - 1] == ']' && i < ARRAY_SIZE(sections); i++) {
		if (len - 2 == strlen(sections[i].name) &&
		    strncasecmp(w + 1, sections[i].name, len - 2) == 0) {
			*arch = sections[i].arch;
			*keep = *arch == 0 || host_runs(*arch);
			return 0;
		}
	}
	return bad(ps, "unknown architecture section %s; use [all], [x86_64], [x86], [x32], "
		   "[arm64], [arm], [ppc64le], [s390x], [riscv64] ...", w);
}

/* Line 2: POLICY [ACTION]. */
static int parse_policy_line(struct parse *ps, char **w, uint32_t *def_rule)
{
	struct secpol *pol = ps->pol;
	size_t used = 0;
	int ret;

	if (!w[0])
		return bad(ps, "expected the policy type: denylist or allowlist");
	if (str_eq(w[0], "denylist") || str_eq(w[0], "blacklist"))
		pol->allowlist = false;
	else if (str_eq(w[0], "allowlist") || str_eq(w[0], "whitelist"))
		pol->allowlist = true;
	else
		return bad(ps, "unknown policy type \"%s\"; use denylist or allowlist", w[0]);
	if (pol->version == 1 && (!pol->allowlist || w[1]))
		return bad(ps, "version 1 policies are allowlists of numbers: the line must read "
			   "allowlist (use version 2 for more)");
	pol->default_action = pol->allowlist ? SCMP_ACT_KILL : SCMP_ACT_ALLOW;
	*def_rule = pol->allowlist ? SCMP_ACT_ALLOW : SCMP_ACT_KILL;
	if (w[1] && (ret = parse_action(ps, w + 1, &pol->default_action, &used)) < 0)
		return ret;
	if (w[1] && (!used || w[1 + used]))
		return bad(ps, "after the policy type only a default action may follow");
	return 0;
}

/* Cuts a comment: "#" at the start or after a blank. */
static void cut_comment(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '#' && (p == s || *(p - 1) == ' ' || *(p - 1) == '\t')) {
			*p = '\0';
			return;
		}
}

static int parse_line(struct parse *ps, char *line, uint32_t *arch, bool *keep,
		      uint32_t *def_rule)
{
	struct secpol *pol = ps->pol;
	uint64_t v;

	cut_comment(line);
	cleanup_free char **w = str_words(line, " \t\r");
	if (!w)
		return -ENOMEM;
	if (ps->line == 1) {
		if (!w[0] || w[1] || parse_u64(w[0], &v) < 0 || (v != 1 && v != 2))
			return bad(ps, "the first line must be the policy version: 1 or 2");
		pol->version = (unsigned)v;
		return 0;
	}
	if (ps->line == 2)
		return parse_policy_line(ps, w, def_rule);
	if (!w[0])
		return 0;
	if (pol->version == 1) {
		if (w[1] || parse_u64(w[0], &v) < 0 || v > 100000)
			return bad(ps, "version 1 policies list system call numbers, one a line");
		return parse_rule(ps, w, 0, true, SCMP_ACT_ALLOW);
	}
	if (w[0][0] == '[' && !w[1])
		return parse_section(ps, w[0], arch, keep);
	if (str_eq(w[0], "reject_force_umount")) {
		if (w[1])
			return bad(ps, "reject_force_umount takes nothing after it");
		pol->reject_force_umount = true;
		return 0;
	}
	return parse_rule(ps, w, *arch, *keep, *def_rule);
}

int secpol_parse(const char *file, const char *text, size_t len, struct secpol *pol,
		 lxcmgr_error **err)
{
	struct parse ps = { .pol = pol, .err = err };
	uint32_t arch = 0, def_rule = SCMP_ACT_KILL;
	bool keep = true;
	int ret = 0;

	memset(pol, 0, sizeof(*pol));
	if (!(pol->file = strdup(file)))
		return -ENOMEM;
	if (memchr(text, '\0', len)) {
		ret = error_msg(err, EINVAL, "%s: not a text file (it holds NUL bytes)", file);
		goto out;
	}
	for (size_t pos = 0; pos < len && ret == 0;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		cleanup_free char *line = strndup(text + pos, n);
		if (!line) {
			ret = -ENOMEM;
			break;
		}
		ps.line++;
		ret = parse_line(&ps, line, &arch, &keep, &def_rule);
		pos += n + 1;
	}
	if (ret == 0 && ps.line < 2)
		ret = error_msg(err, EINVAL, "%s: too short: a policy starts with its version "
				"(1 or 2) and its type (denylist or allowlist)", file);
out:
	if (ret < 0)
		secpol_release(pol);
	return ret;
}

void secpol_release(struct secpol *pol)
{
	free(pol->file);
	free(pol->rules);
	memset(pol, 0, sizeof(*pol));
}
