#!/usr/bin/env bash
# The escape suite: root inside a default busybox container (the
# template's config: its dropped capabilities, proc:mixed and sys:mixed,
# config/common.seccomp, a cgroup namespace) tries to reach the host. Each
# attempt must fail, and each test names what stops it; the probe
# (escape-probe.c) prints "ok" or the errno of one attempt.
#
# This host has no AppArmor, so nothing here relies on it. What a root
# with CAP_SYS_ADMIN can still undo without user namespaces (unmounting
# a read-only mask) is noted where it applies.
#
# ESCAPE_USERNS=1 (test-escapes-userns.sh) runs the same attempts in an
# unprivileged container: the same config plus lxc.idmap, its rootfs
# shifted at create. Where the user namespace blocks an attempt another
# way, or blocks more, the test says so ("userns:"); there the masks are
# locked mounts.
. "$(dirname "$0")/../lib.sh"
USERNS=${ESCAPE_USERNS:-0}

export LXCMGR_EXEC_PATH="$LXCMGR_BUILD/tools/lxcmgr-exec"
PROBE=$LXCMGR_BUILD/tests/security/escape-probe
N=lxcmgr-test-escape
P() { echo "$T/lxcpath"; }
R() { echo "$T/lxcpath/$N/rootfs"; }
att() { lxc_attach -P "$(P)" -n $N "$@" < /dev/null; }
probe() { att -- /bin/escape-probe "$@"; }

# A default busybox container, running, with the probe in its /bin.
running() {
	need_root || return 1
	[ -x "$PROBE" ] || { skip "escape-probe not built"; return 1; }
	if [ "$USERNS" = 1 ]; then
		# Host ids of its own (above 1,000,000, from the pid); the
		# container's root must reach its rootfs through $T (0700).
		local base=$(( 1000000 + ($$ % 4000) * 65536 ))
		chmod 755 "$T"
		grep -v '^#' "$T/etc/default.conf" > "$T/idmap.conf"
		printf 'lxc.idmap = b 0 %d 65536\n' $base >> "$T/idmap.conf"
		lxc_create -P "$(P)" -n $N -t busybox -f "$T/idmap.conf" > /dev/null
	else
		lxc_create -P "$(P)" -n $N -t busybox > /dev/null
	fi
	grep -q '^lxc.seccomp.profile' "$(P)/$N/config" ||
		{ fail "the busybox template set no seccomp profile"; return 1; }
	cp "$PROBE" "$(R)/bin/escape-probe"
	lxc_start -P "$(P)" -n $N
	[ "$USERNS" = 1 ] || return 0
	local map; map=$(att -- cat /proc/self/uid_map | xargs)
	[ "$map" = "0 $(( 1000000 + ($$ % 4000) * 65536 )) 65536" ] ||
		{ fail "not in the container's user namespace: uid_map '$map'"; return 1; }
}

# expect_blocked WHAT OUTPUT ERRNO...: the attempt failed with one of them.
expect_blocked() {
	local what=$1 out=$2; shift 2
	local e
	for e in "$@"; do
		case "$out" in "$e "*) return 0 ;; esac
	done
	fail "$what: expected $*, saw '$out'"
}

test_load_a_kernel_module() {
	running || return 0
	# seccomp (common.seccomp: init_module, finit_module errno 1) first;
	# without it the bounding set (sys_module dropped) would refuse.
	expect_blocked "finit_module" "$(probe finit_module)" EPERM
	expect_blocked "init_module" "$(probe init_module)" EPERM
	assert_eq "$(att -- grep CapBnd /proc/self/status | awk '{print $2}')" \
		"$(att -- grep CapBnd /proc/1/status | awk '{print $2}')" "attach's bounding set is init's"
	local bnd; bnd=$(att -- grep CapBnd /proc/1/status | awk '{print $2}')
	[ $(( 0x$bnd >> 16 & 1 )) = 0 ] || fail "init's bounding set has sys_module: $bnd"
}

test_mknod_a_host_disk_and_read_it() {
	running || return 0
	local dev; dev=$(probe rootdev)
	# seccomp: mknod of S_IFBLK (mode & S_IFMT == S_IFBLK) is EPERM.
	expect_blocked "mknod of the host's disk ($dev)" "$(probe mknod-block /tmp/disk $dev)" EPERM
	att -- test ! -e /tmp/disk || fail "a node was made"
	if [ "$USERNS" = 1 ]; then
		# userns: no node at all, mknod needs CAP_MKNOD on the host.
		att -- mknod /tmp/null c 1 3 2> /dev/null && fail "mknod of a character device worked"
		return 0
	fi
	# Character devices stay possible: system containers make some.
	att -- mknod /tmp/null c 1 3 || fail "mknod of a character device was refused"
}

