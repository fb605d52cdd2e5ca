/* Value checks for config keys. Each check returns NULL when VALUE is
 * acceptable, else a malloc'd message that names the allowed form. The
 * parsers behind them (signals, capabilities, sizes) are shared with the
 * code that applies the values. */
#ifndef LXCMGR_CONF_VALUES_H
#define LXCMGR_CONF_VALUES_H

#include <stdbool.h>
#include <stdint.h>

typedef char *(*value_check_fn)(const char *value);

char *check_any(const char *v);
char *check_nonempty(const char *v);
char *check_bool(const char *v);
char *check_uint(const char *v);
char *check_int(const char *v);
char *check_signal(const char *v);
char *check_signal_or_zero(const char *v);
char *check_hwaddr(const char *v);
char *check_ipv4_address(const char *v);
char *check_ipv6_address(const char *v);
char *check_ipv4_gateway(const char *v);
char *check_ipv6_gateway(const char *v);
char *check_ipv4_cidr(const char *v);
char *check_ipv6_cidr(const char *v);
char *check_mtu(const char *v);
char *check_vlan_id(const char *v);
char *check_bridge_vlan_id(const char *v);
char *check_veth_vlan_id(const char *v);
char *check_ifname(const char *v);
char *check_net_type(const char *v);
char *check_net_flags(const char *v);
char *check_macvlan_mode(const char *v);
char *check_ipvlan_mode(const char *v);
char *check_ipvlan_isolation(const char *v);
char *check_veth_mode(const char *v);
char *check_idmap(const char *v);
char *check_mount_entry(const char *v);
char *check_mount_auto(const char *v);
char *check_caps(const char *v);
char *check_namespaces(const char *v);
char *check_prlimit(const char *v);
char *check_time_offset(const char *v);
char *check_arch(const char *v);
char *check_byte_size(const char *v);
char *check_tty_dir(const char *v);
char *check_log_level(const char *v);
char *check_hook_version(const char *v);
char *check_hook_command(const char *v);
char *check_environment(const char *v);
char *check_rootfs_path(const char *v);
char *check_path(const char *v);
char *check_uts_name(const char *v);
char *check_gid_list(const char *v);
char *check_group_name(const char *v);
char *check_relative_dir(const char *v);
char *check_apparmor_profile(const char *v);
char *check_seccomp_proxy(const char *v);

/* Family sub-key checks: the part after "lxc.prlimit." etc. */
char *check_prlimit_resource(const char *sub);
char *check_cgroup1_file(const char *sub);
char *check_cgroup2_file(const char *sub);
char *check_sysctl_name(const char *sub);
char *check_proc_file(const char *sub);

/* Parsers. Each returns a value >= 0, or -EINVAL. */
int signal_from_name(const char *s);     /* "SIGKILL", "kill", "9", "SIGRTMIN+3" */
int capability_from_name(const char *s); /* "sys_admin", "CAP_SYS_ADMIN", "21" */
const char *capability_name(int cap);
int parse_byte_size(const char *s, uint64_t *bytes); /* "64", "1KB", "4MiB", "1G" */
int rlimit_from_name(const char *name);              /* "nofile" -> RLIMIT_NOFILE */
/* "SOFT[:HARD]": numbers or "unlimited" (UINT64_MAX, RLIM_INFINITY); one value
 * sets both. -ERANGE when SOFT > HARD. */
int parse_prlimit(const char *v, uint64_t *soft, uint64_t *hard);
/* "-1h", "30m", "10s", "5", "100ms", "5us", "3ns" (lxc.time.offset.*), as the
 * kernel's timens_offsets want it: *nsec in [0, 1e9), so -1ms is -1 s +
 * 999000000 ns. -ERANGE when it does not fit. */
int parse_time_offset(const char *v, int64_t *sec, long *nsec);

#endif
