#!/usr/bin/env bash
# lxc-create: templates, configs, and that a failed or interrupted create
# leaves nothing behind (or says so).
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }

# A template script in $T that runs BODY (sh) after LXC's usual arguments.
make_template() {
	cat > "$T/lxc-$1" <<EOF
#!/bin/sh
for a; do case "\$a" in --rootfs=*) rootfs=\${a#--rootfs=} ;; --path=*) path=\${a#--path=} ;; esac; done
$2
EOF
	chmod +x "$T/lxc-$1"
}

# The lxcpath holds nothing (a failed create must leave no trace).
assert_lxcpath_empty() {
	local left
	left=$(ls -A "$(P)")
	assert_eq "$left" "" "entries left in the lxcpath"
}

test_busybox_container_is_complete() {
	lxc_create -P "$(P)" -n lxcmgr-test-bb -t busybox > /dev/null
	local d; d="$(P)/lxcmgr-test-bb"
	[ -x "$d/rootfs/bin/busybox" ] || fail "no busybox in the rootfs"
	[ -L "$d/rootfs/sbin/init" ] || [ -f "$d/rootfs/sbin/init" ] || fail "no /sbin/init"
	[ ! -e "$d/partial" ] || fail "partial marker left after a good create"
	local conf; conf=$(cat "$d/config")
	assert_contains "$conf" "lxc.rootfs.path = dir:$d/rootfs"
	assert_contains "$conf" "lxc.uts.name = lxcmgr-test-bb"
	assert_contains "$conf" "template: $top_srcdir/templates/lxc-busybox"
	# default.conf of the private system config was copied in.
	assert_contains "$conf" "lxc.net.0.type = empty"
}

test_template_args_are_recorded_and_passed() {
	make_template args 'printf "%s\n" "$@" > "$path/args"'
	lxc_create -P "$(P)" -n lxcmgr-test-args -t "$T/lxc-args" -- --flavour=x -v > /dev/null
	local d; d="$(P)/lxcmgr-test-args"
	assert_eq "$(cat "$d/args")" "--path=$d
--name=lxcmgr-test-args
--rootfs=$d/rootfs
--flavour=x
-v" "template arguments"
	assert_contains "$(cat "$d/config")" "# Template arguments: --flavour=x -v"
}

test_none_makes_config_and_empty_rootfs() {
	lxc_create -P "$(P)" -n lxcmgr-test-none -t none
	local d; d="$(P)/lxcmgr-test-none"
	[ -f "$d/config" ] || fail "no config"
	assert_eq "$(ls -A "$d/rootfs")" "" "rootfs contents"
}

test_initial_config_text_is_kept() {
	printf '%s\n' "lxc.tty.max = 2" > "$T/inc.conf"
	cat > "$T/initial.conf" <<EOF
# my comment, kept verbatim
lxc.include = $T/inc.conf
lxc.start.auto   =   1    # autostart please
EOF
	lxc_create -P "$(P)" -n lxcmgr-test-f -t none -f "$T/initial.conf"
	local conf; conf=$(cat "$(P)/lxcmgr-test-f/config")
	assert_contains "$conf" "# my comment, kept verbatim"
	assert_contains "$conf" "lxc.include = $T/inc.conf"
	assert_contains "$conf" "lxc.start.auto   =   1    # autostart please"
	assert_not_contains "$conf" "lxc.net.0.type = empty" "default.conf must not be used with -f"
}

test_bad_names_are_refused_and_leave_nothing() {
	local name long
	long=$(printf 'a%.0s' $(seq 300))
	for name in "../x" "a/b" "" "$long" ".hidden" "-dash" "sp ace"; do
		assert_fails lxc_create -P "$(P)" -n "$name" -t none
		assert_contains "$err" "container name" "error for name '$name'"
	done
	assert_lxcpath_empty
}

