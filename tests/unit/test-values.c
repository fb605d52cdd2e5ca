/* conf/values: each value check with valid and invalid values, and the
 * parsers behind them. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>

#include <sys/resource.h>

#include "conf/values.h"
#include "unit.h"
#include "util/cleanup.h"

#define CHECK_OK(fn, v)                                                                 \
	do {                                                                            \
		cleanup_free char *why_ = fn(v);                                        \
		EXPECT(why_ == NULL, "%s(\"%s\") accepts, saw \"%s\"", #fn, (v),        \
		       why_ ? why_ : "");                                               \
	} while (0)

/* Rejected, with a message that contains NEEDLE (the value or the form). */
#define CHECK_BAD(fn, v, needle)                                                   \
	do {                                                                       \
		cleanup_free char *why_ = fn(v);                                   \
		EXPECT(why_ != NULL, "%s(\"%s\") rejects", #fn, (v));              \
		if (why_)                                                          \
			EXPECT_CONTAINS(why_, needle);                             \
	} while (0)

static void all_ok(value_check_fn fn, const char *name, const char *const *values)
{
	for (; *values; values++) {
		cleanup_free char *why = fn(*values);
		EXPECT(why == NULL, "%s(\"%s\") accepts, saw \"%s\"", name, *values, why ? why : "");
	}
}

static void all_bad(value_check_fn fn, const char *name, const char *const *values)
{
	for (; *values; values++) {
		cleanup_free char *why = fn(*values);
		EXPECT(why != NULL && *why, "%s(\"%s\") rejects with a message", name, *values);
	}
}

#define OK_LIST(fn, ...) all_ok(fn, #fn, (const char *const[]){ __VA_ARGS__, NULL })
#define BAD_LIST(fn, ...) all_bad(fn, #fn, (const char *const[]){ __VA_ARGS__, NULL })

TEST(simple_numbers)
{
	OK_LIST(check_bool, "0", "1");
	BAD_LIST(check_bool, "", "2", "true", "yes", " 1", "01");
	OK_LIST(check_uint, "0", "4", "18446744073709551615");
	BAD_LIST(check_uint, "-1", "+1", "4x", "", "18446744073709551616");
	OK_LIST(check_int, "-10", "10", "+3", "0");
	BAD_LIST(check_int, "ten", "1.5", "", "-");
	OK_LIST(check_mtu, "68", "1500", "65535");
	BAD_LIST(check_mtu, "67", "65536", "mtu", "");
	OK_LIST(check_vlan_id, "0", "100", "4094");
	BAD_LIST(check_vlan_id, "4095", "-1", "x");
	OK_LIST(check_bridge_vlan_id, "1", "100", "4094");
	BAD_LIST(check_bridge_vlan_id, "0", "4095", "none", "x");
	OK_LIST(check_veth_vlan_id, "1", "4094", "none");
	BAD_LIST(check_veth_vlan_id, "0", "4095", "None", "");
	OK_LIST(check_hook_version, "0", "1");
	BAD_LIST(check_hook_version, "2", "v1");
	OK_LIST(check_log_level, "0", "8", "TRACE", "debug", "Warn", "FATAL");
	BAD_LIST(check_log_level, "9", "WARNING", "verbose");
	OK_LIST(check_nonempty, "x");
	BAD_LIST(check_nonempty, "");
	CHECK_OK(check_any, "");
}

TEST(signals)
{
	EXPECT_INT(signal_from_name("SIGKILL"), SIGKILL);
	EXPECT_INT(signal_from_name("sigkill"), SIGKILL);
	EXPECT_INT(signal_from_name("KILL"), SIGKILL);
	EXPECT_INT(signal_from_name("kill"), SIGKILL);
	EXPECT_INT(signal_from_name("SIGPWR"), SIGPWR);
	EXPECT_INT(signal_from_name("SigTerm"), SIGTERM);
	EXPECT_INT(signal_from_name("9"), 9);
	EXPECT_INT(signal_from_name("1"), 1);
	EXPECT_INT(signal_from_name("64"), 64);
	/* SIGRTMIN+N means what it means to a program built with glibc, such
	 * as systemd (SIGRTMIN+3 halts it) and LXC itself: glibc's SIGRTMIN. */
	EXPECT_INT(signal_from_name("SIGRTMIN+3"), SIGRTMIN + 3);
	EXPECT_INT(signal_from_name("sigrtmin+3"), SIGRTMIN + 3);
	EXPECT_INT(signal_from_name("RTMIN+3"), SIGRTMIN + 3);
	EXPECT_INT(signal_from_name("SIGRTMIN"), SIGRTMIN);
	EXPECT_INT(signal_from_name("SIGRTMAX"), SIGRTMAX);
	EXPECT_INT(signal_from_name("SIGRTMAX-2"), SIGRTMAX - 2);
	EXPECT_INT(signal_from_name("SIGRTMIN+0"), SIGRTMIN);
	char top[32];
	snprintf(top, sizeof(top), "SIGRTMIN+%d", SIGRTMAX - SIGRTMIN);
	EXPECT_INT(signal_from_name(top), SIGRTMAX);
	snprintf(top, sizeof(top), "SIGRTMIN+%d", SIGRTMAX - SIGRTMIN + 1);
	EXPECT(signal_from_name(top) < 0, "%s is past SIGRTMAX", top);

	const char *bad[] = { "", "0", "65", "-1", "SIG", "SIGFOO", "SIGKILLX", "SIGRTMIN-1",
			      "SIGRTMAX+1", "SIGRTMIN+", "SIGRTMIN+x", "SIGRTMIN+100",
			      "SIGRTMAX-100", "SIGRTMIN 3", " SIGKILL", "9x", NULL };
	for (size_t i = 0; bad[i]; i++)
		EXPECT(signal_from_name(bad[i]) < 0, "signal_from_name(\"%s\") fails, saw %d", bad[i],
		       signal_from_name(bad[i]));

	OK_LIST(check_signal, "SIGPWR", "PWR", "SIGRTMIN+3", "15", "SIGUSR1");
	CHECK_BAD(check_signal, "SIGPOWER", "SIGPOWER");
	CHECK_BAD(check_signal, "SIGRTMIN+99", "SIGRTMIN+N");
	CHECK_BAD(check_signal, "0", "1-64");
}

TEST(hwaddr)
{
	OK_LIST(check_hwaddr, "00:16:3e:12:ab:CD", "00:16:3e:xx:xx:xx", "10:66:6a:XX:xx:Xx",
		"xx:xx:xx:xx:xx:xx");
	BAD_LIST(check_hwaddr, "", "00:16:3e:xx:xx", "00:16:3e:xx:xx:xx:", "00:16:3e:xx:xx:xx:00",
		 "0:16:3e:12:34:56", "00-16-3e-12-34-56", "00:16:3e:x:xx:xx", "g0:16:3e:12:34:56",
		 "00:16:3e:12:34:567", "00163e123456");
	CHECK_BAD(check_hwaddr, "00:16:3e", "00:16:3e:xx:xx:xx");
}

TEST(addresses)
{
	OK_LIST(check_ipv4_cidr, "10.0.3.5", "10.0.3.5/24", "10.0.3.5/0", "10.0.3.5/32",
		"10.0.3.5/24 10.0.3.255", "192.168.1.2/16\t192.168.255.255");
	BAD_LIST(check_ipv4_cidr, "", "10.0.3", "10.0.3.5/33", "10.0.3.5/", "10.0.3.5/x",
		 "10.0.3.5/24 bcast", "10.0.3.5/24 10.0.3.255 extra", "256.0.0.1", "fd00::5/64",
		 "10.0.3.5/24 fd00::1", "10.0.3.5/-1");
	CHECK_BAD(check_ipv4_cidr, "10.0.3.5/33", "[/PREFIX]");
	OK_LIST(check_ipv6_cidr, "fd00::5", "fd00::5/64", "::1/128", "2001:db8::/32", "::");
	BAD_LIST(check_ipv6_cidr, "", "fd00::5/129", "fd00::5/64 fd00::ff", "10.0.3.5/24",
		 "fd00:::5", "fd00::g");
	OK_LIST(check_ipv4_address, "10.0.3.1", "0.0.0.0");
	BAD_LIST(check_ipv4_address, "10.0.3.1/24", "fd00::1", "");
	OK_LIST(check_ipv6_address, "fd00::1", "::");
	BAD_LIST(check_ipv6_address, "10.0.3.1", "fd00::1/64");
	OK_LIST(check_ipv4_gateway, "10.0.3.1", "auto", "dev");
	BAD_LIST(check_ipv4_gateway, "Auto", "fd00::1", "10.0.3.1/24", "device", "");
	OK_LIST(check_ipv6_gateway, "fd00::1", "auto", "dev");
	BAD_LIST(check_ipv6_gateway, "10.0.3.1", "none");
	CHECK_BAD(check_ipv4_gateway, "gw", "auto or dev");
	OK_LIST(check_ifname, "eth0", "lxcbr0", "a", "abcdefghijklmno", "veth-x.1");
	BAD_LIST(check_ifname, "", "abcdefghijklmnop", "a/b", "a:b", "a b", ".", "..");
}

TEST(network_words)
{
	OK_LIST(check_net_type, "veth", "macvlan", "ipvlan", "vlan", "phys", "none", "empty");
	CHECK_BAD(check_net_type, "bridge", "veth, macvlan");
	BAD_LIST(check_net_type, "Veth", "", "veth ");
	OK_LIST(check_net_flags, "up");
	BAD_LIST(check_net_flags, "down", "UP");
	OK_LIST(check_macvlan_mode, "private", "vepa", "bridge", "passthru");
	BAD_LIST(check_macvlan_mode, "source");
	OK_LIST(check_ipvlan_mode, "l2", "l3", "l3s");
	BAD_LIST(check_ipvlan_mode, "l4");
	OK_LIST(check_ipvlan_isolation, "bridge", "private", "vepa");
	BAD_LIST(check_ipvlan_isolation, "passthru");
	OK_LIST(check_veth_mode, "bridge", "router");
	BAD_LIST(check_veth_mode, "route");
}

TEST(idmap)
{
	OK_LIST(check_idmap, "u 0 100000 65536", "g 0 100000 65536", "u\t0\t100000\t1",
		"u 0 4294967295 1", "u  1000  1000  1");
	BAD_LIST(check_idmap, "", "u 0 100000", "u 0 100000 65536 1", "x 0 100000 65536",
		 "U 0 100000 65536", "u -1 100000 1", "u 0 100000 0", "u 0 4294967296 1",
		 "u a b c", "ug 0 1 1");
	CHECK_BAD(check_idmap, "u 0 1", "u 0 100000 65536");
}

TEST(mount_entries)
{
	OK_LIST(check_mount_entry, "/srv/data srv/data none bind,create=dir 0 0",
		"/etc/resolv.conf etc/resolv.conf none bind,ro,create=file",
		"proc proc proc nodev,noexec,nosuid 0 0",
		"mqueue dev/mqueue mqueue rw,relative,optional,create=dir 0",
		"tmpfs\ttmp\ttmpfs\tdefaults");
	CHECK_BAD(check_mount_entry, "/a b none bind,create=directory 0 0", "create=dir");
	CHECK_BAD(check_mount_entry, "/a b none create=", "create=");
	CHECK_BAD(check_mount_entry, "/a b none", "fstab");
	CHECK_BAD(check_mount_entry, "/a b none bind 0 x", "numbers");
	BAD_LIST(check_mount_entry, "", "/a b none bind 0 0 0", "/a b none bind x 0");

	OK_LIST(check_mount_auto, "proc:mixed sys:mixed cgroup:mixed", "proc sys cgroup",
		"proc:rw sys:ro cgroup:ro:force", "cgroup-full:rw:force", "cgroup2:ro",
		"cgroup2:force", "shmounts:/var/lib/lxd/shmounts",
		"shmounts:/srv/host:/srv/ct proc:mixed", "");
	CHECK_BAD(check_mount_auto, "proc:mixed shmounts:", "shmounts:");
	CHECK_BAD(check_mount_auto, "proc:ro", "proc:ro");
	BAD_LIST(check_mount_auto, "proc:", "sys:mixed:force", "cgroup2:mixed", "dev", "PROC");
}

TEST(capabilities)
{
	EXPECT_INT(capability_from_name("sys_admin"), 21);
	EXPECT_INT(capability_from_name("CAP_SYS_ADMIN"), 21);
	EXPECT_INT(capability_from_name("cap_sys_admin"), 21);
	EXPECT_INT(capability_from_name("chown"), 0);
	EXPECT_INT(capability_from_name("21"), 21);
	EXPECT_INT(capability_from_name("0"), 0);
	EXPECT_INT(capability_from_name("checkpoint_restore"), 40);
	EXPECT_INT(capability_from_name("64"), -EINVAL);
	EXPECT_INT(capability_from_name("sys_adm"), -EINVAL);
	EXPECT_INT(capability_from_name("cap_"), -EINVAL);
	EXPECT_INT(capability_from_name(""), -EINVAL);
	EXPECT_INT(capability_from_name("-1"), -EINVAL);
	EXPECT_STR(capability_name(21), "sys_admin");
	EXPECT_STR(capability_name(0), "chown");
	EXPECT(capability_name(-1) == NULL, "capability_name(-1) is NULL");
	EXPECT(capability_name(63) == NULL, "capability_name(63) is NULL");
	/* Every named capability maps back to its own number. */
	for (int i = 0; capability_name(i); i++)
		EXPECT_INT(capability_from_name(capability_name(i)), i);

	OK_LIST(check_caps, "sys_module mac_admin", "CAP_SYS_ADMIN cap_net_raw", "21 22",
		"sys_admin\tnet_admin");
	CHECK_BAD(check_caps, "sys_adm", "did you mean sys_admin?");
	CHECK_BAD(check_caps, "sys_module net_admn", "did you mean net_admin?");
	CHECK_BAD(check_caps, "frobnicate", "capabilities(7)");
	CHECK_BAD(check_caps, "64", "\"64\"");
}

TEST(namespaces)
{
	OK_LIST(check_namespaces, "mnt pid uts ipc net", "cgroup time user", "net");
	CHECK_BAD(check_namespaces, "mnt mount", "\"mount\"");
	CHECK_BAD(check_namespaces, "NET", "cgroup, ipc, mnt");
	BAD_LIST(check_namespaces, "network", "pid,net");
}

TEST(limits)
{
	OK_LIST(check_prlimit, "1024", "1024:4096", "unlimited", "unlimited:unlimited",
		"1024:unlimited", "0:0");
	BAD_LIST(check_prlimit, "", "1024:", ":1024", "-1", "abc", "1:2:3", "1024 4096",
		 "infinity");
	CHECK_BAD(check_prlimit, "soft", "SOFT[:HARD]");
	OK_LIST(check_prlimit_resource, "nofile", "nproc", "as", "memlock", "rttime");
	CHECK_BAD(check_prlimit_resource, "files", "nofile");
	BAD_LIST(check_prlimit_resource, "NOFILE", "", "nofile.x");
	BAD_LIST(check_prlimit, "10:5", "18446744073709551615");
	CHECK_BAD(check_prlimit, "10:5", "soft limit is above the hard limit");

	uint64_t soft = 0, hard = 0;
	EXPECT(parse_prlimit("1024", &soft, &hard) == 0 && soft == 1024 && hard == 1024,
	       "one value sets both");
	EXPECT(parse_prlimit("1024:unlimited", &soft, &hard) == 0 && soft == 1024 &&
		       hard == UINT64_MAX,
	       "unlimited is RLIM_INFINITY");
	EXPECT_INT(parse_prlimit("5:4", &soft, &hard), -ERANGE);
	EXPECT_INT(parse_prlimit("5:", &soft, &hard), -EINVAL);
	EXPECT_INT(rlimit_from_name("nofile"), RLIMIT_NOFILE);
	EXPECT_INT(rlimit_from_name("rttime"), RLIMIT_RTTIME);
	EXPECT_INT(rlimit_from_name("RLIMIT_NOFILE"), -EINVAL);
}

TEST(time_offsets)
{
	OK_LIST(check_time_offset, "-2h", "10s", "5", "+3ms", "100ns", "1us", "0m", "-0");
	BAD_LIST(check_time_offset, "", "h", "-", "5d", "5 s", "- 5", "5S", "1.5s", "s5",
		 "5hh");
	CHECK_BAD(check_time_offset, "5d", "h, m, s, ms, us or ns");
	CHECK_BAD(check_time_offset, "99999999999999999999h", "too large");

	/* As /proc/PID/timens_offsets wants them: 0 <= nsec < 1e9. */
	static const struct {
		const char *v;
		int64_t sec;
		long nsec;
	} offsets[] = {
		{ "-1h", -3600, 0 },         { "30m", 1800, 0 },      { "10s", 10, 0 },
		{ "7", 7, 0 },               { "+2s", 2, 0 },         { "100ms", 0, 100000000 },
		{ "1500ms", 1, 500000000 },  { "-1500ms", -2, 500000000 },
		{ "5us", 0, 5000 },          { "3ns", 0, 3 },         { "-3ns", -1, 999999997 },
		{ "-2000000us", -2, 0 },     { "-0", 0, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
		int64_t sec = 99;
		long nsec = 99;
		EXPECT(parse_time_offset(offsets[i].v, &sec, &nsec) == 0 && sec == offsets[i].sec &&
			       nsec == offsets[i].nsec,
		       "\"%s\": %lld s %ld ns, saw %lld s %ld ns", offsets[i].v,
		       (long long)offsets[i].sec, offsets[i].nsec, (long long)sec, nsec);
	}
	int64_t sec;
	long nsec;
	EXPECT_INT(parse_time_offset("9223372036854775807h", &sec, &nsec), -ERANGE);
	EXPECT_INT(parse_time_offset("1d", &sec, &nsec), -EINVAL);
}

TEST(byte_sizes)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} ok[] = {
		{ "0", 0 },
		{ "64", 64 },
		{ "64B", 64 },
		{ "1K", 1024 },
		{ "1KB", 1024 },
		{ "1kB", 1024 },
		{ "1KiB", 1024 },
		{ "128KB", 128 * 1024 },
		{ "4MiB", 4 << 20 },
		{ "1MB", 1 << 20 },
		{ "1 MB", 1 << 20 },
		{ "1G", 1 << 30 },
		{ "3GiB", 3ULL << 30 },
		{ "18446744073709551615", UINT64_MAX },
		{ "17179869183G", 17179869183ULL << 30 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		uint64_t b = 1;
		EXPECT(parse_byte_size(ok[i].text, &b) == 0, "parse_byte_size(\"%s\") succeeds",
		       ok[i].text);
		EXPECT(b == ok[i].bytes, "parse_byte_size(\"%s\") = %llu, saw %llu", ok[i].text,
		       (unsigned long long)ok[i].bytes, (unsigned long long)b);
	}
	uint64_t b = 1;
	/* Overflow in the digits (one past UINT64_MAX) and in the unit. */
	EXPECT_INT(parse_byte_size("18446744073709551616", &b), -ERANGE);
	EXPECT_INT(parse_byte_size("18446744073709551619", &b), -ERANGE);
	EXPECT_INT(parse_byte_size("99999999999999999999", &b), -ERANGE);
	EXPECT_INT(parse_byte_size("17179869184G", &b), -ERANGE);
	EXPECT_INT(parse_byte_size("18014398509481984K", &b), -ERANGE);
	EXPECT(b == 1, "failed parses leave the output alone");
	const char *bad[] = { "", "K", "1T", "1 TB", "-1", "1.5M", "1kb", "1mb", "0x10", " 1",
			      "1 K B", NULL };
	for (size_t i = 0; bad[i]; i++)
		EXPECT(parse_byte_size(bad[i], &b) == -EINVAL, "parse_byte_size(\"%s\") is -EINVAL",
		       bad[i]);

	OK_LIST(check_byte_size, "auto", "1MB", "128KB", "0");
	CHECK_BAD(check_byte_size, "lots", "auto");
	BAD_LIST(check_byte_size, "AUTO", "1TB", "18446744073709551616");
}

TEST(environment)
{
	OK_LIST(check_environment, "LANG=C.UTF-8", "PATH", "_X=1", "A1=", "X==y", "a=b c");
	BAD_LIST(check_environment, "", "=x", "1X=2", "A-B=1", "A B=1", "A.B", "é=1");
	CHECK_BAD(check_environment, "9LIVES=1", "NAME=VALUE");
}

TEST(rootfs_and_paths)
{
	OK_LIST(check_rootfs_path, "/var/lib/lxcmgr/web/rootfs", "dir:/srv/web",
		"overlay:/lower:/upper", "overlayfs:/a:/b", "btrfs:/srv/web", "zfs:pool/web",
		"lvm:/dev/vg/web", "loop:/srv/web.img", "rbd:pool/img", "nbd:/srv/web.qcow2",
		"/path:with:colons");
	CHECK_BAD(check_rootfs_path, "ext4:/dev/sda1", "\"ext4\"");
	CHECK_BAD(check_rootfs_path, "foo:/x", "dir, overlay");
	BAD_LIST(check_rootfs_path, "", "DIR:/x");
	OK_LIST(check_path, "/x", "relative", "none");
	BAD_LIST(check_path, "");
	OK_LIST(check_tty_dir, "lxc", "ttys");
	BAD_LIST(check_tty_dir, "", "a/b", ".", "..", "/lxc");
	OK_LIST(check_uts_name, "web", "a",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	BAD_LIST(check_uts_name, "", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	OK_LIST(check_gid_list, "4", "4,27", "4, 27", "0,4294967295");
	BAD_LIST(check_gid_list, "a", "4,x", "-1", "4294967296");
	OK_LIST(check_group_name, "onboot", "web-servers");
	BAD_LIST(check_group_name, "", "a,b", "a b");
	OK_LIST(check_relative_dir, "lxcmgr/web", "web", "a/b/c", "a..b");
	BAD_LIST(check_relative_dir, "/abs", "../up", "a/../b", "a/..");
	OK_LIST(check_apparmor_profile, "generated", "unconfined", "lxc-container-default-cgns");
	BAD_LIST(check_apparmor_profile, "");
	OK_LIST(check_seccomp_proxy, "unix:/run/seccomp.sock");
	BAD_LIST(check_seccomp_proxy, "unix:", "/run/x.sock", "tcp:1.2.3.4");
	OK_LIST(check_arch, "x86_64", "amd64", "i686", "aarch64", "arm64", "riscv64", "s390x");
	BAD_LIST(check_arch, "X86_64", "vax", "");
}

TEST(family_sub_keys)
{
	OK_LIST(check_cgroup1_file, "memory.limit_in_bytes", "cpuset.cpus", "devices.allow",
		"net_cls.classid", "pids.max", "blkio.weight");
	/* A typo of lxc.cgroup.dir.container is not a controller file. */
	BAD_LIST(check_cgroup1_file, "dir.containr", "dir", "memory", "memory.", ".limit",
		 "memory/limit", "memory..x", "io.max", "", "foo.bar");
	CHECK_BAD(check_cgroup1_file, "memroy.limit_in_bytes", "memory");
	OK_LIST(check_cgroup2_file, "memory.max", "devices.allow", "cpu.weight", "io.max",
		"cgroup.freeze", "pids.max");
	BAD_LIST(check_cgroup2_file, "memory", "blkio.weight", "max", "memory.max/x", "");
	OK_LIST(check_sysctl_name, "net.ipv4.ip_forward", "kernel.msgmax", "fs.mqueue.queues_max");
	BAD_LIST(check_sysctl_name, "", "net/ipv4", "net..x");
	OK_LIST(check_proc_file, "oom_score_adj", "sys.kernel");
	BAD_LIST(check_proc_file, "", "self/oom_score_adj", "..");
}

UNIT_MAIN(simple_numbers, signals, hwaddr, addresses, network_words, idmap, mount_entries,
	  capabilities, namespaces, limits, time_offsets, byte_sizes, environment,
	  rootfs_and_paths, family_sub_keys)
