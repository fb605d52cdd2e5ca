#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/keys.h"
#include "util/cleanup.h"
#include "util/str.h"

#define S KEY_SCALAR
#define L KEY_LIST
#define C KEY_CLEAR

/* Rows: name, kind, group, check, check_sub, form, example, section, doc. */
static const struct key_def keys[] = {
	/* rootfs and mounts */
	{ "lxc.rootfs.path", S, 0, check_rootfs_path, NULL, "[TYPE:]PATH", "dir:/var/lib/lxcmgr/web/rootfs", "Root file system and mounts", "The container's root file system: dir:PATH (or PATH), or overlay:LOWER:UPPER (mounted in the container's mount namespace at start; work directory olwork beside UPPER). btrfs, zfs, lvm and loop are not supported yet." },
	{ "lxc.rootfs.mount", S, 0, check_path, NULL, "PATH", "/usr/lib/lxcmgr/rootfs", "Root file system and mounts", "Where an overlay root file system is mounted, in the container's mount namespace, before pivot_root (default: the rootfs directory of the container). A directory needs none." },
	{ "lxc.rootfs.options", S, 0, NULL, NULL, "OPTIONS", "ro", "Root file system and mounts", "Mount options for the root file system (e.g. ro, or idmap=container)." },
	{ "lxc.rootfs.managed", S, 0, check_bool, NULL, "0|1", "1", "Root file system and mounts", "1: lxc-destroy removes the root file system; 0: it is left alone." },
	{ "lxc.mount.entry", L, 0, check_mount_entry, NULL, "SRC TARGET TYPE OPTS [0 0]", "/srv/data srv/data none bind,create=dir 0 0", "Root file system and mounts", "An fstab line; TARGET is relative to the rootfs; options create=dir|file, optional, relative." },
	{ "lxc.mount.fstab", S, 0, check_path, NULL, "PATH", "/var/lib/lxcmgr/web/fstab", "Root file system and mounts", "A file of fstab lines, each handled like lxc.mount.entry." },
	{ "lxc.mount.auto", L, 0, check_mount_auto, NULL, "WORDS", "proc:mixed sys:mixed cgroup:mixed", "Root file system and mounts", "Standard mounts: proc, sys, cgroup, cgroup-full, cgroup2 with their modes." },
	{ "lxc.autodev", S, 0, check_bool, NULL, "0|1", "1", "Root file system and mounts", "1: mount a tmpfs on /dev and create the standard device nodes." },
	{ "lxc.autodev.tmpfs.size", S, 0, check_uint, NULL, "BYTES", "1000000", "Root file system and mounts", "Size of the /dev tmpfs in bytes (0 or unset: 500000, as in LXC)." },
	{ "lxc.ephemeral", S, 0, check_bool, NULL, "0|1", "0", "Root file system and mounts", "1: destroy the container when it stops." },

	/* console and ttys */
	{ "lxc.tty.max", S, 0, check_uint, NULL, "N", "4", "Console and ttys", "Number of ttys (/dev/tty1..N) made available to the container." },
	{ "lxc.tty.dir", S, 0, check_tty_dir, NULL, "NAME", "lxc", "Console and ttys", "Put the ttys under /dev/NAME with symlinks from /dev/ttyN." },
	{ "lxc.pty.max", S, 0, check_uint, NULL, "N", "1024", "Console and ttys", "Maximum number of ptys in the container's private devpts." },
	{ "lxc.console.path", S, 0, check_path, NULL, "PATH|none", "none", "Console and ttys", "Host device for the console; none disables it." },
	{ "lxc.console.logfile", S, 0, check_path, NULL, "PATH", "/var/log/lxcmgr/web.console", "Console and ttys", "Append the console's output to PATH (an absolute path; lxc-start -L sets it)." },
	{ "lxc.console.size", S, 0, check_byte_size, NULL, "SIZE|auto", "1MB", "Console and ttys", "Largest size of the console log file (auto: 128 KiB; at least 4 KiB; unset: no limit); then it is rotated or emptied." },
	{ "lxc.console.rotate", S, 0, check_bool, NULL, "0|1", "1", "Console and ttys", "1: a full console log file becomes PATH.1 (one kept) and a new one starts; 0: it is emptied." },
	{ "lxc.console.buffer.size", S, 0, check_byte_size, NULL, "SIZE|auto", "128KB", "Console and ttys", "Size of the in-memory console ring buffer the monitor keeps (auto: 128 KiB; unset or 0: none; whole pages, at most 256 MiB); lxc-console -B prints it." },

	/* network */
	{ "lxc.net", C, GROUP_NET, NULL, NULL, "(empty)", "", "Network", "An empty value removes every network device defined so far." },

	/* cgroups */
	{ "lxc.cgroup.dir", S, 0, check_relative_dir, NULL, "PATH", "lxcmgr/web", "Control groups", "Directory, below the base cgroup, of lxcmgr.payload.NAME and lxcmgr.monitor.NAME." },
	{ "lxc.cgroup.dir.container", S, 0, check_relative_dir, NULL, "PATH", "lxcmgr.payload/web", "Control groups", "cgroup of the container's processes, below the base (with .monitor)." },
	{ "lxc.cgroup.dir.container.inner", S, 0, check_relative_dir, NULL, "PATH", "inner", "Control groups", "An inner cgroup the container's processes are placed in (delegation)." },
	{ "lxc.cgroup.dir.monitor", S, 0, check_relative_dir, NULL, "PATH", "lxcmgr.monitor/web", "Control groups", "cgroup of the container's monitor, below the base (with .container)." },
	{ "lxc.cgroup.dir.monitor.pivot", S, 0, check_relative_dir, NULL, "PATH", "lxcmgr.pivot", "Control groups", "cgroup (made when missing) the monitor moves to before it removes its own; default: where it came from." },
	{ "lxc.cgroup.relative", S, 0, check_bool, NULL, "0|1", "1", "Control groups", "1: place the cgroups under the cgroup of the process that starts the container." },
	{ "lxc.cgroup", C, GROUP_CGROUP1, NULL, NULL, "(empty)", "", "Control groups", "An empty value removes every lxc.cgroup.* controller setting." },
	{ "lxc.cgroup.", L, GROUP_CGROUP1, check_nonempty, check_cgroup1_file, "VALUE", "512M", "Control groups", "lxc.cgroup.CONTROLLER.FILE: write VALUE to a cgroup v1 controller file." },
	{ "lxc.cgroup2", C, GROUP_CGROUP2, NULL, NULL, "(empty)", "", "Control groups", "An empty value removes every lxc.cgroup2.* setting." },
	{ "lxc.cgroup2.", L, GROUP_CGROUP2, check_nonempty, check_cgroup2_file, "VALUE", "512M", "Control groups", "lxc.cgroup2.CONTROLLER.FILE: write VALUE to a cgroup v2 file." },

	/* security */
	{ "lxc.cap.drop", L, 0, check_caps, NULL, "CAPS", "sys_module mac_admin", "Security", "Capabilities to drop, names with or without cap_ (capabilities(7))." },
	{ "lxc.cap.keep", L, 0, check_caps, NULL, "CAPS|none", "sys_admin net_admin", "Security", "Capabilities to keep; all others are dropped; none drops all." },
	{ "lxc.seccomp.profile", S, 0, check_path, NULL, "PATH", "/usr/local/share/lxcmgr/config/common.seccomp", "Security", "seccomp policy file (LXC formats 1 and 2)." },
	{ "lxc.seccomp.allow_nesting", S, 0, check_bool, NULL, "0|1", "1", "Security", "1: let the container load its own seccomp filters (nesting)." },
	{ "lxc.seccomp.notify.proxy", S, 0, check_seccomp_proxy, NULL, "unix:PATH", "unix:/run/seccomp.sock", "Security", "Forward seccomp notifications to the proxy at PATH." },
	{ "lxc.seccomp.notify.cookie", S, 0, NULL, NULL, "TEXT", "web-cookie", "Security", "Cookie sent with each seccomp notification." },
	{ "lxc.apparmor.profile", S, 0, check_apparmor_profile, NULL, "generated|unconfined|NAME", "generated", "Security", "AppArmor profile of the container." },
	{ "lxc.apparmor.allow_incomplete", S, 0, check_bool, NULL, "0|1", "1", "Security", "1: start even when the kernel's AppArmor cannot enforce the profile fully." },
	{ "lxc.apparmor.allow_nesting", S, 0, check_bool, NULL, "0|1", "1", "Security", "1: the generated profile allows nested containers." },
	{ "lxc.apparmor.raw", L, 0, check_nonempty, NULL, "RULE", "mount fstype=nfs,", "Security", "A raw AppArmor rule added to the generated profile." },
	{ "lxc.selinux.context", S, 0, check_nonempty, NULL, "CONTEXT", "system_u:system_r:lxc_t:s0:c22", "Security", "SELinux context the container runs in." },
	{ "lxc.selinux.context.keyring", S, 0, check_nonempty, NULL, "CONTEXT", "system_u:system_r:lxc_t:s0:c22", "Security", "SELinux context of the session keyring." },
	{ "lxc.no_new_privs", S, 0, check_bool, NULL, "0|1", "1", "Security", "1: set no_new_privs so setuid binaries cannot gain privileges." },
	{ "lxc.idmap", L, 0, check_idmap, NULL, "u|g|b NSID HOSTID RANGE", "u 0 100000 65536", "Security", "A user namespace mapping; any lxc.idmap gives the container a user namespace whose root is the host id that 0 maps to (see SECURITY)." },
	{ "lxc.keyring.session", S, 0, check_bool, NULL, "0|1", "0", "Security", "1 (the default): init joins a new session keyring, so the host's keys stay out; 0: it keeps the caller's." },

	/* process */
	{ "lxc.init.cmd", S, 0, check_nonempty, NULL, "COMMAND", "/sbin/init", "Init and process", "Command run as the container's init (default /sbin/init)." },
	{ "lxc.init.cwd", S, 0, check_path, NULL, "PATH", "/root", "Init and process", "Working directory of init." },
	{ "lxc.init.uid", S, 0, check_uint, NULL, "UID", "0", "Init and process", "User id init runs as." },
	{ "lxc.init.gid", S, 0, check_uint, NULL, "GID", "0", "Init and process", "Group id init runs as." },
	{ "lxc.init.groups", L, 0, check_gid_list, NULL, "GID[,GID...]", "4,27", "Init and process", "Supplementary group ids of init (lines add); without it init has none." },
	{ "lxc.execute.cmd", S, 0, check_nonempty, NULL, "COMMAND", "/usr/bin/app --serve", "Init and process", "Command run by lxc-execute when none is given." },
	{ "lxc.environment", L, 0, check_environment, NULL, "NAME=VALUE|NAME", "LANG=C.UTF-8", "Init and process", "Environment of init and attached processes; a bare NAME passes the host's value." },
	{ "lxc.uts.name", S, 0, check_uts_name, NULL, "HOSTNAME", "web", "Init and process", "Host name inside the container." },
	{ "lxc.arch", S, 0, check_arch, NULL, "ARCH", "x86_64", "Init and process", "Personality (architecture) of the container, e.g. i686 or x86_64." },
	{ "lxc.prlimit", C, GROUP_PRLIMIT, NULL, NULL, "(empty)", "", "Init and process", "An empty value removes every lxc.prlimit.* setting." },
	{ "lxc.prlimit.", S, GROUP_PRLIMIT, check_prlimit, check_prlimit_resource, "SOFT[:HARD]", "1024:4096", "Init and process", "lxc.prlimit.RESOURCE: a resource limit of init (nofile, nproc, ...; see prlimit(2)); one value sets both." },
	{ "lxc.sysctl", C, GROUP_SYSCTL, NULL, NULL, "(empty)", "", "Init and process", "An empty value removes every lxc.sysctl.* setting." },
	{ "lxc.sysctl.", S, GROUP_SYSCTL, check_nonempty, check_sysctl_name, "VALUE", "1", "Init and process", "lxc.sysctl.NAME: a sysctl of the container's own IPC, UTS or network namespace; others would change the host and are refused." },
	{ "lxc.proc", C, GROUP_PROC, NULL, NULL, "(empty)", "", "Init and process", "An empty value removes every lxc.proc.* setting." },
	{ "lxc.proc.", S, GROUP_PROC, check_nonempty, check_proc_file, "VALUE", "-500", "Init and process", "lxc.proc.FILE: write VALUE to /proc/PID/FILE of init (e.g. oom_score_adj)." },
	{ "lxc.signal.halt", S, 0, check_signal, NULL, "SIGNAL", "SIGPWR", "Init and process", "Signal lxc-stop sends to init for a clean shutdown." },
	{ "lxc.signal.reboot", S, 0, check_signal, NULL, "SIGNAL", "SIGINT", "Init and process", "Signal sent to init to reboot." },
	{ "lxc.signal.stop", S, 0, check_signal, NULL, "SIGNAL", "SIGKILL", "Init and process", "Signal sent to init to stop it at once." },
	{ "lxc.sched.core", S, 0, check_bool, NULL, "0|1", "1", "Init and process", "1: put the container in its own core-scheduling domain." },

	/* namespaces */
	{ "lxc.namespace.clone", L, 0, check_namespaces, NULL, "NAMESPACES", "mnt pid uts ipc net", "Namespaces", "Namespaces to create for the container." },
	{ "lxc.namespace.keep", L, 0, check_namespaces, NULL, "NAMESPACES", "net", "Namespaces", "Namespaces to keep from the host (not created)." },
	{ "lxc.namespace.share.cgroup", S, 0, check_nonempty, NULL, "NAME|PID|PATH", "other", "Namespaces", "Share the cgroup namespace of a container, process or /proc path." },
	{ "lxc.namespace.share.ipc", S, 0, check_nonempty, NULL, "NAME|PID|PATH", "other", "Namespaces", "Share the IPC namespace of a container, process or /proc path." },
	{ "lxc.namespace.share.mnt", S, 0, check_nonempty, NULL, "NAME|PID|PATH", "other", "Namespaces", "Share the mount namespace of a container, process or /proc path (refused: a container needs its own)." },
	{ "lxc.namespace.share.net", S, 0, check_nonempty, NULL, "NAME|PID|PATH", "other", "Namespaces", "Share the network namespace of a container, process or /proc path." },
	{ "lxc.namespace.share.pid", S, 0, check_nonempty, NULL, "NAME|PID|PATH", "other", "Namespaces", "Share the PID namespace of a container, process or /proc path." },
	{ "lxc.namespace.share.time", S, 0, check_nonempty, NULL, "NAME|PID|PATH", "other", "Namespaces", "Share the time namespace of a container, process or /proc path." },
	{ "lxc.namespace.share.user", S, 0, check_nonempty, NULL, "NAME|PID|PATH", "other", "Namespaces", "Share the user namespace of a container, process or /proc path (not supported yet)." },
	{ "lxc.namespace.share.uts", S, 0, check_nonempty, NULL, "NAME|PID|PATH", "other", "Namespaces", "Share the UTS namespace of a container, process or /proc path." },
	{ "lxc.time.offset.boot", S, 0, check_time_offset, NULL, "N[h|m|s|ms|us|ns]", "-2h", "Namespaces", "Offset of CLOCK_BOOTTIME (uptime) in the container's time namespace; not 0: the container gets one." },
	{ "lxc.time.offset.monotonic", S, 0, check_time_offset, NULL, "N[h|m|s|ms|us|ns]", "10s", "Namespaces", "Offset of CLOCK_MONOTONIC in the container's time namespace; not 0: the container gets one." },

	/* hooks */
	{ "lxc.hook", C, GROUP_HOOK, NULL, NULL, "(empty)", "", "Hooks", "An empty value removes every hook defined so far." },
	{ "lxc.hook.version", S, 0, check_hook_version, NULL, "0|1", "1", "Hooks", "0: hooks get arguments; 1: hooks get LXC_HOOK_* environment variables." },
	{ "lxc.hook.pre-start", L, GROUP_HOOK, check_hook_command, NULL, "COMMAND", "/usr/local/bin/prepare", "Hooks", "Run on the host before anything is set up." },
	{ "lxc.hook.pre-mount", L, GROUP_HOOK, check_hook_command, NULL, "COMMAND", "/usr/local/bin/decrypt", "Hooks", "Run in the container's mount namespace before the rootfs is mounted." },
	{ "lxc.hook.mount", L, GROUP_HOOK, check_hook_command, NULL, "COMMAND", "/usr/local/bin/mounts", "Hooks", "Run in the container's mount namespace after its mounts, before pivot_root." },
	{ "lxc.hook.autodev", L, GROUP_HOOK, check_hook_command, NULL, "COMMAND", "/usr/local/bin/devices", "Hooks", "Run after the mount hooks when lxc.autodev is 1, to populate /dev." },
	{ "lxc.hook.start-host", L, GROUP_HOOK, check_hook_command, NULL, "COMMAND", "/usr/local/bin/net-up", "Hooks", "Run on the host once the container's namespaces exist, before init." },
	{ "lxc.hook.start", L, GROUP_HOOK, check_hook_command, NULL, "COMMAND", "/bin/true", "Hooks", "Run inside the container just before init is executed." },
	{ "lxc.hook.stop", L, GROUP_HOOK, check_hook_command, NULL, "COMMAND", "/usr/local/bin/save-state", "Hooks", "Run on the host with the container's namespaces still open." },
	{ "lxc.hook.post-stop", L, GROUP_HOOK, check_hook_command, NULL, "COMMAND", "/usr/local/bin/cleanup", "Hooks", "Run on the host after the container has stopped." },
	{ "lxc.hook.clone", L, GROUP_HOOK, check_hook_command, NULL, "COMMAND", "/usr/local/bin/rename", "Hooks", "Run when the container is cloned into a new one." },
	{ "lxc.hook.destroy", L, GROUP_HOOK, check_hook_command, NULL, "COMMAND", "/usr/local/bin/archive", "Hooks", "Run by lxc-destroy before the container is removed." },

	/* autostart */
	{ "lxc.start.auto", S, 0, check_bool, NULL, "0|1", "1", "Autostart", "1: lxc-autostart starts the container (at boot)." },
	{ "lxc.start.delay", S, 0, check_uint, NULL, "SECONDS", "5", "Autostart", "Seconds lxc-autostart waits after starting this container." },
	{ "lxc.start.order", S, 0, check_int, NULL, "N", "10", "Autostart", "Start priority; higher starts first." },
	{ "lxc.group", L, 0, check_group_name, NULL, "NAME", "onboot", "Autostart", "A group the container belongs to (lxc-autostart -g, lxc-ls -g)." },

	/* monitor and logging */
	{ "lxc.monitor.unshare", S, 0, check_bool, NULL, "0|1", "1", "Monitor and logging", "1: the monitor runs in its own mount namespace." },
	{ "lxc.monitor.signal.pdeath", S, 0, check_signal_or_zero, NULL, "SIGNAL|0", "SIGKILL", "Monitor and logging", "Signal init gets when the monitor dies; 0 (lxcmgr's default, LXC's is SIGKILL): init lives on, and lxc-stop -k can still stop it." },
	{ "lxc.log.file", S, 0, check_path, NULL, "PATH", "/var/log/lxcmgr/web.log", "Monitor and logging", "Log file of the container." },
	{ "lxc.log.level", S, 0, check_log_level, NULL, "LEVEL", "DEBUG", "Monitor and logging", "Log level: 0-8 or TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, CRIT, ALERT, FATAL." },
	{ "lxc.log.syslog", S, 0, check_nonempty, NULL, "FACILITY", "daemon", "Monitor and logging", "Also log to syslog with this facility." },

	/* includes */
	{ "lxc.include", L, 0, check_path, NULL, "FILE|DIR", "/usr/local/share/lxcmgr/config/common.conf", "Includes", "Read another config file, or every *.conf in a directory in sorted order." },
};

