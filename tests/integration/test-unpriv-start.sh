#!/usr/bin/env bash
# Containers started by an ordinary user: lxc-create -t busybox, lxc-start,
# lxc-attach, lxc-info, lxc-stop, lxc-destroy as that user, on cgroups
# delegated to them; what root sees of such a container; the refusals.
#
# As test-unpriv.sh, no user is added to the machine: the tools run as uid
# $TUID in a private mount namespace where the test's copies of
# /etc/passwd, group, subuid and subgid are bound over the host's, then
# setpriv drops to that uid. The delegated cgroups are the test's own:
# beneath the test's cgroup in each hierarchy, chowned to $TUID; the
# process that becomes the user is moved into them before it drops root.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-user.sh"

TNAME=lxcmgr-test-user
SUBUID=1100000
SUBGID=1200000
CT=lxcmgr-test-ustart

TUID=$(free_id)

setup_user() {
	need_root || return 1
	command -v setpriv > /dev/null || { skip "no setpriv (util-linux)"; return 1; }
	need_subids || return 1
	chmod 755 "$T"
	U=$T/u
	user_files "$TNAME" "$TUID" "$SUBUID" "$SUBGID"
	write_as_user
	# What the user stops at cleanup, if a test left it running (before
	# the delegated cgroups are removed).
	at_cleanup bash "$U/as-user" "$U" "$TUID" 0 "$LXCMGR_BUILD/tools/lxc-stop" -n "$CT" -k
	DELEG=()
}

# as_user CMD...: CMD as $TNAME, moved first into the cgroups of $DELEG
# (a script, so that the cleanup can run it too).
as_user() { bash "$U/as-user" "$U" "$TUID" "${#DELEG[@]}" "${DELEG[@]}" "$@"; }
write_as_user() {
	cat > "$U/as-user" <<- 'EOF'
	u=$1 uid=$2 n=$3
	shift 3
	for d in "${@:1:$n}"; do echo $$ > "$d/cgroup.procs" || exit 1; done
	shift "$n"
	exec unshare -m --propagation private bash -c '
		for f in passwd group subuid subgid; do
			mount --bind "$0/etc/$f" "/etc/$f" || exit 1
		done
		exec setpriv --reuid="$1" --regid="$1" --clear-groups \
			env -u LXCMGR_CONFIG_PATH -u LXCMGR_RUNTIME_PATH HOME="$0/home" \
			XDG_RUNTIME_DIR="$0/run" "${@:2}"' "$u" "$uid" "$@"
	EOF
}

tool() { local t=$1; shift; as_user "$LXCMGR_BUILD/tools/lxc-$t" "$@"; }
owner() { stat -c %u:%g "$1"; }

create_ct() {
	tool create -n "$CT" -t busybox -q || { fail "lxc-create as $TNAME failed"; return 1; }
	CTDIR=$U/home/.local/share/lxcmgr/$CT
}

# payload_dirs: the container's cgroups left beneath the delegated ones.
payload_dirs() { find "${DELEG[@]}" -mindepth 1 -type d 2> /dev/null; }

