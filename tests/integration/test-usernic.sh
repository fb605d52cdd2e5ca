#!/usr/bin/env bash
# lxcmgr-user-nic, the setuid helper that gives an ordinary user's network
# namespace a veth on a host bridge: what it makes, and what it refuses.
#
# No user is added and no file is made in /etc or /run: as test-unpriv.sh
# does, each command runs as a free uid ($TUID) in a private mount
# namespace where the test's copies of /etc/passwd and /etc/group, its own
# config directory (with its lxc-usernet) and its own runtime directory
# (the helper's record) are bind-mounted over the host's, then setpriv
# drops to that uid. The helper is a copy of the build tree's, chowned
# root and chmod 4755, in $T. Devices go on a bridge of the test's own.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-user.sh"

TNAME=lxcmgr-test-unic
TGROUP=lxcmgr-test-unicg

TUID=$(free_id 61500)

# setup: the user, the helper (setuid copy), the bridge $BR, and the
# config and runtime directories the helper was built with ($CONFDIR,
# $RUNDIR), whose test copies are $U/conf and $U/rundir.
setup() {
	need_root || return 1
	command -v setpriv > /dev/null || { skip "no setpriv (util-linux)"; return 1; }
	local built=$LXCMGR_BUILD/tools/lxcmgr-user-nic
	[ -x "$built" ] || { skip "lxcmgr-user-nic was not built (configure found no libmnl)"; return 1; }
	local help
	help=$("$built" --help)
	CONFDIR=$(dirname "$(grep -o '/[^ ]*/lxc-usernet' <<< "$help" | head -n 1)")
	RUNDIR=$(dirname "$(grep -o '/[^ ]*/nics' <<< "$help" | head -n 1)")
	[ -d "$CONFDIR" ] || { skip "no $CONFDIR to bind the test's copy over (the test makes no files in it)"; return 1; }
	[ -d "$RUNDIR" ] || { skip "no $RUNDIR to bind the test's copy over"; return 1; }
	chmod 755 "$T"
	U=$T/u
	mkdir -p "$U/etc" "$U/conf" "$U/rundir" "$U/bin" "$U/tmp"
	chown "$TUID" "$U/tmp"
	cp /etc/passwd /etc/group "$U/etc/"
	echo "$TNAME:x:$TUID:$TUID::/:/bin/sh" >> "$U/etc/passwd"
	echo "$TNAME:x:$TUID:" >> "$U/etc/group"
	echo "$TGROUP:x:$((TUID + 1)):$TNAME" >> "$U/etc/group"
	cp -a "$CONFDIR/." "$U/conf/"
	HELPER=$U/bin/lxcmgr-user-nic
	cp "$built" "$HELPER"
	chown root:root "$HELPER"
	chmod 4755 "$HELPER"
	net_test_bridge || { skip "cannot make a bridge here (ip link add type bridge)"; return 1; }
	ip link set "$BR" up
	usernet "$TNAME veth $BR 1"
}

# usernet LINE...: the test's lxc-usernet.
usernet() {
	printf '# lxc-usernet of %s\n' "$T" > "$U/conf/lxc-usernet"
	printf '%s\n' "$@" >> "$U/conf/lxc-usernet"
	chmod 644 "$U/conf/lxc-usernet"
}

# in_test_ns CMD...: CMD (as root) with the test's files over the host's.
in_test_ns() {
	unshare -m --propagation private bash -c '
		mount --bind "$0/etc/passwd" /etc/passwd &&
		mount --bind "$0/etc/group" /etc/group &&
		mount --bind "$0/conf" "$1" &&
		mount --bind "$0/rundir" "$2" || exit 1
		exec "${@:3}"' "$U" "$CONFDIR" "$RUNDIR" "$@"
}

# as_user CMD...: CMD as $TNAME in the test's files.
as_user() {
	in_test_ns setpriv --reuid="$TUID" --regid="$TUID" --init-groups "$@"
}

usernic() { as_user "$HELPER" "$@"; }

# user_netns: $NSPID, a process of the user's in a user and network
# namespace of theirs (unshare -U -r -n), killed at cleanup.
user_netns() {
	as_user unshare --user --map-root-user --net sh -c "echo \$\$ > '$U/tmp/pid'; exec sleep 600" &
	at_cleanup kill $!
	local i
	for i in $(seq 100); do
		[ -s "$U/tmp/pid" ] && grep -q sleep "/proc/$(cat "$U/tmp/pid")/cmdline" 2> /dev/null && break
		sleep 0.1
	done
	NSPID=$(cat "$U/tmp/pid") || { fail "the user's process in its namespaces did not start"; exit 1; }
	at_cleanup kill "$NSPID"
	rm "$U/tmp/pid"
}