static const struct key_def net_keys[] = {
	{ "type", S, GROUP_NET, check_net_type, NULL, "veth|macvlan|ipvlan|vlan|phys|none|empty", "veth", "Network", "Kind of network device; empty gives only loopback, none shares the host's network." },
	{ "flags", S, GROUP_NET, check_net_flags, NULL, "up", "up", "Network", "up: bring the device up." },
	{ "link", S, GROUP_NET, check_ifname, NULL, "IFNAME", "lxcmgr-net", "Network", "Host device to attach to: a bridge for veth, the parent for macvlan, ipvlan, vlan, or the device for phys." },
	{ "name", S, GROUP_NET, check_ifname, NULL, "IFNAME", "eth0", "Network", "Name of the device inside the container." },
	{ "hwaddr", S, GROUP_NET, check_hwaddr, NULL, "MAC", "00:16:3e:xx:xx:xx", "Network", "MAC address inside the container; x digits are random, chosen once." },
	{ "mtu", S, GROUP_NET, check_mtu, NULL, "N", "1500", "Network", "MTU of the device." },
	{ "l2proxy", S, GROUP_NET, check_bool, NULL, "0|1", "1", "Network", "1: the host answers ARP and NDP on the link for the container's addresses (proxy neighbour entries); needs net.ipv4.conf.LINK.forwarding=1, for IPv6 also net.ipv6.conf.LINK.proxy_ndp=1 and forwarding=1." },
	{ "ipv4.address", L, GROUP_NET, check_ipv4_cidr, NULL, "ADDR[/PREFIX] [BCAST]", "10.0.3.5/24", "Network", "An IPv4 address of the device (repeatable)." },
	{ "ipv4.gateway", S, GROUP_NET, check_ipv4_gateway, NULL, "ADDR|auto|dev", "10.0.3.1", "Network", "IPv4 default route: an address, auto (the link's address), or dev (on-link)." },
	{ "ipv6.address", L, GROUP_NET, check_ipv6_cidr, NULL, "ADDR[/PREFIX]", "fd00::5/64", "Network", "An IPv6 address of the device (repeatable)." },
	{ "ipv6.gateway", S, GROUP_NET, check_ipv6_gateway, NULL, "ADDR|auto|dev", "fd00::1", "Network", "IPv6 default route: an address, auto or dev." },
	{ "script.up", S, GROUP_NET, check_path, NULL, "COMMAND", "/usr/local/bin/net-up", "Network", "Run on the host after the device is created." },
	{ "script.down", S, GROUP_NET, check_path, NULL, "COMMAND", "/usr/local/bin/net-down", "Network", "Run on the host before the device is removed." },
	{ "macvlan.mode", S, GROUP_NET, check_macvlan_mode, NULL, "private|vepa|bridge|passthru", "bridge", "Network", "macvlan mode." },
	{ "ipvlan.mode", S, GROUP_NET, check_ipvlan_mode, NULL, "l2|l3|l3s", "l3", "Network", "ipvlan mode." },
	{ "ipvlan.isolation", S, GROUP_NET, check_ipvlan_isolation, NULL, "bridge|private|vepa", "bridge", "Network", "ipvlan isolation." },
	{ "vlan.id", S, GROUP_NET, check_vlan_id, NULL, "0-4094", "100", "Network", "VLAN id of a vlan device." },
	{ "veth.mode", S, GROUP_NET, check_veth_mode, NULL, "bridge|router", "bridge", "Network", "bridge: attach the host side to link; router: route to it." },
	{ "veth.pair", S, GROUP_NET, check_ifname, NULL, "IFNAME", "vethweb0", "Network", "Name of the host side of the veth pair." },
	{ "veth.ipv4.route", L, GROUP_NET, check_ipv4_cidr, NULL, "ADDR/PREFIX", "192.0.2.0/24", "Network", "A route on the host to the container through the veth (repeatable)." },
	{ "veth.ipv6.route", L, GROUP_NET, check_ipv6_cidr, NULL, "ADDR/PREFIX", "2001:db8::/64", "Network", "An IPv6 route on the host through the veth (repeatable)." },
	{ "veth.vlan.id", S, GROUP_NET, check_veth_vlan_id, NULL, "1-4094|none", "10", "Network", "Untagged VLAN (PVID) of the host side on a VLAN-filtering bridge, instead of the bridge's default; none: out of the default one only." },
	{ "veth.vlan.tagged.id", L, GROUP_NET, check_bridge_vlan_id, NULL, "1-4094", "20", "Network", "A tagged VLAN of the host side on a VLAN-filtering bridge (repeatable)." },
	{ "veth.n_rxqueues", S, GROUP_NET, check_uint, NULL, "N", "4", "Network", "Number of receive queues of the veth (default 1)." },
	{ "veth.n_txqueues", S, GROUP_NET, check_uint, NULL, "N", "4", "Network", "Number of transmit queues of the veth (default 1)." },
};

