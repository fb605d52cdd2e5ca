#!/usr/bin/env bash
# lxc-monitor: a line per state change of the containers whose whole names
# match, in order for each; containers running at its start shown first;
# restarts and failed starts followed; exit 0 on SIGTERM and SIGINT; -Q.
. "$(dirname "$0")/../lib.sh"

lxc_monitor() { "$LXCMGR_BUILD/tools/lxc-monitor" "$@"; }

P() { echo "$T/lxcpath"; }
create() { local n; for n in "$@"; do lxc_create -P "$(P)" -n "$n" -t busybox > /dev/null; done; }
start() { lxc_start -P "$(P)" -n "$@"; }
stop() { lxc_stop -P "$(P)" -n "$1" -t 20; }

# start_monitor ARGS...: lxc-monitor -P $(P) ARGS in the background (exec:
# $MON is its own pid), output in $T/mon.out; killed when the test ends.
MON=""
start_monitor() {
	(exec "$LXCMGR_BUILD/tools/lxc-monitor" -P "$(P)" "$@") > "$T/mon.out" 2> "$T/mon.err" &
	MON=$!
	trap '[ -z "$MON" ] || kill "$MON" 2> /dev/null' EXIT
	# Watching once its inotify watch is set: a start before that can come
	# and go unseen (a failed one takes a few milliseconds). Without inotify
	# it rescans every second, and there is no watch to wait for.
	local i
	for i in $(seq 100); do
		grep -qs '^inotify wd:' /proc/"$MON"/fdinfo/* && return 0
		sleep 0.05
	done
}
# stop_monitor: SIGTERM, after which it must exit 0 having said nothing on stderr.
stop_monitor() {
	local rc=0
	kill -TERM "$MON"
	wait "$MON" || rc=$?
	MON=""
	assert_eq "$rc" 0 "exit status of lxc-monitor after SIGTERM"
	assert_eq "$(cat "$T/mon.err")" "" "stderr of lxc-monitor"
}
line() { printf "'%s' changed state to [%s]" "$1" "$2"; }
# wait_line NAME STATE [N]: until lxc-monitor printed that line N times
# (default 1); at most 30 s.
wait_line() {
	local i
	for i in $(seq 300); do
		[ "$(grep -cxF "$(line "$1" "$2")" "$T/mon.out")" -ge "${3:-1}" ] && return 0
		sleep 0.1
	done
	fail "no line \"$(line "$1" "$2")\" (${3:-1} times) within 30 s; saw: $(cat "$T/mon.out")"
}
# states NAME: the states printed for NAME in order, one line, STARTING and
# STOPPING left out (whether a change is seen that early may vary).
states() {
	sed -n "s/^'$1' changed state to \[\([A-Z]*\)\]\$/\1/p" "$T/mon.out" |
		grep -vxE 'STARTING|STOPPING' | tr '\n' ' ' | sed 's/ $//'
}

test_matching_containers_show_running_then_stopped() {
	need_root || return 0
	create lxcmgr-test-m1 lxcmgr-test-m2 lxcmgr-test-other
	start_monitor -n 'lxcmgr-test-m.*'
	start lxcmgr-test-m1
	start lxcmgr-test-other
	start lxcmgr-test-m2
	wait_line lxcmgr-test-m1 RUNNING
	wait_line lxcmgr-test-m2 RUNNING
	stop lxcmgr-test-m1
	stop lxcmgr-test-other
	stop lxcmgr-test-m2
	wait_line lxcmgr-test-m1 STOPPED
	wait_line lxcmgr-test-m2 STOPPED
	stop_monitor
	assert_eq "$(states lxcmgr-test-m1)" "RUNNING STOPPED" "states of lxcmgr-test-m1"
	assert_eq "$(states lxcmgr-test-m2)" "RUNNING STOPPED" "states of lxcmgr-test-m2"
	assert_not_contains "$(cat "$T/mon.out")" "lxcmgr-test-other" "lxc-monitor output"
	local bad
	bad=$(grep -vxE "'lxcmgr-test-m[12]' changed state to \[(STARTING|RUNNING|STOPPING|STOPPED)\]" \
		"$T/mon.out" || true)
	assert_eq "$bad" "" "lines not in LXC's format"
}

test_the_whole_name_must_match() {
	need_root || return 0
	create lxcmgr-test-m1x lxcmgr-test-m2
	start_monitor -n 'lxcmgr-test-m1|lxcmgr-test-m2'
	start lxcmgr-test-m1x
	start lxcmgr-test-m2
	wait_line lxcmgr-test-m2 RUNNING
	stop lxcmgr-test-m1x
	stop lxcmgr-test-m2
	wait_line lxcmgr-test-m2 STOPPED
	stop_monitor
	assert_not_contains "$(cat "$T/mon.out")" "lxcmgr-test-m1x" "output for -n 'lxcmgr-test-m1|lxcmgr-test-m2'"
}

test_running_container_is_shown_once_and_restarts_are_followed() {
	need_root || return 0
	create lxcmgr-test-m1
	start lxcmgr-test-m1
	start_monitor -n lxcmgr-test-m1
	wait_line lxcmgr-test-m1 RUNNING
	stop lxcmgr-test-m1
	wait_line lxcmgr-test-m1 STOPPED
	start lxcmgr-test-m1
	wait_line lxcmgr-test-m1 RUNNING 2
	lxc_stop -P "$(P)" -n lxcmgr-test-m1 -k
	wait_line lxcmgr-test-m1 STOPPED 2
	stop_monitor
	assert_eq "$(states lxcmgr-test-m1)" "RUNNING STOPPED RUNNING STOPPED" "states of lxcmgr-test-m1"
}

test_failed_start_shows_starting_then_stopped() {
	need_root || return 0
	create lxcmgr-test-m1
	mkdir -p "$T/run" && mkdir -m 0700 "$T/run/c" # watched from the start: STARTING is seen
	start_monitor
	assert_fails start lxcmgr-test-m1 -- /no/such/init
	wait_line lxcmgr-test-m1 STOPPED
	stop_monitor
	assert_eq "$(sed -n 's/^.lxcmgr-test-m1. changed state to \[\(.*\)\]$/\1/p' "$T/mon.out" |
		tr '\n' ' ')" "STARTING STOPPED " "states of a start that failed"
}

test_sigint_ends_it_with_status_0() {
	# A job started with & by a script ignores SIGINT, and so would we.
	local ign
	ign=$(awk '/^SigIgn:/ { print $2 }' /proc/self/status)
	(( (16#$ign & 2) == 0 )) || { skip "SIGINT is ignored in this shell"; return 0; }
	local rc=0
	timeout --preserve-status -s INT -k 10 1 "$LXCMGR_BUILD/tools/lxc-monitor" -P "$(P)" \
		> "$T/out" 2>&1 || rc=$?
	assert_eq "$rc" 0 "exit status after SIGINT"
	assert_eq "$(cat "$T/out")" "" "output with no containers"
}

test_quit_is_accepted_with_a_note() {
	local out
	out=$(lxc_monitor -Q 2>&1)
	assert_contains "$out" "no lxc-monitord"
	assert_eq "$(lxc_monitor -Q -q 2>&1)" "" "lxc-monitor -Q -q"
}

test_help_and_bad_regex() {
	assert_contains "$(lxc_monitor --help)" "Usage: lxc-monitor [-n REGEX] [-P PATH]..."
	assert_fails lxc_monitor -P "$(P)" -n '('
	assert_contains "$err" "invalid regular expression \"(\""
}

run_tests
