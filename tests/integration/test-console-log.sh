#!/usr/bin/env bash
# The console log: lxc-start -L, lxc.console.logfile, .size and .rotate.
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-clog

create() { lxc_create -P "$(P)" -n $N -t busybox > /dev/null; }

# wait_for FILE TEXT: until FILE holds TEXT (the monitor writes as init does).
wait_for() {
	local i
	for i in $(seq 100); do
		grep -q -- "$2" "$1" 2> /dev/null && return 0
		sleep 0.1
	done
	fail "\"$2\" never showed in $1: $(tail -c 300 "$1" 2> /dev/null)"
}

# A command as init that writes N numbered lines of 40 bytes, then waits.
LINES='i=0; while [ $i -lt $0 ]; do printf "line-%04d-xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n" $i; i=$((i+1)); done; echo all-written; exec sleep 1000'

test_console_log_option_records_what_init_writes() {
	need_root || return 0
	create
	lxc_start -P "$(P)" -n $N -L "$T/console.log" -- /bin/sh -c 'echo "hello from the console"; exec sleep 1000'
	wait_for "$T/console.log" "hello from the console" || return 1
	assert_eq "$(stat -c %a "$T/console.log")" "600" "mode of the log"
	lxc_stop -P "$(P)" -n $N -k
}

test_relative_console_log_is_the_callers() {
	need_root || return 0
	create
	(cd "$T" && lxc_start -P "$(P)" -n $N -L rel.log -- /bin/sh -c 'echo relative-ok; exec sleep 1000')
	wait_for "$T/rel.log" "relative-ok" || return 1
	lxc_stop -P "$(P)" -n $N -k
}

test_full_log_rotates_to_dot_one() {
	need_root || return 0
	create
	printf 'lxc.console.logfile = %s\nlxc.console.size = 4096\nlxc.console.rotate = 1\n' \
		"$T/c.log" >> "$(P)/$N/config"
	lxc_start -P "$(P)" -n $N -- /bin/sh -c "$LINES" 300
	wait_for "$T/c.log" "all-written" || return 1
	# 300 lines of 40 bytes: 12000 bytes through a 4096-byte file.
	assert_eq "$(stat -c %s "$T/c.log.1")" 4096 "size of the rotated file"
	[ "$(stat -c %s "$T/c.log")" -le 4096 ] || fail "the log outgrew lxc.console.size"
	assert_eq "$(cat "$T/c.log.1" "$T/c.log" | tr -d '\r' | grep -A1 line-0299)" \
		"$(printf 'line-0299-xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nall-written')" "the newest lines"
	grep -q "line-0000" "$T/c.log" "$T/c.log.1" && fail "the oldest line survived two rotations"
	lxc_stop -P "$(P)" -n $N -k
}

test_full_log_without_rotate_starts_over() {
	need_root || return 0
	create
	printf 'lxc.console.logfile = %s\nlxc.console.size = 4096\nlxc.console.rotate = 0\n' \
		"$T/c.log" >> "$(P)/$N/config"
	lxc_start -P "$(P)" -n $N -- /bin/sh -c "$LINES" 300
	wait_for "$T/c.log" "all-written" || return 1
	[ -e "$T/c.log.1" ] && fail "a rotated file without lxc.console.rotate"
	[ "$(stat -c %s "$T/c.log")" -le 4096 ] || fail "the log outgrew lxc.console.size"
	lxc_stop -P "$(P)" -n $N -k
}

test_unopenable_console_log_fails_the_start() {
	need_root || return 0
	create
	assert_fails lxc_start -P "$(P)" -n $N -L "$T/no/such/dir/c.log"
	assert_contains "$err" "open console log \"$T/no/such/dir/c.log\": No such file or directory"
	assert_contains "$err" "(lxc.console.logfile, command line:1)"
	assert_contains "$(lxc_info -P "$(P)" -n $N -s)" "STOPPED"
}

test_relative_console_logfile_in_config_is_refused() {
	need_root || return 0
	create
	echo "lxc.console.logfile = console.log" >> "$(P)/$N/config"
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "lxc.console.logfile = console.log"
	assert_contains "$err" "absolute"
}

run_tests