test_user_starts_their_container() {
	setup_user || return 0
	delegate "$TUID" || return 1
	create_ct || return 1
	local out
	out=$(tool start -n "$CT" 2>&1) || { fail "lxc-start as $TNAME: $out"; return 1; }
	assert_eq "$out" "" "lxc-start's output with every cgroup delegated"
	assert_eq "$(tool info -n "$CT" -s)" "State:          RUNNING" "lxc-info -s"
	assert_contains "$(as_user "$LXCMGR_BUILD/tools/lxc-checkconfig" --no-color | grep 'Delegated cgroup:')" \
		"can create cgroups below its own, in every hierarchy" "lxc-checkconfig"
	assert_eq "$(tool attach -n "$CT" -- id -u)" 0 "id -u inside"
	assert_eq "$(tool attach -n "$CT" -- cat /proc/self/uid_map | tr -s ' ' | sed 's/^ //')" \
		"0 $SUBUID 65536" "uid_map inside"
	assert_eq "$(tool attach -n "$CT" -- cat /proc/self/gid_map | tr -s ' ' | sed 's/^ //')" \
		"0 $SUBGID 65536" "gid_map inside"
	assert_eq "$(tool attach -n "$CT" -- hostname)" "$CT" "hostname inside"
	tool attach -n "$CT" -- sh -c 'echo hi > /root/made-inside && chown 5:7 /root/made-inside'
	assert_eq "$(owner "$CTDIR/rootfs/root/made-inside")" "$((SUBUID + 5)):$((SUBGID + 7))" \
		"owner on the host of a file made inside and chowned to 5:7"
	assert_fails tool attach -n "$CT" -- mknod /tmp/sda b 8 0
	assert_contains "$err" "Operation not permitted" "mknod inside"
	# The container's init is the user's monitor's child, in the delegated
	# cgroups, as root of the range on the host.
	local pid
	pid=$(tool info -n "$CT" -p -H | awk '{ print $2 }')
	assert_eq "$(stat -c %u "/proc/$pid")" "$SUBUID" "host uid of init"
	assert_contains "$(cat "/proc/$pid/cgroup")" "lxcmgr-test-deleg-$$/" "init's cgroups"
	assert_contains "$(tool ls -f)" "RUNNING" "lxc-ls -f"
	tool wait -n "$CT" -s RUNNING -t 30 || fail "lxc-wait -s RUNNING"
	tool freeze -n "$CT" || fail "lxc-freeze as $TNAME"
	assert_eq "$(tool info -n "$CT" -s)" "State:          FROZEN" "lxc-info -s after lxc-freeze"
	tool unfreeze -n "$CT" || fail "lxc-unfreeze as $TNAME"
	assert_eq "$(tool info -n "$CT" -s)" "State:          RUNNING" "lxc-info -s after lxc-unfreeze"
	tool stop -n "$CT" || fail "lxc-stop as $TNAME"
	assert_eq "$(tool info -n "$CT" -s)" "State:          STOPPED" "lxc-info -s after stop"
	assert_eq "$(payload_dirs)" "" "cgroups left after the stop"
	assert_eq "$(find "$U/run/lxcmgr/c" -mindepth 1)" "" "runtime files left after the stop"
	[ ! -e "$CTDIR/.lxcmgr-socket" ] || fail "the pointer for root was left"
	tool destroy -n "$CT" || fail "lxc-destroy as $TNAME"
	[ ! -e "$CTDIR" ] || fail "lxc-destroy left $CTDIR"
}

test_console_login_as_the_user() {
	setup_user || return 0
	command -v tmux > /dev/null || { skip "no tmux"; return 0; }
	delegate "$TUID" || return 1
	create_ct || return 1
	tool start -n "$CT" || { fail "lxc-start as $TNAME"; return 1; }
	TM() { tmux -S "$T/tmux.sock" "$@"; }
	trap 'TM kill-server 2> /dev/null || true' EXIT
	TM new-session -d -s ucons -x 100 -y 30 "bash '$U/as-user' '$U' $TUID 0 \
		'$LXCMGR_BUILD/tools/lxc-console' -n $CT -t 1; sleep 600"
	local i seen=""
	for i in $(seq 400); do
		TM capture-pane -p -t ucons | grep -q "$CT login:" && { seen=1; break; }
		TM send-keys -t ucons Enter
		sleep 0.05
	done
	[ -n "$seen" ] || { fail "no login prompt on tty1: $(TM capture-pane -p -t ucons)"; return 1; }
	TM send-keys -t ucons root Enter
	TM send-keys -t ucons 'echo uid-$(id -u)-$(cat /proc/self/uid_map | tr -s " " | cut -d" " -f3)' Enter
	seen=""
	for i in $(seq 400); do
		TM capture-pane -p -t ucons | grep -q "uid-0-$SUBUID" && { seen=1; break; }
		sleep 0.05
	done
	[ -n "$seen" ] || fail "no root shell on tty1: $(TM capture-pane -p -t ucons)"
	TM kill-server 2> /dev/null || true
	tool stop -n "$CT" -k
}