in_netns() { nsenter -t "$NSPID" -n "$@"; }
record() { cat "$U/rundir/nics" 2> /dev/null || true; }

test_user_gets_a_veth_on_the_bridge_and_deletes_it() {
	setup || return 0
	user_netns
	local out host
	out=$(usernic create "$T/lxcpath" c1 "$NSPID" veth "$BR" eth1) || { fail "create: $out"; return 1; }
	host=${out%% *}
	assert_eq "${out#* }" eth1 "the name inside, as printed"
	case $host in vethu*) ;; *) fail "host end: expected vethu*, saw '$host'"; return 1 ;; esac
	# The host end: on the bridge, up; the peer: in the user's namespace.
	assert_contains "$(ip -o link show "$host")" "master $BR"
	assert_contains "$(ip -o link show "$host")" ",UP>" "flags of the host end"
	assert_contains "$(in_netns ip -o link show eth1)" "eth1@"
	assert_eq "$(ip -o link show eth1 2> /dev/null)" "" "eth1 on the host"
	assert_eq "$(record)" "$TUID veth $BR $host c1" "the record"
	# The user configures it from inside, as the container's start does.
	in_netns ip link set eth1 up
	assert_contains "$(ip -o link show "$host")" ",UP,LOWER_UP>" "flags of the host end, eth1 up"
	usernic delete "$T/lxcpath" c1 "$NSPID" veth "$BR" eth1 || { fail "delete by pid"; return 1; }
	assert_eq "$(ip -o link show master "$BR")" "" "ports of $BR after delete"
	assert_eq "$(in_netns ip -o link show eth1 2> /dev/null)" "" "eth1 after delete"
	assert_eq "$(record)" "" "the record after delete"
}

test_delete_by_namespace_path_and_only_the_users_own() {
	setup || return 0
	user_netns
	usernic create "$T/lxcpath" c1 "$NSPID" veth "$BR" eth0 > /dev/null
	# A veth the user made inside their namespace is not theirs to delete
	# through the helper (not in the record, not on the bridge).
	in_netns ip link add lxcmgrx0 type veth peer name lxcmgrx1
	assert_fails usernic delete "$T/lxcpath" c1 "$NSPID" veth "$BR" lxcmgrx0
	assert_contains "$err" "is not on \"$BR\""
	# The path of the namespace, opened as the user.
	usernic delete "$T/lxcpath" c1 "/proc/$NSPID/ns/net" veth "$BR" eth0 ||
		{ fail "delete by path"; return 1; }
	assert_eq "$(ip -o link show master "$BR")" "" "ports of $BR after delete"
	assert_eq "$(record)" "" "the record after delete"
}

test_quota_counts_the_users_devices_and_group_lines_add() {
	setup || return 0
	user_netns
	usernic create "$T/lxcpath" c1 "$NSPID" veth "$BR" eth0 > /dev/null
	assert_fails usernic create "$T/lxcpath" c1 "$NSPID" veth "$BR" eth1
	assert_contains "$err" "lxcmgr-user-nic: user \"$TNAME\" has 1 of the 1 veth devices $CONFDIR/lxc-usernet allows on \"$BR\""
	assert_eq "$(in_netns ip -o link show eth1 2> /dev/null)" "" "eth1 after the refusal"
	# A group's line adds to the user's own.
	usernet "$TNAME veth $BR 1" "@$TGROUP veth $BR 1"
	usernic create "$T/lxcpath" c1 "$NSPID" veth "$BR" eth1 > /dev/null ||
		{ fail "second create with the group's line"; return 1; }
	assert_eq "$(ip -o link show master "$BR" | wc -l)" 2 "ports of $BR"
	# A device gone with its namespace no longer counts.
	in_netns ip link del eth0
	usernic create "$T/lxcpath" c1 "$NSPID" veth "$BR" eth2 > /dev/null ||
		{ fail "create after a device went away"; return 1; }
	assert_eq "$(record | wc -l)" 2 "lines of the record"
}

