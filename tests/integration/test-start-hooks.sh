#!/usr/bin/env bash
# lxc.hook.*: where each of the start-time hook types runs, in what order,
# with what arguments and environment, and what a failing hook does.
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-hook
CONF() { echo "$(P)/$N/config"; }

create() { lxc_create -P "$(P)" -n $N -t busybox > /dev/null; }
init_pid() { lxc_info -P "$(P)" -n $N -p | awk '{print $2}'; }
line_of() { grep -n -F -- "$1" "$(CONF)" | tail -1 | cut -d: -f1; }

# A hook that records one line per call: its type (from the arguments in
# version 0, from LXC_HOOK_TYPE in version 1), its mount namespace, and the
# variables under test.
write_recorder() {
	cat > "$T/hook" <<EOF
#!/bin/sh
type=\${LXC_HOOK_TYPE:-\$3}
echo "\$type mnt=\$(readlink /proc/self/ns/mnt) pid=\$LXC_PID target=\$LXC_TARGET" \
	"name=\$LXC_NAME rootfs=\$LXC_ROOTFS_MOUNT version=\$LXC_HOOK_VERSION" \
	"section=\$LXC_HOOK_SECTION netns=\$LXC_NET_NS args=\$*" >> "$T/hooks.log"
case "\$type" in
mount) [ -e "\$LXC_ROOTFS_MOUNT/proc/uptime" ] && echo "mount: proc is mounted" >> "$T/hooks.log" ;;
autodev) [ -c "\$LXC_ROOTFS_MOUNT/dev/null" ] && touch "\$LXC_ROOTFS_MOUNT/dev/made-by-autodev-hook" ;;
esac
exit 0
EOF
	chmod +x "$T/hook"
	# The start hook runs inside the container: its path is the container's.
	printf '#!/bin/sh\necho "start in=$(hostname) v=$LXC_HOOK_VERSION container=$container args=$*" >> /start-hook.log\n' \
		> "$(P)/$N/rootfs/start-hook"
	chmod +x "$(P)/$N/rootfs/start-hook"
	local t
	for t in pre-start pre-mount mount autodev start-host stop post-stop; do
		echo "lxc.hook.$t = $T/hook" >> "$(CONF)"
	done
	echo "lxc.hook.start = /start-hook" >> "$(CONF)"
}

field() { # TYPE NAME: NAME=value from TYPE's first line in the log ("args" is the rest)
	awk -v t="$1" -v f="$2" '$1 == t {
		if (f == "args") { sub(/.* args=/, ""); print; exit }
		for (i = 2; i <= NF; i++) if (index($i, f "=") == 1) { print substr($i, length(f) + 2); exit }
	}' "$T/hooks.log"
}

test_every_start_hook_type_runs_in_order_and_in_its_place() {
	need_root || return 0
	create
	write_recorder
	lxc_start -P "$(P)" -n $N
	local pid host_mnt
	pid=$(init_pid)
	host_mnt=$(readlink /proc/self/ns/mnt)
	assert_eq "$(awk '{print $1}' "$T/hooks.log" | tr '\n' ' ')" \
		"pre-start pre-mount mount mount: autodev start-host " "order of the hooks"
	assert_eq "$(field pre-start mnt)" "$host_mnt" "pre-start runs on the host"
	assert_eq "$(field start-host mnt)" "$host_mnt" "start-host runs on the host"
	local t
	for t in pre-mount mount autodev; do
		assert_eq "$(field $t mnt)" "$(readlink /proc/"$pid"/ns/mnt)" "$t runs in the container's mount namespace"
	done
	assert_eq "$(field start-host pid)" "$pid" "LXC_PID of start-host"
	assert_eq "$(field pre-start args)" "$N lxc pre-start" "version 0 arguments"
	assert_eq "$(field pre-start name)" "$N" "LXC_NAME"
	assert_eq "$(field pre-start rootfs)" "$(P)/$N/rootfs" "LXC_ROOTFS_MOUNT"
	assert_eq "$(field pre-start version)" "0" "LXC_HOOK_VERSION"
	assert_contains "$(cat "$T/hooks.log")" "mount: proc is mounted"
	[ -e "/proc/$pid/root/dev/made-by-autodev-hook" ] || fail "the autodev hook's file is not in the container's /dev"
	assert_eq "$(cat "$(P)/$N/rootfs/start-hook.log")" "start in=$N v=0 container=lxc args=$N lxc start" \
		"the start hook, inside the container with init's environment"
	lxc_stop -P "$(P)" -n $N -k
	assert_eq "$(awk '{print $1}' "$T/hooks.log" | tail -2 | tr '\n' ' ')" "stop post-stop " "hooks after the stop"
	assert_eq "$(field stop target)" "stop" "LXC_TARGET"
	assert_contains "$(field stop args)" "$N lxc stop mnt:/proc/" "the stop hook's namespace arguments"
	assert_contains "$(grep '^stop' "$T/hooks.log")" " net:/proc/" "the stop hook's network namespace"
	assert_eq "$(field post-stop target)" "stop" "LXC_TARGET of post-stop"
}

