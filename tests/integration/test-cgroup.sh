#!/usr/bin/env bash
# Container cgroups on a cgroup v1 (legacy or hybrid) host: placement, the
# lxc.cgroup.* limits seen from inside and outside, lxc-cgroup, and that no
# cgroup is left after each kind of stop. (A pure cgroup2 host is covered by
# the VM lane.)
#
# Every container's cgroups go below this test's own cgroup, in a directory
# of its own per test (lxc.cgroup.relative = 1 and lxc.cgroup.dir), so the
# test touches no cgroup it did not make and tests running side by side do
# not meet.
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-cg
lxc_cgroup() { "$LXCMGR_BUILD/tools/lxc-cgroup" "$@"; }

# Skips unless the host has v1 controllers; use: need_v1 || return 0
need_v1() {
	need_root || return 1
	grep -q ' - cgroup cgroup ' /proc/self/mountinfo && return 0
	skip "no cgroup v1 hierarchies here (the cgroup2 lane covers this host kind)"
	return 1
}
# Skips unless the host has the v1 hierarchy H; use: need_hierarchy H || return 0
need_hierarchy() {
	need_v1 || return 1
	hierarchies | grep -qx "$1" || { skip "no $1 hierarchy"; return 1; }
}

# allowlist_then_deny RULE: the shipped device allowlist, then RULE denied:
# in config order, so the deny after the allows wins.
allowlist_then_deny() {
	printf 'lxc.include = %s\nlxc.cgroup.devices.deny = %s\n' \
		"$top_srcdir/config/common.conf" "$1" >> "$(P)/$N/config"
}

base() { echo "lxcmgr-test-${T##*.}"; }

# Our own cgroup's directory in the hierarchy mounted at /sys/fs/cgroup/$1.
self_dir() {
	local key=$1 line
	[ "$key" = systemd ] && key=name=systemd
	[ "$key" = unified ] && key=
	line=$(grep -E "^[0-9]+:$key:" /proc/self/cgroup | head -n 1)
	echo "/sys/fs/cgroup/$1${line#*:*:}" | sed 's|/$||'
}

# Every hierarchy mounted below /sys/fs/cgroup that we can place cgroups in.
hierarchies() {
	local h
	for h in /sys/fs/cgroup/*/; do
		h=${h%/}; h=${h##*/}
		grep -q " /sys/fs/cgroup/$h .* - cgroup2\? " /proc/self/mountinfo && echo "$h"
	done
}

# The directories of this test's cgroups that still exist, one per line.
leftovers() {
	local h
	for h in $(hierarchies); do
		[ -e "$(self_dir "$h")/$(base)" ] && echo "$(self_dir "$h")/$(base)"
	done
	return 0
}

payload() { echo "$(self_dir "$1")/$(base)/lxcmgr.payload.$N"; }

create() {
	lxc_create -P "$(P)" -n "$N" -t busybox > /dev/null
	printf 'lxc.cgroup.relative = 1\nlxc.cgroup.dir = %s\n' "$(base)" >> "$(P)/$N/config"
}

# A process that runs (a zombie waiting for a reaper that is not ours does
# not count).
alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2> /dev/null)" != Z ]; }

init_pid() { lxc_info -P "$(P)" -n $N -p | awk '{print $2}'; }

# kill_monitor: SIGKILL to the running container's monitor, until it is
# gone; sets the caller's pid (init's) and monitor.
kill_monitor() {
	pid=$(init_pid)
	monitor=$(awk '{print $4}' "/proc/$pid/stat")
	kill -KILL "$monitor"
	while alive "$monitor"; do sleep 0.05; done
}

# Starts the container with a shell script as init, and waits until it has
# written its last line ("END") to /res in the rootfs; prints /res.
run_script() {
	rm -f "$(P)/$N/rootfs/res"
	lxc_start -P "$(P)" -n $N -- /bin/sh -c "$1; echo END >> /res; exec sleep 1000"
	cat_when_done "$(P)/$N/rootfs/res"
}

assert_no_leftovers() {
	assert_eq "$(leftovers)" "" "cgroups left after $1"
	assert_eq "$(ls "$T/run/c/"*.cgroup 2> /dev/null)" "" "cgroup record left after $1"
}

