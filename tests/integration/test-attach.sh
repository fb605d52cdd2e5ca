#!/usr/bin/env bash
# lxc-attach on real busybox containers: exit status, stdio, environment,
# users, namespaces, what init has (capabilities, no_new_privs), the
# protections against the container (fds, cwd, dumpable, /proc/self/exe),
# and an interactive shell on a pty driven through tmux.
. "$(dirname "$0")/../lib.sh"

export LXCMGR_EXEC_PATH="$LXCMGR_BUILD/tools/lxcmgr-exec"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-attach
R() { echo "$T/lxcpath/$N/rootfs"; }
att() { lxc_attach -P "$(P)" -n $N "$@"; }
# served: through lxc-attach's front, which must not hand over to the full
# tool (test-attach-front.sh); the container's attach server runs after
# the first attach, which `running` makes.
served() { LXCMGR_ATTACH_FRONT=strict lxc_attach -P "$(P)" -n $N "$@"; }
init_pid() { lxc_info -P "$(P)" -n $N -p | awk '{print $2}'; }

# running [LINE...]: the busybox container $N running (busybox_running).
running() {
	busybox_running "$(P)" $N "$@"
	att -- true < /dev/null
}

need_tools() {
	need_root || return 1
	[ -x "$LXCMGR_BUILD/tools/lxc-attach" ] && [ -x "$LXCMGR_EXEC_PATH" ] ||
		{ skip "lxc-attach or lxcmgr-exec not built"; return 1; }
}

test_exit_status_is_the_commands() {
	need_tools || return 0
	running
	local rc=0
	served -- sh -c 'exit 3' < /dev/null || rc=$?
	assert_eq "$rc" 3 "sh -c 'exit 3'"
	rc=0; served -- sh -c 'kill -9 $$' < /dev/null || rc=$?
	assert_eq "$rc" 137 "killed by SIGKILL"
	rc=0; served -- true < /dev/null || rc=$?
	assert_eq "$rc" 0 "true"
	rc=0; err=$(served -- /no/such/command 2>&1 < /dev/null) || rc=$?
	assert_eq "$rc" 127 "a missing command"
	assert_contains "$err" 'exec "/no/such/command": No such file or directory'
	rc=0; err=$(served -- /etc/passwd 2>&1 < /dev/null) || rc=$?
	assert_eq "$rc" 126 "a file that is not executable"
	assert_contains "$err" "Permission denied"
}

test_stdout_stderr_and_stdin_stay_separate() {
	need_tools || return 0
	running
	served -- sh -c 'echo to-out; echo to-err >&2; cat' > "$T/out" 2> "$T/err" <<< "from-in"
	assert_eq "$(cat "$T/out")" "$(printf 'to-out\nfrom-in')" "stdout"
	assert_eq "$(cat "$T/err")" "to-err" "stderr"
	# EOF on stdin reaches the command: wc ends and counts.
	assert_eq "$(printf 'abc' | served -- wc -c | tr -d ' ')" 3 "bytes through stdin"
}

test_sigterm_to_lxc_attach_reaches_the_command() {
	need_tools || return 0
	running
	# exec: $! must be lxc-attach itself, not a subshell running it.
	(LXCMGR_ATTACH_FRONT=strict exec "$LXCMGR_BUILD/tools/lxc-attach" -P "$(P)" -n $N -- \
		sh -c 'trap "echo got-term; exit 9" TERM; touch /ready; sleep 600 & wait') \
		> "$T/out" < /dev/null &
	local pid=$! rc=0 i
	for i in $(seq 400); do [ -e "$(R)/ready" ] && break; sleep 0.05; done
	[ -e "$(R)/ready" ] || { fail "the command never started"; kill -9 $pid; return 1; }
	kill -TERM $pid
	wait $pid || rc=$?
	assert_eq "$rc" 9 "exit status after SIGTERM"
	assert_eq "$(cat "$T/out")" "got-term" "the command's trap"
}

test_large_output_through_pipes_is_intact() {
	need_tools || return 0
	running
	head -c $((20 << 20)) /dev/urandom > "$(R)/big"
	local want; want=$(sha256sum < "$(R)/big" | cut -d' ' -f1)
	assert_eq "$(served -- cat /big < /dev/null | sha256sum | cut -d' ' -f1)" "$want" "20 MiB out"
	assert_eq "$(served -- sha256sum < "$(R)/big" | cut -d' ' -f1)" "$want" "20 MiB in"
}

