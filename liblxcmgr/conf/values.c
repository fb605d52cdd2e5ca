#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include "conf/values.h"
#include "util/cleanup.h"
#include "util/str.h"

#define ALLOWED(...) str_printf(__VA_ARGS__)

/* Matches V against a NULL-terminated word list. */
static bool one_of(const char *v, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(v, *words) == 0)
			return true;
	return false;
}

static char *check_enum(const char *v, const char *const *words, const char *what)
{
	if (one_of(v, words))
		return NULL;
	cleanup_free char *list = strv_join((char *const *)words, ", ");
	return ALLOWED("unknown %s \"%s\"; use one of: %s", what, v, list ? list : "?");
}

char *check_any(const char *v)
{
	(void)v;
	return NULL;
}

char *check_nonempty(const char *v)
{
	return *v ? NULL : strdup("needs a value");
}

char *check_bool(const char *v)
{
	if (str_eq(v, "0") || str_eq(v, "1"))
		return NULL;
	return ALLOWED("\"%s\" is not 0 or 1", v);
}

char *check_uint(const char *v)
{
	uint64_t n;
	return str_to_u64(v, &n) == 0 ? NULL : ALLOWED("\"%s\" is not a non-negative integer", v);
}

char *check_int(const char *v)
{
	int64_t n;
	return str_to_i64(v, &n) == 0 ? NULL : ALLOWED("\"%s\" is not an integer", v);
}

/* ------------------------------------------------------------- signals */

static const struct {
	const char *name;
	int num;
} signal_names[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },       { "QUIT", SIGQUIT },     { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT },     { "IOT", SIGIOT },       { "BUS", SIGBUS },
	{ "FPE", SIGFPE },   { "KILL", SIGKILL },     { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },     { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },     { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },     { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },     { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO },       { "POLL", SIGPOLL },     { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

/* The highest signal number the kernel has. */
#define KERNEL_SIGMAX 64

/* SIGRTMIN+N counts from glibc's SIGRTMIN (34; glibc keeps 32 and 33 for
 * itself), as LXC does and as a container's init built with glibc expects:
 * systemd halts on its SIGRTMIN+3, which is 37, not 35. */
static int rt_signal(const char *s)
{
	int base, sign;
	uint64_t off = 0;

	if (strncasecmp(s, "RTMIN", 5) == 0) {
		base = SIGRTMIN;
		sign = 1;
	} else if (strncasecmp(s, "RTMAX", 5) == 0) {
		base = SIGRTMAX;
		sign = -1;
	} else {
		return -EINVAL;
	}
	s += 5;
	if (*s) {
		if (*s != (sign > 0 ? '+' : '-') || str_to_u64(s + 1, &off) < 0)
			return -EINVAL;
	}
	int n = base + sign * (int)(off > 64 ? 64 : off);
	return n >= SIGRTMIN && n <= SIGRTMAX ? n : -EINVAL;
}

int signal_from_name(const char *s)
{
	uint64_t n;

	if (str_to_u64(s, &n) == 0)
		return n >= 1 && n <= KERNEL_SIGMAX ? (int)n : -EINVAL;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signal_names); i++)
		if (strcasecmp(s, signal_names[i].name) == 0)
			return signal_names[i].num;
	return rt_signal(s);
}

/* lxc.monitor.signal.pdeath: 0 sends nothing. */
char *check_signal_or_zero(const char *v)
{
	return strcmp(v, "0") == 0 ? NULL : check_signal(v);
}

char *check_signal(const char *v)
{
	if (signal_from_name(v) > 0)
		return NULL;
	return ALLOWED("unknown signal \"%s\"; use a name (SIGPWR, PWR), a number 1-64, or "
		       "SIGRTMIN+N",
		       v);
}

/* ---------------------------------------------------------- addresses */

