#!/usr/bin/env bash
# Unprivileged use: lxc-usernsexec, an ordinary user's defaults, lxc-create
# -t busybox as that user, lxc-checkconfig's answers for them.
#
# No user is added to the machine: each test runs the tools as uid $TUID
# inside a private mount namespace of its own (unshare -m), where the
# test's copies of /etc/passwd, /etc/group, /etc/subuid and /etc/subgid are
# bind-mounted over the host's, then setpriv drops to that uid. newuidmap
# (setuid root) reads the copies too. Files of the subordinate ids exist
# only below $T, which root removes at the end.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-user.sh"

TNAME=lxcmgr-test-user
SUBUID=1100000
SUBGID=1200000

TUID=$(free_id)

# setup_user: $T/u holds the /etc copies, the user's home and runtime
# directory; $T itself becomes reachable for the user.
setup_user() {
	need_root || return 1
	command -v setpriv > /dev/null || { skip "no setpriv (util-linux)"; return 1; }
	need_subids || return 1
	chmod 755 "$T"
	U=$T/u
	user_files "$TNAME" "$TUID" "$SUBUID" "$SUBGID"
}

# as_user CMD...: CMD as $TNAME, with the test's /etc copies, in the user's
# defaults (no LXCMGR_CONFIG_PATH or LXCMGR_RUNTIME_PATH).
as_user() {
	unshare -m --propagation private bash -c '
		for f in passwd group subuid subgid; do
			mount --bind "$0/etc/$f" "/etc/$f" || exit 1
		done
		exec setpriv --reuid="$1" --regid="$1" --clear-groups \
			env -u LXCMGR_CONFIG_PATH -u LXCMGR_RUNTIME_PATH HOME="$0/home" \
			XDG_RUNTIME_DIR="$0/run" "${@:2}"' "$U" "$TUID" "$@"
}

usernsexec() { as_user "$LXCMGR_BUILD/tools/lxc-usernsexec" "$@"; }
owner() { stat -c %u:%g "$1"; }

test_usernsexec_runs_as_root_of_the_callers_ranges() {
	setup_user || return 0
	assert_eq "$(usernsexec -- id -u)" 0 "id -u inside"
	assert_eq "$(usernsexec -- id -g)" 0 "id -g inside"
	assert_eq "$(usernsexec -- cat /proc/self/uid_map | tr -s ' ' | sed 's/^ //')" \
		"0 $SUBUID 65536" "uid_map with no -m (the first subuid range)"
	# -s maps the caller too (at 65536, after the range): its home is
	# writable inside, and what root makes there is the range's first id.
	mkdir "$U/home/shared" && chown "$TUID:$TUID" "$U/home/shared"
	usernsexec -s -- sh -c "touch '$U/home/shared/by-root' && touch '$U/home/shared/by-5' && chown 5:7 '$U/home/shared/by-5'"
	assert_eq "$(owner "$U/home/shared/by-root")" "$SUBUID:$SUBGID" "owner of a file root made inside"
	assert_eq "$(owner "$U/home/shared/by-5")" "$((SUBUID + 5)):$((SUBGID + 7))" "owner of a file chowned to 5:7 inside"
	local status=0
	usernsexec -m u:0:$SUBUID:10 -m g:0:$SUBGID:10 -- sh -c "exit 7" || status=$?
	assert_eq "$status" 7 "exit status passed back"
}

test_usernsexec_errors_name_the_fix() {
	setup_user || return 0
	assert_fails usernsexec -m b:0:1300000:65536 -- true
	assert_contains "$err" "host uids 1300000-1365535 are not subordinate uids of user \"$TNAME\" in /etc/subuid (it has $SUBUID-$((SUBUID + 65535)))"
	assert_fails usernsexec -m u:0:$SUBUID:10 -- true
	assert_contains "$err" "the map gives no gid 0"
	assert_fails usernsexec -m x:1:2 -- true
	assert_contains "$err" '-m "x:1:2" is not KIND:NSID:HOSTID:COUNT'
	# Without a range of their own (an entry of another user only).
	echo "someone-else:$SUBUID:65536" > "$U/etc/subuid"
	assert_fails usernsexec -- true
	assert_contains "$err" "no subordinate uids for user \"$TNAME\" in /etc/subuid (as root: usermod --add-subuids"
	echo "$TNAME:$SUBUID:65536" > "$U/etc/subuid"
	# newuidmap not setuid (a plain copy first in PATH), then not there at all.
	mkdir "$U/bin" && cp /usr/bin/newuidmap /usr/bin/newgidmap "$U/bin/"
	assert_fails as_user env PATH="$U/bin:/usr/bin:/bin" "$LXCMGR_BUILD/tools/lxc-usernsexec" true
	assert_contains "$err" "\"$U/bin/newuidmap\" is not setuid root"
	assert_contains "$err" "apt-get install --reinstall uidmap"
	assert_fails as_user env PATH="$U/run" "$LXCMGR_BUILD/tools/lxc-usernsexec" true
	assert_contains "$err" "newuidmap is not installed (not in PATH)"
	assert_contains "$err" "apt-get install uidmap"
}

