#!/usr/bin/env bash
# lxc-attach through the container's attach server (lxcmgr-attachd, started
# by the monitor on the first attach): that it is used, what it is (a
# sealed memfd, not dumpable, outside the container's pid namespace, small),
# what it does (exit status, stdio, pty), its lifecycle (killed: replaced;
# a reboot in place: a new one in the new namespaces) and the options that
# take lxc-attach's own path. The rest of lxc-attach's behaviour, through
# the server too, is in test-attach.sh.
. "$(dirname "$0")/../lib.sh"

export LXCMGR_EXEC_PATH="$LXCMGR_BUILD/tools/lxcmgr-exec"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-attachd
att() { lxc_attach -P "$(P)" -n $N "$@"; }
running() { busybox_running "$(P)" $N "$@"; }

need_tools() {
	need_root || return 1
	[ -x "$LXCMGR_BUILD/tools/lxc-attach" ] && [ -x "$LXCMGR_ATTACHD_PATH" ] ||
		{ skip "lxc-attach or lxcmgr-attachd not built"; return 1; }
}

# until_true CMD...: bounded retries (400 looks), not a timing assertion.
until_true() {
	local i
	for i in $(seq 400); do "$@" && return 0; sleep 0.05; done
	return 1
}
sid_of() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $4 }'; }
ppid_of() { awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2> /dev/null; }
# pid_by_cmdline WORDS: the host pid of the process in this test's container
# (by its UTS namespace, the one -s UTSNAME joins) whose command line is
# exactly WORDS (a "sleep" with a number of this test's own; the same test
# run from another checkout has the same one).
pid_by_cmdline() {
	local p ns
	ns=$(readlink "/proc/$(lxc_info -P "$(P)" -n $N -p | awk '{print $2}')/ns/uts") || return 1
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/uts" 2> /dev/null)" = "$ns" ] || continue
		[ "$(tr '\0' ' ' 2> /dev/null < "$p/cmdline")" = "$* " ] && { echo "${p#/proc/}"; return 0; }
	done
	return 1
}
found() { CMD_PID=$(pid_by_cmdline "$@"); }
traced_by() { [ "$(awk '/^TracerPid:/ { print $2 }' "/proc/$1/status")" = "$2" ]; }
# attached_sleep SECONDS [OPTIONS...]: lxc-attach OPTIONS -- sleep SECONDS in
# the background ($ATT_PID: lxc-attach itself); $CMD_PID: the sleep, as the
# host sees it.
attached_sleep() {
	local secs=$1
	shift
	(exec "$LXCMGR_BUILD/tools/lxc-attach" -P "$(P)" -n $N "$@" -- sleep "$secs" < /dev/null) &
	ATT_PID=$!
	until_true found sleep "$secs" || { fail "sleep $secs never ran"; return 1; }
}
end_sleep() { kill "$CMD_PID" 2> /dev/null || true; wait "$ATT_PID" 2> /dev/null || true; }
# The server of the last attached_sleep: the command's parent.
server_pid() { ppid_of "$CMD_PID"; }

test_the_command_is_the_servers_child() {
	need_tools || return 0
	running
	attached_sleep 7301 || return 1
	local srv; srv=$(server_pid)
	assert_contains "$(readlink "/proc/$srv/exe")" "/memfd:lxcmgr-attachd" "the parent's binary"
	assert_eq "$(tr '\0' ' ' < "/proc/$srv/cmdline" | cut -d' ' -f1)" lxcmgr-attachd "its argv[0]"
	# Not in the container's pid namespace: one pid, the host's; the
	# command has two.
	assert_eq "$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$srv/status")" 1 "server's pids"
	assert_eq "$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$CMD_PID/status")" 2 "command's pids"
	# In init's namespaces but the cgroup one, which only its children enter.
	local init; init=$(lxc_info -P "$(P)" -n $N -p | awk '{print $2}')
	for ns in mnt uts ipc net; do
		assert_eq "$(readlink "/proc/$srv/ns/$ns")" "$(readlink "/proc/$init/ns/$ns")" "server's $ns"
	done
	assert_eq "$(readlink "/proc/$srv/ns/pid_for_children")" "$(readlink "/proc/$init/ns/pid")" \
		"server's children's pid namespace"
	assert_eq "$(readlink "/proc/$CMD_PID/ns/cgroup")" "$(readlink "/proc/$init/ns/cgroup")" \
		"command's cgroup namespace"
	# Sessions of their own: no terminal of the host's, and kill(0) in one
	# command reaches neither the server nor another client's command.
	assert_eq "$(sid_of "$CMD_PID")" "$CMD_PID" "the command's session"
	assert_eq "$(sid_of "$srv")" "$srv" "the server's session"
	# Small: no libc (reported in bench/README.md).
	local rss; rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$srv/status")
	[ "$rss" -lt 100 ] || fail "server's RSS ${rss} KiB, not under 100"
	# Nothing of the host but /dev/null as stdio, its socket, init's pidfd,
	# the cgroup.procs files (and the command's pidfd and client now).
	local fd target
	for fd in /proc/$srv/fd/*; do
		target=$(readlink "$fd")
		case "$target" in
		/dev/null | socket:* | anon_inode:\[pidfd\] | */cgroup.procs) ;;
		*) fail "server holds ${fd##*/} -> $target" ;;
		esac
	done
	end_sleep
}

