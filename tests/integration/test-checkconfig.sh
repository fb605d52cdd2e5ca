#!/usr/bin/env bash
# lxc-checkconfig: its answers against what the host says when asked
# directly (stat, unshare(1), ip, securityfs), never against fixed values.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-user.sh"

# The report line of check NAME ("  NAME: ...").
check_line() {
	printf '%s\n' "$1" | grep -m1 -F "  $2:" || true
}

# The first word after "NAME:": enabled, missing, warning (or, for a fact,
# the start of it).
check_status() {
	local line
	line=$(check_line "$1" "$2")
	line=${line#*"$2:"}
	set -- $line
	printf '%s\n' "${1:-}"
}

# The active LSMs, from securityfs; when it is not mounted, from a private
# mount of it in a new mount namespace (root only). Empty when unknown.
host_lsm_list() {
	if [ -r /sys/kernel/security/lsm ]; then
		cat /sys/kernel/security/lsm
	elif [ "$(id -u)" = 0 ]; then
		unshare --mount --propagation private sh -c \
			'mount -t securityfs securityfs /sys/kernel/security && cat /sys/kernel/security/lsm' \
			2>/dev/null || true
	fi
}

# unshare(1) with the options of one namespace, as this user can: root
# directly, others inside a new user namespace (as lxc-checkconfig does).
host_unshare() {
	if [ "$(id -u)" = 0 ] || [ "$1" = --user ]; then
		unshare "$1" true 2>/dev/null
	else
		unshare --user "$1" true 2>/dev/null
	fi
}

# Whether v1 controller $1 is mounted, by /proc/self/mountinfo.
host_v1_mounted() {
	awk -v c="$1" '{
		for (i = 7; i <= NF; i++) if ($i == "-") break
		if ($(i + 1) != "cgroup") next
		n = split($(i + 3), o, ",")
		for (j = 1; j <= n; j++) if (o[j] == c) found = 1
	} END { exit !found }' /proc/self/mountinfo
}

test_every_group_has_a_heading() {
	local out g
	out=$(lxc_checkconfig) || true
	for g in "Namespaces" "Control groups" "Networking" "Storage" "Security" \
		"User namespaces for unprivileged use" "Misc"; do
		printf '%s\n' "$out" | grep -qx "$g" || fail "no heading line '$g' in: $out"
	done
	assert_contains "$(printf '%s\n' "$out" | tail -n 1)" " missing, " "summary line"
}

test_cgroup_layout_matches_the_host() {
	local fs expected line
	fs=$(stat -fc %T /sys/fs/cgroup 2>/dev/null || echo none)
	case "$fs" in
	cgroup2fs) expected="unified" ;;
	tmpfs)
		if [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
			expected="hybrid"
		else
			expected="legacy"
		fi
		;;
	sysfs | none) expected="none" ;;
	*) expected="legacy" ;;
	esac
	line=$(check_line "$(lxc_checkconfig)" "Layout")
	assert_contains "$line" "Layout:" "layout line"
	case "$line" in
	*"Layout:"*" $expected"*) ;;
	*) fail "/sys/fs/cgroup is $fs, so expected layout '$expected', saw '$line'" ;;
	esac
}

# The cgroup2 code path on any host: cgroup2 mounted on /sys/fs/cgroup in a
# private mount namespace makes the layout unified there, and the report must
# follow that namespace's cgroup.controllers.
test_cgroup2_view_in_a_private_mount_namespace() {
	need_root || return 0
	local bin="$LXCMGR_BUILD/tools/lxc-checkconfig" out ctrls report c st
	out=$(unshare --mount --propagation private sh -c '
		mount -t cgroup2 cgroup2 /sys/fs/cgroup || exit 0
		echo "controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
		"$1" --no-color; echo "rc=$?"' sh "$bin") || true
	case "$out" in
	"controllers: "*) ;;
	*) skip "cannot mount cgroup2 in a private mount namespace"; return 0 ;;
	esac
	ctrls=" $(printf '%s\n' "$out" | sed -n '1s/^controllers: //p') "
	report=$(printf '%s\n' "$out" | sed '1d')
	assert_contains "$(check_line "$report" "Layout")" "unified" "layout with cgroup2 on /sys/fs/cgroup"
	for c in cpu cpuset io memory pids; do
		st=$(check_status "$report" "$c controller")
		case "$ctrls" in
		*" $c "*) assert_eq "$st" "enabled" "$c is in cgroup.controllers ($ctrls), so $c controller" ;;
		*) assert_eq "$st" "missing" "$c is not in cgroup.controllers ($ctrls), so $c controller" ;;
		esac
	done
	case "$ctrls" in
	*" memory "*" pids "* | *" pids "*" memory "*) ;;
	*) assert_eq "$(printf '%s\n' "$report" | tail -n 1)" "rc=1" "exit status without memory and pids" ;;
	esac
}