test_user_defaults() {
	setup_user || return 0
	assert_eq "$(as_user "$LXCMGR_BUILD/tools/lxc-config" lxc.lxcpath)" "$U/home/.local/share/lxcmgr" \
		"lxc.lxcpath of a user"
	assert_eq "$(as_user "$LXCMGR_BUILD/tools/lxc-config" lxc.default_config)" \
		"$U/home/.config/lxcmgr/default.conf" "lxc.default_config of a user with one"
	assert_eq "$(as_user env XDG_DATA_HOME="$U/data" "$LXCMGR_BUILD/tools/lxc-config" lxc.lxcpath)" \
		"$U/data/lxcmgr" "lxc.lxcpath under XDG_DATA_HOME"
	# Without a default.conf of the user's, the system's applies.
	rm "$U/home/.config/lxcmgr/default.conf"
	assert_not_contains "$(as_user "$LXCMGR_BUILD/tools/lxc-config" lxc.default_config)" "$U/home"
	assert_fails as_user env -u XDG_RUNTIME_DIR "$LXCMGR_BUILD/tools/lxc-ls"
	assert_contains "$err" "\$XDG_RUNTIME_DIR is not set"
	assert_contains "$err" "LXCMGR_RUNTIME_PATH"
}

test_create_busybox_as_user() {
	setup_user || return 0
	local name=lxcmgr-test-ubb dir
	dir=$U/home/.local/share/lxcmgr/$name
	as_user "$LXCMGR_BUILD/tools/lxc-create" -n "$name" -t busybox -q ||
		{ fail "lxc-create as $TNAME failed"; return 1; }
	# The default map from the user's ranges, written into the config.
	assert_contains "$(grep '^lxc.idmap' "$dir/config")" "lxc.idmap = u 0 $SUBUID 65536
lxc.idmap = g 0 $SUBGID 65536"
	assert_eq "$(owner "$dir/config")" "$TUID:$TUID" "owner of the config"
	assert_eq "$(owner "$dir/rootfs")" "$SUBUID:$SUBGID" "owner of the rootfs"
	assert_eq "$(owner "$dir/rootfs/etc/passwd")" "$SUBUID:$SUBGID" "owner of rootfs/etc/passwd"
	assert_eq "$(owner "$dir/rootfs/bin/busybox")" "$SUBUID:$SUBGID" "owner of rootfs/bin/busybox"
	[ -e "$dir/rootfs/sbin/init" ] || fail "no sbin/init: the applets were not installed"
	assert_eq "$(stat -c %a "$dir/rootfs/tmp")" 1777 "mode of rootfs/tmp"
	assert_contains "$(as_user "$LXCMGR_BUILD/tools/lxc-ls" -f)" "$name"
	# Removing it takes the container's root: the user cannot otherwise.
	as_user "$LXCMGR_BUILD/tools/lxc-destroy" -n "$name" ||
		{ fail "lxc-destroy as $TNAME failed"; return 1; }
	[ ! -e "$dir" ] || fail "lxc-destroy left $dir"
}

