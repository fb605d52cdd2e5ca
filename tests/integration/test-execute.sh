#!/usr/bin/env bash
# lxc-execute on real busybox containers: lxcmgr-init as PID 1, the
# command's exit status, stdio, signals, reaping, and what is left after.
. "$(dirname "$0")/../lib.sh"

lxc_execute() { "$LXCMGR_BUILD/tools/lxc-execute" "$@"; }
export LXCMGR_INIT_PATH="$LXCMGR_BUILD/tools/lxcmgr-init"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-exec

create() { lxc_create -P "$(P)" -n "${1:-$N}" -t busybox > /dev/null; }
x() { lxc_execute -P "$(P)" -n $N "$@"; } # x [OPTIONS] -- COMMAND...

need_tools() {
	need_root || return 1
	[ -x "$LXCMGR_BUILD/tools/lxc-execute" ] && [ -x "$LXCMGR_INIT_PATH" ] ||
		{ skip "lxc-execute or lxcmgr-init is not built"; return 1; }
}

# wait_for FILE TEXT: up to 5 s for TEXT to show up in FILE.
wait_for() {
	local i
	for i in $(seq 100); do
		grep -q "$2" "$1" 2> /dev/null && return 0
		sleep 0.05
	done
	fail "waited 5 s for '$2' in $1; it has: $(cat "$1" 2> /dev/null)"
}

test_exit_status_is_the_commands() {
	need_tools || return 0
	create
	local rc
	x -- true || fail "true: expected 0, saw $?"
	rc=0; x -- sh -c 'exit 3' || rc=$?
	assert_eq "$rc" 3 "exit status of sh -c 'exit 3'"
	rc=0; x -- sh -c 'kill -9 $$' || rc=$?
	assert_eq "$rc" 137 "exit status of a command killed by SIGKILL"
	assert_contains "$(lxc_info -P "$(P)" -n $N -s)" "STOPPED"
}

test_stdio_are_the_callers_pipes() {
	need_tools || return 0
	create
	assert_eq "$(x -- cat /etc/hostname | wc -c)" "$(($(printf %s $N | wc -c) + 1))" \
		"bytes of /etc/hostname through a pipe"
	assert_eq "$(printf 'from-stdin' | x -- cat)" "from-stdin" "stdin through a pipe"
	# 1 MiB of random bytes on stdout, their checksum on stderr, apart.
	x -- sh -c 'dd if=/dev/urandom of=/tmp/data bs=1024 count=1024 2> /dev/null &&
		md5sum < /tmp/data >&2 && cat /tmp/data' > "$T/out" 2> "$T/err"
	assert_eq "$(wc -c < "$T/out")" 1048576 "bytes on stdout"
	assert_eq "$(md5sum < "$T/out" | cut -d' ' -f1)" "$(cut -d' ' -f1 "$T/err")" "checksum"
	assert_eq "$(x -- sh -c 'echo out; echo err >&2' 2> /dev/null)" "out" "stdout alone"
	assert_eq "$(x -- sh -c 'echo out; echo err >&2' 2>&1 > /dev/null)" "err" "stderr alone"
}

test_pid1_is_the_helper_and_the_command_its_child() {
	need_tools || return 0
	create
	assert_eq "$(x -- cat /proc/1/cmdline | tr '\0' ' ')" \
		"/dev/.lxcmgr-init -- cat /proc/1/cmdline " "PID 1's command line"
	assert_eq "$(x -- sh -c 'echo $$ $PPID')" "2 1" "the command's pid and parent"
}