/* Keys that LXC removed in 3.0, and what replaced them. */
static const struct {
	const char *old;
	const char *replacement;
} legacy_keys[] = {
	{ "lxc.network.", "lxc.net.N.* (e.g. lxc.net.0.type)" },
	{ "lxc.network", "lxc.net" },
	{ "lxc.utsname", "lxc.uts.name" },
	{ "lxc.rootfs", "lxc.rootfs.path" },
	{ "lxc.rootfs.backend", "the TYPE: prefix of lxc.rootfs.path" },
	{ "lxc.pts", "lxc.pty.max" },
	{ "lxc.tty", "lxc.tty.max" },
	{ "lxc.devttydir", "lxc.tty.dir" },
	{ "lxc.aa_profile", "lxc.apparmor.profile" },
	{ "lxc.aa_allow_incomplete", "lxc.apparmor.allow_incomplete" },
	{ "lxc.se_context", "lxc.selinux.context" },
	{ "lxc.id_map", "lxc.idmap" },
	{ "lxc.haltsignal", "lxc.signal.halt" },
	{ "lxc.rebootsignal", "lxc.signal.reboot" },
	{ "lxc.stopsignal", "lxc.signal.stop" },
	{ "lxc.console", "lxc.console.path" },
	{ "lxc.loglevel", "lxc.log.level" },
	{ "lxc.logfile", "lxc.log.file" },
	{ "lxc.syslog", "lxc.log.syslog" },
	{ "lxc.init_cmd", "lxc.init.cmd" },
	{ "lxc.init_uid", "lxc.init.uid" },
	{ "lxc.init_gid", "lxc.init.gid" },
	{ "lxc.limit.", "lxc.prlimit.RESOURCE" },
	{ "lxc.mount", "lxc.mount.fstab" },
	{ "lxc.seccomp", "lxc.seccomp.profile" },
	{ "lxc.start", "lxc.start.auto" },
	{ "lxc.kmsg", "nothing (removed)" },
	{ "lxc.pivotdir", "nothing (removed)" },
};