test_namespaces_agree_with_unshare() {
	local out pair opt name line
	out=$(lxc_checkconfig) || true
	for pair in mount:Mount uts:UTS ipc:IPC pid:PID net:Network user:User \
		cgroup:Cgroup time:Time; do
		opt=--${pair%%:*}
		name="${pair#*:} namespace"
		line=$(check_status "$out" "$name")
		if host_unshare "$opt"; then
			assert_eq "$line" "enabled" "unshare $opt true works, so $name"
		else
			assert_contains "missing warning" "${line:-none}" "unshare $opt true fails, so $name"
		fi
	done
}

test_networking_agrees_with_ip_link() {
	need_root || return 0
	command -v ip > /dev/null || { skip "no ip(8)"; return 0; }
	local out line
	out=$(lxc_checkconfig) || true
	# Each ip link add runs in a private network namespace, gone when
	# unshare exits.
	line=$(check_status "$out" "veth")
	if unshare --net ip link add lxcmgr-t0 type veth peer name lxcmgr-t1 2>/dev/null; then
		assert_eq "$line" "enabled" "ip link add type veth works, so veth"
	else
		assert_contains "missing warning" "${line:-none}" "ip link add type veth fails, so veth"
	fi
	line=$(check_status "$out" "bridge")
	if unshare --net ip link add lxcmgr-t0 type bridge 2>/dev/null; then
		assert_eq "$line" "enabled" "ip link add type bridge works, so bridge"
	else
		assert_contains "missing warning" "${line:-none}" "ip link add type bridge fails, so bridge"
	fi
}

test_no_escape_codes_when_piped() {
	local out
	out=$(lxc_checkconfig) || true
	assert_not_contains "$out" $'\033' "piped output"
}

test_colour_only_on_a_terminal() {
	command -v script > /dev/null || { skip "no script(1) to make a terminal"; return 0; }
	local bin="$LXCMGR_BUILD/tools/lxc-checkconfig" out
	out=$(script -qec "env -u NO_COLOR $bin" /dev/null) || true
	assert_contains "$out" $'\033[' "output on a terminal"
	out=$(script -qec "env NO_COLOR=1 $bin" /dev/null) || true
	assert_not_contains "$out" $'\033' "output on a terminal with NO_COLOR=1"
	out=$(script -qec "env -u NO_COLOR $bin --no-color" /dev/null) || true
	assert_not_contains "$out" $'\033' "output on a terminal with --no-color"
}

test_help_exits_zero() {
	local out
	out=$(lxc_checkconfig --help) || fail "--help exited $?"
	assert_contains "$out" "Usage: lxc-checkconfig"
	assert_contains "$out" "--no-color"
	assert_contains "$out" "Exit status"
}

test_bad_option_is_a_usage_error() {
	assert_fails lxc_checkconfig --no-such-option
	assert_contains "$err" "--no-such-option"
}