test_default_environment_is_clean() {
	need_tools || return 0
	running
	local env
	env=$(FOO=bar HOME=/host/home HISTFILE=/host/hist TERM=xterm-test served -- env < /dev/null | sort)
	assert_eq "$env" "$(printf '%s\n' HOME=/root LOGNAME=root \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SHELL=/bin/sh \
		TERM=xterm-test USER=root container=lxc | sort)" "environment"
}

test_keep_env_clear_env_set_var_keep_var() {
	need_tools || return 0
	running
	local env
	env=$(FOO=bar att --keep-env -- env < /dev/null)
	assert_contains "$env" "FOO=bar" "--keep-env"
	assert_contains "$env" "container=lxc" "--keep-env"
	assert_contains "$env" "PATH=$PATH" "--keep-env keeps PATH"
	env=$(FOO=bar att --clear-env -- env < /dev/null | sort)
	assert_eq "$env" "$(printf 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\ncontainer=lxc')" "--clear-env"
	env=$(FOO=bar BAZ=qux att --clear-env --keep-var FOO -v A=1 -v PATH=/usr/bin:/bin -- env < /dev/null | sort)
	assert_eq "$env" "$(printf 'A=1\nFOO=bar\nPATH=/usr/bin:/bin\ncontainer=lxc')" "-v and --keep-var"
	assert_fails att -v NOEQUALS -- true
	assert_contains "$err" "NAME=VALUE"
}

test_lxc_environment_applies_to_attach() {
	need_tools || return 0
	running "lxc.environment = FROMCONF=1" "lxc.environment = BARE"
	local env
	env=$(BARE=from-caller served -- env < /dev/null)
	assert_contains "$env" "FROMCONF=1"
	assert_contains "$env" "BARE=from-caller" "a bare name takes the caller's value"
	env=$(served --clear-env -v FROMCONF=2 -- env < /dev/null)
	assert_contains "$env" "FROMCONF=2" "-v comes last"
}

test_remount_sys_proc_shows_the_joined_namespaces() {
	need_tools || return 0
	running
	# The host's file system, with /proc of the container's pid namespace
	# and /sys of its network namespace: only lo, and init as pid 1.
	assert_eq "$(att -s 'NETWORK|PID' -R -- ls /sys/class/net < /dev/null)" "lo" "/sys/class/net"
	assert_eq "$(att -s 'NETWORK|PID' -R -- cat /proc/1/comm < /dev/null)" \
		"$(cat /proc/"$(init_pid)"/comm)" "pid 1"
	assert_eq "$(att -s 'NETWORK|PID' -- ls /sys/class/net < /dev/null)" "$(ls /sys/class/net)" \
		"without -R: the host's /sys"
	# Ours are left alone.
	assert_eq "$(readlink /proc/self/ns/mnt)" "$(readlink /proc/$$/ns/mnt)" "our mount namespace"
	[ -d /proc/"$(init_pid)" ] || fail "the host's /proc is gone"
	assert_fails att -R -- true
	assert_contains "$err" "-R remounts /proc and /sys when the mount namespace is not joined"
}

test_user_and_group_switching() {
	need_tools || return 0
	running
	echo "user:x:1000:1000:user:/home/user:/bin/sh" >> "$(R)/etc/passwd"
	mkdir -p "$(R)/home/user" && chown 1000:1000 "$(R)/home/user"
	assert_eq "$(served -u 1000 -- sh -c 'echo $(id -u) $(id -g) $(id -G) $USER $HOME $(pwd)' < /dev/null)" \
		"1000 1000 1000 user /home/user /home/user" "-u 1000"
	assert_eq "$(served -u 1000 -g 5 -- id -g < /dev/null)" 5 "-g 5"
	# Supplementary groups: the container's /etc/group, as a login gives them.
	printf '%s\n' 'wheel:x:10:other,user' 'audio:x:29:user' 'video:x:44:other' >> "$(R)/etc/group"
	assert_eq "$(served -u 1000 -- id -G < /dev/null)" "1000 10 29" "groups of -u 1000"
	assert_eq "$(served -u 1000 -g 5 -- id -G < /dev/null)" "5 10 29" "groups of -u 1000 -g 5"
	assert_eq "$(served -- id -G < /dev/null)" "0" "groups of root"
	assert_eq "$(served -u 4242 -- id -G < /dev/null)" "0" "groups of a user not in /etc/passwd"
	# A user whose home does not exist starts in /.
	assert_eq "$(served -u 65534 -- sh -c 'echo $USER $(pwd)' < /dev/null)" "nobody /" "-u 65534"
	# An unprivileged user has no capabilities left.
	assert_eq "$(served -u 1000 -- grep CapEff /proc/self/status < /dev/null | awk '{print $2}')" \
		0000000000000000 "capabilities of uid 1000"
}