test_version_1_hooks_get_variables_not_arguments() {
	need_root || return 0
	create
	write_recorder
	echo "lxc.hook.version = 1" >> "$(CONF)"
	lxc_start -P "$(P)" -n $N
	lxc_stop -P "$(P)" -n $N -k
	assert_eq "$(awk '{print $1}' "$T/hooks.log" | grep -v : | tr '\n' ' ')" \
		"pre-start pre-mount mount autodev start-host stop post-stop " "LXC_HOOK_TYPE of each"
	assert_eq "$(field pre-mount args)" "" "arguments"
	assert_eq "$(field pre-mount section)" "lxc" "LXC_HOOK_SECTION"
	assert_eq "$(field pre-mount version)" "1" "LXC_HOOK_VERSION"
	local netns; netns=$(field stop netns)
	case "$netns" in /proc/[0-9]*/fd/[0-9]*) ;; *) fail "LXC_NET_NS of the stop hook: '$netns'" ;; esac
	assert_eq "$(cat "$(P)/$N/rootfs/start-hook.log")" "start in=$N v=1 container=lxc args=" "start hook"
}

test_reboot_tells_the_stop_hooks() {
	need_root || return 0
	create
	write_recorder
	lxc_start -P "$(P)" -n $N
	local pid; pid=$(init_pid)
	lxc_stop -P "$(P)" -n $N -r -t 10
	# lxc-stop -r returns once the new init runs: its pid differs at once.
	local new; new=$(init_pid) || new=
	[ -n "$new" ] && [ "$new" != "$pid" ] || { fail "no new init after lxc-stop -r"; return 1; }
	assert_eq "$(field stop target)" "reboot" "LXC_TARGET of the stop hook"
	assert_eq "$(grep -c '^pre-start' "$T/hooks.log")" 2 "pre-start hooks run again on a reboot"
	lxc_stop -P "$(P)" -n $N -k
}

# TYPE EXIT: a hook of TYPE that fails; the start must fail with its words.
check_failing_hook() {
	local type=$1
	create
	printf '#!/bin/sh\necho "hook says: disk on fire" >&2\nexit 3\n' > "$T/bad"
	chmod +x "$T/bad"
	[ "$type" = start ] && { cp "$T/bad" "$(P)/$N/rootfs/bad"; echo "lxc.hook.start = /bad" >> "$(CONF)"; } \
		|| echo "lxc.hook.$type = $T/bad" >> "$(CONF)"
	local line; line=$(line_of "lxc.hook.$type")
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "$type hook"
	assert_contains "$err" "failed with exit status 3: hook says: disk on fire"
	assert_contains "$err" "(lxc.hook.$type, $(CONF):$line)"
	assert_contains "$(lxc_info -P "$(P)" -n $N -s)" "STOPPED"
	assert_eq "$(grep -c "$(P)/$N" /proc/self/mountinfo)" 0 "mounts left on the host"
	assert_eq "$(ls -A "$T/run/c" 2> /dev/null)" "" "sockets left"
}

test_failing_pre_start_hook_stops_the_start() { need_root || return 0; check_failing_hook pre-start; }
test_failing_pre_mount_hook_stops_the_start() { need_root || return 0; check_failing_hook pre-mount; }
test_failing_mount_hook_stops_the_start() { need_root || return 0; check_failing_hook mount; }
test_failing_autodev_hook_stops_the_start() { need_root || return 0; check_failing_hook autodev; }
test_failing_start_host_hook_stops_the_start() { need_root || return 0; check_failing_hook start-host; }
test_failing_start_hook_stops_the_start() { need_root || return 0; check_failing_hook start; }

test_missing_hook_program_is_named() {
	need_root || return 0
	create
	echo "lxc.hook.mount = /nonexistent-lxcmgr-hook --flag" >> "$(CONF)"
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "run mount hook \"/nonexistent-lxcmgr-hook --flag\": No such file or directory"
	assert_contains "$err" "(lxc.hook.mount, $(CONF):$(line_of lxc.hook.mount))"
}