test_server_is_not_dumpable_before_it_enters_the_namespaces() {
	need_tools || return 0
	command -v strace > /dev/null || { skip "no strace"; return 0; }
	running
	# init's parent: the monitor, which starts the server at the first
	# attach. Traced meanwhile (strace attached once it is the tracer).
	local mon; mon=$(ppid_of "$(lxc_info -P "$(P)" -n $N -p | awk '{print $2}')")
	strace -f -o "$T/trace" -e trace=prctl,setns -p "$mon" 2> /dev/null &
	local tracer=$!
	until_true traced_by "$mon" "$tracer" || { fail "strace did not attach"; return 1; }
	att -- true < /dev/null
	kill "$tracer"; wait "$tracer" 2> /dev/null || true
	local dumpable setns
	dumpable=$(grep -En 'PR_SET_DUMPABLE, (0|SUID_DUMP_DISABLE)' "$T/trace" | head -n1 | cut -d: -f1)
	setns=$(grep -n 'setns(' "$T/trace" | head -n1 | cut -d: -f1)
	[ -n "$dumpable" ] && [ -n "$setns" ] ||
		{ fail "trace lacks prctl or setns: $(cat "$T/trace")"; return 1; }
	[ "$dumpable" -lt "$setns" ] || fail "PR_SET_DUMPABLE 0 (line $dumpable) after setns (line $setns)"
	assert_eq "$(sed -n "${dumpable}p" "$T/trace" | awk '{print $1}')" \
		"$(sed -n "${setns}p" "$T/trace" | awk '{print $1}')" "process of prctl and setns"
}

test_exit_status_and_stdio_through_the_server() {
	need_tools || return 0
	running
	local rc=0
	att -- sh -c 'exit 3' < /dev/null || rc=$?
	assert_eq "$rc" 3 "sh -c 'exit 3'"
	rc=0; att -- sh -c 'kill -9 $$' < /dev/null || rc=$?
	assert_eq "$rc" 137 "killed by SIGKILL"
	att -- sh -c 'echo to-out; echo to-err >&2; cat' > "$T/out" 2> "$T/err" <<< "from-in"
	assert_eq "$(cat "$T/out")" "$(printf 'to-out\nfrom-in')" "stdout"
	assert_eq "$(cat "$T/err")" "to-err" "stderr"
	assert_eq "$(printf 'abc' | att -- wc -c | tr -d ' ')" 3 "EOF on stdin"
	# These went through the server: there is one, the monitor's child.
	attached_sleep 7302 || return 1
	assert_contains "$(readlink "/proc/$(server_pid)/exe")" "/memfd:lxcmgr-attachd"
	end_sleep
}

test_killed_server_is_replaced() {
	need_tools || return 0
	running
	attached_sleep 7303 || return 1
	local old; old=$(server_pid)
	end_sleep
	kill -9 "$old"
	until_true gone "$old" || fail "server $old still runs"
	local rc=0
	att -- sh -c 'exit 4' < /dev/null || rc=$?
	assert_eq "$rc" 4 "the attach after the kill"
	attached_sleep 7304 || return 1
	local new; new=$(server_pid)
	[ "$new" != "$old" ] || fail "the same server ($old) after it was killed"
	assert_contains "$(readlink "/proc/$new/exe")" "/memfd:lxcmgr-attachd" "the new one"
	end_sleep
}
gone() { ! kill -0 "$1" 2> /dev/null; }

test_reboot_in_place_gets_a_server_in_the_new_namespaces() {
	need_tools || return 0
	running
	attached_sleep 7305 || return 1
	local old old_net; old=$(server_pid); old_net=$(readlink "/proc/$old/ns/net")
	end_sleep
	lxc_stop -P "$(P)" -n $N -r -t 30
	lxc_wait -P "$(P)" -n $N -s RUNNING -t 30
	local init; init=$(lxc_info -P "$(P)" -n $N -p | awk '{print $2}')
	attached_sleep 7306 || return 1
	local new; new=$(server_pid)
	[ "$new" != "$old" ] || fail "the old server ($old) after a reboot"
	gone "$old" || fail "the old server ($old) still runs"
	assert_eq "$(readlink "/proc/$CMD_PID/ns/net")" "$(readlink "/proc/$init/ns/net")" \
		"command's network namespace"
	[ "$(readlink "/proc/$CMD_PID/ns/net")" != "$old_net" ] || fail "the old network namespace"
	end_sleep
}

