#!/usr/bin/env bash
# Capabilities and seccomp of real busybox containers, seen from inside:
# init's sets (/proc/1/status), lxc-attach's, operations that need a
# dropped capability, the seccomp filter and its cache. The escape suite
# (tests/security/) tries the host itself.
. "$(dirname "$0")/../lib.sh"

export LXCMGR_EXEC_PATH="$LXCMGR_BUILD/tools/lxcmgr-exec"
N=lxcmgr-test-sec
P() { echo "$T/lxcpath"; }
att() { lxc_attach -P "$(P)" -n $N "$@" < /dev/null; }
cap_of() { att -- grep "^$1:" "$2" | awk '{print $2}'; } # FIELD FILE
has_cap() { [ $(( 0x$1 >> $2 & 1 )) = 1 ]; }              # HEXMASK CAPNUMBER

# A busybox container with EXTRA config lines, not started.
made() {
	need_root || return 1
	lxc_create -P "$(P)" -n $N -t busybox > /dev/null
	local line
	for line in "$@"; do echo "$line" >> "$(P)/$N/config"; done
}

test_dropped_capabilities_are_gone_from_every_set() {
	made || return 0
	# A starter whose inheritable set holds sys_time (dropped) must not
	# hand it to init: root's execve grants inheritable bits.
	capsh --inh=cap_sys_time -- -c "$LXCMGR_BUILD/tools/lxc-start -P $(P) -n $N" ||
		{ fail "start under capsh"; return 1; }
	local f set
	for f in /proc/1/status /proc/self/status; do
		for set in CapBnd CapEff CapPrm; do
			set_v=$(cap_of $set $f)
			has_cap "$set_v" 25 && fail "$f $set has sys_time: $set_v"
			has_cap "$set_v" 16 && fail "$f $set has sys_module: $set_v"
			has_cap "$set_v" 21 || fail "$f $set lacks sys_admin: $set_v"
		done
		assert_eq "$(cap_of CapInh $f)" 0000000000000000 "$f CapInh"
		assert_eq "$(cap_of CapAmb $f)" 0000000000000000 "$f CapAmb"
	done
	# An operation that needs a dropped capability fails (busybox's date
	# says so, but exits 0).
	local err; err=$(att -- date -s 2001-01-01 2>&1 > /dev/null)
	assert_contains "$err" "can't set date: Operation not permitted" "date -s (sys_time)"
}

# The template's lxc.cap.drop is cleared first: drop and keep together
# are refused, as in LXC.
test_cap_keep_limits_init_and_attach() {
	made 'lxc.cap.drop =' 'lxc.cap.keep = chown kill setuid setgid' || return 0
	lxc_start -P "$(P)" -n $N
	assert_eq "$(cap_of CapBnd /proc/1/status)" 00000000000000e1 "init keeps chown kill setgid setuid"
	assert_eq "$(cap_of CapEff /proc/1/status)" 00000000000000e1 "init's effective set"
	# mknod was not kept.
	att -- mknod /tmp/null c 1 3 2> /dev/null && fail "mknod without cap_mknod"
	# An attached root command gets init's limit, a user none.
	assert_eq "$(cap_of CapEff /proc/self/status)" 00000000000000e1 "attach's effective set"
	assert_eq "$(att -u 1000 -- grep CapEff /proc/self/status | awk '{print $2}')" \
		0000000000000000 "uid 1000"
}

test_cap_keep_none_runs_init_without_capabilities() {
	made 'lxc.cap.drop =' 'lxc.cap.keep = none' || return 0
	lxc_start -P "$(P)" -n $N
	assert_eq "$(cap_of CapBnd /proc/1/status)" 0000000000000000 "CapBnd"
	assert_eq "$(cap_of CapEff /proc/1/status)" 0000000000000000 "CapEff"
}

test_seccomp_filter_for_init_and_attach() {
	made || return 0
	lxc_start -P "$(P)" -n $N
	assert_eq "$(cap_of Seccomp /proc/1/status)" 2 "init is under a filter"
	assert_eq "$(cap_of Seccomp_filters /proc/self/status)" 1 "an attached command has one"
	# lxc-attach -s (part of the container): none, as in LXC.
	assert_eq "$(lxc_attach -P "$(P)" -n $N -s PID -- grep Seccomp: /proc/self/status \
		< /dev/null | awk '{print $2}')" 0 "attach -s"
}

test_seccomp_cache_is_used_and_checked() {
	made || return 0
	lxc_start -P "$(P)" -n $N
	local bpf; bpf=$(ls "$T"/run/seccomp/*.bpf)
	[ -f "$bpf" ] || { fail "no cached filter in $T/run/seccomp"; return 1; }
	assert_eq "$(stat -c %a "$T/run/seccomp")" 700 "cache directory mode"
	assert_eq "$(stat -c %a:%U "$bpf")" 600:root "cache file"
	local ino; ino=$(stat -c %i "$bpf")
	lxc_stop -P "$(P)" -n $N -k
	lxc_start -P "$(P)" -n $N
	assert_eq "$(stat -c %i "$bpf")" "$ino" "the second start read the cache, wrote nothing"
	lxc_stop -P "$(P)" -n $N -k
	# A cache file someone else owns is not trusted: compiled again and
	# replaced.
	chown 65534 "$bpf"
	lxc_start -P "$(P)" -n $N
	assert_eq "$(stat -c %U "$bpf")" root "an untrusted cache file is replaced"
	assert_eq "$(cap_of Seccomp /proc/1/status)" 2 "init is under a filter"
}

test_seccomp_policy_errors_name_the_line() {
	printf '2\ndenylist\nmount errno 1 [3,4,SCMP_CMP_BAD]\n' > "$T/bad.seccomp"
	made "lxc.seccomp.profile = $T/bad.seccomp" || return 0
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "lxc.seccomp.profile = $T/bad.seccomp"
	assert_contains "$err" "$T/bad.seccomp:3: argument filter \"[3,4,SCMP_CMP_BAD]\": unknown operator"
	assert_eq "$(lxc_info -P "$(P)" -n $N -s | awk '{print $2}')" STOPPED "state"
}

test_apparmor_named_profile_without_apparmor() {
	need_root || return 0
	[ "$(cat /sys/module/apparmor/parameters/enabled 2> /dev/null)" = Y ] &&
		{ skip "AppArmor is enabled on this host"; return 0; }
	made 'lxc.apparmor.profile = lxc-container-default' || return 0
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "AppArmor is not enabled on this host"
	echo 'lxc.apparmor.allow_incomplete = 1' >> "$(P)/$N/config"
	lxc_start -P "$(P)" -n $N -l WARN -o "$T/log" || { fail "allow_incomplete"; return 1; }
	assert_eq "$(cap_of Seccomp /proc/1/status)" 2 "still under seccomp"
}

run_tests