test_init_and_monitor_are_in_their_cgroups_in_every_hierarchy() {
	need_v1 || return 0
	create
	lxc_start -P "$(P)" -n $N
	local pid monitor h n=0
	# The monitor answers (lxc-info -p) once it is in its cgroups.
	pid=$(init_pid)
	monitor=$(awk '{print $4}' "/proc/$pid/stat")
	for h in $(hierarchies); do
		n=$((n + 1))
		grep -qx "$pid" "$(payload "$h")/cgroup.procs" ||
			fail "init ($pid) is not in $(payload "$h")"
		grep -qx "$monitor" "$(self_dir "$h")/$(base)/lxcmgr.monitor.$N/cgroup.procs" ||
			fail "the monitor ($monitor) is not in its cgroup in $h"
	done
	[ "$n" -ge 2 ] || fail "found only $n hierarchies"
	# init's cgroup namespace starts at its payload cgroup.
	assert_eq "$(nsenter --target "$pid" --mount --pid --cgroup cat /proc/1/cgroup | grep -c -v ':/$')" 0 \
		"lines of init's /proc/1/cgroup other than / inside"
	lxc_stop -P "$(P)" -n $N -t 20
	assert_no_leftovers "a clean stop"
}

test_memory_limit_kills_an_allocation_that_passes_it() {
	need_hierarchy memory || return 0
	create
	echo 'lxc.cgroup.memory.limit_in_bytes = 32M' >> "$(P)/$N/config"
	# Without swap accounting a limit could be met by swapping.
	[ -e "$(self_dir memory)/memory.memsw.limit_in_bytes" ] &&
		echo 'lxc.cgroup.memory.memsw.limit_in_bytes = 32M' >> "$(P)/$N/config"
	local res
	res=$(run_script 'head -c 8388608 /dev/zero > /dev/shm/small; echo small=$? > /res
		rm -f /dev/shm/small; cat /dev/zero | tail; echo big=$? >> /res')
	assert_contains "$res" "small=0" "8 MiB under a 32 MiB limit"
	assert_contains "$res" "big=137" "an unbounded allocation (killed by SIGKILL)"
	assert_eq "$(lxc_cgroup -P "$(P)" -n $N memory.limit_in_bytes)" 33554432 "lxc-cgroup memory.limit_in_bytes"
	local oom; oom=$(awk '/^oom_kill / {print $2}' "$(payload memory)/memory.oom_control")
	[ "${oom:-0}" -ge 1 ] || fail "memory.oom_control counts no OOM kill: $(cat "$(payload memory)/memory.oom_control")"
	lxc_stop -P "$(P)" -n $N -k
	assert_no_leftovers "lxc-stop -k"
}

test_pids_max_stops_a_fork_loop() {
	need_hierarchy pids || return 0
	create
	echo 'lxc.cgroup.pids.max = 10' >> "$(P)/$N/config"
	local res
	res=$(run_script '( i=0; while [ $i -lt 50 ]; do sleep 1000 & i=$((i + 1)); done ) 2> /dev/null
		echo loop=$? > /res')
	assert_contains "$res" "loop=" "the fork loop ended"
	assert_not_contains "$res" "loop=0" "the fork loop's status"
	local current; current=$(cat "$(payload pids)/pids.current")
	[ "$current" -le 10 ] || fail "pids.current is $current, over pids.max 10"
	assert_contains "$(cat "$(payload pids)/pids.events")" "max " "pids.events"
	[ "$(awk '{print $2}' "$(payload pids)/pids.events")" -ge 1 ] || fail "no fork was refused: $(cat "$(payload pids)/pids.events")"
	lxc_stop -P "$(P)" -n $N -k
	assert_no_leftovers "lxc-stop -k"
}

test_cpuset_pins_and_lxc_cgroup_moves_the_container() {
	need_hierarchy cpuset || return 0
	create
	echo 'lxc.cgroup.cpuset.cpus = 0' >> "$(P)/$N/config"
	lxc_start -P "$(P)" -n $N
	local pid; pid=$(init_pid)
	assert_eq "$(awk '/^Cpus_allowed_list/ {print $2}' "/proc/$pid/status")" 0 "init's CPUs"
	assert_eq "$(lxc_cgroup -P "$(P)" -n $N cpuset.cpus)" 0 "lxc-cgroup cpuset.cpus"
	if [ "$(nproc)" -ge 2 ]; then
		lxc_cgroup -P "$(P)" -n $N cpuset.cpus 1
		assert_eq "$(awk '/^Cpus_allowed_list/ {print $2}' "/proc/$pid/status")" 1 "init's CPUs after lxc-cgroup"
		assert_eq "$(lxc_cgroup -P "$(P)" -n $N cpuset.cpus)" 1 "lxc-cgroup cpuset.cpus after the set"
	fi
	lxc_stop -P "$(P)" -n $N -k
}

test_a_denied_device_cannot_be_opened() {
	need_hierarchy devices || return 0
	create
	# One device taken away again after the allows.
	allowlist_then_deny 'c 1:9 rwm'
	local res
	res=$(run_script 'head -c 1 /dev/zero > /dev/null; echo zero=$? > /res
		head -c 1 /dev/urandom > /dev/null; echo urandom=$? >> /res
		mknod /tmp/sda b 8 0 && head -c 1 /tmp/sda > /dev/null; echo sda=$? >> /res')
	assert_contains "$res" "zero=0" "/dev/zero (allowed)"
	assert_contains "$res" "urandom=1" "/dev/urandom (denied after the allows)"
	assert_contains "$res" "sda=1" "a block device (denied by deny a)"
	local list; list=$(cat "$(payload devices)/devices.list")
	assert_not_contains "$list" "a *:* rwm" "devices.list"
	assert_contains "$list" "c 1:5 rwm" "devices.list"
	assert_not_contains "$list" "c 1:9 rwm" "devices.list"
	lxc_stop -P "$(P)" -n $N -k
}

# lxc-cgroup devices.allow/deny while it runs: written to the v1 files (on
# cgroup2 a new BPF program replaces the attached one: tests/vm/guest.sh).
test_lxc_cgroup_changes_device_rules_while_it_runs() {
	need_hierarchy devices || return 0
	create
	allowlist_then_deny 'c 1:9 rwm'
	local r="$(P)/$N/rootfs"
	rm -f "$r"/go* "$r"/res*
	lxc_start -P "$(P)" -n $N -- /bin/sh -c 'n=0; while :; do
		while [ ! -e /go$n ]; do sleep 0.1; done
		{ head -c 1 /dev/urandom > /tmp/u; echo urandom=$?; echo x > /dev/null; echo null=$?
		} > /res.tmp; mv /res.tmp /res$n; n=$((n + 1)); done'
	probe() { # N: what init saw at its Nth look
		touch "$r/go$1"
		for _ in $(seq 600); do [ -e "$r/res$1" ] && break; sleep 0.1; done
		echo $(cat "$r/res$1" 2> /dev/null)
	}
	assert_eq "$(probe 0)" "urandom=1 null=0" "before"
	lxc_cgroup -P "$(P)" -n $N devices.allow 'c 1:9 rwm' || fail "lxc-cgroup devices.allow"
	assert_eq "$(probe 1)" "urandom=0 null=0" "after devices.allow c 1:9 rwm"
	lxc_cgroup -P "$(P)" -n $N devices.deny 'c 1:3 w' || fail "lxc-cgroup devices.deny"
	assert_eq "$(probe 2)" "urandom=0 null=1" "after devices.deny c 1:3 w"
	assert_fails lxc_cgroup -P "$(P)" -n $N devices.allow 'c 1:3 rwx'
	assert_contains "$err" "devices.allow" "a bad rule's error"
	assert_eq "$(probe 3)" "urandom=0 null=1" "after a bad rule"
	lxc_stop -P "$(P)" -n $N -k
}

test_lxc_cgroup_gets_sets_and_names_errors() {
	need_v1 || return 0
	create
	assert_fails lxc_cgroup -P "$(P)" -n $N pids.max
	assert_contains "$err" "is not running" "lxc-cgroup on a stopped container"
	echo 'lxc.cgroup.pids.max = 100' >> "$(P)/$N/config"
	lxc_start -P "$(P)" -n $N
	assert_eq "$(lxc_cgroup -P "$(P)" -n $N pids.max)" 100 "pids.max"
	lxc_cgroup -P "$(P)" -n $N pids.max 42
	assert_eq "$(cat "$(payload pids)/pids.max")" 42 "pids.max in the cgroup after lxc-cgroup"
	assert_fails lxc_cgroup -P "$(P)" -n $N pids.max lots
	assert_contains "$err" "Invalid argument" "a value the kernel refuses"
	assert_contains "$err" "$(payload pids)/pids.max" "the file in the error"
	assert_fails lxc_cgroup -P "$(P)" -n $N nosuch.file
	assert_contains "$err" "nosuch.file" "an unknown controller"
	assert_fails lxc_cgroup -P "$(P)" -n $N ../pids.max
	assert_contains "$err" "not a cgroup file name" "a path"
	lxc_stop -P "$(P)" -n $N -k
}

test_a_bad_setting_names_key_line_file_and_errno_and_leaves_nothing() {
	need_v1 || return 0
	create
	echo 'lxc.cgroup.pids.max = lots' >> "$(P)/$N/config"
	local line; line=$(grep -n 'pids.max = lots' "$(P)/$N/config" | cut -d: -f1)
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "lxc.cgroup.pids.max = lots ($(P)/$N/config:$line)" "key and line"
	assert_contains "$err" "/lxcmgr.payload.$N/pids.max" "the cgroup file"
	assert_contains "$err" "Invalid argument" "the errno text"
	assert_no_leftovers "a start refused by a setting"
}

test_a_cgroup2_key_on_a_v1_controller_is_refused_clearly() {
	need_v1 || return 0
	grep -qw memory "$(self_dir unified)/cgroup.controllers" 2> /dev/null && { skip "memory is a cgroup2 controller here"; return 0; }
	create
	echo 'lxc.cgroup2.memory.max = 64M' >> "$(P)/$N/config"
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "lxc.cgroup2.memory.max = 64M (" "key"
	assert_contains "$err" "cgroup v1 controller here" "why"
	assert_no_leftovers "a refused start"
}

test_a_controller_of_the_cgroup2_hierarchy_is_refused_clearly() {
	need_v1 || return 0
	local ctrl
	ctrl=$(cat "$(self_dir unified)/cgroup.controllers" 2> /dev/null | awk '{print $1}')
	[ -n "$ctrl" ] || { skip "the cgroup2 hierarchy has no controller here"; return 0; }
	grep -qw "$ctrl" "$(self_dir unified)/cgroup.subtree_control" && { skip "$ctrl is enabled below us"; return 0; }
	create
	echo "lxc.cgroup.$ctrl.x = 1" >> "$(P)/$N/config"
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "lxc.cgroup.$ctrl.x = 1 (" "key"
	assert_contains "$err" "bound to this host's cgroup2 hierarchy and not enabled" "why"
	assert_no_leftovers "a refused start"
}

test_a_start_that_fails_after_the_cgroups_leaves_none() {
	need_v1 || return 0
	create
	assert_fails lxc_start -P "$(P)" -n $N -- /no/such/init
	assert_contains "$err" "/no/such/init" "the failure"
	assert_no_leftovers "a failed exec of init"
}

test_a_killed_monitor_leaves_nothing_after_lxc_stop_k() {
	need_v1 || return 0
	create
	lxc_start -P "$(P)" -n $N
	local pid monitor
	kill_monitor
	[ -n "$(leftovers)" ] || fail "the cgroups went with the monitor already"
	lxc_stop -P "$(P)" -n $N -k
	alive "$pid" && fail "init survived lxc-stop -k"
	assert_no_leftovers "a killed monitor and lxc-stop -k"
}

# kill_run: kills the monitor, then init, as a crash of both would; the
# record of the cgroups stays.
kill_run() {
	kill_monitor
	kill -KILL "$pid"
	while alive "$pid"; do sleep 0.05; done
	[ -n "$(ls "$T/run/c/"*.cgroup 2> /dev/null)" ] || fail "no cgroup record after the kill"
}

# A run whose cgroups outlived it (killed, or still in use when its monitor
# gave up waiting for them to empty) leaves their record: the next lxc-stop
# or lxc-start removes them, and the start gets the container's own names.
test_the_next_stop_or_start_removes_what_a_dead_run_left() {
	need_v1 || return 0
	create
	lxc_start -P "$(P)" -n $N
	local pid monitor
	kill_run
	assert_fails lxc_stop -P "$(P)" -n $N
	assert_contains "$err" "is not running"
	assert_no_leftovers "lxc-stop after its monitor and init were killed"
	lxc_start -P "$(P)" -n $N
	kill_run
	lxc_start -P "$(P)" -n $N
	if [ -d /sys/fs/cgroup/pids ]; then
		[ -d "$(payload pids)" ] || fail "the new run is not in \"$(payload pids)\""
		[ ! -e "$(payload pids)-1" ] || fail "the new run took \"$(payload pids)-1\": the old cgroup was left"
	fi
	lxc_stop -P "$(P)" -n $N -k
	assert_no_leftovers "a start after a killed run, then lxc-stop -k"
}

# A cgroup that stays in use (here: a process of the test's in the monitor's
# cgroup) does not hold the stop for ever: the monitor gives up waiting for
# it to empty, says so in one line, keeps the record, and the next start
# removes the cgroups once they are free.
test_cgroups_still_in_use_at_the_stop_are_left_to_the_next_start() {
	need_v1 || return 0
	[ -d /sys/fs/cgroup/pids ] || { skip "no pids hierarchy"; return 0; }
	create
	lxc_start -P "$(P)" -n $N -o "$T/start.log" -l WARN
	sleep 1000 &
	local squatter=$!
	at_cleanup kill -KILL "$squatter"
	echo "$squatter" > "$(self_dir pids)/$(base)/lxcmgr.monitor.$N/cgroup.procs"
	lxc_stop -P "$(P)" -n $N -k
	assert_contains "$(cat "$T/start.log")" "lxcmgr.monitor.$N\": still in use after"
	assert_contains "$(cat "$T/start.log")" "for the next lxc-start, lxc-stop or lxc-destroy to remove"
	[ -n "$(ls "$T/run/c/"*.cgroup 2> /dev/null)" ] || fail "the record went without the cgroups"
	kill -KILL "$squatter"
	wait "$squatter" 2> /dev/null || true
	lxc_start -P "$(P)" -n $N
	[ ! -e "$(payload pids)-1" ] || fail "the new run took \"$(payload pids)-1\": the old cgroup was left"
	lxc_stop -P "$(P)" -n $N -k
	assert_no_leftovers "a stop that left its cgroups, then a start and lxc-stop -k"
}

test_a_killed_monitor_leaves_nothing_after_lxc_destroy_f() {
	need_v1 || return 0
	create
	echo 'lxc.cgroup.pids.max = 20' >> "$(P)/$N/config"
	lxc_start -P "$(P)" -n $N
	local pid monitor
	kill_monitor
	lxc_destroy -P "$(P)" -n $N -f
	alive "$pid" && fail "init survived lxc-destroy -f"
	[ -d "$(P)/$N" ] && fail "the container is still there"
	assert_no_leftovers "a killed monitor and lxc-destroy -f"
}

test_two_containers_share_the_base_and_leave_nothing() {
	need_v1 || return 0
	create
	lxc_create -P "$(P)" -n "$N-2" -t busybox > /dev/null
	printf 'lxc.cgroup.relative = 1\nlxc.cgroup.dir = %s\n' "$(base)" >> "$(P)/$N-2/config"
	lxc_start -P "$(P)" -n $N
	lxc_start -P "$(P)" -n "$N-2"
	lxc_stop -P "$(P)" -n $N -k
	[ -d "$(self_dir pids)/$(base)/lxcmgr.payload.$N-2" ] || fail "the second container lost its cgroup"
	lxc_stop -P "$(P)" -n "$N-2" -k
	# The base was made by the first container, and it could not remove
	# it while the second one used it: it stays, empty (see lxc-cgroup(1)).
	local d
	for d in $(leftovers); do
		assert_eq "$(find "$d" -mindepth 1 -type d)" "" "cgroups below $d"
		rmdir "$d"
	done
	assert_no_leftovers "two stops and the removal of the base"
}

test_a_reboot_keeps_the_cgroups_and_their_limits() {
	need_v1 || return 0
	create
	echo 'lxc.cgroup.pids.max = 30' >> "$(P)/$N/config"
	lxc_start -P "$(P)" -n $N
	local pid; pid=$(init_pid)
	lxc_cgroup -P "$(P)" -n $N pids.max 31
	lxc_stop -P "$(P)" -n $N -r -t 10
	# lxc-stop -r returns once the new init runs: its pid differs at once.
	local new; new=$(init_pid) || new=
	[ -n "$new" ] && [ "$new" != "$pid" ] || { fail "no new init after lxc-stop -r"; return 1; }
	grep -qx "$new" "$(payload pids)/cgroup.procs" || fail "the new init ($new) is not in the payload cgroup"
	assert_eq "$(lxc_cgroup -P "$(P)" -n $N pids.max)" 31 "pids.max set before the reboot"
	lxc_stop -P "$(P)" -n $N -k
	assert_no_leftovers "a reboot and lxc-stop -k"
}

test_a_taken_name_gets_a_suffix() {
	need_v1 || return 0
	create
	# The same name in another lxcpath, with the same cgroup base.
	mkdir -p "$T/other"
	lxc_create -P "$T/other" -n $N -t busybox > /dev/null
	printf 'lxc.cgroup.relative = 1\nlxc.cgroup.dir = %s\nlxc.cgroup.pids.max = 33\n' "$(base)" >> "$T/other/$N/config"
	lxc_start -P "$(P)" -n $N
	lxc_start -P "$T/other" -n $N
	local pid; pid=$(lxc_info -P "$T/other" -n $N -p | awk '{print $2}')
	grep -qx "$pid" "$(payload pids)-1/cgroup.procs" || fail "the second one is not in lxcmgr.payload.$N-1"
	assert_eq "$(lxc_cgroup -P "$T/other" -n $N pids.max)" 33 "the second one's pids.max"
	assert_eq "$(lxc_cgroup -P "$(P)" -n $N pids.max)" max "the first one's pids.max"
	lxc_stop -P "$T/other" -n $N -k
	lxc_stop -P "$(P)" -n $N -k
	assert_no_leftovers "both stops"
}

test_a_denied_device_cannot_be_created() {
	need_hierarchy devices || return 0
	create
	# The shipped allowlist lets any node be made (c *:* m, b *:* m); take
	# that away for block devices.
	allowlist_then_deny 'b *:* m'
	local res
	res=$(run_script 'mknod /tmp/sda b 8 0 2>> /res; echo sda=$? >> /res
		mknod /tmp/null c 1 3; echo null=$? >> /res')
	assert_contains "$res" "sda=1" "mknod of a block device"
	assert_contains "$res" "Operation not permitted" "the error inside"
	assert_contains "$res" "null=0" "mknod of a char device (c *:* m)"
	lxc_stop -P "$(P)" -n $N -k
}

# Limits lowered with lxc-cgroup on a running container hold inside: init
# waits for /go, then allocates and forks.
test_limits_set_with_lxc_cgroup_take_effect() {
	need_hierarchy pids || return 0
	need_hierarchy memory || return 0
	create
	local root="$(P)/$N/rootfs" i
	rm -f "$root/go" "$root/res"
	lxc_start -P "$(P)" -n $N -- /bin/sh -c 'while [ ! -e /go ]; do sleep 0.1; done
		cat /dev/zero | tail; echo big=$? > /res
		( i=0; while [ $i -lt 20 ]; do sleep 1000 & i=$((i + 1)); done ) 2> /dev/null
		echo loop=$? >> /res; echo END >> /res
		exec sleep 1000'
	lxc_cgroup -P "$(P)" -n $N pids.max 5
	lxc_cgroup -P "$(P)" -n $N memory.limit_in_bytes 32M
	[ -e "$(payload memory)/memory.memsw.limit_in_bytes" ] &&
		lxc_cgroup -P "$(P)" -n $N memory.memsw.limit_in_bytes 32M
	touch "$root/go"
	local res; res=$(cat_when_done "$root/res")
	assert_contains "$res" "loop=" "the fork loop ended"
	assert_not_contains "$res" "loop=0" "the fork loop under pids.max 5"
	assert_contains "$res" "big=137" "an unbounded allocation under 32M (killed)"
	[ "$(cat "$(payload pids)/pids.current")" -le 5 ] || fail "pids.current over 5: $(cat "$(payload pids)/pids.current")"
	lxc_stop -P "$(P)" -n $N -k
	assert_no_leftovers "lxc-stop -k"
}

run_tests