test_create_with_own_idmap_and_mapped_ids() {
	setup_user || return 0
	local name=lxcmgr-test-umap dir cfg=$U/home/map.conf
	dir=$U/home/.local/share/lxcmgr/$name
	# Root inside is the second id of the range; the template hears the
	# caller's id inside (--mapped-uid), where the map left it free.
	printf 'lxc.net.0.type = empty\nlxc.idmap = u 0 %s 1000\nlxc.idmap = g 0 %s 1000\n' \
		"$((SUBUID + 1))" "$((SUBGID + 1))" > "$cfg"
	chown "$TUID:$TUID" "$cfg"
	as_user "$LXCMGR_BUILD/tools/lxc-create" -n "$name" -t busybox -f "$cfg" -q ||
		{ fail "lxc-create -f as $TNAME failed"; return 1; }
	assert_eq "$(owner "$dir/rootfs/etc/hostname")" "$((SUBUID + 1)):$((SUBGID + 1))" \
		"owner of rootfs/etc/hostname under the config's map"
	assert_eq "$(grep -c '^lxc.idmap' "$dir/config")" 2 "lxc.idmap lines (no default added)"
}

test_create_errors_leave_nothing() {
	setup_user || return 0
	local lxcpath=$U/home/.local/share/lxcmgr cfg=$U/home/outside.conf
	# No subordinate range: one error, nothing made.
	echo "someone-else:$SUBUID:65536" > "$U/etc/subuid"
	assert_fails as_user "$LXCMGR_BUILD/tools/lxc-create" -n lxcmgr-test-u1 -t busybox
	assert_contains "$err" "no subordinate uids for user \"$TNAME\""
	assert_contains "$err" "usermod --add-subuids"
	[ ! -e "$lxcpath" ] || fail "a create without a range left $lxcpath: $(ls -la "$lxcpath")"
	echo "$TNAME:$SUBUID:65536" > "$U/etc/subuid"
	# A map outside the user's ranges.
	printf 'lxc.idmap = u 0 1300000 65536\nlxc.idmap = g 0 %s 65536\n' "$SUBGID" > "$cfg"
	assert_fails as_user "$LXCMGR_BUILD/tools/lxc-create" -n lxcmgr-test-u2 -t busybox -f "$cfg"
	assert_contains "$err" "host uids 1300000-1365535 are not subordinate uids"
	[ ! -e "$lxcpath/lxcmgr-test-u2" ] || fail "the failed create left its directory"
	# A template that fails inside the namespace after making the rootfs
	# tree (a dynamic "busybox" cannot run there): only the container's root
	# may remove those files, and the rollback does it as that root.
	assert_fails as_user "$LXCMGR_BUILD/tools/lxc-create" -n lxcmgr-test-u3 -t busybox -- \
		--busybox-path="$(type -P true)"
	assert_contains "$err" "is dynamically linked"
	[ ! -e "$lxcpath/lxcmgr-test-u3" ] || fail "the failed template left $(find "$lxcpath/lxcmgr-test-u3" | head -5)"
}

test_checkconfig_for_a_user() {
	setup_user || return 0
	local out
	out=$(as_user "$LXCMGR_BUILD/tools/lxc-checkconfig" --no-color) || true
	assert_contains "$out" "Subordinate uids:"
	assert_contains "$(printf '%s\n' "$out" | grep 'Subordinate uids:')" "$TNAME has: $SUBUID-$((SUBUID + 65535))"
	assert_contains "$(printf '%s\n' "$out" | grep 'Subordinate gids:')" "$TNAME has: $SUBGID-$((SUBGID + 65535))"
	# Delegation: the answer the probe gives must match a mkdir tried here.
	local line own mnt
	line=$(printf '%s\n' "$out" | grep 'Delegated cgroup:')
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	mnt=$(awk '$(NF-2) == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	if [ -n "$mnt" ] && ! as_user mkdir "$mnt$own/lxcmgr-test-probe-$$" 2> /dev/null; then
		assert_contains "$line" "missing"
		assert_contains "$line" "systemd-run --user --scope -p Delegate=yes"
	else
		[ -n "$mnt" ] && rmdir "$mnt$own/lxcmgr-test-probe-$$"
		assert_contains "$line" "Delegated cgroup:"
	fi
	echo "someone-else:$SUBUID:65536" > "$U/etc/subuid"
	out=$(as_user "$LXCMGR_BUILD/tools/lxc-checkconfig" --no-color) || true
	assert_contains "$(printf '%s\n' "$out" | grep 'Subordinate uids:')" "missing"
	assert_contains "$(printf '%s\n' "$out" | grep 'Subordinate uids:')" "usermod --add-subuids"
}

run_tests