test_mount_the_host_disk() {
	running || return 0
	local dev node; dev=$(probe rootdev)
	att -- mkdir -p /mnt/dev /mnt/host
	# seccomp: a new mount without nodev (MS_NODEV = 4) is EPERM, so the
	# devtmpfs, which holds every host disk, cannot come without it...
	expect_blocked "devtmpfs without nodev" "$(probe mount none /mnt/dev devtmpfs 0)" EPERM
	if [ "$USERNS" = 1 ]; then
		# userns: devtmpfs cannot be mounted in a user namespace at all
		# (not FS_USERNS_MOUNT), so the disk has no node inside (mknod is
		# refused too: ENOENT), and a block device file system would need
		# CAP_SYS_ADMIN on the host (EPERM).
		expect_blocked "devtmpfs with nodev" "$(probe mount none /mnt/dev devtmpfs 4)" EPERM
		local fs; fs=$(findmnt -no FSTYPE /)
		expect_blocked "mount $(findmnt -no SOURCE /) ($fs)" \
			"$(probe mount "$(findmnt -no SOURCE /)" /mnt/host "$fs" 4)" EPERM EACCES ENOENT
		att -- test ! -e /mnt/host/etc/hostname || fail "host files visible"
		return 0
	fi
	assert_eq "$(probe mount none /mnt/dev devtmpfs 4)" ok "devtmpfs with nodev"
	node=$(probe find-node /mnt/dev $dev)
	[ "$node" != none ] || { skip "the host's disk $dev has no node in devtmpfs"; return 0; }
	# ... and on a nodev mount the kernel refuses the node as a mount
	# source (EACCES) before it could reuse the host's mounted superblock,
	# which it would do without asking the devices cgroup.
	local fs; fs=$(findmnt -no FSTYPE /)
	expect_blocked "mount $node ($fs)" "$(probe mount "$node" /mnt/host "$fs" 4)" EACCES
	expect_blocked "mount $node ($fs) without nodev" "$(probe mount "$node" /mnt/host "$fs" 0)" EPERM
	att -- test ! -e /mnt/host/etc/hostname || fail "host files visible"
	# A bind keeps nodev; a remount that would clear it is EPERM (seccomp:
	# MS_REMOUNT 32 | MS_BIND 4096 without MS_NODEV).
	assert_eq "$(probe mount /mnt/dev /mnt/host none 4096)" ok "bind of the devtmpfs"
	expect_blocked "remount,bind,dev" "$(probe mount none /mnt/host none 4128)" EPERM
	node=${node/\/mnt\/dev/\/mnt\/host}
	expect_blocked "mount $node through the bind" "$(probe mount "$node" /mnt/dev "$fs" 4)" EACCES
}

test_new_mount_api_is_not_a_way_around() {
	running || return 0
	# fsopen/fsmount/mount_setattr cannot be checked by their flags: seccomp
	# answers ENOSYS, and mount(8) falls back to mount(2), which is checked.
	expect_blocked "fsopen" "$(probe fsopen)" ENOSYS
	att -- mkdir -p /mnt/t
	expect_blocked "tmpfs without nodev" "$(probe mount none /mnt/t tmpfs 0)" EPERM
	att -- mount -t tmpfs -o nodev none /mnt/t || fail "a tmpfs with nodev"
}