test_namespaces_are_inits() {
	need_tools || return 0
	running
	local pid ns inside; pid=$(init_pid)
	for ns in mnt pid net ipc uts cgroup time; do
		inside=$(att -- readlink /proc/self/ns/$ns < /dev/null)
		assert_eq "$inside" "$(readlink /proc/"$pid"/ns/$ns)" "$ns namespace"
	done
	assert_eq "$(att -- hostname < /dev/null)" "$N" "host name"
	# -s: only the network namespace; the file system stays the host's.
	assert_eq "$(att -s NETWORK -- readlink /proc/self/ns/net < /dev/null)" \
		"$(readlink /proc/"$pid"/ns/net)" "-s NETWORK: net"
	assert_eq "$(att -s NETWORK -- readlink /proc/self/ns/mnt < /dev/null)" \
		"$(readlink /proc/self/ns/mnt)" "-s NETWORK: mnt"
	assert_fails att -s BOGUS -- true
	assert_contains "$err" 'unknown word "BOGUS"'
}

# The command joins init's cgroups: inside the container's cgroup
# namespace both show the same paths. With -e CGROUP it stays in the
# caller's, outside that namespace's root, so its paths differ ("/..").
test_command_joins_the_containers_cgroups() {
	need_tools || return 0
	running
	local init cmd kept
	init=$(att -- cat /proc/1/cgroup < /dev/null)
	cmd=$(att -- cat /proc/self/cgroup < /dev/null)
	assert_contains "$init" ":/" "init's cgroups read inside"
	assert_eq "$cmd" "$init" "the command's cgroups are init's"
	kept=$(att -e CGROUP -- cat /proc/self/cgroup < /dev/null)
	[ "$kept" != "$init" ] || fail "-e CGROUP: the command joined init's cgroups anyway"
	assert_contains "$kept" "/.." "-e CGROUP: the caller's cgroups, outside the container's"
}

# A join the kernel refuses names the cgroup.procs written to, and a fix:
# a real-time lxc-attach is kept out of the container's cpu cgroup, which
# has no real-time budget (lxc-attach's own path; the server's is in
# test-attach-server.sh).
test_a_refused_cgroup_join_names_the_file() {
	need_tools || return 0
	need_rt_group_sched || return 0
	running
	local cpu; cpu=$(cpu_cgroup_of "$(init_pid)")
	[ "$(cat "$cpu/cpu.rt_runtime_us")" = 0 ] ||
		{ fail "the container's cpu cgroup $cpu has a real-time budget"; return 1; }
	assert_fails env LXCMGR_ATTACH_SERVER=0 chrt -f 1 \
		"$LXCMGR_BUILD/tools/lxc-attach" -P "$(P)" -n $N -- true < /dev/null
	assert_contains "$err" "write to \"$cpu/cgroup.procs\" to join the container's cgroup: $(
		)Invalid argument (a real-time process joins only a cpu cgroup whose cpu.rt_runtime_us"
	# The same attach as SCHED_OTHER joins.
	LXCMGR_ATTACH_SERVER=0 att -- true < /dev/null || fail "the same attach as SCHED_OTHER failed"
}

test_time_namespace_is_inits() {
	need_tools || return 0
	running "lxc.time.offset.boot = 1h"
	local pid; pid=$(init_pid)
	[ "$(readlink /proc/"$pid"/ns/time)" != "$(readlink /proc/self/ns/time)" ] ||
		{ skip "init has no time namespace of its own"; return 0; }
	assert_eq "$(att -- readlink /proc/self/ns/time < /dev/null)" "$(readlink /proc/"$pid"/ns/time)" "time namespace"
	# The boot clock is an hour ahead inside.
	local inside outside
	inside=$(att -- cut -d. -f1 /proc/uptime < /dev/null)
	outside=$(cut -d. -f1 /proc/uptime)
	[ $((inside - outside)) -ge 3500 ] || fail "uptime inside $inside, outside $outside: not an hour apart"
}