const struct key_def *key_table(size_t *count)
{
	*count = ARRAY_SIZE(keys);
	return keys;
}

const struct key_def *key_net_table(size_t *count)
{
	*count = ARRAY_SIZE(net_keys);
	return net_keys;
}

static bool is_family(const struct key_def *d)
{
	return str_ends_with(d->name, ".");
}

static const struct key_def *find_exact(const char *key)
{
	size_t len = strlen(key);

	/* Every key starts "lxc.": comparing the byte after it first skips
	 * most rows without a call. */
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (len > 4 && keys[i].name[4] == key[4] && strcmp(keys[i].name, key) == 0 &&
		    !is_family(&keys[i]))
			return &keys[i];
	return NULL;
}

static const struct key_def *find_family(const char *key)
{
	const struct key_def *best = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (is_family(&keys[i]) && str_starts_with(key, keys[i].name) &&
		    (!best || strlen(keys[i].name) > strlen(best->name)))
			best = &keys[i];
	return best;
}

static const struct key_def *find_net_sub(const char *sub)
{
	for (size_t i = 0; i < ARRAY_SIZE(net_keys); i++)
		if (strcmp(net_keys[i].name, sub) == 0)
			return &net_keys[i];
	return NULL;
}

/* The closest key, for "did you mean". Network keys are offered as lxc.net.N.* */
static char *suggest(const char *key)
{
	const char *best = NULL;
	size_t best_d = strlen(key) / 3 + 2;
	char *net = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		size_t d = str_distance(key, keys[i].name);
		if (d < best_d) {
			best_d = d;
			best = keys[i].name;
		}
	}
	if (str_starts_with(key, "lxc.net.")) {
		const char *sub = strchr(key + 8, '.');
		if (sub) {
			for (size_t i = 0; i < ARRAY_SIZE(net_keys); i++) {
				size_t d = str_distance(sub + 1, net_keys[i].name);
				if (d < best_d) {
					best_d = d;
					free(net);
					net = str_printf("%.*s%s", (int)(sub + 1 - key), key,
							 net_keys[i].name);
				}
			}
		}
	}
	if (net)
		return net;
	return best ? strdup(best) : NULL;
}