test_write_proc_sysrq_trigger() {
	running || return 0
	# proc:mixed: a read-only bind over it (EROFS), and /proc/sys read-only
	# but net. Root keeping CAP_SYS_ADMIN could unmount the bind: only user
	# namespaces (locked mounts) or an LSM close that, and this host has
	# neither.
	if [ -e /proc/sysrq-trigger ]; then
		expect_blocked "sysrq-trigger" "$(probe write /proc/sysrq-trigger h)" EROFS EACCES
	else
		echo "# this kernel has no /proc/sysrq-trigger (no CONFIG_MAGIC_SYSRQ)"
	fi
	expect_blocked "/proc/sys/kernel/core_pattern" \
		"$(probe write /proc/sys/kernel/core_pattern x)" EROFS EACCES
	expect_blocked "/proc/sys/vm/drop_caches" "$(probe write /proc/sys/vm/drop_caches 3)" \
		EROFS EACCES
	[ "$USERNS" = 1 ] || return 0
	# userns: the masks are locked mounts (the container's mount namespace
	# is a copy made across user namespaces): unmounting one is EINVAL.
	# Under them, files of host root stay unwritable anyway (EACCES).
	local out; out=$(att -- umount /proc/sys 2>&1) && fail "umount /proc/sys worked"
	assert_contains "$out" "Invalid argument" "umount /proc/sys"
	if [ -e /proc/sysrq-trigger ]; then
		out=$(att -- umount /proc/sysrq-trigger 2>&1) && fail "umount /proc/sysrq-trigger worked"
		assert_contains "$out" "Invalid argument" "umount /proc/sysrq-trigger"
	fi
}

test_masked_proc_files() {
	running || return 0
	local f out
	for f in kcore kmsg kallsyms timer_list sched_debug kpagecount kpageflags; do
		att -- test -e /proc/$f || continue
		out=$(att -- sh -c "head -c 16 /proc/$f > /dev/null 2>&1 && echo readable || echo masked")
		assert_eq "$out" masked "/proc/$f"
	done
}

test_write_under_sys() {
	running || return 0
	# sys:mixed: sysfs read-only (EROFS) but the container's own network
	# devices.
	expect_blocked "/sys/kernel/uevent_helper" "$(probe write /sys/kernel/uevent_helper /x)" \
		EROFS EACCES ENOENT
	expect_blocked "/sys/power/state" "$(probe write /sys/power/state mem)" EROFS EACCES ENOENT
	# Firmware (EFI variables, ACPI tables) and security dirs are hidden.
	assert_eq "$(att -- ls -A /sys/firmware | wc -l)" 0 "/sys/firmware is empty"
	assert_eq "$(att -- ls -A /sys/kernel/security 2>/dev/null | wc -l)" 0 "/sys/kernel/security"
}

test_kexec() {
	running || return 0
	# seccomp: kexec_load and kexec_file_load errno 1 (CAP_SYS_BOOT stays:
	# reboot(2) of the container needs it).
	expect_blocked "kexec_load" "$(probe kexec_load)" EPERM
	expect_blocked "kexec_file_load" "$(probe kexec_file_load)" EPERM
}

test_open_by_handle_at() {
	running || return 0
	# seccomp: open_by_handle_at errno 1 ("shocker"; CAP_DAC_READ_SEARCH
	# is kept, as in LXC).
	expect_blocked "open_by_handle_at" "$(probe open_by_handle_at)" EPERM
}

test_write_a_cgroup_release_agent() {
	running || return 0
	# The cgroup namespace: a v1 hierarchy mounted inside shows the
	# container's cgroup as its root, which has no release_agent (only a
	# hierarchy's real root has), and a new hierarchy may only be created
	# in the initial cgroup namespace (EPERM).
	local line ctrl found=0
	att -- mkdir -p /mnt/cg
	for ctrl in memory pids cpu devices freezer; do
		att -- mount -t cgroup -o nodev,$ctrl cgroup /mnt/cg 2> /dev/null || continue
		found=1
		att -- test -e /mnt/cg/release_agent && fail "$ctrl: release_agent is visible"
		att -- umount /mnt/cg
	done
	[ $found = 1 ] || echo "# no v1 hierarchy could be mounted inside"
	att -- mount -t cgroup -o nodev,none,name=lxcmgrescape cgroup /mnt/cg 2> /dev/null &&
		fail "a new cgroup hierarchy was created inside"
	expect_blocked "release_agent" "$(probe write /mnt/cg/release_agent /x)" ENOENT EACCES EROFS
}

test_ptrace_an_attaching_process() {
	running || return 0
	# The caller stays on the host (not in the container's pid namespace);
	# the process that joins is not dumpable until the command's exec
	# (test-attach.sh traces that order). Here: while an attached command
	# runs, nothing the container can see is a host binary or can be
	# traced into the host.
	att -- sleep 30 &
	local bg=$! pids exe p
	for _ in $(seq 50); do
		pids=$(att -- pidof sleep) && [ -n "$pids" ] && break
	done
	for p in $(att -- ls /proc | grep -E '^[0-9]+$'); do
		exe=$(att -- readlink /proc/$p/exe 2> /dev/null) || continue
		case "$exe" in *lxc-attach*|*lxcmgr-exec*|*lxcmgr-attachd*|"$LXCMGR_BUILD"*)
			fail "pid $p in the container runs the host's $exe" ;;
		esac
	done
	kill "$bg" 2> /dev/null || true
	wait "$bg" 2> /dev/null || true
}