char *check_hwaddr(const char *v)
{
	/* Six groups of two hex digits; "x" is a placeholder filled in randomly. */
	const char *p = v;
	for (int group = 0; group < 6; group++) {
		for (int i = 0; i < 2; i++, p++)
			if (!isxdigit((unsigned char)*p) && *p != 'x' && *p != 'X')
				goto bad;
		if (group < 5 && *p++ != ':')
			goto bad;
	}
	if (*p == '\0')
		return NULL;
bad:
	return ALLOWED("\"%s\" is not a MAC address; use six hex pairs like 00:16:3e:xx:xx:xx "
		       "(x = random)",
		       v);
}

static bool is_addr(int family, const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(family, s, buf) == 1;
}

char *check_ipv4_address(const char *v)
{
	return is_addr(AF_INET, v) ? NULL : ALLOWED("\"%s\" is not an IPv4 address", v);
}

char *check_ipv6_address(const char *v)
{
	return is_addr(AF_INET6, v) ? NULL : ALLOWED("\"%s\" is not an IPv6 address", v);
}

static char *check_gateway(const char *v, int family, const char *example)
{
	if (str_eq(v, "auto") || str_eq(v, "dev") || is_addr(family, v))
		return NULL;
	return ALLOWED("\"%s\" is not a gateway; use an address (%s), auto or dev", v, example);
}

char *check_ipv4_gateway(const char *v)
{
	return check_gateway(v, AF_INET, "10.0.3.1");
}

char *check_ipv6_gateway(const char *v)
{
	return check_gateway(v, AF_INET6, "fd00::1");
}

/* ADDR[/PREFIX] with an optional broadcast address after a blank (IPv4). */
static bool is_cidr(int family, const char *v, bool allow_bcast)
{
	int max = family == AF_INET ? 32 : 128;
	cleanup_free char **words = str_words(v, " \t");
	uint64_t prefix;

	if (!words || !words[0] || (words[1] && (!allow_bcast || words[2])))
		return false;
	if (words[1] && !is_addr(AF_INET, words[1]))
		return false;
	char *slash = strchr(words[0], '/');
	if (slash) {
		*slash = '\0';
		if (str_to_u64(slash + 1, &prefix) < 0 || prefix > (uint64_t)max)
			return false;
	}
	return is_addr(family, words[0]);
}

char *check_ipv4_cidr(const char *v)
{
	if (is_cidr(AF_INET, v, true))
		return NULL;
	return ALLOWED("\"%s\" is not an IPv4 address; use ADDRESS[/PREFIX] [BROADCAST], e.g. "
		       "10.0.3.5/24",
		       v);
}

char *check_ipv6_cidr(const char *v)
{
	if (is_cidr(AF_INET6, v, false))
		return NULL;
	return ALLOWED("\"%s\" is not an IPv6 address; use ADDRESS[/PREFIX], e.g. fd00::5/64", v);
}

char *check_mtu(const char *v)
{
	uint64_t n;
	if (str_to_u64(v, &n) == 0 && n >= 68 && n <= 65535)
		return NULL;
	return ALLOWED("\"%s\" is not an MTU; use a number from 68 to 65535", v);
}

char *check_vlan_id(const char *v)
{
	uint64_t n;
	if (str_to_u64(v, &n) == 0 && n <= 4094)
		return NULL;
	return ALLOWED("\"%s\" is not a VLAN id; use a number from 0 to 4094", v);
}

/* A bridge port's VLAN: 1-4094 (the kernel refuses 0 and 4095 there). */
char *check_bridge_vlan_id(const char *v)
{
	uint64_t n;
	if (str_to_u64(v, &n) == 0 && n >= 1 && n <= 4094)
		return NULL;
	return ALLOWED("\"%s\" is not a bridge VLAN id; use a number from 1 to 4094", v);
}

/* veth.vlan.id: a bridge VLAN id, or none (out of the default VLAN only). */
char *check_veth_vlan_id(const char *v)
{
	if (strcmp(v, "none") == 0)
		return NULL;
	uint64_t n;
	if (str_to_u64(v, &n) == 0 && n >= 1 && n <= 4094)
		return NULL;
	return ALLOWED("\"%s\" is not a bridge VLAN id; use a number from 1 to 4094, or none", v);
}

