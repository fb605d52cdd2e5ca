#!/usr/bin/env bash
# Containers with lxc.idmap, started by root: a user namespace whose root is
# a host uid of its own. Checked from inside (lxc-attach) and from the host:
# the maps, who owns what a container makes, what its root cannot do, the
# two ways to give it its rootfs (shifted at create, or an idmapped mount
# with idmap=container), and that a stop leaves nothing behind.
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-userns
R() { echo "$T/lxcpath/$N/rootfs"; }
att() { lxc_attach -P "$(P)" -n $N "$@" < /dev/null; }
init_pid() { lxc_info -P "$(P)" -n $N -p | awk '{print $2}'; }

# Host ids no one else uses: above 1,000,000, from this test's pid.
BASE=$(( 1000000 + ($$ % 4000) * 65536 ))

# The container's root must reach its rootfs; $T is mktemp's 0700.
reachable() { chmod 755 "$T"; }

# config FILE: what lxc-create -f gets (the test's default.conf and the map).
map_config() {
	grep -v '^#' "$T/etc/default.conf" > "$T/idmap.conf"
	printf 'lxc.idmap = u 0 %d 65536\nlxc.idmap = g 0 %d 65536\n' $BASE $BASE >> "$T/idmap.conf"
}

# A busybox container whose files lxc-create shifted through lxc.idmap.
shifted() {
	need_root || return 1
	reachable
	map_config
	lxc_create -P "$(P)" -n $N -t busybox -f "$T/idmap.conf" > /dev/null
}

# A busybox container made without a map, given one afterwards.
unshifted() {
	need_root || return 1
	reachable
	lxc_create -P "$(P)" -n $N -t busybox > /dev/null
	printf 'lxc.idmap = b 0 %d 65536\n' $BASE >> "$(P)/$N/config"
}

# Everything the start made is gone: init, mounts, sockets, cgroups.
check_nothing_left() {
	local pid=$1
	kill -0 "$pid" 2> /dev/null && fail "init (pid $pid) still alive after lxc-stop"
	assert_eq "$(grep -c "$(P)/$N" /proc/self/mountinfo)" 0 "mounts left on the host"
	assert_eq "$(ls -A "$T/run/c" 2> /dev/null)" "" "sockets and records left"
	# Only below this test's own cgroup directory: a run of this file
	# elsewhere (another checkout) has containers of the same name.
	local left; left=$(find /sys/fs/cgroup -type d -path "*/$(_test_cgroup_dir)/*" 2> /dev/null | head -n 3)
	assert_eq "$left" "" "cgroups left"
}

test_shifted_container_runs_as_its_mapped_root() {
	shifted || return 0
	assert_eq "$(stat -c %u "$(R)")" $BASE "lxc-create shifted the rootfs"
	lxc_start -P "$(P)" -n $N
	local pid; pid=$(init_pid)
	# From inside: the map, and root.
	assert_eq "$(att -- cat /proc/self/uid_map | xargs)" "0 $BASE 65536" "uid_map inside"
	assert_eq "$(att -- cat /proc/self/gid_map | xargs)" "0 $BASE 65536" "gid_map inside"
	assert_eq "$(att -- id -u)" 0 "id -u inside"
	assert_eq "$(att -- id -g)" 0 "id -g inside"
	# From the host: init and its files belong to the mapped uid.
	assert_eq "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" $BASE "init's uid on the host"
	att -- touch /root/made-inside
	assert_eq "$(stat -c %u:%g "$(R)/root/made-inside")" "$BASE:$BASE" "owner on the host"
	# No device nodes: mknod needs CAP_MKNOD on the host.
	att -- mknod /tmp/null c 1 3 2> /dev/null && fail "mknod worked inside"
	# autodev bound the host's nodes (userns.conf not included) and the
	# console and ttys are the container root's, so its gettys run.
	att -- sh -c 'echo x > /dev/null' || fail "/dev/null is not usable inside"
	assert_eq "$(att -- stat -c %u /dev/console /dev/tty1 | xargs)" "0 0" "console and tty1 owners inside"
	assert_contains "$(att -- ps)" "getty -L 38400 tty1" "getty on tty1"
	# Its cgroup is its own: a child cgroup can be made inside.
	local cg; cg=$(att -- sh -c 'for d in /sys/fs/cgroup/pids /sys/fs/cgroup/memory /sys/fs/cgroup/unified; do [ -w $d/cgroup.procs ] && echo $d && break; done')
	[ -n "$cg" ] || fail "no cgroup.procs the container's root may write"
	[ -z "$cg" ] || att -- mkdir "$cg/inner" || fail "mkdir $cg/inner inside"
	lxc_stop -P "$(P)" -n $N -t 20
	assert_contains "$(lxc_info -P "$(P)" -n $N -s)" "STOPPED"
	check_nothing_left "$pid"
}

