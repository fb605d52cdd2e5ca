#!/usr/bin/env bash
# Shared namespaces (lxc.namespace.share.*, lxc-start --share-*), time
# namespaces (lxc.time.offset.*), and init's process settings (lxc.prlimit.*,
# lxc.sysctl.*, lxc.proc.*) on real busybox containers, checked from the
# host through /proc/PID of init and from inside with nsenter.
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }
A=lxcmgr-test-ns-a
B=lxcmgr-test-ns-b

create() { lxc_create -P "$(P)" -n "$1" -t busybox > /dev/null; }
init_pid() { lxc_info -P "$(P)" -n "$1" -p | awk '{print $2}'; }
ns() { readlink "/proc/$1/ns/$2"; } # PID TYPE
inside() { # PID CMD...: run CMD in the container's namespaces
	local pid=$1; shift
	nsenter --target "$pid" --mount --uts --ipc --pid --net -- "$@"
}
# Adds LINE to NAME's config and prints its line number.
add() {
	echo "$2" >> "$(P)/$1/config"
	wc -l < "$(P)/$1/config"
}
# start_refused NAME LINE: LINE added to NAME's config, and lxc-start of
# NAME must fail; sets the caller's line (LINE's number) and err.
start_refused() {
	line=$(add "$1" "$2")
	assert_fails lxc_start -P "$(P)" -n "$1"
}

test_share_net_uts_ipc_with_a_running_container() {
	need_root || return 0
	create $A
	create $B
	add $B "lxc.namespace.share.net = $A" > /dev/null
	add $B "lxc.namespace.share.uts = $A" > /dev/null
	add $B "lxc.namespace.share.ipc = $A" > /dev/null
	lxc_start -P "$(P)" -n $A
	lxc_start -P "$(P)" -n $B
	local a b
	a=$(init_pid $A)
	b=$(init_pid $B)
	local t
	for t in net uts ipc; do
		assert_eq "$(ns "$b" $t)" "$(ns "$a" $t)" "$t namespace of $B"
	done
	for t in mnt pid; do
		[ "$(ns "$b" $t)" != "$(ns "$a" $t)" ] || fail "$t namespace is shared but was not asked to be"
	done
	[ "$(ns "$b" net)" != "$(ns $$ net)" ] || fail "$B has the host's network"
	assert_eq "$(inside "$b" hostname)" "$A" "host name in $B (the shared UTS namespace's)"
	# The host's ipcmk and ipcs, in the containers' IPC namespaces.
	nsenter --target "$a" --ipc ipcmk -M 4096 > /dev/null
	assert_eq "$(nsenter --target "$b" --ipc ipcs -m | grep -c 4096)" 1 \
		"a segment made in $A, seen from $B"
	lxc_stop -P "$(P)" -n $B -k
	kill -0 "$a" || fail "stopping $B stopped $A's init"
}

test_share_net_option_by_pid_and_pid_option_by_name() {
	need_root || return 0
	create $A
	create $B
	lxc_start -P "$(P)" -n $A
	local a b
	a=$(init_pid $A)
	lxc_start -P "$(P)" -n $B --share-net="$a" --share-pid=$A -- /bin/sleep 100000
	b=$(init_pid $B)
	assert_eq "$(ns "$b" net)" "$(ns "$a" net)" "network namespace from --share-net=PID"
	assert_eq "$(ns "$b" pid)" "$(ns "$a" pid)" "PID namespace from --share-pid=NAME"
	# In A's PID namespace B's init is just another process, not PID 1.
	local nspid
	nspid=$(awk '/^NSpid:/ {print $3}' "/proc/$b/status")
	[ -n "$nspid" ] && [ "$nspid" != 1 ] || fail "B's init inside A's PID namespace: '$nspid'"
	assert_contains "$(inside "$a" ps)" "sleep 100000" "A's processes"
	# The monitor is still init's parent (it reaps it).
	local monitor
	monitor=$(awk '/^PPid:/ {print $2}' "/proc/$b/status")
	assert_contains "$(cat "/proc/$monitor/comm")" "lxcmgr-" "parent of B's init"
	lxc_stop -P "$(P)" -n $B -k
	assert_contains "$(lxc_info -P "$(P)" -n $B -s)" "STOPPED"
}