char *check_ifname(const char *v)
{
	size_t len = strlen(v);
	if (len == 0 || len > 15 || strpbrk(v, "/: \t") || str_eq(v, ".") || str_eq(v, ".."))
		return ALLOWED("\"%s\" is not an interface name; use 1-15 characters without "
			       "'/', ':' or blanks",
			       v);
	return NULL;
}

/* ------------------------------------------------------------- network */

char *check_net_type(const char *v)
{
	static const char *const types[] = { "veth", "macvlan", "ipvlan", "vlan", "phys",
					     "none", "empty", NULL };
	return check_enum(v, types, "network type");
}

char *check_net_flags(const char *v)
{
	static const char *const flags[] = { "up", NULL };
	return check_enum(v, flags, "network flag");
}

char *check_macvlan_mode(const char *v)
{
	static const char *const modes[] = { "private", "vepa", "bridge", "passthru", NULL };
	return check_enum(v, modes, "macvlan mode");
}

char *check_ipvlan_mode(const char *v)
{
	static const char *const modes[] = { "l2", "l3", "l3s", NULL };
	return check_enum(v, modes, "ipvlan mode");
}

char *check_ipvlan_isolation(const char *v)
{
	static const char *const modes[] = { "bridge", "private", "vepa", NULL };
	return check_enum(v, modes, "ipvlan isolation");
}

char *check_veth_mode(const char *v)
{
	static const char *const modes[] = { "bridge", "router", NULL };
	return check_enum(v, modes, "veth mode");
}

/* ------------------------------------------------------ ids and mounts */

char *check_idmap(const char *v)
{
	cleanup_free char **w = str_words(v, " \t");
	uint64_t n;
	bool ok = w && strv_len(w) == 4 && (str_eq(w[0], "u") || str_eq(w[0], "g") ||
					    str_eq(w[0], "b"));

	for (int i = 1; ok && i < 4; i++)
		ok = str_to_u64(w[i], &n) == 0 && n <= UINT32_MAX;
	ok = ok && str_to_u64(w[3], &n) == 0 && n > 0;
	if (ok)
		return NULL;
	return ALLOWED("\"%s\" is not an idmap; use \"u|g|b NSID HOSTID RANGE\", e.g. "
		       "u 0 100000 65536",
		       v);
}

/* LXC's own mount options, besides the kernel's. */
static char *check_mount_options(const char *opts)
{
	cleanup_free char **o = str_words(opts, ",");
	for (size_t i = 0; o && o[i]; i++) {
		if (!str_starts_with(o[i], "create="))
			continue;
		if (!str_eq(o[i], "create=dir") && !str_eq(o[i], "create=file"))
			return ALLOWED("unknown option \"%s\"; use create=dir or create=file", o[i]);
	}
	return NULL;
}

char *check_mount_entry(const char *v)
{
	cleanup_free char **f = str_words(v, " \t");
	size_t n = f ? strv_len(f) : 0;
	uint64_t num;

	if (n < 4 || n > 6)
		return ALLOWED("\"%s\" is not a mount entry; use \"SOURCE TARGET FSTYPE OPTIONS "
			       "[0 0]\" as in fstab(5), e.g. \"/srv/data srv/data none "
			       "bind,create=dir 0 0\"",
			       v);
	for (size_t i = 4; i < n; i++)
		if (str_to_u64(f[i], &num) < 0)
			return ALLOWED("mount entry \"%s\": dump and pass fields must be numbers", v);
	return check_mount_options(f[3]);
}

