#!/usr/bin/env bash
# lxc-start, lxc-stop, lxc-info, lxc-wait on real busybox containers, checked
# from inside with nsenter (lxc-attach comes later).
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-run

# lib.sh stops every container a test made when the test ends, even when it
# fails half way.

create() { lxc_create -P "$(P)" -n "${1:-$N}" -t busybox > /dev/null; }
init_pid() { lxc_info -P "$(P)" -n $N -p | awk '{print $2}'; }
inside() { # PID CMD...: run CMD in the container's namespaces
	local pid=$1; shift
	nsenter --target "$pid" --mount --uts --ipc --pid --net -- "$@"
}

test_busybox_boots_runs_and_stops_cleanly() {
	need_root || return 0
	create
	lxc_start -P "$(P)" -n $N
	assert_contains "$(lxc_info -P "$(P)" -n $N -s)" "RUNNING"
	local pid
	pid=$(init_pid)
	[ -n "$pid" ] && kill -0 "$pid" || { fail "no init pid"; return 1; }
	assert_eq "$(inside "$pid" hostname)" "$N" "host name inside"
	assert_contains "$(inside "$pid" cat /proc/1/cmdline | tr '\0' ' ')" "init" "pid 1 inside"
	[ -c "/proc/$pid/root/dev/null" ] || fail "no /dev/null inside"
	[ -e "/proc/$pid/root/dev/console" ] || fail "no /dev/console inside"
	inside "$pid" sh -c 'echo 1 > /proc/sys/kernel/panic' 2> /dev/null && fail "/proc/sys is writable (proc:mixed)"
	lxc_stop -P "$(P)" -n $N -t 20
	assert_contains "$(lxc_info -P "$(P)" -n $N -s)" "STOPPED"
	kill -0 "$pid" 2> /dev/null && fail "init still alive after lxc-stop"
	assert_eq "$(grep -c "$(P)/$N" /proc/self/mountinfo)" 0 "mounts left on the host"
	assert_eq "$(ls -A "$T/run/c" 2> /dev/null)" "" "sockets left"
}

test_monitor_shows_lxcpath_and_name_in_ps() {
	need_root || return 0
	create
	lxc_start -P "$(P)" -n $N
	local pid monitor
	pid=$(init_pid)
	monitor=$(awk '{print $4}' "/proc/$pid/stat")
	assert_eq "$(tr '\0' ' ' < "/proc/$monitor/cmdline")" "[lxcmgr monitor] $(P) $N " "monitor's command line"
	assert_eq "$(cat "/proc/$monitor/comm")" "lxcmgr-${N:0:8}" "monitor's short name"
	lxc_stop -P "$(P)" -n $N -k
}

test_init_gets_only_its_configured_groups() {
	need_root || return 0
	create
	echo "lxc.init.groups = 4,27" >> "$(P)/$N/config"
	lxc_start -P "$(P)" -n $N
	local pid; pid=$(init_pid)
	assert_eq "$(awk '/^Groups:/ {$1 = ""; print}' "/proc/$pid/status" | xargs)" "4 27" "init's groups"
	lxc_stop -P "$(P)" -n $N -k
}

test_info_lists_addresses_inside_the_container() {
	need_root || return 0
	create
	lxc_start -P "$(P)" -n $N
	local pid; pid=$(init_pid)
	assert_eq "$(lxc_info -P "$(P)" -n $N -i)" "" "addresses with loopback only"
	# A veth pair made inside the container's own network namespace.
	nsenter --target "$pid" --net sh -c 'ip link add v0 type veth peer name v1 &&
		ip addr add 10.254.0.1/24 dev v0 && ip -6 addr add fd00::1/64 dev v0 nodad &&
		ip link set v0 up && ip link set v1 up' || { fail "could not add a veth inside"; return 1; }
	assert_eq "$(lxc_info -P "$(P)" -n $N -i)" "$(printf 'IP:             10.254.0.1\nIP:             fd00::1')" "lxc-info -i"
	assert_contains "$(lxc_info -P "$(P)" -n $N)" "IP:             10.254.0.1" "plain lxc-info"
	assert_contains "$(lxc_info -P "$(P)" -n $N --format json)" '"ips": ["10.254.0.1", "fd00::1"]' "json"
	lxc_stop -P "$(P)" -n $N -k
}

