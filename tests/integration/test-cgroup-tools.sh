#!/usr/bin/env bash
# The freezer (lxc-freeze, lxc-unfreeze and the states FREEZING, FROZEN,
# THAWED in lxc-info, lxc-ls, lxc-wait, lxc-monitor), the statistics of
# lxc-info -S, and lxc-top (batch, and its screen through tmux), on
# whatever cgroup layout the host has: cgroup v1 (legacy, hybrid) here,
# cgroup2 in the VM lane.
#
# Every container's cgroups go below this test's own cgroup (tests/lib.sh
# puts lxc.cgroup.relative and lxc.cgroup.dir in the default config).
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-cgt
lxc_cgroup() { "$LXCMGR_BUILD/tools/lxc-cgroup" "$@"; }
lxc_freeze() { "$LXCMGR_BUILD/tools/lxc-freeze" "$@"; }
lxc_unfreeze() { "$LXCMGR_BUILD/tools/lxc-unfreeze" "$@"; }
lxc_top() { "$LXCMGR_BUILD/tools/lxc-top" "$@"; }
lxc_monitor() { "$LXCMGR_BUILD/tools/lxc-monitor" "$@"; }

unified() { [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; }

# Skips unless the container can be given cgroups with a freezer.
need_freezer() {
	need_root || return 1
	if unified; then
		# Any non-root cgroup has the file (the root has none).
		[ -n "$(find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -name cgroup.freeze -print -quit)" ] ||
			{ skip "cgroup2 without cgroup.freeze (Linux < 5.2)"; return 1; }
	elif ! grep -q ' - cgroup cgroup .*freezer' /proc/self/mountinfo &&
		! grep -q ' - cgroup2 ' /proc/self/mountinfo; then
		skip "no freezer hierarchy and no cgroup2 hierarchy"
		return 1
	fi
	return 0
}

# The freezer's own word for the container: v1 freezer.state, else the
# frozen key of cgroup2's cgroup.events.
freezer_says() {
	if ! unified && grep -q ' - cgroup cgroup .*freezer' /proc/self/mountinfo; then
		lxc_cgroup -P "$(P)" -n "$1" freezer.state
	else
		lxc_cgroup -P "$(P)" -n "$1" cgroup.events | awk '$1 == "frozen" { print "frozen=" $2 }'
	fi
}

create() { lxc_create -P "$(P)" -n "$1" -t busybox > /dev/null; }

# Starts container $1 with the shell script $2 as init; it ends with
# "echo END >> /res" and sleeps. Waits (bounded) until END is there.
run_script() {
	local res="$(P)/$1/rootfs/res" i
	rm -f "$res"
	lxc_start -P "$(P)" -n "$1" -- /bin/sh -c "$2; echo END >> /res; exec sleep 1000"
	for i in $(seq 600); do
		grep -q '^END$' "$res" 2> /dev/null && return 0
		sleep 0.1
	done
	fail "the script of $1 never ended: $(cat "$res" 2> /dev/null)"
}

count() { cat "$(P)/$N/rootfs/count" 2> /dev/null || echo 0; }

# Until the counter passes $1 (bounded: 600 looks; not a timing check).
wait_count_above() {
	local i
	for i in $(seq 600); do
		[ "$(count)" -gt "$1" ] && return 0
		sleep 0.05
	done
	fail "the counter stayed at $(count), expected it to pass $1"
}

start_counter() {
	create $N
	# Each value is written whole (a rename), so a read never sees a
	# half-written file, frozen or not.
	lxc_start -P "$(P)" -n $N -- /bin/sh -c \
		'i=0; while :; do i=$((i + 1)); echo $i > /c.tmp; mv /c.tmp /count; sleep 0.02; done'
	wait_count_above 3
}

test_a_frozen_container_makes_no_progress_and_resumes() {
	need_freezer || return 0
	start_counter
	lxc_freeze -P "$(P)" -n $N
	assert_eq "$(lxc_info -P "$(P)" -n $N -s)" "State:          FROZEN" "lxc-info -s"
	assert_contains "$(freezer_says $N)" "$(unified && echo frozen=1 || echo FROZEN)" "the freezer"
	local before after
	before=$(count)
	sleep 0.5 # a window in which a running counter advances 10 times or more
	after=$(count)
	assert_eq "$after" "$before" "the counter across a freeze window"
	assert_eq "$(lxc_ls -P "$(P)" --frozen -1)" "$N" "lxc-ls --frozen"
	assert_contains "$(lxc_ls -P "$(P)" -f)" "$N FROZEN" "lxc-ls -f"
	lxc_wait -P "$(P)" -n $N -s FROZEN -t 5 || fail "lxc-wait -s FROZEN"
	# A second freeze changes nothing.
	lxc_freeze -P "$(P)" -n $N
	assert_eq "$(count)" "$before" "the counter after a second lxc-freeze"
	lxc_unfreeze -P "$(P)" -n $N
	assert_eq "$(lxc_info -P "$(P)" -n $N -s)" "State:          RUNNING" "after lxc-unfreeze"
	wait_count_above "$after"
	assert_contains "$(freezer_says $N)" "$(unified && echo frozen=0 || echo THAWED)" "the freezer after the thaw"
	# Not frozen: lxc-unfreeze has nothing to do, and says nothing.
	assert_eq "$(lxc_unfreeze -P "$(P)" -n $N 2>&1)" "" "lxc-unfreeze of a running container"
	lxc_stop -P "$(P)" -n $N -k
}

test_lxc_monitor_and_lxc_wait_see_freezing_frozen_thawed() {
	need_freezer || return 0
	start_counter
	# The binary itself in the background (not the lxc_monitor function,
	# whose subshell $! would name), so that kill ends it.
	"$LXCMGR_BUILD/tools/lxc-monitor" -P "$(P)" -n $N > "$T/monitor.out" 2>&1 &
	local mon=$! i
	at_cleanup kill "$mon"
	for i in $(seq 200); do grep -q RUNNING "$T/monitor.out" && break; sleep 0.05; done
	lxc_wait -P "$(P)" -n $N -s FROZEN -t 30 > "$T/wait.out" 2>&1 &
	local waiter=$!
	lxc_freeze -P "$(P)" -n $N
	wait "$waiter" || fail "lxc-wait -s FROZEN: $(cat "$T/wait.out")"
	lxc_unfreeze -P "$(P)" -n $N
	for i in $(seq 200); do [ "$(grep -c RUNNING "$T/monitor.out")" -ge 2 ] && break; sleep 0.05; done
	kill "$mon"
	wait "$mon" 2> /dev/null || true
	assert_eq "$(grep -o '\[[A-Z]*\]' "$T/monitor.out" | tr -d '[]' | tr '\n' ' ')" \
		"RUNNING FREEZING FROZEN THAWED RUNNING " "the states lxc-monitor saw"
	lxc_stop -P "$(P)" -n $N -k
}

test_a_frozen_container_stops() {
	need_freezer || return 0
	create $N
	lxc_start -P "$(P)" -n $N
	local pid; pid=$(lxc_info -P "$(P)" -n $N -p | awk '{print $2}')
	lxc_freeze -P "$(P)" -n $N
	# The halt signal needs init to run: lxc-stop thaws it.
	lxc_stop -P "$(P)" -n $N -t 30
	assert_eq "$(lxc_info -P "$(P)" -n $N -s)" "State:          STOPPED" "after lxc-stop of a frozen container"
	[ -e "/proc/$pid" ] && fail "init ($pid) is still there"
	lxc_start -P "$(P)" -n $N
	lxc_freeze -P "$(P)" -n $N
	lxc_stop -P "$(P)" -n $N -k
	assert_eq "$(lxc_info -P "$(P)" -n $N -s)" "State:          STOPPED" "after lxc-stop -k of a frozen container"
}

test_freeze_errors_name_the_cause() {
	need_root || return 0
	create $N
	assert_fails lxc_freeze -P "$(P)" -n $N
	assert_eq "$err" "lxc-freeze: $N: container \"$N\" is not running" "lxc-freeze of a stopped container"
	assert_fails lxc_unfreeze -P "$(P)" -n $N
	assert_eq "$err" "lxc-unfreeze: $N: container \"$N\" is not running" "lxc-unfreeze of a stopped container"
	assert_fails lxc_freeze -P "$(P)" -n nosuch
	assert_contains "$err" "no container \"nosuch\"" "an unknown container"
	assert_fails lxc_freeze -P "$(P)"
	assert_contains "$err" "-n" "no name"
	assert_fails lxc_freeze -P "$(P)" -n $N -t soon
	assert_contains "$err" "seconds" "a bad -t"
	assert_contains "$(lxc_freeze --help)" "Usage: lxc-freeze" "--help"
	assert_contains "$(lxc_unfreeze --help)" "Usage: lxc-unfreeze" "--help"
}

# ------------------------------------------------------------ statistics

# Container $1's own numbers, from the files the kernel keeps (through
# lxc-cgroup, which finds them on any layout): cpu (ns), peak, pids.
cg_cpu() {
	if unified; then
		echo $(($(lxc_cgroup -P "$(P)" -n "$1" cpu.stat | awk '$1 == "usage_usec" { print $2 }') * 1000))
	else
		lxc_cgroup -P "$(P)" -n "$1" cpuacct.usage
	fi
}
cg_peak() { lxc_cgroup -P "$(P)" -n "$1" "$(unified && echo memory.peak || echo memory.max_usage_in_bytes)"; }

# "Label:  value" of lxc-info -S -H.
stat_of() { lxc_info -P "$(P)" -n "$1" -S -H | awk -v l="$2:" 'index($0, l) == 1 { print $NF }'; }

# Holds 8 MiB in /dev/shm (charged to its memory cgroup), burns some CPU,
# starts two sleepers, then idles: its counters stand still.
busy_then_idle() {
	run_script "$1" 'head -c 8388608 /dev/zero > /dev/shm/hold
		i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done
		sleep 1000 & sleep 1000 & true'
}

test_lxc_info_stats_are_the_cgroup_files() {
	need_root || return 0
	create $N
	busy_then_idle $N
	local out; out=$(lxc_info -P "$(P)" -n $N -S)
	assert_contains "$out" "CPU use:        " "lxc-info -S"
	assert_contains "$out" "BlkIO use:      " "lxc-info -S"
	assert_contains "$out" " MiB" "memory in MiB"
	echo "$out" | grep -Eq '^CPU use: +[0-9]+\.[0-9]{2} seconds$' || fail "CPU use as LXC shows it: $out"
	echo "$out" | grep -Eq '^Memory use: +[0-9]+\.[0-9]{2} (KiB|MiB|GiB)$' || fail "Memory use as LXC shows it: $out"
	# The idle container's counters are the kernel's, exactly.
	assert_eq "$(stat_of $N "CPU use")" "$(cg_cpu $N)" "CPU use (ns) against the cgroup"
	if [ -n "$(stat_of $N "Memory use")" ]; then
		[ "$(stat_of $N "Memory use")" -ge 8388608 ] || fail "Memory use under the 8 MiB held: $(stat_of $N "Memory use")"
		# memory.peak: Linux 5.19 on cgroup2.
		[ -z "$(stat_of $N "Memory peak")" ] ||
			assert_eq "$(stat_of $N "Memory peak")" "$(cg_peak $N)" "Memory peak against the cgroup"
	else
		unified || fail "no Memory use line on a v1 host: $out"
	fi
	if [ -n "$(stat_of $N "Pids")" ]; then
		# sh (init, sleeping in exec sleep) and the two sleepers.
		assert_eq "$(stat_of $N "Pids")" 3 "Pids"
		assert_eq "$(stat_of $N "Pids")" "$(lxc_cgroup -P "$(P)" -n $N pids.current)" "Pids against pids.current"
	fi
	# Plain lxc-info shows them too, after the state; json has them raw.
	assert_contains "$(lxc_info -P "$(P)" -n $N)" "$(printf 'State:          RUNNING\nPID:')" "plain lxc-info"
	assert_contains "$(lxc_info -P "$(P)" -n $N)" "CPU use:" "plain lxc-info"
	assert_contains "$(lxc_info -P "$(P)" -n $N --format json)" "\"cpu_ns\": $(cg_cpu $N)" "json"
	lxc_stop -P "$(P)" -n $N -k
	# Stopped: nothing to show, and not an error (as LXC's).
	assert_eq "$(lxc_info -P "$(P)" -n $N -S)" "" "lxc-info -S of a stopped container"
}

# ------------------------------------------------------------ lxc-top

# Two running containers: A holds 8 MiB, B little and is frozen; C is
# stopped and must not be listed.
three() {
	create "$N-a"; create "$N-b"; create "$N-c"
	busy_then_idle "$N-a"
	run_script "$N-b" 'true'
}

# The container names of lxc-top -b's rows, in order.
top_names() { lxc_top -P "$(P)" -b "$@" | awk 'NR > 1 && $1 != "TOTAL" { print $1 }' | tr '\n' ' '; }

test_lxc_top_batch() {
	need_root || return 0
	three
	local can_freeze=1
	need_freezer || { can_freeze=0; rm -f "$T.skip"; }
	[ $can_freeze = 1 ] && lxc_freeze -P "$(P)" -n "$N-b"
	local out; out=$(lxc_top -P "$(P)" -b)
	assert_eq "$(echo "$out" | head -n 1 | tr -s ' ')" "NAME STATE CPU% CPU TIME MEMORY KMEM BLKIO PIDS" "the header"
	assert_eq "$(echo "$out" | grep -c '^lxcmgr-test')" 2 "rows (the stopped one is left out): $out"
	assert_contains "$out" "TOTAL (2)" "the total row"
	assert_contains "$(echo "$out" | grep "^$N-a ")" "RUNNING" "A's state"
	[ $can_freeze = 1 ] && assert_contains "$(echo "$out" | grep "^$N-b ")" "FROZEN" "B's state"
	# A's pids column is its pids.current (it is idle).
	local pids; pids=$(stat_of "$N-a" Pids)
	[ -n "$pids" ] && assert_eq "$(echo "$out" | awk -v n="$N-a" '$1 == n { print $NF }')" "$pids" "A's pids"
	echo "$out" | awk -v n="$N-a" '$1 == n { exit !($3 ~ /^[0-9]+\.[0-9]$/) }' || fail "A's CPU% is not a number: $out"
	# Orders: names, names reversed, memory (A holds more), and reversed.
	assert_eq "$(top_names)" "$N-a $N-b " "sorted by name"
	assert_eq "$(top_names -r)" "$N-b $N-a " "-r"
	assert_eq "$(top_names -s n -r)" "$N-b $N-a " "-s n -r"
	if [ -n "$(stat_of "$N-a" "Memory use")" ]; then
		assert_eq "$(top_names -s m)" "$N-a $N-b " "-s m: the most memory first"
		assert_eq "$(top_names -s m -r)" "$N-b $N-a " "-s m -r"
	fi
	# -n 2: two refreshes, an empty line between them.
	out=$(lxc_top -P "$(P)" -b -n 2 -d 0.1)
	assert_eq "$(echo "$out" | grep -c '^NAME ')" 2 "headers of -n 2"
	assert_eq "$(echo "$out" | grep -c '^$')" 1 "empty lines of -n 2"
	assert_fails lxc_top -P "$(P)" -b -s x
	assert_contains "$err" "unknown sort key \"x\"" "a bad -s"
	assert_fails lxc_top -P "$(P)" -d fast
	assert_contains "$err" "-d wants seconds" "a bad -d"
	assert_fails lxc_top -P "$(P)" < /dev/null
	assert_contains "$err" "use -b" "the screen without a terminal"
	assert_contains "$(lxc_top --help)" "Usage: lxc-top" "--help"
	[ $can_freeze = 1 ] && lxc_unfreeze -P "$(P)" -n "$N-b"
	lxc_stop -P "$(P)" -n "$N-a" -k
	lxc_stop -P "$(P)" -n "$N-b" -k
}

screen() {
	TM new-session -d -s "$S" -x 100 -y 20 "env LXCMGR_CONFIG_PATH='$LXCMGR_CONFIG_PATH' \
		LXCMGR_RUNTIME_PATH='$LXCMGR_RUNTIME_PATH' '$LXCMGR_BUILD/tools/lxc-top' -P '$(P)' -d 0.3; \
		echo EXITED-\$?; sleep 600" || return 1
	wait_for_pane "$N-a " || return 1
	wait_for_pane "TOTAL (2)" || return 1
	assert_contains "$(TM capture-pane -p -t "$S" | grep "^$N-a ")" "RUNNING" "A's row" || return 1
	assert_not_contains "$(TM capture-pane -p -t "$S")" "$N-c" "the stopped container" || return 1
	# Keys: sort by memory at once, then reverse.
	TM send-keys -t "$S" m
	wait_for_pane "sorted by memory" || return 1
	TM send-keys -t "$S" r
	wait_for_pane "sorted by memory, reversed" || return 1
	TM send-keys -t "$S" q
	wait_for_pane "EXITED-0"
}

test_lxc_top_screen_through_tmux() {
	need_root || return 0
	need_tmux || return 0
	three
	local rc=0
	in_pane lxcmgr-test-top-$$ screen || rc=1
	lxc_stop -P "$(P)" -n "$N-a" -k
	lxc_stop -P "$(P)" -n "$N-b" -k
	return $rc
}

run_tests
