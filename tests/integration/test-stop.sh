#!/usr/bin/env bash
# lxc-stop on real busybox containers: a stop (clean, -k, or -k after the
# monitor was killed) leaves no process, mount, runtime file or pty behind;
# processes get SIGTERM and a chance to exit; reboots (lxc-stop -r, reboot
# inside) start the container again in place; what the host asked for wins
# over the way init ended.
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-stop

# lib.sh stops every container a test made when the test ends, even when it
# fails half way.

create() { lxc_create -P "$(P)" -n $N -t busybox > /dev/null; }
start() { lxc_start -P "$(P)" -n $N "$@"; }
stop() { lxc_stop -P "$(P)" -n $N "$@"; }
state() { lxc_info -P "$(P)" -n $N -s | awk '{print $2}'; }
init_pid() { lxc_info -P "$(P)" -n $N -p 2> /dev/null | awk '{print $2}'; }
rootfs() { echo "$(P)/$N/rootfs"; }
inside() { # PID CMD...: run CMD in the container's namespaces
	local pid=$1; shift
	nsenter --target "$pid" --mount --uts --ipc --pid --net -- "$@"
}
# until_true CMD...: run CMD every 50 ms until it succeeds, at most 20 s.
until_true() {
	local i
	for i in $(seq 400); do "$@" && return 0; sleep 0.05; done
	return 1
}
gone() { ! kill -0 "$1" 2> /dev/null; }
pidns_of() { readlink "/proc/$1/ns/pid" 2> /dev/null; }
# hold_pidns PID: keeps PID's pid namespace referenced (fd 9) for the rest
# of the test, so that a namespace made later cannot get its inode number
# and pass for it in pids_in.
hold_pidns() { exec 9< "/proc/$1/ns/pid"; }
# pids_in NS: every host pid whose pid namespace is NS.
pids_in() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2> /dev/null)" = "$1" ] && echo "${p#/proc/}"
	done
	return 0
}

no_pids_in() { [ -z "$(pids_in "$1")" ]; }