test_refuses_a_bridge_not_listed_and_a_bad_config() {
	setup || return 0
	user_netns
	local other
	other=$BR
	net_test_bridge
	assert_fails usernic create "$T/lxcpath" c1 "$NSPID" veth "$BR" eth0
	assert_contains "$err" "user \"$TNAME\" may not put veth devices on \"$BR\": no line of $CONFDIR/lxc-usernet gives one (as root, add \"$TNAME veth $BR 1\""
	usernet "$TNAME veth $other two"
	assert_fails usernic create "$T/lxcpath" c1 "$NSPID" veth "$other" eth0
	assert_contains "$err" "$CONFDIR/lxc-usernet:2: count \"two\" is not a number"
	usernet "$TNAME veth $other 1"
	chmod 666 "$U/conf/lxc-usernet"
	assert_fails usernic create "$T/lxcpath" c1 "$NSPID" veth "$other" eth0
	assert_contains "$err" "must be a regular file owned by root and writable by root only"
	# Listed, but not a bridge.
	chmod 644 "$U/conf/lxc-usernet"
	local dummy
	dummy=$(net_test_ifname d)
	net_test_link "$dummy" veth peer name "$(net_test_ifname e)"
	usernet "$TNAME veth $dummy 1"
	assert_fails usernic create "$T/lxcpath" c1 "$NSPID" veth "$dummy" eth0
	assert_contains "$err" "\"$dummy\" is not a bridge"
	assert_eq "$(ip -o link show master "$other")$(ip -o link show master "$BR")" "" "ports made"
	assert_eq "$(in_netns ip -o link show eth0 2> /dev/null)" "" "eth0 inside"
}

test_refuses_a_process_or_namespace_not_the_users() {
	setup || return 0
	# Root's process in a user and network namespace of root's.
	unshare --user --net sleep 600 &
	local rootpid=$!
	at_cleanup kill "$rootpid"
	assert_fails usernic create "$T/lxcpath" c1 "$rootpid" veth "$BR" eth0
	assert_contains "$err" "process $rootpid: Permission denied (it must be yours, or in a user namespace of yours)"
	# The user's own process in the host's network namespace.
	as_user sh -c "echo \$\$ > '$U/tmp/hpid'; exec sleep 600" &
	at_cleanup kill $!
	local hostpid=""
	for _ in $(seq 100); do
		hostpid=$(cat "$U/tmp/hpid" 2> /dev/null || true)
		[ -n "$hostpid" ] && grep -q sleep "/proc/$hostpid/cmdline" 2> /dev/null && break
		sleep 0.1
	done
	at_cleanup kill "$hostpid"
	assert_fails usernic create "$T/lxcpath" c1 "$hostpid" veth "$BR" eth0
	assert_contains "$err" "the network namespace is not in a user namespace of uid $TUID"
	# The user's process in a network namespace root made for it.
	unshare --net setpriv --reuid="$TUID" --regid="$TUID" --clear-groups sleep 600 &
	local rootnet=$!
	at_cleanup kill "$rootnet"
	for _ in $(seq 100); do
		grep -q sleep "/proc/$rootnet/cmdline" 2> /dev/null && break
		sleep 0.1
	done
	assert_fails usernic create "$T/lxcpath" c1 "$rootnet" veth "$BR" eth0
	assert_contains "$err" "the network namespace is not in a user namespace of uid $TUID"
	# A namespace path the user cannot open, and a file that is none.
	assert_fails usernic delete "$T/lxcpath" c1 "/proc/$rootpid/ns/net" veth "$BR" eth0
	assert_contains "$err" "network namespace /proc/$rootpid/ns/net: Permission denied"
	assert_fails usernic delete "$T/lxcpath" c1 /etc/passwd veth "$BR" eth0
	assert_contains "$err" "that is not a network namespace"
	# A device: no ioctl of the namespace's reaches its driver.
	assert_fails usernic delete "$T/lxcpath" c1 /dev/null veth "$BR" eth0
	assert_contains "$err" "/dev/null: that is not a network namespace"
	assert_fails usernic create "$T/lxcpath" c1 999999999 veth "$BR" eth0
	assert_contains "$err" "no process 999999999"
	assert_eq "$(ip -o link show master "$BR")" "" "ports of $BR"
	assert_eq "$(record)" "" "the record"
}