test_root_sees_and_stops_a_users_container() {
	setup_user || return 0
	delegate "$TUID" || return 1
	create_ct || return 1
	tool start -n "$CT" || { fail "lxc-start as $TNAME"; return 1; }
	local P=$U/home/.local/share/lxcmgr
	assert_eq "$(lxc_info -P "$P" -n "$CT" -s)" "State:          RUNNING" "root's lxc-info -P"
	assert_eq "$(lxc_attach -P "$P" -n "$CT" -- id -u)" 0 "root's lxc-attach -P: id -u"
	lxc_stop -P "$P" -n "$CT" || fail "root's lxc-stop -P"
	assert_eq "$(tool info -n "$CT" -s)" "State:          STOPPED" "the user's lxc-info after root's stop"
	assert_eq "$(payload_dirs)" "" "cgroups left after root's stop"
}

# start_and_kill_monitor: the user starts $CT, then its monitor is killed
# (kill -9); $INIT is the container's init, which lives on.
start_and_kill_monitor() {
	tool start -n "$CT" || { fail "lxc-start as $TNAME"; return 1; }
	local monitor
	INIT=$(tool info -n "$CT" -p -H | awk '{ print $2 }')
	monitor=$(ps -o ppid= -p "$INIT" | tr -d ' ')
	[ -n "$monitor" ] && [ "$(stat -c %u "/proc/$monitor")" = "$TUID" ] ||
		{ fail "the monitor ($monitor) is not the user's"; return 1; }
	kill -9 "$monitor"
	while kill -0 "$monitor" 2> /dev/null; do sleep 0.1; done
}

# nothing_left WHO: init killed, no cgroup, runtime file or pointer left.
nothing_left() {
	# Killed (a zombie until the host's init reaps it: the monitor was its parent).
	case $(ps -o stat= -p "$INIT") in "" | Z*) ;; *) fail "init ($INIT) still runs after $1" ;; esac
	assert_eq "$(payload_dirs)" "" "cgroups left after $1"
	assert_eq "$(find "$U/run/lxcmgr/c" -mindepth 1 2> /dev/null)" "" "runtime files left after $1"
	[ ! -e "$CTDIR/.lxcmgr-socket" ] || fail "the pointer for root was left after $1"
	assert_eq "$(tool info -n "$CT" -s)" "State:          STOPPED" "lxc-info -s after $1"
}

# as_root_with_users CMD...: CMD as root, with the test's /etc/passwd and
# group (which have $TNAME) bound over the host's.
as_root_with_users() {
	unshare -m --propagation private bash -c '
		mount --bind "$0/etc/passwd" /etc/passwd && mount --bind "$0/etc/group" /etc/group &&
		exec "$@"' "$U" "$@"
}

test_killed_monitor_is_cleaned_up_by_the_user() {
	setup_user || return 0
	delegate "$TUID" || return 1
	create_ct || return 1
	start_and_kill_monitor || return 1
	tool stop -n "$CT" -k || fail "lxc-stop -k as $TNAME after the monitor was killed"
	nothing_left "the user's lxc-stop -k"
}