test_share_by_namespace_file_checks_its_type() {
	need_root || return 0
	create $A
	create $B
	lxc_start -P "$(P)" -n $A
	local a
	a=$(init_pid $A)
	local line
	start_refused $B "lxc.namespace.share.ipc = /proc/$a/ns/uts"
	assert_contains "$err" "\"/proc/$a/ns/uts\": not a namespace of type ipc"
	assert_contains "$err" "lxc.namespace.share.ipc, $(P)/$B/config:$line"
	lxc_start -P "$(P)" -n $B -s "lxc.namespace.share.ipc=/proc/$a/ns/ipc"
	assert_eq "$(ns "$(init_pid $B)" ipc)" "$(ns "$a" ipc)" "IPC namespace from a path"
}

test_share_with_a_stopped_container_names_key_and_line() {
	need_root || return 0
	create $A
	create $B
	local line
	start_refused $B "lxc.namespace.share.net = $A"
	assert_contains "$err" "join the network namespace of container \"$A\": it is not running"
	assert_contains "$err" "lxc.namespace.share.net, $(P)/$B/config:$line"
	assert_contains "$err" "start it first"
	assert_contains "$(lxc_info -P "$(P)" -n $B -s)" "STOPPED"
	assert_fails lxc_start -P "$(P)" -n $B --share-uts=lxcmgr-test-nonexistent
	assert_contains "$err" "not running"
}

test_share_mnt_is_refused_at_load() {
	need_root || return 0
	create $B
	local line
	start_refused $B "lxc.namespace.share.mnt = $A"
	assert_contains "$err" "lxc.namespace.share.mnt = $A ($(P)/$B/config:$line)"
	assert_contains "$err" "needs its own mount namespace"
}

test_execute_shares_too() {
	need_root || return 0
	local init=${LXCMGR_INIT_PATH:-$LXCMGR_BUILD/tools/lxcmgr-init}
	[ -x "$LXCMGR_BUILD/tools/lxc-execute" ] && [ -x "$init" ] ||
		{ skip "lxc-execute or lxcmgr-init is not built"; return 0; }
	create $A
	create $B
	lxc_start -P "$(P)" -n $A
	local out
	out=$(LXCMGR_INIT_PATH=$init "$LXCMGR_BUILD/tools/lxc-execute" -P "$(P)" -n $B \
		--share-net=$A -- readlink /proc/self/ns/net)
	assert_eq "$out" "$(ns "$(init_pid $A)" net)" "network namespace of lxc-execute's command"
}

# /proc/uptime is CLOCK_BOOTTIME in the reader's time namespace. Read on
# the host before and after the container, the container's must lie
# between them plus the offset, however long the reads take.
test_time_offsets_shift_the_clocks_of_init() {
	need_root || return 0
	[ -e /proc/self/ns/time ] || { skip "no time namespaces in this kernel"; return 0; }
	create $A
	add $A "lxc.time.offset.boot = 1h" > /dev/null
	add $A "lxc.time.offset.monotonic = -1500ms" > /dev/null
	lxc_start -P "$(P)" -n $A
	local a before in after
	a=$(init_pid $A)
	[ "$(ns "$a" time)" != "$(ns $$ time)" ] || fail "init is in the host's time namespace"
	before=$(cut -d' ' -f1 /proc/uptime)
	in=$(nsenter --target "$a" --time --mount cut -d' ' -f1 /proc/uptime)
	after=$(cut -d' ' -f1 /proc/uptime)
	# In hundredths, as /proc/uptime gives them: 14519.81 + 3600 is not exactly 18119.81 in floating point.
	awk -v b="$before" -v i="$in" -v a="$after" 'function c(x) { return int(x * 100 + 0.5) }
		BEGIN { exit !(c(b) + 360000 <= c(i) && c(i) <= c(a) + 360000) }' ||
		fail "uptime inside: expected between $before+3600 and $after+3600, saw $in"
	assert_eq "$(awk '{print $1, $2, $3}' "/proc/$a/timens_offsets" | sort | tr '\n' ';')" \
		"boottime 3600 0;monotonic -2 500000000;" "/proc/PID/timens_offsets of init"
}