test_masks_are_locked() {
	shifted || return 0
	lxc_start -P "$(P)" -n $N
	# The container keeps a copy of its mount namespace made across user
	# namespaces: every mount is locked. Root inside cannot take a mask
	# off alone (EINVAL), nor make a read-only one writable (EPERM).
	local m out
	for m in /proc/sys /proc/kmsg /sys/firmware /sys /proc; do
		att -- test -e $m || continue
		out=$(att -- umount $m 2>&1) && fail "umount $m worked inside"
		assert_contains "$out" "Invalid argument" "umount $m"
		out=$(att -- umount -l $m 2>&1) && fail "umount -l $m worked inside"
	done
	out=$(att -- mount -o remount,bind,rw /proc/sys 2>&1) && fail "/proc/sys remounted rw"
	assert_contains "$(att -- grep ' /proc/sys ' /proc/self/mountinfo)" " ro," "/proc/sys is still read-only"
	# And what is under them belongs to host root, whom a user namespace
	# may not write for.
	out=$(att -- sh -c 'echo 0 > /proc/sys/kernel/panic' 2>&1) && fail "/proc/sys/kernel/panic written"
	# New mounts on top stay possible (systemd makes some).
	att -- mount -t tmpfs -o nodev none /mnt || fail "a tmpfs on /mnt inside"
	att -- umount /mnt || fail "umount of the container's own tmpfs"
	lxc_stop -P "$(P)" -n $N -k
}

test_unshifted_rootfs_is_refused_with_the_fix() {
	unshifted || return 0
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "is owned by host uid 0, not by the container's root (host uid $BASE)"
	assert_contains "$err" "lxc.rootfs.options = idmap=container"
	assert_contains "$err" "lxc-create"
	assert_eq "$(echo "$err" | wc -l)" 1 "one line"
}

test_idmapped_rootfs_on_an_unshifted_container() {
	unshifted || return 0
	echo "lxc.rootfs.options = idmap=container" >> "$(P)/$N/config"
	lxc_start -P "$(P)" -n $N
	local pid; pid=$(init_pid)
	assert_eq "$(att -- id -u)" 0 "id -u inside"
	assert_eq "$(att -- stat -c %u /bin/busybox)" 0 "busybox's owner inside"
	att -- touch /root/made-inside
	# Through the idmapped mount the container's root writes host uid 0.
	assert_eq "$(stat -c %u "$(R)/root/made-inside")" 0 "owner on the host"
	assert_eq "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" $BASE "init's uid on the host"
	assert_eq "$(stat -c %u "$(R)")" 0 "the rootfs stays unshifted"
	# A reboot makes a new user namespace, maps and idmapped mount.
	lxc_stop -P "$(P)" -n $N -r -t 20
	lxc_wait -P "$(P)" -n $N -s RUNNING -t 30
	local again; again=$(init_pid)
	[ -n "$again" ] && [ "$again" != "$pid" ] || fail "no new init after the reboot ($pid, $again)"
	assert_eq "$(att -- stat -c %u /bin/busybox)" 0 "busybox's owner inside after the reboot"
	lxc_stop -P "$(P)" -n $N -k
	check_nothing_left "$again"
}