static char *unknown_key(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(legacy_keys); i++) {
		/* "lxc.network." matches every key below it; others match exactly. */
		const char *old = legacy_keys[i].old;
		bool prefix = str_ends_with(old, ".");
		if (prefix ? str_starts_with(key, old) : strcmp(key, old) == 0)
			return str_printf("key removed in LXC 3.0; use %s instead",
					  legacy_keys[i].replacement);
	}
	cleanup_free char *near = suggest(key);
	if (!str_starts_with(key, "lxc."))
		return near ? str_printf("not an lxc.* key (did you mean %s?)", near)
			    : strdup("not an lxc.* key");
	if (near)
		return str_printf("unknown key (did you mean %s?)", near);
	return strdup("unknown key (lxcmgr.container.conf(5) lists the keys)");
}

/* lxc.net.N[.SUB] */
static int resolve_net(const char *key, struct key_ref *ref, char **why)
{
	const char *p = key + strlen("lxc.net.");
	char *end = NULL;

	if (*p < '0' || *p > '9')
		return -ENOENT;
	unsigned long idx = strtoul(p, &end, 10);
	if (idx > 1023) {
		*why = str_printf("network index %lu is out of range; use 0 to 1023", idx);
		return -EINVAL;
	}
	ref->net_index = (int)idx;
	if (*end == '\0') {
		static const struct key_def net_clear = {
			"lxc.net.N", C, GROUP_NET, NULL, NULL, "(empty)", "", "Network",
			"An empty value removes network device N.",
		};
		ref->def = &net_clear;
		ref->key = str_printf("lxc.net.%lu", idx);
		return ref->key ? 0 : -ENOMEM;
	}
	if (*end != '.')
		return -ENOENT;
	ref->def = find_net_sub(end + 1);
	if (!ref->def) {
		*why = unknown_key(key);
		return -EINVAL;
	}
	ref->key = str_printf("lxc.net.%lu.%s", idx, end + 1);
	return ref->key ? 0 : -ENOMEM;
}