char *check_mount_auto(const char *v)
{
	static const char *const words[] = {
		"proc", "proc:mixed", "proc:rw", "sys", "sys:ro", "sys:mixed", "sys:rw",
		"cgroup", "cgroup:mixed", "cgroup:ro", "cgroup:rw", "cgroup:force",
		"cgroup:mixed:force", "cgroup:ro:force", "cgroup:rw:force", "cgroup-full",
		"cgroup-full:mixed", "cgroup-full:ro", "cgroup-full:rw", "cgroup-full:force",
		"cgroup-full:mixed:force", "cgroup-full:ro:force", "cgroup-full:rw:force",
		"cgroup2", "cgroup2:ro", "cgroup2:force", "cgroup2:ro:force", NULL,
	};
	cleanup_free char **w = str_words(v, " \t");

	for (size_t i = 0; w && w[i]; i++) {
		if (str_starts_with(w[i], "shmounts:") && strlen(w[i]) > 9)
			continue;
		if (!one_of(w[i], words))
			return ALLOWED("unknown mount.auto word \"%s\"; use proc[:mixed|:rw], "
				       "sys[:ro|:mixed|:rw], cgroup[:mixed|:ro|:rw][:force], "
				       "cgroup-full[...], cgroup2[:ro][:force] or shmounts:PATH",
				       w[i]);
	}
	return NULL;
}

/* --------------------------------------------------------- capabilities */

static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
	"setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
	"net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
	"sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
	"audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