test_init_runs_as_the_configured_user() {
	need_root || return 0
	create
	printf 'lxc.init.uid = 1000\nlxc.init.gid = 100\n' >> "$(P)/$N/config"
	lxc_start -P "$(P)" -n $N -- /bin/sleep 1000
	local pid; pid=$(init_pid)
	assert_eq "$(awk '/^Uid:/ {print $2, $3, $4}' "/proc/$pid/status")" "1000 1000 1000" "init's uids"
	assert_eq "$(awk '/^Gid:/ {print $2, $3, $4}' "/proc/$pid/status")" "100 100 100" "init's gids"
	lxc_stop -P "$(P)" -n $N -k
}

test_unknown_init_user_is_a_config_error() {
	need_root || return 0
	create
	echo "lxc.init.uid = www-data" >> "$(P)/$N/config"
	local line; line=$(grep -n "lxc.init.uid" "$(P)/$N/config" | cut -d: -f1)
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "$(P)/$N/config:$line: lxc.init.uid"
	assert_contains "$err" "www-data"
}

test_info_c_of_an_unknown_key_says_so_once() {
	need_root || return 0
	create
	lxc_start -P "$(P)" -n $N
	assert_fails lxc_info -P "$(P)" -n $N -c lxc.nope
	assert_eq "$err" "lxc-info: $N: lxc.nope: unknown key (did you mean lxc.net?)" "lxc-info -c, running"
	lxc_stop -P "$(P)" -n $N -k
	assert_fails lxc_info -P "$(P)" -n $N -c lxc.nope
	assert_eq "$err" "lxc-info: $N: lxc.nope: unknown key (did you mean lxc.net?)" "lxc-info -c, stopped"
}

test_start_twice_says_already_running() {
	need_root || return 0
	create
	lxc_start -P "$(P)" -n $N
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "already running"
	lxc_stop -P "$(P)" -n $N -k
}

test_bad_mount_entry_reports_step_key_and_line() {
	need_root || return 0
	create
	echo "lxc.mount.entry = /nonexistent-lxcmgr-src mnt/data none bind,create=dir 0 0" >> "$(P)/$N/config"
	local line; line=$(grep -n nonexistent-lxcmgr-src "$(P)/$N/config" | cut -d: -f1)
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "mount"
	assert_contains "$err" "/nonexistent-lxcmgr-src"
	assert_contains "$err" "No such file or directory"
	assert_contains "$err" "lxc.mount.entry, $(P)/$N/config:$line"
	assert_contains "$(lxc_info -P "$(P)" -n $N -s)" "STOPPED"
}

test_missing_target_suggests_create_dir() {
	need_root || return 0
	create
	mkdir -p "$T/src"
	echo "lxc.mount.entry = $T/src srv/nothere none bind 0 0" >> "$(P)/$N/config"
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "create=dir"
}

test_missing_init_is_named() {
	need_root || return 0
	create
	assert_fails lxc_start -P "$(P)" -n $N -- /no/such/init
	assert_contains "$err" "exec init"
	assert_contains "$err" "/no/such/init"
	assert_contains "$err" "No such file or directory"
}

test_missing_rootfs_names_the_key() {
	need_root || return 0
	create
	mv "$(P)/$N/rootfs" "$(P)/$N/rootfs.away"
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "lxc.rootfs.path"
	assert_contains "$err" "No such file or directory"
	mv "$(P)/$N/rootfs.away" "$(P)/$N/rootfs"
}

test_symlink_in_rootfs_cannot_redirect_a_mount_to_the_host() {
	need_root || return 0
	create
	mkdir -p "$T/host-target" "$T/src"
	echo secret > "$T/src/file"
	ln -s "$T/host-target" "$(P)/$N/rootfs/mnt/evil"
	echo "lxc.mount.entry = $T/src mnt/evil/x none bind,create=dir 0 0" >> "$(P)/$N/config"
	lxc_start -P "$(P)" -n $N || true
	local pid; pid=$(init_pid)
	assert_eq "$(ls -A "$T/host-target")" "" "host directory behind the symlink"
	[ -z "$pid" ] || lxc_stop -P "$(P)" -n $N -k
}

test_unsupported_key_is_refused_with_its_line() {
	need_root || return 0
	create
	echo "lxc.sched.core = 1" >> "$(P)/$N/config"
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "lxc.sched.core"
	assert_contains "$err" "not supported yet"
	assert_contains "$err" "$(P)/$N/config:"
}

test_define_overrides_for_one_start() {
	need_root || return 0
	create
	lxc_start -P "$(P)" -n $N -s lxc.uts.name=lxcmgr-defined
	local pid; pid=$(init_pid)
	assert_eq "$(inside "$pid" hostname)" "lxcmgr-defined" "host name from -s"
	assert_eq "$(lxc_info -P "$(P)" -n $N -c lxc.uts.name)" "lxc.uts.name = lxcmgr-defined"
	lxc_stop -P "$(P)" -n $N -k
	assert_not_contains "$(cat "$(P)/$N/config")" "lxcmgr-defined" "config after -s"
}