test_overwrite_proc_self_exe_of_an_attach() {
	running || return 0
	# CVE-2019-5736: "#!/proc/self/exe" runs the binary of the process
	# that execs it: the sealed memfd copy of the attach server (or, on
	# lxc-attach's own path, of lxcmgr-exec), never a host file. The
	# host's binaries stay as they were.
	local before after
	before=$(sha256sum "$LXCMGR_BUILD/tools/lxc-attach" "$LXCMGR_EXEC_PATH" \
		"$LXCMGR_ATTACHD_PATH")
	printf '#!/proc/self/exe\n' > "$(R)/evil" && chmod 755 "$(R)/evil"
	local err; err=$(att -- /evil 2>&1) && fail "the script ran"
	assert_contains "$err" "lxcmgr-attachd: not a command"
	err=$(LXCMGR_ATTACH_SERVER=0 att -- /evil 2>&1) && fail "the script ran (own path)"
	assert_contains "$err" "lxcmgr-exec: not a command"
	# Opening an exe for writing while it runs: ETXTBSY.
	expect_blocked "write /proc/1/exe" "$(probe open-write /proc/1/exe)" ETXTBSY EACCES EPERM
	after=$(sha256sum "$LXCMGR_BUILD/tools/lxc-attach" "$LXCMGR_EXEC_PATH" \
		"$LXCMGR_ATTACHD_PATH")
	assert_eq "$after" "$before" "host binaries"
}

test_reach_a_host_fd_through_an_attach() {
	running || return 0
	# CVE-2024-21626 class: nothing but stdio reaches the command, and its
	# cwd is inside. An fd the caller holds on a host file is not there.
	att -- sleep 30 7< /etc/hostname 8> "$T/host-file" > /dev/null 2>&1 &
	local bg=$! p links=""
	for _ in $(seq 50); do
		p=$(att -- pidof sleep) && [ -n "$p" ] && break
	done
	links=$(att -- sh -c "ls -l /proc/$p/fd/ /proc/$p/cwd" 2>&1)
	kill "$bg" 2> /dev/null || true
	wait "$bg" 2> /dev/null || true
	assert_not_contains "$links" "$T" "fds and cwd of the attached command"
	assert_not_contains "$links" "/etc/hostname -> /etc/hostname" "fds"
	assert_eq "$(att -- ls /proc/self/fd | xargs)" "0 1 2 3" "fds of an attached ls"
}

test_set_the_host_clock() {
	running || return 0
	# The bounding set: sys_time dropped (EPERM).
	expect_blocked "settimeofday" "$(probe settimeofday)" EPERM
	expect_blocked "clock_settime" "$(probe clock_settime)" EPERM
}

test_reboot_stops_only_the_container() {
	running || return 0
	# The pid namespace: reboot(2) there ends the container's init, not
	# the machine (the probe never returns: init is killed).
	local boot; boot=$(cat /proc/sys/kernel/random/boot_id)
	probe reboot power-off > /dev/null 2>&1 || true
	lxc_wait -P "$(P)" -n $N -s STOPPED -t 30 || fail "the container did not stop"
	assert_eq "$(cat /proc/sys/kernel/random/boot_id)" "$boot" "the host's boot id"
}

test_keyctl_reads_no_host_keyring() {
	running || return 0
	# Keyrings are per user, and root in the container is the host's root
	# user: seccomp answers keyctl, add_key and request_key with ENOSYS.
	expect_blocked "keyctl" "$(probe keyctl-user-keyring)" ENOSYS
}

test_bpf_and_perf_event_open() {
	running || return 0
	# seccomp: bpf and perf_event_open errno 1 (tracing the host's kernel).
	expect_blocked "bpf" "$(probe bpf)" EPERM
	expect_blocked "perf_event_open" "$(probe perf_event_open)" EPERM
}

test_lxc_checkconfig_reports_enforcement() {
	need_root || return 0
	local out; out=$(lxc_checkconfig --no-color)
	assert_contains "$out" "Seccomp:"
	assert_contains "$out" "AppArmor:"
	assert_contains "$out" "Block device mounts:"
}

run_tests