test_bounding_set_and_no_new_privs_are_inits() {
	need_tools || return 0
	running "lxc.no_new_privs = 1"
	local pid; pid=$(init_pid)
	local want; want=$(awk '/^CapBnd/ {print $2}' /proc/"$pid"/status)
	assert_eq "$(att -- grep CapBnd /proc/self/status < /dev/null | awk '{print $2}')" "$want" "CapBnd"
	assert_eq "$(att -- grep NoNewPrivs /proc/self/status < /dev/null | awk '{print $2}')" 1 "NoNewPrivs"
	# -e CAP keeps ours (the test runs as root with every capability); -eCAP
	# is LXC's spelling, -e CAP ours too.
	assert_eq "$(att -eCAP -- grep CapBnd /proc/self/status < /dev/null | awk '{print $2}')" \
		"$(awk '/^CapBnd/ {print $2}' /proc/self/status)" "CapBnd with -eCAP"
	assert_eq "$(att -e CAP -- grep CapBnd /proc/self/status < /dev/null | awk '{print $2}')" \
		"$(awk '/^CapBnd/ {print $2}' /proc/self/status)" "CapBnd with -e CAP"
	[ "$want" != "$(awk '/^CapBnd/ {print $2}' /proc/self/status)" ] || fail "init dropped nothing"
}

test_cwd_is_inside_the_container() {
	need_tools || return 0
	running
	mkdir -p "$T/host-dir"
	assert_eq "$(cd "$T/host-dir" && att -- readlink /proc/self/cwd < /dev/null)" "/root" "cwd"
	# With the mount namespace left out the command runs in the host's file
	# system, but still not in the caller's directory.
	assert_not_contains "$(cd "$T/host-dir" && att -s NETWORK -- readlink /proc/self/cwd < /dev/null)" \
		"$T" "cwd with -s NETWORK"
}

test_no_host_fd_reaches_the_command() {
	need_tools || return 0
	running
	# ls opens the directory itself: 3.
	local fds
	fds=$(att -- ls /proc/self/fd 7< /etc/hostname 8> "$T/eight" 9<> "$T/nine" < /dev/null | xargs)
	assert_eq "$fds" "0 1 2 3" "fds of the command"
}

test_not_dumpable_before_namespaces_are_entered() {
	need_tools || return 0
	command -v strace > /dev/null || { skip "no strace"; return 0; }
	running
	# LeakSanitizer (the ASan lane) cannot run under ptrace. lxc-attach's
	# own path (the joiner); the server's is in test-attach-server.sh.
	# The tools are plain ELF files (the library's code linked in), not libtool wrappers.
	LXCMGR_ATTACH_SERVER=0 ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		strace -f -o "$T/trace" \
		-e trace=prctl,setns,execve,execveat "$LXCMGR_BUILD/tools/lxc-attach" -P "$(P)" -n $N -- true < /dev/null
	local dumpable setns exec
	dumpable=$(grep -En 'PR_SET_DUMPABLE, (0|SUID_DUMP_DISABLE)' "$T/trace" | head -n1 | cut -d: -f1)
	setns=$(grep -n 'setns(' "$T/trace" | head -n1 | cut -d: -f1)
	exec=$(grep -n 'execveat(' "$T/trace" | head -n1 | cut -d: -f1)
	[ -n "$dumpable" ] && [ -n "$setns" ] && [ -n "$exec" ] ||
		{ fail "trace lacks prctl, setns or execveat: $(cat "$T/trace")"; return 1; }
	[ "$dumpable" -lt "$setns" ] || fail "PR_SET_DUMPABLE 0 (line $dumpable) after setns (line $setns)"
	# The same process: the joiner, whose children inherit it until exec.
	assert_eq "$(sed -n "${dumpable}p" "$T/trace" | awk '{print $1}')" \
		"$(sed -n "${setns}p" "$T/trace" | awk '{print $1}')" "process of prctl and setns"
}