test_time_offset_beyond_the_uptime_fails_with_key_and_line() {
	need_root || return 0
	[ -e /proc/self/ns/time ] || { skip "no time namespaces in this kernel"; return 0; }
	create $A
	local line
	start_refused $A "lxc.time.offset.boot = -1000000h"
	assert_contains "$err" "set the time offset"
	assert_contains "$err" "Numerical result out of range"
	assert_contains "$err" "lxc.time.offset.boot, $(P)/$A/config:$line"
}

test_prlimits_reach_init() {
	need_root || return 0
	create $A
	add $A "lxc.prlimit.nofile = 1024:2048" > /dev/null
	add $A "lxc.prlimit.core = unlimited" > /dev/null
	add $A "lxc.prlimit.nproc = 3000" > /dev/null
	lxc_start -P "$(P)" -n $A
	local limits
	limits=$(cat "/proc/$(init_pid $A)/limits")
	assert_eq "$(echo "$limits" | awk '/^Max open files/ {print $4, $5}')" "1024 2048" "nofile"
	assert_eq "$(echo "$limits" | awk '/^Max core file size/ {print $5, $6}')" \
		"unlimited unlimited" "core"
	assert_eq "$(echo "$limits" | awk '/^Max processes/ {print $3, $4}')" "3000 3000" "nproc"
}

test_bad_prlimit_name_is_a_config_error_with_its_line() {
	need_root || return 0
	create $A
	local line
	start_refused $A "lxc.prlimit.files = 1024"
	assert_contains "$err" "$(P)/$A/config:$line"
	assert_contains "$err" "lxc.prlimit.files"
	assert_contains "$err" "unknown resource limit \"files\""
	assert_contains "$err" "nofile"
}

test_proc_oom_score_adj_reaches_init() {
	need_root || return 0
	create $A
	add $A "lxc.proc.oom_score_adj = 10" > /dev/null
	lxc_start -P "$(P)" -n $A
	assert_eq "$(cat "/proc/$(init_pid $A)/oom_score_adj")" 10 "oom_score_adj of init"
}

test_namespaced_sysctls_change_the_container_not_the_host() {
	need_root || return 0
	create $A
	local shmmax forward
	shmmax=$(cat /proc/sys/kernel/shmmax)
	forward=$(cat /proc/sys/net/ipv4/ip_forward)
	add $A "lxc.sysctl.kernel.shmmax = 123456789" > /dev/null
	add $A "lxc.sysctl.net.ipv4.ip_forward = $((1 - forward))" > /dev/null
	lxc_start -P "$(P)" -n $A
	local a
	a=$(init_pid $A)
	assert_eq "$(inside "$a" cat /proc/sys/kernel/shmmax)" 123456789 "kernel.shmmax inside"
	assert_eq "$(inside "$a" cat /proc/sys/net/ipv4/ip_forward)" $((1 - forward)) "ip_forward inside"
	assert_eq "$(cat /proc/sys/kernel/shmmax)" "$shmmax" "kernel.shmmax on the host"
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$forward" "ip_forward on the host"
}

test_host_sysctl_is_refused_with_key_and_line() {
	need_root || return 0
	create $A
	local panic line
	panic=$(cat /proc/sys/kernel/panic)
	start_refused $A "lxc.sysctl.kernel.panic = 7"
	assert_contains "$err" "lxc.sysctl.kernel.panic = 7 ($(P)/$A/config:$line)"
	assert_contains "$err" "not a namespaced sysctl"
	assert_eq "$(cat /proc/sys/kernel/panic)" "$panic" "kernel.panic on the host"
}

test_sysctl_missing_in_the_container_fails_in_setup() {
	need_root || return 0
	create $A
	local line
	start_refused $A "lxc.sysctl.net.ipv4.no_such_sysctl = 1"
	assert_contains "$err" "set sysctl \"/proc/sys/net/ipv4/no_such_sysctl\""
	assert_contains "$err" "No such file or directory"
	assert_contains "$err" "lxc.sysctl.net.ipv4.no_such_sysctl, $(P)/$A/config:$line"
}

run_tests