test_refuses_bad_names_and_types_and_a_copy_not_setuid() {
	setup || return 0
	user_netns
	assert_fails usernic create "$T/lxcpath" c1 "$NSPID" veth "$BR" eth0/x
	assert_contains "$err" "device name \"eth0/x\" is not 1-15 characters of A-Z a-z 0-9 _ . -"
	assert_fails usernic create "$T/lxcpath" c1 "$NSPID" veth "$BR" abcdefghijklmnop
	assert_contains "$err" "device name \"abcdefghijklmnop\" is not 1-15 characters"
	assert_fails usernic create "$T/lxcpath" c1 "$NSPID" veth "../$BR" eth0
	assert_contains "$err" "bridge name \"../$BR\" is not"
	assert_fails usernic create "$T/lxcpath" c1 "$NSPID" macvlan "$BR" eth0
	assert_contains "$err" "type \"macvlan\" is not supported yet (only veth)"
	assert_fails usernic create "$T/lxcpath" "c 1" "$NSPID" veth "$BR" eth0
	assert_contains "$err" "container name has a blank or control character"
	assert_fails usernic create "$T/lxcpath" c1 "1x" veth "$BR" eth0
	assert_contains "$err" "\"1x\" is not a process id"
	assert_fails usernic create "$T/lxcpath" c1 "$NSPID" veth
	assert_contains "$err" "Usage: lxcmgr-user-nic create"
	# A device of that name inside already.
	in_netns ip link add eth0 type veth peer name eth9
	assert_fails usernic create "$T/lxcpath" c1 "$NSPID" veth "$BR" eth0
	assert_contains "$err" "a device named \"eth0\" exists in that network namespace"
	assert_eq "$(record)" "" "the record after the refusal"
	# Not setuid: says how to install it.
	cp "$LXCMGR_BUILD/tools/lxcmgr-user-nic" "$U/bin/plain"
	chmod 755 "$U/bin/plain"
	assert_fails as_user "$U/bin/plain" create "$T/lxcpath" c1 "$NSPID" veth "$BR" eth1
	assert_contains "$err" "lxcmgr-user-nic: not setuid root (as root: chown root lxcmgr-user-nic; chmod 4755 it)"
	assert_eq "$(ip -o link show master "$BR")" "" "ports of $BR"
}

# ---------------------------------------------------------------------
# An ordinary user's container on the bridge: lxc-start runs the helper
# ($LXCMGR_USER_NIC: the setuid copy) for its veth.

SUBUID=1300000
SUBGID=1400000
CT=lxcmgr-test-unic

# setup_container_user: setup, plus the user's subordinate ids, home and
# runtime directory, and $U/as-user (a script, for the cleanup too).
setup_container_user() {
	setup || return 1
	need_subids || return 1
	sed -i "s|^$TNAME:x:$TUID:$TUID::/:|$TNAME:x:$TUID:$TUID::$U/home:|" "$U/etc/passwd"
	echo "$TNAME:$SUBUID:65536" > "$U/etc/subuid"
	echo "$TNAME:$SUBGID:65536" > "$U/etc/subgid"
	mkdir -p "$U/home/.config/lxcmgr" "$U/run"
	cp "$T/etc/default.conf" "$U/home/.config/lxcmgr/default.conf"
	chown -R "$TUID:$TUID" "$U/home" "$U/run"
	chmod 700 "$U/run"
	cat > "$U/as-user" <<- 'EOF'
	u=$1 uid=$2 confdir=$3 rundir=$4 n=$5
	shift 5
	for d in "${@:1:$n}"; do echo $$ > "$d/cgroup.procs" || exit 1; done
	shift "$n"
	exec unshare -m --propagation private bash -c '
		for f in passwd group subuid subgid; do
			mount --bind "$0/etc/$f" "/etc/$f" || exit 1
		done
		mount --bind "$0/conf" "$2" && mount --bind "$0/rundir" "$3" || exit 1
		exec setpriv --reuid="$1" --regid="$1" --init-groups \
			env -u LXCMGR_CONFIG_PATH -u LXCMGR_RUNTIME_PATH HOME="$0/home" \
			XDG_RUNTIME_DIR="$0/run" LXCMGR_USER_NIC="$0/bin/lxcmgr-user-nic" "${@:4}"' \
		"$u" "$uid" "$confdir" "$rundir" "$@"
	EOF
	at_cleanup bash "$U/as-user" "$U" "$TUID" "$CONFDIR" "$RUNDIR" 0 "$LXCMGR_BUILD/tools/lxc-stop" -n "$CT" -k
	delegate "$TUID"
}

ctool() {
	local t=$1
	shift
	bash "$U/as-user" "$U" "$TUID" "$CONFDIR" "$RUNDIR" "${#DELEG[@]}" "${DELEG[@]}" \
		"$LXCMGR_BUILD/tools/lxc-$t" "$@"
}