test_missing_template_lists_available_ones() {
	assert_fails lxc_create -P "$(P)" -n lxcmgr-test-x -t nosuchtemplate
	assert_contains "$err" 'template "nosuchtemplate"'
	assert_contains "$err" "busybox"
	assert_lxcpath_empty
}

test_failing_template_is_rolled_back_with_its_message() {
	make_template fail 'mkdir -p "$rootfs/half/made"; echo "boom: disk on fire" >&2; exit 3'
	assert_fails lxc_create -P "$(P)" -n lxcmgr-test-fail -t "$T/lxc-fail"
	assert_contains "$err" "exit status 3: boom: disk on fire"
	assert_lxcpath_empty
}

test_template_writing_a_bad_config_is_rolled_back() {
	make_template badconf 'echo "lxc.tty.max = many" >> "$path/config"'
	assert_fails lxc_create -P "$(P)" -n lxcmgr-test-badconf -t "$T/lxc-badconf"
	assert_contains "$err" "lxc.tty.max"
	assert_contains "$err" "config:"
	assert_contains "$err" "does not load"
	assert_lxcpath_empty
}

test_bad_initial_config_names_file_and_line() {
	printf 'lxc.uts.name = ok\nlxc.rootfs.pth = /x\n' > "$T/bad.conf"
	assert_fails lxc_create -P "$(P)" -n lxcmgr-test-bad -t none -f "$T/bad.conf"
	assert_contains "$err" "$T/bad.conf:2: lxc.rootfs.pth:"
	assert_contains "$err" "did you mean lxc.rootfs.path"
	assert_lxcpath_empty
}

test_full_disk_leaves_nothing() {
	need_root || return 0
	mkdir -p "$T/small"
	mount -t tmpfs -o size=512k lxcmgr-test-small "$T/small"
	local rc=0
	lxc_create -P "$T/small" -n lxcmgr-test-full -t busybox > "$T/out" 2>&1 || rc=$?
	local left; left=$(ls -A "$T/small")
	umount "$T/small"
	[ "$rc" -ne 0 ] || fail "create on a full disk succeeded"
	assert_contains "$(cat "$T/out")" "No space left on device"
	assert_eq "$left" "" "left on the full disk"
}

# PID and every process below it (only processes this test started).
descendants() {
	local p
	echo "$1"
	for p in $(ps -o pid= --ppid "$1"); do descendants "$p"; done
}

# Starts lxc-create in the background with a template that waits; the
# background job's pid is in $slow_pid.
start_slow_create() {
	make_template slow 'touch "$path/started"; sleep 30'
	lxc_create -P "$(P)" -n "$1" -t "$T/lxc-slow" > "$T/slow.out" 2>&1 &
	slow_pid=$!
	local i
	for i in $(seq 400); do [ -e "$(P)/$1/started" ] && break; sleep 0.05; done
	[ -e "$(P)/$1/started" ] || { fail "template did not start"; return 1; }
}

test_killed_create_is_reported_and_destroyable() {
	start_slow_create lxcmgr-test-killed || return 1
	kill -9 $(descendants "$slow_pid") 2>/dev/null
	wait "$slow_pid" 2>/dev/null || true
	sleep 0.2
	[ -e "$(P)/lxcmgr-test-killed/partial" ] || fail "no partial marker after SIGKILL"
	assert_eq "$(lxc_ls -P "$(P)" -1)" "" "lxc-ls must not list a half-made container"
	assert_fails lxc_create -P "$(P)" -n lxcmgr-test-killed -t none
	assert_contains "$err" "interrupted"
	assert_contains "$err" "lxc-destroy -n lxcmgr-test-killed"
	lxc_destroy -P "$(P)" -n lxcmgr-test-killed
	assert_lxcpath_empty
	lxc_create -P "$(P)" -n lxcmgr-test-killed -t none
}