test_killed_monitor_is_cleaned_up_by_root() {
	setup_user || return 0
	delegate "$TUID" || return 1
	create_ct || return 1
	start_and_kill_monitor || return 1
	local P=$U/home/.local/share/lxcmgr
	# Root acts as the container's owner: a uid without a passwd entry
	# is refused, and nothing is touched.
	assert_fails lxc_stop -P "$P" -n "$CT" -k
	assert_contains "$err" "belongs to uid $TUID, which has no passwd entry"
	kill -0 "$INIT" || fail "init was killed by a refused lxc-stop -k"
	[ -e "$CTDIR/.lxcmgr-socket" ] || fail "a refused lxc-stop -k removed the pointer"
	# A plain stop: the init that lives on, and the fix.
	assert_fails as_root_with_users "$LXCMGR_BUILD/tools/lxc-stop" -P "$P" -n "$CT"
	assert_contains "$err" "the monitor of \"$CT\" is gone but its init (pid $INIT) still runs; lxc-stop -k kills it"
	as_root_with_users "$LXCMGR_BUILD/tools/lxc-stop" -P "$P" -n "$CT" -k ||
		fail "root's lxc-stop -P -k after the user's monitor was killed"
	nothing_left "root's lxc-stop -k"
	assert_eq "$(lxc_info -P "$P" -n "$CT" -s)" "State:          STOPPED" "root's lxc-info -P -s"
}

# Root's lxc-destroy -f takes the same clean-up (as the user) before it
# removes the directory; without -f it refuses, touching nothing.
test_killed_monitor_is_cleaned_up_by_roots_destroy() {
	setup_user || return 0
	delegate "$TUID" || return 1
	create_ct || return 1
	start_and_kill_monitor || return 1
	local P=$U/home/.local/share/lxcmgr
	assert_fails as_root_with_users "$LXCMGR_BUILD/tools/lxc-destroy" -P "$P" -n "$CT"
	assert_contains "$err" "container \"$CT\" is running"
	kill -0 "$INIT" || fail "init was killed by a refused lxc-destroy"
	[ -e "$CTDIR/.lxcmgr-socket" ] || fail "a refused lxc-destroy removed the pointer"
	as_root_with_users "$LXCMGR_BUILD/tools/lxc-destroy" -P "$P" -n "$CT" -f ||
		fail "root's lxc-destroy -P -f after the user's monitor was killed"
	case $(ps -o stat= -p "$INIT") in "" | Z*) ;; *) fail "init ($INIT) still runs after root's lxc-destroy -f" ;; esac
	assert_eq "$(payload_dirs)" "" "cgroups left after root's lxc-destroy -f"
	assert_eq "$(find "$U/run/lxcmgr/c" -mindepth 1 2> /dev/null)" "" \
		"runtime files left after root's lxc-destroy -f"
	[ ! -e "$CTDIR" ] || fail "the container directory $CTDIR is left after root's lxc-destroy -f"
}

# The records are the user's to write: root's lxc-stop -k does with them
# only what the user could. A record naming a cgroup of root's (with a
# process of root's in it) and a pid file of root's: both are left.
test_root_follows_the_users_records_only_as_the_user() {
	setup_user || return 0
	delegate "$TUID" || return 1
	create_ct || return 1
	start_and_kill_monitor || return 1
	local rec d forged=() sleeper
	rec=$(ls "$U/run/lxcmgr/c/"*.cgroup)
	[ -f "$rec" ] || { fail "no cgroup record in $U/run/lxcmgr/c"; return 1; }
	# Root's cgroups, each beside a delegated one, with the same tail.
	for d in "${DELEG[@]}"; do
		local mine=${d%/lxcmgr-test-deleg-$$}/lxcmgr-test-root-$$
		mkdir "$mine"
		at_cleanup find "$mine" -depth -type d -exec rmdir {} +
		forged+=("$mine")
	done
	# The record's cgroups (full paths) moved there, and made by root.
	sed -i "s|/lxcmgr-test-deleg-$$/|/lxcmgr-test-root-$$/|g" "$rec"
	local kind payload monitor before
	while IFS=$'\t' read -r kind _ _ _ _ _ payload monitor _; do
		[ "$kind" = hier ] || continue
		for d in "$payload" "$monitor"; do
			case $d in */lxcmgr-test-root-$$/?*) mkdir -p "$d" ;; esac
		done
	done < "$rec"
	before=$(find "${forged[@]}" -mindepth 1 -type d | sort)
	[ -n "$before" ] || { fail "no cgroup of the record was moved to root's: $(cat "$rec")"; return 1; }
	sleep 600 &
	sleeper=$!
	at_cleanup kill "$sleeper"
	echo "$sleeper" > "$(printf '%s\n' "$before" | grep -v cpuset | grep -m1 payload)/cgroup.procs"
	# The init record's pid file: one of root's that names init.
	mkdir "$T/rootonly"
	echo "$INIT" > "$T/rootonly/pid"
	sed -i "1s|\$| $T/rootonly/pid|" "$U/run/lxcmgr/c/"*.init
	assert_fails as_root_with_users "$LXCMGR_BUILD/tools/lxc-stop" -P "$U/home/.local/share/lxcmgr" -n "$CT" -k
	assert_contains "$err" "not permitted" "root's lxc-stop -k on the forged records"
	kill -0 "$sleeper" || fail "root's lxc-stop -k killed a process of root's in a cgroup the record named"
	assert_eq "$(find "${forged[@]}" -mindepth 1 -type d | sort)" "$before" "root's cgroups the record named"
	[ -e "$T/rootonly/pid" ] || fail "root's lxc-stop -k removed a pid file of root's the record named"
}