int key_resolve(const char *key, struct key_ref *ref, char **why)
{
	memset(ref, 0, sizeof(*ref));
	ref->net_index = -1;
	*why = NULL;

	ref->def = find_exact(key);
	if (ref->def) {
		/* The table's spelling is the key's: no copy needed. */
		ref->key = (char *)ref->def->name;
		ref->key_static = true;
		return 0;
	}
	if (str_starts_with(key, "lxc.net.")) {
		int ret = resolve_net(key, ref, why);
		if (ret != -ENOENT)
			return ret;
	}
	ref->def = find_family(key);
	if (ref->def) {
		char *bad = ref->def->check_sub(key + strlen(ref->def->name));
		if (bad) {
			/* lxc.cgroup.dir.containr: a typo of a key, not a bad file. */
			char *near = suggest(key);
			if (near && !str_ends_with(near, ".") && str_distance(key, near) <= 2) {
				free(bad);
				bad = str_printf("unknown key (did you mean %s?)", near);
			}
			free(near);
			*why = bad;
			ref->def = NULL;
			return bad ? -EINVAL : -ENOMEM;
		}
		ref->key = strdup(key);
		return ref->key ? 0 : -ENOMEM;
	}
	*why = unknown_key(key);
	return -EINVAL;
}

void key_ref_release(struct key_ref *ref)
{
	if (!ref->key_static)
		free(ref->key);
	ref->key_static = false;
	ref->key = NULL;
	ref->def = NULL;
}

bool key_affects(const struct key_ref *line, const struct key_ref *target)
{
	if (strcmp(line->key, target->key) == 0)
		return true;
	if (line->def->kind != KEY_CLEAR || line->def->group != target->def->group)
		return false;
	/* lxc.net.N clears only device N. */
	if (line->net_index >= 0)
		return target->net_index == line->net_index;
	return true;
}