# start_busy: start the container with more than its gettys inside, and
# record what a stop must take away:
#   A process that exits on SIGTERM, writing /tmp/got-term first (the
#   rootfs is a directory: the host sees it), one that ignores SIGTERM, and
#   one holding tty2 open; all orphans, so the container's init adopts them.
#   $PIDNS, $PIDS (every process in it), $MONITOR, $PTYS (the ptys the
#   monitor allocated, index:ctime), $DEV (the rootfs's /dev on disk).
start_busy() {
	DEV=$(ls -A "$(rootfs)/dev")
	start "$@"
	local pid; pid=$(init_pid)
	[ -n "$pid" ] || { fail "no init pid after lxc-start"; return 1; }
	inside "$pid" sh -c '
		(trap "echo yes > /tmp/got-term; exit 0" TERM; : > /tmp/ready-term
		 while :; do sleep 1; done) > /dev/null 2>&1 &
		(trap "" TERM; : > /tmp/ready-stubborn; while :; do sleep 1; done) > /dev/null 2>&1 &
		(exec 0< /dev/tty2; : > /tmp/ready-tty; exec sleep 100000) > /dev/null 2>&1 &'
	local f
	for f in term stubborn tty; do
		until_true test -e "$(rootfs)/tmp/ready-$f" || { fail "process '$f' did not start inside"; return 1; }
	done
	PIDNS=$(pidns_of "$pid")
	PIDS=$(pids_in "$PIDNS")
	MONITOR=$(ps -o ppid= -p "$pid" | tr -d ' ')
	# 1 init, 2 gettys, the 3 above (their sleeps come and go).
	[ "$(echo "$PIDS" | wc -l)" -ge 6 ] || fail "expected at least 6 processes inside, saw: $PIDS"
	PTYS=""
	local info idx
	for info in /proc/"$MONITOR"/fdinfo/*; do
		idx=$(awk '/^tty-index:/ { print $2 }' "$info" 2> /dev/null)
		[ -n "$idx" ] && PTYS="$PTYS $idx:$(stat -c %.9Z "/dev/pts/$idx")"
	done
	# The console and 4 ttys (lxc.tty.max = 4).
	[ "$(echo $PTYS | wc -w)" -ge 5 ] || fail "expected 5 ptys held by the monitor, saw: $PTYS"
	return 0
}

# check_nothing_left [MONITOR-KILLED]: after a stop, none of what
# start_busy recorded remains. (Cgroups do not exist yet: when they do,
# this is where to check that the container's are gone.)
check_nothing_left() {
	assert_eq "$(state)" STOPPED "state after the stop"
	local p
	for p in $PIDS; do
		# A pid may be reused, but not in the container's namespace.
		until_true gone_from_ns "$p" || fail "process $p of the container still runs"
	done
	# The kernel kills the rest when init dies; on a loaded host the last
	# of them may still be on its way out.
	until_true no_pids_in "$PIDNS" ||
		assert_eq "$(pids_in "$PIDNS")" "" "processes in the container's pid namespace"
	until_true gone "$MONITOR" || fail "the monitor (pid $MONITOR) still runs"
	assert_eq "$(grep -c " $(P)/$N" /proc/self/mountinfo)" 0 "host mounts under the container"
	local left
	# Locks stay, and the seccomp cache, which is for every start.
	left=$(find "$T/run" ! -type d ! -path "$T/run/lock/*" ! -path "$T/run/seccomp/*" 2> /dev/null)
	assert_eq "$left" "" "files left in the runtime directory"
	# The lock file stays (unlinking a lock file races with its next
	# taker), but no one may hold it.
	for p in "$T"/run/lock/"$(P)"/*; do
		[ -e "$p" ] || continue
		flock -n "$p" true || fail "the lock $p is still held"
	done
	local pty idx
	for pty in $PTYS; do
		idx=${pty%%:*}
		# An index may be reused by a new pty, which has a new ctime.
		[ -e "/dev/pts/$idx" ] && [ "$idx:$(stat -c %.9Z "/dev/pts/$idx")" = "$pty" ] &&
			fail "pty /dev/pts/$idx of the container is still there"
	done
	assert_eq "$(ls -A "$(rootfs)/dev")" "$DEV" "the rootfs's /dev on disk"
	return 0
}
gone_from_ns() { [ "$(pidns_of "$1")" != "$PIDNS" ]; }

test_stop_leaves_nothing_behind() {
	need_root || return 0
	create
	start_busy
	stop -t 20
	check_nothing_left
	# SIGTERM came first, and the process had time to act on it.
	assert_eq "$(cat "$(rootfs)/tmp/got-term" 2> /dev/null)" yes "what the SIGTERM trap wrote"
}

test_stop_k_leaves_nothing_behind() {
	need_root || return 0
	create
	start_busy
	stop -k
	check_nothing_left
	[ ! -e "$(rootfs)/tmp/got-term" ] || fail "-k sent SIGTERM first"
}

test_stop_k_after_the_monitor_was_killed_leaves_nothing_behind() {
	need_root || return 0
	create
	cd "$T" && start_busy -p init.pid
	assert_eq "$(cat "$T/init.pid")" "$(init_pid)" "the pid file (lxc-start -p, relative)"
	kill -9 "$MONITOR"
	until_true gone "$MONITOR" || { fail "the monitor survived SIGKILL"; return 1; }
	assert_fails stop
	assert_contains "$err" "lxc-stop -k"
	stop -k
	check_nothing_left
	[ ! -e "$T/init.pid" ] || fail "lxc-stop -k left the pid file of the killed monitor's start"
	start || fail "could not start again after the cleanup"
}

test_pdeath_signal_stops_init_with_its_monitor() {
	need_root || return 0
	create
	echo "lxc.monitor.signal.pdeath = SIGKILL" >> "$(P)/$N/config"
	start_busy
	local init; init=$(init_pid)
	kill -9 "$MONITOR"
	until_true gone "$init" || fail "init (pid $init) outlived its monitor with pdeath = SIGKILL"
	stop -k 2> /dev/null || true # cgroups and records of the killed monitor
	check_nothing_left
}

test_ephemeral_container_is_destroyed_once_stopped_not_rebooted() {
	need_root || return 0
	create
	echo "lxc.ephemeral = 1" >> "$(P)/$N/config"
	start
	stop -r || { fail "lxc-stop -r of an ephemeral container"; return 1; }
	[ -f "$(P)/$N/config" ] || fail "a reboot destroyed the ephemeral container"
	stop
	until_true test ! -e "$(P)/$N" || fail "the ephemeral container is still there after its stop"
	assert_eq "$(lxc_ls -P "$(P)")" "" "lxc-ls after the stop"
}

test_bad_pdeath_signal_is_a_config_error() {
	create
	echo "lxc.monitor.signal.pdeath = SIGNOPE" >> "$(P)/$N/config"
	assert_fails start
	assert_contains "$err" "config:"
	assert_contains "$err" "lxc.monitor.signal.pdeath"
}

# A reboot is a new init in place: another pid, RUNNING, and nothing left
# of the old one.
check_rebooted() { # OLD-INIT-PID OLD-PIDNS
	assert_eq "$(state)" RUNNING "state after the reboot"
	local pid; pid=$(init_pid)
	[ -n "$pid" ] && [ "$pid" != "$1" ] || fail "expected a new init, saw pid '$pid' (was $1)"
	until_true gone "$1" || fail "the old init (pid $1) still runs"
	assert_eq "$(pids_in "$2")" "" "processes left in the old pid namespace"
	assert_eq "$(inside "$pid" hostname)" "$N" "host name inside the new init's namespaces"
}

# lxc-stop returns once the container is STOPPED, and by then its monitor
# has let go of the container: a start right after it never finds it busy.
test_start_right_after_a_stop_finds_it_free() {
	need_root || return 0
	create
	local round
	for round in 1 2 3 4 5; do
		start || { fail "round $round: the start after lxc-stop -k failed"; return 1; }
		stop -k
	done
	for round in 1 2 3; do
		start || { fail "round $round: the start after lxc-stop failed"; return 1; }
		stop -t 20
	done
	start || { fail "the start before lxc-stop -r failed"; return 1; }
	stop -r -t 30
	stop -k
	start || fail "the start after lxc-stop -r and -k failed"
}

test_stop_r_reboots_in_place() {
	need_root || return 0
	create
	start
	local pid ns; pid=$(init_pid); ns=$(pidns_of "$pid"); hold_pidns "$pid"
	stop -r -t 30
	check_rebooted "$pid" "$ns"
	stop -t 20
	assert_eq "$(state)" STOPPED "state after a stop that follows the reboot"
}

new_init() { local p; p=$(init_pid); [ -n "$p" ] && [ "$p" != "$1" ] && [ "$(state)" = RUNNING ]; }

# Inside, busybox's reboot ends in reboot(2), which kills init with SIGHUP:
# the monitor starts it again. poweroff kills it with SIGINT: it stops.
test_reboot_and_poweroff_from_inside() {
	need_root || return 0
	create
	start
	local pid ns; pid=$(init_pid); ns=$(pidns_of "$pid"); hold_pidns "$pid"
	inside "$pid" reboot
	until_true new_init "$pid" || { fail "no new init after reboot inside (pid $(init_pid))"; return 1; }
	check_rebooted "$pid" "$ns"
	pid=$(init_pid)
	inside "$pid" poweroff
	lxc_wait -P "$(P)" -n $N -s STOPPED -t 30 || fail "not STOPPED after poweroff inside"
	gone "$pid" || fail "init (pid $pid) still runs after poweroff"
}

# lxc.signal.halt set to busybox's reboot signal: init ends by SIGHUP, but
# a stop was asked for, so it stays stopped.
test_a_halt_stays_a_halt_however_init_ends() {
	need_root || return 0
	create
	start -s lxc.signal.halt=SIGTERM
	local pid; pid=$(init_pid)
	stop -t 30 --nokill # no kill after the timeout to hide a reboot
	assert_eq "$(state)" STOPPED "state after lxc-stop"
	gone "$pid" || fail "init (pid $pid) still runs"
}

# lxc.signal.reboot set to the quick halt: init ends by SIGINT, but a
# reboot was asked for, so it comes back.
test_a_reboot_stays_a_reboot_however_init_ends() {
	need_root || return 0
	create
	start -s lxc.signal.reboot=SIGINT
	local pid ns; pid=$(init_pid); ns=$(pidns_of "$pid"); hold_pidns "$pid"
	stop -r -t 30
	check_rebooted "$pid" "$ns"
}

test_nokill_leaves_it_running_then_a_stop_kills_it() {
	need_root || return 0
	create
	start -s lxc.signal.halt=SIGCONT # busybox init does nothing on SIGCONT
	assert_fails stop -t 1 --nokill
	assert_contains "$err" "did not stop within 1 s after signal 18"
	assert_contains "$err" "lxc-stop -k"
	assert_eq "$(state)" RUNNING "state after --nokill"
	stop -t 1
	assert_eq "$(state)" STOPPED "state after the timeout"
}

test_reboot_timeout_is_an_error_and_does_not_kill() {
	need_root || return 0
	create
	start -s lxc.signal.reboot=SIGCONT
	local pid; pid=$(init_pid)
	assert_fails stop -r -t 1
	assert_contains "$err" "did not reboot within 1 s"
	assert_eq "$(state)" RUNNING "state after the reboot timed out"
	assert_eq "$(init_pid)" "$pid" "init after the reboot timed out"
}

run_tests