int capability_from_name(const char *s)
{
	uint64_t n;

	if (str_to_u64(s, &n) == 0)
		return n < 64 ? (int)n : -EINVAL;
	if (strncasecmp(s, "cap_", 4) == 0)
		s += 4;
	int first = tolower((unsigned char)s[0]);
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (cap_names[i][0] == first && strcasecmp(s, cap_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

const char *capability_name(int cap)
{
	return cap >= 0 && (size_t)cap < ARRAY_SIZE(cap_names) ? cap_names[cap] : NULL;
}

char *check_caps(const char *v)
{
	cleanup_free char **w = str_words(v, " \t");

	for (size_t i = 0; w && w[i]; i++) {
		if (str_eq(w[i], "none"))
			continue;
		if (capability_from_name(w[i]) < 0) {
			const char *near = NULL;
			size_t best = 3;
			for (size_t c = 0; c < ARRAY_SIZE(cap_names); c++) {
				size_t d = str_distance(w[i], cap_names[c]);
				if (d < best) {
					best = d;
					near = cap_names[c];
				}
			}
			if (near)
				return ALLOWED("unknown capability \"%s\" (did you mean %s?)", w[i],
					       near);
			return ALLOWED("unknown capability \"%s\"; use names from capabilities(7) "
				       "with or without cap_, e.g. sys_admin",
				       w[i]);
		}
	}
	return NULL;
}

char *check_namespaces(const char *v)
{
	static const char *const ns[] = { "cgroup", "ipc", "mnt", "net", "pid",
					  "time", "user", "uts", NULL };
	cleanup_free char **w = str_words(v, " \t");

	for (size_t i = 0; w && w[i]; i++) {
		char *bad = check_enum(w[i], ns, "namespace");
		if (bad)
			return bad;
	}
	return NULL;
}

/* ------------------------------------------------------------- limits */

static int parse_limit(const char *s, uint64_t *out)
{
	if (str_eq(s, "unlimited")) {
		*out = UINT64_MAX; /* RLIM_INFINITY */
		return 0;
	}
	/* A number that would read as RLIM_INFINITY must be written "unlimited". */
	return str_to_u64(s, out) == 0 && *out != UINT64_MAX ? 0 : -EINVAL;
}

int parse_prlimit(const char *v, uint64_t *soft, uint64_t *hard)
{
	cleanup_free char *copy = strdup(v);
	char *colon = copy ? strchr(copy, ':') : NULL;

	if (!copy)
		return -ENOMEM;
	if (colon)
		*colon = '\0';
	if (parse_limit(copy, soft) < 0 || (colon && parse_limit(colon + 1, hard) < 0))
		return -EINVAL;
	if (!colon)
		*hard = *soft; /* one value sets both, as in LXC */
	return *soft <= *hard ? 0 : -ERANGE;
}

char *check_prlimit(const char *v)
{
	uint64_t soft, hard;
	int ret = parse_prlimit(v, &soft, &hard);

	if (ret == -ERANGE)
		return ALLOWED("\"%s\": the soft limit is above the hard limit", v);
	if (ret == 0 || ret == -ENOMEM)
		return ret == 0 ? NULL : strdup("out of memory");
	return ALLOWED("\"%s\" is not a limit; use SOFT[:HARD], each a number or unlimited", v);
}

/* setrlimit(2)'s RLIMIT_* names in lower case, without the prefix, as LXC. */
static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "as", RLIMIT_AS },
	{ "core", RLIMIT_CORE },
	{ "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE },
	{ "locks", RLIMIT_LOCKS },
	{ "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE },
	{ "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS },
	{ "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME },
	{ "sigpending", RLIMIT_SIGPENDING },
	{ "stack", RLIMIT_STACK },
};

int rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (strcmp(name, rlimit_names[i].name) == 0)
			return rlimit_names[i].resource;
	return -EINVAL;
}

char *check_prlimit_resource(const char *sub)
{
	const char *names[ARRAY_SIZE(rlimit_names) + 1];

	if (rlimit_from_name(sub) >= 0)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		names[i] = rlimit_names[i].name;
	names[ARRAY_SIZE(rlimit_names)] = NULL;
	return check_enum(sub, names, "resource limit");
}

#define NSEC_PER_SEC 1000000000

/* lxc.time.offset.*: LXC's units, as seconds or as nanoseconds. */
static const struct {
	const char *unit;
	uint64_t sec, nsec; /* one of them is 0 */
} time_units[] = {
	{ "h", 3600, 0 }, { "m", 60, 0 },        { "s", 1, 0 },  { "", 1, 0 }, /* lxcmgr: bare seconds */
	{ "ms", 0, 1000000 }, { "us", 0, 1000 }, { "ns", 0, 1 },
};

int parse_time_offset(const char *v, int64_t *sec, long *nsec)
{
	const char *p = v + (*v == '-' || *v == '+');
	uint64_t n = 0, s, ns;
	size_t i = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	while (i < ARRAY_SIZE(time_units) && strcmp(p, time_units[i].unit) != 0)
		i++;
	if (i == ARRAY_SIZE(time_units))
		return -EINVAL;
	if (time_units[i].sec) {
		if (n > (uint64_t)(INT64_MAX - 1) / time_units[i].sec)
			return -ERANGE;
		s = n * time_units[i].sec;
		ns = 0;
	} else {
		uint64_t per_sec = NSEC_PER_SEC / time_units[i].nsec;
		s = n / per_sec;
		ns = (n % per_sec) * time_units[i].nsec;
	}
	/* The kernel wants 0 <= nsec < 1e9: -1.5 s is -2 s + 0.5e9 ns. */
	*sec = *v == '-' ? -(int64_t)s - (ns ? 1 : 0) : (int64_t)s;
	*nsec = (long)(*v == '-' && ns ? NSEC_PER_SEC - ns : ns);
	return 0;
}

char *check_time_offset(const char *v)
{
	int64_t sec;
	long nsec;
	int ret = parse_time_offset(v, &sec, &nsec);

	if (ret == 0)
		return NULL;
	if (ret == -ERANGE)
		return ALLOWED("\"%s\" is too large a time offset", v);
	return ALLOWED("\"%s\" is not a time offset; use an integer with an optional unit "
		       "h, m, s, ms, us or ns (default s)",
		       v);
}

char *check_arch(const char *v)
{
	static const char *const arches[] = {
		"x86", "i386", "i486", "i586", "i686", "linux32", "x86_64", "amd64", "linux64",
		"arm", "armel", "armhf", "armv7l", "armv7", "arm64", "aarch64", "ppc", "powerpc",
		"ppc64", "powerpc64", "ppc64le", "ppc64el", "s390x", "mips", "mipsel", "mips64",
		"mips64el", "riscv64", NULL,
	};
	return check_enum(v, arches, "architecture");
}

int parse_byte_size(const char *s, uint64_t *bytes)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = {
		{ "", 1 },          { "B", 1 },           { "K", 1ULL << 10 }, { "KB", 1ULL << 10 },
		{ "KiB", 1ULL << 10 }, { "kB", 1ULL << 10 }, { "M", 1ULL << 20 }, { "MB", 1ULL << 20 },
		{ "MiB", 1ULL << 20 }, { "G", 1ULL << 30 },  { "GB", 1ULL << 30 }, { "GiB", 1ULL << 30 },
	};
	const char *p = s;
	uint64_t n = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		uint64_t digit = (uint64_t)(*p - '0');
		if (n > (UINT64_MAX - digit) / 10)
			return -ERANGE;
		n = n * 10 + digit;
	}
	while (*p == ' ')
		p++;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(p, units[i].suffix) == 0) {
			if (n > UINT64_MAX / units[i].mult)
				return -ERANGE;
			*bytes = n * units[i].mult;
			return 0;
		}
	}
	return -EINVAL;
}