# The exit status is 0 exactly when the host, asked directly, has what a
# privileged system container needs.
test_exit_status_matches_the_required_features() {
	need_root || return 0
	local expected=0 rc=0 ns c
	for ns in --mount --uts --ipc --pid --net; do
		unshare "$ns" true 2>/dev/null || expected=1
	done
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		for c in memory pids; do
			grep -qw "$c" /sys/fs/cgroup/cgroup.controllers || expected=1
		done
	else
		for c in memory pids devices freezer; do
			host_v1_mounted "$c" || expected=1
		done
	fi
	if command -v ip > /dev/null; then
		unshare --net ip link add lxcmgr-t0 type veth peer name lxcmgr-t1 2>/dev/null || expected=1
	fi
	lxc_checkconfig > "$T/out" || rc=$?
	assert_eq "$rc" "$expected" "exit status (report: $(tail -n 1 "$T/out"))"
	rc=0
	lxc_checkconfig -q > "$T/quiet" || rc=$?
	assert_eq "$rc" "$expected" "exit status with -q"
	assert_eq "$(cat "$T/quiet")" "" "output with -q"
}

test_apparmor_agrees_with_the_lsm_list() {
	local lsm out line
	lsm=$(host_lsm_list)
	[ -n "$lsm" ] || { skip "cannot read the LSM list (securityfs not mounted, not root)"; return 0; }
	out=$(lxc_checkconfig) || true
	assert_contains "$(check_line "$out" "Active LSMs")" "$lsm" "Active LSMs line"
	line=$(check_status "$out" "AppArmor")
	case ",$lsm," in
	*,apparmor,*) assert_eq "$line" "enabled" "apparmor is in '$lsm', so AppArmor" ;;
	*) assert_eq "$line" "warning" "apparmor is not in '$lsm', so AppArmor" ;;
	esac
}

# usernic_setup: a copy of the build tree's lxcmgr-user-nic ($HELPER, root's,
# not setuid yet), the directory it reads lxc-usernet from ($CONFDIR, as
# built; the test binds $T/conf over it), and a user $TNAME (uid $TUID, in
# group $TGROUP) in copies of /etc/passwd and group under $T/etc-u.
usernic_setup() {
	need_root || return 1
	local built=$LXCMGR_BUILD/tools/lxcmgr-user-nic
	[ -x "$built" ] || { skip "lxcmgr-user-nic was not built (configure found no libmnl)"; return 1; }
	CONFDIR=$(dirname "$("$built" --help | grep -o '/[^ ]*/lxc-usernet' | head -n 1)")
	[ -d "$CONFDIR" ] || { skip "no $CONFDIR to bind the test's copy over (the test makes no files in it)"; return 1; }
	command -v setpriv > /dev/null || { skip "no setpriv (util-linux)"; return 1; }
	chmod 755 "$T"
	mkdir -p "$T/bin" "$T/conf" "$T/etc-u"
	HELPER=$T/bin/lxcmgr-user-nic
	cp "$built" "$HELPER"
	chown root:root "$HELPER"
	chmod 755 "$HELPER"
	TUID=$(free_id 61700)
	TNAME=lxcmgr-test-cc
	TGROUP=lxcmgr-test-ccg
	cp /etc/passwd /etc/group "$T/etc-u/"
	echo "$TNAME:x:$TUID:$TUID::/:/bin/sh" >> "$T/etc-u/passwd"
	echo "$TNAME:x:$TUID:" >> "$T/etc-u/group"
	echo "$TGROUP:x:$((TUID + 1)):$TNAME" >> "$T/etc-u/group"
}

# usernet_line AS: lxc-checkconfig's line for lxc-usernet,
# with $T/conf over $CONFDIR and the test's passwd and group over the
# host's, as root (AS = root) or as $TNAME (AS = user).
usernet_line() {
	unshare -m --propagation private bash -c '
		mount --bind "$0/conf" "$1" && mount --bind "$0/etc-u/passwd" /etc/passwd &&
		mount --bind "$0/etc-u/group" /etc/group || exit 1
		if [ "$2" = user ]; then
			exec setpriv --reuid="$3" --regid="$3" --init-groups "$4" --no-color
		fi
		exec "$4" --no-color' "$T" "$CONFDIR" "$1" "$TUID" "$LXCMGR_BUILD/tools/lxc-checkconfig" |
		grep -m1 -F "  lxc-usernet:" || true
}