test_idmapped_mount_entry() {
	unshifted || return 0
	echo "lxc.rootfs.options = idmap=container" >> "$(P)/$N/config"
	mkdir -m 755 "$T/shared"
	echo host > "$T/shared/file"
	echo "lxc.mount.entry = $T/shared mnt/shared none bind,idmap=container,create=dir 0 0" >> "$(P)/$N/config"
	lxc_start -P "$(P)" -n $N
	assert_eq "$(att -- stat -c %u /mnt/shared/file)" 0 "owner inside"
	att -- sh -c 'echo inside >> /mnt/shared/file' || fail "the container's root cannot write its idmapped bind"
	assert_eq "$(tail -n 1 "$T/shared/file")" inside "written through the bind"
	assert_eq "$(stat -c %u "$T/shared/file")" 0 "owner on the host"
	lxc_stop -P "$(P)" -n $N -k
}

test_file_system_without_idmapped_mounts_is_named() {
	unshifted || return 0
	echo "lxc.rootfs.options = idmap=container" >> "$(P)/$N/config"
	# sysfs has no idmapped mounts.
	echo "lxc.mount.entry = /sys/kernel mnt/k none bind,idmap=container,create=dir 0 0" >> "$(P)/$N/config"
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "idmapped mount of \"/sys/kernel\" (lxc.mount.entry, $(P)/$N/config:"
	assert_contains "$err" "file system sysfs"
	assert_contains "$err" "does not support idmapped mounts"
	assert_contains "$(lxc_info -P "$(P)" -n $N -s)" "STOPPED"
}

test_unreachable_rootfs_says_which_directory() {
	need_root || return 0
	map_config
	lxc_create -P "$(P)" -n $N -t busybox -f "$T/idmap.conf" > /dev/null
	chmod 700 "$T"
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "the container's root (host uid $BASE) cannot reach the rootfs: \"$T\" is mode 0700"
	assert_contains "$err" "chmod o+x \"$T\""
}

test_namespace_keys_with_a_map() {
	shifted || return 0
	echo "lxc.namespace.keep = user" >> "$(P)/$N/config"
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "lxc.namespace.keep = user"
	assert_contains "$err" "remove user"
}

test_console_login_in_a_user_namespace() {
	shifted || return 0
	command -v tmux > /dev/null || { skip "no tmux"; return 0; }
	lxc_start -P "$(P)" -n $N
	TM() { tmux -S "$T/tmux.sock" "$@"; }
	trap 'TM kill-server 2> /dev/null || true' EXIT
	TM new-session -d -s userns -x 100 -y 30 "env LXCMGR_CONFIG_PATH='$LXCMGR_CONFIG_PATH' \
		LXCMGR_RUNTIME_PATH='$LXCMGR_RUNTIME_PATH' '$LXCMGR_BUILD/tools/lxc-console' \
		-P '$(P)' -n $N -t 1; sleep 600"
	local i seen=""
	for i in $(seq 400); do
		TM capture-pane -p -t userns | grep -q "$N login:" && { seen=1; break; }
		TM send-keys -t userns Enter
		sleep 0.05
	done
	[ -n "$seen" ] || { fail "no login prompt on tty1: $(TM capture-pane -p -t userns)"; return 1; }
	TM send-keys -t userns root Enter
	TM send-keys -t userns 'echo uid-$(id -u)-$(cat /proc/self/uid_map | tr -s " " | cut -d" " -f3)' Enter
	seen=""
	for i in $(seq 400); do
		TM capture-pane -p -t userns | grep -q "uid-0-$BASE" && { seen=1; break; }
		sleep 0.05
	done
	[ -n "$seen" ] || fail "no root shell in the user namespace on tty1: $(TM capture-pane -p -t userns)"
	TM kill-server 2> /dev/null || true
	lxc_stop -P "$(P)" -n $N -k
}

run_tests