char *check_byte_size(const char *v)
{
	uint64_t n;
	if (str_eq(v, "auto") || parse_byte_size(v, &n) == 0)
		return NULL;
	return ALLOWED("\"%s\" is not a size; use bytes with an optional unit (KB, MB, GB) or "
		       "auto",
		       v);
}

/* ----------------------------------------------------------- names, paths */

char *check_tty_dir(const char *v)
{
	if (*v && !strchr(v, '/') && !str_eq(v, ".") && !str_eq(v, ".."))
		return NULL;
	return ALLOWED("\"%s\" is not a directory name under /dev; use a single name like lxc",
		       v);
}

char *check_log_level(const char *v)
{
	static const char *const levels[] = { "TRACE", "DEBUG", "INFO",  "NOTICE", "WARN",
					      "ERROR", "CRIT",  "ALERT", "FATAL",  NULL };
	uint64_t n;

	if (str_to_u64(v, &n) == 0 && n <= 8)
		return NULL;
	for (size_t i = 0; levels[i]; i++)
		if (strcasecmp(v, levels[i]) == 0)
			return NULL;
	return ALLOWED("unknown log level \"%s\"; use 0-8 or TRACE, DEBUG, INFO, NOTICE, WARN, "
		       "ERROR, CRIT, ALERT, FATAL",
		       v);
}

/* A hook command: split as sh would quote it, but never run by a shell. */
char *check_hook_command(const char *v)
{
	cleanup_strv char **argv = NULL;
	int ret = str_split_command(v, &argv);

	if (ret == -EINVAL)
		return ALLOWED("a quote is never closed in \"%s\"", v);
	if (ret < 0)
		return strdup("out of memory");
	if (!argv[0])
		return strdup("needs a command");
	return NULL;
}

char *check_hook_version(const char *v)
{
	if (str_eq(v, "0") || str_eq(v, "1"))
		return NULL;
	return ALLOWED("\"%s\" is not a hook version; use 0 (arguments) or 1 (environment)", v);
}