test_the_setuid_helper_is_reported_with_its_fix() {
	usernic_setup || return 0
	local line
	line=$(check_line "$(LXCMGR_USER_NIC=$HELPER lxc_checkconfig --no-color)" lxcmgr-user-nic)
	assert_contains "$line" "warning  ($HELPER is not setuid root, so an ordinary user's veth fails"
	assert_contains "$line" "; as root: chown root $HELPER; chmod u+s $HELPER, or reinstall lxcmgr)"
	chmod u+s "$HELPER"
	line=$(check_line "$(LXCMGR_USER_NIC=$HELPER lxc_checkconfig --no-color)" lxcmgr-user-nic)
	assert_eq "$line" "  lxcmgr-user-nic:$(printf '%s\n' "$line" | sed 's/^  lxcmgr-user-nic:\( *\).*/\1/')enabled  ($HELPER is setuid root)" \
		"the line for a setuid root helper"
	# Setuid, but another user's: the fix is the same.
	chown "$TUID" "$HELPER"
	chmod 4755 "$HELPER"
	line=$(check_line "$(LXCMGR_USER_NIC=$HELPER lxc_checkconfig --no-color)" lxcmgr-user-nic)
	assert_contains "$line" "$HELPER is not setuid root"
	line=$(check_line "$(LXCMGR_USER_NIC=$T/bin/none lxc_checkconfig --no-color)" lxcmgr-user-nic)
	assert_contains "$line" "warning  ($T/bin/none: No such file or directory; an ordinary user's veth needs it, setuid root (reinstall lxcmgr))"
	# Not given: the path lxcmgr was built with.
	line=$(check_line "$(env -u LXCMGR_USER_NIC "$LXCMGR_BUILD/tools/lxc-checkconfig" --no-color)" lxcmgr-user-nic)
	assert_contains "$line" "$(grep -o '^#define LIBEXECDIR "[^"]*' "$LXCMGR_BUILD/config.h" 2> /dev/null |
		sed 's/.*"//')/lxcmgr/lxcmgr-user-nic" "the default path"
}

test_lxc_usernet_is_reported_for_root_and_for_the_user() {
	usernic_setup || return 0
	local f=$T/conf/lxc-usernet line
	rm -f "$f"
	line=$(usernet_line root)
	assert_contains "$line" "lxc-usernet:"
	assert_contains "$line" "$CONFDIR/lxc-usernet does not exist: no ordinary user may have a veth"
	line=$(usernet_line user)
	assert_contains "$line" "warning  ($CONFDIR/lxc-usernet does not exist"
	printf '%s\n' "# bridges for users" "$TNAME veth lxcmgr-test-b1 2" "someone veth lxcmgr-test-b2 5" \
		"@$TGROUP veth lxcmgr-test-b3 1" "$TNAME veth lxcmgr-test-b1 1" > "$f"
	chmod 644 "$f"
	line=$(usernet_line root)
	assert_contains "$line" "enabled  ($CONFDIR/lxc-usernet is root's, and each line is USER|@GROUP TYPE BRIDGE COUNT)"
	line=$(usernet_line user)
	assert_contains "$line" "enabled  ($CONFDIR/lxc-usernet gives user \"$TNAME\": 3 veth on lxcmgr-test-b1, 1 veth on lxcmgr-test-b3)"
	echo "someone veth lxcmgr-test-b1 1" > "$f"
	line=$(usernet_line user)
	assert_contains "$line" "warning  ($CONFDIR/lxc-usernet gives user \"$TNAME\" no network device (as root, add \"$TNAME veth BRIDGE 1\""
	echo "$TNAME veth lxcmgr-test-b1" >> "$f"
	line=$(usernet_line root)
	assert_contains "$line" "warning  ($CONFDIR/lxc-usernet:2: expected USER TYPE BRIDGE COUNT"
	echo "$TNAME veth lxcmgr-test-b1 1" > "$f"
	chmod 664 "$f"
	line=$(usernet_line user)
	assert_contains "$line" "is not a regular file owned by root and writable by root only, so lxcmgr-user-nic refuses it (as root: chown root $CONFDIR/lxc-usernet; chmod 644 $CONFDIR/lxc-usernet)"
	chmod 644 "$f"
	chown "$TUID" "$f"
	line=$(usernet_line root)
	assert_contains "$line" "is not a regular file owned by root"
}

run_tests
