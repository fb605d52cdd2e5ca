#!/usr/bin/env bash
# lxc.mount.auto's cgroup modes, seen from inside a busybox container: what
# is mounted at /sys/fs/cgroup, read-only or not, that the container's own
# cgroup is the root of each hierarchy it sees, and that nothing above it
# can be reached. On this kind of host (v1 or hybrid) each hierarchy is
# mounted on a tmpfs; the cgroup2-only kind is covered by the VM lane.
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-cgm

need_cgroups() {
	need_root || return 1
	grep -q ' - cgroup2\? ' /proc/self/mountinfo && return 0
	skip "no cgroup hierarchy is mounted here"
	return 1
}

# The hierarchies the host mounts directly below /sys/fs/cgroup (cgroup or
# cgroup2), as "NAME FSTYPE" lines, sorted.
host_hierarchies() {
	awk '$5 ~ "^/sys/fs/cgroup/[^/]+$" && ($(NF-2) == "cgroup" || $(NF-2) == "cgroup2") {
		sub("^/sys/fs/cgroup/", "", $5); print $5, $(NF-2) }' /proc/self/mountinfo | sort
}

# inside "MOUNT.AUTO WORDS" SCRIPT [EXTRA CONFIG LINE]: starts the container
# with SCRIPT as init (its output goes to /res), waits until it wrote END,
# and prints /res.
inside() {
	lxc_create -P "$(P)" -n $N -t busybox > /dev/null
	sed -i '/^lxc.mount.auto/d' "$(P)/$N/config"
	printf 'lxc.mount.auto = proc:mixed sys:mixed %s\nlxc.cgroup.pids.max = 77\n%s\n' "$1" "${3:-}" >> "$(P)/$N/config"
	rm -f "$(P)/$N/rootfs/res"
	lxc_start -P "$(P)" -n $N -- /bin/sh -c "exec > /res 2>&1; $2; echo END; exec sleep 1000"
	cat_when_done "$(P)/$N/rootfs/res"
}

# The container's mounts below /sys/fs/cgroup as "NAME FSTYPE" lines.
MOUNTS='awk '\''$5 ~ "^/sys/fs/cgroup/" { m = $5; sub("^/sys/fs/cgroup/", "", m); print "mount", m, $(NF-2), substr($6, 1, 2) }
	$5 == "/sys/fs/cgroup" { print "top", $(NF-2), substr($6, 1, 2) }'\'' /proc/self/mountinfo'

payload_pids() {
	local line; line=$(grep -E '^[0-9]+:pids:' /proc/self/cgroup)
	echo "/sys/fs/cgroup/pids${line#*:*:}" | sed 's|/$||'
}