test_wait_for_states() {
	need_root || return 0
	create
	lxc_start -P "$(P)" -n $N
	lxc_wait -P "$(P)" -n $N -s 'RUNNING' -t 10 || fail "lxc-wait RUNNING failed"
	lxc_stop -P "$(P)" -n $N -W
	lxc_wait -P "$(P)" -n $N -s 'STOPPED' -t 20 || fail "lxc-wait STOPPED failed"
	assert_fails lxc_wait -P "$(P)" -n $N -s RUNNING -t 1
	assert_contains "$err" "did not reach"
}

test_foreground_runs_a_command_on_this_terminal() {
	need_root || return 0
	create
	local out
	out=$(lxc_start -P "$(P)" -n $N -F -- /bin/sh -c 'echo hello-from-inside' < /dev/null 2>&1)
	assert_contains "$out" "hello-from-inside"
	assert_contains "$(lxc_info -P "$(P)" -n $N -s)" "STOPPED"
}

test_stop_of_a_stopped_container_says_so() {
	create
	assert_fails lxc_stop -P "$(P)" -n $N
	assert_contains "$err" "not running"
}

test_container_made_by_real_lxc_starts() {
	need_root || return 0
	[ -x /usr/bin/lxc-create ] || { skip "Debian's lxc is not installed (scripts/install-deps --test)"; return 0; }
	/usr/bin/lxc-create -P "$T/lxc" -n lxcmgr-test-real -t busybox > /dev/null 2>&1 || { fail "real lxc-create failed"; return 1; }
	# No bridge here: the network part of LXC's default config goes.
	sed -i '/^lxc.net.0/d' "$T/lxc/lxcmgr-test-real/config"
	echo "lxc.net.0.type = empty" >> "$T/lxc/lxcmgr-test-real/config"
	lxc_start -P "$T/lxc" -n lxcmgr-test-real
	assert_contains "$(lxc_info -P "$T/lxc" -n lxcmgr-test-real -s)" "RUNNING"
	lxc_stop -P "$T/lxc" -n lxcmgr-test-real -t 20
	assert_contains "$(lxc_info -P "$T/lxc" -n lxcmgr-test-real -s)" "STOPPED"
}

test_destroy_of_a_running_container_needs_force() {
	need_root || return 0
	create
	lxc_start -P "$(P)" -n $N
	local pid; pid=$(init_pid)
	assert_fails lxc_destroy -P "$(P)" -n $N
	assert_contains "$err" "is running"
	assert_contains "$err" "lxc-destroy -f"
	[ -d "$(P)/$N/rootfs/bin" ] || fail "rootfs touched by a refused destroy"
	lxc_destroy -P "$(P)" -n $N -f
	kill -0 "$pid" 2> /dev/null && fail "init alive after lxc-destroy -f"
	[ ! -e "$(P)/$N" ] || fail "container left after lxc-destroy -f"
}

test_killed_monitor_leaves_a_container_stop_k_can_clean() {
	need_root || return 0
	create
	lxc_start -P "$(P)" -n $N
	local pid monitor
	pid=$(init_pid)
	monitor=$(ps -o ppid= -p "$pid" | tr -d ' ')
	kill -9 "$monitor"
	local i; for i in $(seq 100); do kill -0 "$monitor" 2> /dev/null || break; sleep 0.05; done
	kill -0 "$pid" || { fail "init died with its monitor"; return 1; }
	assert_fails lxc_stop -P "$(P)" -n $N
	assert_contains "$err" "lxc-stop -k"
	lxc_stop -P "$(P)" -n $N -k
	for i in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.05; done
	kill -0 "$pid" 2> /dev/null && fail "init alive after lxc-stop -k"
	lxc_start -P "$(P)" -n $N || fail "could not start again after the cleanup"
	lxc_stop -P "$(P)" -n $N -k
}

test_killed_monitor_then_destroy_f() {
	need_root || return 0
	create
	lxc_start -P "$(P)" -n $N
	local pid; pid=$(init_pid)
	kill -9 "$(ps -o ppid= -p "$pid" | tr -d ' ')"
	sleep 0.2
	lxc_destroy -P "$(P)" -n $N -f
	# The orphaned init's new parent reaps it; until then it is a zombie.
	local i; for i in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.05; done
	kill -0 "$pid" 2> /dev/null && fail "init alive after lxc-destroy -f"
	[ ! -e "$(P)/$N" ] || fail "container left"
}

run_tests