test_hook_commands_are_quoted_as_in_sh_but_not_run_by_one() {
	need_root || return 0
	create
	cat >> "$(CONF)" <<EOF
lxc.hook.version = 1
lxc.hook.pre-start = /bin/sh -c 'printf "%s|" "\$LXC_HOOK_TYPE" "\$1" > "$T/quoted"' sh "two words" \$HOME
EOF
	lxc_start -P "$(P)" -n $N
	lxc_stop -P "$(P)" -n $N -k
	# "$1" is "two words": one argument; our $HOME reached sh unexpanded.
	assert_eq "$(cat "$T/quoted")" "pre-start|two words|" "what the hook printed"
}

test_unclosed_quote_in_a_hook_is_a_config_error() {
	need_root || return 0
	create
	echo "lxc.hook.pre-start = /bin/sh -c 'echo" >> "$(CONF)"
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "$(CONF):$(line_of lxc.hook.pre-start): lxc.hook.pre-start"
	assert_contains "$err" "a quote is never closed"
}

test_autodev_hook_without_autodev_is_reported_not_dropped() {
	need_root || return 0
	create
	write_recorder
	sed -i '/^lxc.autodev/d' "$(CONF)"
	echo "lxc.autodev = 0" >> "$(CONF)"
	# Without autodev /dev is the rootfs's own; the busybox rootfs has one.
	local out
	out=$(lxc_start -P "$(P)" -n $N 2>&1) || { fail "start: $out"; return 1; }
	assert_contains "$out" "lxc.hook.autodev ($(CONF):$(line_of lxc.hook.autodev)) is not run: lxc.autodev is 0"
	assert_not_contains "$(awk '{print $1}' "$T/hooks.log")" "autodev" "hooks run"
	lxc_stop -P "$(P)" -n $N -k
}


# A start held in a hook is STARTING for everyone who asks: lxc-info,
# lxc-wait, and an lxc-monitor that comes only then (it learns the state
# from the monitor, not from seeing the socket appear). A request that needs
# init (lxc-attach) waits until init runs. Each hook blocks on a fifo until
# the test opens it, so nothing depends on timing.
check_starting_while_hook_runs() { # HOOK-TYPE
	local gate=$T/gate start attach
	MON=""
	mkfifo "$gate"
	printf '#!/bin/sh\nread -r _ < "%s"\n' "$gate" > "$T/hook"
	chmod +x "$T/hook"
	echo "lxc.hook.$1 = $T/hook" >> "$(CONF)"
	# However the test ends, the hook is let go (else lxc-start waits for ever).
	trap "[ ! -p '$gate' ] || timeout 10 sh -c 'echo go > \"$gate\"' 2> /dev/null || :
		[ -z \"\$MON\" ] || kill \"\$MON\" 2> /dev/null || :" EXIT
	lxc_start -P "$(P)" -n $N > "$T/start.out" 2>&1 &
	start=$!
	lxc_wait -P "$(P)" -n $N -s STARTING -t 30 || { fail "lxc-wait -s STARTING failed"; return 1; }
	assert_eq "$(lxc_info -P "$(P)" -n $N -s)" "State:          STARTING" "lxc-info -s in $1"
	(exec "$LXCMGR_BUILD/tools/lxc-monitor" -P "$(P)" -n $N) > "$T/mon.out" 2>&1 &
	MON=$!
	lxc_attach -P "$(P)" -n $N -- cat /proc/1/comm > "$T/attach.out" 2> "$T/attach.err" < /dev/null &
	attach=$!
	local i
	for i in $(seq 300); do grep -q STARTING "$T/mon.out" && break; sleep 0.1; done
	timeout 30 sh -c "echo go > \"$gate\""
	rm "$gate"
	wait "$start" || { fail "lxc-start: $(cat "$T/start.out")"; return 1; }
	wait "$attach" || { fail "lxc-attach: $(cat "$T/attach.err")"; return 1; }
	assert_eq "$(cat "$T/attach.out")" "init" "lxc-attach made while STARTING"
	lxc_wait -P "$(P)" -n $N -s RUNNING -t 30
	for i in $(seq 300); do grep -q RUNNING "$T/mon.out" && break; sleep 0.1; done
	assert_eq "$(sed -n "s/^'$N' changed state to \[\([A-Z]*\)\]\$/\1/p" "$T/mon.out" | tr '\n' ' ')" \
		"STARTING RUNNING " "lxc-monitor started while in $1"
	assert_eq "$(lxc_info -P "$(P)" -n $N -s)" "State:          RUNNING" "lxc-info -s after the start"
	lxc_stop -P "$(P)" -n $N -k
}
test_starting_while_a_pre_start_hook_runs() { need_root || return 0; create; check_starting_while_hook_runs pre-start; }
test_starting_while_a_mount_hook_runs() { need_root || return 0; create; check_starting_while_hook_runs mount; }
test_starting_while_a_start_host_hook_runs() { need_root || return 0; create; check_starting_while_hook_runs start-host; }

run_tests