test_ctrl_c_rolls_back() {
	start_slow_create lxcmgr-test-int || return 1
	# A terminal's Ctrl-C reaches every process of the foreground group;
	# the job's own subshell is left out, it only waits.
	kill -INT $(descendants "$slow_pid" | tail -n +2) 2>/dev/null
	local rc=0
	wait "$slow_pid" || rc=$?
	[ "$rc" -ne 0 ] || fail "interrupted create exited 0"
	assert_contains "$(cat "$T/slow.out")" "signal 2"
	assert_lxcpath_empty
}

test_concurrent_creates_of_one_name() {
	local i ok=0
	for i in 1 2 3 4 5 6; do
		( lxc_create -P "$(P)" -n lxcmgr-test-race -t busybox > "$T/race.$i" 2>&1; echo $? > "$T/rc.$i" ) &
	done
	wait
	for i in 1 2 3 4 5 6; do
		if [ "$(cat "$T/rc.$i")" = 0 ]; then
			ok=$((ok + 1))
		else
			grep -qE 'busy|already exists' "$T/race.$i" || fail "unexpected error: $(cat "$T/race.$i")"
		fi
	done
	assert_eq "$ok" 1 "creates that succeeded"
	[ -x "$(P)/lxcmgr-test-race/rootfs/bin/busybox" ] || fail "the winner's rootfs is incomplete"
	[ ! -e "$(P)/lxcmgr-test-race/partial" ] || fail "partial left"
}

test_quiet_hides_template_output() {
	make_template chatty 'echo "template says hello"; echo "template warns" >&2'
	local out
	out=$(lxc_create -P "$(P)" -n lxcmgr-test-q1 -t "$T/lxc-chatty" 2>&1)
	assert_contains "$out" "template says hello"
	assert_contains "$out" "template warns"
	out=$(lxc_create -q -P "$(P)" -n lxcmgr-test-q2 -t "$T/lxc-chatty" 2>&1)
	assert_eq "$out" "" "output with -q"
}

test_template_help() {
	local out
	out=$(lxc_create -n x -t busybox -h)
	assert_contains "$out" "--rootfs"
}

test_log_file_gets_the_details() {
	lxc_create -P "$(P)" -n lxcmgr-test-log -t none -o "$T/log" -l DEBUG
	assert_contains "$(cat "$T/log")" "created in $(P)/lxcmgr-test-log"
	assert_fails lxc_create -P "$(P)" -n lxcmgr-test-log -t none -o "$T/log"
	assert_contains "$(cat "$T/log")" "already exists"
}

test_lxc_busybox_template_runs_unchanged() {
	[ -x /usr/share/lxc/templates/lxc-busybox ] || { skip "LXC's busybox template is not installed (package liblxc-common)"; return 0; }
	lxc_create -P "$(P)" -n lxcmgr-test-lxctpl -t /usr/share/lxc/templates/lxc-busybox > /dev/null 2>&1
	[ -x "$(P)/lxcmgr-test-lxctpl/rootfs/bin/busybox" ] || fail "LXC's template made no busybox"
	assert_contains "$(cat "$(P)/lxcmgr-test-lxctpl/config")" "lxc.signal.halt = SIGUSR1"
}

test_unknown_backing_store_is_not_supported_yet() {
	assert_fails lxc_create -P "$(P)" -n lxcmgr-test-bdev -t none -B btrfs
	assert_contains "$err" "not supported yet"
	assert_lxcpath_empty
}

test_dir_option_places_rootfs_and_destroy_removes_it() {
	lxc_create -P "$(P)" -n lxcmgr-test-dir -t busybox --dir="$T/elsewhere" > /dev/null
	[ -x "$T/elsewhere/bin/busybox" ] || fail "rootfs not at --dir"
	assert_contains "$(cat "$(P)/lxcmgr-test-dir/config")" "lxc.rootfs.path = dir:$T/elsewhere"
	lxc_destroy -P "$(P)" -n lxcmgr-test-dir
	[ ! -e "$T/elsewhere" ] || fail "rootfs at --dir left after destroy"
}

run_tests