static bool is_env_name(const char *s, size_t len)
{
	if (len == 0 || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

char *check_environment(const char *v)
{
	const char *eq = strchr(v, '=');
	if (is_env_name(v, eq ? (size_t)(eq - v) : strlen(v)))
		return NULL;
	return ALLOWED("\"%s\" is not an environment entry; use NAME=VALUE, or NAME to pass "
		       "the host's value",
		       v);
}

char *check_rootfs_path(const char *v)
{
	static const char *const types[] = { "dir", "overlay", "overlayfs", "btrfs", "zfs",
					     "lvm", "loop", "rbd", "nbd", NULL };
	const char *colon = strchr(v, ':');

	if (colon && v[0] != '/') {
		cleanup_free char *type = strndup(v, (size_t)(colon - v));
		if (type && !one_of(type, types))
			return ALLOWED("unknown storage type \"%s\" in \"%s\"; use [TYPE:]PATH "
				       "with TYPE dir, overlay, btrfs, zfs, lvm, loop, rbd or nbd",
				       type, v);
	}
	return *v ? NULL : strdup("needs a path");
}

char *check_path(const char *v)
{
	return *v ? NULL : strdup("needs a path");
}

char *check_uts_name(const char *v)
{
	size_t len = strlen(v);
	if (len >= 1 && len <= 64)
		return NULL;
	return ALLOWED("host name \"%s\" is longer than 64 characters", v);
}

char *check_gid_list(const char *v)
{
	cleanup_free char **w = str_words(v, ", \t");
	uint64_t n;

	for (size_t i = 0; w && w[i]; i++)
		if (str_to_u64(w[i], &n) < 0 || n > UINT32_MAX)
			return ALLOWED("\"%s\" is not a group id; use numbers separated by commas",
				       w[i]);
	return NULL;
}

char *check_group_name(const char *v)
{
	if (*v && !strpbrk(v, ", \t"))
		return NULL;
	return ALLOWED("\"%s\" is not a group name; use one name per lxc.group line, without "
		       "commas or blanks",
		       v);
}

char *check_relative_dir(const char *v)
{
	cleanup_free char **parts = str_words(v, "/");

	if (v[0] == '/')
		return ALLOWED("\"%s\" must be a relative cgroup path", v);
	for (size_t i = 0; parts && parts[i]; i++)
		if (str_eq(parts[i], ".."))
			return ALLOWED("\"%s\" must not contain \"..\"", v);
	return NULL;
}

char *check_apparmor_profile(const char *v)
{
	return *v ? NULL : strdup("needs a profile: generated, unconfined or a profile name");
}

char *check_seccomp_proxy(const char *v)
{
	if (str_starts_with(v, "unix:") && strlen(v) > 5)
		return NULL;
	return ALLOWED("\"%s\" is not a proxy address; use unix:PATH", v);
}

static bool is_file_name(const char *sub, bool need_dot)
{
	if (!*sub || strchr(sub, '/') || strstr(sub, ".."))
		return false;
	return !need_dot || (strchr(sub, '.') && sub[0] != '.' && !str_ends_with(sub, "."));
}

/* CONTROLLER.FILE with a known controller: a typo such as
 * lxc.cgroup.dir.containr must not pass as a controller file. */
static bool is_controller_file(const char *sub, const char *const *controllers)
{
	const char *dot = strchr(sub, '.');

	if (!dot || !is_file_name(sub, true))
		return false;
	for (; *controllers; controllers++)
		if (strlen(*controllers) == (size_t)(dot - sub) &&
		    strncmp(sub, *controllers, (size_t)(dot - sub)) == 0)
			return true;
	return false;
}

char *check_cgroup1_file(const char *sub)
{
	static const char *const v1[] = { "blkio", "cpu", "cpuacct", "cpuset", "devices",
					  "freezer", "hugetlb", "memory", "misc", "net_cls",
					  "net_prio", "perf_event", "pids", "rdma", NULL };
	if (is_controller_file(sub, v1))
		return NULL;
	return ALLOWED("\"%s\" is not a cgroup v1 controller file; use CONTROLLER.FILE with "
		       "CONTROLLER one of blkio, cpu, cpuacct, cpuset, devices, freezer, hugetlb, "
		       "memory, misc, net_cls, net_prio, perf_event, pids, rdma",
		       sub);
}

char *check_cgroup2_file(const char *sub)
{
	static const char *const v2[] = { "cgroup", "cpu", "cpuset", "devices", "hugetlb",
					  "io", "memory", "misc", "pids", "rdma", NULL };
	if (is_controller_file(sub, v2))
		return NULL;
	return ALLOWED("\"%s\" is not a cgroup2 file; use CONTROLLER.FILE with CONTROLLER one "
		       "of cgroup, cpu, cpuset, devices, hugetlb, io, memory, misc, pids, rdma",
		       sub);
}

char *check_sysctl_name(const char *sub)
{
	if (is_file_name(sub, false))
		return NULL;
	return ALLOWED("\"%s\" is not a sysctl name; use dotted form, e.g. "
		       "lxc.sysctl.net.ipv4.ip_forward",
		       sub);
}

char *check_proc_file(const char *sub)
{
	if (is_file_name(sub, false))
		return NULL;
	return ALLOWED("\"%s\" is not a /proc/PID file; use e.g. lxc.proc.oom_score_adj", sub);
}