test_options_it_does_not_serve_take_lxc_attachs_own_path() {
	need_tools || return 0
	running
	# -s, -e: the command is lxc-attach's own child.
	attached_sleep 7307 -s UTSNAME || return 1
	assert_eq "$(server_pid)" "$ATT_PID" "parent with -s"
	end_sleep
	attached_sleep 7308 -e || return 1
	assert_eq "$(server_pid)" "$ATT_PID" "parent with -e"
	end_sleep
	attached_sleep 7309 || return 1
	[ "$(server_pid)" != "$ATT_PID" ] || fail "no server for a plain attach"
	end_sleep
}

test_a_monitor_without_a_server_leaves_lxc_attach_its_own_path() {
	need_tools || return 0
	LXCMGR_ATTACHD_PATH=/nonexistent/lxcmgr-attachd running
	local rc=0
	att -- sh -c 'exit 5' < /dev/null || rc=$?
	assert_eq "$rc" 5 "exit status"
	attached_sleep 7310 || return 1
	assert_eq "$(server_pid)" "$ATT_PID" "parent without a server"
	end_sleep
}

# tmux (TM, wait_for_pane: lib.sh) on a server of our own.
interactive() {
	TM new-session -d -s "$S" -x 100 -y 30 "env LXCMGR_CONFIG_PATH='$LXCMGR_CONFIG_PATH' \
		LXCMGR_RUNTIME_PATH='$LXCMGR_RUNTIME_PATH' LXCMGR_EXEC_PATH='$LXCMGR_EXEC_PATH' \
		'$LXCMGR_BUILD/tools/lxc-attach' -P '$(P)' -n $N; echo EXITED-\$?; \
		stty -a | grep -o -- '-*icanon' | sed 's/^/MODE/'; sleep 600" || return 1
	wait_for_pane "root@$N:~#" || return 1
	TM send-keys -t "$S" 'sleep 7311 & echo hello-$((6*7)); tty' Enter
	wait_for_pane "hello-42" || return 1
	until_true found sleep 7311 || { fail "no sleep 7311"; return 1; }
	local sh; sh=$(ppid_of "$CMD_PID")
	assert_contains "$(readlink "/proc/$(ppid_of "$sh")/exe")" "/memfd:lxcmgr-attachd" \
		"the shell's parent" || return 1
	TM send-keys -t "$S" 'kill %1; stty size' Enter
	wait_for_pane "30 100" || return 1
	TM resize-window -t "$S" -x 80 -y 20
	TM send-keys -t "$S" 'stty size' Enter
	wait_for_pane "20 80" || return 1
	TM send-keys -t "$S" 'exit 5' Enter
	wait_for_pane "EXITED-5" || return 1
	wait_for_pane "MODEicanon" || return 1
	assert_contains "$(pane_text)" "/dev/pts/" "a pty"
}

test_interactive_shell_through_the_server() {
	need_tools || return 0
	need_tmux || return 0
	running
	in_pane lxcmgr-test-attachd-$$ interactive
}

# A join the kernel refuses names the cgroup.procs written to: the server,
# made real-time, is kept out of the container's cpu cgroup, which has no
# real-time budget; its child inherits its policy, the client's does not
# count (lxc-attach's own path is in test-attach.sh).
test_a_refused_cgroup_join_names_the_file() {
	need_tools || return 0
	need_rt_group_sched || return 0
	running
	attached_sleep 7311 || return 1
	local srv; srv=$(server_pid)
	end_sleep
	local monitor payload; monitor=$(cpu_cgroup_of "$srv")
	payload=$(cpu_cgroup_of "$(lxc_info -P "$(P)" -n $N -p | awk '{print $2}')")
	case $monitor in */"$(_test_cgroup_dir)"/*) ;;
	*) fail "the monitor's cpu cgroup $monitor is not beneath the test's"; return 1 ;; esac
	# A real-time budget for the test's own cgroup and the monitor's within
	# it, parents first; the payload keeps none.
	echo 10000 > "${monitor%/*}/cpu.rt_runtime_us" && echo 10000 > "$monitor/cpu.rt_runtime_us" ||
		{ skip "the test's cpu cgroup gets no real-time budget from its parent"; return 0; }
	chrt -f -p 1 "$srv"
	# Through lxc-attach's front and through the full tool's own request.
	local hint="Invalid argument (a real-time process joins only a cpu cgroup whose cpu.rt_runtime_us"
	assert_fails env LXCMGR_ATTACH_FRONT=strict "$LXCMGR_BUILD/tools/lxc-attach" -P "$(P)" -n $N \
		-- true < /dev/null
	assert_contains "$err" "write to \"$payload/cgroup.procs\" to join the container's cgroup: $hint"
	assert_fails "$LXCMGR_ATTACH_FULL_PATH" -P "$(P)" -n $N -- true < /dev/null
	assert_contains "$err" "write to \"$payload/cgroup.procs\" to join the container's cgroup: $hint"
}

run_tests