test_cgroup_mixed_mounts_each_hierarchy_on_a_read_only_tmpfs() {
	need_cgroups || return 0
	grep -q ' /sys/fs/cgroup .* - tmpfs ' /proc/self/mountinfo || { skip "not a v1 or hybrid host"; return 0; }
	local res want
	res=$(inside "cgroup:mixed proc:mixed sys:mixed" "$MOUNTS; cat /proc/self/cgroup
		touch /sys/fs/cgroup/x && echo tmpfs=rw || echo tmpfs=ro")
	assert_contains "$res" "top tmpfs ro" "/sys/fs/cgroup: a read-only tmpfs"
	want=$(host_hierarchies | sed 's/^/mount /; s/$/ rw/')
	assert_eq "$(echo "$res" | grep '^mount ' | sort)" "$want" "the hierarchies mounted inside (read-write)"
	assert_contains "$res" "tmpfs=ro" "a file on the tmpfs"
	# Inside its cgroup namespace every hierarchy's root is its own cgroup.
	assert_eq "$(echo "$res" | grep -E '^[0-9]+:' | grep -cv ':/$')" 0 "/proc/self/cgroup lines other than /"
	lxc_stop -P "$(P)" -n $N -k
}

test_the_container_sees_its_own_cgroup_as_root_and_nothing_above() {
	need_cgroups || return 0
	[ -d /sys/fs/cgroup/pids ] || { skip "no pids hierarchy"; return 0; }
	local res
	res=$(inside "cgroup:mixed" 'echo max=$(cat /sys/fs/cgroup/pids/pids.max)
		echo procs=$(cat /sys/fs/cgroup/pids/cgroup.procs | tr "\n" " ")
		ls /sys/fs/cgroup/pids | grep -c "^lxcmgr\." | sed "s/^/lxcmgr-dirs=/"
		mkdir /sys/fs/cgroup/pids/inner && echo inner=made
		echo 5 > /sys/fs/cgroup/pids/inner/pids.max && echo inner-max=$(cat /sys/fs/cgroup/pids/inner/pids.max)')
	# pids.max at the root of what it sees is the container's own limit
	# (a real root cgroup has no pids.max).
	assert_contains "$res" "max=77" "pids.max at the root of the container's pids hierarchy"
	assert_contains "$res" "procs=1 " "its own init first in cgroup.procs"
	assert_contains "$res" "lxcmgr-dirs=0" "cgroups of other containers or the monitor visible"
	assert_contains "$res" "inner=made" "a cgroup of its own below its root"
	assert_contains "$res" "inner-max=5" "a limit in it"
	[ -d "$(payload_pids)/$(_test_cgroup_dir)/lxcmgr.payload.$N/inner" ] ||
		fail "the inner cgroup is not below the payload cgroup on the host"
	lxc_stop -P "$(P)" -n $N -k
	[ -d "$(payload_pids)/$(_test_cgroup_dir)/lxcmgr.payload.$N" ] &&
		fail "the payload cgroup (with the container's inner one) was left"
	return 0
}

test_cgroup_ro_mounts_everything_read_only() {
	need_cgroups || return 0
	[ -d /sys/fs/cgroup/pids ] || { skip "no pids hierarchy"; return 0; }
	local res
	res=$(inside "cgroup:ro" "$MOUNTS; mkdir /sys/fs/cgroup/pids/inner && echo inner=made
		echo 5 > /sys/fs/cgroup/pids/pids.max && echo write=done; echo max=\$(cat /sys/fs/cgroup/pids/pids.max)")
	assert_not_contains "$res" " rw" "a read-write cgroup mount"
	assert_contains "$res" "mount pids cgroup ro" "pids mounted read-only"
	assert_contains "$res" "Read-only file system" "the error inside"
	assert_not_contains "$res" "inner=made" "mkdir on a read-only mount"
	assert_not_contains "$res" "write=done" "a write to pids.max"
	assert_contains "$res" "max=77" "pids.max unchanged"
	lxc_stop -P "$(P)" -n $N -k
}

test_cgroup_rw_and_cgroup_full_leave_the_tmpfs_writable() {
	need_cgroups || return 0
	grep -q ' /sys/fs/cgroup .* - tmpfs ' /proc/self/mountinfo || { skip "not a v1 or hybrid host"; return 0; }
	local res
	res=$(inside "cgroup-full:rw:force" "$MOUNTS; touch /sys/fs/cgroup/x && echo tmpfs=rw")
	assert_contains "$res" "top tmpfs rw" "the tmpfs"
	assert_contains "$res" "tmpfs=rw" "a file on it"
	assert_eq "$(echo "$res" | grep '^mount ' | sort)" "$(host_hierarchies | sed 's/^/mount /; s/$/ rw/')" \
		"the hierarchies mounted inside"
	lxc_stop -P "$(P)" -n $N -k
}

test_cgroup2_mounts_the_cgroup2_hierarchy_alone() {
	need_cgroups || return 0
	grep -q ' - cgroup2 ' /proc/self/mountinfo || { skip "no cgroup2 hierarchy here"; return 0; }
	local res
	res=$(inside "cgroup2:ro" "$MOUNTS; cat /proc/self/cgroup | grep '^0::'")
	assert_contains "$res" "top cgroup2 ro" "/sys/fs/cgroup"
	assert_not_contains "$res" "mount " "mounts below it"
	assert_contains "$res" "0::/" "its cgroup2 cgroup"
	lxc_stop -P "$(P)" -n $N -k
}

test_the_shipped_common_conf_mounts_its_cgroups() {
	need_cgroups || return 0
	local res
	lxc_create -P "$(P)" -n $N -t busybox > /dev/null
	printf 'lxc.include = %s\n' "$top_srcdir/config/common.conf" >> "$(P)/$N/config"
	rm -f "$(P)/$N/rootfs/res"
	lxc_start -P "$(P)" -n $N -- /bin/sh -c "exec > /res 2>&1; $MOUNTS; echo END; exec sleep 1000"
	res=$(cat_when_done "$(P)/$N/rootfs/res")
	assert_contains "$res" "top " "a mount at /sys/fs/cgroup with common.conf's cgroup:mixed"
	lxc_stop -P "$(P)" -n $N -k
}

test_without_a_cgroup_namespace_the_mounts_are_refused() {
	need_cgroups || return 0
	lxc_create -P "$(P)" -n $N -t busybox > /dev/null
	printf 'lxc.mount.auto = cgroup:mixed\nlxc.namespace.keep = cgroup\n' >> "$(P)/$N/config"
	assert_fails lxc_start -P "$(P)" -n $N
	assert_contains "$err" "cgroup mounts without the container's own cgroup namespace" "why"
	assert_contains "$err" "lxc.mount.auto (" "the key"
}

run_tests