test_v1_controllers_not_delegated() {
	setup_user || return 0
	[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/freezer ] ||
		{ skip "needs v1 memory and freezer hierarchies (this host: $(stat -fc %T /sys/fs/cgroup))"; return 0; }
	delegate "$TUID" freezer || return 1
	create_ct || return 1
	local out
	out=$(tool start -n "$CT" 2>&1) || { fail "lxc-start as $TNAME: $out"; return 1; }
	# One line, naming each controller left out and its cgroup.
	assert_eq "$(printf '%s\n' "$out" | wc -l)" 1 "lines of lxc-start's output"
	assert_contains "$out" "cgroups not delegated to you: "
	assert_contains "$out" "memory (\"/sys/fs/cgroup/memory"
	assert_contains "$out" "the container runs without those controllers"
	assert_not_contains "$out" "freezer"
	# lxc-checkconfig says the same.
	local line
	line=$(as_user "$LXCMGR_BUILD/tools/lxc-checkconfig" --no-color | grep 'Delegated cgroup:')
	assert_contains "$line" "memory"
	assert_contains "$line" "a container runs without those controllers"
	assert_not_contains "$line" "freezer"
	tool freeze -n "$CT" || fail "lxc-freeze (the freezer was delegated)"
	tool unfreeze -n "$CT"
	tool stop -n "$CT" || fail "lxc-stop"
	# A key of a controller left out: refused, with its key.
	echo 'lxc.cgroup.memory.limit_in_bytes = 256M' >> "$CTDIR/config"
	assert_fails tool start -n "$CT"
	assert_contains "$err" "lxc.cgroup.memory.limit_in_bytes = 256M ("
	assert_contains "$err" "the memory controller's cgroup \"/sys/fs/cgroup/memory"
	assert_contains "$err" "is not delegated to you"
	assert_contains "$err" "chown it, its cgroup.procs and tasks to USER"
	assert_eq "$(payload_dirs)" "" "cgroups left"
}