test_orphans_are_reaped() {
	need_tools || return 0
	create
	# The inner sh leaves "sleep 1" behind; it becomes PID 1's child and,
	# once it exits, must not stay a zombie.
	local out
	out=$(x -- sh -c 'sh -c "sleep 1 & echo \$! > /tmp/orphan"; sleep 0.3
		read p < /tmp/orphan; set -- $(cat /proc/$p/stat); echo "parent $4"
		sleep 1.5; [ -e /proc/$p ] && echo "left: $(cat /proc/$p/stat)"; echo done')
	assert_contains "$out" "parent 1" "the orphan's parent"
	assert_not_contains "$out" "left:" "the orphan after it exited"
	assert_contains "$out" "done"
}

test_signals_reach_the_command() {
	need_tools || return 0
	create
	x -- sh -c 'trap "echo got-TERM; exit 42" TERM; echo ready; while :; do sleep 1; done' \
		> "$T/out" 2>&1 &
	local bg=$! pid rc=0
	wait_for "$T/out" ready || return 1
	pid=$(lxc_info -P "$(P)" -n $N -p | awk '{print $2}')
	assert_contains "$(tr '\0' ' ' < "/proc/$pid/cmdline")" "/dev/.lxcmgr-init" "init's command"
	kill -TERM "$pid"
	wait $bg || rc=$?
	assert_contains "$(cat "$T/out")" "got-TERM" "the command's output"
	assert_eq "$rc" 42 "exit status after SIGTERM"
}

test_stop_halts_the_command() {
	need_tools || return 0
	create
	# SIGPWR, lxc-stop's halt signal, reaches the command as SIGTERM.
	x -s lxc.signal.halt=SIGPWR -- sh -c 'trap "echo got-TERM; exit 7" TERM; echo ready
		while :; do sleep 1; done' > "$T/out" 2>&1 &
	local bg=$! rc=0
	wait_for "$T/out" ready || return 1
	lxc_stop -P "$(P)" -n $N -t 10
	wait $bg || rc=$?
	assert_contains "$(cat "$T/out")" "got-TERM" "the command's output"
	assert_eq "$rc" 7 "exit status after lxc-stop"
}

test_missing_command_is_127_with_a_message() {
	need_tools || return 0
	create
	local rc=0
	x -- /no/such/command 2> "$T/err" || rc=$?
	assert_eq "$rc" 127 "exit status"
	assert_contains "$(cat "$T/err")" 'lxcmgr-init: exec "/no/such/command": No such file or directory'
	rc=0
	x -- /etc/passwd 2> "$T/err" || rc=$?
	assert_eq "$rc" 126 "exit status for a file that is not executable"
}

test_uid_and_gid() {
	need_tools || return 0
	create
	assert_eq "$(x -u 1000 -- id -u)" 1000 "id -u with -u 1000"
	assert_eq "$(x -u 1000 -g 1001 -- id -g)" 1001 "id -g with -g 1001"
}

test_nothing_is_left_after_the_command() {
	need_tools || return 0
	create
	local start end rc=0
	start=$(date +%s)
	# One process obeys SIGTERM, one ignores it and needs the SIGKILL.
	x -- sh -c 'sleep 4242 & sh -c "trap \"\" TERM; sleep 4243" & sleep 0.3; exit 0' || rc=$?
	end=$(date +%s)
	assert_eq "$rc" 0 "exit status"
	[ $((end - start)) -lt 10 ] || fail "took $((end - start)) s: leftovers were waited for"
	assert_eq "$(ps -eo args | grep -cE '^sleep 424[23]$')" 0 "processes left"
	assert_contains "$(lxc_info -P "$(P)" -n $N -s)" "STOPPED"
	assert_eq "$(grep -c "$(P)/$N" /proc/self/mountinfo)" 0 "mounts left on the host"
	assert_eq "$(ls -A "$T/run/c" 2> /dev/null)" "" "sockets left"
}

test_execute_cmd_from_the_config() {
	need_tools || return 0
	create
	assert_fails x
	assert_contains "$err" "lxc.execute.cmd"
	echo "lxc.execute.cmd = sh -c 'echo from the config'" >> "$(P)/$N/config"
	assert_eq "$(x)" "from the config" "output of lxc.execute.cmd"
}

test_app_config_keeps_the_containers_rootfs() {
	need_tools || return 0
	create
	printf 'lxc.uts.name = lxcmgr-app\nlxc.autodev = 1\n' > "$T/app.conf"
	assert_eq "$(x -f "$T/app.conf" -- hostname)" "lxcmgr-app" "host name from -f"
	assert_eq "$(x -f "$T/app.conf" -- cat /etc/hostname)" "$N" "the container's rootfs"
}

test_autodev_0_is_refused() {
	need_tools || return 0
	create
	assert_fails x -s lxc.autodev=0 -- true
	assert_contains "$err" "lxc.autodev = 1"
}

test_missing_container_is_named() {
	need_tools || return 0
	assert_fails x -- true
	assert_contains "$err" "no container \"$N\""
}

test_missing_helper_is_named() {
	need_tools || return 0
	create
	LXCMGR_INIT_PATH=/no/such/lxcmgr-init assert_fails x -- true
	assert_contains "$err" "/no/such/lxcmgr-init"
	assert_contains "$err" "LXCMGR_INIT_PATH"
}

test_daemon_is_not_supported_yet() {
	assert_fails lxc_execute -n $N -d -- true
	assert_contains "$err" "not supported yet"
}

run_tests