test_proc_self_exe_script_reaches_no_host_binary() {
	need_tools || return 0
	running
	# CVE-2019-5736: the kernel runs "#!/proc/self/exe" with the binary of
	# the process that execs it. That must be the sealed helper (or the
	# sealed attach server), never a host file (lxc-attach would fail to
	# load liblxcmgr in here). Through the server, then lxc-attach's own path.
	printf '#!/proc/self/exe\n' > "$(R)/evil" && chmod 755 "$(R)/evil"
	local rc=0
	err=$(att -- /evil 2>&1 < /dev/null) || rc=$?
	assert_eq "$rc" 126 "exit status"
	assert_contains "$err" "lxcmgr-attachd: not a command"
	assert_not_contains "$err" "liblxcmgr"
	rc=0
	err=$(LXCMGR_ATTACH_SERVER=0 att -- /evil 2>&1 < /dev/null) || rc=$?
	assert_eq "$rc" 126 "exit status (own path)"
	assert_contains "$err" "lxcmgr-exec: not a command"
	assert_not_contains "$err" "liblxcmgr"
}

test_stopped_container_and_unsupported_options() {
	need_tools || return 0
	assert_fails att -- true
	assert_eq "lxc-attach: $N: no container \"$N\" in \"$(P)\"" "$err"
	lxc_create -P "$(P)" -n $N -t busybox > /dev/null
	assert_fails att -- true
	assert_contains "$err" "is not running"
	assert_fails att -a x86_64 -- true
	assert_contains "$err" "not supported yet"
	assert_fails att --rcfile /dev/null -- true
	assert_contains "$err" "--rcfile is not supported"
	assert_contains "$(att --help)" "Usage: lxc-attach"
}

# ------------------------------------------------------------ interactive

# tmux (TM, wait_for_pane: lib.sh) on a server of our own, so nothing of
# anyone else's is touched and nothing is left behind.
interactive() {
	TM new-session -d -s "$S" -x 100 -y 30 "env LXCMGR_CONFIG_PATH='$LXCMGR_CONFIG_PATH' \
		LXCMGR_RUNTIME_PATH='$LXCMGR_RUNTIME_PATH' LXCMGR_EXEC_PATH='$LXCMGR_EXEC_PATH' \
		'$LXCMGR_BUILD/tools/lxc-attach' -P '$(P)' -n $N -L '$T/ptylog'; \
		echo EXITED-\$?; stty -a | grep -o -- '-*icanon' | sed 's/^/MODE/'; \
		env LXCMGR_CONFIG_PATH='$LXCMGR_CONFIG_PATH' LXCMGR_RUNTIME_PATH='$LXCMGR_RUNTIME_PATH' \
		LXCMGR_EXEC_PATH='$LXCMGR_EXEC_PATH' '$LXCMGR_BUILD/tools/lxc-attach' -P '$(P)' -n $N \
		-- sh -c 'echo out-line; tty' > '$T/redir'; echo REDIR-\$?; sleep 600" || return 1
	wait_for_pane "root@$N:~#" || return 1
	TM send-keys -t "$S" 'echo hello-$((6*7)); tty' Enter
	wait_for_pane "hello-42" || return 1
	TM send-keys -t "$S" 'stty size' Enter
	wait_for_pane "30 100" || return 1
	TM resize-window -t "$S" -x 80 -y 20
	TM send-keys -t "$S" 'stty size' Enter
	wait_for_pane "20 80" || return 1
	TM send-keys -t "$S" 'exit 5' Enter
	wait_for_pane "EXITED-5" || return 1
	# The terminal is back in cooked mode (icanon, not -icanon).
	wait_for_pane "MODEicanon" || return 1
	assert_contains "$(TM capture-pane -p -t "$S")" "/dev/pts/" "a pty" || return 1
	assert_contains "$(cat "$T/ptylog")" "hello-42" "the pty log" || return 1
	# stdin a terminal, stdout a file: the file gets the command's bytes as
	# they are (no pty in between: no \r), stdin is the pty.
	wait_for_pane "REDIR-0" || return 1
	assert_eq "$(head -n1 "$T/redir")" "out-line" "stdout redirected to a file" || return 1
	assert_contains "$(tail -n1 "$T/redir")" "/dev/pts/" "tty of the redirected command"
}

test_interactive_shell_through_tmux() {
	need_tools || return 0
	need_tmux || return 0
	running
	in_pane lxcmgr-test-attach-$$ interactive
}

run_tests