test_refusals_name_the_fix() {
	setup_user || return 0
	create_ct || return 1
	# No delegated cgroup: one line with the cgroup and the fix.
	assert_fails tool start -n "$CT"
	assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "lines of the error"
	assert_contains "$err" "is not delegated to you: an ordinary user's container goes beneath it"
	assert_contains "$err" "chown it, its cgroup.procs and tasks to USER, and start from inside it"
	delegate "$TUID" || return 1
	# lxcmgr-user-nic makes veths only (test-usernic.sh starts one).
	cp "$CTDIR/config" "$T/config.saved"
	sed -i '/^lxc.net/d' "$CTDIR/config"
	printf 'lxc.net.0.type = macvlan\nlxc.net.0.link = lo\n' >> "$CTDIR/config"
	assert_fails tool start -n "$CT"
	assert_contains "$err" "lxc.net.0.type = macvlan ("
	assert_contains "$err" "not supported yet for containers started by an ordinary user (lxcmgr-user-nic makes veths only)"
	cp "$T/config.saved" "$CTDIR/config"
	# Device rules need the host's CAP_SYS_ADMIN.
	echo 'lxc.cgroup.devices.deny = a' >> "$CTDIR/config"
	assert_fails tool start -n "$CT"
	assert_contains "$err" "lxc.cgroup.devices.deny = a ("
	assert_contains "$err" "not supported for a container an ordinary user starts: device rules need"
	cp "$T/config.saved" "$CTDIR/config"
	# Without a subordinate range of their own.
	echo "someone-else:$SUBUID:65536" > "$U/etc/subuid"
	assert_fails tool start -n "$CT"
	assert_contains "$err" "no subordinate uids for user \"$TNAME\""
	assert_contains "$err" "usermod --add-subuids"
	echo "$TNAME:$SUBUID:65536" > "$U/etc/subuid"
	# Without lxc.idmap.
	sed -i '/^lxc.idmap/d' "$CTDIR/config"
	assert_fails tool start -n "$CT"
	assert_contains "$err" "needs its own user namespace, and this one has no lxc.idmap"
	assert_eq "$(payload_dirs)" "" "cgroups left"
	assert_eq "$(tool info -n "$CT" -s)" "State:          STOPPED" "lxc-info -s"
}

# lxc-execute by the user: lxcmgr-init (the build tree's) bound in as PID 1
# of the user's container, the command its child, in the user namespace
# and the delegated cgroups; its exit status is lxc-execute's.
test_user_executes_a_command() {
	setup_user || return 0
	[ -x "$LXCMGR_BUILD/tools/lxc-execute" ] && [ -x "$LXCMGR_BUILD/tools/lxcmgr-init" ] ||
		{ skip "lxc-execute or lxcmgr-init is not built"; return 0; }
	delegate "$TUID" || return 1
	create_ct || return 1
	export LXCMGR_INIT_PATH=$LXCMGR_BUILD/tools/lxcmgr-init
	local rc=0
	tool execute -n "$CT" -- sh -c 'exit 3' || rc=$?
	assert_eq "$rc" 3 "lxc-execute's exit status"
	assert_eq "$(tool execute -n "$CT" -- sh -c 'id -u; tr -s " " < /proc/self/uid_map; echo $$ $PPID')" \
		"0
 0 $SUBUID 65536
2 1" "id -u, uid_map, the command's pid and parent"
	assert_eq "$(tool execute -n "$CT" -- cat /proc/1/cmdline | tr '\0' ' ')" \
		"/dev/.lxcmgr-init -- cat /proc/1/cmdline " "PID 1's command line"
	# While it runs: init from the host, in the delegated cgroups.
	tool execute -n "$CT" -- sh -c 'echo ready; exec sleep 600' > "$T/exec.out" 2>&1 &
	local job=$! i init
	for i in $(seq 300); do grep -q ready "$T/exec.out" && break; sleep 0.1; done
	grep -q ready "$T/exec.out" || { fail "lxc-execute did not start: $(cat "$T/exec.out")"; return 1; }
	init=$(tool info -n "$CT" -p -H | awk '{ print $2 }')
	assert_eq "$(stat -c %u "/proc/$init")" "$SUBUID" "host uid of lxc-execute's init"
	assert_contains "$(cat "/proc/$init/cgroup")" "lxcmgr-test-deleg-$$/" "init's cgroups"
	tool stop -n "$CT" -k || fail "lxc-stop -k of lxc-execute's container"
	wait "$job" || true
	assert_eq "$(payload_dirs)" "" "cgroups left after lxc-execute"
	assert_eq "$(find "$U/run/lxcmgr/c" -mindepth 1)" "" "runtime files left after lxc-execute"
}

run_tests