test_users_container_on_the_bridge_reaches_it() {
	setup_container_user || return 0
	local net i
	for i in $(seq 20); do
		net=10.$((RANDOM % 200 + 20)).$((RANDOM % 250))
		[ -z "$(ip -4 route show "$net.0/24")" ] && break
	done
	ip addr add "$net.1/24" dev "$BR"
	ctool create -n "$CT" -t busybox -q || { fail "lxc-create as $TNAME"; return 1; }
	local cfg=$U/home/.local/share/lxcmgr/$CT/config
	sed -i '/^lxc\.net\./d' "$cfg"
	printf '%s\n' "lxc.net.0.type = veth" "lxc.net.0.link = $BR" "lxc.net.0.flags = up" \
		"lxc.net.0.ipv4.address = $net.2/24" "lxc.net.0.ipv4.gateway = auto" >> "$cfg"
	local out
	out=$(ctool start -n "$CT" 2>&1) || { fail "lxc-start as $TNAME: $out"; return 1; }
	local host
	host=$(ip -o link show master "$BR" | awk -F': ' '{ print $2 }' | cut -d@ -f1)
	case $host in vethu*) ;; *) fail "port of $BR: expected vethu*, saw '$host'"; return 1 ;; esac
	assert_eq "$(record | cut -d' ' -f1-3,5)" "$TUID veth $BR $CT" "the record"
	# Configured from inside: address, up, the default route via the bridge.
	assert_contains "$(ctool attach -n "$CT" -- ip -o -4 addr show eth0)" "inet $net.2/24"
	assert_contains "$(ctool attach -n "$CT" -- ip route)" "default via $net.1 dev eth0"
	# A hang guard, not a timing check: one answer is what is asked.
	ctool attach -n "$CT" -- ping -c 1 -w 20 "$net.1" > /dev/null ||
		fail "ping $net.1 (the bridge) from the user's container"
	assert_contains "$(ctool info -n "$CT" -i)" "$net.2"
	ctool stop -n "$CT" -k || { fail "lxc-stop as $TNAME"; return 1; }
	assert_eq "$(ip -o link show master "$BR")" "" "ports of $BR after stop"
	assert_eq "$(record)" "" "the record after stop"
	# Another type is refused before anything is made.
	sed -i 's/^lxc\.net\.0\.type = veth/lxc.net.0.type = macvlan/' "$cfg"
	assert_fails ctool start -n "$CT" -F
	assert_contains "$err" "lxc.net.0.type = macvlan"
	assert_contains "$err" "not supported yet for containers started by an ordinary user"
	sed -i 's/^lxc\.net\.0\.type = macvlan/lxc.net.0.type = veth/' "$cfg"
	echo "lxc.net.0.veth.pair = lxcmgrx$$" >> "$cfg"
	assert_fails ctool start -n "$CT" -F
	assert_contains "$err" "lxc.net.0.veth.pair"
	assert_contains "$err" "not supported yet for a veth of a container started by an ordinary user"
}

# The user's monitor is killed; root's lxc-stop -k cleans up as the user
# would: init killed, the veth deleted by the helper (off the bridge and
# out of its record at once), the cgroups and runtime files gone.
test_root_cleans_up_the_veth_of_a_killed_monitor() {
	setup_container_user || return 0
	ctool create -n "$CT" -t busybox -q || { fail "lxc-create as $TNAME"; return 1; }
	local cfg=$U/home/.local/share/lxcmgr/$CT/config
	sed -i '/^lxc\.net\./d' "$cfg"
	printf '%s\n' "lxc.net.0.type = veth" "lxc.net.0.link = $BR" >> "$cfg"
	local out init monitor
	out=$(ctool start -n "$CT" 2>&1) || { fail "lxc-start as $TNAME: $out"; return 1; }
	assert_eq "$(record | cut -d' ' -f1-3,5)" "$TUID veth $BR $CT" "the record"
	[ -n "$(ip -o link show master "$BR")" ] || { fail "no port on $BR"; return 1; }
	init=$(ctool info -n "$CT" -p -H | awk '{ print $2 }')
	monitor=$(ps -o ppid= -p "$init" | tr -d ' ')
	[ "$(stat -c %u "/proc/$monitor")" = "$TUID" ] || { fail "the monitor ($monitor) is not the user's"; return 1; }
	kill -9 "$monitor"
	while kill -0 "$monitor" 2> /dev/null; do sleep 0.1; done
	in_test_ns env LXCMGR_USER_NIC="$HELPER" "$LXCMGR_BUILD/tools/lxc-stop" \
		-P "$U/home/.local/share/lxcmgr" -n "$CT" -k || fail "root's lxc-stop -k"
	case $(ps -o stat= -p "$init") in "" | Z*) ;; *) fail "init ($init) still runs" ;; esac
	assert_eq "$(ip -o link show master "$BR")" "" "ports of $BR after root's lxc-stop -k"
	assert_eq "$(record)" "" "the helper's record after root's lxc-stop -k"
	assert_eq "$(find "${DELEG[@]}" -mindepth 1 -type d)" "" "cgroups left"
	assert_eq "$(find "$U/run/lxcmgr/c" -mindepth 1)" "" "runtime files left"
}

run_tests
